import keras
import numpy as np
import pytest

from utils import corrupt, layers as ae_layers


def _gray(value=0.5, n=200, size=28):
    return np.full((n, size, size, 1), value, "float32")


def test_gaussian_statistics_unclipped_and_clipped():
    x = _gray(0.5)
    y = corrupt.gaussian(x, 0.1, clip=False, seed=0)
    d = y - x
    assert abs(d.mean()) < 0.002 and d.std() == pytest.approx(0.1, rel=0.01)
    # on a black background, clipping keeps only the positive half: mean σ/√(2π), not 0
    black = corrupt.gaussian(_gray(0.0), 0.5, seed=0)
    assert black.min() == 0 and black.max() <= 1
    assert black.mean() == pytest.approx(0.5 / np.sqrt(2 * np.pi), rel=0.03)
    assert (black == 0).mean() == pytest.approx(0.5, abs=0.01)


def test_salt_and_pepper_and_masking_fractions():
    x = _gray(0.5)
    sp = corrupt.salt_and_pepper(x, 0.2, seed=1)
    hit = sp != 0.5
    assert hit.mean() == pytest.approx(0.2, abs=0.005)
    assert (sp[hit] == 1).mean() == pytest.approx(0.5, abs=0.02)
    m = corrupt.masking(x, 0.3, seed=1)
    assert (m == 0).mean() == pytest.approx(0.3, abs=0.005)
    assert np.all((m == 0) | (m == 0.5))


def test_seeded_and_input_untouched():
    x = _gray(0.5, n=4)
    x0 = x.copy()
    for kind, amount in (("gaussian", 0.3), ("salt_and_pepper", 0.1), ("masking", 0.2)):
        a = corrupt.corrupt(x, kind, amount, seed=7)
        np.testing.assert_array_equal(a, corrupt.corrupt(x, kind, amount, seed=7))
        assert not np.array_equal(a, corrupt.corrupt(x, kind, amount, seed=8))
    np.testing.assert_array_equal(x, x0)


@pytest.mark.parametrize("call, match", [
    (lambda x: corrupt.gaussian(x, -0.1), "sigma is -0.1"),
    (lambda x: corrupt.salt_and_pepper(x, 1.5), r"fraction is 1.5; expected a number in \[0, 1\]"),
    (lambda x: corrupt.masking(x, -0.2), "fraction is -0.2"),
    (lambda x: corrupt.gaussian(x * 255, 0.1), r"expected images in \[0, 1\].*divide by 255"),
    (lambda x: corrupt.masking(np.where(x > 0, np.nan, x), 0.1), "x contains NaN"),
    (lambda x: corrupt.gaussian(x[0, :, :, 0], 0.1), "x has shape"),
    (lambda x: corrupt.corrupt(x, "speckle", 0.1), "kind is 'speckle'"),
])
def test_bad_arguments(call, match):
    with pytest.raises(ValueError, match=match):
        call(_gray(0.5, n=2))


def test_streams_unchanged_under_a_seed():
    # the exact values drawn under a seed (the notebooks' fixed noisy test sets depend on them)
    x = np.linspace(0, 1, 2 * 3 * 4, dtype="float32").reshape(2, 3, 4)
    g = corrupt.gaussian(x, 0.3, clip=False, seed=5)
    np.testing.assert_array_equal(
        g, x + 0.3 * np.random.default_rng(5).standard_normal(x.shape).astype("float32"))
    assert g.dtype == np.float32
    rng = np.random.default_rng(5)
    hit, salt = rng.random(x.shape) < 0.4, rng.random(x.shape) < 0.5
    np.testing.assert_array_equal(corrupt.salt_and_pepper(x, 0.4, seed=5),
                                  np.where(hit, salt.astype("float32"), x))
    keep = np.random.default_rng(5).random(x.shape) >= 0.4
    np.testing.assert_array_equal(corrupt.masking(x, np.float32(0.4), seed=np.int64(5)),
                                  np.where(keep, x, 0))
    # a Generator continues its stream
    gen = np.random.default_rng(9)
    first, second = corrupt.masking(x, 0.5, seed=gen), corrupt.masking(x, 0.5, seed=gen)
    assert not np.array_equal(first, second)


@pytest.mark.parametrize("call, error, match", [
    (lambda x: corrupt.gaussian(x, "0.1"), TypeError, "sigma is '0.1'"),
    (lambda x: corrupt.gaussian(x, True), TypeError, "sigma is True"),
    (lambda x: corrupt.gaussian(x, np.nan), ValueError, "sigma is NaN"),
    (lambda x: corrupt.gaussian(x, 0.1, clip=1), TypeError, "clip is 1"),
    (lambda x: corrupt.masking(x, 0.1, seed=-1), ValueError, "seed is -1"),
    (lambda x: corrupt.masking(x, 0.1, seed=1.5), TypeError, "seed is 1.5"),
    (lambda x: corrupt.masking((x > 0.2).astype("uint8"), 0.1), TypeError, "x has dtype uint8"),
])
def test_bad_argument_types(call, error, match):
    with pytest.raises(error, match=match):
        call(_gray(0.5, n=2))


def test_random_corruption_layer_trains_only_and_matches_statistics():
    x = _gray(0.5, n=64)
    layer = ae_layers.RandomCorruption("masking", 0.3, seed=0)
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(layer(x, training=False)), x)
    y1 = keras.ops.convert_to_numpy(layer(x, training=True))
    y2 = keras.ops.convert_to_numpy(layer(x, training=True))
    assert (y1 == 0).mean() == pytest.approx(0.3, abs=0.01)
    assert not np.array_equal(y1, y2)  # fresh noise on every call
    g = keras.ops.convert_to_numpy(ae_layers.RandomCorruption("gaussian", 0.1, seed=0)(
        x, training=True))
    assert (g - x).std() == pytest.approx(0.1, rel=0.03)
    sp = keras.ops.convert_to_numpy(ae_layers.RandomCorruption("salt_and_pepper", 0.2, seed=0)(
        x, training=True))
    assert (sp != 0.5).mean() == pytest.approx(0.2, abs=0.01)


def test_random_corruption_range_draws_one_amount_per_image():
    x = _gray(0.5, n=200)
    y = keras.ops.convert_to_numpy(ae_layers.RandomCorruption("masking", (0.0, 0.6), seed=0)(
        x, training=True))
    per_image = (y == 0).reshape(200, -1).mean(axis=1)
    assert per_image.min() < 0.1 and per_image.max() > 0.5  # spread over the range
    assert per_image.mean() == pytest.approx(0.3, abs=0.04)


def test_random_corruption_config_and_bad_args():
    layer = ae_layers.RandomCorruption("gaussian", (0.1, 0.7), seed=3)
    back = ae_layers.RandomCorruption.from_config(layer.get_config())
    assert back.amount == (0.1, 0.7) and back.kind == "gaussian" and back.seed == 3
    with pytest.raises(ValueError, match="kind is 'blur'"):
        ae_layers.RandomCorruption("blur", 0.1)
    with pytest.raises(ValueError, match="amount is 1.2"):
        ae_layers.RandomCorruption("masking", 1.2)
    with pytest.raises(ValueError, match="expected low <= high"):
        ae_layers.RandomCorruption("gaussian", (0.5, 0.1))
