"""Intervals for one proportion and for the difference of two independent proportions."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import optimize, stats
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint

from effekt import intervals as _iv
from effekt.errors import EffektError
from effekt.intervals import (
    agresti_caffo_interval,
    clopper_pearson_interval,
    miettinen_nurminen_interval,
    miettinen_nurminen_statistic,
    newcombe_interval,
    wald_diff_interval,
    wilson_interval,
)

# Newcombe (1998), Statistics in Medicine 17:873-890, Table II: the six worked examples
# (x_t, n_t, x_c, n_c) with the 95 % limits of method 10 (hybrid score) and method 6
# (Miettinen-Nurminen score). The method-6 limits of example (d) are quoted in issue 2
# (-0.0326 to 0.1933); the other values are the table's as we recall them, and we derived
# every one independently (statsmodels for method 10, and the score-test inversion in
# test_mn_limits_invert_the_score_test for method 6): all agree to 4 decimals.
NEWCOMBE_EXAMPLES = [
    # counts,           method 10            method 6 (MN)
    ((56, 70, 48, 80), (0.0524, 0.3339), (0.0528, 0.3382)),
    ((9, 10, 3, 10), (0.1705, 0.8090), (0.1700, 0.8406)),
    ((6, 7, 2, 7), (0.0582, 0.8062), (0.0342, 0.8534)),
    ((5, 56, 0, 29), (-0.0381, 0.1926), (-0.0326, 0.1933)),
    ((0, 10, 0, 20), (-0.1611, 0.2775), (-0.1658, 0.2844)),
    ((10, 10, 0, 20), (0.6791, 1.0000), (0.7156, 1.0000)),
]


@pytest.mark.parametrize(("counts", "m10", "m6"), NEWCOMBE_EXAMPLES)
def test_newcombe_1998_worked_examples(counts, m10, m6):
    lo, hi = newcombe_interval(*counts)
    assert (round(float(lo), 4), round(float(hi), 4)) == m10  # Newcombe 1998 Table II, method 10
    lo, hi = miettinen_nurminen_interval(*counts)
    assert (round(float(lo), 4), round(float(hi), 4)) == m6  # Newcombe 1998 Table II, method 6


def _random_counts(seed: int, k: int):
    rng = np.random.default_rng(seed)
    n1 = rng.integers(1, 400, k)
    n2 = rng.integers(1, 400, k)
    x1 = rng.binomial(n1, rng.uniform(0, 1, k))
    x2 = rng.binomial(n2, rng.uniform(0, 1, k))
    # make sure the boundaries are represented
    x1[:20] = 0
    x2[10:30] = n2[10:30]
    return x1, n1, x2, n2


@pytest.mark.parametrize(
    ("ours", "sm_method"),
    [
        (wald_diff_interval, "wald"),
        (agresti_caffo_interval, "agresti-caffo"),
        (newcombe_interval, "newcomb"),
    ],
)
def test_agrees_with_statsmodels_confint_proportions_2indep(ours, sm_method):
    x1, n1, x2, n2 = _random_counts(1, 400)
    for level in (0.95, 0.9):
        lo, hi = ours(x1, n1, x2, n2, level)
        for i in range(len(x1)):
            # statsmodels: confint_proportions_2indep(..., compare="diff"); ours clipped to [-1, 1]
            ref = confint_proportions_2indep(
                x1[i], n1[i], x2[i], n2[i], method=sm_method, compare="diff", alpha=1 - level
            )
            assert lo[i] == pytest.approx(np.clip(ref[0], -1, 1), abs=1e-8)
            assert hi[i] == pytest.approx(np.clip(ref[1], -1, 1), abs=1e-8)


def test_wilson_and_clopper_pearson_agree_with_statsmodels():
    x1, n1, _, _ = _random_counts(2, 300)
    for method, ours in (("wilson", wilson_interval), ("beta", clopper_pearson_interval)):
        lo, hi = ours(x1, n1)
        ref_lo, ref_hi = proportion_confint(x1, n1, method=method)
        np.testing.assert_allclose(lo, ref_lo, atol=1e-8)
        np.testing.assert_allclose(hi, ref_hi, atol=1e-8)


def _restricted_mle_numeric(x1, n1, x2, n2, delta):
    """Independent check: maximise the binomial log-likelihood under p_t - p_c = delta."""
    lo, hi = max(0.0, delta), min(1.0, 1.0 + delta)

    def negll(pt):
        pc = pt - delta
        return -(stats.binom.logpmf(x1, n1, pt) + stats.binom.logpmf(x2, n2, pc))

    if hi - lo < 1e-12:
        return lo
    res = optimize.minimize_scalar(
        negll, bounds=(lo, hi), method="bounded", options={"xatol": 1e-12}
    )
    cands = [lo, hi, res.x]
    return min(cands, key=lambda p: negll(np.clip(p, lo, hi)) if np.isfinite(negll(p)) else np.inf)


@pytest.mark.parametrize(
    "counts", [c for c, _, _ in NEWCOMBE_EXAMPLES] + [(208, 1302, 155, 1291), (1, 3, 2, 2)]
)
@pytest.mark.parametrize("delta", [-0.6, -0.2, 0.0, 0.1, 0.45, 0.9])
def test_restricted_mle_matches_numerical_maximisation(counts, delta):
    pt, pc = _iv._restricted_mle(*(np.asarray(v, dtype=float) for v in counts), delta)
    ref = _restricted_mle_numeric(*counts, delta)
    assert float(pt) == pytest.approx(ref, abs=1e-6)
    assert float(pt - pc) == pytest.approx(delta, abs=1e-12)


def _mn_statistic_numeric(x1, n1, x2, n2, delta):
    pt = _restricted_mle_numeric(x1, n1, x2, n2, delta)
    pc = pt - delta
    N = n1 + n2
    var = (pt * (1 - pt) / n1 + pc * (1 - pc) / n2) * N / (N - 1)
    return (x1 / n1 - x2 / n2 - delta) / np.sqrt(var)


@pytest.mark.parametrize(
    "counts",
    [c for c, _, _ in NEWCOMBE_EXAMPLES]
    + [(208, 1302, 155, 1291), (91, 1302, 65, 1291), (3, 4, 1, 9)],
)
def test_mn_limits_invert_the_score_test(counts):
    """At each MN limit inside (-1, 1) the independently computed score statistic is ±z."""
    z = stats.norm.ppf(0.975)
    lo, hi = (float(v) for v in miettinen_nurminen_interval(*counts))
    d = counts[0] / counts[1] - counts[2] / counts[3]
    assert lo <= d <= hi
    if lo > -1:
        assert _mn_statistic_numeric(*counts, lo) == pytest.approx(z, abs=1e-5)
    if hi < 1:
        assert _mn_statistic_numeric(*counts, hi) == pytest.approx(-z, abs=1e-5)
    # just inside the interval the test does not reject; just outside it does
    eps = 1e-4
    inside = [v for v in (lo + eps, hi - eps) if -1 < v < 1]
    assert all(abs(float(miettinen_nurminen_statistic(*counts, v))) < z for v in inside)
    outside = [v for v in (lo - eps, hi + eps) if -1 < v < 1]
    assert all(abs(float(miettinen_nurminen_statistic(*counts, v))) > z for v in outside)


def test_mn_never_fails_on_valid_counts():
    # every table with arms of 1..12 (includes all 0/n and n/n cases), and large random ones
    grids = [np.arange(n + 1) for n in range(1, 13)]
    x1, n1, x2, n2 = [], [], [], []
    for a in range(1, 13):
        for b in range(1, 13):
            xa, xb = np.meshgrid(grids[a - 1], grids[b - 1], indexing="ij")
            x1.append(xa.ravel())
            x2.append(xb.ravel())
            n1.append(np.full(xa.size, a))
            n2.append(np.full(xa.size, b))
    rx1, rn1, rx2, rn2 = _random_counts(3, 3000)
    x1 = np.concatenate([*x1, rx1])
    n1 = np.concatenate([*n1, rn1])
    x2 = np.concatenate([*x2, rx2])
    n2 = np.concatenate([*n2, rn2])
    with np.errstate(all="raise"):
        lo, hi = miettinen_nurminen_interval(x1, n1, x2, n2)
    d = x1 / n1 - x2 / n2
    assert np.isfinite(lo).all() and np.isfinite(hi).all()
    assert (lo >= -1).all() and (hi <= 1).all()
    assert (lo <= d + 1e-12).all() and (d <= hi + 1e-12).all()
    assert (lo < hi).all()


def test_mn_statistic_at_zero_is_scaled_pearson():
    # z_MN(0)^2 = X^2 (N - 1) / N with the Pearson chi-square X^2 (Miettinen & Nurminen 1985)
    x1, n1, x2, n2 = 56, 70, 48, 80
    table = np.array([[x1, n1 - x1], [x2, n2 - x2]])
    chi2 = stats.chi2_contingency(table, correction=False)[0]
    N = n1 + n2
    assert float(miettinen_nurminen_statistic(x1, n1, x2, n2)) ** 2 == pytest.approx(
        chi2 * (N - 1) / N, rel=1e-12
    )


@settings(max_examples=60, deadline=None)
@given(
    n1=st.integers(1, 500),
    n2=st.integers(1, 500),
    f1=st.floats(0, 1),
    f2=st.floats(0, 1),
    level=st.sampled_from([0.8, 0.9, 0.95, 0.99]),
)
def test_interval_properties(n1, n2, f1, f2, level):
    x1, x2 = int(round(f1 * n1)), int(round(f2 * n2))
    d = x1 / n1 - x2 / n2
    for fn in (newcombe_interval, miettinen_nurminen_interval):
        lo, hi = (float(v) for v in fn(x1, n1, x2, n2, level))
        assert -1 <= lo <= d + 1e-12 <= hi + 2e-12 <= 1 + 2e-12
        wider = fn(x1, n1, x2, n2, min(0.999, level + 0.005))
        assert float(wider[0]) <= lo + 1e-12 and float(wider[1]) >= hi - 1e-12
    # swapping the arms mirrors the interval
    lo, hi = newcombe_interval(x1, n1, x2, n2, level)
    lo2, hi2 = newcombe_interval(x2, n2, x1, n1, level)
    assert float(lo) == pytest.approx(-float(hi2), abs=1e-12)
    lo, hi = miettinen_nurminen_interval(x1, n1, x2, n2, level)
    lo2, hi2 = miettinen_nurminen_interval(x2, n2, x1, n1, level)
    assert float(lo) == pytest.approx(-float(hi2), abs=1e-9)


_TWO = [
    _iv.wald_diff_interval,
    _iv.agresti_caffo_interval,
    _iv.newcombe_interval,
    _iv.miettinen_nurminen_interval,
]


@pytest.mark.parametrize("func", [_iv.wilson_interval, _iv.clopper_pearson_interval])
@pytest.mark.parametrize("level", [95, 0, 1, -0.5, "0.95", True])
def test_one_sample_bad_conf_level(func, level):
    # wilson_interval(1, 10, 95) used to return nan silently
    with pytest.raises(EffektError, match=rf"'conf_level' argument of {func.__name__}\(\)"):
        func(1, 10, level)


@pytest.mark.parametrize("func", [_iv.wilson_interval, _iv.clopper_pearson_interval])
@pytest.mark.parametrize(
    ("events", "n", "arg"),
    [(-1, 10, "events"), (11, 10, "events"), (1, -3, "n"), ([1, 12], [5, 10], "events")],
)
def test_one_sample_bad_counts(func, events, n, arg):
    with pytest.raises(EffektError, match=rf"'{arg}' argument of {func.__name__}\(\)"):
        func(events, n)


def test_one_sample_empty_group_gives_nan_and_stays_vectorised():
    lo, hi = _iv.wilson_interval([0, 3, 0], [10, 10, 0])
    assert lo.shape == (3,) and np.isnan(lo[2]) and np.isnan(hi[2]) and np.isfinite(lo[:2]).all()


@pytest.mark.parametrize("func", _TWO)
@pytest.mark.parametrize(
    ("counts", "arg"),
    [
        ((3, 2, 1, 5), "events_treated"),  # 3 of 2: MN returned lower > upper
        ((1, 0, 1, 5), "n_treated"),  # n = 0: newcombe divided by zero
        ((1, 5, 1, 0), "n_control"),
        ((1, 5, -1, 5), "events_control"),
        ((1, 5, 6, 5), "events_control"),
        (([1, 2], [5, 5], [1, np.nan], [5, 5]), "events_control"),
    ],
)
def test_two_sample_bad_counts(func, counts, arg):
    with pytest.raises(EffektError, match=rf"'{arg}' argument of {func.__name__}\(\)"):
        func(*counts)


@pytest.mark.parametrize("func", _TWO)
def test_two_sample_bad_conf_level(func):
    with pytest.raises(EffektError, match=rf"'conf_level' argument of {func.__name__}\(\)"):
        func(1, 10, 2, 10, 95)


def test_score_statistic_checks_inputs():
    with pytest.raises(EffektError, match="'events_treated' argument of miettinen_nurminen_stat"):
        _iv.miettinen_nurminen_statistic(3, 2, 1, 5, 0.0)
    with pytest.raises(EffektError, match="'delta' argument of miettinen_nurminen_statistic"):
        _iv.miettinen_nurminen_statistic(1, 2, 1, 5, 1.5)
    with pytest.raises(EffektError, match="'n_control' argument of miettinen_nurminen_statistic"):
        _iv.miettinen_nurminen_statistic(1, 2, 1, 0)


def test_intervals_exports_only_its_interval_functions():
    assert "restricted_mle_diff" not in dir(_iv)
    assert all(name.endswith(("_interval", "_statistic")) for name in _iv.__all__)


def test_validated_functions_stay_vectorised():
    x1 = np.arange(0, 11)
    lo, hi = _iv.newcombe_interval(x1, 10, 3, 12)
    lo2, hi2 = _iv.miettinen_nurminen_interval(x1, 10, 3, 12)
    assert lo.shape == hi.shape == lo2.shape == (11,)
    assert (lo <= hi).all() and (lo2 <= hi2).all()
