"""Shape ops: views (reshape, permute, slicing, diagonal ...), joining and splitting (cat,
stack, split ...), and rearranging copies (flip, roll, repeat, tril ...).

View ops return tensors that share memory (and the version counter) with their input, as in
torch; they remember how they were made from their base (`_view_fn`, (fn, args) steps), so
that an in-place change through a view can be replayed on the base's graph (see `rebase_view`
in ops/index.py, called from ops/_inplace.py), and bases remember their live views (see
NOTE [ Live views ]).
"""
import builtins
import math
import weakref

from .. import _dtype
from .._tensor import Size, Tensor
from ..autograd import grad_mode
from ..autograd.function import Op
from ..backend import xp_of
from ._dims import wrap_dim
from ._inplace import inplace_method

# the public names (torch.*); view, expand, repeat and make_view are Tensor methods or helpers
__all__ = [
    "reshape", "broadcast_to", "broadcast_tensors", "broadcast_shapes", "permute", "transpose",
    "swapaxes", "swapdims", "t", "adjoint", "movedim", "moveaxis", "squeeze", "unsqueeze",
    "flatten", "unflatten", "ravel", "select", "narrow", "split", "chunk", "tensor_split",
    "unbind", "diagonal", "diag", "diag_embed", "cat", "concat", "concatenate", "stack",
    "hstack", "vstack", "row_stack", "dstack", "column_stack", "flip", "fliplr", "flipud",
    "roll", "rot90", "tile", "repeat_interleave", "tril", "triu", "atleast_1d", "atleast_2d", "atleast_3d",
]


# -- views --------------------------------------------------------------------------------

def make_view(out, input, fn, *args):
    """Mark `out` as a view of `input` made by fn(input, *args), if the op did not copy."""
    data = out._data
    if data is not input._data and (data.base is None or data.size and not xp_of(
            data).may_share_memory(data, input._data)):
        return out  # the op had to copy (e.g. reshape of a transposed tensor): not a view
    return _mark_view(out, input, fn, args)


def _mark_view(out, input, fn, args):
    """make_view for ops whose output is always a view (basic slicing)."""
    out._version = input._version
    step = ((fn, args),)
    if input._base is None:
        out._base, out._view_fn = input, step
    else:
        out._base, out._view_fn = input._base, (input._view_fn or ()) + step
    if grad_mode._state["enabled"]:
        _remember_view(out._base, out)
    return out


def replay_view(tensor, view_fn):
    """Rebuild a view from (a tensor shaped like) its base with the recorded steps."""
    for fn, args in view_fn:
        tensor = fn(tensor, *args)
    return tensor


# NOTE [ Live views ]
# torch regenerates a view's grad_fn when its base has changed in place since the view was
# taken, so that `v = y[0]; y.mul_(2); v.sum().backward()` sees the mul_. ember can't notice
# a read of grad_fn, so it updates the views instead when the change happens (index.py,
# refresh_views): each base keeps weak references to the views taken from it while grad
# mode was on (dead ones are dropped whenever the list doubles), and a change inside the
# graph rebuilds the grad_fn of those that overlap it. The cost is a memory-overlap test
# per live view and change: small, as a view saved for backward and later changed makes
# backward fail anyway (its version moved on), so few views stay alive across changes.
_LIVE_VIEWS = {}  # id(base) -> [weak reference to base, [weak references to views], limit]


def _remember_view(base, view):
    key = id(base)
    entry = _LIVE_VIEWS.get(key)
    if entry is None:  # [weak base, weak views, length at which to drop the dead ones]
        entry = _LIVE_VIEWS[key] = [
            weakref.ref(base, lambda _, key=key: _LIVE_VIEWS.pop(key, None)), [], 8]
    views = entry[1]
    if len(views) >= entry[2]:
        views[:] = [ref for ref in views if ref() is not None]
        entry[2] = builtins.max(8, 2 * len(views))
    views.append(weakref.ref(view))


def live_views(base):
    """The views of `base` taken in grad mode that are still alive."""
    entry = _LIVE_VIEWS.get(id(base))
    if entry is None:
        return []
    return [view for view in (ref() for ref in entry[1]) if view is not None]


def _shape_args(shape, op_name):
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = tuple(shape[0])
    result = []
    for s in shape:
        if isinstance(s, Tensor):
            s = s.item()
        if not isinstance(s, builtins.int) and not hasattr(s, "__index__"):
            raise TypeError(f"{op_name}(): argument 'shape' must be tuple of ints, but found "
                            f"element of type {type(s).__name__}")
        result.append(builtins.int(s))
    return tuple(result)


def _infer_shape(shape, numel, op_name):
    """Resolve one -1 in `shape`, checking the element count, with torch's messages."""
    if shape.count(-1) > 1:
        raise RuntimeError(f"{op_name}: only one dimension can be inferred")
    known = 1
    for s in shape:
        if s != -1:
            if s < 0:
                raise RuntimeError(f"{op_name}: invalid shape dimension {s}")
            known *= s
    if -1 in shape:
        if known == 0 or numel % known:
            raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel}")
        shape = tuple(numel // known if s == -1 else s for s in shape)
    elif known != numel:
        raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel}")
    return shape


class Reshape(Op):
    """y = x with a new shape (a view when the layout allows);  grad_x = g reshaped back."""

    @staticmethod
    def forward(ctx, x, shape, must_view):
        ctx.input_shape = x.shape
        if must_view:
            out = x.view()
            try:
                out.shape = shape
            except AttributeError:
                raise RuntimeError(
                    "view size is not compatible with input tensor's size and stride (at least "
                    "one dimension spans across two contiguous subspaces). Use .reshape(...) "
                    "instead.") from None
            return out
        return x.reshape(shape)

    @staticmethod
    def backward(ctx, grad):
        return grad.reshape(ctx.input_shape), None, None


def reshape(input, *shape):
    """The same elements in a new shape; one dim may be -1. Shares memory when it can.

    Example:
        >>> ember.arange(6).reshape(2, -1).shape
        ember.Size([2, 3])
    """
    shape = _infer_shape(_shape_args(shape, "reshape"), input._data.size, "reshape")
    return make_view(Reshape.apply(input, shape, False), input, reshape, shape)


def view(input, *shape):
    """Like reshape, but always shares memory, and fails where that is impossible.

    view(dtype) reinterprets the bytes as another dtype; with a different item size the last
    dim shrinks or grows (it must be contiguous).
    """
    if len(shape) == 1 and not isinstance(shape[0], (tuple, list, builtins.int, Tensor)):
        return _view_dtype(input, shape[0])
    shape = _infer_shape(_shape_args(shape, "view"), input._data.size, "view")
    return _mark_view(Reshape.apply(input, shape, True), input, view, (shape,))


def _view_dtype(input, dtype):
    dtype = _dtype.to_dtype(dtype)
    try:
        data = input._data.view(dtype.np)
    except ValueError as error:
        raise RuntimeError(
            f"view(dtype): can't view a {input.dtype} tensor of shape {list(input.shape)} as "
            f"{dtype} ({error}); the last dim must be contiguous and divisible by the size "
            f"ratio") from None
    return _mark_view(Tensor._make(data), input, _view_dtype, (dtype,))


class Expand(Op):
    """y = x broadcast to a larger shape (a view);  grad_x = g summed back to x's shape."""

    @staticmethod
    def forward(ctx, x, shape):
        ctx.input_shape = x.shape
        return ctx.xp.broadcast_to(x, shape)

    @staticmethod
    def backward(ctx, grad):
        from .elementwise import sum_to
        return sum_to(grad, ctx.input_shape), None


def expand(input, *sizes):
    """Broadcast to `sizes` without copying; -1 keeps a dim; new dims go in front."""
    sizes = _shape_args(sizes, "expand")
    ndim = input._data.ndim
    if len(sizes) < ndim:
        raise RuntimeError(
            f"expand: the number of sizes provided ({len(sizes)}) must be greater or equal to "
            f"the number of dimensions in the tensor ({ndim})")
    lead = len(sizes) - ndim
    shape = []
    for i, size in enumerate(sizes):
        current = input._data.shape[i - lead] if i >= lead else None
        if size == -1:
            if current is None:
                raise RuntimeError(
                    f"expand: -1 is not allowed in a leading, non-existing dimension {i}")
            size = current
        elif current is not None and current != size and current != 1:
            raise RuntimeError(
                f"The expanded size of the tensor ({size}) must match the existing size "
                f"({current}) at non-singleton dimension {i}.  Target sizes: {list(sizes)}.  "
                f"Tensor sizes: {list(input._data.shape)}")
        shape.append(size)
    shape = tuple(shape)
    if shape == input._data.shape:
        return input
    return _mark_view(Expand.apply(input, shape), input, expand, (shape,))


def expand_as(input, other):
    return expand(input, other.shape)


def broadcast_to(input, size):
    """input expanded to `size` (a view), as expand."""
    return expand(input, size)


def broadcast_shapes(*shapes):
    """The shape that tensors of all these shapes broadcast to.

    Example:
        >>> ember.broadcast_shapes((2, 1), (3,))
        ember.Size([2, 3])
    """
    shapes = [(s,) if isinstance(s, builtins.int) else tuple(s) for s in shapes]
    result = [1] * builtins.max((len(s) for s in shapes), default=0)
    for index, shape in enumerate(shapes):
        for i in range(1, len(shape) + 1):
            size = shape[-i]
            if size != result[-i] and size != 1:
                if result[-i] != 1:
                    raise RuntimeError(
                        f"Attempting to broadcast a dimension of length {size} at {-i}! "
                        f"Mismatching argument at index {index} had {shape}; but expected "
                        f"shape should be broadcastable to {result}")
                result[-i] = size
    return Size(result)


def broadcast_tensors(*tensors):
    """The tensors expanded to one common shape (views)."""
    if len(tensors) == 1 and isinstance(tensors[0], (tuple, list)):
        tensors = tuple(tensors[0])
    shape = []
    for tensor in tensors:
        sizes = tensor._data.shape
        shape = [1] * (len(sizes) - len(shape)) + shape
        for i in range(1, len(sizes) + 1):
            a, b = shape[-i], sizes[-i]
            if a != b and b != 1:
                if a != 1:
                    raise RuntimeError(
                        f"The size of tensor a ({a}) must match the size of tensor b ({b}) at "
                        f"non-singleton dimension {len(shape) - i}")
                shape[-i] = b
    return tuple(expand(tensor, shape) for tensor in tensors)


class Permute(Op):
    """y = x with dims reordered (a view);  grad_x = g with the inverse order."""

    @staticmethod
    def forward(ctx, x, dims):
        ctx.dims = dims
        return x.transpose(dims)

    @staticmethod
    def backward(ctx, grad):
        inverse = [0] * len(ctx.dims)
        for i, d in enumerate(ctx.dims):
            inverse[d] = i
        return grad.permute(inverse), None


def permute(input, *dims):
    """Reorder the dims (a view): out.shape[i] = input.shape[dims[i]]."""
    dims = _shape_args(dims, "permute")
    ndim = input._data.ndim
    if len(dims) != ndim:
        raise RuntimeError(
            f"permute(sparse_coo): number of dimensions in the tensor input does not match the "
            f"length of the desired ordering of dimensions i.e. input.dim() = {ndim} is not "
            f"equal to len(dims) = {len(dims)}")
    dims = tuple(wrap_dim(d, ndim, "permute") for d in dims)
    if len(set(dims)) != ndim:
        raise RuntimeError("permute(): duplicate dims are not allowed.")
    return _mark_view(Permute.apply(input, dims), input, permute, (dims,))


def transpose(input, dim0, dim1):
    """Swap two dims (a view)."""
    ndim = input._data.ndim
    if ndim == 0:
        return input
    dim0, dim1 = wrap_dim(dim0, ndim, "transpose"), wrap_dim(dim1, ndim, "transpose")
    if dim0 == dim1:
        return input.view(input.shape)
    order = list(range(ndim))
    order[dim0], order[dim1] = dim1, dim0
    order = tuple(order)
    return _mark_view(Permute.apply(input, order), input, permute, (order,))


swapaxes = swapdims = transpose


def t(input):
    """Transpose a matrix (a view); 0-d and 1-d tensors come back as they are."""
    ndim = input._data.ndim
    if ndim > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {ndim}D")
    return transpose(input, 0, 1) if ndim == 2 else reshape(input, input._data.shape)


def _matrix_transpose(input, name):
    if input._data.ndim < 2:
        raise RuntimeError(f"tensor.{name} is only supported on matrices or batches of "
                           f"matrices. Got {input._data.ndim}-D tensor.")
    return transpose(input, -2, -1)


def adjoint(input):
    """The conjugate transpose of the last two dims; ember has no complex dtypes, so this is
    input.mT."""
    return _matrix_transpose(input, "adjoint()")


def _reversed_dims(input):
    return permute(input, tuple(reversed(range(input._data.ndim))))


def _hermitian(input):
    if input._data.ndim not in (0, 2):
        raise RuntimeError(f"tensor.H is only supported on matrices (2-D tensors). Got "
                           f"{input._data.ndim}-D tensor.")
    return _reversed_dims(input)


def movedim(input, source, destination):
    """Move dims `source` to positions `destination`; the others keep their order."""
    ndim = input._data.ndim
    source = (source,) if isinstance(source, builtins.int) else tuple(source)
    destination = (destination,) if isinstance(destination, builtins.int) else tuple(destination)
    if len(source) != len(destination):
        raise RuntimeError(
            f"movedim: Invalid source or destination dims: source ({list(source)} dims) should "
            f"contain the same number of dims as destination ({list(destination)} dims)")
    source = [wrap_dim(d, ndim, "movedim") for d in source]
    destination = [wrap_dim(d, ndim, "movedim") for d in destination]
    for name, dims in (("source", source), ("destination", destination)):
        if len(set(dims)) != len(dims):
            raise RuntimeError(f"movedim: repeated dim in `{name}` ({dims})")
    rest = iter(d for d in range(ndim) if d not in source)
    placed = dict(zip(destination, source))
    return permute(input, tuple(placed[i] if i in placed else next(rest) for i in range(ndim)))


moveaxis = movedim


def squeeze(input, dim=None):
    """Remove dims of size 1 (all of them, or those named in `dim`)."""
    shape = input._data.shape
    if dim is None:
        dims = tuple(i for i, s in enumerate(shape) if s == 1)
    else:
        dims = dim if isinstance(dim, (tuple, list)) else (dim,)
        dims = tuple(i for i in (wrap_dim(d, len(shape), "squeeze") for d in dims)
                     if len(shape) and shape[i] == 1)
    if not dims:
        return reshape(input, shape)
    return reshape(input, tuple(s for i, s in enumerate(shape) if i not in dims))


def unsqueeze(input, dim):
    """Insert a dim of size 1 at `dim` (negative dims count from the new end)."""
    ndim = input._data.ndim
    dim = wrap_dim(dim, ndim + 1, "unsqueeze")
    shape = input._data.shape
    return reshape(input, shape[:dim] + (1,) + shape[dim:])


def flatten(input, start_dim=0, end_dim=-1):
    """Merge dims start_dim..end_dim into one."""
    ndim = input._data.ndim
    if ndim == 0:
        return reshape(input, (1,))
    start = wrap_dim(start_dim, ndim, "flatten")
    end = wrap_dim(end_dim, ndim, "flatten")
    if start > end:
        raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
    shape = input._data.shape
    merged = 1
    for s in shape[start:end + 1]:
        merged *= s
    return reshape(input, shape[:start] + (merged,) + shape[end + 1:])


def unflatten(input, dim, sizes):
    """Split dim `dim` into `sizes` (one of them may be -1): the inverse of flatten."""
    sizes = tuple(builtins.int(s) for s in sizes)
    if not sizes:
        raise RuntimeError("unflatten: sizes must be non-empty")
    shape = input._data.shape
    if not shape:
        raise RuntimeError("unflatten: Dimension specified as 0 but tensor has no dimensions")
    dim = wrap_dim(dim, len(shape), "unflatten")
    known = math.prod(s for s in sizes if s != -1)
    if (known != shape[dim] if -1 not in sizes else known == 0 or shape[dim] % known):
        raise RuntimeError(
            f"unflatten: Provided sizes {list(sizes)} don't multiply up to the size of dim "
            f"{dim} ({shape[dim]}) in the input tensor")
    return reshape(input, shape[:dim] + sizes + shape[dim + 1:])


def ravel(input):
    """The elements as a 1-D tensor (a view when input is contiguous)."""
    return reshape(input, (-1,))


# -- slicing views: select, narrow, split, chunk, unbind, diagonal --------------------------

class Slice(Op):
    """y = x[key] for a basic key (ints, slices, None, Ellipsis), a view;  grad_x = zeros
    of x's shape with g written at key."""

    @staticmethod
    def forward(ctx, x, key):
        ctx.input_shape, ctx.key = x.shape, key
        return x[key]

    @staticmethod
    def backward(ctx, grad):
        return SliceScatter.apply(grad, ctx.input_shape, ctx.key), None


class Select(Slice):
    """y = x[..., i, ...] (one dim dropped), a view;  grad_x = zeros with g written at i."""


class SliceScatter(Op):
    """y = zeros(shape) with y[key] = x, the adjoint of Slice;  grad_x = g[key]."""

    @staticmethod
    def forward(ctx, x, shape, key):
        ctx.key = key
        out = ctx.xp.zeros(shape, x.dtype)
        out[key] = x
        return out

    @staticmethod
    def backward(ctx, grad):
        return Slice.apply(grad, ctx.key), None, None


def slice_view(input, key):
    """input[key] as a view, for a basic key already checked: a tuple of ints, slices with
    positive steps and None, ending in Ellipsis (so that numpy returns arrays, not scalars)."""
    return _mark_view(Slice.apply(input, key), input, slice_view, (key,))


def select(input, dim, index):
    """input[..., index, ...] with `index` at dim `dim` (a view; that dim is removed)."""
    shape = input._data.shape
    if not shape:
        raise IndexError("select() cannot be applied to a 0-dim tensor.")
    dim = wrap_dim(dim, len(shape), "select")
    index = index.__index__()
    if not -shape[dim] <= index < shape[dim]:
        raise IndexError(f"select(): index {index} out of range for tensor of size "
                         f"{list(shape)} at dimension {dim}")
    key = (slice(None),) * dim + (index, Ellipsis)
    return _mark_view(Select.apply(input, key), input, select, (dim, index))


def narrow(input, dim, start, length):
    """input's elements start..start+length-1 along `dim` (a view).

    Example:
        >>> ember.arange(5).narrow(0, 1, 3)
        tensor([1, 2, 3])
    """
    shape = input._data.shape
    if not shape:
        raise RuntimeError("narrow() cannot be applied to a 0-dim tensor.")
    dim = wrap_dim(dim, len(shape), "narrow")
    size = shape[dim]
    start, length = start.__index__(), length.__index__()
    if not -size <= start <= size:
        raise IndexError(
            f"start out of range (expected to be in range of [{-size}, {size}], but got {start})")
    if start < 0:
        start += size
    if length < 0:
        raise RuntimeError("narrow(): length must be non-negative.")
    if start + length > size:
        raise RuntimeError(
            f"start ({start}) + length ({length}) exceeds dimension size ({size}).")
    key = (slice(None),) * dim + (slice(start, start + length), Ellipsis)
    return _mark_view(Slice.apply(input, key), input, narrow, (dim, start, length))


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
        return _pieces(tensor, dim, sizes)
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


def tensor_split(input, indices_or_sections, dim=0):
    """Views along dim: `sections` nearly equal pieces (the first size % sections one longer),
    or the pieces between the listed indices (as numpy.array_split)."""
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
        return _pieces(input, dim, [base + 1] * extra + [base] * (split_at - extra))
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


def _diagonal_of(xp, array, offset, dim1, dim2):
    """The diagonal of dims dim1, dim2 of an array, as a last dim (a writable view)."""
    order = [d for d in range(array.ndim) if d not in (dim1, dim2)] + [dim1, dim2]
    array = array.transpose(order)
    array = array[..., offset:] if offset >= 0 else array[..., -offset:, :]
    count = builtins.max(builtins.min(array.shape[-2], array.shape[-1]), 0)
    strides = array.strides[:-2] + (array.strides[-2] + array.strides[-1],)
    return xp.lib.stride_tricks.as_strided(array, array.shape[:-2] + (count,), strides)


class Diagonal(Op):
    """y = the diagonal of dims dim1, dim2 (shifted by offset) as a last dim, a view;
    grad_x = zeros of x's shape with g on that diagonal."""

    @staticmethod
    def forward(ctx, x, offset, dim1, dim2):
        ctx.args = (x.shape, offset, dim1, dim2)
        return _diagonal_of(ctx.xp, x, offset, dim1, dim2)

    @staticmethod
    def backward(ctx, grad):
        return DiagonalScatter.apply(grad, *ctx.args), None, None, None


class DiagonalScatter(Op):
    """y = zeros(shape) with x on the diagonal of dims dim1, dim2 (the adjoint of Diagonal);
    grad_x = diagonal(g)."""

    @staticmethod
    def forward(ctx, x, shape, offset, dim1, dim2):
        ctx.args = (offset, dim1, dim2)
        out = ctx.xp.zeros(shape, x.dtype)
        _diagonal_of(ctx.xp, out, offset, dim1, dim2)[...] = x
        return out

    @staticmethod
    def backward(ctx, grad):
        return diagonal(grad, *ctx.args), None, None, None, None


def diagonal(input, offset=0, dim1=0, dim2=1):
    """The elements input[..., i, ..., i + offset, ...] of dims dim1, dim2, as a new last dim
    (a view: writing into it writes into input).

    Example:
        >>> ember.arange(9).reshape(3, 3).diagonal(1)
        tensor([1, 5])
    """
    ndim = input._data.ndim
    dim1, dim2 = wrap_dim(dim1, ndim, "diagonal"), wrap_dim(dim2, ndim, "diagonal")
    if dim1 == dim2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    out = Diagonal.apply(input, offset, dim1, dim2)
    return _mark_view(out, input, diagonal, (offset, dim1, dim2))


def diag_embed(input, offset=0, dim1=-2, dim2=-1):
    """A tensor whose diagonals (of dims dim1, dim2 of the output) are input's last dim;
    zeros elsewhere."""
    shape = input._data.shape
    ndim = len(shape) + 1
    dim1, dim2 = wrap_dim(dim1, ndim, "diag_embed"), wrap_dim(dim2, ndim, "diag_embed")
    if dim1 == dim2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    size = (shape[-1] if shape else 1) + builtins.abs(offset)
    batch = iter(shape[:-1])
    out_shape = tuple(size if d in (dim1, dim2) else next(batch) for d in range(ndim))
    return DiagonalScatter.apply(input, out_shape, offset, dim1, dim2)


def diag(input, diagonal=0):
    """1-D input: a square matrix with input on its `diagonal`-th diagonal. 2-D input: a copy
    of that diagonal."""
    ndim = input._data.ndim
    if ndim == 1:
        return diag_embed(input, diagonal, 0, 1)
    if ndim == 2:
        return Diagonal.apply(input, diagonal, 0, 1).clone()
    raise RuntimeError(f"diag(): Supports 1D or 2D tensors. Got {ndim}D")


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
    return result if out is None else _write(out, result)


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


def hstack(tensors, *, out=None):
    """Join along dim 1 (dim 0 for 1-D tensors)."""
    tensors = atleast_1d(_tensor_list(tensors, "hstack"))
    return cat(tensors, 0 if tensors and tensors[0]._data.ndim == 1 else 1, out=out)


def vstack(tensors, *, out=None):
    """Join along dim 0, treating 1-D tensors as rows."""
    return cat(atleast_2d(_tensor_list(tensors, "vstack")), 0, out=out)


row_stack = vstack


def dstack(tensors, *, out=None):
    """Join along dim 2, after atleast_3d."""
    return cat(atleast_3d(_tensor_list(tensors, "dstack")), 2, out=out)


def column_stack(tensors, *, out=None):
    """Join along dim 1, treating 0-d and 1-d tensors as columns."""
    tensors = _tensor_list(tensors, "column_stack")
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


def flip(input, *dims):
    """Reverse the order of elements along `dims` (a copy).

    Example:
        >>> ember.arange(3).flip(0)
        tensor([2, 1, 0])
    """
    dims = _dim_list(dims, input._data.ndim, "flip")
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


def repeat(input, *sizes):
    """Tile input sizes[i] times along dim i; extra leading sizes add dims.

    Example:
        >>> ember.tensor([1, 2]).repeat(2, 2)
        tensor([[1, 2, 1, 2],
                [1, 2, 1, 2]])
    """
    sizes = _shape_args(sizes, "repeat")
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
    return result if out is None else _write(out, result)


def triu(input, diagonal=0, *, out=None):
    """The upper triangle of the last two dims: elements (i, j) with j - i >= diagonal."""
    result = _triangle(Triu, "triu", input, diagonal)
    return result if out is None else _write(out, result)


# -- Tensor methods -----------------------------------------------------------------------

def _split_method(self, split_size, dim=0):
    return split(self, split_size, dim)


def _flip_method(self, *dims):
    return flip(self, *dims)


Tensor.reshape = reshape
Tensor.view = view
Tensor.view_as = lambda self, other: view(self, other.shape)
Tensor.reshape_as = lambda self, other: reshape(self, other.shape)
Tensor.expand = expand
Tensor.expand_as = expand_as
Tensor.broadcast_to = broadcast_to
Tensor.permute = permute
Tensor.transpose = transpose
Tensor.swapaxes = Tensor.swapdims = transpose
Tensor.t = t
Tensor.adjoint = adjoint
Tensor.movedim = Tensor.moveaxis = movedim
Tensor.squeeze = squeeze
Tensor.unsqueeze = unsqueeze
Tensor.flatten = flatten
Tensor.unflatten = unflatten
Tensor.ravel = ravel
Tensor.select = select
Tensor.narrow = narrow
Tensor.split = _split_method
Tensor.chunk = chunk
Tensor.tensor_split = tensor_split
Tensor.unbind = unbind
Tensor.diagonal = diagonal
Tensor.diag = diag
Tensor.diag_embed = diag_embed
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
Tensor.T = property(_reversed_dims)
Tensor.mT = property(lambda self: _matrix_transpose(self, "mT"))
Tensor.H = property(_hermitian)
Tensor.mH = property(lambda self: _matrix_transpose(self, "mH"))
