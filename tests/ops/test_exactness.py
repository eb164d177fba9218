"""Discrepancies torch's OpInfo sweep found, each pinned against torch: scatter_reduce and
index_reduce on bfloat16, integer einsum, tensordot's size-1 dims, half addbmm/baddbmm,
narrow/masked_fill/sum_to_size errors and dtypes, nonzero_static, histogramdd, and the
in-place and alias methods torch's Tensor has."""
import numpy as np
import pytest
import torch

import ember
from ember.autograd import gradcheck
from oracle import check_op, to_numpy


@pytest.mark.parametrize("reduce", ["mean", "amax", "amin", "sum", "prod"])
@pytest.mark.parametrize("include_self", [True, False])
@pytest.mark.parametrize("dtype", ["bfloat16", "float16"])
def test_scatter_reduce_half(reduce, include_self, dtype):
    index = np.array([[0, 1, 0], [2, 2, 1]])
    check_op(lambda lib, x, src: x.scatter_reduce(0, lib.tensor(index), src, reduce,
                                                  include_self=include_self),
             shapes=[(4, 3), (2, 3)], dtype=dtype, grad=False)


@pytest.mark.parametrize("reduce", ["mean", "amax", "amin", "prod"])
@pytest.mark.parametrize("include_self", [True, False])
def test_index_reduce_bfloat16(reduce, include_self):
    index = np.array([0, 2, 0, 1])
    check_op(lambda lib, x, src: x.index_reduce(1, lib.tensor(index), src, reduce,
                                                include_self=include_self),
             shapes=[(2, 3), (2, 4)], dtype="bfloat16", grad=False)


@pytest.mark.parametrize("equation, shapes", [
    ("i->", [(3,)]), ("ij->i", [(2, 3)]), ("ij->ij", [(2, 3)]), ("ii->i", [(3, 3)]),
    ("i,i->", [(3,), (3,)]), ("i,j->ij", [(2,), (3,)]), ("ij,k->i", [(2, 3), (3,)]),
    ("...ik,...j->ij", [(1, 2, 3), (3,)])])
@pytest.mark.parametrize("dtype", ["int32", "uint8", "int64"])
def test_einsum_integer_dtypes(equation, shapes, dtype):
    check_op(lambda lib, *xs: lib.einsum(equation, *xs), shapes=shapes, dtype=dtype, low=0,
             high=3)


@pytest.mark.parametrize("a, b, dims", [((1, 1, 1), (2, 1, 2), [[0, 1], [2, 0]]),
                                        ((3, 1), (2, 3), ([0, 1], [1, 0])),
                                        ((2, 3), (1, 4), ([0], [0]))])
def test_tensordot_broadcasts_size_one_dims(a, b, dims):
    check_op(lambda lib, x, y: lib.tensordot(x, y, dims=dims), shapes=[a, b], dtype="float64")
    x, y = (ember.randn(*s, dtype=ember.float64, requires_grad=True) for s in (a, b))
    assert gradcheck(lambda p, q: ember.tensordot(p, q, dims=dims), [x, y])


@pytest.mark.parametrize("dtype", ["float16", "bfloat16"])
@pytest.mark.parametrize("beta, alpha", [(1, 1), (0.6, 0.2), (0, 0.5)])
def test_half_addbmm_and_baddbmm_round_as_torch(dtype, beta, alpha):
    def both(lib, m, batch1, batch2, stacked):
        return (lib.addbmm(m, batch1, batch2, beta=beta, alpha=alpha),
                lib.baddbmm(stacked, batch1, batch2, beta=beta, alpha=alpha))
    check_op(both, shapes=[(5, 10), (5, 5, 5), (5, 5, 10), (5, 5, 10)], dtype=dtype,
             low=-6, high=6, rtol=0, atol=0, grad=False)


def test_narrow_start_tensor_must_be_0d_integral():
    for lib in (torch, ember):
        x = lib.zeros(20, 10, 5)
        for start in (lib.tensor([1, 2]), lib.tensor(True), lib.tensor(1.)):
            with pytest.raises(RuntimeError, match="start must be an 0-dim integral Tensor"):
                x.narrow(1, start, 2)
        assert tuple(x.narrow(1, lib.tensor(2), 3).shape) == (20, 3, 5)


def test_masked_fill_with_a_complex_value_raises():
    for lib in (torch, ember):
        with pytest.raises(RuntimeError, match="cannot be converted"):
            lib.zeros(2, 2).masked_fill(lib.tensor(True), 1j)


@pytest.mark.parametrize("dtype", ["int32", "uint8", "bool", "float32"])
@pytest.mark.parametrize("shape, size", [((), ()), ((2, 1), (1, 1)), ((2, 1), (2, 1)),
                                         ((2, 3), (3,))])
def test_sum_to_size_dtype(dtype, shape, size):
    check_op(lambda lib, x: x.sum_to_size(size), shapes=[shape], dtype=dtype, low=0, high=3)


@pytest.mark.parametrize("shape, size, fill_value", [((2, 3), 2, -1), ((2, 3), 9, 7),
                                                     ((), 2, -1), ((4,), 0, -1)])
def test_nonzero_static(shape, size, fill_value):
    check_op(lambda lib, x: lib.nonzero_static(x, size=size, fill_value=fill_value),
             shapes=[shape], dtype="int64", low=0, high=1)
    check_op(lambda lib, x: x.nonzero_static(size=size), shapes=[shape], dtype="int64",
             low=0, high=1)


@pytest.mark.parametrize("kwargs", [
    {"bins": 3}, {"bins": [2, 4]}, {"bins": 2, "range": [-1., 1., 0., 2.]},
    {"bins": 3, "density": True}, {"bins": "edges"}, {"bins": 3, "weight": True}])
def test_histogramdd(kwargs):
    def fn(lib, points, weight):
        kw = dict(kwargs)
        if kw["bins"] == "edges":
            kw["bins"] = [lib.tensor([-2., 0., 2.], dtype=points.dtype),
                          lib.tensor([-1., 0.5, 1., 3.], dtype=points.dtype)]
        if kw.pop("weight", False):
            kw["weight"] = weight.abs()
        result = lib.histogramdd(points, **kw)
        return [result.hist, *result.bin_edges]
    check_op(fn, shapes=[(20, 2), (20,)], dtype="float64", grad=False)


def test_histogramdd_errors():
    for lib in (torch, ember):
        with pytest.raises(NotImplementedError):
            lib.histogramdd(lib.zeros(3, 2, dtype=lib.int64), bins=2)
        with pytest.raises(RuntimeError, match="same dtype"):
            lib.histogramdd(lib.zeros(3, 1), bins=[lib.tensor([0., 1.], dtype=lib.float64)])
        with pytest.raises(RuntimeError):
            lib.histogramdd(lib.zeros(3, 2), bins=[2, 2, 2])


INPLACE = {
    "digamma_": lambda x: x.digamma_(), "lgamma_": lambda x: x.lgamma_(),
    "logit_": lambda x: x.logit_(), "polygamma_": lambda x: x.polygamma_(2),
    "mvlgamma_": lambda x: (x + 2).mvlgamma_(3), "igamma_": lambda x: x.igamma_(x + 1),
    "igammac_": lambda x: x.igammac_(x * 2), "greater_": lambda x: x.greater_(0.5),
    "greater_equal_": lambda x: x.greater_equal_(0.5), "less_": lambda x: x.less_(0.5),
    "less_equal_": lambda x: x.less_equal_(0.5), "not_equal_": lambda x: x.not_equal_(0.5),
}


@pytest.mark.parametrize("name", list(INPLACE))
def test_inplace_methods(name):
    x = np.random.default_rng(1).uniform(0.05, 0.95, (3, 4))
    results = []
    for lib in (torch, ember):
        tensor = lib.tensor(x)
        out = INPLACE[name](tensor)
        assert out is tensor or name == "mvlgamma_"
        results.append(to_numpy(out))
    np.testing.assert_allclose(results[1], results[0], rtol=1e-10, atol=1e-12)


def test_igamma_aliases_and_nn_methods():
    check_op(lambda lib, a, x: (lib.igamma(a, x), lib.igammac(a, x), a.igamma(x),
                                a.igammac(x)),
             shapes=[(3,), (3,)], dtype="float64", low=0.5, high=3, grad=False)
    check_op(lambda lib, x, w: (x.hardshrink(0.7), lib.hardshrink(x), x.prelu(w)),
             shapes=[(2, 3), (3,)])


def test_arange_with_out_computes_in_out_dtype():
    for lib in (torch, ember):
        with pytest.raises(ValueError, match="step must be nonzero"):
            lib.arange(0, 64, 0.5, out=lib.empty(0, dtype=lib.int64))
        out = lib.empty(0, dtype=lib.int32)
        assert lib.arange(0, 3, out=out) is out and out.tolist() == [0, 1, 2]
        assert lib.arange(0, 3, out=lib.empty(0)).dtype == lib.float32


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("exponent", [2, 3, -2, -0.5, -1, 2.0])
def test_pow_by_a_small_exponent_rounds_as_torch(dtype, exponent):
    """torch takes these powers by products, square roots and division, not pow(): x ** 3
    is (x * x) * x, rounded twice. Its bits, including 0, -0 and infinities."""
    values = np.random.default_rng(0).standard_normal(10_000) * 10
    values[:4] = [0.0, -0.0, np.inf, -np.inf]
    results = [lib.pow(lib.tensor(values, dtype=getattr(lib, dtype)), exponent).numpy()
               for lib in (ember, torch)]
    np.testing.assert_array_equal(*results)
