import keras
import numpy as np
import pytest

from utils import fewlabels, models


def _labels(per_class=10, classes=10):
    return np.repeat(np.arange(classes), per_class)


def test_balanced_indices_are_balanced_unique_and_seeded():
    y = _labels(per_class=12)
    idx = fewlabels.balanced_indices(y, 50, seed=3)
    assert len(idx) == 50 and len(set(idx)) == 50
    assert np.all(np.bincount(y[idx]) == 5)
    np.testing.assert_array_equal(idx, fewlabels.balanced_indices(y, 50, seed=3))
    assert not np.array_equal(idx, fewlabels.balanced_indices(y, 50, seed=4))


@pytest.mark.parametrize("n, match", [(55, "n is 55"), (0, "n is 0"), (200, "y has 12 examples of class 0")])
def test_balanced_indices_bad_budget(n, match):
    with pytest.raises(ValueError, match=match):
        fewlabels.balanced_indices(_labels(per_class=12), n, seed=0)


def test_balanced_indices_bad_labels():
    with pytest.raises(ValueError, match="y has shape"):
        fewlabels.balanced_indices(np.zeros((4, 2), int), 2, seed=0)


def test_carve_validation_is_stratified_and_disjoint():
    y = _labels(per_class=10)
    idx = fewlabels.balanced_indices(y, 100, seed=0)
    tr, va = fewlabels.carve_validation(y, idx, 0.2, seed=0)
    assert len(tr) == 80 and len(va) == 20 and not set(tr) & set(va)
    assert set(tr) | set(va) == set(idx)
    assert np.all(np.bincount(y[va]) == 2)


def test_carve_validation_keeps_one_of_each_and_rejects_bad_fraction():
    y = _labels(per_class=2)
    tr, va = fewlabels.carve_validation(y, np.arange(20), 0.9, seed=0)
    assert np.all(np.bincount(y[tr]) == 1) and np.all(np.bincount(y[va]) == 1)
    with pytest.raises(ValueError, match="val_fraction is 1;"):
        fewlabels.carve_validation(y, np.arange(20), 1.0, seed=0)
    with pytest.raises(ValueError, match=r"indices hold 1 labelled example\(s\) of class 0"):
        fewlabels.carve_validation(y, np.arange(1, 20), 0.5, seed=0)


def _toy(n=200, seed=0):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 3, n)
    x = (rng.normal(size=(n, 6)) + 2.0 * np.eye(3, 6)[y]).astype("float32")
    return x, y


def _toy_runner():
    """Toy data, a small seeded classifier, its initial weights and a ReusableClassifier."""
    x, y = _toy()
    keras.utils.set_random_seed(0)
    clf = models.build_classifier((6,), code_dim=4, hidden=(8,), n_classes=3)
    return x, y, clf, clf.get_weights(), fewlabels.ReusableClassifier(
        clf, batch_size=16, max_epochs=30, patience=3)


def test_reusable_classifier_is_deterministic_and_restores_best():
    x, y, clf, w0, runner = _toy_runner()
    a = runner.fit(w0, 1e-2, x[:150], y[:150], x[150:], y[150:], seed=1)
    acc_a = runner.accuracy(x[150:], y[150:])
    b = runner.fit(w0, 1e-2, x[:150], y[:150], x[150:], y[150:], seed=1)
    assert a["best_val_loss"] == pytest.approx(b["best_val_loss"], rel=1e-6)
    assert runner.accuracy(x[150:], y[150:]) == acc_a
    assert acc_a > 0.6  # three well-separated classes: far above chance (1/3)
    # the weights kept are those of the best epoch: the validation loss now equals the best
    val = float(clf.evaluate(x[150:], y[150:], verbose=0))
    assert val == pytest.approx(a["best_val_loss"], rel=1e-4)
    assert a["best_epoch"] <= a["epochs"] <= 30


def test_runs_with_the_same_seed_share_their_dropout_masks():
    x, y = _toy()
    keras.utils.set_random_seed(0)
    clf = models.build_classifier((6,), code_dim=4, hidden=(8,), n_classes=3, dropout=0.5)
    w0, runner = clf.get_weights(), fewlabels.ReusableClassifier(
        clf, batch_size=16, max_epochs=5, patience=5)
    assert len(fewlabels._seed_generators(clf)) == 2            # drop_0 and drop_code
    fit = lambda seed: runner.fit(w0, 1e-2, x[:150], y[:150], x[150:], y[150:], seed=seed)
    first = fit(3)["best_val_loss"]
    other = fit(4)["best_val_loss"]        # another run in between moves the generators on
    again = fit(3)["best_val_loss"]
    assert again == pytest.approx(first, rel=1e-6)
    assert other != pytest.approx(first, rel=1e-6)
    # the masks, not only the batch order, follow the seed: with the generators left where
    # the last run put them, the same seed gives another run
    runner._noise = []
    assert fit(3)["best_val_loss"] != pytest.approx(first, rel=1e-6)


def test_reusable_classifier_bad_arguments():
    clf = models.build_classifier((6,), code_dim=4, hidden=(), n_classes=3)
    with pytest.raises(ValueError, match="patience is 0"):
        fewlabels.ReusableClassifier(clf, patience=0)
    runner = fewlabels.ReusableClassifier(clf)
    x, y = _toy(20)
    with pytest.raises(ValueError, match="learning_rate is -1"):
        runner.fit(clf.get_weights(), -1, x, y, x, y, seed=0)
    with pytest.raises(ValueError, match="y has 19 labels; expected 20"):
        runner.fit(clf.get_weights(), 1e-3, x, y[:19], x, y, seed=0)


def test_fit_logistic_picks_c_on_validation():
    x, y = _toy(300)
    model, C = fewlabels.fit_logistic(x[:200], y[:200], x[200:], y[200:], Cs=(1e-4, 1.0))
    assert C == 1.0  # C = 1e-4 shrinks every weight to ~0: a far worse validation loss
    assert np.mean(model.predict(x[200:]) == y[200:]) > 0.6
    with pytest.raises(ValueError, match=r"Cs\[0\] is 0"):
        fewlabels.fit_logistic(x, y, x, y, Cs=(0.0,))
    with pytest.raises(ValueError, match="Cs contains NaN"):
        fewlabels.fit_logistic(x, y, x, y, Cs=(1.0, float("nan")))
    with pytest.raises(ValueError, match="y_train has 299 labels; expected 300"):
        fewlabels.fit_logistic(x, y[:-1], x, y, Cs=(1.0,))


def test_mean_std_and_compare():
    assert fewlabels.mean_std([1.0, 3.0]) == (2.0, pytest.approx(np.sqrt(2)))
    assert fewlabels.mean_std([0.5]) == (0.5, 0.0)
    higher = fewlabels.compare([0.9, 0.91, 0.92], [0.80, 0.81, 0.82])
    assert higher["verdict"] == "higher" and higher["diff"] == pytest.approx(0.1)
    assert fewlabels.compare([0.80, 0.81, 0.82], [0.9, 0.91, 0.92])["verdict"] == "lower"
    assert fewlabels.compare([0.80, 0.90], [0.82, 0.86])["verdict"] == "no clear difference"
    with pytest.raises(ValueError, match="at least 2 seeds"):
        fewlabels.compare([0.9], [0.8, 0.7])
    # a small gap that every seed shows: unclear unpaired, clear when paired by seed
    a, b = [0.70, 0.80, 0.90, 0.75], [0.69, 0.79, 0.885, 0.74]
    assert fewlabels.compare(a, b)["verdict"] == "no clear difference"
    paired = fewlabels.compare(a, b, paired=True)
    assert paired["verdict"] == "higher"
    assert paired["se"] == pytest.approx(np.std(np.subtract(a, b), ddof=1) / 2)
    with pytest.raises(ValueError, match="one of each per seed"):
        fewlabels.compare([0.9, 0.8, 0.7], [0.8, 0.7], paired=True)


def test_experiment_runs_every_method_and_summarizes():
    rows = _experiment((1e-2,), budgets=(15, 30), seeds=(0, 1))
    assert len(rows) == 2 * 2 * len(fewlabels.METHODS)
    assert {r["method"] for r in rows} == set(fewlabels.METHODS)
    summary = fewlabels.summarize(rows)
    assert len(summary) == 2 * len(fewlabels.METHODS)
    assert all(s["seeds"] == 2 and 0 <= s["mean"] <= 1 for s in summary)
    # pixels are informative: logistic regression on them is far above chance (1/3)
    floor = [s for s in summary if s["method"] == fewlabels.METHODS[0]]
    assert min(s["mean"] for s in floor) > 0.6


# --------------------------------------------------------- issue 15: hardened behaviour --
def test_carve_validation_is_sklearns_stratified_split():
    from sklearn.model_selection import train_test_split

    y = _labels(per_class=20)
    idx = fewlabels.balanced_indices(y, 100, seed=1)
    tr, va = fewlabels.carve_validation(y, idx, 0.2, seed=7)      # 2 of the 10 per class
    want_tr, want_va = train_test_split(idx, test_size=20, stratify=y[idx], random_state=7)
    np.testing.assert_array_equal(tr, np.sort(want_tr))
    np.testing.assert_array_equal(va, np.sort(want_va))
    # seeded: the same seed gives the same split, another seed another one
    again = fewlabels.carve_validation(y, idx, 0.2, seed=7)
    np.testing.assert_array_equal(tr, again[0])
    np.testing.assert_array_equal(va, again[1])
    assert not np.array_equal(va, fewlabels.carve_validation(y, idx, 0.2, seed=8)[1])


@pytest.mark.parametrize("seed", range(6))
def test_carve_validation_keeps_one_of_each_class_with_unequal_classes(seed):
    # a class of 2 next to classes of 20 and 9: the stratified draw alone may leave the
    # small class without a validation (or a training) example
    y = np.repeat(np.arange(3), (2, 20, 9))
    idx = np.arange(len(y))
    for fraction in (0.1, 0.2, 0.5, 0.9):
        tr, va = fewlabels.carve_validation(y, idx, fraction, seed=seed)
        assert not set(tr) & set(va) and set(tr) | set(va) == set(idx)
        assert np.all(np.bincount(y[tr], minlength=3) >= 1)
        assert np.all(np.bincount(y[va], minlength=3) >= 1)


def test_reusable_classifier_reports_a_diverged_run():
    x, y, clf, w0, runner = _toy_runner()
    r = runner.fit(w0, 1e20, x[:150], y[:150], x[150:], y[150:], seed=1)
    assert r["diverged"] is True and np.isnan(r["best_val_loss"]) and r["best_epoch"] == 0
    for got, want in zip(clf.get_weights(), w0):      # back at the initial weights
        np.testing.assert_array_equal(got, want)
    ok = runner.fit(w0, 1e-2, x[:150], y[:150], x[150:], y[150:], seed=1)
    assert ok["diverged"] is False and np.isfinite(ok["best_val_loss"])


@pytest.mark.parametrize("a, b, name", [([0.9, float("nan"), 0.8], [0.7, 0.8, 0.75], "a"),
                                        ([0.9, 0.85, 0.8], [0.7, float("inf"), 0.75], "b")])
def test_compare_refuses_nan_and_inf_scores(a, b, name):
    for paired in (False, True):
        with pytest.raises(ValueError, match=f"^{name} contains"):
            fewlabels.compare(a, b, paired=paired)


def _experiment(learning_rates, make=None, **kwargs):
    rng = np.random.default_rng(0)
    y = np.repeat(np.arange(3), 40)
    x = (rng.normal(size=(120, 8)) + 2.0 * np.eye(3, 8)[y]).astype("float32")
    keras.utils.set_random_seed(0)
    encoder = models.build_dense_autoencoder((8,), code_dim=4, hidden=(6,)).encoder
    make = make or (lambda dropout: models.build_classifier((8,), code_dim=4, hidden=(6,),
                                                            n_classes=3, dropout=dropout))
    return fewlabels.label_budget_experiment(
        x[:90], y[:90], x[90:], y[90:], encoder=encoder, make_classifier=make,
        learning_rates=learning_rates, max_epochs=5, patience=2, Cs=(1.0,), verbose=False,
        **kwargs)


def test_experiment_never_chooses_a_diverged_learning_rate():
    rows = _experiment((1e20, 1e-2), budgets=(15,), seeds=(0,))
    trained = [r for r in rows if r["method"] in fewlabels.METHODS[2:]]
    assert len(trained) == 2 and all(r["choice"] == "lr=0.01" for r in trained)
    assert all(0 <= r["test_accuracy"] <= 1 for r in rows)


def test_experiment_with_every_learning_rate_diverged_names_the_run():
    with pytest.raises(RuntimeError, match="budget 15, seed 1, method 'from scratch'"):
        _experiment((1e20,), budgets=(15,), seeds=(1,))


def test_experiment_checks_every_budget_before_the_first_run():
    with pytest.raises(ValueError, match="n is 16"):
        _experiment((1e-2,), budgets=(15, 16), seeds=(0,))


def test_experiment_tunes_the_dropout_rate_with_the_learning_rate():
    """Both networks get the same grid of learning rates and dropout rates; each run's choice
    names both, and the same seed gives the same rows."""
    rows = _experiment((1e-2, 3e-2), dropouts=(0.0, 0.5), budgets=(15,), seeds=(0, 1))
    trained = [r for r in rows if r["method"] in fewlabels.METHODS[2:]]
    assert len(trained) == 4
    for r in trained:
        lr, dropout = r["choice"].split(", ")
        assert lr in ("lr=0.01", "lr=0.03") and dropout in ("dropout=0", "dropout=0.5")
        assert dropout == f"dropout={r['dropout']:g}"
    assert all(r["dropout"] is None for r in rows if r["method"] in fewlabels.METHODS[:2])
    one = _experiment((1e-2,), dropouts=(0.5,), budgets=(15,), seeds=(0,))
    assert [r["dropout"] for r in one if r["method"] in fewlabels.METHODS[2:]] == [0.5, 0.5]
    again = _experiment((1e-2, 3e-2), dropouts=(0.0, 0.5), budgets=(15,), seeds=(0, 1))
    assert [r["test_accuracy"] for r in rows] == [r["test_accuracy"] for r in again]


def test_experiment_refuses_a_classifier_that_changes_with_dropout():
    def make(dropout):      # a wider body when dropout is asked for: not the same model
        return models.build_classifier((8,), code_dim=4, hidden=(6 if dropout == 0 else 7,),
                                       n_classes=3, dropout=dropout)

    with pytest.raises(ValueError, match="other weights for other dropout rates"):
        _experiment((1e-2,), make=make, dropouts=(0.0, 0.5), budgets=(15,), seeds=(0,))
