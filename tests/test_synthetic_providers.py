"""effekt.synthetic.providers: documented columns, reproducibility, and the stated truth."""

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from effekt.errors import EffektError
from effekt.synthetic import providers
from effekt.synthetic.providers import PROVIDER_COEFFICIENTS, PROVIDER_INTERCEPT

COLUMNS = [
    "provider",
    "period",
    "age",
    "female",
    "benefit_group",
    "education",
    "months_unemployed",
    "health_issues",
    "immigrant",
    "prior_employment",
    "children",
    "urban",
    "job_6m",
    "true_probability",
    "true_provider_effect",
]


def _design(df):
    return pd.DataFrame(
        {
            "const": 1.0,
            "age": (df["age"] - 40) / 10,
            "female": df["female"],
            "benefit_group[cash_benefit]": (df["benefit_group"] == "cash_benefit").astype(float),
            "benefit_group[sickness]": (df["benefit_group"] == "sickness").astype(float),
            "education[basic]": (df["education"] == "basic").astype(float),
            "education[higher]": (df["education"] == "higher").astype(float),
            "months_unemployed": df["months_unemployed"] / 6,
            "health_issues": df["health_issues"],
            "immigrant": df["immigrant"],
            "prior_employment": df["prior_employment"],
            "children": df["children"],
            "urban": df["urban"],
        }
    )


def test_columns_sizes_and_reproducibility():
    df = providers(3, [10, 20, 30], seed=4)
    assert list(df.columns) == COLUMNS
    assert df.groupby("provider").size().tolist() == [10, 20, 30]
    assert set(df["job_6m"].unique()) <= {0, 1}
    assert df["age"].between(18, 64).all() and (df["months_unemployed"] >= 0).all()
    assert set(df["benefit_group"]) <= {"insured", "cash_benefit", "sickness"}
    pd.testing.assert_frame_equal(df, providers(3, [10, 20, 30], seed=4))
    assert not df.equals(providers(3, [10, 20, 30], seed=5))


def test_logistic_model_recovers_stated_coefficients():
    df = providers(10, 20_000, case_mix_shift=1.0, seed=1)
    fit = sm.Logit(df["job_6m"], _design(df)).fit(disp=0)
    truth = pd.Series({"const": PROVIDER_INTERCEPT, **PROVIDER_COEFFICIENTS})
    z = (fit.params - truth) / fit.bse
    assert np.abs(z).max() < 4, z
    # the stated probability is the one used: observed share matches its mean
    assert df["job_6m"].mean() == pytest.approx(df["true_probability"].mean(), abs=0.005)


def test_provider_effect_adds_probability_and_case_mix_shift_changes_rates():
    base = providers(2, 50_000, seed=3)
    shifted = providers(2, 50_000, provider_effects=[0.0, 0.1], seed=3)
    # same seed, same case mix: provider 2's probability is exactly 0.1 higher (no clipping here)
    p2 = base["provider"] == "P02"
    np.testing.assert_allclose(
        shifted.loc[p2, "true_probability"] - base.loc[p2, "true_probability"], 0.1
    )
    spread = providers(2, 20_000, case_mix_shift=1.0, seed=3)
    rates = spread.groupby("provider")["true_probability"].mean()
    assert rates["P01"] - rates["P02"] > 0.15  # P01 has the strongest participants


def test_period_effect():
    df = providers(2, 40_000, period_effect=-0.8, n_periods=3, seed=2)
    rates = df.groupby("period")["job_6m"].mean()
    assert list(rates.index) == [2019, 2020, 2021]
    assert rates.is_monotonic_decreasing


@pytest.mark.parametrize(
    "kwargs,arg",
    [
        ({"n_providers": 0, "participants_per_provider": 10}, "n_providers"),
        ({"n_providers": 2, "participants_per_provider": [10]}, None),
        ({"n_providers": 2, "participants_per_provider": [10, 0]}, "participants_per_provider"),
        (
            {
                "n_providers": 2,
                "participants_per_provider": 10,
                "provider_effects": [0.1, 0.2, 0.3],
            },
            "provider_effects",
        ),
        (
            {"n_providers": 2, "participants_per_provider": 10, "period_effect": [0, 1, 2]},
            "period_effect",
        ),
        (
            {"n_providers": 2, "participants_per_provider": 10, "provider_effects": {"P01": 0.1}},
            "provider_effects",
        ),
    ],
)
def test_bad_arguments(kwargs, arg):
    if arg is None:  # one size for all providers is allowed
        assert len(providers(**kwargs, seed=1)) == 20
        return
    with pytest.raises(EffektError, match=f"'{arg}'"):
        providers(**kwargs, seed=1)
