"""Funnel plots of provider rates: control limits around a target and overdispersion.

:func:`funnel_limits` gives exact binomial limits (or normal limits widened for
overdispersion) at each number of participants; :func:`overdispersion` estimates how much
more the providers' rates vary than chance allows (Spiegelhalter 2005).

Examples
--------
>>> from effekt.simple_effect import funnel_limits
>>> funnel_limits(0.3, [100])[["lower_95", "upper_95"]].round(2).values.tolist()
[[0.21, 0.39]]
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal, cast

import numpy as np
import pandas as pd
from scipy import stats

from .._inference import wald_arrays
from .._validate import argument_error, check_choice, check_number
from ..errors import EffektError, SmallSampleWarning
from ..language import number, speaks, term
from ..results import Result, format_pvalue
from . import _stats as _ps
from ._checks import check_coverage, first_bad, numeric_array, participants_array

__all__ = ["Overdispersion", "funnel_limits", "overdispersion", "ratio_funnel_limits"]


@dataclass(frozen=True)
class Overdispersion(Result):
    """Spiegelhalter's (2005) overdispersion estimates from winsorised z-scores.

    Attributes
    ----------
    phi : float
        Multiplicative factor ``mean(z_w^2)`` (1 = no overdispersion).
    tau2 : float
        Additive between-unit variance (DerSimonian-Laird type, on the rate scale).
    pvalue : float
        ``P(chi2_I > I phi)``, a test of "no overdispersion".
    n_units : int
    winsorize : float
    notes : tuple of str
        Caveats, e.g. why an estimate is NaN.
    """

    phi: float
    tau2: float
    pvalue: float
    n_units: int
    winsorize: float = 0.1
    notes: tuple[str, ...] = ()

    @speaks
    def summary(self) -> str:
        lines = [self._headline()]
        lines.extend(f"  {term('note')}: {n}" for n in self.notes)
        return "\n".join(lines)

    def _headline(self) -> str:
        return term(
            "Overdispersion (Spiegelhalter 2005, {w} % winsorised, {n} units): phi = {phi} "
            "({p}), tau = {tau} pp"
        ).format(
            w=number(100 * self.winsorize, None),
            n=self.n_units,
            phi=number(self.phi, 3),
            p=format_pvalue(self.pvalue),
            tau=number(100 * np.sqrt(self.tau2), 2),
        )

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            [
                {
                    "phi": self.phi,
                    "tau2": self.tau2,
                    "pvalue": self.pvalue,
                    "n_units": self.n_units,
                    "winsorize": self.winsorize,
                }
            ]
        )

    def _html_frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            [
                {
                    "phi": round(self.phi, 3),
                    f"tau ({term('pp')})": round(100 * float(np.sqrt(self.tau2)), 2),
                    term("p (no overdispersion)"): round(self.pvalue, 4),
                    term("units"): int(self.n_units),
                    term("winsorised (%)"): round(100 * self.winsorize, 1),
                }
            ]
        )


def overdispersion(
    rate: Any, participants: Any, target: float, *, std_error: Any = None, winsorize: float = 0.1
) -> Overdispersion:
    """Estimate overdispersion of unit rates around a target (Spiegelhalter 2005, section 6).

    Parameters
    ----------
    rate : array-like
        Each unit's rate (or risk-adjusted rate), as fractions.
    participants : array-like
        Each unit's number of participants.
    target : float
        The target rate ``theta0`` in (0, 1).
    std_error : array-like, optional
        Each unit's standard error under the null; default ``sqrt(theta0 (1 - theta0) / n)``.
    winsorize : float, default 0.1
        Share of z-scores set to the percentile at each tail (10 % in the paper).

    Returns
    -------
    Overdispersion

    Notes
    -----
    ``z_i = (y_i - theta0) / s_i``; the lowest and highest ``winsorize`` shares are replaced by
    the percentiles (linear interpolation, R's ``quantile`` type 7); ``phi = (1/I) sum z_w^2``;
    ``tau2 = max(0, (I phi - (I - 1)) / (sum w_i - sum w_i^2 / sum w_i))`` with
    ``w_i = 1 / s_i^2``. Multiplicative limits: ``theta0 ± z sqrt(phi) s(n)``; additive:
    ``theta0 ± z sqrt(s(n)^2 + tau2)``.

    References
    ----------
    Spiegelhalter, D. J. (2005). Funnel plots for comparing institutional performance.
    *Statistics in Medicine* 24, 1185-1202.

    Examples
    --------
    >>> od = overdispersion([0.2, 0.3, 0.4, 0.25, 0.35], [100, 100, 100, 100, 100], 0.3)
    >>> round(od.phi, 3)
    1.695
    """
    target = check_number(
        target, "target", "overdispersion", low=0, high=1, low_open=True, high_open=True
    )
    winsorize = check_number(
        winsorize, "winsorize", "overdispersion", low=0, high=0.5, high_open=True
    )
    func = "overdispersion"
    y = numeric_array(rate, "rate", func)
    n = participants_array(participants, func)
    bad = ~((y >= 0) & (y <= 1))
    if bad.any():
        hint = " (give rates as fractions: 0.16, not 16)" if (y[bad] > 1).all() else ""
        raise argument_error(
            func, "rate", "finite rates between 0 and 1" + hint, first_bad(rate, bad)
        )
    if y.shape != n.shape:
        raise EffektError(
            f"overdispersion(): 'rate' and 'participants' must have the same length; got {y.size} "
            f"and {n.size}."
        )
    if std_error is None:
        s = np.sqrt(target * (1 - target) / n)
    else:
        s = numeric_array(std_error, "std_error", func)
        if s.shape != y.shape:
            raise EffektError(
                f"overdispersion(): 'std_error' must have one value per unit ({y.size}); "
                f"got {s.size}."
            )
        if not (s > 0).all():
            raise argument_error(
                func, "std_error", "finite standard errors > 0", first_bad(std_error, ~(s > 0))
            )
    phi, tau2, zw = _ps.overdispersion_estimates((y - target) / s, s, winsorize)
    k = zw.size
    pval = float(stats.chi2.sf(k * phi, k)) if k >= 2 else np.nan
    notes = _overdispersion_notes(phi, tau2, k)
    return Overdispersion(
        phi=phi, tau2=tau2, pvalue=pval, n_units=k, winsorize=winsorize, notes=notes
    )


def _overdispersion_notes(phi: float, tau2: float, k: int) -> tuple[str, ...]:
    """Minimum-information rule: overdispersion needs at least 2 units (warning and note)."""
    if k >= 2 and np.isfinite(phi) and np.isfinite(tau2):
        return ()
    why = (
        f"only {k} unit: the spread between units cannot be estimated"
        if k < 2
        else "the z-scores overflow (rates far from the target with huge numbers of participants)"
    )
    warnings.warn(
        f"overdispersion(): no estimate (NaN) because {why}; pass at least 2 units.",
        SmallSampleWarning,
        stacklevel=3,
    )
    return (f"phi, tau and p are NaN: {why}",)


def funnel_limits(
    target: float,
    participants: Any,
    *,
    coverage: Sequence[float] = (0.95, 0.998),
    overdispersion: Literal["multiplicative", "additive"] | None = None,
    phi: float | None = None,
    tau2: float | None = None,
) -> pd.DataFrame:
    """Funnel-plot control limits for a rate around ``target`` at each number of participants.

    Parameters
    ----------
    target : float
        The target rate ``theta0`` in (0, 1) (e.g. the overall rate).
    participants : array-like of int
        Numbers of participants at which to compute the limits: whole numbers from 1 to
        2**53 (the largest count a float holds exactly).
    coverage : sequence of float, default (0.95, 0.998)
        Two-sided coverages; 0.95 and 0.998 are "2 and 3 standard deviations".
    overdispersion : {None, "multiplicative", "additive"}
        None: exact binomial limits; otherwise normal limits widened by ``phi`` or ``tau2``
        (see :func:`overdispersion`).
    phi, tau2 : float, optional
        The overdispersion estimates (needed with the corresponding ``overdispersion``);
        ``phi < 1`` is treated as 1.

    Returns
    -------
    DataFrame
        ``participants`` and ``lower_<c>``/``upper_<c>`` per coverage (e.g. ``lower_95``,
        ``upper_99.8``).

    Notes
    -----
    Exact limits interpolate the binomial quantile as in Spiegelhalter (2005, appendix A.1.1):
    with ``r`` the ``p`` quantile of Binomial(n, theta0) (smallest ``r`` with
    ``P(R <= r) >= p``) and ``a = (P(R <= r) - p) / (P(R <= r) - P(R < r))``, the limit is
    ``(r - a) / n``, which makes the funnel a smooth curve in ``n``. The normal limits of
    the overdispersed funnels are cut at 0 and 1 (a share cannot leave 0-100 %).

    Examples
    --------
    >>> lim = funnel_limits(0.3, [100, 400])
    >>> lim[["lower_95", "upper_95"]].round(3).values.tolist()
    [[0.207, 0.387], [0.254, 0.344]]
    """
    func = "funnel_limits"
    target = check_number(target, "target", func, low=0, high=1, low_open=True, high_open=True)
    n = participants_array(participants, func)
    check_choice(overdispersion, "overdispersion", func, (None, "multiplicative", "additive"))
    if overdispersion == "multiplicative" and phi is None:
        raise argument_error(
            func, "phi", "a finite number when overdispersion='multiplicative'", phi
        )
    if overdispersion == "multiplicative":
        check_number(phi, "phi", func, low=0)
    if overdispersion == "additive":
        if tau2 is None:
            raise argument_error(
                func, "tau2", "a finite number when overdispersion='additive'", tau2
            )
        check_number(tau2, "tau2", func, low=0)
    coverage = check_coverage(coverage, func)
    out = {"participants": n}
    s = np.sqrt(target * (1 - target) / n)
    for c in coverage:
        c = check_number(c, "coverage", func, low=0, high=1, low_open=True, high_open=True)
        name = f"{100 * c:g}"
        lo_p, hi_p = (1 - c) / 2, (1 + c) / 2
        if overdispersion is None:
            lo, hi = _ps.binomial_limits(target, n, lo_p), _ps.binomial_limits(target, n, hi_p)
        else:
            if overdispersion == "multiplicative":
                sd = s * np.sqrt(max(float(cast(float, phi)), 1.0))
            else:
                sd = np.sqrt(s**2 + float(cast(float, tau2)))
            lo, hi, _ = wald_arrays(np.full_like(sd, target), sd, c)
            lo, hi = np.clip(lo, 0.0, 1.0), np.clip(hi, 0.0, 1.0)
        out[f"lower_{name}"] = lo
        out[f"upper_{name}"] = hi
    return pd.DataFrame(out)


def _funnel_data(
    y, n, s_null, target, overdispersion_kind, labels
) -> tuple[pd.DataFrame, Overdispersion | None, pd.DataFrame]:
    """Points with their 95/99.8 % limits and an outlier flag, plus a smooth curve."""
    check_choice(
        overdispersion_kind, "overdispersion", "plot_funnel", (None, "multiplicative", "additive")
    )
    od = None
    phi = tau2 = None
    if overdispersion_kind is not None:
        phi_, tau2_, zw = _ps.overdispersion_estimates((y - target) / s_null, s_null)
        od = Overdispersion(phi_, tau2_, float(stats.chi2.sf(zw.size * phi_, zw.size)), zw.size)
        phi, tau2 = phi_, tau2_
    at_points = funnel_limits(target, n, overdispersion=overdispersion_kind, phi=phi, tau2=tau2)
    pts = pd.DataFrame({"provider": labels, "participants": n.astype(np.int64), "rate": y})
    for col in at_points.columns[1:]:
        pts[col] = at_points[col].to_numpy()
    pts["outside_95"] = (y < pts["lower_95"]) | (y > pts["upper_95"])
    pts["outside_99.8"] = (y < pts["lower_99.8"]) | (y > pts["upper_99.8"])
    grid = np.unique(np.round(np.geomspace(max(1.0, n.min() * 0.8), n.max() * 1.1, 300)))
    curve = funnel_limits(target, grid, overdispersion=overdispersion_kind, phi=phi, tau2=tau2)
    return pts, od, curve


def ratio_funnel_limits(
    expected: Any,
    *,
    coverage: Sequence[float] = (0.95, 0.998),
    overdispersion: Literal["multiplicative", "additive"] | None = None,
    phi: float | None = None,
    tau2: float | None = None,
) -> pd.DataFrame:
    """Funnel-plot control limits for an observed/expected ratio (O/E) around 1.

    The funnel of indirectly standardised ratios as FunnelPlotR draws it (Spiegelhalter
    2005): the x axis is the expected number of successes ``E``, the y axis ``O / E``.

    Parameters
    ----------
    expected : array-like of float
        Expected numbers of successes (> 0) at which to compute the limits.
    coverage : sequence of float, default (0.95, 0.998)
        Two-sided coverages.
    overdispersion : {None, "multiplicative", "additive"}
        None: exact Poisson limits; otherwise limits on the square-root scale widened by
        ``phi`` or ``tau2``.
    phi, tau2 : float, optional
        The overdispersion estimates on the square-root scale (needed with the corresponding
        ``overdispersion``); ``phi < 1`` is treated as 1.

    Returns
    -------
    DataFrame
        ``expected`` and ``lower_<c>``/``upper_<c>`` per coverage (e.g. ``lower_95``).

    Notes
    -----
    Exact limits interpolate the Poisson(E) quantile ``r`` as
    ``(r - a) / E`` with ``a = (P(O <= r) - p) / (P(O <= r) - P(O < r))`` (Spiegelhalter 2005,
    appendix A.1.2; FunnelPlotR's ``Poisson_limits``). Overdispersed limits use the
    square-root transformation ``sqrt(O/E)`` with standard error ``1 / (2 sqrt(E))`` (as
    FunnelPlotR's ``sr_method = "CQC"``): ``(1 +- z sqrt(phi) s)^2`` or
    ``(1 +- z sqrt(s^2 + tau2))^2``, cut at 0 below. A ratio has no upper bound.

    Examples
    --------
    >>> lim = ratio_funnel_limits([10, 100])
    >>> lim[["lower_95", "upper_95"]].round(3).values.tolist()
    [[0.378, 1.616], [0.804, 1.196]]
    """
    func = "ratio_funnel_limits"
    e = numeric_array(expected, "expected", func)
    if not (e > 0).all():
        raise argument_error(func, "expected", "a non-empty sequence of positive numbers", expected)
    check_choice(overdispersion, "overdispersion", func, (None, "multiplicative", "additive"))
    if overdispersion == "multiplicative":
        check_number(phi, "phi", func, low=0)
    if overdispersion == "additive":
        check_number(tau2, "tau2", func, low=0)
    out: dict[str, np.ndarray] = {"expected": e}
    s = 1 / (2 * np.sqrt(e))
    coverage = check_coverage(coverage, func)
    for c in coverage:
        c = check_number(c, "coverage", func, low=0, high=1, low_open=True, high_open=True)
        name = f"{100 * c:g}"
        if overdispersion is None:
            lo = _ps.poisson_ratio_limits(e, (1 - c) / 2)
            hi = _ps.poisson_ratio_limits(e, (1 + c) / 2)
        else:
            if overdispersion == "multiplicative":
                sd = s * np.sqrt(max(float(cast(float, phi)), 1.0))
            else:
                sd = np.sqrt(s**2 + float(cast(float, tau2)))
            z = float(stats.norm.ppf((1 + c) / 2))
            lo = np.maximum(1 - z * sd, 0.0) ** 2
            hi = (1 + z * sd) ** 2
        out[f"lower_{name}"], out[f"upper_{name}"] = lo, hi
    return pd.DataFrame(out)


def _ratio_funnel_data(
    observed, expected, overdispersion_kind, labels
) -> tuple[pd.DataFrame, Overdispersion | None, pd.DataFrame]:
    """O/E points with their limits and outlier flags, plus a smooth curve over E."""
    check_choice(
        overdispersion_kind, "overdispersion", "plot_funnel", (None, "multiplicative", "additive")
    )
    o = np.asarray(observed, dtype=float)
    e = np.asarray(expected, dtype=float)
    ratio = o / e
    od = None
    phi = tau2 = None
    if overdispersion_kind is not None:
        s = 1 / (2 * np.sqrt(e))
        phi_, tau2_, zw = _ps.overdispersion_estimates((np.sqrt(ratio) - 1) / s, s)
        od = Overdispersion(phi_, tau2_, float(stats.chi2.sf(zw.size * phi_, zw.size)), zw.size)
        phi, tau2 = phi_, tau2_
    at_points = ratio_funnel_limits(e, overdispersion=overdispersion_kind, phi=phi, tau2=tau2)
    pts = pd.DataFrame({"provider": labels, "expected": e, "observed": o, "ratio": ratio})
    for col in at_points.columns[1:]:
        pts[col] = at_points[col].to_numpy()
    pts["outside_95"] = (ratio < pts["lower_95"]) | (ratio > pts["upper_95"])
    pts["outside_99.8"] = (ratio < pts["lower_99.8"]) | (ratio > pts["upper_99.8"])
    grid = np.geomspace(max(e.min() * 0.8, 0.05), e.max() * 1.1, 300)
    curve = ratio_funnel_limits(grid, overdispersion=overdispersion_kind, phi=phi, tau2=tau2)
    return pts, od, curve
