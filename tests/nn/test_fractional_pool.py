"""Fractional max pooling (functional and modules) against torch: with the random samples
given, values, indices and gradients equal torch's; drawn samples come from ember's
generator."""
import numpy as np
import pytest
import torch

import ember
from ember.autograd import gradcheck, gradgradcheck
from oracle import check_op, to_numpy

F = ember.nn.functional

CASES = [  # (dims, input shape, kernel_size, output_size)
    (2, (2, 3, 9, 9), 3, 4), (2, (2, 3, 10, 7), (2, 3), (5, 3)), (2, (3, 9, 9), 2, (8, 1)),
    (3, (2, 2, 9, 8, 7), 2, (3, 4, 5)), (3, (2, 7, 7, 7), (2, 3, 1), (2, 2, 6)),
]


def _samples(shape, d, seed=0):
    batch = shape[0] if len(shape) == d + 2 else 1
    return np.random.default_rng(seed).random((batch, shape[-d - 1], d))


@pytest.mark.parametrize("d,shape,kernel,output_size", CASES)
@pytest.mark.parametrize("dtype", ["float64", "float32", "float16", "bfloat16"])
def test_given_samples_equal_torch_exactly(d, shape, kernel, output_size, dtype):
    rng = np.random.default_rng(1)
    x, samples = rng.standard_normal(shape), _samples(shape, d)

    def run(L):
        lib_dtype = getattr(L, dtype)
        pool = getattr(L.nn.functional, f"fractional_max_pool{d}d")
        return pool(L.tensor(x).to(lib_dtype), kernel, output_size=output_size,
                    return_indices=True, _random_samples=L.tensor(samples).to(lib_dtype))

    (out, indices), (torch_out, torch_indices) = run(ember), run(torch)
    assert out.dtype == getattr(ember, dtype) and indices.dtype == ember.int64
    np.testing.assert_array_equal(to_numpy(indices), to_numpy(torch_indices))
    np.testing.assert_array_equal(to_numpy(out), to_numpy(torch_out))


@pytest.mark.parametrize("d,shape,kernel,output_size", CASES[:2] + CASES[3:4])
def test_gradients_equal_torch(d, shape, kernel, output_size):
    samples = _samples(shape, d, seed=2)
    fn = lambda L, x: getattr(L.nn.functional, f"fractional_max_pool{d}d")(  # noqa: E731
        x, kernel, output_size=output_size, _random_samples=L.tensor(samples))
    check_op(fn, shapes=[shape], dtype="float64", name=f"fractional_max_pool{d}d")


@pytest.mark.parametrize("d", [2, 3])
def test_gradcheck_and_gradgradcheck(d):
    shape = (1, 2) + (5,) * d
    # distinct values: no ties, so the max is differentiable
    x = ember.tensor(np.random.default_rng(3).permutation(np.prod(shape)).reshape(shape) / 7.0,
                     requires_grad=True)
    samples = ember.tensor(_samples(shape, d, seed=4))
    pool = getattr(F, f"fractional_max_pool{d}d")
    fn = lambda x: pool(x, 2, output_size=3, _random_samples=samples)  # noqa: E731
    assert gradcheck(fn, [x]) and gradgradcheck(fn, [x])


def test_output_ratio_and_with_indices_forms():
    x = ember.randn(2, 3, 10, 12)
    assert tuple(F.fractional_max_pool2d(x, 2, output_ratio=(0.5, 0.25)).shape) == (2, 3, 5, 3)
    assert tuple(F.fractional_max_pool2d(x, 2, output_ratio=0.5).shape) == (2, 3, 5, 6)
    out, indices = F.fractional_max_pool3d_with_indices(ember.randn(1, 6, 6, 6), 2,
                                                        output_size=3)
    assert tuple(out.shape) == (1, 3, 3, 3) and tuple(indices.shape) == (1, 3, 3, 3)


def test_drawn_samples_use_embers_generator():
    x = ember.randn(2, 3, 11, 11)
    ember.manual_seed(5)
    first, first_indices = F.fractional_max_pool2d(x, 2, output_size=5, return_indices=True)
    ember.manual_seed(5)
    again, again_indices = F.fractional_max_pool2d(x, 2, output_size=5, return_indices=True)
    np.testing.assert_array_equal(first_indices.numpy(), again_indices.numpy())
    draws = {F.fractional_max_pool2d(x, 2, output_size=5, return_indices=True)[1].numpy()
             .tobytes() for _ in range(5)}
    assert len(draws) > 1  # fresh samples on every call
    # every output is its window's maximum: the largest input element it could have read
    flat = x.reshape(2, 3, -1)
    np.testing.assert_array_equal(
        first.reshape(2, 3, -1).numpy(),
        np.take_along_axis(flat.numpy(), first_indices.reshape(2, 3, -1).numpy(), 2))
    rows, cols = np.divmod(first_indices.numpy(), 11)
    assert rows.min() >= 0 and rows.max() <= 10 and cols.max() <= 10
    assert (np.diff(rows.min(axis=3), axis=2) >= 0).all()  # windows advance down the rows


@pytest.mark.parametrize("d", [2, 3])
def test_modules_equal_torch_with_given_samples(d):
    shape = (2, 3) + (8,) * d
    x, samples = np.random.default_rng(6).standard_normal(shape), _samples(shape, d, seed=7)
    outputs = []
    for L in (ember, torch):
        module = getattr(L.nn, f"FractionalMaxPool{d}d")(3, output_size=4, return_indices=True,
                                                         _random_samples=L.tensor(samples))
        assert repr(module) == f"FractionalMaxPool{d}d()"
        assert module.kernel_size == (3,) * d and module.output_size == (4,) * d
        outputs.append(module(L.tensor(x)))
    for actual, expected in zip(*outputs):
        np.testing.assert_array_equal(to_numpy(actual), to_numpy(expected))


def test_module_output_ratio_shape_and_gradient():
    pool = ember.nn.FractionalMaxPool2d((2, 3), output_ratio=0.5)
    assert pool.output_ratio == (0.5, 0.5) and pool.output_size is None
    x = ember.randn(1, 2, 10, 10, requires_grad=True)
    out = pool(x)
    assert tuple(out.shape) == (1, 2, 5, 5)
    out.sum().backward()
    assert float(x.grad.sum()) == 50.0  # each output's gradient lands on one input


def test_bad_arguments_raise_as_torch():
    for L in (ember, torch):
        x = L.ones(1, 2, 9, 9)
        with pytest.raises(ValueError, match="requires specifying either"):
            L.nn.functional.fractional_max_pool2d(x, 3)
        with pytest.raises(RuntimeError, match="pool height 3 too large relative to input"):
            L.nn.functional.fractional_max_pool2d(x, 3, output_size=8)
        with pytest.raises(RuntimeError, match="too large relative to input"):
            L.nn.functional.fractional_max_pool3d(L.ones(1, 6, 6, 6), 1, output_size=6)
        with pytest.raises(ValueError, match="output_ratio must be between 0 and 1"):
            L.nn.FractionalMaxPool2d(3, output_ratio=1.5)
        with pytest.raises(ValueError, match="only one of output_size and output_ratio"):
            L.nn.FractionalMaxPool3d(2, output_size=2, output_ratio=0.5)
        with pytest.raises(ValueError, match="requires specifying either"):
            L.nn.FractionalMaxPool2d(2)
        with pytest.raises(RuntimeError):
            L.nn.functional.fractional_max_pool2d(x, 3, output_size=4,
                                                  _random_samples=L.rand(1, 2, 3))
