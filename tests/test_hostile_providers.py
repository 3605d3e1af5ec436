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


def test_overdispersion_of_one_unit_warns_and_notes():
    # Regression: one unit gave phi = NaN with no warning and no note.
    import numpy as np

    from effekt.errors import SmallSampleWarning
    from effekt.simple_effect import overdispersion

    with pytest.warns(SmallSampleWarning, match="at least 2 units"):
        od = overdispersion([0.3], [100], 0.3)
    assert np.isnan(od.phi) and "NaN" in od.summary()
    assert od.notes and "NaN" in od._repr_html_()


def test_overdispersion_of_two_units_has_no_note():
    import warnings

    from effekt.simple_effect import overdispersion

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        od = overdispersion([0.3, 0.4], [100, 100], 0.3)
    assert od.notes == () and od.phi > 0


def test_participants_beyond_the_float_range():
    with pytest.raises(EffektError, match="'participants'"):
        funnel_limits(0.3, [10**400])
