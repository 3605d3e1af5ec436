"""Differences in means for continuous outcomes (weekly paid hours, weeks in work).

:func:`difference_in_means` works on individual rows, with the trial's design taken into
account (strata, clusters, covariates); :func:`difference_in_means_from_summary` works on
the means, standard deviations and sizes that a report publishes. Both report the relative
change ``mean_treated / mean_control - 1`` ("67 % more hours") with a Fieller interval
(or, on request, a delta-method interval).

Examples
--------
>>> from effekt import rct
>>> r = rct.difference_in_means_from_summary(4.9, 7.5, 2400, 2.95, 6.0, 2400, unit_label="hours/week")
>>> round(r.estimate, 2), round(r.relative_change, 2)
(1.95, 0.66)
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd

from .._cells import collect, treatment_flags
from .._inference import wald
from .._linear import LinearFit, ols
from .._validate import (
    as_column_list,
    check_choice,
    check_clusters_per_arm,
    check_conf_level,
    check_frame,
    check_not_outcome,
    check_number,
    group_codes,
    handle_missing,
    numeric_column,
    two_valued,
)
from ..errors import ColumnError, EffektError
from ..language import Note
from ..results import EffectResult
from ._lin import cells_fit, lin_design

__all__ = ["difference_in_means", "difference_in_means_from_summary"]

RelativeMethod = Literal["fieller", "delta"]
_RELATIVE_METHODS = ("fieller", "delta")


# --------------------------------------------------------------------------- relative change


def _relative_change_interval(
    mean_treated: float,
    mean_control: float,
    var_treated: float,
    var_control: float,
    cov: float,
    quantile: float,
    method: str = "fieller",
) -> tuple[tuple[float, float], str | None]:
    """Confidence limits for ``mean_treated / mean_control - 1``.

    Parameters
    ----------
    mean_treated, mean_control : float
        The two (possibly adjusted) means.
    var_treated, var_control, cov : float
        Their sampling variances and covariance.
    quantile : float
        The two-sided critical value (normal or t).
    method : {"fieller", "delta"}

    Returns
    -------
    (low, high), note
        ``note`` explains an unbounded Fieller set (``None`` otherwise).

    Notes
    -----
    Fieller's set is every ratio ``R`` with
    ``(m_t - R m_c)^2 <= q^2 (v_t - 2 R c + R^2 v_c)``, i.e. the solutions of
    ``a R^2 + b R + c0 <= 0`` with ``a = m_c^2 - q^2 v_c``, ``b = -2 (m_t m_c - q^2 c)``,
    ``c0 = m_t^2 - q^2 v_t``. It is a bounded interval only when ``a > 0``, i.e. when the
    control mean is itself significantly different from zero (``g = q^2 v_c / m_c^2 < 1``);
    otherwise it is the whole line or two half-lines, returned as ``(-inf, inf)`` with a note.
    The delta method uses ``se(R) = sqrt(v_t - 2 R c + R^2 v_c) / |m_c|`` and ``R +- q se``:
    always bounded, but it ignores the skewness of a ratio and under-covers when ``g`` is
    not small.

    Examples
    --------
    >>> (lo, hi), note = _relative_change_interval(5.0, 3.0, 0.04, 0.03, 0.0, 1.96)
    >>> round(lo, 3), round(hi, 3), note
    (0.456, 0.92, None)
    """
    mt, mc, vt, vc, c, q = mean_treated, mean_control, var_treated, var_control, cov, quantile
    if not np.isfinite([mt, mc, vt, vc, c, q]).all():  # e.g. a NaN covariance: no interval
        return (math.nan, math.nan), None
    if method == "delta":
        if mc == 0:
            return (
                -math.inf,
                math.inf,
            ), "the control mean is zero, so the relative change is undefined"
        r = mt / mc
        se = math.sqrt(max(vt - 2 * r * c + r * r * vc, 0.0)) / abs(mc)
        return (r - q * se - 1, r + q * se - 1), None
    a = mc * mc - q * q * vc
    b = -2 * (mt * mc - q * q * c)
    c0 = mt * mt - q * q * vt
    disc = b * b - 4 * a * c0
    if a > 0 and disc >= 0:
        root = math.sqrt(disc)
        r1, r2 = sorted(((-b - root) / (2 * a), (-b + root) / (2 * a)))
        return (r1 - 1, r2 - 1), None
    g = q * q * vc / (mc * mc) if mc != 0 else math.inf
    if a < 0 and disc > 0:
        root = math.sqrt(disc)
        r1, r2 = sorted(((-b - root) / (2 * a), (-b + root) / (2 * a)))
        detail = Note(
            "it is the union of two half-lines, relative change <= {low} % or >= {high} %",
            low=f"{100 * (r1 - 1):+.0f}",
            high=f"{100 * (r2 - 1):+.0f}",
        )
    else:
        detail = Note("it is the whole real line")
    note = Note(
        "the Fieller interval for the relative change is unbounded ({detail}): the control "
        "mean is not clearly different from zero (g = {g} >= 1), so no finite interval "
        "for the ratio exists at this confidence level; report the difference in means",
        detail=detail,
        g=f"{g:.2f}",
    )
    return (-math.inf, math.inf), note


# --------------------------------------------------------------------------- summary statistics


def _welch(
    mean_t: float, var_t: float, n_t: int, mean_c: float, var_c: float, n_c: int
) -> tuple[float, float, float]:
    """Difference, its Welch standard error and the Welch-Satterthwaite df."""
    vt, vc = var_t / n_t, var_c / n_c
    se = math.sqrt(vt + vc)
    df = (vt + vc) ** 2 / (vt * vt / (n_t - 1) + vc * vc / (n_c - 1))
    return mean_t - mean_c, se, df


def _result(
    estimate: float,
    se: float,
    df: float,
    conf_level: float,
    *,
    mean_t: float,
    mean_c: float,
    var_mt: float,
    var_mc: float,
    cov_tc: float,
    relative: str,
    notes: Sequence[str] = (),
    **fields: Any,
) -> EffectResult:
    w = wald(estimate, se, conf_level, df)
    rc_ci, note = _relative_change_interval(
        mean_t, mean_c, var_mt, var_mc, cov_tc, w.critical_value, relative
    )
    all_notes = list(notes)
    if note:
        all_notes.append(note)
    rc = mean_t / mean_c - 1 if mean_c != 0 else None
    return EffectResult(
        estimate=float(estimate),
        std_error=float(se),
        ci=w.ci,
        pvalue=w.pvalue,
        conf_level=conf_level,
        statistic=w.statistic,
        df=float(df),
        scale="mean",
        mean_treated=float(mean_t),
        mean_control=float(mean_c),
        relative_change=rc,
        relative_change_ci=rc_ci if rc is not None else None,
        notes=tuple(all_notes),
        extra={"relative_change_method": relative},
        **fields,
    )


def difference_in_means_from_summary(
    mean_treated: float,
    sd_treated: float,
    n_treated: int,
    mean_control: float,
    sd_control: float,
    n_control: int,
    *,
    conf_level: float = 0.95,
    unit_label: str = "",
    relative_ci: RelativeMethod = "fieller",
) -> EffectResult:
    """Welch's difference in means from published means, standard deviations and sizes.

    Parameters
    ----------
    mean_treated, sd_treated, n_treated : float, float, int
        Mean, standard deviation (with divisor ``n - 1``) and size of the treatment group.
    mean_control, sd_control, n_control : float, float, int
        The same for the control group.
    conf_level : float, default 0.95
    unit_label : str
        Unit of the outcome for the text ("hours/week").
    relative_ci : {"fieller", "delta"}, default "fieller"
        Interval for the relative change ``mean_treated / mean_control - 1``.

    Returns
    -------
    EffectResult
        ``scale="mean"``; ``df`` is the Welch-Satterthwaite degrees of freedom.

    Notes
    -----
    ``d = m_t - m_c``, ``se = sqrt(s_t^2/n_t + s_c^2/n_c)``, interval ``d +- t_{df} se`` with
    ``df = se^4 / [(s_t^2/n_t)^2/(n_t-1) + (s_c^2/n_c)^2/(n_c-1)]`` (Welch 1947). This
    reproduces ``scipy.stats.ttest_ind_from_stats(..., equal_var=False)`` and R's
    ``t.test(var.equal=FALSE)``. The relative change interval is Fieller's (see
    :func:`_relative_change_interval`).

    References
    ----------
    Welch, B. L. (1947). The generalization of "Student's" problem when several different
    population variances are involved. *Biometrika* 34, 28-35.
    Fieller, E. C. (1954). Some problems in interval estimation. *JRSS B* 16, 175-185.

    Examples
    --------
    JobFirst, week 78: just under 2 extra paid hours a week on a control mean near 3
    (the standard deviations here are illustrative):

    >>> from effekt import rct
    >>> r = rct.difference_in_means_from_summary(4.95, 7.5, 2400, 2.97, 6.0, 2400,
    ...                                          unit_label="hours/week")
    >>> print(r.summary().splitlines()[0])
    Effect: +1.98 hours/week (95% CI +1.60 to +2.36 hours/week), p < 0.001
    >>> round(100 * r.relative_change)
    67
    """
    func = "difference_in_means_from_summary"
    conf_level = check_conf_level(conf_level, func)
    check_choice(relative_ci, "relative_ci", func, _RELATIVE_METHODS)
    mt = check_number(mean_treated, "mean_treated", func)
    mc = check_number(mean_control, "mean_control", func)
    st = check_number(sd_treated, "sd_treated", func, low=0)
    sc = check_number(sd_control, "sd_control", func, low=0)
    nt = int(check_number(n_treated, "n_treated", func, low=2, integer=True))
    nc = int(check_number(n_control, "n_control", func, low=2, integer=True))
    if st == 0 and sc == 0:
        raise EffektError(
            f"The 'sd_treated' and 'sd_control' arguments of {func}() are both 0; the outcome has "
            "no variation in either group, so no standard error exists. Check the reported SDs."
        )
    _check_summary_scale(mt, st, nt, mc, sc, nc, func)
    d, se, df = _welch(mt, st * st, nt, mc, sc * sc, nc)
    return _result(
        d,
        se,
        df,
        conf_level,
        mean_t=mt,
        mean_c=mc,
        var_mt=st * st / nt,
        var_mc=sc * sc / nc,
        cov_tc=0.0,
        relative=relative_ci,
        method="Welch t (unequal variances), from summary statistics",
        n_treated=nt,
        n_control=nc,
        unit=unit_label,
    )


def _check_summary_scale(
    mt: float, st: float, nt: int, mc: float, sc: float, nc: int, func: str
) -> None:
    """The standard error must be a number: neither overflow nor below float resolution."""
    var = st * st / nt + sc * sc / nc
    resolution = 64 * np.finfo(float).eps * max(abs(mt), abs(mc))
    if not np.isfinite(var) or not np.isfinite(mt - mc):
        raise EffektError(
            f"The means and standard deviations passed to {func}() are too large to combine "
            f"(sd_treated={st:g}, sd_control={sc:g}); rescale the outcome (e.g. to thousands)."
        )
    if not np.sqrt(var) > resolution or var == 0:
        raise EffektError(
            f"The standard deviations passed to {func}() (sd_treated={st:g}, sd_control={sc:g}) "
            f"are too small to measure against the means ({mt:g}, {mc:g}): the standard error "
            "would be float noise. Check the reported SDs (or rescale the outcome)."
        )


# --------------------------------------------------------------------------- individual rows


def _stratified(
    cells: pd.DataFrame, t: np.ndarray, strata: Hashable, func: str
) -> tuple[float, float, float, float, float, float, float, int]:
    """Size-weighted stratified difference from per-stratum x arm sufficient statistics."""
    codes, labels = group_codes(cells["strata"], strata, "strata", func)
    S = len(labels)
    n, mean, ss = (a.reshape(S, 2) for a in _cell_moments(cells, codes * 2 + t, 2 * S))
    small = (n < 2).any(axis=1)
    if small.any():
        k = int(np.flatnonzero(small)[0])
        label = labels[k].item() if isinstance(labels[k], np.generic) else labels[k]
        raise ColumnError(
            f"Stratum {label!r} of the strata column {strata!r} passed to {func}() has "
            f"{int(n[k, 1])} treated and {int(n[k, 0])} control units; every stratum needs "
            "at least "
            "two in each arm. Merge small strata (e.g. neighbouring job centres)."
        )
    var_mean = ss / (n - 1) / n  # s^2 / n per cell: the HC2 variance of a cell mean
    w = n.sum(axis=1) / n.sum()
    mean_t = float(w @ mean[:, 1])
    mean_c = float(w @ mean[:, 0])
    var_t = float(w**2 @ var_mean[:, 1])
    var_c = float(w**2 @ var_mean[:, 0])
    df = float(n.sum() - 2 * S)
    return mean_t - mean_c, math.sqrt(var_t + var_c), df, mean_t, mean_c, var_t, var_c, S


def difference_in_means(
    data: pd.DataFrame,
    outcome: Hashable,
    treatment: Hashable,
    *,
    treated_value: Any = None,
    conf_level: float = 0.95,
    strata: Hashable | None = None,
    cluster: Hashable | None = None,
    covariates: Hashable | Sequence[Hashable] | None = None,
    missing: Literal["raise", "drop"] = "raise",
    unit_label: str = "",
    relative_ci: RelativeMethod = "fieller",
) -> EffectResult:
    """Difference in mean outcome between the treatment and the control group of a trial.

    Parameters
    ----------
    data : DataFrame
        One row per person: a pandas, Polars (eager or lazy) or PyArrow DataFrame, a DuckDB
        relation or a PySpark DataFrame. It is never modified.
    outcome : column name
        A numeric outcome (weekly paid hours, weeks in employment, ...).
    treatment : column name
        Two-valued treatment column (0/1 or bool; otherwise say which value is treated
        with ``treated_value``).
    treated_value : optional
        The value of ``treatment`` that marks the treatment group.
    conf_level : float, default 0.95
    strata : column name, optional
        Randomisation strata (job centre, municipality). The effect is the average of the
        within-stratum differences weighted by stratum size (see Notes).
    cluster : column name, optional
        Cluster (unit of randomisation or of correlated outcomes, e.g. municipality):
        CR2 cluster-robust standard error with ``t(G - 1)`` reference distribution.
    covariates : column name or list, optional
        Baseline covariates for a Lin (2013) adjusted estimate: regression on treatment,
        centred covariates and their interactions with treatment, HC2 standard errors
        (CR2 with ``cluster``). Categorical columns become dummies.
    missing : {"raise", "drop"}, default "raise"
        What to do with missing values in the columns used.
    unit_label : str
        Unit of the outcome for the text ("hours/week").
    relative_ci : {"fieller", "delta"}, default "fieller"
        Interval for the relative change (see :func:`_relative_change_interval`).

    Returns
    -------
    EffectResult
        ``scale="mean"``; ``mean_treated``/``mean_control`` are the (adjusted) arm means and
        ``relative_change`` their ratio minus one, with ``relative_change_ci``.

    Notes
    -----
    **Scaling.** Without ``covariates`` the rows are reduced to the count, sum and sum of
    squares (about a centre near the mean, so no precision is lost) per arm [x stratum]
    [x cluster] by a group-by in the data's own engine (pandas: bincount); only these cells
    reach Python, so 10^7 DuckDB rows take a few seconds and little memory. The clustered
    fit from cell sums equals the unit-level CR2 regression. With ``covariates`` the
    analysis is unit-level: only the used columns are collected into memory.

    **Minimum information** (enforced; fewer raise :class:`~effekt.errors.EffektError`):
    with ``cluster=`` each arm must span at least 2 clusters; with ``strata=`` every stratum
    needs at least 2 units in each arm; with ``covariates=`` each arm
    needs at least (covariate columns + 2) rows, no row may have leverage 1, the outcome may
    not be a covariate and the covariates may not reproduce the outcome exactly.

    * **No design options**: Welch's t interval,
      ``(ybar_t - ybar_c) +- t_{df} sqrt(s_t^2/n_t + s_c^2/n_c)`` with Welch-Satterthwaite
      ``df`` (equal to ``scipy.stats.ttest_ind(equal_var=False)`` and R's ``t.test``).
    * **strata**: ``sum_s w_s (ybar_ts - ybar_cs)`` with ``w_s = n_s / n``, variance
      ``sum_s w_s^2 (s_ts^2/n_ts + s_cs^2/n_cs)``, ``t(n - 2S)``. This is the coefficient on
      treatment in a regression with treatment x centred stratum-dummy interactions and its
      HC2 standard error, and equals R's ``estimatr::difference_in_means(blocks=)``. Size
      weights target the average effect in the trial population even when the share treated
      and the effect differ between strata; a plain regression with stratum dummies would
      weight strata by ``n_s p_s (1 - p_s)`` instead (more precise, but a different average
      when effects vary). Each stratum needs two units per arm.
    * **cluster** and/or **covariates**: OLS of the outcome on ``[1, T, Z, T Z]`` with ``Z``
      the centred covariates (and centred stratum dummies when ``strata`` is also given), so
      that the coefficient on ``T`` is the average effect (Lin 2013). HC2 standard errors,
      ``t(n - p)``; with ``cluster`` CR2 (Bell & McCaffrey 2002) and ``t(G - 1)``.
      *Estimand with* ``strata=`` *and* ``cluster=``: the stratum dummies are interacted with
      treatment, so the effect is the size-weighted average of the within-stratum
      differences (weights ``n_s / n``), as without ``cluster``.
      :func:`~effekt.rct.difference_in_proportions` with ``strata=`` and ``cluster=`` (and no
      covariates) uses additive stratum dummies instead, i.e. precision weights
      ``n_s p_s (1 - p_s)``; the two agree when the share treated is the same in every
      stratum or the effect does not vary between strata.
    * The relative change uses the arm means (adjusted: intercept and intercept + effect
      of the regression) and their covariance, with Fieller's interval on the same ``t``
      quantile as the difference. Fieller's set is unbounded when the control mean is
      not significantly different from zero; the result then carries ``(-inf, inf)`` and a
      note saying so.

    References
    ----------
    Lin, W. (2013). Agnostic notes on regression adjustments to experimental data:
    reexamining Freedman's critique. *Annals of Applied Statistics* 7, 295-318.
    Bell, R. M. & McCaffrey, D. F. (2002). Bias reduction in standard errors for linear
    regression with multi-stage samples. *Survey Methodology* 28, 169-181.
    Gerber, A. S. & Green, D. P. (2012). *Field Experiments*, ch. 4 (blocked designs).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from effekt import rct
    >>> rng = np.random.default_rng(7)
    >>> treated = np.repeat([1, 0], 2400)
    >>> hours = rng.gamma(0.6, 5.0, 4800) * np.where(treated == 1, 1.67, 1.0)
    >>> df = pd.DataFrame({"jobfirst": treated, "hours": hours})
    >>> r = rct.difference_in_means(df, "hours", "jobfirst", unit_label="hours/week")
    >>> round(r.estimate, 2), round(r.relative_change, 2)
    (1.8, 0.58)
    >>> r.method
    'Welch t (unequal variances)'
    """
    func = "difference_in_means"
    conf_level = check_conf_level(conf_level, func)
    check_choice(relative_ci, "relative_ci", func, _RELATIVE_METHODS)
    covs = as_column_list(covariates)
    check_not_outcome(outcome, covs, "covariates", func)
    if covs:  # Lin's adjustment needs the rows: only the used columns are collected
        roles: dict[str, Any] = dict(treatment=treatment, strata=strata, cluster=cluster)
        data = check_frame(data, func, outcome=outcome, **roles, covariates=covs)
        used = [outcome, treatment, *as_column_list(strata), *as_column_list(cluster), *covs]
        data = handle_missing(data, used, missing, func)
        y = numeric_column(data[outcome], outcome, func, "outcome")
        t = two_valued(data[treatment], treatment, "treatment", func, treated_value)
        common = _common(
            int(t.sum()), int(len(t) - t.sum()), treatment, outcome, func, unit_label, relative_ci
        )
        return _regression(data, y, t, strata, cluster, covs, conf_level, func, **common)
    cells = collect(
        data,
        func,
        keys=dict(treatment=treatment, strata=strata, cluster=cluster),
        values=dict(outcome=outcome),
        missing=missing,
    )
    t = treatment_flags(cells, treatment, func, treated_value)
    n = cells["n"].to_numpy()
    n_t = int(round(n[t].sum()))
    common = _common(
        n_t, int(round(n.sum())) - n_t, treatment, outcome, func, unit_label, relative_ci
    )
    if cluster is not None:
        return _cells_regression(cells, t, strata, cluster, conf_level, func, **common)
    if strata is None:
        return _welch_from_cells(cells, t, conf_level, func, **common)
    return _stratified_result(cells, t, strata, conf_level, func, **common)


def _common(
    n_t: int,
    n_c: int,
    treatment: Hashable,
    outcome: Hashable,
    func: str,
    unit_label: str,
    relative_ci: str,
) -> dict[str, Any]:
    """The result fields every path shares; at least two units per arm."""
    for arm, n_arm in (("treated", n_t), ("control", n_c)):
        if n_arm < 2:
            raise ColumnError(
                f"The {arm} group of {treatment!r} passed to {func}() has {n_arm} unit(s); "
                "a difference in means needs at least two per arm."
            )
    return dict(
        outcome=str(outcome), n_treated=n_t, n_control=n_c, unit=unit_label, relative=relative_ci
    )


def _cell_moments(
    cells: pd.DataFrame, index: np.ndarray, size: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rows, means and sums of squared deviations per group of cells (``index`` 0..size-1)."""
    n = np.bincount(index, weights=cells["n"].to_numpy(), minlength=size)
    s1 = np.bincount(index, weights=cells["sum_outcome"].to_numpy(), minlength=size)
    s2 = np.bincount(index, weights=cells["sumsq_outcome"].to_numpy(), minlength=size)
    with np.errstate(divide="ignore", invalid="ignore"):
        centred = s1 / n
        ss = s2 - s1 * centred
    # one pass about a centre near the mean: a sum of squares at rounding level is zero
    ss = np.where(ss <= 1e-13 * s2, 0.0, ss)
    return n, centred + cells.attrs["centre_outcome"], ss


def _welch_from_cells(
    cells: pd.DataFrame, t: np.ndarray, conf_level: float, func: str, **common: Any
) -> EffectResult:
    """Welch's difference from the per-arm count, sum and sum of squares."""
    n_t, n_c = common["n_treated"], common["n_control"]
    _, means, ss = _cell_moments(cells, t.astype(np.intp), 2)
    mean_c, mean_t = float(means[0]), float(means[1])
    var_c, var_t = float(ss[0] / (n_c - 1)), float(ss[1] / (n_t - 1))
    if var_t == 0 and var_c == 0:
        raise ColumnError(
            f"The outcome column {common['outcome']!r} passed to {func}() is constant within "
            "both arms; no standard error exists. Check the outcome."
        )
    d, se, df = _welch(mean_t, var_t, n_t, mean_c, var_c, n_c)
    return _result(
        d,
        se,
        df,
        conf_level,
        mean_t=mean_t,
        mean_c=mean_c,
        var_mt=var_t / n_t,
        var_mc=var_c / n_c,
        cov_tc=0.0,
        method="Welch t (unequal variances)",
        **common,
    )


def _stratified_result(
    cells: pd.DataFrame,
    t: np.ndarray,
    strata: Hashable,
    conf_level: float,
    func: str,
    **common: Any,
) -> EffectResult:
    """The size-weighted stratified difference (see :func:`_stratified`) as a result."""
    d, se, df, mean_t, mean_c, var_t, var_c, S = _stratified(cells, t.astype(np.intp), strata, func)
    if se == 0:
        raise ColumnError(
            f"The outcome column {common['outcome']!r} passed to {func}() is constant within "
            "every stratum and arm; no standard error exists."
        )
    return _result(
        d,
        se,
        df,
        conf_level,
        mean_t=mean_t,
        mean_c=mean_c,
        var_mt=var_t,
        var_mc=var_c,
        cov_tc=0.0,
        method=(f"Stratified difference ({S} strata, size-weighted), HC2 (Neyman) SE, t(n-2S)"),
        **common,
    )


def _regression(
    data: pd.DataFrame,
    y: np.ndarray,
    t: np.ndarray,
    strata: Hashable | None,
    cluster: Hashable | None,
    covs: list[Hashable],
    conf_level: float,
    func: str,
    **common: Any,
) -> EffectResult:
    X = lin_design(data, t, strata, covs, func)
    if cluster is not None:
        ccodes, _ = group_codes(data[cluster], cluster, "cluster", func, min_groups=2)
        check_clusters_per_arm(ccodes, t, cluster, func)
        fit = ols(X, y, cov_type="CR2", cluster=ccodes, exact_fit=not covs)
    else:
        fit = ols(X, y, cov_type="HC2", exact_fit=not covs)
    return _fit_result(fit, strata, covs, conf_level, func, **common)


def _cells_regression(
    cells: pd.DataFrame,
    t: np.ndarray,
    strata: Hashable | None,
    cluster: Hashable,
    conf_level: float,
    func: str,
    **common: Any,
) -> EffectResult:
    """``y ~ 1 + T`` (+ stratum dummies interacted with T), CR2, from the cell sums."""
    sums = cells["sum_outcome"].to_numpy() + cells["n"].to_numpy() * cells.attrs["centre_outcome"]
    fit = cells_fit(cells, t, sums, strata, cluster, func, interact=True)
    return _fit_result(fit, strata, [], conf_level, func, **common)


def _fit_result(
    fit: LinearFit,
    strata: Hashable | None,
    covs: list[Hashable],
    conf_level: float,
    func: str,
    **common: Any,
) -> EffectResult:
    if fit.cov_type == "CR2":
        how = f"CR2 cluster-robust SE ({fit.n_clusters} clusters), t(G-1)"
    else:
        how = "HC2 SE, t(n-p)"
    est, se, _, _, _ = fit.test(1, conf_level)
    if se == 0:  # a NaN SE goes on to a NaN p-value and interval
        raise ColumnError(
            f"The outcome column {common['outcome']!r} passed to {func}() has no residual "
            "variation."
        )
    V = fit.cov
    mean_c = float(fit.params[0])
    mean_t = mean_c + est
    var_c = float(V[0, 0])
    var_t = float(V[0, 0] + 2 * V[0, 1] + V[1, 1])
    cov_tc = float(V[0, 0] + V[0, 1])
    parts = []
    if covs:
        parts.append(f"Lin (2013) interacted regression on {len(covs)} covariate(s)")
    if strata is not None:
        parts.append("stratum dummies interacted with treatment")
    what = "; ".join(parts) if parts else "OLS on treatment"
    return _result(
        est,
        se,
        fit.df_resid,
        conf_level,
        mean_t=mean_t,
        mean_c=mean_c,
        var_mt=var_t,
        var_mc=var_c,
        cov_tc=cov_tc,
        method=f"{what}, {how}",
        **common,
    )
