"""effekt.matching against MatchIt 4.7.2 and Matching 4.10-8 on the Lalonde NSW/PSID data.

Reference files: tests/reference/matching_lalonde/ (copied from the project's shared
reference set, computed with MatchIt 4.7.2 on R 4.2.2; see its README.md) and
tests/reference/matching_abadie_imbens.json (tests/reference/matching_abadie_imbens.R,
Matching 4.10-8).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from effekt.errors import OverlapWarning
from effekt.matching import match, propensity_score

REF = Path(__file__).parent / "reference"
LAL = REF / "matching_lalonde"
COVS = ["age", "educ", "race", "married", "nodegree", "re74", "re75"]
SPECS = {
    "noreplace": {},
    "caliper0.1": {"caliper": 0.1},
    "replace": {"replace": True},
}
STATS = {
    "Means Treated": "mean_treated",
    "Means Control": "mean_control",
    "Std. Mean Diff.": "smd",
    "Var. Ratio": "var_ratio",
    "eCDF Mean": "ecdf_mean",
    "eCDF Max": "ecdf_max",
}


@pytest.fixture(scope="module")
def lalonde() -> pd.DataFrame:
    return pd.read_csv(LAL / "lalonde_matchit_psid.csv").set_index("id")


@pytest.fixture(scope="module")
def reference() -> dict:
    return json.loads((LAL / "lalonde_psid_reference.json").read_text())


def _match(data: pd.DataFrame, spec: str):
    if spec == "caliper0.1":
        with pytest.warns(OverlapWarning, match="74 unmatched"):
            return match(data, "treat", COVS, **SPECS[spec])
    return match(data, "treat", COVS, **SPECS[spec])


@pytest.fixture(scope="module", params=list(SPECS))
def matched(request, lalonde):
    return request.param, _match(lalonde, request.param)


def test_propensity_coefficients_and_scores(lalonde, reference):
    ps = propensity_score(lalonde, "treat", COVS)
    ref = reference["ps_glm_coefficients"]  # R: glm(treat ~ ..., binomial) via MatchIt 4.7.2
    ours = ps.coef.rename(lambda k: k.replace("race_", "race"))
    for name, value in ref.items():
        assert ours[name] == pytest.approx(value, rel=1e-9, abs=1e-12)
    scores = pd.read_csv(LAL / "ps_lalonde_psid.csv").set_index("id")[
        "ps"
    ]  # R: fitted(glm), 17 digits
    np.testing.assert_allclose(
        ps.scores.loc[scores.index].to_numpy(), scores.to_numpy(), rtol=0, atol=1e-12
    )
    assert ps.converged and ps.model == "logit"
    assert ps.scores.index.equals(lalonde.index)


def test_same_pairs_as_matchit(matched):
    spec, m = matched
    ref = pd.read_csv(LAL / f"pairs_lalonde_psid_nearest_{spec}.csv")  # MatchIt: match.matrix
    pairs = m.pairs()
    assert dict(zip(pairs["treated"], pairs["control"], strict=False)) == dict(
        zip(ref["id_treated"], ref["id_control"], strict=False)
    )
    assert len(pairs) == len(ref)


def test_same_matched_data_weights_subclass(matched):
    spec, m = matched
    ref = pd.read_csv(LAL / f"matchdata_lalonde_psid_nearest_{spec}.csv").set_index(
        "id"
    )  # MatchIt: match.data()
    md = m.matched_data()
    assert list(md.index) == list(ref.index)  # same rows, data order
    np.testing.assert_allclose(
        md["weights"].to_numpy(), ref["weights"].to_numpy(), rtol=0, atol=1e-12
    )
    if spec == "replace":
        assert md["subclass"].isna().all() and ref["subclass"].isna().all()
    else:
        assert (md["subclass"].astype(int).to_numpy() == ref["subclass"].to_numpy()).all()
    assert (md["treat"] == ref["treat"]).all()


def test_counts(matched, reference):
    spec, m = matched
    ref = reference["matchit"][f"nearest_{spec}"]
    assert m.n_treated_matched == ref["n_matched_treated"]
    assert m.n_controls_used == ref["n_matched_controls"]
    assert m.n_treated_unmatched == ref["n_unmatched_treated"]
    assert m.n_control - m.n_controls_used == ref["n_unmatched_controls"]
    assert m.caliper == (
        pytest.approx(ref["options"]["caliper_absolute_ps_units"], rel=1e-12)
        if ref["options"]["caliper_absolute_ps_units"] is not None
        else None
    )


def test_balance_tables(matched, reference):
    spec, m = matched
    bal = m.balance().rename(index=lambda k: k.replace("race_", "race"))
    ref = reference["matchit"][f"nearest_{spec}"]  # MatchIt: summary(m, un = TRUE)
    for part, suffix in (("balance_all", "before"), ("balance_matched", "after")):
        assert set(ref[part]) == set(bal.index)
        for var, row in ref[part].items():
            for key, col in STATS.items():
                value = bal.loc[var, f"{col}_{suffix}"]
                if row[key] is None:
                    assert np.isnan(value), (var, col)
                else:
                    assert value == pytest.approx(row[key], rel=1e-6, abs=1e-9), (
                        spec,
                        part,
                        var,
                        col,
                    )


def test_att_and_standard_errors(matched, reference):
    spec, m = matched
    att = reference["matchit"][f"nearest_{spec}"]["att"]
    if spec != "replace":
        r = m.effect("re78")  # default: cluster-robust by subclass
        ref = att[
            "cluster_subclass_HC1"
        ]  # R: sandwich::vcovCL(lm(re78 ~ treat, weights), ~subclass)
        assert r.estimate == pytest.approx(ref["estimate"], rel=1e-9)
        assert r.std_error == pytest.approx(ref["se"], rel=1e-9)
        assert r.scale == "mean" and r.estimand == "ATT"
    r = m.effect("re78", se="hc3")
    ref = att["HC3"]  # R: sandwich::vcovHC(type = "HC3") on match.data()
    assert r.estimate == pytest.approx(ref["estimate"], rel=1e-9)
    assert r.std_error == pytest.approx(ref["se"], rel=1e-9)
    assert r.ci == pytest.approx(tuple(ref["ci_t_dist"]), rel=1e-9)  # same t(n - 2) reference
    assert r.n_treated == m.n_treated_matched and r.n_control == m.n_controls_used


def test_matching_match_with_ties_abadie_imbens(lalonde, reference):
    ref = reference["Matching_Match_ps"]  # R: Matching::Match(Y, Tr, X = ps, M = 1) (ties kept)
    m = match(lalonde, "treat", COVS, replace=True, ties=True)
    assert len(m.pairs()) == ref["n_matched_rows_incl_ties"]
    assert m.n_controls_used == ref["n_distinct_controls"]
    r = m.effect("re78", var_matches=0)
    assert r.estimate == pytest.approx(ref["estimate"], rel=1e-9)
    assert r.std_error == pytest.approx(ref["se_abadie_imbens"], rel=1e-9)


@pytest.mark.parametrize("case", range(4))
@pytest.mark.parametrize("dataset", ["lalonde", "sim"])
def test_abadie_imbens_against_matching(dataset, case, lalonde):
    ref = json.loads((REF / "matching_abadie_imbens.json").read_text())[dataset][case]
    # R: Matching::Match(Y, Tr, X, M, Var.calc), tests/reference/matching_abadie_imbens.R
    if dataset == "lalonde":
        df = lalonde.assign(ps=pd.read_csv(LAL / "ps_lalonde_psid.csv")["ps"].to_numpy())
        m = match(df, "treat", COVS, distance="ps", replace=True, ties=True, ratio=ref["M"])
        y = "re78"
    else:
        df = pd.read_csv(REF / "matching_ai_sim.csv")
        m = match(df, "treat", ["x"], distance="x", replace=True, ties=True, ratio=ref["M"])
        y = "y"
    assert len(m.pairs()) == ref["n_rows"]
    assert m.n_controls_used == ref["n_distinct_controls"]
    r = m.effect(y, var_matches=ref["var_calc"])
    assert r.estimate == pytest.approx(ref["estimate"], rel=1e-9)
    assert r.std_error == pytest.approx(ref["se"], rel=1e-6)


def test_abadie_imbens_without_ties_on_tie_free_data():
    """On data without ties, MatchIt's single nearest control equals Match's set."""
    df = pd.read_csv(REF / "matching_ai_sim.csv")
    ref = json.loads((REF / "matching_abadie_imbens.json").read_text())["sim"][0]
    m = match(df, "treat", ["x"], distance="x", replace=True)  # ties=False: MatchIt convention
    r = m.effect("y", var_matches=0)
    if len(m.pairs()) == ref["n_rows"]:
        assert r.std_error == pytest.approx(ref["se"], rel=1e-3)


def test_bootstrap_is_seeded_and_close_to_cluster(lalonde):
    m = match(lalonde, "treat", COVS)
    a = m.effect("re78", se="bootstrap", n_boot=400, seed=7)
    b = m.effect("re78", se="bootstrap", n_boot=400, seed=7)
    assert a.std_error == b.std_error and a.ci == b.ci
    c = m.effect("re78")
    assert a.estimate == pytest.approx(c.estimate, rel=1e-12)
    assert a.std_error == pytest.approx(c.std_error, rel=0.15)
