import numpy as np
import pytest

from utils import baselines, metrics, tiling


def test_process_tiled_identity_and_shapes():
    x = np.random.default_rng(0).random((37, 50, 3)).astype("float32")
    for tile, stride in ((16, None), (16, 5), (32, 32), (64, 16)):  # 64 > the image: padded
        np.testing.assert_allclose(tiling.process_tiled(lambda t: t, x, tile, stride), x, atol=1e-6)


def test_process_tiled_averages_overlaps():
    x = np.zeros((32, 32, 1), "float32")
    calls = []

    def count(t):
        calls.append(len(t))
        return np.ones_like(t) * len(calls)

    y = tiling.process_tiled(count, x, 16, 8, batch_size=4)
    assert sum(calls) == 9 and max(calls) == 4       # 3 × 3 tiles in batches of at most 4
    assert y.shape == x.shape and 1 <= y.min() and y.max() <= 3


@pytest.mark.parametrize("kwargs, match", [
    (dict(tile=0), "tile is 0"), (dict(stride=20), "stride is 20"),
    (dict(image=np.zeros((8, 8))), "image has shape"),
    (dict(predict=lambda t: t[:, :4]), "predict returned shape"),
])
def test_process_tiled_bad_arguments(kwargs, match):
    args = dict(predict=lambda t: t, image=np.zeros((20, 20, 3)), tile=16)
    args.update(kwargs)
    with pytest.raises(ValueError, match=match):
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
    with pytest.raises(ValueError, match="dtype"):
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
