"""Variational autoencoders (notebook 06) in backend-agnostic Keras 3.

The model (Kingma & Welling, 2014): an encoder maps an image x to the mean μ and the log
variance log σ² of a Gaussian q(z | x); a sample z = μ + σ·ε (ε ~ N(0, I), the
*reparameterisation*) goes through the decoder, which returns the logits of independent
Bernoulli pixels p(x | z). Training minimises the negative evidence lower bound, in nats per
image::

    −ELBO(x) = E_q[−log p(x | z)]  +  KL(q(z | x) ‖ N(0, I))
               reconstruction (distortion)   rate

The KL term has a closed form for two Gaussians and is added by the ``Sampling`` layer with
``add_loss``; the reconstruction term is the compiled loss ``bernoulli_nll``. There is no
backend-specific training code: ``model.fit`` trains the same model on TensorFlow, JAX or
PyTorch. ``neg_elbo`` and ``iwae_bound`` score a trained model on held-out images in NumPy.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import keras
import numpy as np
from keras import layers, ops
from scipy.special import expit, logsumexp

from ._validate import (KERAS_SEED_MAX, check_array, check_choice, check_images, check_int,
                        check_int_sequence, check_model, check_real, check_same_shape,
                        check_seed, check_str)

__all__ = ["binarize", "kl_standard_normal", "bernoulli_nll", "Sampling", "VAE", "build_vae",
           "neg_elbo", "iwae_bound", "decode", "latent_grid", "interpolate", "sample_prior"]

BINARIZATIONS = ("threshold", "sample")
_LOG_2PI = float(np.log(2.0 * np.pi))


def binarize(x, method: str = "threshold", *, seed: int | None = None) -> np.ndarray:
    """Binary images from grey levels in [0, 1], as float32 zeros and ones.

    ``"threshold"``: pixel > 0.5 (one fixed data set; an easier one). ``"sample"``: each pixel
    is 1 with probability equal to its grey level, drawn once with ``seed`` (the "dynamically"
    or "stochastically binarised" MNIST most VAE papers report on, redrawn there every epoch).

    Args:
        x: grey levels in [0, 1], any shape with at least one axis (8-bit images: divide
            by 255 first).
        method: ``"threshold"`` or ``"sample"``.
        seed: the seed of the draw (``"sample"`` only; required there).

    Returns:
        float32 zeros and ones, the shape of ``x``.
    """
    check_choice("method", method, BINARIZATIONS)
    x = check_images("x", x, ndim=None)
    seed = check_seed("seed", seed)
    if method == "threshold":
        return (x > 0.5).astype(np.float32)
    if seed is None:
        raise ValueError("seed is None; method='sample' needs a seed so the data set is fixed.")
    return (np.random.default_rng(seed).random(x.shape) < x).astype(np.float32)


def _is_host(value) -> bool:
    """NumPy data (arrays, lists, numbers) rather than a backend or symbolic tensor: only
    such values can be checked for their values (a traced tensor has none yet)."""
    return isinstance(value, (np.ndarray, np.generic, list, tuple, int, float))


def kl_standard_normal(mu, log_var):
    """KL(N(μ, diag σ²) ‖ N(0, I)) = ½ Σ (σ² + μ² − 1 − log σ²), summed over the last axis.

    Works on NumPy arrays and on backend tensors (``keras.ops``). NumPy inputs are checked:
    the same shape, at least one axis, finite values.
    """
    if _is_host(mu) or _is_host(log_var):    # checked; the values go on as given
        check_same_shape("mu", check_array("mu", mu, dtype=None),
                         "log_var", check_array("log_var", log_var, dtype=None))
    return 0.5 * ops.sum(ops.exp(log_var) + ops.square(mu) - 1.0 - log_var, axis=-1)


@keras.saving.register_keras_serializable(package="ae_course")
def bernoulli_nll(x, logits):
    """−log p(x | z) in nats per image: binary cross-entropy on logits summed over pixels.

    NumPy inputs are checked (backend tensors during training are not): ``x`` in [0, 1],
    finite ``logits`` of the same shape, at least (n, pixels).
    """
    if _is_host(x) or _is_host(logits):     # checked; the values go on as given
        check_same_shape("x", check_images("x", x, ndim=range(2, 6), dtype=None),
                         "logits", check_array("logits", logits, ndim=range(2, 6), dtype=None))
    x = ops.cast(x, logits.dtype)
    # softplus(l) − x·l is −[x log σ(l) + (1 − x) log(1 − σ(l))], stable for large |l|.
    nll = ops.softplus(logits) - x * logits
    return ops.sum(ops.reshape(nll, (ops.shape(nll)[0], -1)), axis=-1)


@keras.saving.register_keras_serializable(package="ae_course")
class Sampling(layers.Layer):
    """``[μ, log σ²] → z = μ + σ·ε`` and, as a side effect, ``β · mean KL`` added as a loss.

    The noise ε comes from the layer's own ``keras.random.SeedGenerator``, so a seeded
    model draws the same ε on every run. ``beta`` weights the KL term (β = 1: the ELBO;
    β > 1: the β-VAE of Higgins et al., 2017)."""

    def __init__(self, beta: float = 1.0, seed: int | None = None, **kwargs):
        super().__init__(**kwargs)
        self.beta = check_real("beta", beta, low=0)
        self.seed = check_seed("seed", seed, generator=False, high=KERAS_SEED_MAX)
        self.seed_generator = keras.random.SeedGenerator(self.seed)

    def call(self, inputs):
        if not isinstance(inputs, (list, tuple)) or len(inputs) != 2:
            raise TypeError(f"Sampling takes [mu, log_var]; got {type(inputs).__name__}"
                            f"{f' of {len(inputs)}' if isinstance(inputs, (list, tuple)) else ''}.")
        mu, log_var = inputs
        if tuple(mu.shape) != tuple(log_var.shape):
            raise ValueError(f"mu has shape {tuple(mu.shape)} and log_var "
                             f"{tuple(log_var.shape)}; expected the same shape.")
        self.add_loss(self.beta * ops.mean(kl_standard_normal(mu, log_var)))
        eps = keras.random.normal(ops.shape(mu), seed=self.seed_generator)
        return mu + ops.exp(0.5 * log_var) * eps

    def compute_output_shape(self, input_shape):
        return input_shape[0]

    def get_config(self):
        return {**super().get_config(), "beta": self.beta, "seed": self.seed}


@dataclass(frozen=True)
class VAE:
    """The three models of a VAE; they share weights.

    ``encoder``: x → [μ, log σ²]; ``decoder``: z → Bernoulli logits of the image;
    ``model``: x → logits through a ``Sampling`` layer (train this one)."""

    encoder: keras.Model
    decoder: keras.Model
    model: keras.Model

    def __post_init__(self):
        for name in ("encoder", "decoder", "model"):
            check_model(name, getattr(self, name))

    @property
    def latent_dim(self) -> int:
        return int(self.decoder.input_shape[-1])


def _check_vae(value) -> VAE:
    """The ``vae`` argument: a ``VAE`` (from ``build_vae``), not one of its Keras models."""
    if not isinstance(value, VAE):
        raise TypeError(f"vae is {type(value).__name__}; expected a vae.VAE (what build_vae "
                        "returns: its encoder, decoder and model together).")
    return value


def build_vae(input_shape: Sequence[int] = (28, 28, 1), latent_dim: int = 16, *,
              kind: str = "conv", widths: Sequence[int] = (32, 64), beta: float = 1.0,
              seed: int | None = None, name: str = "vae") -> VAE:
    """A VAE with Bernoulli pixels.

    ``kind="conv"``: the encoder has one 3×3 convolution of stride 2 per entry of
    ``widths`` (28 → 14 → 7 for two), the decoder mirrors it with transposed convolutions
    (the architecture of TensorFlow's CVAE tutorial). ``kind="dense"``: fully connected
    layers of ``widths`` units (e.g. ``(512, 256)``). Both end in two linear heads μ and
    log σ². The model is compiled with Adam and ``bernoulli_nll``, so its training loss is
    −ELBO in nats per image (with β = 1).
    """
    shape = check_int_sequence("input_shape", input_shape, min_len=3, example="(28, 28, 1)")
    if len(shape) != 3:
        raise ValueError(f"input_shape is {input_shape!r}; expected (height, width, channels).")
    latent_dim = check_int("latent_dim", latent_dim, low=1)
    check_choice("kind", kind, ("conv", "dense"))
    widths = check_int_sequence("widths", widths, example="(32, 64)")
    beta = check_real("beta", beta, low=0)
    seed = check_seed("seed", seed, generator=False, high=KERAS_SEED_MAX)
    name = check_str("name", name)
    h_in, w_in, c_in = shape
    if kind == "conv":
        step = 2 ** len(widths)
        if h_in % step or w_in % step:
            raise ValueError(f"input_shape is {input_shape!r}; a conv VAE with {len(widths)} "
                             f"stride-2 layers needs height and width divisible by {step}.")

    x = keras.Input(shape, name="x")
    h = x
    if kind == "conv":
        for i, w in enumerate(widths):
            h = layers.Conv2D(w, 3, strides=2, padding="same", activation="relu",
                              name=f"enc_conv_{i}")(h)
        h = layers.Flatten(name="flatten")(h)
    else:
        h = layers.Flatten(name="flatten")(h)
        for i, w in enumerate(widths):
            h = layers.Dense(w, activation="relu", name=f"enc_{i}")(h)
    mu = layers.Dense(latent_dim, name="mu")(h)
    log_var = layers.Dense(latent_dim, name="log_var")(h)
    encoder = keras.Model(x, [mu, log_var], name=f"{name}_encoder")

    z = keras.Input((latent_dim,), name="z")
    if kind == "conv":
        small = (h_in // step, w_in // step, widths[-1])
        g = layers.Dense(int(np.prod(small)), activation="relu", name="dec_dense")(z)
        g = layers.Reshape(small, name="dec_reshape")(g)
        for i, w in enumerate(reversed(widths)):
            g = layers.Conv2DTranspose(w, 3, strides=2, padding="same", activation="relu",
                                       name=f"dec_deconv_{i}")(g)
        logits = layers.Conv2D(c_in, 3, padding="same", name="logits")(g)
    else:
        g = z
        for i, w in enumerate(reversed(widths)):
            g = layers.Dense(w, activation="relu", name=f"dec_{i}")(g)
        g = layers.Dense(int(np.prod(shape)), name="dec_out")(g)
        logits = layers.Reshape(shape, name="logits")(g)
    decoder = keras.Model(z, logits, name=f"{name}_decoder")

    mu_x, log_var_x = encoder(x)
    z_x = Sampling(beta=beta, seed=seed, name="sampling")([mu_x, log_var_x])
    model = keras.Model(x, decoder(z_x), name=name)
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss=bernoulli_nll)
    return VAE(encoder, decoder, model)


# ------------------------------------------------------------------ scoring (NumPy) --
def _binary_images(name: str, x, vae: VAE) -> np.ndarray:
    """``x`` as float32 binary images of the shape the encoder takes."""
    want = tuple(vae.encoder.input_shape[1:])
    x = check_images(name, x, ndim=len(want) + 1)
    if x.shape[1:] != want:
        raise ValueError(f"{name} has shape {x.shape}; expected (n, "
                         f"{', '.join(map(str, want))}).")
    if not np.isin(x, (0.0, 1.0)).all():
        raise ValueError(f"{name} has values other than 0 and 1; expected binarised images "
                         "(see vae.binarize): the bounds are for Bernoulli pixels.")
    return x


def _log_bernoulli(x, logits) -> np.ndarray:
    """log p(x | z) per image, NumPy, summed over all pixel axes."""
    ll = x * logits - np.logaddexp(0.0, logits)
    return ll.reshape(len(ll), -1).sum(axis=1)


def _encode(vae: VAE, x, batch_size: int) -> tuple[np.ndarray, np.ndarray]:
    mu, log_var = vae.encoder.predict(x, batch_size=batch_size, verbose=0)
    return np.asarray(mu, np.float64), np.asarray(log_var, np.float64)


def neg_elbo(vae: VAE, x, *, seed: int = 0, batch_size: int = 500) -> dict[str, np.ndarray]:
    """Per-image −ELBO and its two terms, in nats, with one z ~ q(z | x) per image.

    Returns ``{"reconstruction": E_q[−log p(x|z)], "kl": KL(q ‖ p), "neg_elbo": their sum}``
    (arrays of length n). The KL term is exact (closed form); the reconstruction term is a
    one-sample Monte-Carlo estimate drawn with ``seed``.
    """
    vae = _check_vae(vae)
    x = _binary_images("x", x, vae)
    seed = check_seed("seed", seed)
    batch_size = check_int("batch_size", batch_size, low=1)
    mu, log_var = _encode(vae, x, batch_size)
    kl = 0.5 * (np.exp(log_var) + mu ** 2 - 1.0 - log_var).sum(axis=1)
    eps = np.random.default_rng(seed).standard_normal(mu.shape)
    z = (mu + np.exp(0.5 * log_var) * eps).astype(np.float32)
    logits = np.asarray(vae.decoder.predict(z, batch_size=batch_size, verbose=0), np.float64)
    rec = -_log_bernoulli(x, logits)
    return {"reconstruction": rec, "kl": kl, "neg_elbo": rec + kl}


def iwae_bound(vae: VAE, x, *, k: int = 100, seed: int = 0, chunk: int = 50) -> np.ndarray:
    """Per-image importance-weighted bound −log p̂(x) in nats (Burda et al., 2016).

    log p̂(x) = log (1/k) Σᵢ p(x | zᵢ) p(zᵢ) / q(zᵢ | x) with zᵢ ~ q(z | x); it is a lower
    bound on log p(x) that tightens as k grows (k = 1 is the ELBO), so −log p̂(x) estimates
    the test negative log-likelihood from above. ``chunk`` images (× k samples) are decoded
    at a time.
    """
    vae = _check_vae(vae)
    x = _binary_images("x", x, vae)
    k = check_int("k", k, low=1)
    seed = check_seed("seed", seed)
    chunk = check_int("chunk", chunk, low=1)
    mu, log_var = _encode(vae, x, 500)
    rng = np.random.default_rng(seed)
    d = mu.shape[1]
    out = np.empty(len(x))
    for start in range(0, len(x), chunk):
        m, lv, xb = mu[start:start + chunk], log_var[start:start + chunk], x[start:start + chunk]
        n = len(m)
        eps = rng.standard_normal((n, k, d))
        z = m[:, None] + np.exp(0.5 * lv)[:, None] * eps
        logits = vae.decoder.predict(z.reshape(n * k, d).astype(np.float32),
                                     batch_size=1000, verbose=0)
        logits = np.asarray(logits, np.float64).reshape(n, k, -1)
        log_px_z = (xb.reshape(n, 1, -1) * logits - np.logaddexp(0.0, logits)).sum(axis=2)
        log_pz = -0.5 * (z ** 2 + _LOG_2PI).sum(axis=2)
        log_qz = -0.5 * (eps ** 2 + lv[:, None] + _LOG_2PI).sum(axis=2)
        log_w = log_px_z + log_pz - log_qz
        out[start:start + n] = np.log(k) - logsumexp(log_w, axis=1)   # −log mean exp
    return out


# ---------------------------------------------------------------- generating images --
def decode(vae: VAE, z) -> np.ndarray:
    """Pixel probabilities σ(logits) (the Bernoulli means) for latent codes ``z``.

    Args:
        vae: a ``VAE``.
        z: ``(n, latent_dim)`` finite codes.

    Returns:
        ``(n, *image_shape)`` float32 in [0, 1] (σ computed stably: no overflow for any logit).
    """
    vae = _check_vae(vae)
    z = check_array("z", z, dtype=np.float32)
    if z.ndim != 2 or z.shape[1] != vae.latent_dim:
        raise ValueError(f"z has shape {z.shape}; expected (n, {vae.latent_dim}).")
    logits = np.asarray(vae.decoder.predict(z, batch_size=500, verbose=0), np.float64)
    return expit(logits).astype(np.float32)


def sample_prior(vae: VAE, n: int, *, seed: int = 0) -> np.ndarray:
    """``n`` images decoded from z ~ N(0, I) (pixel probabilities)."""
    vae = _check_vae(vae)
    n = check_int("n", n, low=1)
    seed = check_seed("seed", seed)
    z = np.random.default_rng(seed).standard_normal((n, vae.latent_dim))
    return decode(vae, z)


def latent_grid(vae: VAE, n: int = 15, *, quantile: float = 0.05) -> np.ndarray:
    """Images decoded on an n × n grid over a 2-d latent plane (the lecture's figure).

    The grid points are the Gaussian quantiles from ``quantile`` to ``1 − quantile`` in
    each direction, so they cover the prior's mass evenly. Row-major, top row = high z₂.
    """
    from scipy.stats import norm

    vae = _check_vae(vae)
    if vae.latent_dim != 2:
        raise ValueError(f"vae has a {vae.latent_dim}-d latent space; latent_grid needs a "
                         "2-d one (build_vae(..., latent_dim=2)).")
    n = check_int("n", n, low=1)
    quantile = check_real("quantile", quantile, low=0.0, high=0.5, low_open=True,
                          high_open=True)
    ticks = norm.ppf(np.linspace(quantile, 1.0 - quantile, n))
    z = np.array([[z1, z2] for z2 in ticks[::-1] for z1 in ticks])
    return decode(vae, z)


def interpolate(vae: VAE, x_a, x_b, steps: int = 8) -> np.ndarray:
    """Decoded images along the straight line between the codes μ(a) and μ(b).

    ``x_a``, ``x_b``: batches of the same size; returns ``(n, steps, *image_shape)``.
    """
    vae = _check_vae(vae)
    steps = check_int("steps", steps, low=2)     # the two end points at least
    x_a, x_b = _binary_images("x_a", x_a, vae), _binary_images("x_b", x_b, vae)
    check_same_shape("x_a", x_a, "x_b", x_b)      # the same number of images
    mu_a, _ = _encode(vae, x_a, 500)
    mu_b, _ = _encode(vae, x_b, 500)
    t = np.linspace(0.0, 1.0, steps)[None, :, None]
    z = (1 - t) * mu_a[:, None] + t * mu_b[:, None]
    images = decode(vae, z.reshape(-1, mu_a.shape[1]))
    return images.reshape(len(mu_a), steps, *images.shape[1:])
