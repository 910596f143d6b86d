"""Bad inputs to vae, fewlabels, watermark and dekel: each call must fail with the right exception
type and a message that names the argument (and says what is expected).

``COVERED`` lists every public name these CASES exercise; tests/test_bad_inputs.py runs
the cases and checks that every public name of utils is covered.
"""

import functools

import keras
import numpy as np

from utils import dekel, fewlabels, models, pretrain, vae, watermark

MODULES = (vae, fewlabels, watermark, dekel, pretrain)

V, T = ValueError, TypeError
NAN = float("nan")

# small valid inputs; each case spoils one argument
BIN = (np.arange(32).reshape(2, 4, 4, 1) % 3 == 0).astype("float32")   # binary images
GREY = np.full((2, 4, 4, 1), 0.5, "float32")
B255 = np.full((2, 4, 4, 1), 128.0)                   # 8-bit pixels, not divided by 255
Z = np.zeros((3, 2))

Y = np.repeat(np.arange(3), 10)                       # 3 classes of 10
X = np.random.default_rng(0).normal(size=(30, 6)).astype("float32")
IDX = np.arange(30)

RGB = np.full((16, 16, 3), 0.5, "float32")
PATCHES = np.full((2, 16, 16, 3), 0.5, "float32")
MASK = np.ones((16, 16), "float32")
ALPHA = np.full((2, 16, 16), 0.3, "float32")
COLOURS = np.ones((2, 3), "float32")


def with_nan(a):
    a = np.array(a, dtype=float)
    a.flat[0] = np.nan
    return a


@functools.cache
def tiny_vae(latent_dim=2):
    return vae.build_vae((4, 4, 1), latent_dim=latent_dim, kind="dense", widths=(4,), seed=0)


@functools.cache
def runner():
    keras.utils.set_random_seed(0)
    clf = models.build_classifier((6,), code_dim=3, hidden=(), n_classes=3)
    return fewlabels.ReusableClassifier(clf, max_epochs=1)


def fit(**kwargs):
    r = runner()
    args = dict(weights=r.model.get_weights(), learning_rate=1e-2, x=X[:20], y=Y[:20],
                x_val=X[20:], y_val=Y[20:], seed=0)
    args.update(kwargs)
    return r.fit(args.pop("weights"), args.pop("learning_rate"), args.pop("x"), args.pop("y"),
                 args.pop("x_val"), args.pop("y_val"), **args)


def logistic(**kwargs):
    args = dict(f_train=X[:20], y_train=Y[:20], f_val=X[20:], y_val=Y[20:], Cs=(1.0,))
    args.update(kwargs)
    return fewlabels.fit_logistic(**args)


@functools.cache
def encoder():
    return keras.Sequential([keras.Input((6,)), keras.layers.Dense(3)])


def experiment(**kwargs):
    args = dict(x_train=X, y_train=Y, x_test=X[:9], y_test=Y[:9], encoder=encoder(),
                make_classifier=lambda dropout=0.0: None, budgets=(6,), seeds=(0,),
                learning_rates=(1e-2,), verbose=False)
    args.update(kwargs)
    return fewlabels.label_budget_experiment(**args)


def blend(**kwargs):
    args = dict(image=RGB, shape_mask=MASK, colour=[1, 1, 1], alpha=0.5)
    args.update(kwargs)
    return watermark.blend(**args)


def watermarked(**kwargs):
    args = dict(j=PATCHES, clean=PATCHES, alpha=ALPHA, colour=COLOURS, names=("a", "b"))
    args.update(kwargs)
    return watermark.Watermarked(**args)


def sampler(**kwargs):
    return watermark.WatermarkSampler("train", **kwargs)


ROWS = [dict(budget=6, method="m", test_accuracy=0.5), dict(budget=6, method="m",
                                                            test_accuracy=0.7)]

CASES = [
    # ---- vae
    ("binarize-255", lambda: vae.binarize(B255), V, r"x has values in \[128, 128\].*divide by 255"),
    ("binarize-nan", lambda: vae.binarize(with_nan(GREY)), V, "x contains NaN"),
    ("binarize-empty", lambda: vae.binarize(np.zeros((0, 4, 4, 1))),
     V, r"x has shape \(0, 4, 4, 1\)"),
    ("binarize-str", lambda: vae.binarize("abc"), T, "x is 'abc'"),
    ("binarize-scalar", lambda: vae.binarize(0.5), V, "x is a scalar"),
    ("binarize-method", lambda: vae.binarize(GREY, "round"), V, "method is 'round'"),
    ("binarize-seed-float", lambda: vae.binarize(GREY, "sample", seed=1.5), T, "seed is 1.5"),
    ("binarize-seed-none", lambda: vae.binarize(GREY, "sample"), V, "seed is None"),
    ("kl_standard_normal-shape", lambda: vae.kl_standard_normal(np.zeros((2, 3)), np.zeros((2, 4))),
     V, r"mu has shape \(2, 3\) and log_var \(2, 4\)"),
    ("kl_standard_normal-nan", lambda: vae.kl_standard_normal(Z, with_nan(Z)), V,
     "log_var contains NaN"),
    ("kl_standard_normal-scalar", lambda: vae.kl_standard_normal(0.0, 0.0), V, "mu is a scalar"),
    ("kl_standard_normal-str", lambda: vae.kl_standard_normal("a", Z), T, "mu is 'a'"),
    ("bernoulli_nll-shape", lambda: vae.bernoulli_nll(BIN, np.zeros((2, 4, 4, 2), "float32")), V,
     r"x has shape \(2, 4, 4, 1\) and logits \(2, 4, 4, 2\)"),
    ("bernoulli_nll-255", lambda: vae.bernoulli_nll(B255, np.zeros((2, 4, 4, 1), "float32")), V,
     "divide by 255"),
    ("bernoulli_nll-1d", lambda: vae.bernoulli_nll(np.zeros(4), np.zeros(4)),
     V, r"x has shape \(4,\)"),
    ("bernoulli_nll-nan", lambda: vae.bernoulli_nll(BIN, with_nan(BIN)), V, "logits contains NaN"),
    ("Sampling-beta-nan", lambda: vae.Sampling(beta=NAN), V, "beta is NaN"),
    ("Sampling-beta-negative", lambda: vae.Sampling(beta=-1),
     V, r"beta is -1; expected a number >= 0"),
    ("Sampling-beta-str", lambda: vae.Sampling(beta="1"), T, "beta is '1'"),
    ("Sampling-seed-negative", lambda: vae.Sampling(seed=-1), V, "seed is -1"),
    ("Sampling-seed-float", lambda: vae.Sampling(seed=1.5), T, "seed is 1.5"),
    ("Sampling-call-three", lambda: vae.Sampling()([Z, Z, Z]),
     T, r"Sampling takes \[mu, log_var\]"),
    ("Sampling-call-shape", lambda: vae.Sampling()([np.zeros((2, 3), "float32"),
                                                     np.zeros((2, 4), "float32")]), V,
     r"mu has shape \(2, 3\) and log_var \(2, 4\)"),
    ("VAE-str", lambda: vae.VAE("enc", tiny_vae().decoder, tiny_vae().model), T,
     "encoder is str; expected a keras.Model"),
    ("build_vae-latent-0", lambda: vae.build_vae(latent_dim=0), V, "latent_dim is 0"),
    ("build_vae-latent-float", lambda: vae.build_vae(latent_dim=2.0), T, "latent_dim is 2.0"),
    ("build_vae-widths-0", lambda: vae.build_vae(widths=(32, 0)), V, r"widths\[1\] is 0"),
    ("build_vae-widths-str", lambda: vae.build_vae(widths="32"), T, "widths is '32'"),
    ("build_vae-widths-empty", lambda: vae.build_vae(widths=()), V, r"widths is \(\)"),
    ("build_vae-kind", lambda: vae.build_vae(kind="rnn"), V, "kind is 'rnn'"),
    ("build_vae-beta-nan", lambda: vae.build_vae(beta=NAN), V, "beta is NaN"),
    ("build_vae-beta-negative", lambda: vae.build_vae(beta=-0.5), V, "beta is -0.5"),
    ("build_vae-shape-2d", lambda: vae.build_vae((28, 28)), V, r"input_shape is \(28, 28\)"),
    ("build_vae-shape-4d", lambda: vae.build_vae((1, 28, 28, 1)), V,
     r"input_shape is \(1, 28, 28, 1\); expected \(height, width, channels\)"),
    ("build_vae-shape-float", lambda: vae.build_vae((28.0, 28, 1)), T, r"input_shape\[0\] is 28.0"),
    ("build_vae-shape-divisible", lambda: vae.build_vae((30, 30, 1)), V, "divisible by 4"),
    ("build_vae-seed", lambda: vae.build_vae(seed=-1), V, "seed is -1"),
    ("build_vae-name", lambda: vae.build_vae(name=""), V, "name is ''"),
    ("neg_elbo-keras-model", lambda: vae.neg_elbo(tiny_vae().model, BIN), T,
     "vae is Functional; expected a vae.VAE"),
    ("neg_elbo-grey", lambda: vae.neg_elbo(tiny_vae(), GREY), V, "x has values other than 0 and 1"),
    ("neg_elbo-255", lambda: vae.neg_elbo(tiny_vae(), B255), V, "divide by 255"),
    ("neg_elbo-shape", lambda: vae.neg_elbo(tiny_vae(), np.zeros((2, 5, 5, 1))), V,
     r"x has shape \(2, 5, 5, 1\); expected \(n, 4, 4, 1\)"),
    ("neg_elbo-3d", lambda: vae.neg_elbo(tiny_vae(), BIN[..., 0]), V, r"x has shape \(2, 4, 4\)"),
    ("neg_elbo-empty", lambda: vae.neg_elbo(tiny_vae(), BIN[:0]), V, r"x has shape \(0, 4, 4, 1\)"),
    ("neg_elbo-nan", lambda: vae.neg_elbo(tiny_vae(), with_nan(BIN)), V, "x contains NaN"),
    ("neg_elbo-batch_size", lambda: vae.neg_elbo(tiny_vae(), BIN, batch_size=0),
     V, "batch_size is 0"),
    ("neg_elbo-seed", lambda: vae.neg_elbo(tiny_vae(), BIN, seed=0.5), T, "seed is 0.5"),
    ("iwae_bound-k-0", lambda: vae.iwae_bound(tiny_vae(), BIN, k=0),
     V, r"k is 0; expected an integer >= 1"),
    ("iwae_bound-k-float", lambda: vae.iwae_bound(tiny_vae(), BIN, k=10.0), T, "k is 10.0"),
    ("iwae_bound-chunk", lambda: vae.iwae_bound(tiny_vae(), BIN, chunk=0), V, "chunk is 0"),
    ("iwae_bound-seed", lambda: vae.iwae_bound(tiny_vae(), BIN, seed=-3), V, "seed is -3"),
    ("iwae_bound-vae", lambda: vae.iwae_bound(None, BIN), T, "vae is NoneType"),
    ("iwae_bound-grey", lambda: vae.iwae_bound(tiny_vae(), GREY), V, "binarised"),
    ("decode-shape", lambda: vae.decode(tiny_vae(), np.zeros((3, 5))), V,
     r"z has shape \(3, 5\); expected \(n, 2\)"),
    ("decode-1d", lambda: vae.decode(tiny_vae(), np.zeros(2)), V, r"z has shape \(2,\)"),
    ("decode-empty", lambda: vae.decode(tiny_vae(), np.zeros((0, 2))), V, r"z has shape \(0, 2\)"),
    ("decode-nan", lambda: vae.decode(tiny_vae(), with_nan(Z)), V, "z contains NaN"),
    ("decode-vae", lambda: vae.decode(tiny_vae().decoder, Z), T, "vae is Functional"),
    ("sample_prior-n-0", lambda: vae.sample_prior(tiny_vae(), 0), V, "n is 0"),
    ("sample_prior-n-float", lambda: vae.sample_prior(tiny_vae(), 3.0), T, "n is 3.0"),
    ("sample_prior-seed", lambda: vae.sample_prior(tiny_vae(), 3, seed="0"), T, "seed is '0'"),
    ("latent_grid-quantile-nan", lambda: vae.latent_grid(tiny_vae(), quantile=NAN),
     V, "quantile is NaN"),
    ("latent_grid-quantile-half", lambda: vae.latent_grid(tiny_vae(), quantile=0.5), V,
     r"quantile is 0.5; expected a number in \(0, 0.5\)"),
    ("latent_grid-n-0", lambda: vae.latent_grid(tiny_vae(), 0), V, "n is 0"),
    ("latent_grid-3d", lambda: vae.latent_grid(tiny_vae(3)),
     V, "vae has a 3-d latent space; latent_grid needs a 2-d one"),
    ("interpolate-steps-1", lambda: vae.interpolate(tiny_vae(), BIN, BIN, steps=1), V,
     r"steps is 1; expected an integer >= 2"),
    ("interpolate-steps-float", lambda: vae.interpolate(tiny_vae(), BIN, BIN, steps=4.0), T,
     "steps is 4.0"),
    ("interpolate-mismatch", lambda: vae.interpolate(tiny_vae(), BIN, BIN[:1]), V,
     r"x_a has shape \(2, 4, 4, 1\) and x_b \(1, 4, 4, 1\)"),
    ("interpolate-grey", lambda: vae.interpolate(tiny_vae(), BIN, GREY), V,
     "x_b has values other than 0 and 1"),
    ("interpolate-vae", lambda: vae.interpolate([1], BIN, BIN), T, "vae is list"),
    # ---- fewlabels
    ("balanced_indices-y-float", lambda: fewlabels.balanced_indices(Y * 1.0, 6, seed=0), T,
     "y has dtype float64; expected integer class labels"),
    ("balanced_indices-y-2d", lambda: fewlabels.balanced_indices(Y.reshape(3, 10), 6, seed=0), V,
     r"y has shape \(3, 10\)"),
    ("balanced_indices-y-empty", lambda: fewlabels.balanced_indices(Y[:0], 6, seed=0), V,
     r"y has shape \(0,\)"),
    ("balanced_indices-n-multiple", lambda: fewlabels.balanced_indices(Y, 7, seed=0), V,
     "n is 7; expected a positive multiple of the 3 classes"),
    ("balanced_indices-n-0", lambda: fewlabels.balanced_indices(Y, 0, seed=0), V, "n is 0"),
    ("balanced_indices-n-float", lambda: fewlabels.balanced_indices(Y, 6.0, seed=0), T, "n is 6.0"),
    ("balanced_indices-n-bool", lambda: fewlabels.balanced_indices(Y, True, seed=0),
     T, "n is True"),
    ("balanced_indices-n-short", lambda: fewlabels.balanced_indices(Y, 33, seed=0),
     V, "y has 10 examples of class 0"),
    ("balanced_indices-seed-none", lambda: fewlabels.balanced_indices(Y, 6, seed=None),
     T, "seed is None"),
    ("carve_validation-fraction-nan", lambda: fewlabels.carve_validation(Y, IDX, NAN, seed=0), V,
     "val_fraction is NaN"),
    ("carve_validation-fraction-0", lambda: fewlabels.carve_validation(Y, IDX, 0, seed=0), V,
     r"val_fraction is 0; expected a number in \(0, 1\)"),
    ("carve_validation-fraction-str", lambda: fewlabels.carve_validation(Y, IDX, "0.2", seed=0), T,
     "val_fraction is '0.2'"),
    ("carve_validation-indices-range", lambda: fewlabels.carve_validation(Y, IDX + 5, 0.2, seed=0),
     V, r"indices has values in \[5, 34\]"),
    ("carve_validation-indices-repeated", lambda: fewlabels.carve_validation(
        Y, np.r_[IDX, 0], 0.2, seed=0), V, "indices has repeated entries"),
    ("carve_validation-indices-float", lambda: fewlabels.carve_validation(
        Y, IDX * 1.0, 0.2, seed=0), T, "indices has dtype float64; expected integer indices"),
    ("carve_validation-seed-generator", lambda: fewlabels.carve_validation(
        Y, IDX, 0.2, seed=np.random.default_rng(0)), T, "seed is Generator.*expected an integer"),
    ("carve_validation-seed-big", lambda: fewlabels.carve_validation(Y, IDX, 0.2, seed=2 ** 32), V,
     r"seed is 4294967296; expected an integer seed in \[0, 4294967295\]"),
    ("carve_validation-one-per-class", lambda: fewlabels.carve_validation(
        Y, np.r_[0, 10:30], 0.2, seed=0), V, r"indices hold 1 labelled example\(s\) of class 0"),
    ("ReusableClassifier-model", lambda: fewlabels.ReusableClassifier("mlp"), T,
     "model is str; expected a keras.Model"),
    ("ReusableClassifier-batch_size", lambda: fewlabels.ReusableClassifier(
        runner().model, batch_size=0), V, "batch_size is 0"),
    ("ReusableClassifier-max_epochs", lambda: fewlabels.ReusableClassifier(
        runner().model, max_epochs=10.0), T, "max_epochs is 10.0"),
    ("ReusableClassifier-patience", lambda: fewlabels.ReusableClassifier(
        runner().model, patience=True), T, "patience is True"),
    ("ReusableClassifier.fit-lr-nan", lambda: fit(learning_rate=NAN), V, "learning_rate is NaN"),
    ("ReusableClassifier.fit-lr-0", lambda: fit(learning_rate=0), V,
     "learning_rate is 0; expected a number > 0"),
    ("ReusableClassifier.fit-x-nan", lambda: fit(x=with_nan(X[:20])), V, "x contains NaN"),
    ("ReusableClassifier.fit-x-empty", lambda: fit(x=X[:0], y=Y[:0]), V, r"x has shape \(0, 6\)"),
    ("ReusableClassifier.fit-y-length", lambda: fit(y=Y[:19]), V, "y has 19 labels; expected 20"),
    ("ReusableClassifier.fit-y-float", lambda: fit(y=Y[:20] * 1.0), T, "y has dtype float64"),
    ("ReusableClassifier.fit-y_val-length", lambda: fit(y_val=Y[:3]), V, "y_val has 3 labels"),
    ("ReusableClassifier.fit-x_val-shape", lambda: fit(x_val=X[20:, :5]), V,
     r"x has shape \(20, 6\) and x_val \(10, 5\)"),
    ("ReusableClassifier.fit-weights-none", lambda: fit(weights=None), T, "weights is None"),
    ("ReusableClassifier.fit-weights-length", lambda: fit(weights=runner().model.get_weights()[:1]),
     V, r"weights holds 1 array\(s\); expected 4"),
    ("ReusableClassifier.fit-weights-shape", lambda: fit(
        weights=[np.zeros((5, 3))] + runner().model.get_weights()[1:]), V,
     r"weights\[0\] has shape \(5, 3\); expected \(6, 3\)"),
    ("ReusableClassifier.fit-weights-nan", lambda: fit(
        weights=[with_nan(np.zeros((6, 3)))] + runner().model.get_weights()[1:]), V,
     r"weights\[0\] contains NaN"),
    ("ReusableClassifier.fit-seed-none", lambda: fit(seed=None), T, "seed is None"),
    ("ReusableClassifier.accuracy-y-length", lambda: runner().accuracy(X, Y[:5]), V,
     "y has 5 labels; expected 30"),
    ("ReusableClassifier.accuracy-x-nan", lambda: runner().accuracy(with_nan(X), Y), V,
     "x contains NaN"),
    ("fit_logistic-Cs-nan", lambda: logistic(Cs=(1.0, NAN)), V, "Cs contains NaN"),
    ("fit_logistic-Cs-empty", lambda: logistic(Cs=()), V, r"Cs has shape \(0,\)"),
    ("fit_logistic-Cs-negative", lambda: logistic(Cs=(-1.0,)),
     V, r"Cs\[0\] is -1; expected a number > 0"),
    ("fit_logistic-Cs-str", lambda: logistic(Cs="1"), T, "Cs is '1'"),
    ("fit_logistic-length", lambda: logistic(y_train=Y[:19]),
     V, "y_train has 19 labels; expected 20"),
    ("fit_logistic-val-length", lambda: logistic(f_val=X[:4]),
     V, "y_val has 10 labels; expected 4"),
    ("fit_logistic-columns", lambda: logistic(f_val=X[20:, :4]), V,
     r"f_train has shape \(20, 6\) and f_val \(10, 4\)"),
    ("fit_logistic-1d", lambda: logistic(f_train=X[:20, 0]), V, r"f_train has shape \(20,\)"),
    ("fit_logistic-images", lambda: logistic(f_train=X[:20].reshape(20, 2, 3)), V,
     r"f_train has shape \(20, 2, 3\); expected \(examples, features\)"),
    ("fit_logistic-nan", lambda: logistic(f_train=with_nan(X[:20])), V, "f_train contains NaN"),
    ("fit_logistic-max_iter", lambda: logistic(max_iter=0), V, "max_iter is 0"),
    ("mean_std-nan", lambda: fewlabels.mean_std([0.5, NAN]), V, "values contains NaN"),
    ("mean_std-empty", lambda: fewlabels.mean_std([]), V, r"values has shape \(0,\)"),
    ("mean_std-2d", lambda: fewlabels.mean_std([[0.5, 0.6]]), V, r"values has shape \(1, 2\)"),
    ("mean_std-str", lambda: fewlabels.mean_std("0.5"), T, "values is '0.5'"),
    ("compare-nan", lambda: fewlabels.compare([0.9, NAN], [0.8, 0.7]), V, "a contains NaN"),
    ("compare-inf", lambda: fewlabels.compare([0.9, 0.8], [0.8, np.inf]), V, "b contains infinite"),
    ("compare-one-seed", lambda: fewlabels.compare([0.9], [0.8, 0.7]), V, "at least 2 seeds"),
    ("compare-paired-lengths", lambda: fewlabels.compare([0.9, 0.8, 0.7], [0.8, 0.7], paired=True),
     V, "one of each per seed"),
    ("compare-paired-str", lambda: fewlabels.compare([0.9, 0.8], [0.8, 0.7], paired="yes"), T,
     "paired is 'yes'"),
    ("compare-2d", lambda: fewlabels.compare([[0.9, 0.8]], [0.8, 0.7]), V, r"a has shape \(1, 2\)"),
    ("label_budget_experiment-budgets-empty", lambda: experiment(budgets=()),
     V, r"budgets is \(\)"),
    ("label_budget_experiment-budget-multiple", lambda: experiment(budgets=(6, 7)), V, "n is 7"),
    ("label_budget_experiment-budget-carve", lambda: experiment(budgets=(3,)), V,
     r"indices hold 1 labelled example\(s\) of class 0"),
    ("label_budget_experiment-seeds", lambda: experiment(seeds=(-1,)), V, r"seeds\[0\] is -1"),
    ("label_budget_experiment-seeds-big", lambda: experiment(seeds=(0, 2 ** 40)), V,
     r"seeds\[1\] is 1099511627776; expected an integer seed in \[0, 4294967295\]"),
    ("label_budget_experiment-seeds-int", lambda: experiment(seeds=0), T, "seeds is 0"),
    ("label_budget_experiment-lr-nan", lambda: experiment(learning_rates=(NAN,)), V,
     "learning_rates contains NaN"),
    ("label_budget_experiment-lr-negative", lambda: experiment(learning_rates=(1e-2, -1e-3)), V,
     r"learning_rates\[1\] is -0.001"),
    ("label_budget_experiment-dropouts-one", lambda: experiment(dropouts=(0.0, 1.0)), V,
     r"dropouts\[1\] is 1"),
    ("label_budget_experiment-dropouts-twice", lambda: experiment(dropouts=(0.5, 0.5)), V,
     "a rate twice"),
    ("label_budget_experiment-val_fraction", lambda: experiment(val_fraction=0.0), V,
     "val_fraction is 0"),
    ("label_budget_experiment-encoder", lambda: experiment(encoder=None), T, "encoder is NoneType"),
    ("label_budget_experiment-make_classifier", lambda: experiment(make_classifier=3), T,
     "make_classifier is 3"),
    ("label_budget_experiment-y_train", lambda: experiment(y_train=Y[:20]), V,
     "y_train has 20 labels; expected 30"),
    ("label_budget_experiment-x_test", lambda: experiment(x_test=X[:9, :5]), V,
     r"x_train has shape \(30, 6\) and x_test \(9, 5\)"),
    ("label_budget_experiment-x_train-nan", lambda: experiment(x_train=with_nan(X)), V,
     "x_train contains NaN"),
    ("label_budget_experiment-patience", lambda: experiment(patience=0), V, "patience is 0"),
    ("label_budget_experiment-Cs", lambda: experiment(Cs=(0.0,)), V, r"Cs\[0\] is 0"),
    ("label_budget_experiment-verbose", lambda: experiment(verbose="no"), T, "verbose is 'no'"),
    ("summarize-empty", lambda: fewlabels.summarize([]), V, "rows is empty"),
    ("summarize-dict", lambda: fewlabels.summarize(ROWS[0]), T, "rows is"),
    ("summarize-row-list", lambda: fewlabels.summarize([[6, "m", 0.5]]), T, r"rows\[0\] is \[6"),
    ("summarize-missing", lambda: fewlabels.summarize([dict(budget=6, method="m")]), V,
     r"rows\[0\] has no 'test_accuracy'"),
    ("summarize-nan", lambda: fewlabels.summarize([ROWS[0], dict(ROWS[1], test_accuracy=NAN)]), V,
     r"rows\[1\]\['test_accuracy'\] is NaN"),
    # ---- watermark
    ("render_text-empty", lambda: watermark.render_text("", 20), V, "text is ''"),
    ("render_text-int", lambda: watermark.render_text(3, 20), T, "text is 3"),
    ("render_text-height", lambda: watermark.render_text("DRAFT", 3), V,
     "height is 3; expected an integer >= 4"),
    ("render_text-height-float", lambda: watermark.render_text("DRAFT", 20.0), T, "height is 20.0"),
    ("render_logo-name", lambda: watermark.render_logo("heart", 24), V, "name is 'heart'"),
    ("render_logo-size", lambda: watermark.render_logo("star", 4),
     V, "size is 4; expected an integer >= 8"),
    ("render_logo-size-float", lambda: watermark.render_logo("star", 24.0), T, "size is 24.0"),
    ("blend-alpha-nan", lambda: blend(alpha=NAN), V, "alpha is NaN"),
    ("blend-alpha-big", lambda: blend(alpha=1.5),
     V, r"alpha is 1.5; expected a number in \[0, 1\]"),
    ("blend-alpha-str", lambda: blend(alpha="0.5"), T, "alpha is '0.5'"),
    ("blend-image-255", lambda: blend(image=RGB * 255), V, "image has values .*divide by 255"),
    ("blend-image-2d", lambda: blend(image=RGB[..., 0]), V, r"image has shape \(16, 16\)"),
    ("blend-image-rgba", lambda: blend(image=np.ones((16, 16, 4))), V,
     r"image has shape \(16, 16, 4\); expected \(H, W, 3\)"),
    ("blend-image-nan", lambda: blend(image=with_nan(RGB)), V, "image contains NaN"),
    ("blend-image-empty", lambda: blend(image=RGB[:0], shape_mask=MASK[:0]), V,
     r"image has shape \(0, 16, 3\)"),
    ("blend-mask-shape", lambda: blend(shape_mask=np.ones((4, 4))),
     V, r"shape_mask has shape \(4, 4\)"),
    ("blend-mask-nan", lambda: blend(shape_mask=with_nan(MASK)), V, "shape_mask contains NaN"),
    ("blend-colour-255", lambda: blend(colour=[255, 0, 0]), V, "colour has values .*divide by 255"),
    ("blend-colour-2", lambda: blend(colour=[1, 0]),
     V, r"colour has shape \(2,\); expected \(3,\)"),
    ("Watermarked-j-3d", lambda: watermarked(j=PATCHES[0]), V, r"j has shape \(16, 16, 3\)"),
    ("Watermarked-clean", lambda: watermarked(clean=PATCHES[:1]),
     V, r"clean has shape \(1, 16, 16, 3\)"),
    ("Watermarked-alpha", lambda: watermarked(alpha=ALPHA[:, :8]),
     V, r"alpha has shape \(2, 8, 16\)"),
    ("Watermarked-colour", lambda: watermarked(colour=COLOURS[:1]),
     V, r"colour has shape \(1, 3\)"),
    ("Watermarked-names", lambda: watermarked(names=("a", 3)), T, r"names\[1\] is 3"),
    ("WatermarkSampler-split", lambda: watermark.WatermarkSampler("valid"), V, "split is 'valid'"),
    ("WatermarkSampler-alpha_range-nan", lambda: sampler(alpha_range=(0.3, NAN)), V,
     "alpha_range contains NaN"),
    ("WatermarkSampler-alpha_range-order", lambda: sampler(alpha_range=(0.7, 0.3)), V,
     r"alpha_range is \(0.7, 0.3\); expected 0 <= low <= high <= 1"),
    ("WatermarkSampler-alpha_range-big", lambda: sampler(alpha_range=(0.3, 1.5)), V,
     r"alpha_range\[1\] is 1.5"),
    ("WatermarkSampler-alpha_range-3", lambda: sampler(alpha_range=(0.1, 0.2, 0.3)), V,
     r"alpha_range is \(0.1, 0.2, 0.3\); expected \(low, high\)"),
    ("WatermarkSampler-alpha_range-scalar", lambda: sampler(alpha_range=0.5), V,
     r"alpha_range has shape \(\)"),
    ("WatermarkSampler-p_text", lambda: sampler(p_text=1.5),
     V, r"p_text is 1.5; expected a number in \[0, 1\]"),
    ("WatermarkSampler-p_text-nan", lambda: sampler(p_text=NAN), V, "p_text is NaN"),
    ("WatermarkSampler-seed", lambda: sampler(seed=-1), V, "seed is -1"),
    ("WatermarkSampler-seed-float", lambda: sampler(seed=0.5), T, "seed is 0.5"),
    ("WatermarkSampler.shape-size", lambda: sampler().shape(0), V, "size is 0"),
    ("WatermarkSampler.apply-255", lambda: sampler().apply(PATCHES * 255), V,
     "patches has values .*divide by 255"),
    ("WatermarkSampler.apply-not-square", lambda: sampler().apply(PATCHES[:, :8]), V,
     r"patches has shape \(2, 8, 16, 3\); expected \(N, S, S, 3\)"),
    ("WatermarkSampler.apply-3d", lambda: sampler().apply(PATCHES[0]),
     V, r"patches has shape \(16, 16, 3\)"),
    ("WatermarkSampler.apply-empty", lambda: sampler().apply(PATCHES[:0]), V,
     r"patches has shape \(0, 16, 16, 3\)"),
    ("WatermarkSampler.apply-nan", lambda: sampler().apply(with_nan(PATCHES)),
     V, "patches contains NaN"),
    ("WatermarkSampler.apply-quantize", lambda: sampler().apply(PATCHES, quantize="yes"), T,
     "quantize is 'yes'"),
    ("WatermarkSampler.apply_to_image-255", lambda: sampler().apply_to_image(RGB * 255, 1, 8), V,
     "image has values .*divide by 255"),
    ("WatermarkSampler.apply_to_image-batch", lambda: sampler().apply_to_image(PATCHES, 1, 8), V,
     r"image has shape \(2, 16, 16, 3\)"),
    ("WatermarkSampler.apply_to_image-tiny", lambda: sampler().apply_to_image(RGB[:4, :4], 1, 8), V,
     "image has shape .*at least 8"),
    ("WatermarkSampler.apply_to_image-n_marks", lambda: sampler().apply_to_image(RGB, 0, 8), V,
     "n_marks is 0"),
    ("WatermarkSampler.apply_to_image-n_marks-float", lambda: sampler().apply_to_image(RGB, 2.0, 8),
     T, "n_marks is 2.0"),
    ("WatermarkSampler.apply_to_image-mark_size", lambda: sampler().apply_to_image(RGB, 1, 20), V,
     r"mark_size is 20; expected an integer in \[8, 16\]"),
    ("invert_blend-j-3d", lambda: watermark.invert_blend(PATCHES[0], ALPHA, COLOURS), V,
     r"j has shape \(16, 16, 3\)"),
    ("invert_blend-j-255", lambda: watermark.invert_blend(PATCHES * 255, ALPHA, COLOURS), V,
     "j has values .*divide by 255"),
    ("invert_blend-alpha-1", lambda: watermark.invert_blend(PATCHES, ALPHA * 0 + 1, COLOURS), V,
     r"alpha has values in \[1, 1\]; expected \[0, 1\)"),
    ("invert_blend-alpha-shape", lambda: watermark.invert_blend(PATCHES, ALPHA[:1], COLOURS), V,
     r"alpha has shape \(1, 16, 16\) and j \(2, 16, 16, 3\)"),
    ("invert_blend-alpha-nan", lambda: watermark.invert_blend(PATCHES, with_nan(ALPHA), COLOURS), V,
     "alpha contains NaN"),
    ("invert_blend-colour-shape", lambda: watermark.invert_blend(PATCHES, ALPHA, COLOURS[:1]), V,
     r"colour has shape \(1, 3\); expected \(2, 3\)"),
    ("invert_blend-colour-255", lambda: watermark.invert_blend(PATCHES, ALPHA, COLOURS * 255), V,
     "colour has values .*divide by 255"),
]

# ------------------------------------------------------------------------- dekel --
PH = np.full((3, 16, 16, 3), 0.5, "float32")        # three 16×16 photos
G = np.zeros((16, 16, 3))
EST = dekel.Estimate(alpha=np.zeros((16, 16)), colour=np.ones(3), phi=G, gx=G, gy=G,
                     offsets=np.zeros((3, 2), int), typical=np.full(3, 0.5))
CASES += [
    ("stock_mark-small", lambda: dekel.stock_mark(10), V, "size is 10"),
    ("stock_mark-text", lambda: dekel.stock_mark(64, ""), V, "text is ''"),
    ("stock_mark-logo", lambda: dekel.stock_mark(64, logo="moon"), V, "name is 'moon'"),
    ("stamp-photos-255", lambda: dekel.stamp(PH * 255, np.zeros((16, 16)), (1, 1, 1), 0.5), V,
     "divide by 255"),
    ("stamp-mask-shape", lambda: dekel.stamp(PH, np.zeros((6, 8)), (1, 1, 1), 0.5), V,
     "shape_mask has shape"),
    ("stamp-jitter", lambda: dekel.stamp(PH, np.zeros((16, 16)), (1, 1, 1), 0.5, jitter=-1), V,
     "jitter is -1"),
    ("stamp-alpha", lambda: dekel.stamp(PH, np.zeros((16, 16)), (1, 1, 1), 1.5), V,
     "alpha is 1.5"),
    ("stamp-colour", lambda: dekel.stamp(PH, np.zeros((16, 16)), (1, 1), 0.5), V,
     "colour has shape"),
    ("gradients-rank", lambda: dekel.gradients(np.zeros((8, 8))), V, "x has shape"),
    ("gradients-tiny", lambda: dekel.gradients(np.zeros((1, 8, 3))), V, "at least 2×2"),
    ("gradients-nan", lambda: dekel.gradients(np.full((4, 4, 3), NAN)), V, "x contains NaN"),
    ("median_gradients-rank", lambda: dekel.median_gradients(PH[0]), V, "j has shape"),
    ("poisson-shapes", lambda: dekel.poisson_reconstruct(G, G[:4]), V, "gy has shape"),
    ("poisson-none", lambda: dekel.poisson_reconstruct(None, G), T, "gx is None"),
    ("shift-float", lambda: dekel.shift(G, 1.5, 0), T, "dy is 1.5"),
    ("shift-rank", lambda: dekel.shift(PH, 1, 0), V, "x has shape"),
    ("align-radius", lambda: dekel.align(PH, G, G, -1), V, "radius is -1"),
    ("align-template", lambda: dekel.align(PH, G[:4], G, 1), V, "gx has shape"),
    ("estimate-one", lambda: dekel.estimate(PH[:1]), V, "at least 2 photos"),
    ("estimate-iterations", lambda: dekel.estimate(PH, iterations=-1), V, "iterations is -1"),
    ("estimate-max_alpha", lambda: dekel.estimate(PH, max_alpha=1.0), V, "max_alpha is 1"),
    ("estimate-border", lambda: dekel.estimate(PH, border=0), V, "border is 0"),
    ("Estimate-alpha", lambda: dekel.Estimate(alpha=np.zeros((8, 8, 1)), colour=np.ones(3),
                                              phi=G, gx=G, gy=G, offsets=np.zeros((3, 2), int),
                                              typical=np.full(3, 0.5)), V, "alpha has shape"),
    ("remove-est", lambda: dekel.remove(PH, "estimate"), T, "est is str"),
    ("remove-shape", lambda: dekel.remove(PH[:, :4, :4], EST), V, "est.alpha has shape"),
    ("remove-radius", lambda: dekel.remove(PH, EST, radius=-2), V, "radius is -2"),
    ("aligned_rmse-shapes", lambda: dekel.aligned_rmse(G[..., 0], G[:4, :, 0], 1), V,
     "estimate_alpha has shape"),
    ("aligned_rmse-rank", lambda: dekel.aligned_rmse(G, G, 1), V, "estimate_alpha has shape"),
    ("aligned_rmse-radius", lambda: dekel.aligned_rmse(G[..., 0], G[..., 0], 1.0), T,
     "radius is 1.0"),
]

# search radii capped by the image size; images, opacity maps and colours in [0, 1]; seeds in
# the range their consumer takes
KERAS_SEED = r"expected an integer seed in \[0, 2147483647\] \(what keras.random.SeedGenerator"
CASES += [
    ("align-radius-big", lambda: dekel.align(PH, G, G, 100), V,
     r"radius is 100; expected an integer in \[0, 4\] \(at most a quarter of the photos' "
     r"smaller side, 16 pixels\)"),
    ("estimate-radius-big", lambda: dekel.estimate(PH, radius=5), V,
     r"radius is 5; expected an integer in \[0, 4\]"),
    ("remove-radius-big", lambda: dekel.remove(PH, EST, radius=9), V,
     r"radius is 9; expected an integer in \[0, 4\]"),
    ("aligned_rmse-radius-big", lambda: dekel.aligned_rmse(G[..., 0], G[..., 0], 5), V,
     r"radius is 5; expected an integer in \[0, 4\] \(at most a quarter of the opacity maps'"),
    ("stamp-jitter-big", lambda: dekel.stamp(PH, np.zeros((16, 16)), (1, 1, 1), 0.5, jitter=8),
     V, r"jitter is 8; expected an integer in \[0, 4\]"),
    ("aligned_rmse-255", lambda: dekel.aligned_rmse(G[..., 0] + 200, G[..., 0], 1), V,
     r"estimate_alpha has values in \[200, 200\].*divide by 255"),
    ("aligned_rmse-true-negative", lambda: dekel.aligned_rmse(G[..., 0], G[..., 0] - 1, 1), V,
     r"true_alpha has values in \[-1, -1\]; expected images in \[0, 1\]"),
    ("Estimate-alpha-255", lambda: dekel.Estimate(
        alpha=np.full((16, 16), 128.0), colour=np.ones(3), phi=G, gx=G, gy=G,
        offsets=np.zeros((3, 2), int), typical=np.full(3, 0.5)), V,
     "alpha has values .*divide by 255"),
    ("Estimate-colour-255", lambda: dekel.Estimate(
        alpha=np.zeros((16, 16)), colour=np.full(3, 255.0), phi=G, gx=G, gy=G,
        offsets=np.zeros((3, 2), int), typical=np.full(3, 0.5)), V,
     "colour has values .*divide by 255"),
    ("Watermarked-j-255", lambda: watermarked(j=PATCHES * 255), V, "j has values .*divide by 255"),
    ("Watermarked-clean-255", lambda: watermarked(clean=PATCHES * 255), V,
     "clean has values .*divide by 255"),
    ("Watermarked-alpha-255", lambda: watermarked(alpha=ALPHA * 255), V,
     "alpha has values .*divide by 255"),
    ("Watermarked-colour-255", lambda: watermarked(colour=COLOURS * 255), V,
     "colour has values .*divide by 255"),
    ("Sampling-seed-big", lambda: vae.Sampling(seed=2 ** 31), V,
     r"seed is 2147483648; " + KERAS_SEED),
    ("Sampling-seed-generator", lambda: vae.Sampling(seed=np.random.default_rng(0)), T,
     "seed is Generator"),
    ("build_vae-seed-big", lambda: vae.build_vae(seed=2 ** 32), V, r"seed is 4294967296; " + KERAS_SEED),
    ("label_budget_experiment-x_train-255", lambda: experiment(x_train=np.full((30, 6), 128.0)), V,
     r"x_train has values in \[128, 128\].*divide by 255"),
    ("label_budget_experiment-x_test-255", lambda: experiment(x_test=np.full((9, 6), 200.0)), V,
     r"x_test has values in \[200, 200\].*divide by 255"),
    ("ReusableClassifier.fit-seed-negative", lambda: fit(seed=-1), V, "seed is -1"),
]


def _targets(**kwargs):
    args = dict(j=PATCHES, clean=PATCHES, alpha=ALPHA, mask_weight=3.0)
    args.update(kwargs)
    return watermark.training_targets(args.pop("j"), args.pop("clean"), args.pop("alpha"), **args)


def _unseen(**kwargs):
    args = dict(images={"a": RGB}, sampler=watermark.WatermarkSampler("train"), n=2, draw=0,
                size=8, clean_share=0.25, mask_weight=3.0)
    args.update(kwargs)
    return watermark.unseen_patches(args.pop("images"), args.pop("sampler"), args.pop("n"),
                                    args.pop("draw"), **args)


@functools.lru_cache(maxsize=1)
def _remover():
    return models.build_watermark_remover((8, 8, 3), widths=(4, 8))


CASES += [
    ("training_targets-j-255", lambda: _targets(j=PATCHES * 255), V, "j has values"),
    ("training_targets-j-grey", lambda: _targets(j=PATCHES[..., :1]), V, r"j has shape"),
    ("training_targets-clean-shape", lambda: _targets(clean=PATCHES[:1]), V, "clean"),
    ("training_targets-alpha-shape", lambda: _targets(alpha=ALPHA[:, :8]), V,
     r"alpha has shape \(2, 8, 16\); expected \(2, 16, 16\)"),
    ("training_targets-alpha-nan", lambda: _targets(alpha=with_nan(ALPHA)), V, "alpha"),
    ("training_targets-mask_weight", lambda: _targets(mask_weight=-1.0), V, "mask_weight is -1"),
    ("training_targets-gate_min_alpha", lambda: _targets(gate_min_alpha=2.0), V,
     "gate_min_alpha is 2"),
    ("unseen_patches-sampler", lambda: _unseen(sampler="train"), T, "sampler is str"),
    ("unseen_patches-draw", lambda: _unseen(draw=-1), V, "draw is -1"),
    ("unseen_patches-clean_share", lambda: _unseen(clean_share=1.5), V, "clean_share is 1.5"),
    ("unseen_patches-n", lambda: _unseen(n=0), V, "n is 0"),
    ("unseen_patches-size", lambda: _unseen(size=64), V, "size is 64"),
    ("compile_remover-model", lambda: pretrain.compile_remover("unet", steps=1, lr=1e-3,
                                                               gate_weight=0.1), T,
     "model is str"),
    ("compile_remover-steps", lambda: pretrain.compile_remover(_remover(), steps=0, lr=1e-3,
                                                               gate_weight=0.1), V, "steps is 0"),
    ("compile_remover-lr", lambda: pretrain.compile_remover(_remover(), steps=1, lr=0.0,
                                                            gate_weight=0.1), V, "lr is 0"),
    ("compile_remover-gate_weight", lambda: pretrain.compile_remover(
        _remover(), steps=1, lr=1e-3, gate_weight=-0.1), V, "gate_weight is -0.1"),
    ("compile_remover-floor", lambda: pretrain.compile_remover(
        _remover(), steps=1, lr=1e-3, gate_weight=0.1, floor=2.0), V, "floor is 2"),
    ("config_hash-config", lambda: pretrain.config_hash([], _remover()), T, "config is"),
    ("config_hash-config-keys", lambda: pretrain.config_hash({"patch": 32}, _remover()), V,
     r"config lacks \['batch_size'"),
    ("config_hash-model", lambda: pretrain.config_hash(pretrain.WATERMARK, None), T,
     "model is NoneType"),
    ("build-config", lambda: pretrain.build("watermark"), T, "config is 'watermark'"),
    ("paths-rounds", lambda: pretrain.paths(0), V, "rounds is 0"),
    ("paths-rounds-float", lambda: pretrain.paths(10.0), T, "rounds is 10.0"),
    ("paths-folder", lambda: pretrain.paths(10, folder=3), T, "folder is 3"),
    ("available-folder", lambda: pretrain.available(folder=3.5), T, "folder is 3.5"),
    ("available-config", lambda: pretrain.available(config={}), V, "config lacks"),
    ("train-overwrite", lambda: pretrain.train("/nonexistent/x", overwrite="yes"), T,
     "overwrite is 'yes'"),
    ("train-print_every", lambda: pretrain.train("/nonexistent/x", print_every=0), V,
     "print_every is 0"),
    ("train-checkpoints", lambda: pretrain.train(
        "/nonexistent/x", config=dict(pretrain.WATERMARK, checkpoints=(10, 5))), V,
     r"config\['checkpoints'\] is \(10, 5\); expected increasing"),
    ("train-folder", lambda: pretrain.train(7), T, "folder is 7"),
    ("load_checkpoint-model", lambda: pretrain.load_checkpoint("model", 10), T,
     "model is str"),
    ("load_checkpoint-rounds", lambda: pretrain.load_checkpoint(_remover(), -1), V,
     "rounds is -1"),
    ("load_checkpoint-missing", lambda: pretrain.load_checkpoint(_remover(), 7), FileNotFoundError,
     "no checkpoint after 7 rounds"),
    ("main-kind", lambda: pretrain.main(["cats"]), SystemExit, "2"),
]


COVERED = {
    "pretrain.compile_remover", "pretrain.config_hash", "pretrain.build", "pretrain.paths",
    "pretrain.train", "pretrain.available", "pretrain.load_checkpoint", "pretrain.main",
    "watermark.training_targets", "watermark.unseen_patches",
    "vae.binarize", "vae.kl_standard_normal", "vae.bernoulli_nll", "vae.Sampling", "vae.VAE",
    "vae.build_vae", "vae.neg_elbo", "vae.iwae_bound", "vae.decode", "vae.sample_prior",
    "vae.latent_grid", "vae.interpolate",
    "fewlabels.balanced_indices", "fewlabels.carve_validation", "fewlabels.ReusableClassifier",
    "fewlabels.fit_logistic", "fewlabels.mean_std", "fewlabels.compare",
    "fewlabels.label_budget_experiment", "fewlabels.summarize",
    "watermark.render_text", "watermark.render_logo", "watermark.blend", "watermark.Watermarked",
    "watermark.WatermarkSampler", "watermark.invert_blend",
    "dekel.stock_mark", "dekel.stamp", "dekel.gradients", "dekel.median_gradients",
    "dekel.poisson_reconstruct", "dekel.shift", "dekel.align", "dekel.Estimate",
    "dekel.estimate", "dekel.remove", "dekel.aligned_rmse",
}
