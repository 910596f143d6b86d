"""The pins in pyproject.toml (the one place) and environment.yml must not drift apart."""

import ast
import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def _pins(requirements):
    pins = {}
    for req in requirements:
        m = re.fullmatch(r"([A-Za-z0-9_.\-]+)==([^\s;]+)", req.strip())
        assert m, f"{req!r} is not pinned with =="
        pins[m.group(1).lower().replace("_", "-")] = m.group(2)
    return pins


def _pyproject():
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def test_every_dependency_is_pinned():
    assert _pins(_pyproject()["project"]["dependencies"])


def test_environment_yml_matches_pyproject():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert "conda-forge" in env["channels"] and "nodefaults" in env["channels"]
    deps = env["dependencies"]
    assert "python=3.11" in deps
    pip_section = next(d["pip"] for d in deps if isinstance(d, dict) and "pip" in d)
    assert pip_section[-1] == "-e .[test]", "the pip section must end in '-e .[test]'"
    project = _pyproject()["project"]
    expected = _pins(project["dependencies"] + project["optional-dependencies"]["test"])
    assert _pins(pip_section[:-1]) == expected


def test_makefile_installs_the_test_extra():
    assert "-e '.[test]'" in (ROOT / "Makefile").read_text()
    assert _pins(_pyproject()["project"]["optional-dependencies"]["test"])


def test_backends_target_runs_the_notebooks_too():
    """make test-backends: unit tests *and* every notebook under nbval on JAX and PyTorch."""
    makefile = (ROOT / "Makefile").read_text()
    recipe = makefile[makefile.index("test-backends:"):].split("\n\n")[0]
    assert "for b in jax torch" in recipe
    assert re.search(r"pytest -q (\$\(PYTEST_JOBS\) )?tests notebooks", recipe)


def _makefile_list(name: str) -> list[str]:
    text = (ROOT / "Makefile").read_text().replace("\\\n", " ")
    return re.search(rf"^{name} := (.*)$", text, re.M).group(1).split()


def _module_level(tree):
    """The nodes of a module outside its functions and classes (an import inside a function,
    as ``_validate.check_model``'s, runs only when the function is called with a model)."""
    todo = list(tree.body)
    while todo:
        node = todo.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        yield node
        todo.extend(ast.iter_child_nodes(node))


def _imports(nodes):
    """The absolute names the imports among ``nodes`` bring in (a relative import is read as
    one inside ``utils``): ``from utils import data`` gives ``utils`` and ``utils.data``."""
    for node in nodes:
        if isinstance(node, ast.Import):
            yield from (a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = (node.module or "" if node.level == 0
                    else ".".join(["utils"] + ([node.module] if node.module else [])))
            yield base
            yield from (f"{base}.{a.name}" for a in node.names)


def _keras_in(names, seen: set) -> bool:
    """Whether any of ``names`` is Keras or a utils module that imports it (``_uses_keras``)."""
    for name in names:
        parts = name.split(".")
        if parts[0] == "keras":
            return True
        if parts[0] == "utils" and len(parts) > 1 \
                and (ROOT / "utils" / f"{parts[1]}.py").is_file() and _uses_keras(parts[1], seen):
            return True
    return False


def _uses_keras(module: str, seen: set | None = None) -> bool:
    """Whether ``utils/<module>.py`` imports Keras when it is imported, itself or through
    another utils module."""
    seen = set() if seen is None else seen
    if module in seen:
        return False
    seen.add(module)
    tree = ast.parse((ROOT / "utils" / f"{module}.py").read_text())
    return _keras_in(_imports(_module_level(tree)), seen)


def test_tests_left_out_of_test_backends_do_not_use_keras():
    """make test-backends leaves out the tests of modules without Keras: each such test
    imports only utils modules that import no Keras, directly or through one another."""
    assert _uses_keras("models") and _uses_keras("exercises") and not _uses_keras("linalg")
    for name in _makefile_list("KERAS_FREE_TESTS"):
        tree = ast.parse((ROOT / "tests" / f"test_{name}.py").read_text())
        assert not _keras_in(_imports(ast.walk(tree)), set()), name


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text()
    assert "make test" in ci
    assert "make test" in (ROOT / "README.md").read_text()
    assert re.search(r"^test:", (ROOT / "Makefile").read_text(), re.M)
