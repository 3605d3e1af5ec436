"""The fast paths of the time-based estimators give the numbers of plain reference code.

``effect_over_time`` arranges a panel as person x period blocks (a recognised sorted grid, or
rows scattered by offset-coded person and period); ``kaplan_meier``/``logrank_test`` count
events by (group, time) in one pass. Each layout is checked against a direct computation
(a pandas pivot and the influence functions written out; the per-group sorting Kaplan-Meier
that the counting pass replaced) on seeded data.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from effekt import _panel
from effekt.duration import _km_arrays, kaplan_meier, logrank_test
from effekt.errors import EffektError
from effekt.trajectory import effect_over_time


def _panel_data(persons: int = 300, weeks: int = 8, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    arm = rng.random(persons) < 0.4
    week = np.tile(np.arange(1, weeks + 1), persons)
    a = np.repeat(arm, weeks)
    return pd.DataFrame(
        {
            "person": np.repeat(np.arange(1000, 1000 + 3 * persons, 3), weeks),
            "week": week,
            "arm": a.astype(int),
            "job": (rng.random(len(week)) < 0.2 + 0.02 * week + 0.1 * a).astype(int),
            "hours": rng.gamma(2.0, 5.0, len(week)) * (1 + 0.3 * a),
            "w": np.repeat(rng.choice([0.5, 1.0, 2.0], persons), weeks),
            "kommune": np.repeat(rng.integers(0, 12, persons), weeks),
        }
    )


def _reference(panel, outcome, weights=None, cluster=None):
    """Estimates and covariance written out from a pandas pivot (no effekt code)."""
    wide = panel.pivot(index="person", columns="week", values=outcome).sort_index()
    person = panel.groupby("person").first().reindex(wide.index)
    arm = person["arm"].to_numpy() == 1
    w = np.ones(len(wide)) if weights is None else person[weights].to_numpy(float)
    seen = wide.notna().to_numpy()
    Y = np.nan_to_num(wide.to_numpy(float))
    est, mean, Wg = [], {}, {}
    for g in (0, 1):
        mine = (arm == g)[:, None] & seen
        Wg[g] = (mine * w[:, None]).sum(axis=0)
        mean[g] = (mine * w[:, None] * Y).sum(axis=0) / Wg[g]
    est = mean[1] - mean[0]
    sign = np.where(arm, 1.0, -1.0)[:, None]
    Wr = np.where(arm[:, None], Wg[1], Wg[0])
    resid = np.where(seen, Y - np.where(arm[:, None], mean[1], mean[0]), 0.0)
    phi = sign * w[:, None] * resid / Wr
    if cluster is None:
        Phi = phi / np.sqrt(1 - w[:, None] / Wr)
    else:
        codes, labels = pd.factorize(person[cluster], sort=True)
        G = len(labels)
        Phi = np.zeros((G, wide.shape[1]))
        np.add.at(Phi, codes, phi)
        Nt = seen.sum(axis=0)
        Phi *= np.sqrt(G / (G - 1) * (Nt - 1) / (Nt - 2))
    return est, Phi.T @ Phi


def _shuffled(panel, seed=1):
    return panel.sample(frac=1.0, random_state=seed).reset_index(drop=True)


def _unbalanced(panel, seed=2):
    rng = np.random.default_rng(seed)
    return panel.loc[rng.random(len(panel)) > 0.15].reset_index(drop=True)


LAYOUTS = {
    "sorted grid": lambda p: p,
    "shuffled rows": _shuffled,
    "unbalanced": _unbalanced,
    "unbalanced, shuffled": lambda p: _shuffled(_unbalanced(p)),
    "text ids": lambda p: p.assign(person=[f"P{i:06d}" for i in p["person"]]),
    "text ids, shuffled": lambda p: _shuffled(p.assign(person=[f"P{i:06d}" for i in p["person"]])),
    "float weeks": lambda p: p.assign(week=p["week"] * 0.5),
    "wide-range ids": lambda p: _shuffled(p.assign(person=p["person"] * 10**12)),
}


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
@pytest.mark.parametrize(
    ("outcome", "weights", "cluster"),
    [
        ("job", None, None),
        ("hours", None, None),
        ("job", "w", None),
        ("job", None, "kommune"),
        ("hours", "w", "kommune"),
    ],
)
def test_effect_over_time_matches_the_written_out_reference(
    layout, outcome, weights, cluster, monkeypatch
):
    monkeypatch.setattr(_panel, "BLOCK_CELLS", 200)  # many person blocks
    panel = LAYOUTS[layout](_panel_data())
    before = panel.copy()
    tr = effect_over_time(
        panel, outcome, "arm", "person", "week", weights=weights, cluster=cluster, seed=1
    )
    reference = panel.assign(week=panel["week"].rank(method="dense"))
    reference = reference.assign(person=pd.factorize(reference["person"], sort=True)[0])
    est, cov = _reference(reference, outcome, weights, cluster)
    np.testing.assert_allclose(tr.frame["estimate"], est, rtol=1e-10, atol=1e-13)
    np.testing.assert_allclose(tr.cov, cov, rtol=1e-10, atol=1e-16)
    assert tr.frame["time"].tolist() == sorted(panel["week"].unique().astype(float))
    pd.testing.assert_frame_equal(panel, before)


def test_block_size_does_not_change_the_numbers(monkeypatch):
    panel = _unbalanced(_panel_data(seed=5))
    whole = effect_over_time(panel, "hours", "arm", "person", "week", cluster="kommune")
    monkeypatch.setattr(_panel, "BLOCK_CELLS", 50)
    blocks = effect_over_time(panel, "hours", "arm", "person", "week", cluster="kommune")
    pd.testing.assert_frame_equal(whole.frame, blocks.frame, rtol=1e-12)


@pytest.mark.parametrize("layout", ["sorted grid", "shuffled rows"])
def test_treatment_changing_within_person_is_refused_on_every_layout(layout):
    panel = LAYOUTS[layout](_panel_data())
    panel.loc[panel["person"] == panel["person"].iloc[0], "arm"] = [0, 1] * 4
    with pytest.raises(EffektError, match="'arm' changes within 1 persons"):
        effect_over_time(panel, "job", "arm", "person", "week")


@pytest.mark.parametrize("layout", ["sorted grid", "shuffled rows"])
def test_duplicated_person_period_rows_are_refused(layout):
    panel = LAYOUTS[layout](_panel_data())
    doubled = pd.concat([panel, panel.iloc[[3]]], ignore_index=True)
    with pytest.raises(EffektError, match=r"1 duplicated \('person', 'week'\) rows"):
        effect_over_time(doubled, "job", "arm", "person", "week")


def _durations(n=4000, seed=3):
    rng = np.random.default_rng(seed)
    arm = rng.choice(["IPS", "control", "other"], n)
    t = np.ceil(rng.exponential(np.where(arm == "IPS", 20.0, 26.0)))
    cens = rng.integers(5, 60, n)
    return pd.DataFrame(
        {
            "weeks": np.minimum(t, cens).astype(int),
            "job": (t <= cens).astype(int),
            "arm": arm,
            "w": rng.choice([0.0, 0.5, 1.0, 3.0], n),
        }
    )


@pytest.mark.parametrize("weights", [None, "w"])
@pytest.mark.parametrize("shift", [0.0, 0.25])  # whole weeks (offset path), others (hashed)
def test_counting_kaplan_meier_equals_the_sorting_one(weights, shift):
    df = _durations().assign(weeks=lambda d: d["weeks"] + shift)
    km = kaplan_meier(df, "weeks", "job", treatment="arm", weights=weights)
    w = np.ones(len(df)) if weights is None else df["w"].to_numpy(float)
    for g in ("IPS", "control", "other"):
        m = (df["arm"] == g).to_numpy()
        ref = _km_arrays(df["weeks"].to_numpy(float)[m], df["job"].to_numpy(float)[m], w[m])
        got = km.table[km.table["group"] == g]
        np.testing.assert_array_equal(got["time"], ref["time"])
        for col in ("n_risk", "n_event", "n_censor", "surv"):
            np.testing.assert_allclose(got[col], ref[col], rtol=1e-12)


def test_logrank_on_offset_and_hashed_times_agree():
    df = _durations()
    whole = logrank_test(df, "weeks", "job", "arm")
    hashed = logrank_test(df.assign(weeks=df["weeks"] * 1.5 + 0.1), "weeks", "job", "arm")
    assert whole.statistic == pytest.approx(hashed.statistic, rel=1e-12)
    assert whole.df == hashed.df == 2


@pytest.mark.parametrize("sizes", [[5, 5, 5, 5], [1, 7, 3, 2, 9], [200, 1, 1]])
def test_cluster_crossproducts_stacked_or_counted_equal_the_loop(sizes):
    from effekt._linear import _cluster_crossprods

    rng = np.random.default_rng(len(sizes))
    codes = rng.permutation(np.repeat(np.arange(len(sizes)), sizes))
    X = rng.normal(size=(len(codes), 4))
    expected = np.stack([X[codes == g].T @ X[codes == g] for g in range(len(sizes))])
    np.testing.assert_allclose(_cluster_crossprods(codes, len(sizes), X), expected, rtol=1e-12)


def test_wild_bootstrap_statistic_is_the_cr1_wald():
    from effekt.did import _wild_cluster_wald

    rng = np.random.default_rng(0)
    g = np.repeat(np.arange(40), 6)
    X = np.column_stack([np.ones(240), rng.normal(size=(240, 3))])
    y = rng.normal(size=240) + rng.normal(size=40)[g]
    stat, p = _wild_cluster_wald(X, y, g, np.array([1, 2]), n_boot=199, seed=1)
    # R-free reference: the same statistic from the CR1 formula written out
    XtX_inv = np.linalg.inv(X.T @ X)
    beta = XtX_inv @ X.T @ y
    s = np.stack([X[g == k].T @ (y - X @ beta)[g == k] for k in range(40)])
    V = XtX_inv @ (s.T @ s) @ XtX_inv * 40 / 39 * 239 / 236
    b = beta[[1, 2]]
    assert stat == pytest.approx(float(b @ np.linalg.solve(V[np.ix_([1, 2], [1, 2])], b)))
    assert 0 < p < 1


def test_list_valued_ids_are_refused_with_an_effekt_error():
    panel = _panel_data(persons=4, weeks=2)
    panel["person"] = [[int(p), 0] for p in panel["person"]]
    with pytest.raises(EffektError, match="'person'"):
        effect_over_time(panel, "job", "arm", "person", "week")
