"""Synthetic data generators that state their truth.

Each generator takes keyword-only arguments and a ``seed``, documents its data-generating
process (with the true effect as a named quantity) and returns a DataFrame with documented
columns. Tests check that effekt's estimators recover the truth from them. The study
generators (:func:`study`) state what they take from the notes and what they assume beyond
them as data: :data:`ASSUMPTIONS`.
"""

from __future__ import annotations

from . import panels
from .observational import observational
from .providers import providers
from .rct import rct
from .studies import ASSUMPTIONS, Assumptions, study

__all__ = ["observational", "panels", "providers", "rct", "study", "ASSUMPTIONS", "Assumptions"]
