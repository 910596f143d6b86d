import numpy as np
import pytest

from utils import data, watermark


def _image(h=16, w=16, seed=0):
    return np.random.default_rng(seed).random((h, w, 3)).astype("float32")


def test_blend_formula_exactly():
    img, m = _image(), np.random.default_rng(1).random((16, 16)).astype("float32")
    colour = np.array([1.0, 0.5, 0.0], "float32")
    j, a = watermark.blend(img, m, colour, 0.4)
    np.testing.assert_allclose(a, 0.4 * m, rtol=1e-6)
    np.testing.assert_allclose(j, a[..., None] * colour + (1 - a[..., None]) * img, rtol=1e-6)
    j0, _ = watermark.blend(img, m, colour, 0.0)
    np.testing.assert_allclose(j0, img)                    # α = 0: unchanged
    j1, _ = watermark.blend(img, np.ones((16, 16)), colour, 1.0)
    np.testing.assert_allclose(j1, np.broadcast_to(colour, img.shape))  # α = 1: the watermark
    # Dekel's inversion with the true α map and colour recovers the image where A < 1
    inv = (j - a[..., None] * colour) / (1 - a[..., None])
    np.testing.assert_allclose(inv, img, atol=1e-5)


@pytest.mark.parametrize("kwargs, match", [
    (dict(alpha=1.5), "alpha is 1.5"),
    (dict(alpha=-0.1), "alpha is -0.1"),
    (dict(colour=[1, 0]), "colour is"),
    (dict(shape_mask=np.ones((4, 4))), "shape_mask has shape"),
    (dict(image=np.ones((16, 16))), "image has shape"),
])
def test_blend_bad_arguments(kwargs, match):
    args = dict(image=_image(), shape_mask=np.ones((16, 16)), colour=[1, 1, 1], alpha=0.5)
    args.update(kwargs)
    with pytest.raises(ValueError, match=match):
        watermark.blend(**args)


def test_masks_agree_with_changed_pixels_and_alpha_in_range():
    patches = data.random_patches([_image(64, 64)], 32, 32, seed=0)
    w = watermark.WatermarkSampler("train", seed=3).apply(patches)
    changed = np.abs(w.j - w.clean).max(axis=-1) > 1e-6
    assert np.all(w.mask[changed])        # every changed pixel is inside the mask
    # inside the mask a pixel changes unless the watermark colour equals the image there
    assert changed[w.mask].mean() > 0.95
    per_patch_max = w.alpha.reshape(32, -1).max(axis=1)
    assert per_patch_max.max() <= 0.7 + 1e-6
    assert (per_patch_max[per_patch_max > 0] >= 0.3 * 0.5).all()


def test_test_words_and_logos_never_in_training():
    assert not set(watermark.TRAIN_WORDS) & set(watermark.TEST_WORDS)
    assert not set(watermark.TRAIN_LOGOS) & set(watermark.TEST_LOGOS)
    s = watermark.WatermarkSampler("train", seed=0)
    names = {s.shape(32)[1] for _ in range(300)}
    assert names <= set(watermark.TRAIN_WORDS) | set(watermark.TRAIN_LOGOS)
    t = watermark.WatermarkSampler("test", seed=0)
    assert {t.shape(32)[1] for _ in range(100)} <= set(watermark.TEST_WORDS) | set(watermark.TEST_LOGOS)


def test_seeded():
    p = data.random_patches([_image(40, 40)], 4, 24, seed=1)
    a = watermark.WatermarkSampler("test", seed=5).apply(p)
    b = watermark.WatermarkSampler("test", seed=5).apply(p)
    np.testing.assert_array_equal(a.j, b.j)
    c = watermark.WatermarkSampler("test", seed=6).apply(p)
    assert not np.array_equal(a.j, c.j)


def test_render_bad_arguments_and_shapes():
    assert watermark.render_text("DRAFT", 20).max() > 0.9
    for name in watermark.TRAIN_LOGOS + watermark.TEST_LOGOS:
        logo = watermark.render_logo(name, 24)
        assert logo.shape == (24, 24) and 0 <= logo.min() and logo.max() <= 1 and logo.max() > 0.5
    with pytest.raises(ValueError, match="text is ''"):
        watermark.render_text("", 20)
    with pytest.raises(ValueError, match="name is 'heart'"):
        watermark.render_logo("heart", 24)
    with pytest.raises(ValueError, match="split is 'val'"):
        watermark.WatermarkSampler("val")


def test_natural_images_split_and_patches():
    names = [n for split in data.NATURAL_SPLITS.values() for n in split]
    assert len(names) == len(set(names))  # whole images held out
    imgs = data.natural_images("test")
    assert set(imgs) == set(data.NATURAL_SPLITS["test"])
    assert all(im.dtype == np.float32 and im.shape[-1] == 3 and 0 <= im.min() and im.max() <= 1
               for im in imgs.values())
    p = data.random_patches(imgs, 10, 32, seed=0)
    assert p.shape == (10, 32, 32, 3)
    np.testing.assert_array_equal(p, data.random_patches(imgs, 10, 32, seed=0))
    with pytest.raises(ValueError, match="expected a patch no larger than the image"):
        data.random_patches(imgs, 1, 1000)
    with pytest.raises(ValueError, match="split is 'dev'"):
        data.natural_images("dev")
