"""effekt: effects of active labour-market programmes.

Randomised trials (:mod:`effekt.rct`), propensity-score matching (:mod:`effekt.matching`),
provider comparisons on simple effects (:mod:`effekt.simple_effect`), and synthetic data
calibrated to the Danish evaluation notes (:mod:`effekt.synthetic`).

Submodules are imported on first use, so ``import effekt as ef; ef.rct`` works and
``import effekt`` stays fast.

Examples
--------
>>> import effekt as ef
>>> r = ef.rct.difference_in_proportions_from_counts(208, 1302, 155, 1291)
>>> round(100 * r.estimate, 1)
4.0
"""

from __future__ import annotations

import importlib
from typing import Any

from .errors import EffektError
from .results import EffectResult, EffectTable, TestResult

__version__ = "0.2.0"

_SUBMODULES = {
    "rct",
    "matching",
    "simple_effect",
    "synthetic",
    "studies",
    "reproduction",
    "trajectory",
    "fulltime",
    "report",
    "duration",
    "did",
    "registers",
    "plots",
    "readers",
    "sources",
    "language",
    "intervals",
    "errors",
    "results",
    "cli",
}
_FUNCTIONS = {
    "reproduce": "reproduction",
    "read_table": "readers",
    "scan": "sources",
    "Report": "report",
}

__all__ = [
    "EffektError",
    "EffectResult",
    "EffectTable",
    "TestResult",
    "__version__",
    *_SUBMODULES,
    *_FUNCTIONS,
]


def __getattr__(name: str) -> Any:
    if name in _SUBMODULES:
        return importlib.import_module(f".{name}", __name__)
    if name in _FUNCTIONS:
        module = importlib.import_module(f".{_FUNCTIONS[name]}", __name__)
        return getattr(module, name)
    raise AttributeError(f"module 'effekt' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
