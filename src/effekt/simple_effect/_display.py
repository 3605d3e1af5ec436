"""Formatting of the provider tables for people (the HTML views of the results)."""

from __future__ import annotations

import numpy as np
import pandas as pd


def percent(values: pd.Series | np.ndarray, digits: int = 1) -> np.ndarray:
    """Shares (fractions) as percentages rounded to ``digits``."""
    return np.round(100 * np.asarray(values, dtype=float), digits)


def interval(low: pd.Series | np.ndarray, high: pd.Series | np.ndarray, signed: bool) -> list[str]:
    """``"12.3 to 45.6"`` per row from two columns of fractions, in % (``signed``: in pp)."""
    fmt = "{:+.1f} to {:+.1f}" if signed else "{:.1f} to {:.1f}"
    return [
        fmt.format(100 * lo, 100 * hi) if np.isfinite(lo) and np.isfinite(hi) else ""
        for lo, hi in zip(np.asarray(low, float), np.asarray(high, float), strict=True)
    ]


def level(conf_level: float) -> str:
    """``0.95`` -> ``"95 %"``."""
    return f"{round(100 * conf_level, 1):g} %"
