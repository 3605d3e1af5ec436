"""Each provider's simple effect against a contracted target (exact binomial test).

Examples
--------
>>> import pandas as pd
>>> df = pd.DataFrame({"provider": ["A"] * 50, "job": [1] * 10 + [0] * 40})
>>> against_target(df, "job", "provider", 0.4).table()["verdict"].tolist()
['below']
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd
from scipy import stats

from .._validate import binary_outcome, check_conf_level, check_number
from ..intervals import clopper_pearson_interval
from ..language import number, speaks, term
from ..results import Result, format_pvalue
from ._checks import prepare, provider_codes
from ._display import interval, level, percent

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["TargetComparison", "against_target"]


@dataclass(frozen=True)
class TargetComparison(Result):
    """Each provider's simple effect against a contracted target; see :func:`against_target`."""

    frame: pd.DataFrame
    outcome: str
    provider: str
    target: float
    conf_level: float

    def table(self) -> pd.DataFrame:
        """Per provider: participants, successes, rate, Clopper-Pearson CI, p-value, verdict."""
        return self.frame.copy()

    def to_frame(self) -> pd.DataFrame:
        return self.table()

    @speaks
    def summary(self) -> str:
        lvl = level(self.conf_level)
        lines = [
            term(
                "{outcome} against the contracted target {target} % (exact binomial, {ci}):"
            ).format(
                outcome=repr(self.outcome),
                target=number(100 * self.target, 1),
                ci=f"{lvl} {term('CI')}",
            )
        ]
        for _, r in self.frame.iterrows():
            lines.append(
                "  "
                + term("{provider}: {rate} % of {n} ({low} to {high} %), {p} -> {verdict}").format(
                    provider=r["provider"],
                    rate=number(100 * r["rate"], 1),
                    n=number(int(r["participants"]), 0),
                    low=number(100 * r["ci_low"], 1),
                    high=number(100 * r["ci_high"], 1),
                    p=format_pvalue(r["pvalue"]),
                    verdict=term(str(r["verdict"])),
                )
            )
        lines.append(f"{term('note')}: {term(_NOTE[0].lower() + _NOTE[1:])}")
        return "\n".join(lines)

    def _html_frame(self) -> pd.DataFrame:
        f = self.frame
        return pd.DataFrame(
            {
                term("provider"): f["provider"],
                term("participants"): f["participants"].astype(np.int64),
                term("with the outcome"): f["successes"].astype(np.int64),
                term("rate (%)"): percent(f["rate"]),
                f"{level(self.conf_level)} {term('CI')} (%)": interval(
                    f["ci_low"], f["ci_high"], False
                ),
                term("target (%)"): round(100 * self.target, 1),
                "p": f["pvalue"].round(4),
                term("verdict"): [term(str(v)) for v in f["verdict"]],
            }
        )

    def _html_notes(self) -> tuple[str, ...]:
        return (term(_NOTE),)

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
        """Rates with exact intervals against the target line (percent).

        ``title``, ``xlabel``, ``ylabel`` replace the default texts, ``labels`` maps the
        outcome and provider names to display text, ``language="da"`` writes in Danish.
        """
        from ..plots import new_axes

        shown = dict(labels or {})
        f = self.frame
        ax = new_axes(ax, figsize=(7.0, 0.35 * len(f) + 1.6))
        yy = np.arange(len(f))[::-1]
        colors = {"below": "C3", "consistent": "0.4", "above": "C2"}
        for yi, (_, r) in zip(yy, f.iterrows(), strict=False):
            c = colors[r["verdict"]]
            ax.errorbar(
                100 * r["rate"],
                yi,
                xerr=[[100 * (r["rate"] - r["ci_low"])], [100 * (r["ci_high"] - r["rate"])]],
                fmt="o",
                color=c,
                capsize=3,
            )
        target = term("target {target} %").format(target=number(100 * self.target, None))
        ax.axvline(100 * self.target, color="k", ls="--", lw=1, label=target)
        ax.set_yticks(yy, [str(shown.get(v, v)) for v in f["provider"].astype(str)])
        default_x = term("Share with {outcome} (%)").format(
            outcome=shown.get(self.outcome, self.outcome)
        )
        ax.set_xlabel(default_x if xlabel is None else xlabel)
        if ylabel:
            ax.set_ylabel(ylabel)
        if title:
            ax.set_title(title)
        ax.legend(loc="best", fontsize=8)
        return ax


_NOTE = "A simple effect says nothing about what would have happened without the course."


def against_target(
    data: pd.DataFrame,
    outcome: Hashable,
    provider: Hashable,
    target: float,
    *,
    outcome_value: Any = None,
    conf_level: float = 0.95,
    missing: Literal["raise", "drop"] = "raise",
) -> TargetComparison:
    """Is each provider's simple effect credibly below, consistent with or above a target?

    Parameters
    ----------
    data : DataFrame (pandas, Polars, PyArrow), DuckDB relation or PySpark DataFrame
        Only the columns named in the other arguments are read (see Notes).
    outcome : str
        Binary outcome column.
    outcome_value : optional
        The value of ``outcome`` that means the outcome happened ("Ja" in a column of
        "Ja"/"Nej"); needed when the outcome is not coded 0/1 or True/False.
    provider : str
        Provider column (a single provider is allowed here).
    target : float
        The contracted share in (0, 1), e.g. 0.30 for "30 % in a job 6 months after".
    conf_level : float, default 0.95
    missing : {"raise", "drop"}, default "raise"

    Returns
    -------
    TargetComparison
        ``table()``: ``provider``, ``participants``, ``successes``, ``rate``, ``ci_low``,
        ``ci_high`` (Clopper-Pearson), ``pvalue`` (``scipy.stats.binomtest``, two-sided),
        ``verdict`` ("below", "consistent", "above").

    Notes
    -----
    The verdict follows the exact interval: "below" when ``ci_high < target``, "above"
    when ``ci_low > target``. It is a judgement per provider against its own contract, so no
    multiplicity correction is applied. ``binomtest``'s two-sided p-value (which sums
    outcomes at most as likely) can differ slightly from the interval at the margin.

    Any dataframe in: a Polars, PyArrow, DuckDB or PySpark ``data`` is checked against its
    schema and only the outcome and provider columns are collected into pandas; memory ~ rows ×
    those columns. The estimator is unit-level (it needs every row); a pandas DataFrame is used
    as it is.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"provider": ["A"] * 100 + ["B"] * 100,
    ...                    "job_6m": [1] * 18 + [0] * 82 + [1] * 33 + [0] * 67})
    >>> against_target(df, "job_6m", "provider", 0.30).table()["verdict"].tolist()
    ['below', 'consistent']
    """
    func = "against_target"
    conf_level = check_conf_level(conf_level, func)
    target = check_number(target, "target", func, low=0, high=1, low_open=True, high_open=True)
    df = prepare(data, outcome, provider, func, missing)
    y = binary_outcome(df[outcome], outcome, func, outcome_value=outcome_value)
    codes, labels, n = provider_codes(
        df[provider],
        provider,
        func,
        min_providers=1,
        single_note="no verdict can be more than 'consistent'.",
    )
    x = np.bincount(codes, weights=y, minlength=len(labels)).round().astype(np.int64)
    lo, hi = clopper_pearson_interval(x, n, conf_level)
    pv = np.array(
        [stats.binomtest(int(k), int(m), target).pvalue for k, m in zip(x, n, strict=False)]
    )
    verdict = np.where(hi < target, "below", np.where(lo > target, "above", "consistent"))
    frame = pd.DataFrame(
        {
            "provider": labels,
            "participants": n,
            "successes": x,
            "rate": x / n,
            "ci_low": lo,
            "ci_high": hi,
            "pvalue": pv,
            "verdict": verdict,
        }
    )
    return TargetComparison(frame, str(outcome), str(provider), target, conf_level)
