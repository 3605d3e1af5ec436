"""effekt.read_table: Danish exports (separator, decimal comma, encodings, dates) and formats."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import effekt as ef
from effekt.errors import EffektError
from jobcentre_export import write_jobcentre_export


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "cp1252"])
def test_a_jobcentre_export_is_read_with_every_column_in_its_dtype(tmp_path, encoding):
    path = tmp_path / "eksport.csv"
    truth = write_jobcentre_export(path, encoding)
    df = ef.read_table(path)
    assert list(df.columns) == list(truth.columns)  # no BOM left in the first name
    assert df["borger"].iloc[0] == "Søren Ærø 0" and set(df["jobcenter"]) == {"Århus", "Køge"}
    for col in ("age", "months_on_benefit", "treated", "job"):
        assert df[col].dtype == np.int64, col
        np.testing.assert_array_equal(df[col], truth[col])
    assert df["måneder_ledig"].dtype == float
    np.testing.assert_allclose(df["måneder_ledig"], truth["måneder_ledig"])
    assert (
        df["ydelse_kr"].dtype == float
        and df["ydelse_kr"].isna().sum() == truth["ydelse_kr"].isna().sum()
    )
    np.testing.assert_allclose(df["ydelse_kr"], truth["ydelse_kr"])  # "25.000,50" and empty fields
    assert df["start_dato"].dtype == "datetime64[ns]"
    assert (df["start_dato"] == truth["start_dato"]).all()
    assert df["i_job"].tolist() == truth["i_job"].tolist()
    report = df.attrs["effekt_read"]
    assert (report.separator, report.decimal, report.thousands) == (";", ",", ".")
    assert report.encoding == encoding
    assert "date dd-mm-yyyy" in report.to_frame().set_index("column").loc["start_dato", "read_as"]


def test_the_read_report_states_what_was_inferred(tmp_path):
    path = tmp_path / "eksport.csv"
    write_jobcentre_export(path, n=30)
    text = ef.read_table(path).attrs["effekt_read"].summary()
    assert "separator ';'" in text and "decimal ','" in text
    assert "måneder_ledig: float64 (decimal comma)" in text
    assert "decimal comma inferred from column" in text


def test_an_ambiguous_number_column_raises_naming_it_and_the_fix(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("id;beløb\n1;1.234\n2;2.500\n", encoding="utf-8")
    with pytest.raises(EffektError, match="'beløb'.*decimal=','"):
        ef.read_table(path)
    assert ef.read_table(path, decimal=",")["beløb"].tolist() == [1234, 2500]
    assert ef.read_table(path, decimal=".")["beløb"].tolist() == [1.234, 2.5]


def test_ambiguous_dates_raise_unless_the_file_is_danish_or_dayfirst_is_given(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text("id,dato\n1,03-04-2024\n2,05-06-2024\n", encoding="utf-8")
    with pytest.raises(EffektError, match="'dato'.*dayfirst=True"):
        ef.read_table(path)
    df = ef.read_table(path, dayfirst=True)
    assert df["dato"].iloc[0] == pd.Timestamp("2024-04-03")
    path.write_text("id,dato\n1,03-04-2024\n2,25-06-2024\n", encoding="utf-8")
    assert ef.read_table(path)["dato"].iloc[0] == pd.Timestamp("2024-04-03")  # a day above 12


def test_mixed_columns_stay_text_and_the_report_says_so(tmp_path):
    path = tmp_path / "m.csv"
    rows = "\n".join(f"{i};{i},5" for i in range(9)) + "\n9;ukendt\n"
    path.write_text("id;værdi\n" + rows, encoding="utf-8")
    df = ef.read_table(path)
    assert pd.api.types.is_string_dtype(df["værdi"])
    assert "kept as text" in df.attrs["effekt_read"].summary()


def test_comma_separated_files_with_decimal_points_are_read(tmp_path):
    path = tmp_path / "en.csv"
    path.write_text('id,x,name\n1,"1,234.5",a\n2,0.25,b\n', encoding="utf-8")
    df = ef.read_table(path)
    assert df["x"].tolist() == [1234.5, 0.25]


def test_conflicting_decimal_marks_raise(tmp_path):
    path = tmp_path / "c.csv"
    path.write_text("a;b\n1,5;2.25\n", encoding="utf-8")
    with pytest.raises(EffektError, match="decimal=','"):
        ef.read_table(path)


def test_bad_paths_and_types_raise(tmp_path):
    with pytest.raises(EffektError, match="does not exist"):
        ef.read_table(tmp_path / "nope.csv")
    (tmp_path / "x.foo").write_text("a")
    with pytest.raises(EffektError, match="file type '.foo'"):
        ef.read_table(tmp_path / "x.foo")


def test_excel_files_are_read_and_text_numbers_converted(tmp_path):
    pytest.importorskip("openpyxl")
    path = tmp_path / "t.xlsx"
    pd.DataFrame({"navn": ["Æble", "Ø"], "x": [1.5, 2.0], "y": ["30,3", "1.204,5"]}).to_excel(
        path, index=False
    )
    df = ef.read_table(path)
    assert df["navn"].tolist() == ["Æble", "Ø"]
    assert df["y"].tolist() == [30.3, 1204.5]
    assert df["x"].astype(float).tolist() == [1.5, 2.0]


def test_stata_files_are_read(tmp_path):
    path = tmp_path / "t.dta"
    pd.DataFrame({"age": [30, 40], "job": [0.0, 1.0]}).to_stata(path, write_index=False)
    df = ef.read_table(path)
    assert df["age"].tolist() == [30, 40]


def test_parquet_files_are_read(tmp_path):
    path = tmp_path / "t.parquet"
    truth = pd.DataFrame({"age": [30, 40], "kommune": ["Århus", "Køge"], "x": ["30,3", "1,5"]})
    truth.to_parquet(path)
    df = ef.read_table(path)
    assert df["age"].tolist() == [30, 40] and df["kommune"].tolist() == ["Århus", "Køge"]
    assert df["x"].tolist() == [30.3, 1.5]  # text numbers with a decimal comma converted


def test_spss_files_are_read_with_their_value_labels(tmp_path):
    import pyreadstat

    path = tmp_path / "t.sav"
    frame = pd.DataFrame(
        {"alder": [30.0, 41.0, 52.0], "kommune": ["Århus", "Køge", "Ærø"], "job": [1.0, 0.0, 1.0]}
    )
    pyreadstat.write_sav(frame, path, variable_value_labels={"job": {0.0: "Nej", 1.0: "Ja"}})
    df = ef.read_table(path)
    assert df["alder"].tolist() == [30.0, 41.0, 52.0]
    assert df["kommune"].tolist() == ["Århus", "Køge", "Ærø"]
    assert df["job"].astype(str).tolist() == ["Ja", "Nej", "Ja"]


def test_a_missing_optional_reader_says_how_to_install_it(tmp_path, monkeypatch):
    import sys

    path = tmp_path / "t.sav"
    path.write_bytes(b"not really spss")
    monkeypatch.setitem(sys.modules, "pyreadstat", None)  # as if it were not installed
    with pytest.raises(EffektError, match=r"pyreadstat.*effekt\[formats\]"):
        ef.read_table(path)


# --- the sample: read_table infers from the first rows, then checks every value -------------


@pytest.fixture
def small_sample(monkeypatch):
    """Infer from the first 5 rows only, so that the rows after them can contradict it."""
    from effekt import readers

    monkeypatch.setattr(readers, "_SAMPLE_ROWS", 5)


def _write(path, header, rows, tail):
    path.write_text("\n".join([header, *rows, *tail]) + "\n", encoding="utf-8")
    return path


def test_a_large_export_reads_the_same_with_a_tiny_sample(tmp_path, monkeypatch):
    path = tmp_path / "eksport.csv"
    write_jobcentre_export(path, n=300)
    full = ef.read_table(path)
    from effekt import readers

    monkeypatch.setattr(readers, "_SAMPLE_ROWS", 5)
    sampled = ef.read_table(path)
    pd.testing.assert_frame_equal(sampled, full)
    assert "inferred from the first 5 rows and checked on all 300" in (
        sampled.attrs["effekt_read"].summary()
    )


def test_a_misgrouped_number_after_the_sample_is_not_read_as_thousands(tmp_path, small_sample):
    # "1.2345" is not a Danish number; pandas' own thousands= would silently read 12345
    rows = [f"{i};{i},5;1.{i:03d},25" for i in range(8)]
    path = _write(tmp_path / "a.csv", "id;x;beløb", rows, ["8;8,5;1.2345"])
    with pytest.raises(EffektError, match="'beløb'.*'1.2345'.*decimal="):
        ef.read_table(path)


def test_a_decimal_point_value_after_the_sample_raises_naming_the_column(tmp_path, small_sample):
    rows = [f"{i};{i},5;{i}" for i in range(8)]
    path = _write(tmp_path / "a.csv", "id;x;y", rows, ["8;8,5;2.25"])
    with pytest.raises(EffektError, match="'y'.*decimal=','"):
        ef.read_table(path)


def test_text_after_the_sample_keeps_the_column_as_text(tmp_path, small_sample):
    rows = [f"{i};{i},5;{i}" for i in range(8)]
    path = _write(tmp_path / "a.csv", "id;x;y", rows, ["8;ukendt;inf"])
    df = ef.read_table(path)
    assert pd.api.types.is_string_dtype(df["x"]) and pd.api.types.is_string_dtype(df["y"])
    assert df["x"].iloc[0] == "0,5" and df["y"].iloc[-1] == "inf"
    assert "column 'x' is mostly numbers but 1 values are not (e.g. 'ukendt')" in (
        df.attrs["effekt_read"].summary()
    )


def test_a_column_empty_in_the_sample_is_read_from_all_rows(tmp_path, small_sample):
    rows = [f"{i};{i},5;" for i in range(8)]
    path = _write(tmp_path / "a.csv", "id;x;y", rows, ["8;8,5;1.204,5", "9;9,5;3"])
    df = ef.read_table(path)
    assert df["y"].dtype == float and df["y"].iloc[-2:].tolist() == [1204.5, 3.0]
    assert df["y"].isna().sum() == 8


def test_missing_whole_numbers_after_the_sample_stay_whole(tmp_path, small_sample):
    rows = [f"{i};{i},5;{i}" for i in range(8)]
    df = ef.read_table(_write(tmp_path / "a.csv", "id;x;y", rows, ["8;8,5;"]))
    assert df["y"].dtype == "Int64" and df["y"].isna().sum() == 1


def test_the_decimal_mark_can_be_settled_after_the_sample(tmp_path, small_sample):
    rows = [f"{i};{i}" for i in range(8)]
    df = ef.read_table(_write(tmp_path / "a.csv", "id;y", rows, ["8;1.234", "9;2,5"]))
    assert df["y"].tolist()[-2:] == [1234.0, 2.5]
    assert df.attrs["effekt_read"].decimal == ","
    with pytest.raises(EffektError, match="'y'.*decimal=','"):
        ef.read_table(_write(tmp_path / "b.csv", "id;y", rows, ["8;1.234"]))


def test_dates_after_the_sample_settle_the_day_or_raise(tmp_path, small_sample):
    rows = [f"{i},0{i % 9 + 1}-04-2024" for i in range(8)]
    path = _write(tmp_path / "d.csv", "id,dato", rows, ["8,25-06-2024"])
    assert ef.read_table(path)["dato"].iloc[0] == pd.Timestamp("2024-04-01")
    path = _write(tmp_path / "e.csv", "id,dato", rows, ["8,06-25-2024"])
    assert ef.read_table(path)["dato"].iloc[0] == pd.Timestamp("2024-01-04")
    path = _write(tmp_path / "f.csv", "id,dato", rows, ["8,25-13-2024"])
    with pytest.raises(EffektError, match="'dato'.*neither day-first nor month-first"):
        ef.read_table(path)
    path = _write(
        tmp_path / "g.csv",
        "id;x;dato",
        [f"{i};1,5;0{i + 1}-04-2024" for i in range(8)],
        ["8;1,5;31-02-2024"],
    )
    with pytest.raises(EffektError, match="'dato'.*does not parse"):
        ef.read_table(path)


def test_dates_with_one_digit_days_and_iso_dates_are_read(tmp_path, small_sample):
    rows = [f"{i};1,5;{i + 1}.4.2024;2024-04-0{i + 1}" for i in range(8)]
    df = ef.read_table(_write(tmp_path / "d.csv", "id;x;dato;iso", rows, ["8;2,5;;"]))
    assert df["dato"].iloc[7] == pd.Timestamp("2024-04-08") and df["dato"].isna().sum() == 1
    assert df["iso"].iloc[7] == pd.Timestamp("2024-04-08") and df["iso"].dtype == "datetime64[ns]"


def test_names_are_stripped_and_a_header_only_file_gives_no_rows(tmp_path):
    df = ef.read_table(_write(tmp_path / "a.csv", " id ; x ", ["1;2,5"], []))
    assert list(df.columns) == ["id", "x"] and df["x"].tolist() == [2.5]
    df = ef.read_table(_write(tmp_path / "b.csv", "id;x", [], []))
    assert list(df.columns) == ["id", "x"] and len(df) == 0


# --- issue 15 sweep (wave B) ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "argument"),
    [
        ({"path": None}, "path"),
        ({"path": 3.0}, "path"),
        ({"sep": ""}, "sep"),
        ({"sep": 1.5}, "sep"),
        ({"sep": ";;"}, "sep"),
        ({"decimal": np.array([1.0, 2.0])}, "decimal"),
        ({"dayfirst": np.array([1.0, 2.0])}, "dayfirst"),
    ],
)
def test_read_table_names_a_bad_argument(tmp_path, kwargs, argument):
    from effekt.errors import EffektError

    path = tmp_path / "a.csv"
    path.write_text("id;x\n1;2\n")
    with pytest.raises(EffektError, match=f"'{argument}' argument of read_table"):
        ef.read_table(**{"path": path, **kwargs})  # were TypeError/ValueError from pandas
