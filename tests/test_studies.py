"""The notes' reported figures as data (docs/studies.md sections 1 to 4)."""

import numpy as np
import pandas as pd
import pytest

from effekt import studies
from effekt.errors import EffektError

# Every study of the notes' sections 1 to 4 (docs/studies.md), with its section and design.
CATALOGUE = {
    "mentor": ("1.1", "RCT"),
    "jobfirst": ("1.2", "RCT"),
    "ips": ("1.3", "RCT"),
    "vcg2": ("2.1", "matched"),
    "brobygning": ("2.2", "matched"),
    "voksenlaerling": ("2.3", "matched"),
    "jobrotation": ("2.4", "matched"),
    "mentor_sfi": ("2.5", "matched"),
    "displacement": ("2.6", "matched"),
    "stv": ("3", "DiD"),
    "brf": ("3", "DiD"),
    "hir": ("3", "DiD"),
    "biu_providers": ("4", "simple effect"),
}


def test_catalogue_lists_every_study_of_sections_1_to_4():
    cat = studies.catalogue()
    assert (
        dict(zip(cat["study"], zip(cat["section"], cat["design"], strict=False), strict=False))
        == CATALOGUE
    )
    assert set(studies.reported()["study"]) == set(CATALOGUE)
    assert set(cat["design"]) == set(studies.DESIGNS)


def test_columns_and_types():
    rep = studies.reported()
    for col in (
        "figure_id",
        "study",
        "design",
        "group",
        "outcome",
        "time_point",
        "share_treated",
        "share_control",
        "effect",
        "relative_change",
        "n_treated",
        "n_control",
        "significance",
        "source",
        "approximate",
        "text",
    ):
        assert col in rep.columns
    assert rep["figure_id"].is_unique
    assert rep["approximate"].dtype == bool
    assert set(rep["significance"]) <= {"significant", "no effect", "not stated"}
    props = rep[rep["scale"] == "proportion"]
    for col in ("share_treated", "share_control", "effect"):
        vals = props[col].dropna()
        assert ((vals >= -1) & (vals <= 1)).all(), col  # fractions, not percentages


def test_figures_as_in_the_notes():
    rep = studies.reported().set_index("figure_id")
    edu = rep.loc["mentor.education"]
    # docs/studies.md 1.1: 16 % vs 12 %, ~+4 pp, significant, 30 % rise, 1,302 / 1,291
    assert (edu.share_treated, edu.share_control, edu.effect) == (0.16, 0.12, 0.04)
    assert (edu.n_treated, edu.n_control, edu.relative_change) == (1302, 1291, 0.30)
    assert edu.significance == "significant" and edu.approximate
    job = rep.loc["mentor.job"]
    assert (job.share_treated, job.share_control, job.relative_change) == (0.07, 0.05, 0.40)
    grade = rep.loc["mentor.education.grade9_under4"]
    assert (grade.effect_low, grade.effect_high, grade.effect) == (0.07, 0.10, pytest.approx(0.085))
    assert rep.loc["jobfirst.paid_hours_w35", ["share_treated", "share_control"]].tolist() == [
        0.12,
        0.07,
    ]
    hours = rep.loc["jobfirst.hours_w78"]
    assert hours.scale == "mean" and hours.relative_change == 0.67 and hours.approximate
    ips = rep.loc["ips.job_or_education_18m"]
    assert (ips.share_control, ips.n_treated, ips.n_control) == (0.465, 243 + 238, 239)
    assert rep.loc["vcg2.flexjob_resource_course", ["share_treated", "share_control"]].tolist() == [
        0.14,
        0.05,
    ]
    assert rep.loc["vcg2.flexjob_cash_benefit", ["share_treated", "share_control"]].tolist() == [
        0.06,
        0.02,
    ]
    assert rep.loc["brobygning.education_w25", "effect"] == 0.15
    assert rep.loc["brobygning.education_w25", "n_treated"] == 2397
    assert rep.loc["voksenlaerling.employment_1y", ["share_treated", "share_control"]].tolist() == [
        0.70,
        0.58,
    ]
    assert pd.isna(rep.loc["voksenlaerling.employment_1y", "n_treated"])  # not in the notes
    assert rep.loc["displacement.new_job", ["share_treated", "n_treated"]].tolist() == [0.26, 2780]
    assert rep.loc["biu.simple_effect_complex", ["effect_low", "effect_high"]].tolist() == [
        0.10,
        0.15,
    ]
    assert rep.loc["mentor_sfi.job_or_education", "significance"] == "no effect"


def test_effect_equals_difference_of_shares_where_both_given():
    rep = studies.reported()
    both = rep.dropna(subset=["share_treated", "share_control"])
    did = both["design"] == "DiD"  # section 3: end shares; the effect is the change in gap
    plain = both[~did]
    assert np.allclose(plain["effect"], plain["share_treated"] - plain["share_control"])
    d = both[did]
    gaps = (d["share_treated"] - d["share_control"]) - (d["start_treated"] - d["start_control"])
    assert np.allclose(d["effect"], gaps)


def test_filter_by_study_and_figure_lookup():
    assert set(studies.reported("ips")["study"]) == {"ips"}
    assert studies.figure("vcg2.internship_13w").share_treated == 0.75
    with pytest.raises(EffektError, match="study"):
        studies.reported("mentorforsoget")
    with pytest.raises(EffektError, match="figure_id"):
        studies.figure("nope")


def test_returns_a_copy():
    a = studies.reported()
    a.loc[0, "effect"] = 99.0
    assert studies.reported().loc[0, "effect"] != 99.0


def test_star2020_figures_as_in_the_note():
    """docs/studies.md section 3: the four shares of each comparison and the change in the gap."""
    shares = studies.star2020_shares()
    rep = studies.reported().set_index("figure_id")
    did = rep[rep["design"] == "DiD"]
    assert len(did) == len(shares) == 8
    assert did.index.tolist() == shares["figure_id"].tolist()
    for r in shares.itertuples(index=False):
        fig = rep.loc[f"{r.project}.{r.outcome}_{r.benefit}"]
        assert fig.decimals == r.decimals and fig.study == r.project
        assert (fig.start_treated, fig.start_control) == (r.start_treated, r.start_control)
        assert (fig.share_treated, fig.share_control) == (r.end_treated, r.end_control)
        assert pd.isna(fig.n_treated) and fig.has_estimator
    # HIR: 18.4 % vs 15.9 % (2.5 pp) -> 24.7 % vs 19.1 % (5.6 pp): +3.1 pp
    assert rep.loc["hir.company_resource", "effect"] == 0.031
    # BRF: -3.5 pp -> +4 pp: +7.5 pp
    assert rep.loc["brf.company_resource", "effect"] == 0.075
    assert rep.loc["stv.paid_hours_cash", "effect"] == -0.001
    assert rep.loc["stv.company_cash", "decimals"] == 0
    # job rotation: "2-3 weeks faster", positive = faster
    jr = rep.loc["jobrotation.time_to_job"]
    assert (jr.effect_low, jr.effect_high, jr.effect, jr.unit) == (2.0, 3.0, 2.5, "weeks faster")


def test_star2020_shares_is_the_one_table_of_section_3():
    """One copy of the STAR 2020 shares: the package data that studies, synthetic and
    reproduction read."""
    from effekt.synthetic import panels

    shares = studies.star2020_shares()
    assert list(shares.columns[:10]) == [
        "figure_id",
        "project",
        "outcome",
        "benefit",
        "start",
        "end",
        "start_treated",
        "start_control",
        "end_treated",
        "end_control",
    ]
    # note 001, BRF: 13.3 % vs 16.8 % in Jan 2017, 21.7 % vs 17.7 % in Dec 2018
    brf = shares.set_index("figure_id").loc["brf.company_resource"]
    assert (brf.start, brf.end) == ("2017-01", "2018-12")
    assert (brf.start_treated, brf.start_control, brf.end_treated, brf.end_control) == (
        0.133,
        0.168,
        0.217,
        0.177,
    )
    pd.testing.assert_frame_equal(panels.STAR2020_SHARES, shares)
    shares.loc[0, "end_treated"] = 0.99  # a copy: the package data stay as published
    assert studies.star2020_shares().loc[0, "end_treated"] == 0.21


def test_package_data_parse_exactly():
    """The CSV files hold the notes' numbers as written; reading them loses nothing."""
    rep = studies.reported()
    assert rep["n_treated"].dtype == "Int64" and rep["decimals"].dtype == np.int64
    assert rep["has_estimator"].dtype == bool
    assert rep.loc[rep.figure_id == "ips.saving", "effect"].item() == 72000.0
    cat = studies.catalogue()
    assert cat["n_treated"].dtype == "Int64"
    assert cat.set_index("study").loc["ips", "n_treated"] == 243 + 238
