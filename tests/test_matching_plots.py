"""Love plot and overlap plot of a MatchResult (Agg backend)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pandas as pd
import pytest

from effekt.errors import EffektError
from effekt.matching import match


@pytest.fixture()
def result():
    rng = np.random.default_rng(4)
    n = 500
    df = pd.DataFrame({"age": rng.normal(40, 9, n), "group": rng.choice(["a", "b"], n)})
    df["t"] = (rng.random(n) < 1 / (1 + np.exp(1.2 - 0.06 * (df["age"] - 40)))).astype(int)
    return match(df, "t", ["age", "group"])


def test_love_plot(result):
    import matplotlib.pyplot as plt

    _, ax = plt.subplots()
    out = result.plot_balance(ax=ax, threshold=0.1)
    assert out is ax
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == ["distance", "age", "group_a", "group_b"]
    assert ax.get_xlabel() == "Absolute standardized mean difference"
    assert any(np.allclose(line.get_xdata(), 0.1) for line in ax.get_lines())
    xs = ax.collections[1].get_offsets()[:, 0]  # after matching
    np.testing.assert_allclose(
        np.sort(xs), np.sort(np.abs(result.balance()["smd_after"].to_numpy()))
    )


def test_overlap_plot(result):
    ax = result.plot_overlap()
    assert ax.get_xlabel() == "Propensity score"
    names = ax.get_legend_handles_labels()[1]
    assert sorted(names) == sorted(
        ["treated, all", "treated, matched", "control, all", "control, matched"]
    )


def test_overlap_needs_a_score():
    rng = np.random.default_rng(1)
    df = pd.DataFrame(
        {"a": rng.normal(size=80), "b": rng.normal(size=80), "t": np.arange(80) % 3 == 0}
    )
    m = match(df, "t", ["a", "b"], distance="mahalanobis")
    with pytest.raises(EffektError, match="Mahalanobis"):
        m.plot_overlap()
