"""Time effekt.simple_effect on 1,000,000 participants, 500 providers, 10 case-mix columns.

Run: PYTHONPATH=src python benchmarks/bench_simple_effect.py [--rows 1000000] [--providers 500]
Prints one table row per step (best of --repeat runs, seconds).
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np

from effekt import simple_effect as se
from effekt import synthetic
from effekt.errors import ComparabilityWarning

CASE_MIX = [
    "age",
    "female",
    "benefit_group",
    "education",
    "months_unemployed",
    "health_issues",
    "immigrant",
    "prior_employment",
    "children",
    "urban",
]


def timed(fn, repeat):
    best, out = np.inf, None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def _statsmodels_oe(df):
    """What an analyst would otherwise write: the case-mix model in statsmodels, O and E by
    provider with pandas, and a normal z-test of O - E (no exact tests, no funnel)."""
    import pandas as pd
    import statsmodels.api as sm
    from scipy import stats

    X = pd.get_dummies(df[CASE_MIX + ["period"]].astype({"period": str}), drop_first=True)
    X = sm.add_constant(X.astype(float))
    fit = sm.Logit(df["job_6m"].to_numpy(float), X.to_numpy()).fit(disp=0)
    p = fit.predict(X.to_numpy())
    g = pd.DataFrame({"provider": df["provider"], "y": df["job_6m"], "p": p, "v": p * (1 - p)})
    oe = g.groupby("provider").agg(O=("y", "sum"), E=("p", "sum"), V=("v", "sum"))
    return 2 * stats.norm.sf(np.abs(oe["O"] - oe["E"]) / np.sqrt(oe["V"]))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--providers", type=int, default=500)
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args()
    per = a.rows // a.providers
    rng = np.random.default_rng(0)
    effects = np.where(rng.random(a.providers) < 0.05, 0.08, 0.0)
    t_gen, df = timed(
        lambda: synthetic.providers(
            a.providers,
            per,
            case_mix_shift=1.0,
            provider_effects=effects,
            period_effect=-0.3,
            seed=1,
        ),
        1,
    )
    warnings.simplefilter("ignore", ComparabilityWarning)
    rows = [("synthetic.providers (data generation)", t_gen, "")]

    def indirect_with_funnel():
        p = se.compare_providers(df, "job_6m", "provider", CASE_MIX, period="period")
        return p, p.funnel_table(), p.funnel_table(overdispersion="additive")

    t, (p, ft, _) = timed(indirect_with_funnel, a.repeat)
    rows.append(
        (
            "compare_providers indirect + funnel limits (exact, additive)",
            t,
            f"{int(p.frame['flag'].sum())} flagged",
        )
    )
    t, pd_ = timed(
        lambda: se.compare_providers(
            df, "job_6m", "provider", CASE_MIX, method="direct", period="period"
        ),
        a.repeat,
    )
    rows.append(
        (
            "compare_providers direct (provider fixed effects)",
            t,
            f"{int(pd_.frame['flag'].sum())} flagged",
        )
    )
    t_sm, _ = timed(lambda: _statsmodels_oe(df), 1)
    rows.append(
        (
            "statsmodels Logit + O/E by groupby (normal tests only)",
            t_sm,
            f"effekt indirect is {t_sm / rows[1][1]:.1f}x as fast",
        )
    )
    sizes = np.clip(np.round(np.exp(rng.normal(np.log(per) - 0.7, 1.2, a.providers))), 3, None)
    skewed = synthetic.providers(
        a.providers, sizes.astype(int).tolist(), case_mix_shift=1.0, period_effect=-0.3, seed=2
    )
    t, p2 = timed(
        lambda: se.compare_providers(skewed, "job_6m", "provider", CASE_MIX, period="period"),
        a.repeat,
    )
    exact = int((p2.frame["test"].str.startswith("exact")).sum())
    rows.append(
        (
            f"compare_providers indirect, log-normal sizes ({len(skewed):,} rows)",
            t,
            f"{exact} providers with the exact convolution test",
        )
    )
    t, s = timed(lambda: se.simple_effects(df, "job_6m", "provider", period="period"), a.repeat)
    rows.append(("simple_effects by provider x period", t, f"{len(s.frame)} rows"))
    t, _ = timed(lambda: se.against_target(df, "job_6m", "provider", 0.30), a.repeat)
    rows.append(("against_target (exact binomial)", t, ""))
    print(
        f"{a.rows:,} participants, {a.providers} providers, {len(CASE_MIX)} case-mix columns (+ "
        "period); "
        f"true +8 pp effect at {int((effects > 0).sum())} providers"
    )
    print(f"| {'step':<62} | {'seconds':>7} | note |")
    print(f"|{'-' * 64}|{'-' * 9}|------|")
    for name, sec, note in rows:
        print(f"| {name:<62} | {sec:7.2f} | {note} |")


if __name__ == "__main__":
    main()
