"""Tensors as explicit (size, stride, storage offset) geometries: as_strided and its in-place,
scatter and copy forms, empty_strided / new_empty_strided / empty_permuted, resize_ /
resize_as_, and torch's deprecated out-of-place Tensor.resize / resize_as.

A tensor's storage is the array that owns its memory (its backend array's `base`, or the
array itself); as_strided reads that storage through the given geometry, as torch reads the
tensor's storage.
"""
import functools
import math
import operator
import warnings

import numpy as np

from .._tensor import Tensor
from ..autograd import grad_mode
from ..autograd.function import Op
from ..backend import xp_of
from .creation import _dtype_or_default, empty, size_args, zeros
from .shape import make_view

__all__ = ["as_strided", "as_strided_", "as_strided_scatter", "as_strided_copy",
           "empty_strided", "empty_permuted", "resize_as_"]


def _storage(data):
    """The 1-D array of the memory `data` views, data's offset into it and its strides there
    (in elements). Memory ember can't see as one array is copied, and read as contiguous."""
    base = data.base
    if not isinstance(base, type(data)) or not base.flags.c_contiguous or \
            base.dtype != data.dtype:
        base = data if data.flags.c_contiguous else None
    if base is None or data.size == 0:
        flat = data.reshape(-1) if base is not None else data.copy().reshape(-1)
        return flat, 0, _contiguous_strides(data.shape)
    item = data.dtype.itemsize
    return (base.reshape(-1), (_address(data) - _address(base)) // item,
            tuple(s // item for s in data.strides))


def _contiguous_strides(shape):
    strides, step = [], 1
    for n in reversed(shape):
        strides.append(step)
        step *= max(n, 1)
    return tuple(reversed(strides))


def _address(array):
    """Where an array's first element lies in memory (numpy and cupy)."""
    pointers = getattr(array, "ctypes", None)  # numpy's; cupy has array.data.ptr instead
    return pointers.data if pointers is not None else array.data.ptr


def _check_geometry(op_name, size, stride, offset, storage_size):
    if len(size) != len(stride):
        raise RuntimeError(f"{op_name}: mismatch in length of strides and shape: size "
                           f"{list(size)}, stride {list(stride)}")
    if any(s < 0 for s in stride):
        raise RuntimeError(f"{op_name}: Negative strides are not supported at the moment, got "
                           f"strides: {list(stride)}")
    if any(n < 0 for n in size):
        raise RuntimeError(f"{op_name}: negative size in {list(size)}")
    if offset < 0:
        raise RuntimeError(f"{op_name}: Tensor: invalid storage offset {offset}")
    needed = 0 if 0 in size else offset + 1 + sum((n - 1) * s for n, s in zip(size, stride))
    if needed > storage_size:
        raise RuntimeError(
            f"setStorage: sizes {list(size)}, strides {list(stride)}, storage offset {offset} "
            f"requiring a storage size of {needed} are out of bounds for storage of size "
            f"{storage_size}")


def _positions(xp, size, stride, offset):
    """The storage index of every element of the geometry, in the geometry's shape."""
    index = xp.full(tuple(size), offset, dtype=np.int64)
    for dim, (n, s) in enumerate(zip(size, stride)):
        shape = [1] * len(size)
        shape[dim] = n
        index = index + (xp.arange(n, dtype=np.int64) * s).reshape(shape)
    return index


class AsStrided(Op):
    """y = the storage of x read with (size, stride, offset);
    grad_x = g summed into a zero storage at y's positions, read at x's positions."""

    @staticmethod
    def forward(ctx, x, size, stride, offset):
        storage, own_offset, x_stride = _storage(x)
        offset = own_offset if offset is None else offset
        _check_geometry("as_strided", size, stride, offset, storage.size)
        item = storage.dtype.itemsize
        raw = storage[offset:].view(f"u{item}")  # as_strided can't take bfloat16 directly
        y = ctx.xp.lib.stride_tricks.as_strided(
            raw, shape=tuple(size), strides=tuple(s * item for s in stride)).view(storage.dtype)
        ctx.geometry = (storage.size, own_offset, size, stride, offset, x.shape, x_stride)
        return y

    @staticmethod
    def backward(ctx, grad):
        storage_size, own_offset, size, stride, offset, x_shape, x_stride = ctx.geometry
        xp = ctx.xp
        written = Tensor._make(_positions(xp, size, stride, offset).reshape(-1))
        read = Tensor._make(_positions(xp, x_shape, x_stride, own_offset))
        grad_storage = zeros(storage_size, dtype=grad.dtype, device=grad.device)
        grad_storage = grad_storage.index_add(0, written, grad.reshape(-1))
        return grad_storage[read], None, None, None


def as_strided(input, size, stride, storage_offset=None):
    """A view of input's storage with the given sizes, strides (in elements) and storage
    offset (default: input's own). Elements may overlap; gradients add up where they do.

    Example:
        >>> ember.arange(6.).as_strided((2, 2), (1, 2))
        tensor([[0., 2.],
                [1., 3.]])
    """
    size, stride = tuple(size_args((size,), "as_strided")), tuple(stride)
    if storage_offset is not None:
        storage_offset = int(storage_offset)
    out = AsStrided.apply(input, size, stride, storage_offset)
    return make_view(out, input, as_strided, size, stride, storage_offset)


def as_strided_(input, size, stride, storage_offset=None):
    """input made in place into the as_strided view of its storage."""
    view = as_strided(input, size, stride, storage_offset)
    input._data = view._data
    if view.grad_fn is not None:
        input.grad_fn, input._output_nr = view.grad_fn, view._output_nr
    return input


def as_strided_copy(input, size, stride, storage_offset=None):
    """as_strided(...) as a tensor of its own (a copy)."""
    return as_strided(input, size, stride, storage_offset).clone()


def as_strided_scatter(input, src, size, stride, storage_offset=None):
    """A copy of input with src written into its as_strided(size, stride, storage_offset)
    view. Gradients: grad_input = g with that view zeroed; grad_src = g read through it.

    Differs from PyTorch: torch 2.x gives input the gradient of the overwritten elements
    instead (its own gradcheck fails); ember's is the derivative of the result.

    Example:
        >>> ember.as_strided_scatter(ember.zeros(4), ember.ones(2), (2,), (2,))
        tensor([1., 0., 1., 0.])
    """
    size, stride = tuple(size_args((size,), "as_strided_scatter")), tuple(stride)
    if tuple(src.shape) != size:
        raise RuntimeError(f"as_strided_scatter: expected src to have a size equal to the slice "
                           f"of self. src size = {list(src.shape)}, slice size = {list(size)}")
    base = input.contiguous().reshape(-1)
    _check_geometry("as_strided_scatter", size, stride, storage_offset or 0, base.numel())
    positions = Tensor._make(_positions(xp_of(base._data), size, stride, storage_offset or 0))
    src = src.to(input.dtype)
    result = base.index_put((positions.reshape(-1),), src.reshape(-1))
    return result.reshape(input.shape)


def empty_strided(size, stride, *, dtype=None, layout=None, device=None, requires_grad=False,
                  pin_memory=False):
    """An uninitialized tensor with the given sizes and strides (in elements).

    Example:
        >>> ember.empty_strided((2, 3), (1, 2)).stride()
        (1, 2)
    """
    size, stride = tuple(size_args((size,), "empty_strided")), tuple(stride)
    storage_size = 0 if 0 in size else 1 + sum((n - 1) * s for n, s in zip(size, stride))
    _check_geometry("empty_strided", size, stride, 0, storage_size)
    storage = empty(storage_size, dtype=dtype, layout=layout, device=device,
                    pin_memory=pin_memory)
    with grad_mode.no_grad():
        result = Tensor._make(as_strided(storage, size, stride, 0)._data)
    if requires_grad:
        result.requires_grad_(True)
    return result


def new_empty_strided(self, size, stride, *, dtype=None, layout=None, device=None,
                      requires_grad=False, pin_memory=False):
    """empty_strided with self's dtype and device unless given."""
    return empty_strided(size, stride, dtype=self.dtype if dtype is None else dtype,
                         layout=layout, device=self.device if device is None else device,
                         requires_grad=requires_grad, pin_memory=pin_memory)


def empty_permuted(size, physical_layout, *, dtype=None, layout=None, device=None,
                   requires_grad=False, pin_memory=False):
    """An uninitialized tensor of `size` whose dims lie in memory in the order
    physical_layout gives (outermost first): empty_permuted((2, 3), (1, 0)) is column-major.
    """
    size = tuple(size_args((size,), "empty_permuted"))
    order = tuple(physical_layout)
    if sorted(order) != list(range(len(size))):
        raise RuntimeError(f"empty_permuted: physical_layout {list(order)} is not a "
                           f"permutation of the {len(size)} dims of size {list(size)}")
    physical = empty([size[d] for d in order], dtype=_dtype_or_default(dtype), layout=layout,
                     device=device, pin_memory=pin_memory)
    inverse = [order.index(d) for d in range(len(size))]
    result = Tensor._make(physical._data.transpose(inverse))
    if requires_grad:
        result.requires_grad_(True)
    return result


def resize_(self, *sizes, memory_format=None):
    """self made in place into a tensor of `sizes` over the same storage while it is large
    enough (so shrinking, then growing back, finds the old elements), else over a larger copy
    whose new elements are zeros (torch leaves them uninitialized).

    Example:
        >>> ember.arange(6).resize_(2, 2)
        tensor([[0, 1],
                [2, 3]])
    """
    shape = tuple(size_args(sizes, "resize_"))
    if self._requires_grad:
        raise RuntimeError("cannot resize variables that require grad")
    if any(n < 0 for n in shape):
        raise RuntimeError(f"Trying to create tensor with negative dimension: {list(shape)}")
    count = math.prod(shape)
    data = self._data if self._data.flags.c_contiguous else self._data.copy()
    storage, offset, _ = _storage(data)
    if offset + count <= storage.size:  # torch keeps the storage while it is large enough
        data = storage[offset:offset + count]
    else:
        grown = xp_of(data).zeros(count, dtype=data.dtype)
        grown[:storage.size - offset] = storage[offset:]
        data = grown
    self._data = data.reshape(shape)
    self._version[0] += 1
    return self


def resize_as_(input, the_template, *, memory_format=None):
    """resize_(input, the_template.shape)."""
    return resize_(input, the_template.shape)


def _reshaped(self, sizes):
    """self's elements in row-major order under `sizes` (torch.autograd._functions.Resize):
    a view of self when it is contiguous, else of a contiguous copy."""
    # torch's own expression for the count, so that a tuple passed whole, resize((2, 3)),
    # fails with the message torch gives
    count = functools.reduce(operator.mul, sizes, 1)
    if self.numel() != count:
        raise RuntimeError(
            f"requested resize to {'x'.join(map(str, sizes))} ({count} elements in total), but "
            f"the given tensor has a size of {'x'.join(map(str, self.size()))} "
            f"({self.numel()} elements). autograd's resize can only change the shape of a given "
            f"tensor, while preserving the number of elements. ")
    return self.contiguous().view(*sizes)


def resize(self, *sizes):
    """Deprecated (torch warns): self's elements under new sizes, as many as before, out of
    place and differentiable; unlike resize_, the element count cannot change.

    Example:
        >>> ember.arange(6).resize(2, 3)
        tensor([[0, 1, 2],
                [3, 4, 5]])
    """
    warnings.warn("non-inplace resize is deprecated", stacklevel=2)
    return _reshaped(self, sizes)


def resize_as(self, tensor):
    """Deprecated (torch warns): self.resize(*tensor.size())."""
    warnings.warn("non-inplace resize_as is deprecated", stacklevel=2)
    return _reshaped(self, tensor.size())


# -- Tensor methods -----------------------------------------------------------------------

for _name in ("as_strided", "as_strided_", "as_strided_scatter", "new_empty_strided",
              "resize_", "resize_as_", "resize", "resize_as"):
    setattr(Tensor, _name, globals()[_name])
