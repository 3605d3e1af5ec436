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

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from matplotlib.axes import Axes


def new_axes(ax: Axes | None, figsize: tuple[float, float] = (7.0, 4.5)) -> Axes:
    """Return ``ax`` or a fresh Axes on a new figure."""
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    _, ax = plt.subplots(figsize=figsize, layout="constrained")
    return ax


def effect_axis_label(scale: str, unit: str = "") -> str:
    if scale == "proportion":
        return "Effect (percentage points)"
    return f"Effect ({unit})" if unit else "Effect (difference in means)"


def forest(
    frame: pd.DataFrame,
    ax: Axes | None = None,
    *,
    label: str = "label",
    title: str = "",
    reference: float | None = 0.0,
    scale: str | None = None,
    unit: str = "",
    color: str = "C0",
    annotate: bool = True,
) -> Axes:
    """Forest plot: one row per effect with its confidence interval.

    Parameters
    ----------
    frame : DataFrame
        Columns ``estimate``, ``ci_low``, ``ci_high`` and a label column (tidy rows as
        produced by ``to_frame()``).
    ax : Axes, optional
    label : str
        Column with the row labels.
    reference : float or None
        Draw a vertical line here (no effect).
    scale : {"proportion", "mean"}, optional
        Defaults to the ``scale`` column; proportions are drawn in percentage points.
    annotate : bool
        Write the estimate and interval at the right of each row.

    Returns
    -------
    Axes
    """
    ax = new_axes(ax, figsize=(7.5, 0.5 * len(frame) + 1.6))
    if scale is None:
        scale = str(frame["scale"].iloc[0]) if "scale" in frame else "mean"
    k = 100.0 if scale == "proportion" else 1.0
    est = frame["estimate"].to_numpy(dtype=float) * k
    lo = frame["ci_low"].to_numpy(dtype=float) * k
    hi = frame["ci_high"].to_numpy(dtype=float) * k
    labels = frame[label].astype(str).tolist() if label in frame else [str(i) for i in range(len(frame))]
    y = np.arange(len(frame))[::-1]
    ax.errorbar(est, y, xerr=[est - lo, hi - est], fmt="o", color=color, ecolor=color, capsize=3)
    if reference is not None:
        ax.axvline(reference * k, color="0.5", lw=1, ls="--")
    ax.set_yticks(y, labels)
    ax.set_xlabel(effect_axis_label(scale, unit))
    if annotate:
        suffix = " pp" if scale == "proportion" else ""
        for yi, e, a, b in zip(y, est, lo, hi):
            if np.isfinite(e):
                ax.annotate(
                    f"{e:+.1f} ({a:+.1f} to {b:+.1f}){suffix}",
                    xy=(1.01, yi),
                    xycoords=("axes fraction", "data"),
                    va="center",
                    fontsize=8,
                )
    if title:
        ax.set_title(title)
    ax.set_ylim(-0.7, len(frame) - 0.3)
    return ax


def save(ax: Axes, path: Any, dpi: int = 120) -> None:
    """Save the figure that holds ``ax`` (helper for examples and reports)."""
    ax.figure.savefig(path, dpi=dpi, bbox_inches="tight")


# --- matching ---


def love_plot(
    balance: pd.DataFrame,
    ax: Axes | None = None,
    *,
    threshold: float | None = 0.1,
    absolute: bool = True,
    title: str = "Covariate balance",
) -> Axes:
    """Love plot: standardized mean differences before (open) and after (filled) matching.

    Parameters
    ----------
    balance : DataFrame
        A balance table with columns ``smd_before`` and ``smd_after`` (one row per
        covariate), as returned by ``MatchResult.balance()``.
    ax : Axes, optional
    threshold : float or None
        Draw dashed lines at this (absolute) SMD; 0.1 is the usual rule of thumb.
    absolute : bool
        Plot absolute SMDs (default) or signed ones.

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
    """
    ax = new_axes(ax, figsize=(6.5, 0.32 * len(balance) + 1.6))
    before = balance["smd_before"].to_numpy(dtype=float)
    after = balance["smd_after"].to_numpy(dtype=float)
    if absolute:
        before, after = np.abs(before), np.abs(after)
    y = np.arange(len(balance))[::-1]
    for yi, b, a in zip(y, before, after):
        ax.plot([b, a], [yi, yi], color="0.8", lw=1, zorder=1)
    ax.scatter(before, y, facecolors="white", edgecolors="C3", label="before matching", zorder=2)
    ax.scatter(after, y, color="C0", label="after matching", zorder=3)
    if threshold is not None:
        ax.axvline(threshold, color="0.4", ls="--", lw=1)
        if not absolute:
            ax.axvline(-threshold, color="0.4", ls="--", lw=1)
    ax.axvline(0, color="0.6", lw=0.8)
    ax.set_yticks(y, [str(i) for i in balance.index])
    ax.set_ylim(-0.7, len(balance) - 0.3)
    ax.set_xlabel(("Absolute standardized" if absolute else "Standardized") + " mean difference")
    ax.legend(loc="lower right", fontsize=8, frameon=False)
    if title:
        ax.set_title(title)
    return ax


def overlap_plot(
    score: np.ndarray,
    treated: np.ndarray,
    weights: np.ndarray | None = None,
    ax: Axes | None = None,
    *,
    bins: int = 30,
    title: str = "Propensity score overlap",
) -> Axes:
    """Mirrored histograms of the propensity score: treated above, controls below the axis.

    Outlines show all units (before matching); filled bars show the matched sample with
    its matching weights (when ``weights`` is given). Densities are shares of each group.

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
    ax = new_axes(ax, figsize=(7.0, 4.5))
    score = np.asarray(score, dtype=float)
    treated = np.asarray(treated, dtype=bool)
    edges = np.linspace(min(0.0, score.min()), max(1.0, score.max()), bins + 1)
    width = np.diff(edges)
    for mask, sign, color, name in ((treated, 1, "C1", "treated"), (~treated, -1, "C0", "control")):
        h, _ = np.histogram(score[mask], bins=edges)
        h = h / max(h.sum(), 1)
        ax.stairs(sign * h, edges, color=color, lw=1.2, label=f"{name}, all")
        if weights is not None:
            w = np.asarray(weights, dtype=float)[mask]
            hm, _ = np.histogram(score[mask], bins=edges, weights=w)
            hm = hm / max(hm.sum(), 1e-300)
            ax.bar(edges[:-1], sign * hm, width=width, align="edge", color=color, alpha=0.45,
                   label=f"{name}, matched")
    ax.axhline(0, color="0.3", lw=0.8)
    ticks = ax.get_yticks()
    ax.set_yticks(ticks, [f"{abs(t):.2f}" for t in ticks])
    ax.set_xlabel("Propensity score")
    ax.set_ylabel("Share of group (treated up, controls down)")
    ax.legend(fontsize=8, frameon=False, ncol=2)
    if title:
        ax.set_title(title)
    return ax
