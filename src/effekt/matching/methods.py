"""The designs other than nearest-neighbour matching behind ``match(method=...)``.

Each runs its per-row function (:func:`optimal_match`, :func:`cem`, :func:`subclassify`,
:func:`entropy_weights`, :func:`overlap_weights`) and wraps the units' sets and weights in a
:class:`MatchedSample`.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from .._validate import as_column_list
from ..errors import EffektError
from .balancing import _prepare, _treated, cem, entropy_weights, overlap_weights
from .optimal import optimal_match
from .propensity import propensity_score
from .sample import MatchedSample
from .subclass import subclassify

__all__ = ["METHODS", "run_method"]

METHODS = ("nearest", "optimal", "full", "cem", "subclass", "ebal", "overlap", "ipw")

# the options each method reads (besides data, treatment, covariates, treated_value)
_USES: dict[str, tuple[str, ...]] = {
    "optimal": ("ratio", "estimand", "caliper", "exact", "exact_fallback"),
    "full": ("estimand", "caliper", "exact", "min_controls", "max_controls"),
    "cem": ("estimand", "cutpoints", "k2k"),
    "subclass": ("estimand", "subclasses"),
    "ebal": ("estimand", "moments"),
    "overlap": (),
    "ipw": ("estimand",),
}


def _check_unused(method: str, given: Mapping[str, Any]) -> None:
    """Options set away from their defaults that ``method`` does not read raise."""
    unused = sorted(k for k in given if k not in _USES[method])
    if unused:
        raise EffektError(
            f"match(): {', '.join(repr(u) for u in unused)} do(es) not apply to method={method!r}; "
            f"its options are {list(_USES[method]) or 'none besides the covariates'}. Drop them."
        )


def _run(
    method: str, df: pd.DataFrame, treatment: Hashable, covs: list[Hashable], o: dict[str, Any]
) -> pd.DataFrame:
    """The design's per-row frame: ``weights``, and ``subclass`` / ``distance`` where defined."""
    tv = o["treated_value"]
    if method in ("optimal", "full"):
        keys = _USES[method]
        kw = {k: o[k] for k in keys if k in o}
        return optimal_match(
            df,
            treatment,
            covs,
            method="pair" if method == "optimal" else "full",
            treated_value=tv,
            **kw,
        )
    if method == "cem":
        return cem(
            df,
            treatment,
            covs,
            cutpoints=o["cutpoints"],
            estimand=o["estimand"],
            k2k=o["k2k"],
            treated_value=tv,
        )
    if method == "subclass":
        return subclassify(
            df,
            treatment,
            covs,
            subclasses=o["subclasses"],
            estimand=o["estimand"],
            treated_value=tv,
        )
    if method == "ebal":
        w = entropy_weights(
            df, treatment, covs, estimand=o["estimand"], moments=o["moments"], treated_value=tv
        )
        return w.to_frame("weights")
    ps = propensity_score(df, treatment, covs, treated_value=tv)
    if method == "ipw":
        return pd.DataFrame(
            {"weights": _ipw_weights(ps, o["estimand"]), "distance": ps.scores.to_numpy()},
            index=df.index,
        )
    out = overlap_weights(df, treatment, covs, treated_value=tv).to_frame("weights")
    return out.assign(distance=ps.scores.to_numpy())


def _ipw_weights(ps: Any, estimand: str) -> np.ndarray:
    """Inverse-probability weights of the estimand from the logistic score (WeightIt "glm")."""
    e = ps.scores.to_numpy()
    t = np.asarray(ps.treated, dtype=bool)
    if estimand == "ATT":
        return np.where(t, 1.0, e / (1 - e))
    if estimand == "ATC":
        return np.where(t, (1 - e) / e, 1.0)
    return np.where(t, 1 / e, 1 / (1 - e))


def run_method(
    method: str,
    data: pd.DataFrame,
    treatment: Hashable,
    covariates: Any,
    options: dict[str, Any],
    given: Mapping[str, Any],
    missing: str,
) -> MatchedSample:
    """Run ``method`` (not ``"nearest"``) and return its :class:`MatchedSample`."""
    if method == "overlap" and "estimand" in given:
        raise EffektError(
            "match(): overlap weights estimate the effect in the overlap population (ATO); "
            "leave 'estimand' unset, or use method='ebal' or 'full' for the ATT/ATC/ATE."
        )
    _check_unused(method, given)
    est = "ATT" if method == "overlap" else options["estimand"]
    df, covs = _prepare("match", data, treatment, covariates, est, missing)
    out = _run(method, df, treatment, covs, options)
    t = _treated(df, treatment, options["treated_value"], "match")
    sub = (
        out["subclass"].astype("Float64").fillna(0).to_numpy(dtype=float).astype(int) - 1
        if "subclass" in out
        else np.full(len(df), -1)
    )
    record = {k: options[k] for k in _USES[method] if k in options}
    record.update(method=method, estimand="ATO" if method == "overlap" else est)
    if "total_distance" in out.attrs:
        record["total_distance"] = out.attrs["total_distance"]
    return MatchedSample(
        data=df,
        treatment=treatment,
        covariates=tuple(as_column_list(covs)),
        treated=np.asarray(t, dtype=bool),
        distance=out["distance"].to_numpy(dtype=float) if "distance" in out else None,
        weights=out["weights"].to_numpy(dtype=float),
        subclass=sub,
        options=record,
        notes=(),
    )
