"""Synthetic data generators that state their truth.

Each generator takes keyword-only arguments and a ``seed``, documents its data-generating
process (with the true effect as a named quantity) and returns a DataFrame with documented
columns. Tests check that effekt's estimators recover the truth from them.
"""

from __future__ import annotations

from . import panels
from .observational import observational
from .providers import providers
from .rct import rct
from .studies import study

__all__ = ["observational", "panels", "providers", "rct", "study"]
