"""Confidence intervals for one proportion (Wilson, Clopper-Pearson), vectorised.

Examples
--------
>>> from effekt.intervals import wilson_interval
>>> lo, hi = wilson_interval(208, 1302)
>>> round(float(lo), 4), round(float(hi), 4)
(0.1409, 0.1807)
"""

from __future__ import annotations

import numpy as np
from scipy import stats


def wilson_interval(events, n, conf_level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for ``events`` out of ``n`` (arrays broadcast).

    Notes
    -----
    ``(p + z^2/2n ± z sqrt(p(1-p)/n + z^2/4n^2)) / (1 + z^2/n)`` with ``p = events/n``.

    References
    ----------
    Wilson, E. B. (1927). *JASA* 22, 209-212.
    """
    x = np.asarray(events, dtype=float)
    n = np.asarray(n, dtype=float)
    z = stats.norm.ppf(0.5 + conf_level / 2)
    p = x / n
    denom = 1 + z**2 / n
    centre = (p + z**2 / (2 * n)) / denom
    half = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / denom
    return np.clip(centre - half, 0, 1), np.clip(centre + half, 0, 1)


def clopper_pearson_interval(events, n, conf_level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Exact (Clopper-Pearson) interval from beta quantiles (arrays broadcast).

    Examples
    --------
    >>> lo, hi = clopper_pearson_interval(0, 20)
    >>> float(lo), round(float(hi), 4)
    (0.0, 0.1684)
    """
    x = np.asarray(events, dtype=float)
    n = np.asarray(n, dtype=float)
    a = (1 - conf_level) / 2
    with np.errstate(invalid="ignore"):
        lo = np.where(x > 0, stats.beta.ppf(a, x, n - x + 1), 0.0)
        hi = np.where(x < n, stats.beta.ppf(1 - a, x + 1, n - x), 1.0)
    return lo, hi
