import numpy as np
import pytest

from utils import metrics


def test_mse_values():
    x = np.zeros((2, 2, 2, 1))
    r = np.zeros((2, 2, 2, 1))
    r[0] = 1.0  # first image off by 1 everywhere
    np.testing.assert_allclose(metrics.per_image_mse(x, r), [1.0, 0.0])
    assert metrics.mse(x, r) == pytest.approx(0.5)
    np.testing.assert_allclose(metrics.per_image_squared_error(x, r), [4.0, 0.0])


@pytest.mark.parametrize("x, r, match", [
    (np.zeros((2, 4)), np.zeros((2, 2, 2)), r"shape \(2, 4\) and reconstruction \(2, 2, 2\)"),
    (np.zeros(4), np.zeros(4), r"expected a batch"),
    (np.zeros((1, 2)), np.array([[np.nan, 0]]), "NaN"),
])
def test_bad_input(x, r, match):
    with pytest.raises(ValueError, match=match):
        metrics.mse(x, r)


def test_psnr_known_values():
    from utils import metrics
    x = np.zeros((2, 8, 8))
    r = np.stack([np.full((8, 8), 0.1), np.full((8, 8), 0.01)])
    np.testing.assert_allclose(metrics.psnr(x, r), [20.0, 40.0])  # 10·log10(1 / 0.1²)
    assert metrics.psnr(x, x)[0] == np.inf


def test_psnr_and_ssim_match_scikit_image():
    from skimage.metrics import peak_signal_noise_ratio, structural_similarity

    from utils import metrics
    rng = np.random.default_rng(0)
    x = rng.random((3, 28, 28, 1))
    r = np.clip(x + 0.2 * rng.normal(size=x.shape), 0, 1)
    p, s = metrics.psnr(x, r), metrics.ssim(x, r)
    for i in range(3):
        assert p[i] == pytest.approx(peak_signal_noise_ratio(x[i], r[i], data_range=1), rel=1e-9)
        ref = structural_similarity(x[i, ..., 0], r[i, ..., 0], data_range=1,
                                    gaussian_weights=True, use_sample_covariance=False, sigma=1.5)
        assert s[i] == pytest.approx(ref, abs=1e-6)
    assert metrics.ssim(x, x) == pytest.approx(np.ones(3))


def test_psnr_ssim_bad_input():
    from utils import metrics
    with pytest.raises(ValueError, match=r"expected the clean images in \[0, 1\]"):
        metrics.psnr(np.full((1, 28, 28), 2.0), np.zeros((1, 28, 28)))
    with pytest.raises(ValueError, match="same shape"):
        metrics.ssim(np.zeros((1, 28, 28)), np.zeros((1, 28, 27)))
    with pytest.raises(ValueError, match="expected images"):
        metrics.psnr(np.zeros((2, 784)), np.zeros((2, 784)))
