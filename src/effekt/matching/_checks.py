"""Boundary checks specific to matching: ``ratio`` against the units there are to match to,
and the covariate scale that distances and the propensity model can square without overflow.

Seeds, level values and resampling sizes use the shared validators of :mod:`effekt._validate`.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np

from .._validate import argument_error, quote
from ..errors import EffektError, SmallSampleWarning, UndefinedValueWarning
from ..results import EffectResult, effect_from_normal


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


#: Fewest units per arm for which :func:`ipw`, :func:`aipw` and
#: :func:`weighted_effect` (so matching and subclassification) report a sandwich interval.
MIN_ARM = 5


def small_arm(func: str, t: np.ndarray, se: float, notes: list[str]) -> float:
    """The minimum-information rule: no sandwich SE from an arm of fewer than MIN_ARM units.

    With one or two treated the sandwich "SE" is near zero and the p-value is float noise
    (p < 0.001 where Fisher's exact p > 0.05); the SE is then NaN, with a warning and a note.
    """
    smallest = min(int(t.sum()), int((~t).sum()))
    if smallest >= MIN_ARM:
        return se
    return _no_interval(func, smallest, t, notes)


def constant_outcome(
    func: str, y: np.ndarray, est: float, se: float, notes: list[str]
) -> tuple[float, float]:
    """An outcome that does not vary has no sampling information: estimate 0, SE NaN, a note.

    Without this the sandwich SE is float noise and a -0.0 pp effect came with p < 0.001.
    """
    if y.size == 0 or np.ptp(y) > 0 or not np.isfinite(se):
        return est, se
    warnings.warn(
        f"{func}(): the outcome takes one value in every unit, so there is no effect to "
        "estimate and no interval or p-value (NaN).",
        SmallSampleWarning,
        stacklevel=3,
    )
    notes.append("no interval or p-value (NaN): the outcome takes one value in every unit")
    return 0.0, math.nan


def _no_interval(func: str, smallest: int, t: np.ndarray, notes: list[str]) -> float:
    """Warn and note that a tiny arm leaves no interval; the NaN SE."""
    arm = "treated" if int(t.sum()) <= int((~t).sum()) else "control"
    message = (
        f"{func}(): the {arm} group has {smallest} unit(s), fewer than {MIN_ARM}; the sandwich "
        "SE has no information there, so no interval or p-value is reported (NaN). Compare "
        "the groups with an exact test (e.g. Fisher's) instead."
    )
    warnings.warn(message, SmallSampleWarning, stacklevel=4)
    notes.append(
        f"no interval or p-value (NaN): the {arm} group has {smallest} unit(s), "
        f"fewer than the {MIN_ARM} the sandwich SE needs"
    )
    return math.nan


def quiet_effect(est: float, se: float, conf: float, **fields: Any) -> EffectResult:
    """The Wald result; a NaN SE set on purpose above (already warned about with a
    SmallSampleWarning and noted) does not warn a second time as an UndefinedValueWarning."""
    explained = any(str(n).startswith("no interval or p-value (NaN)") for n in fields["notes"])
    with warnings.catch_warnings():
        if math.isnan(se) and explained:
            warnings.simplefilter("ignore", UndefinedValueWarning)
        return effect_from_normal(est, se, conf, **fields)
