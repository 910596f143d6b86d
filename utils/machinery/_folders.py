"""Output folders: no command deletes or overwrites a folder it did not make.

Each command that writes a folder of its own (the website, its Sphinx sources, the
assignments, nbgrader's course folder, the feedback pages, the sample submissions, the
runner's build folder) first *claims* it with ``claim``:

- a path that does not exist yet is created, with a marker file (``MARKER``) that names the
  command;
- an existing empty folder is taken and marked the same way;
- a folder that holds the marker of the same command is the command's own earlier output,
  and may be replaced (so ``make site`` or ``make assignments`` can be run again);
- the command's default folder inside the repository's ``build/`` (git-ignored, emptied by
  ``make clean``) is taken as its own, marker or not (outputs of earlier versions);
- anything else — a folder with files the command did not write, a file — is refused with a
  ``FolderError`` that names the argument and the path and says what to do, before anything
  is written or deleted.

``own_file`` does the same for a single output file (the grades CSV): it is overwritten only
when it is one the command wrote (recognised by its first line).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from . import BUILD

MARKER = ".made-by-autoencoders-course"


class FolderError(ValueError):
    """An output folder or file that a command may not fill, replace or overwrite."""


def _owner(folder: Path) -> str | None:
    """The command named by ``folder``'s marker file (``None``: no marker)."""
    try:
        text = (folder / MARKER).read_text(encoding="utf-8")
    except OSError:
        return None
    first = text.split("\n", 1)[0].strip()
    return first or None


def _mark(folder: Path, command: str) -> None:
    (folder / MARKER).write_text(
        f"{command}\n# This folder was written by the autoencoders course's `{command}`; it "
        "may replace the folder's contents when run again. Delete this file to keep the "
        "folder from being replaced.\n", encoding="utf-8")


def _same(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return False


def is_own(folder: Path, command: str, *, default: Path | None = None,
           inside_build: bool = False) -> bool:
    """Whether the existing folder ``folder`` is ``command``'s own output: its marker names the
    command, it is the command's ``default`` folder, or (``inside_build``) it lies in the
    repository's ``build/``."""
    if _owner(folder) == command:
        return True
    if default is not None and _same(folder, default):
        return True
    if inside_build:
        try:
            return folder.resolve().is_relative_to(BUILD.resolve())
        except OSError:
            return False
    return False


def check_claim(name: str, folder: Path, command: str, *, default: Path | None = None,
                inside_build: bool = False) -> Path:
    """Raise ``FolderError`` unless ``claim`` would take ``folder``; change nothing (so a
    command can check all its output folders before it writes to any)."""
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise FolderError(f"{name} is {str(folder)!r}, which is a file, not a folder; "
                          "choose a new or empty folder.")
    if not folder.exists():
        return folder
    entries = sorted(p.name for p in folder.iterdir())
    if entries and not is_own(folder, command, default=default, inside_build=inside_build):
        shown = ", ".join(entries[:3]) + (", ..." if len(entries) > 3 else "")
        made_by = _owner(folder)
        whose = (f"it was written by `{made_by}`, not by `{command}`" if made_by else
                 f"`{command}` did not make it")
        raise FolderError(
            f"{name} is {str(folder)!r}, a folder that is not empty ({len(entries)} "
            f"entr{'y' if len(entries) == 1 else 'ies'}: {shown}) and {whose}, so its files "
            "might be lost: nothing was written or deleted. Choose an empty or new folder "
            "(or empty this one yourself).")
    return folder


def claim(name: str, folder: Path, command: str, *, default: Path | None = None,
          inside_build: bool = False) -> Path:
    """Make ``folder`` (the argument ``name``) a folder that ``command`` may fill and replace,
    or raise ``FolderError`` before anything is changed.

    Args:
        name: the argument the folder came from, for the message (``"out"``, ``"build"``).
        folder: the folder.
        command: who writes it (the marker's first line), e.g. ``"python -m
            utils.machinery.site (the website)"``.
        default: the command's default folder: taken as its own even without a marker.
        inside_build: any folder inside the repository's ``build/`` is taken as its own (the
            runner, which only adds and overwrites its own files, never deletes).
    """
    folder = check_claim(name, folder, command, default=default, inside_build=inside_build)
    if not folder.exists():
        folder.mkdir(parents=True)
        _mark(folder, command)
    elif _owner(folder) != command:
        _mark(folder, command)
    return folder


def replace(name: str, folder: Path, command: str, *, default: Path | None = None) -> Path:
    """``claim`` the folder, then empty it (its marker stays): a fresh folder for
    ``command``'s new output."""
    folder = claim(name, folder, command, default=default)
    for entry in folder.iterdir():
        if entry.name == MARKER:
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()
    return folder


def own_file(name: str, path: Path, first_line: str, *, earlier: tuple[str, ...] = ()) -> Path:
    """``path`` (the argument ``name``) is a file the caller may write: missing, empty, or
    one it wrote itself (its first line is ``first_line``, or one of ``earlier``: what older
    versions of the command wrote); else ``FolderError``."""
    path = Path(path)
    if path.is_dir():
        raise FolderError(f"{name} is {str(path)!r}, which is a folder; expected the path of "
                          "a file to write.")
    if path.exists():
        try:
            with path.open(encoding="utf-8", newline="") as f:
                head = f.readline().rstrip("\r\n")
        except (OSError, UnicodeDecodeError):
            head = None
        if path.stat().st_size and head != first_line and head not in earlier:
            raise FolderError(f"{name} is {str(path)!r}, an existing file that was not "
                              "written by this command (its first line is not "
                              f"{first_line!r}); nothing was overwritten. Choose a new file "
                              "name (or delete that file yourself).")
    return path
