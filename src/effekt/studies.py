"""The Danish notes' reported figures as data.

:func:`reported` returns one tidy row per figure reported in the notes (the source notes'
sections 1 to 4: randomised trials, matched comparisons, municipality comparisons by
difference in differences, simple effects), and
:func:`catalogue` one row per study. Shares are fractions (``0.16``), effects on shares are
differences of fractions (``0.04`` = +4 pp), relative changes are ratios minus one
(``0.30`` = "a 30 % rise"). A figure the note gives only approximately ("ca.", "knap",
"i underkanten af", "omkring") carries ``approximate=True``; a figure given as a range
("+7 to +10 pp") has ``effect_low``/``effect_high`` and its midpoint as ``effect``.

The notes are identified by their number: ``000`` knowledge note on effects for the
unemployed (STAR, c. 2017), ``002`` short knowledge note, ``003`` municipal committee (BIU)
note on simple effects, ``004`` STAR note on five knowledge projects.

Examples
--------
>>> from effekt import studies
>>> fig = studies.reported().set_index("figure_id").loc["mentor.education"]
>>> print(fig.share_treated, fig.share_control, fig.n_treated, fig.n_control)
0.16 0.12 1302 1291
>>> print(fig.relative_change)
0.3
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

from ._validate import argument_error

__all__ = ["reported", "catalogue", "figure", "DESIGNS"]

#: The designs of the notes' sections 1 (RCT), 2 (matched), 3 (DiD) and 4 (simple effect).
DESIGNS = ("RCT", "matched", "DiD", "simple effect")

_NA = np.nan

# One entry per study: section of the notes, design and what the notes say about it.
_CATALOGUE: list[dict[str, Any]] = [
    dict(
        study="mentor",
        name="Mentorforsøget (mentor support for vulnerable youth)",
        section="1.1",
        design="RCT",
        period="2012-13",
        source="000, 004",
        n_treated=1302,
        n_control=1291,
        units="13 job centres; randomised within job centre",
        population="vulnerable 18-29-year-old cash-benefit recipients without vocational education",
        method="difference in proportions, stratified by job centre (Mantel-Haenszel)",
    ),
    dict(
        study="jobfirst",
        name="JobFirst",
        section="1.2",
        design="RCT",
        period="2016-17",
        source="000, 002, 004",
        n_treated=2400,
        n_control=_NA,
        units="15 municipalities (clusters)",
        population="resource-course and activity-ready cash/integration-benefit recipients "
        "over 30, "
        "more than 1 year on public support",
        method="difference in proportions / means, cluster-robust by municipality (CR2, t(G-1))",
    ),
    dict(
        study="ips",
        name="IPS / Projekt Inklusion",
        section="1.3",
        design="RCT",
        period="2011-17",
        source="000, 002, 004",
        n_treated=243 + 238,
        n_control=239,
        units="three arms: IPS 243, IPSE 238, usual service 239",
        population="people with severe mental illness",
        method="each arm and the pooled IPS arms against usual service",
    ),
    dict(
        study="vcg2",
        name="Virksomhedscenter Generation 2 (VCG2)",
        section="2.1",
        design="matched",
        period="2014-15",
        source="000",
        n_treated=2500,
        n_control=_NA,
        units="25 job centres",
        population="vulnerable cash-benefit recipients and resource-course citizens",
        method="propensity-score matching, exact on benefit group",
    ),
    dict(
        study="brobygning",
        name="Brobygning til uddannelse (bridge-building to education)",
        section="2.2",
        design="matched",
        period="2013-",
        source="000, 004",
        n_treated=2397,
        n_control=_NA,
        units="12 vocational schools, 40 job centres",
        population="young education-benefit recipients",
        method="propensity-score matching",
    ),
    dict(
        study="voksenlaerling",
        name="Voksenlærling (adult apprenticeship, Deloitte 2013)",
        section="2.3",
        design="matched",
        period="-2013",
        source="000",
        n_treated=_NA,
        n_control=_NA,
        units="individuals",
        population="unemployed adults (25+) completing an adult apprenticeship",
        method="comparison with a control group (matching assumed)",
    ),
    dict(
        study="jobrotation",
        name="Jobrotation (KORA 2014)",
        section="2.4",
        design="matched",
        period="2012-14",
        source="000",
        n_treated=_NA,
        n_control=_NA,
        units="individuals",
        population="unemployed hired as job-rotation temps in 2012",
        method="duration (time to unsubsidised job) against non-participants",
    ),
    dict(
        study="mentor_sfi",
        name="Mentor scheme, register matching (SFI 2015)",
        section="2.5",
        design="matched",
        period="-2015",
        source="000, 003",
        n_treated=_NA,
        n_control=_NA,
        units="individuals",
        population="citizens with and without a mentor",
        method="register-based matching (warned: selection on unobservables)",
    ),
    dict(
        study="displacement",
        name="Displacement (AKF 2010; KORA 2013)",
        section="2.6",
        design="matched",
        period="2006-13",
        source="000",
        n_treated=2780,
        n_control=_NA,
        units="small firms hiring one subsidised employee in 2006",
        population="private firms; municipal workplaces (KORA 2013)",
        method="share of firms where the subsidy created a new ordinary job",
    ),
    dict(
        study="stv",
        name="Særligt Tilrettelagt Virksomhedsforløb (STV), municipality comparison",
        section="3",
        design="DiD",
        period="Nov 2016 - Dec 2018",
        source="001",
        n_treated=_NA,
        n_control=_NA,
        units="participating municipalities vs the rest of the country (Jobindsats shares)",
        population="activity-ready cash-benefit recipients and resource-course citizens",
        method="difference in differences of shares, start vs end of the project",
    ),
    dict(
        study="brf",
        name="Bedre Ressourceforløb (BRF), municipality comparison",
        section="3",
        design="DiD",
        period="Jan 2017 - Dec 2018",
        source="001",
        n_treated=_NA,
        n_control=_NA,
        units="participating municipalities vs the rest of the country (Jobindsats shares)",
        population="citizens in resource course",
        method="difference in differences of shares, start vs end of the project",
    ),
    dict(
        study="hir",
        name="Håndholdt indsats i ressourceforløb (HIR), municipality comparison",
        section="3",
        design="DiD",
        period="Mar 2018 - Mar 2019",
        source="001",
        n_treated=_NA,
        n_control=_NA,
        units="15 participating municipalities vs the rest of the country (Jobindsats shares)",
        population="citizens in resource course",
        method="difference in differences of shares, start vs end of the project",
    ),
    dict(
        study="biu_providers",
        name="Simple effects and provider steering (BIU note)",
        section="4",
        design="simple effect",
        period="",
        source="003",
        n_treated=_NA,
        n_control=_NA,
        units="providers",
        population="participants in company-directed offers",
        method="simple effect: share in a job at course end",
    ),
]


def _fig(
    figure_id: str,
    study: str,
    *,
    group: str = "all",
    outcome: str,
    time_point: str,
    scale: str = "proportion",
    treated: float = _NA,
    control: float = _NA,
    effect: float = _NA,
    effect_low: float = _NA,
    effect_high: float = _NA,
    relative_change: float = _NA,
    n_treated: float = _NA,
    n_control: float = _NA,
    significance: str = "not stated",
    approximate: bool = False,
    decimals: int = 0,
    source: str,
    text: str,
    estimator: bool = True,
    unit: str = "",
    start_treated: float = _NA,
    start_control: float = _NA,
) -> dict[str, Any]:
    if np.isfinite(start_treated) and np.isfinite(start_control) and not np.isfinite(effect):
        # difference in differences: change in the gap, in decimal arithmetic on the shares
        effect = round(round(treated - control, 12) - round(start_treated - start_control, 12), 12)
    if np.isfinite(effect_low) and np.isfinite(effect_high) and not np.isfinite(effect):
        effect = (effect_low + effect_high) / 2
    if not np.isfinite(effect) and np.isfinite(treated) and np.isfinite(control):
        effect = treated - control
    return dict(
        figure_id=figure_id,
        study=study,
        group=group,
        outcome=outcome,
        time_point=time_point,
        scale=scale,
        unit=unit,
        share_treated=treated,
        share_control=control,
        start_treated=start_treated,
        start_control=start_control,
        effect=effect,
        effect_low=effect_low,
        effect_high=effect_high,
        relative_change=relative_change,
        n_treated=n_treated,
        n_control=n_control,
        significance=significance,
        approximate=approximate,
        decimals=decimals,
        has_estimator=estimator,
        source=source,
        text=text,
    )


def _figures() -> list[dict[str, Any]]:
    edu = "in SU-eligible education"
    job = "in job"
    m: dict[str, Any] = dict(n_treated=1302, n_control=1291, source="000, 004")
    msub: dict[str, Any] = dict(source="000 (footnote 6)", significance="significant")
    rows = [
        # 1.1 Mentor
        _fig(
            "mentor.education",
            "mentor",
            outcome=edu,
            time_point="1 year",
            treated=0.16,
            control=0.12,
            effect=0.04,
            relative_change=0.30,
            significance="significant",
            approximate=True,
            text="12 % vs 16 %: ca. +4 pp, significant; a 30 % rise",
            **m,
        ),
        _fig(
            "mentor.job",
            "mentor",
            outcome=job,
            time_point="a little over 1 year",
            treated=0.07,
            control=0.05,
            effect=0.02,
            relative_change=0.40,
            significance="significant",
            approximate=True,
            text="ca. 5 % vs ca. 7 %: ca. +2 pp, significant; a 40 % rise",
            **m,
        ),
        _fig(
            "mentor.education.grade9_under4",
            "mentor",
            group="9th-grade average under 4",
            outcome=edu,
            time_point="1 year",
            effect_low=0.07,
            effect_high=0.10,
            text="+7-10 pp",
            **msub,
        ),
        _fig(
            "mentor.education.mother_no_vocational",
            "mentor",
            group="mother (or father) without vocational education",
            outcome=edu,
            time_point="1 year",
            effect_low=0.03,
            effect_high=0.04,
            approximate=True,
            text="around +3-4 pp",
            **msub,
        ),
        _fig(
            "mentor.education.income_below_mean",
            "mentor",
            group="parents' gross income below the group mean",
            outcome=edu,
            time_point="1 year",
            effect_low=0.03,
            effect_high=0.05,
            text="+3-5 pp",
            **msub,
        ),
        _fig(
            "mentor.education.no_su_3y",
            "mentor",
            group="no SU in the 3 years before",
            outcome=edu,
            time_point="1 year",
            effect_low=0.04,
            effect_high=0.06,
            text="+4-6 pp",
            **msub,
        ),
        _fig(
            "mentor.education.women",
            "mentor",
            group="women",
            outcome=edu,
            time_point="1 year",
            effect_low=0.04,
            effect_high=0.06,
            text="+4-6 pp",
            **msub,
        ),
        _fig(
            "mentor.education.strongest",
            "mentor",
            group="strongest youth (good parental background)",
            outcome=edu,
            time_point="1 year",
            effect=0.0,
            significance="no effect",
            source="000",
            text="no effect for the 'strong' youth with good parental background",
        ),
        _fig(
            "mentor.education.weakest",
            "mentor",
            group="weakest youth (did not finish primary school)",
            outcome=edu,
            time_point="1 year",
            effect=0.0,
            significance="no effect",
            source="000",
            text="no effect for the weakest youth who did not finish primary school",
        ),
        _fig(
            "mentor.job.ethnic_danish",
            "mentor",
            group="ethnic Danish background",
            outcome=job,
            time_point="a little over 1 year",
            effect=0.02,
            text="+2 pp",
            **msub,
        ),
        _fig(
            "mentor.job.high_public_support",
            "mentor",
            group="high share of public support (excl. SU) in the last 3 years",
            outcome=job,
            time_point="a little over 1 year",
            effect_low=0.03,
            effect_high=0.05,
            text="+3-5 pp",
            **msub,
        ),
        _fig(
            "mentor.job.mother_no_vocational",
            "mentor",
            group="mother without vocational education",
            outcome=job,
            time_point="a little over 1 year",
            effect_low=0.03,
            effect_high=0.04,
            text="+3-4 pp",
            **msub,
        ),
        _fig(
            "mentor.job.su_3y",
            "mentor",
            group="received SU within the last 3 years",
            outcome=job,
            time_point="a little over 1 year",
            effect_low=0.03,
            effect_high=0.05,
            text="+3-5 pp",
            **msub,
        ),
        # 1.2 JobFirst
        _fig(
            "jobfirst.paid_hours_w35",
            "jobfirst",
            outcome="has ordinary paid hours",
            time_point="week 35",
            treated=0.12,
            control=0.07,
            n_treated=2400,
            significance="not stated",
            source="000",
            text="12 % vs 7 % have ordinary paid hours at week 35 (mid-term evaluation)",
        ),
        _fig(
            "jobfirst.hours_w78",
            "jobfirst",
            group="long-term cash-benefit recipients",
            outcome="ordinary hours per week",
            time_point="week 78",
            scale="mean",
            unit="hours/week",
            effect=1.9,
            relative_change=0.67,
            n_treated=2400,
            significance="significant",
            approximate=True,
            source="004",
            text="just under 2 extra ordinary hours per week, ca. 67 % more than control",
        ),
        _fig(
            "jobfirst.hours_6y",
            "jobfirst",
            outcome="ordinary paid hours over the period",
            time_point="6 years (2023 follow-up)",
            scale="mean",
            unit="hours",
            relative_change=0.14,
            n_treated=2400,
            source="004",
            estimator=False,
            text="14 % more paid hours than control over six years",
        ),
        # 1.3 IPS
        _fig(
            "ips.job_or_education_18m",
            "ips",
            group="IPS and IPSE arms pooled",
            outcome="in job or education",
            time_point="within 18 months",
            treated=0.60,
            control=0.465,
            relative_change=0.29,
            n_treated=481,
            n_control=239,
            decimals=1,
            approximate=True,
            source="004",
            text="ca. 60 % of the IPS arms vs 46.5 % in control; "
            '"just under 30 % more" (read as 29 %)',
        ),
        _fig(
            "ips.weeks_18m",
            "ips",
            group="IPS and IPSE arms pooled",
            outcome="weeks in employment or education",
            time_point="18 months",
            scale="mean",
            unit="weeks",
            effect=2.9,
            n_treated=481,
            n_control=239,
            source="004",
            text="on average 2.9 more weeks in employment or education",
        ),
        _fig(
            "ips.saving",
            "ips",
            outcome="societal saving per citizen",
            time_point="",
            scale="mean",
            unit="DKK",
            effect=72000.0,
            source="002",
            estimator=False,
            text="estimated societal saving 72,000 DKK per citizen",
        ),
        # 2.1 VCG2
        _fig(
            "vcg2.internship_13w",
            "vcg2",
            outcome="at least 13 weeks continuous internship",
            time_point="during the course",
            treated=0.75,
            control=0.10,
            approximate=True,
            source="000",
            text="ca. 75 % of participants vs ca. 10 % in the matched comparison group",
        ),
        _fig(
            "vcg2.flexjob_resource_course",
            "vcg2",
            group="resource course",
            outcome="in flex job",
            time_point="week 70",
            treated=0.14,
            control=0.05,
            significance="significant",
            approximate=True,
            source="000",
            text="ca. 14 % vs ca. 5 % in flex job at week 70, significant",
        ),
        _fig(
            "vcg2.flexjob_cash_benefit",
            "vcg2",
            group="cash benefit",
            outcome="in flex job",
            time_point="week 70",
            treated=0.06,
            control=0.02,
            significance="significant",
            approximate=True,
            source="000",
            text="ca. 6 % vs ca. 2 % in flex job at week 70, significant",
        ),
        _fig(
            "vcg2.ledighedsydelse",
            "vcg2",
            outcome="on ledighedsydelse (waiting for flex job)",
            time_point="week 70",
            significance="significant",
            source="000",
            estimator=False,
            text="significantly more on ledighedsydelse in the treatment group (no figures)",
        ),
        # 2.2 Brobygning
        _fig(
            "brobygning.education_w25",
            "brobygning",
            outcome="in education",
            time_point="week 25",
            effect=0.15,
            n_treated=2397,
            significance="significant",
            source="000, 004",
            text="25 weeks after start the share in education is 15 pp higher",
        ),
        _fig(
            "brobygning.ordinary_education",
            "brobygning",
            outcome="went on to ordinary education",
            time_point="end of follow-up",
            treated=0.452,
            n_treated=2397,
            decimals=1,
            source="000, 004",
            estimator=False,
            text="45.2 % of participants went on to ordinary education (no comparison)",
        ),
        _fig(
            "brobygning.job",
            "brobygning",
            outcome="went on to a job",
            time_point="end of follow-up",
            treated=0.077,
            n_treated=2397,
            decimals=1,
            source="000, 004",
            estimator=False,
            text="7.7 % went on to a job (no comparison)",
        ),
        _fig(
            "brobygning.success",
            "brobygning",
            outcome="met the success criteria (education or job)",
            time_point="end of follow-up",
            treated=0.529,
            n_treated=2397,
            decimals=1,
            source="000",
            estimator=False,
            text="52.9 % met the success criteria (45.2 % + 7.7 %)",
        ),
        _fig(
            "brobygning.long_term",
            "brobygning",
            outcome="started SU-eligible education, employment",
            time_point="3.5-4 years",
            significance="significant",
            source="004",
            estimator=False,
            text="positive effects on SU-eligible education, employment, vocational main course; "
            "none on upper-secondary or higher education (no figures)",
        ),
        # 2.3 Voksenlaerling
        _fig(
            "voksenlaerling.employment_1y",
            "voksenlaerling",
            outcome="in employment",
            time_point="1 year",
            treated=0.70,
            control=0.58,
            source="000",
            text="70 % of those who completed vs 58 % in the control group; largest for "
            "cash-benefit recipients",
        ),
        # 2.4 Jobrotation
        _fig(
            "jobrotation.time_to_job",
            "jobrotation",
            outcome="time to unsubsidised job",
            time_point="up to 23 months",
            scale="mean",
            unit="weeks faster",
            effect_low=2.0,
            effect_high=3.0,
            source="000",
            text="job-rotation temps reach unsubsidised employment 2-3 weeks faster on average "
            "(effect > 0: weeks faster, i.e. control minus temps in restricted mean weeks "
            "without a job)",
        ),
        # 2.5 Mentor, SFI
        _fig(
            "mentor_sfi.job_or_education",
            "mentor_sfi",
            outcome="ordinary employment or education",
            time_point="within 1.5 years",
            significance="no effect",
            source="000, 003",
            estimator=False,
            text="no effect; possibly biased by selection on unobservables (mentor group weaker)",
        ),
        # 2.6 Displacement
        _fig(
            "displacement.new_job",
            "displacement",
            outcome="subsidy led to a new ordinary job",
            time_point="2006",
            treated=0.26,
            n_treated=2780,
            source="000",
            estimator=False,
            text="in 26 % of 2,780 small firms the subsidy led to a new ordinary job",
        ),
        _fig(
            "displacement.municipal_staff",
            "displacement",
            outcome="ordinary staff and wage bill at municipal workplaces",
            time_point="2013",
            significance="no effect",
            source="000",
            estimator=False,
            text="KORA 2013: wage subsidy did not change ordinary staff counts or wage bills",
        ),
        # 3 municipality comparisons (STAR note, March 2020): end shares as share_*, start
        # shares as start_*; the effect is the change in the gap (difference in differences)
        *_star2020_figures(),
        # 4 BIU simple effects
        _fig(
            "biu.simple_effect_strong",
            "biu_providers",
            group="strong, newly unemployed",
            outcome="in job (simple effect)",
            time_point="course end",
            treated=0.95,
            effect_low=0.90,
            effect_high=1.00,
            approximate=True,
            source="003",
            text="simple effect ca. 90-100 % at course end",
        ),
        _fig(
            "biu.simple_effect_complex",
            "biu_providers",
            group="complex challenges",
            outcome="in job (simple effect)",
            time_point="course end",
            treated=0.125,
            effect_low=0.10,
            effect_high=0.15,
            approximate=True,
            source="003",
            text="simple effect ca. 10-15 %",
        ),
        _fig(
            "biu.without_offer_complex",
            "biu_providers",
            group="complex challenges, no offer",
            outcome="in job (simple effect)",
            time_point="course end",
            treated=0.015,
            effect_low=0.0,
            effect_high=0.03,
            approximate=True,
            source="003",
            text="without an active offer ca. 0-3 %",
        ),
        _fig(
            "biu.causal_complex",
            "biu_providers",
            group="complex challenges",
            outcome="in job: course vs no offer",
            time_point="course end",
            treated=0.125,
            control=0.015,
            effect=0.11,
            effect_low=0.07,
            effect_high=0.15,
            approximate=True,
            source="003",
            text="implied causal effect: 10-15 % against 0-3 % without an offer",
        ),
    ]
    return rows


# (project, outcome, benefit, start, end, start: part. vs rest, end: part. vs rest, decimals, note)
_STAR2020 = [
    ("stv", "company", "cash", "Nov 2016", "Dec 2018", (0.17, 0.13), (0.21, 0.16), 0, ""),
    ("stv", "company", "resource", "Nov 2016", "Dec 2018", (0.19, 0.15), (0.23, 0.18), 0, ""),
    ("stv", "paid_hours", "cash", "Nov 2016", "Dec 2018", (0.036, 0.032), (0.051, 0.048), 1, ""),
    (
        "stv",
        "paid_hours",
        "resource",
        "Nov 2016",
        "Dec 2018",
        (0.005, 0.005),
        (0.020, 0.016),
        1,
        "",
    ),
    (
        "brf",
        "company",
        "resource",
        "Jan 2017",
        "Dec 2018",
        (0.133, 0.168),
        (0.217, 0.177),
        1,
        " (-3.5 pp -> +4 pp)",
    ),
    (
        "brf",
        "paid_hours",
        "resource",
        "Jan 2017",
        "Dec 2018",
        (0.006, 0.004),
        (0.020, 0.015),
        1,
        " (36 -> 140 persons; country 142 -> 425)",
    ),
    (
        "hir",
        "company",
        "resource",
        "Mar 2018",
        "Mar 2019",
        (0.184, 0.159),
        (0.247, 0.191),
        1,
        " (gap 2.5 pp -> 5.6 pp)",
    ),
    (
        "hir",
        "paid_hours",
        "resource",
        "Mar 2018",
        "Mar 2019",
        (0.013, 0.010),
        (0.020, 0.014),
        1,
        "",
    ),
]

_OUTCOMES = {"company": "company-directed effort", "paid_hours": "paid hours"}
_BENEFITS = {"cash": "activity-ready cash benefit", "resource": "resource course"}


def _star2020_figures() -> list[dict[str, Any]]:
    out = []
    for project, outcome, benefit, start, end, s0, s1, decimals, note in _STAR2020:
        pct = f"{{:.{decimals}f}} %"
        out.append(
            _fig(
                f"{project}.{outcome}_{benefit}",
                project,
                group=_BENEFITS[benefit],
                outcome=_OUTCOMES[outcome],
                time_point=f"{start} -> {end}",
                treated=s1[0],
                control=s1[1],
                start_treated=s0[0],
                start_control=s0[1],
                decimals=decimals,
                source="001",
                text=f"{_OUTCOMES[outcome]}, {_BENEFITS[benefit]}: "
                f"{pct.format(100 * s0[0])} vs {pct.format(100 * s0[1])} at the start ({start}), "
                f"{pct.format(100 * s1[0])} vs {pct.format(100 * s1[1])} at the end ({end})" + note,
            )
        )
    return out


@lru_cache(maxsize=1)
def _reported() -> pd.DataFrame:
    frame = pd.DataFrame(_figures())
    cat = pd.DataFrame(_CATALOGUE).set_index("study")
    frame.insert(2, "design", frame["study"].map(cat["design"]))
    frame.insert(2, "section", frame["study"].map(cat["section"]))
    frame.insert(2, "study_name", frame["study"].map(cat["name"]))
    for col in ("n_treated", "n_control"):
        frame[col] = frame[col].astype("Int64")
    return frame


def reported(study: str | None = None) -> pd.DataFrame:
    """Every figure of the notes' sections 1 to 4 as one tidy DataFrame.

    Parameters
    ----------
    study : str, optional
        Only this study's figures (a key of :func:`catalogue`, e.g. ``"mentor"``).

    Returns
    -------
    DataFrame
        One row per figure with columns ``figure_id``, ``study``, ``study_name``,
        ``section``, ``design`` ("RCT", "matched", "DiD", "simple effect"), ``group``, ``outcome``,
        ``time_point``, ``scale`` ("proportion" or "mean"), ``unit``, ``share_treated`` and
        ``share_control`` (shares as fractions, or means; NaN where not given; for the
        municipality comparisons of section 3 the shares at the project's end, with
        ``start_treated``/``start_control`` the shares at its start), ``effect``
        (as reported; the midpoint of a range), ``effect_low``/``effect_high`` (a reported
        range), ``relative_change`` (as reported, ratio - 1), ``n_treated``/``n_control``
        (where the notes give them), ``significance`` ("significant", "no effect",
        "not stated"), ``approximate`` (the note says "ca." or similar), ``decimals`` (to
        which the shares are rounded, in percent), ``has_estimator`` (whether
        :func:`effekt.reproduce` re-estimates it on synthetic data), ``source`` (note
        numbers) and ``text`` (what the note says, in English).

    Notes
    -----
    For the municipality comparisons (section 3, design "DiD") ``effect`` is the change in
    the gap between participating and other municipalities from the start to the end of the
    project, computed from the four published shares (HIR: 2.5 pp -> 5.6 pp, +3.1 pp);
    ``n_treated``/``n_control`` are missing (the note gives shares of register populations).
    ``jobrotation.time_to_job`` is in weeks *faster* (positive = temps find a job sooner).

    For the simple-effect rows of the BIU note (section 4), ``effect`` is the simple effect
    itself (a share in a job), as the note uses the word; ``biu.causal_complex`` is the
    difference the note's example implies (10-15 % with the course against 0-3 % without).

    Examples
    --------
    >>> from effekt import studies
    >>> vcg2 = studies.reported("vcg2")
    >>> vcg2[["group", "share_treated", "share_control"]].iloc[1:3].values.tolist()
    [['resource course', 0.14, 0.05], ['cash benefit', 0.06, 0.02]]
    """
    frame = _reported().copy()
    if study is not None:
        known = list(frame["study"].unique())
        if study not in known:
            raise argument_error(
                "reported", "study", f"one of {', '.join(map(repr, known))}", study
            )
        frame = frame[frame["study"] == study].reset_index(drop=True)
    return frame


def catalogue() -> pd.DataFrame:
    """One row per study of the notes' sections 1 to 4.

    Returns
    -------
    DataFrame
        Columns ``study`` (key), ``name``, ``section``, ``design``, ``period``, ``source``,
        ``n_treated``, ``n_control`` (as the notes give them; NaN where they do not),
        ``units``, ``population`` and ``method`` (the study's own estimator, in words).

    Examples
    --------
    >>> from effekt import studies
    >>> studies.catalogue()["study"].tolist()[:3]
    ['mentor', 'jobfirst', 'ips']
    """
    frame = pd.DataFrame(_CATALOGUE)
    for col in ("n_treated", "n_control"):
        frame[col] = frame[col].astype("Int64")
    return frame


def figure(figure_id: str) -> pd.Series:
    """One reported figure by its id (a row of :func:`reported`).

    Examples
    --------
    >>> from effekt import studies
    >>> print(studies.figure("jobfirst.hours_w78").relative_change)
    0.67
    """
    frame = _reported()
    hit = frame[frame["figure_id"] == figure_id]
    if hit.empty:
        raise argument_error("figure", "figure_id", "a figure_id of studies.reported()", figure_id)
    return hit.iloc[0].copy()
