"""effekt.fulltime: linear transforms of effects into full-time persons and DKK."""

import numpy as np
import pytest

from effekt.errors import EffektError
from effekt.fulltime import WEEKS_PER_YEAR, benefit_savings, full_time_persons, scale_effect
from effekt.results import EffectResult, effect_from_normal

IPS = effect_from_normal(
    2.9,
    1.2,
    0.95,
    method="Welch",
    scale="mean",
    unit="weeks",
    label="IPS",
    n_treated=243,
    n_control=239,
)


def test_fte_from_weeks_is_linear_and_keeps_p():
    r = full_time_persons(IPS, participants=1_000, period_weeks=78)
    factor = -1_000 / 78
    assert r.estimate == pytest.approx(2.9 * factor)
    assert r.std_error == pytest.approx(1.2 * abs(factor))
    assert r.ci == pytest.approx(tuple(sorted((IPS.ci[0] * factor, IPS.ci[1] * factor))))
    assert r.pvalue == IPS.pvalue
    assert r.unit == "full-time persons" and r.scale == "mean"
    assert r.n_treated == 243 and r.label == "IPS"
    years = full_time_persons(IPS, participants=1_000)
    assert years.estimate == pytest.approx(-2.9 * 1_000 / WEEKS_PER_YEAR)
    assert years.unit == "full-time person-years"


def test_fte_from_share_on_support_and_replacement():
    share = effect_from_normal(-0.02, 0.008, 0.95, method="Welch", scale="proportion")
    r = full_time_persons(share, participants=1_000, period_weeks=52, effect_on="support")
    assert r.estimate == pytest.approx(
        -20.0
    )  # 2 pp of 1,000 people for a year = 20 full-time persons
    half = full_time_persons(IPS, participants=1_000, period_weeks=78, replacement=0.5)
    assert half.estimate == pytest.approx(-2.9 * 1_000 / 78 / 2)
    months = effect_from_normal(1.0, 0.2, 0.95, method="Welch", scale="mean", unit="months")
    assert full_time_persons(months, period_weeks=52).estimate == pytest.approx(-(52 / 12) / 52)


def test_dkk_savings():
    r = benefit_savings(IPS, rate=3_500)
    assert r.estimate == pytest.approx(10_150)
    assert r.ci == pytest.approx((IPS.ci[0] * 3_500, IPS.ci[1] * 3_500))
    assert r.unit == "DKK" and "DKK" in r.summary()
    monthly = benefit_savings(IPS, rate=15_000, rate_per="month", participants=243)
    assert monthly.estimate == pytest.approx(2.9 * 15_000 * 12 / 52 * 243)
    # an effect on weeks *on support*: fewer weeks is a saving
    on_support = effect_from_normal(-4.0, 1.0, 0.95, method="Welch", scale="mean", unit="weeks")
    assert benefit_savings(on_support, rate=1_000, effect_on="support").estimate == pytest.approx(
        4_000
    )


def test_ci_order_and_frozen_input():
    before = IPS.to_frame()
    r = scale_effect(IPS, -2.0, unit_label="x", estimand="y", method="z")
    assert r.ci[0] < r.ci[1]
    assert r.statistic == pytest.approx(-IPS.statistic)
    assert IPS.to_frame().equals(before)
    assert np.isnan(r.relative_change)


def test_bad_input():
    share = effect_from_normal(0.05, 0.01, 0.95, method="Welch", scale="proportion")
    with pytest.raises(EffektError, match="period_weeks"):
        full_time_persons(share, participants=10)
    with pytest.raises(EffektError, match="unit"):
        full_time_persons(
            effect_from_normal(2.0, 0.5, 0.95, method="Welch", scale="mean", unit="hours/week"),
            period_weeks=52,
        )
    with pytest.raises(EffektError, match="replacement"):
        full_time_persons(IPS, replacement=1.5)
    with pytest.raises(EffektError, match="rate"):
        benefit_savings(IPS, rate=-1)
    with pytest.raises(EffektError, match="rate_per"):
        benefit_savings(IPS, rate=1, rate_per="day")
    with pytest.raises(EffektError, match="EffectResult"):
        scale_effect(2.9, 1.0, unit_label="", estimand="", method="")
    assert isinstance(benefit_savings(IPS, rate=1), EffectResult)
