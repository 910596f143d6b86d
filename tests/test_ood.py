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


def test_ink_slant_and_complexity_measure_what_they_say():
    bar = np.zeros((3, 28, 28))
    bar[0, 4:24, 13:15] = 1.0                       # upright
    for r in range(20):                             # leaning right: top to the right of the bottom
        bar[1, 4 + r, 20 - r // 2:22 - r // 2] = 1.0
        bar[2, 4 + r, 6 + r // 2:8 + r // 2] = 1.0  # leaning left
    s = ood.slant(bar)
    assert s[0] == pytest.approx(0.0, abs=1e-12) and s[1] < -0.3 and s[2] > 0.3
    assert s[1] == pytest.approx(-s[2])
    thick = bar[:1].copy()
    thick[0, 4:24, 12:16] = 1.0
    assert ood.ink(thick)[0] == pytest.approx(2 * ood.ink(bar[:1])[0])
    assert ood.slant(np.zeros((1, 28, 28)))[0] == 0.0
    bits = ood.complexity_bits(np.concatenate([ood.image_set("blank", 1), ood.image_set("letters", 1),
                                               ood.image_set("uniform noise", 1)]))
    assert bits[0] < bits[1] < bits[2] and bits[2] > 6.0


def test_attribute_functions_refuse_colour_images():
    with pytest.raises(ValueError, match=r"images has shape \(2, 8, 8, 3\)"):
        ood.ink(np.zeros((2, 8, 8, 3)))
