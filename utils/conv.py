"""The 2-D convolution of the slides, written out in NumPy, and what Keras's Conv2D computes.

The slide's formula is the *convolution*

    (f * g)(i, j) = Σ_a Σ_b f(a, b) · g(i − a, j − b),

with ``f`` the kernel and ``g`` the image. Deep-learning "convolution" layers, Keras's
``Conv2D`` included, compute the *cross-correlation* ``Σ_a Σ_b k(a, b) · x(i + a, j + b)``
instead: the same thing with the kernel flipped in both directions. Since the kernel is
learned, the flip does not matter for training, but it does when you compare numbers.
"""

from __future__ import annotations

import numpy as np

from ._validate import check_array, check_choice, check_int


def _matrix(name: str, a) -> np.ndarray:
    """A finite, non-empty 2-D float64 array."""
    a = check_array(name, a, ndim=2)
    if a.shape[1] == 0:
        raise ValueError(f"{name} has shape {a.shape}; expected a non-empty 2-D array.")
    return a


def convolve2d(image, kernel, mode: str = "valid") -> np.ndarray:
    """The slide's convolution ``Σ_a Σ_b kernel(a, b) · image(i − a, j − b)``.

    ``mode="full"`` keeps every output position where kernel and image overlap (shape
    ``H + kh − 1`` by ``W + kw − 1``); ``"valid"`` only those where the kernel lies entirely
    inside the image (``H − kh + 1`` by ``W − kw + 1``), as ``scipy.signal.convolve2d``.
    """
    x, k = _matrix("image", image), _matrix("kernel", kernel)
    mode = check_choice("mode", mode, ("full", "valid"))
    (h, w), (kh, kw) = x.shape, k.shape
    full = np.zeros((h + kh - 1, w + kw - 1))
    for a in range(kh):          # out(i, j) gets k(a, b)·x(i − a, j − b):
        for b in range(kw):      # x(m, n) lands at i = m + a, j = n + b
            full[a:a + h, b:b + w] += k[a, b] * x
    if mode == "full":
        return full
    if kh > h or kw > w:
        raise ValueError(f"kernel {k.shape} is larger than image {x.shape}; 'valid' needs "
                         "the kernel to fit inside the image.")
    return full[kh - 1:h, kw - 1:w]


def correlate2d(image, kernel) -> np.ndarray:
    """Valid cross-correlation ``Σ_a Σ_b kernel(a, b) · image(i + a, j + b)``: the
    convolution with the kernel flipped in both directions."""
    return convolve2d(image, _matrix("kernel", kernel)[::-1, ::-1], mode="valid")


def conv2d_layer(x, kernel, *, stride: int = 1, padding: str = "valid") -> np.ndarray:
    """What ``keras.layers.Conv2D(use_bias=False)`` computes, in NumPy (channels last).

    Args:
        x: images ``(N, H, W, C_in)``.
        kernel: ``(kh, kw, C_in, C_out)``, the layer's ``kernel``.
        stride: step between output positions, in both directions.
        padding: ``"valid"`` (no padding) or ``"same"`` (zeros around the image so that the
            output has ``ceil(H / stride)`` rows, split as TensorFlow does: the extra one at
            the bottom/right).

    Returns:
        ``(N, H_out, W_out, C_out)``: for each output channel, the cross-correlation of every
        input channel with its kernel slice, summed over input channels.
    """
    x = check_array("x", x, ndim=4)
    k = check_array("kernel", kernel, ndim=4)
    if 0 in x.shape:
        raise ValueError(f"x has shape {x.shape}; expected (N, H, W, C_in) with no empty axis.")
    if 0 in k.shape or k.shape[2] != x.shape[3]:
        raise ValueError(f"kernel has shape {k.shape}; expected (kh, kw, {x.shape[3]}, C_out) "
                         f"for x with {x.shape[3]} channels.")
    stride = check_int("stride", stride, low=1)
    padding = check_choice("padding", padding, ("valid", "same"))
    kh, kw = k.shape[:2]
    if padding == "same":
        pads = []
        for size, ks in ((x.shape[1], kh), (x.shape[2], kw)):
            total = max((-(-size // stride) - 1) * stride + ks - size, 0)
            pads.append((total // 2, total - total // 2))
        x = np.pad(x, ((0, 0), pads[0], pads[1], (0, 0)))
    h, w = x.shape[1:3]
    if kh > h or kw > w:
        raise ValueError(f"kernel {k.shape[:2]} is larger than the (padded) image {(h, w)}.")
    ho, wo = (h - kh) // stride + 1, (w - kw) // stride + 1
    out = np.zeros((x.shape[0], ho, wo, k.shape[3]))
    for a in range(kh):
        for b in range(kw):
            patch = x[:, a:a + (ho - 1) * stride + 1:stride, b:b + (wo - 1) * stride + 1:stride, :]
            out += patch @ k[a, b]
    return out
