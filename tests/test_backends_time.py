"""Kaplan-Meier, the log-rank test and effects over time give the same numbers and the same
errors on pandas, Polars (eager and lazy), PyArrow, DuckDB and (marked slow) PySpark input.

On the engines the (group, time, event) counts and the per (period, arm) moments are
computed by a group-by in the engine; effects over time collect the panel one partition of
persons at a time for the cross-period covariance.
"""

from __future__ import annotations

import importlib.util
import shutil

import numpy as np
import pandas as pd
import pytest

from effekt import trajectory
from effekt.duration import kaplan_meier, logrank_test
from effekt.errors import EffektError
from effekt.trajectory import effect_over_time

SPARK = importlib.util.find_spec("pyspark") is not None and shutil.which("java") is not None
BACKENDS = [
    "pandas",
    "polars",
    "polars-lazy",
    "pyarrow",
    "duckdb",
    pytest.param(
        "pyspark",
        marks=[pytest.mark.slow, pytest.mark.skipif(not SPARK, reason="needs pyspark and Java")],
    ),
]


# the Spark session is the shared one of tests/conftest.py (stopping a local one would stop
# it for every later test: getOrCreate() hands out the same session)


def convert(df: pd.DataFrame, backend: str, request: pytest.FixtureRequest):
    if backend == "pandas":
        return df
    if backend == "duckdb":
        duckdb = pytest.importorskip("duckdb")
        return duckdb.from_df(df)
    if backend == "pyspark":
        return request.getfixturevalue("spark").createDataFrame(df)
    if backend == "pyarrow":
        pa = pytest.importorskip("pyarrow")
        return pa.Table.from_pandas(df, preserve_index=False)
    pl = pytest.importorskip("polars")
    frame = pl.from_pandas(df)
    return frame.lazy() if backend == "polars-lazy" else frame


def durations(n: int = 1500, seed: int = 4) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    arm = rng.choice(["IPS", "control", "other"], n)
    t = np.ceil(rng.exponential(np.where(arm == "IPS", 18.0, 25.0)))
    cens = rng.integers(5, 70, n)
    return pd.DataFrame({"weeks": np.minimum(t, cens), "job": (t <= cens).astype(int), "arm": arm})


def panel(persons: int = 400, weeks: int = 10, seed: int = 6) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    arm = np.repeat(rng.random(persons) < 0.5, weeks)
    week = np.tile(np.arange(1, weeks + 1), persons)
    df = pd.DataFrame(
        {
            "person": np.repeat(np.arange(persons), weeks),
            "week": week,
            "arm": arm.astype(int),
            "job": (rng.random(len(week)) < 0.2 + 0.02 * week + 0.1 * arm).astype(int),
            "hours": rng.gamma(2.0, 5.0, len(week)) * (1 + 0.3 * arm),
            "kommune": np.repeat([f"K{k:02d}" for k in rng.integers(0, 9, persons)], weeks),
        }
    )
    keep = rng.random(len(df)) > 0.1  # unbalanced, and shuffled below
    return df.loc[keep].sample(frac=1.0, random_state=seed).reset_index(drop=True)


@pytest.mark.parametrize("backend", BACKENDS)
def test_kaplan_meier_and_logrank_are_the_same_on_every_backend(backend, request):
    df = durations()
    km = kaplan_meier(convert(df, backend, request), "weeks", "job", treatment="arm")
    lr = logrank_test(convert(df, backend, request), "weeks", "job", "arm")
    ref_km = kaplan_meier(df, "weeks", "job", treatment="arm")
    ref_lr = logrank_test(df, "weeks", "job", "arm")
    pd.testing.assert_frame_equal(km.table, ref_km.table, rtol=1e-10)
    pd.testing.assert_frame_equal(km.medians, ref_km.medians, rtol=1e-10)
    assert lr.statistic == pytest.approx(ref_lr.statistic, rel=1e-10)
    assert lr.df == ref_lr.df == 2
    overall = kaplan_meier(convert(df, backend, request), "weeks", "job")
    ref = kaplan_meier(df, "weeks", "job")
    pd.testing.assert_frame_equal(overall.table, ref.table, rtol=1e-10)


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize(("outcome", "cluster"), [("job", None), ("hours", "kommune")])
def test_effect_over_time_is_the_same_on_every_backend(backend, outcome, cluster, request):
    df = panel()
    tr = effect_over_time(
        convert(df, backend, request), outcome, "arm", "person", "week", cluster=cluster
    )
    ref = effect_over_time(df, outcome, "arm", "person", "week", cluster=cluster)
    pd.testing.assert_frame_equal(tr.frame, ref.frame, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(tr.cov, ref.cov, rtol=1e-10, atol=1e-14)
    assert (tr.method, tr.scale, tr.df) == (ref.method, ref.scale, ref.df)


@pytest.mark.parametrize("backend", ["polars-lazy", "duckdb"])
def test_effect_over_time_in_partitions_of_persons(backend, request, monkeypatch):
    df = panel(persons=600)
    ref = effect_over_time(df, "hours", "arm", "person", "week", cluster="kommune")
    monkeypatch.setattr(trajectory, "PARTITION_ROWS", 700)  # 8 partitions of persons
    tr = effect_over_time(
        convert(df, backend, request), "hours", "arm", "person", "week", cluster="kommune"
    )
    pd.testing.assert_frame_equal(tr.frame, ref.frame, rtol=1e-10, atol=1e-12)


def _message(call, data) -> str:
    with pytest.raises(EffektError) as info:
        call(data)
    return str(info.value)


@pytest.mark.parametrize("backend", BACKENDS[1:])
def test_bad_input_gives_the_same_error_on_every_backend(backend, request):
    df = panel()
    nulls = df.assign(hours=df["hours"].where(df.index % 50 != 3))
    three = df.assign(arm=df["person"] % 3)
    negative = durations().assign(weeks=lambda d: d["weeks"] - 3)
    not_event = durations().assign(job=lambda d: d["job"] * 2)
    null_event = durations().assign(job=lambda d: d["job"].where(d.index % 7 != 0))
    calls = {
        "missing column": (df, lambda d: effect_over_time(d, "hours", "arm", "id", "week")),
        "NULL outcome": (nulls, lambda d: effect_over_time(d, "hours", "arm", "person", "week")),
        "three arms": (three, lambda d: effect_over_time(d, "job", "arm", "person", "week")),
        "KM missing column": (df, lambda d: kaplan_meier(d, "weeks", "job", treatment="arm")),
        "KM negative time": (negative, lambda d: kaplan_meier(d, "weeks", "job")),
        "log-rank event 2": (not_event, lambda d: logrank_test(d, "weeks", "job", "arm")),
        "log-rank NULL event": (null_event, lambda d: logrank_test(d, "weeks", "job", "arm")),
    }
    for what, (data, call) in calls.items():
        expected = _message(call, data)
        got = _message(call, convert(data, backend, request))
        assert got == expected, what


def test_effect_over_time_with_gaps_in_the_ids(request, monkeypatch):
    df = panel(persons=300)
    df = df.assign(person=np.where(df["person"] < 150, df["person"], df["person"] + 10**6))
    ref = effect_over_time(df, "job", "arm", "person", "week")
    monkeypatch.setattr(trajectory, "PARTITION_ROWS", 500)  # most id ranges are empty
    tr = effect_over_time(convert(df, "duckdb", request), "job", "arm", "person", "week")
    pd.testing.assert_frame_equal(tr.frame, ref.frame, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("backend", ["polars", "duckdb"])
def test_missing_drop_gives_the_same_rows_and_warning(backend, request):
    from effekt.errors import DroppedRowsWarning

    df = panel()
    df = df.assign(hours=df["hours"].where(df.index % 40 != 5))
    with pytest.warns(DroppedRowsWarning) as expected:
        ref = effect_over_time(df, "hours", "arm", "person", "week", missing="drop")
    with pytest.warns(DroppedRowsWarning) as got:
        tr = effect_over_time(
            convert(df, backend, request), "hours", "arm", "person", "week", missing="drop"
        )
    assert [str(w.message) for w in got] == [str(w.message) for w in expected]
    pd.testing.assert_frame_equal(tr.frame, ref.frame, rtol=1e-10, atol=1e-12)
