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


@pytest.mark.parametrize("kwargs, match", [
    (dict(epochs=0), "epochs is 0"),
    (dict(epochs=2, x_val=np.zeros((0, 3))), "x_val 0 examples"),
])
def test_fit_bad_input(kwargs, match):
    parts = models.build_linear_autoencoder((3,), code_dim=1)
    args = dict(x_train=np.zeros((4, 3)), x_val=np.zeros((2, 3)))
    args.update(kwargs)
    with pytest.raises(ValueError, match=match):
        training.fit_autoencoder(parts.autoencoder, args.pop("x_train"), args.pop("x_val"), **args)


def test_epoch_line_bad_every():
    with pytest.raises(ValueError, match="every is 0"):
        training.EpochLine(every=0)


def test_fixed_budget_without_early_stopping():
    parts = models.build_linear_autoencoder((4,), code_dim=2)
    parts.autoencoder.compile(keras.optimizers.Adam(1e-3), "mse")
    x = np.random.default_rng(0).random((20, 4)).astype("float32")
    hist = training.fit_autoencoder(parts.autoencoder, x, x, epochs=4, patience=None)
    assert len(hist.history["loss"]) == 4
    with pytest.raises(ValueError, match="patience is -1"):
        training.fit_autoencoder(parts.autoencoder, x, x, epochs=1, patience=-1)


def test_steps_per_epoch():
    assert training.steps_per_epoch(100, 32) == 4
    assert training.steps_per_epoch(96, 32) == 3
    with pytest.raises(ValueError, match="n_examples is 0"):
        training.steps_per_epoch(0, 32)


def test_greedy_layerwise_stacks_trained_layers():
    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    x = rng.random((64, 4, 4, 1)).astype("float32")
    parts, steps = training.train_greedy_layerwise(x[:48], x[48:], (8, 3), epochs_per_layer=2,
                                                   batch_size=16)
    assert steps == 2 * 2 * 3  # 2 layers x 2 epochs x 3 batches
    assert parts.encoder.get_layer("enc_0").units == 8
    assert parts.encoder.get_layer("code").units == 3
    assert parts.autoencoder.predict(x[:2], verbose=0).shape == (2, 4, 4, 1)
    # the first encoder layer is the trained first shallow encoder, not a fresh init
    assert not np.allclose(parts.encoder.get_layer("enc_0").get_weights()[1], 0)


def test_fit_on_fresh_data_uses_a_new_round_each_time(capsys):
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(4)])
    model.compile(optimizer=keras.optimizers.Adam(0.05), loss="mse")
    seen = []

    def make_round(r):
        seen.append(r)
        x = np.random.default_rng(r).normal(size=(64, 4)).astype("float32")
        return x, 2 * x, np.ones(64, "float32")

    losses = training.fit_on_fresh_data(model, make_round, rounds=6, batch_size=16,
                                        label="toy", print_every=3)
    assert seen == list(range(6)) and len(losses) == 6
    assert losses[-1] < 0.5 * losses[0]                 # it learns y = 2x across rounds
    assert int(model.optimizer.iterations) == 6 * 4     # one step counter across rounds
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 2 and out[0].startswith("toy: round 3/6, 64 fresh examples")
    with pytest.raises(ValueError, match="rounds is 0"):
        training.fit_on_fresh_data(model, make_round, rounds=0, batch_size=16)
