"""Image transforms as callables, as torchvision.transforms.

They take ember tensor images (..., C, H, W), PIL images, and (unlike torchvision) the uint8
numpy images ember's datasets give without Pillow; see functional.py. The random ones draw
from ember's default generator, so ember.manual_seed makes them reproducible (and DataLoader
workers, which seed it per worker, draw differently).
"""
import math
import numbers
import warnings
from collections.abc import Sequence

from ...nn import Module
from ...ops.random import randperm
from . import functional as F
from ._color import (RandomAdjustSharpness, RandomAutocontrast, RandomEqualize, RandomInvert,
                     RandomPosterize, RandomSolarize)
from ._draws import _SIZE_ERROR, _rand, _randint, _setup_size, _uniform
from ._geometry_transforms import (ElasticTransform, FiveCrop, GaussianBlur, LinearTransformation,
                                   RandomAffine, RandomChoice, RandomErasing, RandomOrder,
                                   RandomPerspective, RandomRotation, TenCrop)
from .functional import InterpolationMode, _interpolation_modes_from_int

__all__ = ["Compose", "ToTensor", "PILToTensor", "ConvertImageDtype", "ToPILImage", "Normalize",
           "Resize", "CenterCrop", "Pad", "Lambda", "RandomApply", "RandomCrop",
           "RandomHorizontalFlip", "RandomVerticalFlip", "RandomResizedCrop", "ColorJitter",
           "Grayscale", "RandomGrayscale", "InterpolationMode",
           # the random colour transforms, beside their functional forms in _color.py
           "RandomInvert", "RandomPosterize", "RandomSolarize", "RandomAdjustSharpness",
           "RandomAutocontrast", "RandomEqualize",
           # geometry, blur, erasing, five/ten crops, random choice/order and the linear map,
           # in _geometry_transforms.py (their functional forms in _geometry.py)
           "RandomRotation", "RandomAffine", "RandomPerspective", "GaussianBlur",
           "RandomErasing", "ElasticTransform", "FiveCrop", "TenCrop", "RandomChoice",
           "RandomOrder", "LinearTransformation"]


class Compose:
    """Apply transforms one after another.

    Example:
        >>> transform = Compose([ToTensor(), Normalize((0.5,), (0.5,))])
    """

    def __init__(self, transforms):
        self.transforms = transforms

    def __call__(self, img):
        for t in self.transforms:
            img = t(img)
        return img

    def __repr__(self):
        lines = [f"    {t}" for t in self.transforms]
        return self.__class__.__name__ + "(" + "".join("\n" + line for line in lines) + "\n)"


class ToTensor:
    """PIL image or HxW(xC) numpy array -> (C, H, W) tensor; uint8 scaled to floats in [0, 1].

    Example:
        >>> ToTensor()(np.zeros((28, 28), np.uint8)).shape
        ember.Size([1, 28, 28])
    """

    def __call__(self, pic):
        return F.to_tensor(pic)

    def __repr__(self):
        return f"{self.__class__.__name__}()"


class PILToTensor:
    """PIL image -> (C, H, W) tensor of the same dtype, unscaled."""

    def __call__(self, pic):
        return F.pil_to_tensor(pic)

    def __repr__(self):
        return f"{self.__class__.__name__}()"


class ConvertImageDtype(Module):
    """Convert a tensor image to dtype, rescaling its values (see functional)."""

    def __init__(self, dtype):
        super().__init__()
        self.dtype = dtype

    def forward(self, image):
        return F.convert_image_dtype(image, self.dtype)

    def __repr__(self):
        return f"{self.__class__.__name__}()"


class ToPILImage:
    """Tensor (C, H, W) or numpy (H, W, C) -> PIL image (needs Pillow)."""

    def __init__(self, mode=None):
        self.mode = mode

    def __call__(self, pic):
        return F.to_pil_image(pic, self.mode)

    def __repr__(self):
        return self.__class__.__name__ + (f"(mode={self.mode})" if self.mode is not None
                                          else "()")


class Normalize(Module):
    """output[c] = (input[c] - mean[c]) / std[c], for float tensor images.

    Args:
        mean: a sequence of means, one per channel.
        std: a sequence of standard deviations, one per channel.
        inplace: change the input tensor.

    Example:
        >>> Normalize((0.5,), (0.5,))
        Normalize(mean=(0.5,), std=(0.5,))
    """

    def __init__(self, mean, std, inplace=False):
        super().__init__()
        self.mean = mean
        self.std = std
        self.inplace = inplace

    def forward(self, tensor):
        return F.normalize(tensor, self.mean, self.std, self.inplace)

    def __repr__(self):
        return f"{self.__class__.__name__}(mean={self.mean}, std={self.std})"


class Resize(Module):
    """Resize to size: an int (the shorter side, keeping the aspect ratio) or (h, w).

    Tensors are resampled by interpolate (bilinear by default, antialiased when shrinking);
    PIL images by Pillow's filter of the same name.

    Args:
        size: int or (h, w).
        interpolation: an InterpolationMode (or a Pillow filter constant).
        max_size: the most the longer side may be, with an int size.
        antialias: low-pass filter when downsampling tensors (PIL always does).

    Example:
        >>> Resize(16)(ember.rand(3, 32, 48)).shape
        ember.Size([3, 16, 24])
    """

    def __init__(self, size, interpolation=InterpolationMode.BILINEAR, max_size=None,
                 antialias=True):
        super().__init__()
        if not isinstance(size, (int, Sequence)):
            raise TypeError(f"Size should be int or sequence. Got {type(size)}")
        if isinstance(size, Sequence) and len(size) not in (1, 2):
            raise ValueError("If size is a sequence, it should have 1 or 2 values")
        self.size = size
        self.max_size = max_size
        if isinstance(interpolation, int):
            interpolation = _interpolation_modes_from_int(interpolation)
        self.interpolation = interpolation
        self.antialias = antialias

    def forward(self, img):
        return F.resize(img, self.size, self.interpolation, self.max_size, self.antialias)

    def __repr__(self):
        return (f"{self.__class__.__name__}(size={self.size}, interpolation="
                f"{self.interpolation.value}, max_size={self.max_size}, "
                f"antialias={self.antialias})")


class CenterCrop(Module):
    """The central size (int or (h, w)) window; padded with zeros where the image is smaller.

    Example:
        >>> CenterCrop(2)(ember.rand(3, 4, 4)).shape
        ember.Size([3, 2, 2])
    """

    def __init__(self, size):
        super().__init__()
        self.size = _setup_size(size, _SIZE_ERROR)

    def forward(self, img):
        return F.center_crop(img, self.size)

    def __repr__(self):
        return f"{self.__class__.__name__}(size={self.size})"


class Pad(Module):
    """Pad the borders (see functional.pad for padding, fill and padding_mode).

    Example:
        >>> Pad(2)(ember.rand(3, 4, 4)).shape
        ember.Size([3, 8, 8])
    """

    def __init__(self, padding, fill=0, padding_mode="constant"):
        super().__init__()
        if not isinstance(padding, (numbers.Number, tuple, list)):
            raise TypeError("Got inappropriate padding arg")
        if not isinstance(fill, (numbers.Number, tuple, list)):
            raise TypeError("Got inappropriate fill arg")
        if padding_mode not in ("constant", "edge", "reflect", "symmetric"):
            raise ValueError("Padding mode should be either constant, edge, reflect or "
                             "symmetric")
        if isinstance(padding, Sequence) and len(padding) not in (1, 2, 4):
            raise ValueError(f"Padding must be an int or a 1, 2, or 4 element tuple, not a "
                             f"{len(padding)} element tuple")
        self.padding = padding
        self.fill = fill
        self.padding_mode = padding_mode

    def forward(self, img):
        return F.pad(img, self.padding, self.fill, self.padding_mode)

    def __repr__(self):
        return (f"{self.__class__.__name__}(padding={self.padding}, fill={self.fill}, "
                f"padding_mode={self.padding_mode})")


class Lambda:
    """A user function as a transform.

    Example:
        >>> Lambda(lambda x: x * 2)(3)
        6
    """

    def __init__(self, lambd):
        if not callable(lambd):
            raise TypeError(f"Argument lambd should be callable, got "
                            f"{repr(type(lambd).__name__)}")
        self.lambd = lambd

    def __call__(self, img):
        return self.lambd(img)

    def __repr__(self):
        return f"{self.__class__.__name__}()"


class RandomApply(Module):
    """Apply the list of transforms, all together, with probability p."""

    def __init__(self, transforms, p=0.5):
        super().__init__()
        self.transforms = transforms
        self.p = p

    def forward(self, img):
        if self.p < _rand():
            return img
        for t in self.transforms:
            img = t(img)
        return img

    def __repr__(self):
        lines = [f"    p={self.p}"] + [f"    {t}" for t in self.transforms]
        return self.__class__.__name__ + "(" + "".join("\n" + line for line in lines) + "\n)"


class RandomCrop(Module):
    """A size (int or (h, w)) window at a random position, after optional padding.

    Args:
        size: the output size.
        padding: padding applied first (see functional.pad), or None.
        pad_if_needed: pad an image smaller than size up to it.
        fill: the value of constant padding.
        padding_mode: "constant", "edge", "reflect" or "symmetric".

    Example:
        >>> RandomCrop(32, padding=4)(ember.rand(3, 32, 32)).shape
        ember.Size([3, 32, 32])
    """

    @staticmethod
    def get_params(img, output_size):
        """(top, left, height, width) of a random window of output_size."""
        _, height, width = F.get_dimensions(img)
        crop_height, crop_width = output_size
        if height < crop_height or width < crop_width:
            raise ValueError(f"Required crop size {(crop_height, crop_width)} is larger than "
                             f"input image size {(height, width)}")
        if width == crop_width and height == crop_height:
            return 0, 0, height, width
        top = _randint(0, height - crop_height + 1)
        left = _randint(0, width - crop_width + 1)
        return top, left, crop_height, crop_width

    def __init__(self, size, padding=None, pad_if_needed=False, fill=0,
                 padding_mode="constant"):
        super().__init__()
        self.size = tuple(_setup_size(size, _SIZE_ERROR))
        self.padding = padding
        self.pad_if_needed = pad_if_needed
        self.fill = fill
        self.padding_mode = padding_mode

    def forward(self, img):
        if self.padding is not None:
            img = F.pad(img, self.padding, self.fill, self.padding_mode)
        _, height, width = F.get_dimensions(img)
        if self.pad_if_needed and width < self.size[1]:
            img = F.pad(img, [self.size[1] - width, 0], self.fill, self.padding_mode)
        if self.pad_if_needed and height < self.size[0]:
            img = F.pad(img, [0, self.size[0] - height], self.fill, self.padding_mode)
        top, left, height, width = self.get_params(img, self.size)
        return F.crop(img, top, left, height, width)

    def __repr__(self):
        return f"{self.__class__.__name__}(size={self.size}, padding={self.padding})"


class RandomHorizontalFlip(Module):
    """Mirror left-right with probability p.

    Example:
        >>> RandomHorizontalFlip(p=1.0)(ember.tensor([[[1., 2.]]]))
        tensor([[[2., 1.]]])
    """

    def __init__(self, p=0.5):
        super().__init__()
        self.p = p

    def forward(self, img):
        return F.hflip(img) if _rand() < self.p else img

    def __repr__(self):
        return f"{self.__class__.__name__}(p={self.p})"


class RandomVerticalFlip(Module):
    """Mirror top-bottom with probability p."""

    def __init__(self, p=0.5):
        super().__init__()
        self.p = p

    def forward(self, img):
        return F.vflip(img) if _rand() < self.p else img

    def __repr__(self):
        return f"{self.__class__.__name__}(p={self.p})"


class RandomResizedCrop(Module):
    """A random window (area a fraction `scale` of the image, aspect ratio in `ratio`),
    resized to size; the Inception-style augmentation.

    Args:
        size: the output size, int or (h, w).
        scale: the range of the window's area, as a fraction of the image's.
        ratio: the range of the window's aspect ratio (width / height), drawn log-uniformly.
        interpolation: an InterpolationMode.
        antialias: as Resize.

    Example:
        >>> RandomResizedCrop(24)(ember.rand(3, 32, 32)).shape
        ember.Size([3, 24, 24])
    """

    def __init__(self, size, scale=(0.08, 1.0), ratio=(3.0 / 4.0, 4.0 / 3.0),
                 interpolation=InterpolationMode.BILINEAR, antialias=True):
        super().__init__()
        self.size = _setup_size(size, _SIZE_ERROR)
        if not isinstance(scale, Sequence):
            raise TypeError("Scale should be a sequence")
        if not isinstance(ratio, Sequence):
            raise TypeError("Ratio should be a sequence")
        if scale[0] > scale[1] or ratio[0] > ratio[1]:
            warnings.warn("Scale and ratio should be of kind (min, max)")
        if isinstance(interpolation, int):
            interpolation = _interpolation_modes_from_int(interpolation)
        self.interpolation = interpolation
        self.antialias = antialias
        self.scale = scale
        self.ratio = ratio

    @staticmethod
    def get_params(img, scale, ratio):
        """(top, left, height, width) of a random window; after 10 failed draws, the central
        window closest to the allowed ratios."""
        _, height, width = F.get_dimensions(img)
        area = height * width
        log_ratio = (math.log(ratio[0]), math.log(ratio[1]))
        for _ in range(10):
            target_area = area * _uniform(scale[0], scale[1])
            aspect_ratio = math.exp(_uniform(log_ratio[0], log_ratio[1]))
            w = int(round(math.sqrt(target_area * aspect_ratio)))
            h = int(round(math.sqrt(target_area / aspect_ratio)))
            if 0 < w <= width and 0 < h <= height:
                return _randint(0, height - h + 1), _randint(0, width - w + 1), h, w
        in_ratio = float(width) / float(height)
        if in_ratio < min(ratio):
            w, h = width, int(round(width / min(ratio)))
        elif in_ratio > max(ratio):
            h, w = height, int(round(height * max(ratio)))
        else:
            w, h = width, height
        return (height - h) // 2, (width - w) // 2, h, w

    def forward(self, img):
        top, left, height, width = self.get_params(img, self.scale, self.ratio)
        return F.resized_crop(img, top, left, height, width, self.size, self.interpolation,
                              antialias=self.antialias)

    def __repr__(self):
        return (f"{self.__class__.__name__}(size={self.size}, "
                f"scale={tuple(round(s, 4) for s in self.scale)}, "
                f"ratio={tuple(round(r, 4) for r in self.ratio)}, "
                f"interpolation={self.interpolation.value}, antialias={self.antialias})")


class ColorJitter(Module):
    """Randomly change brightness, contrast, saturation and hue, in a random order.

    Each of brightness, contrast and saturation is a number x (factor drawn from
    [max(0, 1 - x), 1 + x]) or a (min, max) range; hue is x in [0, 0.5] (shift drawn from
    [-x, x]) or a range within [-0.5, 0.5].

    Example:
        >>> ColorJitter(brightness=0.4)
        ColorJitter(brightness=(0.6, 1.4), contrast=None, saturation=None, hue=None)
    """

    def __init__(self, brightness=0, contrast=0, saturation=0, hue=0):
        super().__init__()
        self.brightness = self._check_input(brightness, "brightness")
        self.contrast = self._check_input(contrast, "contrast")
        self.saturation = self._check_input(saturation, "saturation")
        self.hue = self._check_input(hue, "hue", center=0, bound=(-0.5, 0.5),
                                     clip_first_on_zero=False)

    @staticmethod
    def _check_input(value, name, center=1, bound=(0, float("inf")), clip_first_on_zero=True):
        if isinstance(value, numbers.Number):
            if value < 0:
                raise ValueError(f"If {name} is a single number, it must be non negative.")
            value = [center - float(value), center + float(value)]
            if clip_first_on_zero:
                value[0] = max(value[0], 0.0)
        elif isinstance(value, (tuple, list)) and len(value) == 2:
            value = [float(value[0]), float(value[1])]
        else:
            raise TypeError(f"{name} should be a single number or a list/tuple with length 2.")
        if not bound[0] <= value[0] <= value[1] <= bound[1]:
            raise ValueError(f"{name} values should be between {bound}, but got {value}.")
        if value[0] == value[1] == center:
            return None
        return tuple(value)

    @staticmethod
    def get_params(brightness, contrast, saturation, hue):
        """(order of the four adjustments, and the factor of each, None when unused)."""
        order = randperm(4).tolist()
        factors = [None if r is None else _uniform(r[0], r[1])
                   for r in (brightness, contrast, saturation, hue)]
        return (order, *factors)

    def forward(self, img):
        order, brightness, contrast, saturation, hue = self.get_params(
            self.brightness, self.contrast, self.saturation, self.hue)
        for index in order:
            if index == 0 and brightness is not None:
                img = F.adjust_brightness(img, brightness)
            elif index == 1 and contrast is not None:
                img = F.adjust_contrast(img, contrast)
            elif index == 2 and saturation is not None:
                img = F.adjust_saturation(img, saturation)
            elif index == 3 and hue is not None:
                img = F.adjust_hue(img, hue)
        return img

    def __repr__(self):
        return (f"{self.__class__.__name__}(brightness={self.brightness}, "
                f"contrast={self.contrast}, saturation={self.saturation}, hue={self.hue})")


class Grayscale(Module):
    """Convert to grayscale with 1 or 3 (equal) channels."""

    def __init__(self, num_output_channels=1):
        super().__init__()
        self.num_output_channels = num_output_channels

    def forward(self, img):
        return F.rgb_to_grayscale(img, num_output_channels=self.num_output_channels)

    def __repr__(self):
        return f"{self.__class__.__name__}(num_output_channels={self.num_output_channels})"


class RandomGrayscale(Module):
    """Convert to grayscale with probability p, keeping the number of channels."""

    def __init__(self, p=0.1):
        super().__init__()
        self.p = p

    def forward(self, img):
        channels, _, _ = F.get_dimensions(img)
        if _rand() < self.p:
            return F.rgb_to_grayscale(img, num_output_channels=channels)
        return img

    def __repr__(self):
        return f"{self.__class__.__name__}(p={self.p})"
