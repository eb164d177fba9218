"""Functional image transforms, as torchvision.transforms.functional.

Each function takes an ember tensor image (..., C, H, W), a PIL image (transformed by
Pillow, as torchvision does), or a uint8 numpy image HxW / HxWxC (what ember's datasets give
without Pillow; transformed as a tensor and returned as a numpy array of the same layout).
Tensor images go through ember ops, so gradients flow through the geometric and colour
transforms.

Differs from torchvision: numpy images are accepted wherever a PIL image is.
"""
import enum
import numbers
import warnings

import numpy as np

from ... import _dtype
from ..._tensor import Tensor
from ...nn import functional as nn_functional
from ...ops.creation import arange, as_tensor, from_numpy, tensor, zeros_like
from ...ops.join import stack
from ...ops.compare import where
from .._image import is_pil_image, require_pil
from . import _functional_pil as F_pil

__all__ = ["InterpolationMode", "get_dimensions", "get_image_size", "get_image_num_channels",
           "to_tensor", "pil_to_tensor", "convert_image_dtype", "to_pil_image", "normalize",
           "resize", "pad", "crop", "center_crop", "resized_crop", "hflip", "vflip",
           "rgb_to_grayscale", "to_grayscale", "adjust_brightness", "adjust_contrast",
           "adjust_saturation", "adjust_hue"]


class InterpolationMode(enum.Enum):
    """How resizing samples: tensors support NEAREST, NEAREST_EXACT, BILINEAR and BICUBIC;
    PIL images all of them."""

    NEAREST = "nearest"
    NEAREST_EXACT = "nearest-exact"
    BILINEAR = "bilinear"
    BICUBIC = "bicubic"
    BOX = "box"
    HAMMING = "hamming"
    LANCZOS = "lanczos"


_FROM_PIL_CONSTANT = {0: InterpolationMode.NEAREST, 2: InterpolationMode.BILINEAR,
                      3: InterpolationMode.BICUBIC, 4: InterpolationMode.BOX,
                      5: InterpolationMode.HAMMING, 1: InterpolationMode.LANCZOS}
pil_modes_mapping = {InterpolationMode.NEAREST: 0, InterpolationMode.NEAREST_EXACT: 0,
                     InterpolationMode.BILINEAR: 2, InterpolationMode.BICUBIC: 3,
                     InterpolationMode.BOX: 4, InterpolationMode.HAMMING: 5,
                     InterpolationMode.LANCZOS: 1}
_TENSOR_MODES = ("nearest", "nearest-exact", "bilinear", "bicubic")


def _interpolation_modes_from_int(value):
    return _FROM_PIL_CONSTANT[value]


# -- images of the three kinds ------------------------------------------------------------

def _from_numpy_image(array):
    """A (C, H, W) tensor from an HxW or HxWxC numpy image."""
    if array.ndim not in (2, 3):
        raise ValueError(f"a numpy image should be HxW or HxWxC, got shape {array.shape}")
    chw = array[None] if array.ndim == 2 else array.transpose(2, 0, 1)
    return as_tensor(np.ascontiguousarray(chw))


def _to_numpy_image(image, keep_channel_dim=False):
    """An HxWxC numpy image from a (C, H, W) tensor; HxW when C == 1 unless
    keep_channel_dim."""
    array = np.ascontiguousarray(image.detach().numpy(force=True).transpose(1, 2, 0))
    return array if keep_channel_dim or array.shape[2] != 1 else array[:, :, 0]


def _apply(img, on_tensor, on_pil):
    """on_tensor(img) for tensors and numpy images (converted there and back), on_pil(img)
    for PIL images."""
    if isinstance(img, Tensor):
        return on_tensor(img)
    if is_pil_image(img):
        return on_pil(img)
    if isinstance(img, np.ndarray):
        out = on_tensor(_from_numpy_image(img))
        return _to_numpy_image(out, keep_channel_dim=img.ndim == 3)
    raise TypeError(f"img should be PIL Image, Tensor or numpy ndarray. Got {type(img)}")


def _assert_image_tensor(img):
    if img.ndim < 2:
        raise TypeError(f"Tensor is not a torch image: it should have at least 2 dims "
                        f"(..., H, W), got shape {list(img.shape)}")


def _tensor_dimensions(img):
    _assert_image_tensor(img)
    return [1 if img.ndim == 2 else img.shape[-3], img.shape[-2], img.shape[-1]]


def get_dimensions(img):
    """[channels, height, width] of an image."""
    if isinstance(img, np.ndarray):
        return [1 if img.ndim == 2 else img.shape[2], img.shape[0], img.shape[1]]
    return _apply(img, _tensor_dimensions, F_pil.get_dimensions)


def get_image_size(img):
    """[width, height] of an image."""
    _, height, width = get_dimensions(img)
    return [width, height]


def get_image_num_channels(img):
    return get_dimensions(img)[0]


def _assert_channels(img, permitted):
    channels = _tensor_dimensions(img)[0]
    if channels not in permitted:
        raise TypeError(f"Input image tensor permitted channel values are {permitted}, but "
                        f"found {channels}")


# -- conversions ----------------------------------------------------------------------------

_PIL_MODE_TYPES = {"I": np.int32, "I;16": np.int16, "F": np.float32}


def _pil_to_chw_array(pic):
    array = np.array(pic, _PIL_MODE_TYPES.get(pic.mode, np.uint8), copy=True)
    if pic.mode == "1":
        array = 255 * array
    array = array.reshape(pic.height, pic.width, len(pic.getbands()))
    return np.ascontiguousarray(array.transpose(2, 0, 1))


def to_tensor(pic):
    """A PIL image or HxW(xC) numpy array as a (C, H, W) tensor; uint8 data becomes the default
    float dtype scaled to [0, 1], other dtypes are kept.

    Example:
        >>> to_tensor(np.full((2, 2, 3), 255, np.uint8)).shape
        ember.Size([3, 2, 2])
    """
    if isinstance(pic, np.ndarray):
        if pic.ndim not in (2, 3):
            raise ValueError(f"pic should be 2/3 dimensional. Got {pic.ndim} dimensions.")
        array = np.ascontiguousarray((pic[:, :, None] if pic.ndim == 2 else pic)
                                     .transpose(2, 0, 1))
    elif is_pil_image(pic):
        array = _pil_to_chw_array(pic)
    else:
        raise TypeError(f"pic should be PIL Image or ndarray. Got {type(pic)}")
    if array.dtype == np.uint8:
        scaled = array.astype(_dtype.get_default_dtype().np)
        scaled /= 255
        return from_numpy(scaled)
    return from_numpy(array)


def pil_to_tensor(pic):
    """A PIL image (or HxW(xC) numpy array) as a (C, H, W) tensor of its own dtype, unscaled."""
    if isinstance(pic, np.ndarray):
        return _from_numpy_image(pic).clone()
    if not is_pil_image(pic):
        raise TypeError(f"pic should be PIL Image. Got {type(pic)}")
    return from_numpy(_pil_to_chw_array(pic))


def _max_value(dtype):
    return 1.0 if dtype.is_floating_point else int(np.iinfo(dtype.np).max)


def convert_image_dtype(image, dtype=_dtype.float32):
    """A tensor image in another dtype, rescaled: floats span [0, 1], integers [0, max].

    Example:
        >>> convert_image_dtype(ember.tensor([[[255]]], dtype=ember.uint8)).item()
        1.0
    """
    if not isinstance(image, Tensor):
        raise TypeError("Input img should be Tensor Image")
    if image.dtype is dtype:
        return image
    if image.is_floating_point():
        if dtype.is_floating_point:
            return image.to(dtype)
        if (image.dtype is _dtype.float32 and dtype in (_dtype.int32, _dtype.int64)) or \
                (image.dtype is _dtype.float64 and dtype is _dtype.int64):
            raise RuntimeError(f"The cast from {image.dtype} to {dtype} cannot be performed "
                               f"safely.")
        # 1 - eps below the next integer, so that 1.0 maps to max and not max + 1
        return image.mul(_max_value(dtype) + 1.0 - 1e-3).to(dtype)
    input_max = _max_value(image.dtype)
    if dtype.is_floating_point:
        return image.to(dtype) / input_max
    output_max = _max_value(dtype)
    if input_max > output_max:
        factor = (input_max + 1) // (output_max + 1)
        return image.div(factor, rounding_mode="floor").to(dtype)
    return image.to(dtype) * ((output_max + 1) // (input_max + 1))


def _float_to_uint8(array):
    """x * 255 as uint8, truncated and wrapped modulo 256 as torch's float -> uint8 cast."""
    with np.errstate(invalid="ignore"):
        return np.trunc(array * 255).astype(np.int64).astype(np.uint8)


def to_pil_image(pic, mode=None):
    """A tensor (C, H, W) or numpy array (H, W, C) as a PIL image; float data is scaled by 255
    (unless mode is "F"). Needs Pillow.

    Args:
        pic: the image, 2-D or 3-D with at most 4 channels.
        mode: the PIL mode (default: L, LA, RGB or RGBA by channels for uint8 data).
    """
    image_module = require_pil("to_pil_image")
    if isinstance(pic, Tensor):
        if pic.ndim == 3:
            pic = pic.permute(1, 2, 0)
        pic = pic.detach().numpy(force=True)
    elif not isinstance(pic, np.ndarray):
        raise TypeError(f"pic should be Tensor or ndarray. Got {type(pic)}.")
    if pic.ndim == 2:
        pic = pic[:, :, None]
    if pic.ndim != 3:
        raise ValueError(f"pic should be 2/3 dimensional. Got {pic.ndim} dimensions.")
    if pic.shape[-1] > 4:
        raise ValueError(f"pic should not have > 4 channels. Got {pic.shape[-1]} channels.")
    npimg = pic
    if np.issubdtype(npimg.dtype, np.floating) and mode != "F":
        npimg = _float_to_uint8(npimg)
    channels = npimg.shape[2]
    if channels == 1:
        npimg = npimg[:, :, 0]
        expected = {np.dtype(np.uint8): "L", np.dtype(np.int16): "I;16",
                    np.dtype(np.int32): "I", np.dtype(np.float32): "F"}.get(npimg.dtype)
        if mode is not None and mode != expected:
            raise ValueError(f"Incorrect mode ({mode}) supplied for input type {npimg.dtype}. "
                             f"Should be {expected}")
        mode = expected
    else:
        permitted = {2: ["LA"], 3: ["RGB", "YCbCr", "HSV"], 4: ["RGBA", "CMYK", "RGBX"]}
        if mode is not None and mode not in permitted[channels]:
            raise ValueError(f"Only modes {permitted[channels]} are supported for "
                             f"{channels}-channel inputs")
        if mode is None and npimg.dtype == np.uint8:
            mode = permitted[channels][0]
    if mode is None:
        raise TypeError(f"Input type {npimg.dtype} is not supported")
    return image_module.fromarray(np.ascontiguousarray(npimg), mode=mode)


# -- normalisation ----------------------------------------------------------------------------

def normalize(tensor, mean, std, inplace=False):
    """(tensor - mean) / std per channel, for a float tensor image (..., C, H, W).

    Example:
        >>> normalize(ember.ones(3, 2, 2), mean=(0.5,) * 3, std=(0.5,) * 3)[0, 0, 0].item()
        1.0
    """
    if not isinstance(tensor, Tensor):
        raise TypeError(f"img should be Tensor Image. Got {type(tensor)}")
    _assert_image_tensor(tensor)
    if not tensor.is_floating_point():
        raise TypeError(f"Input tensor should be a float tensor. Got {tensor.dtype}.")
    if tensor.ndim < 3:
        raise ValueError(f"Expected tensor to be a tensor image of size (..., C, H, W). Got "
                         f"tensor.size() = {tensor.size()}")
    if not inplace:
        tensor = tensor.clone()
    mean = as_tensor(mean, dtype=tensor.dtype, device=tensor.device)
    std = as_tensor(std, dtype=tensor.dtype, device=tensor.device)
    if (std == 0).any():
        raise ValueError(f"std evaluated to zero after conversion to {tensor.dtype}, leading to "
                         f"division by zero.")
    if mean.ndim == 1:
        mean = mean.view(-1, 1, 1)
    if std.ndim == 1:
        std = std.view(-1, 1, 1)
    return tensor.sub_(mean).div_(std)


# -- geometry ---------------------------------------------------------------------------------

def _compute_resized_output_size(image_size, size, max_size=None):
    height, width = image_size
    short, long = (width, height) if width <= height else (height, width)
    if len(size) == 1:
        requested_short = size[0]
        new_short, new_long = requested_short, int(requested_short * long / short)
        if max_size is not None:
            if max_size <= requested_short:
                raise ValueError(f"max_size = {max_size} must be strictly greater than the "
                                 f"requested size for the smaller edge size = {size}")
            if new_long > max_size:
                new_short, new_long = int(max_size * new_short / new_long), max_size
        new_width, new_height = (new_short, new_long) if width <= height \
            else (new_long, new_short)
    else:
        new_width, new_height = size[1], size[0]
    return [new_height, new_width]


def _resize_tensor(img, size, mode, antialias):
    if mode not in _TENSOR_MODES:
        raise ValueError(f"resize of a tensor image supports the interpolation modes "
                         f"{list(_TENSOR_MODES)}, not '{mode}'; use a PIL image for it")
    shape = tuple(img.shape)
    x = img.reshape((-1,) + shape[-3:]) if img.ndim >= 3 else img.reshape(1, 1, *shape)
    out_dtype = x.dtype
    cast = out_dtype not in (_dtype.float32, _dtype.float64)
    if cast:
        x = x.to(_dtype.float32)
    smooth = mode in ("bilinear", "bicubic")
    x = nn_functional.interpolate(x, size=list(size), mode=mode,
                                  align_corners=False if smooth else None,
                                  antialias=bool(antialias) and smooth)
    if mode == "bicubic" and out_dtype is _dtype.uint8:
        x = x.clamp(0, 255)
    if cast:
        if not out_dtype.is_floating_point:
            x = x.round()
        x = x.to(out_dtype)
    return x.reshape(shape[:-2] + tuple(size))


def resize(img, size, interpolation=InterpolationMode.BILINEAR, max_size=None, antialias=True):
    """Resize to size: an int (the shorter side, keeping the aspect ratio) or (h, w).

    Args:
        img: the image.
        size: int or [int] (shorter side) or (h, w).
        interpolation: an InterpolationMode (or a Pillow filter constant).
        max_size: the most the longer side may be, with an int size.
        antialias: low-pass filter when downsampling tensors with bilinear or bicubic (PIL
            images are always antialiased).

    Example:
        >>> resize(ember.rand(3, 32, 64), 16).shape
        ember.Size([3, 16, 32])
    """
    if isinstance(interpolation, int):
        interpolation = _interpolation_modes_from_int(interpolation)
    elif not isinstance(interpolation, InterpolationMode):
        raise TypeError("Argument interpolation should be a InterpolationMode or a "
                        "corresponding Pillow integer constant")
    if isinstance(size, (list, tuple)):
        if len(size) not in (1, 2):
            raise ValueError(f"Size must be an int or a 1 or 2 element tuple/list, not a "
                             f"{len(size)} element tuple/list")
        if max_size is not None and len(size) != 1:
            raise ValueError("max_size should only be passed if size specifies the length of "
                             "the smaller edge, i.e. size should be an int or a sequence of "
                             "length 1 in torchscript mode.")
    _, height, width = get_dimensions(img)
    if isinstance(size, int):
        size = [size]
    output_size = _compute_resized_output_size((height, width), size, max_size)
    if [height, width] == output_size:
        return img
    if is_pil_image(img) and antialias is False:
        warnings.warn("Anti-alias option is always applied for PIL Image input. Argument "
                      "antialias is ignored.")
    return _apply(img, lambda t: _resize_tensor(t, output_size, interpolation.value, antialias),
                  lambda p: F_pil.resize(p, output_size, pil_modes_mapping[interpolation]))


def _parse_padding(padding):
    """[left, top, right, bottom] from an int or a sequence of 1, 2 or 4 ints."""
    if not isinstance(padding, (numbers.Number, tuple, list)):
        raise TypeError("Got inappropriate padding arg")
    if isinstance(padding, numbers.Number):
        return [int(padding)] * 4
    if len(padding) not in (1, 2, 4):
        raise ValueError(f"Padding must be an int or a 1, 2, or 4 element tuple, not a "
                         f"{len(padding)} element tuple")
    if len(padding) == 1:
        return [padding[0]] * 4
    if len(padding) == 2:
        return [padding[0], padding[1], padding[0], padding[1]]
    return list(padding)


def _pad_symmetric(img, left, top, right, bottom):
    height, width = img.shape[-2], img.shape[-1]
    rows = list(range(top - 1, -1, -1)) + list(range(height)) \
        + [height - 1 - i for i in range(bottom)]
    columns = list(range(left - 1, -1, -1)) + list(range(width)) \
        + [width - 1 - i for i in range(right)]
    rows = tensor(rows, device=img.device)
    columns = tensor(columns, device=img.device)
    return img.index_select(img.ndim - 2, rows).index_select(img.ndim - 1, columns)


def _pad_tensor(img, padding, fill, padding_mode):
    _assert_image_tensor(img)
    fill = 0 if fill is None else fill
    if not isinstance(fill, (int, float)):
        raise TypeError("Got inappropriate fill arg")
    left, top, right, bottom = padding
    if padding_mode == "symmetric":
        if min(padding) < 0:
            raise ValueError("Padding can not be negative for symmetric padding_mode")
        return _pad_symmetric(img, left, top, right, bottom)
    shape = tuple(img.shape)
    x = img.reshape((-1,) + shape[-3:]) if img.ndim >= 3 else img.reshape(1, 1, *shape)
    out_dtype = x.dtype
    cast = padding_mode != "constant" and out_dtype not in (_dtype.float32, _dtype.float64)
    if cast:
        x = x.to(_dtype.float32)
    amounts = [left, right, top, bottom]
    if padding_mode == "constant":
        x = nn_functional.pad(x, amounts, mode="constant", value=float(fill))
    else:
        x = nn_functional.pad(x, amounts, mode="replicate" if padding_mode == "edge"
                              else padding_mode)
    if cast:
        x = x.to(out_dtype)
    return x.reshape(shape[:-2] + tuple(x.shape[-2:]))


def pad(img, padding, fill=0, padding_mode="constant"):
    """Pad the borders of an image.

    Args:
        img: the image.
        padding: int (all sides), (left/right, top/bottom) or (left, top, right, bottom).
        fill: the value of constant padding (a tuple per channel for PIL images).
        padding_mode: "constant", "edge" (repeat the last value), "reflect" (mirror without
            the edge value) or "symmetric" (mirror with it).

    Example:
        >>> pad(ember.ones(1, 2, 2), 1).shape
        ember.Size([1, 4, 4])
    """
    padding = _parse_padding(padding)
    if not isinstance(padding_mode, str):
        raise TypeError("Got inappropriate padding_mode arg")
    if padding_mode not in ("constant", "edge", "reflect", "symmetric"):
        raise ValueError("Padding mode should be either constant, edge, reflect or symmetric")
    return _apply(img, lambda t: _pad_tensor(t, padding, fill, padding_mode),
                  lambda p: F_pil.pad(p, padding, fill, padding_mode))


def _crop_tensor(img, top, left, height, width):
    _, image_height, image_width = _tensor_dimensions(img)
    right, bottom = left + width, top + height
    if left < 0 or top < 0 or right > image_width or bottom > image_height:
        padding = [max(-left + min(0, right), 0), max(-top + min(0, bottom), 0),
                   max(right - max(image_width, left), 0),
                   max(bottom - max(image_height, top), 0)]
        inside = img[..., max(top, 0):bottom, max(left, 0):right]
        return _pad_tensor(inside, padding, 0, "constant")
    return img[..., top:bottom, left:right]


def crop(img, top, left, height, width):
    """The height x width window whose top-left corner is (top, left); zeros outside."""
    return _apply(img, lambda t: _crop_tensor(t, top, left, height, width),
                  lambda p: F_pil.crop(p, top, left, height, width))


def center_crop(img, output_size):
    """The central window of output_size (int or (h, w)), padding with zeros if larger."""
    if isinstance(output_size, numbers.Number):
        output_size = (int(output_size), int(output_size))
    elif isinstance(output_size, (tuple, list)) and len(output_size) == 1:
        output_size = (output_size[0], output_size[0])
    _, image_height, image_width = get_dimensions(img)
    crop_height, crop_width = output_size
    if crop_width > image_width or crop_height > image_height:
        padding = [(crop_width - image_width) // 2 if crop_width > image_width else 0,
                   (crop_height - image_height) // 2 if crop_height > image_height else 0,
                   (crop_width - image_width + 1) // 2 if crop_width > image_width else 0,
                   (crop_height - image_height + 1) // 2 if crop_height > image_height else 0]
        img = pad(img, padding, fill=0)
        _, image_height, image_width = get_dimensions(img)
        if crop_width == image_width and crop_height == image_height:
            return img
    top = int(round((image_height - crop_height) / 2.0))
    left = int(round((image_width - crop_width) / 2.0))
    return crop(img, top, left, crop_height, crop_width)


def resized_crop(img, top, left, height, width, size,
                 interpolation=InterpolationMode.BILINEAR, antialias=True):
    """crop, then resize to size."""
    return resize(crop(img, top, left, height, width), size, interpolation,
                  antialias=antialias)


def hflip(img):
    """Mirror left-right."""
    return _apply(img, lambda t: t.flip(-1), F_pil.hflip)


def vflip(img):
    """Mirror top-bottom."""
    return _apply(img, lambda t: t.flip(-2), F_pil.vflip)


# -- colour -----------------------------------------------------------------------------------

def _rgb_to_grayscale_tensor(img, num_output_channels=1):
    if img.ndim < 3:
        raise TypeError(f"Input image tensor should have at least 3 dimensions, but found "
                        f"{img.ndim}")
    _assert_channels(img, [1, 3])
    if num_output_channels not in (1, 3):
        raise ValueError("num_output_channels should be either 1 or 3")
    if img.shape[-3] == 3:
        r, g, b = img.unbind(dim=-3)
        # ITU-R 601-2 luma, the weights Pillow's convert("L") uses
        gray = (0.2989 * r + 0.587 * g + 0.114 * b).to(img.dtype).unsqueeze(-3)
    else:
        gray = img.clone()
    return gray.expand(*img.shape) if num_output_channels == 3 else gray


def rgb_to_grayscale(img, num_output_channels=1):
    """Luma 0.2989 R + 0.587 G + 0.114 B, as 1 or 3 (equal) channels."""
    return _apply(img, lambda t: _rgb_to_grayscale_tensor(t, num_output_channels),
                  lambda p: F_pil.to_grayscale(p, num_output_channels))


def to_grayscale(img, num_output_channels=1):
    """rgb_to_grayscale for PIL images."""
    if not is_pil_image(img):
        raise TypeError("Input should be PIL Image")
    return F_pil.to_grayscale(img, num_output_channels)


def _blend(img1, img2, ratio):
    """ratio * img1 + (1 - ratio) * img2, clamped to the dtype's range."""
    bound = _max_value(img1.dtype)
    out = (ratio * img1 + (1.0 - ratio) * img2).clamp(0, bound)
    return out if img1.is_floating_point() else out.to(img1.dtype)


def _check_factor(factor, name):
    if factor < 0:
        raise ValueError(f"{name} ({factor}) is not non-negative.")


def adjust_brightness(img, brightness_factor):
    """img * factor (0 gives black, 1 the original), clamped."""
    _check_factor(brightness_factor, "brightness_factor")

    def on_tensor(t):
        _assert_channels(t, [1, 3])
        return _blend(t, zeros_like(t), float(brightness_factor))
    return _apply(img, on_tensor, lambda p: F_pil.adjust_brightness(p, brightness_factor))


def adjust_contrast(img, contrast_factor):
    """Blend with the mean gray level (0 gives flat gray, 1 the original)."""
    _check_factor(contrast_factor, "contrast_factor")

    def on_tensor(t):
        _assert_channels(t, [1, 3])
        dtype = t.dtype if t.is_floating_point() else _dtype.float32
        gray = _rgb_to_grayscale_tensor(t) if t.shape[-3] == 3 else t
        mean = gray.to(dtype).mean(dim=(-3, -2, -1), keepdim=True)
        return _blend(t, mean, float(contrast_factor))
    return _apply(img, on_tensor, lambda p: F_pil.adjust_contrast(p, contrast_factor))


def adjust_saturation(img, saturation_factor):
    """Blend with the grayscale image (0 gives gray, 1 the original)."""
    _check_factor(saturation_factor, "saturation_factor")

    def on_tensor(t):
        _assert_channels(t, [1, 3])
        if t.shape[-3] == 1:
            return t
        return _blend(t, _rgb_to_grayscale_tensor(t), float(saturation_factor))
    return _apply(img, on_tensor, lambda p: F_pil.adjust_saturation(p, saturation_factor))


def _rgb_to_hsv(img):
    r, g, b = img.unbind(dim=-3)
    maxc = img.max(dim=-3).values
    minc = img.min(dim=-3).values
    equal = maxc == minc
    chroma = maxc - minc
    ones = maxc.new_ones(())
    saturation = chroma / where(equal, ones, maxc)
    divisor = where(equal, ones, chroma)  # grays: any hue, avoid 0 / 0
    rc, gc, bc = (maxc - r) / divisor, (maxc - g) / divisor, (maxc - b) / divisor
    hue_r = (maxc == r) * (bc - gc)
    hue_g = ((maxc == g) & (maxc != r)) * (2.0 + rc - bc)
    hue_b = ((maxc != g) & (maxc != r)) * (4.0 + gc - rc)
    hue = ((hue_r + hue_g + hue_b) / 6.0 + 1.0).fmod(1.0)
    return stack((hue, saturation, maxc), dim=-3)


def _hsv_to_rgb(img):
    h, s, v = img.unbind(dim=-3)
    sector = (h * 6.0).floor()
    f = h * 6.0 - sector
    sector = sector.to(_dtype.int32) % 6
    p = (v * (1.0 - s)).clamp(0.0, 1.0)
    q = (v * (1.0 - s * f)).clamp(0.0, 1.0)
    t = (v * (1.0 - s * (1.0 - f))).clamp(0.0, 1.0)
    mask = (sector.unsqueeze(-3) == arange(6, device=img.device).view(-1, 1, 1)).to(img.dtype)
    choices = stack((stack((v, q, p, p, t, v), dim=-3), stack((t, v, v, q, p, p), dim=-3),
                     stack((p, p, t, v, v, q), dim=-3)), dim=-4)  # (..., 3, 6, H, W)
    return (mask.unsqueeze(-4) * choices).sum(dim=-3)


def adjust_hue(img, hue_factor):
    """Rotate the hue by hue_factor turns (in [-0.5, 0.5]) in HSV space."""
    if not -0.5 <= hue_factor <= 0.5:
        raise ValueError(f"hue_factor ({hue_factor}) is not in [-0.5, 0.5].")

    def on_tensor(t):
        _assert_image_tensor(t)
        _assert_channels(t, [1, 3])
        if t.shape[-3] == 1:
            return t
        original = t.dtype
        hsv = _rgb_to_hsv(convert_image_dtype(t, _dtype.float32))
        h, s, v = hsv.unbind(dim=-3)
        rgb = _hsv_to_rgb(stack(((h + hue_factor) % 1.0, s, v), dim=-3))
        return convert_image_dtype(rgb, original)
    return _apply(img, on_tensor, lambda p: F_pil.adjust_hue(p, hue_factor))


# The other colour transforms live in _color.py, which builds on the helpers above (so they
# are imported last).
from ._color import (adjust_gamma, adjust_sharpness, autocontrast, equalize,  # noqa: E402
                     invert, posterize, solarize)

__all__ += ["adjust_gamma", "adjust_sharpness", "posterize", "solarize", "autocontrast",
            "equalize", "invert"]

# The other geometric transforms (and blur, erase, five/ten crops) live in _geometry.py, which
# also builds on the helpers above.
from ._geometry import (_get_inverse_affine_matrix, _get_perspective_coeffs,  # noqa: E402
                        affine, elastic_transform, erase, five_crop, gaussian_blur,
                        perspective, rotate, ten_crop)

__all__ += ["rotate", "affine", "perspective", "gaussian_blur", "erase", "elastic_transform",
            "five_crop", "ten_crop"]
