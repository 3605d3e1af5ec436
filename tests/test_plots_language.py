"""Plot texts: title=, xlabel=, ylabel=, labels= and the language setting (read from the Axes)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

import effekt as ef  # noqa: E402
from effekt.language import use_language  # noqa: E402
from effekt.plots import effect_trajectory, forest, subgroup_forest  # noqa: E402


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def _texts(ax):
    legend = ax.get_legend()
    return {
        "title": ax.get_title(),
        "xlabel": ax.get_xlabel(),
        "ylabel": ax.get_ylabel(),
        "legend": [t.get_text() for t in legend.get_texts()] if legend else [],
        "ticks": [t.get_text() for t in ax.get_yticklabels()],
        "notes": [t.get_text() for t in ax.texts],
    }


ROWS = pd.DataFrame(
    {
        "label": ["i_job_6_mdr", "i_uddannelse"],
        "estimate": [0.04, 0.02],
        "ci_low": [0.013, -0.003],
        "ci_high": [0.066, 0.037],
        "scale": "proportion",
    }
)


def test_forest_takes_title_axis_texts_and_labels():
    ax = forest(
        ROWS, title="Effekt af mentor", xlabel="X", ylabel="Y", labels={"i_job_6_mdr": "I job"}
    )
    t = _texts(ax)
    assert (t["title"], t["xlabel"], t["ylabel"]) == ("Effekt af mentor", "X", "Y")
    assert t["ticks"] == ["I job", "i_uddannelse"]


def test_forest_in_danish_has_danish_axis_and_numbers(tmp_path):
    ax = forest(
        ROWS,
        labels={"i_job_6_mdr": "I job efter 6 mdr.", "i_uddannelse": "I uddannelse"},
        title="Mentorforsøget",
        language="da",
    )
    t = _texts(ax)
    assert t["xlabel"] == "Effekt (procentpoint)"
    assert any(n.startswith("+4,0 (+1,3 til +6,6) procentpoint") for n in t["notes"])
    ax.figure.savefig(tmp_path / "forest_da.png", dpi=80)


def test_a_trajectory_plot_is_all_danish(tmp_path):
    panel = ef.synthetic.panels.ips_weeks(seed=1, long=True, arms=("IPS", "control"))
    tr = ef.trajectory.effect_over_time(
        panel, "in_work", "arm", "person", "week", treated_value="IPS", n_draws=500
    )
    with use_language("da"):
        ax = tr.plot()
    t = _texts(ax)
    assert t["xlabel"] == "Uge" and t["ylabel"] == "Effekt (procentpoint)"
    assert t["legend"] == [
        "samtidigt 95 %-bånd (sup-t)",
        "punktvist 95 %-konfidensinterval",
        "estimat",
    ]
    ax.figure.savefig(tmp_path / "trajectory_da.png", dpi=80)
    en = _texts(tr.plot(title="IPS", ylabel="pp", labels={"estimate": "IPS vs. control"}))
    assert en["title"] == "IPS" and en["ylabel"] == "pp" and en["legend"][-1] == "IPS vs. control"
    assert en["xlabel"] == "Week"


def test_kaplan_meier_plot_in_danish_with_labels():
    df = pd.DataFrame(
        {"uger": [2, 4, 6, 8, 3, 5], "job": [1, 1, 0, 1, 1, 0], "gruppe": [1, 1, 1, 0, 0, 0]}
    )
    km = ef.duration.kaplan_meier(df, "uger", "job", treatment="gruppe")
    ax = km.plot(language="da", labels={1: "Mentor", 0: "Kontrol", "gruppe": "Gruppe"}, title="T")
    t = _texts(ax)
    assert t["ylabel"] == "Andel stadig uden job (%)"
    assert t["xlabel"].endswith("siden start")
    assert sorted(t["legend"]) == ["Kontrol", "Mentor"]
    assert ax.get_legend().get_title().get_text() == "Gruppe"


def test_subgroup_forest_and_subgroup_plot_in_danish():
    trial = ef.synthetic.rct(300, 300, p_control=0.2, effect=0.05, seed=1)
    sub = ef.rct.subgroups(trial, "outcome", "treated", by=["gender"])
    ax = sub.plot(language="da", labels={"outcome": "I job", "gender": "Køn"})
    t = _texts(ax)
    assert t["title"] == "I job" and t["xlabel"] == "Effekt (procentpoint)"
    assert t["ticks"][0] == "Alle" and t["ticks"][1].startswith("Køn (interaktion p = 0,")
    f = pd.DataFrame(
        {
            "by": ["køn"] * 2,
            "level": ["m", "k"],
            "estimate": [0.02, 0.06],
            "ci_low": [-0.01, 0.02],
            "ci_high": [0.05, 0.10],
            "scale": ["proportion"] * 2,
        }
    )
    ax = subgroup_forest(f, labels={"m": "Mand", "k": "Kvinde"}, xlabel="pp")
    assert [x.strip() for x in _texts(ax)["ticks"]] == ["køn", "Mand", "Kvinde"]


def test_effect_trajectory_takes_the_texts():
    f = pd.DataFrame(
        {
            "time": [1, 2, 3],
            "estimate": [0.0, 0.02, 0.05],
            "ci_low": [-0.01, 0.0, 0.02],
            "ci_high": [0.01, 0.04, 0.08],
        }
    )
    ax = effect_trajectory(f, xlabel="måned", ylabel="Y", title="T", language="da")
    assert (ax.get_xlabel(), ax.get_ylabel(), ax.get_title()) == ("Måned", "Y", "T")


def test_danish_tick_labels_have_a_decimal_comma():
    rows = ROWS.assign(estimate=[0.004, 0.002], ci_low=[0.001, -0.003], ci_high=[0.007, 0.006])
    ax = forest(rows, language="da")
    ax.figure.canvas.draw()
    ticks = [t.get_text() for t in ax.get_xticklabels()]
    assert any("," in t for t in ticks) and not any("." in t for t in ticks), ticks
    ax = forest(rows)
    ax.figure.canvas.draw()
    assert any("." in t.get_text() for t in ax.get_xticklabels())


def test_simple_vs_causal_in_danish_with_labels():
    from effekt.plots import simple_vs_causal
    from effekt.simple_effect import contrast_from_counts

    r = contrast_from_counts(["Strong", "Complex"], [190, 25], [200, 200], [196, 4], [200, 200])
    ax = simple_vs_causal(r.table(), language="da", labels={"Strong": "Stærk", "job": "job"})
    t = _texts(ax)
    assert t["title"] == "Den højeste simple effekt er ikke den bedste effekt"
    assert t["ylabel"] == "Andel i job (%)"
    assert t["legend"][0].startswith("Uden forløbet")
    ticks = [x.get_text() for x in ax.get_xticklabels()]
    assert ticks[0].startswith("Stærk\nnr. ")
    assert any("procentpoint" in n for n in t["notes"])


# --- providers and matching (second wave) ---------------------------------------------------


@pytest.fixture(scope="module")
def providers():
    data = ef.synthetic.providers(
        8,
        [240, 180, 300, 120, 200, 260, 90, 150],
        case_mix_shift=1.0,
        provider_effects=[0.0, 0.0, 0.0, 0.5, 0.0, 0.0, -0.5, 0.0],
        seed=2024,
    )
    return ef.simple_effect.compare_providers(
        data, "job_6m", "provider", case_mix=["age", "benefit_group", "months_unemployed"]
    )


def test_a_provider_comparison_summary_speaks_danish(providers):
    with use_language("da"):
        text = providers.summary()
        table = providers.formatted()
    assert "udbydere" in text and "deltagere" in text and "borgersammensætning" in text
    assert "konfidensinterval" in text and "justeret" in text
    assert "samlet andel 39,7 %" in text  # decimal comma
    assert "1.540 deltagere" in text  # thousands dot
    for english in ("providers", "participants", "overall rate", "adjusted p", " to "):
        assert english not in text, english
    assert "justeret andel (%)" in table.columns and "95 % konfidensinterval (%)" in table.columns
    assert "," in table["95 % konfidensinterval (%)"].iloc[0]
    assert providers.summary().startswith("Provider comparison")  # English is the default


def test_a_danish_funnel_has_danish_title_axes_and_legend(providers, tmp_path):
    ax = providers.plot_funnel(language="da", labels={"job_6m": "job efter 6 måneder"})
    t = _texts(ax)
    ax.figure.savefig(tmp_path / "funnel_da.png", dpi=80)
    assert t["title"] == "Udbydere justeret for borgersammensætning (indirekte standardisering)"
    assert t["xlabel"] == "Deltagere"
    assert t["ylabel"] == "Risikojusteret andel med job efter 6 måneder (%)"
    assert t["legend"] == [
        "95 %-grænser",
        "99,8 %-grænser",
        "samlet 39,7 %",
        "udbydere",
        "markeret af testen (tabellen)",
    ]
    assert sorted(t["notes"]) == ["P04", "P07"]  # the flagged providers are named
    renamed = providers.plot_funnel(
        title="Kurser", xlabel="Antal", ylabel="Andel", labels={"P04": "Jobhuset"}
    )
    t = _texts(renamed)
    assert (t["title"], t["xlabel"], t["ylabel"]) == ("Kurser", "Antal", "Andel")
    assert "Jobhuset" in t["notes"]


def test_a_danish_caterpillar_names_the_outcome_through_labels(providers):
    ax = providers.plot_caterpillar(language="da", labels={"job_6m": "job", "P07": "Kursus 7"})
    t = _texts(ax)
    assert t["title"] == "Udbydere rangordnet efter justering for borgersammensætning"
    assert t["xlabel"] == "Risikojusteret andel med job (%)"
    assert t["ylabel"] == "Udbydere, rangordnet"
    assert "Kursus 7" in t["ticks"] and "samlet 39,7 %" in t["legend"]
    assert any("markeret af testen" in s for s in t["legend"])


def test_danish_love_and_overlap_plots_of_a_match(tmp_path):
    obs = ef.synthetic.observational(600, effect=0.05, seed=3)
    m = ef.matching.match(obs, "treated", ["age", "months_on_benefit", "benefit_group"])
    names = {"age": "Alder", "benefit_group": "Ydelse", "treated": "Mentorforløb"}
    love = _texts(m.plot_balance(language="da", labels=names))
    assert love["title"] == "Balance i baggrundsvariable"
    assert love["xlabel"] == "Absolut standardiseret forskel i gennemsnit"
    assert love["legend"] == ["før justering", "efter matchning"]
    assert love["ticks"][:2] == ["propensity score", "Alder"]
    assert "Ydelse: kontanthjælp" in love["ticks"]
    ax = m.plot_overlap(language="da", labels=names)
    ax.figure.savefig(tmp_path / "overlap_da.png", dpi=80)
    overlap = _texts(ax)
    assert overlap["title"] == "Overlap i propensity score"
    assert overlap["ylabel"] == "Andel af gruppen (deltagere op, kontrolgruppe ned)"
    assert overlap["legend"] == [
        "Mentorforløb, alle",
        "kontrolgruppe, alle",
        "Mentorforløb, matchet",
        "kontrolgruppe, matchet",
    ]
    assert all("," in t or t in ("0", "") for t in overlap["ticks"])  # decimal commas
    english = _texts(m.plot_overlap(title="", xlabel="score"))
    assert (english["title"], english["xlabel"]) == ("", "score")
    assert english["legend"][0] == "treated, all"
