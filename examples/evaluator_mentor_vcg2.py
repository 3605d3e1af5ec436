"""An evaluator reproduces the Mentor trial with its subgroups and the VCG2 matched comparison.

Part 1 -- Mentorforsøget (RCT, 13 job centres, 1,302 vs 1,291): the effect on starting
education after one year, randomised within job centre, and the subgroup effects the note
reports (9th-grade average under 4: +7-10 pp; women: +4-6 pp; ...), with interaction tests
and multiplicity-adjusted p-values.

Part 2 -- Virksomhedscenter Generation 2 (matched comparison): resource-course participants
vs a comparison pool, flex job at week 70 (reported 14 % vs 5 %). Propensity-score matching,
the balance table and love plot, the matched effect beside the naive difference, and how
strong hidden confounding would have to be to explain the effect away (Rosenbaum bounds and
the E-value) -- the question the SFI 2015 mentor study raises.

Rows come from effekt's calibrated synthetic studies; swap in your own register extract.

Run: ``python examples/evaluator_mentor_vcg2.py``
"""

from __future__ import annotations

import tempfile
import warnings
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

from effekt import matching, rct, studies, synthetic  # noqa: E402
from effekt.errors import OverlapWarning  # noqa: E402

OUT = Path(tempfile.gettempdir())


def mentor() -> None:
    print("=" * 78, "\nMentorforsøget: mentor support for vulnerable youth (RCT)\n" + "=" * 78)
    df = synthetic.study("mentor", seed=7)
    print(
        f"{len(df):,} young people in {df['jobcentre'].nunique()} job centres; "
        f"{int(df['mentor'].sum()):,} with a mentor\n"
    )

    overall = rct.difference_in_proportions(df, "in_education_1y", "mentor", strata="jobcentre")
    print(overall.summary(), "\n")
    reported = studies.figure("mentor.education")
    print(f"The note: {reported.text}\n")

    labels = {
        "grade9_under4": "9th-grade avg < 4",
        "mother_no_vocational": "mother no voc. educ.",
        "income_below_mean": "parents' income < mean",
        "no_su_3y": "no SU last 3 years",
        "female": "woman",
    }
    readable = df.assign(
        **{label: df[col].map({True: "yes", False: "no"}) for col, label in labels.items()}
    )
    sub = rct.subgroups(readable, "in_education_1y", "mentor", by=list(labels.values()))
    print(sub.summary(), "\n")
    ax = sub.plot(title="Mentor: effect on starting education, by subgroup")
    path = OUT / "evaluator_mentor_subgroups.png"
    ax.figure.savefig(path, dpi=120, bbox_inches="tight")
    print(f"Subgroup forest plot written to {path}\n")


def vcg2() -> None:
    print("=" * 78, "\nVCG2: company mentor and internship (matched comparison)\n" + "=" * 78)
    df = synthetic.study("vcg2", seed=7)
    rc = df[df["benefit_group"] == "resource course"]
    covariates = ["age", "years_on_benefit", "female", "health_problems", "prior_internship"]
    print(
        f"Resource course: {int(rc['vcg2'].sum()):,} participants, {int((~rc['vcg2']).sum()):,} "
        "in the comparison pool\n"
    )

    naive = rct.difference_in_proportions(rc, "flexjob_w70", "vcg2")
    print("Naive participant-vs-pool difference (ignores who takes part):")
    print(naive.summary(), "\n")

    # 1:1 nearest neighbour without replacement (MatchIt's default), caliper 0.2 SD
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", OverlapWarning)
        m = matching.match(rc, "vcg2", covariates, caliper=0.2)
    for w in caught:
        print(f"Note: {w.message}\n")
    print(m.summary(), "\n")
    cols = [c for c in ("smd_before", "smd_after", "var_ratio_after") if c in m.balance().columns]
    print("Balance (standardized mean differences before/after):")
    print(m.balance()[cols].round(3).to_string(), "\n")
    ax = m.plot_balance()
    path = OUT / "evaluator_vcg2_balance.png"
    ax.figure.savefig(path, dpi=120, bbox_inches="tight")
    print(f"Love plot written to {path}\n")

    att = m.effect("flexjob_w70")
    print("Matched effect on being in a flex job at week 70:")
    print(att.summary(), "\n")
    print(f"The note: {studies.figure('vcg2.flexjob_resource_course').text}\n")
    # The caliper drops treated units, so the effect above is for the matched treated only.
    # Keeping every participant: 1:2 matching with replacement (Abadie-Imbens SE).
    every = matching.match(rc, "vcg2", covariates, ratio=2, replace=True).effect("flexjob_w70")
    print("Every participant kept (1:2 with replacement):")
    print(every.summary(), "\n")

    bounds = matching.rosenbaum_bounds(m, "flexjob_w70")
    print(bounds.summary(), "\n")
    print(matching.e_value(att).summary())


def main() -> None:
    mentor()
    vcg2()


if __name__ == "__main__":
    main()
