"""Boundary checks of the matching package that the shared validators do not have yet.

Private helpers; candidates to fold into :mod:`effekt._validate`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._validate import argument_error

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
