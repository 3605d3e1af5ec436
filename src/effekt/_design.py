"""One covariate-design module: DataFrame columns to a numeric matrix, checked once.

Every estimator that takes ``covariates`` (Lin adjustment, propensity scores, balance tables,
the provider case mix) encodes them here, so that the same column gives the same matrix and
the same error everywhere:

* numeric, boolean and nullable (``Int64``, ``Float64``, ``boolean``) columns enter as they
  are; infinite values raise :class:`~effekt.errors.ColumnError`;
* text, object and ``category`` columns become 0/1 indicator columns named
  ``"<column>_<level>"``, levels in sorted (or category) order; ``drop_first=True`` drops the
  first level (a model design), ``drop_first=False`` keeps every level (a balance table);
  unused categories of a pandas Categorical are ignored;
* a date or time column raises, with the fix (derive a number such as months since a date);
* a text column whose values read as numbers with a decimal comma ("30,3") raises, with the
  fix (``decimal=","`` when reading the file);
* a text column with more than :data:`MAX_LEVELS` distinct values raises, naming the column
  and the count; a pandas Categorical is taken as meant and may have more levels;
* a column with missing values raises :class:`~effekt.errors.MissingValueError` (callers
  apply their ``missing=`` policy before encoding).

Examples
--------
>>> import pandas as pd
>>> df = pd.DataFrame({"age": [25, 40, 31], "benefit": ["kh", "dp", "kh"]})
>>> d = encode_covariates(df, ["age", "benefit"], "f")
>>> d.names, d.X.tolist()
(['age', 'benefit_kh'], [[25.0, 1.0], [40.0, 0.0], [31.0, 1.0]])
>>> encode_covariates(df, ["benefit"], "f", drop_first=False).names
['benefit_dp', 'benefit_kh']
"""

from __future__ import annotations

import numbers
import re
from collections.abc import Hashable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse as sp

from .errors import ColumnError, MissingValueError, quote

__all__ = [
    "MAX_LEVELS",
    "Design",
    "check_covariate",
    "check_mixed_types",
    "check_text_column",
    "encode_covariates",
]

#: Most distinct values a text (object/string) covariate may have before it is refused as a
#: probable mistake (a number read as text, an id, a date); a pandas Categorical may have more.
MAX_LEVELS = 100

_DECIMAL_COMMA = re.compile(r"^\s*[-+]?(\d{1,3}(\.\d{3})+|\d+)?,\d+\s*$")


@dataclass(frozen=True)
class Design:
    """An encoded covariate matrix.

    Attributes
    ----------
    X : numpy.ndarray or scipy.sparse.csr_matrix
        One row per data row, one column per numeric covariate or indicator level.
    names : list of str
        Column names: the covariate for numeric columns, ``"<column>_<level>"`` otherwise.
    sources : list
        The covariate each matrix column comes from.
    binary : numpy.ndarray of bool
        Whether each matrix column holds only 0 and 1.
    levels : dict
        For each categorical covariate, its levels in matrix order (all levels, including a
        dropped first one).
    """

    X: np.ndarray | sp.csr_matrix
    names: list[str]
    sources: list[Hashable]
    binary: np.ndarray
    levels: dict[Hashable, list[object]]


def check_text_column(values: pd.Series, column: Hashable, func: str, argument: str) -> None:
    """Refuse a text column that holds numbers with a decimal comma, naming the fix.

    Examples
    --------
    >>> check_text_column(pd.Series(["30,3", "12,0"]), "months", "f", "covariate")
    Traceback (most recent call last):
    ...
    effekt.errors.ColumnError: The covariate 'months' passed to f() is text, but its values read as numbers with a decimal comma (e.g. '30,3'). Read the file with decimal="," (pandas.read_csv(..., sep=";", decimal=",")) so that it becomes numeric, or read it with effekt.read_table(path).
    """
    sample = values.dropna().astype(str).head(1000)
    if len(sample) and sample.str.match(_DECIMAL_COMMA).mean() > 0.9:
        raise ColumnError(
            f"The {argument} {quote(column)} passed to {func}() is text, but its values read as "
            f"numbers with a decimal comma (e.g. {quote(sample.iloc[0])}). Read the file with "
            'decimal="," (pandas.read_csv(..., sep=";", decimal=",")) so that it becomes numeric, or read it with effekt.read_table(path).'
        )


def check_mixed_types(values: pd.Series, column: Hashable, func: str, argument: str) -> None:
    """Refuse a column that mixes numbers and text (``[1, "a", 2.5]``, or ``1`` and ``"1"``).

    Such a column is the mark of a broken export (a spreadsheet that stored some cells as
    text); taken as categories, ``1`` and ``"1"`` would be two levels. Missing values are
    ignored.

    Examples
    --------
    >>> check_mixed_types(pd.Series([1, "1", 2], dtype=object), "benefit", "f", "covariate")
    Traceback (most recent call last):
    ...
    effekt.errors.ColumnError: The covariate 'benefit' passed to f() mixes numbers and text (e.g. 1 and '1'); the same value written both ways would count as two different values. That is usually a broken export: convert the column to one type, numbers with pandas.to_numeric(data['benefit']) or text with data['benefit'].astype(str), or export it again (effekt.read_table reads each column as one type).
    """
    if values.dtype != object:
        return
    if pd.api.types.infer_dtype(values, skipna=True) not in ("mixed", "mixed-integer"):
        return
    number: object = None
    text: str | None = None
    for value in values:
        if isinstance(value, str):
            text = value if text is None else text
        elif isinstance(value, numbers.Number) and not pd.isna(value):
            number = value if number is None else number
        if number is not None and text is not None:
            break
    if number is None or text is None:
        return
    same = ""
    if str(number) == text.strip():
        same = "; the same value written both ways would count as two different values"
    raise ColumnError(
        f"The {argument} {quote(column)} passed to {func}() mixes numbers and text (e.g. "
        f"{quote(number)} and {quote(text)}){same}. That is usually a broken export: convert the "
        f"column to one type, numbers with pandas.to_numeric(data[{quote(column)}]) or text "
        f"with data[{quote(column)}].astype(str), or export it again (effekt.read_table reads "
        "each column as one type)."
    )


def _is_numeric(values: pd.Series) -> bool:
    return bool(values.dtype == bool or pd.api.types.is_numeric_dtype(values))


def check_covariate(values: pd.Series, column: Hashable, func: str, argument: str) -> None:
    """The encoder's checks of one column (missing, dates, infinite, decimal-comma text,
    too many text levels), for callers that encode a column their own way (e.g. CEM bins).

    Examples
    --------
    >>> check_covariate(pd.Series([1.0, 2.0]), "age", "f", "covariate") is None
    True
    """
    if values.isna().any():
        raise MissingValueError(
            f"The {argument} {quote(column)} passed to {func}() has {int(values.isna().sum())} "
            "missing values; drop or impute them, or pass missing='drop'."
        )
    kind = values.dtype.kind
    if kind in "mM" or isinstance(values.dtype, (pd.PeriodDtype, pd.DatetimeTZDtype)):
        raise ColumnError(
            f"The {argument} {quote(column)} passed to {func}() holds dates or times "
            f"(dtype {values.dtype}); a date is not a covariate. Derive a number from it, e.g. "
            "months since the date: (reference_date - data[column]).dt.days / 30.4."
        )
    if _is_numeric(values):
        arr = values.to_numpy(dtype=float)
        if not np.isfinite(arr).all():
            raise ColumnError(
                f"The {argument} {quote(column)} passed to {func}() holds "
                f"{int((~np.isfinite(arr)).sum())} infinite values; replace them with finite ones."
            )
        return
    if not isinstance(values.dtype, pd.CategoricalDtype):
        check_mixed_types(values, column, func, argument)
        check_text_column(values, column, func, argument)
        try:
            n_levels = values.nunique()
        except TypeError:  # lists or dicts in cells
            raise ColumnError(
                f"The {argument} {quote(column)} passed to {func}() holds values that cannot be "
                "compared as levels (lists, dicts or arrays in cells); give one plain value per row."
            ) from None
        if n_levels > MAX_LEVELS:
            raise ColumnError(
                f"The {argument} {quote(column)} passed to {func}() is text with {n_levels} distinct "
                f"values (more than {MAX_LEVELS}); that is usually a number read as text, an id or "
                "a date. Convert it to a number, group rare levels, or, if every level is meant, "
                "convert it with .astype('category')."
            )


def _categorical_codes(values: pd.Series) -> tuple[np.ndarray, list[object]]:
    if isinstance(values.dtype, pd.CategoricalDtype):
        values = values.cat.remove_unused_categories()
    codes, levels = pd.factorize(values, sort=True)
    return codes, list(levels)


def encode_covariates(
    data: pd.DataFrame,
    covariates: Sequence[Hashable],
    func: str,
    *,
    drop_first: bool = True,
    sparse: bool = False,
    argument: str = "covariate",
) -> Design:
    """Encode ``covariates`` of ``data`` as a numeric design (see the module notes).

    Parameters
    ----------
    data : pandas.DataFrame
        The rows to encode; not modified.
    covariates : sequence of column names
        Columns to encode, in order.
    func : str
        Name of the calling public function, for error messages.
    drop_first : bool, default True
        Drop the first level of each categorical column (a model design); ``False`` keeps all
        levels (a balance table).
    sparse : bool, default False
        Return ``X`` as a ``scipy.sparse.csr_matrix`` (useful for many indicator columns).
    argument : str, default "covariate"
        How the columns are named in messages ("covariate", "case-mix column", ...).

    Returns
    -------
    Design

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"x": [1.0, float("inf")]})
    >>> encode_covariates(df, ["x"], "f")
    Traceback (most recent call last):
    ...
    effekt.errors.ColumnError: The covariate 'x' passed to f() holds 1 infinite values; replace them with finite ones.
    """
    n = len(data)
    blocks: list[sp.csr_matrix | np.ndarray] = []
    names: list[str] = []
    sources: list[Hashable] = []
    binary: list[bool] = []
    levels_of: dict[Hashable, list[object]] = {}
    for column in covariates:
        values = data[column]
        check_covariate(values, column, func, argument)
        if _is_numeric(values):
            arr = values.to_numpy(dtype=float)
            blocks.append(sp.csr_matrix(arr[:, None]) if sparse else arr[:, None])
            names.append(str(column))
            sources.append(column)
            binary.append(bool(np.isin(arr, (0.0, 1.0)).all()))
            continue
        codes, levels = _categorical_codes(values)
        if drop_first and len(levels) < 2:
            shown = quote(levels[0]) if levels else "none"
            raise ColumnError(
                f"The {argument} {quote(column)} passed to {func}() has a single value ({shown}); "
                "it carries no information. Remove it."
            )
        first = 1 if drop_first else 0
        k = len(levels) - first
        keep = codes >= first
        rows = np.flatnonzero(keep)
        indicator = sp.csr_matrix(
            (np.ones(rows.size), (rows, codes[keep] - first)), shape=(n, k), dtype=float
        )
        blocks.append(indicator if sparse else indicator.toarray())
        names.extend(f"{column}_{lev}" for lev in levels[first:])
        sources.extend([column] * k)
        binary.extend([True] * k)
        levels_of[column] = levels
    if sparse:
        X: np.ndarray | sp.csr_matrix = (
            sp.hstack(blocks, format="csr") if blocks else sp.csr_matrix((n, 0))
        )
    else:
        X = np.hstack(blocks) if blocks else np.empty((n, 0))
    return Design(X, names, sources, np.array(binary, dtype=bool), levels_of)
