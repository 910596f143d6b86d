"""Reconstruction metrics, computed in NumPy on held-out data."""

from __future__ import annotations

import numpy as np


def _pair(x, r) -> tuple[np.ndarray, np.ndarray]:
    x = np.asarray(x, dtype=np.float64)
    r = np.asarray(r, dtype=np.float64)
    if x.shape != r.shape:
        raise ValueError(f"x has shape {x.shape} and reconstruction {r.shape}; expected the "
                         "same shape (no reshaping is done for you).")
    if x.ndim < 2 or x.shape[0] == 0:
        raise ValueError(f"x has shape {x.shape}; expected a batch (N, ...) with N >= 1.")
    if not (np.all(np.isfinite(x)) and np.all(np.isfinite(r))):
        raise ValueError("x or the reconstruction contains NaN or infinite values.")
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
    h = np.asarray(codes, dtype=np.float64)
    if h.ndim != 2 or h.shape[0] == 0 or h.shape[1] == 0:
        raise ValueError(f"codes has shape {h.shape}; expected (N, units) with N, units >= 1.")
    if not np.all(np.isfinite(h)):
        raise ValueError("codes contains NaN or infinite values.")
    if isinstance(threshold, bool) or not isinstance(threshold, (int, float)) or threshold <= 0:
        raise ValueError(f"threshold is {threshold!r}; expected a number > 0.")
    return dict(mean_activation=float(h.mean()),
                silent_fraction=float((h < threshold).mean(axis=1).mean()))


def _images01(x, r) -> tuple[np.ndarray, np.ndarray]:
    x, r = _pair(x, r)
    if not (x.ndim == 3 or (x.ndim == 4 and x.shape[-1] in (1, 3))):
        raise ValueError(f"x has shape {x.shape}; expected images (N, H, W) or (N, H, W, C).")
    if x.min() < 0 or x.max() > 1:
        raise ValueError(f"x has values in [{x.min():.3g}, {x.max():.3g}]; expected the clean "
                         "images in [0, 1] (data_range 1).")
    return x, r


def psnr(x, r) -> np.ndarray:
    """Peak signal-to-noise ratio of each image in dB, ``10 log10(1 / MSE)`` (data range 1),
    shape (N,). Average it over images to report one number (the usual convention)."""
    x, r = _images01(x, r)
    err = ((x - r) ** 2).reshape(len(x), -1).mean(axis=1)
    with np.errstate(divide="ignore"):
        return 10.0 * np.log10(1.0 / err)


def ssim(x, r, *, sigma: float = 1.5) -> np.ndarray:
    """Structural similarity of each image (Wang et al., 2004), shape (N,).

    Gaussian-weighted local statistics (σ = 1.5, window radius 5), K1 = 0.01, K2 = 0.03,
    data range 1, the border of 5 pixels left out of the mean, channels averaged: the same
    numbers as ``skimage.metrics.structural_similarity(..., gaussian_weights=True,
    use_sample_covariance=False, data_range=1)``.
    """
    from scipy.ndimage import gaussian_filter

    x, r = _images01(x, r)
    if x.ndim == 3:
        x, r = x[..., None], r[..., None]
    truncate = 3.5
    pad = int(truncate * sigma + 0.5)
    if min(x.shape[1:3]) <= 2 * pad:
        raise ValueError(f"images are {x.shape[1]}×{x.shape[2]}; SSIM with σ={sigma} needs "
                         f"more than {2 * pad} pixels per side.")
    f = lambda a: gaussian_filter(a, sigma=(0, sigma, sigma, 0), truncate=truncate, mode="reflect")
    ux, uy = f(x), f(r)
    vx, vy, vxy = f(x * x) - ux * ux, f(r * r) - uy * uy, f(x * r) - ux * uy
    c1, c2 = 0.01 ** 2, 0.03 ** 2
    s = ((2 * ux * uy + c1) * (2 * vxy + c2)) / ((ux ** 2 + uy ** 2 + c1) * (vx + vy + c2))
    return s[:, pad:-pad, pad:-pad, :].mean(axis=(1, 2, 3))


def masked_rmse(x, r, mask) -> float:
    """Root-mean-squared error over the pixels where ``mask`` (N, H, W) is true, all channels
    of those pixels counted: ``sqrt(mean((x − r)²) over mask)``."""
    x, r = _pair(x, r)
    mask = np.asarray(mask)
    if mask.dtype != bool:
        raise ValueError(f"mask has dtype {mask.dtype}; expected a boolean array.")
    if mask.shape != x.shape[:mask.ndim] or mask.ndim not in (x.ndim, x.ndim - 1):
        raise ValueError(f"mask has shape {mask.shape}; expected {x.shape[:-1]} (one value per "
                         f"pixel) or {x.shape}.")
    if not mask.any():
        raise ValueError("mask is empty; expected at least one pixel inside it.")
    return float(np.sqrt(((x - r) ** 2)[mask].mean()))


def frechet_distance(features_a, features_b) -> float:
    """Fréchet distance between Gaussians fitted to two sets of feature vectors (the FID of
    Heusel et al., 2017, in whatever feature space the caller chose):
    ``‖μa − μb‖² + tr(Σa + Σb − 2 (Σa Σb)^½)``. 0 for identical statistics."""
    from scipy import linalg

    a = np.asarray(features_a, dtype=np.float64)
    b = np.asarray(features_b, dtype=np.float64)
    for name, f in (("features_a", a), ("features_b", b)):
        if f.ndim != 2 or len(f) < 2:
            raise ValueError(f"{name} has shape {f.shape}; expected (n >= 2, d) feature vectors.")
        if not np.isfinite(f).all():
            raise ValueError(f"{name} has NaN or infinite values.")
    if a.shape[1] != b.shape[1]:
        raise ValueError(f"features_a has {a.shape[1]} features and features_b {b.shape[1]}; "
                         "expected the same feature space.")
    mu_a, mu_b = a.mean(axis=0), b.mean(axis=0)
    cov_a, cov_b = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
    root = linalg.sqrtm(cov_a @ cov_b)
    root = np.real(root)
    value = float(((mu_a - mu_b) ** 2).sum() + np.trace(cov_a + cov_b - 2.0 * root))
    return max(value, 0.0)
