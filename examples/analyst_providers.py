"""A municipal analyst compares course providers from a register extract (CSV, Danish columns).

The job centre buys company-directed courses from several providers (leverandører) and
steers them on "simple effects": the share of participants in a job six months after the
course. The BIU note warns that simple effects mix the provider with who was sent there,
the period and chance. This script reads an extract with Danish column names, computes the
simple effects with their uncertainty, adjusts for case mix (also as the rates every
provider would have had with this year's referrals), checks a contracted target and draws a
funnel plot.

The extract is made here from effekt's synthetic provider data (so the script runs
anywhere); replace ``make_extract`` with your own ``pd.read_csv``.

Run: ``python examples/analyst_providers.py``
"""

from __future__ import annotations

import tempfile
import warnings
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import pandas as pd  # noqa: E402

from effekt import simple_effect, synthetic  # noqa: E402
from effekt.errors import ComparabilityWarning  # noqa: E402

DANISH = {
    "provider": "leverandoer",
    "period": "aar",
    "age": "alder",
    "female": "kvinde",
    "benefit_group": "ydelsesgruppe",
    "education": "uddannelse",
    "months_unemployed": "ledighed_mdr",
    "health_issues": "helbredsproblemer",
    "prior_employment": "tidligere_beskaeftigelse",
    "job_6m": "job_6_mdr",
}


def make_extract(folder: Path) -> Path:
    """Write a register-style CSV: 8 providers, different target groups, two with real effects."""
    data = synthetic.providers(
        8,
        [240, 180, 300, 120, 200, 260, 90, 150],
        case_mix_shift=1.0,
        provider_effects=[0.0, 0.0, 0.0, 0.5, 0.0, 0.0, -0.5, 0.0],
        seed=2024,
    )
    extract = data[list(DANISH)].rename(columns=DANISH)
    extract["leverandoer"] = extract["leverandoer"].str.replace("P", "Leverandør ", regex=False)
    path = folder / "forloeb_2019_2020.csv"
    extract.to_csv(path, index=False, sep=";", encoding="utf-8")
    return path


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = make_extract(Path(tmp))
        df = pd.read_csv(path, sep=";", encoding="utf-8")
    print(
        f"Read {len(df):,} course participants from {path.name}: columns {', '.join(df.columns)}\n"
    )

    # 1. Simple effects: share in a job 6 months after the course, with Wilson intervals
    simple = simple_effect.simple_effects(df, "job_6_mdr", "leverandoer")
    cols = [
        "provider",
        "participants",
        "rate",
        "ci_low",
        "ci_high",
        "difference",
        "p_adjusted",
        "flag",
    ]
    print("Simple effects (share in a job after 6 months):")
    print(simple.table()[cols].round(3).to_string(index=False), "\n")

    # 2. The same after case-mix adjustment (indirect standardisation + shrinkage)
    case_mix = [
        "alder",
        "kvinde",
        "ydelsesgruppe",
        "uddannelse",
        "ledighed_mdr",
        "helbredsproblemer",
        "tidligere_beskaeftigelse",
    ]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ComparabilityWarning)
        adjusted = simple_effect.compare_providers(
            df, "job_6_mdr", "leverandoer", case_mix, period="aar"
        )
    for w in caught:
        if issubclass(w.category, ComparabilityWarning):
            print(f"Comparability warning: {w.message}\n")
    print("After adjusting for who was sent to each provider:")
    print(adjusted.table().round(3).to_string(index=False), "\n")

    # 2b. The rate each provider would have had with this year's referrals (direct
    #     standardisation on a reference population)
    latest = df[df["aar"] == df["aar"].max()]
    direct = simple_effect.compare_providers(
        df,
        "job_6_mdr",
        "leverandoer",
        case_mix,
        period="aar",
        method="direct",
        reference_population=latest,
        warn=False,
    )
    print(f"Had every provider served the {len(latest):,} participants of {latest['aar'].iloc[0]}:")
    cols = ["provider", "participants", "rate", "direct_rate", "direct_ci_low", "direct_ci_high"]
    print(direct.table()[cols].round(3).to_string(index=False), "\n")

    # 3. The contract says 35 % in a job after 6 months
    target = simple_effect.against_target(df, "job_6_mdr", "leverandoer", 0.35)
    print("Against the contracted 35 %:")
    print(target.table().round(3).to_string(index=False), "\n")

    # 4. Funnel plot for the committee
    ax = adjusted.plot_funnel()
    out = Path(tempfile.gettempdir()) / "analyst_providers_funnel.png"
    ax.figure.savefig(out, dpi=120, bbox_inches="tight")
    print(f"Funnel plot written to {out}")


if __name__ == "__main__":
    main()
