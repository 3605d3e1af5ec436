"""effekt._frame.group_stats (pandas path and engines) and effekt._cells: the push-down core."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from backends import KINDS, as_backend
from effekt import _cells, _frame
from effekt.errors import ColumnError, DroppedRowsWarning, MissingValueError


def frame(n: int = 500, seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "small": rng.integers(-3, 3, n),  # negative integers: the direct-range path
            "wide": rng.choice([-(10**12), 5, 10**12], n),  # a range too wide: hashing
            "flag": rng.random(n) < 0.4,
            "text": rng.choice(["å", "b", "a"], n),
            "x": rng.normal(1e6, 1.0, n),
            "y": np.where(rng.random(n) < 0.05, np.nan, rng.normal(size=n)),
        }
    )


DATA = frame()


def reference(df, keys, values):
    """pandas' own group-by: the independent reference."""
    g = df.groupby(keys, sort=True)
    out = pd.DataFrame({"n": g.size().astype(float)})
    for v in values:
        out[f"sum_{v}"] = g[v].sum()
        out[f"sumsq_{v}"] = g[v].apply(lambda s: float((s * s).sum()))
    return out


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("keys", [["small"], ["wide", "flag"], ["text", "small", "flag"]])
def test_group_stats_equals_pandas_groupby(kind, keys):
    got = _frame.group_stats(as_backend(kind, DATA), "f", keys, ["x"])
    expected = reference(DATA, keys, ["x"])
    assert [tuple(np.atleast_1d(i)) for i in got.index] == [
        tuple(np.atleast_1d(i)) for i in expected.index
    ]
    np.testing.assert_allclose(got.to_numpy(), expected.to_numpy(), rtol=1e-12)


@pytest.mark.parametrize("kind", KINDS)
def test_group_stats_centre_and_missing(kind):
    with pytest.raises(MissingValueError, match="'y' used by f\\(\\) has"):
        _frame.group_stats(as_backend(kind, DATA), "f", ["flag"], ["y"])
    with pytest.warns(DroppedRowsWarning):
        got = _frame.group_stats(
            as_backend(kind, DATA),
            "f",
            ["flag"],
            ["x"] + ["y"],
            missing="drop",
            centre={"x": 1e6},
        )
    kept = DATA.dropna()
    expected = reference(kept.assign(x=kept["x"] - 1e6), ["flag"], ["x", "y"])
    np.testing.assert_allclose(got.to_numpy(), expected.to_numpy(), rtol=1e-12)


def test_group_stats_without_values_and_keys_only():
    got = _frame.group_stats(DATA, "f", ["flag", "small"])
    assert list(got.columns) == ["n"] and got["n"].sum() == len(DATA)


def test_pandas_caller_frame_untouched():
    before = DATA.copy(deep=True)
    _cells.collect(DATA, "f", keys={"g": "text"}, values={"v": "x"})
    pd.testing.assert_frame_equal(DATA, before)


@pytest.mark.parametrize("kind", KINDS)
def test_collect_checks_columns_and_types_like_pandas(kind):
    data = as_backend(kind, DATA)
    with pytest.raises(ColumnError, match="'nope' given as 'treatment'"):
        _cells.collect(data, "f", keys={"treatment": "nope"})
    with pytest.raises(ColumnError, match="'text' passed to f\\(\\) must be numeric"):
        _cells.collect(data, "f", keys={"g": "flag"}, values={"outcome": "text"})
    cells = _cells.collect(data, "f", keys={"treatment": "flag", "outcome": "small"})
    n_bad = int((~DATA["small"].isin([0, 1])).sum())  # rows, not distinct values
    with pytest.raises(
        ColumnError, match=f"must be coded 0/1; {n_bad} values are not \\(e.g. -3\\)"
    ):
        _cells.outcome_flags(cells, "small", "f")
