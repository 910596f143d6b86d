"""PCA and subspace geometry: the linear algebra behind "a linear autoencoder learns PCA".

Matrices hold one vector per *column* unless a docstring says otherwise. Images are
flattened by the caller (``x.reshape(len(x), -1)``): these functions refuse other shapes.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np


class PCA(NamedTuple):
    """A fitted PCA: ``components`` has one unit-norm principal direction per row."""

    mean: np.ndarray              # (d,)
    components: np.ndarray        # (k, d), orthonormal rows, by decreasing variance
    explained_variance: np.ndarray  # (k,)


def _as_matrix(name: str, x, ndim: int = 2) -> np.ndarray:
    arr = np.asarray(x, dtype=np.float64)
    if arr.ndim != ndim:
        raise ValueError(f"{name} has shape {arr.shape}; expected a {ndim}-D array "
                         "(flatten images first: x.reshape(len(x), -1)).")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains NaN or infinite values.")
    return arr


def pca_fit(x, k: int) -> PCA:
    """Fit PCA with ``k`` components to the rows of ``x`` (shape (n, d))."""
    x = _as_matrix("x", x)
    n, d = x.shape
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or not 1 <= k <= min(n, d):
        raise ValueError(f"k is {k!r}; expected an integer in [1, {min(n, d)}] for x of "
                         f"shape {x.shape}.")
    mean = x.mean(axis=0)
    _, s, vt = np.linalg.svd(x - mean, full_matrices=False)
    # fix the sign of each component so that results are reproducible
    signs = np.sign(vt[:k, np.argmax(np.abs(vt[:k]), axis=1)].diagonal())
    signs[signs == 0] = 1
    comps = vt[:k] * signs[:, None]
    return PCA(mean, comps, (s[:k] ** 2) / max(n - 1, 1))


def pca_reconstruct(pca: PCA, x) -> np.ndarray:
    """Project the rows of ``x`` onto the PCA subspace and map them back."""
    x = _as_matrix("x", x)
    if x.shape[1] != pca.mean.shape[0]:
        raise ValueError(f"x has {x.shape[1]} features per row; the PCA was fitted on "
                         f"{pca.mean.shape[0]}.")
    codes = (x - pca.mean) @ pca.components.T
    return codes @ pca.components + pca.mean


def orthonormal_basis(a) -> np.ndarray:
    """An orthonormal basis (columns) of the column space of ``a`` (shape (d, k), rank k)."""
    a = _as_matrix("a", a)
    q, r = np.linalg.qr(a)
    diag = np.abs(np.diag(r))
    if diag.size == 0 or diag.min() <= 1e-10 * max(diag.max(), 1e-300):
        raise ValueError(f"a (shape {a.shape}) does not have full column rank; its columns "
                         "do not span a subspace of dimension " f"{a.shape[1]}.")
    return q


def principal_angle_cosines(a, b) -> np.ndarray:
    """Cosines of the principal angles between the column spaces of ``a`` and ``b``.

    Both have shape (d, k) (k may differ); returns min(k_a, k_b) cosines, largest first.
    All equal to 1 means the two subspaces are identical.
    """
    a, b = _as_matrix("a", a), _as_matrix("b", b)
    if a.shape[0] != b.shape[0]:
        raise ValueError(f"a has {a.shape[0]} rows and b has {b.shape[0]}; expected the same "
                         "ambient dimension.")
    qa, qb = orthonormal_basis(a), orthonormal_basis(b)
    return np.clip(np.linalg.svd(qa.T @ qb, compute_uv=False), 0.0, 1.0)


def components_from_decoder(decoder_columns, x_centred) -> tuple[np.ndarray, np.ndarray]:
    """Recover principal components from a trained linear decoder.

    The decoder's columns span (approximately) the principal subspace but are an arbitrary
    basis of it. Orthonormalise them (QR), project the centred data onto that basis, and
    solve the k×k eigenproblem of the projected covariance: its eigenvectors rotate the
    basis onto the principal directions.

    Args:
        decoder_columns: (d, k) matrix, one decoder column per code unit.
        x_centred: (n, d) data with the training mean removed.

    Returns:
        ``(components, variances)``: (k, d) unit rows by decreasing variance, and (k,).
    """
    w = _as_matrix("decoder_columns", decoder_columns)
    x = _as_matrix("x_centred", x_centred)
    if x.shape[1] != w.shape[0]:
        raise ValueError(f"x_centred has {x.shape[1]} features but decoder_columns has "
                         f"{w.shape[0]} rows; expected them equal.")
    q = orthonormal_basis(w)
    z = x @ q
    cov = z.T @ z / max(len(x) - 1, 1)
    evals, evecs = np.linalg.eigh(cov)
    order = np.argsort(evals)[::-1]
    return (q @ evecs[:, order]).T, evals[order]


def matched_abs_cosines(u, v) -> np.ndarray:
    """|cos| between row i of ``u`` and row i of ``v`` (both (k, d)), for each i."""
    u, v = _as_matrix("u", u), _as_matrix("v", v)
    if u.shape != v.shape:
        raise ValueError(f"u has shape {u.shape} and v {v.shape}; expected the same shape.")
    nu, nv = np.linalg.norm(u, axis=1), np.linalg.norm(v, axis=1)
    if np.any(nu == 0) or np.any(nv == 0):
        raise ValueError("u and v must not contain zero rows.")
    return np.abs(np.sum(u * v, axis=1)) / (nu * nv)
