import numpy as np
import pytest
from skimage.metrics import peak_signal_noise_ratio, structural_similarity

from utils import metrics


def test_mse_values():
    x = np.zeros((2, 2, 2, 1))
    r = np.zeros((2, 2, 2, 1))
    r[0] = 1.0  # first image off by 1 everywhere
    np.testing.assert_allclose(metrics.per_image_mse(x, r), [1.0, 0.0])
    assert metrics.mse(x, r) == pytest.approx(0.5)
    np.testing.assert_allclose(metrics.per_image_squared_error(x, r), [4.0, 0.0])


@pytest.mark.parametrize("x, r, match", [
    (np.zeros((2, 4)), np.zeros((2, 2, 2)), r"x has shape \(2, 4\) and r \(2, 2, 2\); expected "
                                            "the same shape"),
    (np.zeros(4), np.zeros(4), r"x has shape \(4,\); expected a 2 or 3 or 4-D array"),
    (np.zeros((0, 4)), np.zeros((0, 4)), r"x has shape \(0, 4\); expected at least 1"),
    (np.zeros((1, 2)), np.array([[np.nan, 0]]), "r contains NaN"),
])
def test_bad_input(x, r, match):
    with pytest.raises(ValueError, match=match):
        metrics.mse(x, r)


def test_psnr_known_values_and_cap():
    x = np.zeros((2, 8, 8))
    r = np.stack([np.full((8, 8), 0.1), np.full((8, 8), 0.01)])
    np.testing.assert_allclose(metrics.psnr(x, r), [20.0, 40.0])  # 10·log10(1 / 0.1²)
    # a perfect reconstruction is capped (it was +inf, and so was the mean over a test set)
    p = metrics.psnr(np.concatenate([x, x]), np.concatenate([r, x]))
    np.testing.assert_allclose(p, [20.0, 40.0, 100.0, 100.0])
    assert np.isfinite(p.mean())
    np.testing.assert_allclose(metrics.psnr(x, r, max_db=30.0), [20.0, 30.0])
    # the cap is an MSE floor of 1e-10: just above it the value is not capped
    assert metrics.psnr(x[:1], np.full((1, 8, 8), 1e-4))[0] == pytest.approx(80.0)
    with pytest.raises(ValueError, match="max_db is 0"):
        metrics.psnr(x, r, max_db=0)


def _noisy_pair(shape, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.random(shape)
    return x, np.clip(x + 0.2 * rng.normal(size=x.shape), 0, 1)


@pytest.mark.parametrize("shape", [(3, 28, 28, 1), (3, 28, 28), (2, 32, 24, 3)])
def test_psnr_and_ssim_match_scikit_image(shape):
    x, r = _noisy_pair(shape)
    p, s = metrics.psnr(x, r), metrics.ssim(x, r)
    rgb = len(shape) == 4 and shape[-1] == 3
    for i in range(shape[0]):
        a, b = (x[i], r[i]) if rgb or len(shape) == 3 else (x[i, ..., 0], r[i, ..., 0])
        assert p[i] == pytest.approx(peak_signal_noise_ratio(a, b, data_range=1), rel=1e-9)
        ref = structural_similarity(a, b, data_range=1, gaussian_weights=True, sigma=1.5,
                                    use_sample_covariance=False,
                                    channel_axis=-1 if rgb else None)
        assert s[i] == pytest.approx(ref, abs=1e-12)
    np.testing.assert_allclose(metrics.ssim(x, x), np.ones(shape[0]))


def _ssim_by_hand(x, r, sigma=1.5):
    """The formula utils.metrics.ssim used before it called scikit-image (kept as a
    regression reference: the library must give the same numbers)."""
    from scipy.ndimage import gaussian_filter

    x, r = np.asarray(x, np.float64), np.asarray(r, np.float64)
    if x.ndim == 3:
        x, r = x[..., None], r[..., None]
    truncate = 3.5
    pad = int(truncate * sigma + 0.5)
    f = lambda a: gaussian_filter(a, sigma=(0, sigma, sigma, 0), truncate=truncate,
                                  mode="reflect")
    ux, uy = f(x), f(r)
    vx, vy, vxy = f(x * x) - ux * ux, f(r * r) - uy * uy, f(x * r) - ux * uy
    c1, c2 = 0.01 ** 2, 0.03 ** 2
    s = ((2 * ux * uy + c1) * (2 * vxy + c2)) / ((ux ** 2 + uy ** 2 + c1) * (vx + vy + c2))
    return s[:, pad:-pad, pad:-pad, :].mean(axis=(1, 2, 3))


@pytest.mark.parametrize("shape, sigma", [((4, 28, 28, 1), 1.5), ((3, 20, 17), 1.5),
                                          ((3, 32, 32, 3), 1.5), ((2, 28, 28), 1.0)])
def test_ssim_numbers_unchanged(shape, sigma):
    x, r = _noisy_pair(shape, seed=1)
    np.testing.assert_allclose(metrics.ssim(x, r, sigma=sigma), _ssim_by_hand(x, r, sigma),
                               rtol=0, atol=1e-6)
    x32, r32 = x.astype("float32"), r.astype("float32")  # what the notebooks pass
    np.testing.assert_allclose(metrics.ssim(x32, r32, sigma=sigma),
                               _ssim_by_hand(x32, r32, sigma), rtol=0, atol=1e-6)


def test_psnr_ssim_bad_input():
    with pytest.raises(ValueError, match=r"x has values in \[2, 2\]; expected images in \[0, 1\]"):
        metrics.psnr(np.full((1, 28, 28), 2.0), np.zeros((1, 28, 28)))
    with pytest.raises(ValueError, match="divide by 255"):
        metrics.ssim(np.full((1, 28, 28), 200.0), np.zeros((1, 28, 28)))
    with pytest.raises(ValueError, match="same shape"):
        metrics.ssim(np.zeros((1, 28, 28)), np.zeros((1, 28, 27)))
    with pytest.raises(ValueError, match=r"x has shape \(2, 784\); expected a 3 or 4-D"):
        metrics.psnr(np.zeros((2, 784)), np.zeros((2, 784)))
    with pytest.raises(ValueError, match="needs more than 10 pixels per side"):
        metrics.ssim(np.zeros((1, 10, 28)), np.zeros((1, 10, 28)))


def test_frechet_distance_values():
    rng = np.random.default_rng(0)
    a = rng.normal(size=(400, 5))
    assert metrics.frechet_distance(a, a) == pytest.approx(0.0, abs=1e-8)
    shift = np.array([1.0, 2.0, 0, 0, 0])
    assert metrics.frechet_distance(a, a + shift) == pytest.approx(5.0, rel=1e-8)
    # N(0, 1) against N(0, 4) in 1-D: (1 − 2)² = 1
    z = rng.normal(size=(200_000, 1))
    assert metrics.frechet_distance(z, 2 * z) == pytest.approx(1.0, rel=0.02)


def test_frechet_distance_with_fewer_vectors_than_features():
    rng = np.random.default_rng(1)
    a, b = rng.normal(size=(10, 30)), rng.normal(size=(12, 30)) + 0.5
    d = metrics.frechet_distance(a, b)
    assert np.isfinite(d) and d > 0
    assert metrics.frechet_distance(a, a) == pytest.approx(0.0, abs=1e-4)


def test_frechet_distance_retries_with_eps_when_the_root_is_not_finite(monkeypatch):
    # older SciPy returns NaN for the square root of a singular product; that used to come
    # out as a NaN distance
    import scipy.linalg

    real_sqrtm, calls = scipy.linalg.sqrtm, []

    def flaky(m, *args, **kwargs):
        calls.append(m)
        return np.full_like(m, np.nan) if len(calls) == 1 else real_sqrtm(m, *args, **kwargs)

    monkeypatch.setattr(scipy.linalg, "sqrtm", flaky)
    a = np.random.default_rng(2).normal(size=(50, 4))
    assert metrics.frechet_distance(a, a) == pytest.approx(0.0, abs=1e-5)
    assert len(calls) == 2


def test_frechet_distance_refuses_a_complex_root(monkeypatch):
    import scipy.linalg

    monkeypatch.setattr(scipy.linalg, "sqrtm", lambda m, *a, **k: m + 0.5j * np.eye(len(m)))
    a = np.random.default_rng(3).normal(size=(50, 4))
    with pytest.raises(ValueError, match="imaginary part of 0.5"):
        metrics.frechet_distance(a, a)


def test_frechet_distance_bad_input():
    a = np.zeros((5, 3))
    with pytest.raises(ValueError, match=r"features_a has shape \(1, 3\); expected at least 2"):
        metrics.frechet_distance(a[:1], a)
    with pytest.raises(ValueError, match=r"features_a has shape \(5, 3\) and features_b \(5, 2\)"):
        metrics.frechet_distance(a, a[:, :2])
    with pytest.raises(ValueError, match="features_b contains NaN"):
        metrics.frechet_distance(a, np.full((5, 3), np.nan))
