"""Matching, weighting and sensitivity under hostile input: no hang, no raw exception."""

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
