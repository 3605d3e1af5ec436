"""The effect at each week or month of a trial, from a long register panel.

Examples
--------
>>> from effekt import rct
>>> from effekt.synthetic.panels import jobfirst_panel
>>> panel = jobfirst_panel(n_persons=1000, weeks=20, seed=2)
>>> tr = rct.trajectory(panel, "paid_hours", "jobfirst", "person", "week")
>>> len(tr.to_frame())
20
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any, Literal

import numpy as np
import pandas as pd

from ..trajectory import Trajectory, effect_over_time

__all__ = ["trajectory"]


def trajectory(
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
    missing: Literal["raise", "drop"] = "raise",
) -> Trajectory:
    """The effect of a randomised trial at every period, with pointwise and simultaneous bands.

    A trial's outcome followed over time -- JobFirst's share with paid hours from week 1 to
    week 78, hours per week, in work or education each week of IPS -- from a long panel
    with one row per person and period. This is :func:`effekt.trajectory.effect_over_time`
    under the trial's name; see there for the formulas.

    Parameters
    ----------
    data : DataFrame
        Long panel, one row per person and period in any row order; no duplicated
        (person, period) rows (:class:`~effekt.errors.EffektError` otherwise).
        Unbalanced panels are allowed: each period uses the persons observed in it.
        pandas, Polars, PyArrow, DuckDB or PySpark; see
        :func:`effekt.trajectory.effect_over_time` for what runs in the engine.
    outcome : str
        0/1 status (effects in percentage points) or a numeric outcome (hours per week).
    treatment : str
        Two-valued randomised arm, constant within person.
    id, time : str
        Person and numeric period (week or month number) columns.
    weights : str, optional
        Person weights (constant within person).
    cluster : str, optional
        Randomisation cluster (municipality, job centre), constant within person: the
        covariance is cluster-robust (CR1) with t(G - 1) references, as for a
        cluster-randomised trial like JobFirst.
    treated_value : optional
        Value of ``treatment`` marking the treated arm.
    outcome_value : optional
        Value of ``outcome`` that means the status holds ("Ja" in a column of "Ja"/"Nej");
        needed when a 0/1 status is coded in words.
    conf_level : float, default 0.95
    simultaneous : True, "sup-t", "bonferroni" or False
        Simultaneous band over all periods (sup-t by default).
    n_draws : int
        Gaussian draws for the sup-t critical value, 100 to 100,000.
    seed : int, Generator or None
        Seed of those draws (default 0).
    missing : {"raise", "drop"}
        Missing values in the columns used raise; ``"drop"`` drops those rows with a
        :class:`~effekt.errors.DroppedRowsWarning`.

    Returns
    -------
    Trajectory
        ``to_frame()`` gives one row per period (estimate, SE, pointwise ``ci_*`` and
        simultaneous ``sim_*`` bounds, p-value, arm means and sizes); ``at(t)`` one
        :class:`~effekt.results.EffectResult`; ``plot()`` the effect in percentage points.

    Notes
    -----
    At each period the estimate is the difference in mean status, treated minus control,
    among persons observed then; without ``cluster`` its variance is Welch's (HC2), the
    same as :func:`effekt.rct.difference_in_means` on that period's rows. The joint
    covariance across periods comes from person- (or cluster-) level influence functions,
    so the simultaneous band accounts for the correlation of a person's weeks.

    See Also
    --------
    effekt.trajectory.effect_over_time : the engine.
    effekt.matching.MatchResult.trajectory : the same on a matched sample.

    Examples
    --------
    >>> from effekt import rct
    >>> from effekt.synthetic.panels import jobfirst_panel
    >>> panel = jobfirst_panel(n_persons=2000, weeks=36, seed=4)
    >>> tr = rct.trajectory(panel, "paid_hours", "jobfirst", "person", "week",
    ...                     cluster="municipality")
    >>> r = tr.at(35)
    >>> r.scale, bool(r.ci[0] < r.estimate < r.ci[1])
    ('proportion', True)
    >>> f = tr.to_frame()
    >>> bool((f["sim_low"] <= f["ci_low"]).all())
    True
    """
    return effect_over_time(
        data,
        outcome,
        treatment,
        id,
        time,
        weights=weights,
        cluster=cluster,
        treated_value=treated_value,
        outcome_value=outcome_value,
        conf_level=conf_level,
        simultaneous=simultaneous,
        n_draws=n_draws,
        seed=seed,
        missing=missing,
    )
