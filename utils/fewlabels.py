"""Few-label classification: balanced label budgets, fair baselines and honest comparisons.

The pieces of notebook 03's pretraining experiment:

- ``balanced_indices``: ``n`` labelled examples, the same number per class.
- ``carve_validation``: split a labelled budget into training and validation parts, per
  class, so every method sees exactly the same ``n`` labels (validation included).
- ``ReusableClassifier``: one compiled Keras classifier trained many times, each time from
  given initial weights and learning rate (no re-tracing between runs), early-stopped on the
  validation loss with the best weights restored.
- ``fit_logistic``: multinomial logistic regression with its ``C`` chosen on the validation
  part (the raw-pixel floor, and the linear probe on frozen codes).
- ``mean_std`` and ``compare``: summaries over seeds and a verdict that says "no clear
  difference" unless the gap is larger than twice its standard error (paired by seed when
  the runs share their labels).
"""

from __future__ import annotations

import itertools
import math
import time
from typing import Sequence

import numpy as np

from ._validate import (check_array, check_bool, check_callable, check_int, check_int_sequence,
                        check_labels, check_model, check_not_8bit, check_real,
                        check_same_shape, check_seed, describe)

_MAX_SEED = 2 ** 32 - 1     # scikit-learn's random_state (a NumPy RandomState) takes up to this


def _check_positive_reals(name: str, values) -> tuple[float, ...]:
    """A non-empty 1-D sequence of finite numbers > 0 (a grid of C or learning-rate values)."""
    check_array(name, values, ndim=1)          # a non-empty sequence of finite numbers
    return tuple(check_real(f"{name}[{i}]", v, low=0, low_open=True)
                 for i, v in enumerate(values))


def _check_rates(name: str, values) -> tuple[float, ...]:
    """A non-empty 1-D sequence of distinct numbers in [0, 1) (a grid of dropout rates)."""
    check_array(name, values, ndim=1)
    rates = tuple(check_real(f"{name}[{i}]", v, low=0, high=1, high_open=True)
                  for i, v in enumerate(values))
    if len(set(rates)) < len(rates):
        raise ValueError(f"{name} is {values!r}, with a rate twice; expected distinct rates.")
    return rates


def _check_sklearn_seed(name: str, value) -> int:
    """A seed scikit-learn takes as ``random_state``: an integer in [0, 2³²)."""
    return check_seed(name, value, allow_none=False, generator=False, high=_MAX_SEED)


def _check_features(name: str, value, y_name: str, y) -> tuple[np.ndarray, np.ndarray]:
    """``value``: a non-empty array of finite numbers (dtype kept); ``y``: one integer label
    per row of it."""
    x = check_array(name, value, dtype=None)
    return x, check_labels(y_name, y, n=len(x))


def balanced_indices(y, n: int, seed: int) -> np.ndarray:
    """Indices of ``n`` examples of ``y``, ``n / n_classes`` from each class, drawn by ``seed``.

    ``n`` must be a multiple of the number of classes and no class may run short.

    Args:
        y: 1-D integer class labels.
        n: the label budget, a positive multiple of the number of classes in ``y``.
        seed: a non-negative integer (or a ``numpy.random.Generator``).

    Returns:
        The sorted indices.
    """
    y = check_labels("y", y)
    n = check_int("n", n, low=1)
    seed = check_seed("seed", seed, allow_none=False)
    classes = np.unique(y)
    if n % len(classes):
        raise ValueError(f"n is {n!r}; expected a positive multiple of the {len(classes)} "
                         "classes, so every class gets the same number of labels.")
    per = n // len(classes)
    rng = np.random.default_rng(seed)
    out = []
    for c in classes:
        pool = np.flatnonzero(y == c)
        if len(pool) < per:
            raise ValueError(f"y has {len(pool)} examples of class {c}; n={n} needs {per} per "
                             "class.")
        out.append(rng.choice(pool, size=per, replace=False))
    return np.sort(np.concatenate(out))


def carve_validation(y, indices, val_fraction: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Split ``indices`` into (train, val), taking ``val_fraction`` of each class for val.

    A stratified ``sklearn.model_selection.train_test_split`` drawn with ``seed``, of
    ``Σ_c round(val_fraction · m_c)`` validation examples (each class's share at least one and
    at most ``m_c − 1``); with equal classes each class gives exactly its share, with unequal
    ones about it. Every class keeps at least one training and one validation example (so
    it needs two), and together the parts are ``indices``.

    Args:
        y: 1-D integer class labels.
        indices: distinct 1-D integer indices into ``y`` (the labelled budget).
        val_fraction: in (0, 1).
        seed: a non-negative integer below 2³².

    Returns:
        ``(train, val)``, sorted index arrays.
    """
    from sklearn.model_selection import train_test_split

    y = check_labels("y", y)
    indices = check_array("indices", indices, ndim=1, dtype=None)
    if not np.issubdtype(indices.dtype, np.integer):
        raise TypeError(f"indices has dtype {indices.dtype}; expected integer indices into y.")
    if indices.min() < 0 or indices.max() >= len(y):
        raise ValueError(f"indices has values in [{indices.min()}, {indices.max()}]; expected "
                         f"indices into y (0 to {len(y) - 1}).")
    if len(np.unique(indices)) != len(indices):
        raise ValueError("indices has repeated entries; expected distinct examples.")
    val_fraction = check_real("val_fraction", val_fraction, low=0, high=1, low_open=True,
                              high_open=True)
    seed = _check_sklearn_seed("seed", seed)
    labels = y[indices]
    classes, counts = np.unique(labels, return_counts=True)
    if counts.min() < 2:
        c = classes[np.argmin(counts)]
        raise ValueError(f"indices hold {counts.min()} labelled example(s) of class {c}; "
                         "carving a validation part needs at least 2 per class.")
    per_class = np.clip(np.round(val_fraction * counts), 1, counts - 1).astype(int)
    train, val = train_test_split(indices, test_size=int(per_class.sum()), stratify=labels,
                                  random_state=seed)
    # With unequal classes the stratified draw may leave a small class without a validation
    # or a training example: move one over (the first of that class in the shuffled draw).
    for c in classes:
        if not np.any(y[val] == c):
            i = np.flatnonzero(y[train] == c)[0]
            val, train = np.append(val, train[i]), np.delete(train, i)
        elif not np.any(y[train] == c):
            i = np.flatnonzero(y[val] == c)[0]
            train, val = np.append(train, val[i]), np.delete(val, i)
    return np.sort(train), np.sort(val)


def _seed_generators(model) -> list:
    """The ``keras.random.SeedGenerator`` of every layer of ``model``, nested models included,
    in layer order (each once)."""
    import keras

    found, seen = [], set()

    def walk(layer):
        for value in vars(layer).values():
            if isinstance(value, keras.random.SeedGenerator) and id(value) not in seen:
                seen.add(id(value))
                found.append(value)
        for inner in getattr(layer, "layers", ()):
            walk(inner)

    walk(model)
    return found


class ReusableClassifier:
    """Train one compiled Keras classifier many times without re-tracing it.

    Compiling a model and running its first ``fit`` costs seconds of graph tracing, and
    ``model.fit`` adds tens of milliseconds per epoch; an experiment of dozens of short runs
    on a few hundred labels would spend most of its time there. This class compiles
    ``model`` once (Adam, sparse categorical cross-entropy) and, for every run, resets the
    weights to the ones given, the optimizer's state to fresh and the learning rate to the
    one given, then trains with ``train_on_batch`` (available on every Keras backend) over
    mini-batches shuffled by ``seed``.

    Random layers (``Dropout``, ``GaussianNoise``) draw their noise from seed generators;
    every run restarts them from a state set by its ``seed`` (on PyTorch, where Keras's
    unseeded dropout draws from torch's global generator, it reseeds that one), so two runs
    with the same seed (for instance a pretrained and a scratch network of a pair) see the
    same dropout masks, whatever ran in between.

    Each run is early-stopped on the validation loss (checked after every epoch) and ends
    with its best weights restored. A run whose validation loss is never finite (it diverged:
    a learning rate far too large) is reported as such, with the initial weights restored.
    """

    def __init__(self, model, *, batch_size: int = 32, max_epochs: int = 200,
                 patience: int = 20):
        import keras

        check_model("model", model)
        batch_size = check_int("batch_size", batch_size, low=1)
        max_epochs = check_int("max_epochs", max_epochs, low=1)
        patience = check_int("patience", patience, low=1)
        self.model = model
        self.batch_size, self.max_epochs, self.patience = batch_size, max_epochs, patience
        self.optimizer = keras.optimizers.Adam(1e-3)
        model.compile(optimizer=self.optimizer, loss="sparse_categorical_crossentropy")
        self.optimizer.build(model.trainable_variables)
        self._fresh_state = [np.array(v.numpy()) for v in self.optimizer.variables]
        self._noise = _seed_generators(model)
        self._noise_seeds = [int(np.asarray(g.state.numpy())[0]) for g in self._noise]

    def fit(self, weights: Sequence[np.ndarray], learning_rate: float, x, y, x_val, y_val,
            *, seed: int) -> dict:
        """One run from ``weights``.

        Args:
            weights: the initial weights, as ``model.get_weights()`` gives them.
            learning_rate: Adam's learning rate, > 0.
            x, y: training inputs (finite) and their integer labels, one per input.
            x_val, y_val: validation inputs and labels, the inputs shaped like ``x``'s.
            seed: the seed of the mini-batch order.

        Returns:
            ``dict(best_val_loss, best_epoch, epochs, steps, seconds, diverged)``. The model
            keeps the weights of the best epoch. ``diverged`` is True when no epoch had a
            finite validation loss: then ``best_val_loss`` is NaN, ``best_epoch`` 0 and the
            model is back at ``weights``.
        """
        weights = self._check_weights(weights)
        learning_rate = check_real("learning_rate", learning_rate, low=0, low_open=True)
        x, y = _check_features("x", x, "y", y)
        x_val, y_val = _check_features("x_val", x_val, "y_val", y_val)
        check_same_shape("x", x, "x_val", x_val, axes=slice(1, None))
        seed = check_seed("seed", seed, allow_none=False)
        import keras

        self.model.set_weights(weights)
        for v, fresh in zip(self.optimizer.variables, self._fresh_state):
            v.assign(fresh)
        self.optimizer.learning_rate = float(learning_rate)
        for g, own in zip(self._noise, self._noise_seeds):   # the same masks for the same seed
            g.state.assign(np.array([(own + seed) % 2**31, 0], dtype=g.state.dtype))
        if self._noise and keras.backend.backend() == "torch":
            import torch    # Keras's unseeded dropout draws from torch's global generator there

            torch.manual_seed(seed)
        rng = np.random.default_rng(seed)
        t0 = time.perf_counter()
        best, best_epoch, best_weights, steps, epoch = np.inf, -1, None, 0, 0
        for epoch in range(self.max_epochs):
            order = rng.permutation(len(x))
            for start in range(0, len(x), self.batch_size):
                batch = order[start:start + self.batch_size]
                self.model.train_on_batch(x[batch], y[batch])
                steps += 1
            val = float(self.model.test_on_batch(x_val, y_val))
            if val < best:      # never true for NaN (nor for inf)
                best, best_epoch, best_weights = val, epoch, self.model.get_weights()
            elif epoch - best_epoch >= self.patience:
                break
        diverged = best_weights is None
        self.model.set_weights(weights if diverged else best_weights)
        return dict(best_val_loss=math.nan if diverged else best, best_epoch=best_epoch + 1,
                    epochs=epoch + 1, steps=steps, seconds=time.perf_counter() - t0,
                    diverged=diverged)

    def _check_weights(self, weights) -> list:
        """``weights``: one array per weight of the model, of its shape."""
        want = [tuple(w.shape) for w in self.model.weights]
        if isinstance(weights, (str, bytes, dict, np.ndarray)) or not isinstance(weights,
                                                                               Sequence):
            raise TypeError(f"weights is {describe(weights)}; expected a list of arrays, as "
                            "model.get_weights() gives.")
        if len(weights) != len(want):
            raise ValueError(f"weights holds {len(weights)} array(s); expected {len(want)}, one "
                             "per weight of the model (model.get_weights()).")
        for i, (w, shape) in enumerate(zip(weights, want)):
            w = check_array(f"weights[{i}]", w, min_len=0, dtype=None)   # finite numbers
            if w.shape != shape:
                raise ValueError(f"weights[{i}] has shape {w.shape}; expected {shape} "
                                 "(model.get_weights() of the same model).")
        return list(weights)

    def accuracy(self, x, y) -> float:
        """Accuracy of the current weights on ``(x, y)`` (inputs and integer labels)."""
        x, y = _check_features("x", x, "y", y)
        p = self.model.predict(x, batch_size=512, verbose=0)
        return float(np.mean(np.argmax(p, axis=1) == y))


def fit_logistic(f_train, y_train, f_val, y_val, Cs: Sequence[float] = (0.01, 0.1, 1.0),
                 *, max_iter: int = 1000):
    """Multinomial logistic regression on features, ``C`` chosen by validation log-loss.

    Features are standardised with the training part's mean and standard deviation (the
    scaler is part of the returned pipeline).

    Args:
        f_train, y_train: 2-D finite features and one integer label per row.
        f_val, y_val: validation features (as many columns) and labels.
        Cs: the grid of inverse regularisation strengths, numbers > 0.
        max_iter: the solver's iteration limit.

    Returns:
        ``(model, best_C)``.
    """
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import log_loss
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    f_train, y_train = _check_features("f_train", f_train, "y_train", y_train)
    f_val, y_val = _check_features("f_val", f_val, "y_val", y_val)
    for name, f in (("f_train", f_train), ("f_val", f_val)):
        if f.ndim != 2:
            raise ValueError(f"{name} has shape {f.shape}; expected (examples, features).")
    check_same_shape("f_train", f_train, "f_val", f_val, axes=slice(1, None))
    Cs = _check_positive_reals("Cs", Cs)
    max_iter = check_int("max_iter", max_iter, low=1)
    best = None
    labels = np.unique(y_train)
    for C in Cs:
        model = make_pipeline(StandardScaler(), LogisticRegression(C=C, max_iter=max_iter))
        model.fit(f_train, y_train)
        loss = log_loss(y_val, model.predict_proba(f_val), labels=labels)
        if best is None or loss < best[0]:
            best = (loss, model, C)
    return best[1], best[2]


def mean_std(values) -> tuple[float, float]:
    """Mean and sample standard deviation (ddof=1; 0 for a single value) of a non-empty
    1-D sequence of finite numbers."""
    v = check_array("values", values, ndim=1)
    return float(v.mean()), float(v.std(ddof=1)) if len(v) > 1 else 0.0


def compare(a, b, *, paired: bool = False) -> dict:
    """Compare two sets of per-seed scores (higher is better): ``a`` against ``b``.

    Returns ``dict(diff, se, verdict)`` where ``diff = mean(a) - mean(b)`` and ``se`` is the
    standard error of that difference: with ``paired=True`` (``a[i]`` and ``b[i]`` come from
    the same seed: same labels, same split, same head initialisation) the standard error of
    the mean per-seed difference, else Welch's (independent runs). ``verdict`` is
    ``"higher"`` or ``"lower"`` only when ``|diff| > 2 se``, else ``"no clear difference"``.
    A NaN or infinite score (a failed run) is an error, never "no clear difference".
    """
    a = check_array("a", a, ndim=1)
    b = check_array("b", b, ndim=1)
    paired = check_bool("paired", paired)
    if len(a) < 2 or len(b) < 2:
        raise ValueError(f"a has {len(a)} and b {len(b)} values; a comparison needs at least "
                         "2 seeds each.")
    if paired and len(a) != len(b):
        raise ValueError(f"a has {len(a)} and b {len(b)} values; a paired comparison needs "
                         "one of each per seed.")
    diff = float(a.mean() - b.mean())
    if paired:
        se = float((a - b).std(ddof=1) / np.sqrt(len(a)))
    else:
        se = float(np.sqrt(a.var(ddof=1) / len(a) + b.var(ddof=1) / len(b)))
    verdict = ("higher" if diff > 2 * se else "lower" if diff < -2 * se
               else "no clear difference")
    return dict(diff=diff, se=se, verdict=verdict)


METHODS = ("logistic regression, pixels", "linear probe, frozen encoder",
           "from scratch", "pretrained, fine-tuned")


def label_budget_experiment(x_train, y_train, x_test, y_test, *, encoder, make_classifier,
                            budgets: Sequence[int], seeds: Sequence[int],
                            learning_rates: Sequence[float],
                            dropouts: Sequence[float] = (0.0,), val_fraction: float = 0.2,
                            batch_size: int = 32, max_epochs: int = 200, patience: int = 10,
                            Cs: Sequence[float] = (0.01, 0.1, 1.0),
                            verbose: bool = True) -> list[dict]:
    """Few-label accuracy of four methods at each label budget and seed (one row per run).

    For every budget ``n`` and seed: draw ``n`` balanced labels from ``(x_train, y_train)``
    and carve ``val_fraction`` of them (per class) for validation, so every method sees the
    same ``n`` labels in all. Then

    - *logistic regression, pixels*: ``fit_logistic`` on raw pixels (the floor);
    - *linear probe, frozen encoder*: ``fit_logistic`` on ``encoder``'s codes;
    - *from scratch*: ``make_classifier(dropout=d)`` (built under the seed) trained from its
      random initialisation, with each learning rate and each dropout rate ``d`` of
      ``dropouts`` (a regulariser, tuned like the learning rate); the run with the lowest
      validation loss is kept (a run that diverged is never chosen; if every setting diverges
      a RuntimeError names the budget, seed and method);
    - *pretrained, fine-tuned*: the same model and head initialisation with the encoder's
      weights copied in (``models.load_encoder_weights``), every layer trained, same grid.

    ``make_classifier`` takes the dropout rate as its keyword ``dropout`` and must give the
    same weights for every rate (dropout layers have none), as ``models.build_classifier``
    does.

    The test split is used only to score the chosen model of each run. Every argument, and
    every budget against the labels, is checked before the first run.
    Returns rows ``dict(budget, seed, method, test_accuracy, choice, epochs, dropout)``
    (``epochs`` and ``dropout``: None for the two logistic regressions).
    """
    import keras

    from .models import load_encoder_weights

    for name, value in (("x_train", x_train), ("x_test", x_test)):   # images, not 0..255
        check_not_8bit(name, value)
    x_train, y_train = _check_features("x_train", x_train, "y_train", y_train)
    x_test, y_test = _check_features("x_test", x_test, "y_test", y_test)
    check_same_shape("x_train", x_train, "x_test", x_test, axes=slice(1, None))
    check_model("encoder", encoder)
    check_callable("make_classifier", make_classifier)
    budgets = check_int_sequence("budgets", budgets, example="(100, 300)")
    seeds = tuple(_check_sklearn_seed(f"seeds[{i}]", s) for i, s in enumerate(
        check_int_sequence("seeds", seeds, low=0, example="(0, 1, 2)")))
    learning_rates = _check_positive_reals("learning_rates", learning_rates)
    dropouts = _check_rates("dropouts", dropouts)
    val_fraction = check_real("val_fraction", val_fraction, low=0, high=1, low_open=True,
                              high_open=True)
    for name, v in (("batch_size", batch_size), ("max_epochs", max_epochs),
                    ("patience", patience)):
        check_int(name, v, low=1)
    Cs = _check_positive_reals("Cs", Cs)
    verbose = check_bool("verbose", verbose)
    for n in budgets:       # a budget the labels cannot meet fails now, not after hours
        carve_validation(y_train, balanced_indices(y_train, n, seed=seeds[0]), val_fraction,
                         seed=seeds[0])
    flat_train = np.asarray(x_train).reshape(len(x_train), -1)
    flat_test = np.asarray(x_test).reshape(len(x_test), -1)
    codes_train = encoder.predict(x_train, batch_size=512, verbose=0)
    codes_test = encoder.predict(x_test, batch_size=512, verbose=0)
    runners = {d: ReusableClassifier(make_classifier(dropout=d), batch_size=batch_size,
                                     max_epochs=max_epochs, patience=patience)
               for d in dropouts}                  # compiled once each, reused by every run
    shapes = {d: [tuple(w.shape) for w in r.model.weights] for d, r in runners.items()}
    if len({tuple(v) for v in shapes.values()}) > 1:
        raise ValueError(f"make_classifier gives other weights for other dropout rates "
                         f"({shapes}); expected the same model with dropout layers added.")
    rows = []
    for n in budgets:
        for seed in seeds:
            t0 = time.perf_counter()
            idx = balanced_indices(y_train, n, seed=seed)
            tr, va = carve_validation(y_train, idx, val_fraction, seed=seed)

            def row(method, acc, choice, epochs=None, dropout=None):
                rows.append(dict(budget=n, seed=seed, method=method, test_accuracy=float(acc),
                                 choice=choice, epochs=epochs, dropout=dropout))

            for method, (f_tr, f_te) in zip(METHODS[:2], ((flat_train, flat_test),
                                                          (codes_train, codes_test))):
                model, C = fit_logistic(f_tr[tr], y_train[tr], f_tr[va], y_train[va], Cs)
                row(method, np.mean(model.predict(f_te) == y_test), f"C={C:g}")

            keras.utils.set_random_seed(seed)
            fresh = make_classifier(dropout=dropouts[0])
            scratch = fresh.get_weights()
            # the same model with the encoder's weights copied in: same head initialisation
            pretrained = load_encoder_weights(fresh, encoder).get_weights()
            for method, weights in zip(METHODS[2:], (scratch, pretrained)):
                best = None
                for d, lr in itertools.product(dropouts, learning_rates):
                    r = runners[d].fit(weights, lr, x_train[tr], y_train[tr], x_train[va],
                                       y_train[va], seed=seed)
                    if r["diverged"]:       # not chosen
                        continue
                    if best is None or r["best_val_loss"] < best[0]["best_val_loss"]:
                        choice = f"lr={lr:g}" + (f", dropout={d:g}" if len(dropouts) > 1 else "")
                        best = (r, choice, runners[d].accuracy(x_test, y_test), d)
                if best is None:
                    raise RuntimeError(
                        f"every setting diverged for budget {n}, seed {seed}, method "
                        f"{method!r}: learning_rates {learning_rates} (dropouts {dropouts}) "
                        "gave no finite validation loss; try smaller learning rates.")
                row(method, best[2], best[1], best[0]["best_epoch"], best[3])
            if verbose:
                accs = "  ".join(f"{r['method'].split(',')[0]} {r['test_accuracy']:.3f}"
                                 for r in rows[-len(METHODS):])
                print(f"{n:5d} labels, seed {seed}: {accs}  ({time.perf_counter() - t0:.0f} s)",
                      flush=True)
    return rows


def summarize(rows: Sequence[dict]) -> list[dict]:
    """Per budget and method: ``dict(budget, method, mean, std, seeds)`` of test accuracy.

    Args:
        rows: the rows of ``label_budget_experiment`` (dicts with at least ``budget``,
            ``method`` and a finite ``test_accuracy``).
    """
    if isinstance(rows, (str, bytes, dict)) or not isinstance(rows, Sequence):
        raise TypeError(f"rows is {describe(rows)}; expected a list of the dicts "
                        "label_budget_experiment returns.")
    if not rows:
        raise ValueError("rows is empty; expected the rows of label_budget_experiment.")
    for i, r in enumerate(rows):
        if not isinstance(r, dict):
            raise TypeError(f"rows[{i}] is {describe(r)}; expected a dict.")
        missing = [k for k in ("budget", "method", "test_accuracy") if k not in r]
        if missing:
            raise ValueError(f"rows[{i}] has no {', '.join(map(repr, missing))}; expected "
                             "the rows of label_budget_experiment.")
        check_real(f"rows[{i}]['test_accuracy']", r["test_accuracy"], low=0, high=1)
    out = []
    for n in sorted({r["budget"] for r in rows}):
        for method in dict.fromkeys(r["method"] for r in rows):
            accs = [r["test_accuracy"] for r in rows if r["budget"] == n and r["method"] == method]
            if accs:
                m, s = mean_std(accs)
                out.append(dict(budget=n, method=method, mean=m, std=s, seeds=len(accs)))
    return out
