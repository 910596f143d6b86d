import keras
import numpy as np
import pytest

from utils import models, regularizers


def _kl(rho, q):
    return rho * np.log(rho / q) + (1 - rho) * np.log((1 - rho) / (1 - q))


def _penalty(reg, h):
    """What Keras adds to the loss for the activity ``h`` (it divides by the batch size)."""
    layer = keras.layers.Activation("linear", activity_regularizer=reg)
    layer(keras.ops.convert_to_tensor(h))
    return float(keras.ops.convert_to_numpy(layer.losses[0]))


def test_l1_activity_is_weight_times_batch_mean_of_l1_norm():
    h = np.array([[0.5, -0.25, 0.0], [1.0, 0.0, 0.5]], "float32")
    expected = 0.1 * np.abs(h).sum(axis=1).mean()
    assert _penalty(regularizers.L1Activity(0.1), h) == pytest.approx(expected, rel=1e-6)


def test_kl_sparsity_matches_formula_and_ignores_batch_size():
    rng = np.random.default_rng(0)
    h = rng.uniform(0.01, 0.99, size=(16, 5)).astype("float32")
    reg = regularizers.KLSparsity(rho=0.1, weight=2.0)
    expected = 2.0 * _kl(0.1, h.mean(axis=0)).sum()
    assert _penalty(reg, h) == pytest.approx(expected, rel=1e-5)
    # the same mean activations in a batch twice as large give the same penalty
    assert _penalty(reg, np.concatenate([h, h])) == pytest.approx(expected, rel=1e-5)


def test_kl_sparsity_is_zero_at_the_target():
    h = np.full((8, 4), 0.05, "float32")
    assert _penalty(regularizers.KLSparsity(rho=0.05, weight=1.0), h) == pytest.approx(0, abs=1e-6)


def test_sparse_autoencoder_saves_and_reloads(tmp_path):
    for reg in (regularizers.KLSparsity(0.05, 0.5), regularizers.L1Activity(1e-3)):
        parts = models.build_dense_autoencoder((12,), code_dim=3, hidden=(6,),
                                               code_activation="sigmoid", code_regularizer=reg)
        x = np.random.default_rng(1).random((4, 12)).astype("float32")
        path = tmp_path / f"{type(reg).__name__}.keras"
        parts.autoencoder.save(path)
        back = keras.models.load_model(path)
        np.testing.assert_allclose(back.predict(x, verbose=0),
                                   parts.autoencoder.predict(x, verbose=0), rtol=1e-6)
        code = back.get_layer(parts.encoder.name).get_layer("code")
        assert type(code.activity_regularizer) is type(reg)
        assert code.activity_regularizer.get_config() == reg.get_config()


def test_training_with_kl_penalty_lowers_mean_activation():
    keras.utils.set_random_seed(0)
    x = np.random.default_rng(2).random((256, 20)).astype("float32")
    means = {}
    for name, reg in (("plain", None), ("kl", regularizers.KLSparsity(0.05, 1.0))):
        keras.utils.set_random_seed(0)
        parts = models.build_dense_autoencoder((20,), code_dim=8, hidden=(),
                                               code_activation="sigmoid", code_regularizer=reg)
        parts.autoencoder.compile(optimizer=keras.optimizers.Adam(1e-2), loss="mse")
        parts.autoencoder.fit(x, x, epochs=20, batch_size=64, verbose=0)
        means[name] = parts.encoder.predict(x, verbose=0).mean()
    assert means["kl"] < 0.5 * means["plain"]


@pytest.mark.parametrize("make, match", [
    (lambda: regularizers.KLSparsity(rho=0.0), "rho is 0.0"),
    (lambda: regularizers.KLSparsity(rho=1.5), "rho is 1.5"),
    (lambda: regularizers.KLSparsity(rho=0.05, weight=-1), "weight is -1"),
    (lambda: regularizers.L1Activity(-0.1), "weight is -0.1"),
    (lambda: regularizers.L1Activity("big"), "weight is 'big'"),
])
def test_bad_arguments_are_named(make, match):
    with pytest.raises(ValueError, match=match):
        make()


def test_bad_code_regularizer_is_named():
    with pytest.raises(ValueError, match="code_regularizer is 0.5"):
        models.build_dense_autoencoder((10,), code_dim=2, code_regularizer=0.5)
