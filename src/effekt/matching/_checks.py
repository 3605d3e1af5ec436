"""Boundary checks specific to matching: ``ratio`` against the units there are to match to,
and the covariate scale that distances and the propensity model can square without overflow.

Seeds, level values and resampling sizes use the shared validators of :mod:`effekt._validate`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._validate import argument_error, quote
from ..errors import EffektError


def check_ratio(ratio: int, treated: np.ndarray, estimand: str, func: str) -> None:
    """``ratio`` matches per focal unit need at least that many units in the other group."""
    other = int(treated.sum()) if estimand == "ATC" else int((~treated).sum())
    if estimand == "ATE":
        other = min(int(treated.sum()), int((~treated).sum()))
    if ratio > max(other, 1):
        raise argument_error(
            func,
            "ratio",
            f"at most the number of units to match to ({other} in this data)",
            ratio,
        )


#: Largest covariate magnitude matching accepts: squares and cross-products of larger values
#: overflow a float (Mahalanobis distances, the propensity model's information matrix).
MAX_COVARIATE = 1e150


def check_covariate_scale(X: Any, sources: list[Any], func: str) -> None:
    """Covariates small enough to square: else EffektError naming the covariate and the fix."""
    if X.shape[0] == 0 or X.shape[1] == 0:
        return
    col_max = np.asarray(
        abs(X).max(axis=0).todense() if hasattr(X, "todense") else abs(X).max(axis=0)
    )
    col_max = col_max.ravel()
    big = np.flatnonzero(col_max > MAX_COVARIATE)
    if big.size:
        j = int(big[0])
        raise EffektError(
            f"The covariate {quote(sources[j])} passed to {func}() holds values up to "
            f"{col_max[j]:.3g}, too large to compute distances or a propensity model with "
            f"(at most {MAX_COVARIATE:.0e}); rescale it (e.g. to thousands or millions)."
        )
