import keras
import numpy as np
import pytest

from utils import layers, models


def _built_dense(n_in=6, n_out=3):
    dense = keras.layers.Dense(n_out)
    dense.build((None, n_in))
    return dense


def test_dense_transpose_uses_transposed_kernel_and_own_bias():
    dense = _built_dense()
    tr = layers.DenseTranspose(dense, activation="relu")
    h = np.random.default_rng(0).normal(size=(4, 3)).astype("float32")
    out = keras.ops.convert_to_numpy(tr(h))
    kernel = keras.ops.convert_to_numpy(dense.kernel)
    np.testing.assert_allclose(out, np.maximum(h @ kernel.T, 0), rtol=1e-5, atol=1e-6)
    assert [w.shape for w in tr.trainable_weights if w is not dense.kernel
            and w is not dense.bias] == [(6,)]


def test_dense_transpose_config_round_trip_gives_working_layer():
    tr = layers.DenseTranspose(_built_dense(), activation="sigmoid")
    clone = layers.DenseTranspose.from_config(tr.get_config())
    assert clone.activation is keras.activations.sigmoid
    assert clone.dense.units == 3


def test_dense_transpose_bad_input():
    with pytest.raises(TypeError, match="dense is Conv2D; expected a keras.layers.Dense"):
        layers.DenseTranspose(keras.layers.Conv2D(2, 3))
    with pytest.raises(ValueError, match="is not built yet"):
        layers.DenseTranspose(keras.layers.Dense(3))(np.zeros((1, 3), "float32"))
    with pytest.raises(ValueError, match="input has 5 features but the tied Dense layer"):
        layers.DenseTranspose(_built_dense())(np.zeros((1, 5), "float32"))


def test_tied_autoencoder_shares_kernels_and_halves_parameters():
    tied = models.build_tied_autoencoder((28, 28, 1), sizes=(100, 30))
    untied = models.build_stacked_autoencoder((28, 28, 1), sizes=(100, 30))
    assert untied.autoencoder.count_params() == 163_814
    assert tied.autoencoder.count_params() == 78_500 + 3_030 + 100 + 784
    enc, dec = tied.autoencoder.encoder_layers, tied.autoencoder.decoder_layers
    assert dec[0].dense is enc[1] and dec[1].dense is enc[0]
    x = np.random.default_rng(0).random((3, 28, 28, 1)).astype("float32")
    h = tied.encoder.predict(x, verbose=0)
    assert h.shape == (3, 30)
    np.testing.assert_allclose(tied.decoder.predict(h, verbose=0),
                               tied.autoencoder.predict(x, verbose=0), rtol=1e-5, atol=1e-6)


def test_tied_training_updates_one_shared_kernel():
    tied = models.build_tied_autoencoder((8,), sizes=(4,), output_activation=None)
    tied.autoencoder.compile(keras.optimizers.SGD(0.1), "mse")
    x = np.random.default_rng(1).random((16, 8)).astype("float32")
    tied.autoencoder.fit(x, x, epochs=2, verbose=0)
    enc = tied.autoencoder.encoder_layers[0]
    assert tied.autoencoder.decoder_layers[0].dense.kernel is enc.kernel
    assert len(tied.autoencoder.trainable_weights) == 3  # kernel, encoder bias, decoder bias


def test_tied_save_and_reload_round_trip(tmp_path):
    tied = models.build_tied_autoencoder((28, 28, 1), sizes=(32, 8))
    x = np.random.default_rng(2).random((5, 28, 28, 1)).astype("float32")
    path = tmp_path / "tied.keras"
    tied.autoencoder.save(path)
    reloaded = keras.models.load_model(path)
    np.testing.assert_array_equal(reloaded.predict(x, verbose=0),
                                  tied.autoencoder.predict(x, verbose=0))
    assert reloaded.decoder_layers[-1].dense is reloaded.encoder_layers[0]
    assert reloaded.count_params() == tied.autoencoder.count_params()
    assert reloaded.sizes == (32, 8)


@pytest.mark.parametrize("sizes, error, match", [
    ((), ValueError, r"sizes is \(\)"),
    (30, TypeError, "sizes is 30"),
    ((100, 0), ValueError, r"sizes\[1\] is 0"),
    ((100, -3), ValueError, r"sizes\[1\] is -3"),
    ((100, 30.0), TypeError, r"sizes\[1\] is 30.0"),
])
def test_bad_sizes(sizes, error, match):
    with pytest.raises(error, match=match):
        models.build_stacked_autoencoder(sizes=sizes)
    with pytest.raises(error, match=match):
        models.build_tied_autoencoder(sizes=sizes)


def test_stacked_builder_shapes_and_options():
    parts = models.build_stacked_autoencoder((28, 28, 1), sizes=(64, 32, 8), input_dropout=0.2,
                                             weight_decay=1e-4)
    names = [l.name for l in parts.encoder.layers]
    assert names == ["x", "flatten", "input_dropout", "enc_0", "enc_1", "code"]
    assert [l.name for l in parts.decoder.layers][1:] == ["dec_0", "dec_1", "reconstruction",
                                                           "unflatten"]
    assert parts.decoder.get_layer("dec_0").units == 32
    assert parts.encoder.get_layer("enc_0").kernel_regularizer is not None
    assert parts.autoencoder.output_shape == (None, 28, 28, 1)


@pytest.mark.parametrize("kwargs, match", [
    (dict(input_dropout=1.0), r"input_dropout is 1; expected a number in \[0, 1\)"),
    (dict(weight_decay=-1e-3), "weight_decay is -0.001"),
    (dict(weight_decay=float("nan")), "weight_decay is NaN"),
])
def test_bad_regularisers(kwargs, match):
    with pytest.raises(ValueError, match=match):
        models.build_stacked_autoencoder(**kwargs)


def test_random_corruption_refuses_nan_and_odd_seeds():
    with pytest.raises(ValueError, match="amount is NaN"):
        layers.RandomCorruption("gaussian", float("nan"))
    with pytest.raises(ValueError, match=r"amount\[1\] is NaN"):
        layers.RandomCorruption("masking", (0.1, float("nan")))
    with pytest.raises(TypeError, match="seed is 1.5"):
        layers.RandomCorruption("masking", 0.1, seed=1.5)
    layer = layers.RandomCorruption("masking", np.float32(0.25), seed=np.int64(4))
    assert (layer.amount, layer.seed) == (0.25, 4) and type(layer.seed) is int


def test_dense_transpose_names_a_bad_activation():
    with pytest.raises(ValueError, match="activation is 'sigmoidd'"):
        layers.DenseTranspose(_built_dense(), activation="sigmoidd")
