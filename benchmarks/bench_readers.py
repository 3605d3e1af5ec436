"""Time effekt.read_table against the pandas call an analyst would write by hand.

The hand-written call already knows the answers read_table infers (separator, decimal comma,
thousands dot, encoding, day-first dates): ``pd.read_csv(path, sep=";", decimal=",",
thousands=".", encoding="utf-8-sig", parse_dates=[...], dayfirst=True, date_format=...)``.
The ratio is the price of sniffing and of checking every column for ambiguity.

Run: ``PYTHONPATH=src python benchmarks/bench_readers.py``
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

import effekt as ef  # noqa: E402
from jobcentre_export import write_jobcentre_export  # noqa: E402


def best(call, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    print("read_table vs hand-written pd.read_csv (best of 3, seconds)")
    print(f"{'rows':>10} {'read_table':>11} {'pd.read_csv':>12} {'ratio':>7}")
    with tempfile.TemporaryDirectory() as folder:
        for n in (10_000, 100_000, 1_000_000):
            path = Path(folder) / f"eksport_{n}.csv"
            write_jobcentre_export(path, n=n)

            def by_hand(path: Path = path) -> pd.DataFrame:
                return pd.read_csv(
                    path,
                    sep=";",
                    decimal=",",
                    thousands=".",
                    encoding="utf-8-sig",
                    parse_dates=["start_dato"],
                    date_format="%d-%m-%Y",
                )

            t_ours = best(lambda path=path: ef.read_table(path))
            t_pandas = best(by_hand)
            print(f"{n:>10,} {t_ours:>11.3f} {t_pandas:>12.3f} {t_ours / t_pandas:>7.1f}")


if __name__ == "__main__":
    main()
