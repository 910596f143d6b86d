"""The consistent-watermark estimate (utils.dekel): each step on synthetic data with a
known answer."""

import numpy as np
import pytest

from utils import dekel, watermark


def blocky_images(n, size=48, seed=0):
    """Piecewise-constant colour images (random rectangles, rolled by a random offset so that
    every position has the same statistics, as random crops of photos do): sparse gradients,
    like natural images', and different in every image."""
    rng = np.random.default_rng(seed)
    out = np.empty((n, size, size, 3), np.float32)
    for k in range(n):
        img = np.full((size, size, 3), rng.uniform(0.2, 0.8, 3), np.float32)
        for _ in range(6):
            (t, b), (l, r) = np.sort(rng.integers(0, size, (2, 2)), axis=1)
            img[t:b + 1, l:r + 1] = rng.uniform(0, 1, 3)
        out[k] = np.roll(img, tuple(rng.integers(0, size, 2)), axis=(0, 1))
    return out


def disc_mask(size=48, radius=10):
    yy, xx = np.mgrid[:size, :size] - (size - 1) / 2
    return np.clip(radius + 0.5 - np.hypot(yy, xx), 0, 1).astype(np.float32)


def test_poisson_reconstruct_inverts_the_gradient_of_a_field_zero_on_the_border():
    rng = np.random.default_rng(1)
    phi = np.zeros((20, 31, 2))
    phi[1:-1, 1:-1] = rng.normal(size=(18, 29, 2))
    gx, gy = dekel.gradients(phi)
    np.testing.assert_allclose(dekel.poisson_reconstruct(gx, gy), phi, atol=1e-10)


def test_gradients_are_forward_differences_zero_at_the_far_edges():
    x = np.arange(12.0).reshape(3, 4, 1)
    gx, gy = dekel.gradients(x)
    np.testing.assert_array_equal(gx[:, :3, 0], np.ones((3, 3)))
    np.testing.assert_array_equal(gy[:2, :, 0], np.full((2, 4), 4.0))
    assert not gx[:, 3].any() and not gy[2].any()


def test_shift_moves_and_fills_with_zeros():
    x = np.arange(1, 10.0).reshape(3, 3)
    np.testing.assert_array_equal(dekel.shift(x, 1, -1), [[0, 0, 0], [2, 3, 0], [5, 6, 0]])
    np.testing.assert_array_equal(dekel.shift(x, 0, 0), x)
    assert not dekel.shift(x, 3, 0).any()


def test_blend_and_its_inverse_round_trip():
    photos = blocky_images(4, 32)
    marked, _ = dekel.stamp(photos, disc_mask(32, 8), (1, 1, 1), 0.6, quantize=False)
    back = watermark.invert_blend(marked.j, marked.alpha, marked.colour)
    np.testing.assert_allclose(back, photos, atol=1e-5)


def test_stamp_moves_the_mark_by_at_most_the_jitter_and_records_where():
    m = disc_mask(32, 6)
    marked, offsets = dekel.stamp(blocky_images(20, 32), m, (1, 1, 1), 0.5, jitter=2, seed=3)
    assert np.abs(offsets).max() <= 2 and len(np.unique(offsets, axis=0)) > 3
    for a, (dy, dx) in zip(marked.alpha, offsets):
        np.testing.assert_allclose(a, 0.5 * dekel.shift(m, dy, dx))
    again, offsets2 = dekel.stamp(blocky_images(20, 32), m, (1, 1, 1), 0.5, jitter=2, seed=3)
    np.testing.assert_array_equal(again.j, marked.j)      # deterministic under a seed
    np.testing.assert_array_equal(offsets2, offsets)


def test_median_gradient_estimate_recovers_a_known_watermark():
    """200 synthetic photos, one disc of opacity 0.5 in a known colour: the estimate's
    opacity map is within 0.03 RMSE of the truth and its colour within 0.05."""
    m, colour = disc_mask(), np.array([1.0, 0.9, 0.2])
    marked, _ = dekel.stamp(blocky_images(200), m, colour, 0.5)
    est = dekel.estimate(marked.j, iterations=0)
    assert np.sqrt(np.mean((est.alpha - 0.5 * m) ** 2)) < 0.03
    np.testing.assert_allclose(est.colour, colour, atol=0.05)
    cleaned = dekel.remove(marked.j, est)
    inside = marked.mask
    before = np.sqrt(np.mean((marked.j - marked.clean)[inside] ** 2))
    after = np.sqrt(np.mean((cleaned - marked.clean)[inside] ** 2))
    assert after < 0.2 * before


def test_estimate_with_jitter_aligns_the_photos():
    m = disc_mask()
    marked, offsets = dekel.stamp(blocky_images(200, seed=5), m, (1, 1, 1), 0.5, jitter=2,
                                  seed=6)
    est = dekel.estimate(marked.j, radius=3)
    # offsets are found up to one common shift (the template's own position)
    rel = est.offsets - offsets
    assert np.mean((rel == np.median(rel, 0)).all(1)) > 0.9
    blurred = dekel.estimate(marked.j, iterations=0)
    err = lambda e: dekel.aligned_rmse(e.alpha, 0.5 * m, 3)
    assert err(est) < 0.03 and err(est) < 0.6 * err(blurred)


def test_estimate_measures_the_typical_colour_in_the_band_along_the_frame():
    """Photos dark (0.05 ± 0.02) in a 16-pixel frame — less than half of each photo — and
    busy inside, the mark at the same place: Ī is the frame's colour, not the median of the
    whole photos (about 0.5)."""
    n, size, rim = 100, 128, 16
    rng = np.random.default_rng(3)
    photos = np.repeat(np.repeat(0.05 + rng.uniform(-0.02, 0.02, (n, 1, 1, 3)), size, 1), size, 2)
    photos[:, rim:-rim, rim:-rim] = blocky_images(n, size - 2 * rim, seed=3)
    marked, _ = dekel.stamp(photos.astype(np.float32), disc_mask(size, 8), (1, 1, 1), 0.5)
    est = dekel.estimate(marked.j, iterations=0)
    np.testing.assert_allclose(est.typical, 0.05, atol=0.01)


def test_aligned_rmse_finds_the_offset():
    m = disc_mask()
    assert dekel.aligned_rmse(dekel.shift(m, 2, -1), m, 2) == 0.0
    assert dekel.aligned_rmse(dekel.shift(m, 2, -1), m, 1) > 0.05


def test_align_recovers_known_offsets():
    m = disc_mask()
    gx, gy = dekel.gradients(0.5 * m[..., None] * np.ones(3))
    marked, offsets = dekel.stamp(blocky_images(30, seed=2), m, (1, 1, 1), 0.6, jitter=3,
                                  seed=4)
    np.testing.assert_array_equal(dekel.align(marked.j, gx, gy, 3), offsets)


def test_estimate_needs_more_than_one_photo():
    with pytest.raises(ValueError, match="at least 2 photos"):
        dekel.estimate(blocky_images(1))
