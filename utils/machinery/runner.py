"""The course runner: execute every notebook in order and build ``build/``.

    python -m utils.machinery.runner                 # full mode (default for people), all notebooks
    python -m utils.machinery.runner --mode fast     # tiny budgets, as CI uses
    python -m utils.machinery.runner --only 01 03    # some notebooks (by number or name)
    python -m utils.machinery.runner --store         # also write the executed notebooks back into
                                           # notebooks/ (maintainers: the stored outputs)

It writes, for each notebook, the executed ``.ipynb`` and an HTML page into ``build/``, then
``build/results.json`` (per notebook and metric: value, bar, passed, mode, data source,
backend, wall time) and ``build/index.html`` linking the pages in order with their headline
results. Progress is printed as it goes. A failing notebook is reported by name and cell;
the others still run, and the command exits with status 1.
"""

from __future__ import annotations

import argparse
import asyncio
import atexit
import html
import json
import os
import platform
import re
import signal
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .. import bars, config
from .._validate import check_bool, check_choice, check_int, check_path, check_str
from ..report import RESULTS_DIR_ENV
from . import ROOT, NOTEBOOK_DIR, judge
from ._folders import FolderError, claim

# Who wrote a build folder (the first line of its marker file, ``_folders.MARKER``). The
# runner overwrites its own files there (<notebook>.ipynb / .html, results.json, index.html,
# results/, logs/), so it writes only into a folder that is new, empty, made by it, or inside
# the repository's build/.
RUNNER_COMMAND = "python -m utils.machinery.runner (the executed course)"


def _build_folder(name: str, build: Path) -> Path:
    return claim(name, build, RUNNER_COMMAND, inside_build=True)

NOTEBOOK_PATTERN = re.compile(r"^(\d\d)_[a-z0-9_]+\.ipynb$")


@dataclass
class NotebookRun:
    """The outcome of executing one notebook."""

    notebook: str
    status: str = "not run"          # passed | failed
    wall_time_s: float = 0.0
    mode: str = ""
    data_source: str = ""
    backend: str = ""
    seed: int | None = None
    metrics: dict = field(default_factory=dict)
    notes: dict = field(default_factory=dict)
    error: dict | None = None
    cell_times_s: dict = field(default_factory=dict)   # "cell <index>" -> seconds, code cells
    cell_heads: dict = field(default_factory=dict)     # "cell <index>" -> its first line

    @property
    def passed(self) -> bool:
        return self.status == "passed"


def discover(notebook_dir: Path = NOTEBOOK_DIR) -> list[Path]:
    """The course notebooks (``NN_name.ipynb``) in ``notebook_dir``, in order."""
    notebook_dir = check_path("notebook_dir", notebook_dir)
    if not notebook_dir.is_dir():
        raise FileNotFoundError(f"notebook_dir {notebook_dir} is not a folder.")
    return sorted(p for p in notebook_dir.iterdir() if NOTEBOOK_PATTERN.match(p.name))


def select(paths: list[Path], only: list[str] | None) -> list[Path]:
    """Keep the notebooks named in ``only`` (``"01"``, ``"01_basic_autoencoder"`` or a path)."""
    paths = _check_runs_or_paths("paths", paths, Path)
    if not only:
        return paths
    if isinstance(only, str):
        raise TypeError(f"only is {only!r}; expected a list of names such as ['01', '03'].")
    only = [check_str(f"only[{i}]", w) for i, w in enumerate(only)]
    chosen = []
    for want in only:
        stem = Path(want).stem
        hits = [p for p in paths if p.stem == stem or p.stem.split("_", 1)[0] == stem]
        if not hits:
            raise ValueError(f"--only {want!r} matches no notebook; expected one of "
                             f"{[p.stem for p in paths]} or their numbers.")
        chosen += [p for p in hits if p not in chosen]
    return chosen


class _Progress:
    """Prints which cell is running, with elapsed time, and a heartbeat on long cells."""

    def __init__(self, name: str, n_code: int, heartbeat_s: float = 30.0):
        self.name, self.n_code, self.heartbeat_s = name, n_code, heartbeat_s
        self.t0 = time.perf_counter()
        self.done = 0
        self.current: int | None = None
        self.cell_t0 = self.t0
        self.error_cell: int | None = None
        self.times: dict[str, float] = {}   # "cell <index>" -> seconds, in execution order
        self.heads: dict[str, str] = {}     # "cell <index>" -> the cell's first line
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, daemon=True)

    def start(self):
        self._thread.start()

    def stop(self):
        self._stop.set()

    def _beat(self):
        while not self._stop.wait(self.heartbeat_s):
            if self.current is not None:
                now = time.perf_counter()
                print(f"    … {self.name}: cell {self.current} still running "
                      f"({now - self.cell_t0:.0f} s in the cell, {now - self.t0:.0f} s in all)",
                      flush=True)

    def on_cell_start(self, cell, cell_index, **_):
        if cell.cell_type == "code":
            self.current = cell_index
            self.cell_t0 = time.perf_counter()

    def on_cell_executed(self, cell, cell_index, **_):
        if cell.cell_type != "code":
            return
        self.done += 1
        self.current = None
        now = time.perf_counter()
        self.times[f"cell {cell_index}"] = round(now - self.cell_t0, 1)
        self.heads[f"cell {cell_index}"] = _first_line(cell.source)
        width = 20
        filled = int(width * self.done / max(self.n_code, 1))
        print(f"    [{'#' * filled}{'.' * (width - filled)}] {self.name}: code cell "
              f"{self.done}/{self.n_code} (cell {cell_index}) {now - self.cell_t0:5.1f} s, "
              f"{now - self.t0:6.1f} s in all", flush=True)

    def on_cell_error(self, cell, cell_index, **_):
        self.error_cell = cell_index


def _first_line(source: str, width: int = 60) -> str:
    """The first non-blank line of a cell's source, cut to ``width`` characters."""
    lines = [line.strip() for line in str(source).splitlines() if line.strip()]
    text = lines[0] if lines else ""
    return text if len(text) <= width else text[:width - 1] + "…"


def slowest_cells(times: dict, heads: dict | None = None, n: int = 3) -> str:
    """``cell 29 (409 s: remover = …), cell 21 (223 s: …)``: the ``n`` slowest code cells of
    a run's ``cell_times_s``, with their first lines where ``heads`` has them."""
    if not isinstance(times, dict):
        raise TypeError(f"times is {times!r:.60}; expected a run's cell_times_s (a dict).")
    heads = heads or {}
    top = sorted(times.items(), key=lambda kv: -kv[1])[:check_int("n", n, low=1)]
    return ", ".join(f"{cell} ({seconds:.0f} s" + (f": {heads[cell]})" if heads.get(cell) else ")")
                     for cell, seconds in top)


def _check_runs_or_paths(name: str, value, kind: type) -> list:
    """A list whose items are all ``kind`` (``NotebookRun`` or ``Path``)."""
    if isinstance(value, (str, bytes)) or not isinstance(value, (list, tuple)) \
            or not all(isinstance(v, kind) for v in value):
        raise TypeError(f"{name} is {value!r:.80}; expected a list of {kind.__name__}.")
    return list(value)


def _error_summary(nb, cell_index: int | None, exc: Exception) -> dict:
    ename, evalue = type(exc).__name__, str(exc).strip().splitlines()[-1:] or [""]
    if cell_index is not None:
        for out in nb.cells[cell_index].get("outputs", []):
            if out.get("output_type") == "error":
                ename, evalue = out.get("ename", ename), [out.get("evalue", "")]
    first_line = ""
    if cell_index is not None:
        src = nb.cells[cell_index].source.strip().splitlines()
        first_line = src[0] if src else ""
    return dict(cell=cell_index, ename=ename, evalue=evalue[0][:500], source=first_line[:200])


class _ThisPythonKernels:
    """Kernel specs that always start ``ipykernel`` in the interpreter running the course.

    A machine may have several ``python3`` kernelspecs (a user-wide one, another
    virtualenv's); the notebooks must run with the packages of the environment that runs
    ``make course``, whatever spec is found first.
    """

    @staticmethod
    def make():
        from jupyter_client.kernelspec import KernelSpec, KernelSpecManager

        class Manager(KernelSpecManager):
            def get_kernel_spec(self, kernel_name):
                return KernelSpec(argv=[sys.executable, "-m", "ipykernel_launcher", "-f",
                                        "{connection_file}"],
                                  display_name=f"Python {platform.python_version()} (course)",
                                  language="python", resource_dir=str(ROOT))

        return Manager()


def kernel_env(mode: str, results_dir: Path) -> dict:
    """The kernel's environment: the caller's, with the mode, the results folder and the
    quiet-log defaults of ``config.QUIET_ENV`` (the caller's ``os.environ`` is not changed)."""
    mode = check_choice("mode", mode, config.MODES)
    results_dir = check_path("results_dir", results_dir)
    env = dict(os.environ)
    for key, value in config.QUIET_ENV.items():
        env.setdefault(key, value)
    env[RESULTS_DIR_ENV] = str(Path(results_dir).resolve())
    env["AE_MODE"] = mode
    return env


def make_kernel_manager(socket_dir: Path):
    """A kernel manager for the running interpreter; IPC sockets in ``socket_dir`` where the
    OS has them (no TCP ports, and no "running over TCP without encryption" warning from
    ipykernel). The socket path is absolute: kernel and client run in different folders."""
    from jupyter_client.manager import AsyncKernelManager

    socket_dir = check_path("socket_dir", socket_dir)
    km = AsyncKernelManager(kernel_name="python3", kernel_spec_manager=_ThisPythonKernels.make())
    if os.name == "posix":
        km.transport = "ipc"
        km.ip = str(Path(socket_dir).resolve() / "kernel")
    return km


def _stop_on_signals(client) -> None:
    """nbclient answers SIGINT / SIGTERM during a run by shutting the kernel down, and the
    notebook then fails like any other; these handlers (nbclient's own, plus ``_STOP``) also
    tell the course runner to start no further notebook."""
    loop = asyncio.get_running_loop()

    def stop():
        _STOP.set()
        asyncio.ensure_future(client._async_cleanup_kernel())
        atexit.unregister(client._cleanup_kernel)  # as nbclient's handler does

    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(sig, stop)
        except (NotImplementedError, RuntimeError, ValueError):  # Windows; not the main thread
            pass


def run_notebook(path: Path, build: Path, mode: str, *, timeout: int = 3600,
                 store: bool = False) -> NotebookRun:
    """Execute one notebook into ``build``; never raises for a failing notebook.

    The kernel runs with this interpreter (``sys.executable``); its own log (start-up
    warnings, native stderr) goes to ``build/logs/<notebook>.kernel.log``, not the terminal.
    Any failure (a cell's error, a timeout, a kernel that cannot start) is recorded in the
    returned ``NotebookRun`` with the reason.
    """
    import nbformat
    from nbclient import NotebookClient

    path, build = check_path("path", path), check_path("build", build)
    if not path.is_file() or path.suffix != ".ipynb":
        raise FileNotFoundError(f"path {path} is not a notebook file (.ipynb).")
    mode = check_choice("mode", mode, config.MODES)
    timeout = check_int("timeout", timeout, low=1)
    store = check_bool("store", store)
    build = _build_folder("build", build)
    name = path.stem
    nb = nbformat.read(path, as_version=4)
    n_code = sum(c.cell_type == "code" for c in nb.cells)
    results_dir = build / "results"
    results_dir.mkdir(parents=True, exist_ok=True)
    logs = build / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    (results_dir / f"{name}.json").unlink(missing_ok=True)

    progress = _Progress(name, n_code)
    run = NotebookRun(notebook=name, mode=mode)
    progress.start()
    t0 = time.perf_counter()
    try:
        with open(logs / f"{name}.kernel.log", "w", encoding="utf-8") as log, \
                tempfile.TemporaryDirectory(prefix="ae-kernel-") as sockets:
            client = NotebookClient(nb, km=make_kernel_manager(Path(sockets)), timeout=timeout,
                                    record_timing=False,
                                    on_notebook_start=lambda **_: _stop_on_signals(client),
                                    resources={"metadata": {"path": str(path.parent)}},
                                    on_cell_start=progress.on_cell_start,
                                    on_cell_executed=progress.on_cell_executed,
                                    on_cell_error=progress.on_cell_error)
            # cleanup_kc: shut the kernel down at the end (nbclient keeps a kernel alive when
            # the kernel manager is the caller's, and six idle TensorFlow kernels add up)
            client.execute(env=kernel_env(mode, results_dir), stdout=log, stderr=log,
                           cleanup_kc=True)
        run.status = "passed"
    except Exception as exc:  # noqa: BLE001 - every failure is reported, none ends the course
        run.status = "failed"
        cell = progress.error_cell if progress.error_cell is not None else progress.current
        run.error = _error_summary(nb, cell, exc)
        run.error["kernel_log"] = str(logs / f"{name}.kernel.log")
    finally:
        progress.stop()
        run.wall_time_s = round(time.perf_counter() - t0, 1)
        run.cell_times_s, run.cell_heads = dict(progress.times), dict(progress.heads)

    recorded = results_dir / f"{name}.json"
    data = json.loads(recorded.read_text(encoding="utf-8")) if recorded.exists() else None
    if data is not None:
        run.metrics = data.get("metrics", {})
        run.notes = data.get("notes", {})
        run.data_source, run.backend = data.get("data_source", ""), data.get("backend", "")
        run.seed = data.get("seed")
        run.mode = data.get("mode", mode)
    missed = (judge.problems(name, mode, data) if name in bars.BARS
              else [] if data is not None else ["no results were recorded (report.Report)"])
    if run.passed and missed:
        run.status = "failed"
        run.error = dict(cell=None, ename="BarsMissed", evalue="; ".join(missed), source="")

    nbformat.write(nb, build / f"{name}.ipynb")
    try:
        _write_html(nb, build / f"{name}.html")
    except Exception as exc:  # noqa: BLE001 - a page that cannot be made is reported
        print(f"    could not write {name}.html: {type(exc).__name__}: {exc}", flush=True)
    if store and run.passed:
        nbformat.write(nb, path)
        print(f"    stored the executed outputs in {path}", flush=True)
    return run


def _write_html(nb, dest: Path) -> None:
    from nbconvert import HTMLExporter
    body, _ = HTMLExporter(template_name="lab").from_notebook_node(nb)
    dest.write_text(body, encoding="utf-8")


def _fmt(v) -> str:
    if isinstance(v, (int, float)):
        return f"{v:.5g}"
    return str(v)


def results_table(runs: list[NotebookRun]) -> str:
    """A plain-text table of every notebook's status, time and metrics."""
    runs = _check_runs_or_paths("runs", runs, NotebookRun)
    lines = []
    for r in runs:
        lines.append(f"{r.notebook}: {r.status.upper()} in {r.wall_time_s:.0f} s "
                     f"({r.mode} mode, {r.data_source or '?'} data, {r.backend or '?'})")
        if r.cell_times_s:
            lines.append(f"    slowest cells: {slowest_cells(r.cell_times_s, r.cell_heads)}")
        for name, m in r.metrics.items():
            mark = "ok " if m.get("passed") else "MISSED"
            lines.append(f"    {mark} {name:36s} {_fmt(m.get('value')):>10s}  "
                         f"bar {m.get('op')} {_fmt(m.get('bar'))}")
        for name, m in r.notes.items():
            lines.append(f"    --  {name:36s} {_fmt(m.get('value')):>10s}  (measured, no bar)")
        if r.error:
            lines.append(f"    error in cell {r.error.get('cell')}: {r.error.get('ename')}: "
                         f"{r.error.get('evalue')}")
    return "\n".join(lines)


BACKEND_PACKAGES = {"tensorflow": "tensorflow", "jax": "jax", "torch": "torch"}


def backend_versions(runs: list[NotebookRun]) -> dict:
    """Version of the Keras backend package each run actually used (as its report named it),
    plus Keras itself: ``{"keras": "3.15.1", "jax": "0.10.2"}``."""
    from importlib.metadata import PackageNotFoundError, version

    runs = _check_runs_or_paths("runs", runs, NotebookRun)
    out = {}
    for name in ["keras"] + sorted({r.backend for r in runs if r.backend}):
        package = BACKEND_PACKAGES.get(name, name)
        try:
            out[name] = version(package)
        except PackageNotFoundError:
            out[name] = "not installed"
    return out


def write_results(runs: list[NotebookRun], build: Path) -> Path:
    """Write ``build/results.json`` (``build``: new, empty, the runner's or in ``build/``)."""
    runs, build = _check_runs_or_paths("runs", runs, NotebookRun), check_path("build", build)
    build = _build_folder("build", build)
    payload = dict(
        generated=time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        machine=dict(platform=platform.platform(), cpus=os.cpu_count(),
                     python=platform.python_version(), executable=sys.executable,
                     versions=backend_versions(runs)),
        notebooks={r.notebook: {k: v for k, v in asdict(r).items() if k != "notebook"}
                   for r in runs})
    path = build / "results.json"
    path.write_text(json.dumps(payload, indent=2), encoding="utf-8")
    return path


def write_index(runs: list[NotebookRun], build: Path) -> Path:
    """Write ``build/index.html``: the notebooks in order with their headline results
    (``build``: new, empty, the runner's or in ``build/``)."""
    runs, build = _check_runs_or_paths("runs", runs, NotebookRun), check_path("build", build)
    build = _build_folder("build", build)
    parts = []
    for r in runs:
        badge = ("<span style='color:#1a7f37'>passed</span>" if r.passed
                 else "<span style='color:#cf222e'>failed</span>")
        rows = "".join(
            f"<tr><td>{html.escape(m.get('text', n))}</td><td>{_fmt(m.get('value'))}</td>"
            f"<td>{html.escape(str(m.get('op')))} {_fmt(m.get('bar'))}</td>"
            f"<td>{'✅' if m.get('passed') else '❌'}</td></tr>" for n, m in r.metrics.items())
        rows += "".join(
            f"<tr><td>{html.escape(m.get('text', n))}</td><td>{_fmt(m.get('value'))}</td>"
            "<td>—</td><td>measured</td></tr>" for n, m in r.notes.items())
        err = ""
        if r.error:
            err = (f"<p style='color:#cf222e'>Error in cell {r.error.get('cell')}: "
                   f"{html.escape(str(r.error.get('ename')))}: "
                   f"{html.escape(str(r.error.get('evalue')))}</p>")
        parts.append(
            f"<h2><a href='{r.notebook}.html'>{html.escape(r.notebook)}</a> "
            f"<small>(<a href='{r.notebook}.ipynb'>notebook</a>)</small></h2>"
            f"<p>{badge} · {r.wall_time_s:.0f} s · {r.mode} mode · {r.data_source} data · "
            f"{r.backend}</p>{err}"
            f"<table><tr><th>result</th><th>value</th><th>bar</th><th></th></tr>{rows}</table>")
    page = ("<!doctype html><html><head><meta charset='utf-8'><title>Autoencoders course"
            "</title><style>body{font-family:sans-serif;max-width:60em;margin:2em auto}"
            "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2em .6em;"
            "text-align:left}</style></head><body><h1>Autoencoders — executed course</h1>"
            + "".join(parts) + "</body></html>")
    path = build / "index.html"
    path.write_text(page, encoding="utf-8")
    return path


_STOP = threading.Event()  # set by SIGTERM / Ctrl-C: no further notebook is started


def _terminate(signum, frame):
    _STOP.set()
    raise SystemExit(128 + signum)


def _interrupt(signum, frame):
    _STOP.set()
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    if argv is not None and (isinstance(argv, str) or not isinstance(argv, (list, tuple))
                             or not all(isinstance(a, str) for a in argv)):
        raise TypeError(f"argv is {argv!r:.80}; expected a list of strings such as "
                        "['--mode', 'fast'] (or None for the command line).")
    parser = argparse.ArgumentParser(prog="python -m utils.machinery.runner", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mode", choices=config.MODES, default=None,
                        help="run mode (default: AE_MODE, else fast under CI, else full)")
    parser.add_argument("--only", nargs="+", metavar="NB", help="notebooks to run")
    parser.add_argument("--build", type=Path, default=ROOT / "build",
                        help="output folder: new, empty, an earlier run's or inside build/")
    parser.add_argument("--notebooks", type=Path, default=NOTEBOOK_DIR, help=argparse.SUPPRESS)
    parser.add_argument("--timeout", type=int, default=3600, help="seconds per cell")
    parser.add_argument("--store", action="store_true",
                        help="write executed notebooks back into notebooks/ when they pass")
    args = parser.parse_args(argv)

    mode = config.resolve_mode(args.mode)
    paths = select(discover(args.notebooks), args.only)
    if not paths:
        print(f"No notebooks found in {args.notebooks}.", file=sys.stderr)
        return 1
    try:
        build = _build_folder("--build", args.build)
    except FolderError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2

    print(f"Running {len(paths)} notebook(s) in {mode} mode into {build}/", flush=True)
    runs, t0 = [], time.perf_counter()
    # SIGTERM (e.g. a CI time-out) ends the run like Ctrl-C, so the finally clause below
    # still writes what was done
    # (nbclient's clean-up can replace the SystemExit in flight with an error of its own, so
    # the handlers also set _STOP, and the loop stops on it whatever run_notebook returned)
    in_main = threading.current_thread() is threading.main_thread()
    _STOP.clear()
    previous = ((signal.signal(signal.SIGTERM, _terminate), signal.signal(signal.SIGINT, _interrupt))
                if in_main else None)
    try:
        for i, path in enumerate(paths, 1):
            print(f"[{i}/{len(paths)}] {path.stem} …", flush=True)
            try:
                run = run_notebook(path, build, mode, timeout=args.timeout, store=args.store)
                if _STOP.is_set():
                    raise SystemExit(143)
            except (KeyboardInterrupt, SystemExit) as exc:
                runs.append(NotebookRun(notebook=path.stem, status="failed", mode=mode, error=dict(
                    cell=None, ename="Interrupted", source="",
                    evalue=f"the run was stopped in this notebook ({type(exc).__name__})")))
                print(f"[{i}/{len(paths)}] {path.stem}: stopped; no further notebook is run",
                      file=sys.stderr, flush=True)
                raise
            runs.append(run)
            write_results(runs, build)          # after every notebook, not only at the end
            where = f" (cell {run.error['cell']}: {run.error['ename']})" if run.error else ""
            print(f"[{i}/{len(paths)}] {path.stem}: {run.status}{where} in "
                  f"{run.wall_time_s:.0f} s", flush=True)
    finally:
        write_results(runs, build)
        write_index(runs, build)
        if in_main:
            signal.signal(signal.SIGTERM, previous[0])
            signal.signal(signal.SIGINT, previous[1])
    print(f"\nResults ({time.perf_counter() - t0:.0f} s in all; {build / 'index.html'}, "
          f"{build / 'results.json'}):")
    print(results_table(runs))
    failed = [r.notebook for r in runs if not r.passed]
    if failed:
        print(f"\nFAILED: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
