"""Provider comparisons (funnels, rates) under hostile input: no hang, no raw exception."""

import math
import time

import numpy as np
import pandas as pd
import pytest

from effekt import simple_effect as se
from effekt.errors import EffektError
from effekt.simple_effect import funnel_limits


@pytest.mark.parametrize("n", [1e17, 2**53 + 2, 10**400])
def test_funnel_limits_refuse_counts_above_2_53_at_once(n):
    # Regression: funnel_limits(0.3, [1e17]) ran > 600 s inside scipy, not interruptible.
    start = time.perf_counter()
    with pytest.raises(EffektError, match="'participants'"):
        funnel_limits(0.3, [n])
    assert time.perf_counter() - start < 5


def test_funnel_limits_at_the_largest_exact_count():
    lim = funnel_limits(0.3, [2**53])
    assert lim["lower_95"].iloc[0] == pytest.approx(0.3) == lim["upper_95"].iloc[0]


def test_overdispersion_of_one_unit_warns_and_notes():
    # Regression: one unit gave phi = NaN with no warning and no note.
    from effekt.errors import SmallSampleWarning
    from effekt.simple_effect import overdispersion

    with pytest.warns(SmallSampleWarning, match="at least 2 units"):
        od = overdispersion([0.3], [100], 0.3)
    assert np.isnan(od.phi) and "NaN" in od.summary()
    assert od.notes and "NaN" in od._repr_html_()


def test_overdispersion_of_two_units_has_no_note():
    import warnings

    from effekt.simple_effect import overdispersion

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        od = overdispersion([0.3, 0.4], [100, 100], 0.3)
    assert od.notes == () and od.phi > 0


def test_participants_beyond_the_float_range():
    with pytest.raises(EffektError, match="'participants'"):
        funnel_limits(0.3, [10**400])


# --------------------------------------------------------------- found by the sweep (share A)


@pytest.fixture(scope="module")
def prov():
    rng = np.random.default_rng(0)
    return pd.DataFrame(
        {
            "provider": np.repeat(["P1", "P2", "P3", "P4"], 20),
            "age": rng.integers(20, 60, 80),
            "job": rng.integers(0, 2, 80),
        }
    )


@pytest.mark.parametrize("bad", [np.array([1.0, np.nan]), pd.DataFrame()])
@pytest.mark.parametrize("argument", ["outcome", "provider", "case_mix"])
def test_compare_providers_column_arguments_without_truth_value(prov, argument, bad):
    # Regression: outcome=np.array([1, nan]) raised "truth value of an array is ambiguous".
    kwargs = {"outcome": "job", "provider": "provider", "case_mix": ["age"], argument: bad}
    with pytest.raises(EffektError, match=f"'{argument}'"):
        se.compare_providers(prov, **kwargs)


@pytest.mark.parametrize("labels", [math.nan, 3, {"a": 1}, "AB"])
def test_contrast_from_counts_labels_must_be_a_sequence(labels):
    # Regression: labels=nan raised TypeError: object of type 'float' has no len().
    with pytest.raises(EffektError, match="'labels'"):
        se.contrast_from_counts(labels, [19, 5], [20, 20], [18, 1], [20, 20])


@pytest.mark.parametrize("coverage", [math.nan, 0.95, (), [0.95, 1.5], "0.95"])
def test_funnel_limits_coverage_is_a_list_of_levels(coverage):
    # Regression: coverage=nan raised TypeError: 'float' object is not iterable.
    for call in (
        lambda: se.funnel_limits(0.3, [10, 50], coverage=coverage),
        lambda: se.ratio_funnel_limits([2.0, 10.0], coverage=coverage),
    ):
        with pytest.raises(EffektError, match="'coverage'"):
            call()


@pytest.mark.parametrize("phi", [10**400, [1, 2], pd.DataFrame(), math.inf, -1.0])
def test_funnel_limits_phi_is_checked(phi):
    # Regression: phi=10**400 raised TypeError from np.isfinite, phi=[1, 2] ValueError.
    with pytest.raises(EffektError, match="'phi'"):
        se.funnel_limits(0.3, [10, 50], overdispersion="multiplicative", phi=phi)


@pytest.mark.parametrize("expected", [10**400, "x", {"a": 1}, [2.0, -1.0], [], [math.nan]])
def test_ratio_funnel_limits_expected_is_checked(expected):
    # Regression: expected=10**400 raised OverflowError, "x" ValueError, a dict TypeError.
    with pytest.raises(EffektError, match="'expected'"):
        se.ratio_funnel_limits(expected)


def test_ratio_funnel_limits_of_one_expected_count():
    lim = se.ratio_funnel_limits(10.0)
    assert lim["lower_95"].iloc[0] < 1 < lim["upper_95"].iloc[0]


@pytest.fixture(scope="module")
def comparison(prov):
    return se.compare_providers(prov, "job", "provider", ["age"])


@pytest.mark.parametrize(
    ("kwargs", "argument"),
    [
        ({"highlight": math.nan}, "highlight"),
        ({"highlight": np.array([1.0, np.nan])}, "highlight"),
        ({"label_providers": math.nan}, "label_providers"),
        ({"label_providers": "x"}, "label_providers"),
        ({"label_providers": None}, "label_providers"),
        ({"title": np.array([1.0, np.nan])}, "title"),
        ({"ax": 0.5}, "ax"),
    ],
)
def test_funnel_plot_options_are_effekt_errors(prov, comparison, kwargs, argument):
    # Regression: highlight=nan raised a plain ValueError from plots.py, label_providers=nan a
    # TypeError ('float' object is not iterable), ax=0.5 an AttributeError.
    simple = se.simple_effects(prov, "job", "provider")
    for plot in (comparison.plot_funnel, simple.plot_funnel):
        with pytest.raises(EffektError, match=f"'{argument}'"):
            plot(**kwargs)


@pytest.mark.parametrize(
    ("kwargs", "argument"),
    [
        ({"shown_interval": math.nan}, "shown_interval"),
        ({"shown_interval": np.array([1.0, np.nan])}, "shown_interval"),
        ({"label_providers": 3}, "label_providers"),
        ({"ylabel": 3}, "ylabel"),
    ],
)
def test_caterpillar_options_are_effekt_errors(comparison, kwargs, argument):
    # Regression: shown_interval=nan raised a plain ValueError from plots.py.
    with pytest.raises(EffektError, match=f"'{argument}'"):
        comparison.plot_caterpillar(**kwargs)


def test_plot_options_that_are_valid_still_draw(prov, comparison):
    ax = comparison.plot_caterpillar(label_providers=None, shown_interval="shrunken")
    assert ax.get_yticklabels()
    ax = comparison.plot_funnel(label_providers=["P1"], highlight="limits", title="Funnel")
    assert ax.get_title() == "Funnel"


def test_target_plot_title_must_be_text(prov):
    # Regression: TargetComparison.plot(title=np.array([1, nan])) raised ValueError.
    t = se.against_target(prov, "job", "provider", 0.4)
    with pytest.raises(EffektError, match="'title'"):
        t.plot(title=np.array([1.0, np.nan]))


def test_a_list_in_a_provider_period_or_by_cell_is_a_column_error(prov):
    # Regression: a list in the provider, period or 'by' column raised TypeError: unhashable.
    from effekt.errors import ColumnError

    def listed(frame, column):
        out = frame.copy()
        values = list(out[column].astype(object))
        values[0] = [1, 2]
        out[column] = pd.Series(values, index=out.index, dtype=object)
        return out

    data = prov.assign(period=np.tile([2019, 2020], 40), t=np.tile([0, 1], 40))
    for call in (
        lambda: se.simple_effects(listed(data, "provider"), "job", "provider"),
        lambda: se.against_target(listed(data, "provider"), "job", "provider", 0.4),
        lambda: se.compare_providers(
            listed(data, "period"), "job", "provider", ["age"], period="period"
        ),
        lambda: se.contrast(listed(data, "provider"), "job", "t", "provider"),
    ):
        with pytest.raises(ColumnError, match="cannot be compared as levels"):
            call()
    ok = se.compare_providers(data, "job", "provider", ["age"], period="period")
    text = se.compare_providers(
        data.assign(period=data["period"].astype(str)), "job", "provider", ["age"], period="period"
    )
    assert np.allclose(ok.table()["expected"], text.table()["expected"])
