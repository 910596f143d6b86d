"""Run a patch model over a whole image, tile by tile (notebook 05)."""

from __future__ import annotations

from typing import Callable

import numpy as np


def process_tiled(predict: Callable[[np.ndarray], np.ndarray], image, tile: int,
                  stride: int | None = None, *, batch_size: int = 256) -> np.ndarray:
    """Apply ``predict`` (a batch ``(N, tile, tile, C)`` → same shape) to overlapping tiles of
    ``image`` ``(H, W, C)`` and average the overlaps, so no seams show between tiles.

    The image is padded by reflection to cover whole tiles; ``stride`` defaults to half a
    tile. Returns an array of the image's shape.
    """
    image = np.asarray(image, dtype=np.float32)
    if image.ndim != 3:
        raise ValueError(f"image has shape {image.shape}; expected (H, W, C).")
    if isinstance(tile, bool) or not isinstance(tile, int) or tile < 1:
        raise ValueError(f"tile is {tile!r}; expected a positive integer.")
    stride = max(1, tile // 2) if stride is None else stride
    if isinstance(stride, bool) or not isinstance(stride, int) or not 1 <= stride <= tile:
        raise ValueError(f"stride is {stride!r}; expected an integer from 1 to tile={tile}.")
    h, w = image.shape[:2]
    ph = max(tile, h + (-(h - tile) % stride if h > tile else 0))
    pw = max(tile, w + (-(w - tile) % stride if w > tile else 0))
    mode = "reflect" if min(h, w) > 1 and ph - h < h and pw - w < w else "edge"
    padded = np.pad(image, ((0, ph - h), (0, pw - w), (0, 0)), mode=mode)
    corners = [(i, j) for i in range(0, ph - tile + 1, stride)
               for j in range(0, pw - tile + 1, stride)]
    out = np.zeros_like(padded)
    count = np.zeros(padded.shape[:2] + (1,), np.float32)
    for k in range(0, len(corners), batch_size):
        chunk = corners[k:k + batch_size]
        tiles = np.stack([padded[i:i + tile, j:j + tile] for i, j in chunk])
        pred = np.asarray(predict(tiles), dtype=np.float32)
        if pred.shape != tiles.shape:
            raise ValueError(f"predict returned shape {pred.shape} for tiles {tiles.shape}; "
                             "expected the same shape.")
        for (i, j), p in zip(chunk, pred):
            out[i:i + tile, j:j + tile] += p
            count[i:i + tile, j:j + tile] += 1
    return (out / count)[:h, :w]
