"""Abadie–Imbens conditional variances with exact strata (regression test).

Scores are sorted within each stratum only; the within-arm variance of a control must be
the one computed on its own stratum alone.
"""

import numpy as np
import pandas as pd
import pytest

import effekt as ef
from effekt.errors import EffektError
from effekt.matching import match
from effekt.matching._standard_errors import within_arm_variance


def test_within_arm_variance_with_strata_equals_per_stratum_computation():
    rng = np.random.default_rng(3)
    n = 400
    y = rng.normal(size=n)
    score = rng.uniform(size=n)
    strata = rng.integers(0, 3, n)
    pool = np.arange(n)
    units = rng.choice(n, 120, replace=False)
    pooled = within_arm_variance(y, units, pool, score, strata, 2)
    for s in range(3):
        members = pool[strata == s]
        mine = units[strata[units] == s]
        alone = within_arm_variance(y, mine, members, score[members], None, 2)
        np.testing.assert_allclose(pooled[strata[units] == s], alone, rtol=1e-12)


def test_matching_with_replacement_and_exact_strata_gives_an_abadie_imbens_se():
    df = ef.synthetic.study("vcg2", seed=0)
    covs = ["age", "years_on_benefit", "female", "health_problems", "prior_internship"]
    m = ef.matching.match(df, "vcg2", covs, replace=True, exact="benefit_group")
    r = m.effect("internship_13w")
    assert np.isfinite(r.std_error) and r.std_error > 0
    assert "Abadie" in r.method


# --- effect() defaults and degenerate cases ------------------------------------------------


def _obs(n=1500, seed=2):
    return ef.synthetic.observational(n, 0.05, seed=seed)


def test_default_abadie_imbens_after_mahalanobis_with_replacement_is_homoskedastic():
    df = _obs()
    m = match(df, "treated", ["age", "gender", "education"], distance="mahalanobis", replace=True)
    r = m.effect("job")  # default se="abadie-imbens", var_matches=None -> 0 (no score)
    r0 = m.effect("job", var_matches=0)
    assert r.estimate == r0.estimate and r.std_error == r0.std_error
    assert "homoskedastic" in r.method
    # an explicit var_matches > 0 still needs a score
    with pytest.raises(EffektError, match="var_matches > 0 needs a one-dimensional distance"):
        m.effect("job", var_matches=1)
    # with a score the default stays var_matches=1
    ms = match(df, "treated", ["age", "gender", "education"], replace=True)
    assert ms.effect("job").std_error == ms.effect("job", var_matches=1).std_error
    assert "1 within-arm match" in ms.effect("job").method


def _tiny():
    return pd.DataFrame(
        {"x": [0.0, 1, 2, 3, 10, 11], "t": [1, 0, 0, 0, 1, 1], "y": [1.0, 2, 3, 4, 5, 6]}
    )


@pytest.mark.parametrize("se", ["cluster", "hc3", "bootstrap", "abadie-imbens"])
def test_one_matched_set_is_refused_by_effect(se):
    from effekt.errors import OverlapWarning

    with pytest.warns(OverlapWarning, match="2 of 3 treated units are not in the matched sample"):
        m = match(_tiny(), "t", ["x"], distance="x", caliper=1, std_caliper=False)
    assert m.n_treated_matched == 1
    with pytest.raises(EffektError, match=r"effect\(\): the match holds 1 matched set.*at least 2"):
        m.effect("y", se=se, seed=1)


@pytest.mark.parametrize("se", ["cluster", "bootstrap", "hc3"])
def test_zero_standard_error_warns(se):
    from effekt.errors import SmallSampleWarning

    d = pd.DataFrame({"x": np.arange(20.0), "t": [1, 0] * 10, "y": [1.0, 0.0] * 10})
    m = match(d, "t", ["x"], distance="x")
    with pytest.warns(SmallSampleWarning, match=rf"the {se} standard error of 'y' is 0"):
        r = m.effect("y", se=se, seed=1)
    assert r.estimate == 1.0
    # a varying outcome gives no warning (pytest turns EffektWarnings into errors)
    rng = np.random.default_rng(0)
    d2 = d.assign(y=d["y"] + rng.normal(size=20))
    assert match(d2, "t", ["x"], distance="x").effect("y", se=se, seed=1).std_error > 0


def test_regression_failure_is_reported_with_effect_context(monkeypatch):
    import effekt.matching.nearest as nearest

    def broken(*args, **kwargs):
        raise EffektError("ols(): the design is singular.")

    d = pd.DataFrame({"x": np.arange(20.0), "t": [1, 0] * 10})
    d["y"] = np.random.default_rng(1).normal(size=20)
    m = match(d, "t", ["x"], distance="x")
    monkeypatch.setattr(nearest, "ols", broken)
    with pytest.raises(
        EffektError, match=r"effect\(se='hc3'\) on 'y' failed.*10 matched sets.*singular"
    ):
        m.effect("y", se="hc3")
