"""MatchResult.trajectory: the matched effect at every period of a long panel."""

import numpy as np
import pandas as pd
import pytest

from effekt.errors import EffektError
from effekt.matching import match


def _people(n=500, seed=11):
    rng = np.random.default_rng(seed)
    people = pd.DataFrame(
        {
            "person": np.arange(1000, 1000 + n),
            "age": rng.normal(40, 8, n),
            "months": rng.gamma(2, 6, n),
        }
    )
    lin = -1.2 + 0.04 * (people.age - 40) + 0.03 * people.months
    people["vcg2"] = rng.random(n) < 1 / (1 + np.exp(-lin))
    return people


def _panel(people, weeks=8, seed=12):
    rng = np.random.default_rng(seed)
    n = len(people)
    panel = pd.DataFrame(
        {
            "person": np.repeat(people["person"].to_numpy(), weeks),
            "week": np.tile(np.arange(1, weeks + 1), n),
        }
    )
    treat = np.repeat(people["vcg2"].to_numpy(), weeks)
    age = np.repeat(people["age"].to_numpy(), weeks)
    p = 0.05 + 0.015 * panel["week"] + 0.06 * treat + 0.003 * (age - 40)
    panel["job"] = (rng.random(len(panel)) < np.clip(p, 0, 1)).astype(int)
    return panel


@pytest.fixture(scope="module")
def setup():
    people = _people()
    return people, _panel(people)


def test_each_week_equals_effect_on_that_weeks_status_without_replacement(setup):
    people, panel = setup
    m = match(people, "vcg2", ["age", "months"])
    before = panel.copy(deep=True)
    tr = m.trajectory(panel, "job", "person", "week")
    pd.testing.assert_frame_equal(panel, before)
    f = tr.to_frame().set_index("time")
    wide = panel.pivot(index="person", columns="week", values="job")
    for week in range(1, 9):
        data = people.assign(job_w=people["person"].map(wide[week]).to_numpy())
        mw = match(data, "vcg2", ["age", "months"])
        r = mw.effect("job_w")  # CR1 by matched set (subclass)
        assert f.loc[week, "estimate"] == pytest.approx(r.estimate, abs=1e-12)
        assert f.loc[week, "std_error"] == pytest.approx(r.std_error, rel=1e-9)
        assert f.loc[week, "ci_low"] == pytest.approx(r.ci[0], rel=1e-9)
        assert f.loc[week, "n_treated"] == r.n_treated
    assert tr.n_clusters == m.n_treated_matched
    assert "matched set" in tr.method


def test_unmatched_persons_in_the_panel_get_weight_zero(setup):
    people, panel = setup
    m = match(people, "vcg2", ["age", "months"])
    matched_ids = set(people.loc[m.matched, "person"])
    only = panel[panel["person"].isin(matched_ids)]
    a = m.trajectory(panel, "job", "person", "week").to_frame()
    b = m.trajectory(only, "job", "person", "week").to_frame()
    pd.testing.assert_frame_equal(a, b)


def test_with_replacement_uses_weights_and_person_level_se(setup):
    people, panel = setup
    m = match(people, "vcg2", ["age", "months"], replace=True, ratio=2)
    tr = m.trajectory(panel, "job", "person", "week")
    assert tr.n_clusters is None and "with replacement" in tr.method
    wide = panel.pivot(index="person", columns="week", values="job")
    data = people.assign(job_w=people["person"].map(wide[3]).to_numpy())
    r = match(data, "vcg2", ["age", "months"], replace=True, ratio=2).effect("job_w")
    assert tr.at(3).estimate == pytest.approx(r.estimate, abs=1e-12)


def test_bad_input(setup):
    people, panel = setup
    m = match(people, "vcg2", ["age", "months"])
    # a person id that is not in the matched data
    stray = pd.DataFrame({"person": [1], "week": [1], "job": [0]})
    with pytest.raises(EffektError, match="not in the data the match was made on"):
        m.trajectory(pd.concat([panel, stray], ignore_index=True), "job", "person", "week")
    # duplicated person-weeks
    with pytest.raises(EffektError, match="duplicated"):
        m.trajectory(pd.concat([panel, panel.iloc[:3]]), "job", "person", "week")
    # a matched person missing from the panel
    first = people.loc[m.matched, "person"].iloc[0]
    with pytest.raises(EffektError, match="no rows in the panel"):
        m.trajectory(panel[panel.person != first], "job", "person", "week")
    # id column absent from the matching data
    with pytest.raises(EffektError, match="not in the data the match was made on"):
        m.trajectory(panel.rename(columns={"person": "pid"}).assign(pid2=0), "job", "pid", "week")
    # duplicated ids in the matching data
    dup = pd.concat([people, people.iloc[:1]], ignore_index=True)
    md = match(dup, "vcg2", ["age", "months"])
    with pytest.raises(EffektError, match="duplicated"):
        md.trajectory(panel, "job", "person", "week")
    with pytest.raises(EffektError):
        m.trajectory(panel, "nope", "person", "week")


def test_missing_outcome_rows_raise_or_are_dropped(setup):
    from effekt.errors import DroppedRowsWarning, MissingValueError

    people, panel = setup
    m = match(people, "vcg2", ["age", "months"])
    holed = panel.astype({"job": float})
    holed.loc[holed.index[5], "job"] = np.nan
    with pytest.raises(MissingValueError, match="missing='drop'"):
        m.trajectory(holed, "job", "person", "week")
    with pytest.warns(DroppedRowsWarning, match="dropped 1 of"):
        tr = m.trajectory(holed, "job", "person", "week", missing="drop")
    assert len(tr.to_frame()) == 8
