"""compare_arms and subgroups: each comparison equals the two-arm estimator; tests against R."""

from __future__ import annotations

import copy
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from statsmodels.stats.multitest import multipletests

import effekt as ef
from effekt import rct
from effekt.errors import ColumnError, EffektError, MissingValueError, SmallSampleWarning
from effekt.rct.arms import _adjust_pvalues

REF = Path(__file__).parent / "reference"


@pytest.fixture(scope="module")
def ips() -> pd.DataFrame:
    # Projekt Inklusion: IPS 243, IPSE 238, usual service 239; ~60 % vs 46.5 % in job or education.
    arm = np.repeat(["IPS", "IPSE", "usual service"], [243, 238, 239])
    rng = np.random.default_rng(0)
    job = np.concatenate([np.arange(243) < 146, np.arange(238) < 143, np.arange(239) < 111]).astype(
        int
    )
    weeks = np.round(rng.gamma(2.0, 6.0, 720) + 2.9 * (arm != "usual service"), 1)
    return pd.DataFrame({"arm": arm, "job_or_education": job, "weeks_employed": weeks})


@pytest.fixture(scope="module")
def trial() -> pd.DataFrame:
    # Produced by tests/reference/rct_means.R
    return pd.read_csv(REF / "rct_means_data.csv")


@pytest.fixture(scope="module")
def ref() -> pd.Series:
    return pd.read_csv(REF / "rct_means_values.csv").set_index("name")["value"]


# --------------------------------------------------------------------------- compare_arms


def _same(a, b):
    assert a.estimate == pytest.approx(b.estimate, rel=1e-12, abs=1e-15)
    assert a.ci == pytest.approx(b.ci, rel=1e-12)
    assert a.pvalue == pytest.approx(b.pvalue, rel=1e-12)


def test_compare_arms_binary_equals_counts(ips):
    t = rct.compare_arms(ips, "job_or_education", "arm", control="usual service", adjust="holm")
    assert t.labels == ["IPS", "IPSE", "pooled (IPS + IPSE)"]
    _same(t["IPS"], rct.difference_in_proportions_from_counts(146, 243, 111, 239))
    _same(t["IPSE"], rct.difference_in_proportions_from_counts(143, 238, 111, 239))
    _same(t["pooled (IPS + IPSE)"], rct.difference_in_proportions_from_counts(289, 481, 111, 239))
    assert t["IPS"].scale == "proportion"
    assert t["pooled (IPS + IPSE)"].mean_control == pytest.approx(111 / 239)
    assert round(100 * t["pooled (IPS + IPSE)"].mean_treated) == 60
    frame = t.to_frame()
    expected = multipletests(frame["pvalue"], method="holm")[1]  # statsmodels Holm
    np.testing.assert_allclose(frame["pvalue_adjusted"], expected, rtol=1e-12)
    assert frame["comparison"].tolist()[0] == "IPS vs usual service"
    assert (frame["control"] == "usual service").all()


def test_compare_arms_method_is_passed_on(ips):
    t = rct.compare_arms(ips, "job_or_education", "arm", control="usual service", method="wald")
    _same(t["IPS"], rct.difference_in_proportions_from_counts(146, 243, 111, 239, method="wald"))
    assert "pvalue_adjusted" not in t.to_frame()


def test_compare_arms_continuous_uses_means(ips):
    t = rct.compare_arms(
        ips, "weeks_employed", "arm", control="usual service", adjust="bh", unit_label="weeks"
    )
    sub = ips[ips["arm"].isin(["IPSE", "usual service"])]
    ref = rct.difference_in_means(sub, "weeks_employed", "arm", treated_value="IPSE")
    _same(t["IPSE"], ref)
    assert t["IPSE"].scale == "mean" and t["IPSE"].unit == "weeks"
    frame = t.to_frame()
    np.testing.assert_allclose(
        frame["pvalue_adjusted"], multipletests(frame["pvalue"], method="fdr_bh")[1]
    )


def test_compare_arms_two_arms_has_no_pooled_row(ips):
    two = ips[ips["arm"] != "IPSE"]
    t = rct.compare_arms(two, "job_or_education", "arm", control="usual service")
    assert t.labels == ["IPS"]


@pytest.mark.parametrize("coding", ["bool", "float", "int"])
def test_binary_detection(ips, coding):
    y = ips["job_or_education"]
    df = ips.assign(job_or_education={"bool": y == 1, "float": y.astype(float), "int": y}[coding])
    t = rct.compare_arms(df, "job_or_education", "arm", control="usual service")
    assert t["IPS"].scale == "proportion"
    counts = ips.assign(job_or_education=np.where(np.arange(720) % 7 == 0, 2, y))
    assert (
        rct.compare_arms(counts, "job_or_education", "arm", control="usual service")["IPS"].scale
        == "mean"
    )


def test_compare_arms_summary_and_plot(ips, tmp_path):
    t = rct.compare_arms(ips, "job_or_education", "arm", control="usual service", adjust="holm")
    assert "Holm" in t.summary() and "pp" in t.summary()
    ax = t.plot()
    assert ax.get_xlabel() == "Effect (percentage points)"
    ax.figure.savefig(tmp_path / "compare_arms.png", dpi=100, bbox_inches="tight")


BAD_ARMS = [
    (lambda d: d.assign(arm="IPS"), {}, ColumnError, "only one value"),
    (lambda d: d, {"control": "control"}, EffektError, "'control'"),
    (lambda d: d, {"treatment": "gruppe"}, ColumnError, "'gruppe'"),
    (lambda d: d, {"outcome": "job"}, ColumnError, "'job'"),
    (
        lambda d: d.assign(
            weeks_employed=np.where(np.arange(720) == 5, np.nan, d["weeks_employed"])
        ),
        {"outcome": "weeks_employed"},
        MissingValueError,
        "'weeks_employed'",
    ),
    (lambda d: d.assign(arm=d["arm"].where(np.arange(720) != 3)), {}, MissingValueError, "'arm'"),
    (lambda d: d.assign(job_or_education="yes"), {}, ColumnError, "numeric"),
    (lambda d: d, {"adjust": "bonferroni"}, EffektError, "'adjust'"),
    (lambda d: d, {"conf_level": 0}, EffektError, "conf_level"),
    (lambda d: d.iloc[242:], {"outcome": "weeks_employed"}, ColumnError, "at least two"),
]


@pytest.mark.parametrize(("make", "options", "error", "match"), BAD_ARMS)
def test_compare_arms_bad_input(ips, make, options, error, match):
    data = make(ips.copy())
    before = copy.deepcopy(data)
    kwargs = {
        "outcome": "job_or_education",
        "treatment": "arm",
        "control": "usual service",
        **options,
    }
    with pytest.raises(error, match=match):
        rct.compare_arms(data, **kwargs)
    pd.testing.assert_frame_equal(data, before)


# --------------------------------------------------------------------------- adjust_pvalues


@pytest.mark.parametrize("method", ["holm", "fdr_bh"])
def test_adjust_pvalues_match_statsmodels(method):
    rng = np.random.default_rng(3)
    for k in (1, 2, 5, 17):
        p = rng.uniform(0, 0.2, k) ** 2
        np.testing.assert_allclose(
            _adjust_pvalues(p, method), multipletests(p, method=method)[1], rtol=1e-12
        )


# --------------------------------------------------------------------------- subgroups


def test_subgroups_continuous_match_r(trial, ref):
    s = rct.subgroups(trial, "hours", "treated", by="group", adjust="holm")
    frame = s.to_frame()
    for _, row in frame.iterrows():
        # R: t.test(hours[treated==1], hours[treated==0]) within each group (Welch)
        assert row["pvalue"] == pytest.approx(ref[f"subgroup_p_{row['level']}"], rel=1e-8)
        # R: p.adjust(ps, "holm")
        assert row["pvalue_adjusted"] == pytest.approx(ref[f"holm_{row['level']}"], rel=1e-8)
    test = s.interactions["group"]
    # R: lm(hours ~ group * treated), vcovHC(type = "HC2"), Wald F on the interaction terms
    assert test.statistic == pytest.approx(ref["interaction_F"], rel=1e-9)
    assert test.pvalue == pytest.approx(ref["interaction_p"], rel=1e-8)
    assert test.df == 2 and "414" in test.name
    bh = rct.subgroups(trial, "hours", "treated", by="group", adjust="fdr_bh").to_frame()
    for _, row in bh.iterrows():
        assert row["pvalue_adjusted"] == pytest.approx(
            ref[f"bh_{row['level']}"], rel=1e-8
        )  # R: p.adjust("BH")


def test_interaction_matches_statsmodels(trial):
    X = pd.get_dummies(trial["stratum"], drop_first=True, dtype=float)
    t = trial["treated"].to_numpy(float)
    design = np.column_stack([np.ones(len(t)), X, t, X.to_numpy() * t[:, None]])
    fit = sm.OLS(trial["hours"].to_numpy(), design).fit(cov_type="HC2", use_t=True)
    R = np.zeros((3, 8))
    R[[0, 1, 2], [5, 6, 7]] = 1
    w = fit.wald_test(R, use_f=True, scalar=True)
    s = rct.subgroups(trial, "hours", "treated", by="stratum", adjust=None)
    assert s.interactions["stratum"].statistic == pytest.approx(float(w.statistic), rel=1e-9)
    assert s.interactions["stratum"].pvalue == pytest.approx(float(w.pvalue), rel=1e-8)
    assert "pvalue_adjusted" not in s.to_frame()


@pytest.fixture(scope="module")
def mentor() -> pd.DataFrame:
    return ef.synthetic.rct(1302, 1291, p_control=0.12, effect=0.04, seed=3)


def test_subgroups_binary_rows_equal_two_arm_estimates(mentor):
    s = rct.subgroups(mentor, "outcome", "treated", by=["gender", "benefit_group"])
    frame = s.to_frame()
    assert frame[["by", "level"]].values.tolist() == [
        ["gender", "man"],
        ["gender", "woman"],
        ["benefit_group", "kontanthjælp"],
        ["benefit_group", "ressourceforløb"],
        ["benefit_group", "uddannelseshjælp"],
    ]
    women = mentor[mentor["gender"] == "woman"]
    _same(s.table["gender: woman"], rct.difference_in_proportions(women, "outcome", "treated"))
    _same(s.overall, rct.difference_in_proportions(mentor, "outcome", "treated"))
    np.testing.assert_allclose(
        frame["pvalue_adjusted"], multipletests(frame["pvalue"], method="holm")[1]
    )
    assert set(frame["pvalue_interaction"]) == {
        s.interactions["gender"].pvalue,
        s.interactions["benefit_group"].pvalue,
    }
    text = s.summary()
    assert "gender: interaction" in text and "pp" in text and "Holm" in text
    people = s._html_frame()  # the overall row, then the subgroups, p-values formatted
    assert people["label"].tolist()[:2] == ["All", "gender: man"]
    assert people["interaction p"].iloc[0] == "" and "adjusted p" in people.columns
    assert "<table" in s._repr_html_() and str(s) == text


def test_subgroups_detect_a_real_interaction():
    # The effect exists only for women: the interaction test must see it.
    rng = np.random.default_rng(9)
    n = 8000
    woman = rng.uniform(size=n) < 0.5
    treated = rng.uniform(size=n) < 0.5
    p = 0.12 + 0.08 * (treated & woman)
    df = pd.DataFrame(
        {
            "y": (rng.uniform(size=n) < p).astype(int),
            "t": treated.astype(int),
            "gender": np.where(woman, "woman", "man"),
        }
    )
    s = rct.subgroups(df, "y", "t", by="gender")
    assert s.interactions["gender"].pvalue < 0.001
    assert s.table["gender: woman"].estimate > 0.05 and abs(s.table["gender: man"].estimate) < 0.03


@pytest.mark.slow
def test_subgroups_type_one_error():
    # No heterogeneity: 400 seeded trials, the 5 % interaction test rejects about 5 % of the time.
    rng = np.random.default_rng(10)
    rejections = 0
    for _ in range(400):
        n = 300
        g = rng.integers(0, 3, n)
        t = rng.uniform(size=n) < 0.5
        y = rng.normal(0, 1 + 0.5 * g, n) + 0.3 * t
        df = pd.DataFrame({"y": y, "t": t.astype(int), "g": g})
        rejections += (
            rct.subgroups(df, "y", "t", by="g", adjust=None).interactions["g"].pvalue < 0.05
        )
    assert 0.025 <= rejections / 400 <= 0.08


def test_subgroup_plot(mentor, tmp_path):
    s = rct.subgroups(
        mentor.assign(grade_band=pd.cut(mentor["grade_9th"], [-3.1, 4, 7, 12]).astype(str)),
        "outcome",
        "treated",
        by=["gender", "benefit_group", "grade_band"],
    )
    ax = s.plot()
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels[0] == "All" and labels[1].startswith("gender (interaction p")
    assert "    woman" in labels
    assert ax.get_xlabel() == "Effect (percentage points)"
    ax.figure.savefig(tmp_path / "subgroups.png", dpi=110, bbox_inches="tight")
    _, own = plt.subplots()
    assert s.plot(ax=own) is own


def test_subgroups_does_not_modify_frame(mentor):
    before = copy.deepcopy(mentor)
    rct.subgroups(mentor, "outcome", "treated", by="gender")
    pd.testing.assert_frame_equal(mentor, before)


BAD_SUB = [
    ({"by": "municipality"}, ColumnError, "'municipality'"),
    ({"by": []}, EffektError, "'by'"),
    ({"by": "one"}, ColumnError, "single value"),
    ({"by": "id"}, ColumnError, "max_levels"),
    ({"by": "rare"}, ColumnError, "Level 'x'"),
    ({"by": "holes"}, MissingValueError, "'holes'"),
    ({"adjust": "bonferroni"}, EffektError, "'adjust'"),
    ({"treatment": "three"}, ColumnError, "exactly two values"),
    ({"outcome": "text"}, ColumnError, "numeric"),
]


@pytest.mark.parametrize(("options", "error", "match"), BAD_SUB)
def test_subgroups_bad_input(mentor, options, error, match):
    data = mentor.assign(
        one="a",
        rare=np.where((mentor["treated"] == 1) & (mentor.index >= 2000), "x", "y"),
        holes=mentor["gender"].where(mentor.index != 7),
        three=mentor.index % 3,
        text="t",
    )
    before = copy.deepcopy(data)
    kwargs = {"outcome": "outcome", "treatment": "treated", "by": "gender", **options}
    with pytest.raises(error, match=match):
        rct.subgroups(data, **kwargs)
    pd.testing.assert_frame_equal(data, before)


def _arms_frame():
    rng = np.random.default_rng(11)
    n = 120
    return pd.DataFrame(
        {
            "arm": np.repeat(["x", "y", "z"], n // 3),
            "t": np.tile([0, 1], n // 2),
            "h": rng.normal(size=n),
            "y": rng.integers(0, 2, n),
        }
    )


@pytest.mark.parametrize("outcome", ["h", "y"])
def test_method_is_validated_for_any_outcome_and_names_the_function(outcome):
    # A bad method used to pass silently for a continuous outcome and, for a binary one,
    # raised an error naming difference_in_proportions().
    d = _arms_frame()
    with pytest.raises(EffektError, match=r"'method' argument of compare_arms\(\)"):
        rct.compare_arms(d, outcome, "arm", control="x", method="bogus")
    with pytest.raises(EffektError, match=r"'method' argument of subgroups\(\)"):
        rct.subgroups(d, outcome, "t", by="arm", method="bogus")


@pytest.mark.parametrize("bad", [1, 0, -3, 2.5, "20", True, None])
def test_subgroups_max_levels_must_be_an_integer_of_at_least_two(bad):
    with pytest.raises(EffektError, match=r"'max_levels' argument of subgroups\(\)"):
        rct.subgroups(_arms_frame(), "h", "t", by="arm", max_levels=bad)
    # valid values still work
    assert len(rct.subgroups(_arms_frame(), "h", "t", by="arm", max_levels=3).to_frame()) == 3


def test_interaction_test_warns_when_a_cell_has_zero_variance():
    # Level 'c' has no events in either arm: its HC2 cell variance is 0 and the F test is
    # anti-conservative; the warning and the test's notes must name the level.
    rng = np.random.default_rng(5)
    n = 400
    d = pd.DataFrame(
        {"t": rng.integers(0, 2, n), "g": rng.choice(["a", "b", "c"], n, p=[0.45, 0.45, 0.1])}
    )
    d["y"] = (rng.uniform(size=n) < np.where(d.t == 1, 0.4, 0.2)).astype(int)
    d.loc[d.g == "c", "y"] = 0
    with pytest.warns(SmallSampleWarning, match=r"level\(s\) 'c' of g .*anti-conservative"):
        s = rct.subgroups(d, "y", "t", by="g")
    test = s.interactions["g"]
    assert len(test.notes) == 1 and "'c'" in test.notes[0]
    assert "anti-conservative" in s.summary() and "anti-conservative" in test.summary()
    # without the degenerate level there is no warning and no note
    ok = rct.subgroups(d[d.g != "c"], "y", "t", by="g")
    assert ok.interactions["g"].notes == ()


def test_subgroups_outcome_beyond_1e150_is_refused():
    # Regression: an outcome cell of 1e300 raised LinAlgError: SVD did not converge.
    import effekt as ef

    rng = np.random.default_rng(0)
    d = pd.DataFrame({"t": np.tile([0, 1], 30), "y": rng.normal(size=60), "g": ["a", "b"] * 30})
    d.loc[0, "y"] = 1e300
    with pytest.raises(EffektError, match="'y'.*1e\\+300.*rescale"):
        ef.rct.subgroups(d, "y", "t", by="g")
