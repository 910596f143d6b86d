"""Training helpers: a one-line-per-epoch progress callback and an early-stopped fit."""

from __future__ import annotations

import time

import keras


class EpochLine(keras.callbacks.Callback):
    """Print one short line every ``every`` epochs (and at the last): loss, val_loss, time."""

    def __init__(self, every: int = 1, label: str = ""):
        super().__init__()
        if isinstance(every, bool) or not isinstance(every, int) or every < 1:
            raise ValueError(f"every is {every!r}; expected a positive integer.")
        self.every, self.label = every, label
        self._t0 = None

    def on_train_begin(self, logs=None):
        self._t0 = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        total = self.params.get("epochs") if self.params else None
        last = total is not None and epoch + 1 == total
        if (epoch + 1) % self.every and not last and not self.model.stop_training:
            return
        parts = [f"{k} {v:.4g}" for k, v in logs.items() if k.endswith("loss")]
        prefix = f"{self.label}: " if self.label else ""
        of = f"/{total}" if total else ""
        print(f"{prefix}epoch {epoch + 1}{of}  " + "  ".join(parts)
              + f"  ({time.perf_counter() - self._t0:.0f} s)", flush=True)


def fit_autoencoder(model: keras.Model, x_train, x_val, *, epochs: int, batch_size: int = 128,
                    patience: int = 8, target_train=None, target_val=None, label: str = "",
                    print_every: int | None = None, shuffle: bool = True):
    """Fit ``model`` to reproduce its input, early-stopped on the validation loss.

    The best weights (lowest validation loss) are restored at the end. ``target_*`` replace
    the targets when they differ from the inputs (e.g. clean images for a denoiser).

    Returns the Keras ``History``.
    """
    if isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 1:
        raise ValueError(f"epochs is {epochs!r}; expected a positive integer.")
    if len(x_train) == 0 or len(x_val) == 0:
        raise ValueError(f"x_train has {len(x_train)} and x_val {len(x_val)} examples; "
                         "expected at least one each.")
    y_train = x_train if target_train is None else target_train
    y_val = x_val if target_val is None else target_val
    every = print_every or max(1, epochs // 5)
    callbacks = [keras.callbacks.EarlyStopping(monitor="val_loss", patience=patience,
                                               restore_best_weights=True),
                 EpochLine(every=every, label=label or model.name)]
    return model.fit(x_train, y_train, validation_data=(x_val, y_val), epochs=epochs,
                     batch_size=batch_size, shuffle=shuffle, verbose=0, callbacks=callbacks)
