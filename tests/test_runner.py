"""The course runner on small stand-in notebooks (a real kernel, no TensorFlow)."""

import json
import os
import signal
import sys
import time
from importlib.metadata import version

import nbformat
import pytest

from utils import bars, config
from utils.machinery import runner as course

NB = "01_basic_autoencoder"
RECORD_ALL = f"""
from utils import bars, config, report
cfg = config.Setup(notebook={NB!r}, mode="fast", seed=0, data_source="embedded",
                   backend="tensorflow", bars=bars.BARS[{NB!r}])
rep = report.Report(cfg)
for name, spec in bars.BARS[{NB!r}].items():
    rep.record(name, spec["fast"])
"""


def _write(path, *sources):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# t")]
                                  + [nbformat.v4.new_code_cell(s) for s in sources])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nbformat.write(nb, path)


def _gone(pid, seconds=5.0):
    """Whether process ``pid`` has exited within ``seconds``."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.1)
    return False


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
    with pytest.raises(ValueError, match="--only '08' matches no notebook"):
        course.select(paths, ["08"])
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
    times = results[NB]["cell_times_s"]   # every code cell timed, inside the notebook's time
    nb = json.loads((notebooks / f"{NB}.ipynb").read_text())
    code_cells = [i for i, c in enumerate(nb["cells"]) if c["cell_type"] == "code"]
    assert list(times) == [f"cell {i}" for i in code_cells]
    assert all(t >= 0 for t in times.values())
    assert sum(times.values()) <= results[NB]["wall_time_s"]
    heads = results[NB]["cell_heads"]          # and named by their first lines
    assert list(heads) == list(times)
    assert all(heads[f"cell {i}"] == course._first_line("".join(nb["cells"][i]["source"]))
               for i in code_cells)
    assert f"{NB}: PASSED" in out.out and "    slowest cells: cell " in out.out
    assert set(results[NB]["metrics"]) == set(bars.BARS[NB])
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
    assert run.status == "failed" and run.error["ename"] == "BarsMissed"
    assert "no results were recorded" in run.error["evalue"]


def test_store_writes_outputs_back_only_when_passing(notebooks, tmp_path):
    good, bad = notebooks / f"{NB}.ipynb", notebooks / "02_broken.ipynb"
    before_bad = bad.read_text()
    course.run_notebook(good, tmp_path / "b", "fast", timeout=60, store=True)
    course.run_notebook(bad, tmp_path / "b", "fast", timeout=60, store=True)
    assert nbformat.read(good, as_version=4).cells[1].execution_count == 1
    assert bad.read_text() == before_bad


def test_runner_uses_this_interpreter_not_the_first_kernelspec(notebooks, tmp_path, monkeypatch,
                                                               capfd):
    """A broken user-wide ``python3`` kernelspec first on JUPYTER_PATH is not used; the
    kernel's warnings go to its log, not the terminal; os.environ is left as it was."""
    spec = tmp_path / "jupyter" / "kernels" / "python3"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps(
        {"argv": ["/nonexistent/python", "-m", "ipykernel_launcher", "-f", "{connection_file}"],
         "display_name": "broken", "language": "python"}))
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    monkeypatch.delenv(course.RESULTS_DIR_ENV, raising=False)
    before = dict(os.environ)
    build = tmp_path / "build"
    code = course.main(["--notebooks", str(notebooks), "--build", str(build), "--mode", "fast",
                        "--only", "01", "--timeout", "120"])
    assert code == 0
    assert dict(os.environ) == before
    out, err = capfd.readouterr()
    assert "IPKernelApp" not in out + err and "without encryption" not in out + err
    assert (build / "logs" / f"{NB}.kernel.log").exists()
    payload = json.loads((build / "results.json").read_text())
    assert payload["machine"]["executable"] == sys.executable
    assert payload["machine"]["versions"]["tensorflow"] == version("tensorflow")
    assert payload["machine"]["versions"]["keras"] == version("keras")


def test_kernel_that_cannot_start_is_reported_in_results(notebooks, tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "executable", str(tmp_path / "no-such-python"))
    build = tmp_path / "build"
    code = course.main(["--notebooks", str(notebooks), "--build", str(build), "--mode", "fast",
                        "--only", "01", "--timeout", "30"])
    assert code == 1
    result = json.loads((build / "results.json").read_text())["notebooks"][NB]
    assert result["status"] == "failed"
    assert result["error"]["ename"] and result["error"]["evalue"]
    assert result["error"]["kernel_log"].endswith(f"{NB}.kernel.log")


def test_backend_versions_name_the_backend_that_ran():
    runs = [course.NotebookRun(notebook="a", backend="jax"),
            course.NotebookRun(notebook="b", backend="tensorflow")]
    versions = course.backend_versions(runs)
    assert versions["jax"] == version("jax") and versions["tensorflow"] == version("tensorflow")
    assert set(versions) == {"keras", "jax", "tensorflow"}


def test_an_interrupted_run_still_writes_results(notebooks, tmp_path, monkeypatch):
    """Ctrl-C (or SIGTERM) in the second notebook: results.json has the first notebook's
    result and the second marked as stopped, and the interrupt goes on to the caller."""
    real = course.run_notebook

    def run_then_interrupt(path, *args, **kwargs):
        if path.stem == "02_broken":
            raise KeyboardInterrupt
        return real(path, *args, **kwargs)

    monkeypatch.setattr(course, "run_notebook", run_then_interrupt)
    build = tmp_path / "build"
    with pytest.raises(KeyboardInterrupt):
        course.main(["--notebooks", str(notebooks), "--build", str(build), "--mode", "fast",
                     "--timeout", "120"])
    results = json.loads((build / "results.json").read_text())["notebooks"]
    assert results[NB]["status"] == "passed"
    assert results["02_broken"]["status"] == "failed"
    assert results["02_broken"]["error"]["ename"] == "Interrupted"
    assert (build / "index.html").exists()
    assert signal.getsignal(signal.SIGTERM) == signal.SIG_DFL     # handler restored


def test_each_kernel_is_shut_down_after_its_notebook(tmp_path):
    folder = tmp_path / "nbs"
    folder.mkdir()
    _write(folder / "01_pid.ipynb", "import os\nprint(os.getpid())")
    course.run_notebook(folder / "01_pid.ipynb", tmp_path / "b", "fast", timeout=60)
    executed = nbformat.read(tmp_path / "b" / "01_pid.ipynb", as_version=4)
    pid = int(executed.cells[1].outputs[0]["text"])
    assert _gone(pid), f"the kernel (pid {pid}) is still running after its notebook"


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_during_a_real_run_stops_the_whole_course(tmp_path, sig):
    """Before: nbclient answered the signal by shutting the kernel down, the notebook failed
    like any other, and the runner went on with the next one (a CI time-out or Ctrl-C did not
    stop `make course`)."""
    import subprocess

    folder = tmp_path / "nbs"
    folder.mkdir()
    marker = tmp_path / "kernel.pid"
    _write(folder / "01_sleep.ipynb",
           f"import os, time\nopen({str(marker)!r}, 'w').write(str(os.getpid()))\ntime.sleep(120)")
    _write(folder / "02_next.ipynb", "x = 1")
    build = tmp_path / "build"
    proc = subprocess.Popen([sys.executable, "-m", "utils.machinery.runner", "--notebooks", str(folder),
                             "--build", str(build), "--mode", "fast"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    deadline = time.time() + 90
    while not (marker.exists() and marker.read_text()) and time.time() < deadline:
        time.sleep(0.2)
    assert marker.exists(), "the notebook never started"
    proc.send_signal(sig)
    out, _ = proc.communicate(timeout=60)
    assert proc.returncode != 0, out
    results = json.loads((build / "results.json").read_text())["notebooks"]
    assert list(results) == ["01_sleep"], out                  # 02 was not started
    assert results["01_sleep"]["error"]["ename"] == "Interrupted"
    kernel = int(marker.read_text())
    assert _gone(kernel), f"the kernel (pid {kernel}) outlived the stopped run"
