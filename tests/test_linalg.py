import numpy as np
import pytest
from sklearn.decomposition import PCA as SkPCA

from utils import linalg


@pytest.fixture
def data():
    rng = np.random.default_rng(0)
    scales = np.array([5, 4, 3, 2, 1, 0.5, 0.2, 0.1])
    return rng.normal(size=(300, 8)) * scales + rng.normal(size=8)


def test_pca_matches_sklearn(data):
    ours = linalg.pca_fit(data, 3)
    sk = SkPCA(3).fit(data)
    np.testing.assert_allclose(ours.mean, sk.mean_)
    np.testing.assert_allclose(np.abs(ours.components @ sk.components_.T), np.eye(3), atol=1e-8)
    np.testing.assert_allclose(ours.explained_variance, sk.explained_variance_, rtol=1e-8)
    np.testing.assert_allclose(linalg.pca_reconstruct(ours, data),
                               sk.inverse_transform(sk.transform(data)), atol=1e-8)


def test_pca_full_rank_reconstructs_exactly(data):
    pca = linalg.pca_fit(data, 8)
    np.testing.assert_allclose(linalg.pca_reconstruct(pca, data), data, atol=1e-9)


def test_principal_angles_known_cases():
    e = np.eye(4)
    np.testing.assert_allclose(linalg.principal_angle_cosines(e[:, :2], e[:, :2] @ [[1, 2], [3, 4]]),
                               [1, 1])
    np.testing.assert_allclose(linalg.principal_angle_cosines(e[:, :2], e[:, 2:]), [0, 0], atol=1e-12)
    a = np.array([[1, 0], [0, 1], [0, 0.0]])
    b = np.array([[1, 0], [0, 1], [0, 1.0]])  # second direction tilted by 45 degrees
    np.testing.assert_allclose(linalg.principal_angle_cosines(a, b), [1, np.sqrt(0.5)])


def test_components_recovered_from_any_basis_of_the_principal_subspace(data):
    pca = linalg.pca_fit(data, 3)
    mixing = np.array([[2.0, 1, 0], [0.5, -1, 3], [1, 1, 1]])
    decoder_cols = pca.components.T @ mixing  # (8, 3): a skewed basis of the same subspace
    comps, var = linalg.components_from_decoder(decoder_cols, data - pca.mean)
    np.testing.assert_allclose(linalg.matched_abs_cosines(comps, pca.components), 1, atol=1e-9)
    np.testing.assert_allclose(var, pca.explained_variance, rtol=1e-9)


def test_matched_abs_cosines_ignores_sign():
    u = np.array([[1.0, 0], [0, 2]])
    v = np.array([[-3.0, 0], [1, 1]])
    np.testing.assert_allclose(linalg.matched_abs_cosines(u, v), [1, np.sqrt(0.5)])


def test_pca_truncate_equals_a_fit_with_fewer_components(data):
    full = linalg.pca_fit(data, 6)
    for k in (1, 3, 6):
        small, direct = linalg.pca_truncate(full, k), linalg.pca_fit(data, k)
        assert isinstance(small, linalg.PCA) and small.components.shape == (k, 8)
        for got, want in zip(small, direct):  # mean, components (signs included), variances
            np.testing.assert_allclose(got, want, rtol=0, atol=1e-12)
    with pytest.raises(ValueError, match=r"k is 7; expected an integer in \[1, 6\]"):
        linalg.pca_truncate(full, 7)
    with pytest.raises(TypeError, match="k is 2.0"):
        linalg.pca_truncate(full, 2.0)
    with pytest.raises(TypeError, match="pca is .*expected a PCA"):
        linalg.pca_truncate(tuple(full), 2)


def test_components_as_rows_are_refused_not_reported_identical():
    # Two unrelated 3-d subspaces of R^8. Passed as stored by PCA (one vector per row) the old
    # code orthonormalised the 3 columns of a (3, 8) matrix, i.e. all of R^3, and reported
    # cosines [1, 1, 1]; one vector per column is required now.
    rng = np.random.default_rng(3)
    a_rows, b_rows = rng.normal(size=(3, 8)), rng.normal(size=(3, 8))
    assert linalg.principal_angle_cosines(a_rows.T, b_rows.T).min() < 0.99
    with pytest.raises(ValueError, match=r"a has shape \(3, 8\): more columns than rows.*"
                                         r"pca\.components\.T"):
        linalg.principal_angle_cosines(a_rows, b_rows)
    with pytest.raises(ValueError, match=r"b has shape \(3, 8\).*one vector per column"):
        linalg.principal_angle_cosines(a_rows.T, b_rows)
    with pytest.raises(ValueError, match="more columns than rows"):
        linalg.orthonormal_basis(a_rows)
    with pytest.raises(ValueError, match="decoder_columns has shape"):
        linalg.components_from_decoder(a_rows, np.zeros((5, 8)))
    np.testing.assert_allclose(linalg.orthonormal_basis(np.eye(3)) ** 2, np.eye(3))  # square ok


def test_pca_record_is_checked(data):
    pca = linalg.pca_fit(data, 2)
    assert linalg.PCA(*pca).components.shape == (2, 8)
    with pytest.raises(ValueError, match="components has shape"):
        linalg.PCA(pca.mean[:5], pca.components, pca.explained_variance)
    with pytest.raises(ValueError, match="explained_variance has shape"):
        linalg.PCA(pca.mean, pca.components, pca.explained_variance[:1])


@pytest.mark.parametrize("call, match", [
    (lambda: linalg.pca_fit(np.zeros((5, 3, 3)), 1),
     r"x has shape \(5, 3, 3\); expected a 2-D.*x\.reshape\(len\(x\), -1\)"),
    (lambda: linalg.pca_fit(np.zeros((5, 3)), 4), "k is 4; expected an integer in \\[1, 3\\]"),
    (lambda: linalg.pca_fit(np.full((5, 3), np.nan), 1), "NaN"),
    (lambda: linalg.pca_reconstruct(linalg.pca_fit(np.eye(4), 2), np.zeros((2, 3))),
     "3 features per row; the PCA was fitted on 4"),
    (lambda: linalg.principal_angle_cosines(np.eye(3), np.eye(4)), "3 rows and b has 4"),
    (lambda: linalg.orthonormal_basis(np.ones((3, 2))), "full column rank"),
    (lambda: linalg.components_from_decoder(np.eye(4)[:, :2], np.zeros((5, 3))),
     "x_centred has 3 features but decoder_columns has 4 rows"),
    (lambda: linalg.matched_abs_cosines(np.eye(2), np.eye(3)), "same shape"),
    (lambda: linalg.matched_abs_cosines(np.zeros((1, 2)), np.ones((1, 2))), r"u has a zero row \(row 0\)"),
])
def test_bad_input(call, match):
    with pytest.raises(ValueError, match=match):
        call()
