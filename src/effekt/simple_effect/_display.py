"""Formatting of the provider tables for people (the HTML views of the results)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..language import number, term


def percent(values: pd.Series | np.ndarray, digits: int = 1) -> np.ndarray:
    """Shares (fractions) as percentages rounded to ``digits``."""
    return np.round(100 * np.asarray(values, dtype=float), digits)


def interval(low: pd.Series | np.ndarray, high: pd.Series | np.ndarray, signed: bool) -> list[str]:
    """``"12.3 to 45.6"`` per row from two columns of fractions, in % (``signed``: in pp),
    in the current language ("12,3 til 45,6")."""
    to = term("to")
    return [
        f"{number(100 * lo, 1, sign=signed)} {to} {number(100 * hi, 1, sign=signed)}"
        if np.isfinite(lo) and np.isfinite(hi)
        else ""
        for lo, hi in zip(np.asarray(low, float), np.asarray(high, float), strict=True)
    ]


def level(conf_level: float) -> str:
    """``0.95`` -> ``"95 %"`` (``0.998`` -> ``"99,8 %"`` in Danish)."""
    return f"{number(round(100 * conf_level, 1), None)} %"


#: Danish letters after z, in the Danish order (upper case folded to lower case first).
_DANISH = str.maketrans(
    {"æ": "z\uffff1", "ø": "z\uffff2", "å": "z\uffff3", "ä": "z\uffff1", "ö": "z\uffff2"}
)


def danish_sort_key(provider_name: object) -> tuple[str, str]:
    """Sort key for provider names in Danish alphabetical order: æ, ø, å after z.

    Case is ignored (ties are broken by the name itself); ``ä`` sorts as ``æ`` and ``ö``
    as ``ø``; other letters in Unicode order. The old spelling ``aa`` is not read as ``å``
    (Aarhus sorts under a). Numbers as text sort as text (``"P10"`` before ``"P2"``; pad
    them, ``"P02"``).

    Examples
    --------
    >>> sorted(["Åben Vej", "Zealand Job", "Ærø Kursus", "Østjysk", "Aarhus"],
    ...        key=danish_sort_key)
    ['Aarhus', 'Zealand Job', 'Ærø Kursus', 'Østjysk', 'Åben Vej']
    """
    text = str(provider_name)
    return text.casefold().translate(_DANISH), text
