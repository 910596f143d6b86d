"""Assignments and autograding (utils.assignments, nbgrader): the conversion of a notebook,
and the whole round trip — generate, submit, autograde, grades CSV and feedback — on a small
course-style notebook (seconds). The same round trip on the course's own notebooks runs in
``make test-assignments`` (tests/test_assignments_course.py; minutes)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import nbformat
import pytest

from utils.machinery import assignments as A

NOTEBOOKS = sorted((Path(__file__).resolve().parent.parent / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def _toy(path: Path) -> Path:
    """A course-style notebook with two exercises (solution + check cell) and one without a
    check; stored outputs on a lesson cell and on a solution."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    lesson = nbformat.v4.new_code_cell("from utils import report\nbase = 3\nprint(base)")
    lesson.outputs = [nbformat.v4.new_output("stream", name="stdout", text="3\n")]
    hidden = dict(tags=["solution"], jupyter=dict(source_hidden=True, outputs_hidden=True))
    sol1 = nbformat.v4.new_code_cell("# Solution 1: square it\nmy_square = base ** 2", metadata=dict(hidden))
    sol1.outputs = [nbformat.v4.new_output("stream", name="stdout", text="9\n")]
    chk1 = nbformat.v4.new_code_cell('report.exercise_check("your square", my_square, low=9, high=9)')
    sol2 = nbformat.v4.new_code_cell("# Solution 2: a list\nmy_list = [base] * base", metadata=dict(hidden))
    chk2 = nbformat.v4.new_code_cell('report.exercise_check("its length", len(my_list), low=3, high=3,\n'
                                     '                      hint="repeat base base times.")')
    sol3 = nbformat.v4.new_code_cell("# Solution 3: discussion\nprint('no check')", metadata=dict(hidden))
    nb.cells = [nbformat.v4.new_markdown_cell("# 99 · Toy\n## Exercises"), lesson, sol1, chk1,
                sol2, chk2, sol3, nbformat.v4.new_markdown_cell("## Summary")]
    nbformat.write(nb, path)
    return path


def test_exercises_finds_solutions_checks_and_handed_over_names():
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("my_x = 1\nmodel = 2", metadata=dict(tags=["solution"])),
                nbformat.v4.new_markdown_cell("text"),
                nbformat.v4.new_code_cell("report.exercise_check('x', my_x + model + len([k for k in 'ab']))"),
                nbformat.v4.new_code_cell("print(1)", metadata=dict(tags=["solution"]))]
    ex = A.exercises(nb)
    assert [(e.number, e.solution, e.check, e.variables) for e in ex] == \
        [(1, 0, 2, ("my_x", "model")), (2, 3, None, ())]
    assert ex[0].grade_id == "exercise_1"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_course_notebook_has_a_checked_exercise(path):
    ex = A.exercises(json.loads(path.read_text(encoding="utf-8")))
    checked = [e for e in ex if e.check is not None]
    assert checked and all(e.variables for e in checked), path.name


def test_exercises_refuses_a_notebook_without_exercises():
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("x = 1")]
    with pytest.raises(A.AssignmentError, match="no exercises"):
        A.exercises(nb)


def test_autograder_notebook_marks_cells_and_clears_only_answers(tmp_path):
    nb = nbformat.read(_toy(tmp_path / "99_toy.ipynb"), as_version=4)
    out = A.autograder_notebook(nb, points=2)
    lesson, sol1, chk1, sol3 = out.cells[1], out.cells[2], out.cells[3], out.cells[6]
    assert lesson.outputs and lesson.source == nb.cells[1].source        # the lesson is kept
    assert sol1.outputs == [] and "jupyter" not in sol1.metadata         # students see the stub
    assert A.BEGIN in sol1.source and A.END in sol1.source and "my_square = base ** 2" in sol1.source
    assert "`my_square`" in sol1.source.split(A.BEGIN)[0]
    assert sol1.metadata.nbgrader == dict(grade=False, solution=True, locked=False,
                                          grade_id="exercise_1", schema_version=3)
    assert chk1.metadata.nbgrader["grade"] and chk1.metadata.nbgrader["points"] == 2
    assert chk1.metadata.nbgrader["locked"] and chk1.metadata.nbgrader["grade_id"] == "exercise_1_check"
    assert "nbgrader" not in sol3.metadata and "not graded" in sol3.source   # runs on
    assert "print('no check')" not in sol3.source
    assert chk1.source.startswith(A.QUIET)           # a warning must not cost the point
    assert nb.cells[2].outputs, "the input notebook must not be changed"
    with pytest.raises(ValueError, match="points is 0"):
        A.autograder_notebook(nb, points=0)


def test_message_names_the_students_error_then_the_check():
    err = lambda e, v: {"outputs": [{"output_type": "error", "ename": e, "evalue": v}]}
    assert A._message({}, {"outputs": []}) == "passed"
    assert A._message(err("ZeroDivisionError", "division by zero"), err("NameError", "x")) == \
        "your exercise cell raised ZeroDivisionError: division by zero; then the check: NameError: x"
    assert A._message({}, err("ExerciseNotDone", "a = 1;\n expected 2")) == \
        "ExerciseNotDone: a = 1; expected 2"


def test_autograde_refuses_bad_folders(tmp_path):
    with pytest.raises(A.AssignmentError, match="not a folder"):
        A.autograde(tmp_path / "missing", course=tmp_path / "course")
    (tmp_path / "subs").mkdir()
    with pytest.raises(A.AssignmentError, match="run `make assignments` first"):
        A.autograde(tmp_path / "subs", course=tmp_path / "course")


def _submit(folder: Path, student: str, nb) -> None:
    (folder / student).mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, folder / student / "99_toy.ipynb")


def _answer(student_nb, source_nb, changes=None):
    """The student notebook with the reference solutions filled in (``changes``: grade_id ->
    replacement code)."""
    out = nbformat.from_dict(json.loads(json.dumps(student_nb)))
    ref = {c.metadata.get("nbgrader", {}).get("grade_id"): c.source for c in source_nb.cells}
    for cell in out.cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id")
        if cell.metadata.get("nbgrader", {}).get("solution"):
            code = "\n".join(line for line in ref[gid].split("\n") if not line.startswith("### "))
            cell.source = (changes or {}).get(gid, code)
    return out


def test_round_trip_generate_submit_autograde(tmp_path):
    """Reference solutions score full marks; the untouched student notebook runs and scores
    zero; a wrong answer loses exactly that exercise's points with the check's message; a
    submission that raises still gets its rows, and so does a file that is not a notebook; a
    student edit of a check cell is undone."""
    toy = _toy(tmp_path / "99_toy.ipynb")
    out, course = tmp_path / "assignments", tmp_path / "grading"
    [student_path] = A.generate([toy], out=out, course=course)
    assert student_path == out / "99_toy" / "99_toy.ipynb"
    student = nbformat.read(student_path, as_version=4)
    source = nbformat.read(out / "99_toy" / "autograder" / "99_toy.ipynb", as_version=4)
    text = "\n".join(c.source for c in student.cells)
    assert "base ** 2" not in text and "raise NotImplementedError()" in text
    assert student.cells[1].outputs, "the lesson's stored outputs stay"

    subs = tmp_path / "submissions"
    _submit(subs, "ref", _answer(student, source))
    _submit(subs, "untouched", student)
    _submit(subs, "wrong", _answer(student, source, {"exercise_2": "my_list = [base] * 2"}))
    _submit(subs, "raises", _answer(student, source, {"exercise_1": "my_square = 1 / 0"}))
    cheat = _answer(student, source, {"exercise_1": "my_square = 0"})
    cheat.cells[3].source = "print('no check here')"                 # the locked check cell
    _submit(subs, "cheat", cheat)
    gone = _answer(student, source)
    del gone.cells[5]                                                # exercise 2's check cell
    _submit(subs, "deleted", gone)
    noisy = _answer(student, source, {"exercise_1": "import sys\nmy_square = base ** 2\n"
                                                  "sys.stderr.write('a library warning')"})
    _submit(subs, "warned", noisy)
    (subs / "broken").mkdir()
    (subs / "broken" / "99_toy.ipynb").write_text("{ not json", encoding="utf-8")

    rows = A.autograde(subs, course=course, grades=tmp_path / "grades.csv",
                       feedback=tmp_path / "feedback")
    with open(tmp_path / "grades.csv", newline="", encoding="utf-8") as f:
        assert list(csv.DictReader(f)) == [{k: str(v) for k, v in r.items()} for r in rows]
    got = {(r["student"], r["exercise"]): (r["points"], r["message"]) for r in rows}
    assert len(rows) == 16 and {r["max_points"] for r in rows} == {1.0}
    assert got[("ref", 1)] == got[("ref", 2)] == (1.0, "passed")
    assert got[("untouched", 1)][0] == got[("untouched", 2)][0] == 0.0
    assert got[("untouched", 1)][1].startswith("your exercise cell raised NotImplementedError")
    assert got[("wrong", 1)] == (1.0, "passed")
    assert got[("wrong", 2)][0] == 0.0 and "its length = 2; expected between 3 and 3" in got[("wrong", 2)][1]
    assert got[("raises", 1)][0] == 0.0 and "ZeroDivisionError" in got[("raises", 1)][1]
    assert got[("raises", 2)] == (1.0, "passed")
    assert got[("cheat", 1)][0] == 0.0 and "your square = 0" in got[("cheat", 1)][1]
    assert got[("deleted", 1)] == (1.0, "passed")
    assert got[("deleted", 2)][0] == 1.0 or "missing" in got[("deleted", 2)][1]   # restored or said
    assert got[("warned", 1)] == (1.0, "passed")     # stderr in the student's own cell is fine
    assert got[("broken", 1)][0] == got[("broken", 2)][0] == 0.0
    assert got[("broken", 1)][1].startswith("not a readable notebook")
    for name in ("ref", "untouched", "wrong", "raises", "cheat", "deleted", "warned"):
        assert (tmp_path / "feedback" / name / "99_toy.html").stat().st_size > 1000


def test_autograde_skips_what_is_not_an_assignment_and_refuses_pattern_names(tmp_path, capsys):
    toy = _toy(tmp_path / "99_toy.ipynb")
    A.generate([toy], out=tmp_path / "assignments", course=tmp_path / "grading")
    (tmp_path / "subs" / "ann").mkdir(parents=True)
    (tmp_path / "subs" / "ann" / "98_other.ipynb").write_text("{}", encoding="utf-8")
    with pytest.raises(A.AssignmentError, match="no submissions in"):
        A.autograde(tmp_path / "subs", course=tmp_path / "grading")
    assert "98_other.ipynb (not one of the assignments: 99_toy)" in capsys.readouterr().err
    (tmp_path / "subs" / "Doe [123]").mkdir()
    with pytest.raises(A.AssignmentError, match=r"student folder 'Doe \[123\]'"):
        A.autograde(tmp_path / "subs", course=tmp_path / "grading")
