"""Long panels (one row per person and period) as dense person x period blocks.

The effect-over-time estimators need, for every person, the vector of outcomes over the
periods. This module turns the rows of a long panel into that matrix in blocks of persons,
in O(rows) time and without sorting the rows or hashing them where it can:

* integer person ids and periods of a moderate range are coded by offset (``value - min``)
  and a presence table, which is what ``pd.factorize(sort=True)`` would give, at the cost of
  two passes over the rows; other columns fall back to ``pd.factorize``;
* duplicated (person, period) rows are found with a person x period bit table (or, for very
  sparse panels, one hash of the cell index) instead of ``DataFrame.duplicated``;
* a panel sorted by person and period with every person at every period (the usual register
  extract) is recognised and reshaped without any scatter; other panels are scattered into
  blocks of at most ``BLOCK_CELLS`` cells, after a stable counting sort of the person codes
  when the rows are not grouped by person.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterator
from dataclasses import dataclass
from typing import Any

import narwhals.stable.v2 as nw
import numpy as np
import pandas as pd

from ._frame import column_names, require_columns_in
from ._validate import (
    MISSING_POLICIES,
    as_column_list,
    check_choice,
    check_column_name,
    factorize_levels,
    handle_missing,
    numeric_column,
    quote,
)
from .errors import ColumnError, EffektError

#: Cells (persons x periods) of one dense block: 4 Mi cells, 32 MB as float64.
BLOCK_CELLS = 1 << 22
#: Largest range of integer periods coded by offset (a wider range is hashed).
_PERIOD_RANGE = 1 << 20
#: Largest person x period table of the duplicate check (bytes); larger panels hash.
_BITMAP_CELLS = 1 << 30


def check_frame_columns(data: Any, func: str, **columns: Hashable | list[Hashable] | None) -> None:
    """Every named column exists in ``data`` (any backend: read from the schema, nothing is
    collected), with the texts of :func:`effekt._validate.check_frame`."""
    lists = {arg: as_column_list(cols) for arg, cols in columns.items()}
    for arg, cols in lists.items():
        for column in cols:
            check_column_name(column, arg, func)
    require_columns_in(column_names(data, func), func, lists)


def numeric_columns(data: Any, columns: list[Hashable], func: str) -> bool:
    """Whether the columns of a non-pandas frame are numeric or boolean (from its schema)."""
    frame = data if isinstance(data, nw.LazyFrame) else nw.from_native(data)
    schema = frame.collect_schema()
    return all(schema[str(c)].is_numeric() or schema[str(c)] == nw.Boolean for c in columns)


def integer_columns(data: Any, columns: list[Hashable]) -> bool:
    """Whether the columns of a non-pandas frame are integers (from its schema)."""
    frame = data if isinstance(data, nw.LazyFrame) else nw.from_native(data)
    schema = frame.collect_schema()
    return all(schema[str(c)].is_integer() for c in columns)


def id_range(lazy: Any, column: Hashable) -> tuple[int, int]:
    """Smallest and largest value of an integer column of a narwhals LazyFrame."""
    col = nw.col(str(column))
    row = lazy.select(col.min().alias("low"), col.max().alias("high")).collect()
    return int(row.item(0, "low")), int(row.item(0, "high"))


def collect_columns(
    lazy: Any, columns: list[Hashable], partition: tuple[Hashable, int, int] | None = None
) -> pd.DataFrame:
    """``columns`` of a narwhals LazyFrame as a pandas frame of NumPy columns (numeric
    columns come straight from the engine's Arrow buffers, without pandas' conversion);
    ``partition`` = (integer column, low, high) keeps the rows with low <= value < high
    (whole persons for an id column)."""
    if partition is not None:
        column, low, high = partition
        lazy = lazy.filter((nw.col(str(column)) >= low) & (nw.col(str(column)) < high))
    eager = lazy.select(*(str(c) for c in columns)).collect()
    native = eager.to_native()
    if hasattr(native, "combine_chunks"):  # Arrow: one buffer per column, not thousands
        eager = nw.from_native(native.combine_chunks(), eager_only=True)
    out = {}
    for c in columns:
        series = eager.get_column(str(c))
        numeric = series.dtype.is_numeric() or series.dtype == nw.Boolean
        out[c] = series.to_numpy() if numeric else series.to_pandas().to_numpy()
    return pd.DataFrame(out, copy=False)


def without_missing(
    data: pd.DataFrame, columns: list[Hashable], missing: str, func: str
) -> pd.DataFrame:
    """:func:`effekt._validate.handle_missing`, with a fast exit when no column has a
    missing value (it does not copy the columns to find that out)."""
    cols = list(dict.fromkeys(columns))
    try:
        series = [data[c] for c in cols]
    except (KeyError, TypeError):
        series = []
    if len(series) == len(cols) and all(isinstance(s, pd.Series) for s in series):
        if not any(s.hasnans for s in series):
            check_choice(missing, "missing", func, MISSING_POLICIES)
            return data
    return handle_missing(data, columns, missing, func)


def offsets(arr: np.ndarray, limit: int) -> tuple[np.ndarray, int, int] | None:
    """``arr - min`` as a new int64 array, the minimum and the range, for whole numbers
    (integers, booleans or integral floats) spanning fewer than ``limit`` values; else None.

    Examples
    --------
    >>> off, lo, span = offsets(np.array([7.0, 3.0, 5.0]), 100)
    >>> off.tolist(), lo, span
    ([4, 0, 2], 3, 5)
    >>> offsets(np.array([1.5, 2.0]), 100) is None
    True
    """
    if len(arr) == 0:
        return None
    if arr.dtype.kind == "b":
        arr = arr.view(np.int8)
    lo, hi = arr.min(), arr.max()
    if arr.dtype.kind == "f" and not (np.isfinite(lo) and np.isfinite(hi)):
        return None
    if hi - lo >= limit:
        return None
    whole = arr.astype(np.int64)
    if arr.dtype.kind == "f" and not (whole == arr).all():
        return None
    low = int(whole.min()) if arr.dtype.kind == "f" else int(lo)
    np.subtract(whole, low, out=whole)
    return whole, low, int(hi - lo) + 1


def _offset_codes(arr: np.ndarray, limit: int) -> tuple[np.ndarray, np.ndarray] | None:
    """Sorted codes and distinct values of whole numbers spanning fewer than ``limit``
    values (see :func:`offsets`); None otherwise. No hashing or sorting.

    Examples
    --------
    >>> codes, values = _offset_codes(np.array([7, 3, 7, 5]), 100)
    >>> codes.tolist(), values.tolist()
    ([2, 0, 2, 1], [3, 5, 7])
    """
    coded = offsets(arr, limit)
    if coded is None:
        return None
    offset, lo, span = coded
    present = np.zeros(span, dtype=bool)
    present[offset] = True
    values = lo + np.flatnonzero(present)
    dtype = np.int32 if len(values) < 2**31 else np.int64
    if len(values) == len(present):
        return offset.astype(dtype), values
    rank = (np.cumsum(present) - 1).astype(dtype)
    return rank[offset], values


def level_codes(
    values: pd.Series, column: Hashable, argument: str, func: str
) -> tuple[np.ndarray, list]:
    """Sorted codes and levels of a grouping column (``pd.factorize(sort=True)``), by offset
    for integer and boolean columns of a moderate range."""
    arr = values.to_numpy()
    if arr.dtype.kind in "biu":
        coded = _offset_codes(arr, 2 * len(arr) + 1024)
        if coded is not None:
            return coded[0], coded[1].astype(arr.dtype).tolist()
    codes, labels = factorize_levels(values, column, argument, func)
    return codes, list(labels)


def integer_values(values: pd.Series, column: Hashable, func: str, argument: str) -> np.ndarray:
    """The column as a numpy array: integers and booleans as they are, others as checked floats.

    The same checks and messages as :func:`effekt._validate.numeric_column`, without copying
    an integer column to float.
    """
    arr = values.to_numpy()
    if arr.dtype.kind in "iub":
        return arr
    return numeric_column(values, column, func, argument)


def is_binary(arr: np.ndarray) -> bool:
    """Whether every value is 0 or 1."""
    if arr.dtype.kind in "iub":
        return bool(arr.min() >= 0 and arr.max() <= 1) if len(arr) else True
    return bool(((arr == 0) | (arr == 1)).all())


def check_period_dtype(values: pd.Series, column: Hashable, func: str) -> None:
    """Periods must be numbers (week or month numbers)."""
    if not (pd.api.types.is_numeric_dtype(values) or values.dtype == bool):
        raise ColumnError(
            f"The time column {quote(column)} passed to {func}() must be numeric (week or month "
            f"numbers); it has dtype {values.dtype}. Convert calendar months to numbers first, "
            "e.g. months since the start."
        )


def period_codes(arr: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Codes ``0..T-1`` of numeric periods (checked, see :func:`integer_values`) and the
    sorted periods as floats: by offset for whole numbers of a moderate range, else hashed."""
    coded = _offset_codes(arr, _PERIOD_RANGE)
    if coded is not None:
        return coded[0], coded[1].astype(float)
    codes, uniques = pd.factorize(arr.astype(float), sort=True)
    return codes.astype(np.int32), np.asarray(uniques, dtype=float)


def person_codes(values: pd.Series, column: Hashable, func: str) -> tuple[np.ndarray, np.ndarray]:
    """Codes ``0..P-1`` of the persons (in sorted order of the ids) and the ids."""
    arr = values.to_numpy()
    if arr.dtype.kind in "iu" and len(arr):
        coded = _offset_codes(arr, 2 * len(arr) + 1024)
        if coded is not None:
            return coded[0], coded[1].astype(arr.dtype)
    codes, labels = factorize_levels(values, column, "id", func)
    return codes.astype(np.int32 if len(labels) < 2**31 else np.int64), np.asarray(labels)


def person_values(values: pd.Series, blocks: Blocks, func: str, argument: str) -> pd.Series:
    """One value per person of a column that must be constant within person."""
    arr = values.to_numpy()
    P = blocks.P
    if blocks.grid:
        rows = arr.reshape(P, blocks.T)
        per_person = rows[:, 0]
        persons = int((rows != per_person[:, None]).any(axis=1).sum())
    else:
        codes, _ = blocks.person_rows()
        if arr.dtype.kind in "biuf":
            per_person = np.empty(P, dtype=arr.dtype)
            per_person[codes] = arr
            differs = per_person[codes] != arr
        else:
            vcodes, _ = pd.factorize(values)
            row = np.empty(P, dtype=np.intp)
            row[codes] = np.arange(len(codes))
            per_person = arr[row]
            differs = vcodes[row][codes] != vcodes
        persons = len(np.unique(codes[differs])) if differs.any() else 0
    if persons:
        raise varying_error(values.name, argument, persons, func)
    return pd.Series(per_person, name=values.name)


def varying_error(column: Hashable, argument: str, persons: int, func: str) -> EffektError:
    """The one text for a person-level column that changes within persons."""
    return EffektError(
        f"{func}(): the {argument} column {quote(column)} changes within {persons} persons; "
        f"{argument} must be constant within person (use the value at the start of follow-up)."
    )


def grid_layout(ids: np.ndarray, times: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """The persons and periods of a panel sorted by person then period with every person at
    every period (row ``p * T + t``), or None. Two passes over the rows, no codes.

    Examples
    --------
    >>> persons, periods = grid_layout(np.array([4, 4, 9, 9]), np.array([1, 2, 1, 2]))
    >>> persons.tolist(), periods.tolist()
    ([4, 9], [1, 2])
    >>> grid_layout(np.array([4, 4, 9, 9]), np.array([1, 2, 2, 1])) is None
    True
    """
    n = len(ids)
    if n == 0 or not (ids.dtype.kind in "biuf" or ids.dtype == object):
        return None
    if ids.dtype == object and not isinstance(ids[0], str):
        return None  # text ids only: other objects (lists, mixed types) take the coded path
    try:
        return _grid(ids, times)
    except (TypeError, ValueError):  # cells that do not compare like scalars
        return None


def _grid(ids: np.ndarray, times: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    n = len(ids)
    head = ids[: min(n, 1 << 16)]
    change = np.flatnonzero(head != head[0])
    T = int(change[0]) if len(change) else (n if len(head) == n else 0)
    if T == 0 or n % T:
        return None
    P = n // T
    by_person, by_period = ids.reshape(P, T), times.reshape(P, T)
    persons, periods = by_person[:, 0], by_period[0]
    if ids.dtype == object and not all(isinstance(v, str) for v in persons):
        return None
    increasing = (persons[1:] > persons[:-1]).all() and (periods[1:] > periods[:-1]).all()
    if not increasing or not (by_person == persons[:, None]).all():
        return None
    if not (by_period == periods).all():
        return None
    return persons, periods


def check_unique_cells(
    pcodes: np.ndarray,
    tcodes: np.ndarray,
    P: int,
    T: int,
    describe: tuple[Hashable, Hashable, np.ndarray, np.ndarray],
    func: str,
) -> None:
    """Raise when a (person, period) pair occurs twice. ``describe``: id and time column
    names, person labels and periods (for the message)."""
    cell = pcodes.astype(np.int64) * T + tcodes
    if P * T <= _BITMAP_CELLS:
        seen = np.zeros(P * T, dtype=bool)
        seen[cell] = True
        unique = int(np.count_nonzero(seen)) == len(cell)
    else:
        unique = not pd.Index(cell).has_duplicates
    if unique:
        return
    id, time, labels, periods = describe
    dup = pd.Series(cell).duplicated().to_numpy()
    k = int(np.flatnonzero(dup)[0])
    raise EffektError(
        f"{func}(): the panel has {int(dup.sum())} duplicated ({quote(id)}, {quote(time)}) rows "
        f"(e.g. person {labels[pcodes[k]]!r} at {periods[tcodes[k]]:g}); keep one row per person "
        "and period."
    )


@dataclass
class Blocks:
    """The rows of a long panel arranged as dense person x period blocks.

    ``grid`` means the rows are sorted by person then period with every person at every
    period, so that row ``p * T + t`` is person p at period t.
    """

    pcodes: np.ndarray | None
    tcodes: np.ndarray | None
    P: int
    T: int
    grid: bool
    order: np.ndarray | None = None
    bounds: np.ndarray | None = None

    @classmethod
    def of(cls, pcodes: np.ndarray, tcodes: np.ndarray, P: int, T: int) -> Blocks:
        """Recognise a sorted complete grid; otherwise index the rows by person."""
        n = len(pcodes)
        if n == P * T:
            tc, pc = tcodes.reshape(P, T), pcodes.reshape(P, T)
            if (tc == np.arange(T)).all() and (pc == np.arange(P)[:, None]).all():
                return cls(pcodes, tcodes, P, T, True)
        order = None
        if n > 1 and not (pcodes[1:] >= pcodes[:-1]).all():
            order = np.argsort(pcodes, kind="stable")
        counts = np.bincount(pcodes, minlength=P)
        bounds = np.concatenate([[0], np.cumsum(counts)])
        return cls(pcodes, tcodes, P, T, False, order, bounds)

    @property
    def step(self) -> int:
        return max(1, BLOCK_CELLS // max(self.T, 1))

    def __iter__(self) -> Iterator[tuple[int, int, np.ndarray | slice]]:
        """``(p0, p1, rows)``: persons ``p0..p1-1`` and their rows (a slice or indices)."""
        for p0 in range(0, self.P, self.step):
            p1 = min(p0 + self.step, self.P)
            if self.grid:
                yield p0, p1, slice(p0 * self.T, p1 * self.T)
                continue
            assert self.bounds is not None  # set for every panel that is not a grid
            r0, r1 = int(self.bounds[p0]), int(self.bounds[p1])
            yield p0, p1, slice(r0, r1) if self.order is None else self.order[r0:r1]

    def person_rows(self) -> tuple[np.ndarray, np.ndarray]:
        """Each row's person code and period code."""
        if self.grid:
            return np.repeat(np.arange(self.P), self.T), np.tile(np.arange(self.T), self.P)
        assert self.pcodes is not None and self.tcodes is not None
        return self.pcodes, self.tcodes

    def raw(self, values: np.ndarray, rows: np.ndarray | slice) -> np.ndarray:
        """The values of a block of a grid as a (persons x periods) view, not converted."""
        return values[rows].reshape(-1, self.T)

    def dense(
        self, values: np.ndarray, p0: int, p1: int, rows: np.ndarray | slice
    ) -> tuple[np.ndarray, np.ndarray | None]:
        """Persons ``p0..p1-1`` x periods as float (0 where unobserved) and the observed mask
        (None when every cell is observed)."""
        if self.grid:
            return values[rows].reshape(p1 - p0, self.T).astype(float), None
        assert self.pcodes is not None and self.tcodes is not None
        cell = (self.pcodes[rows].astype(np.int64) - p0) * self.T + self.tcodes[rows]
        out = np.zeros((p1 - p0) * self.T)
        out[cell] = values[rows]
        seen = np.zeros((p1 - p0) * self.T, dtype=bool)
        seen[cell] = True
        return out.reshape(p1 - p0, self.T), seen.reshape(p1 - p0, self.T)
