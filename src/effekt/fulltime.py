"""Full-time equivalents (fuldtidspersoner) and DKK from an effect, with the CI carried through.

Municipal committees count *full-time persons on public support* (fuldtidspersoner): 52
weeks on benefit is one full-time person for a year; a programme that moves 1,000
participants' share on support down by 2 pp has 20 fewer full-time persons on support.
The IPS note speaks of "2.9 more weeks in work or education" and a societal saving of
72,000 DKK per citizen. The functions here turn an :class:`~effekt.results.EffectResult`
on weeks or on shares into these units. Both transformations are linear, so the estimate,
the standard error and both confidence limits are simply scaled (limits swap when the
factor is negative) and the p-value is unchanged.

Assumptions are explicit arguments: ``replacement`` is the number of weeks *off support*
per extra week in work (1 = every extra week in work is a week less on benefit; lower it for
part-time work on top of benefit, as with the "paid hours" of the STAR notes, where people
keep part of their benefit).

Examples
--------
>>> from effekt.results import effect_from_normal
>>> from effekt.fulltime import benefit_savings, full_time_persons
>>> ips = effect_from_normal(2.9, 1.2, 0.95, method="Welch", scale="mean", unit="weeks",
...                          label="IPS vs usual service")
>>> fte = full_time_persons(ips, participants=1_000, period_weeks=78)
>>> round(fte.estimate, 1), [round(x, 1) for x in fte.ci]
(-37.2, [-67.3, -7.0])
>>> dkk = benefit_savings(ips, rate=3_500)   # an assumed benefit of 3,500 DKK a week
>>> round(dkk.estimate), [round(x) for x in dkk.ci]
(10150, [1918, 18382])

The benefit channel alone gives about 10,000 DKK per citizen at that rate; the note's 72,000
DKK is a broader societal estimate (its cost model is not reproduced here). At 3,500 DKK a
week it would take 72,000 / 3,500 = 20.6 weeks off benefit per citizen.
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Literal

import numpy as np

from ._validate import argument_error, check_choice, check_number
from .errors import EffektError
from .results import EffectResult

__all__ = ["full_time_persons", "benefit_savings", "scale_effect", "WEEKS_PER_YEAR"]

#: Weeks in a year of full-time support: one full-time person = 52 weeks on benefit.
WEEKS_PER_YEAR = 52.0
_UNIT_WEEKS = {
    "week": 1.0,
    "weeks": 1.0,
    "month": WEEKS_PER_YEAR / 12,
    "months": WEEKS_PER_YEAR / 12,
    "day": 1 / 7,
    "days": 1 / 7,
    "year": WEEKS_PER_YEAR,
    "years": WEEKS_PER_YEAR,
}
_RATE_PER = {"week": 1.0, "month": WEEKS_PER_YEAR / 12, "year": WEEKS_PER_YEAR}


def scale_effect(
    result: EffectResult,
    factor: float,
    *,
    unit_label: str,
    estimand: str,
    method: str,
    label: str | None = None,
) -> EffectResult:
    """An :class:`EffectResult` multiplied by ``factor``: estimate, SE and limits scaled, p kept.

    Parameters
    ----------
    result : EffectResult
        The effect to rescale.
    factor : float
        Number to multiply by (the limits swap when it is negative); finite and not 0.
    unit_label : str
        Unit of the rescaled effect ("DKK", "full-time persons").
    estimand, method : str
        What the rescaled effect is, and how it was rescaled (appended to the method).
    label : str, optional
        Label of the result (default: the input's).

    Returns
    -------
    EffectResult
        ``scale="mean"``; arm means and the relative change are dropped.

    Examples
    --------
    >>> from effekt.results import effect_from_normal
    >>> base = effect_from_normal(2.0, 0.5, 0.95, method="Welch", scale="mean")
    >>> r = scale_effect(base, -10, unit_label="DKK",
    ...                  estimand="cost", method="x")
    >>> r.estimate, round(r.ci[0], 2), round(r.ci[1], 2)
    (-20.0, -29.8, -10.2)
    """
    if not isinstance(result, EffectResult):
        raise argument_error(
            "scale_effect",
            "result",
            "an EffectResult (from rct, matching, duration or did)",
            type(result).__name__,
        )
    effect = result
    for name, text in (("unit_label", unit_label), ("estimand", estimand), ("method", method)):
        if not isinstance(text, str):
            raise argument_error("scale_effect", name, "a string", text)
    if label is not None and not isinstance(label, str):
        raise argument_error("scale_effect", "label", "a string or None", label)
    factor = check_number(factor, "factor", "scale_effect")
    if factor == 0:
        raise argument_error(
            "scale_effect",
            "factor",
            "a non-zero number (an effect scaled by 0 is no estimate of anything)",
            factor,
        )
    lo, hi = sorted((factor * effect.ci[0], factor * effect.ci[1]))
    before = (effect.estimate, *effect.ci)
    after = (factor * effect.estimate, lo, hi)
    if any(math.isfinite(b) and not math.isfinite(a) for b, a in zip(before, after, strict=True)):
        raise argument_error(
            "scale_effect", "factor", "small enough for the scaled effect to be finite", factor
        )
    return replace(
        effect,
        estimate=factor * effect.estimate,
        std_error=abs(factor) * effect.std_error,
        ci=(lo, hi),
        statistic=None if effect.statistic is None else float(np.sign(factor) * effect.statistic),
        scale="mean",
        unit=unit_label,
        mean_treated=None,
        mean_control=None,
        relative_change=float("nan"),
        relative_change_ci=None,
        estimand=estimand,
        method=f"{effect.method}; {method}",
        label=label if label is not None else effect.label,
        extra={**dict(effect.extra), "factor": factor, "source_estimate": effect.estimate},
    )


def _support_weeks_factor(
    effect: EffectResult, func: str, period_weeks: float | None, effect_on: str, replacement: float
) -> float:
    """Factor turning the effect into the change in weeks on support per participant."""
    if not isinstance(effect, EffectResult):
        raise argument_error(
            func,
            "result",
            "an EffectResult (from rct, matching, duration or did)",
            type(effect).__name__,
        )
    check_choice(effect_on, "effect_on", func, ("work", "support"))
    replacement = check_number(replacement, "replacement", func, low=0, high=1, low_open=True)
    if effect.scale == "proportion":
        if period_weeks is None:
            raise EffektError(
                f"{func}(): the effect is on a share; pass period_weeks= (the weeks over which "
                "the share is "
                "averaged, e.g. 78) to turn it into weeks per participant."
            )
        to_weeks = float(period_weeks)
    else:
        unit = (effect.unit or "").strip().lower()
        if unit not in _UNIT_WEEKS:
            raise EffektError(
                f"{func}(): the effect's unit is {effect.unit!r}; it must be a time (weeks, "
                "months, days, years) or the effect must be on a share. Convert the outcome to "
                "weeks first, or, for a Trajectory.cumulative() sum over periods of known "
                "length, pass cumulative(unit_label='weeks') or unit_label='months'."
            )
        to_weeks = _UNIT_WEEKS[unit]
    return -replacement * to_weeks if effect_on == "work" else to_weeks


def full_time_persons(
    result: EffectResult,
    *,
    participants: float = 1.0,
    period_weeks: float | None = None,
    effect_on: Literal["work", "support"] = "work",
    replacement: float = 1.0,
) -> EffectResult:
    """Change in full-time persons on public support (fuldtidspersoner) implied by an effect.

    Parameters
    ----------
    result : EffectResult
        An effect on weeks (``scale="mean"``, unit weeks/months/days: e.g. 2.9 more weeks in
        work) or on a share averaged over ``period_weeks`` (``scale="proportion"``).
    participants : float
        Number of participants the effect applies to.
    period_weeks : float, optional
        Length of the period the effect covers (78 weeks for 18 months). Without it the
        result is in full-time person-*years* (weeks / 52).
    effect_on : {"work", "support"}
        Whether the effect is on time in work/education (fewer weeks on support) or on time
        on public support itself.
    replacement : float
        Weeks off support per extra week in work (above 0, at most 1), for ``effect_on="work"``.

    Returns
    -------
    EffectResult
        Negative = fewer full-time persons on support. ``unit="full-time persons"`` (average
        over the period) or ``"full-time person-years"``.

    Notes
    -----
    ``FTE = s x Delta_weeks x participants / D`` with ``s = -replacement`` for work outcomes
    (``+1`` for support outcomes), ``Delta_weeks`` the effect in weeks per participant
    (``effect x period_weeks`` for a share) and ``D = period_weeks`` (or 52 for person-years).

    Examples
    --------
    >>> from effekt.results import effect_from_normal
    >>> # an effect on the share on public support
    >>> share = effect_from_normal(-0.02, 0.008, 0.95, method="Welch", scale="proportion")
    >>> r = full_time_persons(share, participants=1_000, period_weeks=52, effect_on="support")
    >>> round(r.estimate, 1), r.unit
    (-20.0, 'full-time persons')
    """
    func = "full_time_persons"
    participants = check_number(participants, "participants", func, low=0, low_open=True)
    if period_weeks is not None:
        period_weeks = check_number(period_weeks, "period_weeks", func, low=0, low_open=True)
    f = _support_weeks_factor(result, func, period_weeks, effect_on, replacement)
    denom = period_weeks if period_weeks is not None else WEEKS_PER_YEAR
    unit = "full-time persons" if period_weeks is not None else "full-time person-years"
    over = f" over {period_weeks:g} weeks" if period_weeks is not None else ""
    return scale_effect(
        result,
        f * participants / denom,
        unit_label=unit,
        estimand="change in full-time persons on support",
        method=f"x {f * participants / denom:.6g} ({participants:g} participants{over}, "
        f"replacement {replacement:g})",
    )


def benefit_savings(
    result: EffectResult,
    *,
    rate: float,
    rate_per: Literal["week", "month", "year"] = "week",
    participants: float = 1.0,
    period_weeks: float | None = None,
    effect_on: Literal["work", "support"] = "work",
    replacement: float = 1.0,
) -> EffectResult:
    """Saving in benefit payments (DKK) implied by an effect; positive = the public saves.

    Parameters
    ----------
    result : EffectResult
        Effect on weeks (in work or on support) or on a share averaged over ``period_weeks``.
    rate : float
        Benefit paid per ``rate_per`` (DKK), e.g. a weekly cash-benefit rate.
    rate_per : {"week", "month", "year"}
    participants : float
        1 gives DKK per participant (the notes' "per citizen").
    period_weeks : float, optional
        Needed when the effect is on a share.
    effect_on : {"work", "support"}
        Whether the effect is on time in work/education or on time on public support.
    replacement : float
        Weeks off support per extra week in work.

    Returns
    -------
    EffectResult
        ``unit="DKK"``; the estimate and CI scaled, the p-value unchanged.

    Notes
    -----
    ``saving = -Delta_support_weeks x rate_per_week x participants``; only the benefit
    channel, not taxes, health or other costs that a societal cost model includes.

    Examples
    --------
    >>> from effekt.results import effect_from_normal
    >>> weeks = effect_from_normal(2.9, 1.2, 0.95, method="Welch", scale="mean", unit="weeks")
    >>> r = benefit_savings(weeks,
    ...                     rate=15_000, rate_per="month", participants=243)
    >>> round(r.estimate / 1e6, 2), r.unit
    (2.44, 'DKK')
    """
    func = "benefit_savings"
    rate = check_number(rate, "rate", func, low=0, low_open=True)
    check_choice(rate_per, "rate_per", func, tuple(_RATE_PER))
    participants = check_number(participants, "participants", func, low=0, low_open=True)
    if period_weeks is not None:
        period_weeks = check_number(period_weeks, "period_weeks", func, low=0, low_open=True)
    f = _support_weeks_factor(result, func, period_weeks, effect_on, replacement)
    weekly = rate / _RATE_PER[rate_per]
    factor = -f * weekly * participants
    return scale_effect(
        result,
        factor,
        unit_label="DKK",
        estimand="saving in benefit payments",
        method=f"x {factor:.6g} DKK ({rate:g} DKK per {rate_per}, {participants:g} participants, "
        f"replacement {replacement:g})",
    )
