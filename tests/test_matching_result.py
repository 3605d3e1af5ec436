"""One result object for every design: ``match(method=...)`` -> MatchedSample, against MatchIt/WeightIt on Lalonde.

The reference values are those of tests/reference/matching_lalonde/ (made by matchit_methods.R);
each method's result must reproduce the effect and cluster SE of its reference spec and give
the same units, weights and sets as its per-row function.
"""

from __future__ import annotations

import json
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
import pytest

import effekt as ef
from effekt.errors import EffektError
from effekt.matching import MatchedSample, MatchResult

matplotlib.use("Agg")

REF = Path(__file__).parent / "reference" / "matching_lalonde"
COVS = ["age", "educ", "race", "married", "nodegree", "re74", "re75"]

# (spec, match() arguments, per-row function and its arguments, SE key of the reference)
CASES = {
    "cem_att": (dict(method="cem"), "cem", {}, "cluster_subclass_HC1"),
    "cem_ate": (
        dict(method="cem", estimand="ATE"),
        "cem",
        dict(estimand="ATE"),
        "cluster_subclass_HC1",
    ),
    "cem_k2k_att": (dict(method="cem", k2k=True), "cem", dict(k2k=True), None),
    "subclass6_att": (dict(method="subclass"), "subclassify", {}, "cluster_subclass_HC1"),
    "subclass10_ate": (
        dict(method="subclass", subclasses=10, estimand="ATE"),
        "subclassify",
        dict(subclasses=10, estimand="ATE"),
        "cluster_subclass_HC1",
    ),
    "optimal_ratio1_tol1e-8": (dict(method="optimal"), "optimal_match", {}, None),
    "full_att_tol1e-8": (dict(method="full"), "optimal_match", dict(method="full"), None),
    "ebal_att": (dict(method="ebal"), "entropy_weights", {}, "HC1"),
    "ebal_ate": (
        dict(method="ebal", estimand="ATE"),
        "entropy_weights",
        dict(estimand="ATE"),
        "HC1",
    ),
}


@pytest.fixture(scope="module")
def lalonde() -> pd.DataFrame:
    return pd.read_csv(REF / "lalonde_matchit_psid.csv")


@pytest.fixture(scope="module")
def specs() -> dict:
    with open(REF / "lalonde_psid_methods_reference.json") as fh:
        return json.load(fh)["datasets"]["lalonde_psid"]["specs"]


@pytest.mark.parametrize("spec", sorted(CASES))
def test_every_method_returns_the_one_result_equal_to_its_function_and_matchit(
    lalonde, specs, spec
):
    args, func, func_args, se_key = CASES[spec]
    before = lalonde.copy()
    m = ef.matching.match(lalonde, "treat", COVS, **args)
    pd.testing.assert_frame_equal(lalonde, before)
    assert isinstance(m, MatchedSample) and m.method == args["method"]
    assert m.estimand == args.get("estimand", "ATT")
    rows = getattr(ef.matching, func)(lalonde, "treat", COVS, **func_args)
    rows = rows.to_frame("weights") if isinstance(rows, pd.Series) else rows
    units = m.units()
    np.testing.assert_array_equal(units["weights"].to_numpy(), rows["weights"].to_numpy())
    if "subclass" in rows:
        pd.testing.assert_series_equal(
            units["subclass"], rows["subclass"].astype("Int64"), check_names=False
        )
    r = m.effect("re78")
    ref = specs[spec]["effect"]
    # WeightIt stops entropy balancing at its tolerance; effekt solves the dual exactly
    # (weights equal an exact re-solution to 1e-9, tests/test_matching_balancing.py)
    tol = dict(rel=1e-4) if func == "entropy_weights" else dict(abs=1e-6)
    assert r.estimate == pytest.approx(ref["estimate"], **tol)
    if se_key is not None:
        assert r.std_error == pytest.approx(ref["se"][se_key], rel=1e-4 if tol.get("rel") else 1e-9)
    assert r.estimand == m.estimand and r.n_treated + r.n_control == ref["n_obs"]
    if "total_distance" in rows.attrs:
        assert m.options["total_distance"] == rows.attrs["total_distance"]


@pytest.mark.parametrize("method", ["optimal", "full", "cem", "subclass", "ebal", "overlap", "ipw"])
def test_adjusted_effect_equals_statsmodels_wls_with_cluster_se_by_set(lalonde, method):
    sm = pytest.importorskip("statsmodels.api")
    m = ef.matching.match(lalonde, "treat", COVS, method=method)
    covs = ["age", "educ", "re74"]
    r = m.effect("re78", covariates=covs)
    d = m.matched_data()
    t = d["treat"].to_numpy(float)
    target = t == 1 if m.estimand == "ATT" else np.ones(len(t), bool)
    Z = d[covs].to_numpy(float)
    Z = Z - np.average(Z[target], axis=0, weights=d["weights"][target])
    X = np.column_stack([np.ones(len(d)), t, Z, Z * t[:, None]])
    groups = d["subclass"].to_numpy(dtype=float) if m.has_sets else np.arange(len(d))
    fit = sm.WLS(d["re78"].to_numpy(), X, weights=d["weights"].to_numpy()).fit(
        cov_type="cluster", cov_kwds={"groups": groups.astype(int)}
    )
    assert r.estimate == pytest.approx(fit.params[1], rel=1e-10)
    assert r.std_error == pytest.approx(fit.bse[1], rel=1e-10)
    assert "g-computation" in r.method


@pytest.mark.parametrize(
    "method", ["nearest", "optimal", "full", "cem", "subclass", "ebal", "overlap", "ipw"]
)
def test_every_result_has_balance_plots_data_text_and_html(lalonde, method, tmp_path):
    m = ef.matching.match(lalonde, "treat", COVS, method=method)
    bal = m.balance()
    assert {"smd_before", "smd_after", "var_ratio_after", "ecdf_max_after"} <= set(bal.columns)
    pd.testing.assert_frame_equal(m.to_frame(), bal)
    table = m.balance_table(squares=True)
    assert isinstance(table, ef.matching.BalanceTable) and "age²" in table.table.index
    if method in ("ebal", "overlap"):
        assert m.balance_table().all_balanced  # exact mean balance (overlap: logit score)
    md = m.matched_data()
    assert len(md) == int((m.weights > 0).sum()) and {"weights", "subclass"} <= set(md.columns)
    text = m.summary()
    assert "smd_after" in text
    if method != "nearest":
        assert text.splitlines()[0] == f"{m._html_title()}" and m.estimand in text.splitlines()[0]
    assert m._html_title() in m._repr_html_()
    ax = m.plot_balance()
    ax.figure.savefig(tmp_path / "balance.png")
    if m.distance is None:
        with pytest.raises(EffektError, match="propensity score"):
            m.plot_overlap()
    else:
        ax = m.plot_overlap()
        ax.figure.savefig(tmp_path / "overlap.png")
        names = [t.get_text() for t in ax.get_legend().get_texts()]
        assert ("treated, weighted" in names) == (method in ("overlap", "ipw"))
    assert isinstance(m, MatchResult) == (method == "nearest")


def test_results_work_in_compare_designs(lalonde):
    full3 = ef.matching.match(lalonde, "treat", COVS, method="full", max_controls=3)
    c = ef.matching.compare_designs(
        lalonde,
        "re78",
        "treat",
        COVS,
        designs={"cem": ef.matching.match(lalonde, "treat", COVS, method="cem"), "full3": full3},
    )
    named = ef.matching.compare_designs(lalonde, "re78", "treat", COVS, designs=["cem"])
    pd.testing.assert_series_equal(c.table.loc["cem"], named.table.loc["cem"])
    assert c.effects["full3"].estimate == pytest.approx(full3.effect("re78").estimate, rel=1e-12)
    other = ef.matching.match(lalonde.iloc[:400], "treat", COVS, method="cem")
    with pytest.raises(EffektError, match="other rows"):
        ef.matching.compare_designs(lalonde, "re78", "treat", COVS, designs={"x": other})


def test_full_matching_limits_through_match(lalonde):
    m = ef.matching.match(lalonde, "treat", COVS, method="full", min_controls=1, max_controls=2)
    sets = m.matched_data().groupby("subclass")["treat"]
    assert (sets.sum() == 1).all() and (sets.count() - 1).between(1, 2).all()
    assert m.options["min_controls"] == 1 and m.options["max_controls"] == 2


def test_options_a_method_does_not_use_raise_naming_them(lalonde):
    with pytest.raises(EffektError, match="'replace'.*method='cem'"):
        ef.matching.match(lalonde, "treat", COVS, method="cem", replace=True)
    with pytest.raises(EffektError, match="'k2k'"):
        ef.matching.match(lalonde, "treat", COVS, method="full", k2k=True)
    with pytest.raises(EffektError, match="method"):
        ef.matching.match(lalonde, "treat", COVS, method="genetic")
    with pytest.raises(EffektError, match="ATO"):
        ef.matching.match(lalonde, "treat", COVS, method="overlap", estimand="ATE")
    with pytest.raises(EffektError, match="ATE"):
        ef.matching.match(lalonde, "treat", COVS, method="optimal", estimand="ATE")
    m = ef.matching.match(lalonde, "treat", COVS, method="ebal")
    with pytest.raises(EffektError, match="hc1"):
        m.effect("re78", se="cluster")
    with pytest.raises(EffektError, match="estimand"):
        m.effect("re78", estimand="ATE")


def test_missing_drop_keeps_the_rows_that_entered(lalonde):
    df = lalonde.copy()
    df.loc[df.index[:5], "age"] = np.nan
    with pytest.raises(EffektError, match="age"):
        ef.matching.match(df, "treat", COVS, method="subclass")
    with pytest.warns(UserWarning):
        m = ef.matching.match(df, "treat", COVS, method="subclass", missing="drop")
    assert len(m.data) == len(df) - 5 and np.isfinite(m.effect("re78").estimate)


@pytest.mark.parametrize("estimand", ["ATT", "ATC", "ATE"])
def test_ipw_weights_give_the_ipw_estimate(lalonde, estimand):
    m = ef.matching.match(lalonde, "treat", COVS, method="ipw", estimand=estimand)
    e, t = m.distance, m.treated
    if estimand == "ATC":  # ipw() has no ATC: the Hajek contrast by hand
        y = lalonde["re78"].to_numpy()
        ref = np.average(y[t], weights=(1 - e[t]) / e[t]) - y[~t].mean()
    else:
        ref = ef.matching.ipw(lalonde, "re78", "treat", COVS, estimand=estimand).estimate
    assert m.effect("re78").estimate == pytest.approx(ref, rel=1e-9)
    expected = {
        "ATT": np.where(t, 1, e / (1 - e)),
        "ATC": np.where(t, (1 - e) / e, 1),
        "ATE": np.where(t, 1 / e, 1 / (1 - e)),
    }[estimand]
    np.testing.assert_allclose(m.weights, expected, rtol=1e-12)
