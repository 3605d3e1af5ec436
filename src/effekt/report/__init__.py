"""Reports: your own evaluation (:class:`Report`) and the reproduction of the notes.

:class:`Report` (in :mod:`effekt.report.document`) composes any results, headings and text
into one self-contained HTML page or an A4 PDF. The rest of this module writes the
reproduction: a CSV table, a forest plot and one self-contained HTML report.

The HTML report embeds its figures as base64 PNG and its style inline; it loads nothing
from the network and can be mailed or opened offline.

Examples
--------
>>> import tempfile, matplotlib
>>> matplotlib.use("Agg")
>>> from effekt.reproduction import run
>>> from effekt.report import write_report
>>> with tempfile.TemporaryDirectory() as tmp:
...     paths = write_report(run(studies=["ips"]), tmp, excel=False)
...     sorted(p.name for p in paths.values())
['reproduction.csv', 'reproduction.html', 'reproduction_forest.png']
"""

from __future__ import annotations

import base64
import datetime as _dt
import html
import io
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .. import _report_terms  # noqa: F401  (the Danish words of the report)
from .._validate import argument_error, check_choice, check_number
from ..errors import EffektError
from ..language import TERMS, get_language, number, term, use_language
from ..reproduction import Reproduction
from .document import MAX_TIMEOUT, Report, matched_evaluation

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = [
    "Report",
    "matched_evaluation",
    "write_report",
    "plot_reproduction",
    "html_report",
    "generator_assumptions",
    "print_pdf",
    "find_chromium",
    "write_excel_table",
]

#: Panels of the forest plot: kind, title, multiplier to the axis unit, axis label.
_KINDS = (
    (
        "difference",
        "Effects on shares",
        100.0,
        "Effect (percentage points)",
    ),
    (
        "large",
        "Very large effects on shares (own scale)",
        100.0,
        "Effect (percentage points)",
    ),
    (
        "did",
        "Municipality comparisons (DiD): change in the gap, start to end",
        100.0,
        "Change in gap (percentage points)",
    ),
    ("share", "Simple effects: share in a job at course end", 100.0, "Share in a job (%)"),
    ("hours", "Effects on hours", 1.0, "Effect (hours per week)"),
    ("weeks", "Effects on weeks", 1.0, "Effect (weeks)"),
)

#: Effects on shares above this (in absolute value) get their own panel.
_LARGE = 0.30


def _kind(row: pd.Series) -> str:
    if row["design"] == "DiD":
        return "did"
    if row["scale"] == "mean":
        return "hours" if "hour" in str(row["unit"]) else "weeks"
    if row["design"] == "simple effect" and pd.isna(row["reported_control"]):
        return "share"
    values = [abs(float(v)) for v in (row["reported_effect"], row["estimate"]) if pd.notna(v)]
    if values and max(values) > _LARGE:
        return "large"
    return "difference"


_SHORT = {
    "biu_providers": "BIU",
    "vcg2": "VCG2",
    "ips": "IPS",
    "jobfirst": "JobFirst",
    "mentor": "Mentor",
    "brobygning": "Brobygning",
    "voksenlaerling": "Voksenlærling",
    "jobrotation": "Jobrotation",
    "stv": "STV",
    "brf": "BRF",
    "hir": "HIR",
}


def _label(row: pd.Series, width: int = 44) -> str:
    """The full label of a figure, wrapped onto lines of ``width`` characters."""
    import textwrap

    name = _SHORT.get(str(row["study"]), str(row["study"]))
    outcome = str(row["outcome"]).replace("in SU-eligible education", "education")
    unit = str(row["unit"]) if isinstance(row["unit"], str) else ""
    if unit:
        outcome += f" ({unit})"
    text = f"{name} {outcome}"
    if row["group"] != "all":
        text += ": " + str(row["group"])
    return "\n".join(textwrap.wrap(text, width)) or text


def _kind_rows(table: pd.DataFrame, kind: str) -> pd.DataFrame:
    rows = table[table["estimate"].notna()]
    return rows[np.array([_kind(r) == kind for _, r in rows.iterrows()], dtype=bool)]


def _draw_intervals(ax: Axes, rows: pd.DataFrame, y: np.ndarray, k: float) -> None:
    """Reported figure and range, published interval, synthetic estimate and naive difference."""
    rlo = rows["reported_low"].to_numpy(float) * k
    rhi = rows["reported_high"].to_numpy(float) * k
    has_range = np.isfinite(rlo) & np.isfinite(rhi)
    if has_range.any():
        ax.hlines(
            y[has_range],
            rlo[has_range],
            rhi[has_range],
            color="C3",
            lw=6,
            alpha=0.3,
            label=term("reported range"),
        )
    ax.plot(
        rows["reported_effect"].to_numpy(float) * k,
        y,
        "D",
        color="C3",
        ms=5,
        label=term("reported in the note"),
        zorder=3,
    )
    plo = rows["pub_ci_low"].to_numpy(float) * k
    phi = rows["pub_ci_high"].to_numpy(float) * k
    has_pub = np.isfinite(plo) & np.isfinite(phi)
    if has_pub.any():
        ax.errorbar(
            (plo[has_pub] + phi[has_pub]) / 2,
            y[has_pub] + 0.22,
            xerr=(phi[has_pub] - plo[has_pub]) / 2,
            fmt="none",
            ecolor="C2",
            elinewidth=2.2,
            capsize=3,
            label=term("published shares and sizes: 95 % CI (all consistent counts)"),
        )
    est = rows["estimate"].to_numpy(float) * k
    lo = rows["ci_low"].to_numpy(float) * k
    hi = rows["ci_high"].to_numpy(float) * k
    ax.errorbar(
        est,
        y - 0.22,
        xerr=[est - lo, hi - est],
        fmt="o",
        color="C0",
        ms=3.5,
        elinewidth=1,
        capsize=2,
        mfc="white",
        label=term("re-estimate on synthetic data, 95 % CI (not the study's own)"),
    )
    naive = rows["naive_estimate"].to_numpy(float) * k
    if np.isfinite(naive).any():
        ax.plot(
            naive, y - 0.22, "x", color="0.35", ms=6, label=term("naive difference (no matching)")
        )


def plot_reproduction(
    table: pd.DataFrame, kind: str = "difference", ax: Axes | None = None, *, legend: bool = True
) -> Axes:
    """Forest plot of reported effects against the re-estimated ones (one kind of figure).

    Parameters
    ----------
    table : DataFrame
        Output of :func:`effekt.reproduce`.
    kind : {"difference", "large", "did", "share", "hours", "weeks"}
        Effects on shares up to 30 pp (drawn in percentage points), larger effects on
        shares (their own scale), changes in the gap between participating and other
        municipalities (section 3, in percentage points), simple-effect shares (in %, no
        sign: they are levels, not effects), effects in hours per week, or in weeks.
    ax : Axes, optional
    legend : bool
        Draw a legend in the Axes.

    Returns
    -------
    Axes
        The reported effect (red diamond; a red band for a reported range), the 95 %
        interval the published shares and sizes support (green, above the row), the
        re-estimate on synthetic data with its 95 % CI (blue circle, below the row) and the
        naive difference of matched studies (grey cross). Labels are complete (wrapped).

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from effekt import reproduce
    >>> from effekt.report import plot_reproduction
    >>> ax = plot_reproduction(reproduce(studies="ips"))
    >>> ax.get_xlabel()
    'Effect (percentage points)'
    """
    from ..plots import new_axes

    check_choice(kind, "kind", "plot_reproduction", [k for k, *_ in _KINDS])
    _check_reproduction_table(table, "plot_reproduction")
    if not isinstance(legend, bool):
        raise argument_error("plot_reproduction", "legend", "True or False", legend)
    rows = _kind_rows(table, kind)
    labels = [_label(r) for _, r in rows.iterrows()]
    lines = sum(lab.count("\n") + 1 for lab in labels)
    ax = new_axes(ax, figsize=(9.0, 0.3 * lines + 0.35 * len(rows) + 1.4))
    _, _, k, xlabel = next(x for x in _KINDS if x[0] == kind)
    y = np.arange(len(rows), dtype=float)[::-1]
    _draw_intervals(ax, rows, y, k)
    if kind != "share":
        ax.axvline(0.0, color="0.6", lw=0.8, ls="--")
    ax.set_yticks(y, labels, fontsize=8)
    ax.set_ylim(-0.7, len(rows) - 0.3)
    ax.set_xlabel(term(xlabel))
    if get_language() != "en":  # the language's decimal mark on the axis
        from matplotlib.ticker import FuncFormatter

        lang = get_language()  # ticks are drawn later, outside this language block
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: number(v, None, lang)))
    ax.grid(axis="x", color="0.9")
    if legend:
        ax.legend(fontsize=7, loc="best", framealpha=0.9)
    return ax


#: Columns of :func:`effekt.reproduce`'s table that the figures read (numbers, then text).
_FIGURE_NUMBERS = (
    "reported_control",
    "reported_effect",
    "reported_low",
    "reported_high",
    "estimate",
    "ci_low",
    "ci_high",
    "naive_estimate",
    "pub_ci_low",
    "pub_ci_high",
)
_FIGURE_TEXTS = ("study", "design", "scale", "unit", "outcome", "group")


def _check_reproduction_table(table: Any, func: str) -> None:
    """The table of :func:`effekt.reproduce`: a DataFrame with the columns the figures read,
    numbers as numbers."""
    if not isinstance(table, pd.DataFrame):
        raise argument_error(
            func, "table", "the DataFrame of effekt.reproduce()", type(table).__name__
        )
    absent = [c for c in (*_FIGURE_NUMBERS, *_FIGURE_TEXTS) if c not in table.columns]
    if absent:
        raise EffektError(
            f"The 'table' argument of {func}() has no column {absent[0]!r}; pass the table of "
            "effekt.reproduce() (or run(...).table) as it is."
        )
    for column in _FIGURE_NUMBERS:
        if not pd.api.types.is_numeric_dtype(table[column]):
            raise EffektError(
                f"The column {column!r} of the 'table' argument of {func}() must hold numbers; "
                f"it has dtype {table[column].dtype}."
            )


def _forest_figure(table: pd.DataFrame) -> Figure:
    """One figure with a panel per kind of figure that has re-estimates."""
    import matplotlib.pyplot as plt

    present = []
    for kind, title, _, _ in _KINDS:
        rows = _kind_rows(table, kind)
        if len(rows):
            lines = sum(_label(r).count("\n") + 1 for _, r in rows.iterrows())
            present.append((kind, title, 0.6 * lines + 0.6 * len(rows) + 2.6))
    if not present:
        fig, ax = plt.subplots(figsize=(6, 1.5))
        ax.text(0.5, 0.5, term("no re-estimated figures in this run"), ha="center", va="center")
        ax.set_axis_off()
        return fig
    heights = [h for _, _, h in present]
    fig, axes = plt.subplots(
        len(present),
        1,
        figsize=(9.5, 0.26 * sum(heights) + 1.2),
        gridspec_kw={"height_ratios": heights},
        layout="constrained",
        squeeze=False,
    )
    handles: dict[str, Any] = {}
    for ax, (kind, title, _) in zip(axes[:, 0], present, strict=True):
        plot_reproduction(table, kind, ax=ax, legend=False)
        ax.set_title(term(title), fontsize=10, loc="left")
        for h, lab in zip(*ax.get_legend_handles_labels(), strict=True):
            handles.setdefault(lab, h)
    fig.legend(
        list(handles.values()),
        list(handles),
        loc="outside lower center",
        ncol=2,
        fontsize=8,
        frameon=False,
    )
    fig.suptitle(
        term("What the notes report, what their numbers support, and a synthetic re-estimate"),
        fontsize=11,
    )
    return fig


def _check_reproduction(
    reproduction: Any, func: str, seconds: Any = None, images: Any = None
) -> None:
    """A :class:`Reproduction` (from ``run()``), a run time and images of the right kinds."""
    if not isinstance(reproduction, Reproduction):
        raise argument_error(
            func,
            "reproduction",
            "a Reproduction from effekt.reproduction.run()",
            type(reproduction).__name__,
        )
    if seconds is not None:
        check_number(seconds, "seconds", func, low=0)
    if images is not None and not (
        isinstance(images, dict) and all(isinstance(v, bytes) for v in images.values())
    ):
        raise argument_error(func, "images", "a dict of name -> PNG bytes (or None)", images)


def _png(fig: Figure) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    return buf.getvalue()


def generator_assumptions(study: str) -> tuple[str, str]:
    """What a study's synthetic data take from the notes and what they assume beyond them.

    Parameters
    ----------
    study : str
        A study key of :func:`effekt.synthetic.study` (e.g. ``"mentor"``).

    Returns
    -------
    tuple of str
        ``(what the notes say, what the generator assumes beyond them)`` from
        :data:`effekt.synthetic.studies.ASSUMPTIONS`; two empty strings for a study without a
        generator.

    Examples
    --------
    >>> say, assume = generator_assumptions("mentor")
    >>> "1,302" in say, len(assume) > 0
    (True, True)
    """
    from ..synthetic.studies import ASSUMPTIONS

    if not isinstance(study, str):
        raise argument_error("generator_assumptions", "study", "a study key (str)", study)
    found = ASSUMPTIONS.get(study)
    return ("", "") if found is None else (found.notes_say, found.assumes)


def _num(value: Any, scale: str, signed: bool = True) -> str:
    if value is None or (isinstance(value, float) and not np.isfinite(value)) or pd.isna(value):
        return ""
    value = float(value)
    if scale == "proportion":
        return number(100 * value, 1, sign=signed) + ("" if signed else " %")
    if abs(value) >= 1000:
        return number(value, 0)
    return number(value, 2, sign=signed)


def _p(p: float) -> str:
    return "<" + number(0.001, 3) if p < 0.001 else number(p, 3)


def _signed(row: pd.Series) -> bool:
    """Whether a figure is a difference (signed) or a level such as a single share (no "+")."""
    level = pd.notna(row["reported_treated"]) and pd.isna(row["reported_control"])
    return not level and _kind(row) != "share"


def _published_cells(row: pd.Series) -> tuple[str, str]:
    """The published interval (or the exact DiD change) and the range of p-values."""
    s = row["scale"]
    sign = _signed(row)
    pub = ""
    if pd.notna(row["pub_ci_low"]):
        pub = f"[{_num(row['pub_ci_low'], s, sign)}, {_num(row['pub_ci_high'], s, sign)}]"
    if pd.notna(row.get("pub_change", np.nan)):  # DiD: exact change in gap, no sampling error
        pub = (
            f"{_num(row['pub_change'], s)} {term('exact')} ({term('gap')} "
            f"{_num(row['pub_gap_start'], s)} → {_num(row['pub_gap_end'], s)})"
        )
    p = ""
    if pd.notna(row["pub_p_min"]):
        p = (
            _p(row["pub_p_min"])
            if row["pub_p_min"] == row["pub_p_max"]
            else f"{_p(row['pub_p_min'])} – {_p(row['pub_p_max'])}"
        )
    return pub, p


def _claim_word(claim: str) -> str:
    """Whether the claim holds, in the current language ("n/a" short: "i.r." in Danish)."""
    return term("n/a (claim)").replace(" (claim)", "") if claim == "n/a" else term(claim)


def _cells(row: pd.Series) -> tuple[list[str], str]:
    s = row["scale"]
    sign = _signed(row)
    rep = _num(row["reported_effect"], s, sign)
    if pd.notna(row["reported_low"]):
        rep = (
            f"{_num(row['reported_low'], s, sign)} {term('to')} "
            f"{_num(row['reported_high'], s, sign)}"
        )
    if not rep:
        sig = row["reported_significance"]
        rep = term(sig) if sig != "not stated" else ""
    if row["approximate"] and rep:
        rep = "~" + rep
    shares = ""
    if pd.notna(row.get("reported_start_treated", np.nan)):  # DiD: start -> end
        shares = (
            f"{_num(row['reported_start_treated'], s, signed=False)} vs "
            f"{_num(row['reported_start_control'], s, signed=False)} → "
        )
    if pd.notna(row["reported_treated"]):
        shares += _num(row["reported_treated"], s, signed=False)
        if pd.notna(row["reported_control"]):
            shares += " vs " + _num(row["reported_control"], s, signed=False)
    rel = (
        ""
        if pd.isna(row["reported_relative_change"])
        else f"{number(100 * row['reported_relative_change'], 0, sign=True)} %"
    )
    n = ""
    if pd.notna(row["pub_n_treated"]):
        n = number(int(row["pub_n_treated"]), 0)
        if pd.notna(row["pub_n_control"]):
            n += f" / {number(int(row['pub_n_control']), 0)}"
        if row["pub_n_assumed"] is True:
            n += "*"
    pub, p = _published_cells(row)
    relc = (
        ""
        if pd.isna(row["relative_consistent"])
        else term("yes" if row["relative_consistent"] else "NO")
    )
    syn = ""
    if pd.notna(row["estimate"]):
        syn = (
            f"{_num(row['estimate'], s, sign)} "
            f"[{_num(row['ci_low'], s, sign)}, {_num(row['ci_high'], s, sign)}]"
        )
    cov = "" if pd.isna(row["covers_reported"]) else term("yes" if row["covers_reported"] else "NO")
    naive = _num(row["naive_estimate"], s)
    note = "; ".join(x for x in (row["pub_note"], row["comment"]) if isinstance(x, str) and x)
    return [
        html.escape(str(c))
        for c in (
            row["figure_id"],
            row["group"],
            f"{row['outcome']}, {row['time_point']}".strip(", "),
            shares,
            rep,
            rel,
            term(row["reported_significance"]),
            n,
            pub,
            p,
            _claim_word(row["claim_holds"]),
            relc,
            syn,
            cov,
            naive,
        )
    ], " · ".join(
        html.escape(x)
        for x in (f"{term('method')}: {row['method']}" if row["method"] else "", note)
        if x
    )


_HEADERS = [
    "figure",
    "group",
    "outcome",
    "shares (T vs C)",
    "reported effect",
    "rel. change",
    "claim",
    "n (T / C)",
    "published: 95 % CI",
    "p range",
    "claim holds",
    "rel. change fits",
    "synthetic: estimate [95 % CI]",
    "covers",
    "naive",
]

_STYLE = """
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif;margin:1.5em auto;
max-width:1400px;color:#1d2330;line-height:1.4;padding:0 1em}
h1{font-size:1.6em;margin-bottom:.2em}
h2{font-size:1.25em;border-bottom:2px solid #dfe3ea;padding-bottom:.2em;
margin-top:1.6em}h3{font-size:1.05em;margin-bottom:.3em}
.meta{color:#5a6372;font-size:.9em}table{border-collapse:collapse;font-size:.74em;width:100%}
th,td{border:1px solid #dfe3ea;padding:3px 5px;vertical-align:top;text-align:left}
th{background:#f3f5f8;position:sticky;top:0}td.num{text-align:right}
table.audit{table-layout:fixed}table.audit td{overflow-wrap:anywhere}
table.audit th{hyphens:auto}
tr.study td{background:#eef2f8;font-weight:600}
tr.detail td{color:#5a6372;border-top:none;font-size:.95em}
.no{background:#fde2e1;font-weight:600}
.yes{color:#17663a}.note{color:#5a6372}img{max-width:100%;height:auto;border:1px solid #eee}
.box{background:#f8f9fb;border-left:4px solid #9aa8bd;padding:.5em .9em;margin:.6em 0;
font-size:.92em}.headline{font-size:1.05em}
table.summary{font-size:.85em;table-layout:fixed}
.figs{display:flex;flex-wrap:wrap;gap:12px}.figs figure{margin:0;flex:1 1 420px}
figcaption{font-size:.85em;color:#5a6372}
@page{size:A4 portrait;margin:12mm}
@page wide{size:A4 landscape;margin:9mm}
@media print{
body{max-width:none;margin:0;padding:0;font-size:9.5pt}
section.summary{break-after:page}
section.audit{page:wide}
table.audit{font-size:6.4pt}table.summary{font-size:7pt;line-height:1.25}
section.summary .box{font-size:7.5pt}section.summary .headline{font-size:9pt}
section.summary td{padding:2px 4px}
th{position:static}thead{display:table-header-group}
tr,figure,img,.box{break-inside:avoid}h2,h3{break-after:avoid}
img{max-height:250mm;width:auto;border:none}section.forest{break-inside:avoid;break-after:page}
section.forest img{max-height:245mm;display:block;margin:0 auto}
}
"""

#: Width of each column of the audit table (percent); they add up to 100.
_WIDTHS = (10, 8, 10, 7, 6, 5, 6, 6, 8, 6, 5, 5, 9, 5, 4)

_NUMERIC = (
    "reported effect",
    "rel. change",
    "n (T / C)",
    "published: 95 % CI",
    "p range",
    "synthetic: estimate [95 % CI]",
    "naive",
)

_HOW_TO_READ = (
    '<div class="box"><b>How to read this.</b> For every figure the notes report: '
    "<b>reported</b> is the note's figure (~ = approximate in the note); <b>published</b> is "
    "what the published shares and sample sizes alone support, taking every count consistent "
    "with the rounded shares (a 95 % interval covering all of them, the range of p-values, "
    "whether the note's claim of significance holds for all, some or none of those counts, and "
    "whether a stated relative change can come out of them); <b>synthetic</b> is the study's "
    "own method applied to synthetic data calibrated to the reported figures (trials with "
    "their design, matched studies by matching, with the naive difference beside it). "
    "For the municipality comparisons of §3 (difference in differences) <b>published</b> "
    "is the change in the gap computed exactly from the four published shares, and "
    "<b>synthetic</b> the DiD on municipality × month counts clustered by municipality. "
    "Effects on shares are in percentage points; simple-effect shares are levels in %. "
    "* = sample size not in the notes, assumed.</div>"
)


_HOW_TO_READ_DA = (
    '<div class="box"><b>Sådan læses tabellen.</b> For hvert tal i notaterne: <b>oplyst</b> er '
    "notatets tal (~ = omtrentligt i notatet); <b>offentl.</b> er det, de offentliggjorte "
    "andele og stikprøvestørrelser alene støtter, når alle antal, der passer med de afrundede "
    "andele, tages med (et 95 %-interval, der dækker dem alle, intervallet af p-værdier, om "
    "notatets påstand om signifikans holder for alle, nogle eller ingen af dem, og om en oplyst "
    "relativ ændring kan komme ud af dem); <b>syntetisk</b> er studiets egen metode anvendt på "
    "syntetiske data kalibreret til de oplyste tal (forsøg med deres design, matchede studier "
    "ved matchning med den naive forskel ved siden af). For kommunesammenligningerne i §3 "
    "(difference-in-differences) er <b>offentl.</b> ændringen i forskellen beregnet eksakt ud "
    "fra de fire offentliggjorte andele, og <b>syntetisk</b> er DiD på kommune × måned-antal "
    "klyngekorrigeret på kommune. Effekter på andele er i procentpoint; simple effekter er "
    "niveauer i %. * = stikprøvestørrelsen står ikke i notaterne og er antaget.</div>"
)

_CAN_AND_CANNOT_DA = (
    '<div class="box"><b>Hvad den syntetiske kontrol kan og ikke kan vise.</b> De syntetiske '
    "data er dannet <i>ud fra de oplyste tal selv</i>, så kontrollen er tæt på at være "
    "cirkulær: den viser, at de oplyste effekter er, hvad hvert studies design, metode og "
    "stikprøvestørrelser ville give med almindelig tilfældig variation, og at metoden (som "
    "effekt implementerer den) finder dem igen. Den kan <b>ikke</b> vise, at effekterne er "
    "sande: den siger intet om fejl i data, selektion på forhold, registrene ikke rummer, om "
    "matchningen fjernede skævheden, eller om en kommunesammenligning afspejler projektet og "
    "ikke andre lokale ændringer. De blå intervaller i figuren er usikkerheden på "
    "genberegningen på syntetiske data, ikke studiernes egen usikkerhed (notaterne "
    "offentliggør den sjældent); de grønne intervaller er det, de offentliggjorte andele og "
    "stikprøvestørrelser alene støtter.</div>"
)


def _img(images: dict[str, bytes], name: str, alt: str) -> str:
    data = base64.b64encode(images[name]).decode("ascii")
    return f'<img src="data:image/png;base64,{data}" alt="{html.escape(alt)}">'


def _plain(text: str) -> str:
    """Docstring markup to plain text: ``:func:`a.b.c``` -> ``a.b.c``, double backticks gone."""
    import re

    text = re.sub(r":[a-z]+:`~?([^`]+)`", r"\1", text)
    return re.sub(r"``([^`]*)``", r"\1", text)


def _html_head(reproduction: Reproduction, seconds: float | None) -> list[str]:
    """The page's head, title and run facts."""
    from .. import __version__

    table = reproduction.table
    est = table["estimate"].notna()
    return [
        "<!DOCTYPE html>",
        f'<html lang="{get_language()}"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{term('effekt: reproduction of the Danish ALMP notes')}</title>",
        f"<style>{_STYLE}</style></head><body>",
        f"<h1>{term('Reproducing the evaluation notes')}</h1>",
        f'<p class="meta">effekt {html.escape(__version__)} · {term("seed")} '
        f"{reproduction.seed} · {_dt.datetime.now(_dt.timezone.utc):%Y-%m-%d %H:%M} UTC · "
        f"{table['study'].nunique()} {term('studies')}, "
        f"{len(table)} {term('reported figures')}, {int(est.sum())} {term('re-estimated')}"
        + (f" · {number(seconds, 1)} s" if seconds is not None else "")
        + "</p>",
    ]


def _coverage_words(table: pd.DataFrame, seed: int) -> str:
    """The headline: coverage over the stored seeds, and this seed's count beside it."""
    from ..reproduction import stored_coverage

    est = table[table["estimate"].notna()]
    n_here = int(est["covers_reported"].astype(bool).sum())
    cov = stored_coverage()
    cov = cov[cov["figure_id"].isin(est["figure_id"])]
    if cov.empty:
        return term(
            "At seed {seed} the re-estimate covers {n} of {total} reported effects."
        ).format(seed=seed, n=n_here, total=len(est))
    per_seed = cov.groupby("seed")["covers_reported"].sum()
    n_fig = cov["figure_id"].nunique()
    return term(
        "Over {seeds} seeds of synthetic data, the re-estimate's 95 % interval contained the "
        "reported effect in <b>{share} %</b> of {runs} figure-by-seed runs (about 95 % is what a "
        "correct 95 % interval gives). Per seed, {low} to {high} of the {n} re-estimated figures "
        "were covered (median {median}; all {n} in {all_in} seeds); this run (seed {seed}) covers "
        "{here} of {total}."
    ).format(
        seeds=per_seed.size,
        share=number(100 * cov["covers_reported"].mean(), 1),
        runs=number(len(cov), 0),
        low=int(per_seed.min()),
        high=int(per_seed.max()),
        n=n_fig,
        median=number(per_seed.median(), 0),
        all_in=int((per_seed == n_fig).sum()),
        seed=seed,
        here=n_here,
        total=len(est),
    )


_CAN_AND_CANNOT = (
    '<div class="box"><b>What the synthetic check can and cannot show.</b> The synthetic '
    "data are generated <i>from the reported figures themselves</i>, so the check is close to "
    "circular: it shows that the reported effects are what each study's design, method and "
    "sample sizes would produce with ordinary sampling noise, and that the method (as effekt "
    "implements it) recovers them. It <b>cannot</b> show that the effects are true: it says "
    "nothing about data errors, selection on characteristics the registers do not hold, "
    "whether matching removed the bias, or whether a municipality comparison reflects the "
    "project rather than other local changes. The blue intervals in the figure are the "
    "uncertainty of the re-estimate on synthetic data, not the studies' own uncertainty (the "
    "notes rarely publish it); the green intervals are what the published shares and sample "
    "sizes alone support.</div>"
)

for _english, _danish in ((_HOW_TO_READ, _HOW_TO_READ_DA), (_CAN_AND_CANNOT, _CAN_AND_CANNOT_DA)):
    TERMS.setdefault(_english, {}).setdefault("da", _danish)


def _pp(value: float) -> str:
    return f"{number(100 * value, 1, sign=True)} {term('pp')}".replace("-", "\u2212")


def _published_words(rows: pd.DataFrame) -> str:
    """Whether a study's published numbers support its claims, in one or two sentences."""
    said = []
    for label, claim in (
        ("yes", "The published shares and sample sizes support the claimed significance"),
        (
            "depends on rounding",
            "Whether the effect is significant depends on how the published shares were rounded",
        ),
        ("no", "The published numbers do not support the claim"),
    ):
        ids = rows.loc[rows["claim_holds"] == label, "figure_id"].tolist()
        if ids:
            said.append(f"{term(claim)} ({', '.join(ids)}).")
    bad_rel = rows.loc[rows["relative_consistent"].eq(False), "figure_id"].tolist()
    if bad_rel:
        said.append(
            f"{term('The stated relative change cannot come out of the rounded shares')} "
            f"({', '.join(bad_rel)})."
        )
    checked = rows["claim_holds"].isin(["yes", "no", "depends on rounding"])
    unclaimed = rows[rows["pub_ci_low"].notna() & rows["reported_control"].notna() & ~checked]
    for _, r in unclaimed.head(1 if said else 2).iterrows():
        zero = "excludes" if r["pub_ci_low"] > 0 or r["pub_ci_high"] < 0 else "includes"
        said.append(
            term("For {fid} they give a 95 % interval of {low} to {high} (it {zero} zero).").format(
                fid=r["figure_id"],
                low=_pp(r["pub_ci_low"]),
                high=_pp(r["pub_ci_high"]),
                zero=term(zero),
            )
        )
    if rows["design"].iloc[0] == "DiD":
        said.append(
            term(
                "The change in the gap follows exactly from the four published shares; the note "
                "gives no uncertainty, and participating municipalities were not chosen at random."
            )
        )
    if not said:
        said.append(
            term(
                "The notes give no two shares with sample sizes, so the claims cannot be checked "
                "from the published numbers."
            )
        )
    return " ".join(said)


def _synthetic_words(rows: pd.DataFrame, cov: pd.DataFrame) -> str:
    est = rows[rows["estimate"].notna()]
    if est.empty:
        return term("not re-estimated")
    here = cov[cov["figure_id"].isin(est["figure_id"])]
    if here.empty:
        n = int(est["covers_reported"].astype(bool).sum())
        return term("covers {n} of {total} reported effects at this seed").format(
            n=n, total=len(est)
        )
    text = term("covered in {share} % of {seeds} seeds ({n} figures)").format(
        share=number(100 * here["covers_reported"].mean(), 0),
        seeds=here["seed"].nunique(),
        n=len(est),
    )
    return text.replace("(1 figures)", "(1 figure)")


def _html_summary(reproduction: Reproduction, cat: pd.DataFrame) -> list[str]:
    """The first page: the headline, one row per study in words, what the check can show."""
    from ..reproduction import stored_coverage

    table = reproduction.table
    cov = stored_coverage()
    parts = [
        f'<section class="summary"><h2>{term("Summary for the committee")}</h2>',
        f'<p class="headline">{_coverage_words(table, reproduction.seed)}</p>',
        '<table class="summary"><colgroup><col style="width:20%"><col style="width:28%">'
        '<col style="width:38%"><col style="width:14%"></colgroup>'
        "<thead><tr>"
        + "".join(
            f"<th>{term(h)}</th>"
            for h in (
                "study",
                "what the note claims",
                "do the published numbers support it?",
                "synthetic check",
            )
        )
        + "</tr></thead><tbody>",
    ]
    for study, rows in table.groupby("study", sort=False):
        name = cat.loc[study, "name"] if study in cat.index else study
        first = str(rows["text"].iloc[0])
        more = " " + term("(and {n} more figures)").format(n=len(rows) - 1) if len(rows) > 1 else ""
        parts.append(
            f"<tr><td>§{html.escape(str(rows['section'].iloc[0]))} {html.escape(str(name))} "
            f'<span class="note">({html.escape(str(rows["design"].iloc[0]))})</span></td>'
            f"<td>{html.escape(first + more)}</td>"
            f"<td>{html.escape(_published_words(rows))}</td>"
            f"<td>{html.escape(_synthetic_words(rows, cov))}</td></tr>"
        )
    parts += ["</tbody></table>", term(_CAN_AND_CANNOT), "</section>"]
    return parts


def _html_figures(table: pd.DataFrame, cat: pd.DataFrame) -> list[str]:
    """The table of every reported figure, a header row per study."""
    parts = [
        f'<section class="audit"><h2>{term("Every reported figure")}</h2>',
        term(_HOW_TO_READ),
        '<table class="audit"><colgroup>'
        + "".join(f'<col style="width:{w}%">' for w in _WIDTHS)
        + "</colgroup><thead><tr>"
        + "".join(f"<th>{html.escape(term(h))}</th>" for h in _HEADERS)
        + "</tr></thead><tbody>",
    ]
    for study, rows in table.groupby("study", sort=False):
        name = cat.loc[study, "name"] if study in cat.index else study
        parts.append(
            f'<tr class="study"><td colspan="{len(_HEADERS)}">'
            f"§{html.escape(str(rows['section'].iloc[0]))} "
            f"{html.escape(str(name))} — {html.escape(str(rows['design'].iloc[0]))}</td></tr>"
        )
        for _, row in rows.iterrows():
            cells, detail = _cells(row)
            tds = []
            for h, c in zip(_HEADERS, cells, strict=False):
                cls = (
                    ' class="no"' if c == term("NO") else (' class="num"' if h in _NUMERIC else "")
                )
                tds.append(f"<td{cls}>{c}</td>")
            parts.append(f'<tr id="{html.escape(row["figure_id"])}">' + "".join(tds) + "</tr>")
            if detail:
                parts.append(
                    f'<tr class="detail"><td></td><td colspan="{len(_HEADERS) - 1}">'
                    f"{detail}</td></tr>"
                )
    parts.append("</tbody></table></section>")
    return parts


def _given(value: Any) -> bool:
    return (
        isinstance(value, str)
        and value.strip() != ""
        or (not isinstance(value, str) and pd.notna(value))
    )


def _html_study(
    study: str, rows: pd.DataFrame, cat: pd.DataFrame, images: dict[str, bytes]
) -> list[str]:
    """One study's section: what it is, its figures in words, assumptions, balance plots."""
    info = cat.loc[study] if study in cat.index else None
    title = info["name"] if info is not None else study
    parts = [f"<h3>§{html.escape(str(rows['section'].iloc[0]))} {html.escape(str(title))}</h3>"]
    if info is not None:
        facts = [
            ", ".join(str(x) for x in (info["design"], info["period"]) if _given(x)),
            str(info["units"]) if _given(info["units"]) else "",
            f"{term('population')}: {info['population']}" if _given(info["population"]) else "",
            f"{term('method')}: {info['method']}" if _given(info["method"]) else "",
            f"{term('notes')} {info['source']}" if _given(info["source"]) else "",
        ]
        text = "; ".join(f for f in facts if f)
        parts.append(f'<p class="note">{html.escape(_plain(text))}.</p>')
    parts.append(
        "<ul>"
        + "".join(
            f"<li><b>{html.escape(r['figure_id'])}</b>: {html.escape(_plain(r['text']))}</li>"
            for _, r in rows.iterrows()
        )
        + "</ul>"
    )
    _, assume = generator_assumptions(study)
    if assume:
        parts.append(
            f'<div class="box"><b>{term("Synthetic data assume")}</b> '
            f"{term('(beyond the notes)')}: {html.escape(_plain(assume))}</div>"
        )
    ids = set(rows["figure_id"])
    figs = [k for k in images if k.startswith("balance:") and k.split(":", 1)[1] in ids]
    if figs:
        parts.append('<div class="figs">')
        for k in figs:
            fid = k.split(":", 1)[1]
            parts.append(
                f"<figure>{_img(images, k, 'balance ' + fid)}<figcaption>"
                + term(
                    "Covariate balance before and after matching for {fid} (standardized mean "
                    "differences; 0.1 threshold)."
                ).format(fid=html.escape(fid))
                + "</figcaption></figure>"
            )
        parts.append("</div>")
    return parts


def html_report(
    reproduction: Reproduction,
    images: dict[str, bytes] | None = None,
    *,
    seconds: float | None = None,
    language: str | None = None,
) -> str:
    """The HTML text of the report (no external resources).

    Parameters
    ----------
    reproduction : Reproduction
        From :func:`effekt.reproduction.run`.
    images : dict, optional
        Name -> PNG bytes; ``"forest"`` is shown at the top, names ``"balance:<figure_id>"``
        in the study sections. Made here when not given.
    seconds : float, optional
        Run time to state in the report.
    language : {"en", "da"}, optional
        Language of the page and its figures (Danish: decimal comma, Danish headings, table
        headers and verdicts); default the session's setting. The notes' own figure texts
        and the generators' assumptions are quoted as stored (English).

    Returns
    -------
    str
        A complete HTML page with its figures embedded as base64 PNG.

    Examples
    --------
    >>> from effekt.reproduction import run
    >>> page = html_report(run(seed=0, studies="ips"))
    >>> page.startswith("<!DOCTYPE html>"), "http://" in page or "https://" in page
    (True, False)
    >>> "Sammenfatning til udvalget" in html_report(run(seed=0, studies="ips"), {}, language="da")
    True
    """
    _check_reproduction(reproduction, "html_report", seconds, images)
    with use_language(get_language(language)):
        return _html_page(reproduction, images, seconds)


def _html_page(
    reproduction: Reproduction, images: dict[str, bytes] | None, seconds: float | None
) -> str:
    from .. import studies as _studies

    images = dict(images) if images is not None else _images(reproduction)
    table = reproduction.table
    cat = _studies.catalogue().set_index("study")
    parts = _html_head(reproduction, seconds) + _html_summary(reproduction, cat)
    if "forest" in images:
        parts += [
            f'<section class="forest"><h2>{term("Reported, published and re-estimated effects")}'
            "</h2>",
            _img(images, "forest", term("forest plot of reported and re-estimated effects")),
            "</section>",
        ]
    parts += _html_figures(table, cat)
    parts.append(f"<h2>{term('The studies')}</h2>")
    for study, rows in table.groupby("study", sort=False):
        parts += _html_study(str(study), rows, cat, images)
    made = term(
        "Made by <code>effekt reproduce</code>. Self-contained: figures are embedded, nothing is "
        "loaded from the network."
    )
    parts.append(f'<p class="meta">{made}</p></body></html>')
    return "\n".join(parts)


def _images(reproduction: Reproduction) -> dict[str, bytes]:
    import matplotlib.pyplot as plt

    images: dict[str, bytes] = {}
    fig = _forest_figure(reproduction.table)
    images["forest"] = _png(fig)
    plt.close(fig)
    for artefacts in reproduction.artefacts.values():
        for fid, obj in artefacts.items():
            if hasattr(obj, "plot_balance"):
                ax = obj.plot_balance()
                ax.set_title(fid, fontsize=9)
                images[f"balance:{fid}"] = _png(ax.figure)
                plt.close(ax.figure)
    return images


def find_chromium() -> str | None:
    """The path of a Chromium or Chrome executable on this machine, or None.

    Examples
    --------
    >>> path = find_chromium()
    >>> path is None or "chrom" in path.lower()
    True
    """
    import shutil

    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    return None


def print_pdf(html_path: str | Path, pdf_path: str | Path, *, timeout: float = 60.0) -> Path:
    """Print an HTML file to an A4 PDF with a headless Chromium (its print stylesheet applies).

    Parameters
    ----------
    html_path : path
        The HTML file, e.g. ``reproduction.html``.
    pdf_path : path
        The PDF to write.
    timeout : float
        Seconds to wait for the browser.

    Returns
    -------
    Path
        ``pdf_path``.

    Raises
    ------
    EffektError
        When no Chromium is installed (install the ``chromium`` package) or printing fails.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> tmp = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (tmp / "a.html").write_text("<p>hello</p>")
    >>> if find_chromium():
    ...     _ = print_pdf(tmp / "a.html", tmp / "a.pdf")
    """
    import subprocess
    import tempfile

    from .._export import check_output_path

    source = Path(html_path) if isinstance(html_path, (str, os.PathLike)) else None
    if source is None or isinstance(html_path, bool) or not source.is_file():
        shown = str(html_path) if source is not None else type(html_path).__name__
        raise argument_error("print_pdf", "html_path", "an existing HTML file", shown)
    pdf_path = check_output_path(pdf_path, "print_pdf", "pdf_path", suffixes=(".pdf",))
    check_number(timeout, "timeout", "print_pdf", low=0, low_open=True, high=MAX_TIMEOUT)
    browser = find_chromium()
    if browser is None:
        raise EffektError(
            "printing a PDF needs Chromium or Chrome; install it (e.g. 'apt install chromium') "
            "or open the HTML file in a browser and print it"
        )
    pdf_path = Path(pdf_path).resolve()
    with tempfile.TemporaryDirectory() as profile:
        cmd = [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            f"--user-data-dir={profile}",
            "--no-pdf-header-footer",
            f"--print-to-pdf={pdf_path}",
            source.resolve().as_uri(),
        ]
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            raise EffektError(
                f"Chromium did not print {str(html_path)!r} within timeout={timeout:g} seconds; "
                "give it more time (timeout=120) or open the HTML file in a browser and print it."
            ) from None
        except OSError as err:
            raise EffektError(f"Chromium could not be started: {err}") from None
    if not pdf_path.exists():
        raise EffektError(f"Chromium could not print {html_path}: {proc.stderr.strip()[-300:]}")
    return pdf_path


def write_report(
    reproduction: Reproduction,
    out: str | Path,
    *,
    seconds: float | None = None,
    pdf: bool = False,
    excel: bool | None = None,
    language: str | None = None,
) -> dict[str, Path]:
    """Write the reproduction's CSV, Excel workbook, forest plot and HTML report to ``out``.

    Parameters
    ----------
    reproduction : Reproduction
        From :func:`effekt.reproduction.run`.
    out : path
        Directory (created if needed).
    seconds : float, optional
        Run time to print in the report.
    pdf : bool, default False
        Also print ``reproduction.pdf`` (A4) with :func:`print_pdf`.
    excel : bool, optional
        Write ``reproduction.xlsx`` (sheet "summary": one row per study in words; sheet
        "data": the full table, numbers as numbers, shares in percent format). Default: when
        openpyxl is installed; ``True`` raises when it is not.
    language : {"en", "da"}, optional
        Language of the HTML page, the forest plot and the workbook's summary; in Danish the
        CSV is written for Danish Excel (``;``, decimal comma, UTF-8 with byte-order mark).

    Returns
    -------
    dict
        ``{"csv": path, "forest": path, "html": path}`` and ``"xlsx"`` (and ``"pdf"``).

    Examples
    --------
    >>> import tempfile
    >>> from effekt.reproduction import run
    >>> paths = write_report(run(seed=0, studies="ips"), tempfile.mkdtemp(), excel=False)
    >>> sorted(paths), paths["html"].stat().st_size > 0
    (['csv', 'forest', 'html'], True)
    """
    from .._export import write_csv, writing

    _check_reproduction(reproduction, "write_report", seconds)
    for argument, flag in (("pdf", pdf), ("excel", excel)):
        if not (isinstance(flag, bool) or (argument == "excel" and flag is None)):
            raise argument_error("write_report", argument, "True or False", flag)
    out = _out_folder(out)
    with use_language(get_language(language)):
        images = _images(reproduction)
        paths = {
            "csv": out / "reproduction.csv",
            "forest": out / "reproduction_forest.png",
            "html": out / "reproduction.html",
        }
        dialect = "excel-da" if get_language() == "da" else "plain"
        write_csv(reproduction.table, paths["csv"], dialect, "write_report")
        if excel or (excel is None and _has_openpyxl()):
            paths["xlsx"] = write_excel_table(reproduction, out / "reproduction.xlsx")
        page = _html_page(reproduction, images, seconds)
    with writing(out, "write_report"):
        paths["forest"].write_bytes(images["forest"])
        paths["html"].write_text(page, encoding="utf-8")
    if pdf:
        paths["pdf"] = print_pdf(paths["html"], out / "reproduction.pdf")
    return paths


def _out_folder(out: Any) -> Path:
    """``out`` as a folder that exists (created when needed) and is not a file."""
    from .._export import writing

    if isinstance(out, bool) or not isinstance(out, (str, os.PathLike)) or not str(out).strip():
        raise argument_error("write_report", "out", "a folder name or path", type(out).__name__)
    folder = Path(out)
    if folder.exists() and not folder.is_dir():
        raise EffektError(
            f"The 'out' argument of write_report() is the file {str(folder)!r}; give a folder."
        )
    with writing(folder, "write_report"):
        folder.mkdir(parents=True, exist_ok=True)
    return folder


def _has_openpyxl() -> bool:
    import importlib.util

    return importlib.util.find_spec("openpyxl") is not None


def write_excel_table(
    reproduction: Reproduction, path: str | Path, *, language: str | None = None
) -> Path:
    """Write the reproduction as an Excel workbook: a summary in words and the full table.

    Parameters
    ----------
    reproduction : Reproduction
        From :func:`effekt.reproduction.run`.
    path : str or Path
        The ``.xlsx`` file to write.
    language : {"en", "da"}, optional
        Language of the summary sheet (headers and verdicts).

    Returns
    -------
    Path

    Notes
    -----
    Sheet "summary": per study its section, name, design, what the note claims, whether the
    published numbers support it and the synthetic check (as on the report's first page).
    Sheet "data": the table of :func:`effekt.reproduce`, one row per reported figure, numbers
    as numbers (shares, effects on shares and their intervals in percent format). Needs
    openpyxl (``pip install 'effekt[excel]'``).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from effekt.reproduction import run
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "r.xlsx"
    >>> write_excel_table(run(seed=0, studies="ips"), path).exists()  # doctest: +SKIP
    True
    """
    from .. import studies as _studies
    from .._export import write_excel
    from ..reproduction import stored_coverage

    _check_reproduction(reproduction, "write_excel_table")
    with use_language(get_language(language)):
        table = reproduction.table
        cat = _studies.catalogue().set_index("study")
        cov = stored_coverage()
        rows = []
        for study, group in table.groupby("study", sort=False):
            rows.append(
                {
                    term("section"): str(group["section"].iloc[0]),
                    term("study"): cat.loc[study, "name"] if study in cat.index else study,
                    "design": str(group["design"].iloc[0]),
                    term("what the note claims"): _plain(str(group["text"].iloc[0])),
                    term("do the published numbers support it?"): _published_words(group),
                    term("synthetic check"): _synthetic_words(group, cov),
                }
            )
        sheets = {"summary": pd.DataFrame(rows), "data": table}
        return write_excel(sheets, path, "write_excel_table")
