"""Case mix of the providers' participants: encoding (through the one covariate encoder,
:func:`effekt._design.encode_covariates`), standardized differences (comparability), the
reference population's design and direct standardisation."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .._design import Design, encode_covariates
from .._inference import wald_arrays
from .._validate import factorize_levels, quote
from ..errors import ColumnError, EffektError, MissingValueError
from . import _stats as _ps

#: Standardized difference in case mix above which a case-mix term is reported as differing
#: (descriptive: the comparability warning itself uses the overlap rule below).
SMD_THRESHOLD = 0.25
#: A provider is not comparable when at least this share of its participants (and at least
#: ``OUTSIDE_MIN`` of them) lie outside the central 99 % of the other providers' case-mix
#: risk scores (``x'b`` without the period), or in periods holding under 0.5 % of the other
#: providers' participants.
OUTSIDE_SHARE = 0.05
OUTSIDE_MIN = 10
#: The providers nest in a case-mix column when at least this share of its variance lies
#: between providers; a categorical column determines them when this share of the
#: participants is at the most common provider of their value of it.
NEST_SHARE = 0.99


@dataclass(frozen=True)
class CaseMix:
    """The case-mix columns (and the period) of the participants, encoded once.

    ``full`` has every level of each categorical column (the comparability check needs
    them); ``model`` drops the first level of each (the design of the logistic model).
    """

    full: np.ndarray
    terms: list[str]
    columns: list[str]
    kinds: list[str]
    model: np.ndarray
    names: list[str]
    order: list[Hashable]
    levels: dict[Hashable, list[object]]
    model_kinds: list[str]


def _check_not_constant(df: pd.DataFrame, design: Design, func: str) -> None:
    for column in dict.fromkeys(design.sources):
        if column in design.levels:
            constant = len(design.levels[column]) < 2
        else:
            values = design.X[:, design.sources.index(column)]
            constant = bool(values.size) and values.min() == values.max()
        if constant:
            raise ColumnError(
                f"The case-mix column {quote(column)} passed to {func}() is constant "
                f"({quote(df[column].iloc[0])}); it cannot adjust anything - remove it from "
                "case_mix."
            )


def encode_case_mix(
    df: pd.DataFrame, case_mix: list[Hashable], period: Hashable | None, func: str
) -> CaseMix:
    """Encode the case mix with :func:`encode_covariates` (it refuses missing, infinite,
    date, decimal-comma and high-cardinality columns) and the period as categories."""
    designs = [encode_covariates(df, case_mix, func, drop_first=False, argument="case-mix column")]
    _check_not_constant(df, designs[0], func)
    kinds = ["case mix"] * len(designs[0].names)
    if period is not None:
        codes, labels = factorize_levels(df[period], period, "period", func)
        periods = pd.DataFrame(
            {period: pd.Categorical.from_codes(codes, categories=labels)}, index=df.index
        )
        designs.append(
            encode_covariates(periods, [period], func, drop_first=False, argument="period column")
        )
        kinds += ["period"] * len(designs[1].names)
    full = np.hstack([d.X for d in designs])
    sources = [s for d in designs for s in d.sources]
    levels = {k: v for d in designs for k, v in d.levels.items()}
    names = [n for d in designs for n in d.names]
    terms, first = [], []
    for j, column in enumerate(sources):
        if column in levels:
            k = j - sources.index(column)
            terms.append(f"{column}={levels[column][k]}")
            first.append(k == 0)
        else:
            terms.append(str(column))
            first.append(False)
    keep = ~np.array(first, dtype=bool)
    return CaseMix(
        full=full,
        terms=terms,
        columns=[str(s) for s in sources],
        kinds=kinds,
        model=full[:, keep],
        names=[n for n, k in zip(names, keep, strict=True) if k],
        order=list(dict.fromkeys(sources)),
        levels=levels,
        model_kinds=[k for k, keep_ in zip(kinds, keep, strict=True) if keep_],
    )


def _one_hot(codes: np.ndarray, k: int, first: int = 0) -> np.ndarray:
    m = np.zeros((codes.size, k - first))
    rows = np.nonzero(codes >= first)[0]
    m[rows, codes[rows] - first] = 1.0
    return m


def group_sums(codes: np.ndarray, G: int, X: np.ndarray) -> np.ndarray:
    """G x k column sums of X within groups (one sparse product)."""
    from scipy import sparse

    M = sparse.csr_matrix(
        (np.ones(codes.size), (codes, np.arange(codes.size))), shape=(G, codes.size)
    )
    return np.asarray(M @ X)


def _standardized_differences(codes: np.ndarray, G: int, X: np.ndarray) -> np.ndarray:
    """G x k standardized differences of each column between each provider and all others."""
    n = np.bincount(codes, minlength=G).astype(float)[:, None]
    N = float(codes.size)
    s1 = group_sums(codes, G, X)
    s2 = group_sums(codes, G, X**2)
    t1, t2 = s1.sum(0), s2.sum(0)
    with np.errstate(invalid="ignore", divide="ignore"):
        m_g = s1 / n
        v_g = np.maximum(s2 / n - m_g**2, 0)
        n_o = N - n
        m_o = (t1 - s1) / n_o
        v_o = np.maximum((t2 - s2) / n_o - m_o**2, 0)
        sd = np.sqrt((v_g + v_o) / 2)
        smd = np.where(sd > 0, (m_g - m_o) / sd, 0.0)
    return smd


def standardise(X: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    mu = X.mean(0)
    sd = X.std(0)
    sd[sd == 0] = 1.0
    return (X - mu) / sd, mu, sd


def reference_design(cm: CaseMix, ref: pd.DataFrame, func: str) -> np.ndarray:
    """The reference population's model design, coded like the analysis data."""
    blocks = []
    for column in cm.order:
        v = ref[column]
        if v.isna().any():
            raise MissingValueError(
                f"The column {quote(column)} of the 'reference_population' argument of {func}() "
                f"has {int(v.isna().sum())} missing values; drop or impute them."
            )
        if column not in cm.levels:
            design = encode_covariates(
                ref, [column], func, argument="'reference_population' column"
            )
            if design.X.shape[1] != 1:
                raise ColumnError(
                    f"The column {quote(column)} is numeric in data but not in the "
                    f"'reference_population' argument of {func}() (dtype {v.dtype}); give it "
                    "the same type in both."
                )
            blocks.append(design.X)
            continue
        levels = cm.levels[column]
        codes = pd.Index(levels).get_indexer(v)
        if (codes < 0).any():
            extra = sorted(map(str, pd.unique(v[codes < 0])))[:5]
            raise EffektError(
                f"The 'reference_population' argument of {func}() has values of {quote(column)} "
                f"that are not in data: {extra}."
            )
        blocks.append(_one_hot(codes, len(levels), first=1))
    return np.hstack(blocks)


def direct_standardisation(
    codes: np.ndarray,
    G: int,
    X: np.ndarray,
    y: np.ndarray,
    ref_X: np.ndarray,
    n: np.ndarray,
    conf_level: float,
    start: tuple[np.ndarray, np.ndarray] | None = None,
) -> dict[str, np.ndarray]:
    """Directly standardised rate per provider (logistic model with provider intercepts),
    its delta-method interval on the logit scale, and the z-test of the rate against the
    participant-weighted mean of all providers' rates (see compare_providers, Notes)."""
    fit = _ps.logistic_fit_fixed_effects(codes, G, X, y, start=start)
    a_, beta, D, U, S_inv = fit["alpha"], fit["beta"], fit["D"], fit["U"], fit["S_inv"]
    eta_ref = ref_X @ beta
    e_b, x_b, w_b = _ps.reference_bins(eta_ref, ref_X)
    P = _ps.expit(a_[:, None] + e_b[None, :])  # G x bins
    Q = P * (1 - P)
    r = P @ w_b
    ga = Q @ w_b  # d r_g / d alpha_g
    gb = (Q * w_b[None, :]) @ x_b  # d r_g / d beta (G x p)
    # Var(r_g): alpha_g has variance 1/D_g + U_g S^-1 U_g', cov(alpha_g, beta) = -U_g S^-1
    m = ga[:, None] * U - gb
    var_r = ga**2 / D + np.einsum("gj,jk,gk->g", m, S_inv, m)
    with np.errstate(invalid="ignore", divide="ignore"):
        lr = np.log(r / (1 - r))
        se_l = np.sqrt(var_r) / (r * (1 - r))
    lo_l, hi_l, _ = wald_arrays(lr, se_l, conf_level)
    lo, hi = _ps.expit(lo_l), _ps.expit(hi_l)
    # contrast r_g - sum_h omega_h r_h
    om = n / n.sum()
    ga_om = om * ga
    m1 = ga[:, None] * U - (ga_om @ U)[None, :]
    gbeta = gb - (om @ gb)[None, :]
    diag1 = ga**2 * (1 - 2 * om) / D + np.sum(ga_om**2 / D)
    mm = m1 - gbeta
    var_c = diag1 + np.einsum("gj,jk,gk->g", mm, S_inv, mm)
    # no variance (no information): statistic 0 and p = 1
    informative = var_c > 0
    contrast_ = np.where(informative, r - om @ r, 0.0)
    se_c = np.sqrt(np.where(informative, var_c, 0.0))
    with np.errstate(invalid="ignore", divide="ignore"):
        z = np.where(informative, contrast_ / np.where(informative, se_c, 1.0), 0.0)
    return {
        "rate": r,
        "ci_low": lo,
        "ci_high": hi,
        "z": z,
        "pvalue": wald_arrays(contrast_, se_c, conf_level)[2],
        "se": np.sqrt(var_r),
    }


def _outside_rows(codes: np.ndarray, G: int, score: np.ndarray, tail: float) -> np.ndarray:
    """Participants whose ``score`` lies below the ``tail`` or above the ``1 - tail``
    quantile of the *other* providers' participants (binned at 2,000 quantiles; exact for
    discrete scores)."""
    edges = np.unique(np.quantile(score, np.linspace(0, 1, 2001)))
    B = edges.size
    b = np.clip(np.searchsorted(edges, score, side="right") - 1, 0, B - 1)
    counts = np.bincount(codes * B + b, minlength=G * B).reshape(G, B).astype(float)
    others = counts.sum(0)[None, :] - counts
    total = np.maximum(others.sum(1, keepdims=True), 1.0)
    low = np.argmax(np.cumsum(others, 1) / total > tail, axis=1)
    high = B - 1 - np.argmax(np.cumsum(others[:, ::-1], 1) / total > tail, axis=1)
    return (b < low[codes]) | (b > high[codes])


def _rare_level_rows(codes: np.ndarray, G: int, dummies: np.ndarray) -> np.ndarray:
    """Participants in a category (a column of ``dummies``) holding under 0.5 % of the
    other providers' participants."""
    if dummies.shape[1] == 0:
        return np.zeros(codes.size, dtype=bool)
    s = group_sums(codes, G, dummies)
    n = np.bincount(codes, minlength=G).astype(float)
    others = (s.sum(0)[None, :] - s) / np.maximum(codes.size - n, 1.0)[:, None]
    return ((dummies > 0) & (others[codes] < 0.005)).any(axis=1)


def comparability(
    cm: CaseMix,
    codes: np.ndarray,
    labels: np.ndarray,
    beta: np.ndarray,
    X: np.ndarray,
) -> pd.DataFrame:
    """One row per provider: how much of its case mix lies outside what the others cover.

    ``outside_share``: share of its participants whose case-mix risk score ``x'b`` (the
    fitted model without the period) lies outside the central 99 % of the other providers'
    participants, or who are in a category holding under 0.5 % of the other providers'
    participants; ``period_outside_share``: share in periods holding under 0.5 % of the
    others' participants; ``comparable`` is False when either reaches
    :data:`OUTSIDE_SHARE` with at least :data:`OUTSIDE_MIN` participants. ``column`` and
    ``smd`` name the case-mix column with the largest standardized difference (a
    categorical column once, by its most different level)."""
    G = len(labels)
    n = np.bincount(codes, minlength=G).astype(float)
    is_cm = np.array([k == "case mix" for k in cm.model_kinds], dtype=bool)
    kind = np.array(cm.kinds)
    categorical = np.array([c in map(str, cm.levels) for c in cm.columns], dtype=bool)
    outside = _outside_rows(codes, G, X[:, is_cm] @ beta[1:][is_cm], 0.005)
    outside |= _rare_level_rows(codes, G, cm.full[:, categorical & (kind == "case mix")])
    out_cm = np.bincount(codes, weights=outside, minlength=G)
    in_rare_period = _rare_level_rows(codes, G, cm.full[:, kind == "period"])
    out_p = np.bincount(codes, weights=in_rare_period, minlength=G)
    smd = _standardized_differences(codes, G, cm.full)
    keep = [j for j, k in enumerate(cm.kinds) if k == "case mix"]
    worst = np.asarray(keep)[np.argmax(np.abs(smd[:, keep]), axis=1)]
    bad = ((out_cm >= OUTSIDE_SHARE * n) & (out_cm >= OUTSIDE_MIN)) | (
        (out_p >= OUTSIDE_SHARE * n) & (out_p >= OUTSIDE_MIN)
    )
    return pd.DataFrame(
        {
            "provider": labels,
            "participants": n.astype(np.int64),
            "outside_share": out_cm / n,
            "period_outside_share": out_p / n,
            "comparable": ~bad,
            "column": [cm.columns[t] for t in worst],
            "term": [cm.terms[t] for t in worst],
            "smd": smd[np.arange(G), worst],
        }
    )


def _between_share(cm: CaseMix, codes: np.ndarray, G: int) -> dict[str, float]:
    """Per case-mix column, the share of its variance lying between providers (R^2 of the
    column, or of its dummies together, on the provider), over providers with 2+ people."""
    n = np.bincount(codes, minlength=G).astype(float)
    rows = n[codes] >= 2
    X, c = cm.full[rows], codes[rows]
    s1, s2 = group_sums(c, G, X), group_sums(c, G, X**2)
    with np.errstate(invalid="ignore", divide="ignore"):
        within = np.nansum(s2 - s1**2 / n[:, None], axis=0)
    total = ((X - X.mean(0)) ** 2).sum(0)
    out: dict[str, float] = {}
    for column in dict.fromkeys(cm.columns):
        cols = [j for j, name in enumerate(cm.columns) if name == column]
        tot = total[cols].sum()
        out[column] = 1.0 - within[cols].sum() / tot if tot > 0 else 0.0
    return out


def check_not_provider_level(
    df: pd.DataFrame, cm: CaseMix, codes: np.ndarray, G: int, func: str
) -> None:
    """Raise when the providers nest in a case-mix column (at least :data:`NEST_SHARE` of its
    variance lies between providers) or, for a categorical column with on average 5+
    participants per value, it determines them (that share of the participants is at the
    most common provider of their value): the adjustment would then absorb the provider
    differences it is meant to show."""
    N = codes.size
    between = _between_share(cm, codes, G)
    for column in cm.order:
        if cm.kinds[cm.columns.index(str(column))] != "case mix":
            continue
        nested = between[str(column)]
        determined = 0.0
        if column in cm.levels and len(cm.levels[column]) <= N / 5:
            values = pd.factorize(df[column])[0]
            L = int(values.max()) + 1
            counts = np.bincount(codes * L + values, minlength=G * L).reshape(G, L)
            determined = counts.max(0).sum() / N
        if nested >= NEST_SHARE or determined >= NEST_SHARE:
            what = (
                f"{100 * nested:.1f} % of its variation lies between providers (each provider "
                "has essentially one value of it)"
                if nested >= NEST_SHARE
                else f"each of its values belongs essentially to one provider "
                f"({100 * determined:.1f} % of the participants)"
            )
            raise ColumnError(
                f"The case-mix column {quote(column)} passed to {func}() is a provider-level "
                f"column: {what}. Adjusting for it would absorb the very differences between "
                "providers the comparison is meant to show (every O/E near 1). Remove it from "
                "case_mix, or compare providers within its levels (e.g. one comparison per "
                "jobcentre)."
            )
