"""effekt.synthetic.observational: confounded selection with a known truth."""

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from effekt.errors import EffektError
from effekt.synthetic import observational

COLUMNS = [
    "age",
    "gender",
    "benefit_group",
    "education",
    "months_on_benefit",
    "prior_employment",
    "treated",
    "job",
]


def naive(df):
    t = df["treated"] == 1
    return df.loc[t, "job"].mean() - df.loc[~t, "job"].mean()


def test_columns_types_and_truth():
    df = observational(5000, 0.05, seed=1)
    assert list(df.columns) == COLUMNS
    assert set(df["benefit_group"]) == {"kontanthjælp", "ressourceforløb"}
    assert set(df["gender"]) == {"female", "male"}
    assert set(df["treated"]) == {0, 1} and set(df["job"]) <= {0, 1}
    assert df["age"].between(18, 64).all() and df["months_on_benefit"].between(1, 120).all()
    assert df["prior_employment"].between(0, 1).all()
    assert df.attrs["truth"] == {"att": 0.05, "ate": 0.05}
    assert abs(df["treated"].mean() - 0.2) < 0.02


def test_seed_reproducible_and_u_hidden_by_default():
    a = observational(1000, 0.1, seed=7)
    b = observational(1000, 0.1, seed=7)
    pd.testing.assert_frame_equal(a, b)
    assert "u" not in a.columns
    c = observational(1000, 0.1, seed=7, observed_u=True, potential_outcomes=True)
    assert {"u", "p0", "job0", "job1"} <= set(c.columns)


def test_potential_outcomes_define_the_truth_exactly():
    df = observational(200_000, 0.07, seed=3, potential_outcomes=True)
    assert df["p0"].between(0.05, 0.60).all()
    # monotone coupling: job1 >= job0; observed job = the treated arm's potential outcome
    assert (df["job1"] >= df["job0"]).all()
    t = df["treated"] == 1
    assert (df.loc[t, "job"] == df.loc[t, "job1"]).all() and (
        df.loc[~t, "job"] == df.loc[~t, "job0"]
    ).all()
    # sample ATT: mean of job1 - job0 among the treated, ~ effect within sampling error
    satt = (df.loc[t, "job1"] - df.loc[t, "job0"]).mean()
    assert satt == pytest.approx(0.07, abs=4 * np.sqrt(0.07 / t.sum()))


def test_naive_difference_biased_by_at_least_5pp_and_unbiased_without_selection():
    df = observational(200_000, 0.05, seed=11)
    assert naive(df) - 0.05 >= 0.05  # about +11 pp of bias at default strength
    rand = observational(200_000, 0.05, selection_strength=0.0, seed=11)
    assert naive(rand) == pytest.approx(0.05, abs=0.006)


def test_regression_on_the_observed_covariates_recovers_the_truth_and_hidden_u_biases_it():
    def adjusted(df, with_u=False):
        X = pd.get_dummies(
            df[
                [
                    "age",
                    "months_on_benefit",
                    "prior_employment",
                    "gender",
                    "benefit_group",
                    "education",
                ]
                + (["u"] if with_u else [])
            ],
            drop_first=True,
            dtype=float,
        )
        # outcome model flexible enough: treat p0 through a logit of the same index plus effect
        X = sm.add_constant(X)
        ps = sm.Logit(df["treated"], X).fit(disp=0).predict(X)
        t = df["treated"].to_numpy() == 1
        w = ps / (1 - ps)
        y = df["job"].to_numpy()
        return y[t].mean() - np.average(y[~t], weights=w[~t])

    df = observational(200_000, 0.05, seed=5)
    assert adjusted(df) == pytest.approx(0.05, abs=0.01)
    hidden = observational(200_000, 0.05, unobserved_confounding=1.0, observed_u=True, seed=5)
    assert (
        adjusted(hidden) < 0.05 - 0.03
    )  # hidden confounding: adjustment for observed covariates fails
    assert adjusted(hidden, with_u=True) == pytest.approx(0.05, abs=0.012)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"n": 5, "effect": 0.05}, "'n'"),
        ({"n": 100.5, "effect": 0.05}, "'n'"),
        ({"n": 100, "effect": 0.5}, "'effect'"),
        ({"n": 100, "effect": -0.2}, "'effect'"),
        ({"n": 100, "effect": 0.05, "selection_strength": -1}, "'selection_strength'"),
        ({"n": 100, "effect": 0.05, "unobserved_confounding": -0.1}, "'unobserved_confounding'"),
        ({"n": 100, "effect": 0.05, "treated_share": 0.0}, "'treated_share'"),
        ({"n": 100, "effect": 0.05, "treated_share": 20}, "'treated_share'"),
        ({"n": 100, "effect": 0.05, "seed": "a"}, "'seed'"),
        ({"n": 100, "effect": 0.05, "seed": True}, "'seed'.*got True"),
        ({"n": 100, "effect": 0.05, "seed": np.True_}, "'seed'"),
        ({"n": 100, "effect": 0.05, "selection_strength": 1e300}, "'selection_strength'.*1e\\+300"),
        ({"n": 100, "effect": 0.05, "unobserved_confounding": 1e300}, "'unobserved_confounding'"),
    ],
)
def test_bad_input(kwargs, match):
    with pytest.raises(EffektError, match=match):
        observational(**kwargs)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"selection_strength": 100.0},
        {"unobserved_confounding": 100.0},
        {"selection_strength": 40.0, "treated_share": 0.01},
    ],
)
def test_very_strong_selection_still_reaches_the_treated_share(kwargs):
    # the intercept lies outside the old fixed bracket [-30, 30]; it is found by widening it
    share = kwargs.get("treated_share", 0.2)
    df = observational(20_000, 0.05, seed=1, observed_u=True, **kwargs)
    assert 0 < df["treated"].sum() < len(df)
    # the realised share is a binomial draw around the requested one
    assert df["treated"].mean() == pytest.approx(
        share, abs=4 * np.sqrt(share * (1 - share) / len(df)) + 0.01
    )
