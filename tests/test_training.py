import keras
import numpy as np
import pytest

from utils import models, training


def test_fit_autoencoder_prints_lines_and_learns(capsys):
    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    basis = rng.normal(size=(2, 10)).astype("float32")
    x = (rng.normal(size=(200, 2)) @ basis).astype("float32")
    parts = models.build_linear_autoencoder((10,), code_dim=2)
    parts.autoencoder.compile(keras.optimizers.Adam(1e-2), "mse")
    before = float(parts.autoencoder.evaluate(x[150:], x[150:], verbose=0))
    hist = training.fit_autoencoder(parts.autoencoder, x[:150], x[150:], epochs=30,
                                    batch_size=32, label="toy", print_every=10)
    after = float(parts.autoencoder.evaluate(x[150:], x[150:], verbose=0))
    assert after < 0.1 * before
    # best weights restored: evaluation equals the lowest validation loss seen
    assert after == pytest.approx(min(hist.history["val_loss"]), rel=1e-4)
    lines = [l for l in capsys.readouterr().out.splitlines() if l.startswith("toy: epoch")]
    assert len(lines) == 3 and "val_loss" in lines[0]


@pytest.mark.parametrize("kwargs, error, match", [
    (dict(epochs=0), ValueError, "epochs is 0"),
    (dict(epochs=2.0), TypeError, "epochs is 2.0"),
    (dict(epochs=2, x_val=np.zeros((0, 3))), ValueError, r"x_val has shape \(0, 3\)"),
    (dict(epochs=2, batch_size=0), ValueError, "batch_size is 0"),
    (dict(epochs=2, x_train=np.full((4, 3), np.nan)), ValueError, "x_train contains NaN"),
    (dict(epochs=2, x_val=np.zeros((2, 4))), ValueError, "x_train has shape .* and x_val"),
    (dict(epochs=2, target_train=np.zeros((3, 3))), ValueError,
     "x_train has 4 examples and target_train 3"),
    (dict(epochs=2, target_val=np.zeros((2, 5))), ValueError,
     "target_train has shape .* and target_val"),
    (dict(epochs=2, shuffle="yes"), TypeError, "shuffle is 'yes'"),
    (dict(epochs=2, print_every=0), ValueError, "print_every is 0"),
])
def test_fit_bad_input(kwargs, error, match):
    parts = models.build_linear_autoencoder((3,), code_dim=1)
    args = dict(x_train=np.zeros((4, 3)), x_val=np.zeros((2, 3)))
    args.update(kwargs)
    with pytest.raises(error, match=match):
        training.fit_autoencoder(parts.autoencoder, args.pop("x_train"), args.pop("x_val"), **args)


def test_unscaled_8bit_images_are_refused_not_fitted():
    # a sigmoid output cannot reach 255: fitting such targets is a silent failure
    parts = models.build_dense_autoencoder((4, 4, 1), code_dim=2, hidden=())
    parts.autoencoder.compile("adam", "mse")
    x = np.random.default_rng(0).integers(0, 256, (8, 4, 4, 1)).astype("uint8")
    with pytest.raises(ValueError, match="x_train has values in .*divide by 255"):
        training.fit_autoencoder(parts.autoencoder, x, x / 255.0, epochs=1)
    with pytest.raises(ValueError, match="x_train has values in .*divide by 255"):
        training.train_greedy_layerwise(x, x / 255.0, (2,), epochs_per_layer=1)
    # centred images (negative values) are fine
    xc = x / 255.0 - 0.5
    training.fit_autoencoder(parts.autoencoder, xc, xc, epochs=1)


def test_fit_needs_a_model():
    parts = models.build_linear_autoencoder((3,), code_dim=1)
    with pytest.raises(TypeError, match="model is Autoencoder; expected a keras.Model"):
        training.fit_autoencoder(parts, np.zeros((4, 3)), np.zeros((2, 3)), epochs=1)


def test_epoch_line_bad_every():
    with pytest.raises(ValueError, match="every is 0"):
        training.EpochLine(every=0)
    with pytest.raises(TypeError, match="every is 2.5"):
        training.EpochLine(every=2.5)
    with pytest.raises(TypeError, match="label is 3"):
        training.EpochLine(label=3)


def test_fixed_budget_without_early_stopping():
    parts = models.build_linear_autoencoder((4,), code_dim=2)
    parts.autoencoder.compile(keras.optimizers.Adam(1e-3), "mse")
    x = np.random.default_rng(0).random((20, 4)).astype("float32")
    hist = training.fit_autoencoder(parts.autoencoder, x, x, epochs=4, patience=None)
    assert len(hist.history["loss"]) == 4
    with pytest.raises(ValueError, match="patience is -1"):
        training.fit_autoencoder(parts.autoencoder, x, x, epochs=1, patience=-1)
    with pytest.raises(TypeError, match="patience is 2.0"):
        training.fit_autoencoder(parts.autoencoder, x, x, epochs=1, patience=2.0)


def test_steps_per_epoch():
    assert training.steps_per_epoch(100, 32) == 4
    assert training.steps_per_epoch(96, 32) == 3
    assert training.steps_per_epoch(np.int64(96), np.int64(32)) == 3
    with pytest.raises(ValueError, match="n_examples is 0"):
        training.steps_per_epoch(0, 32)
    with pytest.raises(TypeError, match="batch_size is 32.0"):
        training.steps_per_epoch(96, 32.0)


def test_greedy_layerwise_stacks_trained_layers(monkeypatch):
    shallow = []  # the shallow autoencoders trained one per layer
    build = models.build_dense_autoencoder

    def recording_build(*args, **kwargs):
        parts = build(*args, **kwargs)
        if kwargs.get("name", "").startswith("greedy_layer_"):
            shallow.append(parts)
        return parts

    monkeypatch.setattr(models, "build_dense_autoencoder", recording_build)
    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    x = rng.random((64, 4, 4, 1)).astype("float32")
    parts, steps = training.train_greedy_layerwise(x[:48], x[48:], (8, 3), epochs_per_layer=2,
                                                   batch_size=16)
    assert steps == 2 * 2 * 3  # 2 layers x 2 epochs x 3 batches
    assert len(shallow) == 2
    assert parts.encoder.get_layer("enc_0").units == 8
    assert parts.encoder.get_layer("code").units == 3
    assert parts.autoencoder.predict(x[:2], verbose=0).shape == (2, 4, 4, 1)
    # the stacked encoder is the composition of the trained shallow encoders, in NumPy
    (w0, b0), (w1, b1) = (s.encoder.get_layer("code").get_weights() for s in shallow)
    h = np.maximum(x.reshape(64, -1) @ w0 + b0, 0)   # layer 0: relu
    code = h @ w1 + b1                               # layer 1 (the code): linear
    np.testing.assert_allclose(parts.encoder.predict(x, verbose=0), code, rtol=1e-4, atol=1e-5)
    # and the decoder runs the shallow decoders in reverse order
    (v0, c0), (v1, c1) = (s.decoder.get_layer("reconstruction").get_weights() for s in shallow)
    r = 1 / (1 + np.exp(-(np.maximum(code @ v1 + c1, 0) @ v0 + c0)))
    np.testing.assert_allclose(parts.decoder.predict(code.astype("float32"), verbose=0),
                               r.reshape(64, 4, 4, 1), rtol=1e-4, atol=1e-5)
    # the shallow models were trained (their code biases left zero)
    assert not np.allclose(b0, 0) and not np.allclose(b1, 0)


@pytest.mark.parametrize("kwargs, error, match", [
    (dict(sizes=(8, 0)), ValueError, r"sizes\[1\] is 0"),
    (dict(sizes=8), TypeError, "sizes is 8"),
    (dict(epochs_per_layer=0), ValueError, "epochs_per_layer is 0"),
    (dict(learning_rate=float("nan")), ValueError, "learning_rate is NaN"),
    (dict(x_val=np.zeros((2, 5))), ValueError, "x_train has shape .* and x_val"),
    (dict(x_train=np.zeros(16)), ValueError, r"x_train has shape \(16,\)"),
])
def test_greedy_bad_input(kwargs, error, match):
    args = dict(x_train=np.zeros((8, 4)), x_val=np.zeros((2, 4)), sizes=(3,),
                epochs_per_layer=1)
    args.update(kwargs)
    with pytest.raises(error, match=match):
        training.train_greedy_layerwise(args.pop("x_train"), args.pop("x_val"),
                                        args.pop("sizes"), **args)


def test_fit_on_fresh_data_uses_a_new_round_each_time(capsys):
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(4)])
    model.compile(optimizer=keras.optimizers.Adam(0.05), loss="mse")
    seen = []

    def make_round(r):
        seen.append(r)
        x = np.random.default_rng(r).normal(size=(64, 4)).astype("float32")
        return x, 2 * x, np.ones(64, "float32")

    x_val = np.random.default_rng(99).normal(size=(20, 4)).astype("float32")
    history = training.fit_on_fresh_data(model, make_round, rounds=6, batch_size=16,
                                         label="toy", print_every=3,
                                         validation=(x_val, 2 * x_val, None))
    losses, val = history.history["loss"], history.history["val_loss"]
    assert seen == list(range(6)) and len(losses) == len(val) == 6
    assert losses[-1] < 0.5 * losses[0]                 # it learns y = 2x across rounds
    assert val[-1] < 0.5 * val[0]                       # and on data it never trained on
    np.testing.assert_allclose(val[-1], model.evaluate(x_val, 2 * x_val, verbose=0),
                               rtol=1e-5)               # the held-out loss, after the round
    assert int(model.optimizer.iterations) == 6 * 4     # one step counter across rounds
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 2 and out[0].startswith("toy: round 3/6, 64 fresh examples")
    assert "val_loss" in out[0]
    with pytest.raises(ValueError, match="rounds is 0"):
        training.fit_on_fresh_data(model, make_round, rounds=0, batch_size=16)


def test_each_epoch_serves_exactly_its_own_round():
    """Round r's targets are all r and the model's output stays 0 (learning rate 0), so the
    mean loss of epoch r is r² only if every batch of that epoch came from round r. Targets
    and weights as dicts (a two-output model, as notebook 05's) are served too."""
    keras.utils.set_random_seed(0)
    x_in = keras.Input((3,))
    zero = keras.layers.Dense(2, kernel_initializer="zeros", name="a")
    model = keras.Model(x_in, {"a": zero(x_in), "b": keras.layers.Dense(
        1, kernel_initializer="zeros", name="b")(x_in)})
    model.compile(optimizer=keras.optimizers.SGD(0.0), loss={"a": "mse", "b": "mse"})

    def make_round(r):
        n = 10
        return (np.ones((n, 3), "float32"),
                {"a": np.full((n, 2), r, "float32"), "b": np.full((n, 1), 2 * r, "float32")},
                {"a": np.ones(n, "float32"), "b": np.zeros(n, "float32")})

    history = training.fit_on_fresh_data(model, make_round, rounds=4, batch_size=3,
                                         validation=make_round(5))
    np.testing.assert_allclose(history.history["loss"], [0, 1, 4, 9], atol=1e-5)  # "b": 0
    np.testing.assert_allclose(history.history["val_loss"], [25] * 4, atol=1e-4)  # weighted
    data = training.FreshRounds(make_round, rounds=2, batch_size=4, seed=5)
    assert len(data) == 3 and len(data[2][0]) == 2                 # last batch is short
    again = training.FreshRounds(make_round, rounds=2, batch_size=4, seed=5)
    np.testing.assert_array_equal(data.order, again.order)          # seeded shuffle
    uneven = training.FreshRounds(lambda r: make_round(0) if r == 0 else (
        np.ones((7, 3), "float32"), np.ones((7, 2), "float32"), None), rounds=2, batch_size=4)
    uneven.start_round(0)                                            # current: no new draw
    with pytest.raises(ValueError, match="make_round.1. made 7 examples and round 0 made 10"):
        uneven.start_round(1)


@pytest.mark.parametrize("made, error, match", [
    (lambda x: (x, x[:5], None), ValueError, "make_round.0.'s y has 5 entries but x has 8"),
    (lambda x: (x, x, np.ones(3)), ValueError, "sample_weight has 3 entries"),
    (lambda x: (x, x, -np.ones(8)), ValueError, "sample_weight has values down to -1"),
    (lambda x: (x * np.nan, x, None), ValueError, "x contains NaN"),
    (lambda x: (x, {"out": x[:2]}, None), ValueError, r"y\['out'\] has 2 entries"),
    (lambda x: (x, x), TypeError, r"make_round\(0\) returned 2 values; expected a tuple"),
])
def test_fit_on_fresh_data_checks_each_round(made, error, match):
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(4)])
    model.compile(optimizer="sgd", loss="mse")
    x = np.ones((8, 4), "float32")
    with pytest.raises(error, match=match):
        training.fit_on_fresh_data(model, lambda r: made(x), rounds=1, batch_size=4)
    with pytest.raises(TypeError, match="make_round is 3"):
        training.fit_on_fresh_data(model, 3, rounds=1, batch_size=4)


def test_fresh_rounds_order_follows_the_run_seed():
    """seed=None draws the shuffle's seed from NumPy's global generator, which config.setup
    seeds with AE_SEED: the same run seed gives the same order, another seed another."""
    make = lambda r: (np.ones((50, 2), "float32"), np.ones((50, 2), "float32"), None)
    orders = []
    for global_seed in (3, 3, 4):
        np.random.seed(global_seed)
        orders.append(training.FreshRounds(make, rounds=1, batch_size=5).order)
    np.testing.assert_array_equal(orders[0], orders[1])
    assert not np.array_equal(orders[0], orders[2])
