"""Confidence intervals for one proportion (Wilson, Clopper-Pearson) and for the difference of two
independent proportions (Wald, Agresti-Caffo, Newcombe, Miettinen-Nurminen), all vectorised.

Every public function checks its inputs and raises :class:`~effekt.errors.EffektError` naming
the argument: ``conf_level`` strictly between 0 and 1 (0.95, not 95), counts ``>= 0`` with
``events <= n``; the two-sample functions also need ``n >= 1`` in both arms. The one-sample
intervals allow ``n = 0`` (an empty group) and return NaN limits for it.

:func:`miettinen_nurminen_statistic` is public as well: besides the interval it gives the
score test of ``p_t - p_c = delta`` for any margin ``delta``, e.g. a non-inferiority test.

Examples
--------
>>> from effekt.intervals import wilson_interval
>>> lo, hi = wilson_interval(208, 1302)
>>> round(float(lo), 4), round(float(hi), 4)
(0.1409, 0.1807)
"""

from __future__ import annotations

import numpy as np
from scipy import stats

from ._inference import critical_value as _critical_value
from ._inference import wald_arrays as _wald_arrays
from ._validate import MAX_EXACT_INTEGER
from ._validate import argument_error as _argument_error
from ._validate import check_conf_level as _check_conf_level

__all__ = [
    "agresti_caffo_interval",
    "clopper_pearson_interval",
    "miettinen_nurminen_interval",
    "miettinen_nurminen_statistic",
    "newcombe_interval",
    "wald_diff_interval",
    "wilson_interval",
]


def _show(value: float) -> float | int:
    """A count for a message: 3 rather than 3.0."""
    v = float(value)
    return int(v) if v.is_integer() else v


def _float_array(value, name: str, func: str) -> np.ndarray:
    """``value`` as a float array; text, lists of text or objects raise :class:`EffektError`."""
    try:
        return np.asarray(value, dtype=float)
    except (TypeError, ValueError, OverflowError):
        raise _argument_error(func, name, "a count (a number or an array of them)", value) from None


def _one_sample_counts(events, n, func: str) -> tuple[np.ndarray, np.ndarray]:
    """Float arrays of ``events`` and ``n``; negative values or ``events > n`` raise.

    ``n = 0`` (and NaN) are allowed and give NaN limits, so that callers can pass groups that
    happen to be empty.
    """
    x = _float_array(events, "events", func)
    n = _float_array(n, "n", func)
    for value, name in ((x, "events"), (n, "n")):
        bad = np.isinf(value) | (value < 0) | (value > MAX_EXACT_INTEGER)
        if bad.any():
            raise _argument_error(
                func, name, "a count >= 0 (a number or an array of them)", _show(value[bad].flat[0])
            )
    over = x > n
    if over.any():
        xb, nb = np.broadcast_arrays(x, n)
        i = np.flatnonzero(np.broadcast_to(over, xb.shape))[0]
        raise _argument_error(
            func,
            "events",
            f"at most 'n' (events {xb.flat[i]:g} > n {nb.flat[i]:g})",
            _show(xb.flat[i]),
        )
    return x, n


def wilson_interval(events, n, conf_level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for ``events`` out of ``n`` (arrays broadcast).

    Notes
    -----
    ``(p + z^2/2n ± z sqrt(p(1-p)/n + z^2/4n^2)) / (1 + z^2/n)`` with ``p = events/n``.

    References
    ----------
    Wilson, E. B. (1927). *JASA* 22, 209-212.

    Examples
    --------
    >>> lo, hi = wilson_interval([0, 208], [20, 1302])
    >>> lo.round(4).tolist(), hi.round(4).tolist()
    ([0.0, 0.1409], [0.1611, 0.1807])
    """
    conf_level = _check_conf_level(conf_level, "wilson_interval")
    x, n = _one_sample_counts(events, n, "wilson_interval")
    z = _critical_value(conf_level)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = x / n
        denom = 1 + z**2 / n
        centre = (p + z**2 / (2 * n)) / denom
        half = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / denom
    return np.clip(centre - half, 0, 1), np.clip(centre + half, 0, 1)


def clopper_pearson_interval(events, n, conf_level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Exact (Clopper-Pearson) interval from beta quantiles (arrays broadcast).

    Examples
    --------
    >>> lo, hi = clopper_pearson_interval(0, 20)
    >>> float(lo), round(float(hi), 4)
    (0.0, 0.1684)
    """
    conf_level = _check_conf_level(conf_level, "clopper_pearson_interval")
    x, n = _one_sample_counts(events, n, "clopper_pearson_interval")
    a = (1 - conf_level) / 2
    with np.errstate(invalid="ignore"):
        lo = np.where(x > 0, stats.beta.ppf(a, x, n - x + 1), 0.0)
        hi = np.where(x < n, stats.beta.ppf(1 - a, x + 1, n - x), 1.0)
    unknown = np.isnan(x) | np.isnan(n) | (n == 0)
    return np.where(unknown, np.nan, lo), np.where(unknown, np.nan, hi)


# --- differences of two independent proportions -------------------------------------------
#
# Every function below is vectorised: counts broadcast as numpy arrays, so that a grid of
# count pairs (``from_reported_shares``) or thousands of simulated trials are one call.


def _as_counts(events_treated, n_treated, events_control, n_control, func: str | None = None):
    """Broadcast float arrays; with ``func`` also check ``0 <= events <= n`` and ``n >= 1``."""
    x1, n1, x2, n2 = np.broadcast_arrays(
        *(
            _float_array(v, name, func or "an interval function")
            for v, name in zip(
                (events_treated, n_treated, events_control, n_control),
                ("events_treated", "n_treated", "events_control", "n_control"),
                strict=True,
            )
        )
    )
    if func is not None:
        names = ("events_treated", "n_treated", "events_control", "n_control")
        for value, name in zip((x1, n1, x2, n2), names, strict=True):
            bad = (
                ~np.isfinite(value)
                | (value < (1 if name.startswith("n_") else 0))
                | (value > MAX_EXACT_INTEGER)
            )
            if bad.any():
                need = "a count >= 1" if name.startswith("n_") else "a count >= 0"
                raise _argument_error(func, name, need, _show(value[bad].flat[0]))
        for x, n, arm in ((x1, n1, "treated"), (x2, n2, "control")):
            over = x > n
            if over.any():
                i = np.flatnonzero(over)[0]
                raise _argument_error(
                    func,
                    f"events_{arm}",
                    f"at most 'n_{arm}' ({n.flat[i]:g}); check that events and totals "
                    "belong to the same arm",
                    _show(x.flat[i]),
                )
    return x1, n1, x2, n2


def _conf(conf_level: float, func: str) -> float:
    return _critical_value(_check_conf_level(conf_level, func))


def wald_diff_interval(
    events_treated, n_treated, events_control, n_control, conf_level: float = 0.95
) -> tuple[np.ndarray, np.ndarray]:
    """Wald interval for ``p_t - p_c`` (clipped to [-1, 1]); poor coverage at small counts.

    Notes
    -----
    ``d ± z sqrt(p_t(1-p_t)/n_t + p_c(1-p_c)/n_c)`` with ``d = p_t - p_c``.

    Examples
    --------
    >>> lo, hi = wald_diff_interval(56, 70, 48, 80)
    >>> round(float(lo), 4), round(float(hi), 4)
    (0.0575, 0.3425)
    """
    x1, n1, x2, n2 = _as_counts(
        events_treated, n_treated, events_control, n_control, "wald_diff_interval"
    )
    conf_level = _check_conf_level(conf_level, "wald_diff_interval")
    p1, p2 = x1 / n1, x2 / n2
    se = np.sqrt(p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2)
    low, high, _ = _wald_arrays(p1 - p2, se, conf_level)
    return np.clip(low, -1, 1), np.clip(high, -1, 1)


def agresti_caffo_interval(
    events_treated, n_treated, events_control, n_control, conf_level: float = 0.95
) -> tuple[np.ndarray, np.ndarray]:
    """Agresti-Caffo interval: Wald after adding one event and one non-event to each arm.

    Notes
    -----
    With ``q_i = (x_i + 1)/(n_i + 2)``:
    ``q_t - q_c ± z sqrt(q_t(1-q_t)/(n_t+2) + q_c(1-q_c)/(n_c+2))``, clipped to [-1, 1].

    References
    ----------
    Agresti, A. & Caffo, B. (2000). Simple and effective confidence intervals for proportions
    and differences of proportions result from adding two successes and two failures.
    *The American Statistician* 54, 280-288.

    Examples
    --------
    >>> lo, hi = agresti_caffo_interval(56, 70, 48, 80)
    >>> round(float(lo), 4), round(float(hi), 4)
    (0.0525, 0.3358)
    """
    x1, n1, x2, n2 = _as_counts(
        events_treated, n_treated, events_control, n_control, "agresti_caffo_interval"
    )
    conf_level = _check_conf_level(conf_level, "agresti_caffo_interval")
    q1, q2 = (x1 + 1) / (n1 + 2), (x2 + 1) / (n2 + 2)
    se = np.sqrt(q1 * (1 - q1) / (n1 + 2) + q2 * (1 - q2) / (n2 + 2))
    low, high, _ = _wald_arrays(q1 - q2, se, conf_level)
    return np.clip(low, -1, 1), np.clip(high, -1, 1)


def newcombe_interval(
    events_treated, n_treated, events_control, n_control, conf_level: float = 0.95
) -> tuple[np.ndarray, np.ndarray]:
    """Newcombe's hybrid score interval (1998, method 10) for ``p_t - p_c``.

    Notes
    -----
    With Wilson limits ``(l_t, u_t)`` and ``(l_c, u_c)`` for each arm and ``d = p_t - p_c``:
    ``L = d - sqrt((p_t - l_t)^2 + (u_c - p_c)^2)``,
    ``U = d + sqrt((u_t - p_t)^2 + (p_c - l_c)^2)``.
    It never leaves [-1, 1], is defined for 0/n and n/n, and keeps close to nominal coverage
    at small counts.

    References
    ----------
    Newcombe, R. G. (1998). Interval estimation for the difference between independent
    proportions: comparison of eleven methods. *Statistics in Medicine* 17, 873-890.

    Examples
    --------
    >>> lo, hi = newcombe_interval(5, 56, 0, 29)
    >>> round(float(lo), 4), round(float(hi), 4)
    (-0.0381, 0.1926)
    """
    x1, n1, x2, n2 = _as_counts(
        events_treated, n_treated, events_control, n_control, "newcombe_interval"
    )
    conf_level = _check_conf_level(conf_level, "newcombe_interval")
    return newcombe_unchecked(x1, n1, x2, n2, conf_level)


def newcombe_unchecked(x1, n1, x2, n2, conf_level: float) -> tuple[np.ndarray, np.ndarray]:
    """Unchecked core of :func:`newcombe_interval` (float arrays; an empty arm gives NaN).

    For effekt's own vectorised callers that have validated their counts (not in
    ``__all__``).

    Examples
    --------
    >>> lo, hi = newcombe_unchecked(np.array([5.0]), np.array([56.0]), np.array([0.0]),
    ...                             np.array([0.0]), 0.95)
    >>> bool(np.isnan(lo[0]))
    True
    """
    with np.errstate(invalid="ignore", divide="ignore"):
        p1, p2 = x1 / n1, x2 / n2
        l1, u1 = wilson_interval(x1, n1, conf_level)
        l2, u2 = wilson_interval(x2, n2, conf_level)
    d = p1 - p2
    low = d - np.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    high = d + np.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    return np.clip(low, -1, 1), np.clip(high, -1, 1)


def _restricted_mle(x1, n1, x2, n2, delta):
    """Maximum-likelihood ``(p_t, p_c)`` under the constraint ``p_t - p_c = delta`` (unchecked).

    The closed-form root of the likelihood equation's cubic (Miettinen & Nurminen 1985,
    Farrington & Manning 1990), evaluated stably: at boundaries (0/n, n/n, ``delta = ±1``)
    the root is clipped to the admissible range ``max(0, delta) <= p_t <= min(1, 1 + delta)``.
    """
    delta = np.broadcast_to(np.asarray(delta, dtype=float), x1.shape)
    p1, p2 = x1 / n1, x2 / n2
    theta = n2 / n1
    a = 1 + theta
    b = -(1 + theta + p1 + theta * p2 + delta * (theta + 2))
    c = delta**2 + delta * (2 * p1 + theta + 1) + p1 + theta * p2
    d = -p1 * delta * (1 + delta)
    v = b**3 / (27 * a**3) - b * c / (6 * a**2) + d / (2 * a)
    u2 = b**2 / (9 * a**2) - c / (3 * a)
    u = np.sign(v) * np.sqrt(np.clip(u2, 0, None))
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(u != 0, v / u**3, 0.0)
    w = (np.pi + np.arccos(np.clip(ratio, -1, 1))) / 3
    pt = 2 * u * np.cos(w) - b / (3 * a)
    pt = np.clip(pt, np.maximum(0.0, delta), np.minimum(1.0, 1.0 + delta))
    return pt, pt - delta


def miettinen_nurminen_statistic(
    events_treated, n_treated, events_control, n_control, delta=0.0
) -> np.ndarray:
    """Miettinen-Nurminen score statistic for ``H0: p_t - p_c = delta`` (vectorised).

    Parameters
    ----------
    events_treated, n_treated, events_control, n_control : int or array of int
        Events and units in each arm (arrays broadcast).
    delta : float or array of float, default 0
        The hypothesised difference, between -1 and 1: 0 for "no effect", a margin such as
        -0.05 for a non-inferiority test.

    Returns
    -------
    numpy.ndarray
        The standard-normal score statistic ``z``; its two-sided p-value is
        ``2 * scipy.stats.norm.sf(abs(z))`` and the one-sided one ``scipy.stats.norm.sf(z)``.

    Notes
    -----
    ``z = (p_t - p_c - delta) / sqrt((p~_t(1-p~_t)/n_t + p~_c(1-p~_c)/n_c) N/(N-1))``, with
    ``p~`` the maximum-likelihood shares under the constraint ``p_t - p_c = delta`` and
    ``N = n_t + n_c``. Where the restricted variance is zero, ``z`` is 0 if the observed
    difference equals ``delta`` and ±inf otherwise.

    Examples
    --------
    >>> round(float(miettinen_nurminen_statistic(56, 70, 48, 80)), 4)
    2.6413

    Non-inferiority with a margin of 5 pp: is ``p_t - p_c > -0.05``?

    >>> from scipy import stats
    >>> z = miettinen_nurminen_statistic(150, 1000, 160, 1000, delta=-0.05)
    >>> round(float(stats.norm.sf(z)), 4)
    0.0069
    """
    func = "miettinen_nurminen_statistic"
    x1, n1, x2, n2 = _as_counts(events_treated, n_treated, events_control, n_control, func)
    d = np.asarray(delta, dtype=float)
    if (~np.isfinite(d) | (d < -1) | (d > 1)).any():
        raise _argument_error(func, "delta", "a difference between -1 and 1", delta)
    return _mn_statistic(x1, n1, x2, n2, d)


def _mn_statistic(x1, n1, x2, n2, delta):
    """:func:`miettinen_nurminen_statistic` without input checks (for the bisection)."""
    pt, pc = _restricted_mle(x1, n1, x2, n2, delta)
    N = n1 + n2
    var = (pt * (1 - pt) / n1 + pc * (1 - pc) / n2) * N / (N - 1)
    num = x1 / n1 - x2 / n2 - delta
    tiny = np.abs(num) <= 1e-14
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(var > 0, num / np.sqrt(np.where(var > 0, var, 1.0)), np.copysign(np.inf, num))
    return np.where(tiny, 0.0, z)


def miettinen_nurminen_interval(
    events_treated, n_treated, events_control, n_control, conf_level: float = 0.95
) -> tuple[np.ndarray, np.ndarray]:
    """Miettinen-Nurminen score interval for ``p_t - p_c``, by inverting the score test.

    The limits are the ``delta`` at which the score statistic equals ``∓z``; they are found by
    vectorised bisection (60 halvings: error below 1e-15) on ``[-1, d]`` and ``[d, 1]``,
    which cannot fail for valid counts, including 0/n and n/n.

    Notes
    -----
    ``{delta : |z_MN(delta)| <= z_{1-alpha/2}}`` with :func:`miettinen_nurminen_statistic`.
    ``z_MN(delta)`` decreases in ``delta``.

    References
    ----------
    Miettinen, O. & Nurminen, M. (1985). Comparative analysis of two rates.
    *Statistics in Medicine* 4, 213-226.

    Examples
    --------
    >>> lo, hi = miettinen_nurminen_interval(5, 56, 0, 29)
    >>> round(float(lo), 4), round(float(hi), 4)
    (-0.0326, 0.1933)
    """
    x1, n1, x2, n2 = _as_counts(
        events_treated, n_treated, events_control, n_control, "miettinen_nurminen_interval"
    )
    z = _conf(conf_level, "miettinen_nurminen_interval")
    d = x1 / n1 - x2 / n2

    def solve(lo: np.ndarray, hi: np.ndarray, target: float) -> np.ndarray:
        # root of z_MN(delta) = target on [lo, hi], z_MN decreasing; keep a bracket.
        lo, hi = lo.copy(), hi.copy()
        for _ in range(60):
            mid = (lo + hi) / 2
            above = _mn_statistic(x1, n1, x2, n2, mid) > target
            lo = np.where(above, mid, lo)
            hi = np.where(above, hi, mid)
        return (lo + hi) / 2

    ones = np.ones_like(d)
    lower = solve(-ones, d, z)
    upper = solve(d, ones, -z)
    # If the statistic never reaches the critical value inside the range, the limit is ±1.
    edge = 1 - 1e-12
    lower = np.where(_mn_statistic(x1, n1, x2, n2, -edge) <= z, -1.0, lower)
    upper = np.where(_mn_statistic(x1, n1, x2, n2, edge) >= -z, 1.0, upper)
    return lower, upper
