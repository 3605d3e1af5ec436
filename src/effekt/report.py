"""Write the reproduction: a CSV table, a forest plot and one self-contained HTML report.

The HTML report embeds its figures as base64 PNG and its style inline; it loads nothing
from the network and can be mailed or opened offline.

Examples
--------
>>> import tempfile, matplotlib
>>> matplotlib.use("Agg")
>>> from effekt.reproduction import run
>>> from effekt.report import write_report
>>> with tempfile.TemporaryDirectory() as tmp:
...     paths = write_report(run(studies=["ips"]), tmp)
...     sorted(p.name for p in paths.values())
['reproduction.csv', 'reproduction.html', 'reproduction_forest.png']
"""

from __future__ import annotations

import base64
import datetime as _dt
import html
import io
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .reproduction import Reproduction

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["write_report", "plot_reproduction", "html_report", "generator_assumptions"]

_KINDS = (
    ("difference", "Effects on shares (percentage points)", 100.0),
    ("did", "Municipality comparisons (DiD): change in the gap, start to end", 100.0),
    ("share", "Simple effects: shares in a job (%)", 100.0),
    ("mean", "Effects on means (hours per week; weeks faster to a job)", 1.0),
)


def _kind(row: pd.Series) -> str:
    if row["design"] == "DiD":
        return "did"
    if row["scale"] == "mean":
        return "mean"
    if row["design"] == "simple effect" and pd.isna(row["reported_control"]):
        return "share"
    return "difference"


def _label(row: pd.Series) -> str:
    study = {
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
    name = study.get(row["study"], row["study"])
    outcome = str(row["outcome"]).replace("in SU-eligible education", "education")
    if row["unit"] == "weeks faster":
        outcome += " (weeks faster)"
    text = f"{name} {outcome}"
    if row["group"] != "all":
        group = str(row["group"])
        text += ": " + (group if len(group) <= 34 else group[:32].rstrip() + "…")
    return text


def plot_reproduction(
    table: pd.DataFrame, kind: str = "difference", ax: Axes | None = None, *, legend: bool = True
) -> Axes:
    """Forest plot of reported effects against the re-estimated ones (one kind of figure).

    Parameters
    ----------
    table : DataFrame
        Output of :func:`effekt.reproduce`.
    kind : {"difference", "did", "share", "mean"}
        Effects on shares (drawn in percentage points), changes in the gap between
        participating and other municipalities (section 3, in percentage points),
        simple-effect shares (in %), or effects on means.
    ax : Axes, optional
    legend : bool
        Draw a legend in the Axes.

    Returns
    -------
    Axes
        Re-estimated effect with its 95 % CI (blue), the reported effect (red diamond;
        a red bar for a reported range), and the naive difference of matched studies
        (grey cross).

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
    from .plots import new_axes

    rows = table[table["estimate"].notna()]
    rows = rows[[_kind(r) == kind for _, r in rows.iterrows()]]
    ax = new_axes(ax, figsize=(8.0, 0.32 * len(rows) + 1.4))
    k = dict((name, mult) for name, _, mult in _KINDS)[kind]
    y = np.arange(len(rows))[::-1]
    est = rows["estimate"].to_numpy(float) * k
    lo = rows["ci_low"].to_numpy(float) * k
    hi = rows["ci_high"].to_numpy(float) * k
    ax.errorbar(
        est,
        y,
        xerr=[est - lo, hi - est],
        fmt="o",
        color="C0",
        ms=4,
        capsize=2,
        label="re-estimated on synthetic data (95 % CI)",
    )
    rlo = rows["reported_low"].to_numpy(float) * k
    rhi = rows["reported_high"].to_numpy(float) * k
    has_range = np.isfinite(rlo) & np.isfinite(rhi)
    if has_range.any():
        ax.hlines(
            y[has_range],
            rlo[has_range],
            rhi[has_range],
            color="C3",
            lw=5,
            alpha=0.35,
            label="reported range",
        )
    ax.plot(rows["reported_effect"].to_numpy(float) * k, y, "D", color="C3", ms=5, label="reported")
    naive = rows["naive_estimate"].to_numpy(float) * k
    if np.isfinite(naive).any():
        ax.plot(naive, y, "x", color="0.35", ms=6, label="naive difference (no matching)")
    if kind != "share":
        ax.axvline(0.0, color="0.6", lw=0.8, ls="--")
    ax.set_yticks(y, [_label(r) for _, r in rows.iterrows()], fontsize=8)
    ax.set_ylim(-0.7, len(rows) - 0.3)
    ax.set_xlabel(
        {
            "difference": "Effect (percentage points)",
            "did": "Change in gap (percentage points)",
            "share": "Share in a job (%)",
            "mean": "Effect (hours per week; weeks faster)",
        }[kind]
    )
    ax.grid(axis="x", color="0.9")
    if legend:
        ax.legend(fontsize=7, loc="lower right", framealpha=0.9)
    return ax


def _forest_figure(table: pd.DataFrame) -> Figure:
    """One figure with a panel per kind of figure that has re-estimates."""
    import matplotlib.pyplot as plt

    present = []
    for kind, title, _ in _KINDS:
        n = sum(_kind(r) == kind for _, r in table[table["estimate"].notna()].iterrows())
        if n:
            present.append((kind, title, n))
    if not present:
        fig, ax = plt.subplots(figsize=(6, 1.5))
        ax.text(0.5, 0.5, "no re-estimated figures in this run", ha="center", va="center")
        ax.set_axis_off()
        return fig
    heights = [n + 2.2 for _, _, n in present]
    fig, axes = plt.subplots(
        len(present),
        1,
        figsize=(9.0, 0.3 * sum(heights) + 0.8),
        gridspec_kw={"height_ratios": heights},
        layout="constrained",
        squeeze=False,
    )
    handles: dict[str, Any] = {}
    for ax, (kind, title, _) in zip(axes[:, 0], present, strict=False):
        plot_reproduction(table, kind, ax=ax, legend=False)
        ax.set_title(title, fontsize=10, loc="left")
        for h, lab in zip(*ax.get_legend_handles_labels(), strict=False):
            handles.setdefault(lab, h)
    fig.legend(
        list(handles.values()),
        list(handles),
        loc="outside lower center",
        ncol=4,
        fontsize=8,
        frameon=False,
    )
    fig.suptitle(
        "Reported effects and their re-estimation on calibrated synthetic data", fontsize=11
    )
    return fig


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
    from .synthetic.studies import ASSUMPTIONS

    found = ASSUMPTIONS.get(study)
    return ("", "") if found is None else (found.notes_say, found.assumes)


def _num(value: Any, scale: str, signed: bool = True) -> str:
    if value is None or (isinstance(value, float) and not np.isfinite(value)) or pd.isna(value):
        return ""
    value = float(value)
    if scale == "proportion":
        return f"{100 * value:+.1f}" if signed else f"{100 * value:.1f} %"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:+.2f}" if signed else f"{value:.2f}"


def _p(p: float) -> str:
    return "<0.001" if p < 0.001 else f"{p:.3f}"


def _cells(row: pd.Series) -> tuple[list[str], str]:
    s = row["scale"]
    rep = _num(row["reported_effect"], s)
    if pd.notna(row["reported_low"]):
        rep = f"{_num(row['reported_low'], s)} to {_num(row['reported_high'], s)}"
    if not rep:
        rep = row["reported_significance"] if row["reported_significance"] != "not stated" else ""
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
        else f"{100 * row['reported_relative_change']:+.0f} %"
    )
    n = ""
    if pd.notna(row["pub_n_treated"]):
        n = f"{int(row['pub_n_treated']):,}"
        if pd.notna(row["pub_n_control"]):
            n += f" / {int(row['pub_n_control']):,}"
        if row["pub_n_assumed"] is True:
            n += "*"
    pub = ""
    if pd.notna(row["pub_ci_low"]):
        pub = f"[{_num(row['pub_ci_low'], s)}, {_num(row['pub_ci_high'], s)}]"
    if pd.notna(row.get("pub_change", np.nan)):  # DiD: exact change in gap, no sampling error
        pub = (
            f"{_num(row['pub_change'], s)} exact (gap {_num(row['pub_gap_start'], s)} → "
            f"{_num(row['pub_gap_end'], s)})"
        )
    p = ""
    if pd.notna(row["pub_p_min"]):
        p = (
            _p(row["pub_p_min"])
            if row["pub_p_min"] == row["pub_p_max"]
            else f"{_p(row['pub_p_min'])} – {_p(row['pub_p_max'])}"
        )
    relc = (
        ""
        if pd.isna(row["relative_consistent"])
        else ("yes" if row["relative_consistent"] else "NO")
    )
    syn = ""
    if pd.notna(row["estimate"]):
        syn = f"{_num(row['estimate'], s)} [{_num(row['ci_low'], s)}, {_num(row['ci_high'], s)}]"
    cov = "" if pd.isna(row["covers_reported"]) else ("yes" if row["covers_reported"] else "NO")
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
            row["reported_significance"],
            n,
            pub,
            p,
            row["claim_holds"],
            relc,
            syn,
            cov,
            naive,
        )
    ], " · ".join(
        html.escape(x) for x in (f"method: {row['method']}" if row["method"] else "", note) if x
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
    "rel. consistent",
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
th{background:#f3f5f8;position:sticky;top:0}td.num{text-align:right;white-space:nowrap}
tr.study td{background:#eef2f8;font-weight:600}
tr.detail td{color:#5a6372;border-top:none;font-size:.95em}
td:first-child{overflow-wrap:anywhere;min-width:9em;max-width:14em}.wrap{overflow-x:auto}.no{background:#fde2e1;font-weight:600}
.yes{color:#17663a}.note{color:#5a6372}img{max-width:100%;height:auto;border:1px solid #eee}
.box{background:#f8f9fb;border-left:4px solid #9aa8bd;padding:.5em .9em;margin:.6em 0;
font-size:.92em}
.figs{display:flex;flex-wrap:wrap;gap:12px}.figs figure{margin:0;flex:1 1 420px}
figcaption{font-size:.85em;color:#5a6372}
"""


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
    "Effects on shares are in percentage points. * = sample size not in the notes, assumed. "
    "The "
)


def _img(images: dict[str, bytes], name: str, alt: str) -> str:
    data = base64.b64encode(images[name]).decode("ascii")
    return f'<img src="data:image/png;base64,{data}" alt="{html.escape(alt)}">'


def _html_head(reproduction: Reproduction, seconds: float | None) -> list[str]:
    """The page's head, title, run facts and the box on how to read it."""
    from . import __version__

    table = reproduction.table
    est = table["estimate"].notna()
    n_cov = int(table.loc[est, "covers_reported"].astype(bool).sum())
    return [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<title>effekt: reproduction of the Danish ALMP notes</title>",
        f"<style>{_STYLE}</style></head><body>",
        "<h1>Reproducing the evaluation notes</h1>",
        f'<p class="meta">effekt {html.escape(__version__)} · seed {reproduction.seed} · '
        f"{_dt.datetime.now(_dt.timezone.utc):%Y-%m-%d %H:%M} UTC · "
        f"{table['study'].nunique()} studies, "
        f"{len(table)} reported figures, {int(est.sum())} re-estimated"
        + (f" · {seconds:.1f} s" if seconds is not None else "")
        + "</p>",
        _HOW_TO_READ + f"re-estimated interval contains the reported effect for {n_cov} of "
        f"{int(est.sum())} figures at this seed.</div>",
    ]


def _html_figures(table: pd.DataFrame, cat: pd.DataFrame) -> list[str]:
    """The table of every reported figure, a header row per study."""
    parts = [
        "<h2>Every reported figure</h2>",
        '<div class="wrap"><table><thead><tr>'
        + "".join(f"<th>{h}</th>" for h in _HEADERS)
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
                cls = ' class="no"' if c == "NO" else (' class="num"' if h in _NUMERIC else "")
                tds.append(f"<td{cls}>{c}</td>")
            parts.append(f'<tr id="{html.escape(row["figure_id"])}">' + "".join(tds) + "</tr>")
            if detail:
                parts.append(
                    f'<tr class="detail"><td></td><td colspan="{len(_HEADERS) - 1}">'
                    f"{detail}</td></tr>"
                )
    parts.append("</tbody></table></div>")
    return parts


def _html_study(
    study: str, rows: pd.DataFrame, cat: pd.DataFrame, images: dict[str, bytes]
) -> list[str]:
    """One study's section: what it is, its figures in words, assumptions, balance plots."""
    info = cat.loc[study] if study in cat.index else None
    title = info["name"] if info is not None else study
    parts = [f"<h3>§{html.escape(str(rows['section'].iloc[0]))} {html.escape(str(title))}</h3>"]
    if info is not None:
        parts.append(
            f'<p class="note">{html.escape(str(info["design"]))}, '
            f"{html.escape(str(info['period']))}; {html.escape(str(info['units']))}; "
            f"population: {html.escape(str(info['population']))}; "
            f"method: {html.escape(str(info['method']))}; "
            f"notes {html.escape(str(info['source']))}.</p>"
        )
    parts.append(
        "<ul>"
        + "".join(
            f"<li><b>{html.escape(r['figure_id'])}</b>: {html.escape(r['text'])}</li>"
            for _, r in rows.iterrows()
        )
        + "</ul>"
    )
    _, assume = generator_assumptions(study)
    if assume:
        parts.append(
            '<div class="box"><b>Synthetic data assume</b> (beyond the notes): '
            f"{html.escape(assume)}</div>"
        )
    ids = set(rows["figure_id"])
    figs = [k for k in images if k.startswith("balance:") and k.split(":", 1)[1] in ids]
    if figs:
        parts.append('<div class="figs">')
        for k in figs:
            fid = k.split(":", 1)[1]
            parts.append(
                f"<figure>{_img(images, k, 'balance ' + fid)}<figcaption>Covariate balance "
                f"before and after matching for {html.escape(fid)} (standardized mean "
                "differences; 0.1 threshold).</figcaption></figure>"
            )
        parts.append("</div>")
    return parts


def html_report(
    reproduction: Reproduction,
    images: dict[str, bytes] | None = None,
    *,
    seconds: float | None = None,
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
    """
    from . import studies as _studies

    images = dict(images) if images is not None else _images(reproduction)
    table = reproduction.table
    cat = _studies.catalogue().set_index("study")
    parts = _html_head(reproduction, seconds)
    if "forest" in images:
        parts += [
            "<h2>Reported vs re-estimated</h2>",
            _img(images, "forest", "forest plot of reported and re-estimated effects"),
        ]
    parts += _html_figures(table, cat)
    parts.append("<h2>The studies</h2>")
    for study, rows in table.groupby("study", sort=False):
        parts += _html_study(str(study), rows, cat, images)
    parts.append(
        '<p class="meta">Made by <code>effekt reproduce</code>. Self-contained: figures are '
        "embedded, "
        "nothing is loaded from the network.</p></body></html>"
    )
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


def write_report(
    reproduction: Reproduction, out: str | Path, *, seconds: float | None = None
) -> dict[str, Path]:
    """Write ``reproduction.csv``, ``reproduction_forest.png`` and ``reproduction.html`` to ``out``.

    Parameters
    ----------
    reproduction : Reproduction
        From :func:`effekt.reproduction.run`.
    out : path
        Directory (created if needed).
    seconds : float, optional
        Run time to print in the report.

    Returns
    -------
    dict
        ``{"csv": path, "forest": path, "html": path}``.

    Examples
    --------
    >>> import tempfile
    >>> from effekt.reproduction import run
    >>> paths = write_report(run(seed=0, studies="ips"), tempfile.mkdtemp())
    >>> sorted(paths), paths["html"].stat().st_size > 0
    (['csv', 'forest', 'html'], True)
    """
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    images = _images(reproduction)
    paths = {
        "csv": out / "reproduction.csv",
        "forest": out / "reproduction_forest.png",
        "html": out / "reproduction.html",
    }
    reproduction.table.to_csv(paths["csv"], index=False)
    paths["forest"].write_bytes(images["forest"])
    paths["html"].write_text(html_report(reproduction, images, seconds=seconds), encoding="utf-8")
    return paths
