"""Elementwise arithmetic and math functions, each with its gradient beside it.

Binary ops first bring both operands to torch's result dtype (see ember._dtype), then
broadcast as numpy does; their backward reduces each gradient to its input's shape with
`sum_to`. Python scalars stay Python scalars: they never get a gradient.
"""
import builtins

from .. import _dtype
from .._dtype import BY_NUMPY, FLOAT_NP
from .._tensor import Tensor
from ..autograd import grad_mode
from ..autograd.function import Op
from . import compare  # compare.where() in the formulas below; compare imports this module too

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


def _scalar_ok(value):
    return isinstance(value, (builtins.int, builtins.float, builtins.bool))


def promote(input, other, op_name):
    """Both operands of a binary op, cast to torch's result dtype; scalars stay scalars."""
    input_is_tensor = isinstance(input, Tensor)
    other_is_tensor = isinstance(other, Tensor)
    if input_is_tensor and other_is_tensor:
        if input._data.dtype is other._data.dtype:
            return input, other
    elif input_is_tensor and _keeps_dtype(input._data.dtype, other.__class__):
        return input, other
    elif other_is_tensor and _keeps_dtype(other._data.dtype, input.__class__):
        return input, other
    elif not (input_is_tensor or other_is_tensor):
        raise TypeError(f"{op_name}(): expected at least one Tensor argument, got "
                        f"{type(input).__name__} and {type(other).__name__}")
    try:
        a_type, a_tier = _dtype.operand_type(input)
        b_type, b_tier = _dtype.operand_type(other)
    except TypeError:
        raise TypeError(
            f"{op_name}(): unsupported operand types {type(input).__name__} and "
            f"{type(other).__name__}; expected Tensors or numbers") from None
    result = _dtype.promote2(a_type, a_tier, b_type, b_tier)
    return _cast(input, result), _cast(other, result)


def _keeps_dtype(array_dtype, scalar_type):
    """Fast path: a float scalar with a float tensor, or an int scalar with a float or int
    tensor, leaves the tensor's dtype as it is (numpy's weak scalars agree)."""
    if scalar_type is builtins.float:
        return array_dtype in FLOAT_NP
    if scalar_type is builtins.int:
        return array_dtype.kind in "fiu" or array_dtype in FLOAT_NP
    return False


def _cast(value, dtype):
    if isinstance(value, Tensor):
        return value if value._data.dtype is dtype.np else value.to(dtype)
    if dtype.category == _dtype.BOOL:
        return builtins.bool(value)
    if dtype.category == _dtype.INTEGER:
        return builtins.int(value)
    return builtins.float(value)


def _to_float(tensor):
    """Integer and bool tensors become the default float dtype, for ops like exp and div."""
    if tensor._data.dtype in FLOAT_NP:
        return tensor
    return tensor.to(_dtype.get_default_dtype())


def _array_like(value, like):
    """A Python number as a 0-d array of `like`'s dtype on `like`'s device."""
    from ..backend import xp_of
    return Tensor._make(xp_of(like._data).asarray(value, dtype=like._data.dtype))


# -- arithmetic ---------------------------------------------------------------------------

class Add(Op):
    """z = a + alpha * b;  grad_a = sum_to(g, a),  grad_b = sum_to(alpha * g, b)."""

    @staticmethod
    def forward(ctx, a, b, alpha):
        ctx.shapes = (getattr(a, "shape", None), getattr(b, "shape", None))
        ctx.alpha = alpha
        return a + b if alpha == 1 else a + alpha * b

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
        return a - b if alpha == 1 else a - alpha * b

    @staticmethod
    def backward(ctx, grad):
        a_shape, b_shape = ctx.shapes
        need_a, need_b = ctx.needs_input_grad[:2]
        grad_a = sum_to(grad, a_shape) if need_a else None
        grad_b = sum_to(grad * -ctx.alpha, b_shape) if need_b else None
        return grad_a, grad_b, None


class Mul(Op):
    """z = a * b;  grad_a = sum_to(g * b, a),  grad_b = sum_to(g * a, b)."""

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return a * b

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        grad_a = sum_to(grad * b, a.shape) if need_a else None
        grad_b = sum_to(grad * a, b.shape) if need_b else None
        return grad_a, grad_b


class Div(Op):
    """z = a / b;  grad_a = sum_to(g / b, a),  grad_b = sum_to(-g * a / b**2, b)."""

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return a / b

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        grad_a = sum_to(grad / b, a.shape) if need_a else None
        grad_b = sum_to(-grad * a / (b * b), b.shape) if need_b else None
        return grad_a, grad_b


class Pow(Op):
    """z = a ** b;  grad_a = g * b * a**(b-1),  grad_b = g * z * log(a)."""

    @staticmethod
    def forward(ctx, a, b):
        out = ctx.xp.power(a, b)
        ctx.save_for_backward(a, b, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        a, b, out = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        grad_a = grad_b = None
        if need_a:
            if isinstance(b, Tensor):
                grad_a = sum_to(grad * b * a.pow(b - 1), a.shape)
            else:
                grad_a = grad * b * a.pow(b - 1) if b != 0 else grad * 0
        if need_b:
            # torch's convention: where a == 0 and b >= 0 the gradient is 0, not nan
            log_a = compare.where(a.eq(0) & (b >= 0), 0.0, a.log()) if isinstance(a, Tensor) \
                else _log_scalar(a)
            grad_b = sum_to(grad * out * log_a, b.shape)
        return grad_a, grad_b


def _log_scalar(value):
    import math
    return math.log(value) if value > 0 else (0.0 if value == 0 else float("nan"))


def add(input, other, *, alpha=1, out=None):
    """input + alpha * other, broadcast; see torch.add."""
    if out is not None:
        return _write_out(out, add(input, other, alpha=alpha))
    a, b = promote(input, other, "add")
    return Add.apply(a, b, alpha)


def sub(input, other, *, alpha=1, out=None):
    if out is not None:
        return _write_out(out, sub(input, other, alpha=alpha))
    if isinstance(input, Tensor) and input._data.dtype == _dtype.bool.np and isinstance(
            other, Tensor) and other._data.dtype == _dtype.bool.np:
        raise RuntimeError(
            "Subtraction, the `-` operator, with two bool tensors is not supported. Use the "
            "`^` or `logical_xor()` operator instead.")
    a, b = promote(input, other, "sub")
    return Sub.apply(a, b, alpha)


subtract = sub


def mul(input, other, *, out=None):
    if out is not None:
        return _write_out(out, mul(input, other))
    a, b = promote(input, other, "mul")
    return Mul.apply(a, b)


multiply = mul


def div(input, other, *, rounding_mode=None, out=None):
    """input / other. rounding_mode None: true division (ints give floats); 'trunc' or
    'floor': rounded, keeping integer dtypes."""
    if out is not None:
        return _write_out(out, div(input, other, rounding_mode=rounding_mode))
    a, b = promote(input, other, "div")
    if rounding_mode is None:
        if isinstance(a, Tensor) and a._data.dtype not in FLOAT_NP:
            a = _to_float(a)
            b = b if not isinstance(b, Tensor) else _to_float(b)
        elif isinstance(b, Tensor) and b._data.dtype not in FLOAT_NP:
            b = _to_float(b)
            a = builtins.float(a)
        return Div.apply(a, b)
    if rounding_mode == "trunc":
        return _rounded_div(a, b, "trunc")
    if rounding_mode == "floor":
        return floor_divide(a, b)
    raise ValueError(
        f"div expected rounding_mode to be one of None, 'trunc', or 'floor' but found "
        f"'{rounding_mode}'")


divide = div


def true_divide(input, other, *, out=None):
    return div(input, other, out=out)


class RoundedDiv(Op):
    """z = trunc(a / b) or floor(a / b); gradient zero, as torch."""

    differentiable = False

    @staticmethod
    def forward(ctx, a, b, mode):
        xp = ctx.xp
        if _is_int_array(a, b):
            _check_int_divisor(xp, b)
            if mode == "floor":
                return a // b
            quotient = xp.abs(a) // xp.abs(b)
            return xp.where((a < 0) != (b < 0), -quotient, quotient).astype(
                xp.result_type(a, b))
        out = a / b
        return xp.floor(out) if mode == "floor" else xp.trunc(out)


def _is_int_array(a, b):
    kinds = [x.dtype.kind for x in (a, b) if hasattr(x, "dtype")]
    return kinds and all(k in "iub" for k in kinds) and not any(
        isinstance(x, builtins.float) for x in (a, b))


def _check_int_divisor(xp, b):
    if (b == 0).any() if hasattr(b, "any") else b == 0:
        raise RuntimeError("ZeroDivisionError: integer division by zero")


def _rounded_div(a, b, mode):
    return RoundedDiv.apply(a, b, mode)


def floor_divide(input, other, *, out=None):
    if out is not None:
        return _write_out(out, floor_divide(input, other))
    a, b = promote(input, other, "floor_divide")
    return _rounded_div(a, b, "floor")


class Remainder(Op):
    """z = a - floor(a / b) * b (sign of b), or fmod (sign of a);
    grad_a = g,  grad_b = -g * floor(a / b) (or trunc)."""

    @staticmethod
    def forward(ctx, a, b, python_style):
        xp = ctx.xp
        if _is_int_array(a, b):
            _check_int_divisor(xp, b)
        ctx.save_for_backward(a, b)
        ctx.python_style = python_style
        return xp.remainder(a, b) if python_style else xp.fmod(a, b)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad[:2]
        grad_a = sum_to(grad, a.shape) if need_a else None
        grad_b = None
        if need_b:
            quotient = div(a, b, rounding_mode="floor" if ctx.python_style else "trunc")
            grad_b = sum_to(-grad * quotient, b.shape)
        return grad_a, grad_b, None


def remainder(input, other, *, out=None):
    """Python's modulo: the result has the sign of the divisor."""
    a, b = promote(input, other, "remainder")
    return _maybe_out(out, Remainder.apply(a, b, True))


def fmod(input, other, *, out=None):
    """C's fmod: the result has the sign of the dividend."""
    a, b = promote(input, other, "fmod")
    return _maybe_out(out, Remainder.apply(a, b, False))


def pow(input, exponent, *, out=None):
    """input ** exponent; a scalar base with a tensor exponent is allowed."""
    if isinstance(input, Tensor) and not isinstance(exponent, Tensor):
        if exponent == 1 and out is None:
            return input.clone()
        result_type = _dtype.promote2(*_dtype.operand_type(input), *_dtype.operand_type(exponent))
        if result_type.category == _dtype.INTEGER and isinstance(exponent, builtins.int) \
                and exponent < 0:
            raise RuntimeError("Integers to negative integer powers are not allowed.")
    a, b = promote(input, exponent, "pow")
    return _maybe_out(out, Pow.apply(a, b))


def float_power(input, exponent, *, out=None):
    a = input.double() if isinstance(input, Tensor) else builtins.float(input)
    b = exponent.double() if isinstance(exponent, Tensor) else builtins.float(exponent)
    return _maybe_out(out, pow(a, b))


class Maximum(Op):
    """z = max(a, b), nan-propagating; the gradient is split evenly where a == b."""

    @staticmethod
    def forward(ctx, a, b, take_max, ignore_nan):
        xp = ctx.xp
        ctx.save_for_backward(a, b)
        ctx.take_max = take_max
        if ignore_nan:
            return xp.fmax(a, b) if take_max else xp.fmin(a, b)
        return xp.maximum(a, b) if take_max else xp.minimum(a, b)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad[:2]
        wins_a = (a > b) if ctx.take_max else (a < b)
        ties = a.eq(b)
        share_a = wins_a.to(grad.dtype) + ties.to(grad.dtype) * 0.5
        grad_a = sum_to(grad * share_a, a.shape) if need_a else None
        grad_b = sum_to(grad * (1 - share_a), b.shape) if need_b else None
        return grad_a, grad_b, None, None


def _extremum(op_name, input, other, take_max, ignore_nan):
    a, b = promote(input, other, op_name)
    if not isinstance(b, Tensor):
        raise TypeError(f"{op_name}(): argument 'other' must be Tensor, not "
                        f"{type(other).__name__}")
    return Maximum.apply(a, b, take_max, ignore_nan)


def maximum(input, other, *, out=None):
    return _maybe_out(out, _extremum("maximum", input, other, True, False))


def minimum(input, other, *, out=None):
    return _maybe_out(out, _extremum("minimum", input, other, False, False))


def fmax(input, other, *, out=None):
    return _maybe_out(out, _extremum("fmax", input, other, True, True))


def fmin(input, other, *, out=None):
    return _maybe_out(out, _extremum("fmin", input, other, False, True))


class Atan2(Op):
    """z = atan2(a, b);  grad_a = g * b / (a² + b²),  grad_b = -g * a / (a² + b²)."""

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return ctx.xp.arctan2(a, b)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        denominator = a * a + b * b
        grad_a = sum_to(grad * b / denominator, a.shape) if need_a else None
        grad_b = sum_to(-grad * a / denominator, b.shape) if need_b else None
        return grad_a, grad_b


def atan2(input, other, *, out=None):
    a, b = promote(_to_float(input), other, "atan2")
    return _maybe_out(out, Atan2.apply(a, b))


arctan2 = atan2


def hypot(input, other, *, out=None):
    return _maybe_out(out, (input * input + other * other).sqrt())


def logaddexp(input, other, *, out=None):
    """log(exp(a) + exp(b)), computed without overflow."""
    larger = maximum(input, other).detach()
    larger = compare.where(larger.isinf(), 0.0, larger)
    return _maybe_out(out, ((input - larger).exp() + (other - larger).exp()).log() + larger)


def xlogy(input, other, *, out=None):
    """input * log(other), 0 where input == 0."""
    x = input if isinstance(input, Tensor) else _array_like(builtins.float(input), other)
    y = other if isinstance(other, Tensor) else _array_like(builtins.float(other), x)
    product = x * log(_to_float(y))
    return _maybe_out(out, compare.where(x.eq(0) & ~y.isnan(), 0.0, product))


def lerp(input, end, weight, *, out=None):
    """input + weight * (end - input)."""
    return _maybe_out(out, input + weight * (end - input))


def addcmul(input, tensor1, tensor2, *, value=1, out=None):
    """input + value * tensor1 * tensor2."""
    product = tensor1 * tensor2
    return _maybe_out(out, input + (product if value == 1 else value * product))


def addcdiv(input, tensor1, tensor2, *, value=1, out=None):
    """input + value * tensor1 / tensor2."""
    quotient = tensor1 / tensor2
    return _maybe_out(out, input + (quotient if value == 1 else value * quotient))


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
    """y = |x|;  grad_x = g * sign(x)."""

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
    """y = ln x (base e, 2 or 10);  grad_x = g / (x * ln base)."""

    @staticmethod
    def forward(ctx, x, base):
        ctx.save_for_backward(x)
        ctx.base = base
        xp = ctx.xp
        return {None: xp.log, 2: xp.log2, 10: xp.log10}[base](x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        scale = {None: 1.0, 2: 0.6931471805599453, 10: 2.302585092994046}[ctx.base]
        return (grad / x if scale == 1.0 else grad / (x * scale)), None


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
    """y = 1 / sqrt(x);  grad_x = -g * y**3 / 2."""

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
        return grad * (1 - y * y)


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
        # exp of a negative number only: no overflow warning for large |x|
        z = xp.exp(-xp.abs(x))
        y = xp.where(x >= 0, 1 / (1 + z), z / (1 + z)).astype(x.dtype, copy=False)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad):
        (y,) = ctx.saved_tensors
        return grad * y * (1 - y)


class Relu(Op):
    """y = max(x, 0);  grad_x = g where y > 0, else 0."""

    @staticmethod
    def forward(ctx, x):
        y = ctx.xp.maximum(x, 0)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad):
        (y,) = ctx.saved_tensors
        return grad * (y > 0).to(grad.dtype)


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


class Erf(Op):
    """y = erf x;  grad_x = g * 2/sqrt(pi) * e**(-x²)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return _special(ctx.xp).erf(x).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * (-(x * x)).exp() * 1.1283791670955126


class Erfc(Op):
    """y = 1 - erf x;  grad_x = -g * 2/sqrt(pi) * e**(-x²)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return _special(ctx.xp).erfc(x).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * (-(x * x)).exp() * -1.1283791670955126


class Erfinv(Op):
    """y = erf⁻¹ x;  grad_x = g * sqrt(pi)/2 * e**(y²)."""

    @staticmethod
    def forward(ctx, x):
        y = _special(ctx.xp).erfinv(x).astype(x.dtype, copy=False)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad):
        (y,) = ctx.saved_tensors
        return grad * (y * y).exp() * 0.886226925452758


def _special(xp):
    """scipy.special for numpy arrays, cupyx.scipy.special for CuPy arrays."""
    if xp.__name__ == "numpy":
        import scipy.special
        return scipy.special
    import cupyx.scipy.special
    return cupyx.scipy.special


class Sign(Op):
    """y = sign x; the gradient is zero almost everywhere (and zero here)."""

    @staticmethod
    def forward(ctx, x):
        ctx.shape = x.shape
        return ctx.xp.sign(x)

    @staticmethod
    def backward(ctx, grad):
        return grad * 0


class Rounding(Op):
    """floor, ceil, round, trunc: piecewise constant, so grad_x = 0."""

    @staticmethod
    def forward(ctx, x, mode, decimals):
        xp = ctx.xp
        if x.dtype.kind in "iub":
            return x.copy()
        if mode == "round":
            return xp.round(x, decimals)
        return {"floor": xp.floor, "ceil": xp.ceil, "trunc": xp.trunc}[mode](x)

    @staticmethod
    def backward(ctx, grad):
        return grad * 0, None, None


class Clamp(Op):
    """y = min(max(x, low), high);  grad_x = g where low <= x <= high."""

    @staticmethod
    def forward(ctx, x, low, high):
        xp = ctx.xp
        ctx.save_for_backward(x, low, high)
        y = x
        if low is not None:
            y = xp.maximum(y, low)
        if high is not None:
            y = xp.minimum(y, high)
        return y.astype(x.dtype, copy=False) if y is not x else x.copy()

    @staticmethod
    def backward(ctx, grad):
        x, low, high = ctx.saved_tensors
        need_x, need_low, need_high = ctx.needs_input_grad
        inside = None
        if low is not None:
            inside = x >= low
        if high is not None:
            inside = (x <= high) if inside is None else inside & (x <= high)
        grad_x = grad * inside.to(grad.dtype) if need_x and inside is not None else (
            grad if need_x else None)
        grad_low = grad_high = None
        if need_low:
            grad_low = sum_to(grad * (x < low).to(grad.dtype), low.shape)
        if need_high:
            grad_high = sum_to(grad * (x > high).to(grad.dtype), high.shape)
        return grad_x, grad_low, grad_high


def _unary(op, input, *extra, needs_float=True):
    if not isinstance(input, Tensor):
        raise TypeError(f"{op.__name__.lower()}(): argument 'input' must be Tensor, not "
                        f"{type(input).__name__}")
    if needs_float and input._data.dtype not in FLOAT_NP:
        input = _to_float(input)
    return op.apply(input, *extra)


def _maybe_out(out, result):
    return result if out is None else _write_out(out, result)


def _write_out(out, result):
    """The `out=` argument: write the result into an existing tensor (resized if empty)."""
    if out._requires_grad and grad_mode._state["enabled"]:
        raise RuntimeError(
            f"{result.grad_fn.name() if result.grad_fn else 'op'}(): functions with out=... "
            f"arguments don't support automatic differentiation, but one of the arguments "
            f"requires grad.")
    if tuple(out.shape) != tuple(result.shape):
        if out._data.size != 0:
            raise RuntimeError(
                f"output with shape {list(out.shape)} doesn't match the broadcast shape "
                f"{list(result.shape)}")
        out._data = result._data.astype(out._data.dtype)
    else:
        out._data[...] = result._data
    out._version[0] += 1
    return out


def neg(input, *, out=None):
    if input._data.dtype == _dtype.bool.np:
        raise RuntimeError(
            "Negation, the `-` operator, on a bool tensor is not supported. If you are trying "
            "to invert a mask, use the `~` or `logical_not()` operator instead.")
    return _maybe_out(out, Neg.apply(input))


negative = neg


def positive(input):
    return input


def abs(input, *, out=None):
    return _maybe_out(out, _unary(Abs, input, needs_float=False))


absolute = abs


def sign(input, *, out=None):
    return _maybe_out(out, _unary(Sign, input, needs_float=False))


sgn = sign


def exp(input, *, out=None):
    return _maybe_out(out, _unary(Exp, input))


def exp2(input, *, out=None):
    return _maybe_out(out, _unary(Exp2, input))


def expm1(input, *, out=None):
    return _maybe_out(out, _unary(Expm1, input))


def log(input, *, out=None):
    return _maybe_out(out, _unary(Log, input, None))


def log2(input, *, out=None):
    return _maybe_out(out, _unary(Log, input, 2))


def log10(input, *, out=None):
    return _maybe_out(out, _unary(Log, input, 10))


def log1p(input, *, out=None):
    return _maybe_out(out, _unary(Log1p, input))


def sqrt(input, *, out=None):
    return _maybe_out(out, _unary(Sqrt, input))


def rsqrt(input, *, out=None):
    return _maybe_out(out, _unary(Rsqrt, input))


def sin(input, *, out=None):
    return _maybe_out(out, _unary(Sin, input))


def cos(input, *, out=None):
    return _maybe_out(out, _unary(Cos, input))


def tan(input, *, out=None):
    return _maybe_out(out, _unary(Tan, input))


def asin(input, *, out=None):
    return _maybe_out(out, _unary(Asin, input))


def acos(input, *, out=None):
    return _maybe_out(out, _unary(Acos, input))


def atan(input, *, out=None):
    return _maybe_out(out, _unary(Atan, input))


def sinh(input, *, out=None):
    return _maybe_out(out, _unary(Sinh, input))


def cosh(input, *, out=None):
    return _maybe_out(out, _unary(Cosh, input))


def tanh(input, *, out=None):
    return _maybe_out(out, _unary(Tanh, input))


def asinh(input, *, out=None):
    return _maybe_out(out, _unary(Asinh, input))


def acosh(input, *, out=None):
    return _maybe_out(out, _unary(Acosh, input))


def atanh(input, *, out=None):
    return _maybe_out(out, _unary(Atanh, input))


arcsin, arccos, arctan = asin, acos, atan
arcsinh, arccosh, arctanh = asinh, acosh, atanh


def sigmoid(input, *, out=None):
    return _maybe_out(out, _unary(Sigmoid, input))


def relu(input):
    return _unary(Relu, input, needs_float=False)


def reciprocal(input, *, out=None):
    return _maybe_out(out, _unary(Reciprocal, input))


def square(input, *, out=None):
    return _maybe_out(out, mul(input, input) if input._data.dtype != _dtype.bool.np
                      else input.to(_dtype.int64) * input.to(_dtype.int64))


def erf(input, *, out=None):
    return _maybe_out(out, _unary(Erf, input))


def erfc(input, *, out=None):
    return _maybe_out(out, _unary(Erfc, input))


def erfinv(input, *, out=None):
    return _maybe_out(out, _unary(Erfinv, input))


def floor(input, *, out=None):
    return _maybe_out(out, _unary(Rounding, input, "floor", 0, needs_float=False))


def ceil(input, *, out=None):
    return _maybe_out(out, _unary(Rounding, input, "ceil", 0, needs_float=False))


def round(input, *, decimals=0, out=None):
    return _maybe_out(out, _unary(Rounding, input, "round", decimals, needs_float=False))


def trunc(input, *, out=None):
    return _maybe_out(out, _unary(Rounding, input, "trunc", 0, needs_float=False))


fix = trunc


def frac(input, *, out=None):
    """x - trunc(x);  grad_x = g."""
    return _maybe_out(out, input - input.trunc().detach())


def clamp(input, min=None, max=None, *, out=None):
    """Limit values to [min, max]; either bound may be None, a number or a tensor."""
    if min is None and max is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    bounds = []
    for bound in (min, max):
        if bound is None:
            bounds.append(None)
        elif isinstance(bound, Tensor):
            bounds.append(bound)
        else:
            bounds.append(_cast(bound, _dtype.promote2(
                *_dtype.operand_type(input), *_dtype.operand_type(bound))))
    result_type = input.dtype
    for bound in bounds:
        if bound is not None:
            result_type = _dtype.promote2(result_type, _dtype.DIMENSIONED,
                                          *_dtype.operand_type(bound))
    x = _cast(input, result_type)
    low, high = (None if b is None else _cast(b, result_type) for b in bounds)
    return _maybe_out(out, Clamp.apply(x, low, high))


clip = clamp


def clamp_min(input, min):
    return clamp(input, min=min)


def clamp_max(input, max):
    return clamp(input, max=max)


# -- Tensor methods and operators ---------------------------------------------------------

def _reflected(fn):
    return lambda self, other: fn(other, self)


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
