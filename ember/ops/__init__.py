"""Every differentiable op, one module per family; importing this attaches them to Tensor.

elementwise.py  arithmetic, operand promotion     compare.py     comparisons, logic, where
unary.py        exp, log, sin, sigmoid, clamp ... binary.py      maximum, atan2, hypot ...
reduce.py       sum, mean, ...                    cumulative.py  cumsum, cumprod, cummax ...
shape.py        views and reshaping               join.py        cat, stack, split, flip ...
convert.py      dtype/device changes, clone       creation.py    new tensors
count.py        bincount, histc
"""
from .._tensor import Tensor
from . import (binary, compare, conv, convert, count, creation, cumulative,  # noqa: F401
               elementwise, index, join, linalg, pad, pool, random, reduce, shape, sort, unary)
from . import special  # noqa: F401
from . import complex, matrices, numeric, sequence, sliding, tensor_queries  # noqa: F401
from . import scatter_copy, windows  # noqa: F401
from . import copies, strided  # noqa: F401
from . import spectral  # noqa: F401
from ._inplace import apply_inplace, inplace_method

# Trailing-underscore forms, each the out-of-place op written back into the tensor.
_INPLACE = (
    "add", "sub", "subtract", "mul", "multiply", "div", "divide", "true_divide",
    "floor_divide", "remainder", "fmod", "pow", "float_power", "neg", "negative", "abs",
    "absolute", "sign", "sgn", "exp", "exp2", "expm1", "log", "log2", "log10", "log1p", "sqrt",
    "rsqrt", "sin", "cos", "tan", "asin", "acos", "atan", "arcsin", "arccos", "arctan", "sinh",
    "cosh", "tanh", "asinh", "acosh", "atanh", "arcsinh", "arccosh", "arctanh", "sigmoid",
    "relu", "reciprocal", "square", "clamp", "clip", "clamp_min", "clamp_max", "floor", "ceil",
    "round", "trunc", "fix", "frac", "erf", "erfc", "erfinv", "lerp", "atan2", "arctan2",
    "hypot", "logaddexp", "xlogy", "addcmul", "addcdiv", "nan_to_num", "eq", "ne", "lt", "le",
    "gt", "ge", "logical_and", "logical_or", "logical_xor", "logical_not", "bitwise_and",
    "bitwise_or", "bitwise_xor", "bitwise_not", "conj_physical",
)
for _name in _INPLACE:
    setattr(Tensor, _name + "_", inplace_method(getattr(Tensor, _name), _name + "_"))

for _name in ("rad2deg", "deg2rad", "sinc", "i0", "copysign", "heaviside", "logaddexp2",
              "ldexp", "nextafter", "gcd", "lcm", "renorm"):
    setattr(Tensor, _name + "_", inplace_method(getattr(Tensor, _name), _name + "_"))

for _operator, _name in (("add", "add"), ("sub", "sub"), ("mul", "mul"), ("truediv", "div"),
                         ("floordiv", "floor_divide"), ("mod", "remainder"), ("pow", "pow"),
                         ("and", "bitwise_and"), ("or", "bitwise_or"), ("xor", "bitwise_xor")):
    setattr(Tensor, f"__i{_operator}__", getattr(Tensor, _name + "_"))


__all__ = ["apply_inplace", "inplace_method"]
