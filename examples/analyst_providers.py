"""A municipal analyst compares course providers from the case system's export, in Danish.

The job centre buys company-directed courses from several providers (leverandører) and
steers them on "simple effects": the share of participants in a job six months after the
course. The BIU note warns that simple effects mix the provider with who was sent there,
the period and chance. This script takes the real path of an analyst:

1. the case system's CSV export, written the Danish way (``;`` separator, decimal comma,
   UTF-8 with a byte-order mark, æøå, dd-mm-yyyy dates, the outcome as "Ja"/"Nej"), read
   with :func:`effekt.read_table`, which says what it inferred;
2. simple effects, case-mix adjusted rates and the contracted target, with the outcome
   coded in words (``outcome_value="Ja"``);
3. Danish output for the committee: the summary, an Excel table (sheet "table" in Danish
   words, sheet "data" with numbers as numbers) and a funnel plot with Danish labels.

The export is made here from effekt's synthetic provider data, so the script runs anywhere;
point ``read_table`` at your own export instead.

Run: ``python examples/analyst_providers.py [output folder]`` (default: a temporary folder).
"""

from __future__ import annotations

import sys
import tempfile
import warnings
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

import effekt as ef  # noqa: E402
from effekt import simple_effect, synthetic  # noqa: E402
from effekt.errors import ComparabilityWarning  # noqa: E402
from effekt.language import set_language  # noqa: E402

#: The case system's column names.
DANISH = {
    "provider": "leverandør",
    "period": "år",
    "age": "alder",
    "female": "kvinde",
    "benefit_group": "ydelsesgruppe",
    "education": "uddannelse",
    "months_unemployed": "måneder_ledig",
    "health_issues": "helbredsproblemer",
    "prior_employment": "tidligere_beskæftigelse",
    "job_6m": "i_job_6_mdr",
}
#: What the committee reads instead of column names.
LABELS = {
    "i_job_6_mdr": "job efter 6 måneder",
    "leverandør": "leverandør",
}
PROVIDERS = ["Århus Kursus", "Bøgely Job", "Cirkel Værk", "Dansk Fremdrift", "Egeskov Læring",
             "Fjord Kompetence", "Grøn Start", "Håndværk & Co"]  # fmt: skip


def write_export(folder: Path) -> Path:
    """Write the export as the case system does: 8 providers, two with real effects."""
    data = synthetic.providers(
        8,
        [240, 180, 300, 120, 200, 260, 90, 150],
        case_mix_shift=1.0,
        provider_effects=[0.0, 0.0, 0.0, 0.5, 0.0, 0.0, -0.5, 0.0],
        seed=2024,
    )
    export = data[list(DANISH)].rename(columns=DANISH)
    export["leverandør"] = export["leverandør"].map(lambda p: PROVIDERS[int(p[1:]) - 1])
    export["ydelsesgruppe"] = export["ydelsesgruppe"].map(
        {"insured": "a-dagpenge", "cash_benefit": "kontanthjælp", "sickness": "sygedagpenge"}
    )
    export["i_job_6_mdr"] = np.where(export["i_job_6_mdr"] == 1, "Ja", "Nej")
    rng = np.random.default_rng(1)
    start = pd.to_datetime(export["år"].astype(str) + "-01-01") + pd.to_timedelta(
        rng.integers(0, 365, len(export)), unit="D"
    )
    export.insert(1, "startdato", start.dt.strftime("%d-%m-%Y"))
    path = folder / "forløb_2019_2020.csv"
    text = export.to_csv(index=False, sep=";", decimal=",", lineterminator="\r\n")
    path.write_bytes(text.encode("utf-8-sig"))
    return path


def main(out: Path) -> None:
    set_language("da")  # every summary, table header and plot text below is Danish
    path = write_export(out)
    df = ef.read_table(path)
    print(df.attrs["effekt_read"].summary(), "\n")

    # 1. Simple effects: share in a job 6 months after the course, with Wilson intervals
    simple = simple_effect.simple_effects(df, "i_job_6_mdr", "leverandør", outcome_value="Ja")
    print(simple.summary(), "\n")

    # 2. The same after case-mix adjustment (indirect standardisation + shrinkage)
    case_mix = ["alder", "kvinde", "ydelsesgruppe", "uddannelse", "måneder_ledig",
                "helbredsproblemer", "tidligere_beskæftigelse"]  # fmt: skip
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ComparabilityWarning)
        adjusted = simple_effect.compare_providers(
            df, "i_job_6_mdr", "leverandør", case_mix, period="år", outcome_value="Ja"
        )
    for w in caught:
        if issubclass(w.category, ComparabilityWarning):
            print(f"Advarsel om sammenlignelighed: {w.message}\n")
    print(adjusted.summary(), "\n")
    print(adjusted.formatted().to_string(index=False), "\n")

    # 3. The contract says 35 % in a job after 6 months
    target = simple_effect.against_target(df, "i_job_6_mdr", "leverandør", 0.35, outcome_value="Ja")
    print(target.summary(), "\n")

    # 4. For the committee: an Excel table and a funnel plot with Danish labels
    excel = adjusted.to_excel(out / "leverandører_udvalget.xlsx")
    ax = adjusted.plot_funnel(labels=LABELS)
    png = out / "tragtdiagram.png"
    ax.figure.savefig(png, dpi=120, bbox_inches="tight")
    print(f"Tabel til udvalget: {excel}\nTragtdiagram: {png}")


if __name__ == "__main__":
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp())
    folder.mkdir(parents=True, exist_ok=True)
    main(folder)
