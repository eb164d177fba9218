"""Shape ops: view/reshape, expand, permute/transpose, squeeze/unsqueeze, flatten, and (below)
the rest of the family.

View ops return tensors that share memory (and the version counter) with their input, as in
torch; they remember how they were made from their base (`_view_fn`), so that an in-place
change through a view can be replayed on the base's graph (see ops/_inplace.py).
"""
import builtins

from .._tensor import Tensor
from ..autograd.function import Op
from ._dims import wrap_dim

__all__ = ["reshape", "view", "expand", "expand_as", "permute", "transpose", "swapaxes",
           "swapdims", "squeeze", "unsqueeze", "flatten", "make_view"]


def make_view(out, input, fn, *args):
    """Mark `out` as a view of `input` made by fn(input, *args)."""
    if out._data.base is None and out._data is not input._data:
        return out  # the op had to copy: not a view
    base = input if input._base is None else input._base
    out._base = base
    out._version = input._version
    step = ((fn, args),)
    out._view_fn = step if input._base is None else input._view_fn + step
    return out


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
    """The same elements in a new shape; one dim may be -1. Shares memory when it can."""
    shape = _infer_shape(_shape_args(shape, "reshape"), input._data.size, "reshape")
    return make_view(Reshape.apply(input, shape, False), input, reshape, shape)


def view(input, *shape):
    """Like reshape, but always shares memory, and fails where that is impossible.

    view(dtype) reinterprets the bytes as another dtype of the same size.
    """
    if len(shape) == 1 and not isinstance(shape[0], (tuple, list, builtins.int, Tensor)):
        return _view_dtype(input, shape[0])
    shape = _infer_shape(_shape_args(shape, "view"), input._data.size, "view")
    return make_view(Reshape.apply(input, shape, True), input, view, shape)


def _view_dtype(input, dtype):
    from .. import _dtype
    dtype = _dtype.to_dtype(dtype)
    if dtype.itemsize != input.dtype.itemsize:
        raise RuntimeError(
            f"view(dtype): {input.dtype} and {dtype} differ in size; ember supports only "
            f"same-size reinterpretation")
    out = Tensor._make(input._data.view(dtype.np))
    return make_view(out, input, _view_dtype, dtype)


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
    return make_view(Expand.apply(input, shape), input, expand, shape)


def expand_as(input, other):
    return expand(input, other.shape)


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
    return make_view(Permute.apply(input, dims), input, permute, dims)


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
    return permute(input, order)


swapaxes = swapdims = transpose


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


# -- Tensor methods -----------------------------------------------------------------------

Tensor.reshape = reshape
Tensor.view = view
Tensor.view_as = lambda self, other: view(self, other.shape)
Tensor.reshape_as = lambda self, other: reshape(self, other.shape)
Tensor.expand = expand
Tensor.expand_as = expand_as
Tensor.permute = permute
Tensor.transpose = transpose
Tensor.swapaxes = Tensor.swapdims = transpose
Tensor.squeeze = squeeze
Tensor.unsqueeze = unsqueeze
Tensor.flatten = flatten
Tensor.T = property(lambda self: permute(self, tuple(reversed(range(self._data.ndim)))))
Tensor.mT = property(lambda self: transpose(self, -2, -1))
