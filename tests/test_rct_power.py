"""power, sample_size and minimum_detectable_effect against R, statsmodels and simulation."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from statsmodels.stats.power import NormalIndPower, TTestIndPower
from statsmodels.stats.proportion import power_proportions_2indep, proportion_effectsize

from effekt import rct
from effekt.errors import EffektError


@pytest.fixture(scope="module")
def ref() -> pd.Series:
    # Produced by tests/reference/rct_means.R (power.prop.test / power.t.test, strict = TRUE).
    return pd.read_csv(Path(__file__).parent / "reference" / "rct_means_values.csv").set_index(
        "name"
    )["value"]


# --------------------------------------------------------------------------- R


def test_proportions_power_matches_r(ref):
    # R: power.prop.test(n = 1300, p1 = 0.12, p2 = 0.16, strict = TRUE)
    assert rct.power(p_control=0.12, effect=0.04, n_treated=1300).power == pytest.approx(
        ref["pp_power_mentor"], rel=1e-10
    )
    # R: power.prop.test(n = 150, p1 = 0.30, p2 = 0.45, sig.level = 0.01, strict = TRUE)
    r = rct.power(p_control=0.30, effect=0.15, n_treated=150, alpha=0.01)
    assert r.power == pytest.approx(ref["pp_power_small"], rel=1e-10)


def test_proportions_sample_size_matches_r(ref):
    # R: power.prop.test(p1 = 0.12, p2 = 0.16, power = 0.8, strict = TRUE)$n, rounded up
    r = rct.sample_size(p_control=0.12, effect=0.04, power=0.8)
    assert r.n_treated == r.n_control == math.ceil(ref["pp_n_80"])
    assert r.power >= 0.8
    assert rct.power(p_control=0.12, effect=0.04, n_treated=r.n_treated - 1).power < 0.8
    # R: power.prop.test(p1 = 0.465, p2 = 0.60, power = 0.9, strict = TRUE)$n (IPS: 46.5 % vs 60 %)
    assert rct.sample_size(p_control=0.465, effect=0.135, power=0.9).n_treated == math.ceil(
        ref["pp_n_90"]
    )


def test_proportions_mde_matches_r(ref):
    # R: power.prop.test(n = 1300, p1 = 0.12, power = 0.8, strict = TRUE)$p2
    r = rct.minimum_detectable_effect(p_control=0.12, n_treated=1300, power=0.8)
    # R solves with uniroot(tol = .Machine$double.eps^0.25 ~ 1.2e-4), so agree to that tolerance
    assert 0.12 + r.effect == pytest.approx(ref["pp_p2_mde"], abs=1.2e-4)
    assert r.power == pytest.approx(0.8, abs=1e-8)


def test_means_match_r(ref):
    # R: power.t.test(n = 300, delta = 1, sd = 6, strict = TRUE)$power
    assert rct.power(sd=6, effect=1, n_treated=300).power == pytest.approx(
        ref["pt_power"], rel=1e-8
    )
    # R: power.t.test(n = 12, delta = 5, sd = 6, sig.level = 0.1, strict = TRUE)$power
    assert rct.power(sd=6, effect=5, n_treated=12, alpha=0.1).power == pytest.approx(
        ref["pt_power_small"], rel=1e-8
    )
    # R: power.t.test(delta = 2, sd = 6, power = 0.9)$n and
    #    power.t.test(delta = 1, sd = 1, power = 0.8)$n, rounded up
    assert rct.sample_size(sd=6, effect=2, power=0.9).n_treated == math.ceil(ref["pt_n_90"])
    assert rct.sample_size(sd=1, effect=1, power=0.8).n_treated == math.ceil(ref["pt_n_80_small"])
    # R: power.t.test(n = 2400, sd = 6, power = 0.8, strict = TRUE)$delta
    # (R's uniroot tolerance is ~1.2e-4; ours solves to 1e-12)
    mde = rct.minimum_detectable_effect(sd=6, n_treated=2400)
    assert mde.effect == pytest.approx(ref["pt_delta_mde"], abs=1.2e-4)
    assert mde.power == pytest.approx(0.8, abs=1e-9)


# --------------------------------------------------------------------------- statsmodels


@pytest.mark.parametrize(
    ("p_c", "d", "n_t", "n_c", "alpha"),
    [
        (0.12, 0.04, 1302, 1291, 0.05),
        (0.07, 0.05, 400, 800, 0.05),
        (0.465, -0.1, 239, 481, 0.01),
        (0.5, 0.2, 30, 25, 0.1),
    ],
)
def test_proportions_match_statsmodels_power_proportions_2indep(p_c, d, n_t, n_c, alpha):
    # statsmodels: pooled null variance, unpooled alternative variance, both tails
    ref = power_proportions_2indep(d, p_c, n_t, ratio=n_c / n_t, alpha=alpha, return_results=False)
    ours = rct.power(p_control=p_c, effect=d, n_treated=n_t, n_control=n_c, alpha=alpha).power
    assert ours == pytest.approx(ref, rel=1e-10)
    # Cohen's arcsine h approximation (NormalIndPower) is close but not identical.
    h = proportion_effectsize(p_c + d, p_c)
    approx = NormalIndPower().power(h, n_t, alpha, ratio=n_c / n_t)
    assert ours == pytest.approx(approx, abs=0.02)


@pytest.mark.parametrize(
    ("d", "sd", "n_t", "n_c", "alpha"),
    [(1.0, 6.0, 300, 300, 0.05), (2.0, 7.5, 50, 120, 0.01), (0.3, 1.0, 8, 5, 0.1)],
)
def test_means_match_statsmodels_ttestindpower(d, sd, n_t, n_c, alpha):
    ref = TTestIndPower().power(d / sd, n_t, alpha, ratio=n_c / n_t)
    assert rct.power(
        sd=sd, effect=d, n_treated=n_t, n_control=n_c, alpha=alpha
    ).power == pytest.approx(ref, rel=1e-8)
    n = rct.sample_size(sd=sd, effect=d, power=0.8, alpha=alpha, ratio=2.0)
    cont = TTestIndPower().solve_power(d / sd, power=0.8, alpha=alpha, ratio=2.0)
    assert n.n_treated == math.ceil(cont - 1e-6) and n.n_control == math.ceil(2 * n.n_treated)


def test_ratio_and_direction():
    r = rct.sample_size(p_control=0.12, effect=0.04, ratio=2)
    assert r.n_control == math.ceil(2 * r.n_treated)
    up = rct.minimum_detectable_effect(p_control=0.12, n_treated=1300)
    down = rct.minimum_detectable_effect(p_control=0.12, n_treated=1300, direction="decrease")
    assert up.effect > 0 > down.effect
    assert abs(down.effect) < up.effect  # variance is smaller below 12 % than above


# --------------------------------------------------------------------------- design effect


def test_design_effect_divides_the_sample_size():
    base = rct.power(p_control=0.12, effect=0.04, n_treated=1300 / 1.49)
    clustered = rct.power(p_control=0.12, effect=0.04, n_treated=1300, icc=0.01, cluster_size=50)
    assert clustered.design_effect == pytest.approx(1.49)
    assert clustered.power == pytest.approx(base.power, rel=1e-12)
    assert clustered.clusters_treated == 26


def test_clustered_sample_size_is_whole_clusters():
    r = rct.sample_size(p_control=0.12, effect=0.04, icc=0.01, cluster_size=40)
    plain = rct.sample_size(p_control=0.12, effect=0.04)
    assert r.n_treated % 40 == 0 and r.clusters_treated == r.n_treated / 40
    assert r.n_treated >= 1.39 * plain.n_treated - 40
    less = rct.power(
        p_control=0.12, effect=0.04, n_treated=r.n_treated - 40, icc=0.01, cluster_size=40
    )
    assert less.power < 0.8 <= r.power
    assert "design effect 1.39" in r.summary()


def test_result_frame():
    f = rct.power(sd=6, effect=1, n_treated=300).to_frame()
    assert f.loc[0, "kind"] == "means" and f.loc[0, "n_total"] == 600


# --------------------------------------------------------------------------- simulation


def test_proportions_power_simulation():
    # 40,000 seeded trials analysed with the chi-square (pooled z) test: empirical power
    # matches the formula within 3 Monte Carlo standard errors.
    rng = np.random.default_rng(5)
    reps, n_t, n_c, p_c, d = 40_000, 500, 450, 0.12, 0.05
    x_t = rng.binomial(n_t, p_c + d, reps)
    x_c = rng.binomial(n_c, p_c, reps)
    pbar = (x_t + x_c) / (n_t + n_c)
    z = (x_t / n_t - x_c / n_c) / np.sqrt(pbar * (1 - pbar) * (1 / n_t + 1 / n_c))
    empirical = np.mean(np.abs(z) > stats.norm.isf(0.025))
    theory = rct.power(p_control=p_c, effect=d, n_treated=n_t, n_control=n_c).power
    assert abs(empirical - theory) < 3 * math.sqrt(theory * (1 - theory) / reps)


def test_means_power_simulation():
    # Normal outcomes via sufficient statistics (means ~ normal, variances ~ chi-square)
    # analysed with the pooled two-sample t test.
    rng = np.random.default_rng(6)
    reps, n_t, n_c, sd, d = 40_000, 40, 30, 6.0, 3.0
    m_t = rng.normal(d, sd / math.sqrt(n_t), reps)
    m_c = rng.normal(0, sd / math.sqrt(n_c), reps)
    ss = sd**2 * (rng.chisquare(n_t - 1, reps) + rng.chisquare(n_c - 1, reps))
    sp2 = ss / (n_t + n_c - 2)
    t = (m_t - m_c) / np.sqrt(sp2 * (1 / n_t + 1 / n_c))
    empirical = np.mean(np.abs(t) > stats.t.isf(0.025, n_t + n_c - 2))
    theory = rct.power(sd=sd, effect=d, n_treated=n_t, n_control=n_c).power
    assert abs(empirical - theory) < 3 * math.sqrt(theory * (1 - theory) / reps)


def test_cluster_design_effect_simulation():
    # Cluster-randomised trials: 15 clusters of 40 per arm, cluster probabilities
    # Beta-distributed with ICC 0.03 (the synthetic.rct DGP), analysed with a z test whose
    # variance is inflated by the *true* design effect. Empirical power matches the formula.
    rng = np.random.default_rng(7)
    reps, k, m, icc, p_c, d = 20_000, 15, 40, 0.03, 0.2, 0.08
    scale = 1 / icc - 1

    def arm(p: float) -> np.ndarray:
        pg = rng.beta(p * scale, (1 - p) * scale, (reps, k))
        return rng.binomial(m, pg).sum(axis=1) / (k * m)

    s_t, s_c = arm(p_c + d), arm(p_c)
    deff = 1 + (m - 1) * icc
    pbar = (s_t + s_c) / 2
    z = (s_t - s_c) / np.sqrt(deff * pbar * (1 - pbar) * 2 / (k * m))
    empirical = np.mean(np.abs(z) > 1.959964)
    theory = rct.power(p_control=p_c, effect=d, n_treated=k * m, icc=icc, cluster_size=m).power
    assert abs(empirical - theory) < 0.02
    # Ignoring the clustering would promise far more power than the trial has.
    naive = rct.power(p_control=p_c, effect=d, n_treated=k * m).power
    assert naive > theory + 0.15


# --------------------------------------------------------------------------- bad input

GOOD = {"p_control": 0.12, "effect": 0.04, "n_treated": 1300}
BAD_POWER = [
    ({"alpha": 0}, "alpha"),
    ({"alpha": 1}, "alpha"),
    ({"alpha": 1.5}, "alpha"),
    ({"icc": -0.1}, "icc"),
    ({"icc": 1.0}, "icc"),
    ({"cluster_size": 0.5}, "cluster_size"),
    ({"sd": 5.0}, "exactly one of"),
    ({"p_control": None}, "exactly one of"),
    ({"effect": 0.0}, "effect"),
    ({"effect": 0.95}, "effect"),
    ({"p_control": 0.0}, "p_control"),
    ({"p_control": 1.0}, "p_control"),
    ({"p_control": 12.0}, "p_control"),
    ({"n_treated": 0}, "n_treated"),
    ({"n_treated": 1}, "n_treated"),
    ({"n_control": -5}, "n_control"),
    ({"effect": "4 pp"}, "effect"),
]


@pytest.mark.parametrize(("change", "match"), BAD_POWER)
def test_power_bad_input(change, match):
    with pytest.raises(EffektError, match=match):
        rct.power(**{**GOOD, **change})


@pytest.mark.parametrize(
    ("change", "match"),
    [
        ({"power": 0}, "'power'"),
        ({"power": 1}, "'power'"),
        ({"power": 1.2}, "'power'"),
        ({"power": 0.04}, "larger than alpha"),
        ({"ratio": 0}, "ratio"),
        ({"sd": 0, "p_control": None}, "'sd'"),
        ({"sd": -1, "p_control": None}, "'sd'"),
        ({"icc": 1.5}, "icc"),
        ({"cluster_size": 7.5, "icc": 0.05}, "'cluster_size' argument of sample_size"),
    ],
)
def test_sample_size_bad_input(change, match):
    with pytest.raises(EffektError, match=match):
        rct.sample_size(**{"p_control": 0.12, "effect": 0.04, **change})


@pytest.mark.parametrize(
    ("change", "match"),
    [
        ({"power": -0.2}, "'power'"),
        ({"direction": "up"}, "direction"),
        ({"n_treated": 3}, "too small"),
        ({"alpha": 0.0}, "alpha"),
        ({"sd": 1.0, "p_control": None, "cluster_size": 500, "n_treated": 400}, "clusters"),
    ],
)
def test_mde_bad_input(change, match):
    with pytest.raises(EffektError, match=match):
        rct.minimum_detectable_effect(**{"p_control": 0.12, "n_treated": 1300, **change})


def test_means_with_too_few_clusters():
    with pytest.raises(EffektError, match="two clusters"):
        rct.power(sd=1.0, effect=0.5, n_treated=40, cluster_size=40, icc=0.1)


@pytest.mark.parametrize("dfree", [1, 2, 3])
@pytest.mark.parametrize("ncp", [5.0, 8.0, 10.0, 12.0, 15.0, 20.0])
def test_means_power_few_clusters_far_tail_is_finite(dfree, ncp):
    # Few clusters (df = clusters - 2 <= 3) and a large noncentrality made scipy's
    # nct.cdf(-crit, df, ncp) return NaN; the power must be finite and equal to the
    # two-tail sum P(T > crit) + P(T < -crit) computed from the survival function.
    m, icc = 20, 0.05
    clusters = dfree + 2
    n = clusters * m / 2
    deff = 1 + (m - 1) * icc
    effect = ncp * math.sqrt(deff * 2 / n)
    r = rct.power(sd=1.0, effect=effect, n_treated=n, cluster_size=m, icc=icc)
    crit = stats.t.isf(0.025, dfree)
    expected = stats.nct.sf(crit, dfree, ncp) + stats.nct.sf(crit, dfree, -ncp)
    assert np.isfinite(r.power)
    assert r.power == pytest.approx(expected, rel=1e-12)
    # symmetric in the sign of the effect
    assert rct.power(sd=1.0, effect=-effect, n_treated=n, cluster_size=m, icc=icc).power == (
        pytest.approx(r.power, rel=1e-12)
    )


@pytest.mark.parametrize(
    ("n_treated", "cluster_size", "icc"), [(30, 20, 0.05), (45, 30, 0.05), (100, 50, 0.02)]
)
def test_means_mde_and_sample_size_with_few_clusters(n_treated, cluster_size, icc):
    # These raised scipy ValueErrors ("function value ... is NaN") before the fix.
    r = rct.minimum_detectable_effect(
        sd=1.0, n_treated=n_treated, cluster_size=cluster_size, icc=icc
    )
    assert np.isfinite(r.effect) and r.power == pytest.approx(0.8, abs=1e-6)
    p = rct.power(sd=1.0, effect=r.effect, n_treated=n_treated, cluster_size=cluster_size, icc=icc)
    assert p.power == pytest.approx(0.8, abs=1e-6)
    s = rct.sample_size(sd=1.0, effect=r.effect, cluster_size=cluster_size, icc=icc)
    assert s.power >= 0.8
    assert s.n_treated <= math.ceil(n_treated / cluster_size) * cluster_size


def test_power_result_renders_the_solved_quantity_first():
    r = rct.sample_size(p_control=0.12, effect=0.04, icc=0.01, cluster_size=40)
    frame = r._html_frame()
    assert frame["quantity"].iloc[0] == "sample size"
    assert frame["value"].iloc[0] == "1,680 treated + 1,680 control"
    assert "design effect" in frame["quantity"].tolist()
    assert "<table" in r._repr_html_() and str(r) == r.summary()
