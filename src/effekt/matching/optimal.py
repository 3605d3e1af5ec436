"""Optimal pair / 1:k matching and optimal full matching on the propensity score.

Both minimise the total absolute difference in propensity score, as R's ``optmatch`` (behind
MatchIt's ``method = "optimal"`` and ``"full"``) does, but exactly: pair matching is a
rectangular assignment problem and full matching a minimum-weight edge cover, both solved by
:func:`scipy.optimize.linear_sum_assignment`. The result has one row per unit with its matched
set (``subclass``), MatchIt's ``weights`` and the score (``distance``); the optimum is in
``.attrs["total_distance"]``.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy.optimize import linear_sum_assignment
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from .._validate import argument_error, as_column_list, check_number, require_columns
from ..errors import EffektError
from .balancing import _prepare, stratum_weights
from .propensity import propensity_score

__all__ = ["optimal_match"]

_FUNC = "optimal_match"


def _cost(
    score: np.ndarray, t: np.ndarray, strata: np.ndarray, caliper: float | None
) -> np.ndarray:
    """Distances treated x control; ``inf`` across strata and beyond the caliper."""
    D = np.abs(score[t][:, None] - score[~t][None, :])
    if strata.max() > 0:
        D[strata[t][:, None] != strata[~t][None, :]] = np.inf
    if caliper is not None:
        D[D > caliper] = np.inf
    return D


def pair_edges(D: np.ndarray, ratio: int) -> tuple[np.ndarray, np.ndarray]:
    """Minimum-distance 1:``ratio`` matching of the rows of ``D``; unmatchable slots are left out.

    Each row is repeated ``ratio`` times; a dummy column per slot, costlier than any feasible
    total, lets a slot stay empty only when no feasible match exists.
    """
    n_r, n_c = D.shape
    finite = np.isfinite(D)
    rows = np.repeat(np.arange(n_r), ratio)
    if finite.all() and len(rows) <= n_c:
        r, c = linear_sum_assignment(D[rows])
        return rows[r], c
    big = (D[finite].sum() + 1.0) if finite.any() else 1.0
    slots = len(rows)
    cost = np.full((slots, n_c + slots), np.inf)
    cost[:, :n_c] = D[rows]
    cost[np.arange(slots), n_c + np.arange(slots)] = big
    r, c = linear_sum_assignment(cost)
    real = c < n_c
    return rows[r[real]], c[real]


def cover_edges(D: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Minimum-weight edge cover of the bipartite graph ``D`` (rows x columns), as stars.

    Every vertex with a finite edge is covered. Reduction: with ``mu`` each vertex's cheapest
    edge, the cover's weight is ``sum(mu)`` plus the minimum over matchings of the reduced costs
    ``D - mu_row - mu_col`` (only negative ones help); vertices left unmatched take their
    cheapest edge. Redundant zero-cost edges (both ends covered twice) are then removed, so
    every matched set has one treated or one control unit.
    """
    ok = np.isfinite(D)
    ok_r, ok_c = ok.any(axis=1), ok.any(axis=0)
    cheapest_c = np.argmin(D, axis=1)  # inf never wins over a finite distance
    cheapest_r = np.argmin(D, axis=0)
    mu_r = np.where(ok_r, D[np.arange(D.shape[0]), cheapest_c], 0.0)
    mu_c = np.where(ok_c, D[cheapest_r, np.arange(D.shape[1])], 0.0)
    reduced = D - mu_r[:, None]
    reduced -= mu_c[None, :]
    np.minimum(reduced, 0.0, out=reduced)
    reduced[~ok] = 0.0
    del ok
    transpose = D.shape[0] > D.shape[1]
    r, c = linear_sum_assignment(reduced.T if transpose else reduced)
    if transpose:
        r, c = c, r
    keep = reduced[r, c] < 0
    del reduced
    edges = set(zip(r[keep].tolist(), c[keep].tolist(), strict=True))
    covered_r = {e[0] for e in edges}
    covered_c = {e[1] for e in edges}
    edges |= {(i, int(cheapest_c[i])) for i in np.flatnonzero(ok_r) if i not in covered_r}
    edges |= {(int(cheapest_r[j]), j) for j in np.flatnonzero(ok_c) if j not in covered_c}
    return _stars(np.array(sorted(edges), dtype=int).reshape(-1, 2))


def _stars(e: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Drop edges whose two ends are both covered by another edge (they cost nothing extra)."""
    keep = np.ones(len(e), dtype=bool)
    deg_r = np.bincount(e[:, 0]) if len(e) else np.zeros(0, int)
    deg_c = np.bincount(e[:, 1]) if len(e) else np.zeros(0, int)
    for k, (i, j) in enumerate(e):
        if deg_r[i] > 1 and deg_c[j] > 1:
            keep[k] = False
            deg_r[i] -= 1
            deg_c[j] -= 1
    return e[keep, 0], e[keep, 1]


def _fallback(
    D: np.ndarray, r: np.ndarray, c: np.ndarray, k: int, focal_t: bool
) -> tuple[np.ndarray, np.ndarray]:
    """Second stage of ``exact_fallback``: unfilled focal slots across strata, unused partners."""
    focal, other = (r, c) if focal_t else (c, r)
    Df = D if focal_t else D.T
    filled = np.bincount(focal, minlength=Df.shape[0])
    rows = np.flatnonzero(filled < k)
    free = np.setdiff1d(np.arange(Df.shape[1]), other)
    if rows.size == 0 or free.size == 0:
        return r, c
    slots = np.repeat(rows, k - filled[rows])
    fr, fc = pair_edges(Df[np.ix_(slots, free)], 1)
    add_f, add_o = slots[fr], free[fc]
    if focal_t:
        return np.r_[r, add_f], np.r_[c, add_o]
    return np.r_[r, add_o], np.r_[c, add_f]


def _sets(n_r: int, n_c: int, r: np.ndarray, c: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Matched-set number of each row and column unit (-1 when unmatched)."""
    g = coo_matrix((np.ones(len(r)), (r, n_r + c)), shape=(n_r + n_c, n_r + n_c))
    _, label = connected_components(g, directed=False)
    used = np.zeros(n_r + n_c, dtype=bool)
    used[r] = True
    used[n_r + c] = True
    # number the sets 0, 1, ... in order of their first row unit
    order = pd.unique(label[used])
    number = np.full(label.max() + 1, -1)
    number[order] = np.arange(len(order))
    sets = np.where(used, number[label], -1)
    return sets[:n_r], sets[n_r:]


def _strata(df: pd.DataFrame, exact: Any) -> np.ndarray:
    cols = as_column_list(exact)
    if not cols:
        return np.zeros(len(df), dtype=int)
    require_columns(df, _FUNC, exact=cols)
    return np.asarray(pd.MultiIndex.from_frame(df[cols].astype(str)).factorize()[0])


def _check(method: str, estimand: str, ratio: Any) -> int:
    if method not in ("pair", "full"):
        raise argument_error(_FUNC, "method", "'pair' or 'full'", method)
    if method == "pair" and estimand == "ATE":
        raise EffektError(
            f"{_FUNC}(): estimand='ATE' is not defined for optimal pair matching (it keeps "
            "only the matched units of one group); use method='full' or estimand='ATT'/'ATC'."
        )
    if isinstance(ratio, bool) or not isinstance(ratio, (int, np.integer)) or ratio < 1:
        raise argument_error(_FUNC, "ratio", "a positive whole number", ratio)
    return int(ratio)


def optimal_match(
    data: pd.DataFrame,
    treatment: Hashable,
    covariates: Sequence[Hashable] | Hashable,
    *,
    method: str = "pair",
    ratio: int = 1,
    estimand: str = "ATT",
    caliper: float | None = None,
    exact: Sequence[Hashable] | Hashable | None = None,
    exact_fallback: bool = False,
    treated_value: Any = None,
    missing: str = "raise",
) -> pd.DataFrame:
    """Optimal pair (1:k) or full matching on the propensity score (MatchIt ``"optimal"``/``"full"``).

    Parameters
    ----------
    data : DataFrame
        One row per person; not modified.
    treatment : column name
        Two-valued treatment column.
    covariates : list of column names
        Covariates of the logistic propensity model (as :func:`propensity_score`).
    method : {"pair", "full"}
        ``"pair"``: each focal unit gets ``ratio`` distinct partners, minimising the total
        distance; ``"full"``: every unit is used, in sets of one treated and one or more
        controls or one control and several treated, minimising the total distance.
    ratio : int, default 1
        Partners per focal unit (pair matching only).
    estimand : {"ATT", "ATC", "ATE"}
        Pair matching: the focal units are the treated (ATT) or the controls (ATC); the ATE is
        not defined. Full matching: sets the weights (as :func:`cem`).
    caliper : float, optional
        Largest allowed distance, in standard deviations of the propensity score.
    exact : list of column names, optional
        Units are matched only within strata of these columns.
    exact_fallback : bool, default False
        Pair matching: focal units left without partners inside their stratum are then
        matched optimally across strata to the unused units (within the caliper). Not
        defined for full matching (an ``EffektError`` says so).
    treated_value : optional
        Value of ``treatment`` marking the treated.
    missing : {"raise", "drop"}
        Missing values raise, or drop the rows with a warning (their weight is 0).

    Returns
    -------
    DataFrame
        Indexed like ``data``: ``subclass`` (matched set, missing when unmatched),
        ``weights`` (MatchIt's) and ``distance`` (the score); ``.attrs["total_distance"]``
        holds the minimised total ``sum |ps_t - ps_c|`` over treated-control pairs in a set.

    Notes
    -----
    Pair matching is a rectangular assignment problem (focal units repeated ``ratio`` times);
    focal units without a partner within the caliper or stratum stay unmatched. Full matching
    without size limits is a minimum-weight edge cover of the treated-control graph, reduced
    to an assignment problem; a minimum cover consists of stars, i.e. MatchIt's matched sets.
    Both are solved exactly by :func:`scipy.optimize.linear_sum_assignment`. optmatch stops
    at a tolerance (``tol = 0.001`` in MatchIt), so its total can exceed this optimum and its
    sets differ; with ``tol = 1e-8`` it reaches the same total. Equally optimal solutions may
    differ for units with identical scores.

    Examples
    --------
    >>> from effekt.synthetic import observational
    >>> from effekt.matching import optimal_match
    >>> df = observational(600, 0.05, seed=1)
    >>> m = optimal_match(df, "treated", ["age", "months_on_benefit"], method="full")
    >>> bool((m["weights"] > 0).all())
    True
    """
    df, covs = _prepare(_FUNC, data, treatment, covariates, estimand, missing)
    k = _check(method, estimand, ratio)
    ps = propensity_score(df, treatment, covs, treated_value=treated_value)
    t = np.asarray(ps.treated)
    score = ps.scores.to_numpy()
    cal = None
    if caliper is not None:
        cal = check_number(caliper, "caliper", _FUNC, low=0, low_open=True) * float(
            score.std(ddof=1)
        )
    D = _cost(score, t, _strata(df, exact), cal)
    focal_t = estimand != "ATC"
    if method == "pair":
        need = k * (t.sum() if focal_t else (~t).sum())
        if need > (~t if focal_t else t).sum() and cal is None and exact is None:
            raise argument_error(
                _FUNC, "ratio", f"small enough for {need} distinct partners", ratio
            )
        r, c = pair_edges(D, k) if focal_t else pair_edges(D.T, k)[::-1]
        if exact_fallback:
            D_all = _cost(score, t, np.zeros(len(t), dtype=int), cal)
            r, c = _fallback(D_all, r, c, k, focal_t)
    else:
        if exact_fallback:
            raise EffektError(
                f"{_FUNC}(): exact_fallback applies to method='pair'; full matching uses every "
                "unit, so drop 'exact' for the units a stratum cannot hold."
            )
        r, c = cover_edges(D)
    set_t, set_c = _sets(int(t.sum()), int((~t).sum()), r, c)
    sub = np.empty(len(df), dtype=int)
    sub[t], sub[~t] = set_t, set_c
    out = pd.DataFrame(
        {
            "subclass": pd.array(np.where(sub >= 0, sub + 1, 0), dtype="Int64"),
            "weights": stratum_weights(sub, t, estimand),
            "distance": score,
        },
        index=df.index,
    )
    out.loc[sub < 0, "subclass"] = pd.NA
    out = out.reindex(data.index).fillna({"weights": 0.0})
    out.attrs["total_distance"] = float(D[r, c].sum())
    return out
