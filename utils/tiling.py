"""Run a patch model over a whole image, tile by tile (notebook 05)."""

from __future__ import annotations

from typing import Callable

import numpy as np

from ._validate import check_array, check_callable, check_int


def process_tiled(predict: Callable[[np.ndarray], np.ndarray], image, tile: int,
                  stride: int | None = None, *, batch_size: int = 256) -> np.ndarray:
    """Apply ``predict`` (a batch ``(N, tile, tile, C)`` → same shape) to overlapping tiles of
    ``image`` ``(H, W, C)`` and average the overlaps, so no seams show between tiles.

    The image is padded by reflection to cover whole tiles. Each output pixel is the mean of
    the predictions of every tile that covers it.

    Args:
        predict: a function from a batch of tiles to a batch of the same shape (e.g. a
            model's ``predict``).
        image: one image ``(H, W, C)``, finite.
        tile: side of the square tiles, in pixels (>= 1).
        stride: step between tiles, from 1 to ``tile``; defaults to half a tile.
        batch_size: number of tiles per call of ``predict`` (>= 1).

    Returns:
        An array of the image's shape (float32).
    """
    predict = check_callable("predict", predict)
    image = check_array("image", image, ndim=3, dtype=np.float32)
    if 0 in image.shape:
        raise ValueError(f"image has shape {image.shape}; expected (H, W, C) with no empty "
                         "axis.")
    tile = check_int("tile", tile, low=1)
    stride = max(1, tile // 2) if stride is None else check_int("stride", stride, low=1,
                                                                 high=tile)
    batch_size = check_int("batch_size", batch_size, low=1)
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
        pred = check_array("predict's output", predict(tiles), ndim=None, min_len=0,
                           dtype=np.float32)
        if pred.shape != tiles.shape:
            raise ValueError(f"predict returned shape {pred.shape} for tiles {tiles.shape}; "
                             "expected the same shape.")
        for (i, j), p in zip(chunk, pred):
            out[i:i + tile, j:j + tile] += p
            count[i:i + tile, j:j + tile] += 1
    return (out / count)[:h, :w]
