"""Training helpers: a one-line-per-epoch progress callback and an early-stopped fit."""

from __future__ import annotations

import time

import keras
import numpy as np

from ._validate import (check_array, check_bool, check_callable, check_int,
                        check_int_sequence, check_model, check_real, check_same_shape,
                        check_seed, check_str)


class EpochLine(keras.callbacks.Callback):
    """Print one short line every ``every`` epochs (and at the last): loss, val_loss, time.

    Args:
        every: print every this many epochs (an integer >= 1).
        label: text in front of each line ("" for none).
    """

    def __init__(self, every: int = 1, label: str = ""):
        super().__init__()
        self.every = check_int("every", every, low=1)
        self.label = check_str("label", label, allow_empty=True)
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


def _data(name: str, value, ndim=None):
    """A finite array (dtype kept). A batch of images (rank 3 or 4) with values in [0, 255]
    that go above 1.5 is refused as unscaled 8-bit pixels (centred images, with negative
    values, pass; so does a rounding error just above 1)."""
    arr = check_array(name, value, ndim=ndim, dtype=None)
    if arr.ndim in (3, 4) and arr.size:
        lo, hi = float(arr.min()), float(arr.max())
        if lo >= 0 and 1.5 < hi <= 255:
            raise ValueError(f"{name} has values in [{lo:.3g}, {hi:.3g}]; expected images in "
                             "[0, 1] (8-bit pixels? divide by 255).")
    return arr


def _inputs(name_x: str, x, name_y: str, y):
    """``x`` and its target ``y`` (``None``: ``x`` itself) as finite arrays, same length."""
    x = _data(name_x, x)
    if y is None:
        return x, x
    y = _data(name_y, y)
    if len(y) != len(x):
        raise ValueError(f"{name_x} has {len(x)} examples and {name_y} {len(y)}; expected "
                         "one target per example.")
    return x, y


def fit_autoencoder(model: keras.Model, x_train, x_val, *, epochs: int, batch_size: int = 128,
                    patience: int | None = 8, target_train=None, target_val=None,
                    label: str = "",
                    print_every: int | None = None, shuffle: bool = True):
    """Fit ``model`` to reproduce its input, early-stopped on the validation loss.

    The best weights (lowest validation loss) are restored at the end; ``patience=None``
    trains for exactly ``epochs`` epochs instead (a fixed budget) and keeps the last weights.
    ``target_*`` replace the targets when they differ from the inputs (e.g. clean images for
    a denoiser).

    Args:
        model: a compiled ``keras.Model``.
        x_train, x_val: finite arrays with at least one example each and the same shape
            after the first axis; batches of images (rank 3 or 4) in [0, 1] or centred (a
            batch in 0..255 is refused: divide by 255).
        epochs: most epochs (>= 1). batch_size: >= 1. patience: >= 0, or None.
        target_train, target_val: targets (one per example), or None for the inputs.
        label: text in front of the progress lines (default: the model's name).
        print_every: print every this many epochs (default: about 5 lines in all).
        shuffle: shuffle the training examples every epoch.

    Returns the Keras ``History``.
    """
    check_model("model", model)
    x_train, y_train = _inputs("x_train", x_train, "target_train", target_train)
    x_val, y_val = _inputs("x_val", x_val, "target_val", target_val)
    check_same_shape("x_train", x_train, "x_val", x_val, axes=slice(1, None))
    check_same_shape("target_train", y_train, "target_val", y_val, axes=slice(1, None))
    epochs = check_int("epochs", epochs, low=1)
    batch_size = check_int("batch_size", batch_size, low=1)
    patience = check_int("patience", patience, low=0, allow_none=True)
    label = check_str("label", label, allow_empty=True)
    print_every = check_int("print_every", print_every, low=1, allow_none=True)
    shuffle = check_bool("shuffle", shuffle)
    every = print_every or max(1, epochs // 5)
    callbacks = [EpochLine(every=every, label=label or model.name)]
    if patience is not None:
        callbacks.insert(0, keras.callbacks.EarlyStopping(
            monitor="val_loss", patience=patience, restore_best_weights=True))
    return model.fit(x_train, y_train, validation_data=(x_val, y_val), epochs=epochs,
                     batch_size=batch_size, shuffle=shuffle, verbose=0, callbacks=callbacks)


def steps_per_epoch(n_examples: int, batch_size: int) -> int:
    """Optimisation steps in one epoch over ``n_examples`` (the last batch may be short).

    Args:
        n_examples: examples in one epoch (>= 1). batch_size: >= 1.
    """
    n_examples = check_int("n_examples", n_examples, low=1)
    batch_size = check_int("batch_size", batch_size, low=1)
    return -(-n_examples // batch_size)


def train_greedy_layerwise(x_train, x_val, sizes, *, epochs_per_layer: int, batch_size: int = 128,
                           learning_rate: float = 1e-3, activation="relu", code_activation=None,
                           output_activation="sigmoid"):
    """Greedy layer-wise pretraining: one shallow autoencoder per layer, then stack them.

    Layer ``i`` is trained as a one-hidden-layer autoencoder on the codes of layers
    ``0..i-1`` for ``epochs_per_layer`` epochs (a fixed budget, no early stopping). The
    trained encoders and decoders are then copied into a stacked autoencoder built by
    ``models.build_stacked_autoencoder`` (not compiled: fine-tune it yourself).

    Args:
        x_train, x_val: finite arrays (N, ...) of the same shape after the first axis
            (images in [0, 1], not 0..255).
        sizes: the encoder's widths, code last, e.g. ``(100, 30)``.
        epochs_per_layer: >= 1. batch_size: >= 1. learning_rate: Adam's, > 0.
        activation, code_activation, output_activation: as in ``build_stacked_autoencoder``.

    Returns:
        ``(parts, steps)``: the stacked ``Autoencoder`` and the optimisation steps spent.
    """
    from . import models

    x_train = _data("x_train", x_train, ndim=(2, 3, 4))
    x_val = _data("x_val", x_val, ndim=(2, 3, 4))
    check_same_shape("x_train", x_train, "x_val", x_val, axes=slice(1, None))
    sizes = check_int_sequence("sizes", sizes, low=1, example="(100, 30), code last")
    epochs_per_layer = check_int("epochs_per_layer", epochs_per_layer, low=1)
    batch_size = check_int("batch_size", batch_size, low=1)
    learning_rate = check_real("learning_rate", learning_rate, low=0, low_open=True)
    input_shape = tuple(x_train.shape[1:])
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


def _check_targets(name: str, value, n: int, *, weights: bool = False):
    """A target (``weights``: a sample-weight array >= 0, or None) of length ``n``, or a dict
    of them keyed by output name."""
    if value is None and weights:
        return None
    if isinstance(value, dict):
        if not value:
            raise ValueError(f"{name} is an empty dict; expected one array per output.")
        return {k: _check_targets(f"{name}[{k!r}]", v, n, weights=weights)
                for k, v in value.items()}
    arr = check_array(name, value, dtype=None) if weights else _data(name, value)
    if len(arr) != n:
        raise ValueError(f"{name} has {len(arr)} entries but x has {n} examples; expected "
                         "one per example.")
    if weights and arr.size and arr.min() < 0:
        raise ValueError(f"{name} has values down to {arr.min():.3g}; expected sample "
                         "weights >= 0.")
    return arr


def _round_data(name: str, out, verb: str = "is") -> tuple:
    """``out`` checked as one round of data, ``(x, y, sample_weight)``, and returned; ``name
    verb`` starts the error message ("make_round(3) returned", "validation is")."""
    if not isinstance(out, (tuple, list)) or len(out) != 3:
        got = f"{len(out)} values" if isinstance(out, (tuple, list)) else type(out).__name__
        raise TypeError(f"{name} {verb} {got}; expected a tuple (x, y, sample_weight), "
                        "sample_weight possibly None.")
    x = _data(f"{name}'s x", out[0])
    return (x, _check_targets(f"{name}'s y", out[1], len(x)),
            _check_targets(f"{name}'s sample_weight", out[2], len(x), weights=True))


class FreshRounds(keras.utils.PyDataset):
    """A Keras dataset whose every epoch is a *round* of freshly made data, so no example
    is seen twice (notebook 05 draws new patches and new watermarks every round).

    ``make_round(r)`` returns ``(x, y, sample_weight)`` for round ``r`` (seed it with ``r``
    for a reproducible run); ``y`` and ``sample_weight`` may be dicts keyed by output name,
    ``sample_weight`` may be None; all are checked (finite, one entry per example, images
    not in 0..255, weights >= 0). Round ``r`` is served in mini-batches of ``batch_size`` in
    an order shuffled by ``seed`` and ``r`` (``seed=None``: drawn from NumPy's global
    generator, which ``config.setup`` seeds with the run's seed); ``start_round(r)`` makes round ``r`` current.
    Every round must have the same number of examples (an epoch has a fixed length).
    """

    def __init__(self, make_round, *, rounds: int, batch_size: int, seed: int | None = None):
        super().__init__()
        self.make_round = check_callable("make_round", make_round)
        self.rounds = check_int("rounds", rounds, low=1)
        self.batch_size = check_int("batch_size", batch_size, low=1)
        # None: drawn from NumPy's global generator, which config.setup seeds (AE_SEED)
        seed = check_seed("seed", seed, generator=False)
        self.seed = int(np.random.randint(2**31)) if seed is None else seed
        self.round = -1
        self._load(0)

    def _load(self, r: int) -> None:
        x, y, sample_weight = _round_data(f"make_round({r})", self.make_round(r), "returned")
        if self.round >= 0 and len(x) != len(self.x):
            raise ValueError(f"make_round({r}) made {len(x)} examples and round 0 made "
                             f"{len(self.x)}; expected the same number every round.")
        self.x, self.y, self.sample_weight, self.round = x, y, sample_weight, r
        self.order = np.random.default_rng([self.seed, r]).permutation(len(x))

    def __len__(self) -> int:
        return steps_per_epoch(len(self.x), self.batch_size)

    def __getitem__(self, i):
        idx = self.order[i * self.batch_size:(i + 1) * self.batch_size]
        take = lambda v: ({k: a[idx] for k, a in v.items()} if isinstance(v, dict)
                          else v[idx])
        batch = (self.x[idx], take(self.y))
        return batch if self.sample_weight is None else batch + (take(self.sample_weight),)

    def start_round(self, r: int) -> None:
        """Serve round ``r`` from now on (made by ``make_round(r)`` unless it is current).

        ``fit_on_fresh_data`` calls it at the start of epoch ``r`` from a callback: Keras's
        own ``PyDataset.on_epoch_begin`` / ``on_epoch_end`` hooks are also called around
        its first look at the data, differently on each backend, so they cannot count
        epochs."""
        r = check_int("r", r, low=0, high=self.rounds - 1)
        if r != self.round:
            self._load(r)


class _RoundLine(keras.callbacks.Callback):
    """Starts round e of a ``FreshRounds`` at epoch e; one progress line per ``every``
    rounds."""

    def __init__(self, data: FreshRounds, every: int, label: str):
        super().__init__()
        self.data, self.every, self.label = data, every, label
        self._t0 = time.perf_counter()

    def on_epoch_begin(self, epoch, logs=None):
        self.data.start_round(epoch)

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        if (epoch + 1) % self.every and epoch + 1 != self.data.rounds:
            return
        parts = "  ".join(f"{k} {v:.4g}" for k, v in logs.items() if k.endswith("loss"))
        prefix = f"{self.label}: " if self.label else ""
        print(f"{prefix}round {epoch + 1}/{self.data.rounds}, {len(self.data.x)} fresh "
              f"examples  {parts}  ({time.perf_counter() - self._t0:.0f} s)", flush=True)


def fit_on_fresh_data(model: keras.Model, make_round, *, rounds: int, batch_size: int,
                      label: str = "", print_every: int = 1, seed: int | None = None,
                      validation=None) -> keras.callbacks.History:
    """Train ``model`` for ``rounds`` epochs of a ``FreshRounds`` dataset: each epoch a new
    round of data from ``make_round`` (see ``FreshRounds``), one ``model.fit`` call.

    ``validation``: fixed held-out data in a round's form, ``(x, y, sample_weight)``, checked
    the same way; its losses (``val_loss`` and, for several outputs, ``val_<output>_loss``)
    are measured after every round. Keep the optimizer's learning-rate schedule in steps:
    its step counter runs on across rounds. Prints one line per ``print_every`` rounds;
    returns Keras's ``History``: each round's mean training loss (and the validation
    losses) under ``.history``.
    """
    check_model("model", model)
    label = check_str("label", label, allow_empty=True)
    print_every = check_int("print_every", print_every, low=1)
    if validation is not None:
        validation = _round_data("validation", validation)
        validation = validation[:2] if validation[2] is None else validation
    dataset = FreshRounds(make_round, rounds=rounds, batch_size=batch_size, seed=seed)
    line = _RoundLine(dataset, print_every, label)
    return model.fit(dataset, epochs=dataset.rounds, verbose=0, callbacks=[line],
                     validation_data=validation, validation_batch_size=batch_size)
