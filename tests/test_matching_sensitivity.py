"""Rosenbaum bounds and E-values (effekt.matching.sensitivity)."""

import copy
import json
import math
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from effekt.errors import ColumnError, EffektError, SmallSampleWarning
from effekt.matching import e_value, rosenbaum_bounds
from effekt.results import EffectResult

REF = json.loads((Path(__file__).parent / "reference" / "sensitivity_rosenbaum.json").read_text())


def pairs_frame(treated_y, control_y, *, shuffle_seed=None):
    n = len(treated_y)
    df = pd.DataFrame(
        {
            "subclass": np.r_[np.arange(n), np.arange(n)],
            "treat": np.r_[np.ones(n, int), np.zeros(n, int)],
            "y": np.r_[np.asarray(treated_y, float), np.asarray(control_y, float)],
        }
    )
    if shuffle_seed is not None:
        df = df.sample(frac=1, random_state=shuffle_seed)
    return df


def binary_pairs(a, b, both=0, neither=0):
    """a pairs with the event in the treated only, b in the control only."""
    t = [1] * a + [0] * b + [1] * both + [0] * neither
    c = [0] * a + [1] * b + [1] * both + [0] * neither
    return pairs_frame(t, c)


# --- Wilcoxon: the lead example (Rosenbaum 2002, ch. 4; rbounds psens example) ---------------


def test_lead_example_matches_r_implementation():
    ref = REF["lead"]
    df = pairs_frame(
        [
            38,
            23,
            41,
            18,
            37,
            36,
            23,
            62,
            31,
            34,
            24,
            14,
            21,
            17,
            16,
            20,
            15,
            10,
            45,
            39,
            22,
            35,
            49,
            48,
            44,
            35,
            43,
            39,
            34,
            13,
            73,
            25,
            27,
        ],
        [
            16,
            18,
            18,
            24,
            19,
            11,
            10,
            15,
            16,
            18,
            18,
            13,
            19,
            10,
            16,
            16,
            24,
            13,
            9,
            14,
            21,
            19,
            7,
            18,
            19,
            12,
            11,
            22,
            25,
            16,
            13,
            11,
            13,
        ],
        shuffle_seed=3,
    )
    before = copy.deepcopy(df)
    rb = rosenbaum_bounds(df, "y", treatment="treat", gamma=ref["gamma"])
    pd.testing.assert_frame_equal(df, before)
    assert rb.method == "wilcoxon" and rb.alternative == "greater"
    # R: sensitivity_rosenbaum.R psens_bounds(trt, ctrl): T = 499 over 32 non-zero differences
    assert rb.statistic == ref["T"] == 499
    assert rb.n_informative == ref["n"] == 32 and rb.n_pairs == 33
    # R: sensitivity_rosenbaum.R (rbounds::psens formulas)
    np.testing.assert_allclose(rb.p_upper, ref["upper"], rtol=1e-9, atol=1e-15)
    np.testing.assert_allclose(rb.p_lower, ref["lower"], rtol=1e-6, atol=1e-15)
    # R: uniroot on the upper bound = 0.05
    assert rb.gamma_critical == pytest.approx(ref["crit"], rel=1e-8)
    # R: wilcox.test(trt, ctrl, paired=TRUE, exact=FALSE, correct=FALSE, alternative="greater")
    assert rb.p_upper[0] == pytest.approx(ref["wilcox_p"], rel=1e-9)


def test_wilcoxon_ties_and_zeros_match_r_and_scipy():
    ref = REF["ties"]
    df = pairs_frame(ref["x"], ref["y"])
    rb = rosenbaum_bounds(df, "y", treatment="treat", gamma=ref["gamma"])
    assert rb.statistic == ref["T"] and rb.n_informative == ref["n"] == 56
    np.testing.assert_allclose(rb.p_upper, ref["upper"], rtol=1e-9)
    np.testing.assert_allclose(rb.p_lower, ref["lower"], rtol=1e-9)
    assert rb.gamma_critical == pytest.approx(ref["crit"], rel=1e-8)
    # R: wilcox.test(..., exact=FALSE, correct=FALSE) with its tie correction
    assert rb.p_upper[0] == pytest.approx(ref["wilcox_p"], rel=1e-9)
    d = np.asarray(ref["x"]) - np.asarray(ref["y"])
    sp = stats.wilcoxon(
        d, zero_method="wilcox", correction=False, alternative="greater", method="approx"
    )
    assert rb.p_upper[0] == pytest.approx(sp.pvalue, rel=1e-9)
    assert any("zero difference" in n for n in rb.notes)


# --- McNemar-type bounds --------------------------------------------------------------------


@pytest.mark.parametrize("name", ["smoking", "small"])
def test_mcnemar_bounds_match_r(name):
    ref = REF[name]
    a, d = ref["T"], ref["D"]
    df = binary_pairs(a, d - a, both=7, neither=30)
    rb = rosenbaum_bounds(df, "y", treatment="treat", gamma=ref["gamma"])
    assert rb.method == "mcnemar" and rb.n_informative == d and rb.statistic == a
    # R: sensitivity_rosenbaum.R (rbounds::binarysens: sum(dbinom(a:D, D, p)))
    np.testing.assert_allclose(rb.p_upper, ref["upper"], rtol=1e-9, atol=1e-300)
    np.testing.assert_allclose(rb.p_lower, ref["lower"], rtol=1e-7, atol=1e-300)
    assert rb.gamma_critical == pytest.approx(ref["crit"], rel=1e-8)
    # R: binom.test(a, D, 0.5, alternative="greater") = exact McNemar at Gamma = 1
    assert rb.p_upper[0] == pytest.approx(ref["binom_p"], rel=1e-9)
    assert rb.p_upper[0] == pytest.approx(
        stats.binomtest(a, d, 0.5, alternative="greater").pvalue, rel=1e-9
    )


def test_direction_is_that_of_the_effect_and_can_be_forced():
    df = binary_pairs(4, 15, neither=10)
    rb = rosenbaum_bounds(df, "y", treatment="treat")
    assert rb.alternative == "less" and rb.statistic == 15
    assert rb.p_upper[0] == pytest.approx(
        stats.binomtest(15, 19, 0.5, alternative="greater").pvalue
    )
    forced = rosenbaum_bounds(df, "y", treatment="treat", alternative="greater")
    assert forced.p_upper[0] == pytest.approx(
        stats.binomtest(4, 19, 0.5, alternative="greater").pvalue
    )
    assert forced.gamma_critical == 1.0  # not significant in that direction


def test_default_grid_monotone_bounds_and_critical_gamma_between_grid_points():
    rng = np.random.default_rng(5)
    t = rng.normal(0.5, 1, 200)
    c = rng.normal(0, 1, 200)
    rb = rosenbaum_bounds(pairs_frame(t, c), "y", treatment="treat")
    np.testing.assert_allclose(rb.gamma, np.round(np.arange(1, 3.01, 0.1), 10))
    assert np.all(np.diff(rb.p_upper) > 0) and np.all(np.diff(rb.p_lower) <= 0)
    assert rb.p_lower[0] == rb.p_upper[0]
    g = rb.gamma_critical
    lo, up = rb.pvalue_bounds(g)
    assert up == pytest.approx(0.05, abs=1e-9)
    # root-finding, not the grid: the grid neighbours bracket it
    i = np.searchsorted(rb.gamma, g)
    assert rb.p_upper[i - 1] <= 0.05 < rb.p_upper[i]


def test_not_significant_at_gamma_one_gives_critical_one():
    df = binary_pairs(8, 7, neither=5)
    rb = rosenbaum_bounds(df, "y", treatment="treat")
    assert rb.gamma_critical == 1.0
    assert "not significant" in rb.summary()


def test_result_object_table_summary_plot(tmp_path):
    df = binary_pairs(40, 15, both=5, neither=50)
    rb = rosenbaum_bounds(df, "y", treatment="treat", gamma=[1, 1.5, 2])
    frame = rb.to_frame()
    assert list(frame.columns) == ["gamma", "p_lower", "p_upper"] and len(frame) == 3
    text = rb.summary()
    assert "McNemar" in text and "110 matched pairs" in text and "55 discordant" in text
    with pytest.raises(AttributeError):
        rb.gamma_critical = 3  # frozen
    with pytest.raises(ValueError):
        rb.p_upper[0] = 1.0  # read-only arrays
    ax = rb.plot()
    assert ax.get_ylabel() == "One-sided p-value"
    ax.figure.savefig(tmp_path / "rosenbaum_bounds.png")


def test_match_result_like_object_is_used():
    class FakeMatch:
        treatment = "treat"
        ratio = 1
        replace = False

        def __init__(self, frame):
            self._frame = frame

        def matched_data(self):
            return self._frame.copy()

    df = binary_pairs(30, 10, neither=20)
    rb = rosenbaum_bounds(FakeMatch(df), "y")
    assert rb.statistic == 30

    class WithReplacement(FakeMatch):
        replace = True

    with pytest.raises(EffektError, match="replace=True"):
        rosenbaum_bounds(WithReplacement(df), "y")

    class Ratio2(FakeMatch):
        ratio = 2

    with pytest.raises(EffektError, match="ratio=2"):
        rosenbaum_bounds(Ratio2(df), "y")


# --- bad input ------------------------------------------------------------------------------


def test_bad_input():
    df = binary_pairs(30, 10, neither=20)
    with pytest.raises(EffektError, match="'gamma' argument of rosenbaum_bounds"):
        rosenbaum_bounds(df, "y", treatment="treat", gamma=[0.5, 1])
    with pytest.raises(EffektError, match="'gamma'"):
        rosenbaum_bounds(df, "y", treatment="treat", gamma=[])
    with pytest.raises(EffektError, match="'alpha'"):
        rosenbaum_bounds(df, "y", treatment="treat", alpha=1.5)
    with pytest.raises(EffektError, match="'method'"):
        rosenbaum_bounds(df, "y", treatment="treat", method="sign")
    with pytest.raises(EffektError, match="'alternative'"):
        rosenbaum_bounds(df, "y", treatment="treat", alternative="two-sided")
    with pytest.raises(EffektError, match="'treatment'"):
        rosenbaum_bounds(df, "y")
    with pytest.raises(EffektError, match="'data'"):
        rosenbaum_bounds([1, 2], "y", treatment="treat")
    with pytest.raises(ColumnError, match="'job'"):
        rosenbaum_bounds(df, "job", treatment="treat")
    with pytest.raises(ColumnError, match="'pair'"):
        rosenbaum_bounds(df, "y", treatment="treat", pair="pair_id")
    cont = df.assign(y=df["y"] + 0.5)
    with pytest.raises(ColumnError, match="method='wilcoxon'"):
        rosenbaum_bounds(cont, "y", treatment="treat", method="mcnemar")
    # a 1:2 set
    extra = pd.DataFrame({"subclass": [0], "treat": [0], "y": [1.0]}, index=[999])
    with pytest.raises(EffektError, match="1:1 matched pairs.*3 member"):
        rosenbaum_bounds(pd.concat([df, extra]), "y", treatment="treat")
    # two treated in a pair
    two_t = df.copy()
    two_t.loc[two_t.index[-1], "treat"] = 1
    with pytest.raises(EffektError, match="1 treated|2 treated|0 treated"):
        rosenbaum_bounds(two_t, "y", treatment="treat")
    # reused control: the same row (label and values) under two pair ids, as in the
    # get_matches() output of a match with replacement
    reused = df.copy()
    control0 = reused.index[(reused["treat"] == 0).to_numpy()][0]
    copy_row = reused.loc[[control0]].assign(subclass=reused["subclass"].max())
    keep = ~((reused["subclass"] == reused["subclass"].max()) & (reused["treat"] == 0)).to_numpy()
    reused = pd.concat([reused.loc[keep], copy_row])
    with pytest.raises(EffektError, match="several matched pairs"):
        rosenbaum_bounds(reused, "y", treatment="treat")
    missing = df.copy()
    missing.loc[missing.index[0], "y"] = np.nan
    with pytest.raises(ColumnError, match="missing"):
        rosenbaum_bounds(missing, "y", treatment="treat")
    with pytest.raises(EffektError, match="discordant"):
        rosenbaum_bounds(binary_pairs(0, 0, both=3, neither=4), "y", treatment="treat")
    with pytest.raises(EffektError, match="same"):
        rosenbaum_bounds(pairs_frame([1.0, 2.0], [1.0, 2.0]), "y", treatment="treat")
    with pytest.warns(SmallSampleWarning, match="only 5 pairs"):
        rosenbaum_bounds(pairs_frame([1, 2, 3, 4, 5.0], [0, 0, 0, 0, 0.0]), "y", treatment="treat")


# --- E-values -------------------------------------------------------------------------------


def test_e_value_paper_example():
    # VanderWeele & Ding (2017), Ann Intern Med: RR 3.9 (95% CI 1.8-8.7) -> E = 7.26, CI 3.02
    ev = e_value(3.9, 1.8, 8.7)
    assert ev.e_point == pytest.approx(7.26, abs=0.005)
    assert ev.e_ci == pytest.approx(3.0, abs=0.02)
    assert ev.e_point == pytest.approx(3.9 + math.sqrt(3.9 * 2.9), rel=1e-12)
    frame = ev.to_frame()
    assert list(frame.columns) == ["quantity", "value", "rr", "e_value"]
    assert frame["value"].tolist() == [3.9, 1.8, 8.7]
    assert frame["e_value"].iloc[0] == ev.e_point and frame["e_value"].iloc[1] == ev.e_ci
    assert "7.26" in ev.summary()


def test_e_value_protective_and_null_interval():
    ev = e_value(1 / 3.9, 1 / 8.7, 1 / 1.8)
    assert ev.e_point == pytest.approx(e_value(3.9).e_point)
    assert ev.e_ci == pytest.approx(e_value(3.9, 1.8, 8.7).e_ci)
    assert e_value(1.3, 0.9, 1.8).e_ci == 1.0
    assert e_value(0.8, 0.6, 1.1).e_ci == 1.0
    assert e_value(1.0).e_point == 1.0
    assert math.isnan(e_value(2.0).e_ci)


def test_e_value_odds_and_hazard_ratios():
    # common outcome: RR = sqrt(OR) (VanderWeele & Ding 2017)
    ev = e_value(3.9**2, 1.8**2, 8.7**2, measure="OR")
    assert ev.rr == pytest.approx(3.9) and ev.e_point == pytest.approx(e_value(3.9).e_point)
    assert ev.e_ci == pytest.approx(e_value(3.9, 1.8).e_ci)
    # rare outcome: OR ~ RR
    assert e_value(3.9, measure="OR", rare=True).e_point == pytest.approx(e_value(3.9).e_point)
    hr = e_value(2.0, measure="HR")
    rr = (1 - 0.5 ** math.sqrt(2)) / (1 - 0.5 ** math.sqrt(0.5))
    assert hr.rr == pytest.approx(rr) and hr.e_point == pytest.approx(rr + math.sqrt(rr * (rr - 1)))


def test_e_value_from_effect_result():
    r = EffectResult(
        estimate=0.04,
        std_error=0.0135,
        ci=(0.0135, 0.0665),
        pvalue=0.003,
        method="x",
        mean_treated=0.16,
        mean_control=0.12,
    )
    ev = e_value(r)
    assert ev.rr == pytest.approx(0.16 / 0.12)
    assert ev.rr_ci[0] == pytest.approx(1 + 0.0135 / 0.12)
    assert any("fixed" in n for n in ev.notes)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"estimate": -1.0}, "'estimate'"),
        ({"estimate": 0.0}, "'estimate'"),
        ({"estimate": float("nan")}, "'estimate'"),
        ({"estimate": "2"}, "'estimate'"),
        ({"estimate": 2.0, "ci_low": 2.5}, "'ci_low'"),
        ({"estimate": 2.0, "ci_high": 1.5}, "'ci_high'"),
        ({"estimate": 2.0, "ci_low": -0.1}, "'ci_low'"),
        ({"estimate": 2.0, "measure": "RD"}, "'measure'"),
        ({"estimate": 2.0, "rare": "yes"}, "'rare'"),
    ],
)
def test_e_value_bad_input(kwargs, match):
    with pytest.raises(EffektError, match=match):
        e_value(**kwargs)


# --- MatchResult input: arms and pairs from the match itself ---------------------------------


def _string_treatment_data(n=400, seed=1):
    rng = np.random.default_rng(seed)
    df = pd.DataFrame({"age": rng.normal(40, 8, n), "grp": rng.choice(["a", "b", "c"], n)})
    p = 1 / (1 + np.exp(0.5 - 0.04 * (df["age"] - 40)))
    df["t"] = np.where(rng.random(n) < p, "yes", "no")
    df["y"] = rng.normal(0, 1, n) + (df["t"] == "yes")
    df["yb"] = (rng.random(n) < 0.3 + 0.2 * (df["t"] == "yes")).astype(int)
    return df


def test_match_result_with_treated_value_is_accepted():
    from effekt.matching import match

    df = _string_treatment_data()
    m = match(df, "t", ["age", "grp"], treated_value="yes")
    rb = rosenbaum_bounds(m, "y")
    # the same pairs as a 0/1-coded treatment
    m01 = match(df.assign(t=(df["t"] == "yes").astype(int)), "t", ["age", "grp"])
    rb01 = rosenbaum_bounds(m01, "y")
    assert rb.n_pairs == m.n_treated_matched == rb01.n_pairs
    assert rb.statistic == rb01.statistic
    assert rb.gamma_critical == pytest.approx(rb01.gamma_critical, rel=1e-12)
    # and the DataFrame route with treated_value gives the same answer
    rb_df = rosenbaum_bounds(m.matched_data(), "y", treatment="t", treated_value="yes")
    assert rb_df.statistic == rb.statistic
    assert rosenbaum_bounds(m, "yb").method == "mcnemar"


def test_match_result_with_duplicate_index_labels():
    from effekt.matching import match

    df = _string_treatment_data(seed=2)
    unique = match(df, "t", ["age", "grp"], treated_value="yes")
    dup = df.set_axis(["k"] * len(df))
    m = match(dup, "t", ["age", "grp"], treated_value="yes")
    rb = rosenbaum_bounds(m, "y")
    ref = rosenbaum_bounds(unique, "y")
    assert rb.n_pairs == ref.n_pairs == m.n_treated_matched
    assert rb.statistic == ref.statistic
    # the matched data of that match, given as a DataFrame: distinct people share labels
    md = m.matched_data()
    rb_df = rosenbaum_bounds(md, "y", treatment="t", treated_value="yes")
    assert rb_df.statistic == ref.statistic


def test_missing_drop_removes_whole_pairs():
    from effekt.errors import DroppedRowsWarning

    rng = np.random.default_rng(5)
    t = rng.normal(1.0, 1.0, 40)
    c = rng.normal(0.0, 1.0, 40)
    df = pairs_frame(t, c)
    holed = df.copy()
    holed.loc[holed.index[3], "y"] = np.nan  # the treated member of pair 3
    before = holed.copy()
    with pytest.raises(ColumnError, match="missing='drop'"):
        rosenbaum_bounds(holed, "y", "treat")
    with pytest.warns(DroppedRowsWarning, match="dropped 2 of 80 rows"):
        rb = rosenbaum_bounds(holed, "y", "treat", missing="drop")
    pd.testing.assert_frame_equal(holed, before)
    ref = rosenbaum_bounds(pairs_frame(np.delete(t, 3), np.delete(c, 3)), "y", "treat")
    assert rb.n_pairs == 39
    np.testing.assert_allclose(rb.p_upper, ref.p_upper, rtol=1e-12)
