"""Sweep recipes (issue 15, share A): ``effekt.matching`` and ``effekt.simple_effect``.

:func:`recipes` returns one recipe per public callable of the two packages, in the shape
``tests/test_hostile_sweep.py`` runs (``make``, ``call``, ``fixed``) plus ``examples``, the
number of hypothesis examples: figures, files and the slower designs get fewer. Files are
written inside a fresh temporary directory that is the working directory during the call,
so a hostile ``path`` such as ``"x"`` never lands in the current directory.
"""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

import effekt as ef

#: hypothesis examples per kind of callable
FAST, MEDIUM, SLOW = 100, 40, 15


@dataclass
class SweepRecipe:
    """Valid inputs for one callable (see ``Recipe`` in ``test_hostile_sweep.py``)."""

    make: Callable[[], dict[str, Any]]
    call: Callable[..., Any]
    fixed: tuple[str, ...] = field(default=())
    examples: int = FAST


# --------------------------------------------------------------------------- valid inputs


def observational(n: int = 80, seed: int = 0) -> pd.DataFrame:
    """Treatment ``t`` depends on ``x1``; outcomes ``y`` (0/1) and ``z`` (continuous)."""
    rng = np.random.default_rng(seed)
    x1 = rng.normal(size=n)
    x2 = rng.normal(size=n)
    t = (rng.random(n) < 1 / (1 + np.exp(0.8 - 0.6 * x1))).astype(int)
    return pd.DataFrame(
        {
            "pid": np.arange(n),
            "t": t,
            "x1": x1,
            "x2": x2,
            "g": rng.choice(["a", "b"], n),
            "y": (rng.random(n) < 0.3 + 0.1 * t).astype(int),
            "z": x1 + 0.5 * t + rng.normal(size=n),
            "w": rng.uniform(0.5, 2.0, n),
        }
    )


def pairs(n_pairs: int = 20, seed: int = 0) -> pd.DataFrame:
    """Matched pairs: ``subclass`` holds one treated and one control each."""
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "subclass": np.repeat(np.arange(n_pairs), 2),
            "t": np.tile([1, 0], n_pairs),
            "y": rng.normal(size=2 * n_pairs) + np.tile([0.5, 0.0], n_pairs),
        }
    )


def providers(seed: int = 0) -> pd.DataFrame:
    """Four providers of 20 participants, two periods, one case-mix variable."""
    rng = np.random.default_rng(seed)
    n = 80
    return pd.DataFrame(
        {
            "provider": np.repeat(["P1", "P2", "Ærø", "Å4"], n // 4),
            "period": np.tile([2019, 2020], n // 2),
            "age": rng.integers(20, 60, n),
            "job": rng.integers(0, 2, n),
        }
    )


def panel(persons: int = 80, weeks: int = 3, seed: int = 0) -> pd.DataFrame:
    """Weekly 0/1 outcome ``work`` of persons ``pid`` 0..persons-1 (the row positions of
    :func:`observational`)."""
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "pid": np.repeat(np.arange(persons), weeks),
            "week": np.tile(np.arange(1, weeks + 1), persons),
            "work": rng.integers(0, 2, persons * weeks),
        }
    )


COVS = ["x1", "x2"]


def nearest() -> Any:
    return ef.matching.match(observational(), "t", COVS, replace=True)


def full() -> Any:
    return ef.matching.match(observational(), "t", COVS, method="subclass", subclasses=4)


def comparison() -> Any:
    return ef.simple_effect.compare_providers(providers(), "job", "provider", ["age"])


RESULT_FACTORIES: dict[str, Callable[[], Any]] = {
    "MatchResult": nearest,
    "MatchedSample": full,
    "BalanceTable": lambda: ef.matching.balance_table(observational(), "t", COVS, weights="w"),
    "DesignComparison": lambda: ef.matching.compare_designs(
        observational(), "y", "t", COVS, designs=["cem", "entropy"]
    ),
    "EValue": lambda: ef.matching.e_value(1.5, 1.1, 2.0),
    "PropensityScore": lambda: ef.matching.propensity_score(observational(), "t", COVS),
    "RosenbaumBounds": lambda: ef.matching.rosenbaum_bounds(pairs(), "y", "t"),
    "ProviderComparison": comparison,
    "SimpleEffects": lambda: ef.simple_effect.simple_effects(providers(), "job", "provider"),
    "TargetComparison": lambda: ef.simple_effect.against_target(
        providers(), "job", "provider", 0.4
    ),
    "SimpleVsCausal": lambda: ef.simple_effect.contrast(observational(), "y", "t", "g"),
    "Overdispersion": lambda: ef.simple_effect.overdispersion(
        [0.2, 0.3, 0.25, 0.4], [100, 120, 90, 80], 0.28
    ),
}

PLOT_ARGS: dict[str, Any] = {"ax": None, "title": "t", "language": "en"}

#: method arguments shared by every class; plots add their own below
METHOD_ARGS: dict[str, dict[str, Any]] = {
    "formatted": {"language": "en"},
    "summary": {"language": "en"},
    "to_frame": {},
    "table": {},
    "units": {},
    "pairs": {},
    "matched_data": {},
    "threshold_summary": {},
    "to_csv": {"path": "out.csv", "dialect": "excel-da"},
    "to_excel": {"path": "out.xlsx", "language": "da"},
    "balance": {"covariates": ["x1"], "include_distance": True},
    "balance_table": {"covariates": ["x1", "x2"], "squares": True, "threshold": 0.1},
    "pvalue_bounds": {"gamma": 1.5},
    "funnel_table": {"overdispersion": "multiplicative", "kind": "rate"},
    "plot": PLOT_ARGS,
    "plot_balance": {**PLOT_ARGS, "threshold": 0.1},
    "plot_overlap": {**PLOT_ARGS, "bins": 10},
    "plot_caterpillar": {**PLOT_ARGS, "shown_interval": "flag", "label_providers": ["P1"]},
    "plot_funnel": {**PLOT_ARGS, "overdispersion": None, "highlight": "flag"},
}

#: arguments of a method of one class (over METHOD_ARGS)
CLASS_METHOD_ARGS: dict[str, dict[str, Any]] = {
    "MatchResult.effect": {
        "outcome": "z",
        "se": "abadie-imbens",
        "conf_level": 0.9,
        "var_matches": 4,
    },
    "MatchedSample.effect": {"outcome": "z", "covariates": ["x1"], "conf_level": 0.9},
    "MatchResult.plot_balance": {**PLOT_ARGS, "threshold": 0.1},
    "DesignComparison.plot_balance": PLOT_ARGS,
    "MatchResult.trajectory": {
        "data": panel(),
        "outcome": "work",
        "id": "pid",
        "time": "week",
        "n_draws": 200,
    },
    "ProviderComparison.plot_funnel": {
        **PLOT_ARGS,
        "overdispersion": None,
        "kind": "ratio",
        "label_providers": "all",
    },
}


def _in_temporary_directory(run: Callable[..., Any]) -> Callable[..., Any]:
    def call(**kwargs: Any) -> Any:
        with tempfile.TemporaryDirectory() as tmp, contextlib.chdir(tmp):
            try:
                return run(**kwargs)
            finally:
                plt.close("all")

    return call


def method_recipe(cls_name: str, method: str) -> SweepRecipe:
    args = CLASS_METHOD_ARGS.get(f"{cls_name}.{method}", METHOD_ARGS.get(method))
    if args is None:
        raise KeyError(f"no arguments for {cls_name}.{method}")

    def make() -> dict[str, Any]:
        fresh = {k: v.copy() if isinstance(v, pd.DataFrame) else v for k, v in args.items()}
        return {"self": RESULT_FACTORIES[cls_name](), **fresh}

    def run(self: Any, **kwargs: Any) -> Any:
        return getattr(self, method)(**kwargs)

    slow = method.startswith(("plot", "to_excel", "to_csv", "trajectory"))
    examples = SLOW if slow else (MEDIUM if method == "effect" else FAST)
    return SweepRecipe(make, _in_temporary_directory(run), ("self",), examples)


def effect_on_data(design: Callable[[pd.DataFrame], Any], args: dict[str, Any]) -> SweepRecipe:
    """``design(data).effect(**args)`` with ``data`` perturbed too: degenerate matches (one
    treated unit left, a constant outcome, one matched set) reach ``effect()``."""

    def make() -> dict[str, Any]:
        return {"data": observational(), **args}

    def run(data: pd.DataFrame, **kwargs: Any) -> Any:
        return design(data).effect(**kwargs)

    return SweepRecipe(make, _in_temporary_directory(run), (), MEDIUM)


#: methods whose recipe builds the result from a perturbed ``data`` (over the fixed ``self``)
ON_DATA: dict[str, SweepRecipe] = {
    "MatchResult.effect": effect_on_data(
        lambda d: ef.matching.match(d, "t", COVS, replace=True),
        CLASS_METHOD_ARGS["MatchResult.effect"],
    ),
    "MatchedSample.effect": effect_on_data(
        lambda d: ef.matching.match(d, "t", COVS, method="subclass", subclasses=4),
        CLASS_METHOD_ARGS["MatchedSample.effect"],
    ),
}


def fn(func: Callable[..., Any], make: Callable[[], dict[str, Any]], examples: int = FAST):
    return SweepRecipe(make, _in_temporary_directory(func), (), examples)


def _functions() -> dict[str, SweepRecipe]:
    m, s = ef.matching, ef.simple_effect
    obs = observational
    return {
        "match": fn(
            m.match,
            lambda: {
                "data": obs(),
                "treatment": "t",
                "covariates": COVS,
                "ratio": 2,
                "replace": True,
                "caliper": 0.5,
                "exact": ["g"],
                "exact_fallback": True,
                "seed": 0,
                "order": "largest",
                "tie_tolerance": 1e-5,
            },
            MEDIUM,
        ),
        "cem": fn(m.cem, lambda: {"data": obs(), "treatment": "t", "covariates": COVS}),
        "optimal_match": fn(
            m.optimal_match,
            lambda: {"data": obs(), "treatment": "t", "covariates": COVS, "ratio": 1},
            MEDIUM,
        ),
        "subclassify": fn(
            m.subclassify,
            lambda: {"data": obs(), "treatment": "t", "covariates": COVS, "subclasses": 4},
        ),
        "ipw": fn(
            m.ipw,
            lambda: {
                "data": obs(),
                "outcome": "y",
                "treatment": "t",
                "covariates": COVS,
                "estimand": "ATE",
                "trim": 0.01,
                "conf_level": 0.95,
            },
        ),
        "aipw": fn(
            m.aipw,
            lambda: {
                "data": obs(),
                "outcome": "z",
                "treatment": "t",
                "covariates": COVS,
                "outcome_covariates": ["x1"],
                "trim": 0.01,
            },
        ),
        "entropy_weights": fn(
            m.entropy_weights,
            lambda: {"data": obs(), "treatment": "t", "covariates": COVS, "moments": 2},
        ),
        "overlap_weights": fn(
            m.overlap_weights, lambda: {"data": obs(), "treatment": "t", "covariates": COVS}
        ),
        "weighted_effect": fn(
            m.weighted_effect,
            lambda: {
                "data": obs(),
                "outcome": "z",
                "treatment": "t",
                "weights": "w",
                "covariates": ["x1"],
                "conf_level": 0.95,
            },
        ),
        "propensity_score": fn(
            m.propensity_score,
            lambda: {"data": obs(), "treatment": "t", "covariates": COVS, "max_iter": 25},
        ),
        "balance_table": fn(
            m.balance_table,
            lambda: {
                "data": obs(),
                "treatment": "t",
                "covariates": COVS,
                "weights": "w",
                "threshold": 0.1,
                "label": "weighted",
            },
        ),
        "compare_designs": fn(
            m.compare_designs,
            lambda: {
                "data": obs(),
                "outcome": "y",
                "treatment": "t",
                "covariates": COVS,
                "designs": ["cem", "entropy"],
                "threshold": 0.1,
            },
            MEDIUM,
        ),
        "e_value": fn(
            m.e_value,
            lambda: {"estimate": 1.5, "ci_low": 1.1, "ci_high": 2.0, "measure": "RR"},
        ),
        "rosenbaum_bounds": fn(
            m.rosenbaum_bounds,
            lambda: {
                "data": pairs(),
                "outcome": "y",
                "treatment": "t",
                "pair": "subclass",
                "gamma": [1.0, 1.5, 2.0],
                "alpha": 0.05,
            },
        ),
        "compare_providers": fn(
            s.compare_providers,
            lambda: {
                "data": providers(),
                "outcome": "job",
                "provider": "provider",
                "case_mix": ["age"],
                "period": "period",
                "conf_level": 0.95,
                "adjust": "holm",
            },
            MEDIUM,
        ),
        "simple_effects": fn(
            s.simple_effects,
            lambda: {"data": providers(), "outcome": "job", "provider": "provider"},
        ),
        "against_target": fn(
            s.against_target,
            lambda: {"data": providers(), "outcome": "job", "provider": "provider", "target": 0.4},
        ),
        "contrast": fn(
            s.contrast,
            lambda: {"data": obs(), "outcome": "y", "treatment": "t", "by": "g"},
        ),
        "contrast_from_counts": fn(
            s.contrast_from_counts,
            lambda: {
                "labels": ["A", "B"],
                "events_treated": [19, 5],
                "n_treated": [20, 20],
                "events_control": [18, 1],
                "n_control": [20, 20],
                "conf_level": 0.95,
            },
        ),
        "danish_sort_key": fn(s.danish_sort_key, lambda: {"provider_name": "Ærø"}),
        "funnel_limits": fn(
            s.funnel_limits,
            lambda: {
                "target": 0.3,
                "participants": [10, 50, 200],
                "coverage": (0.95, 0.998),
                "overdispersion": "multiplicative",
                "phi": 1.5,
            },
        ),
        "ratio_funnel_limits": fn(
            s.ratio_funnel_limits,
            lambda: {"expected": [2.0, 10.0, 40.0], "overdispersion": "additive", "tau2": 0.05},
        ),
        "overdispersion": fn(
            s.overdispersion,
            lambda: {
                "rate": [0.2, 0.3, 0.25, 0.4],
                "participants": [100, 120, 90, 80],
                "target": 0.28,
                "winsorize": 0.1,
            },
        ),
    }


def recipes(public: dict[str, object]) -> dict[str, SweepRecipe]:
    """A recipe for every name in ``public`` under ``effekt.matching``/``effekt.simple_effect``."""
    functions = _functions()
    out: dict[str, SweepRecipe] = {}
    for qual in public:
        parts = qual.split(".")
        if parts[1] not in ("matching", "simple_effect"):
            continue
        if len(parts) == 3:
            out[qual] = functions[parts[2]]
        else:
            name = f"{parts[2]}.{parts[3]}"
            out[qual] = ON_DATA[name] if name in ON_DATA else method_recipe(parts[2], parts[3])
    return out
