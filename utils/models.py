"""Keras model builders: each ``build_*`` returns Keras models, untrained. No training here.

An autoencoder is an encoder ``h = f(x)`` followed by a decoder ``r = g(h)``; the builders
return the three models that share their layers, so that after training the whole
autoencoder ``r = g(f(x))`` you can also call ``f`` or ``g`` alone.
"""

from __future__ import annotations

import numbers
from math import prod
from typing import NamedTuple, Sequence

import keras
import numpy as np
from keras import layers

from ._validate import (check_bool, check_int, check_int_sequence, check_model, check_real,
                        check_str, describe)
from .layers import DenseTranspose, RandomCorruption, _activation


class Autoencoder(NamedTuple):
    """The three views of one autoencoder: they share their layers (and weights)."""

    autoencoder: keras.Model  # x -> r = g(f(x))
    encoder: keras.Model      # x -> h = f(x)
    decoder: keras.Model      # h -> r = g(h)


def architecture(model) -> list[tuple[str, tuple[tuple[int, ...], ...], str | None]]:
    """What a model is made of, for comparing two builds of it: one ``(layer type, weight
    shapes, activation name)`` per layer in order, nested models opened (their layers in
    place), input layers left out. Two models with equal lists have the same architecture
    (whatever their layers' names)."""
    model = check_model("model", model)
    out = []
    for layer in model.layers:
        if isinstance(layer, layers.InputLayer):
            continue
        if isinstance(layer, keras.Model):
            out += architecture(layer)
            continue
        act = getattr(layer, "activation", None)
        out.append((type(layer).__name__, tuple(tuple(int(d) for d in w.shape)
                                                for w in layer.weights),
                    getattr(act, "__name__", None) if act is not None else None))
    return out


def _input_shape(input_shape) -> tuple[int, ...]:
    return check_int_sequence("input_shape", input_shape, low=1, example="(28, 28, 1)")


def _check_code_regularizer(code_regularizer):
    from .regularizers import KLSparsity, L1Activity

    if code_regularizer is None or isinstance(code_regularizer, (L1Activity, KLSparsity)):
        return code_regularizer
    what, hint = describe(code_regularizer), ""
    if not isinstance(code_regularizer, (numbers.Number, str)):
        what = f"a {type(code_regularizer).__name__} object"
    if isinstance(code_regularizer, keras.regularizers.Regularizer):
        hint = (" (a Keras regularizer: Keras' activity_regularizer hook scales the penalty "
                "by the batch size differently across Keras versions, so it is not used here)")
    raise TypeError(f"code_regularizer is {what}{hint}; expected a "
                    "penalty layer regularizers.L1Activity(weight) or "
                    "regularizers.KLSparsity(rho, weight), or None.")


def _check_code_range(code_regularizer, code_activation) -> None:
    """A KL sparsity penalty reads the code as probabilities: the code layer's activation
    must keep it in [0, 1]."""
    from .regularizers import KLSparsity, _outside_unit_range

    if not isinstance(code_regularizer, KLSparsity):
        return
    if _outside_unit_range(_activation("code_activation", code_activation)) is not None:
        raise ValueError(f"code_activation is {describe(code_activation)} (codes outside "
                         "[0, 1]); code_regularizer KLSparsity needs a code in [0, 1], its "
                         "mean activations being probabilities: use code_activation='sigmoid' "
                         "(or the L1Activity penalty, which takes any code).")


def build_dense_autoencoder(
    input_shape: Sequence[int] = (28, 28, 1),
    code_dim: int = 32,
    hidden: Sequence[int] = (256,),
    *,
    activation: str | None = "relu",
    code_activation: str | None = None,
    output_activation: str | None = "sigmoid",
    input_noise: float = 0.0,
    input_dropout: float = 0.0,
    weight_decay: float = 0.0,
    code_regularizer=None,
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
            only (a regulariser: the denoising idea of notebook 04), in [0, 1] (Keras'
            ``GaussianNoise`` accepts no more). 0 disables it.
        input_dropout: fraction of input pixels zeroed while training only, in [0, 1)
            (0 disables it).
        weight_decay: L2 penalty on every kernel, >= 0 (0 disables it).
        code_regularizer: a sparsity penalty layer applied to the code, e.g.
            ``regularizers.KLSparsity(rho=0.05)`` for a sparse autoencoder (None: none). The
            encoder's output is still the code (the penalty layer is the identity); its
            penalty is added to the autoencoder's loss.
        name: prefix of the models' names.

    Returns:
        ``Autoencoder(autoencoder, encoder, decoder)``.
    """
    input_shape = _input_shape(input_shape)
    code_dim = check_int("code_dim", code_dim, low=1)
    hidden = check_int_sequence("hidden", hidden, low=1, min_len=0, example="(256,) or ()")
    for arg, value in (("activation", activation), ("code_activation", code_activation),
                       ("output_activation", output_activation)):
        _activation(arg, value)
    input_noise = check_real("input_noise", input_noise, low=0, high=1)
    input_dropout = check_real("input_dropout", input_dropout, low=0, high=1, high_open=True)
    weight_decay = check_real("weight_decay", weight_decay, low=0)
    code_regularizer = _check_code_regularizer(code_regularizer)
    _check_code_range(code_regularizer, code_activation)
    name = check_str("name", name)
    n_in = prod(input_shape)
    reg = (lambda: keras.regularizers.L2(weight_decay)) if weight_decay > 0 else (lambda: None)

    def dense(width, act, name):
        return layers.Dense(width, activation=act, kernel_regularizer=reg(), name=name)

    x = keras.Input(input_shape, name="x")
    h = layers.Flatten(name="flatten")(x)
    if input_noise > 0:
        h = layers.GaussianNoise(input_noise, name="input_noise")(h)
    if input_dropout > 0:
        h = layers.Dropout(input_dropout, name="input_dropout")(h)
    for i, width in enumerate(hidden):
        h = dense(width, activation, f"enc_{i}")(h)
    code = layers.Dense(code_dim, activation=code_activation, kernel_regularizer=reg(),
                        name="code")(h)
    if code_regularizer is not None:
        code = code_regularizer(code)  # the identity, plus its penalty on the loss
    encoder = keras.Model(x, code, name=f"{name}_encoder")

    z = keras.Input((code_dim,), name="h")
    r = z
    for i, width in enumerate(reversed(hidden)):
        r = dense(width, activation, f"dec_{i}")(r)
    r = dense(n_in, output_activation, "reconstruction")(r)
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

    Args:
        parts: the ``Autoencoder`` returned by ``build_dense_autoencoder`` (or the linear or
            stacked builders).
    """
    if not isinstance(parts, Autoencoder):
        raise TypeError(f"parts is {type(parts).__name__}; expected the Autoencoder returned "
                        "by build_linear_autoencoder / build_dense_autoencoder (not its "
                        ".autoencoder model).")
    check_model("parts.decoder", parts.decoder)
    try:
        layer = parts.decoder.get_layer("reconstruction")
    except ValueError:
        raise ValueError(f"parts.decoder ({parts.decoder.name!r}) has no Dense layer "
                         "'reconstruction'; expected an autoencoder built by "
                         "build_dense_autoencoder.") from None
    return layer.kernel


def _sizes(sizes) -> tuple[int, ...]:
    return check_int_sequence("sizes", sizes, low=1, example="(100, 30), code last")


def build_stacked_autoencoder(
    input_shape: Sequence[int] = (28, 28, 1),
    sizes: Sequence[int] = (100, 30),
    *,
    activation: str | None = "relu",
    code_activation: str | None = None,
    output_activation: str | None = "sigmoid",
    input_noise: float = 0.0,
    input_dropout: float = 0.0,
    weight_decay: float = 0.0,
    name: str = "stacked_ae",
) -> Autoencoder:
    """A stacked (deep) autoencoder given the encoder's widths, code last.

    ``sizes=(100, 30)`` on 28×28 images gives 784-100-30-100-784; the decoder mirrors the
    encoder. The other arguments are those of ``build_dense_autoencoder``.
    """
    sizes = _sizes(sizes)
    return build_dense_autoencoder(
        input_shape, sizes[-1], sizes[:-1], activation=activation,
        code_activation=code_activation, output_activation=output_activation,
        input_noise=input_noise, input_dropout=input_dropout, weight_decay=weight_decay,
        name=name)


@keras.saving.register_keras_serializable(package="utils")
class TiedAutoencoder(keras.Model):
    """A stacked autoencoder whose decoder reuses the encoder's kernels, transposed.

    Encoder: ``Dense(sizes[0]) … Dense(sizes[-1])``; decoder: one ``DenseTranspose`` per
    encoder layer, in reverse order, each with its own bias. Saved with ``model.save`` and
    reloaded with ``keras.models.load_model``, it rebuilds the ties from its config.
    """

    def __init__(self, input_shape=(28, 28, 1), sizes=(100, 30), activation="relu",
                 code_activation=None, output_activation="sigmoid", **kwargs):
        input_shape = _input_shape(input_shape)
        sizes = _sizes(sizes)
        for arg, value in (("activation", activation), ("code_activation", code_activation),
                           ("output_activation", output_activation)):
            _activation(arg, value)
        super().__init__(**kwargs)
        self.image_shape, self.sizes = input_shape, sizes
        self.activation_name = activation
        self.code_activation_name = code_activation
        self.output_activation_name = output_activation
        self.flatten = layers.Flatten()
        self.encoder_layers = [
            layers.Dense(w, activation=activation if i < len(sizes) - 1 else code_activation,
                         name=f"enc_{i}") for i, w in enumerate(sizes)]
        self.decoder_layers = [
            DenseTranspose(dense, activation=activation if i < len(sizes) - 1
                           else output_activation, name=f"dec_{i}")
            for i, dense in enumerate(reversed(self.encoder_layers))]
        self.unflatten = layers.Reshape(input_shape)
        self.build((None,) + input_shape)

    def build(self, input_shape):
        if self.built:
            return
        n = prod(self.image_shape)
        shape = (None, n)
        for dense in self.encoder_layers:
            dense.build(shape)
            shape = (None, dense.units)
        for tr in self.decoder_layers:
            tr.build(shape)
            shape = (None, tr.dense.kernel.shape[0])
        self.built = True

    def encode(self, x):
        h = self.flatten(x)
        for dense in self.encoder_layers:
            h = dense(h)
        return h

    def decode(self, h):
        for tr in self.decoder_layers:
            h = tr(h)
        return self.unflatten(h)

    def call(self, x):
        return self.decode(self.encode(x))

    def get_config(self):
        config = super().get_config()
        config.update(input_shape=list(self.image_shape), sizes=list(self.sizes),
                      activation=self.activation_name, code_activation=self.code_activation_name,
                      output_activation=self.output_activation_name)
        return config


def build_tied_autoencoder(
    input_shape: Sequence[int] = (28, 28, 1),
    sizes: Sequence[int] = (100, 30),
    *,
    activation: str | None = "relu",
    code_activation: str | None = None,
    output_activation: str | None = "sigmoid",
    name: str = "tied_ae",
) -> Autoencoder:
    """A stacked autoencoder with tied weights (decoder kernels = encoder kernels transposed).

    Returns ``Autoencoder(autoencoder, encoder, decoder)``: the autoencoder is a
    ``TiedAutoencoder``; encoder and decoder are functional views sharing its layers.
    """
    model = TiedAutoencoder(input_shape, sizes, activation=activation,
                            code_activation=code_activation,
                            output_activation=output_activation, name=check_str("name", name))
    x = keras.Input(model.image_shape, name="x")
    encoder = keras.Model(x, model.encode(x), name=f"{name}_encoder")
    h = keras.Input((model.sizes[-1],), name="h")
    decoder = keras.Model(h, model.decode(h), name=f"{name}_decoder")
    return Autoencoder(model, encoder, decoder)


def build_classifier(
    input_shape: Sequence[int] = (28, 28, 1),
    code_dim: int = 64,
    hidden: Sequence[int] = (256,),
    n_classes: int = 10,
    *,
    activation: str | None = "relu",
    code_activation: str | None = None,
    dropout: float = 0.0,
    name: str = "classifier",
) -> keras.Model:
    """An MLP classifier whose body has exactly the layers of ``build_dense_autoencoder``'s
    encoder (same names ``enc_0…``, ``code``) and a softmax head ``head`` on top.

    Because the names match, ``load_encoder_weights`` can start it from a pretrained
    encoder; built and trained from its random initialisation it is the "from scratch"
    baseline with the very same architecture. ``dropout`` in [0, 1): above 0, a ``Dropout``
    of that rate follows every layer of the body (a regulariser; it has no weights, so the
    weights are the same with or without it).
    """
    input_shape = _input_shape(input_shape)
    code_dim = check_int("code_dim", code_dim, low=1)
    hidden = check_int_sequence("hidden", hidden, low=1, min_len=0, example="(256,) or ()")
    n_classes = check_int("n_classes", n_classes, low=2)
    for arg, value in (("activation", activation), ("code_activation", code_activation)):
        _activation(arg, value)
    dropout = check_real("dropout", dropout, low=0, high=1, high_open=True)
    name = check_str("name", name)
    x = keras.Input(input_shape, name="x")
    h = layers.Flatten(name="flatten")(x)
    for i, width in enumerate(hidden):
        h = layers.Dense(width, activation=activation, name=f"enc_{i}")(h)
        if dropout > 0:
            h = layers.Dropout(dropout, name=f"drop_{i}")(h)
    h = layers.Dense(code_dim, activation=code_activation, name="code")(h)
    if dropout > 0:
        h = layers.Dropout(dropout, name="drop_code")(h)
    p = layers.Dense(n_classes, activation="softmax", name="head")(h)
    return keras.Model(x, p, name=name)


def load_encoder_weights(classifier: keras.Model, encoder: keras.Model) -> keras.Model:
    """Copy the encoder's Dense weights (``enc_i`` and ``code``) into ``classifier``.

    Raises ``ValueError`` naming the layer when a layer is missing or its shapes differ.
    """
    check_model("classifier", classifier)
    check_model("encoder", encoder)
    names = [l.name for l in encoder.layers if isinstance(l, layers.Dense)]
    if not names:
        raise ValueError(f"encoder {encoder.name!r} has no Dense layers to copy.")
    for n in names:
        try:
            target = classifier.get_layer(n)
        except ValueError:
            raise ValueError(f"classifier {classifier.name!r} has no layer {n!r}; expected "
                             "one built by build_classifier with the encoder's sizes.") from None
        src = encoder.get_layer(n).get_weights()
        if [w.shape for w in src] != [tuple(w.shape) for w in target.weights]:
            raise ValueError(f"layer {n!r}: encoder weights have shapes "
                             f"{[w.shape for w in src]}, classifier "
                             f"{[tuple(w.shape) for w in target.weights]}; expected the same.")
        target.set_weights(src)
    return classifier


def _widths(widths) -> tuple[int, ...]:
    return check_int_sequence("widths", widths, low=1, example="(16, 32), channels per level")


def _check_image_shape(input_shape, levels: int) -> tuple[int, int, int]:
    """``(height, width, channels)`` with height and width multiples of ``2**levels``."""
    shape = _input_shape(input_shape)
    if len(shape) != 3:
        raise ValueError(f"input_shape is {input_shape!r}; expected (height, width, channels).")
    step = 2 ** levels
    if shape[0] % step or shape[1] % step:
        raise ValueError(f"input_shape is {input_shape!r}; with {levels} halvings height and "
                         f"width must be multiples of {step}.")
    return shape


def _output_bias(output_mean):
    """Initializer for a sigmoid output's bias: ``logit(output_mean)``, or zeros if None."""
    p = check_real("output_mean", output_mean, low=0, high=1, low_open=True, high_open=True,
                   allow_none=True)
    if p is None:
        return "zeros"
    return keras.initializers.Constant(float(np.log(p / (1.0 - p))))


def build_conv_denoiser(input_shape: Sequence[int] = (28, 28, 1),
                        widths: Sequence[int] = (16, 32), *, kernel_size: int = 3,
                        output_mean: float | None = None,
                        name: str = "conv_denoiser") -> keras.Model:
    """A convolutional autoencoder for denoising: noisy image → clean image.

    Encoder: one stride-2 ``Conv2D`` per width (each halves height and width); decoder: one
    stride-2 ``Conv2DTranspose`` per width in reverse (each doubles them), then a 3×3
    ``Conv2D`` with a sigmoid back to the input's channels. All detail must pass through the
    bottleneck at ``1 / 2**len(widths)`` of the resolution. ``output_mean`` (e.g. the
    training images' mean pixel) starts the sigmoid's bias at ``logit(output_mean)``, so the
    untrained model already predicts the average pixel instead of 0.5 everywhere.
    """
    bias = _output_bias(output_mean)
    widths = _widths(widths)
    shape = _check_image_shape(input_shape, len(widths))
    kernel_size = check_int("kernel_size", kernel_size, low=1)
    name = check_str("name", name)
    x = keras.Input(shape, name="noisy")
    h = x
    for i, w in enumerate(widths):
        h = layers.Conv2D(w, kernel_size, strides=2, padding="same", activation="relu",
                          name=f"down_{i}")(h)
    for i, w in enumerate(reversed(widths)):
        h = layers.Conv2DTranspose(w, kernel_size, strides=2, padding="same",
                                   activation="relu", name=f"up_{i}")(h)
    out = layers.Conv2D(shape[-1], 3, padding="same", activation="sigmoid",
                        bias_initializer=bias, name="clean")(h)
    return keras.Model(x, out, name=name)


def _unet_trunk(input_shape, widths, skips=True):
    """Input tensor and the last decoder features of a U-Net (see build_unet_denoiser);
    ``skips=False``: the same layers without the skip connections (an ablation)."""
    widths = _widths(widths)
    if len(widths) < 2:
        raise ValueError(f"widths is {widths!r}; a U-Net needs at least 2 levels.")
    shape = _check_image_shape(input_shape, len(widths) - 1)

    def block(h, w, tag):
        h = layers.Conv2D(w, 3, padding="same", activation="relu", name=f"{tag}_a")(h)
        return layers.Conv2D(w, 3, padding="same", activation="relu", name=f"{tag}_b")(h)

    x = keras.Input(shape, name="noisy")
    features, h = [], x
    for i, w in enumerate(widths[:-1]):
        h = block(h, w, f"enc_{i}")
        features.append(h)
        h = layers.MaxPooling2D(2, name=f"pool_{i}")(h)
    h = block(h, widths[-1], "bottleneck")
    for i, (w, skip) in enumerate(zip(reversed(widths[:-1]), reversed(features))):
        h = layers.Conv2DTranspose(w, 2, strides=2, padding="same", name=f"up_{i}")(h)
        if skips:
            h = layers.Concatenate(name=f"skip_{i}")([h, skip])
        h = block(h, w, f"dec_{i}")
    return x, h


def build_watermark_remover(input_shape: Sequence[int] = (32, 32, 3),
                            widths: Sequence[int] = (16, 32, 64), *,
                            name: str = "watermark_remover") -> keras.Model:
    """A U-Net whose output is the input plus a *gated* correction (notebook 05).

    ``clean = clip(J + g ⊙ c, 0, 1)``: ``g`` in (0, 1) says where the watermark is (one
    sigmoid channel, started near 0.12 so the model starts close to the identity), ``c``
    what to add there. Two outputs: ``{"clean": ..., "mask": g}``; train ``mask`` against the
    watermark mask with binary cross-entropy, so away from a watermark the correction is
    switched off and the image is left alone.
    """
    name = check_str("name", name)
    x, h = _unet_trunk(input_shape, widths)
    gate = layers.Conv2D(1, 1, activation="sigmoid", name="mask",
                         bias_initializer=keras.initializers.Constant(-2.0))(h)
    content = layers.Conv2D(x.shape[-1], 1, name="content")(h)
    correction = layers.Multiply(name="gated_correction")([gate, content])
    out = layers.Add(name="input_plus_correction")([x, correction])
    clean = layers.ReLU(max_value=1.0, name="clean")(out)          # clipped to [0, 1]
    return keras.Model(x, {"clean": clean, "mask": gate}, name=name)


def build_unet_denoiser(input_shape: Sequence[int] = (28, 28, 1),
                        widths: Sequence[int] = (8, 16, 32), *, name: str = "unet_denoiser",
                        residual: bool = False, output_mean: float | None = None,
                        skips: bool = True) -> keras.Model:
    """A small U-Net: the conv autoencoder plus skip connections (Ronneberger et al., 2015).

    Each level has two 3×3 ReLU convolutions; the encoder halves the resolution between
    levels (max-pooling), the decoder doubles it (``Conv2DTranspose``) and concatenates the
    encoder's features of the same resolution, so fine detail need not squeeze through the
    bottleneck. ``residual=False``: a sigmoid output in [0, 1] (train with binary
    cross-entropy). ``residual=True``: output = input + a learned correction, clipped to
    [0, 1] (``build_watermark_remover`` adds a gate that says where to correct).

    ``output_mean`` (sigmoid output only; e.g. the training images' mean pixel) starts the
    output's bias at ``logit(output_mean)``. Without it the untrained U-Net predicts 0.5
    everywhere and, from some initial weights, a short training run can stall far above the
    loss it reaches from others (seen on MNIST with 5 epochs: 7 dB instead of 17 dB from one
    of eight seeds); starting from the average pixel removed that stall in our runs.

    ``skips=False`` builds the same levels without the skip connections: the ablation that
    measures what the skips themselves are worth.
    """
    residual = check_bool("residual", residual)
    skips = check_bool("skips", skips)
    name = check_str("name", name)
    if residual and output_mean is not None:
        raise ValueError(f"output_mean is {output_mean!r}, but residual=True has no sigmoid "
                         "output; leave output_mean as None.")
    bias = _output_bias(output_mean)
    x, h = _unet_trunk(input_shape, widths, skips)
    shape = x.shape[1:]
    if residual:
        correction = layers.Conv2D(shape[-1], 1, name="correction")(h)
        out = layers.Add(name="input_plus_correction")([x, correction])
        out = layers.ReLU(max_value=1.0, name="clean")(out)       # clipped to [0, 1]
    else:
        out = layers.Conv2D(shape[-1], 1, activation="sigmoid", bias_initializer=bias,
                            name="clean")(h)
    return keras.Model(x, out, name=name)


def with_corruption(denoiser: keras.Model, kind: str, amount, *, seed: int | None = None,
                    name: str | None = None) -> keras.Model:
    """``x → denoiser(corrupt(x))`` with a ``layers.RandomCorruption`` in front, for training
    on clean → clean with fresh noise every batch. The denoiser's weights are shared, so
    training this model trains ``denoiser``; at inference the corruption is off."""
    check_model("denoiser", denoiser)
    if name is not None:
        check_str("name", name)
    x = keras.Input(denoiser.input_shape[1:], name="clean_input")
    noisy = RandomCorruption(kind, amount, seed=seed, name="corrupt")(x)
    wrapper = keras.Model(x, denoiser(noisy), name=name or f"{denoiser.name}_training")
    return wrapper
