"""Inverse probability weighting (IPW) and doubly robust augmented IPW (AIPW).

Both use the same propensity model as :func:`~effekt.matching.match`
(:func:`~effekt.matching.propensity_score`: a logistic regression fitted like R's ``glm``,
or a scikit-learn classifier), so an evaluator can show that a conclusion does not hinge
on matching. Both return an :class:`~effekt.results.EffectResult`.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Hashable, Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy.special import expit

from .._design import encode_covariates
from .._validate import (
    argument_error,
    as_column_list,
    check_choice,
    check_conf_level,
    check_frame,
    check_number,
    handle_missing,
    numeric_column,
    outcome_indicator,
    quote,
    require_columns,
)
from ..errors import (
    ConvergenceWarning,
    EffektError,
    OverlapWarning,
    SmallSampleWarning,
    UndefinedValueWarning,
)
from ..results import EffectResult, effect_from_normal
from .propensity import PropensityScore, _irls_logit, propensity_score

__all__ = ["ipw", "aipw"]

_EXTREME = 0.01  # propensities beyond [0.01, 0.99] where they give large weights trigger a warning


def _prepare(
    func: str,
    data: Any,
    outcome: Hashable,
    treatment: Hashable,
    covariates: Any,
    extra_covariates: Sequence[Hashable],
    estimand: str,
    allowed: tuple[str, ...],
    trim: Any,
    conf_level: Any,
    missing: str,
) -> tuple[pd.DataFrame, list[Hashable], float | None, float]:
    data = check_frame(data, func)
    check_choice(estimand, "estimand", func, allowed)
    conf = check_conf_level(conf_level, func)
    covs = as_column_list(covariates)
    if not covs:
        raise argument_error(func, "covariates", "a non-empty list of column names", covariates)
    require_columns(data, func, outcome=outcome, treatment=treatment, covariates=covs)
    for name, col in (("outcome", outcome), ("treatment", treatment)):
        if col in covs or col in extra_covariates:
            raise EffektError(
                f"The {name} column {quote(col)} is also listed as a covariate of {func}(); remove it."
            )
    if outcome == treatment:
        raise EffektError(
            f"{func}(): 'outcome' and 'treatment' are the same column {quote(outcome)}."
        )
    if trim is not None:
        trim = check_number(trim, "trim", func, low=0, high=0.5, low_open=True, high_open=True)
    used = handle_missing(data, [outcome, treatment, *covs, *extra_covariates], missing, func)
    return used, covs, trim, conf


def _dropped_note(data: Any, used: pd.DataFrame) -> list[str]:
    """The note recording rows dropped for missing values (as match() does)."""
    k = len(data) - len(used)
    return [f"{k} rows with missing values were dropped before estimation"] if k else []


def _outcome_values(
    values: pd.Series, column: Hashable, func: str, outcome_value: Any = None
) -> tuple[np.ndarray, str]:
    values = outcome_indicator(values, column, func, outcome_value)
    y = numeric_column(values, column, func, "outcome")
    scale = "proportion" if np.isin(y, (0.0, 1.0)).all() else "mean"
    return y, scale


def _clip(e: np.ndarray, trim: float | None) -> tuple[np.ndarray, np.ndarray, int, int]:
    """Propensities clipped to [trim, 1 - trim]; the mask of unclipped units and the counts."""
    if trim is None:
        return e, np.ones(len(e), dtype=bool), 0, 0
    low = e < trim
    high = e > 1 - trim
    return np.clip(e, trim, 1 - trim), ~(low | high), int(low.sum()), int(high.sum())


def _overlap_warning(
    func: str, e: np.ndarray, t: np.ndarray, estimand: str, trim: float | None
) -> None:
    if trim is not None:
        return
    bad_c = int(((~t) & (e > 1 - _EXTREME)).sum())
    bad_t = int((t & (e < _EXTREME)).sum()) if estimand == "ATE" else 0
    if bad_c or bad_t:
        parts = []
        if bad_c:
            parts.append(f"{bad_c} control unit(s) with a propensity above {1 - _EXTREME:g}")
        if bad_t:
            parts.append(f"{bad_t} treated unit(s) with a propensity below {_EXTREME:g}")
        warnings.warn(
            f"{func}(): poor overlap: {' and '.join(parts)} get very large weights and can dominate the "
            f"{estimand}. Check plot_overlap(), restrict the sample to common support, or pass trim=0.01.",
            OverlapWarning,
            stacklevel=3,
        )


def _trim_note(trim: float | None, n_low: int, n_high: int) -> list[str]:
    if trim is None:
        return []
    return [
        f"propensities clipped to [{trim:g}, {1 - trim:g}] (no unit dropped): {n_low} below, {n_high} above"
    ]


#: Fewest units per arm for which :func:`ipw` and :func:`aipw` report a sandwich interval.
MIN_ARM = 5


def _small_arm(func: str, t: np.ndarray, se: float, notes: list[str]) -> float:
    """The minimum-information rule: no sandwich SE from an arm of fewer than MIN_ARM units.

    With one or two treated the sandwich "SE" is near zero and the p-value is float noise
    (p < 0.001 where Fisher's exact p > 0.05); the SE is then NaN, with a warning and a note.
    """
    smallest = min(int(t.sum()), int((~t).sum()))
    if smallest >= MIN_ARM:
        return se
    return _no_interval(func, smallest, t, notes)


def _constant_outcome(
    func: str, y: np.ndarray, est: float, se: float, notes: list[str]
) -> tuple[float, float]:
    """An outcome that does not vary has no sampling information: estimate 0, SE NaN, a note.

    Without this the sandwich SE is float noise and a -0.0 pp effect came with p < 0.001.
    """
    if y.size == 0 or np.ptp(y) > 0 or not np.isfinite(se):
        return est, se
    warnings.warn(
        f"{func}(): the outcome takes one value in every unit, so there is no effect to "
        "estimate and no interval or p-value (NaN).",
        SmallSampleWarning,
        stacklevel=3,
    )
    notes.append("no interval or p-value (NaN): the outcome takes one value in every unit")
    return 0.0, math.nan


def _no_interval(func: str, smallest: int, t: np.ndarray, notes: list[str]) -> float:
    """Warn and note that a tiny arm leaves no interval; the NaN SE."""
    arm = "treated" if int(t.sum()) <= int((~t).sum()) else "control"
    message = (
        f"{func}(): the {arm} group has {smallest} unit(s), fewer than {MIN_ARM}; the sandwich "
        "SE has no information there, so no interval or p-value is reported (NaN). Compare "
        "the groups with an exact test (e.g. Fisher's) instead."
    )
    warnings.warn(message, SmallSampleWarning, stacklevel=4)
    notes.append(
        f"no interval or p-value (NaN): the {arm} group has {smallest} unit(s), "
        f"fewer than the {MIN_ARM} the sandwich SE needs"
    )
    return math.nan


def _effect(est: float, se: float, conf: float, **fields: Any) -> EffectResult:
    """The Wald result; a NaN SE set on purpose above (already warned about with a
    SmallSampleWarning and noted) does not warn a second time as an UndefinedValueWarning."""
    explained = any(str(n).startswith("no interval or p-value (NaN)") for n in fields["notes"])
    with warnings.catch_warnings():
        if math.isnan(se) and explained:
            warnings.simplefilter("ignore", UndefinedValueWarning)
        return effect_from_normal(est, se, conf, **fields)


def _kish(w: np.ndarray) -> float:
    return float(w.sum() ** 2 / (w**2).sum()) if w.size else math.nan


def _fit_ps(
    data: pd.DataFrame,
    treatment: Hashable,
    covs: list[Hashable],
    model: Any,
    treated_value: Any,
    func: str,
) -> tuple[PropensityScore, np.ndarray | None]:
    try:
        ps = propensity_score(data, treatment, covs, model=model, treated_value=treated_value)
    except EffektError as exc:
        # name the function the caller used, keeping the error class (ColumnError, ...)
        text = str(exc).replace("propensity_score()", f"{func}() (in its propensity model)")
        raise type(exc)(text) from exc
    if ps.coef is None or ps._X is None:
        return ps, None
    return ps, np.column_stack([np.ones(len(ps._X)), ps._X])


def _ipw_sandwich_se(
    X: np.ndarray,
    y: np.ndarray,
    tf: np.ndarray,
    e: np.ndarray,
    e_raw: np.ndarray,
    free: np.ndarray,
    a: np.ndarray,
    b: np.ndarray,
    mu1: float,
    mu0: float,
    estimand: str,
) -> float:
    """M-estimation sandwich SE of ``mu1 - mu0``, stacked with the logit score equations."""
    # stacked (beta, mu1, mu0); rows of the Jacobian are derivatives of the equations
    k = X.shape[1]
    psi = np.column_stack([X * (tf - e_raw)[:, None], a * (y - mu1), b * (y - mu0)])
    A = np.zeros((k + 2, k + 2))
    A[:k, :k] = -(X * (e_raw * (1 - e_raw))[:, None]).T @ X
    freef = free.astype(float)
    if estimand == "ATE":
        A[k, :k] = -(tf * (1 - e) / e * (y - mu1) * freef) @ X
    A[k + 1, :k] = ((1 - tf) * e / (1 - e) * (y - mu0) * freef) @ X
    A[k, k] = -a.sum()
    A[k + 1, k + 1] = -b.sum()
    Ainv = np.linalg.inv(A)
    V = Ainv @ (psi.T @ psi) @ Ainv.T
    c = np.zeros(k + 2)
    c[k], c[k + 1] = 1.0, -1.0
    return float(math.sqrt(max(c @ V @ c, 0.0)))


def ipw(
    data: pd.DataFrame,
    outcome: Hashable,
    treatment: Hashable,
    covariates: Sequence[Hashable] | Hashable,
    *,
    outcome_value: Any = None,
    estimand: str = "ATT",
    stabilize: bool = True,
    trim: float | None = None,
    model: Any = "logit",
    treated_value: Any = None,
    conf_level: float = 0.95,
    missing: str = "raise",
) -> EffectResult:
    """Inverse-probability-weighted effect (normalised, Hájek), with an M-estimation standard error.

    Parameters
    ----------
    data : DataFrame (pandas, Polars, PyArrow), DuckDB relation or PySpark DataFrame
        One row per person; not modified.
        Only the columns named in the other arguments are read (see Notes).
    outcome : column name
        0/1 outcome (effect in percentage points) or numeric outcome.
    outcome_value : optional
        The value of ``outcome`` that means the outcome happened ("Ja" in a column of
        "Ja"/"Nej"); needed when the outcome is not coded 0/1 or True/False.
    treatment : column name
        Two-valued treatment column.
    covariates : list of column names
        Covariates of the propensity model (categoricals one-hot encoded).
    estimand : {"ATT", "ATE"}
        ``"ATT"``: treated weight 1, control weight ``e/(1-e)``; ``"ATE"``: ``1/e`` and
        ``1/(1-e)``.
    stabilize : bool, default True
        Multiply the weights by the marginal treatment shares (``P(T)``, ``1 - P(T)``) so they
        average about one. The normalised estimator is invariant to this, so only the
        reported weight diagnostics (``extra["max_weight"]``) change.
    trim : float, optional
        E.g. ``0.01``: propensities outside ``[0.01, 0.99]`` are **clipped** to those bounds
        (truncation; no unit is dropped, so the estimand is unchanged but slightly biased
        in exchange for variance). The counts clipped at each end are in ``extra`` and
        ``notes``. To drop units instead (changing the estimand, Crump et al. 2009),
        filter ``data`` on the propensity first.
    model : "logit" or scikit-learn classifier
        Propensity model, as in :func:`propensity_score`.
    treated_value : optional
        Value of ``treatment`` marking the treated.
    conf_level : float, default 0.95
    missing : {"raise", "drop"}
        Missing values in the outcome, treatment or covariates raise, or drop the rows
        with a warning; the count is recorded in the result's ``notes``.

    Returns
    -------
    EffectResult
        ``estimate`` = weighted mean (treated) - weighted mean (control); ``extra`` holds
        the Kish effective sample sizes ``ess_treated``/``ess_control``, ``max_weight``
        and ``n_clipped_low``/``n_clipped_high``.

    Warns
    -----
    OverlapWarning
        Without ``trim``, when units that receive large weights have propensities beyond
        ``[0.01, 0.99]`` (controls with ``e > 0.99``; for the ATE also treated with ``e < 0.01``).

    Notes
    -----
    Minimum-information rule: with fewer than 5 units in either arm the sandwich SE carries
    no information (one treated unit gave p < 0.001 where Fisher's exact p = 0.39), so the
    estimate is reported with a NaN interval and p-value, a
    :class:`~effekt.errors.SmallSampleWarning` and a note in ``summary()``.

    With propensities ``e_i``, the estimator solves the stacked estimating equations

    * ``sum_i x_i (T_i - e_i(beta)) = 0`` (logit score),
    * ``sum_i a_i (Y_i - mu1) = 0`` and ``sum_i b_i (Y_i - mu0) = 0``,

    with ``a = T/e, b = (1-T)/(1-e)`` (ATE) or ``a = T, b = (1-T) e/(1-e)`` (ATT), and
    ``estimate = mu1 - mu0``. Its variance is the M-estimation sandwich
    ``A^-1 B A^-T`` (``A`` the Jacobian, ``B`` the sum of outer products of the
    estimating functions), which accounts for the estimation of the propensity score
    (Lunceford & Davidian 2004; usually smaller than treating the weights as known for
    the ATE). Clipped propensities do not depend on ``beta``. Intervals and p-values use
    the normal distribution. With a scikit-learn model there is no score equation, so
    the sandwich treats the propensities as known (stated in ``notes``).

    Any dataframe in: a Polars, PyArrow, DuckDB or PySpark ``data`` is checked against its
    schema and only the outcome, treatment and covariate columns are collected into pandas;
    memory ~ rows × those columns. The estimator is unit-level (it needs every row); a pandas
    DataFrame is used as it is.

    References
    ----------
    Lunceford, J. K. & Davidian, M. (2004). Stratification and weighting via the propensity
    score in estimation of causal treatment effects: a comparative study. *Statistics in
    Medicine* 23, 2937-2960.
    Crump, R. K., Hotz, V. J., Imbens, G. W. & Mitnik, O. A. (2009). Dealing with limited
    overlap in estimation of average treatment effects. *Biometrika* 96, 187-199.

    Examples
    --------
    >>> from effekt.synthetic import observational
    >>> from effekt.matching import ipw
    >>> df = observational(4000, 0.05, seed=2)
    >>> covs = ["age", "months_on_benefit", "prior_employment", "gender", "benefit_group", "education"]
    >>> r = ipw(df, "job", "treated", covs, estimand="ATT")
    >>> print(r.summary().splitlines()[0])
    Effect (ATT): +4.8 pp (95% CI +0.7 to +9.0 pp), p = 0.022
    """
    func = "ipw"
    data = check_frame(data, func, outcome=outcome, treatment=treatment, covariates=covariates)
    df, covs, trim, conf = _prepare(
        func,
        data,
        outcome,
        treatment,
        covariates,
        [],
        estimand,
        ("ATT", "ATE"),
        trim,
        conf_level,
        missing,
    )
    if not isinstance(stabilize, (bool, np.bool_)):
        raise argument_error(func, "stabilize", "True or False", stabilize)
    y, scale = _outcome_values(df[outcome], outcome, func, outcome_value)
    ps, X = _fit_ps(df, treatment, covs, model, treated_value, func)
    t = ps.treated
    tf = t.astype(float)
    e_raw = ps.scores.to_numpy()
    _overlap_warning(func, e_raw, t, estimand, trim)
    e, free, n_low, n_high = _clip(e_raw, trim)

    if estimand == "ATE":
        a, b = tf / e, (1 - tf) / (1 - e)
    else:
        a, b = tf, (1 - tf) * e / (1 - e)
    mu1 = float(a @ y / a.sum())
    mu0 = float(b @ y / b.sum())
    est = mu1 - mu0

    r1, r0 = a * (y - mu1), b * (y - mu0)
    if X is not None:
        se = _ipw_sandwich_se(X, y, tf, e, e_raw, free, a, b, mu1, mu0, estimand)
        se_note = "SE: M-estimation sandwich accounting for the estimated logit propensity score"
    else:
        se = float(math.sqrt((r1**2).sum() / a.sum() ** 2 + (r0**2).sum() / b.sum() ** 2))
        se_note = f"SE: sandwich treating the {ps.model} propensities as known"

    p_t = float(tf.mean())
    wt = a * (p_t if (stabilize and estimand == "ATE") else 1.0)
    wc = b * ((1 - p_t) if (stabilize and estimand == "ATE") else 1.0)
    if stabilize and estimand == "ATT":
        wc = wc * (t.sum() / wc.sum())  # control weights sum to the number of treated
    notes = _dropped_note(data, df) + _trim_note(trim, n_low, n_high)
    se = _small_arm(func, t, se, notes)
    est, se = _constant_outcome(func, y, est, se, notes)
    if X is None:
        notes.append("the propensity model is not a logit, so the SE ignores its estimation")
    return _effect(
        est,
        se,
        conf,
        method=f"IPW (Hájek, {estimand} weights, {ps.model} propensity); {se_note}",
        n_treated=int(t.sum()),
        n_control=int((~t).sum()),
        scale=scale,
        mean_treated=mu1,
        mean_control=mu0,
        estimand=estimand,
        outcome=str(outcome),
        extra={
            "ess_treated": _kish(a[t]),
            "ess_control": _kish(b[~t]),
            "max_weight": float(max(wt[t].max(), wc[~t].max())),
            "n_clipped_low": n_low,
            "n_clipped_high": n_high,
        },
        notes=tuple(notes),
    )


def _fit_outcome(
    Z: np.ndarray, y: np.ndarray, rows: np.ndarray, kind: str, func: str, arm: str
) -> np.ndarray:
    """Predictions for every row from a regression fitted on ``rows``."""
    Zr, yr = Z[rows], y[rows]
    if Zr.shape[0] <= Zr.shape[1]:
        raise EffektError(
            f"{func}(): the {arm} group has {Zr.shape[0]} units for an outcome model with {Zr.shape[1]} "
            "parameters; use fewer outcome covariates."
        )
    const = np.flatnonzero(Zr[:, 1:].std(axis=0) == 0)
    if const.size:
        raise EffektError(
            f"{func}(): outcome covariate column {const[0] + 1} of the design is constant within the {arm} "
            "group, so the outcome model there is singular; remove that covariate from outcome_covariates."
        )
    if kind == "linear":
        coef, _, rank, _ = np.linalg.lstsq(Zr, yr, rcond=None)
        if rank < Zr.shape[1]:
            raise EffektError(
                f"{func}(): the outcome model in the {arm} group is singular (a covariate is constant or "
                "collinear within the group); remove it from the outcome covariates."
            )
        return Z @ coef
    beta, _, converged, _ = _irls_logit(Zr[:, 1:], yr)
    if not converged:
        warnings.warn(
            f"{func}(): the logistic outcome model in the {arm} group did not converge; predictions may be "
            "inaccurate (rare outcome or separation). Try outcome_model='linear'.",
            ConvergenceWarning,
            stacklevel=3,
        )
    return expit(np.clip(Z @ beta, -30, 30))


def _outcome_covariates(outcome_covariates: Any, func: str) -> list[Hashable]:
    out_covs = as_column_list(outcome_covariates)
    if outcome_covariates is not None and not out_covs:
        raise argument_error(
            func,
            "outcome_covariates",
            "a non-empty list of column names or None",
            outcome_covariates,
        )
    return out_covs


def aipw(
    data: pd.DataFrame,
    outcome: Hashable,
    treatment: Hashable,
    covariates: Sequence[Hashable] | Hashable,
    *,
    outcome_value: Any = None,
    estimand: str = "ATE",
    outcome_model: str = "linear",
    outcome_covariates: Sequence[Hashable] | Hashable | None = None,
    trim: float | None = None,
    model: Any = "logit",
    treated_value: Any = None,
    conf_level: float = 0.95,
    missing: str = "raise",
) -> EffectResult:
    """Doubly robust (augmented IPW) effect with an influence-function standard error.

    Parameters
    ----------
    data : DataFrame (pandas, Polars, PyArrow), DuckDB relation or PySpark DataFrame
        One row per person; not modified.
        Only the columns named in the other arguments are read (see Notes).
    outcome, treatment : column names
    outcome_value : optional
        The value of ``outcome`` that means the outcome happened ("Ja" in a column of
        "Ja"/"Nej"); needed when the outcome is not coded 0/1 or True/False.
    covariates : list of column names
        Covariates of the propensity model.
    estimand : {"ATE", "ATT"}
    outcome_model : {"linear", "logit"}
        Regression of the outcome on ``outcome_covariates``, fitted separately in each
        group (for the ATT only among controls). ``"logit"`` needs a 0/1 outcome.
    outcome_covariates : list of column names, optional
        Covariates of the outcome model (default: ``covariates``); may contain
        transformations (e.g. a squared age column) the propensity model lacks.
    trim : float, optional
        Clip propensities to ``[trim, 1 - trim]`` (counts reported, nothing dropped).
    model : "logit" or scikit-learn classifier
        Propensity model, as in :func:`propensity_score`.
    treated_value : optional
    conf_level : float, default 0.95
    missing : {"raise", "drop"}
        As in :func:`ipw` (dropped rows are counted in ``notes``).

    Returns
    -------
    EffectResult

    Notes
    -----
    Minimum-information rule: with fewer than 5 units in either arm the sandwich SE carries
    no information (one treated unit gave p < 0.001 where Fisher's exact p = 0.39), so the
    estimate is reported with a NaN interval and p-value, a
    :class:`~effekt.errors.SmallSampleWarning` and a note in ``summary()``.

    With propensities ``e`` and outcome predictions ``m1(x)``, ``m0(x)``:

    * ATE: ``tau = mean[m1 - m0 + T (Y - m1)/e - (1 - T)(Y - m0)/(1 - e)]``;
    * ATT: ``tau = sum[T (Y - m0) - (1 - T) e/(1 - e) (Y - m0)] / sum T``.

    The estimate is consistent if either the propensity model or the outcome model is
    correctly specified (double robustness). The standard error is ``sqrt(sum phi_i^2)/n``
    with the estimated influence function ``phi_i`` (for the ATE the summand minus
    ``tau``; for the ATT ``[T (Y - m0 - tau) - (1 - T) e/(1 - e)(Y - m0)] / mean(T)``),
    which ignores the estimation of the nuisance models; it is consistent when both
    models are right and typically close otherwise. Normal intervals.

    Any dataframe in: a Polars, PyArrow, DuckDB or PySpark ``data`` is checked against its
    schema and only the outcome, treatment and (outcome) covariate columns are collected into
    pandas; memory ~ rows × those columns. The estimator is unit-level (it needs every row); a
    pandas DataFrame is used as it is.

    References
    ----------
    Robins, J. M., Rotnitzky, A. & Zhao, L. P. (1994). Estimation of regression coefficients
    when some regressors are not always observed. *JASA* 89, 846-866.
    Lunceford & Davidian (2004), *Statistics in Medicine* 23, 2937-2960.

    Examples
    --------
    >>> from effekt.synthetic import observational
    >>> from effekt.matching import aipw
    >>> df = observational(4000, 0.05, seed=2)
    >>> covs = ["age", "months_on_benefit", "prior_employment", "gender", "benefit_group", "education"]
    >>> r = aipw(df, "job", "treated", covs, estimand="ATT")
    >>> print(r.summary().splitlines()[0])
    Effect (ATT): +4.9 pp (95% CI +0.8 to +9.0 pp), p = 0.019
    """
    func = "aipw"
    check_choice(outcome_model, "outcome_model", func, ("linear", "logit"))
    out_covs = _outcome_covariates(outcome_covariates, func)
    data = check_frame(
        data,
        func,
        outcome=outcome,
        treatment=treatment,
        covariates=covariates,
        outcome_covariates=out_covs,
    )
    df, covs, trim, conf = _prepare(
        func,
        data,
        outcome,
        treatment,
        covariates,
        out_covs,
        estimand,
        ("ATE", "ATT"),
        trim,
        conf_level,
        missing,
    )
    out_covs = out_covs or covs
    y, scale = _outcome_values(df[outcome], outcome, func, outcome_value)
    if outcome_model == "logit" and scale != "proportion":
        raise EffektError(
            f"outcome_model='logit' of {func}() needs a 0/1 outcome, but {quote(outcome)} has other values; "
            "use outcome_model='linear'."
        )
    ps, _ = _fit_ps(df, treatment, covs, model, treated_value, func)
    t = ps.treated
    tf = t.astype(float)
    e_raw = ps.scores.to_numpy()
    _overlap_warning(func, e_raw, t, estimand, trim)
    e, _, n_low, n_high = _clip(e_raw, trim)
    Zx = np.asarray(encode_covariates(df, out_covs, func, argument="outcome covariate").X)
    Z = np.column_stack([np.ones(len(Zx)), Zx])
    n = len(y)
    m0 = _fit_outcome(Z, y, ~t, outcome_model, func, "control")
    if estimand == "ATE":
        m1 = _fit_outcome(Z, y, t, outcome_model, func, "treated")
        g1 = m1 + tf * (y - m1) / e
        g0 = m0 + (1 - tf) * (y - m0) / (1 - e)
        phi = g1 - g0
        est = float(phi.mean())
        se = float(math.sqrt(((phi - est) ** 2).sum()) / n)
        mean_t, mean_c = float(g1.mean()), float(g0.mean())
    else:
        w0 = (1 - tf) * e / (1 - e)
        n1 = tf.sum()
        est = float((tf * (y - m0) - w0 * (y - m0)).sum() / n1)
        phi = (tf * (y - m0 - est) - w0 * (y - m0)) / (n1 / n)
        se = float(math.sqrt((phi**2).sum()) / n)
        mean_t = float(y[t].mean())
        mean_c = mean_t - est
    notes = _dropped_note(data, df) + _trim_note(trim, n_low, n_high)
    se = _small_arm(func, t, se, notes)
    est, se = _constant_outcome(func, y, est, se, notes)
    return _effect(
        est,
        se,
        conf,
        method=(
            f"AIPW (doubly robust, {estimand}; {ps.model} propensity, {outcome_model} outcome model); "
            "SE from the influence function"
        ),
        n_treated=int(t.sum()),
        n_control=int((~t).sum()),
        scale=scale,
        mean_treated=mean_t,
        mean_control=mean_c,
        estimand=estimand,
        outcome=str(outcome),
        extra={"n_clipped_low": n_low, "n_clipped_high": n_high},
        notes=tuple(notes),
    )
