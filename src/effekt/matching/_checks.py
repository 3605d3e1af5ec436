"""Boundary checks of the matching package that the shared validators do not have yet.

Private helpers; candidates to fold into :mod:`effekt._validate`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._validate import argument_error, quote
from ..errors import EffektError

#: Upper bound of ``n_boot`` (bootstrap replicates): the Monte-Carlo error of a percentile
#: limit is already negligible far below it, and it bounds the run time.
MAX_BOOT = 100_000
#: Upper bound of ``n_draws`` (simulation draws of the sup-t band), for the same reason.
MAX_DRAWS = 1_000_000


def check_seed(seed: Any, func: str) -> np.random.Generator:
    """A random generator from ``seed``: a whole number >= 0, a Generator or None."""
    if isinstance(seed, np.random.Generator):
        return seed
    ok = seed is None or (
        isinstance(seed, (int, np.integer)) and not isinstance(seed, bool) and seed >= 0
    )
    if not ok:
        raise argument_error(func, "seed", "a whole number >= 0, a numpy Generator or None", seed)
    return np.random.default_rng(seed)


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


def check_level(value: Any, argument: str, func: str) -> None:
    """A level value (``treated_value``): one hashable value such as 1, True or "yes"."""
    try:
        hash(value)
    except TypeError:
        raise argument_error(
            func, argument, "one value of the column (such as 1, True or 'yes'), not a list", value
        ) from None


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
