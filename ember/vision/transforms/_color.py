"""Colour transforms, as torchvision's: gamma, sharpness, posterize, solarize, autocontrast,
equalize and invert (functional forms, exported from functional.py), and their random
transforms (RandomInvert ... RandomEqualize, exported from transforms.py).

Tensor images (..., C, H, W) go through ember ops as torchvision's _functional_tensor.py does,
step for step, so that uint8 results agree exactly and float ones to rounding; PIL images go
through Pillow's ImageOps and ImageEnhance, as torchvision's _functional_pil.py does; uint8
numpy images HxW / HxWxC go through the tensor path (see functional.py).
"""
from ... import _dtype
from ...nn import Module
from ...nn import functional as nn_functional
from ...ops.creation import ones
from ...ops.join import stack
from ...ops.compare import where
from .._image import is_pil_image, require_pil
from . import functional as F
from ._draws import _rand

__all__ = ["adjust_gamma", "adjust_sharpness", "posterize", "solarize", "autocontrast",
           "equalize", "invert", "RandomInvert", "RandomPosterize", "RandomSolarize",
           "RandomAdjustSharpness", "RandomAutocontrast", "RandomEqualize"]


def _require_3d(img):
    F._assert_image_tensor(img)
    if img.ndim < 3:
        raise TypeError(f"Input image tensor should have at least 3 dimensions, but found "
                        f"{img.ndim}")


def _pil_ops(name):
    """PIL.ImageOps or PIL.ImageEnhance, raising a clear error without Pillow."""
    require_pil(f"{name} of a PIL image")
    if name == "adjust_sharpness":
        from PIL import ImageEnhance
        return ImageEnhance
    from PIL import ImageOps
    return ImageOps


# -- gamma --------------------------------------------------------------------------------

def _adjust_gamma_pil(img, gamma, gain):
    if gamma < 0:
        raise ValueError("Gamma should be a non-negative real number")
    input_mode = img.mode
    img = img.convert("RGB")
    # torchvision's table: 256 - 1e-3 rather than 255, so that 1.0 maps to 255
    gamma_map = [int((255 + 1 - 1e-3) * gain * pow(value / 255.0, gamma))
                 for value in range(256)] * 3
    return img.point(gamma_map).convert(input_mode)


def _adjust_gamma_tensor(img, gamma, gain):
    F._assert_channels(img, [1, 3])
    if gamma < 0:
        raise ValueError("Gamma should be a non-negative real number")
    dtype = img.dtype
    result = img if img.is_floating_point() else F.convert_image_dtype(img, _dtype.float32)
    result = (gain * result.pow(gamma)).clamp(0, 1)
    return F.convert_image_dtype(result, dtype)


def adjust_gamma(img, gamma, gain=1):
    """Gamma correction: out = gain * in ** gamma, on intensities scaled to [0, 1], clamped.

    Args:
        img: the image (tensor with 1 or 3 channels, PIL image or uint8 numpy image).
        gamma: non-negative; above 1 darkens the shadows, below 1 lightens them.
        gain: the constant multiplier.

    Example:
        >>> adjust_gamma(ember.tensor([[[0.25]]]), 0.5).item()
        0.5
    """
    return F._apply(img, lambda t: _adjust_gamma_tensor(t, gamma, gain),
                    lambda p: _adjust_gamma_pil(p, gamma, gain))


# -- sharpness ------------------------------------------------------------------------------

def _blurred_degenerate_image(img):
    """img smoothed by the 3x3 kernel [[1, 1, 1], [1, 5, 1], [1, 1, 1]] / 13, its one-pixel
    border left as it is (PIL's ImageFilter.SMOOTH, which Sharpness blends with)."""
    dtype = img.dtype if img.is_floating_point() else _dtype.float32
    kernel = ones(3, 3, dtype=dtype, device=img.device)
    kernel[1, 1] = 5.0
    kernel /= kernel.sum()
    channels, height, width = F._tensor_dimensions(img)
    batch = img.reshape(-1, channels, height, width)  # (N, C, H, W)
    if batch.dtype is not dtype:
        batch = batch.to(dtype)
    smooth = nn_functional.conv2d(batch, kernel.expand(channels, 1, 3, 3), groups=channels)
    if not img.is_floating_point():
        smooth = smooth.round().to(img.dtype)  # rounded before the cast, as torchvision
    result = img.clone()
    result[..., 1:-1, 1:-1] = smooth.reshape(img.shape[:-2] + (height - 2, width - 2))
    return result


def _adjust_sharpness_tensor(img, sharpness_factor):
    F._assert_image_tensor(img)
    F._assert_channels(img, [1, 3])
    if img.shape[-1] <= 2 or img.shape[-2] <= 2:
        return img
    return F._blend(img, _blurred_degenerate_image(img), float(sharpness_factor))


def _check_sharpness(img, sharpness_factor):
    # torchvision checks the factor on tensors only: Pillow extrapolates past 0
    if not is_pil_image(img) and sharpness_factor < 0:
        raise ValueError(f"sharpness_factor ({sharpness_factor}) is not non-negative.")


def adjust_sharpness(img, sharpness_factor):
    """Blend with a smoothed copy: 0 gives the smoothed image, 1 the original, 2 twice as
    sharp. out = factor * img + (1 - factor) * smooth(img), clamped; the one-pixel border is
    never smoothed.

    Example:
        >>> adjust_sharpness(ember.ones(3, 4, 4), 2.0).shape
        ember.Size([3, 4, 4])
    """
    _check_sharpness(img, sharpness_factor)
    return F._apply(img, lambda t: _adjust_sharpness_tensor(t, sharpness_factor),
                    lambda p: _pil_ops("adjust_sharpness").Sharpness(p).enhance(
                        sharpness_factor))


# -- posterize, solarize, invert -------------------------------------------------------------

def _posterize_tensor(img, bits):
    _require_3d(img)
    if img.dtype is not _dtype.uint8:
        raise TypeError(f"Only ember.uint8 image tensors are supported, but found {img.dtype}")
    F._assert_channels(img, [1, 3])
    mask = -int(2 ** (8 - bits))  # ~(2 ** (8 - bits) - 1): keeps the top `bits` bits
    return img & mask


def posterize(img, bits):
    """Keep the `bits` (0 to 8) most significant bits of each channel; uint8 tensors only.

    Example:
        >>> posterize(ember.tensor([[[255]]], dtype=ember.uint8), 2).item()
        192
    """
    if not 0 <= bits <= 8:
        raise ValueError(f"The number if bits should be between 0 and 8. Got {bits}")
    return F._apply(img, lambda t: _posterize_tensor(t, bits),
                    lambda p: _pil_ops("posterize").posterize(p, bits))


def _invert_tensor(img):
    _require_3d(img)
    F._assert_channels(img, [1, 3])
    return F._max_value(img.dtype) - img


def invert(img):
    """max - img, with max 1.0 for float images and 255 for uint8.

    Example:
        >>> invert(ember.tensor([[[0.25]]])).item()
        0.75
    """
    return F._apply(img, _invert_tensor, lambda p: _pil_ops("invert").invert(p))


def _solarize_tensor(img, threshold):
    _require_3d(img)
    F._assert_channels(img, [1, 3])
    if threshold > F._max_value(img.dtype):
        raise TypeError("Threshold should be less than bound of img.")
    return where(img >= threshold, _invert_tensor(img), img)


def solarize(img, threshold):
    """Invert the values at or above threshold.

    Example:
        >>> solarize(ember.tensor([[[0.25, 0.75]]]), 0.5)
        tensor([[[0.2500, 0.2500]]])
    """
    return F._apply(img, lambda t: _solarize_tensor(t, threshold),
                    lambda p: _pil_ops("solarize").solarize(p, threshold))


# -- autocontrast, equalize -------------------------------------------------------------------

def _autocontrast_tensor(img):
    _require_3d(img)
    F._assert_channels(img, [1, 3])
    bound = F._max_value(img.dtype)
    dtype = img.dtype if img.is_floating_point() else _dtype.float32
    minimum = img.amin(dim=(-2, -1), keepdim=True).to(dtype)
    maximum = img.amax(dim=(-2, -1), keepdim=True).to(dtype)
    scale = bound / (maximum - minimum)
    flat = scale.isfinite().logical_not()  # a constant channel is left as it is
    minimum = where(flat, 0.0, minimum)
    scale = where(flat, 1.0, scale)
    out = ((img - minimum) * scale).clamp(0, bound)
    return out if out.dtype is img.dtype else out.to(img.dtype)


def autocontrast(img):
    """Stretch each channel linearly so that its darkest value becomes 0 and its lightest the
    maximum (1.0 or 255): out = (img - min) * max_value / (max - min), per channel.

    Example:
        >>> autocontrast(ember.tensor([[[0.25, 0.5]]]))
        tensor([[[0., 1.]]])
    """
    return F._apply(img, _autocontrast_tensor, lambda p: _pil_ops("autocontrast").autocontrast(p))


def _scale_channel(channel):
    """Histogram equalization of one uint8 channel (H, W), by Pillow's lookup table: the
    cumulative histogram, offset by half a step, divided by the step (the count of the pixels
    outside the brightest level, over 255), shifted one level up."""
    hist = channel.reshape(-1).bincount(minlength=256)  # (256,) int64
    nonzero_hist = hist[hist != 0]
    step = nonzero_hist[:-1].sum().div(255, rounding_mode="floor")
    if int(step) == 0:
        return channel
    lut = (hist.cumsum(0) + step.div(2, rounding_mode="floor")).div(step, rounding_mode="floor")
    lut = nn_functional.pad(lut, [1, 0])[:-1].clamp(0, 255)
    return lut[channel.to(_dtype.int64)].to(_dtype.uint8)


def _equalize_single_image(img):
    return stack([_scale_channel(img[c]) for c in range(img.shape[0])])


def _equalize_tensor(img):
    F._assert_image_tensor(img)
    if not 3 <= img.ndim <= 4:
        raise TypeError(f"Input image tensor should have 3 or 4 dimensions, but found "
                        f"{img.ndim}")
    if img.dtype is not _dtype.uint8:
        raise TypeError(f"Only ember.uint8 image tensors are supported, but found {img.dtype}")
    F._assert_channels(img, [1, 3])
    if img.ndim == 3:
        return _equalize_single_image(img)
    return stack([_equalize_single_image(image) for image in img])


def equalize(img):
    """Equalize each channel's histogram so that its values spread evenly over 0..255;
    uint8 tensors (C, H, W) or (N, C, H, W) only.

    Example:
        >>> equalize(ember.randint(0, 100, (3, 32, 32), dtype=ember.uint8)).amax().item()
        255
    """
    return F._apply(img, _equalize_tensor, lambda p: _pil_ops("equalize").equalize(p))


# -- random transforms ------------------------------------------------------------------------

class RandomInvert(Module):
    """Invert the colours (see invert) with probability p.

    Example:
        >>> RandomInvert(p=1.0)(ember.tensor([[[0.25]]])).item()
        0.75
    """

    def __init__(self, p=0.5):
        super().__init__()
        self.p = p

    def forward(self, img):
        return invert(img) if _rand() < self.p else img

    def __repr__(self):
        return f"{self.__class__.__name__}(p={self.p})"


class RandomPosterize(Module):
    """Posterize to `bits` bits per channel (see posterize) with probability p."""

    def __init__(self, bits, p=0.5):
        super().__init__()
        self.bits = bits
        self.p = p

    def forward(self, img):
        return posterize(img, self.bits) if _rand() < self.p else img

    def __repr__(self):
        return f"{self.__class__.__name__}(bits={self.bits},p={self.p})"  # sic, torchvision's


class RandomSolarize(Module):
    """Invert the values at or above threshold (see solarize) with probability p."""

    def __init__(self, threshold, p=0.5):
        super().__init__()
        self.threshold = threshold
        self.p = p

    def forward(self, img):
        return solarize(img, self.threshold) if _rand() < self.p else img

    def __repr__(self):
        return f"{self.__class__.__name__}(threshold={self.threshold},p={self.p})"


class RandomAdjustSharpness(Module):
    """adjust_sharpness by sharpness_factor with probability p."""

    def __init__(self, sharpness_factor, p=0.5):
        super().__init__()
        self.sharpness_factor = sharpness_factor
        self.p = p

    def forward(self, img):
        return adjust_sharpness(img, self.sharpness_factor) if _rand() < self.p else img

    def __repr__(self):
        return (f"{self.__class__.__name__}(sharpness_factor={self.sharpness_factor},"
                f"p={self.p})")


class RandomAutocontrast(Module):
    """autocontrast with probability p."""

    def __init__(self, p=0.5):
        super().__init__()
        self.p = p

    def forward(self, img):
        return autocontrast(img) if _rand() < self.p else img

    def __repr__(self):
        return f"{self.__class__.__name__}(p={self.p})"


class RandomEqualize(Module):
    """equalize with probability p."""

    def __init__(self, p=0.5):
        super().__init__()
        self.p = p

    def forward(self, img):
        return equalize(img) if _rand() < self.p else img

    def __repr__(self):
        return f"{self.__class__.__name__}(p={self.p})"
