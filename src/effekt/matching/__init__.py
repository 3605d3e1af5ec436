"""Propensity-score matching for observational studies.

See :mod:`effekt.matching.nearest` for the conventions (and every difference from R
MatchIt 4), :mod:`effekt.matching.propensity` for the propensity model and
:meth:`MatchResult.balance` for the balance table.

Examples
--------
>>> import effekt as ef
>>> callable(ef.matching.match)
True
"""

from __future__ import annotations

from .balancing import cem, entropy_weights, overlap_weights, weighted_effect
from .designs import BalanceTable, DesignComparison, balance_table, compare_designs
from .nearest import MatchResult, match
from .optimal import optimal_match
from .propensity import PropensityScore, propensity_score
from .sample import MatchedSample
from .sensitivity import EValue, RosenbaumBounds, e_value, rosenbaum_bounds
from .subclass import subclassify
from .weighting import aipw, ipw

__all__ = [
    "BalanceTable",
    "DesignComparison",
    "balance_table",
    "compare_designs",
    "EValue",
    "MatchResult",
    "MatchedSample",
    "PropensityScore",
    "RosenbaumBounds",
    "aipw",
    "cem",
    "e_value",
    "entropy_weights",
    "ipw",
    "match",
    "optimal_match",
    "overlap_weights",
    "propensity_score",
    "rosenbaum_bounds",
    "subclassify",
    "weighted_effect",
]
