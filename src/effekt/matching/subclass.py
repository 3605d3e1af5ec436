"""Subclassification on the propensity score, as MatchIt's ``method = "subclass"`` does it."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from .._validate import argument_error, check_frame
from .balancing import _prepare, stratum_weights
from .propensity import propensity_score

__all__ = ["subclassify"]


def _direction(counts: np.ndarray, s: int) -> bool:
    """Whether the empty subclass ``s`` takes a unit from the left (MatchIt's rule)."""
    if s == len(counts) - 1:
        return True
    if s == 0:
        return False
    others = [(c - 1) / (s2 - s) for s2, c in enumerate(counts) if c > 1 and s2 != s]
    return sum(others) <= 0


def _fill_empty(sub: np.ndarray, in_group: np.ndarray, score: np.ndarray) -> int:
    """Move units of one group into its empty subclasses; returns the number moved."""
    k = int(sub.max()) + 1
    members = np.flatnonzero(in_group)
    counts = np.bincount(sub[members], minlength=k)
    moved = 0
    while (counts == 0).any():
        s = int(np.flatnonzero(counts == 0)[0])
        left = _direction(counts, s)
        side = range(s - 1, -1, -1) if left else range(s + 1, k)
        donor = next(s2 for s2 in side if counts[s2] > 0)
        cand = members[sub[members] == donor]
        # the donor's unit nearest to s: the largest score from the left, the smallest from
        # the right; among ties the later unit
        x = score[cand]
        best = x.max() if left else x.min()
        unit = cand[np.flatnonzero(x == best)[-1]]
        sub[unit] = s
        counts[s] += 1
        counts[donor] -= 1
        moved += 1
    return moved


def subclassify(
    data: pd.DataFrame,
    treatment: Hashable,
    covariates: Sequence[Hashable] | Hashable,
    *,
    subclasses: int = 6,
    estimand: str = "ATT",
    treated_value: Any = None,
    missing: str = "raise",
) -> pd.DataFrame:
    """Subclasses of the propensity score with MatchIt's weights (``method = "subclass"``).

    Parameters
    ----------
    data : DataFrame (pandas, Polars, PyArrow), DuckDB relation or PySpark DataFrame
        One row per person; not modified.
        Only the columns named in the other arguments are read (see Notes).
    treatment : column name
        Two-valued treatment column.
    covariates : list of column names
        Covariates of the logistic propensity model (as :func:`propensity_score`).
    subclasses : int, default 6
        Number of subclasses.
    estimand : {"ATT", "ATC", "ATE"}
        Subclasses are quantiles of the score among the treated (ATT), the controls (ATC)
        or everyone (ATE); the weights follow the estimand as in :func:`cem`.
    treated_value : optional
        Value of ``treatment`` marking the treated.
    missing : {"raise", "drop"}
        Missing values raise, or drop the rows with a warning (their weight is 0).

    Returns
    -------
    DataFrame
        Indexed like ``data``: ``subclass`` (1 to ``subclasses``), ``weights`` and the
        propensity score ``distance``.

    Notes
    -----
    Cut points are the ``estimand`` group's score quantiles (R's type 7); a unit on a cut
    point goes to the upper subclass and the outer subclasses are open-ended. A subclass
    without treated or without controls takes the unit of that group with the nearest score
    from a neighbouring subclass, by MatchIt 4.7's rule (its ``subclass_scootC``), so every
    subclass holds both groups.

    Any dataframe in: a Polars, PyArrow, DuckDB or PySpark ``data`` is checked against its
    schema and only the treatment and covariate columns are collected into pandas; memory ~ rows
    × those columns. The estimator is unit-level (it needs every row); a pandas DataFrame is
    used as it is. The result is indexed like ``data``; for a non-pandas frame that is 0..n-1 in
    the order the engine returned the rows.

    Examples
    --------
    >>> from effekt.synthetic import observational
    >>> from effekt.matching import subclassify
    >>> df = observational(2000, 0.05, seed=1)
    >>> s = subclassify(df, "treated", ["age", "months_on_benefit"], subclasses=5)
    >>> sorted(s["subclass"].unique().tolist())
    [1, 2, 3, 4, 5]
    """
    func = "subclassify"
    if (
        isinstance(subclasses, bool)
        or not isinstance(subclasses, (int, np.integer))
        or subclasses < 1
    ):
        raise argument_error(func, "subclasses", "a positive whole number", subclasses)
    data = check_frame(data, func, treatment=treatment, covariates=covariates)
    df, covs = _prepare(func, data, treatment, covariates, estimand, missing)
    ps = propensity_score(df, treatment, covs, treated_value=treated_value)
    t = np.asarray(ps.treated)
    score = ps.scores.to_numpy()
    focus = {"ATT": t, "ATC": ~t, "ATE": np.ones(len(t), dtype=bool)}[estimand]
    if min(t.sum(), (~t).sum()) < subclasses:
        raise argument_error(
            func,
            "subclasses",
            f"at most {min(t.sum(), (~t).sum())} (the smaller group's size)",
            subclasses,
        )
    cuts = np.quantile(score[focus], np.linspace(0, 1, subclasses + 1))
    sub = np.clip(np.searchsorted(cuts, score, side="right"), 1, subclasses) - 1
    present = np.unique(sub)
    sub = np.searchsorted(present, sub)
    first = t[0]
    for group in (t == first, t != first):
        _fill_empty(sub, group, score)
    out = pd.DataFrame(
        {
            "subclass": present[sub] + 1,
            "weights": stratum_weights(sub, t, estimand),
            "distance": score,
        },
        index=df.index,
    )
    return out.reindex(data.index).fillna({"weights": 0.0})
