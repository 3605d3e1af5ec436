"""Full matching with min/max controls per set: exact optimum (brute force), the bounds, the unbounded case."""

from __future__ import annotations

from itertools import combinations

import numpy as np
import pytest

import effekt as ef
from effekt.errors import EffektError
from effekt.matching.optimal import bounded_cover_edges, cover_edges


def _set_ratios(r: np.ndarray, c: np.ndarray) -> list[float]:
    """Controls per treated unit of every matched set (the sets are stars)."""
    deg_r, deg_c = np.bincount(r), np.bincount(c)
    ratios = [float(deg_r[i]) for i in set(r.tolist()) if deg_r[i] > 1]
    ratios += [1.0 / deg_c[j] for j in set(c.tolist()) if deg_c[j] > 1]
    ratios += [1.0 for i, j in zip(r, c, strict=True) if deg_r[i] == 1 and deg_c[j] == 1]
    return ratios


def _is_star_forest(r: np.ndarray, c: np.ndarray) -> bool:
    deg_r, deg_c = np.bincount(r), np.bincount(c)
    return bool(((deg_r[r] == 1) | (deg_c[c] == 1)).all())


def _brute_force(D: np.ndarray, lo: float, hi: float) -> tuple[int, float]:
    """(most units covered, least total distance among those) over every set of edges."""
    edges = [(i, j) for i in range(D.shape[0]) for j in range(D.shape[1]) if np.isfinite(D[i, j])]
    best = (0, 0.0)
    for k in range(1, len(edges) + 1):
        for pick in combinations(edges, k):
            r = np.array([p[0] for p in pick])
            c = np.array([p[1] for p in pick])
            if not _is_star_forest(r, c):
                continue
            if not all(lo - 1e-12 <= q <= hi + 1e-12 for q in _set_ratios(r, c)):
                continue
            covered = len(set(r.tolist())) + len(set(c.tolist()))
            cost = float(D[r, c].sum())
            if covered > best[0] or (covered == best[0] and cost < best[1] - 1e-12):
                best = (covered, cost)
    return best


LIMITS = [(0, np.inf), (1, 2), (0.5, 2), (0, 1), (2, 3), (1 / 3, 1 / 2), (0.5, 1)]


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("limits", LIMITS)
def test_bounded_full_matching_reaches_the_brute_force_optimum(seed, limits):
    rng = np.random.default_rng(300 + seed)
    n_t, n_c = (3, 4) if seed % 2 else (4, 3)
    D = np.abs(rng.uniform(size=(n_t, 1)) - rng.uniform(size=(1, n_c)))
    if seed == 3:
        D[D > 0.4] = np.inf  # a caliper
    r, c = bounded_cover_edges(D, *limits)
    covered, cost = _brute_force(D, *limits)
    assert len(set(r.tolist())) + len(set(c.tolist())) == covered
    assert D[r, c].sum() == pytest.approx(cost, abs=1e-9)
    assert _is_star_forest(r, c)
    assert all(limits[0] - 1e-12 <= q <= limits[1] + 1e-12 for q in _set_ratios(r, c))


@pytest.mark.parametrize("seed", range(5))
def test_unbounded_program_equals_the_current_full_matching(seed):
    rng = np.random.default_rng(400 + seed)
    D = np.abs(rng.uniform(size=(12, 1)) - rng.uniform(size=(1, 30)))
    if seed % 2:
        D[D > 0.2] = np.inf
    r0, c0 = cover_edges(D)
    r1, c1 = bounded_cover_edges(D)
    assert D[r1, c1].sum() == pytest.approx(D[r0, c0].sum(), abs=1e-9)
    assert set(r1.tolist()) == set(r0.tolist()) and set(c1.tolist()) == set(c0.tolist())


def test_set_size_bounds_hold_on_a_larger_match():
    df = ef.synthetic.observational(300, 0.05, seed=3)
    covs = ["age", "months_on_benefit"]
    m = ef.matching.optimal_match(
        df, "treated", covs, method="full", min_controls=1, max_controls=3
    )
    t = df["treated"].to_numpy() == 1
    sets = m.assign(t=t).dropna(subset=["subclass"]).groupby("subclass")["t"]
    n_t, n_c = sets.sum(), sets.count() - sets.sum()
    assert (n_t == 1).all() and n_c.between(1, 3).all()
    # every treated unit is matched; controls only as many as three per treated unit hold
    assert m.loc[t, "subclass"].notna().all()
    assert int(m.loc[~t, "subclass"].notna().sum()) == min(int((~t).sum()), 3 * int(t.sum()))
    free = ef.matching.optimal_match(df, "treated", covs, method="full")
    assert m.attrs["total_distance"] >= free.attrs["total_distance"] - 1e-12


def test_limits_are_checked():
    df = ef.synthetic.observational(200, 0.05, seed=3)
    with pytest.raises(EffektError, match="min_controls"):
        ef.matching.optimal_match(
            df, "treated", ["age"], method="full", min_controls=3, max_controls=2
        )
    with pytest.raises(EffektError, match="method='full'"):
        ef.matching.optimal_match(df, "treated", ["age"], max_controls=2)
    with pytest.raises(EffektError, match="max_controls"):
        ef.matching.optimal_match(df, "treated", ["age"], method="full", max_controls=0)
