"""Noise models for denoising: seeded NumPy noise for fixed test sets, and a Keras layer.

The layer applies the same corruption on the fly while training (fresh noise every batch).

All functions take images with values in [0, 1] and a ``seed`` (an int or a
``numpy.random.Generator``), and never modify their input.

- ``gaussian``: x + σ·ε, ε ~ N(0, 1); ``clip=True`` clips the result to [0, 1]. On MNIST's
  black background (x = 0) clipping sets every negative draw to 0, so the noise there is
  no longer Gaussian: it is 0 half the time and a half-normal value otherwise, with mean
  σ/√(2π) ≈ 0.4 σ instead of 0.
- ``salt_and_pepper``: a fraction of pixels set to 0 or 1 (each with probability ½).
- ``masking``: a fraction of pixels dropped (set to 0).
"""

from __future__ import annotations

import numpy as np

from ._validate import check_bool, check_choice, check_images, check_real, check_seed

KINDS = ("gaussian", "salt_and_pepper", "masking")


def _images(x) -> np.ndarray:
    """A batch of float images in [0, 1], (N, H, W) or (N, H, W, C), dtype kept."""
    x = check_images("x", x, dtype=None)
    if not np.issubdtype(x.dtype, np.floating):
        raise TypeError(f"x has dtype {x.dtype}; expected floats in [0, 1] "
                        "(x.astype('float32') / 255 for 8-bit pixels).")
    return x


def _check_amount(name: str, value, upper: float | None) -> float:
    """A noise amount in [0, upper] (``upper`` None: >= 0); kept for ``utils.layers``."""
    return check_real(name, value, low=0, high=upper)


def _rng(seed) -> np.random.Generator:
    seed = check_seed("seed", seed)
    return seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)


def gaussian(x, sigma: float, *, clip: bool = True, seed=0) -> np.ndarray:
    """Additive Gaussian noise with standard deviation ``sigma`` (clipped to [0, 1] by default)."""
    x = _images(x)
    sigma = _check_amount("sigma", sigma, None)
    clip = check_bool("clip", clip)
    y = x + sigma * _rng(seed).standard_normal(x.shape).astype(x.dtype)
    return np.clip(y, 0.0, 1.0) if clip else y


def salt_and_pepper(x, fraction: float, *, seed=0) -> np.ndarray:
    """Set a ``fraction`` of the pixels to 0 or 1, each with probability ½."""
    x = _images(x)
    fraction = _check_amount("fraction", fraction, 1.0)
    rng = _rng(seed)
    hit = rng.random(x.shape) < fraction
    salt = rng.random(x.shape) < 0.5
    return np.where(hit, salt.astype(x.dtype), x)


def masking(x, fraction: float, *, seed=0) -> np.ndarray:
    """Drop (set to 0) a ``fraction`` of the pixels."""
    x = _images(x)
    fraction = _check_amount("fraction", fraction, 1.0)
    keep = _rng(seed).random(x.shape) >= fraction
    return np.where(keep, x, np.zeros((), x.dtype))


def corrupt(x, kind: str, amount: float, *, seed=0) -> np.ndarray:
    """Dispatch by name: ``kind`` in ``KINDS``; ``amount`` is σ or the fraction."""
    kind = check_choice("kind", kind, KINDS)
    if kind == "gaussian":
        return gaussian(x, amount, seed=seed)
    if kind == "salt_and_pepper":
        return salt_and_pepper(x, amount, seed=seed)
    return masking(x, amount, seed=seed)
