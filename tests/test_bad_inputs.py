"""Every public name of ``utils`` is called with bad input, and answers with a clear error:
the right exception type and a message that names the argument.

The cases are grouped by module in tests/bad_inputs_numeric.py (linalg, metrics, conv,
corrupt, baselines, tiling, features, plots), bad_inputs_keras.py (layers, models,
regularizers, optim, training), bad_inputs_models.py (vae, fewlabels, watermark) and
bad_inputs_data.py (data, config, report, slides); the runner's are here. Each
group lists its ``CASES`` — ``(id, call, expected exception, regex of the message)`` — and
the public names they exercise in ``COVERED``.

A name is public when it is a function or class defined in one of the modules of
``utils.__all__`` or ``utils.MACHINERY`` and does not start with ``_``. ``EXEMPT`` lists the few that take no
argument a caller could get wrong, each with the reason.
"""

import importlib
import inspect
import re
from pathlib import Path

import matplotlib.pyplot as plt
import pytest

import bad_inputs_data
import bad_inputs_keras
import bad_inputs_models
import bad_inputs_numeric
import utils
from utils import bars, data
from utils.machinery import bench, judge, results_page, runner as course, slides

GROUPS = (bad_inputs_numeric, bad_inputs_keras, bad_inputs_models, bad_inputs_data)

EXEMPT = {
    "data.embedded_csv_path": "no arguments",
    "data.load_embedded_mnist": "no arguments",
    "data.keras_cache_dir": "no arguments (reads KERAS_HOME; tested in test_data.py)",
    "data.grey_photos": "no arguments",
    "config.quiet_logs": "no arguments",
    "config.import_keras_quietly": "no arguments",
    "models.Autoencoder": "a NamedTuple of three models, built only by the builders",
    "vae.VAE": "a frozen dataclass of three models, built only by build_vae",
    "runner.NotebookRun": "a record the runner fills in",
    "assignments.Exercise": "a frozen record that exercises() builds",
}

RUN = course.NotebookRun(notebook="01_x")
CASES = [
    ("discover-int", lambda: course.discover(3), TypeError, "notebook_dir is 3"),
    ("discover-missing", lambda: course.discover(Path("/no/such/folder")), FileNotFoundError,
     "notebook_dir /no/such/folder is not a folder"),
    ("select-str", lambda: course.select([Path("01_a.ipynb")], "01"), TypeError, "only is '01'"),
    ("select-paths", lambda: course.select("01_a.ipynb", ["01"]), TypeError, "paths is"),
    ("select-item", lambda: course.select([Path("01_a.ipynb")], [1]), TypeError,
     r"only\[0\] is 1"),
    ("kernel_env-mode", lambda: course.kernel_env("slow", Path(".")), ValueError,
     "mode is 'slow'"),
    ("kernel_env-dir", lambda: course.kernel_env("fast", None), TypeError,
     "results_dir is None"),
    ("make_kernel_manager-dir", lambda: course.make_kernel_manager(5), TypeError,
     "socket_dir is 5"),
    ("run_notebook-missing", lambda: course.run_notebook(Path("/no/01_a.ipynb"), Path("b"),
                                                         "fast"), FileNotFoundError, "path"),
    ("run_notebook-mode", lambda: course.run_notebook(
        course.discover()[0], Path("/tmp/ae-b"), "full-ish"), ValueError, "mode is 'full-ish'"),
    ("run_notebook-timeout", lambda: course.run_notebook(
        course.discover()[0], Path("/tmp/ae-b"), "fast", timeout=0), ValueError, "timeout is 0"),
    ("run_notebook-store", lambda: course.run_notebook(
        course.discover()[0], Path("/tmp/ae-b"), "fast", store="yes"), TypeError,
     "store is 'yes'"),
    ("results_table-runs", lambda: course.results_table([RUN, "x"]), TypeError, "runs is"),
    ("slowest_cells-times", lambda: course.slowest_cells([3.0]), TypeError, "times is"),
    ("slowest_cells-n", lambda: course.slowest_cells({"cell 1": 3.0}, n=0), ValueError, "n is 0"),
    ("backend_versions-runs", lambda: course.backend_versions(RUN), TypeError, "runs is"),
    ("write_results-build", lambda: course.write_results([RUN], 7), TypeError, "build is 7"),
    ("write_index-runs", lambda: course.write_index(None, Path(".")), TypeError, "runs is None"),
    ("write_synthetic_mnist-path", lambda: data.write_synthetic_mnist(None), TypeError,
     "path is None"),
    ("write_synthetic_mnist-n_train", lambda: data.write_synthetic_mnist("/tmp/m.npz", n_train=5),
     ValueError, "n_train is 5"),
    ("write_synthetic_mnist-shift", lambda: data.write_synthetic_mnist("/tmp/m.npz",
                                                                       max_shift=True),
     TypeError, "max_shift is True"),
    ("mnist_npz_from_pickle-src", lambda: data.mnist_npz_from_pickle(3, "/tmp/m.npz"),
     TypeError, "src is 3"),
    ("mnist_npz_from_pickle-missing", lambda: data.mnist_npz_from_pickle("/no/such.pkl.gz",
                                                                       "/tmp/m.npz"),
     FileNotFoundError, "src is '/no/such.pkl.gz'"),
    ("mnist_npz_from_pickle-not-gzip", lambda: data.mnist_npz_from_pickle(__file__, "/tmp/m.npz"),
     data.DataError, "not a readable mnist.pkl.gz"),
    ("mnist_npz_from_pickle-dest", lambda: data.mnist_npz_from_pickle(__file__, ""),
     ValueError, "dest is ''"),
    ("main-str", lambda: course.main("--mode fast"), TypeError, "argv is '--mode fast'"),
    # the decks' links (slides.deck_links); the rest of slides' cases are in bad_inputs_data.py
    ("deck_links-bytes", lambda: slides.deck_links(b"[a](b.ipynb)"), TypeError,
     "text is b'"),
    ("deck_target-none", lambda: slides.deck_target(None), TypeError, "target is None"),
    # the bars' judge and the results page
    ("problems-notebook", lambda: judge.problems("99_x", "fast", {}), ValueError,
     "notebook is '99_x'"),
    ("problems-mode", lambda: judge.problems("01_basic_autoencoder", "slow", {}), ValueError,
     "mode is 'slow'"),
    ("problems-recorded", lambda: judge.problems("01_basic_autoencoder", "fast", [1]), TypeError,
     r"recorded is \[1\]"),
    ("problems_in_file-path", lambda: judge.problems_in_file(None, "fast"), TypeError,
     "path is None"),
    ("load_run-missing", lambda: results_page.load_run("/no/results.json"), FileNotFoundError,
     "path /no/results.json is not a file"),
    ("load_run-type", lambda: results_page.load_run(3), TypeError, "path is 3"),
    ("check_run-list", lambda: results_page.check_run("r", []), ValueError, r"r is \[\]"),
    ("run_name-empty", lambda: results_page.run_name({}), ValueError, "run is {}"),
    ("render-empty", lambda: results_page.render({}), ValueError, "runs is {}"),
    ("kept_runs-dir", lambda: results_page.kept_runs(None), TypeError, "runs_dir is None"),
    ("add-missing", lambda: results_page.add("/no/r.json"), FileNotFoundError, "/no/r.json"),
    ("write-page", lambda: results_page.write(5), TypeError, "page is 5"),
    ("results_page-main", lambda: results_page.main("--add x"), TypeError, "argv is '--add x'"),
    ("measured-str", lambda: bars.measured("value", "1"), TypeError, "value is '1'"),
    ("bench_table-this", lambda: bench.table({}, None), ValueError, "this is {}"),
    ("bench_table-kept", lambda: bench.table(
        {"notebooks": {"01_a": {"wall_time_s": 1.0}}}, []), ValueError, r"kept is \[\]"),
    ("bench_kept_run_for-dir", lambda: bench.kept_run_for(
        {"notebooks": {"01_a": {"mode": "full"}}}, runs_dir=3), TypeError, "runs_dir is 3"),
    ("bench_main-argv", lambda: bench.main("--only 01"), TypeError, "argv is '--only 01'"),
]
COVERED = {"runner.discover", "runner.select", "runner.kernel_env", "runner.make_kernel_manager",
           "runner.run_notebook", "runner.results_table", "runner.slowest_cells",
           "runner.backend_versions",
           "runner.write_results", "runner.write_index", "runner.main",
           "data.write_synthetic_mnist", "data.mnist_npz_from_pickle",
           "slides.deck_links", "slides.deck_target",
           "judge.problems", "judge.problems_in_file", "results_page.load_run",
           "results_page.check_run", "results_page.run_name", "results_page.render",
           "results_page.kept_runs", "results_page.add", "results_page.write",
           "results_page.main", "bars.measured", "bench.table", "bench.kept_run_for",
           "bench.main"}


ALL_CASES = [case for group in GROUPS for case in group.CASES] + CASES


@pytest.mark.parametrize("case", ALL_CASES, ids=[c[0] for c in ALL_CASES])
def test_bad_input(case):
    _, call, expected, regex = case
    try:
        with pytest.raises(expected, match=regex):
            call()
    finally:
        plt.close("all")


def test_case_ids_are_unique():
    ids = [c[0] for c in ALL_CASES]
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})


def public_names() -> set[str]:
    names = set()
    modules = [(short, f"utils.{short}") for short in utils.__all__]
    modules += [(short, f"utils.machinery.{short}") for short in utils.MACHINERY]
    for short, full_name in modules:
        module = importlib.import_module(full_name)
        for name, obj in vars(module).items():
            if not name.startswith("_") and (inspect.isfunction(obj) or inspect.isclass(obj)) \
                    and obj.__module__ == module.__name__ \
                    and not (inspect.isclass(obj) and issubclass(obj, Exception)):
                names.add(f"{short}.{name}")
    return names


def test_every_public_name_of_utils_has_bad_input_cases():
    covered = COVERED.union(*(group.COVERED for group in GROUPS))
    missing = public_names() - covered - set(EXEMPT)
    assert not missing, f"public names without bad-input cases: {sorted(missing)}"
    stale = (set(EXEMPT) | covered) - public_names()
    stale = {n for n in stale if not n.endswith("Error")}
    assert not stale, f"cases or exemptions for names that are not public: {sorted(stale)}"


def test_the_validation_idiom_lives_in_one_module():
    """``isinstance(v, bool) or not isinstance(v, int)`` and friends: only in _validate.py."""
    root = Path(utils.__file__).parent
    offenders = [p.name for p in sorted(root.glob("*.py")) if p.name != "_validate.py"
                 and re.search(r"isinstance\(\w+, \(?bool", p.read_text(encoding="utf-8"))]
    assert not offenders, f"the validation idiom is repeated in {offenders}"
