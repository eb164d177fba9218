"""Pillow, imported lazily: `import ember` works without it, and images fall back to numpy.

With Pillow installed, datasets return PIL images, as torchvision does; without it they
return uint8 numpy arrays, HxW (grayscale) or HxWxC (colour), which the transforms accept.
"""
import sys

_PILLOW_HINT = "pip install pillow (or pip install ember[vision])"


def pil_image_module():
    """PIL.Image, or None when Pillow is not installed."""
    try:
        from PIL import Image
    except ImportError:
        return None
    return Image


def require_pil(what):
    """PIL.Image; raises ModuleNotFoundError naming `what` needs it when Pillow is missing."""
    image = pil_image_module()
    if image is None:
        raise ModuleNotFoundError(f"{what} needs Pillow, which is not installed: {_PILLOW_HINT}")
    return image


def is_pil_image(obj):
    """Whether obj is a PIL image (without importing Pillow: no PIL image exists before)."""
    module = sys.modules.get("PIL.Image")
    return module is not None and isinstance(obj, module.Image)


def to_image(array, mode=None):
    """A dataset's sample: a PIL image of the uint8 array when Pillow is installed, otherwise
    the array itself (HxW or HxWxC)."""
    image = pil_image_module()
    if image is None:
        return array
    return image.fromarray(array, mode) if mode else image.fromarray(array)
