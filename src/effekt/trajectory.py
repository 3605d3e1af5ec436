"""Effects over time from a long panel: the difference in shares at every week or month.

JobFirst's effect is followed from week 35 (12 % vs 7 % with paid hours) to week 78 and on
to six years; IPS reports weeks in work over 18 months. :func:`effect_over_time` takes a long
register panel (person x period x status) and estimates the effect at each period with
pointwise *and* simultaneous confidence bands: the simultaneous band covers the whole
trajectory with the stated probability, so one can say "the effect is positive from week
20 on" without multiple-testing worries.

Examples
--------
>>> from effekt.synthetic.panels import jobfirst_panel
>>> from effekt.trajectory import effect_over_time
>>> panel = jobfirst_panel(n_persons=1200, weeks=40, seed=1)
>>> tr = effect_over_time(panel, "person", "week", "paid_hours", "jobfirst")
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

from ._validate import (
    argument_error,
    as_column_list,
    check_conf_level,
    check_frame,
    check_number,
    check_weights,
    handle_missing,
    numeric_column,
    quote,
    require_columns,
    two_valued,
)
from .errors import ColumnError, EffektError
from .results import EffectResult, Scale, TestResult, effect_from_normal, format_effect

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["Trajectory", "effect_over_time", "check_panel"]


def check_panel(
    panel: pd.DataFrame,
    id: Hashable,
    time: Hashable,
    func: str,
    *,
    extra: Sequence[Hashable] = (),
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Validate a long panel: columns exist, no missing values, no duplicated rows.

    Returns person codes ``0..P-1`` (row order), the person labels, the numeric times and a
    stable order sorting rows by person, then time (rows need not be sorted). Raises
    :class:`EffektError` when a (person, period) pair occurs twice.

    Examples
    --------
    >>> import pandas as pd
    >>> panel = pd.DataFrame({"person": [1, 1, 2, 2], "week": [1, 2, 1, 2]})
    >>> codes, labels, times, order = check_panel(panel, "person", "week", "example")
    >>> codes.tolist(), labels.tolist()
    ([0, 0, 1, 1], [1, 2])
    """
    check_frame(panel, func, "panel")
    require_columns(panel, func, id=id, time=time, column=list(extra))
    handle_missing(panel, [id, time, *extra], "raise", func)
    values = panel[time]
    if not (pd.api.types.is_numeric_dtype(values) or values.dtype == bool):
        raise ColumnError(
            f"The time column {quote(time)} passed to {func}() must be numeric (week or month "
            f"numbers); it has dtype {values.dtype}. Convert calendar months to numbers first, "
            "e.g. months since the start."
        )
    t = numeric_column(values, time, func, "time")
    codes, labels = pd.factorize(panel[id], sort=True)
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
    return codes, np.asarray(labels), t, order


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


@dataclass(frozen=True)
class Trajectory:
    """Effects at each period with pointwise and simultaneous confidence bands.

    Attributes
    ----------
    frame : DataFrame
        One row per period: ``time, estimate, std_error, ci_low, ci_high, sim_low, sim_high,
        pvalue, mean_treated, mean_control, n_treated, n_control``.
    cov : ndarray
        Joint covariance matrix of the per-period effects (from person- or cluster-level
        influence functions).
    critical_value : float
        Multiplier of the simultaneous band (sup-t or Bonferroni).
    conf_level : float
    simultaneous : str
        ``"sup-t"``, ``"bonferroni"`` or ``"none"``.
    scale : {"proportion", "mean"}
    method : str
    time_name, outcome : str
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

    @property
    def times(self) -> np.ndarray:
        return self.frame["time"].to_numpy()

    def to_frame(self) -> pd.DataFrame:
        """The per-period table (a copy)."""
        return self.frame.copy()

    def at(self, time: float) -> EffectResult:
        """The effect at one period as an :class:`~effekt.results.EffectResult`.

        Examples
        --------
        >>> from effekt.synthetic.panels import jobfirst_panel
        >>> tr = effect_over_time(jobfirst_panel(n_persons=800, weeks=36, seed=2),
        ...                       "person", "week", "paid_hours", "jobfirst")
        >>> tr.at(35).scale
        'proportion'
        """
        idx = np.flatnonzero(self.times == time)
        if len(idx) == 0:
            raise argument_error(
                "Trajectory.at",
                "time",
                f"one of the panel's periods ({self.times[0]:g} to {self.times[-1]:g})",
                time,
            )
        row = self.frame.iloc[int(idx[0])]
        return effect_from_normal(
            float(row["estimate"]),
            float(row["std_error"]),
            self.conf_level,
            df=self.df,
            method=self.method,
            n_treated=int(row["n_treated"]),
            n_control=int(row["n_control"]),
            scale=self.scale,
            mean_treated=float(row["mean_treated"]),
            mean_control=float(row["mean_control"]),
            outcome=self.outcome,
            label=f"{self.time_name} {time:g}",
            unit=self.unit,
        )

    def cumulative(
        self, first: float | None = None, last: float | None = None, *, unit: str | None = None
    ) -> EffectResult:
        """Sum of the per-period effects over ``first..last``: e.g. extra weeks in work.

        For a 0/1 weekly status and a balanced panel this is the effect on the number of weeks
        in the status over the window (the IPS "2.9 more weeks"); its SE uses the joint
        covariance.

        ``unit`` labels the sum; by default it follows the time column: ``"weeks"`` when its
        name contains "week", ``"months"`` for "month", ``"days"`` for "day", ``"years"`` for
        "year", otherwise ``"periods"`` (which :mod:`effekt.fulltime` refuses to convert:
        pass ``unit=`` when the periods are weeks or months under another name).

        Examples
        --------
        >>> from effekt.synthetic.panels import ips_weeks
        >>> panel = ips_weeks(seed=1, long=True, arms=("IPS", "control"))
        >>> tr = effect_over_time(panel, "person", "week", "in_work", "arm", treated_value="IPS",
        ...                       simultaneous=False)
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
        if unit is None:
            unit = _time_unit(self.time_name)
        est = float(self.frame["estimate"].to_numpy()[m].sum())
        se = float(np.sqrt(self.cov[np.ix_(m, m)].sum()))
        f = self.frame[m]
        return effect_from_normal(
            est,
            se,
            self.conf_level,
            df=self.df,
            method=f"sum of per-period effects over {first:g}-{last:g} (joint covariance)",
            scale="mean",
            unit=unit,
            mean_treated=float(f["mean_treated"].sum()),
            mean_control=float(f["mean_control"].sum()),
            n_treated=int(f["n_treated"].max()),
            n_control=int(f["n_control"].max()),
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

    def summary(self) -> str:
        level = f"{round(100 * self.conf_level, 1):g}%"
        f = self.frame
        lines = [
            f"Effect over time on {self.outcome or 'the outcome'}: {len(f)} periods "
            f"({self.time_name} {f['time'].iloc[0]:g} to {f['time'].iloc[-1]:g})",
            f"  method: {self.method}",
        ]
        if self.simultaneous != "none":
            lines.append(
                f"  simultaneous {level} band ({self.simultaneous}): +-{self.critical_value:.2f} SE"
            )
        show = (
            f
            if len(f) <= 12
            else f.iloc[np.unique(np.linspace(0, len(f) - 1, 12).round().astype(int))]
        )
        for row in show.itertuples(index=False):
            lo = format_effect(row.ci_low, self.scale, unit="").replace(" pp", "")
            hi = format_effect(row.ci_high, self.scale, unit=self.unit)
            lines.append(
                f"  {self.time_name} {row.time:>5g}: "
                f"{format_effect(row.estimate, self.scale, unit=self.unit)}"
                f"  ({level} CI {lo} to {hi})"
            )
        wald = self.test_all_zero()
        lines.append(f"  {wald.summary()}")
        lines.extend(f"  note: {n}" for n in self.notes)
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()

    def plot(
        self,
        ax: Axes | None = None,
        *,
        simultaneous: bool = True,
        color: str = "C0",
        label: str | None = None,
    ) -> Axes:
        """Effect by period (percentage points for shares) with pointwise and simultaneous bands.

        Examples
        --------
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> from effekt.synthetic.panels import jobfirst_panel
        >>> tr = effect_over_time(jobfirst_panel(n_persons=600, weeks=20, seed=3),
        ...                       "person", "week", "paid_hours", "jobfirst")
        >>> tr.plot().get_ylabel()
        'Effect (percentage points)'
        """
        from .plots import effect_trajectory

        return effect_trajectory(
            self.frame,
            ax=ax,
            scale=self.scale,
            unit=self.unit,
            simultaneous=simultaneous,
            xlabel=self.time_name,
            color=color,
            label=label,
            conf_level=self.conf_level,
            band_name=self.simultaneous,
        )


def effect_over_time(
    panel: pd.DataFrame,
    id: Hashable,
    time: Hashable,
    status: Hashable,
    treatment: Hashable,
    *,
    weights: Hashable | None = None,
    cluster: Hashable | None = None,
    treated_value: Any = None,
    conf_level: float = 0.95,
    simultaneous: bool | Literal["sup-t", "bonferroni"] = True,
    n_draws: int = 10_000,
    seed: int | None = 0,
) -> Trajectory:
    """The effect (difference in shares or means, treated minus control) at every period.

    Parameters
    ----------
    panel : DataFrame
        Long panel, one row per person and period (in any row order), no duplicated
        (person, period) rows. Unbalanced panels are allowed: each period uses
        the persons observed in it.
    id, time : str
        Person and numeric period (week, month) columns.
    status : str
        Outcome at each period: 0/1 (in job, with paid hours; effects are in percentage
        points) or numeric (hours per week).
    treatment : str
        Two-valued arm column, constant within person.
    weights : str, optional
        Person weights (matching weights), constant within person.
    cluster : str, optional
        Cluster (municipality, job centre) constant within person; gives cluster-robust
        covariances and t(G - 1) reference distributions.
    treated_value : optional
        Value of ``treatment`` marking the treated arm.
    conf_level : float
    simultaneous : True, "sup-t", "bonferroni" or False
        Simultaneous band over all periods: ``True``/``"sup-t"`` uses the sup-t critical
        value of the joint distribution, ``"bonferroni"`` the Bonferroni quantile.
    n_draws : int
        Gaussian draws for the sup-t critical value.
    seed : int or None
        Seed of those draws (the band is reproducible for a fixed seed).

    Returns
    -------
    Trajectory

    Notes
    -----
    At period t the effect is ``p_1t - p_0t`` with ``p_gt`` the weighted mean status of arm g
    among persons observed at t. Person i's influence on it is
    ``phi_i(t) = +-w_i (y_it - p_gt) / W_gt`` (sign by arm; 0 if unobserved), scaled by
    ``(1 - w_i / W_gt)^{-1/2}`` so that each diagonal element equals the HC2 variance of the
    regression of status on the arm at that period (Welch's variance when unweighted).
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
    >>> tr = effect_over_time(panel, "person", "week", "paid_hours", "jobfirst",
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
    n_draws = int(check_number(n_draws, "n_draws", func, low=100, integer=True))
    extra = [status, treatment, *as_column_list(weights), *as_column_list(cluster)]
    codes, labels, t, _ = check_panel(panel, id, time, func, extra=extra)
    P = len(labels)
    y = numeric_column(panel[status], status, func, "status")
    binary = bool(np.isin(y, (0.0, 1.0)).all())
    arm_p = _person_constant(panel, treatment, codes, P, func, "treatment")
    arm = two_valued(arm_p, treatment, "treatment", func, treated_value)
    if weights is not None:
        wp = _person_constant(panel, weights, codes, P, func, "weights").to_numpy(dtype=float)
        check_weights(wp, weights, func)
    else:
        wp = np.ones(P)
    ut, tinv = np.unique(t, return_inverse=True)
    T = len(ut)
    w_row = wp[codes]
    arm_row = arm[codes]
    obs = w_row > 0
    cell = tinv * 2 + arm_row.astype(np.intp)
    W = np.bincount(cell[obs], weights=w_row[obs], minlength=2 * T).reshape(T, 2)
    N = np.bincount(cell[obs], minlength=2 * T).reshape(T, 2)
    if (N < 2).any():
        k, g = np.argwhere(N < 2)[0]
        raise EffektError(
            f"{func}(): at {quote(time)} {ut[k]:g} the {'treated' if g else 'control'} arm has "
            f"{int(N[k, g])} person(s) with positive weight; each arm needs at least two at every "
            "period. Restrict the "
            "panel to periods where both arms are observed."
        )
    S = np.bincount(cell[obs], weights=(w_row * y)[obs], minlength=2 * T).reshape(T, 2)
    mean = S / W
    est = mean[:, 1] - mean[:, 0]
    Wr = W[tinv, arm_row.astype(np.intp)]
    resid = y - mean[tinv, arm_row.astype(np.intp)]
    sign = np.where(arm_row, 1.0, -1.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        hc2 = 1 / np.sqrt(np.clip(1 - w_row / Wr, 1e-12, None))
    phi_row = np.where(obs, sign * w_row * resid / Wr, 0.0)
    df = None
    n_clusters = None
    if cluster is None:
        phi_row = phi_row * hc2
        Phi = np.zeros((P, T))
        np.add.at(Phi, (codes, tinv), phi_row)
        method = (
            "difference in "
            + ("shares" if binary else "means")
            + " per period; HC2 (Welch) variance"
        )
    else:
        cl = _person_constant(panel, cluster, codes, P, func, "cluster")
        ccodes, clabels = pd.factorize(cl, sort=True)
        G = len(clabels)
        if G < 2:
            raise ColumnError(
                f"The cluster column {quote(cluster)} passed to {func}() has one value; "
                "clustering needs two or more."
            )
        Phi = np.zeros((G, T))
        np.add.at(Phi, (ccodes[codes], tinv), phi_row)
        Nt = N.sum(axis=1)
        Phi *= np.sqrt(G / (G - 1) * (Nt - 1) / (Nt - 2))[None, :]
        df = float(G - 1)
        n_clusters = G
        method = (
            f"difference in {'shares' if binary else 'means'} per period; CR1 cluster-robust "
            "variance "
            f"({G} clusters of {quote(cluster)}), t({G - 1})"
        )
    if weights is not None:
        method += "; weighted"
    cov = Phi.T @ Phi
    se = np.sqrt(np.diag(cov))
    a = 1 - conf_level
    q = stats.norm.ppf(1 - a / 2) if df is None else stats.t.ppf(1 - a / 2, df)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(se > 0, est / se, 0.0)
    p = 2 * (stats.norm.sf(np.abs(z)) if df is None else stats.t.sf(np.abs(z), df))
    if band == "sup-t":
        pos = se > 0
        crit = q
        if pos.any():
            R = cov[np.ix_(pos, pos)] / np.outer(se[pos], se[pos])
            vals, vecs = np.linalg.eigh(R)
            L = vecs * np.sqrt(np.clip(vals, 0, None))
            rng = np.random.default_rng(seed)
            draws = rng.standard_normal((n_draws, L.shape[1])) @ L.T
            crit = max(float(np.quantile(np.abs(draws).max(axis=1), conf_level)), q)
        method += f"; sup-t band ({n_draws} Gaussian draws, seed {seed})"
    elif band == "bonferroni":
        crit = stats.norm.ppf(1 - a / (2 * T)) if df is None else stats.t.ppf(1 - a / (2 * T), df)
        method += "; Bonferroni band"
    else:
        crit = q
    frame = pd.DataFrame(
        {
            "time": ut,
            "estimate": est,
            "std_error": se,
            "ci_low": est - q * se,
            "ci_high": est + q * se,
            "sim_low": est - crit * se,
            "sim_high": est + crit * se,
            "pvalue": p,
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
        outcome=str(status),
        df=df,
        n_clusters=n_clusters,
    )
