"""Classical denoisers to measure a learned one against, each tuned on a validation split.

Every function takes a batch of images ``(N, H, W)`` or ``(N, H, W, C)`` with values in
[0, 1] and filters each image on its own (never across the batch or the channels), except
``bm3d``, which filters mosaics of small images (a digit may borrow blocks from its
neighbours in the mosaic).
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


def _per_image(x: np.ndarray, denoise: Callable) -> np.ndarray:
    """``denoise(image_2d)`` on every image and channel of a batch, on its own."""
    out = np.empty_like(x)
    for i in range(len(x)):
        if x.ndim == 3:
            out[i] = denoise(x[i].astype(np.float64))
        else:
            for c in range(x.shape[-1]):
                out[i, ..., c] = denoise(x[i, ..., c].astype(np.float64))
    return out


def total_variation(x, weight: float) -> np.ndarray:
    """Chambolle's total-variation denoiser (scikit-image) on each image: ``weight`` > 0 trades
    faithfulness to the input for flat regions with sharp edges (larger: flatter)."""
    from skimage.restoration import denoise_tv_chambolle

    x = _batch(x)
    weight = check_real("weight", weight, low=0, low_open=True)
    return _per_image(x, lambda im: denoise_tv_chambolle(im, weight=weight))


def non_local_means(x, h: float, patch_size: int = 3, patch_distance: int = 5) -> np.ndarray:
    """Non-local means (scikit-image) on each image: every pixel becomes a weighted mean of the
    pixels whose ``patch_size``² neighbourhoods look alike within ``patch_distance`` pixels;
    ``h`` > 0 is how different two patches may be and still count (larger: smoother)."""
    from skimage.restoration import denoise_nl_means

    x = _batch(x)
    h = check_real("h", h, low=0, low_open=True)
    patch_size = check_int("patch_size", patch_size, low=1)
    patch_distance = check_int("patch_distance", patch_distance, low=1)
    return _per_image(x, lambda im: denoise_nl_means(im, h=h, patch_size=patch_size,
                                                     patch_distance=patch_distance,
                                                     fast_mode=True))


def wavelet(x, sigma: float) -> np.ndarray:
    """Wavelet shrinkage with BayesShrink's per-subband soft thresholds (scikit-image) on each
    image, told the noise's standard deviation ``sigma`` > 0."""
    from skimage.restoration import denoise_wavelet

    x = _batch(x)
    sigma = check_real("sigma", sigma, low=0, low_open=True)
    return _per_image(x, lambda im: denoise_wavelet(im, sigma=sigma, method="BayesShrink",
                                                    mode="soft", rescale_sigma=True))


def bm3d(x, sigma: float, per_row: int = 10) -> np.ndarray:
    """BM3D (Dabov et al., 2007; the ``bm3d`` package) told the noise's standard deviation
    ``sigma`` > 0. Small images are denoised as mosaics of ``per_row`` × ``per_row`` images
    (black images pad the last one): BM3D collects similar blocks from the whole mosaic, so a
    28×28 digit borrows strokes from its neighbours, and one call per 100 digits costs about
    what one call per digit would cost for ten."""
    import bm3d as _bm3d

    x = _batch(x)
    sigma = check_real("sigma", sigma, low=0, low_open=True)
    per_row = check_int("per_row", per_row, low=1)
    n, h, w = x.shape[:3]
    chunk = per_row * per_row
    out = np.empty_like(x)
    for c in range(1 if x.ndim == 3 else x.shape[-1]):
        plane = x if x.ndim == 3 else x[..., c]
        for start in range(0, n, chunk):
            tiles = plane[start:start + chunk]
            pad = np.zeros((chunk - len(tiles), h, w), plane.dtype)
            grid = np.concatenate([tiles, pad]).reshape(per_row, per_row, h, w)
            mosaic = grid.transpose(0, 2, 1, 3).reshape(per_row * h, per_row * w)
            done = np.asarray(_bm3d.bm3d(mosaic.astype(np.float64), sigma_psd=sigma))
            back = done.reshape(per_row, h, per_row, w).transpose(0, 2, 1, 3).reshape(chunk, h, w)
            if x.ndim == 3:
                out[start:start + len(tiles)] = back[:len(tiles)]
            else:
                out[start:start + len(tiles), ..., c] = back[:len(tiles)]
    return out


class WienerFilter:
    """The affine map from noisy to clean images with the least squared error on training
    pairs: the Wiener filter (the best linear estimator, with a constant), estimated from
    data rather than from a noise model. ``ridge`` > 0 adds ``ridge × ‖W‖²`` to the squared
    error, so it also works with few pairs.

    Built from the pairs (their cross-products: one ``(P+1)×(P+1)`` matrix for ``P``
    pixels); ``add`` adds more pairs (e.g. another noise draw of the same clean images, so
    the filter sees as many noisy images as a network trained on fresh noise). Each call
    solves for its ``ridge`` (the solution is kept until pairs are added) and maps every
    image of ``x``, clipped to [0, 1]. Unlike the filters above it learns from the training
    images, as PCA projection does; it sees every pixel of an image at once.
    """

    def __init__(self, noisy, clean):
        self.shape = None
        self.pairs = 0
        self.add(noisy, clean)

    def add(self, noisy, clean) -> "WienerFilter":
        """Add the pairs ``(noisy[i], clean[i])`` to those the filter is fitted on."""
        noisy = check_images("noisy", noisy, dtype=None)
        clean = check_images("clean", clean, dtype=None)
        check_same_shape("noisy", noisy, "clean", clean)
        if self.shape is not None and noisy.shape[1:] != self.shape:
            raise ValueError(f"noisy has images of shape {noisy.shape[1:]}; the filter's "
                             f"pairs so far are {self.shape}.")
        x = np.c_[noisy.reshape(len(noisy), -1), np.ones(len(noisy))].astype(np.float64)
        gram, cross = x.T @ x, x.T @ clean.reshape(len(clean), -1).astype(np.float64)
        if self.shape is None:
            self.shape, self._gram, self._cross = noisy.shape[1:], gram, cross
        else:
            self._gram += gram
            self._cross += cross
        self.pairs += len(noisy)
        self._solved: dict[float, np.ndarray] = {}
        return self

    def __call__(self, x, ridge: float) -> np.ndarray:
        x = check_images("x", x, dtype=None)
        if x.shape[1:] != self.shape:
            raise ValueError(f"x has images of shape {x.shape[1:]}; the filter was fitted on "
                             f"{self.shape}.")
        ridge = check_real("ridge", ridge, low=0, low_open=True)
        if ridge not in self._solved:
            eye = np.eye(len(self._gram))
            eye[-1, -1] = 0.0                                # the constant is not shrunk
            self._solved[ridge] = np.linalg.solve(self._gram + ridge * eye, self._cross)
        flat = np.c_[x.reshape(len(x), -1), np.ones(len(x))] @ self._solved[ridge]
        return np.clip(flat, 0.0, 1.0).reshape(x.shape).astype(np.float32)


def debias(x, offset: float) -> np.ndarray:
    """``x − offset``, clipped to [0, 1]: removes a constant bias (clipped Gaussian noise
    lifts a black pixel by σ/√(2π) on average; masking darkens, so its offset is negative)
    after a filter that assumes zero-mean noise.
    ``x`` is a filter's output: it may overshoot [0, 1] a little (BM3D's does), not leave
    [-1, 2]."""
    x = check_images("x", x, unit_range=False)
    if x.size and (x.min() < -1 or x.max() > 2):
        raise ValueError(f"x has values in [{x.min():.3g}, {x.max():.3g}]; expected a "
                         "filter's output for images in [0, 1] (within [-1, 2]).")
    offset = check_real("offset", offset, low=-1, high=1)
    return np.clip(x - offset, 0.0, 1.0).astype(np.float32)


def choose_on_validation(denoise: Callable, params: Sequence, noisy_val, clean_val,
                         score: Callable, offsets: Sequence[float] | None = None
                         ) -> tuple[object, dict]:
    """The parameter of ``denoise(noisy, p)`` whose mean ``score(clean, denoised)`` on the
    validation split is highest. With ``offsets``, every pair ``(p, offset)`` is tried, the
    filter's output passed through ``debias(·, offset)`` (one filtering per ``p``), and the
    best pair is returned.

    Args:
        denoise: ``denoise(noisy_images, param) -> images``.
        params: the values to try (a non-empty sequence of hashable values).
        noisy_val, clean_val: validation images in [0, 1], of the same shape.
        score: ``score(clean, denoised) -> per-image scores`` (higher is better), e.g.
            ``metrics.psnr``.
        offsets: None, or the offsets in [-1, 1] to try with every parameter.

    Returns:
        ``(best_param, {param: mean score})``; with ``offsets``, the keys are
        ``(param, offset)`` pairs.
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
    if offsets is not None:
        if isinstance(offsets, (str, bytes, dict)) or not isinstance(offsets, Iterable):
            raise TypeError(f"offsets is {describe(offsets)}; expected a sequence of numbers "
                            "such as (0.0, 0.1), or None.")
        offsets = [check_real("offsets[]", o, low=-1, high=1) for o in offsets]
        if not offsets:
            raise ValueError("offsets is empty; expected at least one value, e.g. (0.0,).")
    scores = {}
    for p in params:
        out = denoise(noisy_val, p)
        for key, result in ([(p, out)] if offsets is None else
                            [((p, o), debias(out, o)) for o in offsets]):
            s = check_array(f"score(clean_val, denoise(noisy_val, {key!r}))",
                            score(clean_val, result), ndim=(0, 1), min_len=0)
            if s.size == 0:
                raise ValueError(f"score returned no values for param {key!r}; expected one "
                                 "score per image.")
            scores[key] = float(np.mean(s))
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
