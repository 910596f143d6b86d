"""The models written out on the notebooks' pages (plain Keras, no argument checks) and the
library's validated builders that later notebooks and the tests reuse make the same
architecture: the same layer types, weight shapes and activations, in the same order
(``models.architecture``), so that the two cannot drift apart."""

from __future__ import annotations

import json
from pathlib import Path

import keras
import numpy as np
import pytest

from utils import conv, models, vae

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"


def listing(notebook: str, marker: str, **names) -> dict:
    """Run the notebook's code cell that contains ``marker`` (its listing) in a namespace with
    ``keras``, ``np``, the library modules and ``names``; return the namespace."""
    [path] = NOTEBOOKS.glob(f"{notebook}_*.ipynb")
    cells = [c for c in json.loads(path.read_text(encoding="utf-8"))["cells"]
             if c["cell_type"] == "code" and marker in "".join(c["source"])]
    assert len(cells) == 1, f"{path.name}: {len(cells)} cells contain {marker!r}"
    space = dict(keras=keras, np=np, vae=vae, models=models, **names)
    exec(compile("".join(cells[0]["source"]), f"{path.name}:{marker}", "exec"), space)
    return space


def conv_vae_listing() -> dict:
    """06's ``conv_vae`` listing, run with the section-1 listing it builds on."""
    net = listing("06", "def conv_network(")
    return listing("06", "def conv_vae(", conv_network=net["conv_network"],
                   bernoulli_nll=net["bernoulli_nll"])


def same(a: keras.Model, b: keras.Model) -> None:
    assert models.architecture(a) == models.architecture(b)


@pytest.mark.parametrize("latent, widths", [(16, (32, 64)), (3, (8, 4))])
def test_06_conv_vae_is_build_vae(latent, widths):
    page = conv_vae_listing()
    mine = page["conv_vae"](latent, widths, seed=0)
    lib = vae.build_vae((28, 28, 1), latent_dim=latent, kind="conv", widths=widths, seed=0)
    for part in ("encoder", "decoder", "model"):
        same(getattr(mine, part), getattr(lib, part))
    x = (np.random.default_rng(0).random((4, 28, 28, 1)) > 0.5).astype("float32")
    logits = np.random.default_rng(1).normal(size=(4, 28, 28, 1)).astype("float32")
    np.testing.assert_allclose(keras.ops.convert_to_numpy(page["bernoulli_nll"](x, logits)),
                               keras.ops.convert_to_numpy(vae.bernoulli_nll(x, logits)),
                               rtol=1e-6)


@pytest.mark.parametrize("latent, widths, beta", [(2, (512, 256), 1.0), (16, (8,), 4.0)])
def test_06_dense_vae_is_build_vae(latent, widths, beta):
    base = conv_vae_listing()
    page = listing("06", "def dense_vae(", layers=keras.layers, vae_from=base["vae_from"])
    mine = page["dense_vae"](latent, widths, seed=0, beta=beta)
    lib = vae.build_vae((28, 28, 1), latent_dim=latent, kind="dense", widths=widths, seed=0,
                        beta=beta)
    for part in ("encoder", "decoder", "model"):
        same(getattr(mine, part), getattr(lib, part))
    [sampling] = [l for l in mine.model.layers if isinstance(l, vae.Sampling)]
    assert sampling.beta == beta


@pytest.mark.parametrize("widths", [(16, 32), (4, 6)])
def test_04_conv_denoiser_is_build_conv_denoiser(widths):
    page = listing("04", "def conv_denoiser(")
    same(page["conv_denoiser"](widths, 0.13),
         models.build_conv_denoiser(widths=widths, output_mean=0.13))


@pytest.mark.parametrize("widths", [(8, 16, 32), (4, 8)])
@pytest.mark.parametrize("skips", [True, False])
def test_04_unet_is_build_unet_denoiser(widths, skips):
    page = listing("04", "def unet(")
    mine = page["unet"](widths, 0.13, skips=skips)
    same(mine, models.build_unet_denoiser(widths=widths, output_mean=0.13, skips=skips))
    lib = models.build_unet_denoiser(widths=widths, output_mean=0.13, skips=skips)
    assert np.allclose(keras.ops.convert_to_numpy(mine.layers[-1].bias),
                       keras.ops.convert_to_numpy(lib.layers[-1].bias))
    mine.set_weights(lib.get_weights())            # the same function, weight for weight
    x = np.random.default_rng(0).random((2, 28, 28, 1)).astype("float32")
    np.testing.assert_allclose(keras.ops.convert_to_numpy(mine(x)),
                               keras.ops.convert_to_numpy(lib(x)), atol=1e-6)


@pytest.mark.parametrize("sizes, noise", [((100, 30), 0.0), ((30,), 0.0), ((256, 128, 30), 0.2)])
def test_02_stacked_autoencoder_is_build_stacked_autoencoder(sizes, noise):
    page = listing("02", "def stacked_autoencoder(")
    mine = page["stacked_autoencoder"](sizes, input_noise=noise)
    lib = models.build_stacked_autoencoder(sizes=sizes, input_noise=noise)
    for part in ("autoencoder", "encoder", "decoder"):
        same(getattr(mine, part), getattr(lib, part))


@pytest.mark.parametrize("sizes", [(100, 30), (20, 10, 5)])
def test_02_tied_autoencoder_is_build_tied_autoencoder(sizes):
    page = listing("02", "class DenseTranspose(", layers=keras.layers, ops=keras.ops)
    mine = page["tied_autoencoder"](sizes).autoencoder
    lib = models.build_tied_autoencoder(sizes=sizes).autoencoder
    assert mine.count_params() == lib.count_params()
    assert [w.shape for w in mine.get_weights()] == [w.shape for w in lib.get_weights()]
    lib.set_weights(mine.get_weights())         # the same function, weight for weight
    x = np.random.default_rng(0).random((3, 28, 28, 1)).astype("float32")
    np.testing.assert_allclose(keras.ops.convert_to_numpy(mine(x)),
                               keras.ops.convert_to_numpy(lib(x)), atol=1e-6)
    kinds = [k for k, _, _ in models.architecture(mine)]
    assert kinds == [k for k, _, _ in models.architecture(lib)]


@pytest.mark.parametrize("hidden, code", [((256,), 64), ((32, 16), 8)])
def test_03_autoencoder_is_build_dense_autoencoder(hidden, code):
    from utils import regularizers

    page = listing("03", "def autoencoder(", HIDDEN=hidden, CODE=code)
    lib = lambda **kw: models.build_dense_autoencoder(code_dim=code, hidden=hidden,
                                                      code_activation="sigmoid", **kw)
    for mine, theirs in (
            (page["autoencoder"](), lib()),
            (page["autoencoder"](input_dropout=0.3), lib(input_dropout=0.3)),
            (page["autoencoder"](penalty=regularizers.KLSparsity(0.05, 0.03)),
             lib(code_regularizer=regularizers.KLSparsity(0.05, 0.03)))):
        for part in ("autoencoder", "encoder", "decoder"):
            same(getattr(mine, part), getattr(theirs, part))
    # the encoder's layers carry the names the classifier's weights are loaded by
    clf = models.build_classifier(code_dim=code, hidden=hidden, code_activation="sigmoid")
    models.load_encoder_weights(clf, page["autoencoder"]().encoder)


@pytest.mark.parametrize("hidden, code", [((256,), 64), ((32, 16), 8)])
def test_03_classifier_is_build_classifier(hidden, code):
    page = listing("03", "def classifier(", HIDDEN=hidden, CODE=code, layers=keras.layers)
    for dropout in (0.0, 0.5):
        same(page["classifier"](dropout), models.build_classifier(
            code_dim=code, hidden=hidden, code_activation="sigmoid", dropout=dropout))
    parts = models.build_dense_autoencoder(code_dim=code, hidden=hidden, code_activation="sigmoid",
                                           input_dropout=0.3)
    start = page["classifier"]()
    mine = page["copy_of"](start, parts.encoder)
    lib = models.load_encoder_weights(models.build_classifier(
        code_dim=code, hidden=hidden, code_activation="sigmoid"), parts.encoder)
    lib.get_layer("head").set_weights(start.layers[-1].get_weights())
    for a, b in zip(mine.get_weights(), lib.get_weights()):   # the same transfer
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("side, widths", [(32, (16, 32, 64)), (16, (4, 8))])
def test_05_gated_unet_is_build_watermark_remover(side, widths):
    page = listing("05", "def gated_unet(", layers=keras.layers)
    mine = page["gated_unet"](side, widths)
    lib = models.build_watermark_remover((side, side, 3), widths=widths)
    same(mine, lib)
    mine.set_weights(lib.get_weights())            # the same function, weight for weight
    x = np.random.default_rng(0).random((2, side, side, 3)).astype("float32")
    for key in ("clean", "mask"):
        np.testing.assert_allclose(keras.ops.convert_to_numpy(mine(x)[key]),
                                   keras.ops.convert_to_numpy(lib(x)[key]), atol=1e-6)


@pytest.mark.parametrize("radius, iterations, border, jitter", [(3, 2, 4, 2), (2, 1, 3, 2),
                                                                (3, 2, 4, 0)])
def test_05_attack_is_dekel_estimate(radius, iterations, border, jitter):
    from utils import data, dekel
    steps = listing("05", "def poisson(")
    page = listing("05", "def attack(", dekel=dekel, gradients=steps["gradients"],
                   median_gradients=steps["median_gradients"], poisson=steps["poisson"])
    photos = data.random_patches(data.natural_images("train"), 60, 48, seed=0)
    stamped, _ = dekel.stamp(photos, dekel.stock_mark(48), (1.0, 1.0, 1.0), 0.5,
                             jitter=jitter, seed=0)
    mine = page["attack"](stamped.j.astype(np.float64), radius, iterations, border)
    lib = dekel.estimate(stamped.j, radius=radius, iterations=iterations, border=border)
    for field in ("alpha", "colour", "phi", "gx", "gy", "offsets", "typical"):
        np.testing.assert_allclose(getattr(mine, field), getattr(lib, field), atol=1e-9,
                                   err_msg=field)
    gx, gy = dekel.median_gradients(stamped.j)
    np.testing.assert_allclose(steps["poisson"](gx.copy(), gy.copy()),
                               dekel.poisson_reconstruct(gx, gy), atol=1e-9)


def test_04_convolve2d_is_the_library_s():
    """The slide's convolution on 04's page is the library's (which adds argument checks)."""
    page = listing("04", "def convolve2d(")
    rng = np.random.default_rng(0)
    for shape, k in (((28, 28), (3, 3)), ((9, 7), (4, 2)), ((5, 5), (5, 5))):
        image, kernel = rng.normal(size=shape), rng.normal(size=k)
        np.testing.assert_allclose(page["convolve2d"](image, kernel),
                                   conv.convolve2d(image, kernel, mode="valid"), atol=1e-12)
