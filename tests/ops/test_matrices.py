"""cov's weights and dtypes, and addr (ember/ops/matrices.py), against torch."""
import numpy as np
import pytest
import torch

import ember
from ember.autograd import gradcheck, gradgradcheck
from oracle import check_op, to_numpy


@pytest.mark.parametrize("dtype", ["float16", "bfloat16", "float32", "int32"])
@pytest.mark.parametrize("weights_dtype", ["float32", "float64", "float16"])
def test_cov_result_dtype_follows_aweights(dtype, weights_dtype):
    x = np.random.default_rng(0).uniform(-2, 2, (2, 3))
    for lib in (torch, ember):
        weights = lib.tensor([1., 2., 0.5], dtype=getattr(lib, weights_dtype))
        result = lib.cov(lib.tensor(x).to(getattr(lib, dtype)), aweights=weights)
        if lib is torch:
            expected = result
    assert str(result.dtype).split(".")[-1] == str(expected.dtype).split(".")[-1]
    np.testing.assert_allclose(to_numpy(result), to_numpy(expected), rtol=2e-2, atol=2e-2)


def test_cov_with_both_weights():
    check_op(lambda lib, x, a: lib.cov(x, correction=2, fweights=lib.tensor([1, 2, 3, 1]),
                                       aweights=a.abs()), shapes=[(3, 4), (4,)],
             dtype="float64")


@pytest.mark.parametrize("kwargs", [
    {"fweights": [1., 2., 3.]}, {"fweights": [1]}, {"aweights": [1.]}, {"fweights": [1, -2, 3]},
    {"aweights": [1., -2., 3.]}, {"fweights": [[1, 2, 3]]}, {"aweights": [1, 2, 3]}])
def test_cov_bad_weights_raise(kwargs):
    (name, value), = kwargs.items()
    for lib in (torch, ember):
        with pytest.raises(RuntimeError, match=name):
            lib.cov(lib.zeros(2, 3), **{name: lib.tensor(value)})


@pytest.mark.parametrize("beta, alpha", [(1, 1), (0.5, 2.), (0, 1)])
def test_addr(beta, alpha):
    check_op(lambda lib, m, u, v: lib.addr(m, u, v, beta=beta, alpha=alpha),
             shapes=[(3, 4), (3,), (4,)], dtype="float64")
    check_op(lambda lib, m, u, v: m.addr(u, v, beta=beta, alpha=alpha),
             shapes=[(4,), (3,), (4,)])


@pytest.mark.parametrize("dtype", ["float16", "bfloat16"])
def test_half_addr_rounds_once_as_torch(dtype):
    check_op(lambda lib, m, u, v: lib.addr(m, u, v, beta=0.6, alpha=0.2),
             shapes=[(5, 10), (5,), (10,)], dtype=dtype, low=-8, high=8, rtol=0, atol=0,
             grad=False)


def test_addr_integers_bools_and_nan_with_beta_zero():
    for lib in (torch, ember):
        ints = lib.addr(lib.ones(2, 3, dtype=lib.int64), lib.tensor([1, 2]),
                        lib.tensor([1, 2, 3]), beta=2, alpha=3)
        bools = lib.addr(lib.tensor([[True, False], [False, False]]), lib.tensor([True, False]),
                         lib.tensor([False, True]))
        nan = lib.addr(lib.full((2, 2), float("nan")), lib.ones(2), lib.ones(2), beta=0)
        if lib is torch:
            expected = (ints, bools, nan)
    for e, t in zip((ints, bools, nan), expected):
        assert str(e.dtype).split(".")[-1] == str(t.dtype).split(".")[-1]
        np.testing.assert_array_equal(to_numpy(e), to_numpy(t))


def test_addr_in_place_and_addmv_():
    for lib in (torch, ember):
        m = lib.zeros(2, 2)
        m.addr_(lib.tensor([1., 2.]), lib.tensor([1., 3.]), alpha=2)
        v = lib.ones(2)
        v.addmv_(lib.ones(2, 3), lib.arange(3.), beta=2)
        if lib is torch:
            expected = (m.tolist(), v.tolist())
    assert (m.tolist(), v.tolist()) == expected


def test_addr_gradcheck_and_errors():
    inputs = [ember.randn(*s, dtype=ember.float64, requires_grad=True) for s in
              ((3, 4), (3,), (4,))]
    assert gradcheck(lambda m, u, v: ember.addr(m, u, v, beta=0.5, alpha=2), inputs)
    assert gradgradcheck(lambda m, u, v: ember.addr(m, u, v, beta=0.5, alpha=2), inputs)
    for lib in (torch, ember):
        with pytest.raises(RuntimeError):
            lib.addr(lib.zeros(3, 4), lib.zeros(3, 1), lib.zeros(4))
