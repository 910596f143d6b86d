"""Assignments: the notebooks' exercises as homework, autograded with nbgrader.

No Docker, no network.

``python -m utils.machinery.assignments generate`` (``make assignments``) turns every course notebook
into an nbgrader assignment and writes, per notebook, ``build/assignments/<name>/``:

- ``<name>.ipynb`` — the **student notebook**: each worked solution (a cell tagged
  ``solution``) replaced by a stub that names the task and the variables to set, followed by
  ``raise NotImplementedError()``; the solutions' and check cells' outputs cleared; every
  other stored output kept, so students can read the lesson before they run it;
- ``autograder/<name>.ipynb`` — the instructor's version nbgrader grades against: the
  solutions between ``### BEGIN SOLUTION`` / ``### END SOLUTION`` and, in each exercise's
  check cell (``report.exercise_check``, the graded test, ``POINTS`` points), the same test
  students see.

``python -m utils.machinery.assignments autograde SUBMISSIONS`` (``make autograde``) grades a folder
of submissions laid out as ``SUBMISSIONS/<student>/<name>.ipynb``: nbgrader executes each
one in fast mode (``AE_MODE=fast``) with the check cells restored from the autograder
version, and the results go to ``build/grades.csv`` — one row per student, notebook and
exercise: points, maximum and a one-line message (the check's own message when it failed)
— and ``build/feedback/<student>/<name>.html``. A submission that raises still gets its
rows (0 points, the error as the message), and so does a file that is not a readable
notebook (0 points, saying so).

nbgrader keeps its course folder (``source/``, ``release/``, ``submitted/``,
``autograded/``, the gradebook) in ``build/grading/``.
"""

from __future__ import annotations

import argparse
import copy
import csv
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from . import runner
from .. import config
from .._validate import check_choice, check_int, check_path
from ._folders import FolderError, check_claim, claim, is_own, own_file
from ._notebooks import cell_source, check_argv, check_notebook
from . import ROOT, NOTEBOOK_DIR, BUILD

# Who wrote a folder (the first line of its marker file, ``_folders.MARKER``): each command
# replaces or overwrites only what it made itself.
ASSIGNMENTS_COMMAND = "python -m utils.machinery.assignments generate (the assignments)"
COURSE_COMMAND = "python -m utils.machinery.assignments generate (nbgrader's course folder)"
FEEDBACK_COMMAND = "python -m utils.machinery.assignments autograde (the feedback pages)"
SAMPLES_COMMAND = "python -m utils.machinery.assignments samples (sample submissions)"

POINTS = 1                       # points per exercise that has a check cell
# Seconds one cell may run while a submission is graded (fast mode). The slowest course
# notebook takes about 90 s in fast mode on 2 cores, start to end; one cell may take five
# times that before it is stopped (a hanging exercise costs its own point, not the others).
CELL_TIMEOUT = 450
# Seconds the grader waits, after a cell's reply, for the kernel to say it is idle. nbgrader
# sets nbclient's 4 s and fails the whole submission past it; a busy machine (CI beside
# another job) is that slow now and then. The wait ends when the kernel is idle, so a long
# limit costs a healthy run nothing.
IOPUB_TIMEOUT = 120
SOLUTION_TAG = "solution"
CHECK_CALL = re.compile(r"\b(?:report\.exercise_check|exercises\.[a-z_]+)\(")
BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
STUB = "# YOUR CODE HERE\nraise NotImplementedError()"
QUIET = "import warnings; warnings.simplefilter('ignore')   # (a warning must not cost the point)"
GRADES_COLUMNS = ("student", "notebook", "exercise", "points", "max_points", "message", "file")
# The check cells run again, in nbgrader's hidden tests, with the lesson library's check
# modules reloaded from their files: a submission that replaced ``report.exercise_check`` (or
# an ``exercises`` check) with a function that does nothing still gets the real check.
FRESH_CHECKS = ("import importlib as _importlib\n"
                "report = _importlib.reload(_importlib.import_module('utils.report'))\n"
                "exercises = _importlib.reload(_importlib.import_module('utils.exercises'))")
HIDDEN = ("### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS")


class AssignmentError(ValueError):
    """A notebook or a folder of submissions cannot be turned into assignments or grades."""


@dataclass(frozen=True)
class Exercise:
    """One exercise of a notebook: its worked solution and, where it has one, its check cell
    (indices into the notebook's cells) and the ``my_*`` variables the check reads."""

    number: int
    solution: int
    check: int | None
    variables: tuple[str, ...]

    @property
    def grade_id(self) -> str:
        return f"exercise_{self.number}"


def _source(cell) -> str:
    return cell_source("cell", cell)


def _tags(cell) -> list[str]:
    return list(cell.get("metadata", {}).get("tags", []))


def _handed_over(solution: str, check: str) -> tuple[str, ...]:
    """The names the solution hands to its check: those it assigns and the check reads, in
    the check's order (e.g. ``my_ratio``, or a model the check re-scores), then the other
    ``my_*`` names it assigns (results the task asks for that the check does not read)."""
    import ast

    def parse(text):
        try:
            return ast.parse(text)
        except SyntaxError:
            return ast.parse("")

    assigned = {n.id for n in ast.walk(parse(solution))
                if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    assigned |= {n.name for n in ast.walk(parse(solution))
                 if isinstance(n, (ast.FunctionDef, ast.ClassDef))}
    tree = parse(check)
    own = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    read = [n.id for n in ast.walk(tree) if isinstance(n, ast.Name)
            and isinstance(n.ctx, ast.Load) and n.id not in own]
    mine = sorted(n for n in assigned if n.startswith("my_"))
    return tuple(dict.fromkeys([n for n in read if n in assigned or n.startswith("my_")] + mine))


def exercises(nb) -> list[Exercise]:
    """The exercises of notebook ``nb`` (an nbformat notebook or its JSON dict), in order.

    Each code cell tagged ``solution`` is one exercise; its check cell is the next code cell
    when that cell calls ``report.exercise_check`` and is not itself a solution. Raises
    ``AssignmentError`` when the notebook has no exercises.
    """
    cells = check_notebook("nb", nb)
    found = []
    for i, cell in enumerate(cells):
        if cell["cell_type"] != "code" or SOLUTION_TAG not in _tags(cell):
            continue
        nxt = next((j for j in range(i + 1, len(cells)) if cells[j]["cell_type"] == "code"), None)
        check = (nxt if nxt is not None and CHECK_CALL.search(_source(cells[nxt]))
                 and SOLUTION_TAG not in _tags(cells[nxt]) else None)
        names = _handed_over(_source(cell), _source(cells[check])) if check is not None else ()
        found.append(Exercise(len(found) + 1, i, check, names))
    if not found:
        raise AssignmentError("the notebook has no exercises: no code cell is tagged "
                              f"{SOLUTION_TAG!r}.")
    return found


def _stub_comment(ex: Exercise) -> str:
    task = f"# Exercise {ex.number}: your code (the task is in the Exercises section above)."
    if ex.variables:
        task += ("\n# Set " + ", ".join(f"`{v}`" for v in ex.variables)
                 + ": the check cell below reads " + ("it." if len(ex.variables) == 1 else "them."))
    return task


_SOLUTION_TEXT = (re.compile(r"\*Worked solution\*(?::| \(hidden[^)]*\):?)"),
                  re.compile(r"Worked solutions follow \(hidden; click to expand\)\."))
_STUDENT_TEXT = ("*Your answer* (in the cell below):",
                 "Write your answers in the cells below each exercise; the check cells test them.")
_NOTEBOOK_LINK = re.compile(r"\]\((\d\d_[a-z0-9_]+)\.ipynb\)")


def _student_text(text: str) -> str:
    """Markdown as the assignment shows it: no promise of a worked solution below, and links
    to other notebooks pointing at their assignment folders."""
    for pattern, words in zip(_SOLUTION_TEXT, _STUDENT_TEXT):
        text = pattern.sub(words, text)
    return _NOTEBOOK_LINK.sub(r"](../\1/\1.ipynb)", text)


def autograder_notebook(nb, *, points: int = POINTS):
    """The nbgrader *source* version of a course notebook: a copy of ``nb`` in which each
    solution is an nbgrader solution cell (its code between the solution markers, after a
    comment naming the task) and each check cell an autograded test worth ``points``; the
    outputs of both are cleared (they show the answers). Other cells are unchanged."""
    points = check_int("points", points, low=1)
    out = copy.deepcopy(nb)
    for cell in out["cells"]:
        if cell["cell_type"] == "markdown":
            cell["source"] = _student_text(_source(cell))
    for ex in exercises(out):
        sol = out["cells"][ex.solution]
        body = _source(sol).strip("\n")
        sol["outputs"], sol["execution_count"] = [], None
        meta = sol.setdefault("metadata", {})
        meta.pop("jupyter", None)          # students see the stub
        if ex.check is None:
            # not graded: an empty cell to write in, so that "Run all" goes on past it
            sol["source"] = (f"# Exercise {ex.number} (not graded): your code, if the task asks "
                             "for some (the task is in the Exercises section above).\n")
            meta.pop("nbgrader", None)
            continue
        sol["source"] = f"{_stub_comment(ex)}\n{BEGIN}\n{body}\n{END}"
        meta["nbgrader"] = dict(grade=False, solution=True, locked=False,
                                grade_id=ex.grade_id, schema_version=3)
        if ex.check is not None:
            chk = out["cells"][ex.check]
            chk["outputs"], chk["execution_count"] = [], None
            # nbgrader gives 0 points to a test cell that writes to stderr: a library warning
            # must not cost a correct answer its point
            visible = _source(chk).strip("\n")
            chk["source"] = (f"{QUIET}\n{visible}\n{HIDDEN[0]}\n{FRESH_CHECKS}\n{visible}\n"
                             f"{HIDDEN[1]}")
            chk.setdefault("metadata", {})["nbgrader"] = dict(
                grade=True, solution=False, locked=True, points=points,
                grade_id=f"{ex.grade_id}_check", schema_version=3)
    return out


def _nbgrader(course: Path, *args: str, env: dict | None = None) -> None:
    """Run nbgrader's command line in the course folder (its ``alembic`` beside it on PATH)."""
    bindir = str(Path(sys.executable).parent)
    run_env = dict(os.environ if env is None else env)
    run_env["PATH"] = bindir + os.pathsep + run_env.get("PATH", "")
    cmd = [sys.executable, "-m", "nbgrader", *args, "--force", "--log-level=WARN"]
    done = subprocess.run(cmd, cwd=course, env=run_env, capture_output=True, text=True)
    # a cell stopped at the time limit is logged as an error ("Interrupting kernel"), and
    # grading goes on with the next cell: that is the submission's error, not nbgrader's
    errors = [l for l in done.stderr.splitlines() if ("[ERROR]" in l or "| ERROR]" in l)
              and not re.search(r"Interrupting kernel|Timeout waiting for execute reply", l)]
    if done.returncode != 0 or errors:
        raise AssignmentError(f"nbgrader {' '.join(args)} failed in {course}:\n"
                              + (done.stderr or done.stdout)[-3000:])


def _feedback(course: Path, name: str, students: list[str], failed: dict, env: dict) -> None:
    """nbgrader's feedback pages of notebook ``name`` for ``students``, the ones autograded
    in this run (``autograde`` cleared the earlier runs' folders): one nbgrader run for all of
    them (a start of nbgrader costs seconds); where that fails, one run a student, so that a
    page that cannot be made costs its own student only (recorded in ``failed``)."""
    if len(students) > 1:
        try:
            _nbgrader(course, "generate_feedback", name, "--student=*", env=env)
            return
        except AssignmentError:
            pass
    for student in students:
        try:
            _nbgrader(course, "generate_feedback", name, f"--student={student}", env=env)
        except AssignmentError as err:
            failed[(name, student)] = "grading failed: " + _last_error(str(err))


def _write_config(course: Path) -> None:
    course.mkdir(parents=True, exist_ok=True)
    (course / "nbgrader_config.py").write_text(
        "c = get_config()\n"
        f"c.CourseDirectory.root = {str(course)!r}\n"
        "c.CourseDirectory.course_id = 'autoencoders'\n"
        # keep the lesson's stored outputs in the student notebooks (the solutions' and
        # check cells' outputs are cleared by autograder_notebook)
        "c.ClearOutput.enabled = False\n"
        f"c.ClearSolutions.code_stub = {{'python': {STUB!r}}}\n"
        f"c.Execute.timeout = {CELL_TIMEOUT}\n",
        encoding="utf-8")


def generate(notebooks, *, out: Path = BUILD / "assignments", course: Path = BUILD / "grading",
             points: int = POINTS) -> list[Path]:
    """Write the student notebook and the autograder version of each notebook (paths to
    ``.ipynb`` files named ``NN_name.ipynb``) to ``out/<name>/`` and set up nbgrader's course
    folder ``course``; return the student notebooks' paths.

    ``out`` and ``course`` must each be new, empty or made by an earlier ``generate`` (their
    default folders in ``build/`` too); a folder with other files is refused with a
    ``FolderError`` before anything is written."""
    import nbformat

    out, course = check_path("out", out), check_path("course", course)
    if isinstance(notebooks, (str, Path)) or not hasattr(notebooks, "__iter__"):
        raise TypeError(f"notebooks is {notebooks!r}; expected a list of notebook paths.")
    paths = [check_path(f"notebooks[{i}]", p) for i, p in enumerate(notebooks)]
    if not paths:
        raise AssignmentError("no notebooks given.")
    points = check_int("points", points, low=1)
    for path in paths:
        if not path.is_file():
            raise AssignmentError(f"notebook {path} does not exist.")
    if out.resolve() == course.resolve():
        raise FolderError(f"out and course are both {str(out)!r}; expected two folders.")
    check_claim("out", out, ASSIGNMENTS_COMMAND, default=BUILD / "assignments")
    check_claim("course", course, COURSE_COMMAND, default=BUILD / "grading")
    claim("out", out, ASSIGNMENTS_COMMAND, default=BUILD / "assignments")
    claim("course", course, COURSE_COMMAND, default=BUILD / "grading")
    _write_config(course)
    for path in paths:
        nb = autograder_notebook(nbformat.read(path, as_version=4), points=points)
        src = course / "source" / path.stem
        shutil.rmtree(src, ignore_errors=True)
        src.mkdir(parents=True)
        nbformat.write(nb, src / path.name)
    for path in paths:
        _nbgrader(course, "generate_assignment", path.stem)
    written = []
    for path in paths:
        dest = out / path.stem
        shutil.rmtree(dest, ignore_errors=True)
        (dest / "autograder").mkdir(parents=True)
        shutil.copy2(course / "release" / path.stem / path.name, dest / path.name)
        shutil.copy2(course / "source" / path.stem / path.name, dest / "autograder" / path.name)
        written.append(dest / path.name)
    return written


def _reference(code: str) -> str:
    return "\n".join(line for line in code.split("\n") if line not in (BEGIN, END))


def fill(student, source, changes: dict[str, str] | None = None):
    """A submission: the student notebook ``student`` with each exercise cell holding the
    worked solution of the autograder version ``source``, or ``changes[grade_id]`` (code) for
    the exercises named there (e.g. ``{"exercise_3": "my_ratio = 0.97"}``)."""
    import nbformat

    changes = dict(changes or {})
    nb = nbformat.reads(nbformat.writes(student), as_version=4)
    ref = {c.metadata.get("nbgrader", {}).get("grade_id"): c.source for c in source.cells}
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("solution"):
            gid = meta["grade_id"]
            cell.source = changes.pop(gid) if gid in changes else _reference(ref[gid])
    if changes:
        raise AssignmentError(f"changes name {sorted(changes)}, which are not exercise cells "
                              "of the notebook.")
    return nb


BUNDLE_COMMAND = "python -m utils.machinery.assignments generate (the student bundle)"

_BUNDLE_README = """# Autoencoders course: homework

The course's notebooks as homework: each folder holds one notebook whose exercises you
solve. The lessons are in the notebooks (their stored outputs are there to read before you
run them); the worked solutions are not. The lesson library the notebooks import (`utils/`)
comes with them.

## Set up and open the notebooks

You need Python 3.11 and `make` (Linux, macOS, or WSL on Windows); nothing else:

```bash
make install     # a virtual environment in .venv with the course's pinned packages (a few minutes)
make lab         # JupyterLab on the notebooks: http://127.0.0.1:8888/lab
```

`make lab PORT=8889` picks another port; `make lab IP=0.0.0.0` serves it from a container.
With conda instead: `conda env create -f environment.yml`, `conda activate autoencoders-course`,
`pip install -e . --no-deps`, then `jupyter lab`.

## Doing an exercise

Each exercise is a cell that starts with `# Exercise N: your code` and raises
`NotImplementedError`: replace that line with your code, run the cell, then run the check
cell below it. A check calls what you wrote on inputs of its own and prints
`✅ ...: passed`, or says what it expected. `make lab` runs the notebooks in fast mode (a few
minutes each on a laptop; grading uses it too); `make lab MODE=full` gives them the budget of
the stored results (much longer).

## Handing in

Hand in the notebook file itself (`NN_name.ipynb`; a copy named `NN_name (1).ipynb` is fine).
Your instructor grades it by running it from the top, in fast mode, with the check cells as
they were handed out.
"""

_BUNDLE_MAKEFILE = """# The homework's two commands: make install, make lab.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 8888
IP ?= 127.0.0.1
MODE ?= fast
export TF_CPP_MIN_LOG_LEVEL ?= 3
export TF_ENABLE_ONEDNN_OPTS ?= 0

.PHONY: install lab

$(STAMP): pyproject.toml
\t@$(PYTHON) -c 'import sys; v = sys.version_info[:2]; sys.exit(0 if v == (3, 11) else \\
\t\t"Python 3.11 is needed (found %d.%d at $(PYTHON)); run make PYTHON=/path/to/python3.11" % v)'
\ttest -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
\t$(BIN)/python -m pip install --quiet --upgrade pip
\t$(BIN)/python -m pip install --quiet -e .
\ttouch $(STAMP)

install: $(STAMP)

lab: $(STAMP)
\tAE_MODE=$(MODE) $(BIN)/jupyter lab . --ip=$(IP) --port=$(PORT)$(if \\
\t\t$(filter 0,$(shell id -u 2>/dev/null)), --allow-root)
"""


def bundle(out: Path = BUILD / "student-bundle", *,
           assignments: Path = BUILD / "assignments") -> Path:
    """Write the **student bundle** to ``out``: every student notebook of ``assignments`` (as
    ``generate`` wrote them, in ``<name>/<name>.ipynb``), the lesson library ``utils/``
    without the course's machinery, the weights that a script trained (``notebooks/weights/``,
    where the library looks for them), ``pyproject.toml`` and ``environment.yml``, and a
    Makefile and README of its own (``make install``, ``make lab``). No worked solution is
    in it. ``out`` must be new, empty or an earlier bundle. Returns ``out``."""
    out, assignments = check_path("out", out), check_path("assignments", assignments)
    folders = sorted(p for p in assignments.iterdir()
                     if p.is_dir() and (p / f"{p.name}.ipynb").is_file()) \
        if assignments.is_dir() else []
    if not folders:
        raise AssignmentError(f"no assignments in {assignments}: run `make assignments` first.")
    claim("out", out, BUNDLE_COMMAND, default=BUILD / "student-bundle")
    for old in out.iterdir():                        # ours (claimed): this bundle only
        if old.is_dir():
            shutil.rmtree(old)
        elif not old.name.startswith("."):
            old.unlink()
    for folder in folders:
        (out / folder.name).mkdir()
        shutil.copy2(folder / f"{folder.name}.ipynb", out / folder.name / f"{folder.name}.ipynb")
    shutil.copytree(ROOT / "utils", out / "utils",
                    ignore=shutil.ignore_patterns("machinery", "__pycache__", "*.pyc"))
    weights = NOTEBOOK_DIR / "weights"     # trained by a script: where utils.pretrain looks
    if weights.is_dir():
        shutil.copytree(weights, out / "notebooks" / "weights")
    for name in ("pyproject.toml", "environment.yml"):
        shutil.copy2(ROOT / name, out / name)
    (out / "README.md").write_text(_BUNDLE_README, encoding="utf-8")
    (out / "Makefile").write_text(_BUNDLE_MAKEFILE, encoding="utf-8")
    return out


def sample_submissions(out: Path, *, assignments: Path = BUILD / "assignments",
                       variants: tuple[str, ...] = ("reference", "untouched")) -> list[Path]:
    """Write sample submissions of every generated assignment to ``out/<student>/<name>.ipynb``
    for trying ``make autograde``: ``reference`` (the worked solutions filled in), ``untouched``
    (the student notebook as handed out), ``wrong`` (the reference with the first checked
    exercise's first variable set to NaN afterwards) and ``raises`` (that exercise's cell
    raising an error). Returns the files written.

    ``out`` must be new, empty or made by an earlier ``sample_submissions`` (which it adds
    to); a folder with other files is refused with a ``FolderError``."""
    import nbformat

    out, assignments = check_path("out", out), check_path("assignments", assignments)
    known = ("reference", "untouched", "wrong", "raises")
    if isinstance(variants, str) or not all(v in known for v in variants):
        raise ValueError(f"variants is {variants!r}; expected a tuple of {known}.")
    folders = sorted(p for p in assignments.iterdir() if p.is_dir()) if assignments.is_dir() else []
    if not folders:
        raise AssignmentError(f"no assignments in {assignments}: run `make assignments` first.")
    claim("out", out, SAMPLES_COMMAND)
    written = []
    for folder in folders:
        name = folder.name
        student = nbformat.read(folder / f"{name}.ipynb", as_version=4)
        source = nbformat.read(folder / "autograder" / f"{name}.ipynb", as_version=4)
        first_checked = next(e for e in exercises(source) if e.check is not None)
        for variant in variants:
            if variant == "untouched":
                nb = nbformat.reads(nbformat.writes(student), as_version=4)
            else:
                first = first_checked.grade_id
                code = _reference(next(c.source for c in source.cells
                                       if c.metadata.get("nbgrader", {}).get("grade_id") == first))
                change = {"wrong": code + f"\n{first_checked.variables[0]} = float('nan')"
                                          "   # a wrong answer",
                          "raises": "raise RuntimeError('a bug in the submission')"}
                nb = fill(student, source, {first: change[variant]} if variant in change else {})
            path = out / variant / f"{name}.ipynb"
            path.parent.mkdir(parents=True, exist_ok=True)
            nbformat.write(nb, path)
            written.append(path)
    return written


def _error(cell) -> str | None:
    for o in cell.get("outputs", []):
        if o.get("output_type") == "error":
            text = f"{o.get('ename', 'Error')}: {o.get('evalue', '')}".strip().rstrip(":")
            return " ".join(text.split())
    return None


def _stderr(cell) -> str:
    """What a check cell wrote to stderr (nbgrader gives such a cell no points)."""
    text = " ".join("".join(o.get("text", "")) for o in cell.get("outputs", [])
                    if o.get("output_type") == "stream" and o.get("name") == "stderr")
    return ("the check cell wrote to stderr: " + " ".join(text.split()))[:300] if text.strip() \
        else "the check cell did not run to its end"


def _last_error(text: str) -> str:
    """The line of nbgrader's output that names what went wrong (its last line mentioning an
    error), whole words, at most 300 characters."""
    lines = [" ".join(l.split()) for l in text.splitlines() if l.strip()]
    lines = [l for l in lines if "above traceback" not in l]   # nbgrader's pointer to it
    named = [l for l in lines if re.search(r"error|timeout|timed out", l, re.IGNORECASE)]
    line = (named or lines or ["nbgrader failed without a message"])[-1]
    return line if len(line) <= 300 else line[:297].rsplit(" ", 1)[0] + " …"


def _message(solution, check, timeout: int | None = None) -> str:
    """One line on how an exercise ran: "passed", or the check's error — after the error the
    student's own cell raised, when it raised one (a cell stopped after ``timeout`` seconds
    shows as an interrupt, and is named so)."""
    failed, raised = _error(check), _error(solution)
    if failed is None:
        return "passed"
    if raised and raised.startswith(("KeyboardInterrupt", "CellTimeoutError")) and timeout:
        raised = f"no result: it ran past the time limit of {timeout} s a cell and was stopped"
        return f"your exercise cell had {raised}; then the check: {failed}"[:400]
    text = (f"your exercise cell raised {raised}; then the check: " if raised else "") + failed
    return text[:400]


_COPY_SUFFIX = re.compile(r"^(?P<name>.+?)(?: ?\(\d+\)|-Copy\d*| copy(?: \d+)?|_copy\d*)$",
                          re.IGNORECASE)


def pick_submissions(student_dir: Path, released) -> tuple[dict[str, Path], list[str]]:
    """The notebook to grade for each assignment in ``student_dir``: a file anywhere below it
    (not in ``.ipynb_checkpoints``) named ``<name>.ipynb`` or a copy's name (``<name> (1)``,
    ``<name>-Copy1``, ``<name> copy``), for ``<name>`` in ``released``. Where there are several,
    the one named exactly ``<name>.ipynb`` nearest the top wins, else the newest. Returns
    ``({name: path}, [lines on the files left out])``."""
    if isinstance(released, (str, bytes)) or not hasattr(released, "__iter__"):
        raise TypeError(f"released is {released!r:.60}; expected a list of assignment names, "
                        "e.g. ['07_autoencoders_at_work'].")
    released = set(released)
    student_dir = check_path("student_dir", student_dir)
    candidates: dict[str, list[Path]] = {}
    ignored = []
    for path in sorted(student_dir.rglob("*.ipynb")):
        rel = path.relative_to(student_dir)
        if ".ipynb_checkpoints" in rel.parts:
            continue
        match = _COPY_SUFFIX.match(path.stem)
        name = path.stem if path.stem in released else match and match["name"].strip()
        if name not in released:
            ignored.append(f"{rel.as_posix()} (not one of the assignments: "
                           f"{', '.join(sorted(released))})")
            continue
        candidates.setdefault(name, []).append(path)
    picked = {}
    for name, paths in candidates.items():
        exact = [p for p in paths if p.stem == name]
        best = (min(exact, key=lambda p: (len(p.relative_to(student_dir).parts), str(p)))
                if exact else max(paths, key=lambda p: (p.stat().st_mtime, str(p))))
        picked[name] = best
        ignored += [f"{p.relative_to(student_dir).as_posix()} (graded "
                    f"{best.relative_to(student_dir).as_posix()} for {name} instead)"
                    for p in paths if p != best]
    return picked, ignored


def _gid(cell) -> str | None:
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")


def _visible(source: str) -> str:
    """A check cell's source as the student notebook shows it (no hidden tests, no QUIET)."""
    text = source.split(HIDDEN[0])[0] if HIDDEN[0] in source else source
    return "\n".join(l for l in text.strip("\n").split("\n") if l != QUIET).strip()


_TAMPER_NAMES = {"get_ipython", "importlib", "builtins", "__builtins__", "setattr", "delattr",
                 "exec", "eval", "compile", "__import__", "globals", "vars", "reload"}
_TAMPER_ATTRS = {"modules", "__path__", "__code__", "__dict__", "input_transformers_post",
                 "input_transformers_cleanup", "ast_transformers", "events", "__globals__",
                 "__closure__", "__defaults__", "__kwdefaults__", "__wrapped__", "f_globals",
                 "f_locals", "f_back", "FunctionType", "CodeType", "getprofile", "setprofile",
                 "settrace", "get_ipython", "set_custom_exc", "excepthook", "showtraceback",
                 "_ae_fits", "tb_frame", "gi_frame", "cr_frame", "f_code", "meta_path",
                 "path_hooks", "popen", "system", "spawnl", "spawnv", "execl", "execv", "fork",
                 "exc_info", "exception"}
# dunder attributes ordinary code uses (every other one reaches into the interpreter)
_PLAIN_DUNDERS = {"__init__", "__call__", "__name__", "__doc__"}
# IPython magics whose argument is ordinary Python (scanned like the rest of the cell) and
# magics that run nothing; any other magic, and a shell command (`!`), counts as tampering
_PYTHON_MAGICS = {"time", "timeit", "prun", "capture"}
_INERT_MAGICS = {"matplotlib", "config"}
# modules that reach into functions, frames and memory rather than compute a result
_TAMPER_MODULES = {"importlib", "builtins", "inspect", "types", "ctypes", "gc", "dis",
                   "marshal", "pickle", "dill", "cloudpickle", "threading", "IPython",
                   "ipykernel", "weakref",
                   # work run outside the check's view: another thread or process
                   "concurrent", "multiprocessing", "_thread", "subprocess", "asyncio",
                   "traceback", "runpy", "code", "codeop", "operator"}


def _parse(text: str, *, strict: bool = False):
    """A code cell's source as a Python syntax tree, IPython's syntax (``%magic``, ``!cmd``)
    turned into the Python IPython runs: the argument of a magic in ``_PYTHON_MAGICS`` is
    parsed in its place, an inert magic dropped, any other stays a ``get_ipython()`` call.
    A cell that is not Python: an empty tree, or ``None`` when ``strict``."""
    import ast

    from IPython.core.inputtransformer2 import TransformerManager

    def magic(node):            # get_ipython().run_line_magic / run_cell_magic('name', ...)
        call = node.value if isinstance(node, (ast.Expr, ast.Assign)) else None
        if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)
                and call.func.attr in ("run_line_magic", "run_cell_magic") and call.args
                and all(isinstance(a, ast.Constant) for a in call.args)):
            return None
        return [a.value for a in call.args]

    try:
        tree = ast.parse(TransformerManager().transform_cell(text))
    except SyntaxError:
        return None if strict else ast.parse("")
    body = []
    for node in tree.body:
        args = magic(node)
        if args is None:
            body.append(node)
        elif args[0] in _PYTHON_MAGICS:
            inner = _parse(args[-1], strict=True)   # the line, or the cell magic's body
            if inner is None:
                return None if strict else ast.parse("")
            body.extend(inner.body)
        elif args[0] not in _INERT_MAGICS:
            body.append(node)
    tree.body = body
    return tree


def _stored(tree) -> set[str]:
    """The names a cell's code binds: assignments, loop and ``with`` targets, functions,
    classes and imports."""
    import ast

    names = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)
             and isinstance(n.ctx, (ast.Store, ast.Del))}
    names |= {n.name for n in ast.walk(tree)
              if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))}
    names |= {(a.asname or a.name).split(".")[0] for n in ast.walk(tree)      # an import from
              if isinstance(n, (ast.Import, ast.ImportFrom)) for a in n.names   # elsewhere than
              if ((n.module if isinstance(n, ast.ImportFrom) else a.name) or "").split(".")[0]
              not in _LIBRARIES}                                                # the course's
    return names                                                                # libraries


_LIBRARIES = {"utils", "keras", "numpy", "scipy", "sklearn", "skimage", "matplotlib", "PIL"}


def tampering(nb, source) -> list[str]:
    """What the student's own code cells of ``nb`` (those not copied unchanged from the
    autograder version ``source``) do to the machinery that grades them: the IPython shell,
    ``importlib``, ``sys.modules``, a package's ``__path__`` or ``__dict__``,
    ``setattr``/``exec``/``eval``, IPython's exception hooks, the checks' records of training,
    a private name of an imported module (``models._x``) or one of its attributes assigned
    (``np.allclose = ...``, ``report.exercise_check = ...``; also through another name bound
    to the module, ``E = exercises``), or, in the exercises, a name
    of the lesson that a check reads rebound (``ae = ...`` where the check compares the
    student's model with the lesson's ``ae``); also another thread or process, an attribute
    looked up by a computed name, a dunder attribute other than ``_PLAIN_DUNDERS``,
    ``sys.path``, an IPython magic or shell command (``%time``'s Python is scanned like the
    rest) and a cell that is not Python. A check run inside the student's kernel cannot
    defend itself against such code, so a submission with any of it scores 0 (the instructor
    can read why in ``grades.csv``). Returns one line per finding, empty when there is none."""
    import ast

    cells = check_notebook("nb", nb)
    given = {_source(c).strip() for c in check_notebook("source", source)
             if c["cell_type"] == "code"}
    trees, imported, found_early = [], set(), []
    for i, cell in enumerate(cells):
        if cell["cell_type"] != "code":
            continue
        tree = _parse(_source(cell), strict=True)
        if tree is None:
            found_early.append(f"cell {i} is not Python the grader can read")
            continue
        imported |= {(a.asname or a.name).split(".")[0] for node in ast.walk(tree)
                     if isinstance(node, (ast.Import, ast.ImportFrom)) for a in node.names}
        if _source(cell).strip() not in given:
            trees.append((i, tree))
    # a name bound to an imported module or to one of its attributes (`E = exercises`,
    # `n = np`, `f = keras.Model.fit`) is watched like the module itself
    every = [_parse(_source(c)) for c in cells if c["cell_type"] == "code"]
    while True:
        more = {t.id for tree in every for node in ast.walk(tree) if isinstance(node, ast.Assign)
                and _reaches(node.value, imported)
                for t in node.targets if isinstance(t, ast.Name)} - imported
        if not more:
            break
        imported |= more
    # the lesson's names the checks read, which only the lesson may set (the exercises' own
    # results and whatever the worked solutions define are the student's to set)
    src_cells = check_notebook("source", source)
    exs = exercises(source)
    read, own = set(), {v for ex in exs for v in ex.variables}
    for ex in exs:
        own |= _stored(_parse(_source(src_cells[ex.solution])))
        if ex.check is not None:
            check = _parse(_source(src_cells[ex.check]))
            read |= {n.id for n in ast.walk(check) if isinstance(n, ast.Name)
                     and isinstance(n.ctx, ast.Load)} - _stored(check)
    start = next((k for k, c in enumerate(cells) if c["cell_type"] == "markdown"
                  and _source(c).lstrip().startswith("## Exercises")), 0)
    found = found_early
    for i, tree in trees:
        if i > start:
            for name in sorted((_stored(tree) & read) - own):
                found.append(f"cell {i} rebinds `{name}`, which a check reads from the lesson")
        for node in ast.walk(tree):
            if isinstance(node, ast.Name) and node.id in _TAMPER_NAMES:
                found.append(f"cell {i} uses {node.id}")
            elif isinstance(node, ast.Attribute) and node.attr in _TAMPER_ATTRS:
                found.append(f"cell {i} uses .{node.attr}")
            elif isinstance(node, ast.Import) and any(
                    a.name.split(".")[0] in _TAMPER_MODULES for a in node.names):
                found.append(f"cell {i} imports {node.names[0].name}")
            elif isinstance(node, ast.ImportFrom) and (
                    (node.module or "").split(".")[0] in _TAMPER_MODULES
                    or any(a.name in _TAMPER_MODULES for a in node.names)):
                found.append(f"cell {i} imports from {node.module}")
            elif isinstance(node, ast.ImportFrom) and any(a.name.startswith("_")
                                                          for a in node.names):
                found.append(f"cell {i} imports a private name from {node.module}")
            elif (isinstance(node, ast.Constant) and isinstance(node.value, str)
                  and (re.fullmatch(r"__\w+__|_[A-Za-z]\w*", node.value)
                       or node.value in _TAMPER_ATTRS)):
                found.append(f"cell {i} names {node.value!r}")      # getattr(f, "__code__")
            elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                  and node.func.id in ("getattr", "hasattr") and len(node.args) > 1
                  and not isinstance(node.args[1], ast.Constant)):
                found.append(f"cell {i} looks up an attribute by a computed name")
            elif (isinstance(node, ast.Attribute) and re.fullmatch(r"__\w+__", node.attr)
                  and node.attr not in _PLAIN_DUNDERS):
                found.append(f"cell {i} uses .{node.attr}")
            elif (isinstance(node, ast.Attribute) and node.attr == "path"
                  and isinstance(node.value, ast.Name) and node.value.id == "sys"):
                found.append(f"cell {i} uses sys.path")
            elif (isinstance(node, ast.Attribute) and isinstance(node.ctx, (ast.Store, ast.Del))
                  and not isinstance(_root(node), ast.Name)):
                found.append(f"cell {i} assigns {ast.unparse(node)}")   # [np][0].allclose = …
            elif isinstance(node, ast.Attribute):
                root = _root(node)
                if not (isinstance(root, ast.Name) and root.id in imported):
                    continue
                if isinstance(node.ctx, (ast.Store, ast.Del)):
                    found.append(f"cell {i} assigns {ast.unparse(node)}")
                elif node.attr.startswith("_"):        # a module's private state
                    found.append(f"cell {i} uses {ast.unparse(node)}")
    return list(dict.fromkeys(found))


def _reaches(node, names: set) -> bool:
    """Whether ``node`` evaluates to one of ``names`` or a part of one without computing
    anything new: an attribute chain, an item of a list or dict holding it (``[np][0]``), a
    conditional, or ``getattr`` on one; a call's result is something new."""
    import ast

    if isinstance(node, ast.Call):
        return (isinstance(node.func, ast.Name) and node.func.id == "getattr" and node.args
                and _reaches(node.args[0], names))
    if isinstance(node, ast.Name):
        return node.id in names
    if isinstance(node, (ast.Lambda, ast.ListComp, ast.SetComp, ast.DictComp,
                         ast.GeneratorExp)):
        return False
    return any(_reaches(child, names) for child in ast.iter_child_nodes(node))


def _root(node):
    """Where an attribute chain starts: ``a`` of ``a.b.c``, the list of ``[a][0].b``."""
    import ast

    while isinstance(node, ast.Attribute):
        node = node.value
    return node


def restore_checks(nb, source):
    """``nb`` (a submission, nbformat) with every check cell of ``source`` (the autograder
    version) in place and marked, so that nbgrader grades it: a check cell found by its
    ``grade_id`` is left for nbgrader to restore; one that lost its metadata (some editors
    drop it) is found by its content; one the student deleted or rewrote is put back right
    after the student's exercise cell (found by its ``grade_id``, its stub comment or, failing
    both, its position among the exercises). Returns a new notebook."""
    import nbformat

    out = nbformat.from_dict(copy.deepcopy(dict(nb)))
    src_cells = source["cells"]
    for ex in exercises(source):
        if ex.check is None:
            continue
        sol_id, chk_id = _gid(src_cells[ex.solution]), _gid(src_cells[ex.check])
        cells = out.cells
        if any(_gid(c) == chk_id for c in cells):
            continue
        wanted = _visible(_source(src_cells[ex.check]))
        same = [i for i, c in enumerate(cells) if c.cell_type == "code" and _gid(c) is None
                and _visible(_source(c)) == wanted]
        if same:
            cells[same[0]].metadata["nbgrader"] = copy.deepcopy(
                src_cells[ex.check]["metadata"]["nbgrader"])
            continue
        stub = f"# Exercise {ex.number}:"
        at = next((i for i, c in enumerate(cells) if _gid(c) == sol_id), None)
        if at is None:
            at = next((i for i, c in enumerate(cells) if c.cell_type == "code"
                       and _source(c).lstrip().startswith(stub)), None)
        if at is None:               # by position: after as many exercise cells as in source
            before = sum(1 for e in exercises(source) if e.number < ex.number)
            marks = [i for i, c in enumerate(cells) if (_gid(c) or "").endswith("_check")]
            at = marks[before - 1] if before and len(marks) >= before else len(cells) - 1
        restored = nbformat.from_dict(copy.deepcopy(dict(src_cells[ex.check])))
        restored.outputs, restored.execution_count = [], None
        cells.insert(at + 1, restored)
    return out


def autograde(submissions, *, course: Path = BUILD / "grading", grades: Path = BUILD / "grades.csv",
              feedback: Path = BUILD / "feedback", mode: str = "fast",
              cell_timeout: int = CELL_TIMEOUT) -> list[dict]:
    """Grade ``submissions/<student>/<name>.ipynb`` against the assignments ``generate`` set up
    in ``course``; write ``grades`` (CSV, ``GRADES_COLUMNS``) and ``feedback/<student>/<name>.html``,
    and return the rows.

    Every argument is checked before anyone is graded: ``mode`` is one of ``config.MODES``
    (the mode the submissions run in); ``course`` was made by ``generate``; ``feedback`` is
    new, empty or an earlier ``autograde``'s; ``grades`` is a new file or an earlier grades
    file; no student folder name has a pattern character; ``cell_timeout`` (seconds one
    cell may run, an int >= 1) is checked once the submissions are found.

    Each student folder may hold the notebooks anywhere below it (``<student>/<name>/``, as a
    zip unpacks) and under a browser's or Jupyter's name for a copy (``<name> (1).ipynb``,
    ``<name>-Copy1.ipynb``): ``pick_submissions`` takes one file per assignment, and the
    ``file`` column of the grades says which. Check cells a student deleted, edited or
    stripped of their metadata are restored (``restore_checks``). ``feedback`` is
    rewritten: it holds this run's pages only."""
    import nbformat
    from nbgrader.api import Gradebook

    submissions, course = check_path("submissions", submissions), check_path("course", course)
    grades, feedback = check_path("grades", grades), check_path("feedback", feedback)
    if not isinstance(mode, str):
        raise TypeError(f"mode is {mode!r:.60}; expected one of {config.MODES}, the mode the "
                        "submissions run in.")
    check_choice("mode", mode, config.MODES)
    if not submissions.is_dir():
        raise AssignmentError(f"submissions is {submissions}, which is not a folder; expected "
                              "a folder of <student>/<notebook>.ipynb.")
    if not (course / "gradebook.db").is_file():
        raise AssignmentError(f"no assignments in {course}: run `make assignments` first.")
    if not is_own(course, COURSE_COMMAND, default=BUILD / "grading"):
        raise FolderError(f"course is {str(course)!r}, which `generate` did not make (no "
                          "marker file in it); autograde rewrites its submitted/, autograded/ "
                          "and feedback/ folders, so it only grades in a course folder made "
                          "by `make assignments` / assignments.generate.")
    if submissions.resolve().is_relative_to(course.resolve()):
        raise FolderError(f"submissions is {str(submissions)!r}, inside the course folder "
                          f"{str(course)!r}, which autograde rewrites; keep the submissions "
                          "elsewhere.")
    check_claim("feedback", feedback, FEEDBACK_COMMAND, default=BUILD / "feedback")
    own_file("grades", grades, ",".join(GRADES_COLUMNS),
             earlier=(",".join(GRADES_COLUMNS[:-1]),))       # before the file column
    students = sorted(p for p in submissions.iterdir() if p.is_dir())
    for student_dir in students:
        if re.search(r"[][*?]", student_dir.name):
            raise AssignmentError(f"student folder {student_dir.name!r} has one of the "
                                  "characters [ ] * ?, which nbgrader reads as a pattern; "
                                  "rename it.")
    released = sorted(p.name for p in (course / "source").iterdir() if p.is_dir())
    for old in ("submitted", "autograded", "feedback"):      # this run's submissions only
        shutil.rmtree(course / old, ignore_errors=True)
    found: dict[str, list[str]] = {}
    failed: dict[tuple[str, str], str] = {}                  # (notebook, student) -> why
    files: dict[tuple[str, str], str] = {}                   # (notebook, student) -> file graded
    tampered: dict[tuple[str, str], str] = {}                # (notebook, student) -> what
    skipped: list[str] = []
    for student_dir in students:
        student = student_dir.name
        picked, ignored = pick_submissions(student_dir, released)
        skipped += [f"{student_dir.name}/{line}" for line in ignored]
        for name, nb_path in sorted(picked.items()):
            files[(name, student)] = nb_path.relative_to(student_dir).as_posix()
            try:
                nb = nbformat.read(nb_path, as_version=4)
                source = nbformat.read(course / "source" / name / f"{name}.ipynb", as_version=4)
                nb = restore_checks(nb, source)
                why = tampering(nb, source)
                if why:
                    tampered[(name, student)] = "; ".join(why)[:300]
            except Exception as err:  # noqa: BLE001 — any unreadable file gets its rows
                why = f"not a readable notebook ({type(err).__name__}: {err})"
                failed[(name, student)] = " ".join(why.split())[:300]
                continue
            dest = course / "submitted" / student / name
            dest.mkdir(parents=True)
            nbformat.write(nb, dest / f"{name}.ipynb")
            found.setdefault(name, []).append(student)
    for line in skipped:
        print(f"skipped {line}", file=sys.stderr)
    for student_dir in students:
        if not any(st == student_dir.name for _, st in files):
            print(f"no grades for {student_dir.name}: no notebook in {student_dir} is named "
                  f"like an assignment ({', '.join(released)}).", file=sys.stderr)
    if not found and not failed:
        raise AssignmentError(f"no submissions in {submissions}: expected "
                              "<student>/<notebook>.ipynb files.")
    cell_timeout = check_int("cell_timeout", cell_timeout, low=1)
    env = dict(os.environ, AE_MODE=mode)
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for name, students in found.items():       # no score left from an earlier run
            for student in students:
                try:
                    gb.remove_submission(name, student)
                except Exception:  # noqa: BLE001 — nothing to remove
                    pass
    for name in sorted(found):
        graded = []
        for student in found[name]:                # one at a time: a crash costs one student
            try:
                _nbgrader(course, "autograde", name, f"--student={student}",
                          f"--Execute.timeout={cell_timeout}",
                          f"--Execute.iopub_timeout={IOPUB_TIMEOUT}", env=env)
                graded.append(student)
            except AssignmentError as err:
                failed[(name, student)] = "grading failed: " + _last_error(str(err))
        _feedback(course, name, graded, failed, env)
    claim("feedback", feedback, FEEDBACK_COMMAND, default=BUILD / "feedback")
    for old in feedback.iterdir():                  # this run's pages only (the folder is ours)
        if old.is_dir():
            shutil.rmtree(old)
    rows: list[dict] = []
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        names = sorted(set(found) | {n for n, _ in failed})
        for name in names:
            source = nbformat.read(course / "source" / name / f"{name}.ipynb", as_version=4)
            checked = [ex for ex in exercises(source) if ex.check is not None]
            students = sorted(set(found.get(name, [])) | {st for n, st in failed if n == name})
            for student in students:
                if (name, student) in failed:
                    rows += [dict(student=student, notebook=name, exercise=ex.number, points=0.0,
                                  max_points=float(source.cells[ex.check].metadata["nbgrader"]["points"]),
                                  message=failed[(name, student)],
                                  file=files.get((name, student), "")) for ex in checked]
                    continue
                graded = nbformat.read(course / "autograded" / student / name / f"{name}.ipynb",
                                       as_version=4)
                by_id = {c.metadata.get("nbgrader", {}).get("grade_id"): c for c in graded.cells}
                for ex in checked:
                    gid = f"{ex.grade_id}_check"
                    grade = gb.find_grade(gid, name, name, student)
                    score = float(grade.score if grade.score is not None else 0.0)
                    if gid not in by_id:
                        message = "the check cell is missing from the submission"
                    else:
                        message = _message(by_id.get(ex.grade_id, {}), by_id[gid], cell_timeout)
                        if message == "passed" and score < grade.max_score:
                            message = "no points: " + _stderr(by_id[gid])
                    if (name, student) in tampered:
                        score, message = 0.0, ("0 points: the submission changes the grading "
                                               "machinery (" + tampered[(name, student)]
                                               + "); the instructor may review it")
                    rows.append(dict(student=student, notebook=name, exercise=ex.number,
                                     points=score, max_points=float(grade.max_score),
                                     message=message, file=files[(name, student)]))
                html = course / "feedback" / student / name / f"{name}.html"
                (feedback / student).mkdir(parents=True, exist_ok=True)
                if html.is_file():
                    shutil.copy2(html, feedback / student / f"{name}.html")
    grades.parent.mkdir(parents=True, exist_ok=True)
    with grades.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=GRADES_COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    return rows


def main(argv: list[str] | None = None) -> int:
    """The command line (``python -m utils.machinery.assignments generate|autograde ...``); ``argv``: its
    arguments as a list of strings (default ``sys.argv[1:]``)."""
    argv = check_argv("argv", argv, "['generate']")
    parser = argparse.ArgumentParser(prog="python -m utils.machinery.assignments", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    g = sub.add_parser("generate", help="write build/assignments/<notebook>/ for every notebook")
    g.add_argument("--only", nargs="+", help="notebook numbers or names, e.g. 06 07")
    a = sub.add_parser("autograde", help="grade SUBMISSIONS/<student>/<notebook>.ipynb")
    a.add_argument("submissions", type=Path)
    m = sub.add_parser("samples", help="sample submissions of the generated assignments")
    m.add_argument("out", type=Path, help="a new or empty folder (or earlier samples)")
    args = parser.parse_args(argv)
    try:
        if args.command == "generate":
            for path in generate(runner.select(runner.discover(NOTEBOOK_DIR), args.only)):
                print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
            where = bundle()
            print(f"wrote the student bundle (notebooks, lesson library, set-up; no solutions): "
                  f"{where.relative_to(ROOT) if where.is_relative_to(ROOT) else where}/")
        elif args.command == "samples":
            files = sample_submissions(args.out, variants=("reference", "untouched", "wrong", "raises"))
            print(f"wrote {len(files)} sample submissions to {args.out}/<student>/")
        else:
            rows = autograde(args.submissions)
            total = {}
            for r in rows:
                t = total.setdefault((r["student"], r["notebook"]), [0.0, 0.0])
                t[0] += r["points"]
                t[1] += r["max_points"]
            for (student, name), (got, most) in sorted(total.items()):
                print(f"{student:16s} {name:40s} {got:g} / {most:g}")
            print(f"grades: {BUILD / 'grades.csv'}; feedback: {BUILD / 'feedback'}/<student>/")
    except ValueError as err:            # AssignmentError, or --only naming no notebook
        print(f"error: {err}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
