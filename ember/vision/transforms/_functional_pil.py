"""The transforms on PIL images, by Pillow's own operations (as torchvision's)."""
import numbers

import numpy as np

from .._image import require_pil


def _image_module():
    return require_pil("Transforming PIL images")


def get_dimensions(img):
    return [len(img.getbands()), img.height, img.width]


def hflip(img):
    return img.transpose(_image_module().Transpose.FLIP_LEFT_RIGHT)


def vflip(img):
    return img.transpose(_image_module().Transpose.FLIP_TOP_BOTTOM)


def crop(img, top, left, height, width):
    return img.crop((left, top, left + width, top + height))  # zeros outside the image


def resize(img, size, interpolation):
    """size is [h, w]; interpolation a Pillow resampling filter."""
    return img.resize(tuple(size[::-1]), interpolation)


def _parse_fill(fill, img, name="fillcolor"):
    """Pillow's fill argument: one value per band (ints unless the image is float, "F")."""
    channels = len(img.getbands())
    if fill is None:
        fill = 0
    if isinstance(fill, (int, float)) and channels > 1:
        fill = tuple([fill] * channels)
    if isinstance(fill, (list, tuple)):
        if len(fill) == 1:
            fill = tuple(fill) * channels
        elif len(fill) != channels:
            raise ValueError(f"The number of elements in 'fill' does not match the number of "
                             f"channels of the image ({len(fill)} != {channels})")
        fill = tuple(fill)
    if img.mode != "F":
        fill = tuple(int(x) for x in fill) if isinstance(fill, tuple) else int(fill)
    return {name: fill}


def pad(img, padding, fill=0, padding_mode="constant"):
    """padding: [left, top, right, bottom] (negative values crop)."""
    image_module = _image_module()
    if not isinstance(fill, (numbers.Number, tuple, list)) and fill is not None:
        raise TypeError("Got inappropriate fill arg")
    left, top, right, bottom = padding
    if padding_mode == "constant" and min(padding) >= 0:
        from PIL import ImageOps
        palette = img.getpalette() if img.mode == "P" else None
        out = ImageOps.expand(img, border=(left, top, right, bottom),
                              **_parse_fill(fill, img, name="fill"))
        if palette is not None:
            out.putpalette(palette)
        return out
    cropping = -np.minimum(padding, 0)
    if cropping.any():
        img = img.crop((cropping[0], cropping[1], img.width - cropping[2],
                        img.height - cropping[3]))
    left, top, right, bottom = np.maximum(padding, 0).tolist()
    array = np.asarray(img)
    widths = ((top, bottom), (left, right)) + (((0, 0),) if array.ndim == 3 else ())
    if padding_mode == "constant":
        fill = _parse_fill(fill, img, name="fill")["fill"]
        out = np.stack([np.pad(array[..., c], widths[:2], constant_values=value)
                        for c, value in enumerate(fill)], -1) if array.ndim == 3 \
            else np.pad(array, widths, constant_values=fill)
    else:
        out = np.pad(array, widths, mode=padding_mode)
    result = image_module.fromarray(out, img.mode)
    if img.mode == "P":
        result.putpalette(img.getpalette())
    return result


def adjust_brightness(img, factor):
    from PIL import ImageEnhance
    return ImageEnhance.Brightness(img).enhance(factor)


def adjust_contrast(img, factor):
    from PIL import ImageEnhance
    return ImageEnhance.Contrast(img).enhance(factor)


def adjust_saturation(img, factor):
    from PIL import ImageEnhance
    return ImageEnhance.Color(img).enhance(factor)


def adjust_hue(img, hue_factor):
    if img.mode in {"L", "1", "I", "F"}:
        return img
    image_module = _image_module()
    hue, saturation, value = img.convert("HSV").split()
    shifted = np.array(hue, dtype=np.uint8)
    shifted += np.array(np.int8(hue_factor * 255)).astype(np.uint8)  # wraps round, as hue does
    hue = image_module.fromarray(shifted, "L")
    return image_module.merge("HSV", (hue, saturation, value)).convert(img.mode)


def to_grayscale(img, num_output_channels):
    if num_output_channels not in (1, 3):
        raise ValueError("num_output_channels should be either 1 or 3")
    gray = img.convert("L")
    if num_output_channels == 1:
        return gray
    array = np.array(gray, dtype=np.uint8)
    return _image_module().fromarray(np.dstack([array, array, array]), "RGB")
