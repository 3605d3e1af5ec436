"""Private helpers of :mod:`effekt.simple_effect`: case-mix encoding, standardized
differences (comparability), design matrices and direct standardisation."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from .._validate import quote
from ..errors import ColumnError, EffektError, MissingValueError
from . import _stats as _ps

#: Standardized difference in case mix above which providers are not comparable.
SMD_THRESHOLD = 0.25


@dataclass(frozen=True)
class _Encoded:
    """A case-mix (or period) column: numeric values, or category codes and levels."""

    column: Hashable
    kind: str  # "numeric", "categorical" or "period"
    values: np.ndarray = field(default_factory=lambda: np.empty(0))
    codes: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.intp))
    levels: np.ndarray = field(default_factory=lambda: np.empty(0))


def _encode(
    df: pd.DataFrame, case_mix: list[Hashable], period: Hashable | None, func: str
) -> list[_Encoded]:
    out = []
    for c in case_mix:
        v = df[c]
        if v.dtype == bool or pd.api.types.is_numeric_dtype(v):
            arr = v.to_numpy(dtype=float)
            if not np.isfinite(arr).all():
                raise ColumnError(
                    f"The case-mix column {quote(c)} passed to {func}() holds infinite values."
                )
            if arr.size and arr.min() == arr.max():
                raise ColumnError(
                    f"The case-mix column {quote(c)} passed to {func}() is constant "
                    f"({quote(v.iloc[0])}); "
                    "it cannot adjust anything - remove it from case_mix."
                )
            out.append(_Encoded(c, "numeric", values=arr))
        else:
            codes, levels = pd.factorize(v, sort=True)
            if len(levels) < 2:
                raise ColumnError(
                    f"The case-mix column {quote(c)} passed to {func}() is constant "
                    f"({quote(v.iloc[0])}); "
                    "it cannot adjust anything - remove it from case_mix."
                )
            out.append(_Encoded(c, "categorical", codes=codes, levels=np.asarray(levels)))
    if period is not None:
        codes, levels = pd.factorize(df[period], sort=True)
        out.append(_Encoded(period, "period", codes=codes, levels=np.asarray(levels)))
    return out


def _one_hot(codes: np.ndarray, k: int, first: int = 0) -> np.ndarray:
    m = np.zeros((codes.size, k - first))
    rows = np.nonzero(codes >= first)[0]
    m[rows, codes[rows] - first] = 1.0
    return m


def _group_sums(codes: np.ndarray, G: int, X: np.ndarray) -> np.ndarray:
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
    s1 = _group_sums(codes, G, X)
    s2 = _group_sums(codes, G, X**2)
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


def _comparability(enc: list[_Encoded], codes: np.ndarray, labels: np.ndarray) -> pd.DataFrame:
    blocks, terms, columns, kinds = [], [], [], []
    for e in enc:
        if e.kind == "numeric":
            blocks.append(e.values[:, None])
            terms.append(str(e.column))
        else:
            blocks.append(_one_hot(e.codes, len(e.levels)))
            terms += [f"{e.column}={lv}" for lv in e.levels]
        k = blocks[-1].shape[1]
        columns += [str(e.column)] * k
        kinds += ["period" if e.kind == "period" else "case mix"] * k
    X = np.hstack(blocks)
    smd = _standardized_differences(codes, len(labels), X)
    gi, ti = np.nonzero(np.abs(smd) > SMD_THRESHOLD)
    out = pd.DataFrame(
        {
            "provider": labels[gi],
            "column": [columns[t] for t in ti],
            "term": [terms[t] for t in ti],
            "smd": smd[gi, ti],
            "kind": [kinds[t] for t in ti],
        }
    )
    return out.reindex(out["smd"].abs().sort_values(ascending=False).index).reset_index(drop=True)


def _design(enc: list[_Encoded]) -> tuple[np.ndarray, list[str]]:
    """Model design: numeric columns as is, categories as indicators (first level dropped)."""
    blocks, names = [], []
    for e in enc:
        if e.kind == "numeric":
            blocks.append(e.values[:, None])
            names.append(str(e.column))
        else:
            blocks.append(_one_hot(e.codes, len(e.levels), first=1))
            names += [f"{e.column}_{lv}" for lv in e.levels[1:]]
    return np.hstack(blocks), names


def _standardise(X: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    mu = X.mean(0)
    sd = X.std(0)
    sd[sd == 0] = 1.0
    return (X - mu) / sd, mu, sd


def _reference_design(enc: list[_Encoded], ref: pd.DataFrame, func: str) -> np.ndarray:
    """The reference population's design, coded like the analysis data."""
    coded = []
    for e in enc:
        v = ref[e.column]
        if v.isna().any():
            raise MissingValueError(
                f"The column {quote(e.column)} of the 'reference' argument of {func}() has "
                f"{int(v.isna().sum())} "
                "missing values; drop or impute them."
            )
        if e.kind == "numeric":
            coded.append(_Encoded(e.column, "numeric", values=v.to_numpy(dtype=float)))
        else:
            codes = pd.Categorical(v, categories=e.levels).codes
            if (codes < 0).any():
                extra = sorted(map(str, pd.unique(v[codes < 0])))[:5]
                raise EffektError(
                    f"The 'reference' argument of {func}() has values of {quote(e.column)} that "
                    f"are not in data: {extra}."
                )
            coded.append(_Encoded(e.column, e.kind, codes=np.asarray(codes), levels=e.levels))
    return _design(coded)[0]


def _direct(
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
    zq = stats.norm.ppf(0.5 + conf_level / 2)
    with np.errstate(invalid="ignore", divide="ignore"):
        lr = np.log(r / (1 - r))
        se_l = np.sqrt(var_r) / (r * (1 - r))
        lo, hi = _ps.expit(lr - zq * se_l), _ps.expit(lr + zq * se_l)
    # contrast r_g - sum_h omega_h r_h
    om = n / n.sum()
    ga_om = om * ga
    m1 = ga[:, None] * U - (ga_om @ U)[None, :]
    gbeta = gb - (om @ gb)[None, :]
    diag1 = ga**2 * (1 - 2 * om) / D + np.sum(ga_om**2 / D)
    mm = m1 - gbeta
    var_c = diag1 + np.einsum("gj,jk,gk->g", mm, S_inv, mm)
    contrast_ = r - om @ r
    with np.errstate(invalid="ignore", divide="ignore"):
        z = np.where(var_c > 0, contrast_ / np.sqrt(var_c), 0.0)
    return {
        "rate": r,
        "ci_low": lo,
        "ci_high": hi,
        "z": z,
        "pvalue": 2 * stats.norm.sf(np.abs(z)),
        "se": np.sqrt(var_r),
    }
