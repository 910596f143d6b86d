import keras
import numpy as np
import pytest

from utils import models


def test_dense_autoencoder_shapes_and_shared_layers():
    parts = models.build_dense_autoencoder((28, 28, 1), code_dim=8, hidden=(32, 16))
    x = np.random.default_rng(0).random((5, 28, 28, 1)).astype("float32")
    h = parts.encoder.predict(x, verbose=0)
    r = parts.decoder.predict(h, verbose=0)
    assert h.shape == (5, 8) and r.shape == (5, 28, 28, 1)
    np.testing.assert_allclose(parts.autoencoder.predict(x, verbose=0), r, rtol=1e-5, atol=1e-6)
    assert 0.0 <= r.min() and r.max() <= 1.0  # sigmoid output
    # one set of weights: the autoencoder's are the encoder's plus the decoder's
    assert parts.autoencoder.count_params() == (parts.encoder.count_params()
                                                + parts.decoder.count_params())


def test_dense_autoencoder_parameter_count():
    parts = models.build_dense_autoencoder((784,), code_dim=32, hidden=(256,))
    expected = (784 * 256 + 256) + (256 * 32 + 32) + (32 * 256 + 256) + (256 * 784 + 784)
    assert parts.autoencoder.count_params() == expected


def test_input_noise_only_while_training():
    parts = models.build_dense_autoencoder((10,), code_dim=2, hidden=(), input_noise=0.5)
    x = np.ones((4, 10), "float32")
    a = parts.autoencoder(x, training=False)
    b = parts.autoencoder(x, training=False)
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(a), keras.ops.convert_to_numpy(b))
    c = parts.autoencoder(x, training=True)
    assert not np.allclose(keras.ops.convert_to_numpy(a), keras.ops.convert_to_numpy(c))


def test_linear_autoencoder_is_affine():
    parts = models.build_linear_autoencoder((6,), code_dim=2)
    rng = np.random.default_rng(1)
    x, y = rng.normal(size=(1, 6)).astype("float32"), rng.normal(size=(1, 6)).astype("float32")
    f = lambda v: parts.autoencoder.predict(v, verbose=0)
    # affine maps preserve midpoints
    np.testing.assert_allclose(f((x + y) / 2), (f(x) + f(y)) / 2, rtol=1e-4, atol=1e-5)
    assert models.decoder_matrix(parts).shape == (2, 6)


@pytest.mark.parametrize("kwargs, error, match", [
    (dict(input_shape=784), TypeError, "input_shape is 784"),
    (dict(input_shape=(28, 0)), ValueError, r"input_shape\[1\] is 0"),
    (dict(code_dim=0), ValueError, "code_dim is 0"),
    (dict(code_dim=2.5), TypeError, "code_dim is 2.5"),
    (dict(hidden=256), TypeError, "hidden is 256"),
    (dict(hidden=(64, -1)), ValueError, r"hidden\[1\] is -1"),
    (dict(input_noise=-0.1), ValueError, "input_noise is -0.1"),
    # Keras' GaussianNoise refuses a standard deviation above 1: say so before Keras does
    (dict(input_noise=1.5), ValueError, r"input_noise is 1.5; expected a number in \[0, 1\]"),
    (dict(input_dropout=1.5), ValueError, "input_dropout is 1.5"),
    (dict(weight_decay=float("inf")), ValueError, "weight_decay is inf"),
    # NaN used to switch the regulariser off silently (nan > 0 is False)
    (dict(input_noise=float("nan")), ValueError, "input_noise is NaN"),
    (dict(input_dropout=float("nan")), ValueError, "input_dropout is NaN"),
    (dict(weight_decay=float("nan")), ValueError, "weight_decay is NaN"),
    (dict(activation="relu6x"), ValueError, "activation is 'relu6x'"),
    (dict(code_activation=3), TypeError, "code_activation is 3"),
])
def test_bad_arguments_are_named(kwargs, error, match):
    with pytest.raises(error, match=match):
        models.build_dense_autoencoder(**kwargs)


def test_numpy_integers_and_floats_are_accepted():
    parts = models.build_dense_autoencoder((np.int64(6),), code_dim=np.int64(2),
                                           hidden=np.array([4]), input_noise=np.float32(0.1),
                                           input_dropout=np.float32(0.2))
    assert parts.autoencoder.output_shape == (None, 6)
    assert parts.encoder.get_layer("input_dropout").rate == pytest.approx(0.2)


def test_classifier_matches_encoder_layers_and_loads_its_weights():
    parts = models.build_dense_autoencoder((28, 28, 1), code_dim=8, hidden=(16,),
                                           code_activation="sigmoid")
    clf = models.build_classifier((28, 28, 1), code_dim=8, hidden=(16,), n_classes=10,
                                  code_activation="sigmoid")
    assert clf.output_shape == (None, 10)
    assert clf.count_params() == parts.encoder.count_params() + 8 * 10 + 10
    models.load_encoder_weights(clf, parts.encoder)
    for name in ("enc_0", "code"):
        for a, b in zip(clf.get_layer(name).get_weights(),
                        parts.encoder.get_layer(name).get_weights()):
            np.testing.assert_array_equal(a, b)
    x = np.random.default_rng(0).random((3, 28, 28, 1)).astype("float32")
    p = clf.predict(x, verbose=0)
    np.testing.assert_allclose(p.sum(axis=1), 1.0, rtol=1e-5)


def test_load_encoder_weights_rejects_mismatched_shapes():
    parts = models.build_dense_autoencoder((10,), code_dim=4, hidden=(6,))
    clf = models.build_classifier((10,), code_dim=5, hidden=(6,), n_classes=3)
    with pytest.raises(ValueError, match="layer 'code'"):
        models.load_encoder_weights(clf, parts.encoder)
    other = models.build_classifier((10,), code_dim=4, hidden=(), n_classes=3)
    with pytest.raises(ValueError, match="has no layer 'enc_0'"):
        models.load_encoder_weights(other, parts.encoder)
    with pytest.raises(ValueError, match="n_classes is 1"):
        models.build_classifier((10,), n_classes=1)
    with pytest.raises(TypeError, match="encoder is Autoencoder; expected a keras.Model"):
        models.load_encoder_weights(clf, parts)


def test_conv_denoiser_shapes_and_bottleneck():
    m = models.build_conv_denoiser((28, 28, 1), widths=(16, 32))
    assert m.output_shape == (None, 28, 28, 1)
    assert m.get_layer("down_1").output.shape[1:] == (7, 7, 32)  # the bottleneck
    x = np.random.default_rng(0).random((2, 28, 28, 1)).astype("float32")
    y = m.predict(x, verbose=0)
    assert 0 <= y.min() and y.max() <= 1


def test_unet_has_skips_and_residual_variant_round_trips(tmp_path):
    m = models.build_unet_denoiser((28, 28, 1), widths=(8, 16, 32))
    assert m.output_shape == (None, 28, 28, 1)
    assert [l.name for l in m.layers if l.name.startswith("skip_")] == ["skip_0", "skip_1"]
    bare = models.build_unet_denoiser((28, 28, 1), widths=(8, 16, 32), skips=False)
    assert bare.output_shape == m.output_shape
    assert not [l for l in bare.layers if isinstance(l, keras.layers.Concatenate)]
    assert len([l for l in m.layers if isinstance(l, keras.layers.Concatenate)]) == 2
    assert [l.name for l in bare.layers if "skip" in l.name] == []
    r = models.build_unet_denoiser((32, 32, 3), widths=(4, 8), residual=True)
    x = np.random.default_rng(1).random((2, 32, 32, 3)).astype("float32")
    path = tmp_path / "residual.keras"
    r.save(path)
    back = keras.models.load_model(path)
    np.testing.assert_allclose(back.predict(x, verbose=0), r.predict(x, verbose=0), atol=1e-6)
    # with the correction layer zeroed, the residual model is the identity
    corr = r.get_layer("correction")
    corr.set_weights([np.zeros_like(w) for w in corr.get_weights()])
    np.testing.assert_allclose(r.predict(x, verbose=0), x, atol=1e-6)


def test_watermark_remover_gate_switches_the_correction(tmp_path):
    m = models.build_watermark_remover((16, 16, 3), widths=(4, 8))
    x = np.random.default_rng(3).random((2, 16, 16, 3)).astype("float32")
    out = m.predict(x, verbose=0)
    assert set(out) == {"clean", "mask"} and out["mask"].shape == (2, 16, 16, 1)
    assert 0 < out["mask"].min() and out["mask"].max() < 1
    assert 0 <= out["clean"].min() and out["clean"].max() <= 1
    path = tmp_path / "remover.keras"
    m.save(path)
    back = keras.models.load_model(path)
    np.testing.assert_allclose(back.predict(x, verbose=0)["clean"], out["clean"], atol=1e-6)
    # a closed gate (g -> 0) leaves the input untouched, whatever the content branch says
    gate = m.get_layer("mask")
    k, _ = gate.get_weights()
    gate.set_weights([np.zeros_like(k), np.full((1,), -30.0, "float32")])
    np.testing.assert_allclose(m.predict(x, verbose=0)["clean"], x, atol=1e-6)
    with pytest.raises(ValueError, match="multiples of 4"):
        models.build_watermark_remover((18, 18, 3), widths=(4, 8, 16))


def test_with_corruption_shares_weights_and_is_identity_at_inference():
    den = models.build_conv_denoiser((28, 28, 1), widths=(4,))
    train = models.with_corruption(den, "masking", 0.5, seed=0)
    x = np.random.default_rng(2).random((2, 28, 28, 1)).astype("float32")
    np.testing.assert_allclose(train.predict(x, verbose=0), den.predict(x, verbose=0), atol=1e-6)
    assert train.count_params() == den.count_params()
    # while training, the corruption is applied: the output is not the denoiser's on x
    on_clean = keras.ops.convert_to_numpy(den(x, training=False))
    training_out = keras.ops.convert_to_numpy(train(x, training=True))
    assert np.abs(training_out - on_clean).max() > 1e-3
    np.testing.assert_allclose(keras.ops.convert_to_numpy(train(x, training=False)), on_clean,
                               atol=1e-6)


def test_with_corruption_feeds_the_corrupted_input_to_the_denoiser():
    # an identity "denoiser" shows exactly what reaches it
    x_in = keras.Input((8, 8, 1))
    identity = keras.Model(x_in, keras.layers.Activation("linear")(x_in))
    train = models.with_corruption(identity, "masking", 0.5, seed=1)
    x = np.random.default_rng(3).uniform(0.1, 1.0, (16, 8, 8, 1)).astype("float32")
    seen = keras.ops.convert_to_numpy(train(x, training=True))
    hit = seen == 0
    assert 0.4 < hit.mean() < 0.6                       # about half the pixels masked
    np.testing.assert_array_equal(seen[~hit], x[~hit])  # the others untouched
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(train(x, training=False)), x)


@pytest.mark.parametrize("build", [models.build_conv_denoiser, models.build_unet_denoiser])
def test_output_mean_starts_the_output_at_that_pixel_value(build):
    m = build((28, 28, 1), output_mean=0.13)
    clean = m.get_layer("clean")
    bias = keras.ops.convert_to_numpy(clean.bias)
    np.testing.assert_allclose(bias, [np.log(0.13 / 0.87)], rtol=1e-6)
    # with the output layer's kernel zeroed, every pixel is exactly the requested mean
    clean.kernel.assign(np.zeros(clean.kernel.shape, "float32"))
    x = np.random.default_rng(2).random((2, 28, 28, 1)).astype("float32")
    np.testing.assert_allclose(m.predict(x, verbose=0), 0.13, rtol=1e-5)
    # default: zero bias, as before (0.5 before any training signal)
    assert np.all(keras.ops.convert_to_numpy(build((28, 28, 1)).get_layer("clean").bias) == 0)


@pytest.mark.parametrize("make, error, match", [
    (lambda: models.build_conv_denoiser(output_mean=0.0), ValueError,
     r"output_mean is 0; expected a number in \(0, 1\)"),
    (lambda: models.build_unet_denoiser(output_mean=1.5), ValueError, r"output_mean is 1\.5"),
    (lambda: models.build_unet_denoiser(output_mean=float("nan")), ValueError,
     "output_mean is NaN"),
    (lambda: models.build_unet_denoiser(output_mean="0.1"), TypeError, r"output_mean is '0\.1'"),
    (lambda: models.build_unet_denoiser(output_mean=True), TypeError, r"output_mean is True"),
    (lambda: models.build_unet_denoiser((32, 32, 3), widths=(4, 8), residual=True,
                                        output_mean=0.2), ValueError,
     "residual=True has no sigmoid"),
    (lambda: models.build_unet_denoiser(residual="yes"), TypeError, "residual is 'yes'"),
    (lambda: models.build_conv_denoiser((28, 28, 1), widths=(8, 16, 32)), ValueError,
     "multiples of 8"),
    (lambda: models.build_conv_denoiser((28, 28), widths=(8,)), ValueError,
     r"\(height, width, channels\)"),
    (lambda: models.build_conv_denoiser(widths=()), ValueError, r"widths is \(\)"),
    (lambda: models.build_conv_denoiser(kernel_size=3.0), TypeError, r"kernel_size is 3\.0"),
    (lambda: models.build_unet_denoiser(widths=(8,)), ValueError, "at least 2 levels"),
    (lambda: models.build_unet_denoiser(widths=(8, 0)), ValueError, r"widths\[1\] is 0"),
])
def test_denoiser_bad_arguments(make, error, match):
    with pytest.raises(error, match=match):
        make()


def test_decoder_matrix_needs_the_parts():
    parts = models.build_linear_autoencoder((6,), code_dim=2)
    with pytest.raises(TypeError, match="parts is Functional; expected the Autoencoder"):
        models.decoder_matrix(parts.autoencoder)
    with pytest.raises(ValueError, match="no Dense layer 'reconstruction'"):
        models.decoder_matrix(models.build_tied_autoencoder((6,), sizes=(2,)))


def test_classifier_dropout_follows_every_body_layer_and_adds_no_weights():
    plain = models.build_classifier((10,), code_dim=4, hidden=(6, 5), n_classes=3)
    dropped = models.build_classifier((10,), code_dim=4, hidden=(6, 5), n_classes=3, dropout=0.3)
    drops = [l for l in dropped.layers if isinstance(l, keras.layers.Dropout)]
    assert [l.name for l in drops] == ["drop_0", "drop_1", "drop_code"]
    assert all(l.rate == 0.3 for l in drops)
    assert not any(isinstance(l, keras.layers.Dropout) for l in plain.layers)
    assert [w.shape for w in plain.get_weights()] == [w.shape for w in dropped.get_weights()]
    x = np.random.default_rng(0).random((5, 10)).astype("float32")
    dropped.set_weights(plain.get_weights())           # off outside training: the same output
    np.testing.assert_allclose(dropped.predict(x, verbose=0), plain.predict(x, verbose=0),
                               rtol=1e-6)
