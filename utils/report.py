"""A notebook's headline results, shown against the course's bars; exercise checks.

A notebook's results cell, at its end, records each headline number it measured on
held-out data and shows them as a table::

    rep = report.Report(cfg)
    rep.record("linear_ae_mse_over_pca", ratio)
    rep          # shows the table: value, bar, passed

The bar (``<=`` or ``>=`` a threshold) comes from ``utils.bars`` for the current mode.
When ``AE_RESULTS_DIR`` is set (the course runner and the notebook tests set it), every
record also rewrites ``$AE_RESULTS_DIR/<notebook>.json``; the runner collects these into
``build/results.json`` and judges them against the bars (``utils.machinery.judge``).
Also here: ``Table`` (a small results table), ``show_code`` and ``exercise_check``.
"""

from __future__ import annotations

import html
import json
import math
import os
from pathlib import Path

import numpy as np

from ._validate import check_array, check_choice, check_int, check_real, check_str, describe
from .bars import NOTE_SHOWS, SHOWS, measured as _measured, passes, shows
from .config import Setup

RESULTS_DIR_ENV = "AE_RESULTS_DIR"


def _fmt(v: float) -> str:
    if v == 0 or 1e-3 <= abs(v) < 1e5:
        return f"{v:.4f}".rstrip("0").rstrip(".") if abs(v) < 10 else f"{v:.2f}"
    return f"{v:.2e}"


def show_code(obj) -> None:
    """Print the source of a function or class of ``utils`` without its docstring: "the
    model on the page" where a notebook reuses a builder instead of writing it inline."""
    import ast
    import inspect
    import textwrap

    if not (inspect.isfunction(obj) or inspect.isclass(obj) or inspect.ismethod(obj)):
        raise TypeError(f"obj is {describe(obj)}; expected a function, method or class.")
    lines = inspect.getsource(obj).splitlines()
    tree = ast.parse(textwrap.dedent("\n".join(lines)))
    drop = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(getattr(first, "value", None),
                                                          ast.Constant) \
                    and isinstance(first.value.value, str):
                drop.update(range(first.lineno - 1, first.end_lineno))
    print("\n".join(line for i, line in enumerate(lines) if i not in drop))


class ExerciseNotDone(AssertionError):
    """An exercise's check cell found the student's result outside the expected range."""


def exercise_check(what: str, value, *, low: float = -math.inf, high: float = math.inf,
                   hint: str = "") -> None:
    """The check cell of an exercise: print one line with a tick (not the value, which would
    give the answer away in a stored notebook) when ``low <= value <= high``; otherwise raise ``ExerciseNotDone`` saying what was expected (and ``hint``).

    Args:
        what: what the value is, e.g. ``"your linear AE's test MSE / PCA's"``.
        value: the student's measured number (NaN fails).
        low, high: the expected range (either may be left open).
        hint: one sentence on where to look when the result is outside it.
    """
    what, hint = check_str("what", what), check_str("hint", hint, allow_empty=True)
    low = low if low == -math.inf else check_real("low", low)
    high = high if high == math.inf else check_real("high", high)
    if low > high:
        raise ValueError(f"low is {low} and high is {high}; expected low <= high.")
    if value is None or value is Ellipsis:
        raise ExerciseNotDone(f"{what}: no result yet — run your exercise cell first.")
    value = _measured(f"value for {what!r}", value)
    expected = (f"between {_fmt(low)} and {_fmt(high)}" if math.isfinite(low)
                and math.isfinite(high) else f"≥ {_fmt(low)}" if math.isfinite(low)
                else f"≤ {_fmt(high)}")
    if not low <= value <= high:
        raise ExerciseNotDone(f"{what} = {_fmt(value)}; expected {expected}. {hint}".strip())
    print(f"✅ {what}: passed")  # not the value: a stored notebook must not give the answer away


class Report:
    """The headline metrics of one notebook run."""

    def __init__(self, cfg: Setup, data_source: str | None = None):
        """Args: cfg: what ``config.setup`` returned. data_source: the source the data were
        actually loaded from (``split.source``; ``auto`` may have fallen back), default
        ``cfg.data_source``."""
        if not isinstance(cfg, Setup):
            raise TypeError(f"cfg is {type(cfg).__name__}; expected the Setup that "
                            "config.setup() returned.")
        if data_source is not None:
            check_str("data_source", data_source)  # e.g. "mnist", or what notebook 05 names
        self.cfg = cfg
        self.data_source = data_source or cfg.data_source
        self.metrics: dict[str, dict] = {}
        self.notes: dict[str, dict] = {}

    def record(self, name: str, value) -> None:
        """Record ``value`` for the bar ``name`` (returns nothing, so a notebook cell that
        ends with it shows nothing; ``passed(name)`` says how it compares with the bar).

        Args:
            name: a bar of the notebook (``utils.bars.BARS``).
            value: the measured number (NaN is recorded and misses the bar).
        """
        op, threshold = self.cfg.bar(name)  # KeyError naming the bars when name is not one
        value = _measured(f"value for {name!r}", value)
        text = self.cfg.bars[name]["text"]
        if threshold is None:
            # A bar judged in full mode only (e.g. a quality level that fast mode's few
            # epochs cannot reach): reported as measured, not judged.
            self.notes[name] = dict(value=value, text=f"{text} (bar in full mode only)")
        else:
            self.metrics[name] = dict(value=value, op=op, bar=threshold,
                                      passed=passes(value, op, threshold), text=text,
                                      shows=shows(self.cfg.bars[name]))
        self._write()

    def passed(self, name: str) -> bool | None:
        """Whether the recorded value of bar ``name`` met it; ``None`` where the bar is
        judged in full mode only and this is fast mode."""
        self.cfg.bar(check_str("name", name))
        if name in self.metrics:
            return self.metrics[name]["passed"]
        if name in self.notes:
            return None
        raise KeyError(f"name is {name!r}; nothing was recorded for it yet "
                       f"(recorded: {sorted(self.metrics) + sorted(self.notes)}).")

    def note(self, name: str, value, text: str) -> None:
        """Record a measured number that has no bar (it is reported, not judged), e.g. a
        mean accuracy whose direction the notebook's conclusion must follow."""
        name = check_str("name", name)
        text = check_str("text", text)
        if name in self.cfg.bars:
            raise ValueError(f"name {name!r} has a bar; use record() for it.")
        value = _measured(f"value for {name!r}", value)
        self.notes[name] = dict(value=value, text=text)
        self._write()

    def as_dict(self) -> dict:
        cfg = self.cfg
        return dict(notebook=cfg.notebook, mode=cfg.mode, data_source=self.data_source,
                    backend=cfg.backend, seed=cfg.seed, metrics=self.metrics,
                    notes=self.notes)

    def _write(self) -> None:
        folder = os.environ.get(RESULTS_DIR_ENV)
        if not folder:
            return
        path = Path(folder) / f"{self.cfg.notebook}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.as_dict(), indent=2), encoding="utf-8")

    def rows(self) -> list[tuple[str, str, str, str, str]]:
        """(result, value, bar, judged, what the row shows) for every bar, then every note."""
        return ([(m["text"], _fmt(m["value"]), f"{m['op']} {_fmt(m['bar'])}",
                  "✅ passed" if m["passed"] else "❌ missed", SHOWS[m.get("shows", "working")])
                 for m in self.metrics.values()]
                + [(m["text"], _fmt(m["value"]), "—", "measured", NOTE_SHOWS)
                   for m in self.notes.values()])

    def __str__(self) -> str:
        head = ("result", "value", "bar", "", "shows")
        rows = [head] + self.rows()
        widths = [max(len(r[i]) for r in rows) for i in range(len(head))]
        lines = [f"{self.cfg.notebook} — {self.cfg.mode} mode, {self.data_source} data, "
                 f"{self.cfg.backend}"]
        lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows]
        return "\n".join(lines)

    def __repr__(self) -> str:
        return str(self)

    def _repr_html_(self) -> str:
        cells = "".join(
            "<tr>" + "".join(f"<td style='text-align:left'>{html.escape(c)}</td>" for c in r)
            + "</tr>" for r in self.rows())
        return (f"<p><b>{html.escape(self.cfg.notebook)}</b> — {self.cfg.mode} mode, "
                f"{self.data_source} data, {self.cfg.backend} backend</p>"
                "<table><tr><th>result</th><th>value</th><th>bar</th><th></th><th>shows</th></tr>"
                f"{cells}</table>")


class Table:
    """A small table that shows as HTML in a notebook and as text elsewhere.

    ``Table(rows)`` with ``rows`` a list of dicts sharing their keys (the columns); floats are
    shown with ``digits`` significant digits.
    """

    def __init__(self, rows: list[dict], *, digits: int = 4, title: str = ""):
        """Args: rows: a non-empty list of dicts with the same keys. digits: significant
        digits of floats (1 to 17). title: shown above the table ("" for none)."""
        if not isinstance(rows, (list, tuple)):
            raise TypeError(f"rows is {describe(rows)}; expected a list of dicts (one per "
                            "row).")
        if not rows:
            raise ValueError("rows is empty; expected a list of dicts (one per row).")
        for i, row in enumerate(rows):
            if not isinstance(row, dict):
                raise TypeError(f"rows[{i}] is {describe(row)}; expected a dict (column -> "
                                "value).")
        digits = check_int("digits", digits, low=1, high=17)
        title = check_str("title", title, allow_empty=True)
        rows = list(rows)
        self.columns = list(rows[0])
        for i, row in enumerate(rows):
            if list(row) != self.columns:
                raise ValueError(f"row {i} has columns {list(row)}; expected {self.columns}.")
        self.rows, self.digits, self.title = rows, digits, title

    def _cell(self, v) -> str:
        if isinstance(v, (float, np.floating)):  # NumPy's float32 means too
            return f"{float(v):.{self.digits}g}"
        if isinstance(v, (int, np.integer)) and type(v) not in (bool, np.bool_):
            return f"{int(v):,}"  # thousands separators; True stays True
        return str(v)

    def __str__(self) -> str:
        cells = [self.columns] + [[self._cell(r[c]) for c in self.columns] for r in self.rows]
        widths = [max(len(row[i]) for row in cells) for i in range(len(self.columns))]
        lines = [self.title] if self.title else []
        lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths)) for row in cells]
        return "\n".join(lines)

    __repr__ = __str__

    def _repr_html_(self) -> str:
        head = "".join(f"<th>{html.escape(c)}</th>" for c in self.columns)
        body = "".join("<tr>" + "".join(f"<td>{html.escape(self._cell(r[c]))}</td>"
                                        for c in self.columns) + "</tr>" for r in self.rows)
        title = f"<p><b>{html.escape(self.title)}</b></p>" if self.title else ""
        return f"{title}<table><tr>{head}</tr>{body}</table>"
