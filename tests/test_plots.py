import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pytest

from utils import plots


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_image_rows_layout():
    x = np.random.default_rng(0).random((10, 28, 28, 1))
    fig = plots.image_rows({"input": x, "output": x}, n=6)
    assert len(fig.axes) == 12
    assert fig.axes[0].get_ylabel() == "input"


def test_image_grid_pads_and_titles():
    fig = plots.image_grid(np.zeros((5, 4, 4)), ncols=3, titles=list("abcde"), symmetric=True)
    assert len(fig.axes) == 6 and fig.axes[4].get_title() == "e"


def test_history_codes_and_lines():
    fig = plots.plot_history({"a": {"loss": [3, 2, 1], "val_loss": [3, 2.5, 2]},
                              "b": {"loss": [4, 3, 2], "val_loss": [4, 3.5, 3]}})
    a_train, a_val, b_train, b_val = fig.axes[0].lines
    assert a_train.get_color() == a_val.get_color() != b_train.get_color() == b_val.get_color()
    assert [line.get_linestyle() for line in fig.axes[0].lines] == ["-", "--", "-", "--"]
    fig = plots.plot_codes_2d(np.zeros((4, 2)), np.arange(4))
    assert fig.axes[0].get_title() == "2-D codes"
    fig = plots.plot_lines([2, 4, 8], {"a": [1, 2, 3], "b": [3, 2, 1]}, xlabel="k", ylabel="e",
                           logx=True, logy=True)
    assert len(fig.axes[0].lines) == 2


@pytest.mark.parametrize("call, match", [
    (lambda: plots.image_rows({}), "rows is empty"),
    (lambda: plots.image_rows({"x": np.zeros((3, 4))}), r"has shape \(3, 4\)"),
    (lambda: plots.image_grid(np.zeros((2, 4, 4)), ncols=0), "ncols is 0"),
    (lambda: plots.image_grid(np.zeros((2, 4, 4)), titles=["a"]), "titles has 1 entries for 2"),
    (lambda: plots.plot_history({"a": {"loss": [1]}}), "has no 'val_loss'"),
    (lambda: plots.plot_codes_2d(np.zeros((4, 3)), np.arange(4)), r"\(N, 2\)"),
    (lambda: plots.plot_codes_2d(np.zeros((4, 2)), np.arange(3)),
     "labels has 3 labels; expected 4"),
    (lambda: plots.plot_lines([1, 2], {"a": [1]}, xlabel="", ylabel=""), "series 'a'"),
])
def test_bad_input(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_lines_with_error_bars_and_histograms():
    fig = plots.plot_lines([1, 2, 3], {"a": [0.5, 0.6, 0.7], "b": [0.4, 0.5, 0.6]},
                           errors={"a": [0.01, 0.02, 0.01]}, xlabel="labels", ylabel="acc")
    assert len(fig.axes[0].containers) == 1  # one errorbar container, for "a"
    with pytest.raises(ValueError, match=r"errors\['a'\] has"):
        plots.plot_lines([1, 2], {"a": [1, 2]}, errors={"a": [1]}, xlabel="x", ylabel="y")
    with pytest.raises(ValueError, match="not in series"):
        plots.plot_lines([1, 2], {"a": [1, 2]}, errors={"c": [1, 1]}, xlabel="x", ylabel="y")
    fig = plots.plot_histograms({"plain": np.random.default_rng(0).random(100),
                                 "sparse": np.zeros(10)}, xlabel="activation")
    assert len(fig.axes[0].patches) == 2
    with pytest.raises(ValueError, match=r"samples\['x'\] is empty"):
        plots.plot_histograms({"x": []}, xlabel="v")


def _old_mosaic_canvas(imgs, ncols, gap):
    """The hand-written loop mosaic used before skimage.util.montage (reference layout)."""
    n, h, w = imgs.shape
    nrows = int(np.ceil(n / ncols))
    canvas = np.full((nrows * (h + gap) - gap, ncols * (w + gap) - gap), 0.5)
    for i, img in enumerate(imgs):
        r, c = divmod(i, ncols)
        canvas[r * (h + gap):r * (h + gap) + h, c * (w + gap):c * (w + gap) + w] = img
    return canvas


def test_mosaic_canvas_layout():
    imgs = np.stack([np.full((2, 3), v) for v in (0.0, 0.1, 0.2, 0.3, 0.4)])
    canvas = plots.mosaic_canvas(imgs, 2, gap=1)
    g = 0.5
    want = np.array([
        [0, 0, 0, g, .1, .1, .1],
        [0, 0, 0, g, .1, .1, .1],
        [g, g, g, g, g, g, g],
        [.2, .2, .2, g, .3, .3, .3],
        [.2, .2, .2, g, .3, .3, .3],
        [g, g, g, g, g, g, g],
        [.4, .4, .4, g, g, g, g],   # the unused last cell is mid-grey
        [.4, .4, .4, g, g, g, g]])
    np.testing.assert_array_equal(canvas, want)
    np.testing.assert_array_equal(plots.mosaic_canvas(imgs[..., None], 5, gap=0),
                                  np.concatenate(list(imgs), axis=1))


@pytest.mark.parametrize("n, ncols, gap", [(7, 3, 1), (9, 3, 2), (4, 8, 0), (1, 1, 1)])
def test_mosaic_canvas_equals_the_old_loop(n, ncols, gap):
    imgs = np.random.default_rng(n).random((n, 5, 4))
    np.testing.assert_array_equal(plots.mosaic_canvas(imgs, ncols, gap),
                                  _old_mosaic_canvas(imgs, ncols, gap))
    fig = plots.mosaic(imgs[..., None].astype("float32"), ncols, gap=gap, title="t")
    np.testing.assert_array_equal(fig.axes[0].images[0].get_array(),
                                  _old_mosaic_canvas(imgs.astype("float32"), ncols, gap))


@pytest.mark.parametrize("call, error, match", [
    (lambda: plots.mosaic(np.zeros((4, 5, 5, 3)), 2), ValueError, "grey-level"),
    (lambda: plots.mosaic(np.full((4, 5, 5), 200.0), 2), ValueError, "divide by 255"),
    (lambda: plots.mosaic(np.full((4, 5, 5), np.nan), 2), ValueError, "images contains NaN"),
    (lambda: plots.mosaic_canvas(np.zeros((4, 5, 5)), 2.0), TypeError, "ncols is 2.0"),
    (lambda: plots.mosaic_canvas(np.zeros((4, 5, 5)), 2, gap=-1), ValueError, "gap is -1"),
    (lambda: plots.image_rows({"x": np.full((3, 4, 4), 255.0)}), ValueError,
     r"rows\['x'\] has values in \[255, 255\].*divide by 255"),
    (lambda: plots.image_rows({"x": np.zeros((3, 4, 4))}, n=0), ValueError, "n is 0"),
    (lambda: plots.image_rows([np.zeros((3, 4, 4))]), TypeError, "rows is"),
    (lambda: plots.image_grid(np.zeros((2, 4, 4)), cell=0), ValueError, "cell is 0"),
    (lambda: plots.plot_histograms({"x": [1, 2]}, bins=0, xlabel="v"), ValueError, "bins is 0"),
    (lambda: plots.plot_histograms({"x": [1, np.nan]}, xlabel="v"), ValueError,
     r"samples\['x'\] contains NaN"),
    (lambda: plots.plot_history({"a": {"loss": [1]}}, keys="loss"), TypeError, "keys is 'loss'"),
])
def test_bad_input_types_and_values(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_image_rows_clips_a_models_overshoot_for_display():
    x = np.random.default_rng(0).random((3, 4, 4))
    fig = plots.image_rows({"input": x, "output": 1.2 * x - 0.1}, n=3)
    assert len(fig.axes) == 6
