"""Push-down of the count-based estimators beyond the trials (issue 14): simple effects per
provider, the teaching contrast, DiD from municipality x month counts and the register
paid-hours rule give the pandas numbers on Polars, PyArrow, DuckDB (and Spark) inputs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import effekt as ef
from backends import KINDS, as_backend, assert_same
from effekt.did import did_from_counts
from effekt.errors import ColumnError, DroppedRowsWarning, EffektError, MissingValueError
from effekt.registers import paid_hours_months, share_with_paid_hours
from effekt.simple_effect import compare_providers, contrast, simple_effects
from effekt.synthetic.panels import municipality_panel

PROVIDERS = ef.synthetic.providers(6, 120, provider_effects=[0, 0, 0, 0, 0, 0.2], seed=4)
PROVIDERS = PROVIDERS.assign(
    period=np.arange(len(PROVIDERS)) % 2, svar=np.where(PROVIDERS["job_6m"] == 1, "Ja", "Nej")
)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("kwargs", [{}, {"period": "period"}], ids=["plain", "period"])
def test_simple_effects_same_on_every_backend(kind, kwargs):
    expected = simple_effects(PROVIDERS, "job_6m", "provider", **kwargs)
    got = simple_effects(as_backend(kind, PROVIDERS), "job_6m", "provider", **kwargs)
    assert_same(expected.table(), got.table())
    assert got.overall_rate == pytest.approx(expected.overall_rate, abs=1e-12)


@pytest.mark.parametrize("kind", KINDS)
def test_simple_effects_text_outcome(kind):
    expected = simple_effects(PROVIDERS, "job_6m", "provider")
    got = simple_effects(as_backend(kind, PROVIDERS), "svar", "provider", outcome_value="Ja")
    assert_same(expected.table(), got.table())


@pytest.mark.parametrize("kind", KINDS)
def test_compare_providers_same_on_every_backend(kind):
    args = ("job_6m", "provider", ["age", "benefit_group"])
    expected = compare_providers(PROVIDERS, *args, warn=False)
    got = compare_providers(as_backend(kind, PROVIDERS), *args, warn=False)
    assert_same(expected.table(), got.table())


GROUPS = pd.DataFrame(
    {
        "group": ["strong"] * 40 + ["complex"] * 40,
        "course": ([1] * 20 + [0] * 20) * 2,
        "job": [1] * 19 + [0] + [1] * 20 + [1] * 3 + [0] * 17 + [0] * 20,
    }
)


@pytest.mark.parametrize("kind", KINDS)
def test_contrast_same_on_every_backend(kind):
    expected = contrast(GROUPS, "job", "course", by="group").table()
    got = contrast(as_backend(kind, GROUPS), "job", "course", by="group").table()
    if kind in ("polars-lazy", "duckdb"):  # a lazy source has no row order: groups sorted
        expected = expected.sort_values("group").reset_index(drop=True)
    else:  # in memory: order of appearance, as with pandas
        assert got["group"].tolist() == ["strong", "complex"]
    assert_same(expected, got)


TWO = municipality_panel("hir", "company", seed=2)
TWO = TWO[TWO["period"].isin(["start", "end"])].reset_index(drop=True)
TWO["month"] = TWO["month"].astype(str)  # a pandas Period has no Arrow group-by


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("se", ["cr2", "wild"])
def test_did_from_counts_same_on_every_backend(kind, se):
    args = ("count", "denominator", "participating", "post")
    kwargs = dict(id="municipality", time="month", se=se, n_boot=199)
    expected = did_from_counts(TWO, *args, **kwargs)
    got = did_from_counts(as_backend(kind, TWO), *args, **kwargs)
    assert_same(expected, got)
    assert [round(100 * x, 1) for x in (got.extra["gap_start"], got.extra["gap_end"])] == [2.5, 5.6]


def test_did_from_counts_duplicates_counted_from_cells():
    doubled = pd.concat([TWO, TWO.iloc[:3]])
    with pytest.raises(EffektError, match="3 duplicated"):
        did_from_counts(
            doubled,
            "count",
            "denominator",
            "participating",
            "post",
            id="municipality",
            time="month",
        )


def register(n_persons: int = 300, months: int = 12, seed: int = 5) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    person = np.repeat(np.arange(n_persons), months)
    wage = np.where(rng.random(len(person)) < 0.3, rng.uniform(0, 40_000, len(person)), 0.0)
    return pd.DataFrame(
        {
            "person": person,
            "month": np.tile(201701 + np.arange(months), n_persons),
            "wage": wage.round(2),
            "hours": rng.uniform(0, 200, len(person)).round(1),
            "benefit": (rng.random(len(person)) < 0.6).astype(int),
            "kommune": np.repeat(rng.integers(0, 5, n_persons), months),
        }
    )


PANEL = register()


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(
    "kwargs",
    [{}, {"on_benefit": "benefit", "by": "kommune", "window": (201703, 201708)}],
    ids=["plain", "benefit-by-window"],
)
def test_share_with_paid_hours_same_on_every_backend(kind, kwargs):
    args = ("person", "month", "wage", "hours")
    expected = share_with_paid_hours(PANEL, *args, **kwargs)
    got = share_with_paid_hours(as_backend(kind, PANEL), *args, **kwargs)
    assert_same(expected, got)


@pytest.mark.parametrize("kind", KINDS[1:])
def test_paid_hours_months_computed_in_the_engine(kind):
    nw = pytest.importorskip("narwhals.stable.v2")
    data = PANEL.assign(wage=PANEL["wage"].where(PANEL.index % 97 != 1))
    with pytest.warns(DroppedRowsWarning):
        expected = paid_hours_months(data, "wage", "hours", on_benefit="benefit", missing="drop")
    with pytest.warns(DroppedRowsWarning):
        out = paid_hours_months(
            as_backend(kind, data), "wage", "hours", on_benefit="benefit", missing="drop"
        )
    frame = nw.from_native(out)
    assert type(nw.to_native(frame)) is type(as_backend(kind, data))  # same backend back
    if isinstance(frame, nw.LazyFrame):
        frame = frame.collect()
    assert frame["paid_hours"].to_list() == expected.tolist()


# --------------------------------------------------------------------------- bad input


def _message(call, kind, data):
    with pytest.raises(EffektError) as info:
        call(as_backend(kind, data))
    return type(info.value), str(info.value)


BAD_CALLS = {
    "simple_effects missing column": (lambda d: simple_effects(d, "job", "provider"), PROVIDERS),
    "simple_effects null outcome": (
        lambda d: simple_effects(d, "job_6m", "provider"),
        PROVIDERS.assign(job_6m=PROVIDERS["job_6m"].where(PROVIDERS.index % 9 != 0)),
    ),
    "simple_effects non-binary outcome": (
        lambda d: simple_effects(d, "job_6m", "provider"),
        PROVIDERS.assign(job_6m=PROVIDERS.index % 3),
    ),
    "contrast non-binary treatment": (
        lambda d: contrast(d, "job", "course", by="group"),
        GROUPS.assign(course=GROUPS.index % 3),
    ),
    "contrast null outcome": (
        lambda d: contrast(d, "job", "course", by="group"),
        GROUPS.assign(job=GROUPS["job"].where(GROUPS.index != 4)),
    ),
    "did non-binary treatment": (
        lambda d: did_from_counts(
            d, "count", "denominator", "participating", "post", id="municipality", time="month"
        ),
        TWO.assign(participating=TWO.index % 3),
    ),
    "did null count": (
        lambda d: did_from_counts(
            d, "count", "denominator", "participating", "post", id="municipality", time="month"
        ),
        TWO.assign(count=TWO["count"].where(TWO.index != 7)),
    ),
    "paid hours missing column": (
        lambda d: share_with_paid_hours(d, "person", "month", "wage", "timer"),
        PANEL,
    ),
    "paid hours null wage": (
        lambda d: share_with_paid_hours(d, "person", "month", "wage", "hours"),
        PANEL.assign(wage=PANEL["wage"].where(PANEL.index != 30)),
    ),
    "paid hours negative hours": (
        lambda d: share_with_paid_hours(d, "person", "month", "wage", "hours"),
        PANEL.assign(hours=PANEL["hours"] - 5),
    ),
    "paid hours non-binary benefit": (
        lambda d: paid_hours_months(d, "wage", "hours", on_benefit="benefit"),
        PANEL.assign(benefit=PANEL.index % 3),
    ),
}


@pytest.mark.parametrize("kind", KINDS[1:])
@pytest.mark.parametrize("case", list(BAD_CALLS))
def test_bad_input_same_error_on_every_backend(kind, case):
    call, data = BAD_CALLS[case]
    expected = _message(call, "pandas", data)
    assert _message(call, kind, data) == expected
    assert issubclass(expected[0], ColumnError | MissingValueError)


# --------------------------------------------------------------------------- push-down


def test_register_scale_paid_hours_in_duckdb(monkeypatch):
    duckdb = pytest.importorskip("duckdb")
    import narwhals.stable.v2 as nw

    collected: list[int] = []
    real = nw.LazyFrame.collect

    def spy(self, *args, **kwargs):
        out = real(self, *args, **kwargs)
        collected.append(len(out))
        return out

    monkeypatch.setattr(nw.LazyFrame, "collect", spy)
    # 10^7 person-months: 200,000 persons x 50 months, 20 municipalities
    rel = duckdb.sql(
        "select i // 50 as person, 201700 + i % 50 as month, "
        "case when hash(i) % 10 < 3 then (hash(i * 7) % 40000)::double else 0 end as wage, "
        "(hash(i * 11) % 200)::double as hours, (hash(i * 13) % 10 < 6)::int as benefit, "
        "(i // 50) % 20 as kommune from range(10000000) tbl(i)"
    )
    out = share_with_paid_hours(
        rel, "person", "month", "wage", "hours", on_benefit="benefit", by="kommune"
    )
    assert len(out) == 20 and out["n_persons"].sum() == 200_000
    assert max(collected) <= 20  # per-municipality counts and check aggregates only


@pytest.mark.spark
def test_spark_same_as_pandas(spark):
    assert_same(
        simple_effects(PROVIDERS, "job_6m", "provider", period="period").table(),
        simple_effects(
            as_backend("spark", PROVIDERS, spark), "job_6m", "provider", period="period"
        ).table(),
    )
    args = ("count", "denominator", "participating", "post")
    assert_same(
        did_from_counts(TWO, *args, id="municipality", time="month"),
        did_from_counts(as_backend("spark", TWO, spark), *args, id="municipality", time="month"),
    )
    kwargs = {"on_benefit": "benefit", "by": "kommune", "window": (201703, 201708)}
    panel = ("person", "month", "wage", "hours")
    assert_same(
        share_with_paid_hours(PANEL, *panel, **kwargs),
        share_with_paid_hours(as_backend("spark", PANEL, spark), *panel, **kwargs),
    )
    expected = contrast(GROUPS, "job", "course", by="group").table()
    got = contrast(as_backend("spark", GROUPS, spark), "job", "course", by="group").table()
    assert_same(expected.sort_values("group").reset_index(drop=True), got)


@pytest.mark.parametrize("kind", KINDS)
def test_panel_errors_found_by_engine_aggregates(kind):
    doubled = pd.concat([PANEL, PANEL.iloc[[5, 40]]], ignore_index=True)
    with pytest.raises(EffektError, match=r"has 2 duplicated \('person', 'month'\) rows"):
        share_with_paid_hours(as_backend(kind, doubled), "person", "month", "wage", "hours")
    moved = PANEL.assign(kommune=np.where(PANEL.index == 13, 99, PANEL["kommune"]))
    with pytest.raises(
        EffektError, match=r"changes within 1 persons in the window \(e.g. person 1\)"
    ):
        share_with_paid_hours(
            as_backend(kind, moved), "person", "month", "wage", "hours", by="kommune"
        )
