import numpy as np
import pytest

from utils import features, metrics, models


def test_first_layer_filters_are_the_kernel_columns():
    parts = models.build_dense_autoencoder((28, 28, 1), code_dim=4, hidden=(7,))
    f = features.first_layer_filters(parts.encoder)
    kernel = np.asarray(parts.encoder.get_layer("enc_0").kernel)
    assert f.shape == (7, 28, 28)
    np.testing.assert_array_equal(f[3].ravel(), kernel[:, 3])
    with pytest.raises(ValueError, match="image_shape"):
        features.first_layer_filters(parts.encoder, image_shape=(10, 10))
    with pytest.raises(ValueError, match="layer is 'enc_9'; the encoder has no such layer"):
        features.first_layer_filters(parts.encoder, layer="enc_9")
    with pytest.raises(TypeError, match="encoder is Autoencoder; expected a keras.Model"):
        features.first_layer_filters(parts)


def test_top_activating_orders_strongest_first():
    codes = np.array([[0.1, 0.9], [0.8, 0.2], [0.5, 0.95], [0.0, 0.1]])
    np.testing.assert_array_equal(features.top_activating(codes, k=2), [[1, 2], [2, 0]])
    np.testing.assert_array_equal(features.top_activating(codes, k=1, units=[1]), [[2]])
    with pytest.raises(ValueError, match="k is 5"):
        features.top_activating(codes, k=5)
    with pytest.raises(ValueError, match="units is"):
        features.top_activating(codes, k=1, units=[2])
    with pytest.raises(ValueError, match=r"units\[0\] is -1"):
        features.top_activating(codes, k=1, units=[-1])
    with pytest.raises(TypeError, match="k is 1.0"):
        features.top_activating(codes, k=1.0)
    np.testing.assert_array_equal(features.top_activating(codes, k=np.int64(1),
                                                          units=np.array([1])), [[2]])


def test_single_unit_codes():
    c = features.single_unit_codes(4, [0, 2], on=1.0, off=0.1)
    np.testing.assert_allclose(c, [[1, 0.1, 0.1, 0.1], [0.1, 0.1, 1, 0.1]])
    with pytest.raises(ValueError, match="units is"):
        features.single_unit_codes(4, [4])
    with pytest.raises(TypeError, match=r"units\[0\] is 1.5"):
        features.single_unit_codes(4, [1.5])
    with pytest.raises(ValueError, match="on is NaN"):
        features.single_unit_codes(4, [1], on=np.nan)


def test_code_sparsity():
    codes = np.array([[0.0, 0.5, 1.0, 0.01], [0.02, 0.02, 0.5, 0.5]])
    s = metrics.code_sparsity(codes, threshold=0.05)
    assert s["mean_activation"] == pytest.approx(codes.mean())
    assert s["silent_fraction"] == pytest.approx((2 / 4 + 2 / 4) / 2)
    with pytest.raises(ValueError, match="codes has shape"):
        metrics.code_sparsity(np.zeros(4))
    with pytest.raises(ValueError, match="threshold is 0"):
        metrics.code_sparsity(codes, threshold=0)
    with pytest.raises(ValueError, match=r"codes has shape \(3, 0\)"):
        metrics.code_sparsity(np.zeros((3, 0)))
