"""Standard errors for the matched ATT: Abadie–Imbens (2006) and the block bootstrap.

The cluster-robust (CR1 by subclass) and HC3 errors are regressions on the matched data and
are computed by :func:`effekt._linear.ols` from :meth:`MatchResult.effect`.

Abadie–Imbens, for matching with replacement (ATT), as in ``Matching::Match``:

``tau_hat = (1/N1) sum_i (Y_i - sum_j w_ij Y_j)`` with ``w_ij = 1/|J(i)|`` over the matched
set ``J(i)`` of treated unit ``i`` (ties included when kept). With ``K_j = sum_i w_ij`` and
``KK_j = sum_i w_ij^2`` for each control ``j``,

``V = (1/N1^2) [ sum_i (Y_i - sum_j w_ij Y_j - tau_hat)^2 + sum_j sigma^2_j (K_j^2 - KK_j) ]``.

The conditional variance ``sigma^2_j`` is estimated either by matching within the control
group (``var_matches = J >= 1``: the sample variance of ``Y`` over ``j`` and its J nearest
other controls, i.e. ``J/(J+1) (Y_j - mean_J)^2``, Abadie & Imbens 2006, eq. 14;
``Matching::Match(Var.calc = J)``, whose distance tolerance for ties is applied here too
when the match kept ties), or under homoskedasticity
(``var_matches = 0``, Matching's default): ``sigma^2 = (1/2) * sum_rows w (Y_i - Y_j -
tau_hat)^2 / sum_rows w`` over the match rows.
"""

from __future__ import annotations

import numpy as np

__all__: list[str] = []


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
    tie_tolerance: float = 0.0,
    tie_scale: float = 1.0,
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
        if control_positions is None or control_score is None:
            raise ValueError("var_matches >= 1 needs the control positions and scores")
        sig = within_arm_variance(
            y,
            controls,
            control_positions,
            control_score,
            control_strata,
            var_matches,
            tie_tolerance=tie_tolerance,
            tie_scale=tie_scale,
        )
    var = (float(((tau_i - tau) ** 2).sum()) + float((sig * (K**2 - KK)).sum())) / n1**2
    return tau, var


def abadie_imbens_ate_variance(
    y: np.ndarray,
    t_pos: np.ndarray,
    c_pos: np.ndarray,
    w_rows: np.ndarray,
    sign: np.ndarray,
    sigma2: np.ndarray,
) -> tuple[float, float]:
    """ATE (matching both ways) and its Abadie–Imbens (2006, Theorem 7) variance.

    Match rows ``t_pos -> c_pos`` of every unit (the focal unit) to units of the other arm,
    with within-set weights ``w_rows``; ``sign`` is +1 for a treated and -1 for a control
    focal unit (per position); ``sigma2`` the conditional variance per position.
    ``tau_i = sign_i (Y_i - sum_j w_ij Y_j)``, ``tau = mean(tau_i)`` and
    ``V = (1/N^2) [sum_i (tau_i - tau)^2 + sum_j sigma2_j (K_j^2 - KK_j + 2 K_j)]``.

    Every unit is both focal and a match here, so ``Y_j`` enters ``tau`` with weight
    ``(1 + K_j)/N``: the noise variance is ``sum_j (1 + K_j)^2 sigma2_j / N^2``, of which
    ``sum_i (tau_i - tau)^2`` already holds ``sum_j (1 + KK_j) sigma2_j``; the second sum
    adds the rest (for the ATT, where no unit is both, the term ``2 K_j`` is absent).
    """
    units, inv = np.unique(t_pos, return_inverse=True)
    n = len(units)
    y_other = np.bincount(inv, weights=w_rows * y[c_pos], minlength=n)
    tau_i = sign[units] * (y[units] - y_other)
    tau = float(tau_i.mean())
    used, cinv = np.unique(c_pos, return_inverse=True)
    K = np.bincount(cinv, weights=w_rows, minlength=len(used))
    KK = np.bincount(cinv, weights=w_rows**2, minlength=len(used))
    extra = K**2 - KK + 2 * K
    var = (float(((tau_i - tau) ** 2).sum()) + float((sigma2[used] * extra).sum())) / n**2
    return tau, var


def within_arm_variance(
    y: np.ndarray,
    units: np.ndarray,
    pool: np.ndarray,
    score: np.ndarray,
    strata: np.ndarray | None,
    J: int,
    *,
    tie_tolerance: float = 0.0,
    tie_scale: float = 1.0,
) -> np.ndarray:
    """Conditional outcome variance of each unit from its ``J`` nearest units of the same arm.

    ``pool`` holds positions (into ``y``) of the units of the arm and ``score`` their
    one-dimensional distance. For unit ``u`` with ``d_J`` the distance to its J-th nearest
    other unit (same stratum), the set is every unit of the arm with
    ``(d / s)^2 <= (d_J / s)^2 + tie_tolerance`` (``s = tie_scale``), ``u`` included, and
    ``sigma^2_u`` is the sample variance (denominator ``m - 1``) of ``Y`` over that set of
    ``m`` units: ``J/(J+1) (Y_u - mean_J)^2`` without ties, as in Abadie & Imbens (2006,
    eq. 14) and ``Matching::Match(Var.calc = J)``.
    """
    strata = np.zeros(len(pool), dtype=np.int64) if strata is None else strata
    order = np.lexsort((score, strata))
    p_sorted = pool[order]
    s_sorted = score[order]
    g_sorted = strata[order]
    n = len(p_sorted)
    where = np.empty(len(y), dtype=np.int64)
    where[p_sorted] = np.arange(n)
    k = where[units]
    g = g_sorted[k]
    s = s_sorted[k]
    blo = np.searchsorted(g_sorted, g, side="left")
    bhi = np.searchsorted(g_sorted, g, side="right")
    lptr, rptr = k - 1, k + 1
    dJ = np.full(len(units), np.nan)
    for _ in range(J):
        ok_l = lptr >= blo
        ok_r = rptr < bhi
        dl = np.where(ok_l, s - s_sorted[np.clip(lptr, 0, n - 1)], np.inf)
        dr = np.where(ok_r, s_sorted[np.clip(rptr, 0, n - 1)] - s, np.inf)
        left = dl <= dr
        d = np.minimum(dl, dr)
        got = np.isfinite(d)
        dJ = np.where(got, d, dJ)
        lptr = np.where(got & left, lptr - 1, lptr)
        rptr = np.where(got & ~left, rptr + 1, rptr)
    has = np.isfinite(dJ)
    radius = np.where(
        has, tie_scale * np.sqrt((np.nan_to_num(dJ) / tie_scale) ** 2 + tie_tolerance), 0.0
    )
    # scores are sorted only within each stratum's block, so search block by block
    lo = np.empty(len(units), dtype=np.int64)
    hi = np.empty(len(units), dtype=np.int64)
    for stratum in np.unique(g):
        here = g == stratum
        b0, b1 = int(blo[here][0]), int(bhi[here][0])
        block = s_sorted[b0:b1]
        lo[here] = b0 + np.searchsorted(block, s[here] - radius[here], side="left")
        hi[here] = b0 + np.searchsorted(block, s[here] + radius[here], side="right")
    counts = hi - lo
    grp = np.repeat(np.arange(len(units)), counts)
    members = np.repeat(lo, counts) + (
        np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
    )
    yv = y[p_sorted[members]]
    mean = np.bincount(grp, weights=yv, minlength=len(units)) / np.maximum(counts, 1)
    ss = np.bincount(grp, weights=(yv - mean[grp]) ** 2, minlength=len(units))
    with np.errstate(invalid="ignore", divide="ignore"):
        sig = ss / (counts - 1)
    return np.where(has & (counts > 1), sig, 0.0)


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
