"""Any dataframe in: a unit-level estimator on a wide Parquet register extract, by backend.

A Parquet file of ``--rows`` persons and ``--columns`` columns (a register extract: an
outcome, a treatment, an arm, three covariates and many columns the analysis does not use)
is written once (by a child process). Each variant then runs in a fresh subprocess (so ``ru_maxrss`` is its own)
and times reading plus estimating:

* ``pandas, all columns``: ``pd.read_parquet(path)`` and the pandas call (what a user does
  without effekt's backends);
* ``pandas, used columns``: ``pd.read_parquet(path, columns=[...])`` (a careful user);
* ``polars scan``: ``pl.scan_parquet(path)`` passed as ``data`` (lazy);
* ``duckdb``: ``duckdb.read_parquet(path)`` passed as ``data`` (a relation).

The estimators are ``matching.ipw`` (outcome, treatment, 3 covariates) and
``rct.compare_arms`` (outcome, three arms). Results are checked equal across variants.

Usage::

    PYTHONPATH=src python benchmarks/bench_backends.py --rows 2000000 --columns 40
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
import pandas as pd

USED = ["y", "t", "arm", "x1", "x2", "x3"]

CHILD = """
import json, resource, sys, time, warnings
warnings.simplefilter("ignore")
import numpy as np, pandas as pd
import effekt as ef
path, variant = sys.argv[1], sys.argv[2]
import polars as pl, duckdb
# warm-up on 200 rows: lazy imports and first-call costs are not the backends' doing
rng = np.random.default_rng(0)
warm = pd.DataFrame({"y": rng.integers(0, 2, 200), "t": np.tile([0, 1], 100),
                     "arm": np.resize(["ctrl", "a", "b"], 200), "x1": rng.normal(size=200),
                     "x2": rng.normal(size=200), "x3": rng.normal(size=200)})
ef.matching.ipw(warm, "y", "t", ["x1", "x2", "x3"])
ef.rct.compare_arms(warm, "y", "arm", "ctrl")
del warm
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
start = time.perf_counter()
if variant == "pandas, all columns":
    data = pd.read_parquet(path)
elif variant == "pandas, used columns":
    data = pd.read_parquet(path, columns=["y", "t", "arm", "x1", "x2", "x3"])
elif variant == "polars scan":
    data = pl.scan_parquet(path)
else:
    con = duckdb.connect()
    data = con.read_parquet(path)
r1 = ef.matching.ipw(data, "y", "t", ["x1", "x2", "x3"])
r2 = ef.rct.compare_arms(data, "y", "arm", "ctrl")
seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"seconds": seconds, "peak_mb": peak / 1024, "imports_mb": base / 1024,
                  "ipw": r1.estimate, "arms": r2.to_frame()["estimate"].tolist()}))
"""

VARIANTS = ("pandas, all columns", "pandas, used columns", "polars scan", "duckdb")


def write_extract(path: str, rows: int, columns: int, seed: int = 1) -> None:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(rows, 3))
    t = (rng.random(rows) < 1 / (1 + np.exp(-(x @ [0.5, -0.3, 0.2])))).astype(np.int8)
    y = (rng.random(rows) < 0.2 + 0.05 * t).astype(np.int8)
    frame = {"y": y, "t": t, "arm": np.resize(np.array(["ctrl", "a", "b"]), rows)}
    frame.update({f"x{j + 1}": x[:, j] for j in range(3)})
    for j in range(columns - len(frame)):
        frame[f"unused{j}"] = rng.normal(size=rows)
    pd.DataFrame(frame).to_parquet(path, index=False)


def run(path: str, variant: str) -> dict:
    env = {**os.environ, "OMP_NUM_THREADS": os.environ.get("OMP_NUM_THREADS", "2")}
    out = subprocess.run(
        [sys.executable, "-c", CHILD, path, variant],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=2_000_000)
    parser.add_argument("--columns", type=int, default=40)
    parser.add_argument("--repeat", type=int, default=2, help="best of this many runs")
    parser.add_argument("--write", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.write:
        write_extract(args.write, args.rows, args.columns)
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "extract.parquet")
        # written by a child process: a forked child inherits the parent's peak RSS
        subprocess.run(
            [sys.executable, __file__, "--write", path, "--rows", str(args.rows)]
            + ["--columns", str(args.columns)],
            check=True,
        )
        size = os.path.getsize(path) / 2**20
        results = {}
        for variant in VARIANTS:
            runs = [run(path, variant) for _ in range(args.repeat)]
            results[variant] = min(runs, key=lambda r: r["seconds"])
    ref = results["pandas, all columns"]
    for variant, r in results.items():
        assert abs(r["ipw"] - ref["ipw"]) < 1e-10, variant
        assert np.allclose(r["arms"], ref["arms"], rtol=0, atol=1e-10), variant
    load = os.getloadavg()[0]
    print(
        f"ipw + compare_arms on a Parquet extract of {args.rows:,} rows x {args.columns} "
        f"columns ({size:.0f} MB on disk); best of {args.repeat}; load average {load:.1f}; "
        f"pandas {pd.__version__}"
    )
    print(f"{'variant':<24}{'seconds':>9}{'x pandas':>10}{'peak MB':>9}{'x pandas':>10}")
    print("-" * 62)
    for variant, r in results.items():
        print(
            f"{variant:<24}{r['seconds']:>9.2f}{r['seconds'] / ref['seconds']:>10.2f}"
            f"{r['peak_mb']:>9.0f}{r['peak_mb'] / ref['peak_mb']:>10.2f}"
        )
    print(f"(imports alone: {ref['imports_mb']:.0f} MB)")


if __name__ == "__main__":
    main()
