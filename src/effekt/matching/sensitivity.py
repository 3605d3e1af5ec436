"""Sensitivity to hidden confounding: Rosenbaum bounds for matched pairs and E-values.

A matched comparison removes bias from the covariates that were matched on, not from
traits the registers do not hold. :func:`rosenbaum_bounds` asks how strongly such a trait
would have to change the odds of treatment within a matched pair (Γ) before the
significance of the effect is lost; :func:`e_value` asks how strongly an unmeasured
confounder would have to be associated with both treatment and outcome (on the risk-ratio
scale) to explain the effect away.
"""

from __future__ import annotations

import math
import numbers
import warnings
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from scipy import optimize, stats

from .._frame import SUPPORTED, is_frame
from .._validate import (
    MISSING_POLICIES,
    argument_error,
    check_choice,
    check_frame,
    check_number,
    numeric_column,
    quote,
    require_columns,
    two_valued,
)
from ..errors import ColumnError, DroppedRowsWarning, EffektError, SmallSampleWarning
from ..language import get_language, number, speaks, term
from ..results import EffectResult, Result

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["RosenbaumBounds", "rosenbaum_bounds", "EValue", "e_value"]

_GAMMA_MAX = 1e8


# --------------------------------------------------------------------------- Rosenbaum bounds


@dataclass(frozen=True)
class RosenbaumBounds(Result):
    """Bounds on the one-sided p-value of a matched-pairs test under hidden bias of at most Γ.

    Attributes
    ----------
    gamma, p_lower, p_upper : ndarray
        The grid of Γ and the lower and upper bounds on the one-sided p-value at each Γ
        (``p_lower == p_upper`` at Γ = 1: the ordinary test).
    gamma_critical : float
        The smallest Γ at which the upper bound exceeds ``alpha`` (the study's conclusion
        of an effect is robust to hidden biases below it), found by root-finding;
        1.0 when the effect is not significant even without hidden bias.
    method : str
        ``"mcnemar"`` (binary outcome, discordant pairs) or ``"wilcoxon"`` (signed rank).
    alternative : str
        ``"greater"`` (treated outcome higher) or ``"less"``.
    alpha : float
    statistic : float
        Discordant pairs favouring the alternative (McNemar) or the signed-rank sum ``T+``.
    n_pairs, n_informative : int
        Matched pairs used, and discordant pairs (McNemar) or pairs with a non-zero
        difference (Wilcoxon).
    outcome : str or None
    notes : tuple of str
    """

    gamma: np.ndarray
    p_lower: np.ndarray
    p_upper: np.ndarray
    gamma_critical: float
    method: str
    alternative: str
    alpha: float
    statistic: float
    n_pairs: int
    n_informative: int
    outcome: str | None = None
    notes: tuple[str, ...] = ()
    _pvalue_at: Any = field(default=None, repr=False, compare=False)

    def table(self) -> pd.DataFrame:
        """The bounds as a DataFrame with columns ``gamma``, ``p_lower``, ``p_upper``."""
        return pd.DataFrame({"gamma": self.gamma, "p_lower": self.p_lower, "p_upper": self.p_upper})

    def to_frame(self) -> pd.DataFrame:
        """Same as :meth:`table`."""
        return self.table()

    def pvalue_bounds(self, gamma: float) -> tuple[float, float]:
        """``(p_lower, p_upper)`` at any Γ >= 1 (not only the grid)."""
        g = check_number(gamma, "gamma", "RosenbaumBounds.pvalue_bounds", low=1)
        return self._pvalue_at(g)

    @speaks
    def summary(self) -> str:
        """Readable text: the test, Γ at which significance is lost, and the table."""
        mcnemar = self.method == "mcnemar"
        test = term("McNemar (discordant pairs)" if mcnemar else "Wilcoxon signed rank")
        informative = term("discordant pairs" if mcnemar else "non-zero differences")
        direction = term("treated higher" if self.alternative == "greater" else "treated lower")
        outcome = f", {term('outcome')} {quote(self.outcome)}" if self.outcome is not None else ""
        lines = [
            term("Rosenbaum sensitivity bounds, {test}, one-sided ({direction})").format(
                test=test, direction=direction
            )
            + outcome,
            "  "
            + term("{n} matched pairs, {k} {informative}").format(
                n=number(self.n_pairs, 0), k=number(self.n_informative, 0), informative=informative
            ),
        ]
        alpha = number(self.alpha, None)
        if self.p_upper[0] > self.alpha and self.gamma[0] == 1:
            lines.append(
                "  "
                + term(
                    "not significant at alpha = {alpha} even without hidden bias (Γ = 1)"
                ).format(alpha=alpha)
            )
        else:
            lines.append(
                "  "
                + term(
                    "significance at alpha = {alpha} is lost at Γ = {g3}: an unobserved trait that "
                    "multiplies the odds of treatment by {g2} within pairs could explain the "
                    "effect away"
                ).format(
                    alpha=alpha,
                    g3=number(self.gamma_critical, 3),
                    g2=number(self.gamma_critical, 2),
                )
            )
        body = self.table().to_string(index=False, float_format=lambda v: number(v, 4))
        lines.extend("  " + line for line in body.splitlines())
        lines.extend(f"  {term('note')}: {n}" for n in self.notes)
        return "\n".join(lines)

    @speaks
    def plot(
        self,
        ax: Axes | None = None,
        *,
        title: str | None = None,
        xlabel: str | None = None,
        ylabel: str | None = None,
        labels: Mapping[Any, str] | None = None,
    ) -> Axes:
        """The bounds against Γ with the ``alpha`` line and Γ-critical marked; returns the Axes.

        ``title``, ``xlabel``, ``ylabel`` replace the default texts, ``labels`` maps the
        outcome's name to display text, ``language="da"`` writes the plot in Danish.
        """
        from ..plots import new_axes

        ax = new_axes(ax)
        ax.plot(
            self.gamma, self.p_upper, marker="o", ms=3, color="C3", label=term("upper bound on p")
        )
        ax.plot(
            self.gamma, self.p_lower, marker="o", ms=3, color="C0", label=term("lower bound on p")
        )
        alpha = f"alpha = {number(self.alpha, None)}"
        ax.axhline(self.alpha, color="grey", ls="--", lw=1, label=alpha)
        if self.gamma[0] <= self.gamma_critical <= self.gamma[-1]:
            ax.axvline(self.gamma_critical, color="C3", ls=":", lw=1)
            ax.annotate(
                f"Γ = {number(self.gamma_critical, 2)}",
                (self.gamma_critical, self.alpha),
                xytext=(5, 8),
                textcoords="offset points",
                color="C3",
            )
        default = term("Sensitivity to hidden bias")
        if self.outcome is not None:
            default += f": {(labels or {}).get(self.outcome, self.outcome)}"
        ax.set_title(default if title is None else title)
        ax.set_xlabel(
            term("Γ (odds ratio of treatment within a pair due to hidden bias)")
            if xlabel is None
            else xlabel
        )
        ax.set_ylabel(term("One-sided p-value") if ylabel is None else ylabel)
        ax.set_ylim(-0.02, 1.02)
        language = get_language()
        if language != "en":  # ticks are drawn later, outside this call's language
            from matplotlib.ticker import FuncFormatter

            for axis in (ax.xaxis, ax.yaxis):
                axis.set_major_formatter(
                    FuncFormatter(lambda v, _: number(float(f"{v:.10g}"), None, language))
                )
        ax.legend(frameon=False)
        return ax


def _missing_pairs(
    frame: pd.DataFrame, cols: list[Hashable], pair: Hashable, missing: str, func: str
) -> pd.DataFrame:
    """Raise on missing values in ``cols`` or, with ``missing="drop"``, drop whole pairs."""
    isna = frame[cols].isna()
    counts = isna.sum()
    if not counts.any():
        return frame
    if missing == "raise":
        column = counts[counts > 0].index[0]
        raise ColumnError(
            f"The column {quote(column)} used by {func}() has {int(counts[column])} missing values in the matched "
            "data; a pair with a missing member cannot be analysed. Remove those pairs (both members) first, "
            "or pass missing='drop' (drops every pair with a missing member)."
        )
    bad = isna.any(axis=1).to_numpy()
    drop = bad | frame[pair].isin(frame.loc[bad, pair].dropna()).to_numpy()
    warnings.warn(
        f"{func}() dropped {int(drop.sum())} of {len(frame)} rows: the pairs with a missing value in "
        f"{', '.join(map(quote, counts[counts > 0].index))}.",
        DroppedRowsWarning,
        stacklevel=4,
    )
    return frame.loc[~drop]


def _check_one_to_one(replace: Any, ratio: Any, func: str) -> None:
    """Rosenbaum bounds need disjoint 1:1 pairs: no replacement, ratio 1."""
    if replace:
        raise EffektError(
            f"{func}() needs disjoint 1:1 matched pairs, but this MatchResult matched with replace=True, "
            "so a control can sit in several pairs and the pairs are not independent. Rematch with "
            "replace=False (and ratio=1) for a Rosenbaum sensitivity analysis."
        )
    if ratio not in (1, None):
        raise EffektError(
            f"{func}() handles 1:1 matched pairs; this MatchResult has ratio={ratio}. Rematch with ratio=1 "
            "(bounds for matched sets with several controls are not implemented)."
        )


def _match_like_frame(
    data: Any, treatment: Hashable | None, treated_value: Any, func: str
) -> tuple[pd.DataFrame, Hashable | None, Any]:
    """The matched data of a MatchResult-like object without stored pairs, checked for 1:1."""
    options = getattr(data, "options", {}) or {}
    replace = options.get("replace", getattr(data, "replace", False))
    _check_one_to_one(replace, options.get("ratio", getattr(data, "ratio", 1)), func)
    if treatment is None:
        treatment = getattr(data, "treatment", None)
    if treated_value is None:
        treated_value = options.get("treated_value", getattr(data, "treated_value", None))
    return data.matched_data(), treatment, treated_value


def _check_reused_rows(frame: pd.DataFrame, pair: Hashable, func: str) -> None:
    """A unit reused by several pairs (matching with replacement) raises."""
    if not frame.index.has_duplicates:
        return
    # A unit reused by several pairs (e.g. MatchIt's get_matches()) shows up as the same
    # row -- same label and same values -- under different pair ids; distinct people who
    # merely share an index label do not.
    key = pd.util.hash_pandas_object(frame.drop(columns=[pair]).reset_index(), index=False)
    spread = pd.Series(frame[pair].to_numpy()).groupby(key.to_numpy()).nunique()
    if (spread > 1).any():
        dup = frame.index[np.flatnonzero(key.to_numpy() == spread.index[spread > 1][0])[0]]
        raise EffektError(
            f"{func}(): the row {quote(dup)} appears in several matched pairs (matching with "
            "replacement). Rosenbaum bounds need disjoint pairs; rematch with replace=False."
        )


def _pairs_from(
    data: Any,
    outcome: Hashable,
    treatment: Hashable | None,
    pair: Hashable,
    treated_value: Any,
    missing: str,
    func: str,
) -> tuple[np.ndarray, np.ndarray]:
    """Treated and control outcomes of each 1:1 pair, as two aligned arrays."""
    if hasattr(data, "_t_pos") and hasattr(data, "treated") and hasattr(data, "data"):
        return _pairs_from_match(data, outcome, missing, func)
    if hasattr(data, "matched_data"):
        frame, treatment, treated_value = _match_like_frame(data, treatment, treated_value, func)
    elif is_frame(data):
        frame = check_frame(data, func, outcome=outcome, treatment=treatment, pair=pair)
    else:
        raise argument_error(func, "data", f"a MatchResult or {SUPPORTED}", type(data).__name__)
    if treatment is None:
        raise argument_error(
            func,
            "treatment",
            "the name of the treatment column when 'data' is a DataFrame",
            None,
        )
    require_columns(frame, func, outcome=outcome, treatment=treatment, pair=pair)
    frame = _missing_pairs(frame, [outcome, treatment, pair], pair, missing, func)
    _check_reused_rows(frame, pair, func)
    treated = two_valued(frame[treatment], treatment, "treatment", func, treated_value)
    y = numeric_column(frame[outcome], outcome, func, "outcome")
    codes, labels = pd.factorize(frame[pair])
    n_pairs = len(labels)
    size = np.bincount(codes, minlength=n_pairs)
    n_treated = np.bincount(codes, weights=treated, minlength=n_pairs)
    bad = np.flatnonzero((size != 2) | (n_treated != 1))
    if bad.size:
        j = int(bad[0])
        raise EffektError(
            f"{func}() needs 1:1 matched pairs (one treated and one control per {quote(pair)}); "
            f"{bad.size} of {n_pairs} pairs are not, e.g. {quote(pair)} = {quote(labels[j])} has {int(size[j])} "
            f"member(s), {int(n_treated[j])} treated. Rematch with ratio=1 and replace=False, or drop those sets."
        )
    y_t = np.bincount(codes, weights=np.where(treated, y, 0.0), minlength=n_pairs)
    y_c = np.bincount(codes, weights=np.where(treated, 0.0, y), minlength=n_pairs)
    return y_t, y_c


def _pairs_from_match(
    matched: Any, outcome: Hashable, missing: str, func: str
) -> tuple[np.ndarray, np.ndarray]:
    """Pairs of a MatchResult from its stored positions and treated indicator.

    Neither the treatment column (which may need ``treated_value``) nor the index labels
    (which may repeat) are consulted: the match itself says who is treated and who was
    paired with whom.
    """
    options = getattr(matched, "options", {}) or {}
    _check_one_to_one(options.get("replace", False), options.get("ratio", 1), func)
    data = matched.data
    require_columns(data, func, outcome=outcome)
    t_pos = np.asarray(matched._t_pos, dtype=np.int64)
    c_pos = np.asarray(matched._c_pos, dtype=np.int64)
    if not (matched.treated[t_pos].all() and not matched.treated[c_pos].any()):
        raise EffektError(
            f"{func}(): the MatchResult's pairs do not join treated to control units."
        )
    if len(np.unique(c_pos)) != len(c_pos) or len(np.unique(t_pos)) != len(t_pos):
        raise EffektError(
            f"{func}(): a unit appears in several matched pairs of this MatchResult; Rosenbaum "
            "bounds need disjoint 1:1 pairs; rematch with replace=False and ratio=1."
        )
    values = data[outcome].iloc[np.r_[t_pos, c_pos]].reset_index(drop=True)
    key = "pair" if outcome != "pair" else "pair_id"
    frame = values.to_frame(name=outcome).assign(**{key: np.tile(np.arange(len(t_pos)), 2)})
    frame = _missing_pairs(frame, [outcome], key, missing, func)
    y = numeric_column(frame[outcome], outcome, func, "outcome")
    half = len(y) // 2
    return y[:half].astype(float), y[half:].astype(float)


def _gamma_grid(gamma: Sequence[float] | np.ndarray | None, func: str) -> np.ndarray:
    if gamma is None:
        return np.round(np.arange(1.0, 3.0 + 1e-9, 0.1), 10)
    values = np.atleast_1d(np.asarray(gamma, dtype=object))
    if values.size == 0:
        raise argument_error(func, "gamma", "a non-empty sequence of numbers >= 1", list(values))
    for g in values:
        check_number(g, "gamma", func, low=1)
    return np.asarray(values, dtype=float)


def _default_alternative(d: np.ndarray, method: str) -> str:
    """The direction of the observed effect: more pairs (or rank mass) favouring treated."""
    if method == "mcnemar":
        return "greater" if (d > 0).sum() >= (d < 0).sum() else "less"
    r = stats.rankdata(np.abs(d[d != 0]))
    return "greater" if r[d[d != 0] > 0].sum() >= r.sum() / 2 else "less"


_Bounds = tuple[Any, float, int, list[str]]


def _mcnemar_bounds(d: np.ndarray, outcome: Hashable, func: str) -> _Bounds:
    """``(p-value bounds at Γ, statistic, informative pairs, notes)`` of the McNemar test."""
    t_stat = int((d > 0).sum())
    n_inf = int((d != 0).sum())
    if n_inf == 0:
        raise EffektError(
            f"{func}(): none of the {len(d)} pairs is discordant on {quote(outcome)} (both members have the "
            "same outcome in every pair), so the matched-pairs test carries no information."
        )

    def at(g: float) -> tuple[float, float]:
        lo = float(stats.binom.sf(t_stat - 1, n_inf, 1 / (1 + g)))
        up = float(stats.binom.sf(t_stat - 1, n_inf, g / (1 + g)))
        return lo, up

    return at, float(t_stat), n_inf, []


def _wilcoxon_bounds(d: np.ndarray, outcome: Hashable, func: str) -> _Bounds:
    """``(p-value bounds at Γ, statistic, informative pairs, notes)`` of the signed-rank test."""
    nz = d[d != 0]
    n_inf = int(nz.size)
    if n_inf == 0:
        raise EffektError(
            f"{func}(): every matched pair has the same {quote(outcome)} for both members; "
            "the signed-rank test carries no information."
        )
    notes = []
    if len(d) - n_inf:
        notes.append(
            f"{len(d) - n_inf} pair(s) with a zero difference dropped, as wilcox.test does"
        )
    ranks = stats.rankdata(np.abs(nz))
    t_plus = float(ranks[nz > 0].sum())
    sr, sr2 = float(ranks.sum()), float((ranks**2).sum())

    def at(g: float) -> tuple[float, float]:
        pp, pm = g / (1 + g), 1 / (1 + g)
        v = pp * pm * sr2
        up = float(stats.norm.sf((t_plus - pp * sr) / math.sqrt(v)))
        lo = float(stats.norm.sf((t_plus - pm * sr) / math.sqrt(v)))
        if n_inf < 10:
            # minimum-information rule: never below the smallest exact p-value (every sign
            # positive); with 4 pairs the normal approximation gave 0.034 where exact is 0.0625
            lo, up = max(lo, pm**n_inf), max(up, pp**n_inf)
        return lo, up

    if n_inf < 10:
        warnings.warn(
            f"{func}(): only {n_inf} pairs have a non-zero difference; the normal approximation behind "
            "the Wilcoxon bounds is rough with so few pairs.",
            SmallSampleWarning,
            stacklevel=3,
        )
    return at, t_plus, n_inf, notes


def _critical_gamma(p_upper: Any, alpha: float) -> float:
    """Smallest Γ >= 1 with p_upper(Γ) > alpha (p_upper is increasing in Γ)."""
    if p_upper(1.0) > alpha:
        return 1.0
    hi = 2.0
    while p_upper(hi) <= alpha:
        hi *= 2
        if hi > _GAMMA_MAX:
            return math.inf
    lo = hi / 2 if hi > 2 else 1.0
    root = optimize.brentq(
        lambda lg: p_upper(math.exp(lg)) - alpha, math.log(lo), math.log(hi), xtol=1e-12, rtol=1e-12
    )
    return float(math.exp(root))


def rosenbaum_bounds(
    data: Any,
    outcome: Hashable,
    treatment: Hashable | None = None,
    *,
    pair: Hashable = "subclass",
    gamma: Sequence[float] | np.ndarray | None = None,
    alpha: float = 0.05,
    method: str = "auto",
    alternative: str | None = None,
    treated_value: Any = None,
    missing: str = "raise",
) -> RosenbaumBounds:
    """Rosenbaum bounds: how much hidden bias would overturn a matched-pairs test?

    Parameters
    ----------
    data : MatchResult or DataFrame (pandas, Polars, PyArrow), DuckDB relation or PySpark DataFrame
        A 1:1 match without replacement (``match(..., ratio=1, replace=False)``), or a
        DataFrame with one row per person and the columns ``treatment``, ``outcome`` and
        ``pair`` (exactly one treated and one control per pair id). Not modified.
        Only the columns named in the other arguments are read (see Notes).
    outcome : column name
        Binary (0/1) or numeric outcome.
    treatment : column name, optional
        Treatment column of a DataFrame ``data``. With a MatchResult the arms and the
        pairs are taken from the match itself (its treated indicator and pair positions),
        so ``treatment``, ``pair`` and ``treated_value`` are not needed.
    pair : column name, default "subclass"
        Pair id column (``subclass`` in ``matched_data()``).
    gamma : sequence of float >= 1, optional
        Grid of Γ; default 1, 1.1, ..., 3.
    alpha : float, default 0.05
        Significance level for ``gamma_critical``.
    method : {"auto", "mcnemar", "wilcoxon"}
        ``"auto"``: McNemar-type bounds for a 0/1 outcome, Wilcoxon signed rank otherwise.
    alternative : {"greater", "less"}, optional
        Direction of the one-sided test; default: the direction of the observed effect.
    treated_value : optional
        Value of ``treatment`` that marks the treated (for non-0/1 codings) in a DataFrame
        ``data``.
    missing : {"raise", "drop"}
        A missing outcome, treatment or pair id raises, or (``"drop"``) drops every pair
        with a missing member, with a :class:`~effekt.errors.DroppedRowsWarning`.

    Returns
    -------
    RosenbaumBounds

    Notes
    -----
    Minimum-information rule: with fewer than 10 informative pairs a
    :class:`~effekt.errors.SmallSampleWarning` is issued and the normal-approximation
    Wilcoxon bounds are floored at the smallest exact p-value, ``(Γ/(1+Γ))^n`` (every sign
    positive); with 4 pairs no bound can fall below 0.05.

    Within matched pair ``s`` the odds that one rather than the other member is treated
    may differ by at most a factor Γ because of an unobserved covariate. Under the null
    of no effect, each informative pair then favours the treated member with a
    probability between ``p- = 1/(1+Γ)`` and ``p+ = Γ/(1+Γ)`` (Rosenbaum 2002, ch. 4):

    * McNemar (binary outcome): among ``D`` discordant pairs, ``T`` have the event in the
      treated member only. The bounds are the binomial tails ``P(Bin(D, p±) >= T)``
      (exact, no approximation); at Γ = 1 they equal the exact one-sided McNemar
      (sign) test.
    * Wilcoxon signed rank (continuous outcome): pairs with a zero difference are
      dropped, ``|d|`` is ranked with average ranks for ties, ``T+`` is the sum of the
      ranks of positive differences, and the bounds are the normal approximations
      ``1 - Phi((T+ - p± sum r) / sqrt(p±(1-p±) sum r^2))`` without continuity correction,
      as in R ``rbounds::psens``. At Γ = 1 this is ``wilcox.test(d, exact = FALSE,
      correct = FALSE)``, tie correction included (``sum r^2 / 4``).

    With ``alternative="less"`` the roles of treated and control are swapped (the
    differences change sign). ``gamma_critical`` solves ``p_upper(Γ) = alpha`` by Brent's
    method on log Γ. Matched sets with several controls, or with reused controls
    (matching with replacement), raise an error: the pair-based bounds do not apply.

    Any dataframe in: a Polars, PyArrow, DuckDB or PySpark ``data`` is checked against its
    schema and only the outcome, treatment and pair columns are collected into pandas; memory ~
    rows × those columns. The estimator is unit-level (it needs every row); a pandas DataFrame
    is used as it is.

    References
    ----------
    Rosenbaum, P. R. (2002). *Observational Studies*, 2nd ed., ch. 4. Springer.
    Keele, L. (2010). An overview of rbounds: an R package for Rosenbaum bounds
    sensitivity analysis with matched data.

    Examples
    --------
    Blood lead of 33 children of lead-factory workers and 33 matched controls
    (Morton et al. 1982, analysed in Rosenbaum 2002, ch. 4):

    >>> import pandas as pd
    >>> from effekt.matching import rosenbaum_bounds
    >>> exposed = [38, 23, 41, 18, 37, 36, 23, 62, 31, 34, 24, 14, 21, 17, 16, 20, 15,
    ...            10, 45, 39, 22, 35, 49, 48, 44, 35, 43, 39, 34, 13, 73, 25, 27]
    >>> control = [16, 18, 18, 24, 19, 11, 10, 15, 16, 18, 18, 13, 19, 10, 16, 16, 24,
    ...            13, 9, 14, 21, 19, 7, 18, 19, 12, 11, 22, 25, 16, 13, 11, 13]
    >>> df = pd.DataFrame({"pair": list(range(33)) * 2, "exposed": [1] * 33 + [0] * 33,
    ...                    "lead": exposed + control})
    >>> rb = rosenbaum_bounds(df, "lead", treatment="exposed", pair="pair", gamma=[1, 2, 4, 5])
    >>> rb.table().round(4)
       gamma  p_lower  p_upper
    0    1.0      0.0   0.0000
    1    2.0      0.0   0.0018
    2    4.0      0.0   0.0367
    3    5.0      0.0   0.0694
    >>> round(rb.gamma_critical, 2)
    4.43
    """
    func = "rosenbaum_bounds"
    alpha = check_number(alpha, "alpha", func, low=0, high=1, low_open=True, high_open=True)
    check_choice(method, "method", func, ("auto", "mcnemar", "wilcoxon"))
    check_choice(missing, "missing", func, MISSING_POLICIES)
    if alternative is not None:
        check_choice(alternative, "alternative", func, ("greater", "less"))
    grid = _gamma_grid(gamma, func)
    y_t, y_c = _pairs_from(data, outcome, treatment, pair, treated_value, missing, func)
    binary = bool(np.isin(np.concatenate([y_t, y_c]), (0.0, 1.0)).all())
    if method == "auto":
        method = "mcnemar" if binary else "wilcoxon"
    elif method == "mcnemar" and not binary:
        raise ColumnError(
            f"method='mcnemar' of {func}() needs a 0/1 outcome, but {quote(outcome)} has other values; "
            "use method='wilcoxon' for a numeric outcome."
        )
    d = y_t - y_c
    if alternative is None:
        alternative = _default_alternative(d, method)
    if alternative == "less":
        d = -d
    bounds_of = _mcnemar_bounds if method == "mcnemar" else _wilcoxon_bounds
    at, statistic, n_inf, notes = bounds_of(d, outcome, func)
    bounds = np.array([at(g) for g in grid])
    p_lower = bounds[:, 0].copy()
    p_upper = bounds[:, 1].copy()
    gamma_critical = _critical_gamma(lambda g: at(g)[1], alpha)
    if gamma_critical == 1.0:
        notes.append(
            f"the effect is not significant at alpha = {alpha:g} even without hidden bias (Γ = 1)"
        )
    for arr in (grid, p_lower, p_upper):
        arr.setflags(write=False)
    return RosenbaumBounds(
        gamma=grid,
        p_lower=p_lower,
        p_upper=p_upper,
        gamma_critical=gamma_critical,
        method=method,
        alternative=alternative,
        alpha=alpha,
        statistic=statistic,
        n_pairs=len(y_t),
        n_informative=n_inf,
        outcome=None if outcome is None else str(outcome),
        notes=tuple(notes),
        _pvalue_at=at,
    )


# --------------------------------------------------------------------------- E-values


@dataclass(frozen=True)
class EValue(Result):
    """E-values for an estimate and its confidence limit (VanderWeele & Ding 2017).

    Attributes
    ----------
    measure : str
        Scale of the input: "RR", "OR" or "HR".
    estimate, ci_low, ci_high : float
        The input estimate and confidence limits (``nan`` when not given).
    rr, rr_ci : float, tuple
        The estimate and limits converted to (approximate) risk ratios.
    e_point : float
        E-value of the point estimate: the minimum strength of association (risk ratio)
        an unmeasured confounder would need with both treatment and outcome to explain
        the estimate away.
    e_ci : float
        E-value of the confidence limit closest to 1 (1.0 when the interval includes 1);
        ``nan`` when no interval was given.
    rare : bool
    notes : tuple of str
    """

    measure: str
    estimate: float
    ci_low: float
    ci_high: float
    rr: float
    rr_ci: tuple[float, float]
    e_point: float
    e_ci: float
    rare: bool
    notes: tuple[str, ...] = ()

    def to_frame(self) -> pd.DataFrame:
        """One row per quantity (point, lower, upper) with the input, the RR and the E-value."""
        rows = [
            ("point", self.estimate, self.rr, self.e_point),
            (
                "lower",
                self.ci_low,
                self.rr_ci[0],
                self.e_ci if self._limit() == "lower" else np.nan,
            ),
            (
                "upper",
                self.ci_high,
                self.rr_ci[1],
                self.e_ci if self._limit() == "upper" else np.nan,
            ),
        ]
        return pd.DataFrame(rows, columns=["quantity", "value", "rr", "e_value"])

    def _limit(self) -> str:
        return "lower" if self.rr >= 1 else "upper"

    @speaks
    def summary(self) -> str:
        g3 = float(f"{self.estimate:.3g}")
        lines = [
            term("E-value for {measure} = {value}").format(
                measure=self.measure, value=number(g3, None)
            )
            + (f" ({term('rare outcome')})" if self.rare else "")
        ]
        if self.measure != "RR":
            rr = number(float(f"{self.rr:.3g}"), None)
            lines.append(f"  {term('as a risk ratio')}: {rr}")
        e = number(self.e_point, 2)
        lines.append(
            "  "
            + term(
                "point estimate: E = {e} -- an unmeasured confounder associated with both "
                "treatment and outcome by a risk ratio of {e} each could explain it away"
            ).format(e=e)
        )
        if np.isfinite(self.e_ci):
            lines.append(
                f"  {term('confidence limit')} ({term(self._limit() + ' limit')}): E = {number(self.e_ci, 2)}"
            )
        lines.extend(f"  {term('note')}: {n}" for n in self.notes)
        return "\n".join(lines)


def _e_of_rr(rr: float) -> float:
    """E = RR + sqrt(RR (RR - 1)) after inverting protective risk ratios."""
    rr = 1 / rr if rr < 1 else rr
    return float(rr + math.sqrt(rr * (rr - 1)))


#: Ratios accepted by :func:`e_value` lie in [1/MAX_RATIO, MAX_RATIO]: beyond, the HR
#: conversion divides by 0 in floating point and the E-value is no longer meaningful.
MAX_RATIO = 1e6


def _to_rr(value: float, measure: str, rare: bool) -> float:
    if measure == "RR" or rare:
        return value
    if measure == "OR":
        return math.sqrt(value)
    # HR, common outcome (VanderWeele 2017 approximation)
    return (1 - 0.5 ** math.sqrt(value)) / (1 - 0.5 ** math.sqrt(1 / value))


def _ratio_of_effect(
    res: EffectResult, measure: str, ci_low: Any, ci_high: Any, notes: list[str]
) -> tuple[float, float, float]:
    """The risk ratio and its limits of an effect on the proportion scale."""
    func = "e_value"
    if measure != "RR":
        raise argument_error(func, "measure", "'RR' when an EffectResult is given", measure)
    if ci_low is not None or ci_high is not None:
        raise EffektError(f"{func}(): give either an EffectResult or ci_low/ci_high, not both.")
    if res.scale != "proportion" or not res.mean_control or res.mean_treated is None:
        raise EffektError(
            f"{func}() converts an EffectResult to a risk ratio from its mean_treated and mean_control, "
            "which needs a binary outcome with a non-zero control share; pass the risk ratio and its limits "
            "instead."
        )
    mc = float(res.mean_control)
    est = float(res.mean_treated) / mc
    if res.relative_change_ci is not None:
        lo, hi = 1 + res.relative_change_ci[0], 1 + res.relative_change_ci[1]
    else:
        lo, hi = 1 + res.ci[0] / mc, 1 + res.ci[1] / mc
        notes.append(
            "risk-ratio limits derived from the difference's interval treating the control share as fixed"
        )
    if lo <= 0:
        notes.append(
            "the lower limit of the risk ratio was <= 0 and was set to a tiny positive number"
        )
        lo = 1e-12
    return est, lo, hi


def _e_of_limit(rr: float, rr_lo: float, rr_hi: float, notes: list[str]) -> float:
    """E-value of the confidence limit closest to 1 (1 when the interval includes 1)."""
    limit = rr_lo if rr >= 1 else rr_hi
    if not np.isfinite(limit):
        if np.isfinite(rr_lo) or np.isfinite(rr_hi):
            notes.append(
                "only the confidence limit on the far side of 1 was given; no E-value for the interval"
            )
        return math.nan
    if (rr >= 1 and limit <= 1) or (rr < 1 and limit >= 1):
        return 1.0
    return _e_of_rr(limit)


def e_value(
    estimate: float | EffectResult,
    ci_low: float | None = None,
    ci_high: float | None = None,
    *,
    measure: str = "RR",
    rare: bool = False,
) -> EValue:
    """E-value: how strong must unmeasured confounding be to explain an effect away?

    Parameters
    ----------
    estimate : float or EffectResult
        A risk ratio (``measure="RR"``), odds ratio (``"OR"``) or hazard ratio (``"HR"``),
        between 1e-6 and 1e6. An :class:`~effekt.results.EffectResult` on the proportion scale (e.g. a
        matched ATT) is converted to the risk ratio ``mean_treated / mean_control`` with
        limits from ``relative_change_ci`` or, failing that, ``1 + ci / mean_control``.
    ci_low, ci_high : float, optional
        Confidence limits on the same scale.
    measure : {"RR", "OR", "HR"}
    rare : bool, default False
        Outcome rare (< 15 %) so that OR and HR approximate the RR. Otherwise an OR is
        converted by ``sqrt(OR)`` and an HR by ``(1 - 0.5^sqrt(HR)) / (1 - 0.5^sqrt(1/HR))``.

    Returns
    -------
    EValue

    Notes
    -----
    For a risk ratio ``RR >= 1`` the E-value is ``RR + sqrt(RR (RR - 1))``; for ``RR < 1``
    it is computed for ``1/RR``. For the interval, the limit closest to 1 is used (the
    lower limit when ``RR > 1``), and the E-value is 1 when the interval includes 1.
    Ratios (estimate and limits) must lie between 1e-6 and 1e6: beyond that the HR
    conversion divides by zero in floating point, and such a ratio is a data error.

    References
    ----------
    VanderWeele, T. J. & Ding, P. (2017). Sensitivity analysis in observational research:
    introducing the E-value. *Annals of Internal Medicine* 167, 268-274.

    Examples
    --------
    The paper's example, RR 3.9 (95 % CI 1.8 to 8.7):

    >>> from effekt.matching import e_value
    >>> ev = e_value(3.9, 1.8, 8.7)
    >>> round(ev.e_point, 2), round(ev.e_ci, 2)
    (7.26, 3.0)
    """
    func = "e_value"
    check_choice(measure, "measure", func, ("RR", "OR", "HR"))
    if not isinstance(rare, (bool, np.bool_)):
        raise argument_error(func, "rare", "True or False", rare)
    notes: list[str] = []
    if isinstance(estimate, EffectResult):
        estimate, ci_low, ci_high = _ratio_of_effect(estimate, measure, ci_low, ci_high, notes)
    values = {}
    for name, v in (("estimate", estimate), ("ci_low", ci_low), ("ci_high", ci_high)):
        if v is None:
            values[name] = math.nan
            continue
        if isinstance(v, bool) or not isinstance(v, numbers.Real) or not np.isfinite(v) or v <= 0:
            raise argument_error(func, name, f"a positive {measure} (a ratio, 1 = no effect)", v)
        if not 1 / MAX_RATIO <= v <= MAX_RATIO:
            raise argument_error(
                func, name, f"a {measure} between 1e-6 and 1e6 (beyond that it is a data error)", v
            )
        values[name] = float(v)
    est, lo, hi = values["estimate"], values["ci_low"], values["ci_high"]
    if np.isfinite(lo) and lo > est:
        raise argument_error(func, "ci_low", f"at most the estimate ({est:g})", lo)
    if np.isfinite(hi) and hi < est:
        raise argument_error(func, "ci_high", f"at least the estimate ({est:g})", hi)
    rr = _to_rr(est, measure, bool(rare))
    rr_lo = _to_rr(lo, measure, bool(rare)) if np.isfinite(lo) else math.nan
    rr_hi = _to_rr(hi, measure, bool(rare)) if np.isfinite(hi) else math.nan
    e_point = _e_of_rr(rr)
    e_ci = _e_of_limit(rr, rr_lo, rr_hi, notes)
    if measure != "RR" and not rare:
        notes.append(
            "common outcome: "
            + (
                "RR = sqrt(OR)"
                if measure == "OR"
                else "RR from the HR by VanderWeele's (2017) formula"
            )
        )
    return EValue(
        measure=measure,
        estimate=est,
        ci_low=lo,
        ci_high=hi,
        rr=rr,
        rr_ci=(rr_lo, rr_hi),
        e_point=e_point,
        e_ci=e_ci,
        rare=bool(rare),
        notes=tuple(notes),
    )
