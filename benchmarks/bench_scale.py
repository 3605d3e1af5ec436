"""Time effekt's time-based estimators against the tool an analyst would otherwise use.

Usage (from the repository root)::

    PYTHONPATH=src python benchmarks/bench_scale.py                  # everything (~5 min)
    PYTHONPATH=src python benchmarks/bench_scale.py --only eot --eot-persons 10000 100000
    PYTHONPATH=src python benchmarks/bench_scale.py --baseline /path/to/old/src   # old code too

Three comparisons, each measured in the same run:

* ``eot``: :func:`effekt.trajectory.effect_over_time` on a person x 52-week panel (binary
  weekly status, two arms; int64 columns as pandas reads them) against a statsmodels loop
  ``OLS(status ~ arm).fit(cov_type="HC2")`` over ``groupby("week")`` (pointwise intervals
  only; no simultaneous band).
* ``km``: :func:`effekt.duration.kaplan_meier` by arm plus :func:`effekt.duration.logrank_test`
  on one row per person with weekly times (1-104) against lifelines' ``KaplanMeierFitter``
  per arm plus ``logrank_test``.
* ``effekt on DuckDB``: the same effekt calls on a DuckDB relation reading the data from a
  Parquet file (written before the timing): the counts and moments are computed by DuckDB,
  the panel comes into Python one partition of persons at a time.
* ``es``: :func:`effekt.did.event_study` on person-month rows against pyfixest's ``feols``
  with unit and month fixed effects and ``vcov={"CRV1": id}``, default thread settings.

Every measurement runs in a fresh subprocess: the data are generated there (not timed), the
call is timed with ``time.perf_counter`` (best of ``--repeat``). ``peak MB`` is the
process's peak resident memory during the calls (``VmHWM`` after resetting it through
``/proc/self/clear_refs`` once the data are made, so it counts the data, the imports and the
call, not the generation of the data); ``data MB`` is the resident memory before the call. The exponent of the growth in rows is the least-squares slope of log time on log rows.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

WEEKS = 52


def eot_panel(persons: int, seed: int = 0) -> pd.DataFrame:
    """``persons`` x 52 weeks, sorted by person then week; true effect +5 pp every week."""
    rng = np.random.default_rng(seed)
    arm = (rng.random(persons) < 0.5).astype(np.int64)
    week = np.tile(np.arange(1, WEEKS + 1, dtype=np.int64), persons)
    a = np.repeat(arm, WEEKS)
    p = 0.1 + 0.004 * week + 0.05 * a
    return pd.DataFrame(
        {
            "person": np.repeat(np.arange(persons, dtype=np.int64), WEEKS),
            "week": week,
            "arm": a,
            "status": (rng.random(len(week)) < p).astype(np.int64),
        }
    )


def km_data(rows: int, seed: int = 0) -> pd.DataFrame:
    """One row per person: weeks to a job (1-104, censored at 104 or earlier), arm."""
    rng = np.random.default_rng(seed)
    arm = (rng.random(rows) < 0.5).astype(np.int64)
    t_event = np.ceil(rng.exponential(np.where(arm == 1, 30.0, 36.0)))
    t_cens = rng.integers(20, 105, rows)
    weeks = np.minimum(np.minimum(t_event, t_cens), 104).astype(np.int64)
    job = (t_event <= np.minimum(t_cens, 104)).astype(np.int64)
    return pd.DataFrame({"weeks": np.maximum(weeks, 1), "job": job, "arm": arm})


def es_panel(rows: int, months: int = 20, seed: int = 0) -> pd.DataFrame:
    """Person-month rows in 98 municipalities; 30 start in month 11 (+3 pp after the start)."""
    rng = np.random.default_rng(seed)
    units = 98
    per_cell = max(rows // (units * months), 1)
    unit = np.repeat(np.arange(units, dtype=np.int64), months * per_cell)
    month = np.tile(np.repeat(np.arange(1, months + 1, dtype=np.int64), per_cell), units)
    treated = (unit < 30).astype(np.int64)
    level = rng.normal(0, 0.03, units)[unit]
    p = np.clip(0.2 + level + 0.003 * month + 0.03 * treated * (month >= 11), 0, 1)
    return pd.DataFrame(
        {
            "municipality": unit,
            "month": month,
            "participating": treated,
            "job": (rng.random(len(month)) < p).astype(np.int64),
        }
    )


def _effekt_eot(d: pd.DataFrame) -> object:
    from effekt.trajectory import effect_over_time

    return effect_over_time(d, "status", "arm", "person", "week")


def _statsmodels_eot(d: pd.DataFrame) -> object:
    import statsmodels.api as sm

    out = []
    for _, g in d.groupby("week", sort=True):
        X = sm.add_constant(g["arm"].to_numpy(dtype=float))
        fit = sm.OLS(g["status"].to_numpy(dtype=float), X).fit(cov_type="HC2")
        out.append((fit.params[1], fit.bse[1], *fit.conf_int()[1]))
    return out


def _effekt_km(d: pd.DataFrame) -> object:
    from effekt.duration import kaplan_meier, logrank_test

    return kaplan_meier(d, "weeks", "job", treatment="arm"), logrank_test(d, "weeks", "job", "arm")


def _lifelines_km(d: pd.DataFrame) -> object:
    from lifelines import KaplanMeierFitter
    from lifelines.statistics import logrank_test

    fits = []
    for g in (0, 1):
        s = d[d["arm"] == g]
        fits.append(KaplanMeierFitter().fit(s["weeks"], s["job"]))
    a, b = d[d["arm"] == 1], d[d["arm"] == 0]
    return fits, logrank_test(a["weeks"], b["weeks"], a["job"], b["job"])


def _effekt_es(d: pd.DataFrame) -> object:
    from effekt.did import event_study

    return event_study(d, "job", "participating", id="municipality", time="month", start=11)


def _pyfixest_es(d: pd.DataFrame) -> object:
    import pyfixest as pf

    d = d.assign(event_time=d["month"] - 11)
    return pf.feols(
        "job ~ i(event_time, participating, ref=-1) | municipality + month",
        data=d,
        vcov={"CRV1": "municipality"},
    ).tidy()


CASES: dict[str, tuple[Callable[[int], pd.DataFrame], dict[str, Callable[..., object]]]] = {
    "eot": (
        eot_panel,
        {"effekt": _effekt_eot, "statsmodels": _statsmodels_eot, "effekt on DuckDB": _effekt_eot},
    ),
    "km": (
        km_data,
        {"effekt": _effekt_km, "lifelines": _lifelines_km, "effekt on DuckDB": _effekt_km},
    ),
    "es": (es_panel, {"effekt": _effekt_es, "pyfixest": _pyfixest_es}),
}


def _status_mb(field: str) -> float:
    """``VmRSS`` (resident now) or ``VmHWM`` (peak resident) of this process, in MB."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return float("nan")


def _reset_peak() -> None:
    """Reset the kernel's peak-RSS mark (VmHWM) so that it measures the call, not the data
    generation (Linux: writing 5 to /proc/self/clear_refs)."""
    gc.collect()
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")


def child(case: str, tool: str, size: int, repeat: int) -> None:
    """Generate the data, time the call, print one JSON line."""
    make, tools = CASES[case]
    data = make(size)
    func = tools[tool]
    warm = make(2000)
    if tool.endswith("DuckDB"):  # a Parquet file read by DuckDB: nothing in pandas
        import duckdb

        folder = tempfile.TemporaryDirectory()  # removed when the process ends
        path = Path(folder.name) / f"{case}.parquet"
        data.to_parquet(path)
        del data
        data, warm = duckdb.read_parquet(str(path)), duckdb.from_df(warm)
    func(warm)  # imports (and pyfixest's JIT compilation) outside the timing
    _reset_peak()
    data_mb = _status_mb("VmRSS")
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func(data)
        times.append(time.perf_counter() - start)
    peak = _status_mb("VmHWM")
    print(json.dumps({"seconds": min(times), "peak_mb": peak, "data_mb": data_mb}))


def measure(case: str, tool: str, size: int, repeat: int, src: str | None) -> dict[str, float]:
    env = dict(os.environ)
    if src is not None:
        env["PYTHONPATH"] = src
    cmd = [sys.executable, __file__, "--child", case, tool, str(size), str(repeat)]
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    if out.returncode != 0:
        raise RuntimeError(f"{case}/{tool}/{size} failed:\n{out.stderr[-2000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def exponent(sizes: list[int], seconds: list[float]) -> float:
    return float(np.polyfit(np.log(sizes), np.log(seconds), 1)[0])


def run(case: str, sizes: list[int], repeat: int, baseline: str | None, rows_per: int) -> None:
    tools = list(CASES[case][1])
    labels = [*tools] + (["effekt (baseline)"] if baseline else [])
    results: dict[str, list[dict[str, float]]] = {label: [] for label in labels}
    for size in sizes:
        rep = repeat if size * rows_per <= 10**6 else 1
        for tool in tools:
            results[tool].append(measure(case, tool, size, rep, None))
        if baseline:
            results["effekt (baseline)"].append(measure(case, "effekt", size, rep, baseline))
    unit = "persons" if case == "eot" else "rows"
    print(f"\n{case}: seconds (peak MB); sizes in {unit}")
    print("| tool | " + " | ".join(f"{s:,}" for s in sizes) + " | exponent |")
    print("|---|" + "---|" * (len(sizes) + 1))
    for label, rows in results.items():
        cells = " | ".join(f"{r['seconds']:.3f} ({r['peak_mb']:.0f})" for r in rows)
        slope = exponent(sizes, [r["seconds"] for r in rows]) if len(sizes) > 1 else float("nan")
        print(f"| {label} | {cells} | {slope:.2f} |")
    other = tools[1]  # the tool an analyst would otherwise use
    ratios = ", ".join(
        f"{s:,}: {o['seconds'] / e['seconds']:.1f}x"
        for s, e, o in zip(sizes, results["effekt"], results[other], strict=True)
    )
    print(f"effekt is faster than {other} by {ratios}")
    print("data MB before the call: " + ", ".join(f"{r['data_mb']:.0f}" for r in results["effekt"]))


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=sorted(CASES), nargs="*", default=sorted(CASES))
    parser.add_argument("--eot-persons", type=int, nargs="*", default=[10**4, 10**5, 10**6])
    parser.add_argument("--km-rows", type=int, nargs="*", default=[10**5, 10**6, 10**7])
    parser.add_argument("--es-rows", type=int, nargs="*", default=[10**4, 10**5])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--baseline", help="PYTHONPATH of an older effekt to time as well")
    args = parser.parse_args()
    if args.baseline:
        args.baseline = str(Path(args.baseline).resolve())
    load = os.getloadavg()[0]
    print(
        f"{platform.machine()}, {os.cpu_count()} cores, load average {load:.1f}, "
        f"numpy {np.__version__}, pandas {pd.__version__}"
    )
    sizes = {"eot": args.eot_persons, "km": args.km_rows, "es": args.es_rows}
    rows_per = {"eot": WEEKS, "km": 1, "es": 1}
    for case in args.only:
        run(case, sizes[case], args.repeat, args.baseline, rows_per[case])
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
