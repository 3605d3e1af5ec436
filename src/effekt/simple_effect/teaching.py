"""The teaching contrast: ranking groups by their simple effect (the share in a job after a
course) can reverse the ranking by the causal effect (with minus without the course).

Examples
--------
>>> r = contrast_from_counts(["Strong", "Complex"], [190, 25], [200, 200], [196, 4], [200, 200])
>>> r.reversed
True
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from .._validate import (
    argument_error,
    binary_outcome,
    check_conf_level,
    check_frame,
    handle_missing,
    quote,
    require_columns,
)
from ..errors import EffektError
from ..intervals import wilson_interval
from . import _stats as _ps

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["SimpleVsCausal", "contrast", "contrast_from_counts"]


@dataclass(frozen=True)
class SimpleVsCausal:
    """Simple effect (share in a job with the course) vs causal effect (with - without).

    Attributes
    ----------
    frame : DataFrame
        One row per group; see :func:`contrast`.
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

    def summary(self) -> str:
        f = self.frame
        lines = [
            "Simple effect (share in a job with the course) vs causal effect (with minus without):"
        ]
        for _, r in f.iterrows():
            lines.append(
                f"  {r['group']}: simple {100 * r['simple_effect']:.0f} % (rank "
                f"{r['rank_simple']}), "
                f"without the course {100 * r['rate_without']:.0f} %, "
                f"causal effect {100 * r['causal_effect']:+.1f} pp "
                f"({100 * r['causal_ci_low']:+.1f} to "
                f"{100 * r['causal_ci_high']:+.1f}; rank {r['rank_causal']})"
            )
        if self.reversed:
            lines.append(
                "Ranking by simple effect differs from ranking by causal effect: the highest "
                "simple effect is not the best course."
            )
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()

    def plot(
        self, ax: Axes | None = None, *, title: str | None = None, ylabel: str | None = None
    ) -> Axes:
        """One figure for a committee: per group the share in a job without and with the
        course (the simple effect), and the effect of the course as an arrow between them."""
        from ..plots import simple_vs_causal

        return simple_vs_causal(self.frame, ax=ax, outcome=self.outcome, title=title, ylabel=ylabel)


def contrast_from_counts(
    groups: Sequence[str],
    successes_with: Sequence[int] | np.ndarray,
    n_with: Sequence[int] | np.ndarray,
    successes_without: Sequence[int] | np.ndarray,
    n_without: Sequence[int] | np.ndarray,
    *,
    conf_level: float = 0.95,
    outcome: str = "job",
) -> SimpleVsCausal:
    """The teaching contrast from counts: per group, successes and totals with and without
    the course.

    Parameters
    ----------
    groups : sequence of str
        Group labels (e.g. "Strong, newly unemployed", "Complex challenges").
    successes_with, n_with : sequence of int
        Participants with the outcome, and all participants, among those who took the course.
    successes_without, n_without : sequence of int
        The same for comparable citizens without the course (a control group; in a
        randomised or well-matched comparison their rate estimates the counterfactual).
    conf_level : float, default 0.95
    outcome : str, default "job"
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
    arrays = [np.asarray(a) for a in (successes_with, n_with, successes_without, n_without)]
    names = ("successes_with", "n_with", "successes_without", "n_without")
    k = len(groups)
    if k < 1:
        raise argument_error(func, "groups", "a non-empty sequence of group labels", groups)
    for a, nm in zip(arrays, names, strict=False):
        if (
            a.shape != (k,)
            or not np.issubdtype(a.dtype, np.number)
            or (a < 0).any()
            or (a != np.round(a)).any()
        ):
            raise argument_error(
                func, nm, f"a sequence of {k} non-negative integers (one per group)", a.tolist()
            )
    x1, n1, x0, n0 = (a.astype(float) for a in arrays)
    for x_, n_, xn, nn in ((x1, n1, names[0], names[1]), (x0, n0, names[2], names[3])):
        bad = (n_ < 1) | (x_ > n_)
        if bad.any():
            i = int(np.argmax(bad))
            raise EffektError(
                f"{func}(): group {quote(groups[i])} has {nn} = {int(n_[i])} and {xn} = "
                f"{int(x_[i])}; need {nn} >= 1 and {xn} <= {nn}."
            )
    lo, hi = wilson_interval(x1, n1, conf_level)
    d, dlo, dhi = _ps.newcombe_difference(x1, n1, x0, n0, conf_level)
    frame = pd.DataFrame(
        {
            "group": list(map(str, groups)),
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
    return SimpleVsCausal(frame, outcome, conf_level)


def contrast(
    data: pd.DataFrame,
    group: Hashable,
    course: Hashable,
    outcome: Hashable,
    *,
    conf_level: float = 0.95,
    course_value: Any = None,
    missing: Literal["raise", "drop"] = "raise",
) -> SimpleVsCausal:
    """The teaching contrast from participant data: simple vs causal effect per group.

    Parameters
    ----------
    data : DataFrame
        One row per citizen.
    group : str
        Target-group column (e.g. "Strong, newly unemployed" / "Complex challenges").
    course : str
        Two-valued column: took the course (1/True, or ``course_value``) or not.
    outcome : str
        Binary outcome column, e.g. in a job 6 months later.
    conf_level : float, default 0.95
    course_value : optional
        The value of ``course`` that means "took the course" when it is not coded 0/1.
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
    >>> r = contrast(df, "group", "course", "job")
    >>> r.table()[["group", "simple_effect", "causal_effect"]].round(2).values.tolist()
    [['strong', 0.95, -0.05], ['complex', 0.15, 0.15]]
    """
    from .._validate import two_valued

    func = "contrast"
    df = check_frame(data, func)
    require_columns(df, func, group=group, course=course, outcome=outcome)
    df = handle_missing(df, [group, course, outcome], missing, func)
    y = binary_outcome(df[outcome], outcome, func)
    t = two_valued(df[course], course, "course", func, treated_value=course_value)
    codes, labels = pd.factorize(df[group], sort=False)  # groups in order of appearance
    G = len(labels)

    def cnt(mask: np.ndarray, w: np.ndarray | None = None) -> np.ndarray:
        return np.bincount(codes[mask], weights=None if w is None else w[mask], minlength=G)

    n1, n0 = cnt(t), cnt(~t)
    empty = [str(labels[i]) for i in range(G) if n1[i] == 0 or n0[i] == 0]
    if empty:
        raise EffektError(
            f"{func}(): group(s) {', '.join(map(quote, empty))} in column {quote(group)} lack "
            "citizens "
            f"with or without the course (column {quote(course)}); both are needed for the causal "
            "effect."
        )
    return contrast_from_counts(
        [str(v) for v in labels],
        cnt(t, y).round().astype(int),
        n1,
        cnt(~t, y).round().astype(int),
        n0,
        conf_level=conf_level,
        outcome=str(outcome),
    )
