"""Making tensors: from data, filled with a value, ranges, identity matrices."""
import builtins
import math

import numpy as np

from .. import _dtype
from .._tensor import Tensor
from ..backend import backend_for_device
from ..backend.device import CPU
from ..backend.device import device as Device

__all__ = [
    "tensor", "as_tensor", "asarray", "from_numpy", "from_dlpack", "zeros", "ones", "full",
    "empty", "zeros_like", "ones_like", "full_like", "empty_like", "arange", "range",
    "linspace", "logspace", "eye", "scalar_tensor", "size_args",
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


def _target(device):
    """The backend and device a creation function makes its array on."""
    device = CPU if device is None else Device(device)
    return backend_for_device(device), device


def _finish(array, requires_grad):
    out = Tensor._make(array)
    if requires_grad:
        out.requires_grad_(True)
    return out


def _infer_dtype(data):
    """torch's dtype for nested Python data: bool < int64 < default float."""
    kind = _dtype.BOOL
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, (list, tuple)):
            stack.extend(item)
        elif isinstance(item, Tensor):
            if item.dtype.category >= kind:
                return item.dtype if item.dtype.category == _dtype.FLOATING else _dtype.int64
        elif isinstance(item, np.ndarray):
            return _dtype.from_numpy_dtype(item.dtype)
        elif isinstance(item, (builtins.bool, np.bool_)):
            continue
        elif isinstance(item, (builtins.int, np.integer)):
            kind = builtins.max(kind, _dtype.INTEGER)
        elif isinstance(item, (builtins.float, np.floating)):
            kind = _dtype.FLOATING
        elif isinstance(item, complex):
            raise TypeError("ember has no complex dtypes")
        else:
            raise TypeError(f"Could not infer dtype of {type(item).__name__}")
    return {_dtype.BOOL: _dtype.bool, _dtype.INTEGER: _dtype.int64,
            _dtype.FLOATING: _dtype.get_default_dtype()}[kind]


def _host_array(data, dtype):
    """A numpy array of `data` in `dtype` (None: torch's inference)."""
    if isinstance(data, Tensor):
        array = data._host_array()
        return array if dtype is None else array.astype(dtype.np)
    if isinstance(data, np.ndarray):
        source = _dtype.from_numpy_dtype(data.dtype)
        return data.astype((dtype or source).np)
    if isinstance(data, (list, tuple)) and any(isinstance(x, Tensor) for x in _flatten(data)):
        data = _tensors_to_lists(data)
    dtype = dtype or _infer_dtype(data)
    try:
        return np.array(data, dtype=dtype.np)
    except ValueError as error:
        raise ValueError(f"tensor(): could not build a tensor from the data: {error}") from None


def _flatten(data):
    for item in data:
        if isinstance(item, (list, tuple)):
            yield from _flatten(item)
        else:
            yield item


def _tensors_to_lists(data):
    if isinstance(data, Tensor):
        return data.tolist()
    if isinstance(data, (list, tuple)):
        return [_tensors_to_lists(x) for x in data]
    return data


def tensor(data, *, dtype=None, device=None, requires_grad=False, pin_memory=False):
    """A new tensor holding a copy of `data` (nested lists, numbers, numpy arrays, tensors).

    Example:
        >>> ember.tensor([[1, 2], [3, 4]]).dtype
        ember.int64
    """
    dtype = None if dtype is None else _dtype.to_dtype(dtype)
    backend, device = _target(device)
    array = _host_array(data, dtype)
    if isinstance(data, np.ndarray) and array is data:
        array = array.copy()
    return _finish(backend.to_device(np.ascontiguousarray(array), device), requires_grad)


def as_tensor(data, dtype=None, device=None):
    """Like tensor(), but shares memory with a numpy array or tensor when it can."""
    dtype = None if dtype is None else _dtype.to_dtype(dtype)
    if isinstance(data, Tensor):
        return data.to(dtype=dtype, device=device)
    if isinstance(data, np.ndarray) and (device is None or Device(device).type == "cpu"):
        source = _dtype.from_numpy_dtype(data.dtype)
        if dtype is None or dtype is source:
            return Tensor._make(data if source.np == data.dtype else data.astype(source.np))
    backend, device = _target(device)
    return Tensor._make(backend.to_device(_host_array(data, dtype), device))


asarray = as_tensor


def from_numpy(ndarray):
    """A tensor sharing memory with a numpy array."""
    if not isinstance(ndarray, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(ndarray).__name__})")
    return Tensor._make(ndarray if ndarray.dtype in _dtype.BY_NUMPY else ndarray.astype(
        _dtype.from_numpy_dtype(ndarray.dtype).np))


def from_dlpack(ext_tensor):
    """A tensor sharing memory with any object that speaks DLPack (numpy, torch, cupy)."""
    device_type, _ = ext_tensor.__dlpack_device__()
    if device_type == 1:  # kDLCPU
        return Tensor._make(np.from_dlpack(ext_tensor))
    backend, _ = _target("cuda")
    return Tensor._make(backend.xp.from_dlpack(ext_tensor))


def scalar_tensor(s, *, dtype=None, device=None, requires_grad=False):
    return full((), s, dtype=dtype or _dtype.get_default_dtype(), device=device,
                requires_grad=requires_grad)


def _filled(op_name, size, fill, dtype, device, requires_grad):
    shape = size_args(size, op_name)
    dtype = _dtype.get_default_dtype() if dtype is None else _dtype.to_dtype(dtype)
    backend, _ = _target(device)
    return _finish(backend.xp.full(shape, fill, dtype=dtype.np), requires_grad)


def zeros(*size, out=None, dtype=None, layout=None, device=None, requires_grad=False,
          pin_memory=False, memory_format=None):
    return _filled("zeros", size, 0, dtype, device, requires_grad)


def ones(*size, out=None, dtype=None, layout=None, device=None, requires_grad=False,
         pin_memory=False, memory_format=None):
    return _filled("ones", size, 1, dtype, device, requires_grad)


def empty(*size, out=None, dtype=None, layout=None, device=None, requires_grad=False,
          pin_memory=False, memory_format=None):
    shape = size_args(size, "empty")
    dtype = _dtype.get_default_dtype() if dtype is None else _dtype.to_dtype(dtype)
    backend, _ = _target(device)
    return _finish(backend.xp.empty(shape, dtype=dtype.np), requires_grad)


def full(size, fill_value, *, out=None, dtype=None, layout=None, device=None,
         requires_grad=False, pin_memory=False):
    if isinstance(fill_value, Tensor):
        fill_value = fill_value.item()
    if dtype is None:
        dtype = _infer_dtype(fill_value)
    return _filled("full", (size,), fill_value, dtype, device, requires_grad)


def _like(input, dtype, device):
    return (input.dtype if dtype is None else dtype,
            input.device if device is None else device)


def zeros_like(input, *, dtype=None, layout=None, device=None, requires_grad=False,
               memory_format=None):
    dtype, device = _like(input, dtype, device)
    return zeros(input.shape, dtype=dtype, device=device, requires_grad=requires_grad)


def ones_like(input, *, dtype=None, layout=None, device=None, requires_grad=False,
              memory_format=None):
    dtype, device = _like(input, dtype, device)
    return ones(input.shape, dtype=dtype, device=device, requires_grad=requires_grad)


def empty_like(input, *, dtype=None, layout=None, device=None, requires_grad=False,
               memory_format=None):
    dtype, device = _like(input, dtype, device)
    return empty(input.shape, dtype=dtype, device=device, requires_grad=requires_grad)


def full_like(input, fill_value, *, dtype=None, layout=None, device=None, requires_grad=False,
              memory_format=None):
    dtype, device = _like(input, dtype, device)
    return full(input.shape, fill_value, dtype=dtype, device=device,
                requires_grad=requires_grad)


def _number(value):
    return value.item() if isinstance(value, Tensor) else value


def arange(start=0, end=None, step=1, *, out=None, dtype=None, layout=None, device=None,
           requires_grad=False):
    """Values from start (inclusive) to end (exclusive) by step; float steps allowed.

    Integer arguments give int64, any float argument the default float dtype.
    """
    if end is None:
        start, end = 0, start
    start, end, step = _number(start), _number(end), _number(step)
    if step == 0:
        raise RuntimeError("arange: step must be nonzero")
    if (end - start) * step < 0:
        raise RuntimeError(
            f"arange: upper bound and larger bound inconsistent with step sign "
            f"(start={start}, end={end}, step={step})")
    if dtype is None:
        is_float = any(isinstance(v, (builtins.float, np.floating)) for v in (start, end, step))
        dtype = _dtype.get_default_dtype() if is_float else _dtype.int64
    dtype = _dtype.to_dtype(dtype)
    count = builtins.max(0, math.ceil((end - start) / step))
    backend, _ = _target(device)
    # computed as start + i * step in float64, as torch does, then cast
    values = start + np.arange(count, dtype=np.float64) * step
    array = values.astype(dtype.np) if dtype.is_floating_point else (
        np.arange(count, dtype=np.int64) * step + start).astype(dtype.np)
    return _finish(backend.to_device(array, _target(device)[1]), requires_grad)


def range(start=0, end=None, step=1, *, dtype=None, device=None, requires_grad=False):
    """Deprecated in torch: like arange but includes `end`; returns floats."""
    if end is None:
        start, end = 0, start
    count = builtins.int(math.floor((end - start) / step)) + 1
    dtype = _dtype.to_dtype(dtype) if dtype is not None else _dtype.get_default_dtype()
    array = (start + np.arange(count, dtype=np.float64) * step).astype(dtype.np)
    backend, device = _target(device)
    return _finish(backend.to_device(array, device), requires_grad)


def linspace(start, end, steps, *, out=None, dtype=None, layout=None, device=None,
             requires_grad=False):
    """`steps` evenly spaced values from start to end, both included."""
    start, end = _number(start), _number(end)
    if not isinstance(steps, (builtins.int, np.integer)) or steps < 0:
        raise RuntimeError(f"linspace: number of steps must be non-negative, got {steps}")
    dtype = _dtype.get_default_dtype() if dtype is None else _dtype.to_dtype(dtype)
    # torch fills the first half from start and the second half from end
    index = np.arange(steps, dtype=np.float64)
    step = (end - start) / (steps - 1) if steps > 1 else 0.0
    half = steps // 2
    values = np.where(index < half, start + step * index, end - step * (steps - 1 - index))
    if not dtype.is_floating_point:
        values = np.trunc(values)
    backend, device = _target(device)
    return _finish(backend.to_device(values.astype(dtype.np), device), requires_grad)


def logspace(start, end, steps, base=10.0, *, out=None, dtype=None, layout=None, device=None,
             requires_grad=False):
    """base ** linspace(start, end, steps)."""
    dtype = _dtype.get_default_dtype() if dtype is None else _dtype.to_dtype(dtype)
    exponents = linspace(start, end, steps, dtype=_dtype.float64)._data
    values = np.power(float(base), exponents)
    backend, device = _target(device)
    return _finish(backend.to_device(values.astype(dtype.np), device), requires_grad)


def eye(n, m=None, *, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    """An n x m matrix with ones on the diagonal."""
    if n < 0 or (m is not None and m < 0):
        raise RuntimeError(f"eye: n and m must be non-negative, got n={n}, m={m}")
    dtype = _dtype.get_default_dtype() if dtype is None else _dtype.to_dtype(dtype)
    backend, _ = _target(device)
    return _finish(backend.xp.eye(n, n if m is None else m, dtype=dtype.np), requires_grad)


def legacy_tensor(cls, args, device):
    """`ember.Tensor(2, 3)` (uninitialised sizes) or `ember.Tensor([1, 2])` (float data)."""
    dtype = _dtype.get_default_dtype()
    if len(args) == 1 and not isinstance(args[0], (builtins.int, np.integer)):
        data = args[0]
        out = (data.to(dtype) if isinstance(data, Tensor) else tensor(data, dtype=dtype))
    else:
        out = empty(*args, dtype=dtype)
    if device is not None:
        out = out.to(device)
    if cls is not Tensor:
        return cls._from_tensor(out)
    return out
