"""Matching, weighting and sensitivity under hostile input: no hang, no raw exception."""

import math
import time

import numpy as np
import pandas as pd
import pytest

from effekt.errors import EffektError
from effekt.matching import match


@pytest.fixture(scope="module")
def df():
    rng = np.random.default_rng(1)
    n = 300
    d = pd.DataFrame({"age": rng.normal(40, 8, n), "x2": rng.normal(size=n)})
    d["t"] = (rng.random(n) < 0.3).astype(int)
    d["y"] = rng.normal(size=n) + d["t"]
    return d


def _fast(f, seconds=5.0):
    start = time.perf_counter()
    with pytest.raises(EffektError) as err:
        f()
    assert time.perf_counter() - start < seconds
    return str(err.value)


def test_huge_var_matches_is_refused_at_once(df):
    # Regression: effect(var_matches=10**9) was still running after 10 minutes.
    m = match(df, "t", ["age"], replace=True)
    msg = _fast(lambda: m.effect("y", var_matches=10**9))
    assert "'var_matches'" in msg and "at most" in msg
    n_t = int(df["t"].sum())
    assert m.effect("y", var_matches=n_t - 1).std_error > 0  # the boundary itself works
    with pytest.raises(EffektError, match="var_matches"):
        m.effect("y", var_matches=n_t)


@pytest.mark.parametrize("distance", ["logit", "mahalanobis"])
def test_huge_ratio_is_refused_at_once(df, distance):
    # Regression: Mahalanobis match(ratio=10**9) hung.
    msg = _fast(lambda: match(df, "t", ["age", "x2"], distance=distance, ratio=10**9))
    assert "'ratio'" in msg and "at most" in msg


def test_ratio_boundary(df):
    n_c = int((df["t"] == 0).sum())
    m = match(df, "t", ["age"], ratio=n_c, replace=True)
    assert m.n_treated_matched == m.n_treated
    with pytest.raises(EffektError, match="'ratio'"):
        match(df, "t", ["age"], ratio=n_c + 1, replace=True)


def test_n_boot_and_n_draws_are_bounded(df):
    m = match(df, "t", ["age"])
    msg = _fast(lambda: m.effect("y", se="bootstrap", n_boot=10**9))
    assert "'n_boot'" in msg and "100000" in msg
    panel = pd.DataFrame({"person": np.arange(len(df)), "week": 1, "y": df["y"]})
    people = df.assign(person=np.arange(len(df)))
    mp = match(people, "t", ["age"])
    msg = _fast(lambda: mp.trajectory(panel, "y", "person", "week", n_draws=10**9))
    assert "'n_draws'" in msg


@pytest.mark.parametrize("seed", [1.5, -1, "1", True])
def test_bad_seed_names_the_argument(df, seed):
    # Regression: a float seed raised a raw TypeError from numpy.
    with pytest.raises(EffektError, match="'seed' argument of match"):
        match(df, "t", ["age"], seed=seed, order="random")


def test_seed_generator_and_numpy_int_still_work(df):
    a = match(df, "t", ["age"], order="random", seed=np.int64(3))
    b = match(df, "t", ["age"], order="random", seed=np.random.default_rng(3))
    assert a.n_treated_matched == b.n_treated_matched


def test_list_treated_value_names_the_argument(df):
    # Regression: a list as treated_value raised TypeError: unhashable type.
    with pytest.raises(EffektError, match="'treated_value'"):
        match(df, "t", ["age"], treated_value=[1])
    with pytest.raises(EffektError, match="'treated_value'"):
        match(df, "t", ["age"], treated_value=[1], method="full")


def test_string_distance_column_is_an_effekt_error(df):
    with pytest.raises(EffektError, match="'d'"):
        match(df.assign(d="a"), "t", ["age"], distance="d")


def test_caller_data_unchanged(df):
    before = df.copy()
    with pytest.raises(EffektError):
        match(df, "t", ["age"], ratio=10**9)
    pd.testing.assert_frame_equal(df, before)


def _few_treated(df, k):
    d = df.copy()
    d["t"] = 0
    d.loc[: k - 1, "t"] = 1
    d["b"] = (np.random.default_rng(5).random(len(d)) < 0.4).astype(int)
    d.loc[: k - 1, "b"] = 1  # every treated "succeeds": the case that looked significant
    return d


@pytest.mark.parametrize("k", [1, 2, 4])
def test_ipw_with_a_tiny_arm_gives_no_confident_answer(df, k):
    # Regression: IPW with 1 treated gave +61 pp, p < 0.001 (Fisher's exact p = 0.39).
    from effekt.errors import SmallSampleWarning
    from effekt.matching import ipw

    with pytest.warns(SmallSampleWarning, match="fewer than 5"):
        r = ipw(_few_treated(df, k), "b", "t", ["age"])
    assert np.isnan(r.pvalue) and np.isnan(r.ci[0]) and np.isnan(r.ci[1])
    assert np.isfinite(r.estimate)
    assert any("no interval or p-value" in n for n in r.notes)
    assert "no interval or p-value" in r.summary()


def test_ipw_and_aipw_minimum_information_boundary(df):
    import warnings

    from effekt.errors import SmallSampleWarning
    from effekt.matching import aipw, ipw

    with warnings.catch_warnings():
        warnings.simplefilter("error", SmallSampleWarning)
        r = ipw(_few_treated(df, 5), "b", "t", ["age"])
        ra = aipw(_few_treated(df, 5), "b", "t", ["age"])
    assert np.isfinite(r.pvalue) and np.isfinite(ra.pvalue)
    with pytest.warns(SmallSampleWarning):
        ra = aipw(_few_treated(df, 4), "b", "t", ["age"])
    assert np.isnan(ra.pvalue) and any("no interval" in n for n in ra.notes)


@pytest.mark.parametrize("distance", ["logit", "mahalanobis"])
def test_huge_covariate_names_it_and_the_fix(df, distance):
    # Regression: Mahalanobis raised a raw ValueError from scipy; the logit said "collinear".
    z = np.random.default_rng(2).normal(size=len(df)) * 1e300
    with pytest.raises(EffektError, match="'z'.*rescale") as err:
        match(df.assign(z=z), "t", ["age", "z"], distance=distance)
    assert "collinear" not in str(err.value)


def test_sd_of_a_million_is_not_called_collinear(df):
    z = np.random.default_rng(2).normal(size=len(df)) * 1e6
    m = match(df.assign(z=z), "t", ["age", "z"])
    assert m.n_treated_matched == m.n_treated


@pytest.mark.parametrize("se", [None, "abadie-imbens", "bootstrap"])
def test_constant_outcome_gives_no_zero_width_interval(df, se):
    # Regression: a constant outcome gave +0.0 pp (CI +0.0 to +0.0), p < 0.001.
    from effekt.errors import SmallSampleWarning

    m = match(df.assign(yc=1.0), "t", ["age"], replace=se == "abadie-imbens")
    with pytest.warns(SmallSampleWarning):
        r = m.effect("yc", se=se) if se else m.effect("yc")
    assert r.estimate == 0
    assert np.isnan(r.pvalue) and np.isnan(r.ci[0]) and not r.significant
    assert "no interval or p-value" in r.summary()


@pytest.mark.parametrize("measure", ["RR", "OR", "HR"])
@pytest.mark.parametrize("value", [1e300, 1e-300, 1e7])
def test_e_value_refuses_absurd_ratios(measure, value):
    # Regression: e_value(1e300, measure="HR") raised ZeroDivisionError; RR gave E = NaN silently.
    from effekt.matching import e_value

    with pytest.raises(EffektError, match="'estimate'.*between 1e-6 and 1e6"):
        e_value(value, measure=measure)


@pytest.mark.parametrize("measure", ["RR", "OR", "HR"])
def test_e_value_at_the_boundary_and_at_1(measure):
    from effekt.matching import e_value

    for value in (1e6, 1e-6):
        assert np.isfinite(e_value(value, measure=measure).e_point)
    assert e_value(1.0, 0.8, 1.25, measure=measure).e_point == pytest.approx(1.0)


@pytest.mark.parametrize("estimator", ["ipw", "aipw"])
def test_ipw_aipw_constant_outcome_gives_no_confident_answer(df, estimator):
    # Regression: an outcome of 1 for everyone gave -0.0 pp (CI -0.0 to -0.0), p < 0.001.
    import effekt.matching as M
    from effekt.errors import SmallSampleWarning

    with pytest.warns(SmallSampleWarning, match="one value"):
        r = getattr(M, estimator)(df.assign(b=1), "b", "t", ["age"])
    assert r.estimate == 0 and np.isnan(r.pvalue) and not r.significant
    assert "no interval or p-value" in r.summary()


@pytest.mark.parametrize(("k", "floor"), [(4, 1 / 16), (5, 1 / 32)])
def test_rosenbaum_bounds_never_below_the_exact_minimum(k, floor):
    # Regression: 4 pairs, all positive, gave p = 0.034 ("significant"); exact p = 1/16.
    from effekt.errors import SmallSampleWarning
    from effekt.matching import rosenbaum_bounds

    rng = np.random.default_rng(1)
    n = 100
    d = pd.DataFrame({"age": rng.normal(40, 8, n)})
    d["t"] = np.r_[np.ones(k), np.zeros(n - k)].astype(int)
    d["y"] = rng.normal(size=n)
    d.loc[: k - 1, "y"] = 10.0
    with pytest.warns(SmallSampleWarning):
        r = rosenbaum_bounds(match(d, "t", ["age"]), "y")
    p1 = r.to_frame().set_index("gamma").loc[1.0, "p_upper"]
    assert p1 == pytest.approx(floor)
    assert ("lost" in r.summary()) == (floor < 0.05)


# --------------------------------------------------------------- found by the sweep (share A)


@pytest.fixture(scope="module")
def matched(df):
    return match(df, "t", ["age", "x2"], replace=True)


@pytest.mark.parametrize("ax", [0.5, "x", [1, 2]])
def test_plot_with_a_non_axes_ax_is_an_effekt_error(matched, ax):
    # Regression: plot_balance(ax=0.5) raised AttributeError: 'float' object has no attribute 'plot'.
    for plot in (matched.plot_balance, matched.plot_overlap):
        with pytest.raises(EffektError, match="'ax' argument"):
            plot(ax=ax)


def test_plot_title_must_be_text(matched):
    # Regression: title=np.array([1, nan]) raised "truth value of an array is ambiguous".
    with pytest.raises(EffektError, match="'title' argument"):
        matched.plot_balance(title=np.array([1.0, np.nan]))
    assert matched.plot_balance(title="Balance").get_title() == "Balance"


@pytest.mark.parametrize("threshold", [10**400, [1, 2], {"a": 1}, 0, math.nan])
def test_plot_balance_threshold_is_checked(matched, threshold):
    # Regression: threshold=10**400 raised OverflowError inside matplotlib, [1, 2] ValueError.
    with pytest.raises(EffektError, match="'threshold' argument of plot_balance"):
        matched.plot_balance(threshold=threshold)


@pytest.mark.parametrize("bins", [math.nan, math.inf, 1e300, -3, 0, [1, 2], 1.5])
def test_plot_overlap_bins_is_checked(matched, bins):
    # Regression: bins=nan raised ValueError, bins=1e300 "Maximum allowed size exceeded".
    with pytest.raises(EffektError, match="'bins' argument of plot_overlap"):
        matched.plot_overlap(bins=bins)
    assert matched.plot_overlap(bins=1000) is not None


@pytest.mark.parametrize("path", [math.nan, None, "", [1, 2], pd.DataFrame()])
def test_to_csv_and_to_excel_refuse_a_path_that_is_no_path(matched, path):
    # Regression: to_csv(nan) raised TypeError from pathlib.
    with pytest.raises(EffektError, match="'path' argument of to_csv"):
        matched.to_csv(path)
    with pytest.raises(EffektError, match="'path' argument of to_excel"):
        matched.to_excel(path)


@pytest.mark.parametrize("dialect", [pd.DataFrame(), [1, 2], ""])
def test_to_csv_dialect_without_truth_value(matched, dialect, tmp_path):
    # Regression: dialect=pd.DataFrame() raised "truth value of a DataFrame is ambiguous".
    with pytest.raises(EffektError, match="'dialect' argument of to_csv"):
        matched.to_csv(tmp_path / "m.csv", dialect=dialect)
    assert not (tmp_path / "m.csv").exists()


@pytest.mark.parametrize("flag", [np.array([1.0, np.nan]), pd.DataFrame(), "yes", None])
def test_balance_flags_must_be_true_or_false(matched, flag):
    # Regression: balance(include_distance=array) and balance_table(squares=array) raised
    # "truth value of an array is ambiguous".
    with pytest.raises(EffektError, match="'include_distance' argument of balance"):
        matched.balance(include_distance=flag)
    with pytest.raises(EffektError, match="'squares' argument of balance_table"):
        matched.balance_table(squares=flag)
    with pytest.raises(EffektError, match="'interactions' argument of balance_table"):
        matched.balance_table(interactions=flag)


@pytest.mark.parametrize("value", [10**400, -(10**400)])
def test_e_value_of_an_int_beyond_the_float_range(value):
    # Regression: e_value(10**400) raised TypeError: ufunc 'isfinite' not supported.
    from effekt.matching import e_value

    with pytest.raises(EffektError, match="'estimate' argument of e_value"):
        e_value(value)
    with pytest.raises(EffektError, match="'ci_high' argument of e_value"):
        e_value(1.5, 1.1, value)


def test_e_value_needs_an_estimate():
    # Regression: e_value(None) returned an E-value of NaN without a warning or a note.
    from effekt.matching import e_value

    with pytest.raises(EffektError, match="'estimate' argument of e_value"):
        e_value(None, 1.1, 2.0)


def test_trajectory_messages_show_ids_as_values():
    # Regression: "(e.g. np.int64(20))" in the message of a panel lacking matched persons.
    rng = np.random.default_rng(3)
    n = 40
    d = pd.DataFrame({"pid": np.arange(n), "x": rng.normal(size=n), "t": np.tile([0, 1], 20)})
    m = match(d, "t", ["x"])
    panel = pd.DataFrame({"pid": np.repeat(np.arange(n), 2), "week": np.tile([1, 2], n)})
    panel["y"] = rng.integers(0, 2, 2 * n)
    with pytest.raises(EffektError, match=r"have no rows in the panel") as err:
        m.trajectory(panel[panel["pid"] < 20], "y", "pid", "week")
    assert "np.int64" not in str(err.value)


def test_effect_and_rosenbaum_bounds_need_an_outcome(matched):
    # Regression: effect(None) and rosenbaum_bounds(outcome=None or pair=None) raised KeyError.
    from effekt.matching import rosenbaum_bounds

    with pytest.raises(EffektError, match="'outcome' argument of effect"):
        matched.effect(None)
    pairs = pd.DataFrame({"s": np.repeat(np.arange(5), 2), "t": [1, 0] * 5, "y": range(10)})
    with pytest.raises(EffektError, match="'outcome' argument of rosenbaum_bounds"):
        rosenbaum_bounds(pairs, None, "t", pair="s")
    with pytest.raises(EffektError, match="'pair' argument of rosenbaum_bounds"):
        rosenbaum_bounds(pairs, "y", "t", pair=None)


@pytest.mark.parametrize("weights", [10**400, {"a": 1}, "text column"])
def test_weights_that_are_not_numbers(df, weights):
    # Regression: weights=10**400 raised OverflowError, a dict TypeError, a text cell in the
    # weights column ValueError (in weighted_effect and balance_table).
    from effekt.matching import balance_table, weighted_effect

    data = df.assign(w=1.0)
    if weights == "text column":
        data["w"] = data["w"].astype(object)
        data.loc[0, "w"] = "abc"
        weights = "w"
    with pytest.raises(EffektError, match="'weights'"):
        weighted_effect(data, "y", "t", weights)
    with pytest.raises(EffektError, match="'weights'"):
        balance_table(data, "t", ["age"], weights=weights)


@pytest.mark.parametrize("designs", [{"a": 1}, {}, pd.DataFrame(), [1]])
def test_compare_designs_refuses_what_is_no_design(df, designs):
    # Regression: designs={"a": 1} raised TypeError: 'int' object is not callable.
    from effekt.matching import compare_designs

    with pytest.raises(EffektError, match="'designs'"):
        compare_designs(df, "y", "t", ["age"], designs=designs)


@pytest.mark.parametrize("moments", [np.array([1.0, np.nan]), pd.DataFrame(), True, 3])
def test_entropy_weights_moments_is_1_or_2(df, moments):
    # Regression: moments=np.array([1, nan]) raised "truth value of an array is ambiguous".
    from effekt.matching import entropy_weights

    with pytest.raises(EffektError, match="'moments'"):
        entropy_weights(df, "t", ["age"], moments=moments)


@pytest.mark.parametrize("ratio", [10**400, 2**60])
def test_optimal_match_huge_ratio_is_refused(df, ratio):
    # Regression: ratio=10**400 raised OverflowError, 2**60 "negative dimensions".
    from effekt.matching import optimal_match

    msg = _fast(lambda: optimal_match(df, "t", ["age"], ratio=ratio))
    assert "'ratio'" in msg and "at most" in msg


@pytest.mark.parametrize("max_iter", [math.nan, 0, 1.5, 10**400, "25"])
def test_propensity_score_max_iter_is_checked(df, max_iter):
    # Regression: max_iter=nan raised TypeError: 'float' object cannot be interpreted as an
    # integer.
    from effekt.matching import propensity_score

    with pytest.raises(EffektError, match="'max_iter'"):
        propensity_score(df, "t", ["age"], max_iter=max_iter)
    assert propensity_score(df, "t", ["age"], max_iter=10_000).converged


@pytest.mark.parametrize("moments", [1, 2])
def test_entropy_weights_out_of_reach_fails_fast(df, moments):
    # Regression: a text cell in a number column (80 categories, each level held by one unit)
    # ran the entropy-balancing dual for 500 iterations (3-6 s) before refusing.
    from effekt.matching import entropy_weights

    # 80 text levels, each held by one unit (a mixed number/text column is refused earlier)
    data = df.iloc[:80].assign(age=[f"level {i}" for i in range(80)])
    start = time.perf_counter()
    with pytest.raises(EffektError, match="edge of what that group can reach"):
        entropy_weights(data, "t", ["age", "x2"], moments=moments)
    assert time.perf_counter() - start < 0.5
    w = entropy_weights(df, "t", ["age", "x2"], moments=moments)  # reachable: still balances
    c = df["t"] == 0
    assert np.average(df.loc[c, "age"], weights=w[c]) == pytest.approx(
        df.loc[~c, "age"].mean(), abs=1e-6
    )


def _with_list_cell(frame, column):
    out = frame.copy()
    values = list(out[column].astype(object))
    values[0] = [1, 2]
    out[column] = pd.Series(values, index=out.index, dtype=object)
    return out


def test_a_list_in_a_cell_is_a_column_error(df):
    # Regression: a list in a covariate cell raised TypeError: unhashable type: 'list' from
    # every design (the covariate encoder), in an 'exact' column from match(), in the pair
    # column from rosenbaum_bounds() and in the id column from trajectory().
    import effekt.matching as M
    from effekt.errors import ColumnError

    data = df.assign(g=np.where(df.index % 2, "a", "b"), pid=np.arange(len(df)))
    listed = _with_list_cell(data, "age")
    for call in (
        lambda: M.propensity_score(listed, "t", ["age"]),
        lambda: M.entropy_weights(listed, "t", ["age"]),
        lambda: M.ipw(listed, "y", "t", ["age"]),
        lambda: M.match(_with_list_cell(data, "g"), "t", ["age"], exact=["g"]),
    ):
        with pytest.raises(ColumnError, match="cannot be compared as levels"):
            call()
    pairs = pd.DataFrame({"s": np.repeat(np.arange(5), 2), "t": [1, 0] * 5, "y": range(10)})
    with pytest.raises(ColumnError, match="'s'.*cannot be compared"):
        M.rosenbaum_bounds(_with_list_cell(pairs, "s"), "y", "t", pair="s")
    m = M.match(data, "t", ["age"])
    panel = pd.DataFrame({"pid": np.arange(len(df)), "week": 1, "w": 0})
    with pytest.raises(ColumnError, match="'pid'.*cannot be compared"):
        m.trajectory(_with_list_cell(panel, "pid"), "w", "pid", "week")


# --------------------------------------------------------- minimum information (share A)


def _obs(n_treated, seed=0, n=80):
    rng = np.random.default_rng(seed)
    d = pd.DataFrame({"x1": rng.normal(size=n), "x2": rng.normal(size=n)})
    d["t"] = 0
    d.loc[: n_treated - 1, "t"] = 1
    d["z"] = d["x1"] + rng.normal(size=n)
    d["w"] = 1.0
    return d


@pytest.mark.parametrize("k", [1, 2, 4])
def test_weighted_effect_with_a_tiny_arm_gives_no_confident_answer(k):
    # Regression: weighted_effect with 2 treated gave p = 0.043 (HC1 from two units).
    from effekt.errors import SmallSampleWarning
    from effekt.matching import weighted_effect

    with pytest.warns(SmallSampleWarning, match=f"{k} unit"):
        r = weighted_effect(_obs(k), "z", "t", "w")
    assert np.isnan(r.pvalue) and np.isnan(r.ci[0]) and not r.significant
    assert "no interval or p-value" in r.summary()


def test_weighted_effect_minimum_information_boundary():
    import warnings

    from effekt.matching import weighted_effect

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        r = weighted_effect(_obs(5), "z", "t", "w")  # MIN_ARM = 5 treated: an interval
    assert np.isfinite(r.pvalue) and r.ci[0] < r.estimate < r.ci[1]


def test_constant_outcome_after_subclassification_is_not_significant():
    # Regression: subclassification with an outcome of 1 for everyone gave +0.0 pp
    # (CI +0.0 to +0.0 pp), p = 0.024.
    from effekt.errors import SmallSampleWarning

    d = _obs(30).assign(y=1)
    m = match(d, "t", ["x1", "x2"], method="subclass", subclasses=4)
    with pytest.warns(SmallSampleWarning, match="one value"):
        r = m.effect("y")
    assert r.estimate == 0 and np.isnan(r.pvalue) and not r.significant
    assert "one value in every unit" in r.summary()  # the note survives MatchedSample.effect


@pytest.mark.parametrize("k", [2, 4])
def test_nearest_match_of_a_few_treated_gives_no_confident_answer(k):
    # Regression: 2 matched pairs gave -1.07 (CI -1.13 to -1.02), p = 0.003 (t with 1 df);
    # an exact test of two pairs cannot go below p = 0.5.
    from effekt.errors import SmallSampleWarning

    m = match(_obs(k, seed=3), "t", ["x1", "x2"])
    with pytest.warns(SmallSampleWarning, match=f"{k} treated unit"):
        r = m.effect("z")
    assert np.isnan(r.pvalue) and not r.significant and np.isfinite(r.estimate)
    assert "no interval or p-value" in r.summary()


def test_nearest_match_minimum_information_boundary():
    import warnings

    m = match(_obs(5, seed=3), "t", ["x1", "x2"])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        r = m.effect("z")
    assert np.isfinite(r.pvalue) and r.ci[0] < r.estimate < r.ci[1]
