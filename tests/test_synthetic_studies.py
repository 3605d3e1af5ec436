"""Calibrated study generators: sizes, seeds, and the reported figures recovered at scale."""

import numpy as np
import pandas as pd
import pytest

from effekt import studies, synthetic
from effekt.errors import EffektError
from effekt.synthetic.studies import STUDY_GENERATORS


def _diff(d, outcome, treat):
    m = d.groupby(treat)[outcome].mean()
    return m.loc[True] - m.loc[False]


def test_every_generator_is_reachable_and_seeded():
    for name in STUDY_GENERATORS:
        a = synthetic.study(name, seed=11, sample_scale=0.3)
        b = synthetic.study(name, seed=11, sample_scale=0.3)
        c = synthetic.study(name, seed=12, sample_scale=0.3)
        pd.testing.assert_frame_equal(a, b)
        assert not a.equals(c)
        assert isinstance(a.attrs["truth"], dict) and a.attrs["truth"]


def test_truth_keys_are_reported_figures_with_estimators():
    rep = studies.reported().set_index("figure_id")
    keys = set()
    for name in STUDY_GENERATORS:
        truth = synthetic.study(name, seed=0, sample_scale=0.2).attrs["truth"]
        for key, value in truth.items():
            assert key in rep.index
            assert rep.loc[key, "has_estimator"]
            # the truth is the reported effect (notes) by construction
            assert value == pytest.approx(rep.loc[key, "effect"], abs=0.011)
        keys |= set(truth)
    assert keys == set(rep.index[rep["has_estimator"]])


def test_sizes_as_in_the_notes():
    m = synthetic.study("mentor", seed=0)
    assert (m["mentor"].sum(), (~m["mentor"]).sum()) == (1302, 1291)
    assert m["jobcentre"].nunique() == 13
    # randomised within job centre: treated share close to 1302/2593 in every centre
    share = m.groupby("jobcentre", observed=True)["mentor"].mean()
    counts = m.groupby("jobcentre", observed=True).size()
    assert (np.abs(share - 1302 / 2593) <= 1.0 / counts + 1e-12).all()
    j = synthetic.study("jobfirst", seed=0)
    assert j["municipality"].nunique() == 15 and j["jobfirst"].sum() == 2400
    assert (j["hours_w78"] == 0).mean() > 0.6  # many zeros
    i = synthetic.study("ips", seed=0)
    assert i["arm"].value_counts().to_dict() == {"IPS": 243, "usual service": 239, "IPSE": 238}
    assert synthetic.study("brobygning", seed=0)["brobygning"].sum() == 2397
    v = synthetic.study("vcg2", seed=0)
    assert v["vcg2"].sum() == 2500
    assert set(v["benefit_group"]) == {"resource course", "cash benefit"}
    assert len(synthetic.study("mentor", seed=0, sample_scale=0.5)) == 651 + 646


def test_mentor_recovers_reported_subgroup_effects_at_scale():
    d = synthetic.study("mentor", seed=5, sample_scale=60)  # ~155,000 rows
    assert _diff(d, "in_education_1y", "mentor") == pytest.approx(0.04, abs=0.004)
    assert _diff(d, "in_job_1y", "mentor") == pytest.approx(0.02, abs=0.003)
    assert d.loc[~d.mentor, "in_education_1y"].mean() == pytest.approx(0.12, abs=0.004)
    assert d.loc[~d.mentor, "in_job_1y"].mean() == pytest.approx(0.05, abs=0.003)
    edu = {
        "grade9_under4": 0.085,
        "mother_no_vocational": 0.035,
        "income_below_mean": 0.04,
        "no_su_3y": 0.05,
        "female": 0.05,
        "strongest": 0.0,
        "weakest": 0.0,
    }
    for col, target in edu.items():
        assert _diff(d[d[col]], "in_education_1y", "mentor") == pytest.approx(target, abs=0.01), col
    job = {
        "ethnic_danish": 0.02,
        "high_public_support": 0.04,
        "mother_no_vocational": 0.035,
        "su_last_3y": 0.04,
    }
    for col, target in job.items():
        assert _diff(d[d[col]], "in_job_1y", "mentor") == pytest.approx(target, abs=0.008), col


def test_trials_recover_reported_figures_at_scale():
    j = synthetic.study("jobfirst", seed=1, sample_scale=40)
    assert _diff(j, "paid_hours_w35", "jobfirst") == pytest.approx(0.05, abs=0.006)
    cash = j[j.benefit_group == "cash benefit"]
    assert _diff(cash, "hours_w78", "jobfirst") == pytest.approx(1.9, abs=0.25)
    i = synthetic.study("ips", seed=1, sample_scale=100)
    assert _diff(i, "job_or_education_18m", "ips_any") == pytest.approx(0.135, abs=0.01)
    assert _diff(i, "weeks_job_or_education", "ips_any") == pytest.approx(2.9, abs=0.4)
    assert i.loc[~i.ips_any, "job_or_education_18m"].mean() == pytest.approx(0.465, abs=0.01)


def test_observational_shares_and_selection():
    v = synthetic.study("vcg2", seed=2, sample_scale=40)
    rc = v[v.benefit_group == "resource course"]
    assert rc.loc[rc.vcg2, "flexjob_w70"].mean() == pytest.approx(0.14, abs=0.005)
    # selection on covariates: the pool differs from the participants
    assert v.groupby("vcg2")["years_on_benefit"].mean().diff().iloc[-1] > 2
    # ... so the naive difference is far from the true +9 pp
    assert abs(_diff(rc, "flexjob_w70", "vcg2") - 0.09) > 0.04
    b = synthetic.study("brobygning", seed=2, sample_scale=20)
    assert b.loc[b.brobygning, "in_education_w25"].mean() == pytest.approx(0.40, abs=0.01)
    assert abs(_diff(b, "in_education_w25", "brobygning") - 0.15) > 0.05


def test_biu_simple_effects_and_potential_outcomes():
    d = synthetic.study("biu_providers", seed=3, sample_scale=20)
    part = d[d.offer]
    rates = part.groupby("target_group")["job_at_end"].mean()
    assert rates["strong"] == pytest.approx(0.95, abs=0.01)
    assert rates["complex"] == pytest.approx(0.125, abs=0.01)
    none = d[~d.offer]
    assert none.loc[none.target_group == "complex", "job_at_end"].mean() == pytest.approx(
        0.015, abs=0.005
    )
    # simple effects rank providers by case mix: A (mostly strong) above F (mostly complex)
    by = part.groupby("provider")["job_at_end"].mean()
    assert by["Leverandør A"] > by["Leverandør F"] + 0.4
    # yet the causal effect of the course is larger for the complex group
    causal = (part["job_at_end"] - part["job_without_offer"]).groupby(part["target_group"]).mean()
    assert causal["complex"] > causal["strong"]


@pytest.mark.parametrize(
    "bad",
    [
        {"study": "nope"},
        {"study": "mentor", "sample_scale": 0},
        {"study": "mentor", "sample_scale": -1.0},
        {"study": "mentor", "sample_scale": "big"},
    ],
)
def test_bad_input(bad):
    name = bad.pop("study")
    with pytest.raises(EffektError, match="study"):
        synthetic.study(name, **bad)


@pytest.mark.parametrize("name", list(STUDY_GENERATORS))
def test_generators_state_what_the_notes_say_and_what_is_assumed(name):
    from effekt.report import generator_assumptions
    from effekt.synthetic.studies import ASSUMPTIONS

    say, assume = generator_assumptions(name)
    assert len(say) > 80 and len(assume) > 80
    assert (say, assume) == (ASSUMPTIONS[name].notes_say, ASSUMPTIONS[name].assumes)
    # the docstring shows the same text (written into it from the data)
    doc = " ".join(STUDY_GENERATORS[name].__doc__.split())
    assert f"What the notes say: {say}" in doc
    assert f"What it assumes beyond them: {assume}" in doc
    assert 'ASSUMPTIONS["' not in doc


def test_panel_generators_of_issue_6_reachable_by_name():
    """synthetic.study dispatches to effekt.synthetic.panels with the reported truths."""
    from effekt.did import did_from_shares

    jr = synthetic.study("jobrotation", seed=3, sample_scale=0.5)
    assert len(jr) == 2000 and set(jr["job"]) <= {0, 1}
    assert jr.attrs["truth"] == {"jobrotation.time_to_job": 2.5}
    assert jr["weeks"].max() <= jr.attrs["horizon"] + 1e-9
    # IPS weeks: 14,400 persons, the pooled difference is 2.9 weeks (SE about 0.3 here)
    ips = synthetic.study("ips_weeks", seed=3, sample_scale=20.0)
    m = ips.groupby("ips_any")["weeks_in_work"].mean()
    assert m.loc[True] - m.loc[False] == pytest.approx(2.9, abs=1.0)
    jf = synthetic.study("jobfirst_panel", seed=3, sample_scale=0.5)
    w35 = jf[jf["week"] == 35].groupby("jobfirst")["paid_hours"].mean()
    assert w35.loc[1] - w35.loc[0] == pytest.approx(0.05, abs=0.025)  # 2,400 persons
    for project in ("stv", "brf", "hir"):
        d = synthetic.study(project, seed=3)
        shares = studies.star2020_shares()
        rows = shares[shares["project"] == project]
        assert len(d.groupby(["outcome", "benefit"])) == len(rows)
        # one set of participating municipalities per project
        assert d.groupby("municipality")["participating"].nunique().max() == 1
        for r in rows.itertuples(index=False):
            exact = did_from_shares(r.start_treated, r.start_control, r.end_treated, r.end_control)
            assert d.attrs["truth"][f"{project}.{r.outcome}_{r.benefit}"] == exact.estimate
    with pytest.raises(EffektError, match="jobrotation"):
        synthetic.study("job_rotation")


def test_every_generator_defaults_to_seed_0():
    """The same call gives the same rows: seed defaults to 0 (None asks for fresh entropy)."""
    from effekt.synthetic import panels

    calls = [
        (lambda **kw: synthetic.study("ips", **kw)),
        (lambda **kw: synthetic.rct(50, 50, p_control=0.2, effect=0.05, **kw)),
        (lambda **kw: synthetic.observational(100, 0.05, **kw)),
        (lambda **kw: synthetic.providers(3, 20, **kw)),
        (lambda **kw: panels.municipality_panel("hir", outcome_kind="paid_hours", **kw)),
        (lambda **kw: panels.jobrotation(n_treated=50, n_control=50, **kw)),
        (lambda **kw: panels.ips_weeks(weeks=5, **kw)),
        (lambda **kw: panels.jobfirst_panel(n_persons=40, weeks=3, **kw)),
    ]
    for call in calls:
        pd.testing.assert_frame_equal(call(), call(seed=0))
    assert not synthetic.study("ips").equals(synthetic.study("ips", seed=None))
