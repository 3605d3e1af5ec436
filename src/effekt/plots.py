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
