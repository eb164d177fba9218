"""Elementwise arithmetic and math functions, each with its gradient beside it.

Binary ops first bring both operands to torch's result dtype (see ember._dtype), then
broadcast as numpy does; their backward reduces each gradient to its input's shape with
`sum_to`. Python scalars stay Python scalars: they never get a gradient.

Gradient conventions at kinks follow torch: relu and abs pass 0 at 0, clamp passes the
gradient at its bounds, maximum/minimum split it evenly at ties, and pow's gradient with
respect to the exponent is 0 where the base is 0 and the exponent >= 0.
"""
import builtins

import numpy as np
import math
import warnings

from .. import _dtype
from .._dtype import FLOAT_NP, INT_RANGE, scalar_type_name
from .._tensor import Tensor
from ..autograd import grad_mode
from ..autograd.function import Op
from ..backend import xp_of
from . import compare  # compare.where() in the formulas below; compare imports this module too
from .creation import scalar_tensor
from ..amp import autocast_mode

__all__ = [
    "add", "sub", "subtract", "mul", "multiply", "div", "divide", "true_divide", "floor_divide",
    "remainder", "fmod", "pow", "float_power", "neg", "negative", "positive", "abs", "absolute",
    "sign", "sgn", "exp", "exp2", "expm1", "log", "log2", "log10", "log1p", "sqrt", "rsqrt",
    "sin", "cos", "tan", "asin", "acos", "atan", "arcsin", "arccos", "arctan", "sinh", "cosh",
    "tanh", "asinh", "acosh", "atanh", "arcsinh", "arccosh", "arctanh", "sigmoid", "relu",
    "reciprocal", "square", "clamp", "clip", "clamp_min", "clamp_max", "floor", "ceil", "round",
    "trunc", "fix", "frac", "erf", "erfc", "erfinv", "maximum", "minimum", "fmax", "fmin",
    "lerp", "atan2", "arctan2", "hypot", "logaddexp", "xlogy", "addcmul", "addcdiv",
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
    return _cast(input, result, like), _cast(other, result, like)


def _keeps_dtype(array_dtype, scalar):
    """Fast path: a float scalar with a float tensor, or an int scalar with a float tensor or
    an integer tensor that holds it, leaves the tensor's dtype as it is (and numpy agrees).
    bfloat16 (numpy kind 'V') takes the slow path."""
    scalar_type = scalar.__class__
    if scalar_type is builtins.float:
        return array_dtype.kind == "f"
    if scalar_type is builtins.int:
        if array_dtype.kind == "f":
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
    return builtins.bool(value)


def _number_tensor(value, op_name):
    if not isinstance(value, (builtins.bool, builtins.int, builtins.float)):
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
    if tensor._data.dtype in FLOAT_NP:
        return tensor
    return tensor.to(_dtype.get_default_dtype())


def _zeros(like, shape):
    """A constant zero gradient of `like`'s dtype and device."""
    return Tensor._make(xp_of(like._data).zeros(shape, like._data.dtype))


def _is_integral(value):
    """True for an integer or bool tensor, or for an int (or bool) Python scalar."""
    if isinstance(value, Tensor):
        return value._data.dtype not in FLOAT_NP
    return isinstance(value, builtins.int)


def _not_implemented(op_name, dtype, wants="floating-point"):
    raise NotImplementedError(
        f"\"{op_name}\" not implemented for '{scalar_type_name(dtype)}': {op_name} takes "
        f"{wants} tensors. Convert the input first, e.g. with .float().")


def _require_tensor(op_name, value, argument="other", position=2):
    if not isinstance(value, Tensor):
        raise TypeError(f"{op_name}(): argument '{argument}' (position {position}) must be "
                        f"Tensor, not {type(value).__name__}")


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
    """z = a + alpha * b;  grad_a = sum_to(g, a),  grad_b = sum_to(alpha * g, b)."""

    @staticmethod
    def forward(ctx, a, b, alpha):
        ctx.shapes = (getattr(a, "shape", None), getattr(b, "shape", None))
        ctx.alpha = alpha
        try:
            if alpha == 1:
                return a + b
            return (a + alpha * b).astype(_array_dtype(a, b), copy=False)
        except ValueError as error:
            raise broadcast_error(error, "add", a, b) from None

    @staticmethod
    def backward(ctx, grad):
        a_shape, b_shape = ctx.shapes
        need_a, need_b = ctx.needs_input_grad[:2]
        grad_a = sum_to(grad, a_shape) if need_a else None
        grad_b = None
        if need_b:
            grad_b = sum_to(grad if ctx.alpha == 1 else grad * ctx.alpha, b_shape)
        return grad_a, grad_b, None


class Sub(Op):
    """z = a - alpha * b;  grad_a = sum_to(g, a),  grad_b = -sum_to(alpha * g, b)."""

    @staticmethod
    def forward(ctx, a, b, alpha):
        ctx.shapes = (getattr(a, "shape", None), getattr(b, "shape", None))
        ctx.alpha = alpha
        try:
            if alpha == 1:
                return a - b
            return (a - alpha * b).astype(_array_dtype(a, b), copy=False)
        except ValueError as error:
            raise broadcast_error(error, "sub", a, b) from None

    @staticmethod
    def backward(ctx, grad):
        a_shape, b_shape = ctx.shapes
        need_a, need_b = ctx.needs_input_grad[:2]
        grad_a = sum_to(grad, a_shape) if need_a else None
        grad_b = sum_to(grad * -ctx.alpha, b_shape) if need_b else None
        return grad_a, grad_b, None


def _check_alpha(op_name, a, b, alpha):
    if isinstance(alpha, builtins.float) and _is_integral(a) and _is_integral(b):
        raise RuntimeError(
            f"{op_name}(): For integral input tensors, argument alpha must not be a floating "
            f"point number.")
    if isinstance(alpha, builtins.bool) and not (
            (isinstance(a, Tensor) and a._data.dtype is _BOOL_NP)
            or (isinstance(b, Tensor) and b._data.dtype is _BOOL_NP)):
        raise RuntimeError(f"{op_name}(): Boolean alpha only supported for Boolean results.")


def add(input, other, *, alpha=1, out=None):
    """Elementwise input + alpha * other, broadcast and type-promoted.

    Example:
        >>> ember.add(ember.tensor([1., 2.]), ember.tensor([10., 20.]), alpha=2)
        tensor([21., 42.])
    """
    a, b = promote(input, other, "add")
    if alpha != 1 or alpha.__class__ is not builtins.int:
        _check_alpha("add", a, b, alpha)
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
    result = Sub.apply(a, b, alpha)
    return result if out is None else _write_out(out, result, "sub")


subtract = sub


class Mul(Op):
    """z = a * b;  grad_a = sum_to(g * b, a),  grad_b = sum_to(g * a, b)."""

    @staticmethod
    def forward(ctx, a, b):
        # A tensor operand is kept only when the other one is a tensor too: times a Python
        # number, nothing needs it (and later in-place changes to it stay legal, as in torch).
        a_is_array, b_is_array = hasattr(a, "shape"), hasattr(b, "shape")
        ctx.save_for_backward(a if b_is_array or not a_is_array else None,
                              b if a_is_array or not b_is_array else None)
        try:
            return a * b
        except ValueError as error:
            raise broadcast_error(error, "mul", a, b) from None

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        grad_a = grad_b = None
        if need_a:
            grad_a = sum_to(grad * b, a.shape) if isinstance(b, Tensor) else grad * b
        if need_b:
            grad_b = sum_to(grad * a, b.shape) if isinstance(a, Tensor) else grad * a
        return grad_a, grad_b


def mul(input, other, *, out=None):
    """Elementwise input * other, broadcast and type-promoted.

    Example:
        >>> ember.tensor([1., 2.]) * 3
        tensor([3., 6.])
    """
    a, b = promote(input, other, "mul")
    result = Mul.apply(a, b)
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
        a, b = ctx.saved_tensors
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
        return xp.floor_divide(a, b)
    return xp.trunc(a / b)


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
        result = Div.apply(a, b)
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
    for value in (a, b):
        if isinstance(value, Tensor) and value._data.dtype is _BOOL_NP:
            _not_implemented(f"div_{mode}", _dtype.bool, "numeric")
    return RoundedDiv.apply(a, b, mode, op_name)


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
    a, b = promote(input, other, op_name)
    for value in (a, b):
        if isinstance(value, Tensor) and value._data.dtype is _BOOL_NP:
            _not_implemented(op_name, _dtype.bool, "numeric")
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


class Pow(Op):
    """z = a ** b;  grad_a = g * b * a**(b-1) (0 where b == 0),
    grad_b = g * z * ln(a) (0 where a == 0 and b >= 0)."""

    @staticmethod
    def forward(ctx, a, b):
        try:
            out = ctx.xp.power(a, b)
        except ValueError as error:
            raise broadcast_error(error, "pow", a, b) from None
        ctx.save_for_backward(a, b, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        a, b, out = ctx.saved_tensors
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
                grad_b = compare.where(a.eq(0) & (b >= 0), 0.0, grad * out * a.log())
            else:
                log_a = math.log(a) if a > 0 else (-math.inf if a == 0 else math.nan)
                grad_b = grad * out * log_a
                if a == 0:
                    grad_b = compare.where(b >= 0, 0.0, grad_b)
            grad_b = sum_to(grad_b, b.shape)
        return grad_a, grad_b


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
    a, b = promote(input, exponent, "pow")
    if _is_integral(a) and _is_integral(b):
        if not isinstance(b, Tensor) and b < 0:
            raise RuntimeError("Integers to negative integer powers are not allowed.")
        if isinstance(b, Tensor) and b._data.dtype is _BOOL_NP:
            _not_implemented("pow", _dtype.bool, "numeric")
        result = IntegerPow.apply(a, b)
    else:
        result = Pow.apply(a, b)
    return result if out is None else _write_out(out, result, "pow")


def float_power(input, exponent, *, out=None):
    """input ** exponent computed in float64.

    Example:
        >>> ember.float_power(ember.tensor([2]), 0.5)
        tensor([1.4142], dtype=ember.float64)
    """
    a = input.double() if isinstance(input, Tensor) else builtins.float(input)
    b = exponent.double() if isinstance(exponent, Tensor) else builtins.float(exponent)
    return _maybe_out(out, pow(a, b), "float_power")


class Maximum(Op):
    """z = max(a, b) or min(a, b), propagating NaN (fmax/fmin ignore it).

    maximum: grad_a = g where a > b, g / 2 where a == b, else 0 (and grad_b mirrored);
    fmax: grad_a = g where a >= b or b is NaN, else 0; grad_b takes the rest.
    """

    @staticmethod
    def forward(ctx, a, b, take_max, ignore_nan):
        xp = ctx.xp
        ctx.save_for_backward(a, b)
        ctx.take_max, ctx.ignore_nan = take_max, ignore_nan
        try:
            if ignore_nan:
                return xp.fmax(a, b) if take_max else xp.fmin(a, b)
            return xp.maximum(a, b) if take_max else xp.minimum(a, b)
        except ValueError as error:
            raise broadcast_error(error, _extremum_name(take_max, ignore_nan), a, b) from None

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad[:2]
        where = compare.where
        if ctx.ignore_nan:
            a_wins = ((a >= b) if ctx.take_max else (a <= b)) | b.isnan()
            grad_a = where(a_wins, grad, 0.0) if need_a else None
            grad_b = where(a_wins, 0.0, grad) if need_b else None
        else:
            shared = where(a.eq(b), grad * 0.5, grad)
            a_loses, b_loses = (a < b, a > b) if ctx.take_max else (a > b, a < b)
            grad_a = where(a_loses, 0.0, shared) if need_a else None
            grad_b = where(b_loses, 0.0, shared) if need_b else None
        return (sum_to(grad_a, a.shape) if need_a else None,
                sum_to(grad_b, b.shape) if need_b else None, None, None)


def _extremum_name(take_max, ignore_nan):
    return ("fmax" if take_max else "fmin") if ignore_nan else (
        "maximum" if take_max else "minimum")


def _extremum(op_name, input, other, take_max, ignore_nan):
    _require_tensor(op_name, input, "input", 1)
    _require_tensor(op_name, other)
    a, b = promote(input, other, op_name)
    return Maximum.apply(a, b, take_max, ignore_nan)


def maximum(input, other, *, out=None):
    """Elementwise maximum of two tensors; NaN wins. At ties each gets half the gradient.

    Example:
        >>> ember.maximum(ember.tensor([1., 5.]), ember.tensor([3., 2.]))
        tensor([3., 5.])
    """
    return _maybe_out(out, _extremum("maximum", input, other, True, False), "maximum")


def minimum(input, other, *, out=None):
    """Elementwise minimum of two tensors; NaN wins. At ties each gets half the gradient."""
    return _maybe_out(out, _extremum("minimum", input, other, False, False), "minimum")


def fmax(input, other, *, out=None):
    """Elementwise maximum that ignores NaN (NaN only where both are NaN)."""
    return _maybe_out(out, _extremum("fmax", input, other, True, True), "fmax")


def fmin(input, other, *, out=None):
    """Elementwise minimum that ignores NaN (NaN only where both are NaN)."""
    return _maybe_out(out, _extremum("fmin", input, other, False, True), "fmin")


class Atan2(Op):
    """z = atan2(a, b);  grad_a = g * b / (a² + b²),  grad_b = -g * a / (a² + b²)."""

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        try:
            return ctx.xp.arctan2(a, b)
        except ValueError as error:
            raise broadcast_error(error, "atan2", a, b) from None

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        scale = grad / (a * a + b * b)
        grad_a = sum_to(scale * b, a.shape) if need_a else None
        grad_b = sum_to(-scale * a, b.shape) if need_b else None
        return grad_a, grad_b


def _float_pair(op_name, input, other, integers="promote"):
    """Two tensors of one floating dtype for a binary float op (integers become floats, or
    raise NotImplementedError as in torch)."""
    _require_tensor(op_name, input, "input", 1)
    _require_tensor(op_name, other)
    a, b = promote(input, other, op_name)
    if a._data.dtype not in FLOAT_NP:
        if integers == "raise":
            _not_implemented(op_name, a.dtype)
        a, b = _to_float(a), _to_float(b)
    return a, b


def atan2(input, other, *, out=None):
    """Elementwise angle of the point (other, input), in (-pi, pi].

    Example:
        >>> ember.atan2(ember.tensor([1.]), ember.tensor([-1.]))
        tensor([2.3562])
    """
    a, b = _float_pair("atan2", input, other)
    return _maybe_out(out, Atan2.apply(a, b), "atan2")


arctan2 = atan2


class Hypot(Op):
    """z = sqrt(a² + b²) without overflow;  grad_a = g * a / z,  grad_b = g * b / z."""

    @staticmethod
    def forward(ctx, a, b):
        try:
            out = ctx.xp.hypot(a, b)
        except ValueError as error:
            raise broadcast_error(error, "hypot", a, b) from None
        ctx.save_for_backward(a, b, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        a, b, out = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        scale = grad / out
        grad_a = sum_to(scale * a, a.shape) if need_a else None
        grad_b = sum_to(scale * b, b.shape) if need_b else None
        return grad_a, grad_b


def hypot(input, other, *, out=None):
    """Elementwise length of the hypotenuse, sqrt(input² + other²).

    Example:
        >>> ember.hypot(ember.tensor([3.]), ember.tensor([4.]))
        tensor([5.])
    """
    a, b = _float_pair("hypot", input, other, integers="raise")
    return _maybe_out(out, Hypot.apply(a, b), "hypot")


class LogAddExp(Op):
    """z = log(e**a + e**b), without overflow;
    grad_a = g / (1 + e**(b - a)),  grad_b = g / (1 + e**(a - b))."""

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        try:
            return ctx.xp.logaddexp(a, b)
        except ValueError as error:
            raise broadcast_error(error, "logaddexp", a, b) from None

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        grad_a = sum_to(grad / ((b - a).exp() + 1), a.shape) if need_a else None
        grad_b = sum_to(grad / ((a - b).exp() + 1), b.shape) if need_b else None
        return grad_a, grad_b


def logaddexp(input, other, *, out=None):
    """Elementwise log(exp(input) + exp(other)), stable for large inputs.

    Example:
        >>> ember.logaddexp(ember.tensor([1000.]), ember.tensor([1000.]))
        tensor([1000.6931])
    """
    a, b = _float_pair("logaddexp", input, other, integers="raise")
    return _maybe_out(out, LogAddExp.apply(a, b), "logaddexp")


class Xlogy(Op):
    """z = x * ln(y), and 0 where x == 0 (unless y is NaN);
    grad_x = g * ln(y) (0 where x == 0 and y <= 0),  grad_y = g * x / y."""

    @staticmethod
    def forward(ctx, x, y):
        xp = ctx.xp
        ctx.save_for_backward(x, y)
        try:
            product = x * xp.log(y)
        except ValueError as error:
            raise broadcast_error(error, "xlogy", x, y) from None
        return xp.where((xp.asarray(x) == 0) & ~xp.isnan(y), 0, product).astype(
            product.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        x, y = ctx.saved_tensors
        need_x, need_y = ctx.needs_input_grad
        grad_x = grad_y = None
        if need_x:
            grad_x = compare.where((x == 0) & (y <= 0), 0.0, xlogy(grad, y))
            grad_x = sum_to(grad_x, x.shape)
        if need_y:
            grad_y = sum_to(grad * x / y, y.shape)
        return grad_x, grad_y


def xlogy(input, other, *, out=None):
    """Elementwise input * log(other), defined as 0 where input == 0 (unless other is NaN).

    Example:
        >>> ember.xlogy(ember.tensor([0., 2.]), ember.tensor([0., 1.]))
        tensor([0., 0.])
    """
    x, y = promote(input, other, "xlogy")
    like = x if isinstance(x, Tensor) else y
    if like._data.dtype not in FLOAT_NP:
        default = _dtype.get_default_dtype()
        x, y = _cast(x, default, like), _cast(y, default, like)
    # a scalar becomes a 0-d tensor: numpy would compute log(scalar) in float64
    dtype = x.dtype if isinstance(x, Tensor) else y.dtype
    x = x if isinstance(x, Tensor) else _scalar_tensor(x, dtype, y)
    y = y if isinstance(y, Tensor) else _scalar_tensor(y, dtype, x)
    return _maybe_out(out, Xlogy.apply(x, y), "xlogy")


class Lerp(Op):
    """z = a + w * (b - a), computed as b - (b - a) * (1 - w) where w >= 0.5 (torch's form,
    exact at w = 1);  grad_a = g * (1 - w),  grad_b = g * w,  grad_w = g * (b - a)."""

    @staticmethod
    def forward(ctx, a, b, w):
        xp = ctx.xp
        ctx.save_for_backward(a, b, w)
        try:
            if not hasattr(w, "shape"):
                return a + w * (b - a) if w < 0.5 else b - (b - a) * (1 - w)
            difference = b - a
            return xp.where(w < 0.5, a + w * difference, b - difference * (1 - w))
        except ValueError as error:
            raise broadcast_error(error, "lerp", a, b, w) from None

    @staticmethod
    def backward(ctx, grad):
        a, b, w = ctx.saved_tensors
        need_a, need_b, need_w = ctx.needs_input_grad
        grad_a = sum_to(grad * (1 - w), a.shape) if need_a else None
        grad_b = sum_to(grad * w, b.shape) if need_b else None
        grad_w = sum_to(grad * (b - a), w.shape) if need_w else None
        return grad_a, grad_b, grad_w


def lerp(input, end, weight, *, out=None):
    """Linear interpolation input + weight * (end - input); weight a number or a tensor.

    input and end must share one floating dtype (a 0-d weight tensor may differ).

    Example:
        >>> ember.lerp(ember.tensor([0., 10.]), ember.tensor([10., 20.]), 0.5)
        tensor([ 5., 15.])
    """
    _require_tensor("lerp", input, "input", 1)
    _require_tensor("lerp", end, "end", 2)
    if input._data.dtype not in FLOAT_NP:
        _not_implemented("lerp", input.dtype)
    for name, value in (("end", end), ("weight", weight)):
        if isinstance(value, Tensor) and value._data.dtype is not input._data.dtype and not (
                name == "weight" and value._data.ndim == 0 and value.is_floating_point()):
            raise RuntimeError(
                f"lerp(): expected dtype {input.dtype.name} for `{name}` but got dtype "
                f"{value.dtype.name}; convert it with .to({input.dtype})")
    if not isinstance(weight, (Tensor, builtins.int, builtins.float)):
        raise TypeError(f"lerp(): argument 'weight' must be Tensor or Number, not "
                        f"{type(weight).__name__}")
    weight = _cast(weight, input.dtype, input)
    return _maybe_out(out, Lerp.apply(input, end, weight), "lerp")


def addcmul(input, tensor1, tensor2, *, value=1, out=None):
    """input + value * tensor1 * tensor2, broadcast.

    Example:
        >>> ember.addcmul(ember.ones(2), ember.tensor([2., 3.]), ember.tensor([4., 5.]), value=2)
        tensor([17., 31.])
    """
    product = tensor1 * tensor2
    if value != 1:
        if _is_integral(product) and _is_integral(input):
            value = builtins.int(value)  # torch casts value to the integer result type
        product = product * value
    return _maybe_out(out, add(input, product), "addcmul")


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
    quotient = tensor1 / tensor2
    return _maybe_out(out, add(input, quotient if value == 1 else quotient * value), "addcdiv")


# -- unary math ---------------------------------------------------------------------------
# Each class computes y = f(x) and returns grad * f'(x) written with ember ops. Ops defined
# only on floats (exp, sin, ...) turn integer inputs into the default float dtype first.

class Neg(Op):
    """y = -x;  grad_x = -g."""

    @staticmethod
    def forward(ctx, x):
        return -x

    @staticmethod
    def backward(ctx, grad):
        return -grad


class Abs(Op):
    """y = |x|;  grad_x = g * sign(x) (0 at 0, as torch)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return ctx.xp.abs(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * x.sign()


class Exp(Op):
    """y = e**x;  grad_x = g * y."""

    @staticmethod
    def forward(ctx, x):
        y = ctx.xp.exp(x)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad):
        (y,) = ctx.saved_tensors
        return grad * y


class Exp2(Op):
    """y = 2**x;  grad_x = g * y * ln 2."""

    @staticmethod
    def forward(ctx, x):
        y = ctx.xp.exp2(x)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad):
        (y,) = ctx.saved_tensors
        return grad * y * 0.6931471805599453


class Expm1(Op):
    """y = e**x - 1;  grad_x = g * (y + 1)."""

    @staticmethod
    def forward(ctx, x):
        y = ctx.xp.expm1(x)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad):
        (y,) = ctx.saved_tensors
        return grad * (y + 1)


class Log(Op):
    """y = ln x (or log base 2, 10);  grad_x = g / (x * ln base)."""

    @staticmethod
    def forward(ctx, x, base):
        ctx.save_for_backward(x)
        ctx.base = base
        xp = ctx.xp
        return xp.log(x) if base is None else (xp.log2(x) if base == 2 else xp.log10(x))

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        if ctx.base is None:
            return grad / x, None
        return grad / (x * math.log(ctx.base)), None


class Log1p(Op):
    """y = ln(1 + x);  grad_x = g / (1 + x)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return ctx.xp.log1p(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad / (x + 1)


class Sqrt(Op):
    """y = sqrt(x);  grad_x = g / (2 y)."""

    @staticmethod
    def forward(ctx, x):
        y = ctx.xp.sqrt(x)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad):
        (y,) = ctx.saved_tensors
        return grad / (y * 2)


class Rsqrt(Op):
    """y = 1 / sqrt(x);  grad_x = -g * y³ / 2."""

    @staticmethod
    def forward(ctx, x):
        y = 1 / ctx.xp.sqrt(x)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad):
        (y,) = ctx.saved_tensors
        return grad * y * y * y * -0.5


class Sin(Op):
    """y = sin x;  grad_x = g * cos x."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return ctx.xp.sin(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * x.cos()


class Cos(Op):
    """y = cos x;  grad_x = -g * sin x."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return ctx.xp.cos(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return -grad * x.sin()


class Tan(Op):
    """y = tan x;  grad_x = g * (1 + y²)."""

    @staticmethod
    def forward(ctx, x):
        y = ctx.xp.tan(x)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad):
        (y,) = ctx.saved_tensors
        return grad * (y * y + 1)


class Asin(Op):
    """y = asin x;  grad_x = g / sqrt(1 - x²)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return ctx.xp.arcsin(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * (1 - x * x).rsqrt()


class Acos(Op):
    """y = acos x;  grad_x = -g / sqrt(1 - x²)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return ctx.xp.arccos(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return -grad * (1 - x * x).rsqrt()


class Atan(Op):
    """y = atan x;  grad_x = g / (1 + x²)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return ctx.xp.arctan(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad / (x * x + 1)


class Sinh(Op):
    """y = sinh x;  grad_x = g * cosh x."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return ctx.xp.sinh(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * x.cosh()


class Cosh(Op):
    """y = cosh x;  grad_x = g * sinh x."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return ctx.xp.cosh(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * x.sinh()


class Tanh(Op):
    """y = tanh x;  grad_x = g * (1 - y²)."""

    @staticmethod
    def forward(ctx, x):
        y = ctx.xp.tanh(x)
        ctx.save_for_backward(y)  # backward needs only the output
        return y

    @staticmethod
    def backward(ctx, grad):
        (y,) = ctx.saved_tensors
        return TanhGrad.apply(grad, y)


class TanhGrad(Op):
    """z = g * (1 - y²), tanh's backward as one node;
    grad_g = dz * (1 - y²),  grad_y = -2 * dz * g * y.

    One node instead of three: the backward of the hottest activations dominates small
    graphs, and this keeps create_graph=True exact.
    """

    @staticmethod
    def forward(ctx, grad, y):
        ctx.save_for_backward(grad, y)
        xp = ctx.xp
        out = xp.multiply(y, y, out=xp.empty_like(y))  # out= keeps 0-d results arrays
        xp.subtract(1, out, out=out)
        return xp.multiply(out, grad, out=out)

    @staticmethod
    def backward(ctx, grad_out):
        grad, y = ctx.saved_tensors
        need_grad, need_y = ctx.needs_input_grad
        grad_grad = TanhGrad.apply(grad_out, y) if need_grad else None
        grad_y = grad_out * grad * y * -2 if need_y else None
        return grad_grad, grad_y


class Asinh(Op):
    """y = asinh x;  grad_x = g / sqrt(x² + 1)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return ctx.xp.arcsinh(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * (x * x + 1).rsqrt()


class Acosh(Op):
    """y = acosh x;  grad_x = g / sqrt(x² - 1)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return ctx.xp.arccosh(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * (x * x - 1).rsqrt()


class Atanh(Op):
    """y = atanh x;  grad_x = g / (1 - x²)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return ctx.xp.arctanh(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad / (1 - x * x)


class Sigmoid(Op):
    """y = 1 / (1 + e**-x);  grad_x = g * y * (1 - y)."""

    @staticmethod
    def forward(ctx, x):
        xp = ctx.xp
        # 1 / (1 + e**-x) in place; e**-x overflowing to inf gives the right limit, 0
        y = xp.negative(x, out=xp.empty_like(x))  # out= keeps 0-d results arrays
        xp.exp(y, out=y)
        xp.add(y, 1, out=y)
        xp.reciprocal(y, out=y)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad):
        (y,) = ctx.saved_tensors
        return SigmoidGrad.apply(grad, y)


class SigmoidGrad(Op):
    """z = g * y * (1 - y), sigmoid's backward as one node (see TanhGrad);
    grad_g = dz * y * (1 - y),  grad_y = dz * g * (1 - 2y)."""

    @staticmethod
    def forward(ctx, grad, y):
        ctx.save_for_backward(grad, y)
        xp = ctx.xp
        out = xp.subtract(1, y, out=xp.empty_like(y))
        xp.multiply(out, y, out=out)
        return xp.multiply(out, grad, out=out)

    @staticmethod
    def backward(ctx, grad_out):
        grad, y = ctx.saved_tensors
        need_grad, need_y = ctx.needs_input_grad
        grad_grad = SigmoidGrad.apply(grad_out, y) if need_grad else None
        grad_y = grad_out * grad * (1 - 2 * y) if need_y else None
        return grad_grad, grad_y


class Relu(Op):
    """y = max(x, 0);  grad_x = g where y > 0, else 0 (0 at x = 0, as torch)."""

    @staticmethod
    def forward(ctx, x):
        y = ctx.xp.maximum(x, 0)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad):
        (y,) = ctx.saved_tensors
        return ReluGrad.apply(grad, y)


class ReluGrad(Op):
    """z = g where y > 0, else 0 (torch's threshold_backward);
    grad_g = dz where y > 0, and no gradient for y (the mask is piecewise constant)."""

    @staticmethod
    def forward(ctx, grad, y):
        ctx.save_for_backward(y)
        return grad * (y > 0)

    @staticmethod
    def backward(ctx, grad_out):
        (y,) = ctx.saved_tensors
        return ReluGrad.apply(grad_out, y), None


class Reciprocal(Op):
    """y = 1 / x;  grad_x = -g * y²."""

    @staticmethod
    def forward(ctx, x):
        y = ctx.xp.reciprocal(x)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad):
        (y,) = ctx.saved_tensors
        return -grad * y * y


def _special(xp, name, x):
    """scipy.special's function `name` (cupyx.scipy.special on the GPU) of x, in x's dtype.

    Half types are computed in float32: scipy has no bfloat16 loops.
    """
    if xp.__name__ == "numpy":
        import scipy.special as special
    else:
        import cupyx.scipy.special as special
    wide = x if x.dtype.itemsize >= 4 else x.astype(xp.float32)
    return getattr(special, name)(wide).astype(x.dtype, copy=False)


class Erf(Op):
    """y = erf x;  grad_x = g * 2/sqrt(pi) * e**(-x²)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return _special(ctx.xp, "erf", x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * (-(x * x)).exp() * 1.1283791670955126


class Erfc(Op):
    """y = 1 - erf x;  grad_x = -g * 2/sqrt(pi) * e**(-x²)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return _special(ctx.xp, "erfc", x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * (-(x * x)).exp() * -1.1283791670955126


class Erfinv(Op):
    """y = erf⁻¹ x;  grad_x = g * sqrt(pi)/2 * e**(y²)."""

    @staticmethod
    def forward(ctx, x):
        y = _special(ctx.xp, "erfinv", x)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad):
        (y,) = ctx.saved_tensors
        return grad * (y * y).exp() * 0.886226925452758


class Sign(Op):
    """y = sign x (-1, 0 or 1; 0 for NaN, as torch);  grad_x = 0."""

    @staticmethod
    def forward(ctx, x):
        xp = ctx.xp
        if x.dtype.kind in "iub":
            return x.copy() if x.dtype.kind == "b" else xp.sign(x)
        y = xp.sign(x)
        return xp.where(xp.isnan(y), 0, y).astype(x.dtype, copy=False)  # torch: sign(nan) = 0

    @staticmethod
    def backward(ctx, grad):
        return _zeros(grad, grad.shape)


class Rounding(Op):
    """floor, ceil, round (to `decimals` places, half to even), trunc;  grad_x = 0."""

    @staticmethod
    def forward(ctx, x, mode, decimals):
        xp = ctx.xp
        if x.dtype.kind in "iu":
            return x.copy()
        if mode == "round":
            return xp.round(x, decimals)
        return xp.floor(x) if mode == "floor" else (xp.ceil(x) if mode == "ceil" else xp.trunc(x))

    @staticmethod
    def backward(ctx, grad):
        return _zeros(grad, grad.shape), None, None


class Clamp(Op):
    """y = min(max(x, low), high) (high wins where low > high);
    grad_x = g where low <= x <= high,  grad_low = g where x < low < high,
    grad_high = g where x > high or high < low (torch's rules; either bound may be absent)."""

    @staticmethod
    def forward(ctx, x, low, high):
        xp = ctx.xp
        ctx.save_for_backward(x, low, high)
        ctx.shape = x.shape
        y = x
        try:
            if low is not None:
                y = xp.maximum(y, low)
            if high is not None:
                y = xp.minimum(y, high)
        except ValueError as error:
            raise broadcast_error(error, "clamp", x, low, high) from None
        return y

    @staticmethod
    def backward(ctx, grad):
        x, low, high = ctx.saved_tensors
        need_x, need_low, need_high = ctx.needs_input_grad
        where = compare.where
        grad_x = grad_low = grad_high = None
        if need_x:
            if low is None:
                keep = x <= high
            elif high is None:
                keep = x >= low
            else:
                keep = (x >= low) & (x <= high)
            grad_x = sum_to(where(keep, grad, 0.0), ctx.shape)
        if need_low:
            below = x < low if high is None else (x < low) & (low < high)
            grad_low = sum_to(where(below, grad, 0.0), low.shape)
        if need_high:
            above = x > high if low is None else (x > high) | (high < low)
            grad_high = sum_to(where(above, grad, 0.0), high.shape)
        return grad_x, grad_low, grad_high


def _input_tensor(op_name, input):
    if not isinstance(input, Tensor):
        raise TypeError(f"{op_name}(): argument 'input' (position 1) must be Tensor, not "
                        f"{type(input).__name__}")


def _float_unary(op, op_name, input, out, *extra):
    """Apply a floating-point unary op; integer and bool inputs become the default float."""
    if autocast_mode.active:  # See NOTE [ How autocast reaches the ops ]
        return autocast_mode.dispatch(op_name, _float_unary, op, op_name, input, out, *extra)
    if not isinstance(input, Tensor):
        _input_tensor(op_name, input)
    if input._data.dtype not in FLOAT_NP:
        input = input.to(_dtype.get_default_dtype())
    result = op.apply(input, *extra)
    return result if out is None else _write_out(out, result, op_name)


def _numeric_unary(op, op_name, input, out, *extra, bool_ok=False):
    """Apply a unary op that keeps integer dtypes (abs, floor ...); bool raises like torch."""
    _input_tensor(op_name, input)
    if not bool_ok and input._data.dtype is _BOOL_NP:
        _not_implemented(op_name, _dtype.bool, "numeric")
    return _maybe_out(out, op.apply(input, *extra), op_name)


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


def abs(input, *, out=None):
    """Elementwise |input|; its gradient at 0 is 0.

    Example:
        >>> ember.abs(ember.tensor([-1, 2]))
        tensor([1, 2])
    """
    return _numeric_unary(Abs, "abs", input, out)


absolute = abs


def sign(input, *, out=None):
    """Elementwise sign: -1, 0 or 1 (bool tensors stay bool); its gradient is 0."""
    return _numeric_unary(Sign, "sign", input, out, bool_ok=True)


sgn = sign


def exp(input, *, out=None):
    """Elementwise e**input.

    Example:
        >>> ember.exp(ember.tensor([0., 1.]))
        tensor([1.0000, 2.7183])
    """
    return _float_unary(Exp, "exp", input, out)


def exp2(input, *, out=None):
    """Elementwise 2**input."""
    return _float_unary(Exp2, "exp2", input, out)


def expm1(input, *, out=None):
    """Elementwise e**input - 1, accurate near 0."""
    return _float_unary(Expm1, "expm1", input, out)


def log(input, *, out=None):
    """Elementwise natural logarithm.

    Example:
        >>> ember.log(ember.tensor([1., 2.718281828]))
        tensor([0., 1.])
    """
    return _float_unary(Log, "log", input, out, None)


def log2(input, *, out=None):
    """Elementwise base-2 logarithm."""
    return _float_unary(Log, "log2", input, out, 2)


def log10(input, *, out=None):
    """Elementwise base-10 logarithm."""
    return _float_unary(Log, "log10", input, out, 10)


def log1p(input, *, out=None):
    """Elementwise ln(1 + input), accurate near 0."""
    return _float_unary(Log1p, "log1p", input, out)


def sqrt(input, *, out=None):
    """Elementwise square root.

    Example:
        >>> ember.sqrt(ember.tensor([4., 9.]))
        tensor([2., 3.])
    """
    return _float_unary(Sqrt, "sqrt", input, out)


def rsqrt(input, *, out=None):
    """Elementwise 1 / sqrt(input)."""
    return _float_unary(Rsqrt, "rsqrt", input, out)


def sin(input, *, out=None):
    """Elementwise sine (radians)."""
    return _float_unary(Sin, "sin", input, out)


def cos(input, *, out=None):
    """Elementwise cosine (radians)."""
    return _float_unary(Cos, "cos", input, out)


def tan(input, *, out=None):
    """Elementwise tangent (radians)."""
    return _float_unary(Tan, "tan", input, out)


def asin(input, *, out=None):
    """Elementwise arcsine; NaN outside [-1, 1]."""
    return _float_unary(Asin, "asin", input, out)


def acos(input, *, out=None):
    """Elementwise arccosine; NaN outside [-1, 1]."""
    return _float_unary(Acos, "acos", input, out)


def atan(input, *, out=None):
    """Elementwise arctangent."""
    return _float_unary(Atan, "atan", input, out)


def sinh(input, *, out=None):
    """Elementwise hyperbolic sine."""
    return _float_unary(Sinh, "sinh", input, out)


def cosh(input, *, out=None):
    """Elementwise hyperbolic cosine."""
    return _float_unary(Cosh, "cosh", input, out)


def tanh(input, *, out=None):
    """Elementwise hyperbolic tangent.

    Example:
        >>> ember.tanh(ember.tensor([0.]))
        tensor([0.])
    """
    return _float_unary(Tanh, "tanh", input, out)


def asinh(input, *, out=None):
    """Elementwise inverse hyperbolic sine."""
    return _float_unary(Asinh, "asinh", input, out)


def acosh(input, *, out=None):
    """Elementwise inverse hyperbolic cosine; NaN below 1."""
    return _float_unary(Acosh, "acosh", input, out)


def atanh(input, *, out=None):
    """Elementwise inverse hyperbolic tangent; NaN outside [-1, 1]."""
    return _float_unary(Atanh, "atanh", input, out)


arcsin, arccos, arctan = asin, acos, atan
arcsinh, arccosh, arctanh = asinh, acosh, atanh


def sigmoid(input, *, out=None):
    """Elementwise logistic function 1 / (1 + e**-input), stable for large |input|.

    Example:
        >>> ember.sigmoid(ember.tensor([0.]))
        tensor([0.5000])
    """
    return _float_unary(Sigmoid, "sigmoid", input, out)


def relu(input):
    """Elementwise max(input, 0); its gradient at 0 is 0. Bool tensors raise.

    Example:
        >>> ember.relu(ember.tensor([-1., 2.]))
        tensor([0., 2.])
    """
    _input_tensor("relu", input)
    if input._data.dtype is _BOOL_NP:
        raise RuntimeError("Boolean inputs not supported for relu")
    return Relu.apply(input)


def reciprocal(input, *, out=None):
    """Elementwise 1 / input (integer inputs give floats)."""
    return _float_unary(Reciprocal, "reciprocal", input, out)


def square(input, *, out=None):
    """Elementwise input * input (bool tensors give int64, as torch)."""
    _input_tensor("square", input)
    if input._data.dtype is _BOOL_NP:
        input = input.to(_dtype.int64)
    return _maybe_out(out, mul(input, input), "square")


def erf(input, *, out=None):
    """Elementwise error function 2/sqrt(pi) * integral from 0 to x of e**(-t²) dt."""
    return _float_unary(Erf, "erf", input, out)


def erfc(input, *, out=None):
    """Elementwise complementary error function 1 - erf(input)."""
    return _float_unary(Erfc, "erfc", input, out)


def erfinv(input, *, out=None):
    """Elementwise inverse error function; ±inf at ±1, NaN outside [-1, 1]."""
    return _float_unary(Erfinv, "erfinv", input, out)


def floor(input, *, out=None):
    """Elementwise largest integer <= input (integer tensors are returned copied)."""
    return _numeric_unary(Rounding, "floor", input, out, "floor", 0)


def ceil(input, *, out=None):
    """Elementwise smallest integer >= input (integer tensors are returned copied)."""
    return _numeric_unary(Rounding, "ceil", input, out, "ceil", 0)


def round(input, *, decimals=0, out=None):
    """Elementwise rounding to `decimals` places, halves to even.

    Example:
        >>> ember.round(ember.tensor([0.5, 1.5, 1.234]), decimals=0)
        tensor([0., 2., 1.])
    """
    if decimals != 0 and isinstance(input, Tensor) and input._data.dtype not in FLOAT_NP:
        _not_implemented("round", input.dtype)
    return _numeric_unary(Rounding, "round", input, out, "round", decimals)


def trunc(input, *, out=None):
    """Elementwise rounding toward zero (integer tensors are returned copied)."""
    return _numeric_unary(Rounding, "trunc", input, out, "trunc", 0)


fix = trunc


def frac(input, *, out=None):
    """Elementwise fractional part input - trunc(input), with the sign of input;  grad = g."""
    _input_tensor("frac", input)
    if input._data.dtype not in FLOAT_NP:
        _not_implemented("frac", input.dtype)
    return _maybe_out(out, input - input.detach().trunc(), "frac")


def clamp(input, min=None, max=None, *, out=None):
    """Limit values to [min, max]; either bound may be None, a number or a tensor.

    Where min > max every value becomes max. The gradient passes where min <= x <= max
    (bounds included), as in torch; bounds that are tensors get the rest.

    Example:
        >>> ember.clamp(ember.tensor([-2., 0.5, 3.]), min=0, max=1)
        tensor([0.0000, 0.5000, 1.0000])
    """
    _input_tensor("clamp", input)
    if min is None and max is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    if (isinstance(min, Tensor) and max is not None and not isinstance(max, Tensor)) or (
            isinstance(max, Tensor) and min is not None and not isinstance(min, Tensor)):
        raise TypeError(
            f"clamp(): min and max must both be Tensors or both be numbers, got "
            f"{type(min).__name__} and {type(max).__name__}")
    dtype = input._data.dtype
    if isinstance(min, Tensor) or isinstance(max, Tensor) or not (
            (min is None or _keeps_dtype(dtype, min))
            and (max is None or _keeps_dtype(dtype, max))):
        try:
            result_type = _dtype.promote_operands(input, min, max)
        except TypeError:
            raise TypeError(f"clamp(): min and max must be numbers or Tensors, got "
                            f"{type(min).__name__} and {type(max).__name__}") from None
        input = _cast(input, result_type, input)
        min = None if min is None else _cast(min, result_type, input)
        max = None if max is None else _cast(max, result_type, input)
    return _maybe_out(out, Clamp.apply(input, min, max), "clamp")


clip = clamp


def clamp_min(input, min, *, out=None):
    """clamp(input, min=min)."""
    return clamp(input, min=min, out=out)


def clamp_max(input, max, *, out=None):
    """clamp(input, max=max)."""
    return clamp(input, max=max, out=out)


# -- Tensor methods and operators ---------------------------------------------------------

def _reflected(fn):
    def method(self, other):
        return fn(other, self)
    method.__name__ = f"__r{fn.__name__}__"
    return method


for _name in ("add", "sub", "subtract", "mul", "multiply", "div", "divide", "true_divide",
              "floor_divide", "remainder", "fmod", "pow", "float_power", "neg", "negative",
              "positive", "abs", "absolute", "sign", "sgn", "exp", "exp2", "expm1", "log", "log2",
              "log10", "log1p", "sqrt", "rsqrt", "sin", "cos", "tan", "asin", "acos", "atan",
              "arcsin", "arccos", "arctan", "sinh", "cosh", "tanh", "asinh", "acosh", "atanh",
              "arcsinh", "arccosh", "arctanh", "sigmoid", "relu", "reciprocal", "square",
              "clamp", "clip", "clamp_min", "clamp_max", "floor", "ceil", "round", "trunc", "fix",
              "frac", "erf", "erfc", "erfinv", "maximum", "minimum", "fmax", "fmin", "lerp",
              "atan2", "arctan2", "hypot", "logaddexp", "xlogy", "addcmul", "addcdiv"):
    setattr(Tensor, _name, globals()[_name])

Tensor.__add__ = add
Tensor.__radd__ = _reflected(add)
Tensor.__sub__ = sub
Tensor.__rsub__ = _reflected(sub)
Tensor.__mul__ = mul
Tensor.__rmul__ = _reflected(mul)
Tensor.__truediv__ = div
Tensor.__rtruediv__ = _reflected(div)
Tensor.__floordiv__ = floor_divide
Tensor.__rfloordiv__ = _reflected(floor_divide)
Tensor.__mod__ = remainder
Tensor.__rmod__ = _reflected(remainder)
Tensor.__pow__ = pow
Tensor.__rpow__ = _reflected(pow)
Tensor.__neg__ = neg
Tensor.__pos__ = positive
Tensor.__abs__ = abs
