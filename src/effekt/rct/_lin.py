"""The one regression design of the trial estimators: Lin's (2013) interacted adjustment.

:func:`~effekt.rct.difference_in_proportions` and :func:`~effekt.rct.difference_in_means`
with ``covariates=`` (or ``cluster=``) regress the outcome on ``[1, T, Z, T Z]``, with ``Z``
the centred covariates (encoded by :func:`effekt._validate.design_matrix_sources`) and the
centred stratum dummies. The checks that make the design estimable live here too, so that
both estimators refuse the same inputs with the same message:

* a covariate (or one of its indicator columns) that is constant in the analysed rows;
* a level of a categorical covariate that occurs in one arm only (its indicator and its
  interaction with treatment would be collinear);
* a stratum with only one arm.

Examples
--------
>>> import numpy as np, pandas as pd
>>> df = pd.DataFrame({"age": [30.0, 40, 50, 35, 45, 55]})
>>> t = np.array([True, True, True, False, False, False])
>>> lin_design(df, t, None, ["age"], "f").shape
(6, 4)
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence

import numpy as np
import pandas as pd

from .._linear import LinearFit, ols
from .._validate import check_clusters_per_arm, design_matrix_sources, group_codes
from ..errors import ColumnError, EffektError, quote

__all__ = ["cells_fit", "check_levels_in_both_arms", "check_strata_arms", "lin_design"]


def check_strata_arms(
    n_t: np.ndarray, n_c: np.ndarray, labels: np.ndarray, column: Hashable, func: str
) -> None:
    """Every stratum must hold units of both arms."""
    bad = (n_t == 0) | (n_c == 0)
    if bad.any():
        shown = ", ".join(map(str, labels[bad][:5]))
        raise ColumnError(
            f"The strata column {column!r} passed to {func}() has {int(bad.sum())} "
            f"stratum/strata with only one arm ({shown}); such strata carry no information on "
            "the effect. Merge them with neighbouring strata or drop their rows."
        )


def check_levels_in_both_arms(
    data: pd.DataFrame, t: np.ndarray, covariates: Sequence[Hashable], func: str
) -> None:
    """Each level of a categorical (text, category or boolean) covariate occurs in both arms.

    Examples
    --------
    >>> df = pd.DataFrame({"benefit": ["kh", "dp", "kh", "kh"]})
    >>> check_levels_in_both_arms(df, np.array([True, True, False, False]), ["benefit"], "f")
    Traceback (most recent call last):
    ...
    effekt.errors.ColumnError: Level 'dp' of the covariate 'benefit' passed to f() occurs in the treated group (1 rows) but never in the control group; Lin's adjustment interacts every level with treatment, so each level needs rows in both groups. Merge 'dp' with another level, or drop its rows.
    """
    for column in covariates:
        values = data[column]
        if values.dtype != bool and pd.api.types.is_numeric_dtype(values):
            continue
        for arm, other, rows in (("treated", "control", t), ("control", "treated", ~t)):
            present = set(pd.unique(values[rows]))
            absent = [v for v in pd.unique(values[~rows]) if v not in present]
            if absent:
                level = absent[0]
                n_level = int((values[~rows] == level).sum())
                raise ColumnError(
                    f"Level {quote(level)} of the covariate {quote(column)} passed to {func}() "
                    f"occurs in the {other} group ({n_level} rows) but never in the {arm} group; "
                    "Lin's adjustment interacts every level with treatment, so each level needs "
                    f"rows in both groups. Merge {quote(level)} with another level, or drop its "
                    "rows."
                )


def _covariate_block(
    data: pd.DataFrame, t: np.ndarray, covariates: list[Hashable], func: str
) -> np.ndarray:
    X, names, sources = design_matrix_sources(data, covariates, func)
    check_levels_in_both_arms(data, t, covariates, func)
    constant = X.std(axis=0) == 0
    if constant.any():
        j = int(np.argmax(constant))
        column, name = sources[j], names[j]
        detail = "" if name == str(column) else f" (its indicator {name!r} is constant)"
        raise ColumnError(
            f"The covariate {quote(column)} passed to {func}() is constant in the analysed rows"
            f"{detail}; it cannot adjust anything: remove it from covariates=."
        )
    return X


def _strata_block(
    data: pd.DataFrame, t: np.ndarray, strata: Hashable, func: str
) -> np.ndarray | None:
    codes, labels = group_codes(data[strata], strata, "strata", func)
    n_t = np.bincount(codes, weights=t.astype(float), minlength=len(labels))
    n_c = np.bincount(codes, minlength=len(labels)) - n_t
    check_strata_arms(n_t, n_c, labels, strata, func)
    if len(labels) < 2:
        return None
    D = np.zeros((len(codes), len(labels) - 1))
    rows = np.flatnonzero(codes > 0)
    D[rows, codes[rows] - 1] = 1.0
    return D


def _check_rows_per_arm(n_treated: int, n_control: int, k: int, func: str) -> None:
    """Lin's regression fits ``1 + k`` parameters in each arm: it needs ``k + 2`` rows there.

    With fewer, a row alone determines a coefficient (leverage 1) and HC2 has no variance to
    estimate: the interval is float noise (+-1e134 pp was seen with 2 treated rows).
    """
    for arm, n_arm in (("treated", n_treated), ("control", n_control)):
        if n_arm < k + 2:
            raise EffektError(
                f"{func}(): the {arm} group has {n_arm} rows, but the covariate adjustment fits "
                f"{k + 1} parameters in each group (an intercept and {k} covariate/stratum "
                f"columns) and needs at least {k + 2} rows in each. Use fewer covariates "
                "(or none) for so small a group."
            )


def lin_design(
    data: pd.DataFrame,
    t: np.ndarray,
    strata: Hashable | None,
    covariates: list[Hashable],
    func: str,
    *,
    interact: bool = True,
) -> np.ndarray:
    """``[1, T, Z, T Z]`` with ``Z`` the centred covariates and stratum dummies (Lin 2013).

    With ``interact=False`` the design is ``[1, T, Z]`` (additive stratum dummies).
    """
    blocks = [_covariate_block(data, t, covariates, func)] if covariates else []
    if strata is not None:
        D = _strata_block(data, t, strata, func)
        if D is not None:
            blocks.append(D)
    k = sum(b.shape[1] for b in blocks)
    if interact and k:
        _check_rows_per_arm(int(t.sum()), int((~t).sum()), k, func)
    X = np.empty((len(t), 2 + (2 if interact else 1) * k))
    X[:, 0] = 1.0
    X[:, 1] = t
    j = 2
    for b in blocks:
        X[:, j : j + b.shape[1]] = b
        j += b.shape[1]
    if k:
        Z = X[:, 2 : 2 + k]
        Z -= Z.mean(axis=0)
        if interact:
            np.multiply(Z, X[:, 1:2], out=X[:, 2 + k :])
    return X


# --------------------------------------------------------------------------- cells (push-down)


def _cells_design(
    cells: pd.DataFrame, t: np.ndarray, strata: Hashable | None, func: str, *, interact: bool
) -> np.ndarray:
    """``[1, T, Z(, T Z)]`` per cell, ``Z`` the stratum dummies centred at their row mean.

    The same design as :func:`lin_design` without covariates: a cell's row stands for its
    ``n`` identical rows, so the centring is weighted by ``n``.
    """
    n = cells["n"].to_numpy()
    blocks = []
    if strata is not None:
        codes, labels = group_codes(cells["strata"], strata, "strata", func)
        n_t = np.bincount(codes, weights=n * t, minlength=len(labels))
        n_c = np.bincount(codes, weights=n, minlength=len(labels)) - n_t
        check_strata_arms(n_t, n_c, labels, strata, func)
        if len(labels) > 1:
            D = np.zeros((len(codes), len(labels) - 1))
            rows = np.flatnonzero(codes > 0)
            D[rows, codes[rows] - 1] = 1.0
            blocks.append(D - (n @ D) / n.sum())
    k = sum(b.shape[1] for b in blocks)
    if interact and k:
        n_treated = int(round(n[t].sum()))
        _check_rows_per_arm(n_treated, int(round(n.sum())) - n_treated, k, func)
    tt = t.astype(float)[:, None]
    parts = [np.ones((len(n), 1)), tt, *blocks]
    if interact:
        parts += [b * tt for b in blocks]
    return np.hstack(parts)


def cells_fit(
    cells: pd.DataFrame,
    t: np.ndarray,
    sums: np.ndarray,
    strata: Hashable | None,
    cluster: Hashable,
    func: str,
    *,
    interact: bool,
) -> LinearFit:
    """``y ~ 1 + T`` (+ centred stratum dummies) with CR2 by cluster, from cell sums alone.

    Every regressor is constant within a (cluster, arm, stratum) cell, so the fit and its
    CR2 covariance equal those of the unit-level regression: with ``n_c`` rows of identical
    ``x_c`` and outcome sum ``s_c``, ``X'X = sum n_c x_c x_c'``, ``X'y = sum x_c s_c``, and
    for cluster ``g`` ``X_g'X_g = sum_{c in g} n_c x_c x_c'`` and
    ``X_g'e_g = sum_{c in g} x_c (s_c - n_c x_c'b)``. CR2's adjustment
    ``A_g = (I - H_gg)^{-1/2} = I + X_g C_g X_g'`` with the p x p matrix ``C_g`` from the
    eigen-decomposition of ``(X'X)^{-1/2} X_g'X_g (X'X)^{-1/2}`` gives
    ``X_g'A_g e_g = X_g'e_g + X_g'X_g C_g X_g'e_g``: per-cluster sums only. Weighted least
    squares of the cell means ``s_c / n_c`` with weights ``n_c`` computes exactly these sums
    (:func:`effekt._linear.ols`). The outcome's squares are not needed.
    """
    X = _cells_design(cells, t, strata, func, interact=interact)
    n = cells["n"].to_numpy()
    ccodes, _ = group_codes(cells["cluster"], cluster, "cluster", func, min_groups=2)
    check_clusters_per_arm(ccodes, t, cluster, func)
    ybar = sums / n
    if len(n) <= X.shape[1]:  # as many cells as parameters: halve each cell (same sums)
        X, ybar, n, ccodes = (np.concatenate([a, a]) for a in (X, ybar, n / 2, ccodes))
    return ols(X, ybar, weights=n, cov_type="CR2", cluster=ccodes, exact_fit=True)
