"""Documentation standards that can be checked: every public function has a runnable example,
and every Python block of the README runs."""

import importlib
import inspect
import re
import warnings
from pathlib import Path

import pytest

PUBLIC_MODULES = [
    "effekt.rct",
    "effekt.matching",
    "effekt.simple_effect",
    "effekt.synthetic",
    "effekt.studies",
    "effekt.reproduction",
    "effekt.report",
    "effekt.duration",
    "effekt.did",
    "effekt.registers",
    "effekt.trajectory",
    "effekt.fulltime",
    "effekt.plots",
    "effekt.intervals",
    "effekt.results",
    "effekt.cli",
]


def _public_functions():
    for name in PUBLIC_MODULES:
        module = importlib.import_module(name)
        names = getattr(module, "__all__", None) or [
            n for n in vars(module) if not n.startswith("_")
        ]
        for attr in names:
            obj = getattr(module, attr)
            if inspect.isfunction(obj) and obj.__module__.startswith("effekt"):
                yield f"{name}.{attr}", obj


@pytest.mark.parametrize(
    ("name", "func"), list(_public_functions()), ids=lambda v: v if isinstance(v, str) else ""
)
def test_public_function_has_a_runnable_example(name, func):
    doc = inspect.getdoc(func) or ""
    assert "Examples" in doc and ">>>" in doc, f"{name} has no Examples section with a doctest"


README = Path(__file__).resolve().parents[1] / "README.md"


def test_readme_python_blocks_run(tmp_path, monkeypatch):
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.S)
    assert blocks, "README has no python examples"
    monkeypatch.chdir(tmp_path)
    namespace: dict = {}
    with warnings.catch_warnings():
        # the tour shows effekt's warnings (unmatched units, incomparable providers) on purpose
        warnings.simplefilter("ignore")
        for block in blocks:
            exec(compile(block, "README.md", "exec"), namespace)  # noqa: S102


def test_readme_quick_start_is_two_commands_and_ci_runs_the_test_command():
    text = README.read_text(encoding="utf-8")
    quick = text.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"```bash\n(.*?)```", quick, flags=re.S)
    assert len(commands) == 2 and all(len(c.strip().splitlines()) == 1 for c in commands)
    ci = (README.parent / ".ci" / "run").read_text(encoding="utf-8")
    assert commands[1].strip() in ci


def test_the_notes_reference_is_in_the_repository():
    """docs/studies.md describes every study of the notes' sections 1 to 4 (studies.catalogue)."""
    from effekt import studies

    text = (README.parent / "docs" / "studies.md").read_text(encoding="utf-8")
    for section in ("## 1.", "## 2.", "## 3.", "## 4."):
        assert section in text
    for sec in studies.catalogue()["section"]:
        assert sec == "3" or sec == "4" or f"### {sec} " in text, sec
