"""Math functions of two tensors: maximum, minimum, fmax, fmin, atan2, hypot, logaddexp,
xlogy, each with its gradient.

Like the arithmetic in elementwise.py, they bring both operands to torch's result dtype with
`promote`, broadcast as numpy does, and reduce each gradient to its input's shape with
`sum_to`. maximum and minimum split the gradient evenly at ties, as torch does.
"""
from .. import _dtype
from .._dtype import FLOAT_NP
from .._tensor import Tensor
from ..autograd.function import Op
from . import compare  # compare.where() in the formulas below
from .elementwise import (_cast, _maybe_out, _not_implemented, _require_a_tensor, _require_tensor,
                          _scalar_tensor, _to_float, broadcast_error, promote, sum_to)

__all__ = [
    "maximum", "minimum", "fmax", "fmin", "atan2", "arctan2", "hypot", "logaddexp", "logaddexp2", "xlogy",
]


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
    if a._data.dtype.kind == "c":
        raise _dtype.unordered(op_name, a.dtype, f"{op_name} not implemented for complex "
                                                 f"tensors", RuntimeError)
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


def _float_pair(op_name, input, other, integers="promote", complex_ok=False):
    """Two tensors of one floating (or complex, where the op takes it) dtype for a binary
    float op (integers become floats, or raise NotImplementedError as in torch)."""
    _require_tensor(op_name, input, "input", 1)
    _require_tensor(op_name, other)
    a, b = promote(input, other, op_name)
    if a._data.dtype not in FLOAT_NP:
        if a._data.dtype.kind == "c":
            if not complex_ok:
                _not_implemented(op_name, a.dtype, "real floating-point")
        elif integers == "raise":
            _not_implemented(op_name, a.dtype)
        else:
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
    grad_a = g / conj(1 + e**(b - a)),  grad_b = g / conj(1 + e**(a - b))."""

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        try:
            if a.dtype.kind == "c":
                return _complex_logaddexp(ctx.xp, *ctx.xp.broadcast_arrays(a, b))
            return ctx.xp.logaddexp(a, b)
        except ValueError as error:
            raise broadcast_error(error, "logaddexp", a, b) from None

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.conj_saved_tensors
        need_a, need_b = ctx.needs_input_grad
        grad_a = sum_to(grad / ((b - a).exp() + 1), a.shape) if need_a else None
        grad_b = sum_to(grad / ((a - b).exp() + 1), b.shape) if need_b else None
        return grad_a, grad_b


def _complex_logaddexp(xp, a, b):
    """torch's complex logaddexp: m + log1p(e**(n - m)), m the operand of the larger real part
    and n the other; where both real parts are -inf, n; both +inf, log(e**n + e**m)."""
    a_larger = a.real >= b.real
    larger, smaller = xp.where(a_larger, a, b), xp.where(a_larger, b, a)
    both_infinite = xp.isinf(larger.real) & (larger.real == smaller.real)
    if both_infinite.any():
        edge = xp.where(larger.real < 0, smaller, xp.log(xp.exp(smaller) + xp.exp(larger)))
        return xp.where(both_infinite, edge, larger + xp.log1p(xp.exp(smaller - larger)))
    return larger + xp.log1p(xp.exp(smaller - larger))


def logaddexp(input, other, *, out=None):
    """Elementwise log(exp(input) + exp(other)), stable for large inputs.

    Example:
        >>> ember.logaddexp(ember.tensor([1000.]), ember.tensor([1000.]))
        tensor([1000.6931])
    """
    a, b = _float_pair("logaddexp", input, other, integers="raise", complex_ok=True)
    return _maybe_out(out, LogAddExp.apply(a, b), "logaddexp")


class LogAddExp2(Op):
    """z = log2(2**a + 2**b);  grad_a = g / (1 + 2**(b - a)),  grad_b = g / (1 + 2**(a - b))."""

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        try:
            return ctx.xp.logaddexp2(a, b)
        except ValueError as error:
            raise broadcast_error(error, "logaddexp2", a, b) from None

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        grad_a = sum_to(grad / ((b - a).exp2() + 1), a.shape) if need_a else None
        grad_b = sum_to(grad / ((a - b).exp2() + 1), b.shape) if need_b else None
        return grad_a, grad_b


def logaddexp2(input, other, *, out=None):
    """log2(2**input + 2**other), stable for large inputs."""
    a, b = _float_pair("logaddexp2", input, other, integers="raise")
    return _maybe_out(out, LogAddExp2.apply(a, b), "logaddexp2")


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
    x, y = float_tensor_pair("xlogy", input, other)
    return _maybe_out(out, Xlogy.apply(x, y), "xlogy")


def float_tensor_pair(op_name, input, other):
    """The operands of an x * log(...)-style op as two tensors of one floating dtype (integers
    become the default float; a number becomes a 0-d tensor, as numpy would compute the log
    of a Python float in float64)."""
    _require_a_tensor(op_name, input, other)
    x, y = promote(input, other, op_name)
    like = x if isinstance(x, Tensor) else y
    if like._data.dtype.kind == "c":
        _not_implemented(op_name, like.dtype, "real floating-point")
    if like._data.dtype not in FLOAT_NP:
        default = _dtype.get_default_dtype()
        x, y = _cast(x, default, like), _cast(y, default, like)
    dtype = x.dtype if isinstance(x, Tensor) else y.dtype
    x = x if isinstance(x, Tensor) else _scalar_tensor(x, dtype, y)
    y = y if isinstance(y, Tensor) else _scalar_tensor(y, dtype, x)
    return x, y


# -- Tensor methods -----------------------------------------------------------------------

for _name in ("maximum", "minimum", "fmax", "fmin", "atan2", "arctan2", "hypot", "logaddexp",
              "logaddexp2", "xlogy"):
    setattr(Tensor, _name, globals()[_name])
