"""Propensity-score matching for observational studies.

See :mod:`effekt.matching.nearest` for the conventions (and every difference from R
MatchIt 4), :mod:`effekt.matching.propensity` for the propensity model and
:mod:`effekt.matching.balance` for the balance table.
"""

from __future__ import annotations

from .propensity import PropensityScore, propensity_score
from .sensitivity import EValue, RosenbaumBounds, e_value, rosenbaum_bounds
from .weighting import aipw, ipw

__all__ = ["PropensityScore", "propensity_score"]
__all__ += ["EValue", "RosenbaumBounds", "aipw", "e_value", "ipw", "rosenbaum_bounds"]
