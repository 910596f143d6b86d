"""Notebook hygiene: order, kernel, one clean stored run, set-up cell, size, structure.

(nbval, run by the same pytest command, executes every notebook in fast mode.)
"""

import re
from pathlib import Path

import nbformat
import pytest

from utils import config, course

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = course.discover(ROOT / "notebooks")
IDS = [p.stem for p in NOTEBOOKS]


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
    counts = [c.execution_count for c in book.cells if c.cell_type == "code"]
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
    first = next(c for c in book.cells if c.cell_type == "code").source
    assert "from utils import config" in first
    assert f'config.setup("{path.stem}")' in first
    assert path.stem in config.BUDGETS


def test_structure_follows_the_template(nb):
    path, book = nb
    text = "\n".join(c.source for c in book.cells if c.cell_type == "markdown")
    assert book.cells[0].cell_type == "markdown" and book.cells[0].source.startswith("# ")
    for needle in ("**Slides:**", "**Learning goals**", "**Time:**", "## What you should see",
                   "## Exercises", "## Summary"):
        assert needle in text, f"{path.name} lacks {needle!r}"
    code = "\n".join(c.source for c in book.cells if c.cell_type == "code")
    assert "rep.check()" in code
    solutions = [c for c in book.cells if "solution" in c.metadata.get("tags", [])]
    assert len(solutions) >= 2, f"{path.name} needs two or more worked solutions"
    assert all(c.metadata.get("jupyter", {}).get("source_hidden") for c in solutions)


def test_size_is_modest(nb):
    path, _ = nb
    assert path.stat().st_size < 3_000_000, f"{path.name} is {path.stat().st_size} bytes"
