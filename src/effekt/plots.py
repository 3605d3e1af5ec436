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


# --- time ---
def effect_trajectory(
    frame: pd.DataFrame,
    ax: Axes | None = None,
    *,
    scale: str = "proportion",
    unit: str = "",
    simultaneous: bool = True,
    xlabel: str = "time",
    color: str = "C0",
    label: str | None = None,
    conf_level: float = 0.95,
    band_name: str = "sup-t",
    reference_line: float | None = None,
) -> Axes:
    """Effect by period with a pointwise band (dark) and a simultaneous band (light).

    Parameters
    ----------
    frame : DataFrame
        Columns ``time, estimate, ci_low, ci_high`` and optionally ``sim_low, sim_high``
        (as ``Trajectory.to_frame()`` or ``EventStudy.to_frame()``).
    ax : Axes, optional
    scale : {"proportion", "mean"}
        Proportions are drawn in percentage points.
    simultaneous : bool
        Draw the simultaneous band when the frame has it.
    xlabel : str
        Name of the period axis ("week", "month", "event time").
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
    ax = new_axes(ax)
    k = 100.0 if scale == "proportion" else 1.0
    x = frame["time"].to_numpy(dtype=float)
    level = f"{round(100 * conf_level, 1):g}%"
    if simultaneous and "sim_low" in frame and band_name != "none":
        ax.fill_between(
            x, k * frame["sim_low"], k * frame["sim_high"], color=color, alpha=0.12, lw=0,
            label=f"simultaneous {level} band ({band_name})",
        )
    ax.fill_between(x, k * frame["ci_low"], k * frame["ci_high"], color=color, alpha=0.28, lw=0,
                    label=f"pointwise {level} CI")
    ax.plot(x, k * frame["estimate"], color=color, marker="o" if len(x) <= 40 else None, ms=3.5,
            label=label or "estimate")
    ax.axhline(0, color="0.4", lw=1, ls="--")
    if reference_line is not None:
        ax.axvline(reference_line, color="0.4", lw=1, ls=":")
    ax.set_xlabel(xlabel[:1].upper() + xlabel[1:])
    ax.set_ylabel(effect_axis_label(scale, unit))
    ax.legend(frameon=False, fontsize=8)
    return ax


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
    km, *rest = args
    return km.plot(*rest, **kwargs)
