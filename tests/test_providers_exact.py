"""Issue 10: exact tests for small providers, bounded risk-adjusted rates."""

from __future__ import annotations

import itertools
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import optimize, special, stats

import effekt as ef
from effekt.errors import SmallSampleWarning
from effekt.simple_effect import _exact


def _brute_pmf(prob: np.ndarray) -> np.ndarray:
    """P(O = k) by summing over all 2^n outcomes."""
    pmf = np.zeros(prob.size + 1)
    for outcome in itertools.product((0, 1), repeat=prob.size):
        y = np.array(outcome)
        pmf[y.sum()] += np.prod(np.where(y == 1, prob, 1 - prob))
    return pmf


@pytest.mark.parametrize("n", [1, 2, 4, 7, 10, 12])
def test_poisson_binomial_matches_brute_force(n: int) -> None:
    prob = np.random.default_rng(n).uniform(0.01, 0.99, n)
    brute = _brute_pmf(prob)
    exact = _exact.poisson_binomial_pmf(prob)
    np.testing.assert_allclose(exact, brute, atol=1e-12, rtol=0)
    for o in range(n + 1):
        want = min(1.0, 2 * min(brute[: o + 1].sum(), brute[o:].sum()))
        assert abs(_exact.exact_two_sided(exact, o) - want) < 1e-12


@pytest.mark.parametrize("size", [_exact.EXACT_MAX_PARTICIPANTS + 1, 2500])
@pytest.mark.parametrize("low, high", [(0.003, 0.01), (0.02, 0.1), (0.1, 0.6), (0.5, 0.95)])
def test_saddlepoint_is_accurate_above_the_switch(size: int, low: float, high: float) -> None:
    """Above EXACT_MAX_PARTICIPANTS the saddlepoint p-value is within 0.002 of the exact one
    and within 10 % of it relatively, for every count with exact p above 1e-12 (down to
    3 expected successes)."""
    prob = np.random.default_rng(size).uniform(low, high, size)
    pmf = _exact.poisson_binomial_pmf(prob)
    counts = np.arange(size + 1)
    codes = np.repeat(counts, size)
    eta = np.tile(special.logit(prob), size + 1)
    sizes = np.full(size + 1, size)
    approx = _exact.saddlepoint_pvalues(codes, eta, counts, sizes)
    exact = np.array([_exact.exact_two_sided(pmf, o) for o in counts])
    keep = exact > 1e-12
    assert np.max(np.abs(approx - exact)[keep]) < 0.002
    assert np.max(np.abs(np.log(approx[keep] / exact[keep]))) < np.log(1.1)


def _committee_data(extra: dict[str, tuple[int, int, float]], seed: int = 0) -> pd.DataFrame:
    """39 ordinary providers (20 to 300 participants, no provider effect) plus ``extra``:
    name -> (participants, successes, linear predictor of each participant)."""
    rng = np.random.default_rng(seed)
    rows = []
    for g, n in enumerate(rng.integers(20, 300, 40 - len(extra))):
        x = rng.normal(size=n)
        y = rng.random(n) < special.expit(-1.4 + 0.5 * x)
        rows.append(pd.DataFrame({"provider": f"P{g:02d}", "x": x, "job_6m": y.astype(int)}))
    for name, (n, s, eta) in extra.items():
        x = np.full(n, (eta + 1.4) / 0.5)
        rows.append(pd.DataFrame({"provider": name, "x": x, "job_6m": [1] * s + [0] * (n - s)}))
    return pd.concat(rows, ignore_index=True)


def _row(result, name: str) -> pd.Series:
    t = result.table()
    return t.loc[t["provider"] == name].iloc[0]


def test_koekkenskolen_case() -> None:
    """4 of 4 with E = 0.78 among 40 providers is not flagged (the score test flagged it);
    1 of 1 is not flagged; 7 of 7 with E = 1.4 still is."""
    eta = float(special.logit(0.195))
    df = _committee_data(
        {"Køkkenskolen": (4, 4, eta), "Enkelt": (1, 1, eta), "Syvstjernen": (7, 7, eta)}
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = ef.simple_effect.compare_providers(df, "job_6m", "provider", ["x"])
        raw = ef.simple_effect.simple_effects(df, "job_6m", "provider")
    k = _row(res, "Køkkenskolen")
    assert k["expected"] == pytest.approx(0.78, abs=0.05)
    assert k["test"] == "exact"
    assert k["pvalue"] > 1e-3 and not k["flag"]
    assert not _row(res, "Enkelt")["flag"]
    s = _row(res, "Syvstjernen")
    assert s["expected"] == pytest.approx(1.4, abs=0.1)
    assert s["flag"] and s["direction"] == "above"
    # the exact p-value is the brute-force one under the fitted probabilities
    p_fit = k["expected"] / 4
    assert k["pvalue"] == pytest.approx(2 * p_fit**4, rel=1e-9)
    # simple_effects: Fisher's exact test at small counts
    assert not _row(raw, "Køkkenskolen")["flag"]
    assert not _row(raw, "Enkelt")["flag"]
    assert _row(raw, "Køkkenskolen")["test"] == "Fisher exact"
    r = _row(raw, "Syvstjernen")
    table = [[7, 0], [r["others_rate"] * r["others_participants"], 0]]
    table[1][1] = r["others_participants"] - table[1][0]
    want = stats.fisher_exact(np.round(np.array(table)).astype(int)).pvalue
    assert r["pvalue"] == pytest.approx(want, rel=1e-12)


def test_adjusted_rate_stays_in_unit_interval_for_koekkenskolen() -> None:
    eta = float(special.logit(0.195))
    df = _committee_data({"Køkkenskolen": (4, 4, eta)})
    for method in ("indirect", "direct"):  # SmallSampleWarning from every method
        with pytest.warns(SmallSampleWarning, match="'Køkkenskolen' \\(4 participants\\)"):
            ef.simple_effect.compare_providers(
                df, "job_6m", "provider", ["x"], method=method, warn=False
            )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SmallSampleWarning)
        res = ef.simple_effect.compare_providers(df, "job_6m", "provider", ["x"], warn=False)
    k = _row(res, "Køkkenskolen")
    assert 0 < k["ci_low"] < k["adjusted_rate"] <= k["ci_high"] <= 1
    assert k["oe"] > 4  # the O/E ratio is still there
    # an all-success provider's rate: its shift is +infinity, so the rate is 1
    assert k["adjusted_rate"] == pytest.approx(1.0)


def test_adjusted_rate_is_the_logit_shift_that_reproduces_observed() -> None:
    """Reference by root finding (scipy brentq) on the published coefficients: the shift d
    with sum over the provider of expit(eta_i + d) = O (and = the Clopper-Pearson limits of
    O for the interval), averaged over all participants."""
    df = _committee_data({"Middel": (50, 20, float(special.logit(0.3)))})
    res = ef.simple_effect.compare_providers(df, "job_6m", "provider", ["x"], warn=False)
    b0, b1 = res.coefficients.to_numpy()
    eta = b0 + b1 * (df["x"] - df["x"].mean()) / df["x"].std(ddof=0)
    own = eta[df["provider"] == "Middel"].to_numpy()
    lo, hi = stats.beta.ppf([0.025, 0.975], [20, 21], [31, 30])
    m = _row(res, "Middel")
    for target, column in [(20, "adjusted_rate"), (50 * lo, "ci_low"), (50 * hi, "ci_high")]:
        d = optimize.brentq(lambda d, t=target: special.expit(own + d).sum() - t, -20, 20)
        # abs 1e-5: the population is averaged over 4,000 equal-count bins of eta
        assert m[column] == pytest.approx(special.expit(eta + d).mean(), abs=1e-5)


@settings(max_examples=25, deadline=None)
@given(
    st.lists(st.integers(1, 30), min_size=2, max_size=6),
    st.integers(0, 10_000),
    st.floats(-4, 4),
)
def test_rates_and_limits_never_leave_unit_interval(sizes, seed, slope) -> None:
    rng = np.random.default_rng(seed)
    n = sum(sizes)
    x = rng.normal(size=n)
    df = pd.DataFrame(
        {
            "provider": np.repeat([f"P{i}" for i in range(len(sizes))], sizes),
            "x": x,
            "job_6m": (rng.random(n) < special.expit(slope * x)).astype(int),
        }
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = ef.simple_effect.compare_providers(df, "job_6m", "provider", ["x"])
        lim = ef.simple_effect.funnel_limits(
            0.5, np.arange(1, 40), overdispersion="additive", tau2=float(rng.uniform(0, 1))
        )
    t = res.table()
    for col in ["adjusted_rate", "ci_low", "ci_high", "shrunken_rate"]:
        v = t[col].to_numpy()
        assert np.all((v >= 0) & (v <= 1)), col
    assert np.all(t["ci_low"] <= t["adjusted_rate"] + 1e-12)
    assert np.all(t["adjusted_rate"] <= t["ci_high"] + 1e-12)
    v = lim.drop(columns="participants").to_numpy()
    assert np.all((v >= 0) & (v <= 1))


def test_table_pvalue_of_a_small_provider_is_the_brute_force_one() -> None:
    """A provider of 9 participants with different case mix: its p-value in the table
    equals the brute-force enumeration of all 2^9 outcomes under the fitted probabilities
    (recomputed from the published coefficients) to 1e-12."""
    rng = np.random.default_rng(11)
    df = _committee_data({})
    small = pd.DataFrame(
        {"provider": "Lille", "x": rng.normal(size=9), "job_6m": [1] * 6 + [0] * 3}
    )
    df = pd.concat([df, small], ignore_index=True)
    res = ef.simple_effect.compare_providers(df, "job_6m", "provider", ["x"], warn=False)
    b0, b1 = res.coefficients.to_numpy()
    x = df["x"].to_numpy()
    prob = special.expit(b0 + b1 * (small["x"].to_numpy() - x.mean()) / x.std())
    brute = _brute_pmf(prob)
    want = min(1.0, 2 * min(brute[:7].sum(), brute[6:].sum()))
    row = _row(res, "Lille")
    assert row["test"] == "exact"
    assert abs(row["pvalue"] - want) < 1e-12
