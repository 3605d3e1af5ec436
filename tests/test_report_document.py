"""effekt.Report: an own evaluation as one self-contained HTML page or an A4 PDF."""

import base64
import re
import shutil
import subprocess

import pytest

import effekt as ef
from effekt.errors import EffektError
from effekt.language import use_language
from effekt.report import Report, find_chromium, matched_evaluation
from effekt.results import EffectResult, ReportSection

SCRIPT = "<script>alert(1)</script>"
COVS = ["age", "months_on_benefit", "gender"]


@pytest.fixture(scope="module")
def results():
    obs = ef.synthetic.observational(600, effect=0.05, seed=1)
    prov = ef.synthetic.providers(8, 80, seed=1)
    prov["provider"] = prov["provider"].replace({"P03": SCRIPT})
    return {
        "obs": obs,
        "providers": ef.simple_effect.compare_providers(prov, "job_6m", "provider", ["age"]),
        # R: prop.test(c(208, 155), c(1302, 1291), correct = FALSE) (the mentor trial's counts)
        "trial": ef.rct.difference_in_proportions_from_counts(208, 1302, 155, 1291),
    }


@pytest.fixture(scope="module")
def report(results):
    rep = matched_evaluation(results["obs"], "job", "treated", COVS, title=f"Pilot {SCRIPT}")
    rep.add_heading("Providers").add_text(f"Eight providers; one is called {SCRIPT}.")
    rep.add(results["providers"]).add(results["trial"], title="Mentor trial")
    return rep


def _outside_data(page):
    return re.sub(r"data:image/png;base64,[A-Za-z0-9+/=]+", "DATA", page)


def test_one_self_contained_file_with_every_figure_embedded(report, tmp_path):
    path = report.save(tmp_path / "report.html")
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]  # one file, nothing beside it
    page = path.read_text(encoding="utf-8")
    rest = _outside_data(page)
    assert "http" not in rest and "//" not in rest
    # every src= is a data: URI, and each decodes to a PNG
    assert rest.count("src=") == rest.count('src="DATA"')
    images = re.findall(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"', page)
    for data in images:
        assert base64.b64decode(data)[:8] == b"\x89PNG\r\n\x1a\n"
    # effect forest, love plot, overlap plot, Rosenbaum plot, provider funnel, trial forest
    assert len(images) == 6
    assert "<link" not in page and "@import" not in page and "<script" not in page


def test_user_and_data_strings_are_escaped(report):
    page = report.to_html()
    assert SCRIPT not in page
    escaped = "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert f"<h1>Pilot {escaped}</h1>" in page  # the title
    assert f"one is called {escaped}" in page  # free text
    assert f"<td>{escaped}</td>" in page  # the provider's name, a data value


def test_findings_first_in_plain_language(report, results):
    page = report.to_html()
    findings = page[page.index('<section class="findings">') : page.index("</section>")]
    assert page.index('<section class="findings">') < page.index('<section class="result">')
    trial = results["trial"]
    # 208/1302 - 155/1291 = 3.97 pp; Newcombe interval 1.34 to 6.62 pp (R: prop.test above)
    assert round(100 * trial.estimate, 1) == 4.0
    assert (
        "Participants: the share with the outcome was 4.0 percentage points higher "
        "(95% CI 1.3 to 6.6) than in the control group; the difference is unlikely to be "
        "chance alone." in findings
    )
    assert "than comparable non-participants" in findings  # the matched ATT
    assert "is lost at Γ = " in findings  # Rosenbaum bounds in words
    assert "No provider differs credibly" in findings or "differ" in findings


def test_each_result_brings_table_figure_and_methods(report):
    page = report.to_html()
    sections = page.split('<section class="result">')[1:]
    assert len(sections) == 6  # ATT, matching, Rosenbaum, E-value, providers, trial
    for section in sections:
        assert "<table" in section
    matched = sections[0]
    assert "Estimand: ATT on &#x27;job&#x27;" in matched
    assert "cluster-robust SE by matched set" in matched  # the SE type from provenance
    assert "Intervals: 95% CI" in matched and "treated 123, control 123" in matched
    assert "Balance of each covariate" in sections[1] and "months_on_benefit" in sections[1]
    assert sections[1].count("<img") == 2  # love plot and overlap plot


def test_chance_finding_and_dropped_rows_in_methods():
    r = EffectResult(
        0.03,
        0.025,
        (-0.018, 0.079),
        0.23,
        "Wald",
        n_treated=400,
        n_control=410,
        outcome="job",
        estimand="ATT",
        notes=("12 rows with missing values dropped",),
    )
    section = r._report_section()
    assert isinstance(section, ReportSection)
    assert section.finding == (
        "Participants: the share with 'job' was 3.0 percentage points higher "
        "(95% CI −1.8 to 7.9) than comparable non-participants; the difference could be chance."
    )
    assert "12 rows with missing values dropped" in section.methods
    assert "treated 400, control 410" in section.methods
    with use_language("da"):
        da = r._report_section()
    assert "3,0 procentpoint højere (95 %-konfidensinterval −1,8 til 7,9)" in da.finding
    assert "forskellen kan skyldes tilfældigheder" in da.finding


def test_danish_report(report):
    report.language = "da"
    try:
        page = report.to_html()
    finally:
        report.language = None
    assert '<html lang="da">' in page and "<h2>Resultater</h2>" in page
    assert "procentpoint" in page and "Balance for hver baggrundsvariabel" in page
    assert "Intervaller: 95 %-konfidensinterval" in page


@pytest.mark.parametrize("name", list(__import__("result_examples").build_examples()))
def test_every_result_class_renders_a_section(name):
    from result_examples import build_examples

    obj = build_examples()[name]
    page = Report("All").add(obj).to_html()
    assert '<section class="result">' in page and "<table" in page


def test_bad_input_names_the_argument(tmp_path):
    with pytest.raises(EffektError, match="'result' argument of Report.add"):
        Report().add("not a result")  # type: ignore[arg-type]
    with pytest.raises(EffektError, match=r"'path' argument .* \.html or \.pdf"):
        Report().save(tmp_path / "r.docx")
    with pytest.raises(EffektError, match="does not exist"):
        Report().save(tmp_path / "no" / "r.html")
    with pytest.raises(EffektError, match="'language' argument"):
        Report(language="xx")


def test_matched_evaluation_does_not_modify_data_and_writes_the_file(results, tmp_path):
    obs = results["obs"]
    before = obs.copy()
    rep = matched_evaluation(obs, "job", "treated", COVS, path=tmp_path / "m.html")
    assert obs.equals(before)
    assert (tmp_path / "m.html").exists()
    assert "4 results" in repr(rep)
    assert ef.Report is Report


def _pdf_text(pdf):
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (apt package poppler-utils) is not installed")
    out = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True)
    return out.stdout


@pytest.mark.skipif(
    find_chromium() is None,
    reason="no Chromium/Chrome on this machine (apt install chromium): PDF printing not tested",
)
@pytest.mark.parametrize("language", ["en", "da"])
def test_pdf_on_a4_keeps_every_column(report, tmp_path, language):
    report.language = language
    try:
        pdf = report.save(tmp_path / f"report_{language}.pdf")
    finally:
        report.language = None
    assert pdf.read_bytes()[:5] == b"%PDF-"
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    if info:
        assert "(A4)" in info
    text = _pdf_text(pdf)
    flat = " ".join(text.split())
    # the last column of each table is printed: the effect's method, the provider table's
    # shrunken rank, the Rosenbaum table's upper p-value, the balance table's variance ratio
    method = "weighted difference in means on the matched sample"
    assert method in flat
    assert ("rank" if language == "en" else "rang") in flat
    assert "p_upper" in flat or "p (øvre)" in flat
    assert ("variance ratio after" if language == "en" else "variansforhold efter") in flat
    first = " ".join(text.split("\f")[0].split())
    assert ("Findings" if language == "en" else "Resultater") in first


def test_any_mix_of_results(tmp_path):
    from effekt.synthetic.panels import jobfirst_panel, jobrotation

    obs = ef.synthetic.observational(600, effect=0.05, seed=1)
    trial = ef.synthetic.rct(300, 300, p_control=0.2, effect=0.05, seed=1)
    rot = jobrotation(seed=1, n_treated=200, n_control=200)
    panel = jobfirst_panel(n_persons=300, weeks=6, seed=1)
    rep = Report("Everything")
    rep.add(ef.rct.subgroups(trial, "outcome", "treated", by=["gender"]))
    rep.add(ef.matching.ipw(obs, "job", "treated", COVS))
    rep.add(ef.matching.aipw(obs, "job", "treated", COVS))
    rep.add(ef.duration.kaplan_meier(rot, "weeks", "job", treatment="jobrotation"))
    rep.add(ef.trajectory.effect_over_time(panel, "paid_hours", "jobfirst", "person", "week"))
    # BRF, company-directed: (0.217 - 0.177) - (0.133 - 0.168) = +7.5 pp exactly
    rep.add(ef.did.did_from_shares(0.133, 0.168, 0.217, 0.177, label="BRF"))
    page = rep.save(tmp_path / "mix.html").read_text(encoding="utf-8")
    assert page.count('<section class="result">') == 6
    assert page.count("<img") == 6  # one figure each
    findings = page[: page.index('<section class="result">')]
    assert "Subgroup effects on outcome.</b> Participants: the share with" in findings
    assert "(IPW" not in findings and "comparable non-participants" in findings  # IPW, AIPW
    assert "median" in findings  # Kaplan-Meier: each curve's median
    assert "joint Wald test" in findings  # trajectory
    assert "7.5 percentage points higher than in the control group; no confidence" in findings
    assert "Standard error: greenwood" in page  # KM provenance
    assert "AIPW" in page and "influence function" in page  # the SE type of AIPW


# --- issue 15 sweep (wave B) ----------------------------------------------------------------


@pytest.mark.parametrize("bad", [None, 3.0, "", ["r.html"], True])
def test_save_refuses_a_path_that_is_not_a_file_name(bad):
    with pytest.raises(EffektError, match="'path' argument of Report.save"):
        Report().save(bad)  # was TypeError from pathlib


@pytest.mark.parametrize("bad", [0, -3, float("nan"), float("inf"), "60", 1e300])
def test_save_and_print_pdf_refuse_a_bad_timeout(tmp_path, bad):
    from effekt.report import print_pdf

    page = tmp_path / "a.html"
    page.write_text("<p>x</p>")
    with pytest.raises(EffektError, match="'timeout' argument of Report.save"):
        Report().save(tmp_path / "r.pdf", timeout=bad)
    with pytest.raises(EffektError, match="'timeout' argument of print_pdf"):
        print_pdf(page, tmp_path / "a.pdf", timeout=bad)


def test_print_pdf_names_a_missing_page_and_a_pdf_path_without_pdf(tmp_path):
    from effekt.report import print_pdf

    with pytest.raises(EffektError, match="'html_path' argument of print_pdf"):
        print_pdf(tmp_path / "none.html", tmp_path / "a.pdf")
    (tmp_path / "a.html").write_text("<p>x</p>")
    with pytest.raises(EffektError, match="'pdf_path' argument of print_pdf.*ending in .pdf"):
        print_pdf(tmp_path / "a.html", tmp_path / "a.png")


def test_print_pdf_timeout_is_an_effekt_error(tmp_path, monkeypatch):
    from effekt import report

    def slow(*args, **kwargs):
        raise subprocess.TimeoutExpired("chromium", 1.0)

    (tmp_path / "a.html").write_text("<p>x</p>")
    monkeypatch.setattr(report, "find_chromium", lambda: "/usr/bin/true")
    monkeypatch.setattr(subprocess, "run", slow)
    with pytest.raises(EffektError, match="did not print .* within timeout=1"):
        report.print_pdf(tmp_path / "a.html", tmp_path / "a.pdf", timeout=1.0)
