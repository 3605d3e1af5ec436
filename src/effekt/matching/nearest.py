"""Greedy nearest-neighbour matching with R MatchIt 4's conventions, and the matched effect.

:func:`match` returns a :class:`MatchResult` holding the matched sample (MatchIt's
``match.data()``), the pairs (``get_matches()``), the balance table before/after, a love
plot, an overlap plot and :meth:`MatchResult.effect`, the ATT with an honest standard
error.

Conventions (MatchIt 4 ``method = "nearest"``, reproduced to the pair on the Lalonde data)
-----------------------------------------------------------------------------------------
* **Distance.** ``distance="logit"``: the propensity score from an unpenalised logistic
  regression of the treatment on the covariates (R's ``glm``; see
  :func:`~effekt.matching.propensity_score`), and matching on the score itself (not its
  logit), as MatchIt's ``distance = "glm"``. Also: a scikit-learn classifier, a fitted
  :class:`~effekt.matching.PropensityScore`, a column name, an array of scores in data
  order or a Series of scores (aligned on the data's index), or
  ``"mahalanobis"`` on the covariates.
* **Order.** Without replacement, treated units are matched one at a time from the largest
  score down (``order="largest"``, MatchIt's ``m.order = "largest"``; ties in data order);
  also ``"smallest"``, ``"data"`` and ``"random"`` (seeded by ``seed``). With
  replacement the order does not matter.
* **Ratio.** 1:k matching is done in rounds: every treated unit gets its first control
  before any gets its second (MatchIt's rule). A treated unit that found no control in a
  round is not tried again.
* **Nearest and ties.** The controls are sorted stably by score (equal scores keep their
  data order); from the treated unit's position in that array the nearest unused control
  is sought on each side, and on an exact tie in distance the left one (lower score) wins.
  Scanning outward means that among several unused controls with the same score the one
  closest in the sorted array is taken: the *earliest* in data order on the right (scores
  >= the treated score), the *latest* on the left. This is MatchIt's behaviour (it decides
  6 Lalonde pairs); changing it changes pairs whenever the data hold identical rows.
* **Caliper.** ``caliper`` is in standard deviations of the distance (``std_caliper=True``),
  the SD (``n - 1``) taken over all units not discarded; a pair is allowed when the
  absolute difference is ``<= caliper * SD``. A treated unit whose nearest unused control
  lies outside the caliper stays unmatched (MatchIt does not look further).
* **Exact.** ``exact=[columns]`` matches only within the strata formed by those columns.
  ``exact_fallback=True`` (not available in MatchIt) then matches the treated units left
  without any control across strata, on the controls still unused, with the same order,
  caliper and ratio; :meth:`MatchResult.pairs` marks those rows ``stage == "fallback"``.
* **Discard.** ``discard="both"`` drops units outside the common support of the score (the
  range of the other group), ``"treated"`` / ``"control"`` only in that group (MatchIt).
* **Weights and subclasses** as ``match.data()``: matched treated units weigh 1; a control
  gets ``sum_i 1/k_i`` over the treated units ``i`` it serves (``k_i`` = that unit's number
  of controls), and control weights are then scaled to sum to the number of distinct
  matched controls. ``subclass`` numbers the matched sets 1, 2, ... in the data order of
  their treated unit; with replacement a control can serve several sets, so (as in
  MatchIt) ``subclass`` is missing and :meth:`MatchResult.pairs` gives the sets.

Differences from MatchIt
------------------------
* Unmatched treated units, discarded units and rows dropped for missing values are always
  reported with an :class:`~effekt.errors.OverlapWarning` /
  :class:`~effekt.errors.DroppedRowsWarning` giving the counts; MatchIt reports them only in
  ``summary()``. A caliper or an exact stratum that leaves nobody matched raises
  :class:`~effekt.errors.EffektError` instead of returning an empty match.
* ``ratio`` larger than the available controls (without replacement) gives a warning with
  counts and the rounds simply run out (MatchIt errors or warns depending on the version).
* ``ties=True`` (with replacement) keeps every control as close as the k-th nearest, with
  ``Matching::Match``'s tolerance on squared standardized distances (``tie_tolerance =
  1e-5``), so that its ATT and Abadie–Imbens SE are reproduced; MatchIt has no such option.
* ``distance="mahalanobis"`` uses the pooled within-group covariance of the covariates
  (dummies for categoricals); with it a caliper is in Mahalanobis-distance units and needs
  ``std_caliper=False``, and the default order is the data order (MatchIt's default for a
  non-score distance).
* Standard errors: :meth:`MatchResult.effect` gives the cluster-robust SE by subclass
  (CR1, as ``sandwich::vcovCL`` with its default HC1 adjustment) with a t reference on
  ``G - 1`` degrees of freedom (MatchIt's vignette uses the regression's ``n - 2``; the SE
  is identical), HC3, Abadie–Imbens, or a block bootstrap of the matched sets.

References
----------
Ho, D. E., Imai, K., King, G. & Stuart, E. A. (2011). MatchIt: nonparametric preprocessing
for parametric causal inference. *Journal of Statistical Software* 42(8).
Abadie, A. & Imbens, G. W. (2006). Large sample properties of matching estimators for
average treatment effects. *Econometrica* 74, 235-267.
Austin, P. C. (2011). Optimal caliper widths for propensity-score matching. *Pharmaceutical
Statistics* 10, 150-161.
"""

from __future__ import annotations

import dataclasses
import warnings
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from dataclasses import replace as replace_
from typing import TYPE_CHECKING, Any, Literal, cast, overload

import numpy as np
import pandas as pd

from .._design import Design, encode_covariates
from .._linear import ols
from .._validate import (
    argument_error,
    as_column_list,
    binary_outcome,
    check_choice,
    check_conf_level,
    check_frame,
    check_given,
    check_level_value,
    check_number,
    check_resamples,
    check_seed,
    factorize_levels,
    handle_missing,
    numeric_column,
    outcome_indicator,
    quote,
    require_columns,
    two_valued,
    unhashable_values_error,
)
from ..errors import EffektError, OverlapWarning, SmallSampleWarning
from ..language import number, speaks, term
from ..results import EffectResult, effect_from_normal
from . import _engine
from ._checks import MIN_ARM, check_covariate_scale, check_ratio
from ._standard_errors import (
    abadie_imbens_ate_variance,
    abadie_imbens_variance,
    block_bootstrap,
    within_arm_variance,
)
from .methods import METHODS, run_method
from .propensity import PropensityScore, _fit_propensity
from .sample import MatchedSample

if TYPE_CHECKING:
    pass

__all__ = ["MatchResult", "match"]

_FUNC = "match"
ORDERS = ("largest", "smallest", "data", "random")
DISCARDS = ("none", "both", "control", "treated")
SE_TYPES = ("cluster", "abadie-imbens", "hc3", "bootstrap")


@dataclass(frozen=True)
class MatchResult(MatchedSample):
    """The outcome of nearest-neighbour :func:`match`: matched sample, pairs, balance and effect.

    A :class:`~effekt.matching.MatchedSample` (every design's result) with the pairs, more
    standard errors and effects over time.

    Attributes
    ----------
    data : DataFrame
        The rows that entered matching (the caller's frame, minus rows dropped for missing
        values if ``missing="drop"``); never modified.
    treatment : column name
    covariates : tuple of column names
    treated : ndarray of bool
    distance : ndarray or None
        The one-dimensional distance (propensity score) per row; ``None`` for Mahalanobis.
    propensity : PropensityScore or None
        The fitted propensity model when the distance was estimated.
    weights : ndarray
        MatchIt's ``weights`` per row of ``data`` (0 for unmatched units).
    subclass : ndarray of int
        Matched-set id per row (``-1`` for unmatched, and for every row with replacement).
    discarded : ndarray of bool
        Units outside the common support removed by ``discard``.
    caliper : float or None
        The caliper in distance units (after multiplying by the SD).
    options : dict
        The arguments of :func:`match`.
    """

    propensity: PropensityScore | None
    discarded: np.ndarray
    caliper: float | None
    _t_pos: np.ndarray = field(repr=False)
    _c_pos: np.ndarray = field(repr=False)
    _rank: np.ndarray = field(repr=False)
    _stage: np.ndarray = field(repr=False)
    _w_rows: np.ndarray = field(repr=False)
    _strata: np.ndarray | None = field(default=None, repr=False)

    # ------------------------------------------------------------------ counts
    @property
    def n_treated_matched(self) -> int:
        return _n_distinct(self._t_pos)

    @property
    def n_treated_unmatched(self) -> int:
        return self.n_treated - self.n_treated_matched

    @property
    def n_controls_used(self) -> int:
        return _n_distinct(self._c_pos)

    # ------------------------------------------------------------------ data
    def pairs(self) -> pd.DataFrame:
        """One row per (treated, control) match: index labels, rank, set id, distances, stage.

        ``rank`` is 1 for the first control of a treated unit, 2 for the second, ...;
        ``weight`` is the control's share ``1/k_i`` in the treated unit's set;
        ``stage`` is ``"exact"`` or ``"fallback"`` with ``exact_fallback=True``, else ``"main"``.
        """
        idx = self.data.index
        frame = pd.DataFrame(
            {
                "treated": idx[self._t_pos],
                "control": idx[self._c_pos],
                "rank": self._rank,
                "set": _set_ids(self._t_pos),
                "weight": self._w_rows,
                "stage": self._stage,
            }
        )
        if self.distance is not None:
            frame["distance_treated"] = self.distance[self._t_pos]
            frame["distance_control"] = self.distance[self._c_pos]
            frame["difference"] = np.abs(frame["distance_treated"] - frame["distance_control"])
        order = np.lexsort((self._rank, self._t_pos))
        return frame.iloc[order].reset_index(drop=True)

    # ------------------------------------------------------------------ effect
    def effect(
        self,
        outcome: Hashable,
        *,
        outcome_value: Any = None,
        estimand: str | None = None,
        se: str | None = None,
        conf_level: float = 0.95,
        n_boot: int = 999,
        seed: int | np.random.Generator | None = 0,
        var_matches: int | None = None,
        label: str | None = None,
        covariates: Sequence[Hashable] | Hashable | None = None,
    ) -> EffectResult:
        """The (weighted) difference in outcome means on the matched sample, with a standard error.

        Parameters
        ----------
        outcome : column name
            Numeric outcome; a 0/1 (or boolean) outcome gives an effect on the proportion
            scale (percentage points in text).
        outcome_value : optional
            The value of ``outcome`` that means the outcome happened ("Ja" in a column of
            "Ja"/"Nej"); needed when the outcome is not coded 0/1 or True/False.
        estimand : {"ATT", "ATC", "ATE"}, optional
            The match's estimand (``match(estimand=...)``): matching treated units to
            controls estimates the effect on the treated, matching controls to treated units
            the effect on the controls, matching both ways the average effect. Another value
            raises.
        se : {"cluster", "abadie-imbens", "hc3", "bootstrap"}, optional
            Default: ``"cluster"`` without replacement (CR1 by subclass, as MatchIt's
            documentation recommends), ``"abadie-imbens"`` with replacement.
            ``"hc3"``: heteroskedasticity-robust SE of the weighted regression on the
            matched data (MatchIt's suggestion for matching with replacement).
            ``"bootstrap"``: resample matched sets with replacement, ``n_boot`` times
            (percentile interval; seeded by ``seed``).
        conf_level : float
        n_boot : int
            Bootstrap replicates, 50 to 100,000.
        seed : int, Generator or None, default 0
            Seed of the bootstrap (``None``: fresh entropy).
        var_matches : int, optional
            Abadie–Imbens only: number of within-arm matches used to estimate the
            conditional outcome variance (``Matching::Match``'s ``Var.calc``); 0 assumes
            homoskedasticity (Matching's default). Default: 1 when the match has a
            one-dimensional score, 0 after ``distance="mahalanobis"`` (the within-arm
            matches need a score). At most one less than the smaller arm.
        label : str, optional
        covariates : list of column names, optional
            Regression adjustment after matching (g-computation, MatchIt's guidance): see
            :func:`~effekt.matching.weighted_effect`, with the SE clustered by matched set
            (without replacement) or HC1 (with replacement); ``se`` must be left unset.

        Returns
        -------
        EffectResult

        Notes
        -----
        ``ATT = sum_T w_i Y_i / sum_T w_i - sum_C w_j Y_j / sum_C w_j`` with the matching
        weights, equal to the coefficient of the treatment in the weighted regression
        ``Y ~ T`` on the matched data. The cluster-robust variance is
        ``M (sum_g u_g u_g') M * G/(G-1) (n-1)/(n-2)`` with ``u_g`` the score sum of
        subclass ``g``; see the private module ``effekt.matching._standard_errors`` for Abadie–Imbens.
        Bootstrapping matching *with replacement* is not guaranteed to be valid (Abadie &
        Imbens 2008); prefer ``"abadie-imbens"`` there.

        Minimum information: at least 2 matched sets (fewer raise); with fewer than 5 matched
        units in an arm, or a standard error of 0, the interval and p-value are NaN with a
        :class:`~effekt.errors.SmallSampleWarning` and a note.

        Examples
        --------
        >>> import numpy as np, pandas as pd
        >>> from effekt.matching import match
        >>> rng = np.random.default_rng(2)
        >>> n = 600
        >>> df = pd.DataFrame({"age": rng.normal(40, 8, n), "unemployed_months": rng.gamma(2, 6, n)})
        >>> df["vcg2"] = rng.random(n) < 1 / (1 + np.exp(2 - 0.03 * (df["age"] - 40) - 0.05 * df["unemployed_months"]))
        >>> df["job"] = (rng.random(n) < 0.1 + 0.08 * df["vcg2"]).astype(int)
        >>> m = match(df, "vcg2", ["age", "unemployed_months"])
        >>> r = m.effect("job")
        >>> r.scale, r.estimand, r.n_treated == m.n_treated_matched
        ('proportion', 'ATT', True)
        """
        check_given("effect", outcome=outcome)
        own = self.options.get("estimand", "ATT")
        check_choice(own if estimand is None else estimand, "estimand", "effect", (own,))
        if covariates is not None:
            return self._adjusted_effect(outcome, covariates, se, conf_level, label, outcome_value)
        conf_level = check_conf_level(conf_level, "effect")
        se = self._se_method(se)
        require_columns(self.data, "effect", outcome=outcome)
        values = outcome_indicator(self.data[outcome], outcome, "effect", outcome_value)
        y, scale = _matched_outcome(values, outcome, self.matched)
        n_sets = self.n_treated_matched
        if n_sets < 2:
            raise EffektError(
                f"effect(): the match holds {n_sets} matched set (one treated unit and its controls); a "
                "standard error needs at least 2. Widen the caliper or relax 'exact' so that more treated "
                "units are matched."
            )
        call = _EffectCall(
            match=self,
            outcome=outcome,
            values=values,
            y=y,
            se=se,
            conf_level=conf_level,
            fields=self._effect_fields(y, outcome, scale, label),
            n_boot=n_boot,
            seed=seed,
            var_matches=var_matches,
        )
        return _few_matched(_no_zero_width(_SE_METHODS[se](call), call.y_scale))

    def _adjusted_effect(
        self,
        outcome: Hashable,
        covariates: Any,
        se: str | None,
        conf_level: float,
        label: str | None,
        outcome_value: Any = None,
    ) -> EffectResult:
        """Regression adjustment on the matched sample (:func:`weighted_effect`)."""
        from .balancing import weighted_effect

        if se is not None:
            raise EffektError(
                "effect(): with 'covariates' the SE is clustered by matched set (HC1 after matching "
                "with replacement); leave 'se' unset."
            )
        # every row's covariates are checked, matched or not (as match() checks its own)
        covs = as_column_list(covariates)
        require_columns(self.data, "effect", covariates=covs)
        encode_covariates(self.data, covs, "effect")
        frame = self.data.assign(
            _effekt_w=self.weights, _effekt_set=self.subclass, _effekt_t=self.treated
        )
        if outcome_value is not None:
            frame[outcome] = outcome_indicator(frame[outcome], outcome, "effect", outcome_value)
        r = weighted_effect(
            frame,
            outcome,
            "_effekt_t",
            "_effekt_w",
            subclass=None if self.options["replace"] else "_effekt_set",
            covariates=covariates,
            estimand=self.options.get("estimand", "ATT"),
            conf_level=conf_level,
        )
        return dataclasses.replace(r, label=label, notes=self.notes)

    def _se_method(self, se: str | None) -> str:
        """The SE method: the default for the design, checked against it."""
        replace = bool(self.options["replace"])
        if se is None:
            se = "abadie-imbens" if replace else "cluster"
        check_choice(se, "se", "effect", SE_TYPES)
        if se == "cluster" and replace:
            raise EffektError(
                "The 'se' argument of effect() cannot be 'cluster' after matching with replacement "
                "(a control belongs to several matched sets); use 'abadie-imbens' (default), 'hc3' or 'bootstrap'."
            )
        return se

    def _effect_fields(
        self, y: np.ndarray, outcome: Hashable, scale: str, label: str | None
    ) -> dict[str, Any]:
        """The EffectResult fields every SE method shares: arms, means, scale, labels."""
        matched, w, t = self.matched, self.weights, self.treated
        return dict(
            method="",
            n_treated=int((matched & t).sum()),
            n_control=int((matched & ~t).sum()),
            scale=scale,
            mean_treated=float(np.average(y[matched & t], weights=w[matched & t])),
            mean_control=float(np.average(y[matched & ~t], weights=w[matched & ~t])),
            estimand=self.options.get("estimand", "ATT"),
            outcome=str(outcome),
            label=label,
            notes=self.notes,
        )

    # ------------------------------------------------------------------ effects over time
    def trajectory(
        self,
        data: pd.DataFrame,
        outcome: Hashable,
        id: Hashable,
        time: Hashable,
        *,
        conf_level: float = 0.95,
        simultaneous: bool | str = True,
        n_draws: int = 10_000,
        seed: int | None = 0,
        missing: str = "raise",
    ) -> Any:
        """The matched effect (ATT) at every period of a long panel, with pointwise and simultaneous bands.

        Parameters
        ----------
        data : DataFrame
            Long panel, one row per person and period (week, month), sorted by period within
            person, no duplicated (person, period) rows. It may hold persons who were not
            matched (they get weight 0, as in :meth:`effect`), but every person of the panel
            must be a row of the data the match was made on, and every matched person must
            have at least one row in the panel. Not modified.
        outcome : column name
            0/1 status per period (effects in percentage points) or a numeric outcome.
        id : column name
            Person id: a column of **both** ``data`` and the data passed to :func:`match`
            (unique there), which links each panel row to its matched row.
        time : column name
            Numeric period.
        conf_level : float
        simultaneous : True, "sup-t", "bonferroni" or False
            Simultaneous band over all periods (see :func:`effekt.trajectory.effect_over_time`).
        n_draws : int
            Draws of the sup-t band, 100 to 100,000 (the shared cap of resampling sizes).
        seed : int or None
            Seed of the sup-t draws.
        missing : {"raise", "drop"}
            Missing values in ``outcome``, ``id`` or ``time`` raise, or drop those panel rows
            with a :class:`~effekt.errors.DroppedRowsWarning`.

        Returns
        -------
        Trajectory
            See :func:`effekt.trajectory.effect_over_time`.

        Notes
        -----
        Treatment, weights and matched set are taken from the match, not from the panel: each
        panel row gets its person's matching weight (MatchIt's ``weights``; 0 for unmatched
        persons) and arm. At period t the estimate is the weighted difference in mean status,
        exactly :meth:`effect` on that period's status when every matched person is observed.

        * **Without replacement** the covariance is clustered by matched set (``subclass``; CR1
          with t(G - 1), G sets), as MatchIt recommends and as :meth:`effect`'s default, so
          each period's SE equals ``effect(se="cluster")`` on that period's status.
        * **With replacement** a control belongs to several sets and cannot be clustered by
          set; the covariance is the person-level robust (HC2-type) one on the weighted
          sample -- MatchIt's advice for matching with replacement -- which treats the weights
          as fixed and ignores the uncertainty of the matching itself (Abadie-Imbens SEs are
          available per period from :meth:`effect` on wide data).

        Examples
        --------
        >>> import numpy as np, pandas as pd
        >>> from effekt.matching import match
        >>> rng = np.random.default_rng(3)
        >>> n = 400
        >>> people = pd.DataFrame({"person": np.arange(n), "age": rng.normal(40, 8, n)})
        >>> people["vcg2"] = rng.random(n) < 1 / (1 + np.exp(1 - 0.05 * (people.age - 40)))
        >>> m = match(people, "vcg2", ["age"])
        >>> weeks = np.arange(1, 7)
        >>> panel = pd.DataFrame({"person": np.repeat(people.person, 6), "week": np.tile(weeks, n)})
        >>> p = 0.1 + 0.02 * panel.week + 0.05 * np.repeat(people.vcg2.to_numpy(), 6)
        >>> panel["job"] = (rng.random(len(panel)) < p).astype(int)
        >>> tr = m.trajectory(panel, "job", "person", "week")
        >>> len(tr.to_frame()), tr.scale
        (6, 'proportion')
        >>> "clustered by matched set" in tr.method
        True
        """
        from ..trajectory import effect_over_time

        func = "trajectory"
        check_resamples(n_draws, "n_draws", func, low=100)
        panel = check_frame(data, func, outcome=outcome, id=id, time=time)
        panel = handle_missing(panel, [id, time, outcome], missing, func)
        pos = self._panel_positions(panel, id)
        internal = {"arm": "treated (matched)", "w": "matching weight", "set": "matched set"}
        for col in internal.values():
            if col in panel.columns:
                raise EffektError(
                    f"trajectory(): rename the panel column {col!r}; it is used internally."
                )
        cols = {
            internal["arm"]: self.treated[pos],
            internal["w"]: self.weights[pos],
        }
        replace = bool(self.options["replace"])
        if not replace:
            cols[internal["set"]] = self.subclass[pos]
        joined = panel.assign(**cols)
        joined = joined.loc[joined[internal["w"]].to_numpy() > 0]
        tr = effect_over_time(
            joined,
            outcome,
            internal["arm"],
            id,
            time,
            weights=internal["w"],
            cluster=None if replace else internal["set"],
            treated_value=True,
            conf_level=conf_level,
            simultaneous=simultaneous,  # type: ignore[arg-type]
            n_draws=n_draws,
            seed=seed,
        )
        how = (
            "ATT on the matched sample; person-level robust SE (matching with replacement: "
            "weights treated as fixed)"
            if replace
            else f"ATT on the matched sample; clustered by matched set ({tr.n_clusters} sets)"
        )
        return replace_(tr, method=f"{how}; {tr.method}", outcome=str(outcome))

    def _panel_positions(self, panel: pd.DataFrame, id: Hashable) -> np.ndarray:
        """The matched-data row of each panel row, linked by ``id``; every matched person covered."""
        if id not in self.data.columns:
            raise EffektError(
                f"trajectory(): the id column {quote(id)} is not in the data the match was made "
                "on; add the person id to the data before matching so that panel rows can be "
                "linked to matched rows."
            )
        ids = self.data[id]
        if ids.isna().any() or ids.duplicated().any():
            k = int(ids.duplicated().sum() + ids.isna().sum())
            raise EffektError(
                f"trajectory(): the id column {quote(id)} of the matched data has {k} missing or "
                "duplicated values; it must identify one row per person."
            )
        try:
            pos = pd.Index(ids).get_indexer(panel[id])
        except TypeError:  # a list or dict in an id cell
            raise unhashable_values_error(id, "id", "trajectory") from None
        if (pos < 0).any():
            bad = panel[id].to_numpy()[pos < 0]
            raise EffektError(
                f"trajectory(): {len(pd.unique(bad))} person(s) of the panel (e.g. {_shown(bad[0])}) "
                f"are not in the data the match was made on (column {quote(id)}); restrict the "
                "panel to those persons or check the ids."
            )
        seen = np.zeros(len(ids), dtype=bool)
        seen[pos] = True
        lacking = self.matched & ~seen
        if lacking.any():
            raise EffektError(
                f"trajectory(): {int(lacking.sum())} matched person(s) (e.g. "
                f"{_shown(ids.to_numpy()[lacking][0])}) have no rows in the panel; the panel must "
                "cover every matched person (check the ids)."
            )
        return pos

    # ------------------------------------------------------------------ text and plots
    @speaks
    def summary(self) -> str:
        """Sample sizes, options and the balance of each covariate before/after."""
        lines = [
            self._design_line(),
            "  "
            + term(
                "treated: {n_t} ({n_tm} matched, {n_tu} unmatched); controls: {n_c} ({n_cu} used)"
            ).format(
                n_t=number(self.n_treated, 0),
                n_tm=number(self.n_treated_matched, 0),
                n_tu=number(self.n_treated_unmatched, 0),
                n_c=number(self.n_control, 0),
                n_cu=number(self.n_controls_used, 0),
            ),
        ]
        if self.discarded.any():
            lines.append(
                f"  {term('discarded (common support)')}: {number(int(self.discarded.sum()), 0)}"
            )
        bal = self.balance()
        show = bal[["smd_before", "smd_after", "var_ratio_after", "ecdf_max_after"]]
        lines.append(show.to_string(float_format=lambda v: number(v, 3)))
        big = bal.index[np.abs(bal["smd_after"]) > 0.1].tolist()
        lines.append(
            "  "
            + term("|SMD| after matching <= 0.1 for every covariate").replace("0.1", number(0.1))
            if not big
            else "  "
            + term("|SMD| after matching > 0.1: {names}")
            .replace("0.1", number(0.1))
            .format(names=", ".join(map(str, big)))
        )
        lines.extend(f"  {term('note')}: {n}" for n in self.notes)
        return "\n".join(lines)

    def _design_line(self) -> str:
        opts = self.options
        details = [
            term("ratio {ratio}").format(ratio=opts["ratio"]),
            term("with replacement" if opts["replace"] else "without replacement"),
        ]
        if self.caliper is not None:
            sd = " SD" if opts["std_caliper"] else ""
            details.append(
                f"{term('caliper')} {number(opts['caliper'], None)}{sd} = "
                f"{number(float(f'{self.caliper:.4g}'), None)}"
            )
        if opts["exact"]:
            details.append(term("exact on {columns}").format(columns=list(opts["exact"])))
        return term("Nearest-neighbour matching on {distance} ({details})").format(
            distance=opts["distance_label"], details=", ".join(details)
        )

    def _html_title(self) -> str:
        return self.summary().splitlines()[0]

    def _html_frame(self) -> pd.DataFrame:
        """Sample sizes before and after matching, and the balance summary, as a table."""
        bal = self.balance(include_distance=False)
        smd_before = np.abs(bal["smd_before"].to_numpy())
        smd_after = np.abs(bal["smd_after"].to_numpy())
        rows = [
            (term("treated units"), self.n_treated, self.n_treated_matched),
            (term("control units"), self.n_control, self.n_controls_used),
            (
                term("covariates with |SMD| > 0.1").replace("0.1", number(0.1)),
                int(np.sum(smd_before > 0.1)),
                int(np.sum(smd_after > 0.1)),
            ),
            (term("largest |SMD|"), float(np.nanmax(smd_before)), float(np.nanmax(smd_after))),
        ]
        if self.discarded.any():
            rows.insert(2, (term("discarded (common support)"), 0, int(self.discarded.sum())))
        return pd.DataFrame(rows, columns=["", term("before matching"), term("after matching")])

    def __repr__(self) -> str:
        return (
            f"MatchResult(treated={self.n_treated}, matched={self.n_treated_matched}, "
            f"controls_used={self.n_controls_used}, ratio={self.options['ratio']}, "
            f"replace={self.options['replace']}, caliper={self.caliper})"
        )

    def _love_tables(self) -> pd.DataFrame | dict[str, pd.DataFrame]:
        return self.balance()  # one adjustment: the legend reads "before/after matching"

    def _no_score_message(self) -> str:
        return (
            "plot_overlap() needs a propensity-score distance; this match used Mahalanobis "
            "distance."
        )


def _shown(value: Any) -> str:
    """An id as a message shows it: a numpy scalar as its Python value ('7', not np.int64(7))."""
    return quote(value.item() if isinstance(value, np.generic) else value)


def _matched_outcome(
    values: pd.Series, outcome: Hashable, matched: np.ndarray
) -> tuple[np.ndarray, str]:
    """The outcome as floats on the matched rows (NaN elsewhere) and its scale."""
    rows_m = np.flatnonzero(matched)
    values_m = values.iloc[rows_m]
    if values_m.isna().any():
        k = int(values_m.isna().sum())
        raise EffektError(
            f"The outcome column {quote(outcome)} has {k} missing values among the matched units; "
            "impute them or drop those units before matching."
        )
    # only the matched rows are converted: unmatched rows may hold anything, even NA
    is_binary = values_m.dtype == bool or (
        pd.api.types.is_numeric_dtype(values_m)
        and bool(np.isin(values_m.to_numpy(dtype=float), (0.0, 1.0)).all())
    )
    y = np.full(len(values), np.nan)
    y[rows_m] = (
        binary_outcome(values_m, outcome, "effect")
        if is_binary
        else numeric_column(values_m, outcome, "effect", "outcome")
    )
    return y, "proportion" if is_binary else "mean"


@dataclass
class _EffectCall:
    """One :meth:`MatchResult.effect` call, checked: what every SE method needs."""

    match: MatchResult
    outcome: Hashable
    values: pd.Series
    y: np.ndarray
    se: str
    conf_level: float
    fields: dict[str, Any]
    n_boot: int
    seed: int | np.random.Generator | None
    var_matches: int | None

    @property
    def y_scale(self) -> float:
        return float(np.nanmax(np.abs(self.y[self.match.matched])))


def _se_regression(call: _EffectCall) -> EffectResult:
    """Cluster-robust (CR1 by matched set) or HC3 SE of the weighted regression ``Y ~ T``."""
    m, se = call.match, call.se
    matched, w = m.matched, m.weights
    X = np.column_stack([np.ones(matched.sum()), m.treated[matched].astype(float)])
    try:
        if se == "cluster":
            codes = m.subclass[matched]
            fit = ols(
                X, call.y[matched], weights=w[matched], cov_type="CR1", cluster=codes - codes.min()
            )
            how = f"cluster-robust SE by matched set (CR1, {fit.n_clusters} sets)"
        else:
            fit = ols(X, call.y[matched], weights=w[matched], cov_type="HC3")
            how = "HC3 SE"
        est, s = float(fit.params[1]), float(fit.std_error(1))
    except EffektError as exc:
        raise EffektError(
            f"effect(se={se!r}) on {quote(call.outcome)} failed in the weighted regression on the matched "
            f"sample ({m.n_treated_matched} matched sets, {int(matched.sum())} units): {exc} Try another "
            "'se' or a larger matched sample."
        ) from exc
    _warn_zero_se(s, call.outcome, se, call.y_scale)
    fields = dict(call.fields)
    fields["method"] = (
        f"weighted difference in means on the matched sample; {how}, t({fit.df_resid:g})"
    )
    return effect_from_normal(est, s, call.conf_level, df=fit.df_resid, **fields)


def _se_abadie_imbens(call: _EffectCall) -> EffectResult:
    """Abadie–Imbens (2006) SE, with ``var_matches`` within-arm matches for the variances."""
    m, y = call.match, call.y.copy()
    if not m.options["replace"]:
        warnings.warn(
            "effect(): the Abadie–Imbens SE assumes matching with replacement; after "
            "matching without replacement the cluster-robust SE (se='cluster') is the usual choice.",
            SmallSampleWarning,  # its large-sample justification does not cover this design
            stacklevel=3,
        )
    vm = call.var_matches
    if vm is None:
        vm = 1 if m.distance is not None else 0
    vm_ = int(check_number(vm, "var_matches", "effect", low=0, integer=True))
    # within-arm matches need that many other units of the smaller arm (and bound the work)
    most = max(min(int(m.treated.sum()), int((~m.treated).sum())) - 1, 0)
    if vm_ > most:
        raise argument_error(
            "effect", "var_matches", f"at most {most} (one less than the smaller arm)", vm_
        )
    if m.distance is None and vm_ > 0:
        raise EffektError(
            "effect(): var_matches > 0 needs a one-dimensional distance; with "
            "distance='mahalanobis' pass var_matches=0."
        )
    if m.options.get("estimand") == "ATE":
        return _se_abadie_imbens_ate(call, vm_)
    atc = m.options.get("estimand") == "ATC"
    # the group the focal units were matched to
    pool = np.flatnonzero((m.treated if atc else ~m.treated) & ~m.discarded)
    if vm_ > 0:
        # the within-arm variances use the outcomes of every eligible control
        values_p = call.values.iloc[pool]
        if values_p.isna().any():
            raise EffektError(
                f"The outcome column {quote(call.outcome)} has {int(values_p.isna().sum())} missing values "
                f"among the eligible controls, whose outcomes the Abadie–Imbens variance with "
                f"var_matches={vm_} uses; pass var_matches=0 or drop those units before matching."
            )
        y[pool] = numeric_column(values_p, call.outcome, "effect", "outcome")
    tau, var = abadie_imbens_variance(
        y,
        m._t_pos,
        m._c_pos,
        m._w_rows,
        m.distance[pool] if m.distance is not None else None,
        pool,
        m._strata[pool] if m._strata is not None else None,
        var_matches=vm_,
        tie_tolerance=m.options["tie_tolerance"] if m.options["ties"] else 0.0,
        tie_scale=m.options["tie_scale"],
    )
    tau = -tau if atc else tau  # focal minus matched, so treated minus control
    variance = (
        "(homoskedastic)" if vm_ == 0 else f"(conditional variance from {vm_} within-arm match(es))"
    )
    fields = dict(call.fields)
    fields["method"] = (
        f"matched difference in means; Abadie–Imbens (2006) SE {variance}, normal reference"
    )
    _warn_zero_se(float(np.sqrt(var)), call.outcome, call.se, call.y_scale)
    return effect_from_normal(tau, float(np.sqrt(var)), call.conf_level, **fields)


def _se_abadie_imbens_ate(call: _EffectCall, vm_: int) -> EffectResult:
    """Abadie–Imbens SE of the ATE from matching both ways (Theorem 7 of their 2006 paper)."""
    m = call.match
    y = numeric_column(call.values, call.outcome, "effect", "outcome")
    n = len(y)
    sign = np.where(m.treated, 1.0, -1.0)
    sigma2 = np.zeros(n)
    if vm_ == 0:
        rows = sign[m._t_pos] * (y[m._t_pos] - y[m._c_pos])
        tau0 = float(np.average(rows, weights=m._w_rows))
        sigma2[:] = 0.5 * float((m._w_rows * (rows - tau0) ** 2).sum() / m._w_rows.sum())
    else:
        dist = cast(np.ndarray, m.distance)
        for arm in (m.treated, ~m.treated):
            pool = np.flatnonzero(arm & ~m.discarded)
            used = np.intersect1d(np.unique(m._c_pos), pool)
            strata = m._strata[pool] if m._strata is not None else None
            sigma2[used] = within_arm_variance(
                y,
                used,
                pool,
                dist[pool],
                strata,
                vm_,
                tie_tolerance=m.options["tie_tolerance"] if m.options["ties"] else 0.0,
                tie_scale=m.options["tie_scale"],
            )
    tau, var = abadie_imbens_ate_variance(y, m._t_pos, m._c_pos, m._w_rows, sign, sigma2)
    fields = dict(call.fields)
    fields["method"] = (
        "matched difference in means, matching both ways (ATE); Abadie–Imbens (2006) SE, normal reference"
    )
    _warn_zero_se(float(np.sqrt(var)), call.outcome, call.se, call.y_scale)
    return effect_from_normal(tau, float(np.sqrt(var)), call.conf_level, **fields)


def _se_bootstrap(call: _EffectCall) -> EffectResult:
    """Bootstrap of matched sets: percentile interval, SD of the replicates as SE."""
    m, y = call.match, call.y
    n_boot = check_resamples(call.n_boot, "n_boot", "effect", low=50)
    rng = np.random.default_rng(call.seed)
    units, inv = np.unique(m._t_pos, return_inverse=True)
    tau_i = y[units] - np.bincount(inv, weights=m._w_rows * y[m._c_pos], minlength=len(units))
    if m.options.get("estimand") in ("ATC", "ATE"):
        tau_i = np.where(m.treated[units], tau_i, -tau_i)  # treated minus control
    est = float(tau_i.mean())
    reps = block_bootstrap(tau_i, n_boot, rng)
    s = float(reps.std(ddof=1))
    alpha = 1 - call.conf_level
    lo, hi = np.quantile(reps, [alpha / 2, 1 - alpha / 2])
    p = (
        float(min(1.0, 2 * min((reps <= 0).mean(), (reps >= 0).mean())))
        if s > 0
        else float(est == 0)
    )
    p = max(p, 1 / (n_boot + 1))
    fields = dict(call.fields)
    fields["method"] = (
        f"matched difference in means; bootstrap of matched sets ({n_boot} replicates, percentile CI)"
    )
    _warn_zero_se(s, call.outcome, call.se, call.y_scale)
    return EffectResult(
        estimate=est,
        std_error=s,
        ci=(float(lo), float(hi)),
        pvalue=p,
        conf_level=call.conf_level,
        statistic=est / s if s > 0 else None,
        **fields,
    )


#: The standard errors of :meth:`MatchResult.effect`, by name.
_SE_METHODS = {
    "cluster": _se_regression,
    "hc3": _se_regression,
    "abadie-imbens": _se_abadie_imbens,
    "bootstrap": _se_bootstrap,
}


def _warn_zero_se(std_error: float, outcome: Hashable, se: str, y_scale: float) -> None:
    """SmallSampleWarning when a standard error is zero up to rounding (p-value and CI meaningless)."""
    if not std_error > 1e-12 * (1.0 + y_scale):
        warnings.warn(
            f"effect(): the {se} standard error of {quote(outcome)} is 0 (the matched differences do not "
            "vary), so the p-value and confidence interval are degenerate; the matched sample is too "
            "small or the outcome too uniform to measure uncertainty.",
            SmallSampleWarning,
            stacklevel=4,
        )


def _no_zero_width(res: EffectResult, y_scale: float) -> EffectResult:
    """Minimum-information rule: a zero SE gives no interval and no p-value (NaN), with a note.

    A zero-width interval with p < 0.001 (an outcome that does not vary among the matched
    units) would be a confident answer from no information; :func:`_warn_zero_se` has warned.
    """
    if res.std_error > 1e-12 * (1.0 + y_scale):
        return res
    note = (
        "no interval or p-value (NaN): the standard error is 0 because the matched "
        "differences do not vary"
    )
    # an estimate within rounding of 0 is float noise, not an effect
    est = 0.0 if abs(res.estimate) <= 1e-12 * (1.0 + y_scale) else res.estimate
    return dataclasses.replace(
        res, estimate=est, ci=(np.nan, np.nan), pvalue=np.nan, notes=(*res.notes, note)
    )


def _few_matched(res: EffectResult) -> EffectResult:
    """Minimum-information rule of :func:`ipw` for matching: fewer than ``MIN_ARM`` matched
    units in an arm give no interval or p-value (NaN), with a SmallSampleWarning and a note.

    Two matched pairs gave p = 0.003 from a t(1) reference where an exact test of two pairs
    cannot go below 0.5.
    """
    smallest = min(res.n_treated or 0, res.n_control or 0)
    if smallest >= MIN_ARM or not np.isfinite(res.pvalue):
        return res
    arm = "treated" if (res.n_treated or 0) <= (res.n_control or 0) else "control"
    warnings.warn(
        f"effect(): the matched sample has {smallest} {arm} unit(s), fewer than {MIN_ARM}; "
        "its standard error has no information, so no interval or p-value is reported (NaN). "
        "Compare the matched units with an exact test instead, or widen the caliper.",
        SmallSampleWarning,
        stacklevel=3,
    )
    note = (
        f"no interval or p-value (NaN): {smallest} matched {arm} unit(s), fewer than the "
        f"{MIN_ARM} a standard error needs"
    )
    return dataclasses.replace(res, ci=(np.nan, np.nan), pvalue=np.nan, notes=(*res.notes, note))


def _set_ids(t_pos: np.ndarray) -> np.ndarray:
    """Matched-set number of each match row: treated units numbered 1.. in data order."""
    if t_pos.size == 0:
        return t_pos.copy()
    has = np.bincount(t_pos) > 0
    return np.cumsum(has)[t_pos]


def _n_distinct(pos: np.ndarray) -> int:
    return int((np.bincount(pos) > 0).sum()) if pos.size else 0


def _resolve_distance(
    data: pd.DataFrame,
    distance: Any,
    treated: np.ndarray,
    design: Design,
    treatment: Hashable,
    covs: list[Hashable],
) -> tuple[str, np.ndarray | None, PropensityScore | None, str]:
    """Kind ("score" or "mahalanobis"), the score array, the model and a label."""
    if isinstance(distance, PropensityScore):
        if not distance.scores.index.equals(data.index):
            raise EffektError(
                "The PropensityScore given as 'distance' to match() was fitted on other rows; "
                "fit it on the same data (after the same missing-value handling)."
            )
        return (
            "score",
            distance.scores.to_numpy(dtype=float),
            distance,
            f"propensity score ({distance.model})",
        )
    if isinstance(distance, str) and distance == "mahalanobis":
        return "mahalanobis", None, None, "Mahalanobis distance"
    model = _model_of(distance)
    if model is not None:
        if treatment in covs:
            raise EffektError(
                f"The treatment column {quote(treatment)} is also listed in 'covariates' of {_FUNC}(); remove it."
            )
        ps = _fit_propensity(
            np.asarray(design.X),
            design.names,
            treated,
            data.index,
            model=model,
            max_iter=25,
            treatment=treatment,
            covariates=covs,
            func=_FUNC,
        )
        return "score", ps.scores.to_numpy(), ps, f"propensity score ({ps.model})"
    return "score", _given_scores(data, distance), None, _given_label(data, distance)


def _model_of(distance: Any) -> Any:
    """The propensity model a ``distance`` asks for ("logit" or a classifier), else None."""
    if isinstance(distance, str) and distance in ("logit", "glm"):
        return "logit"
    if hasattr(distance, "fit") and hasattr(distance, "predict_proba"):
        return distance
    return None


def _is_column(data: pd.DataFrame, distance: Any) -> bool:
    return (
        isinstance(distance, Hashable)
        and not isinstance(distance, (np.ndarray, pd.Series))
        and distance in data.columns
    )


def _given_label(data: pd.DataFrame, distance: Any) -> str:
    return f"column {quote(distance)}" if _is_column(data, distance) else "supplied scores"


def _given_scores(data: pd.DataFrame, distance: Any) -> np.ndarray:
    """Scores given as a column name, an array in data order or a Series aligned on the index."""
    n = len(data)
    if _is_column(data, distance):
        return numeric_column(data[distance], distance, _FUNC, "distance")
    if isinstance(distance, pd.Series):
        # align on the index, as for a PropensityScore: a Series in another order must not
        # be paired with the wrong rows
        if not distance.index.is_unique:
            raise EffektError(
                "The Series given as 'distance' to match() has duplicated index labels, so it cannot "
                "be aligned with the rows of the data; pass a plain array in data order instead."
            )
        where = distance.index.get_indexer(data.index)
        if (where < 0).any():
            missing_labels = data.index[where < 0]
            raise EffektError(
                f"The Series given as 'distance' to match() has no score for {len(missing_labels)} row(s) of "
                f"the data (e.g. index label {missing_labels[0]!r}); give one score per row, indexed like the data."
            )
        distance = distance.to_numpy()[where]
    if isinstance(distance, (np.ndarray, list)):
        arr = np.asarray(distance, dtype=float)
        if arr.shape != (n,):
            raise argument_error(
                _FUNC, "distance", f"an array of one score per row ({n})", f"shape {arr.shape}"
            )
        if not np.isfinite(arr).all():
            raise argument_error(
                _FUNC, "distance", "finite scores", "an array with missing or infinite values"
            )
        return arr
    raise argument_error(
        _FUNC,
        "distance",
        "'logit', 'mahalanobis', a column name, an array of scores, a PropensityScore or a scikit-learn classifier",
        distance,
    )


def _whitened(X: np.ndarray, treated: np.ndarray) -> np.ndarray:
    """Covariates whitened by the pooled within-group covariance (Mahalanobis distance)."""
    xt, xc = X[treated], X[~treated]
    k = X.shape[1]
    pooled = (
        (len(xt) - 1) * np.cov(xt, rowvar=False).reshape(k, k)
        + (len(xc) - 1) * np.cov(xc, rowvar=False).reshape(k, k)
    ) / (len(X) - 2)
    try:
        L = np.linalg.cholesky(pooled)
    except np.linalg.LinAlgError as exc:
        raise EffektError(
            f"{_FUNC}(): the covariates are collinear or constant within groups, so the Mahalanobis "
            "distance is undefined; remove the redundant covariate."
        ) from exc
    return np.linalg.solve(L, (X - X.mean(axis=0)).T).T


def _strata_codes(data: pd.DataFrame, exact: list[Hashable]) -> tuple[np.ndarray, list[Any]]:
    if not exact:
        return np.zeros(len(data), dtype=np.int64), [None]
    try:
        codes = (
            data.groupby(exact, sort=True, observed=True, dropna=False)
            .ngroup()
            .to_numpy()
            .astype(np.int64)
        )
        labels = data[exact].drop_duplicates().sort_values(exact).apply(tuple, axis=1).tolist()
        return codes, labels
    except TypeError:
        pass
    # a column mixing types (e.g. 1 and "a" in an object column) cannot be sorted: order its
    # values by (type name, text) instead, and the other columns as usual
    per_col: list[np.ndarray] = []
    levels: list[np.ndarray] = []
    for col in exact:
        try:
            c, lev = pd.factorize(data[col], sort=True)
        except TypeError:
            c, lev = factorize_levels(data[col], col, "exact", _FUNC, sort=False)
            lev = np.asarray(lev, dtype=object)
            order = sorted(range(len(lev)), key=lambda k: (type(lev[k]).__name__, str(lev[k])))
            rank = np.empty(len(lev), dtype=np.int64)
            rank[order] = np.arange(len(lev))
            c, lev = rank[c], lev[order]
        per_col.append(np.asarray(c, dtype=np.int64))
        levels.append(np.asarray(lev, dtype=object))
    combos, codes = np.unique(np.column_stack(per_col), axis=0, return_inverse=True)
    labels = [tuple(levels[j][row[j]] for j in range(len(exact))) for row in combos]
    return np.asarray(codes, dtype=np.int64).ravel(), labels


def _visit_order(score_t: np.ndarray, order: str, rng: np.random.Generator) -> np.ndarray:
    n = len(score_t)
    if order == "largest":
        return np.argsort(-score_t, kind="stable")
    if order == "smallest":
        return np.argsort(score_t, kind="stable")
    if order == "random":
        return rng.permutation(n)
    return np.arange(n)


def _score_match(
    score: np.ndarray,
    treated: np.ndarray,
    eligible: np.ndarray,
    strata: np.ndarray,
    n_strata: int,
    *,
    ratio: int,
    replace: bool,
    caliper: float,
    order: str,
    rng: np.random.Generator,
    ties: bool,
    tie_tolerance: float,
    tie_scale: float = 1.0,
    used: np.ndarray | None = None,
    treated_subset: np.ndarray | None = None,
    side: str = "left",
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Match on a 1-D score; returns positions (into the full arrays) and ranks."""
    t_all = np.flatnonzero(treated & eligible) if treated_subset is None else treated_subset
    c_mask = ~treated & eligible
    if used is not None:
        c_mask &= ~used
    c_all = np.flatnonzero(c_mask)
    if t_all.size == 0 or c_all.size == 0:
        e = np.empty(0, dtype=np.int64)
        return e, e, e
    c_order, start, end = _engine.sorted_controls(score[c_all], strata[c_all], n_strata)
    c_sorted = c_all[c_order]
    s_sorted = score[c_sorted]
    st = score[t_all]
    gt = strata[t_all]
    if replace:
        ti, ci, rk = _engine.nearest_with_replacement(
            st,
            gt,
            s_sorted,
            start,
            end,
            ratio=ratio,
            caliper=caliper,
            ties=ties,
            tie_tolerance=tie_tolerance,
            tie_scale=tie_scale,
            side=side,
        )
    else:
        visit = _visit_order(st, order, rng)
        ti, ci, rk = _engine.greedy_without_replacement(
            st, gt, visit, s_sorted, start, end, ratio=ratio, caliper=caliper, side=side
        )
    return t_all[ti], c_sorted[ci], rk


def _mahalanobis_match(
    Z: np.ndarray,
    treated: np.ndarray,
    eligible: np.ndarray,
    strata: np.ndarray,
    *,
    ratio: int,
    replace: bool,
    caliper: float,
    order: str,
    rng: np.random.Generator,
    used: np.ndarray | None = None,
    treated_subset: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Greedy matching on whitened covariates with k-d trees, one stratum at a time."""
    from scipy.spatial import cKDTree

    t_all = np.flatnonzero(treated & eligible) if treated_subset is None else treated_subset
    c_mask = ~treated & eligible
    if used is not None:
        c_mask &= ~used
    out_t: list[int] = []
    out_c: list[int] = []
    out_r: list[int] = []
    if order in ("largest", "smallest"):
        order = "data"
    for s in np.unique(strata[t_all]):
        ts = t_all[strata[t_all] == s]
        cs = np.flatnonzero(c_mask & (strata == s))
        if cs.size == 0:
            continue
        tree = cKDTree(Z[cs])
        if replace:
            k = min(ratio, cs.size)
            d, j = tree.query(Z[ts], k=k)
            d, j = d.reshape(len(ts), k), j.reshape(len(ts), k)
            for r in range(k):
                ok = d[:, r] <= caliper
                out_t.extend(ts[ok].tolist())
                out_c.extend(cs[j[ok, r]].tolist())
                out_r.extend([r + 1] * int(ok.sum()))
            continue
        visit = ts[_visit_order(np.zeros(len(ts)), order, rng)]
        free = np.ones(cs.size, dtype=bool)
        kq = min(cs.size, 8 * ratio)
        d0, j0 = tree.query(Z[visit], k=kq)
        d0, j0 = d0.reshape(len(visit), kq), j0.reshape(len(visit), kq)
        active = list(range(len(visit)))
        for rank in range(1, ratio + 1):
            still = []
            for a in active:
                found = -1
                dd, jj = d0[a], j0[a]
                for d_, j_ in zip(dd.tolist(), jj.tolist(), strict=False):
                    if d_ > caliper:
                        break
                    if free[j_]:
                        found = j_
                        break
                else:
                    # every cached candidate is used: ask the tree for twice as many, and so on
                    kk = len(jj)
                    while found < 0 and kk < cs.size:
                        kk = min(cs.size, 2 * kk)
                        dd2, jj2 = tree.query(Z[visit[a]], k=kk)
                        for d_, j_ in zip(
                            np.atleast_1d(dd2).tolist(), np.atleast_1d(jj2).tolist(), strict=False
                        ):
                            if d_ > caliper:
                                kk = cs.size
                                break
                            if free[j_]:
                                found = j_
                                break
                if found < 0:
                    continue
                free[found] = False
                out_t.append(int(visit[a]))
                out_c.append(int(cs[found]))
                out_r.append(rank)
                still.append(a)
            active = still
    return (
        np.asarray(out_t, dtype=np.int64),
        np.asarray(out_c, dtype=np.int64),
        np.asarray(out_r, dtype=np.int64),
    )


@dataclass
class _Plan:
    """The checked options of one :func:`match` call, filled in step by step."""

    ratio: int
    replace: bool
    caliper: float | None
    std_caliper: bool
    exact: list[Hashable]
    exact_fallback: bool
    order: str | None
    discard: str
    ties: bool
    tie_tolerance: float
    cal_abs: float | None = None
    tie_scale: float = 1.0
    estimand: str = "ATT"
    notes: list[str] = field(default_factory=list)

    def options(self, label: str, n_missing: int) -> dict[str, Any]:
        """The arguments of the call, as :attr:`MatchResult.options` records them."""
        return dict(
            distance_label=label,
            ratio=self.ratio,
            replace=self.replace,
            caliper=self.caliper,
            std_caliper=self.std_caliper,
            exact=tuple(self.exact),
            exact_fallback=self.exact_fallback,
            order=self.order,
            discard=self.discard,
            ties=self.ties,
            tie_tolerance=self.tie_tolerance,
            tie_scale=self.tie_scale,
            estimand=self.estimand,
            method="nearest",
            n_dropped_missing=n_missing,
        )


def _check_options(
    ratio: Any,
    replace: Any,
    caliper: Any,
    std_caliper: Any,
    exact_cols: list[Hashable],
    exact_fallback: Any,
    order: Any,
    discard: Any,
    ties: Any,
    tie_tolerance: Any,
) -> _Plan:
    """Step 1a: every option of :func:`match` checked, before any data is touched."""
    ratio = int(check_number(ratio, "ratio", _FUNC, low=1, integer=True))
    flags = {
        "replace": replace,
        "std_caliper": std_caliper,
        "exact_fallback": exact_fallback,
        "ties": ties,
    }
    for flag, value in flags.items():
        if not isinstance(value, (bool, np.bool_)):
            raise argument_error(_FUNC, flag, "True or False", value)
    tie_tolerance = check_number(tie_tolerance, "tie_tolerance", _FUNC, low=0)
    if caliper is not None:
        caliper = check_number(caliper, "caliper", _FUNC, low=0, low_open=True)
    check_choice(discard, "discard", _FUNC, DISCARDS)
    if order is not None:
        check_choice(order, "order", _FUNC, ORDERS)
    if exact_fallback and not exact_cols:
        raise EffektError(
            "The 'exact_fallback' argument of match() needs 'exact' columns; got exact=None."
        )
    if ties and not replace:
        raise EffektError(
            "The 'ties' argument of match() applies to matching with replacement; pass replace=True."
        )
    return _Plan(
        ratio=ratio,
        replace=bool(replace),
        caliper=caliper,
        std_caliper=bool(std_caliper),
        exact=exact_cols,
        exact_fallback=bool(exact_fallback),
        order=order,
        discard=discard,
        ties=bool(ties),
        tie_tolerance=tie_tolerance,
    )


def _inputs(
    data: Any,
    treatment: Hashable,
    covs: list[Hashable],
    exact_cols: list[Hashable],
    distance: Any,
    treated_value: Any,
    missing: str,
) -> tuple[pd.DataFrame, np.ndarray, Design, int]:
    """Step 1b: the DataFrame checked once: rows kept, treated flags, encoded covariates.

    The covariates are encoded once here (first level dropped for a propensity model or the
    Mahalanobis distance, every level otherwise, only to check them); arrays flow on.
    """
    data = check_frame(data, _FUNC)
    require_columns(data, _FUNC, treatment=treatment, covariates=covs, exact=exact_cols)
    dist_col = (
        [distance]
        if isinstance(distance, str)
        and distance in data.columns
        and distance not in ("logit", "glm", "mahalanobis")
        else []
    )
    n_input = len(data)
    data = handle_missing(data, [treatment, *covs, *exact_cols, *dist_col], missing, _FUNC)
    treated = two_valued(data[treatment], treatment, "treatment", _FUNC, treated_value)
    if treated.all() or not treated.any():
        raise EffektError(
            f"{_FUNC}(): the data hold only one treatment group; both treated and controls are needed."
        )
    model_design = _model_of(distance) is not None or (
        isinstance(distance, str) and distance == "mahalanobis"
    )
    design = encode_covariates(data, covs, _FUNC, drop_first=model_design)
    return data, treated, design, n_input - len(data)


def _common_support(score: np.ndarray | None, treated: np.ndarray, discard: str) -> np.ndarray:
    """Step 3: units outside the common support of the score (``discard``)."""
    discarded = np.zeros(len(treated), dtype=bool)
    if discard != "none":
        if score is None:
            raise EffektError(
                "The 'discard' argument of match() needs a propensity score; it cannot be used with distance='mahalanobis'."
            )
        t_lo, t_hi = score[treated].min(), score[treated].max()
        c_lo, c_hi = score[~treated].min(), score[~treated].max()
        if discard in ("both", "treated"):
            discarded |= treated & ((score < c_lo) | (score > c_hi))
        if discard in ("both", "control"):
            discarded |= ~treated & ((score < t_lo) | (score > t_hi))
    eligible = ~discarded
    if not (treated & eligible).any() or not (~treated & eligible).any():
        raise EffektError(
            f"{_FUNC}(): after discard={discard!r} no {'treated' if not (treated & eligible).any() else 'control'} "
            "units are left: the groups do not overlap on the propensity score."
        )
    return discarded


def _set_caliper(plan: _Plan, kind: str, score: np.ndarray | None, eligible: np.ndarray) -> None:
    """Step 4: the caliper in distance units, and the SD that scales tie tolerances."""
    if plan.caliper is not None:
        if kind == "mahalanobis":
            if plan.std_caliper:
                raise EffektError(
                    "With distance='mahalanobis' the caliper of match() is in Mahalanobis-distance units; "
                    "pass std_caliper=False (got std_caliper=True)."
                )
            plan.cal_abs = float(plan.caliper)
        else:
            sd = float(np.std(cast(np.ndarray, score)[eligible], ddof=1))
            plan.cal_abs = float(plan.caliper * sd) if plan.std_caliper else float(plan.caliper)
    if plan.ties and score is None:
        raise EffektError(
            "The 'ties' argument of match() needs a one-dimensional score; not distance='mahalanobis'."
        )
    plan.tie_scale = float(np.std(score[eligible], ddof=1)) if score is not None else 1.0


def _check_exact_strata(
    plan: _Plan, strata: np.ndarray, labels: list[Any], treated: np.ndarray, eligible: np.ndarray
) -> None:
    """Exact strata holding treated units but no eligible control: warn, or raise if all are."""
    if not plan.exact:
        return
    n_strata = int(strata.max()) + 1
    nt_s = np.bincount(strata[treated & eligible], minlength=n_strata)
    nc_s = np.bincount(strata[~treated & eligible], minlength=n_strata)
    empty = np.flatnonzero((nt_s > 0) & (nc_s == 0))
    if not empty.size or plan.exact_fallback:
        return
    shown = "; ".join(f"{labels[s]}: {nt_s[s]} treated" for s in empty[:5])
    msg = (
        f"{_FUNC}(): {empty.size} exact stratum/strata of {list(map(str, plan.exact))} hold treated "
        f"units but no controls ({shown}); those {int(nt_s[empty].sum())} treated units cannot be "
        "matched. Coarsen the strata or use exact_fallback=True."
    )
    if nt_s[empty].sum() == nt_s.sum():
        raise EffektError(
            msg.replace("cannot be matched", "cannot be matched, and nobody else is left")
        )
    warnings.warn(msg, OverlapWarning, stacklevel=3)
    plan.notes.append(
        f"{int(nt_s[empty].sum())} treated units in exact strata without controls were not matched"
    )


_Matches = tuple[np.ndarray, np.ndarray, np.ndarray]


def _matcher(
    plan: _Plan,
    kind: str,
    score: np.ndarray | None,
    Z: np.ndarray | None,
    treated: np.ndarray,
    eligible: np.ndarray,
    rng: np.random.Generator,
) -> Any:
    """Step 5: the matcher, a function of (strata, used controls, treated subset)."""
    order = cast(str, plan.order)
    if kind == "mahalanobis":

        def run(
            strata_: np.ndarray, used: np.ndarray | None, subset: np.ndarray | None
        ) -> _Matches:
            return _mahalanobis_match(
                cast(np.ndarray, Z),
                treated,
                eligible,
                strata_,
                ratio=plan.ratio,
                replace=plan.replace,
                caliper=np.inf if plan.cal_abs is None else plan.cal_abs,
                order=order,
                rng=rng,
                used=used,
                treated_subset=subset,
            )

        return run

    def run_score(
        strata_: np.ndarray, used: np.ndarray | None, subset: np.ndarray | None
    ) -> _Matches:
        return _score_match(
            cast(np.ndarray, score),  # kind == "score": never None here
            treated,
            eligible,
            strata_,
            int(strata_.max()) + 1,
            ratio=plan.ratio,
            replace=plan.replace,
            caliper=np.inf if plan.cal_abs is None else plan.cal_abs,
            order=order,
            rng=rng,
            ties=plan.ties,
            tie_tolerance=plan.tie_tolerance,
            tie_scale=plan.tie_scale,
            used=used,
            treated_subset=subset,
            side="right" if plan.estimand == "ATC" else "left",
        )

    return run_score


def _run_matching(
    plan: _Plan, run: Any, strata: np.ndarray, treated: np.ndarray, eligible: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Step 5 run: within exact strata, then (``exact_fallback``) across them for those left."""
    t_pos, c_pos, rank = run(strata, None, None)
    stage = np.full(len(t_pos), "exact" if plan.exact else "main", dtype=object)
    if not plan.exact_fallback:
        return t_pos, c_pos, rank, stage
    n = len(treated)
    got = np.zeros(n, dtype=bool)
    got[t_pos] = True
    left = np.flatnonzero(treated & eligible & ~got)
    if left.size:
        used = np.zeros(n, dtype=bool)
        if not plan.replace:
            used[c_pos] = True
        t2, c2, r2 = run(np.zeros(n, dtype=np.int64), used, left)
        t_pos, c_pos, rank = np.r_[t_pos, t2], np.r_[c_pos, c2], np.r_[rank, r2]
        stage = np.r_[stage, np.full(len(t2), "fallback", dtype=object)]
        plan.notes.append(
            f"{_n_distinct(t2)} treated units were matched across exact strata (exact_fallback)"
        )
    return t_pos, c_pos, rank, stage


def _caliper_text(plan: _Plan) -> str:
    return f"{plan.caliper:g}{' SD' if plan.std_caliper else ''} = {plan.cal_abs:.4g}"


def _report(
    plan: _Plan,
    t_pos: np.ndarray,
    treated: np.ndarray,
    discarded: np.ndarray,
    n_missing: int,
) -> None:
    """Step 6: nobody matched raises; unmatched, discarded and dropped units are reported."""
    eligible = ~discarded
    n_t_elig = int((treated & eligible).sum())
    n_t_match = _n_distinct(t_pos)
    if n_t_match == 0:
        raise EffektError(
            f"{_FUNC}(): no treated unit could be matched"
            + (f" within the caliper ({_caliper_text(plan)})" if plan.cal_abs is not None else "")
            + "; widen the caliper or check the overlap of the groups."
        )
    if n_missing:
        plan.notes.append(f"{n_missing} rows with missing values were dropped before matching")
    n_disc_t = int((discarded & treated).sum())
    n_disc_c = int((discarded & ~treated).sum())
    if n_disc_t or n_disc_c:
        plan.notes.append(
            f"discard={plan.discard!r} removed {n_disc_t} treated and {n_disc_c} control units outside common support"
        )
    n_c_elig = int((~treated & eligible).sum())
    unmatched = n_t_elig - n_t_match
    if unmatched or n_disc_t:
        reasons = []
        if plan.cal_abs is not None:
            reasons.append(f"caliper {_caliper_text(plan)}")
        if plan.exact:
            reasons.append(f"exact on {list(map(str, plan.exact))}")
        if not plan.replace and plan.ratio * n_t_elig > n_c_elig:
            reasons.append("too few controls")
        text = (
            f"{_FUNC}(): {unmatched + n_disc_t} of {int(treated.sum())} treated units are not in the matched sample "
            f"({unmatched} unmatched"
            + (f" [{'; '.join(reasons)}]" if reasons else "")
            + (f", {n_disc_t} discarded outside common support" if n_disc_t else "")
            + "); the effect is estimated for the matched treated only."
        )
        warnings.warn(text, OverlapWarning, stacklevel=3)
        plan.notes.append(
            f"{unmatched + n_disc_t} of {int(treated.sum())} treated units are not in the matched sample"
        )
    if not plan.replace and plan.ratio > 1 and plan.ratio * n_t_elig > n_c_elig:
        short = int(
            (np.bincount(t_pos, minlength=len(treated))[treated & eligible] < plan.ratio).sum()
        )
        warnings.warn(
            f"{_FUNC}(): ratio={plan.ratio} asks for {plan.ratio * n_t_elig} controls for {n_t_elig} treated units, but only "
            f"{n_c_elig} controls are available without replacement; {short} "
            "treated units got fewer than the requested controls.",
            OverlapWarning,
            stacklevel=3,
        )


def _weights(
    t_pos: np.ndarray, c_pos: np.ndarray, n: int, replace: bool
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Step 7: MatchIt's ``match.data()`` weights, the within-set weights and subclasses."""
    k_i = np.bincount(t_pos, minlength=n).astype(float)
    w_rows = 1.0 / k_i[t_pos]
    weights = np.zeros(n)
    weights[t_pos] = 1.0
    cw = np.bincount(c_pos, weights=w_rows, minlength=n)
    used_c = cw > 0
    weights[used_c] = cw[used_c] * used_c.sum() / cw.sum()
    subclass = np.full(n, -1, dtype=np.int64)
    if not replace:
        sets = _set_ids(t_pos)
        subclass[t_pos] = sets
        subclass[c_pos] = sets
    return weights, w_rows, subclass


def _check_estimand(estimand: Any, replace: bool) -> str:
    check_choice(estimand, "estimand", _FUNC, ("ATT", "ATC", "ATE"))
    if estimand == "ATE" and not replace:
        raise EffektError(
            "match(): estimand='ATE' matches both ways (every unit to the other group, as Stata's "
            "teffects psmatch does), which needs replace=True; or use optimal_match(method='full'), "
            "cem(), subclassify() or entropy_weights() for an ATE without replacement."
        )
    return str(estimand)


def _both_ways(
    plan: _Plan,
    run_t: Any,
    run_c: Any,
    strata: np.ndarray,
    treated: np.ndarray,
    eligible: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The ATE design: treated matched to controls, then controls to treated (with replacement)."""
    a = _run_matching(plan, run_t, strata, treated, eligible)
    b = _run_matching(plan, run_c, strata, ~treated, eligible)
    t_pos, c_pos, rank, stage = (np.r_[x, y] for x, y in zip(a, b, strict=True))
    return t_pos, c_pos, rank, stage


def _ate_weights(
    t_pos: np.ndarray, c_pos: np.ndarray, w_rows: np.ndarray, treated: np.ndarray
) -> np.ndarray:
    """``1 + K_i`` (times used as a match, within-set weighted) for every matched unit, each
    group normalised to its size: the weighted difference in means is the matched ATE."""
    n = len(treated)
    w = np.bincount(c_pos, weights=w_rows, minlength=n)
    w[np.unique(t_pos)] += 1.0
    for g in (treated, ~treated):
        on = g & (w > 0)
        w[on] *= on.sum() / w[on].sum()
    return w


_NEAREST_DEFAULTS: dict[str, Any] = dict(
    distance="logit",
    replace=False,
    std_caliper=True,
    order=None,
    discard="none",
    seed=0,
    ties=False,
    tie_tolerance=1e-5,
)
_SHARED_DEFAULTS: dict[str, Any] = dict(
    ratio=1,
    caliper=None,
    exact=None,
    exact_fallback=False,
    estimand="ATT",
    cutpoints=None,
    k2k=False,
    subclasses=6,
    moments=1,
    min_controls=0.0,
    max_controls=np.inf,
)


def _is_default(value: Any, default: Any) -> bool:
    if value is default:
        return True
    try:
        return bool(np.ndim(value) == 0 and value == default)
    except (TypeError, ValueError):
        return False


def _other_method(
    method: Any,
    data: pd.DataFrame,
    treatment: Hashable,
    covariates: Any,
    missing: str,
    args: dict[str, Any],
) -> MatchedSample:
    """``match(method=...)`` for every design but nearest-neighbour matching."""
    check_choice(method, "method", _FUNC, METHODS)
    defaults = {**_NEAREST_DEFAULTS, **_SHARED_DEFAULTS}
    given = {k: args[k] for k, v in defaults.items() if not _is_default(args[k], v)}
    options = {k: args[k] for k in _SHARED_DEFAULTS}
    options["treated_value"] = args["treated_value"]
    return run_method(method, data, treatment, covariates, options, given, missing)


@overload
def match(
    data: pd.DataFrame,
    treatment: Hashable,
    covariates: Sequence[Hashable] | Hashable,
    *,
    distance: Any = ...,
    ratio: int = ...,
    replace: bool = ...,
    caliper: float | None = ...,
    std_caliper: bool = ...,
    exact: Sequence[Hashable] | Hashable | None = ...,
    exact_fallback: bool = ...,
    order: str | None = ...,
    discard: str = ...,
    treated_value: Any = ...,
    seed: int | np.random.Generator | None = ...,
    missing: str = ...,
    ties: bool = ...,
    tie_tolerance: float = ...,
    estimand: str = ...,
    method: Literal["nearest"] = ...,
    cutpoints: Mapping[Hashable, Any] | None = ...,
    k2k: bool = ...,
    subclasses: int = ...,
    moments: int = ...,
    min_controls: float = ...,
    max_controls: float = ...,
) -> MatchResult: ...


@overload
def match(
    data: pd.DataFrame,
    treatment: Hashable,
    covariates: Sequence[Hashable] | Hashable,
    *,
    distance: Any = ...,
    ratio: int = ...,
    replace: bool = ...,
    caliper: float | None = ...,
    std_caliper: bool = ...,
    exact: Sequence[Hashable] | Hashable | None = ...,
    exact_fallback: bool = ...,
    order: str | None = ...,
    discard: str = ...,
    treated_value: Any = ...,
    seed: int | np.random.Generator | None = ...,
    missing: str = ...,
    ties: bool = ...,
    tie_tolerance: float = ...,
    estimand: str = ...,
    method: str,
    cutpoints: Mapping[Hashable, Any] | None = ...,
    k2k: bool = ...,
    subclasses: int = ...,
    moments: int = ...,
    min_controls: float = ...,
    max_controls: float = ...,
) -> MatchedSample: ...


def match(
    data: pd.DataFrame,
    treatment: Hashable,
    covariates: Sequence[Hashable] | Hashable,
    *,
    distance: Any = "logit",
    ratio: int = 1,
    replace: bool = False,
    caliper: float | None = None,
    std_caliper: bool = True,
    exact: Sequence[Hashable] | Hashable | None = None,
    exact_fallback: bool = False,
    order: str | None = None,
    discard: str = "none",
    treated_value: Any = None,
    seed: int | np.random.Generator | None = 0,
    missing: str = "raise",
    ties: bool = False,
    tie_tolerance: float = 1e-5,
    estimand: str = "ATT",
    method: str = "nearest",
    cutpoints: Mapping[Hashable, Any] | None = None,
    k2k: bool = False,
    subclasses: int = 6,
    moments: int = 1,
    min_controls: float = 0.0,
    max_controls: float = np.inf,
) -> MatchedSample:
    """Match or weight treated units and controls; greedy nearest-neighbour matching by default.

    Every ``method`` returns a :class:`~effekt.matching.MatchedSample` (nearest-neighbour
    matching its subclass :class:`MatchResult`) with the units' sets and weights, the method
    and the estimand, and the same ``effect()``, ``balance()``, ``balance_table()``,
    ``plot_balance()``, ``plot_overlap()``, ``matched_data()``, ``summary()`` and
    ``to_frame()``.

    Parameters
    ----------
    data : DataFrame (pandas, Polars, PyArrow), DuckDB relation or PySpark DataFrame
        One row per person; not modified.
        Any backend is read in full (see Notes).
    treatment : column name
        Two-valued treatment column (0/1, boolean, or any two values with ``treated_value``).
    covariates : list of column names
        Pre-treatment covariates for the propensity model (or the Mahalanobis distance) and
        the balance table; categorical columns are one-hot encoded.
    distance : "logit", "mahalanobis", column name, array, Series, PropensityScore or classifier
        What to match on (see the module docstring). An array must hold one score per row
        in data order; a Series is aligned on the data's index (every row needs a score).
    ratio : int
        Controls per treated unit (1:k, matched in rounds); at most the number of units
        to match to.
    replace : bool
        Whether a control may be matched to several treated units.
    caliper : float, optional
        Largest allowed distance difference, in SDs of the distance if ``std_caliper``.
    std_caliper : bool
        Whether ``caliper`` is in standard deviations of the distance (MatchIt's default).
    exact : column name(s), optional
        Match only within the strata formed by these columns (e.g. benefit group).
    exact_fallback : bool
        After matching within strata, match treated units left without a control across
        strata on the controls still unused. Not available in MatchIt.
    order : {"largest", "smallest", "data", "random"}, optional
        Order of treated units without replacement; default ``"largest"`` for a score,
        ``"data"`` for Mahalanobis distance.
    discard : {"none", "both", "control", "treated"}
        Drop units outside the common support of the score before matching.
    treated_value : optional
        Value of ``treatment`` that marks treated units.
    seed : int, Generator or None, default 0
        Seed for ``order="random"``: a whole number >= 0 (``None``: fresh entropy).
    missing : {"raise", "drop"}
        Missing values in treatment, covariates or exact columns raise, or drop the rows with
        a warning giving the count.
    ties : bool
        With replacement, keep every control as close as the k-th nearest (Matching's
        ``ties = TRUE``); the set's controls share the treated unit's weight equally.
    tie_tolerance : float
        With ``ties``: a control is tied with the k-th nearest when its squared
        standardized distance ``(d / sd(score))^2`` exceeds the k-th one's by at most this
        (``Matching::Match``'s ``distance.tolerance``, default 1e-5).
    estimand : {"ATT", "ATC", "ATE"}, default "ATT"
        ``"ATC"`` matches every control to treated units (the controls are the focal units:
        ``pairs()`` lists a control under ``treated``), default order ``"smallest"`` and a
        control tied in score with treated units sits after them, as MatchIt 4.7 does;
        ``effect()`` then estimates the effect on the controls. ``"ATE"`` (with
        ``replace=True``) matches both ways, every unit to the other group, as Stata's
        ``teffects psmatch`` does; each unit's weight is one plus the times it serves as a
        match, and ``effect()`` gives the ATE with the Abadie–Imbens SE.
    method : {"nearest", "optimal", "full", "cem", "subclass", "ebal", "overlap", "ipw"}
        ``"nearest"`` (the arguments above); ``"optimal"``: optimal pair / 1:k matching
        (``ratio``, ``caliper``, ``exact``, ``exact_fallback``; ATT or ATC) and ``"full"``:
        optimal full matching (``caliper``, ``exact``, ``min_controls``, ``max_controls``), both
        as :func:`optimal_match`; ``"cem"``: coarsened exact matching (``cutpoints``, ``k2k``,
        as :func:`cem`); ``"subclass"``: subclassification on the propensity score
        (``subclasses``, as :func:`subclassify`); ``"ebal"``: entropy balancing
        (``moments``, as :func:`entropy_weights`); ``"overlap"``: overlap weights (estimand
        "ATO", as :func:`overlap_weights`); ``"ipw"``: inverse-probability weights of the
        logistic score (ATT/ATC/ATE; the effect equals :func:`ipw`'s, whose M-estimation SE
        also counts the score's uncertainty, unlike ``effect()``'s HC1). An argument the
        method does not use raises.
    cutpoints, k2k : optional
        ``method="cem"`` only (see :func:`cem`).
    subclasses : int, default 6
        ``method="subclass"`` only.
    moments : int, default 1
        ``method="ebal"`` only.
    min_controls, max_controls : float, default 0 and inf
        ``method="full"`` only: controls per treated unit in each set (see
        :func:`optimal_match`).

    Returns
    -------
    MatchedSample
        A :class:`MatchResult` for ``method="nearest"``.

    Raises
    ------
    EffektError
        Bad arguments, missing values, separation in the propensity model, or nobody matched.

    Warns
    -----
    OverlapWarning
        Treated units left unmatched or discarded, with counts and reasons.

    Notes
    -----
    Any dataframe in: a Polars, PyArrow, DuckDB or PySpark ``data`` is checked against its
    schema (the named columns must exist) and then collected into pandas with every column,
    because the result keeps the data for ``effect()``, ``matched_data()`` and ``trajectory()``,
    which name further columns; memory ~ rows × columns. Select the columns you need in the
    engine first (e.g. ``lf.select([...])``) to collect fewer. Matching is unit-level: it needs
    every row.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from effekt.matching import match
    >>> rng = np.random.default_rng(0)
    >>> n = 500
    >>> df = pd.DataFrame({"age": rng.normal(40, 8, n),
    ...                    "benefit": rng.choice(["cash", "sickness"], n)})
    >>> df["vcg2"] = rng.random(n) < 1 / (1 + np.exp(1.8 - 0.04 * (df["age"] - 40)))
    >>> m = match(df, "vcg2", ["age", "benefit"], exact="benefit")
    >>> m.n_treated_matched == m.n_treated, m.n_controls_used == m.n_treated
    (True, True)
    >>> md = m.matched_data()
    >>> sorted(md.columns[-3:])
    ['distance', 'subclass', 'weights']
    >>> bool((md.groupby("subclass")["benefit"].nunique() == 1).all())
    True
    >>> full = match(df, "vcg2", ["age", "benefit"], method="full", max_controls=4)
    >>> full.method, full.estimand, bool(full.effect("age").std_error > 0)
    ('full', 'ATT', True)
    """
    check_level_value(treated_value, "treated_value", _FUNC)
    data = check_frame(
        data, _FUNC, all_columns=True, treatment=treatment, covariates=covariates, exact=exact
    )
    if method != "nearest":
        return _other_method(method, data, treatment, covariates, missing, locals())
    covs = as_column_list(covariates)
    if not covs:
        raise argument_error(_FUNC, "covariates", "a non-empty list of column names", covariates)
    exact_cols = as_column_list(exact)
    plan = _check_options(
        ratio,
        replace,
        caliper,
        std_caliper,
        exact_cols,
        exact_fallback,
        order,
        discard,
        ties,
        tie_tolerance,
    )
    plan.estimand = _check_estimand(estimand, bool(plan.replace))
    data, treated, design, n_missing = _inputs(
        data, treatment, covs, exact_cols, distance, treated_value, missing
    )
    check_covariate_scale(design.X, list(design.sources), _FUNC)
    rng = check_seed(seed, _FUNC)
    check_ratio(plan.ratio, treated, plan.estimand, _FUNC)
    kind, score, ps, label = _resolve_distance(data, distance, treated, design, treatment, covs)
    if plan.order is None:
        plan.order = "data" if kind != "score" else "smallest" if estimand == "ATC" else "largest"
    if kind == "mahalanobis" and plan.order in ("largest", "smallest"):
        raise EffektError(
            f"The 'order' argument of match() cannot be {plan.order!r} with distance='mahalanobis' "
            "(there is no score to sort on); use 'data' or 'random'."
        )
    discarded = _common_support(score, treated, plan.discard)
    eligible = ~discarded
    _set_caliper(plan, kind, score, eligible)
    strata, strata_labels = _strata_codes(data, exact_cols)
    # the focal group (matched to the other): the treated for the ATT, the controls for the ATC
    focal = ~treated if plan.estimand == "ATC" else treated
    _check_exact_strata(plan, strata, strata_labels, focal, eligible)
    Z = _whitened(np.asarray(design.X), treated) if kind == "mahalanobis" else None
    run = _matcher(plan, kind, score, Z, focal, eligible, rng)
    if plan.estimand == "ATE":
        run_c = _matcher(plan, kind, score, Z, ~treated, eligible, rng)
        t_pos, c_pos, rank, stage = _both_ways(plan, run, run_c, strata, treated, eligible)
        _report(plan, t_pos[treated[t_pos]], treated, discarded, n_missing)
    else:
        t_pos, c_pos, rank, stage = _run_matching(plan, run, strata, focal, eligible)
        _report(plan, t_pos, focal, discarded, n_missing)
    weights, w_rows, subclass = _weights(t_pos, c_pos, len(data), plan.replace)
    if plan.estimand == "ATE":
        weights = _ate_weights(t_pos, c_pos, w_rows, treated)
    return MatchResult(
        data=data,
        treatment=treatment,
        covariates=tuple(covs),
        treated=treated,
        distance=score,
        propensity=ps,
        weights=weights,
        subclass=subclass,
        discarded=discarded,
        caliper=plan.cal_abs,
        options=plan.options(label, n_missing),
        _t_pos=t_pos,
        _c_pos=c_pos,
        _rank=rank,
        _stage=stage,
        _w_rows=w_rows,
        _strata=strata if exact_cols and not plan.exact_fallback else None,
        notes=tuple(plan.notes),
    )
