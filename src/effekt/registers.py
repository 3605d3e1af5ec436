"""Register helpers: the "paid hours" (lønnede timer) rule of the STAR note of March 2020.

Jobindsats counts a person in the share with *ordinary paid hours* when they have at least
one month in the period in which they both received the benefit (cash benefit or resource
course allowance) and were paid a wage from ordinary hours. The note's footnote defines the
month exactly:

* the wage paid in the month is **> 0 and < 65,000 DKK**, and
* the month is **not** one with a wage **> 15,000 DKK and > 150 registered hours** (that is
  full-time work).

All four inequalities are strict: a wage of exactly 15,000 DKK with 200 hours counts, a wage
of 16,000 DKK with exactly 150 hours counts, a wage of exactly 65,000 DKK does not.
People who left benefit entirely because of their hours have no benefit months and so are
not counted (neither in the numerator nor, when ``on_benefit`` is given, in the
denominator).

Examples
--------
>>> import pandas as pd
>>> from effekt.registers import paid_hours_months
>>> months = pd.DataFrame({"wage": [0, 4_000, 15_000, 16_000, 16_000, 65_000],
...                        "hours": [0, 30, 160, 150, 151, 10]})
>>> paid_hours_months(months, "wage", "hours").tolist()
[False, True, True, True, False, False]
"""

from __future__ import annotations

import warnings
from collections.abc import Hashable
from typing import Any, Literal

import narwhals.stable.v2 as nw
import numpy as np
import pandas as pd

from ._cells import check_columns, check_numeric
from ._frame import (
    count_missing,
    empty_frame_error,
    is_missing_expr,
    is_pandas,
    lazy_frame,
    missing_values_error,
    native_kind,
    warn_dropped,
    without_missing,
)
from ._validate import (
    MISSING_POLICIES,
    argument_error,
    as_column_list,
    check_choice,
    check_conf_level,
    check_distinct_columns,
    check_frame,
    check_number,
    handle_missing,
    numeric_column,
    quote,
)
from .errors import ColumnError, EffektError, SmallSampleWarning
from .intervals import wilson_interval

__all__ = [
    "paid_hours_months",
    "share_with_paid_hours",
    "WAGE_UPPER",
    "WAGE_FULL_TIME",
    "HOURS_FULL_TIME",
]

#: A month's wage must be below this (DKK) to count as paid hours (note 001, footnote 1).
WAGE_UPPER = 65_000.0
#: Wage above this (DKK) together with hours above HOURS_FULL_TIME is full-time work.
WAGE_FULL_TIME = 15_000.0
#: Registered hours above this together with a wage above WAGE_FULL_TIME is full-time work.
HOURS_FULL_TIME = 150.0


def _flag_column(values: pd.Series, column: Hashable, argument: str, func: str) -> np.ndarray:
    arr = numeric_column(values, column, func, argument)
    bad = (arr != 0) & (arr != 1)
    if bad.any():
        raise _flag_error(argument, column, int(bad.sum()), float(arr[bad].min()), func)
    return arr.astype(bool)


def _flag_error(argument: str, column: Hashable, count: int, example: float, func: str):
    return ColumnError(
        f"The {argument} column {quote(column)} passed to {func}() must be coded 0/1 or "
        f"True/False; {count} values are not (e.g. {example:g})."
    )


def _rule(wage: Any, hours: Any, upper: float, wage_ft: float, hours_ft: float) -> Any:
    """The rule on NumPy arrays, or on narwhals column expressions (the engine path)."""
    return (wage > 0) & (wage < upper) & ~((wage > wage_ft) & (hours > hours_ft))


def paid_hours_months(
    data: pd.DataFrame,
    wage: Hashable,
    hours: Hashable,
    *,
    on_benefit: Hashable | None = None,
    wage_upper: float = WAGE_UPPER,
    wage_full_time: float = WAGE_FULL_TIME,
    hours_full_time: float = HOURS_FULL_TIME,
    missing: str = "raise",
) -> pd.Series:
    """Flag the person-months that count as "paid hours" under the Jobindsats rule.

    Parameters
    ----------
    data : DataFrame
        One row per person and month: pandas, Polars (eager or lazy), PyArrow, DuckDB or
        Spark.
    wage : str
        Column with the wage paid in the month (DKK, >= 0).
    hours : str
        Column with the registered hours in the month (>= 0).
    on_benefit : str, optional
        0/1 column: the person received the benefit in that month. Without it every row is
        taken to be a benefit month (an extract already restricted to benefit months).
    wage_upper, wage_full_time, hours_full_time : float
        The thresholds of the rule (65,000 DKK; 15,000 DKK; 150 hours). Change them only to
        study the rule's sensitivity.
    missing : {"raise", "drop"}
        Missing wage/hours raise by default; with ``"drop"`` those rows get ``False``
        (never counted) and a :class:`~effekt.errors.DroppedRowsWarning` is emitted.

    Returns
    -------
    Series of bool, or a frame of the input's backend
        For pandas input a Series indexed like ``data``; True for a month that counts. For
        any other backend the input with a boolean column ``paid_hours`` added, of the same
        kind (a DuckDB relation stays a relation): the flag is computed in the engine, and
        only the value checks (missing, negative, non-0/1 counts) are collected, so a
        register of any size stays where it is.

    Notes
    -----
    ``counts = on_benefit & (0 < wage < wage_upper) & not (wage > wage_full_time and
    hours > hours_full_time)``. All inequalities are strict, as in the footnote of the
    STAR note (March 2020): "måneder med en lønbetaling højere end 0 kr. og under 65.000 kr.,
    dog må der ikke i samme måned være en lønbetaling på over 15.000 kr. og samtidigt en
    registreret beskæftigelse over 150 timer".

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"wage": [3_000, 3_000, 20_000], "hours": [12, 12, 160],
    ...                    "benefit": [1, 0, 1]})
    >>> paid_hours_months(df, "wage", "hours", on_benefit="benefit").tolist()
    [True, False, False]
    """
    func = "paid_hours_months"
    if not is_pandas(data):
        native_kind(data, func)
    for argument, column in (("wage", wage), ("hours", hours)):
        if column is None:
            raise argument_error(func, argument, "a column name", column)
    check_columns(data, func, wage=wage, hours=hours, on_benefit=on_benefit)
    upper = check_number(wage_upper, "wage_upper", func, low=0, low_open=True)
    wage_ft = check_number(wage_full_time, "wage_full_time", func, low=0)
    hours_ft = check_number(hours_full_time, "hours_full_time", func, low=0)
    cols = [wage, hours] + as_column_list(on_benefit)
    if not is_pandas(data):
        check_choice(missing, "missing", func, MISSING_POLICIES)
        lazy = _engine_checked(data, cols, missing, func)
        flag = _engine_flag(lazy, wage, hours, on_benefit, (upper, wage_ft, hours_ft), func)
        frame = nw.from_native(data)
        return nw.to_native(frame.with_columns(flag.alias("paid_hours")))
    check_frame(data, func)
    values = _pandas_flags(data, cols, (upper, wage_ft, hours_ft), missing, func)
    return pd.Series(values, index=data.index, name="paid_hours")


def _pandas_flags(
    data: pd.DataFrame,
    cols: list[Hashable],
    thresholds: tuple[float, float, float],
    missing: str,
    func: str,
) -> np.ndarray:
    """The flag of every row of a pandas frame (``cols``: wage, hours[, on_benefit])."""
    wage, hours = cols[0], cols[1]
    kept = handle_missing(data, cols, missing, func)
    keep = ~data[list(dict.fromkeys(cols))].isna().any(axis=1).to_numpy()
    w = numeric_column(kept[wage], wage, func, "wage")
    h = numeric_column(kept[hours], hours, func, "hours")
    for arr, col, arg in ((w, wage, "wage"), (h, hours, "hours")):
        if (arr < 0).any():
            raise _negative_error(arg, col, int((arr < 0).sum()), float(arr.min()), func)
    flag = _rule(w, h, *thresholds)
    if len(cols) > 2:
        flag &= _flag_column(kept[cols[2]], cols[2], "on_benefit", func)
    values = np.zeros(len(data), dtype=bool)
    values[keep] = flag
    return values


def _negative_error(argument: str, column: Hashable, count: int, lowest: float, func: str):
    return ColumnError(
        f"The {argument} column {quote(column)} passed to {func}() has {count} negative values "
        f"(e.g. {lowest:g}); wages and hours must be >= 0. Correct the extract."
    )


# --------------------------------------------------------------------------- engines (push-down)


def _engine_checked(data: Any, columns: list[Hashable], missing: str, func: str) -> Any:
    """A narwhals LazyFrame of ``data``; missing values raise, or warn and stay (flag False)."""
    counts, with_missing, total = count_missing(data, columns, func)
    if total == 0:
        raise empty_frame_error("data", func)
    if with_missing and missing == "raise":
        column = next(c for c, k in counts.items() if k)
        raise missing_values_error(column, counts[column], func)
    if with_missing:
        warn_dropped(counts, with_missing, total, func)
    return lazy_frame(data, func)


def _engine_flag(
    lazy: Any,
    wage: Hashable,
    hours: Hashable,
    on_benefit: Hashable | None,
    thresholds: tuple[float, float, float],
    func: str,
) -> Any:
    """The paid-hours flag as a narwhals expression, after the value checks run in the engine.

    The rule is :func:`_rule` itself, applied to column expressions; rows with a missing
    value get False.
    """
    roles = {"wage": wage, "hours": hours, "on_benefit": on_benefit}
    named = {a: c for a, c in roles.items() if c is not None}
    for arg, column in named.items():
        check_numeric(lazy, column, arg, func)
    cols = {a: nw.col(str(c)).cast(nw.Float64) for a, c in named.items()}
    checks = []
    for arg in named:
        bad = cols[arg] < 0 if arg != "on_benefit" else (cols[arg] != 0) & (cols[arg] != 1)
        checks += [
            bad.fill_null(value=False).cast(nw.Int64).sum().alias(f"{arg}_bad"),
            nw.when(bad.fill_null(value=False)).then(cols[arg]).min().alias(f"{arg}_low"),
        ]
    row = lazy.select(*checks).collect().to_pandas().iloc[0]
    for arg, column in named.items():
        if row[f"{arg}_bad"] and arg != "on_benefit":
            raise _negative_error(arg, column, int(row[f"{arg}_bad"]), row[f"{arg}_low"], func)
        if row[f"{arg}_bad"]:
            raise _flag_error(arg, column, int(row[f"{arg}_bad"]), row[f"{arg}_low"], func)
    flag = _rule(cols["wage"], cols["hours"], *thresholds)
    if on_benefit is not None:
        flag = flag & (cols["on_benefit"] == 1)
    known = ~nw.any_horizontal(
        *(is_missing_expr(str(c), lazy.collect_schema()[c]) for c in named.values()),
        ignore_nulls=True,
    )
    return (flag & known).fill_null(value=False)


def _engine_window(lazy: Any, time: Hashable, window: tuple[Any, Any] | None, func: str) -> Any:
    """Filter to the inclusive ``window`` in the engine, with the checks of :func:`_window_rows`."""
    if window is None:
        return lazy
    if not isinstance(window, (tuple, list)) or len(window) != 2:
        raise argument_error(func, "window", "a (first, last) pair of months", window)
    col = nw.col(str(time))
    row = lazy.select(col.min().alias("lo"), col.max().alias("hi")).collect().to_pandas()
    months = pd.Series([row["lo"].iloc[0], row["hi"].iloc[0]])
    _window_rows(pd.DataFrame({time: months}), time, window, func)
    return lazy.filter((col >= window[0]) & (col <= window[1]))


def _engine_counts(
    data: Any,
    roles: dict[str, Any],
    by_cols: list[Hashable],
    window: tuple[Any, Any] | None,
    thresholds: tuple[float, float, float],
    missing: str,
    func: str,
) -> pd.DataFrame:
    """Persons and persons with paid hours per ``by`` group, aggregated in the engine.

    One query of two group-bys: per person the largest flags, the rows minus the distinct
    months (a duplicated person-month) and the group (its smallest value and its number of
    distinct values: more than one is a change of group); then per group the sums. Only
    the per-group rows and a few check aggregates are collected.
    """
    id, time = roles["id"], roles["time"]
    used = [c for c in roles.values() if c is not None] + by_cols
    lazy = without_missing(data, used, missing, func)
    lazy = _engine_window(lazy, time, window, func)
    paid = _engine_flag(lazy, roles["wage"], roles["hours"], roles["on_benefit"], thresholds, func)
    benefit = (
        nw.col(str(roles["on_benefit"])).cast(nw.Float64) == 1
        if roles["on_benefit"] is not None
        else nw.lit(value=True)
    )
    groups = [f"__g{i}" for i in range(len(by_cols))]
    person = (
        lazy.select(
            nw.col(str(id)).alias("__id"),
            nw.col(str(time)).alias("__time"),
            *(nw.col(str(c)).alias(g) for c, g in zip(by_cols, groups, strict=True)),
            paid.cast(nw.Int64).alias("__paid"),
            benefit.cast(nw.Int64).alias("__benefit"),
        )
        .group_by("__id")
        .agg(
            nw.col("__paid").max(),
            nw.col("__benefit").max(),
            nw.len().alias("__rows"),
            nw.col("__time").n_unique().alias("__months"),
            *(nw.col(g).min() for g in groups),
            *(nw.col(g).n_unique().alias(f"{g}_n") for g in groups),
        )
    )
    person = person.with_columns((nw.col("__rows") - nw.col("__months")).alias("__dup"))
    person = person.with_columns(
        (nw.col("__paid") * nw.col("__benefit")).alias("__both"),
        nw.when(nw.col("__dup") > 0).then(nw.col("__id")).alias("__dup_id"),
        *((nw.col(f"{g}_n") > 1).cast(nw.Int64).alias(f"{g}_changed") for g in groups),
        *(nw.when(nw.col(f"{g}_n") > 1).then(nw.col("__id")).alias(f"{g}_who") for g in groups),
    )
    summed = [
        nw.col("__benefit").sum().alias("n_persons"),
        nw.col("__both").sum().alias("n_paid_hours"),
        nw.col("__dup").sum(),
        nw.col("__dup_id").min(),
        *(nw.col(f"{g}_changed").sum() for g in groups),
        *(nw.col(f"{g}_who").min() for g in groups),
    ]
    if groups:
        out = person.group_by(*groups).agg(*summed).collect().to_pandas()
        out = out.sort_values(groups).reset_index(drop=True)
    else:
        out = person.select(*summed).collect().to_pandas()
    _engine_person_checks(out, id, time, by_cols, func)
    out = out[[*groups, "n_persons", "n_paid_hours"]]
    out.columns = [*by_cols, "n_persons", "n_paid_hours"]
    if not out["n_persons"].sum():
        raise EffektError(
            f"{func}(): nobody received the benefit in the window; check 'on_benefit' and 'window'."
        )
    return out


def _engine_person_checks(
    out: pd.DataFrame, id: Hashable, time: Hashable, by_cols: list[Hashable], func: str
) -> None:
    """No duplicated person-month; every person in one ``by`` group (from the group sums)."""
    if out["__dup"].sum():
        who = _plain(out["__dup_id"].dropna().min())
        raise EffektError(
            f"{func}(): the panel has {int(out['__dup'].sum())} duplicated ({quote(id)}, "
            f"{quote(time)}) rows (e.g. person {who!r}); keep one row per person and "
            "month (sum wages and hours within the month first)."
        )
    for i, column in enumerate(by_cols):
        if out[f"__g{i}_changed"].sum():
            who = out[f"__g{i}_who"].dropna().min()
            raise _group_change_error(column, int(out[f"__g{i}_changed"].sum()), who, func)


def _plain(value: Any) -> Any:
    """A person id as Python value (an integer id collected beside NULLs comes back float)."""
    value = value.item() if isinstance(value, np.generic) else value
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _group_change_error(column: Hashable, count: int, who: Any, func: str) -> EffektError:
    who = _plain(who)
    return EffektError(
        f"{func}(): the 'by' column {quote(column)} changes within {count} "
        f"persons in the window (e.g. person {who!r}); assign each person "
        "to one group (e.g. the municipality at the start of the window)."
    )


def _window_rows(
    data: pd.DataFrame, time: Hashable, window: tuple[Any, Any] | None, func: str
) -> np.ndarray:
    """Rows whose month lies in the inclusive ``window`` (every row without one)."""
    if window is None:
        return np.ones(len(data), dtype=bool)
    if not isinstance(window, (tuple, list)) or len(window) != 2:
        raise argument_error(func, "window", "a (first, last) pair of months", window)
    months = data[time]
    first, last = window
    lo, hi = months.min(), months.max()
    try:
        outside = [m for m in (first, last) if m < lo or m > hi]
        reversed_ = first > last
    except TypeError as exc:
        raise argument_error(
            func, "window", f"months of the same type as column {quote(time)}", window
        ) from exc
    if outside:
        raise EffektError(
            f"The 'window' argument of {func}() has month(s) {outside} outside the panel, "
            f"which covers {lo!r} to {hi!r}; choose months within the panel."
        )
    if reversed_:
        raise argument_error(func, "window", "a (first, last) pair with first <= last", window)
    return ((months >= first) & (months <= last)).to_numpy()


def _per_person(
    data: pd.DataFrame,
    id: Hashable,
    by_cols: list[Hashable],
    paid: np.ndarray,
    benefit: np.ndarray,
    func: str,
) -> pd.DataFrame:
    """One row per person: any paid-hours month, any benefit month and the person's group."""
    # internal names only, so that no caller column (even one named "_paid") can collide
    sub = pd.DataFrame(
        {
            "_id": data[id].reset_index(drop=True),
            **{f"_by_{i}": data[c].reset_index(drop=True) for i, c in enumerate(by_cols)},
            "_paid": paid,
            "_benefit": benefit,
        }
    )
    per_person = sub.groupby("_id", sort=False).agg(
        _paid=("_paid", "max"),
        _benefit=("_benefit", "max"),
        **{f"_n_{i}": (f"_by_{i}", "nunique") for i in range(len(by_cols))},
        **{f"_v_{i}": (f"_by_{i}", "first") for i in range(len(by_cols))},
    )
    for i, c in enumerate(by_cols):
        changed = per_person[f"_n_{i}"] > 1
        if changed.any():
            who = per_person.index[changed].min()
            raise _group_change_error(c, int(changed.sum()), who, func)
    # every person in the window keeps their group; only benefit recipients are counted
    per_person["_paid"] = per_person["_paid"] & per_person["_benefit"]
    if not per_person["_benefit"].any():
        raise EffektError(
            f"{func}(): nobody received the benefit in the window; check 'on_benefit' and 'window'."
        )
    return per_person


def _group_shares(
    per_person: pd.DataFrame, by_cols: list[Hashable], conf_level: float, func: str
) -> pd.DataFrame:
    """Persons, persons with paid hours, the share and its Wilson interval per group."""
    if by_cols:
        grouped = per_person.groupby([f"_v_{i}" for i in range(len(by_cols))], sort=True)
        out = grouped.agg(n_persons=("_benefit", "sum"), n_paid_hours=("_paid", "sum"))
        out = out.reset_index()
        out.columns = [*by_cols, "n_persons", "n_paid_hours"]
    else:
        out = pd.DataFrame(
            {
                "n_persons": [int(per_person["_benefit"].sum())],
                "n_paid_hours": [int(per_person["_paid"].sum())],
            }
        )
    return _shares_table(out, by_cols, conf_level, func)


def _shares_table(
    out: pd.DataFrame, by_cols: list[Hashable], conf_level: float, func: str
) -> pd.DataFrame:
    """Add the share and its Wilson interval to the persons and paid-hours counts per group."""
    out["n_persons"] = out["n_persons"].astype(int)
    out["n_paid_hours"] = out["n_paid_hours"].astype(int)
    n = out["n_persons"].to_numpy()
    empty = n == 0
    if empty.any():
        names = [tuple(r) if len(r) > 1 else r[0] for r in out.loc[empty, by_cols].to_numpy()]
        warnings.warn(
            f"{func}(): nobody received the benefit in the window in {int(empty.sum())} "
            f"group(s) of {by_cols} ({', '.join(repr(g) for g in names[:10])}"
            f"{', ...' if len(names) > 10 else ''}); their share and interval are NaN. Drop "
            "those groups or check 'on_benefit' and 'window'.",
            SmallSampleWarning,
            stacklevel=3,
        )
    k = out["n_paid_hours"].to_numpy()
    safe_n = np.where(empty, 1, n)
    lo_ci, hi_ci = wilson_interval(k, safe_n, conf_level)
    out["share"] = np.where(empty, np.nan, k / safe_n)
    out["ci_low"] = np.where(empty, np.nan, lo_ci)
    out["ci_high"] = np.where(empty, np.nan, hi_ci)
    return out


def share_with_paid_hours(
    data: pd.DataFrame,
    id: Hashable,
    time: Hashable,
    wage: Hashable,
    hours: Hashable,
    *,
    window: tuple[Any, Any] | None = None,
    on_benefit: Hashable | None = None,
    by: Hashable | list[Hashable] | None = None,
    conf_level: float = 0.95,
    wage_upper: float = WAGE_UPPER,
    wage_full_time: float = WAGE_FULL_TIME,
    hours_full_time: float = HOURS_FULL_TIME,
    missing: Literal["raise", "drop"] = "raise",
) -> pd.DataFrame:
    """Share of benefit recipients with at least one paid-hours month in a window of months.

    Parameters
    ----------
    data : DataFrame
        Long register panel: one row per person and month (no duplicates). pandas, Polars,
        PyArrow, a DuckDB relation (e.g. over Parquet files) or Spark; see Notes on scaling.
    id, time : str
        Person identifier and month columns (months as integers such as 201703, pandas
        Periods or Timestamps; anything ordered).
    wage, hours : str
        Wage (DKK) and registered hours in the month.
    window : (first, last), optional
        Inclusive range of months; both ends must lie within the panel's months. Default:
        every month in ``data``.
    on_benefit : str, optional
        0/1 column: received the benefit that month. The denominator is the people with at
        least one benefit month in the window (everyone in the window when omitted).
    by : str or list of str, optional
        Grouping columns (municipality, benefit group) that must be constant within a
        person over the window; one row per group is returned. The output can be passed
        to :func:`effekt.did.did_from_counts` as ``count``/``denominator``.
    conf_level : float
        Level of the Wilson interval for each share.
    wage_upper, wage_full_time, hours_full_time : float
        Thresholds of the rule (see :func:`paid_hours_months`).
    missing : {"raise", "drop"}
        Missing values in the id, time, wage, hours, ``on_benefit`` or ``by`` columns
        raise by default; ``"drop"`` drops those rows with a
        :class:`~effekt.errors.DroppedRowsWarning`.

    Returns
    -------
    DataFrame
        Columns ``[*by,] n_persons, n_paid_hours, share, ci_low, ci_high``. With ``by``,
        every group that has persons in the window gets a row: a group where nobody received
        the benefit has ``n_persons = 0`` and NaN share and interval, and a
        :class:`~effekt.errors.SmallSampleWarning` names those groups. When nobody at all
        received the benefit in the window, EffektError is raised.

    Notes
    -----
    ``share = #{persons with >= 1 counting month in the window} /
    #{persons with >= 1 benefit month in the window}``; a counting month is defined by
    :func:`paid_hours_months`. The Wilson interval treats persons as independent draws
    and is a guide only for register populations.

    *Scaling*: for any backend but pandas the rule, the per-person maxima and the per-group
    sums run in the engine (two group-bys); only the per-group counts and a few check
    aggregates are collected. A 2·10^8-row weekly register through DuckDB therefore needs
    the memory of DuckDB's per-person hash table, not of the rows. A pandas panel is
    processed in memory as before.

    Examples
    --------
    >>> import pandas as pd
    >>> panel = pd.DataFrame({"person": [1, 1, 2, 2, 3, 3],
    ...                       "month": [201701, 201702] * 3,
    ...                       "wage": [0, 2_500, 0, 0, 20_000, 30_000],
    ...                       "hours": [0, 10, 0, 0, 160, 170]})
    >>> out = share_with_paid_hours(panel, "person", "month", "wage", "hours")
    >>> out[["n_persons", "n_paid_hours"]].iloc[0].tolist()
    [3, 1]
    """
    func = "share_with_paid_hours"
    if is_pandas(data):
        check_frame(data, func)
    by_cols = as_column_list(by)
    check_distinct_columns(by_cols, "by", func)
    check_columns(
        data, func, id=id, time=time, wage=wage, hours=hours, on_benefit=on_benefit, by=by_cols
    )
    conf_level = check_conf_level(conf_level, func)
    if not is_pandas(data):
        thresholds = (
            check_number(wage_upper, "wage_upper", func, low=0, low_open=True),
            check_number(wage_full_time, "wage_full_time", func, low=0),
            check_number(hours_full_time, "hours_full_time", func, low=0),
        )
        roles = dict(id=id, time=time, wage=wage, hours=hours, on_benefit=on_benefit)
        counts = _engine_counts(data, roles, by_cols, window, thresholds, missing, func)
        return _shares_table(counts, by_cols, conf_level, func)
    data = handle_missing(
        data, [id, time, wage, hours, *as_column_list(on_benefit), *by_cols], missing, func
    )
    dup = data.duplicated([id, time])
    if dup.any():
        i = int(np.flatnonzero(dup.to_numpy())[0])
        raise EffektError(
            f"{func}(): the panel has {int(dup.sum())} duplicated ({quote(id)}, "
            f"{quote(time)}) rows (first at row {i}: {data[id].iloc[i]!r}, "
            f"{data[time].iloc[i]!r}); keep one row per person and month (sum wages and hours "
            "within the month first)."
        )
    inside = _window_rows(data, time, window, func)
    thresholds = (
        check_number(wage_upper, "wage_upper", func, low=0, low_open=True),
        check_number(wage_full_time, "wage_full_time", func, low=0),
        check_number(hours_full_time, "hours_full_time", func, low=0),
    )
    flags = _pandas_flags(
        data, [wage, hours, *as_column_list(on_benefit)], thresholds, "raise", func
    )
    benefit = (
        _flag_column(data[on_benefit], on_benefit, "on_benefit", func)
        if on_benefit is not None
        else np.ones(len(data), dtype=bool)
    )
    per_person = _per_person(data.loc[inside], id, by_cols, flags[inside], benefit[inside], func)
    return _group_shares(per_person, by_cols, conf_level, func)
