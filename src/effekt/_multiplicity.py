"""Multiplicity adjustment of p-values, shared by trials (arms, subgroups) and providers."""

from __future__ import annotations

import numpy as np

from .errors import EffektError

ADJUST_METHODS = ("holm", "bonferroni", "bh", "none")


def adjust_pvalues(p: np.ndarray, method: str) -> np.ndarray:
    """Holm, Bonferroni or Benjamini-Hochberg (``"bh"`` or ``"fdr_bh"``) adjusted p-values.

    NaN entries are ignored (and stay NaN); the others are adjusted among themselves. A
    p-value outside [0, 1] (or infinite) raises :class:`~effekt.errors.EffektError`.

    Examples
    --------
    >>> adjust_pvalues([0.01, 0.04, float("nan"), 0.03], "holm").round(3).tolist()
    [0.03, 0.06, nan, 0.06]
    """
    p = np.asarray(p, dtype=float)
    outside = np.isfinite(p) & ((p < 0) | (p > 1))
    if outside.any() or np.isinf(p).any():
        bad = p[outside | np.isinf(p)][0]
        raise EffektError(
            f"adjust_pvalues() got the p-value {bad:g}; p-values must lie between 0 and 1."
        )
    out = np.full_like(p, np.nan)
    ok = np.isfinite(p)
    q = p[ok]
    m = q.size
    if m == 0:
        return out
    if method == "none":
        out[ok] = q
        return out
    if method == "bonferroni":
        out[ok] = np.minimum(1.0, q * m)
        return out
    order = np.argsort(q, kind="stable")
    sq = q[order]
    if method == "holm":
        adj = np.minimum(1.0, np.maximum.accumulate(sq * (m - np.arange(m))))
    elif method in ("bh", "fdr_bh"):
        adj = np.minimum(1.0, np.minimum.accumulate((sq * m / np.arange(1, m + 1))[::-1])[::-1])
    else:  # pragma: no cover - validated by callers
        raise ValueError(method)
    res = np.empty(m)
    res[order] = adj
    out[ok] = res
    return out
