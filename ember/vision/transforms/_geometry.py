"""Geometric transforms, as torchvision.transforms.functional's: rotate, affine, perspective,
elastic_transform, gaussian_blur, erase, five_crop and ten_crop (exported from functional.py),
with torchvision's helpers _get_inverse_affine_matrix and _get_perspective_coeffs. The
transforms over them are in _geometry_transforms.py.

PIL images go through Pillow's own rotate and transform (AFFINE, PERSPECTIVE), as torchvision's
_functional_pil.py does. Tensor images (..., C, H, W) are resampled by grid_sample at the
positions torchvision's _functional_tensor.py computes, step for step, so that gradients flow
and results agree with torchvision's (see _apply_rows and NOTE [ Gaussian blur as torch
computes it ]); integer images are resampled as float32 and rounded back. uint8 numpy images
HxW / HxWxC take the tensor path (see functional.py). gaussian_blur and elastic_transform
convert PIL images to tensors and back, as torchvision does.
"""
import math
import numbers
import warnings

import numpy as np

from ... import _dtype
from ... import linalg
from ..._tensor import Size, Tensor
from ...nn import functional as nn_functional
from ...ops.compare import where
from ...ops.creation import linspace, ones, tensor
from ...ops.join import cat, meshgrid, stack
from .._image import require_pil
from . import functional as F
from .functional import InterpolationMode, _interpolation_modes_from_int, pil_modes_mapping
from ._functional_pil import _parse_fill

__all__ = ["rotate", "affine", "perspective", "gaussian_blur", "erase", "elastic_transform",
           "five_crop", "ten_crop"]

_GRID_MODES = ["nearest", "bilinear"]


def _interpolation(interpolation):
    """An InterpolationMode from a mode or a Pillow filter constant."""
    if isinstance(interpolation, int):
        return _interpolation_modes_from_int(interpolation)
    if not isinstance(interpolation, InterpolationMode):
        raise TypeError("Argument interpolation should be a InterpolationMode or a "
                        "corresponding Pillow integer constant")
    return interpolation


# -- the inverse maps -------------------------------------------------------------------------

def _get_inverse_affine_matrix(center, angle, translate, scale, shear, inverted=True):
    """The 2 x 3 affine map [a, b, c, d, e, f] from output to input pixel positions (or, with
    inverted=False, from input to output), for

        M = T * C * R(angle) * S(scale) * SHy(shear_y) * SHx(shear_x) * C^-1

    with T the translation, C the move of the origin to center, angles in degrees. Pillow's
    transform and the tensor grids both need the inverse, M^-1 = C * RSS^-1 * C^-1 * T^-1.

    Example:
        >>> _get_inverse_affine_matrix([0.0, 0.0], 0.0, [2.0, 3.0], 2.0, [0.0, 0.0])
        [0.5, 0.0, -1.0, -0.0, 0.5, -1.5]
    """
    rot = math.radians(angle)
    shear_x = math.radians(shear[0])
    shear_y = math.radians(shear[1])
    cx, cy = center
    tx, ty = translate
    # rotation times shear, without scale; its determinant is 1
    a = math.cos(rot - shear_y) / math.cos(shear_y)
    b = -math.cos(rot - shear_y) * math.tan(shear_x) / math.cos(shear_y) - math.sin(rot)
    c = math.sin(rot - shear_y) / math.cos(shear_y)
    d = -math.sin(rot - shear_y) * math.tan(shear_x) / math.cos(shear_y) + math.cos(rot)
    if inverted:
        matrix = [x / scale for x in [d, -b, 0.0, -c, a, 0.0]]
        matrix[2] += matrix[0] * (-cx - tx) + matrix[1] * (-cy - ty)
        matrix[5] += matrix[3] * (-cx - tx) + matrix[4] * (-cy - ty)
        matrix[2] += cx
        matrix[5] += cy
    else:
        matrix = [x * scale for x in [a, b, 0.0, c, d, 0.0]]
        matrix[2] += matrix[0] * (-cx) + matrix[1] * (-cy)
        matrix[5] += matrix[3] * (-cx) + matrix[4] * (-cy)
        matrix[2] += cx + tx
        matrix[5] += cy + ty
    return matrix


def _get_perspective_coeffs(startpoints, endpoints):
    """The coefficients (a, b, c, d, e, f, g, h) of the map from endpoints to startpoints,

        (x, y) -> ((a x + b y + c) / (g x + h y + 1), (d x + e y + f) / (g x + h y + 1)),

    by least squares in float64 (for stability), rounded to float32 as torchvision's.

    Args:
        startpoints: the four corners [top-left, top-right, bottom-right, bottom-left], as
            [x, y], of the original image.
        endpoints: where they go in the transformed image.
    """
    if len(startpoints) != 4 or len(endpoints) != 4:
        raise ValueError(f"Please provide exactly four corners, got {len(startpoints)} "
                         f"startpoints and {len(endpoints)} endpoints.")
    rows = []
    for (x, y), (u, v) in zip(endpoints, startpoints):
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y])
    a_matrix = tensor(rows, dtype=_dtype.float64)                          # (8, 8)
    b_matrix = tensor(startpoints, dtype=_dtype.float64).view(8)           # (8,)
    solution = linalg.lstsq(a_matrix, b_matrix, driver="gels").solution
    return solution.to(_dtype.float32).tolist()


# -- tensor images: resampling on a grid ------------------------------------------------------

def _to_batch(img):
    """(N, C, H, W) from (..., C, H, W) or (H, W), and the dims before (H, W) to restore."""
    shape = tuple(img.shape)
    if img.ndim == 2:
        return img.reshape(1, 1, *shape), ()
    return img.reshape((-1,) + shape[-3:]), shape[:-2]


def _assert_grid_transform_inputs(img, matrix, interpolation, fill, coeffs=None):
    if not isinstance(img, Tensor):
        raise TypeError("Input img should be Tensor")
    F._assert_image_tensor(img)
    if matrix is not None and not isinstance(matrix, list):
        raise TypeError("Argument matrix should be a list")
    if matrix is not None and len(matrix) != 6:
        raise ValueError("Argument matrix should have 6 float values")
    if coeffs is not None and len(coeffs) != 8:
        raise ValueError("Argument coeffs should have 8 float values")
    if fill is not None and not isinstance(fill, (int, float, tuple, list)):
        warnings.warn("Argument fill should be either int, float, tuple or list")
    channels = F._tensor_dimensions(img)[0]
    if isinstance(fill, (tuple, list)) and len(fill) > 1 and len(fill) != channels:
        raise ValueError(f"The number of elements in 'fill' cannot broadcast to match the "
                         f"number of channels of the image ({len(fill)} != {channels})")
    if interpolation not in _GRID_MODES:
        raise ValueError(f"Interpolation mode '{interpolation}' is unsupported with Tensor "
                         f"input")


def _apply_grid_transform(img, grid, mode, fill):
    """grid_sample img (..., C, H, W) at grid (1, oh, ow, 2), zeros outside, then fill there.

    With a fill, a channel of ones rides along: after sampling it says how much of each
    output pixel came from inside the image (0 or 1 for nearest, a weight for bilinear).
    """
    x, leading = _to_batch(img)
    out_dtype = x.dtype
    need_cast = out_dtype is not grid.dtype
    if need_cast:
        x = x.to(grid.dtype)
    batch, _, height, width = x.shape
    if batch > 1:
        grid = grid.expand(batch, *grid.shape[1:])
    if fill is not None:
        x = cat((x, ones((batch, 1, height, width), dtype=x.dtype, device=x.device)), dim=1)
    x = nn_functional.grid_sample(x, grid, mode=mode, padding_mode="zeros",
                                  align_corners=False)
    if fill is not None:
        mask = x[:, -1:, :, :].expand_as(x[:, :-1, :, :])    # (N, C, oh, ow)
        x = x[:, :-1, :, :]
        fill_list = list(fill) if isinstance(fill, (tuple, list)) else [float(fill)]
        fill_img = tensor(fill_list, dtype=x.dtype, device=x.device) \
            .view(1, len(fill_list), 1, 1).expand_as(x)
        if mode == "nearest":
            x = where(mask < 0.5, fill_img, x)
        else:
            x = x * mask + (1.0 - mask) * fill_img
    if need_cast:
        if not out_dtype.is_floating_point:
            x = x.round()  # rather than truncate
        x = x.to(out_dtype)
    return x.reshape(leading + tuple(x.shape[-2:]))


def _grid_dtype(img):
    return img.dtype if img.is_floating_point() else _dtype.float32


def _pixel_grid(ow, oh, first_x, first_y, dtype, device):
    """x (1, ow) and y (oh, 1): pixel positions stepping by 1 from first_x and first_y.

    The steps come from linspace in the default dtype, as torchvision's do.
    """
    x = linspace(first_x, first_x + ow - 1, steps=ow, device=device).to(dtype)
    y = linspace(first_y, first_y + oh - 1, steps=oh, device=device).to(dtype)
    return x.view(1, ow), y.view(oh, 1)


def _apply_rows(x, y, matrix):
    """(1, oh, ow, 2): [x, y, 1] @ matrix (3, 2) at every pixel.

    torchvision computes this as a bmm of the rows [x, y, 1]; torch's CPU gemm sums the
    products in order without fused multiply-adds, and so does this, bit for bit: a nearest
    neighbour at a half pixel depends on the last bit.
    """
    out = (x.unsqueeze(-1) * matrix[0] + y.unsqueeze(-1) * matrix[1]) + matrix[2]
    return out.unsqueeze(0)


def _gen_affine_grid(theta, w, h, ow, oh):
    """The grid_sample positions of an (oh, ow) output under the inverse affine map theta
    (1, 2, 3), in pixels about the image centre: normalised after applying theta, and by the
    input's size (w, h), so that an expanded output reaches outside the input as Pillow's."""
    x, y = _pixel_grid(ow, oh, -ow * 0.5 + 0.5, -oh * 0.5 + 0.5, theta.dtype, theta.device)
    rescaled_theta = theta[0].T / tensor([0.5 * w, 0.5 * h], dtype=theta.dtype,
                                         device=theta.device)             # (3, 2)
    return _apply_rows(x, y, rescaled_theta)


def _affine_tensor(img, matrix, interpolation, fill):
    _assert_grid_transform_inputs(img, matrix, interpolation, fill)
    theta = tensor(matrix, dtype=_grid_dtype(img), device=img.device).reshape(1, 2, 3)
    height, width = img.shape[-2], img.shape[-1]
    grid = _gen_affine_grid(theta, w=width, h=height, ow=width, oh=height)
    return _apply_grid_transform(img, grid, interpolation, fill)


def _compute_affine_output_size(matrix, w, h):
    """(width, height) of the box holding the image's corners mapped by matrix, in float32
    as torchvision's; like Pillow's rotate(expand=True)."""
    corners = tensor([[-0.5 * w, -0.5 * h, 1.0], [-0.5 * w, 0.5 * h, 1.0],
                      [0.5 * w, 0.5 * h, 1.0], [0.5 * w, -0.5 * h, 1.0]],
                     dtype=_dtype.float32)
    theta = tensor(matrix, dtype=_dtype.float32).view(2, 3)
    moved = corners.matmul(theta.T)                                    # (4, 2)
    offset = tensor((w * 0.5, h * 0.5), dtype=_dtype.float32)
    min_values = moved.min(dim=0).values + offset
    max_values = moved.max(dim=0).values + offset
    # truncate to 1e-4 so that an error of 1e-15 does not round up a whole pixel
    tol = 1e-4
    size = (max_values / tol).trunc() * tol
    size = size.ceil() - ((min_values / tol).trunc() * tol).floor()
    return int(size[0]), int(size[1])


def _rotate_tensor(img, matrix, interpolation, expand, fill):
    _assert_grid_transform_inputs(img, matrix, interpolation, fill)
    width, height = img.shape[-1], img.shape[-2]
    out_width, out_height = _compute_affine_output_size(matrix, width, height) if expand \
        else (width, height)
    theta = tensor(matrix, dtype=_grid_dtype(img), device=img.device).reshape(1, 2, 3)
    grid = _gen_affine_grid(theta, w=width, h=height, ow=out_width, oh=out_height)
    return _apply_grid_transform(img, grid, interpolation, fill)


def _perspective_grid(coeffs, ow, oh, dtype, device):
    """Pillow's perspective map (libImaging/Geometry.c) at the output's pixel centres, as
    grid_sample positions."""
    theta1 = tensor([coeffs[0:3], coeffs[3:6]], dtype=dtype, device=device)          # (2, 3)
    theta2 = tensor([[coeffs[6], coeffs[7], 1.0], [coeffs[6], coeffs[7], 1.0]], dtype=dtype,
                    device=device)
    x, y = _pixel_grid(ow, oh, 0.5, 0.5, dtype, device)
    rescaled_theta1 = theta1.T / tensor([0.5 * ow, 0.5 * oh], dtype=dtype, device=device)
    numerator = _apply_rows(x, y, rescaled_theta1)
    denominator = _apply_rows(x, y, theta2.T)
    return numerator / denominator - 1.0


def _perspective_tensor(img, coeffs, interpolation, fill):
    if not isinstance(img, Tensor):
        raise TypeError("Input img should be Tensor.")
    _assert_grid_transform_inputs(img, None, interpolation, fill, coeffs=coeffs)
    grid = _perspective_grid(coeffs, ow=img.shape[-1], oh=img.shape[-2],
                             dtype=_grid_dtype(img), device=img.device)
    return _apply_grid_transform(img, grid, interpolation, fill)


# -- rotate, affine, perspective ----------------------------------------------------------------

def _check_center(center):
    if center is not None and not isinstance(center, (list, tuple)):
        raise TypeError("Argument center should be a sequence")


def _tensor_center(img, center):
    """center (x, y) in pixels from the top-left corner, moved to be about the image centre
    (the tensor grids' origin)."""
    if center is None:
        return [0.0, 0.0]
    _, height, width = F.get_dimensions(img)
    return [1.0 * (c - s * 0.5) for c, s in zip(center, [width, height])]


def rotate(img, angle, interpolation=InterpolationMode.NEAREST, expand=False, center=None,
           fill=None):
    """Rotate by angle degrees counter-clockwise about center (default: the image centre).

    Args:
        img: the image (tensors (..., C, H, W) with NEAREST or BILINEAR only).
        angle: degrees, counter-clockwise.
        interpolation: an InterpolationMode (or a Pillow filter constant).
        expand: enlarge the output to hold the whole rotated image (assumes rotation about
            the centre).
        center: (x, y), from the top-left corner.
        fill: the value of pixels from outside the image: a number, or one per channel.

    Returns:
        the rotated image, of the input's kind.

    Example:
        >>> rotate(ember.arange(4.).view(1, 2, 2), 90)
        tensor([[[1., 3.],
                 [0., 2.]]])
    """
    interpolation = _interpolation(interpolation)
    if not isinstance(angle, (int, float)):
        raise TypeError("Argument angle should be int or float")
    _check_center(center)

    def on_pil(image):
        return image.rotate(angle, pil_modes_mapping[interpolation], expand, center,
                            **_parse_fill(fill, image))

    def on_tensor(image):
        # the tensor grid turns the other way from Pillow's: hence -angle
        matrix = _get_inverse_affine_matrix(_tensor_center(image, center), -angle, [0.0, 0.0],
                                            1.0, [0.0, 0.0])
        return _rotate_tensor(image, matrix, interpolation.value, expand, fill)
    return F._apply(img, on_tensor, on_pil)


def affine(img, angle, translate, scale, shear, interpolation=InterpolationMode.NEAREST,
           fill=None, center=None):
    """Rotate, scale, shear and translate, keeping center (default: the image centre) fixed.

    The map is translate * center * rotate(angle) * scale * shear_y * shear_x * center^-1.

    Args:
        img: the image (tensors (..., C, H, W) with NEAREST or BILINEAR only).
        angle: rotation in degrees, clockwise.
        translate: (dx, dy) in pixels, applied after the rotation.
        scale: the overall scale, positive.
        shear: degrees, a number (parallel to the x axis) or (shear_x, shear_y).
        interpolation: an InterpolationMode (or a Pillow filter constant).
        fill: the value of pixels from outside the image: a number, or one per channel.
        center: (x, y), from the top-left corner.

    Example:
        >>> affine(ember.arange(3.).view(1, 1, 3), 0.0, [1, 0], 1.0, 0.0)
        tensor([[[0., 0., 1.]]])
    """
    interpolation = _interpolation(interpolation)
    if not isinstance(angle, (int, float)):
        raise TypeError("Argument angle should be int or float")
    if not isinstance(translate, (list, tuple)):
        raise TypeError("Argument translate should be a sequence")
    if len(translate) != 2:
        raise ValueError("Argument translate should be a sequence of length 2")
    if scale <= 0.0:
        raise ValueError("Argument scale should be positive")
    if not isinstance(shear, (numbers.Number, list, tuple)):
        raise TypeError("Shear should be either a single value or a sequence of two values")
    angle = float(angle)
    translate = list(translate)
    shear = [shear, 0.0] if isinstance(shear, numbers.Number) else list(shear)
    if len(shear) == 1:
        shear = [shear[0], shear[0]]
    if len(shear) != 2:
        raise ValueError(f"Shear should be a sequence containing two values. Got {shear}")
    _check_center(center)

    def on_pil(image):
        # the centre without torchvision's 0.5 offset, which would shift a 90 degree turn
        # against torch.rot90 and the tensor path
        pil_center = [image.width * 0.5, image.height * 0.5] if center is None else center
        matrix = _get_inverse_affine_matrix(pil_center, angle, translate, scale, shear)
        return image.transform(image.size, require_pil("affine").Transform.AFFINE, matrix,
                               pil_modes_mapping[interpolation], **_parse_fill(fill, image))

    def on_tensor(image):
        matrix = _get_inverse_affine_matrix(_tensor_center(image, center), angle,
                                            [1.0 * t for t in translate], scale, shear)
        return _affine_tensor(image, matrix, interpolation.value, fill)
    return F._apply(img, on_tensor, on_pil)


def perspective(img, startpoints, endpoints, interpolation=InterpolationMode.BILINEAR,
                fill=None):
    """The perspective transform taking the four corners startpoints to endpoints.

    Args:
        img: the image (tensors (..., C, H, W) with NEAREST or BILINEAR only).
        startpoints: [top-left, top-right, bottom-right, bottom-left] corners [x, y] of the
            original image.
        endpoints: the same corners in the transformed image.
        interpolation: an InterpolationMode (or a Pillow filter constant).
        fill: the value of pixels from outside the image: a number, or one per channel.

    Example:
        >>> corners = [[0, 0], [3, 0], [3, 3], [0, 3]]
        >>> perspective(ember.ones(1, 4, 4), corners, corners).sum().item()
        16.0
    """
    coeffs = _get_perspective_coeffs(startpoints, endpoints)
    interpolation = _interpolation(interpolation)

    def on_pil(image):
        return image.transform(image.size, require_pil("perspective").Transform.PERSPECTIVE, coeffs,
                               pil_modes_mapping[interpolation], **_parse_fill(fill, image))
    return F._apply(img, lambda t: _perspective_tensor(t, coeffs, interpolation.value, fill),
                    on_pil)


# -- gaussian blur, elastic transform, erase ----------------------------------------------------

# NOTE [ Gaussian blur as torch computes it ]
# A uint8 or PIL image is blurred in float32 and rounded back, so a difference in the last bit
# of a float32 sum can move a pixel by one where it lands near a half. To round as torchvision
# does, the float32 blur repeats torch's CPU arithmetic:
# - the kernel's exp is computed in float64 and rounded: torch's vectorised expf agrees with
#   that on about 99% of inputs (numpy's float32 exp on about 60%), and the rare last-bit
#   difference in the kernel is the one thing not matched;
# - the kernel is normalised by its sum taken in the order torch's vectorised sum adds
#   (_torch_sum);
# - the convolution adds the taps as oneDNN's depthwise kernel does: row by row, each one a
#   fused multiply-add into a float32 accumulator (emulated in float64, whose product of two
#   float32 numbers is exact). This is also several times faster than a grouped conv2d here.
# float64 images (torch convolves them with its own GEMM) are summed plainly, tap by tap.

def _torch_sum(values):
    """The sum of a small 1-D float array, added in the order of torch's CPU sum: AVX2
    registers of `lanes` values, accumulated four at a time, then the leftover values, then
    the lanes. (Exact for fewer than 64 registers; torch cascades beyond, and kernels are never
    that wide.)"""
    lanes = 32 // values.itemsize
    whole = len(values) // lanes * lanes
    if whole == 0:  # fewer values than a register: the same order, one value per row
        lanes, whole = 1, len(values)
    rows = values[:whole].reshape(-1, lanes)
    partial = [values.dtype.type(0) * rows[0] for _ in range(4)]
    complete = len(rows) // 4 * 4
    for i in range(complete):
        partial[i % 4] = partial[i % 4] + rows[i]
    for i in range(complete, len(rows)):
        partial[0] = partial[0] + rows[i]
    row = ((partial[0] + partial[1]) + partial[2]) + partial[3]
    if lanes == 1:
        return row[0]
    total = values.dtype.type(0)
    for value in values[whole:]:
        total = total + value
    for value in row:
        total = total + value
    return total


def _get_gaussian_kernel1d(kernel_size, sigma, dtype):
    """exp(-x**2 / (2 sigma**2)) at x = -(k-1)/2 ... (k-1)/2, normalised to sum 1: a numpy
    array of dtype's (see NOTE [ Gaussian blur as torch computes it ])."""
    half = (kernel_size - 1) * 0.5
    x = linspace(-half, half, steps=kernel_size, dtype=dtype).numpy()
    exponent = -0.5 * (x / x.dtype.type(sigma)) ** 2
    pdf = np.exp(exponent.astype(np.float64)).astype(x.dtype)
    return pdf / _torch_sum(pdf)


def _get_gaussian_kernel2d(kernel_size, sigma, dtype, device):
    """(ky, kx): the outer product of the 1-D kernels; kernel_size and sigma are (x, y)."""
    kernel_x = _get_gaussian_kernel1d(kernel_size[0], sigma[0], dtype)
    kernel_y = _get_gaussian_kernel1d(kernel_size[1], sigma[1], dtype)
    return tensor(np.outer(kernel_y, kernel_x), device=device)


def _depthwise_blur(x, kernel):
    """Each channel of x (N, C, H + ky - 1, W + kx - 1) correlated with kernel (ky, kx): (N,
    C, H, W), added tap by tap (see NOTE [ Gaussian blur as torch computes it ])."""
    kernel_height, kernel_width = kernel.shape
    height = x.shape[-2] - kernel_height + 1
    width = x.shape[-1] - kernel_width + 1
    fused = x.dtype is _dtype.float32
    wide = x.to(_dtype.float64) if fused else x
    out = None
    for i, row in enumerate(kernel.tolist()):
        for j, weight in enumerate(row):
            term = wide[..., i:i + height, j:j + width] * weight
            out = term if out is None else out + term  # a float32 out is widened exactly
            if fused:
                out = out.to(_dtype.float32)
    return out


def _gaussian_blur_tensor(img, kernel_size, sigma):
    if not isinstance(img, Tensor):
        raise TypeError(f"img should be Tensor. Got {type(img)}")
    F._assert_image_tensor(img)
    x, _ = _to_batch(img)
    dtype = _grid_dtype(x)
    kernel = _get_gaussian_kernel2d(kernel_size, sigma, dtype, x.device)   # (ky, kx)
    out_dtype = x.dtype
    if out_dtype is not dtype:
        x = x.to(dtype)
    # reflection padding of half the kernel keeps the image's size
    padding = [kernel_size[0] // 2, kernel_size[0] // 2, kernel_size[1] // 2,
               kernel_size[1] // 2]
    x = _depthwise_blur(nn_functional.pad(x, padding, mode="reflect"), kernel)
    if out_dtype is not dtype:
        if not out_dtype.is_floating_point:
            x = x.round()
        x = x.to(out_dtype)
    return x.reshape(img.shape)


def gaussian_blur(img, kernel_size, sigma=None):
    """Blur with a Gaussian kernel, reflecting the image at its borders:

        kernel[i, j] = g_y[i] g_x[j],  g[k] = exp(-k**2 / (2 sigma**2)), normalised to sum 1.

    Args:
        img: the image. PIL images are blurred as tensors and converted back.
        kernel_size: odd positive int, or (kx, ky).
        sigma: standard deviation, a number or (sigma_x, sigma_y); by default
            0.3 * ((kernel_size - 1) * 0.5 - 1) + 0.8.

    Example:
        >>> gaussian_blur(ember.tensor([[[0., 0., 9., 0., 0.]]]), [3, 1], 1.0)
        tensor([[[0.0000, 2.4666, 4.0668, 2.4666, 0.0000]]])
    """
    if not isinstance(kernel_size, (int, list, tuple)):
        raise TypeError(f"kernel_size should be int or a sequence of integers. Got "
                        f"{type(kernel_size)}")
    if isinstance(kernel_size, int):
        kernel_size = [kernel_size, kernel_size]
    if len(kernel_size) != 2:
        raise ValueError(f"If kernel_size is a sequence its length should be 2. Got "
                         f"{len(kernel_size)}")
    for size in kernel_size:
        if size % 2 == 0 or size < 0:
            raise ValueError(f"kernel_size should have odd and positive integers. Got "
                             f"{kernel_size}")
    if sigma is None:
        sigma = [size * 0.15 + 0.35 for size in kernel_size]
    if not isinstance(sigma, (int, float, list, tuple)):
        raise TypeError(f"sigma should be either float or sequence of floats. Got "
                        f"{type(sigma)}")
    if isinstance(sigma, (int, float)):
        sigma = [float(sigma), float(sigma)]
    if isinstance(sigma, (list, tuple)) and len(sigma) == 1:
        sigma = [sigma[0], sigma[0]]
    if len(sigma) != 2:
        raise ValueError(f"If sigma is a sequence, its length should be 2. Got {len(sigma)}")
    for s in sigma:
        if s <= 0.0:
            raise ValueError(f"sigma should have positive values. Got {sigma}")

    def on_pil(image):
        blurred = _gaussian_blur_tensor(F.pil_to_tensor(image), kernel_size, sigma)
        return F.to_pil_image(blurred, mode=image.mode)
    return F._apply(img, lambda t: _gaussian_blur_tensor(t, kernel_size, sigma), on_pil)


def _create_identity_grid(size):
    """(1, H, W, 2): the grid_sample positions of the pixel centres of an H x W image."""
    height_space, width_space = [linspace((-s + 1) / s, (s - 1) / s, s) for s in size]
    grid_y, grid_x = meshgrid(height_space, width_space, indexing="ij")
    return stack([grid_x, grid_y], -1).unsqueeze(0)


def _elastic_transform_tensor(img, displacement, interpolation, fill):
    if not isinstance(img, Tensor):
        raise TypeError(f"img should be Tensor. Got {type(img)}")
    grid = _create_identity_grid(list(img.shape[-2:])).to(img.device) \
        + displacement.to(img.device)
    return _apply_grid_transform(img, grid, interpolation, fill)


def elastic_transform(img, displacement, interpolation=InterpolationMode.BILINEAR, fill=None):
    """Move each pixel by a displacement field: sample the image at identity grid +
    displacement.

    Args:
        img: the image, tensor (..., C, H, W) or PIL (converted to a tensor and back).
        displacement: (1, H, W, 2), (dx, dy) in grid_sample's normalised units (2 is the
            whole width or height).
        interpolation: NEAREST or BILINEAR.
        fill: the value of pixels from outside the image.

    Example:
        >>> elastic_transform(ember.ones(1, 2, 2), ember.zeros(1, 2, 2, 2)).sum().item()
        4.0
    """
    if isinstance(interpolation, int):
        warnings.warn("Argument interpolation should be of type InterpolationMode instead of "
                      "int. Please, use InterpolationMode enum.")
        interpolation = _interpolation_modes_from_int(interpolation)
    if not isinstance(displacement, Tensor):
        raise TypeError("Argument displacement should be a Tensor")
    _, height, width = F.get_dimensions(img)
    shape = Size((1, height, width, 2))
    if shape != displacement.shape:
        raise ValueError(f"Argument displacement shape should be {shape}, but given "
                         f"{displacement.shape}")

    def on_tensor(image):
        return _elastic_transform_tensor(image, displacement, interpolation.value, fill)

    def on_pil(image):
        out = on_tensor(F.pil_to_tensor(image))
        return F.to_pil_image(out, mode=image.mode)
    return F._apply(img, on_tensor, on_pil)


def erase(img, i, j, h, w, v, inplace=False):
    """Set the h x w window at row i, column j of a tensor image (..., C, H, W) to v.

    Args:
        img: a tensor image (not PIL).
        i, j: the window's top-left corner.
        h, w: its height and width.
        v: the value: a number or a tensor broadcasting to (..., C, h, w).
        inplace: change img itself.

    Example:
        >>> erase(ember.ones(1, 2, 2), 0, 0, 1, 1, 0.0).sum().item()
        3.0
    """
    if not isinstance(img, Tensor):
        raise TypeError(f"img should be Tensor Image. Got {type(img)}")
    F._assert_image_tensor(img)
    if not inplace:
        img = img.clone()
    img[..., i:i + h, j:j + w] = v
    return img


# -- five and ten crops ---------------------------------------------------------------------

def _crop_size(size):
    if isinstance(size, numbers.Number):
        size = (int(size), int(size))
    elif isinstance(size, (tuple, list)) and len(size) == 1:
        size = (size[0], size[0])
    if len(size) != 2:
        raise ValueError("Please provide only two dimensions (h, w) for size.")
    return size


def five_crop(img, size):
    """The four corner crops and the central crop of size (int or (h, w)).

    Returns:
        (top-left, top-right, bottom-left, bottom-right, centre).

    Example:
        >>> [c.shape[-1] for c in five_crop(ember.rand(3, 8, 8), 4)]
        [4, 4, 4, 4, 4]
    """
    size = _crop_size(size)
    _, image_height, image_width = F.get_dimensions(img)
    crop_height, crop_width = size
    if crop_width > image_width or crop_height > image_height:
        raise ValueError(f"Requested crop size {size} is bigger than input size "
                         f"{(image_height, image_width)}")
    top_left = F.crop(img, 0, 0, crop_height, crop_width)
    top_right = F.crop(img, 0, image_width - crop_width, crop_height, crop_width)
    bottom_left = F.crop(img, image_height - crop_height, 0, crop_height, crop_width)
    bottom_right = F.crop(img, image_height - crop_height, image_width - crop_width,
                          crop_height, crop_width)
    center = F.center_crop(img, [crop_height, crop_width])
    return top_left, top_right, bottom_left, bottom_right, center


def ten_crop(img, size, vertical_flip=False):
    """five_crop of the image, then five_crop of its mirror image (left-right, or top-bottom
    with vertical_flip): ten crops."""
    size = _crop_size(size)
    first_five = five_crop(img, size)
    img = F.vflip(img) if vertical_flip else F.hflip(img)
    return first_five + five_crop(img, size)
