import gzip
import hashlib
import http.client
import http.server
import os
import re
import socket
import threading
import time
from functools import partial

import numpy as np
import pytest

from utils import data


def _fake_mnist(path, n_train=60, n_test=20, seed=0):
    rng = np.random.default_rng(seed)
    np.savez(path, x_train=rng.integers(0, 256, (n_train, 28, 28), dtype=np.uint8),
             y_train=rng.integers(0, 10, n_train, dtype=np.uint8),
             x_test=rng.integers(0, 256, (n_test, 28, 28), dtype=np.uint8),
             y_test=rng.integers(0, 10, n_test, dtype=np.uint8))
    return path


def _closed_port_url():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/mnist.npz"


@pytest.fixture
def file_server(tmp_path):
    """Serve tmp_path/'served' over HTTP on loopback; yields (folder, base_url)."""
    folder = tmp_path / "served"
    folder.mkdir()
    handler = partial(http.server.SimpleHTTPRequestHandler, directory=str(folder))
    handler.log_message = lambda *a, **k: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield folder, f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture
def offline(monkeypatch):
    """Point the download at a closed loopback port: fails at once, like no network."""
    monkeypatch.setattr(data, "MNIST_URL", _closed_port_url())
    monkeypatch.setattr(data, "KERAS_ORIGIN", _closed_port_url().rsplit("/", 1)[0] + "/")


@pytest.fixture
def no_opener(monkeypatch):
    """Fail the test if anything tries to download: these cases must never need the network."""
    def opener(url, timeout):
        raise AssertionError(f"tried to download {url}")
    monkeypatch.setattr(data, "_open_url", opener)


# ------------------------------------------------------------------------- embedded --
def test_embedded_split_shapes_values_and_sizes():
    ds = data.load_embedded_mnist()
    assert ds.source == "embedded"
    for x, y, n in ((ds.x_train, ds.y_train, 3500), (ds.x_val, ds.y_val, 500),
                    (ds.x_test, ds.y_test, 1000)):
        assert x.shape == (n, 28, 28, 1) and x.dtype == np.float32
        assert y.shape == (n,) and y.dtype == np.int64
        assert 0.0 <= x.min() and x.max() <= 1.0
    assert np.bincount(ds.y_test).tolist() == [100] * 10
    assert np.bincount(ds.y_val).tolist() == [50] * 10
    assert np.bincount(ds.y_train).tolist() == [350] * 10


def test_embedded_split_is_disjoint_and_fixed():
    a, b = data.load_embedded_mnist(), data.load_embedded_mnist()
    np.testing.assert_array_equal(a.x_test, b.x_test)
    flat = lambda x: {row.tobytes() for row in x.reshape(len(x), -1)}
    assert not flat(a.x_train) & flat(a.x_test)
    assert not flat(a.x_val) & flat(a.x_test)
    assert not flat(a.x_train) & flat(a.x_val)


def test_embedded_first_images_are_shuffled_classes():
    ds = data.load_embedded_mnist()
    assert len(np.unique(ds.y_train[:100])) == 10


def test_subset_takes_prefixes_and_validates():
    ds = data.load_embedded_mnist()
    sub = ds.subset(n_train=100, n_test=50)
    assert len(sub.x_train) == 100 and len(sub.x_val) == 500 and len(sub.x_test) == 50
    np.testing.assert_array_equal(sub.x_train, ds.x_train[:100])
    with pytest.raises(ValueError, match="n_train is 0"):
        ds.subset(n_train=0)
    with pytest.raises(ValueError, match="n_test is 5000 but the test split of 'embedded' has only 1000"):
        ds.subset(n_test=5000)


def test_flatten():
    x = np.zeros((3, 28, 28, 1), np.float32)
    assert data.flatten(x).shape == (3, 784)
    with pytest.raises(ValueError, match=r"x has shape \(3, 784\)"):
        data.flatten(np.zeros((3, 784)))


def test_unknown_source_is_a_clear_error():
    with pytest.raises(ValueError, match="source is 'kaggle'.*expected one of"):
        data.load_mnist("kaggle")


# ------------------------------------------------------------------- keras cache --
def test_cached_mnist_file_is_used_with_mnist_and_auto(keras_home, offline, capsys):
    _fake_mnist(keras_home / "datasets" / "mnist.npz", n_train=60, n_test=20)
    for source in ("mnist", "auto"):
        ds = data.load_mnist(source)
        assert ds.source == "mnist"
        assert len(ds.x_train) + len(ds.x_val) == 60 and len(ds.x_test) == 20
        assert ds.x_train.shape[1:] == (28, 28, 1) and ds.x_train.dtype == np.float32
        assert ds.x_train.max() <= 1.0
    assert "Loaded Split(source='mnist'" in capsys.readouterr().out


def test_corrupt_cache_file_says_what_to_do(keras_home, offline):
    (keras_home / "datasets" / "mnist.npz").write_bytes(b"not a zip file")
    for source in ("mnist", "auto"):
        with pytest.raises(data.DataError, match="mnist.npz is unreadable.*Delete"):
            data.load_mnist(source)


def test_cache_with_wrong_shapes_is_rejected(keras_home, offline):
    np.savez(keras_home / "datasets" / "mnist.npz", x_train=np.zeros((5, 32, 32), np.uint8),
             y_train=np.zeros(5, np.uint8), x_test=np.zeros((2, 28, 28), np.uint8),
             y_test=np.zeros(2, np.uint8))
    with pytest.raises(data.DataError, match=r"shape \(5, 32, 32\).*expected \(N, 28, 28\)"):
        data.load_mnist("mnist")


def test_fashion_mnist_from_cached_files(keras_home, offline):
    folder = keras_home / "datasets" / "fashion-mnist"
    folder.mkdir()
    rng = np.random.default_rng(1)
    for prefix, n in (("train", 40), ("t10k", 10)):
        labels = rng.integers(0, 10, n, dtype=np.uint8)
        images = rng.integers(0, 256, (n, 28, 28), dtype=np.uint8)
        with gzip.open(folder / f"{prefix}-labels-idx1-ubyte.gz", "wb") as f:
            f.write(b"\0" * 8 + labels.tobytes())
        with gzip.open(folder / f"{prefix}-images-idx3-ubyte.gz", "wb") as f:
            f.write(b"\0" * 16 + images.tobytes())
    ds = data.load_fashion_mnist("fashion_mnist")
    assert ds.source == "fashion_mnist" and ds.class_names[0] == "T-shirt/top"
    assert len(ds.x_test) == 10 and len(ds.x_train) + len(ds.x_val) == 40
    assert data.load("fashion_mnist").source == "fashion_mnist"


# ---------------------------------------------------------------- download / offline --
def test_download_path_fetches_into_the_keras_cache(keras_home, file_server, monkeypatch):
    folder, base = file_server
    fake = _fake_mnist(folder / "mnist.npz")
    monkeypatch.setattr(data, "MNIST_URL", base + "mnist.npz")
    monkeypatch.setattr(data, "MNIST_SHA256", hashlib.sha256(fake.read_bytes()).hexdigest())
    ds = data.load_mnist("mnist")
    assert ds.source == "mnist"
    assert (keras_home / "datasets" / "mnist.npz").read_bytes() == fake.read_bytes()


def test_download_with_wrong_hash_keeps_nothing(keras_home, file_server, monkeypatch):
    folder, base = file_server
    _fake_mnist(folder / "mnist.npz")
    monkeypatch.setattr(data, "MNIST_URL", base + "mnist.npz")
    monkeypatch.setattr(data, "MNIST_SHA256", "0" * 64)
    with pytest.raises(data.DataError, match="SHA-256"):
        data.load_mnist("mnist")
    assert list((keras_home / "datasets").iterdir()) == []


def test_no_network_with_source_mnist_fails_fast_and_says_what_to_do(keras_home, offline):
    t0 = time.perf_counter()
    with pytest.raises(data.DataError, match="AE_DATA=auto or AE_DATA=embedded"):
        data.load_mnist("mnist")
    assert time.perf_counter() - t0 < 10


def test_auto_falls_back_to_embedded_with_one_line(keras_home, offline, capsys):
    ds = data.load_mnist("auto")
    assert ds.source == "embedded"
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1 and "using the MNIST digits shipped with the course" in out[0]
    assert "urlopen" not in out[0] and "Errno" not in out[0]   # no raw network error


def test_fashion_auto_falls_back_to_embedded_digits(keras_home, offline, capsys):
    ds = data.load_fashion_mnist("auto")
    assert ds.source == "embedded"
    assert "fashion_mnist is not on this machine" in capsys.readouterr().out


def test_a_silent_server_times_out_within_the_timeout(tmp_path):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)  # accepts the connection, never answers
    try:
        url = f"http://127.0.0.1:{listener.getsockname()[1]}/mnist.npz"
        t0 = time.perf_counter()
        with pytest.raises(data.DataError):
            data.download(url, tmp_path / "x.npz", timeout=0.5)
        assert time.perf_counter() - t0 < 5
    finally:
        listener.close()


@pytest.mark.parametrize("timeout, error, match", [
    (0, ValueError, "timeout is 0"), (-1.0, ValueError, "timeout is -1"),
    (float("nan"), ValueError, "timeout is NaN"), (True, TypeError, "timeout is True"),
    ("5", TypeError, "timeout is '5'"),
])
def test_download_rejects_bad_timeout(tmp_path, no_opener, timeout, error, match):
    with pytest.raises(error, match=match):
        data.download("http://127.0.0.1:1/x", tmp_path / "x", timeout=timeout)
    assert list(tmp_path.iterdir()) == []


def test_loader_name_mismatch(keras_home, offline):
    with pytest.raises(ValueError, match="source is 'mnist' but this loader reads 'fashion_mnist'"):
        data.load_fashion_mnist("mnist")


# ------------------------------------------------- what a cached file must hold --
def _valid_mnist_arrays(n_train=60, n_test=20, seed=0):
    rng = np.random.default_rng(seed)
    return dict(x_train=rng.integers(0, 256, (n_train, 28, 28), dtype=np.uint8),
                y_train=rng.integers(0, 10, n_train, dtype=np.uint8),
                x_test=rng.integers(0, 256, (n_test, 28, 28), dtype=np.uint8),
                y_test=rng.integers(0, 10, n_test, dtype=np.uint8))


def _bad_mnist_cases():
    ok = _valid_mnist_arrays()
    x01 = ok["x_train"].astype(np.float32) / 255  # already scaled: would be divided twice
    x16 = ok["x_train"].astype(np.uint16)
    x16[0, 0, 0] = 257
    neg = ok["x_test"].astype(np.int16)
    neg[0, 0, 0] = -1
    y10 = ok["y_test"].copy()
    y10[0] = 10
    return [
        ("float images in [0, 1]", dict(x_train=x01), r"training images of dtype float32; "
                                                     r"expected uint8"),
        ("uint16 pixels above 255", dict(x_train=x16), r"training pixels in \[0, 257\]"),
        ("negative pixels", dict(x_test=neg), r"test pixels in \[-1, "),
        ("float labels", dict(y_train=ok["y_train"] + 0.5),
         r"training labels of dtype float64; expected integer class labels"),
        ("label 10", dict(y_test=y10), r"test labels in \[0, 10\]; expected classes 0\.\.9"),
        ("one image", dict(x_train=ok["x_train"][:1], y_train=ok["y_train"][:1]),
         r"holds 1 training images; expected at least 10"),
        ("no test image", dict(x_test=ok["x_test"][:0], y_test=ok["y_test"][:0]),
         r"holds 0 test images; expected at least 1"),
        ("a label missing", dict(y_train=ok["y_train"][:-1]), r"labels of shape \(59,\)"),
    ]


@pytest.mark.parametrize("overrides, problem", [c[1:] for c in _bad_mnist_cases()],
                         ids=[c[0] for c in _bad_mnist_cases()])
def test_cached_mnist_with_wrong_contents_is_a_cache_error(keras_home, no_opener,
                                                           overrides, problem):
    """Before: float images were divided by 255 again, uint16 pixels reached 257 / 255,
    float labels were truncated, a one-image file gave an empty training split."""
    path = keras_home / "datasets" / "mnist.npz"
    np.savez(path, **{**_valid_mnist_arrays(), **overrides})
    for source in ("mnist", "auto"):  # auto does not hide a broken cache either
        with pytest.raises(data.CacheError) as info:
            data.load_mnist(source, verbose=False)
        message = str(info.value)
        assert re.search(problem, message), message
        assert str(path) in message and "Delete" in message and "AE_DATA=embedded" in message


def test_cached_mnist_with_other_integer_dtypes_loads_the_same(keras_home, no_opener):
    """Pixels 0..255 and labels 0..9 in int64 give exactly what uint8 gives."""
    arrays = _valid_mnist_arrays()
    np.savez(keras_home / "datasets" / "mnist.npz", **arrays)
    a = data.load_mnist("mnist", verbose=False)
    np.savez(keras_home / "datasets" / "mnist.npz",
             **{k: v.astype(np.int64) for k, v in arrays.items()})
    b = data.load_mnist("mnist", verbose=False)
    for name in ("x_train", "y_train", "x_val", "y_val", "x_test", "y_test"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name))


def test_keras_split_is_unchanged(keras_home, no_opener):
    """The fixed Keras split: the last tenth of a small training file validates, the rest
    and the test images are shuffled with seed 12345, pixels / 255."""
    arrays = _valid_mnist_arrays(n_train=60, n_test=20)
    np.savez(keras_home / "datasets" / "mnist.npz", **arrays)
    ds = data.load_mnist("mnist", verbose=False)
    rng = np.random.default_rng(12345)
    tr, te = rng.permutation(54), rng.permutation(20)
    np.testing.assert_array_equal(ds.x_train[..., 0], arrays["x_train"][tr] / np.float32(255))
    np.testing.assert_array_equal(ds.y_train, arrays["y_train"][tr])
    np.testing.assert_array_equal(ds.x_val[..., 0], arrays["x_train"][54:] / np.float32(255))
    np.testing.assert_array_equal(ds.y_test, arrays["y_test"][te])
    assert ds.y_train.dtype == np.int64 and ds.x_test.dtype == np.float32


def _write_fashion(folder, n_train=40, n_test=10, train_labels=None, test_labels=None):
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(1)
    for prefix, n, labels in (("train", n_train, train_labels), ("t10k", n_test, test_labels)):
        labels = rng.integers(0, 10, n, dtype=np.uint8) if labels is None else labels
        images = rng.integers(0, 256, (n, 28, 28), dtype=np.uint8)
        with gzip.open(folder / f"{prefix}-labels-idx1-ubyte.gz", "wb") as f:
            f.write(b"\0" * 8 + np.asarray(labels, np.uint8).tobytes())
        with gzip.open(folder / f"{prefix}-images-idx3-ubyte.gz", "wb") as f:
            f.write(b"\0" * 16 + images.tobytes())


@pytest.mark.parametrize("kwargs, file, problem", [
    (dict(train_labels=np.full(40, 12)), "train-labels", r"training labels in \[12, 12\]"),
    (dict(n_test=0), "t10k-images", r"holds 0 test images; expected at least 1"),
    (dict(n_train=1), "train-images", r"holds 1 training images; expected at least 10"),
], ids=["label 12", "no test image", "one training image"])
def test_cached_fashion_mnist_with_wrong_contents_is_a_cache_error(keras_home, no_opener,
                                                                   kwargs, file, problem):
    _write_fashion(keras_home / "datasets" / "fashion-mnist", **kwargs)
    with pytest.raises(data.CacheError, match=problem + r".*Delete .*AE_DATA=embedded") as info:
        data.load_fashion_mnist("fashion_mnist", verbose=False)
    assert file in str(info.value)


# --------------------------------------------------------- an unusable Keras home --
def test_keras_home_that_is_a_file_falls_back_in_auto(tmp_path, monkeypatch, no_opener, capsys):
    """Before: auto raised NotADirectoryError from mkdir instead of falling back."""
    home = tmp_path / "keras_home"
    home.write_text("not a folder")
    monkeypatch.setenv("KERAS_HOME", str(home))
    for load in (data.load_mnist, data.load_fashion_mnist):
        ds = load("auto")
        assert ds.source == "embedded"
        out = capsys.readouterr().out.strip().splitlines()
        assert len(out) == 1 and "is a file, not a folder" in out[0]
        assert "using the MNIST digits shipped with the course" in out[0]
    with pytest.raises(data.DataError, match="is a file, not a folder.*KERAS_HOME") as info:
        data.load_mnist("mnist")
    assert not isinstance(info.value, data.CacheError)
    assert home.read_text() == "not a folder"


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0,
                    reason="root writes through permission bits")
def test_read_only_keras_cache_falls_back_in_auto(keras_home, no_opener, capsys):
    cache = keras_home / "datasets"
    cache.chmod(0o500)
    try:
        assert data.load_mnist("auto").source == "embedded"
        assert "not writable" in capsys.readouterr().out
        with pytest.raises(data.DataError, match="not writable"):
            data.load_mnist("mnist")
    finally:
        cache.chmod(0o700)


# ------------------------------------------------------------ a broken transfer --
class _BreaksOff:
    """A response that sends one chunk, then loses the connection (IncompleteRead)."""

    def __init__(self):
        self.reads, self.closed = 0, False

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.closed = True

    def close(self):
        self.closed = True

    def read(self, n=-1):
        self.reads += 1
        if self.reads == 1:
            return b"x" * 100
        raise http.client.IncompleteRead(b"", 1000)


def test_download_that_breaks_off_keeps_nothing(tmp_path, monkeypatch):
    """Before: IncompleteRead (not an OSError) escaped and left the .part file behind."""
    response = _BreaksOff()
    monkeypatch.setattr(data, "_open_url", lambda url, timeout: response)
    folder = tmp_path / "dl"
    with pytest.raises(data.DataError, match="broke off.*IncompleteRead"):
        data.download("http://example.invalid/mnist.npz", folder / "mnist.npz", timeout=1)
    assert response.reads == 2 and response.closed
    assert list(folder.iterdir()) == []


def test_auto_falls_back_when_the_download_breaks_off(keras_home, monkeypatch, capsys):
    monkeypatch.setattr(data, "_open_url", lambda url, timeout: _BreaksOff())
    assert data.load_mnist("auto").source == "embedded"
    assert "broke off" in capsys.readouterr().out
    assert list((keras_home / "datasets").iterdir()) == []


# ------------------------------------------------------------ one loader per set --
def test_load_mnist_does_not_load_fashion_mnist(no_opener):
    """Before: load_mnist('fashion_mnist') silently returned Fashion-MNIST."""
    with pytest.raises(ValueError, match="source is 'fashion_mnist'.*load_fashion_mnist"):
        data.load_mnist("fashion_mnist")


def test_one_list_of_sources():
    from utils import config

    assert data.SOURCES is config.DATA_SOURCES
    assert set(data.MNIST_SOURCES) | set(data.FASHION_SOURCES) == set(config.DATA_SOURCES)


def test_synthetic_mnist_cache_loads_as_keras_mnist(keras_home):
    """The offline stand-in for mnist.npz: Keras's keys and dtypes, no test digit copied
    into training, and full mode's 3,500 / 500 / 1,000 taken from it."""
    from utils import config

    path = data.write_synthetic_mnist(keras_home / "datasets" / "mnist.npz", n_train=6000,
                                      n_test=300, seed=1)
    with np.load(path) as f:
        assert f["x_train"].shape == (6000, 28, 28) and f["x_train"].dtype == np.uint8
        assert f["y_test"].shape == (300,) and f["y_test"].dtype == np.uint8
        x_test = f["x_test"]
    split = data.load_mnist("mnist", verbose=False)
    assert split.source == "mnist" and len(split.x_val) == 600 and len(split.x_test) == 300
    images, _ = data._embedded_arrays()
    _, _, te = data._stratified_split(data._embedded_arrays()[1], data.EMBEDDED_SPLIT_SEED)
    test_digits = {images[j].tobytes() for j in te}
    # Keras's validation part (the last 600 of 6,000 here) copies only embedded validation digits
    tr, va, te = data._stratified_split(data._embedded_arrays()[1], data.EMBEDDED_SPLIT_SEED)
    with np.load(path) as f:
        val_part = f["x_train"][-600:]
    val_digits = {images[j].tobytes() for j in va}
    assert all(any(np.roll(x, (dy, dx), axis=(0, 1)).tobytes() in val_digits
                   for dy in range(-2, 3) for dx in range(-2, 3)) for x in val_part[:30])
    # every test image is a shifted copy of an embedded *test* digit
    unshift = [any(np.roll(x, (dy, dx), axis=(0, 1)).tobytes() in test_digits
                   for dy in range(-2, 3) for dx in range(-2, 3)) for x in x_test[:50]]
    assert all(unshift)
    sub = split.subset(config.FULL_TRAIN, config.FULL_VAL, 300)
    assert len(sub.x_train) == 3500 and sub.x_train.max() <= 1.0
    with pytest.raises(ValueError, match="max_shift"):
        data.write_synthetic_mnist(keras_home / "x.npz", max_shift=5)


def _fake_deeplearning_pickle(path, sizes=(50000, 10000, 10000), scale=256):
    import gzip
    import pickle

    rng = np.random.default_rng(0)
    parts = []
    for n in sizes:  # zeros but for the first 50 images: quick to write and to compress
        x = np.zeros((n, 784), np.float32)
        x[:50] = rng.integers(0, 256, (50, 784)) / scale
        parts.append((x, rng.integers(0, 10, n).astype(np.int64)))
    parts = tuple(parts)
    with gzip.open(path, "wb") as f:
        pickle.dump(parts, f)
    return parts


def test_mnist_npz_from_pickle_gives_kerass_split_exactly(tmp_path, keras_home):
    parts = _fake_deeplearning_pickle(tmp_path / "mnist.pkl.gz")
    dest = data.mnist_npz_from_pickle(tmp_path / "mnist.pkl.gz",
                                      keras_home / "datasets" / "mnist.npz")
    with np.load(dest) as f:
        assert f["x_train"].dtype == np.uint8 and f["x_train"].shape == (60000, 28, 28)
        assert np.array_equal(f["x_train"][50000:].reshape(-1, 784) / 256, parts[1][0])
        assert np.array_equal(f["y_test"], parts[2][1])
    split = data.load_mnist("mnist", verbose=False)  # the course's own cache checks pass
    assert len(split.x_val) == 5000 and len(split.x_test) == 10000


def test_mnist_npz_from_pickle_refuses_what_is_not_deeplearning_nets_file(tmp_path):
    _fake_deeplearning_pickle(tmp_path / "small.pkl.gz", sizes=(500, 100, 100))
    with pytest.raises(data.DataError, match=r"training part has images \(500, 784\)"):
        data.mnist_npz_from_pickle(tmp_path / "small.pkl.gz", tmp_path / "m.npz")
    _fake_deeplearning_pickle(tmp_path / "scaled.pkl.gz", scale=255)
    with pytest.raises(data.DataError, match="multiples of 1/256"):
        data.mnist_npz_from_pickle(tmp_path / "scaled.pkl.gz", tmp_path / "m.npz")
    assert not (tmp_path / "m.npz").exists()


def test_subset_larger_than_the_data_names_ae_max_train(monkeypatch):
    split = data.load_embedded_mnist()
    monkeypatch.setenv("AE_MAX_TRAIN", "10000")
    with pytest.raises(ValueError, match="n_train is 10000 .*has only 3500 examples .*"
                                         "AE_MAX_TRAIN"):
        split.subset(10000)


def test_one_per_class_picks_the_first_of_each_class_in_class_order():
    y = np.array([3, 1, 3, 0, 1, 2])
    assert data.one_per_class(y).tolist() == [3, 1, 5, 0]
    split = data.load_embedded_mnist()
    idx = data.one_per_class(split.y_test)
    assert split.y_test[idx].tolist() == list(range(10))
