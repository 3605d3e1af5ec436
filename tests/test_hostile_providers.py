"""Provider comparisons (funnels, rates) under hostile input: no hang, no raw exception."""

import time

import pytest

from effekt.errors import EffektError
from effekt.simple_effect import funnel_limits


@pytest.mark.parametrize("n", [1e17, 2**53 + 2, 10**400])
def test_funnel_limits_refuse_counts_above_2_53_at_once(n):
    # Regression: funnel_limits(0.3, [1e17]) ran > 600 s inside scipy, not interruptible.
    start = time.perf_counter()
    with pytest.raises(EffektError, match="'participants'"):
        funnel_limits(0.3, [n])
    assert time.perf_counter() - start < 5


def test_funnel_limits_at_the_largest_exact_count():
    lim = funnel_limits(0.3, [2**53])
    assert lim["lower_95"].iloc[0] == pytest.approx(0.3) == lim["upper_95"].iloc[0]
