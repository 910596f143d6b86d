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


@pytest.mark.parametrize("call, match", [
    (lambda: linalg.pca_fit(np.zeros((5, 3, 3)), 1), r"x has shape \(5, 3, 3\); expected a 2-D"),
    (lambda: linalg.pca_fit(np.zeros((5, 3)), 4), "k is 4; expected an integer in \\[1, 3\\]"),
    (lambda: linalg.pca_fit(np.full((5, 3), np.nan), 1), "NaN"),
    (lambda: linalg.pca_reconstruct(linalg.pca_fit(np.eye(4), 2), np.zeros((2, 3))),
     "3 features per row; the PCA was fitted on 4"),
    (lambda: linalg.principal_angle_cosines(np.eye(3), np.eye(4)), "3 rows and b has 4"),
    (lambda: linalg.orthonormal_basis(np.ones((3, 2))), "full column rank"),
    (lambda: linalg.components_from_decoder(np.eye(4)[:, :2], np.zeros((5, 3))),
     "x_centred has 3 features but decoder_columns has 4 rows"),
    (lambda: linalg.matched_abs_cosines(np.eye(2), np.eye(3)), "same shape"),
    (lambda: linalg.matched_abs_cosines(np.zeros((1, 2)), np.ones((1, 2))), "zero rows"),
])
def test_bad_input(call, match):
    with pytest.raises(ValueError, match=match):
        call()
