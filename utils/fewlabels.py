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

import time
from typing import Sequence

import numpy as np


def _check_labels(y) -> np.ndarray:
    y = np.asarray(y)
    if y.ndim != 1 or len(y) == 0 or not np.issubdtype(y.dtype, np.integer):
        raise ValueError(f"y has shape {y.shape} and dtype {y.dtype}; expected a non-empty "
                         "1-D array of integer class labels.")
    return y


def balanced_indices(y, n: int, seed: int) -> np.ndarray:
    """Indices of ``n`` examples of ``y``, ``n / n_classes`` from each class, drawn by ``seed``.

    ``n`` must be a multiple of the number of classes and no class may run short.
    """
    y = _check_labels(y)
    classes = np.unique(y)
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < len(classes) \
            or n % len(classes):
        raise ValueError(f"n is {n!r}; expected a positive multiple of the {len(classes)} "
                         "classes, so every class gets the same number of labels.")
    per = n // len(classes)
    rng = np.random.default_rng(seed)
    out = []
    for c in classes:
        pool = np.flatnonzero(y == c)
        if len(pool) < per:
            raise ValueError(f"class {c} has {len(pool)} examples; n={n} needs {per} per class.")
        out.append(rng.choice(pool, size=per, replace=False))
    return np.sort(np.concatenate(out))


def carve_validation(y, indices, val_fraction: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Split ``indices`` into (train, val), taking ``val_fraction`` of each class for val.

    Every class keeps at least one training and one validation example.
    """
    y = _check_labels(y)
    indices = np.asarray(indices)
    if isinstance(val_fraction, bool) or not isinstance(val_fraction, (int, float)) \
            or not 0 < val_fraction < 1:
        raise ValueError(f"val_fraction is {val_fraction!r}; expected a number in (0, 1).")
    rng = np.random.default_rng(seed)
    train, val = [], []
    for c in np.unique(y[indices]):
        pool = rng.permutation(indices[y[indices] == c])
        if len(pool) < 2:
            raise ValueError(f"class {c} has {len(pool)} labelled example(s); carving a "
                             "validation part needs at least 2 per class.")
        k = min(max(1, round(val_fraction * len(pool))), len(pool) - 1)
        val.append(pool[:k])
        train.append(pool[k:])
    return np.sort(np.concatenate(train)), np.sort(np.concatenate(val))


class ReusableClassifier:
    """Train one compiled Keras classifier many times without re-tracing it.

    Compiling a model and running its first ``fit`` costs seconds of graph tracing, and
    ``model.fit`` adds tens of milliseconds per epoch; an experiment of dozens of short runs
    on a few hundred labels would spend most of its time there. This class compiles
    ``model`` once (Adam, sparse categorical cross-entropy) and, for every run, resets the
    weights to the ones given, the optimizer's state to fresh and the learning rate to the
    one given, then trains with ``train_on_batch`` (available on every Keras backend) over
    mini-batches shuffled by ``seed``.

    Each run is early-stopped on the validation loss (checked after every epoch) and ends
    with its best weights restored.
    """

    def __init__(self, model, *, batch_size: int = 32, max_epochs: int = 200,
                 patience: int = 20):
        import keras

        for name, v in (("batch_size", batch_size), ("max_epochs", max_epochs),
                        ("patience", patience)):
            if isinstance(v, bool) or not isinstance(v, int) or v < 1:
                raise ValueError(f"{name} is {v!r}; expected a positive integer.")
        self.model = model
        self.batch_size, self.max_epochs, self.patience = batch_size, max_epochs, patience
        self.optimizer = keras.optimizers.Adam(1e-3)
        model.compile(optimizer=self.optimizer, loss="sparse_categorical_crossentropy")
        self.optimizer.build(model.trainable_variables)
        self._fresh_state = [np.array(v.numpy()) for v in self.optimizer.variables]

    def fit(self, weights: Sequence[np.ndarray], learning_rate: float, x, y, x_val, y_val,
            *, seed: int) -> dict:
        """One run from ``weights``; returns ``dict(best_val_loss, best_epoch, epochs,
        steps, seconds)``. The model keeps the weights of the best epoch."""
        if isinstance(learning_rate, bool) or not isinstance(learning_rate, (int, float)) \
                or not learning_rate > 0:
            raise ValueError(f"learning_rate is {learning_rate!r}; expected a number > 0.")
        if len(x) != len(y) or len(x_val) != len(y_val) or len(x) == 0 or len(x_val) == 0:
            raise ValueError(f"x/y have {len(x)}/{len(y)} and x_val/y_val {len(x_val)}/"
                             f"{len(y_val)} examples; expected equal, non-zero pairs.")
        self.model.set_weights(weights)
        for v, fresh in zip(self.optimizer.variables, self._fresh_state):
            v.assign(fresh)
        self.optimizer.learning_rate = float(learning_rate)
        rng = np.random.default_rng(seed)
        x, y = np.asarray(x), np.asarray(y)
        t0 = time.perf_counter()
        best, best_epoch, best_weights, steps, epoch = np.inf, -1, None, 0, 0
        for epoch in range(self.max_epochs):
            order = rng.permutation(len(x))
            for start in range(0, len(x), self.batch_size):
                batch = order[start:start + self.batch_size]
                self.model.train_on_batch(x[batch], y[batch])
                steps += 1
            val = float(self.model.test_on_batch(x_val, y_val))
            if val < best:
                best, best_epoch, best_weights = val, epoch, self.model.get_weights()
            elif epoch - best_epoch >= self.patience:
                break
        self.model.set_weights(best_weights)
        return dict(best_val_loss=best, best_epoch=best_epoch + 1, epochs=epoch + 1,
                    steps=steps, seconds=time.perf_counter() - t0)

    def accuracy(self, x, y) -> float:
        """Accuracy of the current weights on ``(x, y)``."""
        p = self.model.predict(x, batch_size=512, verbose=0)
        return float(np.mean(np.argmax(p, axis=1) == np.asarray(y)))


def fit_logistic(f_train, y_train, f_val, y_val, Cs: Sequence[float] = (0.01, 0.1, 1.0),
                 *, max_iter: int = 1000):
    """Multinomial logistic regression on features, ``C`` chosen by validation log-loss.

    Features are standardised with the training part's mean and standard deviation (the
    scaler is part of the returned pipeline). Returns ``(model, best_C)``.
    """
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import log_loss
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    if len(Cs) == 0 or any(not c > 0 for c in Cs):
        raise ValueError(f"Cs is {Cs!r}; expected one or more positive numbers.")
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
    """Mean and sample standard deviation (ddof=1; 0 for a single value)."""
    v = np.asarray(values, dtype=float)
    if v.ndim != 1 or len(v) == 0:
        raise ValueError(f"values has shape {v.shape}; expected a non-empty 1-D sequence.")
    return float(v.mean()), float(v.std(ddof=1)) if len(v) > 1 else 0.0


def compare(a, b, *, paired: bool = False) -> dict:
    """Compare two sets of per-seed scores (higher is better): ``a`` against ``b``.

    Returns ``dict(diff, se, verdict)`` where ``diff = mean(a) - mean(b)`` and ``se`` is the
    standard error of that difference: with ``paired=True`` (``a[i]`` and ``b[i]`` come from
    the same seed: same labels, same split, same head initialisation) the standard error of
    the mean per-seed difference, else Welch's (independent runs). ``verdict`` is
    ``"higher"`` or ``"lower"`` only when ``|diff| > 2 se``, else ``"no clear difference"``.
    """
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
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
                            learning_rates: Sequence[float], val_fraction: float = 0.2,
                            batch_size: int = 32, max_epochs: int = 200, patience: int = 10,
                            Cs: Sequence[float] = (0.01, 0.1, 1.0),
                            verbose: bool = True) -> list[dict]:
    """Few-label accuracy of four methods at each label budget and seed (one row per run).

    For every budget ``n`` and seed: draw ``n`` balanced labels from ``(x_train, y_train)``
    and carve ``val_fraction`` of them (per class) for validation, so every method sees the
    same ``n`` labels in all. Then

    - *logistic regression, pixels*: ``fit_logistic`` on raw pixels (the floor);
    - *linear probe, frozen encoder*: ``fit_logistic`` on ``encoder``'s codes;
    - *from scratch*: ``make_classifier()`` (built under the seed) trained from its random
      initialisation, with each learning rate; the run with the lowest validation loss is kept;
    - *pretrained, fine-tuned*: the same model and head initialisation with the encoder's
      weights copied in (``models.load_encoder_weights``), every layer trained, same grid.

    The test split is used only to score the chosen model of each run.
    Returns rows ``dict(budget, seed, method, test_accuracy, choice, epochs)``.
    """
    import keras

    from .models import load_encoder_weights

    if len(budgets) == 0 or len(seeds) == 0 or len(learning_rates) == 0:
        raise ValueError(f"budgets {budgets!r}, seeds {seeds!r}, learning_rates "
                         f"{learning_rates!r}; expected at least one of each.")
    y_train, y_test = _check_labels(y_train), _check_labels(y_test)
    flat_train = np.asarray(x_train).reshape(len(x_train), -1)
    flat_test = np.asarray(x_test).reshape(len(x_test), -1)
    codes_train = encoder.predict(x_train, batch_size=512, verbose=0)
    codes_test = encoder.predict(x_test, batch_size=512, verbose=0)
    runner = ReusableClassifier(make_classifier(), batch_size=batch_size,
                                max_epochs=max_epochs, patience=patience)
    rows = []
    for n in budgets:
        for seed in seeds:
            t0 = time.perf_counter()
            idx = balanced_indices(y_train, n, seed=seed)
            tr, va = carve_validation(y_train, idx, val_fraction, seed=seed)

            def row(method, acc, choice, epochs=None):
                rows.append(dict(budget=n, seed=seed, method=method,
                                 test_accuracy=float(acc), choice=choice, epochs=epochs))

            for method, (f_tr, f_te) in zip(METHODS[:2], ((flat_train, flat_test),
                                                          (codes_train, codes_test))):
                model, C = fit_logistic(f_tr[tr], y_train[tr], f_tr[va], y_train[va], Cs)
                row(method, np.mean(model.predict(f_te) == y_test), f"C={C:g}")

            keras.utils.set_random_seed(seed)
            fresh = make_classifier()
            scratch = fresh.get_weights()
            # the same model with the encoder's weights copied in: same head initialisation
            pretrained = load_encoder_weights(fresh, encoder).get_weights()
            for method, weights in zip(METHODS[2:], (scratch, pretrained)):
                best = None
                for lr in learning_rates:
                    r = runner.fit(weights, lr, x_train[tr], y_train[tr], x_train[va],
                                   y_train[va], seed=seed)
                    if best is None or r["best_val_loss"] < best[0]["best_val_loss"]:
                        best = (r, lr, runner.accuracy(x_test, y_test))
                row(method, best[2], f"lr={best[1]:g}", best[0]["best_epoch"])
            if verbose:
                accs = "  ".join(f"{r['method'].split(',')[0]} {r['test_accuracy']:.3f}"
                                 for r in rows[-len(METHODS):])
                print(f"{n:5d} labels, seed {seed}: {accs}  ({time.perf_counter() - t0:.0f} s)",
                      flush=True)
    return rows


def summarize(rows: Sequence[dict]) -> list[dict]:
    """Per budget and method: ``dict(budget, method, mean, std, seeds)`` of test accuracy."""
    if not rows:
        raise ValueError("rows is empty; expected the rows of label_budget_experiment.")
    out = []
    for n in sorted({r["budget"] for r in rows}):
        for method in dict.fromkeys(r["method"] for r in rows):
            accs = [r["test_accuracy"] for r in rows if r["budget"] == n and r["method"] == method]
            if accs:
                m, s = mean_std(accs)
                out.append(dict(budget=n, method=method, mean=m, std=s, seeds=len(accs)))
    return out
