"""Elementwise arithmetic, and the machinery that every elementwise op shares.

The machinery: `promote` (operands to torch's result dtype), `sum_to` (a broadcast gradient
back to its input's shape), `broadcast_error`, the casting helpers, and `_write_out` /
`_maybe_out` (the `out=` argument). The ops: add, sub, mul, div, floor_divide, remainder,
fmod, pow, float_power, neg, positive, lerp, addcmul, addcdiv, and the Tensor operators
+ - * / // % ** (with their reflected forms) and unary - and +. The math functions built on
this machinery live in unary.py (of one tensor) and binary.py (maximum, atan2, hypot ...).

Binary ops first bring both operands to torch's result dtype (see ember._dtype), then
broadcast as numpy does; their backward reduces each gradient to its input's shape with
`sum_to`. Python scalars stay Python scalars: they never get a gradient.

pow's gradient with respect to the exponent is 0 where the base is 0 and the exponent >= 0,
as in torch.
"""
import builtins
import cmath
import math
import warnings

import numpy as np

from .. import _dtype
from .._dtype import DIFFERENTIABLE_NP, INT_RANGE, scalar_type_name
from .._tensor import Tensor
from ..autograd import grad_mode
from ..autograd.function import Op, named
from ..backend import xp_of
from . import compare  # compare.where() in the formulas below; compare imports this module too
from .creation import scalar_tensor
from ..amp import autocast_mode

__all__ = [
    "add", "sub", "subtract", "mul", "multiply", "div", "divide", "true_divide", "floor_divide",
    "remainder", "fmod", "pow", "float_power", "neg", "negative", "positive", "lerp", "addcmul",
    "addcdiv",
]

_BOOL_NP = _dtype.bool.np


# -- shared machinery ---------------------------------------------------------------------

def sum_to(grad, shape):
    """Sum a broadcast gradient back down to `shape` (the inverse of broadcasting)."""
    shape = tuple(shape)
    if grad._data.shape == shape:
        return grad
    lead = grad._data.ndim - len(shape)
    dims = tuple(range(lead)) + tuple(
        lead + i for i, size in enumerate(shape) if size == 1 and grad._data.shape[lead + i] != 1)
    out = grad.sum(dims, keepdim=True) if dims else grad
    return out.reshape(shape) if out._data.shape != shape else out


def promote(input, other, op_name):
    """Both operands of a binary op, cast to torch's result dtype; scalars stay scalars.

    A scalar that numpy would compute in another dtype than torch (a float with bfloat16) is
    made a 0-d tensor of the result dtype; an int outside an integer dtype's range is
    wrapped into it, as torch does (int8 tensor + 1000 adds -24).
    """
    if isinstance(input, Tensor):
        if isinstance(other, Tensor):
            if input._data.dtype is other._data.dtype:
                return input, other
        elif _keeps_dtype(input._data.dtype, other):
            return input, other
        like = input
    elif isinstance(other, Tensor):
        if _keeps_dtype(other._data.dtype, input):
            return input, other
        like = other
    else:  # two numbers: torch makes the first a 0-d tensor (torch.add(1, 2) is tensor(3))
        like = input = _number_tensor(input, op_name)
    if type(input) is np.ndarray or type(other) is np.ndarray:  # torch.ones(2) + np.ones(2)
        from .creation import as_tensor
        input, other = (as_tensor(v) if type(v) is np.ndarray else v for v in (input, other))
        return promote(input, other, op_name)
    try:
        a_type, a_tier = _dtype.operand_type(input)
        b_type, b_tier = _dtype.operand_type(other)
    except TypeError:
        raise TypeError(
            f"{op_name}(): unsupported operand types {type(input).__name__} and "
            f"{type(other).__name__}; expected Tensors or numbers") from None
    result = _dtype.promote2(a_type, a_tier, b_type, b_tier)
    if (result in _REDUCED_FLOAT and op_name in _WIDE_SCALAR_OPS and isinstance(input, Tensor)
            and _wrapped_scalar(other, result)):
        return input, _WideScalar(other)
    return _cast(input, result, like), _cast(other, result, like)


def _keeps_dtype(array_dtype, scalar):
    """Fast path: a float scalar with a float32/64 tensor, or an int scalar with one or with an
    integer tensor that holds it, leaves the tensor's dtype as it is (and numpy agrees).
    float16 and bfloat16 take the slow path (see _WideScalar)."""
    scalar_type = scalar.__class__
    if scalar_type is builtins.float:
        return array_dtype is _FLOAT32_NP or array_dtype is _FLOAT64_NP
    if scalar_type is builtins.int:
        if array_dtype is _FLOAT32_NP or array_dtype is _FLOAT64_NP:
            return True
        bounds = INT_RANGE.get(array_dtype)
        return bounds is not None and bounds[0] <= scalar <= bounds[1]
    return False


def _cast(value, dtype, like):
    """A promoted operand: a tensor converted to dtype, or a scalar numpy computes as dtype."""
    if isinstance(value, Tensor):
        return value if value._data.dtype is dtype.np else value.to(dtype)
    category = dtype.category
    if category == _dtype.FLOATING:
        if dtype is _dtype.bfloat16:
            return _scalar_tensor(value, dtype, like)
        return builtins.float(value)
    if category == _dtype.INTEGER:
        value = builtins.int(value)
        low, high = INT_RANGE[dtype.np]
        if not low <= value <= high:
            if not -2 ** 63 <= value < 2 ** 63:
                raise OverflowError(f"int too big to convert: {value} does not fit in int64")
            value = (value - low) % (high - low + 1) + low
        return value
    if category == _dtype.COMPLEX:
        return builtins.complex(value)
    return builtins.bool(value)


def _number_tensor(value, op_name):
    if not isinstance(value, (builtins.bool, builtins.int, builtins.float, builtins.complex)):
        raise TypeError(f"{op_name}(): expected Tensors or numbers, got {type(value).__name__}")
    return scalar_tensor(value, dtype=_dtype.operand_type(value)[0])


def _scalar_tensor(value, dtype, like):
    """A number as a 0-d tensor of dtype on the device of the tensor `like`."""
    return Tensor._make(xp_of(like._data).asarray(value, dtype=dtype.np))


def _array_like(value, like):
    """A Python number as a 0-d tensor of `like`'s dtype on `like`'s device."""
    return Tensor._make(xp_of(like._data).asarray(value, dtype=like._data.dtype))


def _to_float(tensor):
    """Integer and bool tensors become the default float dtype, for ops like exp and div."""
    if tensor._data.dtype in DIFFERENTIABLE_NP:
        return tensor
    return tensor.to(_dtype.get_default_dtype())


def _zeros(like, shape):
    """A constant zero gradient of `like`'s dtype and device."""
    return Tensor._make(xp_of(like._data).zeros(shape, like._data.dtype))


_REDUCED_FLOAT = (_dtype.float16, _dtype.bfloat16)
_FLOAT32_NP, _FLOAT64_NP = _dtype.float32.np, _dtype.float64.np

# torch's CPU mul and div kernels read a float16/bfloat16 tensor's scalar operand -- a number,
# or a 0-d tensor of another dtype, after the tensor -- in float32 (x * 0.7 is
# float32(x) * float32(0.7), rounded once); add, sub, pow and remainder round it to the
# tensor's dtype first.
_WIDE_SCALAR_OPS = frozenset(("mul", "div", "floor_divide"))


class _WideScalar:
    """promote's answer for such a scalar: the op computes in float32 and rounds once."""

    __slots__ = ("value",)

    def __init__(self, value):
        self.value = value if isinstance(value, Tensor) else builtins.float(value)

    def apply(self, op, tensor, *args):
        return _in_float32(lambda a, b: op.apply(a, b, *args), tensor.dtype, tensor, self.value)


def _wrapped_scalar(value, dtype):
    if isinstance(value, Tensor):
        return value._data.ndim == 0 and value.dtype is not dtype
    return value.__class__ is not builtins.bool


def _in_float32(fn, dtype, *operands):
    """fn(*operands) computed on float32 copies and rounded back to dtype once: torch computes
    float16 and bfloat16 arithmetic in float32 (its opmath type), so a fused op like addcmul
    rounds once where step-by-step half arithmetic would round at every step."""
    widened = [v.float() if isinstance(v, Tensor) else v for v in operands]
    return fn(*widened).to(dtype)


def _fused_multiply_add(xp, x, y, z):
    """x * y + z. For float32, rounded once, as the fused multiply-adds of torch's vectorised
    CPU kernels (add with alpha, addcmul, lerp): computed in float64, where the product of
    two float32 numbers is exact (numbers are rounded to float32 first, as torch does)."""
    if (z if hasattr(z, "dtype") else x if hasattr(x, "dtype") else y).dtype != np.float32:
        return x * y + z
    wide = [xp.asarray(v, dtype=np.float32).astype(np.float64) for v in (x, y, z)]
    return (wide[0] * wide[1] + wide[2]).astype(np.float32)


def _is_integral(value):
    """True for an integer or bool tensor, or for an int (or bool) Python scalar."""
    if isinstance(value, Tensor):
        return value._data.dtype not in DIFFERENTIABLE_NP
    return isinstance(value, builtins.int)


def _not_implemented(op_name, dtype, wants="floating-point"):
    raise NotImplementedError(
        f"\"{op_name}\" not implemented for '{scalar_type_name(dtype)}': {op_name} takes "
        f"{wants} tensors. Convert the input first, e.g. with .float().")


def _require_tensor(op_name, value, argument="other", position=2):
    if not isinstance(value, Tensor):
        raise TypeError(f"{op_name}(): argument '{argument}' (position {position}) must be "
                        f"Tensor, not {type(value).__name__}")


def _require_a_tensor(op_name, input, other):
    """torch's binary ops without a (Number, Number) overload take two numbers as TypeError."""
    if not isinstance(input, Tensor) and not isinstance(other, Tensor):
        raise TypeError(
            f"{op_name}() received an invalid combination of arguments - got "
            f"({type(input).__name__}, {type(other).__name__}): at least one of the operands "
            f"must be a Tensor")


def _input_tensor(op_name, input):
    if not isinstance(input, Tensor):
        raise TypeError(f"{op_name}(): argument 'input' (position 1) must be Tensor, not "
                        f"{type(input).__name__}")


def broadcast_error(error, op_name, *operands):
    """numpy's ValueError for shapes that don't broadcast, as torch's RuntimeError naming the
    op (other ValueErrors are returned as they are)."""
    shapes = [getattr(x, "shape", ()) for x in operands]
    ndim = builtins.max(len(s) for s in shapes)
    for dim in range(-1, -ndim - 1, -1):
        sizes = [s[dim] if len(s) >= -dim else 1 for s in shapes]
        for i, size_a in enumerate(sizes):
            for size_b in sizes[i + 1:]:
                if size_a != size_b and size_a != 1 and size_b != 1:
                    return RuntimeError(
                        f"{op_name}: The size of tensor a ({size_a}) must match the size of "
                        f"tensor b ({size_b}) at non-singleton dimension {ndim + dim}; shapes "
                        f"{' and '.join(str(list(s)) for s in shapes if s)} don't broadcast.")
    return error


def _maybe_out(out, result, op_name=None):
    return result if out is None else _write_out(out, result, op_name)


def _write_out(out, result, op_name=None):
    """The `out=` argument: write the result into `out`, as torch does.

    Differentiation through out= is refused; a result of a higher category (float into an
    integer tensor) can't be written; an `out` of another shape is resized, with torch's
    deprecation warning when it held elements.
    """
    name = op_name or (result.grad_fn.name() if result.grad_fn is not None else "op")
    if not isinstance(out, Tensor):
        raise TypeError(f"{name}(): argument 'out' must be Tensor, not {type(out).__name__}")
    if grad_mode._state["enabled"] and (result._requires_grad or out._requires_grad):
        raise RuntimeError(
            f"{name}(): functions with out=... arguments don't support automatic "
            f"differentiation, but one of the arguments requires grad. Call it under "
            f"ember.no_grad(), or drop out= and assign the result.")
    source, target = result.dtype, out.dtype
    if not _dtype.can_cast(source, target):
        raise RuntimeError(
            f"{name}(): result type {scalar_type_name(source)} can't be cast to the desired "
            f"output type {scalar_type_name(target)}")
    if out._data.shape != result._data.shape:
        if out._data.size:
            warnings.warn(
                f"An output with one or more elements was resized since it had shape "
                f"{list(out.shape)}, which does not match the required output shape "
                f"{list(result.shape)}. Pass an out= tensor of the right shape, or one with "
                f"zero elements.", UserWarning, stacklevel=3)
        out._data = result._data.astype(out._data.dtype)
    else:
        out._data[...] = result._data
    out._version[0] += 1
    return out


# -- arithmetic ---------------------------------------------------------------------------

class Add(Op):
    """z = a + alpha * b;  grad_a = sum_to(g, a),  grad_b = sum_to(conj(alpha) * g, b)."""

    @staticmethod
    def forward(ctx, a, b, alpha):
        ctx.shapes = (getattr(a, "shape", None), getattr(b, "shape", None))
        ctx.alpha = alpha
        try:
            if alpha == 1:
                return a + b
            dtype = _array_dtype(a, b)
            if dtype.kind == "f":
                return _fused_multiply_add(ctx.xp, b, alpha, a)
            return (a + alpha * b).astype(dtype, copy=False)
        except ValueError as error:
            raise broadcast_error(error, "add", a, b) from None

    @staticmethod
    def backward(ctx, grad):
        a_shape, b_shape = ctx.shapes
        need_a, need_b = ctx.needs_input_grad[:2]
        grad_a = sum_to(grad, a_shape) if need_a else None
        grad_b = None
        if need_b:
            grad_b = sum_to(grad if ctx.alpha == 1 else grad * _conj(ctx.alpha), b_shape)
        return grad_a, grad_b, None


class Sub(Op):
    """z = a - alpha * b;  grad_a = sum_to(g, a),  grad_b = -sum_to(conj(alpha) * g, b)."""

    @staticmethod
    def forward(ctx, a, b, alpha):
        ctx.shapes = (getattr(a, "shape", None), getattr(b, "shape", None))
        ctx.alpha = alpha
        try:
            if alpha == 1:
                return a - b
            dtype = _array_dtype(a, b)
            if dtype.kind == "f":
                return _fused_multiply_add(ctx.xp, b, -alpha, a)
            return (a - alpha * b).astype(dtype, copy=False)
        except ValueError as error:
            raise broadcast_error(error, "sub", a, b) from None

    @staticmethod
    def backward(ctx, grad):
        a_shape, b_shape = ctx.shapes
        need_a, need_b = ctx.needs_input_grad[:2]
        grad_a = sum_to(grad, a_shape) if need_a else None
        grad_b = sum_to(grad * -_conj(ctx.alpha), b_shape) if need_b else None
        return grad_a, grad_b, None


def _conj(number):
    return number.conjugate() if number.__class__ is builtins.complex else number


def _check_alpha(op_name, a, b, alpha):
    if isinstance(alpha, (builtins.float, builtins.complex)) and _is_integral(a) and (
            _is_integral(b)):
        raise RuntimeError(
            f"{op_name}(): For integral input tensors, argument alpha must not be a floating "
            f"point number.")
    if isinstance(alpha, builtins.complex) and (
            a if isinstance(a, Tensor) else b)._data.dtype.kind != "c":
        raise RuntimeError(f"{op_name}(): For non-complex input tensors, argument alpha must "
                           f"not be a complex number.")
    if isinstance(alpha, builtins.bool) and not (
            (isinstance(a, Tensor) and a._data.dtype is _BOOL_NP)
            or (isinstance(b, Tensor) and b._data.dtype is _BOOL_NP)):
        raise RuntimeError(f"{op_name}(): Boolean alpha only supported for Boolean results.")


def _integer_result(a, b):
    return (a if isinstance(a, Tensor) else b)._data.dtype in INT_RANGE


def _integer_alpha(op_name, a, b, alpha):
    """a + alpha * b for an integer result dtype, with alpha converted to that dtype as torch
    converts it: c10's checked conversion takes -max..max for unsigned types (a negative
    alpha wraps around) and the type's range for signed ones; anything else raises."""
    like = a if isinstance(a, Tensor) else b
    low, high = INT_RANGE[like._data.dtype]
    if not (low <= alpha <= high or (low == 0 and -high <= alpha < 0)):
        raise RuntimeError(
            f"{op_name}(): alpha {alpha} cannot be converted to type "
            f"{scalar_type_name(like.dtype)} without overflow; pass an alpha in "
            f"[{low}, {high}] or convert the inputs to a wider dtype first.")
    if alpha < 0 and low == 0:
        alpha += high + 1
    # a number operand as a 0-d tensor, so that alpha * b wraps in the dtype as torch's does
    a = a if isinstance(a, Tensor) else _array_like(a, like)
    b = b if isinstance(b, Tensor) else _array_like(b, like)
    return Add.apply(a, b, alpha)


def _reduced_alpha(op, dtype, a, b, alpha):
    """a +- alpha * b on float16 or bfloat16 as torch's kernel computes it: alpha and a number
    operand rounded to the dtype, the arithmetic in float32, one rounding at the end."""
    a, b, alpha = (v if isinstance(v, Tensor) else
                   builtins.float(np.asarray(v, dtype=dtype.np).astype(np.float32))
                   for v in (a, b, alpha))
    return _in_float32(lambda x, y: op.apply(x, y, alpha), dtype, a, b)


def add(input, other, *, alpha=1, out=None):
    """Elementwise input + alpha * other, broadcast and type-promoted.

    Example:
        >>> ember.add(ember.tensor([1., 2.]), ember.tensor([10., 20.]), alpha=2)
        tensor([21., 42.])
    """
    a, b = promote(input, other, "add")
    if alpha != 1 or alpha.__class__ is not builtins.int:
        _check_alpha("add", a, b, alpha)
        if alpha.__class__ is builtins.int and _integer_result(a, b):
            result = _integer_alpha("add", a, b, alpha)
            return result if out is None else _write_out(out, result, "add")
        dtype = (a if isinstance(a, Tensor) else b).dtype
        if dtype in _REDUCED_FLOAT:
            result = _reduced_alpha(Add, dtype, a, b, alpha)
            return result if out is None else _write_out(out, result, "add")
    result = Add.apply(a, b, alpha)
    return result if out is None else _write_out(out, result, "add")


def _is_bool(value):
    if value.__class__ is builtins.bool:
        return True
    return isinstance(value, Tensor) and value._data.dtype is _BOOL_NP


def sub(input, other, *, alpha=1, out=None):
    """Elementwise input - alpha * other; bool operands raise, as in torch.

    Example:
        >>> ember.sub(ember.tensor([5, 6]), 1)
        tensor([4, 5])
    """
    if _is_bool(input) or _is_bool(other):
        raise RuntimeError(
            "Subtraction, the `-` operator, with a bool tensor is not supported. If you are "
            "trying to invert a mask, use the `~` or `logical_not()` operator instead.")
    a, b = promote(input, other, "sub")
    if alpha != 1 or alpha.__class__ is not builtins.int:
        _check_alpha("sub", a, b, alpha)
        if alpha.__class__ is builtins.int and _integer_result(a, b):
            # torch's sub is add with -alpha (an int64 Scalar, so -(-2**63) wraps), converted
            # and range-checked as add's alpha is
            negated = -alpha if alpha != -2 ** 63 else alpha
            result = _integer_alpha("sub", a, b, negated)
            return result if out is None else _write_out(out, result, "sub")
        dtype = (a if isinstance(a, Tensor) else b).dtype
        if dtype in _REDUCED_FLOAT:
            result = _reduced_alpha(Sub, dtype, a, b, alpha)
            return result if out is None else _write_out(out, result, "sub")
    result = Sub.apply(a, b, alpha)
    return result if out is None else _write_out(out, result, "sub")


subtract = sub


# NumPy converts a Python float operand anew on every call (0.4 µs of a 1 µs multiply on
# 32x32). A 0-d array of the other operand's dtype gives the same result (NumPy takes the
# float in that dtype, NEP 50) without the conversion, so these are kept per (value, dtype).
# Zero and NaN stay floats: -0.0 and 0.0 are equal keys, and NaN equals no key.
_NUMBER_ARRAYS = {}
_NUMBER_ARRAYS_MAX = 512


def _number_operand(number, array):
    """`number` as the cheapest operand against `array` for NumPy: for a nonzero float and a
    float32 or float64 CPU array, a shared read-only 0-d array of the array's dtype."""
    if (number.__class__ is not builtins.float or array.__class__ is not np.ndarray
            or not number or number != number):
        return number
    dtype = array.dtype
    if dtype is not _FLOAT32_NP and dtype is not _FLOAT64_NP:
        return number
    key = (number, dtype)
    operand = _NUMBER_ARRAYS.get(key)
    if operand is None:
        if len(_NUMBER_ARRAYS) >= _NUMBER_ARRAYS_MAX:
            _NUMBER_ARRAYS.clear()
        operand = np.array(number, dtype)
        operand.flags.writeable = False
        _NUMBER_ARRAYS[key] = operand
    return operand


class Mul(Op):
    """z = a * b;  grad_a = sum_to(g * b, a),  grad_b = sum_to(g * a, b)."""

    @staticmethod
    def forward(ctx, a, b):
        # A tensor operand is kept only when the other one is a tensor too: times a Python
        # number, nothing needs it (and later in-place changes to it stay legal, as in torch).
        a_is_array, b_is_array = hasattr(a, "shape"), hasattr(b, "shape")
        ctx.save_for_backward(a if b_is_array or not a_is_array else None,
                              b if a_is_array or not b_is_array else None)
        if not b_is_array:
            b = _number_operand(b, a)
        elif not a_is_array:
            a = _number_operand(a, b)
        try:
            return a * b
        except ValueError as error:
            raise broadcast_error(error, "mul", a, b) from None

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.conj_saved_tensors
        need_a, need_b = ctx.needs_input_grad
        grad_a = grad_b = None
        # times a Python number (already of the result's type): straight to Mul, no promotion
        if need_a:
            grad_a = sum_to(grad * b, a.shape) if isinstance(b, Tensor) else Mul.apply(grad, b)
        if need_b:
            grad_b = sum_to(grad * a, b.shape) if isinstance(a, Tensor) else Mul.apply(grad, a)
        return grad_a, grad_b


def mul(input, other, *, out=None):
    """Elementwise input * other, broadcast and type-promoted.

    Example:
        >>> ember.tensor([1., 2.]) * 3
        tensor([3., 6.])
    """
    a, b = promote(input, other, "mul")
    result = Mul.apply(a, b) if b.__class__ is not _WideScalar else b.apply(Mul, a)
    return result if out is None else _write_out(out, result, "mul")


multiply = mul


class Div(Op):
    """z = a / b;  grad_a = sum_to(g / b, a),  grad_b = sum_to(-g * a / b**2, b)."""

    @staticmethod
    def forward(ctx, a, b):
        # a is needed only for b's gradient: not kept when b is a Python number (see Mul)
        ctx.save_for_backward(a if hasattr(b, "shape") or not hasattr(a, "shape") else None, b)
        ctx.a_shape = getattr(a, "shape", ())
        try:
            return a / b
        except ValueError as error:
            raise broadcast_error(error, "div", a, b) from None

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.conj_saved_tensors
        need_a, need_b = ctx.needs_input_grad
        grad_a = sum_to(grad / b, ctx.a_shape) if need_a else None
        grad_b = sum_to(-grad * a / (b * b), b.shape) if need_b else None
        return grad_a, grad_b


class RoundedDiv(Op):
    """z = trunc(a / b) or floor(a / b);  grad_a = grad_b = 0, as torch (whose floor_divide
    has no derivative at all: its backward raises).

    Float floor division uses numpy's floor_divide, which (like torch) corrects the rounding
    of a / b so that floor_divide(a, b) * b + remainder(a, b) == a.
    """

    @staticmethod
    def forward(ctx, a, b, mode, op_name):
        ctx.shapes = (getattr(a, "shape", None), getattr(b, "shape", None))
        ctx.op_name = op_name
        try:
            return _rounded_quotient(ctx.xp, a, b, mode)
        except ValueError as error:
            raise broadcast_error(error, op_name, a, b) from None

    @staticmethod
    def backward(ctx, grad):
        if ctx.op_name == "floor_divide":
            raise RuntimeError(
                "the derivative for floor_divide is not implemented (as in torch); use "
                "div(input, other, rounding_mode='floor'), whose gradient is zero")
        a_shape, b_shape = ctx.shapes
        need_a, need_b = ctx.needs_input_grad[:2]
        return (_zeros(grad, a_shape) if need_a else None,
                _zeros(grad, b_shape) if need_b else None, None, None)


def _rounded_quotient(xp, a, b, mode):
    if _integer_arrays(a, b):
        _check_divisor(b)
        quotient = xp.floor_divide(a, b)
        if mode == "trunc":
            # floor and trunc differ by one where the signs differ and b doesn't divide a
            inexact = (quotient * b) != a
            quotient = quotient + (inexact & ((xp.asarray(a) < 0) != (xp.asarray(b) < 0)))
        return quotient.astype(_array_dtype(a, b), copy=False)
    if mode == "floor":
        if _array_dtype(a, b).itemsize == 2 and xp.asarray(b).size != 1:
            return _half_floor_divide(xp, a, b)
        # a single divisor takes torch's scalar kernel: float32, rounded once (numpy's too)
        return xp.floor_divide(a, b)
    return xp.trunc(a / b)


def _half_floor_divide(xp, a, b):
    """torch's float16/bfloat16 floor division by a tensor: c10::div_floor_floating evaluated
    in the half type, every step rounded to it (not float32 rounded once, as torch does for
    a single divisor; the two differ near integers)."""
    dtype = _array_dtype(a, b)
    a, b = xp.asarray(a, dtype=dtype), xp.asarray(b, dtype=dtype)
    one = dtype.type(1)
    with np.errstate(divide="ignore", invalid="ignore"):
        remainder = xp.fmod(a, b)
        quotient = (a - remainder) / b
        quotient = xp.where((remainder != 0) & ((b < 0) != (remainder < 0)), quotient - one,
                            quotient)
        floor = xp.floor(quotient)
        floor = xp.where(quotient - floor > dtype.type(0.5), floor + one, floor)
        floor = xp.where(quotient == 0, xp.copysign(dtype.type(0), a / b), floor)
        return xp.where(b == 0, a / b, floor)


def _array_dtype(a, b):
    return a.dtype if hasattr(a, "dtype") else b.dtype


def _integer_arrays(a, b):
    """After promotion: is this an integer op? (the array operand has an integer dtype)"""
    return _array_dtype(a, b).kind in "iub"


def _check_divisor(b):
    if (b == 0).any() if hasattr(b, "any") else b == 0:
        raise RuntimeError("ZeroDivisionError: integer division (or modulo) by zero")


def div(input, other, *, rounding_mode=None, out=None):
    """Elementwise input / other.

    rounding_mode None: true division (integer inputs give the default float dtype);
    'trunc': rounded toward zero; 'floor': rounded down. The rounded modes keep integer
    dtypes and have zero gradient.

    Example:
        >>> ember.div(ember.tensor([7, -7]), 2, rounding_mode="trunc")
        tensor([ 3, -3])
    """
    a, b = promote(input, other, "div")
    if rounding_mode is None:
        if _is_integral(a) and _is_integral(b):
            if isinstance(a, Tensor):
                a = _to_float(a)
                b = _to_float(b) if isinstance(b, Tensor) else builtins.float(b)
            else:
                a, b = builtins.float(a), _to_float(b)
        result = Div.apply(a, b) if b.__class__ is not _WideScalar else b.apply(Div, a)
    elif rounding_mode == "trunc" or rounding_mode == "floor":
        result = _rounded_div(a, b, rounding_mode, "div")
    else:
        raise RuntimeError(
            f"div expected rounding_mode to be one of None, 'trunc', or 'floor' but found "
            f"'{rounding_mode}'")
    return result if out is None else _write_out(out, result, "div")


divide = div


def true_divide(input, other, *, out=None):
    """input / other, always true division; the same as div with no rounding_mode."""
    return div(input, other, out=out)


def _rounded_div(a, b, mode, op_name):
    if b.__class__ is _WideScalar:
        return b.apply(RoundedDiv, a, mode, op_name)
    for value in (a, b):
        if isinstance(value, Tensor) and value._data.dtype is _BOOL_NP:
            _not_implemented(f"div_{mode}", _dtype.bool, "numeric")
    _refuse_complex(f"div_{mode}", a, b)
    return RoundedDiv.apply(a, b, mode, op_name)


def _refuse_complex(op_name, a, b):
    """torch's error for complex operands (after promotion) of an op on real numbers only."""
    tensor = a if isinstance(a, Tensor) else b
    if tensor._data.dtype.kind == "c":
        _not_implemented(op_name, tensor.dtype, "real")


def floor_divide(input, other, *, out=None):
    """Elementwise floor(input / other); integer inputs stay integer.

    Example:
        >>> ember.floor_divide(ember.tensor([7, -7]), 2)
        tensor([ 3, -4])
    """
    a, b = promote(input, other, "floor_divide")
    return _maybe_out(out, _rounded_div(a, b, "floor", "floor_divide"), "floor_divide")


class Remainder(Op):
    """z = a - floor(a / b) * b (sign of b), or fmod: a - trunc(a / b) * b (sign of a);
    grad_a = g,  grad_b = -g * floor(a / b) (trunc for fmod)."""

    @staticmethod
    def forward(ctx, a, b, python_style):
        xp = ctx.xp
        if _integer_arrays(a, b):
            _check_divisor(b)
        ctx.save_for_backward(a, b)
        ctx.python_style = python_style
        try:
            return xp.remainder(a, b) if python_style else xp.fmod(a, b)
        except ValueError as error:
            raise broadcast_error(error, "remainder" if python_style else "fmod", a, b) from None

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad[:2]
        grad_a = sum_to(grad, a.shape) if need_a else None
        grad_b = None
        if need_b:
            if not isinstance(a, Tensor):
                raise RuntimeError(
                    "the derivative of remainder(number, tensor) with respect to the tensor is "
                    "not implemented (as in torch); use a tensor for the number")
            quotient = div(a, b, rounding_mode="floor" if ctx.python_style else "trunc")
            grad_b = sum_to(-grad * quotient, b.shape)
        return grad_a, grad_b, None


def _remainder(op_name, input, other, python_style):
    _require_a_tensor(op_name, input, other)
    a, b = promote(input, other, op_name)
    for value in (a, b):
        if isinstance(value, Tensor) and value._data.dtype is _BOOL_NP:
            _not_implemented(op_name, _dtype.bool, "numeric")
    _refuse_complex(op_name, a, b)
    return Remainder.apply(a, b, python_style)


def remainder(input, other, *, out=None):
    """Python's modulo, elementwise: the result has the sign of the divisor.

    Example:
        >>> ember.remainder(ember.tensor([-3., 3.]), 2)
        tensor([1., 1.])
    """
    return _maybe_out(out, _remainder("remainder", input, other, True), "remainder")


def fmod(input, other, *, out=None):
    """C's fmod, elementwise: the result has the sign of the dividend.

    Example:
        >>> ember.fmod(ember.tensor([-3., 3.]), 2)
        tensor([-1.,  1.])
    """
    _require_tensor("fmod", input, "input", 1)
    return _maybe_out(out, _remainder("fmod", input, other, False), "fmod")


# torch takes these powers of a float32 or float64 tensor by products, square roots and
# division (aten's pow_tensor_scalar_kernel), which round differently from pow(); the same
# steps give its bits, and faster than np.power.
_POWER_BY_STEPS = {
    2: lambda xp, a: a * a,
    3: lambda xp, a: a * a * a,
    -2: lambda xp, a: 1 / (a * a),
    0.5: lambda xp, a: xp.sqrt(a),
    -0.5: lambda xp, a: 1 / xp.sqrt(a),
    -1: lambda xp, a: 1 / a,
}
_NUMBER_TYPES = (builtins.int, builtins.float)
_SINGLE_DOUBLE = (_FLOAT32_NP, _FLOAT64_NP)


class Pow(Op):
    """z = a ** b;  grad_a = g * b * a**(b-1) (0 where b == 0),
    grad_b = g * z * ln(a) (0 where a == 0 and b >= 0)."""

    @staticmethod
    def forward(ctx, a, b):
        steps = _POWER_BY_STEPS.get(b) if b.__class__ in _NUMBER_TYPES else None
        try:
            if steps is not None and a.dtype in _SINGLE_DOUBLE:
                out = steps(ctx.xp, a)
            else:
                out = ctx.xp.power(a, b)
        except ValueError as error:
            raise broadcast_error(error, "pow", a, b) from None
        ctx.save_for_backward(a, b, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        a, b, out = ctx.conj_saved_tensors
        need_a, need_b = ctx.needs_input_grad
        grad_a = grad_b = None
        if need_a:
            if isinstance(b, Tensor):
                grad_a = compare.where(b.eq(0), 0.0, grad * b * a.pow(b - 1))
                grad_a = sum_to(grad_a, a.shape)
            else:
                grad_a = grad * b * a.pow(b - 1) if b != 0 else _zeros(grad, grad.shape)
        if need_b:
            if isinstance(a, Tensor):
                grad_b = compare.where(a.eq(0) & (b.real >= 0), 0.0, grad * out * a.log())
            else:
                grad_b = grad * out * _log_of_number(a)
                if a == 0:
                    grad_b = compare.where(b.real >= 0, 0.0, grad_b)
            grad_b = sum_to(grad_b, b.shape)
        return grad_a, grad_b


def _log_of_number(a):
    if a.__class__ is builtins.complex:
        return cmath.log(a) if a else -math.inf
    return math.log(a) if a > 0 else (-math.inf if a == 0 else math.nan)


class IntegerPow(Op):
    """z = a ** b for integer and bool dtypes (wrapping on overflow, as torch); a negative
    exponent gives 1 for a base of 1, ±1 for -1, and 0 otherwise."""

    differentiable = False

    @staticmethod
    def forward(ctx, a, b):
        xp = ctx.xp
        dtype = _array_dtype(a, b)
        base = xp.asarray(a).astype(xp.int64)
        exponent = xp.asarray(b).astype(xp.int64)
        negative = exponent < 0
        try:
            out = xp.power(base, xp.where(negative, 0, exponent))
        except ValueError as error:
            raise broadcast_error(error, "pow", a, b) from None
        if negative.any():
            odd = (exponent % 2) != 0
            reciprocal = xp.where(base == 1, 1, xp.where(base == -1, xp.where(odd, -1, 1), 0))
            out = xp.where(negative, reciprocal, out)
        return out.astype(dtype)


def pow(input, exponent, *, out=None):
    """Elementwise input ** exponent; either side may be a Python number.

    Integer tensors to negative integer (scalar) powers raise, as in torch.

    Example:
        >>> ember.pow(ember.tensor([1., 2., 3.]), 2)
        tensor([1., 4., 9.])
        >>> 2 ** ember.tensor([0, 1, 2])
        tensor([1, 2, 4])
    """
    if autocast_mode.active:  # See NOTE [ How autocast reaches the ops ]
        return autocast_mode.dispatch("pow", pow, input, exponent, out=out)
    _require_a_tensor("pow", input, exponent)
    a, b = promote(input, exponent, "pow")
    if _is_integral(a) and _is_integral(b):
        if not isinstance(b, Tensor) and b < 0:
            raise RuntimeError("Integers to negative integer powers are not allowed.")
        if isinstance(b, Tensor) and b._data.dtype is _BOOL_NP:
            _not_implemented("pow", _dtype.bool, "numeric")
        result = IntegerPow.apply(a, b)
    else:
        result = Pow.apply(a, b)
    if isinstance(exponent, Tensor):  # torch's pow of a tensor and a number is PowBackward0
        named(result, "PowBackward1" if isinstance(input, Tensor) else "PowBackward2")
    return result if out is None else _write_out(out, result, "pow")


def float_power(input, exponent, *, out=None):
    """input ** exponent computed in float64 (complex128 when either is complex).

    Example:
        >>> ember.float_power(ember.tensor([2]), 0.5)
        tensor([1.4142], dtype=ember.float64)
    """
    _require_a_tensor("float_power", input, exponent)
    dtype = (_dtype.complex128 if _dtype.promote_operands(input, exponent).is_complex
             else _dtype.float64)
    a, b = (_cast(value, dtype, None) for value in (input, exponent))
    return _maybe_out(out, pow(a, b), "float_power")


class Neg(Op):
    """y = -x;  grad_x = -g."""

    @staticmethod
    def forward(ctx, x):
        return -x

    @staticmethod
    def backward(ctx, grad):
        return -grad


def neg(input, *, out=None):
    """Elementwise -input; bool tensors raise (use ~ or logical_not)."""
    _input_tensor("neg", input)
    if input._data.dtype is _BOOL_NP:
        raise RuntimeError(
            "Negation, the `-` operator, on a bool tensor is not supported. If you are trying "
            "to invert a mask, use the `~` or `logical_not()` operator instead.")
    return _maybe_out(out, Neg.apply(input), "neg")


negative = neg


def positive(input):
    """input itself (the unary `+`); bool tensors raise, as in torch."""
    _input_tensor("positive", input)
    if input._data.dtype is _BOOL_NP:
        raise RuntimeError("The `+` operator, on a bool tensor is not supported.")
    return input


class Lerp(Op):
    """z = a + w * (b - a), computed as b + (w - 1) * (b - a) where |w| >= 0.5 (torch's form,
    exact at w = 1);  grad_a = g * conj(1 - w),  grad_b = g * conj(w),
    grad_w = g * conj(b - a)."""

    @staticmethod
    def forward(ctx, a, b, w):
        xp = ctx.xp
        ctx.save_for_backward(a, b, w)
        try:
            difference = b - a
            if not hasattr(w, "shape"):
                w = a.dtype.type(w)
                small = builtins.abs(w) < 0.5
                return _fused_multiply_add(xp, w if small else w - 1, difference,
                                           a if small else b)
            small = xp.abs(w) < 0.5
            return _fused_multiply_add(xp, xp.where(small, w, w - 1), difference,
                                       xp.where(small, a, b))
        except ValueError as error:
            raise broadcast_error(error, "lerp", a, b, w) from None

    @staticmethod
    def backward(ctx, grad):
        a, b, w = ctx.conj_saved_tensors
        need_a, need_b, need_w = ctx.needs_input_grad
        grad_a = sum_to(grad * (1 - w), a.shape) if need_a else None
        grad_b = sum_to(grad * w, b.shape) if need_b else None
        grad_w = sum_to(grad * (b - a), w.shape) if need_w else None
        return grad_a, grad_b, grad_w


def lerp(input, end, weight, *, out=None):
    """Linear interpolation input + weight * (end - input); weight a number or a tensor.

    input and end must share one floating or complex dtype (a 0-d weight tensor may
    differ).

    Example:
        >>> ember.lerp(ember.tensor([0., 10.]), ember.tensor([10., 20.]), 0.5)
        tensor([ 5., 15.])
    """
    _require_tensor("lerp", input, "input", 1)
    _require_tensor("lerp", end, "end", 2)
    if input._data.dtype not in DIFFERENTIABLE_NP:
        _not_implemented("lerp", input.dtype)
    for name, value in (("end", end), ("weight", weight)):
        if isinstance(value, Tensor) and value._data.dtype is not input._data.dtype and not (
                name == "weight" and value._data.ndim == 0
                and value._data.dtype in DIFFERENTIABLE_NP):
            raise RuntimeError(
                f"lerp(): expected dtype {input.dtype.name} for `{name}` but got dtype "
                f"{value.dtype.name}; convert it with .to({input.dtype})")
    if not isinstance(weight, (Tensor, builtins.int, builtins.float, builtins.complex)):
        raise TypeError(f"lerp(): argument 'weight' must be Tensor or Number, not "
                        f"{type(weight).__name__}")
    if input.dtype in _REDUCED_FLOAT:
        return _maybe_out(out, _in_float32(lerp, input.dtype, input, end, weight), "lerp")
    if input._data.dtype.kind == "c" and isinstance(weight, Tensor):
        weight = weight.to(input.dtype)  # a real 0-d weight's gradient is then its real part
    weight = _cast(_dtype.real_number(weight, input.dtype), input.dtype, input)
    return _maybe_out(out, Lerp.apply(input, end, weight), "lerp")


def _to_common(tensor, dtype):
    """A tensor operand of addcmul/addcdiv in the dtype of all three: torch multiplies or
    divides tensor1 and tensor2 in the result dtype, not in their own common one."""
    if isinstance(tensor, Tensor) and tensor.dtype is not dtype:
        return tensor.to(dtype)
    return tensor


def addcmul(input, tensor1, tensor2, *, value=1, out=None):
    """input + value * tensor1 * tensor2, broadcast.

    Example:
        >>> ember.addcmul(ember.ones(2), ember.tensor([2., 3.]), ember.tensor([4., 5.]), value=2)
        tensor([17., 31.])
    """
    dtype = _dtype.promote_operands(input, tensor1, tensor2)
    value = _dtype.real_number(value, dtype)
    if dtype in _REDUCED_FLOAT:
        return _maybe_out(out, _in_float32(lambda x, y, z: addcmul(x, y, z, value=value),
                                           dtype, input, tensor1, tensor2), "addcmul")
    tensor1, tensor2 = _to_common(tensor1, dtype), _to_common(tensor2, dtype)
    if dtype.category == _dtype.FLOATING:  # torch's kernel: fma(value * tensor1, tensor2, input)
        scaled = tensor1 if value == 1 else tensor1 * value
        result = MulAdd.apply(*promote(scaled, tensor2, "addcmul"), _cast(input, dtype, input))
        return _maybe_out(out, result, "addcmul")
    product = tensor1 * tensor2
    if value != 1:
        if _is_integral(product) and _is_integral(input):
            value = builtins.int(value)  # torch casts value to the integer result type
        product = product * value
    return _maybe_out(out, add(input, product), "addcmul")


class MulAdd(Op):
    """z = x * y + w (for float32 rounded once, see _fused_multiply_add);
    grad_x = sum_to(g * y, x),  grad_y = sum_to(g * x, y),  grad_w = sum_to(g, w)."""

    @staticmethod
    def forward(ctx, x, y, w):
        ctx.save_for_backward(x, y)
        ctx.w_shape = getattr(w, "shape", ())
        try:
            return _fused_multiply_add(ctx.xp, x, y, w)
        except ValueError as error:
            raise broadcast_error(error, "addcmul", w, x, y) from None

    @staticmethod
    def backward(ctx, grad):
        x, y = ctx.saved_tensors
        need_x, need_y, need_w = ctx.needs_input_grad
        return (sum_to(grad * y, x.shape) if need_x else None,
                sum_to(grad * x, y.shape) if need_y else None,
                sum_to(grad, ctx.w_shape) if need_w else None)


def addcdiv(input, tensor1, tensor2, *, value=1, out=None):
    """input + value * tensor1 / tensor2, broadcast; integer tensor1/tensor2 are refused.

    Example:
        >>> ember.addcdiv(ember.ones(2), ember.tensor([2., 3.]), ember.tensor([4., 6.]))
        tensor([1.5000, 1.5000])
    """
    if _is_integral(tensor1) and _is_integral(tensor2):
        raise RuntimeError(
            "Integer division with addcdiv is no longer supported, and in a future release "
            "addcdiv will perform a true division of tensor1 and tensor2. Use "
            "ember.addcdiv(input, tensor1.float(), tensor2) or floor_divide for integer "
            "division.")
    dtype = _dtype.promote_operands(input, tensor1, tensor2)
    value = _dtype.real_number(value, dtype)
    if dtype in _REDUCED_FLOAT:
        return _maybe_out(out, _in_float32(lambda x, y, z: addcdiv(x, y, z, value=value),
                                           dtype, input, tensor1, tensor2), "addcdiv")
    tensor1, tensor2 = _to_common(tensor1, dtype), _to_common(tensor2, dtype)
    quotient = tensor1 / tensor2
    return _maybe_out(out, add(input, quotient if value == 1 else quotient * value), "addcdiv")


# -- Tensor methods and operators ---------------------------------------------------------

def _reflected(fn):
    def method(self, other):
        return fn(other, self)
    method.__name__ = f"__r{fn.__name__}__"
    return method


for _name in ("add", "sub", "subtract", "mul", "multiply", "div", "divide", "true_divide",
              "floor_divide", "remainder", "fmod", "pow", "float_power", "neg", "negative",
              "positive", "lerp", "addcmul", "addcdiv"):
    setattr(Tensor, _name, globals()[_name])

Tensor.__add__ = add
Tensor.__radd__ = _reflected(add)
Tensor.__sub__ = sub
Tensor.__rsub__ = _reflected(sub)
Tensor.__mul__ = mul
Tensor.__rmul__ = mul  # torch's: the number stays the second operand (see _WideScalar)
Tensor.__truediv__ = div
Tensor.__div__ = div  # Python 2's name, which torch.Tensor still has; __rdiv__ is in unary.py
Tensor.__floordiv__ = floor_divide
Tensor.__rfloordiv__ = _reflected(floor_divide)
Tensor.__mod__ = remainder
Tensor.__rmod__ = _reflected(remainder)
Tensor.__pow__ = pow
Tensor.__rpow__ = _reflected(pow)
Tensor.__neg__ = neg
Tensor.__pos__ = positive
