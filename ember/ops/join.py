"""Joining and splitting (cat, stack, hstack ..., split, chunk, tensor_split, unbind), grids
(meshgrid, cartesian_prod), and rearranging copies (flip, roll, rot90, repeat, tile,
repeat_interleave, tril, triu).

The pieces of split, chunk, tensor_split and unbind are views of their input, marked with
shape.py's helpers so that an in-place change through one reaches the input's graph; every
other op here returns a new tensor.
"""
import builtins
import warnings

from .. import _dtype
from .._tensor import Tensor
from ..autograd.function import Op, named
from ..backend import xp_of
from ._dims import wrap_dim
from ._inplace import inplace_method
from ._out import check_no_overlap, write_exact
from .shape import _mark_view, _shape_args, narrow, reshape, select, sizes_from, transpose

# the public names (torch.*); repeat is a Tensor method
__all__ = [
    "split", "chunk", "tensor_split", "unbind", "cat", "concat", "concatenate", "stack", "hstack",
    "vstack", "row_stack", "dstack", "column_stack", "flip", "fliplr", "flipud", "roll", "rot90",
    "tile", "repeat_interleave", "tril", "triu", "atleast_1d", "atleast_2d", "atleast_3d",
    "meshgrid", "cartesian_prod",
]


# -- joining ------------------------------------------------------------------------------

def _tensor_list(tensors, op_name):
    if not isinstance(tensors, (tuple, list)):
        raise TypeError(f"{op_name}(): argument 'tensors' (position 1) must be tuple of "
                        f"Tensors, not {type(tensors).__name__}")
    for index, tensor in enumerate(tensors):
        if type(tensor) is not Tensor and not isinstance(tensor, Tensor):
            raise TypeError(f"expected Tensor as element {index} in argument 0, but got "
                            f"{type(tensor).__name__}")
    return tensors


def _promoted(tensors):
    """All tensors cast to their common dtype, as torch's cat and stack do."""
    first = tensors[0]._data.dtype
    if builtins.all(t._data.dtype is first for t in tensors):
        return tensors
    dtype = tensors[0].dtype
    for tensor in tensors[1:]:
        dtype = _dtype.promote_types(dtype, tensor.dtype)
    return [t if t._data.dtype is dtype.np else t.to(dtype) for t in tensors]


def _skipped_by_cat(shape):
    # torch's legacy rule: 1-D empty tensors may join tensors of any shape
    return len(shape) == 1 and shape[0] == 0


class Cat(Op):
    """y = x0, x1, ... joined along dim (leaving out those `skipped`);  grad_xi = the slice
    of g that xi filled."""

    @staticmethod
    def forward(ctx, dim, skipped, *xs):
        ctx.dim, ctx.skipped, ctx.shapes = dim, skipped, [x.shape for x in xs]
        if skipped is not None:
            xs = [x for x, skip in zip(xs, skipped) if not skip]
        return ctx.xp.concatenate(xs, axis=dim)

    @staticmethod
    def backward(ctx, grad):
        grads = [None, None]
        start = 0
        skipped = ctx.skipped or (False,) * len(ctx.shapes)
        for shape, skip, needed in zip(ctx.shapes, skipped, ctx.needs_input_grad[2:]):
            if skip:
                grads.append(grad.new_zeros(shape) if needed else None)
                continue
            size = shape[ctx.dim]
            grads.append(narrow(grad, ctx.dim, start, size) if needed else None)
            start += size
        return tuple(grads)


def cat(tensors, dim=0, *, out=None):
    """Join tensors along an existing dim; 1-D empty tensors are skipped, and dtypes are
    promoted as in arithmetic.

    Example:
        >>> ember.cat([ember.zeros(1, 2), ember.ones(2, 2)]).shape
        ember.Size([3, 2])
    """
    tensors = _tensor_list(tensors, "cat")
    if not tensors:
        raise ValueError("cat(): expected a non-empty list of Tensors")
    shapes = [t._data.shape for t in tensors]
    skipped = [_skipped_by_cat(s) for s in shapes]
    skipped = tuple(skipped) if builtins.any(skipped) and not builtins.all(skipped) else None
    shape = shapes[skipped.index(False) if skipped else 0]
    if not shape:
        raise RuntimeError("zero-dimensional tensor (at position 0) cannot be concatenated")
    dim = wrap_dim(dim, len(shape), "cat")
    for index, other in enumerate(shapes):
        if other != shape and (skipped is None or not skipped[index]):
            _check_cat_shape(shape, other, dim, index)
    result = Cat.apply(dim, skipped, *_promoted(tensors))
    if out is None:
        return result
    check_no_overlap(out, tensors)
    if isinstance(out, Tensor) and not _dtype.can_cast(result.dtype, out.dtype):
        raise TypeError(f"torch.cat(): input types can't be cast to the desired output type "
                        f"{_dtype.scalar_type_name(out.dtype)}")
    return _write(out, result)


def _check_cat_shape(shape, other, dim, index):
    if len(other) != len(shape):
        raise RuntimeError(f"Tensors must have same number of dimensions: got {len(shape)} "
                           f"and {len(other)}")
    for d, (a, b) in enumerate(zip(shape, other)):
        if a != b and d != dim:
            raise RuntimeError(
                f"Sizes of tensors must match except in dimension {dim}. Expected size {a} "
                f"but got size {b} for tensor number {index} in the list.")


concat = cat


def concatenate(tensors, axis=0, out=None, *, dim=None):
    """cat() under numpy's name (`axis`; torch also takes `dim`)."""
    return cat(tensors, axis if dim is None else dim, out=out)


class Stack(Op):
    """y = x0, x1, ... stacked along a new dim;  grad_xi = g.select(dim, i)."""

    @staticmethod
    def forward(ctx, dim, *xs):
        ctx.dim = dim
        return ctx.xp.stack(xs, axis=dim)

    @staticmethod
    def backward(ctx, grad):
        return (None,) + tuple(select(grad, ctx.dim, i) if needed else None
                               for i, needed in enumerate(ctx.needs_input_grad[1:]))


def stack(tensors, dim=0, *, out=None):
    """Join equally shaped tensors along a new dim `dim`.

    Example:
        >>> ember.stack([ember.zeros(2), ember.ones(2)], dim=1).shape
        ember.Size([2, 2])
    """
    tensors = _tensor_list(tensors, "stack")
    if not tensors:
        raise RuntimeError("stack expects a non-empty TensorList")
    shape = tensors[0]._data.shape
    for index, tensor in enumerate(tensors):
        if tensor._data.shape != shape:
            raise RuntimeError(
                f"stack expects each tensor to be equal size, but got {list(shape)} at entry 0 "
                f"and {list(tensor._data.shape)} at entry {index}")
    dim = wrap_dim(dim, len(shape) + 1, "stack")
    result = Stack.apply(dim, *_promoted(tensors))
    return result if out is None else _write(out, result)


def _write(out, result):
    from .elementwise import _write_out
    return _write_out(out, result)


def _nonempty(tensors, op_name):
    """The stacking functions' tensors, which may not be an empty list (torch's error)."""
    tensors = _tensor_list(tensors, op_name)
    if not tensors:
        raise RuntimeError(f"{op_name} expects a non-empty TensorList")
    return tensors


def hstack(tensors, *, out=None):
    """Join along dim 1 (dim 0 for 1-D tensors)."""
    tensors = atleast_1d(_nonempty(tensors, "hstack"))
    return cat(tensors, 0 if tensors and tensors[0]._data.ndim == 1 else 1, out=out)


def vstack(tensors, *, out=None):
    """Join along dim 0, treating 1-D tensors as rows."""
    return cat(atleast_2d(_nonempty(tensors, "vstack")), 0, out=out)


row_stack = vstack


def dstack(tensors, *, out=None):
    """Join along dim 2, after atleast_3d."""
    return cat(atleast_3d(_nonempty(tensors, "dstack")), 2, out=out)


def column_stack(tensors, *, out=None):
    """Join along dim 1, treating 0-d and 1-d tensors as columns."""
    tensors = _nonempty(tensors, "column_stack")
    columns = [reshape(t, (t._data.size, 1)) if t._data.ndim <= 1 else t for t in tensors]
    return hstack(columns, out=out)


def _at_least(tensors, ndim, pad):
    """One tensor in, one out; several (or one list) in, a tuple out."""
    as_tuple = len(tensors) != 1 or isinstance(tensors[0], (tuple, list))
    if len(tensors) == 1 and isinstance(tensors[0], (tuple, list)):
        tensors = tensors[0]
    results = tuple(t if t._data.ndim >= ndim else reshape(t, pad(t._data.shape))
                    for t in tensors)
    return results if as_tuple else results[0]


def atleast_1d(*tensors):
    """Each tensor with at least one dim (0-d becomes shape (1,))."""
    return _at_least(tensors, 1, lambda shape: (1,))


def atleast_2d(*tensors):
    """Each tensor with at least two dims: shape (n,) becomes (1, n)."""
    return _at_least(tensors, 2, lambda shape: (1,) * (2 - len(shape)) + shape)


def atleast_3d(*tensors):
    """Each tensor with at least three dims: (n,) becomes (1, n, 1), (m, n) becomes
    (m, n, 1)."""
    return _at_least(tensors, 3, lambda shape: {0: (1, 1, 1), 1: (1,) + shape + (1,)}.get(
        len(shape), shape + (1,)))


# -- grids: meshgrid, cartesian_prod ------------------------------------------------------

def meshgrid(*tensors, indexing=None):
    """Coordinate grids from N 1-D tensors: the k-th output holds tensors[k]'s values, laid
    along dim k and repeated along the others.

    With indexing='ij' the outputs have shape (len(t0), len(t1), ...); with 'xy' (Cartesian,
    as numpy's default) the first two dims are swapped. Left out, indexing is 'ij' with a
    warning, as in torch. The outputs are expanded views of the inputs (0-d inputs count as
    length 1).

    Example:
        >>> rows, cols = ember.meshgrid(ember.arange(2), ember.arange(3), indexing="ij")
        >>> rows
        tensor([[0, 0, 0],
                [1, 1, 1]])
    """
    if len(tensors) == 1 and isinstance(tensors[0], (tuple, list)):
        tensors = tuple(tensors[0])
    if indexing is None:
        warnings.warn("torch.meshgrid: in an upcoming release, it will be required to pass the "
                      "indexing argument.", UserWarning, stacklevel=2)
        indexing = "ij"
    if indexing not in ("ij", "xy"):
        raise RuntimeError(f'torch.meshgrid: indexing must be one of "xy" or "ij", but '
                           f"received: {indexing}")
    if not tensors:
        raise RuntimeError("meshgrid expects a non-empty TensorList")
    _tensor_list(tensors, "meshgrid")
    for tensor in tensors:
        if tensor.dtype is not tensors[0].dtype:
            raise RuntimeError(f"meshgrid expects all tensors to have the same dtype (got "
                               f"{tensors[0].dtype} and {tensor.dtype})")
        if tensor.device != tensors[0].device:
            raise RuntimeError(f"meshgrid expects all tensors to have the same device (got "
                               f"{tensors[0].device} and {tensor.device})")
        if tensor._data.ndim > 1:
            raise RuntimeError(f"torch.meshgrid: Expected 0D or 1D tensor in the tensor list "
                               f"but got a tensor of shape {list(tensor.shape)}")
    swap = indexing == "xy" and len(tensors) >= 2
    if swap:
        tensors = (tensors[1], tensors[0]) + tensors[2:]
    shape = tuple(t._data.size for t in tensors)
    grids = []
    for k, tensor in enumerate(tensors):
        laid = reshape(tensor, tuple(-1 if i == k else 1 for i in range(len(shape))))
        grids.append(laid.expand(shape))
    if swap:
        grids[0], grids[1] = grids[1], grids[0]
    return tuple(grids)


def cartesian_prod(*tensors):
    """Every combination of one element from each 1-D tensor, as rows of an (N, k) tensor
    (the order of itertools.product); one tensor in, that tensor out.

    Example:
        >>> ember.cartesian_prod(ember.tensor([1, 2]), ember.tensor([3, 4]))
        tensor([[1, 3],
                [1, 4],
                [2, 3],
                [2, 4]])
    """
    _tensor_list(tensors, "cartesian_prod")
    for tensor in tensors:
        if tensor._data.ndim != 1:
            raise RuntimeError(f"Expect a 1D vector, but got shape {list(tensor.shape)}")
    if len(tensors) == 1:
        return tensors[0]
    grids = meshgrid(*tensors, indexing="ij")
    return stack([reshape(grid, (-1,)) for grid in grids], dim=1)


# -- splitting: split, chunk, tensor_split, unbind (views) --------------------------------

class SplitWithSizes(Op):
    """y_i = the i-th block (of sizes[i]) of x along dim, views;  grad_x = the blocks'
    gradients joined along dim (zeros for blocks that got none)."""

    @staticmethod
    def forward(ctx, x, dim, sizes):
        ctx.dim = dim
        lead = (slice(None),) * dim
        pieces = []
        start = 0
        for size in sizes:
            pieces.append(x[lead + (slice(start, start + size), Ellipsis)])
            start += size
        return tuple(pieces)

    @staticmethod
    def backward(ctx, *grads):
        return cat(grads, ctx.dim), None, None


def _pieces(input, dim, sizes):
    """Consecutive blocks of `sizes` along dim, each a view made by narrow()."""
    pieces = SplitWithSizes.apply(input, dim, tuple(sizes))
    start = 0
    for piece, size in zip(pieces, sizes):
        _mark_view(piece, input, narrow, (dim, start, size))
        start += size
    return pieces


def split(tensor, split_size_or_sections, dim=0):
    """Pieces of `split_size` along dim (the last may be smaller), or of the listed sizes;
    each piece is a view.

    Differs from PyTorch: the pieces (of chunk() and unbind() too) may be changed in place,
    with correct gradients; torch refuses in-place changes of views that one op returned
    together.

    Example:
        >>> [p.tolist() for p in ember.arange(5).split([2, 3])]
        [[0, 1], [2, 3, 4]]
    """
    shape = tensor._data.shape
    if not shape:
        raise RuntimeError("split expects at least a 1-dimensional tensor")
    dim = wrap_dim(dim, len(shape), "split")
    size = shape[dim]
    if isinstance(split_size_or_sections, (builtins.int, Tensor)):
        step = split_size_or_sections.__index__()
        if step < 0:
            raise RuntimeError(
                f"split expects split_size be non-negative, but got split_size={step}")
        if step == 0 and size != 0:
            raise RuntimeError(f"split_size can only be 0 if dimension size is 0, but got "
                               f"dimension size of {size}")
        sizes = [step] * (size // step) + [size % step] if step else [0]
        if len(sizes) > 1 and sizes[-1] == 0:
            sizes.pop()
        pieces = _pieces(tensor, dim, sizes)
        named(pieces[0], "SplitBackward0")  # the pieces share one node
        return pieces
    sizes = [builtins.int(s) for s in split_size_or_sections]
    if builtins.any(s < 0 for s in sizes):
        raise RuntimeError(f"split_with_sizes expects split_sizes have only non-negative "
                           f"entries, but got split_sizes={sizes}")
    if builtins.sum(sizes) != size:
        raise RuntimeError(
            f"split_with_sizes expects split_sizes to sum exactly to {size} (input tensor's "
            f"size at dimension {dim}), but got split_sizes={sizes}")
    return _pieces(tensor, dim, sizes)


def chunk(input, chunks, dim=0):
    """At most `chunks` views of equal size along dim (the last may be smaller)."""
    if chunks <= 0:
        raise RuntimeError(f"chunk expects `chunks` to be greater than 0, got: {chunks}")
    shape = input._data.shape
    if not shape:
        raise RuntimeError("chunk expects at least a 1-dimensional tensor")
    dim = wrap_dim(dim, len(shape), "chunk")
    size = shape[dim]
    if size == 0:
        return _pieces(input, dim, [0] * chunks)
    return split(input, -(-size // chunks), dim)


def tensor_split(input, indices_or_sections=None, dim=0, *, sections=None, indices=None,
                 tensor_indices_or_sections=None):
    """Views along dim: `sections` nearly equal pieces (the first size % sections one longer),
    or the pieces between the listed indices (as numpy.array_split). torch's keyword names
    for the split points (sections=, indices=, tensor_indices_or_sections=) work too."""
    given = [v for v in (indices_or_sections, sections, indices, tensor_indices_or_sections)
             if v is not None]
    if len(given) != 1:
        raise TypeError("tensor_split() takes exactly one of indices_or_sections, sections, "
                        "indices or tensor_indices_or_sections")
    indices_or_sections = given[0]
    shape = input._data.shape
    if not shape:
        raise RuntimeError("tensor_split expected at least a 1-dimensional tensor, but got a "
                           "tensor with 0 dims")
    dim = wrap_dim(dim, len(shape), "tensor_split")
    size = shape[dim]
    split_at = indices_or_sections
    if isinstance(split_at, Tensor):
        if split_at._data.dtype.kind not in "iu":
            raise RuntimeError(f"tensor_split expected tensor_indices_or_sections to have "
                               f"integer dtype, but got {split_at.dtype}")
        split_at = split_at.item() if split_at._data.ndim == 0 else split_at.tolist()
    if isinstance(split_at, builtins.int):
        if split_at <= 0:
            raise RuntimeError(f"number of sections must be larger than 0, got {split_at}")
        base, extra = divmod(size, split_at)
        pieces = _pieces(input, dim, [base + 1] * extra + [base] * (split_at - extra))
        named(pieces[0], "SliceBackward0")  # torch narrows once per piece
        return pieces
    bounds = [0] + [builtins.int(i) for i in split_at] + [size]
    pieces = []
    for start, stop in zip(bounds, bounds[1:]):
        start, stop, _ = slice(start, stop).indices(size)
        pieces.append(narrow(input, dim, start, builtins.max(stop - start, 0)))
    return tuple(pieces)


class Unbind(Op):
    """y_i = x.select(dim, i) for every i, views;  grad_x = the gradients stacked along dim."""

    @staticmethod
    def forward(ctx, x, dim):
        ctx.dim = dim
        lead = (slice(None),) * dim
        return tuple(x[lead + (i, Ellipsis)] for i in range(x.shape[dim]))

    @staticmethod
    def backward(ctx, *grads):
        return stack(grads, ctx.dim), None


def unbind(input, dim=0):
    """All slices along dim, each a view with that dim removed.

    Example:
        >>> [row.tolist() for row in ember.tensor([[1, 2], [3, 4]]).unbind(1)]
        [[1, 3], [2, 4]]
    """
    shape = input._data.shape
    if not shape:
        raise IndexError("Dimension specified as 0 but tensor has no dimensions")
    dim = wrap_dim(dim, len(shape), "unbind")
    pieces = Unbind.apply(input, dim)
    for index, piece in enumerate(pieces):
        _mark_view(piece, input, select, (dim, index))
    return pieces


# -- rearranging copies: flip, roll, rot90, repeat, tile, tril, triu ------------------------

def _dim_list(dims, ndim, op_name):
    if len(dims) == 1 and isinstance(dims[0], (tuple, list)):
        dims = tuple(dims[0])
    dims = tuple(wrap_dim(d, ndim, op_name) for d in dims)
    for d in dims:
        if dims.count(d) > 1:
            raise RuntimeError(f"dim {d} appears multiple times in the list of dims")
    return dims


class Flip(Op):
    """y = x reversed along dims (a copy, as torch);  grad_x = flip(g, dims)."""

    @staticmethod
    def forward(ctx, x, dims):
        ctx.dims = dims
        return ctx.xp.flip(x, axis=dims).copy()

    @staticmethod
    def backward(ctx, grad):
        return Flip.apply(grad, ctx.dims), None


def flip(input, dims):
    """Reverse the order of elements along `dims` (a sequence of dims; a copy).

    Example:
        >>> ember.flip(ember.arange(3), (0,))
        tensor([2, 1, 0])
    """
    if not isinstance(dims, (tuple, list)):
        raise TypeError(f"flip(): argument 'dims' (position 2) must be tuple of ints, not "
                        f"{type(dims).__name__}")
    dims = _dim_list(tuple(dims), input._data.ndim, "flip")
    return Flip.apply(input, dims if input._data.ndim else ())


def fliplr(input):
    """Reverse dim 1 (left/right)."""
    if input._data.ndim < 2:
        raise RuntimeError("Input must be >= 2-d.")
    return flip(input, (1,))


def flipud(input):
    """Reverse dim 0 (up/down)."""
    if input._data.ndim < 1:
        raise RuntimeError("Input must be >= 1-d.")
    return flip(input, (0,))


class Roll(Op):
    """y = x shifted cyclically along dims (along the flattened x when dims is None);
    grad_x = roll(g, -shifts, dims)."""

    @staticmethod
    def forward(ctx, x, shifts, dims):
        ctx.shifts, ctx.dims = shifts, dims
        return ctx.xp.roll(x, shifts, axis=dims)

    @staticmethod
    def backward(ctx, grad):
        shifts = tuple(-s for s in ctx.shifts) if ctx.dims is not None else -ctx.shifts
        return Roll.apply(grad, shifts, ctx.dims), None, None


def roll(input, shifts, dims=None):
    """Shift elements cyclically by `shifts` along `dims`; without dims, along the flattened
    tensor (the shape is kept)."""
    shifts = (shifts,) if isinstance(shifts, builtins.int) else tuple(shifts)
    if dims is not None and not isinstance(dims, builtins.int) and len(dims) == 0:
        dims = None  # torch's default is the empty list: the flattened tensor
    if dims is None:
        if len(shifts) != 1:
            raise RuntimeError(f"shifts and dimensions must align. shifts: {len(shifts)}, "
                               f"dims:0")
        return Roll.apply(input, shifts[0], None)
    dims = (dims,) if isinstance(dims, builtins.int) else tuple(dims)
    if len(shifts) != len(dims):
        raise RuntimeError(f"shifts and dimensions must align. shifts: {len(shifts)}, "
                           f"dims:{len(dims)}")
    ndim = input._data.ndim
    if ndim == 0:
        raise IndexError("Dimension specified as 0 but tensor has no dimensions")
    return Roll.apply(input, shifts, tuple(wrap_dim(d, ndim, "roll") for d in dims))


def rot90(input, k=1, dims=(0, 1)):
    """Rotate by 90 degrees k times in the plane of `dims`, from the first dim towards the
    second."""
    dims = tuple(dims)
    ndim = input._data.ndim
    if len(dims) != 2:
        raise RuntimeError(f"expected total rotation dims == 2, but got dims = {len(dims)}")
    if ndim < 2:
        raise RuntimeError(f"expected total dims >= 2, but got total dims = {ndim}")
    dim0, dim1 = wrap_dim(dims[0], ndim, "rot90"), wrap_dim(dims[1], ndim, "rot90")
    if dim0 == dim1:
        raise RuntimeError(f"expected rotation dims to be different, but got dim0 = {dim0} and "
                           f"dim1 = {dim1}")
    k %= 4
    if k == 1:
        return transpose(flip(input, (dim1,)), dim0, dim1)
    if k == 2:
        return flip(input, (dim0, dim1))
    if k == 3:
        return transpose(flip(input, (dim0,)), dim0, dim1)
    return input.clone()


class Repeat(Op):
    """y = x tiled `repeats` times along each dim;  grad_x = g summed over the copies."""

    @staticmethod
    def forward(ctx, x, repeats):
        padded = (1,) * (len(repeats) - x.ndim) + x.shape
        ctx.input_shape, ctx.padded, ctx.repeats = x.shape, padded, repeats
        return ctx.xp.tile(x.reshape(padded), repeats)

    @staticmethod
    def backward(ctx, grad):
        interleaved = []
        for repeat, size in zip(ctx.repeats, ctx.padded):
            interleaved += [repeat, size]
        grad = grad.reshape(interleaved).sum(tuple(range(0, len(interleaved), 2)))
        return grad.reshape(ctx.input_shape), None


def repeat(input, *args, repeats=None):
    """Tile input sizes[i] times along dim i; extra leading sizes add dims.

    Example:
        >>> ember.tensor([1, 2]).repeat(2, 2)
        tensor([[1, 2, 1, 2],
                [1, 2, 1, 2]])
    """
    sizes = _shape_args(sizes_from(args, repeats, "repeats", "repeat"), "repeat")
    if len(sizes) < input._data.ndim:
        raise RuntimeError("Number of dimensions of repeat dims can not be smaller than number "
                           "of dimensions of tensor")
    if builtins.any(s < 0 for s in sizes):
        raise RuntimeError(f"Trying to create tensor with negative dimension "
                           f"{builtins.min(sizes)}: {list(sizes)}")
    return Repeat.apply(input, sizes)


def tile(input, dims):
    """repeat(), where missing leading counts are 1 (as numpy.tile)."""
    dims = _shape_args((dims,), "tile")
    return repeat(input, (1,) * (input._data.ndim - len(dims)) + dims)


def repeat_interleave(input, repeats=None, dim=None, *, output_size=None):
    """Repeat each element `repeats` times along dim (flattened when dim is None);
    repeat_interleave(counts) alone gives arange(len(counts)) repeated by counts.

    Example:
        >>> ember.tensor([1, 2]).repeat_interleave(2)
        tensor([1, 1, 2, 2])
    """
    if repeats is None:
        counts = input
        input = Tensor._make(xp_of(counts._data).arange(counts._data.shape[0]))
        return repeat_interleave(input, counts, 0)
    if dim is None:
        input, dim = input.reshape(-1), 0
    dim = wrap_dim(dim, input._data.ndim, "repeat_interleave")
    xp = xp_of(input._data)
    counts = repeats._data if isinstance(repeats, Tensor) else builtins.int(repeats)
    if isinstance(repeats, Tensor):
        if counts.ndim > 1 or (counts.size != 1 and counts.size != input._data.shape[dim]):
            raise RuntimeError(
                f"repeat_interleave: repeats must have the same size as input along dim "
                f"{dim} (got {counts.size} repeats for size {input._data.shape[dim]})")
        counts = counts.reshape(-1) if counts.size != 1 else counts.reshape(()).item()
    if (xp.asarray(counts) < 0).any():
        raise RuntimeError("repeat_interleave: repeats can not be negative")
    index = xp.repeat(xp.arange(input._data.shape[dim]), counts)
    return input.index_select(dim, Tensor._make(index))


class Tril(Op):
    """y = x with the elements above the `diagonal`-th diagonal zeroed;  grad_x = tril(g)."""

    @staticmethod
    def forward(ctx, x, diagonal):
        ctx.diagonal = diagonal
        return ctx.xp.tril(x, diagonal)

    @staticmethod
    def backward(ctx, grad):
        return Tril.apply(grad, ctx.diagonal), None


class Triu(Op):
    """y = x with the elements below the `diagonal`-th diagonal zeroed;  grad_x = triu(g)."""

    @staticmethod
    def forward(ctx, x, diagonal):
        ctx.diagonal = diagonal
        return ctx.xp.triu(x, diagonal)

    @staticmethod
    def backward(ctx, grad):
        return Triu.apply(grad, ctx.diagonal), None


def _triangle(op, name, input, diagonal):
    if input._data.ndim < 2:
        raise RuntimeError(f"{name}: input tensor must have at least 2 dimensions")
    return op.apply(input, diagonal.__index__())


def tril(input, diagonal=0, *, out=None):
    """The lower triangle of the last two dims: elements (i, j) with j - i <= diagonal."""
    result = _triangle(Tril, "tril", input, diagonal)
    return result if out is None else write_exact(out, result, "tril")


def triu(input, diagonal=0, *, out=None):
    """The upper triangle of the last two dims: elements (i, j) with j - i >= diagonal."""
    result = _triangle(Triu, "triu", input, diagonal)
    return result if out is None else write_exact(out, result, "triu")


# -- Tensor methods -----------------------------------------------------------------------

def _split_method(self, split_size, dim=0):
    return split(self, split_size, dim)


def _flip_method(self, *dims, **kwargs):
    """x.flip(0), x.flip(0, 1), x.flip((0, 1)) or x.flip(dims=(0, 1))."""
    if "dims" in kwargs:
        dims = kwargs.pop("dims")
    elif len(dims) == 1 and isinstance(dims[0], (tuple, list)):
        dims = dims[0]
    return flip(self, tuple(dims) if isinstance(dims, (tuple, list)) else (dims,), **kwargs)


Tensor.split = _split_method
Tensor.chunk = chunk
Tensor.tensor_split = tensor_split
Tensor.unbind = unbind
Tensor.flip = _flip_method
Tensor.fliplr = fliplr
Tensor.flipud = flipud
Tensor.roll = roll
Tensor.rot90 = rot90
Tensor.repeat = repeat
Tensor.repeat_interleave = repeat_interleave
Tensor.tile = tile
Tensor.tril = tril
Tensor.triu = triu
Tensor.tril_ = inplace_method(tril, "tril_")
Tensor.triu_ = inplace_method(triu, "triu_")
