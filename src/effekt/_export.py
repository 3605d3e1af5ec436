"""Writing result tables for people: Excel workbooks and CSV files Danish Excel opens."""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from ._validate import argument_error, check_choice
from .errors import EffektError

Dialect = Literal["excel-da", "excel", "plain"]

#: separator, decimal mark and encoding of each CSV dialect
DIALECTS: dict[str, tuple[str, str, str]] = {
    "excel-da": (";", ",", "utf-8-sig"),
    "excel": (",", ".", "utf-8-sig"),
    "plain": (",", ".", "utf-8"),
}

#: columns that hold fractions (shares, effects on shares, relative changes)
_RELATIVE = ("relative_change", "relative_change_ci_low", "relative_change_ci_high")
_SHARES = ("estimate", "ci_low", "ci_high", "mean_treated", "mean_control")


def check_output_path(
    path: Any, func: str, argument: str = "path", *, suffixes: Sequence[str] = ()
) -> Path:
    """A file to write: a non-empty str or path, not a folder, in a folder that exists, with
    one of ``suffixes`` (lower case, when given).

    Examples
    --------
    >>> check_output_path("", "to_csv")
    Traceback (most recent call last):
    ...
    effekt.errors.EffektError: The 'path' argument of to_csv() must be a file name or path (a str or pathlib.Path); got ''.
    """
    if isinstance(path, bool) or not isinstance(path, (str, os.PathLike)) or not str(path).strip():
        shown = path if isinstance(path, str) else type(path).__name__
        raise argument_error(func, argument, "a file name or path (a str or pathlib.Path)", shown)
    out = Path(path)
    if suffixes and out.suffix.lower() not in suffixes:
        raise argument_error(func, argument, "a file ending in " + " or ".join(suffixes), str(out))
    if out.is_dir():
        raise EffektError(
            f"The '{argument}' argument of {func}() is the folder {str(out)!r}; give a file name "
            "inside it."
        )
    if not out.parent.is_dir():
        raise EffektError(
            f"The '{argument}' argument of {func}(): the folder {str(out.parent)!r} does not "
            "exist; create it first."
        )
    return out


@contextmanager
def writing(path: Path, func: str) -> Iterator[None]:
    """Turn an operating-system error while writing ``path`` into an :class:`EffektError`."""
    try:
        yield
    except OSError as err:
        raise EffektError(
            f"{func}() could not write {str(path)!r}: {err.strerror or err}. Check that the "
            "folder is writable and that the file is not open in another program (Excel)."
        ) from None


def write_csv(frame: pd.DataFrame, path: str | Path, dialect: str, func: str) -> Path:
    """Write ``frame`` as CSV in ``dialect``; returns the path."""
    check_choice(dialect, "dialect", func, list(DIALECTS))
    sep, decimal, encoding = DIALECTS[dialect]
    out = check_output_path(path, func)
    with writing(out, func):
        frame.to_csv(out, sep=sep, decimal=decimal, encoding=encoding, index=False)
    return out


def write_excel(
    sheets: dict[str, pd.DataFrame], path: str | Path, func: str, percent: bool = True
) -> Path:
    """Write each frame to a sheet; numbers stay numbers, shares get a percent format."""
    try:
        import openpyxl  # noqa: F401
    except ImportError:
        raise EffektError(
            f"{func}() needs the package 'openpyxl'; install it with pip install 'effekt[excel]'."
        ) from None
    out = check_output_path(path, func)
    with writing(out, func), pd.ExcelWriter(out, engine="openpyxl") as writer:
        for name, frame in sheets.items():
            frame.to_excel(writer, sheet_name=name[:31], index=False)
            sheet = writer.sheets[name[:31]]
            _format_sheet(sheet, frame, percent)
    return out


def _format_sheet(sheet, frame: pd.DataFrame, percent: bool) -> None:  # type: ignore[no-untyped-def]
    proportion = (
        (frame["scale"] == "proportion").to_numpy()
        if "scale" in frame.columns
        else [False] * len(frame)
    )
    for j, col in enumerate(frame.columns, start=1):
        width = max([len(str(col))] + [len(str(v)) for v in frame[col].head(200)])
        sheet.column_dimensions[sheet.cell(1, j).column_letter].width = min(width + 2, 60)
        if not pd.api.types.is_numeric_dtype(frame[col]) or not percent:
            continue
        for i in range(len(frame)):
            cell = sheet.cell(i + 2, j)
            if col in _RELATIVE or (col in _SHARES and proportion[i]):
                cell.number_format = "0.0%"
            elif col == "pvalue" or col.startswith("pvalue_"):
                cell.number_format = "0.000"
