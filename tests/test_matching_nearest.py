"""Nearest-neighbour matching by definition: brute-force greedy references, calipers, strata."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from effekt.errors import OverlapWarning
from effekt.matching import match


def brute_greedy(score, treated, strata, *, ratio=1, caliper=np.inf, order="largest"):
    """O(n_t * n_c) greedy matching, written independently of the engine.

    Tie rule (MatchIt): among unused controls at minimal distance, a control below the
    treated score wins over one above; among several below, the latest in data order;
    among several at or above, the earliest in data order.
    """
    t_idx = np.flatnonzero(treated)
    c_idx = np.flatnonzero(~treated)
    if order == "largest":
        visit = t_idx[np.argsort(-score[t_idx], kind="stable")]
    else:
        visit = t_idx
    used = set()
    pairs = []
    active = list(visit)
    for rank in range(1, ratio + 1):
        nxt = []
        for i in active:
            best = None
            for j in c_idx:
                if j in used or strata[j] != strata[i]:
                    continue
                d = abs(score[j] - score[i])
                below = score[j] < score[i]
                key = (d, 0 if below else 1, -j if below else j)
                if best is None or key < best[0]:
                    best = (key, j)
            if best is None or best[0][0] > caliper:
                continue
            used.add(best[1])
            pairs.append((i, best[1], rank))
            nxt.append(i)
        active = nxt
    return sorted(pairs)


def brute_mahalanobis(df):
    """Greedy 1:1 Mahalanobis matching in data order, pooled within-group covariance, O(n^2)."""
    X = df[["a", "b"]].to_numpy()
    t = df["t"].to_numpy() == 1
    n = len(df)
    S = (
        np.cov(X[t], rowvar=False) * (t.sum() - 1) + np.cov(X[~t], rowvar=False) * ((~t).sum() - 1)
    ) / (n - 2)
    Si = np.linalg.inv(S)
    used, ref = set(), []
    for i in np.flatnonzero(t):
        c = [j for j in np.flatnonzero(~t) if j not in used]
        d = [float((X[i] - X[j]) @ Si @ (X[i] - X[j])) for j in c]
        j = c[int(np.argmin(d))]
        used.add(j)
        ref.append((i, j, 1))
    return ref


def _frame(rng, n, p_treat=0.3, n_strata=1, rounding=None):
    s = rng.random(n)
    if rounding is not None:
        s = np.round(s, rounding)  # many exact ties
    t = rng.random(n) < p_treat
    return pd.DataFrame(
        {"s": s, "t": t.astype(int), "g": rng.integers(0, n_strata, n), "y": rng.normal(size=n)}
    )


def _pairs(m):
    p = m.pairs()
    pos = {k: i for i, k in enumerate(m.data.index)}
    return sorted(
        (pos[a], pos[b], int(r))
        for a, b, r in zip(p["treated"], p["control"], p["rank"], strict=False)
    )


def _quiet_match(*args, **kwargs):
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", OverlapWarning)
        return match(*args, **kwargs)


@pytest.mark.parametrize("seed", range(12))
def test_greedy_equals_brute_force(seed):
    rng = np.random.default_rng(seed)
    df = _frame(rng, 120, p_treat=0.35, n_strata=1 + seed % 3, rounding=2 if seed % 2 else None)
    ratio = 1 + seed % 3
    caliper = [None, 0.05, 0.2][seed % 3]
    exact = "g" if seed % 3 else None
    m = _quiet_match(
        df, "t", ["s"], distance="s", ratio=ratio, caliper=caliper, std_caliper=False, exact=exact
    )
    ref = brute_greedy(
        df["s"].to_numpy(),
        df["t"].to_numpy() == 1,
        df["g"].to_numpy() if exact else np.zeros(len(df)),
        ratio=ratio,
        caliper=np.inf if caliper is None else caliper,
    )
    assert _pairs(m) == ref


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 2**31 - 1),
    n=st.integers(4, 80),
    caliper=st.floats(0.001, 0.5),
    rounding=st.sampled_from([None, 1, 2]),
)
def test_caliper_by_definition(seed, n, caliper, rounding):
    """Every pair lies within the caliper, and no treated unit is left unmatched while an
    unused control lay within its caliper at its turn."""
    rng = np.random.default_rng(seed)
    df = _frame(rng, n, rounding=rounding)
    t = df["t"].to_numpy() == 1
    if t.all() or not t.any():
        return
    s = df["s"].to_numpy()
    try:
        m = _quiet_match(df, "t", ["s"], distance="s", caliper=caliper, std_caliper=False)
    except Exception as exc:  # nobody matched: then no control is within any caliper
        assert "no treated unit could be matched" in str(exc)
        d = np.abs(s[t][:, None] - s[~t][None, :])
        assert (d > caliper).all()
        return
    p = m.pairs()
    assert (p["difference"] <= caliper + 1e-15).all()
    # replay the greedy order: at each unmatched unit's turn, all controls within the caliper were used
    visit = np.flatnonzero(t)[np.argsort(-s[t], kind="stable")]
    pos = {k: i for i, k in enumerate(df.index)}
    partner = {pos[a]: pos[b] for a, b in zip(p["treated"], p["control"], strict=False)}
    used: set[int] = set()
    for i in visit:
        if i in partner:
            used.add(partner[i])
        else:
            near = np.flatnonzero(~t & (np.abs(s - s[i]) <= caliper))
            assert set(near.tolist()) <= used, (i, near, used)
    # and the standardized caliper multiplies the SD of the score
    m2 = _quiet_match(df, "t", ["s"], distance="s", caliper=4.0)
    assert m2.caliper == pytest.approx(4.0 * np.std(s, ddof=1))


@pytest.mark.parametrize("seed", range(6))
def test_with_replacement_takes_nearest(seed):
    rng = np.random.default_rng(100 + seed)
    df = _frame(rng, 300, n_strata=2, rounding=2 if seed % 2 else None)
    ratio = 1 + seed % 3
    m = match(df, "t", ["s"], distance="s", replace=True, ratio=ratio, exact="g")
    s, t, g = df["s"].to_numpy(), df["t"].to_numpy() == 1, df["g"].to_numpy()
    pos = {k: i for i, k in enumerate(df.index)}
    p = m.pairs()
    for i in np.flatnonzero(t):
        mine = sorted(pos[c] for c in p.loc[p["treated"] == df.index[i], "control"])
        cands = np.flatnonzero(~t & (g == g[i]))
        d = np.abs(s[cands] - s[i])
        kth = np.sort(d)[ratio - 1]
        assert len(mine) == ratio
        assert np.abs(s[mine] - s[i]).max() == pytest.approx(kth)  # the k nearest distances
        assert all(g[c] == g[i] for c in mine)
    # weights: times used, scaled to the number of distinct controls
    used = np.bincount([pos[c] for c in p["control"]], weights=p["weight"], minlength=len(df))
    w = m.weights
    assert w[~t & (used > 0)].sum() == pytest.approx((used > 0).sum())
    np.testing.assert_allclose(w[used > 0] / used[used > 0], w[used > 0][0] / used[used > 0][0])


def test_ratio_rounds_and_weights():
    rng = np.random.default_rng(5)
    df = _frame(rng, 200, p_treat=0.2)
    m = match(df, "t", ["s"], distance="s", ratio=3)
    p = m.pairs()
    assert set(p["rank"]) == {1, 2, 3}
    assert p.groupby("treated").size().eq(3).all()
    md = m.matched_data()
    # 1:3 without replacement: each control 1/3 of a treated unit, rescaled to sum to #controls
    ctrl = md[md["t"] == 0]
    assert ctrl["weights"].sum() == pytest.approx(len(ctrl))
    assert (md.groupby("subclass").size() == 4).all()
    r = m.effect("y")
    y, w, tt = md["y"], md["weights"], md["t"] == 1
    assert r.estimate == pytest.approx(
        np.average(y[tt], weights=w[tt]) - np.average(y[~tt], weights=w[~tt])
    )


def test_exact_strata_and_fallback():
    rng = np.random.default_rng(3)
    n = 400
    df = pd.DataFrame(
        {"x": rng.normal(size=n), "centre": rng.choice(["A", "B", "C"], n, p=[0.45, 0.45, 0.1])}
    )
    df["t"] = (rng.random(n) < 0.3).astype(int)
    # centre C: many treated, few controls
    df.loc[df["centre"] == "C", "t"] = (rng.random((df["centre"] == "C").sum()) < 0.85).astype(int)
    with pytest.warns(OverlapWarning, match="unmatched"):
        m = match(df, "t", ["x"], distance="x", exact="centre")
    md = m.matched_data()
    assert (md.groupby("subclass")["centre"].nunique() == 1).all()
    n_left = m.n_treated_unmatched
    assert n_left > 0
    m2 = match(df, "t", ["x"], distance="x", exact="centre", exact_fallback=True)
    assert m2.n_treated_unmatched == 0
    p2 = m2.pairs()
    assert (p2["stage"] == "fallback").sum() == n_left
    # the within-strata part is identical to the plain exact match
    p1 = m.pairs()
    first = p2[p2["stage"] == "exact"]
    assert dict(zip(first["treated"], first["control"], strict=False)) == dict(
        zip(p1["treated"], p1["control"], strict=False)
    )
    # fallback controls were unused in the first stage
    assert not set(p2.loc[p2["stage"] == "fallback", "control"]) & set(p1["control"])
    assert any("exact_fallback" in note for note in m2.notes)


def test_discard_both_common_support():
    rng = np.random.default_rng(11)
    n = 300
    df = pd.DataFrame({"s": rng.random(n)})
    df["t"] = (rng.random(n) < df["s"]).astype(int)
    df.loc[df.index[:3], ["s", "t"]] = [[0.999, 1], [0.9995, 1], [0.0001, 0]]
    lo_t, hi_c = df.loc[df.t == 1, "s"].min(), df.loc[df.t == 0, "s"].max()
    with pytest.warns(OverlapWarning, match="discarded outside common support"):
        m = match(df, "t", ["s"], distance="s", discard="both")
    s, t = df["s"].to_numpy(), df["t"].to_numpy() == 1
    assert (m.discarded == ((t & (s > hi_c)) | (~t & (s < lo_t)))).all()
    assert not m.matched[m.discarded].any()


def test_order_options_and_seed():
    rng = np.random.default_rng(2)
    df = _frame(rng, 150, p_treat=0.45, rounding=2)
    a = _quiet_match(df, "t", ["s"], distance="s", order="random", seed=4)
    b = _quiet_match(df, "t", ["s"], distance="s", order="random", seed=4)
    assert _pairs(a) == _pairs(b)
    d = _quiet_match(df, "t", ["s"], distance="s", order="data")
    ref = brute_greedy(df["s"].to_numpy(), df["t"].to_numpy() == 1, np.zeros(len(df)), order="data")
    assert _pairs(d) == ref


def test_mahalanobis_matches_brute_force():
    rng = np.random.default_rng(8)
    n = 160
    df = pd.DataFrame({"a": rng.normal(size=n), "b": rng.normal(size=n) * 3})
    df["t"] = (rng.random(n) < 0.3).astype(int)
    m = match(df, "t", ["a", "b"], distance="mahalanobis")
    ref = brute_mahalanobis(df)
    assert _pairs(m) == sorted(ref)
    assert m.distance is None
    bal = m.balance()
    assert "distance" not in bal.index


def test_data_not_modified_and_matched_data_columns():
    rng = np.random.default_rng(1)
    df = _frame(rng, 100)
    df["cat"] = pd.Categorical(rng.choice(["x", "y"], 100))
    copy = df.copy(deep=True)
    m = match(df, "t", ["s", "cat"])
    m.balance()
    m.effect("y")
    m.effect("y", se="bootstrap", n_boot=60, seed=1)
    md0 = m.matched_data()
    md0["s"] = 0.0  # editing the matched copy leaves the caller's frame alone
    m.summary()
    match(df, "t", ["s", "cat"], replace=True, ties=True).effect("y")
    pd.testing.assert_frame_equal(df, copy)
    assert "weights" not in m.data.columns
    md = m.matched_data()
    assert list(md.columns) == [*df.columns, "distance", "weights", "subclass"]
    assert md.index.is_monotonic_increasing
    bal = m.balance()
    assert {"cat_x", "cat_y"} <= set(bal.index)  # every level, not first-level-dropped
    assert "distance" in m.summary()


def test_binary_outcome_is_proportion_scale():
    rng = np.random.default_rng(9)
    df = _frame(rng, 400)
    df["job"] = (rng.random(400) < 0.2 + 0.1 * df["t"]).astype(int)
    r = match(df, "t", ["s"]).effect("job")
    assert r.scale == "proportion"
    assert "pp" in r.summary()


def test_large_scale_smoke():
    """10^5 rows: O(n log n) path works and every treated unit is matched."""
    rng = np.random.default_rng(0)
    n = 100_000
    df = pd.DataFrame({"x1": rng.normal(size=n), "x2": rng.normal(size=n)})
    df["t"] = (rng.random(n) < 1 / (1 + np.exp(1.4 - 0.5 * df["x1"]))).astype(int)
    m = match(df, "t", ["x1", "x2"])
    assert m.n_treated_unmatched == 0
    assert np.abs(m.balance()["smd_after"]).max() < 0.05


def test_mahalanobis_without_replacement_with_crowding():
    """Many treated units compete for few nearby controls: the k-d tree re-query path."""
    rng = np.random.default_rng(21)
    n_t, n_c = 60, 70
    X = np.vstack([rng.normal(0, 0.1, size=(n_t, 2)), rng.normal(0, 1, size=(n_c, 2))])
    df = pd.DataFrame(X, columns=["a", "b"]).assign(
        t=np.r_[np.ones(n_t), np.zeros(n_c)].astype(int)
    )
    m = match(df, "t", ["a", "b"], distance="mahalanobis")
    assert m.n_treated_matched == n_t and m.n_controls_used == n_t
    assert _pairs(m) == sorted(brute_mahalanobis(df))
    assert "MatchResult(treated=60" in repr(m)
