"""Convolution layers: Conv1d/2d/3d and ConvTranspose1d/2d/3d.

Weights start as in torch: kaiming_uniform_(a=sqrt(5)), i.e. U(-1/sqrt(fan_in),
1/sqrt(fan_in)), and the bias from the same bound. The computation is
ember.nn.functional.conv*d (ember/ops/conv.py); padding modes other than 'zeros' pad the
input with ember.nn.functional.pad first.
"""
import collections.abc
import math
from itertools import repeat

from ...ops.creation import empty
from .. import functional as F
from .. import init
from ..parameter import Parameter
from .module import Module

__all__ = ["Conv1d", "Conv2d", "Conv3d", "ConvTranspose1d", "ConvTranspose2d",
           "ConvTranspose3d"]


def _ntuple(n):
    """A converter: an int becomes n copies of it, an iterable becomes a tuple."""
    def parse(x):
        if isinstance(x, collections.abc.Iterable):
            return tuple(x)
        return tuple(repeat(x, n))
    return parse


_single, _pair, _triple, _quadruple = _ntuple(1), _ntuple(2), _ntuple(3), _ntuple(4)


def _reverse_repeat_tuple(values, n):
    """(a, b) -> (b, b, a, a) for n=2: F.pad's order (last dim first) from per-dim padding."""
    return tuple(x for x in reversed(values) for _ in range(n))


class _ConvNd(Module):
    """What every convolution layer shares: checks, parameters, initialisation, repr."""

    __constants__ = ["stride", "padding", "dilation", "groups", "padding_mode",
                     "output_padding", "in_channels", "out_channels", "kernel_size"]

    def __init__(self, in_channels, out_channels, kernel_size, stride, padding, dilation,
                 transposed, output_padding, groups, bias, padding_mode, device=None,
                 dtype=None):
        super().__init__()
        if groups <= 0:
            raise ValueError("groups must be a positive integer")
        if in_channels % groups != 0:
            raise ValueError("in_channels must be divisible by groups")
        if out_channels % groups != 0:
            raise ValueError("out_channels must be divisible by groups")
        valid_padding_strings = {"same", "valid"}
        if isinstance(padding, str):
            if padding not in valid_padding_strings:
                raise ValueError(f"Invalid padding string {padding!r}, should be one of "
                                 f"{valid_padding_strings}")
            if padding == "same" and any(s != 1 for s in stride):
                raise ValueError("padding='same' is not supported for strided convolutions")
        valid_padding_modes = {"zeros", "reflect", "replicate", "circular"}
        if padding_mode not in valid_padding_modes:
            raise ValueError(f"padding_mode must be one of {valid_padding_modes}, but got "
                             f"padding_mode='{padding_mode}'")
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.kernel_size = kernel_size
        self.stride = stride
        self.padding = padding
        self.dilation = dilation
        self.transposed = transposed
        self.output_padding = output_padding
        self.groups = groups
        self.padding_mode = padding_mode
        if isinstance(padding, str):
            self._reversed_padding_repeated_twice = [0, 0] * len(kernel_size)
            if padding == "same":
                for d, k, i in zip(dilation, kernel_size, range(len(kernel_size) - 1, -1, -1)):
                    total = d * (k - 1)
                    self._reversed_padding_repeated_twice[2 * i] = total // 2
                    self._reversed_padding_repeated_twice[2 * i + 1] = total - total // 2
        else:
            self._reversed_padding_repeated_twice = _reverse_repeat_tuple(padding, 2)
        if transposed:
            shape = (in_channels, out_channels // groups, *kernel_size)
        else:
            shape = (out_channels, in_channels // groups, *kernel_size)
        self.weight = Parameter(empty(shape, device=device, dtype=dtype))
        if bias:
            self.bias = Parameter(empty(out_channels, device=device, dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self):
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in, _ = init._calculate_fan_in_and_fan_out(self.weight)
            bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0
            init.uniform_(self.bias, -bound, bound)

    def _check_input(self, input):
        """A wrong rank or channel count named with this layer, before the op sees it."""
        spatial = len(self.kernel_size)
        if input.dim() not in (spatial + 1, spatial + 2):
            raise RuntimeError(
                f"{self!r} expected {spatial + 1}D (unbatched) or {spatial + 2}D (batched) "
                f"input, but got input of size: {list(input.shape)}")
        channels = input.shape[input.dim() - spatial - 1]
        if channels != self.in_channels:
            raise RuntimeError(
                f"{self!r} expected input{list(input.shape)} to have {self.in_channels} "
                f"channels, but got {channels} channels instead; build the layer with "
                f"in_channels={channels} or fix the layer before it")

    def extra_repr(self):
        s = f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, " \
            f"stride={self.stride}"
        if self.padding != (0,) * len(self.padding):
            s += f", padding={self.padding}"
        if self.dilation != (1,) * len(self.dilation):
            s += f", dilation={self.dilation}"
        if self.output_padding != (0,) * len(self.output_padding):
            s += f", output_padding={self.output_padding}"
        if self.groups != 1:
            s += f", groups={self.groups}"
        if self.bias is None:
            s += ", bias=False"
        if self.padding_mode != "zeros":
            s += f", padding_mode={self.padding_mode}"
        return s

    def __setstate__(self, state):
        super().__setstate__(state)
        if not hasattr(self, "padding_mode"):
            self.padding_mode = "zeros"


class _Conv(_ConvNd):
    """Conv1d/2d/3d: forward through the matching F.conv*d."""

    _to_tuple = None      # _single, _pair or _triple
    _functional = None    # F.conv1d, F.conv2d or F.conv3d

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1,
                 groups=1, bias=True, padding_mode="zeros", device=None, dtype=None):
        to_tuple = self._to_tuple
        super().__init__(in_channels, out_channels, to_tuple(kernel_size), to_tuple(stride),
                         padding if isinstance(padding, str) else to_tuple(padding),
                         to_tuple(dilation), False, to_tuple(0), groups, bias, padding_mode,
                         device, dtype)

    def _conv_forward(self, input, weight, bias):
        self._check_input(input)
        conv = self._functional
        if self.padding_mode != "zeros":
            padded = F.pad(input, self._reversed_padding_repeated_twice, mode=self.padding_mode)
            return conv(padded, weight, bias, self.stride, self._to_tuple(0), self.dilation,
                        self.groups)
        return conv(input, weight, bias, self.stride, self.padding, self.dilation, self.groups)

    def forward(self, input):
        return self._conv_forward(input, self.weight, self.bias)


class Conv1d(_Conv):
    """1-D convolution over an (N, C_in, L) or (C_in, L) input.

        out[n, o] = bias[o] + sum_c weight[o, c] * input[n, c]   (cross-correlation)

    Args:
        in_channels, out_channels: C_in and C_out.
        kernel_size, stride, dilation: int or 1-tuple.
        padding: int, 1-tuple, 'valid' (none) or 'same' (output length = input length,
            stride 1 only).
        groups: split the channels into groups convolved separately. Default: 1.
        bias: learn an additive bias. Default: True.
        padding_mode: 'zeros', 'reflect', 'replicate' or 'circular'. Default: 'zeros'.

    Example:
        >>> conv = ember.nn.Conv1d(16, 33, 3, stride=2)
        >>> conv(ember.randn(20, 16, 50)).shape
        ember.Size([20, 33, 24])
    """

    _to_tuple = staticmethod(_single)
    _functional = staticmethod(F.conv1d)


class Conv2d(_Conv):
    """2-D convolution over an (N, C_in, H, W) or (C_in, H, W) input.

        out[n, o, i, j] = bias[o] + sum_{c, a, b} weight[o, c, a, b]
                          * input[n, c, i * s_h + a * d_h - p_h, j * s_w + b * d_w - p_w]

    Args:
        in_channels, out_channels: C_in and C_out.
        kernel_size, stride, dilation: int or pair.
        padding: int, pair, 'valid' (none) or 'same' (output size = input size, stride 1).
        groups: split the channels into groups convolved separately (groups = C_in gives a
            depthwise convolution). Default: 1.
        bias: learn an additive bias. Default: True.
        padding_mode: 'zeros', 'reflect', 'replicate' or 'circular'. Default: 'zeros'.

    Example:
        >>> conv = ember.nn.Conv2d(3, 32, 3, padding=1)
        >>> conv
        Conv2d(3, 32, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))
        >>> conv(ember.randn(8, 3, 28, 28)).shape
        ember.Size([8, 32, 28, 28])
    """

    _to_tuple = staticmethod(_pair)
    _functional = staticmethod(F.conv2d)


class Conv3d(_Conv):
    """3-D convolution over an (N, C_in, D, H, W) or (C_in, D, H, W) input; see Conv2d."""

    _to_tuple = staticmethod(_triple)
    _functional = staticmethod(F.conv3d)


class _ConvTransposeNd(_ConvNd):
    """ConvTranspose1d/2d/3d: the gradient of a convolution with respect to its input."""

    _to_tuple = None
    _functional = None

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0,
                 output_padding=0, groups=1, bias=True, dilation=1, padding_mode="zeros",
                 device=None, dtype=None):
        if padding_mode != "zeros":
            raise ValueError(f'Only "zeros" padding mode is supported for '
                             f'{self.__class__.__name__}')
        to_tuple = self._to_tuple
        super().__init__(in_channels, out_channels, to_tuple(kernel_size), to_tuple(stride),
                         to_tuple(padding), to_tuple(dilation), True, to_tuple(output_padding),
                         groups, bias, padding_mode, device, dtype)

    def _output_padding(self, input, output_size, stride, padding, kernel_size,
                        num_spatial_dims, dilation=None):
        """output_padding, or the one that makes the output exactly output_size."""
        if output_size is None:
            return _single(self.output_padding)
        num_non_spatial_dims = 2 if input.dim() == num_spatial_dims + 2 else 1
        output_size = list(output_size)
        if len(output_size) == num_non_spatial_dims + num_spatial_dims:
            output_size = output_size[num_non_spatial_dims:]
        if len(output_size) != num_spatial_dims:
            raise ValueError(
                f"ConvTranspose{num_spatial_dims}D: for {input.dim()}D input, output_size must "
                f"have {num_spatial_dims} or {num_non_spatial_dims + num_spatial_dims} elements "
                f"(got {len(output_size)})")
        min_sizes, max_sizes = [], []
        for d in range(num_spatial_dims):
            size = ((input.shape[d + num_non_spatial_dims] - 1) * stride[d] - 2 * padding[d]
                    + (dilation[d] if dilation is not None else 1) * (kernel_size[d] - 1) + 1)
            min_sizes.append(size)
            max_sizes.append(size + stride[d] - 1)
        for size, low, high in zip(output_size, min_sizes, max_sizes):
            if size < low or size > high:
                raise ValueError(
                    f"requested an output size of {output_size}, but valid sizes range from "
                    f"{min_sizes} to {max_sizes} (for an input of {input.shape[2:]})")
        return [size - low for size, low in zip(output_size, min_sizes)]

    def forward(self, input, output_size=None):
        self._check_input(input)
        spatial = len(self.kernel_size)
        output_padding = self._output_padding(input, output_size, self.stride, self.padding,
                                              self.kernel_size, spatial, self.dilation)
        return self._functional(input, self.weight, self.bias, self.stride, self.padding,
                                      output_padding, self.groups, self.dilation)


class ConvTranspose1d(_ConvTransposeNd):
    """Transposed 1-D convolution (the gradient of Conv1d with respect to its input), over
    an (N, C_in, L) or (C_in, L) input.

        L_out = (L - 1) * stride - 2 * padding + dilation * (kernel_size - 1)
                + output_padding + 1

    Args:
        in_channels, out_channels: C_in and C_out.
        kernel_size, stride, padding, output_padding, dilation: int or 1-tuple.
        groups: channel groups. Default: 1.
        bias: learn an additive bias. Default: True.

    Example:
        >>> ember.nn.ConvTranspose1d(4, 2, 3, stride=2)(ember.randn(1, 4, 5)).shape
        ember.Size([1, 2, 11])
    """

    _to_tuple = staticmethod(_single)
    _functional = staticmethod(F.conv_transpose1d)


class ConvTranspose2d(_ConvTransposeNd):
    """Transposed 2-D convolution over an (N, C_in, H, W) or (C_in, H, W) input; forward
    accepts output_size to pick among the sizes a strided convolution maps to one shape.

        H_out = (H - 1) * stride - 2 * padding + dilation * (kernel_size - 1)
                + output_padding + 1   (and so for W)

    Args:
        in_channels, out_channels: C_in and C_out.
        kernel_size, stride, padding, output_padding, dilation: int or pair.
        groups: channel groups. Default: 1.
        bias: learn an additive bias. Default: True.

    Example:
        >>> up = ember.nn.ConvTranspose2d(16, 8, 3, stride=2, padding=1)
        >>> up(ember.randn(1, 16, 12, 12), output_size=[24, 24]).shape
        ember.Size([1, 8, 24, 24])
    """

    _to_tuple = staticmethod(_pair)
    _functional = staticmethod(F.conv_transpose2d)


class ConvTranspose3d(_ConvTransposeNd):
    """Transposed 3-D convolution over an (N, C_in, D, H, W) or (C_in, D, H, W) input; see
    ConvTranspose2d."""

    _to_tuple = staticmethod(_triple)
    _functional = staticmethod(F.conv_transpose3d)
