"""Unfold and Fold: sliding blocks to columns (im2col) and back (col2im), as layers over
ember.nn.functional.unfold and fold."""
from .. import functional as F
from .module import Module

__all__ = ["Unfold", "Fold"]


class Fold(Module):
    """Sum the columns of (N, C * prod(kernel_size), L) into sliding blocks of an
    (N, C, *output_size) tensor, adding where blocks overlap; the adjoint of Unfold.

    Args:
        output_size: the spatial size of the output (int or pair).
        kernel_size: the block size (int or pair).
        dilation: spacing between block elements. Default: 1.
        padding: implicit zero padding, cropped from the output. Default: 0.
        stride: block step. Default: 1.

    Example:
        >>> ember.nn.Fold(output_size=(4, 5), kernel_size=2)(ember.randn(1, 3 * 2 * 2, 12)).shape
        ember.Size([1, 3, 4, 5])
    """

    __constants__ = ["output_size", "kernel_size", "dilation", "padding", "stride"]

    def __init__(self, output_size, kernel_size, dilation=1, padding=0, stride=1):
        super().__init__()
        self.output_size = output_size
        self.kernel_size = kernel_size
        self.dilation = dilation
        self.padding = padding
        self.stride = stride

    def forward(self, input):
        return F.fold(input, self.output_size, self.kernel_size, self.dilation, self.padding,
                      self.stride)

    def extra_repr(self):
        return (f"output_size={self.output_size}, kernel_size={self.kernel_size}, "
                f"dilation={self.dilation}, padding={self.padding}, stride={self.stride}")


class Unfold(Module):
    """Every sliding block of an (N, C, H, W) input as a column of (N, C * prod(kernel_size),
    L), L the number of blocks.

    Args:
        kernel_size: the block size (int or pair).
        dilation: spacing between block elements. Default: 1.
        padding: implicit zero padding. Default: 0.
        stride: block step. Default: 1.

    Example:
        >>> ember.nn.Unfold(kernel_size=(2, 3))(ember.randn(2, 5, 3, 4)).shape
        ember.Size([2, 30, 4])
    """

    __constants__ = ["kernel_size", "dilation", "padding", "stride"]

    def __init__(self, kernel_size, dilation=1, padding=0, stride=1):
        super().__init__()
        self.kernel_size = kernel_size
        self.dilation = dilation
        self.padding = padding
        self.stride = stride

    def forward(self, input):
        return F.unfold(input, self.kernel_size, self.dilation, self.padding, self.stride)

    def extra_repr(self):
        return (f"kernel_size={self.kernel_size}, dilation={self.dilation}, "
                f"padding={self.padding}, stride={self.stride}")
