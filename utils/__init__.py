"""The lesson library of the autoencoders course: the tested pieces the notebooks import.

Import the pieces you need (``from utils import config, data, models``); importing
``utils`` itself is cheap and does not import Keras, so ``config.setup()`` can set the
backend and log level before TensorFlow loads.
"""

import os as _os

# Quiet TensorFlow before anything imports it (config.quiet_logs explains the levels).
_os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
_os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

__version__ = "0.1.0"

# The lesson library: what the notebooks import. The course's machinery (runner, bars'
# judge, results page, slides, website, assignments, launch links) is utils.machinery,
# which no module here and no notebook imports.
__all__ = ["config", "bars", "data", "models", "layers", "regularizers", "linalg", "metrics",
           "features", "fewlabels", "conv", "corrupt", "baselines", "optim", "plots", "report",
           "training", "watermark", "dekel", "tiling", "vae", "ood", "exercises", "pretrain"]
MACHINERY = ["runner", "bench", "judge", "results_page", "slides", "site", "assignments", "launch"]
