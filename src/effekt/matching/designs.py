"""Balance as cobalt shows it, and several matching/weighting designs compared on one data set.

* :func:`balance_table` — every covariate once (a two-level variable as one row), optional
  squares and pairwise interactions, SMD, variance ratio, eCDF mean and max (= KS) before and
  after adjustment, and a threshold summary; :meth:`BalanceTable.plot` draws a love plot.
* :func:`compare_designs` — runs several designs (nearest, optimal, full, CEM, subclasses,
  entropy balancing, overlap weights) on the same data and returns one table of balance and
  effect per design, the robustness check evaluators are asked for.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .._validate import argument_error, as_column_list, check_conf_level, check_frame
from ..errors import EffektError
from ..language import confidence_label, number, speaks, term
from ..results import EffectResult, Result, format_effect
from .balancing import _prepare, cem, entropy_weights, overlap_weights, weighted_effect
from .nearest import match
from .optimal import optimal_match
from .sample import MatchedSample
from .subclass import subclassify
from .tables import BalanceTable, balance_table

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["BalanceTable", "DesignComparison", "balance_table", "compare_designs"]

# --------------------------------------------------------------------------- designs


def _nearest(
    df: pd.DataFrame, treatment: Hashable, covs: list[Hashable], estimand: str
) -> pd.DataFrame:
    if estimand != "ATT":
        raise EffektError(
            f"compare_designs(): the 'nearest' design estimates the ATT only here; "
            f"drop it from designs for estimand={estimand!r}."
        )
    m = match(df, treatment, covs)
    sub = pd.array(np.where(m.subclass >= 0, m.subclass + 1, 0), dtype="Int64")
    sub[m.subclass < 0] = pd.NA
    return pd.DataFrame({"weights": m.weights, "subclass": sub}, index=df.index)


DESIGNS: dict[str, Callable[[pd.DataFrame, Hashable, list[Hashable], str], pd.DataFrame]] = {
    "nearest": _nearest,
    "optimal": lambda d, t, c, e: optimal_match(d, t, c, estimand=e),
    "full": lambda d, t, c, e: optimal_match(d, t, c, method="full", estimand=e),
    "cem": lambda d, t, c, e: cem(d, t, c, estimand=e),
    "subclass": lambda d, t, c, e: subclassify(d, t, c, estimand=e),
    "entropy": lambda d, t, c, e: entropy_weights(d, t, c, estimand=e).to_frame("weights"),
    "overlap": lambda d, t, c, e: overlap_weights(d, t, c).to_frame("weights"),
}
"""Design name -> function (data, treatment, covariates, estimand) giving ``weights`` (and
``subclass`` where the design forms matched sets)."""


@dataclass(frozen=True)
class DesignComparison(Result):
    """Balance and effect of several designs on one data set (:func:`compare_designs`).

    Attributes
    ----------
    table : DataFrame
        One row per design: ``n_treated``, ``n_control`` (units with positive weight),
        ``ess_control`` (Kish), ``max_abs_smd``, ``balanced`` (all |SMD| < threshold),
        ``estimate``, ``std_error``, ``ci_low``, ``ci_high``, ``pvalue``.
    balance : dict
        Design -> :class:`BalanceTable`.
    effects : dict
        Design -> :class:`~effekt.results.EffectResult`.
    estimand, outcome : str
    scale : str
        ``"proportion"`` prints effects in percentage points.
    """

    table: pd.DataFrame
    balance: dict[str, BalanceTable]
    effects: dict[str, EffectResult]
    estimand: str
    outcome: str
    scale: str = "mean"
    notes: tuple[str, ...] = ()

    def to_frame(self) -> pd.DataFrame:
        """The comparison table."""
        return self.table

    @speaks
    def summary(self) -> str:
        """One line per design: effect, interval and balance."""
        lines = [
            term("Designs compared ({estimand} on {outcome})").format(
                estimand=self.estimand, outcome=self.outcome
            )
        ]
        for name, row in self.table.iterrows():
            eff = format_effect(row["estimate"], self.scale)  # type: ignore[arg-type]
            lo = format_effect(row["ci_low"], self.scale)  # type: ignore[arg-type]
            hi = format_effect(row["ci_high"], self.scale)  # type: ignore[arg-type]
            line = term(
                "{eff} ({ci} {lo} to {hi}); max |SMD| {smd}; {n_t} treated, {n_c} controls"
            ).format(
                eff=eff, ci=confidence_label(0.95), lo=lo, hi=hi,
                smd=number(row["max_abs_smd"], 3), n_t=int(row["n_treated"]),
                n_c=int(row["n_control"]),
            )  # fmt: skip
            lines.append(f"  {str(name):<10} {line}")
        return "\n".join(lines)

    def _html_frame(self) -> pd.DataFrame:
        return self.table.round(4)

    @speaks
    def plot_balance(
        self,
        ax: Axes | None = None,
        *,
        title: str | None = None,
        xlabel: str | None = None,
        ylabel: str | None = None,
        labels: Mapping[Any, str] | None = None,
    ) -> Axes:
        """Love plot with every design side by side.

        ``title``, ``xlabel``, ``ylabel`` replace the default texts, ``labels`` maps covariate (or group)
        names to display text and ``language="da"`` writes the plot in Danish.
        """
        from ..plots import love_plot

        first = next(iter(self.balance.values()))
        return love_plot(
            {k: v.table for k, v in self.balance.items()},
            ax,
            threshold=first.threshold,
            title=title,
            xlabel=xlabel,
            ylabel=ylabel,
            labels=labels,
        )


def compare_designs(
    data: pd.DataFrame,
    outcome: Hashable,
    treatment: Hashable,
    covariates: Sequence[Hashable] | Hashable,
    *,
    designs: Sequence[str] | Mapping[str, Any] = (
        "nearest",
        "full",
        "cem",
        "subclass",
        "entropy",
    ),
    estimand: str = "ATT",
    threshold: float = 0.1,
    conf_level: float = 0.95,
    missing: str = "raise",
) -> DesignComparison:
    """Run several matching/weighting designs on one data set: one table of balance and effect.

    Parameters
    ----------
    data : DataFrame (pandas, Polars, PyArrow), DuckDB relation or PySpark DataFrame
        One row per person; not modified.
        Only the columns named in the other arguments are read (see Notes).
    outcome : column name
        0/1 or numeric outcome.
    treatment : column name
        Treatment column coded 0/1 or True/False.
    covariates : list of column names
        Covariates of every design (and of every balance table).
    designs : list of names or dict, default ("nearest", "full", "cem", "subclass", "entropy")
        Names from :data:`DESIGNS` (``"nearest"``, ``"optimal"``, ``"full"``, ``"cem"``,
        ``"subclass"``, ``"entropy"``, ``"overlap"``), or a dict name -> function
        ``(data, treatment, covariates, estimand)`` returning a frame with ``weights`` (and
        optionally ``subclass``) or a :class:`MatchedSample`, or name -> a
        :class:`MatchedSample` already made on ``data`` (e.g. ``match(..., method="full",
        max_controls=3)``).
    estimand : {"ATT", "ATC", "ATE"}
    threshold : float, default 0.1
        |SMD| regarded as balanced.
    conf_level : float, default 0.95
    missing : {"raise", "drop"}
        Missing values raise, or drop the rows with a warning.

    Returns
    -------
    DesignComparison

    Notes
    -----
    Each effect is :func:`weighted_effect` on the design's weights, clustered by matched set
    where the design forms sets. The ``"overlap"`` design (overlap weights, Li, Morgan &
    Zaslavsky 2018) estimates the average effect in the overlap population whatever
    ``estimand`` says.

    Any dataframe in: a Polars, PyArrow, DuckDB or PySpark ``data`` is checked against its
    schema and only the outcome, treatment and covariate columns are collected into pandas;
    memory ~ rows × those columns. The estimator is unit-level (it needs every row); a pandas
    DataFrame is used as it is.

    Examples
    --------
    >>> from effekt.synthetic import observational
    >>> from effekt.matching import compare_designs
    >>> df = observational(1500, 0.05, seed=1)
    >>> c = compare_designs(df, "job", "treated", ["age", "months_on_benefit", "gender"])
    >>> list(c.table.index)
    ['nearest', 'full', 'cem', 'subclass', 'entropy']
    """
    func = "compare_designs"
    conf = check_conf_level(conf_level, func)
    data = check_frame(data, func, outcome=outcome, treatment=treatment, covariates=covariates)
    df, covs = _prepare(func, data, treatment, covariates, estimand, missing)
    table = _design_table(designs, func)
    rows, balance, effects = {}, {}, {}
    for name, run in table.items():
        out = run if isinstance(run, MatchedSample) else run(df, treatment, covs, estimand)
        if isinstance(out, MatchedSample):
            out = _units_of(out, df, name)
        frame = df.assign(_w=out["weights"].to_numpy(dtype=float))
        sub = "subclass" if "subclass" in out and out["subclass"].notna().any() else None
        if sub:
            frame = frame.assign(subclass=out["subclass"].to_numpy())
        eff = weighted_effect(
            frame, outcome, treatment, "_w", subclass=sub, estimand=estimand, conf_level=conf
        )
        bal = balance_table(
            frame, treatment, covs, weights="_w", estimand=estimand, threshold=threshold, label=name
        )
        balance[name], effects[name] = bal, eff
        rows[name] = _design_row(frame, treatment, bal, eff)
    frame = pd.DataFrame.from_dict(rows, orient="index")
    scale = next(iter(effects.values())).scale if effects else "mean"
    return DesignComparison(frame, balance, effects, estimand, str(outcome), scale)


def _units_of(result: MatchedSample, df: pd.DataFrame, name: str) -> pd.DataFrame:
    """A result's weights and sets on the comparison's rows (it must be made on the same data)."""
    units = result.units()
    if not units.index.equals(df.index):
        raise EffektError(
            f"compare_designs(): the result given for design {name!r} was made on other rows than "
            "the comparison's data; run it on the same data (and the same 'missing')."
        )
    return units


def _design_table(designs: Any, func: str) -> dict[str, Any]:
    if isinstance(designs, Mapping):
        return dict(designs)
    names = as_column_list(designs)
    unknown = [n for n in names if n not in DESIGNS]
    if unknown or not names:
        raise argument_error(func, "designs", f"names among {sorted(DESIGNS)}", designs)
    return {str(n): DESIGNS[str(n)] for n in names}


def _design_row(
    frame: pd.DataFrame, treatment: Hashable, bal: BalanceTable, eff: EffectResult
) -> dict[str, Any]:
    w = frame["_w"].to_numpy()
    t = frame[treatment].to_numpy() == frame[treatment].max()
    wc = w[~t & (w > 0)]
    return {
        "n_treated": int((t & (w > 0)).sum()),
        "n_control": int(len(wc)),
        "ess_control": float(wc.sum() ** 2 / (wc**2).sum()) if len(wc) else float("nan"),
        "max_abs_smd": float(bal.table["smd_after"].abs().max()),
        "balanced": bal.all_balanced,
        "estimate": eff.estimate,
        "std_error": eff.std_error,
        "ci_low": eff.ci[0],
        "ci_high": eff.ci[1],
        "pvalue": eff.pvalue,
    }
