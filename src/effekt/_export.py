"""Writing result tables for people: Excel workbooks and CSV files Danish Excel opens."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import pandas as pd

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


def checked_path(path: object, func: str) -> Path:
    """``path`` as a :class:`Path`; anything but a non-empty string or path is refused."""
    if not isinstance(path, (str, Path)) or not str(path).strip():
        raise EffektError(
            f"The 'path' argument of {func}() must be a file name or a pathlib.Path; got {path!r}."
        )
    return Path(path)


def write_csv(frame: pd.DataFrame, path: str | Path, dialect: str, func: str) -> Path:
    """Write ``frame`` as CSV in ``dialect``; returns the path."""
    if not isinstance(dialect, str) or dialect not in DIALECTS:
        raise EffektError(
            f"The 'dialect' argument of {func}() must be one of {sorted(DIALECTS)}; got {dialect!r}."
        )
    sep, decimal, encoding = DIALECTS[dialect]
    path = checked_path(path, func)
    frame.to_csv(path, sep=sep, decimal=decimal, encoding=encoding, index=False)
    return path


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
    path = checked_path(path, func)
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        for name, frame in sheets.items():
            frame.to_excel(writer, sheet_name=name[:31], index=False)
            sheet = writer.sheets[name[:31]]
            _format_sheet(sheet, frame, percent)
    return path


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
