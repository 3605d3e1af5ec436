"""effekt.rct.trajectory: the trial's effect at each period (wrapper of effect_over_time)."""

import numpy as np
import pandas as pd
import pytest

from effekt import rct
from effekt.errors import EffektError
from effekt.synthetic.panels import jobfirst_panel
from effekt.trajectory import Trajectory, effect_over_time


@pytest.fixture(scope="module")
def panel():
    return jobfirst_panel(n_persons=800, weeks=10, seed=5)


def test_is_in_the_rct_namespace_and_equals_the_engine(panel):
    assert "trajectory" in rct.__all__
    before = panel.copy(deep=True)
    tr = rct.trajectory(panel, "paid_hours", "jobfirst", "person", "week", cluster="municipality")
    ref = effect_over_time(
        panel, "paid_hours", "jobfirst", "person", "week", cluster="municipality"
    )
    assert isinstance(tr, Trajectory)
    pd.testing.assert_frame_equal(tr.to_frame(), ref.to_frame())
    pd.testing.assert_frame_equal(panel, before)


def test_each_week_equals_difference_in_means_welch(panel):
    """Without clusters each week's effect and SE are Welch's difference in means of that week."""
    tr = rct.trajectory(panel, "paid_hours", "jobfirst", "person", "week", simultaneous=False)
    f = tr.to_frame().set_index("time")
    for week in (1, 5, 10):
        r = rct.difference_in_means(panel[panel.week == week], "paid_hours", "jobfirst")
        assert f.loc[week, "estimate"] == pytest.approx(r.estimate, abs=1e-12)
        assert f.loc[week, "std_error"] == pytest.approx(r.std_error, rel=1e-10)
    assert np.allclose(f["sim_low"], f["ci_low"])  # no simultaneous band asked for


def test_bad_input_raises(panel):
    with pytest.raises(EffektError, match="duplicated"):
        rct.trajectory(
            pd.concat([panel, panel.iloc[:1]]), "paid_hours", "jobfirst", "person", "week"
        )
    with pytest.raises(EffektError):
        rct.trajectory(panel, "paid_hours", "nope", "person", "week")
