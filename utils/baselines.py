"""Classical denoisers to measure a learned one against, each tuned on a validation split.

Every function takes a batch of images ``(N, H, W)`` or ``(N, H, W, C)`` with values in
[0, 1] and filters each image on its own (never across the batch or the channels).
"""

from __future__ import annotations

from typing import Callable, Iterable, Sequence

import numpy as np

from ._validate import (check_array, check_callable, check_images, check_int, check_real,
                        check_same_shape, describe)


def _batch(x) -> np.ndarray:
    return check_images("x", x, dtype=np.float32)


def _spatial(x: np.ndarray, value) -> tuple:
    return (0, value, value) + ((0,) if x.ndim == 4 else ())


def gaussian_blur(x, sigma: float) -> np.ndarray:
    """Blur each image with a Gaussian of standard deviation ``sigma`` pixels (> 0, at most
    the images' smaller side: a wider blur leaves a flat image and only costs time)."""
    from scipy.ndimage import gaussian_filter

    x = _batch(x)
    side = min(x.shape[1:3])
    sigma = check_real("sigma", sigma, low=0, low_open=True, high=side,
                       why=f"at most the images' smaller side, {side} pixels")
    return gaussian_filter(x, sigma=_spatial(x, sigma), mode="nearest")


def median_filter(x, size: int = 3) -> np.ndarray:
    """Replace each pixel by the median of its ``size``×``size`` neighbourhood (size from 1
    to the images' smaller side)."""
    from scipy.ndimage import median_filter as _median

    x = _batch(x)
    side = min(x.shape[1:3])
    size = check_int("size", size, low=1, high=side,
                     why=f"at most the images' smaller side, {side} pixels")
    return _median(x, size=tuple(s if s else 1 for s in _spatial(x, size)), mode="nearest")


def pca_projection(x, pca) -> np.ndarray:
    """Project each image onto a PCA subspace fitted on clean training images (keeps the
    directions digits vary along, drops the rest, noise included), clipped to [0, 1].

    Args:
        x: images in [0, 1] with as many pixels as the PCA has features.
        pca: a ``linalg.PCA`` from ``linalg.pca_fit`` on flattened images.
    """
    from .linalg import PCA, pca_reconstruct

    x = _batch(x)
    if not isinstance(pca, PCA):
        raise TypeError(f"pca is {describe(pca)}; expected a PCA from linalg.pca_fit.")
    r = pca_reconstruct(pca, x.reshape(len(x), -1)).reshape(x.shape)
    return np.clip(r, 0.0, 1.0).astype(np.float32)


def choose_on_validation(denoise: Callable, params: Sequence, noisy_val, clean_val,
                         score: Callable) -> tuple[object, dict]:
    """The parameter of ``denoise(noisy, p)`` whose mean ``score(clean, denoised)`` on the
    validation split is highest.

    Args:
        denoise: ``denoise(noisy_images, param) -> images``.
        params: the values to try (a non-empty sequence of hashable values).
        noisy_val, clean_val: validation images in [0, 1], of the same shape.
        score: ``score(clean, denoised) -> per-image scores`` (higher is better), e.g.
            ``metrics.psnr``.

    Returns:
        ``(best_param, {param: mean score})``.
    """
    check_callable("denoise", denoise)
    if isinstance(params, (str, bytes, dict)) or not isinstance(params, Iterable):
        raise TypeError(f"params is {describe(params)}; expected a sequence of values to "
                        "try, such as (0.5, 1.0).")
    params = list(params)
    if len(params) == 0:
        raise ValueError("params is empty; expected at least one value to try.")
    noisy = check_images("noisy_val", noisy_val, dtype=None)
    clean = check_images("clean_val", clean_val, dtype=None)
    check_same_shape("noisy_val", noisy, "clean_val", clean)
    check_callable("score", score)
    scores = {}
    for p in params:
        s = check_array(f"score(clean_val, denoise(noisy_val, {p!r}))",
                        score(clean_val, denoise(noisy_val, p)), ndim=(0, 1), min_len=0)
        if s.size == 0:
            raise ValueError(f"score returned no values for param {p!r}; expected one "
                             "score per image.")
        scores[p] = float(np.mean(s))
    return max(scores, key=scores.get), scores


def inpaint_biharmonic(x, mask) -> np.ndarray:
    """Fill the pixels where ``mask`` (N, H, W) is true from their surroundings, each image on
    its own, with scikit-image's biharmonic inpainting (the known-mask baseline of notebook 05:
    it throws away whatever of the image shows through the mask)."""
    from skimage.restoration import inpaint_biharmonic as _inpaint

    x = _batch(x)
    mask = check_array("mask", mask, ndim=3, dtype=None)
    if mask.dtype != bool:
        raise TypeError(f"mask has dtype {mask.dtype}; expected a boolean array.")
    if mask.shape != x.shape[:3]:
        raise ValueError(f"mask has shape {mask.shape}; expected {x.shape[:3]}, one value "
                         "per pixel of x.")
    out = x.copy()
    for i in range(len(x)):
        if mask[i].any() and not mask[i].all():
            out[i] = _inpaint(x[i], mask[i], channel_axis=-1 if x.ndim == 4 else None)
    return np.clip(out, 0.0, 1.0)
