"""Judge a notebook's recorded results against the course's bars (``utils.bars``).

The notebooks only record their headline numbers (``report.Report``, written to
``$AE_RESULTS_DIR/<notebook>.json``); the runner behind ``make course`` and the notebook
tests (``notebooks/conftest.py``) call ``problems`` on what was written, so no cell in a
notebook has to assert anything.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

from .. import bars, config
from .._validate import check_choice, check_path, check_str, describe


def _fmt(v) -> str:
    return f"{v:.4g}" if isinstance(v, (int, float)) and not isinstance(v, bool) else str(v)


def problems(notebook: str, mode: str, recorded: dict | None, *,
             notebook_bars: dict | None = None) -> list[str]:
    """What keeps ``recorded`` (a notebook's results, as ``Report.as_dict`` gives them) from
    meeting the notebook's bars in ``mode``: each bar that was not recorded, and each one
    missed, with its value. An empty list means every bar was met.

    Args:
        notebook: the notebook's name, e.g. ``"01_basic_autoencoder"`` (a key of ``BARS``).
        mode: ``"fast"`` or ``"full"``; each mode has its own thresholds.
        recorded: the notebook's results, or ``None`` when it wrote none.
        notebook_bars: the bars to judge by (default ``utils.bars.BARS[notebook]``).
    """
    notebook = check_str("notebook", notebook)
    if notebook_bars is None:
        notebook_bars = bars.BARS[check_choice("notebook", notebook, sorted(bars.BARS))]
    mode = check_choice("mode", mode, config.MODES)
    if recorded is None:
        return ["no results were recorded (the results cell, report.Report, did not run)"]
    if not isinstance(recorded, dict):
        raise TypeError(f"recorded is {describe(recorded)}; expected the dict that "
                        "Report.as_dict() gives (or None).")
    metrics, notes = recorded.get("metrics", {}), recorded.get("notes", {})
    out = []
    for name, spec in notebook_bars.items():
        threshold = spec[mode]
        where = notes if threshold is None else metrics
        if name not in where and name not in metrics:
            out.append(f"{name}: not recorded")
            continue
        if threshold is None:
            continue                          # reported only, in this mode
        value = metrics[name].get("value")
        value = math.nan if value is None else value
        if not bars.passes(value, spec["op"], threshold):
            out.append(f"{name} = {_fmt(value)}, bar {spec['op']} {_fmt(threshold)}")
    return out


def problems_in_file(path: Path, mode: str) -> list[str]:
    """``problems`` for the results file a notebook wrote (``<folder>/<notebook>.json``); a
    missing file means nothing was recorded."""
    path = check_path("path", path)
    recorded = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None
    return problems(path.stem, mode, recorded)
