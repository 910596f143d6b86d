"""The course's own notebooks as assignments, graded (``make test-assignments``, run by
.ci/run; about 15 minutes on 2 cores, so ``make test`` skips it): for every notebook, the
reference solutions score full marks and the untouched student notebook runs to its last
cell and scores zero on every exercise; for the last notebook, a wrong answer loses exactly
its exercise's point and a submission that raises still gets its rows. Fast mode, as
autograding uses. The sample submissions stay in ``build/sample-submissions/`` for trying
``make autograde SUBMISSIONS=build/sample-submissions``."""

from __future__ import annotations

import os
import shutil

import nbformat
import pytest

from utils.machinery import assignments as A
from utils.machinery.runner import discover

pytestmark = pytest.mark.skipif(
    os.environ.get("AE_TEST_ASSIGNMENTS") != "1",
    reason="grades every course notebook twice (minutes): run by `make test-assignments`")

SAMPLES = A.BUILD / "sample-submissions"


def test_every_notebook_graded_as_an_assignment(tmp_path):
    paths = discover(A.NOTEBOOK_DIR)
    out, course = tmp_path / "assignments", tmp_path / "grading"
    A.generate(paths, out=out, course=course)
    shutil.rmtree(SAMPLES, ignore_errors=True)
    A.sample_submissions(SAMPLES, assignments=out)
    last = paths[-1].stem
    for variant in ("wrong", "raises"):              # one notebook: the slowest part is running it
        only = tmp_path / "only" / last
        only.mkdir(parents=True, exist_ok=True)
        shutil.copytree(out / last, only, dirs_exist_ok=True)
        A.sample_submissions(SAMPLES, assignments=only.parent, variants=(variant,))
    rows = A.autograde(SAMPLES, course=course, grades=tmp_path / "grades.csv",
                       feedback=tmp_path / "feedback")
    shutil.copy2(tmp_path / "grades.csv", SAMPLES / "grades.csv")
    for path in paths:
        mine = [r for r in rows if r["notebook"] == path.stem]
        ref = [r for r in mine if r["student"] == "reference"]
        untouched = [r for r in mine if r["student"] == "untouched"]
        assert ref and all(r["points"] == r["max_points"] for r in ref), (path.stem, ref)
        assert untouched and all(r["points"] == 0 for r in untouched), (path.stem, untouched)
        graded = nbformat.read(course / "autograded" / "untouched" / path.stem / path.name,
                               as_version=4)
        code = [c for c in graded.cells if c.cell_type == "code"]
        assert code[-1].execution_count is not None, f"{path.stem}: the student notebook stopped early"
    wrong = [r for r in rows if r["notebook"] == last and r["student"] == "wrong"]
    first = next(e for e in A.exercises(nbformat.read(out / last / "autograder" / f"{last}.ipynb",
                                                      as_version=4)) if e.check is not None)
    assert [r["points"] for r in wrong] == [0.0 if r["exercise"] == first.number else r["max_points"]
                                            for r in wrong], wrong
    assert "= nan" in next(r for r in wrong if r["exercise"] == first.number)["message"]
    raises = [r for r in rows if r["notebook"] == last and r["student"] == "raises"]
    assert raises and "RuntimeError: a bug in the submission" in raises[0]["message"]
