"""effekt.simple_effect against values computed independently in R.

Source of every expected value: tests/reference/simple_effect_reference.R (R 4.x: glm,
anova(test="Rao"), poisson.test, binom.test, prop.test, p.adjust, metafor::rma/blup,
qbinom/pbinom) run on tests/reference/simple_effect_data.csv.
"""

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from effekt import simple_effect as se
from effekt._multiplicity import adjust_pvalues

REF = Path(__file__).parent / "reference"
CASE_MIX = ["age", "benefit_group", "months_unemployed", "health_issues"]


@pytest.fixture(scope="module")
def data():
    return pd.read_csv(REF / "simple_effect_data.csv")


@pytest.fixture(scope="module")
def ref():
    return json.loads((REF / "simple_effect_reference.json").read_text())


@pytest.fixture(scope="module")
def indirect(data):
    return se.compare_providers(data, "job_6m", "provider", CASE_MIX, warn=False)


def test_expected_counts_and_oe_match_glm(indirect, ref):
    t = indirect.table()
    r = pd.DataFrame(ref["indirect"])
    # R: glm(job_6m ~ age + benefit_group + months_unemployed + health_issues, binomial);
    #    tapply(fitted, provider, sum)
    np.testing.assert_allclose(t["expected"], r["E"], rtol=1e-7)
    np.testing.assert_allclose(t["oe"], r["oe"], rtol=1e-7)
    # R's adjusted_rate is O/E x overall; effekt's adjusted_rate is the bounded logit-shift
    # rate (tests/test_providers_exact.py), the ratio form stays as oe x overall_rate
    np.testing.assert_allclose(t["oe"] * indirect.overall_rate, r["adjusted_rate"], rtol=1e-7)
    assert indirect.overall_rate == pytest.approx(ref["overall"], rel=1e-12)


def test_score_test_matches_rao(indirect, ref):
    # R: anova(m0, m1, test = "Rao") with m1 adding the provider indicator
    t = indirect.table()
    r = pd.DataFrame(ref["indirect"])
    np.testing.assert_allclose(t["statistic"] ** 2, r["score_chisq"], rtol=1e-6)
    # R: p.adjust(pchisq(score, 1, lower.tail = FALSE), "holm"); the table's p-value is now
    # the exact test, so the score p-values are adjusted here
    score_p = stats.chi2.sf(t["statistic"] ** 2, 1)
    np.testing.assert_allclose(adjust_pvalues(score_p, "holm"), r["p_holm"], rtol=1e-6)


def test_holm_runs_over_the_exact_pvalues(indirect):
    t = indirect.table()
    assert set(t["test"]) <= {"exact", "exact (calibrated)"}
    np.testing.assert_allclose(t["p_adjusted"], adjust_pvalues(t["pvalue"], "holm"), rtol=1e-12)


def test_bh_adjustment(data, ref):
    t = se.compare_providers(data, "job_6m", "provider", CASE_MIX, adjust="bh", warn=False).table()
    # R: p.adjust(pchisq(score, 1, lower.tail = FALSE), "BH")
    score_p = stats.chi2.sf(t["statistic"] ** 2, 1)
    np.testing.assert_allclose(
        adjust_pvalues(score_p, "bh"), pd.DataFrame(ref["indirect"])["p_bh"], rtol=1e-6
    )
    np.testing.assert_allclose(t["p_adjusted"], adjust_pvalues(t["pvalue"], "bh"), rtol=1e-12)


@pytest.mark.parametrize(
    "interval,cols",
    [("binomial", ("binom_low", "binom_high")), ("poisson", ("poisson_low", "poisson_high"))],
)
def test_oe_intervals(data, ref, interval, cols):
    t = se.compare_providers(
        data, "job_6m", "provider", CASE_MIX, interval=interval, warn=False
    ).table()
    r = pd.DataFrame(ref["indirect"])
    # R: binom.test(O, n)$conf.int * n / E ; poisson.test(O, E)$conf.int
    np.testing.assert_allclose(t["oe_ci_low"], r[cols[0]], rtol=1e-6)
    np.testing.assert_allclose(t["oe_ci_high"], r[cols[1]], rtol=1e-6)


def test_empirical_bayes_matches_metafor(indirect, ref):
    t = indirect.table()
    eb = ref["eb"]
    # R: metafor::rma(yi = (O-E)/n, vi = sum p(1-p)/n^2, method = "DL"); blup()
    assert indirect.tau2 == pytest.approx(eb["tau2"], rel=1e-6, abs=1e-12)
    np.testing.assert_allclose(
        t["shrunken_rate"] - indirect.overall_rate, eb["pred"], rtol=1e-6, atol=1e-12
    )
    z = 1.959963984540054
    np.testing.assert_allclose(
        (t["shrunken_ci_high"] - t["shrunken_ci_low"]) / (2 * z), eb["se"], rtol=1e-6
    )


def test_direct_standardisation_matches_glm_with_provider_effects(data, ref):
    t = se.compare_providers(
        data, "job_6m", "provider", CASE_MIX, method="direct", warn=False
    ).table()
    r = pd.DataFrame(ref["direct"])
    # R: glm(job_6m ~ 0 + provider + case mix); mean(plogis(X_g b)) over all rows; delta method
    np.testing.assert_allclose(t["direct_rate"], r["rate"], rtol=1e-6)
    z = 1.959963984540054
    lr = np.log(r["rate"] / (1 - r["rate"]))
    se_l = r["se"] / (r["rate"] * (1 - r["rate"]))
    np.testing.assert_allclose(t["direct_ci_low"], 1 / (1 + np.exp(-(lr - z * se_l))), rtol=1e-5)
    np.testing.assert_allclose(t["direct_ci_high"], 1 / (1 + np.exp(-(lr + z * se_l))), rtol=1e-5)


def test_exact_funnel_limits_match_r_interpolation(ref):
    lim = pd.DataFrame(ref["limits"])
    from effekt.simple_effect._stats import binomial_limits

    for (theta, prob), g in lim.groupby(["theta", "prob"]):
        # R: r <- qbinom(prob, n, theta);
        #    a <- (pbinom(r) - prob)/(pbinom(r) - pbinom(r-1)); (r - a)/n
        # (a rate limit below 0 is shown as 0: effekt clips limits to [0, 1])
        expected = np.clip(g["limit"].to_numpy(), 0, 1)
        np.testing.assert_allclose(
            binomial_limits(theta, g["n"].to_numpy(), prob), expected, rtol=1e-10, atol=1e-12
        )


def test_overdispersion_matches_r(data, ref):
    s = se.simple_effects(data, "job_6m", "provider").table()
    overall = data["job_6m"].mean()
    od = se.overdispersion(s["rate"], s["participants"], overall)
    # R: quantile(z, c(.1, .9), type = 7) winsorisation; phi = mean(zw^2);
    #    tau2 DerSimonian-Laird form
    assert od.phi == pytest.approx(ref["overdispersion"]["phi"], rel=1e-10)
    assert od.tau2 == pytest.approx(ref["overdispersion"]["tau2"], rel=1e-10)
    assert od.pvalue == pytest.approx(ref["overdispersion"]["pvalue"], rel=1e-8)


def test_simple_effects_pvalues_match_prop_test(data, ref):
    s = se.simple_effects(data, "job_6m", "provider").table()
    r = pd.DataFrame(ref["simple"])
    # R: prop.test(c(x, X - x), c(n, N - n), correct = FALSE)$p.value, the former test:
    # the exact p-values now in the table stay close to it at these sizes (>= 100)
    assert s["test"].eq("Fisher exact").all()
    np.testing.assert_allclose(s["pvalue"], r["pvalue"], rtol=2)
    # fisher.test's algorithm by hand: the hypergeometric probabilities of all tables with the
    # margins, summed over those no more likely than the observed one (relative tolerance 1e-7)
    total_n, total_x = s["participants"].sum(), s["successes"].sum()
    for _, row in s.iterrows():
        h = stats.hypergeom(total_n, total_x, row["participants"])
        support = np.arange(0, row["participants"] + 1)
        pmf = h.pmf(support)
        want = pmf[pmf <= h.pmf(row["successes"]) * (1 + 1e-7)].sum()
        assert row["pvalue"] == pytest.approx(want, rel=1e-9)
    np.testing.assert_allclose(s["p_adjusted"], adjust_pvalues(s["pvalue"], "holm"), rtol=1e-12)


def test_against_target_matches_binom_test(data, ref):
    t = se.against_target(data, "job_6m", "provider", 0.30).table()
    r = pd.DataFrame(ref["target"])
    # R: binom.test(O, n, p = 0.30)
    np.testing.assert_allclose(t["pvalue"], r["pvalue"], rtol=1e-7)
    np.testing.assert_allclose(t["ci_low"], r["ci_low"], rtol=1e-7)
    np.testing.assert_allclose(t["ci_high"], r["ci_high"], rtol=1e-7)


def test_calibrated_exact_pvalues_agree_with_rao_at_large_counts(indirect, ref):
    """Where at least 50 successes and 50 failures are expected the normal approximation is
    good, so the calibrated exact p-value lands near R's Rao score p-value (within a factor
    of 1.6; the exact test is the more conservative: it counts the observed count's own
    probability in the tail)."""
    t = indirect.table()
    rao = stats.chi2.sf(pd.DataFrame(ref["indirect"])["score_chisq"], 1)
    big = ((t["expected"] >= 50) & (t["participants"] - t["expected"] >= 50)).to_numpy()
    assert big.sum() >= 4
    ratio = t["pvalue"].to_numpy()[big] / rao[big]
    assert np.all((ratio > 0.9) & (ratio < 1.6))
