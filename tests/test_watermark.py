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
    (dict(colour=[1, 0]), "colour has shape"),
    (dict(alpha=float("nan")), "alpha is NaN"),
    (dict(image=_image() * 255), "divide by 255"),
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
    w = watermark.WatermarkSampler("train", seed=3).apply(patches, quantize=False)
    changed = np.abs(w.j - w.clean).max(axis=-1) > 1e-6
    assert np.all(w.mask[changed])        # every changed pixel is inside the mask
    # inside the mask a pixel changes unless the watermark colour equals the image there
    assert changed[w.mask].mean() > 0.95
    per_patch_max = w.alpha.reshape(32, -1).max(axis=1)
    assert per_patch_max.max() <= 0.7 + 1e-6
    assert (per_patch_max[per_patch_max > 0] >= 0.3 * 0.5).all()


def test_training_validation_and_test_marks_are_disjoint():
    splits = {"train": (watermark.TRAIN_WORDS, watermark.TRAIN_LOGOS),
              "val": (watermark.VAL_WORDS, watermark.VAL_LOGOS),
              "test": (watermark.TEST_WORDS, watermark.TEST_LOGOS)}
    marks = {split: set(words) | set(logos) for split, (words, logos) in splits.items()}
    assert not marks["train"] & marks["val"] and not marks["train"] & marks["test"]
    assert not marks["val"] & marks["test"]
    assert {w.lower() for w in watermark.VAL_WORDS}.isdisjoint(
        w.lower() for w in watermark.TRAIN_WORDS + watermark.TEST_WORDS)  # not even by case
    for split, allowed in marks.items():
        s = watermark.WatermarkSampler(split, seed=0)
        names = {s.shape(32)[1] for _ in range(300)}
        assert names <= allowed and len(names) > len(allowed) // 2, split


def test_seeded():
    p = data.random_patches([_image(40, 40)], 4, 24, seed=1)
    a = watermark.WatermarkSampler("test", seed=5).apply(p)
    b = watermark.WatermarkSampler("test", seed=5).apply(p)
    np.testing.assert_array_equal(a.j, b.j)
    c = watermark.WatermarkSampler("test", seed=6).apply(p)
    assert not np.array_equal(a.j, c.j)


def test_render_bad_arguments_and_shapes():
    assert watermark.render_text("DRAFT", 20).max() > 0.9
    for name in watermark.LOGOS:
        logo = watermark.render_logo(name, 24)
        assert logo.shape == (24, 24) and 0 <= logo.min() and logo.max() <= 1 and logo.max() > 0.5
    with pytest.raises(ValueError, match="text is ''"):
        watermark.render_text("", 20)
    with pytest.raises(ValueError, match="name is 'heart'"):
        watermark.render_logo("heart", 24)
    with pytest.raises(ValueError, match="split is 'valid'"):
        watermark.WatermarkSampler("valid")


def test_natural_images_split_and_patches():
    names = [n for split in data.NATURAL_SPLITS.values() for n in split]
    assert len(names) == len(set(names))  # whole images held out
    assert len(data.NATURAL_SPLITS["test"]) >= 4 and len(data.NATURAL_SPLITS["val"]) >= 1
    # no held-out image is a copy (or a crop of the same size) of a training one
    train = data.natural_images("train")
    for name in data.NATURAL_SPLITS["val"] + data.NATURAL_SPLITS["test"]:
        held = data.natural_image(name)
        assert not any(t.shape == held.shape and np.abs(t - held).mean() < 0.05
                       for t in train.values()), name
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


def _8bit_image(h=64, w=64, seed=0):
    return np.round(_image(h, w, seed) * 255) / 255


def test_quantized_marks_change_only_masked_pixels():
    patches = data.random_patches([_8bit_image()], 32, 32, seed=0)
    w = watermark.WatermarkSampler("train", seed=3).apply(patches)   # quantize=True
    np.testing.assert_allclose(w.j * 255, np.round(w.j * 255), atol=1e-3)   # 8-bit values
    changed = np.abs(w.j - w.clean).max(axis=-1) > 1e-6
    assert np.all(w.mask[changed])
    assert changed[w.alpha > 0.05].mean() > 0.9
    assert len(w.names) == 32 and set(w.names) <= set(watermark.TRAIN_WORDS + watermark.TRAIN_LOGOS)


def test_logos_are_marks_not_filled_squares():
    for name in watermark.LOGOS:
        logo = watermark.render_logo(name, 48)
        assert 0.05 < logo.mean() < 0.7, name     # a filled disc covers 0.64, a solid square 1
        assert max(logo[0, 0], logo[0, -1], logo[-1, 0], logo[-1, -1]) < 0.1, name  # blank corners


def test_invert_blend_oracle_and_errors():
    p = data.random_patches([_8bit_image()], 6, 24, seed=2)
    exact = watermark.WatermarkSampler("test", seed=1).apply(p, quantize=False)
    np.testing.assert_allclose(watermark.invert_blend(exact.j, exact.alpha, exact.colour),
                               exact.clean, atol=1e-5)
    q = watermark.WatermarkSampler("test", seed=1).apply(p)
    err = np.abs(watermark.invert_blend(q.j, q.alpha, q.colour) - q.clean)
    # only the 8-bit rounding is left, amplified by 1 / (1 - A) <= 1 / 0.3
    assert err.max() <= 0.5 / 255 / (1 - 0.7) + 1e-6
    with pytest.raises(ValueError, match="alpha has values"):
        watermark.invert_blend(q.j, np.ones_like(q.alpha), q.colour)
    with pytest.raises(ValueError, match="colour has shape"):
        watermark.invert_blend(q.j, q.alpha, q.colour[:2])
    with pytest.raises(ValueError, match="j has shape"):
        watermark.invert_blend(q.j[0], q.alpha, q.colour)


def test_apply_to_image_marks_the_whole_image():
    img = _8bit_image(60, 90)
    w = watermark.WatermarkSampler("test", seed=0).apply_to_image(img, 5, 24)
    assert w.j.shape == (1, 60, 90, 3) and w.alpha.shape == (1, 60, 90) and len(w.names) == 5
    changed = np.abs(w.j - w.clean).max(axis=-1) > 1e-6
    assert np.all(w.mask[changed]) and w.mask.mean() > 0.02
    assert w.alpha.max() < 1
    again = watermark.WatermarkSampler("test", seed=0).apply_to_image(img, 5, 24)
    np.testing.assert_array_equal(w.j, again.j)
    with pytest.raises(ValueError, match="mark_size is 100"):
        watermark.WatermarkSampler("test").apply_to_image(img, 2, 100)
    with pytest.raises(ValueError, match="n_marks is 0"):
        watermark.WatermarkSampler("test").apply_to_image(img, 0, 24)


def test_sampler_alpha_range_is_respected_and_checked():
    p = data.random_patches([_8bit_image()], 40, 32, seed=4)
    w = watermark.WatermarkSampler("test", seed=2, alpha_range=(0.75, 0.9)).apply(p, quantize=False)
    top = w.alpha.reshape(40, -1).max(axis=1)
    assert top.max() <= 0.9 + 1e-6 and top[top > 0.5].min() >= 0.75 * 0.5
    with pytest.raises(ValueError, match=r"alpha_range\[1\] is 1.2"):
        watermark.WatermarkSampler("train", alpha_range=(0.5, 1.2))
    with pytest.raises(ValueError, match="alpha_range is"):
        watermark.WatermarkSampler("train", alpha_range=(0.6, 0.4))
    with pytest.raises(ValueError, match="alpha_range contains NaN"):
        watermark.WatermarkSampler("train", alpha_range=(0.3, float("nan")))


def test_patch_larger_than_image_is_an_error():
    with pytest.raises(ValueError, match="size is 80"):
        data.random_patches([_image(64, 64)], 2, 80)
