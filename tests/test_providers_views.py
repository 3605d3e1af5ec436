"""Issue 10: one definition of "differs" in the table, funnel, caterpillar and summary;
non-overlapping labels; provider column, integer participants, Danish order, short repr."""

from __future__ import annotations

import warnings

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from effekt import simple_effect as se  # noqa: E402
from effekt import synthetic  # noqa: E402

CASE_MIX = ["age", "female", "benefit_group", "months_unemployed", "health_issues"]


def _data(seed: int, effects: dict[int, float]) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    sizes = np.clip(np.round(np.exp(rng.normal(np.log(60), 1.2, 30))), 3, 800).astype(int)
    eff = [0.0] * 30
    for i, e in effects.items():
        eff[int(np.argsort(sizes)[i])] = e
    return synthetic.providers(
        30, sizes.tolist(), case_mix_shift=1.0, provider_effects=eff, seed=seed
    )


DATASETS = [
    (1, {-1: 0.15, -3: -0.15}),
    (2, {-1: 0.2}),
    (3, {-2: -0.2, -4: 0.12, -6: 0.1}),
    (4, {}),
]


def _red_points(ax) -> set[tuple[float, float]]:
    out = set()
    for coll in ax.collections:
        colors = coll.get_facecolors()
        if len(colors) and np.allclose(colors[0][:3], matplotlib.colors.to_rgb("C3")):
            out |= {(round(x, 6), round(y, 6)) for x, y in coll.get_offsets()}
    return out


@pytest.mark.filterwarnings("ignore::effekt.errors.SmallSampleWarning")
@pytest.mark.parametrize("seed, effects", DATASETS)
@pytest.mark.parametrize("method", ["indirect", "direct"])
def test_table_funnel_caterpillar_and_summary_flag_the_same(seed, effects, method) -> None:
    p = se.compare_providers(_data(seed, effects), "job_6m", "provider", CASE_MIX, method=method)
    t = p.table()
    flagged = set(t.loc[t["flag"], "provider"])
    # the interval of the flag excludes the overall rate exactly for the flagged providers
    outside = (t["flag_ci_low"] > p.overall_rate) | (t["flag_ci_high"] < p.overall_rate)
    assert set(t.loc[outside, "provider"]) == flagged
    # funnel: red points and names are exactly the flagged providers
    ax = p.plot_funnel()
    red = _red_points(ax)
    want = {(round(float(n), 6), round(100 * r, 6)) for n, r in
            t.loc[t["flag"], ["participants", "adjusted_rate"]].to_numpy()}  # fmt: skip
    assert red == want
    assert {txt.get_text() for txt in ax.texts} == flagged
    # caterpillar: red exactly the flagged ones, red intervals exclude the overall rate
    ax2 = p.plot_caterpillar(label_providers="highlighted")
    assert len(_red_points(ax2)) == len(flagged)
    assert {txt.get_text() for txt in ax2.texts} == flagged
    # summary names the same providers
    summary = p.summary()
    for name in t["provider"]:
        assert (f"  {name}:" in summary) == (name in flagged)
    plt.close("all")
    if seed == 1 and method == "indirect":
        assert len(flagged) >= 1


def _boxes(ax):
    fig = ax.figure
    fig.draw_without_rendering()
    renderer = fig.canvas.get_renderer()
    # the names themselves (an annotation's own extent also covers its leader line)
    return [matplotlib.text.Text.get_window_extent(t, renderer) for t in ax.texts]


@pytest.mark.filterwarnings("ignore::effekt.errors.SmallSampleWarning")
def test_labels_do_not_overlap(tmp_path) -> None:
    df = _data(1, {-1: 0.15})
    names = ["Køkkenskolen", "Jobhjørnet"] + [f"Udbyder {i:02d}" for i in range(28)]
    # the old funnel printed neighbours on top of each other ("KøkkenskolenJobhjørnet")
    df["provider"] = df["provider"].map(
        dict(zip(sorted(df["provider"].unique()), names, strict=True))
    )
    p = se.compare_providers(df, "job_6m", "provider", CASE_MIX)
    for ax in (
        p.plot_funnel(label_providers="all"),
        p.plot_caterpillar(label_providers=["Køkkenskolen", "Jobhjørnet", "Udbyder 03"]),
        se.simple_effects(df, "job_6m", "provider").plot_funnel(label_providers="all"),
    ):
        boxes = _boxes(ax)
        assert len(boxes) >= 3
        for i, a in enumerate(boxes):
            for b in boxes[i + 1 :]:
                assert not a.overlaps(b), (a, b)
    ax.figure.savefig(tmp_path / "labels.png")
    plt.close("all")


def test_highlight_limits_is_labelled_as_not_the_test() -> None:
    p = se.compare_providers(_data(2, {-1: 0.2}), "job_6m", "provider", CASE_MIX, warn=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ax = p.plot_funnel(highlight="limits")
        ax2 = p.plot_caterpillar(shown_interval="shrunken")
    for a in (ax, ax2):
        legend = " ".join(t.get_text() for t in a.get_legend().get_texts())
        assert "not the test" in legend
    plt.close("all")


def test_danish_order_integer_participants_and_short_repr() -> None:
    names = ["Åben Vej", "Zealand Job", "Ærø Kursus", "Østjysk Læring", "Aarhus Tech", "by"]
    df = pd.DataFrame(
        {
            "provider": np.repeat(names, 40),
            "job_6m": np.tile([1, 0, 0, 1, 0], 48),
            "age": np.tile(np.arange(20, 60), 6),
        }
    )
    want = ["Aarhus Tech", "by", "Zealand Job", "Ærø Kursus", "Østjysk Læring", "Åben Vej"]
    assert sorted(names, key=se.danish_sort_key) == want
    p = se.compare_providers(df, "job_6m", "provider", ["age"])
    s = se.simple_effects(df, "job_6m", "provider")
    t = se.against_target(df, "job_6m", "provider", 0.4)
    for table in (p.table(), s.table(), t.table(), p.funnel_table()):
        assert table["provider"].tolist() == want
        assert table["participants"].dtype == np.int64
    for result in (p, s):
        text = repr(result)
        assert "\n" not in text and len(text) < 120 and "6 " in text
