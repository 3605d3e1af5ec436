"""Synthetic data calibrated to the studies of the Danish notes.

:func:`study` returns individual rows for one study whose expected shares, means and
effects equal the figures the notes report (see :func:`effekt.studies.reported`). Each
generator states what the notes say and what it assumes beyond them as data,
:data:`ASSUMPTIONS` (also shown in its docstring).

Calibration: where a share depends on covariates through a logistic model, the intercept
is solved (root finding) so that the share averaged over the relevant covariate
distribution equals the reported figure. The averages are taken over 200,000 calibration
draws with a fixed internal seed (independent of ``seed``), computed once per session. The
true effects are stored in ``data.attrs["truth"]`` (keyed by the figure ids of
:func:`effekt.studies.reported`) and the assumptions in ``data.attrs["assumptions"]``.

Examples
--------
>>> from effekt import synthetic
>>> df = synthetic.study("mentor", seed=1)
>>> int(df["mentor"].sum()), int((~df["mentor"]).sum())
(1302, 1291)
>>> df.attrs["truth"]["mentor.education"]
0.04
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any, Literal, TypeVar

import numpy as np
import pandas as pd
from scipy import optimize, special

from .._validate import argument_error, check_number, check_seed
from ..studies import reported

__all__ = [
    "study",
    "STUDY_GENERATORS",
    "ASSUMPTIONS",
    "Assumptions",
    # the generators :func:`study` dispatches to, one per study of the notes
    "mentor",
    "jobfirst",
    "ips",
    "vcg2",
    "brobygning",
    "voksenlaerling",
    "jobrotation",
    "stv",
    "brf",
    "hir",
    "biu_providers",
    "ips_weeks",
    "jobfirst_panel",
]

_CALIBRATION_DRAWS = 200_000
_CALIBRATION_SEED = 20_240_101


@dataclass(frozen=True)
class Assumptions:
    """What a study generator takes from the notes and what it assumes beyond them.

    Attributes
    ----------
    notes_say : str
        The figures and design facts of the notes the generator reproduces.
    assumes : str
        Everything the notes do not say and the generator had to choose (sizes,
        covariates, models), so a reader can judge the synthetic data.

    Examples
    --------
    >>> from effekt.synthetic.studies import ASSUMPTIONS
    >>> ASSUMPTIONS["ips"].notes_say.startswith("243 referred to IPS")
    True
    """

    notes_say: str
    assumes: str


_F = TypeVar("_F", bound=Callable[..., pd.DataFrame])


def _states(assumptions: Assumptions) -> Callable[[_F], _F]:
    """Write ``assumptions`` into the generator's docstring, in place of its line
    ``ASSUMPTIONS["<study>"]`` (one copy of the text: the data)."""

    def decorate(func: _F) -> _F:
        text = "\n\n".join(
            textwrap.fill(
                f"{head} {body}",
                width=92,
                initial_indent="    ",
                subsequent_indent="    ",
                break_long_words=False,
                break_on_hyphens=False,
            )
            for head, body in (
                ("What the notes say:", assumptions.notes_say),
                ("What it assumes beyond them:", assumptions.assumes),
            )
        )
        func.__doc__ = re.sub(
            r"^    ASSUMPTIONS\[\"\w+\"\]$",
            lambda _: text,
            func.__doc__ or "",
            count=1,
            flags=re.MULTILINE,
        )
        return func

    return decorate


def _n(n: float, scale: float, minimum: int = 10) -> int:
    return max(int(round(n * scale)), minimum)


def _intercept(linear: np.ndarray, target: float) -> float:
    """The intercept a with mean(expit(a + linear)) == target."""

    def gap(a: float) -> float:
        return float(special.expit(a + linear).mean() - target)

    return float(optimize.brentq(gap, -30.0, 30.0, xtol=1e-12))


def _assign_within(rng: np.random.Generator, strata: np.ndarray, n_treated: int) -> np.ndarray:
    """Complete randomisation of exactly ``n_treated`` units, balanced within strata."""
    n = len(strata)
    labels, codes = np.unique(strata, return_inverse=True)
    sizes = np.bincount(codes, minlength=len(labels))
    quota = sizes * n_treated / n
    base = np.floor(quota).astype(int)
    extra = n_treated - base.sum()
    if extra > 0:  # largest remainders, ties broken at random
        order = np.lexsort((rng.random(len(labels)), -(quota - base)))
        base[order[:extra]] += 1
    # rank within stratum by a random key; the first `base` of each stratum are treated
    key = rng.random(n)
    order = np.lexsort((key, codes))
    start = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    rank = np.empty(n, dtype=int)
    rank[order] = np.arange(n) - np.repeat(start, sizes)
    return rank < base[codes]


def _sizes(rng: np.random.Generator, n: int, weights: np.ndarray) -> np.ndarray:
    """Unit labels 0..k-1 drawn with the given relative weights."""
    return rng.choice(len(weights), size=n, p=weights / weights.sum())


# --------------------------------------------------------------------------- mentor
def _mentor_covariates(rng: np.random.Generator, n: int) -> pd.DataFrame:
    centre_w = np.linspace(0.6, 1.6, 13)
    finished = rng.random(n) < 0.85
    grade = np.clip(np.round(rng.normal(5.0, 1.8, n), 1), -3.0, 12.0)
    mother_voc = rng.random(n) < 0.45
    father_voc = rng.random(n) < 0.50
    income = np.round(
        np.exp(np.log(300.0) + 0.25 * mother_voc + 0.25 * father_voc + rng.normal(0.0, 0.45, n)), 1
    )
    su = rng.random(n) < 0.30
    public = np.round(rng.beta(4.0, 2.0, n), 3)
    frame = pd.DataFrame(
        {
            "jobcentre": pd.Categorical([f"JC{c + 1:02d}" for c in _sizes(rng, n, centre_w)]),
            "age": rng.integers(18, 30, n),
            "female": rng.random(n) < 0.45,
            "ethnic_danish": rng.random(n) < 0.75,
            "finished_primary": finished,
            "grade9_avg": np.where(finished, grade, np.nan),
            "mother_vocational": mother_voc,
            "father_vocational": father_voc,
            "parents_income": income,
            "su_last_3y": su,
            "public_support_share_3y": public,
        }
    )
    frame["grade9_under4"] = finished & (grade < 4)
    frame["mother_no_vocational"] = ~mother_voc
    frame["income_below_mean"] = income < income.mean()
    frame["no_su_3y"] = ~su
    frame["high_public_support"] = public >= 0.8
    frame["weakest"] = ~finished
    frame["strongest"] = mother_voc & father_voc & ~frame["income_below_mean"].to_numpy() & finished
    return frame


_MENTOR_EDU_TARGETS = {  # subgroup column -> reported effect (midpoint of the range)
    None: 0.04,
    "grade9_under4": 0.085,
    "mother_no_vocational": 0.035,
    "income_below_mean": 0.04,
    "no_su_3y": 0.05,
    "female": 0.05,
}
_MENTOR_JOB_TARGETS = {
    None: 0.02,
    "ethnic_danish": 0.02,
    "high_public_support": 0.04,
    "mother_no_vocational": 0.035,
    "su_last_3y": 0.04,
}


def _mentor_linear(x: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Covariate parts of the baseline logits (education, job) without intercepts."""
    grade = x["grade9_avg"].fillna(0.0).to_numpy()
    fin = x["finished_primary"].to_numpy()
    edu = (
        0.15 * (grade - 5.0) * fin
        - 0.5 * ~fin
        + 0.2 * x["mother_vocational"].to_numpy()
        + 0.2 * x["female"].to_numpy()
        + 0.5 * x["su_last_3y"].to_numpy()
        - 0.03 * (x["age"].to_numpy() - 23)
    )
    job = (
        0.4 * x["ethnic_danish"].to_numpy()
        - 1.0 * (x["public_support_share_3y"].to_numpy() - 0.67)
        + 0.3 * fin
        + 0.04 * (x["age"].to_numpy() - 23)
    )
    return edu, job


def _solve_effects(x: pd.DataFrame, targets: dict[str | None, float]) -> dict[str | None, float]:
    """Coefficients b with E[mask * (b0 + sum_j b_j X_j) | subgroup k] = target_k."""
    mask = (~x["weakest"].to_numpy() & ~x["strongest"].to_numpy()).astype(float)
    cols = [c for c in targets if c is not None]
    feats = np.column_stack([np.ones(len(x))] + [x[c].to_numpy(dtype=float) for c in cols])
    design = np.empty((len(targets), feats.shape[1]))
    rhs = np.empty(len(targets))
    for k, (col, target) in enumerate(targets.items()):
        sel = np.ones(len(x), bool) if col is None else x[col].to_numpy(bool)
        design[k] = (mask[sel, None] * feats[sel]).mean(axis=0)
        rhs[k] = target
    coef = np.linalg.solve(design, rhs)
    return dict(zip([None, *cols], coef, strict=False))


def _effect(x: pd.DataFrame, coef: dict[str | None, float]) -> np.ndarray:
    mask = ~x["weakest"].to_numpy() & ~x["strongest"].to_numpy()
    tau = np.full(len(x), coef[None])
    for col, b in coef.items():
        if col is not None:
            tau = tau + b * x[col].to_numpy(dtype=float)
    return tau * mask


@lru_cache(maxsize=1)
def _mentor_calibration() -> dict[str, Any]:
    x = _mentor_covariates(np.random.default_rng(_CALIBRATION_SEED), _CALIBRATION_DRAWS)
    edu_lin, job_lin = _mentor_linear(x)
    edu_coef = _solve_effects(x, _MENTOR_EDU_TARGETS)
    job_coef = _solve_effects(x, _MENTOR_JOB_TARGETS)
    out = {
        "edu_a": _intercept(edu_lin, 0.12),
        "job_a": _intercept(job_lin, 0.05),
        "edu_coef": edu_coef,
        "job_coef": job_coef,
    }
    for name, lin, coef in (("edu", edu_lin, edu_coef), ("job", job_lin, job_coef)):
        p1 = special.expit(out[f"{name}_a"] + lin) + _effect(x, coef)
        if p1.min() < 0 or p1.max() > 1:  # pragma: no cover - a calibration bug
            raise RuntimeError(f"mentor calibration gives {name} probabilities outside [0, 1]")
    return out


_MENTOR_ASSUMPTIONS = Assumptions(
    notes_say=(
        "1,302 treated and 1,291 controls in 13 job centres; one year after start 16 % vs 12 % in "
        'SU-eligible education (+4 pp, "a 30 % rise") and a little over a year after start ca. 7 '
        '% vs ca. 5 % in a job (+2 pp, "a 40 % rise"). Significant subgroup effects on education: '
        "9th-grade average under 4 +7-10 pp; mother (or father) without vocational education +3-4 "
        "pp; parents' gross income below the group mean +3-5 pp; no SU in the 3 years before +4-6 "
        "pp; women +4-6 pp. On jobs: ethnic Danish background +2 pp; high share of public support "
        "+3-5 pp; mother without vocational education +3-4 pp; SU within the last 3 years +3-5 "
        "pp. No effect for the strongest (good parental background) nor the weakest (did not "
        "finish primary school)."
    ),
    assumes=(
        "covariate distributions (shares below); randomisation 1:1 within job centre with centre "
        "sizes rising linearly 0.6:1.6; baseline logits in the 9th-grade average, parents' "
        "education, SU history, gender, age (education) and ethnic background, public support "
        'share, age (job); the "mother (or father)" subgroup is taken as the mother; "strongest" '
        '= both parents with vocational education and income above the mean; "weakest" = did not '
        'finish primary school (no 9th-grade average); "high public support" = at least 80 % of '
        "the last 3 years. Individual effects are additive on the probability scale, zero for the "
        "strongest and weakest and otherwise linear in the subgroup indicators, with coefficients "
        "solved so that every subgroup's average effect equals the midpoint of its reported "
        "range. The two outcomes are drawn independently."
    ),
)


@_states(_MENTOR_ASSUMPTIONS)
def mentor(*, seed: int | None = 0, sample_scale: float = 1.0) -> pd.DataFrame:
    """Mentorforsøget: mentor support for vulnerable youth, randomised within 13 job centres.

    ASSUMPTIONS["mentor"]

    Parameters
    ----------
    seed : int or None, default 0
        Randomness (``None``: fresh entropy).
    sample_scale : float
        Multiplies both arm sizes (1.0 = the trial's 1,302 + 1,291).

    Returns
    -------
    DataFrame
        ``person_id``, ``jobcentre`` (13 levels, the randomisation strata), ``mentor``
        (bool, treatment), ``age``, ``female``, ``ethnic_danish``, ``finished_primary``,
        ``grade9_avg`` (NaN if primary school not finished), ``mother_vocational``,
        ``father_vocational``, ``parents_income`` (1,000 DKK), ``su_last_3y``,
        ``public_support_share_3y``, the subgroup indicators ``grade9_under4``,
        ``mother_no_vocational``, ``income_below_mean``, ``no_su_3y``,
        ``high_public_support``, ``weakest``, ``strongest``, and the outcomes
        ``in_education_1y`` and ``in_job_1y`` (0/1).

    Examples
    --------
    >>> from effekt import synthetic
    >>> df = synthetic.study("mentor", seed=3)
    >>> df.groupby("mentor")["in_education_1y"].mean().round(2).tolist()
    [0.13, 0.16]
    """
    rng = check_seed(seed, "mentor")
    cal = _mentor_calibration()
    n_t, n_c = _n(1302, sample_scale), _n(1291, sample_scale)
    x = _mentor_covariates(rng, n_t + n_c)
    treated = _assign_within(rng, x["jobcentre"].to_numpy(), n_t)
    edu_lin, job_lin = _mentor_linear(x)
    p_edu = special.expit(cal["edu_a"] + edu_lin) + treated * _effect(x, cal["edu_coef"])
    p_job = special.expit(cal["job_a"] + job_lin) + treated * _effect(x, cal["job_coef"])
    x.insert(0, "person_id", np.arange(1, len(x) + 1))
    x.insert(2, "mentor", treated)
    x["in_education_1y"] = (rng.random(len(x)) < p_edu).astype(int)
    x["in_job_1y"] = (rng.random(len(x)) < p_job).astype(int)
    truth = {
        "mentor.education": 0.04,
        "mentor.job": 0.02,
        "mentor.education.strongest": 0.0,
        "mentor.education.weakest": 0.0,
    }
    names = {
        "grade9_under4": "grade9_under4",
        "mother_no_vocational": "mother_no_vocational",
        "income_below_mean": "income_below_mean",
        "no_su_3y": "no_su_3y",
        "female": "women",
    }
    truth.update({f"mentor.education.{names[c]}": v for c, v in _MENTOR_EDU_TARGETS.items() if c})
    jobs = {
        "ethnic_danish": "ethnic_danish",
        "high_public_support": "high_public_support",
        "mother_no_vocational": "mother_no_vocational",
        "su_last_3y": "su_3y",
    }
    truth.update({f"mentor.job.{jobs[c]}": v for c, v in _MENTOR_JOB_TARGETS.items() if c})
    x.attrs["truth"] = truth
    x.attrs["assumptions"] = "see effekt.synthetic.studies.mentor"
    return x


# --------------------------------------------------------------------------- jobfirst
_JOBFIRST_SD_MUNICIPALITY = 0.3  # logit-scale SD of the municipality effect (assumed)
_JOBFIRST_HOURS_IF_ANY = 20.0  # mean weekly hours among those with hours (assumed)


def _jobfirst_covariates(rng: np.random.Generator, n: int) -> pd.DataFrame:
    group = rng.choice(
        ["resource course", "cash benefit", "integration benefit"], size=n, p=[0.3, 0.6, 0.1]
    )
    return pd.DataFrame(
        {
            "age": rng.integers(30, 65, n),
            "female": rng.random(n) < 0.5,
            "benefit_group": group,
            "years_on_support": np.round(1.0 + rng.exponential(4.0, n), 1),
        }
    )


def _jobfirst_linear(x: pd.DataFrame) -> np.ndarray:
    return (
        -0.03 * (x["age"].to_numpy() - 45)
        - 0.08 * (x["years_on_support"].to_numpy() - 5)
        - 0.6 * (x["benefit_group"].to_numpy() == "resource course")
    )


@lru_cache(maxsize=1)
def _jobfirst_calibration() -> dict[str, float]:
    rng = np.random.default_rng(_CALIBRATION_SEED)
    x = _jobfirst_covariates(rng, _CALIBRATION_DRAWS)
    lin = _jobfirst_linear(x) + rng.normal(0.0, _JOBFIRST_SD_MUNICIPALITY, len(x))
    cash = x["benefit_group"].to_numpy() == "cash benefit"
    control_hours = 1.9 / 0.67
    return {
        "w35_c": _intercept(lin, 0.07),
        "w35_t": _intercept(lin, 0.12),
        "any_c": _intercept(lin[cash], control_hours / _JOBFIRST_HOURS_IF_ANY),
        "any_t": _intercept(lin[cash], (control_hours + 1.9) / _JOBFIRST_HOURS_IF_ANY),
    }


_JOBFIRST_ASSUMPTIONS = Assumptions(
    notes_say=(
        "about 2,400 citizens in the treatment group in 15 municipalities; resource-course "
        "recipients and activity-ready cash/integration-benefit recipients over 30 with more than "
        "a year on public support. At week 35, 12 % vs 7 % have ordinary paid hours. At week 78 "
        'the effect is "just under 2" extra ordinary hours a week for long-term cash-benefit '
        "recipients, ca. 67 % more than the control group."
    ),
    assumes=(
        "a control group as large as the treatment group (2,400), individual randomisation 1:1 "
        "within municipality, municipality sizes rising linearly 0.5:1.5, a municipality effect "
        "with SD 0.3 on the logit scale shared by both outcomes; benefit groups 30 % resource "
        'course, 60 % cash benefit, 10 % integration benefit; "just under 2" = 1.9 hours, so the '
        "control mean is 1.9 / 0.67 = 2.84 and the treated mean 4.74 hours/week (the same model "
        "is used for all benefit groups, calibrated on cash-benefit recipients); weekly hours are "
        "zero for most people and, for those with hours, 37 x Beta(2.7, 2.3) (mean 20 hours). "
        "Paid hours at week 35 and hours at week 78 are drawn independently given the covariates."
    ),
)


@_states(_JOBFIRST_ASSUMPTIONS)
def jobfirst(*, seed: int | None = 0, sample_scale: float = 1.0) -> pd.DataFrame:
    """JobFirst: a company-directed effort with mentor support, 15 municipalities.

    ASSUMPTIONS["jobfirst"]

    Returns
    -------
    DataFrame
        ``person_id``, ``municipality`` (15 levels: the clusters), ``jobfirst`` (bool),
        ``age``, ``female``, ``benefit_group``, ``years_on_support``,
        ``paid_hours_w35`` (0/1), ``hours_w78`` (ordinary hours per week, many zeros).

    Examples
    --------
    >>> from effekt import synthetic
    >>> df = synthetic.study("jobfirst", seed=2)
    >>> df["municipality"].nunique(), round(float((df["hours_w78"] == 0).mean()), 1)
    (15, 0.8)
    """
    rng = check_seed(seed, "jobfirst")
    cal = _jobfirst_calibration()
    n_t = _n(2400, sample_scale)
    n = 2 * n_t
    x = _jobfirst_covariates(rng, n)
    muni = _sizes(rng, n, np.linspace(0.5, 1.5, 15))
    treated = _assign_within(rng, muni, n_t)
    lin = _jobfirst_linear(x) + rng.normal(0.0, _JOBFIRST_SD_MUNICIPALITY, 15)[muni]
    p35 = special.expit(np.where(treated, cal["w35_t"], cal["w35_c"]) + lin)
    p_any = special.expit(np.where(treated, cal["any_t"], cal["any_c"]) + lin)
    hours = np.where(rng.random(n) < p_any, 37.0 * rng.beta(2.7, 2.3, n), 0.0)
    x.insert(0, "person_id", np.arange(1, n + 1))
    x.insert(1, "municipality", pd.Categorical([f"K{m + 1:02d}" for m in muni]))
    x.insert(2, "jobfirst", treated)
    x["paid_hours_w35"] = (rng.random(n) < p35).astype(int)
    x["hours_w78"] = np.round(hours, 1)
    x.attrs["truth"] = {"jobfirst.paid_hours_w35": 0.05, "jobfirst.hours_w78": 1.9}
    x.attrs["assumptions"] = "see effekt.synthetic.studies.jobfirst"
    return x


# --------------------------------------------------------------------------- ips
_IPS_WEEKS_IF_ANY = 10.0 / 0.465  # mean weeks among those ever in job/education (assumed)


_IPS_ASSUMPTIONS = Assumptions(
    notes_say=(
        "243 referred to IPS, 238 to IPSE (IPS plus cognitive and social skills training), 239 to "
        "the usual job-centre service. Over 18 months ca. 60 % of the IPS arms were in a job or "
        'education vs 46.5 % in control ("just under 30 % more"); on average 2.9 more weeks in '
        "employment or education."
    ),
    assumes=(
        "both IPS arms at 60 %; the share depends on age, gender and diagnosis through a logistic "
        "model; the control group spends on average 10 weeks in employment or education, so "
        "everybody ever in a job or education spends on average 10 / 0.465 = 21.5 weeks there (1 "
        "+ 77 x Beta(1.2, 3.3)) in every arm, which gives the IPS arms 0.60 x 21.5 = 12.9 weeks, "
        "2.9 more."
    ),
)


@_states(_IPS_ASSUMPTIONS)
def ips(*, seed: int | None = 0, sample_scale: float = 1.0) -> pd.DataFrame:
    """Projekt Inklusion: IPS, IPSE and usual service for people with severe mental illness.

    ASSUMPTIONS["ips"]

    Returns
    -------
    DataFrame
        ``person_id``, ``arm`` ("IPS", "IPSE", "usual service"), ``ips_any`` (bool: an IPS
        arm), ``age``, ``female``, ``diagnosis``, ``job_or_education_18m`` (0/1),
        ``weeks_job_or_education`` (out of 78).

    Examples
    --------
    >>> from effekt import synthetic
    >>> df = synthetic.study("ips", seed=1)
    >>> df["arm"].value_counts().sort_index().tolist()
    [243, 238, 239]
    """
    rng = check_seed(seed, "ips")
    sizes = {
        "IPS": _n(243, sample_scale),
        "IPSE": _n(238, sample_scale),
        "usual service": _n(239, sample_scale),
    }
    arm = np.repeat(list(sizes), list(sizes.values()))
    n = len(arm)
    x = pd.DataFrame(
        {
            "person_id": np.arange(1, n + 1),
            "arm": pd.Categorical(arm, categories=list(sizes)),
            "ips_any": arm != "usual service",
            "age": rng.integers(18, 60, n),
            "female": rng.random(n) < 0.45,
            "diagnosis": rng.choice(
                ["schizophrenia", "bipolar disorder", "depression"], n, p=[0.5, 0.25, 0.25]
            ),
        }
    )
    lin = -0.02 * (x["age"].to_numpy() - 35) - 0.3 * (x["diagnosis"].to_numpy() == "schizophrenia")
    cal = _ips_calibration()
    p = special.expit(np.where(x["ips_any"], cal["t"], cal["c"]) + lin)
    any_ = rng.random(n) < p
    x["job_or_education_18m"] = any_.astype(int)
    weeks = 1.0 + 77.0 * rng.beta(1.2, 3.3, n)
    x["weeks_job_or_education"] = np.where(any_, np.round(weeks), 0.0)
    x.attrs["truth"] = {
        "ips.job_or_education_18m": 0.135,
        "ips.weeks_18m": 0.135 * (1.0 + 77.0 * 1.2 / 4.5),
    }
    x.attrs["assumptions"] = "see effekt.synthetic.studies.ips"
    return x


@lru_cache(maxsize=1)
def _ips_calibration() -> dict[str, float]:
    rng = np.random.default_rng(_CALIBRATION_SEED)
    age = rng.integers(18, 60, _CALIBRATION_DRAWS)
    diag = rng.random(_CALIBRATION_DRAWS) < 0.5
    lin = -0.02 * (age - 35) - 0.3 * diag
    return {"t": _intercept(lin, 0.60), "c": _intercept(lin, 0.465)}


# ------------------------------------------------------------ matched (observational) studies
# A covariate: (name, kind, participants' parameter, comparison pool's parameter).
# kind "normal": (mean, sd) with a common sd, so the log-odds of participation is linear in it;
# kind "bernoulli": a share. The participation model is therefore exactly logistic-linear.
Covariate = tuple[str, str, Any, Any]


def _draw(
    rng: np.random.Generator, spec: list[Covariate], n: int, treated: bool
) -> dict[str, np.ndarray]:
    out: dict[str, np.ndarray] = {}
    for name, kind, p_t, p_c in spec:
        par = p_t if treated else p_c
        if kind == "normal":
            out[name] = rng.normal(par[0], par[1], n)
        else:
            out[name] = rng.random(n) < par
    return out


def _linear(values: dict[str, np.ndarray], coef: dict[str, float]) -> np.ndarray:
    lin: float | np.ndarray = 0.0
    for name, b in coef.items():
        lin = lin + b * np.asarray(values[name], dtype=float)
    return np.asarray(lin, dtype=float)


@cache
def _observational_calibration(name: str) -> dict[tuple[str, str], tuple[float, float]]:
    """(outcome, group) -> (intercepts treated, control) over the participants' covariates."""
    design = _OBSERVATIONAL[name]
    rng = np.random.default_rng(_CALIBRATION_SEED)
    out = {}
    for group, spec in design["groups"].items():
        values = _draw(rng, spec["covariates"], _CALIBRATION_DRAWS, treated=True)
        for outcome, (target_t, target_c) in spec["outcomes"].items():
            lin = _linear(values, design["coef"][outcome])
            out[(outcome, group)] = (_intercept(lin, target_t), _intercept(lin, target_c))
    return out


def _observational(name: str, seed: int | None, sample_scale: float) -> pd.DataFrame:
    design = _OBSERVATIONAL[name]
    rng = check_seed(seed, "observational")
    cal = _observational_calibration(name)
    frames = []
    for group, spec in design["groups"].items():
        n_t = _n(spec["n_treated"], sample_scale)
        n_c = _n(spec["n_treated"] * design["pool_ratio"], sample_scale)
        for treated, n in ((True, n_t), (False, n_c)):
            values = _draw(rng, spec["covariates"], n, treated)
            frame = pd.DataFrame(values)
            frame.insert(0, design["treatment"], treated)
            if design.get("group_column"):
                frame.insert(1, design["group_column"], group)
            for outcome in spec["outcomes"]:
                a_t, a_c = cal[(outcome, group)]
                lin = _linear(values, design["coef"][outcome])
                p = special.expit((a_t if treated else a_c) + lin)
                frame[outcome] = (rng.random(n) < p).astype(int)
            frames.append(frame)
    data = pd.concat(frames, ignore_index=True)
    for col, digits in design.get("rounding", {}).items():
        data[col] = np.round(data[col], digits)
    data.insert(0, "person_id", np.arange(1, len(data) + 1))
    data.attrs["truth"] = dict(design["truth"])
    data.attrs["covariates"] = list(design["covariates"])
    data.attrs["assumptions"] = f"see effekt.synthetic.studies.{name}"
    return data


_VCG2_COVARIATES: list[Covariate] = [
    ("age", "normal", (44.0, 9.0), (40.0, 9.0)),
    ("years_on_benefit", "normal", (7.0, 2.5), (4.0, 2.5)),
    ("female", "bernoulli", 0.50, 0.45),
    ("health_problems", "bernoulli", 0.75, 0.35),
    ("prior_internship", "bernoulli", 0.40, 0.12),
]
_VCG2_COEF = {
    "flexjob_w70": {
        "age": 0.02,
        "years_on_benefit": -0.45,
        "health_problems": 0.5,
        "prior_internship": 0.3,
    },
    "internship_13w": {
        "age": -0.02,
        "years_on_benefit": -0.4,
        "health_problems": -0.3,
        "prior_internship": 1.5,
    },
}

_BRO_COVARIATES: list[Covariate] = [
    ("age", "normal", (21.5, 2.5), (22.5, 2.5)),
    ("grade9_avg", "normal", (4.5, 1.8), (5.5, 1.8)),
    ("months_on_benefit", "normal", (10.0, 5.0), (7.0, 5.0)),
    ("female", "bernoulli", 0.40, 0.45),
    ("dropped_out_before", "bernoulli", 0.55, 0.35),
    ("mental_health_issue", "bernoulli", 0.30, 0.20),
]
_BRO_COEF = {
    "in_education_w25": {
        "age": -0.08,
        "grade9_avg": 0.25,
        "months_on_benefit": -0.05,
        "female": 0.1,
        "dropped_out_before": -0.5,
        "mental_health_issue": -0.4,
    }
}

_VL_COVARIATES: list[Covariate] = [
    ("age", "normal", (36.0, 8.0), (40.0, 8.0)),
    ("years_unskilled_work", "normal", (8.0, 4.0), (6.0, 4.0)),
    ("months_unemployed", "normal", (6.0, 4.0), (10.0, 4.0)),
    ("female", "bernoulli", 0.40, 0.50),
]
_VL_COEF = {
    "employed_1y": {
        "age": -0.02,
        "years_unskilled_work": 0.08,
        "months_unemployed": -0.1,
        "female": 0.0,
    }
}

_OBSERVATIONAL: dict[str, dict[str, Any]] = {
    "vcg2": {
        "treatment": "vcg2",
        "group_column": "benefit_group",
        "pool_ratio": 4,
        "covariates": ["age", "years_on_benefit", "female", "health_problems", "prior_internship"],
        "coef": _VCG2_COEF,
        "rounding": {"age": 0, "years_on_benefit": 1},
        "groups": {
            "resource course": {
                "n_treated": 1000,
                "covariates": _VCG2_COVARIATES,
                "outcomes": {"flexjob_w70": (0.14, 0.05), "internship_13w": (0.75, 0.10)},
            },
            "cash benefit": {
                "n_treated": 1500,
                "covariates": _VCG2_COVARIATES,
                "outcomes": {"flexjob_w70": (0.06, 0.02), "internship_13w": (0.75, 0.10)},
            },
        },
        "truth": {
            "vcg2.internship_13w": 0.65,
            "vcg2.flexjob_resource_course": 0.09,
            "vcg2.flexjob_cash_benefit": 0.04,
        },
    },
    "brobygning": {
        "treatment": "brobygning",
        "pool_ratio": 4,
        "covariates": [
            "age",
            "grade9_avg",
            "months_on_benefit",
            "female",
            "dropped_out_before",
            "mental_health_issue",
        ],
        "coef": _BRO_COEF,
        "rounding": {"age": 0, "grade9_avg": 1, "months_on_benefit": 0},
        "groups": {
            "all": {
                "n_treated": 2397,
                "covariates": _BRO_COVARIATES,
                "outcomes": {"in_education_w25": (0.40, 0.25)},
            }
        },
        "truth": {"brobygning.education_w25": 0.15},
    },
    "voksenlaerling": {
        "treatment": "voksenlaerling",
        "group_column": "benefit_group",
        "pool_ratio": 4,
        "covariates": ["age", "years_unskilled_work", "months_unemployed", "female"],
        "coef": _VL_COEF,
        "rounding": {"age": 0, "years_unskilled_work": 1, "months_unemployed": 0},
        "groups": {
            "cash benefit": {
                "n_treated": 250,
                "covariates": _VL_COVARIATES,
                "outcomes": {"employed_1y": (0.62, 0.42)},
            },
            # 72.7 % vs 63.3 %, so that with 25 % of participants on cash benefit their
            # overall shares are 70 % and 58 %
            "unemployment insurance": {
                "n_treated": 750,
                "covariates": _VL_COVARIATES,
                "outcomes": {
                    "employed_1y": ((0.70 - 0.25 * 0.62) / 0.75, (0.58 - 0.25 * 0.42) / 0.75)
                },
            },
        },
        "truth": {"voksenlaerling.employment_1y": 0.12},
    },
}


_VCG2_ASSUMPTIONS = Assumptions(
    notes_say=(
        "ca. 2,500 vulnerable cash-benefit recipients and resource-course citizens in 25 job "
        "centres; comparison group chosen by matching; effects reported separately by benefit "
        "group. Ca. 75 % of participants get at least 13 weeks of continuous internship vs ca. 10 "
        "% in the comparison group. At week 70, in flex job: resource course ca. 14 % vs ca. 5 %, "
        "cash benefit ca. 6 % vs ca. 2 % (significant)."
    ),
    assumes=(
        "1,000 resource-course and 1,500 cash-benefit participants; a comparison pool four times "
        "as large in each benefit group; participants are older, much longer on benefit (7 vs 4 "
        "years on average), more often with health problems and prior internships (normal "
        "covariates with a common SD and Bernoulli covariates, so the true participation model is "
        "logistic-linear in the covariates); the shares in the notes are the participants' shares "
        "with and without the programme (the ATT), obtained by solving logistic intercepts over "
        "the participants' covariate distribution. Long time on benefit lowers the chance of a "
        "flex job and of a long internship, so the naive participant-vs-pool difference is biased "
        "downwards; matching on the covariates removes the bias (there is no hidden confounder)."
    ),
)


@_states(_VCG2_ASSUMPTIONS)
def vcg2(*, seed: int | None = 0, sample_scale: float = 1.0) -> pd.DataFrame:
    """Virksomhedscenter Generation 2: participants and a comparison pool, selection on covariates.

    ASSUMPTIONS["vcg2"]

    Returns
    -------
    DataFrame
        ``person_id``, ``vcg2`` (bool), ``benefit_group`` ("resource course", "cash benefit"),
        ``age``, ``years_on_benefit``, ``female``, ``health_problems``, ``prior_internship``,
        ``flexjob_w70`` and ``internship_13w`` (0/1). ``attrs["covariates"]`` lists the
        matching covariates.

    Examples
    --------
    >>> from effekt import synthetic
    >>> df = synthetic.study("vcg2", seed=1)
    >>> df.groupby("benefit_group")["vcg2"].sum().to_dict()
    {'cash benefit': 1500, 'resource course': 1000}
    """
    return _observational("vcg2", seed, sample_scale)


_BROBYGNING_ASSUMPTIONS = Assumptions(
    notes_say=(
        "2,397 participants (young education-benefit recipients) from 12 vocational schools and "
        "40 job centres; comparison group via matching; 25 weeks after start the share in "
        "education is 15 pp higher than in the matched comparison group (significant)."
    ),
    assumes=(
        "the week-25 shares are 40 % for participants and 25 % without the programme (only the "
        "difference is reported); a comparison pool four times as large; participants are "
        "younger, with lower 9th-grade averages, longer on benefit, more often earlier drop-outs "
        "and with mental-health issues (normal and Bernoulli covariates: a logistic-linear "
        "participation model). These traits lower the chance of education, so the naive "
        "difference is biased downwards."
    ),
)


@_states(_BROBYGNING_ASSUMPTIONS)
def brobygning(*, seed: int | None = 0, sample_scale: float = 1.0) -> pd.DataFrame:
    """Brobygning til uddannelse: bridge-building courses, participants and a comparison pool.

    ASSUMPTIONS["brobygning"]

    Returns
    -------
    DataFrame
        ``person_id``, ``brobygning`` (bool), ``age``, ``grade9_avg``, ``months_on_benefit``,
        ``female``, ``dropped_out_before``, ``mental_health_issue``, ``in_education_w25``.

    Examples
    --------
    >>> from effekt import synthetic
    >>> df = synthetic.study("brobygning", seed=1)
    >>> int(df["brobygning"].sum())
    2397
    """
    return _observational("brobygning", seed, sample_scale)


_VOKSENLAERLING_ASSUMPTIONS = Assumptions(
    notes_say=(
        "after one year 70 % of the unemployed who completed an adult apprenticeship are employed "
        "vs 58 % in the control group; effects are largest for cash-benefit recipients. No sample "
        "sizes are given."
    ),
    assumes=(
        "1,000 apprentices (25 % from cash benefit) and a pool four times as large; on cash "
        "benefit 62 % vs 42 % (+20 pp), on unemployment insurance 72.7 % vs 63.3 % (+9.3 pp), so "
        "that the participants' overall shares are 70 % and 58 %; apprentices are younger, with "
        "more years of unskilled work and shorter unemployment."
    ),
)


@_states(_VOKSENLAERLING_ASSUMPTIONS)
def voksenlaerling(*, seed: int | None = 0, sample_scale: float = 1.0) -> pd.DataFrame:
    """Voksenlærling: adult apprentices from unemployment and a comparison pool.

    ASSUMPTIONS["voksenlaerling"]

    Returns
    -------
    DataFrame
        ``person_id``, ``voksenlaerling`` (bool), ``benefit_group``, ``age``,
        ``years_unskilled_work``, ``months_unemployed``, ``female``, ``employed_1y`` (0/1).

    Examples
    --------
    >>> from effekt import synthetic
    >>> df = synthetic.study("voksenlaerling", seed=1)
    >>> int(df["voksenlaerling"].sum())
    1000
    """
    return _observational("voksenlaerling", seed, sample_scale)


# --------------------------------------------------------------------------- BIU providers
_BIU_PROVIDERS_ASSUMPTIONS = Assumptions(
    notes_say=(
        "a strong, newly unemployed citizen in a company-directed offer shows a simple effect "
        "(share in a job at course end) of ca. 90-100 %; a citizen with complex challenges ca. "
        "10-15 %; without any offer the complex citizen would reach ca. 0-3 %, while the strong "
        "citizen would likely have found a job faster without the offer."
    ),
    assumes=(
        'six providers ("Leverandør A" … "F") with 150 participants each, whose share of strong '
        "citizens falls from 80 % (A) to 10 % (F); no provider is better than another (every "
        "difference in simple effects is case mix); strong citizens 95 % in a job at course end, "
        "complex ones 12.5 %; a group not offered a course (300 complex and 300 strong citizens, "
        "e.g. waiting for capacity, assigned at random) reaching 1.5 % (complex) and 97 % "
        "(strong: a small lock-in effect of the course). Case-mix columns: months unemployed and "
        "age."
    ),
)


@_states(_BIU_PROVIDERS_ASSUMPTIONS)
def biu_providers(*, seed: int | None = 0, sample_scale: float = 1.0) -> pd.DataFrame:
    """The BIU note's simple-effect case: providers with different target groups.

    ASSUMPTIONS["biu_providers"]

    Returns
    -------
    DataFrame
        ``citizen_id``, ``provider`` ("ingen tilbud" for no offer), ``offer`` (bool),
        ``target_group`` ("strong", "complex"), ``complex_challenges`` (bool),
        ``months_unemployed``, ``age``, ``job_at_end`` (0/1) and ``job_without_offer``
        (the potential outcome without an offer, known only in synthetic data).

    Examples
    --------
    >>> from effekt import synthetic
    >>> df = synthetic.study("biu_providers", seed=1)
    >>> df[df.offer].groupby("target_group")["job_at_end"].mean().round(2).to_dict()
    {'complex': 0.11, 'strong': 0.94}
    """
    rng = check_seed(seed, "biu_providers")
    per = _n(150, sample_scale)
    strong_share = np.linspace(0.8, 0.1, 6)
    providers = [f"Leverandør {c}" for c in "ABCDEF"]
    provider = np.repeat(providers, per)
    strong = rng.random(len(provider)) < np.repeat(strong_share, per)
    n_none = _n(300, sample_scale)
    provider = np.concatenate([provider, np.repeat("ingen tilbud", 2 * n_none)])
    strong = np.concatenate([strong, np.repeat([True, False], n_none)])
    offer = provider != "ingen tilbud"
    n = len(provider)
    p_offer = np.where(strong, 0.95, 0.125)
    p_none = np.where(strong, 0.97, 0.015)
    u = rng.random(n)  # common uniform: potential outcomes coupled
    job_offer = u < p_offer
    job_none = u < p_none
    months = np.where(strong, rng.exponential(1.0, n), 24.0 + rng.exponential(18.0, n))
    data = pd.DataFrame(
        {
            "citizen_id": np.arange(1, n + 1),
            "provider": provider,
            "offer": offer,
            "target_group": np.where(strong, "strong", "complex"),
            "complex_challenges": ~strong,
            "months_unemployed": np.round(months, 1),
            "age": rng.integers(25, 60, n),
            "job_at_end": np.where(offer, job_offer, job_none).astype(int),
            "job_without_offer": job_none.astype(int),
        }
    )
    data.attrs["truth"] = {
        "biu.simple_effect_strong": 0.95,
        "biu.simple_effect_complex": 0.125,
        "biu.without_offer_complex": 0.015,
        "biu.causal_complex": 0.11,
    }
    data.attrs["assumptions"] = "see effekt.synthetic.studies.biu_providers"
    return data


# ----------------------------------------------------------------------------- panels (issue 6)
_JOBROTATION_ASSUMPTIONS = Assumptions(
    notes_say=(
        "job-rotation temps hired in 2012, followed up to 23 months, reach unsubsidised "
        "employment on average 2-3 weeks faster than non-participants, despite a lock-in effect "
        "during the rotation."
    ),
    assumes=(
        "2,000 temps and 2,000 comparable non-participants (no confounding, so no matching is "
        "needed); the control arm finds a job at a constant hazard (median 35 weeks), temps at "
        "0.4 times that hazard during a 12-week rotation and at a raised hazard afterwards, "
        "solved so that temps spend 2.5 fewer weeks without a job in the first 23 months "
        "(restricted mean); drop-out 0.2 % per week "
        "(:func:`effekt.synthetic.panels.jobrotation`)."
    ),
)


@_states(_JOBROTATION_ASSUMPTIONS)
def jobrotation(*, seed: int | None = 0, sample_scale: float = 1.0) -> pd.DataFrame:
    """Jobrotation (KORA 2014): time to unsubsidised job for temps and non-participants.

    ASSUMPTIONS["jobrotation"]

    Returns
    -------
    DataFrame
        ``person, jobrotation (1 = temp), weeks, job`` (1 = found a job at ``weeks``, 0 =
        censored); ``attrs["truth"]["jobrotation.time_to_job"]`` is the true number of weeks
        faster (2.5) and ``attrs["horizon"]`` the 23-month horizon in weeks.

    Examples
    --------
    >>> from effekt import synthetic
    >>> df = synthetic.study("jobrotation", seed=1)
    >>> df.attrs["truth"]
    {'jobrotation.time_to_job': 2.5}
    """
    from . import panels

    data = panels.jobrotation(
        n_treated=_n(2000, sample_scale), n_control=_n(2000, sample_scale), seed=seed
    )
    data.attrs["truth"] = {"jobrotation.time_to_job": -panels.JOBROTATION_TRUE_RMST_DIFFERENCE}
    data.attrs["horizon"] = panels.JOBROTATION_HORIZON
    data.attrs["assumptions"] = "see effekt.synthetic.panels.jobrotation"
    return data


_IPS_WEEKS_ASSUMPTIONS = Assumptions(
    notes_say=(
        "IPS gives 2.9 more weeks in work or education over 18 months than usual service; 243 "
        "(IPS), 238 (IPSE) and 239 (usual service) referred."
    ),
    assumes=(
        "the weekly process of :func:`effekt.synthetic.panels.ips_weeks` (ever in work 60 % vs "
        "46.5 %, a uniform start week and weekly persistence set so that the difference is 2.9 "
        "weeks at 78 weeks)."
    ),
)


@_states(_IPS_WEEKS_ASSUMPTIONS)
def ips_weeks(*, seed: int | None = 0, sample_scale: float = 1.0) -> pd.DataFrame:
    """IPS / Projekt Inklusion: weeks in work or education over 18 months, one row per person.

    ASSUMPTIONS["ips_weeks"]

    Returns
    -------
    DataFrame
        ``person, arm, weeks_in_work, ever_in_work`` and ``ips_any`` (IPS or IPSE);
        ``attrs["truth"]["ips.weeks_18m"] = 2.9``.

    Examples
    --------
    >>> from effekt import synthetic
    >>> synthetic.study("ips_weeks", seed=1).groupby("arm").size().to_dict()
    {'IPS': 243, 'IPSE': 238, 'control': 239}
    """
    from . import panels

    sizes = {arm: _n(k, sample_scale) for arm, k in panels._IPS_N.items()}
    data = panels.ips_weeks(n=sizes, seed=seed)
    data["ips_any"] = data["arm"] != "control"
    data.attrs["truth"] = {"ips.weeks_18m": panels.IPS_TRUE_WEEKS_DIFFERENCE}
    data.attrs["assumptions"] = "see effekt.synthetic.panels.ips_weeks"
    return data


_JOBFIRST_PANEL_ASSUMPTIONS = Assumptions(
    notes_say=(
        "12 % vs 7 % with ordinary paid hours at week 35; the effect is followed to week 78 "
        "(about 2,400 persons per arm)."
    ),
    assumes=(
        "the latent AR(1) process of :func:`effekt.synthetic.panels.jobfirst_panel` (shares "
        "piecewise linear in the week, 20 % vs 12 % at week 78, persistence 0.9, municipality "
        "effects)."
    ),
)


@_states(_JOBFIRST_PANEL_ASSUMPTIONS)
def jobfirst_panel(*, seed: int | None = 0, sample_scale: float = 1.0) -> pd.DataFrame:
    """JobFirst: weekly panel (78 weeks) of paid hours in 15 municipalities.

    ASSUMPTIONS["jobfirst_panel"]

    Returns
    -------
    DataFrame
        ``person, municipality, jobfirst, week, paid_hours, hours``, one row per person and
        week; ``attrs["truth"]["jobfirst.paid_hours_w35"] = 0.05``.

    Examples
    --------
    >>> from effekt import synthetic
    >>> df = synthetic.study("jobfirst_panel", seed=1, sample_scale=0.1)
    >>> int(df["week"].max()), df["municipality"].nunique()
    (78, 15)
    """
    from . import panels

    data = panels.jobfirst_panel(n_persons=_n(4800, sample_scale, minimum=30), seed=seed)
    share = panels.JOBFIRST_SHARE_WEEK35
    data.attrs["truth"] = {
        "jobfirst.paid_hours_w35": round(share["treated"] - share["control"], 12)
    }
    data.attrs["assumptions"] = "see effekt.synthetic.panels.jobfirst_panel"
    return data


def _star2020(project: Literal["stv", "brf", "hir"], seed: int | None) -> pd.DataFrame:
    from ..studies import star2020_shares
    from . import panels

    shares = star2020_shares()
    rows = shares[shares["project"] == project]
    # the truth is the change in the gap the note's four shares give (studies.reported)
    effect = reported(project).set_index("figure_id")["effect"]
    # one seed for every outcome of a project: the same participating municipalities and sizes
    frames, truth = [], {}
    for r in rows.itertuples(index=False):
        frames.append(panels.municipality_panel(project, r.outcome, r.benefit, seed=seed))
        truth[r.figure_id] = float(effect[r.figure_id])
    data = pd.concat(frames, ignore_index=True)
    data.attrs["truth"] = truth
    data.attrs["assumptions"] = "see effekt.synthetic.panels.municipality_panel"
    return data


_STAR_DOC = """{name}: municipality x month counts, participating municipalities vs the rest.

    ASSUMPTIONS["{key}"]

    Returns
    -------
    DataFrame
        :func:`effekt.synthetic.panels.municipality_panel` for every outcome and benefit
        group the note reports for the project, stacked (columns ``project, outcome,
        benefit`` tell them apart); ``attrs["truth"]`` holds the changes in gaps keyed by
        figure id.

    Examples
    --------
    >>> from effekt import synthetic
    >>> df = synthetic.study("{key}", seed=1)
    >>> sorted(df.attrs["truth"]) == sorted(
    ...     {ids})
    True
    """


def stv(*, seed: int | None = 0, sample_scale: float = 1.0) -> pd.DataFrame:
    check_number(sample_scale, "sample_scale", "stv", low=0.0, low_open=True)
    return _star2020("stv", seed)


def brf(*, seed: int | None = 0, sample_scale: float = 1.0) -> pd.DataFrame:
    check_number(sample_scale, "sample_scale", "brf", low=0.0, low_open=True)
    return _star2020("brf", seed)


def hir(*, seed: int | None = 0, sample_scale: float = 1.0) -> pd.DataFrame:
    check_number(sample_scale, "sample_scale", "hir", low=0.0, low_open=True)
    return _star2020("hir", seed)


# what every municipality panel assumes (effekt.synthetic.panels.municipality_panel)
_PANEL_ASSUMES = (
    "The other assumptions of :func:`effekt.synthetic.panels.municipality_panel`: 98 "
    "municipalities of log-normal size, persistent municipality differences (SD 0.25 on the "
    "log share), monthly noise, 12 months before the start in parallel with the rest of the "
    "country. In the project's first and last months the group shares equal the published "
    "ones (to < 0.01 pp). ``sample_scale`` does not change the panel (the country has 98 "
    "municipalities)."
)


def _star2020_say(project: str, prefix: str = "") -> str:
    """What the STAR 2020 note says of a project: its figures' texts in effekt.studies (the
    shares themselves are package data, written once)."""
    return prefix + "; ".join(reported(project)["text"]) + "."


_STV_ASSUMPTIONS = Assumptions(
    notes_say=_star2020_say("stv"),
    assumes="20 participating municipalities and the group sizes (17,500 vs 52,500 "
    "cash-benefit recipients, 5,000 vs 15,000 in resource course at the start) are assumed. "
    + _PANEL_ASSUMES,
)
_BRF_ASSUMPTIONS = Assumptions(
    notes_say=_star2020_say("brf"),
    assumes="14 participating municipalities (assumed); group sizes from the note's counts "
    "(6,000 -> 7,000 in participating municipalities). " + _PANEL_ASSUMES,
)
_HIR_ASSUMPTIONS = Assumptions(
    notes_say=_star2020_say("hir", prefix="15 participating municipalities; "),
    assumes="group sizes (3,300 vs 18,700 in resource course at the start) are assumed. "
    + _PANEL_ASSUMES,
)
stv.__doc__ = _STAR_DOC.format(
    name="Særligt Tilrettelagt Virksomhedsforløb (STV, Nov 2016 - Dec 2018)",
    key="stv",
    ids='["stv.company_cash", "stv.company_resource", "stv.paid_hours_cash",\n'
    '    ...      "stv.paid_hours_resource"]',
)
brf.__doc__ = _STAR_DOC.format(
    name="Bedre Ressourceforløb (BRF, Jan 2017 - Dec 2018)",
    key="brf",
    ids='["brf.company_resource", "brf.paid_hours_resource"]',
)
hir.__doc__ = _STAR_DOC.format(
    name="Håndholdt indsats i ressourceforløb (HIR, Mar 2018 - Mar 2019)",
    key="hir",
    ids='["hir.company_resource", "hir.paid_hours_resource"]',
)
stv = _states(_STV_ASSUMPTIONS)(stv)
brf = _states(_BRF_ASSUMPTIONS)(brf)
hir = _states(_HIR_ASSUMPTIONS)(hir)


#: Study key -> generator.
STUDY_GENERATORS: dict[str, Callable[..., pd.DataFrame]] = {
    "mentor": mentor,
    "jobfirst": jobfirst,
    "ips": ips,
    "vcg2": vcg2,
    "brobygning": brobygning,
    "voksenlaerling": voksenlaerling,
    "jobrotation": jobrotation,
    "stv": stv,
    "brf": brf,
    "hir": hir,
    "biu_providers": biu_providers,
    # panels of issue 6 (figures also re-estimated from the studies above)
    "ips_weeks": ips_weeks,
    "jobfirst_panel": jobfirst_panel,
}


#: Study key -> what its generator takes from the notes and what it assumes beyond them
#: (:class:`Assumptions`; the same text is in each generator's docstring).
ASSUMPTIONS: dict[str, Assumptions] = {
    "mentor": _MENTOR_ASSUMPTIONS,
    "jobfirst": _JOBFIRST_ASSUMPTIONS,
    "ips": _IPS_ASSUMPTIONS,
    "vcg2": _VCG2_ASSUMPTIONS,
    "brobygning": _BROBYGNING_ASSUMPTIONS,
    "voksenlaerling": _VOKSENLAERLING_ASSUMPTIONS,
    "jobrotation": _JOBROTATION_ASSUMPTIONS,
    "stv": _STV_ASSUMPTIONS,
    "brf": _BRF_ASSUMPTIONS,
    "hir": _HIR_ASSUMPTIONS,
    "biu_providers": _BIU_PROVIDERS_ASSUMPTIONS,
    "ips_weeks": _IPS_WEEKS_ASSUMPTIONS,
    "jobfirst_panel": _JOBFIRST_PANEL_ASSUMPTIONS,
}


def study(study: str, *, seed: int | None = 0, sample_scale: float = 1.0) -> pd.DataFrame:
    """Rows for one study of the notes, calibrated to its reported figures.

    Parameters
    ----------
    study : str
        One of ``"mentor"``, ``"jobfirst"``, ``"ips"`` (trials, one row per person),
        ``"vcg2"``, ``"brobygning"``, ``"voksenlaerling"`` (matched studies),
        ``"jobrotation"`` (time to unsubsidised job with censoring), ``"stv"``, ``"brf"``,
        ``"hir"`` (municipality x month counts of the STAR 2020 note, section 3),
        ``"biu_providers"`` (simple effects), ``"ips_weeks"`` (IPS weeks in work over 18
        months) and ``"jobfirst_panel"`` (JobFirst weekly person x week panel). See each
        generator in :mod:`effekt.synthetic.studies` for what the notes say and what it
        assumes; the panels come from :mod:`effekt.synthetic.panels`.
    seed : int or None, default 0
        Seed of the numpy Generator (``None``: fresh entropy).
    sample_scale : float, default 1.0
        Multiplies every group size (1.0 = the sizes in the notes), up to 100; use a smaller
        multiplier for quick simulations.

    Returns
    -------
    DataFrame
        Individual rows; ``attrs["truth"]`` holds the true effects keyed by the figure ids
        of :func:`effekt.studies.reported`.

    Examples
    --------
    >>> from effekt import synthetic
    >>> df = synthetic.study("ips", seed=0, sample_scale=2.0)
    >>> len(df)
    1440
    """
    if not isinstance(study, str) or study not in STUDY_GENERATORS:
        raise argument_error(
            "study", "study", f"one of {', '.join(map(repr, STUDY_GENERATORS))}", study
        )
    scale = check_number(sample_scale, "sample_scale", "study", low=0.0, low_open=True, high=100.0)
    return STUDY_GENERATORS[study](seed=seed, sample_scale=scale)
