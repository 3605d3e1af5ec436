"""The reproduction report for a committee: summary first, print stylesheet, readable figures."""

import re
import shutil
import subprocess

import numpy as np
import pytest

from effekt.errors import EffektError
from effekt.report import (
    _forest_figure,
    _label,
    find_chromium,
    html_report,
    plot_reproduction,
    print_pdf,
    write_report,
)
from effekt.reproduction import (
    coverage_over_seeds,
    make_stored_coverage,
    run,
    stored_coverage,
)


@pytest.fixture(scope="module")
def full():
    return run(seed=0)


@pytest.fixture(scope="module")
def page(full):
    return html_report(full, {})  # no images: the text only


def test_no_docstring_markup_or_empty_fields(full):
    text = html_report(full)
    assert ":func:" not in text and "``" not in text and ", ;" not in text
    assert not re.search(r":[a-z]+:`", text)  # no reST role of any kind
    assert "effekt.synthetic.panels.municipality_panel: 98 municipalities" in text


def test_summary_comes_first_and_speaks_in_words(page, full):
    summary = page.index('<section class="summary">')
    assert summary < page.index("<h2>Every reported figure</h2>") < page.index("The studies")
    block = page[summary : page.index("</section>", summary)]
    # one row per study, with the claim and a verdict in words
    assert block.count("<tr><td>§") == full.table["study"].nunique()
    assert "The published shares and sample sizes support the claimed significance" in block
    assert "depends on how the published shares were rounded (mentor.job)" in block
    assert "cannot show" in block and "close to circular" in block
    assert "not the studies' own uncertainty" in block


def test_headline_reports_coverage_over_200_seeds(page):
    cov = stored_coverage()
    assert cov["seed"].nunique() == 200 and len(cov) == 200 * 35
    share = 100 * cov["covers_reported"].mean()
    per_seed = cov.groupby("seed")["covers_reported"].sum()
    assert "Over 200 seeds of synthetic data" in page
    assert f"<b>{share:.1f} %</b> of 7,000 figure-by-seed runs" in page
    assert f"{int(per_seed.min())} to {int(per_seed.max())} of the 35" in page
    assert "this run (seed 0) covers 35 of 35" in page
    # a correct 95 % interval covers about 95 % of the time; seeds 1-4 do not all give 35
    assert 0.93 < cov["covers_reported"].mean() < 0.98
    assert per_seed.loc[[1, 2, 3, 4]].min() < 35


def test_stored_coverage_is_what_the_script_makes(tmp_path):
    """The first three seeds of effekt/data/coverage.csv come out of its script again."""
    import pandas as pd

    path = make_stored_coverage(3, tmp_path / "coverage.csv")
    again = pd.read_csv(path, dtype=str).set_index("figure_id")["covered_by_seed"]
    stored = stored_coverage()
    for fid, flags in again.items():
        got = stored[(stored["figure_id"] == fid) & (stored["seed"] < 3)]
        assert "".join("1" if c else "0" for c in got["covers_reported"]) == flags
    assert len(again) == 35
    with pytest.raises(EffektError, match="'n_seeds' argument"):
        make_stored_coverage(0, tmp_path / "x.csv")
    long = coverage_over_seeds([1])
    assert long["covers_reported"].sum() == stored.query("seed == 1")["covers_reported"].sum()


def test_a_run_of_some_studies_uses_their_stored_coverage():
    text = html_report(run(studies=["ips"]), {})
    cov = stored_coverage()
    ips = cov[cov["figure_id"].str.startswith("ips.")]
    assert f"<b>{100 * ips['covers_reported'].mean():.1f} %</b> of 400" in text


def test_simple_effect_shares_carry_no_plus_sign(page):
    row = page[page.index('id="biu.simple_effect_strong"') :]
    row = row[: row.index("</tr>")]
    assert "90.0 % to 100.0 %" in row and "+90" not in row and "+96" not in row
    single = page[page.index('id="brobygning.ordinary_education"') :]
    assert "[43.2 %, 47.2 %]" in single[: single.index("</tr>")]  # a single share: a level
    diff = page[page.index('id="biu.causal_complex"') :]
    assert "+7.0 to +15.0" in diff[: diff.index("</tr>")]  # a difference keeps its sign


def test_print_stylesheet(page):
    assert "@page{size:A4 portrait" in page and "@page wide{size:A4 landscape" in page
    assert "section.audit{page:wide}" in page and "section.summary{break-after:page}" in page
    widths = [int(w) for w in re.findall(r'<col style="width:(\d+)%">', page)][4:]
    assert len(widths) == 15 and sum(widths) == 100  # the audit table fits its page


def test_forest_labels_are_complete_and_panels_separate_units(full):
    table = full.table
    fig = _forest_figure(table)
    labels = [t.get_text() for ax in fig.axes for t in ax.get_yticklabels()]
    assert not any("…" in lab for lab in labels)
    joined = [lab.replace("\n", " ") for lab in labels]
    assert "Mentor education: parents' gross income below the group mean" in joined
    titles = [ax.get_title(loc="left") for ax in fig.axes]
    assert "Effects on hours" in titles and "Effects on weeks" in titles
    big = fig.axes[titles.index("Very large effects on shares (own scale)")]
    assert [t.get_text() for t in big.get_yticklabels()] == [
        "VCG2 at least 13 weeks continuous internship"
    ]
    small = fig.axes[titles.index("Effects on shares")]
    assert small.get_xlim()[1] < 30  # VCG2's +65 pp no longer squeezes the other rows
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert "published shares and sizes: 95 % CI (all consistent counts)" in legend
    assert "re-estimate on synthetic data, 95 % CI (not the study's own)" in legend


def test_forest_draws_published_interval_apart_from_synthetic(full):
    ax = plot_reproduction(full.table, "difference")
    rows = full.table.set_index("figure_id")
    row = rows.loc["mentor.education"]
    segs = [
        c.get_segments()
        for c in ax.collections
        if hasattr(c, "get_segments") and len(c.get_segments())
    ]
    ends = {tuple(np.round(s[:, 0], 6)) for seg in segs for s in seg}
    assert tuple(np.round([100 * row.pub_ci_low, 100 * row.pub_ci_high], 6)) in ends
    assert tuple(np.round([100 * row.ci_low, 100 * row.ci_high], 6)) in ends
    with pytest.raises(EffektError, match="'kind' argument"):
        plot_reproduction(full.table, "means")


def test_label_wraps_instead_of_cutting(full):
    row = full.table.set_index("figure_id").loc["mentor.job.high_public_support"]
    row["figure_id"] = "x"
    text = _label(row)
    assert "\n" in text and text.replace("\n", " ").endswith("(excl. SU) in the last 3 years")


def test_forest_png_saved(full, tmp_path):
    fig = _forest_figure(full.table)
    path = tmp_path / "forest.png"
    fig.savefig(path, dpi=60)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def _pdf_text(pdf):
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (apt package poppler-utils) is not installed")
    out = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True)
    return out.stdout


@pytest.mark.skipif(
    find_chromium() is None,
    reason="no Chromium/Chrome on this machine (apt install chromium): PDF printing not tested",
)
def test_pdf_on_a4_keeps_every_column(full, tmp_path):
    paths = write_report(full, tmp_path, pdf=True)
    pdf = paths["pdf"]
    assert pdf.read_bytes()[:5] == b"%PDF-"
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    if info:
        assert "(A4)" in info
    text = _pdf_text(pdf)
    # The page used to end after "n (T / C)"; now every column's header and the last
    # columns' values are printed.
    for header in ("published: 95", "p range", "claim", "synthetic:", "covers", "naive"):
        assert header in text, header
    naive = full.table.set_index("figure_id").loc["vcg2.internship_13w", "naive_estimate"]
    assert f"{100 * naive:+.1f}" in text
    assert "Summary for the committee" in text.split("\f")[0]  # the first page


def test_print_pdf_without_browser_is_a_clear_error(tmp_path, monkeypatch):
    import effekt.report

    monkeypatch.setattr(effekt.report, "find_chromium", lambda: None)
    (tmp_path / "a.html").write_text("<p>x</p>")
    with pytest.raises(EffektError, match="needs Chromium"):
        print_pdf(tmp_path / "a.html", tmp_path / "a.pdf")


def test_reproduction_report_in_danish(full):
    page = html_report(full, {}, language="da")
    assert '<html lang="da">' in page
    summary = page[page.index('<section class="summary">') : page.index("</section>")]
    assert "<h2>Sammenfatning til udvalget</h2>" in summary
    # the headline over 200 seeds with a decimal comma (95.8 % in English)
    share = 100 * stored_coverage()["covers_reported"].mean()
    assert f"<b>{share:.1f} %</b>".replace(".", ",") in summary
    assert "De offentliggjorte andele og stikprøvestørrelser støtter påstanden" in summary
    assert "Om effekten er signifikant, afhænger af, hvordan" in summary
    assert "Hvad den syntetiske kontrol kan og ikke kan vise" in summary
    audit = page[page.index('<section class="audit">') :]
    assert "<th>offentl.: 95 %-KI</th>" in audit and "<th>naiv</th>" in audit
    assert "<td>afhænger af afrundingen</td>" in audit
    assert "Sådan læses tabellen" in audit and "How to read this" not in page
    # no markup and no empty fields in Danish either
    assert ":func:" not in page and "``" not in page and ", ;" not in page
    # the same page in English is unchanged by the Danish run
    assert "Summary for the committee" in html_report(full, {})


def test_danish_forest_plot_labels(full):
    import matplotlib.pyplot as plt

    from effekt.language import use_language

    with use_language("da"):
        fig = _forest_figure(full.table)
    titles = [ax.get_title(loc="left") for ax in fig.axes]
    assert "Effekter på andele" in titles and "Effekter på timer" in titles
    assert fig.axes[0].get_xlabel() == "Effekt (procentpoint)"
    hours = fig.axes[titles.index("Effekter på timer")]
    fig.canvas.draw()
    ticks = [t.get_text() for t in hours.get_xticklabels()]
    assert any("," in t for t in ticks) and not any("." in t for t in ticks)
    plt.close(fig)


def test_format_table_in_danish(full):
    from effekt.reproduction import format_table

    en = format_table(full.table)
    da = format_table(full.table, language="da")
    assert da.splitlines()[0].split()[:2] == ["figur", "oplyst"]
    assert len(en.splitlines()) == len(da.splitlines())
    # mentor.education: +4.0 reported, published CI [+0.4, +7.6] (see test_reproduce)
    assert "~+4,0      [+0,4, +7,6]" in da and "~+4.0      [+0.4, +7.6]" in en
    assert " i.r. " in da and "ikke defineret" not in da


# --- issue 15 sweep (wave B) ----------------------------------------------------------------


def test_report_functions_need_a_reproduction_and_a_real_table(tmp_path):
    from effekt.errors import EffektError
    from effekt.report import html_report, plot_reproduction, write_excel_table, write_report
    from effekt.reproduction import run

    for call in (
        lambda: html_report(None),
        lambda: write_report("x", tmp_path),
        lambda: write_excel_table(3.0, tmp_path / "r.xlsx"),
    ):
        with pytest.raises(EffektError, match="'reproduction' argument"):
            call()  # were AttributeError: no attribute 'table'
    rep = run(studies="ips")
    with pytest.raises(EffektError, match="'seconds' argument of html_report"):
        html_report(rep, {}, seconds="1 s")  # was TypeError in number()
    with pytest.raises(EffektError, match="'images' argument of html_report"):
        html_report(rep, [1, 2])  # was TypeError in dict()
    with pytest.raises(EffektError, match="has no column 'scale'"):
        plot_reproduction(rep.table.drop(columns="scale"))  # was KeyError
    (tmp_path / "file").write_text("x")
    with pytest.raises(EffektError, match="'out' argument of write_report.* is the file"):
        write_report(rep, tmp_path / "file", excel=False)  # was FileExistsError


def test_generator_assumptions_and_matched_evaluation_name_bad_arguments():
    import effekt as ef
    from effekt.errors import EffektError
    from effekt.report import generator_assumptions, matched_evaluation

    with pytest.raises(EffektError, match="'study' argument of generator_assumptions"):
        generator_assumptions(["mentor"])  # was TypeError: unhashable
    obs = ef.synthetic.observational(200, effect=0.05, seed=1)
    with pytest.raises(EffektError, match="given as 'outcome'"):
        matched_evaluation(obs, None, "treated", ["age"])  # was KeyError: None
    with pytest.raises(EffektError, match="'title' argument of matched_evaluation"):
        matched_evaluation(obs, "job", "treated", ["age"], title=np.array([1, 2]))
