"""Printing tensors exactly as torch does: `tensor([1.5000, 2.0000], requires_grad=True)`.

A port of torch/_tensor_str.py to backend arrays: one formatter per tensor picks the style
from the (summarised) values -- integral floats as `1.`, else `precision` decimals, or
scientific notation when the magnitudes are far apart -- and every element is padded to the
widest; long dims are summarised with `...`; suffixes (dtype, device, grad) follow the body
and wrap at `linewidth`.
"""
import contextlib
import dataclasses
import math

import numpy as np

from . import _dtype

__all__ = ["set_printoptions", "get_printoptions", "printoptions", "tensor_repr"]


@dataclasses.dataclass
class _PrintOptions:
    precision: int = 4
    threshold: float = 1000
    edgeitems: int = 3
    linewidth: int = 80
    sci_mode: object = None


PRINT_OPTS = _PrintOptions()


def set_printoptions(precision=None, threshold=None, edgeitems=None, linewidth=None,
                     profile=None, sci_mode=None):
    """Set how tensors print, as torch.set_printoptions.

    Args:
        precision: digits after the point (default 4).
        threshold: more elements than this are summarised with '...' (default 1000).
        edgeitems: items kept at each end of a summarised dim (default 3).
        linewidth: characters per line (default 80).
        profile: 'default', 'short' or 'full': sets all of the above at once.
        sci_mode: True or False forces scientific notation on or off; None decides.

    Example:
        >>> ember.set_printoptions(precision=2)
        >>> ember.tensor([1.2345])
        tensor([1.23])
        >>> ember.set_printoptions(profile="default")
    """
    if profile is not None:
        precision_, threshold_, edgeitems_ = {
            "default": (4, 1000, 3), "short": (2, 1000, 2), "full": (4, math.inf, 3)}[profile]
        PRINT_OPTS.precision, PRINT_OPTS.threshold = precision_, threshold_
        PRINT_OPTS.edgeitems, PRINT_OPTS.linewidth = edgeitems_, 80
    if precision is not None:
        PRINT_OPTS.precision = precision
    if threshold is not None:
        PRINT_OPTS.threshold = threshold
    if edgeitems is not None:
        PRINT_OPTS.edgeitems = edgeitems
    if linewidth is not None:
        PRINT_OPTS.linewidth = linewidth
    PRINT_OPTS.sci_mode = sci_mode


def get_printoptions():
    """The current print options, as a dict (set_printoptions(**that) restores them)."""
    return dataclasses.asdict(PRINT_OPTS)


@contextlib.contextmanager
def printoptions(**kwargs):
    """set_printoptions for the duration of a with-block."""
    old = get_printoptions()
    set_printoptions(**kwargs)
    try:
        yield
    finally:
        set_printoptions(**old)


class _Formatter:
    """One style for every element of a tensor, chosen from all of them (torch's rules)."""

    def __init__(self, values, floating):
        self.floating = floating
        self.int_mode = True
        self.sci_mode = False
        self.max_width = 1
        precision = PRINT_OPTS.precision
        flat = values.reshape(-1)
        if not floating:
            for value in flat.tolist():
                self.max_width = max(self.max_width, len(str(value)))
            return
        finite = flat[np.isfinite(flat) & (flat != 0)]
        if finite.size == 0:
            return  # zeros, nan and inf only: integer style, and no sci_mode override
        magnitudes = np.abs(finite).astype(np.float64)
        smallest, largest = magnitudes.min(), magnitudes.max()
        items = finite.tolist()
        self.int_mode = bool((finite == np.ceil(finite)).all())
        if PRINT_OPTS.sci_mode is None:
            self.sci_mode = bool(largest / smallest > 1000.0 or largest > 1.0e8
                                 or smallest < 1.0e-4)
        else:
            self.sci_mode = PRINT_OPTS.sci_mode
        if self.sci_mode:
            self.max_width = max(len(f"{v:.{precision}e}") for v in items)
        elif self.int_mode:
            # integral floats print as '3.': one more character than the integer
            self.max_width = max(len(f"{v:.0f}") + 1 for v in items)
        else:
            self.max_width = max(len(f"{v:.{precision}f}") for v in items)

    def width(self):
        return self.max_width

    def format(self, value):
        if self.floating:
            if self.sci_mode:
                text = f"{value:{self.max_width}.{PRINT_OPTS.precision}e}"
            elif self.int_mode:
                text = f"{value:.0f}"
                if not (math.isinf(value) or math.isnan(value)):
                    text += "."
            else:
                text = f"{value:.{PRINT_OPTS.precision}f}"
        else:
            text = f"{value}"
        return (self.max_width - len(text)) * " " + text


def _vector_str(array, indent, summarize, formatter):
    element_length = formatter.width() + 2
    per_line = max(1, int(math.floor((PRINT_OPTS.linewidth - indent) / element_length)))
    edge = PRINT_OPTS.edgeitems
    if summarize and not edge:
        data = ["..."]
    elif summarize and array.shape[0] > 2 * edge:
        data = ([formatter.format(v) for v in _values(array[:edge])] + [" ..."]
                + [formatter.format(v) for v in _values(array[-edge:])])
    else:
        data = [formatter.format(v) for v in _values(array)]
    lines = [", ".join(data[i:i + per_line]) for i in range(0, len(data), per_line)]
    return "[" + ("," + "\n" + " " * (indent + 1)).join(lines) + "]"


def _values(array):
    """Python numbers (floats of every precision as Python floats, as torch prints them)."""
    if array.dtype.kind != "f" and array.dtype != _dtype.bfloat16.np:
        return array.tolist()
    return array.astype(np.float64).tolist()


class _ComplexFormatter:
    """torch's complex style: the real parts formatted as one real tensor, the imaginary
    parts as another, joined as `1.+2.j`."""

    def __init__(self, values):
        self.real = _Formatter(values.real.astype(np.float64), True)
        self.imag = _Formatter(values.imag.astype(np.float64), True)

    def width(self):
        return self.real.width() + self.imag.width() + 1  # and the 'j'

    def format(self, value):
        imag = (self.imag.format(value.imag) + "j").lstrip()
        return self.real.format(value.real) + ("" if imag[0] in "+-" else "+") + imag


def _tensor_str_with_formatter(array, indent, summarize, formatter):
    ndim = array.ndim
    if ndim == 0:
        return formatter.format(_values(array))
    if ndim == 1:
        return _vector_str(array, indent, summarize, formatter)
    edge = PRINT_OPTS.edgeitems
    if summarize and array.shape[0] > 2 * edge:
        slices = ([_tensor_str_with_formatter(array[i], indent + 1, summarize, formatter)
                   for i in range(edge)]
                  + ["..."]
                  + [_tensor_str_with_formatter(array[i], indent + 1, summarize, formatter)
                     for i in range(array.shape[0] - edge, array.shape[0])])
    else:
        slices = [_tensor_str_with_formatter(array[i], indent + 1, summarize, formatter)
                  for i in range(array.shape[0])]
    return "[" + ("," + "\n" * (ndim - 1) + " " * (indent + 1)).join(slices) + "]"


def _summarized_data(array):
    """Only the elements a summarised print shows (the formatter is chosen from these)."""
    if array.ndim == 0:
        return array
    edge = PRINT_OPTS.edgeitems
    if array.ndim == 1:
        if array.shape[0] > 2 * edge:
            return np.concatenate((array[:edge], array[-edge:]))
        return array
    if not edge:
        return array[(slice(0, 0),) * array.ndim]
    if array.shape[0] > 2 * edge:
        rows = list(range(edge)) + list(range(array.shape[0] - edge, array.shape[0]))
    else:
        rows = range(array.shape[0])
    return np.stack([_summarized_data(array[i]) for i in rows])


def _tensor_str(array, indent):
    if array.size == 0:
        return "[]"
    summarize = array.size > PRINT_OPTS.threshold
    floating = array.dtype.kind == "f" or array.dtype == _dtype.bfloat16.np
    shown = _summarized_data(array) if summarize else array
    if array.dtype.kind == "c":
        return _tensor_str_with_formatter(array, indent, summarize, _ComplexFormatter(shown))
    if floating:
        shown = shown.astype(np.float64)  # as torch prints halves: through a wider float
    formatter = _Formatter(shown, floating)
    return _tensor_str_with_formatter(array, indent, summarize, formatter)


def _add_suffixes(tensor_str, suffixes, indent):
    parts = [tensor_str]
    last_line_length = len(tensor_str) - tensor_str.rfind("\n") + 1
    for suffix in suffixes:
        if last_line_length + len(suffix) + 2 > PRINT_OPTS.linewidth:
            parts.append(",\n" + " " * indent + suffix)
            last_line_length = indent + len(suffix)
        else:
            parts.append(", " + suffix)
            last_line_length += len(suffix) + 2
    parts.append(")")
    return "".join(parts)


def tensor_repr(tensor, tensor_contents=None):
    """torch's repr of a tensor, with 'ember.' where torch prints 'torch.'."""
    array = tensor._host_array()
    plain = type(tensor).__name__ in ("Tensor", "Parameter")
    prefix = "tensor(" if plain else f"{type(tensor).__name__}("
    indent = len(prefix)
    suffixes = []
    device = tensor.device
    if device.type != "cpu":
        suffixes.append(f"device='{device}'")
    dtype = tensor.dtype
    if array.size == 0:
        if array.ndim != 1:
            suffixes.append(f"size={tuple(array.shape)}")
        if dtype is not _dtype.get_default_dtype():
            suffixes.append(f"dtype={dtype}")
        body = "[]"
    else:
        if not PRINT_OPTS.edgeitems:
            suffixes.append(f"size={tuple(array.shape)}")
        if dtype not in (_dtype.get_default_dtype(), _dtype.default_complex_dtype(),
                         _dtype.int64, _dtype.bool):
            suffixes.append(f"dtype={dtype}")
        body = _tensor_str(array, indent)
    if tensor_contents is not None:
        body = tensor_contents
    if tensor.grad_fn is not None:
        suffixes.append(f"grad_fn=<{tensor.grad_fn.name()}>")
    elif tensor._requires_grad:
        suffixes.append("requires_grad=True")
    return _add_suffixes(prefix + body, suffixes, indent)
