"""The course's bars: what each notebook's headline numbers must reach.

For each notebook, the headline numbers it measures and the quality bar of each (the
design's, in full mode).

Each notebook's results table shows its numbers against these bars; the course runner and
CI judge them (``utils.machinery``). ``op`` is "<=" or ">="; ``full`` is the course's
quality bar, ``fast`` the looser bar that still fails when nothing was learned, or ``None``
where fast mode's few epochs cannot show the effect (reported, judged in full mode only).
``shows`` (optional) is ``"failure"`` for a bar met when a known failure is reproduced on
purpose (e.g. an anomaly score that calls blank images normal), ``"sanity"`` for a bar that
only checks a run produced something sensible (it does not separate a method from its
baseline); every other bar shows a method working. Results tables print which.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Mapping
from typing import Any

import numpy as np

from ._validate import check_array, check_choice, check_real, describe

OPS = {"<=": operator.le, ">=": operator.ge}
# what a bar's row shows when it is met: the words results tables print
SHOWS = {"working": "a method working", "failure": "a known failure, reproduced on purpose",
         "sanity": "a sanity check, not a comparison"}
NOTE_SHOWS = "a measurement, not judged"   # what a note (a number without a bar) shows


def shows(spec) -> str:
    """What a bar's row shows when it is met: ``"working"`` unless the bar (``spec``, one of
    ``BARS[notebook]``'s dicts) says ``"failure"`` or ``"sanity"``."""
    if not isinstance(spec, Mapping):
        raise TypeError(f"spec is {describe(spec)}; expected a bar's dict from utils.bars.BARS.")
    return check_choice("spec['shows']", spec.get("shows", "working"), tuple(SHOWS))

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
            text="best 30-d autoencoder (chosen on validation): its test per-image squared "
                 "error / PCA-30's"),
        "overfit_val_rise": dict(  # 0.155, 0.184, 0.158 at seeds 0, 1, 2
            op=">=", full=0.10, fast=0.002, shows="failure",
            text="no cure: rise of validation MSE, its last 5 epochs' mean over its minimum"),
        # The rise must stand out of the validation curve's own epoch-to-epoch noise (the std
        # of its second half around a fitted straight line): 4.3, 5.1 and 5.6 at seeds 0, 1, 2
        # (full mode, TensorFlow). Fast mode's 10 epochs have no second half to speak of:
        # judged in full mode only.
        "overfit_rise_over_jitter": dict(
            op=">=", full=3.0, fast=None, shows="failure",
            text="no cure: that rise / the validation MSE's epoch-to-epoch noise"),
        "overfit_train_drop_after_best": dict(
            op=">=", full=0.10, fast=0.02, shows="failure",
            text="no cure: training MSE at the best validation epoch / at the last, minus 1"),
        # Fast mode's 10 epochs barely overfit, so the cures have little to cure and the ratio
        # sits near 1 by chance: judged in full mode only. Input noise and weight decay are not
        # in it: their effect here changes sign between seeds 0, 1 and 2 (notes, not bars).
        # Measured: 0.873, 0.851, 0.858 (early stopping, the weaker of the two, each seed).
        "worst_cure_test_over_no_cure": dict(
            op="<=", full=0.95, fast=None,
            text="largest (test MSE with a cure / without) over early stopping and a smaller "
                 "model; < 1: each helps"),
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
            text="test PSNR (dB) of the autoencoder best on validation, Gaussian σ = 0.5 "
                 "clipped"),
        # Re-set when the Wiener filter joined the classical methods (2026-12-07): before it,
        # 4.29 / 4.39 / 4.43 dB over the strongest (PCA projection) at seeds 0 / 1 / 2; with
        # the Wiener filter fitted on one noise draw per digit 2.98 / 3.05 / 3.12 dB; fitted on
        # as many draws as the denoisers train on (EPOCHS), 2.50 dB at seed 1: the bar is 2 dB.
        "gaussian_ae_minus_best_classical_db": dict(
            op=">=", full=2.0, fast=-3.0,
            text="best autoencoder − strongest classical method (blur, median, PCA, total "
                 "variation, non-local means, wavelet, BM3D, Wiener filter; each tuned with its "
                 "offset on the validation split, the best chosen there), test PSNR dB, "
                 "Gaussian σ = 0.5"),
        "gaussian_ae_minus_noisy_db": dict(
            op=">=", full=5.0, fast=5.0,
            text="best autoencoder − noisy input, PSNR dB, Gaussian σ = 0.5"),
        "salt_and_pepper_ae_minus_best_classical_db": dict(
            op=">=", full=0.0, fast=-3.0,
            text="U-Net − strongest classical method (the same eight), PSNR dB, "
                 "salt-and-pepper 0.2 (> 0: beats it)"),
        "masking_ae_minus_best_classical_db": dict(
            op=">=", full=0.0, fast=-3.0,
            text="U-Net − strongest classical method (the same eight), PSNR dB, masking 0.5 "
                 "(> 0: beats it)"),
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
        # Part 2, unseen words and logos (issue 29): the longest checkpoint trained by
        # `python -m utils.pretrain watermark` (160 rounds, 64 min on 2 cores), evaluated on
        # 1,000 test patches with test marks. Measured at seeds 0 / 1 / 2 (TensorFlow,
        # 2026-12-08): RMSE ratio 0.485 / 0.476 / 0.477, average precision 0.871 / 0.884 /
        # 0.871. Fast mode loads the same weights and scores 300 patches. Whole test images
        # are reported, not judged: the aim "never below the input's PSNR" held at seeds 0
        # and 1 (+0.92, +0.40 dB on the worst image) and not at seed 2 (-1.06 dB, motorcycle).
        "unet_mask_rmse_over_input": dict(
            op="<=", full=0.5, fast=0.6,
            text="unseen marks, longest-trained U-Net: RMSE inside the mark / input's"),
        "unet_gate_average_precision": dict(
            op=">=", full=0.85, fast=0.8,
            text="unseen marks, longest-trained U-Net: the gate's average precision over "
                 "the test patches' pixels"),
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
        # sanity checks: the plain twin's fitted-Gaussian decodes score about as high
        # (0.84-0.85 against 0.86; ten classes in every set)
        "prior_sample_confidence": dict(
            op=">=", full=0.8, fast=None, shows="sanity",
            text="classifier's mean confidence on samples from the prior"),
        "prior_sample_classes": dict(
            op=">=", full=10, fast=2, shows="sanity",
            text="digit classes among the prior samples' predictions"),
    },
    "07_autoencoders_at_work": {
        # Calibrated on full-mode runs at seeds 0, 1 and 2 (TensorFlow, 2026-11-28); the
        # measured ranges are in the comments. Fast mode's 3 epochs show little of it.
        "ae_auc_corrupted_min": dict(  # 0.887–0.893
            op=">=", full=0.85, fast=0.55,
            text="lowest ROC-AUC of the autoencoder's error over the corrupted digits"),
        "ae_auc_blank": dict(  # 0 at every seed: the failure the notebook shows
            op="<=", full=0.1, fast=None, shows="failure",
            text="blank images: ROC-AUC of the autoencoder's error (below 0.5: called normal)"),
        # the compressor's term alone also gives 1.0 (note complexity_alone_auc_blank): the
        # credit on blank images is the compressor's, so this row checks the correction's sign
        "corrected_auc_blank": dict(  # 1.0
            op=">=", full=0.9, fast=0.9, shows="sanity",
            text="blank images: ROC-AUC of the complexity-corrected VAE score (the "
                 "compressor's term alone also gives 1)"),
        # a compression check: PCA's 16 numbers retrieve as well (note code_over_pca_precision)
        "code_over_pixel_precision": dict(  # 1.007–1.015 (seeds 0–2, 2026-12-07)
            op=">=", full=0.98, fast=0.4,
            text="precision@10: 16-number autoencoder code / 784 pixels (compression; "
                 "PCA's 16 numbers as good)"),
        "slant_step_min": dict(  # 0.097–0.101
            op=">=", full=0.05, fast=None,
            text="smallest rise of the decoded digits' mean slant from one step to the next"),
        # a random direction of the same length keeps as many (note random_dir_same_digit_min)
        "same_digit_min": dict(  # 0.94–0.95
            op=">=", full=0.9, fast=0.8, shows="sanity",
            text="lowest share of moved digits judged the same digit, |step| ≤ 0.25"),
    },
}


def passes(value: float, op: str, threshold: float) -> bool:
    """Whether ``value op threshold`` holds.

    Args:
        value: the measured number; NaN never passes (a diverged run misses its bar).
        op: ``"<="`` or ``">="``.
        threshold: the bar, a finite number.
    """
    op = check_choice("op", op, tuple(OPS))
    threshold = check_real("threshold", threshold)
    value = measured("value", value)
    return not math.isnan(value) and bool(OPS[op](value, threshold))


def measured(label: str, value) -> float:
    """A measured number as a float: a Python or NumPy number, a 0-d array or a scalar
    tensor. NaN and ±inf are kept: a diverged run is reported (and misses its bar)."""
    try:
        arr = check_array(label, value, ndim=0, min_len=0, finite=False, dtype=None)
    except (TypeError, ValueError) as exc:
        raise type(exc)(f"{label} is {describe(value)}; expected a number.") from None
    if not (np.issubdtype(arr.dtype, np.integer) or np.issubdtype(arr.dtype, np.floating)):
        raise TypeError(f"{label} is {describe(value)}; expected a number.")
    return float(arr)
