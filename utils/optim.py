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

from ._validate import check_array, check_choice, check_real, check_same_shape

EPSILON_PLACEMENTS = ("inside", "outside")


def _check_hyper(learning_rate, rho, epsilon, epsilon_placement):
    """The validated ``(learning_rate, rho, epsilon, epsilon_placement)``; a schedule (a
    callable) is accepted as the learning rate."""
    if not callable(learning_rate):
        learning_rate = check_real("learning_rate", learning_rate, low=0, low_open=True)
    return (learning_rate, check_real("rho", rho, low=0, high=1, high_open=True),
            check_real("epsilon", epsilon, low=0),
            check_choice("epsilon_placement", epsilon_placement, EPSILON_PLACEMENTS))


def rmsprop_step(w, grad, v, *, learning_rate: float = 1e-3, rho: float = 0.9,
                 epsilon: float = 1e-7, epsilon_placement: str = "inside"):
    """One RMSprop step in NumPy; returns ``(w_next, v_next)``.

    Args:
        w: current weights. grad: dL/dw, same shape. v: running mean of grad², same shape
            (finite numbers; their dtype is kept).
        learning_rate: α > 0. rho: ρ (the slide's β), in [0, 1). epsilon: ε >= 0.
        epsilon_placement: ``"inside"`` → sqrt(v + ε); ``"outside"`` → sqrt(v) + ε.
    """
    if callable(learning_rate):
        raise TypeError(f"learning_rate is {learning_rate!r}; expected a number > 0 (a "
                        "schedule only works with SlideRMSprop).")
    learning_rate, rho, epsilon, epsilon_placement = _check_hyper(
        learning_rate, rho, epsilon, epsilon_placement)
    w, grad, v = (check_array(name, a, min_len=0, dtype=None)
                  for name, a in (("w", w), ("grad", grad), ("v", v)))
    check_same_shape("w", w, "grad", grad)
    check_same_shape("w", w, "v", v)
    if np.any(v < 0):
        raise ValueError(f"v has values down to {float(v.min()):.3g}; expected a running mean "
                         "of squared gradients (>= 0).")
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
        learning_rate, rho, epsilon, epsilon_placement = _check_hyper(
            learning_rate, rho, epsilon, epsilon_placement)
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
