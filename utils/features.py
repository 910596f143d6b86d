"""What an autoencoder's units detect: filters, top-activating inputs, single-unit decodings."""

from __future__ import annotations

from typing import Sequence

import numpy as np


def first_layer_filters(encoder, layer: str = "enc_0", image_shape=(28, 28)) -> np.ndarray:
    """The kernel of the encoder's first Dense layer as one image per unit, ``(units, H, W)``.

    Unit j computes ``act(w_j · x + b_j)``; the image of ``w_j`` is the input pattern that
    excites it most for a given input norm (red: positive weights, blue: negative).
    """
    kernel = np.asarray(encoder.get_layer(layer).kernel)
    n_in = int(np.prod(image_shape))
    if kernel.shape[0] != n_in:
        raise ValueError(f"layer {layer!r} has {kernel.shape[0]} inputs; image_shape "
                         f"{tuple(image_shape)} has {n_in} pixels.")
    return kernel.T.reshape((kernel.shape[1],) + tuple(image_shape))


def top_activating(codes, k: int = 5, units: Sequence[int] | None = None) -> np.ndarray:
    """Indices of the ``k`` inputs that activate each unit most, shape ``(len(units), k)``,
    strongest first. ``codes`` is ``(N, units)``, e.g. ``encoder.predict(x_test)``."""
    h = np.asarray(codes)
    if h.ndim != 2:
        raise ValueError(f"codes has shape {h.shape}; expected (N, units).")
    if isinstance(k, bool) or not isinstance(k, int) or not 1 <= k <= len(h):
        raise ValueError(f"k is {k!r}; expected an integer in [1, {len(h)}].")
    units = np.arange(h.shape[1]) if units is None else np.asarray(units)
    if units.ndim != 1 or len(units) == 0 or units.min() < 0 or units.max() >= h.shape[1]:
        raise ValueError(f"units is {units.tolist()!r}; expected indices in "
                         f"[0, {h.shape[1]}).")
    return np.argsort(-h[:, units], axis=0, kind="stable")[:k].T


def single_unit_codes(code_dim: int, units: Sequence[int], *, on: float = 1.0,
                      off: float = 0.0) -> np.ndarray:
    """One code per unit: all units at ``off`` except that one at ``on``, ``(len(units), code_dim)``.

    Decode them (``decoder.predict``) to see what each code unit draws on its own.
    """
    units = np.asarray(units)
    if units.ndim != 1 or len(units) == 0 or units.min() < 0 or units.max() >= code_dim:
        raise ValueError(f"units is {units.tolist()!r}; expected indices in [0, {code_dim}).")
    codes = np.full((len(units), code_dim), off, dtype="float32")
    codes[np.arange(len(units)), units] = on
    return codes
