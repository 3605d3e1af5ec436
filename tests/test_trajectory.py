"""effekt.trajectory: per-period effects against statsmodels, sup-t bands, panel validation."""

import time

import matplotlib

matplotlib.use("Agg")
import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import stats

from effekt.duration import weeks_in_status
from effekt.errors import ColumnError, EffektError
from effekt.synthetic.panels import (
    IPS_TRUE_WEEKS_DIFFERENCE,
    JOBFIRST_HOURS_WEEK78,
    JOBFIRST_SHARE_WEEK35,
    ips_weeks,
    jobfirst_panel,
)
from effekt.trajectory import effect_over_time


@pytest.fixture(scope="module")
def panel():
    return jobfirst_panel(n_persons=900, weeks=12, seed=8)


def _per_week_fit(panel, week, weights=None, cov_type="HC2", groups=None):
    sub = panel[panel.week == week]
    X = sm.add_constant(sub["jobfirst"].to_numpy(float))
    y = sub["paid_hours"].to_numpy(float)
    if weights is None:
        model = sm.OLS(y, X)
    else:
        model = sm.WLS(y, X, weights=sub[weights].to_numpy())
    if cov_type == "cluster":
        return model.fit(cov_type="cluster", cov_kwds={"groups": pd.factorize(sub[groups])[0]})
    return model.fit(cov_type=cov_type)


def test_per_period_effects_match_statsmodels_hc2(panel):
    before = panel.copy(deep=True)
    tr = effect_over_time(panel, "paid_hours", "jobfirst", "person", "week")
    f = tr.to_frame()
    for week in (1, 6, 12):
        fit = _per_week_fit(panel, week)  # statsmodels OLS(paid_hours ~ jobfirst), HC2
        row = f[f.time == week].iloc[0]
        assert row["estimate"] == pytest.approx(fit.params[1], abs=1e-12)
        assert row["std_error"] == pytest.approx(fit.bse[1], rel=1e-10)
    pd.testing.assert_frame_equal(panel, before)


def test_weighted_and_clustered_match_statsmodels(panel):
    rng = np.random.default_rng(2)
    wmap = pd.Series(
        rng.uniform(0.3, 3.0, panel.person.nunique()), index=np.sort(panel.person.unique())
    )
    pw = panel.assign(w=panel["person"].map(wmap))
    tr = effect_over_time(pw, "paid_hours", "jobfirst", "person", "week", weights="w")
    f = tr.to_frame().set_index("time")
    for week in (2, 9):
        fit = _per_week_fit(pw, week, weights="w")  # statsmodels WLS, HC2
        assert f.loc[week, "estimate"] == pytest.approx(fit.params[1], abs=1e-12)
        assert f.loc[week, "std_error"] == pytest.approx(fit.bse[1], rel=1e-10)
    tc = effect_over_time(panel, "paid_hours", "jobfirst", "person", "week", cluster="municipality")
    fc = tc.to_frame().set_index("time")
    for week in (3, 12):
        fit = _per_week_fit(panel, week, cov_type="cluster", groups="municipality")  # CR1 (Stata)
        assert fc.loc[week, "std_error"] == pytest.approx(fit.bse[1], rel=1e-10)
        q = stats.t.ppf(0.975, 14)
        assert fc.loc[week, "ci_high"] == pytest.approx(
            fc.loc[week, "estimate"] + q * fit.bse[1], rel=1e-10
        )
    assert tc.df == 14
    twc = effect_over_time(
        pw, "paid_hours", "jobfirst", "person", "week", weights="w", cluster="municipality"
    )
    fit = _per_week_fit(pw, 7, weights="w", cov_type="cluster", groups="municipality")  # WLS, CR1
    assert twc.to_frame().set_index("time").loc[7, "std_error"] == pytest.approx(
        fit.bse[1], rel=1e-10
    )


def test_cumulative_equals_weeks_in_status_difference():
    p = ips_weeks(seed=3, long=True, arms=("IPS", "control"))
    tr = effect_over_time(
        p, "in_work", "arm", "person", "week", treated_value="IPS", simultaneous=False
    )
    r = tr.cumulative(1, 78)
    w = weeks_in_status(p, "in_work", "person", "week", window=(1, 78), columns=["arm"])
    a, b = w.loc[w.arm == "IPS", "weeks"], w.loc[w.arm == "control", "weeks"]
    assert r.estimate == pytest.approx(a.mean() - b.mean(), abs=1e-10)
    welch = np.sqrt(a.var() / len(a) + b.var() / len(b))  # scipy/Welch SE of the weeks difference
    assert r.std_error == pytest.approx(welch, rel=1e-10)
    assert abs(r.estimate - IPS_TRUE_WEEKS_DIFFERENCE) < 3 * r.std_error


def test_jobfirst_generator_truth():
    p = jobfirst_panel(n_persons=20_000, n_municipalities=60, weeks=78, seed=1)
    tr = effect_over_time(p[p.week.isin([35, 78])], "paid_hours", "jobfirst", "person", "week")
    f = tr.to_frame().set_index("time")
    truth = JOBFIRST_SHARE_WEEK35["treated"] - JOBFIRST_SHARE_WEEK35["control"]
    assert abs(f.loc[35, "estimate"] - truth) < 4 * f.loc[35, "std_error"] + 0.01
    h = effect_over_time(p[p.week == 78], "hours", "jobfirst", "person", "week")
    assert h.scale == "mean"
    diff = JOBFIRST_HOURS_WEEK78["treated"] - JOBFIRST_HOURS_WEEK78["control"]
    assert abs(h.frame["estimate"].iloc[0] - diff) < 0.5


def test_sup_t_between_pointwise_and_bonferroni(panel):
    tr = effect_over_time(panel, "paid_hours", "jobfirst", "person", "week", seed=1)
    tb = effect_over_time(
        panel, "paid_hours", "jobfirst", "person", "week", simultaneous="bonferroni"
    )
    q = stats.norm.ppf(0.975)
    assert q < tr.critical_value < tb.critical_value
    assert tb.critical_value == pytest.approx(stats.norm.ppf(1 - 0.05 / (2 * 12)))
    again = effect_over_time(panel, "paid_hours", "jobfirst", "person", "week", seed=1)
    assert again.critical_value == tr.critical_value  # seeded
    # independent weeks: sup-t ~ Sidak
    ind = jobfirst_panel(n_persons=4000, weeks=10, persistence=0.0, municipality_sd=0.0, seed=2)
    ti = effect_over_time(ind, "paid_hours", "jobfirst", "person", "week", seed=3)
    sidak = stats.norm.ppf(1 - (1 - 0.95 ** (1 / 10)) / 2)
    assert ti.critical_value == pytest.approx(sidak, abs=0.08)


@pytest.mark.slow
def test_simultaneous_coverage_under_the_null():
    """Seeded: the sup-t band covers a zero trajectory in about 95 % of panels (300 panels)."""
    rng = np.random.default_rng(11)
    P, T, rho = 400, 15, 0.8
    cover_sim, cover_point = [], []
    week = np.tile(np.arange(1, T + 1), P)
    person = np.repeat(np.arange(P), T)
    arm = np.repeat(np.arange(P) % 2, T)
    for rep in range(300):
        u = np.empty((P, T))
        u[:, 0] = rng.standard_normal(P)
        for k in range(1, T):
            u[:, k] = rho * u[:, k - 1] + np.sqrt(1 - rho**2) * rng.standard_normal(P)
        status = (u < -0.5).astype(int).ravel()
        df = pd.DataFrame({"person": person, "week": week, "arm": arm, "s": status})
        f = effect_over_time(df, "s", "arm", "person", "week", n_draws=2000, seed=rep).frame
        cover_sim.append(bool(((f.sim_low <= 0) & (f.sim_high >= 0)).all()))
        cover_point.append(bool(((f.ci_low <= 0) & (f.ci_high >= 0)).all()))
    assert 0.92 <= np.mean(cover_sim) <= 0.98
    assert np.mean(cover_point) < 0.85  # pointwise bands do not cover the whole path


def test_unbalanced_panel_and_outputs(panel, tmp_path):
    unb = panel[~((panel.person % 7 == 0) & (panel.week > 8))]
    tr = effect_over_time(unb, "paid_hours", "jobfirst", "person", "week")
    f = tr.to_frame()
    assert (f.loc[f.time > 8, "n_treated"] + f.loc[f.time > 8, "n_control"] < 900).all()
    assert "joint Wald test" in tr.summary()
    assert tr.at(5).label == "week 5"
    assert tr.test_all_zero().df == 12
    ax = tr.plot()
    assert ax.get_ylabel() == "Effect (percentage points)"
    ax.figure.savefig(tmp_path / "trajectory.png", dpi=90)


def test_bad_panels(panel):
    # row order does not matter (regression: unsorted panels used to be refused)
    kw = dict(simultaneous=False)
    rev = effect_over_time(panel.iloc[::-1], "paid_hours", "jobfirst", "person", "week", **kw)
    fwd = effect_over_time(panel, "paid_hours", "jobfirst", "person", "week", **kw)
    pd.testing.assert_frame_equal(rev.to_frame(), fwd.to_frame(), check_exact=False, rtol=1e-12)
    with pytest.raises(EffektError, match="duplicated"):
        effect_over_time(
            pd.concat([panel, panel.iloc[[5]]]), "paid_hours", "jobfirst", "person", "week"
        )
    switch = panel.copy()
    switch.loc[switch.index[3], "jobfirst"] = 1 - switch.loc[switch.index[3], "jobfirst"]
    with pytest.raises(EffektError, match="constant within person"):
        effect_over_time(switch, "paid_hours", "jobfirst", "person", "week")
    tiny = panel[
        (panel.jobfirst == 0) | (panel.person == panel[panel.jobfirst == 1].person.iloc[0])
    ]
    with pytest.raises(EffektError, match="at least two"):
        effect_over_time(tiny, "paid_hours", "jobfirst", "person", "week")
    with pytest.raises(EffektError, match="simultaneous"):
        effect_over_time(panel, "paid_hours", "jobfirst", "person", "week", simultaneous="scheffe")
    months = panel.assign(month=pd.Period("2017-01", "M") + panel["week"])
    with pytest.raises(EffektError, match="Convert calendar months"):
        effect_over_time(months, "paid_hours", "jobfirst", "person", "month")
    tr = effect_over_time(panel, "paid_hours", "jobfirst", "person", "week")
    with pytest.raises(EffektError, match="periods of the panel"):
        tr.cumulative(1, 40)


def test_conf_level_validated_by_every_public_function(panel):
    """One bad value fed to each public estimator of the time modules."""
    from effekt.did import did, did_from_counts, event_study
    from effekt.duration import kaplan_meier, median_difference, restricted_mean_difference
    from effekt.registers import share_with_paid_hours
    from effekt.synthetic.panels import jobrotation, municipality_panel

    jr = jobrotation(n_treated=50, n_control=50, seed=1)
    mp = municipality_panel("hir", seed=1)
    two = mp[mp.period.isin(["start", "end"])]
    regs = panel.assign(wage=panel.hours * 150.0)
    calls = [
        lambda c: kaplan_meier(jr, "weeks", "job", conf_level=c),
        lambda c: restricted_mean_difference(
            jr, "weeks", "job", "jobrotation", horizon=50, conf_level=c
        ),
        lambda c: median_difference(jr, "weeks", "job", "jobrotation", conf_level=c),
        lambda c: effect_over_time(panel, "paid_hours", "jobfirst", "person", "week", conf_level=c),
        lambda c: did(two, "share", "participating", "post", cluster="municipality", conf_level=c),
        lambda c: did_from_counts(
            two,
            "count",
            "denominator",
            "participating",
            "post",
            id="municipality",
            time="month",
            conf_level=c,
        ),
        lambda c: event_study(
            mp,
            None,
            "participating",
            id="municipality",
            time="month",
            start="2018-03",
            count="count",
            denominator="denominator",
            conf_level=c,
        ),
        lambda c: share_with_paid_hours(regs, "person", "week", "wage", "hours", conf_level=c),
    ]
    for call in calls:
        for bad in (0, 1, 95, "0.95"):
            with pytest.raises(EffektError, match="conf_level"):
                call(bad)


def _monthly_panel(time="month", seed=1):
    rng = np.random.default_rng(seed)
    n, periods = 200, 6
    ids = np.repeat(np.arange(n), periods)
    arm = (ids < n // 2).astype(int)
    return pd.DataFrame(
        {
            "id": ids,
            time: np.tile(np.arange(1, periods + 1), n),
            "work": (rng.random(n * periods) < 0.3 + 0.1 * arm).astype(int),
            "arm": arm,
        }
    )


def test_cumulative_unit_follows_time_column():
    # Regression: a monthly panel's sum was labelled "weeks", so fulltime was ~4.3x off.
    from effekt.fulltime import full_time_persons

    tr = effect_over_time(_monthly_panel("month"), "work", "arm", "id", "month")
    r = tr.cumulative()
    assert r.unit == "months"
    fte = full_time_persons(r, participants=1000)
    # months -> weeks: 52/12 weeks per month; person-years divide by 52
    assert fte.estimate == pytest.approx(-r.estimate * 1000 * (52 / 12) / 52)
    assert tr.cumulative(unit_label="weeks").unit == "weeks"
    tw = effect_over_time(_monthly_panel("week"), "work", "arm", "id", "week")
    assert tw.cumulative().unit == "weeks"
    tp = effect_over_time(_monthly_panel("t"), "work", "arm", "id", "t")
    rp = tp.cumulative()
    assert rp.unit == "periods"
    with pytest.raises(EffektError, match="unit"):
        full_time_persons(rp, participants=1000)


def test_bad_weights_name_the_column(panel):
    negative = panel.assign(w=np.where(panel.person == panel.person.iloc[0], -1.0, 1.0))
    with pytest.raises(ColumnError, match=r"'w' .* 1 negative values"):
        effect_over_time(negative, "paid_hours", "jobfirst", "person", "week", weights="w")
    with pytest.raises(ColumnError, match=r"all \d+ weights are 0"):
        effect_over_time(
            panel.assign(w=0.0), "paid_hours", "jobfirst", "person", "week", weights="w"
        )


def test_missing_drop_and_people_table(panel):
    from effekt.errors import DroppedRowsWarning, MissingValueError

    holes = panel.astype({"paid_hours": float}).copy()
    holes.loc[holes.index[:3], "paid_hours"] = np.nan
    with pytest.raises(MissingValueError, match="'paid_hours'"):
        effect_over_time(holes, "paid_hours", "jobfirst", "person", "week")
    with pytest.warns(DroppedRowsWarning, match="3 of"):
        tr = effect_over_time(
            holes, "paid_hours", "jobfirst", "person", "week", missing="drop", simultaneous=False
        )
    ref = effect_over_time(
        holes.iloc[3:], "paid_hours", "jobfirst", "person", "week", simultaneous=False
    )
    pd.testing.assert_frame_equal(tr.to_frame(), ref.to_frame())
    html = tr._repr_html_().replace("&nbsp;", " ")
    assert "<table" in html and " pp" in html and "<pre>" not in html


def test_trajectory_of_an_outcome_beyond_1e150_is_refused_not_hung():
    # Regression: an outcome cell of 1e300 made Trajectory.summary() hang in np.linalg.pinv
    # (the covariance overflowed to inf).
    import effekt as ef

    rng = np.random.default_rng(0)
    panel = pd.DataFrame(
        {
            "pid": np.repeat(np.arange(20), 3),
            "week": np.tile([1, 2, 3], 20),
            "t": np.repeat(np.tile([0, 1], 10), 3),
            "y": rng.integers(0, 2, 60).astype(float),
        }
    )
    start = time.perf_counter()
    with pytest.raises(EffektError, match="'y'.*1e\\+300.*rescale"):
        ef.trajectory.effect_over_time(
            panel.assign(y=panel["y"].where(panel.index > 0, 1e300)),
            "y",
            "t",
            "pid",
            "week",
            n_draws=200,
        )
    assert time.perf_counter() - start < 5
    ok = ef.trajectory.effect_over_time(
        panel.assign(y=panel["y"] * 1e150), "y", "t", "pid", "week", n_draws=200
    )
    assert isinstance(ok.summary(), str)
