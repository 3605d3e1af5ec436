"""Balance as cobalt shows it: :func:`balance_table` and :class:`BalanceTable`.

Every covariate once (a two-level variable as one row), optional squares and pairwise
interactions, SMD, variance ratio, eCDF mean and max (= KS) before and after adjustment, and
a threshold summary; :meth:`BalanceTable.plot` draws a love plot.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .._design import encode_covariates
from .._validate import argument_error, check_frame, check_number, weight_column
from ..errors import EffektError
from ..language import number, speaks, term
from ..results import Result
from ._balance import balance_stats
from .balancing import _prepare, _treated

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["BalanceTable", "balance_table"]

_STATS = ("smd", "var_ratio", "ecdf_mean", "ks")


@dataclass(frozen=True)
class BalanceTable(Result):
    """Covariate balance before and after one adjustment (cobalt's ``bal.tab``).

    Attributes
    ----------
    table : DataFrame
        One row per covariate (a two-level variable once; every level of a variable with more
        levels; squares and interactions when asked): ``type``, ``mean_treated_before``,
        ``mean_control_before``, ``smd_before``, ``var_ratio_before``, ``ecdf_mean_before``,
        ``ks_before`` and the same with ``_after``.
    estimand : str
        Sets the SMD denominator (see :func:`balance_table`).
    threshold : float
        The |SMD| regarded as balanced.
    label : str
        Name of the adjustment (legend of a love plot).
    """

    table: pd.DataFrame
    estimand: str
    threshold: float
    label: str = "adjusted"
    notes: tuple[str, ...] = field(default=())

    @property
    def all_balanced(self) -> bool:
        """Whether every |SMD| after adjustment is below ``threshold``."""
        return bool((self.table["smd_after"].abs() < self.threshold).all())

    def threshold_summary(self) -> str:
        """E.g. ``"all |SMD| < 0.1 (largest 0.07: age)"`` or the count above it."""
        smd = self.table["smd_after"].abs()
        worst = smd.idxmax()
        above = int((smd >= self.threshold).sum())
        largest = term("largest {value}: {name}").format(value=number(smd.max(), 3), name=worst)
        if above == 0:
            return f"{term('all')} |SMD| < {number(self.threshold, None)} ({largest})"
        return term("{above} of {k} covariates with |SMD| >= {threshold} ({largest})").format(
            above=above, k=len(smd), threshold=number(self.threshold, None), largest=largest
        )

    def to_frame(self) -> pd.DataFrame:
        """The balance table."""
        return self.table

    @speaks
    def summary(self) -> str:
        """The threshold summary and the SMDs before and after."""
        lines = [
            f"{term('Balance')} ({term(self.label)}, {self.estimand}): {self.threshold_summary()}"
        ]
        cols = ["smd_before", "smd_after", "var_ratio_after", "ks_after"]
        lines.append(self.table[cols].to_string(float_format=lambda v: number(v, 3)))
        return "\n".join(lines)

    def _html_title(self) -> str:
        return (
            f"{term('Balance')} ({term(self.label)}, {self.estimand}): {self.threshold_summary()}"
        )

    def _html_frame(self) -> pd.DataFrame:
        cols = ["type", "smd_before", "smd_after", "var_ratio_after", "ecdf_mean_after", "ks_after"]
        return self.table[cols].round(3).rename(columns={"type": term("type")})

    def _html_notes(self) -> tuple[str, ...]:
        return (
            "SMD standardised by the full sample's "
            + {"ATT": "treated", "ATC": "control", "ATE": "pooled"}[self.estimand]
            + " SD; KS = largest difference of the eCDFs",
            *self.notes,
        )

    @speaks
    def plot(
        self,
        ax: Axes | None = None,
        *,
        title: str | None = None,
        xlabel: str | None = None,
        ylabel: str | None = None,
        labels: Mapping[Any, str] | None = None,
        **others: BalanceTable,
    ) -> Axes:
        """Love plot of this adjustment, and of ``others`` (name=table) side by side.

        ``title``, ``xlabel``, ``ylabel`` replace the default texts, ``labels`` maps covariate (or group)
        names to display text and ``language="da"`` writes the plot in Danish.
        """
        from ..plots import love_plot

        tables = {self.label: self.table, **{k: v.table for k, v in others.items()}}
        return love_plot(
            tables,
            ax,
            threshold=self.threshold,
            title=title,
            xlabel=xlabel,
            ylabel=ylabel,
            labels=labels,
        )


def _design_matrix(
    data: pd.DataFrame, covs: list[Hashable], squares: bool, interactions: bool, func: str
) -> tuple[np.ndarray, list[str], np.ndarray]:
    design = encode_covariates(data, covs, func, drop_first=False)
    X = np.asarray(design.X, dtype=float)
    keep = np.ones(X.shape[1], dtype=bool)
    for src, levels in design.levels.items():
        if len(levels) == 2:  # a two-level variable: one row (its second level)
            keep[design.sources.index(src)] = False
    X, binary = X[:, keep], design.binary[keep]
    names = [n for n, k in zip(design.names, keep, strict=True) if k]
    sources = [s for s, k in zip(design.sources, keep, strict=True) if k]
    cols, extra_names, extra_bin = [X], [], []
    if squares:
        cont = np.flatnonzero(~binary)
        cols.append(X[:, cont] ** 2)
        extra_names += [f"{names[j]}²" for j in cont]
        extra_bin += [False] * len(cont)
    if interactions:
        pairs = [(i, j) for i, j in combinations(range(len(names)), 2) if sources[i] != sources[j]]
        if pairs:
            cols.append(np.column_stack([X[:, i] * X[:, j] for i, j in pairs]))
        extra_names += [f"{names[i]} × {names[j]}" for i, j in pairs]
        extra_bin += [bool(binary[i] and binary[j]) for i, j in pairs]
    return np.column_stack(cols), names + extra_names, np.r_[binary, np.array(extra_bin, bool)]


def _denominator(X: np.ndarray, binary: np.ndarray, t: np.ndarray, estimand: str) -> np.ndarray:
    def var(g: np.ndarray) -> np.ndarray:
        p = X[g].mean(axis=0)
        return np.where(binary, p * (1 - p), X[g].var(axis=0, ddof=1) if g.sum() > 1 else 0.0)

    if estimand == "ATT":
        return np.sqrt(var(t))
    if estimand == "ATC":
        return np.sqrt(var(~t))
    return np.sqrt((var(t) + var(~t)) / 2)


def balance_table(
    data: pd.DataFrame,
    treatment: Hashable,
    covariates: Sequence[Hashable] | Hashable,
    *,
    weights: Hashable | Sequence[float] | pd.Series | None = None,
    estimand: str = "ATT",
    squares: bool = False,
    interactions: bool = False,
    threshold: float = 0.1,
    label: str = "adjusted",
    treated_value: Any = None,
    missing: str = "raise",
) -> BalanceTable:
    """Balance before and after matching or weighting, as cobalt's ``bal.tab`` shows it.

    Parameters
    ----------
    data : DataFrame (pandas, Polars, PyArrow), DuckDB relation or PySpark DataFrame
        One row per person; not modified.
        Only the columns named in the other arguments are read (see Notes).
    treatment : column name
        Two-valued treatment column.
    covariates : list of column names
        Covariates to check (include the exact-matching variables).
    weights : column name or array, optional
        Matching or balancing weights (0 = not in the adjusted sample); without them the
        "after" columns repeat "before".
    estimand : {"ATT", "ATC", "ATE"}
        SMD denominator: the full sample's SD of the treated (ATT), the controls (ATC) or
        ``sqrt((s_t² + s_c²) / 2)`` (ATE); ``sqrt(p (1 - p))`` for binary variables.
    squares, interactions : bool, default False
        Add the squares of continuous covariates / the pairwise products of covariates.
    threshold : float, default 0.1
        |SMD| regarded as balanced (:meth:`BalanceTable.threshold_summary`).
    label : str, default "adjusted"
        Name of the adjustment in summaries and love plots.
    treated_value : optional
        Value of ``treatment`` marking the treated.
    missing : {"raise", "drop"}
        Missing values raise, or drop the rows with a warning.

    Returns
    -------
    BalanceTable

    Notes
    -----
    Means, variance ratios (weighted variances ``sum w (x - m)² / (sum w - sum w² / sum w)``)
    and eCDF statistics are those of MatchIt's ``summary()`` and cobalt; the eCDF maximum
    is the Kolmogorov-Smirnov statistic (``ks``).

    Any dataframe in: a Polars, PyArrow, DuckDB or PySpark ``data`` is checked against its
    schema and only the treatment, covariate and weights columns are collected into pandas;
    memory ~ rows × those columns. The estimator is unit-level (it needs every row); a pandas
    DataFrame is used as it is.

    Examples
    --------
    >>> from effekt.synthetic import observational
    >>> from effekt.matching import balance_table, entropy_weights
    >>> df = observational(1500, 0.05, seed=1)
    >>> covs = ["age", "months_on_benefit", "gender"]
    >>> w = entropy_weights(df, "treated", covs)
    >>> b = balance_table(df, "treated", covs, weights=w, label="entropy balancing")
    >>> b.all_balanced, list(b.table.index)
    (True, ['age', 'months_on_benefit', 'gender_male'])
    """
    func = "balance_table"
    threshold = check_number(threshold, "threshold", func, low=0, low_open=True)
    data = check_frame(
        data, func, treatment=treatment, covariates=covariates, weights=weight_column(weights)
    )
    df, covs = _prepare(func, data, treatment, covariates, estimand, missing)
    t = _treated(df, treatment, treated_value, func)
    w = _weights_for(data, df, weights, func)
    X, names, binary = _design_matrix(df, covs, bool(squares), bool(interactions), func)
    sd = _denominator(X, binary, t, estimand)
    X = np.asfortranarray(X)
    before = balance_stats(X, binary, t, np.ones(len(df)), sd)
    after = balance_stats(X, binary, t, w, sd)
    table = pd.DataFrame(index=pd.Index(names, name="covariate"))
    table["type"] = np.where(binary, "binary", "continuous")
    stat_names = ("mean_treated", "mean_control", "smd", "var_ratio", "ecdf_mean", "ks")
    for tag, values in (("before", before), ("after", after)):
        for k, col in enumerate(stat_names):
            table[f"{col}_{tag}"] = values[:, k]
    return BalanceTable(table, estimand, threshold, str(label))


def _weights_for(data: pd.DataFrame, df: pd.DataFrame, weights: Any, func: str) -> np.ndarray:
    if weights is None:
        return np.ones(len(df))
    if isinstance(weights, str) or (isinstance(weights, Hashable) and weights in data.columns):
        if weights not in data.columns:
            raise argument_error(func, "weights", "a column of data or one weight per row", weights)
        w = data[weights]
    else:
        w = pd.Series(np.ravel(np.asarray(weights, dtype=float)))
        if len(w) != len(data):
            raise argument_error(func, "weights", f"{len(data)} weights (one per row)", weights)
        w.index = data.index
    out = w.loc[df.index].to_numpy(dtype=float)
    if not np.all(np.isfinite(out)) or (out < 0).any():
        raise EffektError(f"{func}(): 'weights' must be finite and non-negative.")
    return out
