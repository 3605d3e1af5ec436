"""Entropy balancing, CEM and weighted effects against MatchIt 4.7.2 / WeightIt 1.4.0 and statsmodels.

The reference files in tests/reference/matching_lalonde/ were made by matchit_methods.R (see
that folder's README.md); they are compared here without running R.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import effekt as ef
from effekt.errors import EffektError

REF = Path(__file__).parent / "reference" / "matching_lalonde"
COVS = ["age", "educ", "race", "married", "nodegree", "re74", "re75"]
USER_CUTS = {"age": 4, "educ": [9, 12], "re74": "q4", "re75": "q4"}


@pytest.fixture(scope="module")
def lalonde() -> pd.DataFrame:
    return pd.read_csv(REF / "lalonde_matchit_psid.csv")


@pytest.fixture(scope="module")
def specs() -> dict:
    with open(REF / "lalonde_psid_methods_reference.json") as fh:
        return json.load(fh)["datasets"]["lalonde_psid"]["specs"]


@pytest.mark.parametrize("estimand", ["ATT", "ATE"])
def test_entropy_weights_equal_the_exact_dual_solution_and_weightit(lalonde, specs, estimand):
    w = ef.matching.entropy_weights(lalonde, "treat", COVS, estimand=estimand)
    ref = pd.read_csv(REF / f"weights_lalonde_psid_ebal_{estimand.lower()}.csv")
    assert (ref["id"] == lalonde["id"]).all()
    np.testing.assert_allclose(w.to_numpy(), ref["weights_exact"], rtol=1e-9, atol=1e-10)
    # WeightIt's own (BFGS) weights are within its optimiser's tolerance
    np.testing.assert_allclose(w.to_numpy(), ref["weights"], rtol=1e-3, atol=1e-3)
    exact = specs[f"ebal_{estimand.lower()}"]["exact"]["effect"]
    r = ef.matching.weighted_effect(lalonde, "re78", "treat", w, estimand=estimand)
    assert r.estimate == pytest.approx(exact["estimate"], abs=1e-6)
    assert r.std_error == pytest.approx(exact["se"]["HC1"], rel=1e-8)


@pytest.mark.parametrize("estimand", ["ATT", "ATC", "ATE"])
@pytest.mark.parametrize("moments", [1, 2])
def test_entropy_weights_balance_means_and_variances_to_1e_8(estimand, moments):
    df = ef.synthetic.observational(3000, 0.05, seed=4)
    covs = ["age", "months_on_benefit", "prior_employment", "gender"]
    w = ef.matching.entropy_weights(df, "treated", covs, estimand=estimand, moments=moments)
    t = (df["treated"] == 1).to_numpy()
    X = pd.get_dummies(df[covs], dtype=float).to_numpy()
    target = {"ATT": X[t], "ATC": X[~t], "ATE": X}[estimand]
    for g in (t, ~t):
        m = np.average(X[g], axis=0, weights=w[g])
        np.testing.assert_allclose(m, target.mean(axis=0), rtol=1e-8, atol=1e-8)
        if moments == 2:
            v = np.average((X[g] - m) ** 2, axis=0, weights=w[g])
            np.testing.assert_allclose(v, target.var(axis=0), rtol=1e-8, atol=1e-8)
    if estimand == "ATT":
        assert (w[t] == 1).all() and w[~t].sum() == pytest.approx((~t).sum())


def test_entropy_weights_match_an_independent_dual_root():
    from scipy.optimize import root

    df = ef.synthetic.observational(800, 0.05, seed=9)
    covs = ["age", "months_on_benefit"]
    w = ef.matching.entropy_weights(df, "treated", covs, moments=2)
    t = (df["treated"] == 1).to_numpy()
    X = df[covs].to_numpy(float)
    X = np.column_stack([X, X**2])
    C = (X[~t] - X[t].mean(axis=0)) / X.std(axis=0)

    def grad(lam):
        e = np.exp(C @ lam)
        return C.T @ e / e.sum()

    sol = root(grad, np.zeros(C.shape[1]), tol=1e-14)
    e = np.exp(C @ sol.x)
    np.testing.assert_allclose(w[~t].to_numpy(), e / e.mean(), rtol=1e-7)


def test_entropy_weights_infeasible_target_raises_naming_the_group():
    df = pd.DataFrame({"t": [1, 1, 0, 0, 0], "x": [10.0, 11, 1, 2, 3]})
    with pytest.raises(EffektError, match="controls"):
        ef.matching.entropy_weights(df, "t", ["x"])


@pytest.mark.parametrize("spec", ["cem_att", "cem_ate", "cem_user_att", "cem_user_ate"])
def test_cem_reproduces_matchit_cells_weights_effect_and_cluster_se(lalonde, specs, spec):
    estimand = spec[-3:].upper()
    cuts = USER_CUTS if "user" in spec else None
    m = ef.matching.cem(lalonde, "treat", COVS, cutpoints=cuts, estimand=estimand)
    ref = pd.read_csv(REF / f"matchdata_lalonde_psid_{spec}.csv").set_index("id")
    mine = m.set_index(lalonde["id"])
    np.testing.assert_allclose(
        mine["weights"], ref["weights"].reindex(mine.index).fillna(0), atol=1e-12
    )
    matched = mine.loc[ref.index, "subclass"]
    # the same partition into cells: a one-to-one map between the two numberings
    pairs = pd.DataFrame(
        {"a": matched.to_numpy(), "b": ref["subclass"].to_numpy()}
    ).drop_duplicates()
    assert pairs["a"].is_unique and pairs["b"].is_unique
    assert mine["subclass"].isna().sum() == len(lalonde) - len(ref)
    expect = specs[spec]["effect"]
    data = lalonde.assign(w=m["weights"], s=m["subclass"])
    r = ef.matching.weighted_effect(data, "re78", "treat", "w", subclass="s", estimand=estimand)
    assert r.estimate == pytest.approx(expect["estimate"], abs=1e-6)
    assert r.std_error == pytest.approx(expect["se"]["cluster_subclass_HC1"], rel=1e-9)
    assert r.n_treated + r.n_control == len(ref)


def test_cem_cut_point_value_goes_to_the_upper_bin_and_data_is_untouched():
    df = pd.DataFrame({"t": [1, 0, 1, 0], "x": [9.0, 9.0, 8.0, 12.0]})
    before = df.copy()
    m = ef.matching.cem(df, "t", ["x"], cutpoints={"x": [9, 12]})
    assert m["weights"].tolist() == [1.0, 1.0, 0.0, 0.0]
    pd.testing.assert_frame_equal(df, before)


def test_cem_bad_cutpoints_raise():
    df = pd.DataFrame({"t": [1, 0], "x": [1.0, 2.0]})
    with pytest.raises(EffektError, match="cutpoints"):
        ef.matching.cem(df, "t", ["x"], cutpoints={"y": 3})
    with pytest.raises(EffektError, match="cutpoints"):
        ef.matching.cem(df, "t", ["x"], cutpoints={"x": "quartiles"})
    with pytest.raises(EffektError, match="estimand"):
        ef.matching.cem(df, "t", ["x"], estimand="ATX")


@pytest.mark.parametrize("estimand", ["ATT", "ATC", "ATE"])
def test_regression_adjustment_equals_statsmodels_wls_cluster(lalonde, estimand):
    sm = pytest.importorskip("statsmodels.api")
    m = ef.matching.cem(lalonde, "treat", COVS, cutpoints=USER_CUTS, estimand=estimand)
    data = lalonde.assign(w=m["weights"], s=m["subclass"])
    covs = ["age", "educ", "re74"]
    r = ef.matching.weighted_effect(
        data, "re78", "treat", "w", subclass="s", covariates=covs, estimand=estimand
    )
    d = data[data["w"] > 0]
    t = d["treat"].to_numpy(float)
    focus = {"ATT": t == 1, "ATC": t == 0, "ATE": np.ones(len(t), bool)}[estimand]
    Z = d[covs].to_numpy(float)
    Z = Z - np.average(Z[focus], axis=0, weights=d["w"][focus])
    X = np.column_stack([np.ones(len(d)), t, Z, Z * t[:, None]])
    fit = sm.WLS(d["re78"].to_numpy(), X, weights=d["w"].to_numpy()).fit(
        cov_type="cluster", cov_kwds={"groups": d["s"].astype(int).to_numpy()}
    )
    assert r.estimate == pytest.approx(fit.params[1], abs=1e-10 * abs(fit.params[1]))
    assert r.std_error == pytest.approx(fit.bse[1], rel=1e-10)
    # g-computation by hand: mean over the target population of predicted differences
    assert "g-computation" in r.method


def test_weighted_effect_rejects_negative_weights_and_keeps_data():
    df = pd.DataFrame({"y": [1.0, 2, 3, 4], "t": [1, 0, 1, 0], "w": [1.0, -1, 1, 1]})
    with pytest.raises(EffektError, match="weights"):
        ef.matching.weighted_effect(df, "y", "t", "w")
    with pytest.raises(EffektError, match="weights"):
        ef.matching.weighted_effect(df, "y", "t", [1.0, 2.0])


@pytest.mark.parametrize(
    "spec", ["subclass6_att", "subclass6_ate", "subclass10_att", "subclass10_ate"]
)
def test_subclassify_reproduces_matchit_subclasses_weights_and_effect(lalonde, specs, spec):
    estimand = spec[-3:].upper()
    k = int(spec.removeprefix("subclass").split("_")[0])
    m = ef.matching.subclassify(lalonde, "treat", COVS, subclasses=k, estimand=estimand)
    ref = pd.read_csv(REF / f"matchdata_lalonde_psid_{spec}.csv").set_index("id")
    ref = ref.reindex(lalonde["id"])
    assert (m["subclass"].to_numpy() == ref["subclass"].to_numpy()).all()
    np.testing.assert_allclose(m["weights"], ref["weights"], atol=1e-12)
    counts = pd.crosstab(m["subclass"], lalonde["treat"])
    expected = specs[spec]["subclass_counts"]
    assert {str(s): [int(r[1]), int(r[0])] for s, r in counts.iterrows()} == expected
    data = lalonde.assign(w=m["weights"], s=m["subclass"])
    r = ef.matching.weighted_effect(data, "re78", "treat", "w", subclass="s", estimand=estimand)
    expect = specs[spec]["effect"]
    assert r.estimate == pytest.approx(expect["estimate"], abs=1e-6)
    assert r.std_error == pytest.approx(expect["se"]["cluster_subclass_HC1"], rel=1e-9)


def test_subclassify_moves_a_unit_into_an_empty_subclass_as_matchit_does(lalonde, specs):
    # subclass10_ate: subclass 2 had no treated unit; MatchIt moved one in (see the README)
    m = ef.matching.subclassify(lalonde, "treat", COVS, subclasses=10, estimand="ATE")
    assert (pd.crosstab(m["subclass"], lalonde["treat"]) > 0).all().all()
    assert specs["subclass10_ate"]["subclass_scoot_moved_units"] == 1


def test_subclassify_rejects_too_many_subclasses():
    df = pd.DataFrame({"t": [1, 0, 0, 1, 0], "x": [1.0, 2, 3, 4, 5]})
    with pytest.raises(EffektError, match="subclasses"):
        ef.matching.subclassify(df, "t", ["x"], subclasses=3)


@pytest.mark.parametrize(
    ("replace", "estimand"), [(False, "ATT"), (False, "ATC"), (True, "ATT"), (True, "ATE")]
)
def test_match_effect_with_covariates_equals_statsmodels_wls(lalonde, replace, estimand):
    sm = pytest.importorskip("statsmodels.api")
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        m = ef.matching.match(lalonde, "treat", COVS, replace=replace, estimand=estimand)
    covs = ["age", "educ", "re75"]
    r = m.effect("re78", covariates=covs)
    on = m.weights > 0
    d = lalonde[on]
    w = m.weights[on]
    t = d["treat"].to_numpy(float)
    focus = {"ATT": t == 1, "ATC": t == 0, "ATE": np.ones(len(t), bool)}[estimand]
    Z = d[covs].to_numpy(float)
    Z = Z - np.average(Z[focus], axis=0, weights=w[focus])
    X = np.column_stack([np.ones(len(d)), t, Z, Z * t[:, None]])
    groups = m.subclass[on] if not replace else np.arange(len(d))
    fit = sm.WLS(d["re78"].to_numpy(), X, weights=w).fit(
        cov_type="cluster", cov_kwds={"groups": groups}
    )
    assert r.estimate == pytest.approx(fit.params[1], rel=1e-10)
    assert r.std_error == pytest.approx(fit.bse[1], rel=1e-10)
    assert r.estimand == estimand
    with pytest.raises(EffektError, match="se"):
        m.effect("re78", covariates=covs, se="hc3")


def test_overlap_weights_are_one_minus_e_and_e_and_balance_means_exactly(lalonde):
    w = ef.matching.overlap_weights(lalonde, "treat", COVS)
    e = ef.matching.propensity_score(lalonde, "treat", COVS).scores.to_numpy()
    t = (lalonde["treat"] == 1).to_numpy()
    np.testing.assert_allclose(w, np.where(t, 1 - e, e), rtol=1e-15)
    X = pd.get_dummies(lalonde[COVS], dtype=float).to_numpy()
    gap = np.average(X[t], axis=0, weights=w[t]) - np.average(X[~t], axis=0, weights=w[~t])
    np.testing.assert_allclose(gap / X.std(axis=0), 0, atol=1e-8)


@pytest.mark.parametrize("spec", ["cem_k2k_att", "cem_user_k2k_att"])
def test_cem_k2k_matches_matchit_up_to_identical_controls(lalonde, specs, spec):
    cuts = USER_CUTS if "user" in spec else None
    m = ef.matching.cem(lalonde, "treat", COVS, cutpoints=cuts, k2k=True)
    ref = pd.read_csv(REF / f"pairs_lalonde_psid_{spec}.csv")
    profile = lalonde.set_index("id")[COVS].astype(str).agg("|".join, axis=1)
    sub = m["subclass"]
    ids = lalonde["id"]
    mine = {
        ids[g.index[lalonde.loc[g.index, "treat"] == 1][0]]: ids[
            g.index[lalonde.loc[g.index, "treat"] == 0][0]
        ]
        for _, g in sub.dropna().groupby(sub.dropna())
    }
    assert set(mine) == set(ref["focal"])
    # the same control, or one with identical covariates (a tie MatchIt breaks otherwise)
    same = [
        profile[mine[f]] == profile[c] for f, c in zip(ref["focal"], ref["matched"], strict=True)
    ]
    assert all(same)
    assert set(mine.values()) == set(ref["matched"])
    assert (m["weights"][sub.notna()] == 1).all()
    data = lalonde.assign(w=m["weights"], s=m["subclass"])
    r = ef.matching.weighted_effect(data, "re78", "treat", "w", subclass="s")
    expect = specs[spec]["effect"]
    assert r.estimate == pytest.approx(expect["estimate"], abs=1e-6)
    assert r.std_error == pytest.approx(expect["se"]["cluster_subclass_HC1"], rel=0.01)


def test_weighted_effect_unidentified_or_single_cluster_raises():
    df = pd.DataFrame(
        {"y": [1.0, 2, 3, 4, 5, 6], "t": [1, 0, 1, 0, 1, 0], "c": [1.0] * 6, "s": [1] * 6}
    )
    with pytest.raises(EffektError, match="collinear"):
        ef.matching.weighted_effect(df, "y", "t", [1.0] * 6, covariates=["c"])
    with pytest.raises(EffektError, match="at least 2 matched sets"):
        ef.matching.weighted_effect(df, "y", "t", [1.0] * 6, subclass="s")
