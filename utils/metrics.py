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
