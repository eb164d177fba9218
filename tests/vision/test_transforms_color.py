"""The colour transforms (gamma, sharpness, posterize, solarize, autocontrast, equalize,
invert) against their definitions: Pillow's own ImageOps/ImageEnhance calls for PIL images,
numpy and torch ops for tensors; and the automatic augmentation policies' random draws against
torchvision's, written out with torch's own ops (torchvision is not installed here)."""
import numpy as np
import pytest
import torch

import ember
from ember.vision import transforms as T
from ember.vision.transforms import autoaugment as A
from ember.vision.transforms import functional as F

PIL = pytest.importorskip("PIL.Image")
from PIL import ImageEnhance, ImageOps  # noqa: E402


def uint8_image(shape=(20, 30, 3), seed=0, high=256):
    return np.random.default_rng(seed).integers(0, high, shape).astype(np.uint8)


def chw(array):
    return ember.tensor(np.ascontiguousarray(array.transpose(2, 0, 1)))


def pil_chw(image):
    array = np.asarray(image)
    return array[None] if array.ndim == 2 else array.transpose(2, 0, 1)


# -- PIL images: Pillow's own operations ------------------------------------------------------

@pytest.mark.parametrize("mode", ["RGB", "L"])
@pytest.mark.parametrize("name, call, expected", [
    ("invert", F.invert, ImageOps.invert),
    ("posterize", lambda p: F.posterize(p, 3), lambda p: ImageOps.posterize(p, 3)),
    ("solarize", lambda p: F.solarize(p, 100), lambda p: ImageOps.solarize(p, 100)),
    ("autocontrast", F.autocontrast, ImageOps.autocontrast),
    ("equalize", F.equalize, ImageOps.equalize),
    ("sharpness", lambda p: F.adjust_sharpness(p, 2.5),
     lambda p: ImageEnhance.Sharpness(p).enhance(2.5)),
    ("sharpness_negative", lambda p: F.adjust_sharpness(p, -0.5),  # Pillow extrapolates
     lambda p: ImageEnhance.Sharpness(p).enhance(-0.5)),
])
def test_pil_paths_are_pillows(name, call, expected, mode):
    image = PIL.fromarray(uint8_image(high=200)).convert(mode)
    out = call(image)
    assert out.mode == mode, name
    np.testing.assert_array_equal(np.asarray(out), np.asarray(expected(image)), err_msg=name)


def test_adjust_gamma_pil_is_the_point_table():
    array = uint8_image()
    for gamma, gain in ((0.5, 1.0), (2.2, 0.8)):
        table = np.array([int((255 + 1 - 1e-3) * gain * (v / 255.0) ** gamma)
                          for v in range(256)])
        out = F.adjust_gamma(PIL.fromarray(array), gamma, gain)
        assert out.mode == "RGB"
        np.testing.assert_array_equal(np.asarray(out), table[array])
    gray = F.adjust_gamma(PIL.fromarray(array[:, :, 0]), 0.5)
    assert gray.mode == "L"
    with pytest.raises(ValueError, match="Gamma should be a non-negative real number"):
        F.adjust_gamma(PIL.fromarray(array), -1)


# -- tensors: the definitions -----------------------------------------------------------------

def test_invert_posterize_solarize_uint8_match_pil_and_numpy():
    array = uint8_image()
    x = chw(array)
    a = x.numpy()
    image = PIL.fromarray(array)
    np.testing.assert_array_equal(F.invert(x).numpy(), 255 - a)
    np.testing.assert_array_equal(F.invert(x).numpy(), pil_chw(ImageOps.invert(image)))
    for bits in (0, 1, 3, 8):
        out = F.posterize(x, bits)
        assert out.dtype == ember.uint8
        np.testing.assert_array_equal(out.numpy(), a & (256 - 2 ** (8 - bits)) & 0xFF)
        if bits > 0:  # recent Pillows take 1 to 8 bits
            np.testing.assert_array_equal(out.numpy(),
                                          pil_chw(ImageOps.posterize(image, bits)))
    for threshold in (0, 100, 255):
        out = F.solarize(x, threshold)
        np.testing.assert_array_equal(out.numpy(), np.where(a >= threshold, 255 - a, a))
        np.testing.assert_array_equal(out.numpy(),
                                      pil_chw(ImageOps.solarize(image, threshold)))


def test_invert_solarize_float():
    x = ember.tensor(np.random.default_rng(1).random((2, 3, 4, 5)), dtype=ember.float32)
    a = x.numpy()
    np.testing.assert_allclose(F.invert(x).numpy(), 1 - a, rtol=1e-6)
    np.testing.assert_allclose(F.solarize(x, 0.4).numpy(), np.where(a >= 0.4, 1 - a, a),
                               rtol=1e-6)
    with pytest.raises(TypeError, match="Threshold should be less than bound of img"):
        F.solarize(x, 1.5)


def test_autocontrast_tensor():
    array = uint8_image(high=200)
    array[:, :, 2] = 77  # a constant channel is left as it is
    x = chw(array)
    a = x.numpy().astype(np.float32)
    low = a.min(axis=(1, 2), keepdims=True)
    high = a.max(axis=(1, 2), keepdims=True)
    with np.errstate(divide="ignore"):
        scale = np.float32(255) / (high - low)
    flat = ~np.isfinite(scale)
    expected = np.clip((a - np.where(flat, 0, low)) * np.where(flat, 1, scale), 0, 255)
    out = F.autocontrast(x)
    assert out.dtype == ember.uint8
    np.testing.assert_array_equal(out.numpy(), expected.astype(np.uint8))
    np.testing.assert_array_equal(out.numpy()[2], array[:, :, 2])
    # uint8 RGB agrees with Pillow's autocontrast (no cutoff)
    rgb = uint8_image(high=200)
    np.testing.assert_array_equal(F.autocontrast(chw(rgb)).numpy(),
                                  pil_chw(ImageOps.autocontrast(PIL.fromarray(rgb))))
    floats = ember.tensor([[[0.25, 0.5], [0.375, 0.25]]])
    np.testing.assert_allclose(F.autocontrast(floats).numpy(), [[[0, 1], [0.5, 0]]])


def test_equalize_tensor_is_pillows_histogram_lut():
    array = uint8_image((24, 30, 3), high=120)
    out = F.equalize(chw(array))
    assert out.dtype == ember.uint8
    np.testing.assert_array_equal(out.numpy(), pil_chw(ImageOps.equalize(PIL.fromarray(array))))
    batch = ember.stack([chw(array), chw(array[::-1].copy())])  # (N, C, H, W)
    np.testing.assert_array_equal(F.equalize(batch).numpy()[1],
                                  F.equalize(chw(array[::-1].copy())).numpy())
    few = ember.tensor([[[0, 0, 9, 9, 3, 200]]], dtype=ember.uint8)  # step 0: unchanged
    np.testing.assert_array_equal(F.equalize(few).numpy(), few.numpy())


def blurred(x):
    """torchvision's degenerate image for sharpness, with torch ops: the 3x3 kernel
    [[1, 1, 1], [1, 5, 1], [1, 1, 1]] / 13 inside, the one-pixel border unchanged."""
    kernel = torch.ones(3, 3)
    kernel[1, 1] = 5.0
    kernel /= kernel.sum()
    channels = x.shape[-3]
    smooth = torch.nn.functional.conv2d(x.float(), kernel.expand(channels, 1, 3, 3),
                                        groups=channels)
    out = x.clone()
    out[..., 1:-1, 1:-1] = smooth.round().to(x.dtype) if x.dtype == torch.uint8 else smooth
    return out


@pytest.mark.parametrize("factor", [0.0, 0.5, 2.0])
def test_adjust_sharpness_tensor_is_a_blend_with_the_smoothed_image(factor):
    floats = np.random.default_rng(2).random((2, 3, 7, 9)).astype(np.float32)
    expected = np.clip(factor * floats + (1 - factor) * blurred(torch.tensor(floats)).numpy(),
                       0, 1)
    out = F.adjust_sharpness(ember.tensor(floats), factor).numpy()
    np.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(out[..., 0, :], floats[..., 0, :])  # the border is kept
    np.testing.assert_array_equal(out[..., :, -1], floats[..., :, -1])
    array = uint8_image((7, 9, 3))
    x = torch.tensor(array.transpose(2, 0, 1).copy())
    expected = (factor * x + (1 - factor) * blurred(x)).clamp(0, 255).to(torch.uint8)
    out = F.adjust_sharpness(chw(array), factor)
    assert out.dtype == ember.uint8
    np.testing.assert_array_equal(out.numpy(), expected.numpy())


def test_adjust_sharpness_small_images_and_errors():
    tiny = ember.rand(3, 2, 5)
    assert F.adjust_sharpness(tiny, 3.0) is tiny
    with pytest.raises(ValueError, match=r"sharpness_factor \(-1\) is not non-negative"):
        F.adjust_sharpness(ember.rand(3, 4, 4), -1)


def test_adjust_gamma_tensor():
    x = ember.tensor(np.random.default_rng(3).random((3, 4, 5)), dtype=ember.float32)
    np.testing.assert_allclose(F.adjust_gamma(x, 0.5, 1.5).numpy(),
                               np.clip(1.5 * x.numpy() ** 0.5, 0, 1), rtol=1e-6)
    array = uint8_image((4, 5, 3))
    out = F.adjust_gamma(chw(array), 2.0)
    scaled = array.transpose(2, 0, 1).astype(np.float32) / np.float32(255)
    expected = np.clip(scaled ** 2, 0, 1) * np.float32(255 + 1 - 1e-3)  # convert_image_dtype
    assert out.dtype == ember.uint8
    np.testing.assert_array_equal(out.numpy(), expected.astype(np.uint8))
    with pytest.raises(ValueError, match="Gamma should be a non-negative real number"):
        F.adjust_gamma(x, -0.5)


def test_numpy_images_go_through_the_tensor_path(no_pillow):
    array = uint8_image((12, 10, 3), high=180)
    for function in (F.invert, F.autocontrast, F.equalize, lambda a: F.posterize(a, 2),
                     lambda a: F.solarize(a, 90), lambda a: F.adjust_sharpness(a, 1.7),
                     lambda a: F.adjust_gamma(a, 0.7)):
        out = function(array)
        assert isinstance(out, np.ndarray) and out.shape == (12, 10, 3)
        np.testing.assert_array_equal(out, function(chw(array)).numpy().transpose(1, 2, 0))
    assert F.invert(array[:, :, 0]).shape == (12, 10)


def test_errors_match_torchvision():
    floats = ember.rand(3, 4, 4)
    with pytest.raises(ValueError, match="number if bits should be between 0 and 8. Got 9"):
        F.posterize(chw(uint8_image((4, 4, 3))), 9)
    with pytest.raises(TypeError, match="image tensors are supported, but found"):
        F.posterize(floats, 3)
    with pytest.raises(TypeError, match="image tensors are supported, but found"):
        F.equalize(floats)
    with pytest.raises(TypeError, match="should have 3 or 4 dimensions, but found 5"):
        F.equalize(ember.zeros(1, 1, 3, 4, 4, dtype=ember.uint8))
    with pytest.raises(TypeError, match="at least 3 dimensions, but found 2"):
        F.invert(ember.rand(4, 4))
    with pytest.raises(TypeError, match="permitted channel values are"):
        F.autocontrast(ember.rand(2, 4, 4))
    with pytest.raises(TypeError, match="img should be PIL Image, Tensor or numpy ndarray"):
        F.solarize([[1]], 1)


def test_gradients_flow_through_float_colour_transforms():
    x = ember.rand(3, 6, 6, requires_grad=True)
    out = F.adjust_sharpness(F.autocontrast(F.adjust_gamma(x, 1.3)), 1.5)
    (F.invert(out) * ember.arange(36.0).view(6, 6)).sum().backward()
    assert x.grad.shape == (3, 6, 6) and float(x.grad.abs().sum()) > 0


# -- random colour transforms -----------------------------------------------------------------

@pytest.mark.parametrize("transform, function", [
    (T.RandomInvert(), F.invert),
    (T.RandomPosterize(2), lambda x: F.posterize(x, 2)),
    (T.RandomSolarize(128), lambda x: F.solarize(x, 128)),
    (T.RandomAdjustSharpness(2.0), lambda x: F.adjust_sharpness(x, 2.0)),
    (T.RandomAutocontrast(), F.autocontrast),
    (T.RandomEqualize(p=0.3), F.equalize),
])
def test_random_colour_transforms_draw_as_torchvision(transform, function):
    x = chw(uint8_image((16, 16, 3), high=150))
    ember.manual_seed(5)
    torch.manual_seed(5)
    for _ in range(6):
        out = transform(x)
        applied = bool(torch.rand(1) < transform.p)  # torchvision: torch.rand(1).item() < p
        assert ember.equal(out, function(x) if applied else x)


def test_random_colour_reprs_match_torchvision():
    assert repr(T.RandomInvert()) == "RandomInvert(p=0.5)"
    assert repr(T.RandomPosterize(2)) == "RandomPosterize(bits=2,p=0.5)"
    assert repr(T.RandomSolarize(128, p=0.2)) == "RandomSolarize(threshold=128,p=0.2)"
    assert repr(T.RandomAdjustSharpness(2)) == "RandomAdjustSharpness(sharpness_factor=2,p=0.5)"
    assert repr(T.RandomAutocontrast()) == "RandomAutocontrast(p=0.5)"
    assert repr(T.RandomEqualize()) == "RandomEqualize(p=0.5)"
    assert isinstance(T.RandomEqualize(), ember.nn.Module)


# -- automatic augmentation: the tables ---------------------------------------------------------

def test_magnitude_tables_are_torchvisions():
    """torchvision's tables, written with torch's ops (the bins are float32 / int32)."""
    def posterize(bins, top, steps):
        return top - (torch.arange(bins) / ((bins - 1) / steps)).round().int()
    expected = {
        "ShearX": torch.linspace(0.0, 0.3, 10),
        "TranslateX": torch.linspace(0.0, 150 / 331 * 45, 10),
        "TranslateY": torch.linspace(0.0, 150 / 331 * 37, 10),
        "Rotate": torch.linspace(0, 30.0, 10),
        "Color": torch.linspace(0.0, 0.9, 10), "Posterize": posterize(10, 8, 4),
        "Solarize": torch.linspace(255.0, 0.0, 10),
    }
    space = A.AutoAugment()._augmentation_space(10, (37, 45))
    assert len(space) == 14 and space["Invert"][0].ndim == 0
    for name, values in expected.items():
        np.testing.assert_allclose(space[name][0].numpy(), values.numpy(), rtol=1e-6)
        assert space[name][0].dtype == (ember.int32 if name == "Posterize" else ember.float32)
    assert [signed for _, signed in space.values()].count(True) == 9
    wide = A.TrivialAugmentWide()._augmentation_space(31)
    np.testing.assert_allclose(wide["Rotate"][0].numpy(), torch.linspace(0, 135.0, 31).numpy())
    np.testing.assert_array_equal(wide["Posterize"][0].numpy(), posterize(31, 8, 6).numpy())
    assert list(wide) == list(A.RandAugment()._augmentation_space(31, (8, 8)))
    mix = A.AugMix(all_ops=False)._augmentation_space(10, (30, 60))
    assert "Brightness" not in mix and len(mix) == 9
    np.testing.assert_allclose(mix["TranslateX"][0].numpy(), torch.linspace(0, 20.0, 10).numpy())
    np.testing.assert_array_equal(mix["Posterize"][0].numpy(), posterize(10, 4, 4).numpy())


def test_autoaugment_policies():
    for policy in A.AutoAugmentPolicy:
        policies = A.AutoAugment(policy).policies
        assert len(policies) == 25 and all(len(sub) == 2 for sub in policies)
    assert A.AutoAugment().policies[0] == (("Posterize", 0.4, 8), ("Rotate", 0.6, 9))
    assert A.AutoAugment(A.AutoAugmentPolicy.CIFAR10).policies[-1] == (
        ("TranslateY", 0.7, 9), ("AutoContrast", 0.9, None))
    assert A.AutoAugment(A.AutoAugmentPolicy.SVHN).policies[15] == (
        ("Invert", 0.8, None), ("TranslateY", 0.0, 2))
    assert A.AutoAugmentPolicy("cifar10") is A.AutoAugmentPolicy.CIFAR10
    with pytest.raises(ValueError, match="policy .* is not recognized"):
        A.AutoAugment("imagenet")
    with pytest.raises(ValueError, match="operator Blur is not recognized"):
        A._apply_op(ember.zeros(3, 4, 4), "Blur", 0.0, T.InterpolationMode.NEAREST, None)
    assert T.AutoAugment is A.AutoAugment and "AugMix" in T.__all__


# -- automatic augmentation: which operations, drawn as torchvision ----------------------------

@pytest.fixture
def applied(monkeypatch):
    """The (op_name, magnitude, fill) of each operation applied; the geometric ones are
    recorded but not run (they are _geometry.py's, tested there)."""
    calls = []
    real = A._apply_op

    def record(img, op_name, magnitude, interpolation, fill):
        calls.append((op_name, magnitude, fill))
        if op_name in ("ShearX", "ShearY", "TranslateX", "TranslateY", "Rotate"):
            return img
        return real(img, op_name, magnitude, interpolation, fill)
    monkeypatch.setattr(A, "_apply_op", record)
    return calls


def signed(magnitude):
    return -magnitude if torch.randint(2, (1,)) else magnitude


@pytest.mark.parametrize("policy", list(A.AutoAugmentPolicy))
def test_autoaugment_draws_as_torchvision(policy, applied):
    transform = A.AutoAugment(policy, fill=7)
    space = transform._augmentation_space(10, (20, 30))
    image = chw(uint8_image(high=200))
    for seed in range(8):
        ember.manual_seed(seed)
        torch.manual_seed(seed)
        applied.clear()
        transform(image)
        policy_id = int(torch.randint(25, (1,)))  # torchvision's get_params
        probs, signs = torch.rand((2,)), torch.randint(2, (2,))
        expected = []
        for i, (name, p, bin_index) in enumerate(transform.policies[policy_id]):
            if probs[i] <= p:
                magnitudes, is_signed = space[name]
                magnitude = float(magnitudes[bin_index]) if bin_index is not None else 0.0
                expected.append((name, -magnitude if is_signed and signs[i] == 0
                                 else magnitude, [7.0] * 3))
        assert applied == expected
        assert all(type(value) is float for _, _, fill in applied for value in fill)


def test_autoaugment_compares_probabilities_in_float32(applied, monkeypatch):
    """torch compares the float32 draw with p as float32: a draw equal to float32(0.4), which
    is above 0.4, still applies an operation of probability 0.4."""
    draws = torch.tensor([0.4, 0.6])
    monkeypatch.setattr(A.AutoAugment, "get_params", staticmethod(
        lambda n: (0, ember.tensor(draws.numpy()), ember.tensor([1, 1]))))
    assert float(draws[0]) > 0.4 and bool(draws[0] <= 0.4)
    A.AutoAugment()(chw(uint8_image()))  # sub-policy 0: Posterize 0.4 then Rotate 0.6
    assert [op for op, _, _ in applied] == ["Posterize", "Rotate"]


def test_randaugment_and_trivialaugment_draw_as_torchvision(applied):
    image = chw(uint8_image(high=200))
    rand_augment = A.RandAugment(num_ops=3, magnitude=5, fill=[1, 2, 3])
    space = rand_augment._augmentation_space(31, (20, 30))
    names = list(space)
    for seed in range(6):
        ember.manual_seed(seed)
        torch.manual_seed(seed)
        applied.clear()
        rand_augment(image)
        expected = []
        for _ in range(3):
            name = names[int(torch.randint(14, (1,)))]
            magnitudes, is_signed = space[name]
            magnitude = float(magnitudes[5]) if magnitudes.ndim > 0 else 0.0
            expected.append((name, signed(magnitude) if is_signed else magnitude, [1., 2., 3.]))
        assert applied == expected
    trivial = A.TrivialAugmentWide()
    space = trivial._augmentation_space(31)
    for seed in range(10):
        ember.manual_seed(seed)
        torch.manual_seed(seed)
        applied.clear()
        trivial(PIL.fromarray(uint8_image(high=200)))
        name = list(space)[int(torch.randint(14, (1,)))]
        magnitudes, is_signed = space[name]
        magnitude = float(magnitudes[torch.randint(31, (1,))]) if magnitudes.ndim > 0 else 0.0
        assert applied == [(name, signed(magnitude) if is_signed else magnitude, None)]


def test_augmix_draws_and_mixes_as_torchvision(monkeypatch):
    # every chain operation replaced by invert, so that the mixture has a closed form
    applied = []

    def invert_only(img, op_name, magnitude, *args, **kwargs):
        applied.append((op_name, magnitude))
        return F.invert(img)
    monkeypatch.setattr(A, "_apply_op", invert_only)
    array = uint8_image((6, 5, 3))
    transform = A.AugMix(severity=4, mixture_width=3)
    space = transform._augmentation_space(10, (6, 5))
    for seed in (0, 1, 2):
        ember.manual_seed(seed)
        torch.manual_seed(seed)
        applied.clear()
        out = transform(chw(array))
        m = torch._sample_dirichlet(torch.tensor([1.0, 1.0]).expand(1, -1))
        weights = torch._sample_dirichlet(torch.tensor([1.0] * 3).expand(1, -1)) * m[:, 1]
        x = torch.tensor(array.transpose(2, 0, 1).copy()).float()
        expected_mix, expected_ops = m[0, 0] * x, []
        for i in range(3):
            depth = int(torch.randint(low=1, high=4, size=(1,)))
            for _ in range(depth):
                name = list(space)[int(torch.randint(len(space), (1,)))]
                magnitudes, is_signed = space[name]
                magnitude = 0.0
                if magnitudes.ndim > 0:
                    magnitude = float(magnitudes[torch.randint(4, (1,))])  # < severity
                expected_ops.append((name, signed(magnitude) if is_signed else magnitude))
            expected_mix += weights[0, i] * (x if depth % 2 == 0 else 255 - x)
        assert applied == expected_ops
        assert out.dtype == ember.uint8 and out.shape == (3, 6, 5)
        # the weights agree with torch's to float32 rounding, so truncation may differ by 1
        assert np.abs(out.numpy().astype(int) - expected_mix.to(torch.uint8).numpy()).max() <= 1


def test_augmix_pil_and_numpy_and_arguments():
    array = uint8_image((10, 12, 3), high=200)
    ember.manual_seed(0)
    from_pil = A.AugMix()(PIL.fromarray(array))
    ember.manual_seed(0)
    from_numpy = A.AugMix()(array)
    ember.manual_seed(0)
    from_tensor = A.AugMix()(chw(array))
    assert from_pil.mode == "RGB" and from_numpy.shape == (10, 12, 3)
    np.testing.assert_array_equal(np.asarray(from_pil), from_numpy)
    np.testing.assert_array_equal(from_numpy, from_tensor.numpy().transpose(1, 2, 0))
    with pytest.raises(ValueError, match=r"severity must be between \[1, 10\]. Got 11"):
        A.AugMix(severity=11)


# TrivialAugmentWide on the image below: seed -> (the operation torchvision drew, the output's
# sum, out[0, 1, :4]), computed once with torchvision 0.28 (torch.manual_seed(seed)).
TRIVIAL_AUGMENT_FROM_TORCHVISION = {
    1: ("Color", 27328, [184, 205, 226, 255]),
    3: ("AutoContrast", 26975, [191, 212, 233, 255]),
    4: ("Posterize", 23776, [160, 192, 224, 224]),
    10: ("Sharpness", 27156, [189, 237, 255, 255]),
    11: ("Solarize", 14440, [66, 45, 24, 3]),
    15: ("Brightness", 40635, [255, 255, 255, 255]),
    17: ("Sharpness", 27032, [189, 190, 211, 225]),
    18: ("Contrast", 27045, [197, 221, 244, 255]),
}


@pytest.mark.parametrize("seed", sorted(TRIVIAL_AUGMENT_FROM_TORCHVISION))
def test_trivial_augment_output_is_torchvisions(seed, applied):
    array = (np.arange(8 * 9 * 3).reshape(8, 9, 3) * 7 % 256).astype(np.uint8)
    ember.manual_seed(seed)
    out = A.TrivialAugmentWide()(chw(array)).numpy()
    name, total, row = TRIVIAL_AUGMENT_FROM_TORCHVISION[seed]
    assert [op for op, _, _ in applied] == [name]
    assert int(out.astype(np.int64).sum()) == total
    assert out[0, 1, :4].tolist() == row


def test_geometric_operations_are_the_official_autoaugment_transforms():
    """On PIL images, AutoAugment's shears and translations are the official implementation's
    PIL transforms, (1, level, 0, 0, 1, 0) and (1, 0, -pixels, 0, 1, 0), and Rotate is PIL's
    rotate (torchvision's results are the same)."""
    image = PIL.fromarray(uint8_image())
    nearest = T.InterpolationMode.NEAREST
    for op_name, magnitude, matrix in (("ShearX", 0.3, (1, 0.3, 0, 0, 1, 0)),
                                       ("ShearY", -0.2, (1, 0, 0, -0.2, 1, 0)),
                                       ("TranslateX", 5.7, (1, 0, -5, 0, 1, 0)),
                                       ("TranslateY", -3.2, (1, 0, 0, 0, 1, 3))):
        out = A._apply_op(image, op_name, magnitude, nearest, [5, 6, 7])
        expected = image.transform(image.size, PIL.AFFINE, matrix, PIL.NEAREST,
                                   fillcolor=(5, 6, 7))
        np.testing.assert_array_equal(np.asarray(out), np.asarray(expected), err_msg=op_name)
    np.testing.assert_array_equal(np.asarray(A._apply_op(image, "Rotate", 17.0, nearest, None)),
                                  np.asarray(image.rotate(17.0, PIL.NEAREST)))


def test_policy_reprs_match_torchvision():
    assert repr(A.AutoAugment()) == "AutoAugment(policy=AutoAugmentPolicy.IMAGENET, fill=None)"
    assert repr(A.RandAugment()) == ("RandAugment(num_ops=2, magnitude=9, num_magnitude_bins=31"
                                     ", interpolation=InterpolationMode.NEAREST, fill=None)")
    assert repr(A.TrivialAugmentWide(fill=1)) == (
        "TrivialAugmentWide(num_magnitude_bins=31, interpolation=InterpolationMode.NEAREST, "
        "fill=1)")
    assert repr(A.AugMix()) == (
        "AugMix(severity=3, mixture_width=3, chain_depth=-1, alpha=1.0, all_ops=True, "
        "interpolation=InterpolationMode.BILINEAR, fill=None)")
