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
    assert "rep.check()" in code
    solutions = [c for c in book.cells if "solution" in c.metadata.get("tags", [])]
    assert len(solutions) >= 2, f"{path.name} needs two or more worked solutions"
    hidden = [c.metadata.get("jupyter", {}) for c in solutions]
    assert all(h.get("source_hidden") and h.get("outputs_hidden") for h in hidden), \
        f"{path.name}: a worked solution shows its code or its output"


def _settings_cell(book):
    cells = [c for c in book.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(cells) == 1, f"{len(cells)} cells tagged 'parameters'; expected one"
    return cells[0]


def test_settings_cell_sets_constants_and_both_modes_with_the_same_names(nb):
    """The lesson's settings are in the notebook: literal UPPER_CASE constants and
    ``B = cfg.pick(fast=dict(...), full=dict(...))`` with the same names in both modes."""
    import ast

    path, book = nb
    cell = _settings_cell(book)
    codes = _lesson_code(book)
    assert "config.setup(" in codes[0].source and codes[1] is cell, \
        f"{path.name}: the settings cell must follow the set-up cell"
    picks, constants = [], []
    for node in ast.parse(cell.source).body:
        assert isinstance(node, ast.Assign) and len(node.targets) == 1, \
            f"{path.name}: the settings cell holds only assignments ({ast.unparse(node)[:60]})"
        target = node.targets[0].id
        if target == "B":
            picks.append(node.value)
        else:
            assert target.isupper(), f"{path.name}: setting {target} is not UPPER_CASE"
            constants.append(ast.literal_eval(node.value))  # a plain number, string, tuple
    assert len(picks) == 1 and ast.unparse(picks[0].func) == "cfg.pick", path.name
    modes = {k.arg: {kw.arg: ast.literal_eval(kw.value) for kw in k.value.keywords}
             for k in picks[0].keywords}
    assert set(modes) == {"fast", "full"} and set(modes["fast"]) == set(modes["full"]), \
        f"{path.name}: fast and full differ in {set(modes['fast']) ^ set(modes['full'])}"
    full = modes["full"]
    for key, expected in (("n_train", config.FULL_TRAIN), ("n_val", config.FULL_VAL),
                          ("n_test", config.FULL_TEST)):
        if key in full and path.stem != "05_watermark_removal":  # 05: patches, not digits
            assert full[key] == expected, f"{path.name}: full {key} = {full[key]}"
    assert constants, f"{path.name}: no model settings as named constants"
    code = "\n".join(c.source for c in codes if c is not cell)
    unused = [k for k in modes["full"] if not re.search(rf"\bB\.{k}\b", code)]
    assert not unused, f"{path.name}: settings never used: {unused}"


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
