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
from scipy import sparse, stats

from ._frame import group_stats, is_pandas
from ._frame import without_missing as frame_without_missing
from ._inference import critical_value, wald_arrays
from ._panel import (
    Blocks,
    check_frame_columns,
    check_period_dtype,
    check_unique_cells,
    collect_columns,
    grid_layout,
    id_range,
    integer_columns,
    integer_values,
    is_binary,
    numeric_columns,
    period_codes,
    person_codes,
    person_values,
    varying_error,
    without_missing,
)
from ._validate import (
    argument_error,
    as_column_list,
    check_clusters_per_arm,
    check_conf_level,
    check_frame,
    check_resamples,
    check_seed,
    check_weights,
    outcome_indicator,
    quote,
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


def _panel_codes(
    data: pd.DataFrame,
    id: Hashable,
    time: Hashable,
    func: str,
    *,
    extra: Sequence[Hashable] = (),
    missing: str = "raise",
) -> tuple[pd.DataFrame, Blocks, np.ndarray, np.ndarray]:
    """Validate a long panel: columns exist, missing values handled, no duplicated rows.

    Returns the rows kept (``data`` itself unless ``missing="drop"`` dropped some), their
    person x period layout (:class:`effekt._panel.Blocks`), the ids in sorted order and the
    sorted periods (floats). Rows need not be sorted; a panel sorted by person and period with
    every person at every period is recognised in two passes. Raises :class:`EffektError`
    when a (person, period) pair occurs twice.
    """
    data = check_frame(data, func, id=id, time=time, column=list(extra))
    panel = without_missing(data, [id, time, *extra], missing, func)
    check_period_dtype(panel[time], time, func)
    times = integer_values(panel[time], time, func, "time")
    grid = grid_layout(panel[id].to_numpy(), times)
    if grid is not None:
        labels, periods = grid
        return panel, Blocks(None, None, len(labels), len(periods), True), labels, periods + 0.0
    tcodes, periods = period_codes(times)
    pcodes, labels = person_codes(panel[id], id, func)
    P, T = len(labels), len(periods)
    check_unique_cells(pcodes, tcodes, P, T, (id, time, labels, periods), func)
    return panel, Blocks.of(pcodes, tcodes, P, T), labels, periods


def _check_panel(
    data: pd.DataFrame,
    id: Hashable,
    time: Hashable,
    func: str,
    *,
    extra: Sequence[Hashable] = (),
    missing: str = "raise",
) -> tuple[pd.DataFrame, np.ndarray, np.ndarray, np.ndarray]:
    """:func:`_panel_codes` as each row's person code (``intp``) and period.

    Examples
    --------
    >>> import pandas as pd
    >>> panel = pd.DataFrame({"person": [1, 1, 2, 2], "week": [1, 2, 2, 1]})
    >>> _, codes, labels, times = _check_panel(panel, "person", "week", "example")
    >>> codes.tolist(), labels.tolist(), times.tolist()
    ([0, 0, 1, 1], [1, 2], [1.0, 2.0, 2.0, 1.0])
    """
    panel, blocks, labels, periods = _panel_codes(
        data, id, time, func, extra=extra, missing=missing
    )
    pcodes, tcodes = blocks.person_rows()
    return panel, pcodes.astype(np.intp), labels, periods[tcodes]


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
    # The draws must not depend on rounding (every backend sums in its own order): noise
    # in a null space (fewer clusters than periods) would enter as sqrt(1e-16) = 1e-8, and
    # LAPACK's arbitrary eigenvector signs would map the same draws differently.
    vals = np.where(vals > 1e-10 * vals.max(), vals, 0.0)
    lead = np.abs(vecs).argmax(axis=0)
    vecs = vecs * np.sign(vecs[lead, np.arange(len(vals))])
    L = vecs * np.sqrt(vals)
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
    """Person x period blocks, periods, each row's outcome, and per person arm, weight, cluster."""
    extra = [outcome, treatment, *as_column_list(weights), *as_column_list(cluster)]
    panel, blocks, labels, periods = _panel_codes(
        data, id, time, func, extra=extra, missing=missing
    )
    P = len(labels)
    y = integer_values(
        outcome_indicator(panel[outcome], outcome, func, outcome_value), outcome, func, "outcome"
    )
    if y.size and np.abs(y).max() > MAX_OUTCOME:  # its squares overflow the covariance
        raise ColumnError(
            f"The outcome column {quote(outcome)} passed to {func}() holds values up to "
            f"{np.abs(y).max():.3g} (at most {MAX_OUTCOME:.0e}); rescale it (e.g. to thousands)."
        )
    arm_p = person_values(panel[treatment], blocks, func, "treatment")
    arm = two_valued(arm_p, treatment, "treatment", func, treated_value)
    if weights is not None:
        wp = person_values(panel[weights], blocks, func, "weights").to_numpy(dtype=float)
        check_weights(wp, weights, func)
    else:
        wp = np.ones(P)
    cl = None if cluster is None else person_values(panel[cluster], blocks, func, "cluster")
    return {"blocks": blocks, "P": P, "ut": periods, "y": y, "arm": arm, "wp": wp, "cl": cl}


def _per_period(x: dict[str, Any], time: Hashable, func: str) -> dict[str, Any]:
    """Per period and arm: sizes (persons with positive weight), weights and weighted means.

    One pass over the person x period blocks; the sums are products with the (persons x 2)
    arm-indicator matrix.
    """
    blocks, arm, wp = x["blocks"], x["arm"], x["wp"]
    T = blocks.T
    N, W, S = np.zeros((T, 2)), np.zeros((T, 2)), np.zeros((T, 2))
    for p0, p1, rows in blocks:
        Y, seen = blocks.dense(x["y"], p0, p1, rows)
        w = wp[p0:p1]
        ind = np.zeros((p1 - p0, 2))
        ind[np.arange(p1 - p0), arm[p0:p1].astype(np.intp)] = 1.0
        ind[w <= 0] = 0.0
        wind = ind * w[:, None]
        if seen is None:
            N += ind.sum(axis=0)
            W += wind.sum(axis=0)
        else:
            observed = seen.astype(float)
            N += observed.T @ ind
            W += observed.T @ wind
        S += Y.T @ wind
    return _cells(x["ut"], N, W, S, time, func)


def _cells(
    ut: np.ndarray, N: np.ndarray, W: np.ndarray, S: np.ndarray, time: Hashable, func: str
) -> dict[str, Any]:
    """Per period and arm sizes, weights and means; every arm needs two persons per period."""
    N = N.astype(np.int64)
    if (N < 2).any():
        k, g = np.argwhere(N < 2)[0]
        raise EffektError(
            f"{func}(): at {quote(time)} {ut[k]:g} the {'treated' if g else 'control'} arm has "
            f"{int(N[k, g])} person(s) with positive weight; each arm needs at least two at every "
            "period. Restrict the panel to periods where both arms are observed."
        )
    return {"ut": ut, "N": N, "W": W, "mean": S / W}


def _group_sums(groups: np.ndarray, n_groups: int, values: np.ndarray) -> np.ndarray:
    """Row sums of ``values`` within ``groups`` (codes ``0..n_groups-1``): a sparse product."""
    member = sparse.csr_matrix(
        (np.ones(len(groups)), (groups, np.arange(len(groups)))), shape=(n_groups, len(groups))
    )
    return np.asarray(member @ values)


def _influence_sum(
    x: dict[str, Any], cells: dict[str, Any], groups: np.ndarray | None, n_groups: int
) -> np.ndarray:
    """``Phi' Phi`` of the person influences (HC2-scaled) or, with ``groups`` (one cluster
    code per person), the (groups x periods) sums of the unscaled influences.

    Block by block of persons; without weights the influence of arm g at period t is the
    centred outcome times a constant ``c_gt``, so each arm's block needs one subtraction and
    one product ``Z'Z`` (or one sparse sum by cluster).
    """
    blocks, arm, wp = x["blocks"], x["arm"].astype(np.intp), x["wp"]
    W, mean = cells["W"], cells["mean"]
    T = blocks.T
    out = np.zeros((T, T)) if groups is None else np.zeros((n_groups, T))
    unit = bool((wp == 1).all())
    C = np.array([-1.0, 1.0]) / W
    if groups is None:
        C /= np.sqrt(np.clip(1 - 1 / W, 1e-12, None))
    for p0, p1, rows in blocks:
        a = arm[p0:p1]
        if not unit:
            dense = blocks.dense(x["y"], p0, p1, rows)
            out += _weighted_block(x, cells, dense, a, p0, (groups, n_groups))
            continue
        raw = blocks.raw(x["y"], rows) if blocks.grid else None
        dense = (raw, None) if raw is not None else blocks.dense(x["y"], p0, p1, rows)
        for g in (0, 1):
            mine = a == g
            Z = np.subtract(dense[0][mine], mean[:, g], dtype=float)
            if dense[1] is not None:
                Z *= dense[1][mine]
            if groups is None:
                out += (Z.T @ Z) * np.outer(C[:, g], C[:, g])
            else:
                out += _group_sums(groups[p0:p1][mine], n_groups, Z) * C[:, g]
    return out


def _weighted_block(
    x: dict[str, Any],
    cells: dict[str, Any],
    dense: tuple[np.ndarray, np.ndarray | None],
    a: np.ndarray,
    p0: int,
    grouping: tuple[np.ndarray | None, int],
) -> np.ndarray:
    """One block's contribution to :func:`_influence_sum` with person weights."""
    groups, n_groups = grouping
    Y, seen = dense
    w = x["wp"][p0 : p0 + len(a)]
    Wr = cells["W"][:, a].T
    coef = (np.where(a == 1, 1.0, -1.0) * w)[:, None] / Wr
    if groups is None:
        coef /= np.sqrt(np.clip(1 - w[:, None] / Wr, 1e-12, None))
    phi = (Y - cells["mean"][:, a].T) * coef
    if seen is not None:
        phi *= seen
    if groups is None:
        return phi.T @ phi
    return _group_sums(groups[p0 : p0 + len(a)], n_groups, phi)


def _covariance(
    x: dict[str, Any], cells: dict[str, Any], cluster: Hashable | None, func: str, label: str
) -> tuple[np.ndarray, float | None, int | None, str]:
    """Person (HC2) or cluster (CR1) covariance, its t df, cluster count and method."""
    if cluster is None:
        cov = _influence_sum(x, cells, None, 0)
        return cov, None, None, f"difference in {label} per period; HC2 (Welch) variance"
    ccodes, clabels = pd.factorize(x["cl"], sort=True)
    G = len(clabels)
    if G < 2:
        raise ColumnError(
            f"The cluster column {quote(cluster)} passed to {func}() has one value; "
            "clustering needs two or more."
        )
    check_clusters_per_arm(ccodes, np.asarray(x["arm"]) != 0, cluster, func)
    Phi = _influence_sum(x, cells, ccodes, G)
    return _cluster_cov(Phi, cells, cluster, label)


def _cluster_cov(
    Phi: np.ndarray, cells: dict[str, Any], cluster: Hashable, label: str
) -> tuple[np.ndarray, float, int, str]:
    """CR1 covariance from the (clusters x periods) influence sums, df and method."""
    G = Phi.shape[0]
    Nt = cells["N"].sum(axis=1)
    Phi = Phi * np.sqrt(G / (G - 1) * (Nt - 1) / (Nt - 2))[None, :]
    method = (
        f"difference in {label} per period; CR1 cluster-robust variance "
        f"({G} clusters of {quote(cluster)}), t({G - 1})"
    )
    return Phi.T @ Phi, float(G - 1), G, method


#: Rows of one partition of an engine's panel brought into Python at a time.
PARTITION_ROWS = 1 << 23


def _pushes_down(data: Any, columns: dict[str, Any], func: str) -> bool:
    """Whether the panel is a Polars/PyArrow/DuckDB/Spark frame the engine can summarise:
    numeric period and outcome, no weights and no outcome_value (those are collected)."""
    if is_pandas(data) or columns["weights"] is not None or columns["outcome_value"] is not None:
        return False
    names = {"id": columns["id"], "time": columns["time"]}
    extra = [columns[k] for k in ("outcome", "treatment", "cluster") if columns[k] is not None]
    check_frame_columns(data, func, **names, column=extra)
    return numeric_columns(data, [columns["time"], columns["outcome"]], func)


def _engine_panel(
    data: Any, c: dict[str, Any], func: str
) -> tuple[dict[str, Any], tuple[np.ndarray, float | None, int | None, str], bool]:
    """Per-period moments by one group-by in the engine, then the covariance from person x
    period blocks of the panel collected one partition of persons at a time.

    Returns the cells, (covariance, df, cluster count, method) and whether the outcome is 0/1.
    """
    id, time, outcome, treatment, cluster = (
        c[k] for k in ("id", "time", "outcome", "treatment", "cluster")
    )
    cols = [id, time, outcome, treatment, *as_column_list(cluster)]
    lazy = frame_without_missing(data, cols, c["missing"], func)
    table = group_stats(lazy, func, [time, treatment], [outcome]).reset_index()
    tcodes, ut = period_codes(integer_values(table[time], time, func, "time"))
    levels = pd.Series(pd.unique(table[treatment]), name=treatment)
    if len(levels) != 2:  # pandas input reports a treatment changing within persons first
        per_person = group_stats(lazy, func, [id, treatment]).reset_index()
        varying = int((per_person.groupby(id).size() > 1).sum())
        if varying:
            raise varying_error(treatment, "treatment", varying, func)
    treated = levels[two_valued(levels, treatment, "treatment", func, c["treated_value"])]
    g = table[treatment].isin(treated).to_numpy().astype(np.intp)
    sums = {}
    for key in ("n", f"sum_{outcome}"):
        sums[key] = np.zeros((len(ut), 2))
        np.add.at(sums[key], (tcodes, g), table[key].to_numpy())
    cells = _cells(ut, sums["n"], sums["n"], sums[f"sum_{outcome}"], time, func)
    groups = None
    if cluster is not None:
        groups = _engine_clusters(lazy, cluster, treatment, treated, func)
    parts = _partitions(lazy, id, int(sums["n"].sum()), cols)
    total, binary = None, True
    for part in parts:
        if len(part) == 0:  # a range of ids without persons
            continue
        x = _part_inputs(part, c, ut, treated, groups, func)
        binary = binary and is_binary(x["y"])
        G = 0 if groups is None else len(groups)
        piece = _influence_sum(x, cells, x["groups"], G)
        total = piece if total is None else total + piece
    label = "shares" if binary else "means"
    assert total is not None
    if cluster is None:
        return (
            cells,
            (total, None, None, f"difference in {label} per period; HC2 (Welch) variance"),
            binary,
        )
    return cells, _cluster_cov(total, cells, cluster, label), binary


def _engine_clusters(
    lazy: Any, cluster: Hashable, treatment: Hashable, treated: Any, func: str
) -> pd.Index:
    """The sorted cluster labels (checked: two or more, two per arm), from the engine."""
    table = group_stats(lazy, func, [cluster, treatment]).reset_index()
    codes, labels = pd.factorize(table[cluster], sort=True)
    if len(labels) < 2:
        raise ColumnError(
            f"The cluster column {quote(cluster)} passed to {func}() has one value; "
            "clustering needs two or more."
        )
    check_clusters_per_arm(codes, table[treatment].isin(treated).to_numpy(), cluster, func)
    return pd.Index(labels)


def _partitions(lazy: Any, id: Hashable, rows: int, cols: list[Hashable]) -> Any:
    """The panel's rows in partitions of whole persons, as pandas frames of NumPy columns.

    Integer ids are cut into B equal ranges of values (B = rows / 2^23, rounded up); a file
    sorted by person then lets the engine skip the row groups outside each range (Parquet
    statistics), so the partitions cost about one scan. Other ids come in one piece.
    """
    B = max(1, -(-rows // PARTITION_ROWS))
    if B == 1 or not integer_columns(lazy, [id]):
        yield collect_columns(lazy, cols)
        return
    low, high = id_range(lazy, id)
    width = -(-(high - low + 1) // B)
    for b in range(B):
        start = low + b * width
        if start <= high:
            yield collect_columns(lazy, cols, (id, start, start + width))


def _part_inputs(
    part: pd.DataFrame,
    c: dict[str, Any],
    ut: np.ndarray,
    treated: Any,
    groups: pd.Index | None,
    func: str,
) -> dict[str, Any]:
    """Blocks, outcome, arm and cluster codes of one partition, on the global periods."""
    id, time = c["id"], c["time"]
    times = integer_values(part[time], time, func, "time")
    grid = grid_layout(part[id].to_numpy(), times)
    if grid is not None and np.array_equal(grid[1], ut):
        P = len(grid[0])
        blocks = Blocks(None, None, P, len(ut), True)
    else:
        local, periods = period_codes(times)
        tcodes = np.searchsorted(ut, periods).astype(np.int32)[local]
        pcodes, labels = person_codes(part[id], id, func)
        P = len(labels)
        check_unique_cells(pcodes, tcodes, P, len(ut), (id, time, labels, ut), func)
        blocks = Blocks.of(pcodes, tcodes, P, len(ut))
    arm_p = person_values(part[c["treatment"]], blocks, func, "treatment")
    x = {"blocks": blocks, "P": P, "ut": ut, "arm": arm_p.isin(treated).to_numpy(), "groups": None}
    x["y"] = integer_values(part[c["outcome"]], c["outcome"], func, "outcome")
    x["wp"] = np.ones(P)
    if groups is not None:
        cl = person_values(part[c["cluster"]], blocks, func, "cluster")
        x["groups"] = groups.get_indexer(cl)
    return x


def _estimate(
    data: Any, c: dict[str, Any], func: str
) -> tuple[dict[str, Any], tuple[np.ndarray, float | None, int | None, str], bool]:
    """Cells, (covariance, df, clusters, method) and 0/1-ness, in the engine where it can."""
    if _pushes_down(data, c, func):
        return _engine_panel(data, c, func)
    x = _panel_inputs(
        data,
        c["outcome"],
        c["treatment"],
        c["id"],
        c["time"],
        c["weights"],
        c["cluster"],
        c["treated_value"],
        c["missing"],
        func,
        c["outcome_value"],
    )
    binary = is_binary(x["y"])
    cells = _per_period(x, c["time"], func)
    label = "shares" if binary else "means"
    return cells, _covariance(x, cells, c["cluster"], func, label), binary


#: Largest outcome magnitude: squares of larger values overflow the covariance matrix, and a
#: pseudo-inverse of a matrix holding inf does not return.
MAX_OUTCOME = 1e150


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
        the persons observed in it. A pandas, Polars (eager or lazy) or PyArrow frame, a
        DuckDB relation or a PySpark DataFrame (see Notes on how each scales).
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

    Scaling: the work is linear in rows. The rows are never sorted or hashed when ids and
    periods are integers (they are coded by offset; a panel sorted by person and period with
    every person at every period is recognised in two passes), and the covariance is summed
    over blocks of persons as dense (persons x periods) matrices of at most 4 Mi cells, so
    memory beyond the panel stays small (10^6 persons x 52 weeks: 2-3 s and 70 MB on a
    2-core machine). On Polars, PyArrow, DuckDB and Spark input without ``weights`` and
    ``outcome_value`` the per (period, arm) counts and sums are one group-by in the engine,
    and the panel's id, period, outcome, arm (and cluster) columns come into Python one
    partition of persons at a time (equal ranges of integer ids, about 2^23 rows each, which
    a Parquet file sorted by person lets the engine read without rescanning it; other ids
    in one piece) for the cross-period covariance. With weights or ``outcome_value`` those
    columns are collected and treated as a pandas panel.

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
    columns = {
        "outcome": outcome,
        "treatment": treatment,
        "id": id,
        "time": time,
        "weights": weights,
        "cluster": cluster,
        "treated_value": treated_value,
        "outcome_value": outcome_value,
        "missing": missing,
    }
    cells, (cov, df, n_clusters, method), binary = _estimate(data, columns, func)
    if weights is not None:
        method += "; weighted"
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
