"""Propensity-score matching for observational studies.

See :mod:`effekt.matching.nearest` for the conventions (and every difference from R
MatchIt 4), :mod:`effekt.matching.propensity` for the propensity model and
:mod:`effekt.matching.balance` for the balance table.

Examples
--------
>>> import effekt as ef
>>> callable(ef.matching.match)
True
"""

from __future__ import annotations

from .balance import balance_matrix
from .nearest import MatchResult, match
from .propensity import PropensityScore, propensity_score
from .sensitivity import EValue, RosenbaumBounds, e_value, rosenbaum_bounds
from .weighting import aipw, ipw

__all__ = ["MatchResult", "PropensityScore", "balance_matrix", "match", "propensity_score"]
__all__ += ["EValue", "RosenbaumBounds", "aipw", "e_value", "ipw", "rosenbaum_bounds"]
