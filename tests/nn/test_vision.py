"""Resampling against torch: interpolate in every mode (values and gradients), Upsample
modules, pixel (un)shuffle, affine_grid/grid_sample, Flatten/Unflatten; reprs and errors."""
import numpy as np
import pytest
import torch

import ember
from ember.autograd import gradcheck, gradgradcheck
from oracle import check_op, to_numpy

F = ember.nn.functional

SIZES = [dict(size=11), dict(size=4), dict(scale_factor=2), dict(scale_factor=1.7),
         dict(scale_factor=0.6), dict(scale_factor=2.5, recompute_scale_factor=True),
         dict(size=1)]
MODES_BY_RANK = {3: ["nearest", "nearest-exact", "linear", "area"],
                 4: ["nearest", "nearest-exact", "bilinear", "bicubic", "area"],
                 5: ["nearest", "trilinear", "area"]}
SHAPES = {3: (2, 3, 7), 4: (2, 2, 5, 7), 5: (1, 2, 3, 4, 5)}
CASES = [(rank, mode, align, kwargs) for rank, modes in MODES_BY_RANK.items() for mode in modes
         for align in ((None,) if mode in ("nearest", "nearest-exact", "area") else (False, True))
         for kwargs in SIZES]


@pytest.mark.parametrize("rank,mode,align_corners,kwargs", CASES)
def test_interpolate_against_torch(rank, mode, align_corners, kwargs):
    check_op(lambda L, x: L.nn.functional.interpolate(x, mode=mode, align_corners=align_corners,
                                                      **kwargs),
             shapes=[SHAPES[rank]], dtype="float64", name=f"interpolate {mode} {kwargs}")


@pytest.mark.parametrize("mode", ["nearest", "bilinear", "bicubic", "area"])
def test_interpolate_float32(mode):
    check_op(lambda L, x: L.nn.functional.interpolate(x, size=(9, 4), mode=mode),
             shapes=[(2, 3, 6, 6)], name=f"interpolate {mode} float32")


@pytest.mark.parametrize("mode", ["bilinear", "bicubic"])
@pytest.mark.parametrize("align_corners", [False, True])
@pytest.mark.parametrize("size", [(7, 5), (25, 9)])
def test_interpolate_antialias(mode, align_corners, size):
    check_op(lambda L, x: L.nn.functional.interpolate(x, size=size, mode=mode, antialias=True,
                                                      align_corners=align_corners),
             shapes=[(1, 2, 20, 17)], dtype="float64", name=f"antialias {mode}")


@pytest.mark.parametrize("mode", ["nearest", "bilinear", "bicubic", "area"])
def test_interpolate_gradcheck_and_double_backward(mode):
    x = ember.tensor(np.random.default_rng(0).standard_normal((1, 2, 3, 4)), requires_grad=True)
    fn = lambda x: F.interpolate(x, size=(5, 3), mode=mode) ** 2  # noqa: E731
    assert gradcheck(fn, [x])
    assert gradgradcheck(fn, [x])


@pytest.mark.parametrize("call,error,message", [
    (lambda: F.interpolate(ember.ones(1, 1, 4), size=2, scale_factor=2), ValueError,
     "only one of size or scale_factor should be defined"),
    (lambda: F.interpolate(ember.ones(1, 1, 4)), ValueError,
     "either size or scale_factor should be defined"),
    (lambda: F.interpolate(ember.ones(1, 1, 4), size=2, align_corners=True), ValueError,
     "align_corners option can only be set with the interpolating modes"),
    (lambda: F.interpolate(ember.ones(1, 1, 4), size=2, mode="bilinear"), NotImplementedError,
     "Got 3D input, but bilinear mode needs 4D input"),
    (lambda: F.interpolate(ember.ones(1, 1, 4, 4), size=2, mode="linear"), NotImplementedError,
     "Got 4D input, but linear mode needs 3D input"),
    (lambda: F.interpolate(ember.ones(1, 1, 4), size=(2, 2)), ValueError,
     "Input and output size must have the same number of spatial dimensions"),
    (lambda: F.interpolate(ember.ones(4, 4), size=2), NotImplementedError,
     "Only 3D, 4D and 5D input Tensors supported"),
    (lambda: F.interpolate(ember.ones(1, 1, 4), size=2, mode="linear", antialias=True),
     ValueError, "Anti-alias option is restricted to bilinear and bicubic"),
])
def test_interpolate_errors(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_upsample_modules():
    for make in (lambda nn: nn.Upsample(scale_factor=2),
                 lambda nn: nn.Upsample(size=(3, 4), mode="bilinear", align_corners=True),
                 lambda nn: nn.UpsamplingNearest2d(scale_factor=2),
                 lambda nn: nn.UpsamplingBilinear2d(size=4)):
        ember_module, torch_module = make(ember.nn), make(torch.nn)
        assert repr(ember_module) == repr(torch_module)
        check_op(lambda L, x: (ember_module if L is ember else torch_module)(x),
                 shapes=[(1, 2, 3, 3)], name=repr(torch_module))
    with pytest.warns(UserWarning, match="deprecated"):
        F.upsample(ember.ones(1, 1, 2), scale_factor=2)


@pytest.mark.parametrize("shape,factor", [((2, 8, 3, 4), 2), ((3, 9, 2, 2), 3),
                                          ((2, 3, 8, 3, 4), 2)])
def test_pixel_shuffle(shape, factor):
    check_op(lambda L, x: L.nn.functional.pixel_shuffle(x, factor), shapes=[shape],
             name="pixel_shuffle")
    unshuffled = shape[:-3] + (shape[-3] // factor ** 2, shape[-2] * factor, shape[-1] * factor)
    check_op(lambda L, x: L.nn.functional.pixel_unshuffle(x, factor), shapes=[unshuffled],
             name="pixel_unshuffle")
    x = ember.randn(*shape)
    roundtrip = ember.nn.PixelUnshuffle(factor)(ember.nn.PixelShuffle(factor)(x))
    np.testing.assert_array_equal(to_numpy(roundtrip), to_numpy(x))


def test_pixel_shuffle_errors_and_repr():
    with pytest.raises(RuntimeError, match="divisible by the square of upscale_factor"):
        F.pixel_shuffle(ember.ones(1, 5, 2, 2), 2)
    with pytest.raises(RuntimeError, match="at least 3 dimensions"):
        F.pixel_shuffle(ember.ones(4, 4), 2)
    with pytest.raises(RuntimeError, match="width to be divisible by downscale_factor"):
        F.pixel_unshuffle(ember.ones(1, 1, 4, 3), 2)
    assert repr(ember.nn.PixelShuffle(2)) == "PixelShuffle(upscale_factor=2)"
    assert repr(ember.nn.PixelUnshuffle(3)) == "PixelUnshuffle(downscale_factor=3)"


@pytest.mark.parametrize("align_corners", [False, True])
def test_affine_grid(align_corners):
    check_op(lambda L, t: L.nn.functional.affine_grid(t, (2, 3, 4, 5), align_corners),
             shapes=[(2, 2, 3)], dtype="float64", name="affine_grid 2d")
    check_op(lambda L, t: L.nn.functional.affine_grid(t, (1, 3, 2, 3, 4), align_corners),
             shapes=[(1, 3, 4)], name="affine_grid 3d")


@pytest.mark.parametrize("mode", ["bilinear", "nearest"])
@pytest.mark.parametrize("padding_mode", ["zeros", "border", "reflection"])
@pytest.mark.parametrize("align_corners", [False, True])
def test_grid_sample(mode, padding_mode, align_corners):
    rng = np.random.default_rng(1)
    arrays = [rng.standard_normal((2, 3, 5, 6)), rng.uniform(-1.3, 1.3, (2, 4, 3, 2))]
    fn = lambda L, x, g: L.nn.functional.grid_sample(  # noqa: E731
        x, g if mode == "bilinear" or L is ember else g.detach(), mode, padding_mode,
        align_corners)
    check_op(fn, arrays=arrays, dtype="float64", name=f"grid_sample {mode} {padding_mode}")


def test_grid_sample_gradcheck_and_errors():
    rng = np.random.default_rng(2)
    x = ember.tensor(rng.standard_normal((1, 2, 3, 3)), requires_grad=True)
    grid = ember.tensor(rng.uniform(-0.9, 0.9, (1, 2, 2, 2)), requires_grad=True)
    assert gradcheck(lambda x, g: F.grid_sample(x, g, align_corners=False), [x, grid])
    with pytest.warns(UserWarning, match="align_corners=False since 1.3.0"):
        F.grid_sample(x, grid)
    with pytest.raises(ValueError, match="expected padding_mode to be 'zeros', 'border', or "
                                         "'reflection'"):
        F.grid_sample(x, grid, padding_mode="wrap", align_corners=False)
    with pytest.raises(ValueError, match="Expected a batch of 2D affine matrices of shape Nx2x3"):
        F.affine_grid(ember.ones(1, 3, 3), (1, 1, 2, 2), align_corners=False)


def test_flatten_and_unflatten():
    x = ember.randn(2, 3, 4, 5)
    assert tuple(ember.nn.Flatten()(x).shape) == (2, 60)
    assert tuple(ember.nn.Flatten(0, 2)(x).shape) == (24, 5)
    assert tuple(ember.nn.Unflatten(1, (3, 4))(ember.randn(2, 12)).shape) == (2, 3, 4)
    assert repr(ember.nn.Flatten()) == "Flatten(start_dim=1, end_dim=-1)"
    assert repr(ember.nn.Unflatten(1, (2, 3))) == "Unflatten(dim=1, unflattened_size=(2, 3))"
    with pytest.raises(TypeError, match="unflattened_size must be tuple of ints, but found "
                                        "element of type float at pos 0"):
        ember.nn.Unflatten(1, (2.0, 3))
