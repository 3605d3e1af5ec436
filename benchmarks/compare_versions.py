"""The bench_rct cases with two versions of effekt, alternated in fresh processes.

Usage (from the repository root; the base sources from a commit)::

    mkdir -p /tmp/base && git archive 69bb330 src | tar -x -C /tmp/base
    python benchmarks/compare_versions.py --base /tmp/base/src --new src

Each round runs every case of ``bench_rct.py`` (best of 3 calls, 10^5 to 10^7 rows) once
with each version, alternating, so that both see the same load; the table gives the best
over ``--rounds`` rounds and the ratio new/base.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys

CHILD = r"""
import json, sys, time
sys.path.insert(0, "benchmarks")
from bench_rct import CASES, make_trial
out = {}
for n in (10**5, 10**6, 10**7):
    data = make_trial(n)
    for name, case in CASES.items():
        case(data.iloc[:1000])
        best = 1e9
        for _ in range(3):
            t = time.perf_counter(); case(data); best = min(best, time.perf_counter() - t)
        out[f"{name}|{n}"] = best
print(json.dumps(out))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", required=True, help="src directory of the base version")
    parser.add_argument("--new", default="src", help="src directory of the new version")
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    paths = {"base": os.path.abspath(args.base), "new": os.path.abspath(args.new)}
    best: dict[tuple[str, str], float] = {}
    for _ in range(args.rounds):
        for version, path in paths.items():
            env = dict(os.environ, PYTHONPATH=path)
            run = subprocess.run(
                [sys.executable, "-c", CHILD], env=env, capture_output=True, text=True, check=True
            )
            for key, seconds in json.loads(run.stdout.strip().splitlines()[-1]).items():
                best[(version, key)] = min(best.get((version, key), float("inf")), seconds)
    print(f"load average {os.getloadavg()[0]:.1f}; best of {args.rounds} rounds x 3 calls")
    print(f"{'case':<32}{'rows':>11}{'base s':>9}{'new s':>9}{'new/base':>9}")
    keys = sorted({k for _, k in best}, key=lambda k: (k.split("|")[0], int(k.split("|")[1])))
    for key in keys:
        name, n = key.split("|")
        base, new = best[("base", key)], best[("new", key)]
        print(f"{name:<32}{int(n):>11,}{base:>9.3f}{new:>9.3f}{new / base:>9.2f}")


if __name__ == "__main__":
    main()
