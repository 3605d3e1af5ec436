"""Entropy balancing, coarsened exact matching and effects on a weighted sample.

* :func:`entropy_weights` — WeightIt's ``method = "ebal"`` (Hainmueller 2012): control (and,
  for the ATE, treated) weights of minimum entropy whose weighted covariate means (and, with
  ``moments=2``, second moments) equal the target's exactly. The convex dual is solved with
  :func:`scipy.optimize.minimize` (trust-region Newton) to machine precision.
* :func:`cem` — MatchIt's ``method = "cem"``: coarsen each covariate (Sturges bins by
  default, an integer number of equal-width bins, ``"qK"`` quantile bins or given cut points),
  match exactly on the cells, weight as MatchIt does.
* :func:`weighted_effect` — the effect on a matched or weighted sample (weighted least squares
  of the outcome on the treatment, optionally with covariates for regression adjustment), with
  standard errors clustered by matched set as MatchIt's guidance recommends.
"""

from __future__ import annotations

import math
import re
from collections.abc import Hashable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy import optimize

from .._design import check_covariate, encode_covariates
from .._validate import (
    argument_error,
    as_column_list,
    check_choice,
    check_conf_level,
    check_frame,
    handle_missing,
    numeric_column,
    quote,
    require_columns,
    two_valued,
    weight_column,
)
from ..errors import EffektError
from ..results import EffectResult, effect_from_normal
from .propensity import propensity_score

__all__ = ["cem", "entropy_weights", "overlap_weights", "weighted_effect"]

ESTIMANDS = ("ATT", "ATC", "ATE")


def _treated(data: pd.DataFrame, treatment: Hashable, treated_value: Any, func: str) -> np.ndarray:
    return np.asarray(two_valued(data[treatment], treatment, "treatment", func, treated_value))


def _prepare(
    func: str,
    data: Any,
    treatment: Hashable,
    covariates: Any,
    estimand: str,
    missing: str,
) -> tuple[pd.DataFrame, list[Hashable]]:
    data = check_frame(data, func)
    check_choice(estimand, "estimand", func, ESTIMANDS)
    covs = as_column_list(covariates)
    if not covs:
        raise argument_error(func, "covariates", "a non-empty list of column names", covariates)
    require_columns(data, func, treatment=treatment, covariates=covs)
    if treatment in covs:
        raise EffektError(
            f"The treatment column {quote(treatment)} is also listed as a covariate of {func}(); "
            "remove it."
        )
    return handle_missing(data, [treatment, *covs], missing, func), covs


# --------------------------------------------------------------------------- entropy balancing


def _balance_columns(X: np.ndarray, binary: np.ndarray, moments: int) -> np.ndarray:
    if moments == 1:
        return X
    squares = X[:, ~binary] ** 2  # a 0/1 column's square is itself
    return np.column_stack([X, squares])


def _reduced(C: np.ndarray) -> np.ndarray:
    """``C`` standardised and reduced to full column rank (same span, so the same weights)."""
    scale = C.std(axis=0)
    keep = scale > 1e-12 * (1.0 + np.abs(C).max(axis=0))
    Z = C[:, keep] / scale[keep]
    _, s, vt = np.linalg.svd(Z, full_matrices=False)
    rank = int((s > s[0] * 1e-10).sum()) if s.size else 0
    return np.asarray(Z @ vt[:rank].T)


def _ebal_dual(C: np.ndarray, target: np.ndarray, group: str, func: str) -> np.ndarray:
    """Weights ``exp(Z lam)`` normalised to mean 1, with ``sum w (C - target) = 0``."""
    Z = _reduced(C - target)
    if Z.shape[1] == 0:
        return np.ones(len(C))

    def parts(lam: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
        eta = Z @ lam
        top = eta.max()
        e = np.exp(eta - top)
        s = e.sum()
        p = e / s
        g = Z.T @ p
        h = (Z * p[:, None]).T @ Z - np.outer(g, g)
        return float(math.log(s) + top), g, h

    res = optimize.minimize(
        lambda lam: parts(lam)[0],
        np.zeros(Z.shape[1]),
        jac=lambda lam: parts(lam)[1],
        hess=lambda lam: parts(lam)[2],
        method="trust-exact",
        options={"gtol": 1e-13, "maxiter": 500},
    )
    lam = res.x
    for _ in range(3):  # Newton polish: the trust region stops a little short of machine precision
        _, g, h = parts(lam)
        lam = lam - np.linalg.lstsq(h, g, rcond=None)[0]
    w = np.exp(Z @ lam - (Z @ lam).max())
    w = w / w.mean()
    gap = np.abs((C - target).T @ w / len(w)) / (1.0 + np.abs(C).std(axis=0))
    if not np.all(gap < 1e-8):
        raise EffektError(
            f"{func}(): no weights of the {group} balance the covariates exactly (largest "
            f"standardised gap {gap.max():.2g}): the target means lie outside or on the edge of "
            "what that group can reach. Drop or coarsen a covariate, or use moments=1."
        )
    return w


def entropy_weights(
    data: pd.DataFrame,
    treatment: Hashable,
    covariates: Sequence[Hashable] | Hashable,
    *,
    estimand: str = "ATT",
    moments: int = 1,
    treated_value: Any = None,
    missing: str = "raise",
) -> pd.Series:
    """Entropy-balancing weights (Hainmueller 2012; WeightIt ``method = "ebal"``).

    Parameters
    ----------
    data : DataFrame (pandas, Polars, PyArrow), DuckDB relation or PySpark DataFrame
        One row per person; not modified.
        Only the columns named in the other arguments are read (see Notes).
    treatment : column name
        Two-valued treatment column.
    covariates : list of column names
        Covariates to balance (categoricals as one indicator per level).
    estimand : {"ATT", "ATC", "ATE"}
        ``"ATT"``: controls reweighted to the treated's moments (treated weight 1);
        ``"ATC"``: the reverse; ``"ATE"``: both groups reweighted to the full sample's.
    moments : {1, 2}
        Balance means (1) or means and second moments, hence variances (2).
    treated_value : optional
        Value of ``treatment`` marking the treated.
    missing : {"raise", "drop"}
        Missing values raise, or drop the rows with a warning (their weight is NaN).

    Returns
    -------
    Series
        One weight per row of ``data`` (same index); each reweighted group's weights sum to
        its size, as WeightIt's do.

    Raises
    ------
    EffektError
        When the target moments cannot be reached by any positive weights.

    Notes
    -----
    The weights minimise ``sum w log w`` subject to the balance constraints; their dual,
    ``min_lam log sum exp(C lam)`` with ``C`` the covariates minus the target, is smooth
    and convex and solved by a trust-region Newton method. The solution is unique, so the
    weights agree with WeightIt's to its optimiser's tolerance (WeightIt stops at about
    1e-5 relative balance; these balance to 1e-8 or an error is raised).

    Any dataframe in: a Polars, PyArrow, DuckDB or PySpark ``data`` is checked against its
    schema and only the treatment and covariate columns are collected into pandas; memory ~ rows
    × those columns. The estimator is unit-level (it needs every row); a pandas DataFrame is
    used as it is. The result is indexed like ``data``; for a non-pandas frame that is 0..n-1 in
    the order the engine returned the rows.

    References
    ----------
    Hainmueller, J. (2012). Entropy balancing for causal effects. *Political Analysis* 20, 25-46.

    Examples
    --------
    >>> from effekt.synthetic import observational
    >>> from effekt.matching import entropy_weights
    >>> df = observational(2000, 0.05, seed=1)
    >>> w = entropy_weights(df, "treated", ["age", "months_on_benefit"])
    >>> t = df["treated"] == 1
    >>> gap = (df.loc[t, "age"].mean() - (w[~t] * df.loc[~t, "age"]).sum() / w[~t].sum())
    >>> bool(abs(gap) < 1e-8)
    True
    """
    func = "entropy_weights"
    if moments not in (1, 2) or isinstance(moments, bool):
        raise argument_error(func, "moments", "1 or 2", moments)
    data = check_frame(data, func, treatment=treatment, covariates=covariates)
    df, covs = _prepare(func, data, treatment, covariates, estimand, missing)
    t = _treated(df, treatment, treated_value, func)
    design = encode_covariates(df, covs, func, drop_first=False)
    C = _balance_columns(np.asarray(design.X, dtype=float), design.binary, moments)
    w = np.ones(len(df))
    target = {"ATT": C[t], "ATC": C[~t], "ATE": C}[estimand].mean(axis=0)
    for mask, group, focal in ((~t, "controls", "ATT"), (t, "treated", "ATC")):
        if estimand in (focal, "ATE"):
            w[mask] = _ebal_dual(C[mask], target, group, func)
    return pd.Series(w, index=df.index, name="weights").reindex(data.index)


def overlap_weights(
    data: pd.DataFrame,
    treatment: Hashable,
    covariates: Sequence[Hashable] | Hashable,
    *,
    treated_value: Any = None,
    missing: str = "raise",
) -> pd.Series:
    """Overlap weights (Li, Morgan & Zaslavsky 2018; WeightIt ``method = "glm", estimand = "ATO"``).

    Parameters
    ----------
    data : DataFrame (pandas, Polars, PyArrow), DuckDB relation or PySpark DataFrame
        One row per person; not modified.
        Only the columns named in the other arguments are read (see Notes).
    treatment : column name
        Two-valued treatment column.
    covariates : list of column names
        Covariates of the logistic propensity model (as :func:`propensity_score`).
    treated_value : optional
        Value of ``treatment`` marking the treated.
    missing : {"raise", "drop"}
        Missing values raise, or drop the rows with a warning (their weight is NaN).

    Returns
    -------
    Series
        ``1 - e`` for treated and ``e`` for controls (``e`` the propensity score), indexed
        like ``data``. They target the average effect in the overlap population (units that
        could have been in either group), never explode, and with a logistic score balance
        the covariate means exactly.

    Notes
    -----
    Any dataframe in: a Polars, PyArrow, DuckDB or PySpark ``data`` is checked against its
    schema and only the treatment and covariate columns are collected into pandas; memory ~ rows
    × those columns. The estimator is unit-level (it needs every row); a pandas DataFrame is
    used as it is. The result is indexed like ``data``; for a non-pandas frame that is 0..n-1 in
    the order the engine returned the rows.

    References
    ----------
    Li, F., Morgan, K. L. & Zaslavsky, A. M. (2018). Balancing covariates via propensity score
    weighting. *JASA* 113, 390-400.

    Examples
    --------
    >>> from effekt.synthetic import observational
    >>> from effekt.matching import overlap_weights
    >>> df = observational(2000, 0.05, seed=1)
    >>> w = overlap_weights(df, "treated", ["age", "months_on_benefit"])
    >>> t = df["treated"] == 1
    >>> gap = (w[t] * df.loc[t, "age"]).sum() / w[t].sum() - (w[~t] * df.loc[~t, "age"]).sum() / w[~t].sum()
    >>> bool(abs(gap) < 1e-6)
    True
    """
    func = "overlap_weights"
    data = check_frame(data, func, treatment=treatment, covariates=covariates)
    df, covs = _prepare(func, data, treatment, covariates, "ATT", missing)
    ps = propensity_score(df, treatment, covs, treated_value=treated_value)
    e = ps.scores.to_numpy()
    w = np.where(np.asarray(ps.treated), 1 - e, e)
    return pd.Series(w, index=df.index, name="weights").reindex(data.index)


# --------------------------------------------------------------------------- CEM


def _cuts(x: np.ndarray, spec: Any, column: Hashable, func: str) -> np.ndarray:
    """Inner cut points of one numeric covariate (MatchIt's conventions)."""
    if spec is None or spec == "sturges":
        spec = math.ceil(math.log2(len(x)) + 1)
    if isinstance(spec, str):
        m = re.fullmatch(r"q(\d+)", spec)
        if not m or int(m.group(1)) < 2:
            raise argument_error(
                func,
                "cutpoints",
                f"'sturges', an integer, 'qK' or cut points for {quote(column)}",
                spec,
            )
        k = int(m.group(1))
        return np.unique(np.quantile(x, np.arange(1, k) / k))
    if isinstance(spec, (int, np.integer)) and not isinstance(spec, bool):
        if spec < 1:
            raise argument_error(
                func, "cutpoints", f"a positive number of bins for {quote(column)}", spec
            )
        return np.linspace(x.min(), x.max(), int(spec) + 1)[1:-1]
    cuts = np.sort(np.asarray(spec, dtype=float))
    if cuts.ndim != 1 or not np.all(np.isfinite(cuts)):
        raise argument_error(func, "cutpoints", f"finite cut points for {quote(column)}", spec)
    return cuts


def _cells(
    df: pd.DataFrame, covs: list[Hashable], cutpoints: Mapping[Hashable, Any], func: str
) -> np.ndarray:
    codes = []
    for col in covs:
        values = df[col]
        check_covariate(values, col, func, "covariate")
        if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
            x = numeric_column(values, col, func, "covariate")
            # findInterval(x, c(-Inf, cuts, Inf)): a value on a cut point goes to the upper bin
            codes.append(np.searchsorted(_cuts(x, cutpoints.get(col), col, func), x, side="right"))
        else:
            codes.append(pd.factorize(values, sort=True)[0])
    key = np.zeros(len(df), dtype=np.int64)
    for code in codes:
        # mixed-radix cell key, re-factorised after each column so it never overflows
        key = pd.factorize(key * (int(code.max()) + 1) + code)[0].astype(np.int64)
    return key


def stratum_weights(subclass: np.ndarray, treated: np.ndarray, estimand: str) -> np.ndarray:
    """MatchIt's stratum weights (0 outside a subclass), normalised within each group."""
    w = np.zeros(len(subclass))
    used = subclass >= 0
    n_t = np.bincount(subclass[used], weights=treated[used].astype(float))
    n_c = np.bincount(subclass[used], weights=(~treated[used]).astype(float))
    s = subclass[used]
    tt = treated[used]
    if estimand == "ATT":
        w[used] = np.where(tt, 1.0, n_t[s] / n_c[s])
    elif estimand == "ATC":
        w[used] = np.where(tt, n_c[s] / n_t[s], 1.0)
    else:
        w[used] = np.where(tt, (n_t[s] + n_c[s]) / n_t[s], (n_t[s] + n_c[s]) / n_c[s])
    for g in (treated, ~treated):
        on = g & used
        if on.any():
            w[on] /= w[on].mean()
    return w


def cem(
    data: pd.DataFrame,
    treatment: Hashable,
    covariates: Sequence[Hashable] | Hashable,
    *,
    cutpoints: Mapping[Hashable, Any] | None = None,
    estimand: str = "ATT",
    k2k: bool = False,
    treated_value: Any = None,
    missing: str = "raise",
) -> pd.DataFrame:
    """Coarsened exact matching as MatchIt's ``method = "cem"`` does it.

    Parameters
    ----------
    data : DataFrame (pandas, Polars, PyArrow), DuckDB relation or PySpark DataFrame
        One row per person; not modified.
        Only the columns named in the other arguments are read (see Notes).
    treatment : column name
        Two-valued treatment column.
    covariates : list of column names
        Numeric covariates are coarsened; text or categorical ones are matched exactly.
    cutpoints : dict, optional
        Per numeric covariate: ``"sturges"`` (default: ``ceil(log2(n) + 1)`` equal-width
        bins), an integer number of equal-width bins, ``"qK"`` (cuts at the K-quantiles,
        duplicates dropped) or a list of cut points. A value on a cut point belongs to the
        upper bin, as in R's ``findInterval``.
    estimand : {"ATT", "ATC", "ATE"}
        Sets the weights inside each cell (see Notes).
    k2k : bool, default False
        One-to-one within cells (MatchIt's ``k2k = TRUE``): each treated unit, in data
        order, takes the nearest unused control of its cell on the Mahalanobis distance of
        the covariates (pooled within-group covariance of the standardised covariates,
        generalised inverse); every matched pair is a subclass with weights 1. Among controls
        at the same distance (identical covariates) the first in data order is taken;
        MatchIt's choice among such ties can differ, which changes the pairs (not the
        matched sample or the estimate) and so the cluster SE slightly.
    treated_value : optional
        Value of ``treatment`` marking the treated.
    missing : {"raise", "drop"}
        Missing values raise, or drop the rows with a warning (their weight is 0).

    Returns
    -------
    DataFrame
        Indexed like ``data``: ``subclass`` (cell number 1, 2, ... in order of first
        appearance; missing for unmatched rows) and ``weights`` (0 for unmatched rows).

    Notes
    -----
    Cells without both treated and controls are dropped. With ``n_t``, ``n_c`` the cell's
    counts the weights are, for the ATT, treated 1 and controls ``n_t / n_c``; for the ATC
    ``n_c / n_t`` and 1; for the ATE ``(n_t + n_c) / n_t`` and ``(n_t + n_c) / n_c``; each
    group's non-zero weights are then divided by their mean (MatchIt 4.7's conventions).
    Pass the result to :func:`weighted_effect` with ``subclass="subclass"``.

    Any dataframe in: a Polars, PyArrow, DuckDB or PySpark ``data`` is checked against its
    schema and only the treatment and covariate columns are collected into pandas; memory ~ rows
    × those columns. The estimator is unit-level (it needs every row); a pandas DataFrame is
    used as it is. The result is indexed like ``data``; for a non-pandas frame that is 0..n-1 in
    the order the engine returned the rows.

    Examples
    --------
    >>> import pandas as pd
    >>> from effekt.matching import cem
    >>> df = pd.DataFrame({"t": [1, 0, 0, 1, 0, 0], "age": [20, 21, 22, 60, 30, 70]})
    >>> m = cem(df, "t", ["age"], cutpoints={"age": [25, 65]})
    >>> m["subclass"].tolist()
    [1, 1, 1, 2, 2, <NA>]
    >>> m["weights"].tolist()
    [1.0, 0.75, 0.75, 1.0, 1.5, 0.0]
    """
    func = "cem"
    data = check_frame(data, func, treatment=treatment, covariates=covariates)
    df, covs = _prepare(func, data, treatment, covariates, estimand, missing)
    cutpoints = dict(cutpoints or {})
    unknown = [c for c in cutpoints if c not in covs]
    if unknown:
        raise argument_error(func, "cutpoints", "keys among the covariates", unknown)
    t = _treated(df, treatment, treated_value, func)
    cell = _cells(df, covs, cutpoints, func)
    has_t = np.bincount(cell, weights=t.astype(float)) > 0
    has_c = np.bincount(cell, weights=(~t).astype(float)) > 0
    keep = (has_t & has_c)[cell]
    if k2k:
        if not isinstance(k2k, (bool, np.bool_)):
            raise argument_error(func, "k2k", "True or False", k2k)
        cell, keep = _k2k(df, covs, t, np.where(keep, cell, -1), func)
    first = pd.unique(cell[keep])
    number = np.full(cell.max() + 1, -1)
    number[first] = np.arange(len(first))
    sub = np.where(keep, number[cell], -1)
    out = pd.DataFrame(
        {
            "subclass": pd.array(np.where(sub >= 0, sub + 1, 0), dtype="Int64"),
            "weights": stratum_weights(sub, t, estimand),
        },
        index=df.index,
    )
    out.loc[sub < 0, "subclass"] = pd.NA
    return out.reindex(data.index).fillna({"weights": 0.0})


def _k2k(
    df: pd.DataFrame, covs: list[Hashable], t: np.ndarray, cell: np.ndarray, func: str
) -> tuple[np.ndarray, np.ndarray]:
    """1:1 Mahalanobis nearest neighbour without replacement inside each cell (-1: none)."""
    X = np.asarray(encode_covariates(df, covs, func, drop_first=False).X, dtype=float)
    sd = X.std(axis=0, ddof=1)
    X = (X - X.mean(axis=0)) / np.where(sd > 0, sd, 1.0)
    pooled = sum((g.sum() - 1) * np.cov(X[g], rowvar=False) for g in (t, ~t)) / (len(t) - 2)
    inv = np.linalg.pinv(np.atleast_2d(pooled))
    pair = np.full(len(t), -1)
    members = pd.Series(np.arange(len(t))).groupby(cell).indices  # rows of each cell, data order
    pairs: list[tuple[int, int]] = []
    for c, rows in members.items():
        if c < 0:
            continue
        controls = list(rows[~t[rows]])
        for i in rows[t[rows]]:  # treated in data order
            if not controls:
                break
            d = X[controls] - X[i]
            k = int(np.argmin(np.einsum("ij,jk,ik->i", d, inv, d)))  # ties: first in data order
            pairs.append((int(i), controls.pop(k)))
    pairs.sort()  # number the pairs by the treated unit's row
    for n_pair, (i, j) in enumerate(pairs):
        pair[i] = pair[j] = n_pair
    return pair, pair >= 0


# --------------------------------------------------------------------------- effects


def _cluster_wls(
    X: np.ndarray, y: np.ndarray, w: np.ndarray, groups: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """WLS coefficients and sandwich::vcovCL's HC1 cluster covariance."""
    scale = np.abs(X).max(axis=0)
    scale[scale == 0] = 1.0
    Xs = X / scale
    sw = np.sqrt(w)
    q, r = np.linalg.qr(Xs * sw[:, None])
    d = np.abs(np.diag(r))
    if d.size == 0 or d.min() <= 1e-10 * d.max() or len(y) <= X.shape[1]:
        raise EffektError(
            "weighted_effect(): the weighted sample cannot identify the effect (both groups are "
            "needed, and with 'covariates' each must vary and not be collinear among the "
            "matched units); drop a covariate or check the weights."
        )
    beta_s = np.linalg.solve(r, q.T @ (y * sw))
    e = y - Xs @ beta_s
    r_inv = np.linalg.inv(r)
    bread = r_inv @ r_inv.T
    scores = Xs * (w * e)[:, None]
    _, g = np.unique(groups, return_inverse=True)
    n_g = int(g.max()) + 1
    if n_g < 2:
        raise EffektError(
            "weighted_effect(): a cluster-robust SE needs at least 2 matched sets in 'subclass'; "
            "the sample holds 1."
        )
    meat_rows = np.zeros((n_g, X.shape[1]))
    np.add.at(meat_rows, g.ravel(), scores)
    n, k = X.shape
    adj = n_g / (n_g - 1) * (n - 1) / (n - k)
    V = adj * bread @ (meat_rows.T @ meat_rows) @ bread
    return beta_s / scale, V / np.outer(scale, scale)


def weighted_effect(
    data: pd.DataFrame,
    outcome: Hashable,
    treatment: Hashable,
    weights: Hashable | Sequence[float] | pd.Series,
    *,
    subclass: Hashable | None = None,
    covariates: Sequence[Hashable] | Hashable | None = None,
    estimand: str = "ATT",
    treated_value: Any = None,
    conf_level: float = 0.95,
    missing: str = "raise",
) -> EffectResult:
    """Effect on a matched or weighted sample, with SEs clustered by matched set.

    Parameters
    ----------
    data : DataFrame (pandas, Polars, PyArrow), DuckDB relation or PySpark DataFrame
        One row per person; not modified.
        Only the columns named in the other arguments are read (see Notes).
    outcome : column name
        0/1 outcome (effect in percentage points) or numeric outcome.
    treatment : column name
        Two-valued treatment column.
    weights : column name or array
        Matching or balancing weights; rows with weight 0 are not part of the sample.
    subclass : column name, optional
        Matched set / stratum of each row (e.g. from :func:`cem`); the standard error is
        clustered on it. Without it, each row is its own cluster (HC1).
    covariates : list of column names, optional
        Regression adjustment (g-computation): the outcome is regressed on the treatment,
        the covariates centred at the ``estimand``'s target population and their
        interactions; the treatment coefficient is the adjusted effect.
    estimand : {"ATT", "ATC", "ATE"}
        Target population of the adjustment (the treated, the controls or everyone,
        weighted).
    treated_value : optional
        Value of ``treatment`` marking the treated.
    conf_level : float, default 0.95
    missing : {"raise", "drop"}
        Missing values raise, or drop the rows with a warning.

    Returns
    -------
    EffectResult

    Notes
    -----
    The variance is ``sandwich::vcovCL(fit, cluster = ~subclass)`` (HC1:
    ``G/(G-1) (N-1)/(N-K)``), MatchIt's recommendation after matching without replacement,
    CEM, subclassification and full matching; it equals statsmodels' WLS with
    ``cov_type="cluster"``. The target means are treated as fixed, as
    ``marginaleffects::avg_comparisons`` does in MatchIt's guidance.

    Any dataframe in: a Polars, PyArrow, DuckDB or PySpark ``data`` is checked against its
    schema and only the outcome, treatment, weights, subclass and covariate columns are
    collected into pandas; memory ~ rows × those columns. The estimator is unit-level (it needs
    every row); a pandas DataFrame is used as it is.

    Examples
    --------
    >>> import pandas as pd
    >>> from effekt.matching import weighted_effect
    >>> df = pd.DataFrame({"y": [5.0, 3, 4, 2, 6, 3], "t": [1, 0, 1, 0, 1, 0],
    ...                    "w": [1.0, 1, 1, 1, 1, 1], "s": [1, 1, 2, 2, 3, 3]})
    >>> round(weighted_effect(df, "y", "t", "w", subclass="s").estimate, 6)
    2.333333
    """
    func = "weighted_effect"
    data = check_frame(
        data,
        func,
        outcome=outcome,
        treatment=treatment,
        weights=weight_column(weights),
        subclass=subclass,
        covariates=covariates,
    )
    check_choice(estimand, "estimand", func, ESTIMANDS)
    conf = check_conf_level(conf_level, func)
    covs = as_column_list(covariates)
    w_given = isinstance(weights, str) or (
        isinstance(weights, Hashable) and weights in data.columns
    )
    extra = [weights] if w_given else []
    extra += [subclass] if subclass is not None else []
    require_columns(data, func, outcome=outcome, treatment=treatment, covariates=covs)
    if w_given:
        require_columns(data, func, weights=weights)
        w_all = data[weights]
    else:
        w_all = pd.Series(np.ravel(np.asarray(weights, dtype=float)))
        if len(w_all) != len(data):
            raise argument_error(func, "weights", f"a column name or {len(data)} weights", weights)
        w_all.index = data.index
    if subclass is not None:
        require_columns(data, func, subclass=subclass)
    w_all = w_all.astype(float)
    if not np.all(np.isfinite(w_all.fillna(0.0))) or (w_all < 0).any():
        raise EffektError(
            f"{func}(): 'weights' must be finite and non-negative; "
            "fix or drop the rows with negative or infinite weights."
        )
    # rows of weight 0 (unmatched) are outside the sample, whatever else they hold
    sample = data[(w_all != 0).to_numpy()]
    df = handle_missing(sample, [outcome, treatment, *covs, *extra], missing, func)
    w = w_all.loc[df.index].to_numpy(dtype=float)
    y = numeric_column(df[outcome], outcome, func, "outcome")
    t = _treated(df, treatment, treated_value, func)
    X = _adjusted_design(df, covs, t, w, estimand, func)
    groups = df[subclass].to_numpy() if subclass is not None else np.arange(len(df))
    beta, V = _cluster_wls(X, y, w, groups)
    scale = "proportion" if np.isin(y, (0.0, 1.0)).all() else "mean"
    return effect_from_normal(
        float(beta[1]),
        float(math.sqrt(max(V[1, 1], 0.0))),
        conf,
        method=(
            "weighted least squares"
            + (" with regression adjustment (g-computation)" if covs else "")
            + ("; SE clustered by " + quote(subclass) if subclass is not None else "; SE HC1")
        ),
        n_treated=int(t.sum()),
        n_control=int((~t).sum()),
        scale=scale,
        estimand=estimand,
        outcome=str(outcome),
    )


def _adjusted_design(
    df: pd.DataFrame, covs: list[Hashable], t: np.ndarray, w: np.ndarray, estimand: str, func: str
) -> np.ndarray:
    tf = t.astype(float)
    base = np.column_stack([np.ones(len(df)), tf])
    if not covs:
        return base
    Z = np.asarray(encode_covariates(df, covs, func).X, dtype=float)
    focus = {"ATT": t, "ATC": ~t, "ATE": np.ones(len(t), dtype=bool)}[estimand]
    Zc = Z - np.average(Z[focus], axis=0, weights=w[focus])
    return np.column_stack([base, Zc, Zc * tf[:, None]])
