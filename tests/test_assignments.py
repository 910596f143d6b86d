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

from utils.machinery import _folders, assignments as A

NOTEBOOKS = sorted((Path(__file__).resolve().parent.parent / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def _toy(path: Path, lesson_first: str = "") -> Path:
    """A course-style notebook with two exercises (solution + check cell) and one without a
    check; stored outputs on a lesson cell and on a solution. ``lesson_first``: code that
    the lesson cell runs first."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    lesson = nbformat.v4.new_code_cell(lesson_first + "from utils import report\nbase = 3\nprint(base)")
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
    return A.fill(student_nb, source_nb, changes)


# The kernel says it is idle 6 s after a cell's reply, once: what a busy machine does now
# and then (nbgrader's own wait for it is 4 s, then the whole submission "failed"). In the
# lesson's code, not the student's: a student cell that touches the kernel scores 0.
LATE_IDLE = """import time
_kernel = get_ipython().kernel
_send = _kernel.session.send
def _late(stream, msg, content=None, *args, **kwargs):
    if msg == "status" and (content or {}).get("execution_state") == "idle":
        _kernel.session.send = _send
        time.sleep(6)
    return _send(stream, msg, content, *args, **kwargs)
_kernel.session.send = _late
"""


def test_round_trip_generate_submit_autograde(tmp_path):
    """Reference solutions score full marks; the untouched student notebook runs and scores
    zero; a wrong answer loses exactly that exercise's points with the check's message; a
    submission that raises still gets its rows, and so does a file that is not a notebook; a
    student edit of a check cell is undone; a replaced check helper scores 0; a deleted check
    cell, or one whose metadata an editor dropped, is restored and scores; a browser's copy
    name and a nested folder are graded, with the file in the grades."""
    toy = _toy(tmp_path / "99_toy.ipynb")
    out, course = tmp_path / "assignments", tmp_path / "grading"
    [student_path] = A.generate([toy], out=out, course=course)
    assert student_path == out / "99_toy" / "99_toy.ipynb"
    student = nbformat.read(student_path, as_version=4)
    source = nbformat.read(out / "99_toy" / "autograder" / "99_toy.ipynb", as_version=4)
    text = "\n".join(c.source for c in student.cells)
    assert "base ** 2" not in text and "raise NotImplementedError()" in text
    assert "HIDDEN" not in text and "importlib" not in text, "hidden tests stay hidden"
    assert student.cells[1].outputs, "the lesson's stored outputs stay"

    subs = tmp_path / "submissions"
    _submit(subs, "ref", _answer(student, source))
    _submit(subs, "untouched", student)
    _submit(subs, "wrong", _answer(student, source, {"exercise_2": "my_list = [base] * 2"}))
    _submit(subs, "raises", _answer(student, source, {"exercise_1": "my_square = 1 / 0"}))
    cheat = _answer(student, source, {"exercise_1": "my_square = 0"})
    cheat.cells[3].source = "print('no check here')"                 # the locked check cell
    _submit(subs, "cheat", cheat)
    stub = ("from utils import report\nreport.exercise_check = lambda *a, **k: None\n"
            "my_square = 0")
    _submit(subs, "stubbed", _answer(student, source, {"exercise_1": stub,
                                                       "exercise_2": "my_list = []"}))
    gone = _answer(student, source)
    del gone.cells[5]                                                # exercise 2's check cell
    _submit(subs, "deleted", gone)
    bare = _answer(student, source)
    for cell in bare.cells:                                          # an editor drops metadata
        cell.metadata = {}
    _submit(subs, "bare", bare)
    noisy = _answer(student, source, {"exercise_1": "import sys\nmy_square = base ** 2\n"
                                                  "sys.stderr.write('a library warning')"})
    _submit(subs, "warned", noisy)
    (subs / "broken").mkdir()
    (subs / "broken" / "99_toy.ipynb").write_text("{ not json", encoding="utf-8")
    (subs / "copied").mkdir()
    nbformat.write(_answer(student, source), subs / "copied" / "99_toy (1).ipynb")
    (subs / "nested" / "99_toy").mkdir(parents=True)
    nbformat.write(_answer(student, source), subs / "nested" / "99_toy" / "99_toy.ipynb")
    (subs / "empty").mkdir()
    _folders.claim("feedback", tmp_path / "feedback", A.FEEDBACK_COMMAND)
    (tmp_path / "feedback" / "old").mkdir()                          # an earlier run's page

    rows = A.autograde(subs, course=course, grades=tmp_path / "grades.csv",
                       feedback=tmp_path / "feedback")
    with open(tmp_path / "grades.csv", newline="", encoding="utf-8") as f:
        assert list(csv.DictReader(f)) == [{k: str(v) for k, v in r.items()} for r in rows]
    got = {(r["student"], r["exercise"]): (r["points"], r["message"]) for r in rows}
    assert len(rows) == 24 and {r["max_points"] for r in rows} == {1.0}
    assert got[("ref", 1)] == got[("ref", 2)] == (1.0, "passed")
    assert got[("untouched", 1)][0] == got[("untouched", 2)][0] == 0.0
    assert got[("untouched", 1)][1].startswith("your exercise cell raised NotImplementedError")
    assert got[("wrong", 1)] == (1.0, "passed")
    assert got[("wrong", 2)][0] == 0.0 and "its length = 2; expected between 3 and 3" in got[("wrong", 2)][1]
    assert got[("raises", 1)][0] == 0.0 and "ZeroDivisionError" in got[("raises", 1)][1]
    assert got[("raises", 2)] == (1.0, "passed")
    assert got[("cheat", 1)][0] == 0.0 and "your square = 0" in got[("cheat", 1)][1]
    assert got[("stubbed", 1)][0] == got[("stubbed", 2)][0] == 0.0, "the real check ran"
    assert got[("deleted", 1)] == got[("deleted", 2)] == (1.0, "passed")
    assert got[("bare", 1)] == got[("bare", 2)] == (1.0, "passed")
    assert got[("warned", 1)] == (1.0, "passed")     # stderr in the student's own cell is fine
    assert got[("broken", 1)][0] == got[("broken", 2)][0] == 0.0
    assert got[("broken", 1)][1].startswith("not a readable notebook")
    assert got[("copied", 1)] == got[("nested", 2)] == (1.0, "passed")
    file = {r["student"]: r["file"] for r in rows}
    assert file["copied"] == "99_toy (1).ipynb" and file["nested"] == "99_toy/99_toy.ipynb"
    assert "empty" not in file
    for name in ("ref", "untouched", "wrong", "raises", "cheat", "deleted", "warned", "copied"):
        assert (tmp_path / "feedback" / name / "99_toy.html").stat().st_size > 1000
    assert not (tmp_path / "feedback" / "old").exists(), "feedback holds this run's pages only"


def test_a_kernel_slow_to_say_it_is_idle_does_not_fail_grading(tmp_path):
    toy = _toy(tmp_path / "99_toy.ipynb", lesson_first=LATE_IDLE)
    out, course = tmp_path / "assignments", tmp_path / "grading"
    [student_path] = A.generate([toy], out=out, course=course)
    student = nbformat.read(student_path, as_version=4)
    source = nbformat.read(out / "99_toy" / "autograder" / "99_toy.ipynb", as_version=4)
    subs = tmp_path / "submissions"
    _submit(subs, "ref", _answer(student, source))
    rows = A.autograde(subs, course=course, grades=tmp_path / "grades.csv",
                       feedback=tmp_path / "feedback")
    assert [(r["points"], r["message"]) for r in rows] == [(1.0, "passed")] * 2


def test_a_hanging_exercise_costs_its_own_point_only(tmp_path, capsys):
    toy = _toy(tmp_path / "99_toy.ipynb")
    out, course = tmp_path / "assignments", tmp_path / "grading"
    [student_path] = A.generate([toy], out=out, course=course)
    student = nbformat.read(student_path, as_version=4)
    source = nbformat.read(out / "99_toy" / "autograder" / "99_toy.ipynb", as_version=4)
    subs = tmp_path / "submissions"
    _submit(subs, "hangs", _answer(student, source, {"exercise_1": "import time\ntime.sleep(600)"}))
    (subs / "nobody").mkdir()
    nbformat.write(student, subs / "nobody" / "98_other.ipynb")
    rows = A.autograde(subs, course=course, grades=tmp_path / "grades.csv",
                       feedback=tmp_path / "feedback", cell_timeout=15)
    got = {r["exercise"]: (r["points"], r["message"]) for r in rows}
    assert got[1][0] == 0.0 and "time limit of 15 s" in got[1][1], got
    assert got[2] == (1.0, "passed"), got
    err = capsys.readouterr().err
    assert "no grades for nobody" in err and "98_other.ipynb (not one of the assignments" in err


def test_pick_submissions_takes_one_file_per_assignment(tmp_path):
    (tmp_path / "a" / "sub").mkdir(parents=True)
    for name in ("99_toy (2).ipynb", "sub/99_toy.ipynb", "99_toy-Copy1.ipynb", "notes.ipynb"):
        (tmp_path / "a" / name).write_text("{}", encoding="utf-8")
    (tmp_path / "a" / ".ipynb_checkpoints").mkdir()
    (tmp_path / "a" / ".ipynb_checkpoints" / "99_toy-checkpoint.ipynb").write_text("{}")
    picked, ignored = A.pick_submissions(tmp_path / "a", ["99_toy"])
    assert picked == {"99_toy": tmp_path / "a" / "sub" / "99_toy.ipynb"}
    assert len(ignored) == 3 and any("notes.ipynb (not one of" in line for line in ignored)


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


def test_student_bundle_has_the_notebooks_and_library_and_no_solution(tmp_path):
    toy = _toy(tmp_path / "99_toy.ipynb")
    out = tmp_path / "assignments"
    A.generate([toy], out=out, course=tmp_path / "grading")
    where = A.bundle(tmp_path / "bundle", assignments=out)
    files = {p.relative_to(where).as_posix() for p in where.rglob("*") if p.is_file()}
    assert {"99_toy/99_toy.ipynb", "utils/__init__.py", "utils/exercises.py", "Makefile",
            "README.md", "pyproject.toml", "environment.yml"} <= files
    assert not any(f.startswith("utils/machinery") or "autograder" in f for f in files)
    kept = {p.relative_to(A.ROOT).as_posix() for p in (A.NOTEBOOK_DIR / "weights").rglob("*")
            if p.is_file()}
    assert kept and kept <= files      # the script-trained weights, where utils.pretrain looks
    text = "\n".join((where / f).read_text(encoding="utf-8") for f in files
                     if f.endswith((".ipynb", ".py", ".md", "Makefile")))
    assert "base ** 2" not in text and "BEGIN SOLUTION" not in text
    assert "make install" in (where / "README.md").read_text() and "lab:" in (where / "Makefile").read_text()
    A.bundle(where, assignments=out)                               # an earlier bundle is replaced
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("keep")
    with pytest.raises(A.FolderError):
        A.bundle(tmp_path / "mine", assignments=out)


CHEATS = [
    'get_ipython().input_transformers_post.append(lambda lines: ["pass\\n"])',
    "import importlib\nimportlib.reload = lambda m: m",
    "import utils\nutils.__path__.insert(0, '/tmp/fake')",
    "np.allclose = lambda *a, **k: True",
    "from utils import exercises, report\nreport.exercise_check = lambda *a, **k: None",
    "setattr(exercises, 'unblend', print)",
    "import sys\nsys.modules['utils.exercises'] = None",
    "np.__dict__['allclose'] = lambda *a, **k: True",
    "from utils import exercises\nexercises._FITS.clear()",
    "f = getattr(vae.Sampling.call, '__co' 'de__')",             # a dunder name spelled out
    "g = getattr(vae.Sampling.call, '__code__')",
    "import types\nf = types.FunctionType(print.__call__, {})",
    "from types import FunctionType",
    "from utils.vae import _log_bernoulli",
    "import inspect\nsrc = inspect.getsource(vae.Sampling.call)",
    "opt = keras.optimizers.Adam()\nopt.iterations.assign(100)\nf = lambda: opt.__wrapped__",
    # found by a helper told to pass the checks without the work (2026-12-07)
    "import IPython\nIPython.get_ipython().set_custom_exc((BaseException,), print)",
    "E = exercises\nE._fail = lambda *a, **k: None",
    "n = np\nn.allclose = lambda *a, **k: True",
    "recs = keras.Model.fit\nrecs = recs._ae_fits",
    "import weakref",
    # found by a helper (2026-12-08): a copy run in a worker thread escapes the check's profiler
    "from concurrent.futures import ThreadPoolExecutor",
    "import concurrent.futures",
    "import multiprocessing",
    "import subprocess",
    # and, the same day, ways around the scan as it then was (names built at run time, roots
    # the scan did not follow, IPython syntax it skipped)
    '_d = "_" * 2\nf = getattr(watermark.invert_blend, _d + "code" + _d)',
    'import sys\nfr = getattr(sys, "_getframe")(2)',
    'object.__setattr__(np, "allclose", lambda *a, **k: True)',
    "import os\nos.popen('python -c 1').read()",
    "import operator\nf = operator.attrgetter('f_locals')",
    "try:\n    raise RuntimeError\nexcept RuntimeError as e:\n    fr = e.__traceback__",
    "import traceback",
    "import sys\nsys.path.insert(0, '/tmp')",
    "[np][0].allclose = lambda *a, **k: True",
    "m = [np][0]\nm.allclose = print",
    "m = getattr(np, 'random')\nm.default_rng = print",
    "import runpy",
    "import sys\ntb = sys.exc_info()[2]",
    "from operator import attrgetter",
    "np.allclose = lambda *a, **k: True\n_ = !true",
    "%time np.allclose = lambda *a, **k: True",
    "%%time\nnp.allclose = lambda *a, **k: True",
    "%load_ext autoreload",
    "def f(:\n    pass",                                            # not Python: not read
]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_tampering_flags_the_machinery_cheats_and_no_reference_solution(path):
    source = A.autograder_notebook(nbformat.read(path, as_version=4))
    answered = nbformat.from_dict(json.loads(json.dumps(source)))
    for cell in answered.cells:
        if cell.metadata.get("nbgrader", {}).get("solution"):
            cell.source = "\n".join(l for l in cell.source.split("\n") if not l.startswith("### "))
    assert A.tampering(answered, source) == [], path.stem
    first = next(c for c in answered.cells if c.metadata.get("nbgrader", {}).get("solution"))
    keep = first.source
    for cheat in CHEATS:
        first.source = keep + "\n" + cheat
        assert A.tampering(answered, source), (path.stem, cheat)
    for harmless in ("from utils import exercises\nimport numpy as np",
                     "%matplotlib inline\n%time x = np.zeros(3)",
                     "class L(keras.layers.Layer):\n    def __init__(self):\n"
                     "        super().__init__()\n        self.w = 1",
                     "m = keras.Sequential([keras.layers.Dense(2)])\nm.trainable = False"):
        first.source = keep + "\n" + harmless
        assert A.tampering(answered, source) == [], (path.stem, harmless)
    import ast
    import builtins
    for ex in (e for e in A.exercises(source) if e.check is not None):
        check = ast.parse(source.cells[ex.check].source.split("### BEGIN HIDDEN")[0])
        lesson = {n.id for n in ast.walk(check) if isinstance(n, ast.Name)
                  and isinstance(n.ctx, ast.Load)} - {n.id for n in ast.walk(check) if isinstance(
                      n, ast.Name) and isinstance(n.ctx, ast.Store)} - set(ex.variables) - {
            "exercises", "report", "warnings"} - set(dir(builtins))
        for name in lesson:                          # a name of the lesson that the check reads
            for cheat in (f"{name} = None", f"from fake import thing as {name}"):
                first.source = keep + "\n" + cheat
                assert any(f"rebinds `{name}`" in f for f in A.tampering(answered, source)), \
                    (path.stem, cheat)
