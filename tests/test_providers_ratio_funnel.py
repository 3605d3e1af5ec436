"""The observed/expected funnel (issue 10: "an O/E-ratio funnel as FunnelPlotR draws it")."""

from __future__ import annotations

import warnings

import matplotlib
import numpy as np
import pandas as pd
import pytest
from scipy import stats

import effekt as ef
from effekt.errors import EffektError
from effekt.simple_effect import ratio_funnel_limits

matplotlib.use("Agg")


def _interpolated_quantile(e: float, p: float) -> float:
    """Spiegelhalter (2005) A.1.2 by hand: the smallest r with F(r) >= p, interpolated."""
    r = 0
    while stats.poisson.cdf(r, e) < p:
        r += 1
    f_r, f_below = stats.poisson.cdf(r, e), stats.poisson.cdf(r - 1, e)
    return (r - (f_r - p) / (f_r - f_below)) / e


@pytest.mark.parametrize("e", [0.7, 3.0, 10.0, 57.3, 400.0])
def test_exact_poisson_limits_match_a_hand_computed_quantile(e):
    lim = ratio_funnel_limits([e]).iloc[0]
    for c, name in ((0.95, "95"), (0.998, "99.8")):
        lo = max(_interpolated_quantile(e, (1 - c) / 2), 0.0)
        assert lim[f"lower_{name}"] == pytest.approx(lo, abs=1e-12)
        assert lim[f"upper_{name}"] == pytest.approx(
            _interpolated_quantile(e, (1 + c) / 2), rel=1e-12
        )


def test_limits_narrow_towards_one_and_stay_non_negative():
    lim = ratio_funnel_limits(np.geomspace(0.5, 5000, 60))
    assert (lim.filter(like="lower") >= 0).all().all()
    assert np.all(np.diff(lim["upper_99.8"]) <= 1e-12)
    assert lim["lower_95"].iloc[-1] == pytest.approx(1, abs=0.03)
    assert (lim["upper_95"] < lim["upper_99.8"]).all()


def test_overdispersed_limits_on_the_square_root_scale():
    e = np.array([5.0, 50.0, 500.0])
    s = 1 / (2 * np.sqrt(e))
    z = stats.norm.ppf(0.975)
    plain = ratio_funnel_limits(e, overdispersion="additive", tau2=0.0)
    assert plain["upper_95"].to_numpy() == pytest.approx((1 + z * s) ** 2)
    wide = ratio_funnel_limits(e, overdispersion="additive", tau2=0.01)
    assert wide["upper_95"].to_numpy() == pytest.approx((1 + z * np.sqrt(s**2 + 0.01)) ** 2)
    mult = ratio_funnel_limits(e, overdispersion="multiplicative", phi=4.0)
    assert mult["lower_95"].to_numpy() == pytest.approx(np.maximum(1 - 2 * z * s, 0) ** 2)


@pytest.mark.parametrize("bad", [[], [0.0], [-1.0], [np.inf]])
def test_bad_expected_counts_raise(bad):
    with pytest.raises(EffektError, match="'expected'"):
        ratio_funnel_limits(bad)


@pytest.fixture(scope="module")
def comparison():
    data = ef.synthetic.providers(
        30,
        [20, 40, 80, 150, 300, 600] * 5,
        case_mix_shift=1.0,
        provider_effects=[0.8] + [0.0] * 29,
        seed=4,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ef.simple_effect.compare_providers(
            data, "job_6m", "provider", ["age", "benefit_group"]
        )


def test_ratio_table_is_observed_over_expected_with_the_tables_flags(comparison):
    table = comparison.table()
    pts = comparison.funnel_table(kind="ratio")
    assert pts["ratio"].to_numpy() == pytest.approx(
        (table["observed"] / table["expected"]).to_numpy()
    )
    assert pts["flag"].tolist() == table["flag"].tolist()
    assert pts["flag"].any()


def test_ratio_funnel_marks_exactly_the_flagged_providers(comparison, tmp_path):
    ax = comparison.plot_funnel(kind="ratio")
    ax.figure.savefig(tmp_path / "ratio_funnel.png")
    named = {t.get_text() for t in ax.texts}
    flagged = set(comparison.table().loc[lambda f: f["flag"], "provider"].astype(str))
    assert named == flagged
    assert ax.get_ylabel() == "Observed / expected"
    assert ax.get_xlabel() == "Expected successes"
    centre = [line for line in ax.get_lines() if line.get_label() == "observed = expected"]
    assert centre and centre[0].get_ydata()[0] == 1.0


def test_ratio_funnel_in_danish(comparison):
    ax = comparison.plot_funnel(kind="ratio", overdispersion="additive", language="da")
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert ax.get_ylabel() == "Observeret / forventet"
    assert any("kvadratrodsskala" in t for t in legend)


def test_unknown_kind_raises(comparison):
    with pytest.raises(EffektError, match="'kind'"):
        comparison.funnel_table(kind="odds")
    assert isinstance(comparison.funnel_table(), pd.DataFrame)
