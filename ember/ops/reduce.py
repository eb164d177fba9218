"""Reductions over dims: sum, mean, and (below) the rest of the family.

Every reduction takes `dim` (an int, a tuple of ints, or None for all) and `keepdim`.
Backward re-expands the gradient to the input's shape: unsqueeze the reduced dims back
(when keepdim was False), then broadcast.
"""
import builtins

from .. import _dtype
from .._dtype import FLOAT_NP
from .._tensor import Tensor
from ..autograd.function import Op
from ._dims import wrap_dims

__all__ = ["sum", "mean", "expand_reduced"]


def expand_reduced(grad, input_shape, dims, keepdim):
    """Bring a reduced gradient back to input_shape (the adjoint of a reduction)."""
    if not keepdim and dims:
        kept_shape = list(input_shape)
        for d in dims:
            kept_shape[d] = 1
        grad = grad.reshape(kept_shape)
    return grad.expand(input_shape)


def _accumulation_dtype(input, dtype):
    """sum/prod of bool or integer tensors accumulate in int64, as torch."""
    if dtype is not None:
        return _dtype.to_dtype(dtype).np
    if input._data.dtype.kind in "biu":
        return _dtype.int64.np
    return None


class Sum(Op):
    """y = sum of x over dims;  grad_x = g broadcast back to x's shape."""

    @staticmethod
    def forward(ctx, x, dims, keepdim, dtype):
        ctx.input_shape, ctx.dims, ctx.keepdim = x.shape, dims, keepdim
        return ctx.xp.sum(x, axis=dims, keepdims=keepdim, dtype=dtype)

    @staticmethod
    def backward(ctx, grad):
        return expand_reduced(grad, ctx.input_shape, ctx.dims, ctx.keepdim), None, None, None


def sum(input, dim=None, keepdim=False, *, dtype=None, out=None):
    """Sum over `dim` (all dims when None).

    Example:
        >>> ember.ones(2, 3).sum(1)
        tensor([3., 3.])
    """
    dims = wrap_dims(dim, input._data.ndim, "sum")
    out_tensor = Sum.apply(input, dims, keepdim, _accumulation_dtype(input, dtype))
    return out_tensor if out is None else _write(out, out_tensor)


class Mean(Op):
    """y = mean of x over dims;  grad_x = g / count broadcast back."""

    @staticmethod
    def forward(ctx, x, dims, keepdim):
        ctx.input_shape, ctx.dims, ctx.keepdim = x.shape, dims, keepdim
        count = 1
        for d in dims:
            count *= x.shape[d]
        ctx.count = count
        return ctx.xp.mean(x, axis=dims, keepdims=keepdim)

    @staticmethod
    def backward(ctx, grad):
        grad = expand_reduced(grad, ctx.input_shape, ctx.dims, ctx.keepdim)
        return grad / builtins.max(ctx.count, 1), None, None


def mean(input, dim=None, keepdim=False, *, dtype=None, out=None):
    """Mean over `dim` (all dims when None); needs a floating dtype, as torch."""
    if dtype is not None:
        input = input.to(dtype)
    if input._data.dtype not in FLOAT_NP:
        raise RuntimeError(
            f"mean(): could not infer output dtype. Input dtype must be either a floating "
            f"point or complex dtype. Got: {input.dtype.name.capitalize()}")
    dims = wrap_dims(dim, input._data.ndim, "mean")
    out_tensor = Mean.apply(input, dims, keepdim)
    return out_tensor if out is None else _write(out, out_tensor)


def _write(out, result):
    from .elementwise import _write_out
    return _write_out(out, result)



# -- Tensor methods -----------------------------------------------------------------------

Tensor.sum = sum
Tensor.mean = mean
