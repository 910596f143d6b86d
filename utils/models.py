"""Keras model builders: each ``build_*`` returns Keras models, untrained. No training here.

An autoencoder is an encoder ``h = f(x)`` followed by a decoder ``r = g(h)``; the builders
return the three models that share their layers, so that after training the whole
autoencoder ``r = g(f(x))`` you can also call ``f`` or ``g`` alone.
"""

from __future__ import annotations

from math import prod
from typing import NamedTuple, Sequence

import keras
from keras import layers


class Autoencoder(NamedTuple):
    """The three views of one autoencoder: they share their layers (and weights)."""

    autoencoder: keras.Model  # x -> r = g(f(x))
    encoder: keras.Model      # x -> h = f(x)
    decoder: keras.Model      # h -> r = g(h)


def _check_shape(input_shape) -> tuple[int, ...]:
    if (not isinstance(input_shape, (tuple, list)) or len(input_shape) == 0
            or not all(isinstance(d, int) and not isinstance(d, bool) and d > 0
                       for d in input_shape)):
        raise ValueError(f"input_shape is {input_shape!r}; expected a tuple of positive "
                         "integers such as (28, 28, 1).")
    return tuple(input_shape)


def _check_positive_int(name: str, value) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{name} is {value!r}; expected a positive integer.")
    return value


def _check_hidden(hidden) -> tuple[int, ...]:
    if isinstance(hidden, int) or not isinstance(hidden, Sequence):
        raise ValueError(f"hidden is {hidden!r}; expected a sequence of layer widths "
                         "such as (256,) or () for none.")
    for width in hidden:
        _check_positive_int("each width in hidden", width)
    return tuple(hidden)


def build_dense_autoencoder(
    input_shape: Sequence[int] = (28, 28, 1),
    code_dim: int = 32,
    hidden: Sequence[int] = (256,),
    *,
    activation: str | None = "relu",
    code_activation: str | None = None,
    output_activation: str | None = "sigmoid",
    input_noise: float = 0.0,
    name: str = "dense_ae",
) -> Autoencoder:
    """A fully connected autoencoder: input → hidden… → code → …hidden (mirrored) → output.

    Args:
        input_shape: shape of one input, e.g. ``(28, 28, 1)``; it is flattened inside and the
            output is reshaped back, so images go in and images come out.
        code_dim: width of the bottleneck ``h = f(x)``.
        hidden: widths of the encoder's hidden layers; the decoder mirrors them.
        activation: activation of the hidden layers.
        code_activation: activation of the code layer (``None``: linear code).
        output_activation: ``"sigmoid"`` for pixels in [0, 1], ``None`` for a linear output.
        input_noise: standard deviation of Gaussian noise added to the input while training
            only (a regulariser: the denoising idea of notebook 04). 0 disables it.
        name: prefix of the models' names.

    Returns:
        ``Autoencoder(autoencoder, encoder, decoder)``.
    """
    input_shape = _check_shape(input_shape)
    code_dim = _check_positive_int("code_dim", code_dim)
    hidden = _check_hidden(hidden)
    if not isinstance(input_noise, (int, float)) or isinstance(input_noise, bool) \
            or input_noise < 0:
        raise ValueError(f"input_noise is {input_noise!r}; expected a number >= 0.")
    n_in = prod(input_shape)

    x = keras.Input(input_shape, name="x")
    h = layers.Flatten(name="flatten")(x)
    if input_noise > 0:
        h = layers.GaussianNoise(float(input_noise), name="input_noise")(h)
    for i, width in enumerate(hidden):
        h = layers.Dense(width, activation=activation, name=f"enc_{i}")(h)
    code = layers.Dense(code_dim, activation=code_activation, name="code")(h)
    encoder = keras.Model(x, code, name=f"{name}_encoder")

    z = keras.Input((code_dim,), name="h")
    r = z
    for i, width in enumerate(reversed(hidden)):
        r = layers.Dense(width, activation=activation, name=f"dec_{i}")(r)
    r = layers.Dense(n_in, activation=output_activation, name="reconstruction")(r)
    r = layers.Reshape(input_shape, name="unflatten")(r)
    decoder = keras.Model(z, r, name=f"{name}_decoder")

    autoencoder = keras.Model(x, decoder(encoder(x)), name=name)
    return Autoencoder(autoencoder, encoder, decoder)


def build_linear_autoencoder(input_shape: Sequence[int] = (28, 28, 1), code_dim: int = 16,
                             *, name: str = "linear_ae") -> Autoencoder:
    """An undercomplete *linear* autoencoder: ``h = W₁x + b₁``, ``r = W₂h + b₂``.

    Trained with squared error on centred data it spans the same subspace as PCA with
    ``code_dim`` components (Baldi & Hornik, 1989), though its decoder columns need not be
    the principal components themselves.
    """
    return build_dense_autoencoder(input_shape, code_dim, hidden=(), activation=None,
                                   code_activation=None, output_activation=None, name=name)


def decoder_matrix(parts: Autoencoder) -> "keras.KerasTensor":
    """The last Dense kernel of the decoder, shape ``(code_dim_or_width, n_pixels)``.

    For a linear autoencoder its rows are the decoder's "columns" ``W₂`` in ``r = W₂h + b₂``.
    """
    return parts.decoder.get_layer("reconstruction").kernel
