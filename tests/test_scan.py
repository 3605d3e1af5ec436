"""effekt.scan(): Parquet and CSV files read lazily by DuckDB and accepted by every estimator.

References are independent of effekt's reader: pandas/pyarrow read back the same Parquet
files, and the Danish CSV's values are written out by hand below.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import effekt as ef
from effekt import _frame
from effekt.errors import EffektError

duckdb = pytest.importorskip("duckdb")
pytest.importorskip("pyarrow")

ROOT = Path(__file__).resolve().parents[1]


def _trial(n: int = 400, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    arm = rng.integers(0, 2, n)
    return pd.DataFrame(
        {
            "person": np.arange(n),
            "mentor": arm,
            "job": (rng.random(n) < 0.3 + 0.1 * arm).astype(int),
            "hours": rng.normal(20 + 2 * arm, 5, n),
            "kommune": rng.integers(0, 8, n),
        }
    )


@pytest.fixture
def con():
    connection = duckdb.connect()
    yield connection
    connection.close()


# --------------------------------------------------------------------------- Parquet


def test_parquet_file_is_a_lazy_relation_every_estimator_reads(tmp_path, con):
    df = _trial()
    df.to_parquet(tmp_path / "trial.parquet")
    rel = ef.scan(tmp_path / "trial.parquet", connection=con)
    assert isinstance(rel, duckdb.DuckDBPyRelation)
    assert rel.columns == list(df.columns)
    assert _frame.native_kind(rel, "test") == "duckdb"
    expected = ef.rct.difference_in_means(df, "hours", "mentor")
    got = ef.rct.difference_in_means(rel, "hours", "mentor")
    assert got.estimate == pytest.approx(expected.estimate, abs=1e-10)
    assert got.std_error == pytest.approx(expected.std_error, abs=1e-10)


def test_group_by_runs_in_duckdb_on_a_scan(tmp_path, con):
    df = _trial()
    df.to_parquet(tmp_path / "trial.parquet")
    rel = ef.scan(str(tmp_path / "trial.parquet"), connection=con)
    got = _frame.group_stats(rel, "test", ["mentor"], ["job"])
    expected = df.groupby("mentor")["job"].agg(["size", "sum"])
    np.testing.assert_allclose(got["n"], expected["size"], atol=1e-10)
    np.testing.assert_allclose(got["sum_job"], expected["sum"], atol=1e-10)


def test_directory_with_hive_partitions_glob_and_list(tmp_path, con):
    df = _trial()
    for k, part in df.groupby("kommune"):
        folder = tmp_path / "panel" / f"kommune={k}"
        folder.mkdir(parents=True)
        part.drop(columns="kommune").to_parquet(folder / "part.parquet", index=False)
    by_dir = ef.scan(tmp_path / "panel", connection=con)
    assert set(by_dir.columns) == set(df.columns)  # the partition key became a column
    back = by_dir.df().sort_values("person").reset_index(drop=True)
    pd.testing.assert_frame_equal(back[list(df.columns)], df, check_dtype=False)
    by_glob = ef.scan(str(tmp_path / "panel" / "*" / "*.parquet"), connection=con)
    assert by_glob.shape == (len(df), len(df.columns))
    two = [
        tmp_path / "panel" / "kommune=0" / "part.parquet",
        tmp_path / "panel/kommune=1/part.parquet",
    ]
    by_list = ef.scan(two, connection=con)
    assert by_list.shape[0] == int((df["kommune"] <= 1).sum())


def test_larger_than_memory_limit_spills_and_stays_exact(tmp_path, con):
    # 10^6 rows grouped into 10^6 groups under a 60 MB limit (DuckDB spills what does not fit)
    path = tmp_path / "big.parquet"
    con.execute(f"COPY (SELECT range AS id, range % 7 AS y FROM range(1000000)) TO '{path}'")
    spill = tmp_path / "spill"
    rel = ef.scan(path, memory_limit="60MB", threads=1, temp_directory=spill, connection=con)
    settings = con.sql(
        "SELECT current_setting('memory_limit'), current_setting('threads'), "
        "current_setting('temp_directory')"
    ).fetchall()[0]
    assert settings[1] == 1 and settings[2] == str(spill)
    assert settings[0].replace(" ", "") in {"57.2MiB", "60.0MB", "57.2MB"}
    totals = rel.aggregate("id, sum(y) AS s", "id").aggregate("count(*), sum(s)").fetchall()[0]
    assert totals == (1_000_000, sum(i % 7 for i in range(1_000_000)))


def test_default_settings_suit_a_shared_two_core_server(tmp_path):
    pd.DataFrame({"a": [1, 2]}).to_parquet(tmp_path / "a.parquet")
    ef.scan(tmp_path / "a.parquet")
    con = ef.sources._DEFAULT_CONNECTION
    limit, threads, temp = con.sql(
        "SELECT current_setting('memory_limit'), current_setting('threads'), "
        "current_setting('temp_directory')"
    ).fetchall()[0]
    assert limit.replace(" ", "") == "953.6MiB"  # 1 GB
    assert threads >= 1
    assert Path(temp).name == "effekt-duckdb"
    assert ef.sources.DEFAULT_MEMORY_LIMIT == "1GB"


def test_scans_on_the_shared_connection_can_be_joined(tmp_path):
    pd.DataFrame({"person": [1, 2, 3], "job": [0, 1, 1]}).to_parquet(tmp_path / "a.parquet")
    pd.DataFrame({"person": [1, 2, 3], "mentor": [1, 1, 0]}).to_parquet(tmp_path / "b.parquet")
    a = ef.scan(tmp_path / "a.parquet")
    b = ef.scan(tmp_path / "b.parquet")
    joined = a.join(b, "person").order("person").fetchall()
    assert joined == [(1, 0, 1), (2, 1, 1), (3, 1, 0)]


# --------------------------------------------------------------------------- CSV


DANISH = (
    "\ufeffcpr_løbenr;kommune;mentor;timer;i_job;startdato\n"
    "1;Århus;1;37,5;1;01-02-2024\n"
    "2;Ærø;0;;0;15-03-2024\n"
    "3;Søborg;1;12,25;1;03-04-2024\n"
    "4;Køge;0;0,5;0;28-12-2024\n"
)


def test_danish_csv_semicolon_decimal_comma_bom_dates_and_empty_fields(tmp_path, con):
    path = tmp_path / "eksport.csv"
    path.write_bytes(DANISH.encode("utf-8"))
    rel = ef.scan(path, connection=con)
    df = rel.df()
    assert list(df.columns) == ["cpr_løbenr", "kommune", "mentor", "timer", "i_job", "startdato"]
    assert df["kommune"].tolist() == ["Århus", "Ærø", "Søborg", "Køge"]
    assert df["timer"].tolist()[0] == 37.5 and np.isnan(df["timer"].tolist()[1])
    assert df["timer"].tolist()[2:] == [12.25, 0.5]
    assert pd.to_datetime(df["startdato"]).dt.strftime("%Y-%m-%d").tolist() == [
        "2024-02-01",
        "2024-03-15",
        "2024-04-03",
        "2024-12-28",
    ]
    # the empty field is a NULL the estimators see: the same text as for pandas
    with pytest.raises(EffektError, match="'timer' used by .* has 1 missing values"):
        ef.rct.difference_in_means(rel, "timer", "mentor")


def test_latin1_and_comma_separated_csv(tmp_path, con):
    latin = tmp_path / "latin.csv"
    latin.write_bytes("navn;løn\nÅse;2,5\nØrn;3\n".encode("cp1252"))
    assert ef.scan(latin, encoding="latin-1", connection=con).fetchall() == [
        ("Åse", 2.5),
        ("Ørn", 3.0),
    ]
    plain = tmp_path / "plain.csv"
    plain.write_text("a,b\n1,2.5\n2,3.5\n", encoding="utf-8")
    assert ef.scan(plain, connection=con).fetchall() == [(1, 2.5), (2, 3.5)]
    tabbed = tmp_path / "glob_1.tsv"
    tabbed.write_text("a\tb\n1\t0,5\n", encoding="utf-8")
    assert ef.scan(tmp_path / "glob_*.tsv", sep="\t", decimal=",", connection=con).fetchall() == [
        (1, 0.5)
    ]


# --------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"path": "nowhere.parquet"}, "does not exist: 'nowhere.parquet'"),
        ({"path": "nowhere/*.parquet"}, "matches no file"),
        ({"path": []}, "empty list"),
        ({"path": 3}, "must be a file, a glob"),
        ({"memory_limit": "lots"}, "'memory_limit' argument of scan.. must be an amount"),
        ({"memory_limit": 2}, "'memory_limit' argument"),
        ({"threads": 0}, "'threads' argument of scan.. must be a positive whole number"),
        ({"threads": 1.5}, "'threads' argument"),
    ],
)
def test_bad_arguments_name_the_argument(tmp_path, kwargs, message):
    pd.DataFrame({"a": [1]}).to_parquet(tmp_path / "a.parquet")
    kwargs = {"path": tmp_path / "a.parquet", **kwargs}
    with pytest.raises(EffektError, match=message):
        ef.scan(**kwargs)


def test_bad_files_and_csv_options(tmp_path, con):
    (tmp_path / "book.xlsx").write_bytes(b"PK")
    with pytest.raises(EffektError, match="cannot tell the format.*read_table"):
        ef.scan(tmp_path / "book.xlsx", connection=con)
    (tmp_path / "empty").mkdir()
    with pytest.raises(EffektError, match="holds no .parquet file"):
        ef.scan(tmp_path / "empty", connection=con)
    csv = tmp_path / "a.csv"
    csv.write_bytes("navn;løn\nÅse;2,5\n".encode("cp1252"))
    pd.DataFrame({"a": [1]}).to_parquet(tmp_path / "a.parquet")
    with pytest.raises(EffektError, match="either Parquet or CSV"):
        ef.scan([csv, tmp_path / "a.parquet"], connection=con)
    with pytest.raises(EffektError, match="encoding='latin-1'"):
        ef.scan(csv, connection=con)
    with pytest.raises(EffektError, match='pass encoding="latin-1" for a cp1252'):
        ef.scan(csv, encoding="cp1252", connection=con)
    with pytest.raises(EffektError, match="'decimal' argument of scan"):
        ef.scan(csv, decimal=";", encoding="latin-1", connection=con)
    with pytest.raises(EffektError, match="'sep' argument of scan"):
        ef.scan(csv, sep=",", decimal=",", encoding="latin-1", connection=con)


def test_without_duckdb_scan_says_which_extra_to_install(tmp_path):
    pd.DataFrame({"a": [1]}).to_parquet(tmp_path / "a.parquet")
    script = textwrap.dedent(
        f"""
        import sys
        sys.modules["duckdb"] = None  # import duckdb now raises ImportError
        import effekt as ef
        try:
            ef.scan({str(tmp_path / "a.parquet")!r})
        except ef.EffektError as err:
            print(err)
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert 'pip install "effekt[duckdb]"' in out.stdout
    assert "needs DuckDB" in out.stdout


# --------------------------------------------------------------------------- the benchmark


def _bench():
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "bench_register", ROOT / "benchmarks" / "bench_register.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def small_panel(tmp_path_factory):
    """The benchmark's panel at 10^5 rows (1,000 persons x 100 weeks), made by DuckDB."""
    bench = _bench()
    folder = tmp_path_factory.mktemp("register")
    path = folder / "panel.parquet"
    bench.generate(path, persons=1_000, weeks=100, seed=0)
    args = bench.parse(["--threads", "1", "--memory-limit", "500MB"])
    args.dir_used, args.collect = folder, False
    return bench, path, args


def test_register_panel_is_what_the_benchmark_says(small_panel, con):
    _, path, _ = small_panel
    panel = pd.read_parquet(path)
    assert len(panel) == 100_000 and panel["person"].nunique() == 1_000
    assert sorted(panel["week"].unique()) == list(range(1, 101))
    persons = panel.groupby("person")
    for column in ("arm", "weeks_to_job", "found_job"):
        assert (persons[column].nunique() == 1).all()  # person-level columns
    first_job = panel[panel["in_job"] == 1].groupby("person")["week"].min()
    found = panel[panel["week"] == 1].set_index("person")
    assert (first_job == found.loc[first_job.index, "weeks_to_job"]).all()
    assert (found["found_job"] == found.index.isin(first_job.index)).all()
    assert set(panel["arm"]) == {0, 1} and 0.1 < panel["in_job"].mean() < 0.9


@pytest.mark.parametrize("step", ["km", "effect_over_time", "paid_hours"])
def test_register_benchmark_sql_reference_matches_effekt_on_pandas(small_panel, step):
    bench, path, args = small_panel
    reference = bench.sql_step(step, str(path), args)
    args.collect = True
    try:
        ours = bench.effekt_step(step, str(path), args)
    finally:
        args.collect = False
    for key, value in reference.items():
        np.testing.assert_allclose(ours[key], value, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("step", ["km", "effect_over_time", "paid_hours"])
def test_register_benchmark_effekt_through_scan(small_panel, step):
    bench, path, args = small_panel
    reference = bench.sql_step(step, str(path), args)
    ours = bench.effekt_step(step, str(path), args)
    for key, value in reference.items():
        np.testing.assert_allclose(ours[key], value, rtol=1e-10, atol=1e-12)


def test_register_benchmark_runs_end_to_end(tmp_path):
    out = tmp_path / "figures.json"
    command = [sys.executable, str(ROOT / "benchmarks" / "bench_register.py"), "--persons", "200"]
    command += ["--weeks", "20", "--steps", "km", "--threads", "1", "--json", str(out)]
    command += ["--dir", str(tmp_path / "panel")]
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr
    figures = json.loads(out.read_text())
    assert figures["rows"] == 4_000
    assert figures["results"]["sql:km"]["status"] == "ok"
    assert figures["results"]["sql:km"]["peak_gb"] > 0
    assert "effekt:km" in figures["results"] and "km " in done.stdout
    assert not (tmp_path / "panel" / "panel.parquet").exists()  # removed without --keep


def test_a_user_with_pandas_alone_needs_no_extra():
    """No engine is imported by effekt: with duckdb, pyspark, polars and pyarrow blocked,
    the estimators still run on pandas and only scan() asks for its extra."""
    script = textwrap.dedent(
        """
        import sys
        for name in ("duckdb", "pyspark", "polars", "pyarrow"):
            sys.modules[name] = None
        import pandas as pd
        import effekt as ef
        df = pd.DataFrame({"job": [1, 0, 1, 1, 0, 0, 1, 0], "mentor": [1, 1, 1, 1, 0, 0, 0, 0]})
        print(round(ef.rct.difference_in_proportions(df, "job", "mentor").estimate, 3))
        print(ef.duration.kaplan_meier(df, "job", "mentor").to_frame().shape[0] > 0)
        try:
            ef.scan("register.parquet")
        except ef.EffektError as err:
            print(err)
        print(sorted(m for m in ("duckdb", "pyspark", "polars", "pyarrow") if sys.modules[m]))
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=ROOT
    ).stdout.splitlines()
    assert out[0] == "0.5" and out[1] == "True"
    assert 'pip install "effekt[duckdb]"' in out[2]
    assert out[3] == "[]"
