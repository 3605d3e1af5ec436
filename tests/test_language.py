"""Danish output: the language setting, Danish numbers and words, and the exports."""

from __future__ import annotations

import pandas as pd
import pytest

import effekt as ef
from effekt.errors import EffektError
from effekt.language import TERMS, get_language, number, set_language, term, use_language


@pytest.fixture
def trial():
    # R: prop.test(c(208, 155), c(1302, 1291), correct = FALSE) -> p = 0.0035
    return ef.rct.difference_in_proportions_from_counts(208, 1302, 155, 1291)


def test_english_is_the_default_and_unchanged(trial):
    assert get_language() == "en"
    assert trial.summary().startswith("Effect: +4.0 pp (95% CI +1.3 to +6.6 pp), p = 0.004")


def test_a_danish_summary_has_danish_words_and_decimal_commas(trial):
    text = trial.summary(language="da")
    assert text.startswith(
        "Effekt: +4,0 procentpoint (95 %-konfidensinterval +1,3 til +6,6 procentpoint), "
        "p = 0,004, signifikant"
    )
    assert "deltagere: 16,0 % af 1.302   kontrolgruppe: 12,0 % af 1.291" in text
    assert "relativ ændring: +33 %" in text
    assert get_language() == "en"  # a per-call language does not stick


def test_the_session_setting_and_the_context_manager(trial):
    with use_language("da"):
        assert str(trial).startswith("Effekt: +4,0 procentpoint")
        assert trial.summary(language="en").startswith("Effect: +4.0 pp")
    assert str(trial).startswith("Effect:")
    set_language("da")
    try:
        assert "procentpoint" in trial._repr_html_()
    finally:
        set_language("en")


def test_people_tables_have_danish_headers(trial):
    table = trial.formatted(language="da")
    assert list(table.columns)[:4] == ["gruppe", "estimat", "95 %-konfidensinterval", "p-værdi"]
    assert table["estimat"].iloc[0] == "+4,0 procentpoint"
    assert "estimate" in trial.formatted().columns


def test_tables_and_tests_speak_danish():
    t = ef.results.EffectTable(
        (ef.results.EffectResult(0.1, 0.04, (0.02, 0.18), 0.0123, "Wald", label="IPS"),),
        title="Job",
        notes=("x",),
    )
    assert "bemærk: x" in t.summary(language="da")
    assert "p = 0,012" in t.summary(language="da")
    test = ef.results.TestResult(3.84, 0.05, "no effect", "chi2", 1)
    assert "p = 0,050" in test.summary(language="da")


def test_numbers_follow_the_language():
    assert number(1234567.891, 2, "da") == "1.234.567,89"
    assert number(1234567.891, 2, "en") == "1,234,567.89"
    assert number(-0.5, 1, "da", sign=True) == "-0,5"
    assert number(float("nan"), 1, "da") == "ikke defineret"


def test_users_extend_the_table_and_add_a_language(trial):
    TERMS["Effect"]["sv"] = "Effekt (sv)"
    try:
        assert trial.summary(language="sv").startswith("Effekt (sv): +4.0 pp")
        assert term("control", "sv") == "control"  # falls back to English
    finally:
        del TERMS["Effect"]["sv"]


def test_an_unknown_language_raises_naming_the_fix(trial):
    with pytest.raises(EffektError, match="'language'.*TERMS"):
        trial.summary(language="xx")
    with pytest.raises(EffektError, match="'language'"):
        set_language("dansk")


def test_to_excel_round_trips_the_numbers(tmp_path, trial):
    pytest.importorskip("openpyxl")
    path = trial.to_excel(tmp_path / "effekt.xlsx", language="da")
    back = pd.read_excel(path, sheet_name="data")
    frame = trial.to_frame()
    for col in ("estimate", "ci_low", "ci_high", "pvalue", "n_treated", "mean_treated"):
        assert back[col].iloc[0] == pytest.approx(frame[col].iloc[0], rel=1e-12), col
    people = pd.read_excel(path, sheet_name="table")
    assert people["estimat"].iloc[0] == "+4,0 procentpoint"
    import openpyxl

    sheet = openpyxl.load_workbook(path)["data"]
    header = [c.value for c in sheet[1]]
    assert sheet.cell(2, header.index("estimate") + 1).number_format == "0.0%"


def test_the_danish_csv_opens_as_columns_and_keeps_the_letters(tmp_path):
    r = ef.results.EffectResult(
        0.04, 0.01, (0.02, 0.06), 0.001, "Wald", label="Århus Øst", outcome="i_job"
    )
    path = r.to_csv(tmp_path / "effekt.csv", dialect="excel-da")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert b";" in raw.splitlines()[0] and b"0,04" in raw
    back = pd.read_csv(path, sep=";", decimal=",", encoding="utf-8-sig")
    assert back["label"].iloc[0] == "Århus Øst"
    assert back["estimate"].iloc[0] == 0.04 and back["ci_high"].iloc[0] == 0.06
    with use_language("da"):
        assert r.to_csv(tmp_path / "b.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert b";" not in r.to_csv(tmp_path / "c.csv").read_bytes().splitlines()[0]
    with pytest.raises(EffektError, match="'dialect'"):
        r.to_csv(tmp_path / "d.csv", dialect="excel-dk")


#: result classes whose summary speaks Danish this wave (simple_effect, matching, report and
#: reproduction follow in the second wave)
DANISH_CLASSES = {
    "EffectResult",
    "EffectTable",
    "TestResult",
    "SubgroupResult",
    "PowerResult",
    "ReportedShares",
    "KaplanMeier",
    "Trajectory",
}


def _danish_examples():
    from result_examples import build_examples

    examples = dict(build_examples())
    examples["KaplanMeier"] = ef.duration.kaplan_meier(
        pd.DataFrame({"uger": [2, 4, 6, 8], "job": [1, 1, 0, 1]}), "uger", "job"
    )
    panel = ef.synthetic.panels.ips_weeks(seed=1, long=True, arms=("IPS", "control"))
    examples["Trajectory"] = ef.trajectory.effect_over_time(
        panel, "in_work", "arm", "person", "week", treated_value="IPS", n_draws=200
    )
    return examples


@pytest.mark.parametrize("name", sorted(DANISH_CLASSES))
def test_every_result_in_the_area_speaks_danish(name):
    result = _danish_examples()[name]
    english, danish = result.summary(), result.summary(language="da")
    assert danish != english
    danish_words = (
        "procentpoint",
        "konfidensinterval",
        "bemærk",
        "metode",
        "til",
        "antal",
        "ingen",
    )
    assert any(w in danish for w in danish_words), danish
    assert str(result) == english
    with use_language("da"):
        assert str(result) == danish


def test_a_matched_effect_speaks_danish():
    obs = ef.synthetic.observational(600, effect=0.05, seed=1)
    m = ef.matching.match(obs, "treated", ["age", "months_on_benefit", "gender"])
    text = m.effect("job").summary(language="da")
    assert text.startswith("Effekt (ATT): +")
    assert "procentpoint (95 %-konfidensinterval" in text and "relativ ændring" in text


def test_provider_and_matching_results_speak_danish():
    import effekt as ef

    teach = ef.simple_effect.contrast_from_counts(["A", "B"], [19, 5], [20, 20], [18, 1], [20, 20])
    text = teach.summary(language="da")
    assert "kausal effekt +5,0 procentpoint (-15,0 til +25,5" in text
    assert "den højeste simple effekt er ikke det bedste forløb" in text
    assert "kausal effekt (procentpoint)" in teach.formatted(language="da").columns
    data = ef.synthetic.providers(5, [120, 100, 140, 90, 110], seed=4)
    target = ef.simple_effect.against_target(data, "job_6m", "provider", 0.35)
    text = target.summary(language="da")
    assert "mod det aftalte mål på 35,0 %" in text and " af " in text
    assert "vurdering" in target.formatted(language="da").columns
    obs = ef.synthetic.observational(400, effect=0.05, seed=3)
    m = ef.matching.match(obs, "treated", ["age", "months_on_benefit"], caliper=0.2)
    text = m.summary(language="da")
    assert text.startswith("Nærmeste-nabo-matchning") and "uden tilbagelægning" in text
    assert "caliper 0,2 SD" in text and "kontroller:" in text
    assert list(m.formatted(language="da").columns) == ["", "før matchning", "efter matchning"]
    assert m.summary().startswith("Nearest-neighbour matching")


# --- issue 15: the notes of summary() speak Danish --------------------------------------------


def _english_notes(text: str, notes: tuple[str, ...]) -> list[str]:
    return [n for n in notes if n in text]


def test_a_danish_summary_shows_no_english_note_text():
    import numpy as np
    import pandas as pd

    import effekt as ef
    from effekt.results import EffectResult

    nan = EffectResult(np.nan, np.nan, (np.nan, np.nan), np.nan, "Wald", mean_control=0.0,
                       mean_treated=0.1)  # fmt: skip
    english = nan._automatic_notes()
    assert len(english) == 2
    da = nan.summary(language="da")
    assert not _english_notes(da, tuple(english)), da
    assert "ikke defineret (NaN eller uendelig)" in da and "kontrolgruppen er 0" in da

    df = pd.DataFrame(
        {"y": [1, 0, 1, 0, 1, 1, 0, 0] * 3, "t": [1, 1, 0, 0] * 6, "s": ["a"] * 12 + ["b"] * 12}
    )
    mh = ef.rct.difference_in_proportions(df, "y", "t", strata="s", method="wald")
    assert len(mh.notes) == 2  # the Mantel-Haenszel shares and the method= note
    da = mh.summary(language="da")
    assert not _english_notes(da, mh.notes), da
    assert "Mantel-Haenszel-vægtene" in da and "method='wald' gælder" in da
    assert all(n in mh.summary(language="en") for n in mh.notes)  # English unchanged


def test_a_danish_summary_of_a_constant_outcome_has_the_danish_note():
    import pandas as pd

    import effekt as ef

    df = pd.DataFrame({"y": [1] * 20, "t": [0, 1] * 10})
    r = ef.rct.difference_in_proportions(df, "y", "t")
    da = r.summary(language="da")
    assert "alle enheder har samme udfald" in da
    assert not _english_notes(da, r.notes), da


def test_notes_survive_pickling_with_their_template():
    import pickle

    from effekt.language import Note, say

    n = Note("method={method} applies to unadjusted comparisons; with strata=, cluster= or "
             "covariates= the interval is the Wald-type one named in 'method'", method="'wald'")  # fmt: skip
    back = pickle.loads(pickle.dumps(n))
    assert back == n and say(back, "da") == say(n, "da")


def test_the_fieller_note_is_danish_in_a_danish_summary():
    import effekt as ef

    r = ef.rct.difference_in_means_from_summary(1.0, 5.0, 20, 0.1, 5.0, 20)
    assert any("Fieller" in n for n in r.notes)
    da = r.summary(language="da")
    assert "Fieller-intervallet for den relative ændring er ubegrænset" in da
    assert not _english_notes(da, r.notes), da
    assert "the whole real line" not in da and "half-lines" not in da


def test_subgroup_method_notes_are_danish():
    import numpy as np
    import pandas as pd

    import effekt as ef

    rng = np.random.default_rng(3)
    df = pd.DataFrame(
        {"y": rng.integers(0, 2, 200), "t": np.tile([0, 1], 100), "g": np.repeat(["a", "b"], 100)}
    )
    r = ef.rct.subgroups(df, "y", "t", by="g", adjust="holm")
    da = r.summary(language="da")
    assert "justerede p-værdier: Holm over" in da and "interaktionstest: Wald F" in da
    assert "adjusted p-values" not in da and "interaction test:" not in da
    assert "adjusted p-values: Holm" in r.summary(language="en")
