"""A generated jobcentre export, written the way Danish case systems write CSV files.

``;`` separator, decimal comma, thousands dot, UTF-8 with a byte-order mark (or cp1252),
æøå in names and values, dd-mm-yyyy dates and empty fields. The columns the estimators need
(``treated``, ``job``, ``age``, ``benefit_group``, ``months_on_benefit``) keep their English
names so that the convention tests' calls work on it.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd


def jobcentre_frame(n: int = 400, seed: int = 3) -> pd.DataFrame:
    """The export's true content, with the dtypes a correct reader must give."""
    import effekt as ef

    obs = ef.synthetic.observational(n, effect=0.05, seed=seed)
    rng = np.random.default_rng(seed)
    months = np.round(obs["months_on_benefit"] + rng.uniform(0, 1, n), 1)
    pay = np.round(rng.uniform(9_000, 32_000, n), 2)
    pay[::17] = np.nan  # empty fields
    start = pd.Timestamp("2023-01-02") + pd.to_timedelta(rng.integers(0, 700, n), unit="D")
    return pd.DataFrame(
        {
            "borger": [f"Søren Ærø {i}" for i in range(n)],
            "jobcenter": np.where(rng.uniform(size=n) < 0.5, "Århus", "Køge"),
            "age": obs["age"].to_numpy(),
            "benefit_group": obs["benefit_group"].to_numpy(),
            "months_on_benefit": obs["months_on_benefit"].to_numpy(),
            "måneder_ledig": months,
            "ydelse_kr": pay,
            "start_dato": start,
            "treated": obs["treated"].to_numpy(),
            "job": obs["job"].to_numpy(),
            "i_job": np.where(obs["job"].to_numpy() == 1, "Ja", "Nej"),
        }
    )


def _danish_number(x: float, decimals: int) -> str:
    if np.isnan(x):
        return ""
    text = f"{x:,.{decimals}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def write_jobcentre_export(path: Path, encoding: str = "utf-8-sig", n: int = 400) -> pd.DataFrame:
    """Write the export to ``path``; returns the true frame."""
    truth = jobcentre_frame(n)
    text = truth.astype(object).copy()
    text["måneder_ledig"] = [_danish_number(x, 1) for x in truth["måneder_ledig"]]
    text["ydelse_kr"] = [_danish_number(x, 2) for x in truth["ydelse_kr"]]
    text["start_dato"] = truth["start_dato"].dt.strftime("%d-%m-%Y")
    lines = [";".join(text.columns)]
    lines += [";".join(str(v) for v in row) for row in text.itertuples(index=False)]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return truth
