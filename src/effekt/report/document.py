"""A report of your own evaluation: results, headings and text in one self-contained file.

:class:`Report` composes any effekt results (trial effects, subgroups, matched effects with
balance and sensitivity, IPW/AIPW, provider comparisons, survival curves, trajectories, DiD)
through the result protocol of :class:`effekt.results.Result` (``_report_section``: table,
figures, methods paragraph, one-sentence finding), so estimators never import this layer.
The page opens with the findings in plain language; every figure is embedded as a PNG
``data:`` URI and every user- or data-controlled string is HTML-escaped. ``save("x.pdf")``
prints the page to A4 with headless Chromium (:func:`effekt.report.print_pdf`).

Examples
--------
>>> import tempfile, pathlib, matplotlib
>>> matplotlib.use("Agg")
>>> import effekt as ef
>>> r = ef.rct.difference_in_proportions_from_counts(208, 1302, 155, 1291)
>>> report = Report("Mentor scheme").add_text("The trial of 2019.").add(r, title="Education")
>>> path = report.save(pathlib.Path(tempfile.mkdtemp()) / "mentor.html")
>>> "data:image/png;base64" in path.read_text(encoding="utf-8")
True
"""

from __future__ import annotations

import base64
import datetime as _dt
import html
import io
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from .._export import check_output_path, writing
from .._validate import check_frame, check_number
from ..errors import EffektError
from ..language import get_language, term, use_language
from ..results import EffectResult, ReportSection, Result, html_table

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["Report", "matched_evaluation"]

_STYLE = """
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif;margin:1.5em auto;
max-width:1100px;color:#1d2330;line-height:1.45;padding:0 1em}
h1{font-size:1.7em;margin-bottom:.2em}h2{font-size:1.3em;border-bottom:2px solid #dfe3ea;
padding-bottom:.2em;margin-top:1.6em}h3{font-size:1.1em;margin:1.4em 0 .4em}
.meta{color:#5a6372;font-size:.9em}
table{border-collapse:collapse;font-size:.82em;max-width:100%}
th,td{border:1px solid #dfe3ea;padding:3px 6px;vertical-align:top;text-align:left}
th{background:#f3f5f8}td{overflow-wrap:anywhere}
.findings li{margin:.35em 0}.methods{font-size:.9em;color:#3b4454}
.box{background:#f8f9fb;border-left:4px solid #9aa8bd;padding:.5em .9em;margin:.6em 0}
figure{margin:.8em 0}img{max-width:100%;height:auto}
figcaption{font-size:.85em;color:#5a6372}
@page{size:A4 portrait;margin:14mm}
@media print{
body{max-width:none;margin:0;padding:0;font-size:9.5pt}
section.findings{break-after:page}
table{font-size:7pt;width:100%;table-layout:auto}th,td{padding:2px 3px}
thead{display:table-header-group}tr,figure,img{break-inside:avoid}h2,h3{break-after:avoid}
img{max-height:105mm;max-width:100%;width:auto}figure{text-align:center}
}
"""


@dataclass(frozen=True)
class _Item:
    kind: str  # "heading", "text" or "result"
    content: Any
    title: str | None = None


def _png(draw: Callable[..., Axes]) -> bytes:
    import matplotlib.pyplot as plt

    fig = draw().get_figure(root=True)
    if fig is None:  # pragma: no cover - an Axes always has a figure
        raise EffektError("a report figure was drawn on an Axes without a figure")
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    plt.close(fig)
    return buf.getvalue()


def _img(png: bytes, alt: str) -> str:
    data = base64.b64encode(png).decode("ascii")
    return f'<img src="data:image/png;base64,{data}" alt="{html.escape(alt)}">'


def _paragraphs(text: str) -> str:
    """Plain text to escaped HTML paragraphs (a blank line starts a new one)."""
    blocks = [b.strip() for b in str(text).split("\n\n") if b.strip()]
    return "".join(f"<p>{html.escape(b).replace(chr(10), '<br>')}</p>" for b in blocks)


def _extras(result: Any) -> tuple[list[tuple[str, pd.DataFrame]], list[Callable[..., Axes]]]:
    """Tables and figures the report adds from a result's public methods (balance, funnel)."""
    tables: list[tuple[str, pd.DataFrame]] = []
    figures: list[Callable[..., Axes]] = []
    if callable(getattr(result, "plot_balance", None)) and callable(
        getattr(result, "balance", None)
    ):
        bal = result.balance()
        cols = [c for c in ("smd_before", "smd_after", "var_ratio_after") if c in bal.columns]
        frame = bal[cols].reset_index()
        frame.columns = [
            term("covariate"),
            *(
                term({"smd_before": "SMD before", "smd_after": "SMD after"}.get(c, c))
                if c != "var_ratio_after"
                else term("variance ratio after")
                for c in cols
            ),
        ]
        tables.append((term("Balance of each covariate"), frame))
        figures.append(result.plot_balance)
        if getattr(result, "distance", None) is not None and callable(
            getattr(result, "plot_overlap", None)
        ):
            figures.append(result.plot_overlap)
    if callable(getattr(result, "plot_funnel", None)):
        figures.append(result.plot_funnel)
    return tables, figures


#: Longest wait for the browser that prints a PDF (seconds).
MAX_TIMEOUT = 3600.0


def _check_timeout(timeout: Any, func: str) -> float:
    """Seconds to wait for Chromium: a number above 0 and at most :data:`MAX_TIMEOUT`."""
    return check_number(timeout, "timeout", func, low=0, low_open=True, high=MAX_TIMEOUT)


class Report:
    """A report of your own analysis: results, headings and free text, saved as HTML or PDF.

    Parameters
    ----------
    title : str
        Title of the report (first line of the first page).
    language : {"en", "da"}, optional
        Language of the generated text, table headers and figure labels; default the
        session's setting (:func:`effekt.language.set_language`).

    Notes
    -----
    The first page lists every result's finding in one plain sentence ("Participants: the
    share with 'job' was 3.0 percentage points higher (95% CI −1.8 to 7.9) than comparable
    non-participants; the difference could be chance."). Each result then gets a section:
    its table, its figures (embedded PNG), a methods paragraph generated from the result's
    provenance (estimator, standard error, confidence level, sample sizes, dropped rows and
    warnings recorded as notes) and its notes. Matched samples add the balance table, the
    love plot and the overlap plot; provider comparisons the funnel plot.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import effekt as ef
    >>> r = ef.rct.difference_in_proportions_from_counts(208, 1302, 155, 1291)
    >>> page = Report("Mentor", language="da").add(r).to_html()
    >>> "Resultater" in page and "http" not in page
    True
    """

    def __init__(self, title: str = "Evaluation report", *, language: str | None = None):
        self.title = str(title)
        self.language = get_language(language) if language is not None else None
        self._items: list[_Item] = []

    def __repr__(self) -> str:
        kinds = [i.kind for i in self._items]
        return f"Report({self.title!r}, {kinds.count('result')} results, {len(kinds)} items)"

    def add(self, result: Result, *, title: str | None = None) -> Report:
        """Add a result (any effekt result object); returns the report, so calls chain.

        Parameters
        ----------
        result : Result
            An effekt result: ``EffectResult``, ``EffectTable``, ``SubgroupResult``,
            ``MatchResult``, ``RosenbaumBounds``, ``EValue``, ``ProviderComparison``,
            ``KaplanMeier``, ``Trajectory`` …
        title : str, optional
            Heading of its section (default: the result's own title).

        Examples
        --------
        >>> import effekt as ef
        >>> r = ef.rct.difference_in_proportions_from_counts(208, 1302, 155, 1291)
        >>> Report().add(r)
        Report('Evaluation report', 1 results, 1 items)
        """
        if not isinstance(result, Result):
            raise EffektError(
                f"The 'result' argument of Report.add() must be an effekt result (such as "
                f"an EffectResult or MatchResult); got {type(result).__name__}. Put text in "
                "with add_text() and headings with add_heading()."
            )
        self._items.append(_Item("result", result, title))
        return self

    def add_heading(self, title: str) -> Report:
        """Add a heading that starts a part of the report; returns the report.

        Examples
        --------
        >>> Report().add_heading("Who took part")
        Report('Evaluation report', 0 results, 1 items)
        """
        self._items.append(_Item("heading", str(title)))
        return self

    def add_text(self, paragraph: str) -> Report:
        """Add free text (a blank line starts a new paragraph); returns the report.

        Examples
        --------
        >>> Report().add_text("Data: the job centre's register, 2019 to 2021.")
        Report('Evaluation report', 0 results, 1 items)
        """
        self._items.append(_Item("text", str(paragraph)))
        return self

    def to_html(self) -> str:
        """The report as one self-contained HTML page (figures embedded, nothing loaded).

        Examples
        --------
        >>> Report("Empty").to_html().startswith("<!DOCTYPE html>")
        True
        """
        with use_language(get_language(self.language)):
            return self._html()

    def save(self, path: str | Path, *, timeout: float = 60.0) -> Path:
        """Write the report to ``path``: ``.html`` (self-contained) or ``.pdf`` (A4).

        Parameters
        ----------
        path : str or Path
            File to write; the suffix decides the format.
        timeout : float
            Seconds to wait for the headless Chromium that prints a PDF.

        Returns
        -------
        Path

        Examples
        --------
        >>> import tempfile, pathlib
        >>> Report("Empty").save(pathlib.Path(tempfile.mkdtemp()) / "r.html").suffix
        '.html'
        """
        path = check_output_path(path, "Report.save", suffixes=(".html", ".pdf", ".htm"))
        suffix = path.suffix.lower()
        _check_timeout(timeout, "Report.save")
        page = self.to_html()
        if suffix != ".pdf":
            with writing(path, "Report.save"):
                path.write_text(page, encoding="utf-8")
            return path
        import tempfile

        from . import print_pdf

        with tempfile.TemporaryDirectory() as tmp:
            source = Path(tmp) / (path.stem + ".html")
            source.write_text(page, encoding="utf-8")
            return print_pdf(source, path, timeout=timeout)

    # ------------------------------------------------------------------ rendering
    def _html(self) -> str:
        import effekt

        sections = [
            (item, item.content._report_section()) for item in self._items if item.kind == "result"
        ]
        parts = [
            "<!DOCTYPE html>",
            f'<html lang="{html.escape(get_language())}"><head><meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{html.escape(self.title)}</title><style>{_STYLE}</style></head><body>",
            f"<h1>{html.escape(self.title)}</h1>",
        ]
        parts += _findings(sections)
        done = iter(sections)
        for item in self._items:
            if item.kind == "heading":
                parts.append(f"<h2>{html.escape(item.content)}</h2>")
            elif item.kind == "text":
                parts.append(_paragraphs(item.content))
            else:
                _, section = next(done)
                parts += _result_html(item, section)
        stamp = f"{_dt.datetime.now(_dt.timezone.utc):%Y-%m-%d %H:%M} UTC"
        footer = term(
            "Made with effekt {version} on {date}. Self-contained: figures are embedded, "
            "nothing is loaded from the network."
        ).format(version=effekt.__version__, date=stamp)
        parts.append(f'<p class="meta">{html.escape(footer)}</p></body></html>')
        return "\n".join(parts)


def _finding(result: Any, section: ReportSection) -> str:
    """The section's finding; when a result gives only its title, its summary's main lines.

    In order: the overall effect of a subgroup analysis, a concluding sentence (an unindented
    line, e.g. "No provider differs credibly …"), the last test ("p = …"), else the first
    three prose lines (e.g. the median of each survival curve).
    """
    if section.finding != section.title:
        return section.finding
    overall = getattr(result, "overall", None)
    if isinstance(overall, EffectResult):
        return overall._report_finding()
    prose = [
        line
        for line in result.summary().splitlines()[1:]
        if len(line.split()) >= 6
        and sum(c.isalpha() for c in line) > 0.3 * len(line)
        and not line.strip().lower().startswith((term("method"), "method"))
    ]
    unindented = [line for line in prose if not line.startswith(" ")]
    tests = [line for line in prose if "p = " in line or "p < " in line]
    if unindented:
        return unindented[-1]
    if tests:
        return tests[-1].strip()
    return "; ".join(line.strip() for line in prose[:3]) or section.finding


def _findings(sections: Sequence[tuple[_Item, ReportSection]]) -> list[str]:
    if not sections:
        return []
    items = "".join(
        f"<li><b>{html.escape(item.title or section.title)}.</b> "
        f"{html.escape(_finding(item.content, section))}</li>"
        for item, section in sections
    )
    return [f'<section class="findings"><h2>{term("Findings")}</h2><ul>{items}</ul></section>']


def _result_html(item: _Item, section: ReportSection) -> list[str]:
    """One result's section: heading, table, extra tables, figures, methods, notes."""
    title = item.title or section.title
    extra_tables, extra_figures = _extras(item.content)
    parts = [f'<section class="result"><h3>{html.escape(title)}</h3>']
    if item.title and section.title and section.title != item.title:
        parts.append(f'<p class="meta">{html.escape(section.title)}</p>')
    # Cells may wrap at spaces in a report, so a table fits the printed page.
    parts.append(html_table(section.table, notes=section.notes).replace("&nbsp;", " "))
    for name, frame in extra_tables:
        parts.append(html_table(frame, title=name).replace("&nbsp;", " "))
    for k, draw in enumerate([*section.figures, *extra_figures], start=1):
        alt = f"{term('Figure')} {k}: {title}"
        parts.append(f"<figure>{_img(_png(draw), alt)}</figure>")
    if section.methods:
        parts.append(
            f'<p class="methods"><b>{term("Methods")}.</b> {html.escape(section.methods)}</p>'
        )
    parts.append("</section>")
    return parts


def matched_evaluation(
    data: pd.DataFrame,
    outcome: Hashable,
    treatment: Hashable,
    covariates: Sequence[Hashable],
    *,
    path: str | Path | None = None,
    exact: Sequence[Hashable] | None = None,
    caliper: float | None = None,
    conf_level: float = 0.95,
    seed: int = 0,
    missing: str = "raise",
    title: str | None = None,
    language: str | None = None,
) -> Report:
    """A matched evaluation straight to a report: match, effect, balance, sensitivity.

    Runs :func:`effekt.matching.match`, the ATT of ``outcome`` on the matched sample,
    Rosenbaum bounds and the E-value, and puts them (with the balance table, love plot and
    overlap plot) into a :class:`Report`, saved to ``path`` when given.

    Parameters
    ----------
    data : DataFrame (pandas, Polars, PyArrow), DuckDB relation or PySpark DataFrame
        One row per person; not modified.
        Only the columns named in the other arguments are read (see Notes).
    outcome, treatment : column names
        Outcome (0/1 or numeric) and the 0/1 treatment indicator.
    covariates : list of column names
        Covariates to match on.
    path : str or Path, optional
        ``.html`` or ``.pdf`` file to write.
    exact, caliper : optional
        Passed to :func:`effekt.matching.match`.
    conf_level : float
        Confidence level of the effect.
    seed : int
        Seed of the matching's random tie-breaking.
    missing : {"raise", "drop"}
        What to do with missing values in the columns used.
    title : str, optional
        Title of the report.
    language : {"en", "da"}, optional
        Language of the report.

    Returns
    -------
    Report

    Notes
    -----
    Any dataframe in: a Polars, PyArrow, DuckDB or PySpark ``data`` is checked against its
    schema and only the outcome, treatment, covariate and exact columns are collected into
    pandas; memory ~ rows × those columns. The estimator is unit-level (it needs every row); a
    pandas DataFrame is used as it is.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import effekt as ef
    >>> obs = ef.synthetic.observational(400, effect=0.05, seed=1)
    >>> rep = matched_evaluation(obs, "job", "treated", ["age", "months_on_benefit"])
    >>> rep
    Report("Matched evaluation of 'treated' on 'job'", 4 results, 4 items)
    """
    from .. import matching

    func = "matched_evaluation"
    data = check_frame(
        data,
        func,
        outcome=[outcome],  # a list: None is then named as a missing column
        treatment=[treatment],
        covariates=covariates,
        exact=exact,
    )
    if title is not None and not isinstance(title, str):
        raise EffektError(
            f"The 'title' argument of {func}() must be a str or None; got {type(title).__name__}."
        )
    m = matching.match(
        data, treatment, covariates, exact=exact, caliper=caliper, seed=seed, missing=missing
    )
    effect = m.effect(outcome, conf_level=conf_level)
    report = Report(
        title or f"Matched evaluation of {treatment!r} on {outcome!r}", language=language
    )
    report.add(effect).add(m).add(matching.rosenbaum_bounds(m, outcome))
    if effect.scale == "proportion" and effect.mean_control:
        report.add(matching.e_value(effect))
    if path is not None:
        report.save(path)
    return report
