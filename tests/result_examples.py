"""One small instance of every public result class, for the convention tests.

Each area keeps its own builder function; ``build_examples`` merges them by class name.
"""

from __future__ import annotations

from functools import cache


def _core() -> list[object]:
    from effekt.results import EffectResult, EffectTable, TestResult

    a = EffectResult(0.04, 0.0135, (0.013, 0.066), 0.004, "Newcombe", label="mentor")
    return [a, EffectTable((a,), title="Arms"), TestResult(3.84, 0.05, "no effect", "chi2", 1)]


def _rct() -> list[object]:
    import effekt as ef

    trial = ef.synthetic.rct(300, 300, p_control=0.2, effect=0.05, seed=1)
    return [
        ef.rct.from_reported_shares(0.16, 1302, 0.12, 1291),
        ef.rct.subgroups(trial, "outcome", "treated", by=["gender"]),
        ef.rct.power(effect=0.04, n_treated=1000, p_control=0.12),
    ]


def _matching() -> list[object]:
    import effekt as ef

    obs = ef.synthetic.observational(600, effect=0.05, seed=1)
    covs = ["age", "months_on_benefit", "gender"]
    m = ef.matching.match(obs, "treated", covs)
    return [
        m,
        ef.matching.propensity_score(obs, "treated", covs),
        ef.matching.rosenbaum_bounds(m, "job"),
        ef.matching.e_value(1.5, 1.1, 2.0),
        ef.matching.balance_table(obs, "treated", covs, weights=m.weights, label="nearest"),
        ef.matching.compare_designs(obs, "job", "treated", covs, designs=["cem", "entropy"]),
        ef.matching.match(obs, "treated", covs, method="full"),
    ]


def _providers() -> list[object]:
    import effekt as ef

    prov = ef.synthetic.providers(8, 80, seed=1)
    cmp = ef.simple_effect.compare_providers(prov, "job_6m", "provider", ["age"])
    return [
        cmp,
        ef.simple_effect.simple_effects(prov, "job_6m", "provider"),
        ef.simple_effect.against_target(prov, "job_6m", "provider", 0.3),
        ef.simple_effect.contrast_from_counts(
            ["A", "B"], [19, 5], [20, 20], [18, 1], [20, 20], outcome_label="job"
        ),
        ef.simple_effect.overdispersion([0.2, 0.3, 0.25, 0.4], [100, 120, 90, 80], 0.28),
    ]


def _time() -> list[object]:
    import effekt as ef
    from effekt.synthetic.panels import jobrotation

    rot = jobrotation(seed=1, n_treated=200, n_control=200)
    km = ef.duration.kaplan_meier(rot, "weeks", "job", treatment="jobrotation")
    panel = ef.synthetic.panels.jobfirst_panel(n_persons=300, weeks=6, seed=1)
    trajectory = ef.trajectory.effect_over_time(panel, "paid_hours", "jobfirst", "person", "week")
    return [km, trajectory]


def _readers() -> list[object]:
    from effekt.readers import ReadReport

    return [ReadReport("x.csv", "utf-8-sig", ";", ",", ".", (("alder", "int64", "whole numbers"),))]


BUILDERS = (_core, _rct, _matching, _providers, _time, _readers)


@cache
def build_examples() -> dict[str, object]:
    out: dict[str, object] = {}
    for builder in BUILDERS:
        for obj in builder():
            out.setdefault(type(obj).__name__, obj)
    return out
