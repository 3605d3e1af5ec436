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
from scipy.optimize import Bounds, LinearConstraint, linear_sum_assignment, milp
from scipy.sparse import coo_matrix, csr_matrix, hstack, identity, vstack
from scipy.sparse.csgraph import connected_components

from .._validate import (
    argument_error,
    as_column_list,
    check_frame,
    check_number,
    require_columns,
)
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


def _size_limits(min_controls: float, max_controls: float, n_r: int, n_c: int) -> tuple[int, ...]:
    """Degree bounds ``(Lt, Ut, Lc, Uc)`` of treated and control units from optmatch's limits.

    A set is one treated unit with ``k`` controls (``min <= k <= max``) or one control with
    ``k`` treated units (``min <= 1/k <= max``); a pair needs ``min <= 1 <= max``.
    """
    lt = int(np.ceil(min_controls - 1e-12)) if min_controls > 1 else 1
    ut = int(min(np.floor(max_controls + 1e-12), n_c)) if max_controls >= 1 else 1
    lc = int(np.ceil(1 / max_controls - 1e-12)) if max_controls < 1 else 1
    uc = int(min(np.floor(1 / min_controls + 1e-12), n_r)) if 0 < min_controls < 1 else 1
    if min_controls == 0:
        uc = n_r
    return lt, max(ut, 1), lc, max(uc, 1)


def bounded_cover_edges(
    D: np.ndarray, min_controls: float = 0.0, max_controls: float = np.inf
) -> tuple[np.ndarray, np.ndarray]:
    """Optimal full matching with controls per set between ``min_controls`` and ``max_controls``.

    A mixed-integer program solved exactly by HiGHS (:func:`scipy.optimize.milp`): ``x_e``
    picks edge ``e``; ``a_i`` / ``b_j`` mark the treated / control unit at the centre of a set
    with several partners. Degrees respect the bounds of :func:`_size_limits`, no edge joins
    two centres (so every set is a star), and a unit may stay unmatched only at a cost above
    any total distance: as many units as the limits allow are matched, then the total
    distance is minimal.
    """
    n_r, n_c = D.shape
    e = np.argwhere(np.isfinite(D))
    n_e = len(e)
    lt, ut, lc, uc = _size_limits(min_controls, max_controls, n_r, n_c)
    big = float(D[tuple(e.T)].sum()) + 1.0 if n_e else 1.0
    ar = np.arange(n_e)
    # columns: x (edges), a (treated centres), b (control centres), u (treated left), v (controls left)
    inc_r = csr_matrix((np.ones(n_e), (e[:, 0], ar)), shape=(n_r, n_e))
    inc_c = csr_matrix((np.ones(n_e), (e[:, 1], ar)), shape=(n_c, n_e))
    z_rc, z_cr = csr_matrix((n_r, n_c)), csr_matrix((n_c, n_r))
    zr, zc = csr_matrix((n_r, n_r)), csr_matrix((n_c, n_c))
    eye_r, eye_c = identity(n_r, format="csr"), identity(n_c, format="csr")
    blocks = [
        # d_i + lt u_i >= lt ; d_i + ut u_i <= ut (a unit left out has no edge) ;
        # d_i - (ut - 1) a_i <= 1 (only a centre has several partners); the same for controls
        ([inc_r, zr, z_rc, lt * eye_r, z_rc], lt, np.inf),
        ([inc_r, zr, z_rc, ut * eye_r, z_rc], -np.inf, ut),
        ([inc_r, -(ut - 1) * eye_r, z_rc, zr, z_rc], -np.inf, 1),
        ([inc_c, z_cr, zc, z_cr, lc * eye_c], lc, np.inf),
        ([inc_c, z_cr, zc, z_cr, uc * eye_c], -np.inf, uc),
        ([inc_c, z_cr, -(uc - 1) * eye_c, z_cr, zc], -np.inf, 1),
    ]
    rows = [hstack(b) for b, _, _ in blocks]
    lo = [np.full(m.shape[0], b[1], dtype=float) for m, b in zip(rows, blocks, strict=True)]
    hi = [np.full(m.shape[0], b[2], dtype=float) for m, b in zip(rows, blocks, strict=True)]
    star = hstack(
        [
            identity(n_e, format="csr"),
            csr_matrix((np.ones(n_e), (ar, e[:, 0])), shape=(n_e, n_r)),
            csr_matrix((np.ones(n_e), (ar, e[:, 1])), shape=(n_e, n_c)),
            csr_matrix((n_e, n_r + n_c)),
        ]
    )
    A = vstack([*rows, star]).tocsr()
    cost = np.r_[D[tuple(e.T)], np.zeros(n_r + n_c), np.full(n_r + n_c, big)]
    res = milp(
        cost,
        constraints=LinearConstraint(
            A, np.concatenate([*lo, np.full(n_e, -np.inf)]), np.concatenate([*hi, np.full(n_e, 2)])
        ),
        integrality=np.ones(len(cost)),
        bounds=Bounds(0, 1),
        options={"mip_rel_gap": 0.0},
    )
    if res.x is None:  # pragma: no cover - the program is always feasible (units may stay out)
        raise EffektError(
            f"{_FUNC}(): the full-matching program could not be solved ({res.message})."
        )
    keep = res.x[:n_e] > 0.5
    return e[keep, 0], e[keep, 1]


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


def _check_limits(method: str, min_controls: Any, max_controls: Any) -> tuple[float, float] | None:
    """``(min, max)`` controls per set for bounded full matching; ``None`` when unbounded."""
    lo = check_number(min_controls, "min_controls", _FUNC, low=0)
    unbounded = isinstance(max_controls, (float, np.floating)) and max_controls == np.inf
    hi = (
        np.inf
        if unbounded
        else check_number(max_controls, "max_controls", _FUNC, low=0, low_open=True)
    )
    if lo > hi:
        raise EffektError(
            f"{_FUNC}(): min_controls ({lo:g}) exceeds max_controls ({hi:g}); swap or loosen them."
        )
    if lo == 0 and np.isinf(hi):
        return None
    if method != "full":
        raise EffektError(
            f"{_FUNC}(): min_controls/max_controls apply to method='full'; pair matching sets "
            "the controls per unit with 'ratio'."
        )
    return lo, hi


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
    min_controls: float = 0.0,
    max_controls: float = np.inf,
    treated_value: Any = None,
    missing: str = "raise",
) -> pd.DataFrame:
    """Optimal pair (1:k) or full matching on the propensity score (MatchIt ``"optimal"``/``"full"``).

    Parameters
    ----------
    data : DataFrame (pandas, Polars, PyArrow), DuckDB relation or PySpark DataFrame
        One row per person; not modified.
        Only the columns named in the other arguments are read (see Notes).
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
    min_controls, max_controls : float, default 0 and inf
        Full matching only (optmatch's ``min.controls`` / ``max.controls``): each set holds
        between ``min_controls`` and ``max_controls`` controls per treated unit; a fraction
        such as ``1/3`` allows sets of up to three treated units per control. With limits the
        problem is a mixed-integer program solved exactly by HiGHS; units the limits cannot
        place stay unmatched (as few as possible). Without a caliper it takes about a minute
        at 1,000 units and five at 2,000 (benchmarks/README.md); a caliper or ``exact``
        strata make it smaller.
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

    Any dataframe in: a Polars, PyArrow, DuckDB or PySpark ``data`` is checked against its
    schema and only the treatment, covariate and exact columns are collected into pandas; memory
    ~ rows × those columns. The estimator is unit-level (it needs every row); a pandas DataFrame
    is used as it is. The result is indexed like ``data``; for a non-pandas frame that is 0..n-1
    in the order the engine returned the rows.

    Examples
    --------
    >>> from effekt.synthetic import observational
    >>> from effekt.matching import optimal_match
    >>> df = observational(600, 0.05, seed=1)
    >>> m = optimal_match(df, "treated", ["age", "months_on_benefit"], method="full")
    >>> bool((m["weights"] > 0).all())
    True
    """
    data = check_frame(data, _FUNC, treatment=treatment, covariates=covariates, exact=exact)
    df, covs = _prepare(_FUNC, data, treatment, covariates, estimand, missing)
    k = _check(method, estimand, ratio)
    limits = _check_limits(method, min_controls, max_controls)
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
        r, c = cover_edges(D) if limits is None else bounded_cover_edges(D, *limits)
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
