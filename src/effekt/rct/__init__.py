"""Randomised trials: differences in proportions and means, arms, subgroups and power."""

from .means import difference_in_means, difference_in_means_from_summary
from .arms import SubgroupResult, compare_arms, subgroups
from .power import PowerResult, minimum_detectable_effect, power, sample_size
