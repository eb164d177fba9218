"""Writing values into part of a tensor: the *_scatter functions (a copy of input with src
in one of its views), index_reduce, and fill_diagonal_.

The view-scatters are composites of the view ops in shape.py and their adjoints
(SliceScatter, DiagonalScatter): out = where(mask, embedded src, input), where `embedded
src` is src placed in a zero tensor and `mask` marks the view's elements. Their gradients
follow from those ops: grad_input = g outside the view, grad_src = g's view.
"""
from .. import _dtype
from .._tensor import Tensor
from ..backend import xp_of
from ._dims import wrap_dim
from ._inplace import apply_inplace, inplace_method
from ._out import write_exact
from .compare import where
from .index import IndexPut, ScatterReduce, _check_source, _check_range, _dim_index, _on_scalar
from .shape import DiagonalScatter, SliceScatter, _diagonal_of, diagonal, select

__all__ = ["diagonal_scatter", "select_scatter", "slice_scatter", "index_reduce"]


def _check_src(src, view_shape):
    if src._data.shape != view_shape:
        raise RuntimeError(
            f"expected src to have a size equal to the slice of self. src size = "
            f"{list(src.shape)}, slice size = {list(view_shape)}")


def _as_dtype(src, input):
    return src if src._data.dtype is input._data.dtype else src.to(input.dtype)


def _slice_into(input, src, key):
    """input with src written at the basic key."""
    xp = xp_of(input._data)
    mask = xp.zeros(input._data.shape, bool)
    mask[key] = True
    embedded = SliceScatter.apply(_as_dtype(src, input), input._data.shape, key)
    return where(Tensor._make(mask), embedded, input)


def diagonal_scatter(input, src, offset=0, dim1=0, dim2=1):
    """A copy of input with src as its diagonal(offset, dim1, dim2).

    Example:
        >>> ember.diagonal_scatter(ember.zeros(2, 3), ember.ones(2), 1)
        tensor([[0., 1., 0.],
                [0., 0., 1.]])
    """
    _check_src(src, diagonal(input, offset, dim1, dim2)._data.shape)  # diagonal checks dims
    ndim = input._data.ndim
    dim1, dim2 = wrap_dim(dim1, ndim, "diagonal"), wrap_dim(dim2, ndim, "diagonal")
    xp = xp_of(input._data)
    mask = xp.zeros(input._data.shape, bool)
    _diagonal_of(xp, mask, offset, dim1, dim2)[...] = True
    embedded = DiagonalScatter.apply(_as_dtype(src, input), input._data.shape, offset, dim1,
                                     dim2)
    return where(Tensor._make(mask), embedded, input)


def select_scatter(input, src, dim, index):
    """A copy of input with src as its select(dim, index).

    Example:
        >>> ember.select_scatter(ember.zeros(2, 2), ember.ones(2), 0, 0)
        tensor([[1., 1.],
                [0., 0.]])
    """
    _check_src(src, select(input, dim, index)._data.shape)  # select checks dim and index
    dim = wrap_dim(dim, input._data.ndim, "select")
    index = index.__index__() % input._data.shape[dim]
    return _slice_into(input, src, (slice(None),) * dim + (index, Ellipsis))


def slice_scatter(input, src, dim=0, start=None, end=None, step=1, *, out=None):
    """A copy of input with src as its elements start:end:step along dim.

    Example:
        >>> ember.slice_scatter(ember.zeros(4), ember.ones(2), start=1, step=2)
        tensor([0., 1., 0., 1.])
    """
    if out is not None:
        return write_exact(out, slice_scatter(input, src, dim, start, end, step),
                           "slice_scatter", (input, src))
    if step <= 0:
        raise RuntimeError("slice step must be positive")
    dim = wrap_dim(dim, input._data.ndim, "slice_scatter")
    key = (slice(None),) * dim + (slice(start, end, step), Ellipsis)
    _check_src(src, input._data[key].shape)
    return _slice_into(input, src, key)


def index_reduce(input, dim, index, source, reduce, *, include_self=True, out=None):
    """out = input with each slice source[..., i, ...] combined by `reduce` ("prod", "mean",
    "amax" or "amin") into out[..., index[i], ...] along dim; include_self=False leaves
    input's own values out of the slices that receive any.

    Gradients are torch's (those of scatter_reduce): mean divides g by the counts, prod by
    the other factors, amax/amin split g evenly between tied extremes.

    Example:
        >>> x = ember.ones(3)
        >>> x.index_reduce(0, ember.tensor([0, 0, 2]), ember.tensor([2., 3., 4.]), "prod")
        tensor([6., 1., 4.])
    """
    if out is not None:
        result = index_reduce(input, dim, index, source, reduce, include_self=include_self)
        return write_exact(out, result, "index_reduce", (input, index, source))
    if reduce not in ("prod", "mean", "amax", "amin"):
        raise RuntimeError(f"index_reduce(): Expected reduce to be one of prod, mean, amax or "
                           f"amin but got {reduce}.")
    if input._data.ndim == 0:
        return _on_scalar(index_reduce, "index_reduce", input, dim, index, source, reduce,
                          include_self=include_self)
    if reduce in ("amax", "amin") and input._data.dtype.kind == "c":
        raise _dtype.unordered(f"index_reduce_{reduce}", input.dtype)
    dim, key = _dim_index("index_reduce", input, dim, index)
    _check_source("index_reduce", input, dim, index, source)
    _check_range(key[-1], input._data.shape[dim], dim, negative_ok=False)
    return ScatterReduce.apply(input, source, key, reduce, include_self)


# -- fill_diagonal_ ---------------------------------------------------------------------------

def _filled_diagonal(input, fill_value, wrap):
    """A copy of input with fill_value on its main diagonal, where fill_diagonal_ writes it:
    input[i, i, ..., i]; with wrap, a tall matrix's diagonal restarts every width + 1 rows
    (the positions k * (width + 1) of its flattened elements)."""
    shape = input._data.shape
    if len(shape) < 2:
        raise RuntimeError("dimensions must larger than 1")
    if len(shape) > 2 and any(size != shape[0] for size in shape):
        raise RuntimeError("all dimensions of input must be of equal length")
    fill_value = _dtype.real_number(fill_value, input.dtype)
    xp = xp_of(input._data)
    height, width = shape[0], shape[1]
    positions = xp.arange(min(height, width))
    key = (positions,) * len(shape)
    if wrap and len(shape) == 2 and height > width + 1:
        flat = xp.arange(0, height * width, width + 1)
        key = (flat // width, flat % width)
    return IndexPut.apply(input, fill_value, key, False, None)


def fill_diagonal_(self, fill_value, wrap=False):
    """Fill the main diagonal of self (2-D, or all dims of equal length) with fill_value, in
    place; with wrap, a tall matrix's diagonal starts again below each square block.

    Example:
        >>> ember.zeros(3, 2).fill_diagonal_(1.0)
        tensor([[1., 0.],
                [0., 1.],
                [0., 0.]])
    """
    return apply_inplace(self, _filled_diagonal, (fill_value, wrap), {}, "fill_diagonal_")


# -- Tensor methods ---------------------------------------------------------------------------

for _name in ("diagonal_scatter", "select_scatter", "slice_scatter", "index_reduce"):
    setattr(Tensor, _name, globals()[_name])
Tensor.index_reduce_ = inplace_method(index_reduce, "index_reduce_")
Tensor.fill_diagonal_ = fill_diagonal_
