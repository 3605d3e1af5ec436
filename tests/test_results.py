"""EffectResult, EffectTable and TestResult: attributes, text, tidy rows."""

import numpy as np
import pandas as pd
import pytest

from effekt.results import EffectResult, EffectTable, TestResult, effect_from_normal


def test_relative_change_is_derived_from_means():
    r = EffectResult(0.04, 0.01, (0.02, 0.06), 0.001, "Wald", mean_treated=0.16, mean_control=0.12)
    assert r.relative_change == pytest.approx(1 / 3)


def test_summary_speaks_percentage_points():
    r = EffectResult(
        0.04,
        0.01,
        (0.02, 0.06),
        0.0004,
        "Wald",
        n_treated=1302,
        n_control=1291,
        mean_treated=0.16,
        mean_control=0.12,
    )
    text = r.summary()
    assert "+4.0 pp" in text and "95% CI +2.0 to +6.0 pp" in text
    assert "1,302" in text and "p < 0.001" in text and "+33 %" in text
    html = r._repr_html_()
    assert "<table" in html and "<pre>" not in html
    cells = html.replace("&nbsp;", " ")
    assert "<td>+4.0 pp</td>" in cells and "<td>+2.0 to +6.0 pp</td>" in cells


def test_summary_of_means_uses_units():
    r = EffectResult(
        1.9,
        0.5,
        (0.9, 2.9),
        0.0002,
        "Welch",
        scale="mean",
        unit="hours/week",
        mean_treated=4.8,
        mean_control=2.9,
    )
    assert "+1.90 hours/week" in r.summary()


def test_to_frame_is_one_tidy_numeric_row():
    r = EffectResult(0.04, 0.01, (0.02, 0.06), 0.01, "Wald", extra={"pvalue_fisher": 0.02})
    frame = r.to_frame()
    assert frame.shape[0] == 1
    assert frame.loc[0, "ci_low"] == 0.02 and frame.loc[0, "ci_high"] == 0.06
    assert frame.loc[0, "pvalue_fisher"] == 0.02
    assert pd.api.types.is_float_dtype(frame["relative_change"])


def test_results_are_frozen():
    r = EffectResult(0.04, 0.01, (0.02, 0.06), 0.01, "Wald")
    with pytest.raises(AttributeError):
        r.estimate = 1.0  # type: ignore[misc]


def test_effect_from_normal_z_and_t():
    r = effect_from_normal(0.04, 0.02, 0.95, method="Wald")
    assert r.ci == pytest.approx((0.04 - 1.959964 * 0.02, 0.04 + 1.959964 * 0.02), abs=1e-6)
    assert r.pvalue == pytest.approx(0.0455, abs=1e-4)
    t = effect_from_normal(0.04, 0.02, 0.95, df=14, method="CR2")
    assert t.ci[1] - t.ci[0] > r.ci[1] - r.ci[0]


def test_table_and_forest_plot():
    a = EffectResult(0.13, 0.04, (0.05, 0.21), 0.001, "Wald", label="IPS")
    b = EffectResult(0.14, 0.04, (0.06, 0.22), 0.001, "Wald", label="IPSE")
    t = EffectTable((a, b), title="IPS", tests={"x": TestResult(1.0, 0.3, "equal", "chi2", df=1)})
    assert t["IPS"] is a and len(t) == 2
    assert "chi2(1) = 1.000" in t.summary()
    ax = t.plot()
    assert ax.get_xlabel() == "Effect (percentage points)"
    rows = {
        tick: label.get_text()
        for tick, label in zip(ax.get_yticks(), ax.get_yticklabels(), strict=True)
    }
    assert rows[max(rows)] == "IPS"  # first effect drawn at the top
    with pytest.raises(KeyError):
        t["nope"]
    assert np.isfinite(t.to_frame()["estimate"]).all()


def test_summary_notes_when_interval_and_pvalue_disagree():
    from effekt.results import EffectResult

    agree = EffectResult(estimate=0.04, std_error=0.01, ci=(0.02, 0.06), pvalue=0.001, method="m")
    assert agree.significant and not agree.interval_test_disagree
    assert "disagree" not in agree.summary()
    clash = EffectResult(
        estimate=-0.1, std_error=0.05, ci=(-0.256, 0.009), pvalue=0.041, method="m"
    )
    assert not clash.significant and clash.interval_test_disagree
    assert "p < 0.05 but the 95% CI includes 0" in clash.summary()
    other = EffectResult(estimate=0.1, std_error=0.05, ci=(0.001, 0.2), pvalue=0.06, method="m")
    assert other.significant and "CI excludes 0 but p >= 0.05" in other.summary()
    # a p-value on the boundary (floating point) is not a disagreement
    edge = EffectResult(
        estimate=0.1, std_error=0.05, ci=(0.0, 0.2), pvalue=0.05 - 1e-15, method="m"
    )
    assert not edge.interval_test_disagree


@pytest.mark.filterwarnings("ignore::effekt.errors.UndefinedValueWarning")
@pytest.mark.parametrize("df", [None, 12.0])
def test_effect_from_normal_degenerate_standard_errors(df):
    from effekt.results import effect_from_normal

    assert effect_from_normal(0.0, 0.0, 0.95, df=df, method="m").pvalue == 1.0
    assert effect_from_normal(0.3, 0.0, 0.95, df=df, method="m").pvalue == 0.0
    assert np.isnan(effect_from_normal(0.3, np.nan, 0.95, df=df, method="m").pvalue)
    assert np.isnan(effect_from_normal(0.0, np.nan, 0.95, df=df, method="m").pvalue)


def test_unbounded_relative_change_interval_prints_unbounded():
    # Fieller's interval is (-inf, inf) when the control mean is not clearly nonzero; it
    # used to print "(95% CI n/a to n/a)".
    from effekt import rct

    r = rct.difference_in_means_from_summary(1.0, 1, 10, 0.1, 1, 10)
    assert r.relative_change_ci == (-np.inf, np.inf)
    line = next(s for s in r.summary().splitlines() if "relative change" in s)
    assert "(95% CI unbounded)" in line and "n/a" not in line
    bounded = EffectResult(
        estimate=1.0,
        std_error=0.1,
        ci=(0.8, 1.2),
        pvalue=0.001,
        method="m",
        scale="mean",
        mean_treated=3.0,
        mean_control=2.0,
        relative_change_ci=(0.3, 0.7),
    )
    assert "(95% CI +30 % to +70 %)" in bounded.summary()


# --- issue 15 sweep (wave B): export paths and options are checked, OS errors named --------


@pytest.mark.parametrize("bad", [None, float("nan"), 3, "", [1, 2], True])
def test_to_csv_and_to_excel_refuse_a_path_that_is_not_a_file_name(bad):
    from effekt.errors import EffektError

    r = effect_from_normal(0.04, 0.02, 0.95, method="Wald")
    for write in (r.to_csv, r.to_excel):
        with pytest.raises(EffektError, match="'path' argument of to_(csv|excel)"):
            write(bad)


def test_to_csv_names_a_folder_a_missing_folder_and_a_bad_dialect(tmp_path):
    from effekt.errors import EffektError

    r = effect_from_normal(0.04, 0.02, 0.95, method="Wald")
    with pytest.raises(EffektError, match="is the folder"):
        r.to_csv(tmp_path)  # was IsADirectoryError
    with pytest.raises(EffektError, match="does not exist; create it first"):
        r.to_csv(tmp_path / "no" / "r.csv")  # was FileNotFoundError
    with pytest.raises(EffektError, match="'dialect' argument of to_csv"):
        r.to_csv(tmp_path / "r.csv", dialect=["excel"])  # was TypeError: unhashable
    with pytest.raises(EffektError, match="'dialect' argument of to_csv"):
        r.to_csv(tmp_path / "r.csv", dialect=np.array(["excel", "plain"]))  # was ValueError


def test_a_write_error_of_the_system_is_an_effekt_error(tmp_path, monkeypatch):
    from effekt.errors import EffektError

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(pd.DataFrame, "to_csv", refuse)
    with pytest.raises(EffektError, match="could not write .*Permission denied"):
        effect_from_normal(0.04, 0.02, 0.95, method="Wald").to_csv(tmp_path / "r.csv")


def test_effect_from_normal_text_fields_must_be_text():
    # issue 15 sweep: method=10**400 made to_frame() raise OverflowError inside pandas
    from effekt.errors import EffektError

    with pytest.raises(EffektError, match="'method' argument of effect_from_normal"):
        effect_from_normal(0.04, 0.02, 0.95, method=10**400)
