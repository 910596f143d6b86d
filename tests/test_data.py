import gzip
import hashlib
import http.server
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
    with pytest.raises(ValueError, match="n_test is 5000 but the test split has only 1000"):
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
    assert len(out) == 1 and "using the embedded MNIST subset" in out[0]


def test_fashion_auto_falls_back_to_embedded_digits(keras_home, offline, capsys):
    ds = data.load_fashion_mnist("auto")
    assert ds.source == "embedded"
    assert "fashion_mnist not available" in capsys.readouterr().out


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


def test_download_rejects_bad_timeout(tmp_path):
    with pytest.raises(ValueError, match="timeout is 0"):
        data.download("http://127.0.0.1:1/x", tmp_path / "x", timeout=0)


def test_loader_name_mismatch(keras_home, offline):
    with pytest.raises(ValueError, match="source is 'mnist' but this loader reads 'fashion_mnist'"):
        data.load_fashion_mnist("mnist")
