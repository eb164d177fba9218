"""Pooling layers: max, average, adaptive and power-average pools, and max unpooling.

Each is a thin layer over its ember.nn.functional form (ember/ops/pool.py); hyperparameters
are stored as given (an int stays an int), so reprs read as torch's.
"""
from .. import functional as F
from .conv import _pair, _single, _triple
from .module import Module

__all__ = ["MaxPool1d", "MaxPool2d", "MaxPool3d", "AvgPool1d", "AvgPool2d", "AvgPool3d",
           "AdaptiveAvgPool1d", "AdaptiveAvgPool2d", "AdaptiveAvgPool3d", "AdaptiveMaxPool1d",
           "AdaptiveMaxPool2d", "AdaptiveMaxPool3d", "FractionalMaxPool2d",
           "FractionalMaxPool3d", "MaxUnpool1d", "MaxUnpool2d", "MaxUnpool3d",
           "LPPool1d", "LPPool2d", "LPPool3d"]


class _MaxPoolNd(Module):
    __constants__ = ["kernel_size", "stride", "padding", "dilation", "return_indices",
                     "ceil_mode"]

    def __init__(self, kernel_size, stride=None, padding=0, dilation=1, return_indices=False,
                 ceil_mode=False):
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = stride if stride is not None else kernel_size
        self.padding = padding
        self.dilation = dilation
        self.return_indices = return_indices
        self.ceil_mode = ceil_mode

    def extra_repr(self):
        return (f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"
                f", dilation={self.dilation}, ceil_mode={self.ceil_mode}")


class MaxPool1d(_MaxPoolNd):
    """Maximum over sliding windows of an (N, C, L) or (C, L) input.

        out[n, c, i] = max over k of input[n, c, i * stride + k * dilation - padding]

    Args:
        kernel_size: window length.
        stride: window step. Default: kernel_size.
        padding: implicit -inf padding on both sides. Default: 0.
        dilation: spacing between window elements. Default: 1.
        return_indices: also return the flat indices of the maxima (for MaxUnpool1d).
        ceil_mode: round the output length up instead of down.
    """

    def forward(self, input):
        return F.max_pool1d(input, self.kernel_size, self.stride, self.padding, self.dilation,
                            ceil_mode=self.ceil_mode, return_indices=self.return_indices)


class MaxPool2d(_MaxPoolNd):
    """Maximum over sliding windows of an (N, C, H, W) or (C, H, W) input.

        out[n, c, i, j] = max over (a, b) of input[n, c, i * s_h + a * d_h - p_h,
                                                        j * s_w + b * d_w - p_w]

    Args:
        kernel_size: window size (int or pair).
        stride: window step. Default: kernel_size.
        padding: implicit -inf padding. Default: 0.
        dilation: spacing between window elements. Default: 1.
        return_indices: also return the flat indices of the maxima (for MaxUnpool2d).
        ceil_mode: round the output size up instead of down.

    Example:
        >>> pool = ember.nn.MaxPool2d(2)
        >>> pool(ember.randn(1, 3, 8, 8)).shape
        ember.Size([1, 3, 4, 4])
    """

    def forward(self, input):
        return F.max_pool2d(input, self.kernel_size, self.stride, self.padding, self.dilation,
                            ceil_mode=self.ceil_mode, return_indices=self.return_indices)


class MaxPool3d(_MaxPoolNd):
    """Maximum over sliding windows of an (N, C, D, H, W) or (C, D, H, W) input.

        out[n, c, i, j, k] = max over (a, b, e) of input[n, c, i * s_d + a * d_d - p_d,
                                                          j * s_h + b * d_h - p_h,
                                                          k * s_w + e * d_w - p_w]

    Args:
        kernel_size: window size (int or triple).
        stride: window step. Default: kernel_size.
        padding: implicit -inf padding. Default: 0.
        dilation: spacing between window elements. Default: 1.
        return_indices: also return the flat indices of the maxima (for MaxUnpool3d).
        ceil_mode: round the output size up instead of down.

    Example:
        >>> ember.nn.MaxPool3d(2)(ember.randn(1, 3, 4, 4, 4)).shape
        ember.Size([1, 3, 2, 2, 2])
    """

    def forward(self, input):
        return F.max_pool3d(input, self.kernel_size, self.stride, self.padding, self.dilation,
                            ceil_mode=self.ceil_mode, return_indices=self.return_indices)


class _AvgPoolNd(Module):
    __constants__ = ["kernel_size", "stride", "padding", "ceil_mode", "count_include_pad"]

    def extra_repr(self):
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class AvgPool1d(_AvgPoolNd):
    """Mean over sliding windows of an (N, C, L) or (C, L) input.

    Args:
        kernel_size: window length.
        stride: window step. Default: kernel_size.
        padding: implicit zero padding on both sides. Default: 0.
        ceil_mode: round the output length up instead of down.
        count_include_pad: count the padding zeros in the divisor. Default: True.
    """

    def __init__(self, kernel_size, stride=None, padding=0, ceil_mode=False,
                 count_include_pad=True):
        super().__init__()
        self.kernel_size = _single(kernel_size)
        self.stride = _single(stride if stride is not None else kernel_size)
        self.padding = _single(padding)
        self.ceil_mode = ceil_mode
        self.count_include_pad = count_include_pad

    def forward(self, input):
        return F.avg_pool1d(input, self.kernel_size, self.stride, self.padding, self.ceil_mode,
                            self.count_include_pad)


class _AvgPoolWithDivisor(_AvgPoolNd):
    """AvgPool2d and AvgPool3d: hyperparameters stored as given, and divisor_override."""

    __constants__ = ["kernel_size", "stride", "padding", "ceil_mode", "count_include_pad",
                     "divisor_override"]

    def __init__(self, kernel_size, stride=None, padding=0, ceil_mode=False,
                 count_include_pad=True, divisor_override=None):
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = stride if stride is not None else kernel_size
        self.padding = padding
        self.ceil_mode = ceil_mode
        self.count_include_pad = count_include_pad
        self.divisor_override = divisor_override


class AvgPool2d(_AvgPoolWithDivisor):
    """Mean over sliding windows of an (N, C, H, W) or (C, H, W) input.

    Args:
        kernel_size: window size (int or pair).
        stride: window step. Default: kernel_size.
        padding: implicit zero padding. Default: 0.
        ceil_mode: round the output size up instead of down.
        count_include_pad: count the padding zeros in the divisor. Default: True.
        divisor_override: divide by this instead of the window size.

    Example:
        >>> ember.nn.AvgPool2d(2)(ember.ones(1, 1, 4, 4))
        tensor([[[[1., 1.],
                  [1., 1.]]]])
    """

    def forward(self, input):
        return F.avg_pool2d(input, self.kernel_size, self.stride, self.padding, self.ceil_mode,
                            self.count_include_pad, self.divisor_override)


class AvgPool3d(_AvgPoolWithDivisor):
    """Mean over sliding windows of an (N, C, D, H, W) or (C, D, H, W) input.

    Args:
        kernel_size: window size (int or triple).
        stride: window step. Default: kernel_size.
        padding: implicit zero padding. Default: 0.
        ceil_mode: round the output size up instead of down.
        count_include_pad: count the padding zeros in the divisor. Default: True.
        divisor_override: divide by this instead of the window size.

    Example:
        >>> ember.nn.AvgPool3d(2)(ember.ones(1, 1, 2, 2, 2))
        tensor([[[[[1.]]]]])
    """

    def forward(self, input):
        return F.avg_pool3d(input, self.kernel_size, self.stride, self.padding, self.ceil_mode,
                            self.count_include_pad, self.divisor_override)


class _AdaptiveAvgPoolNd(Module):
    __constants__ = ["output_size"]

    def __init__(self, output_size):
        super().__init__()
        self.output_size = output_size

    def extra_repr(self):
        return f"output_size={self.output_size}"


class AdaptiveAvgPool1d(_AdaptiveAvgPoolNd):
    """Mean pooling to a fixed output length: window i covers
    [floor(i * L / out), ceil((i + 1) * L / out)).

    Args:
        output_size: the output length.
    """

    def forward(self, input):
        return F.adaptive_avg_pool1d(input, self.output_size)


class AdaptiveAvgPool2d(_AdaptiveAvgPoolNd):
    """Mean pooling to a fixed output size (H_out, W_out), whatever the input size.

    Args:
        output_size: int or pair; None in a pair keeps that input size.

    Example:
        >>> ember.nn.AdaptiveAvgPool2d((1, 1))(ember.randn(2, 64, 7, 7)).shape
        ember.Size([2, 64, 1, 1])
    """

    def forward(self, input):
        return F.adaptive_avg_pool2d(input, self.output_size)


class AdaptiveAvgPool3d(_AdaptiveAvgPoolNd):
    """Mean pooling to a fixed output size (D_out, H_out, W_out), whatever the input size.

    Args:
        output_size: int or triple; None in a triple keeps that input size.

    Example:
        >>> ember.nn.AdaptiveAvgPool3d(1)(ember.randn(2, 8, 3, 5, 7)).shape
        ember.Size([2, 8, 1, 1, 1])
    """

    def forward(self, input):
        return F.adaptive_avg_pool3d(input, self.output_size)


class _AdaptiveMaxPoolNd(Module):
    __constants__ = ["output_size", "return_indices"]

    def __init__(self, output_size, return_indices=False):
        super().__init__()
        self.output_size = output_size
        self.return_indices = return_indices

    def extra_repr(self):
        return f"output_size={self.output_size}"


class AdaptiveMaxPool1d(_AdaptiveMaxPoolNd):
    """Max pooling to a fixed output length (windows as AdaptiveAvgPool1d).

    Args:
        output_size: the output length.
        return_indices: also return the indices of the maxima.
    """

    def forward(self, input):
        return F.adaptive_max_pool1d(input, self.output_size, self.return_indices)


class AdaptiveMaxPool2d(_AdaptiveMaxPoolNd):
    """Max pooling to a fixed output size (H_out, W_out).

    Args:
        output_size: int or pair; None in a pair keeps that input size.
        return_indices: also return the indices of the maxima.
    """

    def forward(self, input):
        return F.adaptive_max_pool2d(input, self.output_size, self.return_indices)


class AdaptiveMaxPool3d(_AdaptiveMaxPoolNd):
    """Max pooling to a fixed output size (D_out, H_out, W_out).

    Args:
        output_size: int or triple; None in a triple keeps that input size.
        return_indices: also return the indices of the maxima.
    """

    def forward(self, input):
        return F.adaptive_max_pool3d(input, self.output_size, self.return_indices)


class _FractionalMaxPoolNd(Module):
    """The shared body of FractionalMaxPool2d/3d: `_expand` makes an int into the dims'
    tuple and `_pool` is the functional form."""

    def __init__(self, kernel_size, output_size=None, output_ratio=None, return_indices=False,
                 _random_samples=None):
        super().__init__()
        name = type(self).__name__
        self.kernel_size = self._expand(kernel_size)
        self.return_indices = return_indices
        self.register_buffer("_random_samples", _random_samples)
        self.output_size = self._expand(output_size) if output_size is not None else None
        self.output_ratio = self._expand(output_ratio) if output_ratio is not None else None
        if output_size is None and output_ratio is None:
            raise ValueError(f"{name} requires specifying either an output size, or a pooling "
                             f"ratio")
        if output_size is not None and output_ratio is not None:
            raise ValueError("only one of output_size and output_ratio may be specified")
        if self.output_ratio is not None and not all(0 < r < 1 for r in self.output_ratio):
            raise ValueError(f"output_ratio must be between 0 and 1 (got {output_ratio})")

    def forward(self, input):
        return self._pool(input, self.kernel_size, self.output_size, self.output_ratio,
                          self.return_indices, _random_samples=self._random_samples)


class FractionalMaxPool2d(_FractionalMaxPoolNd):
    """Fractional max pooling of an (N, C, H, W) or (C, H, W) input: kernel_size windows at
    pseudo-random, non-integer strides, drawn anew on every call (see
    ember.nn.functional.fractional_max_pool2d).

    Args:
        kernel_size: int or (kH, kW).
        output_size: int or (H_out, W_out); or else output_ratio, a number or pair in (0, 1).
        return_indices: also return the flat indices of the maxima (for MaxUnpool2d).

    Example:
        >>> pool = ember.nn.FractionalMaxPool2d(3, output_ratio=0.5)
        >>> pool(ember.randn(1, 2, 10, 10)).shape
        ember.Size([1, 2, 5, 5])
    """

    _expand = staticmethod(_pair)
    _pool = staticmethod(F.fractional_max_pool2d)


class FractionalMaxPool3d(_FractionalMaxPoolNd):
    """Fractional max pooling of an (N, C, T, H, W) or (C, T, H, W) input; see
    FractionalMaxPool2d.

    Example:
        >>> pool = ember.nn.FractionalMaxPool3d(2, output_size=(2, 3, 3))
        >>> pool(ember.randn(1, 2, 5, 6, 6)).shape
        ember.Size([1, 2, 2, 3, 3])
    """

    _expand = staticmethod(_triple)
    _pool = staticmethod(F.fractional_max_pool3d)


class _MaxUnpoolNd(Module):
    """The shared body of MaxUnpool1d/2d/3d: `_size` makes an int into the dims' tuple and
    `_unpool` is the functional form."""

    def __init__(self, kernel_size, stride=None, padding=0):
        super().__init__()
        self.kernel_size = self._size(kernel_size)
        self.stride = self._size(stride if stride is not None else kernel_size)
        self.padding = self._size(padding)

    def forward(self, input, indices, output_size=None):
        return self._unpool(input, indices, self.kernel_size, self.stride, self.padding,
                            output_size)

    def extra_repr(self):
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class MaxUnpool1d(_MaxUnpoolNd):
    """Partial inverse of MaxPool1d: each value goes back to where its maximum came from,
    zeros elsewhere.

    Args:
        kernel_size, stride, padding: those of the MaxPool1d being inverted.
    """

    _size = staticmethod(_single)
    _unpool = staticmethod(F.max_unpool1d)


class MaxUnpool2d(_MaxUnpoolNd):
    """Partial inverse of MaxPool2d: each value goes back to where its maximum came from,
    zeros elsewhere.

    Args:
        kernel_size, stride, padding: those of the MaxPool2d being inverted.

    Example:
        >>> pool = ember.nn.MaxPool2d(2, return_indices=True)
        >>> output, indices = pool(ember.randn(1, 1, 4, 4))
        >>> ember.nn.MaxUnpool2d(2)(output, indices).shape
        ember.Size([1, 1, 4, 4])
    """

    _size = staticmethod(_pair)
    _unpool = staticmethod(F.max_unpool2d)


class MaxUnpool3d(_MaxUnpoolNd):
    """Partial inverse of MaxPool3d: each value goes back to where its maximum came from,
    zeros elsewhere.

    Args:
        kernel_size, stride, padding: those of the MaxPool3d being inverted.
    """

    _size = staticmethod(_triple)
    _unpool = staticmethod(F.max_unpool3d)


class _LPPoolNd(Module):
    __constants__ = ["norm_type", "kernel_size", "stride", "ceil_mode"]

    def __init__(self, norm_type, kernel_size, stride=None, ceil_mode=False):
        super().__init__()
        self.norm_type = norm_type
        self.kernel_size = kernel_size
        self.stride = stride
        self.ceil_mode = ceil_mode

    def extra_repr(self):
        return (f"norm_type={self.norm_type}, kernel_size={self.kernel_size}, "
                f"stride={self.stride}, ceil_mode={self.ceil_mode}")


class LPPool1d(_LPPoolNd):
    """Power-average pooling: out = (sum over the window of x^p) ^ (1 / p).

    Args:
        norm_type: p.
        kernel_size: window length.
        stride: window step. Default: kernel_size.
        ceil_mode: round the output length up instead of down.
    """

    def forward(self, input):
        return F.lp_pool1d(input, float(self.norm_type), self.kernel_size, self.stride,
                           self.ceil_mode)


class LPPool2d(_LPPoolNd):
    """Power-average pooling over 2-D windows: out = (sum over the window of x^p) ^ (1 / p).

    Args:
        norm_type: p.
        kernel_size: window size (int or pair).
        stride: window step. Default: kernel_size.
        ceil_mode: round the output size up instead of down.
    """

    def forward(self, input):
        return F.lp_pool2d(input, float(self.norm_type), self.kernel_size, self.stride,
                           self.ceil_mode)


class LPPool3d(_LPPoolNd):
    """Power-average pooling over 3-D windows: out = (sum over the window of x^p) ^ (1 / p).

    Args:
        norm_type: p.
        kernel_size: window size (int or triple).
        stride: window step. Default: kernel_size.
        ceil_mode: round the output size up instead of down.
    """

    def forward(self, input):
        return F.lp_pool3d(input, float(self.norm_type), self.kernel_size, self.stride,
                           self.ceil_mode)
