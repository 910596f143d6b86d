"""The two rooms: the lesson library (``utils``) and the course machinery
(``utils.machinery``). No lesson module imports the machinery; every module says in its
first docstring line what it is for; ``utils.__all__`` and ``utils.MACHINERY`` list them all."""

import ast
from pathlib import Path

import pytest

import utils

ROOT = Path(utils.__file__).resolve().parent
LESSON = sorted(ROOT.glob("*.py"))
MACHINERY = sorted((ROOT / "machinery").glob("*.py"))


def _imports(path: Path, package: str = "utils") -> list[str]:
    """The modules that ``path``, a module of ``package``, imports, as absolute names
    (``from .machinery import x`` in utils → ``utils.machinery``, ``utils.machinery.x``)."""
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")
            if node.level:
                base = base[:len(base) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            out.append(module)
            out += [f"{module}.{a.name}" for a in node.names]
    return out


@pytest.mark.parametrize("path", LESSON, ids=lambda p: p.name)
def test_lesson_modules_import_no_machinery(path):
    bad = [m for m in _imports(path) if m == "utils.machinery" or m.startswith("utils.machinery.")]
    assert not bad, f"utils/{path.name} imports the machinery: {bad}"


def test_the_import_check_sees_relative_and_absolute_imports(tmp_path):
    probe = tmp_path / "probe.py"
    probe.write_text("from .machinery import runner\nfrom . import data\n"
                     "import utils.machinery.site\nfrom utils.machinery import judge\n")
    names = _imports(probe, "utils")
    assert {"utils.machinery.runner", "utils.data", "utils.machinery.site",
            "utils.machinery.judge"} <= set(names)
    up = tmp_path / "up.py"
    up.write_text("from .. import bars\n")
    assert "utils.bars" in _imports(up, "utils.machinery")


@pytest.mark.parametrize("path", LESSON + MACHINERY, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_module_says_in_a_line_what_it_is_for(path):
    doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")))
    assert doc, f"{path} has no module docstring"
    line = doc.splitlines()[0]
    assert line.endswith("."), f"{path.name}: the first docstring line is not a sentence: {line!r}"


def test_every_module_is_listed_in_its_room():
    lesson = {p.stem for p in LESSON} - {"__init__", "_validate"}
    assert set(utils.__all__) == lesson, set(utils.__all__) ^ lesson
    machinery = {p.stem for p in MACHINERY} - {"__init__"} - {p.stem for p in MACHINERY
                                                             if p.stem.startswith("_")}
    assert set(utils.MACHINERY) == machinery, set(utils.MACHINERY) ^ machinery
