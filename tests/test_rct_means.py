"""difference_in_means and difference_in_means_from_summary against R, scipy and statsmodels."""

from __future__ import annotations

import copy
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from effekt import rct
from effekt.errors import ColumnError, DroppedRowsWarning, EffektError, MissingValueError
from effekt.rct._lin import lin_design
from effekt.rct.means import _relative_change_interval

REF = Path(__file__).parent / "reference"
COVS = ["age", "grade", "group"]


@pytest.fixture(scope="module")
def trial() -> pd.DataFrame:
    # Produced by tests/reference/rct_means.R (set.seed(20261122)).
    return pd.read_csv(REF / "rct_means_data.csv")


@pytest.fixture(scope="module")
def ref() -> pd.Series:
    return pd.read_csv(REF / "rct_means_values.csv").set_index("name")["value"]


# --------------------------------------------------------------------------- R references


@pytest.mark.parametrize(
    ("options", "key", "df"),
    [
        ({}, "welch", None),  # R: t.test(y[t==1], y[t==0])
        (
            {"strata": "stratum"},
            "strata",
            412,
        ),  # R: estimatr::difference_in_means(blocks = stratum)
        (
            {"covariates": COVS},
            "lin",
            410,
        ),  # R: estimatr::lm_lin(covariates = ~age+grade+group, HC2)
        ({"cluster": "cluster"}, "cluster", 15),  # R: clubSandwich::coef_test(CR2, "naive-t")
    ],
)
def test_matches_r(trial, ref, options, key, df):
    r = rct.difference_in_means(trial, "hours", "treated", **options)
    assert r.estimate == pytest.approx(ref[f"{key}_estimate"], abs=1e-10)
    assert r.std_error == pytest.approx(ref[f"{key}_se"], rel=1e-9)
    assert r.pvalue == pytest.approx(ref[f"{key}_p"], rel=1e-6)
    if key != "cluster":
        assert r.ci == pytest.approx((ref[f"{key}_ci_low"], ref[f"{key}_ci_high"]), rel=1e-9)
    expected_df = ref["welch_df"] if df is None else df
    assert r.df == pytest.approx(expected_df, rel=1e-10)
    assert r.scale == "mean"


def test_cluster_with_covariates_matches_r(trial, ref):
    # R: Lin design built by hand, lm(), clubSandwich::coef_test(vcov = "CR2", test = "naive-t")
    r = rct.difference_in_means(trial, "hours", "treated", cluster="cluster", covariates=COVS)
    assert r.estimate == pytest.approx(ref["cluster_lin_estimate"], abs=1e-10)
    assert r.std_error == pytest.approx(ref["cluster_lin_se"], rel=1e-9)
    assert r.pvalue == pytest.approx(ref["cluster_lin_p"], rel=1e-6)
    assert r.df == 15


def test_cluster_with_strata_matches_r(trial, ref):
    # R: centred stratum dummies x treatment, lm(), clubSandwich CR2 "naive-t"
    r = rct.difference_in_means(trial, "hours", "treated", cluster="cluster", strata="stratum")
    assert r.estimate == pytest.approx(ref["cluster_strata_estimate"], abs=1e-10)
    assert r.std_error == pytest.approx(ref["cluster_strata_se"], rel=1e-9)
    assert r.pvalue == pytest.approx(ref["cluster_strata_p"], rel=1e-6)
    # The point estimate is the size-weighted stratified difference.
    assert r.estimate == pytest.approx(ref["strata_estimate"], abs=1e-10)


def test_strata_with_covariates_matches_r(trial, ref):
    # R: estimatr::lm_lin(covariates = ~ age + grade + group + stratum, se_type = "HC2")
    r = rct.difference_in_means(trial, "hours", "treated", strata="stratum", covariates=COVS)
    assert r.estimate == pytest.approx(ref["linstrata_estimate"], abs=1e-10)
    assert r.std_error == pytest.approx(ref["linstrata_se"], rel=1e-9)


def test_stratified_equals_interacted_regression(trial, ref):
    # R: lm_lin(covariates = ~ stratum) gives the estimate and SE of difference_in_means(blocks=)
    assert ref["strata_lin_estimate"] == pytest.approx(ref["strata_estimate"], rel=1e-12)
    assert ref["strata_lin_se"] == pytest.approx(ref["strata_se"], rel=1e-9)
    # ... and so does statsmodels OLS HC2 on our Lin design with stratum dummies
    t = trial["treated"].to_numpy() == 1
    X = lin_design(trial, t, "stratum", [], "test")
    fit = sm.OLS(trial["hours"].to_numpy(), X).fit(cov_type="HC2")
    r = rct.difference_in_means(trial, "hours", "treated", strata="stratum")
    assert r.estimate == pytest.approx(fit.params[1], rel=1e-12)
    assert r.std_error == pytest.approx(fit.bse[1], rel=1e-9)


def test_conf_level_matches_r(trial, ref):
    # R: t.test(..., conf.level = 0.9)
    r = rct.difference_in_means(trial, "hours", "treated", conf_level=0.9)
    assert r.ci == pytest.approx((ref["welch90_ci_low"], ref["welch90_ci_high"]), rel=1e-9)
    assert r.conf_level == 0.9


def test_covariate_adjusted_means_match_r(trial, ref):
    # R: lm_lin intercept (control mean at the covariate means) and vcov
    r = rct.difference_in_means(trial, "hours", "treated", covariates=COVS)
    assert r.mean_control == pytest.approx(ref["lin_intercept"], rel=1e-10)
    assert r.mean_treated == pytest.approx(ref["lin_intercept"] + ref["lin_estimate"], rel=1e-10)


def test_lin_matches_statsmodels_hc2(trial):
    # statsmodels OLS(HC2) on [1, T, Zc, T*Zc] with dummies for the categorical covariate
    Z = pd.get_dummies(trial[COVS], columns=["group"], drop_first=True, dtype=float).to_numpy()
    Zc = Z - Z.mean(axis=0)
    t = trial["treated"].to_numpy(dtype=float)
    X = np.column_stack([np.ones(len(t)), t, Zc, Zc * t[:, None]])
    fit = sm.OLS(trial["hours"].to_numpy(), X).fit(cov_type="HC2")
    r = rct.difference_in_means(trial, "hours", "treated", covariates=COVS)
    assert r.estimate == pytest.approx(fit.params[1], rel=1e-10)
    assert r.std_error == pytest.approx(fit.bse[1], rel=1e-9)


# --------------------------------------------------------------------------- scipy Welch


@pytest.mark.parametrize("seed", range(5))
def test_welch_matches_scipy(seed):
    rng = np.random.default_rng(seed)
    n_t, n_c = rng.integers(5, 80, 2)
    y_t = rng.gamma(1.0, 3.0, n_t) + 1
    y_c = rng.normal(2.0, 4.0, n_c)
    df = pd.DataFrame({"y": np.r_[y_t, y_c], "arm": ["JF"] * n_t + ["ctrl"] * n_c})
    r = rct.difference_in_means(df, "y", "arm", treated_value="JF")
    ref = stats.ttest_ind(y_t, y_c, equal_var=False)  # scipy Welch
    assert r.statistic == pytest.approx(ref.statistic, rel=1e-10)
    assert r.pvalue == pytest.approx(ref.pvalue, rel=1e-9)
    assert r.df == pytest.approx(ref.df, rel=1e-10)
    lo, hi = ref.confidence_interval(0.95)
    assert r.ci == pytest.approx((lo, hi), rel=1e-9)
    s = rct.difference_in_means_from_summary(
        y_t.mean(), y_t.std(ddof=1), n_t, y_c.mean(), y_c.std(ddof=1), n_c
    )
    assert s.ci == pytest.approx(r.ci, rel=1e-10)
    assert s.pvalue == pytest.approx(r.pvalue, rel=1e-9)


def test_from_summary_matches_scipy_from_stats():
    ref = stats.ttest_ind_from_stats(4.95, 7.5, 2400, 2.97, 6.0, 2400, equal_var=False)
    r = rct.difference_in_means_from_summary(
        4.95, 7.5, 2400, 2.97, 6.0, 2400, unit_label="hours/week"
    )
    assert r.statistic == pytest.approx(ref.statistic, rel=1e-12)
    assert r.pvalue == pytest.approx(ref.pvalue, rel=1e-9)
    assert r.n_treated == 2400 and r.unit == "hours/week"


def test_jobfirst_67_percent_more_hours():
    # JobFirst week 78: just under 2 extra hours/week, "67 % more" than a control mean near 3.
    r = rct.difference_in_means_from_summary(
        4.95, 7.5, 2400, 2.97, 6.0, 2400, unit_label="hours/week"
    )
    assert 1.9 < r.estimate < 2.0
    assert round(100 * r.relative_change) == 67
    lo, hi = r.relative_change_ci
    assert lo < 0.67 < hi and lo > 0.4
    assert "+67 %" in r.summary()
    assert "hours/week" in r.summary()


# --------------------------------------------------------------------------- relative change


def test_fieller_limits_invert_the_ratio_test():
    mt, mc, vt, vc, c, q = 4.95, 2.97, 7.5**2 / 2400, 36 / 2400, 0.0, 1.96
    (lo, hi), note = _relative_change_interval(mt, mc, vt, vc, c, q)
    assert note is None
    for rc in (lo, hi):
        R = rc + 1
        z = (mt - R * mc) / math.sqrt(vt + R * R * vc - 2 * R * c)
        assert abs(z) == pytest.approx(q, rel=1e-10)
    # A point inside is accepted, points outside are rejected.
    R = mt / mc
    assert abs((mt - R * mc) / math.sqrt(vt + R * R * vc)) < q


def test_fieller_with_covariance_inverts_the_test(trial):
    r = rct.difference_in_means(trial, "hours", "treated", cluster="cluster")
    # cov(mean_t, mean_c) = V00 + V01 from the CR2 covariance (R: clubSandwich::vcovCR)
    q = stats.t.ppf(0.975, 15)
    ref = pd.read_csv(REF / "rct_means_values.csv").set_index("name")["value"]
    v00, v01 = ref["cluster_var_intercept"], ref["cluster_cov_int_treated"]
    var_t = v00 + 2 * v01 + ref["cluster_se"] ** 2
    cov = v00 + v01
    for rc in r.relative_change_ci:
        R = rc + 1
        z = (r.mean_treated - R * r.mean_control) / math.sqrt(var_t + R * R * v00 - 2 * R * cov)
        assert abs(z) == pytest.approx(q, rel=1e-8)


def test_fieller_unbounded_is_reported():
    # Control mean 0.3 with SE 0.5: not different from zero, so no finite interval exists.
    r = rct.difference_in_means_from_summary(1.5, 3.0, 36, 0.3, 3.0, 36)
    assert r.relative_change_ci == (-math.inf, math.inf)
    assert any("unbounded" in n for n in r.notes)
    assert "unbounded" in r.summary()
    assert math.isfinite(r.ci[0]) and math.isfinite(r.ci[1])


def test_fieller_union_of_half_lines_is_described():
    # g >= 1 but the ratio is far from 1: the Fieller set is two half-lines.
    (lo, hi), note = _relative_change_interval(10.0, 0.5, 1.0, 0.09, 0.0, 1.96)
    assert (lo, hi) == (-math.inf, math.inf)
    assert "two half-lines" in note


def test_delta_method_relative_change():
    mt, mc, vt, vc = 4.95, 2.97, 7.5**2 / 2400, 36 / 2400
    r = rct.difference_in_means_from_summary(4.95, 7.5, 2400, 2.97, 6.0, 2400, relative_ci="delta")
    q = stats.t.ppf(0.975, r.df)
    se = math.sqrt(vt / mc**2 + mt**2 * vc / mc**4)  # delta method for mt/mc
    assert r.relative_change_ci == pytest.approx(
        (mt / mc - 1 - q * se, mt / mc - 1 + q * se), rel=1e-10
    )
    f = rct.difference_in_means_from_summary(4.95, 7.5, 2400, 2.97, 6.0, 2400)
    # Fieller is shifted upwards (a ratio is right-skewed) but close at these sample sizes.
    assert f.relative_change_ci[1] > r.relative_change_ci[1]
    assert f.relative_change_ci == pytest.approx(r.relative_change_ci, abs=0.02)


def test_fieller_coverage_simulation():
    # Seeded simulation: 4,000 trials, 40 per arm, skewed (gamma) outcomes; Fieller's 95 %
    # interval for mu_t / mu_c - 1 should cover about 95 % of the time.
    rng = np.random.default_rng(11)
    reps, n = 4000, 40
    mu_c, mu_t = 3.0, 5.0
    y_c = rng.gamma(1.5, mu_c / 1.5, (reps, n))
    y_t = rng.gamma(1.5, mu_t / 1.5, (reps, n))
    mt, mc = y_t.mean(1), y_c.mean(1)
    vt, vc = y_t.var(1, ddof=1) / n, y_c.var(1, ddof=1) / n
    df = (vt + vc) ** 2 / (vt**2 / (n - 1) + vc**2 / (n - 1))
    q = stats.t.ppf(0.975, df)
    covered = 0
    for i in range(reps):
        (lo, hi), _ = _relative_change_interval(mt[i], mc[i], vt[i], vc[i], 0.0, q[i])
        covered += lo <= mu_t / mu_c - 1 <= hi
    assert 0.935 <= covered / reps <= 0.965


# --------------------------------------------------------------------------- behaviour


def test_missing_drop_warns_and_matches_complete_cases(trial):
    df = trial.copy()
    df.loc[[3, 10, 50], "hours"] = np.nan
    with pytest.warns(DroppedRowsWarning, match="dropped 3"):
        r = rct.difference_in_means(df, "hours", "treated", missing="drop")
    ref = rct.difference_in_means(df.dropna(subset=["hours"]), "hours", "treated")
    assert r.estimate == ref.estimate
    assert r.n_treated + r.n_control == len(trial) - 3


def test_to_frame_and_summary(trial):
    r = rct.difference_in_means(trial, "hours", "treated", unit_label="hours/week")
    row = r.to_frame().iloc[0]
    assert row["ci_low"] == r.ci[0] and row["scale"] == "mean"
    assert row["relative_change_ci_low"] == r.relative_change_ci[0]
    assert "hours/week" in r.summary()
    assert "pp" not in r.summary().splitlines()[0]


def test_treated_value_and_bool_treatment(trial):
    df = trial.assign(
        arm=np.where(trial["treated"] == 1, "JobFirst", "control"), tb=trial["treated"] == 1
    )
    a = rct.difference_in_means(df, "hours", "arm", treated_value="JobFirst")
    b = rct.difference_in_means(df, "hours", "tb")
    c = rct.difference_in_means(df, "hours", "treated")
    assert a.estimate == pytest.approx(c.estimate) and b.estimate == pytest.approx(c.estimate)


# --------------------------------------------------------------------------- bad input


def _frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "hours": [1.0, 2.5, 3.0, 0.0, 4.0, 6.0, 2.0, 5.5],
            "treated": [0, 0, 0, 0, 1, 1, 1, 1],
            "centre": ["a", "a", "b", "b", "a", "a", "b", "b"],
            "kommune": [1, 1, 1, 1, 1, 1, 1, 1],
            "text": list("abcdefgh"),
        }
    )


BAD = [
    (lambda d: d.assign(hours=[1.0, np.nan, 3, 0, 4, 6, 2, 5.5]), {}, MissingValueError, "'hours'"),
    (lambda d: d, {"outcome": "text"}, ColumnError, "'text'"),
    (lambda d: d, {"outcome": "nope"}, ColumnError, "'nope'"),
    (lambda d: d, {"treatment": "nope"}, ColumnError, "'nope'"),
    (lambda d: d.assign(treated=[0, 0, 0, 0, 0, 0, 0, 1]), {}, ColumnError, "treated group"),
    (lambda d: d.assign(treated=0), {}, ColumnError, "exactly two values"),
    (lambda d: d.assign(treated=[0, 1, 2, 0, 1, 2, 0, 1]), {}, ColumnError, "exactly two values"),
    (lambda d: d, {"conf_level": 95}, EffektError, "conf_level"),
    (lambda d: d, {"missing": "ignore"}, EffektError, "missing"),
    (lambda d: d, {"relative_ci": "bootstrap"}, EffektError, "relative_ci"),
    (lambda d: d, {"cluster": "kommune"}, ColumnError, "'kommune'"),
    (lambda d: d, {"strata": "nope"}, ColumnError, "strata"),
    (lambda d: d.assign(centre=list("aaabaaab")), {"strata": "centre"}, ColumnError, "Stratum 'b'"),
    (
        lambda d: d.assign(hours=np.r_[np.full(4, 2.0), np.full(4, 3.0)]),
        {},
        ColumnError,
        "constant",
    ),
    (lambda d: d.assign(hours=[1, 2, 3, np.inf, 4, 5, 6, 7]), {}, ColumnError, "infinite"),
    (lambda d: d, {"covariates": ["kommune"]}, ColumnError, "'kommune'.*constant"),
    (lambda d: d, {"treated_value": "yes"}, EffektError, "treated_value"),
]


@pytest.mark.parametrize(("make", "options", "error", "match"), BAD)
def test_bad_input_raises_and_leaves_frame_unchanged(make, options, error, match):
    data = make(_frame())
    before = copy.deepcopy(data)
    kwargs = {"outcome": "hours", "treatment": "treated", **options}
    with pytest.raises(error, match=match):
        rct.difference_in_means(data, **kwargs)
    pd.testing.assert_frame_equal(data, before)


def test_not_a_frame():
    with pytest.raises(EffektError, match="'data'"):
        rct.difference_in_means({"hours": [1, 2]}, "hours", "treated")


@pytest.mark.parametrize(
    ("args", "match"),
    [
        ((2.0, -1.0, 10, 1.0, 1.0, 10), "sd_treated"),
        ((2.0, 1.0, 10, 1.0, -0.5, 10), "sd_control"),
        ((2.0, 1.0, 0, 1.0, 1.0, 10), "n_treated"),
        ((2.0, 1.0, 10, 1.0, 1.0, 1), "n_control"),
        ((2.0, 1.0, 10.5, 1.0, 1.0, 10), "n_treated"),
        ((np.nan, 1.0, 10, 1.0, 1.0, 10), "mean_treated"),
        ((2.0, 1.0, 10, "3", 1.0, 10), "mean_control"),
        ((2.0, 0.0, 10, 1.0, 0.0, 10), "both 0"),
    ],
)
def test_from_summary_bad_input(args, match):
    with pytest.raises(EffektError, match=match):
        rct.difference_in_means_from_summary(*args)


def test_from_summary_bad_conf_level():
    with pytest.raises(EffektError, match="conf_level"):
        rct.difference_in_means_from_summary(2.0, 1.0, 10, 1.0, 1.0, 10, conf_level=1.0)


# --------------------------------------------------------------------------- properties


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    shift=st.floats(-100, 100),
    scale=st.floats(0.01, 100),
)
def test_location_scale_equivariance(seed, shift, scale):
    # a + b*y shifts both means by a and scales the difference, SE and CI by b; p unchanged.
    rng = np.random.default_rng(seed)
    df = pd.DataFrame({"y": rng.gamma(1.0, 2.0, 60), "t": np.repeat([0, 1], 30)})
    base = rct.difference_in_means(df, "y", "t")
    moved = rct.difference_in_means(df.assign(y=shift + scale * df["y"]), "y", "t")
    assert moved.estimate == pytest.approx(scale * base.estimate, rel=1e-8, abs=1e-8 * scale)
    assert moved.std_error == pytest.approx(scale * base.std_error, rel=1e-8)
    assert moved.pvalue == pytest.approx(base.pvalue, rel=1e-6, abs=1e-12)
    expected_mean = shift + scale * base.mean_control
    assert moved.mean_control == pytest.approx(expected_mean, rel=1e-8, abs=1e-8)


# --------------------------------------------------------------------------- coverage


@pytest.mark.slow
def test_welch_coverage_with_unequal_variances():
    # 1,000 seeded trials, 15 vs 40 persons, SD 4 vs 1: Welch's 95 % interval keeps its
    # coverage; the pooled-variance t interval would not (it under-covers badly here).
    rng = np.random.default_rng(12)
    t = np.repeat([1, 0], [15, 40])
    covered = 0
    for _ in range(1000):
        y = np.where(t == 1, rng.normal(2.0, 4.0, 55), rng.normal(0.0, 1.0, 55))
        lo, hi = rct.difference_in_means(pd.DataFrame({"y": y, "t": t}), "y", "t").ci
        covered += lo <= 2.0 <= hi
    assert 0.93 <= covered / 1000 <= 0.97


@pytest.mark.slow
def test_cr2_coverage_with_15_clusters():
    # JobFirst had 15 municipalities. 600 seeded cluster-randomised trials (8 vs 7 clusters of
    # unequal size, ICC ~0.1): CR2 with t(G - 1) covers close to 95 % (0.93 here), while the
    # uncorrected CR0 with a normal reference under-covers clearly.
    from effekt._linear import ols

    rng = np.random.default_rng(13)
    G = 15
    covered = covered_cr0 = 0
    for _ in range(600):
        sizes = rng.integers(20, 120, G)
        cluster = np.repeat(np.arange(G), sizes)
        arm = np.zeros(G, dtype=int)
        arm[rng.permutation(G)[:8]] = 1
        t = arm[cluster]
        y = 3.0 + 2.0 * t + rng.normal(0, 1.0, G)[cluster] + rng.gamma(1.0, 3.0, len(t))
        df = pd.DataFrame({"y": y, "t": t, "kommune": cluster})
        lo, hi = rct.difference_in_means(df, "y", "t", cluster="kommune").ci
        covered += lo <= 2.0 <= hi
        fit = ols(np.column_stack([np.ones(len(t)), t]), y, cov_type="CR0", cluster=cluster)
        covered_cr0 += abs(fit.params[1] - 2.0) <= 1.959964 * fit.std_error(1)
    assert 0.92 <= covered / 600 <= 0.98
    assert covered_cr0 / 600 < covered / 600 - 0.02


@pytest.mark.filterwarnings("ignore::effekt.errors.UndefinedValueWarning")
def test_nan_standard_error_gives_nan_pvalue_not_zero():
    from effekt.rct.means import _result

    r = _result(
        1.0,
        math.nan,
        10.0,
        0.95,
        mean_t=2.0,
        mean_c=1.0,
        var_mt=0.1,
        var_mc=0.1,
        cov_tc=0.0,
        relative="delta",
        method="test",
    )
    assert math.isnan(r.pvalue) and math.isnan(r.statistic) and math.isnan(r.ci[0])


# --------------------------------------------------------------------------- covariates


def _covariate_frame() -> pd.DataFrame:
    rng = np.random.default_rng(11)
    n = 120
    t = np.tile([0, 1], n // 2)
    return pd.DataFrame(
        {
            "t": t,
            "job": rng.integers(0, 2, n),
            "hours": rng.gamma(1.0, 5.0, n),
            "age": rng.normal(40, 10, n),
            "start": pd.date_range("2024-01-01", periods=n, freq="D"),
            # "flexjob" occurs among the treated only
            "benefit": np.where(t == 1, np.where(np.arange(n) % 4 == 1, "flexjob", "kh"), "kh"),
        }
    ).assign(other=lambda d: np.where(np.arange(n) % 3 == 0, "dp", "kh"))


def _both_estimators():
    return [
        (rct.difference_in_proportions, "job"),
        (rct.difference_in_means, "hours"),
    ]


@pytest.mark.parametrize(("func", "outcome"), _both_estimators())
def test_infinite_covariate_raises_effekt_error_not_linalg_error(func, outcome):
    data = _covariate_frame()
    data.loc[7, "age"] = np.inf
    before = data.copy()
    with pytest.raises(ColumnError, match="'age'.*infinite"):
        func(data, outcome, "t", covariates=["age"])
    pd.testing.assert_frame_equal(data, before)


@pytest.mark.parametrize(("func", "outcome"), _both_estimators())
def test_datetime_covariate_raises_effekt_error(func, outcome):
    with pytest.raises(ColumnError, match="'start'.*dates"):
        func(_covariate_frame(), outcome, "t", covariates=["age", "start"])


@pytest.mark.parametrize(("func", "outcome"), _both_estimators())
def test_level_missing_from_one_arm_names_column_and_level(func, outcome):
    with pytest.raises(ColumnError, match="Level 'flexjob' of the covariate 'benefit'.*control"):
        func(_covariate_frame(), outcome, "t", covariates=["age", "benefit"])
    # a categorical column whose levels all occur in both arms is fine
    r = func(_covariate_frame(), outcome, "t", covariates=["age", "other"])
    assert "Lin (2013)" in r.method


@pytest.mark.parametrize(("func", "outcome"), _both_estimators())
def test_boolean_covariate_constant_in_one_arm_is_named(func, outcome):
    data = _covariate_frame().assign(flag=lambda d: (d["t"] == 1) & (np.arange(len(d)) % 4 == 1))
    with pytest.raises(ColumnError, match="Level True of the covariate 'flag'"):
        func(data, outcome, "t", covariates=["flag"])


@pytest.mark.filterwarnings("ignore::effekt.errors.UndefinedValueWarning")
def test_nan_standard_error_of_the_regression_gives_nan_pvalue(monkeypatch):
    from effekt.rct import means as M

    real = M.ols

    def nan_cov(*args, **kwargs):
        fit = real(*args, **kwargs)
        return type(fit)(
            fit.params, np.full_like(fit.cov, np.nan), fit.df_resid, fit.nobs, fit.cov_type
        )

    monkeypatch.setattr(M, "ols", nan_cov)
    data = _covariate_frame()
    r = rct.difference_in_means(data, "hours", "t", covariates=["age"])
    assert math.isnan(r.pvalue) and not r.significant
    assert all(math.isnan(v) for v in r.relative_change_ci) and not r.notes
