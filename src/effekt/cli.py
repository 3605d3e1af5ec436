"""The ``effekt`` command.

``effekt reproduce [--study NAME ...] [--seed N] [--out DIR]``
    Every figure of the notes: reported, recomputed from the published numbers and
    re-estimated on calibrated synthetic data (see :func:`effekt.reproduce`). Prints a
    table; ``--out`` also writes ``reproduction.csv``, ``reproduction_forest.png`` and a
    self-contained ``reproduction.html``. Progress goes to stderr.

``effekt rct --counts ET NT EC NC``
    A quick analysis of a trial from its counts (events and size per arm).

``effekt studies``
    The catalogue of studies and how many figures each has.

Examples
--------
>>> from effekt.cli import main
>>> main(["rct", "--counts", "208", "1302", "155", "1291"])  # doctest: +ELLIPSIS
Effect: +4.0 pp ...
0
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TextIO

from .errors import EffektError

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="effekt",
        description="Effects of Danish active labour-market programmes: reproduce the notes, "
        "analyse trials from counts.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    rep = sub.add_parser(
        "reproduce",
        help="reported vs recomputed vs re-estimated, every study",
        description="Reproduce every figure of the notes (sections 1, 2 and 4).",
    )
    rep.add_argument(
        "--study",
        action="append",
        metavar="NAME",
        help="only this study (repeatable); see 'effekt studies'",
    )
    rep.add_argument("--seed", type=int, default=0, help="seed for the synthetic data (default 0)")
    rep.add_argument(
        "--out",
        metavar="DIR",
        help="write reproduction.csv, reproduction_forest.png and reproduction.html here",
    )
    rep.add_argument("--quiet", action="store_true", help="no progress on stderr")
    rct = sub.add_parser(
        "rct",
        help="a trial from its counts",
        description="Difference in proportions from events and sizes per arm.",
    )
    rct.add_argument(
        "--counts",
        nargs=4,
        type=int,
        required=True,
        metavar=("ET", "NT", "EC", "NC"),
        help="events and size in the treatment group, then in the control group",
    )
    rct.add_argument("--method", default="newcombe", help="interval method (default newcombe)")
    rct.add_argument(
        "--conf-level", type=float, default=0.95, help="confidence level (default 0.95)"
    )
    sub.add_parser("studies", help="the catalogue of studies")
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
        text = f"[{n}/{n}] done in {time.perf_counter() - start:.1f} s"
        stream.write(("\r" + text + " " * 10 + "\n") if tty else text + "\n")
        stream.flush()

    return report, done


class _CliError(Exception):
    """A bad command-line value, reported with the option's name."""


def _check_out(out: str) -> Path:
    """Create ``--out`` and check that it is writable, before any work is done."""
    path = Path(out)
    try:
        path.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=path):
            pass
    except OSError as err:
        raise _CliError(f"cannot write to --out {out!r}: {err.strerror or err}") from None
    return path


def _check_reproduce_args(args: argparse.Namespace) -> None:
    from .reproduction import _check_studies

    if args.seed < 0:
        raise _CliError(f"argument --seed: must be an integer >= 0; got {args.seed}")
    if args.study is not None:
        known = _check_studies(None)
        bad = [s for s in args.study if s not in known]
        if bad:
            raise _CliError(
                f"argument --study: unknown study {bad[0]!r}; choose from {', '.join(known)} "
                "(see 'effekt studies')"
            )


def _reproduce(args: argparse.Namespace) -> int:
    from .reproduction import format_table, run

    _check_reproduce_args(args)
    out = _check_out(args.out) if args.out else None
    start = time.perf_counter()
    report, done = _progress(sys.stderr)
    rep = run(seed=args.seed, studies=args.study, progress=None if args.quiet else report)
    if not args.quiet:
        done(rep.table["study"].nunique())
    print(format_table(rep.table))
    if out is not None:
        import matplotlib

        matplotlib.use("Agg")
        from .report import write_report

        try:
            paths = write_report(rep, out, seconds=time.perf_counter() - start)
        except OSError as err:
            raise _CliError(f"cannot write to --out {args.out!r}: {err}") from None
        for kind, path in paths.items():
            print(f"wrote {kind}: {path}")
    return 0


def _rct(args: argparse.Namespace) -> int:
    from .rct import difference_in_proportions_from_counts

    et, nt, ec, nc = args.counts
    r = difference_in_proportions_from_counts(
        et, nt, ec, nc, method=args.method, conf_level=args.conf_level
    )
    print(r.summary())
    return 0


def _studies() -> int:
    from . import studies

    cat = studies.catalogue()
    counts = studies.reported().groupby("study").size()
    for _, s in cat.iterrows():
        print(
            f"{s['section']:<4} {s['study']:<15} {s['design']:<14} "
            f"{counts.get(s['study'], 0):>3} figures  {s['name']}"
        )
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (0 = success, 2 = bad input).

    Argument errors found by argparse (no command, a non-integer ``--seed``) exit with
    status 2 through ``SystemExit``; bad values (unknown ``--study``, negative ``--seed``,
    an ``--out`` directory that cannot be written) print ``effekt: error: ...`` and return 2
    before anything is run.

    Parameters
    ----------
    argv : sequence of str, optional
        The arguments after ``effekt``; ``sys.argv[1:]`` when omitted.

    Examples
    --------
    >>> status = main(["rct", "--counts", "208", "1302", "155", "1291"])  # doctest: +ELLIPSIS
    Effect: +4.0 pp (95% CI +1.3 to +6.6 pp), p = 0.004
    ...
    >>> status
    0
    """
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        if args.command == "reproduce":
            return _reproduce(args)
        if args.command == "rct":
            return _rct(args)
        if args.command == "studies":
            return _studies()
        parser.print_help()  # pragma: no cover (argparse requires a command)
        return 2  # pragma: no cover
    except (EffektError, _CliError) as err:
        print(f"effekt: error: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
