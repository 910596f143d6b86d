"""The notebooks outside JupyterLab: as plain Python scripts (``jupyter nbconvert --to
script``) and under papermill (its ``parameters`` cell, values injected from outside).

- every notebook, exported as a script, is valid Python that uses no name only IPython
  provides (``display`` is imported from ``IPython.display``; no ``get_ipython()``, no magics);
- notebook 01, the fastest, runs as ``python 01_basic_autoencoder.py`` in fast mode;
- papermill reads each notebook's ``parameters`` cell without a warning and finds exactly the
  names the cell assigns, with their values; it runs notebook 01 in fast mode with one
  setting injected, without a warning, and the notebook uses the injected value.

The two runs of notebook 01 take a minute or two each.
"""

from __future__ import annotations

import ast
import builtins
import logging
import os
import re
import subprocess
import sys
import warnings
from pathlib import Path

import nbformat
import pytest

from utils.machinery import runner

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK_DIR = ROOT / "notebooks"
NOTEBOOKS = runner.discover(NOTEBOOK_DIR)
IDS = [p.stem for p in NOTEBOOKS]
FASTEST = NOTEBOOK_DIR / "01_basic_autoencoder.ipynb"

# What a plain `python script.py` has without defining it.
MODULE_NAMES = set(dir(builtins)) | {"__file__", "__name__", "__doc__", "__builtins__",
                                     "__spec__", "__loader__", "__package__"}


def _script(path: Path) -> str:
    """The notebook as `jupyter nbconvert --to script` writes it (in-process)."""
    from nbconvert import ScriptExporter

    body, _ = ScriptExporter().from_filename(str(path))
    return body


def _bound_names(tree: ast.AST) -> set[str]:
    """Every name the script binds anywhere: assignments, loop and with targets, function and
    class definitions and their arguments, imports, except ... as, match captures, global."""
    bound = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            bound.add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound.add(node.name)
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                bound.add(alias.asname or alias.name.split(".")[0])
        elif isinstance(node, ast.ExceptHandler) and node.name:
            bound.add(node.name)
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            bound.update(node.names)
        elif isinstance(node, (ast.MatchAs, ast.MatchStar)) and node.name:
            bound.add(node.name)
        elif isinstance(node, ast.MatchMapping) and node.rest:
            bound.add(node.rest)
    return bound


def _where(nb, lines: list[str], lineno: int) -> str:
    """The notebook cell that line ``lineno`` of its script comes from: nbconvert writes a
    ``# In[ ]:`` line before each code cell."""
    code_cells = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"]
    k = sum(bool(re.fullmatch(r"# In\[[ \d]*\]:", line)) for line in lines[:lineno])
    return f"cell {code_cells[k - 1]}" if 0 < k <= len(code_cells) else "before the first cell"


def ipython_only_uses(path: Path) -> list[str]:
    """What the script of a notebook uses that plain Python does not have, one line each."""
    nb = nbformat.read(path, as_version=4)
    script = _script(path)
    lines = script.split("\n")
    try:
        tree = ast.parse(script, filename=f"{path.stem}.py")
    except SyntaxError as err:
        line = lines[err.lineno - 1] if err.lineno else ""
        return [f"{_where(nb, lines, err.lineno or 0)}, script line {err.lineno}: not Python ({err.msg}): "
                f"{line.strip()!r}"]
    problems = []

    def at(node, what):
        line = lines[node.lineno - 1]
        problems.append(f"{_where(nb, lines, node.lineno)}, script line {node.lineno}: {what}: {line.strip()!r}")

    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and any(a.name == "*" for a in node.names):
            at(node, "a star import hides which names it brings")
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
                and node.func.id == "get_ipython":
            at(node, "get_ipython() (an IPython magic or shell escape?) exists only in IPython")
    bound = _bound_names(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) \
                and node.id not in bound and node.id not in MODULE_NAMES:
            at(node, f"{node.id!r} is used but never defined or imported")
    display_imported = any(
        isinstance(n, ast.ImportFrom) and n.module in ("IPython.display", "IPython.core.display")
        and any(a.name == "display" and not a.asname for a in n.names) for n in ast.walk(tree))
    uses_display = any(isinstance(n, ast.Name) and n.id == "display" for n in ast.walk(tree))
    if uses_display and not display_imported:
        problems.append("display is used but not imported from IPython.display")
    return sorted(set(problems))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_script_is_plain_python(path):
    problems = ipython_only_uses(path)
    assert not problems, f"{path.name} as a script:\n" + "\n".join(problems)


def test_the_check_finds_ipython_only_names(tmp_path):
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("%matplotlib inline\nx = 1"),
        nbformat.v4.new_code_cell("display(x)\nfor i in range(2):\n    print(i, undefined_name)"),
        nbformat.v4.new_code_cell("def f(a, *, b=2):\n    return a + b\n[y for y in (f(1),)]"),
    ])
    nb.metadata["language_info"] = {"name": "python", "nbconvert_exporter": "python"}
    path = tmp_path / "demo.ipynb"
    nbformat.write(nb, path)
    problems = "\n".join(ipython_only_uses(path))
    assert "get_ipython()" in problems and "cell 0" in problems
    assert "'display' is used" in problems and "display is used but not imported" in problems
    assert "'undefined_name' is used" in problems and "cell 1" in problems
    for fine in ("'x'", "'f'", "'a'", "'b'", "'y'", "'i'", "'print'", "'range'"):
        assert fine not in problems, problems
    nb.cells[0].source = "from IPython.display import display\nx = 1"
    nb.cells[1].source = "display(x)"
    nbformat.write(nb, path)
    assert ipython_only_uses(path) == []
    nb.metadata["language_info"] = {"name": "python"}     # no exporter named: magics stay as
    nb.cells[0].source = "%time x = 1"                    # they are, which is not Python
    nbformat.write(nb, path)
    assert "not Python" in ipython_only_uses(path)[0]


def _fast_env(**extra) -> dict[str, str]:
    """The environment of a fast-mode run of a notebook outside the course runner."""
    env = dict(os.environ)
    env.pop("AE_RESULTS_DIR", None)
    env.update(AE_MODE="fast", MPLBACKEND="Agg", TF_CPP_MIN_LOG_LEVEL="3",
               TF_ENABLE_ONEDNN_OPTS="0",
               PYTHONPATH=os.pathsep.join([str(ROOT)] + [p for p in [env.get("PYTHONPATH")] if p]),
               # the kernel (papermill) and any `python` it starts are this interpreter's
               PATH=os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")]))
    env.update(extra)
    return env


def test_fastest_notebook_runs_as_a_plain_script(tmp_path):
    script = tmp_path / f"{FASTEST.stem}.py"
    script.write_text(_script(FASTEST), encoding="utf-8")
    done = subprocess.run([sys.executable, str(script)], cwd=NOTEBOOK_DIR, env=_fast_env(),
                          capture_output=True, text=True, timeout=1200)
    assert done.returncode == 0, (
        f"python {script.name} exited with {done.returncode}:\n{done.stderr[-4000:]}")


# -- papermill ----------------------------------------------------------------------------

def _parameters_cell(nb) -> tuple[int, str]:
    tagged = [(i, c.source) for i, c in enumerate(nb.cells)
              if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(tagged) == 1, f"{len(tagged)} cells are tagged 'parameters'; expected one"
    return tagged[0]


def _assignments(source: str) -> dict[str, ast.expr]:
    """The names a parameters cell assigns at its top level, in order, with their values."""
    names = {}
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign):
            for target in node.targets:
                assert isinstance(target, ast.Name), (
                    f"{ast.unparse(node)!r}: a parameters cell assigns plain names only")
                names[target.id] = node.value
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names[node.target.id] = node.value
    return names


class _Warnings:
    """Python warnings and log records of WARNING and above (papermill logs its complaints)
    caught inside a ``with`` block; DeprecationWarnings, which pytest's settings ignore for
    the whole course, stay ignored."""

    def __enter__(self):
        self._catch = warnings.catch_warnings(record=True)
        self.caught = self._catch.__enter__()
        warnings.simplefilter("always")
        warnings.filterwarnings("ignore", category=DeprecationWarning)
        warnings.filterwarnings("ignore", category=PendingDeprecationWarning)
        self.records = []
        self._handler = logging.Handler(logging.WARNING)
        self._handler.emit = self.records.append
        self._logger = logging.getLogger("papermill")
        self._level = self._logger.level
        self._logger.addHandler(self._handler)
        self._logger.setLevel(logging.WARNING)
        return self

    def __exit__(self, *exc):
        self._logger.removeHandler(self._handler)
        self._logger.setLevel(self._level)
        return self._catch.__exit__(*exc)

    def lines(self) -> list[str]:
        return ([f"{w.category.__name__}: {w.message}" for w in self.caught]
                + [f"{r.name} {r.levelname}: {r.getMessage()}" for r in self.records])


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_papermill_reads_the_parameters_cell(path):
    """papermill lists exactly the names the cell tagged `parameters` assigns, each with its
    value, and says nothing while it reads the cell.

    papermill (2.7, translators.PythonTranslator.inspect) reads the cell line by line: a line
    with more than one `=` — keyword arguments, `==`, `<=` included — is skipped with the
    warning "Unable to parse line", and the lines under an assignment it cannot parse are
    glued to the one before. So `B = cfg.pick(fast=dict(...), full=dict(...))` over several
    lines, or `N_TRAIN = cfg.pick(fast=1000, full=3500)` on one, cannot be in this cell; an
    assignment with a single `=` per line can (a value may run over lines without `=`)."""
    import papermill

    index, source = _parameters_cell(nbformat.read(path, as_version=4))
    assigned = _assignments(source)
    with _Warnings() as caught:
        found = papermill.inspect_notebook(str(path))
    assert caught.lines() == [], f"{path.name} cell {index} (parameters):\n" + "\n".join(caught.lines())
    assert list(found) == list(assigned), (
        f"{path.name} cell {index}: papermill finds {list(found)}; the cell assigns {list(assigned)}")
    for name, value in assigned.items():
        default = found[name]["default"]
        try:
            same = ast.dump(ast.parse(default, mode="eval").body) == ast.dump(value)
        except SyntaxError:
            same = False
        assert same, (f"{path.name} cell {index}: papermill reads {name} = {default!r}; the cell "
                      f"says {ast.unparse(value)!r}")


def _parameter_count(nb) -> int | None:
    """The parameter count notebook 01 prints after building its dense autoencoder."""
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            text = out.get("text", "") if out.get("output_type") == "stream" else ""
            m = re.search(r"\(([\d,]+) parameters\)", text)
            if m:
                return int(m.group(1).replace(",", ""))
    return None


def test_papermill_runs_the_fastest_notebook_with_a_setting_injected(tmp_path, monkeypatch):
    """Notebook 01 in fast mode with AE_HIDDEN = [128] (one hidden layer of 128 units instead
    of 256: a smaller model, no longer to train): the injected cell right after the parameters
    cell, the autoencoder the notebook builds has 128 hidden units, and no warning from
    papermill (nor any stderr output of the kernel)."""
    import papermill

    for key, value in _fast_env(AE_RESULTS_DIR=str(tmp_path / "results")).items():
        monkeypatch.setenv(key, value)
    nb = nbformat.read(FASTEST, as_version=4)
    index, source = _parameters_cell(nb)
    code = ast.literal_eval(_assignments(source)["AE_CODE"])
    hidden = 128
    out = tmp_path / FASTEST.name
    with _Warnings() as caught:
        papermill.execute_notebook(str(FASTEST), str(out), parameters={"AE_HIDDEN": [hidden]},
                                   kernel_name="python3", cwd=str(NOTEBOOK_DIR),
                                   progress_bar=False, request_save_on_cell_execute=False)
    ran = nbformat.read(out, as_version=4)
    injected = ran.cells[index + 1]
    assert "injected-parameters" in injected.metadata.get("tags", []), injected.metadata
    assert "AE_HIDDEN = [128]" in injected.source, injected.source
    # encoder 784 -> 128 -> code, decoder code -> 128 -> 784 (weights and biases)
    expected = (784 * hidden + hidden + hidden * code + code) + (code * hidden + hidden
                                                                 + hidden * 784 + 784)
    assert _parameter_count(nb) != expected                 # the stored run: 256 units
    assert _parameter_count(ran) == expected, (
        f"the autoencoder has {_parameter_count(ran)} parameters; with AE_HIDDEN = [128] "
        f"it has {expected}")
    assert caught.lines() == [], "papermill warned:\n" + "\n".join(caught.lines())
    stderr = [(i, o.text) for i, c in enumerate(ran.cells) for o in c.get("outputs", [])
              if o.get("output_type") == "stream" and o.get("name") == "stderr"]
    assert stderr == [], f"the kernel wrote to stderr (cell, text): {stderr}"
