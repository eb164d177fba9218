"""Automatic augmentation policies, as torchvision.transforms.autoaugment: AutoAugment (the
learned ImageNet, CIFAR10 and SVHN policies), RandAugment, TrivialAugmentWide and AugMix.

Each picks operations from a table of (magnitudes, signed) per operation, then applies them
with functional.py's transforms. The tables, the magnitude bins and every random draw are
torchvision's, so after ember.manual_seed(s) the same operations with the same magnitudes are
applied as by torchvision after torch.manual_seed(s). See NOTE [ Drawing as torchvision ].

Images: uint8 tensors (..., 1 or 3, H, W), PIL images ("L" or "RGB") and (unlike torchvision)
uint8 numpy images HxW / HxWxC, which are transformed as tensors.
"""
import enum
import math

import numpy as np

from ..._tensor import Tensor
from ...distributions import Dirichlet
from ...nn import Module
from ...ops.creation import arange, linspace, tensor
from ...ops.random import rand, randint
from . import functional as F
from ._draws import _randint
from .functional import InterpolationMode

__all__ = ["AutoAugmentPolicy", "AutoAugment", "RandAugment", "TrivialAugmentWide", "AugMix"]

# NOTE [ Drawing as torchvision ]
# The draws are torchvision's tensor ops, in its order, and conditional where its are:
# randint(n, (1,)) to pick an operation, randint(2, (1,)) for a sign only when the operation
# is signed, randint(bins, (1,)) for a magnitude only when it has bins. Probabilities are
# compared as float32 tensors (probs[i] <= p), not as Python floats, because float32(0.4) >
# 0.4 and a draw equal to float32(p) must pass as it does in torch. The magnitude tables are
# linspace/arange in float32 (int32 for Posterize), giving torch's values bit for bit.


def _apply_op(img, op_name, magnitude, interpolation, fill):
    """One augmentation: op_name with a (signed) magnitude from the tables below."""
    if op_name == "ShearX":
        # torchvision shears by atan(magnitude) degrees, so that the shear matrix holds
        # magnitude itself, as the official AutoAugment's (1, level, 0, 0, 1, 0)
        img = F.affine(img, angle=0.0, translate=[0, 0], scale=1.0,
                       shear=[math.degrees(math.atan(magnitude)), 0.0],
                       interpolation=interpolation, fill=fill, center=[0, 0])
    elif op_name == "ShearY":
        img = F.affine(img, angle=0.0, translate=[0, 0], scale=1.0,
                       shear=[0.0, math.degrees(math.atan(magnitude))],
                       interpolation=interpolation, fill=fill, center=[0, 0])
    elif op_name == "TranslateX":
        img = F.affine(img, angle=0.0, translate=[int(magnitude), 0], scale=1.0,
                       interpolation=interpolation, shear=[0.0, 0.0], fill=fill)
    elif op_name == "TranslateY":
        img = F.affine(img, angle=0.0, translate=[0, int(magnitude)], scale=1.0,
                       interpolation=interpolation, shear=[0.0, 0.0], fill=fill)
    elif op_name == "Rotate":
        img = F.rotate(img, magnitude, interpolation=interpolation, fill=fill)
    elif op_name == "Brightness":
        img = F.adjust_brightness(img, 1.0 + magnitude)
    elif op_name == "Color":
        img = F.adjust_saturation(img, 1.0 + magnitude)
    elif op_name == "Contrast":
        img = F.adjust_contrast(img, 1.0 + magnitude)
    elif op_name == "Sharpness":
        img = F.adjust_sharpness(img, 1.0 + magnitude)
    elif op_name == "Posterize":
        img = F.posterize(img, int(magnitude))
    elif op_name == "Solarize":
        img = F.solarize(img, magnitude)
    elif op_name == "AutoContrast":
        img = F.autocontrast(img)
    elif op_name == "Equalize":
        img = F.equalize(img)
    elif op_name == "Invert":
        img = F.invert(img)
    elif op_name == "Identity":
        pass
    else:
        raise ValueError(f"The provided operator {op_name} is not recognized.")
    return img


def _is_array_image(img):
    """Tensors, and the numpy images ember transforms as tensors."""
    return isinstance(img, (Tensor, np.ndarray))


def _tensor_fill(fill, img, channels):
    """fill as torchvision passes it for tensor images: a float per channel (or None);
    PIL images take it as given."""
    if not _is_array_image(img):
        return fill
    if isinstance(fill, (int, float)):
        return [float(fill)] * channels
    if fill is not None:
        return [float(f) for f in fill]
    return fill


def _posterize_bits(num_bins, top, steps):
    """top - round(i / ((num_bins - 1) / steps)) for i < num_bins, as int32."""
    return top - (arange(num_bins) / ((num_bins - 1) / steps)).round().int()


class AutoAugmentPolicy(enum.Enum):
    """AutoAugment policies learned on different datasets: IMAGENET, CIFAR10 and SVHN."""

    IMAGENET = "imagenet"
    CIFAR10 = "cifar10"
    SVHN = "svhn"


class AutoAugment(Module):
    """AutoAugment ("AutoAugment: Learning Augmentation Strategies from Data", Cubuk et al.,
    2018): one of the policy's 25 sub-policies, chosen at random, applies each of its two
    operations with its probability and magnitude (bin 0..9, its sign drawn at random).

    Args:
        policy: an AutoAugmentPolicy (IMAGENET by default).
        interpolation: an InterpolationMode for the geometric operations; tensors take
            NEAREST or BILINEAR.
        fill: the value (or one per channel) of pixels moved in from outside the image.

    Example:
        >>> AutoAugment(AutoAugmentPolicy.CIFAR10)(ember.zeros(3, 32, 32, dtype=ember.uint8)).shape
        ember.Size([3, 32, 32])
    """

    def __init__(self, policy=AutoAugmentPolicy.IMAGENET,
                 interpolation=InterpolationMode.NEAREST, fill=None):
        super().__init__()
        self.policy = policy
        self.interpolation = interpolation
        self.fill = fill
        self.policies = self._get_policies(policy)

    def _get_policies(self, policy):
        """The sub-policies: pairs of (operation, probability, magnitude bin or None)."""
        if policy == AutoAugmentPolicy.IMAGENET:
            return [
                (("Posterize", 0.4, 8), ("Rotate", 0.6, 9)),
                (("Solarize", 0.6, 5), ("AutoContrast", 0.6, None)),
                (("Equalize", 0.8, None), ("Equalize", 0.6, None)),
                (("Posterize", 0.6, 7), ("Posterize", 0.6, 6)),
                (("Equalize", 0.4, None), ("Solarize", 0.2, 4)),
                (("Equalize", 0.4, None), ("Rotate", 0.8, 8)),
                (("Solarize", 0.6, 3), ("Equalize", 0.6, None)),
                (("Posterize", 0.8, 5), ("Equalize", 1.0, None)),
                (("Rotate", 0.2, 3), ("Solarize", 0.6, 8)),
                (("Equalize", 0.6, None), ("Posterize", 0.4, 6)),
                (("Rotate", 0.8, 8), ("Color", 0.4, 0)),
                (("Rotate", 0.4, 9), ("Equalize", 0.6, None)),
                (("Equalize", 0.0, None), ("Equalize", 0.8, None)),
                (("Invert", 0.6, None), ("Equalize", 1.0, None)),
                (("Color", 0.6, 4), ("Contrast", 1.0, 8)),
                (("Rotate", 0.8, 8), ("Color", 1.0, 2)),
                (("Color", 0.8, 8), ("Solarize", 0.8, 7)),
                (("Sharpness", 0.4, 7), ("Invert", 0.6, None)),
                (("ShearX", 0.6, 5), ("Equalize", 1.0, None)),
                (("Color", 0.4, 0), ("Equalize", 0.6, None)),
                (("Equalize", 0.4, None), ("Solarize", 0.2, 4)),
                (("Solarize", 0.6, 5), ("AutoContrast", 0.6, None)),
                (("Invert", 0.6, None), ("Equalize", 1.0, None)),
                (("Color", 0.6, 4), ("Contrast", 1.0, 8)),
                (("Equalize", 0.8, None), ("Equalize", 0.6, None)),
            ]
        if policy == AutoAugmentPolicy.CIFAR10:
            return [
                (("Invert", 0.1, None), ("Contrast", 0.2, 6)),
                (("Rotate", 0.7, 2), ("TranslateX", 0.3, 9)),
                (("Sharpness", 0.8, 1), ("Sharpness", 0.9, 3)),
                (("ShearY", 0.5, 8), ("TranslateY", 0.7, 9)),
                (("AutoContrast", 0.5, None), ("Equalize", 0.9, None)),
                (("ShearY", 0.2, 7), ("Posterize", 0.3, 7)),
                (("Color", 0.4, 3), ("Brightness", 0.6, 7)),
                (("Sharpness", 0.3, 9), ("Brightness", 0.7, 9)),
                (("Equalize", 0.6, None), ("Equalize", 0.5, None)),
                (("Contrast", 0.6, 7), ("Sharpness", 0.6, 5)),
                (("Color", 0.7, 7), ("TranslateX", 0.5, 8)),
                (("Equalize", 0.3, None), ("AutoContrast", 0.4, None)),
                (("TranslateY", 0.4, 3), ("Sharpness", 0.2, 6)),
                (("Brightness", 0.9, 6), ("Color", 0.2, 8)),
                (("Solarize", 0.5, 2), ("Invert", 0.0, None)),
                (("Equalize", 0.2, None), ("AutoContrast", 0.6, None)),
                (("Equalize", 0.2, None), ("Equalize", 0.6, None)),
                (("Color", 0.9, 9), ("Equalize", 0.6, None)),
                (("AutoContrast", 0.8, None), ("Solarize", 0.2, 8)),
                (("Brightness", 0.1, 3), ("Color", 0.7, 0)),
                (("Solarize", 0.4, 5), ("AutoContrast", 0.9, None)),
                (("TranslateY", 0.9, 9), ("TranslateY", 0.7, 9)),
                (("AutoContrast", 0.9, None), ("Solarize", 0.8, 3)),
                (("Equalize", 0.8, None), ("Invert", 0.1, None)),
                (("TranslateY", 0.7, 9), ("AutoContrast", 0.9, None)),
            ]
        if policy == AutoAugmentPolicy.SVHN:
            return [
                (("ShearX", 0.9, 4), ("Invert", 0.2, None)),
                (("ShearY", 0.9, 8), ("Invert", 0.7, None)),
                (("Equalize", 0.6, None), ("Solarize", 0.6, 6)),
                (("Invert", 0.9, None), ("Equalize", 0.6, None)),
                (("Equalize", 0.6, None), ("Rotate", 0.9, 3)),
                (("ShearX", 0.9, 4), ("AutoContrast", 0.8, None)),
                (("ShearY", 0.9, 8), ("Invert", 0.4, None)),
                (("ShearY", 0.9, 5), ("Solarize", 0.2, 6)),
                (("Invert", 0.9, None), ("AutoContrast", 0.8, None)),
                (("Equalize", 0.6, None), ("Rotate", 0.9, 3)),
                (("ShearX", 0.9, 4), ("Solarize", 0.3, 3)),
                (("ShearY", 0.8, 8), ("Invert", 0.7, None)),
                (("Equalize", 0.9, None), ("TranslateY", 0.6, 6)),
                (("Invert", 0.9, None), ("Equalize", 0.6, None)),
                (("Contrast", 0.3, 3), ("Rotate", 0.8, 4)),
                (("Invert", 0.8, None), ("TranslateY", 0.0, 2)),
                (("ShearY", 0.7, 6), ("Solarize", 0.4, 8)),
                (("Invert", 0.6, None), ("Rotate", 0.8, 4)),
                (("ShearY", 0.3, 7), ("TranslateX", 0.9, 3)),
                (("ShearX", 0.1, 6), ("Invert", 0.6, None)),
                (("Solarize", 0.7, 2), ("TranslateY", 0.6, 7)),
                (("ShearY", 0.8, 4), ("Invert", 0.8, None)),
                (("ShearX", 0.7, 9), ("TranslateY", 0.8, 3)),
                (("ShearY", 0.8, 5), ("AutoContrast", 0.7, None)),
                (("ShearX", 0.7, 2), ("Invert", 0.1, None)),
            ]
        raise ValueError(f"The provided policy {policy} is not recognized.")

    def _augmentation_space(self, num_bins, image_size):
        """op_name -> (magnitudes, signed); image_size is (height, width)."""
        return {
            "ShearX": (linspace(0.0, 0.3, num_bins), True),
            "ShearY": (linspace(0.0, 0.3, num_bins), True),
            "TranslateX": (linspace(0.0, 150.0 / 331.0 * image_size[1], num_bins), True),
            "TranslateY": (linspace(0.0, 150.0 / 331.0 * image_size[0], num_bins), True),
            "Rotate": (linspace(0.0, 30.0, num_bins), True),
            "Brightness": (linspace(0.0, 0.9, num_bins), True),
            "Color": (linspace(0.0, 0.9, num_bins), True),
            "Contrast": (linspace(0.0, 0.9, num_bins), True),
            "Sharpness": (linspace(0.0, 0.9, num_bins), True),
            "Posterize": (_posterize_bits(num_bins, 8, 4), False),
            "Solarize": (linspace(255.0, 0.0, num_bins), False),
            "AutoContrast": (tensor(0.0), False),
            "Equalize": (tensor(0.0), False),
            "Invert": (tensor(0.0), False),
        }

    @staticmethod
    def get_params(transform_num):
        """(sub-policy index, the two probability draws (2,), the two sign draws (2,))."""
        policy_id = _randint(0, transform_num)
        probs = rand((2,))
        signs = randint(2, (2,))
        return policy_id, probs, signs

    def forward(self, img):
        channels, height, width = F.get_dimensions(img)
        fill = _tensor_fill(self.fill, img, channels)
        transform_id, probs, signs = self.get_params(len(self.policies))
        op_meta = self._augmentation_space(10, (height, width))
        for i, (op_name, p, magnitude_id) in enumerate(self.policies[transform_id]):
            if probs[i] <= p:  # float32, as torch compares; see NOTE [ Drawing as torchvision ]
                magnitudes, signed = op_meta[op_name]
                magnitude = float(magnitudes[magnitude_id].item()) \
                    if magnitude_id is not None else 0.0
                if signed and signs[i] == 0:
                    magnitude *= -1.0
                img = _apply_op(img, op_name, magnitude, interpolation=self.interpolation,
                                fill=fill)
        return img

    def __repr__(self):
        return f"{self.__class__.__name__}(policy={self.policy}, fill={self.fill})"


class RandAugment(Module):
    """RandAugment ("RandAugment: Practical automated data augmentation with a reduced search
    space", Cubuk et al., 2019): num_ops operations drawn uniformly from 14, each at the same
    magnitude (bin `magnitude` of num_magnitude_bins), with a random sign.

    Args:
        num_ops: how many operations to apply in sequence.
        magnitude: the magnitude bin of every operation.
        num_magnitude_bins: the number of magnitude bins.
        interpolation: an InterpolationMode for the geometric operations.
        fill: the value (or one per channel) of pixels moved in from outside the image.

    Example:
        >>> RandAugment()(ember.zeros(3, 32, 32, dtype=ember.uint8)).shape
        ember.Size([3, 32, 32])
    """

    def __init__(self, num_ops=2, magnitude=9, num_magnitude_bins=31,
                 interpolation=InterpolationMode.NEAREST, fill=None):
        super().__init__()
        self.num_ops = num_ops
        self.magnitude = magnitude
        self.num_magnitude_bins = num_magnitude_bins
        self.interpolation = interpolation
        self.fill = fill

    def _augmentation_space(self, num_bins, image_size):
        return {
            "Identity": (tensor(0.0), False),
            "ShearX": (linspace(0.0, 0.3, num_bins), True),
            "ShearY": (linspace(0.0, 0.3, num_bins), True),
            "TranslateX": (linspace(0.0, 150.0 / 331.0 * image_size[1], num_bins), True),
            "TranslateY": (linspace(0.0, 150.0 / 331.0 * image_size[0], num_bins), True),
            "Rotate": (linspace(0.0, 30.0, num_bins), True),
            "Brightness": (linspace(0.0, 0.9, num_bins), True),
            "Color": (linspace(0.0, 0.9, num_bins), True),
            "Contrast": (linspace(0.0, 0.9, num_bins), True),
            "Sharpness": (linspace(0.0, 0.9, num_bins), True),
            "Posterize": (_posterize_bits(num_bins, 8, 4), False),
            "Solarize": (linspace(255.0, 0.0, num_bins), False),
            "AutoContrast": (tensor(0.0), False),
            "Equalize": (tensor(0.0), False),
        }

    def forward(self, img):
        channels, height, width = F.get_dimensions(img)
        fill = _tensor_fill(self.fill, img, channels)
        op_meta = self._augmentation_space(self.num_magnitude_bins, (height, width))
        for _ in range(self.num_ops):
            op_index = _randint(0, len(op_meta))
            op_name = list(op_meta.keys())[op_index]
            magnitudes, signed = op_meta[op_name]
            magnitude = float(magnitudes[self.magnitude].item()) if magnitudes.ndim > 0 else 0.0
            if signed and _randint(0, 2):
                magnitude *= -1.0
            img = _apply_op(img, op_name, magnitude, interpolation=self.interpolation, fill=fill)
        return img

    def __repr__(self):
        return (f"{self.__class__.__name__}(num_ops={self.num_ops}, magnitude={self.magnitude}"
                f", num_magnitude_bins={self.num_magnitude_bins}"
                f", interpolation={self.interpolation}, fill={self.fill})")


class TrivialAugmentWide(Module):
    """TrivialAugment Wide ("TrivialAugment: Tuning-free Yet State-of-the-Art Data
    Augmentation", Müller and Hutter, 2021): one operation drawn uniformly from 14, at a
    magnitude drawn uniformly from its bins (the wide ranges), with a random sign.

    Args:
        num_magnitude_bins: the number of magnitude bins.
        interpolation: an InterpolationMode for the geometric operations.
        fill: the value (or one per channel) of pixels moved in from outside the image.

    Example:
        >>> TrivialAugmentWide()(ember.zeros(3, 32, 32, dtype=ember.uint8)).shape
        ember.Size([3, 32, 32])
    """

    def __init__(self, num_magnitude_bins=31, interpolation=InterpolationMode.NEAREST,
                 fill=None):
        super().__init__()
        self.num_magnitude_bins = num_magnitude_bins
        self.interpolation = interpolation
        self.fill = fill

    def _augmentation_space(self, num_bins):
        return {
            "Identity": (tensor(0.0), False),
            "ShearX": (linspace(0.0, 0.99, num_bins), True),
            "ShearY": (linspace(0.0, 0.99, num_bins), True),
            "TranslateX": (linspace(0.0, 32.0, num_bins), True),
            "TranslateY": (linspace(0.0, 32.0, num_bins), True),
            "Rotate": (linspace(0.0, 135.0, num_bins), True),
            "Brightness": (linspace(0.0, 0.99, num_bins), True),
            "Color": (linspace(0.0, 0.99, num_bins), True),
            "Contrast": (linspace(0.0, 0.99, num_bins), True),
            "Sharpness": (linspace(0.0, 0.99, num_bins), True),
            "Posterize": (_posterize_bits(num_bins, 8, 6), False),
            "Solarize": (linspace(255.0, 0.0, num_bins), False),
            "AutoContrast": (tensor(0.0), False),
            "Equalize": (tensor(0.0), False),
        }

    def forward(self, img):
        channels, _, _ = F.get_dimensions(img)
        fill = _tensor_fill(self.fill, img, channels)
        op_meta = self._augmentation_space(self.num_magnitude_bins)
        op_index = _randint(0, len(op_meta))
        op_name = list(op_meta.keys())[op_index]
        magnitudes, signed = op_meta[op_name]
        magnitude = 0.0
        if magnitudes.ndim > 0:
            magnitude = float(magnitudes[randint(len(magnitudes), (1,))].item())
        if signed and _randint(0, 2):
            magnitude *= -1.0
        return _apply_op(img, op_name, magnitude, interpolation=self.interpolation, fill=fill)

    def __repr__(self):
        return (f"{self.__class__.__name__}(num_magnitude_bins={self.num_magnitude_bins}"
                f", interpolation={self.interpolation}, fill={self.fill})")


class AugMix(Module):
    """AugMix ("AugMix: A Simple Data Processing Method to Improve Robustness and
    Uncertainty", Hendrycks et al., 2019): mixture_width chains of 1 to 3 random operations,
    mixed with Dirichlet(alpha) weights, then blended with the original by a Beta(alpha, alpha)
    weight m:

        out = m0 * img + m1 * sum_i w_i * chain_i(img),   (m0, m1) ~ Dir(alpha, alpha),
                                                          w ~ Dir(alpha, ..., alpha)

    Args:
        severity: the highest magnitude bin (1 to 10) the operations draw from.
        mixture_width: the number of chains.
        chain_depth: the operations per chain; a negative value draws it from [1, 3].
        alpha: the concentration of the Dirichlet and Beta weights.
        all_ops: include Brightness, Color, Contrast and Sharpness.
        interpolation: an InterpolationMode for the geometric operations.
        fill: the value (or one per channel) of pixels moved in from outside the image.

    Example:
        >>> AugMix()(ember.zeros(3, 32, 32, dtype=ember.uint8)).shape
        ember.Size([3, 32, 32])
    """

    def __init__(self, severity=3, mixture_width=3, chain_depth=-1, alpha=1.0, all_ops=True,
                 interpolation=InterpolationMode.BILINEAR, fill=None):
        super().__init__()
        self._PARAMETER_MAX = 10
        if not 1 <= severity <= self._PARAMETER_MAX:
            raise ValueError(f"The severity must be between [1, {self._PARAMETER_MAX}]. Got "
                             f"{severity} instead.")
        self.severity = severity
        self.mixture_width = mixture_width
        self.chain_depth = chain_depth
        self.alpha = alpha
        self.all_ops = all_ops
        self.interpolation = interpolation
        self.fill = fill

    def _augmentation_space(self, num_bins, image_size):
        space = {
            "ShearX": (linspace(0.0, 0.3, num_bins), True),
            "ShearY": (linspace(0.0, 0.3, num_bins), True),
            "TranslateX": (linspace(0.0, image_size[1] / 3.0, num_bins), True),
            "TranslateY": (linspace(0.0, image_size[0] / 3.0, num_bins), True),
            "Rotate": (linspace(0.0, 30.0, num_bins), True),
            "Posterize": (_posterize_bits(num_bins, 4, 4), False),
            "Solarize": (linspace(255.0, 0.0, num_bins), False),
            "AutoContrast": (tensor(0.0), False),
            "Equalize": (tensor(0.0), False),
        }
        if self.all_ops:
            space.update({
                "Brightness": (linspace(0.0, 0.9, num_bins), True),
                "Color": (linspace(0.0, 0.9, num_bins), True),
                "Contrast": (linspace(0.0, 0.9, num_bins), True),
                "Sharpness": (linspace(0.0, 0.9, num_bins), True),
            })
        return space

    def _pil_to_tensor(self, img):
        return F.pil_to_tensor(img)

    def _tensor_to_pil(self, img):
        return F.to_pil_image(img)

    def _sample_dirichlet(self, params):
        """One Dirichlet draw per row of params, as torch._sample_dirichlet (the same gamma
        draws from the same seed). A method of its own so that tests can replace it."""
        return Dirichlet(params).sample()

    def forward(self, orig_img):
        channels, height, width = F.get_dimensions(orig_img)
        fill = _tensor_fill(self.fill, orig_img, channels)
        if isinstance(orig_img, Tensor):
            img = orig_img
        elif isinstance(orig_img, np.ndarray):
            img = F._from_numpy_image(orig_img)
        else:
            img = self._pil_to_tensor(orig_img)

        op_meta = self._augmentation_space(self._PARAMETER_MAX, (height, width))

        orig_dims = list(img.shape)
        batch = img.view([1] * max(4 - img.ndim, 0) + orig_dims)  # (N, C, H, W)
        batch_dims = [batch.size(0)] + [1] * (batch.ndim - 1)

        # The Beta weight of the original image and of the mixture, as a Dirichlet of two
        # (column 0: the original, column 1: the augmented chains)
        m = self._sample_dirichlet(
            tensor([self.alpha, self.alpha], device=batch.device).expand(batch_dims[0], -1))
        # the chains' weights, scaled by the mixture's share
        combined_weights = self._sample_dirichlet(
            tensor([self.alpha] * self.mixture_width, device=batch.device)
            .expand(batch_dims[0], -1)) * m[:, 1].view([batch_dims[0], -1])

        mix = m[:, 0].view(batch_dims) * batch
        for i in range(self.mixture_width):
            aug = batch
            depth = self.chain_depth if self.chain_depth > 0 \
                else _randint(1, 4)
            for _ in range(depth):
                op_index = _randint(0, len(op_meta))
                op_name = list(op_meta.keys())[op_index]
                magnitudes, signed = op_meta[op_name]
                magnitude = 0.0
                if magnitudes.ndim > 0:
                    magnitude = float(magnitudes[randint(self.severity, (1,))].item())
                if signed and _randint(0, 2):
                    magnitude *= -1.0
                aug = _apply_op(aug, op_name, magnitude, interpolation=self.interpolation,
                                fill=fill)
            mix.add_(combined_weights[:, i].view(batch_dims) * aug)
        mix = mix.view(orig_dims).to(dtype=img.dtype)

        if isinstance(orig_img, np.ndarray):
            return F._to_numpy_image(mix, keep_channel_dim=orig_img.ndim == 3)
        if not isinstance(orig_img, Tensor):
            return self._tensor_to_pil(mix)
        return mix

    def __repr__(self):
        return (f"{self.__class__.__name__}(severity={self.severity}"
                f", mixture_width={self.mixture_width}, chain_depth={self.chain_depth}"
                f", alpha={self.alpha}, all_ops={self.all_ops}"
                f", interpolation={self.interpolation}, fill={self.fill})")
