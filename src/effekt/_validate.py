"""Shared input checks: one message template, clear errors, no mutation of the caller's data.

Every public function validates its arguments here before any arithmetic, so that a bad
input fails with an :class:`~effekt.errors.EffektError` naming the argument or column and
the fix. Nothing here modifies the caller's DataFrame: functions return new arrays or a
new (filtered) DataFrame.
"""

from __future__ import annotations

import numbers
from collections.abc import Hashable, Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from ._design import check_mixed_types
from ._frame import (
    column_names,
    drop_missing_rows,
    is_pandas,
    missing_column_error,
    require_columns_in,
    to_pandas,
)
from .errors import ColumnError, EffektError, quote

MISSING_POLICIES = ("raise", "drop")

#: Largest integer a float64 holds exactly; counts above it are refused.
MAX_EXACT_INTEGER = 2**53
#: The largest confidence level accepted: beyond it the normal quantile is float noise.
MAX_CONF_LEVEL = 1 - 1e-10
#: Largest magnitude of a numeric column: the squares of larger values overflow in sums.
MAX_MAGNITUDE = 1e150
#: Upper bound of resampling sizes (``n_boot``, ``n_draws``): beyond it a call takes minutes
#: to hours and memory grows linearly, for no gain in precision a report could show.
MAX_RESAMPLES = 100_000


def argument_error(func: str, argument: str, requirement: str, value: Any) -> EffektError:
    """Build the standard message: "The 'x' argument of f() must be ...; got v."."""
    return EffektError(
        f"The '{argument}' argument of {func}() must be {requirement}; got {quote(value)}."
    )


def check_choice(value: Any, argument: str, func: str, allowed: Sequence[Any]) -> Any:
    """Return ``value`` if it is one of ``allowed``, else raise :class:`EffektError`."""
    try:
        ok = value in allowed
    except (TypeError, ValueError):  # an array or another value without a truth value
        ok = False
    if not ok:
        choices = ", ".join(quote(a) for a in allowed)
        raise argument_error(func, argument, f"one of {choices}", value)
    return value


def check_flag(value: Any, argument: str, func: str) -> bool:
    """``True`` or ``False`` (a numpy bool too); anything else raises :class:`EffektError`."""
    if not isinstance(value, (bool, np.bool_)):
        raise argument_error(func, argument, "True or False", value)
    return bool(value)


def check_given(func: str, **arguments: Any) -> None:
    """Each of the required column ``arguments`` is given (``require_columns`` skips ``None``)."""
    for argument, value in arguments.items():
        if value is None:
            raise argument_error(func, argument, "a column name", value)


def check_texts(func: str, **texts: Any) -> None:
    """Each of ``texts`` (title, axis labels) is a string or ``None``."""
    for argument, value in texts.items():
        if value is not None and not isinstance(value, str):
            raise argument_error(func, argument, "text or None", value)


def _finite(value: numbers.Real) -> bool:
    """Finite as a float (an int such as 10**400 overflows the float range: not finite)."""
    try:
        return bool(np.isfinite(float(value)))
    except OverflowError:
        return False


def check_conf_level(conf_level: Any, func: str) -> float:
    """A confidence level strictly between 0 and 1."""
    if (
        isinstance(conf_level, bool)
        or not isinstance(conf_level, numbers.Real)
        or not _finite(conf_level)
        or not 0 < float(conf_level) <= MAX_CONF_LEVEL
    ):
        raise argument_error(
            func,
            "conf_level",
            "a number strictly between 0 and 1, at most 1 - 1e-10 (e.g. 0.95)",
            conf_level,
        )
    return float(conf_level)


def check_seed(seed: Any, func: str) -> np.random.Generator:
    """A numpy Generator from ``seed``: a non-negative int, a Generator or None.

    A float, a string or a negative number raises: ``seed=1.5`` is a typo, not a seed.

    Examples
    --------
    >>> bool(check_seed(3, "f").integers(10) == np.random.default_rng(3).integers(10))
    True
    """
    if isinstance(seed, np.random.Generator):
        return seed
    if seed is None:
        return np.random.default_rng()
    if isinstance(seed, numbers.Integral) and not isinstance(seed, bool) and int(seed) >= 0:
        return np.random.default_rng(int(seed))
    raise argument_error(func, "seed", "a non-negative integer, a numpy Generator or None", seed)


def check_resamples(value: Any, argument: str, func: str, *, low: int) -> int:
    """A number of bootstrap or simulation draws between ``low`` and :data:`MAX_RESAMPLES`."""
    return int(check_number(value, argument, func, low=low, high=MAX_RESAMPLES, integer=True))


def check_level_value(value: Any, argument: str, func: str) -> Any:
    """A value that names a level of a column (``treated_value``, ``control``): hashable."""
    if not isinstance(value, Hashable) or isinstance(value, (list, dict, set, np.ndarray)):
        raise argument_error(
            func, argument, "a single value of the column (not a list or array)", value
        )
    try:
        hash(value)
    except TypeError:
        raise argument_error(
            func, argument, "a single value of the column (not a list or array)", value
        ) from None
    return value


def check_distinct_columns(columns: Sequence[Hashable], argument: str, func: str) -> None:
    """No column is named twice in ``argument`` (``by=["g", "g"]`` counts it twice)."""
    seen: set[Any] = set()
    for column in columns:
        check_column_name(column, argument, func)
        if column in seen:
            raise EffektError(
                f"The '{argument}' argument of {func}() names the column {quote(column)} twice; "
                "give each column once."
            )
        seen.add(column)


def check_not_outcome(
    outcome: Hashable, columns: Iterable[Hashable], argument: str, func: str
) -> None:
    """The outcome column is not also a covariate (it would "explain" itself)."""
    check_column_name(outcome, "outcome", func)
    if any(check_column_name(c, argument, func) == outcome for c in columns):
        raise EffektError(
            f"The outcome column {quote(outcome)} is also listed in '{argument}' of {func}(); "
            "an outcome cannot adjust for itself: remove it from the covariates."
        )


def check_new_column(
    name: Any, existing: pd.DataFrame | Iterable[Hashable], argument: str, func: str
) -> None:
    """An output column name that is none of ``existing`` (a frame's columns or a list)."""
    check_column_name(name, argument, func)
    if name in list(existing.columns if isinstance(existing, pd.DataFrame) else existing):
        raise EffektError(
            f"The '{argument}' argument of {func}() is {quote(name)}, which is already a column "
            "of the result (an id or a kept column); choose another name."
        )


def check_number(
    value: Any,
    argument: str,
    func: str,
    *,
    low: float | None = None,
    high: float | None = None,
    low_open: bool = False,
    high_open: bool = False,
    integer: bool = False,
) -> float:
    """A finite real number within optional bounds; returns it as float (or int)."""
    kind = "an integer" if integer else "a number"
    ok = isinstance(value, numbers.Real) and not isinstance(value, bool) and _finite(value)
    if ok and integer and float(value) != int(value):
        ok = False
    if ok and integer and abs(value) > MAX_EXACT_INTEGER:
        raise argument_error(
            func,
            argument,
            "an integer of at most 2**53 (larger counts are not exact in floats)",
            value,
        )
    if ok and low is not None:
        ok = value > low if low_open else value >= low
    if ok and high is not None:
        ok = value < high if high_open else value <= high
    if not ok:
        bounds = []
        if low is not None:
            bounds.append(f"{'>' if low_open else '>='} {low:g}")
        if high is not None:
            bounds.append(f"{'<' if high_open else '<='} {high:g}")
        requirement = kind + (" " + " and ".join(bounds) if bounds else "")
        raise argument_error(func, argument, requirement, value)
    return int(value) if integer else float(value)


def check_counts(events: Any, n: Any, events_arg: str, n_arg: str, func: str) -> tuple[int, int]:
    """A count of events and a positive number of trials with ``0 <= events <= n``."""
    n_int = check_number(n, n_arg, func, low=1, integer=True)
    e_int = check_number(events, events_arg, func, low=0, integer=True)
    if e_int > n_int:
        raise EffektError(
            f"The '{events_arg}' argument of {func}() must not exceed '{n_arg}' "
            f"({n_int}); got {e_int}. Check that events and totals belong to the same arm."
        )
    return int(e_int), int(n_int)


def check_share(share: Any, argument: str, func: str) -> float:
    """A share (proportion) in [0, 1]; percentages such as 16 are rejected with a hint."""
    ok = isinstance(share, numbers.Real) and not isinstance(share, bool) and _finite(share)
    if not ok or not 0 <= share <= 1:
        hint = " (give shares as fractions: 0.16, not 16)" if ok and 1 < share <= 100 else ""
        raise argument_error(func, argument, "a share between 0 and 1" + hint, share)
    return float(share)


def check_frame(
    data: Any,
    func: str,
    argument: str = "data",
    *,
    all_columns: bool = False,
    **columns: Hashable | Iterable[Hashable] | None,
) -> pd.DataFrame:
    """``data`` as a non-empty pandas DataFrame; any supported backend is read (issue 14).

    ``columns`` maps argument names to the column(s) they name (``outcome="y"``,
    ``covariates=["age", "sex"]``): each must exist, with the same
    :class:`~effekt.errors.ColumnError` on every backend. A pandas DataFrame is returned as
    it is; a Polars, PyArrow, DuckDB or Spark frame is narrowed to the named columns in its
    engine and collected (all columns when none are named, or with ``all_columns=True`` for
    results that keep the data, such as a match, whose later calls name other columns).
    Estimators that reduce to sufficient statistics use :func:`effekt._frame.group_stats`.
    """
    lists = {arg: as_column_list(cols) for arg, cols in columns.items()}
    for arg, cols in lists.items():
        for column in cols:
            check_column_name(column, arg, func)
    if is_pandas(data):
        require_columns_in(list(data.columns), func, lists)
        return to_pandas(data, func, argument=argument)
    require_columns_in(column_names(data, func, argument), func, lists)
    used = [c for cols in lists.values() for c in cols]
    return to_pandas(data, func, used if lists and not all_columns else None, argument)


def weight_column(weights: Any) -> Hashable | None:
    """``weights`` when it names a column (a string), else None (weights given as numbers).

    Examples
    --------
    >>> weight_column("w"), weight_column([1.0, 2.0])
    ('w', None)
    """
    return weights if isinstance(weights, str) else None


def as_column_list(columns: Hashable | Iterable[Hashable] | None) -> list[Hashable]:
    """Normalise ``None``, one column name or a list of names to a list."""
    if columns is None:
        return []
    if isinstance(columns, (str, bytes, pd.DataFrame)) or not isinstance(columns, Iterable):
        return [columns]
    return list(columns)


def check_column_name(column: Any, argument: str, func: str) -> Hashable:
    """A column name is a single hashable value (a string, usually), never a list or frame."""
    try:
        hash(column)
    except TypeError:
        raise argument_error(
            func, argument, "a column name (or a list of column names)", type(column).__name__
        ) from None
    return column


def require_columns(
    data: pd.DataFrame, func: str, **arguments: Hashable | Iterable[Hashable] | None
) -> None:
    """Every column named by the keyword ``arguments`` (argument name -> column(s)) exists."""
    for argument, columns in arguments.items():
        for column in as_column_list(columns):
            check_column_name(column, argument, func)
            try:
                present = column in data.columns
            except (OverflowError, TypeError):  # 10**400 looked up in an integer index
                present = False
            if not present:
                raise missing_column_error(column, argument, func, list(data.columns))


def handle_missing(
    data: pd.DataFrame, columns: Sequence[Hashable], missing: str, func: str
) -> pd.DataFrame:
    """Raise on missing values in ``columns`` or, with ``missing='drop'``, drop them with a warning.

    Returns ``data`` itself when nothing is missing, otherwise a filtered copy; the
    caller's frame is never modified.
    """
    check_choice(missing, "missing", func, MISSING_POLICIES)
    for column in columns:
        check_column_name(column, "columns", func)
        if column is None:
            raise EffektError(
                f"{func}() got None for a column it needs; pass a column name for every "
                "required column argument."
            )
    return drop_missing_rows(data, columns, missing, func)


def two_valued(
    values: pd.Series, column: Hashable, argument: str, func: str, treated_value: Any = None
) -> np.ndarray:
    """A boolean array for a two-valued column (treatment, group); ``treated_value`` picks True.

    Without ``treated_value`` the column must be boolean or coded 0/1 (True/1 = treated).
    """
    check_mixed_types(values, column, func, f"{argument} column")
    try:
        levels = pd.unique(values)
    except TypeError:
        raise unhashable_values_error(column, argument, func) from None
    if len(levels) != 2:
        shown = ", ".join(map(quote, list(levels)[:5]))
        raise ColumnError(
            f"The {argument} column {quote(column)} passed to {func}() must have exactly two values; "
            f"it has {len(levels)} ({shown}). Use compare_arms() for several arms or recode the column."
        )
    if treated_value is not None:
        value_arg = "treated_value" if argument == "treatment" else f"{argument}_value"
        check_level_value(treated_value, value_arg, func)
    if treated_value is None:
        level_set = {bool(v) if isinstance(v, (bool, np.bool_)) else v for v in levels}
        if not level_set <= {0, 1}:
            raise ColumnError(
                f"The {argument} column {quote(column)} passed to {func}() has values "
                f"{sorted(map(str, levels))}; say which one is the treated group with treated_value=."
            )
        return values.to_numpy() == 1
    if treated_value not in set(levels):
        raise argument_error(
            func,
            "treated_value",
            f"one of the values in {quote(column)} ({list(levels)})",
            treated_value,
        )
    return (values == treated_value).to_numpy()


def outcome_indicator(
    values: pd.Series, column: Hashable, func: str, outcome_value: Any, argument: str = "outcome"
) -> pd.Series:
    """1.0 where ``values == outcome_value``, else 0.0 (an outcome coded "Ja"/"Nej").

    Missing values stay missing; a value that never occurs raises, as does a column with
    more than two distinct values.

    Examples
    --------
    >>> outcome_indicator(pd.Series(["Ja", "Nej", "Ja"]), "i_job", "f", "Ja").tolist()
    [1.0, 0.0, 1.0]
    """
    if outcome_value is None:
        return values
    check_level_value(outcome_value, "outcome_value", func)
    present = values.dropna()
    levels = list(pd.unique(present))
    if outcome_value not in levels:
        raise ColumnError(
            f"The outcome_value {quote(outcome_value)} passed to {func}() does not occur in the "
            f"{argument} column {quote(column)}; its values are {', '.join(quote(v) for v in levels[:5])}."
        )
    if len(levels) > 2:
        raise ColumnError(
            f"The {argument} column {quote(column)} passed to {func}() has {len(levels)} distinct "
            f"values ({', '.join(quote(v) for v in levels[:5])}); with outcome_value= it must have two."
        )
    return (values == outcome_value).astype(float).where(values.notna())


def _text_outcome_fix(values: pd.Series, argument: str = "outcome") -> str:
    try:
        levels = [v for v in pd.unique(values.dropna())][:3]
    except TypeError:  # lists or other unhashable cells: no levels to suggest
        return " Give one plain value per row."
    shown = ", ".join(quote(v) for v in levels)
    first = quote(levels[0]) if levels else "'Ja'"
    return (
        f" Its values are {shown}: pass {argument}_value={first} (the value that means the "
        f"{argument} happened), or recode the column to 0/1."
    )


def binary_outcome(
    values: pd.Series,
    column: Hashable,
    func: str,
    argument: str = "outcome",
    outcome_value: Any = None,
    counts: np.ndarray | None = None,
) -> np.ndarray:
    """A 0/1 float array from a boolean or 0/1-coded column, or from any two values with
    ``outcome_value`` naming the one that counts; anything else raises.

    ``counts`` gives the rows each value stands for when ``values`` are the distinct values
    of a group-by (:func:`effekt._frame.group_stats`): the message counts rows, not values.
    """
    values = outcome_indicator(values, column, func, outcome_value, argument)
    if values.dtype == bool:
        return values.to_numpy(dtype=float)
    if not pd.api.types.is_numeric_dtype(values):
        raise ColumnError(
            f"The {argument} column {quote(column)} passed to {func}() must be coded 0/1 or True/False; "
            f"it has dtype {values.dtype}." + _text_outcome_fix(values)
        )
    arr = values.to_numpy(dtype=float)
    bad = (arr != 0) & (arr != 1)
    if bad.any():
        example = arr[bad][0]
        n_bad = int(bad.sum()) if counts is None else int(np.asarray(counts)[bad].sum())
        raise ColumnError(
            f"The {argument} column {quote(column)} passed to {func}() must be coded 0/1; "
            f"{n_bad} values are not (e.g. {example:g}). For a continuous outcome use difference_in_means()."
        )
    return arr


def numeric_column(values: pd.Series, column: Hashable, func: str, argument: str) -> np.ndarray:
    """A finite float array from a numeric or boolean column."""
    if not (pd.api.types.is_numeric_dtype(values) or values.dtype == bool):
        raise ColumnError(
            f"The {argument} column {quote(column)} passed to {func}() must be numeric; it has dtype {values.dtype}."
            + (_text_outcome_fix(values, argument) if argument in ("outcome", "event") else "")
        )
    arr = values.to_numpy(dtype=float)
    if not np.isfinite(arr).all():
        raise ColumnError(
            f"The {argument} column {quote(column)} passed to {func}() holds infinite values."
        )
    if arr.size and np.abs(arr).max() > MAX_MAGNITUDE:
        raise ColumnError(
            f"The {argument} column {quote(column)} passed to {func}() holds values as large as "
            f"{np.abs(arr).max():g}; sums of their squares overflow. Check the export, or rescale "
            "the column (e.g. to thousands)."
        )
    return arr


def unhashable_values_error(column: Hashable, argument: str, func: str) -> ColumnError:
    """The error for a grouping column holding lists, dicts or other unhashable cells."""
    return ColumnError(
        f"The {argument} column {quote(column)} passed to {func}() holds values that cannot be "
        "compared as levels (lists, dicts or arrays in cells); give one plain value per row."
    )


def factorize_levels(
    values: pd.Series, column: Hashable, argument: str, func: str, *, sort: bool = True
) -> tuple[np.ndarray, Any]:
    """``pd.factorize`` of a caller's column; unhashable cells raise :class:`ColumnError`, as
    does a column mixing numbers and text."""
    check_mixed_types(values, column, func, f"{argument} column")
    try:
        return pd.factorize(values, sort=sort)
    except TypeError:
        raise unhashable_values_error(column, argument, func) from None


def group_codes(
    values: pd.Series, column: Hashable, argument: str, func: str, *, min_groups: int = 1
) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes 0..G-1 and the labels for a grouping column (strata, clusters, providers);
    a column mixing numbers and text raises :class:`ColumnError`."""
    check_mixed_types(values, column, func, f"{argument} column")
    try:
        codes, labels = pd.factorize(values, sort=True)
    except TypeError:
        raise unhashable_values_error(column, argument, func) from None
    if len(labels) < min_groups:
        raise ColumnError(
            f"The {argument} column {quote(column)} passed to {func}() has {len(labels)} distinct value(s); "
            f"at least {min_groups} are needed."
        )
    return codes.astype(np.intp), np.asarray(labels)


def design_matrix(
    data: pd.DataFrame, covariates: Sequence[Hashable], func: str
) -> tuple[np.ndarray, list[str]]:
    """Covariates as a float matrix, first level of each categorical dropped.

    A thin wrapper of :func:`effekt._design.encode_covariates`, which holds every check.
    """
    X, names, _ = design_matrix_sources(data, covariates, func)
    return X, names


def design_matrix_sources(
    data: pd.DataFrame, covariates: Sequence[Hashable], func: str
) -> tuple[np.ndarray, list[str], list[Hashable]]:
    """As :func:`design_matrix`, plus the covariate column each matrix column comes from."""
    from ._design import encode_covariates

    design = encode_covariates(data, covariates, func)
    return np.asarray(design.X), design.names, design.sources


def check_weights(w: np.ndarray, column: Hashable, func: str) -> np.ndarray:
    """Analytic or matching weights: finite, ``>= 0`` and not all zero; returns ``w``.

    Examples
    --------
    >>> check_weights(np.array([1.0, 0.0, 2.5]), "w", "f").tolist()
    [1.0, 0.0, 2.5]
    """
    requirement = (
        f"The weights column {quote(column)} passed to {func}() must be >= 0 with some > 0"
    )
    if not np.isfinite(w).all():
        raise ColumnError(
            f"{requirement}; it has {int((~np.isfinite(w)).sum())} non-finite values."
        )
    if (w < 0).any():
        raise ColumnError(
            f"{requirement}; it has {int((w < 0).sum())} negative values (e.g. {w[w < 0][0]:g})."
        )
    if not (w > 0).any():
        raise ColumnError(
            f"{requirement}; all {len(w)} weights are 0, so no row is left to analyse."
        )
    return w


def check_clusters_per_arm(
    codes: np.ndarray, treated: np.ndarray, column: Hashable, func: str, *, minimum: int = 2
) -> None:
    """Each arm spans at least ``minimum`` clusters (CR2 and the wild bootstrap need 2).

    With one cluster in an arm, that arm's mean is a single draw of the cluster effect: the
    cluster-robust variance has nothing to estimate it from and gives a zero-width interval.

    Examples
    --------
    >>> check_clusters_per_arm(np.array([0, 1, 2, 3]), np.array([1, 1, 0, 0]), "c", "f")
    >>> check_clusters_per_arm(np.array([0, 0, 2, 3]), np.array([1, 1, 0, 0]), "c", "f")
    Traceback (most recent call last):
    ...
    effekt.errors.ColumnError: The cluster column 'c' passed to f() has 1 cluster(s) with treated rows; a cluster-robust interval needs at least 2 clusters in each arm (with one, the arm's mean is a single draw of its cluster and has no estimable variance). Collect more clusters, or analyse without cluster= only if persons, not clusters, were assigned.
    """
    treated = np.asarray(treated, dtype=bool)
    for arm, rows in (("treated", treated), ("control", ~treated)):
        k = len(np.unique(codes[rows]))
        if k < minimum:
            raise ColumnError(
                f"The cluster column {quote(column)} passed to {func}() has {k} cluster(s) with "
                f"{arm} rows; a cluster-robust interval needs at least {minimum} clusters in each "
                "arm (with one, the arm's mean is a single draw of its cluster and has no "
                "estimable variance). Collect more clusters, or analyse without cluster= only if "
                "persons, not clusters, were assigned."
            )
