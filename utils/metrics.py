"""Reconstruction metrics, computed in NumPy on held-out data."""

from __future__ import annotations

import numpy as np

from ._validate import check_array, check_images, check_real, check_same_shape


def _pair(x, r) -> tuple[np.ndarray, np.ndarray]:
    """A batch ``x`` (N, ...) of images in [0, 1] (or centred, in [-1, 1]; 0..255 pixels are
    an error) and its reconstruction ``r`` of the same shape, finite, float64."""
    x = check_images("x", x, ndim=(2, 3, 4), centred=True, dtype=np.float64)
    r = check_array("r", r, ndim=(2, 3, 4))
    check_same_shape("x", x, "r", r)
    return x, r


def per_image_mse(x, r) -> np.ndarray:
    """Mean squared error of each image (mean over pixels), shape (N,)."""
    x, r = _pair(x, r)
    return ((x - r) ** 2).reshape(len(x), -1).mean(axis=1)


def mse(x, r) -> float:
    """Mean squared error over all images and pixels."""
    return float(per_image_mse(x, r).mean())


def per_image_squared_error(x, r) -> np.ndarray:
    """Sum of squared pixel errors of each image, shape (N,)."""
    x, r = _pair(x, r)
    return ((x - r) ** 2).reshape(len(x), -1).sum(axis=1)


def code_sparsity(codes, threshold: float = 0.05) -> dict:
    """How sparse a batch of codes is (for codes in [0, 1], e.g. a sigmoid code layer).

    Returns ``dict(mean_activation, silent_fraction)``: the mean code value over images and
    units, and the mean over images of the fraction of units below ``threshold`` ("near
    silent" for that image).
    """
    h = check_array("codes", codes, ndim=2)
    if h.shape[1] == 0:
        raise ValueError(f"codes has shape {h.shape}; expected (N, units) with units >= 1.")
    threshold = check_real("threshold", threshold, low=0, low_open=True)
    return dict(mean_activation=float(h.mean()),
                silent_fraction=float((h < threshold).mean(axis=1).mean()))


def _images01(x, r) -> tuple[np.ndarray, np.ndarray]:
    """Clean images ``x`` in [0, 1] (N, H, W) or (N, H, W, 1 or 3) and a finite ``r`` of the
    same shape (a reconstruction may overshoot [0, 1] a little), both float64."""
    x = check_images("x", x, channels=(1, 3), dtype=np.float64)
    r = check_images("r", r, channels=(1, 3), unit_range=False, dtype=np.float64)
    check_same_shape("x", x, "r", r)
    return x, r


def psnr(x, r, *, max_db: float = 100.0) -> np.ndarray:
    """Peak signal-to-noise ratio of each image in dB, ``10 log10(1 / MSE)`` (data range 1),
    shape (N,). Average it over images to report one number (the usual convention).

    A perfect reconstruction (MSE 0) would score +inf and turn any mean into inf, so PSNR is
    capped at ``max_db`` (100 dB by default, i.e. an MSE floor of 1e-10): each value is
    ``min(10 log10(1 / MSE), max_db)``. Below the cap the numbers are
    ``skimage.metrics.peak_signal_noise_ratio(x[i], r[i], data_range=1)``.

    Args:
        x: clean images in [0, 1], (N, H, W) or (N, H, W, C) with C = 1 or 3.
        r: reconstructions of the same shape.
        max_db: the cap, > 0.
    """
    x, r = _images01(x, r)
    max_db = check_real("max_db", max_db, low=0, low_open=True)
    err = ((x - r) ** 2).reshape(len(x), -1).mean(axis=1)
    with np.errstate(divide="ignore"):
        return np.minimum(10.0 * np.log10(1.0 / err), max_db)


def ssim(x, r, *, sigma: float = 1.5) -> np.ndarray:
    """Structural similarity of each image (Wang et al., 2004), shape (N,).

    ``skimage.metrics.structural_similarity`` per image with Gaussian-weighted local
    statistics (σ = 1.5, window radius 5), ``use_sample_covariance=False``, K1 = 0.01,
    K2 = 0.03, data range 1, the border of 5 pixels left out of the mean, channels averaged.

    Args:
        x: clean images in [0, 1], (N, H, W) or (N, H, W, C) with C = 1 or 3, more than
            2·round(3.5 σ) pixels per side (more than 10 for σ = 1.5).
        r: reconstructions of the same shape.
        sigma: standard deviation of the Gaussian window, in pixels (> 0).
    """
    from skimage.metrics import structural_similarity

    x, r = _images01(x, r)
    sigma = check_real("sigma", sigma, low=0, low_open=True)
    pad = int(3.5 * sigma + 0.5)  # skimage's window radius (truncate = 3.5)
    if min(x.shape[1:3]) <= 2 * pad:
        raise ValueError(f"x has images of {x.shape[1]}×{x.shape[2]} pixels; SSIM with "
                         f"sigma={sigma:g} needs more than {2 * pad} pixels per side.")
    rgb = x.ndim == 4 and x.shape[-1] == 3
    if x.ndim == 4 and not rgb:
        x, r = x[..., 0], r[..., 0]
    return np.array([structural_similarity(a, b, gaussian_weights=True, sigma=sigma,
                                           use_sample_covariance=False, data_range=1.0,
                                           channel_axis=-1 if rgb else None)
                     for a, b in zip(x, r)])


def masked_rmse(x, r, mask) -> float:
    """Root-mean-squared error over the pixels where ``mask`` (N, H, W) is true, all channels
    of those pixels counted: ``sqrt(mean((x − r)²) over mask)``."""
    x, r = _pair(x, r)
    mask = check_array("mask", mask, ndim=(x.ndim - 1, x.ndim), dtype=None)
    if mask.dtype != bool:
        raise TypeError(f"mask has dtype {mask.dtype}; expected a boolean array.")
    if mask.shape != x.shape[:mask.ndim]:
        raise ValueError(f"mask has shape {mask.shape}; expected {x.shape[:-1]} (one value per "
                         f"pixel) or {x.shape}.")
    if not mask.any():
        raise ValueError("mask is empty; expected at least one pixel inside it.")
    return float(np.sqrt(((x - r) ** 2)[mask].mean()))


def mask_scores(predicted, true) -> dict:
    """How well a predicted mask finds a true one (boolean arrays of one shape): ``iou``
    |P ∩ T| / |P ∪ T|, ``precision`` |P ∩ T| / |P| (the share of flagged pixels that are
    marked; 0 when nothing is flagged) and ``recall`` |P ∩ T| / |T| (the share of marked
    pixels that are flagged)."""
    predicted = check_array("predicted", predicted, ndim=None, dtype=None)
    true = check_array("true", true, ndim=None, dtype=None)
    for name, value in (("predicted", predicted), ("true", true)):
        if value.dtype != bool:
            raise TypeError(f"{name} has dtype {value.dtype}; expected a boolean array.")
    if predicted.shape != true.shape:
        raise ValueError(f"predicted has shape {predicted.shape} and true {true.shape}; "
                         "expected the same shape.")
    if not true.any():
        raise ValueError("true is empty; expected at least one pixel inside the true mask.")
    both = float(np.logical_and(predicted, true).sum())
    flagged = float(predicted.sum())
    return dict(iou=both / float(np.logical_or(predicted, true).sum()),
                precision=both / flagged if flagged else 0.0,
                recall=both / float(true.sum()))


def frechet_distance(features_a, features_b, *, eps: float = 1e-6) -> float:
    """Fréchet distance between Gaussians fitted to two sets of feature vectors (the FID of
    Heusel et al., 2017, in whatever feature space the caller chose):
    ``‖μa − μb‖² + tr(Σa + Σb − 2 (Σa Σb)^½)``. 0 for identical statistics.

    With fewer vectors than features in either set (n <= d) a covariance is singular and its
    square root ill-defined: ``eps`` times the identity is then added to both covariances
    (as also when the first square root is not finite). The square root's imaginary part
    (round-off) is dropped, unless it is larger than 1e-3 × tr(Σa + Σb) / 2: that is an
    error, not a number.

    Args:
        features_a, features_b: (n_a, d) and (n_b, d) feature vectors, n >= 2.
        eps: the regulariser added to singular covariances (> 0).
    """
    from scipy import linalg

    a = check_array("features_a", features_a, ndim=2, min_len=2)
    b = check_array("features_b", features_b, ndim=2, min_len=2)
    check_same_shape("features_a", a, "features_b", b, axes=slice(1, None))
    eps = check_real("eps", eps, low=0, low_open=True)
    d = a.shape[1]
    mu_a, mu_b = a.mean(axis=0), b.mean(axis=0)
    cov_a, cov_b = np.atleast_2d(np.cov(a, rowvar=False)), np.atleast_2d(np.cov(b, rowvar=False))
    if min(len(a), len(b)) <= d:  # rank(Σ) <= n − 1 < d
        cov_a, cov_b = cov_a + eps * np.eye(d), cov_b + eps * np.eye(d)
        root = linalg.sqrtm(cov_a @ cov_b)
    else:
        root = linalg.sqrtm(cov_a @ cov_b)
        if not np.all(np.isfinite(root)):
            cov_a, cov_b = cov_a + eps * np.eye(d), cov_b + eps * np.eye(d)
            root = linalg.sqrtm(cov_a @ cov_b)
    if not np.all(np.isfinite(root)):
        raise ValueError("the square root of Σa Σb is not finite even with eps·I added to "
                         f"the covariances (eps={eps:g}); expected better-conditioned features.")
    if np.iscomplexobj(root):
        imag = float(np.abs(root.imag).max())
        scale = 0.5 * float(np.trace(cov_a) + np.trace(cov_b))
        if imag > 1e-3 * scale:
            raise ValueError(f"the square root of Σa Σb has an imaginary part of {imag:.3g}, "
                             f"more than 1e-3 × tr(Σa + Σb)/2 = {1e-3 * scale:.3g}; the "
                             "features give no reliable Fréchet distance (too few vectors "
                             "for their dimension, or degenerate features?).")
        root = root.real
    value = float(((mu_a - mu_b) ** 2).sum() + np.trace(cov_a + cov_b - 2.0 * root))
    return max(value, 0.0)
