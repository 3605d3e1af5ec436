"""Registers larger than memory: :func:`scan` reads Parquet and CSV files with DuckDB.

:func:`scan` returns a lazy DuckDB relation. Nothing is read when it is made (a Parquet
file's metadata and a CSV file's first rows aside); every effekt function accepts the
relation as ``data`` and asks DuckDB for only the columns, or only the aggregates, it needs,
so a person-week panel of 2·10⁸ rows never has to fit in a pandas DataFrame.

DuckDB is an optional extra: ``pip install "effekt[duckdb]"``.

Examples
--------
>>> import pathlib, tempfile
>>> import pandas as pd
>>> import effekt as ef
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> trial = pd.DataFrame({"job": [1, 0, 1, 1, 0, 0], "mentor": [1, 1, 1, 0, 0, 0]})
>>> trial.to_parquet(folder / "trial.parquet")
>>> weeks = ef.scan(folder / "trial.parquet")
>>> round(ef.rct.difference_in_means(weeks, "job", "mentor").estimate, 3)
0.333
"""

from __future__ import annotations

import glob
import os
import re
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from .errors import EffektError

if TYPE_CHECKING:
    import duckdb

__all__ = ["DEFAULT_MEMORY_LIMIT", "scan"]

#: DuckDB's own default is 80 % of the machine's memory, too much on a server shared by
#: several analysts; aggregations over registers stay far below this and spill beyond it.
DEFAULT_MEMORY_LIMIT = "1GB"

_PARQUET = (".parquet", ".parq", ".pq")
_CSV = (".csv", ".txt", ".tsv", ".csv.gz", ".txt.gz", ".tsv.gz", ".csv.zst")
#: Encodings DuckDB's CSV reader decodes itself (more need its `encodings` extension, which
#: it downloads on first use; effekt never downloads anything).
_ENCODINGS = {"utf-8": "utf-8", "utf-8-sig": "utf-8", "utf8": "utf-8", "latin-1": "latin-1"}
_ENCODINGS |= {"iso-8859-1": "latin-1", "utf-16": "utf-16"}
_MEMORY = re.compile(r"^\s*\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)\s*$", re.IGNORECASE)

_DEFAULT_CONNECTION: Any = None


def scan(
    path: str | Path | Sequence[str | Path],
    *,
    sep: str | None = None,
    decimal: Literal[",", "."] | None = None,
    encoding: str | None = None,
    memory_limit: str = DEFAULT_MEMORY_LIMIT,
    threads: int | None = None,
    temp_directory: str | Path | None = None,
    connection: Any = None,
) -> duckdb.DuckDBPyRelation:
    """Read Parquet or CSV files larger than memory as a lazy DuckDB relation.

    Pass the result as ``data`` to any effekt function: estimators that reduce to counts and
    sums run their group-by in DuckDB and bring only the aggregates into Python; estimators
    that need unit-level rows collect only the columns they use.

    Parameters
    ----------
    path : str, Path or list of them
        A Parquet file (``.parquet``), a glob of them (``"dream/*.parquet"``,
        ``"dream/**/*.parquet"``), a directory (every Parquet file below it; hive partitions
        such as ``year=2024/`` become columns), or a CSV file (``.csv``, ``.txt``, ``.tsv``,
        also gzip-compressed) or a glob of CSV files with the same columns.
    sep : str, optional
        Field separator of a CSV file. When omitted, ``;`` is used if the first line holds
        more semicolons than commas and tabs (the Danish Excel export), otherwise DuckDB
        sniffs it.
    decimal : {",", "."}, optional
        Decimal mark of numbers in a CSV file. Default ``","`` with the ``;`` separator and
        ``"."`` otherwise.
    encoding : str, optional
        Text encoding of a CSV file: ``"utf-8"`` (default; a byte-order mark is skipped),
        ``"latin-1"`` or ``"utf-16"``. For a Windows ``cp1252`` export pass ``"latin-1"``:
        the two agree on every letter, æ, ø and å included, and differ only in ``€`` and
        typographic quotes.
    memory_limit : str
        Most memory DuckDB may hold (``"2GB"``, ``"500MB"``, ``"8GiB"``); beyond it
        DuckDB spills to ``temp_directory``. Default ``"1GB"``: on a 2-core, 24 GB
        analyst server shared by several people this leaves room for everyone; the
        process then stays under 2 GB on the 2·10⁸-row benchmark (the engine's limit is
        not a cap on the whole process: Python and the collected aggregates come on top).
    threads : int, optional
        Threads DuckDB may use; default the machine's cores (``os.cpu_count()``). Lower it
        on a shared server, and with it memory: every thread holds its own buffers.
    temp_directory : str or Path, optional
        Folder where DuckDB spills what exceeds ``memory_limit``; default
        ``effekt-duckdb`` in the system's temporary folder (``tempfile.gettempdir()``),
        not DuckDB's ``.tmp`` in the current folder, which may be a network drive. Point
        it at a local disk with room (a sort of 2·10⁸ rows may spill tens of GB).
    connection : duckdb.DuckDBPyConnection, optional
        The DuckDB connection to read with (to join the relation with your own tables).
        Default one in-memory connection that every :func:`scan` shares, so that scans
        can be joined. ``memory_limit``, ``threads`` and ``temp_directory`` are set on the
        connection and hold for every relation made with it.

    Returns
    -------
    duckdb.DuckDBPyRelation
        A lazy relation over the files; DuckDB reads them when an effekt function (or
        ``.df()``, ``.pl()``, ``.fetchall()``) asks for rows.

    Raises
    ------
    EffektError
        DuckDB is not installed (install ``effekt[duckdb]``), the path matches no file, its
        format is unknown, an argument is out of range, or DuckDB cannot read the file.

    Notes
    -----
    DuckDB's ``read_csv`` covers what Danish exports need: the ``;`` separator
    (``delim``), the decimal comma (``decimal_separator``), a UTF-8 byte-order mark,
    dates written ``dd-mm-yyyy`` (sniffed) and empty fields as missing values. It does not
    read thousands separators safely (``"1.5"`` would become 15), so a column written
    ``1.204,5`` stays text and an estimator that uses it says so; re-export it without
    thousands separators, or read a file that fits in memory with
    :func:`effekt.read_table`, which infers them.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> import pandas as pd
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> pd.DataFrame({"person": [1, 2, 3], "job": [0, 1, 1]}).to_parquet(folder / "a.parquet")
    >>> rel = scan(folder / "a.parquet", memory_limit="1GB", threads=1)
    >>> rel.columns
    ['person', 'job']
    >>> rel.aggregate("sum(job)").fetchall()
    [(2,)]
    """
    duckdb = _import_duckdb()
    files = _paths(path)
    kind = _kind(files)
    con = connection if connection is not None else _default_connection(duckdb)
    _configure(con, memory_limit, threads, temp_directory)
    try:
        if kind == "parquet":
            return _read_parquet(con, files)
        return _read_csv(con, files, sep, decimal, encoding)
    except duckdb.Error as err:
        lines = [line for line in str(err).splitlines() if line.strip()][:2]
        hint = (
            " Pass encoding='latin-1' for a Windows (cp1252) export."
            if "unicode" in str(err)
            else ""
        )
        raise EffektError(f"scan() cannot read {_shown(files)}: {' '.join(lines)}{hint}") from None


def _import_duckdb() -> Any:
    try:
        import duckdb
    except ImportError:
        raise EffektError(
            'scan() needs DuckDB, an optional extra of effekt: pip install "effekt[duckdb]" '
            "(or pip install duckdb)."
        ) from None
    return duckdb


def _default_connection(duckdb: Any) -> Any:
    global _DEFAULT_CONNECTION
    if _DEFAULT_CONNECTION is None:
        _DEFAULT_CONNECTION = duckdb.connect(":memory:")
    return _DEFAULT_CONNECTION


def _configure(con: Any, memory_limit: str, threads: int | None, temp_directory: Any) -> None:
    if not isinstance(memory_limit, str) or not _MEMORY.match(memory_limit):
        raise EffektError(
            "The 'memory_limit' argument of scan() must be an amount of memory such as "
            f"'2GB' or '500MB'; got {memory_limit!r}."
        )
    if threads is None:
        threads = os.cpu_count() or 1
    if isinstance(threads, bool) or not isinstance(threads, int) or threads < 1:
        raise EffektError(
            f"The 'threads' argument of scan() must be a positive whole number; got {threads!r}."
        )
    folder = Path(temp_directory) if temp_directory is not None else _default_spill()
    con.execute(f"SET memory_limit = '{memory_limit.strip()}'")
    con.execute(f"SET threads = {threads}")
    con.execute(f"SET temp_directory = '{_sql_text(str(folder))}'")


def _default_spill() -> Path:
    return Path(tempfile.gettempdir()) / "effekt-duckdb"


def _sql_text(text: str) -> str:
    return text.replace("'", "''")


def _sql_list(items: list[str]) -> str:
    return "[" + ", ".join(f"'{_sql_text(i)}'" for i in items) + "]"


def _paths(path: Any) -> list[str]:
    items = [path] if isinstance(path, (str, os.PathLike)) else path
    if not isinstance(items, Sequence):
        items = [items]
    if not items:
        raise EffektError("The 'path' argument of scan() is an empty list; pass files to read.")
    files: list[str] = []
    for item in items:
        if not isinstance(item, (str, os.PathLike)):
            raise EffektError(
                "The 'path' argument of scan() must be a file, a glob, a directory or a list "
                f"of them; got {type(item).__name__}."
            )
        files.append(_expand(str(item)))
    return files


def _expand(text: str) -> str:
    """A directory becomes the glob of the Parquet files below it; a file must exist."""
    p = Path(text).expanduser()
    if p.is_dir():
        if not any(p.rglob("*.parquet")):
            raise EffektError(f"The directory {text!r} passed to scan() holds no .parquet file.")
        return str(p / "**" / "*.parquet")
    if _is_glob(text):
        if not glob.glob(str(p), recursive=True):
            raise EffektError(f"The pattern {text!r} passed to scan() matches no file.")
        return str(p)
    if not p.is_file():
        raise EffektError(f"The path passed to scan() does not exist: {text!r}.")
    return str(p)


def _is_glob(text: str) -> bool:
    return any(ch in text for ch in "*?[")


def _matches(files: list[str]) -> list[str]:
    return [m for f in files for m in (glob.glob(f, recursive=True) if _is_glob(f) else [f])]


def _kind(files: list[str]) -> str:
    kinds = set()
    for f in files:
        name = f.lower()
        if name.endswith(_PARQUET):
            kinds.add("parquet")
        elif name.endswith(_CSV):
            kinds.add("csv")
        else:
            raise EffektError(
                f"scan() reads Parquet ({', '.join(_PARQUET)}) and CSV "
                f"({', '.join(_CSV)}) files; cannot tell the format of {f!r}. For Excel, SAS, "
                "Stata or SPSS files use effekt.read_table()."
            )
    if len(kinds) > 1:
        raise EffektError("scan() reads either Parquet or CSV files in one call, not both.")
    return kinds.pop()


def _shown(files: list[str]) -> str:
    return repr(files[0]) if len(files) == 1 else repr(files)


def _read_parquet(con: Any, files: list[str]) -> Any:
    hive = any("=" in part for f in _matches(files) for part in Path(f).parts[:-1])
    return con.sql(f"SELECT * FROM read_parquet({_sql_list(files)}, hive_partitioning = {hive})")


def _read_csv(
    con: Any, files: list[str], sep: str | None, decimal: str | None, encoding: str | None
) -> Any:
    enc = _csv_encoding(encoding)
    if sep is None and _semicolons(files[0], enc):
        sep = ";"
    if decimal is None:
        decimal = "," if sep == ";" else "."
    if decimal not in (",", "."):
        raise EffektError(f"The 'decimal' argument of scan() must be ',' or '.'; got {decimal!r}.")
    if sep is not None and (not isinstance(sep, str) or len(sep) != 1 or sep == decimal == ","):
        raise EffektError(
            f"The 'sep' argument of scan() must be one character other than the decimal mark "
            f"(';', ',', a tab); got {sep!r}."
        )
    # literals, not $parameters: DuckDB cannot join two relations that both carry parameters
    options = f"decimal_separator = '{decimal}', encoding = '{enc}'"
    if sep is not None:
        options += f", delim = '{_sql_text(sep)}'"
    return con.sql(f"SELECT * FROM read_csv({_sql_list(files)}, {options})")


def _csv_encoding(encoding: str | None) -> str:
    if encoding is None:
        return "utf-8"
    key = str(encoding).lower().replace("_", "-")
    if key in _ENCODINGS:
        return _ENCODINGS[key]
    hint = ' (pass encoding="latin-1" for a cp1252 export)' if "1252" in key else ""
    raise EffektError(
        "The 'encoding' argument of scan() must be 'utf-8', 'latin-1' or 'utf-16'"
        f"{hint}; got {encoding!r}."
    )


def _semicolons(file: str, encoding: str) -> bool:
    """Whether the first line of a CSV file splits on ';' more than on ',' or tabs."""
    if _is_glob(file):
        file = sorted(glob.glob(file, recursive=True))[0]
    if file.lower().endswith((".gz", ".zst")):
        return False  # compressed: DuckDB sniffs the separator itself
    with open(file, "rb") as handle:
        head = handle.read(65_536)
    codec = {"utf-8": "utf-8-sig", "utf-16": "utf-16"}.get(encoding, encoding)
    first = head.decode(codec, errors="replace").splitlines()[:1]
    line = first[0] if first else ""
    return line.count(";") > max(line.count(","), line.count("\t"))
