"""Out-of-distribution image sets and detection / retrieval scores (utils.ood)."""

import numpy as np
import pytest
from sklearn.metrics import average_precision_score, roc_auc_score

from utils import ood


@pytest.mark.parametrize("name", ood.SETS)
def test_image_sets_are_mnist_shaped_in_range_and_deterministic(name):
    a = ood.image_set(name, 7, seed=3)
    assert a.shape == (7, 28, 28, 1) and a.dtype == np.float32
    assert a.min() >= 0.0 and a.max() <= 1.0
    np.testing.assert_array_equal(a, ood.image_set(name, 7, seed=3))


def test_image_sets_look_like_what_they_are_named():
    blank, const = ood.image_set("blank", 5), ood.image_set("constant", 5, seed=1)
    assert not blank.any()
    assert np.ptp(const, axis=(1, 2, 3)).max() == 0 and 0.1 <= const.min() <= const.max() <= 0.9
    noise = ood.image_set("uniform noise", 50, seed=2)
    assert abs(noise.mean() - 0.5) < 0.01 and noise.std() > 0.25
    for name in ("sklearn digits", "letters"):   # a bright shape in MNIST's 20×20 box
        x = ood.image_set(name, 20, seed=4)[..., 0]
        assert not x[:, :4].any() and not x[:, -4:].any()
        assert not x[:, :, :4].any() and not x[:, :, -4:].any()
        assert (x.reshape(20, -1).max(1) > 0.5).all()
    faces = ood.image_set("faces", 20, seed=5)
    assert (faces.reshape(20, -1).std(1) > 0.05).all()   # textured everywhere, not a shape


def test_image_sets_differ_between_seeds_and_resample_small_collections():
    assert not np.array_equal(ood.image_set("letters", 10, seed=0), ood.image_set("letters", 10, seed=1))
    faces = ood.image_set("faces", 150, seed=0)            # 100 crops: drawn with replacement
    assert len(np.unique(faces.reshape(150, -1), axis=0)) <= 100


def test_detection_scores_match_scikit_learn_and_the_obvious_cases():
    rng = np.random.default_rng(0)
    a, b = rng.normal(0, 1, 200), rng.normal(1, 1, 100)
    got = ood.detection_scores(a, b)
    y = np.r_[np.zeros(200), np.ones(100)]
    assert got["roc_auc"] == pytest.approx(roc_auc_score(y, np.r_[a, b]))
    assert got["pr_auc"] == pytest.approx(average_precision_score(y, np.r_[a, b]))
    assert ood.detection_scores([0, 1, 2], [5, 6])["roc_auc"] == 1.0
    assert ood.detection_scores([5, 6], [0, 1, 2])["roc_auc"] == 0.0      # pointing the wrong way
    assert ood.detection_scores([1.0, 1.0], [1.0, 1.0])["roc_auc"] == 0.5  # no information


def test_precision_at_k_on_a_toy_set_with_a_known_answer():
    # two tight clusters, labelled 0 and 1, plus one mislabelled point inside cluster 0
    base = np.r_[np.zeros((4, 2)), np.full((5, 2), 10.0), [[0.1, 0.0]]]
    labels = np.r_[np.zeros(4, int), np.ones(5, int), [1]]
    query = np.array([[0.0, 0.0], [10.0, 10.0]])
    q_labels = np.array([0, 1])
    assert ood.precision_at_k(query, q_labels, base, labels, k=5) == pytest.approx((4 / 5 + 1) / 2)
    assert ood.precision_at_k(query, q_labels, base, labels, k=1) == 1.0
