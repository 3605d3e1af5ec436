"""Difference in differences: participating municipalities vs the rest, before and after.

The STAR note of March 2020 compares municipalities that took part in a project with the
rest of the country at the project's start and end (Jobindsats shares). This module gives

* :func:`did_from_shares` -- the change in the gap from four published shares, exactly
  (HIR: 18.4 % vs 15.9 % -> 24.7 % vs 19.1 %, gap 2.5 pp -> 5.6 pp, +3.1 pp);
* :func:`did_from_counts` -- the 2x2 estimate from municipality x month counts
  (count, denominator) with an interval clustered by municipality;
* :func:`did` -- the same from individual rows (person-months) or any rows with an outcome;
* :func:`event_study` -- effects by month relative to the start (leads and lags) with
  unit and month fixed effects, a plot in percentage points and a pre-trend test (a wild
  cluster bootstrap of the joint Wald statistic; the plain F test over-rejects); it returns
  an :class:`effekt.trajectory.Trajectory`, the one result type for effects by period.

Inference with few (treated) clusters
-------------------------------------
Shares are correlated within a municipality over time, so intervals are clustered by
municipality (``cluster=`` in :func:`did`, ``id=`` in :func:`did_from_counts` and
:func:`event_study`). Two methods:

* ``se="cr2"`` (default): the Bell-McCaffrey (CR2) cluster-robust variance with a
  t(G - 1) reference distribution, G the number of municipalities (see :mod:`effekt._linear`).
* ``se="wild"``: the restricted wild cluster bootstrap (WCR; Cameron, Gelbach &
  Miller 2008; MacKinnon & Webb 2017) with Webb six-point (default) or Rademacher weights
  and a seed; the p-value bootstraps the CR1 t statistic with the null imposed, and the
  interval inverts that test (bisection on the null value, same draws throughout).

Both rest on the treated municipalities: what matters is the number of *treated* clusters
(and how unequal their sizes are), not G. With one treated municipality no cluster-robust
method is reliable.

Coverage of nominal 95 % intervals for a true DiD of zero, measured by the seeded simulation
in ``tests/test_did.py::test_clustered_ci_coverage_simulation`` (98 municipalities with
log-normal sizes, SD 0.9 on the log scale, mean 250 persons; two periods; municipality levels
SD 3 pp, municipality-by-period shocks SD 1.5 pp, binomial counts; regression weighted by
the denominators; 1,000 panels for CR2, 300 for the wild bootstrap with 399 Webb draws):

==========================  ===========  =====================
treated municipalities      CR2, t(G-1)  wild (WCR, Webb)
==========================  ===========  =====================
15 of 98 (as HIR)           0.915        0.943
5 of 98                     0.870        0.970
==========================  ===========  =====================

(Monte Carlo SE about 0.009 for CR2 and 0.013 for the bootstrap.) CR2 with t(G - 1) is too
narrow when the treated municipalities are few and of unequal size -- a few large
municipalities dominate the weighted estimate -- so results from fewer than 20 treated
clusters carry a note recommending ``se="wild"``, whose coverage stays near or
above nominal.

References
----------
Bell, R. M. & McCaffrey, D. F. (2002). *Survey Methodology* 28, 169-181.
Cameron, A. C., Gelbach, J. B. & Miller, D. L. (2008). Bootstrap-based improvements for
inference with clustered errors. *Review of Economics and Statistics* 90, 414-427.
MacKinnon, J. G. & Webb, M. D. (2017). Wild bootstrap inference for wildly different cluster
sizes. *Journal of Applied Econometrics* 32, 233-254.
Pustejovsky, J. E. & Tipton, E. (2018). Small-sample methods for cluster-robust variance
estimation and hypothesis testing in fixed effects models. *JBES* 36, 672-683.
Webb, M. D. (2023). Reworking wild bootstrap-based inference for clustered errors.
*Canadian Journal of Economics* 56, 839-858.

Examples
--------
>>> from effekt.did import did_from_shares
>>> r = did_from_shares(0.184, 0.159, 0.247, 0.191)
>>> [round(100 * x, 1) for x in (r.extra["gap_start"], r.extra["gap_end"], r.estimate)]
[2.5, 5.6, 3.1]
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any, Literal

import numpy as np
import pandas as pd

from ._cells import collect
from ._inference import critical_value, wald_arrays
from ._linear import LinearFit, _cluster_crossprods, _cluster_sums, ols, one_blas_thread
from ._validate import (
    argument_error,
    as_column_list,
    check_choice,
    check_clusters_per_arm,
    check_conf_level,
    check_frame,
    check_resamples,
    check_seed,
    check_share,
    check_weights,
    factorize_levels,
    handle_missing,
    numeric_column,
    outcome_indicator,
    quote,
    two_valued,
)
from .errors import ColumnError, EffektError
from .results import EffectResult, Scale, TestResult, format_effect
from .trajectory import Trajectory, _sup_t

__all__ = ["did", "did_from_counts", "did_from_shares", "event_study"]

DidSE = Literal["cr2", "wild", "hc2"]
Missing = Literal["raise", "drop"]
BootWeights = Literal["webb", "rademacher"]


# ----------------------------------------------------------------------------- published shares
def did_from_shares(
    start_treated: float,
    start_control: float,
    end_treated: float,
    end_control: float,
    *,
    label: str | None = None,
) -> EffectResult:
    """Change in the gap between two groups from four published shares.

    Parameters
    ----------
    start_treated, start_control : float
        Shares (fractions, e.g. 0.184) in participating and other municipalities at the start.
    end_treated, end_control : float
        The same at the end.
    label : str, optional

    Returns
    -------
    EffectResult
        ``estimate = (end_treated - end_control) - (start_treated - start_control)``;
        ``extra`` holds ``gap_start``, ``gap_end``, each group's change
        (``change_treated``, ``change_control``) and the four shares. No standard error:
        published shares carry no sampling information (use :func:`did_from_counts` on the
        counts for an interval).

    Notes
    -----
    Computed in exact decimal arithmetic on the shares as given (rounded to 12 decimals), so
    that published figures reproduce exactly: 0.247 - 0.191 - (0.184 - 0.159) = 0.031.

    Examples
    --------
    >>> r = did_from_shares(0.133, 0.168, 0.217, 0.177, label="BRF, company-directed")
    >>> round(100 * r.extra["gap_start"], 1), round(100 * r.extra["gap_end"], 1)
    (-3.5, 4.0)
    >>> print(r.summary().splitlines()[0])
    Effect (change in gap) [BRF, company-directed]: +7.5 pp (95% CI n/a to n/a), p = n/a
    """
    func = "did_from_shares"
    s = [
        check_share(v, a, func)
        for v, a in (
            (start_treated, "start_treated"),
            (start_control, "start_control"),
            (end_treated, "end_treated"),
            (end_control, "end_control"),
        )
    ]
    gap_start = round(s[0] - s[1], 12)
    gap_end = round(s[2] - s[3], 12)
    est = round(gap_end - gap_start, 12)
    return EffectResult(
        estimate=est,
        std_error=float("nan"),
        ci=(float("nan"), float("nan")),
        pvalue=float("nan"),
        method="difference in differences of published shares (no sampling error available)",
        scale="proportion",
        relative_change=float("nan"),
        estimand="change in gap",
        label=label,
        notes=(
            f"gap (treated - control): {format_effect(gap_start, 'proportion')} at the start, "
            f"{format_effect(gap_end, 'proportion')} at the end",
        ),
        extra={
            "change_treated": round(s[2] - s[0], 12),
            "change_control": round(s[3] - s[1], 12),
            "gap_start": gap_start,
            "gap_end": gap_end,
            "start_treated": s[0],
            "start_control": s[1],
            "end_treated": s[2],
            "end_control": s[3],
        },
    )


# ----------------------------------------------------------------------------- wild bootstrap
def _webb(rng: np.random.Generator, shape: tuple[int, int]) -> np.ndarray:
    vals = np.array([-np.sqrt(1.5), -1.0, -np.sqrt(0.5), np.sqrt(0.5), 1.0, np.sqrt(1.5)])
    return vals[rng.integers(0, 6, shape)]


def _wild_cluster_bootstrap(
    X: np.ndarray,
    y: np.ndarray,
    cluster: np.ndarray,
    contrast: np.ndarray,
    *,
    weights: np.ndarray | None = None,
    conf_level: float = 0.95,
    n_boot: int = 999,
    boot_weights: Literal["webb", "rademacher"] = "webb",
    seed: int | None = 0,
    null: float = 0.0,
    ci: bool = True,
) -> dict[str, Any]:
    """Restricted wild cluster bootstrap p-value and test-inversion interval for ``c'beta``.

    Parameters
    ----------
    X, y : arrays
        Design (with intercept) and outcome.
    cluster : integer array
        Cluster codes ``0..G-1``.
    contrast : array
        ``c`` of length ``p``.
    weights : array, optional
        Analytic weights (e.g. denominators of shares).
    conf_level : float
    n_boot : int
    boot_weights : {"webb", "rademacher"}
    seed : int or None
    null : float
        Null value of ``c'beta`` for the returned p-value.
    ci : bool
        Compute the interval by test inversion (about 80 bootstrap p-values); ``False``
        returns ``(nan, nan)`` and only the p-value (for simulations).

    Returns
    -------
    dict
        ``estimate, std_error`` (CR1), ``pvalue`` (for ``c'beta = null``), ``ci``, ``n_clusters``.

    Notes
    -----
    Everything is computed from per-cluster sufficient statistics ``A_g = X_g'W X_g`` and
    ``b_g = X_g'W y_g``: the restricted estimate under ``c'beta = beta_0`` is
    ``beta~ = beta^ - M c (c'beta^ - beta_0) / (c'M c)``; a draw ``v`` gives
    ``beta* = beta~ + M sum_g v_g s~_g`` with ``s~_g = b_g - A_g beta~``, and its CR1 t
    statistic follows in closed form, so ``B`` draws cost ``O(B G^2)``.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> g = np.repeat(np.arange(20), 10); d = (g < 10).astype(float)
    >>> X = np.column_stack([np.ones(200), d])
    >>> y = 0.5 * d + rng.normal(size=200) + rng.normal(size=20)[g]
    >>> out = _wild_cluster_bootstrap(X, y, g, np.array([0.0, 1.0]), n_boot=199, seed=1)
    >>> out["ci"][0] < out["estimate"] < out["ci"][1]
    True
    """
    X = np.asarray(X, float)
    y = np.asarray(y, float)
    c = np.asarray(contrast, float)
    w = np.ones(len(y)) if weights is None else np.asarray(weights, float)
    codes = np.asarray(cluster)
    _, codes = np.unique(codes, return_inverse=True)
    G = int(codes.max()) + 1
    n, p = X.shape
    sw = np.sqrt(w)
    Xw, yw = X * sw[:, None], y * sw
    A = _cluster_crossprods(codes, G, Xw)
    b = _cluster_sums(codes, G, Xw * yw[:, None])
    M = np.linalg.inv(A.sum(axis=0))
    beta = M @ b.sum(axis=0)
    a = M @ c
    factor = G / (G - 1) * (n - 1) / (n - p)
    s_hat = b - A @ beta
    est = float(c @ beta)
    se = float(np.sqrt(factor * np.sum((s_hat @ a) ** 2)))
    rng = check_seed(seed, "wild_cluster_bootstrap")
    V = _webb(rng, (n_boot, G)) if boot_weights == "webb" else rng.choice([-1.0, 1.0], (n_boot, G))
    cMc = float(c @ a)
    aAM = np.einsum("k,gkl,lm->gm", a, A, M)  # (G, p): a' A_g M

    def pvalue(beta0: float) -> float:
        bt = beta - a * (est - beta0) / cMc
        s = b - A @ bt  # (G, p)
        r = s @ a  # (G,)
        K = aAM @ s.T  # K[g, h] = a' A_g M s_h
        num = V @ r
        U = V * r[None, :] - V @ K.T
        se_b = np.sqrt(factor * np.sum(U**2, axis=1))
        t_star = np.where(se_b > 0, num / np.where(se_b > 0, se_b, 1), 0.0)
        t_obs = (est - beta0) / se if se > 0 else 0.0
        return float(np.mean(np.abs(t_star) >= abs(t_obs) - 1e-12))

    if not ci:
        return {
            "estimate": est,
            "std_error": se,
            "pvalue": pvalue(null),
            "ci": (np.nan, np.nan),
            "n_clusters": G,
        }
    alpha = 1 - conf_level
    limits = []
    for direction in (-1.0, 1.0):
        step = max(se, 1e-8)
        inside = est
        outside = est + direction * 2 * step
        k = 0
        while pvalue(outside) > alpha and k < 40:
            inside, outside = outside, outside + direction * 2 * step * 2**k
            k += 1
        for _ in range(40):
            mid = (inside + outside) / 2
            if pvalue(mid) > alpha:
                inside = mid
            else:
                outside = mid
        limits.append((inside + outside) / 2)
    return {
        "estimate": est,
        "std_error": se,
        "pvalue": pvalue(null),
        "ci": (limits[0], limits[1]),
        "n_clusters": G,
    }


def _wild_cluster_wald(
    X: np.ndarray,
    y: np.ndarray,
    cluster: np.ndarray,
    idx: np.ndarray,
    *,
    weights: np.ndarray | None = None,
    n_boot: int = 999,
    boot_weights: Literal["webb", "rademacher"] = "webb",
    seed: int | None = 0,
) -> tuple[float, float]:
    """Restricted wild cluster bootstrap of the CR1 Wald statistic that ``beta[idx] = 0``.

    Returns the observed Wald statistic (chi2 form, ``q`` restrictions) and the bootstrap
    p-value. The null is imposed (the ``idx`` columns are dropped for the restricted fit), and
    each draw multiplies every cluster's restricted residuals by one Webb/Rademacher weight.
    Unlike the F test with a cluster-robust covariance, whose size can be far above nominal
    when the restrictions are many relative to the treated clusters, the bootstrap keeps the
    size close to nominal.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> g = np.repeat(np.arange(30), 8)
    >>> X = np.column_stack([np.ones(240), rng.normal(size=(240, 3))])
    >>> y = rng.normal(size=240) + rng.normal(size=30)[g]
    >>> stat, p = _wild_cluster_wald(X, y, g, np.array([1, 2, 3]), n_boot=199, seed=1)
    >>> 0 <= p <= 1
    True
    """
    X = np.asarray(X, float)
    y = np.asarray(y, float)
    idx = np.asarray(idx)
    w = np.ones(len(y)) if weights is None else np.asarray(weights, float)
    _, codes = np.unique(np.asarray(cluster), return_inverse=True)
    G = int(codes.max()) + 1
    n, p = X.shape
    sw = np.sqrt(w)
    Xw, yw = X * sw[:, None], y * sw
    A = _cluster_crossprods(codes, G, Xw)
    b = _cluster_sums(codes, G, Xw * yw[:, None])
    M = np.linalg.inv(A.sum(axis=0))
    beta = M @ b.sum(axis=0)
    factor = G / (G - 1) * (n - 1) / (n - p)

    def wald(bq: np.ndarray, scores_q: np.ndarray) -> np.ndarray:
        # bq: (..., q); scores_q: (..., G, q) = rows of R M s_g
        V = factor * (np.swapaxes(scores_q, -1, -2) @ scores_q)
        return np.einsum("...q,...q->...", bq, np.linalg.solve(V, bq[..., None])[..., 0])

    RM = M[idx]  # (q, p)
    s_hat = b - A @ beta
    w_obs = float(wald(beta[idx], s_hat @ RM.T))
    keep = np.setdiff1d(np.arange(p), idx)
    Mr = np.linalg.inv(A.sum(axis=0)[np.ix_(keep, keep)])
    beta_r = np.zeros(p)
    beta_r[keep] = Mr @ b.sum(axis=0)[keep]
    s_r = b - A @ beta_r  # restricted residual scores (G, p)
    rng = check_seed(seed, "wild_cluster_wald")
    V = _webb(rng, (n_boot, G)) if boot_weights == "webb" else rng.choice([-1.0, 1.0], (n_boot, G))
    SV = V @ s_r  # (B, p) = sum_g v_g s_g
    num = SV @ RM.T  # (B, q): R (beta* - beta_r), and R beta_r = 0
    P = s_r @ RM.T  # (G, q)
    Q = (RM @ A @ M).reshape(G * len(idx), p)  # rows of R M A_g M, cluster by cluster
    w_star = np.empty(n_boot)
    step = max(1, 2**22 // (G * len(idx)))  # draws per batch: U holds at most 4 Mi numbers
    for b0 in range(0, n_boot, step):
        b1 = min(b0 + step, n_boot)
        U = V[b0:b1, :, None] * P[None] - (SV[b0:b1] @ Q.T).reshape(b1 - b0, G, len(idx))
        w_star[b0:b1] = wald(num[b0:b1], U)
    return w_obs, float(np.mean(w_star >= w_obs - 1e-12))


# ----------------------------------------------------------------------------- 2x2 core
def _cell_gaps(
    y: np.ndarray, w: np.ndarray, treated: np.ndarray, post: np.ndarray, func: str
) -> dict[str, Any]:
    """The four weighted cell means as gaps and changes; every cell must have rows."""
    for arm, name in ((treated, "treated"), (~treated, "control")):
        for per, pname in ((post, "after"), (~post, "before")):
            if not (arm & per & (w > 0)).any():
                raise EffektError(
                    f"{func}(): there are no rows for the {name} group {pname} the start; a "
                    "difference in differences needs all four cells (treated/control x "
                    "before/after)."
                )
    mean = {}
    for g in (True, False):
        for p in (True, False):
            m = (treated == g) & (post == p)
            mean[(g, p)] = float(np.sum((w * y)[m]) / np.sum(w[m]))
    return {
        "change_treated": mean[(True, True)] - mean[(True, False)],
        "change_control": mean[(False, True)] - mean[(False, False)],
        "gap_start": mean[(True, False)] - mean[(False, False)],
        "gap_end": mean[(True, True)] - mean[(False, True)],
    }


def _did_fit(
    X: np.ndarray,
    y: np.ndarray,
    w: np.ndarray,
    codes: np.ndarray | None,
    se: str,
    conf_level: float,
    boot: dict[str, Any],
    cluster_name: Hashable | None,
) -> tuple[float, float, tuple[float, float], float, float, float | None, str]:
    """Estimate, SE, interval, p-value, statistic, df and method of the interaction term."""
    c = np.array([0.0, 0.0, 0.0, 1.0])
    if se == "wild":
        if codes is None:  # _check_se refuses this; kept for direct calls
            raise EffektError("se='wild' needs clusters.")
        G = int(codes.max()) + 1
        out = _wild_cluster_bootstrap(X, y, codes, c, weights=w, conf_level=conf_level, **boot)
        est, std_error = out["estimate"], out["std_error"]
        method = (
            f"difference in differences; restricted wild cluster bootstrap "
            f"({boot['boot_weights']} weights, {boot['n_boot']} draws, seed {boot['seed']}) "
            f"by {quote(cluster_name)}, {G} clusters; interval by test inversion"
        )
        stat = est / std_error if std_error > 0 else float("nan")
        return est, std_error, out["ci"], out["pvalue"], stat, None, method
    if se == "cr2":
        fit: LinearFit = ols(X, y, weights=w, cov_type="CR2", cluster=codes)
        G = int(fit.n_clusters or 0)
        method = (
            f"difference in differences; CR2 cluster-robust SE by {quote(cluster_name)} "
            f"({G} clusters), t({G - 1})"
        )
    else:
        fit = ols(X, y, weights=w, cov_type="HC2")
        method = "difference in differences; HC2 robust SE (no clustering)"
    est, std_error, stat, ci, p = fit.contrast(c, conf_level)
    return est, std_error, ci, p, stat, fit.df_resid, method


def _did_core(
    y: np.ndarray,
    w: np.ndarray,
    treated: np.ndarray,
    post: np.ndarray,
    codes: np.ndarray | None,
    *,
    conf_level: float,
    se: str,
    boot: dict[str, Any],
    scale: Scale,
    func: str,
    n_arms: tuple[int, int],
    outcome: str | None,
    cluster_name: Hashable | None,
) -> EffectResult:
    extra: dict[str, Any] = _cell_gaps(y, w, treated, post, func)
    notes: tuple[str, ...] = (
        f"gap (treated - control): {format_effect(extra['gap_start'], scale)} before, "
        f"{format_effect(extra['gap_end'], scale)} after",
    )
    if codes is not None:
        treated_units = len(np.unique(codes[treated]))
        extra.update({"n_clusters": int(codes.max()) + 1, "n_treated_clusters": treated_units})
        if treated_units < 20 and se == "cr2":
            notes += (
                f"only {treated_units} treated clusters: CR2 intervals tend to be too narrow (see "
                "effekt.did's notes); consider se='wild'",
            )
    X = np.column_stack([np.ones(len(y)), treated, post, treated & post]).astype(float)
    est, std_error, ci, p, stat, df, method = _did_fit(
        X, y, w, codes, se, conf_level, boot, cluster_name
    )
    return EffectResult(
        estimate=float(est),
        std_error=float(std_error),
        ci=ci,
        pvalue=float(p),
        method=method,
        conf_level=conf_level,
        n_treated=n_arms[0],
        n_control=n_arms[1],
        scale=scale,
        relative_change=float("nan"),
        statistic=float(stat),
        df=df,
        estimand="change in gap",
        outcome=outcome,
        extra=extra,
        notes=notes,
    )


def _cluster_codes(
    data: pd.DataFrame,
    column: Hashable,
    argument: str,
    treated: np.ndarray,
    func: str,
    treatment: Hashable,
) -> np.ndarray:
    """Codes of the clusters (municipalities), each of which must stay in one group."""
    codes, labels = factorize_levels(data[column], column, argument, func)
    G = len(labels)
    if G < 2:
        raise ColumnError(
            f"The {argument} column {quote(column)} passed to {func}() has one value; "
            "clustering needs two or more."
        )
    check_clusters_per_arm(codes, treated, column, func)
    t_int = treated.astype(int)
    lo = np.full(G, 2)
    hi = np.full(G, -1)
    np.minimum.at(lo, codes, t_int)
    np.maximum.at(hi, codes, t_int)
    if (lo != hi).any():
        who = labels[int(np.flatnonzero(lo != hi)[0])]
        raise EffektError(
            f"{func}(): municipality/unit {who!r} in {quote(column)} changes group in "
            f"{quote(treatment)} ({int((lo != hi).sum())} units do); a unit must be either "
            "participating or not in every period. Fix the treatment column or drop the unit."
        )
    return codes.astype(np.intp)


def _check_se(
    se: str, cluster: Hashable | None, argument: str, func: str, boot: dict[str, Any]
) -> str:
    check_choice(se, "se", func, ("cr2", "wild", "hc2"))
    check_choice(boot["boot_weights"], "boot_weights", func, ("webb", "rademacher"))
    check_resamples(boot["n_boot"], "n_boot", func, low=99)
    if se == "wild" and cluster is None:
        raise EffektError(
            f"{func}(): se='wild' resamples clusters; pass {argument}= (e.g. the municipality "
            "column)."
        )
    if se == "cr2" and cluster is None:
        return "hc2"
    return se


def did(
    data: pd.DataFrame,
    outcome: Hashable,
    treatment: Hashable,
    post: Hashable,
    *,
    cluster: Hashable | None = None,
    weights: Hashable | None = None,
    conf_level: float = 0.95,
    se: DidSE = "cr2",
    treated_value: Any = None,
    outcome_value: Any = None,
    post_value: Any = None,
    n_boot: int = 999,
    boot_weights: BootWeights = "webb",
    seed: int | np.random.Generator | None = 0,
    missing: Missing = "raise",
) -> EffectResult:
    """The 2x2 difference in differences from rows (person-months, municipality-periods).

    Parameters
    ----------
    data : DataFrame (pandas, Polars, PyArrow), DuckDB relation or PySpark DataFrame
        One row per observation.
        Only the columns named in the other arguments are read (see Notes).
    outcome : str
        0/1 (effects in percentage points) or numeric outcome.
    treatment : str
        Two-valued: participating (1/True or ``treated_value``) vs not.
    post : str
        Two-valued: after (1/True or ``post_value``) vs before.
    cluster : str, optional
        Cluster, normally the municipality; must not change group. Without it the interval
        is HC2 (rows independent) -- rarely right for register panels.
    weights : str, optional
        Analytic weights (e.g. the denominators of cell shares).
    conf_level : float
    se : {"cr2", "wild", "hc2"}
        CR2 with t(G - 1), the restricted wild cluster bootstrap, or HC2 without clusters;
        see the module notes on few treated clusters.
    treated_value, post_value : optional
        Values of ``treatment`` / ``post`` marking participants / the after period.
    n_boot, boot_weights
        Wild cluster bootstrap draws (99 to 100,000) and weight distribution.
    outcome_value : optional
        The value of ``outcome`` that counts as 1 (``"Ja"`` in a column of "Ja"/"Nej").
    seed : int, Generator or None
        Seed of the wild cluster bootstrap (default 0).
    missing : {"raise", "drop"}
        Missing values in the columns used raise; ``"drop"`` drops those rows with a
        :class:`~effekt.errors.DroppedRowsWarning`.

    Returns
    -------
    EffectResult
        ``estimand="change in gap"``; ``extra`` has ``gap_start``, ``gap_end``, each
        group's change (``change_treated``, ``change_control``) and the cluster counts.

    Notes
    -----
    **Minimum information** (enforced; fewer raise :class:`~effekt.errors.EffektError`):
    ``se="cr2"`` and ``se="wild"`` need at least 2 clusters in each group; ``se="hc2"``
    needs every row's leverage below 1 (at least 2 rows in each group-period cell);
    ``n_boot`` is between 99 and 100,000.

    Weighted least squares of the outcome on ``1, D, P, D x P``; the coefficient of
    ``D x P`` is ``(ybar_11 - ybar_10) - (ybar_01 - ybar_00)``.

    **The working model of the weighted CR2.** With ``weights`` the CR2 adjustment
    ``(I - H_gg)^{-1/2}`` is computed on the rows transformed by ``sqrt(w)``, i.e. the weights
    are read as inverse variances (working model ``Var(e) = sigma^2 W^{-1}``): R's
    ``clubSandwich::vcovCR(fit, type = "CR2", inverse_var = TRUE)``. clubSandwich's default
    for a weighted ``lm`` (``inverse_var = FALSE``, working model ``I``) differs slightly.
    For cell shares weighted by their denominators this CR2 equals the unweighted
    clubSandwich CR2 on the expanded person-level data (one 0/1 row per person), because
    the regressors are constant within each cell (``tests/test_did.py``,
    ``test_rows_and_counts_agree``).

    Any dataframe in: a Polars, PyArrow, DuckDB or PySpark ``data`` is checked against its
    schema and only the outcome, treatment, post, cluster and weights columns are collected into
    pandas; memory ~ rows × those columns. The estimator is unit-level (it needs every row); a
    pandas DataFrame is used as it is.

    Examples
    --------
    >>> from effekt.synthetic.panels import municipality_panel
    >>> m = municipality_panel("hir", seed=1)
    >>> two = m[m["period"].isin(["start", "end"])]
    >>> r = did(two, "share", "participating", "post", cluster="municipality",
    ...         weights="denominator")
    >>> round(100 * r.estimate, 1)
    3.1
    """
    func = "did"
    data = check_frame(
        data,
        func,
        outcome=outcome,
        treatment=treatment,
        post=post,
        cluster=cluster,
        weights=weights,
    )
    conf_level = check_conf_level(conf_level, func)
    boot = {"n_boot": n_boot, "boot_weights": boot_weights, "seed": seed}
    se = _check_se(se, cluster, "cluster", func, boot)  # type: ignore[assignment]
    cols = [outcome, treatment, post, *as_column_list(cluster), *as_column_list(weights)]
    data = handle_missing(data, cols, missing, func)
    y = numeric_column(
        outcome_indicator(data[outcome], outcome, func, outcome_value), outcome, func, "outcome"
    )
    binary = bool(np.isin(y, (0.0, 1.0)).all())
    d = two_valued(data[treatment], treatment, "treatment", func, treated_value)
    p = _two_valued_period(data[post], post, func, post_value)
    w = np.ones(len(y))
    if weights is not None:
        w = check_weights(numeric_column(data[weights], weights, func, "weights"), weights, func)
    codes = (
        None if cluster is None else _cluster_codes(data, cluster, "cluster", d, func, treatment)
    )
    return _did_core(
        y,
        w,
        d,
        p,
        codes,
        conf_level=conf_level,
        se=se,
        boot=boot,
        scale="proportion" if binary else "mean",
        func=func,
        n_arms=(int(d.sum()), int((~d).sum())),
        outcome=str(outcome),
        cluster_name=cluster,
    )


def _two_valued_period(
    values: pd.Series, column: Hashable, func: str, post_value: Any
) -> np.ndarray:
    try:
        return two_valued(values, column, "post", func, post_value)
    except ColumnError as exc:
        raise ColumnError(
            str(exc)
            .replace("treated_value=", "post_value=")
            .replace("treated group", "after period")
        ) from None


def did_from_counts(
    data: pd.DataFrame,
    count: Hashable,
    denominator: Hashable,
    treatment: Hashable,
    post: Hashable,
    *,
    id: Hashable,
    time: Hashable,
    conf_level: float = 0.95,
    se: DidSE = "cr2",
    treated_value: Any = None,
    post_value: Any = None,
    n_boot: int = 999,
    boot_weights: BootWeights = "webb",
    seed: int | np.random.Generator | None = 0,
    missing: Missing = "raise",
) -> EffectResult:
    """The 2x2 difference in differences from municipality x month counts (Jobindsats style).

    Parameters
    ----------
    data : DataFrame
        One row per unit (municipality) and time (month): no duplicates. Any supported
        frame (pandas, Polars, PyArrow, DuckDB, Spark).
    count, denominator : str
        Persons with the outcome (e.g. in company-directed effort) and persons in the
        population (e.g. in resource course); ``0 <= count <= denominator``, denominator > 0.
    treatment : str
        Two-valued: participating municipality; must be constant within municipality.
    post : str
        Two-valued: month after the start; must be constant within month.
    id, time : str
        Municipality (also the cluster) and month columns.
    conf_level, se, treated_value, post_value, n_boot, boot_weights, seed
        As in :func:`did`; the interval is clustered by ``id``.
    missing : {"raise", "drop"}
        Missing values in the columns used raise; ``"drop"`` drops those rows with a
        :class:`~effekt.errors.DroppedRowsWarning`.

    Returns
    -------
    EffectResult
        The change in gap between participating and other municipalities, weighted by the
        denominators (so the group shares are the aggregate shares, as published).
        ``n_treated``/``n_control`` are the person-months in each group.

    Notes
    -----
    *Scaling*: the engine groups the rows by (treatment, post, id, time) and sums count and
    denominator; only one row per unit and month is collected (98 municipalities x 24
    months is 2,352 rows whatever the source).

    Weighted least squares of ``count/denominator`` on ``1, D, P, D x P`` with weights
    ``denominator``. For a 0/1 outcome this gives the same estimate -- and the same
    cluster-robust covariance (CR2 with the weights read as inverse variances, see
    :func:`did`) -- as the person-level linear probability model, because the regressors
    are constant within each unit-month cell.

    Examples
    --------
    >>> from effekt.synthetic.panels import municipality_panel
    >>> m = municipality_panel("hir", "company", seed=2)
    >>> two = m[m["period"].isin(["start", "end"])]
    >>> r = did_from_counts(two, "count", "denominator", "participating", "post",
    ...                     id="municipality", time="month")
    >>> [round(100 * x, 1) for x in (r.extra["gap_start"], r.extra["gap_end"], r.estimate)]
    [2.5, 5.6, 3.1]
    """
    func = "did_from_counts"
    conf_level = check_conf_level(conf_level, func)
    boot = {"n_boot": n_boot, "boot_weights": boot_weights, "seed": seed}
    se = _check_se(se, id, "id", func, boot)  # type: ignore[assignment]
    data = _unit_months(data, count, denominator, treatment, post, id, time, missing, func)
    k, n = _counts(data, count, denominator, func)
    _no_duplicates(data, id, time, func)
    d = two_valued(data[treatment], treatment, "treatment", func, treated_value)
    p = _two_valued_period(data[post], post, func, post_value)
    tcodes, tlabels = pd.factorize(data[time], sort=True)
    lo = np.full(len(tlabels), 2)
    hi = np.full(len(tlabels), -1)
    np.minimum.at(lo, tcodes, p.astype(int))
    np.maximum.at(hi, tcodes, p.astype(int))
    if (lo != hi).any():
        raise EffektError(
            f"{func}(): the post column {quote(post)} differs between units in month "
            f"{tlabels[int(np.flatnonzero(lo != hi)[0])]!r}; 'post' must mark the same months "
            "for every unit."
        )
    return _did_core(
        k / n,
        n,
        d,
        p,
        _cluster_codes(data, id, "id", d, func, treatment),
        conf_level=conf_level,
        se=se,
        boot=boot,
        scale="proportion",
        func=func,
        n_arms=(int(n[d].sum()), int(n[~d].sum())),
        outcome=str(count),
        cluster_name=id,
    )


def _unit_months(
    data: Any,
    count: Hashable,
    denominator: Hashable,
    treatment: Hashable,
    post: Hashable,
    id: Hashable,
    time: Hashable,
    missing: str,
    func: str,
) -> pd.DataFrame:
    """The unit-month rows from any backend: grouped in the engine by (treatment, post, id,
    time) with the count and denominator summed, so that only one row per unit and month
    (the aggregates) is collected. ``_rows`` holds the source rows of each (1 unless
    duplicated)."""
    keys = dict(treatment=treatment, post=post, id=id, time=time)
    cells = collect(
        data,
        func,
        keys=keys,
        values=dict(count=count, denominator=denominator),
        missing=missing,
        centred=False,
    )
    out = pd.DataFrame({column: cells[arg] for arg, column in keys.items()})
    out[count] = cells["sum_count"].to_numpy()
    out[denominator] = cells["sum_denominator"].to_numpy()
    out["_rows"] = cells["n"].to_numpy()
    return out


def _counts(
    data: pd.DataFrame, count: Hashable, denominator: Hashable, func: str
) -> tuple[np.ndarray, np.ndarray]:
    k = numeric_column(data[count], count, func, "count")
    n = numeric_column(data[denominator], denominator, func, "denominator")
    if (n <= 0).any():
        raise ColumnError(
            f"The denominator column {quote(denominator)} passed to {func}() has "
            f"{int((n <= 0).sum())} "
            "values <= 0; every unit-month needs a positive population (drop empty cells)."
        )
    if (k < 0).any() or (k > n).any():
        bad = int(((k < 0) | (k > n)).sum())
        raise ColumnError(
            f"The count column {quote(count)} passed to {func}() is negative or exceeds the "
            "denominator "
            f"in {bad} rows; counts must satisfy 0 <= count <= denominator."
        )
    return k, n


def _no_duplicates(data: pd.DataFrame, unit: Hashable, time: Hashable, func: str) -> None:
    """One row per unit and time; ``_rows`` (if present) counts the source rows of each."""
    dup = data.duplicated([unit, time]).to_numpy()
    extra = dup.astype(float)
    if "_rows" in data.columns:
        extra += data["_rows"].to_numpy() - 1
    if extra.any():
        i = int(np.flatnonzero(extra)[0])
        raise EffektError(
            f"{func}(): {int(extra.sum())} duplicated ({quote(unit)}, {quote(time)}) rows (e.g. "
            f"{data[unit].iloc[i]!r}, {data[time].iloc[i]!r}); aggregate to one row per unit and "
            "month first."
        )


def _same_period(label: Any, start: Any) -> bool:
    """Whether ``start`` names the period ``label`` (e.g. "2018-03-01" for a Timestamp)."""
    try:
        if isinstance(label, pd.Timestamp):
            return bool(label == pd.Timestamp(start))
        return bool(label == start)
    except (ValueError, TypeError):
        return False


def _period_grid(series: pd.Series, column: Hashable, func: str) -> tuple[np.ndarray, np.ndarray]:
    """Codes and labels of the periods, ordered by time, on an equally spaced grid.

    Event times are distances in periods, so the periods must be orderable as numbers: numbers
    (or strings holding numbers), pandas Periods, datetimes or ISO date strings (monthly when
    all dates share the day of the month). Raises when the periods present in the data leave a gap, since a lag
    would then silently be counted in observed rather than calendar periods.
    """
    s = series
    if (
        not (
            isinstance(s.dtype, pd.PeriodDtype)
            or pd.api.types.is_datetime64_any_dtype(s.dtype)
            or pd.api.types.is_numeric_dtype(s.dtype)
        )
        and pd.to_numeric(s, errors="coerce").isna().any()
    ):
        # ISO dates ("2018-03", "2018-03-01") are unambiguous; other strings are refused below
        try:
            s = pd.Series(pd.to_datetime(s, format="ISO8601"), index=series.index)
        except (ValueError, TypeError):
            pass
    if isinstance(s.dtype, pd.PeriodDtype):
        vals = np.asarray(s.array.asi8, dtype=float)
        step = 1.0
    elif pd.api.types.is_datetime64_any_dtype(s.dtype):
        dt = pd.DatetimeIndex(s)
        ns = np.unique(dt.asi8)
        dns = np.diff(ns)
        if len(dns) and not (dns == dns.min()).all() and (dt.day == dt.day[0]).all():
            vals = np.asarray(dt.year * 12 + dt.month, dtype=float)
            step = 1.0
        else:
            vals = np.asarray(dt.asi8, dtype=float)
            step = float(dns.min()) if len(dns) else 1.0
    else:
        if pd.api.types.is_bool_dtype(s.dtype):
            num = None
        elif pd.api.types.is_numeric_dtype(s.dtype):
            num = s
        else:
            num = pd.to_numeric(s, errors="coerce")
            if num.isna().any():
                num = None
        if num is None:
            bad = s[pd.to_numeric(s, errors="coerce").isna()].iloc[0]
            raise ColumnError(
                f"The time column {quote(column)} passed to {func}() holds {s.dtype} values such "
                f"as {bad!r} that are not numbers, pandas Periods or dates, so the distance "
                "between periods (the event time) is not defined and string order may be wrong; "
                "use ISO dates ('2018-03') or convert it, e.g. data[col] = pd.PeriodIndex(data[col], freq='M') for months, "
                "or number the periods (1, 2, 3, ...)."
            )
        vals = num.to_numpy(dtype=float)
        u = np.unique(vals)
        integer = bool(np.all(u == np.round(u)))
        step = 1.0 if integer else (float(np.diff(u).min()) if len(u) > 1 else 1.0)
    u, first = np.unique(vals, return_index=True)
    gaps = np.flatnonzero(~np.isclose(np.diff(u), step, rtol=1e-9, atol=0))
    if len(gaps):
        i = int(gaps[0])
        lo, hi = series.iloc[first[i]], series.iloc[first[i + 1]]
        raise EffektError(
            f"The time column {quote(column)} passed to {func}() has {len(gaps)} gap(s) in its "
            f"periods, e.g. nothing between {lo} and {hi}: no unit is observed in the "
            "missing period(s), so event times cannot be counted by position. Add the missing "
            "periods (rows for every unit), or, if the periods are not equally spaced on "
            "purpose, number them consecutively yourself."
        )
    codes = np.searchsorted(u, vals)
    labels = series.iloc[first].to_numpy(dtype=object)
    return codes, labels


# ----------------------------------------------------------------------------- event study
def _start_index(labels: np.ndarray, start: Any, func: str) -> int:
    """Position of the start period among the ordered periods."""
    tstr = np.array([str(x) for x in labels])
    hit = np.flatnonzero((tstr == str(start)) | np.array([_same_period(x, start) for x in labels]))
    if len(hit) == 0:
        raise EffektError(
            f"The 'start' argument of {func}() ({start!r}) is not a period of the panel, which "
            f"runs from {labels[0]!r} to {labels[-1]!r}; months outside the panel cannot be a "
            "start date."
        )
    return int(hit[0])


def _event_rows(
    data: pd.DataFrame,
    outcome: Hashable | None,
    treatment: Hashable,
    id: Hashable,
    time: Hashable,
    start: Any,
    counts: tuple[Hashable | None, Hashable | None],
    weights: Hashable | None,
    values: tuple[Any, Any],
    missing: str,
    func: str,
) -> dict[str, Any]:
    """Validated rows: unit and period codes, the start, each row's outcome and weight
    (``values``: the treated value and the outcome value, each ``None`` for 0/1 coding)."""
    treated_value, outcome_value = values
    count, denominator = counts
    if (outcome is None) == (count is None or denominator is None):
        raise EffektError(
            f"{func}(): give either outcome (rows) or both count= and denominator= (counts), "
            "not both and not neither."
        )
    cols = [id, time, treatment, *as_column_list(outcome), *as_column_list(count)]
    cols += [*as_column_list(denominator), *as_column_list(weights)]
    data = handle_missing(data, cols, missing, func)
    d_row = two_valued(data[treatment], treatment, "treatment", func, treated_value)
    ucodes = _cluster_codes(data, id, "id", d_row, func, treatment)
    tcodes, tlabels = _period_grid(data[time], time, func)
    s = _start_index(tlabels, start, func)
    if count is not None:
        _no_duplicates(data, id, time, func)
        k, n = _counts(data, count, denominator, func)
        y_row, w_row = k / n, n
        scale: Scale = "proportion"
    else:
        y = outcome_indicator(data[outcome], outcome, func, outcome_value)
        y_row = numeric_column(y, outcome, func, "outcome")
        w_row = np.ones(len(y_row))
        if weights is not None:
            w_row = numeric_column(data[weights], weights, func, "weights")
            check_weights(w_row, weights, func)
        scale = "proportion" if np.isin(y_row, (0.0, 1.0)).all() else "mean"
    return {
        "ucodes": ucodes,
        "tcodes": tcodes,
        "tlabels": tlabels,
        "start": s,
        "y": y_row,
        "w": w_row,
        "d": d_row,
        "scale": scale,
    }


def _event_cells(
    r: dict[str, Any], window: tuple[int, int] | None, func: str
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Unit x period cells (weighted means) within the window, their event times and groups."""
    ucodes, tcodes = r["ucodes"], r["tcodes"]
    U, T = int(ucodes.max()) + 1, len(r["tlabels"])
    cell = ucodes * T + tcodes
    W = np.bincount(cell, weights=r["w"], minlength=U * T)
    Y = np.bincount(cell, weights=r["w"] * r["y"], minlength=U * T)
    present = W > 0
    cu, ct = np.divmod(np.flatnonzero(present), T)
    y, w = Y[present] / W[present], W[present]
    e = ct - r["start"]
    d_unit = np.zeros(U, dtype=bool)
    d_unit[ucodes] = r["d"]
    if window is not None:
        if not isinstance(window, (tuple, list)) or len(window) != 2 or window[0] > window[1]:
            raise argument_error(
                func, "window", "a (first, last) pair of event times with first <= last", window
            )
        lo_e, hi_e = int(e.min()), int(e.max())
        if window[0] < lo_e or window[1] > hi_e:
            raise EffektError(
                f"The 'window' argument of {func}() ({window}) reaches months outside the panel, "
                f"whose event times run from {lo_e} to {hi_e}; choose a window within the panel."
            )
        keep = (e >= window[0]) & (e <= window[1])
        cu, ct, y, w, e = cu[keep], ct[keep], y[keep], w[keep], e[keep]
    return cu, ct, y, w, e, d_unit


def _event_fit(
    cells: tuple[np.ndarray, ...], reference_period: int, func: str
) -> tuple[LinearFit, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Two-way fixed effects fit; returns the fit, the event times, the design and clusters."""
    cu, ct, y, w, e, d_unit = cells
    events = np.unique(e)
    if reference_period not in events or reference_period >= 0:
        raise argument_error(
            func,
            "reference_period",
            f"a pre-start event time within the panel ({events[0]} to -1)",
            reference_period,
        )
    uu, cu = np.unique(cu, return_inverse=True)
    _, ct = np.unique(ct, return_inverse=True)
    dd = d_unit[uu][cu]
    others = events[events != reference_period]
    Xt = np.eye(int(ct.max()) + 1)[ct][:, 1:]
    Xe = (dd[:, None] & (e[:, None] == others[None, :])).astype(float)
    # Unit fixed effects are absorbed by weighted within-unit demeaning (Frisch-Waugh-Lovell).
    # They are nested within the clusters, so the CR2 covariance of the remaining coefficients
    # equals the one from the full dummy design (Pustejovsky & Tipton 2018; checked in tests).
    Z = np.hstack([Xt, Xe, y[:, None]])
    wsum = np.bincount(cu, weights=w)
    means = (
        np.stack([np.bincount(cu, weights=w * Z[:, j]) for j in range(Z.shape[1])], axis=1)
        / wsum[:, None]
    )
    Z = Z - means[cu]
    fit = ols(Z[:, :-1], Z[:, -1], weights=w, cov_type="CR2", cluster=cu)
    return fit, events, others, Z, cu


def _pretrend(
    fit: LinearFit,
    Z: np.ndarray,
    w: np.ndarray,
    cu: np.ndarray,
    pre: np.ndarray,
    pretrend_test: str,
    boot: dict[str, Any],
) -> TestResult | None:
    """Joint test that every pre-start coefficient (at design columns ``pre``) is 0."""
    if not len(pre):
        return None
    null = "no difference in trends before the start (all pre-period effects 0)"
    if pretrend_test == "wild":
        stat, p = _wild_cluster_wald(Z[:, :-1], Z[:, -1], cu, pre, weights=w, **boot)
        what = f"wild cluster bootstrap ({boot['boot_weights']}, {boot['n_boot']} draws) of Wald"
        return TestResult(stat, p, null, what, float(len(pre)), "pre-trend test")
    F, df1, p = fit.wald(pre)
    return TestResult(F, p, null, "F", df1, "pre-trend Wald test (CR2)")


def _event_frame(
    b: np.ndarray,
    V: np.ndarray,
    others: np.ndarray,
    reference_period: int,
    crit: float,
    conf_level: float,
    df: float | None,
) -> tuple[pd.DataFrame, np.ndarray]:
    """Per event time rows (the reference with 0) and the matching covariance matrix."""
    se = np.sqrt(np.diag(V))
    lo, hi, p = wald_arrays(b, se, conf_level, df)
    times = np.append(others, reference_period).astype(int)
    frame = pd.DataFrame(
        {
            "event_time": times,
            "estimate": np.append(b, 0.0),
            "std_error": np.append(se, 0.0),
            "ci_low": np.append(lo, 0.0),
            "ci_high": np.append(hi, 0.0),
            "sim_low": np.append(b - crit * se, 0.0),
            "sim_high": np.append(b + crit * se, 0.0),
            "pvalue": np.append(p, np.nan),
        }
    )
    order = np.argsort(times, kind="stable")
    cov = np.zeros((len(times), len(times)))
    cov[: len(b), : len(b)] = V
    return frame.iloc[order].reset_index(drop=True), cov[np.ix_(order, order)]


def event_study(
    data: pd.DataFrame,
    outcome: Hashable | None,
    treatment: Hashable,
    *,
    id: Hashable,
    time: Hashable,
    start: Any,
    count: Hashable | None = None,
    denominator: Hashable | None = None,
    weights: Hashable | None = None,
    reference_period: int = -1,
    window: tuple[int, int] | None = None,
    treated_value: Any = None,
    outcome_value: Any = None,
    conf_level: float = 0.95,
    pretrend_test: Literal["wild", "cr2"] = "wild",
    n_boot: int = 999,
    boot_weights: BootWeights = "webb",
    seed: int | np.random.Generator | None = 0,
    missing: Missing = "raise",
) -> Trajectory:
    """Leads and lags of the gap between participating and other units around a start date.

    Parameters
    ----------
    data : DataFrame
        Unit x month counts (``count``, ``denominator``) or rows with an ``outcome``.
    outcome : str or None
        Outcome column (rows), averaged within unit x period cells with ``weights``; ``None``
        when ``count`` and ``denominator`` are given.
    treatment : str
        Two-valued participation column, constant within unit.
    id, time : str
        Unit (municipality; also the cluster) and period columns. Event time is the distance
        in periods, so the periods must be numbers (or strings holding numbers), pandas
        Periods, datetimes or ISO date strings such as "2018-03", on an equally spaced grid
        without gaps (a period missing for every unit raises EffektError).
    start : scalar
        The first project period; must be one of the panel's periods (strings are compared
        with the period's string form, so "2018-03" matches ``Period("2018-03", "M")``).
    count, denominator : str, optional
        Counts instead of ``outcome``.
    weights : str, optional
        Row weights when ``outcome`` is given.
    reference_period : int
        Event time normalised to zero (default -1, the period before the start). Must be
        before the start and within the window.
    window : (first, last), optional
        Event times to keep (e.g. (-12, 12)); periods outside are dropped.
    treated_value : optional
    outcome_value : optional
        The value of ``outcome`` that means the outcome happened ("Ja" in a column of
        "Ja"/"Nej"); needed when a 0/1 outcome is coded in words.
    conf_level : float
    pretrend_test : {"wild", "cr2"}
        ``"wild"`` (default): restricted wild cluster bootstrap of the Wald statistic;
        ``"cr2"``: the F test with the CR2 covariance and ``(q, G - 1)`` df. The F test
        over-rejects badly when there are many pre-periods and few treated units: with 8
        pre-period coefficients and 15 of 98 municipalities treated (40 parallel panels of
        :func:`effekt.synthetic.panels.municipality_panel`) it rejected at the 5 % level in
        42.5 % of panels, the bootstrap test in 2.5 %
        (``tests/test_did.py::test_pretrend_test_size_on_parallel_panels``).
    n_boot, boot_weights : int, str
        Draws and weight type of the wild bootstrap pre-trend test.
    seed : int, Generator or None
        Seed of the bootstrap and of the sup-t band's Gaussian draws (default 0).
    missing : {"raise", "drop"}
        Missing values in the columns used raise; ``"drop"`` drops those rows with a
        :class:`~effekt.errors.DroppedRowsWarning`.

    Returns
    -------
    Trajectory
        ``frame`` has ``event_time, time`` (the calendar period), ``estimate, std_error,
        ci_low, ci_high, sim_low, sim_high, pvalue``; ``pretrend`` holds the pre-trend test
        and ``reference_period`` the normalised event time.

    Notes
    -----
    Weighted least squares of the cell share on unit and period fixed effects and
    ``D_u x 1[e = k]`` for every event time ``k`` other than ``reference_period``; CR2
    covariance by unit (weights read as inverse variances, see :func:`did`) with t(G - 1).
    Unit effects are absorbed by within-unit demeaning; because they are nested within the
    clusters this leaves the CR2 covariance unchanged (Pustejovsky & Tipton 2018). The
    pre-trend test is the joint test that all ``k < 0`` coefficients (other than the
    reference) are zero. The simultaneous band uses the sup-t critical value from the
    coefficients' joint covariance (as :func:`effekt.trajectory.effect_over_time`).

    Examples
    --------
    >>> from effekt.synthetic.panels import municipality_panel
    >>> m = municipality_panel("hir", "company", seed=5)
    >>> es = event_study(m, None, "participating", id="municipality", time="month",
    ...                  start="2018-03", count="count", denominator="denominator")
    >>> last = es.frame.iloc[-1]
    >>> int(last["event_time"]), bool(last["ci_low"] < 0.031 < last["ci_high"])
    (12, True)
    """
    func = "event_study"
    data = check_frame(
        data,
        func,
        outcome=outcome,
        treatment=treatment,
        id=id,
        time=time,
        count=count,
        denominator=denominator,
        weights=weights,
    )
    conf_level = check_conf_level(conf_level, func)
    check_choice(pretrend_test, "pretrend_test", func, ("wild", "cr2"))
    check_choice(boot_weights, "boot_weights", func, ("webb", "rademacher"))
    n_boot = check_resamples(n_boot, "n_boot", func, low=99)
    rows = _event_rows(
        data,
        outcome,
        treatment,
        id,
        time,
        start,
        (count, denominator),
        weights,
        (treated_value, outcome_value),
        missing,
        func,
    )
    cells = _event_cells(rows, window, func)
    with one_blas_thread():  # many small dense products: threads cost more than they give
        fit, events, others, Z, cu = _event_fit(cells, reference_period, func)
        j0 = Z.shape[1] - 1 - len(others)
        b, V = fit.params[j0:], fit.cov[j0:, j0:]
        se = np.sqrt(np.diag(V))
        q = critical_value(conf_level, fit.df_resid)
        crit = _sup_t(V, se, conf_level, q, 10_000, seed)
        boot = {"n_boot": n_boot, "boot_weights": boot_weights, "seed": seed}
        pre = j0 + np.flatnonzero(others < 0)
        pretrend = _pretrend(fit, Z, cells[3], cu, pre, pretrend_test, boot)
    frame, cov = _event_frame(b, V, others, reference_period, crit, conf_level, fit.df_resid)
    s, tlabels = rows["start"], rows["tlabels"]
    frame.insert(1, "time", [tlabels[s + int(k)] for k in frame["event_time"]])
    G = int(fit.n_clusters or 0)
    return Trajectory(
        frame=frame,
        cov=cov,
        critical_value=crit,
        conf_level=conf_level,
        simultaneous="sup-t",
        scale=rows["scale"],
        method=f"unit and period fixed effects, CR2 by {quote(id)} ({G} clusters), t({G - 1}); "
        f"sup-t band (seed {seed})",
        time_name="event time",
        outcome=str(outcome) if outcome is not None else f"{count} / {denominator}",
        df=fit.df_resid,
        n_clusters=G,
        pretrend=pretrend,
        reference_period=int(reference_period),
        period_column="event_time",
    )
