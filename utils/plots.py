"""Figures the notebooks share: image grids, before/after rows, curves, 2-D code maps.

Every function returns the Matplotlib figure; the notebook ends its cell with
``plt.show()``.
"""

from __future__ import annotations

from typing import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np

from ._validate import (check_array, check_bool, check_images, check_int, check_labels,
                        check_real, check_str, describe)


def _images(name: str, x) -> np.ndarray:
    """Finite images (N, H, W), (N, H, W, 1) (squeezed to (N, H, W)), (N, H, W, 3 or 4)."""
    x = check_images(name, x, channels=(1, 3, 4), unit_range=False, dtype=None)
    return x[..., 0] if x.ndim == 4 and x.shape[-1] == 1 else x


def _shown_in_01(name: str, x: np.ndarray) -> np.ndarray:
    """Images shown on a fixed [0, 1] grey scale: values a little outside (a model's
    overshoot) are clipped for display, but 0..255 pixels are an error, not a white picture."""
    lo, hi = float(x.min()), float(x.max())
    if lo < -1 or hi > 2:
        hint = " (8-bit pixels? divide by 255)" if hi <= 255 and lo >= 0 else ""
        raise ValueError(f"{name} has values in [{lo:.3g}, {hi:.3g}]; expected images in "
                         f"[0, 1]{hint}.")
    return x


def _mapping(name: str, value, what: str) -> Mapping:
    if not isinstance(value, Mapping):
        raise TypeError(f"{name} is {describe(value)}; expected a mapping (dict) of {what}.")
    if not value:
        raise ValueError(f"{name} is empty; expected a mapping of {what}.")
    return value


def _title(name: str, value) -> str | None:
    return None if value is None else check_str(name, value, allow_empty=True)


def image_rows(rows: Mapping[str, Sequence], n: int = 8, *, cell: float = 1.1,
               title: str | None = None):
    """One row of ``n`` images per entry of ``rows`` ({"input": x, "reconstruction": r}).

    Images are shown on a [0, 1] grey scale (values slightly outside are clipped for
    display; 0..255 pixels are an error). Rows shorter than ``n`` images shorten the figure.
    """
    rows = _mapping("rows", rows, "row label -> images")
    arrays = {label: _shown_in_01(f"rows[{label!r}]", _images(f"rows[{label!r}]", imgs))
              for label, imgs in rows.items()}
    n = check_int("n", n, low=1)
    cell = check_real("cell", cell, low=0, low_open=True)
    title = _title("title", title)
    n = min(n, *(len(a) for a in arrays.values()))
    fig, axes = plt.subplots(len(arrays), n, figsize=(cell * n, cell * len(arrays) + 0.3),
                             squeeze=False)
    for r, (label, imgs) in enumerate(arrays.items()):
        for c in range(n):
            ax = axes[r, c]
            ax.imshow(np.clip(imgs[c], 0, 1), cmap="gray", vmin=0, vmax=1)
            ax.set_xticks([]), ax.set_yticks([])
        axes[r, 0].set_ylabel(label, rotation=0, ha="right", va="center", fontsize=9)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def image_grid(images, ncols: int = 8, *, titles: Sequence[str] | None = None,
               cmap: str = "gray", symmetric: bool = False, cell: float = 1.1,
               title: str | None = None):
    """A grid of images, each scaled to its own range (``imshow``'s default), or with
    ``symmetric`` to ±max|value| in a red-blue map (for filters)."""
    imgs = _images("images", images)
    ncols = check_int("ncols", ncols, low=1)
    if titles is not None:
        if isinstance(titles, (str, bytes)) or not isinstance(titles, (Sequence, np.ndarray)):
            raise TypeError(f"titles is {describe(titles)}; expected a list of strings, one "
                            "per image.")
        if len(titles) != len(imgs):
            raise ValueError(f"titles has {len(titles)} entries for {len(imgs)} images; "
                             "expected one per image.")
    cmap = check_str("cmap", cmap)
    symmetric = check_bool("symmetric", symmetric)
    cell = check_real("cell", cell, low=0, low_open=True)
    title = _title("title", title)
    nrows = int(np.ceil(len(imgs) / ncols))
    height = nrows * (cell + (0.25 if titles is not None else 0.1)) + (0.5 if title else 0.1)
    fig, axes = plt.subplots(nrows, ncols, figsize=(cell * ncols, height), squeeze=False)
    for i, ax in enumerate(axes.flat):
        ax.set_xticks([]), ax.set_yticks([])
        if i >= len(imgs):
            ax.axis("off")
            continue
        img = imgs[i]
        if symmetric:
            m = float(np.abs(img).max()) or 1.0
            ax.imshow(img, cmap="RdBu_r", vmin=-m, vmax=m)
        else:
            ax.imshow(img, cmap=cmap)
        if titles is not None:
            ax.set_title(titles[i], fontsize=8)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_history(histories: Mapping[str, object], *, keys=("loss", "val_loss"),
                 log: bool = True, title: str = "Training curves", ylabel: str = "loss"):
    """Loss curves of one or more Keras ``History`` objects (or their ``.history`` dicts): one
    colour per history, its training curve solid and its validation curves dashed."""
    histories = _mapping("histories", histories, "label -> History")
    if isinstance(keys, (str, bytes)) or not isinstance(keys, (Sequence, np.ndarray)) \
            or len(keys) == 0:
        raise TypeError(f"keys is {describe(keys)}; expected a non-empty sequence of names "
                        "such as ('loss', 'val_loss').")
    log = check_bool("log", log)
    title, ylabel = check_str("title", title, allow_empty=True), check_str("ylabel", ylabel)
    curves = {}
    for label, hist in histories.items():
        h = getattr(hist, "history", hist)
        if not isinstance(h, Mapping):
            raise TypeError(f"histories[{label!r}] is {describe(hist)}; expected a Keras "
                            "History or its .history dict.")
        for key in keys:
            if key not in h:
                raise ValueError(f"history {label!r} has no {key!r}; it has {sorted(h)}.")
        curves[label] = h
    fig, ax = plt.subplots(figsize=(6, 3.5))
    for i, (label, h) in enumerate(curves.items()):
        for key in keys:
            ax.plot(np.arange(1, len(h[key]) + 1), h[key], color=f"C{i % 10}",
                    linestyle="--" if key.startswith("val") else "-",
                    label=f"{label} {key}")
    ax.set_xlabel("epoch"), ax.set_ylabel(ylabel), ax.set_title(title)
    if log:
        ax.set_yscale("log")
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def plot_codes_2d(codes, labels, *, class_names: Sequence[str] | None = None,
                  title: str = "2-D codes"):
    """Scatter of 2-D codes coloured by label (labels the model never saw while training)."""
    codes = check_array("codes", codes, ndim=2, dtype=None)
    if codes.shape[1] != 2:
        raise ValueError(f"codes has shape {codes.shape}; expected (N, 2).")
    labels = check_labels("labels", labels, n=len(codes))
    if class_names is not None and (isinstance(class_names, (str, bytes))
                                    or not isinstance(class_names, (Sequence, np.ndarray))
                                    or len(class_names) != 10):
        raise ValueError(f"class_names is {describe(class_names)}; expected 10 names, one "
                         "per colour-bar tick 0..9.")
    title = check_str("title", title, allow_empty=True)
    fig, ax = plt.subplots(figsize=(5.5, 4.5))
    sc = ax.scatter(codes[:, 0], codes[:, 1], c=labels, cmap="tab10", s=6, alpha=0.8,
                    vmin=-0.5, vmax=9.5)
    cbar = fig.colorbar(sc, ax=ax, ticks=range(10))
    if class_names is not None:
        cbar.ax.set_yticklabels(class_names)
    ax.set_xlabel("h₁"), ax.set_ylabel("h₂"), ax.set_title(title)
    fig.tight_layout()
    return fig


def plot_lines(x, series: Mapping[str, Sequence[float]], *, xlabel: str, ylabel: str,
               title: str = "", logy: bool = False, logx: bool = False,
               errors: Mapping[str, Sequence[float]] | None = None):
    """Several named series against a shared x (e.g. test MSE against code size k).

    ``errors`` (optional) gives, per series label, the half-height of an error bar at each
    x (e.g. the standard deviation over seeds).
    """
    x = check_array("x", x, ndim=1, dtype=None)
    series = _mapping("series", series, "label -> values")
    if errors is not None and not isinstance(errors, Mapping):
        raise TypeError(f"errors is {describe(errors)}; expected a mapping of label -> "
                        "error-bar half-heights.")
    errors = errors or {}
    xlabel, ylabel = check_str("xlabel", xlabel, allow_empty=True), \
        check_str("ylabel", ylabel, allow_empty=True)
    title = check_str("title", title, allow_empty=True)
    logy, logx = check_bool("logy", logy), check_bool("logx", logx)
    unknown = sorted(set(errors) - set(series))
    if unknown:
        raise ValueError(f"errors has labels {unknown} that are not in series {list(series)}.")
    ys_of, err_of = {}, {}
    for label, ys in series.items():
        ys_of[label] = check_array(f"series[{label!r}]", ys, ndim=(0, 1), min_len=0, dtype=None)
        if ys_of[label].shape != x.shape:
            raise ValueError(f"series {label!r} has {ys_of[label].shape} values for {x.shape} "
                             "x values.")
        if label in errors:
            err_of[label] = check_array(f"errors[{label!r}]", errors[label], ndim=(0, 1),
                                        min_len=0, dtype=None)
            if err_of[label].shape != x.shape:
                raise ValueError(f"errors[{label!r}] has {err_of[label].shape} values for "
                                 f"{x.shape} x values.")
    fig, ax = plt.subplots(figsize=(5.5, 3.5))
    for label, ys in ys_of.items():
        if label in err_of:
            err = err_of[label]
            ax.errorbar(x, ys, yerr=err, marker="o", capsize=3, label=label)
        else:
            ax.plot(x, ys, marker="o", label=label)
    ax.set_xlabel(xlabel), ax.set_ylabel(ylabel), ax.set_title(title)
    if logy:
        ax.set_yscale("log")
    if logx:
        ax.set_xscale("log", base=2)
        ax.set_xticks(x, [str(v) for v in x])
    ax.legend()
    fig.tight_layout()
    return fig


def plot_histograms(samples: Mapping[str, Sequence[float]], *, bins: int = 40, xlabel: str,
                    title: str = "", range_: tuple[float, float] | None = None,
                    logy: bool = False):
    """Overlaid histograms (as step outlines) of several named samples on shared bins."""
    samples = _mapping("samples", samples, "label -> values")
    arrays = {k: check_array(f"samples[{k!r}]", v, ndim=None, min_len=0).ravel()
              for k, v in samples.items()}
    for k, v in arrays.items():
        if len(v) == 0:
            raise ValueError(f"samples[{k!r}] is empty; expected at least one value.")
    bins = check_int("bins", bins, low=1)
    xlabel, title = check_str("xlabel", xlabel, allow_empty=True), \
        check_str("title", title, allow_empty=True)
    logy = check_bool("logy", logy)
    if range_ is not None:
        if isinstance(range_, (str, bytes)) or not isinstance(range_, (Sequence, np.ndarray)) \
                or len(range_) != 2:
            raise TypeError(f"range_ is {describe(range_)}; expected a pair (low, high) or "
                            "None.")
        range_ = (check_real("range_[0]", range_[0]), check_real("range_[1]", range_[1]))
        if range_[0] >= range_[1]:
            raise ValueError(f"range_ is {range_}; expected low < high.")
    else:
        range_ = (min(float(v.min()) for v in arrays.values()),
                  max(float(v.max()) for v in arrays.values()))
    fig, ax = plt.subplots(figsize=(5.5, 3.5))
    for label, v in arrays.items():
        ax.hist(v, bins=bins, range=range_, histtype="step", linewidth=1.5, density=True,
                label=label)
    ax.set_xlabel(xlabel), ax.set_ylabel("density"), ax.set_title(title)
    if logy:
        ax.set_yscale("log")
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def mosaic_canvas(images, ncols: int, gap: int = 1) -> np.ndarray:
    """Grey-level images tiled row-major into one array, ``ncols`` per row, ``gap`` pixels of
    mid-grey (0.5) between them (and in the unused cells of the last row), no outer border.

    Args:
        images: (N, H, W) or (N, H, W, 1), finite, in [0, 1] (a little outside is kept;
            0..255 pixels are an error).
        ncols: images per row (>= 1).
        gap: pixels between neighbouring images (>= 0).

    Returns:
        ``(nrows·(H + gap) − gap, ncols·(W + gap) − gap)`` float64 array,
        ``nrows = ceil(N / ncols)``.
    """
    from skimage.util import montage

    imgs = _shown_in_01("images", _images("images", images))
    if imgs.ndim != 3:
        raise ValueError(f"images has shape {np.shape(images)}; expected grey-level images "
                         "(N, H, W) or (N, H, W, 1).")
    ncols = check_int("ncols", ncols, low=1)
    gap = check_int("gap", gap, low=0)
    nrows = -(-len(imgs) // ncols)
    canvas = montage(imgs.astype(np.float64), fill=0.5, grid_shape=(nrows, ncols),
                     padding_width=gap)
    return canvas[gap:canvas.shape[0] - gap, gap:canvas.shape[1] - gap]  # no outer border


def mosaic(images, ncols: int, *, cell: float = 0.4, title: str | None = None,
           gap: int = 1):
    """Many small images tiled into one picture (one ``imshow``: fast for hundreds of
    images), e.g. a VAE's decoded latent grid. Row-major; grey-level images in [0, 1]
    (values slightly outside are clipped for display; 0..255 pixels are an error).
    The picture is ``mosaic_canvas(images, ncols, gap)``."""
    canvas = _shown_in_01("images", mosaic_canvas(images, ncols, gap))
    cell = check_real("cell", cell, low=0, low_open=True)
    title = _title("title", title)
    nrows = -(-len(images) // ncols)
    fig, ax = plt.subplots(figsize=(cell * ncols, cell * nrows + (0.4 if title else 0)))
    ax.imshow(np.clip(canvas, 0, 1), cmap="gray", vmin=0, vmax=1)
    ax.set_xticks([]), ax.set_yticks([])
    if title:
        ax.set_title(title)
    fig.tight_layout()
    return fig
