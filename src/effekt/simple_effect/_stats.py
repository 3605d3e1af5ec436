"""Numerical helpers of :mod:`effekt.simple_effect`: logistic fits, funnel limits,
overdispersion and empirical-Bayes shrinkage (all vectorised)."""

from __future__ import annotations

import warnings

import numpy as np
from scipy import linalg, special, stats

from ..errors import ConvergenceWarning
from ..intervals import newcombe_unchecked


def expit(x: np.ndarray) -> np.ndarray:
    return special.expit(x)


def newcombe_difference(
    x1, n1, x2, n2, conf_level: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Difference p1 - p2 with Newcombe's hybrid score (method 10) interval, vectorised.

    Unlike :func:`effekt.intervals.newcombe_interval` it accepts empty groups (NaN results),
    as when a period holds a single provider.
    """
    x1, n1, x2, n2 = (np.asarray(a, dtype=float) for a in (x1, n1, x2, n2))
    with np.errstate(invalid="ignore", divide="ignore"):
        d = x1 / n1 - x2 / n2
    low, high = newcombe_unchecked(x1, n1, x2, n2, conf_level)
    return d, low, high


def binomial_limits(target: float, n: np.ndarray, prob: float) -> np.ndarray:
    """The ``prob`` quantile of Binomial(n, target)/n, interpolated as in Spiegelhalter (2005).

    With ``r`` the smallest count with ``P(R <= r) >= prob`` (``scipy.stats.binom.ppf``),
    ``a = (P(R <= r) - prob) / (P(R <= r) - P(R <= r - 1))`` and the limit ``(r - a) / n``.
    """
    n = np.asarray(n, dtype=float)
    r = stats.binom.ppf(prob, n, target)
    f_r = stats.binom.cdf(r, n, target)
    f_rm1 = stats.binom.cdf(r - 1, n, target)
    with np.errstate(invalid="ignore", divide="ignore"):
        a = np.where(f_r > f_rm1, (f_r - prob) / (f_r - f_rm1), 0.0)
    return np.clip((r - a) / n, 0.0, 1.0)


def poisson_ratio_limits(expected: np.ndarray, prob: float) -> np.ndarray:
    """The ``prob`` quantile of Poisson(E)/E, interpolated as in Spiegelhalter (2005, A.1.2).

    With ``r`` the smallest count with ``P(O <= r) >= prob`` and
    ``a = (P(O <= r) - prob) / (P(O <= r) - P(O <= r - 1))``, the limit is ``(r - a) / E``.
    """
    e = np.asarray(expected, dtype=float)
    r = stats.poisson.ppf(prob, e)
    f_r = stats.poisson.cdf(r, e)
    f_rm1 = stats.poisson.cdf(r - 1, e)
    with np.errstate(invalid="ignore", divide="ignore"):
        a = np.where(f_r > f_rm1, (f_r - prob) / (f_r - f_rm1), 0.0)
    return np.maximum((r - a) / e, 0.0)


def overdispersion_estimates(
    z: np.ndarray, s: np.ndarray, winsorize: float = 0.1
) -> tuple[float, float, np.ndarray]:
    """Spiegelhalter's (2005) winsorised overdispersion: (phi, tau2, winsorised z).

    ``phi = mean(z_w^2)``; ``tau2 = max(0, (I phi - (I - 1)) / (sum w - sum w^2 / sum w))``
    with ``w = 1 / s^2``. Percentiles use linear interpolation (R's ``quantile`` type 7).
    """
    z = np.asarray(z, dtype=float)
    s = np.asarray(s, dtype=float)
    ok = np.isfinite(z) & np.isfinite(s) & (s > 0)
    z, s = z[ok], s[ok]
    k = z.size
    if k < 2:
        return np.nan, np.nan, z
    lo, hi = np.percentile(z, [100 * winsorize, 100 * (1 - winsorize)])
    zw = np.clip(z, lo, hi)
    phi = float(np.mean(zw**2))
    w = 1.0 / s**2
    tau2 = max(0.0, (k * phi - (k - 1)) / (w.sum() - (w**2).sum() / w.sum()))
    return phi, float(tau2), zw


def dersimonian_laird(y: np.ndarray, v: np.ndarray) -> tuple[float, float, float]:
    """DerSimonian-Laird between-unit variance: (tau2, random-effects mean, its variance)."""
    w = 1.0 / v
    mu_fe = np.sum(w * y) / w.sum()
    q = np.sum(w * (y - mu_fe) ** 2)
    k = y.size
    tau2 = max(0.0, (q - (k - 1)) / (w.sum() - (w**2).sum() / w.sum())) if k > 1 else 0.0
    ws = 1.0 / (v + tau2)
    mu = float(np.sum(ws * y) / ws.sum())
    return float(tau2), mu, float(1.0 / ws.sum())


def _solve_pd(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    try:
        return linalg.solve(a, b, assume_a="pos")
    except (linalg.LinAlgError, ValueError):
        return np.linalg.lstsq(a, b, rcond=None)[0]


def inv_pd(a: np.ndarray) -> np.ndarray:
    try:
        return linalg.inv(a)
    except (linalg.LinAlgError, ValueError):
        return np.linalg.pinv(a)


def logistic_fit(
    X: np.ndarray,
    y: np.ndarray,
    *,
    max_iter: int = 50,
    tol: float = 1e-9,
    start: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Logistic regression by Newton-Raphson (IRLS) on a dense design (first column = intercept).

    Returns (coefficients, fitted probabilities, information matrix ``X' W X``).
    """
    beta = np.zeros(X.shape[1])
    ybar = np.clip(y.mean(), 1e-6, 1 - 1e-6)
    beta[0] = np.log(ybar / (1 - ybar))
    if start is not None:
        beta = start
    elif X.shape[0] > 200_000:
        # warm start from every 10th row, then a few Newton steps on all rows
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            beta = logistic_fit(X[::10], y[::10], max_iter=max_iter, tol=1e-6)[0]
    eta = np.clip(X @ beta, -30, 30)
    converged = False
    for _ in range(max_iter):
        p = expit(eta)
        w = p * (1 - p)
        info = X.T @ (X * w[:, None])
        step = _solve_pd(info, X.T @ (y - p))
        beta = beta + step
        eta = np.clip(X @ beta, -30, 30)
        if np.max(np.abs(step)) < tol * (1 + np.max(np.abs(beta))):
            converged = True
            break
    if not converged:
        warnings.warn(
            "The logistic case-mix model did not converge in "
            f"{max_iter} iterations (separation?); expected counts may be unreliable. "
            "Check for case-mix columns that predict the outcome perfectly.",
            ConvergenceWarning,
            stacklevel=4,
        )
    # the information from the last iteration is used as is: the final step was below tol
    return beta, expit(eta), info


def logistic_fit_fixed_effects(
    codes: np.ndarray,
    n_groups: int,
    X: np.ndarray,
    y: np.ndarray,
    *,
    max_iter: int = 60,
    tol: float = 1e-9,
    start: tuple[np.ndarray, np.ndarray] | None = None,
) -> dict[str, np.ndarray]:
    """Logistic regression with one intercept per group (``alpha_g + x'beta``), by Newton steps
    that eliminate the group intercepts through the Schur complement (cost O(n p^2 + G p^2)).

    Returns alpha, beta, D (group information), U = B / D (G x p), S^{-1} (p x p).
    """
    from scipy import sparse

    p_cols = X.shape[1]
    M = sparse.csr_matrix(
        (np.ones(codes.size), (codes, np.arange(codes.size))), shape=(n_groups, codes.size)
    )
    n_g = np.bincount(codes, minlength=n_groups).astype(float)
    ybar = np.bincount(codes, weights=y, minlength=n_groups) / n_g
    ybar = np.clip(ybar, 1e-4, 1 - 1e-4)
    alpha = np.log(ybar / (1 - ybar))
    beta = np.zeros(p_cols)
    if start is not None:
        alpha, beta = np.array(start[0], dtype=float), np.array(start[1], dtype=float)
    converged = False

    def pieces(alpha: np.ndarray, beta: np.ndarray):
        eta = np.clip(alpha[codes] + X @ beta, -30, 30)
        p = expit(eta)
        w = p * (1 - p)
        D = np.maximum(np.bincount(codes, weights=w, minlength=n_groups), 1e-12)
        Xw = X * w[:, None]
        B = np.asarray(M @ Xw) if p_cols else np.zeros((n_groups, 0))
        C = X.T @ Xw
        U = B / D[:, None]
        S = C - B.T @ U
        return p, D, B, U, S

    for _ in range(max_iter):
        p, D, B, U, S = pieces(alpha, beta)
        r = y - p
        a = np.bincount(codes, weights=r, minlength=n_groups)
        b = X.T @ r
        dbeta = _solve_pd(S, b - B.T @ (a / D)) if p_cols else np.zeros(0)
        dalpha = (a - B @ dbeta) / D
        dalpha = np.clip(dalpha, -5, 5)
        alpha = np.clip(alpha + dalpha, -30, 30)
        beta = beta + dbeta
        big = max(
            np.max(np.abs(dbeta)) if p_cols else 0.0,
            np.max(np.abs(dalpha[np.abs(alpha) < 25])) if (np.abs(alpha) < 25).any() else 0.0,
        )
        if big < tol * (1 + np.max(np.abs(beta)) if p_cols else 1):
            converged = True
            break
    if not converged:
        warnings.warn(
            f"The logistic model with provider effects did not converge in {max_iter} iterations; "
            "directly standardised rates may be unreliable (a provider with 0 % or 100 % "
            "successes?).",
            ConvergenceWarning,
            stacklevel=4,
        )
    p, D, B, U, S = pieces(alpha, beta)
    return {
        "alpha": alpha,
        "beta": beta,
        "D": D,
        "U": U,
        "S_inv": inv_pd(S) if p_cols else np.zeros((0, 0)),
    }


def reference_bins(
    eta: np.ndarray, X: np.ndarray, max_points: int = 4000
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Compress a reference population to at most ``max_points`` equal-count bins of the
    linear predictor: (bin mean of eta, bin mean of X, bin weight). Exact when small."""
    m = eta.size
    if m <= max_points:
        return eta, X, np.full(m, 1.0 / m)
    from scipy import sparse

    order = np.argsort(eta)
    edges = np.linspace(0, m, max_points + 1).astype(np.int64)
    bins = np.repeat(np.arange(max_points), np.diff(edges))
    counts = np.diff(edges).astype(float)
    e = np.bincount(bins, weights=eta[order]) / counts
    M = sparse.csr_matrix((1.0 / counts[bins], (bins, order)), shape=(max_points, m))
    xs = np.asarray(M @ X) if X.shape[1] else np.zeros((max_points, 0))
    return e, xs, counts / m


def logit_shift(
    codes: np.ndarray, eta: np.ndarray, targets: np.ndarray, sizes: np.ndarray
) -> np.ndarray:
    """Per provider ``g`` the shift ``d_g`` with ``sum_{i in g} expit(eta_i + d_g) = t_g``.

    ``targets`` is (G, k): k targets per provider solved at once (damped Newton steps on all
    providers together). A target of 0 gives ``-inf``, a target of ``n_g`` gives ``+inf``.
    """
    G, k = targets.shape
    n = sizes.astype(float)[:, None]
    inner = (targets > 0) & (targets < n)
    t = np.clip(targets, 1e-12, n - 1e-12)
    E = np.bincount(codes, weights=expit(eta), minlength=G)[:, None]
    with np.errstate(divide="ignore", invalid="ignore"):
        shift = np.log(t / (n - t)) - np.log(np.clip(E, 1e-12, None) / np.clip(n - E, 1e-12, None))
    shift = np.where(inner, shift, 0.0)
    for _ in range(60):
        fitted = np.empty((G, k))
        slope = np.empty((G, k))
        for j in range(k):
            p = expit(eta + shift[codes, j])
            fitted[:, j] = np.bincount(codes, weights=p, minlength=G)
            slope[:, j] = np.bincount(codes, weights=p * (1 - p), minlength=G)
        step = np.clip((t - fitted) / np.maximum(slope, 1e-300), -2.0, 2.0)
        step = np.where(inner, step, 0.0)
        shift = shift + step
        if np.max(np.abs(step)) < 1e-10:
            break
    return np.where(inner, shift, np.where(targets <= 0, -np.inf, np.inf))


def shifted_rates(shift: np.ndarray, ref_eta: np.ndarray, ref_weight: np.ndarray) -> np.ndarray:
    """``sum_j w_j expit(ref_eta_j + shift)`` for every entry of ``shift`` (always in [0, 1])."""
    out = np.empty(shift.shape)
    flat, res = shift.reshape(-1), out.reshape(-1)
    for start in range(0, flat.size, 256):
        block = flat[start : start + 256]
        with np.errstate(invalid="ignore"):
            res[start : start + 256] = expit(ref_eta[None, :] + block[:, None]) @ ref_weight
    return np.clip(out, 0.0, 1.0)
