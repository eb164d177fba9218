"""Views and reshaping: reshape/view, expand and broadcasting, permute/transpose,
squeeze/unsqueeze, flatten/unflatten, select/narrow and basic slicing, and diagonal (with diag
and diag_embed, which share its ops). Joining, splitting and rearranging copies are in
join.py.

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
from ..autograd.function import Op, named
from ..backend import xp_of
from ._dims import wrap_dim

# the public names (torch.*); view, expand and make_view are Tensor methods or helpers
__all__ = [
    "reshape", "broadcast_to", "broadcast_tensors", "broadcast_shapes", "permute", "transpose",
    "swapaxes", "swapdims", "t", "adjoint", "movedim", "moveaxis", "squeeze", "unsqueeze",
    "flatten", "unflatten", "ravel", "select", "narrow", "diagonal", "diag", "diag_embed",
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
    if grad_mode._state["inference_seen"]:
        grad_mode.mark_view(out, input)
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


def _infer_shape(shape, input_shape, op_name):
    """Resolve one -1 in `shape`, checking the element count, with torch's messages (and, for
    a count that does not fit, a shape that would)."""
    numel = math.prod(input_shape)
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
            raise RuntimeError(_size_mismatch(shape, input_shape, op_name))
        shape = tuple(numel // known if s == -1 else s for s in shape)
    elif known != numel:
        raise RuntimeError(_size_mismatch(shape, input_shape, op_name))
    return shape


def _size_mismatch(shape, input_shape, op_name):
    """torch's message for a shape whose element count is wrong, then a shape that fits.

    Without a -1, the fit changes the one dim of `shape` that makes the count right (keeping
    the most leading dims of the input, where several would); otherwise it keeps the input's
    leading dims and flattens the rest: the usual intent of view(-1, features) before a Linear.
    """
    numel = math.prod(input_shape)
    message = f"shape '{list(shape)}' is invalid for input of size {numel}"
    fit = _one_dim_fit(shape, input_shape) if -1 not in shape else None
    if fit is None and 1 <= len(shape) <= len(input_shape):
        fit = tuple(input_shape[:len(shape) - 1]) + (-1,)
    if fit is None or 0 in fit:
        return f"{message}. The input has shape {list(input_shape)}."
    rest = -math.prod(fit)  # the product of the other dims: fit holds one -1
    sizes = tuple(numel // rest if s == -1 else s for s in fit)
    return (f"{message}. The input has shape {list(input_shape)}: {numel} elements = "
            f"{' x '.join(map(str, sizes))}; did you mean {op_name}{_call_args(sizes)} or "
            f"{op_name}{_call_args(fit)}?")


def _call_args(shape):
    return f"({', '.join(map(str, shape))})"


def _one_dim_fit(shape, input_shape):
    """`shape` with -1 for one dim that, changed, makes the element count fit, or None."""
    numel = math.prod(input_shape)
    best = None
    for index in range(len(shape)):
        rest = math.prod(shape[:index] + shape[index + 1:])
        if rest == 0 or numel % rest:
            continue
        fixed = shape[:index] + (numel // rest,) + shape[index + 1:]
        kept = next((i for i, (a, b) in enumerate(zip(fixed, input_shape)) if a != b),
                    builtins.min(len(fixed), len(input_shape)))
        if best is None or kept >= best[0]:
            best = (kept, shape[:index] + (-1,) + shape[index + 1:])
    return best[1] if best else None


class Reshape(Op):
    """y = x with a new shape (a view when the layout allows);  grad_x = g reshaped back."""

    node_name = "ViewBackward0"

    @staticmethod
    def forward(ctx, x, shape, must_view):
        ctx.input_shape = x.shape
        if must_view:
            out = x.view()
            try:
                out.shape = shape
            except AttributeError:
                sizes = _call_args(shape)
                raise RuntimeError(
                    "view size is not compatible with input tensor's size and stride (at least "
                    "one dimension spans across two contiguous subspaces). Use .reshape(...) "
                    f"instead. The input of shape {list(x.shape)} is not contiguous (made by "
                    f"transpose, permute, expand or a strided slice): .reshape{sizes} copies "
                    f"only when it must, or .contiguous().view{sizes} copies first."
                ) from None
            return out
        return x.reshape(shape)

    @staticmethod
    def backward(ctx, grad):
        return grad.reshape(ctx.input_shape), None, None


def sizes_from(args, keyword, name, op_name):
    """Sizes given as varargs, as one tuple or by keyword: torch takes x.view(2, 3),
    x.view((2, 3)) and x.view(size=(2, 3)) alike."""
    if keyword is None:
        return args
    if args:
        raise TypeError(f"{op_name}() got multiple values for argument '{name}'")
    return (keyword,)


def reshape(input, *args, shape=None):
    """The same elements in a new shape; one dim may be -1. Shares memory when it can.

    Example:
        >>> ember.arange(6).reshape(2, -1).shape
        ember.Size([2, 3])
    """
    shape = _shape_args(sizes_from(args, shape, "shape", "reshape"), "reshape")
    shape = _infer_shape(shape, input._data.shape, "reshape")
    out = make_view(Reshape.apply(input, shape, False), input, reshape, shape)
    if out._base is None:  # reshape copied: torch's _unsafe_view of a contiguous copy
        named(out, "UnsafeViewBackward0")
    return out


def view(input, *args, size=None, dtype=None):
    """Like reshape, but always shares memory, and fails where that is impossible.

    view(dtype) reinterprets the bytes as another dtype; with a different item size the last
    dim shrinks or grows (it must be contiguous).
    """
    if dtype is not None:
        if args or size is not None:
            raise TypeError("view() takes either sizes or dtype=, not both")
        return _view_dtype(input, dtype)
    if len(args) == 1 and not isinstance(args[0], (tuple, list, builtins.int, Tensor)):
        return _view_dtype(input, args[0])
    shape = _shape_args(sizes_from(args, size, "size", "view"), "view")
    shape = _infer_shape(shape, input._data.shape, "view")
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


def expand(input, *args, size=None, implicit=False):
    """Broadcast to the given sizes without copying; -1 keeps a dim; new dims go in front.
    (implicit, torch's flag for expansions its tracer inserted, changes nothing.)"""
    sizes = _shape_args(sizes_from(args, size, "size", "expand"), "expand")
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


def permute(input, *order, dims=None):
    """Reorder the dims (a view): out.shape[i] = input.shape[dims[i]]; the order is given as
    ints (x.permute(1, 0)), one sequence, or dims=."""
    dims = _shape_args(order if dims is None else (dims,), "permute")
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
        return named(input.view(input.shape), "TransposeBackward0")
    order = list(range(ndim))
    order[dim0], order[dim1] = dim1, dim0
    order = tuple(order)
    out = _mark_view(Permute.apply(input, order), input, permute, (order,))
    return named(out, "TransposeBackward0")


def swapaxes(input, axis0, axis1):
    """transpose(input, axis0, axis1), under numpy's argument names (torch.swapaxes)."""
    return transpose(input, axis0, axis1)


swapdims = transpose


def t(input):
    """Transpose a matrix (a view); 0-d and 1-d tensors come back as they are."""
    ndim = input._data.ndim
    if ndim > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {ndim}D")
    out = transpose(input, 0, 1) if ndim == 2 else reshape(input, input._data.shape)
    return named(out, "TBackward0")


def _matrix_transpose(input, name):
    if input._data.ndim < 2:
        raise RuntimeError(f"tensor.{name} is only supported on matrices or batches of "
                           f"matrices. Got {input._data.ndim}-D tensor.")
    return transpose(input, -2, -1)


def adjoint(input):
    """The conjugate transpose of the last two dims (input.mT for a real tensor)."""
    return _matrix_transpose(input, "adjoint()").conj()


def _reversed_dims(input):
    return permute(input, tuple(reversed(range(input._data.ndim))))


def _hermitian(input):
    if input._data.ndim not in (0, 2):
        raise RuntimeError(f"tensor.H is only supported on matrices (2-D tensors). Got "
                           f"{input._data.ndim}-D tensor.")
    return _reversed_dims(input).conj()


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
        node_name = "SqueezeBackward0"
    else:
        several = isinstance(dim, (tuple, list))
        node_name = "SqueezeBackward2" if several else "SqueezeBackward1"
        dims = dim if several else (dim,)
        dims = tuple(i for i in (wrap_dim(d, len(shape), "squeeze") for d in dims)
                     if len(shape) and shape[i] == 1)
    out = reshape(input, tuple(s for i, s in enumerate(shape) if i not in dims))
    return named(out, node_name)


def unsqueeze(input, dim):
    """Insert a dim of size 1 at `dim` (negative dims count from the new end)."""
    ndim = input._data.ndim
    dim = wrap_dim(dim, ndim + 1, "unsqueeze")
    shape = input._data.shape
    return named(reshape(input, shape[:dim] + (1,) + shape[dim:]), "UnsqueezeBackward0")


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


# -- slicing views: select, narrow, diagonal ----------------------------------------------

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
    if isinstance(start, Tensor) and (start._data.ndim or start._data.dtype.kind not in "iu"):
        raise RuntimeError(f"start must be an 0-dim integral Tensor. Got a tensor of shape "
                           f"{list(start.shape)} and dtype {start.dtype}")
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


def diag(input, diagonal=0, *, out=None):
    """1-D input: a square matrix with input on its `diagonal`-th diagonal. 2-D input: a copy
    of that diagonal."""
    if out is not None:
        from ._out import write_exact
        return write_exact(out, diag(input, diagonal), "diag", (input,))
    ndim = input._data.ndim
    if ndim == 1:
        return diag_embed(input, diagonal, 0, 1)
    if ndim == 2:
        return Diagonal.apply(input, diagonal, 0, 1).clone()
    raise RuntimeError(f"diag(): Supports 1D or 2D tensors. Got {ndim}D")


# -- Tensor methods -----------------------------------------------------------------------

Tensor.reshape = reshape
Tensor.view = view
Tensor.view_as = lambda self, other: view(self, other.shape)
Tensor.reshape_as = lambda self, other: reshape(self, other.shape)
Tensor.expand = expand
Tensor.expand_as = expand_as
Tensor.broadcast_to = broadcast_to
Tensor.permute = permute
Tensor.transpose = transpose
Tensor.swapaxes = swapaxes
Tensor.swapdims = transpose
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
Tensor.diagonal = diagonal
Tensor.diag = diag
Tensor.diag_embed = diag_embed
Tensor.T = property(_reversed_dims)
Tensor.mT = property(lambda self: _matrix_transpose(self, "mT"))
Tensor.H = property(_hermitian)
Tensor.mH = property(lambda self: _matrix_transpose(self, "mH").conj())
