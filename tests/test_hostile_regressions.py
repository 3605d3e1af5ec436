"""Regression tests for issue 15 (degenerate designs and hostile input), wave A.

Each test reproduces one example of the issue's "Why" list that lies in the estimators of
rct, intervals, duration, did, registers, fulltime, synthetic and the shared validators;
each failed (a silent wrong answer, a raw exception or a hang) before the fix.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import effekt as ef
from effekt import duration, fulltime, intervals, rct, registers
from effekt._multiplicity import adjust_pvalues
from effekt.errors import EffektError


@pytest.fixture
def base_effect():
    return rct.difference_in_proportions_from_counts(208, 1302, 155, 1291)


# --------------------------------------------------------------------------- validators


@pytest.mark.parametrize("seed", [1.5, "1", -1, True])
def test_a_float_or_text_seed_raises_naming_seed(seed):
    with pytest.raises(EffektError, match="'seed'"):
        ef.synthetic.rct(100, 100, p_control=0.1, effect=0.1, seed=seed)
    with pytest.raises(EffektError, match="'seed'"):
        ef.synthetic.study("mentor", seed=seed)


def test_a_generator_and_an_int_seed_still_work():
    a = ef.synthetic.rct(50, 50, p_control=0.1, effect=0.1, seed=np.random.default_rng(3))
    b = ef.synthetic.rct(50, 50, p_control=0.1, effect=0.1, seed=3)
    pd.testing.assert_frame_equal(a, b)


@pytest.mark.parametrize("counts", [(1e300, 2e300, 1e299, 2e300), (2**60, 2**61, 2**59, 2**61)])
def test_counts_beyond_2_to_53_are_refused(counts):
    with pytest.raises(EffektError, match="2\\*\\*53"):
        rct.difference_in_proportions_from_counts(*counts)


def test_counts_at_2_to_53_are_accepted():
    r = rct.difference_in_proportions_from_counts(2**51, 2**53, 2**50, 2**53)
    assert r.estimate == pytest.approx(0.125)


def test_conf_level_too_close_to_one_raises_instead_of_nan_interval():
    with pytest.raises(EffektError, match="conf_level"):
        rct.difference_in_proportions_from_counts(208, 1302, 155, 1291, conf_level=1 - 1e-16)
    with pytest.raises(EffektError, match="conf_level"):
        intervals.wilson_interval(5, 10, conf_level=1 - 1e-16)
    lo, hi = intervals.wilson_interval(5, 10, conf_level=1 - 1e-10)
    assert 0 <= lo < hi <= 1


def test_a_list_as_treated_value_raises_naming_it():
    df = pd.DataFrame({"t": [0, 1] * 10, "y": [0, 1, 1, 0] * 5})
    with pytest.raises(EffektError, match="treated_value"):
        rct.difference_in_proportions(df, "y", "t", treated_value=[1])
    with pytest.raises(EffektError, match="outcome_value"):
        rct.difference_in_proportions(df, "y", "t", outcome_value=[1])


def test_adjust_pvalues_refuses_p_outside_0_1():
    with pytest.raises(EffektError, match="-3"):
        adjust_pvalues([-3.0, 0.5], "holm")
    with pytest.raises(EffektError):
        adjust_pvalues([0.2, 1.5], "bh")
    assert adjust_pvalues([0.01, 0.04, np.nan], "holm")[:2].tolist() == pytest.approx([0.02, 0.04])


# --------------------------------------------------------------------------- intervals


def test_clopper_pearson_of_nan_is_nan_not_0_to_1():
    lo, hi = intervals.clopper_pearson_interval(np.nan, 10)
    assert np.isnan(lo) and np.isnan(hi)
    lo, hi = intervals.clopper_pearson_interval(0, 0)
    assert np.isnan(lo) and np.isnan(hi)
    lo, hi = intervals.clopper_pearson_interval(0, 20)
    assert lo == 0 and hi == pytest.approx(0.1684, abs=1e-4)


def test_interval_counts_as_text_raise_effekt_error():
    with pytest.raises(EffektError, match="'events'"):
        intervals.wilson_interval("a", 10)
    with pytest.raises(EffektError, match="'n_treated'"):
        intervals.newcombe_interval(3, "ten", 4, 10)


# --------------------------------------------------------------------------- fulltime


def test_scale_effect_by_zero_raises(base_effect):
    with pytest.raises(EffektError, match="'factor'"):
        fulltime.scale_effect(base_effect, 0, unit_label="x", estimand="x", method="x")


def test_scale_effect_overflow_raises(base_effect):
    with pytest.raises(EffektError, match="'factor'"):
        fulltime.scale_effect(base_effect, 1e308 * 10, unit_label="x", estimand="x", method="x")
    with pytest.raises(EffektError, match="'factor'"):
        big = fulltime.scale_effect(base_effect, 1e300, unit_label="x", estimand="x", method="x")
        fulltime.scale_effect(big, 1e300, unit_label="x", estimand="x", method="x")


def test_full_time_persons_with_zero_replacement_raises(base_effect):
    with pytest.raises(EffektError, match="'replacement'"):
        fulltime.full_time_persons(base_effect, period_weeks=78, replacement=0)


# --------------------------------------------------------------------------- duration


def test_restricted_mean_beyond_follow_up_raises_like_the_difference():
    surv = pd.DataFrame({"time": [1, 2, 3, 4, 5, 6], "event": [1, 0, 1, 1, 0, 1]})
    km = duration.kaplan_meier(surv, "time", "event")
    with pytest.raises(EffektError, match="'horizon'"):
        km.restricted_mean(100)
    assert km.restricted_mean(6)["rmean"].iloc[0] > 0


def test_weeks_in_status_name_colliding_with_the_id_raises():
    pan = pd.DataFrame({"pid": [1, 1, 2, 2], "week": [1, 2, 1, 2], "w": [1, 0, 1, 1], "arm": 1})
    with pytest.raises(EffektError, match="'name'"):
        duration.weeks_in_status(pan, "w", "pid", "week", name="pid")
    with pytest.raises(EffektError, match="'name'"):
        duration.weeks_in_status(pan, "w", "pid", "week", name="arm", columns=["arm"])
    out = duration.weeks_in_status(pan, "w", "pid", "week")
    assert out["pid"].tolist() == [1, 2] and out["weeks"].tolist() == [1.0, 2.0]


# --------------------------------------------------------------------------- registers


def test_share_with_paid_hours_with_a_person_column_named_paid():
    months = np.tile([1, 2], 50)
    ph = pd.DataFrame(
        {"_paid": np.repeat(np.arange(50), 2), "month": months, "wage": 20000.0, "hours": 100.0}
    )
    before = ph.copy()
    out = registers.share_with_paid_hours(ph, "_paid", "month", "wage", "hours")
    assert out["n_persons"].iloc[0] == 50
    same = registers.share_with_paid_hours(
        ph.rename(columns={"_paid": "id"}), "id", "month", "wage", "hours"
    )
    pd.testing.assert_frame_equal(out, same)
    pd.testing.assert_frame_equal(ph, before)


# --------------------------------------------------------------------------- rct minimum information


def _cluster_frame(seed=0):
    rng = np.random.default_rng(seed)
    c = np.r_[np.repeat(np.arange(5), 10), np.full(50, 9)]
    return pd.DataFrame({"t": np.repeat([0, 1], 50), "y": rng.integers(0, 2, 100), "c": c})


def test_perfect_fit_covariate_raises_instead_of_significant_float_noise():
    rng = np.random.default_rng(0)
    df = pd.DataFrame({"t": np.repeat([0, 1], 100), "y": rng.integers(0, 2, 200)})
    df["x"] = df["y"]
    with pytest.raises(EffektError, match="fitted exactly"):
        rct.difference_in_proportions(df, "y", "t", covariates=["x"])


@pytest.mark.parametrize("estimator", [rct.difference_in_proportions, rct.difference_in_means])
def test_an_arm_that_is_one_cluster_raises(estimator):
    df = _cluster_frame()
    with pytest.raises(EffektError, match="'c'.*1 cluster"):
        estimator(df, "y", "t", cluster="c")


@pytest.mark.parametrize("estimator", [rct.difference_in_proportions, rct.difference_in_means])
def test_two_clusters_per_arm_is_enough(estimator):
    df = _cluster_frame()
    df.loc[df.t == 1, "c"] = np.repeat([8, 9], 25)
    r = estimator(df, "y", "t", cluster="c")
    assert r.ci[1] - r.ci[0] > 0.05


def test_lin_adjustment_needs_covariates_plus_two_rows_per_arm():
    rng = np.random.default_rng(1)
    df = pd.DataFrame(
        {"t": [1, 1, 1] + [0] * 50, "y": rng.normal(size=53), "x": rng.normal(size=53)}
    )
    # 1 covariate: 2 parameters per arm, 3 treated rows -> allowed
    r = rct.difference_in_means(df, "y", "t", covariates=["x"])
    assert np.isfinite(r.ci).all() and abs(r.ci[1]) < 100
    with pytest.raises(EffektError, match="needs at least 3 rows"):
        rct.difference_in_means(df.iloc[1:], "y", "t", covariates=["x"])


def test_outcome_as_covariate_raises():
    df = pd.DataFrame({"t": [0, 1] * 20, "y": np.arange(40.0) % 7})
    with pytest.raises(EffektError, match="'y'.*covariates"):
        rct.difference_in_means(df, "y", "t", covariates=["y"])
    with pytest.raises(EffektError, match="covariates"):
        rct.difference_in_proportions(df.assign(y=df.y > 3), "y", "t", covariates=["y"])


def test_subgroups_refuses_the_same_by_column_twice():
    rng = np.random.default_rng(2)
    df = pd.DataFrame(
        {"t": np.repeat([0, 1], 50), "y": rng.integers(0, 2, 100), "g": np.tile([0, 1], 50)}
    )
    with pytest.raises(EffektError, match="'g' twice"):
        rct.subgroups(df, "y", "t", by=["g", "g"])


@pytest.mark.parametrize("sd", [1e-300, 5e-324])
def test_tiny_sds_in_summary_raise_instead_of_zero_division(sd):
    with pytest.raises(EffektError, match="too small"):
        rct.difference_in_means_from_summary(1.0, sd, 10, 2.0, sd, 10)


def test_huge_sds_in_summary_raise():
    with pytest.raises(EffektError, match="too large"):
        rct.difference_in_means_from_summary(1.0, 1e200, 10, 2.0, 1e200, 10)


def test_an_undefined_relative_change_is_noted_in_the_summary():
    r = rct.difference_in_proportions_from_counts(5, 5, 0, 5)
    assert "relative change not defined" in r.summary()
    assert "relative change not defined" in r._repr_html_()


# --------------------------------------------------------------------------- did


def test_did_hc2_with_one_row_per_cell_raises_instead_of_1e134():
    rng = np.random.default_rng(3)
    dd = pd.DataFrame({"t": [1, 1, 0, 0, 0, 0, 0, 0], "post": [0, 1] * 4, "y": rng.normal(size=8)})
    with pytest.raises(EffektError, match="leverage 1"):
        ef.did.did(dd, "y", "t", "post", se="hc2")


@pytest.mark.parametrize("se", ["wild", "cr2"])
def test_did_with_one_treated_cluster_raises(se):
    rng = np.random.default_rng(4)
    wb = pd.DataFrame(
        {
            "t": [1] * 4 + [0] * 8,
            "post": [0, 1] * 6,
            "y": rng.normal(size=12),
            "c": [1] * 4 + [2] * 4 + [3] * 4,
        }
    )
    with pytest.raises(EffektError, match="1 cluster"):
        ef.did.did(wb, "y", "t", "post", cluster="c", se=se)


def test_n_boot_above_the_cap_raises_at_once():
    rng = np.random.default_rng(5)
    wb = pd.DataFrame(
        {
            "t": [1] * 8 + [0] * 8,
            "post": [0, 1] * 8,
            "y": rng.normal(size=16),
            "c": np.repeat([1, 2, 3, 4], 4),
        }
    )
    with pytest.raises(EffektError, match="'n_boot'"):
        ef.did.did(wb, "y", "t", "post", cluster="c", se="wild", n_boot=10**9)


def test_n_draws_above_the_cap_raises_at_once():
    panel = ef.synthetic.study("jobfirst_panel", seed=1, sample_scale=0.05)
    with pytest.raises(EffektError, match="'n_draws'"):
        ef.trajectory.effect_over_time(
            panel, "paid_hours", "treated", "person", "week", n_draws=10**9
        )


def test_one_treated_unit_in_a_stratum_raises_instead_of_p_2e_8():
    # found by a seeded search: MH/Sato gave p = 2e-8 where the unstratified p is 0.11
    rows = [(0, 1, 0)] * 5 + [(1, 1, 0)] + [(0, 0, 1)] * 4 + [(1, 1, 1)] * 3
    d = pd.DataFrame(rows, columns=["t", "y", "s"])
    assert rct.difference_in_proportions(d, "y", "t").pvalue > 0.05
    with pytest.raises(EffektError, match="at least two in each arm"):
        rct.difference_in_proportions(d, "y", "t", strata="s")
    d2 = pd.concat([d, pd.DataFrame([(1, 0, 0)], columns=["t", "y", "s"])], ignore_index=True)
    assert np.isfinite(rct.difference_in_proportions(d2, "y", "t", strata="s").pvalue)


def test_rmst_and_trajectory_with_one_treated_cluster_raise():
    rng = np.random.default_rng(6)
    s = pd.DataFrame(
        {
            "weeks": rng.integers(1, 30, 80).astype(float),
            "job": rng.integers(0, 2, 80),
            "t": np.repeat([0, 1], 40),
            "c": np.r_[np.repeat(np.arange(4), 10), np.full(40, 9)],
        }
    )
    with pytest.raises(EffektError, match="1 cluster"):
        duration.restricted_mean_difference(s, "weeks", "job", "t", horizon=10, cluster="c")
    pan = pd.DataFrame(
        {
            "pid": np.repeat(np.arange(20), 4),
            "week": np.tile(np.arange(1, 5), 20),
            "work": rng.integers(0, 2, 80),
            "t": np.repeat(np.tile([0, 1], 10), 4),
        }
    )
    pan["c"] = np.where(pan.t == 1, 99, pan.pid % 3)
    with pytest.raises(EffektError, match="1 cluster"):
        ef.trajectory.effect_over_time(pan, "work", "t", "pid", "week", cluster="c", n_draws=200)


def test_compare_arms_names_the_arm_not_an_internal_column():
    ca = pd.DataFrame(
        {"arm": ["c"] * 5 + ["a"] * 5 + ["b"], "y": [0.1, 0.2, 0.3, 0.4, 0.5, 1, 1.5, 1, 1, 1, 1.0]}
    )
    with pytest.raises(EffektError, match="comparison b") as info:
        rct.compare_arms(ca, "y", "arm", "c")
    assert "'treated'" not in str(info.value)


def test_a_nan_standard_error_warns_by_name_and_is_noted():
    from effekt.errors import UndefinedValueWarning
    from effekt.results import effect_from_normal

    with pytest.warns(UndefinedValueWarning, match="not finite"):
        r = effect_from_normal(0.04, float("nan"), 0.95, method="m")
    assert "not defined" in r.summary()
