"""effekt.duration against R survival 3.5.3 (tests/reference/survival_km.R) and simulations."""

import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import numpy as np
import pandas as pd
import pytest
from scipy import stats

from effekt.duration import (
    kaplan_meier,
    logrank_test,
    median_difference,
    restricted_mean_difference,
    time_to_event,
    weeks_in_status,
)
from effekt.errors import ColumnError, EffektError, SmallSampleWarning
from effekt.synthetic.panels import (
    IPS_TRUE_WEEKS_DIFFERENCE,
    JOBROTATION_HORIZON,
    JOBROTATION_TRUE_RMST_DIFFERENCE,
    ips_weeks,
    jobrotation,
)

REF = Path(__file__).parent / "reference"
DATA = pd.read_csv(REF / "survival_data.csv")
HALF = pd.read_csv(REF / "survival_half.csv")
CURVES = pd.read_csv(REF / "survival_km_curves.csv", dtype={"group": str})
TABLES = pd.read_csv(REF / "survival_km_tables.csv", dtype={"group": str})
LOGRANK = pd.read_csv(REF / "survival_logrank.csv")
TOL = 1e-6


def _fit(case, conf_type):
    if case == "half":
        return kaplan_meier(HALF, "weeks", "job", conf_type=conf_type)
    weights = "w" if case in ("arms_weighted", "arms_robust") else None
    variance = "robust" if case == "arms_robust" else "greenwood"
    return kaplan_meier(
        DATA, "weeks", "job", treatment="arm", weights=weights, conf_type=conf_type, se=variance
    )


@pytest.mark.parametrize("case", ["arms", "arms_weighted", "arms_robust", "half"])
@pytest.mark.parametrize("conf_type", ["log", "log-log", "plain"])
def test_kaplan_meier_matches_r_survfit(case, conf_type):
    # R: survfit(Surv(weeks, job) ~ arm, data, conf.type=, weights=w, robust=FALSE / TRUE)
    ref = CURVES[(CURVES.case == case) & (CURVES.conf_type == conf_type)].reset_index(drop=True)
    km = _fit(case, conf_type)
    tab = km.table
    assert len(tab) == len(ref)
    for col in ("time", "n_risk", "n_event", "n_censor", "surv"):
        np.testing.assert_allclose(tab[col], ref[col], atol=TOL, rtol=0)
    # R's std.err is the SE of log S (cumulative hazard); ours is the SE of S
    ok = tab["surv"] > 0
    np.testing.assert_allclose(
        (tab["std_error"] / tab["surv"])[ok], ref["std_err_log"][ok], atol=TOL, rtol=0
    )
    lower = ref["lower"].to_numpy()
    upper = ref["upper"].to_numpy()
    # R gives NA where the interval is undefined (S = 0; S = 1 on the log-log scale)
    np.testing.assert_array_equal(np.isnan(tab["ci_low"]), np.isnan(lower))
    np.testing.assert_allclose(tab["ci_low"], lower, atol=TOL, rtol=0, equal_nan=True)
    np.testing.assert_allclose(tab["ci_high"], upper, atol=TOL, rtol=0, equal_nan=True)


@pytest.mark.parametrize("case", ["arms", "arms_weighted", "half"])
@pytest.mark.parametrize("conf_type", ["log", "log-log", "plain"])
def test_median_and_rmean_match_r_print_survfit(case, conf_type):
    # R: summary(survfit(...), rmean = tau)$table  (== print(survfit, rmean = tau))
    ref = TABLES[(TABLES.case == case) & (TABLES.conf_type == conf_type)].reset_index(drop=True)
    km = _fit(case, conf_type)
    med = km.medians
    np.testing.assert_allclose(med["n"], ref["n"], atol=TOL)
    np.testing.assert_allclose(med["events"], ref["events"], atol=TOL)
    np.testing.assert_allclose(med["median"], ref["median"], atol=TOL, equal_nan=True)
    np.testing.assert_allclose(med["ci_low"], ref["lcl"], atol=TOL, equal_nan=True)
    np.testing.assert_allclose(med["ci_high"], ref["ucl"], atol=TOL, equal_nan=True)
    rm = km.restricted_mean(float(ref["tau"].iloc[0]))
    np.testing.assert_allclose(rm["rmean"], ref["rmean"], atol=TOL, rtol=0)
    np.testing.assert_allclose(rm["std_error"], ref["se_rmean"], atol=TOL, rtol=0)


def test_median_midpoint_rule():
    # S is exactly 0.5 on [3, 6): R's median is the midpoint 4.5 (survival_half.csv; R: 4.5)
    assert kaplan_meier(HALF, "weeks", "job").medians["median"].iloc[0] == pytest.approx(4.5)


@pytest.mark.parametrize("case", ["two_arms", "three_arms"])
def test_logrank_matches_r_survdiff(case):
    # R: survdiff(Surv(weeks, job) ~ arm, data)$chisq
    ref = LOGRANK.set_index("case").loc[case]
    data = DATA if case == "three_arms" else DATA[DATA.arm != 2]
    res = logrank_test(data, "weeks", "job", "arm")
    assert res.statistic == pytest.approx(ref["chisq"], abs=TOL)
    assert res.df == ref["df"]
    assert res.pvalue == pytest.approx(stats.chi2.sf(ref["chisq"], ref["df"]), abs=TOL)


def test_restricted_mean_difference_matches_r_rmean():
    # R: summary(survfit(Surv(weeks, job) ~ arm), rmean = 20)$table, arms 1 and 0
    ref = TABLES[(TABLES.case == "arms") & (TABLES.conf_type == "log")].set_index("group")
    two = DATA[DATA.arm != 2]
    r = restricted_mean_difference(two, "weeks", "job", "arm", horizon=20)
    assert r.estimate == pytest.approx(ref.loc["1", "rmean"] - ref.loc["0", "rmean"], abs=TOL)
    assert r.std_error == pytest.approx(
        np.hypot(ref.loc["1", "se_rmean"], ref.loc["0", "se_rmean"]), abs=TOL
    )
    assert r.mean_treated == pytest.approx(ref.loc["1", "rmean"], abs=TOL)
    assert r.scale == "mean" and r.unit == "weeks"
    z = stats.norm.ppf(0.975)
    assert r.ci == pytest.approx((r.estimate - z * r.std_error, r.estimate + z * r.std_error))
    # weighted: R survfit(..., weights = w, robust = FALSE)
    refw = TABLES[(TABLES.case == "arms_weighted") & (TABLES.conf_type == "log")].set_index("group")
    rw = restricted_mean_difference(two, "weeks", "job", "arm", horizon=20, weights="w")
    assert rw.estimate == pytest.approx(refw.loc["1", "rmean"] - refw.loc["0", "rmean"], abs=TOL)
    assert rw.std_error == pytest.approx(
        np.hypot(refw.loc["1", "se_rmean"], refw.loc["0", "se_rmean"]), abs=TOL
    )


def test_robust_se_is_zero_where_the_curve_reaches_zero():
    # R: survfit(..., weights = w, robust = TRUE): the variance of S is 0 once S(t) = 0 (R's
    # std.err, on the log scale, is NaN there as 0/0); Greenwood's SE stays undefined (NaN)
    for conf_type in ("log", "log-log", "plain"):
        robust = kaplan_meier(
            DATA, "weeks", "job", treatment="arm", weights="w", se="robust", conf_type=conf_type
        ).table
        zero = robust["surv"] == 0
        assert zero.any()
        assert (robust.loc[zero, "std_error"] == 0).all()
        assert robust.loc[~zero, "std_error"].notna().all()
    greenwood = kaplan_meier(DATA, "weeks", "job", treatment="arm", weights="w").table
    assert greenwood.loc[greenwood["surv"] == 0, "std_error"].isna().all()


def test_robust_rmst_matches_r_influence():
    from effekt.duration import _km_arrays, _rmst_influence

    ref = pd.read_csv(REF / "survival_rmst_robust.csv").set_index("group")
    km = kaplan_meier(DATA, "weeks", "job", treatment="arm", weights="w", se="robust")
    rm = km.restricted_mean(20).set_index("group")
    for g in (0, 1, 2):
        # R: survfit(..., weights = w, robust = TRUE, influence = TRUE)$influence.surv,
        #    integrated to 20
        assert rm.loc[g, "rmean"] == pytest.approx(ref.loc[g, "rmean"], abs=TOL)
        assert rm.loc[g, "std_error"] == pytest.approx(ref.loc[g, "se_robust"], abs=TOL)
        arm = DATA[DATA.arm == g]
        infl = pd.read_csv(REF / f"survival_rmst_influence_arm{g}.csv")
        mine = _rmst_influence(
            _km_arrays(arm.weeks.to_numpy(float), arm.job.to_numpy(float), arm.w.to_numpy(float)),
            20,
        )
        np.testing.assert_allclose(mine, infl["influence"], atol=TOL)
    two = DATA[DATA.arm != 2]
    r = restricted_mean_difference(two, "weeks", "job", "arm", horizon=20, weights="w", se="robust")
    assert r.std_error == pytest.approx(
        np.hypot(ref.loc[1, "se_robust"], ref.loc[0, "se_robust"]), abs=TOL
    )
    assert "robust" in r.method
    # clustering by a unique id changes nothing; duplicating rows and clustering on the id
    # gives the SE of the original data with doubled weights
    rc = restricted_mean_difference(
        two, "weeks", "job", "arm", horizon=20, weights="w", cluster="id"
    )
    assert rc.std_error == pytest.approx(r.std_error, rel=1e-12)
    dup = pd.concat([two, two])
    rd = restricted_mean_difference(
        dup, "weeks", "job", "arm", horizon=20, weights="w", cluster="id"
    )
    assert rd.estimate == pytest.approx(r.estimate, abs=1e-12)
    assert rd.std_error == pytest.approx(r.std_error, rel=1e-10)


@pytest.mark.slow
def test_robust_rmst_coverage_with_matching_weights():
    """Seeded: non-integer weights (controls weighted 1/k as after 1:k matching); the robust
    interval covers the true RMST difference in about 95 % of 500 samples."""
    rng = np.random.default_rng(8)
    cover = []
    for seed in range(1000, 1500):
        df = jobrotation(n_treated=800, n_control=2400, seed=seed)
        df["w"] = np.where(df.jobrotation == 1, 1.0, rng.choice([1 / 3, 1 / 2, 1.0], len(df)))
        r = restricted_mean_difference(
            df,
            "weeks",
            "job",
            "jobrotation",
            horizon=JOBROTATION_HORIZON,
            weights="w",
            se="robust",
        )
        cover.append(r.ci[0] <= JOBROTATION_TRUE_RMST_DIFFERENCE <= r.ci[1])
    print(f"robust RMST coverage with matching weights: {np.mean(cover):.3f}")
    assert 0.925 <= np.mean(cover) <= 0.975


def test_integer_weights_equal_replicated_rows():
    rng = np.random.default_rng(5)
    df = DATA[DATA.arm != 2].copy()
    df["k"] = rng.integers(1, 4, len(df))
    rep = df.loc[df.index.repeat(df["k"])]
    a = kaplan_meier(df, "weeks", "job", treatment="arm", weights="k")
    b = kaplan_meier(rep, "weeks", "job", treatment="arm")
    np.testing.assert_allclose(a.table["surv"], b.table["surv"])
    np.testing.assert_allclose(a.table["std_error"], b.table["std_error"])
    assert logrank_test(df, "weeks", "job", "arm", weights="k").statistic == pytest.approx(
        logrank_test(rep, "weeks", "job", "arm").statistic
    )
    ra = restricted_mean_difference(df, "weeks", "job", "arm", horizon=25, weights="k")
    rb = restricted_mean_difference(rep, "weeks", "job", "arm", horizon=25)
    assert (ra.estimate, ra.std_error) == pytest.approx((rb.estimate, rb.std_error))


def test_does_not_modify_input():
    df = DATA.copy(deep=True)
    kaplan_meier(df, "weeks", "job", treatment="arm", weights="w")
    logrank_test(df, "weeks", "job", "arm")
    pd.testing.assert_frame_equal(df, DATA)


def test_bad_input():
    df = DATA[DATA.arm != 2].copy()
    neg = df.copy()
    neg.loc[neg.index[0], "weeks"] = -1
    with pytest.raises(ColumnError, match="negative"):
        kaplan_meier(neg, "weeks", "job")
    bad = df.copy()
    bad.loc[bad.index[0], "job"] = 2
    with pytest.raises(ColumnError, match="must be 1"):
        logrank_test(bad, "weeks", "job", "arm")
    with pytest.raises(EffektError, match="horizon"):
        restricted_mean_difference(df, "weeks", "job", "arm", horizon=1000)
    with pytest.raises(EffektError, match="conf_type"):
        kaplan_meier(df, "weeks", "job", conf_type="arcsin")
    with pytest.raises(ColumnError, match="one value"):
        logrank_test(df[df.arm == 0], "weeks", "job", "arm")


def test_median_difference_on_generator():
    df = jobrotation(n_treated=1500, n_control=1500, seed=11)
    r = median_difference(df, "weeks", "job", "jobrotation", n_boot=400, seed=3)
    km = kaplan_meier(df, "weeks", "job", treatment="jobrotation")
    meds = km.medians.set_index("group")["median"]
    assert r.estimate == pytest.approx(meds[1] - meds[0])
    assert r.ci[0] < r.estimate < r.ci[1]
    again = median_difference(df, "weeks", "job", "jobrotation", n_boot=400, seed=3)
    assert again.ci == r.ci  # seeded


def test_rmst_recovers_truth_on_one_large_sample():
    df = jobrotation(n_treated=20_000, n_control=20_000, seed=1)
    r = restricted_mean_difference(df, "weeks", "job", "jobrotation", horizon=JOBROTATION_HORIZON)
    assert abs(r.estimate - JOBROTATION_TRUE_RMST_DIFFERENCE) < 3 * r.std_error
    assert -3 < r.estimate < -2


@pytest.mark.slow
def test_rmst_coverage_over_200_seeds():
    """Acceptance: the RMST difference recovers 2-3 weeks; the CI covers the truth in >= 90 %
    of 200 seeds."""
    start = time.perf_counter()
    est, cover = [], []
    for seed in range(200):
        df = jobrotation(n_treated=2000, n_control=2000, seed=seed)
        r = restricted_mean_difference(
            df, "weeks", "job", "jobrotation", horizon=JOBROTATION_HORIZON
        )
        est.append(r.estimate)
        cover.append(r.ci[0] <= JOBROTATION_TRUE_RMST_DIFFERENCE <= r.ci[1])
    print(f"RMST: mean estimate {np.mean(est):.3f} weeks, coverage {np.mean(cover):.3f}")
    assert -3 < np.mean(est) < -2
    assert np.mean(cover) >= 0.90
    assert time.perf_counter() - start < 120


def test_km_plot(tmp_path):
    df = jobrotation(n_treated=600, n_control=600, seed=4)
    km = kaplan_meier(df, "weeks", "job", treatment="jobrotation")
    ax = km.plot(kind="event", labels={0: "non-participants", 1: "job-rotation temps"})
    assert ax.get_xlabel() == "Weeks since start"
    assert ax.get_ylabel() == "Share in job (%)"
    ax.figure.savefig(tmp_path / "duration_km.png", dpi=90)
    assert "median" in km.summary()


def test_time_to_event_and_weeks_in_status():
    panel = pd.DataFrame(
        {
            "id": [1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3],
            "week": [1, 2, 3, 4] * 3,
            "job": [0, 0, 1, 1, 0, 0, 0, 0, 0, 1, 0, 0],
            "gone": [0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0],
            "arm": [1] * 4 + [0] * 4 + [1] * 4,
        }
    )
    before = panel.copy(deep=True)
    tte = time_to_event(panel, "week", "job", id="id", censored="gone", columns=["arm"])
    assert tte["week"].tolist() == [3.0, 2.0, 2.0]  # person 2 censored after week 2
    assert tte["job"].tolist() == [1, 0, 1]
    assert tte["arm"].tolist() == [1, 0, 1]
    w = weeks_in_status(panel, "job", "id", "week", window=(2, 4), columns=["arm"])
    assert w["weeks"].tolist() == [2.0, 0.0, 1.0]
    pd.testing.assert_frame_equal(panel, before)


def test_panel_bad_input():
    panel = pd.DataFrame(
        {
            "id": [1, 1, 1, 2, 2, 2],
            "week": [1, 2, 3] * 2,
            "job": [0, 1, 0, 0, 0, 1],
            "gone": [0, 0, 0, 0, 1, 1],
        }
    )
    with pytest.raises(EffektError, match="after being censored"):
        time_to_event(panel, "week", "job", id="id", censored="gone")
    # row order does not matter (regression: unsorted panels used to be refused)
    unsorted = panel.iloc[[5, 0, 2, 1, 3, 4]]
    pd.testing.assert_frame_equal(
        weeks_in_status(unsorted, "job", "id", "week"), weeks_in_status(panel, "job", "id", "week")
    )
    pd.testing.assert_frame_equal(
        time_to_event(unsorted, "week", "job", id="id"),
        time_to_event(panel, "week", "job", id="id"),
    )
    dup = pd.concat([panel, panel.iloc[[1]]])
    with pytest.raises(EffektError, match="duplicated"):
        weeks_in_status(dup, "job", "id", "week")
    with pytest.raises(EffektError, match="outside the panel"):
        weeks_in_status(panel, "job", "id", "week", window=(1, 9))
    with pytest.raises(EffektError, match="not observed in all"):
        weeks_in_status(panel.iloc[:-1], "job", "id", "week")


def test_weeks_in_status_feeds_a_trial_comparison():
    panel = ips_weeks(seed=7, long=True, n={"IPS": 2000, "control": 2000}, arms=("IPS", "control"))
    w = weeks_in_status(panel, "in_work", "person", "week", window=(1, 78), columns=["arm"])
    diff = w.loc[w.arm == "IPS", "weeks"].mean() - w.loc[w.arm == "control", "weeks"].mean()
    se = np.sqrt(w.groupby("arm")["weeks"].var().div(w.groupby("arm").size()).sum())
    assert abs(diff - IPS_TRUE_WEEKS_DIFFERENCE) < 3 * se


def test_weeks_in_status_refuses_a_window_over_weeks_absent_from_the_panel():
    # Regression: week 2 absent for everybody was silently not counted over the window 1-3.
    q = pd.DataFrame({"id": [1, 1, 2, 2], "wk": [1, 3, 1, 3], "job": [1, 1, 0, 1]})
    with pytest.raises(EffektError, match=r"'wk'.*between 1 and 3"):
        weeks_in_status(q, "job", "id", "wk", window=(1, 3))
    with pytest.raises(EffektError, match="gap"):
        weeks_in_status(q, "job", "id", "wk")
    full = pd.DataFrame({"id": [1, 1, 1, 2, 2, 2], "wk": [1, 2, 3] * 2, "job": [1, 0, 1, 0, 0, 1]})
    assert weeks_in_status(full, "job", "id", "wk")["weeks"].tolist() == [2.0, 1.0]
    # half-week steps are equally spaced: fine
    half = full.assign(wk=full.wk * 0.5)
    assert weeks_in_status(half, "job", "id", "wk")["weeks"].tolist() == [2.0, 1.0]


def _small_survival():
    return pd.DataFrame(
        {
            "t": [0, 1, 1, 2, 3, 3, 4, 5, 0, 2, 2, 6],
            "e": [1, 1, 0, 1, 0, 1, 1, 0, 0, 1, 1, 1],
            "g": ["a"] * 8 + ["b"] * 4,
            "w": [1, 2, 1, 1, 1, 3, 1, 1, 1, 1, 2, 1],
        }
    )


def test_all_zero_weights_message_says_so():
    # Regression: the message said "it has 0 negative values".
    df = _small_survival()
    with pytest.raises(ColumnError, match="all 12 weights are 0") as exc:
        kaplan_meier(df.assign(w=0), "t", "e", weights="w")
    assert "negative" not in str(exc.value).split(";")[1]
    with pytest.raises(ColumnError, match="1 negative values"):
        kaplan_meier(df.assign(w=np.where(df.index == 0, -1, 1)), "t", "e", weights="w")


def test_logrank_without_events_raises():
    # Regression: with every row censored the test returned a statistic of 0 and df 0.
    with pytest.raises(EffektError, match="no events"):
        logrank_test(_small_survival().assign(e=0), "t", "e", treatment="g")


def test_rmst_without_events_warns():
    # Regression: everyone censored gave a CI of [0, 0] without any warning.
    df = _small_survival().assign(e=0)
    with pytest.warns(SmallSampleWarning, match="treated and control"):
        r = restricted_mean_difference(df, "t", "e", treatment="g", treated_value="a", horizon=4)
    assert r.estimate == 0 and r.std_error == 0
    # events in both arms before the horizon: no warning (warnings are errors in pytest)
    restricted_mean_difference(
        _small_survival(), "t", "e", treatment="g", treated_value="a", horizon=4
    )


def test_missing_drop_drops_rows_with_a_warning_and_raise_names_the_column():
    from effekt.errors import DroppedRowsWarning, MissingValueError

    df = DATA.astype({"weeks": float}).copy()
    df.loc[df.index[0], "weeks"] = np.nan
    before = df.copy(deep=True)
    with pytest.raises(MissingValueError, match="'weeks'.*missing='drop'"):
        kaplan_meier(df, "weeks", "job", treatment="arm")
    with pytest.warns(DroppedRowsWarning, match="1 of"):
        km = kaplan_meier(df, "weeks", "job", treatment="arm", missing="drop")
    ref = kaplan_meier(df.iloc[1:], "weeks", "job", treatment="arm")
    pd.testing.assert_frame_equal(km.table, ref.table)
    with pytest.warns(DroppedRowsWarning):
        lr = logrank_test(df, "weeks", "job", "arm", missing="drop")
    assert lr.statistic == pytest.approx(logrank_test(df.iloc[1:], "weeks", "job", "arm").statistic)
    pd.testing.assert_frame_equal(df, before)
    html = km._repr_html_()
    assert "<table" in html and "median (weeks)" in html


def test_weeks_in_status_columns_must_be_names():
    # Regression: columns=pd.DataFrame() raised "truth value of a DataFrame is ambiguous".
    import effekt as ef

    panel = pd.DataFrame({"pid": np.repeat([1, 2], 3), "week": [1, 2, 3] * 2, "w": 1})
    with pytest.raises(EffektError, match="'columns'"):
        ef.duration.weeks_in_status(panel, "w", "pid", "week", columns=pd.DataFrame())


def test_weeks_in_status_with_a_huge_integer_id_names_the_column():
    # issue 15 sweep: id=10**400 raised OverflowError while checking the output column name
    from effekt.duration import weeks_in_status
    from effekt.errors import EffektError

    panel = pd.DataFrame({"pid": [1, 1, 2, 2], "week": [1, 2, 1, 2], "work": [0, 1, 1, 1]})
    with pytest.raises(EffektError, match="given as 'id'"):
        weeks_in_status(panel, "work", id=10**400, time="week")
