"""Outcomes coded "Ja"/"Nej": outcome_value= gives the same results as 0/1, and a text
outcome without it raises naming the fix."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import effekt as ef
from effekt.errors import EffektError


@pytest.fixture(scope="module")
def trial():
    df = ef.synthetic.rct(400, 400, p_control=0.2, effect=0.05, seed=1)
    return df.assign(i_job=np.where(df["outcome"] == 1, "Ja", "Nej"))


def test_rct_ja_nej_equals_0_1(trial):
    coded = ef.rct.difference_in_proportions(trial, "outcome", "treated")
    text = ef.rct.difference_in_proportions(trial, "i_job", "treated", outcome_value="Ja")
    assert text.estimate == coded.estimate and text.ci == coded.ci
    assert text.pvalue == coded.pvalue


def test_a_text_outcome_without_outcome_value_names_the_fix(trial):
    with pytest.raises(EffektError, match=r"'i_job'.*outcome_value='(Ja|Nej)'"):
        ef.rct.difference_in_proportions(trial, "i_job", "treated")


def test_an_outcome_value_that_never_occurs_raises(trial):
    with pytest.raises(EffektError, match="outcome_value 'ja'.*'Ja'"):
        ef.rct.difference_in_proportions(trial, "i_job", "treated", outcome_value="ja")


def test_more_than_two_values_raise(trial):
    three = trial.assign(i_job=trial["i_job"].where(trial.index % 50 != 0, "Ved ikke"))
    with pytest.raises(EffektError, match="3 distinct"):
        ef.rct.difference_in_proportions(three, "i_job", "treated", outcome_value="Ja")


def test_did_and_trajectory_take_outcome_value():
    rng = np.random.default_rng(4)
    n = 800
    df = pd.DataFrame(
        {
            "person": np.repeat(np.arange(n // 2), 2),
            "post": np.tile([0, 1], n // 2),
            "municipality": np.repeat(rng.integers(0, 20, n // 2), 2),
        }
    )
    df["participating"] = df["municipality"] % 2
    df["job"] = (rng.uniform(size=n) < 0.3 + 0.1 * df["post"] * df["participating"]).astype(int)
    df["i_job"] = np.where(df["job"] == 1, "Ja", "Nej")
    a = ef.did.did(df, "job", "participating", "post", cluster="municipality")
    b = ef.did.did(df, "i_job", "participating", "post", cluster="municipality", outcome_value="Ja")
    assert a.estimate == b.estimate and a.ci == b.ci
    with pytest.raises(EffektError, match="outcome_value="):
        ef.did.did(df, "i_job", "participating", "post", cluster="municipality")
    a = ef.trajectory.effect_over_time(
        df, "job", "participating", "person", "post", simultaneous=False
    )
    b = ef.trajectory.effect_over_time(
        df, "i_job", "participating", "person", "post", simultaneous=False, outcome_value="Ja"
    )
    pd.testing.assert_frame_equal(a.to_frame(), b.to_frame())
