"""The shared argument checks (utils._validate) on the edge cases every module relies on."""

import numpy as np
import pytest

from utils import _validate as v


@pytest.mark.parametrize("value", [8, np.int64(8), np.array(8)])
def test_integers_of_any_kind_are_accepted(value):
    assert v.check_int("n", value, low=1) == 8 and type(v.check_int("n", value)) is int


@pytest.mark.parametrize("value, error, match", [
    (True, TypeError, "n is True; expected an integer"),
    (2.0, TypeError, "n is 2.0"),
    ("3", TypeError, "n is '3'"),
    (0, ValueError, "n is 0; expected an integer >= 1"),
])
def test_what_is_not_a_positive_integer_is_named(value, error, match):
    with pytest.raises(error, match=match):
        v.check_int("n", value, low=1)


@pytest.mark.parametrize("value", [0.9, np.float32(0.9), np.array(0.9), 1])
def test_reals_of_any_kind_are_accepted(value):
    assert v.check_real("p", value, low=0, high=1) == pytest.approx(float(value))


@pytest.mark.parametrize("value, match", [(float("nan"), "p is NaN"), (np.float64("inf"),
                                                                        "p is inf; expected a finite"),
                                          (1.5, r"p is 1.5; expected a number in \[0, 1\)")])
def test_nan_inf_and_range_are_refused_by_name(value, match):
    with pytest.raises(ValueError, match=match):
        v.check_real("p", value, low=0, high=1, high_open=True)


def test_arrays_refuse_complex_ragged_and_nan():
    with pytest.raises(TypeError, match="x has dtype complex128; expected real numbers"):
        v.check_array("x", np.ones(3) * 1j)
    with pytest.raises(TypeError, match="x is .*expected an array of numbers"):
        v.check_array("x", [[1, 2], [3]])
    with pytest.raises(ValueError, match="x contains NaN values"):
        v.check_array("x", [1.0, np.nan])
    with pytest.raises(TypeError, match="widths is an array of shape \\(\\)"):
        v.check_int_sequence("widths", np.array(3))


def test_images_out_of_range_are_errors_never_clipped():
    with pytest.raises(ValueError, match="divide by 255"):
        v.check_images("x", np.full((2, 4, 4), 128.0))
    with pytest.raises(ValueError, match=r"x has values in \[1.2, 1.2\]; expected images in "
                                         r"\[0, 1\]\.$"):
        v.check_images("x", np.full((2, 4, 4), 1.2))   # an overshoot, not 8-bit pixels
    x = np.full((2, 4, 4, 1), 0.5)
    assert v.check_images("x", x).dtype == np.float32


def test_choices_and_shapes():
    with pytest.raises(ValueError, match="kind is 'blur'; expected one of"):
        v.check_choice("kind", "blur", ("gaussian", "masking"))
    with pytest.raises(TypeError, match=r"kind is \['gaussian'\]"):
        v.check_choice("kind", ["gaussian"], ("gaussian",))
    with pytest.raises(ValueError, match=r"x has shape \(2, 3\) and r \(3, 2\)"):
        v.check_same_shape("x", np.ones((2, 3)), "r", np.ones((3, 2)))
