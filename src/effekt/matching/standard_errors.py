"""Standard errors for the matched ATT: Abadie–Imbens (2006) and the block bootstrap.

The cluster-robust (CR1 by subclass) and HC3 errors are regressions on the matched data and
are computed by :func:`effekt._linear.ols` from :meth:`MatchResult.effect`.

Abadie–Imbens, for matching with replacement (ATT), as in ``Matching::Match``:

``tau_hat = (1/N1) sum_i (Y_i - sum_j w_ij Y_j)`` with ``w_ij = 1/|J(i)|`` over the matched
set ``J(i)`` of treated unit ``i`` (ties included when kept). With ``K_j = sum_i w_ij`` and
``KK_j = sum_i w_ij^2`` for each control ``j``,

``V = (1/N1^2) [ sum_i (Y_i - sum_j w_ij Y_j - tau_hat)^2 + sum_j sigma^2_j (K_j^2 - KK_j) ]``.

The conditional variance ``sigma^2_j`` is estimated either by matching within the control
group (``var_matches = J >= 1``: ``J/(J+1) (Y_j - mean of its J nearest other controls)^2``,
Abadie & Imbens 2006, eq. 14; ``Matching::Match(Var.calc = J)``), or under homoskedasticity
(``var_matches = 0``, Matching's default): ``sigma^2 = (1/2) * sum_rows w (Y_i - Y_j -
tau_hat)^2 / sum_rows w`` over the match rows.
"""

from __future__ import annotations

import numpy as np


def abadie_imbens_variance(
    y: np.ndarray,
    t_pos: np.ndarray,
    c_pos: np.ndarray,
    w_rows: np.ndarray,
    control_score: np.ndarray | None,
    control_positions: np.ndarray | None,
    control_strata: np.ndarray | None,
    *,
    var_matches: int,
) -> tuple[float, float]:
    """ATT and its Abadie–Imbens variance from match rows (positions into ``y``).

    ``w_rows`` are the within-set weights ``w_ij`` (summing to one per treated unit).
    For ``var_matches >= 1`` the conditional variances of the controls are estimated by
    matching each used control to its ``var_matches`` nearest other controls on
    ``control_score`` (all eligible controls, in the same stratum).
    """
    treated_units, inv = np.unique(t_pos, return_inverse=True)
    n1 = len(treated_units)
    yc_mean = np.bincount(inv, weights=w_rows * y[c_pos], minlength=n1)
    tau_i = y[treated_units] - yc_mean
    tau = float(tau_i.mean())
    controls, cinv = np.unique(c_pos, return_inverse=True)
    K = np.bincount(cinv, weights=w_rows, minlength=len(controls))
    KK = np.bincount(cinv, weights=w_rows**2, minlength=len(controls))
    if var_matches == 0:
        row_tau = y[t_pos] - y[c_pos]
        sigma2 = 0.5 * float((w_rows * (row_tau - tau) ** 2).sum() / w_rows.sum())
        sig = np.full(len(controls), sigma2)
    else:
        sig = within_arm_variance(y, controls, control_positions, control_score, control_strata, var_matches)
    var = (float(((tau_i - tau) ** 2).sum()) + float((sig * (K**2 - KK)).sum())) / n1**2
    return tau, var


def within_arm_variance(
    y: np.ndarray,
    units: np.ndarray,
    pool: np.ndarray,
    score: np.ndarray,
    strata: np.ndarray | None,
    J: int,
) -> np.ndarray:
    """``J/(J+1) (Y_u - mean of its J nearest other units in pool)^2`` for each unit u.

    ``pool`` holds positions (into ``y``) of the units of the same arm, ``score`` their
    one-dimensional distance; nearest neighbours are searched within the same stratum.
    Distance ties are broken toward the lower score (left), as in matching.
    """
    strata = np.zeros(len(pool), dtype=np.int64) if strata is None else strata
    order = np.lexsort((score, strata))
    p_sorted = pool[order]
    s_sorted = score[order]
    g_sorted = strata[order]
    where = np.empty(len(y), dtype=np.int64)
    where[p_sorted] = np.arange(len(p_sorted))
    k = where[units]
    n = len(p_sorted)
    lptr, rptr = k - 1, k + 1
    acc = np.zeros(len(units))
    cnt = np.zeros(len(units))
    g = g_sorted[k]
    s = s_sorted[k]
    for _ in range(J):
        ok_l = (lptr >= 0) & (g_sorted[np.clip(lptr, 0, n - 1)] == g)
        ok_r = (rptr < n) & (g_sorted[np.clip(rptr, 0, n - 1)] == g)
        dl = np.where(ok_l, s - s_sorted[np.clip(lptr, 0, n - 1)], np.inf)
        dr = np.where(ok_r, s_sorted[np.clip(rptr, 0, n - 1)] - s, np.inf)
        left = dl <= dr
        got = np.isfinite(np.minimum(dl, dr))
        nb = np.where(left, lptr, rptr)
        acc += np.where(got, y[p_sorted[np.clip(nb, 0, n - 1)]], 0.0)
        cnt += got
        lptr = np.where(got & left, lptr - 1, lptr)
        rptr = np.where(got & ~left, rptr + 1, rptr)
    with np.errstate(invalid="ignore", divide="ignore"):
        m = acc / cnt
        sig = cnt / (cnt + 1) * (y[units] - m) ** 2
    return np.where(cnt > 0, sig, 0.0)


def block_bootstrap(
    tau_i: np.ndarray, n_boot: int, rng: np.random.Generator, chunk: int = 2_000_000
) -> np.ndarray:
    """Bootstrap replicates of ``mean(tau_i)``, resampling matched sets (blocks) with replacement."""
    n = len(tau_i)
    reps = np.empty(n_boot)
    per = max(1, chunk // max(n, 1))
    b = 0
    while b < n_boot:
        m = min(per, n_boot - b)
        idx = rng.integers(0, n, size=(m, n))
        reps[b : b + m] = tau_i[idx].mean(axis=1)
        b += m
    return reps
