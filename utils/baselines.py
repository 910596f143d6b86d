"""Classical denoisers to measure a learned one against, each tuned on a validation split.

Every function takes a batch of images ``(N, H, W)`` or ``(N, H, W, C)`` and filters each
image on its own (never across the batch or the channels).
"""

from __future__ import annotations

from typing import Callable, Sequence

import numpy as np


def _batch(x) -> np.ndarray:
    x = np.asarray(x, dtype=np.float32)
    if x.ndim not in (3, 4) or x.shape[0] == 0:
        raise ValueError(f"x has shape {x.shape}; expected a batch of images (N, H, W) or "
                         "(N, H, W, C).")
    return x


def _spatial(x: np.ndarray, value) -> tuple:
    return (0, value, value) + ((0,) if x.ndim == 4 else ())


def gaussian_blur(x, sigma: float) -> np.ndarray:
    """Blur each image with a Gaussian of standard deviation ``sigma`` pixels."""
    from scipy.ndimage import gaussian_filter

    x = _batch(x)
    if isinstance(sigma, bool) or not isinstance(sigma, (int, float)) or sigma <= 0:
        raise ValueError(f"sigma is {sigma!r}; expected a number of pixels > 0.")
    return gaussian_filter(x, sigma=_spatial(x, float(sigma)), mode="nearest")


def median_filter(x, size: int = 3) -> np.ndarray:
    """Replace each pixel by the median of its ``size``×``size`` neighbourhood."""
    from scipy.ndimage import median_filter as _median

    x = _batch(x)
    if isinstance(size, bool) or not isinstance(size, int) or size < 1:
        raise ValueError(f"size is {size!r}; expected a positive integer.")
    return _median(x, size=tuple(s if s else 1 for s in _spatial(x, size)), mode="nearest")


def pca_projection(x, pca) -> np.ndarray:
    """Project each image onto a PCA subspace fitted on clean training images (keeps the
    directions digits vary along, drops the rest, noise included), clipped to [0, 1]."""
    from .linalg import pca_reconstruct

    x = _batch(x)
    r = pca_reconstruct(pca, x.reshape(len(x), -1)).reshape(x.shape)
    return np.clip(r, 0.0, 1.0).astype(np.float32)


def choose_on_validation(denoise: Callable, params: Sequence, noisy_val, clean_val,
                         score: Callable) -> tuple[object, dict]:
    """The parameter of ``denoise(noisy, p)`` whose mean ``score(clean, denoised)`` on the
    validation split is highest. Returns ``(best_param, {param: mean score})``."""
    if len(params) == 0:
        raise ValueError("params is empty; expected at least one value to try.")
    scores = {p: float(np.mean(score(clean_val, denoise(noisy_val, p)))) for p in params}
    return max(scores, key=scores.get), scores


def inpaint_biharmonic(x, mask) -> np.ndarray:
    """Fill the pixels where ``mask`` (N, H, W) is true from their surroundings, each image on
    its own, with scikit-image's biharmonic inpainting (the known-mask baseline of notebook 05:
    it throws away whatever of the image shows through the mask)."""
    from skimage.restoration import inpaint_biharmonic as _inpaint

    x = _batch(x)
    mask = np.asarray(mask)
    if mask.dtype != bool or mask.shape != x.shape[:3]:
        raise ValueError(f"mask has shape {mask.shape} and dtype {mask.dtype}; expected a "
                         f"boolean array of shape {x.shape[:3]}.")
    out = x.copy()
    for i in range(len(x)):
        if mask[i].any() and not mask[i].all():
            out[i] = _inpaint(x[i], mask[i], channel_axis=-1 if x.ndim == 4 else None)
    return np.clip(out, 0.0, 1.0)
