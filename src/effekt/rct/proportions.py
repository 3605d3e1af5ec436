"""Differences in proportions for randomised trials: from rows, from counts, from rounded shares.

Three entry points share one vectorised core on counts:

* :func:`difference_in_proportions` takes individual rows (a DataFrame); without
  ``strata``/``cluster``/``covariates`` it reduces them to four counts, so ten million rows
  cost a fraction of a second. ``strata=`` gives the Mantel-Haenszel risk difference,
  ``cluster=`` a linear probability model with CR2 cluster-robust errors and ``covariates=``
  Lin's (2013) interacted regression adjustment.
* :func:`difference_in_proportions_from_counts` takes events and totals per arm, as a
  published note or a register extract gives them.
* :func:`from_reported_shares` takes *rounded* published percentages and returns what holds
  for every count pair consistent with them.

Examples
--------
>>> from effekt.rct import difference_in_proportions_from_counts
>>> r = difference_in_proportions_from_counts(208, 1302, 155, 1291)
>>> print(r.summary().splitlines()[0])
Effect: +4.0 pp (95% CI +1.3 to +6.6 pp), p = 0.004
"""

from __future__ import annotations

import math
import numbers
import warnings
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy import stats

from .. import _validate as V
from .._cells import collect, outcome_flags, treatment_flags
from .._inference import wald, wald_arrays
from .._linear import LinearFit, ols
from ..errors import ColumnError, EffektError, SmallSampleWarning
from ..intervals import (
    agresti_caffo_interval,
    miettinen_nurminen_interval,
    miettinen_nurminen_statistic,
    newcombe_interval,
    wald_diff_interval,
)
from ..language import Note, confidence_label, number, speaks, term
from ..results import (
    EffectResult,
    Result,
    effect_from_normal,
    format_effect,
    format_pvalue,
    format_relative,
)
from ._lin import cells_fit, check_strata_arms, lin_design

__all__ = [
    "difference_in_proportions",
    "difference_in_proportions_from_counts",
    "from_reported_shares",
    "ReportedShares",
    "PROPORTION_METHODS",
]

Method = Literal["newcombe", "wald", "agresti-caffo", "score"]
PROPORTION_METHODS: tuple[str, ...] = ("newcombe", "wald", "agresti-caffo", "score")

#: Boschloo's exact test (scipy) grows with n_treated * n_control: about 2.5 s at 500 per
#: arm, 16 s at 1,000 and over a minute at 2,000 on this project's machine. Beyond this
#: product it is skipped with a note; Fisher's exact p-value is always given.
BOSCHLOO_MAX_PRODUCT = 250_000

#: Largest grid of consistent count pairs that from_reported_shares() evaluates (memory ~1 GB).
MAX_SHARE_PAIRS = 4_000_000

_METHOD_TEXT = {
    "newcombe": (
        "Newcombe hybrid score interval; Pearson chi-square test without continuity correction"
    ),
    "wald": "Wald interval and z test (unpooled standard error)",
    "agresti-caffo": (
        "Agresti-Caffo interval (one event and one non-event added per arm) and its z test"
    ),
    "score": "Miettinen-Nurminen score interval and score test",
}


# --------------------------------------------------------------------------------------------
# The vectorised core on counts
# --------------------------------------------------------------------------------------------


def _count_core(x1, n1, x2, n2, method: str, conf_level: float) -> dict[str, np.ndarray]:
    """Estimate, SE, limits, statistic and p-value for arrays of count pairs (broadcast)."""
    x1, n1, x2, n2 = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (x1, n1, x2, n2)))
    p1, p2 = x1 / n1, x2 / n2
    d = p1 - p2
    se = np.sqrt(p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2)
    if method == "newcombe":
        low, high = newcombe_interval(x1, n1, x2, n2, conf_level)
        pbar = (x1 + x2) / (n1 + n2)
        tested, se_test = d, np.sqrt(pbar * (1 - pbar) * (1 / n1 + 1 / n2))
    elif method == "wald":
        low, high = wald_diff_interval(x1, n1, x2, n2, conf_level)
        tested, se_test = d, se
    elif method == "agresti-caffo":
        low, high = agresti_caffo_interval(x1, n1, x2, n2, conf_level)
        q1, q2 = (x1 + 1) / (n1 + 2), (x2 + 1) / (n2 + 2)
        se = np.sqrt(q1 * (1 - q1) / (n1 + 2) + q2 * (1 - q2) / (n2 + 2))
        tested, se_test = q1 - q2, se
    else:  # score: a standard-normal statistic (restricted-MLE variance), tested as z / 1
        low, high = miettinen_nurminen_interval(x1, n1, x2, n2, conf_level)
        tested = miettinen_nurminen_statistic(x1, n1, x2, n2, 0.0)
        se_test = np.ones_like(tested)
    z = _safe_ratio(tested, se_test)
    pvalue = wald_arrays(tested, se_test, conf_level)[2]
    return {
        "estimate": d,
        "std_error": se,
        "low": low,
        "high": high,
        "statistic": z,
        "pvalue": pvalue,
    }


def _safe_ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """num/den; 0 where both vanish (identical arms at 0/n or n/n), ±inf where only den does."""
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(den > 0, num / np.where(den > 0, den, 1.0), np.copysign(np.inf, num))
    return np.where(np.abs(num) <= 1e-15, 0.0, out)


def _katz_relative_change(x1, n1, x2, n2, conf_level: float):
    """Risk ratio - 1 and its log (Katz) interval; limits None where a count is zero."""
    if x2 == 0:
        return None, None
    rr = (x1 / n1) / (x2 / n2)
    if x1 == 0:
        return rr - 1, None
    if x1 == n1 and x2 == n2:
        # every unit has the event in both arms: the Katz variance is 0 and no interval exists
        return rr - 1, None
    s = math.sqrt(1 / x1 - 1 / n1 + 1 / x2 - 1 / n2)
    return rr - 1, _exp_interval_minus_one(math.log(rr), s, conf_level)


def _exp_interval_minus_one(
    log_ratio: float, std_error: float, conf_level: float
) -> tuple[float, float]:
    """A ratio's Wald interval on the log scale, back-transformed to ratio - 1."""
    low, high = wald(log_ratio, std_error, conf_level).ci
    return math.exp(low) - 1, math.exp(high) - 1


def _small_sample(x1, n1, x2, n2) -> bool:
    """Any expected cell under H0 below 5, or an arm with 0 or all events (vectorised: any)."""
    x1, n1, x2, n2 = (np.asarray(v, dtype=float) for v in (x1, n1, x2, n2))
    pbar = (x1 + x2) / (n1 + n2)
    expected = np.stack(np.broadcast_arrays(n1 * pbar, n1 * (1 - pbar), n2 * pbar, n2 * (1 - pbar)))
    extreme = (x1 == 0) | (x1 == n1) | (x2 == 0) | (x2 == n2)
    return bool((expected < 5).any() or np.any(extreme))


def _exact_pvalues(x1: int, n1: int, x2: int, n2: int) -> tuple[dict[str, float], list[str]]:
    table = np.array([[x1, n1 - x1], [x2, n2 - x2]])
    extra = {"pvalue_fisher": float(stats.fisher_exact(table).pvalue)}
    notes: list[str] = []
    if n1 * n2 <= BOSCHLOO_MAX_PRODUCT:
        extra["pvalue_boschloo"] = float(min(1.0, stats.boschloo_exact(table).pvalue))
    else:
        extra["pvalue_boschloo"] = float("nan")
        notes.append(
            Note(
                "Boschloo's exact test skipped: arms of {n1} and {n2} exceed the cap "
                "n_treated * n_control <= {cap} (it would take from tens of seconds to "
                "minutes); at these sizes Fisher's and the asymptotic p-values agree closely.",
                n1=f"{n1:,}",
                n2=f"{n2:,}",
                cap=f"{BOSCHLOO_MAX_PRODUCT:,}",
            )
        )
    return extra, notes


def _from_counts(
    x1: int,
    n1: int,
    x2: int,
    n2: int,
    *,
    method: str,
    conf_level: float,
    exact_test: bool,
    outcome: str | None = None,
    func: str,
) -> EffectResult:
    if method == "wald" and _small_sample(x1, n1, x2, n2):
        warnings.warn(
            f"{func}(): the Wald interval is unreliable with these counts ({x1}/{n1} vs {x2}/{n2}: "
            "an expected cell below 5 or an arm with 0 or all events); "
            "use method='newcombe' or 'score'.",
            SmallSampleWarning,
            stacklevel=3,
        )
    core = _count_core(x1, n1, x2, n2, method, conf_level)
    rel, rel_ci = _katz_relative_change(x1, n1, x2, n2, conf_level)
    extra: dict[str, float] = {}
    notes: list[str] = []
    if exact_test:
        extra, notes = _exact_pvalues(x1, n1, x2, n2)
    if x1 + x2 in (0, n1 + n2):
        notes.append(
            Note("every unit has the same outcome: the test statistic is 0 and p = 1 by convention")
        )
    return EffectResult(
        estimate=float(core["estimate"]),
        std_error=float(core["std_error"]),
        ci=(float(core["low"]), float(core["high"])),
        pvalue=float(core["pvalue"]),
        method=_METHOD_TEXT[method],
        conf_level=conf_level,
        n_treated=n1,
        n_control=n2,
        scale="proportion",
        mean_treated=x1 / n1,
        mean_control=x2 / n2,
        relative_change=rel,
        relative_change_ci=rel_ci,
        statistic=float(core["statistic"]),
        outcome=outcome,
        extra=extra,
        notes=tuple(notes),
    )


def difference_in_proportions_from_counts(
    events_treated: int,
    n_treated: int,
    events_control: int,
    n_control: int,
    *,
    method: Method = "newcombe",
    conf_level: float = 0.95,
    exact_test: bool = False,
) -> EffectResult:
    """Difference in proportions ``p_t - p_c`` from events and totals per arm.

    Parameters
    ----------
    events_treated, n_treated : int
        Units with the outcome, and all units, in the treatment group.
    events_control, n_control : int
        The same in the control group.
    method : {"newcombe", "wald", "agresti-caffo", "score"}
        Interval and matching two-sided test (see Notes). Default ``"newcombe"``.
    conf_level : float
        Confidence level, default 0.95.
    exact_test : bool
        Also compute Fisher's and Boschloo's exact p-values (``extra["pvalue_fisher"]``,
        ``extra["pvalue_boschloo"]``). Boschloo's test is skipped (``nan`` and a note) when
        ``n_treated * n_control`` exceeds ``BOSCHLOO_MAX_PRODUCT`` (250,000, e.g. 500 per
        arm), where it would take from tens of seconds to minutes.

    Returns
    -------
    EffectResult
        ``estimate`` (a fraction), ``ci``, ``pvalue``, ``std_error`` (the unpooled Wald SE;
        Agresti-Caffo: the SE of the adjusted difference), ``statistic`` (z),
        ``relative_change`` (``p_t/p_c - 1``) with a log-risk-ratio (Katz) interval where
        both arms have events.

    Notes
    -----
    * ``"newcombe"`` (default): hybrid Wilson score interval, Newcombe (1998) method 10;
      p-value from the Pearson chi-square test without continuity correction,
      ``z = d / sqrt(p(1-p)(1/n_t + 1/n_c))`` with the pooled ``p``
      (R ``prop.test(correct=FALSE)``).
    * ``"wald"``: ``d ± z SE`` with the unpooled SE and ``z = d/SE``. Emits
      :class:`~effekt.errors.SmallSampleWarning` when an expected cell is below 5 or an arm has
      0 or all events.
    * ``"agresti-caffo"``: Wald on ``(x+1)/(n+2)`` in each arm; the test uses the same ``z``.
    * ``"score"``: Miettinen-Nurminen score interval, computed by inverting the score test
      (never fails on valid counts, including 0/n and n/n), and the score test of ``d = 0``.

    When every unit has the same outcome the test statistic is 0/0; it is set to 0 (p = 1).

    References
    ----------
    Newcombe, R. G. (1998). *Statistics in Medicine* 17, 873-890.
    Miettinen, O. & Nurminen, M. (1985). *Statistics in Medicine* 4, 213-226.
    Agresti, A. & Caffo, B. (2000). *The American Statistician* 54, 280-288.

    Examples
    --------
    Mentorforsøget: 16 % vs 12 % in education (208 of 1,302 vs 155 of 1,291).

    >>> r = difference_in_proportions_from_counts(208, 1302, 155, 1291)
    >>> round(r.estimate, 4), tuple(round(v, 4) for v in r.ci), round(r.pvalue, 4)
    (0.0397, (0.013, 0.0664), 0.0036)
    >>> round(r.relative_change, 2)
    0.33
    >>> s = difference_in_proportions_from_counts(5, 56, 0, 29, method="score")
    >>> tuple(round(v, 4) for v in s.ci)
    (-0.0326, 0.1933)
    """
    func = "difference_in_proportions_from_counts"
    V.check_choice(method, "method", func, PROPORTION_METHODS)
    conf_level = V.check_conf_level(conf_level, func)
    if not isinstance(exact_test, (bool, np.bool_)):
        raise V.argument_error(func, "exact_test", "True or False", exact_test)
    x1, n1 = V.check_counts(events_treated, n_treated, "events_treated", "n_treated", func)
    x2, n2 = V.check_counts(events_control, n_control, "events_control", "n_control", func)
    return _from_counts(
        x1, n1, x2, n2, method=method, conf_level=conf_level, exact_test=bool(exact_test), func=func
    )


# --------------------------------------------------------------------------------------------
# From rows
# --------------------------------------------------------------------------------------------


def difference_in_proportions(
    data: pd.DataFrame,
    outcome: Hashable,
    treatment: Hashable,
    *,
    treated_value: Any = None,
    outcome_value: Any = None,
    method: Method = "newcombe",
    conf_level: float = 0.95,
    strata: Hashable | None = None,
    cluster: Hashable | None = None,
    covariates: Sequence[Hashable] | Hashable | None = None,
    exact_test: bool = False,
    missing: Literal["raise", "drop"] = "raise",
) -> EffectResult:
    """Effect of a randomised treatment on a binary outcome, from individual rows.

    Parameters
    ----------
    data : DataFrame
        One row per person: a pandas, Polars (eager or lazy) or PyArrow DataFrame, a DuckDB
        relation or a PySpark DataFrame. It is never modified.
    outcome : column name
        Binary outcome coded 0/1 or False/True, or any two values with ``outcome_value``
        naming the one that counts (``"Ja"`` in a column of "Ja"/"Nej").
    treatment : column name
        Two-valued assignment; 0/1 or boolean (True = treated), or any two values with
        ``treated_value`` naming the treated one.
    treated_value : optional
        The value of ``treatment`` that marks the treatment group.
    outcome_value : optional
        The value of ``outcome`` that means the outcome happened (``"Ja"``), for an outcome
        not coded 0/1.
    method : {"newcombe", "wald", "agresti-caffo", "score"}
        Interval and test for the unadjusted comparison (see
        :func:`difference_in_proportions_from_counts`). With ``strata``, ``cluster`` or
        ``covariates`` the interval is Wald-type as described under Notes, whatever ``method``.
    conf_level : float
        Confidence level, default 0.95.
    strata : column name, optional
        Randomisation strata (e.g. job centre): Mantel-Haenszel risk difference.
    cluster : column name, optional
        Unit of randomisation when whole clusters were randomised (e.g. municipality):
        cluster-robust (CR2) standard errors with ``t(G - 1)``.
    covariates : column name or list, optional
        Baseline covariates for regression adjustment (Lin 2013); categorical columns become
        dummies.
    exact_test : bool
        Add Fisher's and Boschloo's exact p-values (unadjusted analysis only).
    missing : {"raise", "drop"}
        Missing values in any used column raise (default) or their rows are dropped with a
        :class:`~effekt.errors.DroppedRowsWarning`.

    Returns
    -------
    EffectResult

    Notes
    -----
    **Scaling.** Without ``covariates`` the rows are reduced to counts per cell
    (treatment x outcome [x stratum] [x cluster]) by a group-by in the data's own engine
    (pandas: one bincount pass); only the cells reach Python, so memory does not grow with
    the rows: 10^7 DuckDB rows take a few seconds. The clustered fit is computed from the
    cells exactly (its CR2 covariance needs only per-cluster sums, see
    :func:`effekt.rct._lin.cells_fit`). With ``covariates`` (Lin's adjustment, HC2 needs
    every row's leverage) the analysis is unit-level: only the used columns are collected
    into memory, about ``8 x rows x columns`` bytes.

    **Minimum information** (enforced; fewer raise :class:`~effekt.errors.EffektError`):
    with ``cluster=`` each arm must span at least 2 clusters; with ``strata=`` and fewer than
    10 strata every stratum needs at least 2 units in each arm (Sato's variance is consistent
    when strata are large or numerous, so many 1:1 strata such as matched pairs are fine);
    with ``covariates=`` each arm
    needs at least (covariate columns + 2) rows, no row may have leverage 1, the outcome may
    not be a covariate and the covariates may not reproduce the outcome exactly.

    **Unadjusted** (default): the rows are reduced to four counts (events and totals per arm)
    and analysed as in :func:`difference_in_proportions_from_counts`.

    **strata=**: the Mantel-Haenszel risk difference with Greenland-Robins weights
    ``w_k = n_tk n_ck / N_k``, ``RD = sum_k (a_k n_ck - c_k n_tk)/N_k / sum_k w_k`` (``a_k``,
    ``c_k`` the events among treated and controls in stratum ``k``), with Sato's (1989)
    variance ``(RD sum P_k + sum Q_k) / (sum w_k)^2``,
    ``P_k = (n_tk^2 c_k - n_ck^2 a_k + n_tk n_ck (n_ck - n_tk)/2) / N_k^2``,
    ``Q_k = (a_k (n_ck - c_k) + c_k (n_tk - a_k)) / (2 N_k)``. It is consistent both for many
    small strata and for few large ones; interval ``RD ± z SE`` and z test. The relative
    change is the Mantel-Haenszel risk ratio minus one, with the Greenland-Robins (1985)
    variance of its logarithm. ``mean_treated`` and ``mean_control`` are the shares
    standardised with the weights ``w_k`` (``sum_k w_k a_k/n_tk / sum_k w_k`` and likewise for
    controls): their difference is the MH risk difference and their ratio the MH risk ratio.
    Every stratum must hold both arms.

    **cluster=**: the linear probability model ``y ~ 1 + T`` (plus centred stratum dummies
    when ``strata`` is also given) by least squares with the Bell-McCaffrey CR2
    cluster-robust covariance and a ``t`` reference distribution with ``G - 1`` degrees of
    freedom (``G`` clusters), which holds its size with as few as 10-20 clusters (Cameron &
    Miller 2015; JobFirst randomised 15 municipalities). At least two clusters are needed.
    *Estimand with* ``strata=`` *and* ``cluster=`` *(no covariates)*: the stratum dummies
    enter additively (not interacted with treatment), so the effect is the
    precision-weighted average of the within-stratum differences, weights
    ``n_s p_s (1 - p_s)`` (``p_s`` the share treated in stratum ``s``). It equals the
    size-weighted average effect when the share treated is the same in every stratum or the
    effect does not vary between strata; otherwise it differs from
    :func:`~effekt.rct.difference_in_means` with the same options, which interacts the
    stratum dummies with treatment and gives the size-weighted average (weights ``n_s/n``).

    **covariates=**: Lin's (2013) estimator ``y ~ 1 + T + Xc + T * Xc`` with every covariate
    centred at its full-sample mean (stratum dummies join the covariates when ``strata`` is
    given), HC2 standard errors and ``t(n - p)``; CR2 and ``t(G - 1)`` with ``cluster``.
    The treatment coefficient is the covariate-adjusted average effect.

    For the regression estimators ``mean_control`` is the intercept (the adjusted control
    share) and ``mean_treated`` the intercept plus the effect; the relative change's interval
    is by the delta method.

    References
    ----------
    Greenland, S. & Robins, J. M. (1985). Estimation of a common effect parameter from sparse
    follow-up data. *Biometrics* 41, 55-68.
    Sato, T. (1989). On the variance estimator for the Mantel-Haenszel risk difference.
    *Biometrics* 45, 1323-1324.
    Bell, R. M. & McCaffrey, D. F. (2002). *Survey Methodology* 28, 169-181.
    Lin, W. (2013). Agnostic notes on regression adjustments to experimental data.
    *Annals of Applied Statistics* 7, 295-318.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> df = pd.DataFrame({"mentor": np.repeat([1, 0], [1302, 1291]),
    ...                    "education": np.r_[np.repeat([1, 0], [208, 1094]),
    ...                                       np.repeat([1, 0], [155, 1136])]})
    >>> r = difference_in_proportions(df, "education", "mentor")
    >>> round(100 * r.estimate, 1), round(r.pvalue, 4)
    (4.0, 0.0036)
    >>> df["centre"] = np.arange(len(df)) % 13
    >>> s = difference_in_proportions(df, "education", "mentor", strata="centre")
    >>> round(100 * s.estimate, 1)
    4.0
    """
    func = "difference_in_proportions"
    V.check_choice(method, "method", func, PROPORTION_METHODS)
    conf_level = V.check_conf_level(conf_level, func)
    if not isinstance(exact_test, (bool, np.bool_)):
        raise V.argument_error(func, "exact_test", "True or False", exact_test)
    covs = V.as_column_list(covariates)
    V.check_not_outcome(outcome, covs, "covariates", func)
    for argument, column in (("treatment", treatment), ("strata", strata), ("cluster", cluster)):
        V.check_column_name(column, argument, func)
    for argument, column in (
        ("strata", strata),
        ("cluster", cluster),
        *(("covariates", c) for c in covs),
    ):
        if column is not None and column in (outcome, treatment):
            raise EffektError(
                f"The column {column!r} given as '{argument}' to {func}() is also the outcome or "
                "the treatment; pass a different column."
            )
    adjusted = strata is not None or cluster is not None or bool(covs)
    roles: dict[str, Any] = dict(
        outcome=outcome, treatment=treatment, strata=strata, cluster=cluster
    )
    if covs:  # Lin's adjustment needs the rows: only the used columns are collected
        frame = V.check_frame(data, func, **roles, covariates=covs)
        used = [outcome, treatment, *V.as_column_list(strata), *V.as_column_list(cluster)]
        frame = V.handle_missing(frame, [*used, *covs], missing, func)
        t = V.two_valued(frame[treatment], treatment, "treatment", func, treated_value)
        y = V.binary_outcome(frame[outcome], outcome, func, outcome_value=outcome_value)
        _refuse_exact(exact_test, func)
        fit = _unit_fit(frame, y, t, strata, cluster, covs, func)
        result = _regression_result(
            fit, covs, strata, int(t.sum()), int(len(t) - t.sum()), conf_level, str(outcome)
        )
    else:
        cells = collect(data, func, keys=roles, missing=missing)
        t = treatment_flags(cells, treatment, func, treated_value)
        y = outcome_flags(cells, outcome, func, outcome_value)
        if exact_test and adjusted:
            _refuse_exact(exact_test, func)
        result = _from_cells(
            cells, t, y, strata, cluster, method, conf_level, exact_test, str(outcome), func
        )
    if adjusted and method != "newcombe":
        note = Note(
            "method={method} applies to unadjusted comparisons; with strata=, cluster= or "
            "covariates= the interval is the Wald-type one named in 'method'",
            method=repr(method),
        )
        result = replace(result, notes=(*result.notes, note))
    return result


def _refuse_exact(exact_test: bool, func: str) -> None:
    if exact_test:
        raise EffektError(
            f"The 'exact_test' argument of {func}() applies to the unadjusted comparison "
            "only; drop strata=, cluster= and covariates=, or pass exact_test=False."
        )


def _from_cells(
    cells: pd.DataFrame,
    t: np.ndarray,
    y: np.ndarray,
    strata: Hashable | None,
    cluster: Hashable | None,
    method: str,
    conf_level: float,
    exact_test: bool,
    outcome: str,
    func: str,
) -> EffectResult:
    """The estimate from the cells (treatment x outcome [x strata] [x cluster]) and their n."""
    n = cells["n"].to_numpy()
    events = n * y
    if strata is None and cluster is None:
        return _from_counts(
            int(round(events[t].sum())),
            int(round(n[t].sum())),
            int(round(events[~t].sum())),
            int(round(n[~t].sum())),
            method=method,
            conf_level=conf_level,
            exact_test=bool(exact_test),
            outcome=outcome,
            func=func,
        )
    if cluster is None:
        codes, labels = V.group_codes(cells["strata"], strata, "strata", func)
        K = len(labels)
        idx = codes * 2 + t.astype(np.intp)
        counts = np.bincount(idx, weights=n, minlength=2 * K).reshape(K, 2)
        ev = np.bincount(idx, weights=events, minlength=2 * K).reshape(K, 2)
        return _mantel_haenszel(counts, ev, labels, strata, conf_level, outcome, func)
    fit = cells_fit(cells, t, events, strata, cluster, func, interact=False)
    n_t = int(round(n[t].sum()))
    return _regression_result(fit, [], strata, n_t, int(round(n.sum())) - n_t, conf_level, outcome)


#: Sato's variance is consistent when strata are large or when they are many (sparse-data
#: limit, e.g. matched pairs); below this many strata each stratum needs two units per arm.
MIN_SPARSE_STRATA = 10


def _mantel_haenszel(n, ev, labels, column, conf_level, outcome, func) -> EffectResult:
    """Mantel-Haenszel from events ``ev`` and sizes ``n`` per stratum (rows) and arm (control, treated)."""
    K = len(labels)
    n_c, n_t = n[:, 0], n[:, 1]
    c, a = ev[:, 0], ev[:, 1]
    check_strata_arms(n_t, n_c, labels, column, func)
    small = (n_t < 2) | (n_c < 2)
    if small.any() and K < MIN_SPARSE_STRATA:
        k = int(np.flatnonzero(small)[0])
        raise ColumnError(
            f"Stratum {labels[k]!r} of the strata column {column!r} passed to {func}() has "
            f"{int(n_t[k])} treated and {int(n_c[k])} control units; with fewer than "
            f"{MIN_SPARSE_STRATA} strata every stratum needs at least two in each arm (with one, "
            "Sato's variance treats that unit's outcome as known and the p-value is far too "
            "small). Merge small strata with neighbours."
        )
    N = n_t + n_c
    w = n_t * n_c / N
    rd = float(np.sum((a * n_c - c * n_t) / N) / w.sum())
    P = (n_t**2 * c - n_c**2 * a + n_t * n_c * (n_c - n_t) / 2) / N**2
    Q = (a * (n_c - c) + c * (n_t - a)) / (2 * N)
    var = (rd * P.sum() + Q.sum()) / w.sum() ** 2
    se = math.sqrt(max(var, 0.0))
    # Mantel-Haenszel risk ratio with the Greenland-Robins variance of its log.
    R, S = np.sum(a * n_c / N), np.sum(c * n_t / N)
    rel, rel_ci = None, None
    if S > 0:
        rel = R / S - 1
        if R > 0:
            pos = np.sum(n_t * n_c * (a + c) / N**2)
            num = pos - np.sum(a * c / N)
            # num = 0 when every unit has the event in every stratum: no interval exists
            if num > 1e-12 * pos:
                s = math.sqrt(num / (R * S))
                rel_ci = _exp_interval_minus_one(math.log(R / S), s, conf_level)
    return effect_from_normal(
        rd,
        se,
        conf_level,
        scale="proportion",
        method=f"Mantel-Haenszel risk difference over {K} strata, Sato variance; z test",
        n_treated=int(n_t.sum()),
        n_control=int(n_c.sum()),
        # MH-weighted (standardised) shares: their difference is RD and their ratio RR_MH
        mean_treated=float(R / w.sum()),
        mean_control=float(S / w.sum()),
        relative_change=rel,
        relative_change_ci=rel_ci,
        outcome=outcome,
        notes=(
            Note(
                "shares are standardised with the Mantel-Haenszel weights n_t n_c / N of each "
                "stratum (their difference is the effect, their ratio the MH risk ratio)"
            ),
        ),
    )


def _unit_fit(frame, y, t, strata, cluster, covs, func) -> LinearFit:
    """Lin's (2013) regression on the rows: HC2, or CR2 with ``cluster``."""
    # Lin (2013): interact the centred covariates (and strata) with treatment.
    X = lin_design(frame, t, strata, covs, func, interact=True)
    if cluster is not None:
        ccodes, _ = V.group_codes(frame[cluster], cluster, "cluster", func, min_groups=2)
        V.check_clusters_per_arm(ccodes, t, cluster, func)
        return ols(X, y, cov_type="CR2", cluster=ccodes, exact_fit=False)
    return ols(X, y, cov_type="HC2", exact_fit=False)


def _regression_result(fit, covs, strata, n_t, n_c, conf_level, outcome) -> EffectResult:
    if fit.cov_type == "CR2":
        how = f"CR2 cluster-robust SE over {fit.n_clusters} clusters, t({int(fit.df_resid)})"
    else:
        how = f"HC2 SE, t({int(fit.df_resid)})"
    est, se, _, _, _ = fit.test(1, conf_level)
    model = (
        "Lin (2013) regression adjustment for " + ", ".join(map(str, covs))
        if covs
        else "linear probability model"
    )
    if strata is not None:
        model += f" with {strata!r} stratum dummies"
    b0, b1 = float(fit.params[0]), float(fit.params[1])
    rel, rel_ci = None, None
    if b0 > 0:
        rel = b1 / b0
        g = np.array([-b1 / b0**2, 1 / b0])
        s = float(np.sqrt(g @ fit.cov[:2, :2] @ g))
        rel_ci = wald(rel, s, conf_level, fit.df_resid).ci
    return effect_from_normal(
        est,
        se,
        conf_level,
        df=fit.df_resid,
        scale="proportion",
        method=f"{model}; {how}",
        n_treated=n_t,
        n_control=n_c,
        mean_treated=b0 + b1,
        mean_control=b0,
        relative_change=rel,
        relative_change_ci=rel_ci,
        outcome=outcome,
    )


# --------------------------------------------------------------------------------------------
# From rounded published shares
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportedShares(Result):
    """What holds for every count pair consistent with two rounded published shares.

    Attributes
    ----------
    events_treated_range, events_control_range : tuple of int
        Inclusive ranges of event counts whose percentages round to the published ones.
    estimate_range : tuple of float
        Smallest and largest difference ``p_t - p_c`` over all consistent pairs.
    ci : tuple of float
        The union of the intervals: the lowest lower limit and the highest upper limit.
    pvalue_range : tuple of float
        Smallest and largest p-value.
    significant_for_all, significant_for_any : bool
        Whether the confidence interval excludes 0 for every / for some consistent pair
        (the definition of :attr:`effekt.results.EffectResult.significant`). The per-pair
        p-value verdict ``p < 1 - conf_level`` is the ``pvalue_below_alpha`` column of
        :meth:`to_frame`; :attr:`n_disagree` counts the pairs where the two differ.
    relative_change_range : tuple of float
        Smallest and largest ``p_t/p_c - 1`` (``nan`` if the control share can be 0).
    relative_change_consistent : bool or None
        ``None`` without ``reported_relative_change``; otherwise whether some consistent
        pair's relative change rounds to the reported one.

    Examples
    --------
    >>> from effekt.rct import from_reported_shares
    >>> job = from_reported_shares(0.07, 1302, 0.05, 1291, reported_relative_change=0.40)
    >>> job.significant_for_all, job.significant_for_any
    (False, True)
    >>> job.to_frame().shape[0] == job.n_pairs
    True
    >>> print(job.summary().splitlines()[1])
      consistent events: treated 85-97, control 59-71 (169 pairs)
    """

    share_treated: float
    n_treated: int
    share_control: float
    n_control: int
    decimals: int
    conf_level: float
    method: str
    events_treated_range: tuple[int, int]
    events_control_range: tuple[int, int]
    estimate_range: tuple[float, float]
    ci: tuple[float, float]
    pvalue_range: tuple[float, float]
    significant_for_all: bool
    significant_for_any: bool
    relative_change_range: tuple[float, float]
    relative_change_consistent: bool | None
    reported_relative_change: float | None = None
    relative_change_decimals: int = 0
    pairs: pd.DataFrame = field(default=None, repr=False, compare=False)  # type: ignore[assignment]

    @property
    def n_pairs(self) -> int:
        """Number of consistent (events_treated, events_control) pairs."""
        return len(self.pairs)

    @property
    def n_disagree(self) -> int:
        """Number of pairs whose interval and p-value give different verdicts."""
        return int((self.pairs["significant"] != self.pairs["pvalue_below_alpha"]).sum())

    def to_frame(self) -> pd.DataFrame:
        """One row per consistent count pair: counts, estimate, CI, p-value, relative change."""
        return self.pairs.copy()

    @speaks
    def summary(self) -> str:
        """Readable text: the ranges and the conclusions that hold for every consistent count.

        Numbers follow ``language=``; the sentences are English until their terms are added
        to :data:`effekt.language.TERMS`.
        """
        level = confidence_label(self.conf_level)
        d = self.decimals
        et, ec = self.events_treated_range, self.events_control_range
        to = term("to")
        lines = [
            term("Reported {treated} of {n_treated} vs {control} of {n_control}").format(
                treated=f"{number(100 * self.share_treated, d)} %",
                n_treated=number(self.n_treated, 0),
                control=f"{number(100 * self.share_control, d)} %",
                n_control=number(self.n_control, 0),
            )
            + " ("
            + term("rounded to {d} decimals").format(d=d).replace("1 decimals", "1 decimal")
            + ")",
            f"  {term('consistent events')}: {term('treated')} {et[0]}-{et[1]}, "
            f"{term('control')} {ec[0]}-{ec[1]} ({self.n_pairs} {term('pairs')})",
            f"  {term('effect')}: {format_effect(self.estimate_range[0], 'proportion')} {to} "
            f"{format_effect(self.estimate_range[1], 'proportion')}",
            f"  {level} {term('over all pairs')}: {format_effect(self.ci[0], 'proportion')} {to} "
            f"{format_effect(self.ci[1], 'proportion')}",
            f"  {term('p-value')}: {self._pvalue_text()}",
            f"  {term(self._significance_text())}",
            f"  {term('relative change')}: {format_relative(self.relative_change_range[0])} {to} "
            f"{format_relative(self.relative_change_range[1])}",
        ]
        lines.extend(f"  {term('note')}: {n}" for n in self._disagree_notes())
        if self.relative_change_consistent is not None:
            rc = format_relative(self.reported_relative_change, self.relative_change_decimals)
            verdict = (
                "consistent with" if self.relative_change_consistent else "NOT consistent with"
            )
            lines.append(f"  reported relative change {rc} is {verdict} the rounded shares")
        lines.append(f"  {term('method')}: {term(_METHOD_TEXT[self.method])}")
        return "\n".join(lines)

    def _pvalue_text(self) -> str:
        low, high = (format_pvalue(p).removeprefix("p ") for p in self.pvalue_range)
        return f"{low} {term('to')} {high}".replace("= ", "")

    def _significance_text(self) -> str:
        if self.significant_for_all:
            return "significant for every consistent count pair"
        if self.significant_for_any:
            return "significant for some consistent count pairs only"
        return "not significant for any consistent count pair"

    def _disagree_notes(self) -> tuple[str, ...]:
        if not self.n_disagree:
            return ()
        level = f"{round(100 * self.conf_level, 1):g}%"
        return (
            f"for {self.n_disagree} of {self.n_pairs} pairs the {level} CI and the "
            "p-value disagree about 0; significance here means the CI excludes 0",
        )

    def _html_frame(self) -> pd.DataFrame:
        """The ranges over all consistent count pairs, one row per quantity."""
        level = f"{round(100 * self.conf_level, 1):g}%"
        et, ec = self.events_treated_range, self.events_control_range
        lo, hi = (format_effect(v, "proportion") for v in self.estimate_range)
        ci_lo, ci_hi = (format_effect(v, "proportion") for v in self.ci)
        rows = [
            ("consistent events, treated", f"{et[0]}-{et[1]} of {self.n_treated:,}"),
            ("consistent events, control", f"{ec[0]}-{ec[1]} of {self.n_control:,}"),
            ("count pairs", f"{self.n_pairs:,}"),
            ("effect", f"{lo} to {hi}"),
            (f"{level} CI over all pairs", f"{ci_lo} to {ci_hi}"),
            ("p-value", self._pvalue_text()),
            ("significance (CI excludes 0)", self._significance_text()),
            (
                "relative change",
                f"{format_relative(self.relative_change_range[0])} to "
                f"{format_relative(self.relative_change_range[1])}",
            ),
        ]
        if self.relative_change_consistent is not None:
            rc = format_relative(self.reported_relative_change, self.relative_change_decimals)
            answer = "yes" if self.relative_change_consistent else "no"
            rows.append((f"reported relative change {rc} consistent", answer))
        rows.append(("method", _METHOD_TEXT[self.method]))
        return pd.DataFrame(rows, columns=["quantity", "value"])

    def _html_notes(self) -> tuple[str, ...]:
        return self._disagree_notes()


def _rounded_percent_code(value: float, argument: str, decimals: int, func: str) -> int:
    """The published percentage as an integer in units of 10^-decimals percent."""
    k = value * 100 * 10**decimals
    if abs(k - round(k)) > 1e-6 * max(1.0, abs(k)):
        raise EffektError(
            f"The '{argument}' argument of {func}() is {value!r}, which has more digits than a "
            f"percentage rounded to decimals={decimals}; pass the published figure (e.g. 0.16 for "
            "'16 %') or raise decimals."
        )
    return int(round(k))


def _event_range(k: int, n: int, decimals: int, argument: str, func: str) -> tuple[int, int]:
    """Inclusive range of e with 100 e/n in [(k - 1/2), (k + 1/2)] * 10^-decimals (exactly).

    The interval is closed at both ends, so that a share exactly halfway between two
    published values counts for both (round-half-up, round-half-even as in R and Python).
    """
    den = 200 * 10**decimals
    lo = max(0, -(-(2 * k - 1) * n // den))
    hi = min(n, (2 * k + 1) * n // den)
    if lo > hi:
        raise EffektError(
            f"The '{argument}' argument of {func}(): no count out of {n:,} rounds to "
            f"{k / 10**decimals:g} %; check the share, the group size and decimals."
        )
    return lo, hi


def _check_int(value: Any, argument: str, func: str, low: int, high: int) -> int:
    if (
        isinstance(value, bool)
        or not isinstance(value, numbers.Integral)
        or not low <= int(value) <= high
    ):
        raise V.argument_error(func, argument, f"an integer from {low} to {high}", value)
    return int(value)


def from_reported_shares(
    share_treated: float,
    n_treated: int,
    share_control: float,
    n_control: int,
    *,
    decimals: int = 0,
    reported_relative_change: float | None = None,
    relative_change_decimals: int = 0,
    conf_level: float = 0.95,
    method: Method = "newcombe",
) -> ReportedShares:
    """Reanalyse a trial from rounded published percentages: what holds for every consistent count.

    Published notes give "16 % vs 12 %", not counts. With ``decimals=0`` a published 16 %
    means an observed share in [15.5 %, 16.5 %]; every event count in that range is
    consistent. The range is closed at both ends because the rounding rule of the
    publication is unknown: 16.5 % rounds to 17 % half-up but to 16 % half-to-even (R's
    ``round``, Python's ``round``), so a share exactly halfway is kept for both neighbours.
    This is conservative: it can only add consistent pairs. The interval and p-value are computed for every consistent pair of counts
    (vectorised over the grid) and summarised: the union of the intervals, the range of
    p-values, and whether the effect is significant for all or only for some pairs.

    Parameters
    ----------
    share_treated, share_control : float
        Published shares as fractions (0.16 for "16 %").
    n_treated, n_control : int
        Group sizes.
    decimals : int
        Decimals of the published *percentages* (0 for "16 %", 1 for "16.3 %").
    reported_relative_change : float, optional
        A published relative change as a fraction (0.30 for "a 30 % rise").
    relative_change_decimals : int
        Decimals of the published relative change in percent (0 for "30 %").
    conf_level : float
        Confidence level, default 0.95.
    method : {"newcombe", "wald", "agresti-caffo", "score"}
        Interval and test per count pair, as in :func:`difference_in_proportions_from_counts`.

    Returns
    -------
    ReportedShares

    Notes
    -----
    Counts ``e`` consistent with a percentage ``K`` published to ``d`` decimals satisfy
    ``(K - 1/2) 10^-d <= 100 e / n <= (K + 1/2) 10^-d``, solved in exact integer arithmetic.
    A relative change ``R`` (in percent, ``r`` decimals) is consistent when some pair has
    ``(R - 1/2) 10^-r <= 100 (p_t/p_c - 1) <= (R + 1/2) 10^-r``.

    Examples
    --------
    Mentorforsøget: "16 % vs 12 %, a 30 % rise" among 1,302 treated and 1,291 controls.

    >>> m = from_reported_shares(0.16, 1302, 0.12, 1291, reported_relative_change=0.30)
    >>> m.events_treated_range, m.events_control_range
    ((202, 214), (149, 161))
    >>> m.significant_for_all, m.relative_change_consistent
    (True, True)
    """
    func = "from_reported_shares"
    share_treated = V.check_share(share_treated, "share_treated", func)
    share_control = V.check_share(share_control, "share_control", func)
    n1 = int(V.check_number(n_treated, "n_treated", func, low=1, integer=True))
    n2 = int(V.check_number(n_control, "n_control", func, low=1, integer=True))
    decimals = _check_int(decimals, "decimals", func, 0, 4)
    relative_change_decimals = _check_int(
        relative_change_decimals, "relative_change_decimals", func, 0, 4
    )
    conf_level = V.check_conf_level(conf_level, func)
    V.check_choice(method, "method", func, PROPORTION_METHODS)
    if reported_relative_change is not None:
        V.check_number(reported_relative_change, "reported_relative_change", func, low=-1)

    e1 = _consistent_events(share_treated, n1, decimals, "share_treated", func)
    e2 = _consistent_events(share_control, n2, decimals, "share_control", func)
    x1, x2 = _count_grid(e1, e2, n1, n2, decimals, func)
    if method == "wald" and _small_sample(x1, n1, x2, n2):
        warnings.warn(
            f"{func}(): the Wald interval is unreliable for some consistent counts (an expected "
            "cell below 5, or an arm with 0 or all events); use method='newcombe' or 'score'.",
            SmallSampleWarning,
            stacklevel=2,
        )
    core = _count_core(x1, n1, x2, n2, method, conf_level)
    pairs = _pairs_frame(x1, n1, x2, n2, core, conf_level)
    consistent: bool | None = None
    if reported_relative_change is not None:
        match = _relative_change_matches(
            x1, n1, x2, n2, float(reported_relative_change), relative_change_decimals, func
        )
        pairs["relative_change_matches"] = match
        consistent = bool(match.any())
    rel = pairs["relative_change"].to_numpy()
    sig = pairs["significant"].to_numpy()
    return ReportedShares(
        share_treated=share_treated,
        n_treated=n1,
        share_control=share_control,
        n_control=n2,
        decimals=decimals,
        conf_level=conf_level,
        method=method,
        events_treated_range=e1,
        events_control_range=e2,
        estimate_range=(float(core["estimate"].min()), float(core["estimate"].max())),
        ci=(float(core["low"].min()), float(core["high"].max())),
        pvalue_range=(float(core["pvalue"].min()), float(core["pvalue"].max())),
        significant_for_all=bool(sig.all()),
        significant_for_any=bool(sig.any()),
        relative_change_range=(
            (float(rel.min()), float(rel.max())) if np.isfinite(rel).all() else (math.nan, math.nan)
        ),
        relative_change_consistent=consistent,
        reported_relative_change=None
        if reported_relative_change is None
        else float(reported_relative_change),
        relative_change_decimals=relative_change_decimals,
        pairs=pairs,
    )


def _consistent_events(
    share: float, n: int, decimals: int, argument: str, func: str
) -> tuple[int, int]:
    """Inclusive range of event counts out of ``n`` whose percentage rounds to ``share``."""
    low, high = _event_range(
        _rounded_percent_code(share, argument, decimals, func), n, decimals, argument, func
    )
    return int(low), int(high)


def _count_grid(
    e1: tuple[int, int], e2: tuple[int, int], n1: int, n2: int, decimals: int, func: str
) -> tuple[np.ndarray, np.ndarray]:
    """Every (events_treated, events_control) pair of the two ranges, as two flat arrays."""
    n_pairs = (e1[1] - e1[0] + 1) * (e2[1] - e2[0] + 1)
    if n_pairs > MAX_SHARE_PAIRS:
        raise EffektError(
            f"{func}(): {n_pairs:,} count pairs are consistent with shares rounded to "
            f"decimals={decimals} in groups of {n1:,} and {n2:,} (the limit is "
            f"{MAX_SHARE_PAIRS:,}); pass the decimals the "
            "publication actually used, or the counts to difference_in_proportions_from_counts()."
        )
    g1, g2 = np.meshgrid(np.arange(e1[0], e1[1] + 1), np.arange(e2[0], e2[1] + 1), indexing="ij")
    return g1.ravel(), g2.ravel()


def _pairs_frame(
    x1: np.ndarray, n1: int, x2: np.ndarray, n2: int, core: dict[str, np.ndarray], conf_level: float
) -> pd.DataFrame:
    """One row per consistent count pair: counts, shares, effect, CI, p and relative change."""
    with np.errstate(divide="ignore", invalid="ignore"):
        rel = np.where(x2 > 0, (x1 * n2) / np.where(x2 > 0, x2 * n1, 1) - 1, np.nan)
    # One definition of significance for the package (as EffectResult.significant): the
    # interval excludes 0. The p-value verdict is kept in its own column.
    return pd.DataFrame(
        {
            "events_treated": x1,
            "events_control": x2,
            "share_treated": x1 / n1,
            "share_control": x2 / n2,
            "estimate": core["estimate"],
            "ci_low": core["low"],
            "ci_high": core["high"],
            "pvalue": core["pvalue"],
            "significant": (core["low"] > 0) | (core["high"] < 0),
            "pvalue_below_alpha": core["pvalue"] < 1 - conf_level,
            "relative_change": rel,
        }
    )


def _relative_change_matches(
    x1: np.ndarray, n1: int, x2: np.ndarray, n2: int, reported: float, decimals: int, func: str
) -> np.ndarray:
    """Whether each pair's relative change rounds to the reported one (exact integers)."""
    rk = _rounded_percent_code(reported, "reported_relative_change", decimals, func)
    # 200 * 10^r * (x1 n2 - x2 n1) in [(2R - 1) x2 n1, (2R + 1) x2 n1]
    scale = 200 * 10**decimals
    bound = scale * n1 * n2 * (2 * abs(rk) + 2)
    kind = np.int64 if bound < 2**62 else object  # Python integers where int64 could overflow
    lhs = scale * (x1.astype(kind) * n2 - x2.astype(kind) * n1)
    base = x2.astype(kind) * n1
    return ((x2 > 0) & (lhs >= (2 * rk - 1) * base) & (lhs <= (2 * rk + 1) * base)).astype(bool)
