"""Noise models for denoising: seeded NumPy versions for fixed test sets, and a Keras layer
that applies the same corruption on the fly while training (fresh noise every batch).

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

KINDS = ("gaussian", "salt_and_pepper", "masking")


def _check_images(x) -> np.ndarray:
    x = np.asarray(x)
    if x.ndim not in (3, 4) or x.shape[0] == 0:
        raise ValueError(f"x has shape {x.shape}; expected a batch of images (N, H, W) or "
                         "(N, H, W, C) with N >= 1.")
    if not np.issubdtype(x.dtype, np.floating):
        raise ValueError(f"x has dtype {x.dtype}; expected floats in [0, 1].")
    if not np.all(np.isfinite(x)) or x.min() < 0 or x.max() > 1:
        raise ValueError(f"x has values in [{np.nanmin(x):.3g}, {np.nanmax(x):.3g}]; expected "
                         "finite values in [0, 1].")
    return x


def _check_amount(name: str, value, upper: float | None) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.floating)) \
            or not value >= 0 or (upper is not None and value > upper):
        bound = f"in [0, {upper:g}]" if upper is not None else ">= 0"
        raise ValueError(f"{name} is {value!r}; expected a number {bound}.")
    return float(value)


def _rng(seed) -> np.random.Generator:
    return seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)


def gaussian(x, sigma: float, *, clip: bool = True, seed=0) -> np.ndarray:
    """Additive Gaussian noise with standard deviation ``sigma`` (clipped to [0, 1] by default)."""
    x = _check_images(x)
    sigma = _check_amount("sigma", sigma, None)
    y = x + sigma * _rng(seed).standard_normal(x.shape).astype(x.dtype)
    return np.clip(y, 0.0, 1.0) if clip else y


def salt_and_pepper(x, fraction: float, *, seed=0) -> np.ndarray:
    """Set a ``fraction`` of the pixels to 0 or 1, each with probability ½."""
    x = _check_images(x)
    fraction = _check_amount("fraction", fraction, 1.0)
    rng = _rng(seed)
    hit = rng.random(x.shape) < fraction
    salt = rng.random(x.shape) < 0.5
    return np.where(hit, salt.astype(x.dtype), x)


def masking(x, fraction: float, *, seed=0) -> np.ndarray:
    """Drop (set to 0) a ``fraction`` of the pixels."""
    x = _check_images(x)
    fraction = _check_amount("fraction", fraction, 1.0)
    keep = _rng(seed).random(x.shape) >= fraction
    return np.where(keep, x, np.zeros((), x.dtype))


def corrupt(x, kind: str, amount: float, *, seed=0) -> np.ndarray:
    """Dispatch by name: ``kind`` in ``KINDS``; ``amount`` is σ or the fraction."""
    if kind == "gaussian":
        return gaussian(x, amount, seed=seed)
    if kind == "salt_and_pepper":
        return salt_and_pepper(x, amount, seed=seed)
    if kind == "masking":
        return masking(x, amount, seed=seed)
    raise ValueError(f"kind is {kind!r}; expected one of {KINDS}.")
