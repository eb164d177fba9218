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
           "lp_pool1d", "lp_pool2d", "lp_pool3d"]
