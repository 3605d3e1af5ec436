"""ATT, ATC and ATE of nearest-neighbour matching: identities, errors, and CI coverage (slow)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import integrate, special, stats

import effekt as ef
from effekt.errors import EffektError

A0, A1 = -0.5, 0.8  # logit of the treatment: A0 + A1 * x1


def _draw(n: int, seed: int) -> pd.DataFrame:
    """Heterogeneous effect tau(x) = 1 + x1, confounded through x1."""
    rng = np.random.default_rng(seed)
    x1, x2 = rng.normal(size=n), rng.normal(size=n)
    t = (rng.random(n) < special.expit(A0 + A1 * x1)).astype(int)
    y = x1 + 0.5 * x2 + t * (1 + x1) + rng.normal(size=n)
    return pd.DataFrame({"x1": x1, "x2": x2, "t": t, "y": y})


def _truth() -> dict[str, float]:
    """Population ATE, ATT, ATC: 1 + E[x1 | group], by numerical integration."""

    def cond_mean(treated: bool) -> float:
        def dens(x: float) -> float:
            p = special.expit(A0 + A1 * x)
            return stats.norm.pdf(x) * (p if treated else 1 - p)

        num = integrate.quad(lambda x: x * dens(x), -12, 12)[0]
        return num / integrate.quad(dens, -12, 12)[0]

    return {"ATE": 1.0, "ATT": 1 + cond_mean(True), "ATC": 1 + cond_mean(False)}


def test_ate_is_the_mix_of_att_and_atc_and_its_weights_reproduce_it():
    df = _draw(1500, 3)
    covs = ["x1", "x2"]
    ate = ef.matching.match(df, "t", covs, estimand="ATE", replace=True)
    att = ef.matching.match(df, "t", covs, replace=True).effect("y").estimate
    atc = ef.matching.match(df, "t", covs, estimand="ATC", replace=True).effect("y").estimate
    n1 = df["t"].sum()
    r = ate.effect("y")
    assert r.estimand == "ATE"
    assert r.estimate == pytest.approx((n1 * att + (len(df) - n1) * atc) / len(df), abs=1e-12)
    t = df["t"].to_numpy() == 1
    w = ate.weights
    diff = np.average(df["y"][t], weights=w[t]) - np.average(df["y"][~t], weights=w[~t])
    assert r.estimate == pytest.approx(diff, abs=1e-12)
    assert ate.effect("y", se="bootstrap", n_boot=100).estimate == pytest.approx(r.estimate)


def test_ate_needs_replacement():
    df = _draw(300, 4)
    with pytest.raises(EffektError, match="replace=True"):
        ef.matching.match(df, "t", ["x1"], estimand="ATE")


@pytest.mark.slow
def test_each_estimand_ci_covers_its_own_truth():
    truth = _truth()
    reps, n = 1000, 1000
    hits = dict.fromkeys(truth, 0)
    est: dict[str, list[float]] = {k: [] for k in truth}
    ses: dict[str, list[float]] = {k: [] for k in truth}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for r in range(reps):
            df = _draw(n, 1000 + r)
            for estimand in truth:
                m = ef.matching.match(df, "t", ["x1", "x2"], estimand=estimand, replace=True)
                e = m.effect("y")  # Abadie–Imbens SE
                hits[estimand] += e.ci[0] <= truth[estimand] <= e.ci[1]
                est[estimand].append(e.estimate)
                ses[estimand].append(e.std_error)
    for estimand in truth:
        coverage = hits[estimand] / reps
        assert 0.93 <= coverage <= 0.97, (estimand, coverage)
        ratio = np.mean(ses[estimand]) / np.std(est[estimand], ddof=1)
        assert 0.85 <= ratio <= 1.2, (estimand, ratio)
