"""Reproduce the notes: reported vs recomputed vs re-estimated, for every study.

For every figure of :func:`effekt.studies.reported` :func:`reproduce` gives three views:

1. **Reported**: the figure as the note gives it (effect, shares, relative change, claim).
2. **Recomputed from the published numbers**: the shares are rounded, so every count of
   events consistent with them is considered (:func:`effekt.rct.from_reported_shares`):
   the range of effects, a confidence interval covering all of them, the range of
   p-values, whether the note's "significant" claim holds for all, some or none of the
   consistent counts (significant: the interval excludes 0, effekt's one definition,
   :attr:`effekt.results.EffectResult.significant`), and whether a stated relative change ("a 30 % rise") can come out
   of any of them. Where the note gives no sample size the study's assumed size (stated
   in the generator) is used and flagged.
3. **Re-estimated on calibrated synthetic data** (:func:`effekt.synthetic.study`) with the
   study's own method: trials with their design (Mentor stratified by job centre,
   JobFirst cluster-robust by municipality, IPS with its pooled arms), matched studies by
   propensity-score matching with the naive (unadjusted) difference beside it, and
   simple effects as shares with Wilson intervals, the job-rotation figure ("2-3 weeks
   faster") as a difference in restricted mean weeks without a job over 23 months
   (:func:`effekt.duration.restricted_mean_difference`, sign flipped to weeks *faster*), and
   the municipality comparisons of section 3 (STV, BRF, HIR) by difference in differences on
   municipality x month counts (:func:`effekt.did.did_from_counts`, clustered by
   municipality). ``covers_reported`` says whether the 95 % interval contains the reported
   effect (which is the truth of the synthetic data).

For the section 3 rows the recomputation is exact: the change in the gap between
participating and other municipalities from the four published shares
(:func:`effekt.did.did_from_shares`; HIR 2.5 pp -> 5.6 pp = +3.1 pp) in ``pub_gap_start``,
``pub_gap_end`` and ``pub_change``, with the range the rounding of the shares allows in
``pub_effect_low``/``pub_effect_high``; shares alone carry no sampling error, so there is no
published interval.

Studies are held in a registry, :data:`STUDIES`: adding a study is one re-estimation
function and one :func:`register` call (plus its figures in the package data that
:mod:`effekt.studies` reads, ``effekt/data/reported.csv``, and a generator with its
assumptions in :mod:`effekt.synthetic.studies` when it has one). The section 3 comparisons
on their own: :func:`star2020_comparison`.

Examples
--------
>>> import effekt as ef
>>> table = ef.reproduce(studies=["ips"])
>>> row = table.set_index("figure_id").loc["ips.job_or_education_18m"]
>>> bool(row.covers_reported), row.claim_holds, bool(row.relative_consistent)
(True, 'n/a', True)
"""

from __future__ import annotations

import itertools
import textwrap
import time
import warnings
import zlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from . import _report_terms  # noqa: F401  (the Danish words of the table)
from . import studies as _studies
from ._export import check_output_path, writing
from ._validate import argument_error, check_number
from .errors import EffektError, EffektWarning
from .intervals import wilson_interval
from .language import number, speaks, term
from .results import EffectResult

__all__ = [
    "coverage_over_seeds",
    "stored_coverage",
    "make_stored_coverage",
    "reproduce",
    "run",
    "Study",
    "Estimate",
    "Reproduction",
    "STUDIES",
    "register",
    "format_table",
    "star2020_comparison",
]


@dataclass(frozen=True)
class Estimate:
    """One re-estimated figure: the study's method and, for matched studies, the naive one."""

    figure_id: str
    result: EffectResult
    method: str
    naive: EffectResult | None = None


@dataclass(frozen=True)
class Study:
    """A registry entry: how to re-estimate one study's figures on its synthetic data.

    Attributes
    ----------
    name : str
        The study key of :func:`effekt.studies.catalogue`.
    reestimate : callable or None
        ``f(data) -> (list of Estimate, dict of artefacts)``; ``None`` when the notes give
        nothing a synthetic re-estimate could check (the reason goes in ``comment``).
    generator : str or None
        The :func:`effekt.synthetic.study` name.
    sample_scale : float
        Size multiplier passed to the generator.
    assumed_n : dict
        ``figure_id -> (n_treated, n_control)`` used for the recomputation when the notes
        do not give the sample sizes (the generator's assumption).
    comment : str
        Shown on the study's rows that are not re-estimated.
    """

    name: str
    reestimate: Callable[[pd.DataFrame], tuple[list[Estimate], dict[str, Any]]] | None = None
    generator: str | None = None
    sample_scale: float = 1.0
    assumed_n: dict[str, tuple[int, int]] = field(default_factory=dict)
    comment: str = ""


#: The registry: study key -> :class:`Study`.
STUDIES: dict[str, Study] = {}


def register(study: Study) -> Study:
    """Add (or replace) a study in the registry :data:`STUDIES`; returns it.

    Examples
    --------
    >>> from effekt.reproduction import STUDIES, register
    >>> register(STUDIES["jobrotation"]).name
    'jobrotation'
    """
    if not isinstance(study, Study) or not isinstance(study.name, str) or not study.name:
        raise argument_error(
            "register", "study", "a Study with a name (effekt.reproduction.Study)", study
        )
    STUDIES[study.name] = study
    return study


# ------------------------------------------------------------------ per-study re-estimation
def _mentor(data: pd.DataFrame) -> tuple[list[Estimate], dict[str, Any]]:
    from .rct import difference_in_proportions

    method = "difference in proportions, stratified by job centre"
    subgroup = {
        "mentor.education.grade9_under4": ("in_education_1y", "grade9_under4"),
        "mentor.education.mother_no_vocational": ("in_education_1y", "mother_no_vocational"),
        "mentor.education.income_below_mean": ("in_education_1y", "income_below_mean"),
        "mentor.education.no_su_3y": ("in_education_1y", "no_su_3y"),
        "mentor.education.women": ("in_education_1y", "female"),
        "mentor.education.strongest": ("in_education_1y", "strongest"),
        "mentor.education.weakest": ("in_education_1y", "weakest"),
        "mentor.job.ethnic_danish": ("in_job_1y", "ethnic_danish"),
        "mentor.job.high_public_support": ("in_job_1y", "high_public_support"),
        "mentor.job.mother_no_vocational": ("in_job_1y", "mother_no_vocational"),
        "mentor.job.su_3y": ("in_job_1y", "su_last_3y"),
    }
    out = [
        Estimate(
            "mentor.education",
            difference_in_proportions(data, "in_education_1y", "mentor", strata="jobcentre"),
            method,
        ),
        Estimate(
            "mentor.job",
            difference_in_proportions(data, "in_job_1y", "mentor", strata="jobcentre"),
            method,
        ),
    ]
    for fid, (outcome, column) in subgroup.items():
        rows = data[data[column].to_numpy(dtype=bool)]
        # a small subgroup can leave a job centre with one arm only: it carries no information
        arms = rows.groupby("jobcentre", observed=True)["mentor"].nunique()
        single = arms.index[arms < 2]
        note = " (within the subgroup"
        if len(single):
            rows = rows[~rows["jobcentre"].isin(single)]
            note += f"; {len(single)} job centre(s) with one arm left out"
        out.append(
            Estimate(
                fid,
                difference_in_proportions(rows, outcome, "mentor", strata="jobcentre"),
                method + note + ")",
            )
        )
    return out, {}


def _jobfirst(data: pd.DataFrame) -> tuple[list[Estimate], dict[str, Any]]:
    from .rct import difference_in_means, difference_in_proportions

    cash = data[data["benefit_group"] == "cash benefit"]
    return [
        Estimate(
            "jobfirst.paid_hours_w35",
            difference_in_proportions(data, "paid_hours_w35", "jobfirst", cluster="municipality"),
            "difference in proportions, cluster-robust by municipality (CR2, t(14))",
        ),
        Estimate(
            "jobfirst.hours_w78",
            difference_in_means(
                cash, "hours_w78", "jobfirst", cluster="municipality", unit_label="hours/week"
            ),
            "difference in means (cash benefit), cluster-robust by municipality (CR2, t(14))",
        ),
    ], {}


def _ips(data: pd.DataFrame) -> tuple[list[Estimate], dict[str, Any]]:
    from .rct import difference_in_means, difference_in_proportions

    return [
        Estimate(
            "ips.job_or_education_18m",
            difference_in_proportions(data, "job_or_education_18m", "ips_any"),
            "IPS and IPSE arms pooled vs usual service (Newcombe)",
        ),
        Estimate(
            "ips.weeks_18m",
            difference_in_means(data, "weeks_job_or_education", "ips_any", unit_label="weeks"),
            "IPS arms pooled vs usual service (Welch)",
        ),
    ], {}


_MATCH_RATIO = (
    2  # matches per treated unit (with replacement: lower variance than 1:1, little bias)
)
_MATCH_METHOD = (
    "1:2 nearest neighbour on the logit propensity score, with replacement (Abadie-Imbens SE)"
)


def _matched(
    data: pd.DataFrame, treatment: str, figures: Sequence[tuple[str, str, str | None, bool]]
) -> tuple[list[Estimate], dict[str, Any]]:
    """figures: (figure_id, outcome, benefit group or None, exact match on benefit group)."""
    from .matching import match
    from .rct import difference_in_proportions

    covariates = list(data.attrs["covariates"])
    out, artefacts = [], {}
    for fid, outcome, group, exact in figures:
        rows = data if group is None else data[data["benefit_group"] == group]
        if exact:
            # exact matching on benefit group with a propensity model per group (selection
            # differs by group, so one pooled model as in match(exact=) would be misspecified);
            # the ATT is the treated-weighted average of the groups' ATTs (independent groups)
            parts = [
                match(
                    rows[rows["benefit_group"] == g],
                    treatment,
                    covariates,
                    replace=True,
                    ratio=_MATCH_RATIO,
                )
                for g in sorted(rows["benefit_group"].unique())
            ]
            result = _combine(
                [m.effect(outcome) for m in parts], [m.n_treated_matched for m in parts]
            )
            m = parts[0] if len(parts) == 1 else _largest(parts)
        else:
            m = match(rows, treatment, covariates, replace=True, ratio=_MATCH_RATIO)
            result = m.effect(outcome)
        naive = difference_in_proportions(rows, outcome, treatment)
        method = _MATCH_METHOD + (", within benefit group (exact)" if exact else "")
        if group is not None:
            method += f"; {group} only"
        out.append(Estimate(fid, result, method, naive=naive))
        artefacts[fid] = m
    return out, artefacts


def _largest(parts: list[Any]) -> Any:
    return max(parts, key=lambda m: m.n_treated_matched)


def _combine(results: list[EffectResult], weights: list[int]) -> EffectResult:
    """Weighted average of independent effects (strata): sum w_g tau_g / sum w_g, with its SE."""
    from .results import effect_from_normal

    w = np.asarray(weights, dtype=float) / float(np.sum(weights))
    est = float(np.sum(w * [r.estimate for r in results]))
    se = float(np.sqrt(np.sum(w**2 * np.square([r.std_error for r in results]))))
    mt = float(np.sum(w * [r.mean_treated for r in results]))
    mc = float(np.sum(w * [r.mean_control for r in results]))
    return effect_from_normal(
        est,
        se,
        results[0].conf_level,
        method=results[0].method + "; strata combined",
        n_treated=int(sum(r.n_treated or 0 for r in results)),
        n_control=int(sum(r.n_control or 0 for r in results)),
        mean_treated=mt,
        mean_control=mc,
        estimand="ATT",
        outcome=results[0].outcome,
    )


def _vcg2(data: pd.DataFrame) -> tuple[list[Estimate], dict[str, Any]]:
    return _matched(
        data,
        "vcg2",
        [
            ("vcg2.internship_13w", "internship_13w", None, True),
            ("vcg2.flexjob_resource_course", "flexjob_w70", "resource course", False),
            ("vcg2.flexjob_cash_benefit", "flexjob_w70", "cash benefit", False),
        ],
    )


def _brobygning(data: pd.DataFrame) -> tuple[list[Estimate], dict[str, Any]]:
    return _matched(
        data, "brobygning", [("brobygning.education_w25", "in_education_w25", None, False)]
    )


def _voksenlaerling(data: pd.DataFrame) -> tuple[list[Estimate], dict[str, Any]]:
    return _matched(
        data, "voksenlaerling", [("voksenlaerling.employment_1y", "employed_1y", None, True)]
    )


def _share(events: int, n: int, label: str) -> EffectResult:
    lo, hi = wilson_interval(events, n)
    return EffectResult(
        estimate=events / n,
        std_error=float(np.sqrt(events / n * (1 - events / n) / n)),
        ci=(float(lo), float(hi)),
        pvalue=float("nan"),
        method="share with Wilson interval",
        n_treated=n,
        mean_treated=events / n,
        estimand="share",
        label=label,
    )


def _biu(data: pd.DataFrame) -> tuple[list[Estimate], dict[str, Any]]:
    from .rct import difference_in_proportions
    from .simple_effect import simple_effects

    offered = data[data["offer"]]
    table = simple_effects(offered, "job_at_end", "target_group").table().set_index("provider")
    out = []
    for fid, group in (
        ("biu.simple_effect_strong", "strong"),
        ("biu.simple_effect_complex", "complex"),
    ):
        row = table.loc[group]
        res = EffectResult(
            estimate=float(row["rate"]),
            std_error=float("nan"),
            ci=(float(row["ci_low"]), float(row["ci_high"])),
            pvalue=float("nan"),
            method="simple effect (share in a job), Wilson interval",
            n_treated=int(row["participants"]),
            mean_treated=float(row["rate"]),
            estimand="share",
            label=group,
        )
        out.append(
            Estimate(fid, res, "simple_effects(): share in a job at course end, Wilson interval")
        )
    complex_ = data[data["target_group"] == "complex"]
    none = complex_[~complex_["offer"]]
    out.append(
        Estimate(
            "biu.without_offer_complex",
            _share(int(none["job_at_end"].sum()), len(none), "complex, no offer"),
            "share in a job without an offer, Wilson interval",
        )
    )
    out.append(
        Estimate(
            "biu.causal_complex",
            difference_in_proportions(complex_, "job_at_end", "offer"),
            "offer vs no offer among complex citizens (random capacity), Newcombe",
            naive=None,
        )
    )
    return out, {"simple_effects": table}


def _jobrotation(data: pd.DataFrame) -> tuple[list[Estimate], dict[str, Any]]:
    from .duration import restricted_mean_difference
    from .results import effect_from_normal
    from .synthetic.panels import JOBROTATION_HORIZON

    horizon = float(data.attrs.get("horizon", JOBROTATION_HORIZON))
    r = restricted_mean_difference(data, "weeks", "job", "jobrotation", horizon=horizon)
    # the note speaks of weeks *faster*: control minus temps in restricted mean weeks without
    # an unsubsidised job (RMST difference with the sign flipped; same SE, mirrored interval)
    faster = effect_from_normal(
        -r.estimate,
        r.std_error,
        r.conf_level,
        method=r.method,
        n_treated=r.n_treated,
        n_control=r.n_control,
        scale="mean",
        mean_treated=r.mean_treated,
        mean_control=r.mean_control,
        estimand="weeks faster (restricted mean weeks without a job, control - temps)",
        outcome="time to unsubsidised job",
        unit="weeks",
    )
    method = (
        f"restricted mean weeks without an unsubsidised job over {horizon:.1f} weeks "
        "(23 months), Kaplan-Meier, Greenwood-type SE; control minus temps = weeks faster "
        "(synthetic data without confounding)"
    )
    return [Estimate("jobrotation.time_to_job", faster, method)], {}


def _did_start_end(
    panel: pd.DataFrame,
    *,
    conf_level: float = 0.95,
    se: Literal["cr2", "wild"] = "cr2",
    n_boot: int = 999,
    seed: int | None = 0,
) -> EffectResult:
    """2x2 DiD on a municipality panel's first and last project month, by municipality."""
    from .did import did_from_counts

    two = panel[panel["period"].isin(["start", "end"])]
    return did_from_counts(
        two,
        "count",
        "denominator",
        "participating",
        "post",
        id="municipality",
        time="month",
        conf_level=conf_level,
        se=se,
        n_boot=n_boot,
        seed=seed,
    )


def _star2020(data: pd.DataFrame) -> tuple[list[Estimate], dict[str, Any]]:
    """Each outcome/benefit panel: 2x2 DiD on the first and last project month's counts."""
    out = []
    for (project, outcome, benefit), panel in data.groupby(
        ["project", "outcome", "benefit"], sort=False
    ):
        r = _did_start_end(panel)
        two = panel[panel["period"].isin(["start", "end"])]
        n_treated = int(two.loc[two["participating"] == 1, "municipality"].nunique())
        method = (
            "difference in differences of municipality x month counts, first vs last project "
            f"month, weighted by denominators; CR2 clustered by municipality "
            f"({two['municipality'].nunique()} municipalities, {n_treated} participating), "
            f"t({two['municipality'].nunique() - 1})"
        )
        out.append(Estimate(f"{project}.{outcome}_{benefit}", r, method))
    return out, {}


def star2020_comparison(
    *,
    seed: int | None = 0,
    se: Literal["cr2", "wild"] = "cr2",
    conf_level: float = 0.95,
    n_boot: int = 999,
) -> pd.DataFrame:
    """Every comparison of the STAR note (March 2020): reported vs recomputed vs re-estimated.

    For each project, outcome and benefit group of the note's section on municipality
    comparisons (:func:`effekt.studies.star2020_shares`), the change in the gap between
    participating municipalities and the rest is (1) recomputed exactly from the published
    shares (:func:`effekt.did.did_from_shares`) and (2) re-estimated with
    :func:`effekt.did.did_from_counts` on a synthetic municipality x month panel calibrated
    to those shares (:func:`effekt.synthetic.panels.municipality_panel`), with an interval
    clustered by municipality.

    Parameters
    ----------
    seed : int or None, default 0
        Seed of the synthetic panels (comparison ``k`` uses ``seed + k``) and of the wild
        bootstrap.
    se : {"cr2", "wild"}
        CR2 cluster-robust standard error with t(G - 1), or the wild cluster bootstrap.
    conf_level : float
        Confidence level of the intervals.
    n_boot : int
        Bootstrap draws for ``se="wild"``.

    Returns
    -------
    DataFrame
        One row per comparison: ``project, outcome, benefit, start, end, start_treated,
        start_control, end_treated, end_control, gap_start, gap_end, change`` (exact, from the
        shares), ``estimate, ci_low, ci_high, pvalue`` (synthetic panel), ``method``.

    Examples
    --------
    >>> t = star2020_comparison(seed=1)
    >>> hir = t[(t.project == "hir") & (t.outcome == "company")].iloc[0]
    >>> [round(100 * float(hir[c]), 1) for c in ("gap_start", "gap_end", "change", "estimate")]
    [2.5, 5.6, 3.1, 3.1]
    """
    from .did import did_from_shares
    from .synthetic.panels import municipality_panel

    if seed is not None:
        seed = int(check_number(seed, "seed", "star2020_comparison", low=0, integer=True))
    shares = _studies.star2020_shares()[list(_STAR2020_COLUMNS)]
    rows = []
    for k, r in enumerate(shares.itertuples(index=False)):
        exact = did_from_shares(r.start_treated, r.start_control, r.end_treated, r.end_control)
        panel = municipality_panel(
            r.project, r.outcome, r.benefit, seed=None if seed is None else seed + k
        )
        est = _did_start_end(panel, conf_level=conf_level, se=se, n_boot=n_boot, seed=seed)
        rows.append(
            {
                **r._asdict(),
                "gap_start": exact.extra["gap_start"],
                "gap_end": exact.extra["gap_end"],
                "change": exact.estimate,
                "estimate": est.estimate,
                "ci_low": est.ci[0],
                "ci_high": est.ci[1],
                "pvalue": est.pvalue,
                "method": est.method,
            }
        )
    return pd.DataFrame(rows)


_STAR2020_COLUMNS = (
    "project",
    "outcome",
    "benefit",
    "start",
    "end",
    "start_treated",
    "start_control",
    "end_treated",
    "end_control",
)


for _study in (
    Study("mentor", _mentor, "mentor"),
    Study("jobfirst", _jobfirst, "jobfirst", assumed_n={"jobfirst.paid_hours_w35": (2400, 2400)}),
    Study("ips", _ips, "ips"),
    Study(
        "vcg2",
        _vcg2,
        "vcg2",
        assumed_n={
            "vcg2.internship_13w": (2500, 2500),
            "vcg2.flexjob_resource_course": (1000, 1000),
            "vcg2.flexjob_cash_benefit": (1500, 1500),
        },
    ),
    Study("brobygning", _brobygning, "brobygning"),
    Study(
        "voksenlaerling",
        _voksenlaerling,
        "voksenlaerling",
        assumed_n={"voksenlaerling.employment_1y": (1000, 1000)},
    ),
    # the note gives no sample size: 4,000 temps and 4,000 non-participants assumed (scale 2)
    Study("jobrotation", _jobrotation, "jobrotation", sample_scale=2.0),
    Study(
        "mentor_sfi",
        comment="no figures in the notes ('no effect'); a case for sensitivity analysis "
        "(matching.rosenbaum_bounds, matching.e_value)",
    ),
    Study("displacement", comment="a share of firms, no comparison group"),
    Study("stv", _star2020, "stv"),
    Study("brf", _star2020, "brf"),
    Study("hir", _star2020, "hir"),
    Study("biu_providers", _biu, "biu_providers"),
):
    register(_study)


# ------------------------------------------------------------------ recomputation from the notes
def _half_unit(decimals: int) -> float:
    return 0.5 * 10.0 ** (-decimals) / 100.0


def _counts(share: float, n: int, decimals: int) -> bool:
    """Whether some count of ``n`` rounds to ``share`` at ``decimals`` (in percent)."""
    h = _half_unit(decimals)
    return int(np.floor((share + h) * n + 1e-9)) >= int(np.ceil((share - h) * n - 1e-9))


def _relative_in_range(out: dict[str, Any], rc: float) -> bool:
    """Whether a relative change stated to whole percent fits the range the shares allow."""
    hr = _half_unit(0)
    return bool(out["pub_relative_low"] <= rc + hr and rc - hr <= out["pub_relative_high"])


def _sizes_used(
    fig: pd.Series, assumed: tuple[int, int] | None, out: dict[str, Any]
) -> tuple[Any, Any]:
    """The arm sizes of the recomputation: the note's, or the generator's assumed ones."""
    nt, nc = fig["n_treated"], fig["n_control"]
    if pd.notna(nt) and pd.notna(nc):
        out["pub_n_assumed"] = False
    elif assumed is not None:
        nt = assumed[0] if pd.isna(nt) else nt
        nc = assumed[1] if pd.isna(nc) else nc
        out["pub_n_assumed"] = True
    return nt, nc


def _recompute_did(fig: pd.Series, out: dict[str, Any], notes: list[str]) -> None:
    """Section 3: the change in the gap, exact from the four published shares."""
    from .did import did_from_shares

    h = _half_unit(int(fig["decimals"]))
    exact = did_from_shares(
        fig["start_treated"], fig["start_control"], fig["share_treated"], fig["share_control"]
    )
    # each of the four shares may be off by half a rounding unit
    out.update(
        pub_gap_start=exact.extra["gap_start"],
        pub_gap_end=exact.extra["gap_end"],
        pub_change=exact.estimate,
        pub_effect_low=exact.estimate - 4 * h,
        pub_effect_high=exact.estimate + 4 * h,
    )
    pp = 100 * 4 * h
    notes.append(
        f"gap {100 * exact.extra['gap_start']:+.1f} pp -> {100 * exact.extra['gap_end']:+.1f} "
        f"pp: change {100 * exact.estimate:+.1f} pp, exact from the published shares "
        f"(shares rounded to {int(fig['decimals'])} decimal(s): "
        f"{100 * exact.estimate - pp:+.1f} to {100 * exact.estimate + pp:+.1f} pp); "
        "no sampling error from shares alone"
    )


def _consistent_counts(fig: pd.Series, nt: int, nc: int) -> dict[str, Any]:
    """Every count pair that rounds to the published shares (rct.from_reported_shares)."""
    from .rct import from_reported_shares

    rc = fig["relative_change"]
    rs = from_reported_shares(
        float(fig["share_treated"]),
        nt,
        float(fig["share_control"]),
        nc,
        decimals=int(fig["decimals"]),
        reported_relative_change=None if pd.isna(rc) else float(rc),
    )
    out = dict(
        pub_n_treated=nt,
        pub_n_control=nc,
        pub_events_treated=f"{rs.events_treated_range[0]}-{rs.events_treated_range[1]}",
        pub_events_control=f"{rs.events_control_range[0]}-{rs.events_control_range[1]}",
        pub_effect_low=rs.estimate_range[0],
        pub_effect_high=rs.estimate_range[1],
        pub_ci_low=rs.ci[0],
        pub_ci_high=rs.ci[1],
        pub_p_min=rs.pvalue_range[0],
        pub_p_max=rs.pvalue_range[1],
        pub_significant=(
            "all counts"
            if rs.significant_for_all
            else "some counts"
            if rs.significant_for_any
            else "no counts"
        ),
        pub_relative_low=rs.relative_change_range[0],
        pub_relative_high=rs.relative_change_range[1],
    )
    if pd.notna(rc):
        out["relative_consistent"] = bool(rs.relative_change_consistent)
    return out


def _nearest_counts(fig: pd.Series, nt: int, nc: int, notes: list[str]) -> dict[str, Any]:
    """A published share no count of the denominator rounds to: use the nearest counts."""
    from .rct import difference_in_proportions_from_counts

    decimals = int(fig["decimals"])
    events = []
    for share, n, arm in (
        (fig["share_treated"], nt, "treated"),
        (fig["share_control"], nc, "control"),
    ):
        e = int(np.round(share * n))
        events.append(e)
        coarser = decimals > 0 and abs(round(100 * share, decimals - 1) - 100 * share) < 1e-9
        if not coarser and not _counts(share, n, decimals):
            below = int(np.floor(share * n))
            notes.append(
                f"no count of {n} {arm} rounds to {100 * share:.{decimals}f} % "
                f"({below}/{n} = {100 * below / n:.{decimals + 1}f} %, "
                f"{below + 1}/{n} = {100 * (below + 1) / n:.{decimals + 1}f} %): "
                "another denominator?"
            )
    r = difference_in_proportions_from_counts(events[0], nt, events[1], nc)
    notes.append(f"recomputed from the nearest counts {events[0]}/{nt} vs {events[1]}/{nc}")
    return dict(
        pub_n_treated=nt,
        pub_n_control=nc,
        pub_events_treated=str(events[0]),
        pub_events_control=str(events[1]),
        pub_ci_low=r.ci[0],
        pub_ci_high=r.ci[1],
        pub_p_min=r.pvalue,
        pub_p_max=r.pvalue,
        # effekt's one definition of significant: the interval excludes 0
        pub_significant="all counts" if r.significant else "no counts",
    )


def _recompute_two_shares(
    fig: pd.Series, nt: Any, nc: Any, out: dict[str, Any], notes: list[str]
) -> None:
    """Two published shares: effect and relative-change ranges, counts, intervals, claims."""
    st, sc, rc = fig["share_treated"], fig["share_control"], fig["relative_change"]
    decimals = int(fig["decimals"])
    h = _half_unit(decimals)
    out["pub_effect_low"], out["pub_effect_high"] = st - sc - 2 * h, st - sc + 2 * h
    rel_at = st / sc - 1
    out["relative_at_shares"] = rel_at
    out["pub_relative_low"], out["pub_relative_high"] = (
        (st - h) / (sc + h) - 1,
        (st + h) / (sc - h) - 1,
    )
    if pd.notna(nt) and pd.notna(nc):
        if _counts(st, nt, decimals) and _counts(sc, nc, decimals):
            out.update(_consistent_counts(fig, int(nt), int(nc)))
        else:
            out.update(_nearest_counts(fig, int(nt), int(nc), notes))
            if pd.notna(rc):
                out["relative_consistent"] = _relative_in_range(out, rc)
    elif pd.notna(rc):
        out["relative_consistent"] = _relative_in_range(out, rc)
    if pd.isna(rc):
        return
    stated, at = round(100 * rc), round(100 * rel_at)
    if stated == at:
        notes.append(f"{100 * st:g}/{100 * sc:g} gives {at:+d} %, as stated")
    elif out.get("relative_consistent"):
        notes.append(
            f"needs unrounded shares: {100 * st:g}/{100 * sc:g} would be {at:+d} %, "
            f"the stated {stated:+d} % is consistent for some counts in the rounding range"
        )
    else:
        notes.append(
            f"inconsistent: {100 * st:g}/{100 * sc:g} gives {at:+d} %, not {stated:+d} %, "
            "for any count in the rounding range"
        )


def _recompute_single_share(fig: pd.Series, nt: int, out: dict[str, Any], notes: list[str]) -> None:
    """One published share: a Wilson interval over the counts consistent with it."""
    st = fig["share_treated"]
    h = _half_unit(int(fig["decimals"]))
    lo_e = int(np.ceil((st - h) * nt - 1e-9))
    hi_e = int(np.floor((st + h) * nt + 1e-9))
    lo, _ = wilson_interval(lo_e, nt)
    _, hi = wilson_interval(hi_e, nt)
    out.update(
        pub_n_treated=nt,
        pub_events_treated=f"{lo_e}-{hi_e}",
        pub_ci_low=float(lo),
        pub_ci_high=float(hi),
        pub_effect_low=st - h,
        pub_effect_high=st + h,
    )
    notes.append("a single share: Wilson interval over the counts consistent with it")


_CLAIM_HOLDS = {  # (claim, for which consistent counts the effect is significant) -> holds?
    "significant": {"all counts": "yes", "some counts": "depends on rounding", "no counts": "no"},
    "no effect": {"all counts": "no", "some counts": "depends on rounding", "no counts": "yes"},
}


def _recompute(fig: pd.Series, assumed: tuple[int, int] | None) -> dict[str, Any]:
    """What the published shares and sizes alone support."""
    out: dict[str, Any] = {}
    notes: list[str] = []
    nt, nc = _sizes_used(fig, assumed, out)
    st, sc, rc = fig["share_treated"], fig["share_control"], fig["relative_change"]
    proportion = fig["scale"] == "proportion"
    if fig["design"] == "DiD":
        _recompute_did(fig, out, notes)
    elif proportion and pd.notna(st) and pd.notna(sc):
        _recompute_two_shares(fig, nt, nc, out, notes)
    elif proportion and pd.notna(st) and pd.notna(nt) and pd.isna(sc):
        _recompute_single_share(fig, int(nt), out, notes)
    elif fig["scale"] == "mean" and pd.notna(rc) and pd.notna(fig["effect"]):
        control = fig["effect"] / rc
        out["relative_consistent"] = True
        notes.append(
            f"implies a control mean of {control:.2f} and a treated mean of "
            f"{control + fig['effect']:.2f} {fig['unit']}".rstrip()
        )
    if fig["figure_id"] == "brobygning.success":
        parts = (
            _studies.figure("brobygning.ordinary_education").share_treated
            + _studies.figure("brobygning.job").share_treated
        )
        ok = abs(parts - st) < 1e-9
        notes.append(
            f"45.2 % + 7.7 % = {100 * parts:.1f} % {'(consistent)' if ok else '(inconsistent)'}"
        )
    claim, sig = fig["significance"], out.get("pub_significant")
    out["claim_holds"] = "n/a" if sig is None or claim == "not stated" else _CLAIM_HOLDS[claim][sig]
    if out["claim_holds"] in ("depends on rounding", "no"):
        p_range = f"p from {out['pub_p_min']:.3f} to {out['pub_p_max']:.3f}"
        held = "only some" if out["claim_holds"] == "depends on rounding" else "none"
        notes.append(
            f"claim '{claim}' holds for {held} of the counts consistent with the rounded "
            f"shares ({p_range})"
        )
    if out.get("pub_n_assumed"):
        notes.append("n not in the notes: assumed as in the synthetic study")
    out["pub_note"] = "; ".join(notes)
    return out


# ------------------------------------------------------------------ running it
@dataclass
class Reproduction:
    """The full run: the table, the synthetic data, artefacts (match results) and timings."""

    table: pd.DataFrame
    data: dict[str, pd.DataFrame]
    artefacts: dict[str, dict[str, Any]]
    seconds: dict[str, float]
    seed: int


def _study_seed(seed: int, name: str) -> int:
    """A seed per study that does not depend on which other studies run."""
    return int(np.random.SeedSequence([seed, zlib.crc32(name.encode())]).generate_state(1)[0])


def _check_studies(selected: Iterable[str] | str | None) -> list[str]:
    known = list(_studies.catalogue()["study"])
    known += [s for s in STUDIES if s not in known]
    if selected is None:
        return known
    if isinstance(selected, str):
        selected = [selected]
    if isinstance(selected, (bytes, dict, pd.DataFrame, pd.Series)) or not isinstance(
        selected, Iterable
    ):
        raise argument_error(
            "reproduce", "studies", "a study name or a list of study names", selected
        )
    chosen = list(selected)
    for s in chosen:
        if not isinstance(s, str) or s not in known:
            raise argument_error(
                "reproduce", "studies", f"a list of study names from {', '.join(known)}", s
            )
    if not chosen:
        raise argument_error("reproduce", "studies", "a non-empty list of study names", chosen)
    # each study once, in the order given (a repeated name would run and report twice)
    return list(dict.fromkeys(chosen))


def run(
    *,
    seed: int = 0,
    studies: Iterable[str] | str | None = None,
    progress: Callable[[int, int, str], None] | None = None,
) -> Reproduction:
    """Run the reproduction and keep everything the report needs (see :func:`reproduce`).

    Parameters
    ----------
    seed : int
        Seed for the synthetic data (each study derives its own seed from it and its name).
    studies : str or list of str, optional
        Study keys (default: every study in the catalogue); a repeated key runs once.
    progress : callable, optional
        Called as ``progress(i, n, study)`` before each study.

    Returns
    -------
    Reproduction

    Examples
    --------
    >>> from effekt.reproduction import run
    >>> rep = run(studies="displacement")
    >>> rep.table["figure_id"].tolist()
    ['displacement.new_job', 'displacement.municipal_staff']
    """
    seed = int(check_number(seed, "seed", "reproduce", low=0, integer=True))
    chosen = _check_studies(studies)
    if progress is not None and not callable(progress):
        raise argument_error(
            "run", "progress", "a function progress(i, n, study) or None", progress
        )
    reported = _studies.reported()
    rows, data, artefacts, seconds = [], {}, {}, {}
    for i, name in enumerate(chosen):
        if progress is not None:
            progress(i, len(chosen), name)
        start = time.perf_counter()
        spec = STUDIES.get(name, Study(name, comment="not re-estimated"))
        figs = reported[reported["study"] == name]
        estimates: dict[str, Estimate] = {}
        if spec.reestimate is not None and spec.generator is not None:
            from .synthetic import study as generate

            frame = generate(
                spec.generator, seed=_study_seed(seed, name), sample_scale=spec.sample_scale
            )
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", EffektWarning)
                found, extra = spec.reestimate(frame)
            estimates = {e.figure_id: e for e in found}
            data[name], artefacts[name] = frame, extra
        for _, fig in figs.iterrows():
            rows.append(_row(fig, estimates.get(fig["figure_id"]), spec))
        seconds[name] = time.perf_counter() - start
    table = pd.DataFrame(rows, columns=_COLUMNS)
    for col in ("pub_n_treated", "pub_n_control", "syn_n_treated", "syn_n_control"):
        table[col] = pd.to_numeric(table[col]).astype("Int64")
    for col in _FLOATS:
        table[col] = table[col].astype(float)
    return Reproduction(table, data, artefacts, seconds, seed)


_FLOATS = (
    "reported_treated",
    "reported_control",
    "reported_start_treated",
    "reported_start_control",
    "reported_effect",
    "reported_low",
    "reported_high",
    "reported_relative_change",
    "pub_effect_low",
    "pub_effect_high",
    "pub_gap_start",
    "pub_gap_end",
    "pub_change",
    "pub_ci_low",
    "pub_ci_high",
    "pub_p_min",
    "pub_p_max",
    "pub_relative_low",
    "pub_relative_high",
    "relative_at_shares",
    "estimate",
    "ci_low",
    "ci_high",
    "pvalue",
    "naive_estimate",
    "naive_ci_low",
    "naive_ci_high",
)


_COLUMNS = [
    "figure_id",
    "study",
    "section",
    "design",
    "group",
    "outcome",
    "time_point",
    "scale",
    "unit",
    "reported_treated",
    "reported_control",
    "reported_start_treated",
    "reported_start_control",
    "reported_effect",
    "reported_low",
    "reported_high",
    "reported_relative_change",
    "reported_significance",
    "approximate",
    "source",
    "text",
    "pub_n_treated",
    "pub_n_control",
    "pub_n_assumed",
    "pub_events_treated",
    "pub_events_control",
    "pub_effect_low",
    "pub_effect_high",
    "pub_gap_start",
    "pub_gap_end",
    "pub_change",
    "pub_ci_low",
    "pub_ci_high",
    "pub_p_min",
    "pub_p_max",
    "pub_significant",
    "claim_holds",
    "pub_relative_low",
    "pub_relative_high",
    "relative_at_shares",
    "relative_consistent",
    "pub_note",
    "method",
    "estimate",
    "ci_low",
    "ci_high",
    "pvalue",
    "syn_n_treated",
    "syn_n_control",
    "covers_reported",
    "naive_estimate",
    "naive_ci_low",
    "naive_ci_high",
    "comment",
]


def _row(fig: pd.Series, est: Estimate | None, spec: Study) -> dict[str, Any]:
    row: dict[str, Any] = dict.fromkeys(_COLUMNS, np.nan)
    row.update(
        figure_id=fig["figure_id"],
        study=fig["study"],
        section=fig["section"],
        design=fig["design"],
        group=fig["group"],
        outcome=fig["outcome"],
        time_point=fig["time_point"],
        scale=fig["scale"],
        unit=fig["unit"],
        reported_treated=fig["share_treated"],
        reported_control=fig["share_control"],
        reported_start_treated=fig["start_treated"],
        reported_start_control=fig["start_control"],
        reported_effect=fig["effect"],
        reported_low=fig["effect_low"],
        reported_high=fig["effect_high"],
        reported_relative_change=fig["relative_change"],
        reported_significance=fig["significance"],
        approximate=bool(fig["approximate"]),
        source=fig["source"],
        text=fig["text"],
        pub_n_treated=fig["n_treated"],
        pub_n_control=fig["n_control"],
        pub_significant="",
        claim_holds="n/a",
        pub_note="",
        comment="",
        method="",
        pub_events_treated="",
        pub_events_control="",
    )
    row.update(_recompute(fig, spec.assumed_n.get(fig["figure_id"])))
    if est is not None:
        r = est.result
        row.update(
            method=est.method,
            estimate=r.estimate,
            ci_low=r.ci[0],
            ci_high=r.ci[1],
            pvalue=r.pvalue,
            syn_n_treated=r.n_treated,
            syn_n_control=r.n_control,
            covers_reported=bool(r.ci[0] <= fig["effect"] <= r.ci[1])
            if pd.notna(fig["effect"])
            else np.nan,
        )
        if est.naive is not None:
            row.update(
                naive_estimate=est.naive.estimate,
                naive_ci_low=est.naive.ci[0],
                naive_ci_high=est.naive.ci[1],
            )
    elif fig["has_estimator"]:
        row["comment"] = "not re-estimated in this run"
    else:
        row["comment"] = (
            spec.comment or "nothing to re-estimate: the note gives no comparable figure"
        )
    return row


def reproduce(*, seed: int = 0, studies: Iterable[str] | str | None = None) -> pd.DataFrame:
    """Every reported figure: as reported, recomputed from the published numbers, re-estimated.

    Parameters
    ----------
    seed : int, default 0
        Seed for the synthetic data.
    studies : str or list of str, optional
        Study keys from :func:`effekt.studies.catalogue` (default: all of them).

    Returns
    -------
    DataFrame
        One row per figure of :func:`effekt.studies.reported`. Columns ``reported_*``: the
        note's figure; ``pub_*``: recomputed from the published shares and sizes (events
        ranges consistent with the rounded shares, effect range, a confidence interval
        covering every consistent count, p-value range, ``pub_significant`` = for which
        consistent counts the difference is significant, i.e. its 95 % interval excludes 0
        as in :attr:`effekt.results.EffectResult.significant`), ``claim_holds`` (does the
        note's "significant"/"no effect" claim hold: "yes", "no", "depends on rounding",
        "n/a"), ``relative_consistent`` (can the stated relative change come out of any
        consistent counts), ``pub_note`` (in words); ``method``, ``estimate``, ``ci_low``,
        ``ci_high``, ``pvalue``: re-estimated on the calibrated synthetic data with the
        study's method; ``covers_reported``; ``naive_*``: the unadjusted difference for
        matched studies; ``comment`` for figures that are not re-estimated. Effects on
        proportions are fractions.

    See Also
    --------
    run : the same with the synthetic data and match results kept.
    effekt.report.write_report : CSV, forest plot and HTML report.

    Examples
    --------
    >>> import effekt as ef
    >>> t = ef.reproduce(studies="mentor").set_index("figure_id")
    >>> t.loc["mentor.education", "pub_events_treated"]
    '202-214'
    >>> print(t.loc["mentor.education", "pub_note"])  # doctest: +NORMALIZE_WHITESPACE
    needs unrounded shares: 16/12 would be +33 %, the stated +30 % is consistent for some
    counts in the rounding range
    """
    return run(seed=seed, studies=studies).table


def coverage_over_seeds(seeds: Iterable[int]) -> pd.DataFrame:
    """Which reported figures the re-estimate's 95 % interval covers, seed by seed.

    Parameters
    ----------
    seeds : iterable of int
        Seeds of :func:`run` (each a full run of every study).

    Returns
    -------
    DataFrame
        One row per seed and re-estimated figure: ``seed``, ``figure_id``,
        ``covers_reported`` (bool).

    See Also
    --------
    stored_coverage : the stored result for seeds 0 to 199.

    Examples
    --------
    >>> cov = coverage_over_seeds([0])
    >>> int(cov["covers_reported"].sum()), len(cov)
    (35, 35)
    """
    frames = []
    for seed in _check_seeds(seeds, "coverage_over_seeds"):
        t = run(seed=seed).table
        t = t.loc[t["estimate"].notna(), ["figure_id", "covers_reported"]]
        frames.append(t.assign(seed=int(seed), covers_reported=t["covers_reported"].astype(bool)))
    return pd.concat(frames, ignore_index=True)[["seed", "figure_id", "covers_reported"]]


#: Most seeds of one coverage computation (each a full run of about a second).
MAX_COVERAGE_SEEDS = 1000


def _check_seeds(seeds: Any, func: str) -> list[int]:
    """A non-empty list of at most :data:`MAX_COVERAGE_SEEDS` non-negative integer seeds."""
    if isinstance(seeds, (str, bytes, dict, pd.DataFrame)) or not isinstance(seeds, Iterable):
        raise argument_error(func, "seeds", "a list (or range) of seeds", type(seeds).__name__)
    chosen = list(itertools.islice(seeds, MAX_COVERAGE_SEEDS + 1))
    if not chosen or len(chosen) > MAX_COVERAGE_SEEDS:
        raise argument_error(
            func, "seeds", f"a non-empty list of at most {MAX_COVERAGE_SEEDS} seeds", seeds
        )
    return [int(check_number(s, "seeds", func, low=0, integer=True)) for s in chosen]


def _coverage_flags(n_seeds: int) -> pd.Series:
    """Per figure id, the coverage for seeds ``0 .. n_seeds-1`` as one 0/1 character each."""
    long = coverage_over_seeds(range(n_seeds)).sort_values(["figure_id", "seed"], kind="stable")
    flags = long.groupby("figure_id")["covers_reported"].agg(
        lambda col: "".join("1" if f else "0" for f in col)
    )
    return flags.rename("covered_by_seed")


def make_stored_coverage(n_seeds: int = 200, path: str | Path | None = None) -> Path:
    """Compute the coverage over seeds ``0 .. n_seeds-1`` and write the file of :func:`stored_coverage`.

    The script behind ``effekt/data/coverage.csv``; from a checkout run
    ``PYTHONPATH=src python -c "from effekt.reproduction import make_stored_coverage as m;
    print(m(path='src/effekt/data/coverage.csv'))"`` (about a minute).

    Parameters
    ----------
    n_seeds : int, default 200
        Seeds ``0 .. n_seeds-1``, a full run each.
    path : path, optional
        File to write; the package's ``data/coverage.csv`` when omitted.

    Returns
    -------
    Path
        The file written.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> out = make_stored_coverage(1, pathlib.Path(tempfile.mkdtemp()) / "coverage.csv")
    >>> out.read_text().splitlines()[0]
    'figure_id,covered_by_seed'
    """
    func = "make_stored_coverage"
    check_number(n_seeds, "n_seeds", func, integer=True, low=1, high=MAX_COVERAGE_SEEDS)
    if path is None:
        path = Path(str(resources.files("effekt") / "data" / "coverage.csv"))
    out = check_output_path(path, func)
    flags = _coverage_flags(n_seeds)
    with writing(out, func):
        flags.to_csv(out)
    return out


def stored_coverage() -> pd.DataFrame:
    """The coverage over seeds 0 to 199, computed once and stored as package data.

    Made by :func:`make_stored_coverage` (``effekt/data/coverage.csv``: one row per figure,
    its coverage as a string of 0/1, one character per seed); a full run of 200 seeds takes
    about a minute, too long for every report.

    Returns
    -------
    DataFrame
        As :func:`coverage_over_seeds`.

    Examples
    --------
    >>> cov = stored_coverage()
    >>> cov["seed"].nunique()
    200
    """
    path = resources.files("effekt") / "data" / "coverage.csv"
    with path.open("r", encoding="utf-8") as f:
        wide = pd.read_csv(f, dtype=str)
    rows = [
        (seed, fid, flag == "1")
        for fid, flags in zip(wide["figure_id"], wide["covered_by_seed"], strict=True)
        for seed, flag in enumerate(flags)
    ]
    cov = pd.DataFrame(rows, columns=["seed", "figure_id", "covers_reported"])
    return cov.sort_values(["seed"], kind="stable", ignore_index=True)


# ------------------------------------------------------------------ terminal table
def _fmt_effect(value: float, scale: str, unit: str = "") -> str:
    if value is None or not np.isfinite(value):
        return ""
    if scale == "proportion":
        return number(100 * value, 1, sign=True)
    return number(value, 1, sign=True) if abs(value) < 1000 else number(value, 0)


def _fmt_ci(lo: float, hi: float, scale: str) -> str:
    if not (np.isfinite(lo) and np.isfinite(hi)):
        return ""
    return f"[{_fmt_effect(lo, scale)}, {_fmt_effect(hi, scale)}]"


def _reported_cell(r: pd.Series) -> str:
    scale = r["scale"]
    rep = _fmt_effect(r["reported_effect"], scale)
    if pd.notna(r["reported_low"]):
        k = 100.0 if scale == "proportion" else 1.0
        rep = f"{number(k * r['reported_low'], None, sign=True)}..{number(k * r['reported_high'], None)}"
    if not rep and r["reported_significance"] != "not stated":
        rep = r["reported_significance"]
    return "~" + rep if r["approximate"] and rep else rep


def _table_lines(r: pd.Series, width: int) -> list[str]:
    """One figure's line of :func:`format_table` and its wrapped comments and warnings."""
    scale = r["scale"]
    pub = _fmt_ci(r["pub_ci_low"], r["pub_ci_high"], scale)
    if pd.notna(r["pub_change"]):  # DiD: the exact change in gap from the four shares
        pub = f"{number(100 * r['pub_change'], 1, sign=True)} {term('exact')}"
    if str(r["pub_note"]).startswith("a single share") and pub:  # a level, not a difference
        pub = f"[{number(100 * r['pub_ci_low'], 1)}, {number(100 * r['pub_ci_high'], 1)}] %"
    short = {"depends on rounding": "depends", "n/a": "n/a (claim)"}
    claim = term(short.get(r["claim_holds"], r["claim_holds"])).replace(" (claim)", "")
    rel = (
        ""
        if pd.isna(r["relative_consistent"])
        else term("yes" if r["relative_consistent"] else "NO")
    )
    syn = ""
    if pd.notna(r["estimate"]):
        syn = f"{_fmt_effect(r['estimate'], scale)} {_fmt_ci(r['ci_low'], r['ci_high'], scale)}"
    ok = "" if pd.isna(r["covers_reported"]) else term("yes" if r["covers_reported"] else "NO")
    naive = _fmt_effect(r["naive_estimate"], scale)
    label = str(r["figure_id"]).split(".", 1)[-1][:28]
    rep = _reported_cell(r)
    line = f"  {label:<28} {rep:>9} {pub:>17} {claim:>8} {rel:>5} {syn:>24} {ok:>3} {naive:>7}"
    lines = [line.rstrip()]
    if r["comment"] and pd.isna(r["estimate"]) and not pub:
        lines.extend(
            textwrap.wrap(
                f"({r['comment']})", width - 6, initial_indent="      ", subsequent_indent="       "
            )
        )
    for part in str(r["pub_note"]).split("; "):
        if part.startswith(
            ("needs unrounded", "inconsistent", "no count", "recomputed from", "claim ")
        ):
            lines.extend(
                textwrap.wrap(
                    part, width - 6, initial_indent="      ! ", subsequent_indent="        "
                )
            )
    return lines


def _legend(table: pd.DataFrame) -> list[str]:
    lines = [
        term(
            "Effects in percentage points (pp) for shares, in hours/weeks for means. reported: "
            "the note's figure (~ approximate);"
        ),
        term(
            "published: 95 % CI over every count consistent with the rounded shares; claim: "
            "does the note's significance claim hold;"
        ),
        term(
            "rel.: stated relative change consistent; synthetic: re-estimated with the study's "
            "method on calibrated synthetic data;"
        ),
        term(
            "ok: the interval contains the reported effect; naive: unadjusted difference "
            "(matched studies)."
        ),
    ]
    if (table["design"] == "DiD").any():
        lines.append(
            term(
                "DiD (section 3): change in the gap participating - other municipalities from "
                "the project's start to its end; published: exact from the four shares."
            )
        )
    if (table["unit"] == "weeks faster").any():
        lines.append(
            term(
                "Jobrotation: weeks faster to an unsubsidised job (restricted mean over 23 "
                "months, control - temps)."
            )
        )
    return lines


def _check_table(table: Any, func: str) -> None:
    """The table of :func:`reproduce`: a DataFrame with all its columns."""
    if not isinstance(table, pd.DataFrame):
        raise argument_error(func, "table", "the DataFrame of reproduce()", type(table).__name__)
    absent = [c for c in _COLUMNS if c not in table.columns]
    if absent:
        raise EffektError(
            f"The 'table' argument of {func}() has no column {absent[0]!r}; pass the table of "
            "reproduce() (or run(...).table) as it is."
        )


@speaks
def format_table(table: pd.DataFrame, width: int = 110) -> str:
    """A readable fixed-width table of :func:`reproduce`'s output (effects in pp for shares).

    Parameters
    ----------
    table : DataFrame
        The output of :func:`reproduce` (or ``run(...).table``).
    width : int, default 110
        Width in characters at which comments and warnings are wrapped.
    language : {"en", "da"}, optional
        Language of the headers, legend and numbers (Danish: decimal comma); default the
        session's setting (:func:`effekt.language.set_language`).

    Returns
    -------
    str
        One line per figure, grouped by study, with the notes' problems flagged by "!" and
        a legend at the end.

    Examples
    --------
    >>> from effekt.reproduction import reproduce, format_table
    >>> print(format_table(reproduce(studies="displacement")).splitlines()[0].split()[:6])
    ['figure', 'reported', 'published:', 'CI', 'claim', 'rel.']
    >>> print(format_table(reproduce(studies="mentor"), language="da").split()[:3])
    ['figur', 'oplyst', 'offentl.:']
    """
    _check_table(table, "format_table")
    width = int(check_number(width, "width", "format_table", low=40, high=1000, integer=True))
    head = (
        f"{term('figure'):<30} {term('reported'):>9} {term('published: CI'):>17} "
        f"{term('claim'):>8} {term('rel.'):>5} {term('synthetic: est [CI]'):>24} "
        f"{term('ok'):>3} {term('naive'):>7}"
    )
    lines = [head, "-" * len(head)]
    study = None
    for _, r in table.iterrows():
        if r["study"] != study:
            study = r["study"]
            lines.append(f"{r['section']} {study} ({r['design']})")
        lines.extend(_table_lines(r, width))
    lines.append("-" * len(head))
    lines.extend(_legend(table))
    return "\n".join(lines)
