"""Visible watermarks, synthesised the way the LVW / CLWD datasets were made.

A watermark is a shape ``m`` (text or a logo, values in [0, 1] with anti-aliased edges), a
colour ``W`` and an opacity ``α``. Blended onto an image ``I`` it gives (Dekel et al., CVPR
2017)

    J = A·W + (1 − A)·I,   with the per-pixel opacity map A = α·m,

so where ``m = 0`` the image is untouched and where ``m = 1`` the pixel is the mix
``αW + (1 − α)I``. ``WatermarkSampler`` draws words or logos, opacity, size, position,
rotation and colour from a seeded generator; its ``"train"`` and ``"test"`` vocabularies and
logo sets are disjoint, so test watermarks are never seen in training.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from ._validate import (check_array, check_bool, check_choice, check_images, check_int,
                        check_real, check_same_shape, check_seed, check_str)

TRAIN_WORDS = ("SAMPLE", "PROOF", "DRAFT", "STOCK", "photo", "Copyright", "PREVIEW", "studio",
               "COPY", "demo", "© 2024", "licensed", "WATERMARK", "archive", "PRIVATE",
               "imaging", "Getty", "shutter", "pixels", "NOT FOR SALE")
TEST_WORDS = ("CONFIDENTIAL", "specimen", "© ACME", "original", "Reserved", "VOID",
              "gallery", "unpaid")
# validation marks: neither trained on nor tested on; thresholds are chosen with them
VAL_WORDS = ("TRIAL", "property", "© FOTO", "LOW RES", "agency", "NO REUSE")
TRAIN_LOGOS = ("ring", "star", "triangle", "cross")
VAL_LOGOS = ("hexagon", "arrow")
TEST_LOGOS = ("skimage_logo", "diamond_ring")
LOGOS = TRAIN_LOGOS + VAL_LOGOS + TEST_LOGOS
_MARKS = {"train": (TRAIN_WORDS, TRAIN_LOGOS), "val": (VAL_WORDS, VAL_LOGOS),
          "test": (TEST_WORDS, TEST_LOGOS)}
ALPHA_RANGE = (0.3, 0.7)


@lru_cache(maxsize=None)
def font_path() -> Path:
    """DejaVu Sans Bold, shipped inside matplotlib (no download, no system fonts needed)."""
    import matplotlib

    return Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans-Bold.ttf"


def render_text(text: str, height: int) -> np.ndarray:
    """The anti-aliased shape of ``text`` (a non-blank string), ``height`` pixels tall (an
    integer >= 4): floats in [0, 1]."""
    text = check_str("text", text)
    height = check_int("height", height, low=4)
    return _render_text(text, height)


@lru_cache(maxsize=4096)
def _font(height: int):
    from PIL import ImageFont

    return ImageFont.truetype(str(font_path()), size=height)


@lru_cache(maxsize=4096)
def _render_text(text: str, height: int) -> np.ndarray:
    from PIL import Image, ImageDraw

    font = _font(height)
    left, top, right, bottom = font.getbbox(text)
    img = Image.new("L", (right - left + 2, bottom - top + 2), 0)
    ImageDraw.Draw(img).text((1 - left, 1 - top), text, fill=255, font=font)
    out = np.asarray(img, dtype=np.float32) / 255.0
    out.flags.writeable = False     # cached: shared between calls
    return out


def _resize(shape: np.ndarray, size: int) -> np.ndarray:
    from PIL import Image

    img = Image.fromarray(np.round(shape * 255).astype(np.uint8))
    return np.asarray(img.resize((size, size), Image.LANCZOS), np.float32) / 255.0


@lru_cache(maxsize=1)
def _skimage_logo_shape() -> np.ndarray:
    """Line art from scikit-image's bundled logo: its white "S" band (thickened) inside a ring.

    (The logo's own alpha channel is opaque everywhere: used as a mark it would be a filled
    square, so the shape is taken from the picture instead.)
    """
    import skimage.data
    from scipy import ndimage

    rgb = skimage.data.logo()[..., :3].astype(np.float32) / 255.0
    n = rgb.shape[0]
    yy, xx = np.mgrid[:n, :n]
    r = np.hypot(yy - (n - 1) / 2, xx - (n - 1) / 2) / (n / 2)
    band = (rgb.min(axis=-1) > 0.9) & (r < 0.9)
    disk = np.hypot(*np.mgrid[-12:13, -12:13]) <= 12
    band = ndimage.binary_dilation(band, structure=disk)
    return (band | ((r > 0.82) & (r < 0.98))).astype(np.float32)


def render_logo(name: str, size: int) -> np.ndarray:
    """A logo shape (a name in ``LOGOS``), ``size``×``size`` pixels, floats in [0, 1].

    ``ring``, ``star``, ``triangle``, ``cross``, ``hexagon``, ``arrow`` and ``diamond_ring``
    are drawn as line art; the ``skimage_logo`` is scikit-image's own logo (its alpha
    channel), bundled with the package.
    """
    check_choice("name", name, LOGOS)
    size = check_int("size", size, low=8)
    return _render_logo(name, size)


@lru_cache(maxsize=4096)
def _render_logo(name: str, size: int) -> np.ndarray:
    out = _draw_logo(name, size)
    out.flags.writeable = False     # cached: shared between calls
    return out


def _draw_logo(name: str, size: int) -> np.ndarray:
    from PIL import Image, ImageDraw

    if name == "skimage_logo":
        return _resize(_skimage_logo_shape(), size)
    s = 4 * size  # draw large, then shrink: anti-aliased edges
    img = Image.new("L", (s, s), 0)
    d = ImageDraw.Draw(img)
    c, r = s / 2, s * 0.45
    line = max(1, s // 8)  # stroke width: line art, like the test logos and real marks
    if name == "ring":
        d.ellipse([c - r, c - r, c + r, c + r], outline=255, width=max(1, s // 8))
    elif name == "star":
        angles = np.pi / 2 + np.arange(10) * np.pi / 5
        radii = np.where(np.arange(10) % 2 == 0, r, 0.45 * r)
        d.polygon([(c + q * np.cos(a), c - q * np.sin(a)) for a, q in zip(angles, radii)],
                  outline=255, width=line)
    elif name == "triangle":
        d.polygon([(c, c - r), (c - r, c + 0.8 * r), (c + r, c + 0.8 * r)], outline=255,
                  width=line)
    elif name == "cross":
        d.rectangle([c - line / 2, c - r, c + line / 2, c + r], fill=255)
        d.rectangle([c - r, c - line / 2, c + r, c + line / 2], fill=255)
    elif name == "hexagon":
        angles = np.arange(6) * np.pi / 3
        d.polygon([(c + r * np.cos(a), c - r * np.sin(a)) for a in angles], outline=255,
                  width=line)
    elif name == "arrow":
        d.line([(c - r, c), (c + r, c)], fill=255, width=line)
        d.line([(c + r, c), (c + 0.3 * r, c - 0.6 * r)], fill=255, width=line)
        d.line([(c + r, c), (c + 0.3 * r, c + 0.6 * r)], fill=255, width=line)
    elif name == "diamond_ring":
        d.polygon([(c, c - r), (c + r, c), (c, c + r), (c - r, c)], outline=255,
                  width=max(1, s // 10))
    else:
        raise ValueError(f"name is {name!r}; expected one of {LOGOS}.")
    return np.asarray(img.resize((size, size), Image.LANCZOS), np.float32) / 255.0


def blend(image, shape_mask, colour, alpha: float):
    """``J = A·W + (1 − A)·I`` with ``A = alpha · shape_mask``.

    Args:
        image: ``(H, W, 3)`` floats in [0, 1].
        shape_mask: ``(H, W)`` floats in [0, 1], the watermark's shape.
        colour: 3 floats in [0, 1], the watermark's colour W.
        alpha: opacity in [0, 1].

    Returns:
        ``(J, A)``: the watermarked image and the per-pixel opacity map.
    """
    image = _rgb_images("image", image, ndim=3)
    shape_mask = check_images("shape_mask", shape_mask, ndim=2)
    check_same_shape("shape_mask", shape_mask, "image", image, axes=slice(0, 2))
    colour = _colours("colour", colour, (3,))
    alpha = check_real("alpha", alpha, low=0, high=1)
    a_map = float(alpha) * shape_mask
    return a_map[..., None] * colour + (1.0 - a_map[..., None]) * image, a_map


def _rgb_images(name: str, value, *, ndim: int) -> np.ndarray:
    """float32 RGB images in [0, 1] of rank ``ndim`` (3: one image, 4: a batch)."""
    value = check_images(name, value, ndim=ndim)
    if value.shape[-1] != 3:
        want = "(H, W, 3)" if ndim == 3 else "(N, H, W, 3)"
        raise ValueError(f"{name} has shape {value.shape}; expected {want}: RGB images.")
    return value


def _colours(name: str, value, shape: tuple) -> np.ndarray:
    """float32 RGB colours in [0, 1] of ``shape``."""
    value = check_images(name, value, ndim=len(shape))
    if value.shape != shape:
        raise ValueError(f"{name} has shape {value.shape}; expected {shape}: RGB colours "
                         "in [0, 1].")
    return value


@dataclass
class Watermarked:
    """One watermarked batch: inputs ``j``, clean targets ``clean``, opacity maps ``alpha``
    (``A = α·m``, zero outside the watermark) and boolean ``mask = alpha > 0``."""

    j: np.ndarray
    clean: np.ndarray
    alpha: np.ndarray
    colour: np.ndarray
    names: tuple = ()

    def __post_init__(self):
        # shapes, finiteness and [0, 1]: images, opacities and colours (0..255 is an error)
        self.j = check_images("j", self.j, ndim=4, dtype=None)
        self.clean = check_images("clean", self.clean, ndim=4, dtype=None)
        check_same_shape("clean", self.clean, "j", self.j)
        self.alpha = check_images("alpha", self.alpha, ndim=3, dtype=None)
        check_same_shape("alpha", self.alpha, "j", self.j, axes=slice(0, 3))
        self.colour = check_images("colour", self.colour, ndim=2, dtype=None)
        if self.colour.shape != (len(self.j), 3):
            raise ValueError(f"colour has shape {self.colour.shape}; expected "
                             f"{(len(self.j), 3)}: one RGB colour per image.")
        self.names = tuple(check_str(f"names[{i}]", n) for i, n in enumerate(self.names))

    @property
    def mask(self) -> np.ndarray:
        return self.alpha > 0


class WatermarkSampler:
    """Draws watermarks for a split: ``"train"`` uses TRAIN_WORDS/TRAIN_LOGOS, ``"val"``
    VAL_WORDS/VAL_LOGOS and ``"test"`` TEST_WORDS/TEST_LOGOS (three disjoint sets).

    Each watermark: text with probability ``p_text`` (else a logo), opacity α uniform in
    ``alpha_range``, height 25–60 % of the patch (text) or 40–80 % (logo), rotation within
    ±30°, a random position that keeps it mostly inside, and a colour that is white, black or
    a random colour (uniform in RGB).
    """

    def __init__(self, split: str = "train", *, alpha_range=ALPHA_RANGE, p_text: float = 0.6,
                 seed: int = 0):
        check_choice("split", split, tuple(_MARKS))
        if len(check_array("alpha_range", alpha_range, ndim=1)) != 2:
            raise ValueError(f"alpha_range is {alpha_range!r}; expected (low, high).")
        lo, hi = (check_real(f"alpha_range[{i}]", v, low=0, high=1)
                  for i, v in enumerate(alpha_range))
        if lo > hi:
            raise ValueError(f"alpha_range is {alpha_range!r}; expected 0 <= low <= high <= 1.")
        p_text = check_real("p_text", p_text, low=0, high=1)
        seed = check_seed("seed", seed)
        self.split, self.alpha_range, self.p_text = split, (lo, hi), p_text
        self.words, self.logos = _MARKS[split]
        self.rng = np.random.default_rng(seed)

    def shape(self, size: int) -> tuple[np.ndarray, str]:
        """A random watermark shape placed on a ``size``×``size`` canvas, and its name."""
        from PIL import Image

        size = check_int("size", size, low=1)
        rng = self.rng
        if rng.random() < self.p_text:
            name = str(rng.choice(self.words))
            glyphs = render_text(name, max(6, int(size * rng.uniform(0.25, 0.6))))
            if glyphs.shape[1] > 1.6 * size:  # long words: shrink to fit
                scale = 1.6 * size / glyphs.shape[1]
                glyphs = np.asarray(Image.fromarray(glyphs).resize(
                    (max(1, int(glyphs.shape[1] * scale)), max(1, int(glyphs.shape[0] * scale))),
                    Image.BILINEAR))
        else:
            name = str(rng.choice(self.logos))
            glyphs = render_logo(name, max(8, int(size * rng.uniform(0.4, 0.8))))
        rotated = np.asarray(Image.fromarray(glyphs).rotate(
            rng.uniform(-30, 30), resample=Image.BILINEAR, expand=True))
        canvas = np.zeros((size, size), np.float32)
        h, w = rotated.shape
        top = int(rng.integers(-h // 4, max(1, size - 3 * h // 4)))
        left = int(rng.integers(-w // 4, max(1, size - 3 * w // 4)))
        ct, cl = max(0, top), max(0, left)
        cb, cr = min(size, top + h), min(size, left + w)
        if cb > ct and cr > cl:
            canvas[ct:cb, cl:cr] = rotated[ct - top:cb - top, cl - left:cr - left]
        return np.clip(canvas, 0, 1), name

    def colour(self) -> np.ndarray:
        kind = self.rng.random()
        if kind < 0.35:
            return np.ones(3, np.float32)
        if kind < 0.6:
            return np.zeros(3, np.float32)
        return self.rng.uniform(0, 1, 3).astype(np.float32)

    def apply(self, patches, *, quantize: bool = True) -> Watermarked:
        """Watermark every patch of ``patches`` ``(N, S, S, 3)`` (one watermark each).

        ``quantize`` rounds the watermarked images to 8 bits, as a saved PNG or JPEG would be
        (the clean bundled images are 8-bit already); it is also what makes the oracle
        inversion imperfect where α is large.
        """
        patches = _rgb_images("patches", patches, ndim=4)
        if patches.shape[1] != patches.shape[2]:
            raise ValueError(f"patches has shape {patches.shape}; expected (N, S, S, 3): "
                             "square patches.")
        quantize = check_bool("quantize", quantize)
        out, alphas, colours, names = [], [], [], []
        for p in patches:
            m, name = self.shape(p.shape[0])
            c = self.colour()
            j, a = blend(p, m, c, self.rng.uniform(*self.alpha_range))
            out.append(j), alphas.append(a), colours.append(c), names.append(name)
        j = np.stack(out)
        if quantize:
            j = _to_8bit(j)
        return Watermarked(j.astype(np.float32), patches, np.stack(alphas), np.stack(colours),
                           tuple(names))

    def apply_to_image(self, image, n_marks: int, mark_size: int, *,
                       quantize: bool = True) -> Watermarked:
        """``n_marks`` watermarks, each drawn on a ``mark_size`` canvas, blended one after the
        other at random places of one whole ``(H, W, 3)`` image. Returns a batch of one;
        ``alpha`` is the combined opacity 1 − Π(1 − Aₖ) and ``colour`` the last mark's."""
        image = _rgb_images("image", image, ndim=3)
        n_marks = check_int("n_marks", n_marks, low=1)
        h, w = image.shape[:2]
        if min(h, w) < 8:
            raise ValueError(f"image has shape {image.shape}; expected at least 8×8 pixels "
                             "(the smallest mark).")
        mark_size = check_int("mark_size", mark_size, low=8, high=min(h, w))  # smaller side
        quantize = check_bool("quantize", quantize)
        j, keep, names, c = image.copy(), np.ones((h, w), np.float32), [], None
        for _ in range(n_marks):
            m, name = self.shape(mark_size)
            top = int(self.rng.integers(h - mark_size + 1))
            left = int(self.rng.integers(w - mark_size + 1))
            full = np.zeros((h, w), np.float32)
            full[top:top + mark_size, left:left + mark_size] = m
            c = self.colour()
            j, a = blend(j, full, c, self.rng.uniform(*self.alpha_range))
            keep *= 1.0 - a
            names.append(name)
        if quantize:
            j = _to_8bit(j)
        return Watermarked(j[None].astype(np.float32), image[None], (1.0 - keep)[None],
                           c[None], tuple(names))


def _to_8bit(j: np.ndarray) -> np.ndarray:
    """Round to the 256 levels a saved 8-bit image has."""
    return np.round(j * 255.0) / 255.0


def invert_blend(j, alpha, colour) -> np.ndarray:
    """Dekel et al.'s inversion ``I = (J − A·W) / (1 − A)`` with known opacity map ``alpha``
    ``(N, H, W)`` and colour ``colour`` ``(N, 3)``, clipped to [0, 1]. With the true A and W
    this is the oracle: only the 8-bit rounding of J, amplified by 1 / (1 − A), is left."""
    j = _rgb_images("j", j, ndim=4)
    alpha = check_images("alpha", alpha, ndim=3, unit_range=False)
    check_same_shape("alpha", alpha, "j", j, axes=slice(0, 3))
    colour = _colours("colour", colour, (len(j), 3))
    if alpha.min() < 0 or alpha.max() >= 1:
        raise ValueError(f"alpha has values in [{alpha.min():.3g}, {alpha.max():.3g}]; "
                         "expected [0, 1) (at A = 1 the image is gone).")
    a = alpha[..., None]
    return np.clip((j - a * colour[:, None, None, :]) / (1.0 - a), 0.0, 1.0)


def training_targets(j, clean, alpha, *, mask_weight: float, gate_min_alpha: float = 0.02):
    """Inputs, targets and per-pixel loss weights for the gated remover of notebook 05.

    ``j``: watermarked images ``(N, H, W, 3)``; ``clean``: their originals; ``alpha``: the
    opacity maps ``(N, H, W)``. Returns ``(j, {"clean": clean, "mask": gate},
    {"clean": weights, "mask": ones})``: the gate's target is 1 where α > ``gate_min_alpha``,
    and the colour loss counts ``1 + mask_weight`` times inside the mark (α > 0), once
    elsewhere.
    """
    j = _rgb_images("j", j, ndim=4)
    clean = _rgb_images("clean", clean, ndim=4)
    check_same_shape("clean", clean, "j", j)
    alpha = check_array("alpha", alpha, ndim=3, dtype=np.float32)
    if alpha.shape != j.shape[:3]:
        raise ValueError(f"alpha has shape {alpha.shape}; expected {j.shape[:3]} (j's "
                         "images without the colour axis).")
    mask_weight = check_real("mask_weight", mask_weight, low=0)
    gate_min_alpha = check_real("gate_min_alpha", gate_min_alpha, low=0, high=1)
    weights = 1.0 + mask_weight * (alpha > 0).astype(np.float32)
    gate = (alpha > gate_min_alpha).astype(np.float32)[..., None]
    return j, {"clean": clean, "mask": gate}, {"clean": weights, "mask": np.ones_like(weights)}


def unseen_patches(images, sampler: WatermarkSampler, n: int, draw: int, *, size: int,
                   clean_share: float, mask_weight: float, gate_min_alpha: float = 0.02):
    """One round of training data for the unseen-mark remover (notebook 05, part 2).

    ``n`` ``size``×``size`` crops of ``images`` (``data.random_patches``, seeded by ``draw``),
    each stamped with a mark drawn from ``sampler`` (its generator moves on from call to call:
    a run is reproducible from a sampler made with the same seed, called in the same order);
    a share ``clean_share`` of them (chosen by ``draw``) is left without its mark, so that the
    gate also learns to stay off. Returns ``training_targets``'s triple.
    """
    from . import data

    if not isinstance(sampler, WatermarkSampler):
        raise TypeError(f"sampler is {type(sampler).__name__}; expected a WatermarkSampler.")
    draw = check_int("draw", draw, low=0)
    clean_share = check_real("clean_share", clean_share, low=0, high=1)
    w = sampler.apply(data.random_patches(images, n, size, seed=5000 + draw))
    marked = np.random.default_rng(6000 + draw).random(len(w.j)) >= clean_share
    return training_targets(np.where(marked[:, None, None, None], w.j, w.clean), w.clean,
                            w.alpha * marked[:, None, None], mask_weight=mask_weight,
                            gate_min_alpha=gate_min_alpha)
