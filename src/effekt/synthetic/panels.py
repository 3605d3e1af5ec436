"""Generators for durations, weekly panels and municipality panels, each stating its truth.

* :func:`jobrotation` -- time to unsubsidised job (weeks), censored at 23 months; the true
  restricted-mean difference is ``JOBROTATION_TRUE_RMST_DIFFERENCE`` = -2.5 weeks (temps
  find work 2.5 weeks sooner on average over the first 23 months, KORA 2014: "2-3 weeks").
* :func:`ips_weeks` -- IPS trial, three arms: weeks in work or education over 78 weeks; the
  IPS arms have ``IPS_TRUE_WEEKS_DIFFERENCE`` = 2.9 more weeks in expectation, and 60 % vs
  46.5 % are ever in work or education.
* :func:`jobfirst_panel` -- JobFirst trial, 15 municipalities, weekly panel of paid hours:
  12 % vs 7 % with paid hours at week 35, 5 vs 3 hours per week at week 78.
* :func:`municipality_panel` -- municipality x month counts (Jobindsats style) whose group
  shares reproduce the start and end shares of the STAR note of March 2020 (section 3 of the
  reference in docs/studies.md) for participating municipalities vs the rest of the country.

Examples
--------
>>> from effekt.synthetic.panels import municipality_panel
>>> df = municipality_panel("hir", seed=1)
>>> sorted(df.columns)[:4]
['benefit', 'count', 'denominator', 'event_time']
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy import optimize, special

from .._validate import argument_error, check_choice, check_number, check_seed
from ..studies import star2020_shares

__all__ = [
    "jobrotation",
    "jobrotation_truth",
    "ips_weeks",
    "jobfirst_panel",
    "municipality_panel",
    "STAR2020_SHARES",
    "JOBROTATION_HORIZON",
    "JOBROTATION_TRUE_RMST_DIFFERENCE",
    "IPS_TRUE_WEEKS_DIFFERENCE",
    "JOBFIRST_SHARE_WEEK35",
    "JOBFIRST_HOURS_WEEK78",
]

# ----------------------------------------------------------------------------- job rotation
#: Follow-up of the job-rotation study: 23 months in weeks.
JOBROTATION_HORIZON = 23 * 52 / 12
#: True difference (treated minus control) in restricted mean weeks without an unsubsidised
#: job during the first 23 months.
JOBROTATION_TRUE_RMST_DIFFERENCE = -2.5
_JR_CONTROL_MEDIAN = 35.0  # weeks, control arm without censoring
_JR_LOCK_IN_WEEKS = 12.0  # rotation period with reduced job search
_JR_LOCK_IN_RATIO = 0.4  # hazard ratio during lock-in


def _jr_rmst(
    h: float, lock_ratio: float, after_ratio: float, horizon: float, lock: float
) -> tuple[float, float]:
    control = (1 - np.exp(-h * horizon)) / h
    h1 = lock_ratio * h
    part1 = (1 - np.exp(-h1 * lock)) / h1
    h2 = after_ratio * h
    part2 = np.exp(-h1 * lock) * (1 - np.exp(-h2 * (horizon - lock))) / h2
    return part1 + part2, control


def jobrotation_truth(
    rmst_difference: float = JOBROTATION_TRUE_RMST_DIFFERENCE,
) -> dict[str, float]:
    """Parameters of the job-rotation generator that give ``rmst_difference`` at 23 months.

    Returns the control hazard per week, the lock-in and post-lock-in hazard ratios and both
    arms' true restricted means.

    Examples
    --------
    >>> t = jobrotation_truth()
    >>> round(float(t["rmst_treated"] - t["rmst_control"]), 10)
    -2.5
    """
    h = np.log(2) / _JR_CONTROL_MEDIAN
    H, L, a = JOBROTATION_HORIZON, _JR_LOCK_IN_WEEKS, _JR_LOCK_IN_RATIO

    def gap(b: float) -> float:
        t, c = _jr_rmst(h, a, b, H, L)
        return t - c - rmst_difference

    b = optimize.brentq(gap, 0.05, 50.0, xtol=1e-14)
    t, c = _jr_rmst(h, a, b, H, L)
    return {
        "hazard_control": h,
        "lock_in_ratio": a,
        "lock_in_weeks": L,
        "after_ratio": b,
        "rmst_treated": t,
        "rmst_control": c,
        "horizon": H,
    }


def jobrotation(
    *,
    n_treated: int = 2000,
    n_control: int = 2000,
    rmst_difference: float = JOBROTATION_TRUE_RMST_DIFFERENCE,
    dropout_per_week: float = 0.002,
    seed: int | None = 0,
) -> pd.DataFrame:
    """Time to unsubsidised job for job-rotation temps and comparable non-participants.

    Data-generating process: the control arm finds an unsubsidised job at a constant hazard
    ``h = log 2 / 35`` per week (median 35 weeks). Temps have hazard ``0.4 h`` during a
    12-week lock-in (the rotation) and ``b h`` afterwards, with ``b`` solved so that the true
    difference in restricted mean weeks without a job over 23 months (99.67 weeks) is
    ``rmst_difference`` (default ``JOBROTATION_TRUE_RMST_DIFFERENCE = -2.5``: 2.5 weeks
    faster). Persons drop out (move, retire) at rate ``dropout_per_week`` and everyone is
    censored at 23 months.

    Parameters
    ----------
    n_treated, n_control : int
    rmst_difference : float
        True treated-minus-control restricted mean difference (weeks) at 23 months.
    dropout_per_week : float
        Rate of independent censoring.
    seed : int or None, default 0
        Randomness (``None``: fresh entropy).

    Returns
    -------
    DataFrame
        ``person``, ``jobrotation`` (1 = temp), ``weeks`` (time to job or censoring),
        ``job`` (1 = found an unsubsidised job at ``weeks``, 0 = censored).

    Examples
    --------
    >>> df = jobrotation(n_treated=5, n_control=5, seed=1)
    >>> df.columns.tolist()
    ['person', 'jobrotation', 'weeks', 'job']
    """
    n1 = int(check_number(n_treated, "n_treated", "jobrotation", low=1, integer=True))
    n0 = int(check_number(n_control, "n_control", "jobrotation", low=1, integer=True))
    truth = jobrotation_truth(rmst_difference)
    rng = check_seed(seed, "jobrotation")
    h, a, b, L, H = (
        truth[k]
        for k in ("hazard_control", "lock_in_ratio", "after_ratio", "lock_in_weeks", "horizon")
    )
    e1 = rng.exponential(1.0, n1)  # cumulative hazard at the event
    lock_cum = a * h * L
    t1 = np.where(e1 <= lock_cum, e1 / (a * h), L + (e1 - lock_cum) / (b * h))
    t0 = rng.exponential(1 / h, n0)
    t = np.concatenate([t1, t0])
    drop = (
        rng.exponential(1 / dropout_per_week, n1 + n0)
        if dropout_per_week > 0
        else np.full(n1 + n0, np.inf)
    )
    cens = np.minimum(drop, H)
    return pd.DataFrame(
        {
            "person": np.arange(1, n1 + n0 + 1),
            "jobrotation": np.r_[np.ones(n1, int), np.zeros(n0, int)],
            "weeks": np.minimum(t, cens),
            "job": (t <= cens).astype(int),
        }
    )


# ----------------------------------------------------------------------------- IPS
#: True difference in expected weeks in work or education over 78 weeks (IPS arms vs control).
IPS_TRUE_WEEKS_DIFFERENCE = 2.9
_IPS_EVER = {"IPS": 0.60, "IPSE": 0.60, "control": 0.465}
_IPS_N = {"IPS": 243, "IPSE": 238, "control": 239}


def ips_weeks(
    *,
    n: dict[str, int] | None = None,
    weeks: int = 78,
    arms: tuple[str, ...] = ("IPS", "IPSE", "control"),
    long: bool = False,
    seed: int | None = 0,
) -> pd.DataFrame:
    """IPS / Projekt Inklusion: weeks in work or education over 18 months, three arms.

    Data-generating process: a person in arm ``a`` is ever in work or education within
    ``weeks`` weeks with probability ``q_a`` (IPS and IPSE 0.60, control 0.465). Such a person
    starts in week ``S ~ Uniform{1..weeks}``, is in work that week and afterwards each week
    independently with probability ``pi``. Expected weeks are ``q_a (1 + pi (weeks - 1)/2)``;
    ``pi`` is set so that the IPS-vs-control difference is
    ``IPS_TRUE_WEEKS_DIFFERENCE = 2.9`` weeks at 78 weeks.

    Parameters
    ----------
    n : dict, optional
        Persons per arm; default the trial's referrals (243, 238, 239).
    weeks : int
        Follow-up in weeks (78 = 18 months).
    arms : tuple of str
        Which arms to return (a subset of "IPS", "IPSE", "control").
    long : bool
        Return the weekly panel (``person, arm, week, in_work``) instead of one row per person.
    seed : int or None, default 0
        Randomness (``None``: fresh entropy).

    Returns
    -------
    DataFrame
        ``person, arm, weeks_in_work, ever_in_work`` (or the weekly panel when ``long``).

    Examples
    --------
    >>> df = ips_weeks(seed=1)
    >>> df.groupby("arm").size().to_dict()
    {'IPS': 243, 'IPSE': 238, 'control': 239}
    """
    func = "ips_weeks"
    weeks = int(check_number(weeks, "weeks", func, low=2, integer=True))
    for a in arms:
        check_choice(a, "arms", func, tuple(_IPS_EVER))
    sizes = {**_IPS_N, **(n or {})}
    diff_ever = _IPS_EVER["IPS"] - _IPS_EVER["control"]
    pi = (IPS_TRUE_WEEKS_DIFFERENCE * 78 / weeks / diff_ever - 1) / ((weeks - 1) / 2)
    pi = min(max(pi, 0.0), 1.0)
    rng = check_seed(seed, "ips_weeks")
    arm = np.concatenate([[a] * int(sizes[a]) for a in arms])
    P = len(arm)
    q = np.array([_IPS_EVER[a] for a in arm])
    ever = rng.random(P) < q
    start = rng.integers(1, weeks + 1, P)
    week = np.arange(1, weeks + 1)
    status = (week[None, :] == start[:, None]) | (
        (week[None, :] > start[:, None]) & (rng.random((P, weeks)) < pi)
    )
    status &= ever[:, None]
    person = np.arange(1, P + 1)
    if long:
        return pd.DataFrame(
            {
                "person": np.repeat(person, weeks),
                "arm": np.repeat(arm, weeks),
                "week": np.tile(week, P),
                "in_work": status.ravel().astype(int),
            }
        )
    return pd.DataFrame(
        {
            "person": person,
            "arm": arm,
            "weeks_in_work": status.sum(axis=1),
            "ever_in_work": ever.astype(int),
        }
    )


# ----------------------------------------------------------------------------- JobFirst
#: Share with ordinary paid hours at week 35 (treated, control).
JOBFIRST_SHARE_WEEK35 = {"treated": 0.12, "control": 0.07}
#: Mean ordinary paid hours per week at week 78 (treated, control): +2 hours, +67 %.
JOBFIRST_HOURS_WEEK78 = {"treated": 5.0, "control": 3.0}
_JF_HOURS_IF_WORKING = 25.0
_JF_KNOTS = np.array([0.0, 35.0, 78.0])


def _jobfirst_share(week: np.ndarray, treated: bool) -> np.ndarray:
    g = "treated" if treated else "control"
    at78 = JOBFIRST_HOURS_WEEK78[g] / _JF_HOURS_IF_WORKING
    return np.interp(week, _JF_KNOTS, [0.03, JOBFIRST_SHARE_WEEK35[g], at78])


def jobfirst_panel(
    *,
    n_persons: int = 4800,
    n_municipalities: int = 15,
    weeks: int = 78,
    persistence: float = 0.9,
    municipality_sd: float = 0.2,
    seed: int | None = 0,
) -> pd.DataFrame:
    """JobFirst trial: weekly panel of ordinary paid hours in 15 municipalities.

    Data-generating process: persons are randomised 1:1 within municipality. The share with
    paid hours in week ``t`` is piecewise linear in ``t``: 3 % at the start for both arms,
    ``JOBFIRST_SHARE_WEEK35`` = 12 % (treated) vs 7 % (control) at week 35, and 20 % vs 12 %
    at week 78 (constant afterwards). A person has paid hours when a latent
    ``z_it = sqrt(1 - s^2) u_it + s m_j`` falls below ``Phi^{-1}(share)``, with ``u_it`` an
    AR(1) with coefficient ``persistence`` (spells of work) and ``m_j`` a municipality effect;
    ``z_it ~ N(0, 1)``, so the expected shares are exactly the stated ones. Hours when working
    are Gamma with mean 25, so mean hours per week at week 78 are
    ``JOBFIRST_HOURS_WEEK78`` = 5.0 vs 3.0 (+2 hours, +67 %).

    Parameters
    ----------
    n_persons : int
        Persons in total (about 2,400 per arm in the trial).
    n_municipalities : int
    weeks : int
        Weeks of follow-up (1..weeks).
    persistence : float
        AR(1) coefficient of the latent status (0 = independent weeks).
    municipality_sd : float
        ``s``: share of latent variance due to the municipality, as a standard deviation.
    seed : int or None, default 0
        Randomness (``None``: fresh entropy).

    Returns
    -------
    DataFrame
        ``person, municipality, jobfirst (0/1), week, paid_hours (0/1), hours``.

    Examples
    --------
    >>> df = jobfirst_panel(n_persons=100, weeks=4, seed=1)
    >>> df.shape
    (400, 6)
    """
    func = "jobfirst_panel"
    P = int(check_number(n_persons, "n_persons", func, low=4, integer=True))
    J = int(check_number(n_municipalities, "n_municipalities", func, low=1, integer=True))
    T = int(check_number(weeks, "weeks", func, low=1, integer=True))
    rho = check_number(persistence, "persistence", func, low=0, high=1, high_open=True)
    s = check_number(municipality_sd, "municipality_sd", func, low=0, high=1, high_open=True)
    rng = check_seed(seed, "jobfirst_panel")
    muni = np.sort(rng.integers(0, J, P))
    treated = np.zeros(P, dtype=bool)
    for j in range(J):  # 1:1 randomisation within municipality (loop over 15 municipalities)
        idx = np.flatnonzero(muni == j)
        treated[rng.permutation(idx)[: len(idx) // 2 + (rng.random() < 0.5) * (len(idx) % 2)]] = (
            True
        )
    m = rng.standard_normal(J)
    u = np.empty((P, T))
    u[:, 0] = rng.standard_normal(P)
    eps = rng.standard_normal((P, T))
    for k in range(1, T):  # recursion over weeks, vectorised over persons
        u[:, k] = rho * u[:, k - 1] + np.sqrt(1 - rho**2) * eps[:, k]
    z = np.sqrt(1 - s**2) * u + s * m[muni][:, None]
    week = np.arange(1, T + 1)
    thr = np.where(
        treated[:, None],
        special.ndtri(_jobfirst_share(week, True))[None, :],
        special.ndtri(_jobfirst_share(week, False))[None, :],
    )
    status = z < thr
    hours = np.where(status, rng.gamma(4.0, _JF_HOURS_IF_WORKING / 4.0, (P, T)), 0.0)
    return pd.DataFrame(
        {
            "person": np.repeat(np.arange(1, P + 1), T),
            "municipality": np.repeat(np.array([f"K{j + 1:02d}" for j in range(J)])[muni], T),
            "jobfirst": np.repeat(treated.astype(int), T),
            "week": np.tile(week, P),
            "paid_hours": status.ravel().astype(int),
            "hours": hours.ravel(),
        }
    )


# ----------------------------------------------------------------------------- municipalities
#: The shares of the STAR note of March 2020 (participating municipalities vs the rest), with
#: the projects' first and last months: :func:`effekt.studies.star2020_shares`, the package's
#: one copy of them. Calibration data for :func:`municipality_panel`.
STAR2020_SHARES = star2020_shares()

# Denominators (persons) at the start and end: participating vs rest. BRF's come from the
# note's counts (36 of 0.6 % -> 6,000; 140 of 2.0 % -> 7,000; country 142 -> 425). The others
# are assumptions of this generator, sized like the national figures of the note
# (~70,000 -> ~55,000 activity-ready cash-benefit recipients; ~20,000 -> ~23,000 in
# resource course).
_DENOMINATORS = {
    ("stv", "cash"): ((17_500, 52_500), (13_750, 41_250)),
    ("stv", "resource"): ((5_000, 15_000), (5_750, 17_250)),
    ("brf", "resource"): ((6_000, 26_500), (7_000, 19_000)),
    ("hir", "resource"): ((3_300, 18_700), (3_450, 19_550)),
}
_N_PARTICIPATING = {"stv": 20, "brf": 14, "hir": 15}  # HIR: 15 (note); STV, BRF: assumed


def _allocate(total: int, p: np.ndarray) -> np.ndarray:
    """Integers summing exactly to ``total``, proportional to ``p`` (largest remainders)."""
    raw = total * p / p.sum()
    base = np.floor(raw).astype(np.int64)
    rest = total - base.sum()
    base[np.argsort(-(raw - base), kind="stable")[:rest]] += 1
    return base


def municipality_panel(
    project: Literal["stv", "brf", "hir"] = "hir",
    outcome_kind: Literal["company", "paid_hours"] = "company",
    benefit: Literal["cash", "resource"] = "resource",
    *,
    pre_months: int = 12,
    n_municipalities: int = 98,
    n_participating: int | None = None,
    municipality_sd: float = 0.25,
    seed: int | None = 0,
) -> pd.DataFrame:
    """Municipality x month counts whose group shares reproduce the STAR note (March 2020).

    Data-generating process: each group (participating municipalities, the rest) has an
    exact share path: ``pre_months`` months before the start it follows the rest-of-country
    trend backwards in parallel (no pre-trend by construction), and from the project's first
    to its last month it moves linearly between the note's start and end shares
    (``STAR2020_SHARES``). Municipality j's share is the group share times
    ``exp(municipality_sd u_j + 0.1 municipality_sd e_jt)``, normalised so that the group's
    expected share is the path: municipalities differ persistently and month to month.
    In the project's first and last months -- the two the note reports -- the group's count
    is exactly ``round(share x group denominator)``, spread over its municipalities by a
    multinomial draw with these probabilities, so the group share equals the published one
    to within ``0.5 / denominator`` (< 0.01 pp); in other months each municipality's count
    is binomial. Municipality sizes are log-normal. The change in gaps between the first and
    last project month is the note's (e.g. HIR: 2.5 pp -> 5.6 pp).

    Parameters
    ----------
    project : {"stv", "brf", "hir"}
        Særligt Tilrettelagt Virksomhedsforløb, Bedre Ressourceforløb, Håndholdt indsats i
        ressourceforløb.
    outcome_kind : {"company", "paid_hours"}
        Company-directed effort (internship or wage subsidy) or paid hours (the ``outcome``
        column of the result).
    benefit : {"cash", "resource"}
        Activity-ready cash benefit or resource course (only STV reports cash benefit).
    pre_months : int
        Months before the project start.
    n_municipalities : int
        Municipalities in the country (98).
    n_participating : int, optional
        Participating municipalities (HIR: 15 per the note; STV 20 and BRF 14 are assumptions).
    municipality_sd : float
        Spread of persistent municipality differences (log scale of the share).
    seed : int or None, default 0
        Randomness (``None``: fresh entropy).

    Returns
    -------
    DataFrame
        ``municipality, month`` (pandas Period), ``event_time`` (months since the start),
        ``participating`` (0/1), ``post`` (1 after the first project month), ``period``
        ("pre", "start", "during", "end"), ``count, denominator, share, project, outcome,
        benefit``.

    Examples
    --------
    >>> df = municipality_panel("hir", "company", seed=3)
    >>> start = df[df["period"] == "start"].groupby("participating")[["count", "denominator"]].sum()
    >>> (start["count"] / start["denominator"]).round(3).tolist()
    [0.159, 0.184]
    """
    func = "municipality_panel"
    check_choice(project, "project", func, ("stv", "brf", "hir"))
    check_choice(outcome_kind, "outcome_kind", func, ("company", "paid_hours"))
    check_choice(benefit, "benefit", func, ("cash", "resource"))
    shares = star2020_shares()
    row = shares[
        (shares.project == project) & (shares.outcome == outcome_kind) & (shares.benefit == benefit)
    ]
    if row.empty:
        raise argument_error(
            func,
            "benefit",
            f"'resource' for project {project!r} (the note reports no other group)",
            benefit,
        )
    r = row.iloc[0]
    pre = int(check_number(pre_months, "pre_months", func, low=0, integer=True))
    J = int(check_number(n_municipalities, "n_municipalities", func, low=4, integer=True))
    K = (
        _N_PARTICIPATING[project]
        if n_participating is None
        else int(
            check_number(n_participating, "n_participating", func, low=1, high=J - 1, integer=True)
        )
    )
    sd = check_number(municipality_sd, "municipality_sd", func, low=0)
    start, end = pd.Period(r.start, "M"), pd.Period(r.end, "M")
    n_proj = (end - start).n
    event_time = np.arange(-pre, n_proj + 1)
    share, denom_total = _group_paths(r, event_time, n_proj, _DENOMINATORS[(project, benefit)])
    rng = check_seed(seed, "municipality_panel")
    participating, count, denom = _municipality_counts(
        rng, J, K, sd, event_time, n_proj, share, denom_total
    )
    T = len(event_time)
    names = np.array([f"M{j + 1:03d}" for j in range(J)])
    period = np.where(
        event_time < 0,
        "pre",
        np.where(event_time == 0, "start", np.where(event_time == n_proj, "end", "during")),
    )
    out = pd.DataFrame(
        {
            "municipality": np.repeat(names, T),
            "month": np.tile(pd.period_range(start - pre, end, freq="M"), J),
            "event_time": np.tile(event_time, J),
            "participating": np.repeat(participating, T),
            "post": np.tile((event_time > 0).astype(int), J),
            "period": np.tile(period, J),
            "count": count.ravel(),
            "denominator": denom.ravel(),
        }
    )
    out["share"] = out["count"] / out["denominator"]
    out["project"] = project
    out["outcome"] = outcome_kind
    out["benefit"] = benefit
    return out


def _group_paths(
    r: Any,
    event_time: np.ndarray,
    n_proj: int,
    denominators: tuple[tuple[int, int], tuple[int, int]],
) -> tuple[dict[int, np.ndarray], dict[int, np.ndarray]]:
    """Each group's share and denominator per month (1: participating, 0: the rest)."""
    (d_t0, d_c0), (d_t1, d_c1) = denominators
    frac = np.clip(event_time / n_proj, 0, 1)
    slope_c = (r.end_control - r.start_control) / n_proj
    share = {}
    for g, s0, s1 in ((1, r.start_treated, r.end_treated), (0, r.start_control, r.end_control)):
        path = s0 + (s1 - s0) * frac
        path = np.where(event_time < 0, s0 + slope_c * event_time, path)
        share[g] = np.clip(path, 0.001, 0.999)
    denom_total = {
        1: np.round(d_t0 + (d_t1 - d_t0) * frac).astype(int),
        0: np.round(d_c0 + (d_c1 - d_c0) * frac).astype(int),
    }
    return share, denom_total


def _municipality_counts(
    rng: np.random.Generator,
    J: int,
    K: int,
    sd: float,
    event_time: np.ndarray,
    n_proj: int,
    share: dict[int, np.ndarray],
    denom_total: dict[int, np.ndarray],
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Participation, counts and denominators (municipality x month), pinned in the first
    and last project month to the group shares."""
    pinned = (event_time == 0) | (event_time == n_proj)
    participating = np.zeros(J, dtype=int)
    participating[rng.choice(J, K, replace=False)] = 1
    size = rng.lognormal(0.0, 0.9, J)
    level = sd * rng.standard_normal(J)
    T = len(event_time)
    count = np.zeros((J, T), dtype=np.int64)
    denom = np.zeros((J, T), dtype=np.int64)
    for g in (0, 1):  # two groups
        idx = np.flatnonzero(participating == g)
        for k in range(T):  # months of the panel (a few dozen)
            denom[idx, k] = _allocate(int(denom_total[g][k]), size[idx])
            rel = np.exp(level[idx] + 0.1 * sd * rng.standard_normal(len(idx)))
            tilt = denom[idx, k] * rel
            if pinned[k]:
                total = int(np.round(share[g][k] * denom_total[g][k]))
                count[idx, k] = rng.multinomial(total, tilt / tilt.sum())
            else:
                p_j = np.clip(share[g][k] * rel * denom[idx, k].sum() / tilt.sum(), 0, 1)
                count[idx, k] = rng.binomial(denom[idx, k], p_j)
    return participating, np.minimum(count, denom), denom
