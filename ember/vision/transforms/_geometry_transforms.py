"""The transforms over _geometry.py's functional forms, as torchvision.transforms': RandomRotation,
RandomAffine, RandomPerspective, GaussianBlur, RandomErasing, ElasticTransform, FiveCrop,
TenCrop, and RandomChoice, RandomOrder and LinearTransformation (exported from transforms.py).

The random draws are torchvision's, one torch op each in the same order, so that after
ember.manual_seed(s) the same parameters come out as torchvision's after torch.manual_seed(s).
RandomChoice and RandomOrder draw from Python's random module, as torchvision's do.
"""
import math
import numbers
import random
import warnings
from collections.abc import Sequence

from ... import _dtype
from ..._tensor import Tensor
from ...nn import Module
from ...ops.creation import empty, tensor
from ...ops.join import cat
from ...ops.random import rand, uniform_
from . import functional as F
from ._geometry import (affine, elastic_transform, erase, five_crop, gaussian_blur,
                        perspective, rotate, ten_crop)
from ._draws import _SIZE_ERROR, _rand, _randint, _setup_size, _uniform
from .functional import InterpolationMode, _interpolation_modes_from_int

__all__ = ["RandomRotation", "RandomAffine", "RandomPerspective", "GaussianBlur",
           "RandomErasing", "ElasticTransform", "FiveCrop", "TenCrop", "RandomChoice",
           "RandomOrder", "LinearTransformation"]


# -- argument checks ------------------------------------------------------------------------

def _check_sequence_input(x, name, req_sizes):
    lengths = req_sizes[0] if len(req_sizes) < 2 else " or ".join(str(s) for s in req_sizes)
    if not isinstance(x, Sequence):
        raise TypeError(f"{name} should be a sequence of length {lengths}.")
    if len(x) not in req_sizes:
        raise ValueError(f"{name} should be a sequence of length {lengths}.")


def _setup_angle(x, name, req_sizes=(2,)):
    """[-x, x] from a number, or the sequence x checked, as floats."""
    if isinstance(x, numbers.Number):
        if x < 0:
            raise ValueError(f"If {name} is a single number, it must be positive.")
        x = [-x, x]
    else:
        _check_sequence_input(x, name, req_sizes)
    return [float(d) for d in x]


def _check_fill(fill):
    if fill is None:
        return 0
    if not isinstance(fill, (Sequence, numbers.Number)):
        raise TypeError("Fill should be either a sequence or a number.")
    return fill


def _tensor_fill(fill, img):
    """A tensor image's fill as one float per channel (as torchvision's transforms pass it)."""
    if not isinstance(img, Tensor):
        return fill
    if isinstance(fill, (int, float)):
        return [float(fill)] * F.get_dimensions(img)[0]
    return [float(f) for f in fill]


# -- the random geometric transforms -----------------------------------------------------------

class RandomRotation(Module):
    """Rotate by an angle drawn uniformly from degrees.

    Args:
        degrees: (min, max), or a number d for (-d, d).
        interpolation: an InterpolationMode (or a Pillow filter constant).
        expand: enlarge the output to hold the whole rotated image.
        center: (x, y) from the top-left corner; default the image centre.
        fill: the value of pixels from outside the image: a number, or one per channel.

    Example:
        >>> RandomRotation(30)
        RandomRotation(degrees=[-30.0, 30.0], interpolation=nearest, expand=False, fill=0)
    """

    def __init__(self, degrees, interpolation=InterpolationMode.NEAREST, expand=False,
                 center=None, fill=0):
        super().__init__()
        if isinstance(interpolation, int):
            interpolation = _interpolation_modes_from_int(interpolation)
        self.degrees = _setup_angle(degrees, name="degrees", req_sizes=(2,))
        if center is not None:
            _check_sequence_input(center, "center", req_sizes=(2,))
        self.center = center
        self.interpolation = interpolation
        self.expand = expand
        self.fill = _check_fill(fill)

    @staticmethod
    def get_params(degrees):
        """The angle: one uniform draw from [degrees[0], degrees[1])."""
        return _uniform(float(degrees[0]), float(degrees[1]))

    def forward(self, img):
        fill = _tensor_fill(self.fill, img)
        angle = self.get_params(self.degrees)
        return rotate(img, angle, self.interpolation, self.expand, self.center, fill)

    def __repr__(self):
        s = (f"{self.__class__.__name__}(degrees={self.degrees}, "
             f"interpolation={self.interpolation.value}, expand={self.expand}")
        if self.center is not None:
            s += f", center={self.center}"
        if self.fill is not None:
            s += f", fill={self.fill}"
        return s + ")"


class RandomAffine(Module):
    """An affine map, keeping the centre fixed, of random rotation, translation, scale and
    shear (see functional.affine).

    Args:
        degrees: rotation range (min, max), or a number d for (-d, d); 0 for none.
        translate: (a, b): the shift is drawn from (-a * width, a * width) and
            (-b * height, b * height), rounded to pixels. None for none.
        scale: (min, max) of the scale, or None for 1.
        shear: degrees: a number s (x shear in (-s, s)), (min, max) of the x shear, or
            (x min, x max, y min, y max). None for none.
        interpolation: an InterpolationMode (or a Pillow filter constant).
        fill: the value of pixels from outside the image.
        center: (x, y) from the top-left corner; default the image centre.

    Example:
        >>> RandomAffine(10, translate=(0.1, 0.1))
        RandomAffine(degrees=[-10.0, 10.0], translate=(0.1, 0.1))
    """

    def __init__(self, degrees, translate=None, scale=None, shear=None,
                 interpolation=InterpolationMode.NEAREST, fill=0, center=None):
        super().__init__()
        if isinstance(interpolation, int):
            interpolation = _interpolation_modes_from_int(interpolation)
        self.degrees = _setup_angle(degrees, name="degrees", req_sizes=(2,))
        if translate is not None:
            _check_sequence_input(translate, "translate", req_sizes=(2,))
            for t in translate:
                if not 0.0 <= t <= 1.0:
                    raise ValueError("translation values should be between 0 and 1")
        self.translate = translate
        if scale is not None:
            _check_sequence_input(scale, "scale", req_sizes=(2,))
            for s in scale:
                if s <= 0:
                    raise ValueError("scale values should be positive")
        self.scale = scale
        self.shear = None if shear is None else _setup_angle(shear, name="shear",
                                                              req_sizes=(2, 4))
        self.interpolation = interpolation
        self.fill = _check_fill(fill)
        if center is not None:
            _check_sequence_input(center, "center", req_sizes=(2,))
        self.center = center

    @staticmethod
    def get_params(degrees, translate, scale_ranges, shears, img_size):
        """(angle, (tx, ty), scale, (shear_x, shear_y)), drawn in that order; img_size is
        [width, height]."""
        angle = _uniform(float(degrees[0]), float(degrees[1]))
        if translate is not None:
            max_dx = float(translate[0] * img_size[0])
            max_dy = float(translate[1] * img_size[1])
            translations = (int(round(_uniform(-max_dx, max_dx))),
                            int(round(_uniform(-max_dy, max_dy))))
        else:
            translations = (0, 0)
        scale = 1.0 if scale_ranges is None else _uniform(scale_ranges[0], scale_ranges[1])
        shear_x = shear_y = 0.0
        if shears is not None:
            shear_x = _uniform(shears[0], shears[1])
            if len(shears) == 4:
                shear_y = _uniform(shears[2], shears[3])
        return angle, translations, scale, (shear_x, shear_y)

    def forward(self, img):
        fill = _tensor_fill(self.fill, img)
        _, height, width = F.get_dimensions(img)
        params = self.get_params(self.degrees, self.translate, self.scale, self.shear,
                                 [width, height])
        return affine(img, *params, interpolation=self.interpolation, fill=fill,
                      center=self.center)

    def __repr__(self):
        s = f"{self.__class__.__name__}(degrees={self.degrees}"
        s += f", translate={self.translate}" if self.translate is not None else ""
        s += f", scale={self.scale}" if self.scale is not None else ""
        s += f", shear={self.shear}" if self.shear is not None else ""
        s += (f", interpolation={self.interpolation.value}"
              if self.interpolation != InterpolationMode.NEAREST else "")
        s += f", fill={self.fill}" if self.fill != 0 else ""
        s += f", center={self.center}" if self.center is not None else ""
        return s + ")"


class RandomPerspective(Module):
    """With probability p, a perspective transform moving each corner inward by up to
    distortion_scale of half the image's width and height.

    Args:
        distortion_scale: in [0, 1].
        p: the probability of transforming.
        interpolation: an InterpolationMode (or a Pillow filter constant).
        fill: the value of pixels from outside the image.

    Example:
        >>> RandomPerspective(0.3, p=1.0)(ember.rand(3, 16, 16)).shape
        ember.Size([3, 16, 16])
    """

    def __init__(self, distortion_scale=0.5, p=0.5, interpolation=InterpolationMode.BILINEAR,
                 fill=0):
        super().__init__()
        self.p = p
        if isinstance(interpolation, int):
            interpolation = _interpolation_modes_from_int(interpolation)
        self.interpolation = interpolation
        self.distortion_scale = distortion_scale
        self.fill = _check_fill(fill)

    @staticmethod
    def get_params(width, height, distortion_scale):
        """(startpoints, endpoints): the image's corners [top-left, top-right, bottom-right,
        bottom-left], and each moved inward at random (x then y, corner by corner)."""
        half_height = height // 2
        half_width = width // 2
        dx = int(distortion_scale * half_width)
        dy = int(distortion_scale * half_height)
        top_left = [_randint(0, dx + 1), _randint(0, dy + 1)]
        top_right = [_randint(width - dx - 1, width), _randint(0, dy + 1)]
        bottom_right = [_randint(width - dx - 1, width), _randint(height - dy - 1, height)]
        bottom_left = [_randint(0, dx + 1), _randint(height - dy - 1, height)]
        startpoints = [[0, 0], [width - 1, 0], [width - 1, height - 1], [0, height - 1]]
        return startpoints, [top_left, top_right, bottom_right, bottom_left]

    def forward(self, img):
        fill = _tensor_fill(self.fill, img)
        _, height, width = F.get_dimensions(img)
        if _rand() < self.p:
            startpoints, endpoints = self.get_params(width, height, self.distortion_scale)
            return perspective(img, startpoints, endpoints, self.interpolation, fill)
        return img

    def __repr__(self):
        return f"{self.__class__.__name__}(p={self.p})"


class GaussianBlur(Module):
    """Gaussian blur with sigma drawn uniformly from a range (see functional.gaussian_blur).

    Args:
        kernel_size: odd positive int, or (kx, ky).
        sigma: a fixed positive sigma, or (min, max) to draw it from.

    Example:
        >>> GaussianBlur(3)
        GaussianBlur(kernel_size=(3, 3), sigma=(0.1, 2.0))
    """

    def __init__(self, kernel_size, sigma=(0.1, 2.0)):
        super().__init__()
        self.kernel_size = _setup_size(kernel_size,
                                       "Kernel size should be a tuple/list of two integers")
        for size in self.kernel_size:
            if size <= 0 or size % 2 == 0:
                raise ValueError("Kernel size value should be an odd and positive number.")
        if isinstance(sigma, numbers.Number):
            if sigma <= 0:
                raise ValueError("If sigma is a single number, it must be positive.")
            sigma = (sigma, sigma)
        elif isinstance(sigma, Sequence) and len(sigma) == 2:
            if not 0.0 < sigma[0] <= sigma[1]:
                raise ValueError("sigma values should be positive and of the form (min, max).")
        else:
            raise ValueError("sigma should be a single number or a list/tuple with length 2.")
        self.sigma = sigma

    @staticmethod
    def get_params(sigma_min, sigma_max):
        """sigma: one uniform draw from [sigma_min, sigma_max)."""
        return uniform_(empty(1), sigma_min, sigma_max).item()

    def forward(self, img):
        sigma = self.get_params(self.sigma[0], self.sigma[1])
        return gaussian_blur(img, self.kernel_size, [sigma, sigma])

    def __repr__(self):
        return f"{self.__class__.__name__}(kernel_size={self.kernel_size}, sigma={self.sigma})"


class RandomErasing(Module):
    """With probability p, erase a random rectangle of a tensor image (Zhong et al., "Random
    Erasing Data Augmentation", https://arxiv.org/abs/1708.04896).

    Args:
        p: the probability of erasing.
        scale: the range of the rectangle's area, as a fraction of the image's.
        ratio: the range of its aspect ratio (height / width), drawn log-uniformly.
        value: a number, one value per channel, or "random" for standard normal noise.
        inplace: change the input tensor.

    Example:
        >>> RandomErasing(p=1.0)(ember.ones(3, 32, 32)).min().item()
        0.0
    """

    def __init__(self, p=0.5, scale=(0.02, 0.33), ratio=(0.3, 3.3), value=0, inplace=False):
        super().__init__()
        if not isinstance(value, (numbers.Number, str, tuple, list)):
            raise TypeError("Argument value should be either a number or str or a sequence")
        if isinstance(value, str) and value != "random":
            raise ValueError("If value is str, it should be 'random'")
        if not isinstance(scale, Sequence):
            raise TypeError("Scale should be a sequence")
        if not isinstance(ratio, Sequence):
            raise TypeError("Ratio should be a sequence")
        if scale[0] > scale[1] or ratio[0] > ratio[1]:
            warnings.warn("Scale and ratio should be of kind (min, max)")
        if scale[0] < 0 or scale[1] > 1:
            raise ValueError("Scale should be between 0 and 1")
        if p < 0 or p > 1:
            raise ValueError("Random erasing probability should be between 0 and 1")
        self.p = p
        self.scale = scale
        self.ratio = ratio
        self.value = value
        self.inplace = inplace

    @staticmethod
    def get_params(img, scale, ratio, value=None):
        """(i, j, h, w, v) for erase: up to 10 draws of area and aspect ratio until the
        rectangle fits, then its position; (0, 0, H, W, img) (no change) if none fits.

        value None means standard normal noise (drawn once the size is known); a list of one
        value or one per channel otherwise.
        """
        channels, height, width = img.shape[-3], img.shape[-2], img.shape[-1]
        area = height * width
        log_ratio = tensor(ratio).log()  # float32, as torchvision's
        for _ in range(10):
            erase_area = area * _uniform(scale[0], scale[1])
            aspect_ratio = uniform_(empty(1), log_ratio[0].item(), log_ratio[1].item()) \
                .exp().item()
            h = int(round(math.sqrt(erase_area * aspect_ratio)))
            w = int(round(math.sqrt(erase_area / aspect_ratio)))
            if not (h < height and w < width):
                continue
            if value is None:
                v = empty([channels, h, w], dtype=_dtype.float32).normal_()
            else:
                v = tensor(value)[:, None, None]
            i = _randint(0, height - h + 1)
            j = _randint(0, width - w + 1)
            return i, j, h, w, v
        return 0, 0, height, width, img

    def forward(self, img):
        if _rand() < self.p:
            if isinstance(self.value, (int, float)):
                value = [float(self.value)]
            elif isinstance(self.value, str):
                value = None
            elif isinstance(self.value, (list, tuple)):
                value = [float(v) for v in self.value]
            else:
                value = self.value
            if value is not None and len(value) not in (1, img.shape[-3]):
                raise ValueError(f"If value is a sequence, it should have either a single value "
                                 f"or {img.shape[-3]} (number of input channels)")
            i, j, h, w, v = self.get_params(img, scale=self.scale, ratio=self.ratio,
                                            value=value)
            return erase(img, i, j, h, w, v, self.inplace)
        return img

    def __repr__(self):
        return (f"{self.__class__.__name__}(p={self.p}, scale={self.scale}, "
                f"ratio={self.ratio}, value={self.value}, inplace={self.inplace})")


def _pair_of_floats(value, name):
    """[x, x] from a float x, or a checked pair of floats (ElasticTransform's alpha, sigma)."""
    if not isinstance(value, (float, Sequence)):
        raise TypeError(f"{name} should be float or a sequence of floats. Got {type(value)}")
    if isinstance(value, Sequence) and len(value) != 2:
        raise ValueError(f"If {name} is a sequence its length should be 2. Got {len(value)}")
    if isinstance(value, Sequence):
        for element in value:
            if not isinstance(element, float):
                raise TypeError(f"{name} should be a sequence of floats. Got {type(element)}")
    if isinstance(value, float):
        value = [float(value), float(value)]
    return value


class ElasticTransform(Module):
    """Displace each pixel by smooth random offsets: uniform noise in [-1, 1] blurred with a
    Gaussian of standard deviation sigma, scaled by alpha (in pixels).

    Args:
        alpha: the strength, a float or (alpha_x, alpha_y).
        sigma: the smoothness, a float or (sigma_x, sigma_y).
        interpolation: NEAREST or BILINEAR.
        fill: the value of pixels from outside the image.

    Example:
        >>> ElasticTransform(alpha=10.0, sigma=1.0)(ember.rand(3, 16, 16)).shape
        ember.Size([3, 16, 16])
    """

    def __init__(self, alpha=50.0, sigma=5.0, interpolation=InterpolationMode.BILINEAR, fill=0):
        super().__init__()
        self.alpha = _pair_of_floats(alpha, "alpha")
        self.sigma = _pair_of_floats(sigma, "sigma")
        if isinstance(interpolation, int):
            interpolation = _interpolation_modes_from_int(interpolation)
        self.interpolation = interpolation
        if isinstance(fill, (int, float)):
            fill = [float(fill)]
        elif isinstance(fill, (list, tuple)):
            fill = [float(f) for f in fill]
        else:
            raise TypeError(f"fill should be int or float or a list or tuple of them. Got "
                            f"{type(fill)}")
        self.fill = fill

    @staticmethod
    def get_params(alpha, sigma, size):
        """The displacement (1, H, W, 2) for an image of size [H, W]: dx, then dy, each
        uniform noise, blurred, and normalised by the width or height."""
        displacements = []
        for alpha_k, sigma_k, extent in ((alpha[0], sigma[0], size[1]),
                                         (alpha[1], sigma[1], size[0])):
            d = rand([1, 1] + list(size)) * 2 - 1                       # (1, 1, H, W)
            if sigma_k > 0.0:
                kernel = int(8 * sigma_k + 1)
                if kernel % 2 == 0:
                    kernel += 1
                d = gaussian_blur(d, [kernel, kernel], sigma)
            displacements.append(d * alpha_k / extent)
        return cat(displacements, 1).permute([0, 2, 3, 1])

    def forward(self, tensor):
        _, height, width = F.get_dimensions(tensor)
        displacement = self.get_params(self.alpha, self.sigma, [height, width])
        return elastic_transform(tensor, displacement, self.interpolation, self.fill)

    def __repr__(self):
        return (f"{self.__class__.__name__}(alpha={self.alpha}, sigma={self.sigma}, "
                f"interpolation={self.interpolation}, fill={self.fill})")


# -- crops, choices and the linear map ---------------------------------------------------------


class FiveCrop(Module):
    """The four corner crops and the central crop (see functional.five_crop): a tuple of five
    images.

    Example:
        >>> len(FiveCrop(4)(ember.rand(3, 8, 8)))
        5
    """

    def __init__(self, size):
        super().__init__()
        self.size = _setup_size(size, error_msg=_SIZE_ERROR)

    def forward(self, img):
        return five_crop(img, self.size)

    def __repr__(self):
        return f"{self.__class__.__name__}(size={self.size})"


class TenCrop(Module):
    """FiveCrop of the image and of its mirror image (see functional.ten_crop).

    Example:
        >>> len(TenCrop(4, vertical_flip=True)(ember.rand(3, 8, 8)))
        10
    """

    def __init__(self, size, vertical_flip=False):
        super().__init__()
        self.size = _setup_size(size, error_msg=_SIZE_ERROR)
        self.vertical_flip = vertical_flip

    def forward(self, img):
        return ten_crop(img, self.size, self.vertical_flip)

    def __repr__(self):
        return f"{self.__class__.__name__}(size={self.size}, vertical_flip={self.vertical_flip})"


class _RandomTransforms:
    """A list of transforms used at random (torchvision's RandomTransforms)."""

    def __init__(self, transforms):
        if not isinstance(transforms, Sequence):
            raise TypeError("Argument transforms should be a sequence")
        self.transforms = transforms

    def __call__(self, *args, **kwargs):
        raise NotImplementedError()

    def __repr__(self):
        lines = [f"    {t}" for t in self.transforms]
        return self.__class__.__name__ + "(" + "".join("\n" + line for line in lines) + "\n)"


class RandomOrder(_RandomTransforms):
    """Apply the transforms in a random order (drawn by Python's random.shuffle, as
    torchvision's).

    Example:
        >>> RandomOrder([lambda x: x + 1, lambda x: x * 2])(1) in (3, 4)
        True
    """

    def __call__(self, img):
        order = list(range(len(self.transforms)))
        random.shuffle(order)
        for index in order:
            img = self.transforms[index](img)
        return img


class RandomChoice(_RandomTransforms):
    """Apply one of the transforms, picked by Python's random.choices with weights p (equal
    by default), as torchvision's.

    Example:
        >>> RandomChoice([lambda x: x + 1, lambda x: x * 2], p=[1, 0])(3)
        4
    """

    def __init__(self, transforms, p=None):
        super().__init__(transforms)
        if p is not None and not isinstance(p, Sequence):
            raise TypeError("Argument p should be a sequence")
        self.p = p

    def __call__(self, *args):
        transform = random.choices(self.transforms, weights=self.p)[0]
        return transform(*args)

    def __repr__(self):
        return f"{super().__repr__()}(p={self.p})"


class LinearTransformation(Module):
    """Flatten a tensor image (..., C, H, W), subtract mean_vector and multiply by
    transformation_matrix (D x D, D = C * H * W): e.g. ZCA whitening.

        out = (x.view(-1, D) - mean_vector) @ transformation_matrix, reshaped back

    Example:
        >>> LinearTransformation(2 * ember.eye(4), ember.zeros(4))(ember.ones(1, 2, 2)).sum()
        tensor(8.)
    """

    def __init__(self, transformation_matrix, mean_vector):
        super().__init__()
        if transformation_matrix.size(0) != transformation_matrix.size(1):
            raise ValueError(f"transformation_matrix should be square. Got "
                             f"{tuple(transformation_matrix.size())} rectangular matrix.")
        if mean_vector.size(0) != transformation_matrix.size(0):
            raise ValueError(f"mean_vector should have the same length {mean_vector.size(0)} "
                             f"as any one of the dimensions of the transformation_matrix "
                             f"[{tuple(transformation_matrix.size())}]")
        if transformation_matrix.device != mean_vector.device:
            raise ValueError(f"Input tensors should be on the same device. Got "
                             f"{transformation_matrix.device} and {mean_vector.device}")
        if transformation_matrix.dtype != mean_vector.dtype:
            raise ValueError(f"Input tensors should have the same dtype. Got "
                             f"{transformation_matrix.dtype} and {mean_vector.dtype}")
        self.transformation_matrix = transformation_matrix
        self.mean_vector = mean_vector

    def forward(self, tensor):
        shape = tensor.shape
        n = shape[-3] * shape[-2] * shape[-1]
        if n != self.transformation_matrix.shape[0]:
            raise ValueError(f"Input tensor and transformation matrix have incompatible shape."
                             f"[{shape[-3]} x {shape[-2]} x {shape[-1]}] != "
                             f"{self.transformation_matrix.shape[0]}")
        if tensor.device.type != self.mean_vector.device.type:
            raise ValueError(f"Input tensor should be on the same device as transformation "
                             f"matrix and mean vector. Got {tensor.device} vs "
                             f"{self.mean_vector.device}")
        flat = tensor.view(-1, n) - self.mean_vector                      # (N, D)
        matrix = self.transformation_matrix.to(flat.dtype)
        return flat.mm(matrix).view(shape)

    def __repr__(self):
        return (f"{self.__class__.__name__}(transformation_matrix="
                f"{self.transformation_matrix.tolist()}, "
                f"mean_vector={self.mean_vector.tolist()})")
