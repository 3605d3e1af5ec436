"""Push-down (issue 14): effekt on a DuckDB relation against reading it into pandas first.

Usage (from the repository root)::

    PYTHONPATH=src python benchmarks/bench_pushdown.py                 # 10^7 rows
    PYTHONPATH=src python benchmarks/bench_pushdown.py --rows 1000000
    PYTHONPATH=src python benchmarks/bench_pushdown.py --register 200000000 --parquet /tmp/weeks.parquet

Each case runs in a fresh Python process; the table gives its wall-clock time (data already
defined as a DuckDB relation, nothing materialised) and the process's peak resident memory
(``ru_maxrss`` from ``os.wait4``, including the interpreter and imports). "pandas" is what a
user does without push-down: ``relation.df()`` and the same effekt call on the DataFrame.

``--register N`` writes (once) a Parquet person-week panel of N rows (N/100 persons x 100
weeks, 20 municipalities) with DuckDB and times ``share_with_paid_hours`` on
``duckdb.read_parquet`` of it: the register-scale check of the paid-hours rule.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

TRIAL = (
    "select (i % 2)::int as t, (hash(i) % 100 < 30 + 5 * (i % 2))::int as y, "
    "(hash(i * 3) % 1000)::double / 100 + (i % 2) as hours, i % 13 as centre, "
    "(hash(i * 5) % 100)::int as kommune from range({n}) tbl(i)"
)
PANEL = (
    "select i // 100 as person, i % 100 as week, "
    "case when hash(i) % 10 < 3 then (hash(i * 7) % 40000)::double else 0 end as wage, "
    "(hash(i * 11) % 200)::double as hours, (hash(i * 13) % 10 < 6)::int as benefit, "
    "((i // 100) % 20)::int as kommune from range({n}) tbl(i)"
)

CASES = {
    "proportions, strata=": (
        TRIAL,
        "rct.difference_in_proportions(data, 'y', 't', strata='centre')",
    ),
    "proportions, cluster=": (
        TRIAL,
        "rct.difference_in_proportions(data, 'y', 't', cluster='kommune')",
    ),
    "means": (TRIAL, "rct.difference_in_means(data, 'hours', 't')"),
    "means, cluster=": (TRIAL, "rct.difference_in_means(data, 'hours', 't', cluster='kommune')"),
    "share_with_paid_hours, by=": (
        PANEL,
        "share_with_paid_hours(data, 'person', 'week', 'wage', 'hours', "
        "on_benefit='benefit', by='kommune')",
    ),
}

CHILD = """
import time, duckdb
from effekt import rct
from effekt.registers import share_with_paid_hours
if {limit!r}:
    duckdb.sql("set memory_limit = '{limit}'")
data = duckdb.sql({sql!r})
if {pandas}:
    start = time.perf_counter()
    data = data.df()
else:
    start = time.perf_counter()
out = {call}
print(time.perf_counter() - start)
"""


def run(code: str) -> tuple[float, float]:
    """Seconds printed by the child and its peak RSS in GB."""
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, env=os.environ)
    assert proc.stdout is not None
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    if status:
        raise RuntimeError(f"child failed ({status}): {code}")
    return float(out.decode().strip().splitlines()[-1]), usage.ru_maxrss / 2**20


def compare(rows: int) -> None:
    print(f"effekt on a DuckDB relation of {rows:,} rows vs relation.df() + effekt (pandas)")
    print(f"{'call':<30}{'duckdb s':>10}{'GB':>7}{'pandas s':>10}{'GB':>7}{'ratio':>8}")
    for name, (sql, call) in CASES.items():
        sql = sql.format(n=rows)
        t_db, m_db = run(CHILD.format(sql=sql, call=call, pandas=False, limit=""))
        t_pd, m_pd = run(CHILD.format(sql=sql, call=call, pandas=True, limit=""))
        print(f"{name:<30}{t_db:>10.2f}{m_db:>7.2f}{t_pd:>10.2f}{m_pd:>7.2f}{t_pd / t_db:>7.1f}x")


def register(rows: int, parquet: Path, by: str, limit: str) -> None:
    import duckdb

    if not parquet.exists():
        start = time.perf_counter()
        duckdb.sql(f"copy ({PANEL.format(n=rows)}) to '{parquet}' (format parquet)")
        print(f"wrote {parquet} ({rows:,} rows) in {time.perf_counter() - start:.0f} s")
    n = duckdb.sql(f"select count(*) from read_parquet('{parquet}')").fetchall()[0][0]
    call = (
        "share_with_paid_hours(data, 'person', 'week', 'wage', 'hours', "
        f"on_benefit='benefit', by={by!r})"
    )
    sql = f"select * from read_parquet('{parquet}')"
    seconds, peak = run(CHILD.format(sql=sql, call=call, pandas=False, limit=limit))
    print(
        f"share_with_paid_hours(by={by!r}) on {n:,} Parquet rows via DuckDB "
        f"(memory_limit {limit or 'default'}): {seconds:.1f} s, peak RSS {peak:.2f} GB"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--register", type=int, default=0)
    parser.add_argument("--parquet", type=Path, default=Path("/tmp/effekt_weeks.parquet"))
    parser.add_argument("--by", default="kommune", help="grouping column of the panel")
    parser.add_argument("--memory-limit", default="1GB", help="DuckDB memory_limit ('' = default)")
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.1f}, {os.cpu_count()} cores")
    if args.register:
        register(args.register, args.parquet, args.by, args.memory_limit)
    else:
        compare(args.rows)


if __name__ == "__main__":
    main()
