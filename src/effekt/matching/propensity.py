"""Propensity scores: the probability of treatment given the covariates.

:func:`propensity_score` fits an unpenalised logistic regression by iteratively
reweighted least squares, exactly as R's ``glm(treat ~ ..., family = binomial)`` does (same
starting values, same convergence rule), so that the scores equal R MatchIt's
``distance = "glm"`` to rounding error and the matched samples agree. Any scikit-learn
classifier with ``predict_proba`` may be passed instead.

Conventions
-----------
* Numeric and boolean covariates enter linearly; other columns (strings, pandas
  ``category``) are one-hot encoded with the first level (in sorted order) as reference,
  named ``"<column>_<level>"`` (R writes ``racehispan`` for ``race_hispan``).
* A covariate that is constant, or whose dummy column is constant, raises
  :class:`~effekt.errors.EffektError` (R would silently drop it as ``NA``).
* A covariate that separates treated from controls on its own (every treated value at or
  above every control value, or the reverse; e.g. a category level present in one group
  only) raises :class:`~effekt.errors.EffektError` naming the covariate and the counts: the
  logit maximum-likelihood estimate does not exist and no control is comparable to those
  treated units. Separation by a combination of covariates is detected from the fit
  (fitted probabilities numerically 0 or 1) and reported with the covariates that have the
  largest standardised coefficients.
* Non-convergence within ``max_iter`` iterations (25, R's default) without separation
  emits :class:`~effekt.errors.ConvergenceWarning`.
"""

from __future__ import annotations

import warnings
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy.special import expit

from .._design import encode_covariates
from .._validate import (
    argument_error,
    as_column_list,
    check_frame,
    handle_missing,
    quote,
    require_columns,
    two_valued,
)
from ..errors import ColumnError, ConvergenceWarning, EffektError
from ..language import number, speaks, term
from ..results import Result

__all__ = ["PropensityScore", "propensity_score"]

_FUNC = "propensity_score"
# R's binomial()$linkinv clamps the linear predictor at +-30 (THRESH in family.c).
_ETA_CLAMP = 30.0


@dataclass(frozen=True)
class PropensityScore(Result):
    """A fitted propensity model.

    Attributes
    ----------
    scores : Series
        Estimated P(treated | covariates), indexed like the rows of ``data`` that were used
        (all rows unless ``missing="drop"`` removed some).
    linear_predictor : Series
        The logit of the scores (``X @ coef`` for the logistic model).
    treated : ndarray of bool
        Treatment indicator for the same rows.
    coef : Series or None
        Logistic-regression coefficients (``"(Intercept)"`` first); ``None`` for a
        scikit-learn model.
    std_errors : Series or None
        Model-based standard errors of ``coef`` (inverse Fisher information).
    converged : bool
    n_iter : int or None
    model : str
        ``"logit"`` or the class name of the scikit-learn estimator.
    feature_names : tuple of str
        Columns of the design matrix (dummies named ``"<column>_<level>"``).
    treatment : str
    covariates : tuple
    """

    scores: pd.Series
    linear_predictor: pd.Series
    treated: np.ndarray
    coef: pd.Series | None
    converged: bool
    model: str
    feature_names: tuple[str, ...]
    treatment: Hashable = None
    covariates: tuple[Hashable, ...] = ()
    std_errors: pd.Series | None = None
    n_iter: int | None = None
    estimator: Any = None
    _X: np.ndarray | None = field(default=None, repr=False, compare=False)

    @property
    def n_treated(self) -> int:
        return int(self.treated.sum())

    @property
    def n_control(self) -> int:
        return int((~self.treated).sum())

    def to_frame(self) -> pd.DataFrame:
        """The coefficient table (estimate, std_error, z) for the logit model, else empty."""
        if self.coef is None:
            return pd.DataFrame(columns=["estimate", "std_error", "z"])
        se = (
            self.std_errors
            if self.std_errors is not None
            else pd.Series(np.nan, index=self.coef.index)
        )
        return pd.DataFrame({"estimate": self.coef, "std_error": se, "z": self.coef / se})

    @speaks
    def summary(self) -> str:
        """Model, sample sizes, score distribution by group and (for the logit) coefficients."""
        s = self.scores.to_numpy()
        lines = [
            term("Propensity score ({model}) for {treatment}: {n_t} treated, {n_c} control, {state}")
            .format(
                model=self.model, treatment=quote(self.treatment),
                n_t=number(self.n_treated, 0), n_c=number(self.n_control, 0),
                state=term("converged" if self.converged else "NOT converged"),
            )
            + (term(" in {n} iterations").format(n=self.n_iter) if self.n_iter is not None else ""),
        ]  # fmt: skip
        for name, mask in (("treated", self.treated), ("control", ~self.treated)):
            if mask.any():
                q = [number(v, 3) for v in np.quantile(s[mask], [0, 0.25, 0.5, 0.75, 1])]
                lines.append(
                    f"  {term(name):8s} "
                    + term("scores: min {0}  q1 {1}  median {2}  q3 {3}  max {4}").format(*q)
                )
        if self.coef is not None:
            lines.append(self.to_frame().to_string(float_format=lambda v: f"{v:.6g}"))
        return "\n".join(lines)

    def _html_frame(self) -> pd.DataFrame:
        """The score distribution in each group: n, minimum, quartiles and maximum."""
        s = self.scores.to_numpy()
        rows = []
        for name, mask in (("treated", self.treated), ("control", ~self.treated)):
            q = np.quantile(s[mask], [0, 0.25, 0.5, 0.75, 1]) if mask.any() else [np.nan] * 5
            rows.append(
                {term("group"): term(name), "n": int(mask.sum()), "min": q[0], "q1": q[1]}
                | {term("median"): q[2], "q3": q[3], term("max"): q[4]}
            )
        return pd.DataFrame(rows)

    def __repr__(self) -> str:
        return (
            f"PropensityScore(model={self.model!r}, n_treated={self.n_treated}, "
            f"n_control={self.n_control}, converged={self.converged})"
        )


def _check_design(X: np.ndarray, names: list[str], treated: np.ndarray, func: str) -> None:
    """Constant columns and single-covariate (quasi-)separation raise EffektError."""
    if X.shape[1] == 0:
        return
    lo, hi = X.min(axis=0), X.max(axis=0)
    const = np.flatnonzero(lo == hi)
    if const.size:
        j = int(const[0])
        raise ColumnError(
            f"The covariate {quote(names[j])} passed to {func}() is constant (every value is "
            f"{lo[j]:g}); it carries no information and makes the propensity model singular. Remove it."
        )
    mt, mc = treated[:, None], ~treated[:, None]
    t_lo = np.min(X, axis=0, where=mt, initial=np.inf)
    t_hi = np.max(X, axis=0, where=mt, initial=-np.inf)
    c_lo = np.min(X, axis=0, where=mc, initial=np.inf)
    c_hi = np.max(X, axis=0, where=mc, initial=-np.inf)
    sep = np.flatnonzero((t_hi <= c_lo) | (c_hi <= t_lo))
    if sep.size:
        parts = []
        for j in sep[:5]:
            col = X[:, j]
            is_dummy = bool(np.all((col == 0) | (col == 1)))
            if is_dummy:
                n1t, n1c = int(col[treated].sum()), int(col[~treated].sum())
                nt, nc = int(treated.sum()), int((~treated).sum())
                parts.append(
                    f"{quote(names[j])} (value 1 in {n1t} treated and {n1c} control units, "
                    f"value 0 in {nt - n1t} treated and {nc - n1c} control units)"
                )
            else:
                parts.append(
                    f"{quote(names[j])} (treated range {t_lo[j]:g} to {t_hi[j]:g}, "
                    f"control range {c_lo[j]:g} to {c_hi[j]:g})"
                )
        raise EffektError(
            f"{func}(): perfect or quasi-complete separation: the covariate(s) "
            + "; ".join(parts)
            + " separate treated from control units, so the logistic model has no finite estimate "
            "and some units have no comparable counterpart. Restrict the sample to common support, "
            "coarsen or drop the covariate, or match exactly on it (exact=)."
        )


def _newton(
    Z: np.ndarray, y: np.ndarray, eta: np.ndarray, *, max_iter: int, tol: float, func: str = _FUNC
) -> tuple[np.ndarray, np.ndarray, bool, int]:
    """IRLS iterations from the linear predictor ``eta`` with R's stopping rule.

    Returns the coefficients, the final fitted probabilities, the convergence flag and the
    number of iterations.
    """
    eps = np.finfo(float).eps
    mu = expit(eta)

    def deviance(mu: np.ndarray) -> float:
        with np.errstate(divide="ignore"):
            return float(-2 * np.log(np.where(y == 1, mu, 1 - mu)).sum())

    dev_old = deviance(mu)
    b = np.zeros(Z.shape[1])
    it = 0
    for it in range(1, max_iter + 1):
        w = np.maximum(mu * (1 - mu), eps)
        sw = np.sqrt(w)
        z = eta + (y - mu) / w
        A = Z * sw[:, None]
        info = A.T @ A
        try:
            b = np.linalg.solve(info, A.T @ (z * sw))
        except np.linalg.LinAlgError as exc:
            raise EffektError(
                f"{func}(): the covariates are collinear (the design matrix is singular); "
                "remove a redundant covariate."
            ) from exc
        eta = Z @ b
        mu = expit(np.clip(eta, -_ETA_CLAMP, _ETA_CLAMP))
        np.clip(mu, eps, 1 - eps, out=mu)
        dev = deviance(mu)
        if abs(dev - dev_old) / (abs(dev) + 0.1) < tol:
            return b, mu, True, it
        dev_old = dev
    return b, mu, False, it


# Above this many rows the Newton iterations start from a fit on a fixed subsample
# (the maximum-likelihood estimate is unchanged; only the number of full passes drops).
_WARM_START_ROWS = 200_000
_WARM_START_SAMPLE = 50_000


def _linear_predictor(X: np.ndarray, beta: np.ndarray) -> np.ndarray:
    """``beta[0] + X @ beta[1:]``, accumulated one column at a time.

    A BLAS matrix-vector product may round identical rows differently (blocked kernels), which
    splits ties in the score that R's ``glm`` keeps; column-wise accumulation treats every row
    alike, so identical covariate rows get identical scores.
    """
    eta = np.full(X.shape[0], beta[0], dtype=float)
    for j in range(X.shape[1]):
        eta += X[:, j] * beta[j + 1]
    return eta


def _irls_logit(
    X: np.ndarray, y: np.ndarray, *, max_iter: int = 25, tol: float = 1e-8, func: str = _FUNC
) -> tuple[np.ndarray, np.ndarray, bool, int]:
    """R's glm.fit for the binomial logit, on centred and scaled columns.

    Starts, like R, from ``mu = (y + 0.5) / 2``; on more than 200,000 rows from the fit on a
    fixed random subsample of 50,000 rows instead (then the iterations continue on all
    rows until R's criterion holds, so the estimate is the same maximum-likelihood one).
    Returns coefficients (intercept first, original scale), the inverse Fisher information
    (original scale), the convergence flag and the number of iterations on all rows.
    """
    n, p = X.shape
    mean = X.mean(axis=0)
    sd = X.std(axis=0)
    Z = np.empty((n, p + 1))
    Z[:, 0] = 1.0
    np.subtract(X, mean, out=Z[:, 1:])
    Z[:, 1:] /= sd
    mu0 = (y + 0.5) / 2.0
    eta = np.log(mu0 / (1 - mu0))
    if n > _WARM_START_ROWS:
        sub = np.random.default_rng(20261122).choice(n, _WARM_START_SAMPLE, replace=False)
        try:
            b0, _, ok, _ = _newton(Z[sub], y[sub], eta[sub], max_iter=max_iter, tol=1e-6, func=func)
        except EffektError:
            ok = False
        if ok and np.all(np.isfinite(b0)):
            eta = Z @ b0
    b, mu, converged, it = _newton(Z, y, eta, max_iter=max_iter, tol=tol, func=func)
    eps = np.finfo(float).eps
    A = Z * np.sqrt(np.maximum(mu * (1 - mu), eps))[:, None]
    info = A.T @ A
    cov_s = np.linalg.pinv(info)
    # back-transform: beta_j = b_j / sd_j, intercept = b_0 - sum b_j mean_j / sd_j
    T = np.zeros((p + 1, p + 1))
    T[0, 0] = 1.0
    T[0, 1:] = -mean / sd
    T[1:, 1:] = np.diag(1 / sd)
    beta = T @ b
    cov = T @ cov_s @ T.T
    return beta, cov, converged, it


def propensity_score(
    data: pd.DataFrame,
    treatment: Hashable,
    covariates: Sequence[Hashable] | Hashable,
    *,
    model: Any = "logit",
    treated_value: Any = None,
    missing: str = "raise",
    max_iter: int = 25,
) -> PropensityScore:
    """Estimate propensity scores P(treated | covariates).

    Parameters
    ----------
    data : DataFrame (pandas, Polars, PyArrow), DuckDB relation or PySpark DataFrame
        One row per person; not modified.
        Only the columns named in the other arguments are read (see Notes).
    treatment : column name
        Two-valued treatment column (0/1 or boolean, or any two values with ``treated_value``).
    covariates : column name or list of column names
        Pre-treatment covariates; non-numeric columns are one-hot encoded.
    model : "logit" or scikit-learn classifier
        ``"logit"`` (default): unpenalised logistic regression fitted like R's ``glm``.
        Otherwise an (unfitted) scikit-learn classifier with ``predict_proba``; it is cloned
        and fitted on the design matrix.
    treated_value : optional
        The value of ``treatment`` that marks treated units.
    missing : {"raise", "drop"}
        Missing values in the treatment or covariates raise, or drop the rows with a
        :class:`~effekt.errors.DroppedRowsWarning` giving the count.
    max_iter : int
        Maximum IRLS iterations (R's ``glm.control(maxit = 25)``).

    Returns
    -------
    PropensityScore

    Raises
    ------
    EffektError
        Constant covariate, perfect/quasi separation, collinearity, missing values.

    Notes
    -----
    The logit model maximises ``sum_i [T_i log e_i + (1-T_i) log(1-e_i)]`` with
    ``e_i = 1 / (1 + exp(-x_i'beta))`` by Newton-Raphson (IRLS) starting from
    ``mu = (T + 0.5) / 2``, stopping when ``|dev - dev_old| / (|dev| + 0.1) < 1e-8`` as R's
    ``glm.fit`` does. Columns are centred and scaled internally for numerical stability;
    coefficients are reported on the original scale.

    Any dataframe in: a Polars, PyArrow, DuckDB or PySpark ``data`` is checked against its
    schema and only the treatment and covariate columns are collected into pandas; memory ~ rows
    × those columns. The estimator is unit-level (it needs every row); a pandas DataFrame is
    used as it is.

    References
    ----------
    Rosenbaum, P. R. & Rubin, D. B. (1983). The central role of the propensity score in
    observational studies for causal effects. *Biometrika* 70, 41-55.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from effekt.matching import propensity_score
    >>> rng = np.random.default_rng(1)
    >>> df = pd.DataFrame({"age": rng.normal(40, 10, 400),
    ...                    "group": rng.choice(["a", "b", "c"], 400)})
    >>> df["treat"] = rng.random(400) < 1 / (1 + np.exp(-(df["age"] - 40) / 10))
    >>> ps = propensity_score(df, "treat", ["age", "group"])
    >>> list(ps.coef.index)
    ['(Intercept)', 'age', 'group_b', 'group_c']
    >>> bool(ps.converged), len(ps.scores)
    (True, 400)
    """
    data = check_frame(data, _FUNC, treatment=treatment, covariates=covariates)
    data, covs, treated = _inputs(data, treatment, covariates, treated_value, missing)
    design = encode_covariates(data, covs, _FUNC)
    return _fit_propensity(
        np.asarray(design.X),
        design.names,
        treated,
        data.index,
        model=model,
        max_iter=max_iter,
        treatment=treatment,
        covariates=covs,
        func=_FUNC,
    )


def _inputs(
    data: Any, treatment: Hashable, covariates: Any, treated_value: Any, missing: str
) -> tuple[pd.DataFrame, list[Hashable], np.ndarray]:
    """The checked rows (after the missing-value policy), the covariates and the treated flags."""
    data = check_frame(data, _FUNC)
    covs = as_column_list(covariates)
    if not covs:
        raise argument_error(_FUNC, "covariates", "a non-empty list of column names", covariates)
    require_columns(data, _FUNC, treatment=treatment, covariates=covs)
    if treatment in covs:
        raise EffektError(
            f"The treatment column {quote(treatment)} is also listed in 'covariates' of {_FUNC}(); remove it."
        )
    data = handle_missing(data, [treatment, *covs], missing, _FUNC)
    treated = two_valued(data[treatment], treatment, "treatment", _FUNC, treated_value)
    n_t = int(treated.sum())
    if n_t == 0 or n_t == len(treated):
        raise EffektError(f"{_FUNC}(): the data hold only one treatment group; both are needed.")
    return data, covs, treated


def _fit_propensity(
    X: np.ndarray,
    names: list[str],
    treated: np.ndarray,
    index: pd.Index,
    *,
    model: Any,
    max_iter: int,
    treatment: Hashable,
    covariates: Sequence[Hashable],
    func: str,
) -> PropensityScore:
    """Fit the propensity model on an encoded design (no intercept column) of checked rows."""
    _check_design(X, names, treated, func)
    if isinstance(model, str):
        if model != "logit":
            raise argument_error(
                func, "model", "'logit' or a scikit-learn classifier with predict_proba", model
            )
        fields = _fit_logit(X, names, treated, max_iter, func)
    elif hasattr(model, "fit") and hasattr(model, "predict_proba"):
        fields = _fit_classifier(X, treated, model)
    else:
        raise argument_error(
            func,
            "model",
            "'logit' or a scikit-learn classifier with predict_proba",
            type(model).__name__,
        )
    scores, eta = fields.pop("scores"), fields.pop("eta")
    return PropensityScore(
        scores=pd.Series(scores, index=index, name="propensity"),
        linear_predictor=pd.Series(eta, index=index, name="linear_predictor"),
        treated=treated,
        feature_names=tuple(names),
        treatment=treatment,
        covariates=tuple(covariates),
        _X=X,
        **fields,
    )


def _fit_logit(
    X: np.ndarray, names: list[str], treated: np.ndarray, max_iter: int, func: str
) -> dict[str, Any]:
    """R's glm logit: scores, linear predictor, coefficients and their standard errors."""
    beta, cov, converged, n_iter = _irls_logit(
        X, treated.astype(float), max_iter=max_iter, func=func
    )
    eta = _linear_predictor(X, beta)
    if np.abs(eta).max() >= _ETA_CLAMP - 1e-9 or (not converged and np.abs(eta).max() > 15):
        std_coef = np.abs(beta[1:]) * X.std(axis=0)
        top = [names[j] for j in np.argsort(-std_coef)[:3]]
        n_extreme = int((np.abs(eta) > 15).sum())
        raise EffektError(
            f"{func}(): the logistic model shows perfect or quasi-complete separation by a "
            f"combination of covariates: {n_extreme} units have fitted probabilities numerically "
            f"0 or 1 (largest standardised coefficients: {', '.join(map(quote, top))}). "
            "Those units have no comparable counterpart; restrict the sample to common support, "
            "simplify the model, or match exactly on the offending covariates."
        )
    if not converged:
        warnings.warn(
            f"{func}(): the logistic regression did not converge in {max_iter} iterations; "
            "the scores may be inaccurate. Rescale or simplify the covariates, or raise max_iter.",
            ConvergenceWarning,
            stacklevel=4,
        )
    coef_index = ["(Intercept)", *names]
    return dict(
        scores=expit(eta),
        eta=eta,
        coef=pd.Series(beta, index=coef_index, name="coef"),
        converged=bool(converged),
        model="logit",
        std_errors=pd.Series(
            np.sqrt(np.clip(np.diag(cov), 0, None)), index=coef_index, name="std_error"
        ),
        n_iter=int(n_iter),
    )


def _fit_classifier(X: np.ndarray, treated: np.ndarray, model: Any) -> dict[str, Any]:
    """A clone of a scikit-learn classifier fitted on the design: its scores and logits."""
    from sklearn.base import clone

    est = clone(model)
    est.fit(X, treated.astype(int))
    proba = np.asarray(est.predict_proba(X))
    classes = list(getattr(est, "classes_", [0, 1]))
    scores = proba[:, classes.index(1)]
    clipped = np.clip(scores, 1e-15, 1 - 1e-15)
    return dict(
        scores=scores,
        eta=np.log(clipped / (1 - clipped)),
        coef=None,
        converged=True,
        model=type(model).__name__,
        estimator=est,
    )
