"""The ``effekt`` command.

``effekt reproduce [--studies NAME ...] [--seed N] [--out DIR] [--pdf]``
    Every figure of the notes (sections 1 to 4): reported, recomputed from the published
    numbers and re-estimated on calibrated synthetic data (see :func:`effekt.reproduce`).
    Prints a table; ``--out`` also writes ``reproduction.csv``, ``reproduction.xlsx`` (with
    openpyxl), ``reproduction_forest.png`` and a self-contained ``reproduction.html``;
    ``--pdf`` adds ``reproduction.pdf`` (A4, printed by a headless Chromium). Progress goes
    to stderr.

``effekt rct ET NT EC NC``
    A trial from its counts (events and size per arm).

``effekt shares ST NT SC NC [--relative R]``
    A trial from published rounded shares: what holds for every consistent count.

``effekt studies [NAME]``
    The catalogue of studies, or one study's reported figures.

``--language da`` (before or after the command) writes the output in Danish: summaries,
tables, the reproduction report and its figures (decimal comma).

Examples
--------
>>> from effekt.cli import main
>>> main(["rct", "208", "1302", "155", "1291"])  # doctest: +ELLIPSIS
Effect: +4.0 pp ...
0
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn, TextIO

from . import _report_terms  # noqa: F401  (the Danish words of the output)
from .errors import EffektError
from .language import get_language, number, term, use_language

__all__ = ["main"]

_METHODS = ("newcombe", "wald", "agresti-caffo", "score")
_LANGUAGES = ("en", "da")

#: Python argument name -> command-line spelling, for error messages.
_FLAGS = {
    "events_treated": "ET",
    "n_treated": "NT",
    "events_control": "EC",
    "n_control": "NC",
    "share_treated": "ST",
    "share_control": "SC",
    "reported_relative_change": "--relative",
    "decimals": "--decimals",
    "relative_change_decimals": "--relative-decimals",
    "conf_level": "--conf-level",
    "method": "--method",
    "studies": "--studies",
    "seed": "--seed",
    "language": "--language",
}


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors: ``effekt: error: ... (see 'effekt rct --help')``
    instead of the usage block, exit status 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"effekt: error: {message} (see '{self.prog} --help')\n")


def _language_option(default: str | None) -> _Parser:
    """``--language``, accepted before the command (default: English) and after it."""
    parent = _Parser(add_help=False)
    parent.add_argument(
        "--language",
        choices=_LANGUAGES,
        default=argparse.SUPPRESS if default is None else default,
        help="language of the output: en (English, default) or da (Danish)",
    )
    return parent


def _add_reproduce(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    rep = sub.add_parser(
        "reproduce",
        parents=[_language_option(None)],
        help="reported vs recomputed vs re-estimated, every study",
        description="Reproduce every figure of the notes (sections 1 to 4: trials, matched "
        "comparisons, municipality comparisons by DiD, simple effects).",
    )
    rep.add_argument(
        "--studies",
        "--study",
        dest="studies",
        nargs="+",
        action="extend",
        metavar="NAME",
        help="only these studies (one or more; repeatable); allowed: see 'effekt studies'",
    )
    rep.add_argument("--seed", type=int, default=0, help="seed for the synthetic data (default 0)")
    rep.add_argument(
        "--out",
        metavar="DIR",
        help="write reproduction.csv, reproduction.xlsx (needs openpyxl), "
        "reproduction_forest.png and reproduction.html here",
    )
    rep.add_argument(
        "--pdf",
        action="store_true",
        help="with --out: also print reproduction.pdf (A4) through a headless Chromium",
    )
    rep.add_argument("--quiet", action="store_true", help="no progress on stderr")


def _add_trials(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    rct = sub.add_parser(
        "rct",
        parents=[_language_option(None)],
        help="a trial from its counts",
        description="Difference in proportions from events and sizes per arm, e.g. "
        "'effekt rct 208 1302 155 1291'.",
    )
    rct.add_argument(
        "counts",
        nargs="*",
        type=int,
        metavar="N",
        help="four integers: events and size in the treatment group, then in the control group",
    )
    rct.add_argument("--counts", dest="counts_flag", nargs=4, type=int, help=argparse.SUPPRESS)
    shares = sub.add_parser(
        "shares",
        parents=[_language_option(None)],
        help="a trial from published rounded shares",
        description="What published rounded shares support, over every count consistent "
        "with them, e.g. 'effekt shares 0.16 1302 0.12 1291 --relative 0.30'.",
    )
    shares.add_argument("share_treated", type=float, metavar="ST", help="treated share (0.16)")
    shares.add_argument("n_treated", type=int, metavar="NT", help="treated group size")
    shares.add_argument("share_control", type=float, metavar="SC", help="control share (0.12)")
    shares.add_argument("n_control", type=int, metavar="NC", help="control group size")
    shares.add_argument(
        "--relative", type=float, metavar="R", help="published relative change (0.30 = +30 %%)"
    )
    shares.add_argument(
        "--decimals", type=int, default=0, help="decimals of the published percentages (0-4)"
    )
    for p in (rct, shares):
        p.add_argument(
            "--method",
            default="newcombe",
            choices=_METHODS,
            help="interval method: " + ", ".join(_METHODS) + " (default newcombe)",
        )
        p.add_argument(
            "--conf-level", type=float, default=0.95, help="confidence level (default 0.95)"
        )


def _parser() -> argparse.ArgumentParser:
    from . import __version__

    parser = _Parser(
        prog="effekt",
        parents=[_language_option("en")],
        description="Effects of Danish active labour-market programmes: reproduce the notes, "
        "analyse trials from counts or from published shares.",
    )
    parser.add_argument("--version", action="version", version=f"effekt {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    _add_reproduce(sub)
    _add_trials(sub)
    studies = sub.add_parser(
        "studies",
        parents=[_language_option(None)],
        help="the catalogue of studies, or one study's figures",
        description="Without NAME: every study with its section, design and number of "
        "figures. With NAME: that study's reported figures.",
    )
    studies.add_argument("name", nargs="?", metavar="NAME", help="a study key, e.g. mentor")
    return parser


def _progress(
    stream: TextIO,
) -> tuple[Callable[[int, int, str], None], Callable[[int], None]]:
    """Progress callbacks for :func:`effekt.reproduction.run`: one line per study (or one
    line rewritten in place on a terminal) and a closing line with the run time."""
    start = time.perf_counter()
    tty = getattr(stream, "isatty", lambda: False)()

    def report(i: int, n: int, name: str) -> None:
        text = f"[{i + 1}/{n}] {name:<16} {time.perf_counter() - start:5.1f} s"
        if tty:
            stream.write("\r" + text)
        else:
            stream.write(text + "\n")
        stream.flush()

    def done(n: int) -> None:
        done_in = term("done in {seconds} s").format(seconds=number(time.perf_counter() - start, 1))
        text = f"[{n}/{n}] {done_in}"
        stream.write(("\r" + text + " " * 10 + "\n") if tty else text + "\n")
        stream.flush()

    return report, done


class _CliError(Exception):
    """A bad command-line value, reported with the option's name."""


def _flag_message(err: EffektError) -> str:
    """An API error message with Python argument names replaced by the command's flags."""
    text = str(err)
    text = re.sub(
        r"^The '(\w+)' argument of \w+\(\)",
        lambda m: f"argument {_FLAGS.get(m.group(1), m.group(1))}:",
        text,
    )
    for name, flag in _FLAGS.items():
        text = text.replace(f"'{name}'", flag)
    return text


def _check_out(out: str) -> Path:
    """Create ``--out`` and check that it is writable, before any work is done."""
    path = Path(out)
    try:
        path.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=path):
            pass
    except OSError as err:
        raise _CliError(f"argument --out: cannot write to {out!r}: {err.strerror or err}") from None
    return path


def _write_whole_set(
    write: Callable[[Path], dict[str, Path]], out: Path, flag_value: str
) -> dict[str, Path]:
    """Write into a hidden staging directory inside ``out``, then move the finished set in.

    An error or an interrupt (ctrl-C) removes the staging directory, so ``out`` never holds
    a partial set: either every file of the run or none of them.
    """
    staging = Path(tempfile.mkdtemp(prefix=".effekt-reproduce-", dir=out))
    try:
        written = write(staging)
        final = {kind: out / path.relative_to(staging) for kind, path in written.items()}
        for path in sorted(staging.rglob("*"), key=lambda p: len(p.parts), reverse=True):
            if path.is_file():
                target = out / path.relative_to(staging)
                target.parent.mkdir(parents=True, exist_ok=True)
                os.replace(path, target)
        return final
    except OSError as err:
        raise _CliError(f"argument --out: cannot write to {flag_value!r}: {err}") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _known_studies() -> list[str]:
    from .reproduction import _check_studies

    return _check_studies(None)


def _check_reproduce_args(args: argparse.Namespace) -> None:
    if args.seed < 0:
        raise _CliError(f"argument --seed: must be an integer >= 0; got {args.seed}")
    if args.pdf and not args.out:
        raise _CliError("argument --pdf: needs --out DIR to write reproduction.pdf into")
    if args.studies is not None:
        known = _known_studies()
        bad = [s for s in args.studies if s not in known]
        if bad:
            raise _CliError(
                f"argument --studies: unknown study {bad[0]!r}; choose from {', '.join(known)} "
                "(see 'effekt studies')"
            )


def _reproduce(args: argparse.Namespace) -> int:
    from .reproduction import format_table, run

    _check_reproduce_args(args)
    out = _check_out(args.out) if args.out else None
    start = time.perf_counter()
    report, done = _progress(sys.stderr)
    rep = run(seed=args.seed, studies=args.studies, progress=None if args.quiet else report)
    if not args.quiet:
        done(rep.table["study"].nunique())
    print(format_table(rep.table))
    if out is not None:
        import matplotlib

        matplotlib.use("Agg")
        from .report import write_report

        paths = _write_whole_set(
            lambda staging: write_report(
                rep, staging, seconds=time.perf_counter() - start, pdf=args.pdf
            ),
            out,
            args.out,
        )
        for kind, path in paths.items():
            print(term("wrote {kind}: {path}").format(kind=kind, path=path))
        if "xlsx" not in paths:
            reason = "needs openpyxl (pip install 'effekt[excel]')"
            print(
                term("{name} not written: {reason}").format(
                    name="reproduction.xlsx", reason=reason
                ),
                file=sys.stderr,
            )
    return 0


def _rct(args: argparse.Namespace) -> int:
    from .rct import difference_in_proportions_from_counts

    counts = args.counts_flag if args.counts_flag is not None else args.counts
    if len(counts) != 4:
        raise _CliError(
            "argument N: give four counts: events and size in the treatment group, then in "
            f"the control group (e.g. 'effekt rct 208 1302 155 1291'); got {len(counts)}"
        )
    et, nt, ec, nc = counts
    r = difference_in_proportions_from_counts(
        et, nt, ec, nc, method=args.method, conf_level=args.conf_level
    )
    print(r.summary())
    return 0


def _shares(args: argparse.Namespace) -> int:
    from .rct import from_reported_shares

    if args.relative is not None and abs(args.relative) >= 10:
        raise _CliError(
            "argument --relative: give the relative change as a fraction (0.30 for a 30 % "
            f"rise); got {args.relative:g}"
        )
    r = from_reported_shares(
        args.share_treated,
        args.n_treated,
        args.share_control,
        args.n_control,
        decimals=args.decimals,
        reported_relative_change=args.relative,
        method=args.method,
        conf_level=args.conf_level,
    )
    print(r.summary())
    return 0


def _studies(name: str | None) -> int:
    from . import studies

    cat = studies.catalogue()
    figures = studies.reported()
    if name is not None:
        known = list(cat["study"])
        if name not in known:
            raise _CliError(
                f"argument NAME: unknown study {name!r}; choose from {', '.join(known)}"
            )
        s = cat.set_index("study").loc[name]
        print(
            f"{s['name']} ({term('section')} {s['section']}, {s['design']}; "
            f"{term('notes')} {s['source']})"
        )
        print(f"  {s['population']}; {s['period']}; {term('method')}: {s['method']}")
        for _, f in figures[figures["study"] == name].iterrows():
            print(f"  {f['figure_id']:<40} {f['text']}")
        return 0
    counts = figures.groupby("study").size()
    for _, s in cat.iterrows():
        print(
            f"{s['section']:<4} {s['study']:<15} {s['design']:<14} "
            f"{counts.get(s['study'], 0):>3} {term('figures'):<7} {s['name']}"
        )
    return 0


def _run(args: argparse.Namespace) -> int:
    if args.command == "reproduce":
        return _reproduce(args)
    if args.command == "rct":
        return _rct(args)
    if args.command == "shares":
        return _shares(args)
    return _studies(args.name)


def _check_argv(argv: Any) -> list[str]:
    """``argv`` as a list of str; anything else (a number, a list holding numbers) raises."""
    if isinstance(argv, (str, bytes)) or not isinstance(argv, (list, tuple)):
        raise EffektError(
            "The 'argv' argument of main() must be a list of str (the words after 'effekt', "
            f"e.g. ['rct', '208', '1302', '155', '1291']); got {type(argv).__name__}."
        )
    bad = [a for a in argv if not isinstance(a, str)]
    if bad:
        raise EffektError(
            "The 'argv' argument of main() must be a list of str; it holds "
            f"{bad[0]!r} ({type(bad[0]).__name__}). Write numbers as text: '208'."
        )
    return list(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (0 = success, 2 = bad input).

    Argument errors found by argparse (no command, a non-integer ``--seed``, a ``--method``
    not in the list, an unknown flag) print one line, ``effekt: error: ... (see 'effekt rct
    --help')``, and exit with status 2 through ``SystemExit``; bad values (an unknown
    study, a negative ``--seed``, events above the group size, an ``--out`` directory that
    cannot be written) print ``effekt: error: argument FLAG: ...`` and return 2 before
    anything is run. ``reproduce --out DIR`` writes into a hidden staging directory inside
    ``DIR`` and moves the finished set in, so an error or ctrl-C leaves no partial set;
    ctrl-C prints one line and returns 130.

    Parameters
    ----------
    argv : sequence of str, optional
        The arguments after ``effekt``; ``sys.argv[1:]`` when omitted.

    Examples
    --------
    >>> status = main(["rct", "208", "1302", "155", "1291"])  # doctest: +ELLIPSIS
    Effect: +4.0 pp (95% CI +1.3 to +6.6 pp), p = 0.004
    ...
    >>> status
    0
    >>> _ = main(["rct", "208", "1302", "155", "1291", "--language", "da"])  # doctest: +ELLIPSIS
    Effekt: +4,0 procentpoint (95 %-konfidensinterval +1,3 til +6,6 procentpoint), p = 0,004, ...
    """
    if argv is not None:
        argv = _check_argv(argv)
    args = _parser().parse_args(argv)
    try:
        with use_language(get_language(args.language)):
            return _run(args)
    except _CliError as err:
        print(f"effekt: error: {err}", file=sys.stderr)
        return 2
    except EffektError as err:
        print(f"effekt: error: {_flag_message(err)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("effekt: interrupted (ctrl-C); nothing was written to --out", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
