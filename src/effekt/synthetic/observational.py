"""Simulated observational (non-randomised) data in which selection into treatment is confounded.

:func:`observational` draws a register-style extract of people on public support: their
covariates drive both who takes part in a programme and who finds a job, so the naive
difference between participants and non-participants is biased while matching or weighting
on the covariates recovers the true effect. An optional unobserved trait ``u`` also drives
selection and the outcome, as the expert group feared in the SFI 2015 mentor study.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import optimize, special

from .._validate import argument_error, check_number, check_seed

__all__ = ["observational", "OBSERVATIONAL_P0_RANGE"]

#: Range of the untreated job probability ``p0``: the effect must keep ``p0 + effect`` in (0, 1).
OBSERVATIONAL_P0_RANGE = (0.05, 0.60)

_EDUCATION = np.array(["primary", "upper_secondary", "vocational", "higher"])
_EDUCATION_P = np.array([0.45, 0.15, 0.30, 0.10])


def observational(
    n: int,
    effect: float,
    *,
    selection_strength: float = 1.0,
    unobserved_confounding: float = 0.0,
    treated_share: float = 0.2,
    observed_u: bool = False,
    potential_outcomes: bool = False,
    seed: int | np.random.Generator | None = 0,
) -> pd.DataFrame:
    """Observational data with confounded selection into a programme and a known true effect.

    Parameters
    ----------
    n : int
        Number of people (rows), at least 10.
    effect : float
        The true effect of the programme on the probability of a job, as a fraction
        (``0.05`` = +5 pp). It is the same for everybody (additive on the probability
        scale), so the ATT, the ATE and every subgroup effect equal ``effect``. Must lie in
        ``[-0.05, 0.40]`` so that probabilities stay inside (0, 1).
    selection_strength : float, default 1.0
        Multiplies the covariates' influence on who takes part; 0 gives a randomised
        allocation (no bias), 1 a naive bias of about +11 pp.
    unobserved_confounding : float, default 0.0
        Strength ``c >= 0`` of an unobserved trait ``u ~ N(0, 1)`` that raises the odds of
        taking part (log-odds ``+c u``) and lowers the job chances (index ``-c u``), so that
        analyses adjusting only for the observed covariates underestimate the effect.
    treated_share : float, default 0.2
        Expected share of participants, between 0.01 and 0.9; the intercept of the
        selection model is solved so that the mean selection probability in the sample
        equals it.
    observed_u : bool, default False
        Include the confounder ``u`` as a column (hidden by default, as in register data).
    potential_outcomes : bool, default False
        Also return ``p0`` (job probability without the programme) and the potential
        outcomes ``job0`` and ``job1``.
    seed : int, numpy Generator or None, default 0
        Randomness (``None``: fresh entropy).

    Returns
    -------
    pandas.DataFrame
        One row per person with columns ``age`` (18-64), ``gender`` ("female"/"male"),
        ``benefit_group`` ("kontanthjælp"/"ressourceforløb"), ``education`` ("primary",
        "upper_secondary", "vocational", "higher"), ``months_on_benefit`` (1-120),
        ``prior_employment`` (share of the last three years in a job, 0-1), ``treated``
        (0/1), ``job`` (0/1 outcome) and, on request, ``u``, ``p0``, ``job0``, ``job1``.
        ``frame.attrs["truth"]`` holds the true ATT and ATE (both ``effect``).

    Notes
    -----
    Data-generating process, with ``a = (age - 40)/12``, ``m = (months - 30)/25`` and
    ``e = (prior_employment - 0.2)/0.15``:

    * selection (caseworkers pick the most job-ready, "creaming"):
      ``logit P(treated) = alpha + s (0.5 e - 0.4 a - 0.5 m + 0.4 [higher] + 0.2 [vocational]
      - 0.3 [ressourceforløb] + 0.2 [female]) + c u`` with ``s = selection_strength``. It is
      linear in the covariates (categoricals as dummies), so a logistic propensity model
      on the observed covariates is correctly specified when ``c = 0``;
    * job without the programme: ``p0 = 0.05 + 0.55 expit(-1 + 0.8 e - 0.5 a - 0.7 m
      - 0.8 [ressourceforløb] + 0.3 [vocational] + 0.5 [higher] - c u)``, in (0.05, 0.60);
    * job with the programme: ``p1 = p0 + effect`` (``TRUE_ATT = TRUE_ATE = effect``);
    * one uniform draw ``V`` per person gives ``job0 = [V < p0]``, ``job1 = [V < p1]``
      and ``job = job1`` for participants, ``job0`` for the others.

    Examples
    --------
    >>> from effekt.synthetic import observational
    >>> df = observational(2000, 0.05, seed=1)
    >>> df.shape, df.attrs["truth"]["att"]
    ((2000, 8), 0.05)
    >>> naive = df.loc[df.treated == 1, "job"].mean() - df.loc[df.treated == 0, "job"].mean()
    >>> bool(naive > 0.05 + 0.03)  # biased upwards by creaming
    True
    """
    func = "observational"
    n = int(check_number(n, "n", func, low=10, integer=True))
    lo, hi = OBSERVATIONAL_P0_RANGE
    effect = check_number(effect, "effect", func)
    if not -lo <= effect <= 1 - hi:
        raise argument_error(
            func,
            "effect",
            f"between {-lo:g} and {1 - hi:g} (a fraction, e.g. 0.05 for +5 pp)",
            effect,
        )
    s = check_number(selection_strength, "selection_strength", func, low=0)
    c = check_number(unobserved_confounding, "unobserved_confounding", func, low=0)
    share = check_number(treated_share, "treated_share", func, low=0.01, high=0.9)
    if seed is not None and (
        isinstance(seed, (bool, np.bool_))
        or not isinstance(seed, (int, np.integer, np.random.Generator))
    ):
        raise argument_error(func, "seed", "an integer, a numpy Generator or None", seed)
    rng = check_seed(seed, "observational")

    resource = rng.random(n) < 0.3
    age = rng.integers(18, 65, size=n)
    female = rng.random(n) < 0.5
    education = _EDUCATION[rng.choice(4, size=n, p=_EDUCATION_P)]
    months = np.clip(np.rint(rng.gamma(2.0, np.where(resource, 24.0, 12.0))), 1, 120)
    prior = np.where(resource, rng.beta(0.8, 6.0, size=n), rng.beta(1.2, 4.0, size=n))
    u = rng.standard_normal(n)
    v = rng.random(n)

    a = (age - 40) / 12
    m = (months - 30) / 25
    e = (prior - 0.2) / 0.15
    higher = education == "higher"
    vocational = education == "vocational"
    index_t = s * (
        0.5 * e
        - 0.4 * a
        - 0.5 * m
        + 0.4 * higher
        + 0.2 * vocational
        - 0.3 * resource
        + 0.2 * female
    )
    with np.errstate(over="ignore", invalid="ignore"):
        culprit = (
            ("selection_strength", s)
            if np.abs(index_t).max() >= np.abs(c * u).max()
            else ("unobserved_confounding", c)
        )
        index_t = index_t + c * u
    alpha = _selection_intercept(index_t, share, *culprit)
    treated = rng.random(n) < special.expit(alpha + index_t)

    index_y = (
        -1 + 0.8 * e - 0.5 * a - 0.7 * m - 0.8 * resource + 0.3 * vocational + 0.5 * higher - c * u
    )
    p0 = lo + (hi - lo) * special.expit(index_y)
    job0 = v < p0
    job1 = v < p0 + effect
    job = np.where(treated, job1, job0)

    frame = pd.DataFrame(
        {
            "age": age.astype(np.int64),
            "gender": np.where(female, "female", "male"),
            "benefit_group": np.where(resource, "ressourceforløb", "kontanthjælp"),
            "education": education,
            "months_on_benefit": months.astype(np.int64),
            "prior_employment": prior,
            "treated": treated.astype(np.int64),
            "job": job.astype(np.int64),
        }
    )
    if observed_u:
        frame.insert(6, "u", u)
    if potential_outcomes:
        frame["p0"] = p0
        frame["job0"] = job0.astype(np.int64)
        frame["job1"] = job1.astype(np.int64)
    frame.attrs["truth"] = {"att": float(effect), "ate": float(effect)}
    return frame


def _selection_intercept(index_t: np.ndarray, share: float, culprit: str, value: float) -> float:
    """The intercept ``alpha`` with ``mean(expit(alpha + index_t)) == share``.

    The mean is increasing in ``alpha`` from 0 to 1, so a root always exists; the bracket
    starts at [-30, 30] and is doubled until it holds the root, which a very strong
    selection (a wide spread of ``index_t``) needs. ``culprit`` (``value``) is the argument
    named in the error when floating point cannot reach the root.
    """
    func = "observational"
    if not np.isfinite(index_t).all():
        raise argument_error(
            func, culprit, "small enough for finite selection log-odds (e.g. <= 100)", value
        )

    def gap(k: float) -> float:
        return float(special.expit(k + index_t).mean() - share)

    lo, hi = -30.0, 30.0
    for _ in range(200):
        if gap(lo) < 0 < gap(hi):
            return float(optimize.brentq(gap, lo, hi, xtol=1e-12))
        lo, hi = lo * 2, hi * 2
        if not np.isfinite(hi):
            break
    raise argument_error(
        func,
        culprit,
        "small enough that the selection model can reach the requested treated_share",
        value,
    )
