"""Covariate balance before and after matching (internal), with MatchIt's (and cobalt's) definitions.

For every covariate — and every level of a categorical covariate, each as a 0/1 dummy —
the table gives, in the full sample ("before") and in the matched sample with the matching
weights ("after"):

* ``mean_treated``, ``mean_control``: (weighted) means;
* ``smd``: standardized mean difference ``(mean_t - mean_c) / s``, where ``s`` is the
  treated group's standard deviation **in the full sample** (the ATT convention of MatchIt
  and cobalt), ``sqrt(p (1 - p))`` for a binary variable with treated share ``p``, and the
  sample SD (denominator ``n - 1``) otherwise; the same ``s`` is used after matching so that
  the two columns are comparable;
* ``var_ratio``: ratio of (weighted) variances treated/control, for non-binary variables
  only; the weighted variance is ``sum w (x - m)^2 / (sum w - sum w^2 / sum w)``
  (unbiased for reliability weights; the usual ``n - 1`` variance without weights);
* ``ecdf_mean``, ``ecdf_max``: mean and maximum of the absolute difference between the
  (weighted) empirical CDFs of the two groups, taken over the distinct values of the
  variable **in the full sample** (unmatched units have weight 0 but their values still
  count as evaluation points, as in MatchIt's ``summary()``); for a binary variable both
  equal the absolute difference in proportions.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import cast

import numpy as np
import pandas as pd

from .._design import encode_covariates
from .._validate import handle_missing

__all__: list[str] = []

STAT_COLUMNS = ("mean_treated", "mean_control", "smd", "var_ratio", "ecdf_mean", "ecdf_max")


def balance_matrix(
    data: pd.DataFrame, covariates: Sequence[Hashable]
) -> tuple[np.ndarray, list[str], np.ndarray]:
    """Covariates as columns for the balance table: numeric as is, every categorical level a dummy.

    Returns the matrix, the row names (``"<column>_<level>"`` for dummies) and a boolean
    array flagging binary (0/1) columns, from :func:`effekt._design.encode_covariates`
    with ``drop_first=False``. A missing value in any of the columns raises
    :class:`~effekt.errors.MissingValueError` naming the column.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"age": [25, 40, 31], "group": ["kh", "rf", "kh"]})
    >>> X, names, binary = balance_matrix(df, ["age", "group"])
    >>> names, binary.tolist()
    (['age', 'group_kh', 'group_rf'], [False, True, True])
    """
    # a missing value would give NaN means or a row counted in no dummy: refuse it
    handle_missing(data, list(covariates), "raise", "balance")
    design = encode_covariates(data, covariates, "balance", drop_first=False)
    return np.asarray(design.X), design.names, design.binary


def _sort_info(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sort order of ``x`` and flags of the last position of each run of equal values
    (any order among equal values will do: only run ends are evaluated)."""
    order = np.argsort(x)
    xs = x[order]
    last = np.empty(len(xs), dtype=bool)
    np.not_equal(xs[1:], xs[:-1], out=last[:-1])
    last[-1] = True
    return order, last


def _ecdf_stats(order: np.ndarray, last: np.ndarray, signed: np.ndarray) -> tuple[float, float]:
    """Mean and max over distinct values of |F_t(x) - F_c(x)|.

    ``signed`` holds ``w_i / sum_C w`` for controls and ``-w_i / sum_T w`` for treated
    units (data order), so its cumulative sum in sorted order is ``F_c - F_t``.
    """
    diff = np.abs(np.cumsum(signed[order])[last])
    return float(diff.mean()), float(diff.max())


def balance_stats(
    X: np.ndarray,
    binary: np.ndarray,
    treated: np.ndarray,
    weights: np.ndarray,
    sd_treated_full: np.ndarray,
    orders: list[tuple[np.ndarray, np.ndarray] | None] | None = None,
) -> np.ndarray:
    """Columns of :data:`STAT_COLUMNS` (rows = covariates) for one sample/weighting.

    ``orders`` may hold the precomputed :func:`_sort_info` of each non-binary column
    (shared between the before and after tables).
    """
    wt = np.where(treated, weights, 0.0)
    wc = np.where(treated, 0.0, weights)
    out = np.full((X.shape[1], len(STAT_COLUMNS)), np.nan)
    swt, swc = wt.sum(), wc.sum()
    if not (swt > 0 and swc > 0):
        return out
    mt, mc = (wt @ X) / swt, (wc @ X) / swc
    out[:, 0], out[:, 1] = mt, mc
    # weighted variances, centred per group: sum w (x - m)^2 / (sum w - sum w^2 / sum w)
    cont = np.flatnonzero(~binary)
    if cont.size:
        Xc = X[:, cont]
        dev = Xc - np.where(treated[:, None], mt[cont], mc[cont])
        dev *= dev
        vt = (wt @ dev) / (swt - (wt @ wt) / swt)
        vc = (wc @ dev) / (swc - (wc @ wc) / swc)
        with np.errstate(invalid="ignore", divide="ignore"):
            out[cont, 3] = vt / vc
    with np.errstate(invalid="ignore", divide="ignore"):
        out[:, 2] = np.where(
            sd_treated_full > 0,
            (mt - mc) / np.where(sd_treated_full > 0, sd_treated_full, 1),
            np.nan,
        )
    signed = wc / swc - wt / swt
    for j in range(X.shape[1]):
        if binary[j]:
            out[j, 4] = out[j, 5] = abs(mt[j] - mc[j])
        else:
            info = (
                cast("tuple[np.ndarray, np.ndarray]", orders[j])
                if orders is not None and orders[j] is not None
                else _sort_info(X[:, j])
            )
            out[j, 4], out[j, 5] = _ecdf_stats(info[0], info[1], signed)
    return out


def treated_sd(X: np.ndarray, binary: np.ndarray, treated: np.ndarray) -> np.ndarray:
    """Full-sample SD of the treated group: sqrt(p(1-p)) for binaries, n-1 SD otherwise."""
    xt = X[treated]
    p = xt.mean(axis=0)
    sd = xt.std(axis=0, ddof=1) if len(xt) > 1 else np.zeros(X.shape[1])
    return np.where(binary, np.sqrt(np.clip(p * (1 - p), 0, None)), sd)


def balance_frame(
    X: np.ndarray,
    names: list[str],
    binary: np.ndarray,
    treated: np.ndarray,
    weights_before: np.ndarray,
    weights_after: np.ndarray,
) -> pd.DataFrame:
    """The before/after balance table (one row per covariate or dummy level)."""
    sd = treated_sd(X, binary, treated)
    X = np.asfortranarray(X)
    orders = [None if binary[j] else _sort_info(X[:, j]) for j in range(X.shape[1])]
    before = balance_stats(X, binary, treated, weights_before, sd, orders)
    after = balance_stats(X, binary, treated, weights_after, sd, orders)
    frame = pd.DataFrame(index=pd.Index(names, name="covariate"))
    frame["type"] = np.where(binary, "binary", "continuous")
    for k, col in enumerate(STAT_COLUMNS):
        frame[f"{col}_before"] = before[:, k]
    for k, col in enumerate(STAT_COLUMNS):
        frame[f"{col}_after"] = after[:, k]
    return frame
