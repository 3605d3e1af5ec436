"""Result objects shared by every estimator.

:class:`EffectResult` carries one effect (a difference in proportions or means, an ATT …)
with its standard error, confidence interval, p-value and sample sizes. :class:`EffectTable`
holds several labelled effects (arms, subgroups, time points). :class:`TestResult` holds a
test statistic (an interaction test, a log-rank test …). All are frozen; ``to_frame()``
returns tidy rows with numeric ``ci_low``/``ci_high`` columns and ``summary()`` readable text.

Effects on proportions are fractions in attributes (``0.04``) and percentage points in text
("+4.0 pp"); relative changes are ratios minus one (``0.33``) shown as "+33 %".

Examples
--------
>>> from effekt.results import EffectResult
>>> r = EffectResult(estimate=0.04, std_error=0.0135, ci=(0.0135, 0.0665), pvalue=0.003,
...                  method="Newcombe hybrid score", n_treated=1302, n_control=1291,
...                  mean_treated=0.16, mean_control=0.12)
>>> print(r.summary().splitlines()[0])
Effect: +4.0 pp (95% CI +1.4 to +6.7 pp), p = 0.003
>>> round(r.relative_change, 3)
0.333
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from .language import (
    Note,
    confidence_label,
    get_language,
    number,
    say,
    speaks,
    term,
    use_language,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = [
    "EffectResult",
    "EffectTable",
    "ReportSection",
    "Result",
    "TestResult",
    "effect_from_normal",
]

Scale = Literal["proportion", "mean"]


#: Rows shown by the HTML view of a result before it is cut (the full table is ``to_frame()``).
HTML_MAX_ROWS = 60


def _html_cell(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, (float, np.floating)):
        return f"{value:.4g}" if abs(value) < 1e5 else f"{value:,.0f}"
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)


def _html_text(text: str) -> str:
    """Escaped cell text; short cells ("+1.3 to +6.6 pp") do not break across lines."""
    escaped = html.escape(text)
    return escaped.replace(" ", "&nbsp;") if len(text) <= 24 else escaped


def html_table(frame: pd.DataFrame, *, title: str = "", notes: Sequence[str] = ()) -> str:
    """A result's HTML view: an optional title, a formatted table and notes.

    Numbers are shown with four significant digits (integers with thousands separators),
    short cells keep their words on one line (non-breaking spaces), and more than :data:`HTML_MAX_ROWS` rows are cut with a line saying how many are left out.

    Examples
    --------
    >>> html = html_table(pd.DataFrame({"estimate": [0.04]}), title="Effect")
    >>> "<table" in html and "0.04" in html
    True
    """
    shown = frame.head(HTML_MAX_ROWS)
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in shown.columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{_html_text(_html_cell(v))}</td>" for v in row) + "</tr>"
        for row in shown.itertuples(index=False, name=None)
    )
    parts = ['<div class="effekt-result">']
    if title:
        parts.append(f"<p><strong>{html.escape(title)}</strong></p>")
    parts.append(
        '<table class="effekt-table" style="border-collapse:collapse">'
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    )
    if len(frame) > len(shown):
        parts.append(f"<p>… {len(frame) - len(shown):,} more rows (see to_frame()).</p>")
    if notes:
        parts.append("<ul>" + "".join(f"<li>{html.escape(say(n))}</li>" for n in notes) + "</ul>")
    parts.append("</div>")
    return "".join(parts)


@dataclass(frozen=True)
class ReportSection:
    """What one result contributes to a report (see :meth:`Result._report_section`).

    Attributes
    ----------
    title : str
        The section heading.
    table : DataFrame
        The table for people (formatted numbers, headers in the current language).
    figures : tuple of callables
        Each takes ``ax=None`` and draws one figure, returning its Axes.
    methods : str
        A methods paragraph generated from the result's provenance.
    finding : str
        The result's finding in one plain-language sentence (for a report's first page).
    notes : tuple of str
        Caveats listed under the table (dropped rows, warnings, tests).

    Examples
    --------
    >>> from effekt.results import EffectResult
    >>> r = EffectResult(0.03, 0.02, (-0.018, 0.079), 0.22, "Wald", n_treated=400,
    ...                  n_control=400, outcome="job")
    >>> section = r._report_section()
    >>> print(section.finding)
    Participants: the share with 'job' was 3.0 percentage points higher (95% CI −1.8 to 7.9) than in the control group; the difference could be chance.
    """

    title: str
    table: pd.DataFrame
    figures: tuple[Callable[..., Axes], ...]
    methods: str
    finding: str
    notes: tuple[str, ...] = ()


class Result:
    """Base of every effekt result: text, tidy frame and HTML view from one place.

    A subclass (a frozen dataclass) provides :meth:`summary` (readable text) and
    :meth:`to_frame` (a tidy DataFrame). The base supplies ``str(result)`` (the summary) and
    the notebook view ``_repr_html_`` (a formatted table of :meth:`_html_frame`, titled by
    :meth:`_html_title`, with the lines of :meth:`_html_notes`). Subclasses override those
    hooks, never ``__str__`` or ``_repr_html_`` themselves.
    """

    def summary(self) -> str:  # pragma: no cover - every subclass defines it
        """Readable text. Subclasses decorate it with :func:`effekt.language.speaks`, which
        adds ``language=`` (``"en"``, ``"da"``; default the session's setting)."""
        raise NotImplementedError

    def to_frame(self) -> pd.DataFrame:  # pragma: no cover - every subclass defines it
        raise NotImplementedError

    def _html_title(self) -> str:
        """The heading of the HTML view: the first line of the summary."""
        text = self.summary()
        return text.splitlines()[0] if text else type(self).__name__

    def _html_frame(self) -> pd.DataFrame:
        """The table shown in the HTML view (default: :meth:`to_frame`)."""
        return self.to_frame()

    def _html_notes(self) -> tuple[str, ...]:
        """Lines listed under the HTML table (default: the result's ``notes``)."""
        return tuple(getattr(self, "notes", ()) or ())

    def __str__(self) -> str:
        return self.summary()

    # ------------------------------------------------------------ report protocol
    # A report (effekt.report.Report) composes results through these hooks, in the current
    # language, so estimators never import the report layer. Override what differs.
    def _report_figures(self) -> tuple[Callable[..., Axes], ...]:
        """Functions drawing the result's figures (default: its ``plot`` method, if any)."""
        plot = getattr(self, "plot", None)
        return (plot,) if callable(plot) else ()

    def _report_methods(self) -> str:
        """A methods paragraph from the result's provenance (method, level, n, notes)."""
        parts = []
        method = getattr(self, "method", None)
        if isinstance(method, str) and method:
            parts.append(f"{term('Method')}: {term(method)}.")
        se = getattr(self, "se", None)
        if isinstance(se, str) and se:
            parts.append(f"{term('Standard error')}: {se}.")
        level = getattr(self, "conf_level", None)
        if isinstance(level, float):
            parts.append(f"{term('Confidence level')}: {number(100 * level, None)} %.")
        return " ".join(parts)

    def _report_finding(self) -> str:
        """The finding in one sentence (default: the first line of the summary)."""
        return self._html_title()

    def _report_section(self) -> ReportSection:
        """Everything a report shows for this result, written in the current language."""
        return ReportSection(
            title=self._html_title(),
            table=self._html_frame(),
            figures=self._report_figures(),
            methods=self._report_methods(),
            finding=self._report_finding(),
            notes=tuple(self._html_notes()),
        )

    def _repr_html_(self) -> str:
        return html_table(self._html_frame(), title=self._html_title(), notes=self._html_notes())

    @speaks
    def formatted(self) -> pd.DataFrame:
        """The result as a table for people: formatted numbers, headers in ``language``.

        The table of the notebook view (:meth:`_html_frame`); ``to_frame()`` is the tidy,
        numeric one.
        """
        return self._html_frame()

    def to_csv(self, path: str | Path, *, dialect: str | None = None) -> Path:
        """Write :meth:`to_frame` to a CSV file; returns its path.

        Parameters
        ----------
        path : str or Path
            File to write.
        dialect : {"excel-da", "excel", "plain"}, optional
            ``"excel-da"``: ``;`` separator, decimal comma, UTF-8 with byte-order mark, so
            Danish Excel opens it in columns with æøå intact. ``"excel"``: comma and decimal
            point with byte-order mark; ``"plain"``: comma, decimal point, UTF-8. Default
            ``"excel-da"`` when the language is Danish, else ``"plain"``.
        """
        from ._export import write_csv

        if dialect is None:
            dialect = "excel-da" if get_language() == "da" else "plain"
        return write_csv(self.to_frame(), path, dialect, "to_csv")

    def to_excel(self, path: str | Path, *, language: str | None = None) -> Path:
        """Write an Excel workbook: sheet "data" holds :meth:`to_frame` (numbers as numbers,
        shares and relative changes with a percent format), sheet "table" the people's table
        in ``language``. Needs openpyxl (``pip install 'effekt[excel]'``); returns the path.
        """
        from ._export import write_excel

        with use_language(get_language(language)):
            sheets = {"data": self.to_frame(), "table": self._html_frame()}
        return write_excel(sheets, path, "to_excel")


def format_effect(value: float, scale: Scale, digits: int = 1, unit: str = "") -> str:
    """Signed effect: percentage points for proportions, plain units for means."""
    if value is None or not np.isfinite(value):
        return term("n/a")
    if scale == "proportion":
        return f"{number(100 * value, digits, sign=True)} {term('pp')}"
    text = number(value, max(digits, 2), sign=True)
    return f"{text} {unit}".rstrip()


def format_level(value: float | None, scale: Scale, digits: int = 1, unit: str = "") -> str:
    """Unsigned level: a share as a percentage, a mean in plain units."""
    if value is None or not np.isfinite(value):
        return term("n/a")
    if scale == "proportion":
        return f"{number(100 * value, digits)} %"
    return f"{number(value, max(digits, 2))} {unit}".rstrip()


def format_pvalue(p: float | None) -> str:
    """``p = 0.012``, ``p < 0.001`` or ``p = n/a``."""
    if p is None or not np.isfinite(p):
        return f"p = {term('n/a')}"
    if p < 0.001:
        return f"p < {number(0.001, 3)}"
    return f"p = {number(p, 3)}"


def format_relative(value: float | None, digits: int = 0) -> str:
    if value is None or not np.isfinite(value):
        return term("n/a")
    return f"{number(100 * value, digits, sign=True)} %"


@dataclass(frozen=True)
class TestResult(Result):
    """A test statistic with its p-value, null hypothesis and reference distribution.

    Examples
    --------
    >>> t = TestResult(statistic=3.84, pvalue=0.05, df=1, null="equal effects",
    ...                distribution="chi2")
    >>> t.pvalue
    0.05
    """

    __test__ = False  # not a pytest test class

    statistic: float
    pvalue: float
    null: str
    distribution: str
    df: float | None = None
    name: str = "test"
    notes: tuple[str, ...] = ()

    @speaks
    def summary(self) -> str:
        df = (
            f"({number(self.df, 0 if float(self.df).is_integer() else 2)})"
            if self.df is not None
            else ""
        )
        text = (
            f"{term(self.name)}: {self.distribution}{df} = {number(self.statistic, 3)}, "
            f"{format_pvalue(self.pvalue)}  [H0: {term(self.null)}]"
        )
        return "\n".join([text, *(f"  {term('note')}: {say(n)}" for n in self.notes)])

    def _html_title(self) -> str:
        return self.name

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            [
                {
                    "test": self.name,
                    "statistic": self.statistic,
                    "df": self.df,
                    "pvalue": self.pvalue,
                    "distribution": self.distribution,
                    "null": self.null,
                }
            ]
        )


@dataclass(frozen=True)
class EffectResult(Result):
    """One estimated effect with its uncertainty.

    Attributes
    ----------
    estimate : float
        The effect: a difference in proportions (as a fraction) or in means.
    std_error : float
        Its standard error (``nan`` where an interval is not Wald-type and no SE is defined).
    ci : tuple of float
        ``(low, high)`` confidence limits at ``conf_level``.
    pvalue : float
        Two-sided p-value for "no effect", matching ``method``.
    method : str
        How the interval and p-value were computed, in words.
    conf_level : float
        Confidence level of ``ci`` (default 0.95).
    n_treated, n_control : int or None
        Units in each arm that entered the estimate.
    scale : {"proportion", "mean"}
        ``"proportion"`` prints effects in percentage points.
    mean_treated, mean_control : float or None
        Share or mean outcome in each arm (adjusted where the method adjusts).
    relative_change : float or None
        ``mean_treated / mean_control - 1``; derived from the means when not given.
    relative_change_ci : tuple of float or None
        Confidence limits for the relative change, where the method defines them.
    statistic, df : float or None
        Test statistic and its degrees of freedom, where defined.
    estimand : str
        What is estimated ("difference", "ATT", "ATE", …).
    outcome, label : str or None
        Outcome column and a label (arm, subgroup) for tables and plots.
    extra : mapping
        Further named figures (e.g. ``pvalue_fisher``, ``pvalue_boschloo``).
    notes : tuple of str
        Caveats printed under the summary.
    unit : str
        Unit of a mean outcome ("hours/week"), used in text.

    Notes
    -----
    **Significance.** effekt calls an effect *significant* when its confidence interval
    excludes zero (:attr:`significant`). The p-value is reported as computed by ``method``;
    for Wald-type methods the two agree exactly, but the default Newcombe hybrid score
    interval is paired with the Pearson chi-square p-value (as R's ``prop.test`` without
    continuity correction), and near the boundary one can exclude 0 while the other does not
    (e.g. 0/40 vs 3/30: CI -25.6 to +0.9 pp, p = 0.041). :meth:`summary` then adds a note,
    and :attr:`interval_test_disagree` is ``True``.
    """

    estimate: float
    std_error: float
    ci: tuple[float, float]
    pvalue: float
    method: str
    conf_level: float = 0.95
    n_treated: int | None = None
    n_control: int | None = None
    scale: Scale = "proportion"
    mean_treated: float | None = None
    mean_control: float | None = None
    relative_change: float | None = None
    relative_change_ci: tuple[float, float] | None = None
    statistic: float | None = None
    df: float | None = None
    estimand: str = "difference"
    outcome: str | None = None
    label: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    unit: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "ci", (float(self.ci[0]), float(self.ci[1])))
        if (
            self.relative_change is None
            and self.mean_treated is not None
            and self.mean_control is not None
            and self.mean_control != 0
        ):
            object.__setattr__(self, "relative_change", self.mean_treated / self.mean_control - 1)

    def _undefined_fields(self) -> list[str]:
        """Names of the main numbers that are NaN or infinite."""
        fields = {
            "estimate": (self.estimate,),
            "standard error": (self.std_error,),
            "confidence interval": self.ci,
            "p-value": (self.pvalue,),
        }
        return [
            name
            for name, values in fields.items()
            if any(v is not None and not math.isfinite(v) for v in values)
        ]

    def _automatic_notes(self) -> list[str]:
        """Notes for NaN/inf numbers (and an undefined relative change) that no note explains."""
        notes: list[str] = []
        undefined = self._undefined_fields()
        if undefined and not self.notes:
            notes.append(
                Note(
                    "{fields} not defined (NaN or infinite): the data hold too little "
                    "information for this method (e.g. an empty or constant group)",
                    fields=", ".join(undefined),
                )
            )
        if self.mean_control == 0 and self.mean_treated is not None:
            notes.append(Note("relative change not defined: the control mean is 0"))
        return notes

    @property
    def ci_low(self) -> float:
        return self.ci[0]

    @property
    def ci_high(self) -> float:
        return self.ci[1]

    @property
    def significant(self) -> bool:
        """Whether the confidence interval excludes zero.

        This is effekt's one definition of "significant" (also used by
        :class:`effekt.rct.ReportedShares`). For most methods it is the same as
        ``pvalue < 1 - conf_level``; where the interval and the test are computed differently
        (the default Newcombe interval with the Pearson chi-square p-value) they can disagree
        near the boundary, and :meth:`summary` then prints a note.
        """
        return bool(self.ci[0] > 0 or self.ci[1] < 0)

    @property
    def interval_test_disagree(self) -> bool:
        """Whether ``pvalue < 1 - conf_level`` and :attr:`significant` give different answers."""
        p = self.pvalue
        if p is None or not np.isfinite(p) or not all(np.isfinite(self.ci)):
            return False
        alpha = 1 - self.conf_level
        if abs(p - alpha) <= 1e-9 * max(alpha, 1e-300):  # a Wald p-value on the boundary
            return False
        return bool((p < alpha) != self.significant)

    def conf_int(self) -> pd.DataFrame:
        """The interval as a one-row DataFrame with ``lower``/``upper``."""
        return pd.DataFrame(
            {"lower": [self.ci[0]], "upper": [self.ci[1]]}, index=[self.label or "effect"]
        )

    def to_frame(self) -> pd.DataFrame:
        """One tidy row; numeric columns only for numbers, interval limits in two columns."""
        rc_ci = self.relative_change_ci or (np.nan, np.nan)
        row: dict[str, Any] = {
            "label": self.label,
            "outcome": self.outcome,
            "estimand": self.estimand,
            "estimate": self.estimate,
            "std_error": self.std_error,
            "ci_low": self.ci[0],
            "ci_high": self.ci[1],
            "conf_level": self.conf_level,
            "pvalue": self.pvalue,
            "statistic": self.statistic,
            "df": self.df,
            "method": self.method,
            "n_treated": self.n_treated,
            "n_control": self.n_control,
            "mean_treated": self.mean_treated,
            "mean_control": self.mean_control,
            "relative_change": self.relative_change,
            "relative_change_ci_low": rc_ci[0],
            "relative_change_ci_high": rc_ci[1],
            "scale": self.scale,
        }
        row.update(self.extra)
        frame = pd.DataFrame([row])
        for col in ("statistic", "df", "mean_treated", "mean_control", "relative_change"):
            frame[col] = frame[col].astype(float)
        return frame

    @speaks
    def summary(self) -> str:
        """Readable text: the effect (pp for proportions), its CI, p, arms and method.

        ``language="da"`` writes Danish ("+4,0 procentpoint (95 %-konfidensinterval …)");
        the default is the session's language (:func:`effekt.language.set_language`).
        """
        level = confidence_label(self.conf_level)
        eff = format_effect(self.estimate, self.scale, unit=self.unit)
        lo = format_effect(self.ci[0], self.scale, unit="")
        hi = format_effect(self.ci[1], self.scale, unit=self.unit)
        head = term("Effect")
        if self.estimand != "difference":
            head += f" ({term(self.estimand)})"
        if self.label:
            head += f" [{self.label}]"
        if self.scale == "proportion":
            lo = lo.replace(f" {term('pp')}", "")
        first = f"{head}: {eff} ({level} {lo} {term('to')} {hi}), {format_pvalue(self.pvalue)}"
        if get_language() != "en":
            first += f", {term('significant' if self.significant else 'not significant')}"
        lines = [first, *self._arm_lines()]
        rel = self._relative_line()
        if rel:
            lines.append(rel)
        for key, value in self.extra.items():
            if key.startswith("pvalue_"):
                name = key.removeprefix("pvalue_")
                lines.append(f"  {name} {term('exact test')}: {format_pvalue(value)}")
        lines.append(f"  {term('method')}: {term(self.method)}")
        notes = (*self.notes, *self._automatic_notes())
        lines.extend(f"  {term('note')}: {say(n)}" for n in notes)
        if self.interval_test_disagree:
            lines.append(self._disagreement_note())
        return "\n".join(lines)

    def _arm_lines(self) -> list[str]:
        of = term("of")
        nt = f" {of} {number(self.n_treated, 0)}" if self.n_treated is not None else ""
        nc = f" {of} {number(self.n_control, 0)}" if self.n_control is not None else ""
        if self.mean_treated is not None or self.mean_control is not None:
            treated = format_level(self.mean_treated, self.scale, unit=self.unit)
            control = format_level(self.mean_control, self.scale, unit=self.unit)
            return [f"  {term('treated')}: {treated}{nt}   {term('control')}: {control}{nc}"]
        if self.n_treated is not None:
            n_control = number(self.n_control, 0) if self.n_control is not None else term("n/a")
            return [
                f"  {term('n treated')}: {number(self.n_treated, 0)}   "
                f"{term('n control')}: {n_control}"
            ]
        return []

    def _relative_line(self) -> str:
        if self.relative_change is None or not np.isfinite(self.relative_change):
            return ""
        level = confidence_label(self.conf_level)
        rel = f"  {term('relative change')}: {format_relative(self.relative_change)}"
        if self.relative_change_ci is not None:
            rlo, rhi = self.relative_change_ci
            if np.isfinite(rlo) and np.isfinite(rhi):
                rel += f" ({level} {format_relative(rlo)} {term('to')} {format_relative(rhi)})"
            elif np.isnan(rlo) and np.isnan(rhi):
                rel += f" ({level} {term('n/a')})"
            else:
                # Fieller: the interval is unbounded (or the union of two half-lines)
                rel += f" ({level} {term('unbounded')})"
        return rel

    def _disagreement_note(self) -> str:
        level = confidence_label(self.conf_level)
        alpha = number(1 - self.conf_level, 3).rstrip("0")
        if get_language() == "da":
            what = (
                f"{level}let udelukker 0, men p >= {alpha}"
                if self.significant
                else f"p < {alpha}, men {level}let indeholder 0"
            )
            return (
                f"  bemærk: intervallet og testen er uenige ({what}); de beregnes forskelligt, og "
                "effekt kalder en effekt signifikant, når intervallet udelukker 0"
            )
        alpha = f"{1 - self.conf_level:.3g}"
        if self.significant:
            what = f"the {level} excludes 0 but p >= {alpha}"
        else:
            what = f"p < {alpha} but the {level} includes 0"
        return (
            f"  note: the interval and the test disagree ({what}): they are computed "
            "differently; effekt calls an effect significant when the interval excludes 0"
        )

    def __repr__(self) -> str:
        return (
            f"EffectResult(estimate={self.estimate:.6g}, ci=({self.ci[0]:.6g}, {self.ci[1]:.6g}), "
            f"pvalue={self.pvalue:.4g}, method={self.method!r})"
        )

    def _html_frame(self) -> pd.DataFrame:
        return _people_frame([self])

    def _report_figures(self) -> tuple[Callable[..., Axes], ...]:
        return (self._plot_one,)

    def _plot_one(self, ax: Axes | None = None) -> Axes:
        from .plots import forest

        frame = self.to_frame()
        frame["label"] = self.label or self.outcome or term(self.estimand)
        return forest(frame, ax=ax, unit_label=self.unit)

    def _report_methods(self) -> str:
        return _methods_text([self])

    def _report_finding(self) -> str:
        return _finding(self)

    def _html_notes(self) -> tuple[str, ...]:
        return (*self.notes, *self._automatic_notes())


@dataclass(frozen=True)
class EffectTable(Result):
    """Several labelled effects (arms, subgroups, time points) and optional tests.

    Examples
    --------
    >>> from effekt.results import EffectResult, EffectTable
    >>> a = EffectResult(0.10, 0.04, (0.02, 0.18), 0.01, "Wald", label="IPS")
    >>> b = EffectResult(0.12, 0.04, (0.04, 0.20), 0.003, "Wald", label="IPSE")
    >>> t = EffectTable((a, b), title="Job or education, 18 months")
    >>> t.to_frame()["label"].tolist()
    ['IPS', 'IPSE']
    >>> t["IPSE"].estimate
    0.12
    """

    results: tuple[EffectResult, ...]
    title: str = ""
    columns: pd.DataFrame | None = None
    tests: Mapping[str, TestResult] = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "results", tuple(self.results))

    def __len__(self) -> int:
        return len(self.results)

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.results)

    def __getitem__(self, label: str | int) -> EffectResult:
        if isinstance(label, int):
            return self.results[label]
        for r in self.results:
            if r.label == label:
                return r
        raise KeyError(f"no effect labelled {label!r}; labels: {[r.label for r in self.results]}")

    @property
    def labels(self) -> list[str | None]:
        return [r.label for r in self.results]

    def to_frame(self) -> pd.DataFrame:
        """One tidy row per effect (see :meth:`EffectResult.to_frame`) plus any extra columns."""
        frame = pd.concat([r.to_frame() for r in self.results], ignore_index=True)
        if self.columns is not None:
            extra = self.columns.reset_index(drop=True)
            for col in extra.columns:
                frame[col] = extra[col].to_numpy()
        return frame

    @speaks
    def summary(self) -> str:
        lines = [self.title] if self.title else []
        lines.extend(r.summary() for r in self.results)
        lines.extend(t.summary() for t in self.tests.values())
        lines.extend(f"{term('note')}: {say(n)}" for n in self.notes)
        return "\n".join(lines)

    def _html_title(self) -> str:
        return self.title or term("Effects")

    def _html_frame(self) -> pd.DataFrame:
        return _people_frame(list(self.results))

    def _html_notes(self) -> tuple[str, ...]:
        return (*(t.summary() for t in self.tests.values()), *self.notes)

    def _report_methods(self) -> str:
        return _methods_text(self.results) if self.results else ""

    def _report_finding(self) -> str:
        head = f"{self.title}: " if self.title else ""
        return head + " ".join(_finding(r) for r in self.results[:3])

    def plot(self, ax: Axes | None = None, **kwargs: Any) -> Axes:
        """Forest plot of the effects (percentage points for proportions); returns the Axes.

        Keyword arguments go to :func:`effekt.plots.forest` (``title``, ``xlabel``,
        ``labels``, ``language`` …).
        """
        from .plots import forest

        kwargs.setdefault("title", self.title)
        return forest(self.to_frame(), ax=ax, **kwargs)


def _methods_text(results: Sequence[EffectResult]) -> str:
    """Estimator, interval, sample sizes and notes of some effects, in sentences."""
    first = results[0]
    methods = list(dict.fromkeys(term(r.method) for r in results))
    text = [
        f"{term('Estimand')}: {term(first.estimand)}"
        + (f" {term('on')} '{first.outcome}'" if first.outcome else "")
        + ".",
        f"{term('Method')}: {'; '.join(methods)}.",
        f"{term('Intervals')}: {confidence_label(first.conf_level)}"
        + (
            f", {term('standard error from the method above')}"
            if np.isfinite(first.std_error)
            else ""
        )
        + ".",
    ]
    sizes = [
        f"{r.label + ': ' if r.label and len(results) > 1 else ''}"
        f"{term('treated')} {number(r.n_treated, 0)}, {term('control')} {number(r.n_control, 0)}"
        for r in results
        if r.n_treated is not None and r.n_control is not None
    ]
    if sizes:
        text.append(f"{term('Units in the estimate')}: {'; '.join(sizes)}.")
    notes = list(dict.fromkeys(say(n) for r in results for n in r.notes))
    if notes:
        text.append(f"{term('Notes (dropped rows, warnings)')}: {' '.join(notes)}")
    return " ".join(text)


def _finding(r: EffectResult) -> str:
    """One plain sentence: who, how much more or less often, the interval, chance or not."""
    shown = r.label and r.label.lower() not in ("all", "overall", term("All").lower())
    who = term("Participants") + (f" ({r.label})" if shown else "")
    than = term(
        "comparable non-participants" if r.estimand in ("ATT", "ATE") else "in the control group"
    )
    level = confidence_label(r.conf_level)
    if r.scale == "proportion":
        size = f"{number(abs(100 * r.estimate), 1)} {term('percentage points')}"
        lo, hi = (number(100 * v, 1).replace("-", "\u2212") for v in r.ci)
        what = (
            term("the share with '{outcome}'").format(outcome=r.outcome)
            if r.outcome
            else term("the share with the outcome")
        )
    else:
        size = f"{number(abs(r.estimate), 2)} {r.unit}".rstrip()
        lo, hi = (number(v, 2).replace("-", "\u2212") for v in r.ci)
        what = (
            term("the mean of '{outcome}'").format(outcome=r.outcome)
            if r.outcome
            else term("the mean of the outcome")
        )
    direction = term("higher" if r.estimate >= 0 else "lower")
    if not all(np.isfinite(r.ci)):
        return term("{who}: {what} was {size} {direction} than {than}; {chance}.").format(
            who=who,
            what=what,
            size=size,
            direction=direction,
            than=than,
            chance=term("no confidence interval is available, so chance cannot be judged"),
        )
    chance = term(
        "the difference is unlikely to be chance alone"
        if r.significant
        else "the difference could be chance"
    )
    return term(
        "{who}: {what} was {size} {direction} ({level} {lo} to {hi}) than {than}; {chance}."
    ).format(
        who=who,
        what=what,
        size=size,
        direction=direction,
        level=level,
        lo=lo,
        hi=hi,
        than=than,
        chance=chance,
    )


def _people_frame(results: Sequence[EffectResult]) -> pd.DataFrame:
    """Effects as a table for people: pp for proportions, formatted CI and p-value."""
    rows = []
    pp = f" {term('pp')}"
    for r in results:
        level = confidence_label(r.conf_level)
        lo = format_effect(r.ci[0], r.scale, unit="")
        hi = format_effect(r.ci[1], r.scale, unit=r.unit)
        row = {
            term("label"): r.label or term(r.estimand),
            term("estimate"): format_effect(r.estimate, r.scale, unit=r.unit),
            level: f"{lo.replace(pp, '') if r.scale == 'proportion' else lo} {term('to')} {hi}",
            term("p-value"): format_pvalue(r.pvalue).removeprefix("p = "),
            term("treated"): format_level(r.mean_treated, r.scale, unit=r.unit),
            term("control"): format_level(r.mean_control, r.scale, unit=r.unit),
            term("n treated"): r.n_treated,
            term("n control"): r.n_control,
            term("relative change"): format_relative(r.relative_change),
            term("method"): r.method,
        }
        rows.append(row)
    return pd.DataFrame(rows)


def effect_from_normal(
    estimate: float,
    std_error: float,
    conf_level: float,
    *,
    df: float | None = None,
    **fields: Any,
) -> EffectResult:
    """An :class:`EffectResult` with a Wald interval and p-value from z (or t with ``df``).

    Parameters
    ----------
    estimate, std_error : float
        The effect and its standard error.
    conf_level : float
        Confidence level of the interval.
    df : float, optional
        Degrees of freedom of a t reference distribution; the normal when omitted.
    **fields
        Further :class:`EffectResult` fields (``method`` is required).

    Notes
    -----
    ``estimate ± q * std_error`` with ``q`` the ``(1 + conf_level)/2`` quantile of N(0, 1) or
    t(df); p-value ``2 P(|Z| > |estimate / std_error|)``.

    Examples
    --------
    >>> r = effect_from_normal(0.04, 0.02, 0.95, method="Wald")
    >>> round(r.ci[0], 4), round(r.ci[1], 4), round(r.pvalue, 4)
    (0.0008, 0.0792, 0.0455)
    """
    from ._inference import wald
    from ._validate import argument_error, check_conf_level

    conf_level = check_conf_level(conf_level, "effect_from_normal")
    for name in ("method", "estimand", "unit", "label", "outcome"):
        text = fields.get(name, "")
        if not (isinstance(text, str) or (text is None and name in ("label", "outcome"))):
            raise argument_error("effect_from_normal", name, "a str", text)
    checked: tuple[tuple[str, Any], ...] = (("estimate", estimate), ("std_error", std_error))
    for name, value in (*checked, *((("df", df),) if df is not None else ())):
        try:
            float(value)
        except (TypeError, ValueError, OverflowError):
            raise argument_error("effect_from_normal", name, "a number", value) from None
    for name, value in fields.items():
        if name in ("method", "label", "outcome", "unit") and not isinstance(value, str | None):
            raise argument_error("effect_from_normal", name, "a text", value)
    w = wald(estimate, std_error, conf_level, df)
    return EffectResult(
        estimate=float(estimate),
        std_error=float(std_error),
        ci=w.ci,
        pvalue=w.pvalue,
        conf_level=conf_level,
        statistic=w.statistic,
        df=df,
        **fields,
    )
