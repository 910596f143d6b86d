"""Run a patch model over a whole image, tile by tile (notebook 05)."""

from __future__ import annotations

from typing import Callable

import numpy as np

from ._validate import check_array, check_callable, check_choice, check_int, check_not_8bit

WINDOWS = ("smooth", "flat")


def tile_window(tile: int, window: str = "smooth") -> np.ndarray:
    """The weight of each pixel of a ``tile``×``tile`` tile when overlapping tiles are blended.

    ``"smooth"``: sin²(π(y + ½)/tile) · sin²(π(x + ½)/tile) — near zero at the tile's edges,
    largest in its middle. Two such windows half a tile apart add up to one (sin² + cos²), so
    at stride ``tile / 2`` the weights form a partition of unity: a tile's edge, where a patch
    model knows least, counts for almost nothing, and the output has no step at tile borders.
    ``"flat"``: every pixel weighs 1 (plain averaging of the overlaps; where neighbouring
    tiles disagree, their borders show as a grid)."""
    tile = check_int("tile", tile, low=1)
    window = check_choice("window", window, WINDOWS)
    if window == "flat":
        return np.ones((tile, tile), np.float32)
    w = np.sin(np.pi * (np.arange(tile) + 0.5) / tile) ** 2
    return np.outer(w, w).astype(np.float32)


def process_tiled(predict: Callable[[np.ndarray], np.ndarray], image, tile: int,
                  stride: int | None = None, *, batch_size: int = 256,
                  window: str = "smooth") -> np.ndarray:
    """Apply ``predict`` (a batch ``(N, tile, tile, C)`` → ``(N, tile, tile, C')``) to
    overlapping tiles of ``image`` ``(H, W, C)`` and blend the overlaps with
    ``tile_window(tile, window)``.

    The image is padded by reflection — by half a tile on every side for the smooth window,
    so that every pixel of the image lies inside tiles, never only at a tile's edge — and to
    whole tiles. Each output pixel is the weighted mean of the predictions of the tiles that
    cover it, so an image that ``predict`` returns unchanged comes back unchanged.

    Args:
        predict: a function from a batch of tiles to a batch of the same shape, or of the
            same tiles with another number of channels ``C'`` (e.g. a model's cleaned
            image and its gate side by side, from one pass).
        image: one image ``(H, W, C)``, finite (8-bit pixels, 0..255, are an error:
            divide by 255).
        tile: side of the square tiles, in pixels, from 1 to twice the image's larger side
            (a larger tile would be mostly padding).
        stride: step between tiles, from 1 to ``tile``; defaults to half a tile.
        batch_size: number of tiles per call of ``predict`` (>= 1).
        window: ``"smooth"`` (default) or ``"flat"`` (see ``tile_window``).

    Returns:
        An array ``(H, W, C')`` (float32): the image's shape when ``predict`` keeps the
        channels.
    """
    predict = check_callable("predict", predict)
    image = check_not_8bit("image", check_array("image", image, ndim=3, dtype=np.float32))
    if 0 in image.shape:
        raise ValueError(f"image has shape {image.shape}; expected (H, W, C) with no empty "
                         "axis.")
    side = max(image.shape[:2])
    tile = check_int("tile", tile, low=1, high=2 * side,
                     why=f"at most twice the image's larger side, {side} pixels")
    stride = max(1, tile // 2) if stride is None else check_int("stride", stride, low=1,
                                                                 high=tile)
    batch_size = check_int("batch_size", batch_size, low=1)
    weight = tile_window(tile, window)[..., None]
    h, w = image.shape[:2]
    margin = tile // 2 if window == "smooth" else 0
    hh, ww = h + 2 * margin, w + 2 * margin
    ph = max(tile, hh + (-(hh - tile) % stride if hh > tile else 0))
    pw = max(tile, ww + (-(ww - tile) % stride if ww > tile else 0))
    pad = ((margin, ph - h - margin), (margin, pw - w - margin), (0, 0))
    mode = "reflect" if min(h, w) > 1 and max(pad[0]) < h and max(pad[1]) < w else "edge"
    padded = np.pad(image, pad, mode=mode)
    corners = [(i, j) for i in range(0, ph - tile + 1, stride)
               for j in range(0, pw - tile + 1, stride)]
    out = None
    total = np.zeros(padded.shape[:2] + (1,), np.float32)
    for k in range(0, len(corners), batch_size):
        chunk = corners[k:k + batch_size]
        tiles = np.stack([padded[i:i + tile, j:j + tile] for i, j in chunk])
        pred = check_array("predict's output", predict(tiles), ndim=None, min_len=0,
                           dtype=np.float32)
        if pred.ndim != 4 or pred.shape[:3] != tiles.shape[:3] or pred.shape[3] < 1:
            raise ValueError(f"predict returned shape {pred.shape} for tiles {tiles.shape}; "
                             f"expected {tiles.shape[:3] + ('C',)}: the same tiles, with any "
                             "number of channels.")
        if out is None:
            out = np.zeros(padded.shape[:2] + pred.shape[3:], np.float32)
        elif pred.shape[3] != out.shape[2]:
            raise ValueError(f"predict returned {pred.shape[3]} channels and {out.shape[2]} "
                             "for the first batch; expected the same number every batch.")
        for (i, j), p in zip(chunk, pred):
            out[i:i + tile, j:j + tile] += weight * p
            total[i:i + tile, j:j + tile] += weight
    return (out / total)[margin:margin + h, margin:margin + w]
