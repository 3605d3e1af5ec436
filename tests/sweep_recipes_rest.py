"""Sweep recipes of wave B, share "rest" (issue 15): report, plots, export, readers,
reproduction and the command line.

``tests/test_hostile_sweep.py`` registers :data:`RECIPES` (``RECIPES.update``). A recipe
here is duck-typed like the sweep's own ``Recipe`` (``make``, ``call``, ``fixed``) and adds
``examples``: figures, workbooks, PDFs and reproduction runs are slow, so those recipes try
fewer hostile inputs. Every call runs in a fresh temporary working directory (a hostile
``path="x"`` writes there, never into the checkout), closes the figures it opened and
restores the study registry; a returned path must exist.
"""

from __future__ import annotations

import contextlib
import io
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

import effekt as ef
from effekt import plots, report, reproduction

#: Hypothesis examples of a slow recipe (a figure, a workbook, a reproduction run).
FEW = 12
#: Examples of a recipe that starts a browser.
VERY_FEW = 4


@dataclass
class Recipe:
    """Valid inputs for one callable (as the sweep's ``Recipe``) and its number of examples."""

    make: Callable[[], dict[str, Any]]
    call: Callable[..., Any]
    fixed: tuple[str, ...] = field(default=())
    examples: int = 100


# --------------------------------------------------------------------------- valid inputs


def _trial(n: int = 60, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "t": np.tile([0, 1], n // 2),
            "y": rng.integers(0, 2, n),
            "hours": rng.normal(10, 3, n),
            "g": np.repeat(["a", "b"], n // 2),
            "arm": np.tile(["ctrl", "a", "b"], n // 3),
        }
    )


def _survival(n: int = 40, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "weeks": rng.integers(1, 30, n).astype(float),
            "job": rng.integers(0, 2, n),
            "t": np.tile([0, 1], n // 2),
        }
    )


def _panel(persons: int = 20, weeks: int = 6, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "pid": np.repeat(np.arange(persons), weeks),
            "week": np.tile(np.arange(1, weeks + 1), persons),
            "work": rng.integers(0, 2, persons * weeks),
            "t": np.repeat(np.tile([0, 1], persons // 2), weeks),
        }
    )


def _effect() -> ef.EffectResult:
    return ef.rct.difference_in_proportions_from_counts(208, 1302, 155, 1291)


RESULTS: dict[str, Callable[[], Any]] = {
    "EffectResult": _effect,
    "Result": _effect,
    "EffectTable": lambda: ef.rct.compare_arms(_trial(), "y", "arm", "ctrl"),
    "TestResult": lambda: ef.duration.logrank_test(_survival(), "weeks", "job", "t"),
    "KaplanMeier": lambda: ef.duration.kaplan_meier(_survival(), "weeks", "job", treatment="t"),
    "PowerResult": lambda: ef.rct.power(effect=0.04, n_treated=1000, p_control=0.12),
    "ReportedShares": lambda: ef.rct.from_reported_shares(0.07, 1302, 0.05, 1291),
    "SubgroupResult": lambda: ef.rct.subgroups(_trial(), "y", "t", by="g"),
    "Trajectory": lambda: ef.trajectory.effect_over_time(
        _panel(), "work", "t", "pid", "week", n_draws=200
    ),
}

#: Where each result class is public (``effekt.X`` and its home module).
HOMES: dict[str, tuple[str, ...]] = {
    "EffectResult": ("effekt", "effekt.results"),
    "EffectTable": ("effekt", "effekt.results"),
    "TestResult": ("effekt", "effekt.results"),
    "Result": ("effekt.results",),
    "KaplanMeier": ("effekt.duration",),
    "PowerResult": ("effekt.rct",),
    "ReportedShares": ("effekt.rct",),
    "SubgroupResult": ("effekt.rct",),
    "Trajectory": ("effekt.trajectory",),
}

PLOTTED = ("EffectTable", "KaplanMeier", "SubgroupResult", "Trajectory")

#: Valid arguments of the export and plot methods.
METHOD_KWARGS: dict[str, dict[str, Any]] = {
    "to_csv": {"path": "result.csv", "dialect": "excel-da"},
    "to_excel": {"path": "result.xlsx", "language": "da"},
    "plot": {"title": "Effect", "labels": {"a": "Arm A"}, "language": "da"},
}


@cache
def _run_ips() -> reproduction.Reproduction:
    return reproduction.run(studies="ips")


def _reproduction_table() -> pd.DataFrame:
    return _run_ips().table.copy()


def _observational() -> pd.DataFrame:
    return ef.synthetic.observational(200, effect=0.05, seed=1)


def _balance() -> pd.DataFrame:
    return pd.DataFrame(
        {"smd_before": [0.5, -0.3, 0.2], "smd_after": [0.02, -0.05, 0.01]},
        index=["age", "married", "distance"],
    )


def _effects_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "label": ["IPS", "IPSE"],
            "estimate": [0.13, 0.14],
            "ci_low": [0.04, 0.05],
            "ci_high": [0.22, 0.23],
            "scale": ["proportion", "proportion"],
        }
    )


def _subgroup_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "by": ["gender", "gender"],
            "level": ["man", "woman"],
            "estimate": [0.02, 0.06],
            "ci_low": [-0.01, 0.02],
            "ci_high": [0.05, 0.10],
            "scale": ["proportion"] * 2,
        }
    )


def _trajectory_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "time": [1, 2, 3],
            "estimate": [0.0, 0.02, 0.05],
            "ci_low": [-0.01, 0.0, 0.02],
            "ci_high": [0.01, 0.04, 0.08],
            "sim_low": [-0.02, -0.01, 0.01],
            "sim_high": [0.02, 0.05, 0.09],
        }
    )


def _providers() -> Any:
    prov = ef.synthetic.providers(6, 40, seed=1)
    return ef.simple_effect.compare_providers(prov, "job_6m", "provider", ["age"])


def _funnel_kwargs() -> dict[str, Any]:
    cmp = _providers()
    table = cmp.funnel_table()
    curve = ef.simple_effect.funnel_limits(0.3, [10, 20, 40, 80])
    return {"points": table, "curve": curve, "target": 0.3, "label_providers": "all"}


def _caterpillar_kwargs() -> dict[str, Any]:
    return {"table": _providers().table(), "overall_rate": 0.3, "outcome_label": "job"}


def _simple_vs_causal_kwargs() -> dict[str, Any]:
    r = ef.simple_effect.contrast_from_counts(
        ["Strong", "Complex"], [190, 25], [200, 200], [196, 4], [200, 200]
    )
    return {"table": r.table(), "outcome_label": "job"}


def _overlap_kwargs() -> dict[str, Any]:
    rng = np.random.default_rng(0)
    score = rng.beta(2, 5, 200)
    return {"score": score, "treatment": rng.random(200) < score, "bins": 20}


def _html_file() -> Path:
    folder = Path(_FILES.name)
    path = folder / "page.html"
    path.write_text("<p>hello</p>", encoding="utf-8")
    return path


def _csv_file() -> Path:
    path = Path(_FILES.name) / "export.csv"
    path.write_text("id;løn;dato\n1;25.000,50;03-04-2024\n2;;13-04-2024\n", encoding="cp1252")
    return path


def _parquet_file() -> Path:
    path = Path(_FILES.name) / "weeks.parquet"
    if not path.exists():
        _panel().to_parquet(path)
    return path


def _scanned(**kwargs: Any) -> int:
    """scan() and then a count in DuckDB: errors of reading must surface as EffektError."""
    relation = ef.scan(**kwargs)
    return int(relation.aggregate("count(*)").fetchall()[0][0])


#: A folder for input files (removed when the session ends).
_FILES = tempfile.TemporaryDirectory(prefix="effekt-sweep-")


# --------------------------------------------------------------------------- running


def _in_scratch(func: Callable[..., Any]) -> Callable[..., Any]:
    """Run ``func`` in a fresh temporary working directory; close its figures; keep the
    study registry as it was; a returned path must exist."""

    def call(**kwargs: Any) -> Any:
        import matplotlib.pyplot as plt

        studies = dict(reproduction.STUDIES)
        try:
            with tempfile.TemporaryDirectory() as tmp, contextlib.chdir(tmp):
                out = func(**kwargs)
                if isinstance(out, Path):
                    assert out.exists(), f"returned path {out} does not exist"
                if isinstance(out, dict) and all(isinstance(p, Path) for p in out.values()):
                    assert all(p.exists() for p in out.values()), f"missing files: {out}"
                return out
        finally:
            plt.close("all")
            reproduction.STUDIES.clear()
            reproduction.STUDIES.update(studies)

    return call


def fn(func: Callable[..., Any], make: Callable[[], dict[str, Any]], examples: int = 100) -> Recipe:
    return Recipe(make, _in_scratch(func), examples=examples)


def method(
    factory: Callable[[], Any], name: str, kwargs: dict[str, Any], examples: int = FEW
) -> Recipe:
    def make() -> dict[str, Any]:
        return {"self": factory(), **kwargs}

    def call(self: Any, **kw: Any) -> Any:
        return getattr(self, name)(**kw)

    return Recipe(make, _in_scratch(call), fixed=("self",), examples=examples)


def _parts(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list) else [value]


def _cli(**kwargs: Any) -> int:
    """``effekt.cli.main`` with argv built from the parts (a hostile part replaces one);
    argparse's own exits must be status 2 with an ``error:`` line and no traceback."""
    argv = [v for k in ("head", "command", "values", "options") for v in _parts(kwargs[k])]
    err = io.StringIO()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
        try:
            status = ef.cli.main(argv)
        except SystemExit as exit_:
            status = exit_.code  # type: ignore[assignment]
    text = err.getvalue()
    assert "Traceback" not in text, text
    assert status in (0, 2), f"exit status {status}: {text}"
    if status:
        assert text.strip().splitlines()[-1].startswith("effekt: error: "), text
    return int(status)


# --------------------------------------------------------------------------- recipes


def _method_recipes() -> dict[str, Recipe]:
    out: dict[str, Recipe] = {}
    for cls, homes in HOMES.items():
        names = ["to_csv", "to_excel"] + (["plot"] if cls in PLOTTED else [])
        for name in names:
            for home in homes:
                kwargs = dict(METHOD_KWARGS[name])
                if cls == "KaplanMeier" and name == "plot":
                    kwargs["labels"] = {0: "control", 1: "mentor"}
                out[f"{home}.{cls}.{name}"] = method(RESULTS[cls], name, kwargs)
    return out


def _report_recipes() -> dict[str, Recipe]:
    out: dict[str, Recipe] = {}
    report_methods: dict[str, tuple[Callable[[], Any], dict[str, Any]]] = {
        "add": (lambda: report.Report("Mentor"), {"result": _effect(), "title": "Effect"}),
        "add_heading": (report.Report, {"title": "Who took part"}),
        "add_text": (report.Report, {"paragraph": "Data: the register."}),
        "save": (
            lambda: report.Report("Mentor", language="da").add(_effect()),
            {"path": "report.html", "timeout": 60.0},
        ),
        "to_html": (lambda: report.Report("Mentor").add(_effect()), {}),
    }
    for home in ("effekt", "effekt.report"):
        for name, (factory, kwargs) in report_methods.items():
            out[f"{home}.Report.{name}"] = method(factory, name, kwargs)
    return out


_SCAN = {
    "effekt.scan": fn(
        _scanned,
        lambda: {"path": _parquet_file(), "memory_limit": "500MB", "threads": 1},
        examples=FEW,
    ),
    "effekt.scan (CSV)": fn(
        _scanned,
        lambda: {"path": _csv_file(), "sep": ";", "decimal": ",", "encoding": "latin-1"},
        examples=FEW,
    ),
}
_SCAN["effekt.sources.scan"] = _SCAN.pop("effekt.scan (CSV)")

RECIPES: dict[str, Recipe] = {
    **_SCAN,
    **_method_recipes(),
    **_report_recipes(),
    "effekt.report.matched_evaluation": fn(
        report.matched_evaluation,
        lambda: {
            "data": _observational(),
            "outcome": "job",
            "treatment": "treated",
            "covariates": ["age", "months_on_benefit"],
            "path": None,  # saving (figures as PNG) is swept by Report.save
            "title": "Matched",
            "language": "da",
        },
        examples=FEW,
    ),
    "effekt.report.write_excel_table": fn(
        report.write_excel_table,
        lambda: {"reproduction": _run_ips(), "path": "r.xlsx", "language": "da"},
        examples=FEW,
    ),
    "effekt.report.find_chromium": fn(report.find_chromium, dict),
    "effekt.report.generator_assumptions": fn(
        report.generator_assumptions, lambda: {"study": "mentor"}
    ),
    "effekt.report.html_report": fn(
        report.html_report,
        lambda: {"reproduction": _run_ips(), "images": {}, "seconds": 1.5, "language": "da"},
        examples=FEW,
    ),
    "effekt.report.plot_reproduction": fn(
        report.plot_reproduction,
        lambda: {"table": _reproduction_table(), "kind": "difference", "legend": True},
        examples=FEW,
    ),
    "effekt.report.print_pdf": fn(
        report.print_pdf,
        lambda: {"html_path": _html_file(), "pdf_path": "page.pdf", "timeout": 30.0},
        examples=VERY_FEW,
    ),
    "effekt.report.write_report": fn(
        report.write_report,
        lambda: {
            "reproduction": _run_ips(),
            "out": "out",
            "seconds": 1.5,
            "pdf": False,
            "excel": False,
            "language": "da",
        },
        examples=FEW,
    ),
    # plots
    "effekt.plots.new_axes": fn(plots.new_axes, lambda: {"ax": None, "figsize": (4.0, 3.0)}),
    "effekt.plots.effect_axis_label": fn(
        plots.effect_axis_label, lambda: {"scale": "mean", "unit_label": "hours"}
    ),
    "effekt.plots.save": fn(
        plots.save, lambda: {"ax": plots.new_axes(None), "path": "figure.png", "dpi": 60}, FEW
    ),
    "effekt.plots.forest": fn(
        plots.forest,
        lambda: {
            "table": _effects_frame(),
            "title": "Effects",
            "labels": {"IPS": "IPS"},
            "reference_line": 0.0,
            "color": "C1",
            "scale": "proportion",
        },
        FEW,
    ),
    "effekt.plots.love_plot": fn(
        plots.love_plot,
        lambda: {"balance": _balance(), "threshold": 0.1, "absolute": True, "title": "Balance"},
        FEW,
    ),
    "effekt.plots.overlap_plot": fn(plots.overlap_plot, _overlap_kwargs, FEW),
    "effekt.plots.funnel": fn(plots.funnel, _funnel_kwargs, FEW),
    "effekt.plots.caterpillar": fn(plots.caterpillar, _caterpillar_kwargs, FEW),
    "effekt.plots.simple_vs_causal": fn(plots.simple_vs_causal, _simple_vs_causal_kwargs, FEW),
    "effekt.plots.subgroup_forest": fn(
        plots.subgroup_forest,
        lambda: {"table": _subgroup_frame(), "headers": {"gender": "Gender"}, "unit_label": ""},
        FEW,
    ),
    "effekt.plots.effect_trajectory": fn(
        plots.effect_trajectory,
        lambda: {
            "table": _trajectory_frame(),
            "scale": "proportion",
            "xlabel": "week",
            "conf_level": 0.95,
            "reference_line": 1.5,
        },
        FEW,
    ),
    "effekt.plots.survival_curves": fn(
        lambda **kw: plots.survival_curves(kw.pop("km"), **kw),
        lambda: {"km": RESULTS["KaplanMeier"](), "kind": "event", "ci": True},
        FEW,
    ),
    # readers
    "effekt.read_table": fn(
        ef.read_table, lambda: {"path": _csv_file(), "sep": ";", "decimal": ",", "dayfirst": True}
    ),
    # reproduction
    "effekt.reproduce": fn(ef.reproduce, lambda: {"seed": 0, "studies": "ips"}, FEW),
    "effekt.reproduction.reproduce": fn(
        reproduction.reproduce, lambda: {"seed": 0, "studies": ["ips"]}, FEW
    ),
    "effekt.reproduction.run": fn(
        reproduction.run,
        lambda: {"seed": 1, "studies": "displacement", "progress": lambda i, n, s: None},
        FEW,
    ),
    "effekt.reproduction.coverage_over_seeds": fn(
        reproduction.coverage_over_seeds, lambda: {"seeds": [0]}, VERY_FEW
    ),
    "effekt.reproduction.make_stored_coverage": Recipe(
        lambda: {"n_seeds": 1, "path": "coverage.csv"},
        _in_scratch(reproduction.make_stored_coverage),
        fixed=("path",),  # path=None is the package's own data file
        examples=VERY_FEW,
    ),
    "effekt.reproduction.register": fn(
        reproduction.register,
        lambda: {"study": reproduction.Study("sweep", comment="not re-estimated")},
    ),
    "effekt.reproduction.star2020_comparison": fn(
        reproduction.star2020_comparison,
        lambda: {"seed": 0, "se": "cr2", "conf_level": 0.9, "n_boot": 99},
        FEW,
    ),
    "effekt.reproduction.stored_coverage": fn(reproduction.stored_coverage, dict),
    "effekt.reproduction.format_table": fn(
        reproduction.format_table,
        lambda: {"table": _reproduction_table(), "width": 90, "language": "da"},
        FEW,
    ),
    # the command line
    "effekt.cli.main": Recipe(
        lambda: {
            "head": ["--language", "da"],
            "command": "shares",
            "values": ["0.16", "1302", "0.12", "1291"],
            "options": ["--relative", "0.30", "--conf-level", "0.9"],
        },
        _in_scratch(_cli),
        examples=FEW,
    ),
}
