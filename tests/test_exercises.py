"""The exercises' checks (utils.exercises): a correct solution passes; a stub, the library's
own piece, the lesson's model, a typed number or a slightly wrong formula does not."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from utils import exercises as E
from utils import models, regularizers, vae
from utils.report import ExerciseNotDone

L = keras.layers


def fails(match=None):
    return pytest.raises(ExerciseNotDone, match=match)


# 01 ------------------------------------------------------------------------------------
def my_linear_autoencoder(k):
    inputs = keras.Input((28, 28, 1))
    code = L.Dense(k)(L.Flatten()(inputs))
    return keras.Model(inputs, L.Reshape((28, 28, 1))(L.Dense(784)(code)))


def test_linear_autoencoder(capsys):
    E.linear_autoencoder(my_linear_autoencoder)
    assert capsys.readouterr().out.strip() == "✅ your linear autoencoder builder: passed"
    with fails("no result yet"):
        E.linear_autoencoder(None)
    with fails("build_linear_autoencoder"):
        E.linear_autoencoder(lambda k: models.build_linear_autoencoder(code_dim=k).autoencoder)

    def sequential(k):       # no Input: built on its first call; and nested models are fine
        return keras.Sequential([L.Flatten(), L.Dense(k), L.Dense(784), L.Reshape((28, 28, 1))])

    E.linear_autoencoder(sequential)
    with fails("not linear"):
        def relu(k):
            inputs = keras.Input((28, 28, 1))
            code = L.Dense(k, activation="relu")(L.Flatten()(inputs))
            return keras.Model(inputs, L.Reshape((28, 28, 1))(L.Dense(784)(code)))
        E.linear_autoencoder(relu)
    made = my_linear_autoencoder(3)
    with fails("existed before it was called"):
        E.linear_autoencoder(lambda k: made if k == 3 else my_linear_autoencoder(k))
    store = {k: [models.build_linear_autoencoder(code_dim=k).autoencoder for _ in range(3)]
             for k in range(3, 12)}                 # built by the library before the check
    with fails("existed before it was called"):
        E.linear_autoencoder(lambda k: store[k].pop())

    import types

    def copy(f, **swap):                    # a new function from the library's code object
        g = dict(f.__globals__, **swap)
        new = types.FunctionType(f.__code__, g, f.__name__, f.__defaults__)
        new.__kwdefaults__ = f.__kwdefaults__
        return new

    linear = copy(models.build_linear_autoencoder,
                  build_dense_autoencoder=copy(models.build_dense_autoencoder))
    with fails("runs a copy of the library's own"):
        E.linear_autoencoder(lambda k: linear(code_dim=k).autoencoder)


def test_close_to_pca():
    rng = np.random.default_rng(0)
    x = (rng.random((300, 6)) @ rng.random((6, 784)) / 6 + rng.normal(0, 0.05, (300, 784)))
    x = x.reshape(-1, 28, 28, 1).astype("float32")
    x -= x.mean(0)
    model = my_linear_autoencoder(6)
    with fails("not been trained"):
        E.close_to_pca(model, my_linear_autoencoder, x[:200], x[200:], 6, high=1.05, lesson=[])
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse")
    model.fit(x[:200], x[:200], epochs=150, batch_size=50, verbose=0)
    E.close_to_pca(model, my_linear_autoencoder, x[:200], x[200:], 6, high=1.5, lesson=[])
    with fails("× PCA's"):
        E.close_to_pca(model, my_linear_autoencoder, x[:200], x[200:], 6, high=0.5, lesson=[])
    copy = my_linear_autoencoder(6)
    copy.compile(optimizer="adam", loss="mse")
    copy.fit(x[:8], x[:8], epochs=1, verbose=0)
    copy.set_weights(model.get_weights())
    with fails("copied from a model"):
        E.close_to_pca(copy, my_linear_autoencoder, x[:200], x[200:], 6, high=1.5, lesson=model)
    with fails("already trained"):
        E.close_to_pca(model, my_linear_autoencoder, x[:200], x[200:], 6, high=1.5, lesson=model)
    with fails("is not what"):
        E.close_to_pca(model, my_linear_autoencoder, x[:200], x[200:], 5, high=1.5, lesson=[])
    # PCA's answer set by hand, and a step counter set by hand: no fit made these weights
    vt = np.linalg.svd(x[:200].reshape(200, -1), full_matrices=False)[2][:6]
    by_hand = my_linear_autoencoder(6)
    by_hand.set_weights([vt.T, np.zeros(6), vt, np.zeros(784)])
    by_hand.compile(optimizer="adam", loss="mse")
    by_hand.optimizer.iterations.assign(100)
    with fails("not been trained with fit"):
        E.close_to_pca(by_hand, my_linear_autoencoder, x[:200], x[200:], 6, high=1.5, lesson=[])
    changed = my_linear_autoencoder(6)                       # trained, then overwritten
    changed.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse")
    changed.fit(x[:200], x[:200], epochs=20, batch_size=50, verbose=0)
    changed.set_weights([vt.T, np.zeros(6), vt, np.zeros(784)])
    with fails("changed after it was trained"):
        E.close_to_pca(changed, my_linear_autoencoder, x[:200], x[200:], 6, high=1.5, lesson=[])
    jitter = np.random.default_rng(1)                       # the lesson's weights, perturbed
    near = my_linear_autoencoder(6)
    near.set_weights([w * (1 + 0.01 * jitter.normal(size=w.shape)) for w in model.get_weights()])
    near.compile(optimizer=keras.optimizers.Adam(1e-6), loss="mse")
    near.fit(x[:200], x[:200], epochs=3, batch_size=20, verbose=0)
    with fails("copied from a model"):
        E.close_to_pca(near, my_linear_autoencoder, x[:200], x[200:], 6, high=1.5, lesson=model)
    other = my_linear_autoencoder(6)                        # trained apart: a different model
    other.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse")
    other.fit(x[:200], x[:200], epochs=150, batch_size=50, verbose=0)
    E.close_to_pca(other, my_linear_autoencoder, x[:200], x[200:], 6, high=1.5, lesson=model)


# 02 ------------------------------------------------------------------------------------
LR, BATCH_SIZE = 2e-3, 16                     # notebook 02's fast mode (full: 1e-3, 128)


def my_greedy_step(h_train, h_val, width, activation, output_activation, epochs):
    encoder = L.Dense(width, activation=activation)
    decoder = L.Dense(h_train.shape[1], activation=output_activation)
    inputs = keras.Input((h_train.shape[1],))
    shallow = keras.Model(inputs, decoder(encoder(inputs)))
    shallow.compile(optimizer=keras.optimizers.Adam(LR), loss="mse")
    shallow.fit(h_train, h_train, validation_data=(h_val, h_val), epochs=epochs,
                batch_size=BATCH_SIZE, verbose=0)
    return encoder, decoder, encoder(h_train), encoder(h_val)


@pytest.mark.parametrize("lr, batch", [(2e-3, 16), (1e-3, 128)], ids=["fast", "full"])
def test_greedy_step(lr, batch, monkeypatch):
    monkeypatch.setitem(globals(), "LR", lr)
    monkeypatch.setitem(globals(), "BATCH_SIZE", batch)
    E.greedy_step(my_greedy_step)
    with fails("not been trained with fit"):
        E.greedy_step(lambda a, b, w, act, out, e: my_greedy_step(a, b, w, act, out, 0))
    with fails("activation"):
        E.greedy_step(lambda a, b, w, act, out, e: my_greedy_step(a, b, w, None, out, e))

    def library(h_train, h_val, width, activation, out, epochs):
        from utils import training
        parts, _ = training.train_greedy_layerwise(h_train, h_val, (width,),
                                                   epochs_per_layer=epochs)
        enc = parts.encoder.get_layer("code")
        return enc, parts.decoder.get_layer("reconstruction"), enc(h_train), enc(h_val)

    with fails("library's own"):
        E.greedy_step(library)
    with fails("expected a tuple"):
        E.greedy_step(lambda *a: 0.97)
    with fails("not encoder"):
        def wrong_codes(*args):
            enc, dec, c_tr, c_val = my_greedy_step(*args)
            return enc, dec, c_tr * 0, c_val
        E.greedy_step(wrong_codes)


# 03 ------------------------------------------------------------------------------------
class MyKLSparsity(regularizers.KLSparsity):
    def penalty(self, h):
        ops = keras.ops
        q = ops.mean(h, axis=0)
        return self.weight * ops.sum(self.rho * ops.log(self.rho / q)
                                     + (1 - self.rho) * ops.log((1 - self.rho) / (1 - q)))


def test_kl_penalty():
    E.kl_penalty(MyKLSparsity)
    with fails("library's penalty"):
        E.kl_penalty(regularizers.KLSparsity)

    class Super(regularizers.KLSparsity):
        def penalty(self, h):  # remove nothing: the library's own
            return super().penalty(h)

    with fails("library's own"):
        E.kl_penalty(Super)

    class Delegates(regularizers.KLSparsity):
        def penalty(self, h):
            kl = regularizers.kl_divergence_bernoulli
            return self.weight * keras.ops.sum(kl(self.rho, keras.ops.mean(h, axis=0)))

    with fails("library's own"):
        E.kl_penalty(Delegates)
    with fails("does not subclass"):
        E.kl_penalty(int)

    class NoWeight(regularizers.KLSparsity):
        def penalty(self, h):
            return MyKLSparsity.penalty(self, h) / self.weight

    with fails("weight × Σ_j"):
        E.kl_penalty(NoWeight)


def test_sparse_code():
    parts = models.build_dense_autoencoder(code_dim=8, hidden=(16,), code_activation="sigmoid",
                                           code_regularizer=MyKLSparsity(0.2, 0.1))
    x = np.zeros((64, 28, 28, 1), "float32")        # four kinds of image: a bar each
    for i in range(64):
        x[i, 4 + 5 * (i % 4):8 + 5 * (i % 4), 4:24] = 1.0
    with fails("not been trained"):
        E.sparse_code(parts, MyKLSparsity, x, low=0.0, high=1.0, lesson=[], weight=0.1)
    parts.autoencoder.compile(optimizer=keras.optimizers.Adam(1e-2), loss="mse")
    parts.autoencoder.fit(x, x, epochs=30, batch_size=16, verbose=0)
    E.sparse_code(parts, MyKLSparsity, x, low=0.0, high=1.0, lesson=[], weight=0.1)
    with fails("outside"):
        E.sparse_code(parts, MyKLSparsity, x, low=0.9, high=1.0, lesson=[], weight=0.1)
    with fails("already trained"):
        E.sparse_code(parts, MyKLSparsity, x, low=0.0, high=1.0, lesson=parts.autoencoder, weight=0.1)
    lesson = models.build_dense_autoencoder(code_dim=8, hidden=(16,), code_activation="sigmoid",
                                            code_regularizer=regularizers.KLSparsity(0.2, 0.1))
    with fails("no MyKLSparsity layer"):
        E.sparse_code(lesson, MyKLSparsity, x, low=0.0, high=1.0, lesson=[], weight=0.1)
    off = models.build_dense_autoencoder(code_dim=8, hidden=(16,), code_activation="sigmoid",
                                         code_regularizer=MyKLSparsity(0.2, 0.0))
    with fails("the weight 0.1"):                    # the penalty switched off
        E.sparse_code(off, MyKLSparsity, x, low=0.0, high=1.0, lesson=[], weight=0.1)
    lazy = models.build_dense_autoencoder(code_dim=8, hidden=(16,), code_activation="sigmoid",
                                          code_regularizer=MyKLSparsity(0.2, 0.1))
    lazy.autoencoder.compile(optimizer=keras.optimizers.SGD(0.0), loss="mse")
    lazy.autoencoder.fit(x, x, epochs=5, batch_size=4, verbose=0)     # 80 steps, learning nothing
    with fails("learning rate of 0"):
        E.sparse_code(lazy, MyKLSparsity, x, low=0.0, high=1.0, lesson=[], weight=0.1)
    zero = keras.optimizers.schedules.PiecewiseConstantDecay([1], [0.0, 0.0])
    lazy.autoencoder.compile(optimizer=keras.optimizers.Adam(zero), loss="mse")
    lazy.autoencoder.fit(x, x, epochs=5, batch_size=4, verbose=0)     # a schedule of zeros
    with fails("learning rate of 0"):
        E.sparse_code(lazy, MyKLSparsity, x, low=0.0, high=1.0, lesson=[], weight=0.1)
    barely = models.build_dense_autoencoder(code_dim=8, hidden=(16,), code_activation="sigmoid",
                                            code_regularizer=MyKLSparsity(0.2, 0.1))
    barely.autoencoder.compile(optimizer=keras.optimizers.Adam(1e-7), loss="mse")
    barely.autoencoder.fit(x, x, epochs=3, batch_size=4, verbose=0)   # steps, but no learning
    with fails("untrained copy"):
        E.sparse_code(barely, MyKLSparsity, x, low=0.0, high=1.0, lesson=[], weight=0.1)
    # a schedule that decays to 0 by the last step (a cosine decay) still counts as training
    decayed = models.build_dense_autoencoder(code_dim=8, hidden=(16,), code_activation="sigmoid",
                                             code_regularizer=MyKLSparsity(0.2, 0.1))
    cosine = keras.optimizers.schedules.CosineDecay(1e-2, decay_steps=120)
    decayed.autoencoder.compile(optimizer=keras.optimizers.Adam(cosine), loss="mse")
    decayed.autoencoder.fit(x, x, epochs=30, batch_size=16, verbose=0)
    E.sparse_code(decayed, MyKLSparsity, x, low=0.0, high=1.0, lesson=[], weight=0.1)
    # one penalty, the student's, inside the model that was trained
    inp = keras.Input((28, 28, 1))
    code = keras.layers.Dense(8, activation="sigmoid")(keras.layers.Flatten()(inp))
    both = MyKLSparsity(0.2, 0.1)(regularizers.KLSparsity(0.2, 0.1)(code))
    enc = keras.Model(inp, both)
    out = keras.layers.Reshape((28, 28, 1))(keras.layers.Dense(784, activation="sigmoid")(both))
    two = models.Autoencoder(keras.Model(inp, out), enc, None)
    two.autoencoder.compile(optimizer=keras.optimizers.Adam(1e-2), loss="mse")
    two.autoencoder.fit(x, x, epochs=5, batch_size=16, verbose=0)
    with fails("one penalty layer"):                 # the library's layer doing the work
        E.sparse_code(two, MyKLSparsity, x, low=0.0, high=1.0, lesson=[], weight=0.1)
    import types
    other = models.build_dense_autoencoder(code_dim=8, hidden=(16,), code_activation="sigmoid",
                                           code_regularizer=MyKLSparsity(0.2, 0.1))
    mixed = types.SimpleNamespace(encoder=other.encoder, autoencoder=parts.autoencoder)
    with fails("not part of its autoencoder"):
        E.sparse_code(mixed, MyKLSparsity, x, low=0.0, high=1.0, lesson=[], weight=0.1)

    class Silent(MyKLSparsity):
        def call(self, h):
            return h

    quiet = models.build_dense_autoencoder(code_dim=8, hidden=(16,), code_activation="sigmoid",
                                           code_regularizer=Silent(0.2, 0.1))
    with fails("overrides call"):
        E.sparse_code(quiet, Silent, x, low=0.0, high=1.0, lesson=[], weight=0.1)


# 04 ------------------------------------------------------------------------------------
def my_conv_denoiser(skip=True):
    inp = keras.Input((28, 28, 1))
    d1 = L.Conv2D(4, 3, strides=2, padding="same", activation="relu")(inp)
    h = L.Conv2D(8, 3, strides=2, padding="same", activation="relu")(d1)
    h = L.Conv2DTranspose(8, 3, strides=2, padding="same", activation="relu")(h)
    h = L.Concatenate()([h, d1]) if skip else h
    h = L.Conv2DTranspose(4, 3, strides=2, padding="same", activation="relu")(h)
    return keras.Model(inp, L.Conv2D(1, 3, padding="same", activation="sigmoid")(h))


def test_conv_denoiser_and_denoises():
    E.conv_denoiser(my_conv_denoiser)
    with fails("expected two Conv2D"):
        E.conv_denoiser(lambda: models.build_dense_autoencoder(code_dim=4).autoencoder)
    with fails("no skip connection"):
        E.conv_denoiser(lambda: my_conv_denoiser(skip=False))
    with fails("library's own"):
        E.conv_denoiser(lambda: models.build_conv_denoiser(widths=(4, 8)))

    def fake_skip():         # an Add of the output with itself is no skip connection
        m = my_conv_denoiser(skip=False)
        return keras.Model(m.input, L.Add()([m.output, L.Lambda(lambda t: 0 * t)(m.output)]))

    with fails("no skip connection"):
        E.conv_denoiser(fake_skip)
    made = my_conv_denoiser()
    with fails("share weights"):
        E.conv_denoiser(lambda: made)
    rng = np.random.default_rng(0)
    clean = np.zeros((64, 28, 28, 1), "float32")
    clean[:, 8:20, 8:20] = 1.0
    noisy = np.clip(clean + rng.normal(0, 0.4, clean.shape), 0, 1).astype("float32")
    model = my_conv_denoiser()
    with fails("not been trained"):
        E.denoises(model, my_conv_denoiser, clean, noisy, low_db=3.0, lesson=[])
    barely = my_conv_denoiser()
    barely.compile(optimizer=keras.optimizers.Adam(1e-7), loss="mse")
    barely.fit(noisy, clean, epochs=3, batch_size=16, verbose=0)
    with fails("gains less"):
        E.denoises(barely, my_conv_denoiser, clean, noisy, low_db=3.0, lesson=[])
    model.compile(optimizer=keras.optimizers.Adam(3e-3), loss="mse")
    model.fit(noisy, clean, epochs=60, batch_size=16, verbose=0)
    E.denoises(model, my_conv_denoiser, clean, noisy, low_db=3.0, lesson=[])
    with fails("already trained"):
        E.denoises(model, my_conv_denoiser, clean, noisy, low_db=3.0, lesson=[model])
    nudged = my_conv_denoiser()                      # the lesson's weights, moved by 1e-7
    nudged.set_weights([w + 1e-7 for w in model.get_weights()])
    nudged.compile(optimizer=keras.optimizers.Adam(1e-9), loss="mse")
    nudged.fit(noisy, clean, epochs=3, batch_size=16, verbose=0)
    with fails("copied from a model"):
        E.denoises(nudged, my_conv_denoiser, clean, noisy, low_db=3.0, lesson=[model])
    wrapped = my_conv_denoiser()                     # trained inside models.with_corruption
    trainer = models.with_corruption(wrapped, "gaussian", 0.4, seed=0)
    trainer.compile(optimizer=keras.optimizers.Adam(3e-3), loss="mse")
    trainer.fit(clean, clean, epochs=60, batch_size=16, verbose=0)
    del trainer                                      # as in the notebook: only the denoiser kept
    E.denoises(wrapped, my_conv_denoiser, clean, noisy, low_db=3.0, lesson=[model])


# 05 ------------------------------------------------------------------------------------
def test_unblend():
    E.unblend(lambda j, a, w: (j - a[..., None] * w) / (1 - a[..., None]))
    with fails("photo under the mark"):
        E.unblend(lambda j, a, w: j - a[..., None] * w)
    with fails("photo under the mark"):
        E.unblend(lambda j, a, w: j)
    from utils import watermark
    with fails("invert_blend"):
        E.unblend(watermark.invert_blend)
    with fails("invert_blend"):
        E.unblend(lambda j, a, w: watermark.invert_blend(j, a, w))
    alias = watermark.invert_blend
    with fails("invert_blend"):
        E.unblend(lambda j, a, w: alias(j[None], a[None], w[None])[0])

    def commented(j, alpha, colour):  # remove the mark: invert_blend by hand
        removed = (j - alpha[..., None] * colour) / (1 - alpha[..., None])
        return removed

    E.unblend(commented)

    class Lazy:                                      # computes the library's answer later
        def __init__(self, f):
            self.f = f

        def __array__(self, dtype=None, copy=None):
            return np.asarray(self.f(), dtype=dtype)

    with fails("expected an array"):
        E.unblend(lambda j, a, w: Lazy(lambda: watermark.invert_blend(j[None], a[None],
                                                                      w[None])[0]))


# 06 ------------------------------------------------------------------------------------
class MySampling(L.Layer):
    def call(self, inputs):
        mu, log_var = inputs
        kl = 0.5 * keras.ops.sum(keras.ops.exp(log_var) + mu ** 2 - 1 - log_var, axis=-1)
        self.add_loss(keras.ops.mean(kl))
        return mu + keras.ops.exp(0.5 * log_var) * keras.random.normal(keras.ops.shape(mu))


class SeededSampling(MySampling):                    # the notebook's way: a seeded generator
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.noise = keras.random.SeedGenerator(0)

    def call(self, inputs):
        mu, log_var = inputs
        kl = 0.5 * keras.ops.sum(keras.ops.exp(log_var) + mu ** 2 - 1 - log_var, axis=-1)
        self.add_loss(keras.ops.mean(kl))
        eps = keras.random.normal(keras.ops.shape(mu), seed=self.noise)
        return mu + keras.ops.exp(0.5 * log_var) * eps


def test_sampling_layer():
    E.sampling_layer(MySampling)
    E.sampling_layer(SeededSampling)       # two layers seeded alike may agree; one moves on

    class Frozen(MySampling):                        # the same ε at every call
        def call(self, inputs):
            mu, log_var = inputs
            MySampling.call(self, inputs)
            eps = np.random.default_rng(0).normal(size=(4000, 3)).astype("float32")
            return mu + keras.ops.exp(0.5 * log_var) * eps

    with fails("two calls gave the same z"):
        E.sampling_layer(Frozen)
    with fails("library's call"):
        E.sampling_layer(vae.Sampling)

    class Super(vae.Sampling):
        def call(self, inputs):
            return super().call(inputs)

    with fails("library's own"):
        E.sampling_layer(Super)

    class Holds(L.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.inner = vae.Sampling()

        def call(self, inputs):
            return self.inner(inputs)

    with fails("library's own"):
        E.sampling_layer(Holds)

    class NoNoise(L.Layer):
        def call(self, inputs):
            MySampling.call(self, inputs)
            return inputs[0]

    with fails("not standard normal"):
        E.sampling_layer(NoNoise)

    class NoKL(L.Layer):
        def call(self, inputs):
            mu, log_var = inputs
            return mu + keras.ops.exp(0.5 * log_var) * keras.random.normal(keras.ops.shape(mu))

    with fails("added 0 loss"):
        E.sampling_layer(NoKL)

    class Variance(L.Layer):                         # σ² in place of σ
        def call(self, inputs):
            mu, log_var = inputs
            kl = 0.5 * keras.ops.sum(keras.ops.exp(log_var) + mu**2 - 1 - log_var, axis=1)
            self.add_loss(keras.ops.mean(kl))
            return mu + keras.ops.exp(log_var) * keras.random.normal(keras.ops.shape(mu))

    with fails("not standard normal"):
        E.sampling_layer(Variance)

    class PlusMinus(L.Layer):                        # ±1, not a normal draw
        def call(self, inputs):
            mu, log_var = inputs
            sign = np.where(np.arange(4000) % 2, 1.0, -1.0).astype("float32")[:, None]
            return mu + keras.ops.exp(0.5 * log_var) * sign

    with fails("not standard normal"):
        E.sampling_layer(PlusMinus)

    class LateLoss(L.Layer):                         # the KL from the library, read later
        def call(self, inputs):
            mu, log_var = inputs
            self.saved = (mu, log_var)
            return mu + keras.ops.exp(0.5 * log_var) * keras.random.normal(keras.ops.shape(mu))

        @property
        def losses(self):
            return [keras.ops.mean(vae.kl_standard_normal(*self.saved))]

    with fails("redefines `losses`"):
        E.sampling_layer(LateLoss)


# 07 ------------------------------------------------------------------------------------
def test_independent_pixels_and_without_digit():
    rng = np.random.default_rng(0)
    x_train = rng.random((50, 28, 28, 1)).astype("float32")
    p = np.clip((x_train > 0.5).mean(0), 1e-3, 1 - 1e-3)
    nll = lambda x: -((x > 0.5) * np.log(p) + (x <= 0.5) * np.log(1 - p)).sum((1, 2, 3))
    E.independent_pixels(nll, x_train)
    with fails("not −log p"):
        E.independent_pixels(lambda x: nll(x).mean(), x_train)
    with fails("not −log p"):
        E.independent_pixels(lambda x: nll(x) / 784, x_train)
    E.without_digit(lambda x, y, d: x[y != d])
    with fails("not 1"):
        E.without_digit(lambda x, y, d: x[y != 1] if False else x)


def test_retrained():
    def ae():
        inp = keras.Input((28, 28, 1))
        out = L.Reshape((28, 28, 1))(L.Dense(784, activation="sigmoid")(
            L.Dense(8)(L.Flatten()(inp))))
        model = keras.Model(inp, out)
        model.compile(optimizer=keras.optimizers.Adam(1e-2), loss="binary_crossentropy")
        return model

    rng = np.random.default_rng(0)                     # ten "digits": a bar each, plus noise
    y = np.tile(np.arange(10), 30)
    x = np.zeros((300, 28, 28, 1), "float32")
    for i, d in enumerate(y):
        x[i, 2 + 2 * d:6 + 2 * d, 4:24] = 1.0
    x = np.clip(x + rng.normal(0, 0.05, x.shape), 0, 1).astype("float32")
    keras.utils.set_random_seed(0)
    lesson, mine, everything = ae(), ae(), ae()
    lesson.fit(x[y != 9], x[y != 9], epochs=30, verbose=0)
    with fails("not been trained"):
        E.retrained(mine, lesson, x, y, lesson=lesson, left_out=9)
    mine.fit(x[y != 1], x[y != 1], epochs=30, verbose=0)
    E.retrained(mine, lesson, x, y, lesson=lesson, left_out=9)
    with fails("already trained"):
        E.retrained(lesson, lesson, x, y, lesson=lesson, left_out=9)
    everything.fit(x, x, epochs=30, verbose=0)
    with fails("were the 1s left out"):
        E.retrained(everything, lesson, x, y, lesson=lesson, left_out=9)
    with fails("another digit than 1"):
        E.retrained(mine, lesson, x, y, lesson=lesson, left_out=1)


def test_training_before_a_reload_of_the_checks_still_counts():
    """The autograder reloads ``utils.exercises`` before it runs the checks again (so that a
    replaced helper does not survive): a model the student trained before the reload is still
    known as trained, and one trained after it is recorded too."""
    import importlib

    def small():
        model = keras.Sequential([keras.Input((3,)), L.Dense(2)])
        model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
        return model

    x = np.random.default_rng(0).random((40, 3)).astype("float32")
    before, after, never = small(), small(), small()
    before.fit(x, x[:, :2], epochs=3, batch_size=4, verbose=0)
    fresh = importlib.reload(E)
    fresh._fitted("the check", before, "before")
    after.fit(x, x[:, :2], epochs=3, batch_size=4, verbose=0)
    fresh._fitted("the check", after, "after")
    with fails("not been trained with fit"):
        fresh._fitted("the check", never, "never")


def test_a_record_of_a_freed_variable_does_not_count_for_a_new_one():
    """Python gives a new object the id of one that was freed (the JAX backend's variables
    are freed and reused often): a record of training left by a freed variable neither
    trains nor 'changes' the new variable that now has its id."""
    import weakref

    def small():
        model = keras.Sequential([keras.Input((3,)), L.Dense(2)])
        model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
        return model

    x = np.random.default_rng(0).random((40, 3)).astype("float32")
    trained, never = small(), small()
    trained.fit(x, x[:, :2], epochs=3, batch_size=4, verbose=0)
    for mine, theirs in zip(never.weights, trained.weights):   # as if freed and reused
        E._FITS[id(mine)] = E._Fit(weakref.ref(theirs), E._digest(theirs), 30, 0.1)
    with fails("not been trained with fit"):
        E._fitted("the check", never, "never")
    never.fit(x, x[:, :2], epochs=3, batch_size=4, verbose=0)
    E._fitted("the check", never, "never")                      # its own record now
