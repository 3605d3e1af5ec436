"""Generators in effekt.synthetic.panels state their truth and reproduce the notes' figures."""

import numpy as np
import pandas as pd
import pytest
from scipy import integrate

from effekt.errors import EffektError
from effekt.synthetic import panels
from effekt.synthetic.panels import (
    IPS_TRUE_WEEKS_DIFFERENCE,
    JOBFIRST_SHARE_WEEK35,
    JOBROTATION_HORIZON,
    JOBROTATION_TRUE_RMST_DIFFERENCE,
    STAR2020_SHARES,
    ips_weeks,
    jobfirst_panel,
    jobrotation,
    jobrotation_truth,
    municipality_panel,
)


def test_import_from_package():
    import effekt.synthetic as syn

    assert syn.panels is panels


def test_jobrotation_truth_by_numerical_integration():
    t = jobrotation_truth()
    h, a, b, L = t["hazard_control"], t["lock_in_ratio"], t["after_ratio"], t["lock_in_weeks"]

    def s1(x):
        return np.exp(-a * h * min(x, L) - b * h * max(x - L, 0))

    rmst1 = integrate.quad(s1, 0, JOBROTATION_HORIZON, points=[L])[0]
    rmst0 = integrate.quad(lambda x: np.exp(-h * x), 0, JOBROTATION_HORIZON)[0]
    assert rmst1 - rmst0 == pytest.approx(JOBROTATION_TRUE_RMST_DIFFERENCE, abs=1e-8)
    assert 2 <= -JOBROTATION_TRUE_RMST_DIFFERENCE <= 3  # "2-3 weeks faster"
    assert JOBROTATION_HORIZON == pytest.approx(99.667, abs=1e-3)  # 23 months


def test_jobrotation_data():
    df = jobrotation(n_treated=3000, n_control=1000, seed=1)
    assert df.jobrotation.sum() == 3000 and len(df) == 4000
    assert df.weeks.max() <= JOBROTATION_HORIZON and (df.weeks >= 0).all()
    assert set(df.job.unique()) <= {0, 1}
    pd.testing.assert_frame_equal(df, jobrotation(n_treated=3000, n_control=1000, seed=1))


def test_ips_weeks_truth():
    df = ips_weeks(n={"IPS": 40_000, "IPSE": 10, "control": 40_000}, seed=2)
    m = df.groupby("arm")[["weeks_in_work", "ever_in_work"]].mean()
    assert m.loc["IPS", "weeks_in_work"] - m.loc["control", "weeks_in_work"] == pytest.approx(
        IPS_TRUE_WEEKS_DIFFERENCE, abs=0.25
    )
    assert m.loc["IPS", "ever_in_work"] == pytest.approx(0.60, abs=0.01)
    assert m.loc["control", "ever_in_work"] == pytest.approx(0.465, abs=0.01)
    long = ips_weeks(seed=2, long=True)
    assert len(long) == (243 + 238 + 239) * 78
    with pytest.raises(EffektError, match="arms"):
        ips_weeks(arms=("IPS", "placebo"))


def test_jobfirst_panel_shares():
    df = jobfirst_panel(n_persons=30_000, n_municipalities=200, weeks=78, seed=3)
    at = df[df.week.isin([35, 78])].groupby(["week", "jobfirst"])[["paid_hours", "hours"]].mean()
    assert at.loc[(35, 1), "paid_hours"] == pytest.approx(
        JOBFIRST_SHARE_WEEK35["treated"], abs=0.015
    )
    assert at.loc[(35, 0), "paid_hours"] == pytest.approx(
        JOBFIRST_SHARE_WEEK35["control"], abs=0.015
    )
    assert at.loc[(78, 1), "hours"] - at.loc[(78, 0), "hours"] == pytest.approx(2.0, abs=0.4)
    assert at.loc[(78, 1), "hours"] / at.loc[(78, 0), "hours"] - 1 == pytest.approx(0.67, abs=0.15)
    small = jobfirst_panel(n_persons=60, weeks=3, seed=1)
    assert small.municipality.nunique() <= 15
    assert small.groupby("person").jobfirst.nunique().max() == 1


@pytest.mark.parametrize(
    "row",
    list(STAR2020_SHARES.itertuples(index=False)),
    ids=lambda r: f"{r.project}-{r.outcome}-{r.benefit}",
)
def test_municipality_panel_reproduces_start_and_end_shares(row):
    df = municipality_panel(row.project, row.outcome, row.benefit, seed=4)
    g = (
        df[df.period.isin(["start", "end"])]
        .groupby(["period", "participating"])[["count", "denominator"]]
        .sum()
    )
    share = g["count"] / g["denominator"]
    # published to 0.1 pp (or 1 pp where the note rounds to whole percentages)
    assert share[("start", 1)] == pytest.approx(row.start_treated, abs=1e-4)
    assert share[("start", 0)] == pytest.approx(row.start_control, abs=1e-4)
    assert share[("end", 1)] == pytest.approx(row.end_treated, abs=1e-4)
    assert share[("end", 0)] == pytest.approx(row.end_control, abs=1e-4)
    assert df.groupby("municipality").participating.nunique().max() == 1
    assert (df["count"] <= df["denominator"]).all()
    assert str(df.month.min()) < row.start <= str(df.month.max())
    assert df.month.max() == pd.Period(row.end, "M")


def test_municipality_panel_bad_input():
    with pytest.raises(EffektError, match="project"):
        municipality_panel("xyz")
    with pytest.raises(EffektError, match="benefit"):
        municipality_panel("hir", "company", "cash")
    with pytest.raises(EffektError, match="outcome_kind"):
        municipality_panel("hir", outcome_kind="hours")
    assert (
        municipality_panel("hir", seed=1)
        .participating.groupby(municipality_panel("hir", seed=1).municipality)
        .first()
        .sum()
        == 15
    )
