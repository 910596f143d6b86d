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
