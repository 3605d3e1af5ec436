"""Nearest-neighbour search engines on a one-dimensional distance (the propensity score).

All engines work on controls sorted by ``(stratum, score)`` with a stable sort, so that a
stratum is a contiguous block and controls with equal scores keep their data order. The
output is a list of match rows ``(treated position, control position, rank)``, positions
referring to the caller's arrays.

* :func:`greedy_without_replacement` visits treated units in the given order, in rounds
  (every treated unit gets its first control before any gets its second, as MatchIt does),
  and takes the nearest unused control on either side. "Unused" is tracked with two
  union-find structures over the sorted control array ("next unused to the right",
  "next unused to the left") with path halving, so each lookup is amortised
  near-constant and the whole match is O(n log n) for the sort plus O(n alpha(n)).
  On an exact tie in distance the left control (lower score) wins; controls with a score
  equal to the treated unit's lie on the right and the earliest of them is taken; among
  equal-score controls on the left the latest in the stable order (the nearest in the
  array) is taken, as in MatchIt.
* :func:`nearest_with_replacement` is fully vectorised: for each treated unit the k nearest
  controls are found by merging the two sides outward from its ``searchsorted`` position.
"""

from __future__ import annotations

import numpy as np


def sorted_controls(
    score_c: np.ndarray, strata_c: np.ndarray, n_strata: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Order of controls by (stratum, score), stable; and the start/end of each stratum block."""
    order = np.argsort(score_c, kind="stable")
    order = order[np.argsort(strata_c[order], kind="stable")]
    counts = np.bincount(strata_c, minlength=n_strata)
    end = np.cumsum(counts)
    start = end - counts
    return order, start, end


def insertion_points(
    score_t: np.ndarray,
    strata_t: np.ndarray,
    sorted_score: np.ndarray,
    start: np.ndarray,
    end: np.ndarray,
    side: str = "left",
) -> np.ndarray:
    """Global position of the first control with score >= the treated score, within its stratum.

    ``side="right"``: the first control with score > the treated score (a treated unit sits
    after the controls tied with it).
    """
    pos = np.empty(len(score_t), dtype=np.int64)
    if len(start) == 1:
        return np.searchsorted(sorted_score, score_t, side=side).astype(np.int64)  # type: ignore[call-overload]
    order = np.argsort(strata_t, kind="stable")
    bounds = np.searchsorted(strata_t[order], np.arange(len(start) + 1), side="left")
    for s in range(len(start)):
        idx = order[bounds[s] : bounds[s + 1]]
        if idx.size:
            block = sorted_score[start[s] : end[s]]
            pos[idx] = start[s] + np.searchsorted(block, score_t[idx], side=side)  # type: ignore[call-overload]
    return pos


def greedy_without_replacement(
    score_t: np.ndarray,
    strata_t: np.ndarray,
    visit: np.ndarray,
    sorted_score: np.ndarray,
    start: np.ndarray,
    end: np.ndarray,
    *,
    ratio: int,
    caliper: float,
    side: str = "left",
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Greedy 1:ratio matching without replacement.

    Parameters
    ----------
    score_t, strata_t : treated scores and stratum codes.
    visit : order in which treated units (positions into score_t) are visited.
    sorted_score : control scores sorted by (stratum, score).
    start, end : block of each stratum in ``sorted_score``.
    ratio : controls per treated unit (matched in rounds).
    caliper : maximal absolute score difference (``inf`` for none).
    side : where a treated unit sits among controls tied with it (:func:`insertion_points`).

    Returns
    -------
    treated position, sorted-control position, rank (1-based) of each match row.
    """
    n_c = len(sorted_score)
    pos = insertion_points(score_t, strata_t, sorted_score, start, end, side)
    # right[k]: candidate for the smallest unused index >= k (n_c = none);
    # left[k + 1]: candidate for the largest unused index <= k (left[0] = 0 means none).
    right = list(range(n_c + 1))
    left = list(range(n_c + 1))
    cs = sorted_score.tolist()
    ts = score_t.tolist()
    ps = pos.tolist()
    st = start[strata_t].tolist()
    en = end[strata_t].tolist()
    out_t: list[int] = []
    out_c: list[int] = []
    out_r: list[int] = []
    active = visit.tolist()
    for rank in range(1, ratio + 1):
        still: list[int] = []
        for i in active:
            p = ps[i]
            # nearest unused on the right
            r = p
            while right[r] != r:
                right[r] = right[right[r]]
                r = right[r]
            # nearest unused on the left (stored with an offset of one)
            q = p
            while left[q] != q:
                left[q] = left[left[q]]
                q = left[q]
            lo = q - 1
            t = ts[i]
            ok_r = r < en[i]
            ok_l = lo >= st[i]
            if ok_l and ok_r:
                dl = t - cs[lo]
                dr = cs[r] - t
                if dl <= dr:
                    c, d = lo, dl
                else:
                    c, d = r, dr
            elif ok_l:
                c, d = lo, t - cs[lo]
            elif ok_r:
                c, d = r, cs[r] - t
            else:
                continue
            if d > caliper:
                continue
            right[c] = c + 1
            left[c + 1] = c
            out_t.append(i)
            out_c.append(c)
            out_r.append(rank)
            still.append(i)
        active = still
        if not active:
            break
    return (
        np.asarray(out_t, dtype=np.int64),
        np.asarray(out_c, dtype=np.int64),
        np.asarray(out_r, dtype=np.int64),
    )


def nearest_with_replacement(
    score_t: np.ndarray,
    strata_t: np.ndarray,
    sorted_score: np.ndarray,
    start: np.ndarray,
    end: np.ndarray,
    *,
    ratio: int,
    caliper: float,
    ties: bool = False,
    tie_tolerance: float = 1e-5,
    tie_scale: float = 1.0,
    side: str = "left",
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The ``ratio`` nearest controls of every treated unit, controls reusable (vectorised).

    With ``ties=True`` every control ``j`` with ``(d_j / s)^2 <= (d_k / s)^2 + tie_tolerance``
    is kept as well, where ``d_k`` is the ``ratio``-th nearest distance and ``s =
    tie_scale`` (the SD of the score): ``Matching::Match(ties = TRUE)`` compares squared
    standardized distances with its ``distance.tolerance``. Their rank is the position in
    distance order.
    """
    n_t = len(score_t)
    pos = insertion_points(score_t, strata_t, sorted_score, start, end, side)
    lo_b = start[strata_t]
    hi_b = end[strata_t]
    lptr = pos - 1
    rptr = pos.copy()
    rows_t: list[np.ndarray] = []
    rows_c: list[np.ndarray] = []
    rows_r: list[np.ndarray] = []
    alive = np.ones(n_t, dtype=bool)
    kth = np.full(n_t, np.nan)
    cs = sorted_score
    for rank in range(1, ratio + 1):
        ok_l = alive & (lptr >= lo_b)
        ok_r = alive & (rptr < hi_b)
        dl = np.where(ok_l, score_t - cs[np.clip(lptr, 0, len(cs) - 1)], np.inf)
        dr = np.where(ok_r, cs[np.clip(rptr, 0, len(cs) - 1)] - score_t, np.inf)
        take_left = dl <= dr
        d = np.where(take_left, dl, dr)
        got = np.isfinite(d) & (d <= caliper)
        c = np.where(take_left, lptr, rptr)
        idx = np.flatnonzero(got)
        rows_t.append(idx)
        rows_c.append(c[idx])
        rows_r.append(np.full(idx.size, rank))
        kth[idx] = d[idx]
        lptr = np.where(got & take_left, lptr - 1, lptr)
        rptr = np.where(got & ~take_left, rptr + 1, rptr)
        alive &= got
    t_idx = np.concatenate(rows_t)
    c_idx = np.concatenate(rows_c)
    r_idx = np.concatenate(rows_r)
    if ties:
        # every control within [kth - tol, kth + tol] of the last distance taken
        has = np.flatnonzero(np.isfinite(kth))
        if has.size:
            radius = tie_scale * np.sqrt((kth[has] / tie_scale) ** 2 + tie_tolerance)
            lo = np.searchsorted(cs, score_t[has] - radius, side="left")
            hi = np.searchsorted(cs, score_t[has] + radius, side="right")
            lo = np.maximum(lo, lo_b[has])
            hi = np.minimum(hi, hi_b[has])
            # ranges are contiguous in the sorted array: expand them
            counts = hi - lo
            rep_t = np.repeat(has, counts)
            offs = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
            all_c = np.repeat(lo, counts) + offs
            dist = np.abs(cs[all_c] - score_t[rep_t])
            keep = dist <= caliper
            rep_t, all_c, dist = rep_t[keep], all_c[keep], dist[keep]
            ordr = np.lexsort((all_c, dist, rep_t))
            rep_t, all_c = rep_t[ordr], all_c[ordr]
            first = np.r_[True, rep_t[1:] != rep_t[:-1]]
            grp_start = np.maximum.accumulate(np.where(first, np.arange(len(rep_t)), 0))
            rank_all = np.arange(len(rep_t)) - grp_start + 1
            # treated units without any match keep none
            t_idx, c_idx, r_idx = rep_t, all_c, rank_all
    return t_idx.astype(np.int64), c_idx.astype(np.int64), r_idx.astype(np.int64)
