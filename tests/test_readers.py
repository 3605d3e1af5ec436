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
    pytest.importorskip("pyarrow")
    path = tmp_path / "t.parquet"
    pd.DataFrame({"age": [30, 40]}).to_parquet(path)
    assert ef.read_table(path)["age"].tolist() == [30, 40]


def test_spss_needs_pyreadstat_or_says_how_to_install_it(tmp_path):
    path = tmp_path / "t.sav"
    path.write_bytes(b"not really spss")
    try:
        import pyreadstat  # noqa: F401
    except ImportError:
        with pytest.raises(EffektError, match="pyreadstat"):
            ef.read_table(path)
