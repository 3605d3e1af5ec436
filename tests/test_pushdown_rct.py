"""Push-down of the trial estimators (issue 14): every backend gives the pandas numbers.

difference_in_proportions and difference_in_means reduce to counts and sums per arm,
stratum and cluster; Polars, PyArrow, DuckDB and Spark inputs are aggregated in their
engine and must agree with pandas to 1e-10. The clustered fits from cell sums are checked
against the unit-level CR2 regression on the same rows.
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
import pytest

from backends import KINDS, as_backend, assert_same
from effekt import rct
from effekt._linear import ols
from effekt.errors import ColumnError, MissingValueError
from effekt.rct._lin import cells_fit, lin_design


def trial(n: int = 800, seed: int = 11) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    t = rng.integers(0, 2, n)
    strata = rng.integers(0, 4, n)
    cluster = rng.integers(0, 24, n)
    y = (rng.random(n) < 0.25 + 0.08 * t + 0.03 * strata).astype(np.int64)
    hours = rng.gamma(0.8, 6.0, n) * (1 + 0.4 * t) + 1000.0  # large mean: no cancellation
    return pd.DataFrame(
        {
            "t": t,
            "y": y,
            "svar": np.where(y == 1, "Ja", "Nej"),
            "arm": np.where(t == 1, "mentor", "kontrol"),
            "centre": strata,
            "kommune": [f"k{c:02d}" for c in cluster],
            "hours": hours,
            "age": rng.integers(18, 60, n).astype(float),
            "unused": rng.random(n),
        }
    )


DATA = trial()

PROPORTION_CASES = {
    "plain": dict(),
    "strata": dict(strata="centre"),
    "cluster": dict(cluster="kommune"),
    "strata+cluster": dict(strata="centre", cluster="kommune"),
    "covariates": dict(covariates=["age"], strata="centre"),
    "score": dict(method="score"),
}

MEAN_CASES = {
    "plain": dict(),
    "strata": dict(strata="centre"),
    "cluster": dict(cluster="kommune"),
    "strata+cluster": dict(strata="centre", cluster="kommune"),
    "covariates": dict(covariates=["age"], cluster="kommune"),
}


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("case", list(PROPORTION_CASES))
def test_proportions_same_on_every_backend(kind, case):
    kwargs = PROPORTION_CASES[case]
    expected = rct.difference_in_proportions(DATA, "y", "t", **kwargs)
    got = rct.difference_in_proportions(as_backend(kind, DATA), "y", "t", **kwargs)
    assert_same(expected, got)


@pytest.mark.parametrize("kind", KINDS)
def test_text_codes_same_on_every_backend(kind):
    kwargs = dict(outcome_value="Ja", treated_value="mentor", strata="centre")
    expected = rct.difference_in_proportions(DATA, "svar", "arm", **kwargs)
    got = rct.difference_in_proportions(as_backend(kind, DATA), "svar", "arm", **kwargs)
    assert_same(expected, got)
    assert (
        expected.estimate == rct.difference_in_proportions(DATA, "y", "t", strata="centre").estimate
    )


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("case", list(MEAN_CASES))
def test_means_same_on_every_backend(kind, case):
    kwargs = MEAN_CASES[case]
    expected = rct.difference_in_means(DATA, "hours", "t", **kwargs)
    got = rct.difference_in_means(as_backend(kind, DATA), "hours", "t", **kwargs)
    assert_same(expected, got)


@pytest.mark.spark
@pytest.mark.parametrize("case", ["plain", "strata", "strata+cluster"])
def test_spark_same_as_pandas(spark, case):
    frame = as_backend("spark", DATA, spark)
    kwargs = PROPORTION_CASES[case]
    assert_same(
        rct.difference_in_proportions(DATA, "y", "t", **kwargs),
        rct.difference_in_proportions(frame, "y", "t", **kwargs),
    )
    kwargs = MEAN_CASES[case]
    assert_same(
        rct.difference_in_means(DATA, "hours", "t", **kwargs),
        rct.difference_in_means(frame, "hours", "t", **kwargs),
    )


# --------------------------------------------------------------------------- cells == units


def _unit_and_cell_fits(interact: bool, strata: str | None):
    frame = DATA
    t = frame["t"].to_numpy() == 1
    y = frame["hours"].to_numpy()
    X = lin_design(frame, t, strata, [], "f", interact=interact)
    codes = pd.factorize(frame["kommune"], sort=True)[0]
    unit = ols(X, y, cov_type="CR2", cluster=codes)
    keys = ["t", *([strata] if strata else []), "kommune"]
    g = frame.groupby(keys).agg(n=("hours", "size"), s=("hours", "sum")).reset_index()
    cells = g.rename(
        columns={strata: "strata", "kommune": "cluster"} if strata else {"kommune": "cluster"}
    )
    cells["n"] = cells["n"].astype(float)
    fit = cells_fit(
        cells,
        cells["t"].to_numpy() == 1,
        cells["s"].to_numpy(),
        strata,
        "kommune",
        "f",
        interact=interact,
    )
    return unit, fit


@pytest.mark.parametrize("interact", [False, True])
@pytest.mark.parametrize("strata", [None, "centre"])
def test_cluster_cr2_from_cell_sums_equals_unit_level(interact, strata):
    # reference: the unit-level CR2 regression (effekt._linear.ols, checked against
    # clubSandwich in test_linear.py) on the same 800 rows
    unit, cells = _unit_and_cell_fits(interact, strata)
    np.testing.assert_allclose(cells.params, unit.params, rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(cells.cov, unit.cov, rtol=1e-10, atol=1e-14)
    assert cells.df_resid == unit.df_resid == 23


def test_saturated_cells_give_the_unit_level_answer():
    # one cluster per stratum and arm: as many cells as parameters (p = 4)
    rng = np.random.default_rng(2)
    df = pd.DataFrame({"t": np.repeat([0, 1, 0, 1], 25), "s": np.repeat([0, 0, 1, 1], 25)})
    df["c"] = df["t"] * 2 + df["s"]
    df["y"] = rng.normal(size=len(df))
    with pytest.raises(ColumnError, match="no residual variation"):
        rct.difference_in_means(df, "y", "t", strata="s", cluster="c")


# --------------------------------------------------------------------------- bad input


def _error(func, kind, data, *args, **kwargs):
    with pytest.raises(Exception) as info:
        func(as_backend(kind, data), *args, **kwargs)
    return type(info.value), str(info.value)


BAD = {
    "missing column": lambda d: d,
    "null outcome": lambda d: d.assign(
        y=d["y"].astype(float).where(d.index % 50 != 3), hours=d["hours"].where(d.index % 50 != 3)
    ),
    "three-valued treatment": lambda d: d.assign(t=d.index % 3),
    "non-binary outcome": lambda d: d.assign(y=d.index % 4, hours=d["svar"]),
}


@pytest.mark.parametrize("kind", KINDS[1:])
@pytest.mark.parametrize("bad", list(BAD))
@pytest.mark.parametrize("func", ["proportions", "means"])
def test_bad_input_same_error_on_every_backend(kind, bad, func):
    data = BAD[bad](DATA)
    call = rct.difference_in_proportions if func == "proportions" else rct.difference_in_means
    outcome = ("y" if func == "proportions" else "hours") if bad != "missing column" else "nope"
    for kwargs in ({}, {"strata": "centre", "cluster": "kommune"}):
        expected = _error(call, "pandas", data, outcome, "t", **kwargs)
        assert _error(call, kind, data, outcome, "t", **kwargs) == expected
        assert issubclass(expected[0], ColumnError | MissingValueError) or "missing" in expected[1]


def test_error_texts_name_the_problem():
    with pytest.raises(
        ColumnError, match="'hours' passed to difference_in_means.. must be numeric"
    ):
        rct.difference_in_means(BAD["non-binary outcome"](DATA), "hours", "t")
    bad = BAD["non-binary outcome"](DATA)
    with pytest.raises(ColumnError, match="must be coded 0/1; 400 values are not"):
        rct.difference_in_proportions(bad, "y", "t")
    with pytest.raises(ColumnError, match="exactly two values; it has 3"):
        rct.difference_in_proportions(BAD["three-valued treatment"](DATA), "y", "t")
    with pytest.raises(MissingValueError, match="'y' used by difference_in_proportions"):
        rct.difference_in_proportions(BAD["null outcome"](DATA), "y", "t")


@pytest.mark.parametrize("kind", KINDS)
def test_missing_drop_same_on_every_backend(kind):
    data = BAD["null outcome"](DATA)
    with pytest.warns(Warning, match="dropped 16 of 800 rows"):
        expected = rct.difference_in_means(data, "hours", "t", strata="centre", missing="drop")
    with pytest.warns(Warning, match="dropped 16 of 800 rows"):
        got = rct.difference_in_means(
            as_backend(kind, data), "hours", "t", strata="centre", missing="drop"
        )
    assert_same(expected, got)


# --------------------------------------------------------------------------- push-down


def test_ten_million_duckdb_rows_are_aggregated_in_the_engine(monkeypatch):
    duckdb = pytest.importorskip("duckdb")
    import narwhals.stable.v2 as nw

    collected: list[int] = []
    real = nw.LazyFrame.collect

    def spy(self, *args, **kwargs):
        out = real(self, *args, **kwargs)
        collected.append(len(out))
        return out

    monkeypatch.setattr(nw.LazyFrame, "collect", spy)
    rel = duckdb.sql(
        "select (i % 2)::int as t, (hash(i) % 100 < 30 + 5 * (i % 2))::int as y, "
        "(hash(i * 3) % 1000)::double / 100 + (i % 2) as hours, "
        "i % 13 as centre, i % 97 as kommune from range(10000000) tbl(i)"
    )
    start = time.perf_counter()
    p = rct.difference_in_proportions(rel, "y", "t", strata="centre")
    m = rct.difference_in_means(rel, "hours", "t", cluster="kommune")
    elapsed = time.perf_counter() - start
    assert p.n_treated + p.n_control == 10_000_000 == m.n_treated + m.n_control
    assert 0.04 < p.estimate < 0.06 and 0.9 < m.estimate < 1.1
    assert max(collected) <= 2 * 97  # only cells: arm x stratum x outcome, arm x cluster
    assert elapsed < 60  # a few seconds on a 2-core machine; pandas would need ~1 GB first
