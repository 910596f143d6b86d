"""The course's own notebooks as assignments, graded (``make test-assignments``, run by
.ci/run; about 15 minutes on 2 cores, so ``make test`` skips it): for every notebook, the
reference solutions score full marks and the untouched student notebook runs to its last
cell and scores zero on every exercise. Fast mode, as autograding uses."""

from __future__ import annotations

import os
from pathlib import Path

import nbformat
import pytest

from utils import assignments as A

pytestmark = pytest.mark.skipif(
    os.environ.get("AE_TEST_ASSIGNMENTS") != "1",
    reason="grades every course notebook twice (minutes): run by `make test-assignments`")


def test_reference_solutions_full_marks_untouched_notebooks_zero(tmp_path):
    paths = A._course_notebooks()
    out, course, subs = tmp_path / "assignments", tmp_path / "grading", tmp_path / "subs"
    students = A.generate(paths, out=out, course=course)
    for path, student_path in zip(paths, students):
        student = nbformat.read(student_path, as_version=4)
        source = nbformat.read(out / path.stem / "autograder" / path.name, as_version=4)
        ref = {c.metadata.get("nbgrader", {}).get("grade_id"): c.source for c in source.cells}
        answered = nbformat.reads(nbformat.writes(student), as_version=4)
        for cell in answered.cells:
            meta = cell.metadata.get("nbgrader", {})
            if meta.get("solution"):
                cell.source = "\n".join(l for l in ref[meta["grade_id"]].split("\n")
                                        if not l.startswith("### "))
        for who, nb in (("reference", answered), ("untouched", student)):
            (subs / who).mkdir(parents=True, exist_ok=True)
            nbformat.write(nb, subs / who / path.name)
    rows = A.autograde(subs, course=course, grades=tmp_path / "grades.csv",
                       feedback=tmp_path / "feedback")
    for path in paths:
        mine = [r for r in rows if r["notebook"] == path.stem]
        ref = [r for r in mine if r["student"] == "reference"]
        untouched = [r for r in mine if r["student"] == "untouched"]
        assert ref and all(r["points"] == r["max_points"] for r in ref), (path.stem, ref)
        assert untouched and all(r["points"] == 0 for r in untouched), (path.stem, untouched)
        graded = nbformat.read(course / "autograded" / "untouched" / path.stem / path.name,
                               as_version=4)
        last = [c for c in graded.cells if c.cell_type == "code"][-1]
        assert last.execution_count is not None, f"{path.stem}: the student notebook stopped early"
