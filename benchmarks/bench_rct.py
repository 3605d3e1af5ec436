"""Time effekt.rct on large trials and print a table.

Usage (from the repository root)::

    PYTHONPATH=src python benchmarks/bench_rct.py            # 10^5, 10^6, 10^7 rows
    PYTHONPATH=src python benchmarks/bench_rct.py --max-rows 1000000 --repeat 5

Each cell is the best wall-clock time of ``--repeat`` runs of one call on a prepared
DataFrame (data generation is not timed). Targets (issue 2): ``difference_in_proportions``
on 10 million rows under 1 s; with ``cluster=`` (100 clusters) under 3 s.
"""

from __future__ import annotations

import argparse
import os
import platform
import time
from collections.abc import Callable

import numpy as np
import pandas as pd

from effekt import rct


def make_trial(n: int, seed: int = 0) -> pd.DataFrame:
    """A trial with ``n`` rows: 0/1 outcome, hours, 100 clusters, 13 strata, 2 covariates."""
    rng = np.random.default_rng(seed)
    treated = (rng.random(n) < 0.5).astype(np.int8)
    age = rng.integers(18, 65, n).astype(np.float64)
    grade = np.round(rng.normal(5, 2, n), 1)
    outcome = (rng.random(n) < 0.12 + 0.04 * treated + 0.01 * (grade - 5)).astype(np.int8)
    hours = rng.gamma(0.6, 5.0, n) * (1 + 0.67 * treated)
    return pd.DataFrame(
        {
            "treated": treated,
            "outcome": outcome,
            "hours": hours,
            "cluster": rng.integers(0, 100, n).astype(np.int32),
            "jobcentre": rng.integers(0, 13, n).astype(np.int16),
            "age": age,
            "grade_9th": grade,
        }
    )


CASES: dict[str, Callable[[pd.DataFrame], object]] = {
    "proportions": lambda d: rct.difference_in_proportions(d, "outcome", "treated"),
    "proportions, cluster= (100)": lambda d: rct.difference_in_proportions(
        d, "outcome", "treated", cluster="cluster"
    ),
    "proportions, strata= (13)": lambda d: rct.difference_in_proportions(
        d, "outcome", "treated", strata="jobcentre"
    ),
    "proportions, covariates= (2)": lambda d: rct.difference_in_proportions(
        d, "outcome", "treated", covariates=["age", "grade_9th"]
    ),
    "means": lambda d: rct.difference_in_means(d, "hours", "treated"),
    "means, cluster= (100)": lambda d: rct.difference_in_means(
        d, "hours", "treated", cluster="cluster"
    ),
    "means, strata= (13)": lambda d: rct.difference_in_means(
        d, "hours", "treated", strata="jobcentre"
    ),
    "means, covariates= (2)": lambda d: rct.difference_in_means(
        d, "hours", "treated", covariates=["age", "grade_9th"]
    ),
}


def best_time(func: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-rows", type=int, default=10_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    sizes = [n for n in (10**5, 10**6, 10**7) if n <= args.max_rows]
    results: dict[str, list[float]] = {name: [] for name in CASES}
    for n in sizes:
        data = make_trial(n)
        for name, case in CASES.items():
            case(data.iloc[:1000])  # warm up imports and caches
            results[name].append(best_time(lambda c=case, d=data: c(d), args.repeat))
    header = f"{'call':<30}" + "".join(f"{f'{n:,} rows':>16}" for n in sizes)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"effekt.rct timings (best of {args.repeat}, seconds); {platform.machine()}, "
        f"{os.cpu_count()} cores, load average {load:.1f}, numpy {np.__version__}, "
        f"pandas {pd.__version__}"
    )
    print(header)
    print("-" * len(header))
    for name, times in results.items():
        print(f"{name:<30}" + "".join(f"{t:>16.3f}" for t in times))


if __name__ == "__main__":
    main()
