"""Custom Keras layers of the course (serializable, ``keras.ops`` only: any backend)."""

from __future__ import annotations

import keras
from keras import layers, ops

from ._validate import KERAS_SEED_MAX, check_choice, check_int, check_real, check_seed, describe


def _activation(name: str, value):
    """``keras.activations.get(value)``, with an error that names the argument."""
    expected = "expected an activation name such as 'relu' or 'sigmoid', a function, or None"
    if not (value is None or isinstance(value, (str, dict)) or callable(value)):
        raise TypeError(f"{name} is {describe(value)}; {expected}.")
    try:
        return keras.activations.get(value)
    except (ValueError, TypeError):
        raise ValueError(f"{name} is {describe(value)}; {expected}.") from None


@keras.saving.register_keras_serializable(package="utils")
class DenseTranspose(layers.Layer):
    """A dense layer whose kernel is the *transpose* of another ``Dense`` layer's kernel.

    ``y = activation(x @ dense.kernel.T + bias)``: it owns only its bias, so a decoder built
    from ``DenseTranspose`` layers tied to the encoder's ``Dense`` layers has about half the
    parameters of an untied one (tied weights, as in Hinton & Salakhutdinov, 2006).

    The tie is an object reference, not something a config can hold: a model that uses this
    layer must rebuild the tie when it is loaded. ``TiedAutoencoder`` (in ``utils.models``)
    does that, so it saves and reloads with the tie intact. ``from_config`` on this layer
    alone gives an untied copy of the referenced ``Dense`` layer.

    Args:
        dense: the ``keras.layers.Dense`` layer whose kernel is reused (shape ``(n_in, n_out)``;
            this layer maps ``n_out → n_in``).
        activation: activation of this layer's output.
    """

    def __init__(self, dense: layers.Dense, activation=None, **kwargs):
        if not isinstance(dense, layers.Dense):
            raise TypeError(f"dense is {type(dense).__name__}; expected a keras.layers.Dense "
                            "layer whose kernel this layer transposes.")
        activation = _activation("activation", activation)
        super().__init__(**kwargs)
        self.dense = dense
        self.activation = activation

    def build(self, input_shape):
        if not self.dense.built:
            raise ValueError(f"the Dense layer {self.dense.name!r} is not built yet; call it "
                             "(build the encoder) before the DenseTranspose tied to it.")
        n_in, n_out = self.dense.kernel.shape
        if input_shape[-1] is not None and input_shape[-1] != n_out:
            raise ValueError(f"input has {input_shape[-1]} features but the tied Dense layer "
                             f"{self.dense.name!r} has {n_out} units; expected them equal.")
        self.bias = self.add_weight(name="bias", shape=(n_in,), initializer="zeros")

    def call(self, inputs):
        return self.activation(ops.add(ops.matmul(inputs, ops.transpose(self.dense.kernel)),
                                       self.bias))

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[:-1]) + (self.dense.kernel.shape[0],)

    def get_config(self):
        config = super().get_config()
        config.update(dense=keras.saving.serialize_keras_object(self.dense),
                      activation=keras.activations.serialize(self.activation))
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        config["dense"] = keras.saving.deserialize_keras_object(config["dense"])
        return cls(**config)


@keras.saving.register_keras_serializable(package="utils")
class RandomCorruption(layers.Layer):
    """Corrupt images while training only, with fresh noise every batch; identity otherwise.

    The same noise models as ``utils.corrupt`` (``"gaussian"`` clipped to [0, 1],
    ``"salt_and_pepper"``, ``"masking"``), written with ``keras.random`` and a
    ``SeedGenerator`` so it runs on any backend. Put it in front of a denoiser and fit the
    model on clean → clean: it sees a new corruption of every image in every epoch.

    Args:
        kind: one of ``utils.corrupt.KINDS``.
        amount: σ (gaussian) or the fraction of pixels hit; a pair ``(low, high)`` draws a
            fresh amount per image, uniformly in that range (blind denoising).
        seed: seed of the layer's ``SeedGenerator``.
    """

    def __init__(self, kind: str = "gaussian", amount=0.5, seed: int | None = None, **kwargs):
        from .corrupt import KINDS

        kind = check_choice("kind", kind, KINDS)
        upper = None if kind == "gaussian" else 1.0
        if isinstance(amount, (tuple, list)):
            if len(amount) != 2:
                raise ValueError(f"amount is {amount!r}; expected a number or a pair "
                                 "(low, high).")
            lo, hi = (check_real(f"amount[{i}]", a, low=0, high=upper)
                      for i, a in enumerate(amount))
            if lo > hi:
                raise ValueError(f"amount is {amount!r}; expected low <= high.")
            amount = (lo, hi)
        else:
            amount = check_real("amount", amount, low=0, high=upper)
        seed = check_seed("seed", seed, generator=False, high=KERAS_SEED_MAX)
        super().__init__(**kwargs)
        self.amount, self.kind, self.seed = amount, kind, seed
        self.seed_generator = keras.random.SeedGenerator(seed)

    def _amount(self, x):
        if not isinstance(self.amount, tuple):
            return self.amount
        lo, hi = self.amount
        shape = (ops.shape(x)[0],) + (1,) * (len(x.shape) - 1)
        return keras.random.uniform(shape, lo, hi, dtype=x.dtype, seed=self.seed_generator)

    def call(self, x, training=None):
        if not training:
            return x
        a = self._amount(x)
        if self.kind == "gaussian":
            noise = keras.random.normal(ops.shape(x), dtype=x.dtype, seed=self.seed_generator)
            return ops.clip(x + a * noise, 0.0, 1.0)
        u = keras.random.uniform(ops.shape(x), dtype=x.dtype, seed=self.seed_generator)
        if self.kind == "masking":
            return ops.where(u >= a, x, ops.zeros_like(x))
        salt = keras.random.uniform(ops.shape(x), dtype=x.dtype, seed=self.seed_generator)
        return ops.where(u < a, ops.cast(salt < 0.5, x.dtype), x)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        amount = list(self.amount) if isinstance(self.amount, tuple) else self.amount
        config.update(kind=self.kind, amount=amount, seed=self.seed)
        return config
