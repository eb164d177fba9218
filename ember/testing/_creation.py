"""make_tensor: a random tensor for tests, drawn as torch.testing.make_tensor draws it (the
same seed gives torch's values), and the deprecated assert_allclose."""
import math
import warnings

from .. import _dtype
from ..ops.creation import empty
from ..ops.random import randint
from ._comparison import assert_close

__all__ = ["make_tensor", "assert_allclose"]

# the interval [low, high) each kind of dtype draws from by default
_DEFAULT_RANGE = {_dtype.BOOL: (0, 2), _dtype.INTEGER: (-9, 10), _dtype.FLOATING: (-9, 9),
                  _dtype.COMPLEX: (-9, 9)}


def _representable(dtype):
    """[lowest, highest) of the finite values a dtype holds (int64's highest is included, as
    in torch, which can't go past it)."""
    if dtype is _dtype.bool:
        return 0, 2
    if dtype.category == _dtype.INTEGER:
        info = _dtype.iinfo(dtype)
        return info.min, info.max + (dtype is not _dtype.int64)
    info = _dtype.finfo(dtype)
    return info.min, info.max


def _bounds(low, high, dtype):
    default_low, default_high = _DEFAULT_RANGE[dtype.category]
    low = default_low if low is None else low
    high = default_high if high is None else high
    lowest, highest = _representable(dtype)
    if any(isinstance(value, float) and math.isnan(value) for value in (low, high)):
        raise ValueError(f"`low` and `high` cannot be NaN, but got low={low} and high={high}")
    if low == high and dtype.category >= _dtype.FLOATING:
        warnings.warn("Passing `low==high` to `torch.testing.make_tensor` for floating or "
                      "complex types is deprecated since 2.1 and will be removed in 2.3. Use "
                      "`torch.full(...)` instead.", FutureWarning, stacklevel=3)
    elif low >= high:
        raise ValueError(f"`low` must be less than `high`, but got {low} >= {high}")
    elif high < lowest or low >= highest:
        raise ValueError(f"The value interval specified by `low` and `high` is [{low}, {high}), "
                         f"but {dtype} only supports [{lowest}, {highest})")
    low, high = min(max(low, lowest), highest), min(max(high, lowest), highest)
    if dtype.category <= _dtype.INTEGER:
        return math.ceil(low), math.ceil(high)
    return low, high


def make_tensor(*shape, dtype, device, low=None, high=None, requires_grad=False,
                noncontiguous=False, exclude_zero=False, memory_format=None):
    """A tensor of `shape` with values drawn uniformly from [low, high): by default [0, 2) for
    bool, [-9, 10) for integers (from 0 for uint8) and [-9, 9) for floating and complex
    dtypes (each part). noncontiguous gives a strided view; exclude_zero replaces zeros by 1
    (integers) or finfo.tiny.

    Example:
        >>> make_tensor(2, 3, dtype=ember.float32, device="cpu", low=-1, high=1).shape
        ember.Size([2, 3])
    """
    if len(shape) == 1 and not isinstance(shape[0], int):
        shape = shape[0]
    shape = tuple(shape)
    dtype = _dtype.to_dtype(dtype)
    if noncontiguous and memory_format is not None:
        raise ValueError(f"The parameters `noncontiguous` and `memory_format` are mutually "
                         f"exclusive, but got noncontiguous={noncontiguous} and "
                         f"memory_format={memory_format}")
    if requires_grad and dtype.category <= _dtype.INTEGER:
        raise ValueError(f"`requires_grad=True` is not supported for boolean and integral "
                         f"dtypes, but got dtype={dtype}")
    noncontiguous = noncontiguous and math.prod(shape) > 1
    if noncontiguous:
        shape = shape[:-1] + (2 * shape[-1],)
    low, high = _bounds(low, high, dtype)
    if dtype.category <= _dtype.INTEGER:
        result = randint(low, high, shape, device=device, dtype=dtype)
    else:
        result = empty(shape, device=device, dtype=dtype)
        if high - low >= _dtype.finfo(dtype).max:  # the span would overflow: draw half of it
            result.uniform_(low / 2, high / 2).mul_(2)
        else:
            result.uniform_(low, high)
    if noncontiguous:
        result = result[..., 1::2]
    elif memory_format is not None:
        result = result.clone(memory_format=memory_format)
    if exclude_zero:
        result[result == 0] = 1 if dtype.category <= _dtype.INTEGER else (
            complex(_dtype.finfo(dtype).tiny, _dtype.finfo(dtype).tiny) if dtype.is_complex
            else _dtype.finfo(dtype).tiny)
    if dtype.category >= _dtype.FLOATING:
        result.requires_grad_(requires_grad)
    return result


_TOLERANCES = {_dtype.float16: (1e-3, 1e-3), _dtype.float32: (1e-4, 1e-5),
               _dtype.float64: (1e-5, 1e-8)}


def assert_allclose(actual, expected, rtol=None, atol=None, equal_nan=True, msg=""):
    """Deprecated: assert_close with torch's older default tolerances."""
    warnings.warn("`torch.testing.assert_allclose()` is deprecated since 1.12 and will be "
                  "removed in a future release. Please use `torch.testing.assert_close()` "
                  "instead.", FutureWarning, stacklevel=2)
    from ..ops.creation import tensor
    from .._tensor import Tensor
    if not isinstance(actual, Tensor):
        actual = tensor(actual)
    if not isinstance(expected, Tensor):
        expected = tensor(expected, dtype=actual.dtype)
    if rtol is None and atol is None:
        pairs = [_TOLERANCES.get(t.dtype, (0.0, 0.0)) for t in (actual, expected)]
        rtol, atol = max(p[0] for p in pairs), max(p[1] for p in pairs)
    assert_close(actual, expected, rtol=rtol, atol=atol, equal_nan=equal_nan,
                 check_device=True, check_dtype=False, check_stride=False, msg=msg or None)
