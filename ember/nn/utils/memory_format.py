"""Giving convolution weights a memory format, as torch.nn.utils.memory_format.

torch converts only the convolutions' weights to channels-last, where its cuDNN kernels run
faster in NHWC. ember keeps every array in row-major order (see ember/_memory_format.py), so
the conversion clones each weight under the format's name and changes no layout: these
functions exist so that code written for torch runs, and check the format as torch does.
"""
from ..modules.conv import Conv2d, Conv3d, ConvTranspose2d, ConvTranspose3d

__all__ = ["convert_conv2d_weight_memory_format", "convert_conv3d_weight_memory_format"]


def _convert(module, memory_format, layers):
    if isinstance(module, layers):
        weight = module.weight.detach().clone(memory_format=memory_format)
        module.weight.data = weight.resize_(weight.size(), memory_format=memory_format)
    for child in module.children():
        _convert(child, memory_format, layers)
    return module


def convert_conv2d_weight_memory_format(module, memory_format):
    """Give the weight of every nn.Conv2d and nn.ConvTranspose2d in module (module itself
    included) the memory format `memory_format`, in place; returns module.

    Args:
        module: a layer or a container of layers.
        memory_format: e.g. ember.channels_last or ember.contiguous_format.

    Example:
        >>> model = ember.nn.Sequential(ember.nn.Conv2d(8, 4, 3))
        >>> model = ember.nn.utils.convert_conv2d_weight_memory_format(model,
        ...                                                            ember.channels_last)
    """
    return _convert(module, memory_format, (Conv2d, ConvTranspose2d))


def convert_conv3d_weight_memory_format(module, memory_format):
    """Give the weight of every nn.Conv3d and nn.ConvTranspose3d in module (module itself
    included) the memory format `memory_format` (e.g. ember.channels_last_3d), in place;
    returns module."""
    return _convert(module, memory_format, (Conv3d, ConvTranspose3d))
