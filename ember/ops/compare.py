"""Comparisons, logical and bitwise ops, value tests (isnan ...), and where.

Comparisons and tests return bool tensors and have no gradient; `where` is differentiable
in its two value arguments.
"""
import numpy as np

from .. import _dtype
from .._tensor import Tensor
from ..autograd.function import Op
from ..backend import xp_of
from .elementwise import _array_like, _maybe_out, promote, sum_to

__all__ = [
    "eq", "ne", "lt", "le", "gt", "ge", "greater", "greater_equal", "less", "less_equal",
    "not_equal", "logical_and", "logical_or", "logical_xor", "logical_not", "bitwise_and",
    "bitwise_or", "bitwise_xor", "bitwise_not", "isnan", "isinf", "isfinite", "isposinf",
    "isneginf", "isreal", "nan_to_num", "where", "isclose", "allclose", "equal", "signbit",
]


class Compare(Op):
    """a <op> b, elementwise, as bool."""

    differentiable = False

    @staticmethod
    def forward(ctx, a, b, ufunc_name):
        return getattr(ctx.xp, ufunc_name)(a, b)


def _compare(op_name, ufunc_name, input, other):
    a, b = promote(input, other, op_name)
    return Compare.apply(a, b, ufunc_name)


def eq(input, other, *, out=None):
    return _maybe_out(out, _compare("eq", "equal", input, other))


def ne(input, other, *, out=None):
    return _maybe_out(out, _compare("ne", "not_equal", input, other))


def lt(input, other, *, out=None):
    return _maybe_out(out, _compare("lt", "less", input, other))


def le(input, other, *, out=None):
    return _maybe_out(out, _compare("le", "less_equal", input, other))


def gt(input, other, *, out=None):
    return _maybe_out(out, _compare("gt", "greater", input, other))


def ge(input, other, *, out=None):
    return _maybe_out(out, _compare("ge", "greater_equal", input, other))


greater, greater_equal, less, less_equal, not_equal = gt, ge, lt, le, ne


class Logical(Op):
    """Elementwise logic on truth values (nonzero is true), as bool."""

    differentiable = False

    @staticmethod
    def forward(ctx, a, b, ufunc_name):
        xp = ctx.xp
        if b is None:
            return getattr(xp, ufunc_name)(a)
        return getattr(xp, ufunc_name)(a, b)


def logical_and(input, other, *, out=None):
    return _maybe_out(out, Logical.apply(input, _tensor_operand(other, input), "logical_and"))


def logical_or(input, other, *, out=None):
    return _maybe_out(out, Logical.apply(input, _tensor_operand(other, input), "logical_or"))


def logical_xor(input, other, *, out=None):
    return _maybe_out(out, Logical.apply(input, _tensor_operand(other, input), "logical_xor"))


def logical_not(input, *, out=None):
    return _maybe_out(out, Logical.apply(input, None, "logical_not"))


def _tensor_operand(value, like):
    return value if isinstance(value, Tensor) else _array_like(value, like)


class Bitwise(Op):
    """Bitwise and/or/xor/not of integer or bool tensors."""

    differentiable = False

    @staticmethod
    def forward(ctx, a, b, ufunc_name):
        xp = ctx.xp
        return getattr(xp, ufunc_name)(a) if b is None else getattr(xp, ufunc_name)(a, b)


def _bitwise(op_name, ufunc_name, input, other):
    a, b = promote(input, other, op_name) if other is not None else (input, None)
    for value in (a, b):
        if isinstance(value, Tensor) and value.dtype.is_floating_point:
            raise RuntimeError(f"\"{op_name}_cpu\" not implemented for '{value.dtype.name}'. "
                               f"Bitwise ops take integer or bool tensors.")
    return Bitwise.apply(a, b, ufunc_name)


def bitwise_and(input, other, *, out=None):
    return _maybe_out(out, _bitwise("bitwise_and", "bitwise_and", input, other))


def bitwise_or(input, other, *, out=None):
    return _maybe_out(out, _bitwise("bitwise_or", "bitwise_or", input, other))


def bitwise_xor(input, other, *, out=None):
    return _maybe_out(out, _bitwise("bitwise_xor", "bitwise_xor", input, other))


def bitwise_not(input, *, out=None):
    return _maybe_out(out, _bitwise("bitwise_not", "invert", input, None))


class Test(Op):
    """A value test (isnan, isinf, ...) as bool."""

    differentiable = False

    @staticmethod
    def forward(ctx, x, ufunc_name):
        xp = ctx.xp
        if x.dtype.kind in "iub":
            return xp.full(x.shape, ufunc_name in ("isfinite", "isreal"), dtype=bool)
        return getattr(xp, ufunc_name)(x)


def isnan(input):
    return Test.apply(input, "isnan")


def isinf(input):
    return Test.apply(input, "isinf")


def isfinite(input):
    return Test.apply(input, "isfinite")


def isposinf(input, *, out=None):
    return _maybe_out(out, isinf(input) & (input > 0))


def isneginf(input, *, out=None):
    return _maybe_out(out, isinf(input) & (input < 0))


def isreal(input):
    """Always true: ember has no complex dtypes."""
    return Test.apply(input, "isreal")


def signbit(input, *, out=None):
    return _maybe_out(out, Test.apply(input, "signbit") if input.dtype.is_floating_point
                      else input < 0)


def nan_to_num(input, nan=0.0, posinf=None, neginf=None, *, out=None):
    """Replace NaN by `nan` and ±inf by `posinf`/`neginf` (default: the dtype's extremes)."""
    if not input.dtype.is_floating_point:
        return _maybe_out(out, input.clone())
    finfo = np.finfo(input._data.dtype) if input._data.dtype != _dtype.bfloat16.np else None
    largest = float(finfo.max) if finfo else 3.3895313892515355e38
    posinf = largest if posinf is None else posinf
    neginf = -largest if neginf is None else neginf
    result = where(isnan(input), nan, input)
    result = where(isposinf(input), posinf, result)
    return _maybe_out(out, where(isneginf(input), neginf, result))


class Where(Op):
    """z = x where condition else y;  grad_x = g masked by condition, grad_y by its negation."""

    @staticmethod
    def forward(ctx, condition, x, y):
        ctx.save_for_backward(condition)
        ctx.shapes = (getattr(x, "shape", ()), getattr(y, "shape", ()))
        return ctx.xp.where(condition, x, y)

    @staticmethod
    def backward(ctx, grad):
        (condition,) = ctx.saved_tensors
        x_shape, y_shape = ctx.shapes
        _, need_x, need_y = ctx.needs_input_grad
        zero = grad.new_zeros(())
        grad_x = sum_to(where(condition, grad, zero), x_shape) if need_x else None
        grad_y = sum_to(where(condition, zero, grad), y_shape) if need_y else None
        return None, grad_x, grad_y


def where(condition, input=None, other=None, *, out=None):
    """Elements of input where condition holds, else of other; where(condition) alone is
    condition.nonzero(as_tuple=True)."""
    if input is None and other is None:
        return condition.nonzero(as_tuple=True)
    if not isinstance(condition, Tensor):
        raise TypeError("where(): argument 'condition' must be Tensor")
    if condition.dtype is not _dtype.bool:
        if condition.dtype is not _dtype.uint8:
            raise RuntimeError(
                f"where expected condition to be a boolean tensor, but got a tensor with dtype "
                f"{condition.dtype.name}")
        condition = condition.bool()
    x, y = promote(input, other, "where")
    if not isinstance(x, Tensor):
        x = _array_like(x, y)
    if not isinstance(y, Tensor):
        y = _array_like(y, x)
    return _maybe_out(out, Where.apply(condition, x, y))


def isclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    """|input - other| <= atol + rtol * |other|, elementwise."""
    if input.dtype is not other.dtype:
        raise RuntimeError(
            f"{input.dtype.name} did not match {other.dtype.name}: isclose needs both tensors "
            f"of one dtype; convert one with .to()")
    xp = xp_of(input._data)
    return Tensor._make(xp.isclose(input._data, other._data, rtol=rtol, atol=atol,
                                   equal_nan=equal_nan))


def allclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    return bool(isclose(input, other, rtol, atol, equal_nan).all())


def equal(input, other):
    """True if both have the same shape and the same values."""
    return tuple(input.shape) == tuple(other.shape) and bool(eq(input, other).all())


# -- Tensor methods and operators ---------------------------------------------------------

def _reflected(fn):
    return lambda self, other: fn(other, self)


for _name in ("eq", "ne", "lt", "le", "gt", "ge", "greater", "greater_equal", "less",
              "less_equal", "not_equal", "logical_and", "logical_or", "logical_xor",
              "logical_not", "bitwise_and", "bitwise_or", "bitwise_xor", "bitwise_not", "isnan",
              "isinf", "isfinite", "isposinf", "isneginf", "isreal", "signbit", "nan_to_num",
              "isclose", "allclose", "equal"):
    setattr(Tensor, _name, globals()[_name])
Tensor.where = lambda self, condition, other: where(condition, self, other)
Tensor.__eq__ = eq
Tensor.__ne__ = ne
Tensor.__lt__ = lt
Tensor.__le__ = le
Tensor.__gt__ = gt
Tensor.__ge__ = ge
Tensor.__and__ = bitwise_and
Tensor.__or__ = bitwise_or
Tensor.__xor__ = bitwise_xor
Tensor.__rand__ = _reflected(bitwise_and)
Tensor.__ror__ = _reflected(bitwise_or)
Tensor.__rxor__ = _reflected(bitwise_xor)
Tensor.__invert__ = bitwise_not
