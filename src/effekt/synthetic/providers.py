"""Synthetic provider data: participants of several course providers with a known truth.

Examples
--------
>>> from effekt.synthetic import providers
>>> df = providers(4, 50, seed=1)
>>> df.shape[0], df["provider"].nunique()
(200, 4)
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from .._validate import argument_error, check_number, check_seed

__all__ = ["providers", "PROVIDER_INTERCEPT", "PROVIDER_COEFFICIENTS"]

#: Intercept of the true outcome model (logit of ``job_6m`` at the reference case mix).
PROVIDER_INTERCEPT = -0.2

#: True log-odds coefficients of the case-mix columns in the outcome model. Numeric
#: columns enter centred as ``(age - 40) / 10``, ``months_unemployed / 6`` and as is;
#: categorical columns by level (reference levels "insured" and "vocational" have 0).
PROVIDER_COEFFICIENTS: dict[str, float] = {
    "age": -0.25,
    "female": 0.05,
    "benefit_group[cash_benefit]": -0.9,
    "benefit_group[sickness]": -0.6,
    "education[basic]": -0.35,
    "education[higher]": 0.25,
    "months_unemployed": -0.45,
    "health_issues": -0.8,
    "immigrant": -0.2,
    "prior_employment": 1.0,
    "children": -0.1,
    "urban": 0.15,
}


def _expit(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def _per_provider(
    value: float | Sequence[float] | np.ndarray | None, n: int, name: str, default: float
) -> np.ndarray:
    if value is None:
        return np.full(n, default)
    requirement = f"a finite number or a sequence of {n} numbers (one per provider)"
    try:
        arr = np.atleast_1d(np.asarray(value, dtype=float))
    except (TypeError, ValueError):
        raise argument_error("providers", name, requirement, value) from None
    if arr.size == 1:
        return np.full(n, float(arr[0]))
    if arr.shape != (n,) or not np.isfinite(arr).all():
        raise argument_error("providers", name, requirement, value)
    return arr


def providers(
    n_providers: int,
    participants_per_provider: int | Sequence[int],
    *,
    case_mix_shift: float | Sequence[float] = 0.0,
    provider_effects: float | Sequence[float] | None = None,
    period_effect: float | Sequence[float] = 0.0,
    n_periods: int = 2,
    seed: int | np.random.Generator | None = 0,
) -> pd.DataFrame:
    """Participants of ``n_providers`` course providers with case mix, period and a job outcome.

    Parameters
    ----------
    n_providers : int
        Number of providers (>= 1), labelled ``"P01"``, ``"P02"``, ...
    participants_per_provider : int or sequence of int
        Participants per provider (one number for all, or one per provider).
    case_mix_shift : float or sequence of float, default 0
        How far each provider's participants are from the labour market, in standard
        deviations of a latent "distance" score. A number ``s`` spreads the providers evenly
        over ``[-s, s]`` (provider 1 gets the strongest participants); a sequence gives each
        provider's shift. Shifts change who is sent to a provider, not what it does.
    provider_effects : float or sequence of float, optional
        The true effect of each provider, as a change in the probability of a job
        (fractions: ``0.10`` is +10 percentage points), added to every participant's
        probability. Default: no provider effect (all zero).
    period_effect : float or sequence of float, default 0
        Business cycle: a number ``b`` adds ``b * k`` to the log-odds of a job in period
        ``k = 0, 1, ...``; a sequence gives the log-odds shift of each period.
    n_periods : int, default 2
        Number of periods (years ``2019, 2020, ...``); participants are spread uniformly.
    seed : int, numpy Generator or None, default 0
        Randomness (``None``: fresh entropy).

    Returns
    -------
    DataFrame
        One row per participant:

        ``provider`` (str), ``period`` (int year), case mix ``age`` (18-64),
        ``female`` (0/1), ``benefit_group`` ("insured", "cash_benefit", "sickness"),
        ``education`` ("basic", "vocational", "higher"), ``months_unemployed`` (>= 0),
        ``health_issues`` (0/1), ``immigrant`` (0/1), ``prior_employment`` (share of the
        past three years in work, 0-1), ``children`` (0/1), ``urban`` (0/1); outcome
        ``job_6m`` (0/1: in a job 6 months after the course); truth columns
        ``true_probability`` (the participant's probability of ``job_6m``) and
        ``true_provider_effect`` (the provider's effect, a fraction).

    Notes
    -----
    Data-generating process. Provider ``g`` has shift ``s_g``; each participant has a latent
    distance ``d ~ N(s_g, 1)`` from the labour market that drives the case mix:
    ``age = clip(40 + 6 d + 9 e, 18, 64)``, ``months_unemployed ~ Gamma(2, 3 exp(0.5 d))``,
    ``health_issues ~ Bernoulli(expit(-1.4 + 0.9 d))``, ``prior_employment ~ Beta`` with mean
    ``expit(0.3 - 0.8 d)``, ``benefit_group`` multinomial with log-odds ``(0, -0.6 + 0.8 d,
    -1.6 + 0.5 d)``, ``education`` with log-odds ``(0.3 d - 0.5, 0, -0.6 - 0.5 d)`` and
    ``immigrant ~ Bernoulli(expit(-1.6 + 0.5 d))``; ``female``, ``children`` and ``urban``
    are independent of ``d``. The outcome is

    ``P(job_6m) = clip(expit(INTERCEPT + x' COEFFICIENTS + period_k) + delta_g, 0, 1)``

    (``INTERCEPT`` = :data:`PROVIDER_INTERCEPT`, ``COEFFICIENTS`` = :data:`PROVIDER_COEFFICIENTS`)

    with ``delta_g`` the provider effect. The case-mix columns are all the outcome model
    needs: a logistic regression on them recovers the truth when every ``delta_g = 0``, and
    a provider with ``delta_g > 0`` raises its participants' probability by exactly
    ``delta_g`` (unless clipped at 1). ``d`` itself is not returned.

    Examples
    --------
    >>> df = providers(3, [100, 200, 300], case_mix_shift=1.0,
    ...                provider_effects=[0.0, 0.0, 0.1], seed=2)
    >>> df.groupby("provider").size().tolist()
    [100, 200, 300]
    >>> sorted(df["true_provider_effect"].unique().tolist())
    [0.0, 0.1]
    """
    n_providers = int(
        check_number(n_providers, "n_providers", "providers", low=1, high=100_000, integer=True)
    )
    n_periods = int(check_number(n_periods, "n_periods", "providers", low=1, integer=True))
    sizes = _sizes(participants_per_provider, n_providers)
    rng = check_seed(seed, "providers")
    shift_arr = np.atleast_1d(np.asarray(case_mix_shift, dtype=float))
    if shift_arr.size == 1:
        s = float(shift_arr[0])
        shifts = np.linspace(-s, s, n_providers) if n_providers > 1 else np.zeros(1)
    else:
        shifts = _per_provider(case_mix_shift, n_providers, "case_mix_shift", 0.0)
    effects = _per_provider(provider_effects, n_providers, "provider_effects", 0.0)
    period_arr = np.atleast_1d(np.asarray(period_effect, dtype=float))
    if period_arr.size == 1:
        period_shift = float(period_arr[0]) * np.arange(n_periods)
    elif period_arr.shape == (n_periods,):
        period_shift = period_arr
    else:
        raise argument_error(
            "providers",
            "period_effect",
            f"a number or a sequence of {n_periods} numbers",
            period_effect,
        )

    g = np.repeat(np.arange(n_providers), sizes)
    n = int(sizes.sum())
    x = _case_mix(rng, shifts[g])
    period_idx = rng.integers(0, n_periods, n)
    c = PROVIDER_COEFFICIENTS
    eta = (
        PROVIDER_INTERCEPT
        + c["age"] * (x["age"] - 40) / 10
        + c["female"] * x["female"]
        + c["benefit_group[cash_benefit]"] * (x["benefit"] == 1)
        + c["benefit_group[sickness]"] * (x["benefit"] == 2)
        + c["education[basic]"] * (x["education"] == 0)
        + c["education[higher]"] * (x["education"] == 2)
        + c["months_unemployed"] * x["months_unemployed"] / 6
        + c["health_issues"] * x["health_issues"]
        + c["immigrant"] * x["immigrant"]
        + c["prior_employment"] * x["prior_employment"]
        + c["children"] * x["children"]
        + c["urban"] * x["urban"]
        + period_shift[period_idx]
    )
    prob = np.clip(_expit(eta) + effects[g], 0.0, 1.0)
    job = rng.random(n) < prob

    width = max(2, len(str(n_providers)))
    labels = np.array([f"P{i + 1:0{width}d}" for i in range(n_providers)])
    flag = np.int64
    return pd.DataFrame(
        {
            "provider": labels[g],
            "period": 2019 + period_idx,
            "age": x["age"].astype(np.int64),
            "female": x["female"].astype(flag),
            "benefit_group": np.array(["insured", "cash_benefit", "sickness"])[x["benefit"]],
            "education": np.array(["basic", "vocational", "higher"])[x["education"]],
            "months_unemployed": x["months_unemployed"],
            "health_issues": x["health_issues"].astype(flag),
            "immigrant": x["immigrant"].astype(flag),
            "prior_employment": x["prior_employment"],
            "children": x["children"].astype(flag),
            "urban": x["urban"].astype(flag),
            "job_6m": job.astype(np.int64),
            "true_probability": prob,
            "true_provider_effect": effects[g],
        }
    )


#: Synthetic data sets are capped at ten million rows (about a gigabyte of columns).
MAX_SYNTHETIC_ROWS = 10_000_000


def _sizes(participants_per_provider: int | Sequence[int], n_providers: int) -> np.ndarray:
    sizes = np.atleast_1d(np.asarray(participants_per_provider))
    if sizes.size == 1:
        sizes = np.full(n_providers, sizes[0])
    if (
        sizes.shape != (n_providers,)
        or not np.issubdtype(sizes.dtype, np.number)
        or (sizes < 1).any()
        or (sizes != np.round(sizes)).any()
        or float(np.sum(sizes, dtype=float)) > MAX_SYNTHETIC_ROWS
    ):
        raise argument_error(
            "providers",
            "participants_per_provider",
            f"a positive integer or a sequence of {n_providers} positive integers, "
            f"at most {MAX_SYNTHETIC_ROWS:,} participants in all",
            participants_per_provider,
        )
    return sizes.astype(np.int64)


def _case_mix(rng: np.random.Generator, shift: np.ndarray) -> dict[str, np.ndarray]:
    """Case mix driven by the latent distance ``d ~ N(shift, 1)`` from the labour market."""
    n = len(shift)
    d = rng.normal(shift, 1.0)
    out: dict[str, np.ndarray] = {
        "age": np.clip(np.round(40 + 6 * d + 9 * rng.standard_normal(n)), 18, 64)
    }
    out["female"] = rng.random(n) < 0.5
    out["months_unemployed"] = np.round(rng.gamma(2.0, 3.0 * np.exp(0.5 * d)), 1)
    out["health_issues"] = rng.random(n) < _expit(-1.4 + 0.9 * d)
    m = _expit(0.3 - 0.8 * d)
    out["prior_employment"] = np.round(rng.beta(4 * m, 4 * (1 - m)), 3)
    out["immigrant"] = rng.random(n) < _expit(-1.6 + 0.5 * d)
    out["children"] = rng.random(n) < 0.35
    out["urban"] = rng.random(n) < 0.6

    def categorical(logits: np.ndarray) -> np.ndarray:
        p = np.exp(logits - logits.max(axis=1, keepdims=True))
        cum = np.cumsum(p / p.sum(axis=1, keepdims=True), axis=1)
        return (rng.random(n)[:, None] > cum[:, :-1]).sum(axis=1)

    out["benefit"] = categorical(np.column_stack([np.zeros(n), -0.6 + 0.8 * d, -1.6 + 0.5 * d]))
    out["education"] = categorical(np.column_stack([0.3 * d - 0.5, np.zeros(n), -0.6 - 0.5 * d]))
    return out
