"""effekt.plots: bad arguments are EffektErrors naming the argument (issue 15 sweep, wave B)."""

import numpy as np
import pandas as pd
import pytest

import effekt as ef
from effekt import plots
from effekt.errors import ColumnError, EffektError


def effects() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "label": ["IPS", "IPSE"],
            "estimate": [0.13, 0.14],
            "ci_low": [0.04, 0.05],
            "ci_high": [0.22, 0.23],
            "scale": ["proportion", "proportion"],
        }
    )


@pytest.mark.parametrize("bad", ["x", 3, np.array([1.0, 2.0])])
def test_an_ax_that_is_not_an_axes_is_named(bad):
    with pytest.raises(EffektError, match="'ax' argument of forest"):
        plots.forest(effects(), ax=bad)  # was AttributeError from matplotlib


def test_texts_labels_and_colour_are_checked():
    with pytest.raises(EffektError, match="'title' argument of forest"):
        plots.forest(effects(), title=np.array([1.0, 2.0]))  # was "truth value ambiguous"
    with pytest.raises(EffektError, match="'labels' argument of forest"):
        plots.forest(effects(), labels=3)  # was TypeError: not iterable
    with pytest.raises(EffektError, match="'color' argument of forest"):
        plots.forest(effects(), color="no such colour")  # was ValueError from matplotlib


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda f: f.drop(columns="ci_low"), "has no column 'ci_low'"),
        (lambda f: f.iloc[:0], "has no rows"),
        (lambda f: f.assign(estimate=["0.13", 0.14]), "must hold numbers"),
        (lambda f: f.assign(ci_high=[np.inf, 0.23]), "infinite"),
        (lambda f: f.assign(estimate=[0.5, 0.14]), "outside its interval"),
    ],
)
def test_a_bad_table_names_the_column(change, message):
    with pytest.raises(EffektError, match=message):
        plots.forest(change(effects()))  # were KeyError, IndexError, TypeError, ValueError


def test_funnel_and_caterpillar_options_are_effekt_errors():
    prov = ef.synthetic.providers(6, 40, seed=1)
    cmp = ef.simple_effect.compare_providers(prov, "job_6m", "provider", ["age"])
    curve = ef.simple_effect.funnel_limits(0.3, [10, 20, 40, 80])
    with pytest.raises(EffektError, match="'highlight' argument of funnel"):
        plots.funnel(cmp.funnel_table(), curve, 0.3, highlight="none")  # was a plain ValueError
    with pytest.raises(EffektError, match="'label_providers' argument of funnel"):
        plots.funnel(cmp.funnel_table(), curve, 0.3, label_providers=3)  # was TypeError
    with pytest.raises(EffektError, match="'shown_interval' argument of caterpillar"):
        plots.caterpillar(cmp.table(), 0.3, shown_interval="all")  # was a plain ValueError


def test_overlap_plot_arrays_are_checked():
    score = np.linspace(0.1, 0.9, 10)
    with pytest.raises(EffektError, match="'score' argument of overlap_plot"):
        plots.overlap_plot(10**400, np.ones(10))  # was OverflowError
    with pytest.raises(EffektError, match="differ in length"):
        plots.overlap_plot(score, np.ones(9))
    with pytest.raises(EffektError, match="'weights' argument of overlap_plot"):
        plots.overlap_plot(score, np.tile([0, 1], 5), weights=-np.ones(10))


def test_subgroup_forest_refuses_a_missing_subgroup_column_value():
    table = pd.DataFrame(
        {"by": [np.nan, np.nan], "level": ["m", "w"], "estimate": [0.02, 0.06],
         "ci_low": [-0.01, 0.02], "ci_high": [0.05, 0.10], "scale": ["proportion"] * 2}
    )  # fmt: skip
    with pytest.raises(ColumnError, match="column 'by'"):
        plots.subgroup_forest(table)  # was TypeError: ufunc 'invert'


def test_save_refuses_a_folder_and_a_non_axes(tmp_path):
    ax = plots.new_axes(None)
    with pytest.raises(EffektError, match="is the folder"):
        plots.save(ax, tmp_path)
    with pytest.raises(EffektError, match="'ax' argument of save"):
        plots.save("ax", tmp_path / "f.png")
    with pytest.raises(EffektError, match="'figsize' argument of new_axes"):
        plots.new_axes(None, figsize=(np.nan, 3.0))


def test_survival_curves_needs_a_kaplan_meier_result():
    with pytest.raises(EffektError, match="'km' argument of survival_curves"):
        plots.survival_curves(3.0)  # was AttributeError


def test_result_plot_methods_check_labels_and_texts():
    km = ef.duration.kaplan_meier(
        pd.DataFrame({"t": [1, 2, 3, 4], "e": [1, 0, 1, 1], "g": [0, 0, 1, 1]}), "t", "e",
        treatment="g",
    )  # fmt: skip
    with pytest.raises(EffektError, match="'labels' argument of KaplanMeier.plot"):
        km.plot(labels="x")  # was AttributeError: 'str' object has no attribute 'get'
    with pytest.raises(EffektError, match="'ci' argument of KaplanMeier.plot"):
        km.plot(ci=np.array([1, 0]))
