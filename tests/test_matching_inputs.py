"""Bad inputs to propensity_score(), match() and MatchResult.effect(): clear errors or warnings with counts."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from effekt.errors import (
    ColumnError,
    ConvergenceWarning,
    DroppedRowsWarning,
    EffektError,
    MissingValueError,
    OverlapWarning,
    SmallSampleWarning,
)
from effekt.matching import match, propensity_score


@pytest.fixture()
def df() -> pd.DataFrame:
    rng = np.random.default_rng(42)
    n = 400
    d = pd.DataFrame(
        {
            "age": rng.normal(40, 10, n),
            "months": rng.gamma(2, 5, n),
            "benefit": rng.choice(["cash", "sickness", "flex"], n),
        }
    )
    d["t"] = (rng.random(n) < 1 / (1 + np.exp(1 - 0.04 * (d["age"] - 40)))).astype(int)
    d["y"] = rng.normal(size=n) + 0.3 * d["t"]
    return d


def test_no_overlap_is_separation(df):
    d = df.copy()
    d["score"] = np.where(d["t"] == 1, 5.0, 0.0) + d["age"] / 1000
    with pytest.raises(EffektError, match=r"separation.*'score'.*treated range"):
        propensity_score(d, "t", ["age", "score"])
    with pytest.raises(EffektError, match="separation"):
        match(d, "t", ["age", "score"])


def test_no_overlap_with_supplied_scores_and_discard(df):
    d = df.assign(ps=np.where(df["t"] == 1, 0.9, 0.1))
    with pytest.raises(EffektError, match="do not overlap"):
        match(d, "t", ["age"], distance="ps", discard="both")


def test_caliper_leaving_nobody_matched(df):
    d = df.assign(ps=np.where(df["t"] == 1, 0.8, 0.2) + np.arange(len(df)) * 1e-6)
    with pytest.raises(
        EffektError, match=r"no treated unit could be matched within the caliper \(0.01 SD"
    ):
        match(d, "t", ["age"], distance="ps", caliper=0.01)


def test_constant_covariate(df):
    with pytest.raises(ColumnError, match=r"covariate 'one'.*constant.*Remove it"):
        propensity_score(df.assign(one=1.0), "t", ["age", "one"])
    with pytest.raises(ColumnError, match=r"'region'.*single value"):
        match(df.assign(region="north"), "t", ["age", "region"])


def test_quasi_separation_by_category_level(df):
    d = df.copy()
    d.loc[d["t"] == 0, "benefit"] = d.loc[d["t"] == 0, "benefit"].replace("flex", "cash")
    n_flex = int((d["benefit"] == "flex").sum())
    with pytest.raises(
        EffektError, match=rf"'benefit_flex' \(value 1 in {n_flex} treated and 0 control"
    ):
        propensity_score(d, "t", ["age", "benefit"])


def test_separation_by_a_combination():
    rng = np.random.default_rng(3)
    n = 300
    d = pd.DataFrame({"a": rng.normal(size=n), "b": rng.normal(size=n)})
    d["t"] = (d["a"] + d["b"] > 0).astype(int)
    with pytest.raises(EffektError, match="combination of covariates"):
        propensity_score(d, "t", ["a", "b"])


def test_non_convergence_warns(df):
    with pytest.warns(ConvergenceWarning, match="did not converge in 1 iterations"):
        ps = propensity_score(df, "t", ["age"], max_iter=1)
    assert not ps.converged


def test_missing_covariate_values(df):
    d = df.copy()
    d.loc[d.index[:7], "age"] = np.nan
    with pytest.raises(MissingValueError, match=r"'age'.*7 missing values.*missing='drop'"):
        match(d, "t", ["age", "months"])
    with pytest.warns(DroppedRowsWarning, match=r"dropped 7 of 400 rows"):
        m = match(d, "t", ["age", "months"], missing="drop")
    assert len(m.data) == 393
    assert any("7 rows with missing values" in note for note in m.notes)
    with pytest.warns(DroppedRowsWarning, match="dropped 7"):
        ps = propensity_score(d, "t", ["age"], missing="drop")
    assert len(ps.scores) == 393


def test_exact_stratum_with_treated_but_no_controls(df):
    d = df.copy()
    d.loc[(d["benefit"] == "flex") & (d["t"] == 0), "benefit"] = "cash"
    n_flex = int(((d["benefit"] == "flex") & (d["t"] == 1)).sum())
    with pytest.warns(OverlapWarning) as record:
        m = match(d, "t", ["age"], exact="benefit")
    text = " ".join(str(w.message) for w in record)
    assert f"('flex',): {n_flex} treated" in text and "no controls" in text
    assert m.n_treated_unmatched >= n_flex
    # every treated unit in such strata: nothing to match at all
    only2 = d.copy()
    only2["stratum"] = np.where(only2["t"] == 1, "a", "b")
    with pytest.raises(EffektError, match="nobody else is left"):
        match(only2, "t", ["age"], exact="stratum")


def test_ratio_larger_than_available_controls(df):
    n_t, n_c = int(df["t"].sum()), int((df["t"] == 0).sum())
    with pytest.warns(
        OverlapWarning,
        match=rf"ratio=5 asks for {5 * n_t} controls for {n_t} treated units, but only {n_c}",
    ):
        m = match(df, "t", ["age"], ratio=5)
    assert m.n_controls_used == n_c


@pytest.mark.parametrize(
    ("kwargs", "pattern"),
    [
        ({"caliper": -0.2}, r"The 'caliper' argument of match\(\) must be a number > 0; got -0.2"),
        ({"caliper": 0}, "'caliper'"),
        ({"ratio": 0}, r"The 'ratio' argument of match\(\) must be an integer >= 1; got 0"),
        ({"ratio": 1.5}, "'ratio'"),
        (
            {"discard": "outside"},
            r"'discard'.*one of 'none', 'both', 'control', 'treated'; got 'outside'",
        ),
        ({"order": "biggest"}, r"'order'"),
        ({"distance": "euclid"}, r"'distance'"),
        ({"distance": np.ones(3)}, r"'distance'.*one score per row \(400\)"),
        ({"replace": "yes"}, r"'replace'"),
        (
            {"std_caliper": "no", "caliper": 0.2},
            r"The 'std_caliper' argument of match\(\) must be True or False; got 'no'",
        ),
        (
            {"exact_fallback": "no"},
            r"The 'exact_fallback' argument of match\(\) must be True or False",
        ),
        (
            {"ties": "yes", "replace": True},
            r"The 'ties' argument of match\(\) must be True or False",
        ),
        ({"ties": 1, "replace": True}, r"'ties'.*True or False; got 1"),
        ({"replace": None}, r"'replace'.*True or False"),
        (
            {"tie_tolerance": -1, "ties": True, "replace": True},
            r"'tie_tolerance' argument of match\(\) must be a number >= 0; got -1",
        ),
        ({"tie_tolerance": -1}, r"'tie_tolerance'"),
        ({"exact_fallback": True}, r"'exact_fallback'.*needs 'exact'"),
        ({"ties": True}, r"'ties'.*replace=True"),
        ({"missing": "ignore"}, r"'missing'"),
        ({"exact": "nope"}, r"column 'nope' given as 'exact'"),
        ({"distance": "mahalanobis", "caliper": 0.5}, "std_caliper=False"),
        ({"distance": "mahalanobis", "order": "largest"}, "no score to sort on"),
        ({"distance": "mahalanobis", "discard": "both"}, "needs a propensity score"),
    ],
)
def test_bad_arguments_of_match(df, kwargs, pattern):
    with pytest.raises(EffektError, match=pattern):
        match(df, "t", ["age", "months"], **kwargs)


def test_bad_columns_and_treatment(df):
    with pytest.raises(ColumnError, match=r"column 'agee' given as 'covariates'"):
        match(df, "t", ["agee"])
    with pytest.raises(ColumnError, match="exactly two values"):
        match(df.assign(t3=np.arange(len(df)) % 3), "t3", ["age"])
    with pytest.raises(EffektError, match="exactly two values"):
        propensity_score(df[df["t"] == 1].assign(t=1), "t", ["age"])
    with pytest.raises(EffektError, match="must be a pandas, Polars or PyArrow DataFrame"):
        match(df.to_numpy(), "t", ["age"])
    with pytest.raises(EffektError, match="also listed in 'covariates'"):
        propensity_score(df, "t", ["age", "t"])
    with pytest.raises(EffektError, match="'model'"):
        propensity_score(df, "t", ["age"], model="probit")
    with pytest.raises(EffektError, match="'covariates'"):
        match(df, "t", [])


def test_bad_arguments_of_effect(df):
    m = match(df, "t", ["age"])
    with pytest.raises(EffektError, match="'se'"):
        m.effect("y", se="robust")
    with pytest.raises(EffektError, match="'estimand'"):
        m.effect("y", estimand="ATE")
    with pytest.raises(EffektError, match="'conf_level'"):
        m.effect("y", conf_level=95)
    with pytest.raises(ColumnError, match="'yy'"):
        m.effect("yy")
    d = df.copy()
    d.loc[d.index[:50], "y"] = np.nan
    m2 = match(d, "t", ["age"])
    with pytest.raises(EffektError, match=r"'y' has \d+ missing values among the matched units"):
        m2.effect("y")
    m3 = match(df, "t", ["age"], replace=True)
    with pytest.raises(EffektError, match="cannot be 'cluster' after matching with replacement"):
        m3.effect("y", se="cluster")
    # a method-choice warning, not an overlap problem (SmallSampleWarning: the large-sample
    # theory behind the SE does not cover matching without replacement)
    with pytest.warns(SmallSampleWarning, match="assumes matching with replacement") as record:
        m.effect("y", se="abadie-imbens")
    assert not any(issubclass(w.category, OverlapWarning) for w in record)


def test_sklearn_model(df):
    from sklearn.ensemble import GradientBoostingClassifier
    from sklearn.linear_model import LogisticRegression

    ps = propensity_score(
        df, "t", ["age", "months", "benefit"], model=LogisticRegression(C=1e6, max_iter=1000)
    )
    ref = propensity_score(df, "t", ["age", "months", "benefit"])
    np.testing.assert_allclose(ps.scores, ref.scores, atol=1e-4)
    assert ps.coef is None and ps.model == "LogisticRegression"
    m = match(
        df,
        "t",
        ["age", "months"],
        distance=GradientBoostingClassifier(random_state=0, n_estimators=20),
    )
    assert m.propensity is not None and m.propensity.model == "GradientBoostingClassifier"
    m2 = match(df, "t", ["age", "months"], distance=ref)
    assert m2.propensity is ref
    with pytest.raises(EffektError, match="fitted on other rows"):
        match(df.iloc[:300], "t", ["age"], distance=ref)
    assert "Propensity score (logit)" in ref.summary()
    assert list(ref.to_frame().columns) == ["estimate", "std_error", "z"]


def test_distance_series_is_aligned_on_the_index(df):
    d = df.set_axis([f"r{i}" for i in range(len(df))])
    score = pd.Series(1 / (1 + np.exp(-(d["age"] - 40) / 10)), index=d.index)
    m1 = match(d, "t", ["age"], distance=score)
    m2 = match(d, "t", ["age"], distance=score.iloc[::-1])  # same scores, reversed order
    assert np.array_equal(m1._t_pos, m2._t_pos) and np.array_equal(m1._c_pos, m2._c_pos)
    assert np.array_equal(m2.distance, score.to_numpy())
    assert m1.effect("y").estimate == m2.effect("y").estimate
    # a Series covering more rows than the data is fine (e.g. after missing="drop")
    wider = pd.concat([score, pd.Series([0.5], index=["extra"])])
    assert np.array_equal(match(d, "t", ["age"], distance=wider)._c_pos, m1._c_pos)
    with pytest.raises(EffektError, match=r"'distance'.*no score for 1 row.*'r0'"):
        match(d, "t", ["age"], distance=score.iloc[1:])
    with pytest.raises(EffektError, match=r"'distance'.*duplicated index labels"):
        match(d, "t", ["age"], distance=score.set_axis(["a"] * len(score)))
    # a plain array is taken in data order and needs one score per row
    assert np.array_equal(match(d, "t", ["age"], distance=score.to_numpy())._c_pos, m1._c_pos)
    with pytest.raises(EffektError, match=r"'distance'.*one score per row \(400\)"):
        match(d, "t", ["age"], distance=score.to_numpy()[1:])


def test_nullable_outcome_with_missing_values_only_in_unmatched_rows(df):
    # no caliper problems: matching 1:1 without replacement leaves controls unmatched
    m = match(df, "t", ["age"], ratio=1)
    assert (~m.matched).any()
    rng = np.random.default_rng(0)
    yb = rng.random(len(df)) < 0.4
    d = df.assign(yB=pd.array(yb, dtype="boolean"), yI=pd.array(yb.astype(int), dtype="Int64"))
    ref = match(d.assign(yB=yb), "t", ["age"], ratio=1).effect("yB")
    unmatched = ~m.matched
    d.loc[unmatched, "yB"] = pd.NA
    d.loc[unmatched, "yI"] = pd.NA
    before = d.copy(deep=True)
    mm = match(d, "t", ["age"], ratio=1)
    for col in ("yB", "yI"):
        for se in ("cluster", "hc3", "bootstrap"):
            r = mm.effect(col, se=se, seed=1)
            assert r.estimate == pytest.approx(ref.estimate, abs=1e-12)
            assert r.scale == "proportion"
    pd.testing.assert_frame_equal(d, before)
    # a missing value among the matched rows still gives the clear error
    d.loc[d.index[np.flatnonzero(mm.matched)[0]], "yB"] = pd.NA
    with pytest.raises(EffektError, match=r"'yB' has 1 missing values among the matched units"):
        match(d, "t", ["age"], ratio=1).effect("yB")


def test_abadie_imbens_needs_the_outcomes_of_unmatched_controls(df):
    d = df.copy()
    m = match(d, "t", ["age"], replace=True)
    spare = np.flatnonzero(~m.matched & ~m.treated)
    assert spare.size
    d.loc[d.index[spare[0]], "y"] = np.nan
    m2 = match(d, "t", ["age"], replace=True)
    with pytest.raises(
        EffektError, match=r"'y' has 1 missing values among the eligible controls.*var_matches=0"
    ):
        m2.effect("y")
    # homoskedastic AI only uses the matched units
    assert m2.effect("y", var_matches=0).std_error == m.effect("y", var_matches=0).std_error


def test_exact_on_a_mixed_type_object_column(df):
    rng = np.random.default_rng(2)
    mixed = pd.Series(
        [1 if r < 0.5 else "a" for r in rng.random(len(df))], index=df.index, dtype=object
    )
    d = df.assign(g=mixed, g_text=mixed.astype(str))
    before = d.copy(deep=True)
    m = match(d, "t", ["age"], exact="g")
    ref = match(d, "t", ["age"], exact="g_text")  # the same strata, sortable labels
    assert np.array_equal(m._t_pos, ref._t_pos) and np.array_equal(m._c_pos, ref._c_pos)
    md = m.matched_data()
    assert (md.groupby("subclass")["g_text"].nunique() == 1).all()
    # together with an ordinary column
    m2 = match(d, "t", ["age"], exact=["benefit", "g"])
    ref2 = match(d, "t", ["age"], exact=["benefit", "g_text"])
    assert np.array_equal(m2._c_pos, ref2._c_pos)
    pd.testing.assert_frame_equal(d, before)


def test_balance_of_extra_columns_with_missing_values_raises(df):
    rng = np.random.default_rng(3)
    gaps = rng.random(len(df)) < 0.1
    d = df.assign(
        z=pd.array(np.where(gaps, 0, 1), dtype="Int64"),
        s=np.where(gaps, None, "a"),
        ok=rng.normal(size=len(df)),
    )
    d.loc[gaps, "z"] = pd.NA
    m = match(d, "t", ["age"])
    assert "ok" in m.balance(["ok"]).index
    with pytest.raises(
        MissingValueError, match=rf"column 'z' used by balance\(\) has {gaps.sum()} missing"
    ):
        m.balance(["ok", "z"])
    with pytest.raises(MissingValueError, match=r"column 's' used by balance\(\)"):
        m.balance(["s"])


# --- one design encoder: bad covariate columns raise in every entry point -------------------


def _bad_columns(df):
    n = len(df)
    inf = df["age"].to_numpy().copy()
    inf[3] = np.inf
    return {
        "infinite": (inf, "infinite"),
        "datetime": (pd.date_range("2020-01-01", periods=n, freq="D"), "dates or times"),
        "decimal_comma": (
            [f"{v:.1f}".replace(".", ",") for v in df["months"].to_numpy()],
            "decimal comma",
        ),
    }


@pytest.mark.parametrize("kind", ["infinite", "datetime", "decimal_comma"])
def test_bad_covariate_raises_everywhere(df, kind):
    from effekt.matching import aipw, ipw

    values, message = _bad_columns(df)[kind]
    d = df.assign(bad=values)
    before = d.copy()
    covs = ["age", "bad"]
    with pytest.raises(EffektError, match=rf"'bad' passed to match\(\).*{message}"):
        match(d, "t", covs)
    with pytest.raises(EffektError, match=rf"'bad' passed to match\(\).*{message}"):
        match(d.assign(ps=0.5), "t", covs, distance="ps")
    with pytest.raises(EffektError, match=rf"'bad' passed to propensity_score\(\).*{message}"):
        propensity_score(d, "t", covs)
    for func in (ipw, aipw):
        with pytest.raises(EffektError, match=rf"'bad' passed to {func.__name__}\(\).*{message}"):
            func(d, "y", "t", covs)
    m = match(d, "t", ["age"])
    with pytest.raises(EffektError, match=rf"'bad' passed to balance\(\).*{message}"):
        m.balance(["age", "bad"])
    pd.testing.assert_frame_equal(d, before)
