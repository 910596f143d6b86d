"""Shared, tested library of the autoencoders course.

Import the pieces you need (``from utils import config, data, models``); importing
``utils`` itself is cheap and does not import Keras, so ``config.setup()`` can set the
backend and log level before TensorFlow loads.
"""

import os as _os

# Quiet TensorFlow before anything imports it (config.quiet_logs explains the levels).
_os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
_os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

__version__ = "0.1.0"

__all__ = ["config", "data", "models", "layers", "regularizers", "linalg", "metrics",
           "features", "fewlabels", "conv", "corrupt", "baselines", "optim", "plots", "report",
           "training", "course", "watermark", "dekel", "tiling", "vae", "slides", "ood",
           "assignments", "launch", "site"]
