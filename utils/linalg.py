"""PCA and subspace geometry: the linear algebra behind "a linear autoencoder learns PCA".

Matrices hold one vector per *column* unless a docstring says otherwise. Images are
flattened by the caller (``x.reshape(len(x), -1)``): these functions refuse other shapes.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ._validate import check_array, check_int, check_same_shape, describe


class _PCAFields(NamedTuple):
    mean: np.ndarray              # (d,)
    components: np.ndarray        # (k, d), orthonormal rows, by decreasing variance
    explained_variance: np.ndarray  # (k,)


class PCA(_PCAFields):
    """A fitted PCA: ``components`` has one unit-norm principal direction per row.

    Fields: ``mean`` (d,), ``components`` (k, d) by decreasing variance, and
    ``explained_variance`` (k,). Made by ``pca_fit``; the fields are checked on construction.
    """

    __slots__ = ()

    def __new__(cls, mean, components, explained_variance):
        mean = check_array("mean", mean, ndim=1)
        components = check_array("components", components, ndim=2)
        variance = check_array("explained_variance", explained_variance, ndim=1)
        if components.shape[1] != mean.shape[0]:
            raise ValueError(f"components has shape {components.shape} and mean "
                             f"{mean.shape}; expected one component of {mean.shape[0]} "
                             "values per row.")
        if variance.shape != components.shape[:1]:
            raise ValueError(f"explained_variance has shape {variance.shape}; expected "
                             f"({components.shape[0]},), one variance per component.")
        return super().__new__(cls, mean, components, variance)


def _matrix(name: str, x) -> np.ndarray:
    """``x`` as a finite 2-D float64 array; images get a hint to flatten them."""
    try:
        return check_array(name, x, ndim=2)
    except ValueError as exc:
        if np.ndim(x) > 2:
            raise ValueError(f"{exc} Flatten images first: x.reshape(len(x), -1).") from None
        raise


def _pca(name: str, pca) -> PCA:
    if not isinstance(pca, PCA):
        raise TypeError(f"{name} is {describe(pca)}; expected a PCA from linalg.pca_fit.")
    return pca


def pca_fit(x, k: int) -> PCA:
    """Fit PCA with ``k`` components to the rows of ``x`` (shape (n, d)).

    Each component's sign is fixed (its largest entry in absolute value is positive), so
    results are reproducible and ``pca_truncate(pca_fit(x, K), k)`` equals ``pca_fit(x, k)``.
    """
    x = _matrix("x", x)
    n, d = x.shape
    k = check_int("k", k, low=1, high=min(n, d))
    mean = x.mean(axis=0)
    _, s, vt = np.linalg.svd(x - mean, full_matrices=False)
    # fix the sign of each component so that results are reproducible
    signs = np.sign(vt[:k, np.argmax(np.abs(vt[:k]), axis=1)].diagonal())
    signs[signs == 0] = 1
    comps = vt[:k] * signs[:, None]
    return PCA(mean, comps, (s[:k] ** 2) / max(n - 1, 1))


def pca_truncate(pca: PCA, k: int) -> PCA:
    """The first ``k`` components of an already fitted PCA.

    Fit once with the largest k you need and truncate for the smaller ones instead of one
    SVD per k: the result equals ``pca_fit(x, k)`` (signs included).
    """
    pca = _pca("pca", pca)
    k = check_int("k", k, low=1, high=len(pca.components))
    return PCA(pca.mean, pca.components[:k], pca.explained_variance[:k])


def pca_reconstruct(pca: PCA, x) -> np.ndarray:
    """Project the rows of ``x`` onto the PCA subspace and map them back."""
    pca = _pca("pca", pca)
    x = _matrix("x", x)
    if x.shape[1] != pca.mean.shape[0]:
        raise ValueError(f"x has {x.shape[1]} features per row; the PCA was fitted on "
                         f"{pca.mean.shape[0]}.")
    codes = (x - pca.mean) @ pca.components.T
    return codes @ pca.components + pca.mean


def _basis(name: str, a: np.ndarray) -> np.ndarray:
    """Orthonormal basis of the columns of the checked 2-D array ``a`` (named ``name``)."""
    if a.shape[1] > a.shape[0]:
        raise ValueError(f"{name} has shape {a.shape}: more columns than rows, so its "
                         f"{a.shape[1]} columns cannot be independent vectors of dimension "
                         f"{a.shape[0]}; expected one vector per column, (d, k) with k <= d "
                         "(PCA components are rows: pass pca.components.T).")
    q, r = np.linalg.qr(a)
    diag = np.abs(np.diag(r))
    if diag.size == 0 or diag.min() <= 1e-10 * max(diag.max(), 1e-300):
        raise ValueError(f"{name} (shape {a.shape}) does not have full column rank; its "
                         f"columns do not span a subspace of dimension {a.shape[1]}.")
    return q


def orthonormal_basis(a) -> np.ndarray:
    """An orthonormal basis (columns) of the column space of ``a``.

    Args:
        a: (d, k) matrix with k <= d, one vector per column, of rank k (PCA components are
            stored as rows: pass ``pca.components.T``).

    Returns:
        (d, k) matrix with orthonormal columns spanning the same subspace.
    """
    return _basis("a", _matrix("a", a))


def principal_angle_cosines(a, b) -> np.ndarray:
    """Cosines of the principal angles between the column spaces of ``a`` and ``b``.

    Both have shape (d, k), one vector per column (k may differ, k <= d; PCA components are
    rows: pass ``pca.components.T``). Returns min(k_a, k_b) cosines, largest first. All
    equal to 1 means the two subspaces are identical.
    """
    a, b = _matrix("a", a), _matrix("b", b)
    qa, qb = _basis("a", a), _basis("b", b)
    if a.shape[0] != b.shape[0]:
        raise ValueError(f"a has {a.shape[0]} rows and b has {b.shape[0]}; expected the same "
                         "ambient dimension.")
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
    w = _matrix("decoder_columns", decoder_columns)
    x = _matrix("x_centred", x_centred)
    q = _basis("decoder_columns", w)
    if x.shape[1] != w.shape[0]:
        raise ValueError(f"x_centred has {x.shape[1]} features but decoder_columns has "
                         f"{w.shape[0]} rows; expected them equal.")
    z = x @ q
    cov = z.T @ z / max(len(x) - 1, 1)
    evals, evecs = np.linalg.eigh(cov)
    order = np.argsort(evals)[::-1]
    return (q @ evecs[:, order]).T, evals[order]


def matched_abs_cosines(u, v) -> np.ndarray:
    """|cos| between row i of ``u`` and row i of ``v`` (both (k, d)), for each i."""
    u, v = _matrix("u", u), _matrix("v", v)
    check_same_shape("u", u, "v", v)
    nu, nv = np.linalg.norm(u, axis=1), np.linalg.norm(v, axis=1)
    if np.any(nu == 0) or np.any(nv == 0):
        which = "u" if np.any(nu == 0) else "v"
        row = int(np.flatnonzero((nu if which == "u" else nv) == 0)[0])
        raise ValueError(f"{which} has a zero row (row {row}); expected nonzero vectors "
                         "to compare.")
    return np.abs(np.sum(u * v, axis=1)) / (nu * nv)
