"""Custom Keras layers of the course (serializable, ``keras.ops`` only: any backend)."""

from __future__ import annotations

import keras
from keras import layers, ops


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
        super().__init__(**kwargs)
        self.dense = dense
        self.activation = keras.activations.get(activation)

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
