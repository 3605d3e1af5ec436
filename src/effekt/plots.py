"""Matplotlib figures. Every function takes an optional ``ax``, returns the Axes and never
touches global rcParams; effects on proportions are drawn in percentage points.

Examples
--------
>>> import matplotlib
>>> matplotlib.use("Agg")
>>> import pandas as pd
>>> from effekt.plots import forest
>>> frame = pd.DataFrame({"label": ["IPS", "IPSE"], "estimate": [0.13, 0.14],
...                       "ci_low": [0.04, 0.05], "ci_high": [0.22, 0.23],
...                       "scale": ["proportion", "proportion"]})
>>> ax = forest(frame)
>>> ax.get_xlabel()
'Effect (percentage points)'
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, cast

import numpy as np
import pandas as pd

from ._validate import (
    argument_error,
    check_choice,
    check_column_name,
    check_conf_level,
    check_number,
)
from .errors import ColumnError, EffektError
from .language import confidence_label, get_language, number, speaks, term

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = [
    "caterpillar",
    "effect_axis_label",
    "effect_trajectory",
    "forest",
    "funnel",
    "love_plot",
    "new_axes",
    "overlap_plot",
    "save",
    "simple_vs_causal",
    "subgroup_forest",
    "survival_curves",
]


#: Largest figure side in inches (a poster); larger sizes exhaust memory when drawn.
MAX_FIGURE_INCHES = 100.0


def new_axes(ax: Axes | None, figsize: tuple[float, float] = (7.0, 4.5)) -> Axes:
    """Return ``ax`` or a fresh Axes on a new figure (constrained layout).

    Examples
    --------
    >>> ax = new_axes(None)
    >>> new_axes(ax) is ax
    True
    """
    return _axes(ax, "new_axes", figsize)


def _axes(ax: Any, func: str, figsize: Any = (7.0, 4.5)) -> Axes:
    """``ax`` (a matplotlib Axes) or a fresh one of ``figsize`` inches (capped at
    :data:`MAX_FIGURE_INCHES` a side)."""
    from matplotlib.axes import Axes

    if ax is not None:
        if not isinstance(ax, Axes):
            raise argument_error(func, "ax", "a matplotlib Axes or None", type(ax).__name__)
        return ax
    if isinstance(figsize, (str, bytes)) or not isinstance(figsize, Sequence) or len(figsize) != 2:
        raise argument_error(func, "figsize", "a pair of numbers (width, height)", figsize)
    size = [check_number(v, "figsize", func, low=0, low_open=True) for v in figsize]
    import matplotlib.pyplot as plt

    _, ax = plt.subplots(figsize=[min(v, MAX_FIGURE_INCHES) for v in size], layout="constrained")
    return ax


def _check_args(
    func: str,
    texts: Sequence[Any] = (),
    labels: Any = None,
    color: Any = "C0",
    **strings: Any,
) -> None:
    """Shared checks of a plot's arguments: ``texts`` (title, axis labels) and the keyword
    ``strings`` are str or None, ``labels`` a mapping or None, ``color`` a matplotlib colour."""
    from matplotlib.colors import is_color_like

    named = dict(zip(("title", "xlabel", "ylabel"), texts, strict=False)) | strings
    for argument, text in named.items():
        if text is not None and not isinstance(text, str):
            raise argument_error(func, argument, "a str (or None)", type(text).__name__)
    if labels is not None and not isinstance(labels, Mapping):
        raise argument_error(
            func,
            "labels",
            "a dict of display texts ({'age': 'Alder'}) or None",
            type(labels).__name__,
        )
    if not isinstance(color, str) or not is_color_like(color):
        raise argument_error(func, "color", "a matplotlib colour ('C0', 'black', '#1f77b4')", color)


def _table(
    table: Any,
    func: str,
    numeric: Sequence[str],
    argument: str = "table",
    *,
    others: Sequence[str] = (),
) -> pd.DataFrame:
    """A DataFrame with the ``numeric`` columns (numbers, possibly missing, not infinite) and
    the ``others`` columns; the fix names the function whose output it should be."""
    if not isinstance(table, pd.DataFrame):
        raise argument_error(func, argument, "a pandas DataFrame", type(table).__name__)
    if len(table) == 0:
        raise EffektError(f"The '{argument}' argument of {func}() has no rows; nothing to plot.")
    absent = [c for c in (*numeric, *others) if c not in table.columns]
    if absent:
        raise ColumnError(
            f"The '{argument}' argument of {func}() has no column {absent[0]!r}; it needs the "
            f"columns {', '.join(map(repr, (*numeric, *others)))} (see the function's docstring)."
        )
    for column in numeric:
        try:
            if not pd.api.types.is_numeric_dtype(table[column]):
                raise TypeError(table[column].dtype)
            values = table[column].to_numpy(dtype=float)
        except (TypeError, ValueError):
            raise ColumnError(
                f"The column {column!r} of the '{argument}' argument of {func}() must hold "
                f"numbers; it has dtype {table[column].dtype}."
            ) from None
        if np.isinf(values).any():
            raise ColumnError(
                f"The column {column!r} of the '{argument}' argument of {func}() holds infinite "
                "values; a plot cannot place them. Replace them with finite values or NaN."
            )
    return table


def _check_bools(func: str, **flags: Any) -> None:
    for argument, flag in flags.items():
        if not isinstance(flag, (bool, np.bool_)):
            raise argument_error(func, argument, "True or False", flag)


def _check_intervals(table: pd.DataFrame, func: str, argument: str = "table") -> None:
    """Each row's ``ci_low <= estimate <= ci_high`` (rows with a missing number aside)."""
    est, lo, hi = (table[c].to_numpy(dtype=float) for c in ("estimate", "ci_low", "ci_high"))
    with np.errstate(invalid="ignore"):
        bad = (lo > est) | (est > hi)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise ColumnError(
            f"Row {i} of the '{argument}' argument of {func}() has estimate {est[i]:g} outside "
            f"its interval ({lo[i]:g} to {hi[i]:g}); check the columns estimate, ci_low and "
            "ci_high (an interval is drawn around its estimate)."
        )


def _finite_or_none(value: Any, argument: str, func: str) -> float | None:
    """A finite number or None (a reference line, a threshold)."""
    return None if value is None else check_number(value, argument, func)


def effect_axis_label(scale: str, unit_label: str = "") -> str:
    """Axis label for an effect: percentage points for proportions, else the unit.

    Examples
    --------
    >>> effect_axis_label("proportion")
    'Effect (percentage points)'
    >>> effect_axis_label("mean", "hours/week")
    'Effect (hours/week)'
    """
    _check_args("effect_axis_label", (), None, scale=scale, unit_label=unit_label)
    if scale == "proportion":
        return term("Effect (percentage points)")
    if unit_label:
        return f"{term('Effect')} ({unit_label})"
    return term("Effect (difference in means)")


def _display(name: Any, labels: Mapping[Any, str] | None) -> str:
    """The display text of a column or level name: ``labels[name]`` when given."""
    if labels and isinstance(name, Hashable) and name in labels:
        return str(labels[name])
    return str(name)


def _covariate_name(name: Any, labels: Mapping[Any, str] | None) -> str:
    """A balance row's display text: ``labels[name]``; an indicator ``"{column}_{level}"``
    as ``"{labels[column]}: {level}"``; the propensity score row ``"distance"`` translated."""
    if labels and isinstance(name, Hashable) and name in labels:
        return str(labels[name])
    if name == "distance":
        return term("distance")
    for column, text in (labels or {}).items():
        if isinstance(name, str) and name.startswith(f"{column}_"):
            return f"{text}: {name[len(str(column)) + 1 :]}"
    return str(name)


def _interval_text(e: float, a: float, b: float, scale: str) -> str:
    """ "+4.0 (+1.3 to +6.6) pp" in the current language."""
    suffix = f" {term('pp')}" if scale == "proportion" else ""
    body = f"{number(e, 1, sign=True)} ({number(a, 1, sign=True)} {term('to')} "
    return body + f"{number(b, 1, sign=True)}){suffix}"


def _local_ticks(ax: Axes, axis: str) -> None:
    """Tick labels with the language's decimal mark (Danish: "2,5")."""
    if get_language() == "en":
        return
    from matplotlib.ticker import FuncFormatter

    language = get_language()
    formatter = FuncFormatter(lambda v, _pos: number(float(f"{v:.10g}"), None, language))
    getattr(ax, f"{axis}axis").set_major_formatter(formatter)


def _texts(
    ax: Axes,
    given: tuple[str | None, str | None, str | None],
    defaults: tuple[str, str, str] = ("", "", ""),
) -> None:
    """Set (title, xlabel, ylabel): the caller's text, else the default (if any)."""
    for name, text, default in zip(("title", "xlabel", "ylabel"), given, defaults, strict=True):
        if text is not None and not isinstance(text, str):
            raise EffektError(
                f"The '{name}' argument must be text or None; got {type(text).__name__}."
            )
        text = default if text is None else text
        if text:
            getattr(ax, f"set_{name}")(text)


@speaks
def forest(
    table: pd.DataFrame,
    ax: Axes | None = None,
    *,
    label_column: str = "label",
    title: str | None = None,
    xlabel: str | None = None,
    ylabel: str | None = None,
    labels: Mapping[Any, str] | None = None,
    reference_line: float | None = 0.0,
    scale: str | None = None,
    unit_label: str = "",
    color: str = "C0",
    annotate: bool = True,
) -> Axes:
    """Forest plot: one row per effect with its confidence interval.

    Parameters
    ----------
    table : DataFrame
        Columns ``estimate``, ``ci_low``, ``ci_high`` and a label column (tidy rows as
        produced by ``to_frame()``).
    ax : Axes, optional
    label_column : str
        Column with the row labels.
    reference_line : float or None
        Draw a vertical line here (no effect).
    unit_label : str
        Unit of a mean effect on the axis label.
    scale : {"proportion", "mean"}, optional
        Defaults to the ``scale`` column; proportions are drawn in percentage points.
    annotate : bool
        Write the estimate and interval at the right of each row.
    title, xlabel, ylabel : str, optional
        Texts of the plot; ``xlabel`` defaults to the effect's unit in the current language.
    labels : mapping, optional
        Display text for row labels (``{"i_job": "I job"}``).
    language : {"en", "da"}, optional
        Language of the default texts and numbers (default: the session's setting).

    Returns
    -------
    Axes

    Examples
    --------
    >>> import pandas as pd
    >>> rows = pd.DataFrame({"label": ["Education", "Job"], "estimate": [0.04, 0.02],
    ...                      "ci_low": [0.013, 0.003], "ci_high": [0.066, 0.037],
    ...                      "scale": "proportion"})
    >>> ax = forest(rows, title="Mentorforsøget")
    >>> ax.get_xlabel(), ax.get_title()
    ('Effect (percentage points)', 'Mentorforsøget')
    """
    _check_args("forest", (title, xlabel, ylabel), labels, color, unit_label=unit_label)
    _check_bools("forest", annotate=annotate)
    table = _table(table, "forest", ("estimate", "ci_low", "ci_high"))
    _check_intervals(table, "forest")
    check_column_name(label_column, "label_column", "forest")
    reference_line = _finite_or_none(reference_line, "reference_line", "forest")
    if scale is not None:
        check_choice(scale, "scale", "forest", ("proportion", "mean"))
    ax = _axes(ax, "forest", figsize=(7.5, 0.5 * len(table) + 1.6))
    if scale is None:
        scale = str(table["scale"].iloc[0]) if "scale" in table else "mean"
    k = 100.0 if scale == "proportion" else 1.0
    est = table["estimate"].to_numpy(dtype=float) * k
    lo = table["ci_low"].to_numpy(dtype=float) * k
    hi = table["ci_high"].to_numpy(dtype=float) * k
    names = table[label_column].tolist() if label_column in table else list(range(len(table)))
    y = np.arange(len(table))[::-1]
    ax.errorbar(est, y, xerr=[est - lo, hi - est], fmt="o", color=color, ecolor=color, capsize=3)
    if reference_line is not None:
        ax.axvline(reference_line * k, color="0.5", lw=1, ls="--")
    ax.set_yticks(y, [_display(n, labels) for n in names])
    _texts(ax, (title, xlabel, ylabel), ("", effect_axis_label(scale, unit_label), ""))
    _local_ticks(ax, "x")
    if annotate:
        for yi, e, a, b in zip(y, est, lo, hi, strict=True):
            if np.isfinite(e):
                ax.annotate(
                    _interval_text(e, a, b, scale),
                    xy=(1.01, yi),
                    xycoords=("axes fraction", "data"),
                    va="center",
                    fontsize=8,
                )
    ax.set_ylim(-0.7, len(table) - 0.3)
    return ax


def save(ax: Axes, path: Any, dpi: int = 120) -> None:
    """Save the figure that holds ``ax`` (helper for examples and reports).

    Examples
    --------
    >>> import os, tempfile
    >>> ax = new_axes(None)
    >>> path = os.path.join(tempfile.mkdtemp(), "figure.png")
    >>> save(ax, path)
    >>> os.path.getsize(path) > 0
    True
    """
    from matplotlib.axes import Axes

    from ._export import check_output_path, writing

    if not isinstance(ax, Axes):
        raise argument_error("save", "ax", "a matplotlib Axes", type(ax).__name__)
    out = check_output_path(path, "save")
    check_number(dpi, "dpi", "save", low=10, high=1200)
    with writing(out, "save"):
        try:
            ax.figure.savefig(out, dpi=dpi, bbox_inches="tight")  # type: ignore[union-attr]
        except ValueError as err:  # an unknown file type (".xyz")
            raise EffektError(f"save() could not write {str(out)!r}: {err}") from None


# --- matching ---


@speaks
def love_plot(
    balance: pd.DataFrame | Mapping[str, pd.DataFrame],
    ax: Axes | None = None,
    *,
    threshold: float | None = 0.1,
    absolute: bool = True,
    title: str | None = None,
    xlabel: str | None = None,
    ylabel: str | None = None,
    labels: Mapping[Any, str] | None = None,
) -> Axes:
    """Love plot: standardized mean differences before (open) and after (filled) adjustment.

    Parameters
    ----------
    balance : DataFrame or dict of DataFrame
        A balance table with columns ``smd_before`` and ``smd_after`` (one row per
        covariate), as returned by ``MatchResult.balance()`` or ``balance_table().table``;
        or several, as ``{"nearest": ..., "full": ..., "entropy": ...}``, drawn side by side
        (each adjustment its own marker and colour; "before" from the first table).
    ax : Axes, optional
    threshold : float or None
        Draw dashed lines at this (absolute) SMD; 0.1 is the usual rule of thumb.
    absolute : bool
        Plot absolute SMDs (default) or signed ones.
    title, xlabel, ylabel : str, optional
        Texts of the plot; by default "Covariate balance" and the SMD's name in the current
        language, no y label.
    labels : mapping, optional
        Display text for covariate names (``{"age": "Alder"}``) and for the adjustments'
        names in the legend.
    language : {"en", "da"}, optional
        Language of the default texts (default: the session's, see
        :func:`effekt.language.set_language`).

    Returns
    -------
    Axes

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import pandas as pd
    >>> from effekt.plots import love_plot
    >>> bal = pd.DataFrame({"smd_before": [0.5, -0.3], "smd_after": [0.02, -0.05]},
    ...                    index=["age", "married"])
    >>> love_plot(bal).get_xlabel()
    'Absolute standardized mean difference'
    >>> other = bal.assign(smd_after=[0.08, 0.01])
    >>> len(love_plot({"nearest": bal, "full": other}).get_legend().get_texts())
    3
    """
    _check_args("love_plot", (title, xlabel, ylabel), labels)
    _check_bools("love_plot", absolute=absolute)
    threshold = _finite_or_none(threshold, "threshold", "love_plot")
    tables = dict(balance) if isinstance(balance, Mapping) else {"after matching": balance}
    if not tables:
        raise argument_error("love_plot", "balance", "a balance table or a non-empty dict", {})
    for table in tables.values():
        _table(table, "love_plot", ("smd_before", "smd_after"), "balance")
    first = next(iter(tables.values()))
    ax = _axes(ax, "love_plot", figsize=(6.5, 0.32 * len(first) + 1.8))
    sign = np.abs if absolute else np.asarray
    before = sign(first["smd_before"].to_numpy(dtype=float))
    y = np.arange(len(first))[::-1]
    afters = {
        k: sign(t["smd_after"].reindex(first.index).to_numpy(dtype=float))
        for k, t in tables.items()
    }
    spans = np.column_stack([before, *afters.values()])
    for yi, row in zip(y, spans, strict=True):
        ax.plot([np.nanmin(row), np.nanmax(row)], [yi, yi], color="0.85", lw=1, zorder=1)
    ax.scatter(
        before, y, facecolors="white", edgecolors="0.35", label=term("before adjustment"), zorder=2
    )
    markers = "osD^vP*"
    for k, (name, after) in enumerate(afters.items()):
        ax.scatter(
            after,
            y,
            color=f"C{k}",
            marker=markers[k % len(markers)],
            s=28,
            alpha=0.85,
            label=_display(name, labels) if labels and name in labels else term(name),
            zorder=3,
        )
    if threshold is not None:
        ax.axvline(threshold, color="0.4", ls="--", lw=1)
        if not absolute:
            ax.axvline(-threshold, color="0.4", ls="--", lw=1)
    ax.axvline(0, color="0.6", lw=0.8)
    ax.set_yticks(y, [_covariate_name(i, labels) for i in first.index])
    ax.set_ylim(-0.7, len(first) - 0.3)
    smd = "Absolute standardized mean difference" if absolute else "Standardized mean difference"
    _texts(ax, (title, xlabel, ylabel), (term("Covariate balance"), term(smd), ""))
    _local_ticks(ax, "x")
    ax.legend(loc="lower right", fontsize=8, frameon=True, framealpha=0.9)
    return ax


@speaks
def overlap_plot(
    score: np.ndarray,
    treatment: np.ndarray,
    weights: np.ndarray | None = None,
    ax: Axes | None = None,
    *,
    bins: int | None = None,
    title: str | None = None,
    xlabel: str | None = None,
    ylabel: str | None = None,
    labels: Mapping[Any, str] | None = None,
    label: str = "matched",
) -> Axes:
    """Mirrored histograms of the propensity score: treated above, controls below the axis.

    Outlines show all units (before matching); filled bars show the matched sample with
    its matching weights (when ``weights`` is given). Densities are shares of each group.

    Parameters
    ----------
    score : array of float
        Propensity score per unit.
    treatment : array of bool
        Treatment status per unit (True = treated), aligned with ``score``.
    weights : array of float, optional
        Matching weights per unit (0 for unmatched units).
    ax : Axes, optional
    bins : int, optional
        Number of bins; by default the Freedman-Diaconis rule on the scores, kept between
        10 and 60. The bins span the observed scores (not always 0 to 1).
    title, xlabel, ylabel : str, optional
        Texts of the plot; defaults in the current language.
    labels : mapping, optional
        Display text for the groups in the legend: keys ``"treated"`` and ``"control"``
        (``{"treated": "Mentorforløb"}``).
    label : str, default "matched"
        Legend name of the weighted sample (e.g. ``"weighted"`` after a weighting design),
        translated through the language table.
    language : {"en", "da"}, optional
        Language of the default texts.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import numpy as np
    >>> from effekt.plots import overlap_plot
    >>> rng = np.random.default_rng(0)
    >>> s = rng.beta(2, 5, 300); t = rng.random(300) < s
    >>> overlap_plot(s, t).get_xlabel()
    'Propensity score'
    """
    _check_args("overlap_plot", (title, xlabel, ylabel), labels, label=label)
    score, treated = _scores(score, treatment, weights)
    if bins is not None:
        bins = int(check_number(bins, "bins", "overlap_plot", low=1, high=1000, integer=True))
    ax = _axes(ax, "overlap_plot", figsize=(7.0, 4.5))
    low, high = float(score.min()), float(score.max())
    if high <= low:
        low, high = low - 0.01, high + 0.01
    if bins is None:
        fd = np.histogram_bin_edges(score, bins="fd")
        bins = int(np.clip(len(fd) - 1, 10, 60))
    pad = 0.02 * (high - low)
    edges = np.linspace(low - pad, high + pad, int(bins) + 1)
    width = np.diff(edges)
    groups = ((treated, 1, "C1", "treated"), (~treated, -1, "C0", "control"))
    for mask, sign, color, key in groups:
        name = _display(key, labels) if labels and key in labels else term(key)
        h, _ = np.histogram(score[mask], bins=edges)
        h = h / max(h.sum(), 1)
        ax.stairs(sign * h, edges, color=color, lw=1.2, label=f"{name}, {term('all')}")
        if weights is not None:
            w = np.asarray(weights, dtype=float)[mask]
            hm, _ = np.histogram(score[mask], bins=edges, weights=w)
            hm = hm / max(hm.sum(), 1e-300)
            ax.bar(
                edges[:-1],
                sign * hm,
                width=width,
                align="edge",
                color=color,
                alpha=0.45,
                label=f"{name}, {term(label)}",
            )
    ax.axhline(0, color="0.3", lw=0.8)
    ticks = ax.get_yticks()
    ax.set_yticks(ticks, [number(abs(t), 2) for t in ticks])
    _local_ticks(ax, "x")
    defaults = (
        term("Propensity score overlap"),
        term("Propensity score"),
        term("Share of group (treated up, controls down)"),
    )
    _texts(ax, (title, xlabel, ylabel), defaults)
    # below the axes: inside, it would cover the bars at either end of the scores
    ax.legend(fontsize=8, frameon=False, ncol=2, loc="upper center", bbox_to_anchor=(0.5, -0.13))
    return ax


def _scores(score: Any, treatment: Any, weights: Any) -> tuple[np.ndarray, np.ndarray]:
    """The overlap plot's arrays: finite scores, a boolean treatment of the same length,
    weights (if any) finite, non-negative and of the same length."""
    func = "overlap_plot"
    arrays = {}
    for argument, values in (("score", score), ("treatment", treatment), ("weights", weights)):
        if values is None and argument == "weights":
            continue
        try:
            arr = np.asarray(values, dtype=float)
        except (TypeError, ValueError, OverflowError):
            raise argument_error(
                func, argument, "an array of numbers", type(values).__name__
            ) from None
        if arr.ndim != 1 or arr.size == 0 or not np.isfinite(arr).all():
            raise argument_error(
                func, argument, "a non-empty one-dimensional array of finite numbers", values
            )
        arrays[argument] = arr
    if len({a.size for a in arrays.values()}) > 1:
        sizes = ", ".join(f"{k} {a.size}" for k, a in arrays.items())
        raise EffektError(f"The arrays passed to overlap_plot() differ in length ({sizes}).")
    if not np.isin(arrays["treatment"], (0.0, 1.0)).all():
        raise argument_error(func, "treatment", "an array of True/False (or 1/0)", treatment)
    if "weights" in arrays and (arrays["weights"] < 0).any():
        raise argument_error(func, "weights", "an array of weights >= 0", weights)
    return arrays["score"], arrays["treatment"] == 1.0


# --- simple effects ---
@speaks
def funnel(
    points: pd.DataFrame,
    curve: pd.DataFrame,
    target: float,
    ax: Axes | None = None,
    *,
    overdispersion: Any = None,
    highlight: str = "flag",
    label_providers: str | Sequence[str] = "highlighted",
    kind: str = "rate",
    title: str | None = None,
    xlabel: str | None = None,
    ylabel: str | None = None,
    labels: Mapping[Any, str] | None = None,
) -> Axes:
    """Funnel plot: rates against participants with 95 % and 99.8 % control limits.

    The limits show how far a provider of each size may lie from the centre by chance. The
    providers *highlighted* are, by default, exactly those flagged by the provider table's
    test (column ``flag``), so the plot and the table give one answer.

    Parameters
    ----------
    points : DataFrame
        Columns ``provider``, ``participants``, ``rate``, ``outside_95``, ``outside_99.8``
        and (for ``highlight="flag"``) ``flag``.
    curve : DataFrame
        Output of :func:`effekt.simple_effect.funnel_limits` on a grid of participants.
    target : float
        The centre line (overall rate).
    overdispersion : Overdispersion, optional
        Shown in the legend when the limits were widened.
    highlight : {"flag", "limits"}, default "flag"
        ``"flag"``: mark the providers the table flags (its test after multiplicity
        adjustment). ``"limits"``: mark the points outside the 95 % and 99.8 % limits
        instead (labelled in the legend as not the test).
    label_providers : {"highlighted", "all", "none"} or sequence of str
        Which providers to name; names are placed so that they do not overlap.
    kind : {"rate", "ratio"}, default "rate"
        ``"ratio"``: observed/expected ratios (column ``ratio``) against expected successes
        (column ``expected``), limits from
        :func:`effekt.simple_effect.ratio_funnel_limits`, the centre line at 1.
    title, xlabel, ylabel : str, optional
        Texts of the plot; by default no title, "Participants" and "Share (%)" in the
        current language.
    labels : mapping, optional
        Display text for provider names (``{"A/S Jobhuset": "Jobhuset"}``).
    language : {"en", "da"}, optional
        Language of the default texts and legend (Danish: decimal comma).

    Returns
    -------
    Axes

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from effekt.simple_effect import funnel_limits
    >>> pts = pd.DataFrame({"provider": ["A", "B"], "participants": [50, 400],
    ...                     "rate": [0.5, 0.3], "outside_95": [True, False],
    ...                     "outside_99.8": [False, False], "flag": [True, False]})
    >>> ax = funnel(pts, funnel_limits(0.3, [20, 50, 100, 400]), 0.3)
    >>> [t.get_text() for t in ax.texts]
    ['A']
    """
    check_choice(highlight, "highlight", "funnel", ("flag", "limits"))
    check_choice(kind, "kind", "funnel", ("rate", "ratio"))
    ratio = kind == "ratio"
    x_col, y_col, k = ("expected", "ratio", 1.0) if ratio else ("participants", "rate", 100.0)
    _funnel_inputs(points, curve, target, (title, xlabel, ylabel), labels, x_col, y_col, highlight)
    ax = _axes(ax, "funnel", figsize=(9.0, 5.0))
    n = curve[x_col].to_numpy(dtype=float)
    for level, color, ls in (("95", "C0", "--"), ("99.8", "C3", "-")):
        name = term(f"{level} % limits")
        ax.plot(n, k * curve[f"upper_{level}"], color=color, ls=ls, lw=1.2, label=name)
        ax.plot(n, k * curve[f"lower_{level}"], color=color, ls=ls, lw=1.2)
    if ratio:
        overall = term("observed = expected")
    else:
        overall = term("overall {rate} %").format(rate=number(100 * target, 1))
    ax.axhline(k * target, color="0.3", lw=1, label=overall)
    x = points[x_col].to_numpy(dtype=float)
    y = k * points[y_col].to_numpy(dtype=float)
    if highlight == "flag":
        groups = [(points["flag"].to_numpy(dtype=bool), "C3", term("flagged by the test (table)"))]
    else:
        out3 = points["outside_99.8"].to_numpy(dtype=bool)
        out2 = points["outside_95"].to_numpy(dtype=bool) & ~out3
        groups = [
            (out2, "C1", term("outside 95 % limits (not the test)")),
            (out3, "C3", term("outside 99.8 % limits (not the test)")),
        ]
    marked = np.zeros(len(points), dtype=bool)
    for mask, _, _ in groups:
        marked |= mask
    ax.scatter(
        x[~marked], y[~marked], s=18, color="0.35", alpha=0.8, label=term("providers"), zorder=3
    )
    for mask, color, label in groups:
        if mask.any():
            ax.scatter(x[mask], y[mask], s=34, color=color, zorder=4, label=label)
    if x.max() / max(x.min(), 1) > 20:
        ax.set_xscale("log")
    if overdispersion is not None:
        if ratio:
            text = term("overdispersion: phi = {phi}, tau = {tau} (square-root scale)").format(
                phi=number(overdispersion.phi, 2), tau=number(np.sqrt(overdispersion.tau2), 3)
            )
        else:
            text = term("overdispersion: phi = {phi}, tau = {tau} pp").format(
                phi=number(overdispersion.phi, 2),
                tau=number(100 * np.sqrt(overdispersion.tau2), 1),
            )
        ax.plot([], [], " ", label=text)
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    if ratio:
        defaults = ("", term("Expected successes"), term("Observed / expected"))
    else:
        defaults = ("", term("Participants"), term("Share (%)"))
    _texts(ax, (title, xlabel, ylabel), defaults)
    _local_ticks(ax, "y")
    names = points["provider"].astype(str).to_numpy()
    chosen = _chosen_labels(names, marked, label_providers)
    shown = np.array([_display(v, labels) for v in names[chosen]], dtype=object)
    _place_labels(ax, x[chosen], y[chosen], shown, x, y)
    return ax


def _funnel_inputs(
    points: Any,
    curve: Any,
    target: Any,
    texts: Sequence[Any],
    labels: Any,
    x_col: str,
    y_col: str,
    highlight: str,
) -> None:
    func = "funnel"
    _check_args(func, texts, labels)
    flags = ("flag",) if highlight == "flag" else ("outside_95", "outside_99.8")
    _table(points, func, (x_col, y_col), "points", others=("provider", *flags))
    for column in flags:
        if points[column].isna().any():
            raise ColumnError(f"The column {column!r} of 'points' of funnel() has missing values.")
    limits = ("upper_95", "lower_95", "upper_99.8", "lower_99.8")
    _table(curve, func, (x_col, *limits), "curve")
    check_number(target, "target", func)


@speaks
def caterpillar(
    table: pd.DataFrame,
    overall_rate: float,
    ax: Axes | None = None,
    *,
    conf_level: float = 0.95,
    outcome_label: str = "outcome",
    max_labels: int = 40,
    shown_interval: str = "flag",
    label_providers: str | Sequence[str] | None = None,
    title: str | None = None,
    xlabel: str | None = None,
    ylabel: str | None = None,
    labels: Mapping[Any, str] | None = None,
) -> Axes:
    """Caterpillar plot: providers ranked by their adjusted rate, with intervals.

    By default (``shown_interval="flag"``) it shows each provider's risk-adjusted rate with the
    interval of the table's test (``flag_ci_low``/``flag_ci_high``, at the level after
    multiplicity adjustment): an interval is red exactly when it excludes the overall rate,
    which is exactly when the table flags the provider. ``shown_interval="shrunken"`` shows the
    empirical-Bayes (shrunken) rates and intervals instead, answering "where does each
    provider most likely lie?"; red then marks shrunken intervals that exclude the overall
    rate (labelled in the legend as not the test).

    Parameters
    ----------
    table : DataFrame
        ``ProviderComparison.table()``: ``provider``, ``adjusted_rate``, ``flag``,
        ``flag_ci_low``, ``flag_ci_high``, ``shrunken_rate``, ``shrunken_ci_low``,
        ``shrunken_ci_high``.
    overall_rate : float
    conf_level : float, default 0.95
        Level of the shrunken intervals (for the legend).
    outcome_label : str
    max_labels : int, default 40
        With more providers than this, only ``label_providers`` are named.
    shown_interval : {"flag", "shrunken"}, default "flag"
        Which rates and intervals to draw (see above).
    label_providers : {"highlighted", "all", "none"} or sequence of str, optional
        Which providers to name (default: all up to ``max_labels`` providers, else the
        highlighted ones); names never overlap.
    title, xlabel, ylabel : str, optional
        Texts of the plot; defaults in the current language (the x label names
        ``outcome_label``, shown through ``labels``).
    labels : mapping, optional
        Display text for the outcome and for provider names.
    language : {"en", "da"}, optional
        Language of the default texts and legend (Danish: decimal comma).

    Returns
    -------
    Axes

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> f = pd.DataFrame({"provider": ["A", "B"], "adjusted_rate": [0.3, 0.45],
    ...                   "flag_ci_low": [0.25, 0.36], "flag_ci_high": [0.36, 0.52],
    ...                   "shrunken_rate": [0.31, 0.38], "shrunken_ci_low": [0.27, 0.33],
    ...                   "shrunken_ci_high": [0.35, 0.43], "flag": [False, True]})
    >>> caterpillar(f, 0.35).get_ylabel()
    'Providers, ranked'
    """
    _caterpillar_inputs(table, overall_rate, conf_level, max_labels, shown_interval)
    _check_args("caterpillar", (title, xlabel, ylabel), labels, outcome_label=outcome_label)
    prefix = "adjusted" if shown_interval == "flag" else "shrunken"
    cols = {"flag": ("adjusted_rate", "flag_ci_low", "flag_ci_high")}.get(
        shown_interval, ("shrunken_rate", "shrunken_ci_low", "shrunken_ci_high")
    )
    f = table.sort_values(cols[0], kind="stable").reset_index(drop=True)
    k = len(f)
    ax = _axes(
        ax, "caterpillar", (7.5, min(12.0, 0.22 * k + 1.8)) if k <= max_labels else (7.5, 5.0)
    )
    pos = np.arange(k)
    est, lo, hi = (100 * f[c].to_numpy(dtype=float) for c in cols)
    if shown_interval == "flag":
        red = f["flag"].to_numpy(dtype=bool)
        red_label = term("flagged by the test (table): interval excludes the overall rate")
        bar_label = term(f"{prefix} rate, interval of the test (multiplicity-adjusted)")
    else:
        red = (lo > 100 * overall_rate) | (hi < 100 * overall_rate)
        red_label = term("shrunken interval excludes the overall rate (not the test)")
        level = number(100 * conf_level, None)
        bar_label = term("shrunken (empirical Bayes), {level} % interval").format(level=level)
    colors = ["C3" if r else "C0" for r in red]
    ax.hlines(pos, lo, hi, colors=colors, lw=1.2)
    ax.scatter(est[~red], pos[~red], color="C0", s=14, zorder=3, label=bar_label)
    if red.any():
        ax.scatter(est[red], pos[red], color="C3", s=18, zorder=3, label=red_label)
    if shown_interval == "shrunken":
        ax.scatter(
            100 * f["adjusted_rate"], pos, facecolors="none", edgecolors="0.4", s=14,
            zorder=2, label=term("adjusted, not shrunken"),
        )  # fmt: skip
    overall = term("overall {rate} %").format(rate=number(100 * overall_rate, 1))
    ax.axvline(100 * overall_rate, color="0.3", ls="--", lw=1, label=overall)
    raw = f["provider"].astype(str).to_numpy()
    names = np.array([_display(v, labels) for v in raw], dtype=object)
    if label_providers is None:
        label_providers = "all" if k <= max_labels else "highlighted"
    chosen = _chosen_labels(raw, red, label_providers)
    if k <= max_labels and chosen.all():
        ax.set_yticks(pos, names)
    else:
        ax.set_yticks([])
    outcome = _display(outcome_label, labels)
    defaults = (
        term("Providers ranked after adjustment for case mix"),
        term("Risk-adjusted share with {outcome} (%)").format(outcome=outcome),
        term("Providers, ranked"),
    )
    _texts(ax, (title, xlabel, ylabel), defaults)
    _local_ticks(ax, "x")
    ax.set_ylim(-0.6 - max(2.0, 0.08 * k), k - 0.4)  # room for the legend below the last
    ax.legend(fontsize=8, loc="lower right", framealpha=0.9)
    if not (k <= max_labels and chosen.all()):
        _place_labels(ax, hi[chosen], pos[chosen], names[chosen], hi, pos)
    return ax


def _caterpillar_inputs(
    table: Any, overall_rate: Any, conf_level: Any, max_labels: Any, shown_interval: Any
) -> None:
    func = "caterpillar"
    check_choice(shown_interval, "shown_interval", func, ("flag", "shrunken"))
    numeric: tuple[str, ...] = ("adjusted_rate", "flag_ci_low", "flag_ci_high")
    if shown_interval == "shrunken":
        numeric += ("shrunken_rate", "shrunken_ci_low", "shrunken_ci_high")
    _table(table, func, numeric, others=("provider", "flag"))
    if table["flag"].isna().any():
        raise ColumnError("The column 'flag' of 'table' of caterpillar() has missing values.")
    check_number(overall_rate, "overall_rate", func, low=0, high=1)
    check_conf_level(conf_level, func)
    check_number(max_labels, "max_labels", func, low=0, integer=True)


def _chosen_labels(
    names: np.ndarray, highlighted: np.ndarray, label_providers: str | Sequence[str]
) -> np.ndarray:
    """Which providers to name: ``"highlighted"``, ``"all"``, ``"none"`` or a list."""
    if isinstance(label_providers, str):
        if label_providers not in ("highlighted", "all", "none"):
            raise argument_error(
                "funnel",
                "label_providers",
                "'highlighted', 'all', 'none' or a list of providers",
                label_providers,
            )
        if label_providers == "all":
            return np.ones(names.size, dtype=bool)
        if label_providers == "none":
            return np.zeros(names.size, dtype=bool)
        return np.asarray(highlighted, dtype=bool)
    if not isinstance(label_providers, (list, tuple, set, np.ndarray, pd.Series)):
        raise argument_error(
            "funnel",
            "label_providers",
            "'highlighted', 'all', 'none' or a list of providers",
            type(label_providers).__name__,
        )
    wanted = {str(v) for v in label_providers}
    return np.array([name in wanted for name in names], dtype=bool)


def _place_labels(
    ax: Axes,
    x: np.ndarray,
    y: np.ndarray,
    texts: np.ndarray,
    all_x: np.ndarray,
    all_y: np.ndarray,
    fontsize: float = 8,
) -> None:
    """Write ``texts`` beside their points so that no two names overlap each other or cover
    a point: candidate positions around the point in widening rings, first fit wins; a name
    placed away from its point gets a thin leader line."""
    if len(texts) == 0:
        return
    fig = cast("Figure", ax.figure)
    fig.draw_without_rendering()  # settle the layout before measuring
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    to_px = ax.transData.transform
    pts_px = to_px(np.column_stack([all_x, all_y]))
    r = 3.0 * fig.dpi / 72
    obstacles = [(px - r, py - r, px + r, py + r) for px, py in pts_px]
    frame = ax.get_window_extent(renderer)
    placed: list[tuple[float, float, float, float]] = []
    order = np.argsort(-np.asarray(y, dtype=float), kind="stable")
    for i in order:
        ann = ax.annotate(
            str(texts[i]), (x[i], y[i]), xytext=(4, 3), textcoords="offset points",
            fontsize=fontsize, zorder=5,
        )  # fmt: skip
        ann.set_in_layout(False)
        best, best_cost = (4.0, 3.0), np.inf
        for dx, dy in _label_offsets(ann.get_window_extent(renderer).width * 72 / fig.dpi):
            ann.set_position((dx, dy))
            box = ann.get_window_extent(renderer)
            b = (box.x0, box.y0, box.x1, box.y1)
            cost = sum(_overlap(b, o) for o in placed) + sum(_overlap(b, o) for o in obstacles)
            inside = _overlap(b, (frame.x0, frame.y0, frame.x1, frame.y1))
            cost += 4 * ((b[2] - b[0]) * (b[3] - b[1]) - inside)  # outside the axes
            if cost < best_cost:
                best, best_cost = (dx, dy), cost
            if cost == 0:
                break
        ann.set_position(best)
        if abs(best[0]) > 12 or abs(best[1]) > 12 + 8:
            ann.remove()  # far from its point: the same name with a thin leader line
            ann = ax.annotate(
                str(texts[i]), (x[i], y[i]), xytext=best, textcoords="offset points",
                fontsize=fontsize, zorder=5,
                arrowprops={"arrowstyle": "-", "color": "0.5", "lw": 0.6, "shrinkB": 3},
            )  # fmt: skip
            ann.set_in_layout(False)
        box = ann.get_window_extent(renderer)
        placed.append((box.x0, box.y0, box.x1, box.y1))


def _label_offsets(width: float) -> list[tuple[float, float]]:
    """Candidate text offsets (points) around a point, nearest first: beside it, then on
    widening rings in 16 directions."""
    out: list[tuple[float, float]] = [(4, 3), (4, -11), (-4 - width, 3), (-4 - width, -11)]
    angles = np.linspace(0, 2 * np.pi, 16, endpoint=False)
    for d in (10, 16, 22, 30, 40, 52, 66, 82, 100):
        for a in angles:
            cx, cy = d * 1.6 * np.cos(a), d * np.sin(a)  # wider than tall, like names
            out.append((cx - width / 2 + np.sign(np.cos(a)) * width / 2, cy - 4))
    return out


def _overlap(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    """Area shared by two boxes (x0, y0, x1, y1)."""
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    return max(w, 0.0) * max(h, 0.0)


@speaks
def simple_vs_causal(
    table: pd.DataFrame,
    ax: Axes | None = None,
    *,
    outcome_label: str = "job",
    title: str | None = None,
    xlabel: str | None = None,
    ylabel: str | None = None,
    labels: Mapping[Any, str] | None = None,
) -> Axes:
    """The teaching figure: per group the share in a job without and with the course; the
    simple effect is the "with" bar, the causal effect the arrow between the bars.

    ``table`` as returned by ``SimpleVsCausal.table()``. ``title``, ``xlabel`` and
    ``ylabel`` replace the default texts, ``labels`` maps group names (and the legend keys
    ``"without"``, ``"with"``) to display text; ``language`` (``"en"``, ``"da"``) sets the
    language of the default texts.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from effekt.simple_effect import contrast_from_counts
    >>> r = contrast_from_counts(["Strong", "Complex"], [190, 25], [200, 200], [196, 4], [200, 200])
    >>> ax = simple_vs_causal(r.table())
    >>> ax.get_ylabel()
    'Share in job (%)'
    >>> "no. 1" in ax.get_xticklabels()[1].get_text()
    True
    """
    _check_args("simple_vs_causal", (title, xlabel, ylabel), labels, outcome_label=outcome_label)
    numeric = ("rate_without", "simple_effect", "rank_simple", "rank_causal")
    _table(table, "simple_vs_causal", numeric, others=("group",))
    ax = _axes(ax, "simple_vs_causal", figsize=(8.0, 5.2))
    f = table.reset_index(drop=True)
    k = len(f)
    x = np.arange(k) * 1.0
    wdt = 0.36
    without = 100 * f["rate_without"].to_numpy(dtype=float)
    simple = 100 * f["simple_effect"].to_numpy(dtype=float)
    legend = {
        "without": term("Without the course (what would have happened)"),
        "with": term("With the course = simple effect (what the contract measures)"),
        **(labels or {}),
    }
    ax.bar(x - wdt / 2, without, wdt, color="0.75", label=legend["without"])
    ax.bar(x + wdt / 2, simple, wdt, color="C0", label=legend["with"])
    for xi, s0, s1 in zip(x, without, simple, strict=True):
        ax.text(
            xi + wdt / 2,
            s1 + 1.5,
            f"{s1:.0f} %",
            ha="center",
            va="bottom",
            fontsize=10,
            color="C0",
            fontweight="bold",
        )
        ax.text(
            xi - wdt / 2,
            s0 + 1.5,
            f"{s0:.0f} %",
            ha="center",
            va="bottom",
            fontsize=10,
            color="0.35",
        )
        d = s1 - s0
        color = "C2" if d > 0 else "C3"
        xa = xi + wdt + 0.08
        ax.annotate(
            "", xy=(xa, s1), xytext=(xa, s0), arrowprops=dict(arrowstyle="->", color=color, lw=2.2)
        )
        ax.text(
            xa + 0.05,
            (s0 + s1) / 2,
            term("effect of\nthe course\n{effect}").format(
                effect=f"{number(d, 0, sign=True)} {term('pp')}"
            ),
            color=color,
            fontsize=10,
            va="center",
            fontweight="bold",
        )
    ticks = [
        f"{_display(g, labels)}\n{term('ranked by simple effect: no. {rank}').format(rank=rs)}"
        f"\n{term('ranked by effect of the course: no. {rank}').format(rank=rc)}"
        for g, rs, rc in zip(f["group"], f["rank_simple"], f["rank_causal"], strict=True)
    ]
    ax.set_xticks(x, ticks)
    ax.set_xlim(-0.7, k - 1 + 1.0)
    ax.set_ylim(0, 118)
    ax.set_yticks(np.arange(0, 101, 20))
    ax.legend(loc="upper left", fontsize=9, frameon=False)
    reversed_ = bool((f["rank_simple"] != f["rank_causal"]).any())
    default_title = term(
        "The highest simple effect is not the best effect"
        if reversed_
        else "Simple effect and effect of the course"
    )
    share = term("Share in {outcome} (%)").format(outcome=_display(outcome_label, labels))
    _texts(ax, (title, xlabel, ylabel), (default_title, "", share))
    ax.title.set_fontsize(12)
    ax.title.set_fontweight("bold")
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    return ax


# --- randomised trials: subgroups ---


@speaks
def subgroup_forest(
    table: pd.DataFrame,
    *,
    overall: pd.DataFrame | None = None,
    headers: dict[str, str] | None = None,
    ax: Axes | None = None,
    title: str | None = None,
    xlabel: str | None = None,
    ylabel: str | None = None,
    labels: Mapping[Any, str] | None = None,
    unit_label: str = "",
    color: str = "C0",
) -> Axes:
    """Forest plot of subgroup effects: an overall row, then one block per ``by`` column.

    Parameters
    ----------
    table : DataFrame
        Tidy rows with ``by``, ``level``, ``estimate``, ``ci_low``, ``ci_high`` and ``scale``
        (as from ``SubgroupResult.to_frame()``).
    overall : DataFrame, optional
        One row with the overall effect, drawn first as a diamond.
    headers : dict, optional
        Block heading per ``by`` value (e.g. with the interaction p-value).
    ax : Axes, optional
    title, xlabel, ylabel : str, optional
        Texts of the plot; ``xlabel`` defaults to the effect's unit in the current language.
    labels : mapping, optional
        Display text for ``by`` columns and their levels (``{"køn": "Køn", "k": "Kvinde"}``);
        ``headers`` wins for a block heading.
    unit_label : str
        Unit of a mean effect on the axis label.
    language : {"en", "da"}, optional
        Language of the default texts and numbers (default: the session's setting).

    Returns
    -------
    Axes

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import pandas as pd
    >>> f = pd.DataFrame({"by": ["gender", "gender"], "level": ["man", "woman"],
    ...                   "estimate": [0.02, 0.06], "ci_low": [-0.01, 0.02],
    ...                   "ci_high": [0.05, 0.10], "scale": ["proportion"] * 2})
    >>> ax = subgroup_forest(f)
    >>> ax.get_xlabel()
    'Effect (percentage points)'
    """
    func = "subgroup_forest"
    _check_args(func, (title, xlabel, ylabel), labels, color, unit_label=unit_label)
    _subgroup_inputs(table, overall, headers)
    headers = headers or {}
    scale = str(table["scale"].iloc[0]) if "scale" in table else "mean"
    k = 100.0 if scale == "proportion" else 1.0
    rows: list[str] = []
    points: list[tuple[float, float, float, bool]] = []  # estimate, low, high, is_overall
    bold: list[bool] = []
    if overall is not None and len(overall):
        row = overall.iloc[0]
        rows.append(term("All"))
        points.append((row["estimate"] * k, row["ci_low"] * k, row["ci_high"] * k, True))
        bold.append(True)
    for by, block in table.groupby("by", sort=False):
        rows.append(headers.get(str(by), _display(by, labels)))
        points.append((np.nan, np.nan, np.nan, False))
        bold.append(True)
        for _, row in block.iterrows():
            rows.append(f"    {_display(row['level'], labels)}")
            points.append((row["estimate"] * k, row["ci_low"] * k, row["ci_high"] * k, False))
            bold.append(False)
    n_rows = len(rows)
    ax = _axes(ax, func, figsize=(8.0, 0.38 * n_rows + 1.4))
    y = np.arange(n_rows)[::-1].astype(float)
    est = np.array([p[0] for p in points])
    lo = np.array([p[1] for p in points])
    hi = np.array([p[2] for p in points])
    is_overall = np.array([p[3] for p in points], dtype=bool)
    sub = np.isfinite(est) & ~is_overall
    ax.errorbar(
        est[sub],
        y[sub],
        xerr=[est[sub] - lo[sub], hi[sub] - est[sub]],
        fmt="s",
        color=color,
        ecolor=color,
        capsize=3,
        markersize=5,
    )
    if is_overall.any():
        ax.errorbar(
            est[is_overall],
            y[is_overall],
            xerr=[est[is_overall] - lo[is_overall], hi[is_overall] - est[is_overall]],
            fmt="D",
            color="black",
            ecolor="black",
            capsize=3,
            markersize=7,
        )
        ax.axvline(float(est[is_overall][0]), color=color, lw=0.8, ls=":")
    ax.axvline(0.0, color="0.5", lw=1, ls="--")
    ax.set_yticks(y, rows)
    for tick, b in zip(ax.get_yticklabels(), bold, strict=True):
        if b:
            tick.set_fontweight("bold")
    for yi, e, a, b in zip(y, est, lo, hi, strict=True):
        if np.isfinite(e):
            ax.annotate(
                _interval_text(e, a, b, scale),
                xy=(1.01, yi),
                xycoords=("axes fraction", "data"),
                va="center",
                fontsize=8,
            )
    _texts(ax, (title, xlabel, ylabel), ("", effect_axis_label(scale, unit_label), ""))
    _local_ticks(ax, "x")
    ax.set_ylim(-0.7, n_rows - 0.3)
    return ax


def _subgroup_inputs(table: Any, overall: Any, headers: Any) -> None:
    func = "subgroup_forest"
    _table(table, func, ("estimate", "ci_low", "ci_high"), others=("by", "level"))
    _check_intervals(table, func)
    if overall is not None:
        _table(overall, func, ("estimate", "ci_low", "ci_high"), "overall")
        _check_intervals(overall, func, "overall")
    if table["by"].isna().any() or not all(isinstance(v, Hashable) for v in table["by"]):
        raise ColumnError(
            f"The column 'by' of the 'table' argument of {func}() must name the subgroup column "
            "in every row (no missing values, no lists)."
        )
    if headers is not None and not isinstance(headers, Mapping):
        raise argument_error(func, "headers", "a dict of block headings or None", headers)


# --- time ---
@speaks
def effect_trajectory(
    table: pd.DataFrame,
    ax: Axes | None = None,
    *,
    scale: str = "proportion",
    unit_label: str = "",
    simultaneous: bool = True,
    xlabel: str = "time",
    ylabel: str | None = None,
    title: str | None = None,
    labels: Mapping[Any, str] | None = None,
    color: str = "C0",
    label: str | None = None,
    conf_level: float = 0.95,
    band_name: str = "sup-t",
    reference_line: float | None = None,
) -> Axes:
    """Effect by period with a pointwise band (dark) and a simultaneous band (light).

    Parameters
    ----------
    table : DataFrame
        Columns ``time, estimate, ci_low, ci_high`` and optionally ``sim_low, sim_high``
        (as ``Trajectory.to_frame()``).
    ax : Axes, optional
    scale : {"proportion", "mean"}
        Proportions are drawn in percentage points.
    unit_label : str
        Unit of a mean outcome, for the axis label.
    simultaneous : bool
        Draw the simultaneous band when the table has it.
    xlabel : str
        Label of the period axis ("week", "month", "event time"; translated when it is one
        of effekt's words).
    ylabel, title : str, optional
        Texts of the plot; ``ylabel`` defaults to the effect's unit in the current language.
    labels : mapping, optional
        Display text for the legend entries ``"estimate"``, ``"pointwise"``,
        ``"simultaneous"``.
    language : {"en", "da"}, optional
        Language of the default texts (default: the session's setting).
    reference_line : float, optional
        A vertical dashed line (e.g. the start of a project).

    Returns
    -------
    Axes

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import pandas as pd
    >>> f = pd.DataFrame({"time": [1, 2, 3], "estimate": [0.0, 0.02, 0.05],
    ...                   "ci_low": [-0.01, 0.0, 0.02], "ci_high": [0.01, 0.04, 0.08]})
    >>> effect_trajectory(f).get_ylabel()
    'Effect (percentage points)'
    """
    _trajectory_inputs(table, scale, reference_line, conf_level, simultaneous)
    texts = (title, xlabel, ylabel)
    _check_args("effect_trajectory", texts, labels, color, unit_label=unit_label, label=label)
    _check_args("effect_trajectory", (), None, band_name=band_name)
    ax = _axes(ax, "effect_trajectory")
    k = 100.0 if scale == "proportion" else 1.0
    x = table["time"].to_numpy(dtype=float)
    level = confidence_label(conf_level)
    band_level = level.removesuffix(f" {term('CI')}").removesuffix(f"-{term('CI')}")
    names = {
        "simultaneous": term("simultaneous {level} band ({name})").format(
            level=band_level, name=band_name
        ),
        "pointwise": term("pointwise {level}").format(level=level),
        "estimate": term("estimate"),
        **(labels or {}),
    }
    if simultaneous and "sim_low" in table and band_name != "none":
        ax.fill_between(
            x,
            k * table["sim_low"],
            k * table["sim_high"],
            color=color,
            alpha=0.12,
            lw=0,
            label=names["simultaneous"],
        )
    ax.fill_between(
        x,
        k * table["ci_low"],
        k * table["ci_high"],
        color=color,
        alpha=0.28,
        lw=0,
        label=names["pointwise"],
    )
    ax.plot(
        x,
        k * table["estimate"],
        color=color,
        marker="o" if len(x) <= 40 else None,
        ms=3.5,
        label=label or names["estimate"],
    )
    ax.axhline(0, color="0.4", lw=1, ls="--")
    if reference_line is not None:
        ax.axvline(reference_line, color="0.4", lw=1, ls=":")
    xtext = term(xlabel[:1].upper() + xlabel[1:]) if xlabel else ""
    _texts(ax, (title, xtext, ylabel), ("", "", effect_axis_label(scale, unit_label)))
    _local_ticks(ax, "y")
    ax.legend(frameon=False, fontsize=8)
    return ax


def _trajectory_inputs(
    table: Any, scale: Any, reference_line: Any, conf_level: Any, simultaneous: Any
) -> None:
    func = "effect_trajectory"
    numeric: tuple[str, ...] = ("time", "estimate", "ci_low", "ci_high")
    if isinstance(table, pd.DataFrame) and "sim_low" in table:
        numeric += ("sim_low", "sim_high")
    _table(table, func, numeric)
    check_choice(scale, "scale", func, ("proportion", "mean"))
    _finite_or_none(reference_line, "reference_line", func)
    check_conf_level(conf_level, func)
    _check_bools(func, simultaneous=simultaneous)


def survival_curves(*args: Any, **kwargs: Any) -> Axes:
    """Kaplan-Meier curves: see :meth:`effekt.duration.KaplanMeier.plot` (this is a shortcut).

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import pandas as pd
    >>> from effekt.duration import kaplan_meier
    >>> km = kaplan_meier(pd.DataFrame({"t": [1, 2, 3], "e": [1, 0, 1]}), "t", "e")
    >>> survival_curves(km).get_ylabel()
    'Share still without a job (%)'
    """
    km, *rest = args if args else (kwargs.pop("km", None),)
    # by name: plots sits below the estimators and does not import them
    if "KaplanMeier" not in [c.__name__ for c in type(km).__mro__]:
        raise argument_error(
            "survival_curves", "km", "a KaplanMeier result (from kaplan_meier())", type(km).__name__
        )
    return km.plot(*rest, **kwargs)
