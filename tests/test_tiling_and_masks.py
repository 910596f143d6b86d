import numpy as np
import pytest

from utils import baselines, metrics, tiling


@pytest.mark.parametrize("window", tiling.WINDOWS)
def test_process_tiled_identity_and_shapes(window):
    x = np.random.default_rng(0).random((37, 50, 3)).astype("float32")
    for tile, stride in ((16, None), (16, 5), (32, 32), (64, 16)):  # 64 > the image: padded
        np.testing.assert_allclose(tiling.process_tiled(lambda t: t, x, tile, stride,
                                                        window=window), x, atol=1e-6)


@pytest.mark.parametrize("window", tiling.WINDOWS)
def test_a_constant_image_passes_through_tiling_unchanged(window):
    x = np.full((45, 70, 3), 0.37, np.float32)
    np.testing.assert_allclose(tiling.process_tiled(lambda t: t, x, 16, window=window), x,
                               atol=1e-6)


def test_smooth_window_leaves_no_step_at_tile_borders():
    """Every tile comes back shifted by its own random constant (tiles that disagree). With
    the flat window the output jumps where a tile ends; with the smooth window the output
    changes by at most about π / tile of the disagreement from one pixel to the next."""
    x = np.zeros((160, 160, 1), np.float32)
    rng = np.random.default_rng(0)

    def disagree(t):
        return t + rng.uniform(-1, 1, (len(t), 1, 1, 1)).astype(np.float32)

    steps = {}
    for window in tiling.WINDOWS:
        y = tiling.process_tiled(disagree, x, 32, window=window)[..., 0]
        steps[window] = max(np.abs(np.diff(y, axis=0)).max(), np.abs(np.diff(y, axis=1)).max())
    print(steps)
    assert steps["flat"] > 0.5                    # the grid the smooth window removes
    assert steps["smooth"] < 1.2 * np.pi / 32 * 2  # disagreements are at most 2


def test_smooth_windows_half_a_tile_apart_sum_to_one():
    w = np.sqrt(np.diag(tiling.tile_window(16)))           # the 1-D window
    np.testing.assert_allclose(w[:8] + w[8:], 1.0, atol=1e-6)
    assert (tiling.tile_window(16, "flat") == 1).all()


@pytest.mark.parametrize("batch_size", [1, 4, 256])
def test_process_tiled_flat_window_averages_overlaps(batch_size):
    # Each tile is replaced by a constant that identifies it: its top-left pixel's value
    # 100·i + j. Every output pixel must be the mean of the constants of the tiles covering
    # it (last-write-wins, first-write-wins or a sum would all give other numbers).
    ii, jj = np.mgrid[:32, :32]
    x = (100.0 * ii + jj)[..., None].astype("float32")
    calls = []

    def tile_id(t):
        calls.append(len(t))
        return np.ones_like(t) * t[:, :1, :1, :]

    y = tiling.process_tiled(tile_id, x, 16, 8, batch_size=batch_size, window="flat")
    assert sum(calls) == 9 and max(calls) == min(batch_size, 9)  # 3 × 3 tiles
    corners = [(i, j) for i in (0, 8, 16) for j in (0, 8, 16)]
    want = np.zeros((32, 32))
    for p in range(32):
        for q in range(32):
            ids = [100 * i + j for i, j in corners if i <= p < i + 16 and j <= q < j + 16]
            want[p, q] = np.mean(ids)
    np.testing.assert_array_equal(y[..., 0], want)
    assert y[12, 12, 0] == np.mean([0, 8, 800, 808])  # a pixel under four tiles


@pytest.mark.parametrize("kwargs, error, match", [
    (dict(tile=0), ValueError, "tile is 0"), (dict(stride=20), ValueError, "stride is 20"),
    (dict(tile=16.0), TypeError, "tile is 16.0"),
    (dict(image=np.zeros((8, 8))), ValueError, "image has shape"),
    (dict(image=np.full((20, 20, 3), np.nan)), ValueError, "image contains NaN"),
    (dict(predict=lambda t: t[:, :4]), ValueError, "predict returned shape"),
    (dict(predict=lambda t: t * np.nan), ValueError, "predict's output contains NaN"),
    (dict(predict=None), TypeError, "predict is None"),
    (dict(batch_size=-1), ValueError, "batch_size is -1"),  # was an all-NaN image
    (dict(batch_size=0), ValueError, "batch_size is 0"),    # was a raw range() error
    (dict(batch_size=2.0), TypeError, "batch_size is 2.0"),
])
def test_process_tiled_bad_arguments(kwargs, error, match):
    args = dict(predict=lambda t: t, image=np.zeros((20, 20, 3)), tile=16)
    args.update(kwargs)
    with pytest.raises(error, match=match):
        tiling.process_tiled(args.pop("predict"), args.pop("image"), **args)


def test_masked_rmse():
    x = np.zeros((2, 4, 4, 3))
    r = x.copy()
    r[0, 0, 0] = 0.3                      # one pixel, all three channels
    m = np.zeros((2, 4, 4), bool)
    m[0, 0, :2] = True                    # two pixels inside the mask
    assert metrics.masked_rmse(x, r, m) == pytest.approx(np.sqrt(3 * 0.09 / 6))
    assert metrics.masked_rmse(x, r, ~m) == 0.0
    with pytest.raises(ValueError, match="mask is empty"):
        metrics.masked_rmse(x, r, np.zeros((2, 4, 4), bool))
    with pytest.raises(TypeError, match="mask has dtype float64; expected a boolean"):
        metrics.masked_rmse(x, r, m.astype(float))
    with pytest.raises(ValueError, match="mask has shape"):
        metrics.masked_rmse(x, r, m[:, :2])


def test_inpaint_biharmonic_fills_a_smooth_image():
    yy, xx = np.mgrid[:24, :24] / 23.0
    img = np.stack([yy, xx, 0.5 * (yy + xx)], -1)[None].astype("float32")
    m = np.zeros((1, 24, 24), bool)
    m[0, 8:14, 6:18] = True
    damaged = img.copy()
    damaged[m] = 1.0
    out = baselines.inpaint_biharmonic(damaged, m)
    assert np.abs(out - img).max() < 0.02            # a linear ramp is filled back almost exactly
    np.testing.assert_array_equal(out[~m], damaged[~m])
    with pytest.raises(ValueError, match="mask has shape"):
        baselines.inpaint_biharmonic(damaged, m[..., 0])
    with pytest.raises(ValueError, match=r"mask has shape \(1, 24, 23\)"):
        baselines.inpaint_biharmonic(damaged, m[..., 1:])
    with pytest.raises(TypeError, match="mask has dtype"):
        baselines.inpaint_biharmonic(damaged, m.astype("uint8"))


def test_mask_scores_on_a_known_pair():
    true = np.zeros((2, 4, 4), bool)
    true[0, :2, :2] = True                       # 4 marked pixels
    pred = np.zeros_like(true)
    pred[0, :2, :3] = True                       # 6 flagged, 4 of them marked
    s = metrics.mask_scores(pred, true)
    assert s == dict(iou=4 / 6, precision=4 / 6, recall=1.0)
    assert metrics.mask_scores(np.zeros_like(true), true) == dict(iou=0.0, precision=0.0,
                                                                  recall=0.0)
    assert metrics.mask_scores(true, true) == dict(iou=1.0, precision=1.0, recall=1.0)


@pytest.mark.parametrize("window", ["smooth", "flat"])
def test_process_tiled_may_return_other_channels_in_one_pass(window):
    """A predict that returns the tiles and one more channel (a model's output and its gate)
    gives both, blended the same way as each alone; a channel count that changes between
    batches is an error."""
    img = np.random.default_rng(1).random((37, 45, 3)).astype(np.float32)
    both = lambda t: np.concatenate([t, t[..., :1] ** 2], axis=-1)
    out = tiling.process_tiled(both, img, 16, batch_size=7, window=window)
    assert out.shape == (37, 45, 4)
    np.testing.assert_allclose(out[..., :3], img, atol=1e-5)
    alone = tiling.process_tiled(lambda t: np.repeat(t[..., :1] ** 2, 3, -1), img, 16,
                                 batch_size=7, window=window)
    np.testing.assert_allclose(out[..., 3], alone[..., 0], atol=1e-6)
    calls = iter(range(100))
    changing = lambda t: t if next(calls) == 0 else t[..., :2]
    with pytest.raises(ValueError, match="same number every batch"):
        tiling.process_tiled(changing, img, 16, batch_size=7, window=window)
