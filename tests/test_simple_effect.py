"""Behaviour of effekt.simple_effect: hand calculations, scipy/statsmodels checks, bad input,
warnings, plots, no mutation."""

import copy

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pandas as pd
import pytest
from scipy import optimize, stats
from scipy.special import expit

from effekt import simple_effect as se
from effekt import synthetic
from effekt._multiplicity import adjust_pvalues
from effekt.errors import (
    ColumnError,
    ComparabilityWarning,
    EffektError,
    MissingValueError,
    SmallSampleWarning,
)
from effekt.simple_effect._stats import binomial_limits, newcombe_difference

CASE_MIX = ["age", "benefit_group", "months_unemployed", "health_issues", "prior_employment"]


def _frame(counts):
    """Rows from {(provider, stratum): (successes, n)}."""
    rows = []
    for (prov, stratum), (x, n) in counts.items():
        rows += [(prov, stratum, 1)] * x + [(prov, stratum, 0)] * (n - x)
    return pd.DataFrame(rows, columns=["provider", "strong", "job"])


# ---------------------------------------------------------------- indirect standardisation by hand
def test_indirect_standardisation_hand_calculation():
    counts = {
        ("A", 1): (40, 50),
        ("A", 0): (5, 50),
        ("B", 1): (70, 100),
        ("B", 0): (2, 20),
        ("C", 1): (10, 10),
        ("C", 0): (20, 90),
    }
    df = _frame(counts)
    # both strata are well covered by the other providers: no ComparabilityWarning
    t = se.compare_providers(df, "job", "provider", ["strong"]).table().set_index("provider")
    # hand: stratum rates over all providers (the logistic model on one binary column is saturated)
    r1 = (40 + 70 + 10) / (50 + 100 + 10)
    r0 = (5 + 2 + 20) / (50 + 20 + 90)
    expected = {"A": 50 * r1 + 50 * r0, "B": 100 * r1 + 20 * r0, "C": 10 * r1 + 90 * r0}
    observed = {"A": 45, "B": 72, "C": 30}
    overall = (45 + 72 + 30) / 320
    lo1, lo0 = np.log(r1 / (1 - r1)), np.log(r0 / (1 - r0))
    for g in "ABC":
        assert t.loc[g, "expected"] == pytest.approx(expected[g], rel=1e-9)
        assert t.loc[g, "oe"] == pytest.approx(observed[g] / expected[g], rel=1e-9)
        assert t.loc[g, "oe"] * overall == pytest.approx(
            observed[g] / expected[g] * overall, rel=1e-9
        )
        # adjusted rate: the logit shift d reproducing O on the provider's strata, applied to
        # all 320 participants (160 in each stratum)
        n1, n0 = counts[(g, 1)][1], counts[(g, 0)][1]

        def excess(d, n1=n1, n0=n0, g=g):
            return n1 * expit(lo1 + d) + n0 * expit(lo0 + d) - observed[g]

        d = optimize.brentq(excess, -20, 20)
        want = (expit(lo1 + d) + expit(lo0 + d)) / 2
        assert t.loc[g, "adjusted_rate"] == pytest.approx(want, rel=1e-9)
    # the total of expected equals the total of observed (logistic MLE with an intercept)
    assert t["expected"].sum() == pytest.approx(147, rel=1e-10)


def test_raw_ranking_reverses_after_adjustment():
    # A serves strong citizens, C the complex ones; same success within each stratum
    counts = {
        ("A", 1): (72, 90),
        ("A", 0): (1, 10),
        ("C", 1): (8, 10),
        ("C", 0): (9, 90),
        ("B", 1): (40, 50),
        ("B", 0): (5, 50),
    }
    df = _frame(counts)
    raw = se.simple_effects(df, "job", "provider").table().set_index("provider")
    assert raw.loc["A", "flag"] and raw.loc["C", "flag"]
    adj = se.compare_providers(df, "job", "provider", ["strong"]).table().set_index("provider")
    assert not adj["flag"].any()
    np.testing.assert_allclose(adj["oe"], 1.0, atol=0.12)


# ---------------------------------------------------------------- simple effects
def test_simple_effects_columns_and_newcombe_against_statsmodels():
    from statsmodels.stats.proportion import confint_proportions_2indep

    df = synthetic.providers(4, [30, 60, 90, 120], seed=5)
    t = se.simple_effects(df, "job_6m", "provider").table()
    assert list(t.columns[:6]) == [
        "provider",
        "participants",
        "successes",
        "rate",
        "ci_low",
        "ci_high",
    ]
    for _, r in t.iterrows():
        lo, hi = confint_proportions_2indep(
            r["successes"],
            r["participants"],
            round(r["others_rate"] * r["others_participants"]),
            r["others_participants"],
            method="newcomb",
            compare="diff",
        )
        # statsmodels: Newcombe hybrid score interval
        assert r["difference_ci_low"] == pytest.approx(lo, abs=1e-10)
        assert r["difference_ci_high"] == pytest.approx(hi, abs=1e-10)
    # Wilson against statsmodels
    from statsmodels.stats.proportion import proportion_confint

    lo, hi = proportion_confint(t["successes"], t["participants"], method="wilson")
    np.testing.assert_allclose(t["ci_low"], lo, rtol=1e-10)
    np.testing.assert_allclose(t["ci_high"], hi, rtol=1e-10)


def test_simple_effects_by_period_compares_within_period():
    df = synthetic.providers(3, 200, period_effect=-1.0, seed=4)
    t = se.simple_effects(df, "job_6m", "provider", period="period").table()
    assert len(t) == 6 and "period" in t.columns
    for _, r in t.iterrows():
        same = df[(df["period"] == r["period"]) & (df["provider"] != r["provider"])]
        assert r["others_participants"] == len(same)
        assert r["others_rate"] == pytest.approx(same["job_6m"].mean())
    assert "overall" in se.simple_effects(df, "job_6m", "provider").summary()


def test_adjust_pvalues_match_statsmodels():
    from statsmodels.stats.multitest import multipletests

    p = np.array([0.01, 0.04, 0.03, 0.2, 0.001, np.nan, 0.04])
    ok = np.isfinite(p)
    for ours, theirs in (("holm", "holm"), ("bh", "fdr_bh"), ("bonferroni", "bonferroni")):
        adj = adjust_pvalues(p, ours)
        np.testing.assert_allclose(adj[ok], multipletests(p[ok], method=theirs)[1], rtol=1e-12)
        assert np.isnan(adj[~ok]).all()


def test_newcombe_zero_cells():
    d, lo, hi = newcombe_difference(0, 10, 0, 10, 0.95)
    assert d == 0 and lo < 0 < hi


# ---------------------------------------------------------------- funnel limits
@pytest.mark.parametrize("theta", [0.05, 0.3, 0.5, 0.9])
@pytest.mark.parametrize("prob", [0.001, 0.025, 0.975, 0.999])
def test_funnel_limits_agree_with_scipy_binomial_quantiles(theta, prob):
    n = np.arange(1, 1500, 7)
    lim = binomial_limits(theta, n, prob)
    r = stats.binom.ppf(prob, n, theta)
    # the interpolated limit lies in ((r - 1)/n, r/n]: rounding it up gives scipy's quantile
    assert np.all(lim * n <= r + 1e-9)
    ok = r > 0
    assert np.all(lim[ok] * n[ok] > r[ok] - 1 - 1e-9)
    np.testing.assert_array_equal(np.ceil(lim[ok] * n[ok] - 1e-9), r[ok])


def test_funnel_limits_frame_and_normal_overdispersion():
    lim = se.funnel_limits(0.3, [100, 1000], coverage=(0.95, 0.998))
    assert list(lim.columns) == ["participants", "lower_95", "upper_95", "lower_99.8", "upper_99.8"]
    wide = se.funnel_limits(0.3, [100], overdispersion="multiplicative", phi=4.0)
    s = np.sqrt(0.3 * 0.7 / 100)
    # theta0 +/- z sqrt(phi) s  (Spiegelhalter 2005, section 6)
    assert wide["upper_95"].iloc[0] == pytest.approx(0.3 + stats.norm.ppf(0.975) * 2 * s)
    add = se.funnel_limits(0.3, [100], overdispersion="additive", tau2=0.01)
    assert add["upper_99.8"].iloc[0] == pytest.approx(
        0.3 + stats.norm.ppf(0.999) * np.sqrt(s**2 + 0.01)
    )
    with pytest.raises(EffektError, match="'phi'"):
        se.funnel_limits(0.3, [100], overdispersion="multiplicative")


def test_overdispersion_detects_extra_variation():
    rng = np.random.default_rng(1)
    n = np.full(200, 400)
    calm = rng.binomial(n, 0.3) / n
    wild = rng.binomial(n, np.clip(0.3 + rng.normal(0, 0.06, 200), 0, 1)) / n
    od0 = se.overdispersion(calm, n, 0.3)
    od1 = se.overdispersion(wild, n, 0.3)
    # under the null the winsorised phi is below 1 (E z_w^2 = 0.68 for 10 % winsorising),
    # so no adjustment is made
    assert 0.5 < od0.phi < 1.0 and od0.tau2 == 0.0
    assert od1.phi > 2 and od1.pvalue < 1e-6
    # tau is of the order of the true SD (winsorising shrinks it a little)
    assert 0.03 < np.sqrt(od1.tau2) < 0.08


# ---------------------------------------------------------------- compare_providers
def test_compare_providers_flags_true_effect_and_shrinks_small_providers():
    df = synthetic.providers(
        10, [20] * 5 + [600] * 5, case_mix_shift=0.5, provider_effects=[0] * 9 + [0.12], seed=11
    )
    p = se.compare_providers(df, "job_6m", "provider", CASE_MIX)
    t = p.table().set_index("provider")
    assert t.loc["P10", "flag"] and t.loc["P10", "direction"] == "above"
    assert t["flag"].sum() == 1
    small = t.iloc[:5]
    big = t.iloc[5:]
    # shrinkage weight is smaller for small providers, and their shrunken rates are
    # closer to the mean
    assert small["shrinkage"].max() < big["shrinkage"].min()
    assert (
        abs(small["shrunken_rate"] - p.overall_rate)
        <= abs(small["adjusted_rate"] - p.overall_rate) + 1e-12
    ).all()
    assert "P10" in p.summary()
    assert p.to_frame().equals(p.table())


def test_direct_and_reference_population():
    df = synthetic.providers(5, 300, provider_effects=[0, 0, 0, 0, 0.15], seed=3)
    p = se.compare_providers(df, "job_6m", "provider", CASE_MIX, method="direct")
    t = p.table().set_index("provider")
    assert t.loc["P05", "flag"] and t["flag"].sum() == 1
    assert (t["direct_ci_low"] < t["direct_rate"]).all() and (
        t["direct_rate"] < t["direct_ci_high"]
    ).all()
    # a reference population of complex citizens lowers every directly standardised rate
    ref = df[df["health_issues"] == 1]
    r2 = (
        se.compare_providers(
            df, "job_6m", "provider", CASE_MIX, method="direct", reference_population=ref
        )
        .table()
        .set_index("provider")
    )
    assert (r2["direct_rate"] < t["direct_rate"]).all()
    with pytest.raises(ColumnError, match="'prior_employment'"):
        se.compare_providers(
            df,
            "job_6m",
            "provider",
            CASE_MIX,
            method="direct",
            reference_population=ref.drop(columns="prior_employment"),
        )
    kw = dict(method="direct", reference_population=None)
    bad_refs = {
        "'age'.*infinite": ref.assign(age=np.inf),
        "'age' is numeric in data but not": ref.assign(age=ref["age"].astype(str)),
        "'benefit_group'.*not in data": ref.assign(benefit_group="unknown"),
        "'age'.*missing": ref.assign(age=np.nan),
    }
    for match, bad in bad_refs.items():
        kw["reference_population"] = bad
        with pytest.raises(EffektError, match=match):
            se.compare_providers(df, "job_6m", "provider", CASE_MIX, **kw)


def test_direct_binning_of_large_reference_is_accurate():
    from effekt.simple_effect._stats import expit, reference_bins

    rng = np.random.default_rng(0)
    eta = rng.normal(0, 1.5, 200_000)
    X = np.column_stack([eta * 0.5 + rng.normal(0, 1, eta.size)])
    e, xb, w = reference_bins(eta, X)
    for a in (-2.0, 0.0, 1.5):
        assert (expit(a + e) @ w) == pytest.approx(expit(a + eta).mean(), abs=2e-5)


def test_period_enters_model_and_is_checked():
    df = synthetic.providers(4, 300, period_effect=-1.0, seed=8)
    late = df["provider"] == "P04"
    df.loc[late, "period"] = 2021  # P04's courses ran in another year
    with pytest.warns(
        ComparabilityWarning, match=r"'P04': its courses fall in a period the others do not"
    ) as record:
        p = se.compare_providers(
            df, "job_6m", "provider", ["age", "health_issues"], period="period"
        )
    assert len(record) == 1 and str(record[0].message).count("'P0") == 1
    comp = p.comparability.set_index("provider")
    assert comp.loc["P04", "period_outside_share"] == 1 and not comp.loc["P04", "comparable"]
    assert comp.drop(index="P04")["comparable"].all()
    assert any(name.startswith("period_") for name in p.coefficients.index)


def test_case_mix_warning_names_provider_and_column():
    df = synthetic.providers(6, 300, seed=2)
    # silent on the unchanged data; a provider serving participants 20 years older warns
    se.compare_providers(df, "job_6m", "provider", ["age", "health_issues"])
    df.loc[df["provider"] == "P03", "age"] += 20
    with pytest.warns(
        ComparabilityWarning, match=r"'P03': its case mix lies outside .*column 'age'"
    ) as record:
        se.compare_providers(df, "job_6m", "provider", ["age", "health_issues"])
    assert len(record) == 1 and "'P01'" not in str(record[0].message)


def test_against_target_verdicts_and_single_provider():
    df = pd.DataFrame(
        {
            "provider": ["A"] * 200 + ["B"] * 200 + ["C"] * 200,
            "job": [1] * 40 + [0] * 160 + [1] * 62 + [0] * 138 + [1] * 90 + [0] * 110,
        }
    )
    r = se.against_target(df, "job", "provider", 0.30)
    assert r.table()["verdict"].tolist() == ["below", "consistent", "above"]
    assert "target 30.0 %" in r.summary()
    one = se.against_target(df[df["provider"] == "A"], "job", "provider", 0.30)
    assert len(one.table()) == 1
    r.plot()


# ---------------------------------------------------------------- teaching contrast
def test_contrast_reverses_ranking_as_in_the_note():
    # the note: strong ~90-100 % with the course, but would have found a job anyway;
    # complex ~10-15 % with the course vs 0-3 % without
    r = se.contrast_from_counts(
        ["Strong, newly unemployed", "Complex challenges"],
        [475, 62],
        [500, 500],
        [480, 10],
        [500, 500],
    )
    t = r.table().set_index("group")
    assert t.loc["Strong, newly unemployed", "rank_simple"] == 1
    assert t.loc["Complex challenges", "rank_causal"] == 1
    assert r.reversed
    assert t.loc["Complex challenges", "causal_effect"] == pytest.approx(0.104)
    assert "Ranking by simple effect differs" in r.summary()


def test_contrast_from_rows_matches_counts():
    rng = np.random.default_rng(3)
    df = pd.DataFrame(
        {
            "group": rng.choice(["a", "b"], 400),
            "course": rng.integers(0, 2, 400),
            "job": rng.integers(0, 2, 400),
        }
    )
    r = se.contrast(df, "job", "course", by="group").table()
    for _, row in r.iterrows():
        g = df[df["group"] == row["group"]]
        assert row["simple_effect"] == pytest.approx(g.loc[g["course"] == 1, "job"].mean())
        assert row["rate_without"] == pytest.approx(g.loc[g["course"] == 0, "job"].mean())
    with pytest.raises(EffektError, match="group\\(s\\) 'a'"):
        se.contrast(df[~((df["group"] == "a") & (df["course"] == 0))], "job", "course", by="group")


def test_contrast_with_treated_value_and_counts_named_by_arm():
    df = pd.DataFrame(
        {
            "group": ["a"] * 4 + ["b"] * 4,
            "course": ["yes", "no"] * 4,
            "job": [1, 0, 1, 1, 0, 0, 1, 0],
        }
    )
    r = se.contrast(df, "job", "course", "group", treated_value="yes")
    assert r.table()["simple_effect"].tolist() == [1.0, 0.5]
    assert r.outcome == "job"
    with pytest.raises(EffektError, match="'events_control'"):
        se.contrast_from_counts(["a"], [1], [2], [-1], [2])
    with pytest.raises(EffektError, match="n_control = 2 and events_control = 3"):
        se.contrast_from_counts(["a"], [1], [2], [3], [2])
    with pytest.raises(EffektError, match="'labels'"):
        se.contrast_from_counts([], [], [], [], [])


# ---------------------------------------------------------------- bad input
@pytest.fixture
def small():
    return synthetic.providers(3, 60, seed=1)


def test_provider_with_one_participant_warns(small):
    df = pd.concat([small, small.iloc[[0]].assign(provider="Tiny")], ignore_index=True)
    with pytest.warns(SmallSampleWarning, match="'Tiny' have only 1 participant"):
        se.simple_effects(df, "job_6m", "provider")
    with pytest.warns(SmallSampleWarning, match="'Tiny'"):
        se.compare_providers(df, "job_6m", "provider", ["age"], warn=False)
    with pytest.warns(SmallSampleWarning, match="'Tiny'"):
        se.against_target(df, "job_6m", "provider", 0.3)


def test_provider_with_zero_participants_warns(small):
    df = small.copy()
    df["provider"] = pd.Categorical(df["provider"], categories=["P01", "P02", "P03", "Ghost"])
    with pytest.warns(SmallSampleWarning, match="'Ghost'.*0 participants"):
        t = se.simple_effects(df, "job_6m", "provider").table()
    assert "Ghost" not in set(t["provider"])


def test_non_binary_outcome(small):
    df = small.assign(job_6m=small["job_6m"] * 2)
    with pytest.raises(ColumnError, match="'job_6m'.*0/1"):
        se.simple_effects(df, "job_6m", "provider")
    with pytest.raises(ColumnError, match="'job_6m'"):
        se.compare_providers(df, "job_6m", "provider", ["age"])


def test_constant_case_mix_column(small):
    df = small.assign(region="North")
    with pytest.raises(ColumnError, match="case-mix column 'region'.*constant"):
        se.compare_providers(df, "job_6m", "provider", ["age", "region"])
    with pytest.raises(ColumnError, match="'age'.*constant"):
        se.compare_providers(small.assign(age=40), "job_6m", "provider", ["age"])


@pytest.mark.parametrize(
    ("values", "match"),
    [
        (lambda d: d["age"].where(d.index != 5, np.inf), "infinite"),
        (lambda d: pd.Timestamp("2020-01-01") + pd.to_timedelta(d["age"], unit="D"), "dates"),
        (lambda d: d["age"].map(lambda a: f"{a:.1f}".replace(".", ",")), 'decimal=","'),
    ],
    ids=["infinite", "datetime", "decimal-comma"],
)
def test_case_mix_column_refused_by_the_covariate_encoder(small, values, match):
    df = small.assign(age=values(small))
    before = df.copy()
    with pytest.raises(EffektError, match=f"case-mix column 'age'.*compare_providers.*{match}"):
        se.compare_providers(df, "job_6m", "provider", ["age"])
    pd.testing.assert_frame_equal(df, before)


def test_case_mix_encoding_matches_the_one_covariate_encoder(small):
    from effekt._design import encode_covariates

    p = se.compare_providers(small, "job_6m", "provider", ["age", "benefit_group"], warn=False)
    names = encode_covariates(small, ["age", "benefit_group"], "f", drop_first=True).names
    assert p.coefficients.index.tolist() == ["intercept", *names]


def test_missing_case_mix_column(small):
    with pytest.raises(ColumnError, match="'tenure'.*case_mix"):
        se.compare_providers(small, "job_6m", "provider", ["age", "tenure"])
    df = small.copy()
    df.loc[3, "age"] = np.nan
    with pytest.raises(MissingValueError, match="'age'.*1 missing"):
        se.compare_providers(df, "job_6m", "provider", ["age"])


def test_single_provider(small):
    one = small[small["provider"] == "P01"]
    with pytest.raises(ColumnError, match="'provider'.*at least two"):
        se.simple_effects(one, "job_6m", "provider")
    with pytest.raises(ColumnError, match="at least two"):
        se.compare_providers(one, "job_6m", "provider", ["age"])


@pytest.mark.parametrize("target", [0, 1, 1.2, -0.1, 30, float("nan")])
def test_target_outside_unit_interval(small, target):
    with pytest.raises(EffektError, match="'target' argument of against_target"):
        se.against_target(small, "job_6m", "provider", target)


@pytest.mark.parametrize(
    "call",
    [
        lambda d: se.simple_effects(d, "job_6m", "provider", adjust="sidak"),
        lambda d: se.simple_effects(d, "job_6m", "provider", conf_level=95),
        lambda d: se.compare_providers(d, "job_6m", "provider", ["age"], method="both"),
        lambda d: se.compare_providers(d, "job_6m", "provider", []),
        lambda d: se.compare_providers(d, "job_6m", "provider", ["age"], interval="wald"),
        lambda d: se.simple_effects(d.iloc[:0], "job_6m", "provider"),
        lambda d: se.simple_effects(d.to_dict(), "job_6m", "provider"),
    ],
)
def test_bad_arguments_raise_effekt_error(small, call):
    with pytest.raises(EffektError):
        call(small)


def test_inputs_are_not_modified(small):
    before = copy.deepcopy(small)
    se.simple_effects(small, "job_6m", "provider", period="period")
    se.compare_providers(
        small, "job_6m", "provider", CASE_MIX, method="direct", period="period", warn=False
    )
    se.against_target(small, "job_6m", "provider", 0.4)
    pd.testing.assert_frame_equal(small, before)


def test_missing_drop_warns_and_counts(small):
    from effekt.errors import DroppedRowsWarning

    df = small.copy()
    df.loc[[1, 2], "job_6m"] = np.nan
    with pytest.warns(DroppedRowsWarning, match="dropped 2"):
        t = se.simple_effects(df, "job_6m", "provider", missing="drop").table()
    assert t["participants"].sum() == len(df) - 2


# ---------------------------------------------------------------- plots
def test_plots_return_axes_and_label_outliers(tmp_path):
    df = synthetic.providers(
        30,
        [50] * 10 + [200] * 10 + [800] * 10,
        case_mix_shift=0.3,
        provider_effects=[0] * 29 + [0.2],
        seed=6,
    )
    p = se.compare_providers(df, "job_6m", "provider", CASE_MIX, warn=False)
    ax = p.plot_funnel()
    texts = [t.get_text() for t in ax.texts]
    assert "P30" in texts
    assert ax.get_xlabel() == "Participants" and "%" in ax.get_ylabel()
    ax.figure.savefig(tmp_path / "funnel.png")
    ax2 = p.plot_funnel(overdispersion="additive")
    assert any("overdispersion" in t.get_text() for t in ax2.get_legend().get_texts())
    ax3 = p.plot_caterpillar()
    assert len(ax3.get_yticklabels()) == 30
    ax4 = se.simple_effects(df, "job_6m", "provider").plot_funnel(overdispersion="multiplicative")
    assert ax4.get_title().startswith("Simple effects")
    ft = p.funnel_table()
    assert bool(ft.set_index("provider").loc["P30", "outside_99.8"])
    assert ft["participants"].dtype == np.int64 and bool(
        ft.set_index("provider").loc["P30", "flag"]
    )
    r = se.contrast_from_counts(["Strong", "Complex"], [190, 25], [200, 200], [196, 4], [200, 200])
    ax5 = r.plot()
    assert "not the best" in ax5.get_title()


def test_a_provider_without_successes_warns_and_uses_the_exact_test():
    df = synthetic.providers(5, 200, seed=1)
    df.loc[df["provider"] == "P02", "job_6m"] = 0
    with pytest.warns(SmallSampleWarning, match=r"'P02' \(200 participants\) have 0 % or"):
        t = se.compare_providers(df, "job_6m", "provider", ["age"], method="direct").table()
    with pytest.warns(SmallSampleWarning, match="'P02'.*risk-adjusted rate is 0 or 100 %"):
        ind = se.compare_providers(df, "job_6m", "provider", ["age"]).table()
    assert ind.loc[1, "adjusted_rate"] == 0 and ind.loc[1, "test"].startswith("exact")
    assert t.loc[1, "pvalue"] == ind.loc[1, "pvalue"] and t.loc[1, "flag"]
    assert t.loc[1, "direct_rate"] < 1e-6


def test_byar_interval_close_to_exact_poisson_for_large_counts():
    df = synthetic.providers(4, 2000, seed=9)
    a = se.compare_providers(df, "job_6m", "provider", ["age"], interval="byar").table()
    b = se.compare_providers(df, "job_6m", "provider", ["age"], interval="poisson").table()
    # Byar's approximation to the exact Poisson (Garwood) limits (Breslow & Day 1987)
    np.testing.assert_allclose(a["oe_ci_low"], b["oe_ci_low"], rtol=2e-3)
    np.testing.assert_allclose(a["oe_ci_high"], b["oe_ci_high"], rtol=2e-3)


@pytest.mark.parametrize(
    "kwargs, argument",
    [
        (dict(rate=[0.2, 0.3], participants=[0, 100]), "participants"),
        (dict(rate=[0.2, 0.3, 0.4], participants=[100, -5, 100]), "participants"),
        (dict(rate=[0.2, 0.3, 0.4], participants=[100, 50.5, 100]), "participants"),
        (dict(rate=[0.2, np.nan, 0.3], participants=[100, 100, 100]), "rate"),
        (dict(rate=[20, 30, 40], participants=[100, 100, 100]), "rate"),
        (dict(rate=["a"], participants=[100]), "rate"),
        (
            dict(rate=[0.2, 0.3, 0.4], participants=[100, 5, 100], std_error=[0.1, 0, 0.1]),
            "std_error",
        ),
        (
            dict(rate=[0.2, 0.3, 0.4], participants=[100, 5, 100], std_error=[0.1, np.nan, 0.1]),
            "std_error",
        ),
    ],
)
def test_overdispersion_validates_instead_of_dropping_units(kwargs, argument):
    # Regression: NaN rates, zero participants and zero SEs were silently dropped.
    with pytest.raises(EffektError, match=f"'{argument}' argument of overdispersion"):
        se.overdispersion(target=0.3, **kwargs)


def test_funnel_limits_validates_participants_and_spread():
    with pytest.raises(EffektError, match="'participants' argument of funnel_limits"):
        se.funnel_limits(0.3, ["a"])
    with pytest.raises(EffektError, match="'participants' argument of funnel_limits"):
        se.funnel_limits(0.3, [100, 12.5])
    with pytest.raises(EffektError, match="'tau2' argument of funnel_limits"):
        se.funnel_limits(0.3, [100], overdispersion="additive", tau2=-0.01)
    with pytest.raises(EffektError, match="'phi' argument of funnel_limits"):
        se.funnel_limits(0.3, [100], overdispersion="multiplicative", phi=-1)
    assert len(se.funnel_limits(0.3, [100, 400])) == 2


def test_against_target_warns_on_unused_categorical_providers_like_simple_effects():
    # Regression: against_target silently dropped providers with 0 participants.
    df = pd.DataFrame(
        {
            "provider": pd.Categorical(["A"] * 50 + ["B"] * 50, categories=["A", "B", "Z"]),
            "job": [1] * 15 + [0] * 35 + [1] * 20 + [0] * 30,
        }
    )
    with pytest.warns(SmallSampleWarning, match="'Z'.*0 participants"):
        t = se.against_target(df, "job", "provider", 0.3).table()
    assert t["provider"].tolist() == ["A", "B"]
    with pytest.warns(SmallSampleWarning, match="'Z'.*0 participants"):
        se.simple_effects(df, "job", "provider")
    # one provider against its target is fine; one participant still warns
    one = pd.DataFrame({"provider": ["A"] * 3, "job": [1, 0, 0]})
    assert len(se.against_target(one, "job", "provider", 0.3).table()) == 1
    with pytest.warns(SmallSampleWarning, match="only 1 participant.*consistent"):
        se.against_target(
            pd.DataFrame({"provider": ["A", "A", "B"], "job": [1, 0, 1]}), "job", "provider", 0.3
        )


@pytest.mark.parametrize("column, role", [("job", "outcome"), ("provider", "provider")])
def test_compare_providers_refuses_outcome_or_provider_in_case_mix(column, role):
    # Regression: the outcome or provider column was accepted as a case-mix variable.
    rng = np.random.default_rng(0)
    df = pd.DataFrame(
        {
            "provider": rng.choice(["A", "B", "C"], 300),
            "job": rng.integers(0, 2, 300),
            "age": rng.normal(40, 10, 300),
        }
    )
    with pytest.raises(EffektError, match=f"'case_mix'.*{role} column '{column}'"):
        se.compare_providers(df, "job", "provider", ["age", column])


def test_results_use_the_result_base_and_show_a_table_for_people(small):
    from effekt.results import Result

    results = [
        se.simple_effects(small, "job_6m", "provider"),
        se.compare_providers(small, "job_6m", "provider", ["age"], warn=False),
        se.against_target(small, "job_6m", "provider", 0.3),
        se.contrast_from_counts(["A", "B"], [19, 5], [20, 20], [18, 1], [20, 20]),
        se.overdispersion([0.2, 0.3, 0.25, 0.4], [100, 120, 90, 80], 0.28),
    ]
    for r in results:
        assert isinstance(r, Result)
        assert str(r) == r.summary()
        html = r._repr_html_()
        assert "<table" in html and "<pre>" not in html
    shown = results[0]._html_frame()
    assert shown["participants"].dtype == np.int64
    rates = results[0].table()["rate"]
    np.testing.assert_array_equal(shown["rate (%)"], np.round(100 * rates, 1))
    assert "adjusted rate (%)" in results[1]._html_frame().columns
