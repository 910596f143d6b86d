"""The pins in pyproject.toml (the one place) and environment.yml must not drift apart."""

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


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text()
    assert "make test" in ci
    assert "make test" in (ROOT / "README.md").read_text()
    assert re.search(r"^test:", (ROOT / "Makefile").read_text(), re.M)
