"""Elementwise number functions torch keeps at its top level: rad2deg, deg2rad, sinc,
copysign, heaviside, logaddexp2, ldexp, frexp, nextafter, gcd, lcm, and rsub.

Integer inputs of the float functions become the default float dtype, as in torch;
heaviside, nextafter, gcd and lcm have no gradient in torch and none here.
"""
import math

from .. import _dtype
from .._dtype import DIFFERENTIABLE_NP, FLOAT_NP, scalar_type_name
from .._tensor import Tensor
from ..autograd.function import Op
from . import compare
from .elementwise import (_maybe_out, _not_implemented, _require_tensor, _scalar_tensor,
                          _to_float,
                          broadcast_error, promote, sub, sum_to)
from .unary import _float_unary, _special

__all__ = ["rad2deg", "deg2rad", "sinc", "copysign", "heaviside", "ldexp",
           "frexp", "nextafter", "gcd", "lcm", "rsub"]


def rad2deg(input, *, out=None):
    """Angles from radians to degrees: input * 180 / pi."""
    _refuse_complex("rad2deg", input)
    return _maybe_out(out, _to_float(input) * (180.0 / math.pi), "rad2deg")


def deg2rad(input, *, out=None):
    """Angles from degrees to radians: input * pi / 180."""
    _refuse_complex("deg2rad", input)
    return _maybe_out(out, _to_float(input) * (math.pi / 180.0), "deg2rad")


def _refuse_complex(op_name, input):
    _require_tensor(op_name, input, "input", 1)
    if input._data.dtype.kind == "c":
        raise RuntimeError(f"{op_name} is not supported for complex tensors: an angle is real "
                           f"(see angle())")


class Sinc(Op):
    """y = sin(pi x) / (pi x), 1 at 0;  grad_x = g * conj((cos(pi x) - y) / x), 0 at x = 0."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return ctx.xp.sinc(x).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.conj_saved_tensors
        at_zero = x == 0
        safe = compare.where(at_zero, 1.0, x)  # keeps 0/0 out of the graph
        slope = ((safe * math.pi).cos() - sinc(safe)) / safe
        return compare.where(at_zero, 0.0, grad * slope)


def sinc(input, *, out=None):
    """The normalized sinc function sin(pi x) / (pi x), with sinc(0) = 1.

    Example:
        >>> ember.sinc(ember.tensor([0., 0.5]))
        tensor([1.0000, 0.6366])
    """
    return _float_unary(Sinc, "sinc", input, out)


def _float_operands(op_name, input, other):
    """Both operands in their promoted dtype, integers made the default float."""
    a, b = promote(input, other, op_name)
    a = a if isinstance(a, Tensor) else _scalar_tensor(a, b.dtype, b)
    b = b if isinstance(b, Tensor) else _scalar_tensor(b, a.dtype, a)
    return _to_float(a), _to_float(b)


class Copysign(Op):
    """z = |a| with the sign of b;  grad_a = g * z / a (0 where a == 0),  grad_b = 0."""

    @staticmethod
    def forward(ctx, a, b):
        try:
            out = ctx.xp.copysign(a, b)
        except ValueError as error:
            raise broadcast_error(error, "copysign", a, b) from None
        ctx.save_for_backward(a, out)
        ctx.b_shape = b.shape
        return out

    @staticmethod
    def backward(ctx, grad):
        a, out = ctx.saved_tensors
        grad_a = None
        if ctx.needs_input_grad[0]:
            ratio = compare.where(a == 0, 0.0, out / compare.where(a == 0, 1.0, a))
            grad_a = sum_to(grad * ratio, a.shape)
        grad_b = sum_to(grad * 0, ctx.b_shape) if ctx.needs_input_grad[1] else None
        return grad_a, grad_b


def copysign(input, other, *, out=None):
    """input's magnitudes with other's signs (-0.0 counts as negative); always a float.

    Example:
        >>> ember.copysign(ember.tensor([1., -2.]), -1.)
        tensor([-1., -2.])
    """
    _require_tensor("copysign", input, "input", 1)
    a, b = _float_operands("copysign", input, other)
    if a._data.dtype.kind == "c":
        _not_implemented("copysign", a.dtype, "real floating-point")
    return _maybe_out(out, Copysign.apply(a, b), "copysign")


def heaviside(input, values, *, out=None):
    """The Heaviside step: 0 where input < 0, values where input == 0, 1 where input > 0."""
    _require_tensor("heaviside", input, "input", 1)
    _require_tensor("heaviside", values, "values", 2)
    if input.dtype.is_complex or values.dtype.is_complex:
        raise RuntimeError("heaviside is not yet implemented for complex tensors: complex "
                           "numbers have no sign to step on; use the real parts")
    if input.dtype is not values.dtype:
        raise RuntimeError("heaviside is not yet implemented for tensors with different dtypes.")
    a, v = input.detach(), values.detach()
    if input.requires_grad or values.requires_grad:
        raise RuntimeError("derivative for aten::heaviside is not implemented")
    zero = a == 0
    step = compare.where(a > 0, 1, 0).to(a.dtype)
    return _maybe_out(out, compare.where(zero, v, step), "heaviside")


def ldexp(input, other, *, out=None):
    """input * 2**other (a float or complex tensor, differentiable in input)."""
    _require_tensor("ldexp", input, "input", 1)
    _require_tensor("ldexp", other)
    dtype = _dtype.promote_types(input.dtype, other.dtype)
    if dtype.category < _dtype.FLOATING:
        dtype = _dtype.get_default_dtype()
    scale = other.to(dtype).exp2()
    return _maybe_out(out, input.to(dtype) * scale, "ldexp")


def frexp(input, *, out=None):
    """(mantissa, exponent) with input = mantissa * 2**exponent, |mantissa| in [0.5, 1);
    the exponent is int32. Differentiable in the mantissa: grad = g / 2**exponent."""
    from ..return_types import frexp as frexp_result
    _require_tensor("frexp", input, "input", 1)
    if input._data.dtype not in FLOAT_NP:
        raise RuntimeError("torch.frexp() only supports floating-point dtypes")
    xp_array = input.detach()._data
    _, exponent = _array_module(xp_array).frexp(xp_array)
    exponent = Tensor._make(exponent.astype(_dtype.int32.np))
    mantissa = input / exponent.to(input.dtype).exp2()
    if out is not None:
        _maybe_out(out[0], mantissa, "frexp")
        _maybe_out(out[1], exponent, "frexp")
        mantissa, exponent = out
    return frexp_result((mantissa, exponent))


def _array_module(array):
    from ..backend import xp_of
    return xp_of(array)


def nextafter(input, other, *, out=None):
    """The next float after input towards other, in input's dtype."""
    _require_tensor("nextafter", input, "input", 1)
    _require_tensor("nextafter", other)
    a, b = promote(input, other, "nextafter")
    if a._data.dtype not in FLOAT_NP:
        raise NotImplementedError(
            f"\"nextafter_cpu\" not implemented for '{scalar_type_name(a.dtype)}'")
    xp = _array_module(a._data)
    try:
        result = xp.nextafter(a._data, b._data)
    except ValueError as error:
        raise broadcast_error(error, "nextafter", a._data, b._data) from None
    return _maybe_out(out, Tensor._make(result), "nextafter")


def _integer_pair(op_name, input, other):
    _require_tensor(op_name, input, "input", 1)
    _require_tensor(op_name, other)
    a, b = promote(input, other, op_name)
    if a._data.dtype in DIFFERENTIABLE_NP or a.dtype is _dtype.bool:
        _not_implemented(f"{op_name}_cpu", a.dtype, "integer")
    return a, b


def gcd(input, other, *, out=None):
    """The greatest common divisor, elementwise (integers; gcd(0, 0) = 0)."""
    a, b = _integer_pair("gcd", input, other)
    xp = _array_module(a._data)
    return _maybe_out(out, Tensor._make(xp.gcd(a._data, b._data)), "gcd")


def lcm(input, other, *, out=None):
    """The least common multiple, elementwise (integers; non-negative)."""
    a, b = _integer_pair("lcm", input, other)
    xp = _array_module(a._data)
    return _maybe_out(out, Tensor._make(xp.lcm(a._data, b._data)), "lcm")


def rsub(input, other, *, alpha=1):
    """other - alpha * input (sub with the operands swapped)."""
    return sub(other, input, alpha=alpha)


# -- Tensor methods -----------------------------------------------------------------------

for _name in ("rad2deg", "deg2rad", "sinc", "copysign", "heaviside", "ldexp", "frexp",
              "nextafter", "gcd", "lcm"):
    setattr(Tensor, _name, globals()[_name])
