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
CELL_TIMEOUT = 1800              # seconds a cell may run while grading (fast mode)
SOLUTION_TAG = "solution"
CHECK_CALL = "exercise_check("
BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
STUB = "# YOUR CODE HERE\nraise NotImplementedError()"
QUIET = "import warnings; warnings.simplefilter('ignore')   # (a warning must not cost the point)"
GRADES_COLUMNS = ("student", "notebook", "exercise", "points", "max_points", "message")


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
        check = (nxt if nxt is not None and CHECK_CALL in _source(cells[nxt])
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
            chk["source"] = f"{QUIET}\n{_source(chk)}"
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
    if done.returncode != 0 or "[ERROR]" in done.stderr or "| ERROR]" in done.stderr:
        raise AssignmentError(f"nbgrader {' '.join(args)} failed in {course}:\n"
                              + (done.stderr or done.stdout)[-3000:])


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
        ref = {c.metadata.get("nbgrader", {}).get("grade_id"): c.source for c in source.cells}
        first_checked = next(e for e in exercises(source) if e.check is not None)
        for variant in variants:
            nb = nbformat.reads(nbformat.writes(student), as_version=4)
            for cell in nb.cells:
                gid = cell.metadata.get("nbgrader", {}).get("grade_id")
                if not cell.metadata.get("nbgrader", {}).get("solution") or variant == "untouched":
                    continue
                cell.source = "\n".join(l for l in ref[gid].split("\n")
                                        if l not in (BEGIN, END))
                if variant == "wrong" and gid == first_checked.grade_id:
                    cell.source += f"\n{first_checked.variables[0]} = float('nan')   # a wrong answer"
                if variant == "raises" and gid == first_checked.grade_id:
                    cell.source = "raise RuntimeError('a bug in the submission')"
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


def _message(solution, check) -> str:
    """One line on how an exercise ran: "passed", or the check's error — after the error the
    student's own cell raised, when it raised one."""
    failed, raised = _error(check), _error(solution)
    if failed is None:
        return "passed"
    text = (f"your exercise cell raised {raised}; then the check: " if raised else "") + failed
    return text[:400]


def autograde(submissions, *, course: Path = BUILD / "grading", grades: Path = BUILD / "grades.csv",
              feedback: Path = BUILD / "feedback", mode: str = "fast") -> list[dict]:
    """Grade ``submissions/<student>/<name>.ipynb`` against the assignments ``generate`` set up
    in ``course``; write ``grades`` (CSV, ``GRADES_COLUMNS``) and ``feedback/<student>/<name>.html``,
    and return the rows.

    Every argument is checked before anyone is graded: ``mode`` is one of ``config.MODES``
    (the mode the submissions run in); ``course`` was made by ``generate``; ``feedback`` is
    new, empty or an earlier ``autograde``'s; ``grades`` is a new file or an earlier grades
    file; no student folder name has a pattern character."""
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
    own_file("grades", grades, ",".join(GRADES_COLUMNS))
    students = sorted(p for p in submissions.iterdir() if p.is_dir())
    for student_dir in students:
        if re.search(r"[][*?]", student_dir.name):
            raise AssignmentError(f"student folder {student_dir.name!r} has one of the "
                                  "characters [ ] * ?, which nbgrader reads as a pattern; "
                                  "rename it.")
    released = {p.name for p in (course / "source").iterdir() if p.is_dir()}
    for old in ("submitted", "autograded", "feedback"):      # this run's submissions only
        shutil.rmtree(course / old, ignore_errors=True)
    found: dict[str, list[str]] = {}
    failed: dict[tuple[str, str], str] = {}                  # (notebook, student) -> why
    skipped: list[str] = []
    for student_dir in students:
        student = student_dir.name
        for nb_path in sorted(student_dir.glob("*.ipynb")):
            if nb_path.stem not in released:
                skipped.append(f"{nb_path} (not one of the assignments: "
                               f"{', '.join(sorted(released))})")
                continue
            try:
                nbformat.read(nb_path, as_version=4)
            except Exception as err:  # noqa: BLE001 — any unreadable file gets its rows
                why = f"not a readable notebook ({type(err).__name__}: {err})"
                failed[(nb_path.stem, student)] = " ".join(why.split())[:300]
                continue
            dest = course / "submitted" / student / nb_path.stem
            dest.mkdir(parents=True)
            shutil.copy2(nb_path, dest / nb_path.name)
            found.setdefault(nb_path.stem, []).append(student)
    for line in skipped:
        print(f"skipped {line}", file=sys.stderr)
    if not found and not failed:
        raise AssignmentError(f"no submissions in {submissions}: expected "
                              "<student>/<notebook>.ipynb files.")
    env = dict(os.environ, AE_MODE=mode)
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for name, students in found.items():       # no score left from an earlier run
            for student in students:
                try:
                    gb.remove_submission(name, student)
                except Exception:  # noqa: BLE001 — nothing to remove
                    pass
    for name in sorted(found):
        for student in found[name]:                # one at a time: a crash costs one student
            try:
                _nbgrader(course, "autograde", name, f"--student={student}", env=env)
                _nbgrader(course, "generate_feedback", name, f"--student={student}", env=env)
            except AssignmentError as err:
                failed[(name, student)] = "grading failed: " + " ".join(str(err).split())[-300:]
    claim("feedback", feedback, FEEDBACK_COMMAND, default=BUILD / "feedback")
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
                                  message=failed[(name, student)]) for ex in checked]
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
                        message = _message(by_id.get(ex.grade_id, {}), by_id[gid])
                        if message == "passed" and score < grade.max_score:
                            message = "no points: " + _stderr(by_id[gid])
                    rows.append(dict(student=student, notebook=name, exercise=ex.number,
                                     points=score, max_points=float(grade.max_score),
                                     message=message))
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
