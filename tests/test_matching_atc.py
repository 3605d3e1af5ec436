"""Nearest-neighbour matching for the ATC against MatchIt 4.7.2 (Lalonde), and its errors."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import effekt as ef
from effekt.errors import EffektError

REF = Path(__file__).parent / "reference" / "matching_lalonde"
COVS = ["age", "educ", "race", "married", "nodegree", "re74", "re75"]


@pytest.fixture(scope="module")
def lalonde() -> pd.DataFrame:
    return pd.read_csv(REF / "lalonde_matchit_psid.csv")


@pytest.fixture(scope="module")
def specs() -> dict:
    with open(REF / "lalonde_psid_methods_reference.json") as fh:
        return json.load(fh)["datasets"]["lalonde_psid"]["specs"]


@pytest.mark.parametrize(
    ("spec", "replace", "se", "se_key"),
    [
        ("nearest_atc_noreplace", False, None, "cluster_subclass_HC1"),
        ("nearest_atc_replace", True, "hc3", "HC3"),
    ],
)
def test_nearest_atc_pairs_weights_effect_equal_matchit(lalonde, specs, spec, replace, se, se_key):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # MatchIt warns too: 244 controls stay unmatched
        m = ef.matching.match(lalonde, "treat", COVS, estimand="ATC", replace=replace)
    pairs = m.pairs()
    ids = lalonde["id"].to_numpy()
    mine = set(zip(ids[pairs["treated"]], ids[pairs["control"]], strict=True))
    ref = pd.read_csv(REF / f"pairs_lalonde_psid_{spec}.csv")
    assert mine == set(zip(ref["focal"], ref["matched"], strict=True))
    rows = pd.read_csv(REF / f"matchdata_lalonde_psid_{spec}.csv").set_index("id")
    expect_w = rows["weights"].reindex(ids).fillna(0).to_numpy()
    np.testing.assert_allclose(m.weights, expect_w, atol=1e-12)
    r = m.effect("re78", se=se)
    assert r.estimand == "ATC"
    assert r.estimate == pytest.approx(specs[spec]["effect"]["estimate"], abs=1e-6)
    assert r.std_error == pytest.approx(specs[spec]["effect"]["se"][se_key], rel=1e-9)


def test_atc_abadie_imbens_is_the_att_of_the_flipped_treatment():
    # continuous scores (no ties): the ATC equals minus the ATT of the flipped treatment
    rng = np.random.default_rng(7)
    n = 800
    df = pd.DataFrame({"x1": rng.normal(size=n), "x2": rng.normal(size=n)})
    df["t"] = (rng.random(n) < 1 / (1 + np.exp(-(df["x1"] - 0.5)))).astype(int)
    df["y"] = df["x1"] + df["t"] * (1 + df["x2"]) + rng.normal(size=n)
    flipped = df.assign(c=1 - df["t"])
    covs = ["x1", "x2"]
    m = ef.matching.match(df, "t", covs, estimand="ATC", replace=True)
    score = m.distance
    f = ef.matching.match(flipped, "c", covs, distance=1 - score, replace=True)
    a, b = m.effect("y"), f.effect("y")
    assert a.estimate == pytest.approx(-b.estimate, abs=1e-8)
    assert a.std_error == pytest.approx(b.std_error, rel=1e-10)
    boot_a = m.effect("y", se="bootstrap", n_boot=200)
    boot_b = f.effect("y", se="bootstrap", n_boot=200)
    assert boot_a.estimate == pytest.approx(-boot_b.estimate, abs=1e-8)


def test_ate_and_wrong_effect_estimand_raise(lalonde):
    with pytest.raises(EffektError, match="ATE"):
        ef.matching.match(lalonde, "treat", COVS, estimand="ATE")
    m = ef.matching.match(lalonde, "treat", COVS)
    with pytest.raises(EffektError, match="estimand"):
        m.effect("re78", estimand="ATC")
