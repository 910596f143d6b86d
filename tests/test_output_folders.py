"""No command deletes or overwrites a folder (or file) it did not make (utils.machinery._folders):
the website and its sources, the assignments and nbgrader's course folder, the feedback pages
and grades, the sample submissions and the runner's build folder each refuse a folder with
someone else's files — which survive — and replace their own earlier output. ``autograde``
also refuses an unknown mode (or any other bad argument) before grading anyone."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import nbformat
import pytest

from utils.machinery import _folders, assignments as A, runner, site

REFUSED = "not empty .* so its files might be lost: nothing was written or deleted. Choose an empty or new folder"


def _foreign(folder: Path) -> Path:
    """A folder of someone else's: two files and a subfolder."""
    (folder / "thesis").mkdir(parents=True)
    (folder / "notes.txt").write_text("mine", encoding="utf-8")
    (folder / "thesis" / "chapter1.tex").write_text("mine too", encoding="utf-8")
    return folder


def _intact(folder: Path) -> None:
    assert (folder / "notes.txt").read_text(encoding="utf-8") == "mine"
    assert (folder / "thesis" / "chapter1.tex").read_text(encoding="utf-8") == "mine too"
    assert not (folder / _folders.MARKER).exists()


# --- the helpers ---------------------------------------------------------------------------

def test_claim_creates_marks_adopts_an_empty_folder_and_refuses_a_foreign_one(tmp_path):
    new = _folders.claim("out", tmp_path / "a" / "new", "cmd")
    assert new.is_dir() and (new / _folders.MARKER).read_text().startswith("cmd\n")
    empty = tmp_path / "empty"
    empty.mkdir()
    _folders.claim("out", empty, "cmd")
    assert (empty / _folders.MARKER).is_file()
    (new / "result.txt").write_text("x")
    assert _folders.claim("out", new, "cmd") == new                # its own: taken again
    with pytest.raises(_folders.FolderError, match="written by `cmd`, not by `other`"):
        _folders.claim("out", new, "other")                         # another command's
    foreign = _foreign(tmp_path / "foreign")
    with pytest.raises(_folders.FolderError, match=f"out is '{foreign}', a folder that is {REFUSED}"):
        _folders.claim("out", foreign, "cmd")
    _intact(foreign)
    (tmp_path / "file").write_text("x")
    with pytest.raises(_folders.FolderError, match="which is a file"):
        _folders.claim("out", tmp_path / "file", "cmd")


def test_replace_empties_only_its_own_folder(tmp_path):
    own = _folders.claim("out", tmp_path / "own", "cmd")
    (own / "old").mkdir()
    (own / "old" / "page.html").write_text("x")
    _folders.replace("out", own, "cmd")
    assert sorted(p.name for p in own.iterdir()) == [_folders.MARKER]
    foreign = _foreign(tmp_path / "foreign")
    with pytest.raises(_folders.FolderError):
        _folders.replace("out", foreign, "cmd")
    _intact(foreign)


def test_own_file_overwrites_only_a_file_it_wrote(tmp_path):
    mine = tmp_path / "grades.csv"
    mine.write_text("a,b\n1,2\n")
    assert _folders.own_file("grades", mine, "a,b") == mine
    other = tmp_path / "thesis.csv"
    other.write_text("year,title\n")
    with pytest.raises(_folders.FolderError, match="grades is .*thesis.csv', an existing file "
                                                   "that was not written by this command"):
        _folders.own_file("grades", other, "a,b")
    with pytest.raises(_folders.FolderError, match="which is a folder"):
        _folders.own_file("grades", tmp_path, "a,b")


# --- the website ---------------------------------------------------------------------------

def test_write_sources_refuses_a_foreign_folder_and_replaces_its_own(tmp_path):
    foreign = _foreign(tmp_path / "foreign")
    with pytest.raises(_folders.FolderError, match=f"src is '{foreign}', a folder that is {REFUSED}"):
        site.write_sources(foreign, build=tmp_path / "no-build", vendor=False)
    _intact(foreign)
    src = tmp_path / "src"
    site.write_sources(src, build=tmp_path / "no-build", vendor=False)
    (src / "stale.md").write_text("from an older run")
    site.write_sources(src, build=tmp_path / "no-build", vendor=False)     # again: fine
    assert (src / "index.md").is_file() and not (src / "stale.md").exists()
    assert (src / _folders.MARKER).read_text().startswith(site.SOURCES_COMMAND)


def test_build_site_and_the_command_line_refuse_a_foreign_out_before_writing(tmp_path, capsys):
    foreign = _foreign(tmp_path / "foreign")
    src = tmp_path / "src"
    with pytest.raises(_folders.FolderError, match=f"out is '{foreign}'"):
        site.build_site(foreign, src)
    assert not src.exists()                          # nothing written, not even the sources
    assert site.main(["--out", str(foreign)]) == 2
    assert "Choose an empty or new folder" in capsys.readouterr().err
    _intact(foreign)
    with pytest.raises(_folders.FolderError, match=f"src is '{foreign}'"):
        site.build_site(tmp_path / "out", foreign)
    assert not (tmp_path / "out").exists()
    _intact(foreign)
    with pytest.raises(_folders.FolderError, match="out and src are both"):
        site.build_site(tmp_path / "same", tmp_path / "same")


# --- assignments, grading, samples ---------------------------------------------------------

def _toy(path: Path) -> Path:
    """A notebook with one checked exercise."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    sol = nbformat.v4.new_code_cell("my_x = 3", metadata=dict(tags=["solution"]))
    chk = nbformat.v4.new_code_cell('from utils import report\n'
                                    'report.exercise_check("x", my_x, low=3, high=3)')
    nb.cells = [nbformat.v4.new_markdown_cell("# 99 · Toy"), sol, chk]
    nbformat.write(nb, path)
    return path


def test_generate_refuses_foreign_folders_before_writing(tmp_path):
    toy = _toy(tmp_path / "99_toy.ipynb")
    foreign = _foreign(tmp_path / "foreign")
    with pytest.raises(_folders.FolderError, match=f"out is '{foreign}', a folder that is {REFUSED}"):
        A.generate([toy], out=foreign, course=tmp_path / "grading")
    assert not (tmp_path / "grading").exists()
    with pytest.raises(_folders.FolderError, match=f"course is '{foreign}'"):
        A.generate([toy], out=tmp_path / "assignments", course=foreign)
    assert not (tmp_path / "assignments").exists()
    _intact(foreign)
    with pytest.raises(_folders.FolderError, match="out and course are both"):
        A.generate([toy], out=tmp_path / "x", course=tmp_path / "x")
    with pytest.raises(ValueError, match="points is 0"):
        A.generate([toy], out=tmp_path / "assignments", course=tmp_path / "grading", points=0)
    assert not (tmp_path / "grading").exists()


def test_sample_submissions_refuse_a_foreign_folder(tmp_path):
    (tmp_path / "assignments" / "99_toy").mkdir(parents=True)
    foreign = _foreign(tmp_path / "foreign")
    with pytest.raises(_folders.FolderError, match=f"out is '{foreign}'"):
        A.sample_submissions(foreign, assignments=tmp_path / "assignments")
    _intact(foreign)


@pytest.mark.parametrize("mode, error, match", [
    ("slow", ValueError, r"mode is 'slow'; expected one of \('fast', 'full'\)"),
    ("", ValueError, "mode is ''"),
    (None, TypeError, "mode is None"),
])
def test_autograde_refuses_an_unknown_mode_before_grading(tmp_path, mode, error, match):
    (tmp_path / "subs" / "ann").mkdir(parents=True)
    with pytest.raises(error, match=match):
        A.autograde(tmp_path / "subs", course=tmp_path / "course", mode=mode,
                    grades=tmp_path / "grades.csv", feedback=tmp_path / "feedback")
    assert not (tmp_path / "grades.csv").exists() and not (tmp_path / "feedback").exists()


def _fake_course(folder: Path, *, marked: bool) -> Path:
    """A folder that looks like nbgrader's course folder (a gradebook, submitted work)."""
    (folder / "source" / "99_toy").mkdir(parents=True)
    (folder / "submitted" / "bob").mkdir(parents=True)
    (folder / "submitted" / "bob" / "keep.txt").write_text("bob's work")
    (folder / "gradebook.db").write_bytes(b"")
    if marked:
        _folders._mark(folder, A.COURSE_COMMAND)
    return folder


def test_autograde_refuses_folders_and_files_it_did_not_make(tmp_path):
    subs = tmp_path / "subs"
    (subs / "ann").mkdir(parents=True)
    course = _fake_course(tmp_path / "their-course", marked=False)
    with pytest.raises(_folders.FolderError, match="course is .*which `generate` did not make"):
        A.autograde(subs, course=course, grades=tmp_path / "g.csv", feedback=tmp_path / "fb")
    assert (course / "submitted" / "bob" / "keep.txt").read_text() == "bob's work"

    course = _fake_course(tmp_path / "course", marked=True)
    foreign = _foreign(tmp_path / "foreign")
    with pytest.raises(_folders.FolderError, match=f"feedback is '{foreign}'"):
        A.autograde(subs, course=course, grades=tmp_path / "g.csv", feedback=foreign)
    _intact(foreign)
    thesis = tmp_path / "thesis.csv"
    thesis.write_text("year,title\n2024,mine\n")
    with pytest.raises(_folders.FolderError, match="grades is .*thesis.csv', an existing file"):
        A.autograde(subs, course=course, grades=thesis, feedback=tmp_path / "fb")
    assert thesis.read_text() == "year,title\n2024,mine\n"
    with pytest.raises(_folders.FolderError, match="inside the course folder"):
        A.autograde(course / "submitted", course=course, grades=tmp_path / "g.csv",
                    feedback=tmp_path / "fb")
    (subs / "Doe [1]").mkdir()
    with pytest.raises(A.AssignmentError, match="rename it"):
        A.autograde(subs, course=course, grades=tmp_path / "g.csv", feedback=tmp_path / "fb")
    # none of these refusals touched the course folder or wrote anything
    assert (course / "submitted" / "bob" / "keep.txt").read_text() == "bob's work"
    assert not (tmp_path / "g.csv").exists() and not (tmp_path / "fb").exists()


def test_generate_and_autograde_run_again_into_their_own_folders(tmp_path):
    """The tool's own earlier output is replaced (make assignments / make autograde twice)."""
    toy = _toy(tmp_path / "99_toy.ipynb")
    out, course = tmp_path / "assignments", tmp_path / "grading"
    A.generate([toy], out=out, course=course)
    (out / "99_toy" / "stale.txt").write_text("from an older run")
    [student] = A.generate([toy], out=out, course=course)
    assert student.is_file() and not (out / "99_toy" / "stale.txt").exists()
    subs = tmp_path / "subs"
    (subs / "ann").mkdir(parents=True)
    nbformat.write(nbformat.read(student, as_version=4), subs / "ann" / "99_toy.ipynb")
    for _ in range(2):
        rows = A.autograde(subs, course=course, grades=tmp_path / "grades.csv",
                           feedback=tmp_path / "feedback")
        assert [(r["student"], r["points"]) for r in rows] == [("ann", 0.0)]
    with open(tmp_path / "grades.csv", newline="", encoding="utf-8") as f:
        assert len(list(csv.DictReader(f))) == 1
    assert (tmp_path / "feedback" / _folders.MARKER).is_file()


# --- the runner ----------------------------------------------------------------------------

def test_runner_refuses_a_foreign_build_folder(tmp_path, capsys):
    nbs = tmp_path / "notebooks"
    nbs.mkdir()
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")])
    nbformat.write(nb, nbs / "01_a.ipynb")
    foreign = _foreign(tmp_path / "foreign")
    assert runner.main(["--notebooks", str(nbs), "--build", str(foreign), "--mode", "fast"]) == 2
    assert f"--build is '{foreign}', a folder that is not empty" in capsys.readouterr().err
    with pytest.raises(_folders.FolderError, match=f"build is '{foreign}'"):
        runner.run_notebook(nbs / "01_a.ipynb", foreign, "fast")
    with pytest.raises(_folders.FolderError, match=f"build is '{foreign}'"):
        runner.write_results([runner.NotebookRun(notebook="01_a")], foreign)
    with pytest.raises(_folders.FolderError, match=f"build is '{foreign}'"):
        runner.write_index([runner.NotebookRun(notebook="01_a")], foreign)
    _intact(foreign)
    build = tmp_path / "build"
    for _ in range(2):                             # its own folder: written again
        runner.write_results([runner.NotebookRun(notebook="01_a")], build)
        runner.write_index([runner.NotebookRun(notebook="01_a")], build)
    assert json.loads((build / "results.json").read_text())["notebooks"]["01_a"]
    assert (build / _folders.MARKER).read_text().startswith(runner.RUNNER_COMMAND)
