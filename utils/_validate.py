"""Argument checks shared by every public function and layer of ``utils``.

In the spirit of scikit-learn's ``check_scalar`` / ``check_array``: each check either returns
the value in a normalised form (a Python ``int`` / ``float``, a NumPy array) or raises a
``ValueError`` / ``TypeError`` whose message names the argument, shows the value given and
says what is expected::

    n = check_int("n", n, low=1)                    # np.int64(8) -> 8; True, 2.0, -1 -> error
    lr = check_real("learning_rate", lr, low=0, low_open=True)      # NaN -> "... is NaN ..."
    x = check_images("x", x)                        # rank, finite, [0, 1] ("divide by 255")

Integers are ``numbers.Integral`` (NumPy integers included), reals ``numbers.Real`` (NumPy
floats included); ``bool`` is neither. This is the one place where such checks are written:
the modules of ``utils`` call these functions instead of repeating the tests.
"""

from __future__ import annotations

import math
import numbers
import os
from pathlib import Path
from typing import Any, Iterable, Sequence

import numpy as np

__all__ = ["check_int", "check_real", "check_bool", "check_choice", "check_str",
           "check_int_sequence", "check_array", "check_images", "check_same_shape",
           "check_labels", "check_model", "check_callable", "check_seed", "check_same_kind",
           "check_path",
           "describe", "check_not_8bit", "check_unit_interval", "LEGACY_SEED_MAX",
           "KERAS_SEED_MAX"]


def describe(value: Any, limit: int = 60) -> str:
    """A short text for ``value`` in an error message (arrays by shape and dtype)."""
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape} and dtype {value.dtype}"
    if isinstance(value, numbers.Real) and not isinstance(value, bool) \
            and isinstance(value, (float, np.floating)) and math.isnan(value):
        return "NaN"
    text = repr(value)
    return text if len(text) <= limit else text[:limit - 3] + "..."


def _bounds_text(low, high, low_open: bool, high_open: bool) -> str:
    if low is not None and high is not None:
        return f"in {'(' if low_open else '['}{low:g}, {high:g}{')' if high_open else ']'}"
    if low is not None:
        return f"{'>' if low_open else '>='} {low:g}"
    if high is not None:
        return f"{'<' if high_open else '<='} {high:g}"
    return ""


def _in_bounds(v, low, high, low_open, high_open) -> bool:
    if low is not None and (v < low or (low_open and v == low)):
        return False
    if high is not None and (v > high or (high_open and v == high)):
        return False
    return True


def _unwrap(value):
    """A 0-d NumPy array (e.g. ``keras.ops.convert_to_numpy`` of a scalar) as its scalar."""
    return value[()] if isinstance(value, np.ndarray) and value.ndim == 0 else value


def check_int(name: str, value, *, low: int | None = None, high: int | None = None,
              allow_none: bool = False, why: str = "") -> int | None:
    """An integer (``numbers.Integral``, not ``bool``) in ``[low, high]``, as a Python int.

    ``why``: what the bounds come from, added to the message in brackets (e.g. "at most a
    quarter of the photos' smaller side, 64 pixels")."""
    if value is None and allow_none:
        return None
    value = _unwrap(value)
    bounds = _bounds_text(low, high, False, False)
    expected = (f"an integer {bounds}".rstrip() + (f" ({why})" if why else "")
                + (" or None" if allow_none else ""))
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} is {describe(value)}; expected {expected}.")
    value = int(value)
    if not _in_bounds(value, low, high, False, False):
        raise ValueError(f"{name} is {value}; expected {expected}.")
    return value


def check_real(name: str, value, *, low: float | None = None, high: float | None = None,
               low_open: bool = False, high_open: bool = False,
               allow_none: bool = False, why: str = "") -> float | None:
    """A finite real number (``numbers.Real``, not ``bool``) within the bounds, as a float.

    ``low_open`` / ``high_open`` exclude the bound itself. NaN and ±inf are refused with a
    message that says so. ``why``: what the bounds come from (as for ``check_int``).
    """
    if value is None and allow_none:
        return None
    value = _unwrap(value)
    bounds = _bounds_text(low, high, low_open, high_open)
    expected = (f"a number {bounds}".rstrip() + (f" ({why})" if why else "")
                + (" or None" if allow_none else ""))
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} is {describe(value)}; expected {expected}.")
    value = float(value)
    if math.isnan(value):
        raise ValueError(f"{name} is NaN; expected {expected}.")
    if math.isinf(value):
        raise ValueError(f"{name} is {value}; expected a finite {expected[2:]}.")
    if not _in_bounds(value, low, high, low_open, high_open):
        raise ValueError(f"{name} is {value:g}; expected {expected}.")
    return value


def check_bool(name: str, value) -> bool:
    """``True`` or ``False`` (NumPy booleans accepted), nothing else."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} is {describe(value)}; expected True or False.")
    return bool(value)


def check_str(name: str, value, *, allow_empty: bool = False) -> str:
    """A string (non-blank unless ``allow_empty``)."""
    expected = "a string" if allow_empty else "a non-empty string"
    if not isinstance(value, str):
        raise TypeError(f"{name} is {describe(value)}; expected {expected}.")
    if not allow_empty and not value.strip():
        raise ValueError(f"{name} is {describe(value)}; expected {expected}.")
    return value


def check_choice(name: str, value, choices: Iterable):
    """One of ``choices`` (compared with ``==``)."""
    choices = tuple(choices)
    if isinstance(value, (list, dict, set, np.ndarray)):
        raise TypeError(f"{name} is {describe(value)}; expected one of {choices}.")
    if value not in choices:
        raise ValueError(f"{name} is {describe(value)}; expected one of {choices}.")
    return value


def check_int_sequence(name: str, value, *, low: int = 1, min_len: int = 1,
                       example: str = "") -> tuple[int, ...]:
    """A sequence (tuple, list, 1-D array) of integers ``>= low`` with ``>= min_len``
    entries, as a tuple of Python ints."""
    hint = f" such as {example}" if example else ""
    what = f"a sequence of integers >= {low}{hint}"
    if isinstance(value, (str, bytes)) or isinstance(value, numbers.Number) \
            or not isinstance(value, (Sequence, np.ndarray)) \
            or (isinstance(value, np.ndarray) and value.ndim != 1):
        raise TypeError(f"{name} is {describe(value)}; expected {what}.")
    if len(value) < min_len:
        raise ValueError(f"{name} is {describe(value)}; expected {what} with at least "
                         f"{min_len} entr{'y' if min_len == 1 else 'ies'}.")
    return tuple(check_int(f"{name}[{i}]", v, low=low) for i, v in enumerate(value))


def check_array(name: str, value, *, ndim: int | Sequence[int] | None = None,
                min_len: int = 1, finite: bool = True, numeric: bool = True,
                dtype=np.float64) -> np.ndarray:
    """A NumPy array of rank ``ndim`` (one rank or several), ``>= min_len`` entries along
    the first axis, only finite values; converted to ``dtype`` (``None``: kept)."""
    if value is None or isinstance(value, (str, bytes, dict)):
        raise TypeError(f"{name} is {describe(value)}; expected an array.")
    try:
        arr = np.asarray(value)
    except (ValueError, TypeError) as exc:  # ragged lists, odd objects
        raise TypeError(f"{name} is {describe(value)}; expected an array of numbers "
                        f"({exc}).") from None
    if numeric and (not (np.issubdtype(arr.dtype, np.number) or arr.dtype == bool)
                    or np.issubdtype(arr.dtype, np.complexfloating)):
        raise TypeError(f"{name} has dtype {arr.dtype}; expected real numbers.")
    if ndim is not None:
        ranks = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if arr.ndim not in ranks:
            want = " or ".join(str(r) for r in ranks)
            raise ValueError(f"{name} has shape {arr.shape}; expected a {want}-D array "
                             "(no reshaping is done for you).")
    if arr.ndim == 0 and min_len > 0:
        raise ValueError(f"{name} is a scalar ({describe(value)}); expected an array.")
    if min_len and arr.ndim and arr.shape[0] < min_len:
        raise ValueError(f"{name} has shape {arr.shape}; expected at least {min_len} "
                         "entr" + ("y" if min_len == 1 else "ies") + " along the first axis.")
    if dtype is not None and arr.dtype != dtype:
        arr = arr.astype(dtype)
    if finite and numeric and arr.size and not np.all(np.isfinite(arr)):
        what = "NaN" if np.isnan(arr).any() else "infinite"
        raise ValueError(f"{name} contains {what} values; expected finite numbers.")
    return arr


def check_images(name: str, value, *, ndim: int | Sequence[int] | None = (3, 4),
                 channels: Sequence[int] | None = None, unit_range: bool = True,
                 centred: bool = False, min_len: int = 1, dtype=np.float32) -> np.ndarray:
    """A batch of images: rank ``ndim`` ((N, H, W) or (N, H, W, C) by default), ``channels``
    in the allowed set, finite, and (``unit_range``) in [0, 1] — or, with ``centred``, in
    [-1, 1] (images minus a mean image, as notebook 01 centres them). Images in 0..255 are an
    error that says to divide by 255: nothing is clipped or rescaled silently."""
    arr = check_array(name, value, ndim=ndim, min_len=min_len, dtype=dtype)
    if channels is not None and arr.ndim == 4 and arr.shape[-1] not in tuple(channels):
        raise ValueError(f"{name} has shape {arr.shape}; expected {tuple(channels)} channels "
                         "in the last axis.")
    if unit_range and arr.size:
        lo, hi = float(arr.min()), float(arr.max())
        floor = -1.0 if centred else 0.0
        if lo < floor or hi > 1:
            hint = (" (8-bit pixels? divide by 255)" if 1.5 < hi <= 255 and lo >= floor
                    else "")
            what = "images in [0, 1]" + (" (or centred images, in [-1, 1])" if centred else "")
            raise ValueError(f"{name} has values in [{lo:.3g}, {hi:.3g}]; expected "
                             f"{what}{hint}.")
    return arr


def check_not_8bit(name: str, value) -> np.ndarray:
    """A finite array (dtype kept) that does not look like unscaled 8-bit pixels: values in
    [0, 255] going above 1.5 are an error that says to divide by 255. Centred or standardised
    data (with negative values) pass, and so does a rounding error just above 1 — for inputs
    that may be features as well as images."""
    arr = check_array(name, value, ndim=None, dtype=None)
    if arr.size and np.issubdtype(arr.dtype, np.number):
        lo, hi = float(arr.min()), float(arr.max())
        if lo >= 0 and 1.5 < hi <= 255:
            raise ValueError(f"{name} has values in [{lo:.3g}, {hi:.3g}]; expected images in "
                             "[0, 1] (8-bit pixels? divide by 255).")
    return arr


def check_unit_interval(name: str, value, *, hint: str = ""):
    """Values in [0, 1] (probabilities, a sigmoid's outputs) where they can be seen without
    running a model: a NumPy array or a number is checked (finite, in [0, 1]; ``hint`` says
    where such values come from) and returned as it is; anything else — a backend's or a
    symbolic Keras tensor — is returned unchecked (its values are not known here, and a
    check inside a training step would be backend-specific)."""
    if isinstance(value, bool):
        raise TypeError(f"{name} is {value!r}; expected values in [0, 1].")
    if isinstance(value, (np.ndarray, numbers.Real)):
        arr = check_array(name, value, ndim=None, min_len=0)
        if arr.size and (arr.min() < 0 or arr.max() > 1):
            raise ValueError(f"{name} has values in [{arr.min():.3g}, {arr.max():.3g}]; "
                             f"expected values in [0, 1]{f' ({hint})' if hint else ''}.")
    return value


def check_same_shape(name_a: str, a: np.ndarray, name_b: str, b: np.ndarray,
                     *, axes: slice | None = None) -> None:
    """``a`` and ``b`` have the same shape (or the same ``shape[axes]``)."""
    sa, sb = (a.shape, b.shape) if axes is None else (a.shape[axes], b.shape[axes])
    if sa != sb:
        raise ValueError(f"{name_a} has shape {a.shape} and {name_b} {b.shape}; expected "
                         "the same shape (no reshaping is done for you).")


def check_labels(name: str, value, *, n: int | None = None) -> np.ndarray:
    """A non-empty 1-D array of integer class labels (of length ``n`` when given)."""
    arr = check_array(name, value, ndim=1, dtype=None)
    if not np.issubdtype(arr.dtype, np.integer):
        raise TypeError(f"{name} has dtype {arr.dtype}; expected integer class labels "
                        "(floats would be truncated).")
    if n is not None and len(arr) != n:
        raise ValueError(f"{name} has {len(arr)} labels; expected {n} (one per example).")
    return arr


def check_model(name: str, value):
    """A Keras model (``keras.Model``)."""
    import keras

    if not isinstance(value, keras.Model):
        raise TypeError(f"{name} is {type(value).__name__}; expected a keras.Model.")
    return value


def check_callable(name: str, value):
    """Something that can be called."""
    if not callable(value):
        raise TypeError(f"{name} is {describe(value)}; expected a function.")
    return value


#: The largest seed of NumPy's legacy seeding (``numpy.random.seed``, ``RandomState``),
#: hence of scikit-learn's ``random_state`` and ``keras.utils.set_random_seed``: 2**32 - 1.
LEGACY_SEED_MAX = 2 ** 32 - 1
#: The largest seed of a ``keras.random.SeedGenerator`` on every backend: the JAX and NumPy
#: backends keep it as uint32, PyTorch's as int32 (a larger one overflows there): 2**31 - 1.
KERAS_SEED_MAX = 2 ** 31 - 1
_SEED_USES = {LEGACY_SEED_MAX: "what numpy.random.seed and scikit-learn's random_state accept",
              KERAS_SEED_MAX: "what keras.random.SeedGenerator accepts on every backend"}


def check_seed(name: str, value, *, allow_none: bool = True, generator: bool = True,
               high: int | None = None):
    """A seed, as a Python int (or None when ``allow_none``, or a ``numpy.random.Generator``
    when ``generator``).

    A seed is never negative. ``high``: the largest seed the consumer takes — ``None`` for
    ``numpy.random.default_rng`` (any non-negative integer), ``LEGACY_SEED_MAX`` for
    ``numpy.random.seed`` / scikit-learn / ``keras.utils.set_random_seed``,
    ``KERAS_SEED_MAX`` for a ``keras.random.SeedGenerator``."""
    if generator and isinstance(value, np.random.Generator):
        return value
    if value is None and allow_none:
        return None
    value = _unwrap(value)
    what = ("an integer seed >= 0" if high is None else
            f"an integer seed in [0, {high}] ({_SEED_USES.get(high, 'the largest seed')})")
    what += (", a numpy.random.Generator" if generator else "") + (" or None" if allow_none else "")
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} is {describe(value)}; expected {what}.")
    value = int(value)
    if value < 0 or (high is not None and value > high):
        raise ValueError(f"{name} is {value}; expected {what}.")
    return value


def check_same_kind(name_a: str, a, name_b: str, b, *, example: str) -> None:
    """``a`` and ``b`` are values of the same kind — both numbers (bool is not one), both
    bools, or both of one type — or either is ``None``; ``example`` shows a good pair."""
    if a is None or b is None:
        return
    if isinstance(a, bool) or isinstance(b, bool):
        same = isinstance(a, bool) and isinstance(b, bool)
    elif isinstance(a, numbers.Real) and isinstance(b, numbers.Real):
        same = True
    else:
        same = type(a) is type(b)
    if not same:
        raise TypeError(f"{name_a} is {describe(a)} and {name_b} is {describe(b)}; expected "
                        f"the same kind of value in both (e.g. {example}).")


def check_path(name: str, value) -> Path:
    """A file-system path (a non-empty ``str`` or ``os.PathLike``), as a ``pathlib.Path``."""
    if not isinstance(value, (str, os.PathLike)):
        raise TypeError(f"{name} is {describe(value)}; expected a path (str or pathlib.Path).")
    if isinstance(value, str) and not value.strip():
        raise ValueError(f"{name} is {value!r}; expected a non-empty path.")
    return Path(value)
