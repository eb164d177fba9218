"""Printing tensors the way torch does: `tensor([1.5000, 2.0000], requires_grad=True)`."""
import numpy as np

from . import _dtype


def _format_floats(values):
    """torch's float style: integral values as '1.', else 4 decimals, or scientific."""
    finite = values[np.isfinite(values)]
    nonzero = np.abs(finite[finite != 0])
    if finite.size and np.all(finite == np.round(finite)):
        if nonzero.size and nonzero.max() >= 1e8:
            return lambda v: f"{v:.4e}"
        return lambda v: f"{v:.0f}." if np.isfinite(v) else f"{v}"
    if nonzero.size and (nonzero.max() / nonzero.min() > 1000 or nonzero.max() >= 1e8
                         or nonzero.min() < 1e-4):
        return lambda v: f"{v:.4e}"
    return lambda v: f"{v:.4f}"


def _body(array):
    if array.dtype in _dtype.FLOAT_NP:
        values = array.astype(np.float64)
        fmt = _format_floats(values.ravel())
        return np.array2string(values, separator=", ", prefix="tensor(",
                               formatter={"float_kind": fmt}, threshold=1000, edgeitems=3,
                               max_line_width=80)
    return np.array2string(array, separator=", ", prefix="tensor(", threshold=1000,
                           edgeitems=3, max_line_width=80)


def tensor_repr(tensor):
    array = tensor._host_array()
    dtype = tensor.dtype
    suffixes = []
    if tensor.device.type != "cpu":
        suffixes.append(f"device='{tensor.device}'")
    if array.size == 0 and array.ndim != 1:
        body = "[]"
        suffixes.insert(0, f"size={tuple(array.shape)}")
    else:
        body = _body(array)
    if dtype not in (_dtype.get_default_dtype(), _dtype.int64, _dtype.bool):
        suffixes.append(f"dtype={dtype}")
    if tensor.grad_fn is not None:
        suffixes.append(f"grad_fn=<{tensor.grad_fn.name()}>")
    elif tensor._requires_grad:
        suffixes.append("requires_grad=True")
    return "tensor(" + ", ".join([body] + suffixes) + ")"
