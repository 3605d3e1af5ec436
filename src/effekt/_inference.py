"""One inference core: an estimate and its standard error to a Wald/t interval and p-value.

Every estimator whose interval is ``estimate ± q · SE`` goes through :func:`wald`, so that
all of them treat the corner cases alike:

* a NaN or infinite estimate or SE gives a NaN statistic and p-value (never 0 or 1), a
  NaN interval and an :class:`~effekt.errors.UndefinedValueWarning`;
* an SE of 0 gives a zero-width interval, a statistic of 0 and p = 1 when the estimate is 0,
  and an infinite statistic with p = 0 otherwise;
* ``df`` selects the t distribution (``None``: the standard normal).

Significance is not decided here: effekt calls an effect significant when its interval
excludes 0 (:attr:`effekt.results.EffectResult.significant`).

Examples
--------
>>> w = wald(0.04, 0.02, 0.95)
>>> round(w.ci[0], 4), round(w.ci[1], 4), round(w.pvalue, 4)
(0.0008, 0.0792, 0.0455)
>>> import warnings
>>> with warnings.catch_warnings():
...     warnings.simplefilter("ignore")  # an UndefinedValueWarning
...     print(wald(0.04, float("nan"), 0.95).pvalue)
nan
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np
from scipy import stats

from .errors import UndefinedValueWarning

__all__ = ["Wald", "critical_value", "wald", "wald_arrays"]


@dataclass(frozen=True)
class Wald:
    """The pieces of a Wald/t inference: interval, p-value, statistic and critical value."""

    ci: tuple[float, float]
    pvalue: float
    statistic: float
    critical_value: float
    df: float | None


def critical_value(conf_level: float, df: float | None = None) -> float:
    """The ``(1 + conf_level) / 2`` quantile of N(0, 1), or of t(df) when ``df`` is given.

    Examples
    --------
    >>> round(critical_value(0.95), 4), round(critical_value(0.95, df=10), 4)
    (1.96, 2.2281)
    """
    if df is None:
        return float(stats.norm.ppf(0.5 + conf_level / 2))
    return float(stats.t.ppf(0.5 + conf_level / 2, df))


def _statistic(estimate: float, std_error: float) -> float:
    if not (math.isfinite(estimate) and math.isfinite(std_error)):
        return math.nan
    if std_error > 0:
        return estimate / std_error
    return 0.0 if estimate == 0 else math.copysign(math.inf, estimate)


def _two_sided_p(z: float, df: float | None) -> float:
    if math.isnan(z):
        return math.nan
    return float(2 * (stats.norm.sf(abs(z)) if df is None else stats.t.sf(abs(z), df)))


def wald(estimate: float, std_error: float, conf_level: float, df: float | None = None) -> Wald:
    """Wald (``df=None``) or t interval and two-sided p-value for "the effect is 0".

    Parameters
    ----------
    estimate, std_error : float
        The estimate and its standard error.
    conf_level : float
        Confidence level of the interval.
    df : float, optional
        Degrees of freedom of a t reference distribution.

    Returns
    -------
    Wald
        ``ci``, ``pvalue``, ``statistic``, ``critical_value`` and ``df``.

    Notes
    -----
    ``ci = estimate ± q · std_error`` with ``q`` from :func:`critical_value`; the statistic
    is ``estimate / std_error`` and ``p = 2 P(|T| > |statistic|)``.

    Examples
    --------
    >>> w = wald(1.0, 0.5, 0.95, df=20)
    >>> round(w.statistic, 2), round(w.pvalue, 4)
    (2.0, 0.0593)
    """
    estimate, std_error = float(estimate), float(std_error)
    if not (math.isfinite(estimate) and math.isfinite(std_error)):
        warnings.warn(
            f"The estimate ({estimate:g}) or its standard error ({std_error:g}) is not finite: "
            "the interval and p-value are NaN (see the note in the result's summary()).",
            UndefinedValueWarning,
            stacklevel=3,
        )
    q = critical_value(conf_level, df)
    z = _statistic(estimate, std_error)
    if math.isfinite(estimate) and math.isfinite(std_error):
        ci = (estimate - q * std_error, estimate + q * std_error)
    else:
        ci = (math.nan, math.nan)
    return Wald(ci=ci, pvalue=_two_sided_p(z, df), statistic=z, critical_value=q, df=df)


def wald_arrays(
    estimate: np.ndarray, std_error: np.ndarray, conf_level: float, df: float | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Vectorised :func:`wald`: ``(ci_low, ci_high, pvalue)`` for arrays of estimates.

    The same corner-case rules apply element by element.

    Examples
    --------
    >>> lo, hi, p = wald_arrays(np.array([0.04, 0.0]), np.array([0.02, 0.0]), 0.95)
    >>> np.round(p, 4).tolist()
    [0.0455, 1.0]
    """
    est = np.asarray(estimate, dtype=float)
    se = np.asarray(std_error, dtype=float)
    q = critical_value(conf_level, df)
    finite = np.isfinite(est) & np.isfinite(se)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(se > 0, est / np.where(se > 0, se, 1.0), np.sign(est) * np.inf)
    z = np.where(finite & (se == 0) & (est == 0), 0.0, z)
    z = np.where(finite, z, np.nan)
    tail = stats.norm.sf(np.abs(z)) if df is None else stats.t.sf(np.abs(z), df)
    p = np.where(np.isnan(z), np.nan, 2 * tail)
    lo = np.where(finite, est - q * se, np.nan)
    hi = np.where(finite, est + q * se, np.nan)
    return lo, hi, p
