"""effekt.reproduce: reported vs recomputed vs re-estimated, and the HTML report."""

import re
import warnings
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest

import effekt as ef
from effekt import rct, studies
from effekt.errors import EffektError, EffektWarning
from effekt.reproduction import STUDIES, Study, _study_seed, format_table, register, run
from effekt.synthetic import study as generate


@pytest.fixture(scope="module")
def full():
    return run(seed=0)


def test_covers_every_study_and_figure_of_the_catalogue(full):
    table = full.table
    assert set(table["study"]) == set(studies.catalogue()["study"])
    assert table["figure_id"].tolist() == studies.reported()["figure_id"].tolist()
    # every figure with an estimator is re-estimated
    has = studies.reported().set_index("figure_id")["has_estimator"]
    estimated = table.set_index("figure_id")["estimate"].notna()
    assert (estimated == has).all()


def test_default_seed_intervals_contain_the_reported_effects(full):
    est = full.table[full.table["estimate"].notna()]
    missed = est.loc[~est["covers_reported"].astype(bool), "figure_id"].tolist()
    assert missed == []
    assert len(est) == 35  # 26 of sections 1, 2, 4 + job rotation + 8 municipality comparisons


def test_is_callable_as_ef_reproduce_and_deterministic():
    a = ef.reproduce(seed=3, studies=["ips", "jobfirst"])
    b = ef.reproduce(seed=3, studies="jobfirst")
    pd.testing.assert_frame_equal(a[a.study == "jobfirst"].reset_index(drop=True), b)
    c = ef.reproduce(seed=4, studies="jobfirst")
    assert not np.allclose(b["estimate"].dropna(), c["estimate"].dropna())


def test_sixteen_vs_twelve_needs_unrounded_shares(full):
    """'16 % vs 12 % ... a 30 % rise': 16/12 is +33 %, yet +30 % fits some rounded counts."""
    row = full.table.set_index("figure_id").loc["mentor.education"]
    assert row.relative_at_shares == pytest.approx(1 / 3)
    assert row.relative_consistent
    assert row.pub_relative_low < 0.295 and row.pub_relative_high > 0.305
    assert row.pub_note.startswith("needs unrounded shares: 16/12 would be +33 %")
    # counts that prove it: 15.6 % (203/1302) vs 12.0 % (155/1291) rounds to 16 % vs 12 %
    # and gives 203/1302 / (155/1291) - 1 = +29.9 %, which rounds to 30 %
    assert round(100 * 203 / 1302) == 16 and round(100 * 155 / 1291) == 12
    assert round(100 * ((203 / 1302) / (155 / 1291) - 1)) == 30
    rs = rct.from_reported_shares(0.16, 1302, 0.12, 1291, reported_relative_change=0.30)
    assert rs.relative_change_consistent
    assert row.pub_events_treated == f"{rs.events_treated_range[0]}-{rs.events_treated_range[1]}"
    # 7 % vs 5 % and "a 40 % rise" agree without any rounding argument
    job = full.table.set_index("figure_id").loc["mentor.job"]
    assert job.pub_note.startswith(
        "7/5 gives +40 %, as stated; claim 'significant' holds for only some"
    )


def test_significance_claims_checked_from_published_numbers(full):
    t = full.table.set_index("figure_id")
    # 16 % vs 12 % of 1,302 / 1,291 is significant for every consistent count
    assert t.loc["mentor.education", "claim_holds"] == "yes"
    assert t.loc["mentor.education", "pub_significant"] == "all counts"
    # ~7 % vs ~5 %: the rounded shares alone do not settle the "significant" claim
    assert t.loc["mentor.job", "claim_holds"] == "depends on rounding"
    assert t.loc["mentor.job", "pub_ci_low"] < 0 < t.loc["mentor.job", "pub_ci_high"]
    # where the notes give no n, the assumed n is flagged
    assert t.loc["vcg2.flexjob_resource_course", "pub_n_assumed"] is True
    assert t.loc["mentor.education", "pub_n_assumed"] is False


def test_ips_shares_do_not_fit_the_referred_denominators(full):
    row = full.table.set_index("figure_id").loc["ips.job_or_education_18m"]
    assert "no count of 239 control rounds to 46.5 %" in row.pub_note
    assert "nearest counts 289/481 vs 111/239" in row.pub_note
    # significant means what it means everywhere in effekt: the interval excludes 0
    nearest = rct.difference_in_proportions_from_counts(289, 481, 111, 239)
    assert row.pub_significant == ("all counts" if nearest.significant else "no counts")
    assert (row.pub_ci_low, row.pub_ci_high) == nearest.ci
    assert row.relative_consistent  # 60 / 46.5 = 1.29: "just under 30 % more"


def test_single_shares_and_sums(full):
    t = full.table.set_index("figure_id")
    lo, hi = t.loc["displacement.new_job", ["pub_ci_low", "pub_ci_high"]]
    assert lo < 0.26 < hi and hi - lo < 0.045
    assert "45.2 % + 7.7 % = 52.9 % (consistent)" in t.loc["brobygning.success", "pub_note"]


def test_jobfirst_hours_relative_change(full):
    row = full.table.set_index("figure_id").loc["jobfirst.hours_w78"]
    assert "control mean of 2.84" in row.pub_note
    assert "CR2" in row.method


def test_matched_studies_show_naive_beside_matched(full):
    m = full.table[full.table["naive_estimate"].notna()]
    assert set(m["study"]) == {"vcg2", "brobygning", "voksenlaerling"}
    assert m["method"].str.contains("propensity").all()


def test_matching_removes_at_least_80_percent_of_the_naive_bias():
    """Bias = average over seeds of (estimate - truth); truth = the reported effect."""
    errors: dict[str, list[tuple[float, float]]] = {}
    for seed in range(12):
        for name in ("vcg2", "brobygning", "voksenlaerling"):
            spec = STUDIES[name]
            data = generate(spec.generator, seed=_study_seed(seed, name))
            truth = data.attrs["truth"]
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", EffektWarning)
                found, _ = spec.reestimate(data)
            for e in found:
                errors.setdefault(e.figure_id, []).append(
                    (e.naive.estimate - truth[e.figure_id], e.result.estimate - truth[e.figure_id])
                )
    assert len(errors) == 5
    for fid, pairs in errors.items():
        naive_bias, matched_bias = np.mean(pairs, axis=0)
        assert abs(naive_bias) > 0.025, fid  # the naive difference is biased (> 2.5 pp)
        assert abs(matched_bias) <= 0.2 * abs(naive_bias), (fid, naive_bias, matched_bias)


def test_format_table_lists_every_figure(full):
    text = format_table(full.table)
    for fid in full.table["figure_id"]:
        assert fid.split(".", 1)[1][:28] in text
    assert "NO" not in re.findall(r"\b(?:yes|NO)\b", text)


def test_registry_adds_a_study_with_one_function():
    def reestimate(data):
        from effekt.reproduction import Estimate

        r = rct.difference_in_proportions(data, "job_or_education_18m", "ips_any")
        return [Estimate("ips.job_or_education_18m", r, "unstratified")], {}

    old = STUDIES["ips"]
    try:
        register(Study("ips", reestimate, "ips", sample_scale=2.0))
        t = ef.reproduce(studies="ips").set_index("figure_id")
        assert t.loc["ips.job_or_education_18m", "method"] == "unstratified"
        assert t.loc["ips.job_or_education_18m", "syn_n_treated"] == 962
        assert pd.isna(t.loc["ips.weeks_18m", "estimate"])
    finally:
        register(old)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"studies": "nope"},
        {"studies": []},
        {"seed": -1},
        {"seed": 1.5},
        {"studies": ["mentor", "x"]},
        {"studies": 5},
        {"studies": b"mentor"},
        {"studies": ["mentor", 5]},
        {"studies": {"mentor": 1}},
    ],
)
def test_bad_input(kwargs):
    with pytest.raises(EffektError):
        ef.reproduce(**kwargs)


def test_repeated_study_runs_once():
    # Regression: `--study mentor --study mentor` ran and reported the study twice.
    once = run(studies=["displacement"]).table
    twice = run(studies=["displacement", "displacement"]).table
    assert twice["figure_id"].tolist() == once["figure_id"].tolist()
    with pytest.raises(EffektError, match="'studies' argument"):
        run(studies=5)


def test_report_is_self_contained_and_has_every_figure(full, tmp_path):
    from effekt.report import write_report

    paths = write_report(full, tmp_path)
    text = paths["html"].read_text(encoding="utf-8")
    for fid in full.table["figure_id"]:
        assert f'id="{fid}"' in text
    images = re.findall(r'<img src="data:image/png;base64,([A-Za-z0-9+/=]+)"', text)
    # the forest plot and one balance plot per matched figure
    assert len(images) == 1 + 5
    assert text.count("<img") == len(images)
    # nothing to fetch: no external scripts, styles, fonts or images
    assert not re.search(r'(src|href)\s*=\s*"(?!data:|#)', text)
    assert (
        "<script" not in text
        and "<link" not in text
        and "@import" not in text
        and "url(" not in text
    )
    assert paths["forest"].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    csv = pd.read_csv(paths["csv"])
    assert csv["figure_id"].tolist() == full.table["figure_id"].tolist()


@pytest.mark.slow
@pytest.mark.parametrize("name", [n for n, s in STUDIES.items() if s.reestimate is not None])
def test_coverage_over_200_seeds(name):
    """The re-estimated 95 % CI contains the reported effect in >= 90 % of 200 seeds."""
    spec = STUDIES[name]
    reported = studies.reported().set_index("figure_id")["effect"]
    hits: dict[str, list[bool]] = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", EffektWarning)
        for seed in range(200):
            data = generate(
                spec.generator, seed=_study_seed(seed, name), sample_scale=spec.sample_scale
            )
            found, _ = spec.reestimate(data)
            for e in found:
                hits.setdefault(e.figure_id, []).append(
                    e.result.ci[0] <= reported[e.figure_id] <= e.result.ci[1]
                )
    coverage = {fid: float(np.mean(v)) for fid, v in hits.items()}
    assert all(len(v) == 200 for v in hits.values())
    assert min(coverage.values()) >= 0.90, coverage


def test_star2020_rows_recomputed_exactly_and_reestimated(full):
    """Section 3: exact change in gaps from the published shares, DiD on synthetic counts."""
    from effekt.reproduction import star2020_comparison

    t = full.table.set_index("figure_id")
    hir = t.loc["hir.company_resource"]
    # docs/studies.md section 3: HIR 2.5 pp -> 5.6 pp, a change of +3.1 pp
    assert (hir.pub_gap_start, hir.pub_gap_end, hir.pub_change) == (0.025, 0.056, 0.031)
    assert hir.reported_effect == 0.031 and hir.design == "DiD"
    assert hir.pub_note.startswith("gap +2.5 pp -> +5.6 pp: change +3.1 pp, exact")
    assert hir.pub_effect_low == pytest.approx(0.029) and hir.pub_effect_high == pytest.approx(
        0.033
    )
    assert "CR2 clustered by municipality" in hir.method and "15 participating" in hir.method
    assert t.loc["brf.company_resource", "pub_change"] == 0.075
    # the exact columns agree with star2020_comparison for every comparison
    ref = star2020_comparison(seed=0)
    for r in ref.itertuples(index=False):
        row = t.loc[f"{r.project}.{r.outcome}_{r.benefit}"]
        assert row.pub_change == r.change and row.pub_gap_start == r.gap_start
        assert row.pub_gap_end == r.gap_end
        # the synthetic panels pin the group shares of the first and last month (< 0.01 pp)
        assert row.estimate == pytest.approx(r.change, abs=2e-4)
        assert row.covers_reported
    text = format_table(full.table)
    assert "+3.1 exact" in text and "3 hir (DiD)" in text


def test_jobrotation_row_in_weeks_faster(full):
    row = full.table.set_index("figure_id").loc["jobrotation.time_to_job"]
    assert row.unit == "weeks faster" and row.reported_effect == 2.5
    # weeks faster = control minus temps in restricted mean weeks without a job
    assert row.estimate > 0 and row.ci_low <= 2.5 <= row.ci_high
    assert "restricted mean" in row.method and row.syn_n_treated == 4000


def test_star2020_comparison_table():
    """Moved from tests/test_did.py with star2020_comparison (did no longer imports synthetic)."""
    from effekt.reproduction import star2020_comparison

    t = star2020_comparison(seed=3)
    assert len(t) == 8
    # every row: the change in gaps from the published shares, exactly, and the synthetic
    # re-estimate agrees to the note's precision
    for row in t.itertuples(index=False):
        st, sc, et, ec = (
            Decimal(str(x))
            for x in (row.start_treated, row.start_control, row.end_treated, row.end_control)
        )
        assert row.change == float((et - ec) - (st - sc))
        assert round(100 * row.estimate, 1) == round(100 * row.change, 1)
        assert row.ci_low < row.estimate < row.ci_high


# --- issue 15 sweep (wave B) ----------------------------------------------------------------


def test_format_table_with_a_nan_width_is_refused_not_a_hang():
    from effekt.errors import EffektError
    from effekt.reproduction import format_table, reproduce

    table = reproduce(studies="displacement")
    with pytest.raises(EffektError, match="'width' argument of format_table"):
        format_table(table, width=float("nan"))  # textwrap looped forever
    with pytest.raises(EffektError, match="has no column"):
        format_table(table.drop(columns="pub_note"))  # was KeyError


@pytest.mark.parametrize("bad", [3, None, "0", [0, "x"], [-1], range(10**9)])
def test_coverage_over_seeds_checks_its_seeds(bad):
    from effekt.errors import EffektError
    from effekt.reproduction import coverage_over_seeds

    with pytest.raises(EffektError, match="'seeds' argument of coverage_over_seeds"):
        coverage_over_seeds(bad)  # were TypeError/ValueError, or hours of runs


def test_make_stored_coverage_caps_the_seeds_and_checks_the_path(tmp_path):
    from effekt.errors import EffektError
    from effekt.reproduction import make_stored_coverage

    with pytest.raises(EffektError, match="'n_seeds' argument"):
        make_stored_coverage(2**60, tmp_path / "c.csv")  # ran for ever
    with pytest.raises(EffektError, match="is the folder"):
        make_stored_coverage(1, tmp_path)  # was IsADirectoryError after a full run


def test_register_and_star2020_check_their_arguments():
    from effekt.errors import EffektError
    from effekt.reproduction import register, star2020_comparison

    with pytest.raises(EffektError, match="'study' argument of register"):
        register("mentor")  # was AttributeError
    with pytest.raises(EffektError, match="'seed' argument of star2020_comparison"):
        star2020_comparison(seed="x")  # was TypeError
