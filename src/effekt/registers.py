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

import numpy as np
import pandas as pd

from ._validate import (
    argument_error,
    as_column_list,
    check_conf_level,
    check_distinct_columns,
    check_frame,
    check_number,
    handle_missing,
    numeric_column,
    quote,
    require_columns,
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
        raise ColumnError(
            f"The {argument} column {quote(column)} passed to {func}() must be coded 0/1 or "
            f"True/False; {int(bad.sum())} values are not (e.g. {arr[bad][0]:g})."
        )
    return arr.astype(bool)


def _rule(
    wage: np.ndarray, hours: np.ndarray, upper: float, wage_ft: float, hours_ft: float
) -> np.ndarray:
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
        One row per person and month.
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
    Series of bool
        Indexed like ``data``; True for a month that counts.

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
    check_frame(data, func)
    for argument, column in (("wage", wage), ("hours", hours)):
        if column is None:
            raise argument_error(func, argument, "a column name", column)
    require_columns(data, func, wage=wage, hours=hours, on_benefit=on_benefit)
    upper = check_number(wage_upper, "wage_upper", func, low=0, low_open=True)
    wage_ft = check_number(wage_full_time, "wage_full_time", func, low=0)
    hours_ft = check_number(hours_full_time, "hours_full_time", func, low=0)
    cols = [wage, hours] + as_column_list(on_benefit)
    kept = handle_missing(data, cols, missing, func)
    keep = ~data[list(dict.fromkeys(cols))].isna().any(axis=1).to_numpy()
    w = numeric_column(kept[wage], wage, func, "wage")
    h = numeric_column(kept[hours], hours, func, "hours")
    for arr, col, arg in ((w, wage, "wage"), (h, hours, "hours")):
        if (arr < 0).any():
            raise ColumnError(
                f"The {arg} column {quote(col)} passed to {func}() has "
                f"{int((arr < 0).sum())} negative values (e.g. {arr[arr < 0][0]:g}); wages and "
                "hours must be >= 0. Correct the extract."
            )
    flag = _rule(w, h, upper, wage_ft, hours_ft)
    if on_benefit is not None:
        flag &= _flag_column(kept[on_benefit], on_benefit, "on_benefit", func)
    values = np.zeros(len(data), dtype=bool)
    values[keep] = flag
    return pd.Series(values, index=data.index, name="paid_hours")


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
            raise EffektError(
                f"{func}(): the 'by' column {quote(c)} changes within {int(changed.sum())} "
                f"persons in the window (e.g. person {per_person.index[changed][0]!r}); assign "
                "each person to one group (e.g. the municipality at the start of the window)."
            )
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
        Long register panel: one row per person and month (no duplicates).
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
    check_frame(data, func)
    by_cols = as_column_list(by)
    check_distinct_columns(by_cols, "by", func)
    require_columns(
        data, func, id=id, time=time, wage=wage, hours=hours, on_benefit=on_benefit, by=by_cols
    )
    conf_level = check_conf_level(conf_level, func)
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
    flags = paid_hours_months(
        data,
        wage,
        hours,
        on_benefit=on_benefit,
        wage_upper=wage_upper,
        wage_full_time=wage_full_time,
        hours_full_time=hours_full_time,
    ).to_numpy()
    benefit = (
        _flag_column(data[on_benefit], on_benefit, "on_benefit", func)
        if on_benefit is not None
        else np.ones(len(data), dtype=bool)
    )
    per_person = _per_person(data.loc[inside], id, by_cols, flags[inside], benefit[inside], func)
    return _group_shares(per_person, by_cols, conf_level, func)
