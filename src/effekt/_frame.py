"""Any dataframe in: the one place that reads ``data`` from pandas, Polars, PyArrow, DuckDB or Spark.

Every public function that takes ``data`` goes through this module, by way of
:func:`effekt._validate.check_frame` (unit-level estimators: only the columns they use are
collected into pandas) or :func:`group_stats` (estimators that reduce to sufficient
statistics: the group-by runs in the engine and only the aggregates reach Python).

The compatibility layer is `narwhals <https://narwhals-dev.github.io/narwhals/>`_: one
expression API over pandas, Polars (eager and lazy), PyArrow, DuckDB relations and PySpark
DataFrames, without depending on any of them. The engines themselves are the caller's: a
Polars frame means Polars is installed.

The error texts (missing column, missing values, dropped rows) are made here so that they are
the same on every backend.
"""

from __future__ import annotations

import warnings
from collections.abc import Hashable, Mapping, Sequence
from typing import Any

import narwhals.stable.v2 as nw
import numpy as np
import pandas as pd

from .errors import ColumnError, DroppedRowsWarning, EffektError, MissingValueError, quote

#: The backends effekt is tested on; narwhals may accept more (Modin, cuDF, Dask, Ibis).
SUPPORTED = "a pandas, Polars or PyArrow DataFrame, a DuckDB relation or a PySpark DataFrame"


# --------------------------------------------------------------------------- messages


def missing_column_error(
    column: Hashable, argument: str, func: str, available: Sequence[Hashable]
) -> ColumnError:
    """The one text for a column that is not in ``data`` (every backend)."""
    listed = ", ".join(map(quote, list(available)[:20]))
    return ColumnError(
        f"The column {quote(column)} given as '{argument}' to {func}() is not in data; "
        f"available columns: {listed}."
    )


def missing_values_error(column: Hashable, count: int, func: str) -> MissingValueError:
    """The one text for missing values under ``missing='raise'`` (every backend)."""
    return MissingValueError(
        f"The column {quote(column)} used by {func}() has {count} missing values; "
        "drop or impute them, or pass missing='drop'."
    )


def warn_dropped(counts: dict[Hashable, int], dropped: int, total: int, func: str) -> None:
    """The one DroppedRowsWarning text for ``missing='drop'`` (every backend)."""
    detail = ", ".join(f"{quote(c)}: {int(k)}" for c, k in counts.items() if k)
    warnings.warn(
        f"{func}() dropped {dropped} of {total} rows with missing values ({detail}).",
        DroppedRowsWarning,
        stacklevel=4,
    )


def nothing_left_error(columns: Sequence[Hashable], func: str) -> EffektError:
    return EffektError(
        f"{func}(): every row has a missing value in {list(columns)}; nothing is left to analyse."
    )


def empty_frame_error(argument: str, func: str) -> EffektError:
    return EffektError(
        f"The '{argument}' argument of {func}() is an empty DataFrame; pass the rows to analyse."
    )


# --------------------------------------------------------------------------- backends


def is_pandas(data: Any) -> bool:
    """True for a pandas DataFrame (the estimators' own format: no conversion)."""
    return isinstance(data, pd.DataFrame)


def is_frame(data: Any) -> bool:
    """True for any dataframe effekt reads (pandas, Polars, PyArrow, DuckDB, Spark, ...).

    Examples
    --------
    >>> import pandas as pd
    >>> is_frame(pd.DataFrame({"y": [1]})), is_frame({"y": [1]})
    (True, False)
    """
    if is_pandas(data):
        return True
    try:
        nw.from_native(data, pass_through=False)
    except TypeError:
        return False
    return True


def _from_native(data: Any, func: str, argument: str) -> Any:
    try:
        return nw.from_native(data, pass_through=False)
    except TypeError:
        raise EffektError(
            f"The '{argument}' argument of {func}() must be {SUPPORTED}; got {type(data).__name__}."
        ) from None


def native_kind(data: Any, func: str, argument: str = "data") -> str:
    """The backend of ``data``: "pandas", "polars", "pyarrow", "duckdb", "pyspark", ...

    Raises :class:`~effekt.errors.EffektError` naming ``argument`` for anything that is not a
    dataframe narwhals can read (a dict, a list, a NumPy array).
    """
    if is_pandas(data):
        return "pandas"
    frame = _from_native(data, func, argument)
    return str(frame.implementation.name).lower().replace("_", "")


def is_eager(data: Any, func: str, argument: str = "data") -> bool:
    """True for a frame held in memory with a row order (pandas, Polars, PyArrow); False for
    a lazy source (Polars LazyFrame, DuckDB relation, Spark DataFrame)."""
    return is_pandas(data) or isinstance(_from_native(data, func, argument), nw.DataFrame)


def _lazy(data: Any, func: str, argument: str) -> Any:
    frame = _from_native(data, func, argument)
    return frame.lazy() if isinstance(frame, nw.DataFrame) else frame


def lazy_frame(data: Any, func: str, argument: str = "data") -> Any:
    """``data`` (any supported frame, or a narwhals frame) as a narwhals LazyFrame."""
    return _lazy(data, func, argument)


def column_names(data: Any, func: str, argument: str = "data") -> list[Hashable]:
    """Column names of any supported frame, read from its schema (nothing is computed)."""
    if is_pandas(data):
        return list(data.columns)
    return list(_lazy(data, func, argument).collect_schema().names())


def require_columns_in(
    available: Sequence[Hashable], func: str, arguments: Mapping[str, Sequence[Hashable]]
) -> None:
    """Every column named by ``arguments`` (argument name -> columns) is in ``available``."""
    present = set(available)
    for argument, columns in arguments.items():
        for column in columns:
            if column not in present:
                raise missing_column_error(column, argument, func, available)


def to_pandas(
    data: Any,
    func: str,
    columns: Sequence[Hashable] | None = None,
    argument: str = "data",
) -> pd.DataFrame:
    """``data`` as a pandas DataFrame holding only ``columns`` (all when None).

    A pandas DataFrame is returned as it is (never copied, never modified). Any other
    supported frame is read through narwhals: the columns are checked against its schema
    (the same :class:`~effekt.errors.ColumnError` as for pandas), selected in the engine
    and only then collected, so a lazy Polars, DuckDB or Spark source of many columns
    brings only the used ones into memory.
    """
    if is_pandas(data):
        if len(data) == 0:
            raise empty_frame_error(argument, func)
        return data
    lazy = _lazy(data, func, argument)
    schema = lazy.collect_schema()
    names = list(schema.names())
    wanted = names if columns is None else list(dict.fromkeys(columns))
    require_columns_in(names, func, {"columns": wanted})
    frame = collect(lazy.select(*wanted), func) if wanted else _empty_rows(lazy, func)
    if len(frame) == 0:
        raise empty_frame_error(argument, func)
    return _pandas_semantics(frame, {c: schema[c] for c in wanted})


def _pandas_semantics(frame: pd.DataFrame, schema: Mapping[Hashable, Any]) -> pd.DataFrame:
    """The dtypes a pandas user would have, whatever the engine's conversion gave.

    A boolean column with NULLs arrives as ``object`` (True/False/None) from Polars, Arrow,
    DuckDB and Spark: it becomes pandas' nullable ``boolean``, as a pandas user's would be.
    A date column arrives as ``datetime64[ms]`` from Polars and as ``object`` (``date``
    values) from Arrow, DuckDB and Spark: it becomes ``datetime64[ns]`` on every backend.
    Integers with NULLs are already ``float64`` with NaN, text is ``object`` (``str`` on
    pandas 3), categoricals and enums ``category`` in the engine's level order.
    """
    for column, dtype in schema.items():
        values = frame[column]
        if dtype == nw.Boolean and values.dtype == object:
            frame[column] = values.astype("boolean")
        elif dtype == nw.Date:
            frame[column] = pd.to_datetime(values).astype("datetime64[ns]")
    return frame


#: The extra that installs each engine together with pyarrow, which its conversion needs.
EXTRAS = {"polars": "polars", "duckdb": "duckdb", "pyspark": "spark", "pyarrow": "formats"}


def collect(lazy: Any, func: str) -> pd.DataFrame:
    """Run a narwhals LazyFrame in its engine and bring the (small) result into pandas.

    The engines hand their results to pandas through Arrow; without pyarrow the error says
    which extra to install rather than failing deep inside the engine.
    """
    try:
        return lazy.collect().to_pandas()
    except ModuleNotFoundError as exc:
        if "pyarrow" not in f"{exc.name} {exc}":
            raise
        kind = str(lazy.implementation.name).lower().replace("_", "")
        extra = EXTRAS.get(kind, "formats")
        raise EffektError(
            f"{func}() reads {kind} data into pandas through pyarrow, which is not installed; "
            f"install it with: pip install 'effekt[{extra}]' (or pip install pyarrow)."
        ) from None


def _empty_rows(lazy: Any, func: str) -> pd.DataFrame:
    n = collect(lazy.select(nw.len()), func).iloc[0, 0]
    return pd.DataFrame(index=pd.RangeIndex(int(n)))


# --------------------------------------------------------------------------- push-down


def is_missing_expr(column: str, dtype: Any) -> Any:
    """A narwhals expression: NULL, or NaN in a float column (pandas' ``isna``)."""
    return _is_missing(column, dtype)


def _is_missing(column: str, dtype: Any) -> Any:
    expr = nw.col(column).is_null()
    if dtype.is_float():
        expr = expr | nw.col(column).is_nan().fill_null(value=False)
    return expr


def count_missing(
    data: Any, columns: Sequence[Hashable], func: str, argument: str = "data"
) -> tuple[dict[Hashable, int], int, int]:
    """Missing values per column, rows with any missing, and all rows, in one engine pass.

    NULL and (in float columns) NaN both count as missing, as pandas' ``isna`` does.
    """
    lazy = _lazy(data, func, argument)
    schema = lazy.collect_schema()
    require_columns_in(list(schema.names()), func, {"columns": list(columns)})
    flags = [_is_missing(str(c), schema[c]) for c in columns]
    exprs = [f.cast(nw.Int64).sum().alias(f"m{i}") for i, f in enumerate(flags)]
    anyrow = flags[0]
    for flag in flags[1:]:
        anyrow = anyrow | flag
    exprs += [anyrow.cast(nw.Int64).sum().alias("any"), nw.len().alias("rows")]
    row = collect(lazy.select(*exprs), func).iloc[0]
    counts = {c: int(row[f"m{i}"]) for i, c in enumerate(columns)}
    return counts, int(row["any"]), int(row["rows"])


def without_missing(
    data: Any, columns: Sequence[Hashable], missing: str, func: str, argument: str = "data"
) -> Any:
    """``data`` as a narwhals LazyFrame with no missing value in ``columns``.

    ``missing='raise'`` raises :class:`~effekt.errors.MissingValueError` on the first column
    with missing values; ``'drop'`` filters them in the engine and warns with the counts,
    exactly as :func:`effekt._validate.handle_missing` does for pandas.
    """
    cols = list(dict.fromkeys(columns))
    lazy = _lazy(data, func, argument)
    counts, with_missing, total = count_missing(lazy, cols, func, argument)
    if total == 0:
        raise empty_frame_error(argument, func)
    if not with_missing:
        return lazy
    if missing == "raise":
        column = next(c for c, k in counts.items() if k)
        raise missing_values_error(column, counts[column], func)
    if with_missing == total:
        raise nothing_left_error(cols, func)
    warn_dropped(counts, with_missing, total, func)
    schema = lazy.collect_schema()
    keep = ~_is_missing(str(cols[0]), schema[cols[0]])
    for c in cols[1:]:
        keep = keep & ~_is_missing(str(c), schema[c])
    return lazy.filter(keep)


def group_stats(
    data: Any,
    func: str,
    keys: Sequence[Hashable],
    values: Sequence[Hashable] = (),
    *,
    missing: str = "raise",
    argument: str = "data",
    centre: Mapping[Hashable, float] | None = None,
) -> pd.DataFrame:
    """Sufficient statistics per distinct combination of ``keys``, computed in the engine.

    Returns a pandas DataFrame indexed by ``keys`` (a MultiIndex for several, sorted) with
    the columns ``n`` (rows), ``sum_<v>`` and ``sumsq_<v>`` (sum and sum of squares of each
    column ``v`` in ``values``) as float64. Keys in the index cannot collide with the
    statistics' names. With ``centre`` (column -> number) the sums are of ``v - centre[v]``:
    a centre near the mean keeps ``sumsq - sum**2 / n`` free of cancellation. Missing values in ``keys`` or ``values`` follow ``missing`` with the
    texts of :func:`effekt._validate.handle_missing`. With pandas input the group-by is
    pandas' own; with Polars, PyArrow, DuckDB or Spark only the aggregated rows are
    collected.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"arm": [0, 0, 1, 1, 1], "y": [1, 0, 1, 1, 0]})
    >>> group_stats(df, "example", ["arm"], ["y"]).reset_index().to_dict("list")
    {'arm': [0, 1], 'n': [2.0, 3.0], 'sum_y': [1.0, 2.0], 'sumsq_y': [1.0, 2.0]}
    """
    keys, values = list(keys), list(values)
    if is_pandas(data):
        require_columns_in(list(data.columns), func, {"columns": [*keys, *values]})
        frame = _pandas_without_missing(data, [*keys, *values], missing, func, argument)
        return _pandas_group_stats(frame, keys, values, dict(centre or {}))
    lazy = without_missing(data, [*keys, *values], missing, func, argument)
    key_alias = {k: f"__k{i}" for i, k in enumerate(keys)}
    value_alias = {v: f"__v{i}" for i, v in enumerate(values)}
    lazy = lazy.select(
        *(nw.col(str(k)).alias(a) for k, a in key_alias.items()),
        *(
            (nw.col(str(v)).cast(nw.Float64) - float((centre or {}).get(v, 0.0))).alias(a)
            for v, a in value_alias.items()
        ),
    )
    if values:
        lazy = lazy.with_columns(
            *((nw.col(a) * nw.col(a)).alias(f"{a}_sq") for a in value_alias.values())
        )
    aggs = [nw.len().alias("n")]
    for v, a in value_alias.items():
        aggs += [nw.col(a).sum().alias(f"sum_{v}"), nw.col(f"{a}_sq").sum().alias(f"sumsq_{v}")]
    aliases = list(key_alias.values())
    grouped = collect(lazy.group_by(*aliases).agg(*aggs), func).set_index(aliases)
    grouped.index = grouped.index.set_names(keys)
    return grouped.astype(np.float64).sort_index()


def _pandas_without_missing(
    data: pd.DataFrame, columns: Sequence[Hashable], missing: str, func: str, argument: str
) -> pd.DataFrame:
    """:func:`without_missing` for a pandas frame: the same texts, no narwhals round trip."""
    if len(data) == 0:
        raise empty_frame_error(argument, func)
    return drop_missing_rows(data, columns, missing, func)


def drop_missing_rows(
    data: pd.DataFrame, columns: Sequence[Hashable], missing: str, func: str
) -> pd.DataFrame:
    """Rows of a pandas frame without missing values in ``columns``, by ``missing``.

    ``"raise"`` raises on the first column with missing values; ``"drop"`` drops those rows
    with a :class:`~effekt.errors.DroppedRowsWarning` (the texts of every backend). Returns
    ``data`` itself when nothing is missing.
    """
    cols = list(dict.fromkeys(columns))
    # integer and boolean NumPy columns hold no missing values: nothing to scan
    nullable = [
        c for c in cols if not (isinstance(data[c].dtype, np.dtype) and data[c].dtype.kind in "iub")
    ]
    if not nullable:
        return data
    flags = {c: data[c].isna().to_numpy() for c in nullable}
    counts = pd.Series({c: int(flags[c].sum()) if c in flags else 0 for c in cols}, dtype=np.int64)
    if not counts.any():
        return data
    isna = pd.DataFrame(flags)
    if missing == "raise":
        column = counts[counts > 0].index[0]
        raise missing_values_error(column, int(counts[column]), func)
    keep = ~isna.any(axis=1).to_numpy()
    if not keep.any():
        raise nothing_left_error(cols, func)
    warn_dropped(dict(counts.items()), int((~keep).sum()), len(data), func)
    return data.loc[keep]


#: Integer keys spanning at most this many values are coded by subtraction, not hashing.
_DIRECT_RANGE = 1 << 20


def _key_codes(values: pd.Series) -> tuple[np.ndarray, Any]:
    """Sorted codes of a key column; bool and narrow-range integers skip the hash table.

    The levels may include values that do not occur (an integer range); they get no cell.
    """
    dtype = values.dtype
    if isinstance(dtype, np.dtype) and dtype.kind == "b":
        return values.to_numpy().astype(np.intp), np.array([False, True])
    if isinstance(dtype, np.dtype) and dtype.kind in "iu" and len(values):
        arr = values.to_numpy()
        low, high = int(arr.min()), int(arr.max())
        if high - low < _DIRECT_RANGE:
            codes = np.subtract(arr, low, dtype=np.intp)  # one pass, the index type of bincount
            return codes, np.arange(low, high + 1).astype(dtype)
    return pd.factorize(values, sort=True)


def _pandas_group_stats(
    frame: pd.DataFrame, keys: list[Hashable], values: list[Hashable], centre: dict
) -> pd.DataFrame:
    """group_stats of a pandas frame by sorted factorize codes and bincount (one pass each)."""
    codes, uniques = [], []
    for key in keys:
        c, u = _key_codes(frame[key])
        codes.append(c)
        uniques.append(u)
    sizes = [len(u) for u in uniques]
    combined = codes[0]
    for c, size in zip(codes[1:], sizes[1:], strict=True):
        combined = combined.astype(np.int64) * size + c
    total = int(np.prod(sizes, dtype=np.float64))
    if total <= max(4 * len(frame), 1 << 16):
        counts = np.bincount(combined, minlength=total)
        cells = np.flatnonzero(counts)
        if len(cells) == total:  # every combination occurs: the codes are the cells
            inner = combined
        else:
            position = np.empty(total, dtype=np.int64)
            position[cells] = np.arange(len(cells))
            inner = position[combined]
        n = counts[cells]
    else:
        inner, cells = pd.factorize(combined, sort=True)
        n = np.bincount(inner, minlength=len(cells))
    k = len(cells)
    stats: dict[str, np.ndarray] = {"n": n.astype(np.float64)}
    for v in values:
        x = frame[v].to_numpy(dtype=np.float64)
        if centre.get(v, 0.0):
            x = x - float(centre[v])
        stats[f"sum_{v}"] = np.bincount(inner, weights=x, minlength=k)
        stats[f"sumsq_{v}"] = np.bincount(inner, weights=x * x, minlength=k)
    parts = np.unravel_index(np.asarray(cells, dtype=np.int64), sizes)
    if len(keys) == 1:
        index = pd.Index(uniques[0].take(parts[0]), name=keys[0])
    else:  # levels and codes are known: no factorizing of the level values again
        levels = [pd.Index(u) for u in uniques]
        index = pd.MultiIndex(levels=levels, codes=parts, names=keys, verify_integrity=False)
    return pd.DataFrame(stats, index=index)
