"""The same data on every backend, for the push-down tests (issue 14).

``as_backend(kind, df)`` returns ``df`` as a pandas, Polars (eager or lazy) or PyArrow
frame, a DuckDB relation or a PySpark DataFrame; the test is skipped when the package is
absent. ``assert_same(a, b)`` compares two results to 1e-10.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
import pytest

#: Backends run everywhere the package is installed; Spark needs the ``spark`` marker.
KINDS = ["pandas", "polars", "polars-lazy", "pyarrow", "duckdb"]
TOL = 1e-10


def as_backend(kind: str, df: pd.DataFrame, spark: Any = None) -> Any:
    if kind == "pandas":
        return df
    if kind in ("polars", "polars-lazy"):
        pl = pytest.importorskip("polars")
        frame = pl.from_pandas(df)
        return frame.lazy() if kind == "polars-lazy" else frame
    if kind == "spark":
        return spark.createDataFrame(df)
    pa = pytest.importorskip("pyarrow")
    table = pa.Table.from_pandas(df, preserve_index=False)
    if kind == "pyarrow":
        return table
    duckdb = pytest.importorskip("duckdb")
    return duckdb.from_arrow(table)


def _close(a: Any, b: Any, where: str) -> None:
    if isinstance(a, (float, int, np.floating, np.integer)) and not isinstance(a, bool):
        if math.isnan(float(a)):
            assert math.isnan(float(b)), where
        else:
            assert float(b) == pytest.approx(float(a), rel=TOL, abs=TOL), where
    elif isinstance(a, (tuple, list)):
        assert len(a) == len(b), where
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            _close(x, y, f"{where}[{i}]")
    else:
        assert a == b, where


def assert_same(expected: Any, got: Any) -> None:
    """Two results (or frames) agree: numbers to 1e-10, everything else exactly."""
    if isinstance(expected, pd.DataFrame):
        assert list(expected.columns) == list(got.columns)
        assert len(expected) == len(got)
        for column in expected.columns:
            a, b = expected[column], got[column]
            if pd.api.types.is_numeric_dtype(a) and a.dtype != bool:
                np.testing.assert_allclose(
                    b.to_numpy(float), a.to_numpy(float), rtol=TOL, atol=TOL, err_msg=str(column)
                )
            else:
                assert [str(v) for v in a] == [str(v) for v in b], column
        return
    fields = getattr(expected, "__dataclass_fields__", None)
    assert fields is not None, type(expected)
    for name in fields:
        a, b = getattr(expected, name), getattr(got, name)
        if isinstance(a, pd.DataFrame) or hasattr(a, "__dataclass_fields__"):
            assert_same(a, b)
        elif isinstance(a, dict):
            assert a.keys() == b.keys(), name
            for key in a:
                _close(a[key], b[key], f"{name}[{key}]")
        elif isinstance(a, pd.Series):
            np.testing.assert_allclose(b.to_numpy(float), a.to_numpy(float), rtol=TOL, atol=TOL)
        else:
            _close(a, b, name)
