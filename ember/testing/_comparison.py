"""assert_close: are two tensors (or numbers, or sequences and mappings of them) close?

Matches torch.testing.assert_close: the same default tolerances per dtype, the same checks in
the same order (shape, device, dtype, then values), and the same messages, so a test that
passes or fails on torch does so on ember.
"""
import collections.abc
import math
import numbers

import numpy as np

from .. import _dtype
from .._tensor import Tensor

# (rtol, atol) by dtype; integers and bool compare exactly
_TOLERANCES = {
    "float16": (1e-3, 1e-5), "bfloat16": (1.6e-2, 1e-5), "float32": (1.3e-6, 1e-5),
    "float64": (1e-7, 1e-7), "complex64": (1.3e-6, 1e-5), "complex128": (1e-7, 1e-7),
}


class _Mismatch(AssertionError):
    """A failed comparison, with the path of container items that led to it."""

    def __init__(self, message, path=""):
        super().__init__(message)
        self.message, self.path = message, path


def assert_close(actual, expected, *, allow_subclasses=True, rtol=None, atol=None,
                 equal_nan=False, check_device=True, check_dtype=True, check_layout=True,
                 check_stride=False, msg=None):
    """Raise AssertionError unless actual and expected are close:
    |actual - expected| <= atol + rtol * |expected| elementwise, after equal shapes, devices
    and dtypes.

    Tensors, numpy arrays and Python numbers compare as such; sequences and mappings compare
    item by item. Left out, rtol and atol are the defaults for the dtypes compared (float32:
    1.3e-6 and 1e-5; float64 and Python floats: 1e-7; integers: exact).

    Args:
        actual, expected: what to compare.
        rtol, atol: the relative and absolute tolerance; give both or neither.
        equal_nan: whether NaN equals NaN.
        check_device, check_dtype: whether a device or dtype difference fails (when not, both
            are compared in their promoted dtype on the CPU).
        msg: a message to raise instead, or a callable from the generated message to one.

    Differs from PyTorch: check_layout and check_stride are accepted and ignored (ember
    tensors are dense, and strides are the backend's).

    Example:
        >>> ember.testing.assert_close(ember.tensor([1.0]), ember.tensor([1.0 + 1e-7]))
    """
    if (rtol is None) != (atol is None):
        missing = "atol" if atol is None else "rtol"
        raise ValueError(f"Both 'rtol' and 'atol' must be either specified or omitted, but got "
                         f"no {missing}.")
    options = dict(rtol=rtol, atol=atol, equal_nan=equal_nan, check_device=check_device,
                   check_dtype=check_dtype)
    try:
        _compare(actual, expected, options)
    except _Mismatch as error:
        message = error.message
        if error.path:
            message += f"\n\nThe failure occurred for item {error.path}"
        if callable(msg):
            message = msg(message)
        elif msg is not None:
            message = msg
        raise AssertionError(message) from None


def _compare(actual, expected, options):
    if isinstance(actual, Tensor) and isinstance(expected, Tensor):
        return _compare_tensors(actual, expected, options)
    if isinstance(actual, np.ndarray) and isinstance(expected, np.ndarray):
        return _compare_tensors(Tensor._make(actual), Tensor._make(expected), options)
    if _is_number(actual) and _is_number(expected):
        return _compare_numbers(actual, expected, options)
    if isinstance(actual, collections.abc.Mapping) and isinstance(expected,
                                                                  collections.abc.Mapping):
        return _compare_mappings(actual, expected, options)
    if _is_sequence(actual) and _is_sequence(expected):
        if len(actual) != len(expected):
            raise _Mismatch(f"The length of the sequences mismatch: {len(actual)} != "
                            f"{len(expected)}")
        for index, (a, e) in enumerate(zip(actual, expected)):
            _within(f"[{index}]", _compare, a, e, options)
        return None
    raise TypeError(f"No comparison pair was able to handle inputs of type {type(actual)} and "
                    f"{type(expected)}.")


def _within(step, compare, actual, expected, options):
    try:
        compare(actual, expected, options)
    except _Mismatch as error:
        raise _Mismatch(error.message, step + error.path) from None


def _compare_mappings(actual, expected, options):
    missing = [k for k in expected if k not in actual]
    additional = [k for k in actual if k not in expected]
    if missing or additional:
        raise _Mismatch(f"The keys of the mappings do not match:\n"
                        f"Missing keys in the actual mapping: {sorted(missing, key=repr)}\n"
                        f"Additional keys in the actual mapping: "
                        f"{sorted(additional, key=repr)}")
    for key in expected:
        _within(f"[{key!r}]", _compare, actual[key], expected[key], options)


def _is_number(value):
    return isinstance(value, numbers.Number) and not isinstance(value, np.ndarray)


def _is_sequence(value):
    return isinstance(value, collections.abc.Sequence) and not isinstance(value, str)


def _tolerances(dtypes, options):
    if options["rtol"] is not None:
        return options["rtol"], options["atol"]
    pairs = [_TOLERANCES.get(d.name, (0.0, 0.0)) for d in dtypes]
    return max(p[0] for p in pairs), max(p[1] for p in pairs)


def _check_attribute(name, actual, expected):
    if actual != expected:
        raise _Mismatch(f"The values for attribute '{name}' do not match: {actual} != "
                        f"{expected}.")


def _compare_tensors(actual, expected, options):
    _check_attribute("shape", actual.shape, expected.shape)
    if options["check_device"]:
        _check_attribute("device", actual.device, expected.device)
    if options["check_dtype"]:
        _check_attribute("dtype", actual.dtype, expected.dtype)
    rtol, atol = _tolerances((actual.dtype, expected.dtype), options)
    common = _dtype.promote_types(actual.dtype, expected.dtype)
    a = np.asarray(actual.detach().cpu()._data).astype(common.np)
    e = np.asarray(expected.detach().cpu()._data).astype(common.np)
    close = _close(a, e, rtol, atol, options["equal_nan"])
    if close.all():
        return
    if a.ndim == 0:
        _raise_numbers(a.item(), e.item(), rtol, atol)
    if a.dtype == np.bool_:
        a, e = a.astype(np.int64), e.astype(np.int64)
    absolute = np.abs(a - e)  # real for complex a, e
    float_type = np.float32 if a.dtype.kind in "iu" else absolute.dtype  # torch's: the default
    with np.errstate(divide="ignore", invalid="ignore"):
        relative = absolute.astype(float_type) / np.abs(e).astype(float_type)
    word = "equal" if rtol == 0 and atol == 0 else "close"
    mismatched = int((~close).sum())
    lines = [f"Tensor-likes are not {word}!", "",
             f"Mismatched elements: {mismatched} / {close.size} "
             f"({100 * mismatched / close.size:.1f}%)"]
    for kind, differences, tolerance in (("absolute", absolute, atol), ("relative", relative,
                                                                           rtol)):
        flat = differences.reshape(-1)
        nans = np.flatnonzero(np.isnan(flat))
        position = int(nans[0]) if nans.size else int(np.argmax(flat))
        index = tuple(int(i) for i in np.unravel_index(position, differences.shape))
        line = f"Greatest {kind} difference: {flat[position].item()} at index {index}"
        lines.append(line + (f" (up to {tolerance} allowed)" if word == "close" else ""))
    raise _Mismatch("\n".join(lines))


def _close(a, e, rtol, atol, equal_nan):
    if a.dtype.kind in "biu" and rtol == 0 and atol == 0:
        return a == e
    wide = np.complex128 if a.dtype.kind == "c" else np.float64
    a64, e64 = a.astype(wide), e.astype(wide)
    with np.errstate(invalid="ignore"):
        within = np.abs(a64 - e64) <= atol + rtol * np.abs(e64)
    # an infinity is close only to itself
    close = (a64 == e64) | (within & np.isfinite(a64) & np.isfinite(e64))
    if equal_nan:
        close |= np.isnan(a64) & np.isnan(e64)
    return close


def _compare_numbers(actual, expected, options):
    if options["check_dtype"] and type(actual) is not type(expected):
        raise _Mismatch(f"The (d)types do not match: {type(actual)} != {type(expected)}.")
    kinds = [_dtype.float64 if isinstance(v, (float, complex)) or isinstance(v, np.floating)
             else _dtype.int64 for v in (actual, expected)]
    rtol, atol = _tolerances(kinds, options)
    if isinstance(actual, complex) or isinstance(expected, complex):
        equal = actual == expected or abs(actual - expected) <= atol + rtol * abs(expected)
        if not equal:
            _raise_numbers(actual, expected, rtol, atol)
        return
    if not _close(np.asarray(actual), np.asarray(expected), rtol, atol, options["equal_nan"]):
        _raise_numbers(actual, expected, rtol, atol)


def _raise_numbers(actual, expected, rtol, atol):
    word = "equal" if rtol == 0 and atol == 0 else "close"
    absolute = abs(actual - expected)
    relative = absolute / abs(expected) if expected != 0 else math.inf
    tail = (lambda t: f" (up to {t} allowed)") if word == "close" else (lambda t: "")
    raise _Mismatch(f"Scalars are not {word}!\n\nExpected {expected} but got {actual}.\n"
                    f"Absolute difference: {absolute}{tail(atol)}\n"
                    f"Relative difference: {relative}{tail(rtol)}")
