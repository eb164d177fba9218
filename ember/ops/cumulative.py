"""Cumulative ops along a dim: cumsum and cumprod, and cummax/cummin, which also return
where the running extreme was found.

cumsum's gradient is a cumsum taken the other way; cumprod's is right with zeros in the input
(see NOTE [ cumprod gradient with zeros ]). cummax and cummin find their indices on arrays,
then pick the values with reduce.SelectAlong, as sort.py's ops do.
"""
from .. import _dtype
from .. import return_types
from .._dtype import FLOAT_NP
from .._tensor import Tensor
from ..autograd.function import Op
from ..backend import xp_of
from . import compare
from ._dims import wrap_dim
from ._inplace import inplace_method
from .reduce import (SelectAlong, _accumulation_dtype, _to_input_dtype, _wrap_single_dim, _write,
                     _write_pair)
from .sort import _places
from ..amp import autocast_mode

__all__ = ["cumsum", "cumprod", "cummax", "cummin"]

_INT64 = _dtype.int64.np
_HALF = (_dtype.float16.np, _dtype.bfloat16.np)


# -- cumulative sums and products ---------------------------------------------------------

class Cumsum(Op):
    """y_k = sum_{i <= k} x_i along dim (sum_{i >= k} when reverse);
    grad_x = the same sum of g taken the other way."""

    @staticmethod
    def forward(ctx, x, dim, dtype, reverse):
        ctx.dim, ctx.reverse, ctx.input_dtype = dim, reverse, x.dtype
        xp = ctx.xp
        if x.ndim == 0:
            return x.astype(dtype or x.dtype)
        if reverse:
            x = xp.flip(x, dim)
        out_dtype = xp.dtype(dtype or x.dtype)
        if out_dtype in _HALF:
            # torch accumulates half types in float32 and rounds each partial sum
            y = xp.cumsum(x, axis=dim, dtype=xp.float32).astype(out_dtype)
        else:
            y = xp.cumsum(x, axis=dim, dtype=dtype)
        return xp.flip(y, dim) if reverse else y

    @staticmethod
    def backward(ctx, grad):
        grad = _to_input_dtype(grad, ctx.input_dtype)
        return Cumsum.apply(grad, ctx.dim, None, not ctx.reverse), None, None, None


def _reverse_cumsum(x, dim):
    return Cumsum.apply(x, dim, None, True)


class Cumprod(Op):
    """y_k = prod_{i <= k} x_i along dim;  grad_x_k = sum_{j >= k} g_j conj(y_j / x_k).

    See NOTE [ cumprod gradient with zeros ] for inputs that hold zeros.
    """

    @staticmethod
    def forward(ctx, x, dim, dtype):
        ctx.dim, ctx.input_dtype = dim, x.dtype
        xp = ctx.xp
        out_dtype = xp.dtype(dtype or x.dtype)
        if x.ndim == 0:
            y = x.astype(out_dtype)
        elif out_dtype in _HALF:  # accumulated in float32, as torch does
            y = xp.cumprod(x, axis=dim, dtype=xp.float32).astype(out_dtype)
        else:
            y = xp.cumprod(x, axis=dim, dtype=dtype)
        ctx.save_for_backward(x, y)
        return y

    @staticmethod
    def backward(ctx, grad):
        x, y = ctx.conj_saved_tensors
        grad = _to_input_dtype(grad, ctx.input_dtype)
        y = _to_input_dtype(y, ctx.input_dtype)
        dim = ctx.dim
        is_zero = x.eq(0)
        if not is_zero.any():
            return _reverse_cumsum(grad * y, dim) / x, None, None
        # NOTE [ cumprod gradient with zeros ]
        # Where x_k != 0, y_j / x_k is still the product of the others, so the zero-free
        # formula holds (it is 0 after the first zero, but its derivative is not). At the
        # first zero z, the product of the others is the cumprod with x_z replaced by 1. At
        # later zeros every term has x_z = 0 as another factor: the gradient is 0.
        zeros_so_far = cumsum(is_zero, dim)
        at_first_zero = is_zero & zeros_so_far.eq(1)
        where = compare.where
        part_nonzero = _reverse_cumsum(grad * y, dim) / where(is_zero, 1.0, x)
        part_at = _reverse_cumsum(grad * cumprod(where(at_first_zero, 1.0, x), dim), dim)
        return where(is_zero, where(at_first_zero, part_at, 0.0), part_nonzero), None, None


def cumsum(input, dim, *, dtype=None, out=None):
    """Running sum along `dim`; bool and integer inputs give int64.

    y_k = sum_{i <= k} x_i

    Example:
        >>> ember.tensor([1., 2., 3.]).cumsum(0)
        tensor([1., 3., 6.])
    """
    if autocast_mode.active:  # See NOTE [ How autocast reaches the ops ]
        return autocast_mode.dispatch("cumsum", cumsum, input, dim, dtype=dtype, out=out)
    dim = _wrap_single_dim(dim, input._data.ndim, "cumsum")
    result = Cumsum.apply(input, dim, _accumulation_dtype(input, dtype), False)
    return result if out is None else _write(out, result)


def cumprod(input, dim, *, dtype=None, out=None):
    """Running product along `dim`; bool and integer inputs give int64.

    y_k = prod_{i <= k} x_i  (the gradient is right with zeros in the input)

    Example:
        >>> ember.tensor([1., 2., 3.]).cumprod(0)
        tensor([1., 2., 6.])
    """
    dim = _wrap_single_dim(dim, input._data.ndim, "cumprod")
    result = Cumprod.apply(input, dim, _accumulation_dtype(input, dtype))
    return result if out is None else _write(out, result)


# -- cumulative extremes ------------------------------------------------------------------

class Cummax(SelectAlong):
    """y_k = max_{i <= k} x_i along dim;  grad_x = g added up at the chosen indices."""

    unique_index = False


class Cummin(Cummax):
    """y_k = min_{i <= k} x_i along dim;  grad_x = g added up at the chosen indices."""


def _cumulative_extremum(op, kind, op_name, input, dim, out):
    data = input._data
    if data.dtype.kind == "c":
        raise _dtype.unordered(op_name, input.dtype)
    dim = wrap_dim(dim, data.ndim, op_name)
    xp = xp_of(data)
    if data.ndim == 0:
        index = xp.zeros((), _INT64)
    else:
        running = (xp.maximum if op is Cummax else xp.minimum).accumulate(data, axis=dim)
        # torch moves the index on ties (>=) and to every NaN
        hit = data == running
        if data.dtype in FLOAT_NP:
            hit |= xp.isnan(data)
        index = xp.maximum.accumulate(xp.where(hit, _places(xp, data.shape, dim), 0),
                                      axis=dim).astype(_INT64, copy=False)
    values = op.apply(input, index, dim, True)
    return _write_pair(out, kind((values, Tensor._make(index))), (input,))


def cummax(input, dim, *, out=None):
    """Running maximum along `dim` and where it was found, as return_types.cummax.

    Example:
        >>> ember.tensor([1., 3., 2., 5.]).cummax(0).values
        tensor([1., 3., 3., 5.])
    """
    return _cumulative_extremum(Cummax, return_types.cummax, "cummax", input, dim, out)


def cummin(input, dim, *, out=None):
    """Running minimum along `dim` and where it was found, as return_types.cummin."""
    return _cumulative_extremum(Cummin, return_types.cummin, "cummin", input, dim, out)


# -- Tensor methods -----------------------------------------------------------------------

for _name in ("cumsum", "cumprod", "cummax", "cummin"):
    setattr(Tensor, _name, globals()[_name])

Tensor.cumsum_ = inplace_method(cumsum, "cumsum_")
Tensor.cumprod_ = inplace_method(cumprod, "cumprod_")
