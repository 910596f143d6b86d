"""The consistent-watermark attack of Dekel et al. (CVPR 2017) in NumPy/SciPy (notebook 05).

"On the Effectiveness of Visible Watermarks", in its first steps.

A stock-photo site stamps the *same* watermark — one shape, colour W and opacity map A — on
every image, at the same place up to a few pixels. Per colour channel each photo is

    J = A·W + (1 − A)·I = I + A·(W − I).

Across many photos the images I differ and the watermark does not, which is what the attack
uses:

1. ``median_gradients``: the median over the photos of ∇J. Natural-image gradients are
   sparse (mostly near zero) and differ from photo to photo, so their median is close to
   zero; what is left is the watermark's own gradient, ≈ (W − Ī)·∇A (Ī: the photos' typical
   value, about the median pixel).
2. ``poisson_reconstruct``: the field φ whose gradient is closest to that median, with φ = 0
   at the border of the frame (no watermark there) — φ ≈ A·(W − Ī).
3. ``estimate``: φ fixes A's *shape*, not W. The photos' spread does: where the mark is,
   J varies (1 − A) times as much across the photos as elsewhere, so the median absolute
   deviation gives a rough A; a least-squares fit of φ against it gives W − Ī, and then
   A = φ / (W − Ī) sharply. Step 0, run before and between these: ``align`` finds each
   photo's offset (the watermark's position wanders by a few pixels) by matching its gradient
   field against the current estimate's (at first the mean gradient, then the median), and
   the photos are shifted back.
4. ``remove``: invert the blend, I = (J − A·W) / (1 − A), with the estimate.

The paper goes on to refine A, W and every I jointly (multi-image matting); this module stops
after its initial estimate, which is the part the lesson is about.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import fft

from ._validate import (check_array, check_bool, check_images, check_int, check_real,
                        check_same_shape, check_seed, check_str)
from .watermark import Watermarked, _colours, _to_8bit, invert_blend, render_logo, render_text

__all__ = ["stock_mark", "stamp", "gradients", "median_gradients", "poisson_reconstruct", "shift", "align",
           "Estimate", "estimate", "remove", "aligned_rmse"]


def stock_mark(size: int, text: str = "© STOCKSITE", *, logo: str = "star") -> np.ndarray:
    """The site's watermark shape on a ``size``×``size`` canvas: a ``logo`` above ``text``,
    centred, about 85 % of the width — values in [0, 1] (anti-aliased)."""
    from PIL import Image

    size = check_int("size", size, low=24)
    text = check_str("text", text)
    glyphs = render_text(text, 40)
    width = int(0.85 * size)
    height = max(4, round(glyphs.shape[0] * width / glyphs.shape[1]))
    glyphs = np.asarray(Image.fromarray(glyphs).resize((width, height), Image.LANCZOS),
                        np.float32)
    icon = render_logo(logo, max(8, int(0.3 * size)))
    canvas = np.zeros((size, size), np.float32)
    top = (size - icon.shape[0] - 2 - height) // 2
    left = (size - icon.shape[1]) // 2
    canvas[top:top + icon.shape[0], left:left + icon.shape[1]] = icon
    top += icon.shape[0] + 2
    left = (size - width) // 2
    canvas[top:top + height, left:left + width] = np.maximum(
        canvas[top:top + height, left:left + width], glyphs)
    return np.clip(canvas, 0.0, 1.0)


def stamp(photos, shape_mask, colour, alpha: float, *, jitter: int = 0, seed=0,
          quantize: bool = True) -> tuple[Watermarked, np.ndarray]:
    """The site's step: the same watermark (``shape_mask`` ``(H, W)``, ``colour`` W, opacity
    ``alpha``) on every photo of ``photos`` ``(N, H, W, 3)``, moved by up to ``jitter``
    pixels in each direction (uniform, from ``seed``; at most a quarter of the photos'
    smaller side). ``quantize`` rounds to 8 bits as a saved image would be. Returns the
    ``Watermarked`` batch and the offsets ``(N, 2)``."""
    photos = check_images("photos", photos, ndim=4)
    shape_mask = check_images("shape_mask", shape_mask, ndim=2)
    check_same_shape("shape_mask", shape_mask, "photos[0]", photos[0], axes=slice(0, 2))
    jitter = _max_shift("jitter", jitter, *photos.shape[1:3])
    quantize = check_bool("quantize", quantize)
    rng = np.random.default_rng(check_seed("seed", seed))
    offsets = rng.integers(-jitter, jitter + 1, size=(len(photos), 2))
    colour = _colours("colour", colour, (3,))
    alpha = check_real("alpha", alpha, low=0, high=1)
    # watermark.blend, for the whole batch at once
    alphas = alpha * np.stack([shift(shape_mask, dy, dx) for dy, dx in offsets])
    j = alphas[..., None] * colour + (1.0 - alphas[..., None]) * photos
    if quantize:
        j = _to_8bit(j)
    colours = np.broadcast_to(colour, (len(photos), 3))
    return Watermarked(j.astype(np.float32), photos, alphas, colours), offsets


def _max_shift(name: str, value, h: int, w: int, what: str = "photos") -> int:
    """A search radius or jitter ``value`` in [0, min(h, w) // 4]: a quarter of the
    ``what``'s smaller side. The watermark wanders by a few pixels; a search much wider than
    that only costs time ((2·radius + 1)² offsets, each a pass over every photo)."""
    side = min(h, w)
    return check_int(name, value, low=0, high=side // 4,
                     why=f"at most a quarter of the {what}' smaller side, {side} pixels")


def _batch(name: str, value) -> np.ndarray:
    """RGB (or one-channel) images ``(N, H, W, C)`` in [0, 1], float64."""
    return check_images(name, value, ndim=4, dtype=np.float64)


def gradients(x) -> tuple[np.ndarray, np.ndarray]:
    """Forward differences of images ``(..., H, W, C)``: ``gx[..., i, j] = x[..., i, j + 1] −
    x[..., i, j]`` and ``gy[..., i, j] = x[..., i + 1, j] − x[..., i, j]``, zero in the last
    column (``gx``) and row (``gy``). For a field that is zero on the frame's border these are
    the differences of the field padded with zeros, which ``poisson_reconstruct`` inverts
    exactly."""
    x = check_array("x", x, ndim=(3, 4), dtype=np.float64)
    if min(x.shape[-3:-1]) < 2:
        raise ValueError(f"x has shape {x.shape}; expected images of at least 2×2 pixels.")
    gx = np.zeros_like(x)
    gy = np.zeros_like(x)
    gx[..., :, :-1, :] = x[..., :, 1:, :] - x[..., :, :-1, :]
    gy[..., :-1, :, :] = x[..., 1:, :, :] - x[..., :-1, :, :]
    return gx, gy


def median_gradients(j) -> tuple[np.ndarray, np.ndarray]:
    """Step 1: the per-pixel median over the photos ``j`` ``(N, H, W, C)`` of their
    gradients; two arrays ``(H, W, C)``."""
    j = _batch("j", j)
    gx, gy = gradients(j)
    return np.median(gx, axis=0), np.median(gy, axis=0)


def poisson_reconstruct(gx, gy) -> np.ndarray:
    """Step 2: the field φ ``(H, W, C)`` that is zero outside the frame and whose forward
    differences best match ``(gx, gy)`` in the least-squares sense: the solution of the
    Poisson equation ∇²φ = div g with zero (Dirichlet) boundary values, solved exactly with
    the type-I discrete sine transform (which diagonalises the 5-point Laplacian)."""
    gx = check_array("gx", gx, ndim=3)
    gy = check_array("gy", gy, ndim=3)
    check_same_shape("gy", gy, "gx", gx)
    h, w = gx.shape[:2]
    # div g with backward differences (g is zero outside the frame)
    div = gx.copy()
    div[:, 1:] -= gx[:, :-1]
    div += gy
    div[1:] -= gy[:-1]
    ky = 2 * np.cos(np.pi * np.arange(1, h + 1) / (h + 1)) - 2
    kx = 2 * np.cos(np.pi * np.arange(1, w + 1) / (w + 1)) - 2
    spectrum = fft.dstn(div, type=1, axes=(0, 1))
    return fft.idstn(spectrum / (ky[:, None, None] + kx[None, :, None]), type=1, axes=(0, 1))


def shift(x, dy: int, dx: int) -> np.ndarray:
    """One image ``x`` ``(H, W)`` or ``(H, W, C)`` moved by whole pixels (down ``dy``, right
    ``dx``), filled with zeros where nothing moves in."""
    x = check_array("x", x, ndim=(2, 3), dtype=None)
    dy, dx = check_int("dy", dy), check_int("dx", dx)
    h, w = x.shape[:2]
    out = np.zeros_like(x)
    if abs(dy) >= h or abs(dx) >= w:
        return out
    out[max(0, dy):h - max(0, -dy), max(0, dx):w - max(0, -dx)] = \
        x[max(0, -dy):h - max(0, dy), max(0, -dx):w - max(0, dx)]
    return out


def align(j, gx, gy, radius: int) -> np.ndarray:
    """Step 0: each photo's offset ``(dy, dx)``, within ``radius`` pixels, at which the
    template gradient ``(gx, gy)`` best matches the photo's: the largest sum of the product
    of the two gradient fields (over pixels and channels). Signed gradients, not their
    magnitudes: the photo's own edges point every way and cancel, the watermark's edges
    agree with the template's (the paper matches edge maps by chamfer distance). Returns an
    integer array ``(N, 2)``: the watermark sits ``dy`` pixels lower and ``dx`` to the right
    than in the template. ``radius`` is at most a quarter of the photos' smaller side (the
    search tries (2·radius + 1)² offsets)."""
    j = _batch("j", j)
    gx = check_array("gx", gx, ndim=3)
    gy = check_array("gy", gy, ndim=3)
    check_same_shape("gx", gx, "j[0]", j[0])
    check_same_shape("gy", gy, "j[0]", j[0])
    radius = _max_shift("radius", radius, *j.shape[1:3])
    jx, jy = gradients(j)
    offsets = _offsets(radius)
    scores = np.stack([(jx * shift(gx, dy, dx) + jy * shift(gy, dy, dx)).sum((1, 2, 3))
                       for dy, dx in offsets], 1)
    return np.array(offsets, dtype=int)[scores.argmax(1)]


def _offsets(radius: int) -> list[tuple[int, int]]:
    """Every whole-pixel offset (dy, dx) within ``radius`` in each direction."""
    return [(dy, dx) for dy in range(-radius, radius + 1) for dx in range(-radius, radius + 1)]


@dataclass(frozen=True)
class Estimate:
    """What ``estimate`` returns. ``alpha``: the opacity map A ``(H, W)`` in [0, max_alpha];
    ``colour``: W ``(3,)`` (clipped to [0, 1]); ``phi``: step 2's field ≈ A·(W − Ī)
    ``(H, W, C)``; ``gx``, ``gy``: step 1's median gradients (after alignment);
    ``offsets``: the photos' offsets ``(N, 2)`` found by ``align``; ``typical``: Ī ``(C,)``,
    the median of the photos' pixels in the band along the frame (unaligned) or of all the
    aligned photos' pixels."""

    alpha: np.ndarray
    colour: np.ndarray
    phi: np.ndarray
    gx: np.ndarray
    gy: np.ndarray
    offsets: np.ndarray
    typical: np.ndarray

    def __post_init__(self):
        alpha = check_images("alpha", self.alpha, ndim=2, dtype=np.float64)
        phi = check_array("phi", self.phi, ndim=3)
        check_same_shape("phi", phi, "alpha", alpha, axes=slice(0, 2))
        for name in ("gx", "gy"):
            check_same_shape(name, check_array(name, getattr(self, name), ndim=3), "phi", phi)
        for name in ("colour", "typical"):
            value = check_images(name, getattr(self, name), ndim=1, dtype=np.float64)
            if value.shape != (phi.shape[-1],):
                raise ValueError(f"{name} has shape {value.shape}; expected "
                                 f"({phi.shape[-1]},): one value per channel.")
        offsets = check_array("offsets", self.offsets, ndim=2, min_len=0, dtype=None)
        if offsets.shape[1:] != (2,):
            raise ValueError(f"offsets has shape {offsets.shape}; expected (N, 2).")


def _border(h: int, w: int, width: int) -> np.ndarray:
    b = np.zeros((h, w), bool)
    b[:width], b[-width:], b[:, :width], b[:, -width:] = True, True, True, True
    return b


def estimate(j, *, radius: int = 3, iterations: int = 2, border: int = 4,
             max_alpha: float = 0.95) -> Estimate:
    """Steps 0–3 on photos ``j`` ``(N, H, W, C)`` that carry one watermark at the same place
    up to ``radius`` pixels (at most a quarter of their smaller side); ``iterations``
    rounds of align → median gradient (0: no alignment), then one Poisson solve.
    ``border``: the width (pixels) of the band along the
    frame taken to be free of the mark (Ī and the typical spread come from it when the
    photos needed no shift; after alignment, see the comment in the code).

    Needs at least 2 photos (the median of one photo's gradient is that photo's)."""
    j = _batch("j", j)
    if len(j) < 2:
        raise ValueError(f"j has {len(j)} photo; expected at least 2 photos carrying the "
                         "same watermark.")
    h, w = j.shape[1:3]
    radius = _max_shift("radius", radius, h, w)
    iterations = check_int("iterations", iterations, low=0)
    border = check_int("border", border, low=1, high=max(1, min(h, w) // 4))
    max_alpha = check_real("max_alpha", max_alpha, low=0, high=1, low_open=True, high_open=True)
    offsets = np.zeros((len(j), 2), int)
    aligned = j
    # The first template to align on: the *mean* gradient. Where the mark wanders, its edges
    # reach each pixel in only some photos, so the median there can be 0; the mean keeps a
    # blurred trace of them. Without alignment the median is the estimate at once.
    gx, gy = (g.mean(0) for g in gradients(j)) if iterations else median_gradients(j)
    for _ in range(iterations):
        offsets = align(j, gx, gy, radius)
        offsets -= np.round(np.median(offsets, 0)).astype(int)   # the template may sit off-centre
        aligned = np.stack([shift(x, -dy, -dx) for x, (dy, dx) in zip(j, offsets)])
        gx, gy = median_gradients(aligned)
    phi = poisson_reconstruct(gx, gy)
    # Ī and the photos' typical spread away from the mark. Unaligned (iterations=0): from the
    # band ``border`` wide along the frame. Aligned: the shifts may fill strips along the edges
    # with zeros; Ī and the spread then come from all pixels of the aligned photos (strips and
    # mark included: both are small), and the rough A below is zeroed within border + radius
    # of the frame. Measured on the course's photos (notebook 05, seeds 0-2), taking them
    # instead from a band inside the strips left about twice the error with 40 photos.
    mad = np.median(np.abs(aligned - np.median(aligned, 0)), 0).mean(-1)      # (H, W)
    if iterations:
        valid = ~_border(h, w, border + radius)
        typical, spread_out = np.median(aligned, axis=(0, 1, 2)), np.median(mad)
    else:
        valid, frame = np.ones((h, w), bool), _border(h, w, border)
        typical, spread_out = np.median(aligned[:, frame], axis=(0, 1)), np.median(mad[frame])
    # Step 3: a rough A from the spread of the photos, then W − Ī by least squares.
    rough = np.clip(1.0 - mad / max(spread_out, 1e-12), 0.0, max_alpha)
    rough[~valid] = 0.0
    w_minus = (phi * rough[..., None]).sum((0, 1)) / max((rough ** 2).sum(), 1e-12)
    norm = float((w_minus ** 2).sum())
    if norm < 1e-8:
        alpha = np.zeros((h, w))
    else:
        alpha = np.clip((phi * w_minus).sum(-1) / norm, 0.0, max_alpha)
    colour = np.clip(typical + w_minus, 0.0, 1.0)
    return Estimate(alpha=alpha, colour=colour, phi=phi, gx=gx, gy=gy, offsets=offsets,
                    typical=typical)


def remove(j, est: Estimate, *, radius: int = 0) -> np.ndarray:
    """Step 4: each photo of ``j`` with the estimated watermark taken out, I = (J − A·W) /
    (1 − A), clipped to [0, 1]. ``radius`` > 0 first finds each photo's offset within that
    many pixels (``align``, as ``estimate`` did); 0 uses the estimate's position as it is."""
    j = _batch("j", j)
    if not isinstance(est, Estimate):
        raise TypeError(f"est is {type(est).__name__}; expected a dekel.Estimate (what "
                        "dekel.estimate returns).")
    check_same_shape("est.alpha", est.alpha, "j[0]", j[0], axes=slice(0, 2))
    radius = _max_shift("radius", radius, *j.shape[1:3])
    offsets = align(j, est.gx, est.gy, radius) if radius else np.zeros((len(j), 2), int)
    alpha = np.stack([shift(est.alpha, dy, dx) for dy, dx in offsets])
    colour = np.broadcast_to(est.colour, (len(j), j.shape[-1]))
    return invert_blend(j.astype(np.float32), alpha.astype(np.float32), colour.astype(np.float32))


def aligned_rmse(estimate_alpha, true_alpha, radius: int) -> float:
    """RMSE between an estimated opacity map and the true one ``(H, W)``, at the best
    alignment within ``radius`` pixels: the attack finds the watermark's shape, and where it
    sits only up to the photos' common offset (which ``remove`` finds again per photo)."""
    est = check_images("estimate_alpha", estimate_alpha, ndim=2, dtype=np.float64)
    true = check_images("true_alpha", true_alpha, ndim=2, dtype=np.float64)
    check_same_shape("estimate_alpha", est, "true_alpha", true)
    radius = _max_shift("radius", radius, *true.shape, what="opacity maps")
    return float(min(np.sqrt(np.mean((shift(est, dy, dx) - true) ** 2))
                     for dy, dx in _offsets(radius)))
