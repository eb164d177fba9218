"""Reductions (ember/ops/reduce.py) against torch: values, dtypes, gradients and errors."""
import math

import numpy as np
import pytest
import torch
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import ember
from ember.autograd import gradcheck, gradgradcheck
from oracle import check_op

# (shape, dim) pairs every dim-taking reduction runs over
DIM_CASES = [
    ((), None), ((), 0), ((5,), None), ((5,), 0), ((5,), -1), ((3, 4), None), ((3, 4), 1),
    ((3, 4), -2), ((3, 4), (0, 1)), ((2, 3, 4), (0, 2)), ((2, 3, 4), (-1,)), ((2, 3, 4), [1]),
]

REDUCTIONS = {
    "sum": lambda lib, x, dim, keepdim: lib.sum(x, dim, keepdim),
    "mean": lambda lib, x, dim, keepdim: x.mean(dim, keepdim),
    "var": lambda lib, x, dim, keepdim: lib.var(x, dim, keepdim=keepdim),
    "std": lambda lib, x, dim, keepdim: x.std(dim, keepdim=keepdim),
    "var_correction0": lambda lib, x, dim, keepdim: x.var(dim, correction=0, keepdim=keepdim),
    "amax": lambda lib, x, dim, keepdim: x.amax(() if dim is None else dim, keepdim),
    "amin": lambda lib, x, dim, keepdim: lib.amin(x, () if dim is None else dim, keepdim),
    "logsumexp": lambda lib, x, dim, keepdim: lib.logsumexp(
        x, tuple(range(x.dim())) if dim is None else dim, keepdim),
    "norm": lambda lib, x, dim, keepdim: x.norm(dim=dim, keepdim=keepdim),
    "norm1": lambda lib, x, dim, keepdim: x.norm(1, dim, keepdim),
    "norm3": lambda lib, x, dim, keepdim: lib.norm(x, 3, dim, keepdim),
    "norm_inf": lambda lib, x, dim, keepdim: x.norm(float("inf"), dim, keepdim),
    "nansum": lambda lib, x, dim, keepdim: x.nansum(dim, keepdim),
    "nanmean": lambda lib, x, dim, keepdim: lib.nanmean(x, dim, keepdim),
}


@pytest.mark.parametrize("name", sorted(REDUCTIONS))
@pytest.mark.parametrize("shape,dim", DIM_CASES)
@pytest.mark.parametrize("keepdim", [False, True])
def test_reductions_match_torch(name, shape, dim, keepdim, device):
    fn = REDUCTIONS[name]
    check_op(lambda lib, x: fn(lib, x, dim, keepdim), shapes=[shape], device=device,
             name=f"{name}(dim={dim}, keepdim={keepdim})")


@pytest.mark.parametrize("name", ["sum", "mean", "var", "amax", "logsumexp", "norm"])
def test_reductions_float64(name):
    fn = REDUCTIONS[name]
    check_op(lambda lib, x: fn(lib, x, (0, 2), False), shapes=[(3, 2, 4)], dtype="float64")


@st.composite
def _shape_and_dims(draw):
    shape = tuple(draw(st.lists(st.integers(1, 4), min_size=1, max_size=3)))
    ndim = len(shape)
    dims = draw(st.lists(st.integers(-ndim, ndim - 1), min_size=1, max_size=ndim,
                         unique_by=lambda d: d % ndim))
    return shape, tuple(dims), draw(st.booleans()), draw(st.sampled_from(sorted(REDUCTIONS)))


@settings(max_examples=40, deadline=None)
@given(_shape_and_dims())
def test_reductions_any_dims(case):
    shape, dims, keepdim, name = case
    assume(not (name == "norm" and len(dims) > 2))  # p='fro' is a matrix norm: 2 dims at most
    fn = REDUCTIONS[name]
    check_op(lambda lib, x: fn(lib, x, dims, keepdim), shapes=[shape],
             name=f"{name}(dim={dims}, keepdim={keepdim})")


def test_empty_dim_list_reduces_everything():
    for fn in (lambda lib, x: x.sum(dim=[]), lambda lib, x: x.mean(dim=()),
               lambda lib, x: x.amax(dim=[]), lambda lib, x: x.count_nonzero(dim=()),
               lambda lib, x: x.norm(dim=())):
        check_op(fn, shapes=[(2, 3)])
    # torch's var backward takes dim=[] as "no dims" (an inf gradient); ember's is finite
    check_op(lambda lib, x: x.var(dim=[]), shapes=[(2, 3)], grad=False)
    x = ember.tensor(np.random.default_rng(0).normal(size=(2, 3)), requires_grad=True)
    assert gradcheck(lambda t: t.var(dim=[]), [x])


# -- dtypes -------------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", ["int32", "int64", "uint8", "bool"])
@pytest.mark.parametrize("op", ["sum", "prod", "cumsum", "cumprod", "nansum"])
def test_integer_accumulation_gives_int64(op, dtype):
    fns = {
        "sum": lambda lib, x: (x.sum(), x.sum(1), lib.sum(x, 0, True)),
        "prod": lambda lib, x: (x.prod(), x.prod(1)),
        "cumsum": lambda lib, x: x.cumsum(1),
        "cumprod": lambda lib, x: lib.cumprod(x, 0),
        "nansum": lambda lib, x: x.nansum(0),
    }
    check_op(fns[op], shapes=[(3, 4)], dtype=dtype, low=0 if dtype == "uint8" else -3, high=3)


@pytest.mark.parametrize("dtype", ["int64", "uint8", "bool"])
def test_integer_max_min_argmax(dtype):
    def fn(lib, x):
        out = [x.amax(), x.amin(1), x.max(), x.max(0), x.min(1, True)]
        if dtype != "bool":
            out += [x.argmax(), x.argmin(1)]
        return [t for o in out for t in (o if isinstance(o, tuple) else (o,))]
    check_op(fn, shapes=[(3, 5)], dtype=dtype, low=0, high=20)


@pytest.mark.parametrize("dtype", ["float16", "bfloat16"])
@pytest.mark.parametrize("op", ["cumsum", "cumprod"])
def test_half_cumulative_accumulates_in_float32(op, dtype):
    # each output is the float32 running value rounded once, not a half-precision running sum
    low, high = (0.9, 1.1) if op == "cumprod" else (-8, 8)
    check_op(lambda lib, x: getattr(x, op)(1), shapes=[(3, 64)], dtype=dtype, low=low,
             high=high, rtol=0, atol=0, grad=False)


def test_sum_dtype_argument_and_gradient_cast_back():
    check_op(lambda lib, x: x.sum(1, dtype=lib.float64), shapes=[(3, 4)])
    check_op(lambda lib, x: x.cumsum(0, dtype=lib.float64), shapes=[(3, 4)])
    check_op(lambda lib, x: x.prod(dtype=lib.float64), shapes=[(4,)], low=0.5, high=1.5)
    check_op(lambda lib, x: x.sum(dtype=lib.int32), shapes=[(3, 4)], dtype="int64")
    check_op(lambda lib, x: x.mean(dtype=lib.float64), shapes=[(3, 4)], dtype="int64")
    check_op(lambda lib, x: x.cumsum(1, dtype=lib.int32), shapes=[(3, 4)], dtype="float32",
             grad=False)


def test_half_precision_sums():
    check_op(lambda lib, x: (x.sum(), x.mean(0)), shapes=[(64, 8)], dtype="float16")
    check_op(lambda lib, x: x.sum(1), shapes=[(4, 300)], dtype="bfloat16", rtol=2e-2, atol=0.1)


# -- var and std --------------------------------------------------------------------------

def test_var_std_signatures():
    check_op(lambda lib, x: (x.var(True), x.var(False), lib.std(x, 0, True),
                             x.var(0, False, True), x.std(1, unbiased=False),
                             lib.var(x, correction=2), x.var(0, correction=0.5),
                             lib.std(x, [0, 1], keepdim=True)), shapes=[(4, 3)])


def test_var_mean_std_mean_return_plain_tuples():
    check_op(lambda lib, x: lib.var_mean(x, 1), shapes=[(3, 4)])
    check_op(lambda lib, x: lib.std_mean(x, 0, True, True), shapes=[(3, 4)])
    check_op(lambda lib, x: lib.std_mean(x, correction=0), shapes=[(3, 4)])
    result = ember.var_mean(ember.ones(2, 3))
    assert type(result) is tuple and len(result) == 2


def test_var_degenerate_counts_match_torch():
    check_op(lambda lib, x: (x.var(), x.std()), shapes=[(1,)], grad=False)
    check_op(lambda lib, x: x.var(correction=3), shapes=[(2,)], grad=False)
    check_op(lambda lib, x: (x.var(), x.var(0)), shapes=[(0, 3)], grad=False)


def test_std_gradient_is_zero_for_a_constant_input():
    check_op(lambda lib, x: (x * 0 + 1).std(), shapes=[(4,)])
    x = ember.ones(3, dtype=ember.float64, requires_grad=True)
    x.std().backward()
    assert x.grad.tolist() == [0.0, 0.0, 0.0]


def test_var_errors():
    for lib in (ember, torch):
        with pytest.raises(RuntimeError):
            lib.arange(4).var()
        with pytest.raises(RuntimeError):
            lib.tensor([True, False]).std()
        with pytest.raises(TypeError):
            lib.ones(2, 3).var(0, unbiased=False, correction=0)
        with pytest.raises(TypeError):
            lib.ones(2, 3).var(0, 0)


# -- prod, cumsum, cumprod ----------------------------------------------------------------

@pytest.mark.parametrize("shape,dim", [((), None), ((), 0), ((5,), 0), ((3, 4), None),
                                       ((3, 4), 1), ((2, 3, 4), -2)])
@pytest.mark.parametrize("keepdim", [False, True])
def test_prod(shape, dim, keepdim):
    if dim is None:
        check_op(lambda lib, x: x.prod(), shapes=[shape])
    else:
        check_op(lambda lib, x: lib.prod(x, dim, keepdim), shapes=[shape])


ZERO_CASES = [[2.0, 0.0, 3.0, 4.0], [0.0, 2.0, 0.0, 3.0], [0.0, 0.0, 0.0, 1.5],
              [1.5, 2.0, -1.0, 0.0]]


@pytest.mark.parametrize("values", ZERO_CASES)
def test_prod_and_cumprod_gradients_with_zeros(values):
    rows = np.array([values, values[::-1], [1.0, 2.0, -3.0, 0.5]])
    check_op(lambda lib, x: x.prod(), arrays=[np.array(values)], dtype="float64")
    check_op(lambda lib, x: x.prod(1), arrays=[rows], dtype="float64")
    check_op(lambda lib, x: x.prod(0, keepdim=True), arrays=[rows.T.copy()], dtype="float64")
    check_op(lambda lib, x: x.cumprod(1), arrays=[rows], dtype="float64")
    check_op(lambda lib, x: x.cumprod(0), arrays=[rows.T.copy()], dtype="float64")


@pytest.mark.parametrize("values", ZERO_CASES)
def test_prod_second_derivative_with_zeros(values):
    x = ember.tensor(values, dtype=ember.float64, requires_grad=True)
    assert gradgradcheck(lambda t: t.prod(), [x])
    rows = ember.tensor([values, values[::-1]], dtype=ember.float64, requires_grad=True)
    assert gradgradcheck(lambda t: t.prod(1), [rows])


@pytest.mark.parametrize("values", [ZERO_CASES[0], ZERO_CASES[3]])
def test_cumprod_second_derivative_with_one_zero(values):
    x = ember.tensor(values, dtype=ember.float64, requires_grad=True)
    assert gradgradcheck(lambda t: t.cumprod(0), [x])


@pytest.mark.parametrize("shape,dim", [((), 0), ((5,), 0), ((5,), -1), ((3, 4), 0),
                                       ((2, 3, 4), 1), ((0, 3), 0)])
def test_cumsum_cumprod(shape, dim):
    check_op(lambda lib, x: (x.cumsum(dim), lib.cumprod(x, dim)), shapes=[shape])


def test_cumsum_cumprod_in_place():
    check_op(lambda lib, x: (x * 1).cumsum_(1), shapes=[(3, 4)])
    check_op(lambda lib, x: (x * 1).cumprod_(0), shapes=[(3, 4)])


def test_prod_cumsum_errors():
    for lib in (ember, torch):
        x = lib.ones(2, 3)
        with pytest.raises(TypeError):
            x.prod((0, 1))
        with pytest.raises(TypeError):
            x.cumsum()
        with pytest.raises(IndexError):
            x.cumsum(2)
        with pytest.raises(IndexError):
            x.prod(-3)


# -- max, min, amax, amin, argmax, aminmax ------------------------------------------------

@pytest.mark.parametrize("shape,dim", [((), 0), ((5,), 0), ((3, 4), 1), ((3, 4), -2),
                                       ((2, 3, 4), 2), ((0, 3), 1)])
@pytest.mark.parametrize("keepdim", [False, True])
def test_max_min_with_dim(shape, dim, keepdim):
    check_op(lambda lib, x: tuple(x.max(dim, keepdim)) + tuple(lib.min(x, dim, keepdim)),
             shapes=[shape])
    check_op(lambda lib, x: (lib.argmax(x, dim, keepdim), x.argmin(dim, keepdim)),
             shapes=[shape])


def test_max_return_type():
    x = ember.tensor([[1.0, 5.0], [3.0, 2.0]])
    result = x.max(1)
    assert isinstance(result, ember.return_types.max) and isinstance(result, tuple)
    values, indices = result
    assert values is result.values and indices is result.indices
    assert indices.dtype == ember.int64 and indices.tolist() == [1, 0]
    assert type(x.min(0)) is ember.return_types.min
    assert type(ember.aminmax(x)) is ember.return_types.aminmax


def test_max_min_full_and_binary():
    check_op(lambda lib, x, y: (x.max(), lib.min(x), lib.max(x, y), x.min(y), x.max(other=y)),
             shapes=[(3, 4), (4,)])
    check_op(lambda lib, x: (lib.argmax(x), x.argmin(), x.argmax(keepdim=True),
                             *lib.max(x, dim=1, keepdim=True), *x.min(dim=0)),
             shapes=[(3, 4)])
    check_op(lambda lib, x: (x.max(), x.argmax(), x.amax(0)), shapes=[()])


def test_max_gradient_ties_follow_torch():
    values = [[1.0, 3.0, 3.0, 2.0], [4.0, 4.0, 4.0, 0.0]]
    for fn in (lambda lib, x: x.max(), lambda lib, x: x.min(), lambda lib, x: x.amax(1),
               lambda lib, x: lib.amin(x, 0), lambda lib, x: x.max(1).values,
               lambda lib, x: x.min(0, True).values, lambda lib, x: tuple(lib.aminmax(x))):
        check_op(fn, arrays=[np.array(values)], dtype="float64")


def test_nan_propagates_through_max():
    array = np.array([[1.0, np.nan, 2.0, np.nan], [0.0, 3.0, -1.0, 2.0]])
    check_op(lambda lib, x: (x.max(), x.amax(1), tuple(x.max(1)), x.argmax(1), x.argmin(),
                             tuple(x.min(1))), arrays=[array], dtype="float64", grad=False)


def test_aminmax():
    check_op(lambda lib, x: tuple(lib.aminmax(x)), shapes=[(3, 4)])
    check_op(lambda lib, x: tuple(x.aminmax(dim=1, keepdim=True)), shapes=[(3, 4)])
    check_op(lambda lib, x: tuple(x.aminmax(dim=-2)), shapes=[(3, 4)])
    check_op(lambda lib, x: tuple(x.aminmax(dim=1)), shapes=[(0, 4)])


def test_max_errors_match_torch():
    for lib in (ember, torch):
        empty = lib.zeros(0, 3)
        with pytest.raises(RuntimeError):
            empty.max()
        with pytest.raises(RuntimeError):
            empty.amax()
        with pytest.raises(RuntimeError):
            lib.aminmax(empty)
        with pytest.raises(IndexError):
            empty.max(0)
        with pytest.raises(IndexError):
            empty.amin(0)
        with pytest.raises(IndexError):
            empty.argmax()
        with pytest.raises(IndexError):
            empty.argmin(0)
        with pytest.raises(IndexError):
            lib.ones(2, 3).max(5)
        with pytest.raises(TypeError):
            lib.ones(2, 3).max(0.5)
        with pytest.raises(TypeError):
            lib.max(lib.ones(2), 1.0)
        with pytest.raises(TypeError):
            lib.ones(2, 3).argmax((0, 1))
        with pytest.raises(RuntimeError):
            lib.tensor([True, False]).argmax()


def test_empty_max_message_names_the_fix():
    with pytest.raises(RuntimeError, match="dim"):
        ember.zeros(0).max()


# -- logsumexp and norm -------------------------------------------------------------------

def test_logsumexp_is_stable():
    big = np.array([[1000.0, 1000.0, -1000.0], [-np.inf, -np.inf, -np.inf],
                    [np.inf, 1.0, 2.0]])
    check_op(lambda lib, x: x.logsumexp(1), arrays=[big], dtype="float64", grad=False)
    check_op(lambda lib, x: x.logsumexp(1), arrays=[big[:1]], dtype="float32")
    check_op(lambda lib, x: (x.logsumexp(0), lib.logsumexp(x, 1, True)), shapes=[(0, 3)])
    check_op(lambda lib, x: x.logsumexp(0), shapes=[(3, 2)], dtype="int64")


def test_logsumexp_needs_dim():
    for lib in (ember, torch):
        with pytest.raises(TypeError):
            lib.logsumexp(lib.ones(3), None)


NORM_ORDERS = [1, 2, 3, 1.5, 0.5, -1, 0, float("inf"), float("-inf"), "fro"]


@pytest.mark.parametrize("p", NORM_ORDERS)
@pytest.mark.parametrize("dim", [None, 1, (0, 1)])
def test_norm_orders(p, dim):
    check_op(lambda lib, x: x.norm(p, dim), shapes=[(3, 4)], low=0.1, high=2.0)
    check_op(lambda lib, x: lib.norm(x * lib.tensor([[1.0, -1.0, 1.0, -1.0]]), p, dim, True),
             shapes=[(3, 4)], low=0.1, high=2.0)


@pytest.mark.parametrize("p", [1, 2, 3, 1.5, 0.5, -1, 0, float("inf")])
def test_norm_gradient_at_zero(p):
    arrays = [np.array([[0.0, 0.0, 0.0], [1.0, 0.0, -2.0]])]
    check_op(lambda lib, x: x.norm(p, 1), arrays=arrays, dtype="float64")


@pytest.mark.parametrize("dim,keepdim", [(None, False), ((0, 2), False), ((2, 1), True)])
def test_norm_nuclear(dim, keepdim):
    def fn(lib, x):
        return lib.norm(x[0] if dim is None else x, "nuc", dim=dim, keepdim=keepdim)
    check_op(fn, shapes=[(2, 3, 4)], dtype="float64")


def test_norm_dtype_and_errors():
    check_op(lambda lib, x: (x.norm(dtype=lib.float64), x.norm(p=None), x.norm(2, 1, True,
                                                                              lib.float64)),
             shapes=[(3, 4)])
    check_op(lambda lib, x: (x.norm(), x.norm(float("inf"), 1)), shapes=[(0, 3)])
    for lib in (ember, torch):
        with pytest.raises(RuntimeError):
            lib.arange(3).norm()
        with pytest.raises(RuntimeError):
            lib.zeros(0, 3).norm(float("inf"))
        with pytest.raises(RuntimeError):
            lib.zeros(2, 3, 4).norm(dim=(0, 1, 2))


# -- all, any, count_nonzero, nansum, nanmean ---------------------------------------------

@pytest.mark.parametrize("dtype", ["bool", "uint8", "int64", "float32"])
def test_all_any(dtype):
    def fn(lib, x):
        return (x.all(), x.any(), lib.all(x, 1), x.any(0, True), x.all((0, 1)), x.any(dim=()),
                lib.count_nonzero(x), x.count_nonzero(1), x.count_nonzero((0, 1)))
    check_op(fn, shapes=[(3, 4)], dtype=dtype, low=0, high=1, grad=False)
    check_op(lambda lib, x: (x.all(), x.any(0), x.count_nonzero()), shapes=[(0, 3)],
             dtype=dtype, grad=False)


def test_nansum_nanmean():
    array = np.array([[1.0, np.nan, 2.0], [np.nan, 3.0, np.nan], [0.5, -1.0, 4.0]])
    for dtype in ("float32", "float64"):
        check_op(lambda lib, x: (x.nansum(), x.nansum(1), lib.nanmean(x, 0), x.nanmean(1, True),
                                 x.nanmean()), arrays=[array], dtype=dtype)
    all_nan = np.array([[1.0, np.nan], [np.nan, np.nan]])
    check_op(lambda lib, x: (x.nanmean(1), x.nansum(1)), arrays=[all_nan], grad=False)
    check_op(lambda lib, x: x.nansum(1), shapes=[(2, 3)], dtype="int64")
    for lib in (ember, torch):
        with pytest.raises(RuntimeError):
            lib.tensor([1, 2]).nanmean()


def test_nanmean_gradient_of_an_all_nan_slice_is_zero():
    x = ember.tensor([[1.0, np.nan], [np.nan, np.nan]], requires_grad=True)
    x.nanmean(1).sum().backward()
    assert x.grad.tolist() == [[1.0, 0.0], [0.0, 0.0]]


# -- empty and 0-d inputs, errors common to all -------------------------------------------

def test_empty_inputs():
    check_op(lambda lib, x: (x.sum(), x.sum(0), x.mean(), x.mean(1), x.prod(), x.prod(1),
                             x.amax(1), x.norm(), x.std(1)), shapes=[(0, 3)], grad=False)


def test_zero_dim_inputs():
    check_op(lambda lib, x: (x.sum(), x.sum(0), x.mean(-1, True), x.prod(0), x.amax(),
                             x.logsumexp(0), x.norm(), x.cumsum(0), x.cumprod(-1), x.var(0),
                             *x.max(0), x.argmax(0)), shapes=[()])


def test_dim_errors_match_torch():
    for lib in (ember, torch):
        x = lib.ones(2, 3)
        with pytest.raises(IndexError):
            x.sum(2)
        with pytest.raises(IndexError):
            x.mean(-3)
        with pytest.raises(RuntimeError):
            x.sum((0, -2))
        with pytest.raises(TypeError):
            x.sum(1.5)
        with pytest.raises(RuntimeError):
            lib.arange(3).mean()
        with pytest.raises(RuntimeError):
            x.mean(dtype=lib.int64)
        with pytest.raises(IndexError):
            lib.tensor(1.0).sum(1)


def test_out_argument():
    out = ember.empty(0)
    result = ember.sum(ember.ones(2, 3), 1, out=out)
    assert result is out and out.tolist() == [3.0, 3.0]
    values, indices = ember.empty(2), ember.empty(2, dtype=ember.int64)
    result = ember.max(ember.tensor([[1.0, 5.0], [3.0, 2.0]]), 1, out=(values, indices))
    assert result.values is values and values.tolist() == [5.0, 3.0]
    assert indices.tolist() == [1, 0]


def test_tensor_methods_exist():
    for name in ("sum", "mean", "var", "std", "prod", "max", "min", "amax", "amin", "aminmax",
                 "argmax", "argmin", "logsumexp", "norm", "cumsum", "cumprod", "cumsum_",
                 "cumprod_", "all", "any", "count_nonzero", "nansum", "nanmean"):
        assert hasattr(ember.Tensor, name), name
        assert hasattr(torch.Tensor, name), name


# -- gradcheck and gradgradcheck (float64) ------------------------------------------------

GRAD_OPS = {
    "sum": lambda x: x.sum((0, 2)),
    "sum_keepdim": lambda x: x.sum(1, keepdim=True),
    "mean": lambda x: x.mean(-1),
    "var": lambda x: x.var(1),
    "std": lambda x: x.std((0, 2), keepdim=True),
    "std_all": lambda x: x.std(correction=0),
    "prod": lambda x: x.prod(1),
    "prod_all": lambda x: x.prod(),
    "amax": lambda x: x.amax((0, 1)),
    "amin": lambda x: x.amin(2, keepdim=True),
    "max": lambda x: x.max(),
    "max_dim": lambda x: x.max(1).values,
    "min_dim": lambda x: x.min(2, keepdim=True).values,
    "aminmax": lambda x: ember.aminmax(x, dim=0),
    "logsumexp": lambda x: x.logsumexp((1, 2)),
    "norm2": lambda x: x.norm(dim=1),
    "norm1": lambda x: x.norm(1),
    "norm3": lambda x: x.norm(3, (0, 2)),
    "norm1.5": lambda x: x.norm(1.5, 2),
    "norm0.5": lambda x: x.norm(0.5, 2),
    "norm_inf": lambda x: x.norm(float("inf"), 1),
    "cumsum": lambda x: x.cumsum(1),
    "cumprod": lambda x: x.cumprod(2),
    "nansum": lambda x: x.nansum(1),
    "nanmean": lambda x: x.nanmean(0),
}


@pytest.mark.parametrize("name", sorted(GRAD_OPS))
def test_gradcheck(name):
    rng = np.random.default_rng(1)
    array = rng.uniform(0.5, 1.5, size=(2, 3, 3)) * rng.choice([-1.0, 1.0], size=(2, 3, 3))
    x = ember.tensor(array, dtype=ember.float64, requires_grad=True)
    assert gradcheck(GRAD_OPS[name], [x])
    assert gradgradcheck(GRAD_OPS[name], [x])


def test_double_backward_matches_torch():
    array = np.random.default_rng(2).uniform(0.5, 2.0, size=(3, 4))
    for fn in (lambda t: t.var(1), lambda t: t.std(0), lambda t: t.logsumexp(1),
               lambda t: t.norm(dim=1), lambda t: t.prod(1), lambda t: t.cumprod(1)):
        x = ember.tensor(array, requires_grad=True, dtype=ember.float64)
        t = torch.tensor(array, requires_grad=True)
        (gx,) = ember.autograd.grad(fn(x).sum(), x, create_graph=True)
        (gt,) = torch.autograd.grad(fn(t).sum(), t, create_graph=True)
        (hx,) = ember.autograd.grad((gx * gx).sum(), x)
        (ht,) = torch.autograd.grad((gt * gt).sum(), t)
        np.testing.assert_allclose(hx.numpy(), ht.numpy(), rtol=1e-9, atol=1e-12)


def test_grad_fn_names():
    x = ember.ones(2, 3, requires_grad=True)
    assert x.sum().grad_fn.name() == "SumBackward0"
    assert x.max(1).values.grad_fn.name() == "MaxBackward0"
    assert x.cumsum(0).grad_fn.name() == "CumsumBackward0"
    assert x.max(1).indices.requires_grad is False
    assert math.isclose(x.norm().item(), math.sqrt(6), rel_tol=1e-6)


@pytest.mark.parametrize("dim", [-1, 0, 1, 2, -2])
def test_norm_except_dim(dim):
    check_op(lambda lib, v: lib.norm_except_dim(v, 2, dim), shapes=[(3, 4, 5)])


@pytest.mark.parametrize("shape, dim, g_shape", [((3, 4), 0, (3, 1)), ((3, 4, 2), 1, (1, 4, 1)),
                                                 ((3, 4), -1, ()), ((5,), 0, (5,))])
def test_weight_norm_op(shape, dim, g_shape):
    check_op(lambda lib, v, g: lib._weight_norm(v, g, dim), shapes=[shape, g_shape])


def test_weight_norm_op_gradcheck():
    v = ember.randn(3, 4, dtype=ember.float64, requires_grad=True)
    g = ember.randn(3, 1, dtype=ember.float64, requires_grad=True)
    assert gradcheck(lambda v, g: ember._weight_norm(v, g, 0), [v, g])
    assert gradgradcheck(lambda v, g: ember._weight_norm(v, g, 0), [v, g])
