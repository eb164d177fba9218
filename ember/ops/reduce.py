"""Reductions over dims: sum, mean, var/std, prod, max/min, logsumexp, norm, all/any,
count_nonzero, and the nan-ignoring forms. Cumulative ops (cumsum ...) are in cumulative.py.

Every reduction takes `dim` (an int, a tuple of ints, or None for all) and `keepdim`.
Backward re-expands the gradient to the input's shape: unsqueeze the reduced dims back
(when keepdim was False), then broadcast.

Ops that return chosen elements (max/min with a dim here; sort, topk, median ... in sort.py)
compute the indices on arrays, then pick the values with `SelectAlong`, whose gradient puts
the incoming gradient back at those indices (`PutAlong`). The two are each other's adjoint,
so double backward works through them.

Complex inputs: var, std and the norms are real; the ops that compare values (max, amax,
argmax, aminmax) and nansum/nanmean refuse them, as torch does.
"""
import builtins
import math

from .. import _dtype
from .. import return_types
from .._dtype import DIFFERENTIABLE_NP
from .._tensor import Tensor
from ..autograd.function import Op, named
from ..backend import xp_of
from . import compare
from ._dims import wrap_dim, wrap_dims
from ._out import write_exact
from ..amp import autocast_mode

__all__ = [
    "sum", "mean", "var", "std", "var_mean", "std_mean", "prod", "max", "min", "amax", "amin",
    "aminmax", "argmax", "argmin", "logsumexp", "norm", "all", "any", "count_nonzero", "nansum",
    "nanmean", "expand_reduced", "norm_except_dim", "_weight_norm",
]

# float16 and bfloat16 accumulate in float32, as torch does
_HALF_NP = frozenset((_dtype.float16.np, _dtype.bfloat16.np))


# -- shared machinery ---------------------------------------------------------------------

def expand_reduced(grad, input_shape, dims, keepdim):
    """Bring a reduced gradient back to input_shape (the adjoint of a reduction)."""
    if not keepdim and dims and grad._data.ndim:  # a 0-d gradient broadcasts as it is
        grad = grad.reshape(_kept_shape(input_shape, dims))
    return grad.expand(input_shape)


def _kept_shape(shape, dims):
    """`shape` with the reduced dims set to 1 (the keepdim=True shape)."""
    kept = list(shape)
    for d in dims:
        kept[d] = 1
    return tuple(kept)


def _unsqueeze_reduced(tensor, input_shape, dims, keepdim):
    """A reduction's result reshaped to broadcast against its input."""
    if keepdim or not dims:
        return tensor
    return tensor.reshape(_kept_shape(input_shape, dims))


def _reduce_dims(dim, ndim, op_name):
    """dim as a sorted tuple of non-negative dims; None or an empty tuple means every dim."""
    if dim is None or (isinstance(dim, (tuple, list)) and not dim):
        return tuple(builtins.range(ndim))
    return wrap_dims(dim, ndim, op_name)


def _count(shape, dims):
    count = 1
    for d in dims:
        count *= shape[d]
    return count


def _reduced_shape(shape, dims, keepdim):
    if keepdim:
        return _kept_shape(shape, dims)
    return tuple(s for i, s in enumerate(shape) if i not in dims)


def _accumulation_dtype(input, dtype):
    """sum/prod of bool or integer tensors accumulate in int64, as torch."""
    if dtype is not None:
        return _dtype.to_dtype(dtype).np
    if input._data.dtype.kind in "biu":
        return _dtype.int64.np
    return None


def _real_np(np_dtype):
    """The numpy dtype of a complex dtype's parts (a real dtype itself)."""
    return _dtype.BY_NUMPY[np_dtype].to_real().np


def _to_input_dtype(grad, input_dtype):
    """A gradient cast back to its input's dtype (after a `dtype=` reduction)."""
    if grad._data.dtype is input_dtype or grad._data.dtype == input_dtype:
        return grad
    return grad.to(input_dtype)


def _check_nonempty(op_name, input, dims, dim_given, error=IndexError):
    """Reductions without an identity (max, argmax ...) refuse empty inputs, as torch."""
    shape = input._data.shape
    if not dim_given and input._data.size == 0:
        raise error(
            f"{op_name}(): Expected reduction dim to be specified for input.numel() == 0. "
            f"Specify the reduction dim with the 'dim' argument.")
    for d in dims:
        if shape[d] == 0:
            raise IndexError(
                f"{op_name}(): Expected reduction dim {d} to have non-zero size.")


def _write(out, result):
    from .elementwise import _write_out
    return _write_out(out, result)


def _write_pair(out, result, inputs=()):
    """out=(values, indices) for ops that return a pair: each of its result's exact dtype,
    sharing no memory with `inputs`, as torch requires."""
    if out is None:
        return result
    if not isinstance(out, (tuple, list)) or len(out) != 2:
        raise TypeError("out= must be a tuple of two tensors (values, indices)")
    name = type(result).__name__
    write_exact(out[0], result[0], name, inputs)
    write_exact(out[1], result[1], name, inputs)
    return type(result)(tuple(out))


def _wrap_single_dim(dim, ndim, op_name):
    if isinstance(dim, (tuple, list)):
        raise TypeError(f"{op_name}(): argument 'dim' must be int, not {type(dim).__name__}")
    return wrap_dim(dim, ndim, op_name)


# -- picking elements along a dim ---------------------------------------------------------

def _positions(xp, index, dim):
    """The fancy index that reads index[..., k, ...] along `dim`, and every other dim as is."""
    ndim = index.ndim
    parts = []
    for d, size in enumerate(index.shape):
        if d == dim:
            parts.append(index)
        else:
            shape = [1] * ndim
            shape[d] = size
            parts.append(xp.arange(size).reshape(shape))
    return tuple(parts)


class SelectAlong(Op):
    """y = x picked at `index` along `dim` (torch.take_along_dim), then dim squeezed unless
    keepdim;  grad_x = g put back at index (zeros elsewhere).

    Subclasses only rename the node (MaxBackward0, SortBackward0 ...). `unique_index` says
    whether an index can repeat along dim (cummax's can): repeats add up in backward.
    """

    unique_index = True

    @staticmethod
    def forward(ctx, x, index, dim, keepdim):
        ctx.input_shape, ctx.index, ctx.dim = x.shape, index, dim
        if x.ndim == 0:
            return x.copy()
        out = x[_positions(ctx.xp, index, dim)]
        return out if keepdim else out.reshape(index.shape[:dim] + index.shape[dim + 1:])

    @staticmethod
    def backward(ctx, grad):
        index = ctx.index
        if grad._data.shape != index.shape:
            grad = grad.reshape(index.shape)
        return PutAlong.apply(grad, index, ctx.dim, ctx.input_shape,
                              not ctx._op.unique_index), None, None, None


class PutAlong(Op):
    """y = zeros(shape) with g added at `index` along `dim`;  grad_g = grad_y picked at index."""

    @staticmethod
    def forward(ctx, g, index, dim, shape, accumulate):
        ctx.index, ctx.dim = index, dim
        xp = ctx.xp
        out = xp.zeros(shape, g.dtype)
        if g.ndim == 0:
            out[...] = g
        elif accumulate:
            xp.add.at(out, _positions(xp, index, dim), g)
        else:
            out[_positions(xp, index, dim)] = g
        return out

    @staticmethod
    def backward(ctx, grad):
        return SelectAlong.apply(grad, ctx.index, ctx.dim, True), None, None, None, None


def _split_evenly(grad, x, value, dims, keepdim):
    """The gradient of a reduction that picks a value (amax, max(), median()): g shared evenly
    among the elements equal to it, NaN counting as equal to NaN (torch's rule for ties)."""
    grad = _unsqueeze_reduced(grad, x.shape, dims, keepdim)
    value = _unsqueeze_reduced(value, x.shape, dims, keepdim)
    hits = x.eq(value)
    if x.is_floating_point():
        hits = hits | (x.isnan() & value.isnan())
    hits = hits.to(grad.dtype)
    return grad * hits / hits.sum(dims, keepdim=True)


# -- sum and mean -------------------------------------------------------------------------

class Sum(Op):
    """y = sum of x over dims;  grad_x = g broadcast back to x's shape."""

    @staticmethod
    def forward(ctx, x, dims, keepdim, dtype):
        ctx.input_shape, ctx.dims, ctx.keepdim = x.shape, dims, keepdim
        ctx.input_dtype = x.dtype
        # The array's own method and axis=None when every dim goes: each is about twice as
        # fast as xp.sum and a tuple of axes on small arrays (numpy's Python wrappers).
        axis = None if len(dims) == x.ndim and not keepdim else dims
        if dtype is None and x.dtype in _HALF_NP:
            y = x.sum(axis=axis, keepdims=keepdim, dtype=_dtype.float32.np)
            return ctx.xp.asarray(y).astype(x.dtype)
        return x.sum(axis=axis, keepdims=keepdim, dtype=dtype)

    @staticmethod
    def backward(ctx, grad):
        grad = _to_input_dtype(grad, ctx.input_dtype)
        return expand_reduced(grad, ctx.input_shape, ctx.dims, ctx.keepdim), None, None, None


def sum(input, dim=None, keepdim=False, *, dtype=None, out=None):
    """Sum over `dim` (all dims when None or empty); bool and integer inputs give int64.

    y = sum_i x_i

    Example:
        >>> ember.ones(2, 3).sum(1)
        tensor([3., 3.])
    """
    if autocast_mode.active:  # See NOTE [ How autocast reaches the ops ]
        return autocast_mode.dispatch("sum", sum, input, dim, keepdim, dtype=dtype, out=out)
    dims = _reduce_dims(dim, input._data.ndim, "sum")
    out_tensor = Sum.apply(input, dims, keepdim, _accumulation_dtype(input, dtype))
    if dim is not None:
        named(out_tensor, "SumBackward1")
    return out_tensor if out is None else _write(out, out_tensor)


class Mean(Op):
    """y = mean of x over dims;  grad_x = g / count broadcast back."""

    @staticmethod
    def forward(ctx, x, dims, keepdim):
        ctx.input_shape, ctx.dims, ctx.keepdim = x.shape, dims, keepdim
        count = ctx.count = _count(x.shape, dims)
        xp = ctx.xp
        if count == 0:  # torch returns nan, without numpy's empty-slice warning
            return xp.full(_reduced_shape(x.shape, dims, keepdim), math.nan, x.dtype)
        if x.dtype in _HALF_NP:
            y = xp.mean(x, axis=dims, keepdims=keepdim, dtype=_dtype.float32.np)
            return xp.asarray(y).astype(x.dtype)
        return xp.mean(x, axis=dims, keepdims=keepdim)

    @staticmethod
    def backward(ctx, grad):
        grad = expand_reduced(grad, ctx.input_shape, ctx.dims, ctx.keepdim)
        return grad / builtins.max(ctx.count, 1), None, None


def mean(input, dim=None, keepdim=False, *, dtype=None, out=None):
    """Mean over `dim` (all dims when None or empty); needs a floating dtype, as torch.

    y = sum_i x_i / N

    Example:
        >>> ember.tensor([[1., 2.], [3., 4.]]).mean(0)
        tensor([2., 3.])
    """
    if dtype is not None:
        dtype = _dtype.to_dtype(dtype)
        if dtype.category < _dtype.FLOATING:
            raise RuntimeError(
                f"mean(): could not infer output dtype. Optional dtype must be either a "
                f"floating point or complex dtype. Got: {dtype.name.capitalize()}")
        input = input.to(dtype)
    if input._data.dtype not in DIFFERENTIABLE_NP:
        raise RuntimeError(
            f"mean(): could not infer output dtype. Input dtype must be either a floating "
            f"point or complex dtype. Got: {input.dtype.name.capitalize()}")
    dims = _reduce_dims(dim, input._data.ndim, "mean")
    out_tensor = Mean.apply(input, dims, keepdim)
    if dim is not None:
        named(out_tensor, "MeanBackward1")
    return out_tensor if out is None else _write(out, out_tensor)


def nansum(input, dim=None, keepdim=False, *, dtype=None, out=None):
    """Sum over `dim`, treating NaN as zero;  grad_x = g where x is not NaN, else 0."""
    _refuse_complex_nansum(input)
    if input._data.dtype in DIFFERENTIABLE_NP:
        input = compare.where(input.isnan(), 0.0, input)
    return sum(input, dim, keepdim, dtype=dtype, out=out)


def nanmean(input, dim=None, keepdim=False, *, dtype=None, out=None):
    """Mean of the non-NaN elements over `dim` (NaN where there are none).

    Differs from PyTorch: a slice with no non-NaN element gets a zero gradient (torch: nan).
    """
    if dtype is not None:
        input = input.to(dtype)
    _refuse_complex_nansum(input)
    if input._data.dtype not in DIFFERENTIABLE_NP:
        raise RuntimeError(
            f"nanmean(): expected input to have floating point or complex dtype but got "
            f"{input.dtype.name.capitalize()}")
    present = ~input.isnan()
    total = sum(compare.where(present, input, 0.0), dim, keepdim)
    result = total / sum(present, dim, keepdim).to(input.dtype)
    return result if out is None else _write(out, result)


def _refuse_complex_nansum(input):
    if input._data.dtype.kind == "c":
        raise RuntimeError("nansum on CPU does not support complex inputs: sum the real and "
                           "imaginary parts with nansum separately, or use sum")


# -- variance and standard deviation ------------------------------------------------------

class Var(Op):
    """v = sum(|x - mean x|²) / max(0, N - correction) over dims (real for complex x);
    std: s = sqrt(v).

    grad_x = g_v * 2 (x - mean x) / (N - correction), where for std g_v = g_s / (2 s),
    taken as 0 where s = 0 (as torch, rather than nan).
    """

    @staticmethod
    def forward(ctx, x, dims, correction, keepdim, take_sqrt):
        xp = ctx.xp
        count = _count(x.shape, dims)
        ctx.dims, ctx.keepdim, ctx.take_sqrt = dims, keepdim, take_sqrt
        ctx.denominator = count - correction
        result_dtype = _real_np(x.dtype)
        if count == 0:
            result = xp.full(_reduced_shape(x.shape, dims, keepdim), math.nan, result_dtype)
        else:
            wide = x.astype(_dtype.float32.np) if x.dtype in _HALF_NP else x
            centered = wide - xp.mean(wide, axis=dims, keepdims=True)
            if centered.dtype.kind == "c":
                squares = centered.real * centered.real + centered.imag * centered.imag
            else:
                squares = centered * centered
            squares = xp.asarray(xp.sum(squares, axis=dims, keepdims=keepdim))
            # torch divides by zero when N <= correction: inf, or nan where the sum is 0
            result = squares / builtins.max(ctx.denominator, 0)
            if take_sqrt:
                result = xp.sqrt(result)
            result = xp.asarray(result).astype(result_dtype, copy=False)
        ctx.save_for_backward(x, result)
        return result

    @staticmethod
    def backward(ctx, grad):
        x, result = ctx.saved_tensors
        if ctx.take_sqrt:
            zero = result.eq(0)
            grad = compare.where(zero, 0.0, grad / (compare.where(zero, 1.0, result) * 2))
        grad = expand_reduced(grad, x.shape, ctx.dims, ctx.keepdim)
        scale = 2.0 / ctx.denominator if ctx.denominator > 0 else math.inf
        centered = x - x.mean(ctx.dims, keepdim=True)
        return grad * centered * scale, None, None, None, None


def _variance_args(op_name, dim, unbiased, correction):
    """torch's two signatures: (dim, unbiased, keepdim) and (dim, *, correction, keepdim)."""
    if isinstance(dim, builtins.bool):  # var(input, unbiased)
        if unbiased is not None:
            raise TypeError(f"{op_name}(): argument 'dim' must be tuple of ints, not bool")
        dim, unbiased = None, dim
    if unbiased is not None:
        if correction is not None:
            raise TypeError(f"{op_name}(): pass either unbiased or correction, not both")
        if not isinstance(unbiased, builtins.bool):
            raise TypeError(f"{op_name}(): argument 'unbiased' must be bool, not "
                            f"{type(unbiased).__name__}")
        return dim, 1 if unbiased else 0
    return dim, 1 if correction is None else correction


def _variance(op_name, input, dim, unbiased, keepdim, correction, take_sqrt):
    if input._data.dtype not in DIFFERENTIABLE_NP:
        raise RuntimeError("std and var only support floating point and complex dtypes")
    dim, correction = _variance_args(op_name, dim, unbiased, correction)
    dims = _reduce_dims(dim, input._data.ndim, op_name)
    return Var.apply(input, dims, correction, keepdim, take_sqrt), dim


def var(input, dim=None, unbiased=None, keepdim=False, *, correction=None, out=None):
    """Variance over `dim`, dividing by N - correction (correction=1 by default: Bessel's).

    v = sum_i (x_i - mean(x))² / max(0, N - correction)

    The legacy forms var(input, unbiased) and var(input, dim, unbiased, keepdim) work too.

    Example:
        >>> ember.tensor([1., 2., 3., 4.]).var()
        tensor(1.6667)
    """
    result, _ = _variance("var", input, dim, unbiased, keepdim, correction, False)
    return result if out is None else _write(out, result)


def std(input, dim=None, unbiased=None, keepdim=False, *, correction=None, out=None):
    """Standard deviation over `dim`: sqrt(var(input, dim, correction=...)).

    Example:
        >>> ember.tensor([1., 3.]).std()
        tensor(1.4142)
    """
    result, _ = _variance("std", input, dim, unbiased, keepdim, correction, True)
    named(result, "StdBackward0")
    return result if out is None else _write(out, result)


def var_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """(var, mean) over `dim`, as a plain tuple (torch's return type)."""
    result, dim = _variance("var_mean", input, dim, unbiased, keepdim, correction, False)
    return result, mean(input, dim, keepdim)


def std_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """(std, mean) over `dim`, as a plain tuple (torch's return type)."""
    result, dim = _variance("std_mean", input, dim, unbiased, keepdim, correction, True)
    return result, mean(input, dim, keepdim)


# -- product ------------------------------------------------------------------------------

class Prod(Op):
    """y = prod of x over dims;  grad_x = g * conj(product of the other elements).

    Without zeros that product is y / x. With zeros it is the product of the exclusive
    cumulative products from the left and from the right, which cumprod differentiates
    (so the second derivative is right too).
    """

    @staticmethod
    def forward(ctx, x, dim, keepdim, dtype):
        ctx.dim, ctx.keepdim, ctx.input_dtype = dim, keepdim, x.dtype
        y = ctx.xp.asarray(ctx.xp.prod(x, axis=dim, keepdims=keepdim, dtype=dtype))
        ctx.save_for_backward(x, y)
        return y

    @staticmethod
    def backward(ctx, grad):
        x, y = ctx.conj_saved_tensors
        grad = _to_input_dtype(grad, ctx.input_dtype)
        dims = tuple(builtins.range(x.ndim)) if ctx.dim is None else (ctx.dim,)
        grad = expand_reduced(grad, x.shape, dims, ctx.keepdim)
        if not x.eq(0).any():
            y = _unsqueeze_reduced(_to_input_dtype(y, ctx.input_dtype), x.shape, dims,
                                   ctx.keepdim)
            return grad * y / x, None, None, None
        if ctx.dim is None:
            others = _product_of_others(x.reshape(-1), 0).reshape(x.shape)
        else:
            others = _product_of_others(x, ctx.dim)
        return grad * others, None, None, None


def _product_of_others(x, dim):
    """prod_{i != k} x_i along dim, for every k, without dividing (x may hold zeros)."""
    if x.ndim == 0:
        return x.new_ones(())
    return _exclusive_cumprod(x, dim) * _reverse(_exclusive_cumprod(_reverse(x, dim), dim), dim)


def _position_index(xp, shape, dim, positions):
    """An index array of `shape` holding positions[k] at place k along dim."""
    view = [1] * len(shape)
    view[dim] = shape[dim]
    return xp.broadcast_to(positions.reshape(view), shape)


def _reverse(x, dim):
    """x flipped along dim, as a differentiable pick."""
    xp = xp_of(x._data)
    n = x.shape[dim]
    index = _position_index(xp, x.shape, dim, xp.arange(n - 1, -1, -1))
    return SelectAlong.apply(x, index, dim, True)


def _exclusive_cumprod(x, dim):
    """prod_{i < k} x_i along dim (1 at k = 0)."""
    xp = xp_of(x._data)
    n = x.shape[dim]
    previous = _position_index(xp, x.shape, dim, xp.maximum(xp.arange(n) - 1, 0))
    shifted = _Shift.apply(x.cumprod(dim), previous, dim, True)
    first = Tensor._make(_position_index(xp, x.shape, dim, xp.arange(n)) == 0)
    return compare.where(first, 1.0, shifted)


class _Shift(SelectAlong):
    """A pick whose index repeats (position 0 is read twice)."""

    unique_index = False


def prod(input, dim=None, keepdim=False, *, dtype=None, out=None):
    """Product over `dim` (one dim, or all when None); bool and integer inputs give int64.

    y = prod_i x_i

    Example:
        >>> ember.tensor([[1., 2.], [3., 4.]]).prod(1)
        tensor([ 2., 12.])
    """
    if autocast_mode.active:  # See NOTE [ How autocast reaches the ops ]
        return autocast_mode.dispatch("prod", prod, input, dim, keepdim, dtype=dtype, out=out)
    if dim is not None:
        dim = _wrap_single_dim(dim, input._data.ndim, "prod")
        if input._data.ndim == 0:
            dim = None
    out_tensor = Prod.apply(input, dim, keepdim, _accumulation_dtype(input, dtype))
    return out_tensor if out is None else _write(out, out_tensor)


# -- max and min --------------------------------------------------------------------------

class Amax(Op):
    """y = max of x over dims;  grad_x = g split evenly among the elements equal to y."""

    reduce = "max"

    @staticmethod
    def forward(ctx, x, dims, keepdim):
        ctx.dims, ctx.keepdim = dims, keepdim
        xp = ctx.xp
        y = xp.asarray(getattr(xp, ctx._op.reduce)(x, axis=dims, keepdims=keepdim))
        ctx.save_for_backward(x, y)
        return y

    @staticmethod
    def backward(ctx, grad):
        x, y = ctx.saved_tensors
        return _split_evenly(grad, x, y, ctx.dims, ctx.keepdim), None, None


class Amin(Amax):
    """y = min of x over dims;  grad_x = g split evenly among the elements equal to y."""

    reduce = "min"


class Max(SelectAlong):
    """max(x, dim): the values picked at the argmax;  grad_x = g put back at the indices."""


class Min(SelectAlong):
    """min(x, dim): the values picked at the argmin;  grad_x = g put back at the indices."""


def amax(input, dim=(), keepdim=False, *, out=None):
    """Largest value over `dim` (all dims when empty); NaN propagates.

    Ties share the gradient evenly, as torch.

    Example:
        >>> ember.tensor([[1., 5.], [3., 2.]]).amax(1)
        tensor([5., 3.])
    """
    return _reduce_extremum(Amax, "amax", input, dim, keepdim, out)


def amin(input, dim=(), keepdim=False, *, out=None):
    """Smallest value over `dim` (all dims when empty); NaN propagates."""
    return _reduce_extremum(Amin, "amin", input, dim, keepdim, out)


def _reduce_extremum(op, op_name, input, dim, keepdim, out):
    if input._data.dtype.kind == "c":
        raise _dtype.unordered(op_name, input.dtype)
    dim_given = dim is not None and not (isinstance(dim, (tuple, list)) and not dim)
    dims = _reduce_dims(dim, input._data.ndim, op_name)
    _check_nonempty(op_name, input, dims, dim_given, RuntimeError)
    result = op.apply(input, dims, keepdim)
    return result if out is None else write_exact(out, result, op_name, (input,))


def _select_extremum(op, op_name, input, dim, keepdim, out):
    """max/min with a dim: return_types.max(values, indices)."""
    ndim = input._data.ndim
    dim = _wrap_single_dim(dim, ndim, op_name)
    dims = (dim,) if ndim else ()
    _check_nonempty(op_name, input, dims, True)
    xp = xp_of(input._data)
    if ndim == 0:
        index = xp.zeros((), _dtype.int64.np)
    else:
        pick = xp.argmax if op is Max else xp.argmin
        index = pick(input._data, axis=dim, keepdims=True).astype(_dtype.int64.np, copy=False)
    values = op.apply(input, index, dim, keepdim)
    indices = Tensor._make(index if keepdim or ndim == 0 else index.squeeze(dim))
    kind = return_types.max if op is Max else return_types.min
    return _write_pair(out, kind((values, indices)), (input,))


def max(input, dim=None, keepdim=False, *, other=None, out=None):
    """The largest element; with `dim`, (values, indices) along it; with a tensor, maximum.

    max(input) -> Tensor: ties share the gradient evenly.
    max(input, dim, keepdim=False) -> return_types.max(values, indices): the gradient goes to
    the returned index (the first of any ties).
    max(input, other) -> maximum(input, other).

    Example:
        >>> values, indices = ember.tensor([[1., 5.], [3., 2.]]).max(1)
        >>> values, indices
        (tensor([5., 3.]), tensor([1, 0]))
    """
    return _max_min(Max, Amax, "max", input, dim, keepdim, other, out)


def min(input, dim=None, keepdim=False, *, other=None, out=None):
    """The smallest element; with `dim`, (values, indices) along it; with a tensor, minimum.

    Example:
        >>> ember.tensor([[1., 5.], [3., 2.]]).min(1).indices
        tensor([0, 1])
    """
    return _max_min(Min, Amin, "min", input, dim, keepdim, other, out)


def _max_min(select_op, reduce_op, op_name, input, dim, keepdim, other, out):
    if other is None and isinstance(dim, Tensor):
        other = dim
    if other is not None:
        if not isinstance(other, Tensor):
            raise TypeError(f"{op_name}(): argument 'other' must be Tensor, not "
                            f"{type(other).__name__}")
        from .binary import maximum, minimum
        return (maximum if op_name == "max" else minimum)(input, other, out=out)
    if input._data.dtype.kind == "c":
        if dim is None:
            raise _dtype.unordered(op_name, input.dtype)
        raise _dtype.unordered(op_name, input.dtype,
                               f"{op_name}(): does not support complex input", RuntimeError)
    if dim is None:
        dims = tuple(builtins.range(input._data.ndim))
        _check_nonempty(op_name, input, dims, False, RuntimeError)
        result = named(reduce_op.apply(input, dims, keepdim),
                       "MaxBackward1" if op_name == "max" else "MinBackward1")
        return result if out is None else _write(out, result)
    if isinstance(dim, builtins.float):
        raise TypeError(f"{op_name}(): argument 'dim' must be int, not float")
    return _select_extremum(select_op, op_name, input, dim, keepdim, out)


def aminmax(input, *, dim=None, keepdim=False, out=None):
    """return_types.aminmax(min, max) over `dim` (all dims when None)."""
    if input._data.dtype.kind == "c":
        raise _dtype.unordered("aminmax", input.dtype)
    if dim is None:
        if input._data.size == 0:
            raise RuntimeError(
                "aminmax(): cannot compute aminmax over an empty dimension as the operation "
                "has no identity.")
        dims = tuple(builtins.range(input._data.ndim))
    else:
        dims = (_wrap_single_dim(dim, input._data.ndim, "aminmax"),)
        if input._data.ndim == 0:
            dims = ()
        _check_nonempty("aminmax", input, dims, True)
    result = return_types.aminmax((Amin.apply(input, dims, keepdim),
                                   Amax.apply(input, dims, keepdim)))
    return _write_pair(out, result, (input,))


def argmax(input, dim=None, keepdim=False, *, out=None):
    """Index of the largest element: over the flattened input when dim is None.

    Example:
        >>> ember.tensor([[1., 5.], [3., 2.]]).argmax()
        tensor(1)
    """
    return _arg_extremum("argmax", input, dim, keepdim, out)


def argmin(input, dim=None, keepdim=False, *, out=None):
    """Index of the smallest element: over the flattened input when dim is None."""
    return _arg_extremum("argmin", input, dim, keepdim, out)


def _arg_extremum(op_name, input, dim, keepdim, out):
    data = input._data
    if data.dtype == _dtype.bool.np:
        raise RuntimeError(f"{op_name}(): does not support bool input; convert it with "
                           f".int() first")
    if data.dtype.kind == "c":
        raise _dtype.unordered(op_name, input.dtype,
                               f"{op_name}(): does not support complex input", RuntimeError)
    xp = xp_of(data)
    ndim = data.ndim
    if dim is None:
        _check_nonempty(op_name, input, (), False)
        index = getattr(xp, op_name)(data.reshape(-1))
        shape = (1,) * ndim if keepdim else ()
        result = Tensor._make(xp.asarray(index, dtype=_dtype.int64.np).reshape(shape))
    else:
        dim = _wrap_single_dim(dim, ndim, op_name)
        if ndim == 0:
            result = Tensor._make(xp.zeros((), _dtype.int64.np))
        else:
            _check_nonempty(op_name, input, (dim,), True)
            index = getattr(xp, op_name)(data, axis=dim, keepdims=keepdim)
            result = Tensor._make(index.astype(_dtype.int64.np, copy=False))
    return result if out is None else write_exact(out, result, op_name, (input,))


# -- logsumexp and norms ------------------------------------------------------------------

class Logsumexp(Op):
    """y = log(sum exp(x)) over dims, computed as m + log(sum exp(x - m)), m = max x (of the
    real parts, for complex x);  grad_x = g * conj(exp(x - y)) (the softmax)."""

    @staticmethod
    def forward(ctx, x, dims, keepdim):
        xp = ctx.xp
        ctx.dims, ctx.keepdim = dims, keepdim
        if _count(x.shape, dims) == 0:
            y = xp.full(_reduced_shape(x.shape, dims, keepdim), -math.inf, x.dtype)
        else:
            real = x.real if x.dtype.kind == "c" else x
            largest = xp.max(real, axis=dims, keepdims=True)
            # an infinite max would give inf - inf = nan below
            largest = xp.where(xp.isinf(largest), 0, largest).astype(real.dtype, copy=False)
            total = xp.sum(xp.exp(x - largest), axis=dims, keepdims=True)
            y = xp.asarray(xp.log(total) + largest)
            if not keepdim:
                y = y.reshape(_reduced_shape(x.shape, dims, False))
        ctx.save_for_backward(x, y)
        return y

    @staticmethod
    def backward(ctx, grad):
        x, y = ctx.conj_saved_tensors
        grad = _unsqueeze_reduced(grad, x.shape, ctx.dims, ctx.keepdim)
        y = _unsqueeze_reduced(y, x.shape, ctx.dims, ctx.keepdim)
        return grad * (x - y).exp(), None, None


def logsumexp(input, dim, keepdim=False, *, out=None):
    """log(sum(exp(input))) over `dim`, without overflow; integer inputs become float.

    y = m + log(sum_i exp(x_i - m)),  m = max_i x_i

    Differs from PyTorch: an empty `dim` reduces every dim (torch raises).

    Example:
        >>> ember.tensor([0., 0.]).logsumexp(0)
        tensor(0.6931)
    """
    if autocast_mode.active:  # See NOTE [ How autocast reaches the ops ]
        return autocast_mode.dispatch("logsumexp", logsumexp, input, dim, keepdim, out=out)
    if dim is None:
        raise TypeError("logsumexp(): argument 'dim' must be tuple of ints, not NoneType")
    if input._data.dtype not in DIFFERENTIABLE_NP:
        input = input.to(_dtype.get_default_dtype())
    dims = _reduce_dims(dim, input._data.ndim, "logsumexp")
    result = Logsumexp.apply(input, dims, keepdim)
    return result if out is None else _write(out, result)


class Norm(Op):
    """Vector p-norm over dims: y = (sum |x|^p)^(1/p); p = inf: max |x|; p = 0: count of
    nonzeros. y is real for complex x.

    grad_x (torch's formulas, 0 where y = 0; sgn(x) = x / |x|, the sign of a real x):
        p = 1: g sgn(x);  p = 2: g x / y;  p = ±inf: g sgn(x) split among the |x| = y;
        p < 1: g sgn(x) |x|^(p-1) y^(1-p), 0 where x = 0;
        otherwise: g x |x|^(p-2) / y^(p-1).
    """

    node_name = "LinalgVectorNormBackward0"  # torch.norm is linalg.vector_norm

    @staticmethod
    def forward(ctx, x, p, dims, keepdim):
        xp = ctx.xp
        ctx.p, ctx.dims, ctx.keepdim = p, dims, keepdim
        wide = x.astype(_dtype.float32.np) if x.dtype in _HALF_NP else x
        size = xp.abs(wide)
        if p == 2:
            y = xp.sqrt(xp.sum(size * size, axis=dims, keepdims=keepdim))
        elif p == 1:
            y = xp.sum(size, axis=dims, keepdims=keepdim)
        elif p == math.inf:
            y = xp.max(size, axis=dims, keepdims=keepdim)
        elif p == -math.inf:
            y = xp.min(size, axis=dims, keepdims=keepdim)
        elif p == 0:
            y = xp.sum(size != 0, axis=dims, keepdims=keepdim)
        else:
            y = xp.sum(size ** p, axis=dims, keepdims=keepdim) ** (1.0 / p)
        y = xp.asarray(y).astype(_real_np(x.dtype), copy=False)
        ctx.save_for_backward(x, y)
        return y

    @staticmethod
    def backward(ctx, grad):
        x, y = ctx.saved_tensors
        p, dims = ctx.p, ctx.dims
        if p == 0:
            return None, None, None, None
        grad = _unsqueeze_reduced(grad, x.shape, dims, ctx.keepdim)
        y = _unsqueeze_reduced(y, x.shape, dims, ctx.keepdim)
        if p == 1:
            return grad * x.sgn(), None, None, None
        where = compare.where
        y_is_zero = y.eq(0)
        y_safe = where(y_is_zero, 1.0, y)
        if p == 2:
            return grad * where(y_is_zero, 0.0, x / y_safe), None, None, None
        size = x.abs()
        if math.isinf(p):
            hits = (size.eq(y) | size.isnan()).to(grad.dtype)
            return x.sgn() * (grad / hits.sum(dims, keepdim=True)) * hits, None, None, None
        x_is_zero = x.eq(0)
        size_safe = where(x_is_zero, 1.0, size)
        if p < 1:
            scaled = x.sgn() * where(x_is_zero, 0.0, size_safe.pow(p - 1))
            return scaled * grad * y.pow(1 - p), None, None, None
        scale = where(y_is_zero, 0.0, grad / y_safe.pow(p - 1))
        if p < 2:
            return x.sgn() * size.pow(p - 1) * scale, None, None, None
        return x * size.pow(p - 2) * scale, None, None, None


def norm(input, p="fro", dim=None, keepdim=False, out=None, dtype=None):
    """The vector p-norm over `dim` (all elements when None); p='fro' is the 2-norm.

    y = (sum_i |x_i|^p)^(1/p);  p=inf: max |x_i|;  p=-inf: min |x_i|;  p=0: count of x_i != 0

    The gradient at a zero norm is 0 (torch's convention), not nan.

    p='nuc' is the nuclear norm (sum of singular values) over the two dims of `dim`.

    Example:
        >>> ember.tensor([3., 4.]).norm()
        tensor(5.)
    """
    if autocast_mode.active:  # See NOTE [ How autocast reaches the ops ]
        return autocast_mode.dispatch("norm", norm, input, p, dim, keepdim, out=out, dtype=dtype)
    if dtype is not None:
        input = input.to(dtype)
    if input._data.dtype not in DIFFERENTIABLE_NP:
        raise RuntimeError(
            f"linalg.vector_norm: Expected a floating point or complex tensor as input. Got "
            f"{input.dtype.name.capitalize()}")
    if isinstance(dim, builtins.int):
        dim = (dim,)
    if p is None or isinstance(p, str):
        if p == "nuc":  # a matrix norm: over the last two dims when dim is None
            from ..linalg import matrix_norm  # (linalg sits above ops)
            return matrix_norm(input, "nuc", (-2, -1) if dim is None else dim, keepdim,
                               out=out)
        if p not in (None, "fro"):
            raise RuntimeError(f"linalg.matrix_norm: Order {p} not supported.")
        if dim is not None and len(dim) > 2:
            raise RuntimeError(
                f"linalg.matrix_norm: dim must be a 2-tuple. Got {' '.join(map(str, dim))}")
        p = 2
    p = builtins.float(p)
    dims = _reduce_dims(dim, input._data.ndim, "norm")
    if math.isinf(p) and _count(input._data.shape, dims) == 0:
        raise RuntimeError(
            f"linalg.vector_norm cannot compute the {p} norm on an empty tensor because the "
            f"operation does not have an identity")
    result = Norm.apply(input, p, dims, keepdim)
    return result if out is None else _write(out, result)


def norm_except_dim(v, pow=2, dim=0):
    """The `pow`-norm of each slice of `v` along `dim`, shaped to broadcast against `v`
    (size 1 everywhere but `dim`); dim=-1 means the norm of the whole tensor, as a 0-d tensor.

    The magnitude `g` of weight normalisation. dim=-1 is torch's quirk: "no dim", not the
    last dim.

    Example:
        >>> ember.norm_except_dim(ember.tensor([[3., 4.], [0., 1.]]), 2, 0)
        tensor([[5.],
                [1.]])
    """
    if dim == -1:
        return v.norm(pow)
    dim = wrap_dim(dim, v.ndim)
    output_shape = [1] * v.ndim
    output_shape[dim] = v.shape[dim]
    rows = v.movedim(dim, 0).reshape(v.shape[dim], -1)  # (size along dim, everything else)
    return rows.norm(pow, 1).reshape(output_shape)


def _weight_norm(v, g, dim=0):
    """w = g * v / ||v||, the norm taken over every dim but `dim` (norm_except_dim).

    Composite: torch fuses it for dim 0 and the last dim; the gradients agree.

    Example:
        >>> ember._weight_norm(ember.tensor([[3., 4.]]), ember.tensor([[10.]]), 0)
        tensor([[6., 8.]])
    """
    return v * (g / norm_except_dim(v, 2, dim))


# -- truth and counting -------------------------------------------------------------------

class TruthReduce(Op):
    """all / any / count_nonzero over dims: no gradient."""

    differentiable = False

    @staticmethod
    def forward(ctx, x, dims, keepdim, name):
        xp = ctx.xp
        if name == "count_nonzero":
            return xp.asarray(xp.sum(x != 0, axis=dims, dtype=_dtype.int64.np))
        out = getattr(xp, name)(x, axis=dims, keepdims=keepdim)
        # torch keeps uint8 for uint8 inputs
        return xp.asarray(out, dtype=x.dtype if x.dtype == _dtype.uint8.np else bool)


def all(input, dim=None, keepdim=False, *, out=None):
    """True where every element over `dim` is nonzero (all dims when None).

    Example:
        >>> ember.tensor([[True, False], [True, True]]).all(1)
        tensor([False,  True])
    """
    dims = wrap_dims(dim, input._data.ndim, "all")
    result = TruthReduce.apply(input, dims, keepdim, "all")
    return result if out is None else _write(out, result)


def any(input, dim=None, keepdim=False, *, out=None):
    """True where some element over `dim` is nonzero (all dims when None)."""
    dims = wrap_dims(dim, input._data.ndim, "any")
    result = TruthReduce.apply(input, dims, keepdim, "any")
    return result if out is None else _write(out, result)


def count_nonzero(input, dim=None):
    """Number of nonzero elements over `dim` (all dims when None), as int64.

    Example:
        >>> ember.tensor([[0., 1.], [2., 3.]]).count_nonzero(0)
        tensor([1, 2])
    """
    dims = _reduce_dims(dim, input._data.ndim, "count_nonzero")
    return TruthReduce.apply(input, dims, False, "count_nonzero")


# -- Tensor methods -----------------------------------------------------------------------

for _name in ("sum", "mean", "var", "std", "prod", "max", "min", "amax", "amin", "aminmax",
              "argmax", "argmin", "logsumexp", "all", "any", "count_nonzero", "nansum",
              "nanmean"):
    setattr(Tensor, _name, globals()[_name])


def _norm_method(self, p="fro", dim=None, keepdim=False, dtype=None):
    return norm(self, p, dim, keepdim, dtype=dtype)  # Tensor.norm has no `out`


_norm_method.__name__ = _norm_method.__qualname__ = "norm"
_norm_method.__doc__ = norm.__doc__
Tensor.norm = _norm_method
