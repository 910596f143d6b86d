"""The course runner on small stand-in notebooks (a real kernel, no TensorFlow)."""

import json

import nbformat
import pytest

from utils import config, course

NB = "01_basic_autoencoder"
RECORD_ALL = f"""
from utils import config, report
cfg = config.Setup(notebook={NB!r}, mode="fast", seed=0, data_source="embedded",
                   backend="tensorflow", budget={{}}, bars=config.BARS[{NB!r}])
rep = report.Report(cfg)
for name, spec in config.BARS[{NB!r}].items():
    rep.record(name, spec["fast"])
rep.check()
"""


def _write(path, *sources):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# t")]
                                  + [nbformat.v4.new_code_cell(s) for s in sources])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nbformat.write(nb, path)


@pytest.fixture
def notebooks(tmp_path):
    folder = tmp_path / "notebooks"
    folder.mkdir()
    _write(folder / f"{NB}.ipynb", "x = 1", RECORD_ALL)
    _write(folder / "02_broken.ipynb", "y = 2", "raise ValueError('boom')", "z = 3")
    (folder / "notes.ipynb").write_text("{}")  # not a course notebook: ignored
    return folder


def test_discover_and_select(notebooks):
    paths = course.discover(notebooks)
    assert [p.name for p in paths] == [f"{NB}.ipynb", "02_broken.ipynb"]
    assert course.select(paths, ["02"]) == paths[1:]
    assert course.select(paths, [NB, "01"]) == paths[:1]
    with pytest.raises(ValueError, match="--only '07' matches no notebook"):
        course.select(paths, ["07"])
    with pytest.raises(FileNotFoundError, match="is not a folder"):
        course.discover(notebooks / "missing")


def test_main_runs_all_reports_failure_by_cell_and_builds(notebooks, tmp_path, capsys):
    build = tmp_path / "build"
    code = course.main(["--notebooks", str(notebooks), "--build", str(build), "--mode", "fast",
                        "--timeout", "120"])
    assert code == 1
    out = capsys.readouterr()
    assert "02_broken: failed (cell 2: ValueError)" in out.out
    assert "FAILED: 02_broken" in out.err
    results = json.loads((build / "results.json").read_text())["notebooks"]
    assert results[NB]["status"] == "passed" and results[NB]["mode"] == "fast"
    assert results[NB]["wall_time_s"] > 0
    assert set(results[NB]["metrics"]) == set(config.BARS[NB])
    assert all(m["passed"] for m in results[NB]["metrics"].values())
    assert results["02_broken"]["status"] == "failed"
    assert results["02_broken"]["error"]["cell"] == 2
    assert results["02_broken"]["error"]["ename"] == "ValueError"
    for name in (NB, "02_broken"):
        assert (build / f"{name}.html").stat().st_size > 1000
        executed = nbformat.read(build / f"{name}.ipynb", as_version=4)
        assert executed.cells[1].execution_count == 1
    index = (build / "index.html").read_text()
    assert index.index(NB) < index.index("02_broken") and "✅" in index


def test_notebook_without_results_fails(notebooks, tmp_path):
    _write(notebooks / "03_silent.ipynb", "pass")
    run = course.run_notebook(notebooks / "03_silent.ipynb", tmp_path / "b", "fast", timeout=60)
    assert run.status == "failed" and run.error["ename"] == "NoResults"


def test_store_writes_outputs_back_only_when_passing(notebooks, tmp_path):
    good, bad = notebooks / f"{NB}.ipynb", notebooks / "02_broken.ipynb"
    before_bad = bad.read_text()
    course.run_notebook(good, tmp_path / "b", "fast", timeout=60, store=True)
    course.run_notebook(bad, tmp_path / "b", "fast", timeout=60, store=True)
    assert nbformat.read(good, as_version=4).cells[1].execution_count == 1
    assert bad.read_text() == before_bad
