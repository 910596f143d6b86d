import numpy as np
import pytest

from utils import baselines, linalg, metrics


def test_median_filter_removes_isolated_salt_and_keeps_flat_images():
    x = np.zeros((2, 9, 9, 1), "float32")
    x[0, 4, 4, 0] = 1.0
    y = baselines.median_filter(x, 3)
    assert y.max() == 0 and y.shape == x.shape
    flat = np.full((1, 6, 6), 0.3, "float32")
    np.testing.assert_allclose(baselines.median_filter(flat, 3), flat)


def test_gaussian_blur_preserves_mean_and_filters_per_image():
    rng = np.random.default_rng(0)
    x = rng.random((3, 16, 16)).astype("float32")
    y = baselines.gaussian_blur(x, 1.0)
    assert y.std() < x.std()
    np.testing.assert_allclose(y.mean(axis=(1, 2)), x.mean(axis=(1, 2)), atol=0.02)
    # images do not leak into each other
    np.testing.assert_allclose(baselines.gaussian_blur(x[:1], 1.0), y[:1], atol=1e-6)


def test_pca_projection_and_validation_choice():
    rng = np.random.default_rng(1)
    basis = rng.random((3, 64))
    clean = np.clip((rng.random((200, 3)) @ basis) / 3, 0, 1).reshape(200, 8, 8)
    noisy = np.clip(clean + 0.1 * rng.normal(size=clean.shape), 0, 1)
    pca = linalg.pca_fit(clean[:100].reshape(100, -1), 3)
    proj = baselines.pca_projection(noisy[100:], pca)
    assert metrics.mse(clean[100:], proj) < metrics.mse(clean[100:], noisy[100:])
    best, scores = baselines.choose_on_validation(
        baselines.gaussian_blur, (0.3, 5.0), noisy[100:150], clean[100:150], metrics.psnr)
    assert set(scores) == {0.3, 5.0} and best == max(scores, key=scores.get)


def test_bad_arguments():
    with pytest.raises(ValueError, match="sigma is 0"):
        baselines.gaussian_blur(np.zeros((1, 4, 4)), 0)
    with pytest.raises(ValueError, match="size is 0"):
        baselines.median_filter(np.zeros((1, 4, 4)), 0)
    with pytest.raises(ValueError, match="x has shape"):
        baselines.median_filter(np.zeros((4, 4)), 3)
    with pytest.raises(ValueError, match="params is empty"):
        baselines.choose_on_validation(baselines.gaussian_blur, (), None, None, None)
    with pytest.raises(TypeError, match="sigma is '1'"):
        baselines.gaussian_blur(np.zeros((1, 4, 4)), "1")
    with pytest.raises(TypeError, match="size is 3.0"):
        baselines.median_filter(np.zeros((1, 4, 4)), 3.0)
    with pytest.raises(ValueError, match="divide by 255"):  # never a silent clip to white
        baselines.pca_projection(np.full((2, 2, 2), 255.0), linalg.pca_fit(np.eye(4), 2))
    with pytest.raises(TypeError, match="pca is"):
        baselines.pca_projection(np.zeros((2, 2, 2)), (np.zeros(4), np.eye(4)[:2], np.ones(2)))
    with pytest.raises(TypeError, match="params is 0.5"):
        baselines.choose_on_validation(baselines.gaussian_blur, 0.5, None, None, None)
    with pytest.raises(ValueError, match=r"noisy_val has shape \(2, 4, 4\) and clean_val"):
        baselines.choose_on_validation(baselines.gaussian_blur, (1.0,), np.zeros((2, 4, 4)),
                                       np.zeros((3, 4, 4)), metrics.psnr)
    with pytest.raises(TypeError, match="score is None"):
        baselines.choose_on_validation(baselines.gaussian_blur, (1.0,), np.zeros((2, 4, 4)),
                                       np.zeros((2, 4, 4)), None)


def test_choose_on_validation_refuses_a_nan_score():
    x = np.zeros((2, 4, 4))
    with pytest.raises(ValueError, match=r"score\(clean_val, denoise\(noisy_val, 1.0\)\) "
                                         "contains NaN"):
        baselines.choose_on_validation(baselines.gaussian_blur, (1.0,), x, x,
                                       lambda a, b: np.full(len(a), np.nan))


def _digits_and_noise(n=20, sigma=0.3, low=0.0, high=1.0):
    """Bars of ``high`` on ``low`` (on black: MNIST-like, and clipped Gaussian noise brightens
    them on average)."""
    rng = np.random.default_rng(2)
    clean = np.full((n, 28, 28, 1), low, "float32")
    for i in range(n):
        r = 4 + i % 18
        clean[i, r:r + 4, 5:23] = high
    noisy = np.clip(clean + sigma * rng.normal(size=clean.shape), 0, 1).astype("float32")
    return clean, noisy


@pytest.mark.parametrize("denoise, param", [(baselines.total_variation, 0.1),
                                            (baselines.non_local_means, 0.15),
                                            (baselines.wavelet, 0.15),
                                            (baselines.bm3d, 0.15)])
def test_classical_denoisers_reduce_the_error_and_filter_each_image_on_its_own(denoise, param):
    clean, noisy = _digits_and_noise(sigma=0.15, low=0.25, high=0.75)   # hardly ever clipped
    out = denoise(noisy, param)
    assert out.shape == noisy.shape and out.dtype == np.float32 and np.isfinite(out).all()
    assert metrics.mse(clean, out) < 0.7 * metrics.mse(clean, noisy)
    if denoise is not baselines.bm3d:    # bm3d borrows blocks across its mosaic, by design
        np.testing.assert_allclose(denoise(noisy[:3], param), out[:3], atol=1e-6)
    two = np.concatenate([noisy, noisy], axis=-1)    # channels filtered alike, one at a time
    np.testing.assert_allclose(denoise(two, param)[..., 1], out[..., 0], atol=1e-5)


def test_bm3d_mosaic_pads_and_returns_every_image_in_order():
    clean, noisy = _digits_and_noise(n=7)
    out = baselines.bm3d(noisy, 0.3, per_row=2)            # 7 digits: two mosaics of 4
    assert out.shape == noisy.shape
    order = [np.argmin([metrics.mse(c[None], o[None]) for c in clean]) for o in out]
    assert order == list(range(7))


def test_debias_and_choosing_an_offset_on_validation():
    clean, noisy = _digits_and_noise(n=40, sigma=0.5)
    np.testing.assert_allclose(baselines.debias(np.array([[[0.05, 0.5, 1.0]]]), 0.1),
                               [[[0.0, 0.4, 0.9]]], atol=1e-6)
    best, scores = baselines.choose_on_validation(baselines.gaussian_blur, (0.5, 1.0), noisy,
                                                  clean, metrics.psnr, offsets=(0.0, 0.1, 0.2))
    assert set(scores) == {(s, o) for s in (0.5, 1.0) for o in (0.0, 0.1, 0.2)}
    assert best[1] > 0                    # clipped noise brightens the black background
    assert scores[best] > scores[(best[0], 0.0)]
    with pytest.raises(ValueError, match="offsets is empty"):
        baselines.choose_on_validation(baselines.gaussian_blur, (1.0,), noisy, clean,
                                       metrics.psnr, offsets=())
    with pytest.raises(ValueError, match="offset is 2"):
        baselines.debias(noisy, 2)


def test_classical_denoisers_name_bad_arguments():
    x = np.zeros((1, 8, 8), "float32")
    with pytest.raises(ValueError, match="weight is 0"):
        baselines.total_variation(x, 0)
    with pytest.raises(ValueError, match="h is -1"):
        baselines.non_local_means(x, -1)
    with pytest.raises(ValueError, match="sigma is 0"):
        baselines.wavelet(x, 0)
    with pytest.raises(ValueError, match="per_row is 0"):
        baselines.bm3d(x, 0.3, per_row=0)
    with pytest.raises(ValueError, match="divide by 255"):
        baselines.bm3d(np.full((1, 8, 8), 255.0), 0.3)


def test_wiener_filter_recovers_a_linear_map_and_beats_doing_nothing():
    rng = np.random.default_rng(0)
    clean = rng.random((400, 4, 4)).astype(np.float32) * 0.5 + 0.25
    # noisy = a known affine mix of the clean pixels: the filter must undo it (ridge tiny)
    mix = np.eye(16) + 0.02 * rng.normal(size=(16, 16))
    noisy = (clean.reshape(400, 16) @ mix + 0.05).reshape(400, 4, 4).astype(np.float32)
    assert 0 < noisy.min() and noisy.max() < 1              # no clipping: exactly affine
    wiener = baselines.WienerFilter(noisy[:300], clean[:300])
    out = wiener(noisy[300:], 1e-6)
    assert out.shape == (100, 4, 4) and out.dtype == np.float32
    assert np.abs(out - clean[300:]).max() < 1e-3
    # with real noise: better than the noisy input, and larger ridges shrink towards the mean
    noisy = np.clip(clean + 0.2 * rng.normal(size=clean.shape), 0, 1).astype(np.float32)
    wiener = baselines.WienerFilter(noisy[:300], clean[:300])
    err = lambda x: float(np.mean((x - clean[300:]) ** 2))
    assert err(wiener(noisy[300:], 1.0)) < 0.5 * err(noisy[300:])
    # two noise draws added pair by pair: the same filter as fitted on both at once
    again = np.clip(clean + 0.2 * rng.normal(size=clean.shape), 0, 1).astype(np.float32)
    both = baselines.WienerFilter(np.concatenate([noisy[:300], again[:300]]),
                                  np.concatenate([clean[:300], clean[:300]]))
    added = baselines.WienerFilter(noisy[:300], clean[:300])
    first = added(noisy[300:], 1.0)                   # solved, then refitted after add
    assert added.add(again[:300], clean[:300]) is added and added.pairs == 600
    np.testing.assert_allclose(added(noisy[300:], 1.0), both(noisy[300:], 1.0), atol=1e-5)
    assert not np.allclose(first, both(noisy[300:], 1.0), atol=1e-4)
    flat = wiener(noisy[300:], 1e9)
    np.testing.assert_allclose(flat, np.broadcast_to(clean[:300].mean(0), flat.shape),
                               atol=1e-3)
    assert 0 <= out.min() and out.max() <= 1
