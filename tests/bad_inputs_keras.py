"""Bad arguments to the Keras modules of utils (layers, models, regularizers, optim, training):
each call must fail at once with an error that names the argument, never deep inside Keras
and never with a silently wrong result."""

import keras
import numpy as np

from utils import layers, models, optim, regularizers, training

NAN = float("nan")
RNG = np.random.default_rng(0)
X = RNG.random((8, 4, 4, 1)).astype("float32")      # a tiny batch of images in [0, 1]
X255 = (X * 255).astype("uint8")                   # the same, unscaled 8-bit pixels


def _dense(n_in=6, n_out=3):
    d = keras.layers.Dense(n_out)
    d.build((None, n_in))
    return d


def _ae(**kw):
    return models.build_dense_autoencoder((4, 4, 1), code_dim=2, hidden=(), **kw)


def _compiled():
    ae = _ae().autoencoder
    ae.compile("sgd", "mse")
    return ae


def _fit(**kw):
    args = dict(model=_compiled(), x_train=X, x_val=X[:2], epochs=1)
    args.update(kw)
    return training.fit_autoencoder(args.pop("model"), args.pop("x_train"), args.pop("x_val"),
                                    **args)


def _greedy(**kw):
    args = dict(x_train=X, x_val=X[:2], sizes=(2,), epochs_per_layer=1)
    args.update(kw)
    return training.train_greedy_layerwise(args.pop("x_train"), args.pop("x_val"),
                                           args.pop("sizes"), **args)


def _fresh(make_round, model=None, **kw):
    if model is None:
        model = keras.Sequential([keras.Input((4, 4, 1)), keras.layers.Activation("linear")])
        model.compile("sgd", "mse")
    args = dict(rounds=1, batch_size=4)
    args.update(kw)
    return training.fit_on_fresh_data(model, make_round, **args)


def _step(w=np.zeros(3), grad=np.zeros(3), v=np.zeros(3), **kw):
    return optim.rmsprop_step(w, grad, v, **kw)


def _load(classifier=None, encoder=None):
    enc = _ae().encoder if encoder is None else encoder
    clf = models.build_classifier((4, 4, 1), code_dim=2, hidden=(), n_classes=3) \
        if classifier is None else classifier
    return models.load_encoder_weights(clf, enc)


V, T = ValueError, TypeError

CASES = [
    # --- layers.DenseTranspose
    ("DenseTranspose/not-dense", lambda: layers.DenseTranspose(keras.layers.Conv2D(2, 3)),
     T, "dense is Conv2D"),
    ("DenseTranspose/none", lambda: layers.DenseTranspose(None), T, "dense is NoneType"),
    ("DenseTranspose/activation", lambda: layers.DenseTranspose(_dense(), activation="relux"),
     V, "activation is 'relux'"),
    ("DenseTranspose/activation-type", lambda: layers.DenseTranspose(_dense(), activation=1),
     T, "activation is 1"),
    ("DenseTranspose/unbuilt", lambda: layers.DenseTranspose(keras.layers.Dense(3))(
        np.zeros((1, 3), "float32")), V, "not built yet"),
    ("DenseTranspose/features", lambda: layers.DenseTranspose(_dense())(
        np.zeros((1, 5), "float32")), V, "input has 5 features"),
    # --- layers.RandomCorruption
    ("RandomCorruption/kind", lambda: layers.RandomCorruption("blur", 0.1), V, "kind is 'blur'"),
    ("RandomCorruption/kind-type", lambda: layers.RandomCorruption(["masking"], 0.1), T,
     "kind is"),
    ("RandomCorruption/amount-nan", lambda: layers.RandomCorruption("gaussian", NAN), V,
     "amount is NaN"),
    ("RandomCorruption/amount-inf", lambda: layers.RandomCorruption("gaussian", np.inf), V,
     "amount is inf"),
    ("RandomCorruption/amount-type", lambda: layers.RandomCorruption("masking", "0.1"), T,
     "amount is '0.1'"),
    ("RandomCorruption/fraction>1", lambda: layers.RandomCorruption("masking", 1.5), V,
     "amount is 1.5"),
    ("RandomCorruption/negative", lambda: layers.RandomCorruption("gaussian", -0.1), V,
     "amount is -0.1"),
    ("RandomCorruption/pair-nan", lambda: layers.RandomCorruption("masking", (0.1, NAN)), V,
     r"amount\[1\] is NaN"),
    ("RandomCorruption/pair-order", lambda: layers.RandomCorruption("gaussian", (0.5, 0.1)), V,
     "amount is .*low <= high"),
    ("RandomCorruption/triple", lambda: layers.RandomCorruption("masking", (0.1, 0.2, 0.3)), V,
     "amount is"),
    ("RandomCorruption/seed-type", lambda: layers.RandomCorruption("masking", 0.1, seed=1.5), T,
     "seed is 1.5"),
    ("RandomCorruption/seed-negative", lambda: layers.RandomCorruption("masking", 0.1, seed=-1),
     V, "seed is -1"),
    # --- regularizers
    ("L1Activity/negative", lambda: regularizers.L1Activity(-1e-3), V, "weight is -0.001"),
    ("L1Activity/nan", lambda: regularizers.L1Activity(NAN), V, "weight is NaN"),
    ("L1Activity/type", lambda: regularizers.L1Activity("1e-3"), T, "weight is '1e-3'"),
    ("L1Activity/bool", lambda: regularizers.L1Activity(True), T, "weight is True"),
    ("L1Activity/rank1", lambda: regularizers.L1Activity()(np.zeros(3, "float32")), V,
     r"shape \(batch, units\)"),
    ("KLSparsity/rho-0", lambda: regularizers.KLSparsity(0.0), V, "rho is 0"),
    ("KLSparsity/rho-1", lambda: regularizers.KLSparsity(1.0), V, "rho is 1"),
    ("KLSparsity/rho-nan", lambda: regularizers.KLSparsity(NAN), V, "rho is NaN"),
    ("KLSparsity/rho-type", lambda: regularizers.KLSparsity("0.05"), T, "rho is '0.05'"),
    ("KLSparsity/weight-nan", lambda: regularizers.KLSparsity(0.05, NAN), V, "weight is NaN"),
    ("KLSparsity/rank3", lambda: regularizers.KLSparsity()(np.full((2, 2, 2), .5, "float32")),
     V, r"shape \(batch, units\)"),
    ("kl_divergence_bernoulli/rho", lambda: regularizers.kl_divergence_bernoulli(1.5, 0.5), V,
     "rho is 1.5"),
    ("kl_divergence_bernoulli/rho-nan", lambda: regularizers.kl_divergence_bernoulli(NAN, 0.5),
     V, "rho is NaN"),
    ("kl_divergence_bernoulli/eps", lambda: regularizers.kl_divergence_bernoulli(0.1, 0.5, 0.0),
     V, "eps is 0"),
    # --- optim
    ("rmsprop_step/lr-nan", lambda: _step(learning_rate=NAN), V, "learning_rate is NaN"),
    ("rmsprop_step/lr-0", lambda: _step(learning_rate=0), V, "learning_rate is 0"),
    ("rmsprop_step/lr-type", lambda: _step(learning_rate="1e-3"), T, "learning_rate is '1e-3'"),
    ("rmsprop_step/rho", lambda: _step(rho=1.0), V, "rho is 1"),
    ("rmsprop_step/rho-nan", lambda: _step(rho=NAN), V, "rho is NaN"),
    ("rmsprop_step/epsilon", lambda: _step(epsilon=-1e-7), V, "epsilon is -1e-07"),
    ("rmsprop_step/placement", lambda: _step(epsilon_placement="both"), V,
     "epsilon_placement is 'both'"),
    ("rmsprop_step/shapes", lambda: _step(grad=np.zeros(4)), V, "w has shape .* and grad"),
    ("rmsprop_step/v-shape", lambda: _step(v=np.zeros((3, 1))), V, "w has shape .* and v"),
    ("rmsprop_step/grad-nan", lambda: _step(grad=np.array([0.0, NAN, 0.0])), V,
     "grad contains NaN"),
    ("rmsprop_step/w-type", lambda: _step(w="w"), T, "w is 'w'"),
    ("rmsprop_step/v-negative", lambda: _step(v=-np.ones(3)), V, "v has values down to -1"),
    ("SlideRMSprop/lr-nan", lambda: optim.SlideRMSprop(NAN), V, "learning_rate is NaN"),
    ("SlideRMSprop/lr-negative", lambda: optim.SlideRMSprop(-1e-3), V, "learning_rate is"),
    ("SlideRMSprop/rho", lambda: optim.SlideRMSprop(rho=-0.1), V, "rho is -0.1"),
    ("SlideRMSprop/epsilon-nan", lambda: optim.SlideRMSprop(epsilon=NAN), V, "epsilon is NaN"),
    ("SlideRMSprop/placement", lambda: optim.SlideRMSprop(epsilon_placement=None), V,
     "epsilon_placement is None"),
    # --- models.build_dense_autoencoder
    ("build_dense_autoencoder/shape-int", lambda: models.build_dense_autoencoder(784), T,
     "input_shape is 784"),
    ("build_dense_autoencoder/shape-0", lambda: models.build_dense_autoencoder((28, 0)), V,
     r"input_shape\[1\] is 0"),
    ("build_dense_autoencoder/shape-float", lambda: models.build_dense_autoencoder((28.0, 28)),
     T, r"input_shape\[0\] is 28.0"),
    ("build_dense_autoencoder/code_dim", lambda: models.build_dense_autoencoder(
        (4,), code_dim=0), V, "code_dim is 0"),
    ("build_dense_autoencoder/code_dim-float", lambda: models.build_dense_autoencoder(
        (4,), code_dim=2.0), T, "code_dim is 2.0"),
    ("build_dense_autoencoder/hidden-int", lambda: models.build_dense_autoencoder(
        (4,), hidden=8), T, "hidden is 8"),
    ("build_dense_autoencoder/hidden-neg", lambda: models.build_dense_autoencoder(
        (4,), hidden=(8, -1)), V, r"hidden\[1\] is -1"),
    ("build_dense_autoencoder/noise>1", lambda: _ae(input_noise=1.5), V, "input_noise is 1.5"),
    ("build_dense_autoencoder/noise-nan", lambda: _ae(input_noise=NAN), V, "input_noise is NaN"),
    ("build_dense_autoencoder/dropout-1", lambda: _ae(input_dropout=1.0), V,
     "input_dropout is 1"),
    ("build_dense_autoencoder/dropout-nan", lambda: _ae(input_dropout=NAN), V,
     "input_dropout is NaN"),
    ("build_dense_autoencoder/decay-nan", lambda: _ae(weight_decay=NAN), V,
     "weight_decay is NaN"),
    ("build_dense_autoencoder/decay-str", lambda: _ae(weight_decay="1e-4"), T,
     "weight_decay is '1e-4'"),
    ("build_dense_autoencoder/keras-regularizer", lambda: _ae(
        code_regularizer=keras.regularizers.L1(1e-3)), T,
     "code_regularizer is a L1 object .a Keras regularizer"),
    ("build_dense_autoencoder/regularizer-number", lambda: _ae(code_regularizer=0.01), T,
     "code_regularizer is 0.01"),
    ("build_dense_autoencoder/activation", lambda: _ae(activation="rleu"), V,
     "activation is 'rleu'"),
    ("build_dense_autoencoder/output_activation", lambda: _ae(output_activation=0), T,
     "output_activation is 0"),
    ("build_dense_autoencoder/name", lambda: _ae(name=""), V, "name is ''"),
    ("build_linear_autoencoder/code_dim", lambda: models.build_linear_autoencoder(
        (4,), code_dim=-2), V, "code_dim is -2"),
    ("build_linear_autoencoder/shape", lambda: models.build_linear_autoencoder("28x28"), T,
     "input_shape is '28x28'"),
    ("decoder_matrix/model", lambda: models.decoder_matrix(_ae().autoencoder), T,
     "parts is Functional"),
    ("decoder_matrix/none", lambda: models.decoder_matrix(None), T, "parts is NoneType"),
    ("build_stacked_autoencoder/sizes-empty", lambda: models.build_stacked_autoencoder(
        (4,), sizes=()), V, r"sizes is \(\)"),
    ("build_stacked_autoencoder/sizes-int", lambda: models.build_stacked_autoencoder(
        (4,), sizes=3), T, "sizes is 3"),
    ("build_stacked_autoencoder/noise-nan", lambda: models.build_stacked_autoencoder(
        (4,), sizes=(2,), input_noise=NAN), V, "input_noise is NaN"),
    ("TiedAutoencoder/sizes", lambda: models.TiedAutoencoder((4,), sizes=(2, 0)), V,
     r"sizes\[1\] is 0"),
    ("TiedAutoencoder/shape", lambda: models.TiedAutoencoder(4, sizes=(2,)), T,
     "input_shape is 4"),
    ("TiedAutoencoder/activation", lambda: models.TiedAutoencoder(
        (4,), sizes=(2,), activation="nope"), V, "activation is 'nope'"),
    ("build_tied_autoencoder/sizes", lambda: models.build_tied_autoencoder(
        (4,), sizes=[2.5]), T, r"sizes\[0\] is 2.5"),
    ("build_tied_autoencoder/name", lambda: models.build_tied_autoencoder(
        (4,), sizes=(2,), name=None), T, "name is None"),
    ("build_classifier/n_classes", lambda: models.build_classifier((4,), n_classes=1), V,
     "n_classes is 1"),
    ("build_classifier/n_classes-float", lambda: models.build_classifier((4,), n_classes=10.0),
     T, "n_classes is 10.0"),
    ("build_classifier/dropout", lambda: models.build_classifier((4,), dropout=1.0), V,
     "dropout is 1"),
    ("build_classifier/dropout-negative", lambda: models.build_classifier((4,), dropout=-0.1), V,
     "dropout is -0.1"),
    ("build_classifier/hidden", lambda: models.build_classifier((4,), hidden=(0,)), V,
     r"hidden\[0\] is 0"),
    ("load_encoder_weights/classifier", lambda: _load(classifier="clf"), T,
     "classifier is str"),
    ("load_encoder_weights/encoder-parts", lambda: _load(encoder=_ae()), T,
     "encoder is Autoencoder"),
    ("load_encoder_weights/shapes", lambda: _load(classifier=models.build_classifier(
        (4, 4, 1), code_dim=5, hidden=(), n_classes=3)), V, "layer 'code'"),
    ("build_conv_denoiser/odd-size", lambda: models.build_conv_denoiser((6, 6, 1),
                                                                      widths=(2, 2)), V,
     "multiples of 4"),
    ("build_conv_denoiser/rank", lambda: models.build_conv_denoiser((8, 8), widths=(2,)), V,
     r"\(height, width, channels\)"),
    ("build_conv_denoiser/widths", lambda: models.build_conv_denoiser((8, 8, 1), widths=()), V,
     r"widths is \(\)"),
    ("build_conv_denoiser/kernel", lambda: models.build_conv_denoiser((8, 8, 1), widths=(2,),
                                                                    kernel_size=0), V,
     "kernel_size is 0"),
    ("build_conv_denoiser/mean-nan", lambda: models.build_conv_denoiser(
        (8, 8, 1), widths=(2,), output_mean=NAN), V, "output_mean is NaN"),
    ("build_conv_denoiser/mean-255", lambda: models.build_conv_denoiser(
        (8, 8, 1), widths=(2,), output_mean=33.0), V, "output_mean is 33"),
    ("build_unet_denoiser/skips", lambda: models.build_unet_denoiser(skips="no"), TypeError,
     "skips is 'no'"),
    ("build_unet_denoiser/levels", lambda: models.build_unet_denoiser((8, 8, 1), widths=(4,)),
     V, "at least 2 levels"),
    ("build_unet_denoiser/residual", lambda: models.build_unet_denoiser(
        (8, 8, 1), widths=(2, 4), residual=1), T, "residual is 1"),
    ("build_unet_denoiser/residual-mean", lambda: models.build_unet_denoiser(
        (8, 8, 1), widths=(2, 4), residual=True, output_mean=0.3), V, "output_mean is 0.3"),
    ("build_unet_denoiser/mean-bool", lambda: models.build_unet_denoiser(
        (8, 8, 1), widths=(2, 4), output_mean=True), T, "output_mean is True"),
    ("build_watermark_remover/size", lambda: models.build_watermark_remover(
        (18, 18, 3), widths=(2, 4, 8)), V, "multiples of 4"),
    ("build_watermark_remover/widths", lambda: models.build_watermark_remover(
        (16, 16, 3), widths=(2, "4")), T, r"widths\[1\] is '4'"),
    ("with_corruption/denoiser", lambda: models.with_corruption("unet", "masking", 0.5), T,
     "denoiser is str"),
    ("with_corruption/kind", lambda: models.with_corruption(
        models.build_conv_denoiser((8, 8, 1), widths=(2,)), "noise", 0.5), V, "kind is 'noise'"),
    ("with_corruption/amount-nan", lambda: models.with_corruption(
        models.build_conv_denoiser((8, 8, 1), widths=(2,)), "gaussian", NAN), V,
     "amount is NaN"),
    ("with_corruption/seed", lambda: models.with_corruption(
        models.build_conv_denoiser((8, 8, 1), widths=(2,)), "gaussian", 0.1, seed="0"), T,
     "seed is '0'"),
    # --- training
    ("EpochLine/every-0", lambda: training.EpochLine(every=0), V, "every is 0"),
    ("EpochLine/every-float", lambda: training.EpochLine(every=1.0), T, "every is 1.0"),
    ("EpochLine/label", lambda: training.EpochLine(label=None), T, "label is None"),
    ("steps_per_epoch/empty", lambda: training.steps_per_epoch(0, 32), V, "n_examples is 0"),
    ("steps_per_epoch/float", lambda: training.steps_per_epoch(100.0, 32), T,
     "n_examples is 100.0"),
    ("steps_per_epoch/batch", lambda: training.steps_per_epoch(100, 0), V, "batch_size is 0"),
    ("fit_autoencoder/model", lambda: _fit(model=_ae()), T, "model is Autoencoder"),
    ("fit_autoencoder/epochs", lambda: _fit(epochs=0), V, "epochs is 0"),
    ("fit_autoencoder/epochs-float", lambda: _fit(epochs=3.0), T, "epochs is 3.0"),
    ("fit_autoencoder/batch", lambda: _fit(batch_size=-1), V, "batch_size is -1"),
    ("fit_autoencoder/patience", lambda: _fit(patience=-1), V, "patience is -1"),
    ("fit_autoencoder/empty", lambda: _fit(x_val=X[:0]), V, r"x_val has shape \(0, 4, 4, 1\)"),
    ("fit_autoencoder/nan", lambda: _fit(x_train=np.where(X > 0.5, NAN, X)), V,
     "x_train contains NaN"),
    ("fit_autoencoder/0-255", lambda: _fit(x_train=X255), V, "x_train .*divide by 255"),
    ("fit_autoencoder/0-255-float", lambda: _fit(x_val=X[:2] * 255), V,
     "x_val .*divide by 255"),
    ("fit_autoencoder/shapes", lambda: _fit(x_val=X[:2, :2]), V, "x_train has shape .* x_val"),
    ("fit_autoencoder/target-length", lambda: _fit(target_train=X[:3]), V,
     "x_train has 8 examples and target_train 3"),
    ("fit_autoencoder/target-type", lambda: _fit(target_val="clean"), T,
     "target_val is 'clean'"),
    ("fit_autoencoder/label", lambda: _fit(label=1), T, "label is 1"),
    ("fit_autoencoder/shuffle", lambda: _fit(shuffle=None), T, "shuffle is None"),
    ("train_greedy_layerwise/sizes", lambda: _greedy(sizes=()), V, r"sizes is \(\)"),
    ("train_greedy_layerwise/epochs", lambda: _greedy(epochs_per_layer=0), V,
     "epochs_per_layer is 0"),
    ("train_greedy_layerwise/lr", lambda: _greedy(learning_rate=NAN), V,
     "learning_rate is NaN"),
    ("train_greedy_layerwise/empty", lambda: _greedy(x_train=X[:0]), V, "x_train has shape"),
    ("train_greedy_layerwise/rank1", lambda: _greedy(x_train=np.zeros(8)), V,
     r"x_train has shape \(8,\)"),
    ("train_greedy_layerwise/0-255", lambda: _greedy(x_train=X255), V, "divide by 255"),
    ("train_greedy_layerwise/shapes", lambda: _greedy(x_val=np.zeros((2, 5))), V,
     "x_train has shape .* x_val"),
    ("FreshRounds/make_round", lambda: training.FreshRounds(3, rounds=1, batch_size=2), T,
     "make_round is 3"),
    ("FreshRounds/batch_size", lambda: training.FreshRounds(lambda r: (X, X, None), rounds=1,
                                                            batch_size=0), V, "batch_size is 0"),
    ("FreshRounds/seed", lambda: training.FreshRounds(lambda r: (X, X, None), rounds=1,
                                                      batch_size=2, seed=-1), V, "seed is -1"),
    ("FreshRounds/start_round", lambda: training.FreshRounds(
        lambda r: (X, X, None), rounds=2, batch_size=2).start_round(2), V, "r is 2"),
    ("fit_on_fresh_data/seed", lambda: _fresh(lambda r: (X, X, None), seed=1.5), T,
     "seed is 1.5"),
    ("fit_on_fresh_data/model", lambda: _fresh(lambda r: (X, X, None), model="m"), T,
     "model is str"),
    ("fit_on_fresh_data/make_round", lambda: _fresh(None), T, "make_round is None"),
    ("fit_on_fresh_data/rounds", lambda: _fresh(lambda r: (X, X, None), rounds=0), V,
     "rounds is 0"),
    ("fit_on_fresh_data/print_every", lambda: _fresh(lambda r: (X, X, None), print_every=0), V,
     "print_every is 0"),
    ("fit_on_fresh_data/pair", lambda: _fresh(lambda r: (X, X)), T,
     r"make_round\(0\) returned 2 values; expected a tuple \(x, y, sample_weight\)"),
    ("fit_on_fresh_data/array", lambda: _fresh(lambda r: X), T,
     r"make_round\(0\) returned ndarray"),
    ("fit_on_fresh_data/length", lambda: _fresh(lambda r: (X, X[:4], None)), V,
     "y has 4 entries but x has 8"),
    ("fit_on_fresh_data/0-255", lambda: _fresh(lambda r: (X255, X, None)), V,
     "x has values .*divide by 255"),
    ("fit_on_fresh_data/nan", lambda: _fresh(lambda r: (X, X * NAN, None)), V,
     "y contains NaN"),
    ("fit_on_fresh_data/weights", lambda: _fresh(lambda r: (X, X, -np.ones(8))), V,
     "sample_weight has values down to -1"),
    ("fit_on_fresh_data/weights-length", lambda: _fresh(lambda r: (X, X, np.ones(2))), V,
     "sample_weight has 2 entries"),
    ("fit_on_fresh_data/validation-pair", lambda: _fresh(lambda r: (X, X, None),
                                                          validation=(X, X)), T,
     r"validation is 2 values; expected a tuple \(x, y, sample_weight\)"),
    ("fit_on_fresh_data/validation-nan", lambda: _fresh(lambda r: (X, X, None),
                                                         validation=(X, X * NAN, None)), V,
     "validation's y contains NaN"),
]
# seeds in the range every backend's SeedGenerator takes; KL sparsity codes in [0, 1]
KERAS_SEED = r"expected an integer seed in \[0, 2147483647\] \(what keras.random.SeedGenerator"
CASES += [
    ("RandomCorruption/seed-big", lambda: layers.RandomCorruption(seed=2 ** 31), V,
     r"seed is 2147483648; " + KERAS_SEED),
    ("RandomCorruption/seed-generator", lambda: layers.RandomCorruption(
        seed=np.random.default_rng(0)), T, "seed is Generator"),
    ("with_corruption/seed-big", lambda: models.with_corruption(
        _ae().autoencoder, "gaussian", 0.1, seed=2 ** 40), V,
     r"seed is 1099511627776; " + KERAS_SEED),
    ("FreshRounds/seed-generator", lambda: training.FreshRounds(
        lambda r: (X, X, None), rounds=1, batch_size=4, seed=np.random.default_rng(0)), T,
     "seed is Generator"),
    ("KLSparsity/code-above-1", lambda: regularizers.KLSparsity()(np.full((2, 3), 2.0, "float32")),
     V, r"the input of KLSparsity \(the code\) has values in \[2, 2\]; expected values in "
        r"\[0, 1\]"),
    ("KLSparsity/code-negative", lambda: regularizers.KLSparsity()(np.full((2, 3), -0.5, "float32")),
     V, r"the input of KLSparsity \(the code\) has values in \[-0.5, -0.5\]"),
    ("KLSparsity/relu-code", lambda: regularizers.KLSparsity()(
        keras.layers.Dense(3, activation="relu", name="relu_code")(keras.Input((4,)))), V,
     r"KLSparsity needs a code in \[0, 1\].*layer 'relu_code', whose activation is 'relu'"),
    ("KLSparsity/linear-code", lambda: regularizers.KLSparsity()(
        keras.layers.Dense(3)(keras.Input((4,)))), V, "whose activation is 'linear'"),
    ("kl_divergence_bernoulli/rho_hat-above-1", lambda: regularizers.kl_divergence_bernoulli(
        0.1, np.array([0.2, 1.5])), V, r"rho_hat has values in \[0.2, 1.5\]; expected values "
                                       r"in \[0, 1\]"),
    ("kl_divergence_bernoulli/rho_hat-negative", lambda: regularizers.kl_divergence_bernoulli(
        0.1, -0.1), V, r"rho_hat has values in \[-0.1, -0.1\]"),
    ("build_dense_autoencoder/kl-linear-code", lambda: _ae(
        code_regularizer=regularizers.KLSparsity()), V,
     r"code_activation is None \(codes outside \[0, 1\]\); code_regularizer KLSparsity needs a "
     r"code in \[0, 1\]"),
    ("build_dense_autoencoder/kl-relu-code", lambda: _ae(
        code_activation="relu", code_regularizer=regularizers.KLSparsity()), V,
     "code_activation is 'relu'"),
]


COVERED = {
    "layers.DenseTranspose", "layers.RandomCorruption",
    "regularizers.L1Activity", "regularizers.KLSparsity", "regularizers.kl_divergence_bernoulli",
    "optim.rmsprop_step", "optim.SlideRMSprop",
    "models.build_dense_autoencoder", "models.build_linear_autoencoder", "models.decoder_matrix",
    "models.build_stacked_autoencoder", "models.TiedAutoencoder", "models.build_tied_autoencoder",
    "models.build_classifier", "models.load_encoder_weights", "models.build_conv_denoiser",
    "models.build_unet_denoiser", "models.build_watermark_remover", "models.with_corruption",
    "training.EpochLine", "training.fit_autoencoder", "training.steps_per_epoch",
    "training.train_greedy_layerwise", "training.fit_on_fresh_data", "training.FreshRounds",
}
