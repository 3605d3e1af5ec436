"""Cells: the sufficient statistics of the count-based estimators, read from any backend.

An estimator that reduces to counts and sums per arm, stratum, cluster, provider or month
names its grouping columns (``keys``) and its numeric columns (``values``) by argument;
:func:`collect` checks that they exist, counts the rows of every distinct combination in
the engine (:func:`effekt._frame.group_stats`: pandas by bincount, Polars, PyArrow, DuckDB
and Spark by their own group-by, only the aggregates collected) and returns one pandas row
per cell. The value checks (two-valued treatment, binary outcome, numeric columns) then run
on the distinct values of the cells with the validators of :mod:`effekt._validate`, so that
a bad input gets the same :class:`~effekt.errors.EffektError` text on every backend.

Examples
--------
>>> import pandas as pd
>>> df = pd.DataFrame({"arm": [1, 1, 0, 0, 0], "y": [1, 0, 1, 1, 0]})
>>> cells = collect(df, "f", keys={"treatment": "arm", "outcome": "y"}, missing="raise")
>>> cells.to_dict("list")
{'treatment': [0, 0, 1, 1], 'outcome': [0, 1, 0, 1], 'n': [1.0, 2.0, 1.0, 1.0]}
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Hashable, Mapping
from typing import Any

import narwhals.stable.v2 as nw
import numpy as np
import pandas as pd

from . import _frame
from ._validate import (
    MISSING_POLICIES,
    as_column_list,
    binary_outcome,
    check_choice,
    check_column_name,
    factorize_levels,
    numeric_column,
    two_valued,
)
from .errors import EffektError

__all__ = [
    "check_columns",
    "check_numeric",
    "collect",
    "levels",
    "outcome_flags",
    "treatment_flags",
]


#: Rows whose mean centres the sums of a pandas value column (a centre near the mean keeps
#: ``sumsq - sum**2 / n`` exact to ~1e-15; the mean of the first rows is near enough).
CENTRE_ROWS = 10_000

#: Column arguments that may be None (the design options); any other None is an error.
OPTIONAL = ("strata", "cluster", "period")


def check_numeric(data: Any, column: Hashable, argument: str, func: str) -> None:
    """A value column must be numeric or boolean; the pandas text for every backend."""
    if _frame.is_pandas(data):
        values = data[column]
        if not (pd.api.types.is_numeric_dtype(values) or values.dtype == bool):
            numeric_column(values, column, func, argument)
        return
    lazy = _frame.lazy_frame(data, func)
    dtype = lazy.collect_schema()[column]
    if not (dtype.is_numeric() or dtype == nw.Boolean):
        sample = _frame.to_pandas(lazy.select(nw.col(str(column))).head(5), func)
        numeric_column(sample[column], column, func, argument)


def _centre(data: Any, column: Hashable, func: str) -> float:
    """A centre near the mean of a value column (0 when it cannot be had cheaply)."""
    if _frame.is_pandas(data):
        values = data[column]
        if values.dtype == bool:
            return 0.0
        # the first rows suffice: the centre only has to be near the mean, not at it
        head = values.iloc[:CENTRE_ROWS].to_numpy(dtype=np.float64)
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # all missing: no centre
            c = float(np.nanmean(head)) if len(head) else 0.0
    else:
        lazy = _frame.lazy_frame(data, func)
        row = lazy.select(nw.col(str(column)).cast(nw.Float64).mean()).collect().to_pandas()
        c = float(row.iloc[0, 0]) if len(row) else 0.0
    return c if math.isfinite(c) else 0.0


def check_columns(data: Any, func: str, argument: str = "data", **columns: Any) -> None:
    """Every column named by ``columns`` (argument -> column or list) is in ``data``.

    Read from the schema on every backend (nothing is computed), with the texts of
    :func:`effekt._validate.require_columns`; ``None`` entries are skipped.
    """
    lists = {a: as_column_list(c) for a, c in columns.items()}
    for arg, cols in lists.items():
        for column in cols:
            check_column_name(column, arg, func)
    _frame.require_columns_in(_frame.column_names(data, func, argument), func, lists)


def collect(
    data: Any,
    func: str,
    *,
    keys: Mapping[str, Hashable | None],
    values: Mapping[str, Hashable | None] | None = None,
    missing: str = "raise",
    argument: str = "data",
    centred: bool = True,
) -> pd.DataFrame:
    """One row per distinct combination of the ``keys`` columns, with counts and sums.

    ``keys`` and ``values`` map argument names (``"treatment"``) to columns; ``None``
    entries are skipped for the optional arguments (:data:`OPTIONAL`) and refused for the
    others. The result has a column per key argument holding the column's
    values, ``n`` (rows), and ``sum_<argument>``/``sumsq_<argument>`` for each value
    argument, the sums taken about ``centre_<argument>`` (recorded in ``frame.attrs``) to
    keep variances free of cancellation (``centred=False``: plain sums, exact for integer
    counts). Columns are checked in the order given (values
    last) with the texts of the pandas path; missing values follow ``missing``.
    """
    check_choice(missing, "missing", func, MISSING_POLICIES)
    for arg, column in {**(values or {}), **keys}.items():
        if column is None and arg not in OPTIONAL:
            raise EffektError(
                f"{func}() got None for a column it needs ('{arg}'); pass a column name for "
                "every required column argument."
            )
    key_args = {a: c for a, c in keys.items() if c is not None}
    value_args = {a: c for a, c in (values or {}).items() if c is not None}
    check_columns(data, func, argument, **value_args, **key_args)
    for arg, column in value_args.items():
        check_numeric(data, column, arg, func)
    key_cols = list(dict.fromkeys(key_args.values()))
    value_cols = list(dict.fromkeys(value_args.values()))
    centre = {c: _centre(data, c, func) if centred else 0.0 for c in value_cols}
    try:
        stats = _frame.group_stats(
            data, func, key_cols, value_cols, missing=missing, argument=argument, centre=centre
        )
    except TypeError:  # lists or dicts in the cells of a pandas key column
        for arg, column in key_args.items():
            factorize_levels(data[column], column, arg, func)
        raise
    index = stats.index
    columns: dict[str, Any] = {arg: index.get_level_values(col) for arg, col in key_args.items()}
    columns["n"] = stats["n"].to_numpy()
    for arg, column in value_args.items():
        total = stats[f"sum_{column}"].to_numpy()
        if not np.isfinite(total).all():
            numeric_column(pd.Series([math.inf]), column, func, arg)
        columns[f"sum_{arg}"] = total
        columns[f"sumsq_{arg}"] = stats[f"sumsq_{column}"].to_numpy()
    out = pd.DataFrame(columns, index=pd.RangeIndex(len(stats)))
    for arg, column in value_args.items():
        out.attrs[f"centre_{arg}"] = centre[column]
    return out


def levels(cells: pd.DataFrame, argument: str) -> tuple[pd.Series, np.ndarray, np.ndarray]:
    """The distinct values of a key (sorted), the rows of each, and each cell's level code."""
    codes, uniques = pd.factorize(cells[argument], sort=True)
    rows = np.bincount(codes, weights=cells["n"].to_numpy(), minlength=len(uniques))
    return pd.Series(uniques), rows, codes


def treatment_flags(
    cells: pd.DataFrame,
    column: Hashable,
    func: str,
    treated_value: Any = None,
    argument: str = "treatment",
) -> np.ndarray:
    """True for the cells of the treated arm; :func:`two_valued` on the distinct values."""
    distinct, _, codes = levels(cells, argument)
    flags = two_valued(distinct, column, argument, func, treated_value)
    return np.asarray(flags, dtype=bool)[codes]


def outcome_flags(
    cells: pd.DataFrame, column: Hashable, func: str, outcome_value: Any = None
) -> np.ndarray:
    """0/1 per cell for a binary outcome; :func:`binary_outcome` on the distinct values."""
    distinct, rows, codes = levels(cells, "outcome")
    y = binary_outcome(distinct, column, func, outcome_value=outcome_value, counts=rows)
    return np.asarray(y, dtype=float)[codes]
