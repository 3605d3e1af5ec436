"""The teaching contrast: ranking groups by their simple effect (the share in a job after a
course) can reverse the ranking by the causal effect (with minus without the course).

Examples
--------
>>> r = contrast_from_counts(["Strong", "Complex"], [190, 25], [200, 200], [196, 4], [200, 200])
>>> r.reversed
True
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from .._cells import collect, outcome_flags, treatment_flags
from .._frame import is_eager, to_pandas
from .._validate import (
    argument_error,
    check_conf_level,
    quote,
)
from ..errors import EffektError
from ..intervals import wilson_interval
from ..language import number, speaks, term
from ..results import Result
from . import _stats as _ps
from ._display import level

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["SimpleVsCausal", "contrast", "contrast_from_counts"]


@dataclass(frozen=True)
class SimpleVsCausal(Result):
    """Simple effect (share in a job with the course) vs causal effect (with - without).

    Attributes
    ----------
    frame : DataFrame
        One row per group; see :func:`contrast_from_counts`.
    outcome : str
        Name of the outcome in text and plots.
    reversed : bool
        Whether ranking the groups by simple effect differs from ranking them by causal effect.
    """

    frame: pd.DataFrame
    outcome: str
    conf_level: float

    @property
    def reversed(self) -> bool:
        return bool((self.frame["rank_simple"] != self.frame["rank_causal"]).any())

    def table(self) -> pd.DataFrame:
        return self.frame.copy()

    def to_frame(self) -> pd.DataFrame:
        return self.table()

    @speaks
    def summary(self) -> str:
        lines = [
            term(
                "Simple effect (share in a job with the course) vs causal effect (with minus "
                "without):"
            )
        ]
        for _, r in self.frame.iterrows():
            lines.append(
                "  "
                + term(
                    "{group}: simple {simple} % (rank {rank_simple}), without the course "
                    "{without} %, causal effect {effect} pp ({low} to {high}; rank {rank_causal})"
                ).format(
                    group=r["group"],
                    simple=number(100 * r["simple_effect"], 0),
                    rank_simple=r["rank_simple"],
                    without=number(100 * r["rate_without"], 0),
                    effect=number(100 * r["causal_effect"], 1, sign=True),
                    low=number(100 * r["causal_ci_low"], 1, sign=True),
                    high=number(100 * r["causal_ci_high"], 1, sign=True),
                    rank_causal=r["rank_causal"],
                )
            )
        if self.reversed:
            lines.append(
                term(
                    "Ranking by simple effect differs from ranking by causal effect: the highest "
                    "simple effect is not the best course."
                )
            )
        return "\n".join(lines)

    def _html_frame(self) -> pd.DataFrame:
        f = self.frame
        to = term("to")
        return pd.DataFrame(
            {
                term("group"): f["group"],
                term("with the course (n)"): f["n_with"].astype(np.int64),
                term("simple effect (%)"): (100 * f["simple_effect"]).round(1),
                term("without the course (n)"): f["n_without"].astype(np.int64),
                term("without the course (%)"): (100 * f["rate_without"]).round(1),
                term("causal effect (pp)"): (100 * f["causal_effect"]).round(1),
                f"{level(self.conf_level)} {term('CI')} ({term('pp')})": [
                    f"{number(100 * lo, 1, sign=True)} {to} {number(100 * hi, 1, sign=True)}"
                    for lo, hi in zip(f["causal_ci_low"], f["causal_ci_high"], strict=True)
                ],
                term("rank by simple effect"): f["rank_simple"].astype(np.int64),
                term("rank by causal effect"): f["rank_causal"].astype(np.int64),
            }
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
    ) -> Axes:
        """One figure for a committee: per group the share in a job without and with the
        course (the simple effect), and the effect of the course as an arrow between them.
        ``title``, ``xlabel``, ``ylabel`` and ``labels`` as in
        :func:`effekt.plots.simple_vs_causal`; ``language="da"`` writes it in Danish.

        Examples
        --------
        >>> r = contrast_from_counts(["A", "B"], [19, 5], [20, 20], [18, 1], [20, 20])
        >>> r.plot().get_ylabel()
        'Share in job (%)'
        """
        from ..plots import simple_vs_causal

        return simple_vs_causal(
            self.frame,
            ax=ax,
            outcome_label=self.outcome,
            title=title,
            xlabel=xlabel,
            ylabel=ylabel,
            labels=labels,
        )


_COUNT_NAMES = ("events_treated", "n_treated", "events_control", "n_control")


def _check_counts(labels: Sequence[str], arrays: list[np.ndarray], func: str) -> None:
    k = len(labels)
    for a, nm in zip(arrays, _COUNT_NAMES, strict=True):
        if (
            a.shape != (k,)
            or not np.issubdtype(a.dtype, np.number)
            or (a < 0).any()
            or (a != np.round(a)).any()
        ):
            raise argument_error(
                func, nm, f"a sequence of {k} non-negative integers (one per group)", a.tolist()
            )
    for arm in ("treated", "control"):
        i_x = _COUNT_NAMES.index(f"events_{arm}")
        x_, n_ = arrays[i_x], arrays[i_x + 1]
        bad = (n_ < 1) | (x_ > n_)
        if bad.any():
            i = int(np.argmax(bad))
            raise EffektError(
                f"{func}(): group {quote(labels[i])} has n_{arm} = {int(n_[i])} and "
                f"events_{arm} = {int(x_[i])}; need n_{arm} >= 1 and events_{arm} <= n_{arm}."
            )


def contrast_from_counts(
    labels: Sequence[str],
    events_treated: Sequence[int] | np.ndarray,
    n_treated: Sequence[int] | np.ndarray,
    events_control: Sequence[int] | np.ndarray,
    n_control: Sequence[int] | np.ndarray,
    *,
    conf_level: float = 0.95,
    outcome_label: str = "job",
) -> SimpleVsCausal:
    """The teaching contrast from counts: per group, events and totals with and without
    the course.

    Parameters
    ----------
    labels : sequence of str
        Group labels (e.g. "Strong, newly unemployed", "Complex challenges").
    events_treated, n_treated : sequence of int
        Participants with the outcome, and all participants, among those who took the course.
    events_control, n_control : sequence of int
        The same for comparable citizens without the course (a control group; in a
        randomised or well-matched comparison their rate estimates the counterfactual).
    conf_level : float, default 0.95
    outcome_label : str, default "job"
        Name of the outcome for labels.

    Returns
    -------
    SimpleVsCausal
        ``table()``: ``group``, ``n_with``, ``simple_effect`` (rate with the course),
        ``simple_ci_low``/``simple_ci_high`` (Wilson), ``n_without``, ``rate_without``,
        ``causal_effect`` (with - without), ``causal_ci_low``/``causal_ci_high`` (Newcombe
        hybrid score), ``rank_simple``, ``rank_causal`` (1 = best).

    Notes
    -----
    The simple effect is the share in a job after the course, ``x_1/n_1``; the causal effect
    is ``x_1/n_1 - x_0/n_0`` - what the course added compared with no course. Only the
    second tells which course works; ranking groups (or providers serving them) by the first
    rewards serving citizens who would have found a job anyway.

    Examples
    --------
    >>> r = contrast_from_counts(["Strong", "Complex"], [190, 25], [200, 200], [196, 4], [200, 200])
    >>> r.table()[["group", "rank_simple", "rank_causal"]].values.tolist()
    [['Strong', 1, 2], ['Complex', 2, 1]]
    >>> r.reversed
    True
    """
    func = "contrast_from_counts"
    conf_level = check_conf_level(conf_level, func)
    if not isinstance(labels, (list, tuple, np.ndarray, pd.Index, pd.Series)) or len(labels) < 1:
        raise argument_error(func, "labels", "a non-empty sequence of group labels", labels)
    arrays = [np.asarray(a) for a in (events_treated, n_treated, events_control, n_control)]
    _check_counts(labels, arrays, func)
    x1, n1, x0, n0 = (a.astype(float) for a in arrays)
    lo, hi = wilson_interval(x1, n1, conf_level)
    d, dlo, dhi = _ps.newcombe_difference(x1, n1, x0, n0, conf_level)
    frame = pd.DataFrame(
        {
            "group": list(map(str, labels)),
            "n_with": n1.astype(np.int64),
            "simple_effect": x1 / n1,
            "simple_ci_low": lo,
            "simple_ci_high": hi,
            "n_without": n0.astype(np.int64),
            "rate_without": x0 / n0,
            "causal_effect": d,
            "causal_ci_low": dlo,
            "causal_ci_high": dhi,
        }
    )
    frame["rank_simple"] = (
        frame["simple_effect"].rank(ascending=False, method="min").astype(np.int64)
    )
    frame["rank_causal"] = (
        frame["causal_effect"].rank(ascending=False, method="min").astype(np.int64)
    )
    return SimpleVsCausal(frame, outcome_label, conf_level)


def contrast(
    data: pd.DataFrame,
    outcome: Hashable,
    treatment: Hashable,
    by: Hashable,
    *,
    outcome_value: Any = None,
    treated_value: Any = None,
    conf_level: float = 0.95,
    missing: Literal["raise", "drop"] = "raise",
) -> SimpleVsCausal:
    """The teaching contrast from participant data: simple vs causal effect per group.

    Parameters
    ----------
    data : DataFrame
        One row per citizen: pandas, Polars, PyArrow, DuckDB or Spark. Only the counts per
        group and arm are collected (a group-by in the engine).
    outcome : str
        Binary outcome column, e.g. in a job 6 months later.
    outcome_value : optional
        The value of ``outcome`` that means the outcome happened ("Ja" in a column of
        "Ja"/"Nej"); needed when the outcome is not coded 0/1 or True/False.
    treatment : str
        Two-valued column: took the course (1/True, or ``treated_value``) or not.
    by : str
        Target-group column (e.g. "Strong, newly unemployed" / "Complex challenges"); one
        row of the result per group, in order of appearance (sorted for a lazy source such
        as a DuckDB relation or a Polars LazyFrame, which has no row order).
    treated_value : optional
        The value of ``treatment`` that means "took the course" when it is not coded 0/1.
    conf_level : float, default 0.95
    missing : {"raise", "drop"}, default "raise"

    Returns
    -------
    SimpleVsCausal
        See :func:`contrast_from_counts`.

    Notes
    -----
    The causal reading of "with - without" needs the citizens without the course to be
    comparable to those with it within each group (randomisation, or a matched comparison).

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"group": ["strong"] * 40 + ["complex"] * 40,
    ...                    "course": ([1] * 20 + [0] * 20) * 2,
    ...                    "job": [1] * 19 + [0] + [1] * 20 + [1] * 3 + [0] * 17 + [0] * 20})
    >>> r = contrast(df, "job", "course", by="group")
    >>> r.table()[["group", "simple_effect", "causal_effect"]].round(2).values.tolist()
    [['strong', 0.95, -0.05], ['complex', 0.15, 0.15]]
    """
    func = "contrast"
    cells = collect(
        data, func, keys=dict(outcome=outcome, treatment=treatment, by=by), missing=missing
    )
    rows = cells["n"].to_numpy()
    y = outcome_flags(cells, outcome, func, outcome_value)
    t = treatment_flags(cells, treatment, func, treated_value)
    codes, labels = _groups_in_order(data, cells, by)
    G = len(labels)

    def cnt(mask: np.ndarray, w: np.ndarray | None = None) -> np.ndarray:
        weights = rows[mask] if w is None else rows[mask] * w[mask]
        return np.round(np.bincount(codes[mask], weights=weights, minlength=G)).astype(np.int64)

    n1, n0 = cnt(t), cnt(~t)
    empty = [str(labels[i]) for i in range(G) if n1[i] == 0 or n0[i] == 0]
    if empty:
        raise EffektError(
            f"{func}(): group(s) {', '.join(map(quote, empty))} in column {quote(by)} (by) lack "
            f"citizens with or without the course (column {quote(treatment)}, treatment); both "
            "are needed for the causal effect."
        )
    return contrast_from_counts(
        [str(v) for v in labels],
        cnt(t, y),
        n1,
        cnt(~t, y),
        n0,
        conf_level=conf_level,
        outcome_label=str(outcome),
    )


def _groups_in_order(data: Any, cells: pd.DataFrame, by: Hashable) -> tuple[np.ndarray, np.ndarray]:
    """Codes and labels of the ``by`` groups: in order of appearance in an in-memory frame
    (pandas, Polars, PyArrow), sorted for a lazy source (a DuckDB relation has no row order)."""
    codes, labels = pd.factorize(cells["by"], sort=True)
    if not is_eager(data, "contrast"):
        return codes, np.asarray(labels)
    present = set(labels)
    order = [v for v in pd.unique(to_pandas(data, "contrast", [by])[by]) if v in present]
    rank = {v: i for i, v in enumerate(order)}
    relabel = np.array([rank[v] for v in labels], dtype=np.intp)
    return relabel[codes], np.asarray(order, dtype=object)
