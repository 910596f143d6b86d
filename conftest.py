"""pytest set-up for the notebooks that nbval executes (``pytest notebooks``).

A notebook only records its headline numbers (its results cell writes them to
``$AE_RESULTS_DIR/<notebook>.json``); no cell asserts anything. Here every notebook gets one
more test item after its last cell, ``<notebook>::bars``, which judges what it recorded
against the bars of the current mode (``utils.machinery.judge``), as ``make course`` does.
"""

import os
import tempfile
from pathlib import Path

import pytest

RESULTS_ENV = "AE_RESULTS_DIR"


def pytest_configure(config):
    # A fresh folder per session, so that no earlier run's results can stand in for this one's
    # (the kernels nbval starts inherit this environment).
    os.environ[RESULTS_ENV] = tempfile.mkdtemp(prefix="ae-notebook-results-")


class BarsItem(pytest.Item):
    """Judges the results one notebook recorded against its bars."""

    def runtest(self):
        from utils import config
        from utils.machinery import judge

        mode = config.resolve_mode()
        path = Path(os.environ[RESULTS_ENV]) / f"{self.parent.path.stem}.json"
        missed = judge.problems_in_file(path, mode)
        if missed:
            raise AssertionError(f"{self.parent.path.name} missed its {mode}-mode bars: "
                                 + "; ".join(missed))

    def repr_failure(self, excinfo):
        return str(excinfo.value)

    def reportinfo(self):
        return self.path, None, f"{self.parent.path.name}::bars"


def pytest_collection_modifyitems(session, config, items):
    try:
        from nbval.plugin import IPyNbFile
    except ImportError:
        return
    out = []
    for i, item in enumerate(items):
        out.append(item)
        parent = item.parent
        last_of_file = i + 1 == len(items) or items[i + 1].parent is not parent
        if isinstance(parent, IPyNbFile) and last_of_file \
                and parent.path.stem[:2].isdigit():
            out.append(BarsItem.from_parent(parent, name="bars"))
    items[:] = out
