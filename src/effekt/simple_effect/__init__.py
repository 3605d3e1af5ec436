"""Provider comparisons on simple effects, honest about case mix, period and chance.

A *simple effect* is the share of a provider's participants in a job some months after the
course ("x % in a job y months after"). Contracts with course providers are steered on it,
yet it mixes what the provider does with who was sent there, the business cycle and chance.
This package gives (one module per concept)

* :func:`simple_effects` (:mod:`~effekt.simple_effect.rates`) - raw rates per provider (and period) with Wilson intervals and the
  difference from all other providers, with a multiplicity correction;
* :func:`compare_providers` (:mod:`~effekt.simple_effect.comparison`) - case-mix adjustment (indirect or direct standardisation with a
  logistic model), empirical-Bayes shrinkage, a funnel plot with exact binomial and
  overdispersion-adjusted limits (Spiegelhalter 2005), a caterpillar plot and warnings when
  providers are not comparable;
* :func:`against_target` (:mod:`~effekt.simple_effect.targets`) - each provider against a contracted target (exact binomial test);
* :func:`contrast` / :func:`contrast_from_counts` (:mod:`~effekt.simple_effect.teaching`) - the teaching contrast: ranking groups by
  their simple effect can reverse the ranking by the causal effect (with - without course);
* :func:`funnel_limits` and :func:`overdispersion` (:mod:`~effekt.simple_effect.funnel`) - the funnel machinery on its own;
* :func:`danish_sort_key` - the order of provider names in every table (æ, ø, å after z).

Examples
--------
>>> import effekt as ef
>>> df = ef.synthetic.providers(6, 300, case_mix_shift=1.0, seed=3)
>>> p = ef.simple_effect.compare_providers(df, "job_6m", "provider", ["age", "benefit_group"],
...                                         warn=False)
>>> p.table()[["provider", "participants", "observed", "expected"]].shape
(6, 4)
"""

from __future__ import annotations

from ._case_mix import SMD_THRESHOLD
from ._display import danish_sort_key
from .comparison import ProviderComparison, compare_providers
from .funnel import Overdispersion, funnel_limits, overdispersion, ratio_funnel_limits
from .rates import SimpleEffects, simple_effects
from .targets import TargetComparison, against_target
from .teaching import SimpleVsCausal, contrast, contrast_from_counts

__all__ = [
    "SMD_THRESHOLD",
    "danish_sort_key",
    "simple_effects",
    "compare_providers",
    "against_target",
    "contrast",
    "contrast_from_counts",
    "funnel_limits",
    "overdispersion",
    "ratio_funnel_limits",
    "SimpleEffects",
    "ProviderComparison",
    "TargetComparison",
    "SimpleVsCausal",
    "Overdispersion",
]
