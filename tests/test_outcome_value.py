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


# --- second wave: the remaining estimators whose outcome (or event) may be coded in words ----


def _ja_nej(values):
    return np.where(np.asarray(values) == 1, "Ja", "Nej")


def _same(a, b):
    """The same numbers; only the outcome's column name differs."""
    a, b = a.to_frame(), b.to_frame()
    pd.testing.assert_frame_equal(
        a.drop(columns="outcome", errors="ignore"), b.drop(columns="outcome", errors="ignore")
    )


def test_compare_arms_and_subgroups_take_outcome_value():
    rng = np.random.default_rng(7)
    n = 900
    df = pd.DataFrame(
        {
            "arm": rng.choice(["IPS", "IPSE", "sædvanlig"], n),
            "region": rng.choice(["Nord", "Syd"], n),
        }
    )
    df["job"] = (rng.uniform(size=n) < np.where(df["arm"] == "sædvanlig", 0.3, 0.4)).astype(int)
    df["i_job"] = _ja_nej(df["job"])
    a = ef.rct.compare_arms(df, "job", "arm", control="sædvanlig")
    b = ef.rct.compare_arms(df, "i_job", "arm", control="sædvanlig", outcome_value="Ja")
    _same(a, b)
    with pytest.raises(EffektError, match="'i_job'.*outcome_value="):
        ef.rct.compare_arms(df, "i_job", "arm", control="sædvanlig")
    two = df[df["arm"] != "IPSE"].assign(ips=lambda d: (d["arm"] == "IPS").astype(int))
    a = ef.rct.subgroups(two, "job", "ips", "region")
    b = ef.rct.subgroups(two, "i_job", "ips", "region", outcome_value="Ja")
    _same(a, b)


def test_rct_trajectory_and_event_study_take_outcome_value():
    from effekt.synthetic.panels import jobfirst_panel

    panel = jobfirst_panel(n_persons=400, weeks=6, seed=4)
    panel["i_arbejde"] = _ja_nej(panel["paid_hours"])
    args = ("jobfirst", "person", "week")
    a = ef.rct.trajectory(panel, "paid_hours", *args, simultaneous=False)
    b = ef.rct.trajectory(panel, "i_arbejde", *args, simultaneous=False, outcome_value="Ja")
    _same(a, b)
    rng = np.random.default_rng(2)
    rows = pd.DataFrame(
        {"unit": np.repeat(np.arange(12), 8), "month": np.tile(np.arange(8), 12)}
    ).loc[lambda d: d.index.repeat(5)]
    rows["participating"] = (rows["unit"] < 6).astype(int)
    rows["job"] = (rng.uniform(size=len(rows)) < 0.3).astype(int)
    rows["i_job"] = _ja_nej(rows["job"])
    kw = dict(id="unit", time="month", start=4, n_boot=99)
    a = ef.did.event_study(rows, "job", "participating", **kw)
    b = ef.did.event_study(rows, "i_job", "participating", outcome_value="Ja", **kw)
    _same(a, b)


def test_durations_take_event_value():
    from effekt.synthetic.panels import jobrotation

    df = jobrotation(n_treated=300, n_control=300, seed=11)
    df["fik_job"] = _ja_nej(df["job"])
    km = ef.duration.kaplan_meier(df, "weeks", "job", treatment="jobrotation")
    km_ja = ef.duration.kaplan_meier(
        df, "weeks", "fik_job", treatment="jobrotation", event_value="Ja"
    )
    _same(km, km_ja)
    a = ef.duration.logrank_test(df, "weeks", "job", "jobrotation")
    b = ef.duration.logrank_test(df, "weeks", "fik_job", "jobrotation", event_value="Ja")
    assert (a.statistic, a.pvalue) == (b.statistic, b.pvalue)
    a = ef.duration.restricted_mean_difference(df, "weeks", "job", "jobrotation", horizon=50)
    b = ef.duration.restricted_mean_difference(
        df, "weeks", "fik_job", "jobrotation", horizon=50, event_value="Ja"
    )
    assert (a.estimate, a.ci) == (b.estimate, b.ci)
    a = ef.duration.median_difference(df, "weeks", "job", "jobrotation", n_boot=99)
    b = ef.duration.median_difference(
        df, "weeks", "fik_job", "jobrotation", n_boot=99, event_value="Ja"
    )
    assert (a.estimate, a.ci) == (b.estimate, b.ci)
    with pytest.raises(EffektError, match="'fik_job'.*event_value='(Ja|Nej)'"):
        ef.duration.kaplan_meier(df, "weeks", "fik_job")


def test_time_to_event_and_weeks_in_status_take_the_value_words():
    panel = pd.DataFrame(
        {
            "id": [1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3],
            "week": [1, 2, 3, 4] * 3,
            "job": [0, 0, 1, 1, 0, 0, 0, 0, 0, 1, 0, 0],
        }
    )
    panel["i_job"] = _ja_nej(panel["job"])
    a = ef.duration.time_to_event(panel, "week", "job", id="id")
    b = ef.duration.time_to_event(panel, "week", "i_job", id="id", event_value="Ja")
    assert a["week"].tolist() == b["week"].tolist() == [3.0, 4.0, 2.0]
    assert a["job"].tolist() == b["i_job"].tolist() == [1, 0, 1]
    a = ef.duration.weeks_in_status(panel, "job", "id", "week", window=(2, 4))
    b = ef.duration.weeks_in_status(panel, "i_job", "id", "week", window=(2, 4), outcome_value="Ja")
    assert a["weeks"].tolist() == b["weeks"].tolist() == [2.0, 0.0, 1.0]
    with pytest.raises(EffektError, match="'i_job'.*outcome_value="):
        ef.duration.weeks_in_status(panel, "i_job", "id", "week", window=(2, 4))


# --- after the second wave's merge: providers and matching ---------------------------------


@pytest.fixture(scope="module")
def courses():
    data = ef.synthetic.providers(6, [150, 120, 200, 90, 160, 110], seed=5)
    return data.assign(job_tekst=_ja_nej(data["job_6m"]))


def test_provider_functions_take_outcome_value(courses):
    se = ef.simple_effect
    _same(
        se.simple_effects(courses, "job_6m", "provider"),
        se.simple_effects(courses, "job_tekst", "provider", outcome_value="Ja"),
    )
    mix = ["age", "benefit_group"]
    _same(
        se.compare_providers(courses, "job_6m", "provider", case_mix=mix),
        se.compare_providers(courses, "job_tekst", "provider", case_mix=mix, outcome_value="Ja"),
    )
    _same(
        se.against_target(courses, "job_6m", "provider", 0.3),
        se.against_target(courses, "job_tekst", "provider", 0.3, outcome_value="Ja"),
    )
    with pytest.raises(EffektError, match="'job_tekst'.*outcome_value="):
        se.compare_providers(courses, "job_tekst", "provider", case_mix=mix)


def test_contrast_takes_outcome_value():
    rng = np.random.default_rng(3)
    n = 600
    df = pd.DataFrame({"course": rng.integers(0, 2, n), "group": rng.choice(["A", "B"], n)})
    df["job"] = (rng.uniform(size=n) < 0.3 + 0.1 * df["course"]).astype(int)
    df["i_job"] = _ja_nej(df["job"])
    a = ef.simple_effect.contrast(df, "job", "course", "group")
    b = ef.simple_effect.contrast(df, "i_job", "course", "group", outcome_value="Ja")
    _same(a, b)


def test_matching_effects_take_outcome_value():
    obs = ef.synthetic.observational(800, effect=0.05, seed=3)
    obs["i_job"] = _ja_nej(obs["job"])
    covs = ["age", "months_on_benefit"]
    m = ef.matching.match(obs, "treated", covs)
    for kw in ({}, {"covariates": covs}):
        a, b = m.effect("job", **kw), m.effect("i_job", outcome_value="Ja", **kw)
        assert (a.estimate, a.ci, a.scale) == (b.estimate, b.ci, b.scale)
    for estimator in (ef.matching.ipw, ef.matching.aipw):
        a = estimator(obs, "job", "treated", covs)
        b = estimator(obs, "i_job", "treated", covs, outcome_value="Ja")
        assert (a.estimate, a.ci, a.scale) == (b.estimate, b.ci, b.scale)
    with pytest.raises(EffektError, match="'i_job'.*outcome_value="):
        ef.matching.ipw(obs, "i_job", "treated", covs)
