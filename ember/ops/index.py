"""Indexing: Tensor[...] reads and writes, gather/scatter, index_* and masked ops, nonzero,
and `rebase_view`, which makes an in-place change through a view visible to its base's graph.

Every op here is one of two array operations with its adjoint: `Index` (y = x[key], a copy)
and `IndexPut` (y = x with y[key] = v, or += v). gather, index_select, take and masked_select
build a key and call Index; scatter, index_add, index_copy, index_fill, index_put and
masked_scatter call IndexPut; so their gradients (and second derivatives) come from these two.

NOTE [ torch's two-stage indexing ]
torch applies the ints, slices, None and Ellipsis of an index first (a view), and only then
the index tensors, to what is left. numpy instead treats an int next to an index array as
one more (broadcast) index array, which moves the result's dims: for x of shape (2, 3, 4),
x[0, :, [1, 2]] is (3, 2) in torch but (2, 3) in numpy. `_parse_key` splits an index into
those two stages, so numpy only ever sees index arrays together with full slices.
"""
import builtins
import warnings

import numpy as np

from .. import _dtype
from .._dtype import DIFFERENTIABLE_NP, FLOAT_NP, scalar_type_name
from .._tensor import Tensor, dtype_name
from ..autograd import grad_mode
from ..autograd.function import Node, Op, named
from ..backend import _BY_ARRAY_TYPE, xp_of
from ._dims import wrap_dim
from ._inplace import apply_inplace, inplace_method
from ._out import check_no_overlap, write_exact
from .shape import (_view_dtype, broadcast_tensors, expand, live_views, narrow, replay_view,
                    reshape, select, slice_view)

__all__ = [
    "gather", "scatter", "scatter_add", "scatter_reduce", "index_select", "index_add",
    "index_copy", "index_fill", "index_put", "masked_fill", "masked_select", "masked_scatter",
    "take", "take_along_dim", "put", "nonzero", "nonzero_static", "argwhere",
]


# -- the two array operations -------------------------------------------------------------

class Index(Op):
    """y = x[key] with index arrays in key (a copy);  grad_x = zeros of x's shape with g
    added at key (repeated indices accumulate)."""

    @staticmethod
    def forward(ctx, x, key):
        ctx.input_shape, ctx.key = x.shape, key
        try:
            return x[key]
        except IndexError as error:  # see _CHECKS_BOUNDS
            raise IndexError(str(error).replace(" axis ", " dimension ")) from None

    @staticmethod
    def backward(ctx, grad):
        return IndexPut.apply(None, grad, ctx.key, True, ctx.input_shape), None


class IndexPut(Op):
    """y = x with y[key] = v (y[key] += v when accumulating; x None stands for zeros of
    `shape`);  grad_x = g, zeroed at key unless accumulating;  grad_v = g[key] summed to v's
    shape."""

    @staticmethod
    def forward(ctx, x, values, key, accumulate, shape):
        xp = ctx.xp
        ctx.key, ctx.accumulate = key, accumulate
        ctx.values_shape = getattr(values, "shape", ())
        out = xp.zeros(shape, values.dtype) if x is None else x.copy()
        try:
            if not accumulate:
                out[key] = values
            elif builtins.any(getattr(k, "dtype", bool) != bool for k in key):
                xp.add.at(out, key, values)  # repeated indices each add their value
            else:
                out[key] += values  # slices and masks reach each element once
        except ValueError:
            raise RuntimeError(
                f"shape mismatch: value tensor of shape {list(ctx.values_shape)} cannot be "
                f"broadcast to indexing result of shape {list(out[key].shape)}") from None
        except IndexError as error:  # see _CHECKS_BOUNDS
            raise IndexError(str(error).replace(" axis ", " dimension ")) from None
        return out

    @staticmethod
    def backward(ctx, grad):
        from .elementwise import sum_to
        need_x, need_values = ctx.needs_input_grad[:2]
        grad_x = grad_values = None
        if need_x:
            grad_x = grad if ctx.accumulate else IndexPut.apply(grad, 0, ctx.key, False, None)
        if need_values:
            grad_values = sum_to(Index.apply(grad, ctx.key), ctx.values_shape)
        return grad_x, grad_values, None, None, None


# The same two ops under torch's names, so that graphs and profiles name the op that ran.
class Gather(Index):
    """gather(): Index with an along-dim key."""


class IndexSelect(Index):
    """index_select(): Index with one index vector."""


class Take(Index):
    """take(): Index into the flattened input."""


class MaskedSelect(Index):
    """masked_select(): Index with a mask."""


class Scatter(IndexPut):
    """scatter(): IndexPut with an along-dim key."""


class ScatterAdd(IndexPut):
    """scatter_add(): accumulating IndexPut with an along-dim key."""


class IndexAdd(IndexPut):
    """index_add(): accumulating IndexPut with one index vector."""


class IndexCopy(IndexPut):
    """index_copy(): IndexPut with one index vector."""


class IndexFill(IndexPut):
    """index_fill(): IndexPut of one value."""


class MaskedScatter(IndexPut):
    """masked_scatter(): IndexPut with a mask."""


class Put(IndexPut):
    """put(): IndexPut into the flattened input."""


# Array types whose indexing raises IndexError for an out-of-bounds index by itself, with
# torch's message but for "axis" (numpy does; CuPy wraps around silently, so indices into
# CuPy arrays are checked before use).
_CHECKS_BOUNDS = frozenset({np.ndarray})


def _on_device_of(array, tensor):
    """An index array moved to the device of the tensor it indexes."""
    if type(array) is type(tensor._data):
        return array
    return _BY_ARRAY_TYPE[type(tensor._data)].to_device(array, tensor.device)


def _check_range(array, size, dim, negative_ok=True, error=IndexError, prefix=""):
    """torch's bounds check of an index array against a dim of `size`."""
    if array.size == 0:
        return
    low, high = builtins.int(array.min()), builtins.int(array.max())
    if high >= size:
        bad = high
    elif low < (-size if negative_ok else 0):
        bad = low
    else:
        return
    raise error(f"{prefix}index {bad} is out of bounds for dimension {dim} with size {size}")


# -- Tensor[key] ----------------------------------------------------------------------------

def _sequence_as_tuple(key):
    """torch's (numpy's old) rule: x[[0, slice(None)]] means x[0, :], and so does any short
    list holding a tensor, a sequence, a slice, None or Ellipsis; x[[0, 1]] is one index."""
    if type(key) is not list or len(key) >= 32:
        return False
    return builtins.any(isinstance(k, (Tensor, list, tuple, slice)) or k is None or k is Ellipsis
                        for k in key)


def _index_item(item, tensor):
    """One entry of an index as an int, a slice of ints, None, Ellipsis or an index array
    (integer or bool) on the tensor's device."""
    kind = type(item)
    if kind is builtins.int or item is None or item is Ellipsis:
        return item
    if kind is slice:
        start, stop, step = (None if s is None else s.__index__()
                             for s in (item.start, item.stop, item.step))
        if step is not None and step <= 0:
            raise ValueError("step must be greater than zero")
        return slice(start, stop, step)
    if kind is builtins.bool or kind is np.bool_:
        return _on_device_of(np.asarray(item), tensor)
    if isinstance(item, Tensor):
        array = _index_array(item._data, tensor)
        return builtins.int(array) if array.ndim == 0 and array.dtype != bool else array
    if isinstance(item, (list, tuple, np.ndarray)):
        array = np.asarray(item)
        return _index_array(array.astype(np.int64) if array.size == 0 else array, tensor)
    if hasattr(item, "__index__"):
        return item.__index__()
    if kind is str:  # torch tries to read a str as a sequence of indices, and fails so
        raise TypeError(f"a str is not a valid index (got {item!r})")
    raise IndexError(f"only integers, slices (`:`), ellipsis (`...`), None and long or byte "
                     f"Variables are valid indices (got {kind.__name__})")


def _index_array(array, tensor):
    """An index array as bool (a mask) or integers, on the device of `tensor`."""
    if array.dtype == np.uint8:  # torch's legacy byte masks
        array = array.astype(bool)
    elif array.dtype.kind not in "biu":
        raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
    return _on_device_of(array, tensor)


def _check_array(array, shape, dim, out_dim):
    """Bounds of an index array used at `dim` of a tensor of `shape` (out_dim: the same dim
    after the basic stage, which torch's messages name); masks must match the dims they
    cover."""
    if array.dtype == bool:
        for i, size in enumerate(array.shape):
            if size != shape[dim + i]:
                raise IndexError(
                    f"The shape of the mask {list(array.shape)} at index {i} does not match the "
                    f"shape of the indexed tensor {list(shape)} at index {dim + i}")
    elif type(array) not in _CHECKS_BOUNDS:
        _check_range(array, shape[dim], out_dim)


def _dims_used(item):
    if item is None or item is Ellipsis:
        return 0
    if type(item) in (builtins.int, slice):
        return 1
    return item.ndim if item.dtype == bool else 1


def _parse_key(tensor, key):
    """Split an index into torch's two stages (see NOTE [ torch's two-stage indexing ]).

    Returns (basic, advanced): basic is a tuple of ints, slices and None ending in Ellipsis
    (so numpy returns a view, even a 0-d one); advanced is None, or a tuple of index arrays
    and full slices to apply to input[basic].
    """
    if not isinstance(key, tuple):
        if _sequence_as_tuple(key):
            warnings.warn("Using a non-tuple sequence for multidimensional indexing is "
                          "deprecated (torch will read it as one index tensor); use "
                          "x[tuple(seq)] instead of x[seq]", UserWarning, stacklevel=3)
            key = tuple(key)
        else:
            key = (key,)
    shape = tensor._data.shape
    ndim = len(shape)
    items = [_index_item(item, tensor) for item in key]
    used = builtins.sum(_dims_used(item) for item in items)
    if used > ndim:
        if ndim == 0:
            raise IndexError("invalid index of a 0-dim tensor. Use `tensor.item()` in Python "
                             "or `tensor.item<T>()` in C++ to convert a 0-dim tensor to a number")
        raise IndexError(f"too many indices for tensor of dimension {ndim}")
    basic, advanced = [], []
    dim = 0      # the dim of `tensor` the next item indexes
    out_dim = 0  # the same dim in input[basic]
    seen_ellipsis = has_arrays = False
    for item in items:
        if item is Ellipsis:
            if seen_ellipsis:
                raise IndexError("an index can only have a single ellipsis ('...')")
            seen_ellipsis = True
            basic.append(Ellipsis)
            # spelled out: an Ellipsis of no dims between two index arrays must not separate
            # them (for numpy it would, moving their dims to the front)
            advanced.extend([slice(None)] * (ndim - used))
            dim += ndim - used
            out_dim += ndim - used
        elif item is None:
            basic.append(None)
            advanced.append(slice(None))
            out_dim += 1
        elif type(item) is builtins.int:
            if not -shape[dim] <= item < shape[dim]:
                raise IndexError(f"index {item} is out of bounds for dimension {dim} with size "
                                 f"{shape[dim]}")
            basic.append(item)
            dim += 1
        elif type(item) is slice:
            basic.append(item)
            advanced.append(slice(None))
            dim += 1
            out_dim += 1
        else:
            has_arrays = True
            count = _dims_used(item)
            _check_array(item, shape, dim, out_dim)
            basic.extend([slice(None)] * count)
            advanced.append(item)
            dim += count
            out_dim += count
    if not seen_ellipsis:
        basic.append(Ellipsis)
    return tuple(basic), (tuple(advanced) if has_arrays else None)


def _is_full(basic):
    """Whether a basic key selects everything as it is (only full slices and Ellipsis)."""
    return builtins.all(b is Ellipsis or b == slice(None) for b in basic)


def _getitem(self, key):
    """self[key]: basic indexing gives a view; index tensors, lists and masks give a copy.

    Example:
        >>> x = ember.arange(6).reshape(2, 3)
        >>> x[1, 1:], x[:, [2, 0]].tolist(), x[x > 3]
        (tensor([4, 5]), [[2, 0], [5, 3]], tensor([4, 5]))
    """
    kind = type(key)
    if kind is builtins.int:  # the common x[i] and x[index]: skip the general parse
        shape = self._data.shape
        if shape and -shape[0] <= key < shape[0]:
            return select(self, 0, key)
    elif kind is Tensor and key._data.ndim and key._data.dtype.kind == "i" and self._data.ndim:
        array = _on_device_of(key._data, self)
        if type(array) not in _CHECKS_BOUNDS:
            _check_range(array, self._data.shape[0], 0)
        return Index.apply(self, (array,))
    basic, advanced = _parse_key(self, key)
    if advanced is None:
        out = slice_view(self, basic)
        return out if out.grad_fn is None else named(out, _basic_node_name(basic))
    return Index.apply(self if _is_full(basic) else slice_view(self, basic), advanced)


def _basic_node_name(basic):
    """torch's name for a basic index's node: that of its last step, as torch takes one step
    per item (unsqueeze for None, select for an int) and skips full slices."""
    for item in reversed(basic):
        if item is None:
            return "UnsqueezeBackward0"
        if type(item) is builtins.int:
            return "SelectBackward0"
        if item is not Ellipsis and item != _FULL:
            break
    return "SliceBackward0"


_FULL = slice(None)


def _is_number(value):
    return isinstance(value, (builtins.int, builtins.float, builtins.bool, builtins.complex,
                              np.number, np.bool_))


def _put(old, key, value):
    """old with old[key] = value, recorded (setitem's function for apply_inplace)."""
    if isinstance(value, Tensor) and value._data.dtype is not old._data.dtype:
        value = value.to(old.dtype)
    return IndexPut.apply(old, value, key, False, None)


def _setitem(self, key, value):
    """self[key] = value (a number or a tensor broadcast to self[key]), in place.

    Inside the graph the write is recorded: the old values at key get no gradient, and value
    gets the gradient that reaches self[key].
    """
    basic, advanced = _parse_key(self, key)
    if isinstance(value, Tensor):
        if type(value._data) is not type(self._data):
            if value._data.ndim:
                raise RuntimeError(
                    f"setitem: value on {value.device} can't be written into a tensor on "
                    f"{self.device}; move it with .to({str(self.device)!r}) first")
            value = value.item()
        else:
            ones = 0  # torch drops leading size-1 dims of value (they broadcast anyway)
            while ones < value._data.ndim and value._data.shape[ones] == 1:
                ones += 1
            if ones:
                value = reshape(value, value._data.shape[ones:])
            if value._data.dtype.kind == "c" and self._data.dtype.kind != "c":
                value = value.to(self.dtype)  # with torch's warning, which numpy's replaces
    elif value.__class__ is builtins.complex:
        value = _dtype.real_number(value, self.dtype)
    elif not _is_number(value):
        raise TypeError(f"can't assign a {type(value).__name__} to a {dtype_name(self._data)}; "
                        f"wrap it in ember.tensor(...) first")
    put_key = (Ellipsis,) if advanced is None else advanced
    value_grad = isinstance(value, Tensor) and value._requires_grad
    if not (grad_mode._state["enabled"] and (self._requires_grad or value_grad)):
        target = self._data if _is_full(basic) else self._data[basic]
        values = value._data if isinstance(value, Tensor) else value
        try:
            target[put_key] = values
        except ValueError as error:
            if "read-only" in str(error):
                raise RuntimeError(
                    "unsupported operation: more than one element of the written-to tensor "
                    "refers to a single memory location (an expand()ed tensor?). Please "
                    "clone() the tensor before performing the operation.") from None
            raise RuntimeError(
                f"shape mismatch: value tensor of shape {list(getattr(values, 'shape', ()))} "
                f"cannot be broadcast to indexing result of shape "
                f"{list(target[put_key].shape)}") from None
        self._version[0] += 1
        return
    target = self if _is_full(basic) else slice_view(self, basic)
    apply_inplace(target, _put, (put_key, value), {}, "copy_" if advanced is None else
                  "index_put_")


# -- in-place changes through views -------------------------------------------------------

class _CopySlicesNode(Node):
    def name(self):
        return "CopySlices"


class CopySlices(Op):
    """base' = base with the region view_fn(base) replaced by a view's new value;
    grad_base = g with that region zeroed,  grad_view = view_fn(g)."""

    _node_base = _CopySlicesNode

    @staticmethod
    def forward(ctx, base, view, view_fn):
        xp = ctx.xp
        # The flat positions of the view's elements in the base, found by replaying the view
        # on an arange, so that backward can zero exactly that region of the gradient.
        positions = Tensor._make(xp.arange(base.size).reshape(base.shape))
        with grad_mode.no_grad():
            ctx.region = (replay_view(positions, view_fn)._data.reshape(-1),)
        ctx.shape, ctx.view_fn = base.shape, view_fn
        return base

    @staticmethod
    def backward(ctx, grad):
        need_base, need_view = ctx.needs_input_grad[:2]
        grad_base = grad_view = None
        if need_base:
            grad_base = IndexPut.apply(grad.reshape(-1), 0, ctx.region, False, None)
            grad_base = grad_base.reshape(ctx.shape)
        if need_view:
            grad_view = replay_view(grad, ctx.view_fn)
        return grad_base, grad_view, None


def _refresh_view(view, view_fn):
    """Give a view the grad_fn of the same view taken from its base now."""
    fresh = replay_view(view._base, view_fn)
    view.grad_fn, view._output_nr = fresh.grad_fn, fresh._output_nr
    view._requires_grad = fresh._requires_grad


def rebase_view(view):
    """After an in-place op on `view` (its data written, its grad_fn the op's node), make its
    base's graph see the change: the base gets a CopySlices node whose inputs are its old
    graph and the view's new value, and the view, with every other live view that overlaps
    it (h in `h = y.t(); h[0].mul_(2)`), becomes a view of that new base again.
    """
    base = view._base
    if not (base._requires_grad or view._requires_grad):
        return
    view_fn = view._view_fn or ()  # None: an alias of the whole base (Tensor._alias)
    if builtins.any(fn is _view_dtype for fn, _ in view_fn):
        raise RuntimeError("an in-place change through a view(dtype) of a tensor that is part "
                           "of the graph can't be differentiated; change a clone instead")
    old_base = Tensor._make(base._data, base._requires_grad)
    old_base.grad_fn, old_base._output_nr = base.grad_fn, base._output_nr
    new_base = CopySlices.apply(old_base, view, view_fn)
    base.grad_fn, base._output_nr, base._requires_grad = new_base.grad_fn, 0, True
    _refresh_view(view, view_fn)
    refresh_views(base, view)


def refresh_views(base, changed=None):
    """After base (or its view `changed`) changed in place inside the graph: give each live
    view of base that overlaps the change the grad_fn of the same view taken now. See
    NOTE [ Live views ] in shape.py."""
    region = (base if changed is None else changed)._data
    may_share_memory = xp_of(region).may_share_memory
    for view in live_views(base):
        # (a view that shares no memory with its base lost it to `base.data = ...`)
        if view is not changed and may_share_memory(view._data, region):
            _refresh_view(view, view._view_fn or ())


# -- gather and scatter -------------------------------------------------------------------

def _check_index_dtype(index, op_name):
    if not isinstance(index, Tensor):
        raise TypeError(f"{op_name}(): argument 'index' must be Tensor, not "
                        f"{type(index).__name__}")
    if index._data.dtype.kind != "i" or index._data.dtype.itemsize < 4:
        raise RuntimeError(f"{op_name}(): Expected dtype int32 or int64 for index, got "
                           f"{index.dtype}")


def _along_dim_key(xp, index, dim):
    """The key that pairs index[i][j][k] with position (i, index[i][j][k], k) for dim=1:
    the index along `dim`, broadcast aranges along the other dims."""
    ndim = index.ndim
    return tuple(index if d == dim else xp.arange(n).reshape((n,) + (1,) * (ndim - d - 1))
                 for d, n in enumerate(index.shape))


def _check_scatter_args(op_name, input, dim, index, src):
    """torch's checks of gather/scatter arguments; returns dim wrapped."""
    shape, index_shape = input._data.shape, index._data.shape
    dim = wrap_dim(dim, len(shape), op_name)
    if isinstance(index, Tensor) and index._data.size == 0:
        return dim  # torch checks nothing of an empty index: the op is a no-op
    _check_index_dtype(index, op_name)
    # torch counts a 0-d tensor as 1-d here (ensure_nonempty_dim)
    if builtins.max(len(index_shape), 1) != builtins.max(len(shape), 1):
        raise RuntimeError(f"{op_name}(): Index tensor must have the same number of dimensions "
                           f"as {'input' if src is None else 'self'} tensor")
    src_shape = None if src is None or not isinstance(src, Tensor) else src._data.shape
    for d, n in enumerate(index_shape):
        if (d != dim and n > shape[d]) or (src_shape is not None and n > src_shape[d]):
            what = "" if src_shape is None else f" and to be no larger size than src " \
                                                f"{list(src_shape)}"
            raise RuntimeError(
                f"{op_name}(): Expected index {list(index_shape)} to be no larger than self "
                f"{list(shape)} apart from dimension {dim}{what}")
    if shape:
        _check_range(index._data, shape[dim], dim, negative_ok=False, error=RuntimeError)
    return dim


def _scatter_nothing(input, src, op_name):
    """The result of a scatter with an empty index (torch still checks src's dtype)."""
    if isinstance(src, Tensor) and src._data.dtype is not input._data.dtype:
        raise RuntimeError(f"{op_name}(): Expected self.dtype to be equal to src.dtype")
    return input.clone()


def _scatter_as_1d(op, input, dim, index, src, *args, **kwargs):
    """op on input, index and src with a 0-d one among them taken as 1-d (as torch does), or
    None where input and index have the same number of dims."""
    if input._data.ndim == index._data.ndim:
        return None
    if isinstance(src, Tensor) and src._data.ndim == 0:
        src = src.reshape(1)
    return op(input.reshape(-1), dim, index.reshape(-1), src, *args, **kwargs).reshape(input.shape)


def _region_of(src, shape):
    """src's leading block of `shape` (scatter reads only as much of src as index covers)."""
    if src._data.shape == shape:
        return src
    return slice_view(src, tuple(slice(0, n) for n in shape) + (Ellipsis,))


def gather(input, dim, index, *, sparse_grad=False, out=None):
    """out[i][j][k] = input[index[i][j][k]][j][k] for dim=0 (likewise for other dims).

    Differs from PyTorch: sparse_grad is accepted and ignored (ember has no sparse tensors).

    Example:
        >>> ember.tensor([[1, 2], [3, 4]]).gather(1, ember.tensor([[0, 0], [1, 0]]))
        tensor([[1, 1],
                [4, 3]])
    """
    dim = _check_scatter_args("gather", input, dim, index, None)
    if index._data.size == 0:
        from .creation import empty
        result = empty(index.shape, dtype=input.dtype, device=input.device)
        return result if out is None else write_exact(out, result, "gather", (input, index))
    if input._data.ndim != index._data.ndim or input._data.ndim == 0:
        result = gather(input.reshape(-1), 0, index.reshape(-1)).reshape(index.shape)
        return result if out is None else write_exact(out, result, "gather", (input, index))
    result = Gather.apply(input, _along_dim_key(xp_of(input._data), index._data, dim))
    return result if out is None else write_exact(out, result, "gather", (input, index))


def _scatter_values(input, index, src, value, op_name):
    if src is None:
        return _dtype.real_number(value, input.dtype)
    if src._data.dtype is not input._data.dtype:
        raise RuntimeError(f"{op_name}(): Expected self.dtype to be equal to src.dtype")
    return _region_of(src, index._data.shape)


def scatter(input, dim, index, src=None, *, value=None, reduce=None, out=None):
    """out = input with out[index[i][j][k]][j][k] = src[i][j][k] for dim=0 (or = value);
    with reduce='add' or 'multiply', combined instead of replaced.

    Differs from PyTorch: with `reduce`, the result has a gradient (torch's has none).
    """
    if out is not None:
        result = scatter(input, dim, index, src, value=value, reduce=reduce)
        return write_exact(out, result, "scatter", (input, index, src))
    if src is not None and not isinstance(src, Tensor):
        src, value = None, src
    if src is None and value is None:
        raise TypeError("scatter() missing required argument 'src' or 'value'")
    if reduce is not None:
        if reduce not in ("add", "multiply"):
            raise RuntimeError("reduce argument must be either add or multiply.")
        if src is None:
            from .creation import full
            src = full(index.shape, value, dtype=input.dtype, device=input.device)
        return scatter_reduce(input, dim, index, _region_of(src, index._data.shape),
                              "sum" if reduce == "add" else "prod")
    dim = _check_scatter_args("scatter", input, dim, index, src)
    if index._data.size == 0:
        return _scatter_nothing(input, src, "scatter")
    as_1d = _scatter_as_1d(scatter, input, dim, index, src, value=value)
    if as_1d is not None:
        return as_1d
    values = _scatter_values(input, index, src, value, "scatter")
    key = _along_dim_key(xp_of(input._data), index._data, dim)
    return Scatter.apply(input, values, key, False, None)


def scatter_add(input, dim, index, src):
    """out = input with src[i][j][k] added at out[index[i][j][k]][j][k] (dim=0); repeated
    indices accumulate."""
    dim = _check_scatter_args("scatter_add", input, dim, index, src)
    if index._data.size == 0:
        return _scatter_nothing(input, src, "scatter_add")
    as_1d = _scatter_as_1d(scatter_add, input, dim, index, src)
    if as_1d is not None:
        return as_1d
    values = _scatter_values(input, index, src, None, "scatter_add")
    key = _along_dim_key(xp_of(input._data), index._data, dim)
    return ScatterAdd.apply(input, values, key, True, None)


_REDUCE_AT = {"sum": "add", "mean": "add", "prod": "multiply", "amax": "maximum",
              "amin": "minimum"}


class ScatterReduce(Op):
    """y = x with each src element combined (sum, prod, mean, amax, amin) into the position
    its index names; include_self=False leaves x's own value out where anything lands.
    Gradients: torch's formulas (FunctionsManual.cpp, scatter_reduce_backward) -- mean divides
    g by the counts, prod by the other factors (handling zeros), amax/amin split g evenly
    between the tied maxima."""

    @staticmethod
    def forward(ctx, x, src, key, reduce, include_self):
        xp = ctx.xp
        out = x.copy()
        if not include_self:
            out[key] = _reduce_identity(reduce, x.dtype)
        getattr(xp, _REDUCE_AT[reduce]).at(out, key, src)
        if reduce == "mean":
            count = xp.ones(x.shape, x.dtype) if include_self else xp.zeros(x.shape, x.dtype)
            xp.add.at(count, key, 1)
            count[count == 0] = 1
            out = out / count if x.dtype in DIFFERENTIABLE_NP else out // count
            ctx.count = count
        ctx.key, ctx.reduce, ctx.include_self = key, reduce, include_self
        if reduce in ("prod", "amax", "amin"):
            ctx.save_for_backward(x, src, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        from .compare import where
        key, reduce, include_self = ctx.key, ctx.reduce, ctx.include_self

        def gather_key(tensor):
            return Index.apply(tensor, key)

        if reduce == "sum":
            grad_self, grad_src = grad, gather_key(grad)
        elif reduce == "mean":
            count = Tensor._make(ctx.count)
            grad_self = grad / count
            grad_src = gather_key(grad) / gather_key(count)
        elif reduce == "prod":
            x, src, result = ctx.saved_tensors
            masked_self = x.masked_fill(x == 0, 1)
            masked_self_result = ScatterReduce.apply(masked_self, src, key, reduce, include_self)
            grad_self = grad * masked_self_result / masked_self
            src_zero = src == 0
            zeros = Tensor._make(ctx.xp.zeros(x.shape, x._data.dtype))
            src_num_zeros = gather_key(IndexPut.apply(zeros, src_zero.to(x.dtype), key, True,
                                                      None))
            # a zero that is alone at its position gets the product of the others there
            src_single_zero = src_zero & (src_num_zeros == 1)
            masked_src = src.masked_fill(src_single_zero, 1)
            masked_src_result = ScatterReduce.apply(x, masked_src, key, reduce, include_self)
            grad_src = where(src_single_zero, gather_key(grad * masked_src_result),
                             gather_key(grad * result) / src.masked_fill(src_zero, 1))
        else:
            x, src, result = ctx.saved_tensors
            value = gather_key(result)
            self_is_result = (x == result).to(x.dtype)
            src_is_result = (src == value).to(x.dtype)
            count = IndexPut.apply(self_is_result, src_is_result, key, True, None)
            grad_distributed = grad / count
            grad_self = self_is_result * grad_distributed
            grad_src = src_is_result * gather_key(grad_distributed)
        if not include_self:
            grad_self = IndexPut.apply(grad_self, 0, key, False, None)
        need_self, need_src = ctx.needs_input_grad[:2]
        return (grad_self if need_self else None), (grad_src if need_src else None), None, \
            None, None


def _reduce_identity(reduce, dtype):
    if reduce in ("sum", "mean"):
        return 0
    if reduce == "prod":
        return 1
    if dtype in FLOAT_NP:
        return -np.inf if reduce == "amax" else np.inf
    info = np.iinfo(dtype) if dtype.kind in "iu" else None
    if info is None:
        return reduce == "amin"
    return info.min if reduce == "amax" else info.max


def scatter_reduce(input, dim, index, src, reduce, *, include_self=True):
    """out = input with src[i][j][k] combined into out[index[i][j][k]][j][k] (dim=0) by
    `reduce`: "sum", "prod", "mean", "amax" or "amin".

    Example:
        >>> x = ember.zeros(2)
        >>> x.scatter_reduce(0, ember.tensor([0, 0, 1]), ember.tensor([1., 3., 5.]), "amax",
        ...                  include_self=False)
        tensor([3., 5.])
    """
    reduce = {"max": "amax", "min": "amin"}.get(reduce, reduce)  # torch's unlisted aliases
    if reduce not in _REDUCE_AT:
        raise RuntimeError(f"reduce argument must be either sum, prod, mean, amax or amin, got "
                           f"{reduce}")
    dim = _check_scatter_args("scatter_reduce", input, dim, index, src)
    if reduce in ("amax", "amin") and input._data.dtype.kind == "c":
        raise _dtype.unordered(f"scatter_reduce_{reduce}", input.dtype)
    if index._data.size == 0:
        return _scatter_nothing(input, src, "scatter_reduce")
    as_1d = _scatter_as_1d(scatter_reduce, input, dim, index, src, reduce,
                           include_self=include_self)
    if as_1d is not None:
        return as_1d
    values = _scatter_values(input, index, src, None, "scatter_reduce")
    key = _along_dim_key(xp_of(input._data), index._data, dim)
    return ScatterReduce.apply(input, values, key, reduce, include_self)


# -- index_select and the index_* family --------------------------------------------------

def _dim_index(op_name, input, dim, index):
    """(dim, key) for ops that index one dim with a vector of indices."""
    _check_index_dtype(index, op_name)
    if index._data.ndim > 1:
        raise IndexError(f"{op_name}(): Index is supposed to be a vector")
    dim = wrap_dim(dim, input._data.ndim, op_name)
    return dim, (slice(None),) * dim + (index._data.reshape(-1),)


# torch's errors for an index of other than one value into a 0-d tensor
_SCALAR_INDEX_ERRORS = {
    "index_select": (RuntimeError, "index_select(): Index to scalar can have only 1 value, got "
                                   "{} value(s)"),
    "index_add": (IndexError, "Dimension specified as 0 but tensor has no dimensions"),
    "index_copy": (IndexError, "index_copy_(): When source is scalar, index should have one "
                               "element (got {})"),
}


def _on_scalar(op, op_name, input, dim, index, source=None, *args, **kwargs):
    """op on a 0-d input as torch does it: on its (1,)-shaped view, with a 0-d source."""
    wrap_dim(dim, 0, op_name)
    _check_index_dtype(index, op_name)
    if op_name in _SCALAR_INDEX_ERRORS and index._data.size != 1:
        error, message = _SCALAR_INDEX_ERRORS[op_name]
        raise error(message.format(index._data.size))
    if isinstance(source, Tensor) and source._data.ndim == 0:
        source = source.reshape(1)
    args = args if source is None else (source,) + args
    return op(input.reshape(1), 0, index.reshape(-1), *args, **kwargs).reshape(())


def index_select(input, dim, index, *, out=None):
    """The slices of input along dim at the positions in index (a 1-D integer tensor).

    Example:
        >>> ember.arange(6).reshape(3, 2).index_select(0, ember.tensor([2, 0]))
        tensor([[4, 5],
                [0, 1]])
    """
    if input._data.ndim == 0:
        result = _on_scalar(index_select, "index_select", input, dim, index)
        return result if out is None else write_exact(
            out, result, "index_select", (input, index), _SAME_TYPE.format("index_select"))
    dim, key = _dim_index("index_select", input, dim, index)
    try:
        _check_range(key[-1], input._data.shape[dim], dim, negative_ok=False)
    except IndexError:
        raise IndexError("index out of range in self") from None
    result = IndexSelect.apply(input, key)
    return result if out is None else write_exact(
        out, result, "index_select", (input, index), _SAME_TYPE.format("index_select"))


def _check_source(op_name, input, dim, index, source):
    expected = list(input._data.shape)
    expected[dim] = index._data.size
    if list(source._data.shape) != expected:
        raise RuntimeError(
            f"{op_name}(): source tensor shape must match self tensor shape, excluding the "
            f"specified dimension. Got self.shape = {list(input.shape)} source.shape = "
            f"{list(source.shape)}")
    if source._data.dtype is not input._data.dtype:
        raise RuntimeError(f"{op_name}(): self ({input.dtype}) and source ({source.dtype}) "
                           f"must have the same scalar type")


def index_add(input, dim, index, source, *, alpha=1, out=None):
    """out = input with alpha * source's slices added at the positions in index along dim;
    repeated indices accumulate."""
    if input._data.ndim == 0:
        result = _on_scalar(index_add, "index_add", input, dim, index, source, alpha=alpha)
        return result if out is None else _write(out, result)
    dim, key = _dim_index("index_add", input, dim, index)
    _check_source("index_add", input, dim, index, source)
    _check_range(key[-1], input._data.shape[dim], dim, negative_ok=False, error=RuntimeError)
    alpha = _dtype.real_number(alpha, input.dtype)
    values = source if alpha == 1 else source * alpha
    result = IndexAdd.apply(input, values, key, True, None)
    return result if out is None else _write(out, result)


def index_copy(input, dim, index, source, *, out=None):
    """out = input with source's slices written at the positions in index along dim."""
    if out is not None:
        return write_exact(out, index_copy(input, dim, index, source), "index_copy",
                           (input, index, source))
    if input._data.ndim == 0:
        return _on_scalar(index_copy, "index_copy", input, dim, index, source)
    dim, key = _dim_index("index_copy", input, dim, index)
    _check_source("index_copy", input, dim, index, source)
    _check_range(key[-1], input._data.shape[dim], dim, negative_ok=False,
                 prefix="index_copy_(): ")
    return IndexCopy.apply(input, source, key, False, None)


def index_fill(input, dim, index, value):
    """out = input with the slices at the positions in index along dim set to value (a
    number or a 0-d tensor, which then gets the gradient of all those positions)."""
    if input._data.ndim == 0:
        return _on_scalar(index_fill, "index_fill", input, dim, index, None, value)
    dim, key = _dim_index("index_fill", input, dim, index)
    _check_range(key[-1], input._data.shape[dim], dim)
    if input._data.dtype.kind != "c" and (value.__class__ is builtins.complex or (
            isinstance(value, Tensor) and value._data.dtype.kind == "c")):
        raise RuntimeError("index_fill_(): Converting complex Scalar to non-complex type is not "
                           "supported")
    value = _fill_value("index_fill_", input, value)
    return IndexFill.apply(input, value, key, False, None)


def _fill_value(op_name, input, value):
    """A fill value as a number or a 0-d tensor of input's dtype."""
    if isinstance(value, Tensor):
        if value._data.ndim:
            raise RuntimeError(f"{op_name} only supports a 0-dimensional value tensor, but got "
                               f"tensor with {value._data.ndim} dimension(s).")
        return value if value._data.dtype is input._data.dtype else value.to(input.dtype)
    return value


def _advanced_key(input, indices, op_name):
    """The key of index_put's `indices`: index tensors, one per leading dim, all taken as
    index arrays (as numpy does; no int-first stage here)."""
    if isinstance(indices, Tensor) or not isinstance(indices, (tuple, list)):
        raise TypeError(f"{op_name}(): argument 'indices' must be tuple of Tensors, not "
                        f"{type(indices).__name__}")
    for position, index in enumerate(indices):
        if not isinstance(index, Tensor):
            raise TypeError(f"expected Tensor as element {position} in argument 0, but got "
                            f"{type(index).__name__}")
    key = [_index_array(index._data, input) for index in indices]
    shape = input._data.shape
    used = builtins.sum(_dims_used(k) for k in key)
    if used > len(shape):
        raise IndexError(f"too many indices for tensor of dimension {len(shape)} (got {used})")
    dim = 0
    for item in key:
        _check_array(item, shape, dim, dim)
        dim += _dims_used(item)
    return tuple(key) + (Ellipsis,)


def index_put(input, indices, values, accumulate=False):
    """out = input with out[indices] = values (+= with accumulate, where repeated indices
    add up); indices is a tuple of index tensors, one per leading dim."""
    key = _advanced_key(input, indices, "index_put")
    if not isinstance(values, Tensor):
        raise TypeError(f"index_put(): argument 'values' must be Tensor, not "
                        f"{type(values).__name__}")
    if values._data.dtype is not input._data.dtype:
        raise RuntimeError(
            f"Index put requires the source and destination dtypes match, got "
            f"{scalar_type_name(input.dtype)} for the destination and "
            f"{scalar_type_name(values.dtype)} for the source.")
    return IndexPut.apply(input, values, key, accumulate, None)


# -- masks --------------------------------------------------------------------------------

def _check_mask(mask, op_name, message=None):
    if not isinstance(mask, Tensor) or mask._data.dtype != bool:
        dtype = mask.dtype.name if isinstance(mask, Tensor) else type(mask).__name__
        raise RuntimeError(message or f"{op_name} only supports boolean masks, but got mask "
                                      f"with dtype {dtype}")


def masked_fill(input, mask, value):
    """input with value (a number or a 0-d tensor) where mask is True; mask broadcasts.

    Example:
        >>> x = ember.tensor([1., 2., 3.])
        >>> x.masked_fill(x > 1, 0.)
        tensor([1., 0., 0.])
    """
    from .compare import where
    _check_mask(mask, "masked_fill_")
    if isinstance(value, Tensor) and value._data.dtype.kind == "c" and (
            input._data.dtype.kind != "c"):
        _dtype.real_number(value.item(), input.dtype)  # torch reads the value as a number
    value = _fill_value("masked_fill_", input, value)
    if isinstance(value, Tensor):
        return named(where(mask, value, input), "MaskedFillBackward1")
    category = input.dtype.category
    value = _dtype.real_number(value, input.dtype)
    value = builtins.bool(value) if category == _dtype.BOOL else (
        builtins.int(value) if category == _dtype.INTEGER else
        builtins.float(value) if category == _dtype.FLOATING else builtins.complex(value))
    return named(where(mask, value, input), "MaskedFillBackward0")


def masked_select(input, mask, *, out=None):
    """The elements of input where mask is True, as a 1-D tensor (both broadcast)."""
    _check_mask(mask, "masked_select", "masked_select: expected BoolTensor for mask")
    if out is not None:
        check_no_overlap(out, (input, mask))
    broadcast_input, mask = broadcast_tensors(input, mask)
    result = MaskedSelect.apply(broadcast_input, (mask._data,))
    return result if out is None else write_exact(out, result, "masked_select", (),
                                                  _SAME_TYPE.format("masked_select"))


def masked_scatter(input, mask, source):
    """input with the elements where mask is True replaced, in order, by source's first
    elements."""
    _check_mask(mask, "masked_scatter_")
    if source._data.dtype is not input._data.dtype:
        raise RuntimeError(f"masked_scatter_: expected self and source to have same dtypes but "
                           f"got {input.dtype.name} and {source.dtype.name}")
    input, mask = broadcast_tensors(input, mask)
    count = builtins.int(mask._data.sum())
    if source._data.size < count:
        raise RuntimeError("Number of elements of source < number of ones in mask")
    values = narrow(reshape(source, (-1,)), 0, 0, count)
    return MaskedScatter.apply(input, values, (mask._data,), False, None)


# -- flat indices, nonzero ----------------------------------------------------------------

def _flat_index(input, index, op_name):
    _check_index_dtype(index, op_name)
    data, size = index._data, input._data.size
    if data.size:
        low, high = builtins.int(data.min()), builtins.int(data.max())
        if high >= size or low < -size:
            raise IndexError(f"out of range: tried to access index {high if high >= size else low}"
                             f" on a tensor of {size} elements.")
    return (data.reshape(-1),)


def take(input, index, *, out=None):
    """input treated as 1-D, read at index; the result has index's shape.

    Example:
        >>> ember.tensor([[1, 2], [3, 4]]).take(ember.tensor([0, 3]))
        tensor([1, 4])
    """
    key = _flat_index(input, index, "take")
    result = reshape(Take.apply(reshape(input, (-1,)), key), index._data.shape)
    if out is None:
        return result
    return write_exact(out, result, "take", (input, index), (
        f"take(): self and out expected to have the same dtype, but got self.dtype = "
        f"{scalar_type_name(input.dtype)} and out.dtype = {scalar_type_name(out.dtype)}"))


def put(input, index, source, accumulate=False):
    """input treated as 1-D, with source's elements written (or added) at index."""
    key = _flat_index(input, index, "put")
    if source._data.size != index._data.size:
        raise RuntimeError(f"put_(): Expected source and index to have the same number of "
                           f"elements, but got source.numel() = {source._data.size}, "
                           f"index.numel() = {index._data.size}")
    if source._data.dtype is not input._data.dtype:
        raise RuntimeError(f"put_(): self ({input.dtype}) and source ({source.dtype}) must "
                           f"have the same scalar type")
    flat = Put.apply(reshape(input, (-1,)), reshape(source, (-1,)), key, accumulate, None)
    return reshape(flat, input._data.shape)


def take_along_dim(input, indices, dim=None, *, out=None):
    """gather() where input and indices broadcast (except along dim) and negative indices
    count from the end; dim None reads the flattened input."""
    if dim is None:
        result = take_along_dim(reshape(input, (-1,)), reshape(indices, (-1,)), 0)
        return result if out is None else write_exact(out, result, "take_along_dim",
                                                      (input, indices))
    shape, index_shape = input._data.shape, indices._data.shape
    if len(shape) != len(index_shape):
        raise RuntimeError(
            f"torch.take_along_dim(): input and indices should have the same number of "
            f"dimensions, but got {len(shape)} dimensions for input, and {len(index_shape)} "
            f"dimensions for indices")
    dim = wrap_dim(dim, len(shape), "take_along_dim")
    common = []
    for d, (a, b) in enumerate(zip(shape, index_shape)):
        if d != dim and a != b and a != 1 and b != 1:
            raise RuntimeError(f"The size of tensor a ({a}) must match the size of tensor b "
                               f"({b}) at non-singleton dimension {d}")
        common.append(builtins.max(a, b))
    input = expand(input, [shape[dim] if d == dim else n for d, n in enumerate(common)])
    indices = expand(indices, [index_shape[dim] if d == dim else n for d, n in enumerate(common)])
    array = indices._data
    if array.size and array.dtype.kind == "i" and builtins.int(array.min()) < 0:
        indices = Tensor._make(xp_of(array).where(array < 0, array + shape[dim], array))
    result = gather(input, dim, indices)
    return result if out is None else write_exact(out, result, "take_along_dim",
                                                  (input, indices))


def nonzero(input, *, out=None, as_tuple=False):
    """The indices of the non-zero elements: an (n, ndim) int64 tensor, or with as_tuple one
    1-D tensor per dim (a 0-d input counts as 1-D).

    Example:
        >>> ember.tensor([[0, 1], [2, 0]]).nonzero()
        tensor([[0, 1],
                [1, 0]])
    """
    data = input._data
    xp = xp_of(data)
    if as_tuple:
        return tuple(Tensor._make(i.astype(np.int64, copy=False))
                     for i in xp.nonzero(data.reshape(-1) if data.ndim == 0 else data))
    result = Tensor._make(xp.argwhere(data).astype(np.int64, copy=False))
    if out is None:
        return result
    return write_exact(out, result, "nonzero", (input,), (
        f"nonzero: Expected out tensor to have scalar type Long but got scalar type"
        f"{scalar_type_name(out.dtype)}"))


def nonzero_static(input, *, size, fill_value=-1, out=None):
    """nonzero(input) cut or padded to exactly `size` rows; padding rows hold fill_value.

    Example:
        >>> ember.nonzero_static(ember.tensor([0, 3, 0]), size=2)
        tensor([[ 1],
                [-1]])
    """
    if out is not None:
        result = nonzero_static(input, size=size, fill_value=fill_value)
        return write_exact(out, result, "nonzero_static", (input,))
    if size < 0:
        raise RuntimeError(f"nonzero_static: 'size' must be an non-negative integer, got {size}")
    found = nonzero(input)._data[:size]
    xp = xp_of(found)
    padding = xp.full((size - found.shape[0], found.shape[1]), fill_value, dtype=np.int64)
    return Tensor._make(xp.concatenate([found, padding]))


def argwhere(input):
    """nonzero(input): the (n, ndim) indices of the non-zero elements."""
    return nonzero(input)


_SAME_TYPE = "{}(): self and result must have the same scalar type"


def _write(out, result):
    from .elementwise import _write_out
    return _write_out(out, result)


# -- Tensor methods -----------------------------------------------------------------------

Tensor.__getitem__ = _getitem
Tensor.__setitem__ = _setitem
for _name in ("gather", "scatter", "scatter_add", "scatter_reduce", "index_select",
              "index_add", "index_copy", "index_fill", "index_put", "masked_fill",
              "masked_select", "masked_scatter", "take", "take_along_dim", "put", "nonzero",
              "nonzero_static", "argwhere"):
    setattr(Tensor, _name, globals()[_name])
for _name in ("scatter", "scatter_add", "scatter_reduce", "index_add", "index_copy",
              "index_fill", "index_put", "masked_fill", "masked_scatter", "put"):
    setattr(Tensor, _name + "_", inplace_method(globals()[_name], _name + "_"))
