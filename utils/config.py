"""Run mode, seeding, backend and log set-up: the one call at the top of every notebook.

``setup("01_basic_autoencoder")`` reads the environment, quiets TensorFlow, seeds every
random generator, and hands the notebook the bars its results are shown against
(``utils.bars``: the course's contract, judged by the runner and CI). The lesson's settings —
model choices and the run budget per mode — live in each notebook's settings cell:
one setting a line, ``EPOCHS = cfg.pick(3, 40)``, which returns the current mode's value
(fast, then full; ``cfg.train_size`` for the number of training images). A notebook never branches on
the mode itself.

Environment variables
---------------------
``AE_MODE``     ``fast`` or ``full``. Unset: ``fast`` when ``CI`` is set, else ``full``.
``AE_DATA``     ``auto`` | ``embedded`` | ``mnist`` | ``fashion_mnist`` (default ``auto``).
                Fast mode always uses ``embedded`` (CI has no network).
``AE_SEED``     integer seed (default 0).
``KERAS_BACKEND`` / ``AE_BACKEND``  Keras backend (default ``tensorflow``).
``AE_MAX_TRAIN`` full mode only: ``all`` or a number of training images instead of
                the 3,500 full mode uses on every data set (``FULL_TRAIN``).
"""

from __future__ import annotations

import os
import random
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Mapping

from ._validate import (LEGACY_SEED_MAX, check_bool, check_choice, check_int, check_same_kind,
                        check_seed, check_str)
from .bars import BARS

MODES = ("fast", "full")
# The one list of data sources (AE_DATA); ``data.SOURCES`` is this tuple.
DATA_SOURCES = ("auto", "embedded", "mnist", "fashion_mnist")
BACKENDS = ("tensorflow", "jax", "torch")

# Full mode trains on this many images whatever the data set: the 3,500 / 500 / 1,000 of
# the embedded digits. Keras's MNIST has 55,000 / 5,000 / 10,000; full mode takes the first
# 3,500 / 500 / 1,000 of its (shuffled) parts, so a notebook costs the same online as
# offline. ``AE_MAX_TRAIN=all`` (or a number) asks for more training images: the budgets
# stay in epochs, so the run then takes about n_train / 3,500 times as long.
FULL_TRAIN, FULL_VAL, FULL_TEST = 3500, 500, 1000



class ConfigError(ValueError):
    """A set-up argument or environment variable has a value the course cannot use."""


def _seed(value) -> int:
    """The run's seed: it seeds Python, NumPy's legacy generator and Keras
    (``keras.utils.set_random_seed``), so an integer in [0, 2**32 - 1]."""
    return _config_value(check_seed, "seed", value, allow_none=False, generator=False,
                         high=LEGACY_SEED_MAX)


def _config_value(check, *args, **kwargs):
    """Run a ``_validate`` check; a wrong value (ValueError) becomes a ``ConfigError`` (still
    a ValueError), a wrong type stays a TypeError."""
    try:
        return check(*args, **kwargs)
    except ConfigError:
        raise
    except ValueError as exc:
        raise ConfigError(str(exc)) from None


class _AttrDict(Mapping):
    """A read-only mapping whose keys are also attributes (``cfg.budget.epochs``)."""

    def __init__(self, data: Mapping[str, Any], what: str):
        object.__setattr__(self, "_data", MappingProxyType(dict(data)))
        object.__setattr__(self, "_what", what)

    def __getitem__(self, key):
        try:
            return self._data[key]
        except KeyError:
            raise KeyError(f"{self._what} has no entry {key!r}; it has: "
                           f"{', '.join(sorted(self._data))}") from None

    def __getattr__(self, key):
        if key.startswith("_"):
            raise AttributeError(key)
        try:
            return self[key]
        except KeyError as exc:
            raise AttributeError(str(exc)) from None

    def __iter__(self):
        return iter(self._data)

    def __len__(self):
        return len(self._data)

    def __setattr__(self, key, value):
        raise AttributeError(f"{self._what} is read-only")

    def __repr__(self):
        return f"{self._what}({dict(self._data)!r})"


@dataclass(frozen=True)
class Setup:
    """What ``setup`` decided: mode, seed, data source, backend and bars."""

    notebook: str
    mode: str
    seed: int
    data_source: str
    backend: str
    bars: Mapping[str, Mapping[str, Any]] = field(repr=False)

    def __post_init__(self):
        check_str("notebook", self.notebook)
        _config_value(check_choice, "mode", self.mode, MODES)
        object.__setattr__(self, "seed", _seed(self.seed))
        _config_value(check_choice, "data_source", self.data_source, DATA_SOURCES)
        _config_value(check_choice, "backend", self.backend, BACKENDS)
        if not isinstance(self.bars, Mapping):
            raise TypeError(f"bars is {type(self.bars).__name__}; expected a mapping (what "
                            "utils.bars.BARS gives).")

    def pick(self, fast: Any, full: Any, /) -> Any:
        """The value of one setting in the current mode: ``EPOCHS = cfg.pick(3, 40)`` is 3
        in fast mode and 40 in full mode. One setting a line, with one ``=``, so that a
        student (or papermill's parameters) sets it for both modes by assigning a value.

        Args:
            fast, full: the setting in each mode, of the same kind (both numbers, both
                tuples, both strings, ...); ``None`` goes with anything.
        """
        check_same_kind("fast", fast, "full", full, example="cfg.pick(3, 40)")
        return fast if self.mode == "fast" else full

    def train_size(self, fast: int, full: int, /) -> int | None:
        """``pick`` for the number of training images: in full mode ``AE_MAX_TRAIN``, when
        set, replaces ``full`` (``None`` for ``all``; see the module's docstring)."""
        fast = _config_value(check_int, "fast", fast, low=1)
        full = _config_value(check_int, "full", full, low=1)
        if self.mode == "fast":
            return fast
        return resolve_max_train("full") if _env("AE_MAX_TRAIN") is not None else full

    def bar(self, name: str) -> tuple[str, float]:
        """Return ``(op, threshold)`` of the bar called ``name`` for the current mode
        (threshold ``None``: judged in full mode only)."""
        check_str("name", name)
        if name not in self.bars:
            raise KeyError(f"name is {name!r}; notebook {self.notebook} has bars "
                           f"{sorted(self.bars)}.")
        spec = self.bars[name]
        return spec["op"], spec[self.mode]

    def summary(self) -> str:
        return (f"{self.notebook}: mode={self.mode}, data={self.data_source}, "
                f"backend={self.backend}, seed={self.seed}")


def _env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip()


def resolve_mode(mode: str | None = None) -> str:
    """The run mode: the argument, else ``AE_MODE``, else fast under CI, else full."""
    name = "mode"
    if mode is None:
        mode, name = _env("AE_MODE"), "AE_MODE"
    if mode is None:
        mode = "fast" if _env("CI") else "full"
    mode = _config_value(check_str, name, mode).lower()
    return _config_value(check_choice, name, mode, MODES)


def resolve_data_source(mode: str, source: str | None = None) -> str:
    """The data source: the argument, else ``AE_DATA``, else ``auto``; fast mode → embedded."""
    mode = _config_value(check_choice, "mode", mode, MODES)
    name = "data_source"
    if source is None:
        source, name = _env("AE_DATA", "auto"), "AE_DATA"
    source = _config_value(check_str, name, source).lower()
    _config_value(check_choice, name, source, DATA_SOURCES)
    if mode == "fast":
        return "embedded"
    return source


def resolve_backend() -> str:
    """The Keras backend from ``AE_BACKEND`` or ``KERAS_BACKEND`` (default tensorflow)."""
    ae, keras_env = _env("AE_BACKEND"), _env("KERAS_BACKEND")
    if ae and keras_env and ae != keras_env:
        raise ConfigError(f"AE_BACKEND is {ae!r} but KERAS_BACKEND is {keras_env!r}; "
                          "set one of them, or both to the same backend.")
    backend = (ae or keras_env or "tensorflow").lower()
    if backend not in BACKENDS:
        raise ConfigError(f"backend (AE_BACKEND / KERAS_BACKEND) is {backend!r}; "
                          f"expected one of {BACKENDS}.")
    return backend


# What quiet_logs sets where the user has not set it (also the kernels' environment of the
# course runner, which leaves the caller's os.environ alone).
QUIET_ENV = MappingProxyType({"TF_CPP_MIN_LOG_LEVEL": "3", "TF_ENABLE_ONEDNN_OPTS": "0",
                              "PYTHONHASHSEED": "0"})


def quiet_logs() -> None:
    """Quiet TensorFlow's C++ logs and oneDNN notices (call before TensorFlow is imported).

    Level 3 rather than 2: TF 2.21's tf.data prints a harmless "NodeDef mentions attribute
    use_unbounded_threadpool" *error* line into notebook outputs at level 2. Python
    exceptions are unaffected.
    """
    for key, value in QUIET_ENV.items():
        os.environ.setdefault(key, value)


def import_keras_quietly():
    """Import Keras (and its backend) with the process's native stderr silenced.

    TensorFlow's C++ start-up writes lines such as "Could not find cuda drivers on your
    machine" straight to file descriptor 2, before ``TF_CPP_MIN_LOG_LEVEL`` takes effect,
    and a notebook would show them as output. Python exceptions raised by the import are
    not affected (they propagate as usual once stderr is restored).
    """
    import sys

    if "keras" in sys.modules:
        return sys.modules["keras"]
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError):  # no usable fd 2: nothing to silence
        import keras
        return keras
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        import keras
        # Keras imports TensorFlow where it is installed even on the JAX and PyTorch backends
        # (keras.utils.set_random_seed seeds it too), so start it here, silenced, on every
        # backend; its C++ runtime prints on first use as well.
        try:
            import tensorflow
        except ImportError:
            pass
        else:
            tensorflow.config.list_logical_devices()
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)
    return keras


def seed_everything(seed: int) -> None:
    """Seed Python, NumPy and the Keras backend; make TensorFlow ops deterministic.

    Args:
        seed: a non-negative integer (NumPy integers accepted).
    """
    seed = _seed(seed)
    import numpy as np
    random.seed(seed)
    np.random.seed(seed)
    keras = import_keras_quietly()
    keras.utils.set_random_seed(seed)
    if keras.backend.backend() == "tensorflow":
        import tensorflow as tf
        tf.config.experimental.enable_op_determinism()
        # TF's Python warnings (e.g. retracing notices) print memory addresses into outputs
        tf.get_logger().setLevel("ERROR")


def resolve_max_train(mode: str) -> int | None:
    """``AE_MAX_TRAIN`` in full mode: ``None`` for ``all``, a positive int, or the default
    ``FULL_TRAIN`` when unset. Fast mode keeps its own budget (returns ``FULL_TRAIN``; unused)."""
    mode = _config_value(check_choice, "mode", mode, MODES)
    raw = _env("AE_MAX_TRAIN")
    if raw is None or mode == "fast":
        return FULL_TRAIN
    if raw.lower() == "all":
        return None
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value < 1:
        raise ConfigError(f"AE_MAX_TRAIN is {raw!r}; expected 'all' or a positive number of "
                          "training images.")
    return value


def _check_notebook(notebook) -> str:
    check_str("notebook", notebook)
    return _config_value(check_choice, "notebook", notebook, sorted(BARS))


def _env_seed() -> int:
    """``AE_SEED`` (default 0) as a non-negative integer; ConfigError naming it otherwise."""
    raw = _env("AE_SEED", "0")
    try:
        seed = int(raw)
    except ValueError:
        seed = -1
    if not 0 <= seed <= LEGACY_SEED_MAX:
        raise ConfigError(f"AE_SEED is {raw!r}; expected an integer seed in [0, "
                          f"{LEGACY_SEED_MAX}] (what numpy.random.seed accepts).")
    return seed


def setup(notebook: str, *, mode: str | None = None, seed: int | None = None,
          data_source: str | None = None, verbose: bool = True) -> Setup:
    """Set up a notebook: mode, quiet logs, backend, seeds; return mode, seed and bars.

    Args:
        notebook: the notebook's name without ``.ipynb``, e.g. ``"01_basic_autoencoder"``.
        mode: ``"fast"`` or ``"full"``; default from ``AE_MODE`` / ``CI``.
        seed: non-negative integer; default ``AE_SEED`` or 0.
        data_source: one of ``DATA_SOURCES``; default ``AE_DATA`` or ``auto``.
        verbose: print one line saying what was chosen.

    Returns:
        A ``Setup`` with ``mode``, ``seed``, ``data_source``, ``backend`` and ``bars``;
        ``cfg.pick(fast=..., full=...)`` then chooses the notebook's settings.
    """
    _check_notebook(notebook)
    verbose = check_bool("verbose", verbose)
    mode = resolve_mode(mode)
    data_source = resolve_data_source(mode, data_source)
    seed = _env_seed() if seed is None else _seed(seed)
    quiet_logs()
    backend = resolve_backend()
    os.environ["KERAS_BACKEND"] = backend
    seed_everything(seed)
    import keras
    if keras.backend.backend() != backend:
        raise ConfigError(
            f"Keras was already imported with the {keras.backend.backend()!r} backend, but "
            f"{backend!r} was asked for; restart the kernel and call setup() first.")
    bars = {name: _AttrDict(spec, f"bar {name}") for name, spec in BARS.get(notebook, {}).items()}
    cfg = Setup(notebook=notebook, mode=mode, seed=seed, data_source=data_source,
                backend=backend, bars=_AttrDict(bars, f"bars[{notebook}]"))
    if verbose:
        print(cfg.summary())
    return cfg
