"""dtypes and PyTorch's type-promotion rules.

A dtype is a small immutable object naming a numpy dtype (bfloat16 comes from ml_dtypes).
Promotion follows torch: categories bool < integer < floating < complex; among operands, tensors
with dimensions outrank zero-dim tensors, which outrank Python scalars, and a lower tier
only decides the result when its category is higher than every operand's above it.
"""
import builtins
import os
import sys

import ml_dtypes
import numpy as np

__all__ = [
    "dtype", "float16", "half", "bfloat16", "float32", "float", "float64", "double",
    "complex64", "cfloat", "complex128", "cdouble",
    "int8", "int16", "short", "int32", "int", "int64", "long", "uint8", "bool",
    "get_default_dtype", "set_default_dtype", "promote_types", "result_type", "finfo", "iinfo",
]

BOOL, INTEGER, FLOATING, COMPLEX = 0, 1, 2, 3


class dtype:
    """An element type; `ember.float32` and friends are the only instances."""

    __slots__ = ("name", "np", "category", "itemsize", "is_floating_point", "is_complex",
                 "is_signed")

    def __init__(self, name, np_dtype, category):
        self.name = name
        self.np = np.dtype(np_dtype)
        self.category = category
        self.itemsize = self.np.itemsize
        self.is_floating_point = category == FLOATING
        self.is_complex = category == COMPLEX
        self.is_signed = category >= FLOATING or self.np.kind == "i"

    def to_real(self):
        """The dtype of a complex dtype's real and imaginary parts (a real dtype itself)."""
        return BY_NUMPY[self.np.type(0).real.dtype] if self.is_complex else self

    def to_complex(self):
        """The complex dtype whose parts are this floating dtype (float16 and bfloat16, which
        have none in numpy, take complex64)."""
        if self.is_complex:
            return self
        if self.category != FLOATING:
            raise RuntimeError(f"to_complex: expected a floating dtype, got {self}")
        return complex128 if self is float64 else complex64

    def __repr__(self):
        return f"ember.{self.name}"

    def __reduce__(self):
        return self.name


float16 = half = dtype("float16", np.float16, FLOATING)
bfloat16 = dtype("bfloat16", ml_dtypes.bfloat16, FLOATING)
float32 = float = dtype("float32", np.float32, FLOATING)
float64 = double = dtype("float64", np.float64, FLOATING)
int8 = dtype("int8", np.int8, INTEGER)
int16 = short = dtype("int16", np.int16, INTEGER)
int32 = int = dtype("int32", np.int32, INTEGER)
int64 = long = dtype("int64", np.int64, INTEGER)
uint8 = dtype("uint8", np.uint8, INTEGER)
bool = dtype("bool", np.bool_, BOOL)
complex64 = cfloat = dtype("complex64", np.complex64, COMPLEX)
complex128 = cdouble = dtype("complex128", np.complex128, COMPLEX)

ALL = (bool, uint8, int8, int16, int32, int64, float16, bfloat16, float32, float64, complex64,
       complex128)
BY_NUMPY = {d.np: d for d in ALL}
BY_NAME = {d.name: d for d in ALL}
FLOAT_NP = frozenset(d.np for d in ALL if d.is_floating_point)
COMPLEX_NP = frozenset(d.np for d in ALL if d.is_complex)
DIFFERENTIABLE_NP = FLOAT_NP | COMPLEX_NP  # the dtypes that can require grad
# The values each integer dtype holds; Python ints outside are wrapped into it, as torch does.
INT_RANGE = {d.np: (builtins.int(np.iinfo(d.np).min), builtins.int(np.iinfo(d.np).max))
             for d in ALL if d.category == INTEGER}
# torch's ScalarType names, which its error messages print ("result type Float can't ...")
_SCALAR_TYPE_NAMES = {
    "float16": "Half", "bfloat16": "BFloat16", "float32": "Float", "float64": "Double",
    "int8": "Char", "int16": "Short", "int32": "Int", "int64": "Long", "uint8": "Byte",
    "bool": "Bool", "complex64": "ComplexFloat", "complex128": "ComplexDouble",
}


def scalar_type_name(d):
    """torch's name for a dtype in error messages: "Float" for float32, "Long" for int64."""
    return _SCALAR_TYPE_NAMES[d.name]


def unordered(op_name, d, message=None, error=NotImplementedError):
    """torch's error for an op that orders complex numbers (d): its `message`, by default
    '"op_name" not implemented for 'ComplexFloat'', and what to do instead."""
    message = message or f"\"{op_name}\" not implemented for '{scalar_type_name(d)}'"
    return error(f"{message}: complex numbers have no order; compare their abs() or real "
                 f"parts instead")


def from_numpy_dtype(np_dtype):
    """The ember dtype of a numpy dtype; raises TypeError for types ember lacks."""
    try:
        return BY_NUMPY[np_dtype]
    except KeyError:
        np_dtype = np.dtype(np_dtype)
        if np_dtype in BY_NUMPY:
            return BY_NUMPY[np_dtype]
        if np_dtype.kind == "u":  # torch has no uint16/32/64 arithmetic; numpy's become int64
            return int64
        raise TypeError(
            f"can't convert np.ndarray of type numpy.{np_dtype}. The only supported types are: "
            "float64, float32, float16, complex64, complex128, bfloat16, int64, int32, int16, "
            "int8, uint8, and bool."
        ) from None


def cast_array(array, np_dtype):
    """array.astype(np_dtype), except float64 to float16 goes through float32 as in torch,
    whose Half is made from a float: two roundings, which differ from one in ~1 element in
    30,000; and complex to real keeps the real part with torch's warning."""
    if np_dtype == np.float16 and array.dtype == np.float64:
        return array.astype(np.float32).astype(np.float16)
    if array.dtype.kind == "c" and np.dtype(np_dtype).kind != "c":
        _warn_discarded_imaginary()
        return array.real.astype(np_dtype)
    return array.astype(np_dtype)


_EMBER_DIR = os.path.dirname(os.path.abspath(__file__)) + os.sep


def _warn_discarded_imaginary():
    """torch's warning for a complex to real cast, once per process (TORCH_WARN_ONCE),
    pointing at the user's line that asked for the cast."""
    from ._settings import warn_once  # _settings sits above this module
    frame, stacklevel = sys._getframe(1), 2  # warn_once's stacklevel 2: our caller
    while frame is not None and frame.f_code.co_filename.startswith(_EMBER_DIR):
        frame, stacklevel = frame.f_back, stacklevel + 1
    warn_once("Casting complex values to real discards the imaginary part", UserWarning,
              stacklevel)


# torch's C++ names of the real dtypes in its "value cannot be converted" error (it converts
# a number for the half types through double)
_CPP_TYPE_NAMES = {
    "float16": "double", "bfloat16": "double", "float32": "float", "float64": "double",
    "int8": "int8_t", "int16": "int16_t", "int32": "int", "int64": "int64_t", "uint8": "uint8_t",
}


def real_number(value, d):
    """A Python number to be stored in dtype d: a complex number's real part for a real d,
    as torch converts it, which refuses one with an imaginary part (bool takes any number)."""
    if value.__class__ is not builtins.complex or d.category == COMPLEX or d.category == BOOL:
        return value
    if value.imag:
        raise RuntimeError(f"value cannot be converted to type {_CPP_TYPE_NAMES[d.name]} "
                           f"without overflow")
    return value.real


def to_dtype(value):
    """Accept an ember dtype, a numpy dtype, a torch dtype or a Python type."""
    if type(value) is dtype:
        return value
    if value is builtins.float:
        return _default_float
    if value is builtins.int:
        return int64
    if value is builtins.bool:
        return bool
    name = getattr(value, "__module__", "") == "torch" and str(value).replace("torch.", "")
    if name and name in BY_NAME:
        return BY_NAME[name]
    return from_numpy_dtype(value)


_default_float = float32


def get_default_dtype():
    return _default_float


def default_complex_dtype():
    """The complex dtype a Python complex number takes: complex128 under a float64 default,
    else complex64."""
    return complex128 if _default_float is float64 else complex64


def set_default_dtype(d):
    global _default_float
    d = to_dtype(d)
    if not d.is_floating_point:
        raise TypeError(f"only floating-point types are supported as the default type, got {d}")
    _default_float = d
    _PROMOTION_CACHE.clear()


# Promotion of two dtypes of the same tier: torch's table, which differs from numpy's
# (float16 with bfloat16 gives float32; int8 with uint8 gives int16; any float beats any int;
# a complex dtype with float64 gives complex128).
def promote_types(type1, type2):
    """The smallest dtype both can be cast to, as torch.promote_types."""
    a, b = to_dtype(type1), to_dtype(type2)
    if a is b:
        return a
    if a.category < b.category:
        a, b = b, a
    if a.category == COMPLEX:
        return complex128 if complex128 in (a, b) or b is float64 else complex64
    if a.category != b.category:
        return a
    if a.category == FLOATING:
        if {a, b} == {float16, bfloat16}:
            return float32
        return a if a.itemsize >= b.itemsize else b
    return BY_NUMPY[np.promote_types(a.np, b.np)]


# Operand tiers for result_type
DIMENSIONED, ZERO_DIM, SCALAR = 0, 1, 2
_PROMOTION_CACHE = {}


def _scalar_dtype(value):
    if isinstance(value, builtins.bool):
        return bool
    if isinstance(value, builtins.int):
        return int64
    if isinstance(value, builtins.complex):
        return default_complex_dtype()
    return _default_float


def _combine(operands):
    """operands: (dtype, tier) pairs. torch's three-tier promotion."""
    best = [None, None, None]
    for d, tier in operands:
        best[tier] = d if best[tier] is None else promote_types(best[tier], d)
    result = None
    for tier in (DIMENSIONED, ZERO_DIM, SCALAR):
        d = best[tier]
        if d is None:
            continue
        if result is None:
            result = d
        elif d.category > result.category:
            if tier == SCALAR:  # a Python scalar of a higher category takes the default type
                d = _default_float if d.category == FLOATING else d
            if d.is_complex and result.category == FLOATING:  # float64 + 1j is complex128
                d = result.to_complex()
            result = d
    return result


def promote2(a_dtype, a_tier, b_dtype, b_tier):
    """Cached result type of a binary op; the hot path of every arithmetic op."""
    key = (a_dtype, a_tier, b_dtype, b_tier)
    result = _PROMOTION_CACHE.get(key)
    if result is None:
        result = _PROMOTION_CACHE[key] = _combine(((a_dtype, a_tier), (b_dtype, b_tier)))
    return result


def operand_type(value):
    """(dtype, tier) of a Tensor or Python scalar taking part in promotion."""
    data = getattr(value, "_data", None)
    if data is not None:
        return BY_NUMPY[data.dtype], (ZERO_DIM if data.ndim == 0 else DIMENSIONED)
    if isinstance(value, (builtins.bool, builtins.int, builtins.float, builtins.complex,
                          np.number, np.bool_)):
        if isinstance(value, np.generic):
            value = value.item()
        return _scalar_dtype(value), SCALAR
    raise TypeError(f"expected a Tensor or a number, got {type(value).__name__}")


def result_type(tensor, other):
    """The dtype an arithmetic op on these two operands returns, as torch.result_type.

    Example:
        >>> ember.result_type(ember.tensor([1, 2]), 1.0)
        ember.float32
    """
    return promote2(*operand_type(tensor), *operand_type(other))


def promote_operands(*values):
    """The result dtype of an op on several operands (Tensors or numbers; None is skipped)."""
    return _combine([operand_type(v) for v in values if v is not None])


def can_cast(from_, to):
    """Whether an op may write a `from_` result into a `to` tensor (in place or out=), as
    torch.can_cast: never to a lower category (float -> integer, integer -> bool)."""
    return to_dtype(from_).category <= to_dtype(to).category


class finfo:
    """Machine limits of a floating-point dtype (the default dtype when none is given), as
    torch.finfo: bits, eps, max, min, tiny (= smallest_normal), resolution, dtype (its name).

    Example:
        >>> ember.finfo(ember.float16).max
        65504.0
    """

    def __init__(self, type=None):
        type = get_default_dtype() if type is None else type
        if isinstance(type, dtype) and type.is_complex:  # a complex dtype's parts
            type = type.to_real()
        if not isinstance(type, dtype) or type.category != FLOATING:
            raise TypeError(f"ember.finfo() requires a floating point input type, got {type}. "
                            f"Use ember.iinfo for integer types.")
        info = ml_dtypes.finfo(type.np) if type is bfloat16 else np.finfo(type.np)
        self.bits = type.itemsize * 8
        self.eps = builtins.float(info.eps)
        self.max = builtins.float(info.max)
        self.min = builtins.float(info.min)
        self.tiny = self.smallest_normal = builtins.float(info.smallest_normal)
        self.resolution = 10.0 ** -builtins.int(info.precision)
        self.dtype = type.name

    def __eq__(self, other):
        return isinstance(other, finfo) and other.dtype == self.dtype

    def __hash__(self):
        return hash(("finfo", self.dtype))

    def __repr__(self):
        return (f"finfo(resolution={self.resolution:g}, min={self.min:g}, max={self.max:g}, "
                f"eps={self.eps:g}, smallest_normal={self.tiny:g}, tiny={self.tiny:g}, "
                f"dtype={self.dtype})")


class iinfo:
    """Limits of an integer dtype, as torch.iinfo: bits, min, max, dtype (its name).

    Example:
        >>> ember.iinfo(ember.uint8).max
        255
    """

    def __init__(self, type):
        if type is bool:
            raise TypeError("ember.bool is not supported by ember.iinfo")
        if not isinstance(type, dtype) or type.category != INTEGER:
            raise TypeError(f"ember.iinfo() requires an integer input type, got {type}. "
                            f"Use ember.finfo for floating point types.")
        self.bits = type.itemsize * 8
        self.min, self.max = INT_RANGE[type.np]
        self.dtype = type.name

    def __eq__(self, other):
        return isinstance(other, iinfo) and other.dtype == self.dtype

    def __hash__(self):
        return hash(("iinfo", self.dtype))

    def __repr__(self):
        return f"iinfo(min={self.min:g}, max={self.max:g}, dtype={self.dtype})"
