"""Randomised trials: differences in proportions and means, arms, subgroups and power."""

from .arms import SubgroupResult as SubgroupResult
from .arms import compare_arms as compare_arms
from .arms import subgroups as subgroups
from .means import difference_in_means as difference_in_means
from .means import difference_in_means_from_summary as difference_in_means_from_summary
from .power import PowerResult as PowerResult
from .power import minimum_detectable_effect as minimum_detectable_effect
from .power import power as power
from .power import sample_size as sample_size
