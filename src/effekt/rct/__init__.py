"""Randomised trials: effects on binary and continuous outcomes from rows, counts or published
shares.

Examples
--------
>>> from effekt import rct
>>> r = rct.difference_in_proportions_from_counts(208, 1302, 155, 1291)
>>> r.significant
True
"""

from __future__ import annotations

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
]

from .arms import SubgroupResult, compare_arms, subgroups  # noqa: E402
from .means import difference_in_means, difference_in_means_from_summary  # noqa: E402
from .power import PowerResult, minimum_detectable_effect, power, sample_size  # noqa: E402

__all__ += [
    "difference_in_means",
    "difference_in_means_from_summary",
    "compare_arms",
    "subgroups",
    "SubgroupResult",
    "power",
    "sample_size",
    "minimum_detectable_effect",
    "PowerResult",
]

from .over_time import trajectory  # noqa: E402

__all__ += ["trajectory"]
