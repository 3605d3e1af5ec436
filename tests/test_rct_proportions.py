"""effekt.rct proportions: counts, rows, strata, clusters, covariates, rounded shares."""

from __future__ import annotations

import copy
import math
import warnings
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import stats
from statsmodels.stats import proportion as smprop
from statsmodels.stats.proportion import confint_proportions_2indep

from effekt import rct
from effekt.errors import (
    ColumnError,
    DroppedRowsWarning,
    EffektError,
    MissingValueError,
    SmallSampleWarning,
)
from effekt.intervals import newcombe_interval, wald_diff_interval
from effekt.rct import proportions as P

REF = Path(__file__).parent / "reference"
METHODS = ["newcombe", "wald", "agresti-caffo", "score"]


@pytest.fixture(scope="module")
def r2x2() -> pd.DataFrame:
    return pd.read_csv(REF / "rct_proportions_2x2.csv")


@pytest.fixture(scope="module")
def adjusted_ref() -> pd.DataFrame:
    return pd.read_csv(REF / "rct_proportions_adjusted.csv").set_index("analysis")


@pytest.fixture(scope="module")
def indiv() -> pd.DataFrame:
    return pd.read_csv(REF / "rct_proportions_data_indiv.csv")


@pytest.fixture(scope="module")
def clustered() -> pd.DataFrame:
    return pd.read_csv(REF / "rct_proportions_data_cluster.csv")


def rows(x1: int, n1: int, x2: int, n2: int) -> pd.DataFrame:
    """Individual rows reproducing the counts."""
    return pd.DataFrame(
        {
            "t": np.repeat([1, 0], [n1, n2]),
            "y": np.r_[np.repeat([1, 0], [x1, n1 - x1]), np.repeat([1, 0], [x2, n2 - x2])],
        }
    )


# ------------------------------------------------------------------------------------------
# p-values against R
# ------------------------------------------------------------------------------------------


def test_chisquare_and_fisher_pvalues_agree_with_r(r2x2, monkeypatch):
    monkeypatch.setattr(P, "BOSCHLOO_MAX_PRODUCT", 0)  # Fisher only: keep the test fast
    for row in r2x2.itertuples():
        r = rct.difference_in_proportions_from_counts(
            row.x1, row.n1, row.x2, row.n2, exact_test=True
        )
        # R: prop.test(c(x1, x2), c(n1, n2), correct = FALSE)$p.value
        assert r.pvalue == pytest.approx(row.chisq_p, rel=1e-6, abs=1e-12)
        # R: prop.test(...)$statistic (X^2 = z^2)
        assert r.statistic**2 == pytest.approx(row.chisq_stat, rel=1e-8)
        # R: fisher.test(matrix(c(x1, n1 - x1, x2, n2 - x2), 2, byrow = TRUE))$p.value
        assert r.extra["pvalue_fisher"] == pytest.approx(row.fisher_p, rel=1e-6, abs=1e-12)
        assert np.isnan(r.extra["pvalue_boschloo"]) and "Boschloo" in r.notes[0]


def test_score_statistic_is_scaled_pearson(r2x2):
    for row in r2x2.itertuples():
        r = rct.difference_in_proportions_from_counts(
            row.x1, row.n1, row.x2, row.n2, method="score"
        )
        N = row.n1 + row.n2
        # Miettinen & Nurminen (1985): z_MN(0)^2 = X^2 (N - 1)/N,
        # X^2 from R prop.test(correct = FALSE)
        assert r.statistic**2 == pytest.approx(row.chisq_stat * (N - 1) / N, rel=1e-8)


@pytest.mark.parametrize("method", ["wald", "agresti-caffo", "score"])
def test_pvalues_agree_with_statsmodels(method):
    rng = np.random.default_rng(11)
    for _ in range(100):
        n1, n2 = rng.integers(20, 300, 2)
        x1, x2 = rng.binomial(n1, 0.4), rng.binomial(n2, 0.3)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", SmallSampleWarning)
            r = rct.difference_in_proportions_from_counts(
                int(x1), int(n1), int(x2), int(n2), method=method
            )
        # statsmodels: test_proportions_2indep(..., compare="diff", correction=True)
        ref = smprop.test_proportions_2indep(
            x1, n1, x2, n2, method=method, compare="diff", correction=True
        )
        assert r.pvalue == pytest.approx(ref.pvalue, rel=1e-7, abs=1e-14)
        assert r.statistic == pytest.approx(ref.statistic, rel=1e-7)


def test_relative_change_katz_interval_agrees_with_statsmodels():
    for counts in [(208, 1302, 155, 1291), (91, 1302, 65, 1291), (9, 10, 3, 10), (1, 40, 7, 35)]:
        r = rct.difference_in_proportions_from_counts(*counts)
        # statsmodels: confint_proportions_2indep(..., compare="ratio", method="log") (Katz)
        lo, hi = confint_proportions_2indep(*counts, compare="ratio", method="log")
        assert r.relative_change == pytest.approx(
            counts[0] / counts[1] / (counts[2] / counts[3]) - 1
        )
        assert r.relative_change_ci[0] == pytest.approx(lo - 1, rel=1e-10)
        assert r.relative_change_ci[1] == pytest.approx(hi - 1, rel=1e-10)
    assert rct.difference_in_proportions_from_counts(3, 10, 0, 10).relative_change is None
    r0 = rct.difference_in_proportions_from_counts(0, 10, 3, 10)
    assert r0.relative_change == -1 and r0.relative_change_ci is None


def test_exact_pvalues():
    r = rct.difference_in_proportions_from_counts(9, 10, 3, 10, exact_test=True)
    table = [[9, 1], [3, 7]]
    assert r.extra["pvalue_fisher"] == pytest.approx(stats.fisher_exact(table).pvalue)
    assert r.extra["pvalue_boschloo"] == pytest.approx(stats.boschloo_exact(table).pvalue)
    # Boschloo's test uses Fisher's p as its statistic and is never less powerful
    assert r.extra["pvalue_boschloo"] <= r.extra["pvalue_fisher"]
    assert "boschloo exact test" in r.summary()
    assert {"pvalue_fisher", "pvalue_boschloo"} <= set(r.to_frame().columns)
    # up to the cap (n_t * n_c <= 250,000) Boschloo is computed
    assert P.BOSCHLOO_MAX_PRODUCT == 250_000
    mid = rct.difference_in_proportions_from_counts(30, 400, 15, 600, exact_test=True)
    assert 0 < mid.extra["pvalue_boschloo"] <= mid.extra["pvalue_fisher"]
    # large arms: Boschloo is skipped with a note (it would take minutes), Fisher is kept
    big = rct.difference_in_proportions_from_counts(208, 1302, 155, 1291, exact_test=True)
    assert np.isnan(big.extra["pvalue_boschloo"])
    assert "skipped" in big.notes[0]
    assert big.extra["pvalue_fisher"] == pytest.approx(
        0.00386726267565111, rel=1e-6
    )  # R: fisher.test


# ------------------------------------------------------------------------------------------
# The Mentor trial (Mentorforsøget, docs/studies.md §1.1)
# ------------------------------------------------------------------------------------------


def test_mentor_from_counts():
    edu = rct.difference_in_proportions_from_counts(208, 1302, 155, 1291)
    assert round(edu.mean_treated, 3) == 0.160 and round(edu.mean_control, 3) == 0.120
    assert edu.estimate == pytest.approx(208 / 1302 - 155 / 1291)
    assert edu.ci == pytest.approx(tuple(float(v) for v in newcombe_interval(208, 1302, 155, 1291)))
    assert edu.pvalue == pytest.approx(
        0.00358517512581739, rel=1e-6
    )  # R: prop.test(c(208,155), c(1302,1291), correct=FALSE)
    assert edu.significant and edu.pvalue < 0.05
    assert "+4.0 pp" in edu.summary() and "1,302" in edu.summary()


def test_mentor_significance_claims_from_reported_shares():
    # "education 16 % vs 12 % (significant), a 30 % rise"
    edu = rct.from_reported_shares(0.16, 1302, 0.12, 1291, reported_relative_change=0.30)
    assert edu.events_treated_range == (202, 214)
    assert edu.events_control_range == (149, 161)
    assert edu.significant_for_all  # the note's claim holds whatever the unrounded counts were
    assert edu.pvalue_range[1] < 0.05 and edu.ci[0] > 0
    # 16/12 would be +33 %, yet "30 %" is what some consistent counts give: the claim is consistent
    assert edu.relative_change_consistent is True
    assert edu.relative_change_range[0] < 0.295 < 0.305 < edu.relative_change_range[1]
    frame = edu.to_frame()
    assert frame["relative_change_matches"].any()
    match = frame[frame["relative_change_matches"]]
    assert ((match["relative_change"] >= 0.295) & (match["relative_change"] < 0.305)).all()
    # a 60 % rise is not consistent with 16 % vs 12 %
    assert (
        rct.from_reported_shares(
            0.16, 1302, 0.12, 1291, reported_relative_change=0.6
        ).relative_change_consistent
        is False
    )

    # "job ~7 % vs ~5 % (significant), a 40 % rise": consistent, not implied by the rounded shares
    job = rct.from_reported_shares(0.07, 1302, 0.05, 1291, reported_relative_change=0.40)
    assert job.events_treated_range == (85, 97) and job.events_control_range == (59, 71)
    assert job.significant_for_any and not job.significant_for_all
    assert job.relative_change_consistent is True
    assert "some consistent count pairs only" in job.summary()


def test_reported_shares_ranges_cover_half_up_and_half_even_rounding():
    for share, n, decimals in [
        (0.16, 1302, 0),
        (0.12, 1291, 0),
        (0.465, 400, 1),
        (0.464, 239, 1),
        (0.0, 50, 0),
        (1.0, 37, 0),
        (0.073, 2593, 1),
    ]:
        res = rct.from_reported_shares(share, n, 0.5, 10, decimals=decimals)
        pct = Decimal(str(share * 100)).quantize(Decimal(1).scaleb(-decimals))
        ok = [
            e
            for e in range(n + 1)
            if any(
                (Decimal(100 * e) / Decimal(n)).quantize(Decimal(1).scaleb(-decimals), rounding=r)
                == pct
                for r in (ROUND_HALF_UP, ROUND_HALF_EVEN)
            )
        ]
        assert res.events_treated_range == (min(ok), max(ok))
        assert list(range(min(ok), max(ok) + 1)) == ok


def test_reported_shares_grid_equals_pairwise_counts():
    res = rct.from_reported_shares(0.3, 40, 0.2, 45, method="score")
    frame = res.to_frame()
    assert (
        len(frame)
        == res.n_pairs
        == (res.events_treated_range[1] - res.events_treated_range[0] + 1)
        * (res.events_control_range[1] - res.events_control_range[0] + 1)
    )
    for row in frame.itertuples():
        r = rct.difference_in_proportions_from_counts(
            int(row.events_treated), 40, int(row.events_control), 45, method="score"
        )
        assert (row.ci_low, row.ci_high, row.pvalue) == pytest.approx((*r.ci, r.pvalue), abs=1e-12)
    assert res.ci == (frame["ci_low"].min(), frame["ci_high"].max())
    assert res.pvalue_range == (frame["pvalue"].min(), frame["pvalue"].max())
    assert "consistent events" in res.summary()


def test_reported_shares_with_decimals_and_wald_warning():
    res = rct.from_reported_shares(0.601, 481, 0.464, 239, decimals=1)
    assert res.significant_for_all
    with pytest.warns(SmallSampleWarning):
        rct.from_reported_shares(0.03, 40, 0.0, 40, method="wald")
    res0 = rct.from_reported_shares(0.03, 40, 0.0, 40)
    assert np.isnan(res0.relative_change_range[0])


# ------------------------------------------------------------------------------------------
# From rows
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("counts", [(208, 1302, 155, 1291), (5, 56, 0, 29), (9, 10, 3, 10)])
def test_rows_reduce_to_counts(method, counts):
    df = rows(*counts)
    before = copy.deepcopy(df)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SmallSampleWarning)
        a = rct.difference_in_proportions(df, "y", "t", method=method)
        b = rct.difference_in_proportions_from_counts(*counts, method=method)
    assert (a.estimate, *a.ci, a.pvalue) == pytest.approx((b.estimate, *b.ci, b.pvalue), abs=1e-14)
    assert (a.n_treated, a.n_control) == (counts[1], counts[3])
    assert a.outcome == "y"
    pd.testing.assert_frame_equal(df, before)


def test_labels_bool_outcome_and_missing_drop():
    df = rows(20, 100, 10, 100)
    df["arm"] = np.where(df["t"] == 1, "mentor", "control")
    df["yb"] = df["y"].astype(bool)
    a = rct.difference_in_proportions(df, "yb", "arm", treated_value="mentor")
    assert a.estimate == pytest.approx(0.10)
    flipped = rct.difference_in_proportions(df, "y", "arm", treated_value="control")
    assert flipped.estimate == pytest.approx(-0.10)
    df.loc[[0, 150], "y"] = np.nan
    before = copy.deepcopy(df)
    with pytest.warns(DroppedRowsWarning, match="2 of 200"):
        d = rct.difference_in_proportions(df, "y", "t", missing="drop")
    assert (d.n_treated, d.n_control) == (99, 99)
    pd.testing.assert_frame_equal(df, before)


def test_wald_small_sample_warning():
    with pytest.warns(SmallSampleWarning, match="Wald"):
        rct.difference_in_proportions_from_counts(3, 20, 1, 20, method="wald")
    with pytest.warns(SmallSampleWarning):
        rct.difference_in_proportions_from_counts(50, 100, 0, 100, method="wald")
    # Newcombe needs no warning at small counts
    r = rct.difference_in_proportions_from_counts(3, 20, 1, 20)
    assert r.ci[0] < 0 < r.ci[1]


def test_all_same_outcome_gives_p_one():
    for counts in [(0, 10, 0, 20), (10, 10, 20, 20)]:
        for method in ["newcombe", "score", "wald"]:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", SmallSampleWarning)
                r = rct.difference_in_proportions_from_counts(*counts, method=method)
            assert r.estimate == 0 and r.pvalue == 1.0
            assert r.ci[0] < 0 < r.ci[1] or method == "wald"  # Wald collapses to (0, 0)
        # Agresti-Caffo tests its adjusted difference, which is not 0 for unequal arms
        assert (
            rct.difference_in_proportions_from_counts(*counts, method="agresti-caffo").pvalue > 0.5
        )


# ------------------------------------------------------------------------------------------
# Strata, clusters and covariates against R (tests/reference/rct_proportions.R)
# ------------------------------------------------------------------------------------------


def _adjusted_runs(indiv, clustered):
    unbal = indiv[~((indiv["treat"] == 1) & (indiv["age"] < 22))]
    f = rct.difference_in_proportions
    return {
        # R: epiR::epi.2by2(...)$massoc.detail$ARisk.mh.sato and RR.mh.wald
        "mh_centre": f(indiv, "y", "treat", strata="centre"),
        "mh_block": f(indiv, "y", "treat", strata="block"),
        "mh_centre_unbal": f(unbal, "y", "treat", strata="centre"),
        "mh_region": f(clustered, "y", "treat", strata="region"),
        # R: clubSandwich::coef_test(lm(...), vcov = "CR2", test = "naive-t") and conf_int()
        "cr2": f(clustered, "y", "treat", cluster="municipality"),
        "cr2_strata": f(clustered, "y", "treat", cluster="municipality", strata="region"),
        "cr2_lin": f(
            clustered, "y", "treat", cluster="municipality", covariates=["age", "benefit"]
        ),
        # R: estimatr::lm_lin(y ~ treat, covariates = ~ ..., se_type = "HC2")
        "lin_hc2": f(indiv, "y", "treat", covariates=["age", "female", "grade", "benefit"]),
        "lin_hc2_strata": f(indiv, "y", "treat", covariates="grade", strata="centre"),
    }


def test_adjusted_estimates_agree_with_r(indiv, clustered, adjusted_ref):
    before = (copy.deepcopy(indiv), copy.deepcopy(clustered))
    runs = _adjusted_runs(indiv, clustered)
    for name, r in runs.items():
        ref = adjusted_ref.loc[name]
        got = (r.estimate, r.std_error, r.ci[0], r.ci[1], r.pvalue)
        want = (ref.estimate, ref.std_error, ref.ci_low, ref.ci_high, ref.pvalue)
        assert got == pytest.approx(want, rel=1e-8, abs=1e-10), name
        if name.startswith("cr2") or name.startswith("lin"):
            assert r.df == ref.df, name
        if name.startswith("mh"):
            assert r.relative_change + 1 == pytest.approx(ref.rr, rel=1e-8)
            assert r.relative_change_ci[0] + 1 == pytest.approx(ref.rr_low, rel=1e-8)
            assert r.relative_change_ci[1] + 1 == pytest.approx(ref.rr_high, rel=1e-8)
            # the standardised shares reproduce both the MH difference and the MH ratio
            assert r.mean_treated - r.mean_control == pytest.approx(r.estimate, abs=1e-12)
            assert r.mean_treated / r.mean_control == pytest.approx(ref.rr, rel=1e-10)
    # estimatr::lm_lin(..., clusters = municipality, se_type = "CR2"): same SE
    # (its df differ: Bell-McCaffrey)
    assert runs["cr2_lin"].std_error == pytest.approx(
        adjusted_ref.loc["estimatr_lin_cr2", "std_error"], rel=1e-8
    )
    pd.testing.assert_frame_equal(indiv, before[0])
    pd.testing.assert_frame_equal(clustered, before[1])
    for r in runs.values():
        assert r.summary() and len(r.to_frame()) == 1


def test_lin_agrees_with_statsmodels_hc2(indiv):
    r = rct.difference_in_proportions(indiv, "y", "treat", covariates=["age", "grade", "benefit"])
    X = pd.get_dummies(indiv[["age", "grade", "benefit"]], drop_first=True, dtype=float)
    Xc = X - X.mean()
    design = pd.concat(
        [indiv["treat"], Xc, Xc.mul(indiv["treat"], axis=0).add_prefix("t_")], axis=1
    )
    fit = sm.OLS(indiv["y"], sm.add_constant(design)).fit(cov_type="HC2", use_t=True)
    # statsmodels: OLS(y, [1, T, Xc, T*Xc]).fit(cov_type="HC2")
    assert r.estimate == pytest.approx(fit.params["treat"], rel=1e-10)
    assert r.std_error == pytest.approx(fit.bse["treat"], rel=1e-10)
    assert r.df == fit.df_resid
    assert r.mean_control == pytest.approx(fit.params["const"], rel=1e-10)


def test_cluster_cr1_engine_agrees_with_statsmodels(clustered):
    # the CR2 path shares its engine with CR1, which statsmodels implements
    from effekt._linear import ols

    X = np.column_stack([np.ones(len(clustered)), clustered["treat"]])
    fit = ols(
        X,
        clustered["y"].to_numpy(float),
        cov_type="CR1",
        cluster=clustered["municipality"].to_numpy() - 1,
    )
    ref = sm.OLS(clustered["y"], X).fit(
        cov_type="cluster", cov_kwds={"groups": clustered["municipality"]}
    )
    assert fit.std_error(1) == pytest.approx(ref.bse.iloc[1], rel=1e-10)


def test_method_note_for_adjusted_analyses(indiv):
    r = rct.difference_in_proportions(indiv, "y", "treat", strata="centre", method="score")
    assert "applies to unadjusted" in r.notes[-1]
    assert "Mantel-Haenszel" in r.method


def test_relative_change_consistency_with_large_numbers():
    # 200 * 10^4 * n^2 * 8e6 overflows int64: exact Python integers are used instead
    res = rct.from_reported_shares(
        0.5,
        200_000,
        0.1,
        200_000,
        decimals=2,
        reported_relative_change=4.0,
        relative_change_decimals=4,
    )
    # 50.00 %: 100 e / n in [49.995, 50.005] (closed) -> e in 99,990..100,010, 21 counts
    assert res.n_pairs == 21 * 21
    assert res.relative_change_consistent is True
    frame = res.to_frame()
    assert (frame.loc[frame["relative_change_matches"], "relative_change"] - 4.0).abs().max() < 5e-7
    # grids that would not fit in memory are refused with the fix
    with pytest.raises(EffektError, match="decimals"):
        rct.from_reported_shares(0.5, 3_000_000, 0.1, 3_000_000)


def test_example_script_runs(capsys):
    import runpy

    runpy.run_path(
        str(Path(__file__).parents[1] / "examples" / "mentor_from_counts.py"), run_name="__main__"
    )
    out = capsys.readouterr().out
    assert "significant for every consistent count pair" in out
    assert "significant for some consistent count pairs only" in out


@pytest.mark.slow
def test_cr2_type_one_error_with_15_clusters():
    """Null effect, 15 municipalities randomised (7 or 8 treated), ICC ~ 0.05, unequal sizes."""
    rng = np.random.default_rng(15)
    reps, G = 400, 15
    rejections = naive = 0
    for _ in range(reps):
        size = rng.integers(30, 150, G)
        treated = rng.permutation(np.r_[np.ones(7), np.zeros(G - 7)])
        u = rng.normal(0, 0.6, G)
        cl = np.repeat(np.arange(G), size)
        p = 1 / (1 + np.exp(-(-2.0 + u[cl])))
        df = pd.DataFrame({"y": (rng.random(len(cl)) < p).astype(float), "t": treated[cl], "k": cl})
        rejections += rct.difference_in_proportions(df, "y", "t", cluster="k").pvalue < 0.05
        naive += rct.difference_in_proportions(df, "y", "t").pvalue < 0.05
    # seed 15: CR2/t(14) rejects 3.5 % at the nominal 5 %; the unclustered test 36 %
    assert 0.02 <= rejections / reps <= 0.075
    assert naive / reps > 0.25


def test_strata_single_stratum_equals_crude_estimate():
    df = rows(30, 120, 18, 110)
    df["s"] = 1
    r = rct.difference_in_proportions(df, "y", "t", strata="s")
    assert r.estimate == pytest.approx(30 / 120 - 18 / 110)


@pytest.mark.slow
def test_mantel_haenszel_sato_coverage_with_many_small_strata():
    """Dual consistency: 300 matched pairs (strata of 2) with heterogeneous risks, 600 trials."""
    rng = np.random.default_rng(2024)
    K, reps, rd = 300, 600, 0.1
    base = rng.uniform(0.05, 0.8, K)
    strata = np.repeat(np.arange(K), 2)
    t = np.tile([1, 0], K)
    p = np.repeat(base, 2) + rd * t
    cover = 0
    for _ in range(reps):
        y = (rng.random(2 * K) < p).astype(float)
        r = rct.difference_in_proportions(
            pd.DataFrame({"y": y, "t": t, "s": strata}), "y", "t", strata="s"
        )
        cover += r.ci[0] <= rd <= r.ci[1]
    assert 0.93 <= cover / reps <= 0.97


# ------------------------------------------------------------------------------------------
# Coverage
# ------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_coverage_of_default_interval_at_100_per_arm():
    """2,000 simulated trials, 100 per arm, control rates 5-15 %, effects 0 or +4 pp."""
    rng = np.random.default_rng(20261122)
    k, n = 2000, 100
    pc = rng.uniform(0.05, 0.15, k)
    pt = pc + rng.choice([0.0, 0.04], k)
    x1, x2 = rng.binomial(n, pt), rng.binomial(n, pc)
    res = P._count_core(x1, n, x2, n, "newcombe", 0.95)  # the default of difference_in_proportions
    covered = (res["low"] <= pt - pc) & (pt - pc <= res["high"])
    assert 0.935 <= covered.mean() <= 0.965
    lo, hi = wald_diff_interval(x1, n, x2, n)
    wald = ((lo <= pt - pc) & (pt - pc <= hi)).mean()
    assert wald < covered.mean()


def _exact_coverage(interval, pt: float, pc: float, n: int) -> float:
    x = np.arange(n + 1)
    x1, x2 = np.meshgrid(x, x, indexing="ij")
    lo, hi = interval(x1, n, x2, n)
    w = np.outer(stats.binom.pmf(x, n, pt), stats.binom.pmf(x, n, pc))
    return float((w * ((lo <= pt - pc) & (pt - pc <= hi))).sum())


def test_wald_undercovers_at_100_per_arm_exactly():
    """Exact coverage (enumerating all 101 x 101 outcomes): Wald stays below 95 % at 5-15 %."""
    grid = np.linspace(0.05, 0.15, 11)
    wald = [
        _exact_coverage(wald_diff_interval, pc + eff, pc, 100) for pc in grid for eff in (0.0, 0.04)
    ]
    newc = [
        _exact_coverage(newcombe_interval, pc + eff, pc, 100) for pc in grid for eff in (0.0, 0.04)
    ]
    assert max(wald) < 0.95 and np.mean(wald) < 0.948
    assert min(newc) > 0.945 and np.mean(newc) > 0.95
    # at smaller arms the Wald interval is worse (30 per arm, 9 % vs 5 %: 91.7 %; Newcombe 97.4 %)
    assert _exact_coverage(wald_diff_interval, 0.09, 0.05, 30) < 0.92
    assert _exact_coverage(newcombe_interval, 0.09, 0.05, 30) > 0.95


# ------------------------------------------------------------------------------------------
# Bad input: EffektError naming the argument or column; the caller's DataFrame is unchanged
# ------------------------------------------------------------------------------------------


def _frame() -> pd.DataFrame:
    rng = np.random.default_rng(0)
    n = 200
    return pd.DataFrame(
        {
            "y": rng.integers(0, 2, n),
            "t": np.tile([0, 1], n // 2),
            "centre": np.repeat(np.arange(10), n // 10),
            "kommune": np.repeat(np.arange(20), n // 20),
            "age": rng.integers(18, 30, n).astype(float),
            "const": 1.0,
            "arm": np.tile(["a", "b"], n // 2),
            "three": np.tile([0, 1, 2, 3], n // 4) % 3,
            "y_missing": np.where(np.arange(n) == 5, np.nan, 1.0),
            "y_count": np.tile([0, 1, 2, 3], n // 4),
            "y_text": "yes",
        }
    )


F = rct.difference_in_proportions
C = rct.difference_in_proportions_from_counts
S = rct.from_reported_shares


def _drop_all_treated(df):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DroppedRowsWarning)
        return F(df.assign(y=np.where(df["t"] == 1, np.nan, 1.0)), "y", "t", missing="drop")


def _one_arm_stratum(df):
    df = df.copy()
    df.loc[df["centre"] == 3, "t"] = 1
    return df


BAD_ROWS = [
    ("missing values", lambda d: F(d, "y_missing", "t"), "'y_missing'", MissingValueError),
    ("non-binary outcome", lambda d: F(d, "y_count", "t"), "'y_count'", ColumnError),
    ("text outcome", lambda d: F(d, "y_text", "t"), "'y_text'", ColumnError),
    ("one-valued treatment", lambda d: F(d, "y", "const"), "'const'", ColumnError),
    ("three-valued treatment", lambda d: F(d, "y", "three"), "'three'", ColumnError),
    ("labels without treated_value", lambda d: F(d, "y", "arm"), "treated_value", ColumnError),
    (
        "unknown treated_value",
        lambda d: F(d, "y", "arm", treated_value="c"),
        "treated_value",
        EffektError,
    ),
    ("unknown outcome column", lambda d: F(d, "job", "t"), "'job'", ColumnError),
    (
        "unknown covariate",
        lambda d: F(d, "y", "t", covariates=["age", "grade"]),
        "'grade'",
        ColumnError,
    ),
    ("one cluster", lambda d: F(d, "y", "t", cluster="const"), "'const'", ColumnError),
    ("bad method", lambda d: F(d, "y", "t", method="exact"), "'method'", EffektError),
    ("bad conf_level", lambda d: F(d, "y", "t", conf_level=95), "'conf_level'", EffektError),
    ("bad missing", lambda d: F(d, "y", "t", missing="ignore"), "'missing'", EffektError),
    (
        "constant covariate",
        lambda d: F(d, "y", "t", covariates=["age", "const"]),
        "'const'",
        ColumnError,
    ),
    (
        "stratum with one arm",
        lambda d: F(_one_arm_stratum(d), "y", "t", strata="centre"),
        "'centre'",
        ColumnError,
    ),
    (
        "one-arm stratum with cluster",
        lambda d: F(_one_arm_stratum(d), "y", "t", strata="centre", cluster="kommune"),
        "'centre'",
        ColumnError,
    ),
    (
        "exact with strata",
        lambda d: F(d, "y", "t", strata="centre", exact_test=True),
        "'exact_test'",
        EffektError,
    ),
    ("exact not bool", lambda d: F(d, "y", "t", exact_test="yes"), "'exact_test'", EffektError),
    ("strata is the outcome", lambda d: F(d, "y", "t", strata="y"), "'strata'", EffektError),
    ("not a DataFrame", lambda d: F(d.to_dict(), "y", "t"), "'data'", EffektError),
    ("empty DataFrame", lambda d: F(d.iloc[:0], "y", "t"), "'data'", EffektError),
    ("empty arm after dropping", _drop_all_treated, "'t'", ColumnError),
]

BAD_COUNTS = [
    ("events > n", lambda: C(30, 20, 5, 20), "'events_treated'"),
    ("negative count", lambda: C(3, 20, -1, 20), "'events_control'"),
    ("non-integer count", lambda: C(3.5, 20, 1, 20), "'events_treated'"),
    ("n = 0", lambda: C(0, 0, 1, 20), "'n_treated'"),
    ("empty control arm", lambda: C(3, 20, 0, 0), "'n_control'"),
    ("bad method (counts)", lambda: C(3, 20, 1, 20, method="fisher"), "'method'"),
    ("bad conf_level (counts)", lambda: C(3, 20, 1, 20, conf_level=1.0), "'conf_level'"),
    ("share above 1", lambda: S(16, 1302, 0.12, 1291), "'share_treated'"),
    ("negative share", lambda: S(0.16, 1302, -0.1, 1291), "'share_control'"),
    ("n = 0 (shares)", lambda: S(0.16, 1302, 0.12, 0), "'n_control'"),
    ("share with too many digits", lambda: S(0.163, 1302, 0.12, 1291), "'share_treated'"),
    ("bad decimals", lambda: S(0.16, 1302, 0.12, 1291, decimals=-1), "'decimals'"),
    ("no count rounds to the share", lambda: S(0.5, 3, 0.12, 1291), "'share_treated'"),
    (
        "relative change below -100 %",
        lambda: S(0.16, 1302, 0.12, 1291, reported_relative_change=-2),
        "'reported_relative_change'",
    ),
]


@pytest.mark.parametrize(("case", "call", "names", "error"), BAD_ROWS, ids=[c[0] for c in BAD_ROWS])
def test_bad_rows_raise_and_leave_data_unchanged(case, call, names, error):
    df = _frame()
    before = copy.deepcopy(df)
    with pytest.raises(error) as info:
        call(df)
    assert isinstance(info.value, EffektError)
    assert names in str(info.value), str(info.value)
    pd.testing.assert_frame_equal(df, before)


@pytest.mark.parametrize(("case", "call", "names"), BAD_COUNTS, ids=[c[0] for c in BAD_COUNTS])
def test_bad_counts_and_shares_raise(case, call, names):
    with pytest.raises(EffektError) as info:
        call()
    assert names in str(info.value), str(info.value)


def test_categorical_covariate_and_strata_with_unused_categories():
    # A pandas Categorical with categories that never occur must give the same answer as the
    # same column without them (it used to raise "covariate 's_9' is constant" / "singular").
    rng = np.random.default_rng(0)
    n = 200
    codes = rng.integers(0, 4, n)
    d = pd.DataFrame(
        {"t": rng.integers(0, 2, n), "y": rng.integers(0, 2, n), "h": rng.normal(size=n)}
    )
    d_cat = d.assign(s=pd.Categorical(codes, categories=range(10)))
    d_int = d.assign(s=codes)
    before = d_cat.copy(deep=True)
    for kw in ({"covariates": ["s"]}, {"strata": "s"}):
        a = rct.difference_in_proportions(d_cat, "y", "t", **kw)
        b = rct.difference_in_proportions(d_int.assign(s=d_int.s.astype(str)), "y", "t", **kw)
        assert a.estimate == pytest.approx(b.estimate, rel=1e-12)
        assert a.std_error == pytest.approx(b.std_error, rel=1e-12)
        a = rct.difference_in_means(d_cat, "h", "t", **kw)
        b = rct.difference_in_means(d_int.assign(s=d_int.s.astype(str)), "h", "t", **kw)
        assert a.estimate == pytest.approx(b.estimate, rel=1e-12)
        assert a.std_error == pytest.approx(b.std_error, rel=1e-12)
    pd.testing.assert_frame_equal(d_cat, before)


def test_significance_is_the_interval_excluding_zero_everywhere():
    # Newcombe CI -25.6 to +0.9 pp includes 0, while the Pearson chi-square p = 0.041.
    # The package's one definition: significant <=> CI excludes 0; summary() flags the clash.
    r = rct.difference_in_proportions_from_counts(0, 40, 3, 30)
    assert r.ci[0] < 0 < r.ci[1] and r.pvalue < 0.05
    assert not r.significant and r.interval_test_disagree
    assert "interval and the test disagree" in r.summary()
    # the same counts through the rounded-shares path give the same verdict
    s = rct.from_reported_shares(0.0, 40, 0.10, 30)
    assert s.n_pairs == 1
    assert not s.significant_for_any and not s.significant_for_all
    row = s.to_frame().iloc[0]
    assert not row["significant"] and row["pvalue_below_alpha"]
    assert s.n_disagree == 1 and "disagree" in s.summary()
    # consistent methods never print the note
    w = rct.difference_in_proportions_from_counts(208, 1302, 155, 1291, method="wald")
    assert not w.interval_test_disagree and "disagree" not in w.summary()


def test_relative_change_interval_is_none_when_everyone_has_the_event():
    # The log-RR variance is 0 (Katz: 1/x1 - 1/n1 + 1/x2 - 1/n2; MH: Greenland-Robins);
    # a zero-width interval (0, 0) used to be returned.
    r = rct.difference_in_proportions_from_counts(10, 10, 10, 10)
    assert r.relative_change == 0 and r.relative_change_ci is None
    d = pd.DataFrame({"t": [1] * 6 + [0] * 6, "y": 1, "s": [0, 0, 0, 1, 1, 1] * 2})
    m = rct.difference_in_proportions(d, "y", "t", strata="s")
    assert m.relative_change == pytest.approx(0) and m.relative_change_ci is None
    # one non-event keeps a proper interval
    d.loc[0, "y"] = 0
    m = rct.difference_in_proportions(d, "y", "t", strata="s")
    lo, hi = m.relative_change_ci
    assert lo < m.relative_change < hi


def test_reported_shares_keep_exact_halves_for_both_neighbours():
    # 33/200 = 16.5 %: "17 %" under round-half-up, "16 %" under round-half-even (R, Python).
    # The consistent range is closed, so 33 is consistent with both published values.
    assert rct.from_reported_shares(0.16, 200, 0.5, 10).events_treated_range == (31, 33)
    assert rct.from_reported_shares(0.17, 200, 0.5, 10).events_treated_range == (33, 35)
    # 53/40 (both of 200) is a relative change of exactly +32.5 %, reported as "32 %" by
    # half-even rounding; 53/200 = 26.5 % is reported as "26 %".
    res = rct.from_reported_shares(0.26, 200, 0.20, 200, reported_relative_change=0.32)
    assert res.events_treated_range == (51, 53)
    assert res.relative_change_consistent is True
    frame = res.to_frame()
    hit = frame[frame["relative_change_matches"]]
    assert set(zip(hit.events_treated, hit.events_control, strict=True)) >= {(53, 40)}


# --------------------------------------------------------------------------- one inference core


def _nan_covariance_ols(real_ols):
    """``ols`` whose covariance is NaN (as a degenerate sandwich could give)."""

    def fake(*args, **kwargs):
        fit = real_ols(*args, **kwargs)
        return type(fit)(
            fit.params, np.full_like(fit.cov, np.nan), fit.df_resid, fit.nobs, fit.cov_type
        )

    return fake


@pytest.mark.filterwarnings("ignore::effekt.errors.UndefinedValueWarning")
def test_nan_standard_error_gives_nan_pvalue_not_zero(monkeypatch):
    rng = np.random.default_rng(3)
    df = pd.DataFrame(
        {"y": rng.integers(0, 2, 200), "t": np.tile([0, 1], 100), "c": np.repeat(range(20), 10)}
    )
    import effekt.rct._lin as L  # the cluster fit from cell sums (push-down) lives there

    monkeypatch.setattr(L, "ols", _nan_covariance_ols(L.ols))
    r = rct.difference_in_proportions(df, "y", "t", cluster="c")
    assert math.isnan(r.std_error) and math.isnan(r.pvalue)  # used to be p = 0.0
    assert all(math.isnan(v) for v in r.ci)
    assert not r.significant


def test_reported_shares_render_as_a_table_for_people():
    m = rct.from_reported_shares(0.16, 1302, 0.12, 1291, reported_relative_change=0.30)
    html = m._repr_html_().replace("&nbsp;", " ")
    assert "<table" in html and "<pre>" not in html
    assert "202-214 of 1,302" in html and "+0.4 pp to +7.6 pp" in html
    assert str(m) == m.summary()
    assert len(m.to_frame()) == m.n_pairs  # the tidy frame stays one row per count pair
