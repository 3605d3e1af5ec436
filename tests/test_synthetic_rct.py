"""effekt.synthetic.rct: documented columns, the stated truth, the ICC."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import effekt as ef
from effekt import rct
from effekt.errors import EffektError
from effekt.synthetic.rct import BENEFIT_GROUPS, PARENTS_EDUCATION

COLUMNS = [
    "id",
    "treated",
    "outcome",
    "age",
    "gender",
    "benefit_group",
    "months_on_benefit",
    "grade_9th",
    "parents_education",
]


def _anova_icc(outcome: np.ndarray, cluster: np.ndarray) -> float:
    """One-way ANOVA estimator of the intra-cluster correlation (Donner & Klar 2000, eq. 3.2)."""
    frame = pd.DataFrame({"y": outcome, "g": cluster})
    grp = frame.groupby("g")["y"]
    n_g, mean_g = grp.size().to_numpy(), grp.mean().to_numpy()
    N, k = len(frame), len(n_g)
    msb = np.sum(n_g * (mean_g - frame["y"].mean()) ** 2) / (k - 1)
    msw = np.sum(grp.var(ddof=1).to_numpy() * (n_g - 1)) / (N - k)
    m0 = (N - np.sum(n_g**2) / N) / (k - 1)
    return float((msb - msw) / (msb + (m0 - 1) * msw))


def test_columns_and_values():
    df = ef.synthetic.rct(1302, 1291, p_control=0.12, effect=0.04, seed=1)
    assert list(df.columns) == COLUMNS
    assert int(df["treated"].sum()) == 1302 and len(df) == 2593
    assert set(df["treated"].unique()) == {0, 1} and set(df["outcome"].unique()) == {0, 1}
    assert df["age"].between(18, 64).all()
    assert df["grade_9th"].between(-3, 12).all()
    assert (df["months_on_benefit"] >= 1).all()
    assert set(df["benefit_group"]) == set(BENEFIT_GROUPS)
    assert set(df["parents_education"]) == set(PARENTS_EDUCATION)
    assert set(df["gender"]) == {"woman", "man"}
    # uddannelseshjælp is for the under-30s
    assert df.loc[df["benefit_group"] == "uddannelseshjælp", "age"].max() <= 29
    assert df["id"].is_unique
    assert df.attrs["true_effect"] == 0.04


def test_seed_reproducible():
    a = ef.synthetic.rct(200, 200, p_control=0.3, effect=0.1, seed=5)
    b = ef.synthetic.rct(200, 200, p_control=0.3, effect=0.1, seed=np.random.default_rng(5))
    c = ef.synthetic.rct(200, 200, p_control=0.3, effect=0.1, seed=6)
    pd.testing.assert_frame_equal(a, b)
    assert not a.equals(c)


@pytest.mark.parametrize(
    ("p_c", "effect"), [(0.12, 0.04), (0.465, 0.135), (0.3, -0.1), (0.05, 0.0)]
)
def test_recovers_the_true_effect(p_c, effect):
    df = ef.synthetic.rct(150_000, 150_000, p_control=p_c, effect=effect, seed=11)
    r = rct.difference_in_means(df, "outcome", "treated")
    assert abs(r.estimate - effect) < 4 * r.std_error
    assert abs(r.mean_control - p_c) < 4 * np.sqrt(p_c * (1 - p_c) / 150_000)


def test_difference_in_proportions_recovers_the_truth():
    df = ef.synthetic.rct(100_000, 100_000, p_control=0.12, effect=0.04, seed=21)
    r = rct.difference_in_proportions(df, "outcome", "treated")
    assert r.ci[0] < 0.04 < r.ci[1]
    assert abs(r.estimate - 0.04) < 4 * r.std_error
    clustered = ef.synthetic.rct(
        20_000, 20_000, p_control=0.12, effect=0.04, clusters=100, icc=0.01, seed=22
    )
    rc = rct.difference_in_proportions(clustered, "outcome", "treated", cluster="cluster")
    assert abs(rc.estimate - 0.04) < 4 * rc.std_error
    adjusted = rct.difference_in_proportions(
        df, "outcome", "treated", covariates=["grade_9th", "parents_education"]
    )
    assert abs(adjusted.estimate - 0.04) < 4 * adjusted.std_error
    assert adjusted.std_error < r.std_error


@pytest.mark.slow
def test_newcombe_interval_covers_the_truth():
    # 400 seeded trials of 300 per arm: the default interval covers the true 4 pp ~95 % of the time.
    hits = 0
    for seed in range(400):
        df = ef.synthetic.rct(300, 300, p_control=0.12, effect=0.04, seed=seed)
        lo, hi = rct.difference_in_proportions(df, "outcome", "treated").ci
        hits += lo <= 0.04 <= hi
    assert 0.925 <= hits / 400 <= 0.975


def test_covariates_predict_the_outcome_and_adjustment_gains_precision():
    df = ef.synthetic.rct(5000, 5000, p_control=0.3, effect=0.05, seed=3)
    assert df["outcome"].corr(df["grade_9th"]) > 0.05
    share = df.groupby("parents_education")["outcome"].mean()
    assert share["higher"] > share["basic"]
    plain = rct.difference_in_means(df, "outcome", "treated")
    adjusted = rct.difference_in_means(
        df,
        "outcome",
        "treated",
        covariates=["grade_9th", "parents_education", "months_on_benefit", "benefit_group"],
    )
    assert adjusted.std_error < plain.std_error


def test_icc_is_roughly_right():
    df = ef.synthetic.rct(
        30_000,
        30_000,
        p_control=0.2,
        effect=0.05,
        clusters=300,
        icc=0.05,
        assignment="individual",
        seed=8,
    )
    control = df[df["treated"] == 0]
    icc = _anova_icc(control["outcome"].to_numpy(float), control["cluster"].to_numpy())
    assert 0.035 < icc < 0.065
    none = ef.synthetic.rct(30_000, 30_000, p_control=0.2, effect=0.05, clusters=300, seed=8)
    control = none[none["treated"] == 0]
    assert abs(_anova_icc(control["outcome"].to_numpy(float), control["cluster"].to_numpy())) < 0.01


def test_cluster_assignment_and_clustered_recovery():
    df = ef.synthetic.rct(6000, 6000, p_control=0.2, effect=0.06, clusters=60, icc=0.02, seed=4)
    arms_per_cluster = df.groupby("cluster")["treated"].nunique()
    assert (arms_per_cluster == 1).all() and df["cluster"].nunique() == 60
    assert df.groupby("cluster").size().between(199, 201).all()
    r = rct.difference_in_means(df, "outcome", "treated", cluster="cluster")
    naive = rct.difference_in_means(df, "outcome", "treated")
    assert r.std_error > 1.5 * naive.std_error  # design effect 1 + 199 * 0.02 ~ 5
    assert abs(r.estimate - 0.06) < 4 * r.std_error


def test_individual_assignment_within_clusters():
    df = ef.synthetic.rct(
        500, 500, p_control=0.2, effect=0.06, clusters=10, assignment="individual", seed=4
    )
    assert (df.groupby("cluster")["treated"].nunique() == 2).all()
    assert (df.groupby("cluster")["treated"].sum() == 50).all()


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"icc": 0.05}, "clusters"),
        ({"icc": 1.0, "clusters": 10}, "icc"),
        ({"icc": -0.1, "clusters": 10}, "icc"),
        ({"p_control": 0.0}, "p_control"),
        ({"p_control": 12}, "p_control"),
        ({"effect": 0.95}, "effect"),
        ({"effect": -0.2}, "effect"),
        ({"clusters": 1}, "clusters"),
        ({"clusters": 2.5}, "clusters"),
        ({"n_treated": 0}, "n_treated"),
        ({"n_control": -1}, "n_control"),
        ({"assignment": "random"}, "assignment"),
        ({"clusters": 500}, "clusters"),
    ],
)
def test_bad_input(kwargs, match):
    args = {"n_treated": 100, "n_control": 100, "p_control": 0.12, "effect": 0.04, **kwargs}
    with pytest.raises(EffektError, match=match):
        ef.synthetic.rct(**args)
