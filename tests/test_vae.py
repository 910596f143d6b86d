"""The VAE of notebook 06: KL term, bounds against hand computations, sampling, saving,
and training on the JAX backend."""
import os
import subprocess
import sys
import textwrap
import warnings
from pathlib import Path

import keras
import numpy as np
import pytest
from scipy.special import logsumexp
from scipy.stats import norm

from utils import metrics, vae

ROOT = Path(__file__).resolve().parents[1]


# ------------------------------------------------------------------------- binarize --
def test_binarize_threshold_and_sample():
    x = np.array([[0.0, 0.5, 0.51, 1.0]], dtype=np.float32)
    np.testing.assert_array_equal(vae.binarize(x), [[0, 0, 1, 1]])
    grey = np.full((200, 50), 0.3, dtype=np.float32)
    a, b = vae.binarize(grey, "sample", seed=1), vae.binarize(grey, "sample", seed=1)
    np.testing.assert_array_equal(a, b)
    assert set(np.unique(a)) == {0.0, 1.0}
    assert abs(a.mean() - 0.3) < 0.02


@pytest.mark.parametrize("kwargs, match", [
    (dict(x=np.array([1.5]), method="threshold"), r"\[0, 1\]"),
    (dict(x=np.array([-0.1]), method="threshold"), r"\[0, 1\]"),
    (dict(x=np.array([0.5]), method="round"), "method"),
    (dict(x=np.array([0.5]), method="sample"), "seed"),
    (dict(x=np.array([[0, 128, 255]]), method="threshold"), "divide by 255"),
    (dict(x=np.array([0.5, np.nan]), method="threshold"), "NaN"),
])
def test_binarize_bad_input(kwargs, match):
    with pytest.raises(ValueError, match=match):
        vae.binarize(**kwargs)


# ------------------------------------------------------------------------------- KL --
def test_kl_matches_closed_form_on_known_inputs():
    mu = np.array([[0.0, 0.0], [1.0, 2.0]])
    log_var = np.array([[0.0, 0.0], [0.0, np.log(4.0)]])
    kl = np.asarray(vae.kl_standard_normal(mu, log_var))
    # N(0, 1) vs itself: 0. Second row, by hand: ½[(1 + 1 − 1 − 0) + (4 + 4 − 1 − log 4)].
    np.testing.assert_allclose(kl, [0.0, 0.5 * (1.0 + 7.0 - np.log(4.0))], rtol=1e-6)


def test_kl_matches_numerical_integral():
    m, s = 0.7, 0.4
    z = np.linspace(-6, 6, 20001)
    q = norm.pdf(z, m, s)
    integral = np.trapezoid(q * (norm.logpdf(z, m, s) - norm.logpdf(z)), z)
    kl = float(np.asarray(vae.kl_standard_normal(np.array([m]), np.array([2 * np.log(s)]))))
    assert kl == pytest.approx(integral, rel=1e-4)


def test_sampling_layer_adds_beta_times_mean_kl_and_is_seeded():
    mu = np.array([[0.5, -1.0], [0.0, 2.0]], dtype="float32")
    log_var = np.array([[0.0, -1.0], [0.5, 0.0]], dtype="float32")
    layer = vae.Sampling(beta=2.0, seed=3)
    z1 = keras.ops.convert_to_numpy(layer([mu, log_var]))
    expected = 2.0 * np.asarray(vae.kl_standard_normal(mu, log_var)).mean()
    assert float(keras.ops.convert_to_numpy(layer.losses[0])) == pytest.approx(expected, rel=1e-5)
    z2 = keras.ops.convert_to_numpy(vae.Sampling(beta=2.0, seed=3)([mu, log_var]))
    np.testing.assert_array_equal(z1, z2)
    assert z1.shape == (2, 2)


@pytest.mark.parametrize("beta, error", [(-1.0, ValueError), (float("nan"), ValueError),
                                         ("1", TypeError), (True, TypeError)])
def test_sampling_bad_beta(beta, error):
    with pytest.raises(error, match="beta"):
        vae.Sampling(beta=beta)


def test_bernoulli_nll_by_hand():
    x = np.array([[[[1.0], [0.0]]]], dtype="float32")           # one 1×2 image
    logits = np.array([[[[2.0], [-1.0]]]], dtype="float32")
    p = 1 / (1 + np.exp(-logits.ravel()))
    hand = -(np.log(p[0]) + np.log(1 - p[1]))
    got = float(keras.ops.convert_to_numpy(vae.bernoulli_nll(x, logits))[0])
    assert got == pytest.approx(hand, rel=1e-5)


# ------------------------------------------------------- bounds on a tiny 1-d model --
@pytest.fixture(scope="module")
def tiny():
    keras.utils.set_random_seed(0)
    model = vae.build_vae((2, 2, 1), latent_dim=1, kind="dense", widths=(4,), seed=0)
    x = np.array([[1, 0, 0, 1], [1, 1, 0, 0]], dtype="float32").reshape(2, 2, 2, 1)
    # Move q(z | x) away from the prior so that every term is far from zero.
    for name, bias in (("mu", 0.8), ("log_var", -1.0)):
        layer = model.encoder.get_layer(name)
        kernel, _ = layer.get_weights()
        layer.set_weights([kernel * 3.0, np.full(1, bias, dtype="float32")])
    return model, x


def _exact(model, x):
    """−log p(x), E_q[−log p(x|z)] and KL by quadrature over the 1-d latent."""
    z = np.linspace(-8, 8, 4001)
    logits = model.decoder.predict(z[:, None].astype("float32"), verbose=0).reshape(len(z), -1)
    mu, log_var = (a[:, 0] for a in model.encoder.predict(x, verbose=0))
    out = []
    for i, xi in enumerate(x.reshape(len(x), -1)):
        log_px_z = (xi * logits - np.logaddexp(0, logits)).sum(axis=1)
        log_px = logsumexp(log_px_z + norm.logpdf(z)) + np.log(z[1] - z[0])
        q = norm.pdf(z, mu[i], np.exp(0.5 * log_var[i]))
        rec = -np.trapezoid(q * log_px_z, z)
        kl = 0.5 * (np.exp(log_var[i]) + mu[i] ** 2 - 1 - log_var[i])
        out.append((-log_px, rec, kl))
    return np.array(out)


def test_neg_elbo_matches_quadrature(tiny):
    model, x = tiny
    exact = _exact(model, x)
    many = np.repeat(x, 4000, axis=0)
    r = vae.neg_elbo(model, many, seed=1)
    for i in range(len(x)):
        part = slice(i * 4000, (i + 1) * 4000)
        assert exact[i, 2] > 0.05
        assert r["kl"][part] == pytest.approx(exact[i, 2], rel=1e-4)
        assert r["reconstruction"][part].mean() == pytest.approx(exact[i, 1], rel=0.02)
    np.testing.assert_allclose(r["neg_elbo"], r["reconstruction"] + r["kl"])


def _posterior_moments(model, xi):
    z = np.linspace(-8, 8, 4001)
    logits = model.decoder.predict(z[:, None].astype("float32"), verbose=0).reshape(len(z), -1)
    log_joint = (xi.ravel() * logits - np.logaddexp(0, logits)).sum(axis=1) + norm.logpdf(z)
    post = np.exp(log_joint - logsumexp(log_joint))
    mean = (post * z).sum()
    return mean, (post * (z - mean) ** 2).sum()


def test_iwae_bound_brackets_and_approaches_the_true_likelihood(tiny):
    model, x = tiny
    mu_layer, lv_layer = model.encoder.get_layer("mu"), model.encoder.get_layer("log_var")
    saved = mu_layer.get_weights(), lv_layer.get_weights()
    try:
        for xi in x:
            # q(z | x) = the Gaussian with the true posterior's mean and variance (found by
            # quadrature), so that the bound converges at a k a test can afford, on any backend.
            mean, var = _posterior_moments(model, xi)
            zeros = np.zeros_like(saved[0][0])
            mu_layer.set_weights([zeros, np.array([mean], "float32")])
            lv_layer.set_weights([zeros, np.array([np.log(var)], "float32")])
            one = xi[None]
            neg_log_px, rec, kl = _exact(model, one)[0]
            neg_elbo = rec + kl
            assert neg_elbo >= neg_log_px - 1e-6
            many = np.repeat(one, 2000, axis=0)           # 2,000 independent estimates
            iw1, iw10 = (vae.iwae_bound(model, many, k=k, seed=0, chunk=2000).mean()
                         for k in (1, 10))
            iw5000 = vae.iwae_bound(model, one, k=5000, seed=0)[0]
            # k = 1 is an unbiased estimate of −ELBO; on average a larger k gives a tighter
            # bound that stays above −log p(x); k = 5000 is close to it.
            assert iw1 == pytest.approx(neg_elbo, rel=0.02)
            assert neg_log_px - 0.01 < iw10 < iw1 + 0.01   # (the gap is small: q is good)
            assert iw5000 == pytest.approx(neg_log_px, abs=0.02)
    finally:
        mu_layer.set_weights(saved[0])
        lv_layer.set_weights(saved[1])


def test_iwae_matches_a_direct_computation(tiny):
    model, x = tiny
    k = 7
    got = vae.iwae_bound(model, x, k=k, seed=4, chunk=1)
    mu, log_var = (a.astype(np.float64) for a in model.encoder.predict(x, verbose=0))
    rng = np.random.default_rng(4)
    for i in range(len(x)):
        eps = rng.standard_normal((k, 1))
        sd = np.exp(0.5 * log_var[i])
        z = mu[i] + sd * eps
        logits = model.decoder.predict(z.astype("float32"), verbose=0).reshape(k, -1)
        xi = x[i].ravel()
        log_w = ((xi * logits - np.logaddexp(0, logits)).sum(1) + norm.logpdf(z[:, 0])
                 - norm.logpdf(z[:, 0], mu[i, 0], sd[0]))
        assert got[i] == pytest.approx(-(logsumexp(log_w) - np.log(k)), rel=1e-5)


def test_iwae_log_mean_exp_matches_the_old_formula(tiny):
    """scipy's logsumexp gives the numbers of the hand-written max-shifted log-mean-exp."""
    model, x = tiny
    k = 9
    got = vae.iwae_bound(model, x, k=k, seed=3, chunk=1)
    mu, log_var = (a.astype(np.float64) for a in model.encoder.predict(x, verbose=0))
    rng = np.random.default_rng(3)
    for i in range(len(x)):
        eps = rng.standard_normal((1, k, 1))
        z = mu[i] + np.exp(0.5 * log_var[i]) * eps
        logits = np.asarray(model.decoder.predict(z.reshape(k, 1).astype(np.float32),
                                                  verbose=0), np.float64).reshape(1, k, -1)
        log_w = ((x[i].reshape(1, 1, -1) * logits - np.logaddexp(0.0, logits)).sum(axis=2)
                 - 0.5 * (z ** 2 + np.log(2 * np.pi)).sum(axis=2)
                 + 0.5 * (eps ** 2 + log_var[i] + np.log(2 * np.pi)).sum(axis=2))
        top = log_w.max(axis=1, keepdims=True)                       # the old formula
        old = -(top[:, 0] + np.log(np.exp(log_w - top).mean(axis=1)))
        assert got[i] == pytest.approx(old[0], rel=1e-12)


def test_decode_is_stable_for_extreme_logits():
    m = vae.build_vae((2, 2, 1), latent_dim=2, kind="dense", widths=(4,), seed=0)
    out = m.decoder.get_layer("dec_out")
    kernel, _ = out.get_weights()
    out.set_weights([np.zeros_like(kernel),
                     np.array([-1000.0, 1000.0, -80.0, 3.0], dtype="float32")])
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)   # no overflow warning from exp
        p = vae.decode(m, np.zeros((2, 2)))
    assert p.dtype == np.float32
    np.testing.assert_array_equal(p[:, 0, 0, 0], 0.0)
    np.testing.assert_array_equal(p[:, 0, 1, 0], 1.0)
    # ordinary logits: the numbers of 1 / (1 + exp(−l))
    np.testing.assert_array_equal(p[:, 1, 1, 0], np.float32(1 / (1 + np.exp(-3.0))))
    assert np.all(np.isfinite(p))


def test_bounds_reject_grey_images_and_wrong_shapes(tiny):
    model, x = tiny
    with pytest.raises(ValueError, match="binarised"):
        vae.neg_elbo(model, x * 0.5)
    with pytest.raises(ValueError, match="shape"):
        vae.iwae_bound(model, x[:, :1])
    with pytest.raises(ValueError, match="k"):
        vae.iwae_bound(model, x, k=0)
    with pytest.raises(ValueError, match="divide by 255"):
        vae.neg_elbo(model, x * 255)
    with pytest.raises(TypeError, match="vae is Functional; expected a vae.VAE"):
        vae.neg_elbo(model.model, x)


# ------------------------------------------------------------ builders and sampling --
@pytest.mark.parametrize("kwargs, match", [
    (dict(latent_dim=0), "latent_dim"),
    (dict(kind="rnn"), "kind"),
    (dict(input_shape=(30, 30, 1)), "divisible"),
    (dict(input_shape=(28, 28)), "input_shape"),
    (dict(widths=()), "widths"),
])
def test_build_vae_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        vae.build_vae(**kwargs)


def test_conv_vae_shapes():
    m = vae.build_vae((28, 28, 1), latent_dim=3, seed=0)
    assert m.latent_dim == 3
    assert m.model.output_shape == (None, 28, 28, 1)
    assert [tuple(s) for s in m.encoder.output_shape] == [(None, 3), (None, 3)]


def test_sampling_from_the_prior_is_reproducible_and_valid():
    m = vae.build_vae((28, 28, 1), latent_dim=2, kind="dense", widths=(16,), seed=0)
    a, b = vae.sample_prior(m, 5, seed=2), vae.sample_prior(m, 5, seed=2)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, vae.sample_prior(m, 5, seed=3))
    assert a.shape == (5, 28, 28, 1) and a.min() >= 0 and a.max() <= 1
    grid = vae.latent_grid(m, 4)
    assert grid.shape == (16, 28, 28, 1)
    with pytest.raises(ValueError, match=r"expected \(n, 2\)"):
        vae.decode(m, np.zeros((3, 5)))


def test_seeded_models_train_identically():
    x = vae.binarize(np.random.default_rng(0).random((64, 4, 4, 1)))
    losses = []
    for _ in range(2):
        keras.utils.set_random_seed(1)
        m = vae.build_vae((4, 4, 1), latent_dim=2, kind="dense", widths=(8,), seed=5)
        h = m.model.fit(x, x, epochs=2, batch_size=16, verbose=0, shuffle=False)
        losses.append(h.history["loss"])
    assert losses[0] == losses[1]


def test_latent_grid_needs_two_dimensions():
    m = vae.build_vae((4, 4, 1), latent_dim=3, kind="dense", widths=(8,), seed=0)
    with pytest.raises(ValueError, match="2"):
        vae.latent_grid(m)


def test_interpolation_ends_at_the_two_codes():
    m = vae.build_vae((4, 4, 1), latent_dim=2, kind="dense", widths=(8,), seed=0)
    rng = np.random.default_rng(0)
    xa, xb = (vae.binarize(rng.random((3, 4, 4, 1))) for _ in range(2))
    path = vae.interpolate(m, xa, xb, steps=5)
    assert path.shape == (3, 5, 4, 4, 1)
    np.testing.assert_allclose(path[:, 0], vae.decode(m, m.encoder.predict(xa, verbose=0)[0]),
                               atol=1e-6)
    np.testing.assert_allclose(path[:, -1], vae.decode(m, m.encoder.predict(xb, verbose=0)[0]),
                               atol=1e-6)
    with pytest.raises(ValueError, match="x_a has shape .* and x_b"):
        vae.interpolate(m, xa, xb[:2])


def test_save_and_reload_give_identical_outputs(tmp_path):
    x = vae.binarize(np.random.default_rng(0).random((32, 28, 28, 1)))
    m = vae.build_vae((28, 28, 1), latent_dim=4, seed=0)
    m.model.fit(x, x, epochs=1, batch_size=16, verbose=0)
    path = tmp_path / "vae.keras"
    m.model.save(path)
    loaded = keras.models.load_model(path)
    assert loaded.get_layer("sampling").beta == 1.0
    # The trained weights: the encoder and decoder inside give identical outputs.
    enc = loaded.get_layer(m.encoder.name)
    dec = loaded.get_layer(m.decoder.name)
    for a, b in zip(m.encoder.predict(x, verbose=0), enc.predict(x, verbose=0)):
        np.testing.assert_array_equal(a, b)
    z = np.random.default_rng(1).standard_normal((8, 4)).astype("float32")
    np.testing.assert_array_equal(m.decoder.predict(z, verbose=0), dec.predict(z, verbose=0))
    # And the whole stochastic model: the reloaded Sampling layer starts its noise stream
    # from its seed again (the generator's position is not saved), so rewind the original's.
    m.model.get_layer("sampling").seed_generator.state.assign(
        keras.ops.zeros((2,), dtype="uint32"))
    np.testing.assert_array_equal(m.model.predict(x, verbose=0), loaded.predict(x, verbose=0))


# -------------------------------------------------------------------- Fréchet distance --
def test_frechet_distance_by_hand():
    rng = np.random.default_rng(0)
    a = rng.standard_normal((4000, 3))
    assert metrics.frechet_distance(a, a) == pytest.approx(0.0, abs=1e-6)
    # Same covariance, means 2 apart in every one of 3 dimensions: 3 · 2² = 12.
    assert metrics.frechet_distance(a, a + 2.0) == pytest.approx(12.0, rel=1e-6)
    # N(0, I) vs N(0, 9 I) in 3-d: tr(I + 9I − 2·3I) = 3 · (1 − 3)² = 12 (up to sampling).
    b = 3.0 * rng.standard_normal((4000, 3))
    assert metrics.frechet_distance(a, b) == pytest.approx(12.0, rel=0.1)


def test_frechet_distance_bad_input():
    with pytest.raises(ValueError, match="features_a .*features_b"):   # 3 and 2 features
        metrics.frechet_distance(np.zeros((5, 2)), np.zeros((5, 3)))
    with pytest.raises(ValueError, match="features_a"):
        metrics.frechet_distance(np.zeros(5), np.zeros((5, 1)))


# ---------------------------------------------------------------------- JAX backend --
def test_vae_trains_on_the_jax_backend():
    import importlib.util
    assert importlib.util.find_spec("jax") is not None, (
        "JAX is not installed; it is a test dependency that `make install` installs "
        "(pyproject.toml, extra 'test').")
    script = textwrap.dedent("""
        import keras, numpy as np
        assert keras.backend.backend() == "jax", keras.backend.backend()
        from utils import data, vae
        x = vae.binarize(data.load_embedded_mnist().x_train[:512])
        keras.utils.set_random_seed(0)
        m = vae.build_vae((28, 28, 1), latent_dim=8, kind="dense", widths=(128,), seed=0)
        h = m.model.fit(x, x, epochs=3, batch_size=64, verbose=0)
        first, last = h.history["loss"][0], h.history["loss"][-1]
        print("losses", first, last)
        assert last < 0.8 * first, (first, last)
        r = vae.neg_elbo(m, x[:100])
        assert np.isfinite(r["neg_elbo"]).all()
    """)
    env = dict(os.environ, KERAS_BACKEND="jax", JAX_PLATFORMS="cpu", TF_CPP_MIN_LOG_LEVEL="3")
    run = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-3000:]
    assert "losses" in run.stdout
