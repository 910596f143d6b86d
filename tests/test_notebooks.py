"""Notebook hygiene: order, kernel, one clean stored run, set-up cell, size, structure.

(nbval, run by the same pytest command, executes every notebook in fast mode.)
"""

import re
from pathlib import Path

import nbformat
import pytest

from utils import bars, config
from utils.machinery import runner as course, launch

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = course.discover(ROOT / "notebooks")
IDS = [p.stem for p in NOTEBOOKS]


def _lesson_code(book):
    """The code cells of the lesson (without the Colab set-up cell that utils.launch adds
    when the repository URL is set)."""
    return [c for c in book.cells if c.cell_type == "code"
            and not c.source.startswith(launch.COLAB_MARK)]


def test_there_are_notebooks():
    assert NOTEBOOKS, "no notebooks found in notebooks/"


def test_readme_lists_every_notebook_in_order():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    listed = re.findall(r"notebooks/(\d\d_[a-z0-9_]+)\.ipynb", readme)
    seen = list(dict.fromkeys(listed))
    assert seen == IDS, f"README lists {seen}, notebooks/ has {IDS}"


def test_numbers_are_consecutive():
    assert [int(s[:2]) for s in IDS] == list(range(1, len(IDS) + 1))


@pytest.fixture(params=NOTEBOOKS, ids=IDS)
def nb(request):
    return request.param, nbformat.read(request.param, as_version=4)


def test_kernel_is_python3(nb):
    path, book = nb
    assert book.metadata["kernelspec"]["name"] == "python3"


def test_stored_outputs_are_one_clean_run(nb):
    path, book = nb
    counts = [c.execution_count for c in _lesson_code(book)]
    assert counts == list(range(1, len(counts) + 1)), \
        f"{path.name}: execution counts {counts} are not 1..N: re-run with `make outputs`"
    for i, cell in enumerate(book.cells):
        for out in cell.get("outputs", []):
            assert out.output_type != "error", f"{path.name} cell {i} stores an error"
            text = out.get("text", "") if out.output_type == "stream" else ""
            assert "Traceback" not in text, f"{path.name} cell {i} stores a traceback"
            assert not re.search(r"at 0x[0-9a-f]{6,}", text), \
                f"{path.name} cell {i} stores a memory address"


def test_first_code_cell_sets_up_this_notebook(nb):
    path, book = nb
    first = _lesson_code(book)[0].source
    assert "from utils import config" in first
    assert f'config.setup("{path.stem}")' in first
    assert path.stem in bars.BARS


def test_structure_follows_the_template(nb):
    path, book = nb
    text = "\n".join(c.source for c in book.cells if c.cell_type == "markdown")
    assert book.cells[0].cell_type == "markdown" and book.cells[0].source.startswith("# ")
    for needle in ("**Slides:**", "**Learning goals**", "**Time:**", "## Settings",
                   "## Results", "## Exercises", "## Summary"):
        assert needle in text, f"{path.name} lacks {needle!r}"
    code = "\n".join(c.source for c in book.cells if c.cell_type == "code")
    assert "rep.check" not in code and not re.search(r"^\s*assert\b", code, re.M), \
        f"{path.name}: bars are judged by the runner and the tests, not by asserts in cells"
    solutions = [c for c in book.cells if "solution" in c.metadata.get("tags", [])]
    assert len(solutions) >= 2, f"{path.name} needs two or more worked solutions"
    hidden = [c.metadata.get("jupyter", {}) for c in solutions]
    assert all(h.get("source_hidden") and h.get("outputs_hidden") for h in hidden), \
        f"{path.name}: a worked solution shows its code or its output"


def _settings_cell(book):
    cells = [c for c in book.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(cells) == 1, f"{len(cells)} cells tagged 'parameters'; expected one"
    return cells[0]


def test_settings_cell_sets_constants_and_budgets_one_a_line(nb):
    """The lesson's settings are in the notebook, one a line (papermill and a student can set
    each): literal UPPER_CASE constants, and budgets ``NAME = cfg.pick(fast, full)``
    (``cfg.train_size`` for N_TRAIN) with literal values, one ``=`` a line."""
    import ast

    path, book = nb
    cell = _settings_cell(book)
    codes = _lesson_code(book)
    assert "config.setup(" in codes[0].source and codes[1] is cell, \
        f"{path.name}: the settings cell must follow the set-up cell"
    budgets, constants = {}, []
    for node in ast.parse(cell.source).body:
        assert isinstance(node, ast.Assign) and len(node.targets) == 1, \
            f"{path.name}: the settings cell holds only assignments ({ast.unparse(node)[:60]})"
        assert node.lineno == node.end_lineno, \
            f"{path.name}: setting {ast.unparse(node.targets[0])} spans several lines"
        target = node.targets[0].id
        assert target.isupper(), f"{path.name}: setting {target} is not UPPER_CASE"
        if isinstance(node.value, ast.Call):
            func = ast.unparse(node.value.func)
            assert func in ("cfg.pick", "cfg.train_size"), f"{path.name}: {target} = {func}(...)"
            assert func == "cfg.train_size" or target != "N_TRAIN", path.name
            args = node.value.args
            assert len(args) == 2 and not node.value.keywords, \
                f"{path.name}: {target}: expected {func}(fast, full)"
            modes = dict(zip(("fast", "full"), map(ast.literal_eval, args)))
            budgets[target] = modes
        else:
            constants.append(ast.literal_eval(node.value))  # a plain number, string, tuple
    for key, expected in (("N_TRAIN", config.FULL_TRAIN), ("N_VAL", config.FULL_VAL),
                          ("N_TEST", config.FULL_TEST)):
        if key in budgets and path.stem != "05_watermark_removal":  # 05: patches, not digits
            assert budgets[key]["full"] == expected, f"{path.name}: full {key}"
    assert constants and budgets, f"{path.name}: no model settings or no budgets"
    code = "\n".join(c.source for c in codes if c is not cell)
    unused = [k for k in budgets if not re.search(rf"\b{k}\b", code)]
    assert not unused, f"{path.name}: settings never used: {unused}"


LINE_LIMIT = 100  # characters: a code line longer than this is unreadable on a projector


def test_code_lines_fit_a_projector(nb):
    path, book = nb
    long = [(i, len(line)) for i, c in enumerate(book.cells) if c.cell_type == "code"
            for line in c.source.splitlines() if len(line) > LINE_LIMIT]
    assert not long, f"{path.name}: code lines over {LINE_LIMIT} characters (cell, length): {long}"


def test_one_results_cell_records_every_headline_number(nb):
    """Recording is not spread through the lesson: one results cell makes the report,
    records every bar of the notebook and shows the table."""
    import ast

    path, book = nb
    cells = [c for c in _lesson_code(book) if "rep.record(" in c.source or "rep.note(" in c.source
             or "report.Report(" in c.source]
    assert len(cells) == 1, f"{path.name}: {len(cells)} cells record results; expected one"
    source = cells[0].source
    assert source.startswith("rep = report.Report(") and source.rstrip().endswith("\nrep")
    recorded = {node.args[0].value for node in ast.walk(ast.parse(source))
                if isinstance(node, ast.Call) and ast.unparse(node.func) == "rep.record"}
    assert recorded == set(bars.BARS[path.stem]), \
        f"{path.name}: recorded {sorted(recorded)}, bars {sorted(bars.BARS[path.stem])}"


def test_no_raw_network_error_in_stored_outputs(nb):
    path, book = nb
    for i, cell in enumerate(book.cells):
        for out in cell.get("outputs", []):
            text = str(out.get("text", "")) + str(out.get("data", {}).get("text/plain", ""))
            assert "urlopen" not in text and "Errno" not in text, \
                f"{path.name} cell {i} stores a raw network error"


def test_notebooks_import_no_machinery():
    """The notebooks import the lesson library (and its one set-up call), never the course's
    machinery (runner, bars' judge, slides, website, assignments, launch links)."""
    import ast

    for path in NOTEBOOKS:
        book = nbformat.read(path, as_version=4)
        for cell in _lesson_code(book):
            for node in ast.walk(ast.parse(cell.source)):
                names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                         else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
                if isinstance(node, ast.ImportFrom) and node.module == "utils":
                    names += [f"utils.{a.name}" for a in node.names]
                bad = [n for n in names if n.startswith("utils.machinery")]
                assert not bad, f"{path.name} imports {bad}"


def test_markdown_links_to_notebooks_and_files_exist(nb):
    path, book = nb
    for i, cell in enumerate(book.cells):
        if cell.cell_type != "markdown":
            continue
        for target in re.findall(r"\]\(([^)\s#]+)(?:#[^)]*)?\)", cell.source):
            if re.match(r"[a-z]+:", target):  # http:, https:, mailto:
                continue
            assert (path.parent / target).exists(), \
                f"{path.name} cell {i} links to {target}, which does not exist"


def test_every_notebook_but_the_last_links_to_the_next(nb):
    path, book = nb
    i = NOTEBOOKS.index(path)
    if i + 1 == len(NOTEBOOKS):
        return
    summary = "\n".join(c.source for c in book.cells if c.cell_type == "markdown")
    assert f"**Next:** [" in summary and f"({NOTEBOOKS[i + 1].name})" in summary, \
        f"{path.name} has no **Next:** link to {NOTEBOOKS[i + 1].name}"


def test_no_cell_shows_a_stray_true_or_false(nb):
    path, book = nb
    for i, cell in enumerate(book.cells):
        for out in cell.get("outputs", []):
            if out.output_type == "execute_result":
                text = out.get("data", {}).get("text/plain", "").strip()
                assert text not in ("True", "False", "None"), \
                    f"{path.name} cell {i} shows a stray {text}"


def test_size_is_modest(nb):
    path, _ = nb
    assert path.stat().st_size < 3_000_000, f"{path.name} is {path.stat().st_size} bytes"


def test_stored_checks_do_not_give_the_answer_away(nb):
    """A check cell's stored output says that the exercise passed, not the value."""
    path, book = nb
    for i, cell in enumerate(book.cells):
        if cell.cell_type != "code" or "exercise_check" not in cell.source:
            continue
        for out in cell.get("outputs", []):
            for line in str(out.get("text", "")).splitlines():
                assert re.fullmatch(r"✅ .*: passed", line), f"{path.name} cell {i}: {line!r}"
