"""Bad inputs to utils.data, utils.config, utils.report and utils.slides: each is refused
with the right exception and a message naming the argument (no network, no Keras model)."""

import contextlib
import os
import tempfile
from pathlib import Path

import nbformat
import numpy as np

from utils import bars, config, data, exercises, models, report
from utils.machinery import assignments, launch, site, slides

NB = "01_basic_autoencoder"
NAN = float("nan")


def _image(h=40, w=40, seed=0):
    return np.random.default_rng(seed).random((h, w, 3)).astype(np.float32)


def _split(n=10):
    x, y = np.zeros((n, 28, 28, 1), np.float32), np.zeros(n, np.int64)
    return data.Split(x, y, x, y, x, y, source="embedded", class_names=data.DIGIT_CLASSES)


def _parts(k):
    """``k`` (images, labels) pairs of one blank image each, flattened for Split(...)."""
    return (np.zeros((1, 28, 28, 1), np.float32), np.zeros(1, np.int64)) * k


def _pick_with_env(name, value):
    with _env(**{name: value}):
        return _cfg("full").train_size(9, 3500)


def _cfg(mode="fast"):
    return config.Setup(notebook=NB, mode=mode, seed=0, data_source="embedded",
                        backend="tensorflow", bars=bars.BARS[NB])


@contextlib.contextmanager
def _env(**values):
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def _under_env(fn, **values):
    def call():
        with _env(**values):
            return fn()
    return call


def _in_tmp(fn):
    """Call ``fn(folder)`` with a fresh temporary folder."""
    def call():
        with tempfile.TemporaryDirectory() as folder:
            return fn(Path(folder))
    return call


def _cached_mnist(**overrides):
    """load_mnist('mnist') on a Keras cache holding an mnist.npz with ``overrides``."""
    def fn(folder):
        rng = np.random.default_rng(0)
        arrays = dict(x_train=rng.integers(0, 256, (20, 28, 28), dtype=np.uint8),
                      y_train=rng.integers(0, 10, 20, dtype=np.uint8),
                      x_test=rng.integers(0, 256, (5, 28, 28), dtype=np.uint8),
                      y_test=rng.integers(0, 10, 5, dtype=np.uint8))
        arrays.update(overrides)
        (folder / "datasets").mkdir()
        np.savez(folder / "datasets" / "mnist.npz", **arrays)
        with _env(KERAS_HOME=str(folder)):
            return data.load_mnist("mnist", verbose=False)
    return _in_tmp(fn)


def _keras_home_is_a_file(folder):
    home = folder / "keras_home"
    home.write_text("")
    with _env(KERAS_HOME=str(home)):
        return data.load_mnist("mnist", verbose=False)


CASES = [
    # ------------------------------------------------------------------------ data --
    ("Split.subset n_train 0", lambda: _split().subset(n_train=0), ValueError, "n_train is 0"),
    ("Split.subset n_val float", lambda: _split().subset(n_val=2.0), TypeError, "n_val is 2.0"),
    ("Split.subset n_test True", lambda: _split().subset(n_test=True), TypeError,
     "n_test is True"),
    ("Split.subset too many", lambda: _split().subset(n_train=11), ValueError,
     "n_train is 11 but the train split of 'embedded' has only 10"),
    ("Split x 3-D", lambda: data.Split(np.zeros((4, 28, 28)), np.zeros(4), *_parts(2),
                                       source="x", class_names=()),
     ValueError, r"x_train has shape \(4, 28, 28\)"),
    ("Split labels mismatch", lambda: data.Split(np.zeros((4, 28, 28, 1)), np.zeros(3),
                                                 *_parts(2), source="x", class_names=()),
     ValueError, "x_train has 4 images and y_train 3 labels"),
    ("Split class_names list", lambda: data.Split(*_parts(3), source="x", class_names=["0"]),
     TypeError, "class_names is"),
    ("flatten 2-D", lambda: data.flatten(np.zeros((3, 784))), ValueError,
     r"x has shape \(3, 784\)"),
    ("flatten NaN", lambda: data.flatten(np.full((2, 4, 4, 1), NAN)), ValueError,
     "x contains NaN"),
    ("flatten empty batch", lambda: data.flatten(np.zeros((0, 28, 28, 1))), ValueError,
     r"x has shape \(0, 28, 28, 1\)"),
    ("flatten string", lambda: data.flatten("images"), TypeError, "x is 'images'"),
    ("natural_image unknown", lambda: data.natural_image("lena"), ValueError,
     "name is 'lena'"),
    ("natural_image int", lambda: data.natural_image(3), TypeError, "name is 3"),
    ("natural_images unknown split", lambda: data.natural_images("dev"), ValueError,
     "split is 'dev'"),
    ("natural_images None", lambda: data.natural_images(None), TypeError, "split is None"),
    ("random_patches one array", lambda: data.random_patches(_image(), 2, 8), TypeError,
     "images is an array"),
    ("random_patches empty", lambda: data.random_patches([], 2, 8), ValueError,
     "images is empty"),
    ("random_patches 0..255", lambda: data.random_patches([_image() * 255], 2, 8), ValueError,
     r"images\[0\] has values.*divide by 255"),
    ("random_patches NaN", lambda: data.random_patches({"a": np.full((9, 9, 3), NAN)}, 2, 8),
     ValueError, r"images\['a'\] contains NaN"),
    ("random_patches grey", lambda: data.random_patches([_image()[..., 0]], 2, 8), ValueError,
     r"images\[0\] has shape \(40, 40\)"),
    ("random_patches batch in a list", lambda: data.random_patches([_image()[None]], 2, 8),
     ValueError, r"images\[0\] has shape \(1, 40, 40, 3\)"),
    ("random_patches two channels", lambda: data.random_patches([_image()[..., :2]], 2, 8),
     ValueError, r"images\[0\] has shape \(40, 40, 2\); expected \(H, W, 3\)"),
    ("random_patches n 0", lambda: data.random_patches([_image()], 0, 8), ValueError, "n is 0"),
    ("random_patches n float", lambda: data.random_patches([_image()], 2.0, 8), TypeError,
     "n is 2.0"),
    ("random_patches size True", lambda: data.random_patches([_image()], 2, True), TypeError,
     "size is True"),
    ("random_patches size too big", lambda: data.random_patches([_image()], 2, 41), ValueError,
     "size is 41"),
    ("random_patches seed -1", lambda: data.random_patches([_image()], 2, 8, seed=-1),
     ValueError, "seed is -1"),
    ("random_patches seed float", lambda: data.random_patches([_image()], 2, 8, seed=1.5),
     TypeError, "seed is 1.5"),
    ("random_patches flips", lambda: data.random_patches([_image()], 2, 8, flips="yes"),
     TypeError, "flips is 'yes'"),
    ("load_mnist fashion", lambda: data.load_mnist("fashion_mnist"), ValueError,
     "source is 'fashion_mnist'.*load_fashion_mnist"),
    ("load_mnist unknown", lambda: data.load_mnist("kaggle"), ValueError, "source is 'kaggle'"),
    ("load_mnist int source", lambda: data.load_mnist(5), TypeError, "source is 5"),
    ("load_mnist timeout NaN", lambda: data.load_mnist("embedded", timeout=NAN), ValueError,
     "timeout is NaN"),
    ("load_mnist timeout 0", lambda: data.load_mnist("embedded", timeout=0), ValueError,
     "timeout is 0"),
    ("load_mnist timeout True", lambda: data.load_mnist("embedded", timeout=True), TypeError,
     "timeout is True"),
    ("load_mnist verbose", lambda: data.load_mnist("embedded", verbose="no"), TypeError,
     "verbose is 'no'"),
    ("load_mnist float images", _cached_mnist(
        x_train=np.random.default_rng(0).random((20, 28, 28))), data.CacheError,
     "training images of dtype float64.*Delete"),
    ("load_mnist float labels", _cached_mnist(y_test=np.arange(5) * 1.0), data.CacheError,
     "test labels of dtype float64"),
    ("load_mnist one image", _cached_mnist(x_train=np.zeros((1, 28, 28), np.uint8),
                                           y_train=np.zeros(1, np.uint8)), data.CacheError,
     "holds 1 training images; expected at least 10"),
    ("load_mnist KERAS_HOME a file", _in_tmp(_keras_home_is_a_file), data.DataError,
     "is a file, not a folder"),
    ("load_fashion_mnist mnist", lambda: data.load_fashion_mnist("mnist"), ValueError,
     "source is 'mnist' but this loader reads 'fashion_mnist'"),
    ("load_fashion_mnist timeout -1", lambda: data.load_fashion_mnist("embedded", timeout=-1),
     ValueError, "timeout is -1"),
    ("load_fashion_mnist verbose", lambda: data.load_fashion_mnist("embedded", verbose=None),
     TypeError, "verbose is None"),
    ("load unknown", lambda: data.load("cifar10"), ValueError, "source is 'cifar10'"),
    ("load list", lambda: data.load(["mnist"]), TypeError, "source is"),
    ("load verbose", lambda: data.load("embedded", verbose=1), TypeError, "verbose is 1"),
    ("download timeout NaN", lambda: data.download("http://127.0.0.1:1/x", "x", timeout=NAN),
     ValueError, "timeout is NaN"),
    ("download timeout True", lambda: data.download("http://127.0.0.1:1/x", "x", timeout=True),
     TypeError, "timeout is True"),
    ("download url", lambda: data.download(None, "x"), TypeError, "url is None"),
    ("download dest", lambda: data.download("http://127.0.0.1:1/x", 3), TypeError, "dest is 3"),
    ("download sha256", lambda: data.download("http://127.0.0.1:1/x", "x", sha256=1),
     TypeError, "sha256 is 1"),
    # ---------------------------------------------------------------------- config --
    ("resolve_mode unknown", lambda: config.resolve_mode("slow"), config.ConfigError,
     "mode is 'slow'"),
    ("resolve_mode int", lambda: config.resolve_mode(1), TypeError, "mode is 1"),
    ("resolve_mode env", _under_env(config.resolve_mode, AE_MODE="quick"), config.ConfigError,
     "AE_MODE.*'quick'"),
    ("resolve_data_source unknown", lambda: config.resolve_data_source("full", "cifar"),
     config.ConfigError, "data_source is 'cifar'"),
    ("resolve_data_source mode", lambda: config.resolve_data_source("medium", "auto"),
     config.ConfigError, "mode is 'medium'"),
    ("resolve_data_source int", lambda: config.resolve_data_source("full", 3), TypeError,
     "data_source is 3"),
    ("resolve_backend env", _under_env(config.resolve_backend, AE_BACKEND="mxnet",
                                       KERAS_BACKEND="mxnet"),
     config.ConfigError, "'mxnet'"),
    ("resolve_max_train mode", lambda: config.resolve_max_train("medium"), config.ConfigError,
     "mode is 'medium'"),
    ("resolve_max_train env abc", _under_env(lambda: config.resolve_max_train("full"),
                                             AE_MAX_TRAIN="abc"),
     config.ConfigError, "AE_MAX_TRAIN is 'abc'"),
    ("resolve_max_train env 0", _under_env(lambda: config.resolve_max_train("full"),
                                           AE_MAX_TRAIN="0"),
     config.ConfigError, "AE_MAX_TRAIN is '0'"),
    ("seed_everything -1", lambda: config.seed_everything(-1), config.ConfigError,
     "seed is -1"),
    ("seed_everything True", lambda: config.seed_everything(True), TypeError, "seed is True"),
    ("seed_everything float", lambda: config.seed_everything(1.5), TypeError, "seed is 1.5"),
    ("one_per_class floats", lambda: data.one_per_class(np.array([0.0, 1.0])), TypeError,
     "labels has dtype float64"),
    ("one_per_class 2-d", lambda: data.one_per_class(np.zeros((2, 2), int)), ValueError,
     "labels"),
    ("exercise_check what", lambda: report.exercise_check("", 1.0), ValueError, "what is ''"),
    ("exercise_check bounds", lambda: report.exercise_check("r", 1.0, low=2, high=1), ValueError,
     "low is 2"),
    ("exercise_check low", lambda: report.exercise_check("r", 1.0, low="0"), TypeError,
     "low is '0'"),
    ("exercise_check value", lambda: report.exercise_check("r", "1.0"), TypeError,
     "value for 'r' is '1.0'"),
    ("show_code str", lambda: report.show_code("models"), TypeError, "obj is 'models'"),
    ("Setup.pick kinds", lambda: _cfg().pick([1, 2], (1, 2)), TypeError,
     r"fast is \[1, 2\] and full is \(1, 2\)"),
    ("Setup.train_size AE_MAX_TRAIN", lambda: _pick_with_env("AE_MAX_TRAIN", "lots"),
     config.ConfigError, "AE_MAX_TRAIN is 'lots'"),
    ("Setup.train_size zero", lambda: _cfg().train_size(0, 3500), config.ConfigError,
     "fast is 0"),
    ("Report.passed unknown", lambda: report.Report(_cfg()).passed("psnr"), KeyError,
     "name is 'psnr'"),
    ("Report.passed not yet", lambda: report.Report(_cfg()).passed("min_principal_cosine"),
     KeyError, "nothing was recorded"),
    ("setup notebook", lambda: config.setup("99_nothing", verbose=False), config.ConfigError,
     "notebook is '99_nothing'"),
    ("setup seed -1", lambda: config.setup(NB, seed=-1, verbose=False), config.ConfigError,
     "seed is -1"),
    ("setup seed True", lambda: config.setup(NB, seed=True, verbose=False), TypeError,
     "seed is True"),
    ("setup mode", lambda: config.setup(NB, mode="slow", verbose=False), config.ConfigError,
     "'slow'"),
    ("setup data_source", lambda: config.setup(NB, data_source=5, verbose=False), TypeError,
     "data_source is 5"),
    ("setup verbose", lambda: config.setup(NB, verbose="yes"), TypeError, "verbose is 'yes'"),
    ("setup AE_SEED -1", _under_env(lambda: config.setup(NB, verbose=False), AE_SEED="-1"),
     config.ConfigError, "AE_SEED is '-1'"),
    ("setup AE_SEED 1.5", _under_env(lambda: config.setup(NB, verbose=False), AE_SEED="1.5"),
     config.ConfigError, "AE_SEED is '1.5'"),
    ("Setup mode", lambda: config.Setup(NB, "slow", 0, "embedded", "tensorflow", {}),
     ValueError, "mode is 'slow'"),
    ("Setup seed", lambda: config.Setup(NB, "fast", -2, "embedded", "tensorflow", {}),
     ValueError, "seed is -2"),
    ("Setup backend", lambda: config.Setup(NB, "fast", 0, "embedded", "mxnet", {}),
     ValueError, "backend is 'mxnet'"),
    ("Setup data_source", lambda: config.Setup(NB, "fast", 0, "kaggle", "jax", {}),
     ValueError, "data_source is 'kaggle'"),
    ("Setup bars", lambda: config.Setup(NB, "fast", 0, "auto", "jax", []), TypeError,
     "bars is list"),
    ("Setup.bar unknown", lambda: _cfg().bar("psnr"), KeyError, "name is 'psnr'"),
    ("Setup.bar int", lambda: _cfg().bar(0), TypeError, "name is 0"),
    # ---------------------------------------------------------------------- report --
    ("shows spec list", lambda: bars.shows([]), TypeError, r"spec is \[\]"),
    ("shows unknown", lambda: bars.shows(dict(shows="success")), ValueError,
     r"spec\['shows'\] is 'success'"),
    ("passes op", lambda: bars.passes(1.0, "<", 2.0), ValueError, "op is '<'"),
    ("passes threshold NaN", lambda: bars.passes(1.0, "<=", NAN), ValueError,
     "threshold is NaN"),
    ("passes value string", lambda: bars.passes("1", "<=", 2.0), TypeError, "value is '1'"),
    ("passes value bool", lambda: bars.passes(True, ">=", 0.5), TypeError, "value is True"),
    ("passes value array", lambda: bars.passes(np.ones(3), ">=", 0.5), ValueError,
     r"value is an array of shape \(3,\)"),
    ("Report cfg", lambda: report.Report({"mode": "fast"}), TypeError, "expected the Setup"),
    ("Report data_source", lambda: report.Report(_cfg(), data_source="  "), ValueError,
     "data_source is '  '"),
    ("Report.record unknown", lambda: report.Report(_cfg()).record("psnr", 1.0), KeyError,
     "name is 'psnr'"),
    ("Report.record value", lambda: report.Report(_cfg()).record("min_principal_cosine", "hi"),
     TypeError, "value for 'min_principal_cosine' is 'hi'"),
    ("Report.record bool", lambda: report.Report(_cfg()).record("min_principal_cosine", True),
     TypeError, "value for 'min_principal_cosine' is True"),
    ("Report.record None", lambda: report.Report(_cfg()).record("min_principal_cosine", None),
     TypeError, "value for 'min_principal_cosine' is None"),
    ("Report.note name", lambda: report.Report(_cfg()).note("", 1.0, "x"), ValueError,
     "name is ''"),
    ("Report.note text", lambda: report.Report(_cfg()).note("n", 1.0, None), TypeError,
     "text is None"),
    ("Report.note value", lambda: report.Report(_cfg()).note("n", "many", "x"), TypeError,
     "value for 'n' is 'many'"),
    ("Report.note bar", lambda: report.Report(_cfg()).note("min_principal_cosine", 1.0, "x"),
     ValueError, "has a bar"),
    ("Table not a list", lambda: report.Table({"a": 1}), TypeError, "rows is"),
    ("Table empty", lambda: report.Table([]), ValueError, "rows is empty"),
    ("Table row not a dict", lambda: report.Table([dict(a=1), (1,)]), TypeError,
     r"rows\[1\] is \(1,\)"),
    ("Table columns differ", lambda: report.Table([dict(a=1), dict(b=2)]), ValueError,
     "row 1 has columns"),
    ("Table digits 0", lambda: report.Table([dict(a=1.0)], digits=0), ValueError,
     "digits is 0"),
    ("Table digits float", lambda: report.Table([dict(a=1.0)], digits=3.0), TypeError,
     "digits is 3.0"),
    ("Table title", lambda: report.Table([dict(a=1.0)], title=1), TypeError, "title is 1"),
    # ---------------------------------------------------------------------- slides --
    ("slide_type str", lambda: slides.slide_type("# T"), TypeError, "cell is '# T'"),
    ("slide_type no keys", lambda: slides.slide_type({}), ValueError, "cell has keys"),
    ("slide_type cell_type", lambda: slides.slide_type({"cell_type": "md", "source": ""}),
     ValueError, r"cell\['cell_type'\] is 'md'"),
    ("tag_notebook list", lambda: slides.tag_notebook([]), TypeError, "nb is"),
    ("tag_notebook cell", lambda: slides.tag_notebook({"cells": [1]}), TypeError,
     r"nb.cells\[0\] is 1"),
    ("untagged_cells None", lambda: slides.untagged_cells(None), TypeError, "nb is None"),
    ("loaded_urls None", lambda: slides.loaded_urls(None), TypeError, "html is None"),
    ("remote_loads bytes", lambda: slides.remote_loads(b"<p>"), TypeError, "html is b'<p>'"),
    ("copy_assets dest", lambda: slides.copy_assets(3), TypeError, "dest is 3"),
    ("copy_assets node_modules", lambda: slides.copy_assets("out", node_modules=""),
     ValueError, "node_modules is ''"),
    ("copy_assets missing npm", _in_tmp(lambda f: slides.copy_assets(f, f / "none")),
     FileNotFoundError, "npm ci --prefix slides"),
    ("export_deck missing", lambda: slides.export_deck("no/such.ipynb", "out"),
     FileNotFoundError, "notebook is 'no/such.ipynb'"),
    ("export_deck int", lambda: slides.export_deck(1, "out"), TypeError, "notebook is 1"),
    ("main str", lambda: slides.main("--tag"), TypeError, "argv is '--tag'"),
    ("main non-str", lambda: slides.main(["--out", 1]), TypeError, r"argv\[1\] is 1"),
    # ----------------------------------------------------------------- assignments --
    ("exercises list", lambda: assignments.exercises([]), TypeError, r"nb is \[\]"),
    ("exercises none", lambda: assignments.exercises({"cells": [{"cell_type": "code", "source": "x"}]}),
     ValueError, "no exercises"),
    ("exercises cell", lambda: assignments.exercises({"cells": [3]}), TypeError, r"nb.cells\[0\] is 3"),
    ("autograder_notebook points", lambda: assignments.autograder_notebook(
        {"cells": [{"cell_type": "code", "source": "x", "metadata": {"tags": ["solution"]}}]},
        points=0), ValueError, "points is 0"),
    ("generate str", lambda: assignments.generate("01.ipynb"), TypeError, "notebooks is '01.ipynb'"),
    ("generate empty", _in_tmp(lambda f: assignments.generate([], out=f, course=f)), ValueError,
     "no notebooks given"),
    ("generate missing", _in_tmp(lambda f: assignments.generate([f / "99_no.ipynb"], out=f, course=f)),
     ValueError, "99_no.ipynb does not exist"),
    ("autograde int", lambda: assignments.autograde(3), TypeError, "submissions is 3"),
    ("sample_submissions out", lambda: assignments.sample_submissions(None), TypeError, "out is None"),
    ("sample_submissions variants", _in_tmp(lambda f: assignments.sample_submissions(
        f, assignments=f, variants=("perfect",))), ValueError, "variants is"),
    ("sample_submissions none", _in_tmp(lambda f: assignments.sample_submissions(f, assignments=f)),
     ValueError, "no assignments in"),
    ("assignments main str", lambda: assignments.main("generate"), TypeError, "argv is 'generate'"),
    # ---------------------------------------------------------------------- launch --
    ("repository_url int", lambda: launch.repository_url(3), TypeError, "pyproject is 3"),
    ("links gitlab", lambda: launch.links("https://gitlab.com/a/b", "01_a.ipynb"), ValueError,
     "url is 'https://gitlab.com/a/b'"),
    ("links notebook", lambda: launch.links("https://github.com/a/b", 3), TypeError, "notebook is 3"),
    ("badges notebook", lambda: launch.badges("https://github.com/a/b", "01_a"), ValueError,
     "notebook is '01_a'"),
    ("colab_cell int", lambda: launch.colab_cell(3), TypeError, "url is 3"),
    ("apply list", lambda: launch.apply([], None, "01_a.ipynb"), TypeError, r"nb is \[\]"),
    ("apply notebook", lambda: launch.apply({"cells": []}, None, 1), TypeError, "notebook is 1"),
    ("launch main str", lambda: launch.main("--check"), TypeError, "argv is '--check'"),
    # ------------------------------------------------------------------------ site --
    ("readme_section int", lambda: site.readme_section(3, "## A"), TypeError, "readme is 3"),
    ("readme_section missing", lambda: site.readme_section("# T", "## A"), ValueError,
     "heading is '## A'"),
    ("readme_intro none", lambda: site.readme_intro(None), TypeError, "readme is None"),
    ("results_rows list", lambda: site.results_rows([]), TypeError, r"nb is \[\]"),
    ("time_line none", lambda: site.time_line({"cells": [{"cell_type": "markdown", "source": ""}]}),
     ValueError, r"no \*\*Time:\*\* line"),
    ("title cells", lambda: site.title({"cells": 1}), TypeError, "nb is"),
    ("chosen_notebooks int", lambda: site.chosen_notebooks(3), TypeError, "notebook_dir is 3"),
    ("chosen_notebooks empty", _in_tmp(lambda f: site.chosen_notebooks(f, f)), ValueError,
     "no notebooks in"),
    ("write_sources vendor", _in_tmp(lambda f: site.write_sources(f / "s", vendor="yes")),
     TypeError, "vendor is 'yes'"),
    ("write_sources src", lambda: site.write_sources(None), TypeError, "src is None"),
    ("build_site out", lambda: site.build_site(5), TypeError, "out is 5"),
    ("site main str", lambda: site.main("--out"), TypeError, "argv is '--out'"),
]
# seeds in the range NumPy's legacy seeding takes (the run's seed seeds np.random and Keras);
# 0..255 images refused
LEGACY_SEED = r"expected an integer seed in \[0, 4294967295\] \(what numpy.random.seed"
CASES += [
    ("seed_everything 2**32", lambda: config.seed_everything(2 ** 32), config.ConfigError,
     r"seed is 4294967296; " + LEGACY_SEED),
    ("setup seed 2**32", lambda: config.setup(NB, seed=2 ** 32, verbose=False),
     config.ConfigError, r"seed is 4294967296; " + LEGACY_SEED),
    ("setup AE_SEED 2**32", _under_env(lambda: config.setup(NB, verbose=False),
                                       AE_SEED=str(2 ** 32)),
     config.ConfigError, r"AE_SEED is '4294967296'; expected an integer seed in \[0, 4294967295\]"),
    ("Setup seed 2**40", lambda: config.Setup(NB, "fast", 2 ** 40, "embedded", "tensorflow", {}),
     ValueError, r"seed is 1099511627776; " + LEGACY_SEED),
    ("write_synthetic_mnist seed -1", lambda: data.write_synthetic_mnist("/tmp/m.npz", seed=-1),
     ValueError, r"seed is -1; expected an integer seed >= 0"),
    ("write_synthetic_mnist seed float", lambda: data.write_synthetic_mnist("/tmp/m.npz",
                                                                            seed=0.5),
     TypeError, "seed is 0.5"),
    ("flatten 0..255", lambda: data.flatten(np.full((2, 4, 4, 1), 128.0)), ValueError,
     r"x has values in \[128, 128\].*divide by 255"),
]

# The exercises' checks: what a student hands in that is not the object asked for.
_X = np.zeros((4, 28, 28, 1), np.float32)
_NOT_DONE = report.ExerciseNotDone
CASES += [
    ("linear_autoencoder None", lambda: exercises.linear_autoencoder(None), _NOT_DONE,
     "no result yet"),
    ("linear_autoencoder number", lambda: exercises.linear_autoencoder(0.97), _NOT_DONE,
     "is a float; expected a function"),
    ("close_to_pca number", lambda: exercises.close_to_pca(0.97, None, _X, _X, 3, high=1.0,
                                                           lesson=[]), _NOT_DONE,
     "is a float; expected a Keras model"),
    ("greedy_step number", lambda: exercises.greedy_step(3), _NOT_DONE, "expected a function"),
    ("kl_penalty function", lambda: exercises.kl_penalty(lambda h: 0.0), _NOT_DONE,
     "expected a class"),
    ("sparse_code None", lambda: exercises.sparse_code(None, object, _X, low=0, high=1,
                                                       lesson=[], weight=0.1), _NOT_DONE,
     "no result yet"),
    ("conv_denoiser ...", lambda: exercises.conv_denoiser(...), _NOT_DONE, "no result yet"),
    ("denoises str", lambda: exercises.denoises("mine", None, _X, _X, low_db=3, lesson=[]),
     _NOT_DONE, "expected a Keras model"),
    ("unblend None", lambda: exercises.unblend(None), _NOT_DONE, "no result yet"),
    ("sampling_layer instance", lambda: exercises.sampling_layer(object()), _NOT_DONE,
     "expected a class"),
    ("independent_pixels number", lambda: exercises.independent_pixels(212.0, _X), _NOT_DONE,
     "expected a function"),
    ("without_digit None", lambda: exercises.without_digit(None), _NOT_DONE, "no result yet"),
    ("retrained number", lambda: exercises.retrained(0.5, None, _X, None, lesson=[], left_out=9), _NOT_DONE,
     "expected a Keras model"),
    ("architecture str", lambda: models.architecture("model"), TypeError, "model is str"),
    ("bundle int", lambda: assignments.bundle(3), TypeError, "out is 3"),
    ("bundle none", _in_tmp(lambda f: assignments.bundle(f / "b", assignments=f / "none")),
     ValueError, "no assignments in"),
    ("fill unknown exercise", lambda: assignments.fill(
        nbformat.v4.new_notebook(), nbformat.v4.new_notebook(), {"exercise_9": "x = 1"}), ValueError, r"changes name \['exercise_9'\]"),
    ("pick_submissions str", lambda: assignments.pick_submissions(Path("/nonexistent"), "01"),
     TypeError, "released is '01'"),
    ("tampering int", lambda: assignments.tampering(3, nbformat.v4.new_notebook()), TypeError,
     "nb is 3"),
    ("restore_checks no exercises", lambda: assignments.restore_checks(
        {"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}, {"cells": []}),
     ValueError, "no exercises"),
]


COVERED = {
    "data.Split", "data.flatten", "data.one_per_class", "data.natural_image", "data.natural_images",
    "data.random_patches", "data.load_mnist", "data.load_fashion_mnist", "data.load",
    "data.download", "data.DataError", "data.CacheError",
    "config.resolve_mode", "config.resolve_data_source", "config.resolve_backend",
    "config.resolve_max_train", "config.seed_everything", "config.setup",
    "config.Setup", "config.ConfigError",
    "bars.passes", "bars.shows", "report.Report", "report.Table", "report.exercise_check",
    "report.show_code",
    "slides.slide_type", "slides.tag_notebook", "slides.untagged_cells", "slides.copy_assets",
    "slides.loaded_urls", "slides.remote_loads", "slides.export_deck", "slides.main",
    "assignments.exercises", "assignments.autograder_notebook", "assignments.generate",
    "assignments.autograde", "assignments.main", "assignments.sample_submissions",
    "assignments.bundle", "assignments.fill", "assignments.pick_submissions",
    "assignments.restore_checks", "assignments.tampering", "models.architecture",
    "exercises.linear_autoencoder", "exercises.close_to_pca", "exercises.greedy_step",
    "exercises.kl_penalty", "exercises.sparse_code", "exercises.conv_denoiser",
    "exercises.denoises", "exercises.unblend", "exercises.sampling_layer",
    "exercises.independent_pixels", "exercises.without_digit", "exercises.retrained",
    "launch.repository_url", "launch.links", "launch.badges", "launch.colab_cell",
    "launch.apply", "launch.main",
    "site.readme_section", "site.readme_intro", "site.results_rows", "site.time_line",
    "site.title", "site.chosen_notebooks", "site.write_sources", "site.build_site", "site.main",
}
