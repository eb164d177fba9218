"""Making tensors: from data, filled with a value, ranges, identity matrices, DLPack.

Each function makes its array on the backend of its `device` argument (`_target`). Ranges
(arange, linspace) are computed in the precision torch's scalar kernels use; where torch's
vectorised kernels round differently, the results may differ in the last bit.
"""
import builtins
import math

import numpy as np

from .. import _dtype
from .._tensor import Size, Tensor
from ..backend import backend_for_device
from .._settings import get_default_device
from ..backend.device import device as Device
from .layout import check_layout, pinned

__all__ = [
    "tensor", "as_tensor", "asarray", "from_numpy", "from_dlpack", "zeros", "ones", "full",
    "empty", "zeros_like", "ones_like", "full_like", "empty_like", "arange", "range",
    "linspace", "logspace", "eye", "scalar_tensor", "size_args",
    # torch's legacy typed constructors
    "FloatTensor", "DoubleTensor", "HalfTensor", "BFloat16Tensor", "LongTensor", "IntTensor",
    "ShortTensor", "CharTensor", "ByteTensor", "BoolTensor",
]


def size_args(size, op_name):
    """(2, 3), ((2, 3),) and ([2, 3],) all mean the shape (2, 3)."""
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = tuple(size[0])
    shape = []
    for s in size:
        if isinstance(s, Tensor):
            s = s.item()
        if not isinstance(s, (builtins.int, np.integer)) or isinstance(s, builtins.bool):
            raise TypeError(
                f"{op_name}(): argument 'size' must be tuple of ints, but found element of type "
                f"{type(s).__name__}")
        if s < 0:
            raise RuntimeError(
                f"{op_name}: Trying to create tensor with negative dimension {s}: "
                f"{list(size)}")
        shape.append(builtins.int(s))
    return tuple(shape)


def _sizes(args, size, op_name):
    """The shape from varargs or from size= (torch accepts both)."""
    if size is not None:
        if args:
            raise TypeError(f"{op_name}() got multiple values for argument 'size'")
        args = (size,)
    return size_args(args, op_name)


def _target(device):
    """The backend and device a creation function makes its array on."""
    device = get_default_device() if device is None else Device(device)
    return backend_for_device(device), device


def _finish(array, requires_grad):
    out = Tensor._make(array)
    if requires_grad:
        out.requires_grad_(True)
    return out


def _dtype_or_default(dtype):
    return _dtype.get_default_dtype() if dtype is None else _dtype.to_dtype(dtype)


# -- from data ----------------------------------------------------------------------------

def _leaf_dtype(item):
    """The dtype one element of nested data asks for (torch's infer_scalar_type)."""
    if isinstance(item, Tensor):
        return item.dtype
    if isinstance(item, (np.ndarray, np.generic)):  # before float: np.float64 is a float
        return _dtype.from_numpy_dtype(item.dtype)
    if isinstance(item, builtins.bool):
        return _dtype.bool
    if isinstance(item, builtins.int):
        return _dtype.int64
    if isinstance(item, builtins.float):
        return _dtype.get_default_dtype()
    if isinstance(item, complex):
        return _dtype.default_complex_dtype()
    if isinstance(item, (str, bytes)):
        raise TypeError(f"new(): invalid data type '{type(item).__name__}'")
    raise RuntimeError(f"Could not infer dtype of {type(item).__name__}")


def _infer_dtype(data):
    """torch's dtype for nested data: the promotion of every element's dtype, where Python
    floats count as the default dtype, ints as int64 and numpy values and tensors as their own
    dtype; empty data gives the default dtype."""
    result = None
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, (list, tuple)):
            stack.extend(item)
            continue
        found = _leaf_dtype(item)
        result = found if result is None else _dtype.promote_types(result, found)
    return result or _dtype.get_default_dtype()


def _scalars_from_tensors(data):
    """Nested data with its tensors replaced by Python numbers; torch takes only
    one-element tensors inside sequences."""
    if isinstance(data, Tensor):
        if data._data.size != 1:
            raise ValueError("only one element tensors can be converted to Python scalars")
        return data.item()
    if isinstance(data, (list, tuple)):
        return [_scalars_from_tensors(x) for x in data]
    return data


def _has_tensor(data):
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, Tensor):
            return True
        if isinstance(item, (list, tuple)):
            stack.extend(item)
    return False


def _ragged_message(data):
    """torch's message for nested sequences of uneven lengths, or None if they are even."""
    def shape_of(item):
        return [len(item)] + shape_of(item[0]) if isinstance(item, (list, tuple)) and item \
            else ([0] if isinstance(item, (list, tuple)) else [])
    expected = shape_of(data)

    def walk(item, dim):
        if dim >= len(expected):
            if isinstance(item, (list, tuple)):
                return "too many dimensions"
            return None
        if not isinstance(item, (list, tuple, np.ndarray)):
            return "not a sequence"
        if len(item) != expected[dim]:
            return f"expected sequence of length {expected[dim]} at dim {dim} (got {len(item)})"
        for sub in item:
            message = walk(sub, dim + 1)
            if message:
                return message
        return None
    return walk(data, 0)


def _convert(data, dtype, explicit):
    """np.array(data, dtype) with torch's errors for ragged data and out-of-range values."""
    try:
        if dtype.np == np.float16:  # Python floats are doubles: see _dtype.cast_array
            return _dtype.cast_array(np.array(data, dtype=np.float64), dtype.np)
        return np.array(data, dtype=dtype.np)
    except (ValueError, OverflowError, TypeError) as error:
        message = _ragged_message(data) if isinstance(data, (list, tuple)) else None
        if message:
            raise (TypeError if message == "not a sequence" else ValueError)(message) from None
        if isinstance(error, TypeError) and _infer_dtype(data).is_complex:  # torch's words
            raise TypeError("'complex' object cannot be interpreted as an integer"
                            if dtype.category == _dtype.INTEGER else
                            "must be real number, not complex") from None
        if dtype.category == _dtype.INTEGER and isinstance(error, OverflowError):
            wrapped = _wrap_integers(data, dtype)
            if wrapped is not None:
                return wrapped
        if not explicit and isinstance(error, OverflowError):
            raise ValueError(f"Overflow when unpacking long long: {error}") from None
        raise RuntimeError(f"value cannot be converted to type {dtype.name} without overflow "
                           f"({error})") from None


def _wrap_integers(data, dtype):
    """Integers torch stores with wrap-around (-1 as uint8 is 255); None if out of range."""
    try:
        values = np.array(data, dtype=np.int64)
    except (ValueError, OverflowError):
        return None
    info = np.iinfo(dtype.np)
    lowest = -builtins.int(info.max) if info.min == 0 else builtins.int(info.min)
    if values.size and (values.min() < lowest or values.max() > info.max):
        return None
    return values.astype(dtype.np)


def _host_array(data, dtype):
    """A new numpy array holding `data` in `dtype` (None: torch's inference)."""
    if isinstance(data, Tensor):
        array = data._host_array()
        return _dtype.cast_array(array, array.dtype if dtype is None else dtype.np)  # copies
    if isinstance(data, np.ndarray):
        source = _dtype.from_numpy_dtype(data.dtype)
        return _dtype.cast_array(data, (dtype or source).np)
    explicit = dtype is not None
    if dtype is None:
        dtype = _infer_dtype(data)
    if isinstance(data, (list, tuple)) and _has_tensor(data):
        data = _scalars_from_tensors(data)
    return _convert(data, dtype, explicit)


def tensor(data, *, dtype=None, device=None, requires_grad=False, pin_memory=False):
    """A new tensor holding a copy of `data`: a number, nested lists or tuples of numbers, a
    numpy array or a tensor.

    The dtype, unless given, follows torch: bools give bool, ints int64, floats the default
    dtype, numpy values and tensors their own dtype; mixed data takes the promoted dtype.

    Example:
        >>> ember.tensor([[1, 2], [3, 4]]).dtype
        ember.int64
        >>> ember.tensor([1, 2.5])
        tensor([1.0000, 2.5000])
    """
    dtype = None if dtype is None else _dtype.to_dtype(dtype)
    backend, device = _target(device)
    array = _host_array(data, dtype)
    if not array.flags.c_contiguous:
        array = np.ascontiguousarray(array) if array.ndim else array.copy()
    return pinned(_finish(backend.to_device(array, device), requires_grad), pin_memory)


def as_tensor(data, dtype=None, device=None):
    """Like tensor(), but shares memory with a numpy array or tensor when no conversion is
    needed.

    Example:
        >>> array = np.zeros(2); ember.as_tensor(array)[0] = 1.0; array.tolist()
        [1.0, 0.0]
    """
    dtype = None if dtype is None else _dtype.to_dtype(dtype)
    if isinstance(data, Tensor):
        return data.to(dtype=dtype, device=device)
    if isinstance(data, np.ndarray) and (device is None or Device(device).type == "cpu"):
        source = _dtype.from_numpy_dtype(data.dtype)
        if dtype is None or dtype is source:
            return Tensor._make(data if source.np == data.dtype else data.astype(source.np))
    backend, device = _target(device)
    return Tensor._make(backend.to_device(_host_array(data, dtype), device))


def asarray(obj, *, dtype=None, device=None, copy=None, requires_grad=False):
    """A tensor from obj (a tensor, a numpy array, an object with DLPack or the buffer
    protocol, or nested data), sharing memory unless copy=True or a conversion is needed;
    copy=False raises when sharing is impossible."""
    dtype = None if dtype is None else _dtype.to_dtype(dtype)
    if not isinstance(obj, (Tensor, np.ndarray, list, tuple, builtins.int, builtins.float,
                            builtins.bool, np.generic)) and hasattr(obj, "__dlpack__"):
        obj = from_dlpack(obj)
    elif isinstance(obj, memoryview) or (hasattr(obj, "__array_interface__")
                                         and not isinstance(obj, (Tensor, np.ndarray))):
        obj = np.asarray(obj)
    if copy:
        out = tensor(obj, dtype=dtype, device=device)
    else:
        out = as_tensor(obj, dtype=dtype, device=device)
        if copy is False and not _shares_memory(out, obj):
            raise ValueError("asarray(): can't avoid a copy: obj needs a conversion (dtype or "
                             "device) or isn't an array; pass copy=None or copy=True")
    if requires_grad:
        out = out.detach() if out.grad_fn is not None else out
        out.requires_grad_(True)
    return out


def _shares_memory(out, obj):
    source = obj._data if isinstance(obj, Tensor) else obj
    if not isinstance(source, type(out._data)):
        return False
    return out._data is source or np.shares_memory(out._data, source)


def from_numpy(ndarray):
    """A tensor sharing memory with a numpy array (changes to one show in the other)."""
    if not isinstance(ndarray, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(ndarray).__name__})")
    return Tensor._make(ndarray if ndarray.dtype in _dtype.BY_NUMPY else ndarray.astype(
        _dtype.from_numpy_dtype(ndarray.dtype).np))


class _Capsule:
    """A bare DLPack capsule (from torch.utils.dlpack.to_dlpack) dressed as an exporter."""

    def __init__(self, capsule):
        self.capsule = capsule

    def __dlpack__(self, **kwargs):
        return self.capsule

    def __dlpack_device__(self):
        return (1, 0)


def from_dlpack(ext_tensor, *, device=None, copy=None):
    """A tensor sharing memory with any DLPack exporter: numpy, torch, cupy, jax tensors (or
    a raw DLPack capsule); on `device` when given, and a copy when copy=True (copy=False
    refuses to move it to another device).

    Example:
        >>> t = ember.from_dlpack(np.arange(3.0)); t
        tensor([0., 1., 2.], dtype=ember.float64)
    """
    if type(ext_tensor).__name__ == "PyCapsule":
        ext_tensor = _Capsule(ext_tensor)
    if not hasattr(ext_tensor, "__dlpack__"):
        raise TypeError(f"from_dlpack(): expected an object with __dlpack__, got "
                        f"{type(ext_tensor).__name__}")
    device_type, _ = ext_tensor.__dlpack_device__()
    if device_type == 1:  # kDLCPU
        result = Tensor._make(np.from_dlpack(ext_tensor))
    else:
        backend, _ = _target("cuda")
        result = Tensor._make(backend.xp.from_dlpack(ext_tensor))
    moved = device is not None and Device(device) != result.device
    if moved and copy is False:
        raise ValueError(f"from_dlpack(): cannot move the tensor from {result.device} to "
                         f"{Device(device)} without copying. Set copy=None or copy=True.")
    if moved:
        result = result.to(device)
    return result.clone() if copy and not moved else result


def scalar_tensor(s, *, dtype=None, device=None, requires_grad=False, layout=None,
                  pin_memory=False):
    """A 0-d tensor holding s, in the default float dtype unless given."""
    return full((), s, dtype=_dtype_or_default(dtype), layout=layout, device=device,
                requires_grad=requires_grad, pin_memory=pin_memory)


# -- filled -------------------------------------------------------------------------------

def _filled(shape, fill, dtype, device, requires_grad):
    backend, device = _target(device)
    # to_device: the array module allocates on its current GPU; 'cuda:1' may name another
    return _finish(backend.to_device(backend.xp.full(shape, fill, dtype=dtype.np), device),
                   requires_grad)


def zeros(*size, out=None, dtype=None, layout=None, device=None, requires_grad=False,
          pin_memory=False, memory_format=None, **kwargs):
    """A tensor of zeros; the size as varargs (2, 3), a tuple ((2, 3)) or size=(2, 3).

    Example:
        >>> ember.zeros(2, 3).shape == ember.zeros((2, 3)).shape == (2, 3)
        True
    """
    shape = _sizes(size, kwargs.pop("size", None), "zeros")
    _no_extra(kwargs, "zeros")
    result = _filled(shape, 0, _dtype_or_default(dtype), device, requires_grad)
    return _made(result, out, layout, pin_memory, "zeros")


def ones(*size, out=None, dtype=None, layout=None, device=None, requires_grad=False,
         pin_memory=False, memory_format=None, **kwargs):
    """A tensor of ones; the size as varargs, a tuple, or size=."""
    shape = _sizes(size, kwargs.pop("size", None), "ones")
    _no_extra(kwargs, "ones")
    result = _filled(shape, 1, _dtype_or_default(dtype), device, requires_grad)
    return _made(result, out, layout, pin_memory, "ones")


def empty(*size, out=None, dtype=None, layout=None, device=None, requires_grad=False,
          pin_memory=False, memory_format=None, **kwargs):
    """A tensor whose values are whatever the memory held; the size as in zeros."""
    shape = _sizes(size, kwargs.pop("size", None), "empty")
    _no_extra(kwargs, "empty")
    backend, device = _target(device)
    array = backend.xp.empty(shape, dtype=_dtype_or_default(dtype).np)
    result = _finish(backend.to_device(array, device), requires_grad)  # see _filled
    return _made(result, out, layout, pin_memory, "empty")


def _no_extra(kwargs, op_name):
    if kwargs:
        raise TypeError(f"{op_name}() got an unexpected keyword argument '{next(iter(kwargs))}'")


def _write(out, result):
    from .elementwise import _write_out
    return _write_out(out, result)


def _made(result, out, layout, pin_memory, op_name):
    """result written into out, or checked against layout= and pinned if pin_memory."""
    if layout is not None:
        check_layout(layout, op_name)
    if out is not None:
        return _write(out, result)
    return pinned(result, pin_memory)


def full(size, fill_value, *, out=None, dtype=None, layout=None, device=None,
         requires_grad=False, pin_memory=False):
    """A tensor filled with fill_value, whose type gives the dtype unless dtype is given
    (bool, int64 or the default float).

    Example:
        >>> ember.full((2,), 7)
        tensor([7, 7])
    """
    if isinstance(fill_value, Tensor):
        fill_value = fill_value.item()
    dtype = _leaf_dtype(fill_value) if dtype is None else _dtype.to_dtype(dtype)
    fill_value = _dtype.real_number(fill_value, dtype)
    if dtype.category == _dtype.INTEGER:
        fill_value = np.asarray(fill_value).astype(dtype.np)[()]  # -1 as uint8 is 255, as torch
    result = _filled(size_args((size,), "full"), fill_value, dtype, device, requires_grad)
    return _made(result, out, layout, pin_memory, "full")


def _like(input, dtype, device):
    return (input.dtype if dtype is None else dtype,
            input.device if device is None else device)


def zeros_like(input, *, dtype=None, layout=None, device=None, requires_grad=False,
               memory_format=None, pin_memory=False):
    """zeros with input's shape, and its dtype and device unless given."""
    dtype, device = _like(input, dtype, device)
    return zeros(input.shape, dtype=dtype, layout=layout, device=device,
                 requires_grad=requires_grad, pin_memory=pin_memory)


def ones_like(input, *, dtype=None, layout=None, device=None, requires_grad=False,
              memory_format=None, pin_memory=False):
    """ones with input's shape, and its dtype and device unless given."""
    dtype, device = _like(input, dtype, device)
    return ones(input.shape, dtype=dtype, layout=layout, device=device,
                requires_grad=requires_grad, pin_memory=pin_memory)


def empty_like(input, *, dtype=None, layout=None, device=None, requires_grad=False,
               memory_format=None, pin_memory=False):
    """empty with input's shape, and its dtype and device unless given."""
    dtype, device = _like(input, dtype, device)
    return empty(input.shape, dtype=dtype, layout=layout, device=device,
                 requires_grad=requires_grad, pin_memory=pin_memory)


def full_like(input, fill_value, *, dtype=None, layout=None, device=None, requires_grad=False,
              memory_format=None, pin_memory=False):
    """full with input's shape, and its dtype and device unless given."""
    dtype, device = _like(input, dtype, device)
    return full(input.shape, fill_value, dtype=dtype, layout=layout, device=device,
                requires_grad=requires_grad, pin_memory=pin_memory)


# -- ranges -------------------------------------------------------------------------------

def _number(value):
    return value.item() if isinstance(value, Tensor) else value


def _trunc_div(a, b):
    """C's integer division (toward zero)."""
    quotient = builtins.abs(a) // builtins.abs(b)
    return quotient if (a >= 0) == (b > 0) else -quotient


def arange(start=0, end=None, step=1, *, out=None, dtype=None, layout=None, device=None,
           requires_grad=False, pin_memory=False):
    """Values from start (inclusive) to end (exclusive) by step.

    ceil((end - start) / step) values, each start + i * step computed as torch does (in
    float64 for float32 and float64, in float32 for half types, in int64 with start, end and
    step truncated for int64). Integer arguments give int64, any float one the default dtype.

    Example:
        >>> ember.arange(1, 2.5, 0.5)
        tensor([1.0000, 1.5000, 2.0000])
    """
    if end is None:
        start, end = 0, start
    start, end, step = (_dtype.real_number(_number(v), _dtype.float64)
                        for v in (start, end, step))
    if dtype is None and isinstance(out, Tensor):  # torch computes in out's dtype then
        dtype = out.dtype
    if dtype is None:
        is_float = any(isinstance(v, (builtins.float, np.floating)) for v in (start, end, step))
        dtype = _dtype.get_default_dtype() if is_float else _dtype.int64
    dtype = _dtype.to_dtype(dtype)
    _no_complex_range("arange", dtype)
    for value in (start, end):
        if not math.isfinite(value):
            raise RuntimeError(f"unsupported range: {start} -> {end}")
    if step == 0:
        raise RuntimeError("step must be nonzero")
    if not ((step > 0 and end >= start) or (step < 0 and end <= start)):
        raise RuntimeError(f"upper bound and lower bound inconsistent with step sign (arange "
                           f"from {start} to {end} by {step})")
    if dtype.category != _dtype.FLOATING:
        x_start, x_end, x_step = (builtins.int(v) for v in (start, end, step))
        if dtype is _dtype.int64:
            if x_step == 0:
                raise ValueError(f"step must be nonzero (step {step} truncates to 0 in int64)")
            sign = 1 if x_step > 0 else -1
            count = _trunc_div(x_end - x_start + x_step - sign, x_step)
        else:
            count = math.ceil((end - start) / step)
        values = x_start + np.arange(builtins.max(count, 0), dtype=np.int64) * x_step
    else:
        count = builtins.max(math.ceil((end - start) / step), 0)
        compute = np.float64 if dtype.itemsize >= 4 else np.float32
        values = compute(start) + np.arange(count, dtype=compute) * compute(step)
    backend, device = _target(device)
    result = _finish(backend.to_device(values.astype(dtype.np), device), requires_grad)
    return _made(result, out, layout, pin_memory, "arange")


def _no_complex_range(op_name, dtype):
    if dtype.is_complex:
        raise NotImplementedError(
            f"\"{op_name}\" not implemented for '{_dtype.scalar_type_name(dtype)}': make the "
            f"values real, then convert them with .to({dtype})")


def range(start=0, end=None, step=1, *, out=None, dtype=None, layout=None, device=None,
          requires_grad=False, pin_memory=False):
    """Deprecated in torch (use arange): values from start to end *inclusive* by step, in
    the default float dtype."""
    if end is None:
        start, end = 0, start
    count = builtins.int(math.floor((end - start) / step)) + 1
    dtype = _dtype_or_default(dtype)
    _no_complex_range("range", dtype)
    array = (start + np.arange(count, dtype=np.float64) * step).astype(dtype.np)
    backend, device = _target(device)
    result = _finish(backend.to_device(array, device), requires_grad)
    return _made(result, out, layout, pin_memory, "range")


_WIDER = {_dtype.float32: np.float64, _dtype.float64: np.longdouble,
          _dtype.complex64: np.complex128, _dtype.complex128: np.clongdouble}


def _range_dtype(op_name, start, end, dtype):
    """linspace's and logspace's dtype: the default float or complex one (when an endpoint is
    complex) unless given; a complex endpoint needs a complex dtype."""
    inferred = (_dtype.default_complex_dtype() if isinstance(start, complex)
                or isinstance(end, complex) else _dtype.get_default_dtype())
    if dtype is None:
        return inferred
    dtype = _dtype.to_dtype(dtype)
    if inferred.is_complex and not dtype.is_complex:
        raise RuntimeError(
            f"{op_name}(): inferred dtype {_dtype.scalar_type_name(inferred)} can't be safely "
            f"cast to passed dtype {_dtype.scalar_type_name(dtype)}; pass a complex dtype")
    return dtype


def _linspace_values(start, end, steps, dtype):
    """torch's linspace kernel: start + step * i for the first half, end - step * (steps-1-i)
    for the second, in the dtype's own arithmetic (doubles for integer dtypes)."""
    index = np.arange(steps)
    half = steps // 2
    if dtype.category < _dtype.FLOATING:
        start, end = builtins.int(start), builtins.int(end)  # truncated, as torch converts
        step = np.longdouble((end - start) / (steps - 1) if steps > 1 else 0.0)
        # start + step * i is a fused multiply-add in double (see below)
        values = np.where(index < half, start + step * index, end - step * (steps - 1 - index))
        return np.trunc(values.astype(np.float64))
    if dtype.itemsize == 2:
        # Half arithmetic rounds every intermediate to the dtype
        def rounded(array):
            return np.asarray(array, dtype=np.float32).astype(dtype.np).astype(np.float32)
        first, last = rounded(start), rounded(end)
        step = rounded((last - first) / np.float32(builtins.max(steps - 1, 1)))
        low = rounded(first + rounded(step * rounded(index)))
        high = rounded(last - rounded(step * rounded(steps - 1 - index)))
        return np.where(index < half, low, high)
    # float32/float64 (and their complex dtypes): the step is rounded to the dtype;
    # start + step * i is one fused multiply-add (one rounding), emulated in a wider type
    narrow = dtype.np.type
    wide = _WIDER[dtype]
    first, last = narrow(start), narrow(end)
    step = wide((last - first) / dtype.to_real().np.type(builtins.max(steps - 1, 1)))
    low = wide(first) + step * index
    high = wide(last) - step * (steps - 1 - index)
    return np.where(index < half, low, high)


def linspace(start, end, steps, *, out=None, dtype=None, layout=None, device=None,
             requires_grad=False, pin_memory=False):
    """`steps` evenly spaced values from start to end, both included.

    Example:
        >>> ember.linspace(0, 1, 5)
        tensor([0.0000, 0.2500, 0.5000, 0.7500, 1.0000])
    """
    start, end = _number(start), _number(end)
    if not isinstance(steps, (builtins.int, np.integer)) or isinstance(steps, builtins.bool):
        raise TypeError(f"linspace(): argument 'steps' must be int, not {type(steps).__name__}")
    if steps < 0:
        raise RuntimeError(f"number of steps must be non-negative (linspace got steps={steps})")
    dtype = _range_dtype("linspace", start, end, dtype)
    values = _linspace_values(start, end, steps, dtype)
    if steps == 1:
        values = np.full(1, start)
    backend, device = _target(device)
    result = _finish(backend.to_device(values.astype(dtype.np), device), requires_grad)
    return _made(result, out, layout, pin_memory, "linspace")


def logspace(start, end, steps, base=10.0, *, out=None, dtype=None, layout=None, device=None,
             requires_grad=False, pin_memory=False):
    """base ** linspace(start, end, steps), with the exponents in float64 as torch (in the
    complex dtype itself for a complex one)."""
    start, end = _number(start), _number(end)
    if not isinstance(steps, (builtins.int, np.integer)) or isinstance(steps, builtins.bool):
        raise TypeError(f"logspace(): argument 'steps' must be int, not {type(steps).__name__}")
    if steps < 0:
        raise RuntimeError(f"number of steps must be non-negative (logspace got steps={steps})")
    dtype = _range_dtype("logspace", start, end, dtype)
    compute = dtype.np if dtype.is_complex else np.dtype(np.float64)
    first, last = (np.asarray(v).astype(dtype.np).astype(compute) for v in (start, end))
    index = np.arange(steps, dtype=compute)
    step = (last - first) / compute.type(steps - 1) if steps > 1 else 0.0
    exponents = np.where(index < steps // 2, first + step * index,
                         last - step * (steps - 1 - index))
    if steps == 1:
        exponents = first.reshape(1)
    values = np.power(compute.type(builtins.float(base)), exponents)
    backend, device = _target(device)
    result = _finish(backend.to_device(values.astype(dtype.np), device), requires_grad)
    return _made(result, out, layout, pin_memory, "logspace")


def eye(n, m=None, *, out=None, dtype=None, layout=None, device=None, requires_grad=False,
        pin_memory=False):
    """An n x m (default n x n) matrix with ones on the diagonal.

    Example:
        >>> ember.eye(2)
        tensor([[1., 0.],
                [0., 1.]])
    """
    if n < 0:
        raise RuntimeError(f"n must be greater or equal to 0, got {n}")
    if m is not None and m < 0:
        raise RuntimeError(f"m must be greater or equal to 0, got {m}")
    backend, device = _target(device)
    array = backend.xp.eye(n, n if m is None else m, dtype=_dtype_or_default(dtype).np)
    result = _finish(backend.to_device(array, device), requires_grad)  # see _filled
    return _made(result, out, layout, pin_memory, "eye")


def legacy_tensor(cls, args, device, dtype=None):
    """`ember.Tensor(2, 3)` or `ember.Tensor(ember.Size([2, 3]))` (uninitialised sizes),
    `ember.Tensor([1, 2])` (data), `ember.Tensor(t)` (t itself) or `ember.Tensor()` (empty),
    in `dtype`: the default dtype unless a legacy type (`ember.LongTensor`) or `Tensor.new`
    names one, which a tensor passed in must then already have."""
    if len(args) == 1 and isinstance(args[0], Tensor):
        out = args[0]
        if dtype is not None and out.dtype is not dtype:
            # torch's legacy constructors never convert a tensor
            raise TypeError(f"expected a tensor of dtype {dtype} (got {out.dtype}); convert it "
                            f"with .to({dtype}) first")
        return out
    dtype = dtype or _dtype.get_default_dtype()
    if not args:
        out = empty(0, dtype=dtype)
    elif len(args) == 1 and not isinstance(args[0], (builtins.int, np.integer, Size)):
        out = tensor(args[0], dtype=dtype)
    else:
        out = empty(*args, dtype=dtype)
    if device is not None:
        out = out.to(device)
    if cls is not Tensor:
        return cls._from_tensor(out)
    return out


class _LegacyTensorType(type):
    """The type of `ember.FloatTensor` and its kin: calling one makes a CPU tensor of its
    dtype as `ember.Tensor(...)` does, and `isinstance(t, ember.FloatTensor)` asks whether `t`
    is a float32 tensor on the CPU (as torch's `tensortype` does; they are not subclasses of
    Tensor)."""

    def __call__(cls, *args, device=None):
        return legacy_tensor(Tensor, args, device, cls.dtype)

    def __instancecheck__(cls, obj):
        return isinstance(obj, Tensor) and obj.dtype is cls.dtype and obj.device.type == "cpu"

    def __repr__(cls):
        return f"<class 'ember.{cls.__name__}'>"


def _legacy_type(name, dtype):
    return _LegacyTensorType(name, (), {"dtype": dtype, "is_cuda": False, "__module__": "ember"})


FloatTensor = _legacy_type("FloatTensor", _dtype.float32)
DoubleTensor = _legacy_type("DoubleTensor", _dtype.float64)
HalfTensor = _legacy_type("HalfTensor", _dtype.float16)
BFloat16Tensor = _legacy_type("BFloat16Tensor", _dtype.bfloat16)
LongTensor = _legacy_type("LongTensor", _dtype.int64)
IntTensor = _legacy_type("IntTensor", _dtype.int32)
ShortTensor = _legacy_type("ShortTensor", _dtype.int16)
CharTensor = _legacy_type("CharTensor", _dtype.int8)
ByteTensor = _legacy_type("ByteTensor", _dtype.uint8)
BoolTensor = _legacy_type("BoolTensor", _dtype.bool)


def _new(self, *args, device=None):
    """`x.new(...)`: `ember.Tensor(...)`'s forms in x's dtype, on x's device unless `device`
    names another."""
    return legacy_tensor(Tensor, args, device or self.device, self.dtype)


Tensor.new = _new
