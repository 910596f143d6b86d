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
    fig = plots.plot_history({"a": {"loss": [3, 2, 1], "val_loss": [3, 2.5, 2]}})
    assert len(fig.axes[0].lines) == 2
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
    (lambda: plots.plot_codes_2d(np.zeros((4, 2)), np.arange(3)), r"expected \(4,\)"),
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
