import numpy as np
import pytest

from utils import metrics


def test_mse_values():
    x = np.zeros((2, 2, 2, 1))
    r = np.zeros((2, 2, 2, 1))
    r[0] = 1.0  # first image off by 1 everywhere
    np.testing.assert_allclose(metrics.per_image_mse(x, r), [1.0, 0.0])
    assert metrics.mse(x, r) == pytest.approx(0.5)
    np.testing.assert_allclose(metrics.per_image_squared_error(x, r), [4.0, 0.0])


@pytest.mark.parametrize("x, r, match", [
    (np.zeros((2, 4)), np.zeros((2, 2, 2)), r"shape \(2, 4\) and reconstruction \(2, 2, 2\)"),
    (np.zeros(4), np.zeros(4), r"expected a batch"),
    (np.zeros((1, 2)), np.array([[np.nan, 0]]), "NaN"),
])
def test_bad_input(x, r, match):
    with pytest.raises(ValueError, match=match):
        metrics.mse(x, r)
