"""Least squares with heteroskedasticity- and cluster-robust covariance (HC0-HC3, CR0-CR2).

The engine behind covariate-adjusted, clustered and stratified effects in every module.
Cluster-robust covariances are computed from per-cluster sufficient statistics
(``X_g'X_g`` and ``X_g'e_g``), so that CR2 (Bell & McCaffrey 2002) costs O(n p^2 + G p^3)
and never forms the n_g x n_g hat-matrix blocks.

Notes
-----
With ``M = (X'WX)^{-1}``, residuals ``e`` and weights ``w`` (rows transformed by
``sqrt(w)``), the covariance is ``M (sum_g u_g u_g') M`` with

* HC0: ``u_i = x_i e_i``; HC1 multiplies by ``n/(n-p)``; HC2 divides ``e_i^2`` by
  ``1 - h_ii``; HC3 by ``(1 - h_ii)^2``;
* CR0: ``u_g = X_g' e_g``; CR1 multiplies by ``G/(G-1) (n-1)/(n-p)`` (Stata, and
  ``sandwich::vcovCL(type="HC1")``); CR2 uses ``u_g = X_g' (I - H_gg)^{-1/2} e_g``.

``(I - H_gg)^{-1/2}`` is applied through the eigen-decomposition of the p x p matrix
``M^{1/2} X_g'X_g M^{1/2}`` (the non-zero eigenvalues of ``H_gg``); eigenvalues equal to one
(a cluster that alone determines a coefficient) are handled with a pseudo-inverse, as in
R's clubSandwich. Reference distribution: t with ``n - p`` degrees of freedom for HC
types and ``G - 1`` for CR types (the small-number-of-clusters correction recommended by
Cameron & Miller 2015 together with CR2).

References
----------
Bell, R. M. & McCaffrey, D. F. (2002). Bias reduction in standard errors for linear
regression with multi-stage samples. *Survey Methodology* 28, 169-181.
Cameron, A. C. & Miller, D. L. (2015). A practitioner's guide to cluster-robust inference.
*Journal of Human Resources* 50, 317-372.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from scipy import stats
from threadpoolctl import threadpool_limits

from ._inference import wald
from .errors import EffektError

CovType = Literal["HC0", "HC1", "HC2", "HC3", "CR0", "CR1", "CR2"]


def one_blas_thread() -> Any:
    """Context manager running BLAS/LAPACK on one thread, for many small dense products.

    Threaded OpenBLAS splits even a 40 x 40 product or eigen-decomposition across the cores,
    and a batch of thousands of them (CR2's per-cluster blocks, the wild bootstrap) then
    spends its time starting and synchronising threads: an event study on 10^5 rows took
    1.97 s with two threads and 0.16 s with one. The limit is lifted on exit.

    Examples
    --------
    >>> with one_blas_thread():
    ...     float(np.linalg.det(np.eye(3)))
    1.0
    """
    return threadpool_limits(limits=1, user_api="blas")


@dataclass(frozen=True)
class LinearFit:
    """Coefficients and their robust covariance."""

    params: np.ndarray
    cov: np.ndarray
    df_resid: float
    nobs: int
    cov_type: str
    n_clusters: int | None = None

    def std_error(self, j: int) -> float:
        return float(np.sqrt(self.cov[j, j]))

    def test(
        self, j: int, conf_level: float = 0.95, value: float = 0.0
    ) -> tuple[float, float, float, tuple[float, float], float]:
        """Estimate, SE, t statistic, CI and two-sided p-value for coefficient ``j``.

        The statistic and p-value test ``coefficient = value``; the corner cases (an SE of 0
        or NaN) follow :func:`effekt._inference.wald`.
        """
        est = float(self.params[j])
        se = self.std_error(j)
        interval = wald(est, se, conf_level, self.df_resid)
        tested = interval if value == 0 else wald(est - value, se, conf_level, self.df_resid)
        return est, se, tested.statistic, interval.ci, tested.pvalue

    def contrast(
        self, c: np.ndarray, conf_level: float = 0.95
    ) -> tuple[float, float, float, tuple[float, float], float]:
        """The same for a linear combination ``c @ params``."""
        c = np.asarray(c, dtype=float)
        est = float(c @ self.params)
        se = float(np.sqrt(c @ self.cov @ c))
        w = wald(est, se, conf_level, self.df_resid)
        return est, se, w.statistic, w.ci, w.pvalue

    def wald(self, idx: np.ndarray) -> tuple[float, float, float]:
        """F-type Wald statistic that the coefficients ``idx`` are all zero: (F, df1, p)."""
        idx = np.asarray(idx)
        b = self.params[idx]
        v = self.cov[np.ix_(idx, idx)]
        q = len(idx)
        f = float(b @ np.linalg.pinv(v) @ b) / q
        p = float(stats.f.sf(f, q, self.df_resid))
        return f, float(q), p


def _cluster_sums(codes: np.ndarray, n_groups: int, values: np.ndarray) -> np.ndarray:
    """Column-wise sums of ``values`` (n x k) within groups -> (G x k)."""
    out = np.empty((n_groups, values.shape[1]))
    for j in range(values.shape[1]):
        out[:, j] = np.bincount(codes, weights=values[:, j], minlength=n_groups)
    return out


def _cluster_crossprods(codes: np.ndarray, n_groups: int, X: np.ndarray) -> np.ndarray:
    """Per-group ``X_g'X_g`` -> (G x p x p).

    Groups of similar size are stacked (zero-padded) into a (G x m x p) array and multiplied
    in one batched product; very unequal groups use p(p+1)/2 weighted bincounts instead.
    """
    n, p = X.shape
    sizes = np.bincount(codes, minlength=n_groups)
    m = int(sizes.max()) if n else 0
    if p > 1 and n_groups * m <= 4 * n + 1024:
        order = np.argsort(codes, kind="stable")
        starts = np.cumsum(sizes) - sizes
        slot = np.arange(n) - np.repeat(starts, sizes)
        stacked = np.zeros((n_groups, m, p))
        stacked[codes[order], slot] = X[order]
        with one_blas_thread():
            return np.swapaxes(stacked, 1, 2) @ stacked
    out = np.empty((n_groups, p, p))
    for j in range(p):
        for k in range(j, p):
            s = np.bincount(codes, weights=X[:, j] * X[:, k], minlength=n_groups)
            out[:, j, k] = s
            out[:, k, j] = s
    return out


def _sym_sqrt(a: np.ndarray) -> np.ndarray:
    vals, vecs = np.linalg.eigh(a)
    return (vecs * np.sqrt(np.clip(vals, 0, None))) @ vecs.T


def _check_residual_variation(yw: np.ndarray, resid: np.ndarray) -> None:
    """Refuse an exact fit: its "standard error" is float noise, and so is its p-value."""
    spread = float(np.linalg.norm(yw - yw.mean()))
    if float(np.linalg.norm(resid)) <= 1e-10 * spread or spread == 0:
        raise EffektError(
            "The outcome is fitted exactly (no residual variation): it is constant, or a "
            "covariate reproduces it (the outcome itself, or a copy of it, given as a covariate). "
            "No standard error can be estimated; remove that covariate or check the outcome."
        )


def _check_leverage(h: np.ndarray) -> None:
    """HC2/HC3 divide by ``1 - h_ii``: a row with leverage 1 has no estimable variance."""
    alone = h > 1 - 1e-8
    if alone.any():
        raise EffektError(
            f"{int(alone.sum())} row(s) alone determine a coefficient of the regression "
            "(leverage 1): an arm or cell has no more rows than the parameters fitted in it, so "
            "the robust (HC2) standard error cannot be estimated. Lin's covariate adjustment "
            "needs at least (number of covariate columns + 2) rows in each arm; a difference in "
            "differences needs at least 2 rows in each group-period cell. Use fewer covariates or "
            "more data."
        )


def ols(
    X: np.ndarray,
    y: np.ndarray,
    *,
    weights: np.ndarray | None = None,
    cov_type: CovType = "HC2",
    cluster: np.ndarray | None = None,
    exact_fit: bool = True,
) -> LinearFit:
    """Weighted least squares of ``y`` on ``X`` (include the intercept column yourself).

    Parameters
    ----------
    X : (n, p) array
    y : (n,) array
    weights : (n,) array, optional
        Non-negative analytic weights (rows with weight zero are ignored).
    cov_type : str
        ``"HC0"``-``"HC3"`` or, with ``cluster``, ``"CR0"``-``"CR2"``.
    cluster : (n,) integer array, optional
        Cluster codes ``0..G-1``.
    exact_fit : bool, default True
        Whether an exact fit (no residual variation) is acceptable. ``False`` raises
        :class:`EffektError` for it: with covariates that reproduce the outcome, the effect
        and its SE are float noise.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.column_stack([np.ones(6), [0, 0, 0, 1, 1, 1]])
    >>> fit = ols(X, np.array([1., 2, 3, 3, 4, 5]))
    >>> round(float(fit.params[1]), 6), round(fit.std_error(1), 6)
    (2.0, 0.816497)
    """
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    n, p = X.shape
    if weights is not None:
        w = np.asarray(weights, dtype=float)
        keep = w > 0
        if not keep.all():
            X, y, w = X[keep], y[keep], w[keep]
            cluster = cluster[keep] if cluster is not None else None
            n = X.shape[0]
        sw = np.sqrt(w)
        Xw = X * sw[:, None]
        yw = y * sw
    else:
        Xw, yw = X, y
    xtx = Xw.T @ Xw
    try:
        M = np.linalg.inv(xtx)
    except np.linalg.LinAlgError as exc:
        raise EffektError(
            "The regression design is singular (a covariate is constant or collinear with another); "
            "remove the redundant covariate."
        ) from exc
    if np.linalg.cond(xtx) > 1e12:
        raise EffektError(
            "The regression design is (nearly) singular: a covariate is constant, or collinear with "
            "the treatment or another covariate; remove it."
        )
    params = M @ (Xw.T @ yw)
    resid = yw - Xw @ params
    if n <= p:
        raise EffektError(
            f"The regression has {n} observations for {p} parameters; more data are needed."
        )
    if not exact_fit:
        _check_residual_variation(yw, resid)

    if cov_type.startswith("HC"):
        if cov_type in ("HC2", "HC3"):
            h = np.einsum("ij,jk,ik->i", Xw, M, Xw)
            _check_leverage(h)
            one_minus_h = np.clip(1 - h, 1e-300, None)
            e2 = resid**2 / (one_minus_h if cov_type == "HC2" else one_minus_h**2)
        else:
            e2 = resid**2
        meat = (Xw * e2[:, None]).T @ Xw
        if cov_type == "HC1":
            meat *= n / (n - p)
        cov = M @ meat @ M
        return LinearFit(params, cov, float(n - p), n, cov_type)

    if cluster is None:
        raise EffektError(f"cov_type={cov_type!r} needs cluster codes.")
    codes = np.asarray(cluster)
    G = int(codes.max()) + 1 if len(codes) else 0
    present = np.bincount(codes, minlength=G) > 0
    if not present.all():
        codes = np.cumsum(present)[codes] - 1
        G = int(present.sum())
    if G < 2:
        raise EffektError(f"Cluster-robust standard errors need at least two clusters; got {G}.")
    scores = _cluster_sums(codes, G, Xw * resid[:, None])  # G x p, rows X_g'e_g
    if cov_type == "CR2":
        grams = _cluster_crossprods(codes, G, Xw)
        m_half = _sym_sqrt(M)
        B = m_half @ grams @ m_half  # G x p x p
        lam, U = np.linalg.eigh(B)
        lam = np.clip(lam, 0.0, None)
        with np.errstate(divide="ignore", invalid="ignore"):
            g = np.where(lam < 1 - 1e-10, 1 / np.sqrt(np.clip(1 - lam, 1e-300, None)) - 1, -1.0)
            f = np.where(lam > 1e-12, g / np.where(lam > 1e-12, lam, 1.0), 0.5)
        v = np.einsum("jk,gk->gj", m_half, scores)  # M^{1/2} s_g
        v = np.einsum("gkj,gk->gj", U, v)  # U' M^{1/2} s_g
        v = v * f
        v = np.einsum("gjk,gk->gj", U, v)  # U diag(f) U' M^{1/2} s_g
        v = np.einsum("jk,gk->gj", m_half, v)
        scores = scores + np.einsum("gjk,gk->gj", grams, v)
    meat = scores.T @ scores
    if cov_type == "CR1":
        meat *= G / (G - 1) * (n - 1) / (n - p)
    cov = M @ meat @ M
    return LinearFit(params, cov, float(G - 1), n, cov_type, n_clusters=G)
