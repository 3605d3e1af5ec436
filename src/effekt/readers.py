"""Reading register extracts and case-system exports: :func:`read_table`.

A CSV exported the Danish way (``;`` separator, decimal comma, thousands dot, UTF-8 with a
byte-order mark or cp1252, dates as dd-mm-yyyy, empty fields) is read with every column in
its dtype; Excel, Parquet, SAS, Stata and SPSS files are read through pandas and their
well-kept readers (openpyxl, pyarrow, pyreadstat as optional extras). What was inferred is
stated in ``frame.attrs["effekt_read"]`` (a :class:`ReadReport`). A column that could be
read two ways (``"1.234"`` with no other hint of the decimal mark, ``"03-04-2024"`` with no
day above 12) is never guessed silently: :func:`read_table` raises and names the argument
that settles it.

Examples
--------
>>> import pathlib, tempfile
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "ledige.csv").write_bytes(
...     "\\ufeffnavn;måneder_ledig;start\\nÅse;30,3;01-02-2024\\nØrn;1.204,5;15-03-2024\\n"
...     .encode("utf-8"))
>>> df = read_table(folder / "ledige.csv")
>>> df.dtypes.astype(str).tolist()[1:]
['float64', 'datetime64[ns]']
>>> df["måneder_ledig"].tolist()
[30.3, 1204.5]
>>> print(df.attrs["effekt_read"].summary().splitlines()[0])
ledige.csv: encoding utf-8-sig, separator ';', decimal ',', thousands '.'
"""

from __future__ import annotations

import csv
import io
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from ._validate import argument_error, check_choice
from .errors import EffektError
from .results import Result

__all__ = ["ReadReport", "read_table"]

Decimal = Literal[",", "."]

_SEPARATORS = ";,\t|"
#: Rows of a text file from which read_table infers how to read each column; the full
#: columns are then parsed by pandas and checked (a value the sample did not foresee sends
#: its column down the exact, value-by-value path).
_SAMPLE_ROWS = 10_000
_SNIFF_BYTES = 65_536
_COMMA_BODY = r"[+-]?(?:\d{1,3}(?:\.\d{3})+|\d+)(?:,\d+)?"
_POINT_BODY = r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
_DATE_ISO_BODY = r"\d{4}-\d{2}-\d{2}"
_INT = re.compile(r"^[+-]?\d+$")
_COMMA_NUMBER = re.compile(r"^[+-]?(\d{1,3}(\.\d{3})+|\d+)(,\d+)?$")
_POINT_NUMBER = re.compile(r"^[+-]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$")
# a decimal mark is certain when it is not followed by exactly three digits ("30,3", "0,25")
_CERTAIN_COMMA = re.compile(r"^[+-]?\d+,(\d{1,2}|\d{4,})$|^[+-]?\d{1,3}(\.\d{3})+,\d+$")
_CERTAIN_POINT = re.compile(r"^[+-]?\d+\.(\d{1,2}|\d{4,})$|^[+-]?\d{1,3}(,\d{3})+\.\d+$")
_DATE_DMY = re.compile(r"^(\d{1,2})[-./](\d{1,2})[-./](\d{4})$")
_DATE_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class ReadReport(Result):
    """What :func:`read_table` inferred about a file: encoding, separator, decimal mark and
    how each column was read.

    Examples
    --------
    >>> r = ReadReport("x.csv", "utf-8", ";", ",", ".", (("a", "float64", "decimal comma"),))
    >>> r.to_frame()["dtype"].tolist()
    ['float64']
    """

    file: str
    encoding: str
    separator: str
    decimal: str
    thousands: str
    columns: tuple[tuple[str, str, str], ...]
    notes: tuple[str, ...] = ()

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame(list(self.columns), columns=["column", "dtype", "read_as"])

    def summary(self) -> str:
        head = (
            f"{self.file}: encoding {self.encoding}, separator {self.separator!r}, "
            f"decimal {self.decimal!r}, thousands {self.thousands!r}"
        )
        rows = [f"  {c}: {d} ({how})" for c, d, how in self.columns]
        return "\n".join([head, *rows, *(f"  note: {n}" for n in self.notes)])

    def _html_title(self) -> str:
        return self.summary().splitlines()[0]


def read_table(
    path: str | Path,
    *,
    sep: str | None = None,
    decimal: Decimal | None = None,
    encoding: str | None = None,
    dayfirst: bool | None = None,
    sheet: str | int = 0,
) -> pd.DataFrame:
    """Read a CSV/TXT, Excel, Parquet, SAS, Stata or SPSS file into a DataFrame.

    Parameters
    ----------
    path : str or Path
        The file. Its suffix picks the reader: ``.csv``/``.txt``/``.tsv``, ``.xlsx``/``.xls``,
        ``.parquet``, ``.sas7bdat``/``.xpt``, ``.dta``, ``.sav``/``.zsav``/``.por``.
    sep : str, optional
        Field separator of a text file; sniffed among ``; , tab |`` when omitted.
    decimal : {",", "."}, optional
        Decimal mark of numbers written as text; inferred from values such as ``"30,3"``
        when omitted (the other mark is then the thousands separator).
    encoding : str, optional
        Text encoding; UTF-8 (with or without byte-order mark) is tried first, then cp1252.
    dayfirst : bool, optional
        Whether dates like ``03-04-2024`` are day first (Danish, ``True``) or month first.
        Inferred from the values when omitted (a day above 12); when the values cannot
        tell, Danish day-first is used if the file's decimal mark is a comma, and
        otherwise :func:`read_table` raises.
    sheet : str or int
        Sheet of an Excel file (default the first).

    Returns
    -------
    pandas.DataFrame
        Numbers as ``int64``/``float64`` (``Int64`` for whole numbers with missing
        values), dates as ``datetime64[ns]``, everything else as text; empty fields are
        missing. ``attrs["effekt_read"]`` is a :class:`ReadReport` of what was inferred.

    Raises
    ------
    EffektError
        The file does not exist, its format is unknown, an optional reader is not
        installed, or a column could be read two ways and the argument that settles it
        (``decimal=``, ``dayfirst=``, ``sep=``) was not given.

    Notes
    -----
    A text file is read in two passes. How to read each column (number, number with a
    thousands separator, date, text) and the decimal mark are inferred from the first
    10,000 rows; pandas then parses the whole file with those options, and every value is
    checked against what the sample promised (one regular-expression search over a
    column's joined text; dates as character codes). A column where a later value does not
    fit -- text after numbers, a misplaced thousands separator, a date the sample could not
    place -- is read again value by value, exactly as if the whole file had been the
    sample, so the result never depends on where a surprise sits in the file.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "a.csv"
    >>> _ = p.write_text("id;løn\\n1;25.000,50\\n2;\\n", encoding="cp1252")
    >>> df = read_table(p)
    >>> df["løn"].tolist()[0], df.attrs["effekt_read"].encoding
    (25000.5, 'cp1252')
    """
    if isinstance(path, bool) or not isinstance(path, (str, os.PathLike)) or not str(path):
        raise argument_error("read_table", "path", "a file name or path", type(path).__name__)
    if sep is not None and (not isinstance(sep, str) or len(sep) != 1):
        raise argument_error("read_table", "sep", "one character such as ';' or ',' (or None)", sep)
    check_choice(decimal, "decimal", "read_table", (None, ",", "."))
    check_choice(dayfirst, "dayfirst", "read_table", (None, True, False))
    path = Path(path)
    if not path.is_file():
        raise EffektError(f"The path passed to read_table() does not exist: {str(path)!r}.")
    suffix = path.suffix.lower()
    if suffix in {".csv", ".txt", ".tsv"}:
        return _read_text(path, sep, decimal, encoding, dayfirst)
    frame = _read_binary(path, suffix, sheet)
    return _finish(frame, path.name, "binary", "", decimal, dayfirst)


def _read_binary(path: Path, suffix: str, sheet: str | int) -> pd.DataFrame:
    readers = {
        ".xlsx": ("openpyxl", lambda: pd.read_excel(path, sheet_name=sheet, dtype=object)),
        ".xlsm": ("openpyxl", lambda: pd.read_excel(path, sheet_name=sheet, dtype=object)),
        ".xls": ("xlrd", lambda: pd.read_excel(path, sheet_name=sheet, dtype=object)),
        ".parquet": ("pyarrow", lambda: pd.read_parquet(path)),
        ".sas7bdat": ("", lambda: pd.read_sas(path, encoding="latin-1")),
        ".xpt": ("", lambda: pd.read_sas(path, format="xport", encoding="latin-1")),
        ".dta": ("", lambda: pd.read_stata(path)),
        ".sav": ("pyreadstat", lambda: pd.read_spss(path)),
        ".zsav": ("pyreadstat", lambda: pd.read_spss(path)),
        ".por": ("pyreadstat", lambda: pd.read_spss(path)),
    }
    if suffix not in readers:
        raise EffektError(
            f"read_table() does not know the file type {suffix!r} of {path.name!r}; "
            f"use one of {', '.join(['.csv', '.txt', '.tsv', *readers])}."
        )
    package, read = readers[suffix]
    if package:
        try:
            __import__(package)
        except ImportError:
            raise EffektError(
                f"Reading {path.name!r} needs the package {package!r}; install it with "
                f"pip install 'effekt[{_EXTRA.get(package, 'formats')}]' (or pip install {package})."
            ) from None
    return read()


_EXTRA = {"openpyxl": "excel", "pyarrow": "formats", "pyreadstat": "formats", "xlrd": "formats"}


def _read_text(
    path: Path,
    sep: str | None,
    decimal: Decimal | None,
    encoding: str | None,
    dayfirst: bool | None,
) -> pd.DataFrame:
    raw = path.read_bytes()
    encoding = _decode(raw, encoding)
    if sep is None:
        head = raw[:_SNIFF_BYTES].decode(encoding, errors="ignore")
        if len(raw) > _SNIFF_BYTES:  # whole lines only
            head = head[: head.rfind("\n") + 1] or head
        sep = _sniff_separator(head, path.name)
    options: dict[str, Any] = dict(
        sep=sep, encoding=encoding, keep_default_na=False, na_values=[""]
    )
    sample = pd.read_csv(io.BytesIO(raw), dtype=str, nrows=_SAMPLE_ROWS, **options)
    strings = {c: _strings(sample[c]) for c in sample.columns}
    decimal, how_decimal = _infer_decimal(strings, decimal, path.name)
    certain = how_decimal != "no decimals seen"
    kinds = {c: _kind(s, decimal, certain) for c, s in strings.items()}
    frame = pd.read_csv(
        io.BytesIO(raw),
        dtype={c: str for c, k in kinds.items() if k != "number"},
        decimal=decimal,
        **options,
    )
    plan = _Plan(path.name, decimal, certain, dayfirst, kinds, raw, options)
    return _finish_text(frame, plan, encoding, sep, how_decimal)


@dataclass
class _Plan:
    """What the sample of a text file said, and how to re-read its columns exactly."""

    name: str
    decimal: Decimal
    certain: bool
    dayfirst: bool | None
    kinds: dict[Any, str]
    raw: bytes
    options: dict[str, Any]

    def strings_of(self, columns: list[Any]) -> pd.DataFrame:
        """The columns read again as text: the exact path for a column the sample misled."""
        return pd.read_csv(io.BytesIO(self.raw), dtype=str, usecols=columns, **self.options)


def _kind(s: pd.Series, decimal: Decimal, certain: bool) -> str:
    """How the sample says a column should be read in full.

    ``"number"`` (pandas parses it: digits and at most the decimal mark), ``"grouped"``
    (numbers with a thousands separator: checked and converted here), ``"dmy"``/``"iso"``
    (dates), ``"text"``, or ``"exact"`` (the sample cannot tell: every value is checked
    as before).
    """
    if s.empty:
        return "exact"
    if _all_match(s, _INT):
        return "number"
    number = _COMMA_NUMBER if decimal == "," else _POINT_NUMBER
    if _all_match(s, number):
        if not certain:
            return "exact"
        thousands = "." if decimal == "," else ","
        return "grouped" if s.str.contains(thousands, regex=False).any() else "number"
    if _all_match(s, _DATE_DMY):
        return "dmy"
    if _all_match(s, _DATE_ISO):
        return "iso"
    return "text"


def _finish_text(
    frame: pd.DataFrame, plan: _Plan, encoding: str, sep: str, how_decimal: str
) -> pd.DataFrame:
    done = {c: _fast_column(frame[c], c, plan) for c in frame.columns}
    exact = [c for c, d in done.items() if d is None]
    if exact:
        parsed = [c for c in exact if plan.kinds[c] == "number"]  # not kept as text
        again = plan.strings_of(parsed) if parsed else frame
        texts = {c: again[c] if c in parsed else frame[c] for c in exact}
        strings = {c: _strings(texts[c]) for c in exact}
        how_decimal = _settle_decimal(strings, plan) or how_decimal
        for c in exact:
            done[c] = _convert(
                texts[c], strings[c], c, plan.decimal, plan.certain, plan.dayfirst, plan.name
            )
    converted = [d for d in done.values() if d is not None]  # every column, by now
    out = pd.concat([d[0] for d in converted], axis=1, keys=list(range(len(converted))))
    out.columns = [str(c).strip() for c in frame.columns]
    rows = [
        (str(c), str(out.dtypes.iloc[i]), d[1])
        for i, (c, d) in enumerate(zip(out.columns, converted, strict=True))
    ]
    notes = [d[2] for d in converted if d[2]]
    if len(frame) > _SAMPLE_ROWS:
        notes.append(
            f"how to read each column was inferred from the first {_SAMPLE_ROWS:,} rows "
            f"and checked on all {len(frame):,}"
        )
    notes.append(how_decimal or "decimal mark given")
    thousands = "." if plan.decimal == "," else ","
    report = ReadReport(
        plan.name, encoding, sep, plan.decimal, thousands, tuple(rows), tuple(notes)
    )
    out.attrs["effekt_read"] = report
    return out


def _settle_decimal(strings: dict[Any, pd.Series], plan: _Plan) -> str:
    """Let the full text of the re-checked columns settle or contradict the sample's mark."""
    found, how = _infer_decimal(strings, None, plan.name)
    if how == "no decimals seen":
        return ""
    if plan.certain:
        if found != plan.decimal:
            column = how.rsplit(" ", 1)[-1]
            raise EffektError(
                f"read_table() finds decimal {'commas' if found == ',' else 'points'} in column "
                f"{column} of {plan.name!r}, unlike the rest of the file; pass decimal=',' or decimal='.'."
            )
        return ""
    plan.decimal, plan.certain = found, True
    return how


Converted = tuple[pd.Series, str, str]


def _fast_column(values: pd.Series, col: Any, plan: _Plan) -> Converted | None:
    """The column converted by its sampled kind after checking every value, or ``None``
    when a value does not fit (then the exact, value-by-value path decides)."""
    kind = plan.kinds[col]
    if kind == "number":
        return _parsed_number(values, plan)
    if kind == "text":
        return _text(values, col)
    present = values.dropna()
    if present.empty:
        return None
    strings = present.tolist()
    if kind == "grouped":
        numbers = _grouped_numbers(strings, plan.decimal)
        if numbers is None:
            return None
        return _numbers_result(numbers.set_axis(present.index).reindex(values.index), plan)
    if kind == "dmy":
        return _dmy_dates(values, present, strings, col, plan)
    if kind == "iso" and _every(strings, _DATE_ISO_BODY):
        try:
            dates = np.array(strings, dtype="datetime64[D]").astype("datetime64[ns]")
        except ValueError:
            return None
        series = pd.Series(dates, index=present.index).reindex(values.index)
        return series, "date yyyy-mm-dd", ""
    return None


def _parsed_number(values: pd.Series, plan: _Plan) -> Converted | None:
    """A column pandas parsed as numbers (digits and at most the decimal mark, no
    thousands separator): exact, unless the file's decimal mark was not settled."""
    if values.dtype == np.int64:
        return values, "whole numbers", ""
    if values.dtype != np.float64 or not plan.certain or np.isinf(values).any():
        return None
    return _numbers_result(values, plan)


def _numbers_result(numbers: pd.Series, plan: _Plan) -> Converted:
    present = numbers.dropna()
    if numbers.dtype == np.int64 or (
        present.size < numbers.size and bool((present == np.round(present)).all())
    ):
        if present.size < numbers.size:
            return numbers.astype("Int64"), "whole numbers (missing kept)", ""
        return numbers.astype("int64"), "whole numbers", ""
    mark = "decimal comma" if plan.decimal == "," else "decimal point"
    return numbers.astype(float), mark, ""


def _grouped_numbers(strings: list[str], decimal: Decimal) -> pd.Series | None:
    """Numbers with a thousands separator, after proving every one is grouped by three."""
    body = _COMMA_BODY if decimal == "," else _POINT_BODY
    if not _every(strings, body):
        return None
    thousands = "." if decimal == "," else ","
    parsed = pd.read_csv(
        io.StringIO("\n".join(strings)),
        header=None,
        names=["x"],
        sep="\t",
        decimal=decimal,
        thousands=thousands,
    )["x"]
    return parsed if len(parsed) == len(strings) else None


def _every(strings: list[str], body: str) -> bool:
    """Whether every string is a whole match of the pattern ``body``: one regular-expression
    search over the joined values instead of one match per value."""
    joined = "\n".join(strings)
    if joined.count("\n") != len(strings) - 1:  # a value with a line break of its own
        return False
    return re.search(rf"^(?!(?:{body})$)", joined, flags=re.MULTILINE) is None


def _dmy_dates(
    values: pd.Series, present: pd.Series, strings: list[str], col: Any, plan: _Plan
) -> Converted | None:
    """dd-mm-yyyy dates written with two-digit days and months, read as character codes."""
    joined = "".join(strings)
    if len(joined) != 10 * len(strings) or not joined.isascii():
        return None
    codes = np.frombuffer(joined.encode("ascii"), dtype=np.uint8).reshape(-1, 10)
    digits = codes[:, [0, 1, 3, 4, 6, 7, 8, 9]].astype(np.int64) - ord("0")
    marks = codes[:, [2, 5]]
    if (digits < 0).any() or (digits > 9).any() or not np.isin(marks, list(b"-./")).all():
        return None
    first, second = digits[:, 0] * 10 + digits[:, 1], digits[:, 2] * 10 + digits[:, 3]
    year = digits[:, 4:] @ np.array([1000, 100, 10, 1])
    dayfirst = _dayfirst(
        bool((first > 12).any()),
        bool((second > 12).any()),
        strings[0],
        col,
        plan.dayfirst,
        plan.decimal,
        plan.name,
    )
    day, month = (first, second) if dayfirst else (second, first)
    months = ((year - 1970) * 12 + month - 1).astype("datetime64[M]")
    dates = months.astype("datetime64[D]") + (day - 1)
    if (
        (month < 1).any()
        or (month > 12).any()
        or (day < 1).any()
        or (dates.astype("datetime64[M]") != months).any()
    ):
        return None  # an impossible date: the exact path names it
    series = pd.Series(dates.astype("datetime64[ns]"), index=present.index)
    return series.reindex(values.index), "date dd-mm-yyyy" if dayfirst else "date mm-dd-yyyy", ""


def _text(values: pd.Series, col: Any) -> Converted:
    sample = _strings(values.head(_SAMPLE_ROWS))
    looks_numeric = sample.str.match(_COMMA_NUMBER) | sample.str.match(_POINT_NUMBER)
    if sample.empty or looks_numeric.mean() < 0.8:
        return values, "text", ""
    strings = _strings(values)
    looks_numeric = strings.str.match(_COMMA_NUMBER) | strings.str.match(_POINT_NUMBER)
    bad = strings[~looks_numeric]
    if looks_numeric.mean() < 0.8 or bad.empty:
        return values, "text", ""
    note = (
        f"column {col!r} is mostly numbers but {len(bad)} values are not "
        f"(e.g. {bad.iloc[0]!r}); kept as text"
    )
    return values, "text", note


def _decode(raw: bytes, encoding: str | None) -> str:
    """The file's encoding, after checking that all of it decodes."""
    if encoding is not None:
        raw.decode(encoding)
        return encoding
    if raw.startswith(b"\xef\xbb\xbf"):
        raw.decode("utf-8-sig")
        return "utf-8-sig"
    for candidate in ("utf-8", "cp1252"):
        try:
            raw.decode(candidate)
            return candidate
        except UnicodeDecodeError:
            pass
    return "latin-1"


def _sniff_separator(text: str, name: str) -> str:
    lines = [line for line in text.splitlines()[:50] if line.strip()]
    try:
        return csv.Sniffer().sniff("\n".join(lines), delimiters=_SEPARATORS).delimiter
    except csv.Error:
        pass
    # fall back: the candidate that splits every line into the same number (> 1) of fields
    fits = [
        s for s in _SEPARATORS if len({line.count(s) for line in lines}) == 1 and lines[0].count(s)
    ]
    if len(fits) == 1:
        return fits[0]
    if not fits and len(lines) > 0:
        return ";"  # a single column: the separator does not matter
    raise EffektError(
        f"read_table() cannot tell the separator of {name!r} (candidates {fits}); pass sep=';' or sep=','."
    )


def _finish(
    frame: pd.DataFrame,
    name: str,
    encoding: str,
    sep: str,
    decimal: Decimal | None,
    dayfirst: bool | None,
) -> pd.DataFrame:
    strings = {c: _strings(frame[c]) for c in frame.columns if _is_text(frame[c])}
    decimal, how_decimal = _infer_decimal(strings, decimal, name)
    certain = how_decimal != "no decimals seen"
    thousands = "." if decimal == "," else ","
    out = frame.copy()
    rows: list[tuple[str, str, str]] = []
    notes: list[str] = []
    for col in frame.columns:
        if col in strings:
            out[col], how, note = _convert(
                frame[col], strings[col], col, decimal, certain, dayfirst, name
            )
            if note:
                notes.append(note)
        else:
            how = "as stored"
        rows.append((str(col), str(out[col].dtype), how))
    notes.append(how_decimal or "decimal mark given")
    report = ReadReport(name, encoding, sep, decimal, thousands, tuple(rows), tuple(notes))
    out.attrs["effekt_read"] = report
    return out


def _is_text(values: pd.Series) -> bool:
    return values.dtype == object or isinstance(values.dtype, pd.StringDtype)


def _strings(values: pd.Series) -> pd.Series:
    """The present values, stripped, when they are all text; else an empty text Series."""
    present = values.dropna()
    if pd.api.types.infer_dtype(present, skipna=True) not in ("string", "empty"):
        return pd.Series([], dtype=object)
    return present.astype(str).str.strip()


def _all_match(s: pd.Series, pattern: re.Pattern[str]) -> bool:
    """Whether every value matches (the first thousand are tried first: text fails fast)."""
    if not s.head(1000).str.match(pattern).all():
        return False
    return bool(s.str.match(pattern).all())


def _infer_decimal(
    strings: dict[Any, pd.Series], decimal: Decimal | None, name: str
) -> tuple[Decimal, str]:
    if decimal is not None:
        if decimal not in (",", "."):
            raise EffektError(
                f"The 'decimal' argument of read_table() must be ',' or '.'; got {decimal!r}."
            )
        return decimal, ""
    comma, point = [], []
    for col, s in strings.items():
        if s.empty or _all_match(s, _INT):  # whole numbers say nothing about the mark
            continue
        if _all_match(s, _COMMA_NUMBER) and s.str.match(_CERTAIN_COMMA).any():
            comma.append(col)
        if _all_match(s, _POINT_NUMBER) and s.str.match(_CERTAIN_POINT).any():
            point.append(col)
    if comma and point:
        raise EffektError(
            f"read_table() finds decimal commas in {comma[0]!r} and decimal points in "
            f"{point[0]!r} of {name!r}; pass decimal=',' or decimal='.'."
        )
    if comma:
        return ",", f"decimal comma inferred from column {comma[0]!r}"
    return ".", f"decimal point inferred from column {point[0]!r}" if point else "no decimals seen"


def _convert(
    values: pd.Series,
    s: pd.Series,
    col: str,
    decimal: Decimal,
    certain: bool,
    dayfirst: bool | None,
    name: str,
) -> tuple[pd.Series, str, str]:
    if values.isna().all():
        return values.astype(float), "empty", f"column {col!r} is empty; read as missing numbers"
    if s.empty:  # not all text (an Excel column of numbers or dates): keep the stored values
        converted = values.infer_objects()
        how = "as stored" if converted.dtype != object else "mixed values kept"
        return converted, how, ""
    number = _COMMA_NUMBER if decimal == "," else _POINT_NUMBER
    if _all_match(s, number):
        return _to_number(values, s, decimal, certain, col, name)
    if _all_match(s, _DATE_DMY):
        return _to_date(values, s, col, dayfirst, decimal, name)
    if _all_match(s, _DATE_ISO):
        return pd.to_datetime(values, format="%Y-%m-%d"), "date yyyy-mm-dd", ""
    note = ""
    looks_numeric = s.str.match(_COMMA_NUMBER) | s.str.match(_POINT_NUMBER)
    if looks_numeric.all():  # every value a number, but not all written one way
        odd = s[~s.str.match(number)].iloc[0]
        raise EffektError(
            f"Column {col!r} of {name!r} mixes ways of writing numbers: {odd!r} does not use "
            f"the file's decimal mark {decimal!r}; correct the value or pass decimal=',' or decimal='.'."
        )
    if looks_numeric.mean() >= 0.8:
        bad = s[~looks_numeric]
        note = (
            f"column {col!r} is mostly numbers but {len(bad)} values are not "
            f"(e.g. {bad.iloc[0]!r}); kept as text"
        )
    return values, "text", note


def _to_number(
    values: pd.Series, s: pd.Series, decimal: Decimal, certain: bool, col: str, name: str
) -> tuple[pd.Series, str, str]:
    thousands = "." if decimal == "," else ","
    if not certain and s.str.contains(r"[.,]", regex=True).any():
        example = s[s.str.contains(r"[.,]", regex=True)].iloc[0]
        raise EffektError(
            f"read_table() cannot tell whether {example!r} in column {col!r} of {name!r} "
            "has a thousands separator or a decimal mark; pass decimal=',' or decimal='.'."
        )
    cleaned = s.str.replace(thousands, "", regex=False).str.replace(decimal, ".", regex=False)
    numbers = pd.to_numeric(cleaned).reindex(values.index)
    if not cleaned.str.contains(".", regex=False).any():
        if numbers.isna().any():
            return numbers.astype("Int64"), "whole numbers (missing kept)", ""
        return numbers.astype("int64"), "whole numbers", ""
    mark = "decimal comma" if decimal == "," else "decimal point"
    return numbers.astype(float), mark, ""


def _to_date(
    values: pd.Series, s: pd.Series, col: str, dayfirst: bool | None, decimal: Decimal, name: str
) -> tuple[pd.Series, str, str]:
    parts = s.str.extract(_DATE_DMY).astype(int)
    first_big, second_big = bool((parts[0] > 12).any()), bool((parts[1] > 12).any())
    dayfirst = _dayfirst(first_big, second_big, s.iloc[0], col, dayfirst, decimal, name)
    normalised = s.str.replace(r"[./]", "-", regex=True).reindex(values.index)
    fmt = "%d-%m-%Y" if dayfirst else "%m-%d-%Y"
    try:
        dates = pd.to_datetime(normalised, format=fmt)
    except ValueError as exc:
        raise EffektError(
            f"Column {col!r} of {name!r} looks like dates but does not parse as {fmt}: {exc}; "
            "pass dayfirst= or read it as text."
        ) from None
    return dates.astype("datetime64[ns]"), "date dd-mm-yyyy" if dayfirst else "date mm-dd-yyyy", ""


def _dayfirst(
    first_big: bool,
    second_big: bool,
    example: str,
    col: Any,
    dayfirst: bool | None,
    decimal: Decimal,
    name: str,
) -> bool:
    """Day first or month first: as given, else as a number above 12 shows, else Danish
    day-first in a decimal-comma file; otherwise the column is ambiguous and raises."""
    if dayfirst is not None:
        return dayfirst
    if first_big and second_big:
        raise EffektError(
            f"Column {col!r} of {name!r} holds dates that are neither day-first nor month-first; "
            "read it as text with pandas and parse it yourself."
        )
    if first_big or second_big:
        return first_big
    if decimal == ",":
        return True
    raise EffektError(
        f"read_table() cannot tell whether the dates in column {col!r} of {name!r} "
        f"(e.g. {example!r}) are day-first or month-first; pass dayfirst=True (Danish) or dayfirst=False."
    )
