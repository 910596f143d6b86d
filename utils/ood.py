"""Out-of-distribution material and scores for autoencoders at work (notebook 07).

Images an MNIST model never saw, all offline and in MNIST's format — ``(n, 28, 28, 1)``
float32 in [0, 1], a bright shape on black where there is a shape — from what installed
packages ship: scikit-learn's 8×8 digits, capital letters drawn with matplotlib's DejaVu font,
the LFW face crops bundled with scikit-image, blank and constant images, and uniform noise.
Scores: ROC-AUC and PR-AUC of a detector (scikit-learn's), retrieval precision@k, and
what an image measures by itself — its ink, its slant and its complexity (PNG bits per pixel).
"""

from __future__ import annotations

import numpy as np

from ._validate import (check_array, check_choice, check_images, check_int, check_labels,
                        check_seed)

SIDE = 28
#: The out-of-distribution sets ``image_set`` draws, in the order notebook 07 shows them.
SETS = ("sklearn digits", "letters", "faces", "blank", "constant", "uniform noise")
#: Capital letters that do not read as a digit (no O, I, l, S, Z, B, G, Q, D).
LETTERS = "ACEFHJKLMNPRTUVWXY"


def _fit_box(shape: np.ndarray, box: int = 20) -> np.ndarray:
    """``shape`` (h, w) in [0, 1] scaled to fit a ``box``×``box`` square, keeping its aspect,
    centred on a 28×28 canvas (how MNIST's digits were prepared)."""
    from skimage.transform import resize

    h, w = shape.shape
    scale = box / max(h, w)
    hh, ww = max(1, round(h * scale)), max(1, round(w * scale))
    small = np.clip(resize(shape, (hh, ww), order=1, anti_aliasing=True), 0.0, 1.0)
    out = np.zeros((SIDE, SIDE), np.float32)
    top, left = (SIDE - hh) // 2, (SIDE - ww) // 2
    out[top:top + hh, left:left + ww] = small
    return out


def image_set(name: str, n: int, *, seed: int = 0) -> np.ndarray:
    """``n`` images of the out-of-distribution set ``name`` (one of ``SETS``), drawn with
    ``seed``: ``(n, 28, 28, 1)`` float32 in [0, 1].

    - ``"sklearn digits"``: scikit-learn's 1,797 handwritten 8×8 digits (16 grey levels),
      scaled up into MNIST's 20×20 box — digits, but blockier than MNIST's;
    - ``"letters"``: one capital of ``LETTERS`` each, DejaVu Sans Bold, in the same box;
    - ``"faces"``: the 100 LFW face crops bundled with scikit-image (grey, 25×25; its other
      100 images are non-faces and are not used), resized to 28×28;
    - ``"blank"``: all zeros; ``"constant"``: one grey level per image, uniform in
      [0.1, 0.9]; ``"uniform noise"``: every pixel uniform in [0, 1].

    Sets drawn from a fixed collection (digits, faces) sample it with replacement when ``n``
    exceeds its size.
    """
    name = check_choice("name", name, SETS)
    n = check_int("n", n, low=1)
    seed = check_seed("seed", seed, allow_none=False)
    rng = np.random.default_rng(seed)
    if name == "blank":
        out = np.zeros((n, SIDE, SIDE), np.float32)
    elif name == "constant":
        out = np.broadcast_to(rng.uniform(0.1, 0.9, (n, 1, 1)), (n, SIDE, SIDE))
    elif name == "uniform noise":
        out = rng.random((n, SIDE, SIDE))
    elif name == "letters":
        from .watermark import render_text

        picks = rng.integers(len(LETTERS), size=n)
        shapes = {k: _fit_box(render_text(LETTERS[k], 40)) for k in set(picks)}
        out = np.stack([shapes[k] for k in picks])
    elif name == "sklearn digits":
        from sklearn.datasets import load_digits

        digits = load_digits().images / 16.0
        picks = rng.choice(len(digits), size=n, replace=n > len(digits))
        out = np.stack([_fit_box(digits[k]) for k in picks])
    else:  # faces
        from skimage.data import lfw_subset
        from skimage.transform import resize

        faces = lfw_subset()[:100]   # the first 100 are faces, the other 100 are not
        picks = rng.choice(len(faces), size=n, replace=n > len(faces))
        out = np.stack([resize(faces[k], (SIDE, SIDE), order=1, anti_aliasing=True)
                        for k in picks])
    return np.clip(np.asarray(out, np.float32), 0.0, 1.0)[..., None]


def detection_scores(in_scores, out_scores) -> dict[str, float]:
    """How well a score separates out-of-distribution inputs (``out_scores``, the positives)
    from in-distribution ones (``in_scores``), a higher score meaning "more unusual":
    ``roc_auc`` (0.5: no better than chance; below 0.5: the score points the wrong way) and
    ``pr_auc`` (average precision, with the out-of-distribution inputs as positives), both
    from scikit-learn."""
    from sklearn.metrics import average_precision_score, roc_auc_score

    a, b = check_array("in_scores", in_scores, ndim=1), check_array("out_scores", out_scores, ndim=1)
    y = np.r_[np.zeros(len(a)), np.ones(len(b))]
    s = np.r_[a, b]
    return {"roc_auc": float(roc_auc_score(y, s)), "pr_auc": float(average_precision_score(y, s))}


def precision_at_k(query, query_labels, base, base_labels, k: int = 10) -> float:
    """Retrieval quality: for each query (a row of ``query``, e.g. a code), its ``k`` nearest
    rows of ``base`` by Euclidean distance; the share of them whose label equals the query's,
    averaged over the queries."""
    from sklearn.neighbors import NearestNeighbors

    q = check_array("query", query, ndim=2, min_len=1)
    b = check_array("base", base, ndim=2, min_len=1)
    if q.shape[1] != b.shape[1]:
        raise ValueError(f"query has {q.shape[1]} features per row and base {b.shape[1]}; "
                         "expected the same.")
    ql = check_labels("query_labels", query_labels, n=len(q))
    bl = check_labels("base_labels", base_labels, n=len(b))
    k = check_int("k", k, low=1, high=len(b))
    _, idx = NearestNeighbors(n_neighbors=k).fit(b).kneighbors(q)
    return float(np.mean(bl[idx] == ql[:, None]))


def _grey_images(name: str, value) -> np.ndarray:
    """Grey images (N, H, W) or (N, H, W, 1) in [0, 1], as (N, H, W) float64."""
    x = check_images(name, value, ndim=(3, 4), channels=(1,), dtype=np.float64)
    return x[..., 0] if x.ndim == 4 else x


def ink(images) -> np.ndarray:
    """Each image's mean grey level: how much ink a digit has (thicker strokes, more ink)."""
    return _grey_images("images", images).mean(axis=(1, 2))


def slant(images) -> np.ndarray:
    """Each image's slant from its second-order moments: the shear μ₁₁ / μ₀₂ of the ink
    about its centroid (x to the right, y downwards), so a stroke leaning to the right — top
    to the right of the bottom — is negative, upright is 0. Blank images give 0."""
    x = _grey_images("images", images)
    h, w = x.shape[1:]
    yy, xx = np.mgrid[:h, :w].astype(np.float64)
    mass = x.sum(axis=(1, 2))
    safe = np.where(mass > 0, mass, 1.0)
    cy, cx = (x * yy).sum((1, 2)) / safe, (x * xx).sum((1, 2)) / safe
    dy, dx = yy - cy[:, None, None], xx - cx[:, None, None]
    mu11, mu02 = (x * dx * dy).sum((1, 2)), (x * dy * dy).sum((1, 2))
    return np.where(mu02 > 0, mu11 / np.where(mu02 > 0, mu02, 1.0), 0.0)


def complexity_bits(images) -> np.ndarray:
    """Each image's complexity: bits per pixel of its 8-bit version compressed by PNG (zlib,
    level 9). Blank images compress to almost nothing, noise hardly at all — the correction
    that input-complexity scores apply to a likelihood (Serrà et al., ICLR 2020)."""
    import io

    from PIL import Image

    x = _grey_images("images", images)
    bits = []
    for img in np.round(x * 255).astype(np.uint8):
        buf = io.BytesIO()
        Image.fromarray(img).save(buf, format="PNG", compress_level=9)
        bits.append(8.0 * buf.tell() / img.size)
    return np.array(bits)
