"""Shared test set-up: fast mode, quiet TensorFlow, a headless Matplotlib, no network."""

import os

os.environ.setdefault("AE_MODE", "fast")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
os.environ.setdefault("MPLBACKEND", "Agg")

import pytest


@pytest.fixture
def keras_home(tmp_path, monkeypatch):
    """An empty Keras home in a temporary folder (its datasets/ cache is empty)."""
    home = tmp_path / "keras_home"
    (home / "datasets").mkdir(parents=True)
    monkeypatch.setenv("KERAS_HOME", str(home))
    return home
