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
                    patience: int | None = 8, target_train=None, target_val=None,
                    label: str = "",
                    print_every: int | None = None, shuffle: bool = True):
    """Fit ``model`` to reproduce its input, early-stopped on the validation loss.

    The best weights (lowest validation loss) are restored at the end; ``patience=None``
    trains for exactly ``epochs`` epochs instead (a fixed budget) and keeps the last weights.
    ``target_*`` replace the targets when they differ from the inputs (e.g. clean images for
    a denoiser).

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
    callbacks = [EpochLine(every=every, label=label or model.name)]
    if patience is not None:
        if isinstance(patience, bool) or not isinstance(patience, int) or patience < 0:
            raise ValueError(f"patience is {patience!r}; expected a non-negative integer or "
                             "None (no early stopping).")
        callbacks.insert(0, keras.callbacks.EarlyStopping(
            monitor="val_loss", patience=patience, restore_best_weights=True))
    return model.fit(x_train, y_train, validation_data=(x_val, y_val), epochs=epochs,
                     batch_size=batch_size, shuffle=shuffle, verbose=0, callbacks=callbacks)


def steps_per_epoch(n_examples: int, batch_size: int) -> int:
    """Optimisation steps in one epoch over ``n_examples`` (the last batch may be short)."""
    if n_examples < 1 or batch_size < 1:
        raise ValueError(f"n_examples is {n_examples} and batch_size {batch_size}; expected "
                         "both positive.")
    return -(-n_examples // batch_size)


def train_greedy_layerwise(x_train, x_val, sizes, *, epochs_per_layer: int, batch_size: int = 128,
                           learning_rate: float = 1e-3, activation="relu", code_activation=None,
                           output_activation="sigmoid"):
    """Greedy layer-wise pretraining: one shallow autoencoder per layer, then stack them.

    Layer ``i`` is trained as a one-hidden-layer autoencoder on the codes of layers
    ``0..i-1`` for ``epochs_per_layer`` epochs (a fixed budget, no early stopping). The
    trained encoders and decoders are then copied into a stacked autoencoder built by
    ``models.build_stacked_autoencoder`` (not compiled: fine-tune it yourself).

    Returns:
        ``(parts, steps)``: the stacked ``Autoencoder`` and the optimisation steps spent.
    """
    from . import models

    if len(x_train) == 0 or len(x_val) == 0:
        raise ValueError(f"x_train has {len(x_train)} and x_val {len(x_val)} examples; "
                         "expected at least one each.")
    input_shape = tuple(x_train.shape[1:])
    sizes = models._check_sizes(sizes)
    h_train = x_train.reshape(len(x_train), -1)
    h_val = x_val.reshape(len(x_val), -1)
    enc_weights, dec_weights, steps = [], [], 0
    for i, width in enumerate(sizes):
        last = i == len(sizes) - 1
        shallow = models.build_dense_autoencoder(
            (h_train.shape[1],), width, hidden=(),
            code_activation=code_activation if last else activation,
            output_activation=output_activation if i == 0 else activation,
            name=f"greedy_layer_{i}")
        shallow.autoencoder.compile(optimizer=keras.optimizers.Adam(learning_rate), loss="mse")
        fit_autoencoder(shallow.autoencoder, h_train, h_val, epochs=epochs_per_layer,
                        batch_size=batch_size, patience=None, label=f"greedy layer {i}")
        steps += epochs_per_layer * steps_per_epoch(len(h_train), batch_size)
        enc_weights.append(shallow.encoder.get_layer("code").get_weights())
        dec_weights.append(shallow.decoder.get_layer("reconstruction").get_weights())
        # direct calls: a predict() per stage would trace a new function each time
        h_train = keras.ops.convert_to_numpy(shallow.encoder(h_train, training=False))
        h_val = keras.ops.convert_to_numpy(shallow.encoder(h_val, training=False))

    parts = models.build_stacked_autoencoder(
        input_shape, sizes, activation=activation, code_activation=code_activation,
        output_activation=output_activation, name="greedy_stacked_ae")
    n = len(sizes)
    for i in range(n - 1):
        parts.encoder.get_layer(f"enc_{i}").set_weights(enc_weights[i])
    parts.encoder.get_layer("code").set_weights(enc_weights[-1])
    for j in range(n - 1):
        parts.decoder.get_layer(f"dec_{j}").set_weights(dec_weights[n - 1 - j])
    parts.decoder.get_layer("reconstruction").set_weights(dec_weights[0])
    return parts, steps


def fit_on_fresh_data(model: keras.Model, make_round, *, rounds: int, batch_size: int,
                      label: str = "", print_every: int = 1) -> list[float]:
    """Train ``model`` for ``rounds`` passes, each over freshly made data, so no example is
    seen twice (notebook 05 draws new patches and new watermarks every round).

    ``make_round(r)`` returns ``(x, y, sample_weight)`` for round ``r`` (seed it with ``r``
    for a reproducible run). Keep the optimizer's learning-rate schedule in steps: its step
    counter runs on across rounds. Prints one line per ``print_every`` rounds; returns the
    mean training loss of each round.
    """
    for name, v in (("rounds", rounds), ("batch_size", batch_size), ("print_every", print_every)):
        if isinstance(v, bool) or not isinstance(v, int) or v < 1:
            raise ValueError(f"{name} is {v!r}; expected a positive integer.")
    t0, losses = time.perf_counter(), []
    for r in range(rounds):
        x, y, sw = make_round(r)
        hist = model.fit(x, y, sample_weight=sw, batch_size=batch_size, epochs=1, shuffle=True,
                         verbose=0)
        logs = {k: v[-1] for k, v in hist.history.items()}
        losses.append(float(logs["loss"]))
        if (r + 1) % print_every == 0 or r + 1 == rounds:
            parts = "  ".join(f"{k} {v:.4g}" for k, v in logs.items() if k.endswith("loss"))
            prefix = f"{label}: " if label else ""
            print(f"{prefix}round {r + 1}/{rounds}, {len(x)} fresh examples  {parts}  "
                  f"({time.perf_counter() - t0:.0f} s)", flush=True)
    return losses
