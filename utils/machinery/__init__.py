"""The course's machinery: what builds, checks and hands out the course, not what teaches it.

No lesson module and no notebook imports from here. Modules:

- ``runner``       ``make course``: execute every notebook, collect ``build/results.json``
- ``judge``        judge recorded results against the bars of ``utils.bars``
- ``results_page`` ``RESULTS.md``: the measurements, written from ``build/results.json``
- ``slides``       ``make slides``: reveal.js decks of the notebooks
- ``site``         ``make site``: the offline course website
- ``assignments``  ``make assignments`` / ``make autograde``: nbgrader editions and grading
- ``launch``       Colab / Binder launch links from the repository URL
"""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent   # the repository
NOTEBOOK_DIR = ROOT / "notebooks"
BUILD = ROOT / "build"
