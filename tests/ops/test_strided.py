"""as_strided and kin, empty_strided / empty_permuted, resize_ (ember/ops/strided.py), against
torch."""
import numpy as np
import pytest
import torch

import ember
from ember.autograd import gradcheck, gradgradcheck
from oracle import check_op, to_numpy

GEOMETRIES = [((2, 2), (1, 2), None), ((3,), (5,), None), ((2, 3), (0, 1), 2),
              ((3, 3), (1, 1), 0), ((0, 4), (4, 1), 0), ((), (), 7)]


@pytest.mark.parametrize("size, stride, offset", GEOMETRIES)
def test_as_strided(size, stride, offset):
    check_op(lambda lib, x: lib.as_strided(x, size, stride, offset), shapes=[(3, 4)],
             dtype="float64")


@pytest.mark.parametrize("size, stride, offset", [GEOMETRIES[i] for i in (0, 2, 3)])
def test_as_strided_of_a_view_reads_its_storage(size, stride, offset):
    check_op(lambda lib, x: (x * 1)[1:, 1:].as_strided(size, stride, offset), shapes=[(3, 4)],
             dtype="float64")


def test_as_strided_is_a_view_sharing_memory_and_versions():
    x = ember.arange(6.)
    view = x.as_strided((2, 2), (1, 2))
    x.add_(10)
    np.testing.assert_array_equal(to_numpy(view), [[10., 12.], [11., 13.]])
    assert view._version is x._version


def test_as_strided_gradcheck():
    x = ember.randn(3, 4, dtype=ember.float64, requires_grad=True)
    assert gradcheck(lambda t: t.as_strided((3, 3), (1, 1), 1), [x])
    assert gradgradcheck(lambda t: t.as_strided((3, 3), (1, 1), 1), [x])


@pytest.mark.parametrize("size, stride, offset", [((5, 5), (4, 1), 0), ((2,), (1,), 11),
                                                  ((2,), (-1,), 2)])
def test_as_strided_out_of_bounds_raises(size, stride, offset):
    for lib in (torch, ember):
        with pytest.raises(RuntimeError):
            lib.as_strided(lib.zeros(3, 4), size, stride, offset)


def test_as_strided_in_place():
    for lib in (torch, ember):
        x = lib.arange(6.)
        assert x.as_strided_((2, 2), (1, 2)) is x
        np.testing.assert_array_equal(to_numpy(x), [[0., 2.], [1., 3.]])


@pytest.mark.parametrize("size, stride, offset", [((2,), (2,), 0), ((2, 2), (1, 2), 1),
                                                  ((3,), (4,), None)])
def test_as_strided_scatter(size, stride, offset):
    # torch's gradient for input is wrong (its own gradcheck fails): compare values only
    check_op(lambda lib, x, src: lib.as_strided_scatter(x, src, size, stride, offset),
             shapes=[(3, 4), size], dtype="float64", grad=False)
    x = ember.randn(3, 4, dtype=ember.float64, requires_grad=True)
    src = ember.randn(*size, dtype=ember.float64, requires_grad=True)
    assert gradcheck(lambda a, b: ember.as_strided_scatter(a, b, size, stride, offset), [x, src])


def test_as_strided_copy_is_not_a_view():
    check_op(lambda lib, x: lib.as_strided_copy(x, (2, 2), (1, 2)), shapes=[(3, 4)])
    x = ember.zeros(4)
    copy = ember.as_strided_copy(x, (2,), (2,))
    x.add_(1)
    assert to_numpy(copy).tolist() == [0., 0.]


@pytest.mark.parametrize("size, stride", [((2, 3), (1, 2)), ((2, 3), (3, 1)), ((0, 3), (3, 1)),
                                          ((4,), (2,))])
def test_empty_strided(size, stride):
    expected = torch.empty_strided(size, stride)
    actual = ember.empty_strided(size, stride, dtype=ember.float64)
    assert actual.shape == expected.shape and actual.stride() == expected.stride()
    assert actual.dtype == ember.float64
    other = ember.zeros(2, dtype=ember.int32).new_empty_strided(size, stride)
    assert other.dtype == ember.int32 and other.stride() == expected.stride()


@pytest.mark.parametrize("size, layout", [((2, 3, 4), (2, 0, 1)), ((2, 3), (1, 0)),
                                          ((5,), (0,))])
def test_empty_permuted(size, layout):
    expected = torch.empty_permuted(size, layout)
    actual = ember.empty_permuted(size, layout)
    assert actual.shape == expected.shape and actual.stride() == expected.stride()


def test_resize_keeps_the_first_elements():
    for lib in (torch, ember):
        x = lib.arange(6)
        assert x.resize_(2, 2) is x
        assert x.tolist() == [[0, 1], [2, 3]]  # (torch can't grow a storage numpy() shares)
        x.resize_(4, 2)
        assert tuple(x.shape) == (4, 2)
        assert x.reshape(-1)[:6].tolist() == list(range(6))
        y = lib.zeros(3)
        lib.resize_as_(y, lib.zeros(1, 2))
        assert tuple(y.shape) == (1, 2)
        assert tuple(y.resize_as_(lib.zeros(3, 1)).shape) == (3, 1)


def test_resize_of_a_tensor_requiring_grad_raises():
    for lib in (torch, ember):
        with pytest.raises(RuntimeError, match="require"):
            lib.zeros(3, requires_grad=True).resize_(2)


def test_storage_offset_of_views():
    for lib in (torch, ember):
        x = lib.arange(12.).reshape(3, 4)
        assert x[1:].storage_offset() == 4 and x[1:, 2:].storage_offset() == 6


@pytest.mark.parametrize("dtype", ["bfloat16", "float16", "int64", "bool"])
def test_strided_ops_of_every_dtype(dtype):
    check_op(lambda lib, x: (x[1:].as_strided((2, 2), (1, 2), 1),
                             lib.as_strided_copy(x, (3,), (4,))), shapes=[(3, 4)], dtype=dtype,
             grad=False)
    x = ember.zeros(5, dtype=getattr(ember, dtype))
    assert x.resize_(2, 2).shape == (2, 2)
    assert ember.empty_strided((2, 3), (1, 2), dtype=x.dtype).stride() == (1, 2)
