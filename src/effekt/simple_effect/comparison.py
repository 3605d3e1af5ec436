"""Case-mix adjusted provider comparison: indirect or direct standardisation with a logistic
model, empirical-Bayes shrinkage, funnel and caterpillar plots, comparability warnings.

Examples
--------
>>> import effekt as ef
>>> df = ef.synthetic.providers(4, 200, seed=2)
>>> p = compare_providers(df, "job_6m", "provider", ["age"], warn=False)
>>> len(p.table())
4
"""

from __future__ import annotations

import warnings
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd
from scipy import special, stats

from .._inference import critical_value, wald_arrays
from .._multiplicity import adjust_pvalues
from .._validate import (
    argument_error,
    as_column_list,
    binary_outcome,
    check_choice,
    check_column_name,
    check_conf_level,
    check_frame,
    quote,
    require_columns,
)
from ..errors import ComparabilityWarning, EffektError, SmallSampleWarning
from ..intervals import clopper_pearson_interval
from ..language import number, speaks, term
from ..results import Result, format_pvalue
from . import _stats as _ps
from ._case_mix import (
    OUTSIDE_SHARE,
    check_not_provider_level,
    comparability,
    direct_standardisation,
    encode_case_mix,
    group_sums,
    reference_design,
    standardise,
)
from ._checks import (
    Adjust,
    check_adjust,
    check_plot_options,
    direction,
    prepare,
    provider_codes,
)
from ._display import interval, level, percent
from ._exact import EXACT_MAX_PARTICIPANTS, poisson_binomial_pvalues, saddlepoint_pvalues
from .funnel import _funnel_data, _ratio_funnel_data

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["ProviderComparison", "compare_providers"]

#: The exact test is calibrated for the estimation of the case-mix model when the model
#: absorbs more than this share of a provider's variance (``1 - V_g / D_g``; see Notes).
CALIBRATION_SHARE = 0.01


def _warn_comparability(comp: pd.DataFrame, func: str) -> None:
    """One ComparabilityWarning naming each non-comparable provider once (one clause each)."""
    bad = comp[~comp["comparable"]]
    if bad.empty:
        return
    parts = []
    for _, r in bad.head(6).iterrows():
        if r["period_outside_share"] >= max(r["outside_share"], OUTSIDE_SHARE):
            parts.append(
                f"{quote(r['provider'])}: its courses fall in a period the others do not cover "
                f"({100 * r['period_outside_share']:.0f} % of its participants)"
            )
        else:
            parts.append(
                f"{quote(r['provider'])}: its case mix lies outside what the others cover "
                f"({100 * r['outside_share']:.0f} % of its participants; mostly column "
                f"{quote(r['column'])}, standardized difference {r['smd']:+.2f})"
            )
    more = len(bad) - len(parts)
    warnings.warn(
        f"{func}(): provider(s) not comparable with the others: "
        + "; ".join(parts)
        + (f"; and {more} more provider(s)" if more > 0 else "")
        + ". Their adjusted rates extrapolate the case-mix model; see .comparability.",
        ComparabilityWarning,
        stacklevel=3,
    )


# ----------------------------------------------------------------------------- compare providers
@dataclass(frozen=True)
class ProviderComparison(Result):
    """Case-mix adjusted provider comparison; see :func:`compare_providers`.

    Attributes
    ----------
    frame : DataFrame
        The table (see :meth:`table`).
    method : {"indirect", "direct"}
    overall_rate : float
        Share with the outcome over all participants (the target of the funnel).
    tau2 : float
        DerSimonian-Laird between-provider variance of the excess rate (used for shrinkage).
    comparability : DataFrame
        One row per provider: ``outside_share`` (share of its participants whose case-mix
        risk score lies outside the central 99 % of the other providers' participants),
        ``period_outside_share``, ``comparable``, and the case-mix ``column``/``term`` with
        the largest standardized difference ``smd`` (see :func:`compare_providers`).
    coefficients : Series
        Log-odds coefficients of the case-mix model (numeric columns standardised).
    """

    frame: pd.DataFrame
    outcome: str
    provider: str
    case_mix: tuple[str, ...]
    method: str
    conf_level: float
    adjust: str
    overall_rate: float
    tau2: float
    comparability: pd.DataFrame
    coefficients: pd.Series
    notes: tuple[str, ...] = field(default_factory=tuple)

    def table(self) -> pd.DataFrame:
        """One row per provider; see :func:`compare_providers` for the columns."""
        return self.frame.copy()

    def to_frame(self) -> pd.DataFrame:
        return self.table()

    @speaks
    def summary(self) -> str:
        f = self.frame
        lvl = level(self.conf_level)
        how = term(
            "indirect standardisation (O/E)"
            if self.method == "indirect"
            else "direct standardisation"
        )
        lines = [
            term("Provider comparison of {outcome} by {provider}, {how}, case mix: {case_mix}")
            .format(
                outcome=repr(self.outcome), provider=repr(self.provider), how=how,
                case_mix=", ".join(self.case_mix),
            ),
            "  "
            + term(
                "{k} providers, {n} participants, overall rate {rate} %; between-provider SD "
                "after adjustment {sd} pp"
            ).format(
                k=len(f), n=number(int(f["participants"].sum()), 0),
                rate=number(100 * self.overall_rate, 1), sd=number(100 * np.sqrt(self.tau2), 1),
            ),
        ]  # fmt: skip
        flagged = f[f["flag"]]
        adjusted = term("{adjust}-adjusted").format(adjust=self.adjust)
        if len(flagged):
            lines.append(
                term("Differ credibly from the average after adjustment ({adjusted}, {level}):")
                .format(adjusted=adjusted, level=lvl)
            )  # fmt: skip
            lines += [self._flagged_line(r, lvl) for _, r in flagged.iterrows()]
        else:
            lines.append(
                term(
                    "No provider differs credibly from the average after adjustment "
                    "({adjusted}, {level})."
                ).format(adjusted=adjusted, level=lvl)
            )
        bad = int((~self.comparability["comparable"]).sum())
        note = term("note")
        if bad:
            lines.append(
                f"{note}: "
                + term(
                    "{bad} provider(s) serve participants outside what the others cover "
                    "(see .comparability)."
                ).format(bad=bad)
            )
        lines.extend(f"{note}: {n}" for n in self.notes)
        return "\n".join(lines)

    def _flagged_line(self, r: pd.Series, lvl: str) -> str:
        return "  " + term(
            "{provider}: raw {rate} %, adjusted {adjusted} % ({ci} {low} to {high}), O/E {oe}, "
            "n = {n}, adjusted {p} ({direction})"
        ).format(
            provider=r["provider"], rate=number(100 * r["rate"], 1),
            adjusted=number(100 * r["adjusted_rate"], 1), ci=f"{lvl} {term('CI')}",
            low=number(100 * r["ci_low"], 1), high=number(100 * r["ci_high"], 1),
            oe=number(r["oe"], 2), n=number(int(r["participants"]), 0),
            p=format_pvalue(r["p_adjusted"]), direction=term(str(r["direction"])),
        )  # fmt: skip

    def _html_frame(self) -> pd.DataFrame:
        f = self.frame
        return pd.DataFrame(
            {
                term("provider"): f["provider"],
                term("participants"): f["participants"].astype(np.int64),
                term("with the outcome"): f["observed"].astype(np.int64),
                term("expected"): f["expected"].round(1),
                "O/E": f["oe"].round(2),
                term("raw rate (%)"): percent(f["rate"]),
                term("adjusted rate (%)"): percent(f["adjusted_rate"]),
                f"{level(self.conf_level)} {term('CI')} (%)": interval(
                    f["ci_low"], f["ci_high"], False
                ),
                term("shrunken rate (%)"): percent(f["shrunken_rate"]),
                f"p ({self.adjust})": f["p_adjusted"].round(4),
                term("differs"): [term(str(d)) for d in f["direction"]],
                term("rank (shrunken)"): f["rank_shrunken"].astype(np.int64),
            }
        )

    def _html_notes(self) -> tuple[str, ...]:
        notes = list(self.notes)
        bad = int((~self.comparability["comparable"]).sum())
        if bad:
            notes.append(
                f"{bad} provider(s) serve participants outside what the others cover "
                "(see .comparability)."
            )
        return tuple(notes)

    def funnel_table(
        self,
        overdispersion: Literal["multiplicative", "additive"] | None = None,
        kind: Literal["rate", "ratio"] = "rate",
    ) -> pd.DataFrame:
        """Per provider: risk-adjusted rate (``kind="rate"``) or observed/expected ratio
        (``kind="ratio"``), its 95 %/99.8 % funnel limits, whether it lies outside them, and
        the table's verdict (``flag``, ``direction``, ``p_adjusted``, ``test``), which is
        what the plots highlight."""
        pts, _, _ = self._funnel(overdispersion, kind)
        return pts

    def _funnel(self, overdispersion, kind="rate"):
        check_choice(kind, "kind", "funnel_table", ("rate", "ratio"))
        f = self.frame
        if kind == "ratio":
            pts, od, curve = _ratio_funnel_data(
                f["observed"].to_numpy(dtype=float),
                f["expected"].to_numpy(dtype=float),
                overdispersion,
                f["provider"].astype(str).to_numpy(),
            )
            for col in ("flag", "direction", "p_adjusted", "test"):
                pts[col] = f[col].to_numpy()
            return pts, od, curve
        n = f["participants"].to_numpy(dtype=float)
        y = f["adjusted_rate"].to_numpy(dtype=float)
        target = self.overall_rate
        s = np.sqrt(target * (1 - target) / n)
        pts, od, curve = _funnel_data(
            y, n, s, target, overdispersion, f["provider"].astype(str).to_numpy()
        )
        for col in ("flag", "direction", "p_adjusted", "test"):
            pts[col] = f[col].to_numpy()
        return pts, od, curve

    @speaks
    def plot_funnel(
        self,
        ax: Axes | None = None,
        overdispersion: Literal["multiplicative", "additive"] | None = None,
        highlight: Literal["flag", "limits"] = "flag",
        label_providers: str | Sequence[str] = "highlighted",
        *,
        kind: Literal["rate", "ratio"] = "rate",
        title: str | None = None,
        xlabel: str | None = None,
        ylabel: str | None = None,
        labels: Mapping[Any, str] | None = None,
    ) -> Axes:
        """Funnel plot: risk-adjusted rate against participants, 95 % and 99.8 % limits.

        ``kind="ratio"`` draws the funnel of observed/expected ratios against the expected
        number of successes instead, as FunnelPlotR does (exact Poisson limits around 1, see
        :func:`effekt.simple_effect.ratio_funnel_limits`); the same providers are marked.

        It answers "how far from the overall rate could a provider of this size lie by
        chance alone?". Exact binomial limits around the overall rate, or normal limits
        widened for overdispersion (``"multiplicative"``: phi; ``"additive"``: tau2;
        Spiegelhalter 2005), cut at 0 and 100 %. The providers marked in red and named are
        exactly those the table flags (``highlight="flag"``); ``highlight="limits"`` marks
        the points outside the limits instead. A flagged provider can lie inside the limits:
        the flag comes from the exact test of its count after multiplicity adjustment,
        the limits from a binomial around the overall rate without adjustment.
        ``label_providers``: ``"highlighted"``, ``"all"``, ``"none"`` or a list of names.
        ``title``, ``xlabel``, ``ylabel`` replace the default texts, ``labels`` maps the
        outcome and provider names to display text, ``language="da"`` writes in Danish.
        """
        from ..plots import funnel

        check_plot_options(
            "plot_funnel",
            highlight=highlight,
            label_providers=label_providers,
            title=title,
            xlabel=xlabel,
            ylabel=ylabel,
        )
        pts, od, curve = self._funnel(overdispersion, kind)
        if kind == "ratio":
            return funnel(
                pts,
                curve,
                1.0,
                ax=ax,
                overdispersion=od,
                highlight=highlight,
                label_providers=label_providers,
                kind="ratio",
                title=title,
                xlabel=xlabel,
                ylabel=ylabel,
                labels=labels,
            )
        return funnel(
            pts,
            curve,
            self.overall_rate,
            ax=ax,
            overdispersion=od,
            highlight=highlight,
            label_providers=label_providers,
            title=term("Providers adjusted for case mix ({method} standardisation)").format(
                method=term(self.method)
            )
            if title is None
            else title,
            xlabel=xlabel,
            ylabel=term("Risk-adjusted share with {outcome} (%)").format(
                outcome=(labels or {}).get(self.outcome, self.outcome)
            )
            if ylabel is None
            else ylabel,
            labels=labels,
        )

    @speaks
    def plot_caterpillar(
        self,
        ax: Axes | None = None,
        shown_interval: Literal["flag", "shrunken"] = "flag",
        label_providers: str | Sequence[str] | None = None,
        *,
        title: str | None = None,
        xlabel: str | None = None,
        ylabel: str | None = None,
        labels: Mapping[Any, str] | None = None,
    ) -> Axes:
        """Caterpillar plot: providers ranked by risk-adjusted rate.

        By default each interval is the one of the table's test (at the level after
        multiplicity adjustment): it is red, and excludes the overall rate, exactly for the
        flagged providers, answering "who differs?". ``shown_interval="shrunken"`` shows the
        empirical-Bayes rates and intervals instead, answering "where does each provider
        most likely lie?" (red then means the shrunken interval excludes the overall rate,
        which is not the test). See :func:`effekt.plots.caterpillar` (also for ``title``,
        ``xlabel``, ``ylabel``, ``labels`` and ``language``).
        """
        from ..plots import caterpillar

        check_plot_options(
            "plot_caterpillar",
            none_labels=True,
            shown_interval=shown_interval,
            label_providers=label_providers,
            title=title,
            xlabel=xlabel,
            ylabel=ylabel,
        )
        return caterpillar(
            self.frame,
            self.overall_rate,
            ax=ax,
            conf_level=self.conf_level,
            outcome_label=self.outcome,
            shown_interval=shown_interval,
            label_providers=label_providers,
            title=title,
            xlabel=xlabel,
            ylabel=ylabel,
            labels=labels,
        )

    def __repr__(self) -> str:
        flagged = int(self.frame["flag"].sum())
        return (
            f"<ProviderComparison {self.outcome!r} by {self.provider!r}: "
            f"{len(self.frame)} providers, {self.method}, {flagged} flagged ({self.adjust})>"
        )


def compare_providers(
    data: pd.DataFrame,
    outcome: Hashable,
    provider: Hashable,
    case_mix: Sequence[Hashable],
    *,
    outcome_value: Any = None,
    method: Literal["indirect", "direct"] = "indirect",
    period: Hashable | None = None,
    conf_level: float = 0.95,
    adjust: Adjust = "holm",
    reference_population: pd.DataFrame | None = None,
    interval: Literal["binomial", "poisson", "byar"] = "binomial",
    missing: Literal["raise", "drop"] = "raise",
    warn: bool = True,
) -> ProviderComparison:
    """Compare providers' simple effects after adjusting for case mix.

    Parameters
    ----------
    data : DataFrame
        One row per participant: pandas, Polars, PyArrow, DuckDB or Spark. The logistic
        case-mix model needs every participant's row, so the analysis is unit-level: only
        the outcome, provider, case-mix and period columns are collected into memory (about
        ``8 x participants x columns`` bytes; 10^6 participants and 10 columns take about a
        second). For raw rates per provider, :func:`simple_effects` counts in the engine.
    outcome : str
        Binary outcome column (e.g. ``"job_6m"``).
    outcome_value : optional
        The value of ``outcome`` that means the outcome happened ("Ja" in a column of
        "Ja"/"Nej"); needed when the outcome is not coded 0/1 or True/False.
    provider : str
        Provider column.
    case_mix : sequence of str
        Case-mix columns; numeric columns enter linearly, categorical/string columns as
        dummies. A provider-level column (one the providers nest in, such as the jobcentre
        when each provider serves one jobcentre, or one that determines the provider) raises
        :class:`~effekt.errors.ColumnError`: adjusting for it would hide the differences.
    method : {"indirect", "direct"}, default "indirect"
        Which adjusted rate fills ``adjusted_rate``/``ci_low``/``ci_high`` and drives
        ``pvalue`` and ``flag`` (see Notes). The indirect columns are always present.
    period : str, optional
        Course-period column; entered in the case-mix model (business cycle) and checked for
        comparability.
    conf_level : float, default 0.95
    adjust : {"holm", "bonferroni", "bh", "none"}, default "holm"
        Multiplicity correction over providers for ``flag``.
    reference_population : DataFrame, optional
        Reference population for ``method="direct"`` (must hold the case-mix and period
        columns); default all participants.
    interval : {"binomial", "poisson", "byar"}, default "binomial"
        Interval for O/E: exact binomial (Clopper-Pearson for ``O/n`` scaled by ``n/E``),
        exact Poisson (Garwood) or Byar's approximation.
    missing : {"raise", "drop"}, default "raise"
    warn : bool, default True
        Emit a :class:`~effekt.errors.ComparabilityWarning` naming each provider whose case
        mix lies outside what the others cover: at least 5 % of its participants (and at
        least 10) have a case-mix risk score ``x'b`` outside the central 99 % of the other
        providers' participants or a category (of a categorical case-mix column) holding
        under 0.5 % of the others' participants, or fall in periods holding under 0.5 % of
        the others' participants. The warning has one clause per provider and names
        columns, never levels (the details are always in ``.comparability``).

    Returns
    -------
    ProviderComparison
        ``table()`` has one row per provider: ``provider``, ``participants``, ``observed``
        (successes), ``rate``, ``expected`` (E), ``oe``, ``oe_ci_low``, ``oe_ci_high``,
        ``adjusted_rate``, ``ci_low``, ``ci_high``, ``statistic`` (z), ``test``, ``pvalue``,
        ``p_adjusted``, ``flag``, ``direction``, ``flag_ci_low``, ``flag_ci_high`` (the
        interval of the test at the multiplicity-adjusted level: it excludes the overall rate
        exactly when ``flag`` is True), ``shrunken_rate``, ``shrunken_ci_low``,
        ``shrunken_ci_high``, ``shrinkage`` (weight on the provider's own data),
        ``rank_raw``, ``rank_shrunken``; with ``method="direct"`` also ``direct_rate``,
        ``direct_ci_low``, ``direct_ci_high``.

    Notes
    -----
    *Indirect standardisation.* A logistic model ``logit P(y=1) = x'b`` of the outcome on
    the case mix (and period) is fitted over all providers (Newton-Raphson). Provider ``g``
    has ``O_g`` successes and ``E_g = sum_{i in g} p_i`` expected; ``O/E`` has an exact
    interval (``interval``) treating ``E_g`` as known. The risk-adjusted rate
    ``adjusted_rate`` is the provider's shift ``d_g`` on the logit scale that reproduces its
    O (``sum_g expit(x_i'b + d_g) = O_g``), applied to all participants
    (``mean_i expit(x_i'b + d_g)``, over 4,000 equal-count bins of ``x'b`` when larger);
    its interval applies the shifts that reproduce the
    Clopper-Pearson limits of ``O_g``. Both stay in 0-100 %, unlike ``O/E x`` the overall
    rate (still available as ``oe``).

    The test of "no provider effect" is *exact*: the two-sided p-value (twice the smaller
    tail, at most 1; no mid-p, so it never exceeds its level) of ``O_g`` under its
    Poisson-binomial distribution given the fitted probabilities ``p_i``. Providers with at
    most 1,000 participants get it by recursive convolution (column ``test``:
    ``"exact"``), larger ones by the Lugannani-Rice saddlepoint approximation with Daniels'
    continuity correction (``"saddlepoint"``), within 0.002 of the exact p-value there. A
    normal (score) approximation is not used: it flags 4 of 4 successes where 0.78 were
    expected. ``statistic`` is the score z, ``(O_g - E_g) / sqrt(V_g)`` with
    ``V_g = D_g - B_g' (X'WX)^{-1} B_g``, ``D_g = sum_g w_i``, ``B_g = sum_g w_i x_i``,
    ``w_i = p_i (1 - p_i)``. Treating the fitted ``p_i`` as known would make the exact test
    conservative for a provider holding a large share of all participants (the model
    absorbs part of its excess: ``V_g < D_g``). Where the model absorbs more than 1 % of
    the variance (``V_g < 0.99 D_g``) the exact p-value is therefore calibrated: its
    normal-equivalent z is multiplied by ``sqrt(D_g / V_g)`` (``test`` ends in
    ``"(calibrated)"``); in the normal limit this is the score test, which keeps its size,
    and for small providers it is a no-op. ``flag`` is ``p_adjusted < 1 - conf_level`` (``adjust`` over all
    providers); ``direction`` says ``"above"`` or ``"below"``.

    *Direct standardisation.* A logistic model with one intercept per provider,
    ``alpha_g + x'b``, gives each provider's rate had it served the reference population:
    ``r_g = mean_i expit(alpha_g + x_i'b)`` over the reference (compressed to 4,000
    equal-count bins of ``x'b`` when larger). Intervals by the delta method on the logit of
    ``r_g``. Providers with more than 1,000 participants are tested by comparing ``r_g``
    with the participant-weighted mean of all ``r_h`` (a Wald z, ``test`` ``"direct z"``);
    smaller ones, and any provider with 0 % or 100 % successes, keep the exact test of the
    indirect method (the same null hypothesis: no provider effect given the case mix).

    *Shrinkage.* Excess rates ``d_g = (O_g - E_g)/n_g`` with variance
    ``v_g = sum_g p_i (1 - p_i) / n_g^2`` follow a normal-normal model
    ``d_g ~ N(theta_g, v_g)``, ``theta_g ~ N(mu, tau^2)`` with the DerSimonian-Laird
    ``tau^2``; the empirical-Bayes estimate is ``mu + B_g (d_g - mu)`` with
    ``B_g = tau^2/(tau^2 + v_g)`` and variance ``B_g v_g + (1 - B_g)^2 var(mu)`` (Morris
    1983; metafor's ``blup``). ``shrunken_rate`` is the overall rate plus it: small
    providers are pulled towards the average, so they are not ranked on noise.

    References
    ----------
    Spiegelhalter, D. J. (2005). Funnel plots for comparing institutional performance.
    *Statistics in Medicine* 24, 1185-1202.
    DerSimonian, R. & Laird, N. (1986). Meta-analysis in clinical trials. *Controlled
    Clinical Trials* 7, 177-188.
    Breslow, N. E. & Day, N. E. (1987). *Statistical Methods in Cancer Research II*, ch. 2-3
    (O/E ratios, Byar's approximation).

    Examples
    --------
    >>> import effekt as ef
    >>> df = ef.synthetic.providers(5, 400, provider_effects=[0, 0, 0, 0, 0.15], seed=7)
    >>> p = compare_providers(df, "job_6m", "provider", ["age", "benefit_group", "health_issues"])
    >>> p.table().loc[p.table()["flag"], "provider"].tolist()
    ['P05']
    """
    func = "compare_providers"
    conf_level = check_conf_level(conf_level, func)
    adjust = check_adjust(adjust, func)
    check_choice(method, "method", func, ("indirect", "direct"))
    check_choice(interval, "interval", func, ("binomial", "poisson", "byar"))
    case_mix = _case_mix_columns(case_mix, outcome, provider, func)
    df = prepare(data, outcome, provider, func, missing, case_mix=case_mix, period=period)
    y = binary_outcome(df[outcome], outcome, func, outcome_value=outcome_value)
    codes, labels, sizes = provider_codes(df[provider], provider, func)
    cm = encode_case_mix(df, case_mix, period, func)
    check_not_provider_level(df, cm, codes, len(labels), func)
    X, x_mu, x_sd = standardise(cm.model)
    ind = _indirect(codes, labels, sizes, X, y, conf_level, interval)
    comp = comparability(cm, codes, labels, ind.beta, X)
    if warn:
        _warn_comparability(comp, func)
    frame = ind.frame
    if method == "indirect":
        _warn_edge(frame, (ind.observed == 0) | (ind.observed == ind.n), func, "risk-adjusted")
    notes: list[str] = []
    if method == "direct":
        ref_X = X
        if reference_population is not None:
            ref = check_frame(reference_population, func, "reference_population")
            require_columns(ref, func, reference_population=cm.order)
            ref_X = (reference_design(cm, ref, func) - x_mu) / x_sd
        _direct_columns(frame, ind, codes, X, y, ref_X, conf_level, func)
        whom = "reference population" if reference_population is not None else "whole population"
        notes.append(
            f"direct standardisation: rates if every provider had served the {whom}"
            + ("." if reference_population is not None else " of participants.")
        )
    _flag_columns(frame, ind, codes, X, adjust, conf_level)
    tau2 = _shrink(frame, ind, conf_level)
    frame["rank_raw"] = frame["rate"].rank(ascending=False, method="min").astype(np.int64)
    frame["rank_shrunken"] = (
        frame["shrunken_rate"].rank(ascending=False, method="min").astype(np.int64)
    )
    coefs = pd.Series(
        ind.beta, index=["intercept", *cm.names], name="log-odds (standardised columns)"
    )
    return ProviderComparison(
        frame,
        str(outcome),
        str(provider),
        tuple(map(str, case_mix)),
        method,
        conf_level,
        adjust,
        ind.overall,
        tau2,
        comp,
        coefs,
        tuple(notes),
    )


def _case_mix_columns(
    case_mix: Sequence[Hashable], outcome: Hashable, provider: Hashable, func: str
) -> list[Hashable]:
    columns = as_column_list(case_mix)
    if not columns:
        raise argument_error(
            func,
            "case_mix",
            "a non-empty list of case-mix columns (use simple_effects() for raw rates)",
            columns,
        )
    for column in columns:
        check_column_name(column, "case_mix", func)
    for role, col in (("outcome", outcome), ("provider", provider)):
        check_column_name(col, role, func)
        if any(c == col for c in columns):
            raise EffektError(
                f"The 'case_mix' argument of {func}() contains the {role} column {quote(col)}; "
                f"adjusting for the {role} itself makes the comparison meaningless. List only "
                "participant characteristics known before the programme (age, benefit group, ...)."
            )
    return columns


@dataclass(frozen=True)
class _Indirect:
    """The indirect standardisation: the table so far and the pieces later steps reuse."""

    frame: pd.DataFrame
    beta: np.ndarray
    observed: np.ndarray
    expected: np.ndarray
    variance: np.ndarray  # sum of p (1 - p) per provider
    n: np.ndarray
    overall: float


def _oe_interval(
    O: np.ndarray,  # noqa: E741
    E: np.ndarray,
    n: np.ndarray,
    interval: str,
    conf_level: float,
) -> tuple[np.ndarray, np.ndarray]:
    alpha = 1 - conf_level
    with np.errstate(invalid="ignore", divide="ignore"):
        if interval == "binomial":
            lo, hi = clopper_pearson_interval(O, n, conf_level)
            return lo * n / E, hi * n / E
        if interval == "poisson":
            lo = np.where(O > 0, stats.chi2.ppf(alpha / 2, 2 * O) / 2, 0.0) / E
            return lo, stats.chi2.ppf(1 - alpha / 2, 2 * O + 2) / 2 / E
        zq = critical_value(conf_level)
        o1 = O + 1
        lo = np.where(O > 0, O * (1 - 1 / (9 * O) - zq / (3 * np.sqrt(O))) ** 3, 0.0) / E
        return lo, o1 * (1 - 1 / (9 * o1) + zq / (3 * np.sqrt(o1))) ** 3 / E


def _indirect(
    codes: np.ndarray,
    labels: np.ndarray,
    sizes: np.ndarray,
    X: np.ndarray,
    y: np.ndarray,
    conf_level: float,
    interval: str,
) -> _Indirect:
    """O/E per provider from the case-mix model and the score test of a provider effect."""
    G = len(labels)
    Xi = np.hstack([np.ones((len(y), 1)), X])
    beta, p, info = _ps.logistic_fit(Xi, y)
    n = sizes.astype(float)
    O = np.bincount(codes, weights=y, minlength=G)  # noqa: E741
    E = np.bincount(codes, weights=p, minlength=G)
    w = p * (1 - p)
    Vb = np.bincount(codes, weights=w, minlength=G)
    B = group_sums(codes, G, Xi * w[:, None])
    V_score = np.maximum(Vb - np.einsum("gj,jk,gk->g", B, _ps.inv_pd(info), B), 0.0)
    # a provider whose score has no variance carries no evidence: statistic 0 and p = 1
    informative = V_score > 1e-12
    excess = np.where(informative, O - E, 0.0)
    se = np.sqrt(np.where(informative, V_score, 0.0))
    with np.errstate(invalid="ignore", divide="ignore"):
        z = np.where(informative, excess / np.where(informative, se, 1.0), 0.0)
        oe = O / E
    oe_lo, oe_hi = _oe_interval(O, E, n, interval, conf_level)
    overall = float(y.mean())
    rates = _shifted_rates(codes, Xi @ beta, O, n, conf_level)
    test, pvalue = _exact_test(codes, Xi @ beta, p, O, sizes, Vb, V_score)
    frame = pd.DataFrame(
        {
            "provider": labels,
            "participants": sizes.astype(np.int64),
            "observed": O.astype(np.int64),
            "rate": O / n,
            "expected": E,
            "oe": oe,
            "oe_ci_low": oe_lo,
            "oe_ci_high": oe_hi,
            "adjusted_rate": rates[:, 0],
            "ci_low": rates[:, 1],
            "ci_high": rates[:, 2],
            "statistic": z,
            "test": test,
            "pvalue": pvalue,
        }
    )
    return _Indirect(frame, beta, O, E, Vb, n, overall)


def _exact_test(
    codes: np.ndarray,
    eta: np.ndarray,
    p: np.ndarray,
    O: np.ndarray,  # noqa: E741
    sizes: np.ndarray,
    Vb: np.ndarray,
    V_score: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """The exact (or saddlepoint) p-value of each provider and its name; calibrated for the
    estimation of the case-mix model where the provider holds enough of the data."""
    exact = poisson_binomial_pvalues(codes, p, O, sizes)
    small = np.isfinite(exact)
    pvalue = np.where(small, exact, saddlepoint_pvalues(codes, eta, O, sizes))
    test = np.where(small, "exact", "saddlepoint").astype(object)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(V_score > 1e-12, Vb / V_score, 1.0)
    calibrate = ratio > 1 / (1 - CALIBRATION_SHARE)
    if calibrate.any():
        z = stats.norm.isf(pvalue[calibrate] / 2) * np.sqrt(ratio[calibrate])
        pvalue[calibrate] = 2 * stats.norm.sf(z)
        test[calibrate] = test[calibrate] + " (calibrated)"
    return test.astype(str), pvalue


def _flag_columns(
    frame: pd.DataFrame,
    ind: _Indirect,
    codes: np.ndarray,
    X: np.ndarray,
    adjust: str,
    conf_level: float,
) -> None:
    """``p_adjusted``, ``flag``, ``direction`` and the interval of the flag
    (``flag_ci_low``/``flag_ci_high``), which excludes the overall rate exactly when the
    provider is flagged."""
    pvalue = frame["pvalue"].to_numpy(dtype=float)
    padj = adjust_pvalues(pvalue, adjust)
    flag = np.nan_to_num(padj, nan=1.0) < 1 - conf_level
    frame["p_adjusted"] = padj
    frame["flag"] = flag
    frame["direction"] = direction(flag, frame["statistic"].to_numpy())
    with np.errstate(invalid="ignore", divide="ignore"):
        alpha = np.where(padj > 0, (1 - conf_level) * pvalue / padj, 1 - conf_level)
    alpha = np.clip(np.nan_to_num(alpha, nan=1 - conf_level), 1e-15, 1 - conf_level)
    O, n = ind.observed, ind.n  # noqa: E741
    if "direct_rate" in frame:
        rate = frame["direct_rate"].to_numpy(dtype=float)
        lr = special.logit(np.clip(rate, 1e-12, 1 - 1e-12))
        width = special.logit(frame["direct_ci_high"].clip(1e-12, 1 - 1e-12)) - special.logit(
            frame["direct_ci_low"].clip(1e-12, 1 - 1e-12)
        )
        half = width.to_numpy() / (2 * critical_value(conf_level)) * stats.norm.isf(alpha / 2)
        lo, hi = special.expit(lr - half), special.expit(lr + half)
    else:
        targets = np.column_stack(
            [
                np.where(O > 0, stats.beta.ppf(alpha / 2, O, n - O + 1), 0.0) * n,
                np.where(O < n, stats.beta.isf(alpha / 2, O + 1, n - O), 1.0) * n,
            ]
        )
        eta = np.hstack([np.ones((X.shape[0], 1)), X]) @ ind.beta
        shift = _ps.logit_shift(codes, eta, targets, n.astype(np.int64))
        ref_eta, _, ref_w = _ps.reference_bins(eta, np.zeros((eta.size, 0)))
        lo, hi = _ps.shifted_rates(shift, ref_eta, ref_w).T
    # where the interval and the exact test disagree (rare, at the border) the test decides
    r0 = ind.overall
    up, down = flag & (frame["statistic"].to_numpy() > 0), flag & ~(frame["statistic"] > 0)
    lo = np.where(up, np.maximum(lo, np.nextafter(r0, 1.0)), np.where(flag, lo, np.minimum(lo, r0)))
    hi = np.where(
        down, np.minimum(hi, np.nextafter(r0, 0.0)), np.where(flag, hi, np.maximum(hi, r0))
    )
    frame["flag_ci_low"] = lo
    frame["flag_ci_high"] = hi


def _shifted_rates(
    codes: np.ndarray,
    eta: np.ndarray,
    O: np.ndarray,  # noqa: E741
    n: np.ndarray,
    conf_level: float,
) -> np.ndarray:
    """Risk-adjusted rate and interval (G x 3): the logit shift of each provider that
    reproduces O (and the Clopper-Pearson limits of O), applied to all participants."""
    lo, hi = clopper_pearson_interval(O, n, conf_level)
    targets = np.column_stack([O, lo * n, hi * n])
    shift = _ps.logit_shift(codes, eta, targets, n.astype(np.int64))
    ref_eta, _, ref_w = _ps.reference_bins(eta, np.zeros((eta.size, 0)))
    return _ps.shifted_rates(shift, ref_eta, ref_w)


def _direct_columns(
    frame: pd.DataFrame,
    ind: _Indirect,
    codes: np.ndarray,
    X: np.ndarray,
    y: np.ndarray,
    ref_X: np.ndarray,
    conf_level: float,
    func: str,
) -> None:
    """Add the directly standardised rates to ``frame`` and make them the adjusted rates."""
    O, E, n, beta = ind.observed, ind.expected, ind.n, ind.beta  # noqa: E741
    with np.errstate(divide="ignore", invalid="ignore"):
        a0 = beta[0] + np.log(np.clip(O, 0.5, n - 0.5) / np.clip(E, 0.5, n - 0.5))
    d = direct_standardisation(codes, len(n), X, y, ref_X, n, conf_level, start=(a0, beta[1:]))
    score = frame[["statistic", "pvalue"]].to_numpy()
    frame["direct_rate"] = d["rate"]
    frame["direct_ci_low"] = d["ci_low"]
    frame["direct_ci_high"] = d["ci_high"]
    frame["adjusted_rate"] = d["rate"]
    frame["ci_low"] = d["ci_low"]
    frame["ci_high"] = d["ci_high"]
    frame["statistic"] = d["z"]
    frame["pvalue"] = d["pvalue"]
    edge = (O == 0) | (O == n)
    # small providers keep the exact test; at 0 % or 100 % the delta method breaks down
    keep = edge | (n <= EXACT_MAX_PARTICIPANTS)
    frame.loc[keep, ["statistic", "pvalue"]] = score[keep]
    frame.loc[~keep, "test"] = "direct z"
    _warn_edge(frame, edge, func, "directly standardised")


def _warn_edge(frame: pd.DataFrame, edge: np.ndarray, func: str, which: str) -> None:
    """SmallSampleWarning for providers with 0 % or 100 % successes (one line)."""
    if not edge.any():
        return
    labels = frame["provider"].to_numpy()[edge]
    sizes = frame["participants"].to_numpy()[edge]
    named = ", ".join(
        f"{quote(g)} ({n} participants)" for g, n in zip(labels[:10], sizes[:10], strict=False)
    )
    more = f" and {labels.size - 10} more" if labels.size > 10 else ""
    warnings.warn(
        f"{func}(): provider(s) {named}{more} have 0 % or 100 % successes, so their {which} "
        "rate is 0 or 100 % with a wide interval; their p-value is the exact test of the count "
        "(see the column 'test').",
        SmallSampleWarning,
        stacklevel=4,
    )


def _shrink(frame: pd.DataFrame, ind: _Indirect, conf_level: float) -> float:
    """Empirical-Bayes shrinkage on the excess-rate scale; adds the columns, returns tau2."""
    n = ind.n
    dg = (ind.observed - ind.expected) / n
    vg = np.maximum(ind.variance, 1e-9) / n**2
    tau2, mu, var_mu = _ps.dersimonian_laird(dg, vg)
    Bg = tau2 / (tau2 + vg)
    shrunken = ind.overall + (mu + Bg * (dg - mu))
    lo, hi, _ = wald_arrays(shrunken, np.sqrt(Bg * vg + (1 - Bg) ** 2 * var_mu), conf_level)
    # the normal-normal model knows no bounds: a share is reported within 0-100 %
    frame["shrunken_rate"] = np.clip(shrunken, 0.0, 1.0)
    frame["shrunken_ci_low"] = np.clip(lo, 0.0, 1.0)
    frame["shrunken_ci_high"] = np.clip(hi, 0.0, 1.0)
    frame["shrinkage"] = Bg
    return tau2
