"""Checks of notebook files and command lines, shared by the course machinery.

The runner, slides, website, assignments and launch links use them; the lesson library
never needs them.

Like ``utils._validate`` (whose helpers they use), each returns the value normalised or
raises a ``TypeError`` / ``ValueError`` naming the argument and what is expected.
"""

from __future__ import annotations

from .._validate import check_choice, check_str, describe

__all__ = ["check_cell", "check_notebook", "cell_source", "check_argv"]


NOTEBOOK_CELL_TYPES = ("markdown", "code", "raw")


def check_cell(name: str, cell):
    """A notebook cell: a mapping with ``cell_type`` (markdown, code or raw) and ``source``."""
    from collections.abc import Mapping

    if not isinstance(cell, Mapping):
        raise TypeError(f"{name} is {describe(cell)}; expected a notebook cell (a dict such "
                        "as nbformat.v4.new_markdown_cell gives).")
    if "cell_type" not in cell or "source" not in cell:
        raise ValueError(f"{name} has keys {sorted(cell)}; expected a notebook cell with "
                         "'cell_type' and 'source'.")
    check_choice(f"{name}['cell_type']", cell["cell_type"], NOTEBOOK_CELL_TYPES)
    return cell


def check_notebook(name: str, nb) -> list:
    """The cells of notebook ``nb`` (an nbformat notebook or its JSON dict), each checked."""
    from collections.abc import Mapping

    if not isinstance(nb, Mapping) or not isinstance(nb.get("cells"), list):
        raise TypeError(f"{name} is {describe(nb)}; expected a notebook (nbformat.read gives "
                        "one) with a list of cells.")
    return [check_cell(f"{name}.cells[{i}]", c) for i, c in enumerate(nb["cells"])]


def cell_source(name: str, cell) -> str:
    """A checked cell's source as one string (raw JSON may hold a list of lines)."""
    source = check_cell(name, cell)["source"]
    return "".join(source) if isinstance(source, list) else check_str(
        f"{name}['source']", source, allow_empty=True)


def check_argv(name: str, argv, example: str = "['--help']") -> list[str] | None:
    """A command line's arguments: ``None`` (use ``sys.argv[1:]``) or a list of strings."""
    if argv is None:
        return None
    if not isinstance(argv, (list, tuple)):
        raise TypeError(f"{name} is {describe(argv)}; expected a list of strings such as "
                        f"{example}, or None.")
    return [check_str(f"{name}[{i}]", a, allow_empty=True) for i, a in enumerate(argv)]
