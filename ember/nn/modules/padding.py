"""Padding layers: constant (and zero), reflection, replication and circular padding.

Each wraps ember.nn.functional.pad; `padding` is an int (the same on every side) or a tuple
(left, right[, top, bottom[, front, back]]) in F.pad's order, last dim first.
"""
from .. import functional as F
from .conv import _ntuple, _pair, _quadruple
from .module import Module

__all__ = ["ConstantPad1d", "ConstantPad2d", "ConstantPad3d", "ZeroPad1d", "ZeroPad2d",
           "ZeroPad3d", "ReflectionPad1d", "ReflectionPad2d", "ReflectionPad3d",
           "ReplicationPad1d", "ReplicationPad2d", "ReplicationPad3d", "CircularPad1d",
           "CircularPad2d", "CircularPad3d"]


class _ConstantPadNd(Module):
    __constants__ = ["padding", "value"]

    def __init__(self, value):
        super().__init__()
        self.value = value

    def forward(self, input):
        return F.pad(input, self.padding, "constant", self.value)

    def extra_repr(self):
        return f"padding={self.padding}, value={self.value}"


class ConstantPad1d(_ConstantPadNd):
    """Pad the last dim with a constant value.

    Args:
        padding: int or (left, right).
        value: the fill value.

    Example:
        >>> ember.nn.ConstantPad1d(2, 3.5)(ember.zeros(1, 2)).shape
        ember.Size([1, 6])
    """

    def __init__(self, padding, value):
        super().__init__(value)
        self.padding = _pair(padding)


class ConstantPad2d(_ConstantPadNd):
    """Pad the last two dims with a constant value.

    Args:
        padding: int or (left, right, top, bottom).
        value: the fill value.
    """

    def __init__(self, padding, value):
        super().__init__(value)
        self.padding = _quadruple(padding)


class ConstantPad3d(_ConstantPadNd):
    """Pad the last three dims with a constant value.

    Args:
        padding: int or (left, right, top, bottom, front, back).
        value: the fill value.
    """

    def __init__(self, padding, value):
        super().__init__(value)
        self.padding = _ntuple(6)(padding)


class ZeroPad1d(ConstantPad1d):
    """Pad the last dim with zeros; padding: int or (left, right)."""

    def __init__(self, padding):
        super().__init__(padding, 0.0)

    def extra_repr(self):
        return f"{self.padding}"


class ZeroPad2d(ConstantPad2d):
    """Pad the last two dims with zeros; padding: int or (left, right, top, bottom).

    Example:
        >>> ember.nn.ZeroPad2d((1, 1, 2, 0))(ember.ones(1, 1, 3, 3)).shape
        ember.Size([1, 1, 5, 5])
    """

    def __init__(self, padding):
        super().__init__(padding, 0.0)

    def extra_repr(self):
        return f"{self.padding}"


class ZeroPad3d(ConstantPad3d):
    """Pad the last three dims with zeros; padding: int or (left, right, top, bottom, front,
    back)."""

    def __init__(self, padding):
        super().__init__(padding, 0.0)

    def extra_repr(self):
        return f"{self.padding}"


class _ModePadNd(Module):
    __constants__ = ["padding"]
    _mode = None

    def forward(self, input):
        return F.pad(input, self.padding, self._mode)

    def extra_repr(self):
        return f"{self.padding}"


class ReflectionPad1d(_ModePadNd):
    """Pad the last dim with its reflection (the edge element not repeated).

    Args:
        padding: int or (left, right), each smaller than the padded dim.
    """

    _mode = "reflect"

    def __init__(self, padding):
        super().__init__()
        self.padding = _pair(padding)


class ReflectionPad2d(_ModePadNd):
    """Pad the last two dims with their reflection; padding: int or (left, right, top,
    bottom).

    Example:
        >>> ember.nn.ReflectionPad2d(1)(ember.ones(1, 1, 3, 3)).shape
        ember.Size([1, 1, 5, 5])
    """

    _mode = "reflect"

    def __init__(self, padding):
        super().__init__()
        self.padding = _quadruple(padding)


class ReflectionPad3d(_ModePadNd):
    """Pad the last three dims with their reflection; padding: int or (left, right, top,
    bottom, front, back)."""

    _mode = "reflect"

    def __init__(self, padding):
        super().__init__()
        self.padding = _ntuple(6)(padding)


class ReplicationPad1d(_ModePadNd):
    """Pad the last dim by repeating its edge values; padding: int or (left, right)."""

    _mode = "replicate"

    def __init__(self, padding):
        super().__init__()
        self.padding = _pair(padding)


class ReplicationPad2d(_ModePadNd):
    """Pad the last two dims by repeating their edge values; padding: int or (left, right,
    top, bottom)."""

    _mode = "replicate"

    def __init__(self, padding):
        super().__init__()
        self.padding = _quadruple(padding)


class ReplicationPad3d(_ModePadNd):
    """Pad the last three dims by repeating their edge values; padding: int or (left, right,
    top, bottom, front, back)."""

    _mode = "replicate"

    def __init__(self, padding):
        super().__init__()
        self.padding = _ntuple(6)(padding)


class _CircularPadNd(_ModePadNd):
    _mode = "circular"
    _ranks = ()

    def forward(self, input):
        if input.dim() not in self._ranks:
            raise ValueError(f"expected {self._ranks[0]}D or {self._ranks[1]}D input (got "
                             f"{input.dim()}D input)")
        return super().forward(input)


class CircularPad1d(_CircularPadNd):
    """Pad the last dim by wrapping around (periodic); padding: int or (left, right)."""

    _ranks = (2, 3)

    def __init__(self, padding):
        super().__init__()
        self.padding = _pair(padding)


class CircularPad2d(_CircularPadNd):
    """Pad the last two dims by wrapping around (periodic); padding: int or (left, right,
    top, bottom)."""

    _ranks = (3, 4)

    def __init__(self, padding):
        super().__init__()
        self.padding = _quadruple(padding)


class CircularPad3d(_CircularPadNd):
    """Pad the last three dims by wrapping around (periodic); padding: int or (left, right,
    top, bottom, front, back)."""

    _ranks = (4, 5)

    def __init__(self, padding):
        super().__init__()
        self.padding = _ntuple(6)(padding)
