"""Shared input checks: messages name the argument and never mutate the caller's frame."""

import numpy as np
import pandas as pd
import pytest

from effekt import _validate as v
from effekt.errors import ColumnError, DroppedRowsWarning, EffektError, MissingValueError


def test_message_template_names_argument_function_and_value():
    with pytest.raises(
        EffektError, match=r"The 'caliper' argument of match\(\) must be a number > 0; got -0.2\."
    ):
        v.check_number(-0.2, "caliper", "match", low=0, low_open=True)


@pytest.mark.parametrize("bad", [0, 1, 1.5, -0.1, "0.95", True])
def test_conf_level(bad):
    with pytest.raises(EffektError, match="conf_level"):
        v.check_conf_level(bad, "f")


def test_counts_and_shares():
    assert v.check_counts(3, 10, "e", "n", "f") == (3, 10)
    with pytest.raises(EffektError, match="must not exceed 'n'"):
        v.check_counts(11, 10, "e", "n", "f")
    with pytest.raises(EffektError, match=r"fractions: 0.16, not 16"):
        v.check_share(16, "share_treated", "f")


def test_missing_values_raise_or_drop_with_warning():
    df = pd.DataFrame({"y": [1, 0, np.nan, 1], "t": [1, 0, 1, 0]})
    before = df.copy(deep=True)
    with pytest.raises(MissingValueError, match=r"'y' .* 1 missing values.*missing='drop'"):
        v.handle_missing(df, ["y", "t"], "raise", "f")
    with pytest.warns(DroppedRowsWarning, match="dropped 1 of 4 rows"):
        kept = v.handle_missing(df, ["y", "t"], "drop", "f")
    assert len(kept) == 3
    pd.testing.assert_frame_equal(df, before)


def test_two_valued_and_binary_outcome():
    t = v.two_valued(pd.Series(["a", "b", "a"]), "arm", "treatment", "f", treated_value="b")
    assert t.tolist() == [False, True, False]
    with pytest.raises(ColumnError, match="exactly two values; it has 3"):
        v.two_valued(pd.Series([0, 1, 2]), "arm", "treatment", "f")
    with pytest.raises(ColumnError, match="treated_value"):
        v.two_valued(pd.Series(["a", "b"]), "arm", "treatment", "f")
    with pytest.raises(ColumnError, match="coded 0/1"):
        v.binary_outcome(pd.Series([0.0, 0.5, 1.0]), "job", "f")


def test_require_columns_lists_available():
    with pytest.raises(ColumnError, match=r"'jobb' given as 'outcome'.*available columns: 'job'"):
        v.require_columns(pd.DataFrame({"job": [1]}), "f", outcome="jobb")


def test_design_matrix_drops_unused_categories():
    # An unused category used to become an all-zero dummy column ('s_9').
    s = pd.Categorical(["a", "b", "c", "a", "b"], categories=["a", "b", "c", "zz"])
    frame = pd.DataFrame({"s": s, "x": [1.0, 2.0, 3.0, 4.0, 6.0]})
    X, names = v.design_matrix(frame, ["s", "x"], "f")
    assert names == ["s_b", "s_c", "x"]
    assert (X[:, :2].sum(axis=0) > 0).all()
    X2, names2, sources = v.design_matrix_sources(frame, ["s", "x"], "f")
    assert names2 == names and sources == ["s", "s", "x"]
    np.testing.assert_array_equal(X2, X)
    assert list(frame["s"].cat.categories) == ["a", "b", "c", "zz"]  # caller's frame untouched


@pytest.mark.parametrize("argument", ["treatment", "strata", "cluster"])
def test_mixed_numbers_and_text_in_a_grouping_column_are_refused(argument):
    # issue 15: "1" and 1 in one column is a broken export, not two groups
    values = pd.Series([0, 1, "1", 0, 1, 1], dtype=object)
    with pytest.raises(ColumnError, match=rf"The {argument} column 'c'.*mixes numbers and text"):
        if argument == "treatment":
            v.two_valued(values, "c", argument, "f")
        elif argument == "strata":
            v.group_codes(values, "c", argument, "f")
        else:
            v.factorize_levels(values, "c", argument, "f")


def test_mixed_treatment_is_refused_by_an_estimator():
    import effekt as ef

    df = pd.DataFrame({"y": [0, 1, 1, 0, 1, 0], "t": pd.Series([0, 1, 0, "1", 1, 0], dtype=object)})
    with pytest.raises(ColumnError, match="treatment column 't'.*mixes numbers and text"):
        ef.rct.difference_in_proportions(df, "y", "t")


def test_a_huge_integer_as_a_column_name_is_not_in_data():
    # issue 15 sweep: 10**400 looked up in the columns raised OverflowError inside pandas
    with pytest.raises(ColumnError, match="is not in data"):
        v.require_columns(pd.DataFrame({"a": [1]}), "f", outcome=10**400)


def test_a_numeric_column_with_overflowing_values_is_refused():
    # issue 15 sweep: an outcome of 1e300 made the HC2 fit of subgroups() raise LinAlgError
    with pytest.raises(ColumnError, match="as large as 1e\\+300.*rescale"):
        v.numeric_column(pd.Series([1e300, 1.0]), "y", "f", "outcome")
