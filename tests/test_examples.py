"""Every script in examples/ runs (smoke test), headless and from a temporary directory."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("*.py"))


def test_the_user_stories_are_there():
    names = {p.name for p in EXAMPLES}
    assert {"analyst_providers.py", "evaluator_mentor_vcg2.py"} <= names


@pytest.mark.parametrize("script", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_example_runs(script, tmp_path):
    env = dict(os.environ, MPLBACKEND="Agg")
    env["PYTHONPATH"] = str(ROOT / "src") + os.pathsep + env.get("PYTHONPATH", "")
    proc = subprocess.run(
        [sys.executable, str(script)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, (
        f"{script.name} failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-4000:]}"
    )
    assert proc.stdout.strip(), f"{script.name} printed nothing"
    assert "Traceback" not in proc.stderr


def test_the_analyst_example_reads_a_danish_export_and_writes_danish_output(tmp_path):
    import pandas as pd

    env = dict(os.environ, MPLBACKEND="Agg")
    env["PYTHONPATH"] = str(ROOT / "src") + os.pathsep + env.get("PYTHONPATH", "")
    script = ROOT / "examples" / "analyst_providers.py"
    proc = subprocess.run(
        [sys.executable, str(script), str(tmp_path / "udvalg")],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-4000:]
    out = proc.stdout
    assert "separator ';', decimal ','" in out  # read_table inferred the Danish export
    assert "startdato: datetime64[ns] (date dd-mm-yyyy)" in out
    assert "Sammenligning af udbydere" in out and "procentpoint" in out
    export = (tmp_path / "udvalg" / "forløb_2019_2020.csv").read_bytes()
    assert export.startswith(b"\xef\xbb\xbf")  # UTF-8 with a byte-order mark
    assert re.search(rb";\d+,\d+;", export)  # a decimal comma
    sheets = pd.read_excel(tmp_path / "udvalg" / "leverandører_udvalget.xlsx", sheet_name=None)
    table = sheets["table"]
    assert {"udbyder", "deltagere", "justeret andel (%)"} <= set(table.columns)
    assert "Århus Kursus" in set(table["udbyder"])
    assert sheets["data"]["rate"].between(0, 1).all()  # numbers stay numbers
    assert (tmp_path / "udvalg" / "tragtdiagram.png").stat().st_size > 10_000
