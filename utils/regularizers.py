"""Sparsity penalties on a code layer, as serializable Keras layers.

Each penalty is a layer that passes its input through unchanged and, as a side effect, adds
the penalty to the model's loss with ``self.add_loss`` (as ``utils.vae.Sampling`` adds the KL
term). Put one after the code layer, or let the builder do it::

    parts = models.build_dense_autoencoder(code_activation="sigmoid",
                                           code_regularizer=KLSparsity(rho=0.05, weight=1.0))

The penalty is the textbook one at any batch size and on any Keras 3 version: it does not go
through Keras' ``activity_regularizer`` hook, whose scaling by the batch size changed between
Keras versions. Both layers are registered with Keras, so a model that uses them saves and
reloads with ``model.save`` / ``keras.models.load_model``.
"""

from __future__ import annotations

import keras
from keras import layers, ops

from ._validate import check_real, check_unit_interval

#: Activations whose outputs lie in [0, 1]: the codes a KL sparsity penalty can take.
UNIT_ACTIVATIONS = ("sigmoid", "hard_sigmoid", "softmax")


def _outside_unit_range(activation) -> str | None:
    """The name of ``activation`` (a function) when it is one of Keras' own activations whose
    outputs are not confined to [0, 1] (``linear``, ``relu``, ``tanh``, ...); ``None`` for
    ``UNIT_ACTIVATIONS`` and for functions Keras does not define (they are not judged)."""
    name = getattr(activation, "__name__", None)
    if name is None or name in UNIT_ACTIVATIONS:
        return None
    return name if getattr(keras.activations, name, None) is activation else None


def _check_probabilities(name: str, value):
    """``value`` in [0, 1] where that can be seen without running a model (a NumPy array or
    a number); backend and symbolic tensors pass unchanged (``check_unit_interval``)."""
    return check_unit_interval(name, value, hint="a KL sparsity penalty reads them as "
                                                 "probabilities: use a sigmoid code")


def _check_unit_code(owner: str, h) -> None:
    """The input ``h`` of a KL penalty is a code in [0, 1]: by its values (a NumPy array), or,
    while a functional model is built, by the activation of the layer that makes it (a
    ``Dense`` or ``Activation`` layer; other layers are not judged)."""
    if keras.backend.is_keras_tensor(h):
        op = getattr(getattr(h, "_keras_history", None), "operation", None)
        act = _outside_unit_range(getattr(op, "activation", None))
        if act is not None:
            raise ValueError(f"{owner} needs a code in [0, 1] (its ρ̂ are mean activations, "
                             f"read as probabilities); its input comes from layer "
                             f"{op.name!r}, whose activation is {act!r}: give that layer one "
                             f"of {UNIT_ACTIVATIONS} (code_activation='sigmoid').")
    else:
        _check_probabilities(f"the input of {owner} (the code)", h)


class _CodePenalty(layers.Layer):
    """Identity layer that adds ``self.penalty(h)`` to the loss (base of the penalties)."""

    def __init__(self, weight: float, **kwargs):
        super().__init__(**kwargs)
        self.weight = check_real("weight", weight, low=0)

    def build(self, input_shape):
        if len(input_shape) < 2:
            raise ValueError(f"{type(self).__name__} got an input of shape "
                             f"{tuple(input_shape)}; expected a code of shape (batch, units).")

    def penalty(self, h):
        raise NotImplementedError

    def call(self, h):
        self.add_loss(self.penalty(h))
        return h

    def compute_output_shape(self, input_shape):
        return input_shape


@keras.saving.register_keras_serializable(package="utils")
class L1Activity(_CodePenalty):
    """L1 penalty on the code: ``weight × mean over the batch of Σ_j |h_j|``.

    An identity layer that adds that penalty to the loss. It pushes code values towards
    exactly zero; with a ReLU code the decoder can undo a uniform shrinking by growing its
    weights, so prefer a bounded (sigmoid) code when you want to measure sparsity by the
    size of the activations.

    Args:
        weight: strength of the penalty, >= 0.
    """

    def __init__(self, weight: float = 1e-3, **kwargs):
        super().__init__(weight, **kwargs)

    def penalty(self, h):
        batch = ops.cast(ops.shape(h)[0], h.dtype)
        return ops.divide(self.weight * ops.sum(ops.abs(h)), batch)

    def get_config(self):
        return {**super().get_config(), "weight": self.weight}


def kl_divergence_bernoulli(rho: float, rho_hat, eps: float = 1e-7):
    """KL(ρ ‖ ρ̂) between Bernoulli distributions, elementwise over ``rho_hat``.

    Args:
        rho: the target probability, in (0, 1).
        rho_hat: a tensor of probabilities (clipped to ``[eps, 1 - eps]``); as a NumPy
            array or a number, values outside [0, 1] are an error.
        eps: clipping margin, in (0, 0.5).
    """
    rho = check_real("rho", rho, low=0, high=1, low_open=True, high_open=True)
    eps = check_real("eps", eps, low=0, high=0.5, low_open=True, high_open=True)
    rho_hat = _check_probabilities("rho_hat", rho_hat)
    rho_hat = ops.clip(rho_hat, eps, 1.0 - eps)
    return (rho * ops.log(rho / rho_hat)
            + (1.0 - rho) * ops.log((1.0 - rho) / (1.0 - rho_hat)))


@keras.saving.register_keras_serializable(package="utils")
class KLSparsity(_CodePenalty):
    """KL-divergence sparsity penalty: ``weight × Σ_j KL(ρ ‖ ρ̂_j)``.

    An identity layer that adds that penalty to the loss. ``ρ̂_j`` is unit j's mean
    activation over the batch, so every unit is pushed to be active on only about a fraction
    ``rho`` of the inputs (Ng's sparse autoencoder notes). The code must lie in [0, 1]: use a
    sigmoid code layer (a code from a layer with another activation, or a NumPy code with
    values outside [0, 1], is an error).

    Args:
        rho: target mean activation, in (0, 1).
        weight: strength of the penalty (β in the notes), >= 0.
    """

    def __init__(self, rho: float = 0.05, weight: float = 1.0, **kwargs):
        rho = check_real("rho", rho, low=0, high=1, low_open=True, high_open=True)
        super().__init__(weight, **kwargs)
        self.rho = rho

    def __call__(self, h, *args, **kwargs):
        _check_unit_code("KLSparsity", h)       # a code outside [0, 1] would be clipped
        return super().__call__(h, *args, **kwargs)

    def build(self, input_shape):
        if len(input_shape) != 2:
            raise ValueError(f"KLSparsity needs a code of shape (batch, units); got shape "
                             f"{tuple(input_shape)}.")

    def penalty(self, h):
        rho_hat = ops.mean(h, axis=0)
        return self.weight * ops.sum(kl_divergence_bernoulli(self.rho, rho_hat))

    def get_config(self):
        return {**super().get_config(), "rho": self.rho, "weight": self.weight}
