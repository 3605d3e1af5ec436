"""Raw simple effects per provider: rates with Wilson intervals and the difference from all
other providers (in the same period), with a multiplicity correction.

Examples
--------
>>> import pandas as pd
>>> df = pd.DataFrame({"provider": ["A"] * 40 + ["B"] * 40, "job": [1, 0] * 20 + [1, 0, 0, 0] * 10})
>>> simple_effects(df, "job", "provider").table()["rate"].tolist()
[0.5, 0.25]
"""

from __future__ import annotations

import warnings
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from .._cells import collect, outcome_flags
from .._multiplicity import adjust_pvalues
from .._validate import check_conf_level, quote
from ..errors import ComparabilityWarning
from ..intervals import wilson_interval
from ..language import number, speaks, term
from ..results import Result, format_pvalue
from . import _stats as _ps
from ._checks import (
    Adjust,
    check_adjust,
    check_plot_options,
    direction,
    provider_codes,
)
from ._display import interval, level, percent
from ._exact import fisher_pvalues
from .funnel import _funnel_data

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["SimpleEffects", "simple_effects"]


@dataclass(frozen=True)
class SimpleEffects(Result):
    """Raw simple effects per provider (and period); see :func:`simple_effects`."""

    frame: pd.DataFrame
    outcome: str
    provider: str
    period: str | None
    conf_level: float
    adjust: str
    overall_rate: float

    def table(self) -> pd.DataFrame:
        """One row per provider (and period): participants, successes, rate, Wilson CI,
        the difference from all other providers with its CI and p-values, and the flag."""
        return self.frame.copy()

    def to_frame(self) -> pd.DataFrame:
        return self.table()

    @speaks
    def summary(self) -> str:
        f = self.frame
        lvl = level(self.conf_level)
        period = term(" and {period}").format(period=repr(self.period)) if self.period else ""
        lines = [
            term(
                "Simple effects of {outcome} by {provider}{period}: {k} rows, {n} participants, "
                "overall {rate} %"
            ).format(
                outcome=repr(self.outcome), provider=repr(self.provider), period=period,
                k=len(f), n=number(int(f["participants"].sum()), 0),
                rate=number(100 * self.overall_rate, 1),
            )
        ]  # fmt: skip
        flagged = f[f["flag"]]
        adjusted = term("{adjust}-adjusted").format(adjust=self.adjust)
        if len(flagged):
            lines.append(
                term("Differ from the other providers ({adjusted}, {level}):").format(
                    adjusted=adjusted, level=lvl
                )
            )
            lines += [self._flagged_line(r, lvl) for _, r in flagged.iterrows()]
        else:
            lines.append(
                term("No provider differs credibly from the others ({adjusted}, {level}).").format(
                    adjusted=adjusted, level=lvl
                )
            )
        lines.append(
            f"{term('note')}: "
            + term(
                "simple effects are not causal effects - they mix the provider's work with who "
                "was referred, the business cycle and chance; see compare_providers() for "
                "case-mix adjustment."
            )
        )
        return "\n".join(lines)

    def _flagged_line(self, r: pd.Series, lvl: str) -> str:
        return "  " + term(
            "{provider}{period}: {rate} % of {n} ({diff} pp, {ci} {low} to {high}; adjusted {p})"
        ).format(
            provider=r["provider"], period=f" {r[self.period]}" if self.period else "",
            rate=number(100 * r["rate"], 1), n=number(int(r["participants"]), 0),
            diff=number(100 * r["difference"], 1, sign=True), ci=f"{lvl} {term('CI')}",
            low=number(100 * r["difference_ci_low"], 1, sign=True),
            high=number(100 * r["difference_ci_high"], 1, sign=True),
            p=format_pvalue(r["p_adjusted"]),
        )  # fmt: skip

    def _html_frame(self) -> pd.DataFrame:
        f = self.frame
        keys = 2 if self.period is not None else 1  # provider [, period]
        out = f[list(f.columns[:keys])].copy()
        out = out.rename(columns={"provider": term("provider")})
        out[term("participants")] = f["participants"].astype(np.int64)
        out[term("with the outcome")] = f["successes"].astype(np.int64)
        out[term("rate (%)")] = percent(f["rate"])
        out[f"{level(self.conf_level)} {term('CI')} (%)"] = interval(
            f["ci_low"], f["ci_high"], False
        )
        out[term("difference from the others (pp)")] = percent(f["difference"])
        out[term("difference CI (pp)")] = interval(
            f["difference_ci_low"], f["difference_ci_high"], True
        )
        out[f"p ({self.adjust})"] = f["p_adjusted"].round(4)
        out[term("differs")] = [term(str(d)) for d in f["direction"]]
        return out

    def _html_notes(self) -> tuple[str, ...]:
        return (
            "Simple effects are not causal effects: they mix the provider's work with who was "
            "referred, the business cycle and chance (see compare_providers()).",
        )

    @speaks
    def plot_funnel(
        self,
        ax: Axes | None = None,
        overdispersion: Literal["multiplicative", "additive"] | None = None,
        highlight: Literal["flag", "limits"] = "flag",
        label_providers: str | Sequence[str] = "highlighted",
        *,
        title: str | None = None,
        xlabel: str | None = None,
        ylabel: str | None = None,
        labels: Mapping[Any, str] | None = None,
    ) -> Axes:
        """Funnel plot of the raw rates against participants around the overall rate, with
        exact binomial 95 % and 99.8 % limits (or limits widened for overdispersion, see
        :meth:`ProviderComparison.plot_funnel`). Red and named: the providers the table
        flags (``highlight="flag"``), or the points outside the limits
        (``highlight="limits"``). ``title``, ``xlabel``, ``ylabel`` replace the default texts,
        ``labels`` maps the outcome and provider names to display text, ``language="da"``
        writes in Danish."""
        from ..plots import funnel

        check_plot_options(
            "plot_funnel",
            highlight=highlight,
            label_providers=label_providers,
            title=title,
            xlabel=xlabel,
            ylabel=ylabel,
        )
        f = self.frame
        n = f["participants"].to_numpy(dtype=float)
        y = f["rate"].to_numpy(dtype=float)
        target = self.overall_rate
        names = f["provider"].astype(str) + (
            " " + f[self.period].astype(str) if self.period else ""
        )
        pts, od, curve = _funnel_data(
            y, n, np.sqrt(target * (1 - target) / n), target, overdispersion, names.to_numpy()
        )
        pts["flag"] = f["flag"].to_numpy()
        return funnel(
            pts,
            curve,
            target,
            ax=ax,
            overdispersion=od,
            highlight=highlight,
            label_providers=label_providers,
            title=term("Simple effects by provider (not adjusted for case mix)")
            if title is None
            else title,
            xlabel=xlabel,
            ylabel=term("Simple effect: share with {outcome} (%)").format(
                outcome=(labels or {}).get(self.outcome, self.outcome)
            )
            if ylabel is None
            else ylabel,
            labels=labels,
        )

    def __repr__(self) -> str:
        return (
            f"<SimpleEffects {self.outcome!r} by {self.provider!r}: {len(self.frame)} rows, "
            f"{int(self.frame['flag'].sum())} flagged ({self.adjust})>"
        )


def simple_effects(
    data: pd.DataFrame,
    outcome: Hashable,
    provider: Hashable,
    *,
    outcome_value: Any = None,
    period: Hashable | None = None,
    conf_level: float = 0.95,
    adjust: Adjust = "holm",
    missing: Literal["raise", "drop"] = "raise",
) -> SimpleEffects:
    """Simple effects per provider: share of participants with the outcome, with uncertainty.

    Parameters
    ----------
    data : DataFrame
        One row per participant: pandas, Polars, PyArrow, DuckDB or Spark. The table needs
        only the successes and participants per provider [x period]; they are counted by a
        group-by in the data's own engine and only those counts are collected, so the
        function scales with the number of providers, not of participants.
    outcome : str
        Binary (0/1 or boolean) outcome column, e.g. ``"job_6m"``.
    outcome_value : optional
        The value of ``outcome`` that means the outcome happened ("Ja" in a column of
        "Ja"/"Nej"); needed when the outcome is not coded 0/1 or True/False.
    provider : str
        Column naming the provider.
    period : str, optional
        Column with the course period; rows are then provider x period and each provider is
        compared with the other providers *in the same period* (the business cycle is shared).
    conf_level : float, default 0.95
    adjust : {"holm", "bonferroni", "bh", "none"}, default "holm"
        Multiplicity correction over all rows of the table for the ``flag`` column.
    missing : {"raise", "drop"}, default "raise"

    Returns
    -------
    SimpleEffects
        ``table()`` columns: ``provider`` [, period], ``participants``, ``successes``,
        ``rate``, ``ci_low``, ``ci_high`` (Wilson), ``others_participants``, ``others_rate``,
        ``difference`` (rate minus the pooled rate of all other providers),
        ``difference_ci_low``/``difference_ci_high`` (Newcombe hybrid score), ``test``,
        ``pvalue`` (Fisher's exact test), ``p_adjusted``, ``flag`` and ``direction`` ("above"/"below"/"").

    Notes
    -----
    For provider ``g`` with ``x_g`` successes of ``n_g`` and the others' ``x_o`` of ``n_o``
    the difference ``x_g/n_g - x_o/n_o`` gets Newcombe's (1998, method 10) interval
    ``d - sqrt((p_g - l_g)^2 + (u_o - p_o)^2)``, ``d + sqrt((u_g - p_g)^2 + (p_o - l_o)^2)``
    from the Wilson limits ``(l, u)``. The p-value is Fisher's exact test (two-sided,
    R's minimum-likelihood rule) of the provider against all others, at every size (a
    pooled z-test would flag a provider with 4 of 4 successes among 40 providers). The two can disagree in rare
    borderline cases; ``flag`` uses the adjusted p-value ``p_adjusted < 1 - conf_level``.

    References
    ----------
    Newcombe, R. G. (1998). Interval estimation for the difference between independent
    proportions. *Statistics in Medicine* 17, 873-890.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"provider": ["A"] * 50 + ["B"] * 50 + ["C"] * 50,
    ...                    "job_6m": [1] * 30 + [0] * 20 + [1] * 15 + [0] * 35
    ...                              + [1] * 16 + [0] * 34})
    >>> t = simple_effects(df, "job_6m", "provider").table()
    >>> t[["provider", "rate", "flag"]].values.tolist()
    [['A', 0.6, True], ['B', 0.3, False], ['C', 0.32, False]]
    """
    func = "simple_effects"
    conf_level = check_conf_level(conf_level, func)
    adjust = check_adjust(adjust, func)
    cells = collect(
        data, func, keys=dict(outcome=outcome, provider=provider, period=period), missing=missing
    )
    rows = cells["n"].to_numpy()
    events = rows * outcome_flags(cells, outcome, func, outcome_value)
    codes, labels, _ = provider_codes(cells["provider"], provider, func, weights=rows)
    if period is not None:
        pcodes, plabels = pd.factorize(cells["period"], sort=True)
        plabels = np.asarray(plabels)
    else:
        pcodes, plabels = np.zeros(len(cells), dtype=np.intp), np.array([None])
    G, P = len(labels), len(plabels)
    cell = pcodes * G + codes
    n = np.bincount(cell, weights=rows, minlength=G * P)
    x = np.bincount(cell, weights=events, minlength=G * P)
    keep = n > 0
    n_period = np.bincount(pcodes, weights=rows, minlength=P)
    x_period = np.bincount(pcodes, weights=events, minlength=P)
    per_idx = np.repeat(np.arange(P), G)
    n_o = n_period[per_idx] - n
    x_o = x_period[per_idx] - x
    n, x, n_o, x_o, per_idx = n[keep], x[keep], n_o[keep], x_o[keep], per_idx[keep]
    prov_idx = np.tile(np.arange(G), P)[keep]
    alone = n_o == 0
    if alone.any():
        which = [
            f"{quote(labels[g])} in {quote(plabels[k])}"
            for g, k in zip(prov_idx[alone], per_idx[alone], strict=False)
        ]
        warnings.warn(
            f"{func}(): {', '.join(which[:10])} has no other provider in the same period, so it "
            "cannot be compared; its difference is missing.",
            ComparabilityWarning,
            stacklevel=2,
        )
    rate = x / n
    lo, hi = wilson_interval(x, n, conf_level)
    with np.errstate(invalid="ignore", divide="ignore"):
        d, dlo, dhi = _ps.newcombe_difference(x, n, x_o, n_o, conf_level)
        pval = np.where(alone, np.nan, fisher_pvalues(x, n, x_o, n_o))
        others_rate = x_o / n_o
    padj = adjust_pvalues(pval, adjust)
    flag = np.nan_to_num(padj, nan=1.0) < 1 - conf_level
    frame = pd.DataFrame({"provider": labels[prov_idx]})
    if period is not None:
        frame[period] = plabels[per_idx]
    frame = frame.assign(
        participants=n.astype(np.int64),
        successes=x.astype(np.int64),
        rate=rate,
        ci_low=lo,
        ci_high=hi,
        others_participants=n_o.astype(np.int64),
        others_rate=others_rate,
        difference=d,
        difference_ci_low=dlo,
        difference_ci_high=dhi,
        test="Fisher exact",
        pvalue=pval,
        p_adjusted=padj,
        flag=flag,
        direction=direction(flag, d),
    )
    return SimpleEffects(
        frame,
        str(outcome),
        str(provider),
        None if period is None else str(period),
        conf_level,
        adjust,
        float(events.sum() / rows.sum()),
    )
