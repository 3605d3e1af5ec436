"""The house rules, enforced: one argument vocabulary, one result base, layering, short functions.

* Every parameter of every public function and method is a word of ``docs/glossary.md``;
  ``seed`` defaults to 0; ``missing=`` goes with every ``data``; positional order is
  ``data, outcome, treatment``.
* Every public result class derives from :class:`effekt.results.Result`, does not write its
  own ``__str__``/``_repr_html_``, and renders as an HTML table (instances come from
  ``tests/result_examples.py``).
* Estimators never import study, generator, reproduction or report code; the import graph
  has no cycles; no private name is imported across packages.
* No function is longer than 80 code lines (docstrings, comments and data literals aside).
"""

from __future__ import annotations

import ast
import importlib
import inspect
import re
from pathlib import Path

import pytest

import effekt
from effekt.results import Result

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "effekt"

PUBLIC_MODULES = [
    "effekt",
    "effekt.errors",
    "effekt.results",
    "effekt.intervals",
    "effekt.rct",
    "effekt.matching",
    "effekt.simple_effect",
    "effekt.duration",
    "effekt.trajectory",
    "effekt.did",
    "effekt.registers",
    "effekt.sources",
    "effekt.fulltime",
    "effekt.plots",
    "effekt.studies",
    "effekt.synthetic",
    "effekt.reproduction",
    "effekt.report",
    "effekt.cli",
]

#: Packages whose code is about the notes and their synthetic data, not estimation.
STUDY_LAYER = ("effekt.synthetic", "effekt.studies", "effekt.reproduction", "effekt.report")
#: Modules that may import the study layer (the command line and the package front door).
STUDY_LAYER_USERS = ("effekt.cli", "effekt")

#: Shared machinery every estimator builds on; it imports no other effekt code.
CORE = (
    "effekt.errors",
    "effekt._validate",
    "effekt._frame",
    "effekt._cells",
    "effekt._design",
    "effekt._inference",
    "effekt._linear",
    "effekt._multiplicity",
    "effekt.results",
    "effekt.intervals",
    "effekt.plots",
    "effekt.language",
    "effekt._export",
)

MAX_FUNCTION_LINES = 80


def glossary() -> set[str]:
    text = (ROOT / "docs" / "glossary.md").read_text(encoding="utf-8")
    return set(re.findall(r"^\| `([A-Za-z_][A-Za-z0-9_]*)` \|", text, flags=re.MULTILINE))


def _is_exception(obj: object) -> bool:
    return inspect.isclass(obj) and issubclass(obj, (Exception, Warning))


def public_objects() -> dict[str, object]:
    """``qualified name -> object`` for every name in a public module's ``__all__``."""
    found: dict[str, object] = {}
    for name in PUBLIC_MODULES:
        module = importlib.import_module(name)
        default = [n for n in dir(module) if not n.startswith("_")]
        for attr in getattr(module, "__all__", default):
            obj = getattr(module, attr)
            if inspect.ismodule(obj) or attr == "__version__":
                continue
            if not str(getattr(obj, "__module__", "")).startswith("effekt"):
                continue
            found.setdefault(f"{name}.{attr}", obj)
    return found


def public_callables() -> dict[str, object]:
    out: dict[str, object] = {}
    for qual, obj in public_objects().items():
        if inspect.isfunction(obj):
            out[qual] = obj
        elif inspect.isclass(obj) and not _is_exception(obj):
            for meth_name, meth in inspect.getmembers(obj, inspect.isfunction):
                if not meth_name.startswith("_") and meth.__module__.startswith("effekt"):
                    out[f"{qual}.{meth_name}"] = meth
    return out


def result_classes() -> dict[str, type]:
    return {
        qual: obj
        for qual, obj in public_objects().items()
        if inspect.isclass(obj)
        and not _is_exception(obj)
        and hasattr(obj, "summary")
        and obj is not Result
    }


CALLABLES = public_callables()


def _parameters(func: object) -> list[inspect.Parameter]:
    return [
        p
        for p in inspect.signature(func).parameters.values()  # type: ignore[arg-type]
        if p.name not in ("self", "cls") and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
    ]


# --------------------------------------------------------------------------- vocabulary


def test_every_public_module_declares_all_and_exports_only_its_own_names():
    for name in PUBLIC_MODULES:
        module = importlib.import_module(name)
        assert hasattr(module, "__all__"), f"{name} has no __all__"
        for attr in module.__all__:
            obj = getattr(module, attr)
            if attr == "__version__" or not (
                inspect.ismodule(obj) or inspect.isclass(obj) or callable(obj)
            ):
                continue  # a constant of the module (e.g. the allowed methods)
            home = obj.__name__ if inspect.ismodule(obj) else getattr(obj, "__module__", "")
            assert str(home).startswith("effekt"), f"{name} re-exports {attr} from {home}"


@pytest.mark.parametrize("qualname", sorted(CALLABLES))
def test_parameters_are_in_the_glossary(qualname):
    words = glossary()
    unknown = [p.name for p in _parameters(CALLABLES[qualname]) if p.name not in words]
    assert not unknown, (
        f"{qualname} uses {unknown}, which docs/glossary.md does not define; "
        "use the vocabulary's word or add the new word (with its one meaning) to the glossary"
    )


@pytest.mark.parametrize("qualname", sorted(CALLABLES))
def test_seed_default_and_missing_policy(qualname):
    params = {p.name: p for p in _parameters(CALLABLES[qualname])}
    if "seed" in params:
        assert params["seed"].default == 0, f"{qualname}: seed must default to 0"
    if "data" in params:
        assert "missing" in params, f"{qualname} takes data but has no missing= argument"


#: What stands in the outcome's place: an outcome column, or a duration (time, event), or
#: aggregated counts (count, denominator).
OUTCOME_SLOTS = (("outcome",), ("time", "event"), ("count", "denominator"))


@pytest.mark.parametrize("qualname", sorted(CALLABLES))
def test_positional_order_data_outcome_treatment(qualname):
    params = _parameters(CALLABLES[qualname])
    names = [p.name for p in params]
    if "data" not in names:
        return
    outcome = next((list(s) for s in OUTCOME_SLOTS if set(s) <= set(names)), [])
    expected = ["data", *outcome] + (["treatment"] if "treatment" in names else [])
    positional = [p.name for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    if "treatment" in names and "treatment" not in positional:
        expected.remove("treatment")  # an optional, keyword-only treatment (e.g. kaplan_meier)
    assert positional[: len(expected)] == expected, (
        f"{qualname}: positional order must start {expected}; got {positional}"
    )


def test_the_glossary_checks_would_catch_a_new_synonym():
    def new_function(data, group, random_state=None, unit="weeks"):  # pragma: no cover
        return data

    names = {p.name for p in _parameters(new_function)}
    assert names - glossary() == {"group", "random_state", "unit"}


# --------------------------------------------------------------------------- results


def test_every_result_class_uses_the_result_base():
    for qual, cls in result_classes().items():
        assert issubclass(cls, Result), f"{qual} does not derive from effekt.results.Result"
        for method in ("summary", "to_frame"):
            assert callable(getattr(cls, method, None)), f"{qual} lacks {method}()"
        for dunder in ("__str__", "_repr_html_"):
            assert getattr(cls, dunder) is getattr(Result, dunder), (
                f"{qual} writes its own {dunder}; override _html_frame/_html_title instead"
            )


def _examples() -> dict[str, object]:
    from result_examples import build_examples

    return build_examples()


def test_every_result_class_has_an_example():
    examples = _examples()
    missing = {cls.__name__ for cls in result_classes().values()} - set(examples)
    assert not missing, f"tests/result_examples.py has no example of {sorted(missing)}"


@pytest.mark.parametrize("name", sorted({cls.__name__ for cls in result_classes().values()}))
def test_result_renders_as_html_table(name):
    result = _examples()[name]
    html = result._repr_html_()  # type: ignore[attr-defined]
    assert "<table" in html and "<td>" in html and "<pre>" not in html
    assert str(result) == result.summary()  # type: ignore[attr-defined]
    frame = result.to_frame()  # type: ignore[attr-defined]
    assert len(frame.columns) > 0


# --------------------------------------------------------------------------- layering


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _resolve(module: str, is_package: bool, node: ast.ImportFrom) -> str:
    if node.level == 0:
        return node.module or ""
    base = module.split(".")
    if not is_package:
        base = base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def import_edges() -> list[tuple[str, str, str, int]]:
    """``(importer, imported module, imported name or '', line)`` for every effekt import."""
    modules = {_module_name(p) for p in SRC.rglob("*.py")}
    edges = []
    for path in SRC.rglob("*.py"):
        me = _module_name(path)
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name.startswith("effekt"):
                        edges.append((me, alias.name, "", node.lineno))
            elif isinstance(node, ast.ImportFrom):
                target = _resolve(me, path.name == "__init__.py", node)
                if not target.startswith("effekt"):
                    continue
                for alias in node.names:
                    sub = f"{target}.{alias.name}"
                    if sub in modules:
                        edges.append((me, sub, "", node.lineno))
                    else:
                        edges.append((me, target, alias.name, node.lineno))
    return edges


def _in(module: str, packages: tuple[str, ...]) -> bool:
    return any(module == p or module.startswith(p + ".") for p in packages)


def test_estimators_import_no_study_generator_or_report_code():
    bad = [
        f"{a} imports {b} (line {line})"
        for a, b, _, line in import_edges()
        if _in(b, STUDY_LAYER) and not _in(a, STUDY_LAYER) and a not in STUDY_LAYER_USERS
    ]
    assert not bad, "\n".join(bad)


def test_core_imports_only_core():
    bad = [
        f"{a} imports {b} (line {line})"
        for a, b, _, line in import_edges()
        if a in CORE and b not in CORE
    ]
    assert not bad, "\n".join(bad)


def test_import_graph_has_no_cycles():
    graph: dict[str, set[str]] = {}
    for a, b, _, _ in import_edges():
        if a != b and not b.startswith(a + "."):  # a package importing its own submodules
            graph.setdefault(a, set()).add(b)
    state: dict[str, int] = {}
    cycles: list[list[str]] = []

    def visit(node: str, stack: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                cycles.append(stack[stack.index(nxt) :] + [nxt])
            elif nxt not in state:
                visit(nxt, [*stack, nxt])
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    assert not cycles, "import cycles:\n" + "\n".join(" -> ".join(c) for c in cycles)


def _package(module: str) -> str:
    parts = module.split(".")
    return ".".join(parts[:2]) if len(parts) > 2 else "effekt"


def test_no_private_name_imported_across_packages():
    bad = [
        f"{a} imports {name} from {b} (line {line})"
        for a, b, name, line in import_edges()
        if name.startswith("_") and _package(a) != _package(b)
    ]
    assert not bad, "\n".join(bad)


# --------------------------------------------------------------------------- function size


def _literal_lines(node: ast.AST) -> set[int]:
    """Inner lines of multi-line literal containers (data, not logic)."""
    lines: set[int] = set()
    for sub in ast.walk(node):
        if isinstance(sub, (ast.Dict, ast.List, ast.Tuple, ast.Set)) and sub.end_lineno:
            inner = [e for e in ast.walk(sub) if isinstance(e, ast.expr) and e is not sub]
            if all(
                isinstance(e, (ast.Constant, ast.Dict, ast.List, ast.Tuple, ast.Set, ast.UnaryOp))
                for e in inner
            ):
                lines.update(range(sub.lineno + 1, sub.end_lineno))
    return lines


def code_lines(func: ast.FunctionDef | ast.AsyncFunctionDef, source: list[str]) -> int:
    first = func.body[0]
    lines = set(range(first.lineno, (func.end_lineno or first.lineno) + 1))
    if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
        lines -= set(range(first.lineno, (first.end_lineno or first.lineno) + 1))
    lines -= _literal_lines(func)
    return sum(
        1 for n in lines if source[n - 1].strip() and not source[n - 1].strip().startswith("#")
    )


def test_no_function_longer_than_80_code_lines():
    long = []
    for path in sorted(SRC.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        source = text.splitlines()
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                n = code_lines(node, source)
                if n > MAX_FUNCTION_LINES:
                    long.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name}: {n} lines")
    assert not long, "split these functions:\n" + "\n".join(long)


def test_version_is_a_string():
    assert isinstance(effekt.__version__, str)


# --------------------------------------------------------------------------- covariates


def _covariate_data():
    import numpy as np

    import effekt as ef

    obs = ef.synthetic.observational(400, effect=0.05, seed=3)
    return obs.assign(bad=np.where(np.arange(len(obs)) == 7, np.inf, obs["age"]))


def _covariate_calls():
    import effekt as ef

    def balance(d, covs):
        return ef.matching.match(d, "treated", ["age"]).balance(covs)

    return {
        "effekt.rct.difference_in_proportions": lambda d, c: ef.rct.difference_in_proportions(
            d, "job", "treated", covariates=c
        ),
        "effekt.rct.difference_in_means": lambda d, c: ef.rct.difference_in_means(
            d, "job", "treated", covariates=c
        ),
        "effekt.matching.match": lambda d, c: ef.matching.match(d, "treated", c),
        "effekt.matching.propensity_score": lambda d, c: ef.matching.propensity_score(
            d, "treated", c
        ),
        "effekt.matching.ipw": lambda d, c: ef.matching.ipw(d, "job", "treated", c),
        "effekt.matching.aipw": lambda d, c: ef.matching.aipw(d, "job", "treated", c),
        "effekt.matching.entropy_weights": lambda d, c: ef.matching.entropy_weights(
            d, "treated", c
        ),
        "effekt.matching.cem": lambda d, c: ef.matching.cem(d, "treated", c),
        "effekt.matching.overlap_weights": lambda d, c: ef.matching.overlap_weights(
            d, "treated", c
        ),
        "effekt.matching.subclassify": lambda d, c: ef.matching.subclassify(d, "treated", c),
        "effekt.matching.balance_table": lambda d, c: ef.matching.balance_table(d, "treated", c),
        "effekt.matching.compare_designs": lambda d, c: ef.matching.compare_designs(
            d, "job", "treated", c, designs=["entropy"]
        ),
        "effekt.matching.optimal_match": lambda d, c: ef.matching.optimal_match(d, "treated", c),
        "effekt.matching.weighted_effect": lambda d, c: ef.matching.weighted_effect(
            d, "job", "treated", [1.0] * len(d), covariates=c
        ),
        "effekt.matching.MatchResult.balance": balance,
        "effekt.matching.MatchResult.effect": lambda d, c: ef.matching.match(
            d, "treated", ["age"]
        ).effect("job", covariates=c),
        "effekt.matching.MatchResult.balance_table": lambda d, c: ef.matching.match(
            d, "treated", ["age"]
        ).balance_table(c),
        "effekt.matching.MatchedSample.balance": lambda d, c: ef.matching.match(
            d, "treated", ["age"], method="cem"
        ).balance(c),
        "effekt.matching.MatchedSample.balance_table": lambda d, c: ef.matching.match(
            d, "treated", ["age"], method="subclass"
        ).balance_table(c),
        "effekt.matching.MatchedSample.effect": lambda d, c: ef.matching.match(
            d, "treated", ["age"], method="full"
        ).effect("job", covariates=c),
        "effekt.simple_effect.compare_providers": lambda d, c: ef.simple_effect.compare_providers(
            d, "job", "benefit_group", c
        ),
        "effekt.report.matched_evaluation": lambda d, c: ef.report.matched_evaluation(
            d, "job", "treated", c
        ),
    }


def test_every_function_taking_covariates_is_checked_below():
    takes = {
        q
        for q, f in CALLABLES.items()
        if {"covariates", "case_mix"} & {p.name for p in _parameters(f)}
    }
    assert takes == set(_covariate_calls())


@pytest.mark.parametrize("qualname", sorted(_covariate_calls()))
def test_an_infinite_covariate_raises_effekt_error_naming_it(qualname):
    from effekt.errors import EffektError

    data = _covariate_data()
    before = data.copy()
    with pytest.raises(EffektError, match="'bad'.*infinite"):
        _covariate_calls()[qualname](data, ["months_on_benefit", "bad"])
    assert data.equals(before)


def test_tests_write_files_to_tmp_path_not_tmp():
    needle = '"' + "/" + "tmp"  # built, so that this file does not match itself
    offenders = [
        f"{p.name}:{n}"
        for p in sorted((ROOT / "tests").glob("test_*.py"))
        for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
        if needle in line
    ]
    assert not offenders, offenders
