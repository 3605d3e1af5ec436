"""Issue 10: provider-level case-mix columns raise; ComparabilityWarning only for providers
whose case mix lies outside what the others cover, one clause per provider."""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from effekt import simple_effect as se
from effekt import synthetic
from effekt.errors import ColumnError, ComparabilityWarning, SmallSampleWarning

ROOT = Path(__file__).resolve().parents[1]
CASE_MIX = ["age", "female", "benefit_group", "months_unemployed", "health_issues"]


def _forty(seed: int = 1, shift: float = 1.0) -> pd.DataFrame:
    """40 providers of 3 to 800 participants (log-normal sizes), case mix spread +-shift SD."""
    rng = np.random.default_rng(1)
    sizes = np.clip(np.round(np.exp(rng.normal(np.log(40), 1.5, 40))), 3, 800).astype(int)
    return synthetic.providers(40, sizes.tolist(), case_mix_shift=shift, seed=seed)


def test_column_the_providers_nest_in_raises() -> None:
    df = _forty()
    codes = pd.factorize(df["provider"], sort=True)[0]
    df["jobcentre"] = [f"JC{c // 2:02d}" for c in codes]  # two providers per jobcentre
    with pytest.raises(ColumnError, match=r"'jobcentre'.*provider-level.*between providers"):
        se.compare_providers(df, "job_6m", "provider", ["age", "jobcentre"])
    df["unemployment_rate"] = 0.03 + 0.001 * codes  # a provider-level number
    with pytest.raises(ColumnError, match="'unemployment_rate'"):
        se.compare_providers(df, "job_6m", "provider", ["age", "unemployment_rate"])


def test_column_that_determines_the_provider_raises() -> None:
    df = synthetic.providers(4, 400, seed=3)
    rng = np.random.default_rng(0)
    # 8 course teams, each working for one provider (99.5 % of the time)
    team = pd.factorize(df["provider"], sort=True)[0] * 2 + rng.integers(0, 2, len(df))
    noise = rng.random(len(df)) < 0.005
    team[noise] = rng.integers(0, 8, noise.sum())
    df["team"] = [f"T{t}" for t in team]
    with pytest.raises(ColumnError, match=r"'team'.*belongs essentially to one provider"):
        se.compare_providers(df, "job_6m", "provider", ["age", "team"])
    # does not mutate the caller's data; an ordinary column is fine
    before = df.copy()
    se.compare_providers(df, "job_6m", "provider", ["age", "benefit_group"])
    pd.testing.assert_frame_equal(df, before)


def test_comparability_warning_silent_on_shipped_examples() -> None:
    sys.path.insert(0, str(ROOT / "examples"))
    try:
        import analyst_providers as ap
    finally:
        sys.path.pop(0)
    cases = [(_forty(seed, 1.0), CASE_MIX, None) for seed in range(3)]
    cases += [
        (synthetic.providers(10, 300, case_mix_shift=1.0, seed=s), CASE_MIX, None) for s in range(3)
    ]
    data = pd.read_csv(ROOT / "tests" / "reference" / "simple_effect_data.csv")
    cases.append((data, ["age", "benefit_group", "months_unemployed", "health_issues"], None))
    extract = ap.synthetic.providers(
        8,
        [240, 180, 300, 120, 200, 260, 90, 150],
        case_mix_shift=1.0,
        provider_effects=[0.0, 0.0, 0.0, 0.5, 0.0, 0.0, -0.5, 0.0],
        seed=2024,
    )
    cases.append((extract, CASE_MIX + ["education", "prior_employment"], "period"))
    for df, case_mix, period in cases:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", SmallSampleWarning)  # 0/3 successes at P25
            warnings.simplefilter("error", ComparabilityWarning)
            p = se.compare_providers(df, "job_6m", "provider", case_mix, period=period)
        assert p.comparability["comparable"].all()


@pytest.mark.filterwarnings("ignore::effekt.errors.SmallSampleWarning")
def test_comparability_warning_names_a_binary_variable_once() -> None:
    """Only P40 serves refugees under the integration programme (a yes/no column): one
    clause, naming the column once, never its two levels."""
    df = _forty()
    rng = np.random.default_rng(5)
    big = (df["provider"] == "P40").to_numpy()
    refugee = np.where(big & (rng.random(len(df)) < 0.6), "yes", "no")
    df["refugee"] = refugee
    df["job_6m"] = np.where(refugee == "yes", (rng.random(len(df)) < 0.1).astype(int), df["job_6m"])
    with pytest.warns(ComparabilityWarning) as record:
        p = se.compare_providers(df, "job_6m", "provider", [*CASE_MIX, "refugee"])
    caught = [w for w in record if w.category is ComparabilityWarning]
    assert len(caught) == 1
    message = str(caught[0].message)
    assert message.count("'P40'") == 1 and message.count("'P") == 1
    assert message.count("refugee") == 1 and "refugee=" not in message
    comp = p.comparability.set_index("provider")
    assert not comp.loc["P40", "comparable"] and comp.loc["P40", "outside_share"] > 0.5
    assert comp.drop(index="P40")["comparable"].all()
