from pathlib import Path
import dataclasses
import keras
import numpy as np
import pytest

from utils import bars, config

NB = "01_basic_autoencoder"


@pytest.mark.parametrize("env, ci, expected", [
    ("fast", None, "fast"), ("full", None, "full"), ("FULL", "1", "full"),
    (None, "true", "fast"), (None, None, "full"),
])
def test_resolve_mode(monkeypatch, env, ci, expected):
    for name, value in (("AE_MODE", env), ("CI", ci)):
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    assert config.resolve_mode() == expected


def test_resolve_mode_bad_value_names_variable(monkeypatch):
    monkeypatch.setenv("AE_MODE", "quick")
    with pytest.raises(config.ConfigError, match=r"AE_MODE.*'quick'.*fast"):
        config.resolve_mode()


def test_data_source_fast_mode_is_always_embedded(monkeypatch):
    monkeypatch.setenv("AE_DATA", "mnist")
    assert config.resolve_data_source("fast") == "embedded"
    assert config.resolve_data_source("full") == "mnist"
    monkeypatch.setenv("AE_DATA", "cifar")
    with pytest.raises(config.ConfigError, match="AE_DATA.*'cifar'"):
        config.resolve_data_source("full")


def test_backend_resolution(monkeypatch):
    monkeypatch.delenv("AE_BACKEND", raising=False)
    monkeypatch.delenv("KERAS_BACKEND", raising=False)
    assert config.resolve_backend() == "tensorflow"
    monkeypatch.setenv("AE_BACKEND", "jax")
    assert config.resolve_backend() == "jax"
    monkeypatch.setenv("KERAS_BACKEND", "torch")
    with pytest.raises(config.ConfigError, match="AE_BACKEND.*KERAS_BACKEND"):
        config.resolve_backend()
    monkeypatch.delenv("KERAS_BACKEND")
    monkeypatch.setenv("AE_BACKEND", "mxnet")
    with pytest.raises(config.ConfigError, match="'mxnet'"):
        config.resolve_backend()


def _cfg(mode="fast"):
    return config.Setup(notebook=NB, mode=mode, seed=0, data_source="embedded",
                        backend="tensorflow", bars=bars.BARS[NB])


def test_pick_returns_the_modes_value():
    assert _cfg("fast").pick(1, 60) == 1
    assert _cfg("full").pick(1, 60) == 60
    assert _cfg("full").pick((2, 8), (2, 8, 32)) == (2, 8, 32)
    assert _cfg("full").pick(None, 5) == 5 and _cfg("fast").pick(None, 5) is None
    assert _cfg("full").pick(3, 1.5) == 1.5        # numbers of either kind


def test_pick_refuses_values_of_different_kinds():
    with pytest.raises(TypeError, match="fast is 3 and full is '40'"):
        _cfg().pick(3, "40")
    with pytest.raises(TypeError, match="fast is True and full is 1"):
        _cfg().pick(True, 1)
    with pytest.raises(TypeError):
        _cfg().pick(fast=3, full=40)            # positional: one '=' a line for papermill


def test_bars_have_op_and_both_modes_and_fast_is_not_stricter():
    for nb, of_notebook in bars.BARS.items():
        for name, spec in of_notebook.items():
            assert spec["op"] in ("<=", ">="), name
            assert {"fast", "full", "text"} <= set(spec), name
            assert spec["full"] is not None, name  # fast=None: judged in full mode only
            if spec["fast"] is None:
                continue
            if spec["op"] == "<=":
                assert spec["fast"] >= spec["full"], name
            else:
                assert spec["fast"] <= spec["full"], name


def test_setup_returns_mode_seed_and_bars(monkeypatch, capsys):
    monkeypatch.delenv("AE_BACKEND", raising=False)
    monkeypatch.delenv("KERAS_BACKEND", raising=False)
    session = keras.backend.backend()
    if session != "tensorflow":  # `make test-backends`: this session runs on another backend
        monkeypatch.setenv("AE_BACKEND", session)
    cfg = config.setup(NB, mode="fast", seed=3)
    assert cfg.mode == "fast" and cfg.seed == 3 and cfg.data_source == "embedded"
    assert cfg.backend == keras.backend.backend() == session
    assert cfg.bar("linear_ae_mse_over_pca") == ("<=", bars.BARS[NB]["linear_ae_mse_over_pca"]["fast"])
    assert "mode=fast" in capsys.readouterr().out
    with pytest.raises(dataclasses.FrozenInstanceError):
        cfg.mode = "full"


def test_setup_seeds_numpy_and_keras():
    config.setup(NB, mode="fast", seed=7, verbose=False)
    a = np.random.rand(3), keras.ops.convert_to_numpy(keras.random.normal((3,)))
    config.setup(NB, mode="fast", seed=7, verbose=False)
    b = np.random.rand(3), keras.ops.convert_to_numpy(keras.random.normal((3,)))
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])


@pytest.mark.parametrize("kwargs, match", [
    (dict(notebook="99_nothing"), "notebook is '99_nothing'"),
    (dict(notebook=NB, seed=-1), "seed is -1"),
    (dict(notebook=NB, mode="slow"), "'slow'"),
    (dict(notebook=NB, data_source="cifar"), "data_source is 'cifar'"),
])
def test_setup_bad_input(kwargs, match):
    with pytest.raises(config.ConfigError, match=match):
        config.setup(verbose=False, **kwargs)


@pytest.mark.parametrize("kwargs, match", [
    (dict(notebook=1), "notebook is 1"),
    (dict(notebook=NB, seed=True), "seed is True"),
    (dict(notebook=NB, seed=2.0), "seed is 2.0"),
    (dict(notebook=NB, mode=1), "mode is 1"),
    (dict(notebook=NB, data_source=["mnist"]), "data_source is"),
    (dict(notebook=NB, verbose="no"), "verbose is 'no'"),
])
def test_setup_wrong_types(kwargs, match):
    with pytest.raises(TypeError, match=match):
        config.setup(**{"verbose": False, **kwargs})


def test_setup_bad_seed_env(monkeypatch):
    monkeypatch.setenv("AE_SEED", "abc")
    with pytest.raises(config.ConfigError, match="AE_SEED is 'abc'"):
        config.setup(NB, verbose=False)


def test_training_is_deterministic_under_a_seed():
    from utils import models

    def train_once():
        config.setup(NB, mode="fast", seed=11, verbose=False)
        x = np.random.rand(64, 6).astype("float32")
        parts = models.build_dense_autoencoder((6,), code_dim=2, hidden=(8,), input_noise=0.1)
        parts.autoencoder.compile(keras.optimizers.Adam(1e-2), "mse")
        parts.autoencoder.fit(x, x, epochs=3, batch_size=16, verbose=0)
        return parts.autoencoder.get_weights()

    for a, b in zip(train_once(), train_once()):
        np.testing.assert_array_equal(a, b)


def test_setup_keeps_native_start_up_lines_out_of_stderr():
    """TensorFlow's C++ start-up lines ("Could not find cuda drivers ...") would end up in
    every notebook's first output; setup() imports Keras with fd 2 silenced."""
    import subprocess
    import sys

    code = ("from utils import config; config.setup('01_basic_autoencoder', verbose=False); "
            "import sys; print('after', file=sys.stderr)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120, env={**__import__("os").environ, "AE_MODE": "fast"})
    assert out.returncode == 0, out.stderr
    assert "cuda" not in out.stderr and "absl" not in out.stderr
    assert out.stderr.strip().endswith("after")  # stderr itself works again afterwards


# ---------------------------------------------------------------- AE_MAX_TRAIN --
def test_full_mode_trains_on_3500_images_by_default(monkeypatch):
    monkeypatch.delenv("AE_MAX_TRAIN", raising=False)
    assert config.resolve_max_train("full") == config.FULL_TRAIN == 3500
    assert _cfg("full").train_size(9, 3500) == 3500


@pytest.mark.parametrize("raw, expected", [("all", None), ("ALL", None), ("10000", 10000),
                                           (" 5000 ", 5000)])
def test_ae_max_train_asks_for_more_images_in_full_mode(monkeypatch, raw, expected):
    monkeypatch.setenv("AE_MAX_TRAIN", raw)
    assert config.resolve_max_train("full") == expected
    assert _cfg("full").train_size(9, 3500) == expected
    assert _cfg("full").pick(9, 500) == 500  # only the training size follows it


@pytest.mark.parametrize("raw", ["abc", "0", "-5", "1.5"])
def test_bad_ae_max_train_names_the_variable(monkeypatch, raw):
    monkeypatch.setenv("AE_MAX_TRAIN", raw)
    with pytest.raises(config.ConfigError, match=f"AE_MAX_TRAIN is '{raw}'"):
        _cfg("full").train_size(9, 3500)


@pytest.mark.parametrize("raw", ["all", "10000", "abc"])
def test_fast_mode_ignores_ae_max_train(monkeypatch, raw):
    monkeypatch.setenv("AE_MAX_TRAIN", raw)
    assert _cfg("fast").train_size(9, 3500) == 9


# ---------------------------------------------------------------------- seeds --
@pytest.mark.parametrize("raw", ["-1", "1.5", "seven"])
def test_bad_ae_seed_names_the_variable(monkeypatch, raw):
    """Before: AE_SEED=-1 failed with "seed is -1", not naming the variable."""
    monkeypatch.setenv("AE_SEED", raw)
    with pytest.raises(config.ConfigError, match=f"AE_SEED is '{raw}'"):
        config.setup(NB, verbose=False)


def test_ae_seed_is_used(monkeypatch):
    monkeypatch.setenv("AE_SEED", "5")
    assert config.setup(NB, mode="fast", verbose=False).seed == 5


def test_numpy_integer_seed_is_accepted_and_seeds_the_same():
    config.seed_everything(np.int64(4))
    a = np.random.rand(3)
    cfg = config.setup(NB, mode="fast", seed=np.int64(4), verbose=False)
    assert cfg.seed == 4 and type(cfg.seed) is int
    np.testing.assert_array_equal(a, np.random.rand(3))


@pytest.mark.parametrize("seed, error", [(True, TypeError), (1.5, TypeError), ("3", TypeError),
                                         (-1, config.ConfigError)])
def test_seed_everything_refuses_what_is_not_a_seed(seed, error):
    with pytest.raises(error, match="seed is"):
        config.seed_everything(seed)


def test_unknown_bar_is_named():
    cfg = config.Setup(notebook=NB, mode="fast", seed=0, data_source="embedded",
                       backend="tensorflow", bars=bars.BARS[NB])
    with pytest.raises(KeyError, match="name is 'psnr'.*linear_ae_mse_over_pca"):
        cfg.bar("psnr")


def test_every_notebook_has_a_headline_bar():
    from utils.machinery import runner as _course, site

    stems = [p.stem for p in _course.discover(Path(__file__).resolve().parent.parent / "notebooks")]
    assert sorted(site.HEADLINES) == sorted(stems)
    for nb, name in site.HEADLINES.items():
        assert name in bars.BARS[nb], (nb, name)
