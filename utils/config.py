"""Run mode, seeding, backend and log set-up: the one call at the top of every notebook.

``setup("01_basic_autoencoder")`` reads the environment, quiets TensorFlow, seeds every
random generator, and hands the notebook the bars its results are checked against (the
course's contract, judged by the runner and CI: ``BARS`` below). The lesson's settings —
model choices and the run budget per mode — live in each notebook's settings cell:
``B = cfg.pick(fast=dict(...), full=dict(...))`` returns the current mode's dict after
checking that both modes set the same names. A notebook never branches on the mode itself.

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

from ._validate import check_bool, check_choice, check_int, check_str

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

# ---------------------------------------------------------------------------------------
# Bars: what each headline result must reach. ``op`` is "<=" or ">="; ``full`` is the
# course's quality bar (DESIGN.md), ``fast`` the looser bar that still fails when nothing
# was learned, or ``None`` where fast mode's few epochs cannot show the effect (reported,
# judged in full mode only).
# ---------------------------------------------------------------------------------------
BARS: dict[str, dict[str, dict[str, Any]]] = {
    "01_basic_autoencoder": {
        "linear_ae_mse_over_pca": dict(
            op="<=", full=1.01, fast=1.10,
            text="linear AE test MSE / PCA test MSE at the same k"),
        "min_principal_cosine": dict(
            op=">=", full=0.999, fast=0.95,
            text="smallest cosine of the principal angles, decoder span vs PCA subspace"),
        "min_recovered_component_cosine": dict(
            op=">=", full=0.99, fast=0.70,
            text="smallest |cos| between a recovered component and its principal component"),
        "max_nonlinear_over_pca": dict(
            op="<=", full=1.0, fast=2.0,
            text="largest (nonlinear AE test MSE / PCA test MSE) over the k sweep"),
        "nonlinear_ae_mse_over_mean_image": dict(
            op="<=", full=0.25, fast=0.6,
            text="dense AE test MSE / MSE of predicting the mean training image"),
        "rmsprop_max_abs_diff": dict(
            op="<=", full=1e-6, fast=1e-6,
            text="largest |w_hand - w_keras| after training with both RMSprops"),
    },
    "02_stacked_autoencoders": {
        "best_30d_code_over_pca30": dict(
            op="<=", full=0.6, fast=2.0,
            text="best 30-d autoencoder test per-image squared error / PCA-30's"),
        "overfit_val_rise": dict(
            op=">=", full=0.02, fast=0.002,
            text="no cure: rise of validation MSE from its minimum to the last epoch"),
        "overfit_train_drop_after_best": dict(
            op=">=", full=0.10, fast=0.02,
            text="no cure: further fall of training MSE after the best validation epoch"),
        # Fast mode's 10 epochs barely overfit (validation MSE rises ~1 %), so the cures have
        # little to cure and the ratio sits near 1 ± 5 % by chance: judged in full mode only.
        # Weight decay is not in it: its effect here (-3 %, +2 %, -1 % at seeds 0, 1, 2) is
        # within the spread between runs; the notebook reports it over several seeds instead.
        "worst_cure_test_over_no_cure": dict(
            op="<=", full=0.99, fast=None,
            text="largest (test MSE with a cure / without) over early stopping, input noise "
                 "and a smaller model; < 1: each helps"),
        "tied_param_ratio": dict(
            op="<=", full=0.55, fast=0.55,
            text="parameters of the tied 784-100-30 AE / untied"),
        "tied_error_over_untied": dict(
            op="<=", full=1.10, fast=1.30,
            text="test squared error of the tied AE / untied, same protocol"),
    },
    "03_feature_detection_and_pretraining": {
        "sparse_mean_activation_over_plain": dict(
            op="<=", full=0.5, fast=0.8,
            text="largest (mean code activation, L1 or KL sparse AE / plain AE), test split"),
        "seeds_per_cell": dict(
            op=">=", full=5, fast=2,
            text="fewest seeds behind any (label budget, method) cell"),
        "label_budgets": dict(
            op=">=", full=3, fast=2,
            text="number of label budgets in the pretraining experiment"),
        "worst_mean_test_accuracy": dict(
            op=">=", full=0.5, fast=0.3,
            text="lowest mean test accuracy of any method at any budget (chance: 0.1)"),
    },
    "04_denoising": {
        "conv_max_abs_diff": dict(
            op="<=", full=1e-5, fast=1e-5,
            text="max |NumPy convolution − keras Conv2D| (3 → 5 channels, valid, stride 1)"),
        "best_ae_psnr_gaussian": dict(
            op=">=", full=20.0, fast=14.0,
            text="best autoencoder test PSNR (dB), Gaussian σ = 0.5 clipped"),
        "gaussian_ae_minus_best_classical_db": dict(
            op=">=", full=4.0, fast=-3.0,
            text="best autoencoder − strongest classical filter (blur, median, PCA; each "
                 "tuned on the validation split), PSNR dB, Gaussian σ = 0.5"),
        "gaussian_ae_minus_noisy_db": dict(
            op=">=", full=5.0, fast=5.0,
            text="best autoencoder − noisy input, PSNR dB, Gaussian σ = 0.5"),
        "salt_and_pepper_ae_minus_best_classical_db": dict(
            op=">=", full=0.0, fast=-3.0,
            text="U-Net − strongest classical filter, PSNR dB, salt-and-pepper 0.2 (> 0: "
                 "beats it)"),
        "masking_ae_minus_best_classical_db": dict(
            op=">=", full=0.0, fast=-3.0,
            text="U-Net − strongest classical filter, PSNR dB, masking 0.5 (> 0: beats it)"),
    },
    "05_watermark_removal": {
        # Part 1, one site's watermark on every photo (issue 17's bars): the autoencoder
        # trained for that watermark, and the attack of Dekel et al. (no learning; 0.023 at
        # 400 photos, 0.047 at 100 in our runs).
        "site_ae_mask_rmse_over_input": dict(
            op="<=", full=0.3, fast=0.7,
            text="site's autoencoder: RMSE inside the mark / input's, held-out photos"),
        "site_ae_minus_input_psnr_db": dict(
            op=">=", full=6.0, fast=None,
            text="site's autoencoder − watermarked input, whole-photo PSNR dB"),
        "attack_mask_rmse_over_input": dict(
            op="<=", full=0.1, fast=0.2,
            text="the attack (largest collection): RMSE inside the mark / input's"),
        # Part 2, unseen words and logos, in what is left of the 8-minute budget after part 1
        # (10 rounds; the notebook before issue 17 spent 16 rounds on it alone and reached
        # 0.54-0.61). Measured with 10-12 rounds: 0.64-0.74 from run to run, so the old bar of
        # 0.65 no longer holds; this bar says only that it removes part of unseen marks. The
        # whole-image PSNR change and the detection scores are reported, not judged (see the
        # README and issue 17). No fast bar: two short rounds leave it near 1 (0.88-0.96 on
        # the three backends), and the site's autoencoder already checks the same training.
        "unet_mask_rmse_over_input": dict(
            op="<=", full=0.85, fast=None,
            text="unseen marks: U-Net RMSE inside the mask / input's"),
    },
    "06_vae_generation": {
        "vae_test_neg_elbo_nats": dict(
            op="<=", full=100.0, fast=None,
            text="16-d VAE test −ELBO, nats (threshold-binarised MNIST)"),
        "vae_test_iwae_nats": dict(
            op="<=", full=92.0, fast=None,
            text="16-d VAE test importance-weighted bound (k = 100), nats"),
        "vae_neg_elbo_over_init": dict(
            op="<=", full=0.25, fast=0.5,
            text="16-d VAE test −ELBO / its value at initialisation"),
        "prior_sample_confidence": dict(
            op=">=", full=0.8, fast=None,
            text="classifier's mean confidence on samples from the prior"),
        "prior_sample_classes": dict(
            op=">=", full=10, fast=2,
            text="digit classes among the prior samples' predictions"),
        "fd_vae_over_plain_ae": dict(
            op="<=", full=0.5, fast=None,
            text="Fréchet distance to test digits: VAE samples / plain AE decodes of N(0, I) codes"),
    },
    "07_autoencoders_at_work": {
        # Calibrated on full-mode runs at seeds 0, 1 and 2 (TensorFlow, 2026-11-28); the
        # measured ranges are in the comments. Fast mode's 3 epochs show little of it.
        "ae_auc_corrupted_min": dict(  # 0.887–0.893
            op=">=", full=0.85, fast=0.55,
            text="lowest ROC-AUC of the autoencoder's error over the corrupted digits"),
        "ae_auc_novel_minus_pca": dict(  # +0.113 – +0.182
            op=">=", full=0.05, fast=None,
            text="novel digit: ROC-AUC of the autoencoder's error minus PCA's"),
        "ae_auc_blank": dict(  # 0 at every seed: the failure the notebook shows
            op="<=", full=0.1, fast=None,
            text="blank images: ROC-AUC of the autoencoder's error (below 0.5: called normal)"),
        "corrected_auc_blank": dict(  # 1.0
            op=">=", full=0.9, fast=0.9,
            text="blank images: ROC-AUC of the complexity-corrected VAE score"),
        "code_over_pixel_precision": dict(  # 1.005–1.014
            op=">=", full=0.98, fast=0.4,
            text="precision@10: 16-number autoencoder code / 784 pixels"),
        "slant_step_min": dict(  # 0.097–0.101
            op=">=", full=0.05, fast=None,
            text="smallest rise of the decoded digits' mean slant from one step to the next"),
        "same_digit_min": dict(  # 0.94–0.95
            op=">=", full=0.9, fast=0.8,
            text="lowest share of moved digits judged the same digit, |step| ≤ 0.25"),
    },
}


# The one result per notebook that the website's landing page shows as its headline.
HEADLINES = {
    "01_basic_autoencoder": "min_principal_cosine",
    "02_stacked_autoencoders": "best_30d_code_over_pca30",
    "03_feature_detection_and_pretraining": "sparse_mean_activation_over_plain",
    "04_denoising": "gaussian_ae_minus_best_classical_db",
    "05_watermark_removal": "site_ae_mask_rmse_over_input",
    "06_vae_generation": "vae_test_neg_elbo_nats",
    "07_autoencoders_at_work": "ae_auc_blank",
}


class ConfigError(ValueError):
    """A set-up argument or environment variable has a value the course cannot use."""


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
        object.__setattr__(self, "seed", _config_value(check_int, "seed", self.seed, low=0))
        _config_value(check_choice, "data_source", self.data_source, DATA_SOURCES)
        _config_value(check_choice, "backend", self.backend, BACKENDS)
        if not isinstance(self.bars, Mapping):
            raise TypeError(f"bars is {type(self.bars).__name__}; expected a mapping (what "
                            "config.BARS gives).")

    def pick(self, *, fast: Mapping[str, Any], full: Mapping[str, Any]) -> Mapping[str, Any]:
        """The settings of the current mode, read-only with attribute access (``B.epochs``).

        ``fast`` and ``full`` must set the same names (a setting missing in one mode is an
        error naming it). In full mode ``n_train``, where present, follows ``AE_MAX_TRAIN``
        when that is set (see the module's docstring).
        """
        for name, value in (("fast", fast), ("full", full)):
            if not isinstance(value, Mapping):
                raise TypeError(f"{name} is {value!r:.60}; expected a dict of settings, "
                                "e.g. dict(epochs=3).")
            bad = [k for k in value if not isinstance(k, str) or not k.isidentifier()]
            if bad:
                raise ValueError(f"{name} has keys {bad!r}; expected names usable as "
                                 "attributes (B.epochs).")
        only_fast, only_full = sorted(set(fast) - set(full)), sorted(set(full) - set(fast))
        if only_fast or only_full:
            raise ConfigError(
                "fast and full must set the same names; "
                + "; ".join(f"only in {m}: {', '.join(k)}" for m, k in
                            (("fast", only_fast), ("full", only_full)) if k) + ".")
        chosen = dict(fast if self.mode == "fast" else full)
        if self.mode == "full" and "n_train" in chosen and _env("AE_MAX_TRAIN") is not None:
            chosen["n_train"] = resolve_max_train("full")
        return _AttrDict(chosen, f"settings[{self.mode}]")

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
    seed = _config_value(check_int, "seed", seed, low=0)
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
    if seed < 0:
        raise ConfigError(f"AE_SEED is {raw!r}; expected a non-negative integer.")
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
    seed = _env_seed() if seed is None else _config_value(check_int, "seed", seed, low=0)
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
