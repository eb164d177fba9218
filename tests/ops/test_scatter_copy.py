"""Writing into part of a tensor (ember/ops/scatter_copy.py: diagonal/select/slice_scatter,
index_reduce, fill_diagonal_) against torch: values, gradients, errors."""
import numpy as np
import pytest
import torch

import ember
from ember.autograd import gradcheck, gradgradcheck
from oracle import check_op

# -- diagonal_scatter, select_scatter, slice_scatter ------------------------------------------

SCATTERS = {
    "diagonal_scatter": (lambda L, x, s: L.diagonal_scatter(x, s), [(3, 4), (3,)]),
    "diagonal_scatter(offset, dims)": (lambda L, x, s: L.diagonal_scatter(x, s, 1, 0, 2),
                                       [(3, 2, 4), (2, 3)]),
    "diagonal_scatter(negative offset)": (lambda L, x, s: x.diagonal_scatter(s, -1, -1, -2),
                                          [(2, 4, 3), (2, 2)]),
    "select_scatter": (lambda L, x, s: L.select_scatter(x, s, 0, 1), [(3, 4), (4,)]),
    "select_scatter(negative)": (lambda L, x, s: x.select_scatter(s, -1, -2), [(2, 3, 4), (2, 3)]),
    "slice_scatter": (lambda L, x, s: L.slice_scatter(x, s), [(3, 4), (3, 4)]),
    "slice_scatter(step)": (lambda L, x, s: L.slice_scatter(x, s, 1, 1, None, 2),
                            [(3, 5), (3, 2)]),
    "slice_scatter(negative start)": (lambda L, x, s: x.slice_scatter(s, start=-2),
                                      [(4, 2), (2, 2)]),
    "slice_scatter(empty)": (lambda L, x, s: L.slice_scatter(x, s, 0, 5, 7), [(3, 2), (0, 2)]),
}


@pytest.mark.parametrize("case", list(SCATTERS))
def test_view_scatter(case, device):
    fn, shapes = SCATTERS[case]
    check_op(fn, shapes=shapes, device=device, name=case)


@pytest.mark.parametrize("case", list(SCATTERS)[:-1])
def test_view_scatter_gradcheck(case):
    fn, shapes = SCATTERS[case]
    inputs = [ember.randn(*shape, dtype=ember.float64, requires_grad=True) for shape in shapes]
    assert gradcheck(lambda *xs: fn(ember, *xs), inputs)
    assert gradgradcheck(lambda *xs: fn(ember, *xs) ** 2, inputs)


def test_view_scatter_casts_src_and_keeps_input_dtype():
    src = ember.ones(3, dtype=ember.float64, requires_grad=True)
    out = ember.diagonal_scatter(ember.zeros(3, 3), src)
    assert out.dtype == ember.float32
    out.sum().backward()
    assert src.grad.dtype == ember.float64 and src.grad.tolist() == [1.0, 1.0, 1.0]
    assert ember.select_scatter(ember.zeros(2, 2, dtype=ember.int64), ember.ones(2), 0, 0) \
        .tolist() == [[1, 1], [0, 0]]


@pytest.mark.parametrize("call, error", [
    (lambda L: L.slice_scatter(L.zeros(3, 4), L.ones(2, 4)), RuntimeError),
    (lambda L: L.slice_scatter(L.zeros(3, 4), L.ones(3, 4), 0, None, None, 0), RuntimeError),
    (lambda L: L.select_scatter(L.zeros(3, 4), L.ones(3), 0, 0), RuntimeError),
    (lambda L: L.select_scatter(L.zeros(3, 4), L.ones(4), 0, 5), IndexError),
    (lambda L: L.diagonal_scatter(L.zeros(3, 4), L.ones(4)), RuntimeError),
    (lambda L: L.diagonal_scatter(L.zeros(3, 4), L.ones(3), 0, 1, 1), RuntimeError),
])
def test_view_scatter_errors(call, error):
    with pytest.raises(error):
        call(torch)
    with pytest.raises(error):
        call(ember)


# -- index_reduce --------------------------------------------------------------------------

# small integers, so that products and ties (amax/amin) and zeros (prod) all occur
_rng = np.random.default_rng(1)
INPUT = _rng.integers(-2, 3, (2, 4)).astype("float32")
SOURCE = _rng.integers(-2, 3, (2, 5)).astype("float32")
INDEX = np.array([0, 2, 0, 0, 3])


@pytest.mark.parametrize("include_self", [True, False])
@pytest.mark.parametrize("reduce", ["prod", "mean", "amax", "amin"])
def test_index_reduce(reduce, include_self, device):
    check_op(lambda L, x, s: x.index_reduce(1, L.tensor(INDEX), s, reduce,
                                            include_self=include_self),
             arrays=[INPUT, SOURCE], device=device, name=f"index_reduce {reduce}")


@pytest.mark.parametrize("reduce", ["prod", "mean", "amax", "amin"])
def test_index_reduce_gradcheck(reduce):
    x = ember.randn(3, 2, dtype=ember.float64, requires_grad=True)
    source = ember.randn(4, 2, dtype=ember.float64, requires_grad=True)
    index = ember.tensor([0, 2, 0, 2])
    assert gradcheck(lambda a, b: ember.index_reduce(a, 0, index, b, reduce), [x, source])


def test_index_reduce_in_place_and_integers():
    for lib in (torch, ember):
        x = lib.arange(12.).reshape(3, 4)
        x.index_reduce_(0, lib.tensor([0, 0]), lib.full((2, 4), 2.), "prod")
        integers = lib.tensor([[1, 2], [3, 4]]).index_reduce(
            0, lib.tensor([0, 0]), lib.tensor([[2, 3], [4, 4]]), "mean")
        if lib is torch:
            expected = (x.tolist(), integers.tolist())
    assert (x.tolist(), integers.tolist()) == expected


@pytest.mark.parametrize("call, error", [
    (lambda L: L.zeros(3).index_reduce(0, L.tensor([0, 1]), L.ones(2), "sum"), RuntimeError),
    (lambda L: L.zeros(3).index_reduce(0, L.tensor([0, 5]), L.ones(2), "amax"), IndexError),
    (lambda L: L.zeros(3).index_reduce(0, L.tensor([0, 1]), L.ones(3), "amax"), RuntimeError),
    (lambda L: L.zeros(3).index_reduce(0, L.tensor([0., 1]), L.ones(2), "amax"), RuntimeError),
    (lambda L: L.zeros(3).index_reduce(0, L.tensor([0, 1]), L.ones(2, dtype=L.float64),
                                       "amax"), RuntimeError),
])
def test_index_reduce_errors(call, error):
    with pytest.raises(error):
        call(torch)
    with pytest.raises(error):
        call(ember)


# -- fill_diagonal_ ----------------------------------------------------------------------------

@pytest.mark.parametrize("shape, wrap", [
    ((3, 3), False), ((2, 5), False), ((2, 5), True), ((7, 2), False), ((7, 2), True),
    ((7, 3), True), ((4, 3), True), ((3, 3, 3), False), ((2, 2, 2, 2), True),
])
def test_fill_diagonal(shape, wrap, device):
    # on a non-leaf: the in-place op is recorded, and the filled positions get no gradient
    check_op(lambda L, x: (x * 1).fill_diagonal_(-3.5, wrap), shapes=[shape], device=device,
             name=f"fill_diagonal_ wrap={wrap}")


def test_fill_diagonal_integers_and_no_grad():
    for lib in (torch, ember):
        integers = lib.zeros(3, 4, dtype=lib.int64).fill_diagonal_(2.7)
        leaf = lib.ones(5, 2, requires_grad=True)
        with lib.no_grad():
            leaf.fill_diagonal_(0, wrap=True)
        if lib is torch:
            expected = (integers.tolist(), leaf.tolist())
    assert (integers.tolist(), leaf.tolist()) == expected


@pytest.mark.parametrize("call, error", [
    (lambda L: L.zeros(3, 2, requires_grad=True).fill_diagonal_(1), RuntimeError),
    (lambda L: L.zeros(3).fill_diagonal_(1), RuntimeError),
    (lambda L: L.zeros(3, 3, 2).fill_diagonal_(1), RuntimeError),
])
def test_fill_diagonal_errors(call, error):
    with pytest.raises(error):
        call(torch)
    with pytest.raises(error):
        call(ember)
