"""Sparsity penalties on a code layer, as serializable Keras activity regularizers.

Attach one to the code layer, e.g. ``Dense(64, activation="sigmoid",
activity_regularizer=KLSparsity(rho=0.05, weight=1.0))`` or through
``models.build_dense_autoencoder(..., code_regularizer=...)``. Both are registered with
Keras, so a model that uses them saves and reloads with ``model.save`` /
``keras.models.load_model``.

Keras divides whatever an activity regularizer returns by the batch size. Each class below
is written so that, after that division, the penalty added to the loss is the textbook one
at any batch size (see each docstring).
"""

from __future__ import annotations

import keras
from keras import ops


def _check_weight(weight) -> float:
    if isinstance(weight, bool) or not isinstance(weight, (int, float)) or not weight >= 0:
        raise ValueError(f"weight is {weight!r}; expected a number >= 0.")
    return float(weight)


@keras.saving.register_keras_serializable(package="utils")
class L1Activity(keras.regularizers.Regularizer):
    """L1 penalty on the code: ``weight × mean over the batch of Σ_j |h_j|``.

    It pushes code values towards exactly zero; with a ReLU code the decoder can undo a
    uniform shrinking by growing its weights, so prefer a bounded (sigmoid) code when you
    want to measure sparsity by the size of the activations.
    """

    def __init__(self, weight: float = 1e-3):
        self.weight = _check_weight(weight)

    def __call__(self, h):
        # Keras divides by the batch size: the sum over the batch becomes a batch mean.
        return self.weight * ops.sum(ops.abs(h))

    def get_config(self):
        return {"weight": self.weight}


def kl_divergence_bernoulli(rho: float, rho_hat, eps: float = 1e-7):
    """KL(ρ ‖ ρ̂) between Bernoulli distributions, elementwise over ``rho_hat``."""
    rho_hat = ops.clip(rho_hat, eps, 1.0 - eps)
    return (rho * ops.log(rho / rho_hat)
            + (1.0 - rho) * ops.log((1.0 - rho) / (1.0 - rho_hat)))


@keras.saving.register_keras_serializable(package="utils")
class KLSparsity(keras.regularizers.Regularizer):
    """KL-divergence sparsity penalty: ``weight × Σ_j KL(ρ ‖ ρ̂_j)``.

    ``ρ̂_j`` is unit j's mean activation over the batch, so every unit is pushed to be active
    on only about a fraction ``rho`` of the inputs (Ng's sparse autoencoder notes). The code
    must lie in [0, 1]: use a sigmoid code layer.

    Args:
        rho: target mean activation, in (0, 1).
        weight: strength of the penalty (β in the notes), >= 0.
    """

    def __init__(self, rho: float = 0.05, weight: float = 1.0):
        if isinstance(rho, bool) or not isinstance(rho, (int, float)) or not 0 < rho < 1:
            raise ValueError(f"rho is {rho!r}; expected a target activation in (0, 1).")
        self.rho = float(rho)
        self.weight = _check_weight(weight)

    def __call__(self, h):
        if len(h.shape) != 2:
            raise ValueError(f"KLSparsity needs a code of shape (batch, units); got shape "
                             f"{tuple(h.shape)}.")
        rho_hat = ops.mean(h, axis=0)
        penalty = self.weight * ops.sum(kl_divergence_bernoulli(self.rho, rho_hat))
        # Keras will divide this by the batch size; multiply first so it is not diluted.
        batch = ops.cast(ops.shape(h)[0], penalty.dtype)
        return penalty * batch

    def get_config(self):
        return {"rho": self.rho, "weight": self.weight}
