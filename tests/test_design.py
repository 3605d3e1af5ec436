"""The one covariate encoder (effekt._design): every dtype, every refusal, named."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import sparse

from effekt._design import MAX_LEVELS, encode_covariates
from effekt.errors import ColumnError, MissingValueError


def frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "age": [25, 40, 31, 52],
            "benefit": ["kh", "dp", "kh", "sh"],
            "woman": [True, False, False, True],
            "months": pd.array([3, 12, 7, 1], dtype="Int64"),
            "score": pd.array([0.5, 1.5, 2.5, 3.5], dtype="Float64"),
            "flag": pd.array([True, False, True, True], dtype="boolean"),
            "group": pd.Categorical(["b", "a", "b", "a"], categories=["a", "b", "unused"]),
        }
    )


def test_numeric_boolean_and_nullable_columns_enter_as_they_are():
    d = encode_covariates(frame(), ["age", "woman", "months", "score", "flag"], "f")
    assert d.names == ["age", "woman", "months", "score", "flag"]
    np.testing.assert_array_equal(d.X[:, 0], [25, 40, 31, 52])
    np.testing.assert_array_equal(d.X[:, 1], [1, 0, 0, 1])
    assert d.binary.tolist() == [False, True, False, False, True]


def test_categories_become_indicators_in_sorted_order_first_dropped():
    d = encode_covariates(frame(), ["benefit"], "f")
    assert d.names == ["benefit_kh", "benefit_sh"]  # dp is the dropped reference
    np.testing.assert_array_equal(d.X, [[1, 0], [0, 0], [1, 0], [0, 1]])
    assert d.levels == {"benefit": ["dp", "kh", "sh"]}
    assert d.sources == ["benefit", "benefit"]


def test_all_levels_for_balance_tables_and_unused_categories_ignored():
    d = encode_covariates(frame(), ["group"], "f", drop_first=False)
    assert d.names == ["group_a", "group_b"]
    np.testing.assert_array_equal(d.X.sum(axis=1), 1.0)


def test_sparse_matches_dense():
    cols = ["age", "benefit", "group"]
    dense = encode_covariates(frame(), cols, "f")
    sp = encode_covariates(frame(), cols, "f", sparse=True)
    assert sparse.issparse(sp.X) and sp.names == dense.names
    np.testing.assert_array_equal(sp.X.toarray(), dense.X)


def test_matches_pandas_get_dummies():
    df = frame()
    d = encode_covariates(df, ["benefit"], "f")
    ref = pd.get_dummies(df["benefit"], prefix="benefit", drop_first=True, dtype=float)
    assert d.names == list(ref.columns)
    np.testing.assert_array_equal(d.X, ref.to_numpy())


def test_caller_data_is_not_modified():
    df = frame()
    before = df.copy(deep=True)
    encode_covariates(df, list(df.columns), "f")
    pd.testing.assert_frame_equal(df, before)


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ([1.0, np.inf, 2.0, 3.0], "infinite"),
        (pd.to_datetime(["2024-01-01", "2024-02-01", "2024-03-01", "2024-04-01"]), "dates"),
        (["30,3", "12,0", "7,5", "1,25"], 'decimal=","'),
        (["a", "a", "a", "a"], "single value"),
    ],
)
def test_refusals_name_the_column_and_the_fix(values, message):
    df = pd.DataFrame({"x": values})
    with pytest.raises(ColumnError, match=message) as info:
        encode_covariates(df, ["x"], "compare_providers", argument="case-mix column")
    text = str(info.value)
    assert "case-mix column 'x'" in text and "compare_providers()" in text


def test_missing_values_are_refused_with_the_missing_advice():
    df = pd.DataFrame({"x": pd.array([1, None, 3], dtype="Int64")})
    with pytest.raises(MissingValueError, match="missing='drop'"):
        encode_covariates(df, ["x"], "f")


def test_high_cardinality_text_is_refused_but_a_categorical_is_taken_as_meant():
    codes = [f"id{i}" for i in range(MAX_LEVELS + 1)]
    df = pd.DataFrame({"person": codes})
    with pytest.raises(ColumnError, match=rf"{MAX_LEVELS + 1} distinct values"):
        encode_covariates(df, ["person"], "f")
    d = encode_covariates(df.astype({"person": "category"}), ["person"], "f", sparse=True)
    assert d.X.shape == (MAX_LEVELS + 1, MAX_LEVELS)


def test_empty_covariate_list_gives_an_empty_matrix():
    d = encode_covariates(frame(), [], "f")
    assert d.X.shape == (4, 0) and d.names == []


@pytest.mark.parametrize(
    "values", [[1, "a", 2.5, "b"], [1, "1", 2, "2"], ["kh", "dp", 3, "kh"], [1.5, "x", 2.0, "y"]]
)
def test_mixed_numbers_and_text_are_refused_naming_the_column_and_the_fix(values):
    # issue 15: [1, "a", 2.5] was encoded as four categories (1 and "1" as two levels)
    df = pd.DataFrame({"age": [25, 40, 31, 52], "benefit": pd.Series(values, dtype=object)})
    with pytest.raises(ColumnError, match=r"covariate 'benefit'.*mixes numbers and text") as err:
        encode_covariates(df, ["age", "benefit"], "f")
    assert "pandas.to_numeric(data['benefit'])" in str(err.value)
    assert ".astype(str)" in str(err.value)


def test_one_and_text_one_are_called_the_same_value_written_two_ways():
    df = pd.DataFrame({"benefit": pd.Series([1, "1", 2, "kh"], dtype=object)})
    with pytest.raises(ColumnError, match="same value written both ways"):
        encode_covariates(df, ["benefit"], "f")


def test_text_with_missing_values_or_only_numbers_as_objects_is_not_called_mixed():
    text = pd.DataFrame({"benefit": pd.Series(["kh", None, "dp", "kh"], dtype=object)})
    with pytest.raises(MissingValueError):  # missing, not "mixed"
        encode_covariates(text, ["benefit"], "f")
    numbers = pd.DataFrame({"benefit": pd.Series([1, 2.5, 1, 2.5], dtype=object)})
    assert encode_covariates(numbers, ["benefit"], "f").names == ["benefit_2.5"]
