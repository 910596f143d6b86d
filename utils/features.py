"""What an autoencoder's units detect: filters, top-activating inputs, single-unit decodings."""

from __future__ import annotations

from typing import Sequence

import numpy as np

from ._validate import (check_array, check_int, check_int_sequence, check_model, check_real,
                        check_str)


def _units(units, n_units: int) -> np.ndarray:
    """Unit indices: a non-empty sequence of integers in [0, n_units)."""
    idx = check_int_sequence("units", units, low=0, example="[0, 3, 7]")
    if max(idx) >= n_units:
        raise ValueError(f"units is {list(idx)!r}; expected indices in [0, {n_units}).")
    return np.asarray(idx, dtype=np.int64)


def first_layer_filters(encoder, layer: str = "enc_0", image_shape=(28, 28)) -> np.ndarray:
    """The kernel of the encoder's first Dense layer as one image per unit, ``(units, H, W)``.

    Unit j computes ``act(w_j · x + b_j)``; the image of ``w_j`` is the input pattern that
    excites it most for a given input norm (red: positive weights, blue: negative).

    Args:
        encoder: a ``keras.Model`` (e.g. ``models.build_dense_autoencoder(...).encoder``).
        layer: name of its Dense layer on the flattened pixels.
        image_shape: ``(H, W)`` (or ``(H, W, C)``) of the input images, H·W(·C) = the
            layer's number of inputs.
    """
    encoder = check_model("encoder", encoder)
    layer = check_str("layer", layer)
    image_shape = check_int_sequence("image_shape", image_shape, low=1, example="(28, 28)")
    names = [lay.name for lay in encoder.layers]
    if layer not in names:
        raise ValueError(f"layer is {layer!r}; the encoder has no such layer (it has "
                         f"{names}).")
    kernel = getattr(encoder.get_layer(layer), "kernel", None)
    if kernel is None or len(kernel.shape) != 2:
        raise ValueError(f"layer is {layer!r}, which has no 2-D kernel; expected a Dense "
                         "layer on the flattened pixels.")
    kernel = np.asarray(kernel)
    n_in = int(np.prod(image_shape))
    if kernel.shape[0] != n_in:
        raise ValueError(f"layer {layer!r} has {kernel.shape[0]} inputs; image_shape "
                         f"{image_shape} has {n_in} pixels.")
    return kernel.T.reshape((kernel.shape[1],) + image_shape)


def top_activating(codes, k: int = 5, units: Sequence[int] | None = None) -> np.ndarray:
    """Indices of the ``k`` inputs that activate each unit most, shape ``(len(units), k)``,
    strongest first. ``codes`` is ``(N, units)``, e.g. ``encoder.predict(x_test)``;
    ``units`` defaults to all of them."""
    h = check_array("codes", codes, ndim=2, dtype=None)
    if h.shape[1] == 0:
        raise ValueError(f"codes has shape {h.shape}; expected (N, units) with units >= 1.")
    k = check_int("k", k, low=1, high=len(h))
    units = np.arange(h.shape[1]) if units is None else _units(units, h.shape[1])
    return np.argsort(-h[:, units], axis=0, kind="stable")[:k].T


def single_unit_codes(code_dim: int, units: Sequence[int], *, on: float = 1.0,
                      off: float = 0.0) -> np.ndarray:
    """One code per unit: all units at ``off`` except that one at ``on``, ``(len(units), code_dim)``.

    Decode them (``decoder.predict``) to see what each code unit draws on its own.
    """
    code_dim = check_int("code_dim", code_dim, low=1)
    units = _units(units, code_dim)
    on, off = check_real("on", on), check_real("off", off)
    codes = np.full((len(units), code_dim), off, dtype="float32")
    codes[np.arange(len(units)), units] = on
    return codes
