"""The result every matching or weighting design returns: :class:`MatchedSample`.

As MatchIt's ``matchit`` object, it carries each unit's matched set (``subclass``), its
weight, the score where one exists, and the design's method and estimand; effect, balance,
plots and the matched data all come from it. :class:`~effekt.matching.MatchResult`
(nearest-neighbour matching) is a subclass with pairs, trajectories and more SEs.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .._design import encode_covariates
from .._validate import (
    as_column_list,
    check_choice,
    check_flag,
    check_number,
    require_columns,
)
from ..errors import EffektError
from ..language import number, speaks, term
from ..results import EffectResult, Result
from ._balance import balance_frame, balance_matrix
from .balancing import weighted_effect
from .tables import BalanceTable, balance_table

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["METHOD_NAMES", "MatchedSample"]

METHOD_NAMES = {
    "nearest": "Nearest-neighbour matching",
    "optimal": "Optimal pair matching",
    "full": "Optimal full matching",
    "cem": "Coarsened exact matching",
    "subclass": "Subclassification on the propensity score",
    "ebal": "Entropy balancing",
    "overlap": "Overlap weights",
    "ipw": "Inverse-probability weighting",
}
"""Method name -> its name in text."""

SE_CHOICES = ("cluster", "hc1")

#: Most histogram bins plot_overlap draws (more than a figure can show).
MAX_BINS = 1000


@dataclass(frozen=True)
class MatchedSample(Result):
    """A matched or weighted sample: each unit's set and weight, with method and estimand.

    Returned by :func:`~effekt.matching.match` for every ``method``.

    Attributes
    ----------
    data : DataFrame
        The rows that entered the design (the caller's frame, minus rows dropped for missing
        values with ``missing="drop"``); never modified.
    treatment : column name
    covariates : tuple of column names
    treated : ndarray of bool
    distance : ndarray or None
        The propensity score per row; ``None`` where the design has none (CEM, entropy
        balancing, Mahalanobis distance).
    weights : ndarray
        MatchIt's / WeightIt's weight per row (0 outside the sample).
    subclass : ndarray of int
        Matched set, cell or subclass per row, numbered from 0; ``-1`` for units outside any
        set, and for every row of a weighting design.
    options : dict
        ``method``, ``estimand`` and the other arguments of the design.
    notes : tuple of str

    Examples
    --------
    >>> from effekt.synthetic import observational
    >>> from effekt.matching import match
    >>> df = observational(800, 0.05, seed=1)
    >>> m = match(df, "treated", ["age", "months_on_benefit", "gender"], method="cem")
    >>> m.method, m.estimand, m.has_sets
    ('cem', 'ATT', True)
    >>> sorted(m.units().columns)
    ['subclass', 'weights']
    """

    data: pd.DataFrame
    treatment: Hashable
    covariates: tuple[Hashable, ...]
    treated: np.ndarray
    distance: np.ndarray | None
    weights: np.ndarray
    subclass: np.ndarray
    options: dict[str, Any]
    notes: tuple[str, ...]

    @property
    def method(self) -> str:
        return str(self.options.get("method", "nearest"))

    @property
    def estimand(self) -> str:
        return str(self.options.get("estimand", "ATT"))

    @property
    def n_treated(self) -> int:
        return int(self.treated.sum())

    @property
    def n_control(self) -> int:
        return int((~self.treated).sum())

    @property
    def matched(self) -> np.ndarray:
        """Boolean mask of rows in the matched/weighted sample (weight > 0)."""
        return self.weights > 0

    @property
    def has_sets(self) -> bool:
        """Whether the design forms matched sets (clusters of the standard error)."""
        return bool((self.subclass >= 0).any())

    # ------------------------------------------------------------------ data
    def units(self) -> pd.DataFrame:
        """One row per unit of ``data``: ``subclass`` (from 1; missing outside a set), ``weights``, ``distance``."""
        sub = pd.array(self.subclass + 1, dtype="Int64")
        sub[self.subclass < 0] = pd.NA
        out = pd.DataFrame({"subclass": sub, "weights": self.weights}, index=self.data.index)
        if self.distance is not None:
            out["distance"] = self.distance
        return out

    def matched_data(self) -> pd.DataFrame:
        """The rows with positive weight (data order) with ``distance``, ``weights`` and ``subclass`` added.

        Like MatchIt's ``match.data()``. ``subclass`` is a nullable integer, missing where a
        unit belongs to no set (weighting designs, matching with replacement).
        """
        keep = self.matched
        for col in ("distance", "weights", "subclass"):
            if col in self.data.columns:
                raise EffektError(
                    f"matched_data(): the data already hold a column {col!r}; rename it before matching."
                )
        out = self.data.loc[keep].copy()
        if self.distance is not None:
            out["distance"] = self.distance[keep]
        out["weights"] = self.weights[keep]
        sub = pd.array(self.subclass[keep], dtype="Int64")
        sub[self.subclass[keep] < 0] = pd.NA
        out["subclass"] = sub
        return out

    # ------------------------------------------------------------------ balance
    def balance(
        self, covariates: Sequence[Hashable] | None = None, *, include_distance: bool = True
    ) -> pd.DataFrame:
        """Balance before and after (MatchIt's ``summary()`` columns).

        Parameters
        ----------
        covariates : list of column names, optional
            Defaults to the design's covariates; any other columns of ``data`` may be given.
        include_distance : bool
            Add the distance (propensity score) as the first row, as MatchIt does.

        Returns
        -------
        DataFrame
            One row per covariate or categorical level; ``mean_treated_before``,
            ``mean_control_before``, ``smd_before``, ``var_ratio_before``,
            ``ecdf_mean_before``, ``ecdf_max_before`` and the same with ``_after``.
        """
        include_distance = check_flag(include_distance, "include_distance", "balance")
        covs = list(self.covariates) if covariates is None else as_column_list(covariates)
        require_columns(self.data, "balance", covariates=covs)
        X, names, binary = balance_matrix(self.data, covs)
        if include_distance and self.distance is not None:
            X = np.column_stack([self.distance, X])
            names = ["distance", *names]
            binary = np.r_[False, binary]
        before = np.ones(len(X))  # all units, as MatchIt's "All Data" table
        return balance_frame(X, names, binary, self.treated, before, self.weights)

    def balance_table(
        self,
        covariates: Sequence[Hashable] | None = None,
        *,
        squares: bool = False,
        interactions: bool = False,
        threshold: float = 0.1,
    ) -> BalanceTable:
        """Balance as cobalt shows it (:func:`~effekt.matching.balance_table` on these weights)."""
        covs = list(self.covariates) if covariates is None else as_column_list(covariates)
        frame = self.data.assign(_effekt_t=self.treated)
        return balance_table(
            frame,
            "_effekt_t",
            covs,
            weights=self.weights,
            estimand=self._target(),
            squares=squares,
            interactions=interactions,
            threshold=threshold,
            label=self.method,
        )

    def to_frame(self) -> pd.DataFrame:
        """The balance table (:meth:`balance`)."""
        return self.balance()

    def _target(self) -> str:
        """The estimand as the weighted regression and SMD see it (overlap: everyone, weighted)."""
        return "ATE" if self.estimand == "ATO" else self.estimand

    # ------------------------------------------------------------------ effect
    def effect(
        self,
        outcome: Hashable,
        *,
        covariates: Sequence[Hashable] | Hashable | None = None,
        estimand: str | None = None,
        se: str | None = None,
        conf_level: float = 0.95,
        label: str | None = None,
    ) -> EffectResult:
        """The effect on the matched/weighted sample, optionally with regression adjustment.

        Parameters
        ----------
        outcome : column name
            Numeric outcome; 0/1 gives an effect in percentage points.
        covariates : list of column names, optional
            Regression adjustment after matching (g-computation, MatchIt's guidance), as
            :func:`~effekt.matching.weighted_effect`.
        estimand : str, optional
            Must be the design's estimand (the default).
        se : {"cluster", "hc1"}, optional
            ``"cluster"`` (default where the design forms sets): clustered by matched set;
            ``"hc1"`` (default for weighting designs): each unit its own cluster. Weighting
            SEs treat the weights as fixed.
        conf_level : float
        label : str, optional

        Returns
        -------
        EffectResult

        Examples
        --------
        >>> from effekt.synthetic import observational
        >>> from effekt.matching import match
        >>> df = observational(800, 0.05, seed=1)
        >>> w = match(df, "treated", ["age", "months_on_benefit"], method="ebal")
        >>> r = w.effect("job", covariates=["age"])
        >>> r.estimand, "HC1" in r.method, "g-computation" in r.method
        ('ATT', True, True)
        """
        check_choice(
            self.estimand if estimand is None else estimand, "estimand", "effect", (self.estimand,)
        )
        se = ("cluster" if self.has_sets else "hc1") if se is None else se
        check_choice(se, "se", "effect", SE_CHOICES)
        if se == "cluster" and not self.has_sets:
            raise EffektError(
                f"effect(): se='cluster' needs matched sets; method={self.method!r} forms none. "
                "Use se='hc1'."
            )
        if covariates is not None:
            covs = as_column_list(covariates)
            require_columns(self.data, "effect", covariates=covs)
            encode_covariates(self.data, covs, "effect")
        frame = self.data.assign(
            _effekt_w=self.weights, _effekt_set=self.subclass, _effekt_t=self.treated
        )
        r = weighted_effect(
            frame,
            outcome,
            "_effekt_t",
            "_effekt_w",
            subclass="_effekt_set" if se == "cluster" else None,
            covariates=covariates,
            estimand=self._target(),
            conf_level=conf_level,
        )
        method = f"{METHOD_NAMES.get(self.method, self.method)}; {r.method}"
        return dataclasses.replace(
            r, method=method, estimand=self.estimand, label=label, notes=(*self.notes, *r.notes)
        )

    # ------------------------------------------------------------------ text and plots
    def _sizes(self) -> list[tuple[str, float, float]]:
        smd = self.balance(include_distance=False)
        before = np.abs(smd["smd_before"].to_numpy())
        after = np.abs(smd["smd_after"].to_numpy())
        m = self.matched
        return [
            (term("treated units"), self.n_treated, int((m & self.treated).sum())),
            (term("control units"), self.n_control, int((m & ~self.treated).sum())),
            (
                term("covariates with |SMD| > 0.1"),
                int(np.sum(before > 0.1)),
                int(np.sum(after > 0.1)),
            ),
            (term("largest |SMD|"), float(np.nanmax(before)), float(np.nanmax(after))),
        ]

    @speaks
    def summary(self) -> str:
        """Method, estimand, sample sizes and the balance of each covariate before/after."""
        sizes = self._sizes()
        lines = [
            self._html_title(),
            "  "
            + term("treated: {n} ({k} in the sample); controls: {m} ({j} in the sample)").format(
                n=number(sizes[0][1], 0),
                k=number(sizes[0][2], 0),
                m=number(sizes[1][1], 0),
                j=number(sizes[1][2], 0),
            ),
        ]
        if self.has_sets:
            n_sets = len(np.unique(self.subclass[self.subclass >= 0]))
            lines.append(f"  {term('matched sets')}: {number(n_sets, 0)}")
        if "total_distance" in self.options:
            total = number(float(self.options["total_distance"]), None)
            lines.append(f"  {term('total distance')}: {total}")
        bal = self.balance()
        show = bal[["smd_before", "smd_after", "var_ratio_after", "ecdf_max_after"]]
        lines.append(show.to_string(float_format=lambda v: number(v, 3)))
        big = bal.index[np.abs(bal["smd_after"]) > 0.1].tolist()
        lines.append(
            "  " + term("|SMD| after adjustment <= 0.1 for every covariate")
            if not big
            else "  "
            + term("|SMD| after adjustment > 0.1: {names}").format(names=", ".join(map(str, big)))
        )
        lines.extend(f"  {term('note')}: {n}" for n in self.notes)
        return "\n".join(lines)

    def _html_title(self) -> str:
        return f"{term(METHOD_NAMES.get(self.method, self.method))} ({self.estimand})"

    def _html_frame(self) -> pd.DataFrame:
        """Sample sizes before and after, and the balance summary, as a table."""
        return pd.DataFrame(self._sizes(), columns=["", term("before"), term("after")])

    def _html_notes(self) -> tuple[str, ...]:
        return self.notes

    def __repr__(self) -> str:
        return (
            f"MatchedSample(method={self.method!r}, estimand={self.estimand!r}, "
            f"treated={self.n_treated}, controls={self.n_control}, in_sample={int(self.matched.sum())})"
        )

    def _love_tables(self) -> pd.DataFrame | dict[str, pd.DataFrame]:
        """What the love plot draws: the balance table, named after the method."""
        return {term(METHOD_NAMES.get(self.method, self.method)).lower(): self.balance()}

    def _no_score_message(self) -> str:
        return (
            f"plot_overlap() needs a propensity score; method={self.method!r} has none. "
            "Use plot_balance(), or a score-based method (nearest, optimal, full, subclass, overlap)."
        )

    @speaks
    def plot_balance(
        self,
        ax: Axes | None = None,
        *,
        threshold: float = 0.1,
        title: str | None = None,
        xlabel: str | None = None,
        ylabel: str | None = None,
        labels: Mapping[Any, str] | None = None,
    ) -> Axes:
        """Love plot: absolute standardized mean differences before and after.

        ``title``, ``xlabel``, ``ylabel`` replace the default texts, ``labels`` maps covariate
        names to display text and ``language="da"`` writes the plot in Danish.
        """
        from ..plots import love_plot

        threshold = check_number(threshold, "threshold", "plot_balance", low=0, low_open=True)
        return love_plot(
            self._love_tables(),
            ax=ax,
            threshold=threshold,
            title=title,
            xlabel=xlabel,
            ylabel=ylabel,
            labels=labels,
        )

    @speaks
    def plot_overlap(
        self,
        ax: Axes | None = None,
        *,
        bins: int | None = None,
        title: str | None = None,
        xlabel: str | None = None,
        ylabel: str | None = None,
        labels: Mapping[Any, str] | None = None,
    ) -> Axes:
        """Distributions of the propensity score by group, before and after.

        ``bins`` (a whole number from 1 to 1,000) sets the histogram bins; by default the
        Freedman-Diaconis rule, kept between 10 and 60.

        ``title``, ``xlabel``, ``ylabel`` and ``labels`` (keys ``"treated"``/``"control"``)
        replace the default texts; ``language="da"`` writes the plot in Danish.
        """
        if self.distance is None:
            raise EffektError(self._no_score_message())
        if bins is not None:
            bins = int(
                check_number(bins, "bins", "plot_overlap", low=1, high=MAX_BINS, integer=True)
            )
        from ..plots import overlap_plot

        label = "weighted" if self.method in ("ebal", "overlap", "ipw") else "matched"
        return overlap_plot(
            self.distance,
            self.treated,
            self.weights,
            ax=ax,
            bins=bins,
            label=label,
            title=title,
            xlabel=xlabel,
            ylabel=ylabel,
            labels=labels,
        )
