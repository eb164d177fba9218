"""Math functions of one tensor: abs, sign, exp and log, roots and powers, trig and
hyperbolic functions, sigmoid, relu, erf, rounding and clamp, each with its gradient.

Ops defined only on floats (exp, sin, ...) turn integer inputs into the default float dtype
first (`_float_unary`); abs, sign, rounding and clamp keep integer dtypes (`_numeric_unary`).
tanh, sigmoid and relu compute their backward as one node (TanhGrad, SigmoidGrad, ReluGrad).

Gradient conventions at kinks follow torch: relu and abs pass 0 at 0, and clamp passes the
gradient at its bounds.
"""
import math

import numpy as np

from .. import _dtype
from .._dtype import FLOAT_NP
from .._tensor import Tensor
from ..autograd.function import Op, named
from ..backend import FUSED
from ._parallel import MIN_ELEMENTS, elementwise
from . import compare  # compare.where() in Clamp's gradient
from .elementwise import (_cast, _input_tensor, _keeps_dtype, _maybe_out, _not_implemented,
                          _write_out, _zeros, broadcast_error, mul, sum_to)
from ..amp import autocast_mode

__all__ = [
    "abs", "absolute", "sign", "sgn", "exp", "exp2", "expm1", "log", "log2", "log10", "log1p",
    "sqrt", "rsqrt", "sin", "cos", "tan", "asin", "acos", "atan", "arcsin", "arccos", "arctan",
    "sinh", "cosh", "tanh", "asinh", "acosh", "atanh", "arcsinh", "arccosh", "arctanh", "sigmoid",
    "relu", "reciprocal", "square", "clamp", "clip", "clamp_min", "clamp_max", "floor", "ceil",
    "round", "trunc", "fix", "frac", "erf", "erfc", "erfinv",
]

_BOOL_NP = _dtype.bool.np
_HALF_NP = (_dtype.float16.np, _dtype.bfloat16.np)

# NumPy converts a Python number anew on every call (0.4 µs of a 1 µs op on 32x32); a 0-d
# one of the array's own dtype gives the same result without that.
_FLOAT32_NP, _FLOAT64_NP = _dtype.float32.np, _dtype.float64.np
_FLOAT32_ONE, _FLOAT64_ONE = np.ones((), np.float32), np.ones((), np.float64)


def _one(array):
    """1, as the cheapest operand for arithmetic with `array` (never write into it)."""
    if array.__class__ is np.ndarray:
        dtype = array.dtype
        if dtype is _FLOAT32_NP:
            return _FLOAT32_ONE
        if dtype is _FLOAT64_NP:
            return _FLOAT64_ONE
    return 1


def _kernel(xp, name, *arrays):
    """The backend's compiled elementwise kernel `name` (ember.backend.fused) applied to arrays,
    large ones in shares; None where it has none or does not take their dtype or layout."""
    table = FUSED.get(xp)  # fused(xp, name), without its call: this runs on every op
    kernel = None if table is None else table.get(name)
    if kernel is None:
        return None
    if arrays[0].size < MIN_ELEMENTS:
        return kernel(*arrays)
    return elementwise(xp, kernel, *arrays)


# -- unary math ---------------------------------------------------------------------------
# Each class computes y = f(x) and returns grad * f'(x) written with ember ops. Ops defined
# only on floats (exp, sin, ...) turn integer inputs into the default float dtype first.

class Abs(Op):
    """y = |x|;  grad_x = g * sgn(x) (0 at 0, as torch; x / |x| for complex x)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return ctx.xp.abs(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * (x.sgn() if x._data.dtype.kind == "c" else x.sign())


class Exp(Op):
    """y = e**x;  grad_x = g * y."""

    @staticmethod
    def forward(ctx, x):
        y = _kernel(ctx.xp, "exp", x)
        if y is None:
            y = ctx.xp.exp(x)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad):
        (y,) = ctx.conj_saved_tensors
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
        (y,) = ctx.conj_saved_tensors
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
        (y,) = ctx.conj_saved_tensors
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
        (x,) = ctx.conj_saved_tensors
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
        (x,) = ctx.conj_saved_tensors
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
        (y,) = ctx.conj_saved_tensors
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
        (y,) = ctx.conj_saved_tensors
        return grad * y * y * y * -0.5


class Sin(Op):
    """y = sin x;  grad_x = g * cos x."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return ctx.xp.sin(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.conj_saved_tensors
        return grad * x.cos()


class Cos(Op):
    """y = cos x;  grad_x = -g * sin x."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return ctx.xp.cos(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.conj_saved_tensors
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
        (y,) = ctx.conj_saved_tensors
        return grad * (y * y + 1)


class Asin(Op):
    """y = asin x;  grad_x = g / sqrt(1 - x²)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return ctx.xp.arcsin(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.conj_saved_tensors
        return grad * (1 - x * x).rsqrt()


class Acos(Op):
    """y = acos x;  grad_x = -g / sqrt(1 - x²)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return ctx.xp.arccos(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.conj_saved_tensors
        return -grad * (1 - x * x).rsqrt()


class Atan(Op):
    """y = atan x;  grad_x = g / (1 + x²)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return ctx.xp.arctan(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.conj_saved_tensors
        return grad / (x * x + 1)


class Sinh(Op):
    """y = sinh x;  grad_x = g * cosh x."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return ctx.xp.sinh(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.conj_saved_tensors
        return grad * x.cosh()


class Cosh(Op):
    """y = cosh x;  grad_x = g * sinh x."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return ctx.xp.cosh(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.conj_saved_tensors
        return grad * x.sinh()


def sigmoid_array(xp, x):
    """1 / (1 + e**-x) on a backend array; e**-x overflowing to inf gives the right limit, 0."""
    y = _kernel(xp, "sigmoid", x)
    if y is not None:
        return y
    if x.dtype in _HALF_NP:
        return sigmoid_array(xp, x.astype(np.float32)).astype(x.dtype)
    y = xp.exp(-x)
    y += _one(y)
    return xp.reciprocal(y, out=y) if y.ndim else 1 / y  # a 0-d x gives a numpy scalar


def in_float32(kernel, *arrays):
    """kernel(*arrays) for half-precision arrays: a formula of several steps computed in
    float32 and rounded once to the first array's dtype, as torch's kernels do (each numpy
    step on a half array would round)."""
    return kernel(*(a.astype(np.float32) for a in arrays)).astype(arrays[0].dtype)


class Tanh(Op):
    """y = tanh x;  grad_x = g * (1 - y²)."""

    @staticmethod
    def forward(ctx, x):
        y = _kernel(ctx.xp, "tanh", x)
        if y is None:
            y = ctx.xp.tanh(x)
        ctx.save_for_backward(y)  # backward needs only the output
        return y

    @staticmethod
    def backward(ctx, grad):
        (y,) = ctx.conj_saved_tensors
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
        out = _kernel(ctx.xp, "TanhGrad", grad, y)
        if out is not None:
            return out
        if y.dtype in _HALF_NP:
            return in_float32(TanhGrad.kernel, grad, y)
        return TanhGrad.kernel(grad, y)

    @staticmethod
    def kernel(grad, y):
        out = _one(y) - y * y
        out *= grad  # in place also on a 0-d input's numpy scalar: it rebinds `out`
        return out

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
        (x,) = ctx.conj_saved_tensors
        return grad * (x * x + 1).rsqrt()


class Acosh(Op):
    """y = acosh x;  grad_x = g / (sqrt(x - 1) sqrt(x + 1)) (= g / sqrt(x² - 1) for real x;
    the split form keeps the principal branch for complex x)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return ctx.xp.arccosh(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.conj_saved_tensors
        if x._data.dtype.kind == "c":
            return grad * (x - 1).rsqrt() * (x + 1).rsqrt()
        return grad * (x * x - 1).rsqrt()


class Atanh(Op):
    """y = atanh x;  grad_x = g / (1 - x²)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return ctx.xp.arctanh(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.conj_saved_tensors
        return grad / (1 - x * x)


class Sigmoid(Op):
    """y = 1 / (1 + e**-x);  grad_x = g * y * (1 - y)."""

    @staticmethod
    def forward(ctx, x):
        y = sigmoid_array(ctx.xp, x)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad):
        (y,) = ctx.conj_saved_tensors
        return SigmoidGrad.apply(grad, y)


class SigmoidGrad(Op):
    """z = g * y * (1 - y), sigmoid's backward as one node (see TanhGrad);
    grad_g = dz * y * (1 - y),  grad_y = dz * g * (1 - 2y)."""

    @staticmethod
    def forward(ctx, grad, y):
        ctx.save_for_backward(grad, y)
        out = _kernel(ctx.xp, "SigmoidGrad", grad, y)
        if out is not None:
            return out
        if y.dtype in _HALF_NP:
            return in_float32(SigmoidGrad.kernel, grad, y)
        return SigmoidGrad.kernel(grad, y)

    @staticmethod
    def kernel(grad, y):
        out = _one(y) - y
        out *= grad  # in place also on a 0-d input's numpy scalar: it rebinds `out`
        out *= y     # (g * (1 - y)) * y, rounded as torch's kernel rounds it
        return out

    @staticmethod
    def backward(ctx, grad_out):
        grad, y = ctx.saved_tensors
        need_grad, need_y = ctx.needs_input_grad
        grad_grad = SigmoidGrad.apply(grad_out, y) if need_grad else None
        grad_y = grad_out * grad * (1 - 2 * y) if need_y else None
        return grad_grad, grad_y


class Relu(Op):
    """y = max(x, 0) (-0 and NaN kept);  grad_x = g where y > 0, else 0 (0 at x = 0, as
    torch)."""

    @staticmethod
    def forward(ctx, x):
        y = _kernel(ctx.xp, "relu", x)
        if y is None:  # not max(x, 0), which turns -0 into 0: torch keeps -0 and NaN
            y = ctx.xp.where(x < 0, 0, x).astype(x.dtype, copy=False)
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
        out = _kernel(ctx.xp, "ReluGrad", grad, y)
        if out is not None:
            return out
        if ctx.xp is np and grad.dtype in _FLOAT_BITS and grad.dtype == y.dtype:
            return elementwise(np, _zero_where_not_positive, grad, y)
        return ctx.xp.where(y <= 0, 0, grad).astype(grad.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad_out):
        (y,) = ctx.saved_tensors
        return ReluGrad.apply(grad_out, y), None


# A float dtype's same-sized integer type: its bits can be and-ed with a mask.
_FLOAT_BITS = {np.dtype(t): np.dtype(i) for t, i in (
    (np.float16, np.int16), (_dtype.bfloat16.np, np.int16), (np.float32, np.int32),
    (np.float64, np.int64))}


def _zero_where_not_positive(grad, y, out):
    """out = 0 where y <= 0, else grad -- also where grad is inf or nan, as torch's
    threshold_backward (grad * (y > 0) would give nan there). The bits of grad are and-ed with
    a mask of all ones or all zeros: three SIMD passes, against a slower np.where."""
    if out is None:
        out = np.empty_like(grad)
    bits = _FLOAT_BITS[grad.dtype]
    mask = out.view(bits)
    np.subtract(np.less_equal(y, 0), 1, out=mask, dtype=bits, casting="unsafe")
    np.bitwise_and(mask, grad.view(bits), out=mask)
    return out


class Reciprocal(Op):
    """y = 1 / x;  grad_x = -g * y²."""

    @staticmethod
    def forward(ctx, x):
        y = ctx.xp.reciprocal(x)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad):
        (y,) = ctx.conj_saved_tensors
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
            if decimals and x.dtype.itemsize == 2:
                # torch scales by 10**decimals in float32 (opmath): in the half type itself
                # x * 10**decimals would round before the rounding
                return xp.round(x.astype(xp.float32), decimals).astype(x.dtype)
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


def _float_unary(op, op_name, input, out, *extra):
    """Apply a floating-point unary op; integer and bool inputs become the default float."""
    if autocast_mode.active:  # See NOTE [ How autocast reaches the ops ]
        return autocast_mode.dispatch(op_name, _float_unary, op, op_name, input, out, *extra)
    if not isinstance(input, Tensor):
        _input_tensor(op_name, input)
    if input._data.dtype not in FLOAT_NP:
        if input._data.dtype.kind == "c":
            if op_name not in _COMPLEX_OPS:
                _not_implemented(op_name, input.dtype, "real floating-point")
        else:
            input = input.to(_dtype.get_default_dtype())
    result = op.apply(input, *extra)
    return result if out is None else _write_out(out, result, op_name)


# The ops _float_unary applies to complex tensors too (each holomorphic, or abs).
_COMPLEX_OPS = frozenset((
    "exp", "exp2", "expm1", "log", "log2", "log10", "log1p", "sqrt", "rsqrt", "sin", "cos", "tan",
    "asin", "acos", "atan", "sinh", "cosh", "tanh", "asinh", "acosh", "atanh", "sigmoid",
    "reciprocal", "sinc"))


def _numeric_unary(op, op_name, input, out, *extra, bool_ok=False, complex_ok=False):
    """Apply a unary op that keeps integer dtypes (abs, floor ...); bool raises like torch,
    and so does complex unless the op takes it."""
    _input_tensor(op_name, input)
    if not bool_ok and input._data.dtype is _BOOL_NP:
        _not_implemented(op_name, _dtype.bool, "numeric")
    if not complex_ok and input._data.dtype.kind == "c":
        _complex_unsupported(op_name)
    return _maybe_out(out, op.apply(input, *extra), op_name)


def abs(input, *, out=None):
    """Elementwise |input|; its gradient at 0 is 0.

    Example:
        >>> ember.abs(ember.tensor([-1, 2]))
        tensor([1, 2])
    """
    return _numeric_unary(Abs, "abs", input, out, complex_ok=True)


absolute = abs


def _complex_unsupported(op_name):
    if op_name == "sign":
        raise NotImplementedError("Unlike NumPy, torch.sign is not intended to support complex "
                                  "numbers. Please use torch.sgn instead.")
    raise NotImplementedError(f"{op_name} is not supported for complex inputs: apply it to "
                              f"z.real and z.imag, or to z.abs()")


def sign(input, *, out=None):
    """Elementwise sign: -1, 0 or 1 (bool tensors stay bool); its gradient is 0."""
    return _numeric_unary(Sign, "sign", input, out, bool_ok=True)


class Sgn(Op):
    """y = z / |z| (0 at 0), the sign of a complex number;
    grad_z = (g - y * Re(g * conj(y))) / |z| (0 at 0), as torch."""

    @staticmethod
    def forward(ctx, z):
        xp = ctx.xp
        magnitude = xp.abs(z)
        y = xp.where(magnitude == 0, 0, z / xp.where(magnitude == 0, 1, magnitude)).astype(
            z.dtype, copy=False)
        ctx.save_for_backward(z, y)
        return y

    @staticmethod
    def backward(ctx, grad):
        z, y = ctx.saved_tensors
        magnitude = z.abs()
        tangential = grad - y * (grad * y.conj()).real
        return compare.where(magnitude == 0, 0.0, tangential / magnitude)


def sgn(input, *, out=None):
    """sign for real tensors; z / |z| (0 at 0) for complex ones."""
    if isinstance(input, Tensor) and input._data.dtype.kind == "c":
        return _maybe_out(out, Sgn.apply(input), "sgn")
    return sign(input, out=out)


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


_CLAMP_COMPLEX = "clamp is not supported for complex types"


def relu(input):
    """Elementwise max(input, 0); its gradient at 0 is 0. Bool tensors raise.

    Example:
        >>> ember.relu(ember.tensor([-1., 2.]))
        tensor([0., 2.])
    """
    _input_tensor("relu", input)
    if input._data.dtype is _BOOL_NP:
        raise RuntimeError("Boolean inputs not supported for relu")
    if input._data.dtype.kind == "c":
        raise _dtype.unordered("clamp", input.dtype, _CLAMP_COMPLEX)
    return Relu.apply(input)


def reciprocal(input, *, out=None):
    """Elementwise 1 / input (integer inputs give floats)."""
    return _float_unary(Reciprocal, "reciprocal", input, out)


def square(input, *, out=None):
    """Elementwise input * input (bool tensors give int64, as torch)."""
    _input_tensor("square", input)
    if input._data.dtype is _BOOL_NP:
        input = input.to(_dtype.int64)
    return _maybe_out(out, named(mul(input, input), "PowBackward0"), "square")


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
    if input._data.dtype.kind == "c":
        raise _dtype.unordered("clamp", input.dtype, _CLAMP_COMPLEX)
    if min is None and max is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    if (isinstance(min, Tensor) and max is not None and not isinstance(max, Tensor)) or (
            isinstance(max, Tensor) and min is not None and not isinstance(min, Tensor)):
        raise TypeError(
            f"clamp(): min and max must both be Tensors or both be numbers, got "
            f"{type(min).__name__} and {type(max).__name__}")
    dtype = input._data.dtype
    tensor_bounds = isinstance(min, Tensor) or isinstance(max, Tensor)
    if tensor_bounds or not ((min is None or _keeps_dtype(dtype, min))
                             and (max is None or _keeps_dtype(dtype, max))):
        # torch reads number bounds as doubles
        min, max = (_dtype.real_number(bound, _dtype.float64) for bound in (min, max))
        try:
            result_type = _dtype.promote_operands(input, min, max)
        except TypeError:
            raise TypeError(f"clamp(): min and max must be numbers or Tensors, got "
                            f"{type(min).__name__} and {type(max).__name__}") from None
        if result_type.is_complex:
            raise _dtype.unordered("clamp", result_type, _CLAMP_COMPLEX)
        input = _cast(input, result_type, input)
        min = None if min is None else _cast(min, result_type, input)
        max = None if max is None else _cast(max, result_type, input)
    result = Clamp.apply(input, min, max)
    return _maybe_out(out, result if tensor_bounds else named(result, "ClampBackward1"), "clamp")


clip = clamp


def clamp_min(input, min, *, out=None):
    """clamp(input, min=min)."""
    return clamp(input, min=min, out=out)


def clamp_max(input, max, *, out=None):
    """clamp(input, max=max)."""
    return clamp(input, max=max, out=out)


# -- Tensor methods and operators ---------------------------------------------------------

for _name in ("abs", "absolute", "sign", "sgn", "exp", "exp2", "expm1", "log", "log2", "log10",
              "log1p", "sqrt", "rsqrt", "sin", "cos", "tan", "asin", "acos", "atan", "arcsin",
              "arccos", "arctan", "sinh", "cosh", "tanh", "asinh", "acosh", "atanh", "arcsinh",
              "arccosh", "arctanh", "sigmoid", "relu", "reciprocal", "square", "clamp", "clip",
              "clamp_min", "clamp_max", "floor", "ceil", "round", "trunc", "fix", "frac", "erf",
              "erfc", "erfinv"):
    setattr(Tensor, _name, globals()[_name])

Tensor.__abs__ = abs


def _rdiv(self, other):
    """number / tensor as torch computes it: the reciprocal, then a product (two roundings,
    where a division would round once)."""
    return reciprocal(self) * other


Tensor.__rtruediv__ = Tensor.__rdiv__ = _rdiv
