"""Figures the notebooks share: image grids, before/after rows, curves, 2-D code maps.

Every function returns the Matplotlib figure; the notebook ends its cell with
``plt.show()``.
"""

from __future__ import annotations

from typing import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np


def _images(name: str, x) -> np.ndarray:
    x = np.asarray(x)
    if x.ndim == 4 and x.shape[-1] == 1:
        x = x[..., 0]
    if x.ndim not in (3, 4) or (x.ndim == 4 and x.shape[-1] not in (3, 4)):
        raise ValueError(f"{name} has shape {x.shape}; expected images (N, H, W), "
                         "(N, H, W, 1) or (N, H, W, 3).")
    return x


def image_rows(rows: Mapping[str, Sequence], n: int = 8, *, cell: float = 1.1,
               title: str | None = None):
    """One row of ``n`` images per entry of ``rows`` ({"input": x, "reconstruction": r})."""
    if not rows:
        raise ValueError("rows is empty; expected a mapping of row label -> images.")
    arrays = {label: _images(f"rows[{label!r}]", imgs) for label, imgs in rows.items()}
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
    """A grid of images. ``symmetric`` scales each image to ±max|value| (for filters)."""
    imgs = _images("images", images)
    if isinstance(ncols, bool) or not isinstance(ncols, int) or ncols < 1:
        raise ValueError(f"ncols is {ncols!r}; expected a positive integer.")
    if titles is not None and len(titles) != len(imgs):
        raise ValueError(f"titles has {len(titles)} entries for {len(imgs)} images.")
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
    """Loss curves of one or more Keras ``History`` objects (or their ``.history`` dicts)."""
    if not histories:
        raise ValueError("histories is empty; expected a mapping of label -> History.")
    fig, ax = plt.subplots(figsize=(6, 3.5))
    for label, hist in histories.items():
        h = getattr(hist, "history", hist)
        for key in keys:
            if key not in h:
                raise ValueError(f"history {label!r} has no {key!r}; it has {sorted(h)}.")
            ax.plot(np.arange(1, len(h[key]) + 1), h[key],
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
    codes, labels = np.asarray(codes), np.asarray(labels)
    if codes.ndim != 2 or codes.shape[1] != 2:
        raise ValueError(f"codes has shape {codes.shape}; expected (N, 2).")
    if labels.shape != (len(codes),):
        raise ValueError(f"labels has shape {labels.shape}; expected ({len(codes)},).")
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
    x = np.asarray(x)
    errors = errors or {}
    unknown = sorted(set(errors) - set(series))
    if unknown:
        raise ValueError(f"errors has labels {unknown} that are not in series {list(series)}.")
    fig, ax = plt.subplots(figsize=(5.5, 3.5))
    for label, ys in series.items():
        ys = np.asarray(ys)
        if ys.shape != x.shape:
            raise ValueError(f"series {label!r} has {ys.shape} values for {x.shape} x values.")
        if label in errors:
            err = np.asarray(errors[label])
            if err.shape != x.shape:
                raise ValueError(f"errors[{label!r}] has {err.shape} values for {x.shape} "
                                 "x values.")
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
    if not samples:
        raise ValueError("samples is empty; expected a mapping of label -> values.")
    arrays = {k: np.asarray(v, dtype=float).ravel() for k, v in samples.items()}
    for k, v in arrays.items():
        if len(v) == 0:
            raise ValueError(f"samples[{k!r}] is empty.")
    if range_ is None:
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


def mosaic(images, ncols: int, *, cell: float = 0.4, title: str | None = None,
           gap: int = 1):
    """Many small images tiled into one picture (one ``imshow``: fast for hundreds of
    images), e.g. a VAE's decoded latent grid. Row-major; grey-level images in [0, 1]."""
    imgs = _images("images", images)
    if imgs.ndim != 3:
        raise ValueError(f"images has shape {np.shape(images)}; expected grey-level images.")
    if isinstance(ncols, bool) or not isinstance(ncols, int) or ncols < 1:
        raise ValueError(f"ncols is {ncols!r}; expected a positive integer.")
    n, h, w = imgs.shape
    nrows = int(np.ceil(n / ncols))
    canvas = np.full((nrows * (h + gap) - gap, ncols * (w + gap) - gap), 0.5)
    for i, img in enumerate(imgs):
        r, c = divmod(i, ncols)
        canvas[r * (h + gap):r * (h + gap) + h, c * (w + gap):c * (w + gap) + w] = img
    fig, ax = plt.subplots(figsize=(cell * ncols, cell * nrows + (0.4 if title else 0)))
    ax.imshow(np.clip(canvas, 0, 1), cmap="gray", vmin=0, vmax=1)
    ax.set_xticks([]), ax.set_yticks([])
    if title:
        ax.set_title(title)
    fig.tight_layout()
    return fig
