"""``make bench``: run the course and print each notebook's time beside the kept run's.

    python -m utils.machinery.bench                      # full mode, every notebook
    python -m utils.machinery.bench --only 01 05         # some notebooks
    python -m utils.machinery.bench --compare build/bench/results.json   # no run: compare only

The run goes into ``build/bench/`` (the course runner, ``--build``); the kept run it is
compared with is ``results/<mode>-<backend>-seed<N>.json`` of the same mode, backend and seed
(``make outputs`` keeps it), or ``--against FILE``. The table gives per notebook this run's
wall time, the kept run's, their ratio and this run's three slowest cells, under a line
naming both machines (cores, backend, Keras). A ratio compares machines as much as code: run
a reference notebook in the same sitting (e.g. ``--only 01``) before reading one.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .. import config
from .._validate import check_path
from . import ROOT
from ._notebooks import check_argv
from .results_page import RUNS_DIR, check_run, load_run, run_name
from .runner import slowest_cells

BUILD = ROOT / "build" / "bench"


def _machine(run: dict) -> str:
    m = run.get("machine") or {}
    versions = ", ".join(f"{k} {v}" for k, v in (m.get("versions") or {}).items())
    return f"{m.get('cpus', '?')} cores, {versions or 'versions not recorded'}"


def table(this: dict, kept: dict | None) -> str:
    """The bench table: one line per notebook of ``this`` run (a results.json's contents)
    with its time, the ``kept`` run's time for the same notebook and their ratio."""
    this = check_run("this", this)
    if kept is not None:
        kept = check_run("kept", kept)
    books = kept["notebooks"] if kept else {}
    lines = [f"this run: {run_name(this)} on {_machine(this)}",
             f"kept run: {run_name(kept)} on {_machine(kept)} ({kept.get('generated', '?')})"
             if kept else "kept run: none to compare with",
             f"{'notebook':38s} {'this s':>7s} {'kept s':>7s} {'ratio':>6s}  "
             "slowest cells (this run)"]
    total = kept_total = 0.0
    for name, nb in this["notebooks"].items():
        t = float(nb.get("wall_time_s", 0.0))
        k = books.get(name, {}).get("wall_time_s")
        total += t
        kept_total += k or 0.0
        ratio = f"{t / k:6.2f}" if k else f"{'—':>6s}"
        kept_s = f"{k:7.0f}" if k else f"{'—':>7s}"
        status = "" if nb.get("status") == "passed" else f" [{nb.get('status', '?')}]"
        lines.append(f"{name + status:38s} {t:7.0f} {kept_s} {ratio}  "
                     f"{slowest_cells(nb.get('cell_times_s') or {}, nb.get('cell_heads'))}")
    compared = all(books.get(n, {}).get("wall_time_s") for n in this["notebooks"])
    lines.append(f"{'all':38s} {total:7.0f} "
                 + (f"{kept_total:7.0f} {total / kept_total:6.2f}" if compared and kept_total
                    else f"{'—':>7s} {'—':>6s}"))
    return "\n".join(lines)


def kept_run_for(this: dict, runs_dir: Path | None = None) -> Path:
    """``results/<mode>-<backend>-seed<N>.json`` (``runs_dir``, default ``results/``): where
    the kept run of the same mode, backend and seed as ``this`` would be."""
    runs_dir = RUNS_DIR if runs_dir is None else check_path("runs_dir", runs_dir)
    return runs_dir / f"{run_name(check_run('this', this))}.json"


def main(argv: list[str] | None = None) -> int:
    argv = check_argv("argv", argv, "['--only', '01']")
    parser = argparse.ArgumentParser(prog="python -m utils.machinery.bench",
                                     description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mode", choices=config.MODES, default="full",
                        help="run mode (default full: the kept runs are full-mode runs)")
    parser.add_argument("--only", nargs="+", metavar="NB", help="notebooks to run")
    parser.add_argument("--build", type=Path, default=BUILD, help="the run's folder")
    parser.add_argument("--compare", type=Path, metavar="RESULTS_JSON",
                        help="run nothing: compare this results.json with the kept run")
    parser.add_argument("--against", type=Path, metavar="RESULTS_JSON",
                        help="the run to compare with (default: the kept run of the same mode, "
                             "backend and seed in results/)")
    args = parser.parse_args(argv)
    status = 0
    if args.compare is None:
        from . import runner

        status = runner.main(["--mode", args.mode, "--build", str(args.build)]
                             + (["--only", *args.only] if args.only else []))
        results = args.build / "results.json"
    else:
        results = args.compare
    try:
        this = load_run(results)
        against = args.against or kept_run_for(this)
        kept = load_run(against) if args.against or against.is_file() else None
    except (FileNotFoundError, ValueError) as exc:
        print(f"bench: {exc}", file=sys.stderr)
        return 2
    print(f"\nTimes against {against if kept else 'no kept run'}:")
    print(table(this, kept))
    return status


if __name__ == "__main__":
    sys.exit(main())
