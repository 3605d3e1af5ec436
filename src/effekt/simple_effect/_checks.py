"""Input checks shared by the provider modules: the provider column, the columns used, the
multiplicity choice and arrays of rates and participants."""

from __future__ import annotations

import warnings
from collections.abc import Hashable
from typing import Any, Literal, cast

import numpy as np
import pandas as pd

from .._multiplicity import ADJUST_METHODS
from .._validate import (
    argument_error,
    as_column_list,
    check_choice,
    check_frame,
    check_number,
    check_texts,
    factorize_levels,
    handle_missing,
    quote,
)
from ..errors import ColumnError, SmallSampleWarning
from ._display import danish_sort_key

Adjust = Literal["holm", "bonferroni", "bh", "none"]


def provider_codes(
    values: pd.Series,
    column: Hashable,
    func: str,
    *,
    min_providers: int = 2,
    single_note: str = "their rates are pure chance - pool them with similar providers or "
    "leave them out.",
    weights: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Codes, labels and sizes of the provider column; warns on providers with 0 or 1
    participant. ``weights``: the participants each value stands for (cells of a group-by)."""
    unused: list[Any] = []
    if isinstance(values.dtype, pd.CategoricalDtype):
        present = set(pd.unique(values.dropna()))
        unused = [c for c in values.cat.categories if c not in present]
        values = values.astype(object)
    codes, labels = factorize_levels(values, column, "provider", func)
    labels = np.asarray(labels)
    if labels.dtype == object and all(isinstance(v, str) for v in labels):
        # providers in Danish alphabetical order (æ, ø, å after z)
        order = np.array(sorted(range(len(labels)), key=lambda i: danish_sort_key(labels[i])))
        rank = np.empty_like(order)
        rank[order] = np.arange(order.size)
        codes = np.where(codes >= 0, rank[codes], codes)
        labels = labels[order]
    if len(labels) < min_providers:
        raise ColumnError(
            f"The provider column {quote(column)} passed to {func}() has {len(labels)} distinct "
            "value(s) "
            f"({', '.join(map(quote, labels[:3]))}); comparing providers needs at least two."
        )
    sizes = np.bincount(codes, weights=weights, minlength=len(labels))
    if weights is not None:
        sizes = np.round(sizes).astype(np.int64)
    if unused:
        warnings.warn(
            f"{func}(): provider(s) {', '.join(map(quote, unused[:10]))} in the categories of "
            "column "
            f"{quote(column)} have 0 participants and are left out of the table.",
            SmallSampleWarning,
            stacklevel=3,
        )
    single = labels[sizes == 1]
    if single.size:
        warnings.warn(
            f"{func}(): provider(s) {', '.join(map(quote, single[:10]))} have only 1 participant; "
            + single_note,
            SmallSampleWarning,
            stacklevel=3,
        )
    return codes.astype(np.intp), labels, sizes


def prepare(
    data: Any, outcome: Hashable, provider: Hashable, func: str, missing: str, **cols: Any
) -> pd.DataFrame:
    # only the used columns are collected from a Polars, PyArrow, DuckDB or Spark frame
    data = check_frame(data, func, outcome=outcome, provider=provider, **cols)
    used = [outcome, provider, *[c for v in cols.values() for c in as_column_list(v)]]
    return handle_missing(data, used, missing, func)


LABEL_CHOICES = ("highlighted", "all", "none")


def check_plot_options(func: str, *, none_labels: bool = False, **options: Any) -> None:
    """The options of a provider plot: ``highlight``, ``shown_interval``, ``label_providers``
    (a choice, a list of provider names, or ``None`` if ``none_labels``) and the texts."""
    choices = {"highlight": ("flag", "limits"), "shown_interval": ("flag", "shrunken")}
    check_texts(func, **{a: options.get(a) for a in ("title", "xlabel", "ylabel")})
    for argument, allowed in choices.items():
        if argument in options:
            check_choice(options[argument], argument, func, allowed)
    names = options.get("label_providers")
    if (names is None and none_labels) or isinstance(names, str) and names in LABEL_CHOICES:
        return
    ok = isinstance(names, (list, tuple, pd.Index, np.ndarray, pd.Series)) and all(
        isinstance(v, (str, int, np.integer)) and not isinstance(v, bool) for v in names
    )
    if not ok:
        raise argument_error(
            func,
            "label_providers",
            "'highlighted', 'all', 'none' or a list of provider names",
            names,
        )


def check_coverage(coverage: Any, func: str) -> list[float]:
    """A non-empty list of coverages of funnel limits, each strictly between 0 and 1."""
    if not isinstance(coverage, (list, tuple, np.ndarray, pd.Series)) or len(coverage) == 0:
        raise argument_error(
            func, "coverage", "a non-empty list of coverages such as (0.95, 0.998)", coverage
        )
    return [
        check_number(c, "coverage", func, low=0, high=1, low_open=True, high_open=True)
        for c in coverage
    ]


def check_adjust(adjust: Any, func: str) -> Adjust:
    return cast(Adjust, check_choice(adjust, "adjust", func, ADJUST_METHODS))


def direction(flag: np.ndarray, diff: np.ndarray) -> np.ndarray:
    return np.where(flag & (diff > 0), "above", np.where(flag & (diff < 0), "below", ""))


def numeric_array(values: Any, argument: str, func: str) -> np.ndarray:
    """A 1-d float array of finite numbers, or EffektError naming the argument."""
    try:
        arr = np.atleast_1d(np.asarray(values, dtype=float))
    except (TypeError, ValueError, OverflowError):
        raise argument_error(
            func, argument, "an array of numbers within the range of a float", values
        ) from None
    if arr.ndim != 1 or arr.size == 0:
        raise argument_error(func, argument, "a non-empty 1-d array of numbers", values)
    if not np.isfinite(arr).all():
        raise argument_error(
            func,
            argument,
            "finite numbers (no NaN: drop or impute those units first)",
            first_bad(values, ~np.isfinite(arr)),
        )
    return arr


#: The largest count held exactly as a float (2**53).
MAX_COUNT = 2**53


def participants_array(values: Any, func: str) -> np.ndarray:
    n = numeric_array(values, "participants", func)
    bad = (n < 1) | (n != np.round(n))
    if bad.any():
        raise argument_error(
            func, "participants", "whole numbers of participants >= 1", first_bad(values, bad)
        )
    # above 2**53 a float no longer holds every whole number (and scipy's quantiles stall)
    big = n > MAX_COUNT
    if big.any():
        raise argument_error(
            func,
            "participants",
            f"at most 2**53 = {MAX_COUNT} per provider",
            first_bad(values, big),
        )
    return n


def first_bad(values: Any, bad: np.ndarray) -> Any:
    """The first offending value (for the error message)."""
    flat = list(np.atleast_1d(np.asarray(values, dtype=object)))
    return flat[int(np.flatnonzero(bad)[0])]
