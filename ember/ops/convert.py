"""Copies and conversions: dtype and device changes, clone, copy_, fill_."""
from .. import _dtype
from .._memory_format import check_memory_format
from .._tensor import Tensor
from ..autograd.function import Op
from ..backend import backend_for_device
from ._inplace import inplace_method

__all__ = ["to_dtype", "to_device", "clone", "contiguous"]


class ToDtype(Op):
    """y = x as another dtype;  grad_x = g cast back to x's dtype (its real part, for a real x
    made complex)."""

    node_name = "ToCopyBackward0"  # torch's dtype and device changes are one op, _to_copy

    @staticmethod
    def forward(ctx, x, dtype):
        ctx.source = x.dtype
        return _dtype.cast_array(x, dtype.np)

    @staticmethod
    def backward(ctx, grad):
        return real_grad(grad, ctx.source).to(ctx.source), None


def real_grad(grad, dtype):
    """A gradient for a tensor of `dtype`: the real part of a complex gradient that reaches a
    real tensor, as torch's engine takes it."""
    return grad.real if grad._data.dtype.kind == "c" and dtype.kind != "c" else grad


class ToDevice(Op):
    """y = x on another device;  grad_x = g moved back."""

    node_name = "ToCopyBackward0"

    @staticmethod
    def forward(ctx, x, device):
        ctx.source = _device_of(x)
        return backend_for_device(device).to_device(x, device)

    @staticmethod
    def backward(ctx, grad):
        return grad.to(ctx.source), None


def _device_of(array):
    from ..backend import backend_of
    return backend_of(array).device_of(array)


def to_dtype(tensor, dtype):
    return ToDtype.apply(tensor, dtype)


def to_device(tensor, device):
    return ToDevice.apply(tensor, device)




class Clone(Op):
    """y = a copy of x;  grad_x = g."""

    @staticmethod
    def forward(ctx, x):
        return x.copy()

    @staticmethod
    def backward(ctx, grad):
        return grad


def clone(input, *, memory_format=None):
    """A copy of the data that stays in the graph (gradients flow back to input).
    memory_format is checked and kept row-major: see ember/_memory_format.py."""
    check_memory_format(input._data.shape, memory_format, "clone")
    return Clone.apply(input)


def contiguous(input, memory_format=None):
    check_memory_format(input._data.shape, memory_format, "contiguous")
    return input if input._data.flags.c_contiguous else Clone.apply(input)


def _filled_like(self, value):
    from .creation import full_like
    if isinstance(value, Tensor):  # copied, as torch does: a complex one loses its imaginary
        value = value.to(self.dtype).item()  # part with torch's warning
    return full_like(self, value)


def _copied_into(self, src, non_blocking=False):
    if not isinstance(src, Tensor):
        raise TypeError(f"copy_(): argument 'src' must be Tensor, not {type(src).__name__}")
    return src.to(dtype=self.dtype, device=self.device).expand(self.shape)


# -- Tensor methods -----------------------------------------------------------------------

Tensor.clone = clone
Tensor.contiguous = contiguous
Tensor.fill_ = inplace_method(_filled_like, "fill_")
Tensor.zero_ = lambda self: self.fill_(0)
Tensor.copy_ = inplace_method(_copied_into, "copy_")
