"""Issue 10: seeded null and power simulations of compare_providers with 40 providers of 3
to 800 participants (log-normal sizes), the correct case-mix model (effekt.synthetic.providers
states its outcome model) and case mix spread over +-1 SD between providers."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from effekt import simple_effect as se
from effekt import synthetic

CASE_MIX = [
    "age",
    "female",
    "benefit_group",
    "education",
    "months_unemployed",
    "health_issues",
    "immigrant",
    "prior_employment",
    "children",
    "urban",
]


def _sizes() -> np.ndarray:
    """40 log-normal sizes clipped to 3-800: 3,815 participants, 5 providers with <= 10
    holding 0.6 % of them (as in the issue's municipal case)."""
    rng = np.random.default_rng(1)
    return np.clip(np.round(np.exp(rng.normal(np.log(40), 1.5, 40))), 3, 800).astype(int)


def _flags(sizes: np.ndarray, seed: int, effects: list[float] | None = None) -> np.ndarray:
    df = synthetic.providers(
        40, sizes.tolist(), case_mix_shift=1.0, provider_effects=effects, seed=seed
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # SmallSampleWarning for 0/3 and the like
        frame = se.compare_providers(df, "job_6m", "provider", CASE_MIX, warn=False).frame
    return frame["flag"].to_numpy()


@pytest.mark.slow
def test_null_family_wise_rate_and_small_providers() -> None:
    """1,000 null simulations: any flag (Holm, 5 %) in at most 5 % + 2 Monte-Carlo SE
    (0.064) of them; the providers with <= 10 participants (5 of 40, 0.6 % of the
    participants) carry at most their share of the providers (5/40) of the false flags,
    and at most 2 of them in all (the score test gave them 31 %)."""
    sizes = _sizes()
    small = sizes <= 10
    assert small.sum() == 5 and sizes[small].sum() / sizes.sum() < 0.01
    reps, any_flag, flags_small, flags_all = 1000, 0, 0, 0
    for seed in range(reps):
        flags = _flags(sizes, seed)
        any_flag += bool(flags.any())
        flags_small += int(flags[small].sum())
        flags_all += int(flags.sum())
    mc = 2 * np.sqrt(0.05 * 0.95 / reps)
    assert any_flag / reps <= 0.05 + mc, any_flag
    assert flags_small <= max(2, small.mean() * flags_all), (flags_small, flags_all)


@pytest.mark.slow
def test_power_ten_points_with_300_participants_among_forty() -> None:
    """A provider with 300 participants and a true +10 pp effect, in the middle of the case
    mix, among the 40: flagged in at least 75 % of 300 simulations (observed 0.78; the
    score test on the same runs 0.83, at the price of flagging 4 of 4 with E = 0.78). The
    issue's bound of 80 % holds among 10 providers of 300 (Holm's threshold 4x less strict):
    tests/test_simple_effect_simulation.py."""
    sizes = _sizes()
    target = int(np.argsort(sizes)[20])  # a mid-sized provider becomes the one with 300
    sizes[target] = 300
    effects = [0.0] * 40
    effects[target] = 0.10
    hits = sum(bool(_flags(sizes, 50_000 + seed, effects)[target]) for seed in range(300))
    assert hits / 300 >= 0.75, hits
