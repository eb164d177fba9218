"""Comparisons, logical and bitwise ops, value tests (isnan ...), and where.

Comparisons and tests return bool tensors and have no gradient; `where` is differentiable
in its two value arguments, and nan_to_num passes the gradient where its input is finite.
"""
import warnings

import numpy as np

from .. import _dtype
from .._dtype import DIFFERENTIABLE_NP, FLOAT_NP
from .._tensor import Tensor
from ..autograd.function import Op
from ..backend import xp_of
from ._inplace import inplace_method
from .elementwise import (_array_like, _cast, _maybe_out, _not_implemented, _require_a_tensor,
                          _require_tensor, _scalar_tensor, broadcast_error, promote, sum_to)

__all__ = [
    "eq", "ne", "lt", "le", "gt", "ge", "greater", "greater_equal", "less", "less_equal",
    "not_equal", "logical_and", "logical_or", "logical_xor", "logical_not", "bitwise_and",
    "bitwise_or", "bitwise_xor", "bitwise_not", "bitwise_left_shift", "bitwise_right_shift",
    "isnan", "isinf", "isfinite", "isposinf", "isneginf", "isreal", "nan_to_num", "where",
    "isclose", "allclose", "equal", "signbit", "isin",
]

_BOOL_NP = _dtype.bool.np


class Compare(Op):
    """a <op> b, elementwise, as bool."""

    differentiable = False

    @staticmethod
    def forward(ctx, a, b, ufunc_name):
        try:
            return getattr(ctx.xp, ufunc_name)(a, b)
        except ValueError as error:
            raise broadcast_error(error, ufunc_name, a, b) from None


def _compare(op_name, ufunc_name, input, other, out, ordering=False):
    if not isinstance(input, Tensor):
        _require_tensor(op_name, input, "input", 1)
    a, b = promote(input, other, op_name)
    if ordering:  # <, <=, >, >=: not for complex numbers
        tensor = a if isinstance(a, Tensor) else b  # of the promoted dtype
        if tensor._data.dtype.kind == "c":
            raise _dtype.unordered(op_name, tensor.dtype)
    return _maybe_out(out, Compare.apply(a, b, ufunc_name), op_name)


def eq(input, other, *, out=None):
    """Elementwise input == other, as bool, broadcast.

    Example:
        >>> ember.eq(ember.tensor([1, 2]), 2)
        tensor([False,  True])
    """
    return _compare("eq", "equal", input, other, out)


def ne(input, other, *, out=None):
    """Elementwise input != other, as bool."""
    return _compare("ne", "not_equal", input, other, out)


def lt(input, other, *, out=None):
    """Elementwise input < other, as bool."""
    return _compare("lt", "less", input, other, out, True)


def le(input, other, *, out=None):
    """Elementwise input <= other, as bool."""
    return _compare("le", "less_equal", input, other, out, True)


def gt(input, other, *, out=None):
    """Elementwise input > other, as bool."""
    return _compare("gt", "greater", input, other, out, True)


def ge(input, other, *, out=None):
    """Elementwise input >= other, as bool."""
    return _compare("ge", "greater_equal", input, other, out, True)


greater, greater_equal, less, less_equal, not_equal = gt, ge, lt, le, ne


class Logical(Op):
    """Elementwise logic on truth values (nonzero is true), as bool."""

    differentiable = False

    @staticmethod
    def forward(ctx, a, b, ufunc_name):
        xp = ctx.xp
        if b is None:
            return getattr(xp, ufunc_name)(a)
        try:
            return getattr(xp, ufunc_name)(a, b)
        except ValueError as error:
            raise broadcast_error(error, ufunc_name, a, b) from None


def _logical(op_name, input, other, out):
    _require_tensor(op_name, input, "input", 1)
    _require_tensor(op_name, other)
    return _maybe_out(out, Logical.apply(input, other, op_name), op_name)


def logical_and(input, other, *, out=None):
    """Elementwise `input and other` on truth values (nonzero is true), as bool.

    Example:
        >>> ember.logical_and(ember.tensor([1, 0, 2]), ember.tensor([True, True, False]))
        tensor([ True, False, False])
    """
    return _logical("logical_and", input, other, out)


def logical_or(input, other, *, out=None):
    """Elementwise `input or other` on truth values, as bool."""
    return _logical("logical_or", input, other, out)


def logical_xor(input, other, *, out=None):
    """Elementwise exclusive or of truth values, as bool."""
    return _logical("logical_xor", input, other, out)


def logical_not(input, *, out=None):
    """Elementwise `not input` on truth values, as bool."""
    _require_tensor("logical_not", input, "input", 1)
    return _maybe_out(out, Logical.apply(input, None, "logical_not"), "logical_not")


class Bitwise(Op):
    """Bitwise and/or/xor/not/shifts of integer or bool tensors."""

    differentiable = False

    @staticmethod
    def forward(ctx, a, b, ufunc_name):
        xp = ctx.xp
        if b is None:
            return getattr(xp, ufunc_name)(a)
        try:
            return getattr(xp, ufunc_name)(a, b)
        except ValueError as error:
            raise broadcast_error(error, ufunc_name, a, b) from None


def _bitwise(op_name, ufunc_name, input, other, out):
    if other is not None:
        _require_a_tensor(op_name, input, other)
    a, b = promote(input, other, op_name) if other is not None else (input, None)
    for value in (a, b):
        if isinstance(value, Tensor) and value._data.dtype in DIFFERENTIABLE_NP:
            _not_implemented(op_name, value.dtype, "integer or bool")
    return _maybe_out(out, Bitwise.apply(a, b, ufunc_name), op_name)


def bitwise_and(input, other, *, out=None):
    """Elementwise bitwise AND of integer or bool tensors (logical AND for bool).

    Example:
        >>> ember.tensor([12, 10]) & 6
        tensor([4, 2])
    """
    return _bitwise("bitwise_and", "bitwise_and", input, other, out)


def bitwise_or(input, other, *, out=None):
    """Elementwise bitwise OR of integer or bool tensors."""
    return _bitwise("bitwise_or", "bitwise_or", input, other, out)


def bitwise_xor(input, other, *, out=None):
    """Elementwise bitwise XOR of integer or bool tensors."""
    return _bitwise("bitwise_xor", "bitwise_xor", input, other, out)


def bitwise_not(input, *, out=None):
    """Elementwise bitwise NOT of an integer tensor (logical NOT for bool)."""
    _require_tensor("bitwise_not", input, "input", 1)
    return _bitwise("bitwise_not", "invert", input, None, out)


def _invert(self):
    """The `~` operator: bitwise_not, refusing floats with TypeError as torch's does."""
    if isinstance(self, Tensor) and self._data.dtype in DIFFERENTIABLE_NP:
        raise TypeError("~ (operator.invert) is only implemented on integer and Boolean-type "
                        "tensors")
    return bitwise_not(self)


def _shift(op_name, ufunc_name, input, other, out):
    for value in (input, other):
        if isinstance(value, Tensor) and value._data.dtype is _BOOL_NP:
            _not_implemented(op_name, _dtype.bool, "integer")
    return _bitwise(op_name, ufunc_name, input, other, out)


def bitwise_left_shift(input, other, *, out=None):
    """Elementwise input << other, for integer tensors.

    Example:
        >>> ember.tensor([1, 3]) << 2
        tensor([ 4, 12])
    """
    return _shift("bitwise_left_shift", "left_shift", input, other, out)


def bitwise_right_shift(input, other, *, out=None):
    """Elementwise input >> other (arithmetic shift), for integer tensors."""
    return _shift("bitwise_right_shift", "right_shift", input, other, out)


class Test(Op):
    """A value test (isnan, isinf, ...) as bool."""

    differentiable = False

    @staticmethod
    def forward(ctx, x, ufunc_name):
        xp = ctx.xp
        if x.dtype.kind in "iub":
            return xp.full(x.shape, ufunc_name in ("isfinite", "isreal"), dtype=bool)
        return getattr(xp, ufunc_name)(x)


def _test(op_name, input):
    _require_tensor(op_name, input, "input", 1)
    return Test.apply(input, op_name)


def isnan(input):
    """Elementwise test for NaN, as bool.

    Example:
        >>> ember.isnan(ember.tensor([1., float("nan")]))
        tensor([False,  True])
    """
    return _test("isnan", input)


def isinf(input):
    """Elementwise test for ±inf, as bool."""
    return _test("isinf", input)


def isfinite(input):
    """Elementwise test for a finite value (not NaN or ±inf), as bool."""
    return _test("isfinite", input)


def isposinf(input, *, out=None):
    """Elementwise test for +inf, as bool."""
    _refuse_complex("isposinf", input)
    return _maybe_out(out, isinf(input) & (input > 0), "isposinf")


def isneginf(input, *, out=None):
    """Elementwise test for -inf, as bool."""
    _refuse_complex("isneginf", input)
    return _maybe_out(out, isinf(input) & (input < 0), "isneginf")


def _refuse_complex(op_name, input):
    _require_tensor(op_name, input, "input", 1)
    if input._data.dtype.kind == "c":
        raise RuntimeError(f"{op_name} does not support complex inputs: apply it to the real "
                           f"and imaginary parts (.real, .imag)")


def isreal(input):
    """Elementwise test for a zero imaginary part (always true for real tensors), as bool."""
    return _test("isreal", input)


def signbit(input, *, out=None):
    """Elementwise test of the sign bit (true for -0.0 too), as bool."""
    _require_tensor("signbit", input, "input", 1)
    if input._data.dtype.kind == "c":
        raise NotImplementedError("signbit is not implemented for complex tensors: apply it to "
                                  "the real and imaginary parts (.real, .imag)")
    if input._data.dtype in FLOAT_NP:
        return _maybe_out(out, Test.apply(input, "signbit"), "signbit")
    if input._data.dtype is _BOOL_NP:
        return _maybe_out(out, Test.apply(input, "isnan"), "signbit")  # all false
    return _maybe_out(out, input < 0, "signbit")


class NanToNum(Op):
    """y = x with NaN, +inf, -inf replaced by given finite values;  grad_x = g where x is
    finite, else 0."""

    @staticmethod
    def forward(ctx, x, nan, posinf, neginf):
        xp = ctx.xp
        ctx.save_for_backward(x)
        y = xp.where(xp.isnan(x), nan, x)
        y = xp.where(y == xp.inf, posinf, y)
        return xp.where(y == -xp.inf, neginf, y).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return where(x.isfinite(), grad, 0.0), None, None, None


def nan_to_num(input, nan=0.0, posinf=None, neginf=None, *, out=None):
    """Replace NaN by `nan` and ±inf by `posinf`/`neginf` (default: the dtype's extremes);
    in the real and imaginary parts of a complex tensor separately.

    Example:
        >>> ember.nan_to_num(ember.tensor([float("nan"), float("inf")]), posinf=9.0)
        tensor([0., 9.])
    """
    _require_tensor("nan_to_num", input, "input", 1)
    if input._data.dtype.kind == "c":
        from .complex import view_as_complex, view_as_real  # complex.py imports this module
        parts = nan_to_num(view_as_real(input), nan, posinf, neginf)
        return _maybe_out(out, view_as_complex(parts), "nan_to_num")
    if input._data.dtype not in FLOAT_NP:
        return _maybe_out(out, input.clone(), "nan_to_num")
    largest = float(_finfo_max(input._data.dtype))
    posinf = largest if posinf is None else posinf
    neginf = -largest if neginf is None else neginf
    return _maybe_out(out, NanToNum.apply(input, nan, posinf, neginf), "nan_to_num")


def _finfo_max(np_dtype):
    if np_dtype == _dtype.bfloat16.np:
        import ml_dtypes
        return ml_dtypes.finfo(np_dtype).max
    return np.finfo(np_dtype).max


class Where(Op):
    """z = x where condition else y;  grad_x = g masked by condition, grad_y by its negation."""

    @staticmethod
    def forward(ctx, condition, x, y):
        ctx.save_for_backward(condition)
        ctx.shapes = (x.shape, y.shape)
        try:
            return ctx.xp.where(condition, x, y)
        except ValueError as error:
            raise broadcast_error(error, "where", condition, x, y) from None

    @staticmethod
    def backward(ctx, grad):
        (condition,) = ctx.saved_tensors
        x_shape, y_shape = ctx.shapes
        _, need_x, need_y = ctx.needs_input_grad
        grad_x = sum_to(where(condition, grad, 0.0), x_shape) if need_x else None
        grad_y = sum_to(where(condition, 0.0, grad), y_shape) if need_y else None
        return None, grad_x, grad_y


def where(condition, input=None, other=None, *, out=None):
    """Elements of input where condition holds, else of other, broadcast; either value may
    be a number. where(condition) alone is condition.nonzero(as_tuple=True).

    Example:
        >>> x = ember.tensor([-1., 2.])
        >>> ember.where(x > 0, x, 0.0)
        tensor([0., 2.])
    """
    if input is None and other is None:
        return condition.nonzero(as_tuple=True)
    _require_tensor("where", condition, "condition", 1)
    if condition._data.dtype is not _BOOL_NP:
        if condition._data.dtype != _dtype.uint8.np:
            raise RuntimeError(
                f"where expected condition to be a boolean tensor, but got a tensor with dtype "
                f"{_dtype.scalar_type_name(condition.dtype)}. Use a comparison (x > 0) or "
                f".bool() to make one.")
        warnings.warn("where received a uint8 condition tensor. This behavior is deprecated; "
                      "use a boolean condition instead.", UserWarning, stacklevel=2)
        condition = condition.bool()
    if isinstance(input, Tensor) or isinstance(other, Tensor):
        x, y = promote(input, other, "where")
    else:  # two numbers: torch's scalar promotion (ints give int64, floats the default)
        dtype = _dtype.promote_operands(input, other)
        x = _scalar_tensor(input, dtype, condition)
        y = _cast(other, dtype, x)
    if not isinstance(x, Tensor):
        x = _array_like(x, y)
    if not isinstance(y, Tensor):
        y = _array_like(y, x)
    return _maybe_out(out, Where.apply(condition, x, y), "where")


def isclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    """|input - other| <= atol + rtol * |other|, elementwise, as bool."""
    _require_tensor("isclose", input, "input", 1)
    _require_tensor("isclose", other)
    for name, tolerance in (("rtol", rtol), ("atol", atol)):
        if tolerance < 0:
            raise RuntimeError(f"isclose: {name} must be greater than or equal to zero, but got "
                               f"{tolerance}")
    if input.dtype is not other.dtype:
        raise RuntimeError(
            f"{_dtype.scalar_type_name(input.dtype)} did not match "
            f"{_dtype.scalar_type_name(other.dtype)}: isclose needs both tensors of one dtype; "
            f"convert one with .to()")
    xp = xp_of(input._data)
    return Tensor._make(xp.isclose(input._data, other._data, rtol=rtol, atol=atol,
                                   equal_nan=equal_nan))


def allclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    """True if isclose holds everywhere."""
    return bool(isclose(input, other, rtol, atol, equal_nan).all())


def equal(input, other):
    """True if both have the same shape and the same values."""
    return tuple(input.shape) == tuple(other.shape) and bool(eq(input, other).all())


def isin(elements, test_elements, *, assume_unique=False, invert=False, out=None):
    """Whether each element of `elements` is one of `test_elements` (either may be a number,
    not both); NaN is in nothing. invert=True asks the opposite.

    Example:
        >>> ember.isin(ember.tensor([1, 2, 3]), ember.tensor([2, 5]))
        tensor([False,  True, False])
    """
    if not isinstance(elements, Tensor) and not isinstance(test_elements, Tensor):
        raise TypeError(f"isin() received an invalid combination of arguments - got "
                        f"({type(elements).__name__}, {type(test_elements).__name__}); one "
                        f"must be a Tensor")
    tensor = elements if isinstance(elements, Tensor) else test_elements
    xp = xp_of(tensor._data)
    values = [x._data if isinstance(x, Tensor) else xp.asarray(x)
              for x in (elements, test_elements)]
    for value in values:
        if value.dtype == np.bool_ or value.dtype.kind == "c":
            raise RuntimeError(f"Unsupported input type encountered for isin(): "
                               f"{_dtype.scalar_type_name(_dtype.BY_NUMPY[value.dtype])}")
    result = Tensor._make(xp.isin(values[0], values[1], assume_unique=assume_unique,
                                  invert=invert))
    return _maybe_out(out, result, "isin")


# -- Tensor methods and operators ---------------------------------------------------------

def _reflected(fn):
    def method(self, other):
        return fn(other, self)
    method.__name__ = f"__r{fn.__name__}__"
    return method


def _comparison_operator(fn):
    """`tensor == None` is False and `tensor == "a"` falls back to Python, as in torch."""
    def method(self, other):
        try:
            return fn(self, other)
        except TypeError:
            return NotImplemented
    method.__name__ = f"__{fn.__name__}__"
    return method


for _name in ("eq", "ne", "lt", "le", "gt", "ge", "greater", "greater_equal", "less",
              "less_equal", "not_equal", "logical_and", "logical_or", "logical_xor",
              "logical_not", "bitwise_and", "bitwise_or", "bitwise_xor", "bitwise_not",
              "bitwise_left_shift", "bitwise_right_shift", "isnan", "isinf", "isfinite",
              "isposinf", "isneginf", "isreal", "signbit", "nan_to_num", "isclose", "allclose",
              "equal"):
    setattr(Tensor, _name, globals()[_name])
for _name in ("bitwise_left_shift", "bitwise_right_shift"):
    setattr(Tensor, _name + "_", inplace_method(globals()[_name], _name + "_"))
Tensor.where = lambda self, condition, other: where(condition, self, other)
Tensor.__eq__ = _comparison_operator(eq)
Tensor.__ne__ = _comparison_operator(ne)
Tensor.__lt__ = _comparison_operator(lt)
Tensor.__le__ = _comparison_operator(le)
Tensor.__gt__ = _comparison_operator(gt)
Tensor.__ge__ = _comparison_operator(ge)
Tensor.__and__ = bitwise_and
Tensor.__or__ = bitwise_or
Tensor.__xor__ = bitwise_xor
Tensor.__rand__ = _reflected(bitwise_and)
Tensor.__ror__ = _reflected(bitwise_or)
Tensor.__rxor__ = _reflected(bitwise_xor)
Tensor.__lshift__ = bitwise_left_shift
Tensor.__rshift__ = bitwise_right_shift
Tensor.__rlshift__ = _reflected(bitwise_left_shift)
Tensor.__rrshift__ = _reflected(bitwise_right_shift)
Tensor.__ilshift__ = Tensor.bitwise_left_shift_
Tensor.__irshift__ = Tensor.bitwise_right_shift_
Tensor.__invert__ = _invert
# torch's in-place forms of the comparison aliases (greater_ is gt_ ...)
for _name in ("greater", "greater_equal", "less", "less_equal", "not_equal"):
    setattr(Tensor, _name + "_", inplace_method(getattr(Tensor, _name), _name + "_"))
