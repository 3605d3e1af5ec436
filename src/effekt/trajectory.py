"""Effects over time: the effect at every week or month, or at every month around a start.

JobFirst's effect is followed from week 35 (12 % vs 7 % with paid hours) to week 78 and on
to six years; IPS reports weeks in work over 18 months. :func:`effect_over_time` takes a long
register panel (person x period x status) and estimates the effect at each period with
pointwise *and* simultaneous confidence bands: the simultaneous band covers the whole
trajectory with the stated probability, so one can say "the effect is positive from week
20 on" without multiple-testing worries.

:class:`Trajectory` is the one result type for effects by period: it is returned by
:func:`effect_over_time`, :func:`effekt.rct.trajectory`,
:meth:`effekt.matching.MatchResult.trajectory` and :func:`effekt.did.event_study` (where it
also carries the pre-trend test).

Examples
--------
>>> from effekt.synthetic.panels import jobfirst_panel
>>> from effekt.trajectory import effect_over_time
>>> panel = jobfirst_panel(n_persons=1200, weeks=40, seed=1)
>>> tr = effect_over_time(panel, "paid_hours", "jobfirst", "person", "week")
>>> tr.to_frame().columns[:5].tolist()
['time', 'estimate', 'std_error', 'ci_low', 'ci_high']
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd
from scipy import stats

from ._inference import critical_value, wald_arrays
from ._validate import (
    argument_error,
    as_column_list,
    check_clusters_per_arm,
    check_conf_level,
    check_frame,
    check_resamples,
    check_seed,
    check_weights,
    factorize_levels,
    handle_missing,
    numeric_column,
    outcome_indicator,
    quote,
    require_columns,
    two_valued,
)
from .errors import ColumnError, EffektError
from .language import confidence_label, number, say, speaks, term
from .results import (
    EffectResult,
    Result,
    Scale,
    TestResult,
    effect_from_normal,
    format_effect,
    format_level,
    format_pvalue,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["Trajectory", "effect_over_time"]

Missing = Literal["raise", "drop"]


def _check_panel(
    data: pd.DataFrame,
    id: Hashable,
    time: Hashable,
    func: str,
    *,
    extra: Sequence[Hashable] = (),
    missing: str = "raise",
) -> tuple[pd.DataFrame, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Validate a long panel: columns exist, missing values handled, no duplicated rows.

    Returns the rows kept (``data`` itself unless ``missing="drop"`` dropped some), person
    codes ``0..P-1`` (row order), the person labels, the numeric times and a stable order
    sorting rows by person, then time (rows need not be sorted). Raises
    :class:`EffektError` when a (person, period) pair occurs twice.

    Examples
    --------
    >>> import pandas as pd
    >>> panel = pd.DataFrame({"person": [1, 1, 2, 2], "week": [1, 2, 1, 2]})
    >>> _, codes, labels, times, order = _check_panel(panel, "person", "week", "example")
    >>> codes.tolist(), labels.tolist()
    ([0, 0, 1, 1], [1, 2])
    """
    check_frame(data, func)
    require_columns(data, func, id=id, time=time, column=list(extra))
    panel = handle_missing(data, [id, time, *extra], missing, func)
    values = panel[time]
    if not (pd.api.types.is_numeric_dtype(values) or values.dtype == bool):
        raise ColumnError(
            f"The time column {quote(time)} passed to {func}() must be numeric (week or month "
            f"numbers); it has dtype {values.dtype}. Convert calendar months to numbers first, "
            "e.g. months since the start."
        )
    t = numeric_column(values, time, func, "time")
    codes, labels = factorize_levels(panel[id], id, "id", func)
    codes = codes.astype(np.intp)
    dup = panel.duplicated([id, time]).to_numpy()
    if dup.any():
        k = int(np.flatnonzero(dup)[0])
        raise EffektError(
            f"{func}(): the panel has {int(dup.sum())} duplicated ({quote(id)}, {quote(time)}) rows "
            f"(e.g. person {labels[codes[k]]!r} at {t[k]:g}); keep one row per person and period."
        )
    # the results do not depend on row order: unsorted panels are sorted (stably) here
    order = np.lexsort((t, codes))
    return panel, codes, np.asarray(labels), t, order


def _person_constant(
    panel: pd.DataFrame, column: Hashable, codes: np.ndarray, P: int, func: str, argument: str
) -> pd.Series:
    vals = panel[column].to_numpy()
    vcodes, _ = pd.factorize(panel[column])
    lo = np.full(P, np.iinfo(np.intp).max)
    hi = np.full(P, -1)
    np.minimum.at(lo, codes, vcodes)
    np.maximum.at(hi, codes, vcodes)
    if (lo != hi).any():
        raise EffektError(
            f"{func}(): the {argument} column {quote(column)} changes within "
            f"{int((lo != hi).sum())} persons; "
            f"{argument} must be constant within person (use the value at the start of follow-up)."
        )
    first = np.zeros(P, dtype=np.intp)
    first[codes[::-1]] = np.arange(len(codes))[::-1]
    return pd.Series(vals[first])


def _time_unit(time_name: str) -> str:
    """Unit of a sum over periods, guessed from the name of the time column."""
    name = str(time_name).lower()
    for key in ("week", "month", "day", "year"):
        if key in name:
            return key + "s"
    return "periods"


def _sup_t(
    cov: np.ndarray, se: np.ndarray, conf_level: float, q: float, n_draws: int, seed: Any
) -> float:
    """Sup-t critical value: the ``conf_level`` quantile of ``max_t |Z_t|``, Z ~ N(0, R).

    ``R`` is the correlation matrix of the estimates with a positive SE; never below the
    pointwise quantile ``q``.
    """
    pos = se > 0
    if not pos.any():
        return q
    R = cov[np.ix_(pos, pos)] / np.outer(se[pos], se[pos])
    vals, vecs = np.linalg.eigh(R)
    L = vecs * np.sqrt(np.clip(vals, 0, None))
    rng = check_seed(seed, "sup_t")
    draws = rng.standard_normal((n_draws, L.shape[1])) @ L.T
    return max(float(np.quantile(np.abs(draws).max(axis=1), conf_level)), q)


def _band_columns(
    est: np.ndarray, se: np.ndarray, crit: float, conf_level: float, df: float | None
) -> dict[str, np.ndarray]:
    """Pointwise interval and p-value (the one Wald/t core) and the simultaneous band."""
    lo, hi, p = wald_arrays(est, se, conf_level, df)
    return {
        "estimate": est,
        "std_error": se,
        "ci_low": lo,
        "ci_high": hi,
        "sim_low": est - crit * se,
        "sim_high": est + crit * se,
        "pvalue": p,
    }


def _opt(row: pd.Series, column: str, kind: type = float) -> Any:
    """A value of a per-period row, or None where the table has no such column."""
    if column not in row.index or pd.isna(row[column]):
        return None
    return kind(row[column])


@dataclass(frozen=True)
class Trajectory(Result):
    """Effects at each period with pointwise and simultaneous confidence bands.

    The one result type for effects by period: from a panel of persons
    (:func:`effect_over_time`, :func:`effekt.rct.trajectory`,
    :meth:`effekt.matching.MatchResult.trajectory`) or by event time around a start date
    (:func:`effekt.did.event_study`, which adds the pre-trend test and a reference period).

    Attributes
    ----------
    frame : DataFrame
        One row per period: ``time, estimate, std_error, ci_low, ci_high, sim_low, sim_high,
        pvalue`` and, for panels of persons, ``mean_treated, mean_control, n_treated,
        n_control``. An event study's frame starts with ``event_time`` (periods relative
        to the start) followed by ``time`` (the calendar period); its reference period has
        estimate 0 and a zero-width interval.
    cov : ndarray
        Joint covariance matrix of the per-period effects, in the order of ``frame``.
    critical_value : float
        Multiplier of the simultaneous band (sup-t or Bonferroni).
    conf_level : float
    simultaneous : str
        ``"sup-t"``, ``"bonferroni"`` or ``"none"``.
    scale : {"proportion", "mean"}
    method : str
    time_name, outcome : str
        Name of the period axis and of the outcome, for text and plots.
    unit : str
        Unit of a mean outcome.
    df : float or None
        Degrees of freedom of t reference distributions (clustered covariances).
    n_clusters : int or None
    notes : tuple of str
    pretrend : TestResult or None
        Test that every pre-start effect is 0 (event studies).
    reference_period : int or None
        The event time normalised to 0 (event studies).
    period_column : str
        The column of ``frame`` holding the periods (``"time"`` or ``"event_time"``).
    """

    frame: pd.DataFrame
    cov: np.ndarray
    critical_value: float
    conf_level: float
    simultaneous: str
    scale: Scale
    method: str
    time_name: str = "time"
    outcome: str = ""
    unit: str = ""
    df: float | None = None
    n_clusters: int | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)
    pretrend: TestResult | None = None
    reference_period: int | None = None
    period_column: str = "time"

    @property
    def times(self) -> np.ndarray:
        return self.frame[self.period_column].to_numpy()

    def to_frame(self) -> pd.DataFrame:
        """The per-period table (a copy)."""
        return self.frame.copy()

    def at(self, time: float) -> EffectResult:
        """The effect at one period as an :class:`~effekt.results.EffectResult`.

        Examples
        --------
        >>> from effekt.synthetic.panels import jobfirst_panel
        >>> tr = effect_over_time(jobfirst_panel(n_persons=800, weeks=36, seed=2),
        ...                       "paid_hours", "jobfirst", "person", "week")
        >>> tr.at(35).scale
        'proportion'
        """
        idx = np.array([], dtype=np.intp)
        try:
            if isinstance(time, Hashable):
                idx = np.flatnonzero(self.times == time)
        except (TypeError, ValueError, OverflowError):
            pass
        if len(idx) == 0:
            raise argument_error(
                "Trajectory.at",
                "time",
                f"one of the periods ({self.times[0]:g} to {self.times[-1]:g})",
                time,
            )
        row = self.frame.iloc[int(idx[0])]
        return effect_from_normal(
            float(row["estimate"]),
            float(row["std_error"]),
            self.conf_level,
            df=self.df,
            method=self.method,
            n_treated=_opt(row, "n_treated", int),
            n_control=_opt(row, "n_control", int),
            scale=self.scale,
            mean_treated=_opt(row, "mean_treated"),
            mean_control=_opt(row, "mean_control"),
            outcome=self.outcome,
            label=f"{self.time_name} {time:g}",
            unit=self.unit,
        )

    def cumulative(
        self,
        first: float | None = None,
        last: float | None = None,
        *,
        unit_label: str | None = None,
    ) -> EffectResult:
        """Sum of the per-period effects over ``first..last``: e.g. extra weeks in work.

        For a 0/1 weekly status and a balanced panel this is the effect on the number of weeks
        in the status over the window (the IPS "2.9 more weeks"); its SE uses the joint
        covariance.

        ``unit_label`` labels the sum; by default it follows the time column: ``"weeks"``
        when its name contains "week", ``"months"`` for "month", ``"days"`` for "day",
        ``"years"`` for "year", otherwise ``"periods"`` (which :mod:`effekt.fulltime`
        refuses to convert: pass ``unit_label=`` when the periods are weeks or months under
        another name).

        Examples
        --------
        >>> from effekt.synthetic.panels import ips_weeks
        >>> panel = ips_weeks(seed=1, long=True, arms=("IPS", "control"))
        >>> tr = effect_over_time(panel, "in_work", "arm", "person", "week",
        ...                       treated_value="IPS", simultaneous=False)
        >>> r = tr.cumulative(1, 78)
        >>> r.unit, r.scale
        ('weeks', 'mean')
        """
        t = self.times
        first = t[0] if first is None else first
        last = t[-1] if last is None else last
        m = (t >= first) & (t <= last)
        if not m.any() or first not in t or last not in t:
            raise argument_error(
                "Trajectory.cumulative",
                "first/last",
                f"periods of the panel ({t[0]:g} to {t[-1]:g})",
                (first, last),
            )
        unit = _time_unit(self.time_name) if unit_label is None else unit_label
        est = float(self.frame["estimate"].to_numpy()[m].sum())
        se = float(np.sqrt(self.cov[np.ix_(m, m)].sum()))
        f = self.frame[m]
        sums = {
            k: (float(f[k].sum()) if k in f else None) for k in ("mean_treated", "mean_control")
        }
        sizes = {k: (int(f[k].max()) if k in f else None) for k in ("n_treated", "n_control")}
        return effect_from_normal(
            est,
            se,
            self.conf_level,
            df=self.df,
            method=f"sum of per-period effects over {first:g}-{last:g} (joint covariance)",
            scale="mean",
            unit=unit,
            **sums,
            **sizes,
            outcome=self.outcome,
            label=f"{self.time_name} {first:g}-{last:g}",
        )

    def test_all_zero(self) -> TestResult:
        """Joint Wald test that the effect is zero at every period (chi2, or F with clusters)."""
        b = self.frame["estimate"].to_numpy()
        vinv = np.linalg.pinv(self.cov)
        q = int(np.linalg.matrix_rank(self.cov))
        w = float(b @ vinv @ b)
        if self.df is not None:
            f = w / q
            return TestResult(
                f,
                float(stats.f.sf(f, q, self.df)),
                "no effect at any period",
                "F",
                q,
                "joint Wald test",
            )
        return TestResult(
            w, float(stats.chi2.sf(w, q)), "no effect at any period", "chi2", q, "joint Wald test"
        )

    def _is_reference(self, period: Any) -> bool:
        return self.reference_period is not None and period == self.reference_period

    @speaks
    def summary(self) -> str:
        level = confidence_label(self.conf_level)
        f = self.frame
        p = self.period_column
        what = term("Event study" if self.reference_period is not None else "Effect over time")
        time = term(self.time_name)
        head = (
            f"{what} {term('on')} {self.outcome or term('the outcome')}: {len(f)} {term('periods')} "
            f"({time} {number(f[p].iloc[0], None)} {term('to')} {number(f[p].iloc[-1], None)})"
        )
        if self.reference_period is not None:
            head += f"; {term('reference event time')} {self.reference_period}"
        lines = [head, f"  {term('method')}: {self.method}"]
        if self.simultaneous != "none":
            band = term("simultaneous {level} band ({name})").format(
                level=level.removesuffix(f" {term('CI')}").removesuffix(f"-{term('CI')}"),
                name=self.simultaneous,
            )
            lines.append(f"  {band}: +-{number(self.critical_value, 2)} SE")
        show = (
            f
            if len(f) <= 12
            else f.iloc[np.unique(np.linspace(0, len(f) - 1, 12).round().astype(int))]
        )
        pp = f" {term('pp')}"
        for row in show.itertuples(index=False):
            period = getattr(row, p)
            if self._is_reference(period):
                lines.append(f"  {time} {number(period, None):>5}: {term('reference')}")
                continue
            lo = format_effect(row.ci_low, self.scale, unit="").replace(pp, "")
            hi = format_effect(row.ci_high, self.scale, unit=self.unit)
            lines.append(
                f"  {time} {number(period, None):>5}: "
                f"{format_effect(row.estimate, self.scale, unit=self.unit)}"
                f"  ({level} {lo} {term('to')} {hi})"
            )
        lines.append(f"  {self.test_all_zero().summary()}")
        if self.pretrend is not None:
            lines.append(f"  {self.pretrend.summary()}")
        lines.extend(f"  {term('note')}: {say(n)}" for n in self.notes)
        return "\n".join(lines)

    def _html_frame(self) -> pd.DataFrame:
        """Per-period effects for people: pp for shares, formatted intervals and p-values."""
        level = f"{round(100 * self.conf_level, 1):g}%"

        def interval(lo: float, hi: float) -> str:
            low = format_effect(lo, self.scale, unit="")
            if self.scale == "proportion":
                low = low.replace(" pp", "")
            return f"{low} to {format_effect(hi, self.scale, unit=self.unit)}"

        rows = []
        periods = self.frame[self.period_column].tolist()  # as given (iterrows casts to float)
        for period, (_, row) in zip(periods, self.frame.iterrows(), strict=True):
            out: dict[str, Any] = {self.time_name: period}
            if self.period_column != "time":
                out["period"] = str(row["time"])
            if self._is_reference(period):
                rows.append({**out, "estimate": "reference"})
                continue
            out["estimate"] = format_effect(row["estimate"], self.scale, unit=self.unit)
            out[f"{level} CI"] = interval(row["ci_low"], row["ci_high"])
            if self.simultaneous != "none":
                out[f"simultaneous {level}"] = interval(row["sim_low"], row["sim_high"])
            out["p-value"] = format_pvalue(row["pvalue"]).removeprefix("p = ")
            for arm in ("treated", "control"):
                if f"mean_{arm}" in row.index:
                    out[arm] = format_level(row[f"mean_{arm}"], self.scale, unit=self.unit)
                    out[f"n {arm}"] = int(row[f"n_{arm}"])
            rows.append(out)
        return pd.DataFrame(rows)

    def _html_notes(self) -> tuple[str, ...]:
        tests = [self.test_all_zero()] + ([self.pretrend] if self.pretrend is not None else [])
        return (f"method: {self.method}", *(t.summary() for t in tests), *self.notes)

    @speaks
    def plot(
        self,
        ax: Axes | None = None,
        *,
        simultaneous: bool = True,
        color: str = "C0",
        label: str | None = None,
        title: str | None = None,
        xlabel: str | None = None,
        ylabel: str | None = None,
        labels: dict[Any, str] | None = None,
    ) -> Axes:
        """Effect by period (percentage points for shares) with pointwise and simultaneous bands.

        An event study's start is marked by a dotted line and its pre-trend test is the title
        unless ``title`` is given. ``xlabel``/``ylabel`` replace the axis texts, ``labels``
        the legend entries (keys ``"estimate"``, ``"pointwise"``, ``"simultaneous"``), and
        ``language="da"`` writes the default texts in Danish.

        Examples
        --------
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> from effekt.synthetic.panels import jobfirst_panel
        >>> tr = effect_over_time(jobfirst_panel(n_persons=600, weeks=20, seed=3),
        ...                       "paid_hours", "jobfirst", "person", "week")
        >>> tr.plot().get_ylabel()
        'Effect (percentage points)'
        """
        from .plots import _check_args, effect_trajectory

        _check_args("Trajectory.plot", (title, xlabel, ylabel), labels, color, label=label)
        table = self.frame
        if self.period_column != "time":
            table = table.rename(columns={"time": "calendar"}).rename(
                columns={self.period_column: "time"}
            )
        reference = None if self.reference_period is None else self.reference_period + 0.5
        ax = effect_trajectory(
            table,
            ax=ax,
            scale=self.scale,
            unit_label=self.unit,
            simultaneous=simultaneous,
            xlabel=xlabel or self.time_name,
            ylabel=ylabel,
            title=title,
            labels=labels,
            color=color,
            label=label,
            conf_level=self.conf_level,
            band_name=self.simultaneous,
            reference_line=reference,
        )
        if self.pretrend is not None and title is None:
            ax.set_title(
                term("Pre-trend test ({n} pre-periods): {p}").format(
                    n=f"{self.pretrend.df:g}", p=format_pvalue(self.pretrend.pvalue)
                ),
                fontsize=9,
            )
        return ax


def _panel_inputs(
    data: pd.DataFrame,
    outcome: Hashable,
    treatment: Hashable,
    id: Hashable,
    time: Hashable,
    weights: Hashable | None,
    cluster: Hashable | None,
    treated_value: Any,
    missing: str,
    func: str,
    outcome_value: Any = None,
) -> dict[str, Any]:
    """Rows, person codes, times, outcome, person-level arm, weights and clusters."""
    extra = [outcome, treatment, *as_column_list(weights), *as_column_list(cluster)]
    panel, codes, labels, t, _ = _check_panel(data, id, time, func, extra=extra, missing=missing)
    P = len(labels)
    y = numeric_column(
        outcome_indicator(panel[outcome], outcome, func, outcome_value), outcome, func, "outcome"
    )
    arm_p = _person_constant(panel, treatment, codes, P, func, "treatment")
    arm = two_valued(arm_p, treatment, "treatment", func, treated_value)
    if weights is not None:
        wp = _person_constant(panel, weights, codes, P, func, "weights").to_numpy(dtype=float)
        check_weights(wp, weights, func)
    else:
        wp = np.ones(P)
    cl = None if cluster is None else _person_constant(panel, cluster, codes, P, func, "cluster")
    return {"codes": codes, "P": P, "t": t, "y": y, "arm": arm, "wp": wp, "cl": cl}


def _per_period(x: dict[str, Any], time: Hashable, func: str) -> dict[str, Any]:
    """Per period and arm: weighted means, sizes, effects and each row's influence."""
    codes, t, y, wp = x["codes"], x["t"], x["y"], x["wp"]
    ut, tinv = np.unique(t, return_inverse=True)
    T = len(ut)
    w_row = wp[codes]
    arm_row = x["arm"][codes].astype(np.intp)
    obs = w_row > 0
    cell = tinv * 2 + arm_row
    W = np.bincount(cell[obs], weights=w_row[obs], minlength=2 * T).reshape(T, 2)
    N = np.bincount(cell[obs], minlength=2 * T).reshape(T, 2)
    if (N < 2).any():
        k, g = np.argwhere(N < 2)[0]
        raise EffektError(
            f"{func}(): at {quote(time)} {ut[k]:g} the {'treated' if g else 'control'} arm has "
            f"{int(N[k, g])} person(s) with positive weight; each arm needs at least two at every "
            "period. Restrict the panel to periods where both arms are observed."
        )
    S = np.bincount(cell[obs], weights=(w_row * y)[obs], minlength=2 * T).reshape(T, 2)
    mean = S / W
    Wr = W[tinv, arm_row]
    resid = y - mean[tinv, arm_row]
    sign = np.where(arm_row == 1, 1.0, -1.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        hc2 = 1 / np.sqrt(np.clip(1 - w_row / Wr, 1e-12, None))
    phi_row = np.where(obs, sign * w_row * resid / Wr, 0.0)
    return {"ut": ut, "tinv": tinv, "N": N, "mean": mean, "phi": phi_row, "hc2": hc2}


def _influence_matrix(
    x: dict[str, Any], cells: dict[str, Any], cluster: Hashable | None, func: str, label: str
) -> tuple[np.ndarray, float | None, int | None, str]:
    """Person (HC2) or cluster (CR1) influence matrix, its t df, cluster count and method."""
    T = len(cells["ut"])
    if cluster is None:
        Phi = np.zeros((x["P"], T))
        np.add.at(Phi, (x["codes"], cells["tinv"]), cells["phi"] * cells["hc2"])
        return Phi, None, None, f"difference in {label} per period; HC2 (Welch) variance"
    ccodes, clabels = pd.factorize(x["cl"], sort=True)
    G = len(clabels)
    if G < 2:
        raise ColumnError(
            f"The cluster column {quote(cluster)} passed to {func}() has one value; "
            "clustering needs two or more."
        )
    check_clusters_per_arm(ccodes, np.asarray(x["arm"]) != 0, cluster, func)
    Phi = np.zeros((G, T))
    np.add.at(Phi, (ccodes[x["codes"]], cells["tinv"]), cells["phi"])
    Nt = cells["N"].sum(axis=1)
    Phi *= np.sqrt(G / (G - 1) * (Nt - 1) / (Nt - 2))[None, :]
    method = (
        f"difference in {label} per period; CR1 cluster-robust variance "
        f"({G} clusters of {quote(cluster)}), t({G - 1})"
    )
    return Phi, float(G - 1), G, method


def effect_over_time(
    data: pd.DataFrame,
    outcome: Hashable,
    treatment: Hashable,
    id: Hashable,
    time: Hashable,
    *,
    weights: Hashable | None = None,
    cluster: Hashable | None = None,
    treated_value: Any = None,
    outcome_value: Any = None,
    conf_level: float = 0.95,
    simultaneous: bool | Literal["sup-t", "bonferroni"] = True,
    n_draws: int = 10_000,
    seed: int | np.random.Generator | None = 0,
    missing: Missing = "raise",
) -> Trajectory:
    """The effect (difference in shares or means, treated minus control) at every period.

    Parameters
    ----------
    data : DataFrame
        Long panel, one row per person and period (in any row order), no duplicated
        (person, period) rows. Unbalanced panels are allowed: each period uses
        the persons observed in it.
    outcome : str
        Outcome at each period: 0/1 status (in job, with paid hours; effects are in
        percentage points) or numeric (hours per week).
    treatment : str
        Two-valued arm column, constant within person.
    id, time : str
        Person and numeric period (week, month) columns.
    weights : str, optional
        Person weights (matching weights), constant within person.
    cluster : str, optional
        Cluster (municipality, job centre) constant within person; gives cluster-robust
        covariances and t(G - 1) reference distributions.
    treated_value : optional
        Value of ``treatment`` marking the treated arm.
    outcome_value : optional
        The value of ``outcome`` that counts as 1 (``"Ja"`` in a column of "Ja"/"Nej").
    conf_level : float
    simultaneous : True, "sup-t", "bonferroni" or False
        Simultaneous band over all periods: ``True``/``"sup-t"`` uses the sup-t critical
        value of the joint distribution, ``"bonferroni"`` the Bonferroni quantile.
    n_draws : int
        Gaussian draws for the sup-t critical value, 100 to 100,000.
    seed : int, Generator or None
        Seed of those draws (the band is reproducible for a fixed seed; default 0).
    missing : {"raise", "drop"}
        Missing values in the columns used raise; ``"drop"`` drops those rows (person-periods)
        with a :class:`~effekt.errors.DroppedRowsWarning`.

    Returns
    -------
    Trajectory

    Notes
    -----
    At period t the effect is ``p_1t - p_0t`` with ``p_gt`` the weighted mean outcome of arm
    g among persons observed at t. Person i's influence on it is
    ``phi_i(t) = +-w_i (y_it - p_gt) / W_gt`` (sign by arm; 0 if unobserved), scaled by
    ``(1 - w_i / W_gt)^{-1/2}`` so that each diagonal element equals the HC2 variance of the
    regression of the outcome on the arm at that period (Welch's variance when unweighted).
    With clusters, influences are summed within clusters and scaled by
    ``G/(G-1) (N_t-1)/(N_t-2)`` (the CR1 / Stata correction). The covariance of the
    effect vector is ``Phi' Phi``. The sup-t critical value ``c`` is the ``conf_level``
    quantile of ``max_t |Z_t|`` with ``Z ~ N(0, R)``, R the correlation matrix -- the Gaussian
    multiplier bootstrap of Montiel Olea & Plagborg-Moller (2019); the band is
    ``estimate +- max(c, q) SE`` with q the pointwise quantile. Bonferroni uses
    ``q_{1 - alpha / (2T)}``, conservative when periods are strongly correlated.

    References
    ----------
    Montiel Olea, J. L. & Plagborg-Moller, M. (2019). Simultaneous confidence bands: theory,
    implementation, and an application to SVARs. *J. Applied Econometrics* 34, 1-17.

    Examples
    --------
    >>> from effekt.synthetic.panels import jobfirst_panel
    >>> panel = jobfirst_panel(n_persons=2000, weeks=36, seed=4)
    >>> tr = effect_over_time(panel, "paid_hours", "jobfirst", "person", "week",
    ...                       cluster="municipality")
    >>> f = tr.to_frame()
    >>> bool((f["sim_low"] <= f["ci_low"]).all())
    True
    """
    func = "effect_over_time"
    conf_level = check_conf_level(conf_level, func)
    band: str = {True: "sup-t", False: "none"}.get(simultaneous, simultaneous)  # type: ignore[arg-type]
    if band not in ("sup-t", "bonferroni", "none"):
        raise argument_error(
            func, "simultaneous", "True, False, 'sup-t' or 'bonferroni'", simultaneous
        )
    n_draws = check_resamples(n_draws, "n_draws", func, low=100)
    x = _panel_inputs(
        data,
        outcome,
        treatment,
        id,
        time,
        weights,
        cluster,
        treated_value,
        missing,
        func,
        outcome_value,
    )
    binary = bool(np.isin(x["y"], (0.0, 1.0)).all())
    cells = _per_period(x, time, func)
    label = "shares" if binary else "means"
    Phi, df, n_clusters, method = _influence_matrix(x, cells, cluster, func, label)
    if weights is not None:
        method += "; weighted"
    cov = Phi.T @ Phi
    se = np.sqrt(np.diag(cov))
    mean, N = cells["mean"], cells["N"]
    est = mean[:, 1] - mean[:, 0]
    q = critical_value(conf_level, df)
    if band == "sup-t":
        crit = _sup_t(cov, se, conf_level, q, n_draws, seed)
        method += f"; sup-t band ({n_draws} Gaussian draws, seed {seed})"
    elif band == "bonferroni":
        crit = critical_value(1 - (1 - conf_level) / len(est), df)
        method += "; Bonferroni band"
    else:
        crit = q
    frame = pd.DataFrame(
        {
            "time": cells["ut"],
            **_band_columns(est, se, crit, conf_level, df),
            "mean_treated": mean[:, 1],
            "mean_control": mean[:, 0],
            "n_treated": N[:, 1],
            "n_control": N[:, 0],
        }
    )
    return Trajectory(
        frame=frame,
        cov=cov,
        critical_value=float(crit),
        conf_level=conf_level,
        simultaneous=band,
        scale="proportion" if binary else "mean",
        method=method,
        time_name=str(time),
        outcome=str(outcome),
        df=df,
        n_clusters=n_clusters,
    )
