"""Sorting and searching: sort, argsort, msort, topk, kthvalue, median, nanmedian, mode,
quantile, nanquantile, unique, unique_consecutive, searchsorted, bucketize.

Each op finds its indices on arrays (a stable argsort underneath; topk and kthvalue run torch's
own selection algorithms where they are compiled, so that equal values are chosen as torch
chooses them), then picks the values with reduce.SelectAlong, whose gradient puts g back at
those indices. NaN sorts as the largest
value, as in torch. unique, searchsorted and bucketize have no gradient.
"""
import builtins
import math

import numpy as np

from .. import _dtype
from .. import return_types
from .._dtype import FLOAT_NP
from .._tensor import Tensor
from ..autograd.function import Op
from ..backend import fused, xp_of
from ._dims import wrap_dim
from ._out import write_exact
from .reduce import (SelectAlong, _check_nonempty, _position_index, _positions, _split_evenly,
                     _write, _write_pair)

__all__ = [
    "sort", "argsort", "msort", "topk", "kthvalue", "median", "nanmedian", "mode", "unique",
    "unique_consecutive", "searchsorted", "bucketize", "quantile", "nanquantile",
]

_INT64 = _dtype.int64.np


# -- shared machinery ---------------------------------------------------------------------

def _argsort(xp, x, dim, descending):
    """Stable argsort along dim (int64). Descending keeps equal elements in their original
    order and puts NaN first: it sorts the reversed array, then reverses the result back."""
    if not descending:
        return xp.argsort(x, axis=dim, kind="stable").astype(_INT64, copy=False)
    flipped = xp.argsort(xp.flip(x, dim), axis=dim, kind="stable").astype(_INT64, copy=False)
    return (x.shape[dim] - 1) - xp.flip(flipped, dim)


def _as_torch_picks(xp, name, x, dim, *args):
    """The indices the compiled selection kernel `name` (backend/_selection.pyx: topk or
    kthvalue, with torch's choice among equal values) picks along dim, the picks in dim's
    place; None where there is no kernel or it declines."""
    kernel = fused(xp, name)
    if kernel is None or x.dtype.kind not in "fiuV" or x.dtype == np.uint64 or x.size == 0:
        return None
    moved = xp.moveaxis(x, dim, -1)
    wide = np.float64 if x.dtype.kind in "fV" else np.int64  # what torch compares in
    rows = xp.ascontiguousarray(moved.reshape(-1, moved.shape[-1]), dtype=wide)
    picks = kernel(rows, *args)
    if picks is None:
        return None
    return xp.moveaxis(picks.reshape(moved.shape[:-1] + (-1,)), -1, dim)


def _take(xp, array, index, dim):
    """array picked at index along dim (numpy's take_along_axis)."""
    return array[_positions(xp, index, dim)]


def _places(xp, shape, dim):
    """An int64 array of `shape` holding k at place k along dim."""
    return _position_index(xp, shape, dim, xp.arange(shape[dim], dtype=_INT64))


def _check_k(k, op_name):
    if not isinstance(k, builtins.int) or isinstance(k, builtins.bool):
        if not hasattr(k, "__index__"):
            raise TypeError(f"{op_name}(): argument 'k' (position 1) must be int, not "
                            f"{type(k).__name__}")
        k = k.__index__()
    return k


def _no_bool(input, op_name):
    if input._data.dtype == _dtype.bool.np:
        raise NotImplementedError(
            f'"{op_name}" not implemented for \'Bool\'; convert the input with .int() first')


def _no_complex(input, op_name, message=None, error=NotImplementedError):
    if input._data.dtype.kind == "c":
        raise _dtype.unordered(op_name, input.dtype, message, error)


def _pick(op, kind, input, index, dim, keepdim, out):
    """The (values, indices) pair of an op that picks one element per slice along dim."""
    values = op.apply(input, index, dim, keepdim)
    if not keepdim and index.ndim:
        index = index.squeeze(dim)
    return _write_pair(out, kind((values, Tensor._make(index))), (input,))


# -- sort, argsort, topk ------------------------------------------------------------------

_SORT_COMPLEX = "Sort does not support complex dtypes on CPU"


class Sort(SelectAlong):
    """y = x sorted along dim (the values picked at the argsort);  grad_x = g put back."""


class Topk(SelectAlong):
    """y = the k largest (or smallest) along dim;  grad_x = g put back at their indices."""


def sort(input, dim=-1, descending=False, *, stable=False, out=None):
    """Sort along `dim`: return_types.sort(values, indices); NaN sorts as the largest value.

    Differs from PyTorch: the sort is always stable (equal elements keep their order), so
    `stable` changes nothing.

    Example:
        >>> ember.tensor([3., 1., 2.]).sort()
        ember.return_types.sort(
        values=tensor([1., 2., 3.]),
        indices=tensor([1, 2, 0]))
    """
    _no_complex(input, "sort", _SORT_COMPLEX, RuntimeError)
    data = input._data
    xp = xp_of(data)
    dim = wrap_dim(dim, data.ndim, "sort")
    if data.ndim == 0:
        index = xp.zeros((), _INT64)
    else:
        index = _argsort(xp, data, dim, descending)
    values = Sort.apply(input, index, dim, True)
    return _write_pair(out, return_types.sort((values, Tensor._make(index))), (input,))


def argsort(input, dim=-1, descending=False, *, stable=False, out=None):
    """Indices that sort `input` along `dim` (stable; see sort).

    Example:
        >>> ember.tensor([3., 1., 2.]).argsort()
        tensor([1, 2, 0])
    """
    if out is not None:
        return write_exact(out, argsort(input, dim, descending), "argsort", (input,))
    _no_complex(input, "argsort", _SORT_COMPLEX, RuntimeError)
    data = input._data
    xp = xp_of(data)
    dim = wrap_dim(dim, data.ndim, "argsort")
    if data.ndim == 0:
        return Tensor._make(xp.zeros((), _INT64))
    return Tensor._make(_argsort(xp, data, dim, descending))


def msort(input, *, out=None):
    """input sorted along dim 0 (the values only)."""
    result = sort(input, 0).values
    return result if out is None else _write(out, result)


def topk(input, k, dim=-1, largest=True, sorted=True, *, out=None):
    """The k largest (largest=False: smallest) elements along `dim`, as
    return_types.topk(values, indices), in sorted order.

    Equal values are chosen and ordered as torch's CPU kernel does (the same selection
    algorithms, backend/_selection.pyx); where that C++ module was not built, and on a GPU,
    they keep their original order instead, and the result is sorted even with sorted=False.

    Example:
        >>> ember.tensor([1., 4., 2., 3.]).topk(2).values
        tensor([4., 3.])
    """
    data = input._data
    k = _check_k(k, "topk")
    dim = wrap_dim(dim, data.ndim, "topk")
    if data.dtype == _dtype.bool.np:
        raise RuntimeError("topk does not support bool dtypes; convert the input with .int()")
    _no_complex(input, "topk", "topk does not support complex dtypes on CPU", RuntimeError)
    size = data.shape[dim] if data.ndim else 1
    if not 0 <= k <= size:
        raise RuntimeError(f"selected index k out of range: topk(k={k}) along dim {dim} of "
                           f"size {size}")
    xp = xp_of(data)
    if data.ndim == 0:
        index = xp.zeros((), _INT64)
    else:
        index = _as_torch_picks(xp, "topk", data, dim, k, largest, sorted) if k else None
        if index is None:
            first_k = (builtins.slice(None),) * dim + (builtins.slice(0, k),)
            index = _argsort(xp, data, dim, largest)[first_k]
    values = Topk.apply(input, index, dim, True)
    return _write_pair(out, return_types.topk((values, Tensor._make(index))), (input,))


# -- order statistics: kthvalue, median, mode ---------------------------------------------

class Kthvalue(SelectAlong):
    """y = the k-th smallest along dim;  grad_x = g put back at its index."""


class Median(SelectAlong):
    """median(x, dim): the lower median along dim;  grad_x = g put back at its index."""


class Mode(SelectAlong):
    """mode(x, dim): the most frequent value along dim;  grad_x = g put back at its index."""


class MedianAll(Op):
    """y = the lower median of all elements (NaN if any is NaN; nanmedian skips NaNs);
    grad_x = g split evenly among the elements equal to y (torch's rule for ties)."""

    @staticmethod
    def forward(ctx, x, ignore_nan):
        xp = ctx.xp
        flat = xp.sort(x.reshape(-1))
        size = flat.size
        if size == 0:
            fill = math.nan if x.dtype in FLOAT_NP else xp.iinfo(x.dtype).min
            y = xp.full((), fill, x.dtype)
        else:
            nan_count = int(xp.isnan(flat).sum()) if x.dtype in FLOAT_NP else 0
            if ignore_nan:
                place = builtins.max(size - nan_count - 1, 0) // 2
            else:
                place = size - nan_count if nan_count else (size - 1) // 2
            y = flat[place:place + 1].reshape(())
        ctx.save_for_backward(x, y)
        return y

    @staticmethod
    def backward(ctx, grad):
        x, y = ctx.saved_tensors
        return _split_evenly(grad, x, y, tuple(builtins.range(x.ndim)), False), None


def kthvalue(input, k, dim=-1, keepdim=False, *, out=None):
    """The k-th smallest element along `dim` (k counts from 1), as
    return_types.kthvalue(values, indices).

    Example:
        >>> ember.tensor([3., 1., 2.]).kthvalue(2)
        ember.return_types.kthvalue(
        values=tensor(2.),
        indices=tensor(2))
    """
    data = input._data
    k = _check_k(k, "kthvalue")
    dim = wrap_dim(dim, data.ndim, "kthvalue")
    _no_bool(input, "kthvalue")
    _no_complex(input, "kthvalue")
    _check_nonempty("kthvalue", input, (dim,) if data.ndim else (), True)
    size = data.shape[dim] if data.ndim else 1
    if not 1 <= k <= size:
        raise RuntimeError(f"kthvalue(): selected number k out of range for dimension {dim}: "
                           f"k={k}, size {size}")
    xp = xp_of(data)
    if data.ndim == 0:
        index = xp.zeros((), _INT64)
    else:
        index = _as_torch_picks(xp, "kthvalue", data, dim, k)
        if index is None:
            kth = (builtins.slice(None),) * dim + (builtins.slice(k - 1, k),)
            index = _argsort(xp, data, dim, False)[kth]
    return _pick(Kthvalue, return_types.kthvalue, input, index, dim, keepdim, out)


def _median_along(input, dim, keepdim, out, ignore_nan):
    op_name = "nanmedian" if ignore_nan else "median"
    data = input._data
    dim = wrap_dim(dim, data.ndim, op_name)
    _no_bool(input, op_name)
    _no_complex(input, op_name)
    _check_nonempty(op_name, input, (dim,) if data.ndim else (), True)
    xp = xp_of(data)
    kind = return_types.nanmedian if ignore_nan else return_types.median
    if data.ndim == 0:
        return _pick(Median, kind, input, xp.zeros((), _INT64), dim, keepdim, out)
    order = _argsort(xp, data, dim, False)
    size = data.shape[dim]
    if data.dtype in FLOAT_NP:
        nan_count = xp.isnan(data).sum(axis=dim, keepdims=True)
    else:
        nan_count = xp.zeros(data.shape[:dim] + (1,) + data.shape[dim + 1:], _INT64)
    if ignore_nan:  # the lower median of the non-NaN values (place 0, a NaN, if none)
        place = xp.maximum(size - nan_count - 1, 0) // 2
    else:  # NaN sorts last: the first NaN, if any
        place = xp.where(nan_count > 0, size - nan_count, (size - 1) // 2)
    index = _take(xp, order, place.astype(_INT64, copy=False), dim)
    return _pick(Median, kind, input, index, dim, keepdim, out)


def median(input, dim=None, keepdim=False, *, out=None):
    """The lower median of all elements, or with `dim`, return_types.median(values, indices)
    along it; NaN if a NaN is present.

    For an even count this is the lower of the two middle values, as torch (not their mean).

    Example:
        >>> ember.tensor([4., 1., 3., 2.]).median()
        tensor(2.)
    """
    if dim is None:
        _no_bool(input, "median")
        _no_complex(input, "median")
        result = MedianAll.apply(input, False)
        return result if out is None else _write(out, result)
    return _median_along(input, dim, keepdim, out, False)


def nanmedian(input, dim=None, keepdim=False, *, out=None):
    """median, ignoring NaNs (NaN only where every element is NaN)."""
    if dim is None:
        _no_bool(input, "nanmedian")
        _no_complex(input, "nanmedian")
        result = MedianAll.apply(input, True)
        return result if out is None else _write(out, result)
    return _median_along(input, dim, keepdim, out, True)


def mode(input, dim=-1, keepdim=False, *, out=None):
    """The most frequent value along `dim` (the smallest among equally frequent ones) and the
    index of its last occurrence, as return_types.mode(values, indices).

    Example:
        >>> ember.tensor([1., 3., 3., 2.]).mode()
        ember.return_types.mode(
        values=tensor(3.),
        indices=tensor(2))
    """
    _no_complex(input, "mode")
    data = input._data
    dim = wrap_dim(dim, data.ndim, "mode")
    _check_nonempty("mode", input, (dim,) if data.ndim else (), True)
    xp = xp_of(data)
    if data.ndim == 0:
        return _pick(Mode, return_types.mode, input, xp.zeros((), _INT64), dim, keepdim, out)
    order = _argsort(xp, data, dim, False)
    ordered = _take(xp, data, order, dim)
    # In sorted order, a run of equal values starts where a value differs from the previous
    # one; the running length of a run peaks at its last element, and argmax finds the
    # first (smallest-valued) longest run.
    head = (builtins.slice(None),) * dim
    first = xp.ones(data.shape[:dim] + (1,) + data.shape[dim + 1:], dtype=bool)
    starts = xp.concatenate(
        [first, ordered[head + (builtins.slice(1, None),)] != ordered[head + (
            builtins.slice(None, -1),)]], axis=dim)
    places = _places(xp, data.shape, dim)
    run_start = xp.maximum.accumulate(xp.where(starts, places, 0), axis=dim)
    longest = xp.argmax(places - run_start, axis=dim, keepdims=True)
    index = _take(xp, order, longest.astype(_INT64, copy=False), dim)
    return _pick(Mode, return_types.mode, input, index, dim, keepdim, out)


# -- quantiles ----------------------------------------------------------------------------

_INTERPOLATIONS = ("linear", "lower", "higher", "midpoint", "nearest")


def _quantile(op_name, input, q, dim, keepdim, interpolation, out, ignore_nan):
    """quantile and nanquantile: sort (NaN last), then pick, and blend, the values at rank
    q * (count - 1), count being the slice's length (nanquantile: its non-NaN elements)."""
    if input._data.dtype not in (_dtype.float32.np, _dtype.float64.np):
        raise RuntimeError(f"{op_name}() input tensor must be either float or double dtype "
                           f"(got {input.dtype})")
    if input._data.size == 0:
        raise RuntimeError(f"{op_name}() input tensor must be non-empty")
    if interpolation not in _INTERPOLATIONS:
        raise RuntimeError(f"{op_name}() interpolation must be one of linear, lower, higher, "
                           f"midpoint or nearest. Got {interpolation}")
    if isinstance(q, Tensor):
        if q.dim() > 1:
            raise RuntimeError(f"{op_name}() q must be a scalar or 1D tensor (got shape "
                               f"{list(q.shape)})")
        if q.dtype is not input.dtype:
            raise RuntimeError(f"{op_name}() q tensor must be same dtype as the input tensor "
                               f"(got {q.dtype} and {input.dtype})")
        q_values = q.detach()
    else:
        q_values = Tensor._make(xp_of(input._data).asarray(q, dtype=input._data.dtype))
    q_data = q_values._data
    if bool(((q_data < 0) | (q_data > 1)).any()):
        raise RuntimeError(f"{op_name}() q values must be in the range [0, 1]")
    if dim is None:
        ordered = sort(input.reshape(-1)).values                     # (n,)
    else:
        dim = wrap_dim(dim, input.dim(), op_name)
        ordered = sort(input, dim).values.movedim(dim, -1) if input.dim() else input.reshape(1)
    count = ordered.shape[-1]
    nan = ordered.isnan()
    if ignore_nan:
        count = (~nan).sum(-1, keepdim=True)                          # (..., 1)
    ranks = q_values.reshape(-1) * (count - 1)                         # (..., Q)
    ranks = ranks.expand(ordered.shape[:-1] + ranks.shape[-1:])
    if interpolation == "nearest":
        ranks = ranks.round()  # halves to even, as torch
    below = ranks.floor().clamp_min(0).long()
    above = ranks.ceil().clamp(0, ordered.shape[-1] - 1).long()
    low, high = ordered.gather(-1, below), ordered.gather(-1, above)
    if interpolation in ("lower", "nearest"):
        result = low
    elif interpolation == "higher":
        result = high
    else:
        weight = 0.5 if interpolation == "midpoint" else ranks - below
        result = low.lerp(high, weight)
    if ignore_nan:
        result = result.masked_fill(count == 0, math.nan)
    else:
        result = result.masked_fill(nan[..., -1:], math.nan)          # any NaN: NaN
    if dim is None or input.dim() == 0:
        shape = (1,) * input.dim() if keepdim else ()
    else:
        shape = input.shape[:dim] + ((1,) if keepdim else ()) + input.shape[dim + 1:]
    if q_data.ndim == 1:
        result = result.movedim(-1, 0).reshape((q_data.size,) + tuple(shape))
    else:
        result = result.reshape(shape)
    return result if out is None else _write(out, result)


def quantile(input, q, dim=None, keepdim=False, *, interpolation="linear", out=None):
    """The q-th quantiles of all elements, or along `dim`: the value at rank q * (n - 1) of
    the sorted slice, blended between its neighbours by `interpolation` ('linear', 'lower',
    'higher', 'midpoint', 'nearest'); NaN where a slice holds a NaN.

    Args:
        q: a float in [0, 1], or a 1-D tensor of them (its dim comes first in the result).

    Example:
        >>> ember.quantile(ember.tensor([1., 2., 3., 4.]), 0.5)
        tensor(2.5000)
    """
    return _quantile("quantile", input, q, dim, keepdim, interpolation, out, False)


def nanquantile(input, q, dim=None, keepdim=False, *, interpolation="linear", out=None):
    """quantile, ignoring NaNs (NaN only where a slice is all NaN)."""
    return _quantile("nanquantile", input, q, dim, keepdim, interpolation, out, True)


# -- unique -------------------------------------------------------------------------------

def _runs(xp, rows):
    """For rows (n, m) already grouped: where each run of equal rows starts (bool (n,)).
    NaN differs from everything, itself included, as in torch."""
    starts = xp.ones(rows.shape[0], dtype=bool)
    if rows.shape[0] > 1:
        starts[1:] = (rows[1:] != rows[:-1]).any(axis=1)
    return starts


def _unique_rows(xp, rows, sort_rows):
    """(order, starts): the permutation that groups equal rows, and where the groups start."""
    if sort_rows and rows.shape[0]:
        if rows.shape[1] == 1:
            order = xp.argsort(rows[:, 0], kind="stable")
        else:
            order = xp.lexsort(rows.T[::-1])  # the last key is the primary one
        rows = rows[order]
    else:
        order = xp.arange(rows.shape[0])
    return order.astype(_INT64, copy=False), _runs(xp, rows)


def _unique(op_name, input, sort_rows, return_inverse, return_counts, dim):
    _no_complex(input, "unique")
    data = input._data
    xp = xp_of(data)
    if dim is None:
        moved = data.reshape(-1)
        rows = moved.reshape(-1, 1)
    else:
        if data.ndim == 0:
            raise IndexError(f"{op_name}(): Dimension specified as {dim} but tensor has no "
                             f"dimensions")
        dim = wrap_dim(dim, data.ndim, op_name)
        if builtins.any(s == 0 for i, s in enumerate(data.shape) if i != dim):
            raise RuntimeError(
                f"{op_name}(): There are 0 sized dimensions, and they aren't selected, so "
                f"unique cannot be applied (shape {list(data.shape)}, dim={dim})")
        moved = xp.moveaxis(data, dim, 0)
        rows = moved.reshape(moved.shape[0], math.prod(moved.shape[1:]))
    order, starts = _unique_rows(xp, rows, sort_rows)
    chosen = order[starts]
    values = moved[chosen]
    if dim is not None:
        values = xp.moveaxis(values, 0, dim)
    results = [Tensor._make(xp.ascontiguousarray(values))]
    if return_inverse:
        inverse = xp.empty(rows.shape[0], _INT64)
        inverse[order] = xp.cumsum(starts) - 1
        results.append(Tensor._make(inverse.reshape(data.shape) if dim is None else inverse))
    if return_counts:
        begins = xp.nonzero(starts)[0].astype(_INT64, copy=False)
        ends = xp.concatenate([begins[1:], xp.asarray([rows.shape[0]], dtype=_INT64)])
        results.append(Tensor._make(ends[:begins.size] - begins))
    return results[0] if len(results) == 1 else tuple(results)


def unique(input, sorted=True, return_inverse=False, return_counts=False, dim=None):
    """The distinct elements (or, with `dim`, the distinct slices along dim), sorted;
    optionally where each input element went (inverse) and how often each occurs (counts).

    Returns a Tensor, or a tuple (output, inverse?, counts?) of the parts asked for.

    Differs from PyTorch: the output is sorted even when sorted=False, and it never requires
    grad (torch records a node whose backward raises).

    Example:
        >>> ember.unique(ember.tensor([3, 1, 3, 2]), return_counts=True)
        (tensor([1, 2, 3]), tensor([1, 1, 2]))
    """
    return _unique("unique", input, True, return_inverse, return_counts, dim)


def unique_consecutive(input, return_inverse=False, return_counts=False, dim=None):
    """Collapse each run of equal consecutive elements (or slices along `dim`) into one.

    Example:
        >>> ember.unique_consecutive(ember.tensor([1, 1, 2, 1]))
        tensor([1, 2, 1])
    """
    return _unique("unique_consecutive", input, False, return_inverse, return_counts, dim)


# -- searching ----------------------------------------------------------------------------

def searchsorted(sorted_sequence, input, *, out_int32=False, right=False, side=None,
                 sorter=None, out=None):
    """Where each value of `input` would go in `sorted_sequence` (along its last dim) to keep
    it sorted: the first such place, or the last when right=True (side='right').

    Example:
        >>> ember.searchsorted(ember.tensor([1, 3, 5]), ember.tensor([3, 4]))
        tensor([1, 2])
    """
    if side is not None:
        if side not in ("left", "right"):
            raise RuntimeError(f"torch.searchsorted(): side can only be 'left' or 'right' but "
                               f"got {side}")
        if right and side == "left":
            raise RuntimeError("torch.searchsorted(): side and right can't be set to "
                               "opposites, got side of left while right was True")
        right = side == "right"
    boundaries = sorted_sequence._data
    xp = xp_of(boundaries)
    values = input._data if isinstance(input, Tensor) else xp.asarray(input)
    for tensor in (sorted_sequence, input):
        if isinstance(tensor, Tensor):
            _no_complex(tensor, "searchsorted")
    if boundaries.ndim == 0:
        raise RuntimeError("torch.searchsorted(): boundaries tensor should have positive "
                           "dimension, but got 0 dimension")
    if sorter is not None:
        boundaries = xp.take_along_axis(boundaries, sorter._data, axis=-1)
    side = "right" if right else "left"
    if boundaries.ndim == 1:
        result = xp.searchsorted(boundaries, values, side=side)
    else:
        if values.ndim == 0 or boundaries.shape[:-1] != values.shape[:-1]:
            raise RuntimeError(
                f"torch.searchsorted(): boundaries tensor should be 1 dimension or the first "
                f"N-1 dimensions of boundaries tensor and input value tensor must match, but "
                f"we got boundaries tensor {list(boundaries.shape)} and input value tensor "
                f"{list(values.shape)}")
        count = math.prod(values.shape[:-1])  # (not -1: either may be empty)
        rows = boundaries.reshape(count, boundaries.shape[-1])
        queries = values.reshape(count, values.shape[-1])
        result = xp.zeros(values.shape, _INT64)
        for i, (row, query) in enumerate(zip(rows, queries)):
            result.reshape(count, values.shape[-1])[i] = xp.searchsorted(row, query, side=side)
    dtype = _dtype.int32.np if out_int32 else _INT64
    result = Tensor._make(xp.asarray(result).astype(dtype, copy=False))
    return result if out is None else _write(out, result)


def bucketize(input, boundaries, *, out_int32=False, right=False, out=None):
    """The bucket of each value of `input` among the 1-D sorted `boundaries`: i with
    boundaries[i-1] < x <= boundaries[i] (right=True: boundaries[i-1] <= x < boundaries[i]).

    Example:
        >>> ember.bucketize(ember.tensor([1, 4, 9]), ember.tensor([2, 4, 8]))
        tensor([0, 1, 3])
    """
    if boundaries._data.ndim != 1:
        raise RuntimeError(f"boundaries tensor must be 1 dimension, but got dim("
                           f"{boundaries._data.ndim})")
    return searchsorted(boundaries, input, out_int32=out_int32, right=right, out=out)


# -- Tensor methods -----------------------------------------------------------------------

for _name in ("sort", "argsort", "msort", "topk", "kthvalue", "median", "nanmedian", "mode",
              "unique", "unique_consecutive", "quantile", "nanquantile"):
    setattr(Tensor, _name, globals()[_name])
