"""Convolution, pooling, padding, unfold/fold: the functional forms.

The ops themselves live in ember/ops/conv.py, pool.py and pad.py (they are also
ember.conv2d and friends); this module gives them their torch.nn.functional names.
"""
from ...ops.conv import (conv1d, conv2d, conv3d, conv_transpose1d, conv_transpose2d,
                         conv_transpose3d, fold, unfold)
from ...ops.pad import pad
from ...ops.pool import (adaptive_avg_pool1d, adaptive_avg_pool2d, adaptive_avg_pool3d,
                         adaptive_max_pool1d, adaptive_max_pool1d_with_indices,
                         adaptive_max_pool2d, adaptive_max_pool2d_with_indices,
                         adaptive_max_pool3d, adaptive_max_pool3d_with_indices, avg_pool1d,
                         avg_pool2d, avg_pool3d, fractional_max_pool2d,
                         fractional_max_pool2d_with_indices, fractional_max_pool3d,
                         fractional_max_pool3d_with_indices, lp_pool1d, lp_pool2d, lp_pool3d,
                         max_pool1d, max_pool1d_with_indices, max_pool2d, max_pool2d_with_indices,
                         max_pool3d, max_pool3d_with_indices, max_unpool1d, max_unpool2d,
                         max_unpool3d)

__all__ = ["conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
           "conv_transpose3d", "unfold", "fold", "pad", "max_pool1d", "max_pool2d",
           "max_pool3d", "max_pool1d_with_indices", "max_pool2d_with_indices",
           "max_pool3d_with_indices", "avg_pool1d", "avg_pool2d", "avg_pool3d",
           "adaptive_avg_pool1d", "adaptive_avg_pool2d", "adaptive_avg_pool3d",
           "adaptive_max_pool1d", "adaptive_max_pool2d", "adaptive_max_pool3d",
           "adaptive_max_pool1d_with_indices", "adaptive_max_pool2d_with_indices",
           "adaptive_max_pool3d_with_indices", "fractional_max_pool2d",
           "fractional_max_pool3d", "fractional_max_pool2d_with_indices",
           "fractional_max_pool3d_with_indices", "max_unpool1d", "max_unpool2d", "max_unpool3d",
           "lp_pool1d", "lp_pool2d", "lp_pool3d", "conv_tbc"]


def conv_tbc(input, weight, bias, pad=0):
    """1-d cross-correlation in time-batch-channel layout (fairseq's):

        out[t, b] = bias + sum_k input[t + k - pad, b] @ weight[k]

    Args:
        input: (T, B, C_in).  weight: (K, C_in, C_out).  bias: (C_out,).
        pad: zeros added at both ends of the time axis.

    Returns:
        (T + 2 pad - K + 1, B, C_out), contiguous.

    Example:
        >>> F.conv_tbc(ember.ones(5, 2, 3), ember.ones(2, 3, 4), ember.zeros(4)).shape
        ember.Size([4, 2, 4])
    """
    if input.dim() != 3:
        raise RuntimeError("Input must have 3 dims: time, batch, in_channel")
    if weight.dim() != 3:
        raise RuntimeError("Weight tensor must have 3 dims: kernel_width, in_channels, "
                           "out_channels.")
    if bias.dim() != 1:
        raise RuntimeError("Bias must be 1-D")
    if input.shape[2] != weight.shape[1]:
        raise RuntimeError("Input dim 2 (input channels) is not == dim 1 in the weight tensor")
    if weight.shape[2] != bias.shape[0]:
        raise RuntimeError("Bias size must equal dim 2 in the weight tensor (output channels).")
    length = input.shape[0] + 2 * pad - weight.shape[0] + 1
    if length < 0:
        raise RuntimeError(f"Trying to create tensor with negative dimension {length}: "
                           f"[{length}, {input.shape[1]}, {weight.shape[2]}]")
    out = conv1d(input.permute(1, 2, 0), weight.permute(2, 1, 0), bias, padding=pad)  # (B, Co, T')
    return out.permute(2, 0, 1).contiguous()
