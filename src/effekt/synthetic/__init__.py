"""Synthetic data generators that state their truth.

Each generator takes keyword-only arguments and a ``seed``, documents its data-generating
process (with the true effect as a named quantity) and returns a DataFrame with documented
columns. Tests check that effekt's estimators recover the truth from them.
"""

from __future__ import annotations

__all__: list[str] = []
from . import panels  # noqa: E402,F401  (durations, weekly and municipality panels)
