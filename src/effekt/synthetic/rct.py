"""A randomised trial with a binary outcome and realistic Danish register covariates.

Examples
--------
>>> from effekt.synthetic import rct
>>> df = rct(1302, 1291, p_control=0.12, effect=0.04, seed=1)
>>> df.shape
(2593, 9)
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd

from .._validate import argument_error, check_choice, check_number, check_seed
from ..errors import EffektError

__all__ = ["rct", "COVARIATE_STRENGTH", "BENEFIT_GROUPS", "PARENTS_EDUCATION"]

#: How strongly the latent "resources" score moves a person's outcome probability:
#: ``p_i = p_g + COVARIATE_STRENGTH * u_i * min(p_g, 1 - p_g)``.
COVARIATE_STRENGTH = 0.8
BENEFIT_GROUPS = ("kontanthjælp", "uddannelseshjælp", "ressourceforløb")
PARENTS_EDUCATION = ("basic", "vocational", "higher")


def rct(
    n_treated: int,
    n_control: int,
    p_control: float,
    effect: float,
    *,
    clusters: int | None = None,
    icc: float = 0.0,
    assignment: Literal["cluster", "individual"] = "cluster",
    seed: int | np.random.Generator | None = 0,
) -> pd.DataFrame:
    """Simulate a two-arm trial on vulnerable benefit recipients with a 0/1 outcome.

    Parameters
    ----------
    n_treated, n_control : int
        Persons in the treatment and the control group (exactly these numbers).
    p_control : float
        Expected outcome share without treatment, in (0, 1).
    effect : float
        True average effect on the share (a fraction: 0.04 = 4 pp);
        ``p_control + effect`` must lie in [0, 1].
    clusters : int, optional
        Number of clusters (job centres / municipalities). Required when ``icc > 0``.
    icc : float, default 0
        Intra-cluster correlation of the outcome without treatment, in [0, 1).
    assignment : {"cluster", "individual"}, default "cluster"
        With ``clusters``: randomise whole clusters (the treated share of clusters is
        ``n_treated / (n_treated + n_control)``, rounded, at least one per arm) or persons
        within clusters (clusters are then randomisation strata).
    seed : int, numpy Generator or None, default 0
        Randomness (``None``: fresh entropy).

    Returns
    -------
    DataFrame
        One row per person, in random order, with columns

        ``id`` (int), ``cluster`` (int 1..G, only with ``clusters``), ``treated`` (0/1),
        ``outcome`` (0/1), ``age`` (years, int), ``gender`` ("woman"/"man"),
        ``benefit_group`` ("kontanthjælp", "uddannelseshjælp", "ressourceforløb"),
        ``months_on_benefit`` (int >= 1), ``grade_9th`` (9th-grade exam average on the
        Danish 7-point scale, -3 to 12, one decimal) and ``parents_education``
        ("basic", "vocational", "higher").
        ``attrs`` holds ``true_effect``, ``p_control`` and ``icc``.

    Notes
    -----
    Data-generating process (the truth the tests check):

    1. Each person has a latent resources score ``u ~ Uniform(-1, 1)``; the covariates are
       noisy functions of it (higher ``u``: higher grade, more educated parents, shorter
       time on benefit, less often ressourceforløb). Covariates are independent of
       treatment and cluster.
    2. Cluster ``g`` has a baseline probability ``p_g ~ Beta(p_c (1/ICC - 1),
       (1 - p_c)(1/ICC - 1))`` (``p_g = p_c`` when ``icc = 0``): mean ``p_c`` and
       ``Var(p_g) = ICC p_c (1 - p_c)``, a random effect on the probability scale, so the
       intra-cluster correlation of the untreated outcome is exactly ``icc``.
    3. Untreated probability ``p_i = p_g + COVARIATE_STRENGTH * u_i * min(p_g, 1 - p_g)``
       (within [0, 1], mean ``p_c``).
    4. Treated probability ``q_i = p_i + effect (1 - p_i) / (1 - p_c)`` for ``effect >= 0``
       and ``q_i = p_i (1 + effect / p_c)`` for ``effect < 0`` (within [0, 1]; the effect
       is larger for persons with a low ``p_i`` when positive).
    5. ``outcome ~ Bernoulli(q_i if treated else p_i)``.

    **True effect**: ``E[q_i - p_i] = effect`` exactly (the average treatment effect in the
    population); the expected shares are ``p_control`` and ``p_control + effect``.

    Examples
    --------
    >>> from effekt.synthetic import rct
    >>> df = rct(1302, 1291, p_control=0.12, effect=0.04, clusters=13, icc=0.01, seed=2)
    >>> int(df["treated"].sum()), df["cluster"].nunique()
    (1302, 13)
    >>> sorted(df.columns)[:4]
    ['age', 'benefit_group', 'cluster', 'gender']
    """
    func = "synthetic.rct"
    n_t = int(check_number(n_treated, "n_treated", func, low=1, integer=True))
    n_c = int(check_number(n_control, "n_control", func, low=1, integer=True))
    p_c = check_number(p_control, "p_control", func, low=0, high=1, low_open=True, high_open=True)
    eff = check_number(effect, "effect", func)
    if not 0 <= p_c + eff <= 1:
        raise argument_error(
            func,
            "effect",
            f"such that p_control + effect lies in [0, 1] (p_control = {p_c:g})",
            effect,
        )
    rho = check_number(icc, "icc", func, low=0, high=1, high_open=True)
    check_choice(assignment, "assignment", func, ("cluster", "individual"))
    if clusters is not None:
        G = int(check_number(clusters, "clusters", func, low=2, integer=True))
    elif rho > 0:
        raise EffektError(
            f"The 'icc' argument of {func}() is {rho:g} but 'clusters' is not given; "
            "pass clusters= (the number of job centres / municipalities)."
        )
    else:
        G = 0
    rng = check_seed(seed, "rct")
    n = n_t + n_c
    treated = np.zeros(n, dtype=np.int8)
    treated[:n_t] = 1
    if G:
        cluster = _assign_clusters(rng, G, n_t, n_c, assignment, clusters)
        if rho > 0:
            scale = 1 / rho - 1
            p_g = rng.beta(p_c * scale, (1 - p_c) * scale, size=G)
        else:
            p_g = np.full(G, p_c)
        base = p_g[cluster]
    else:
        cluster = None
        base = np.full(n, p_c)
    u, columns = _covariates(rng, n)

    # Outcome.
    p_i = base + COVARIATE_STRENGTH * u * np.minimum(base, 1 - base)
    if eff >= 0:
        q_i = p_i + eff * (1 - p_i) / (1 - p_c)
    else:
        q_i = p_i * (1 + eff / p_c)
    prob = np.where(treated == 1, q_i, p_i)
    outcome = (rng.uniform(size=n) < prob).astype(np.int8)

    out: dict[str, np.ndarray] = {"id": np.arange(1, n + 1)}
    if cluster is not None:
        out["cluster"] = cluster + 1
    out.update(treated=treated, outcome=outcome, **columns)
    perm = rng.permutation(n)
    frame = pd.DataFrame({k: v[perm] for k, v in out.items()})
    frame["id"] = np.arange(1, n + 1)
    frame.attrs.update(true_effect=eff, p_control=p_c, icc=rho)
    return frame


def _assign_clusters(
    rng: np.random.Generator,
    G: int,
    n_t: int,
    n_c: int,
    assignment: str,
    clusters: int | None,
) -> np.ndarray:
    """Cluster index (0..G-1) per person, treated first: whole clusters or persons randomised."""
    func = "synthetic.rct"
    n = n_t + n_c
    if assignment != "cluster":
        return np.concatenate(
            [rng.permutation(np.arange(n_t) % G), rng.permutation(np.arange(n_c) % G)]
        )
    if G > n or G < 2:
        raise argument_error(
            func, "clusters", f"between 2 and the number of persons ({n})", clusters
        )
    g_t = int(np.clip(round(G * n_t / n), 1, G - 1))
    if g_t > n_t or G - g_t > n_c:
        raise argument_error(
            func,
            "clusters",
            f"small enough to give every cluster a person (n_treated={n_t}, n_control={n_c})",
            clusters,
        )
    order = rng.permutation(G)
    cl_t, cl_c = order[:g_t], order[g_t:]
    return np.concatenate(
        [
            cl_t[rng.permutation(np.arange(n_t) % g_t)],
            cl_c[rng.permutation(np.arange(n_c) % (G - g_t))],
        ]
    )


def _covariates(rng: np.random.Generator, n: int) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """The latent resources score ``u`` and the register covariates driven by it."""
    u = rng.uniform(-1, 1, n)
    w = np.column_stack([np.full(n, 0.5), 0.3 * (1 + 0.3 * u), 0.2 * (1 - 0.6 * u)])
    cum = np.cumsum(w / w.sum(axis=1, keepdims=True), axis=1)
    group_code = (rng.uniform(size=n)[:, None] > cum[:, :2]).sum(axis=1)
    benefit = np.asarray(BENEFIT_GROUPS, dtype=object)[group_code]
    age = np.where(
        group_code == 1,
        rng.integers(18, 30, n),
        np.where(
            group_code == 0, 30 + rng.triangular(0, 0, 35, n), 25 + rng.triangular(0, 15, 40, n)
        ).astype(int),
    ).astype(int)
    gender = np.where(rng.uniform(size=n) < 0.47, "woman", "man").astype(object)
    mean_months = np.array([40.0, 14.0, 70.0])[group_code] * np.exp(-0.4 * u)
    months = 1 + rng.poisson(rng.gamma(2.0, mean_months / 2.0))
    grade = np.clip(np.round(4.5 + 2.5 * u + rng.normal(0, 1.8, n), 1), -3, 12)
    score = 0.8 * u + rng.normal(0, 0.8, n)
    parents = np.asarray(PARENTS_EDUCATION, dtype=object)[np.digitize(score, [-0.3, 0.7])]
    return u, {
        "age": age,
        "gender": gender,
        "benefit_group": benefit,
        "months_on_benefit": months.astype(int),
        "grade_9th": grade,
        "parents_education": parents,
    }
