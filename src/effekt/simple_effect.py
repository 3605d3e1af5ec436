"""Provider comparisons on simple effects, honest about case mix, period and chance.

A *simple effect* is the share of a provider's participants in a job some months after the
course ("x % in a job y months after"). Contracts with course providers are steered on it,
yet it mixes what the provider does with who was sent there, the business cycle and chance.
This module gives

* :func:`simple_effects` - raw rates per provider (and period) with Wilson intervals and the
  difference from all other providers, with a multiplicity correction;
* :func:`compare_providers` - case-mix adjustment (indirect or direct standardisation with a
  logistic model), empirical-Bayes shrinkage, a funnel plot with exact binomial and
  overdispersion-adjusted limits (Spiegelhalter 2005), a caterpillar plot and warnings when
  providers are not comparable;
* :func:`against_target` - each provider against a contracted target (exact binomial test);
* :func:`contrast` / :func:`contrast_from_counts` - the teaching contrast: ranking groups by
  their simple effect can reverse the ranking by the causal effect (with - without course);
* :func:`funnel_limits` and :func:`overdispersion` - the funnel machinery on its own.

Examples
--------
>>> import effekt as ef
>>> df = ef.synthetic.providers(6, 300, case_mix_shift=1.0, seed=3)
>>> p = ef.simple_effect.compare_providers(df, "job_6m", "provider", ["age", "benefit_group"],
...                                         warn=False)
>>> p.table()[["provider", "participants", "observed", "expected"]].shape
(6, 4)
"""

from __future__ import annotations

import warnings
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, cast

import numpy as np
import pandas as pd
from scipy import stats

from . import _providers_stats as _ps
from ._multiplicity import ADJUST_METHODS, adjust_pvalues
from ._providers_design import (
    SMD_THRESHOLD,
    _comparability,
    _design,
    _direct,
    _encode,
    _group_sums,
    _reference_design,
    _standardise,
)
from ._validate import (
    argument_error,
    as_column_list,
    binary_outcome,
    check_choice,
    check_conf_level,
    check_frame,
    check_number,
    handle_missing,
    quote,
    require_columns,
)
from .errors import (
    ColumnError,
    ComparabilityWarning,
    EffektError,
    SmallSampleWarning,
)
from .intervals import clopper_pearson_interval, wilson_interval

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = [
    "simple_effects",
    "compare_providers",
    "against_target",
    "contrast",
    "contrast_from_counts",
    "funnel_limits",
    "overdispersion",
    "SimpleEffects",
    "ProviderComparison",
    "TargetComparison",
    "SimpleVsCausal",
    "Overdispersion",
    "SMD_THRESHOLD",
]

Adjust = Literal["holm", "bonferroni", "bh", "none"]


# ----------------------------------------------------------------------------- input checks
def _providers(
    values: pd.Series,
    column: Hashable,
    func: str,
    *,
    min_providers: int = 2,
    single_note: str = "their rates are pure chance - pool them with similar providers or "
    "leave them out.",
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Codes, labels and sizes of the provider column; warns on providers with 0 or 1 "
    "participant."""
    unused: list[Any] = []
    if isinstance(values.dtype, pd.CategoricalDtype):
        present = set(pd.unique(values.dropna()))
        unused = [c for c in values.cat.categories if c not in present]
        values = values.astype(object)
    codes, labels = pd.factorize(values, sort=True)
    labels = np.asarray(labels)
    if len(labels) < min_providers:
        raise ColumnError(
            f"The provider column {quote(column)} passed to {func}() has {len(labels)} distinct "
            "value(s) "
            f"({', '.join(map(quote, labels[:3]))}); comparing providers needs at least two."
        )
    sizes = np.bincount(codes, minlength=len(labels))
    if unused:
        warnings.warn(
            f"{func}(): provider(s) {', '.join(map(quote, unused[:10]))} in the categories of "
            "column "
            f"{quote(column)} have 0 participants and are left out of the table.",
            SmallSampleWarning,
            stacklevel=3,
        )
    single = labels[sizes == 1]
    if single.size:
        warnings.warn(
            f"{func}(): provider(s) {', '.join(map(quote, single[:10]))} have only 1 participant; "
            + single_note,
            SmallSampleWarning,
            stacklevel=3,
        )
    return codes.astype(np.intp), labels, sizes


def _common(
    data: Any, outcome: Hashable, provider: Hashable, func: str, missing: str, **cols: Any
) -> pd.DataFrame:
    data = check_frame(data, func)
    require_columns(data, func, outcome=outcome, provider=provider, **cols)
    used = [outcome, provider, *[c for v in cols.values() for c in as_column_list(v)]]
    return handle_missing(data, used, missing, func)


def _check_adjust(adjust: Any, func: str) -> Adjust:
    return cast(Adjust, check_choice(adjust, "adjust", func, ADJUST_METHODS))


def _direction(flag: np.ndarray, diff: np.ndarray) -> np.ndarray:
    return np.where(flag & (diff > 0), "above", np.where(flag & (diff < 0), "below", ""))


# ----------------------------------------------------------------------------- funnel limits
@dataclass(frozen=True)
class Overdispersion:
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
    """

    phi: float
    tau2: float
    pvalue: float
    n_units: int
    winsorize: float = 0.1

    def summary(self) -> str:
        return (
            f"Overdispersion (Spiegelhalter 2005, {100 * self.winsorize:g} % winsorised, "
            f"{self.n_units} units): "
            f"phi = {self.phi:.3f} (p = {self.pvalue:.3g}), tau = {100 * np.sqrt(self.tau2):.2f} pp"
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
    y = _numeric_array(rate, "rate", func)
    n = _participants_array(participants, func)
    bad = ~((y >= 0) & (y <= 1))
    if bad.any():
        hint = " (give rates as fractions: 0.16, not 16)" if (y[bad] > 1).all() else ""
        raise argument_error(
            func, "rate", "finite rates between 0 and 1" + hint, _first_bad(rate, bad)
        )
    if y.shape != n.shape:
        raise EffektError(
            f"overdispersion(): 'rate' and 'participants' must have the same length; got {y.size} "
            f"and {n.size}."
        )
    if std_error is None:
        s = np.sqrt(target * (1 - target) / n)
    else:
        s = _numeric_array(std_error, "std_error", func)
        if s.shape != y.shape:
            raise EffektError(
                f"overdispersion(): 'std_error' must have one value per unit ({y.size}); "
                f"got {s.size}."
            )
        if not (s > 0).all():
            raise argument_error(
                func, "std_error", "finite standard errors > 0", _first_bad(std_error, ~(s > 0))
            )
    phi, tau2, zw = _ps.overdispersion_estimates((y - target) / s, s, winsorize)
    k = zw.size
    pval = float(stats.chi2.sf(k * phi, k)) if k >= 2 else np.nan
    return Overdispersion(phi=phi, tau2=tau2, pvalue=pval, n_units=k, winsorize=winsorize)


def _numeric_array(values: Any, argument: str, func: str) -> np.ndarray:
    """A 1-d float array of finite numbers, or EffektError naming the argument."""
    try:
        arr = np.atleast_1d(np.asarray(values, dtype=float))
    except (TypeError, ValueError):
        raise argument_error(func, argument, "an array of numbers", values) from None
    if arr.ndim != 1 or arr.size == 0:
        raise argument_error(func, argument, "a non-empty 1-d array of numbers", values)
    if not np.isfinite(arr).all():
        raise argument_error(
            func,
            argument,
            "finite numbers (no NaN: drop or impute those units first)",
            _first_bad(values, ~np.isfinite(arr)),
        )
    return arr


def _participants_array(values: Any, func: str) -> np.ndarray:
    n = _numeric_array(values, "participants", func)
    bad = (n < 1) | (n != np.round(n))
    if bad.any():
        raise argument_error(
            func, "participants", "whole numbers of participants >= 1", _first_bad(values, bad)
        )
    return n


def _first_bad(values: Any, bad: np.ndarray) -> Any:
    """The first offending value (for the error message)."""
    flat = list(np.atleast_1d(np.asarray(values, dtype=object)))
    return flat[int(np.flatnonzero(bad)[0])]


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
        Numbers of participants at which to compute the limits.
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
    ``(r - a) / n``, which makes the funnel a smooth curve in ``n``.

    Examples
    --------
    >>> lim = funnel_limits(0.3, [100, 400])
    >>> lim[["lower_95", "upper_95"]].round(3).values.tolist()
    [[0.207, 0.387], [0.254, 0.344]]
    """
    func = "funnel_limits"
    target = check_number(target, "target", func, low=0, high=1, low_open=True, high_open=True)
    n = _participants_array(participants, func)
    check_choice(overdispersion, "overdispersion", func, (None, "multiplicative", "additive"))
    if overdispersion == "multiplicative" and (phi is None or not np.isfinite(phi)):
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
            zq = stats.norm.ppf(hi_p)
            lo, hi = target - zq * sd, target + zq * sd
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
    pts = pd.DataFrame({"label": labels, "participants": n, "rate": y})
    for col in at_points.columns[1:]:
        pts[col] = at_points[col].to_numpy()
    pts["outside_95"] = (y < pts["lower_95"]) | (y > pts["upper_95"])
    pts["outside_99.8"] = (y < pts["lower_99.8"]) | (y > pts["upper_99.8"])
    grid = np.unique(np.round(np.geomspace(max(1.0, n.min() * 0.8), n.max() * 1.1, 300)))
    curve = funnel_limits(target, grid, overdispersion=overdispersion_kind, phi=phi, tau2=tau2)
    return pts, od, curve


# ----------------------------------------------------------------------------- simple effects
@dataclass(frozen=True)
class SimpleEffects:
    """Raw simple effects per provider (and period); see :func:`simple_effects`."""

    frame: pd.DataFrame
    outcome: str
    provider: str
    period: str | None
    conf_level: float
    adjust: str
    overall_rate: float

    def table(self) -> pd.DataFrame:
        """One row per provider (and period): participants, successes, rate, Wilson CI,
        the difference from all other providers with its CI and p-values, and the flag."""
        return self.frame.copy()

    def to_frame(self) -> pd.DataFrame:
        return self.table()

    def summary(self) -> str:
        f = self.frame
        lvl = f"{round(100 * self.conf_level, 1):g}%"
        lines = [
            f"Simple effects of {self.outcome!r} by {self.provider!r}"
            + (f" and {self.period!r}" if self.period else "")
            + f": {len(f)} rows, {int(f['participants'].sum()):,} participants, overall "
            f"{100 * self.overall_rate:.1f} %",
        ]
        flagged = f[f["flag"]]
        if len(flagged):
            lines.append(f"Differ from the other providers ({self.adjust}-adjusted, {lvl}):")
            for _, r in flagged.iterrows():
                per = f" {r[self.period]}" if self.period else ""
                lines.append(
                    f"  {r['provider']}{per}: {100 * r['rate']:.1f} % of {int(r['participants'])} "
                    f"({100 * r['difference']:+.1f} pp, {lvl} CI "
                    f"{100 * r['difference_ci_low']:+.1f} to "
                    f"{100 * r['difference_ci_high']:+.1f}; adjusted p = {r['p_adjusted']:.3g})"
                )
        else:
            lines.append(
                f"No provider differs credibly from the others ({self.adjust}-adjusted, {lvl})."
            )
        lines.append(
            "note: simple effects are not causal effects - they mix the provider's work with who "
            "was "
            "referred, the business cycle and chance; see compare_providers() for case-mix "
            "adjustment."
        )
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()

    def plot_funnel(
        self,
        ax: Axes | None = None,
        overdispersion: Literal["multiplicative", "additive"] | None = None,
        label_outliers: bool = True,
    ) -> Axes:
        """Funnel plot of the raw rates against participants around the overall rate, with
        exact binomial 95 % and 99.8 % limits (or limits widened for overdispersion, see
        :meth:`ProviderComparison.plot_funnel`); providers outside 99.8 % are labelled."""
        from .plots import funnel

        f = self.frame
        n = f["participants"].to_numpy(dtype=float)
        y = f["rate"].to_numpy(dtype=float)
        target = self.overall_rate
        labels = f["provider"].astype(str) + (
            " " + f[self.period].astype(str) if self.period else ""
        )
        pts, od, curve = _funnel_data(
            y, n, np.sqrt(target * (1 - target) / n), target, overdispersion, labels.to_numpy()
        )
        return funnel(
            pts,
            curve,
            target,
            ax=ax,
            overdispersion=od,
            label_outliers=label_outliers,
            ylabel=f"Simple effect: share with {self.outcome} (%)",
            title="Simple effects by provider (not adjusted for case mix)",
        )


def simple_effects(
    data: pd.DataFrame,
    outcome: Hashable,
    provider: Hashable,
    *,
    period: Hashable | None = None,
    conf_level: float = 0.95,
    adjust: Adjust = "holm",
    missing: Literal["raise", "drop"] = "raise",
) -> SimpleEffects:
    """Simple effects per provider: share of participants with the outcome, with uncertainty.

    Parameters
    ----------
    data : DataFrame
        One row per participant.
    outcome : str
        Binary (0/1 or boolean) outcome column, e.g. ``"job_6m"``.
    provider : str
        Column naming the provider.
    period : str, optional
        Column with the course period; rows are then provider x period and each provider is
        compared with the other providers *in the same period* (the business cycle is shared).
    conf_level : float, default 0.95
    adjust : {"holm", "bonferroni", "bh", "none"}, default "holm"
        Multiplicity correction over all rows of the table for the ``flag`` column.
    missing : {"raise", "drop"}, default "raise"

    Returns
    -------
    SimpleEffects
        ``table()`` columns: ``provider`` [, period], ``participants``, ``successes``,
        ``rate``, ``ci_low``, ``ci_high`` (Wilson), ``others_participants``, ``others_rate``,
        ``difference`` (rate minus the pooled rate of all other providers),
        ``difference_ci_low``/``difference_ci_high`` (Newcombe hybrid score), ``pvalue``
        (pooled z-test), ``p_adjusted``, ``flag`` and ``direction`` ("above"/"below"/"").

    Notes
    -----
    For provider ``g`` with ``x_g`` successes of ``n_g`` and the others' ``x_o`` of ``n_o``
    the difference ``x_g/n_g - x_o/n_o`` gets Newcombe's (1998, method 10) interval
    ``d - sqrt((p_g - l_g)^2 + (u_o - p_o)^2)``, ``d + sqrt((u_g - p_g)^2 + (p_o - l_o)^2)``
    from the Wilson limits ``(l, u)``; the p-value is the pooled two-proportion z-test
    (Pearson's chi-square without continuity correction). The two can disagree in rare
    borderline cases; ``flag`` uses the adjusted p-value ``p_adjusted < 1 - conf_level``.

    References
    ----------
    Newcombe, R. G. (1998). Interval estimation for the difference between independent
    proportions. *Statistics in Medicine* 17, 873-890.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"provider": ["A"] * 50 + ["B"] * 50 + ["C"] * 50,
    ...                    "job_6m": [1] * 30 + [0] * 20 + [1] * 15 + [0] * 35
    ...                              + [1] * 16 + [0] * 34})
    >>> t = simple_effects(df, "job_6m", "provider").table()
    >>> t[["provider", "rate", "flag"]].values.tolist()
    [['A', 0.6, True], ['B', 0.3, False], ['C', 0.32, False]]
    """
    func = "simple_effects"
    conf_level = check_conf_level(conf_level, func)
    adjust = _check_adjust(adjust, func)
    df = _common(data, outcome, provider, func, missing, period=period)
    y = binary_outcome(df[outcome], outcome, func)
    codes, labels, _ = _providers(df[provider], provider, func)
    if period is not None:
        pcodes, plabels = pd.factorize(df[period], sort=True)
        plabels = np.asarray(plabels)
    else:
        pcodes, plabels = np.zeros(len(df), dtype=np.intp), np.array([None])
    G, P = len(labels), len(plabels)
    cell = pcodes * G + codes
    n = np.bincount(cell, minlength=G * P).astype(float)
    x = np.bincount(cell, weights=y, minlength=G * P)
    keep = n > 0
    n_period = np.bincount(pcodes, minlength=P).astype(float)
    x_period = np.bincount(pcodes, weights=y, minlength=P)
    per_idx = np.repeat(np.arange(P), G)
    n_o = n_period[per_idx] - n
    x_o = x_period[per_idx] - x
    n, x, n_o, x_o, per_idx = n[keep], x[keep], n_o[keep], x_o[keep], per_idx[keep]
    prov_idx = np.tile(np.arange(G), P)[keep]
    alone = n_o == 0
    if alone.any():
        which = [
            f"{quote(labels[g])} in {quote(plabels[k])}"
            for g, k in zip(prov_idx[alone], per_idx[alone], strict=False)
        ]
        warnings.warn(
            f"{func}(): {', '.join(which[:10])} has no other provider in the same period, so it "
            "cannot be compared; its difference is missing.",
            ComparabilityWarning,
            stacklevel=2,
        )
    rate = x / n
    lo, hi = wilson_interval(x, n, conf_level)
    with np.errstate(invalid="ignore", divide="ignore"):
        d, dlo, dhi = _ps.newcombe_difference(x, n, x_o, n_o, conf_level)
        pval = np.where(alone, np.nan, _ps.pooled_z_pvalue(x, n, x_o, n_o))
        others_rate = x_o / n_o
    padj = adjust_pvalues(pval, adjust)
    flag = np.nan_to_num(padj, nan=1.0) < 1 - conf_level
    frame = pd.DataFrame({"provider": labels[prov_idx]})
    if period is not None:
        frame[period] = plabels[per_idx]
    frame = frame.assign(
        participants=n.astype(np.int64),
        successes=x.astype(np.int64),
        rate=rate,
        ci_low=lo,
        ci_high=hi,
        others_participants=n_o.astype(np.int64),
        others_rate=others_rate,
        difference=d,
        difference_ci_low=dlo,
        difference_ci_high=dhi,
        pvalue=pval,
        p_adjusted=padj,
        flag=flag,
        direction=_direction(flag, d),
    )
    return SimpleEffects(
        frame,
        str(outcome),
        str(provider),
        None if period is None else str(period),
        conf_level,
        adjust,
        float(y.mean()),
    )


# ----------------------------------------------------------------------------- comparability


def _warn_comparability(comp: pd.DataFrame, func: str) -> None:
    if comp.empty:
        return
    worst = comp.drop_duplicates(["provider", "kind"])
    parts = []
    for _, r in worst.head(6).iterrows():
        what = (
            "its courses fall in a different period"
            if r["kind"] == "period"
            else "its case mix differs"
        )
        parts.append(
            f"{quote(r['provider'])}: {what} (column {quote(r['column'])}, {r['term']}, "
            f"standardized difference {r['smd']:+.2f})"
        )
    more = comp["provider"].nunique() - min(6, len(worst))
    warnings.warn(
        f"{func}(): providers are not fully comparable (|standardized difference| > "
        f"{SMD_THRESHOLD}): "
        + "; ".join(parts)
        + (f"; and {more} more provider(s)" if more > 0 else "")
        + ". Adjustment relies on the case-mix model; see .comparability for the full list.",
        ComparabilityWarning,
        stacklevel=3,
    )


# ----------------------------------------------------------------------------- compare providers
@dataclass(frozen=True)
class ProviderComparison:
    """Case-mix adjusted provider comparison; see :func:`compare_providers`.

    Attributes
    ----------
    frame : DataFrame
        The table (see :meth:`table`).
    method : {"indirect", "direct"}
    overall_rate : float
        Share with the outcome over all participants (the target of the funnel).
    tau2 : float
        DerSimonian-Laird between-provider variance of the excess rate (used for shrinkage).
    comparability : DataFrame
        Every provider x case-mix term with ``|standardized difference| > 0.25``.
    coefficients : Series
        Log-odds coefficients of the case-mix model (numeric columns standardised).
    """

    frame: pd.DataFrame
    outcome: str
    provider: str
    case_mix: tuple[str, ...]
    method: str
    conf_level: float
    adjust: str
    overall_rate: float
    tau2: float
    comparability: pd.DataFrame
    coefficients: pd.Series
    notes: tuple[str, ...] = field(default_factory=tuple)

    def table(self) -> pd.DataFrame:
        """One row per provider; see :func:`compare_providers` for the columns."""
        return self.frame.copy()

    def to_frame(self) -> pd.DataFrame:
        return self.table()

    def summary(self) -> str:
        f = self.frame
        lvl = f"{round(100 * self.conf_level, 1):g}%"
        how = (
            "indirect standardisation (O/E)"
            if self.method == "indirect"
            else "direct standardisation"
        )
        lines = [
            f"Provider comparison of {self.outcome!r} by {self.provider!r}, {how}, case mix: "
            f"{', '.join(self.case_mix)}",
            f"  {len(f)} providers, {int(f['participants'].sum()):,} participants, overall rate "
            f"{100 * self.overall_rate:.1f} %; "
            f"between-provider SD after adjustment {100 * np.sqrt(self.tau2):.1f} pp",
        ]
        flagged = f[f["flag"]]
        if len(flagged):
            lines.append(
                f"Differ credibly from the average after adjustment ({self.adjust}-adjusted, "
                f"{lvl}):"
            )
            for _, r in flagged.iterrows():
                lines.append(
                    f"  {r['provider']}: raw {100 * r['rate']:.1f} %, adjusted "
                    f"{100 * r['adjusted_rate']:.1f} % "
                    f"({lvl} CI {100 * r['ci_low']:.1f} to {100 * r['ci_high']:.1f}), O/E "
                    f"{r['oe']:.2f}, "
                    f"n = {int(r['participants'])}, adjusted p = {r['p_adjusted']:.3g} "
                    f"({r['direction']})"
                )
        else:
            lines.append(
                "No provider differs credibly from the average after adjustment "
                f"({self.adjust}-adjusted, {lvl})."
            )
        if not self.comparability.empty:
            lines.append(
                f"note: {self.comparability['provider'].nunique()} provider(s) not fully "
                "comparable (see .comparability)."
            )
        lines.extend(f"note: {n}" for n in self.notes)
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()

    def funnel_table(
        self, overdispersion: Literal["multiplicative", "additive"] | None = None
    ) -> pd.DataFrame:
        """Per provider: risk-adjusted rate, its 95 %/99.8 % limits and whether it is outside."""
        pts, _, _ = self._funnel(overdispersion)
        return pts

    def _funnel(self, overdispersion):
        f = self.frame
        n = f["participants"].to_numpy(dtype=float)
        y = f["adjusted_rate"].to_numpy(dtype=float)
        target = self.overall_rate
        s = np.sqrt(target * (1 - target) / n)
        return _funnel_data(y, n, s, target, overdispersion, f["provider"].astype(str).to_numpy())

    def plot_funnel(
        self,
        ax: Axes | None = None,
        overdispersion: Literal["multiplicative", "additive"] | None = None,
        label_outliers: bool = True,
    ) -> Axes:
        """Funnel plot: risk-adjusted rate against participants, 95 % and 99.8 % limits.

        Exact binomial limits around the overall rate, or normal limits widened for
        overdispersion (``"multiplicative"``: phi; ``"additive"``: tau2; Spiegelhalter 2005).
        Providers outside the 99.8 % limits are labelled.
        """
        from .plots import funnel

        pts, od, curve = self._funnel(overdispersion)
        kind = "O/E x overall rate" if self.method == "indirect" else "directly standardised"
        return funnel(
            pts,
            curve,
            self.overall_rate,
            ax=ax,
            overdispersion=od,
            label_outliers=label_outliers,
            ylabel=f"Risk-adjusted share with {self.outcome} (%)",
            title=f"Providers adjusted for case mix ({kind})",
        )

    def plot_caterpillar(self, ax: Axes | None = None) -> Axes:
        """Caterpillar plot: shrunken (empirical-Bayes) adjusted rates with intervals, ranked,
        beside the unshrunken adjusted rates."""
        from .plots import caterpillar

        return caterpillar(
            self.frame, self.overall_rate, ax=ax, conf_level=self.conf_level, outcome=self.outcome
        )


def compare_providers(
    data: pd.DataFrame,
    outcome: Hashable,
    provider: Hashable,
    case_mix: Sequence[Hashable],
    *,
    method: Literal["indirect", "direct"] = "indirect",
    period: Hashable | None = None,
    conf_level: float = 0.95,
    adjust: Adjust = "holm",
    reference: pd.DataFrame | None = None,
    interval: Literal["binomial", "poisson", "byar"] = "binomial",
    missing: Literal["raise", "drop"] = "raise",
    warn: bool = True,
) -> ProviderComparison:
    """Compare providers' simple effects after adjusting for case mix.

    Parameters
    ----------
    data : DataFrame
        One row per participant.
    outcome : str
        Binary outcome column (e.g. ``"job_6m"``).
    provider : str
        Provider column.
    case_mix : sequence of str
        Case-mix columns; numeric columns enter linearly, categorical/string columns as
        dummies.
    method : {"indirect", "direct"}, default "indirect"
        Which adjusted rate fills ``adjusted_rate``/``ci_low``/``ci_high`` and drives
        ``pvalue`` and ``flag`` (see Notes). The indirect columns are always present.
    period : str, optional
        Course-period column; entered in the case-mix model (business cycle) and checked for
        comparability.
    conf_level : float, default 0.95
    adjust : {"holm", "bonferroni", "bh", "none"}, default "holm"
        Multiplicity correction over providers for ``flag``.
    reference : DataFrame, optional
        Reference population for ``method="direct"`` (must hold the case-mix and period
        columns); default all participants.
    interval : {"binomial", "poisson", "byar"}, default "binomial"
        Interval for O/E: exact binomial (Clopper-Pearson for ``O/n`` scaled by ``n/E``),
        exact Poisson (Garwood) or Byar's approximation.
    missing : {"raise", "drop"}, default "raise"
    warn : bool, default True
        Emit a :class:`~effekt.errors.ComparabilityWarning` when providers are not
        comparable (the details are always in ``.comparability``).

    Returns
    -------
    ProviderComparison
        ``table()`` has one row per provider: ``provider``, ``participants``, ``observed``
        (successes), ``rate``, ``expected`` (E), ``oe``, ``oe_ci_low``, ``oe_ci_high``,
        ``adjusted_rate``, ``ci_low``, ``ci_high``, ``statistic`` (z), ``pvalue``,
        ``p_adjusted``, ``flag``, ``direction``, ``shrunken_rate``, ``shrunken_ci_low``,
        ``shrunken_ci_high``, ``shrinkage`` (weight on the provider's own data),
        ``rank_raw``, ``rank_shrunken``; with ``method="direct"`` also ``direct_rate``,
        ``direct_ci_low``, ``direct_ci_high``.

    Notes
    -----
    *Indirect standardisation.* A logistic model ``logit P(y=1) = x'b`` of the outcome on
    the case mix (and period) is fitted over all providers (Newton-Raphson). Provider ``g``
    has ``O_g`` successes and ``E_g = sum_{i in g} p_i`` expected; ``O/E`` has an exact
    interval (``interval``) treating ``E_g`` as known, and the risk-adjusted rate is
    ``O/E x`` the overall rate. The test of "no provider effect" is the score test of adding
    a provider indicator to the model: ``z = (O_g - E_g) / sqrt(V_g)`` with
    ``V_g = D_g - B_g' (X'WX)^{-1} B_g``, ``D_g = sum_g w_i``, ``B_g = sum_g w_i x_i``,
    ``w_i = p_i (1 - p_i)``, which accounts for the estimation of the model (so the test
    keeps its size); ``flag`` is ``p_adjusted < 1 - conf_level``. The risk-adjusted rate
    and its upper limit can exceed 1 for a small provider with a high O/E.

    *Direct standardisation.* A logistic model with one intercept per provider,
    ``alpha_g + x'b``, gives each provider's rate had it served the reference population:
    ``r_g = mean_i expit(alpha_g + x_i'b)`` over the reference (compressed to 4,000
    equal-count bins of ``x'b`` when larger). Intervals by the delta method on the logit of
    ``r_g``; the test compares ``r_g`` with the participant-weighted mean of all ``r_h``
    (a provider with 0 % or 100 % successes gets the indirect score test instead, with a
    warning).

    *Shrinkage.* Excess rates ``d_g = (O_g - E_g)/n_g`` with variance
    ``v_g = sum_g p_i (1 - p_i) / n_g^2`` follow a normal-normal model
    ``d_g ~ N(theta_g, v_g)``, ``theta_g ~ N(mu, tau^2)`` with the DerSimonian-Laird
    ``tau^2``; the empirical-Bayes estimate is ``mu + B_g (d_g - mu)`` with
    ``B_g = tau^2/(tau^2 + v_g)`` and variance ``B_g v_g + (1 - B_g)^2 var(mu)`` (Morris
    1983; metafor's ``blup``). ``shrunken_rate`` is the overall rate plus it: small
    providers are pulled towards the average, so they are not ranked on noise.

    References
    ----------
    Spiegelhalter, D. J. (2005). Funnel plots for comparing institutional performance.
    *Statistics in Medicine* 24, 1185-1202.
    DerSimonian, R. & Laird, N. (1986). Meta-analysis in clinical trials. *Controlled
    Clinical Trials* 7, 177-188.
    Breslow, N. E. & Day, N. E. (1987). *Statistical Methods in Cancer Research II*, ch. 2-3
    (O/E ratios, Byar's approximation).

    Examples
    --------
    >>> import effekt as ef
    >>> df = ef.synthetic.providers(5, 400, provider_effects=[0, 0, 0, 0, 0.15], seed=7)
    >>> p = compare_providers(df, "job_6m", "provider", ["age", "benefit_group", "health_issues"])
    >>> p.table().loc[p.table()["flag"], "provider"].tolist()
    ['P05']
    """
    func = "compare_providers"
    conf_level = check_conf_level(conf_level, func)
    adjust = _check_adjust(adjust, func)
    check_choice(method, "method", func, ("indirect", "direct"))
    check_choice(interval, "interval", func, ("binomial", "poisson", "byar"))
    case_mix = as_column_list(case_mix)
    if not case_mix:
        raise argument_error(
            func,
            "case_mix",
            "a non-empty list of case-mix columns (use simple_effects() for raw rates)",
            case_mix,
        )
    for role, col in (("outcome", outcome), ("provider", provider)):
        if any(c == col for c in case_mix):
            raise EffektError(
                f"The 'case_mix' argument of {func}() contains the {role} column {quote(col)}; "
                f"adjusting for the {role} itself makes the comparison meaningless. List only "
                "participant characteristics known before the programme (age, benefit group, ...)."
            )
    df = _common(data, outcome, provider, func, missing, case_mix=case_mix, period=period)
    y = binary_outcome(df[outcome], outcome, func)
    codes, labels, sizes = _providers(df[provider], provider, func)
    G = len(labels)
    enc = _encode(df, case_mix, period, func)
    X, names = _design(enc)
    X, x_mu, x_sd = _standardise(X)
    comp = _comparability(enc, codes, labels)
    if warn:
        _warn_comparability(comp, func)
    Xi = np.hstack([np.ones((len(y), 1)), X])
    beta, p, info = _ps.logistic_fit(Xi, y)
    alpha = 1 - conf_level
    zq = stats.norm.ppf(1 - alpha / 2)
    n = sizes.astype(float)
    O = np.bincount(codes, weights=y, minlength=G)  # noqa: E741
    E = np.bincount(codes, weights=p, minlength=G)
    w = p * (1 - p)
    Vb = np.bincount(codes, weights=w, minlength=G)
    B = _group_sums(codes, G, Xi * w[:, None])
    info_inv = _ps._inv_pd(info)
    V_score = np.maximum(Vb - np.einsum("gj,jk,gk->g", B, info_inv, B), 0.0)
    overall = float(y.mean())
    with np.errstate(invalid="ignore", divide="ignore"):
        oe = O / E
        if interval == "binomial":
            lo, hi = clopper_pearson_interval(O, n, conf_level)
            oe_lo, oe_hi = lo * n / E, hi * n / E
        elif interval == "poisson":
            oe_lo = np.where(O > 0, stats.chi2.ppf(alpha / 2, 2 * O) / 2, 0.0) / E
            oe_hi = stats.chi2.ppf(1 - alpha / 2, 2 * O + 2) / 2 / E
        else:
            o1 = O + 1
            oe_lo = np.where(O > 0, O * (1 - 1 / (9 * O) - zq / (3 * np.sqrt(O))) ** 3, 0.0) / E
            oe_hi = o1 * (1 - 1 / (9 * o1) + zq / (3 * np.sqrt(o1))) ** 3 / E
        z = np.where(V_score > 1e-12, (O - E) / np.sqrt(V_score), 0.0)
    pval = 2 * stats.norm.sf(np.abs(z))
    frame = pd.DataFrame(
        {
            "provider": labels,
            "participants": sizes.astype(np.int64),
            "observed": O.astype(np.int64),
            "rate": O / n,
            "expected": E,
            "oe": oe,
            "oe_ci_low": oe_lo,
            "oe_ci_high": oe_hi,
            "adjusted_rate": oe * overall,
            "ci_low": oe_lo * overall,
            "ci_high": oe_hi * overall,
            "statistic": z,
            "pvalue": pval,
        }
    )
    notes: list[str] = []
    if method == "direct":
        ref_X = X
        if reference is not None:
            ref = check_frame(reference, func, "reference")
            require_columns(
                ref, func, reference=[*case_mix, *([period] if period is not None else [])]
            )
            ref_X = (_reference_design(enc, ref, func) - x_mu) / x_sd
        with np.errstate(divide="ignore", invalid="ignore"):
            a0 = beta[0] + np.log(np.clip(O, 0.5, n - 0.5) / np.clip(E, 0.5, n - 0.5))
        d = _direct(codes, G, X, y, ref_X, n, conf_level, start=(a0, beta[1:]))
        frame["direct_rate"] = d["rate"]
        frame["direct_ci_low"] = d["ci_low"]
        frame["direct_ci_high"] = d["ci_high"]
        frame["adjusted_rate"] = d["rate"]
        frame["ci_low"] = d["ci_low"]
        frame["ci_high"] = d["ci_high"]
        frame["statistic"] = d["z"]
        frame["pvalue"] = d["pvalue"]
        edge = (O == 0) | (O == n)
        if edge.any():
            # provider intercepts at +-infinity: the delta method breaks down, use the score test
            frame.loc[edge, "statistic"] = z[edge]
            frame.loc[edge, "pvalue"] = pval[edge]
            warnings.warn(
                f"{func}(): provider(s) {', '.join(map(quote, labels[edge][:10]))} have 0 % or "
                "100 % successes, so their directly standardised rate is 0 or 1 with an "
                "uninformative interval; their p-value is the indirect score test.",
                SmallSampleWarning,
                stacklevel=2,
            )
        notes.append(
            "direct standardisation: rates if every provider had served the "
            + (
                "reference population."
                if reference is not None
                else "whole population of participants."
            )
        )
    padj = adjust_pvalues(frame["pvalue"].to_numpy(), adjust)
    flag = np.nan_to_num(padj, nan=1.0) < alpha
    frame["p_adjusted"] = padj
    frame["flag"] = flag
    frame["direction"] = _direction(flag, frame["statistic"].to_numpy())
    # empirical Bayes on the excess-rate scale
    dg = (O - E) / n
    vg = np.maximum(Vb, 1e-9) / n**2
    tau2, mu, var_mu = _ps.dersimonian_laird(dg, vg)
    Bg = tau2 / (tau2 + vg)
    shr = mu + Bg * (dg - mu)
    sd = np.sqrt(Bg * vg + (1 - Bg) ** 2 * var_mu)
    frame["shrunken_rate"] = overall + shr
    frame["shrunken_ci_low"] = overall + shr - zq * sd
    frame["shrunken_ci_high"] = overall + shr + zq * sd
    frame["shrinkage"] = Bg
    frame["rank_raw"] = frame["rate"].rank(ascending=False, method="min").astype(np.int64)
    frame["rank_shrunken"] = (
        frame["shrunken_rate"].rank(ascending=False, method="min").astype(np.int64)
    )
    coefs = pd.Series(beta, index=["intercept", *names], name="log-odds (standardised columns)")
    return ProviderComparison(
        frame,
        str(outcome),
        str(provider),
        tuple(map(str, case_mix)),
        method,
        conf_level,
        adjust,
        overall,
        tau2,
        comp,
        coefs,
        tuple(notes),
    )


# ----------------------------------------------------------------------------- against a target
@dataclass(frozen=True)
class TargetComparison:
    """Each provider's simple effect against a contracted target; see :func:`against_target`."""

    frame: pd.DataFrame
    outcome: str
    provider: str
    target: float
    conf_level: float

    def table(self) -> pd.DataFrame:
        """Per provider: participants, successes, rate, Clopper-Pearson CI, p-value, verdict."""
        return self.frame.copy()

    def to_frame(self) -> pd.DataFrame:
        return self.table()

    def summary(self) -> str:
        lvl = f"{round(100 * self.conf_level, 1):g}%"
        lines = [
            f"{self.outcome!r} against the contracted target {100 * self.target:.1f} % (exact "
            f"binomial, {lvl} CI):"
        ]
        for _, r in self.frame.iterrows():
            lines.append(
                f"  {r['provider']}: {100 * r['rate']:.1f} % of {int(r['participants'])} "
                f"({100 * r['ci_low']:.1f} to {100 * r['ci_high']:.1f} %), p = {r['pvalue']:.3g} "
                f"-> {r['verdict']}"
            )
        lines.append(
            "note: a simple effect says nothing about what would have happened without the course."
        )
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()

    def plot(self, ax: Axes | None = None) -> Axes:
        """Rates with exact intervals against the target line (percent)."""
        from .plots import new_axes

        f = self.frame
        ax = new_axes(ax, figsize=(7.0, 0.35 * len(f) + 1.6))
        yy = np.arange(len(f))[::-1]
        colors = {"below": "C3", "consistent": "0.4", "above": "C2"}
        for yi, (_, r) in zip(yy, f.iterrows(), strict=False):
            c = colors[r["verdict"]]
            ax.errorbar(
                100 * r["rate"],
                yi,
                xerr=[[100 * (r["rate"] - r["ci_low"])], [100 * (r["ci_high"] - r["rate"])]],
                fmt="o",
                color=c,
                capsize=3,
            )
        ax.axvline(
            100 * self.target, color="k", ls="--", lw=1, label=f"target {100 * self.target:g} %"
        )
        ax.set_yticks(yy, f["provider"].astype(str))
        ax.set_xlabel(f"Share with {self.outcome} (%)")
        ax.legend(loc="best", fontsize=8)
        return ax


def against_target(
    data: pd.DataFrame,
    outcome: Hashable,
    provider: Hashable,
    target: float,
    *,
    conf_level: float = 0.95,
    missing: Literal["raise", "drop"] = "raise",
) -> TargetComparison:
    """Is each provider's simple effect credibly below, consistent with or above a target?

    Parameters
    ----------
    data : DataFrame
    outcome : str
        Binary outcome column.
    provider : str
        Provider column (a single provider is allowed here).
    target : float
        The contracted share in (0, 1), e.g. 0.30 for "30 % in a job 6 months after".
    conf_level : float, default 0.95
    missing : {"raise", "drop"}, default "raise"

    Returns
    -------
    TargetComparison
        ``table()``: ``provider``, ``participants``, ``successes``, ``rate``, ``ci_low``,
        ``ci_high`` (Clopper-Pearson), ``pvalue`` (``scipy.stats.binomtest``, two-sided),
        ``verdict`` ("below", "consistent", "above").

    Notes
    -----
    The verdict follows the exact interval: "below" when ``ci_high < target``, "above"
    when ``ci_low > target``. It is a judgement per provider against its own contract, so no
    multiplicity correction is applied. ``binomtest``'s two-sided p-value (which sums
    outcomes at most as likely) can differ slightly from the interval at the margin.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"provider": ["A"] * 100 + ["B"] * 100,
    ...                    "job_6m": [1] * 18 + [0] * 82 + [1] * 33 + [0] * 67})
    >>> against_target(df, "job_6m", "provider", 0.30).table()["verdict"].tolist()
    ['below', 'consistent']
    """
    func = "against_target"
    conf_level = check_conf_level(conf_level, func)
    target = check_number(target, "target", func, low=0, high=1, low_open=True, high_open=True)
    df = _common(data, outcome, provider, func, missing)
    y = binary_outcome(df[outcome], outcome, func)
    codes, labels, n = _providers(
        df[provider],
        provider,
        func,
        min_providers=1,
        single_note="no verdict can be more than 'consistent'.",
    )
    x = np.bincount(codes, weights=y, minlength=len(labels)).round().astype(np.int64)
    lo, hi = clopper_pearson_interval(x, n, conf_level)
    pv = np.array(
        [stats.binomtest(int(k), int(m), target).pvalue for k, m in zip(x, n, strict=False)]
    )
    verdict = np.where(hi < target, "below", np.where(lo > target, "above", "consistent"))
    frame = pd.DataFrame(
        {
            "provider": labels,
            "participants": n,
            "successes": x,
            "rate": x / n,
            "ci_low": lo,
            "ci_high": hi,
            "pvalue": pv,
            "verdict": verdict,
        }
    )
    return TargetComparison(frame, str(outcome), str(provider), target, conf_level)


# ----------------------------------------------------------------------------- teaching contrast
@dataclass(frozen=True)
class SimpleVsCausal:
    """Simple effect (share in a job with the course) vs causal effect (with - without).

    Attributes
    ----------
    frame : DataFrame
        One row per group; see :func:`contrast`.
    reversed : bool
        Whether ranking the groups by simple effect differs from ranking them by causal effect.
    """

    frame: pd.DataFrame
    outcome: str
    conf_level: float

    @property
    def reversed(self) -> bool:
        return bool((self.frame["rank_simple"] != self.frame["rank_causal"]).any())

    def table(self) -> pd.DataFrame:
        return self.frame.copy()

    def to_frame(self) -> pd.DataFrame:
        return self.table()

    def summary(self) -> str:
        f = self.frame
        lines = [
            "Simple effect (share in a job with the course) vs causal effect (with minus without):"
        ]
        for _, r in f.iterrows():
            lines.append(
                f"  {r['group']}: simple {100 * r['simple_effect']:.0f} % (rank "
                f"{r['rank_simple']}), "
                f"without the course {100 * r['rate_without']:.0f} %, "
                f"causal effect {100 * r['causal_effect']:+.1f} pp "
                f"({100 * r['causal_ci_low']:+.1f} to "
                f"{100 * r['causal_ci_high']:+.1f}; rank {r['rank_causal']})"
            )
        if self.reversed:
            lines.append(
                "Ranking by simple effect differs from ranking by causal effect: the highest "
                "simple effect is not the best course."
            )
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()

    def plot(
        self, ax: Axes | None = None, *, title: str | None = None, ylabel: str | None = None
    ) -> Axes:
        """One figure for a committee: per group the share in a job without and with the
        course (the simple effect), and the effect of the course as an arrow between them."""
        from .plots import simple_vs_causal

        return simple_vs_causal(self.frame, ax=ax, outcome=self.outcome, title=title, ylabel=ylabel)


def contrast_from_counts(
    groups: Sequence[str],
    successes_with: Sequence[int] | np.ndarray,
    n_with: Sequence[int] | np.ndarray,
    successes_without: Sequence[int] | np.ndarray,
    n_without: Sequence[int] | np.ndarray,
    *,
    conf_level: float = 0.95,
    outcome: str = "job",
) -> SimpleVsCausal:
    """The teaching contrast from counts: per group, successes and totals with and without
    the course.

    Parameters
    ----------
    groups : sequence of str
        Group labels (e.g. "Strong, newly unemployed", "Complex challenges").
    successes_with, n_with : sequence of int
        Participants with the outcome, and all participants, among those who took the course.
    successes_without, n_without : sequence of int
        The same for comparable citizens without the course (a control group; in a
        randomised or well-matched comparison their rate estimates the counterfactual).
    conf_level : float, default 0.95
    outcome : str, default "job"
        Name of the outcome for labels.

    Returns
    -------
    SimpleVsCausal
        ``table()``: ``group``, ``n_with``, ``simple_effect`` (rate with the course),
        ``simple_ci_low``/``simple_ci_high`` (Wilson), ``n_without``, ``rate_without``,
        ``causal_effect`` (with - without), ``causal_ci_low``/``causal_ci_high`` (Newcombe
        hybrid score), ``rank_simple``, ``rank_causal`` (1 = best).

    Notes
    -----
    The simple effect is the share in a job after the course, ``x_1/n_1``; the causal effect
    is ``x_1/n_1 - x_0/n_0`` - what the course added compared with no course. Only the
    second tells which course works; ranking groups (or providers serving them) by the first
    rewards serving citizens who would have found a job anyway.

    Examples
    --------
    >>> r = contrast_from_counts(["Strong", "Complex"], [190, 25], [200, 200], [196, 4], [200, 200])
    >>> r.table()[["group", "rank_simple", "rank_causal"]].values.tolist()
    [['Strong', 1, 2], ['Complex', 2, 1]]
    >>> r.reversed
    True
    """
    func = "contrast_from_counts"
    conf_level = check_conf_level(conf_level, func)
    arrays = [np.asarray(a) for a in (successes_with, n_with, successes_without, n_without)]
    names = ("successes_with", "n_with", "successes_without", "n_without")
    k = len(groups)
    if k < 1:
        raise argument_error(func, "groups", "a non-empty sequence of group labels", groups)
    for a, nm in zip(arrays, names, strict=False):
        if (
            a.shape != (k,)
            or not np.issubdtype(a.dtype, np.number)
            or (a < 0).any()
            or (a != np.round(a)).any()
        ):
            raise argument_error(
                func, nm, f"a sequence of {k} non-negative integers (one per group)", a.tolist()
            )
    x1, n1, x0, n0 = (a.astype(float) for a in arrays)
    for x_, n_, xn, nn in ((x1, n1, names[0], names[1]), (x0, n0, names[2], names[3])):
        bad = (n_ < 1) | (x_ > n_)
        if bad.any():
            i = int(np.argmax(bad))
            raise EffektError(
                f"{func}(): group {quote(groups[i])} has {nn} = {int(n_[i])} and {xn} = "
                f"{int(x_[i])}; need {nn} >= 1 and {xn} <= {nn}."
            )
    lo, hi = wilson_interval(x1, n1, conf_level)
    d, dlo, dhi = _ps.newcombe_difference(x1, n1, x0, n0, conf_level)
    frame = pd.DataFrame(
        {
            "group": list(map(str, groups)),
            "n_with": n1.astype(np.int64),
            "simple_effect": x1 / n1,
            "simple_ci_low": lo,
            "simple_ci_high": hi,
            "n_without": n0.astype(np.int64),
            "rate_without": x0 / n0,
            "causal_effect": d,
            "causal_ci_low": dlo,
            "causal_ci_high": dhi,
        }
    )
    frame["rank_simple"] = (
        frame["simple_effect"].rank(ascending=False, method="min").astype(np.int64)
    )
    frame["rank_causal"] = (
        frame["causal_effect"].rank(ascending=False, method="min").astype(np.int64)
    )
    return SimpleVsCausal(frame, outcome, conf_level)


def contrast(
    data: pd.DataFrame,
    group: Hashable,
    course: Hashable,
    outcome: Hashable,
    *,
    conf_level: float = 0.95,
    course_value: Any = None,
    missing: Literal["raise", "drop"] = "raise",
) -> SimpleVsCausal:
    """The teaching contrast from participant data: simple vs causal effect per group.

    Parameters
    ----------
    data : DataFrame
        One row per citizen.
    group : str
        Target-group column (e.g. "Strong, newly unemployed" / "Complex challenges").
    course : str
        Two-valued column: took the course (1/True, or ``course_value``) or not.
    outcome : str
        Binary outcome column, e.g. in a job 6 months later.
    conf_level : float, default 0.95
    course_value : optional
        The value of ``course`` that means "took the course" when it is not coded 0/1.
    missing : {"raise", "drop"}, default "raise"

    Returns
    -------
    SimpleVsCausal
        See :func:`contrast_from_counts`.

    Notes
    -----
    The causal reading of "with - without" needs the citizens without the course to be
    comparable to those with it within each group (randomisation, or a matched comparison).

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"group": ["strong"] * 40 + ["complex"] * 40,
    ...                    "course": ([1] * 20 + [0] * 20) * 2,
    ...                    "job": [1] * 19 + [0] + [1] * 20 + [1] * 3 + [0] * 17 + [0] * 20})
    >>> r = contrast(df, "group", "course", "job")
    >>> r.table()[["group", "simple_effect", "causal_effect"]].round(2).values.tolist()
    [['strong', 0.95, -0.05], ['complex', 0.15, 0.15]]
    """
    from ._validate import two_valued

    func = "contrast"
    df = check_frame(data, func)
    require_columns(df, func, group=group, course=course, outcome=outcome)
    df = handle_missing(df, [group, course, outcome], missing, func)
    y = binary_outcome(df[outcome], outcome, func)
    t = two_valued(df[course], course, "course", func, treated_value=course_value)
    codes, labels = pd.factorize(df[group], sort=False)  # groups in order of appearance
    G = len(labels)

    def cnt(mask: np.ndarray, w: np.ndarray | None = None) -> np.ndarray:
        return np.bincount(codes[mask], weights=None if w is None else w[mask], minlength=G)

    n1, n0 = cnt(t), cnt(~t)
    empty = [str(labels[i]) for i in range(G) if n1[i] == 0 or n0[i] == 0]
    if empty:
        raise EffektError(
            f"{func}(): group(s) {', '.join(map(quote, empty))} in column {quote(group)} lack "
            "citizens "
            f"with or without the course (column {quote(course)}); both are needed for the causal "
            "effect."
        )
    return contrast_from_counts(
        [str(v) for v in labels],
        cnt(t, y).round().astype(int),
        n1,
        cnt(~t, y).round().astype(int),
        n0,
        conf_level=conf_level,
        outcome=str(outcome),
    )
