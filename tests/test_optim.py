import keras
import numpy as np
import pytest

from utils import optim


def _run_keras_optimizer(opt, w0, grads):
    w = keras.Variable(w0)
    for g in grads:
        opt.apply_gradients([(keras.ops.convert_to_tensor(g), w)])
    return keras.ops.convert_to_numpy(w)


@pytest.fixture
def trajectory():
    rng = np.random.default_rng(0)
    w0 = rng.normal(size=(5, 3)).astype("float32")
    grads = [rng.normal(size=(5, 3)).astype("float32") * 10.0 ** rng.integers(-4, 1)
             for _ in range(50)]
    return w0, grads


def test_numpy_rule_matches_keras_rmsprop(trajectory):
    w0, grads = trajectory
    w, v = w0.astype(np.float64), np.zeros_like(w0, dtype=np.float64)
    for g in grads:
        w, v = optim.rmsprop_step(w, g.astype(np.float64), v, learning_rate=1e-2)
    keras_w = _run_keras_optimizer(keras.optimizers.RMSprop(1e-2), w0, grads)
    np.testing.assert_allclose(w, keras_w, atol=1e-6)


def test_slide_rmsprop_inside_equals_keras_exactly(trajectory):
    w0, grads = trajectory
    ours = _run_keras_optimizer(optim.SlideRMSprop(1e-2), w0, grads)
    ref = _run_keras_optimizer(keras.optimizers.RMSprop(1e-2), w0, grads)
    assert np.max(np.abs(ours - ref)) <= 1e-6


def test_epsilon_outside_differs_where_gradients_are_tiny():
    w0 = np.zeros(3, "float32")
    grads = [np.array([1e-5, 1.0, 0.0], "float32")] * 5
    inside = _run_keras_optimizer(optim.SlideRMSprop(1e-2, epsilon=1e-7), w0, grads)
    outside = _run_keras_optimizer(
        optim.SlideRMSprop(1e-2, epsilon=1e-7, epsilon_placement="outside"), w0, grads)
    assert abs(inside[1] - outside[1]) < 1e-6           # large gradients: same step
    assert abs(inside[0] - outside[0]) > 1e-3           # tiny gradients: very different
    assert inside[2] == outside[2] == 0.0               # zero gradient: no step


def test_numpy_step_placements():
    w, v = optim.rmsprop_step(np.array([1.0]), np.array([2.0]), np.array([0.0]),
                              learning_rate=0.1, rho=0.5, epsilon=0.0)
    # v = 0.5 * 4 = 2; step = 0.1 * 2 / sqrt(2)
    np.testing.assert_allclose(v, [2.0])
    np.testing.assert_allclose(w, [1.0 - 0.2 / np.sqrt(2.0)])
    w_out, _ = optim.rmsprop_step(np.array([0.0]), np.array([1e-4]), np.array([0.0]),
                                  learning_rate=1.0, rho=0.0, epsilon=1e-4,
                                  epsilon_placement="outside")
    np.testing.assert_allclose(w_out, [-1e-4 / (1e-4 + 1e-4)])


def test_config_round_trip():
    opt = optim.SlideRMSprop(3e-3, rho=0.8, epsilon=1e-6, epsilon_placement="outside")
    clone = optim.SlideRMSprop.from_config(opt.get_config())
    assert (clone.rho, clone.epsilon, clone.epsilon_placement) == (0.8, 1e-6, "outside")
    assert keras.saving.get_registered_object("utils>SlideRMSprop") is optim.SlideRMSprop


@pytest.mark.parametrize("kwargs, error, match", [
    (dict(learning_rate=0), ValueError, "learning_rate is 0"),
    (dict(learning_rate=float("nan")), ValueError, "learning_rate is NaN"),
    (dict(learning_rate="0.01"), TypeError, "learning_rate is '0.01'"),
    (dict(rho=1.0), ValueError, "rho is 1;"),
    (dict(rho=float("nan")), ValueError, "rho is NaN"),
    (dict(epsilon=-1), ValueError, "epsilon is -1"),
    (dict(epsilon=float("nan")), ValueError, "epsilon is NaN"),
    (dict(epsilon_placement="middle"), ValueError, "epsilon_placement is 'middle'"),
])
def test_bad_hyperparameters(kwargs, error, match):
    with pytest.raises(error, match=match):
        optim.SlideRMSprop(**kwargs)
    with pytest.raises(error, match=match):
        optim.rmsprop_step(np.zeros(1), np.zeros(1), np.zeros(1), **kwargs)


def test_numpy_scalars_are_accepted_and_a_schedule_works():
    opt = optim.SlideRMSprop(np.float32(1e-2), rho=np.float64(0.9), epsilon=np.float32(1e-7))
    assert opt.rho == pytest.approx(0.9) and isinstance(opt.rho, float)
    schedule = keras.optimizers.schedules.ExponentialDecay(1e-2, 10, 0.5)
    w = _run_keras_optimizer(optim.SlideRMSprop(schedule), np.zeros(2, "float32"),
                             [np.ones(2, "float32")])
    assert np.all(w < 0)
    with pytest.raises(TypeError, match="learning_rate is .*a number > 0"):
        optim.rmsprop_step(np.zeros(1), np.zeros(1), np.zeros(1), learning_rate=schedule)


@pytest.mark.parametrize("args, error, match", [
    ((np.zeros(2), np.zeros(3), np.zeros(2)), ValueError, "w has shape .2,. and grad .3,."),
    ((np.zeros(2), np.zeros(2), np.zeros((2, 1))), ValueError, "w has shape .2,. and v"),
    ((np.zeros(2), np.array([0.0, np.nan]), np.zeros(2)), ValueError, "grad contains NaN"),
    ((np.zeros(2), np.zeros(2), np.array([0.0, -1.0])), ValueError, "v has values down to -1"),
    ((np.zeros(2), "grad", np.zeros(2)), TypeError, "grad is 'grad'"),
])
def test_numpy_step_bad_arrays(args, error, match):
    with pytest.raises(error, match=match):
        optim.rmsprop_step(*args)
