"""Power, sample size and minimum detectable effect for two-arm trials.

One keyword API for both outcome types: give ``p_control`` (the control group's share) for
a binary outcome, or ``sd`` (the outcome's standard deviation) for a continuous one. Cluster
randomisation (whole job centres or municipalities to one arm) enters through the design
effect ``1 + (m - 1) ICC`` with mean cluster size ``m``.

Examples
--------
>>> from effekt import rct
>>> r = rct.power(p_control=0.12, effect=0.04, n_treated=1302, n_control=1291)
>>> round(r.power, 3)
0.836
>>> rct.sample_size(p_control=0.12, effect=0.04, power=0.8).n_treated
1181
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any, Literal

import pandas as pd
from scipy import optimize, stats

from .._validate import argument_error, check_choice, check_number
from ..errors import EffektError
from ..language import number, speaks, term
from ..results import Result, format_effect

__all__ = ["PowerResult", "power", "sample_size", "minimum_detectable_effect"]

Direction = Literal["increase", "decrease"]


@dataclass(frozen=True)
class PowerResult(Result):
    """A power calculation: the design, the effect and the power it gives.

    Attributes
    ----------
    kind : {"proportions", "means"}
    solved_for : {"power", "sample_size", "effect"}
        Which quantity the function computed; the others were given.
    power : float
        Probability of a significant two-sided test at ``alpha``.
    effect : float
        Difference treated - control (a fraction for proportions).
    n_treated, n_control : int or float
        Persons per arm.
    alpha : float
    p_control, sd : float or None
        Control share (proportions) or outcome standard deviation (means).
    icc, cluster_size, design_effect : float
        Intra-cluster correlation, mean cluster size ``m`` and ``1 + (m - 1) ICC``.
    method : str
    """

    kind: str
    solved_for: str
    power: float
    effect: float
    n_treated: float
    n_control: float
    alpha: float
    p_control: float | None
    sd: float | None
    icc: float
    cluster_size: float
    design_effect: float
    method: str

    @property
    def n_total(self) -> float:
        return self.n_treated + self.n_control

    @property
    def clusters_treated(self) -> float | None:
        """Clusters in the treatment arm (``None`` for individual randomisation)."""
        return self.n_treated / self.cluster_size if self.cluster_size > 1 else None

    @property
    def clusters_control(self) -> float | None:
        return self.n_control / self.cluster_size if self.cluster_size > 1 else None

    def to_frame(self) -> pd.DataFrame:
        row = asdict(self)
        row["n_total"] = self.n_total
        return pd.DataFrame([row])

    @speaks
    def summary(self) -> str:
        eff = self._effect_text()
        lines = [
            term("Power {power} % to detect {effect} at alpha = {alpha} (two-sided)").format(
                power=number(100 * self.power, 1), effect=eff, alpha=number(self.alpha, None)
            ),
            f"  {term('n treated')}: {number(self.n_treated, 0)}   "
            f"{term('n control')}: {number(self.n_control, 0)}",
        ]
        if self.cluster_size > 1 or self.icc > 0:
            lines.append(
                f"  clusters of {self.cluster_size:g}, ICC {self.icc:g}: design effect "
                f"{self.design_effect:.2f}"
                + (
                    f" ({self.clusters_treated:,.1f} + {self.clusters_control:,.1f} clusters)"
                    if self.cluster_size > 1
                    else ""
                )
            )
        lines.append(f"  {term('solved for')}: {self.solved_for}; {term('method')}: {self.method}")
        return "\n".join(lines)

    def _effect_text(self) -> str:
        if self.kind == "proportions":
            effect = format_effect(self.effect, "proportion")  # type: ignore[arg-type]
            return f"{effect} ({term('control')} {number(100 * self.p_control, 1)} %)"  # type: ignore[operator]
        return f"{self.effect:+.3g} (SD {self.sd:.3g}, {self.effect / self.sd:+.2f} SD)"  # type: ignore[operator]

    def _html_frame(self) -> pd.DataFrame:
        """The design and the answer, one row per quantity, the solved-for one first."""
        rows = {
            "power": f"{100 * self.power:.1f} %",
            "sample_size": f"{self.n_treated:,.0f} treated + {self.n_control:,.0f} control",
            "effect": self._effect_text(),
        }
        order = [self.solved_for, *(k for k in rows if k != self.solved_for)]
        table = [(name.replace("_", " "), rows[name]) for name in order]
        table.append(("alpha (two-sided)", f"{self.alpha:g}"))
        if self.cluster_size > 1 or self.icc > 0:
            table.append(("cluster size, ICC", f"{self.cluster_size:g}, {self.icc:g}"))
            table.append(("design effect", f"{self.design_effect:.2f}"))
        if self.cluster_size > 1:
            table.append(
                ("clusters", f"{self.clusters_treated:,.1f} + {self.clusters_control:,.1f}")
            )
        table.append(("method", self.method))
        return pd.DataFrame(table, columns=["quantity", "value"])


# --------------------------------------------------------------------------- validation


def _common(
    func: str, p_control: Any, sd: Any, alpha: Any, icc: Any, cluster_size: Any
) -> tuple[str, float]:
    if (p_control is None) == (sd is None):
        raise EffektError(
            f"{func}() needs exactly one of 'p_control' (control share, for a binary outcome) or "
            f"'sd' (outcome standard deviation, for a continuous outcome); "
            f"got p_control={p_control!r}, sd={sd!r}."
        )
    if p_control is not None:
        check_number(p_control, "p_control", func, low=0, high=1, low_open=True, high_open=True)
    else:
        check_number(sd, "sd", func, low=0, low_open=True)
    check_number(alpha, "alpha", func, low=0, high=1, low_open=True, high_open=True)
    check_number(icc, "icc", func, low=0, high=1, high_open=True)
    m = check_number(cluster_size, "cluster_size", func, low=1)
    return ("proportions" if p_control is not None else "means"), _design_effect(float(icc), m)


def _check_effect(effect: Any, p_control: float | None, func: str) -> float:
    d = check_number(effect, "effect", func)
    if d == 0:
        raise argument_error(func, "effect", "a non-zero difference (treated - control)", effect)
    if p_control is not None and not 0 <= p_control + d <= 1:
        raise argument_error(
            func,
            "effect",
            f"a difference that keeps p_control + effect within [0, 1] (p_control = {p_control:g})",
            effect,
        )
    return d


def _check_target(target: Any, alpha: float, func: str) -> float:
    p = check_number(target, "power", func, low=0, high=1, low_open=True, high_open=True)
    if p <= alpha:
        raise argument_error(func, "power", f"larger than alpha ({alpha:g})", target)
    return p


def _check_n(n: Any, argument: str, func: str) -> float:
    value = check_number(n, argument, func, low=2)
    return int(value) if float(value).is_integer() else value


# --------------------------------------------------------------------------- formulas


def _power_value(
    kind: str,
    d: float,
    n_t: float,
    n_c: float,
    alpha: float,
    p_control: float | None,
    sd: float | None,
    deff: float,
    cluster_size: float,
) -> float:
    """Two-sided power, counting rejections in both directions (R's ``strict=TRUE``)."""
    if kind == "proportions":
        assert p_control is not None
        p_t = p_control + d
        et, ec = n_t / deff, n_c / deff
        pbar = (n_t * p_t + n_c * p_control) / (n_t + n_c)
        se0 = math.sqrt(pbar * (1 - pbar) * (1 / et + 1 / ec))
        se1 = math.sqrt(p_t * (1 - p_t) / et + p_control * (1 - p_control) / ec)
        z = stats.norm.isf(alpha / 2)
        if se1 == 0:
            return 1.0
        return float(
            stats.norm.cdf((abs(d) - z * se0) / se1) + stats.norm.cdf((-abs(d) - z * se0) / se1)
        )
    assert sd is not None
    dfree = n_t + n_c - 2 if cluster_size <= 1 else (n_t + n_c) / cluster_size - 2
    if dfree <= 0:
        return float("nan")
    ncp = abs(d) / (sd * math.sqrt(deff * (1 / n_t + 1 / n_c)))
    crit = stats.t.isf(alpha / 2, dfree)
    # The lower tail P(T < -crit | ncp) equals P(T > crit | -ncp); scipy's nct.cdf returns
    # NaN far in the tail for small df (seen with scipy 1.17), its sf does not.
    return float(stats.nct.sf(crit, dfree, ncp) + stats.nct.sf(crit, dfree, -ncp))


def _method(kind: str, deff: float, cluster_size: float) -> str:
    if kind == "proportions":
        text = "normal approximation, pooled variance under H0 (as R power.prop.test)"
    elif cluster_size > 1:
        text = "noncentral t with df = clusters - 2"
    else:
        text = "noncentral t, df = n - 2 (as R power.t.test)"
    if deff != 1:
        text += f", sample sizes divided by the design effect {deff:.3g}"
    return text


def power(
    *,
    effect: float,
    n_treated: float,
    n_control: float | None = None,
    p_control: float | None = None,
    sd: float | None = None,
    alpha: float = 0.05,
    icc: float = 0.0,
    cluster_size: float = 1,
) -> PowerResult:
    """Power of a two-arm trial to detect ``effect`` with a two-sided test at ``alpha``.

    Parameters
    ----------
    effect : float
        True difference treated - control: a fraction for proportions (0.04 = 4 pp), outcome
        units for means.
    n_treated, n_control : int
        Persons per arm (``n_control`` defaults to ``n_treated``).
    p_control : float, optional
        Control group share, for a binary outcome.
    sd : float, optional
        Outcome standard deviation (common to both arms), for a continuous outcome.
        Give exactly one of ``p_control`` and ``sd``.
    alpha : float, default 0.05
        Two-sided significance level.
    icc : float, default 0
        Intra-cluster correlation of the outcome, in [0, 1).
    cluster_size : float, default 1
        Mean number of persons per randomised cluster (1 = individual randomisation).

    Returns
    -------
    PowerResult

    Notes
    -----
    With the design effect ``D = 1 + (m - 1) ICC`` the effective sizes are ``n/D``.

    * Proportions: ``power = Phi((|d| - z se0) / se1) + Phi((-|d| - z se0) / se1)``, with
      ``se0^2 = pbar (1 - pbar)(1/n_t + 1/n_c)`` (pooled share ``pbar``, the null
      variance of the chi-square test) and ``se1^2 = p_t q_t / n_t + p_c q_c / n_c``
      (Fleiss et al. 2003, sec. 4.2; R's ``power.prop.test(strict=TRUE)`` for equal arms;
      statsmodels' ``power_proportions_2indep``).
    * Means: the noncentral t with ``ncp = d / (sd sqrt(D (1/n_t + 1/n_c)))`` and
      ``df = n_t + n_c - 2`` (R's ``power.t.test(strict=TRUE)``); under cluster
      randomisation ``df`` is the number of clusters minus 2, as for a cluster-level analysis.

    References
    ----------
    Fleiss, J. L., Levin, B. & Paik, M. C. (2003). *Statistical Methods for Rates and
    Proportions*, 3rd ed. Wiley.
    Donner, A. & Klar, N. (2000). *Design and Analysis of Cluster Randomization Trials in
    Health Research*. Arnold.

    Examples
    --------
    The Mentor trial (16 % vs 12 %, 1,302 and 1,291 persons) and a weekly-hours outcome:

    >>> from effekt import rct
    >>> round(rct.power(p_control=0.12, effect=0.04, n_treated=1302, n_control=1291).power, 3)
    0.836
    >>> round(rct.power(sd=6.0, effect=1.0, n_treated=300).power, 3)
    0.531
    >>> round(rct.power(p_control=0.12, effect=0.04, n_treated=1300, icc=0.02,
    ...                 cluster_size=50).power, 3)
    0.551
    """
    func = "power"
    kind, deff = _common(func, p_control, sd, alpha, icc, cluster_size)
    d = _check_effect(effect, p_control, func)
    n_t = _check_n(n_treated, "n_treated", func)
    n_c = _check_n(n_treated if n_control is None else n_control, "n_control", func)
    if kind == "means" and cluster_size > 1 and (n_t + n_c) / cluster_size <= 2:
        raise EffektError(
            f"power(): {n_t + n_c:g} persons in clusters of {cluster_size:g} make at most two "
            "clusters; "
            "a cluster-randomised trial needs more than two clusters. Increase n_treated/n_control."
        )
    pw = _power_value(kind, d, n_t, n_c, float(alpha), p_control, sd, deff, float(cluster_size))
    return PowerResult(
        kind,
        "power",
        pw,
        d,
        n_t,
        n_c,
        float(alpha),
        p_control,
        sd,
        float(icc),
        float(cluster_size),
        deff,
        _method(kind, deff, float(cluster_size)),
    )


def sample_size(
    *,
    effect: float,
    p_control: float | None = None,
    sd: float | None = None,
    power: float = 0.8,
    alpha: float = 0.05,
    ratio: float = 1.0,
    icc: float = 0.0,
    cluster_size: float = 1,
) -> PowerResult:
    """Smallest trial that detects ``effect`` with the requested power.

    Parameters
    ----------
    effect : float
        True difference treated - control.
    p_control, sd : float
        Control share (binary outcome) or outcome SD (continuous outcome); give one.
    power : float, default 0.8
        Target power, in (alpha, 1).
    alpha : float, default 0.05
    ratio : float, default 1
        ``n_control / n_treated``.
    icc : float, default 0
    cluster_size : int, default 1
        Persons per cluster; with clusters the answer is rounded up to whole clusters per arm.

    Returns
    -------
    PowerResult
        ``n_treated`` is the smallest integer (a multiple of ``cluster_size`` under cluster
        randomisation) whose power, with ``n_control = ceil(ratio n_treated)``, reaches
        ``power``; ``power`` holds the power actually achieved.

    Notes
    -----
    The same formulas as :func:`power`, solved for ``n_treated`` (root finding on the
    continuous size, then rounding up and checking). R's ``power.prop.test`` and
    ``power.t.test`` report the continuous solution; this is its ceiling.

    Examples
    --------
    >>> from effekt import rct
    >>> rct.sample_size(p_control=0.12, effect=0.04, power=0.8).n_treated
    1181
    >>> rct.sample_size(sd=6.0, effect=2.0, power=0.9).n_treated
    191
    >>> r = rct.sample_size(p_control=0.12, effect=0.04, icc=0.01, cluster_size=40)
    >>> r.n_treated, r.clusters_treated, round(r.design_effect, 2)
    (1680, 42.0, 1.39)
    """
    func = "sample_size"
    kind, deff = _common(func, p_control, sd, alpha, icc, cluster_size)
    if not float(cluster_size).is_integer():
        raise argument_error(
            func,
            "cluster_size",
            "a whole number of persons per cluster (the answer is given in whole clusters)",
            cluster_size,
        )
    d = _check_effect(effect, p_control, func)
    target = _check_target(power, float(alpha), func)
    ratio = check_number(ratio, "ratio", func, low=0, low_open=True)
    m = float(cluster_size)
    a = float(alpha)

    def pw(n_t: float, rounded: bool) -> float:
        n_c = math.ceil(ratio * n_t) if rounded and m <= 1 else ratio * n_t
        return _power_value(kind, d, n_t, n_c, a, p_control, sd, deff, m)

    # Continuous root, then the smallest integer (or whole cluster count) that reaches it.
    step = m if m > 1 else 1.0
    low = max(2.0, 2 * step / (1 + ratio) + step) if kind == "means" else 2.0
    high = low * 2
    while pw(high, False) < target:
        high *= 2
        if high > 1e10:
            raise EffektError(
                f"{func}(): no trial of fewer than 10^10 persons reaches power {target:g}."
            )
    if pw(low, False) >= target:
        n_cont = low
    else:
        n_cont = optimize.brentq(lambda n: pw(n, False) - target, low, high, xtol=1e-6)
    k = max(math.ceil(n_cont / step - 1e-9), math.ceil(low / step))
    while pw(k * step, True) < target:
        k += 1
    n_t = k * step
    n_c = math.ceil(ratio * n_t) if m <= 1 else math.ceil(ratio * k) * step
    achieved = _power_value(kind, d, n_t, n_c, a, p_control, sd, deff, m)
    return PowerResult(
        kind,
        "sample_size",
        achieved,
        d,
        int(n_t) if float(n_t).is_integer() else n_t,
        int(n_c) if float(n_c).is_integer() else n_c,
        a,
        p_control,
        sd,
        float(icc),
        m,
        deff,
        _method(kind, deff, m),
    )


def minimum_detectable_effect(
    *,
    n_treated: float,
    n_control: float | None = None,
    p_control: float | None = None,
    sd: float | None = None,
    power: float = 0.8,
    alpha: float = 0.05,
    icc: float = 0.0,
    cluster_size: float = 1,
    direction: Direction = "increase",
) -> PowerResult:
    """The smallest true effect that a trial of the given size detects with ``power``.

    Parameters
    ----------
    n_treated, n_control : int
        Persons per arm (``n_control`` defaults to ``n_treated``).
    p_control, sd : float
        Control share (binary outcome) or outcome SD (continuous outcome); give one.
    power : float, default 0.8
    alpha : float, default 0.05
    icc, cluster_size : float
        Intra-cluster correlation and mean cluster size (design effect ``1 + (m - 1) ICC``).
    direction : {"increase", "decrease"}
        For proportions the power is not symmetric in the sign of the effect; choose the
        direction of interest. The returned ``effect`` carries its sign.

    Returns
    -------
    PowerResult
        ``effect`` is the minimum detectable effect (MDE).

    Notes
    -----
    Solves ``power(effect) = power`` (see :func:`power`) by root finding. For proportions
    the effect is bounded by ``1 - p_control`` (increase) or ``p_control`` (decrease); if
    even that effect is not detectable, an error says so.

    Examples
    --------
    >>> from effekt import rct
    >>> r = rct.minimum_detectable_effect(p_control=0.12, n_treated=1302, n_control=1291)
    >>> round(100 * r.effect, 2)
    3.81
    >>> round(rct.minimum_detectable_effect(sd=6.0, n_treated=2400).effect, 3)
    0.485
    """
    func = "minimum_detectable_effect"
    kind, deff = _common(func, p_control, sd, alpha, icc, cluster_size)
    target = _check_target(power, float(alpha), func)
    check_choice(direction, "direction", func, ("increase", "decrease"))
    n_t = _check_n(n_treated, "n_treated", func)
    n_c = _check_n(n_treated if n_control is None else n_control, "n_control", func)
    m, a = float(cluster_size), float(alpha)
    if kind == "means" and m > 1 and (n_t + n_c) / m <= 2:
        raise EffektError(
            f"{func}(): {n_t + n_c:g} persons in clusters of {m:g} make at most two clusters; "
            "a cluster-randomised trial needs more than two clusters."
        )
    sign = 1.0 if direction == "increase" else -1.0

    def pw(e: float) -> float:
        return _power_value(kind, sign * e, n_t, n_c, a, p_control, sd, deff, m)

    if kind == "proportions":
        assert p_control is not None
        upper = (1 - p_control) if sign > 0 else p_control
    else:
        assert sd is not None
        upper = float(sd)
        while pw(upper) < target:
            upper *= 2
            if upper > 1e6 * sd:  # pragma: no cover - cannot happen with df > 0
                raise EffektError(f"{func}(): no effect reaches power {target:g}.")
    if pw(upper) < target:
        raise EffektError(
            f"{func}(): even the largest possible {direction} ({100 * upper:.1f} pp) is "
            f"detected with power {pw(upper):.2f} < {target:g}; the trial is too small "
            f"(n_treated={n_t:g}, n_control={n_c:g})."
        )
    if pw(1e-12 * upper) >= target:
        raise EffektError(
            f"{func}(): with n_treated={n_t:g} and n_control={n_c:g} even an effect of "
            f"{1e-12 * upper:.1g} is detected with power {target:g}; the sizes are implausibly "
            "large (check them)."
        )
    e = optimize.brentq(
        lambda x: pw(x) - target, 1e-12 * upper, upper, xtol=1e-12 * max(upper, 1.0)
    )
    return PowerResult(
        kind,
        "effect",
        float(pw(e)),
        sign * float(e),
        n_t,
        n_c,
        a,
        p_control,
        sd,
        float(icc),
        m,
        deff,
        _method(kind, deff, m),
    )


def _design_effect(icc: float, cluster_size: float) -> float:
    """``1 + (m - 1) ICC``: the variance inflation of cluster randomisation.

    Examples
    --------
    >>> _design_effect(0.05, 21)
    2.0
    """
    return float(1 + (cluster_size - 1) * icc)
