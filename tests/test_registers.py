"""The paid-hours rule of the STAR note (March 2020, footnote 1) on every boundary."""

import numpy as np
import pandas as pd
import pytest

from effekt.errors import (
    ColumnError,
    DroppedRowsWarning,
    EffektError,
    MissingValueError,
    SmallSampleWarning,
)
from effekt.registers import paid_hours_months, share_with_paid_hours

# Note 001, footnote 1: wage > 0 and < 65,000 DKK, except wage > 15,000 DKK and > 150 hours.
BOUNDARY_CASES = [
    # wage, hours, counts
    (0, 0, False),  # no wage
    (0, 40, False),  # hours without wage do not count (wage must be > 0)
    (0.01, 0, True),  # smallest positive wage
    (14_999.99, 200, True),  # below 15,000: hours do not matter
    (15_000, 151, True),  # exactly 15,000 is not > 15,000
    (15_000, 1_000, True),
    (15_000.01, 151, False),  # full time: both strict thresholds crossed
    (15_000.01, 150, True),  # exactly 150 hours is not > 150
    (15_000.01, 150.01, False),
    (16_000, 149, True),
    (16_000, 150, True),
    (16_000, 151, False),
    (64_999.99, 10, True),  # below 65,000 with few hours
    (64_999.99, 150, True),
    (64_999.99, 151, False),
    (65_000, 10, False),  # exactly 65,000 is not < 65,000
    (65_000, 0, False),
    (80_000, 10, False),
]


@pytest.mark.parametrize("wage,hours,expected", BOUNDARY_CASES)
def test_rule_on_every_boundary(wage, hours, expected):
    df = pd.DataFrame({"wage": [wage], "hours": [hours]})
    assert bool(paid_hours_months(df, "wage", "hours").iloc[0]) is expected


def test_rule_vectorised_and_on_benefit():
    df = pd.DataFrame(BOUNDARY_CASES, columns=["wage", "hours", "expected"])
    df["benefit"] = 1
    out = paid_hours_months(df, "wage", "hours", on_benefit="benefit")
    assert out.tolist() == df["expected"].tolist()
    df["benefit"] = 0
    assert not paid_hours_months(df, "wage", "hours", on_benefit="benefit").any()


def test_does_not_modify_input_and_keeps_index():
    df = pd.DataFrame({"wage": [1_000, 20_000], "hours": [5, 160]}, index=[10, 10])
    before = df.copy(deep=True)
    out = paid_hours_months(df, "wage", "hours")
    assert out.index.tolist() == [10, 10]
    assert out.tolist() == [True, False]
    pd.testing.assert_frame_equal(df, before)


def test_bad_input():
    df = pd.DataFrame({"wage": [1_000, -5], "hours": [5, 10]})
    with pytest.raises(ColumnError, match=r"'wage' .* negative"):
        paid_hours_months(df, "wage", "hours")
    with pytest.raises(ColumnError, match="not in data"):
        paid_hours_months(df, "lon", "hours")
    df = pd.DataFrame({"wage": [1_000, np.nan], "hours": [5, 10], "b": [1, 2]})
    with pytest.raises(MissingValueError, match="missing='drop'"):
        paid_hours_months(df, "wage", "hours")
    with pytest.raises(ColumnError, match="on_benefit"):
        paid_hours_months(df.fillna(0), "wage", "hours", on_benefit="b")
    with pytest.warns(DroppedRowsWarning):
        out = paid_hours_months(df, "wage", "hours", missing="drop")
    assert out.tolist() == [True, False]


def _panel():
    return pd.DataFrame(
        {
            "person": [1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4],
            "month": [201701, 201702, 201703] * 4,
            "kommune": ["A"] * 6 + ["B"] * 6,
            "wage": [0, 2_000, 0, 0, 0, 0, 20_000, 20_000, 0, 0, 0, 3_000],
            "hours": [0, 8, 0, 0, 0, 0, 160, 155, 0, 0, 0, 10],
            "benefit": [1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0],
        }
    )


def test_share_with_paid_hours_by_group_and_period():
    panel = _panel()
    before = panel.copy(deep=True)
    out = share_with_paid_hours(
        panel, "person", "month", "wage", "hours", on_benefit="benefit", by="kommune"
    )
    # A: person 1 has a counting month, person 2 none -> 1/2; B: person 3 only full-time months,
    # person 4 never on benefit (left benefit) -> not in the denominator -> 0/1.
    assert out["kommune"].tolist() == ["A", "B"]
    assert out["n_persons"].tolist() == [2, 1]
    assert out["n_paid_hours"].tolist() == [1, 0]
    assert out["share"].tolist() == [0.5, 0.0]
    assert (out["ci_low"] <= out["share"]).all() and (out["share"] <= out["ci_high"]).all()
    pd.testing.assert_frame_equal(panel, before)
    out = share_with_paid_hours(panel, "person", "month", "wage", "hours", window=(201703, 201703))
    # without on_benefit everybody is in the denominator; only person 4 has a counting month
    # in 201703
    assert out[["n_persons", "n_paid_hours"]].iloc[0].tolist() == [4, 1]


def test_share_bad_panels():
    panel = _panel()
    dup = pd.concat([panel, panel.iloc[[0]]])
    with pytest.raises(EffektError, match="duplicated"):
        share_with_paid_hours(dup, "person", "month", "wage", "hours")
    with pytest.raises(EffektError, match="outside the panel"):
        share_with_paid_hours(panel, "person", "month", "wage", "hours", window=(201612, 201702))
    with pytest.raises(EffektError, match="first <= last"):
        share_with_paid_hours(panel, "person", "month", "wage", "hours", window=(201703, 201701))
    moved = panel.copy()
    moved.loc[2, "kommune"] = "B"
    with pytest.raises(EffektError, match="changes within 1 persons"):
        share_with_paid_hours(moved, "person", "month", "wage", "hours", by="kommune")


def _benefit_panel():
    return pd.DataFrame(
        {
            "person": [1, 1, 2, 2, 3, 3],
            "month": [201701, 201702] * 3,
            "wage": [0, 2500, 0, 0, 20000, 30000],
            "hours": [0, 10, 0, 0, 160, 170],
            "ben": [1, 1, 0, 0, 1, 1],
            "kom": ["a", "a", "b", "b", "a", "a"],
        }
    )


def test_share_with_paid_hours_keeps_groups_without_recipients():
    # Regression: a group where nobody was on benefit silently vanished from the output.
    p = _benefit_panel()
    with pytest.warns(SmallSampleWarning, match=r"1 group\(s\).*'b'"):
        out = share_with_paid_hours(
            p, "person", "month", "wage", "hours", on_benefit="ben", by="kom"
        )
    assert out["kom"].tolist() == ["a", "b"]
    assert out["n_persons"].tolist() == [2, 0]
    assert out["n_paid_hours"].tolist() == [1, 0]
    assert out.loc[0, "share"] == 0.5 and np.isnan(out.loc[1, "share"])
    assert np.isnan(out.loc[1, "ci_low"]) and np.isnan(out.loc[1, "ci_high"])
    with pytest.raises(EffektError, match="nobody received the benefit"):
        share_with_paid_hours(
            p.assign(ben=0), "person", "month", "wage", "hours", on_benefit="ben", by="kom"
        )


def test_share_with_paid_hours_missing_argument():
    # Regression: the error advised missing='drop' although the function had no such argument.
    p = _benefit_panel().astype({"wage": float})
    p.loc[1, "wage"] = np.nan
    with pytest.raises(EffektError, match="missing='drop'"):
        share_with_paid_hours(p, "person", "month", "wage", "hours", on_benefit="ben")
    before = p.copy(deep=True)
    with pytest.warns(DroppedRowsWarning, match="1 of 6 rows"):
        out = share_with_paid_hours(
            p, "person", "month", "wage", "hours", on_benefit="ben", missing="drop"
        )
    # person 1 keeps month 201701 (on benefit, no paid hours); person 3 is full time
    assert out[["n_persons", "n_paid_hours"]].iloc[0].tolist() == [2, 0]
    pd.testing.assert_frame_equal(p, before)
