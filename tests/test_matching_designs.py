"""Balance tables (cobalt/MatchIt definitions), love and overlap plots, and compare_designs."""

from __future__ import annotations

import json
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
import pytest

import effekt as ef
from effekt.errors import EffektError

matplotlib.use("Agg")

REF = Path(__file__).parent / "reference" / "matching_lalonde"
COVS = ["age", "educ", "race", "married", "nodegree", "re74", "re75"]
NAMES = {"race_black": "raceblack", "race_hispan": "racehispan", "race_white": "racewhite"}
STATS = {
    "mean_treated_after": "Means Treated",
    "mean_control_after": "Means Control",
    "smd_after": "Std. Mean Diff.",
    "var_ratio_after": "Var. Ratio",
    "ecdf_mean_after": "eCDF Mean",
    "ks_after": "eCDF Max",
}


@pytest.fixture(scope="module")
def lalonde() -> pd.DataFrame:
    return pd.read_csv(REF / "lalonde_matchit_psid.csv")


@pytest.fixture(scope="module")
def specs() -> dict:
    with open(REF / "lalonde_psid_methods_reference.json") as fh:
        return json.load(fh)["datasets"]["lalonde_psid"]["specs"]


def _weights(lalonde, spec):
    estimand = spec[-3:].upper()
    if spec.startswith("cem"):
        return ef.matching.cem(lalonde, "treat", COVS, estimand=estimand)["weights"]
    return ef.matching.subclassify(lalonde, "treat", COVS, estimand=estimand)["weights"]


@pytest.mark.parametrize("spec", ["cem_att", "cem_ate", "subclass6_att", "subclass6_ate"])
def test_balance_table_equals_matchit_summary(lalonde, specs, spec):
    estimand = spec[-3:].upper()
    b = ef.matching.balance_table(
        lalonde, "treat", COVS, weights=_weights(lalonde, spec), estimand=estimand
    )
    ref = pd.DataFrame(specs[spec]["balance_matched"]).T
    mine = b.table.rename(index=NAMES)
    for ours, theirs in STATS.items():
        expect = ref.loc[mine.index, theirs].astype(float).to_numpy()
        got = mine[ours].to_numpy(dtype=float)
        np.testing.assert_allclose(got, expect, rtol=1e-9, atol=1e-12, err_msg=ours)


def test_binary_variables_appear_once_and_squares_interactions_are_added():
    df = ef.synthetic.observational(800, 0.05, seed=2)
    covs = ["age", "gender", "months_on_benefit"]
    b = ef.matching.balance_table(df, "treated", covs, squares=True, interactions=True)
    names = list(b.table.index)
    assert [n for n in names if "gender" in n and "×" not in n] == ["gender_male"]
    assert sum("gender" in n for n in names) == 3  # one row + two interactions
    assert "age²" in names and "months_on_benefit²" in names and "gender_male²" not in names
    assert "age × gender_male" in names and "age × months_on_benefit" in names
    t = df["treated"] == 1
    x = df["age"] * df["months_on_benefit"]
    sd = x[t].std()
    assert b.table.loc["age × months_on_benefit", "smd_before"] == pytest.approx(
        (x[t].mean() - x[~t].mean()) / sd, rel=1e-12
    )
    # without weights, "after" repeats "before"
    np.testing.assert_allclose(b.table["smd_after"], b.table["smd_before"])


def test_threshold_summary_and_all_balanced():
    df = ef.synthetic.observational(1500, 0.05, seed=3)
    covs = ["age", "months_on_benefit", "gender"]
    w = ef.matching.entropy_weights(df, "treated", covs)
    b = ef.matching.balance_table(df, "treated", covs, weights=w, threshold=0.1)
    assert b.all_balanced and b.threshold_summary().startswith("all |SMD| < 0.1")
    raw = ef.matching.balance_table(df, "treated", covs, threshold=0.001)
    assert not raw.all_balanced and "|SMD| >= 0.001" in raw.threshold_summary()
    assert "Balance" in str(b) and "<table" in b._repr_html_()


def test_love_plot_shows_several_adjustments(lalonde, tmp_path):
    c = ef.matching.compare_designs(
        lalonde, "re78", "treat", COVS, designs=["nearest", "full", "entropy"]
    )
    ax = c.plot_balance()
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["before adjustment", "nearest", "full", "entropy"]
    assert ax.get_xlabel() == "Absolute standardized mean difference"
    ax.figure.savefig(tmp_path / "love.png")
    b = c.balance["nearest"]
    ax2 = b.plot(full=c.balance["full"])
    assert len(ax2.get_legend().get_texts()) == 3


def test_overlap_plot_range_and_bins_follow_the_data(tmp_path):
    from effekt.plots import overlap_plot

    rng = np.random.default_rng(0)
    s = rng.uniform(0.0, 0.37, 2000)
    t = rng.random(2000) < s
    ax = overlap_plot(s, t)
    lo, hi = ax.get_xlim()
    assert lo > -0.05 and hi < 0.45
    edges = ax.patches[0].get_data().edges
    assert 10 <= len(edges) - 1 <= 60
    assert edges[0] > -0.02 and edges[-1] < 0.4  # not 0 to 1
    ax_fixed = overlap_plot(s, t, bins=25)
    assert len(ax_fixed.patches[0].get_data().edges) == 26
    ax.figure.savefig(tmp_path / "overlap.png")


def test_compare_designs_reproduces_each_design(lalonde, specs):
    c = ef.matching.compare_designs(
        lalonde, "re78", "treat", COVS, designs=["nearest", "cem", "subclass", "entropy", "overlap"]
    )
    assert list(c.table.index) == ["nearest", "cem", "subclass", "entropy", "overlap"]
    assert c.table.loc["nearest", "estimate"] == pytest.approx(894.367480270274, abs=1e-6)
    assert c.table.loc["cem", "estimate"] == pytest.approx(
        specs["cem_att"]["effect"]["estimate"], abs=1e-6
    )
    assert c.table.loc["cem", "std_error"] == pytest.approx(
        specs["cem_att"]["effect"]["se"]["cluster_subclass_HC1"], rel=1e-9
    )
    assert c.table.loc["subclass", "estimate"] == pytest.approx(
        specs["subclass6_att"]["effect"]["estimate"], abs=1e-6
    )
    # entropy balancing and overlap weights (logit score) balance the means exactly
    assert c.table.loc["entropy", "max_abs_smd"] < 1e-8
    assert c.table.loc["overlap", "max_abs_smd"] < 1e-6
    assert bool(c.table.loc["cem", "balanced"])
    assert "Designs compared (ATT on re78)" in c.summary()


def test_compare_designs_errors():
    df = ef.synthetic.observational(300, 0.05, seed=5)
    with pytest.raises(EffektError, match="designs"):
        ef.matching.compare_designs(df, "job", "treated", ["age"], designs=["genetic"])
    with pytest.raises(EffektError, match="nearest"):
        ef.matching.compare_designs(
            df, "job", "treated", ["age"], designs=["nearest"], estimand="ATE"
        )
