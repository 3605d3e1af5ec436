"""The `effekt` command line."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from effekt.cli import main

SRC = str(Path(__file__).resolve().parents[1] / "src")


def _env():
    env = dict(os.environ, MPLBACKEND="Agg")
    env["PYTHONPATH"] = SRC + os.pathsep + env.get("PYTHONPATH", "")
    return env


def test_reproduce_command_is_fast_and_writes_everything(tmp_path):
    """`effekt reproduce --out DIR` in a fresh process: < 60 s, table, progress, CSV, PNG, HTML."""
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "effekt.cli", "reproduce", "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        env=_env(),
        cwd=tmp_path,
        timeout=120,
    )
    elapsed = time.perf_counter() - start
    assert proc.returncode == 0, proc.stderr
    assert elapsed < 60
    assert "[1/13] mentor" in proc.stderr and "done in" in proc.stderr  # progress on stderr
    for section in (
        "1.1 mentor",
        "1.2 jobfirst",
        "1.3 ips",
        "2.1 vcg2",
        "2.2 brobygning",
        "2.3 voksenlaerling",
        "2.4 jobrotation",
        "2.5 mentor_sfi",
        "2.6 displacement",
        "3 stv (DiD)",
        "3 brf (DiD)",
        "3 hir (DiD)",
        "4 biu_providers",
    ):
        assert section in proc.stdout
    for name in ("reproduction.csv", "reproduction_forest.png", "reproduction.html"):
        assert (tmp_path / name).stat().st_size > 1000


def test_reproduce_one_study(capsys):
    assert main(["reproduce", "--study", "ips", "--seed", "2", "--quiet"]) == 0
    out, err = capsys.readouterr()
    assert "1.3 ips" in out and "mentor" not in out
    assert err == ""


def test_progress_lines(capsys):
    assert main(["reproduce", "--study", "displacement", "--study", "mentor_sfi"]) == 0
    err = capsys.readouterr().err
    assert "[1/2] displacement" in err and "[2/2] mentor_sfi" in err


def test_bad_study_is_a_clear_error(capsys):
    assert main(["reproduce", "--study", "mentorforsoget"]) == 2
    err = capsys.readouterr().err
    assert "effekt: error:" in err and "'mentorforsoget'" in err and "mentor" in err


def test_rct_counts(capsys):
    assert main(["rct", "208", "1302", "155", "1291"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Effect: +4.0 pp")


def test_rct_bad_counts_name_the_positional(capsys):
    assert main(["rct", "2000", "1302", "155", "1291"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("effekt: error: argument ET: must not exceed NT (1302)")
    assert "events_treated" not in err


def test_rct_needs_four_counts(capsys):
    assert main(["rct", "1", "2"]) == 2
    assert capsys.readouterr().err.startswith("effekt: error: argument N: give four counts")
    with pytest.raises(SystemExit) as exc:  # argparse: not an integer
        main(["rct", "208", "1302", "x", "1291"])
    assert exc.value.code == 2
    assert "argument N: invalid int value: 'x'" in capsys.readouterr().err


def test_rct_positional_counts_match_the_api(capsys):
    from effekt.rct import difference_in_proportions_from_counts

    assert main(["rct", "208", "1302", "155", "1291", "--conf-level", "0.9"]) == 0
    want = difference_in_proportions_from_counts(208, 1302, 155, 1291, conf_level=0.9)
    assert capsys.readouterr().out.strip() == want.summary().strip()


def test_rct_bad_conf_level_and_method_name_the_flag(capsys):
    assert main(["rct", "208", "1302", "155", "1291", "--conf-level", "95"]) == 2
    assert capsys.readouterr().err.startswith("effekt: error: argument --conf-level:")
    with pytest.raises(SystemExit) as exc:
        main(["rct", "208", "1302", "155", "1291", "--method", "exact"])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "argument --method: invalid choice: 'exact'" in err and "agresti-caffo" in err


def test_rct_old_counts_flag_still_works(capsys):
    assert main(["rct", "--counts", "208", "1302", "155", "1291"]) == 0
    assert capsys.readouterr().out.startswith("Effect: +4.0 pp")


def test_shares_command(capsys):
    from effekt.rct import from_reported_shares

    assert main(["shares", "0.16", "1302", "0.12", "1291", "--relative", "0.30"]) == 0
    out = capsys.readouterr().out
    want = from_reported_shares(0.16, 1302, 0.12, 1291, reported_relative_change=0.30)
    assert out.strip() == want.summary().strip()
    assert "consistent events: treated 202-214, control 149-161" in out
    assert "reported relative change +30 % is consistent" in out


def test_shares_bad_input_names_the_argument(capsys):
    assert main(["shares", "16", "1302", "0.12", "1291"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("effekt: error: argument ST: must be a share between 0 and 1")
    assert main(["shares", "0.16", "1302", "0.12", "1291", "--relative", "30"]) == 2
    assert "--relative" in capsys.readouterr().err
    assert main(["shares", "0.16", "1302", "0.12", "1291", "--decimals", "-1"]) == 2
    assert capsys.readouterr().err.startswith("effekt: error: argument --decimals:")


def test_version(capsys):
    from effekt import __version__

    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0
    assert capsys.readouterr().out.strip() == f"effekt {__version__}"


def test_studies_one_study(capsys):
    assert main(["studies", "mentor"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Mentorforsøget") and "mentor.education" in out
    assert "jobfirst" not in out
    assert main(["studies", "mentorforsoget"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("effekt: error: argument NAME: unknown study 'mentorforsoget'")


def test_reproduce_studies_spelling_as_in_the_api(capsys):
    assert main(["reproduce", "--studies", "ips", "displacement", "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "1.3 ips" in out and "2.6 displacement" in out and "mentor" not in out


def test_reproduce_help_matches_what_it_does(capsys):
    with pytest.raises(SystemExit):
        main(["reproduce", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert "sections 1 to 4" in out and "--studies" in out and "--pdf" in out


def test_pdf_needs_out(capsys):
    assert main(["reproduce", "--studies", "ips", "--pdf", "--quiet"]) == 2
    assert capsys.readouterr().err.startswith("effekt: error: argument --pdf: needs --out")


def test_studies_and_help(capsys):
    assert main(["studies"]) == 0
    assert "biu_providers" in capsys.readouterr().out
    with pytest.raises(SystemExit) as exc:
        main(["--help"])
    assert exc.value.code == 0
    assert "reproduce" in capsys.readouterr().out


def test_no_command_exits_2(capsys):
    # Regression: `effekt` without a command printed the help and exited 0.
    with pytest.raises(SystemExit) as exc:
        main([])
    assert exc.value.code == 2
    assert "required: COMMAND" in capsys.readouterr().err


def test_bad_study_and_seed_name_the_options(capsys):
    # Regression: the messages named the Python arguments ('studies', 'seed') of reproduce().
    assert main(["reproduce", "--study", "nosuch", "--quiet"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("effekt: error: argument --studies:") and "'nosuch'" in err
    assert main(["reproduce", "--study", "ips", "--seed", "-1", "--quiet"]) == 2
    assert capsys.readouterr().err.startswith("effekt: error: argument --seed:")


def test_unwritable_out_fails_before_running(tmp_path, capsys):
    # Regression: an unwritable --out gave a raw traceback after running every study.
    blocker = tmp_path / "a_file"
    blocker.write_text("x")
    assert main(["reproduce", "--study", "ips", "--quiet", "--out", str(blocker / "sub")]) == 2
    out, err = capsys.readouterr()
    assert out == ""  # nothing was run
    assert err.startswith("effekt: error: argument --out: cannot write to")


def test_write_failure_is_a_clean_error(tmp_path, capsys, monkeypatch):
    import effekt.report

    def fail(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(effekt.report, "write_report", fail)
    assert main(["reproduce", "--study", "displacement", "--quiet", "--out", str(tmp_path)]) == 2
    assert "effekt: error: argument --out: cannot write to" in capsys.readouterr().err


@pytest.mark.skipif(
    __import__("effekt.report", fromlist=["find_chromium"]).find_chromium() is None,
    reason="no Chromium/Chrome on this machine (apt install chromium): --pdf not tested",
)
def test_reproduce_pdf(tmp_path, capsys):
    assert main(["reproduce", "--studies", "ips", "--quiet", "--out", str(tmp_path), "--pdf"]) == 0
    assert f"wrote pdf: {tmp_path / 'reproduction.pdf'}" in capsys.readouterr().out
    assert (tmp_path / "reproduction.pdf").read_bytes()[:5] == b"%PDF-"


def test_main_help_lists_every_command(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    for command in ("reproduce", "rct", "shares", "studies", "--version"):
        assert command in out


def test_language_da_before_or_after_the_command(capsys):
    assert main(["--language", "da", "rct", "208", "1302", "155", "1291"]) == 0
    first = capsys.readouterr().out.splitlines()[0]
    # the same figures as in English (test_rct_counts), in Danish with a decimal comma
    assert first.startswith("Effekt: +4,0 procentpoint (95 %-konfidensinterval +1,3 til +6,6")
    assert main(["shares", "0.16", "1302", "0.12", "1291", "--language", "da"]) == 0
    assert "Offentliggjort 16 % af 1.302 mod 12 % af 1.291" in capsys.readouterr().out
    assert main(["studies", "--language", "da"]) == 0
    assert " 13 tal " in capsys.readouterr().out
    assert main(["studies", "mentor", "--language", "da"]) == 0
    assert "(afsnit 1.1, RCT; notater" in capsys.readouterr().out


def test_language_wrong_value_names_the_flag(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["rct", "208", "1302", "155", "1291", "--language", "de"])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "argument --language: invalid choice: 'de'" in err and "'da'" in err


def test_reproduce_in_danish(capsys):
    assert main(["reproduce", "--studies", "mentor", "--quiet", "--language", "da"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].split()[:2] == ["figur", "oplyst"]
    assert "~+4,0" in out and "afhænger" in out  # decimal comma; the claim in words
    assert "Effekter på andele i procentpoint" in out  # the legend


def test_reproduce_out_writes_an_excel_workbook_beside_the_csv(tmp_path, capsys):
    openpyxl = pytest.importorskip("openpyxl")
    import pandas as pd

    assert main(["reproduce", "--studies", "mentor", "ips", "--quiet", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert f"wrote xlsx: {tmp_path / 'reproduction.xlsx'}" in out
    csv = pd.read_csv(tmp_path / "reproduction.csv")
    data = pd.read_excel(tmp_path / "reproduction.xlsx", sheet_name="data")
    # the workbook's data sheet is the CSV's table, numbers as numbers
    assert list(data.columns) == list(csv.columns) and len(data) == len(csv)
    pd.testing.assert_series_equal(data["estimate"], csv["estimate"], check_dtype=False)
    summary = pd.read_excel(tmp_path / "reproduction.xlsx", sheet_name="summary")
    assert len(summary) == 2 and "do the published numbers support it?" in summary.columns
    book = openpyxl.load_workbook(tmp_path / "reproduction.xlsx")
    col = list(data.columns).index("estimate") + 1
    assert book["data"].cell(2, col).number_format == "0.0%"  # a share, in percent format


def test_reproduce_out_in_danish_writes_danish_files(tmp_path, capsys):
    pytest.importorskip("openpyxl")
    import pandas as pd

    args = ["reproduce", "--studies", "ips", "--quiet", "--out", str(tmp_path), "--language", "da"]
    assert main(args) == 0
    assert "skrev html:" in capsys.readouterr().out
    page = (tmp_path / "reproduction.html").read_text(encoding="utf-8")
    assert '<html lang="da">' in page and "Sammenfatning til udvalget" in page
    raw = (tmp_path / "reproduction.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Danish Excel: UTF-8 with byte-order mark, ';'
    table = pd.read_csv(tmp_path / "reproduction.csv", sep=";", decimal=",", encoding="utf-8-sig")
    assert table["estimate"].dtype == float
    summary = pd.read_excel(tmp_path / "reproduction.xlsx", sheet_name="summary")
    assert "støtter de offentliggjorte tal det?" in summary.columns


def test_reproduce_without_openpyxl_says_the_workbook_is_missing(tmp_path, capsys, monkeypatch):
    import effekt.report

    monkeypatch.setattr(effekt.report, "_has_openpyxl", lambda: False)
    assert main(["reproduce", "--studies", "ips", "--quiet", "--out", str(tmp_path)]) == 0
    out, err = capsys.readouterr()
    assert "reproduction.xlsx not written: needs openpyxl" in err
    assert not (tmp_path / "reproduction.xlsx").exists() and "wrote csv" in out


# --- issue 15 sweep (wave B): hostile argv, one line, no traceback ---------------------------


@pytest.mark.parametrize(
    "argv",
    [
        ["rct", "208", "1302", "155", "1291", "--no-such-flag"],
        ["--language", "fr", "rct", "208", "1302", "155", "1291"],
        ["shares", "0.16", "x", "0.12", "1291"],
        ["nonsense"],
        [],
    ],
)
def test_bad_argv_is_one_error_line_with_status_2(argv, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("effekt: error: "), err  # was a usage block
    assert "--help" in err


def test_out_pointing_at_a_file_is_one_line(tmp_path, capsys):
    target = tmp_path / "report.csv"
    target.write_text("x")
    assert main(["reproduce", "--study", "ips", "--quiet", "--out", str(target)]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1
    assert err.startswith("effekt: error: argument --out: cannot write to")


@pytest.mark.parametrize("argv", ["rct 208 1302 155 1291", ["rct", 208, 1302, 155, 1291], 3.5])
def test_argv_that_is_not_a_list_of_str_is_an_effekt_error(argv):
    from effekt.errors import EffektError

    with pytest.raises(EffektError, match="'argv' argument of main"):
        main(argv)  # was TypeError inside argparse
