"""``RESULTS.md``: the course's measurements, written from the runner's ``results.json``.

    python -m utils.machinery.results_page               # RESULTS.md from results/*.json
    python -m utils.machinery.results_page --add build/results.json   # keep a run, then write

``make outputs`` adds its full-mode run (``results/<mode>-<backend>-seed<N>.json``, one file
per mode, backend and seed, replaced when that run is repeated) and rewrites the page: time
per notebook and every headline number against its bar, for every run kept. Nothing in
``RESULTS.md`` is typed by hand; a test checks that it is what the kept runs give.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .. import bars
from .._validate import check_path, describe
from . import ROOT
from ._notebooks import check_argv

RUNS_DIR = ROOT / "results"
PAGE = ROOT / "RESULTS.md"


def _fmt(v) -> str:
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return str(v)
    return f"{v:.4g}"


def _shows(notebook: str, key: str, metric: dict) -> str:
    """What a recorded bar's row shows ("working" or "failure"): as recorded, or for a run
    recorded before bars said it, as the bar says now."""
    return metric.get("shows") or bars.shows(bars.BARS.get(notebook, {}).get(key, {}))


def load_run(path: Path) -> dict:
    """One ``results.json`` of the runner, checked for what the page needs."""
    path = check_path("path", path)
    if not path.is_file():
        raise FileNotFoundError(f"path {path} is not a file; expected a results.json that "
                                "`make course` wrote (build/results.json).")
    try:
        run = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"path {path} is not JSON ({exc}); expected a results.json.") from None
    return check_run(f"the results in {path}", run)


def check_run(name: str, run) -> dict:
    """A run's results as the runner writes them: a dict with a non-empty 'notebooks'."""
    if not isinstance(run, dict) or not isinstance(run.get("notebooks"), dict) \
            or not run["notebooks"]:
        raise ValueError(f"{name} is {describe(run)}; expected a results.json's contents, "
                         "with its 'notebooks'.")
    return run


def run_name(run: dict) -> str:
    """``full-tensorflow-seed0``: the mode, backend and seed of a run (one of each)."""
    books = list(check_run("run", run)["notebooks"].values())
    def one(key):
        values = sorted({str(b.get(key)) for b in books if b.get(key) not in (None, "")})
        return "+".join(values) or "unknown"
    return f"{one('mode')}-{one('backend')}-seed{one('seed')}"


def render(runs: dict[str, dict]) -> str:
    """The page for ``runs`` (name → results), in name order."""
    if not isinstance(runs, dict) or not runs:
        raise ValueError(f"runs is {describe(runs)}; expected a non-empty dict of runs.")
    for name, run in runs.items():
        check_run(f"runs[{name!r}]", run)
    out = ["# Measured results",
           "",
           "Written by `python -m utils.machinery.results_page` from the runs kept in "
           "`results/` (`make outputs` adds its own): do not edit by hand. Each section is one "
           "run of `make course`; numbers are measured on held-out data, bars are the "
           "course's (`utils/bars.py`).", ""]
    names = sorted(runs)
    notebooks = sorted({nb for r in runs.values() for nb in r["notebooks"]})
    out += ["## Time per notebook (seconds)", "",
            "| notebook | " + " | ".join(names) + " |",
            "|---|" + "---|" * len(names)]
    for nb in notebooks:
        cells = []
        for n in names:
            b = runs[n]["notebooks"].get(nb)
            cells.append("—" if b is None else
                         f"{b.get('wall_time_s', 0):.0f} ({b.get('status', '?')})")
        out.append(f"| {nb} | " + " | ".join(cells) + " |")
    totals = [sum(b.get("wall_time_s", 0) for b in runs[n]["notebooks"].values()) for n in names]
    out += ["| all | " + " | ".join(f"{t:.0f}" for t in totals) + " |", ""]
    for n in names:
        run = runs[n]
        machine = run.get("machine", {})
        versions = ", ".join(f"{k} {v}" for k, v in machine.get("versions", {}).items())
        out += [f"## {n}", "",
                f"Run {run.get('generated', '?')} on {machine.get('cpus', '?')} CPU cores "
                f"({machine.get('platform', '?')}; Python {machine.get('python', '?')}; "
                f"{versions}).", ""]
        for nb, b in sorted(run["notebooks"].items()):
            out += [f"### {nb}: {b.get('status', '?')}, {b.get('wall_time_s', 0):.0f} s, "
                    f"{b.get('data_source') or '?'} data", "",
                    "| result | value | bar | | shows |", "|---|---|---|---|---|"]
            for key, m in b.get("metrics", {}).items():
                text = str(m.get("text", "")).replace("|", "\\|")
                out.append(f"| {text} | {_fmt(m.get('value'))} | {m.get('op')} "
                           f"{_fmt(m.get('bar'))} | {'passed' if m.get('passed') else 'MISSED'} "
                           f"| {bars.SHOWS[_shows(nb, key, m)]} |")
            for m in b.get("notes", {}).values():
                text = str(m.get("text", "")).replace("|", "\\|")
                out.append(f"| {text} | {_fmt(m.get('value'))} | — | measured "
                           f"| {bars.NOTE_SHOWS} |")
            if b.get("error"):
                err = b["error"]
                out.append(f"\nError in cell {err.get('cell')}: {err.get('ename')}: "
                           f"{str(err.get('evalue', '')).replace('|', '/')}")
            out.append("")
    return "\n".join(out).rstrip() + "\n"


def kept_runs(runs_dir: Path = RUNS_DIR) -> dict[str, dict]:
    runs_dir = check_path("runs_dir", runs_dir)
    return {p.stem: load_run(p) for p in sorted(runs_dir.glob("*.json"))}


def add(results: Path, runs_dir: Path = RUNS_DIR) -> Path:
    """Keep the run ``results`` (a runner's results.json) as ``runs_dir/<run name>.json``;
    a run of some notebooks (``make outputs ONLY=05``) replaces just those in the kept run."""
    run = load_run(results)
    runs_dir = check_path("runs_dir", runs_dir)
    runs_dir.mkdir(parents=True, exist_ok=True)
    dest = runs_dir / f"{run_name(run)}.json"
    if dest.is_file():
        kept = load_run(dest)
        kept["notebooks"].update(run["notebooks"])
        run = dict(run, notebooks=dict(sorted(kept["notebooks"].items())))
    dest.write_text(json.dumps(run, indent=2) + "\n", encoding="utf-8")
    return dest


def write(page: Path = PAGE, runs_dir: Path = RUNS_DIR) -> Path:
    """Write ``page`` from the runs kept in ``runs_dir``."""
    page = check_path("page", page)
    runs = kept_runs(runs_dir)
    if not runs:
        raise FileNotFoundError(f"runs_dir {runs_dir} holds no results; run `make outputs` "
                                "(or --add build/results.json) first.")
    page.write_text(render(runs), encoding="utf-8")
    return page


def main(argv: list[str] | None = None) -> int:
    argv = check_argv("argv", argv, "['--add', 'build/results.json']")
    parser = argparse.ArgumentParser(prog="python -m utils.machinery.results_page",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--add", type=Path, metavar="RESULTS_JSON",
                        help="keep this run in results/ before writing the page")
    parser.add_argument("--out", type=Path, default=PAGE, help="the page (default RESULTS.md)")
    args = parser.parse_args(argv)
    try:
        if args.add:
            print(f"kept {add(args.add)}")
        print(f"wrote {write(args.out)}")
    except (FileNotFoundError, ValueError) as exc:
        print(f"results_page: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
