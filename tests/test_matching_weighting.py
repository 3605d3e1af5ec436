"""IPW and AIPW (effekt.matching.weighting)."""

import copy
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression

from effekt.errors import (
    ColumnError,
    DroppedRowsWarning,
    EffektError,
    MissingValueError,
    OverlapWarning,
)
from effekt.matching import aipw, ipw

HERE = Path(__file__).parent / "reference"
REF = json.loads((HERE / "sensitivity_ipw.json").read_text())
DATA = pd.read_csv(
    HERE / "sensitivity_ipw_data.csv"
)  # synthetic.observational(1500, 0.08, seed=42)
COVS = ["age", "months_on_benefit", "prior_employment", "gender", "benefit_group", "education"]


@pytest.mark.parametrize("estimand", ["ATT", "ATE"])
@pytest.mark.parametrize("trim", [None, 0.05])
def test_ipw_matches_r_lunceford_davidian(estimand, trim):
    key = f"ipw_{estimand.lower()}" + ("_trim" if trim else "")
    ref = REF[key]
    before = copy.deepcopy(DATA)
    r = ipw(DATA, "job", "treated", COVS, estimand=estimand, trim=trim)
    pd.testing.assert_frame_equal(DATA, before)
    # R: sensitivity_ipw.R, glm propensity + Hajek means
    assert r.estimate == pytest.approx(ref["estimate"], rel=1e-6)
    assert r.mean_treated == pytest.approx(ref["mu1"], rel=1e-6)
    assert r.mean_control == pytest.approx(ref["mu0"], rel=1e-6)
    # R: sensitivity_ipw.R, Lunceford-Davidian influence functions with the estimated PS
    assert r.std_error == pytest.approx(ref["se"], rel=1e-5)
    assert r.estimand == estimand and r.scale == "proportion"
    assert r.n_treated + r.n_control == len(DATA)
    if trim:
        # R: sum(e < 0.05), sum(e > 0.95)
        assert (r.extra["n_clipped_low"], r.extra["n_clipped_high"]) == tuple(REF["n_clipped"])
        assert any("clipped" in n and "168 below" in n for n in r.notes)
    else:
        assert r.extra["n_clipped_low"] == 0 and not r.notes


def test_ipw_estimated_ps_se_smaller_than_known_weights_for_ate():
    # R: lm(Y ~ T, weights) + vcovHC(HC0): SE treating the weights as known
    assert REF["ipw_ate"]["se"] < REF["ipw_ate"]["se_fixed"]


@pytest.mark.parametrize("estimand", ["ATT", "ATE"])
def test_ipw_with_sklearn_model_uses_known_weight_sandwich(estimand):
    model = LogisticRegression(C=np.inf, solver="newton-cholesky", tol=1e-10, max_iter=100)
    r = ipw(DATA, "job", "treated", COVS, estimand=estimand, model=model)
    ref = REF[f"ipw_{estimand.lower()}"]
    # same logit fitted by sklearn: estimate as R's; SE: R lm(weights) + sandwich::vcovHC(HC0)
    assert r.estimate == pytest.approx(ref["estimate"], rel=1e-3)
    assert r.std_error == pytest.approx(ref["se_fixed"], rel=1e-3)
    assert "known" in r.method and any("ignores" in n for n in r.notes)


def test_stabilize_changes_weights_not_estimate():
    a = ipw(DATA, "job", "treated", COVS, estimand="ATE", stabilize=True)
    b = ipw(DATA, "job", "treated", COVS, estimand="ATE", stabilize=False)
    assert a.estimate == b.estimate and a.std_error == b.std_error
    assert a.extra["max_weight"] < b.extra["max_weight"]
    assert a.extra["ess_treated"] == b.extra["ess_treated"]
    frame = a.to_frame()
    assert {"ess_treated", "ess_control", "max_weight", "n_clipped_low"} <= set(frame.columns)


@pytest.mark.parametrize("estimand", ["ATT", "ATE"])
@pytest.mark.parametrize("kind", ["linear", "logit"])
def test_aipw_matches_r(estimand, kind):
    ref = REF[f"aipw_{estimand.lower()}_{kind}"]
    r = aipw(DATA, "job", "treated", COVS, estimand=estimand, outcome_model=kind)
    # R: sensitivity_ipw.R, glm/lm outcome models per arm, influence-function SE
    assert r.estimate == pytest.approx(ref["estimate"], rel=1e-6)
    assert r.std_error == pytest.approx(ref["se"], rel=1e-6)
    assert r.estimand == estimand


def _dr_data(n, seed, *, ps_quadratic):
    rng = np.random.default_rng(seed)
    x1, x2 = rng.standard_normal(n), rng.standard_normal(n)
    lin = -1.0 + 0.7 * x1 + 0.5 * x2 + (0.6 * (x2**2 - 1) if ps_quadratic else 0.0)
    t = rng.random(n) < 1 / (1 + np.exp(-lin))
    y0 = 1 + x1 + 1.5 * x2**2 + 1.0 * x1 * x2 + rng.standard_normal(n)
    y = y0 + 2.0 * t  # constant effect: ATE = ATT = 2
    return pd.DataFrame(
        {"x1": x1, "x2": x2, "x2sq": x2**2, "x1x2": x1 * x2, "t": t.astype(int), "y": y}
    )


@pytest.mark.parametrize("estimand", ["ATE", "ATT"])
def test_aipw_double_robustness(estimand):
    # (a) right propensity model, wrong (linear in x1, x2) outcome model
    df = _dr_data(40_000, 1, ps_quadratic=False)
    r = aipw(df, "y", "t", ["x1", "x2"], estimand=estimand)
    assert abs(r.estimate - 2) < 4 * r.std_error
    # the wrong outcome model alone is badly biased (regression adjustment = AIPW with e ~ const)
    from effekt._linear import ols

    X = np.column_stack([np.ones(len(df)), df["t"], df["x1"], df["x2"]])
    reg = ols(X, df["y"].to_numpy(), cov_type="HC0").params[1]
    assert abs(reg - 2) > 0.2
    # (b) wrong propensity model (misses x2^2), right outcome model
    df = _dr_data(40_000, 2, ps_quadratic=True)
    r = aipw(
        df,
        "y",
        "t",
        ["x1", "x2"],
        estimand=estimand,
        outcome_covariates=["x1", "x2", "x2sq", "x1x2"],
    )
    assert abs(r.estimate - 2) < 4 * r.std_error
    # IPW with the same wrong propensity model is biased
    w = ipw(df, "y", "t", ["x1", "x2"], estimand=estimand)
    assert abs(w.estimate - 2) > 0.2 and w.scale == "mean"


def test_ipw_recovers_truth_and_beats_naive_on_synthetic_data():
    from effekt.synthetic import observational

    df = observational(60_000, 0.05, seed=8)
    naive = df.loc[df.treated == 1, "job"].mean() - df.loc[df.treated == 0, "job"].mean()
    r = ipw(df, "job", "treated", COVS)
    a = aipw(df, "job", "treated", COVS, estimand="ATT", outcome_model="logit")
    assert naive - 0.05 > 0.05
    assert abs(r.estimate - 0.05) < 3 * r.std_error
    assert abs(a.estimate - 0.05) < 3 * a.std_error


def test_overlap_warning_and_trim():
    rng = np.random.default_rng(3)
    n = 3000
    x = np.r_[rng.normal(0, 1, n), [2.5, 2.8, 3.0]]  # three controls deep in the treated region
    t = (rng.random(n + 3) < 1 / (1 + np.exp(-4 * x))).astype(int)
    t[-3:] = 0
    df = pd.DataFrame({"x": x, "t": t, "y": (rng.random(n + 3) < 0.3).astype(int)})
    with pytest.warns(OverlapWarning, match="control unit"):
        ipw(df, "y", "t", ["x"])
    r = ipw(df, "y", "t", ["x"], trim=0.01)
    assert r.extra["n_clipped_high"] > 0 and r.extra["n_clipped_low"] > 0
    with pytest.warns(OverlapWarning, match="treated unit"):
        aipw(df, "y", "t", ["x"])


def test_missing_values_raise_or_drop_with_warning():
    df = DATA.copy()
    df.loc[df.index[:3], "age"] = np.nan
    with pytest.raises(MissingValueError, match="'age'.*3 missing"):
        ipw(df, "job", "treated", COVS)
    with pytest.warns(DroppedRowsWarning, match="dropped 3 of 1500"):
        r = ipw(df, "job", "treated", COVS, missing="drop")
    assert r.n_treated + r.n_control == 1497
    df2 = DATA.copy()
    df2.loc[df2.index[:2], "job"] = np.nan
    with pytest.raises(MissingValueError, match="'job'"):
        aipw(df2, "job", "treated", COVS)


@pytest.mark.parametrize("func", [ipw, aipw])
@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"estimand": "ATC"}, EffektError, "'estimand'"),
        ({"trim": 0.6}, EffektError, "'trim'"),
        ({"trim": -0.1}, EffektError, "'trim'"),
        ({"conf_level": 95}, EffektError, "'conf_level'"),
        ({"missing": "ignore"}, EffektError, "'missing'"),
        ({"model": "probit"}, EffektError, "'model'"),
        ({"covariates": []}, EffektError, "'covariates'"),
        ({"covariates": ["age", "nope"]}, ColumnError, "'nope'"),
        ({"covariates": ["age", "job"]}, EffektError, "also listed"),
        ({"outcome": "gender", "covariates": ["age"]}, ColumnError, "numeric"),
        ({"treatment": "education", "covariates": ["age"]}, ColumnError, "exactly two values"),
    ],
)
def test_bad_input(func, kwargs, error, match):
    args = {"data": DATA, "outcome": "job", "treatment": "treated", "covariates": COVS}
    args.update(kwargs)
    with pytest.raises(error, match=match):
        func(**args)


def test_bad_input_specific():
    with pytest.raises(EffektError, match="'data'"):
        ipw(DATA.to_dict(), "job", "treated", COVS)
    with pytest.raises(EffektError, match="'stabilize'"):
        ipw(DATA, "job", "treated", COVS, stabilize="yes")
    with pytest.raises(EffektError, match="'outcome_model'"):
        aipw(DATA, "job", "treated", COVS, outcome_model="probit")
    cont = DATA.assign(income=DATA["age"] * 1000.0)
    with pytest.raises(EffektError, match="0/1 outcome"):
        aipw(cont, "income", "treated", COVS, outcome_model="logit")
    with pytest.raises(ColumnError, match="'nope'"):
        aipw(DATA, "job", "treated", COVS, outcome_covariates=["nope"])
    const = DATA.assign(c=1.0)
    with pytest.raises(EffektError, match="constant"):
        ipw(const, "job", "treated", [*COVS, "c"])
    with pytest.raises(EffektError, match="constant"):
        aipw(const, "job", "treated", COVS, outcome_covariates=["age", "c"])
    one = DATA.assign(treated=1)
    with pytest.raises(EffektError):
        ipw(one, "job", "treated", COVS)


@pytest.mark.parametrize("estimand", ["ATT", "ATE"])
def test_ipw_se_equals_sandwich_with_numerical_jacobian(estimand):
    # independent of the analytic derivatives: statsmodels logit + finite-difference Jacobian
    import statsmodels.api as sm

    X = sm.add_constant(pd.get_dummies(DATA[COVS], drop_first=True, dtype=float)).to_numpy()
    t = DATA["treated"].to_numpy(float)
    y = DATA["job"].to_numpy(float)
    beta = sm.Logit(t, X).fit(disp=0, tol=1e-12).params
    k = X.shape[1]

    def psi(theta):
        b, mu1, mu0 = theta[:k], theta[k], theta[k + 1]
        e = 1 / (1 + np.exp(-X @ b))
        if estimand == "ATE":
            a, c = t / e, (1 - t) / (1 - e)
        else:
            a, c = t, (1 - t) * e / (1 - e)
        return np.column_stack([X * (t - e)[:, None], a * (y - mu1), c * (y - mu0)])

    e = 1 / (1 + np.exp(-X @ beta))
    a, c = (t / e, (1 - t) / (1 - e)) if estimand == "ATE" else (t, (1 - t) * e / (1 - e))
    theta = np.r_[beta, a @ y / a.sum(), c @ y / c.sum()]
    jac = np.empty((k + 2, k + 2))
    for j in range(k + 2):
        h = 1e-6 * max(1.0, abs(theta[j]))
        up, dn = theta.copy(), theta.copy()
        up[j] += h
        dn[j] -= h
        jac[:, j] = (psi(up).sum(0) - psi(dn).sum(0)) / (2 * h)
    P = psi(theta)
    ainv = np.linalg.inv(jac)
    V = ainv @ (P.T @ P) @ ainv.T
    se = np.sqrt(V[k, k] + V[k + 1, k + 1] - 2 * V[k, k + 1])
    r = ipw(DATA, "job", "treated", COVS, estimand=estimand)
    assert r.estimate == pytest.approx(theta[k] - theta[k + 1], rel=1e-7)
    assert r.std_error == pytest.approx(se, rel=1e-5)


@pytest.mark.parametrize("func", [ipw, aipw])
def test_dropped_rows_are_recorded_in_notes(func):
    df = DATA.copy()
    df.loc[df.index[:4], "prior_employment"] = np.nan
    with pytest.warns(DroppedRowsWarning, match="dropped 4 of 1500"):
        r = func(df, "job", "treated", COVS, missing="drop")
    assert "4 rows with missing values were dropped before estimation" in r.notes
    assert not any("dropped" in note for note in func(DATA, "job", "treated", COVS).notes)


@pytest.mark.parametrize("func", [ipw, aipw])
def test_propensity_model_errors_name_the_function_called(func):
    const = DATA.assign(c=1.0)
    with pytest.raises(
        EffektError, match=rf"passed to {func.__name__}\(\) \(in its propensity model\)"
    ) as info:
        func(const, "job", "treated", [*COVS, "c"])
    assert "propensity_score()" not in str(info.value)
