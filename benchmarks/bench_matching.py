"""Time effekt.matching on synthetic register-like data: n = 10^4, 10^5, 10^6 rows.

20 % treated, 8 covariates (6 continuous, 2 binary), treatment from a logistic model.
Each size runs in a fresh subprocess so that its peak memory (``ru_maxrss``) is its own.

Usage::

    PYTHONPATH=src python benchmarks/bench_matching.py            # the table
    PYTHONPATH=src python benchmarks/bench_matching.py --r 100000 # also time R MatchIt at 10^5

Columns: seconds for the propensity fit, 1:1 greedy matching without replacement (on the
fitted score, MatchIt's order), matching with replacement, the balance table, the ATT with
its default SE (cluster-robust by pair) and with Abadie–Imbens after matching with
replacement; ``pipeline`` = ``match()`` (fit + match) + ``balance()`` + ``effect()``
end to end; microseconds per row for the two matching steps; peak resident memory.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time

import numpy as np
import pandas as pd

COVS = [f"x{j}" for j in range(1, 7)] + ["b1", "b2"]


def make_data(n: int, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 6))
    B = (rng.random((n, 2)) < [0.3, 0.6]).astype(float)
    beta = np.array([0.5, -0.4, 0.3, 0.2, -0.2, 0.1])
    lin = -1.62 + X @ beta + B @ np.array([0.4, -0.3])
    t = rng.random(n) < 1 / (1 + np.exp(-lin))
    y = (
        1.0
        + X @ np.array([0.3, 0.2, -0.2, 0.1, 0.0, 0.1])
        + 0.5 * B[:, 0]
        + 0.4 * t
        + rng.normal(size=n)
    )
    df = pd.DataFrame(X, columns=COVS[:6])
    df["b1"], df["b2"] = B[:, 0], B[:, 1]
    df["treat"] = t.astype(int)
    df["y"] = y
    return df


CPU: dict[str, float] = {}


def _timed(f, key=None):
    t0, c0 = time.perf_counter(), time.process_time()
    out = f()
    if key is not None:
        CPU[key] = time.process_time() - c0
    return out, time.perf_counter() - t0


def run_one(n: int) -> dict:
    from effekt.matching import match, propensity_score

    df = make_data(n)
    out: dict = {"n": n, "treated_share": float(df["treat"].mean())}
    ps, out["propensity"] = _timed(lambda: propensity_score(df, "treat", COVS), "propensity")
    score = ps.scores.to_numpy()
    m, out["match_noreplace"] = _timed(
        lambda: match(df, "treat", COVS, distance=score), "match_noreplace"
    )
    mr, out["match_replace"] = _timed(
        lambda: match(df, "treat", COVS, distance=score, replace=True), "match_replace"
    )
    _, out["balance"] = _timed(lambda: m.balance(), "balance")
    _, out["effect_cluster"] = _timed(lambda: m.effect("y"), "effect_cluster")
    _, out["effect_ai"] = _timed(lambda: mr.effect("y"), "effect_ai")

    def pipeline():
        mm = match(df, "treat", COVS)
        mm.balance()
        return mm.effect("y")

    r, out["pipeline"] = _timed(pipeline, "pipeline")
    out["cpu"] = dict(CPU)
    out["load_avg_1min"] = os.getloadavg()[0]
    out["att"] = r.estimate
    out["unmatched"] = int(m.n_treated_unmatched)
    out["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


def run_r(n: int) -> dict:
    """Time R MatchIt (Debian r-cran-matchit, timing only) on the same data: glm + nearest."""
    df = make_data(n)
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "d.csv")
        df.to_csv(path, index=False)
        script = f"""
suppressPackageStartupMessages(library(MatchIt))
d <- read.csv("{path}")
f <- treat ~ {" + ".join(COVS)}
t0 <- proc.time()[["elapsed"]]
ps <- fitted(glm(f, data = d, family = binomial))
t1 <- proc.time()[["elapsed"]]
m1 <- matchit(f, data = d, method = "nearest", distance = ps)
t2 <- proc.time()[["elapsed"]]
m2 <- matchit(f, data = d, method = "nearest", distance = ps, replace = TRUE)
t3 <- proc.time()[["elapsed"]]
cat(sprintf('{{"glm": %f, "match_noreplace": %f, "match_replace": %f, "version": "%s"}}',
    t1 - t0, t2 - t1, t3 - t2, as.character(packageVersion("MatchIt"))))
"""
        res = subprocess.run(["Rscript", "-e", script], capture_output=True, text=True, check=True)
    return json.loads(res.stdout.strip().splitlines()[-1])


def run_methods(n: int, design: str) -> dict:
    """Seconds for one design of issue 13 at ``n`` rows (fresh process, as run_one)."""
    from effekt import matching

    df = make_data(n)
    covs = COVS
    if design == "ebal":
        df["x7"], df["x8"] = df["x1"] * df["x2"], df["x3"] ** 2  # 10 covariates
        covs = [*COVS, "x7", "x8"]
    calls = {
        "cem": lambda: matching.cem(df, "treat", covs),
        "subclass": lambda: matching.subclassify(df, "treat", covs),
        "ebal": lambda: matching.entropy_weights(df, "treat", covs),
        "optimal_pair": lambda: matching.optimal_match(df, "treat", covs, method="pair"),
        "full": lambda: matching.optimal_match(df, "treat", covs, method="full"),
        "full_limits": lambda: matching.optimal_match(
            df, "treat", covs, method="full", min_controls=0.5, max_controls=4
        ),
    }
    t0 = time.perf_counter()
    calls[design]()
    seconds = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"n": n, "design": design, "seconds": seconds, "peak_mb": peak}


def run_lp(n: int) -> dict:
    """Full matching of the same problem as a HiGHS LP (edge cover), against optimal_match."""
    from scipy.optimize import linprog
    from scipy.sparse import coo_matrix

    from effekt.matching import optimal_match, propensity_score

    df = make_data(n)
    score = propensity_score(df, "treat", COVS).scores.to_numpy()
    t = df["treat"].to_numpy() == 1
    D = np.abs(score[t][:, None] - score[~t][None, :])
    t0 = time.perf_counter()
    nt, nc = D.shape
    i, j = np.divmod(np.arange(nt * nc), nc)
    k = np.arange(nt * nc)
    A = coo_matrix((-np.ones(2 * nt * nc), (np.r_[i, nt + j], np.r_[k, k])))
    lp = linprog(D.ravel(), A_ub=A.tocsr(), b_ub=-np.ones(nt + nc), bounds=(0, 1), method="highs")
    lp_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    m = optimal_match(df, "treat", COVS, method="full")
    ours = time.perf_counter() - t0
    return {
        "n": n,
        "lp_seconds": lp_s,
        "ours_seconds": ours,
        "lp_total": lp.fun,
        "ours_total": m.attrs["total_distance"],
    }


def main_methods(sizes: dict[str, list[int]], timeout: float | None = None) -> None:
    print("| design | n | seconds | peak MB |")
    print("|---|---|---|---|")
    for design, ns in sizes.items():
        for n in ns:
            try:
                res = subprocess.run(
                    [sys.executable, __file__, "--design", design, "--one", str(n)],
                    capture_output=True,
                    text=True,
                    check=True,
                    timeout=timeout,
                )
            except subprocess.TimeoutExpired:
                print(f"| {design} | {n:,} | > {timeout:.0f} (stopped) | |", flush=True)
                break
            r = json.loads(res.stdout.strip().splitlines()[-1])
            print(f"| {design} | {n:,} | {r['seconds']:.2f} | {r['peak_mb']:.0f} |", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--r", type=int, default=None, help="also time R MatchIt at this n")
    parser.add_argument("--design", help=argparse.SUPPRESS)
    parser.add_argument("--methods", action="store_true", help="time the designs of issue 13")
    parser.add_argument(
        "--largest", type=int, nargs="*", default=[], help="also these n for pair/full"
    )
    parser.add_argument(
        "--limits",
        type=int,
        nargs="*",
        default=None,
        help="full matching with min_controls=0.5, max_controls=4 (and without) at these n",
    )
    parser.add_argument(
        "--lp", type=int, default=None, help="full matching vs a HiGHS LP at this n"
    )
    args = parser.parse_args()
    if args.design:
        print(json.dumps(run_methods(args.one, args.design)))
        return
    if args.lp:
        print(json.dumps(run_lp(args.lp)))
        return
    if args.limits:
        main_methods({"full_limits": args.limits, "full": args.limits}, timeout=300)
        return
    if args.methods:
        big = [10_000, *args.largest]
        main_methods(
            {"cem": [10**6], "subclass": [10**6], "ebal": [10**6], "optimal_pair": big, "full": big}
        )
        return
    if args.one:
        print(json.dumps(run_one(args.one)))
        return
    rows = []
    for n in args.sizes:
        res = subprocess.run(
            [sys.executable, __file__, "--one", str(n)], capture_output=True, text=True, check=True
        )
        rows.append(json.loads(res.stdout.strip().splitlines()[-1]))
    frame = pd.DataFrame(rows).set_index("n")
    cpu = pd.DataFrame([r["cpu"] for r in rows], index=frame.index)
    steps = [
        "propensity",
        "match_noreplace",
        "match_replace",
        "balance",
        "effect_cluster",
        "effect_ai",
        "pipeline",
    ]
    for title, tab in (
        ("wall-clock seconds", frame[steps]),
        ("CPU seconds (time.process_time)", cpu[steps]),
    ):
        tab = tab.copy()
        tab["us/row noreplace"] = 1e6 * tab["match_noreplace"] / tab.index
        tab["us/row replace"] = 1e6 * tab["match_replace"] / tab.index
        if title.startswith("wall"):
            tab["peak MB"] = frame["peak_mb"]
            tab["load avg"] = frame["load_avg_1min"]
        print(f"\neffekt.matching, {title}")
        print(_markdown(tab))
    if args.r:
        ours = run_one(args.r)
        r = run_r(args.r)
        print(
            f"\nSide by side at n = {args.r:,}, wall-clock, same data and fitted scores "
            f"(R MatchIt {r['version']}; load avg {os.getloadavg()[0]:.1f}):"
        )
        print("| step | effekt (s) | R MatchIt (s) | speed-up |")
        print("|---|---|---|---|")
        for key in ("match_noreplace", "match_replace"):
            print(f"| {key} | {ours[key]:.3f} | {r[key]:.3f} | {r[key] / ours[key]:.0f}x |")
        print(
            f"| propensity (glm) | {ours['propensity']:.3f} | {r['glm']:.3f} | {r['glm'] / ours['propensity']:.1f}x |"
        )


def _markdown(tab: pd.DataFrame) -> str:
    head = "| n | " + " | ".join(tab.columns) + " |"
    sep = "|---" * (len(tab.columns) + 1) + "|"
    body = [
        f"| {n:,} | " + " | ".join(f"{v:.3f}" if abs(v) < 100 else f"{v:.0f}" for v in row) + " |"
        for n, row in zip(tab.index, tab.to_numpy(), strict=False)
    ]
    return "\n".join([head, sep, *body])


if __name__ == "__main__":
    main()
