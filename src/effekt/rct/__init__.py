"""Randomised trials: effects on binary and continuous outcomes, from rows, counts or published shares.

Differences in proportions and means, arms, subgroups and power.

Examples
--------
>>> from effekt import rct
>>> r = rct.difference_in_proportions_from_counts(208, 1302, 155, 1291)
>>> r.significant
True
"""

from __future__ import annotations

from .arms import SubgroupResult, compare_arms, subgroups
from .means import difference_in_means, difference_in_means_from_summary
from .power import PowerResult, minimum_detectable_effect, power, sample_size
from .proportions import (
    PROPORTION_METHODS,
    ReportedShares,
    difference_in_proportions,
    difference_in_proportions_from_counts,
    from_reported_shares,
)

__all__ = [
    "PROPORTION_METHODS",
    "ReportedShares",
    "difference_in_proportions",
    "difference_in_proportions_from_counts",
    "from_reported_shares",
    "difference_in_means",
    "difference_in_means_from_summary",
    "SubgroupResult",
    "compare_arms",
    "subgroups",
    "PowerResult",
    "minimum_detectable_effect",
    "power",
    "sample_size",
]
