"""The Danish notes' reported figures as data.

:func:`reported` returns one tidy row per figure reported in the notes (the source notes'
sections 1 to 4: randomised trials, matched comparisons, municipality comparisons by
difference in differences, simple effects), and
:func:`catalogue` one row per study. Shares are fractions (``0.16``), effects on shares are
differences of fractions (``0.04`` = +4 pp), relative changes are ratios minus one
(``0.30`` = "a 30 % rise"). A figure the note gives only approximately ("ca.", "knap",
"i underkanten af", "omkring") carries ``approximate=True``; a figure given as a range
("+7 to +10 pp") has ``effect_low``/``effect_high`` and its midpoint as ``effect``.

The notes are identified by their number: ``000`` knowledge note on effects for the
unemployed (STAR, c. 2017), ``002`` short knowledge note, ``003`` municipal committee (BIU)
note on simple effects, ``004`` STAR note on five knowledge projects, and ``001`` the STAR
note of March 2020 on three municipal projects (section 3). ``docs/studies.md`` describes
every study and figure in words.

The figures are package data, in ``effekt/data/``: ``catalogue.csv`` (one row per study),
``reported.csv`` (every figure of sections 1, 2 and 4 as the notes state it) and
``star2020.csv`` (the four shares of every municipality comparison of section 3:
:func:`star2020_shares`, also the calibration data of
:func:`effekt.synthetic.panels.municipality_panel`). Effects the notes do not state are
derived when the files are read (the difference of the shares, the midpoint of a range, the
change in the gap).

Examples
--------
>>> from effekt import studies
>>> fig = studies.reported().set_index("figure_id").loc["mentor.education"]
>>> print(fig.share_treated, fig.share_control, fig.n_treated, fig.n_control)
0.16 0.12 1302 1291
>>> print(fig.relative_change)
0.3
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

import numpy as np
import pandas as pd

from ._validate import argument_error

__all__ = ["reported", "catalogue", "figure", "star2020_shares", "DESIGNS"]

#: The designs of the notes' sections 1 (RCT), 2 (matched), 3 (DiD) and 4 (simple effect).
DESIGNS = ("RCT", "matched", "DiD", "simple effect")

_FLOATS = (
    "share_treated",
    "share_control",
    "start_treated",
    "start_control",
    "end_treated",
    "end_control",
    "effect",
    "effect_low",
    "effect_high",
    "relative_change",
)
_COUNTS = ("n_treated", "n_control")
_FLAGS = ("approximate", "has_estimator")

# the columns of reported(), in order
_COLUMNS = [
    "figure_id",
    "study",
    "study_name",
    "section",
    "design",
    "group",
    "outcome",
    "time_point",
    "scale",
    "unit",
    "share_treated",
    "share_control",
    "start_treated",
    "start_control",
    "effect",
    "effect_low",
    "effect_high",
    "relative_change",
    "n_treated",
    "n_control",
    "significance",
    "approximate",
    "decimals",
    "has_estimator",
    "source",
    "text",
]


def _read(name: str) -> pd.DataFrame:
    """A CSV of ``effekt/data`` with its numbers parsed exactly (empty cell = missing)."""
    path = resources.files("effekt") / "data" / name
    with path.open("r", encoding="utf-8") as fh:
        frame = pd.read_csv(fh, dtype=str, keep_default_na=False)
    for col in frame.columns:
        if col in _FLOATS:
            frame[col] = [float(v) if v else np.nan for v in frame[col]]
        elif col in _COUNTS:
            frame[col] = pd.array([int(v) if v else None for v in frame[col]], dtype="Int64")
        elif col in _FLAGS:
            frame[col] = [{"true": True, "false": False}[v] for v in frame[col]]
        elif col == "decimals":
            frame[col] = frame[col].astype(np.int64)
    return frame


_OUTCOMES = {"company": "company-directed effort", "paid_hours": "paid hours"}
_BENEFITS = {"cash": "activity-ready cash benefit", "resource": "resource course"}
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _month(iso: str) -> str:
    """``"2016-11"`` -> ``"Nov 2016"``."""
    year, month = iso.split("-")
    return f"{_MONTHS[int(month) - 1]} {year}"


def _star2020_figures() -> pd.DataFrame:
    """The section 3 rows of :func:`reported`, from :func:`star2020_shares`."""
    rows = []
    for r in star2020_shares().itertuples(index=False):
        pct = f"{{:.{r.decimals}f}} %"
        start, end = _month(r.start), _month(r.end)
        rows.append(
            dict(
                figure_id=r.figure_id,
                study=r.project,
                group=_BENEFITS[r.benefit],
                outcome=_OUTCOMES[r.outcome],
                time_point=f"{start} -> {end}",
                share_treated=r.end_treated,
                share_control=r.end_control,
                start_treated=r.start_treated,
                start_control=r.start_control,
                decimals=r.decimals,
                source="001",
                text=f"{_OUTCOMES[r.outcome]}, {_BENEFITS[r.benefit]}: "
                f"{pct.format(100 * r.start_treated)} vs {pct.format(100 * r.start_control)} "
                f"at the start ({start}), {pct.format(100 * r.end_treated)} vs "
                f"{pct.format(100 * r.end_control)} at the end ({end})"
                + (f" {r.note}" if r.note else ""),
            )
        )
    return pd.DataFrame(rows)


def _derive_effects(frame: pd.DataFrame) -> pd.Series:
    """The reported effect, or where the note states none: the change in the gap (DiD), the
    midpoint of a reported range, or the difference of the two shares."""
    effect = frame["effect"].to_numpy(dtype=float).copy()
    for i, r in enumerate(frame.itertuples(index=False)):
        if np.isfinite(effect[i]):
            continue
        if np.isfinite(r.start_treated) and np.isfinite(r.start_control):
            # difference in differences: change in the gap, in decimal arithmetic on the shares
            gap_end = round(r.share_treated - r.share_control, 12)
            effect[i] = round(gap_end - round(r.start_treated - r.start_control, 12), 12)
        elif np.isfinite(r.effect_low) and np.isfinite(r.effect_high):
            effect[i] = (r.effect_low + r.effect_high) / 2
        elif np.isfinite(r.share_treated) and np.isfinite(r.share_control):
            effect[i] = r.share_treated - r.share_control
    return pd.Series(effect, index=frame.index)


@lru_cache(maxsize=1)
def _catalogue() -> pd.DataFrame:
    return _read("catalogue.csv")


@lru_cache(maxsize=1)
def _star2020() -> pd.DataFrame:
    frame = _read("star2020.csv")
    frame.insert(0, "figure_id", frame["project"] + "." + frame["outcome"] + "_" + frame["benefit"])
    return frame


@lru_cache(maxsize=1)
def _reported() -> pd.DataFrame:
    figures = _read("reported.csv")
    did = _star2020_figures()
    defaults = dict(scale="proportion", unit="", significance="not stated", approximate=False)
    frame = pd.concat([figures, did.assign(has_estimator=True, **defaults)], ignore_index=True)
    frame["effect"] = _derive_effects(frame)
    cat = _catalogue().set_index("study")
    # the notes' order: by study as in the catalogue, figures in the order of the files
    order = {study: k for k, study in enumerate(cat.index)}
    frame = frame.iloc[np.argsort(frame["study"].map(order).to_numpy(), kind="stable")]
    frame = frame.reset_index(drop=True)
    frame["study_name"] = frame["study"].map(cat["name"])
    frame["section"] = frame["study"].map(cat["section"])
    frame["design"] = frame["study"].map(cat["design"])
    for col in _COUNTS:
        frame[col] = frame[col].astype("Int64")
    frame["decimals"] = frame["decimals"].astype(np.int64)
    for col in _FLAGS:
        frame[col] = frame[col].astype(bool)
    return frame[_COLUMNS]


def reported(study: str | None = None) -> pd.DataFrame:
    """Every figure of the notes' sections 1 to 4 as one tidy DataFrame.

    Parameters
    ----------
    study : str, optional
        Only this study's figures (a key of :func:`catalogue`, e.g. ``"mentor"``).

    Returns
    -------
    DataFrame
        One row per figure with columns ``figure_id``, ``study``, ``study_name``,
        ``section``, ``design`` ("RCT", "matched", "DiD", "simple effect"), ``group``, ``outcome``,
        ``time_point``, ``scale`` ("proportion" or "mean"), ``unit``, ``share_treated`` and
        ``share_control`` (shares as fractions, or means; NaN where not given; for the
        municipality comparisons of section 3 the shares at the project's end, with
        ``start_treated``/``start_control`` the shares at its start), ``effect``
        (as reported; the midpoint of a range), ``effect_low``/``effect_high`` (a reported
        range), ``relative_change`` (as reported, ratio - 1), ``n_treated``/``n_control``
        (where the notes give them), ``significance`` ("significant", "no effect",
        "not stated"), ``approximate`` (the note says "ca." or similar), ``decimals`` (to
        which the shares are rounded, in percent), ``has_estimator`` (whether
        :func:`effekt.reproduce` re-estimates it on synthetic data), ``source`` (note
        numbers) and ``text`` (what the note says, in English).

    Notes
    -----
    For the municipality comparisons (section 3, design "DiD") ``effect`` is the change in
    the gap between participating and other municipalities from the start to the end of the
    project, computed from the four published shares (HIR: 2.5 pp -> 5.6 pp, +3.1 pp);
    ``n_treated``/``n_control`` are missing (the note gives shares of register populations).
    ``jobrotation.time_to_job`` is in weeks *faster* (positive = temps find a job sooner).

    For the simple-effect rows of the BIU note (section 4), ``effect`` is the simple effect
    itself (a share in a job), as the note uses the word; ``biu.causal_complex`` is the
    difference the note's example implies (10-15 % with the course against 0-3 % without).

    Examples
    --------
    >>> from effekt import studies
    >>> vcg2 = studies.reported("vcg2")
    >>> vcg2[["group", "share_treated", "share_control"]].iloc[1:3].values.tolist()
    [['resource course', 0.14, 0.05], ['cash benefit', 0.06, 0.02]]
    """
    frame = _reported().copy()
    if study is not None:
        known = list(frame["study"].unique())
        if not isinstance(study, str) or study not in known:
            raise argument_error(
                "reported", "study", f"one of {', '.join(map(repr, known))}", study
            )
        frame = frame[frame["study"] == study].reset_index(drop=True)
    return frame


def catalogue() -> pd.DataFrame:
    """One row per study of the notes' sections 1 to 4.

    Returns
    -------
    DataFrame
        Columns ``study`` (key), ``name``, ``section``, ``design``, ``period``, ``source``,
        ``n_treated``, ``n_control`` (as the notes give them; NaN where they do not),
        ``units``, ``population`` and ``method`` (the study's own estimator, in words).

    Examples
    --------
    >>> from effekt import studies
    >>> studies.catalogue()["study"].tolist()[:3]
    ['mentor', 'jobfirst', 'ips']
    """
    return _catalogue().copy()


def figure(figure_id: str) -> pd.Series:
    """One reported figure by its id (a row of :func:`reported`).

    Examples
    --------
    >>> from effekt import studies
    >>> print(studies.figure("jobfirst.hours_w78").relative_change)
    0.67
    """
    frame = _reported()
    hit = frame[frame["figure_id"] == figure_id] if isinstance(figure_id, str) else frame.iloc[:0]
    if hit.empty:
        raise argument_error("figure", "figure_id", "a figure_id of studies.reported()", figure_id)
    return hit.iloc[0].copy()


def star2020_shares() -> pd.DataFrame:
    """The shares of the STAR note of March 2020 (section 3): one row per comparison.

    Participating municipalities against the rest of the country, at the project's first
    and last month, as the note prints them. The rows of design "DiD" in :func:`reported`
    and the calibration of :func:`effekt.synthetic.panels.municipality_panel` both come
    from this table.

    Returns
    -------
    DataFrame
        Columns ``figure_id`` (as in :func:`reported`), ``project`` ("stv", "brf",
        "hir"), ``outcome`` ("company": company-directed effort, "paid_hours": paid hours),
        ``benefit`` ("cash", "resource"), ``start``/``end`` (the project's first and last
        month, ``"YYYY-MM"``), ``start_treated``, ``start_control``, ``end_treated``,
        ``end_control`` (shares as fractions: participating vs the rest), ``decimals`` (to
        which the note rounds them, in percent) and ``note`` (further numbers the note
        gives).

    Examples
    --------
    >>> from effekt import studies
    >>> hir = studies.star2020_shares().set_index("figure_id").loc["hir.company_resource"]
    >>> print(hir.start_treated, hir.start_control, hir.end_treated, hir.end_control)
    0.184 0.159 0.247 0.191
    """
    return _star2020().copy()
