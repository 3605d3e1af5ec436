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


# --- randomised trials: subgroups ---


def subgroup_forest(
    frame: pd.DataFrame,
    *,
    overall: pd.DataFrame | None = None,
    headers: dict[str, str] | None = None,
    ax: Axes | None = None,
    title: str = "",
    unit: str = "",
    color: str = "C0",
) -> Axes:
    """Forest plot of subgroup effects: an overall row, then one block per ``by`` column.

    Parameters
    ----------
    frame : DataFrame
        Tidy rows with ``by``, ``level``, ``estimate``, ``ci_low``, ``ci_high`` and ``scale``
        (as from ``SubgroupResult.to_frame()``).
    overall : DataFrame, optional
        One row with the overall effect, drawn first as a diamond.
    headers : dict, optional
        Block heading per ``by`` value (e.g. with the interaction p-value).
    ax : Axes, optional
    title, unit : str

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
    headers = headers or {}
    scale = str(frame["scale"].iloc[0]) if "scale" in frame else "mean"
    k = 100.0 if scale == "proportion" else 1.0
    labels: list[str] = []
    points: list[tuple[float, float, float, bool]] = []  # estimate, low, high, is_overall
    bold: list[bool] = []
    if overall is not None and len(overall):
        row = overall.iloc[0]
        labels.append("All")
        points.append((row["estimate"] * k, row["ci_low"] * k, row["ci_high"] * k, True))
        bold.append(True)
    for by, block in frame.groupby("by", sort=False):
        labels.append(headers.get(str(by), str(by)))
        points.append((np.nan, np.nan, np.nan, False))
        bold.append(True)
        for _, row in block.iterrows():
            labels.append(f"    {row['level']}")
            points.append((row["estimate"] * k, row["ci_low"] * k, row["ci_high"] * k, False))
            bold.append(False)
    n_rows = len(labels)
    ax = new_axes(ax, figsize=(8.0, 0.38 * n_rows + 1.4))
    y = np.arange(n_rows)[::-1].astype(float)
    est = np.array([p[0] for p in points])
    lo = np.array([p[1] for p in points])
    hi = np.array([p[2] for p in points])
    is_overall = np.array([p[3] for p in points])
    sub = np.isfinite(est) & ~is_overall
    ax.errorbar(est[sub], y[sub], xerr=[est[sub] - lo[sub], hi[sub] - est[sub]], fmt="s", color=color,
                ecolor=color, capsize=3, markersize=5)
    if is_overall.any():
        ax.errorbar(est[is_overall], y[is_overall], xerr=[est[is_overall] - lo[is_overall], hi[is_overall] - est[is_overall]],
                    fmt="D", color="black", ecolor="black", capsize=3, markersize=7)
        ax.axvline(float(est[is_overall][0]), color=color, lw=0.8, ls=":")
    ax.axvline(0.0, color="0.5", lw=1, ls="--")
    ax.set_yticks(y, labels)
    for tick, b in zip(ax.get_yticklabels(), bold):
        if b:
            tick.set_fontweight("bold")
    suffix = " pp" if scale == "proportion" else ""
    for yi, e, a, b in zip(y, est, lo, hi):
        if np.isfinite(e):
            ax.annotate(f"{e:+.1f} ({a:+.1f} to {b:+.1f}){suffix}", xy=(1.01, yi),
                        xycoords=("axes fraction", "data"), va="center", fontsize=8)
    ax.set_xlabel(effect_axis_label(scale, unit))
    ax.set_ylim(-0.7, n_rows - 0.3)
    if title:
        ax.set_title(title)
    return ax
