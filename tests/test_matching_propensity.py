"""propensity_score() against statsmodels' Logit (an independent maximum-likelihood fit)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from effekt.matching import propensity_score


@pytest.mark.parametrize("n", [2_000, 250_000])  # 250,000 rows uses the subsample warm start
def test_logit_equals_statsmodels(n):
    rng = np.random.default_rng(n)
    df = pd.DataFrame(
        {
            "age": rng.normal(40, 10, n),
            "income": rng.gamma(2, 1e5, n),
            "group": rng.choice(["a", "b", "c"], n, p=[0.5, 0.3, 0.2]),
        }
    )
    lin = -1 + 0.03 * (df["age"] - 40) - 2e-6 * df["income"] + 0.5 * (df["group"] == "c")
    df["t"] = rng.random(n) < 1 / (1 + np.exp(-lin))
    ps = propensity_score(df, "t", ["age", "income", "group"])
    X = sm.add_constant(
        np.column_stack([df["age"], df["income"], df["group"] == "b", df["group"] == "c"]).astype(
            float
        )
    )
    ref = sm.Logit(df["t"].to_numpy(dtype=float), X).fit(
        disp=0, method="newton", tol=1e-12
    )  # statsmodels MLE
    np.testing.assert_allclose(ps.coef.to_numpy(), ref.params, rtol=1e-7, atol=1e-12)
    np.testing.assert_allclose(ps.std_errors.to_numpy(), ref.bse, rtol=1e-6)
    np.testing.assert_allclose(ps.scores.to_numpy(), ref.predict(X), atol=1e-10)
    np.testing.assert_allclose(ps.linear_predictor.to_numpy(), X @ ref.params, atol=1e-8)
    assert ps.feature_names == ("age", "income", "group_b", "group_c")
    assert ps.treated.dtype == bool and ps.treated.sum() == df["t"].sum()


def test_treated_value_and_string_treatment():
    rng = np.random.default_rng(0)
    n = 500
    df = pd.DataFrame({"x": rng.normal(size=n)})
    df["arm"] = np.where(rng.random(n) < 1 / (1 + np.exp(-df["x"])), "mentor", "usual")
    ps = propensity_score(df, "arm", ["x"], treated_value="mentor")
    assert ps.coef["x"] > 0
    assert (ps.treated == (df["arm"] == "mentor").to_numpy()).all()
