import keras
import numpy as np
import pytest

from utils import models, regularizers


def _kl(rho, q):
    return rho * np.log(rho / q) + (1 - rho) * np.log((1 - rho) / (1 - q))


def _penalty(layer, h):
    """The loss the penalty layer adds when called on ``h`` (and check it is the identity)."""
    out = layer(keras.ops.convert_to_tensor(h))
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(out), h)
    assert len(layer.losses) == 1
    return float(keras.ops.convert_to_numpy(layer.losses[0]))


def _textbook(layer, h):
    """The textbook penalty in NumPy."""
    if isinstance(layer, regularizers.L1Activity):
        return layer.weight * np.abs(h).sum(axis=1).mean()
    return layer.weight * _kl(layer.rho, h.mean(axis=0)).sum()


def test_l1_activity_is_weight_times_batch_mean_of_l1_norm():
    h = np.array([[0.5, -0.25, 0.0], [1.0, 0.0, 0.5]], "float32")
    expected = 0.1 * np.abs(h).sum(axis=1).mean()
    assert _penalty(regularizers.L1Activity(0.1), h) == pytest.approx(expected, rel=1e-6)
    # twice the batch with the same rows: the same batch mean, the same penalty
    assert _penalty(regularizers.L1Activity(0.1), np.concatenate([h, h])) == \
        pytest.approx(expected, rel=1e-6)


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


def test_kl_divergence_bernoulli_elementwise():
    q = np.array([0.01, 0.3, 0.5, 0.99], "float32")
    got = keras.ops.convert_to_numpy(regularizers.kl_divergence_bernoulli(0.3, q))
    np.testing.assert_allclose(got, _kl(0.3, q), rtol=1e-5, atol=1e-7)
    assert got[1] == pytest.approx(0, abs=1e-7)


@pytest.mark.parametrize("make", [lambda: regularizers.L1Activity(0.05),
                                  lambda: regularizers.KLSparsity(0.1, 0.3)],
                         ids=["l1", "kl"])
def test_loss_of_the_model_is_reconstruction_plus_textbook_penalty(make):
    """evaluate() (and fit()) report mse + the textbook penalty, batch by batch, at any batch
    size: no rescaling by the batch size, whatever the Keras version does with activity
    regularizers."""
    keras.utils.set_random_seed(0)
    reg = make()
    x = np.random.default_rng(0).random((32, 12)).astype("float32")
    parts = models.build_dense_autoencoder((12,), code_dim=3, hidden=(5,),
                                           code_activation="sigmoid", code_regularizer=reg)
    parts.autoencoder.compile(optimizer=keras.optimizers.SGD(0.0), loss="mse")
    h = parts.encoder.predict(x, verbose=0)
    r = parts.autoencoder.predict(x, verbose=0)
    for batch_size in (4, 32):
        expected = np.mean([np.mean((r[i:i + batch_size] - x[i:i + batch_size]) ** 2)
                            + _textbook(reg, h[i:i + batch_size])
                            for i in range(0, len(x), batch_size)])
        penalty = np.mean([_textbook(reg, h[i:i + batch_size])
                           for i in range(0, len(x), batch_size)])
        assert penalty > 0.01  # the penalty is a visible part of the loss
        got = parts.autoencoder.evaluate(x, x, batch_size=batch_size, verbose=0)
        assert got == pytest.approx(expected, rel=1e-5)
        # fit reports the same loss (the learning rate is 0: the weights do not move)
        hist = parts.autoencoder.fit(x, x, batch_size=batch_size, epochs=1, shuffle=False,
                                     verbose=0)
        assert hist.history["loss"][0] == pytest.approx(expected, rel=1e-5)


def test_encoder_output_is_the_code_and_the_code_layer_keeps_its_name():
    keras.utils.set_random_seed(3)
    plain = models.build_dense_autoencoder((12,), code_dim=3, hidden=(6,),
                                           code_activation="sigmoid")
    keras.utils.set_random_seed(3)
    sparse = models.build_dense_autoencoder((12,), code_dim=3, hidden=(6,),
                                            code_activation="sigmoid",
                                            code_regularizer=regularizers.KLSparsity(0.05, 1.0))
    x = np.random.default_rng(1).random((4, 12)).astype("float32")
    # same initial weights under a seed, same code: the penalty layer is the identity
    np.testing.assert_array_equal(sparse.encoder.predict(x, verbose=0),
                                  plain.encoder.predict(x, verbose=0))
    assert sparse.encoder.get_layer("code").units == 3
    assert [type(l).__name__ for l in sparse.encoder.layers][-1] == "KLSparsity"
    clf = models.build_classifier((12,), code_dim=3, hidden=(6,), n_classes=2,
                                  code_activation="sigmoid")
    models.load_encoder_weights(clf, sparse.encoder)
    np.testing.assert_array_equal(clf.get_layer("code").get_weights()[0],
                                  sparse.encoder.get_layer("code").get_weights()[0])


def test_sparse_autoencoder_saves_and_reloads(tmp_path):
    x = np.random.default_rng(1).random((8, 12)).astype("float32")
    for reg in (regularizers.KLSparsity(0.05, 0.5), regularizers.L1Activity(1e-3)):
        parts = models.build_dense_autoencoder((12,), code_dim=3, hidden=(6,),
                                               code_activation="sigmoid", code_regularizer=reg)
        parts.autoencoder.compile(optimizer="adam", loss="mse")
        parts.autoencoder.fit(x, x, epochs=1, batch_size=4, verbose=0)
        path = tmp_path / f"{type(reg).__name__}.keras"
        parts.autoencoder.save(path)
        back = keras.models.load_model(path)
        np.testing.assert_allclose(back.predict(x, verbose=0),
                                   parts.autoencoder.predict(x, verbose=0), rtol=1e-6)
        encoder = back.get_layer(parts.encoder.name)
        penalty = encoder.get_layer(reg.name)
        assert type(penalty) is type(reg)
        assert penalty.get_config() == reg.get_config()
        # the reloaded model's loss still includes the penalty
        assert back.evaluate(x, x, verbose=0) == pytest.approx(
            parts.autoencoder.evaluate(x, x, verbose=0), rel=1e-6)


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


@pytest.mark.parametrize("make, error, match", [
    (lambda: regularizers.KLSparsity(rho=0.0), ValueError, "rho is 0"),
    (lambda: regularizers.KLSparsity(rho=1.5), ValueError, "rho is 1.5"),
    (lambda: regularizers.KLSparsity(rho=float("nan")), ValueError, "rho is NaN"),
    (lambda: regularizers.KLSparsity(rho=0.05, weight=-1), ValueError, "weight is -1"),
    (lambda: regularizers.L1Activity(-0.1), ValueError, "weight is -0.1"),
    (lambda: regularizers.L1Activity(float("nan")), ValueError, "weight is NaN"),
    (lambda: regularizers.L1Activity("big"), TypeError, "weight is 'big'"),
])
def test_bad_arguments_are_named(make, error, match):
    with pytest.raises(error, match=match):
        make()


def test_numpy_scalars_are_accepted():
    reg = regularizers.KLSparsity(np.float32(0.05), np.float64(2.0))
    assert (reg.rho, reg.weight) == (pytest.approx(0.05), 2.0)
    assert isinstance(reg.rho, float)


@pytest.mark.parametrize("bad, match", [
    (0.5, "code_regularizer is 0.5"),
    (keras.regularizers.L1(1e-3), "code_regularizer is .*a Keras regularizer"),
    (keras.layers.Dense(3), "code_regularizer is .*Dense"),
])
def test_bad_code_regularizer_is_named(bad, match):
    with pytest.raises(TypeError, match=match):
        models.build_dense_autoencoder((10,), code_dim=2, code_regularizer=bad)


def test_kl_sparsity_needs_a_flat_code():
    with pytest.raises(ValueError, match=r"shape \(batch, units\)"):
        regularizers.KLSparsity()(np.full((2, 3, 4), 0.5, "float32"))
