"""The geometric transforms (rotate, affine, perspective, elastic_transform, gaussian_blur,
erase, five/ten crops) against their definitions: Pillow's own rotate/transform calls for PIL
images, torch's grid_sample/affine_grid/conv2d for tensors, numpy for crops and erasing; and
the random transforms' draws against torchvision's, written out with torch's own ops in
torchvision's order (torchvision is not installed here)."""
import math
import random

import numpy as np
import pytest
import torch

import ember
from ember.vision import transforms as T
from ember.vision.transforms import functional as F
from oracle import TORCH_KERNELS_AS_EMBERS, assert_bitwise

PIL = pytest.importorskip("PIL.Image")

NEAREST = T.InterpolationMode.NEAREST
BILINEAR = T.InterpolationMode.BILINEAR


def uint8_image(shape=(20, 30, 3), seed=0):
    return np.random.default_rng(seed).integers(0, 256, shape).astype(np.uint8)


def chw(array):
    return np.ascontiguousarray(array.transpose(2, 0, 1))


def torch_grid_sample(image, grid, mode, fill=None):
    """torchvision's definition of resampling a (C, H, W) float image: grid_sample with zeros
    outside, then fill blended in by a sampled mask of ones."""
    x = torch.tensor(image)[None]
    if fill is not None:
        x = torch.cat((x, torch.ones_like(x[:, :1])), 1)
    out = torch.nn.functional.grid_sample(x, torch.tensor(grid), mode=mode,
                                          padding_mode="zeros", align_corners=False)
    if fill is not None:
        mask, out = out[:, -1:], out[:, :-1]
        fill = torch.tensor(fill, dtype=out.dtype).view(1, -1, 1, 1)
        out = torch.where(mask < 0.5, fill, out) if mode == "nearest" \
            else out * mask + (1 - mask) * fill
    return out[0].numpy()


def affine_grid(matrix, height, width):
    """torch's affine_grid for the inverse map matrix (pixels about the image centre), moved to
    grid_sample's normalised coordinates."""
    a, b, c, d, e, f = matrix
    theta = torch.tensor([[[a, b * height / width, 2 * c / width],
                           [d * width / height, e, 2 * f / height]]], dtype=torch.float64)
    return torch.nn.functional.affine_grid(theta, (1, 1, height, width),
                                           align_corners=False).float().numpy()


# -- the inverse maps ---------------------------------------------------------------------------

def test_inverse_affine_matrix_is_the_inverse_of_the_composition():
    center, angle, translate, scale, shear = [3.0, -2.0], 30.0, [4.0, 1.5], 1.3, [10.0, -7.0]
    rad = np.radians

    def shift(x, y):
        return np.array([[1, 0, x], [0, 1, y], [0, 0, 1.0]])
    rotation = np.array([[np.cos(rad(angle)), -np.sin(rad(angle)), 0],
                         [np.sin(rad(angle)), np.cos(rad(angle)), 0], [0, 0, 1]])
    shear_x = np.array([[1, -np.tan(rad(shear[0])), 0], [0, 1, 0], [0, 0, 1]])
    shear_y = np.array([[1, 0, 0], [-np.tan(rad(shear[1])), 1, 0], [0, 0, 1]])
    forward = shift(*translate) @ shift(*center) @ rotation @ np.diag([scale, scale, 1]) \
        @ shear_y @ shear_x @ shift(-center[0], -center[1])
    inverse = F._get_inverse_affine_matrix(center, angle, translate, scale, shear)
    np.testing.assert_allclose(inverse, np.linalg.inv(forward)[:2].ravel(), atol=1e-12)
    direct = F._get_inverse_affine_matrix(center, angle, translate, scale, shear, inverted=False)
    np.testing.assert_allclose(direct, forward[:2].ravel(), atol=1e-12)


def test_perspective_coeffs_map_endpoints_to_startpoints():
    start = [[0, 0], [29, 0], [29, 19], [0, 19]]
    end = [[2, 1], [27, 3], [28, 17], [1, 18]]
    a, b, c, d, e, f, g, h = F._get_perspective_coeffs(start, end)
    for (x, y), (u, v) in zip(end, start):
        w = g * x + h * y + 1
        assert (a * x + b * y + c) / w == pytest.approx(u, abs=1e-4)
        assert (d * x + e * y + f) / w == pytest.approx(v, abs=1e-4)
    coeffs = F._get_perspective_coeffs(start, end)
    assert all(c == float(np.float32(c)) for c in coeffs)  # rounded to float32
    with pytest.raises(ValueError, match="exactly four corners, got 1 startpoints and 4"):
        F.perspective(ember.zeros(1, 4, 4), [[0, 0]], end)


# -- PIL images: Pillow's own calls -------------------------------------------------------------

@pytest.mark.parametrize("mode", ["RGB", "L"])
def test_rotate_pil_is_pillows_rotate(mode):
    image = PIL.fromarray(uint8_image()).convert(mode)
    fill = (1, 2, 3) if mode == "RGB" else 7
    cases = [(dict(angle=30), dict()),
             (dict(angle=-17.5, interpolation=BILINEAR, expand=True, fill=fill),
              dict(resample=PIL.BILINEAR, expand=True, fillcolor=fill)),
             (dict(angle=45, center=[10, 5], fill=[5]),
              dict(center=[10, 5], fillcolor=(5, 5, 5) if mode == "RGB" else 5))]
    for ours, pillows in cases:
        expected = image.rotate(ours["angle"], **pillows)
        out = F.rotate(image, **ours)
        assert out.size == expected.size
        np.testing.assert_array_equal(np.asarray(out), np.asarray(expected))
    np.testing.assert_array_equal(np.asarray(F.rotate(image, 90, expand=True)),
                                  np.asarray(image.transpose(PIL.Transpose.ROTATE_90)))


def test_affine_and_perspective_pil_are_pillows_transform():
    image = PIL.fromarray(uint8_image())
    center = [image.width * 0.5, image.height * 0.5]
    matrix = F._get_inverse_affine_matrix(center, 10.0, [2, 3], 1.1, [5.0, 0.0])
    expected = image.transform(image.size, PIL.Transform.AFFINE, matrix, PIL.NEAREST)
    out = F.affine(image, angle=10, translate=(2, 3), scale=1.1, shear=5)
    np.testing.assert_array_equal(np.asarray(out), np.asarray(expected))
    matrix = F._get_inverse_affine_matrix([4, 6], -20.0, [-1, 2], 0.8, [3.0, 6.0])
    expected = image.transform(image.size, PIL.Transform.AFFINE, matrix, PIL.BILINEAR,
                               fillcolor=(9, 8, 7))
    out = F.affine(image, -20, [-1, 2], 0.8, [3, 6], BILINEAR, fill=[9, 8, 7], center=[4, 6])
    np.testing.assert_array_equal(np.asarray(out), np.asarray(expected))

    start, end = [[0, 0], [29, 0], [29, 19], [0, 19]], [[2, 1], [27, 3], [28, 17], [1, 18]]
    coeffs = F._get_perspective_coeffs(start, end)
    expected = image.transform(image.size, PIL.Transform.PERSPECTIVE, coeffs, PIL.BILINEAR)
    np.testing.assert_array_equal(np.asarray(F.perspective(image, start, end)),
                                  np.asarray(expected))
    with pytest.raises(ValueError, match="number of elements in 'fill' does not match"):
        F.rotate(image, 3, fill=[1, 2])


# -- tensor images: torch's grid_sample ----------------------------------------------------------

def test_rotate_tensor_by_quarter_turns_is_rot90():
    x = ember.rand(2, 3, 8, 8)
    for k, angle in [(1, 90), (2, 180), (3, -90)]:
        np.testing.assert_array_equal(F.rotate(x, angle).numpy(),
                                      np.rot90(x.numpy(), k, axes=(-2, -1)))
    array = uint8_image((8, 8, 3))
    np.testing.assert_array_equal(F.rotate(ember.tensor(chw(array)), 90).numpy(),
                                  np.rot90(chw(array), 1, axes=(-2, -1)))


def test_rotate_and_affine_tensor_are_grid_sample():
    image = np.random.default_rng(1).random((3, 20, 30)).astype(np.float32)
    x = ember.tensor(image)
    # rotate: counter-clockwise, about the centre, as Pillow's
    matrix = F._get_inverse_affine_matrix([0.0, 0.0], -25.0, [0.0, 0.0], 1.0, [0.0, 0.0])
    expected = torch_grid_sample(image, affine_grid(matrix, 20, 30), "bilinear", [0.2] * 3)
    out = F.rotate(x, 25, interpolation=BILINEAR, fill=0.2).numpy()
    np.testing.assert_allclose(out, expected, atol=1e-5)
    # affine about a given centre (pixels from the top-left corner)
    matrix = F._get_inverse_affine_matrix([5 - 15.0, 4 - 10.0], 12.0, [2.0, -3.0], 0.9,
                                          [4.0, -6.0])
    expected = torch_grid_sample(image, affine_grid(matrix, 20, 30), "bilinear", [1, 2, 3])
    out = F.affine(x, 12, [2, -3], 0.9, [4, -6], BILINEAR, fill=[1, 2, 3], center=[5, 4])
    np.testing.assert_allclose(out.numpy(), expected, atol=1e-5)
    # without fill, zeros outside
    expected = torch_grid_sample(image, affine_grid(matrix, 20, 30), "bilinear")
    out = F.affine(x, 12, [2, -3], 0.9, [4, -6], BILINEAR, center=[5, 4])
    np.testing.assert_allclose(out.numpy(), expected, atol=1e-5)


def torchvision_grid(matrix, width, height):
    """torchvision's own grid for an inverse affine matrix, built with torch's ops as it does:
    pixel centres about the image centre, times the matrix (one bmm), normalised."""
    theta = torch.tensor(matrix).reshape(1, 2, 3)
    base = torch.empty(1, height, width, 3)
    base[..., 0].copy_(torch.linspace(-width * 0.5 + 0.5, width * 0.5 - 0.5, width))
    base[..., 1].copy_(torch.linspace(-height * 0.5 + 0.5, height * 0.5 - 0.5, height)[:, None])
    base[..., 2].fill_(1)
    scaled = theta.transpose(1, 2) / torch.tensor([0.5 * width, 0.5 * height])
    return base.view(1, -1, 3).bmm(scaled).view(1, height, width, 2).numpy()


def test_nearest_rotate_picks_torchvisions_pixels():
    # a nearest neighbour at a half pixel depends on the grid's last bit: this rotation has
    # such positions, where a fused multiply-add in the grid picks the other pixel
    array = chw(uint8_image((37, 45, 3)))
    matrix = F._get_inverse_affine_matrix([10 - 22.5, 5 - 18.5], -45.0, [0.0, 0.0], 1.0,
                                          [0.0, 0.0])
    expected = torch_grid_sample(array.astype(np.float32), torchvision_grid(matrix, 45, 37),
                                 "nearest", [7.0])
    out = F.rotate(ember.tensor(array), 45, center=[10, 5], fill=[7])
    match = np.array_equal if TORCH_KERNELS_AS_EMBERS else \
        (lambda a, b: (a != b).mean() < 0.01)
    assert match(out.numpy(), expected.astype(np.uint8))


def test_rotate_expand_has_pillows_size():
    for height, width in [(20, 30), (37, 45)]:
        for angle in [30, 45, 90, 17.5, -60, 123.4]:
            expected = PIL.new("L", (width, height)).rotate(angle, expand=True).size
            out = F.rotate(ember.zeros(1, height, width), angle, expand=True)
            assert tuple(out.shape[1:]) == expected[::-1]
    ones = F.rotate(ember.ones(1, 20, 30), 45, expand=True, fill=2.0).numpy()
    assert ones.shape == (1, 36, 36) and ones[0, 0, 0] == 2.0 and ones[0, 18, 18] == 1.0


def test_perspective_tensor_is_grid_sample_of_pillows_map():
    image = np.random.default_rng(2).random((3, 20, 30)).astype(np.float32)
    start, end = [[0, 0], [29, 0], [29, 19], [0, 19]], [[2, 1], [27, 3], [28, 17], [1, 18]]
    a, b, c, d, e, f, g, h = F._get_perspective_coeffs(start, end)
    y, x = np.mgrid[0:20, 0:30] + 0.5  # pixel centres
    w = g * x + h * y + 1
    grid = np.stack([(a * x + b * y + c) / w / 15 - 1, (d * x + e * y + f) / w / 10 - 1], -1)
    expected = torch_grid_sample(image, grid[None].astype(np.float32), "bilinear", [0.5])
    out = F.perspective(ember.tensor(image), start, end, fill=[0.5]).numpy()
    np.testing.assert_allclose(out, expected, atol=1e-5)


def test_grid_transforms_on_uint8_batches_numpy_and_2d():
    array = uint8_image()
    batch = ember.tensor(np.stack([chw(array), chw(array[::-1].copy())]))  # (2, 3, 20, 30)
    out = F.rotate(batch, 30, interpolation=BILINEAR)
    assert out.dtype == ember.uint8 and out.shape == (2, 3, 20, 30)
    single = F.rotate(batch[1], 30, interpolation=BILINEAR)
    np.testing.assert_array_equal(out[1].numpy(), single.numpy())
    # uint8 goes through float32 and is rounded back
    floats = F.rotate(batch[1].float(), 30, interpolation=BILINEAR)
    np.testing.assert_array_equal(single.numpy(), np.round(floats.numpy()).astype(np.uint8))
    # numpy images take the tensor path and keep their layout
    as_numpy = F.affine(array, 10, [1, 2], 1.0, 0.0, fill=[1, 2, 3])
    expected = F.affine(ember.tensor(chw(array)), 10, [1, 2], 1.0, 0.0, fill=[1, 2, 3])
    np.testing.assert_array_equal(as_numpy, expected.numpy().transpose(1, 2, 0))
    gray = ember.tensor(array[:, :, 0]).float()
    np.testing.assert_array_equal(F.rotate(gray, 20, expand=True).numpy(),
                                  F.rotate(gray[None], 20, expand=True)[0].numpy())


def test_grid_transforms_pass_gradients():
    x = ember.rand(3, 10, 10, requires_grad=True)
    F.rotate(x, 30, interpolation=BILINEAR, fill=[0.5]).sum().backward()
    assert x.grad is not None and x.grad.abs().sum().item() > 0


def test_grid_transform_argument_errors():
    x = ember.zeros(3, 4, 4)
    with pytest.raises(TypeError, match="angle should be int or float"):
        F.rotate(x, "3")
    with pytest.raises(TypeError, match="center should be a sequence"):
        F.rotate(x, 3, center=5)
    with pytest.raises(TypeError, match="interpolation should be a InterpolationMode"):
        F.rotate(x, 3, interpolation="nearest")
    with pytest.raises(ValueError, match="Interpolation mode 'bicubic' is unsupported"):
        F.rotate(x, 3, interpolation=T.InterpolationMode.BICUBIC)
    with pytest.raises(ValueError, match=r"cannot broadcast .* \(2 != 3\)"):
        F.affine(x, 3, [0, 0], 1.0, 0, fill=[1, 2])
    with pytest.raises(TypeError, match="translate should be a sequence"):
        F.affine(x, 3, 5, 1.0, 0)
    with pytest.raises(ValueError, match="translate should be a sequence of length 2"):
        F.affine(x, 3, [5], 1.0, 0)
    with pytest.raises(ValueError, match="scale should be positive"):
        F.affine(x, 3, [5, 1], 0.0, 0)
    with pytest.raises(TypeError, match="Shear should be either a single value"):
        F.affine(x, 3, [5, 1], 1.0, "a")
    with pytest.raises(ValueError, match="Shear should be a sequence containing two values"):
        F.affine(x, 3, [5, 1], 1.0, [1, 2, 3])


# -- gaussian blur ------------------------------------------------------------------------------

def torch_blur(image, kernel_size, sigma):
    """torchvision's definition: the outer product of normalised 1-D Gaussians, conv2d per
    channel over the reflection-padded image."""
    def kernel1d(size, s):
        x = torch.linspace(-(size - 1) * 0.5, (size - 1) * 0.5, size)
        pdf = torch.exp(-0.5 * (x / s).pow(2))
        return pdf / pdf.sum()
    kernel = torch.mm(kernel1d(kernel_size[1], sigma[1])[:, None],
                      kernel1d(kernel_size[0], sigma[0])[None, :])
    x = torch.tensor(image)[None]
    channels = x.shape[1]
    x = torch.nn.functional.pad(x, [kernel_size[0] // 2] * 2 + [kernel_size[1] // 2] * 2,
                                mode="reflect")
    return torch.nn.functional.conv2d(x, kernel.expand(channels, 1, *kernel.shape),
                                      groups=channels)[0].numpy()


@pytest.mark.parametrize("kernel_size, sigma", [([5, 5], [1.5, 1.5]), ([3, 7], [0.8, 2.0]),
                                                ([9, 1], [2.0, 0.4]), ([7, 9], [1.1, 2.2])])
def test_gaussian_blur_tensor_is_conv2d(kernel_size, sigma):
    image = np.random.default_rng(3).random((3, 20, 30)).astype(np.float32)
    out = F.gaussian_blur(ember.tensor(image), kernel_size, sigma).numpy()
    # the same float32 sums as torch's (see NOTE [ Gaussian blur as torch computes it ])
    assert_bitwise(out, torch_blur(image, kernel_size, sigma))
    double = F.gaussian_blur(ember.tensor(image.astype(np.float64)), kernel_size, sigma)
    assert double.dtype == ember.float64
    np.testing.assert_allclose(double.numpy(), out, atol=1e-6)


def test_gaussian_blur_uint8_pil_numpy_and_defaults():
    array = uint8_image()
    expected = torch_blur(chw(array).astype(np.float32), [5, 5], [1.5, 1.5])
    expected = np.round(expected).astype(np.uint8)
    out = F.gaussian_blur(ember.tensor(chw(array)), 5, 1.5)
    assert out.dtype == ember.uint8
    match = np.array_equal if TORCH_KERNELS_AS_EMBERS else \
        (lambda a, b: np.abs(a.astype(int) - b).max() <= 1)
    assert match(out.numpy(), expected)
    pil = F.gaussian_blur(PIL.fromarray(array), 5, 1.5)
    assert pil.mode == "RGB" and match(np.asarray(pil), expected.transpose(1, 2, 0))
    assert match(F.gaussian_blur(array, 5, 1.5), expected.transpose(1, 2, 0))
    # sigma defaults to 0.15 * kernel_size + 0.35 per direction
    image = ember.rand(1, 12, 12)
    np.testing.assert_array_equal(F.gaussian_blur(image, [3, 7]).numpy(),
                                  F.gaussian_blur(image, [3, 7], [0.8, 1.4]).numpy())
    x = ember.rand(3, 12, 12, requires_grad=True)
    F.gaussian_blur(x, 3).sum().backward()
    assert x.grad.abs().sum().item() > 0


def test_gaussian_blur_argument_errors():
    x = ember.zeros(1, 8, 8)
    with pytest.raises(TypeError, match="kernel_size should be int or a sequence"):
        F.gaussian_blur(x, 3.0)
    with pytest.raises(ValueError, match="its length should be 2. Got 3"):
        F.gaussian_blur(x, [3, 3, 3])
    with pytest.raises(ValueError, match="odd and positive integers"):
        F.gaussian_blur(x, 4)
    with pytest.raises(TypeError, match="sigma should be either float or sequence"):
        F.gaussian_blur(x, 3, "a")
    with pytest.raises(ValueError, match="sigma should have positive values"):
        F.gaussian_blur(x, 3, -1.0)


# -- elastic transform, erase, five and ten crops -----------------------------------------------

def test_elastic_transform_is_grid_sample_of_identity_plus_displacement():
    image = np.random.default_rng(4).random((3, 12, 16)).astype(np.float32)
    displacement = np.random.default_rng(5).uniform(-0.2, 0.2, (1, 12, 16, 2))
    displacement = displacement.astype(np.float32)
    y, x = np.mgrid[0:12, 0:16]
    identity = np.stack([(2 * x + 1) / 16 - 1, (2 * y + 1) / 12 - 1], -1)[None]
    expected = torch_grid_sample(image, (identity + displacement).astype(np.float32),
                                 "bilinear", [0.3])
    out = F.elastic_transform(ember.tensor(image), ember.tensor(displacement), fill=[0.3])
    np.testing.assert_allclose(out.numpy(), expected, atol=1e-5)
    # a displacement of one pixel (2 / width) to the right reads the next column
    array = uint8_image((12, 16, 3))
    shift = np.zeros((1, 12, 16, 2), np.float32)
    shift[..., 0] = 2 / 16
    out = F.elastic_transform(ember.tensor(chw(array)), ember.tensor(shift), NEAREST, [7.0])
    np.testing.assert_array_equal(out.numpy()[:, :, :-1], chw(array)[:, :, 1:])
    assert (out.numpy()[:, :, -1] == 7).all()
    pil = F.elastic_transform(PIL.fromarray(array), ember.tensor(shift), NEAREST)
    np.testing.assert_array_equal(np.asarray(pil)[:, :-1], array[:, 1:])
    with pytest.raises(ValueError, match=r"should be ember.Size\(\[1, 12, 16, 2\]\)"):
        F.elastic_transform(ember.tensor(image), ember.zeros(1, 3, 3, 2))
    with pytest.raises(TypeError, match="displacement should be a Tensor"):
        F.elastic_transform(ember.tensor(image), shift)


def test_erase():
    x = ember.rand(3, 10, 12)
    out = F.erase(x, 2, 3, 4, 5, ember.tensor([1.0, 2.0, 3.0])[:, None, None])
    expected = x.numpy().copy()
    expected[:, 2:6, 3:8] = np.array([1.0, 2.0, 3.0])[:, None, None]
    np.testing.assert_array_equal(out.numpy(), expected)
    assert out is not x and not np.array_equal(x.numpy(), expected)
    assert F.erase(x, 0, 0, 1, 1, 0.0, inplace=True) is x and x[0, 0, 0].item() == 0
    with pytest.raises(TypeError, match="img should be Tensor Image"):
        F.erase(PIL.fromarray(uint8_image()), 0, 0, 1, 1, 0)


def test_five_and_ten_crops():
    array = uint8_image((20, 30, 3))
    expected = [array[:8, :10], array[:8, 20:], array[12:, :10], array[12:, 20:],
                array[6:14, 10:20]]
    for image, view in [(array, lambda a: a), (PIL.fromarray(array), np.asarray),
                        (ember.tensor(chw(array)), lambda t: t.numpy().transpose(1, 2, 0))]:
        crops = F.five_crop(image, [8, 10])
        assert len(crops) == 5
        for crop, want in zip(crops, expected):
            np.testing.assert_array_equal(view(crop), want)
        ten = T.TenCrop((8, 10))(image)
        assert len(ten) == 10
        np.testing.assert_array_equal(view(ten[5]), array[:, ::-1][:8, :10])
        ten = F.ten_crop(image, [8, 10], vertical_flip=True)
        np.testing.assert_array_equal(view(ten[6]), array[::-1][:8, 20:])
    assert [c.shape for c in T.FiveCrop(4)(ember.rand(1, 9, 9))] == [(1, 4, 4)] * 5
    with pytest.raises(ValueError, match=r"Requested crop size \(40, 40\) is bigger"):
        F.five_crop(array, 40)
    with pytest.raises(ValueError, match="only two dimensions"):
        T.FiveCrop((1, 2, 3))


# -- the random transforms: torchvision's draws --------------------------------------------------

def test_random_rotation_and_affine_draw_as_torchvision():
    for seed in (0, 3):
        ember.manual_seed(seed)
        torch.manual_seed(seed)
        assert T.RandomRotation.get_params([-3, 7]) == \
            float(torch.empty(1).uniform_(-3.0, 7.0).item())
        angle, (tx, ty), scale, shear = T.RandomAffine.get_params(
            [-3.0, 3.0], [0.2, 0.1], [0.5, 2.0], [1.0, 2.0, 3.0, 4.0], [40, 30])
        assert angle == float(torch.empty(1).uniform_(-3.0, 3.0).item())
        assert tx == int(round(torch.empty(1).uniform_(-8.0, 8.0).item()))
        assert ty == int(round(torch.empty(1).uniform_(-3.0, 3.0).item()))
        assert scale == float(torch.empty(1).uniform_(0.5, 2.0).item())
        assert shear == (float(torch.empty(1).uniform_(1.0, 2.0).item()),
                         float(torch.empty(1).uniform_(3.0, 4.0).item()))
    assert T.RandomAffine.get_params([0.0, 0.0], None, None, None, [4, 4]) == \
        (0.0, (0, 0), 1.0, (0.0, 0.0))
    # the transforms apply their draws
    image = PIL.fromarray(uint8_image())
    ember.manual_seed(1)
    out = T.RandomRotation(20, fill=3)(image)
    ember.manual_seed(1)
    np.testing.assert_array_equal(np.asarray(out), np.asarray(
        F.rotate(image, T.RandomRotation.get_params([-20.0, 20.0]), fill=3)))
    x = ember.rand(3, 12, 12)
    ember.manual_seed(2)
    out = T.RandomAffine(15, translate=(0.1, 0.1), scale=(0.9, 1.1), shear=5, fill=1)(x)
    ember.manual_seed(2)
    params = T.RandomAffine.get_params([-15.0, 15.0], (0.1, 0.1), (0.9, 1.1), [-5.0, 5.0],
                                       [12, 12])
    np.testing.assert_array_equal(out.numpy(), F.affine(x, *params, fill=[1.0] * 3).numpy())


def test_random_perspective_draws_as_torchvision():
    width, height, scale = 45, 37, 0.7
    ember.manual_seed(4)
    torch.manual_seed(4)
    start, end = T.RandomPerspective.get_params(width, height, scale)
    dx, dy = int(scale * (width // 2)), int(scale * (height // 2))

    def draw(low, high):
        return int(torch.randint(low, high, size=(1,)).item())
    expected = [[draw(0, dx + 1), draw(0, dy + 1)],
                [draw(width - dx - 1, width), draw(0, dy + 1)],
                [draw(width - dx - 1, width), draw(height - dy - 1, height)],
                [draw(0, dx + 1), draw(height - dy - 1, height)]]
    assert start == [[0, 0], [44, 0], [44, 36], [0, 36]] and end == expected
    x = ember.rand(3, 37, 45)
    ember.manual_seed(5)
    torch.manual_seed(5)
    out = T.RandomPerspective(0.5, p=0.5)(x)
    applied = torch.rand(1).item() < 0.5
    if applied:
        start, end = T.RandomPerspective.get_params(45, 37, 0.5)
        np.testing.assert_array_equal(out.numpy(), F.perspective(x, start, end).numpy())
    else:
        assert out is x


def test_gaussian_blur_transform_draws_sigma_as_torchvision():
    ember.manual_seed(6)
    torch.manual_seed(6)
    assert T.GaussianBlur.get_params(0.1, 2.0) == torch.empty(1).uniform_(0.1, 2.0).item()
    x = ember.rand(3, 12, 12)
    ember.manual_seed(7)
    out = T.GaussianBlur(5)(x)
    ember.manual_seed(7)
    sigma = T.GaussianBlur.get_params(0.1, 2.0)
    assert 0.1 <= sigma < 2.0
    np.testing.assert_array_equal(out.numpy(), F.gaussian_blur(x, 5, sigma).numpy())


def test_random_erasing_draws_as_torchvision():
    image = ember.rand(3, 20, 30)
    cases = [(0, [0.5]), (1, None), (8, [1.0, 2.0, 3.0])] + [(s, [0.0]) for s in range(20, 30)]
    for seed, value in cases:
        ember.manual_seed(seed)
        torch.manual_seed(seed)
        i, j, h, w, v = T.RandomErasing.get_params(image, (0.02, 0.33), (0.3, 3.3), value)
        log_ratio = torch.log(torch.tensor((0.3, 3.3)))
        for _ in range(10):
            area = 600 * torch.empty(1).uniform_(0.02, 0.33).item()
            ratio = torch.exp(torch.empty(1).uniform_(log_ratio[0], log_ratio[1])).item()
            eh, ew = int(round(math.sqrt(area * ratio))), int(round(math.sqrt(area / ratio)))
            if eh < 20 and ew < 30:
                break
        ev = torch.empty([3, eh, ew]).normal_() if value is None else \
            torch.tensor(value)[:, None, None]
        expected = (torch.randint(0, 20 - eh + 1, size=(1,)).item(),
                    torch.randint(0, 30 - ew + 1, size=(1,)).item(), eh, ew)
        assert (i, j, h, w) == expected
        assert_bitwise(v.numpy(), ev.numpy())
    # no rectangle fits: the image, unchanged
    assert T.RandomErasing.get_params(image, (0.99, 1.0), (1.0, 1.0))[:4] == (0, 0, 20, 30)
    ember.manual_seed(9)
    out = T.RandomErasing(p=1.0, value=(1, 2, 3))(image)
    ember.manual_seed(9)
    ember.rand(1)  # the p draw
    i, j, h, w, v = T.RandomErasing.get_params(image, (0.02, 0.33), (0.3, 3.3), [1, 2, 3])
    np.testing.assert_array_equal(out.numpy(), F.erase(image, i, j, h, w, v).numpy())
    assert out is not image
    assert T.RandomErasing(p=1.0, inplace=True)(image) is image
    assert T.RandomErasing(p=0.0)(image) is image


def test_elastic_transform_draws_as_torchvision():
    ember.manual_seed(10)
    torch.manual_seed(10)
    displacement = T.ElasticTransform.get_params([3.0, 5.0], [1.0, 2.0], [12, 16])
    assert displacement.shape == (1, 12, 16, 2)
    dx = torch_blur((torch.rand(1, 12, 16) * 2 - 1).numpy(), [9, 9], [1.0, 2.0]) * 3.0 / 16
    dy = torch_blur((torch.rand(1, 12, 16) * 2 - 1).numpy(), [17, 17], [1.0, 2.0]) * 5.0 / 12
    np.testing.assert_allclose(displacement.numpy()[0, ..., 0], dx[0], atol=1e-6)
    np.testing.assert_allclose(displacement.numpy()[0, ..., 1], dy[0], atol=1e-6)
    x = ember.rand(3, 12, 16)
    ember.manual_seed(11)
    out = T.ElasticTransform(3.0, 1.0)(x)
    ember.manual_seed(11)
    expected = F.elastic_transform(x, T.ElasticTransform.get_params([3.0, 3.0], [1.0, 1.0],
                                                                    [12, 16]), fill=[0.0])
    np.testing.assert_array_equal(out.numpy(), expected.numpy())


def test_random_choice_and_order_use_pythons_random():
    transforms = [lambda x: x + [1], lambda x: x + [2], lambda x: x + [3]]
    random.seed(0)
    picks = [T.RandomChoice(transforms, p=[1, 2, 3])([]) for _ in range(20)]
    random.seed(0)
    assert picks == [random.choices(transforms, weights=[1, 2, 3])[0]([]) for _ in range(20)]
    assert len({tuple(p) for p in picks}) > 1
    random.seed(1)
    orders = [T.RandomOrder(transforms)([]) for _ in range(10)]
    random.seed(1)
    for order in orders:
        expected = [0, 1, 2]
        random.shuffle(expected)
        assert order == [k + 1 for k in expected]
    assert len({tuple(order) for order in orders}) > 1
    with pytest.raises(TypeError, match="transforms should be a sequence"):
        T.RandomOrder(5)
    with pytest.raises(TypeError, match="p should be a sequence"):
        T.RandomChoice(transforms, p=3)


def test_random_transforms_follow_ember_manual_seed():
    pipeline = T.Compose([T.RandomRotation(30), T.RandomAffine(10, shear=(-5, 5, -5, 5)),
                          T.RandomPerspective(p=1.0), T.GaussianBlur(3),
                          T.ElasticTransform(10.0, 2.0), T.RandomErasing(p=1.0)])
    x = ember.rand(3, 24, 24)
    ember.manual_seed(12)
    first = [pipeline(x) for _ in range(2)]
    ember.manual_seed(12)
    second = [pipeline(x) for _ in range(2)]
    for a, b in zip(first, second):
        np.testing.assert_array_equal(a.numpy(), b.numpy())
    assert not np.array_equal(first[0].numpy(), first[1].numpy())


def test_linear_transformation():
    matrix = ember.tensor(np.random.default_rng(6).random((12, 12)).astype(np.float32))
    mean = ember.arange(12.0)
    x = ember.rand(2, 3, 2, 2)
    out = T.LinearTransformation(matrix, mean)(x)
    expected = (x.numpy().reshape(-1, 12) - mean.numpy()) @ matrix.numpy()
    np.testing.assert_allclose(out.numpy(), expected.reshape(2, 3, 2, 2), rtol=1e-5)
    with pytest.raises(ValueError, match=r"should be square. Got \(2, 3\)"):
        T.LinearTransformation(ember.ones(2, 3), ember.ones(2))
    with pytest.raises(ValueError, match="mean_vector should have the same length 2"):
        T.LinearTransformation(ember.ones(3, 3), ember.ones(2))
    with pytest.raises(ValueError, match="should have the same dtype"):
        T.LinearTransformation(ember.ones(3, 3), ember.ones(3, dtype=ember.float64))
    with pytest.raises(ValueError, match=r"incompatible shape.\[1 x 2 x 2\] != 3"):
        T.LinearTransformation(ember.ones(3, 3), ember.ones(3))(ember.ones(1, 2, 2))


# -- arguments and reprs --------------------------------------------------------------------------

@pytest.mark.parametrize("make, error, message", [
    (lambda: T.RandomRotation(-3), ValueError, "must be positive"),
    (lambda: T.RandomRotation([1, 2, 3]), ValueError, "degrees should be a sequence of length 2"),
    (lambda: T.RandomRotation(3, center=[1]), ValueError, "center should be a sequence"),
    (lambda: T.RandomRotation(3, fill={}), TypeError, "Fill should be either a sequence"),
    (lambda: T.RandomAffine(3, translate=(0.5, 1.5)), ValueError, "between 0 and 1"),
    (lambda: T.RandomAffine(3, translate=0.5), TypeError, "translate should be a sequence"),
    (lambda: T.RandomAffine(3, scale=(0, 1)), ValueError, "scale values should be positive"),
    (lambda: T.RandomAffine(3, shear=(1, 2, 3)), ValueError, "length 2 or 4"),
    (lambda: T.GaussianBlur(4), ValueError, "odd and positive number"),
    (lambda: T.GaussianBlur((3, 3, 3)), ValueError, "tuple/list of two integers"),
    (lambda: T.GaussianBlur(3, -1), ValueError, "must be positive"),
    (lambda: T.GaussianBlur(3, (2, 1)), ValueError, "of the form \\(min, max\\)"),
    (lambda: T.RandomErasing(value=None), TypeError, "either a number or str or a sequence"),
    (lambda: T.RandomErasing(value="x"), ValueError, "it should be 'random'"),
    (lambda: T.RandomErasing(scale=0.5), TypeError, "Scale should be a sequence"),
    (lambda: T.RandomErasing(scale=(0.5, 1.5)), ValueError, "Scale should be between 0 and 1"),
    (lambda: T.RandomErasing(p=1.5), ValueError, "probability should be between 0 and 1"),
    (lambda: T.RandomErasing(p=1.0, value=(1, 2))(ember.zeros(3, 8, 8)), ValueError,
     "3 \\(number of input channels\\)"),
    (lambda: T.ElasticTransform(alpha=50), TypeError, "alpha should be float or a sequence"),
    (lambda: T.ElasticTransform(alpha=[1.0]), ValueError, "its length should be 2. Got 1"),
    (lambda: T.ElasticTransform(sigma=[1.0, 2]), TypeError, "sigma should be a sequence of floats"),
    (lambda: T.ElasticTransform(fill="x"), TypeError, "fill should be int or float"),
])
def test_transform_argument_errors(make, error, message):
    with pytest.raises(error, match=message):
        make()


def test_reprs_are_torchvisions():
    # the strings are torchvision 0.28's reprs of the same transforms
    assert repr(T.RandomRotation(30)) == \
        "RandomRotation(degrees=[-30.0, 30.0], interpolation=nearest, expand=False, fill=0)"
    assert repr(T.RandomRotation((-5, 10), interpolation=BILINEAR, expand=True, center=(1, 2),
                                 fill=(1, 2, 3))) == \
        ("RandomRotation(degrees=[-5.0, 10.0], interpolation=bilinear, expand=True, "
         "center=(1, 2), fill=(1, 2, 3))")
    assert repr(T.RandomAffine(10, translate=(0.1, 0.2), scale=(0.9, 1.1), shear=5,
                               interpolation=BILINEAR, fill=3, center=[1, 2])) == \
        ("RandomAffine(degrees=[-10.0, 10.0], translate=(0.1, 0.2), scale=(0.9, 1.1), "
         "shear=[-5.0, 5.0], interpolation=bilinear, fill=3, center=[1, 2])")
    assert repr(T.RandomAffine(10)) == "RandomAffine(degrees=[-10.0, 10.0])"
    assert repr(T.RandomPerspective(0.3, p=0.7)) == "RandomPerspective(p=0.7)"
    assert repr(T.GaussianBlur(5)) == "GaussianBlur(kernel_size=(5, 5), sigma=(0.1, 2.0))"
    assert repr(T.RandomErasing(0.3, (0.1, 0.2), (0.5, 2), "random", True)) == \
        "RandomErasing(p=0.3, scale=(0.1, 0.2), ratio=(0.5, 2), value=random, inplace=True)"
    assert repr(T.ElasticTransform((1.0, 2.0), [3.0, 4.0], fill=(1, 2))) == \
        ("ElasticTransform(alpha=(1.0, 2.0), sigma=[3.0, 4.0], "
         "interpolation=InterpolationMode.BILINEAR, fill=[1.0, 2.0])")
    assert repr(T.TenCrop((4, 5), True)) == "TenCrop(size=(4, 5), vertical_flip=True)"
    assert repr(T.RandomChoice([T.FiveCrop(3), T.TenCrop(4)], p=[0.3, 0.7])) == \
        ("RandomChoice(\n    FiveCrop(size=(3, 3))\n    TenCrop(size=(4, 4), vertical_flip=False)"
         "\n)(p=[0.3, 0.7])")
    assert repr(T.RandomOrder([T.FiveCrop(3)])) == "RandomOrder(\n    FiveCrop(size=(3, 3))\n)"
    assert repr(T.LinearTransformation(ember.eye(2), ember.zeros(2))) == \
        ("LinearTransformation(transformation_matrix=[[1.0, 0.0], [0.0, 1.0]], "
         "mean_vector=[0.0, 0.0])")


def test_exported_under_torchvisions_names():
    for name in ["rotate", "affine", "perspective", "gaussian_blur", "erase",
                 "elastic_transform", "five_crop", "ten_crop"]:
        assert name in F.__all__ and callable(getattr(F, name))
    for name in ["RandomRotation", "RandomAffine", "RandomPerspective", "GaussianBlur",
                 "RandomErasing", "ElasticTransform", "FiveCrop", "TenCrop", "RandomChoice",
                 "RandomOrder", "LinearTransformation"]:
        assert name in T.__all__ and getattr(T, name) is getattr(T.transforms, name)
