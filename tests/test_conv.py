import keras
import numpy as np
import pytest
from scipy import signal

from utils import conv


def test_convolve2d_matches_scipy_full_and_valid():
    rng = np.random.default_rng(0)
    x, k = rng.normal(size=(9, 7)), rng.normal(size=(3, 2))
    for mode in ("full", "valid"):
        np.testing.assert_allclose(conv.convolve2d(x, k, mode), signal.convolve2d(x, k, mode),
                                   atol=1e-12)


def test_convolution_is_correlation_with_flipped_kernel():
    rng = np.random.default_rng(1)
    x, k = rng.normal(size=(6, 6)), rng.normal(size=(3, 3))
    np.testing.assert_allclose(conv.correlate2d(x, k), signal.correlate2d(x, k, "valid"),
                               atol=1e-12)
    assert not np.allclose(conv.correlate2d(x, k), conv.convolve2d(x, k))
    np.testing.assert_allclose(conv.correlate2d(x, k[::-1, ::-1]), conv.convolve2d(x, k),
                               atol=1e-12)


@pytest.mark.parametrize("stride, padding", [(1, "valid"), (2, "valid"), (1, "same"), (2, "same")])
def test_conv2d_layer_matches_keras(stride, padding):
    rng = np.random.default_rng(2)
    x = rng.random((2, 11, 10, 3)).astype("float32")
    layer = keras.layers.Conv2D(4, (3, 2), strides=stride, padding=padding, use_bias=False)
    y = keras.ops.convert_to_numpy(layer(x))
    np.testing.assert_allclose(conv.conv2d_layer(x, np.asarray(layer.kernel), stride=stride,
                                                 padding=padding), y, atol=1e-5)


def test_bad_arguments():
    with pytest.raises(ValueError, match="image has shape"):
        conv.convolve2d(np.zeros(5), np.ones((2, 2)))
    with pytest.raises(ValueError, match="mode is 'same'"):
        conv.convolve2d(np.zeros((5, 5)), np.ones((2, 2)), "same")
    with pytest.raises(ValueError, match="larger than image"):
        conv.convolve2d(np.zeros((2, 2)), np.ones((3, 3)))
    with pytest.raises(ValueError, match=r"kernel has shape \(3, 3, 2, 1\)"):
        conv.conv2d_layer(np.zeros((1, 5, 5, 1)), np.zeros((3, 3, 2, 1)))
    with pytest.raises(ValueError, match="stride is 0"):
        conv.conv2d_layer(np.zeros((1, 5, 5, 1)), np.zeros((3, 3, 1, 1)), stride=0)
    with pytest.raises(TypeError, match="stride is 2.0"):
        conv.conv2d_layer(np.zeros((1, 5, 5, 1)), np.zeros((3, 3, 1, 1)), stride=2.0)
    with pytest.raises(ValueError, match="padding is 'full'"):
        conv.conv2d_layer(np.zeros((1, 5, 5, 1)), np.zeros((3, 3, 1, 1)), padding="full")
    with pytest.raises(ValueError, match=r"x has shape \(5, 5, 1\); expected a 4-D"):
        conv.conv2d_layer(np.zeros((5, 5, 1)), np.zeros((3, 3, 1, 1)))
    with pytest.raises(ValueError, match="kernel contains NaN"):
        conv.correlate2d(np.zeros((5, 5)), np.full((2, 2), np.nan))
    with pytest.raises(ValueError, match=r"kernel has shape \(3,\)"):
        conv.correlate2d(np.zeros((5, 5)), np.ones(3))  # was a raw IndexError
    with pytest.raises(ValueError, match=r"image has shape \(4, 0\)"):
        conv.convolve2d(np.zeros((4, 0)), np.ones((1, 1)))


def test_numbers_unchanged_for_integer_and_float32_inputs():
    img = np.arange(20).reshape(4, 5)
    k = np.array([[1, 0], [0, -1]])
    np.testing.assert_array_equal(conv.convolve2d(img, k), signal.convolve2d(img, k, "valid"))
    assert conv.convolve2d(img.astype("float32"), k).dtype == np.float64
