"""The command line under interrupts and write errors: no partial output, exit 130 on ctrl-C."""

import pytest

from effekt.cli import main


def _half_writer(exc):
    """A write_report that writes part of the set into its directory, then fails."""

    def write(rep, out, **kwargs):
        (out / "reproduction.csv").write_text("study,estimate\nips,0.1\n")
        raise exc

    return write


def test_ctrl_c_while_writing_leaves_no_partial_set(tmp_path, capsys, monkeypatch):
    # Regression: ctrl-C during `reproduce --out` left a truncated set and a traceback.
    import effekt.report

    monkeypatch.setattr(effekt.report, "write_report", _half_writer(KeyboardInterrupt()))
    out_dir = tmp_path / "out"
    status = main(["reproduce", "--study", "displacement", "--quiet", "--out", str(out_dir)])
    assert status == 130
    assert list(out_dir.iterdir()) == []  # neither the partial file nor the staging directory
    err = capsys.readouterr().err
    assert err.strip().count("\n") == 0 and "interrupted" in err
    assert "Traceback" not in err


def test_ctrl_c_while_estimating_exits_130_with_one_line(tmp_path, capsys, monkeypatch):
    import effekt.reproduction

    def interrupted(**kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(effekt.reproduction, "run", interrupted)
    out_dir = tmp_path / "out"
    assert main(["reproduce", "--quiet", "--out", str(out_dir)]) == 130
    assert list(out_dir.iterdir()) == []
    assert capsys.readouterr().err == "effekt: interrupted (ctrl-C); nothing was written to --out\n"


def test_write_error_midway_leaves_no_partial_set(tmp_path, capsys, monkeypatch):
    import effekt.report

    monkeypatch.setattr(
        effekt.report, "write_report", _half_writer(OSError(28, "No space left on device"))
    )
    out_dir = tmp_path / "out"
    assert main(["reproduce", "--study", "displacement", "--quiet", "--out", str(out_dir)]) == 2
    assert list(out_dir.iterdir()) == []
    assert "argument --out: cannot write to" in capsys.readouterr().err


def test_finished_set_is_moved_into_out_and_keeps_other_files(tmp_path, capsys):
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    (out_dir / "notes.txt").write_text("mine")
    assert main(["reproduce", "--study", "ips", "--quiet", "--out", str(out_dir)]) == 0
    names = sorted(p.name for p in out_dir.iterdir())
    assert "notes.txt" in names and "reproduction.csv" in names
    assert not [n for n in names if n.startswith(".effekt-reproduce-")]
    printed = capsys.readouterr().out
    assert f"{out_dir / 'reproduction.csv'}" in printed  # the final path, not the staging one
    assert (out_dir / "reproduction.csv").stat().st_size > 100


@pytest.mark.parametrize("command", [["rct", "208", "1302", "155", "1291"]])
def test_ctrl_c_in_any_command_exits_130(command, capsys, monkeypatch):
    import effekt.cli

    def interrupted(args):
        raise KeyboardInterrupt

    monkeypatch.setattr(effekt.cli, "_rct", interrupted)
    assert main(command) == 130
    assert "Traceback" not in capsys.readouterr().err
