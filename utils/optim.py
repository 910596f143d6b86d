"""The RMSprop update rule from the lecture's last slide, written by hand.

The slide prints::

    w_{t+1} = w_t - (α_t / sqrt((v_t) + e) * (δL/δw_t)
    v_t     = β * v_t + (1 - β) * (δL/δw_t)^2

As printed it has an unbalanced parenthesis, ``v_t`` on both sides of the second line (it
should be ``v_t = β v_{t-1} + (1-β) g_t²``, computed *before* the weight update), and it
leaves open whether ε sits inside or outside the square root. The corrected rule is::

    v_t     = ρ v_{t-1} + (1 - ρ) g_t²
    w_{t+1} = w_t - α g_t / sqrt(v_t + ε)        (ε inside: what Keras does)
    w_{t+1} = w_t - α g_t / (sqrt(v_t) + ε)      (ε outside: Hinton's lecture, PyTorch)

``rmsprop_step`` is the rule in NumPy; ``SlideRMSprop`` is the same rule as a Keras
optimizer (``keras.ops`` only, so it runs on every backend) that ``model.fit`` can use.
"""

from __future__ import annotations

import keras
import numpy as np
from keras import ops

EPSILON_PLACEMENTS = ("inside", "outside")


def _check_hyper(learning_rate, rho, epsilon, epsilon_placement):
    if isinstance(learning_rate, bool) or not isinstance(learning_rate, (int, float)) \
            or learning_rate <= 0:
        raise ValueError(f"learning_rate is {learning_rate!r}; expected a positive number.")
    if isinstance(rho, bool) or not isinstance(rho, (int, float)) or not 0 <= rho < 1:
        raise ValueError(f"rho is {rho!r}; expected a number in [0, 1).")
    if isinstance(epsilon, bool) or not isinstance(epsilon, (int, float)) or epsilon < 0:
        raise ValueError(f"epsilon is {epsilon!r}; expected a number >= 0.")
    if epsilon_placement not in EPSILON_PLACEMENTS:
        raise ValueError(f"epsilon_placement is {epsilon_placement!r}; expected one of "
                         f"{EPSILON_PLACEMENTS}.")


def rmsprop_step(w, grad, v, *, learning_rate: float = 1e-3, rho: float = 0.9,
                 epsilon: float = 1e-7, epsilon_placement: str = "inside"):
    """One RMSprop step in NumPy; returns ``(w_next, v_next)``.

    Args:
        w: current weights. grad: dL/dw, same shape. v: running mean of grad², same shape.
        learning_rate: α. rho: ρ (the slide's β). epsilon: ε.
        epsilon_placement: ``"inside"`` → sqrt(v + ε); ``"outside"`` → sqrt(v) + ε.
    """
    _check_hyper(learning_rate, rho, epsilon, epsilon_placement)
    w, grad, v = (np.asarray(a) for a in (w, grad, v))
    if not (w.shape == grad.shape == v.shape):
        raise ValueError(f"w, grad and v have shapes {w.shape}, {grad.shape}, {v.shape}; "
                         "expected one shape.")
    v_next = rho * v + (1 - rho) * np.square(grad)
    if epsilon_placement == "inside":
        denom = np.sqrt(v_next + epsilon)
    else:
        denom = np.sqrt(v_next) + epsilon
    return w - learning_rate * grad / denom, v_next


@keras.saving.register_keras_serializable(package="utils")
class SlideRMSprop(keras.optimizers.Optimizer):
    """RMSprop as on the slide, corrected; ``epsilon_placement`` chooses where ε goes.

    With ``epsilon_placement="inside"`` it performs the same arithmetic as
    ``keras.optimizers.RMSprop`` (no momentum, not centred).
    """

    def __init__(self, learning_rate=1e-3, rho=0.9, epsilon=1e-7, epsilon_placement="inside",
                 name="slide_rmsprop", **kwargs):
        _check_hyper(learning_rate if not callable(learning_rate) else 1.0, rho, epsilon,
                     epsilon_placement)
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        self.rho = rho
        self.epsilon = epsilon
        self.epsilon_placement = epsilon_placement

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self._velocities = self.add_optimizer_variables(var_list, "velocity")

    def update_step(self, gradient, variable, learning_rate):
        lr = ops.cast(learning_rate, variable.dtype)
        gradient = ops.cast(gradient, variable.dtype)
        v = self._velocities[self._get_variable_index(variable)]
        # v_t = rho * v_{t-1} + (1 - rho) * g_t^2   (before the weight update)
        self.assign(v, ops.add(ops.multiply(self.rho, v),
                               ops.multiply(1 - self.rho, ops.square(gradient))))
        if self.epsilon_placement == "inside":
            denominator = ops.sqrt(ops.add(v, self.epsilon))
        else:
            denominator = ops.add(ops.sqrt(v), self.epsilon)
        self.assign_sub(variable, ops.divide(ops.multiply(lr, gradient), denominator))

    def get_config(self):
        config = super().get_config()
        config.update(rho=self.rho, epsilon=self.epsilon,
                      epsilon_placement=self.epsilon_placement)
        return config
