"""A Danish export read naively: every estimator that takes covariates refuses it quickly.

The list of estimators is the convention tests' ``_covariate_calls`` (itself checked against
the public API), so a new estimator with covariates is covered here too.
"""

from __future__ import annotations

import time

import pandas as pd
import pytest

from effekt.errors import EffektError
from jobcentre_export import write_jobcentre_export
from test_conventions import _covariate_calls


@pytest.fixture(scope="module")
def export(tmp_path_factory):
    path = tmp_path_factory.mktemp("danish") / "eksport.csv"
    write_jobcentre_export(path, n=1000)
    return path


def _raises_fast(call, data, covariates, match):
    before = data.copy()
    start = time.perf_counter()
    with pytest.raises(EffektError, match=match):
        call(data, covariates)
    assert time.perf_counter() - start < 1.0
    assert data.equals(before)


@pytest.mark.parametrize("qualname", sorted(_covariate_calls()))
def test_a_naively_read_decimal_comma_column_raises_naming_it(export, qualname):
    naive = pd.read_csv(export, sep=";")
    assert naive["måneder_ledig"].dtype != float  # "30,3" stays text
    _raises_fast(
        _covariate_calls()[qualname],
        naive,
        ["age", "måneder_ledig"],
        r"'måneder_ledig'.*decimal comma.*(decimal=\",\"|read_table)",
    )


@pytest.mark.parametrize("qualname", sorted(_covariate_calls()))
def test_a_datetime_covariate_raises_naming_it(export, qualname):
    naive = pd.read_csv(export, sep=";", decimal=",", parse_dates=["start_dato"], dayfirst=True)
    _raises_fast(_covariate_calls()[qualname], naive, ["age", "start_dato"], "'start_dato'.*date")


@pytest.mark.parametrize("qualname", sorted(_covariate_calls()))
def test_a_500_level_categorical_raises_naming_it_and_the_count(export, qualname):
    naive = pd.read_csv(export, sep=";", decimal=",")
    naive["sagsnummer"] = [f"sag {i % 500}" for i in range(len(naive))]
    _raises_fast(_covariate_calls()[qualname], naive, ["age", "sagsnummer"], "'sagsnummer'.*500")
