"""The regression engine against statsmodels (HC0-HC3, CR1) and a brute-force CR2."""

import numpy as np
import pytest
import scipy.linalg
import statsmodels.api as sm

from effekt._linear import ols
from effekt.errors import EffektError


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(1)
    n = 400
    X = np.column_stack([np.ones(n), rng.integers(0, 2, n), rng.normal(size=n)])
    y = X @ [1.0, 2.0, 0.5] + rng.normal(size=n) * (1 + X[:, 2] ** 2)
    cluster = rng.integers(0, 12, n)
    w = rng.uniform(0.5, 2, n)
    return X, y, cluster, w


@pytest.mark.parametrize("cov_type", ["HC0", "HC1", "HC2", "HC3"])
@pytest.mark.parametrize("weighted", [False, True])
def test_hc_matches_statsmodels(data, cov_type, weighted):
    X, y, _, w = data
    ours = ols(X, y, cov_type=cov_type, weights=w if weighted else None)
    model = sm.WLS(y, X, weights=w) if weighted else sm.OLS(y, X)
    ref = model.fit(cov_type=cov_type)
    np.testing.assert_allclose(ours.params, ref.params, rtol=1e-10)
    np.testing.assert_allclose(ours.cov, ref.cov_params(), rtol=1e-9)


def test_cr1_matches_statsmodels_cluster(data):
    X, y, cluster, _ = data
    ours = ols(X, y, cov_type="CR1", cluster=cluster)
    ref = sm.OLS(y, X).fit(cov_type="cluster", cov_kwds={"groups": cluster})
    np.testing.assert_allclose(ours.cov, ref.cov_params(), rtol=1e-9)
    assert ours.df_resid == 11


def test_cr2_matches_brute_force_hat_matrix_blocks(data):
    X, y, cluster, _ = data
    M = np.linalg.inv(X.T @ X)
    e = y - X @ (M @ X.T @ y)
    meat = np.zeros((3, 3))
    for g in range(12):
        i = cluster == g
        Xg = X[i]
        adjust = scipy.linalg.fractional_matrix_power(np.eye(i.sum()) - Xg @ M @ Xg.T, -0.5).real
        u = Xg.T @ adjust @ e[i]
        meat += np.outer(u, u)
    ours = ols(X, y, cov_type="CR2", cluster=cluster)
    np.testing.assert_allclose(ours.cov, M @ meat @ M, rtol=1e-9)


def test_singular_design_raises():
    X = np.column_stack([np.ones(10), np.ones(10)])
    with pytest.raises(EffektError, match="singular"):
        ols(X, np.arange(10.0))


def test_one_cluster_raises(data):
    X, y, _, _ = data
    with pytest.raises(EffektError, match="two clusters"):
        ols(X, y, cov_type="CR2", cluster=np.zeros(len(y), dtype=int))


@pytest.mark.parametrize(
    ("params", "cov", "value", "t_expected", "p_expected"),
    [
        ([0.0], [[0.0]], 0.0, 0.0, 1.0),  # se 0 and estimate at the null: t = 0, p = 1
        ([0.5], [[0.0]], 0.5, 0.0, 1.0),  # same, against a nonzero null value
        ([0.5], [[0.0]], 0.0, np.inf, 0.0),  # se 0, estimate off the null: p = 0
        ([-0.5], [[0.0]], 0.0, -np.inf, 0.0),
        ([0.5], [[np.nan]], 0.0, np.nan, np.nan),  # a NaN SE gives a NaN p, never 0
    ],
)
@pytest.mark.filterwarnings("ignore::effekt.errors.UndefinedValueWarning")
def test_degenerate_standard_errors(params, cov, value, t_expected, p_expected):
    from effekt._linear import LinearFit

    fit = LinearFit(np.array(params), np.array(cov), 10.0, 12, "HC2")
    _, _, t, _, p = fit.test(0, value=value)
    np.testing.assert_equal(t, t_expected)
    np.testing.assert_equal(p, p_expected)
    if value == 0.0:
        _, _, t2, _, p2 = fit.contrast(np.array([1.0]))
        np.testing.assert_equal((t2, p2), (t_expected, p_expected))
