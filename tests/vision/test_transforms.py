"""Transforms against their definitions (numpy, Pillow's own operations, colorsys), and the
tensor resampling against torch's interpolate (the project's oracle)."""
import colorsys
import math

import numpy as np
import pytest
import torch

import ember
from ember.vision import transforms as T
from ember.vision.transforms import functional as F
from oracle import TORCH_KERNELS_AS_EMBERS

PIL = pytest.importorskip("PIL.Image")


def rng(seed=0):
    return np.random.default_rng(seed)


def uint8_image(shape=(20, 30, 3), seed=0):
    return rng(seed).integers(0, 256, shape).astype(np.uint8)


def chw(array):
    return ember.tensor(np.ascontiguousarray(array.transpose(2, 0, 1)))


# -- conversions ------------------------------------------------------------------------------

def test_to_tensor_numpy_and_pil():
    array = uint8_image()
    expected = array.transpose(2, 0, 1).astype(np.float32) / np.float32(255)
    for pic in (array, PIL.fromarray(array)):
        out = T.ToTensor()(pic)
        assert out.dtype == ember.float32 and out.shape == (3, 20, 30)
        np.testing.assert_array_equal(out.numpy(), expected)
    gray = T.ToTensor()(array[:, :, 0])
    assert gray.shape == (1, 20, 30)
    floats = rng().random((4, 5, 2))
    np.testing.assert_array_equal(T.ToTensor()(floats).numpy(), floats.transpose(2, 0, 1))
    ember.set_default_dtype(ember.float64)
    assert T.ToTensor()(array).dtype == ember.float64


def test_to_tensor_pil_modes():
    bits = PIL.fromarray(np.array([[True, False]]))
    assert bits.mode == "1"
    np.testing.assert_array_equal(T.ToTensor()(bits).numpy(), [[[1.0, 0.0]]])
    floats = PIL.fromarray(np.array([[0.25, 7.5]], np.float32))
    np.testing.assert_array_equal(T.ToTensor()(floats).numpy(), [[[0.25, 7.5]]])
    with pytest.raises(TypeError, match="pic should be PIL Image or ndarray"):
        T.ToTensor()([1, 2])
    with pytest.raises(ValueError, match="2/3 dimensional"):
        T.ToTensor()(np.zeros(3, np.uint8))


def test_pil_to_tensor_and_back():
    array = uint8_image()
    out = T.PILToTensor()(PIL.fromarray(array))
    assert out.dtype == ember.uint8
    np.testing.assert_array_equal(out.numpy(), array.transpose(2, 0, 1))
    np.testing.assert_array_equal(np.asarray(T.ToPILImage()(out)), array)
    floats = ember.tensor([[[0.0, 0.5, 0.999, 1.0]]])
    image = T.ToPILImage()(floats)
    assert image.mode == "L"
    np.testing.assert_array_equal(np.asarray(image), [[0, 127, 254, 255]])  # trunc(x * 255)
    assert T.ToPILImage()(ember.zeros(4, 2, 2)).mode == "RGBA"
    with pytest.raises(ValueError, match="Incorrect mode"):
        T.ToPILImage(mode="RGB")(ember.zeros(1, 2, 2))
    with pytest.raises(ValueError, match="> 4 channels"):
        T.ToPILImage()(ember.zeros(5, 2, 2))


@pytest.mark.parametrize("source, target, convert", [
    (ember.uint8, ember.float32, lambda a: a.astype(np.float32) / 255),
    (ember.uint8, ember.int16, lambda a: a.astype(np.int16) * 128),
    (ember.int16, ember.uint8, lambda a: (a // 128).astype(np.uint8)),
    (ember.float32, ember.uint8, lambda a: (a * (255 + 1 - 1e-3)).astype(np.uint8)),
])
def test_convert_image_dtype(source, target, convert):
    array = (rng().random((3, 4, 5)) if source.is_floating_point
             else rng().integers(0, 256 if source is ember.uint8 else 32768, (3, 4, 5)))
    array = np.append(array.reshape(-1)[:-1], 1.0 if source.is_floating_point else 0)
    array = array.astype(source.np).reshape(3, 4, 5)
    out = T.ConvertImageDtype(target)(ember.tensor(array))
    assert out.dtype == target
    np.testing.assert_allclose(out.numpy(), convert(array), rtol=1e-6)
    with pytest.raises(RuntimeError, match="cannot be performed safely"):
        F.convert_image_dtype(ember.zeros(1, 1, 1), ember.int32)


def test_normalize():
    x = ember.tensor(rng().random((2, 3, 4, 5)), dtype=ember.float32)
    mean, std = (0.1, 0.2, 0.3), (0.5, 0.25, 2.0)
    expected = (x.numpy() - np.reshape(mean, (3, 1, 1))) / np.reshape(std, (3, 1, 1))
    before = x.numpy().copy()
    np.testing.assert_allclose(T.Normalize(mean, std)(x).numpy(), expected, rtol=1e-6)
    np.testing.assert_array_equal(x.numpy(), before)
    out = T.Normalize(mean, std, inplace=True)(x)
    assert out is x
    np.testing.assert_allclose(x.numpy(), expected, rtol=1e-6)
    with pytest.raises(TypeError, match="float tensor"):
        T.Normalize((0,), (1,))(ember.zeros(1, 2, 2, dtype=ember.uint8))
    with pytest.raises(ValueError, match="std evaluated to zero"):
        T.Normalize((0,), (0,))(ember.zeros(1, 2, 2))
    with pytest.raises(TypeError, match="img should be Tensor Image"):
        T.Normalize((0,), (1,))(np.zeros((1, 2, 2)))


# -- geometry -----------------------------------------------------------------------------------

@pytest.mark.parametrize("size, antialias, mode", [
    (10, True, "bilinear"), (10, False, "bilinear"), ((30, 12), True, "bilinear"),
    (10, True, "bicubic"), (7, True, "nearest"),
])
def test_resize_tensor_matches_torch_interpolate(size, antialias, mode):
    torch = pytest.importorskip("torch")
    x = rng().random((2, 3, 20, 30)).astype(np.float32)
    out = T.Resize(size, interpolation=T.InterpolationMode(mode), antialias=antialias)(
        ember.tensor(x))
    target = [size, size * 30 // 20] if isinstance(size, int) else list(size)
    smooth = mode != "nearest"
    expected = torch.nn.functional.interpolate(
        torch.tensor(x), size=target, mode=mode, align_corners=False if smooth else None,
        antialias=antialias and smooth).numpy()
    assert tuple(out.shape) == (2, 3, *target)
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-5, atol=1e-5)


def test_resize_uint8_tensor_rounds_and_numpy_matches():
    array = uint8_image()
    as_float = T.Resize(10)(chw(array).float()).numpy()
    out = T.Resize(10)(chw(array))
    assert out.dtype == ember.uint8
    np.testing.assert_array_equal(out.numpy(), np.round(as_float).astype(np.uint8))
    np.testing.assert_array_equal(T.Resize(10)(array), out.numpy().transpose(1, 2, 0))


def test_resize_pil_is_pillows_resize():
    image = PIL.fromarray(uint8_image())
    for interpolation, pil_filter in ((T.InterpolationMode.BILINEAR, PIL.BILINEAR),
                                      (T.InterpolationMode.LANCZOS, PIL.LANCZOS)):
        out = T.Resize((8, 11), interpolation=interpolation)(image)
        np.testing.assert_array_equal(np.asarray(out),
                                      np.asarray(image.resize((11, 8), pil_filter)))
    assert T.Resize(10)(image).size == (15, 10)
    assert T.Resize(10, interpolation=PIL.NEAREST).interpolation == T.InterpolationMode.NEAREST


def test_resize_sizes():
    x = ember.zeros(1, 20, 30)
    assert F.resize(x, 10).shape == (1, 10, 15)
    assert F.resize(x, [10]).shape == (1, 10, 15)
    assert F.resize(ember.zeros(1, 30, 20), 10).shape == (1, 15, 10)
    assert F.resize(x, 10, max_size=12).shape == (1, 8, 12)
    assert F.resize(x, 20) is x
    with pytest.raises(ValueError, match="max_size = 10 must be strictly greater"):
        F.resize(x, 10, max_size=10)
    with pytest.raises(ValueError, match="supports the interpolation modes"):
        F.resize(x, 10, interpolation=T.InterpolationMode.BOX)
    with pytest.raises(TypeError, match="Size should be int or sequence"):
        T.Resize(2.5)


@pytest.mark.parametrize("padding, widths", [
    (2, ((2, 2), (2, 2))), ((1, 3), ((3, 3), (1, 1))), ((1, 2, 3, 4), ((2, 4), (1, 3))),
])
@pytest.mark.parametrize("mode", ["constant", "edge", "reflect", "symmetric"])
def test_pad_matches_numpy(padding, widths, mode):
    array = uint8_image((5, 6, 3))
    kwargs = {"constant_values": 7} if mode == "constant" else {}
    expected = np.pad(array, widths + ((0, 0),), mode=mode, **kwargs)
    transform = T.Pad(padding, fill=7, padding_mode=mode)
    np.testing.assert_array_equal(transform(chw(array)).numpy(), expected.transpose(2, 0, 1))
    np.testing.assert_array_equal(np.asarray(transform(PIL.fromarray(array))), expected)
    np.testing.assert_array_equal(transform(array), expected)


def test_pad_details():
    array = uint8_image((5, 6, 3))
    np.testing.assert_array_equal(F.pad(chw(array), [-1, 0, 1, 0]).numpy()[:, :, :-1],
                                  array.transpose(2, 0, 1)[:, :, 1:])  # negative crops
    out = np.asarray(F.pad(PIL.fromarray(array), 1, fill=(1, 2, 3)))
    assert out[0, 0].tolist() == [1, 2, 3]
    with pytest.raises(ValueError, match="Padding mode should be either"):
        T.Pad(1, padding_mode="wrap")
    with pytest.raises(ValueError, match="1, 2, or 4 element"):
        T.Pad((1, 2, 3))
    with pytest.raises(TypeError, match="inappropriate fill"):
        F.pad(ember.zeros(1, 2, 2), 1, fill=(1, 2))


def test_center_crop():
    array = uint8_image((7, 10, 3))
    top, left = int(round((7 - 4) / 2)), int(round((10 - 5) / 2))
    expected = array[top:top + 4, left:left + 5]
    np.testing.assert_array_equal(T.CenterCrop((4, 5))(chw(array)).numpy(),
                                  expected.transpose(2, 0, 1))
    np.testing.assert_array_equal(np.asarray(T.CenterCrop((4, 5))(PIL.fromarray(array))),
                                  expected)
    bigger = T.CenterCrop(9)(chw(array)).numpy()
    assert bigger.shape == (3, 9, 9)
    np.testing.assert_array_equal(bigger[:, 1:8, :], array.transpose(2, 0, 1)[:, :, 0:9])
    assert bigger[:, 0].sum() == 0 and bigger[:, 8].sum() == 0


def test_crop_outside_pads_with_zeros():
    x = ember.ones(1, 3, 3)
    out = F.crop(x, -1, -1, 3, 3).numpy()[0]
    np.testing.assert_array_equal(out, [[0, 0, 0], [0, 1, 1], [0, 1, 1]])


def test_random_crop_is_a_seeded_window():
    x = ember.rand(3, 32, 32)
    padded = F.pad(x, 4)
    ember.manual_seed(5)
    top, left, height, width = T.RandomCrop.get_params(padded, (32, 32))
    ember.manual_seed(5)
    out = T.RandomCrop(32, padding=4)(x)
    np.testing.assert_array_equal(out.numpy(),
                                  padded.numpy()[:, top:top + 32, left:left + 32])
    outs = {tuple(T.RandomCrop(32, padding=4)(x).sum(dim=(1, 2)).tolist()) for _ in range(8)}
    assert len(outs) > 1  # different windows
    assert T.RandomCrop(24, pad_if_needed=True)(ember.rand(3, 20, 22)).shape == (3, 24, 24)
    with pytest.raises(ValueError, match="larger than input image size"):
        T.RandomCrop(40)(x)


def test_flips():
    array = uint8_image((4, 5, 3))
    x = chw(array)
    np.testing.assert_array_equal(T.RandomHorizontalFlip(1.0)(x).numpy(),
                                  x.numpy()[:, :, ::-1])
    np.testing.assert_array_equal(T.RandomVerticalFlip(1.0)(x).numpy(), x.numpy()[:, ::-1])
    assert T.RandomHorizontalFlip(0.0)(x) is x
    np.testing.assert_array_equal(np.asarray(T.RandomHorizontalFlip(1.0)(PIL.fromarray(array))),
                                  array[:, ::-1])
    np.testing.assert_array_equal(T.RandomVerticalFlip(1.0)(array), array[::-1])
    flip = T.RandomHorizontalFlip(0.3)
    flipped = sum(flip(x) is not x for _ in range(2000))
    assert 500 < flipped < 700


def test_random_transforms_follow_ember_manual_seed():
    x = ember.rand(3, 16, 16)
    pipeline = T.Compose([T.RandomResizedCrop(8), T.RandomHorizontalFlip(),
                          T.ColorJitter(0.4, 0.4, 0.4, 0.1)])
    ember.manual_seed(11)
    first = [pipeline(x) for _ in range(3)]
    ember.manual_seed(11)
    second = [pipeline(x) for _ in range(3)]
    for a, b in zip(first, second):
        np.testing.assert_array_equal(a.numpy(), b.numpy())
    assert not np.array_equal(first[0].numpy(), first[1].numpy())


def test_random_resized_crop_params():
    x = ember.zeros(1, 30, 40)
    for _ in range(100):
        top, left, height, width = T.RandomResizedCrop.get_params(x, (0.08, 1.0), (0.75, 4 / 3))
        assert 0 < height <= 30 and 0 < width <= 40
        assert 0 <= top <= 30 - height and 0 <= left <= 40 - width
        assert 0.05 < height * width / 1200 < 1.1
        assert 0.6 < width / height < 1.6
    # no window of twice the image's area: the central crop of the closest ratio
    assert T.RandomResizedCrop.get_params(x, (2.0, 3.0), (0.5, 1.0)) == (0, 5, 30, 30)
    out = T.RandomResizedCrop((6, 9))(PIL.fromarray(uint8_image()))
    assert out.size == (9, 6)


# -- colour -----------------------------------------------------------------------------------

def test_grayscale():
    array = uint8_image((4, 5, 3))
    r, g, b = array.transpose(2, 0, 1).astype(np.float32)
    expected = (0.2989 * r + 0.587 * g + 0.114 * b).astype(np.uint8)
    np.testing.assert_array_equal(T.Grayscale()(chw(array)).numpy()[0], expected)
    three = T.Grayscale(3)(chw(array).float()).numpy()
    np.testing.assert_array_equal(three[0], three[2])
    image = T.Grayscale()(PIL.fromarray(array))
    np.testing.assert_array_equal(np.asarray(image), np.asarray(PIL.fromarray(array).convert("L")))
    assert T.Grayscale(3)(PIL.fromarray(array)).mode == "RGB"
    assert T.RandomGrayscale(1.0)(chw(array)).shape == (3, 4, 5)


def test_brightness_contrast_saturation_are_blends():
    x = ember.tensor(rng().random((3, 4, 5)), dtype=ember.float32)
    a = x.numpy()
    gray = 0.2989 * a[0] + 0.587 * a[1] + 0.114 * a[2]
    np.testing.assert_allclose(F.adjust_brightness(x, 1.5).numpy(), np.clip(1.5 * a, 0, 1),
                               rtol=1e-6)
    np.testing.assert_allclose(F.adjust_contrast(x, 0.5).numpy(),
                               np.clip(0.5 * a + 0.5 * gray.mean(), 0, 1), rtol=1e-5)
    np.testing.assert_allclose(F.adjust_saturation(x, 2.0).numpy(),
                               np.clip(2 * a - gray, 0, 1), rtol=1e-5, atol=1e-6)
    u = ember.tensor(uint8_image((4, 5, 3)).transpose(2, 0, 1).copy())
    out = F.adjust_brightness(u, 1.5)
    assert out.dtype == ember.uint8
    np.testing.assert_array_equal(out.numpy(), np.clip(1.5 * u.numpy().astype(np.float32),
                                                       0, 255).astype(np.uint8))
    with pytest.raises(ValueError, match="is not non-negative"):
        F.adjust_brightness(x, -1)


def test_adjust_hue_matches_colorsys():
    x = ember.tensor(rng().random((3, 4, 5)), dtype=ember.float32)
    out = F.adjust_hue(x, 0.2).numpy()
    a = x.numpy()
    for i in range(4):
        for j in range(5):
            h, s, v = colorsys.rgb_to_hsv(*a[:, i, j])
            expected = colorsys.hsv_to_rgb((h + 0.2) % 1.0, s, v)
            np.testing.assert_allclose(out[:, i, j], expected, atol=1e-5)
    gray = ember.full((3, 2, 2), 0.5)
    np.testing.assert_allclose(F.adjust_hue(gray, 0.3).numpy(), 0.5, atol=1e-6)
    image = PIL.fromarray(uint8_image((4, 5, 3)))
    shifted = np.asarray(F.adjust_hue(image, 0.5)).astype(int)
    assert shifted.shape == (4, 5, 3) and not np.array_equal(shifted, np.asarray(image))
    with pytest.raises(ValueError, match=r"is not in \[-0.5, 0.5\]"):
        F.adjust_hue(x, 0.7)


def test_color_jitter_arguments():
    jitter = T.ColorJitter(brightness=0.4, contrast=(0.5, 1.5), saturation=0, hue=0.1)
    assert jitter.brightness == (0.6, 1.4) and jitter.saturation is None
    assert repr(jitter) == ("ColorJitter(brightness=(0.6, 1.4), contrast=(0.5, 1.5), "
                            "saturation=None, hue=(-0.1, 0.1))")
    with pytest.raises(ValueError, match="hue values should be between"):
        T.ColorJitter(hue=0.6)
    with pytest.raises(ValueError, match="must be non negative"):
        T.ColorJitter(brightness=-1)
    out = jitter(chw(uint8_image((4, 5, 3))))
    assert out.dtype == ember.uint8 and out.shape == (3, 4, 5)


# -- composition, reprs, gradients, numpy images -------------------------------------------------

def test_reprs_match_torchvision():
    cases = {
        T.Compose([T.ToTensor(), T.Normalize((0.5,), (0.5,))]):
            "Compose(\n    ToTensor()\n    Normalize(mean=(0.5,), std=(0.5,))\n)",
        T.RandomCrop(32, padding=4): "RandomCrop(size=(32, 32), padding=4)",
        T.RandomHorizontalFlip(): "RandomHorizontalFlip(p=0.5)",
        T.Resize(256): "Resize(size=256, interpolation=bilinear, max_size=None, antialias=True)",
        T.CenterCrop(224): "CenterCrop(size=(224, 224))",
        T.Pad((1, 2)): "Pad(padding=(1, 2), fill=0, padding_mode=constant)",
        T.RandomResizedCrop(224): "RandomResizedCrop(size=(224, 224), scale=(0.08, 1.0), "
                                  "ratio=(0.75, 1.3333), interpolation=bilinear, antialias=True)",
        T.Grayscale(3): "Grayscale(num_output_channels=3)",
        T.ToPILImage(mode="L"): "ToPILImage(mode=L)",
        T.Lambda(abs): "Lambda()",
        T.RandomApply([T.Grayscale()], p=0.2):
            "RandomApply(\n    p=0.2\n    Grayscale(num_output_channels=1)\n)",
    }
    for transform, text in cases.items():
        assert repr(transform) == text
    assert isinstance(T.Normalize((0.5,), (0.5,)), ember.nn.Module)
    with pytest.raises(TypeError, match="should be callable"):
        T.Lambda(3)


def test_gradients_flow_through_tensor_transforms():
    x = ember.rand(3, 12, 12, requires_grad=True)
    pipeline = T.Compose([T.Pad(2, padding_mode="reflect"), T.CenterCrop(10), T.Resize(6),
                          T.RandomHorizontalFlip(1.0), T.Normalize((0.5,) * 3, (0.25,) * 3)])
    pipeline(x).sum().backward()
    assert x.grad.shape == (3, 12, 12) and float(x.grad.abs().sum()) > 0


def test_cifar_pipeline_on_numpy_images():
    """What runs without Pillow: datasets give HxWxC uint8 arrays."""
    pipeline = T.Compose([T.RandomCrop(32, padding=4), T.RandomHorizontalFlip(), T.ToTensor(),
                          T.Normalize((0.49, 0.48, 0.45), (0.25, 0.24, 0.26))])
    out = pipeline(uint8_image((32, 32, 3)))
    assert out.shape == (3, 32, 32) and out.dtype == ember.float32
    with pytest.raises(TypeError, match="img should be PIL Image, Tensor or numpy ndarray"):
        F.hflip([[1, 2]])


# torchvision isn't installed here: its draws are written out below with torch's own ops,
# in the order torchvision's transforms make them.

def test_random_crop_and_flip_draw_as_torchvision():
    image = ember.rand(3, 32, 40)
    for seed in (0, 1, 7):
        ember.manual_seed(seed)
        torch.manual_seed(seed)
        top, left, _, _ = T.RandomCrop.get_params(image, (24, 24))
        assert (top, left) == (torch.randint(0, 32 - 24 + 1, size=(1,)).item(),
                               torch.randint(0, 40 - 24 + 1, size=(1,)).item())
        flipped = T.RandomHorizontalFlip(0.5)(image)
        expected = torch.rand(1) < 0.5
        assert ember.equal(flipped, F.hflip(image)) == bool(expected)


def test_random_resized_crop_and_color_jitter_draw_as_torchvision():
    image = ember.rand(3, 32, 32)
    ember.manual_seed(3)
    torch.manual_seed(3)
    top, left, height, width = T.RandomResizedCrop.get_params(image, (0.08, 1.0), (0.75, 4 / 3))
    log_ratio = (math.log(0.75), math.log(4 / 3))
    for _ in range(10):
        area = 32 * 32 * torch.empty(1).uniform_(0.08, 1.0).item()
        ratio = math.exp(torch.empty(1).uniform_(log_ratio[0], log_ratio[1]).item())
        w, h = int(round(math.sqrt(area * ratio))), int(round(math.sqrt(area / ratio)))
        if 0 < w <= 32 and 0 < h <= 32:
            expected = (torch.randint(0, 32 - h + 1, size=(1,)).item(),
                        torch.randint(0, 32 - w + 1, size=(1,)).item(), h, w)
            break
    assert (top, left, height, width) == expected
    order, brightness, contrast, saturation, hue = T.ColorJitter.get_params(
        (0.5, 1.5), (0.8, 1.2), None, (-0.1, 0.1))
    assert order == torch.randperm(4).tolist()
    same = pytest.approx if not TORCH_KERNELS_AS_EMBERS else lambda value: value  # oracle.py
    assert brightness == same(float(torch.empty(1).uniform_(0.5, 1.5)))
    assert contrast == same(float(torch.empty(1).uniform_(0.8, 1.2)))
    assert saturation is None and hue == same(float(torch.empty(1).uniform_(-0.1, 0.1)))


# -- float32 resampling as torch's CPU kernels (fused multiply-adds) ---------------------------

def test_grid_sample_bilinear_rounds_as_torch():
    # torch's 4-D float32 kernel unnormalizes with fma((g + 1), size / 2, -0.5) and sums the
    # taps with fmas; the plain formula gives 46.86729 here, and an AugMix shear of a uint8
    # image then rounded a pixel differently. Expected value computed once from torch 2.13.
    x = ember.zeros(1, 1, 37, 1)
    x[0, 0, 31, 0] = 255.0
    x[0, 0, 32, 0] = 32.0
    grid = ember.tensor([[[[0.0, 0.7531531453132629]]]])
    out = ember.nn.functional.grid_sample(x, grid, align_corners=False)
    assert out.dtype is ember.float32
    assert float(out.item()) == 46.86686706542969


_AA_ROW = [3., 250, 17, 128, 64, 200, 9, 90, 181, 33, 255, 0, 77]
# computed once from torch 2.13's interpolate(antialias=True, align_corners=False) on CPU
_AA_EXPECTED = {
    ("bilinear", 20): [3.0, 120.32498931884766, 220.875, 69.42503356933594, 64.17499542236328,
                       123.20001220703125, 81.60000610351562, 115.0, 195.22506713867188,
                       71.07505798339844, 35.32498550415039, 87.97499084472656, 146.875,
                       140.300048828125, 44.10011291503906, 160.64996337890625,
                       197.62515258789062, 31.875, 40.42497253417969, 77.0],
    ("bilinear", 5): [113.40000915527344, 103.03030395507812, 90.62857055664062,
                      125.84847259521484, 84.79998779296875],
    ("bicubic", 20): [-13.87076473236084, 124.62330627441406, 241.4921875, 55.59710693359375,
                      49.09400177001953, 128.2947235107422, 71.94278717041016,
                      114.7216796875, 199.02780151367188, 62.593482971191406,
                      14.82986831665039, 87.77330780029297, 163.9404296875,
                      147.4302215576172, 32.850013732910156, 174.9489288330078,
                      223.34329223632812, 19.2490234375, 28.947778701782227,
                      82.25929260253906],
    ("bicubic", 5): [108.20487213134766, 102.39756774902344, 92.49693298339844,
                     127.95369720458984, 85.54782104492188],
}


@pytest.mark.parametrize("mode,size", sorted(_AA_EXPECTED))
def test_antialias_float32_bit_exact(mode, size):
    # the float32 weights and fused sums of torch's kernel: Resize of a uint8 tensor rounds
    # this float result, so its last bits decide pixels one apart
    row = ember.tensor([[[_AA_ROW]]])
    out = ember.nn.functional.interpolate(row, size=(1, size), mode=mode,
                                          align_corners=False, antialias=True)
    if size > len(_AA_ROW):  # upsampling: bit for bit (downsampling may differ by an ulp)
        assert out.flatten().tolist() == _AA_EXPECTED[(mode, size)]
    else:
        assert np.allclose(out.flatten().tolist(), _AA_EXPECTED[(mode, size)], rtol=0,
                           atol=2e-5)
    image = ember.tensor(np.array([[_AA_ROW]], dtype=np.uint8).clip(0, 255))
    resized = T.Resize((1, size), interpolation=getattr(T.InterpolationMode, mode.upper()))(
        image)
    expected = np.clip(np.round(np.array(_AA_EXPECTED[(mode, size)], dtype=np.float32)), 0, 255)
    assert resized.numpy().reshape(-1).tolist() == expected.tolist()
