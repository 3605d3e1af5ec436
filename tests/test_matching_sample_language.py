"""Every matching design's result speaks Danish and takes the plot texts (issue 11)."""

from __future__ import annotations

import warnings

import matplotlib
import pytest

import effekt as ef

matplotlib.use("Agg")

COVS = ["age", "months_on_benefit", "gender"]


@pytest.fixture(scope="module")
def data():
    return ef.synthetic.observational(800, effect=0.05, seed=1)


@pytest.mark.parametrize(
    ("method", "name"),
    [
        ("cem", "Grovinddelt eksakt matchning"),
        ("subclass", "Underklasser efter propensity score"),
        ("ebal", "Entropibalancering"),
        ("overlap", "Overlapvægte"),
    ],
)
def test_summary_in_danish(data, method, name):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        r = ef.matching.match(data, "treated", COVS, method=method)
    da = r.summary(language="da")
    assert da.startswith(name) and "deltagere:" in da and "i stikprøven" in da
    assert "treated:" in r.summary()  # English stays the default
    assert "<th>before</th>" in r._repr_html_()
    with ef.language.use_language("da"):  # the notebook view follows the package setting
        assert "<th>før</th>" in r._repr_html_()


def test_plots_take_texts_and_language(data, tmp_path):
    r = ef.matching.match(data, "treated", COVS, method="subclass")
    ax = r.plot_balance(language="da", labels={"age": "Alder"}, title="Balance efter underklasser")
    ax.figure.savefig(tmp_path / "love.png")
    ticks = [t.get_text() for t in ax.get_yticklabels()]
    assert "Alder" in ticks and ax.get_title() == "Balance efter underklasser"
    ax = r.plot_overlap(language="da", xlabel="Sandsynlighed for forløb")
    assert ax.get_xlabel() == "Sandsynlighed for forløb"
    legend = " ".join(t.get_text() for t in ax.get_legend().get_texts())
    assert "matchet" in legend
