"""Pooling against torch.nn.functional: max (with indices), average, adaptive, max_unpool and
lp pooling; values, gradients, second-order gradients and torch's errors."""
import types

import numpy as np
import pytest
import torch
from oracle import check_op

import ember
from ember.autograd import gradcheck, gradgradcheck
from ember.ops import conv, pad, pool

EMBER_F = types.SimpleNamespace(**{name: getattr(module, name) for module in (conv, pool, pad)
                                   for name in module.__all__})


def F(lib):
    """torch.nn.functional, or ember's functions of the same names."""
    return torch.nn.functional if lib is torch else EMBER_F


def distinct(shape, seed=0):
    """float64 values without ties (a tie makes the max's gradient ambiguous)."""
    rng = np.random.default_rng(seed)
    return rng.permutation(int(np.prod(shape))).reshape(shape) / 7.0 - 3.0


def leaf(shape, seed=0):
    return ember.tensor(distinct(shape, seed), requires_grad=True)


# -- max pooling --------------------------------------------------------------------------

MAX_POOL2D_CASES = [
    # kernel_size, stride, padding, dilation, ceil_mode
    (2, None, 0, 1, False), (3, 2, 1, 1, False), (3, 2, 0, 1, True), (3, 2, 1, 1, True),
    ((2, 3), (1, 2), (1, 0), 1, False), (2, 1, 0, 1, False), (3, 1, 1, 2, False),
    ((3, 2), 2, 1, (1, 2), True), (4, 3, 2, 1, True), (1, 2, 0, 1, False),
]


@pytest.mark.parametrize("kernel_size,stride,padding,dilation,ceil_mode", MAX_POOL2D_CASES)
def test_max_pool2d(kernel_size, stride, padding, dilation, ceil_mode):
    args = dict(kernel_size=kernel_size, stride=stride, padding=padding, dilation=dilation,
                ceil_mode=ceil_mode)
    check_op(lambda lib, x: F(lib).max_pool2d(x, return_indices=True, **args),
             arrays=[distinct((2, 3, 9, 8))], name=f"max_pool2d {args}")


@pytest.mark.parametrize("kernel_size,stride,padding,dilation,ceil_mode", [
    (2, None, 0, 1, False), (3, 2, 1, 1, True), (3, 1, 1, 2, False), (4, 3, 2, 1, True),
])
def test_max_pool1d(kernel_size, stride, padding, dilation, ceil_mode):
    args = dict(kernel_size=kernel_size, stride=stride, padding=padding, dilation=dilation,
                ceil_mode=ceil_mode)
    check_op(lambda lib, x: F(lib).max_pool1d(x, return_indices=True, **args),
             arrays=[distinct((2, 3, 11))], name=f"max_pool1d {args}")


def test_max_pool_unbatched_top_level_and_large_window():
    check_op(lambda lib, x: lib.max_pool2d(x, 2), arrays=[distinct((3, 6, 5))],
             name="max_pool2d unbatched")
    check_op(lambda lib, x: lib.max_pool1d(x, 3, 2), arrays=[distinct((3, 7))],
             name="max_pool1d unbatched")
    # a window of more than 25 elements takes the one-copy path
    check_op(lambda lib, x: F(lib).max_pool2d(x, (6, 5), stride=2, padding=2,
                                              return_indices=True),
             arrays=[distinct((2, 2, 9, 10))], name="max_pool2d 6x5")


def test_max_pool_ties_and_nan_follow_torch():
    """The first maximum wins a tie; a NaN wins over numbers and propagates, as in torch."""
    x = np.array([[[[1., 3., 3., 0.], [3., 2., 0., 0.], [np.nan, 1., 5., 5.],
                    [2., 2., 5., np.nan]]]])
    results = [F(lib).max_pool2d(lib.tensor(x), 2, return_indices=True) for lib in (torch, ember)]
    np.testing.assert_array_equal(results[1][1].numpy(), results[0][1].numpy())
    np.testing.assert_array_equal(results[1][0].numpy(), results[0][0].numpy())


def test_max_pool_integer_and_float32():
    x = np.arange(2 * 16).reshape(2, 1, 4, 4) % 7 - 3
    expected = torch.nn.functional.max_pool2d(torch.tensor(x), 3, 1, 1)
    actual = ember.max_pool2d(ember.tensor(x), 3, 1, 1)
    assert actual.dtype == ember.int64
    np.testing.assert_array_equal(actual.numpy(), expected.numpy())
    assert ember.max_pool2d(ember.randn(1, 1, 4, 4), 2).dtype == ember.float32


@pytest.mark.parametrize("fn,shape", [
    (lambda x: EMBER_F.max_pool2d(x, 3, 2, 1), (1, 2, 5, 5)),                    # overlapping
    (lambda x: EMBER_F.max_pool2d(x, 2, ceil_mode=True), (1, 2, 5, 5)),          # disjoint
    (lambda x: EMBER_F.max_pool1d(x, 2, 1, dilation=2), (2, 2, 6)),
    (lambda x: EMBER_F.max_pool2d(x, (6, 5)), (1, 1, 6, 5)),                     # one copy
], ids=["overlapping", "disjoint", "1d dilated", "large window"])
def test_max_pool_gradcheck(fn, shape):
    x = leaf(shape)
    assert gradcheck(fn, [x])
    assert gradgradcheck(fn, [x])


# -- average pooling ----------------------------------------------------------------------

AVG_POOL2D_CASES = [
    # kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override
    (2, None, 0, False, True, None), (3, 2, 1, False, True, None),
    (3, 2, 1, False, False, None), (3, 2, 1, True, True, None), (3, 2, 1, True, False, None),
    ((2, 3), (1, 2), (1, 1), False, True, None), (2, 2, 1, True, False, 3),
    (3, 1, 1, False, True, None), (4, 3, 2, True, True, None), (2, 3, 0, True, True, None),
]


@pytest.mark.parametrize("kernel_size,stride,padding,ceil_mode,count_include_pad,divisor",
                         AVG_POOL2D_CASES)
def test_avg_pool2d(kernel_size, stride, padding, ceil_mode, count_include_pad, divisor):
    args = dict(kernel_size=kernel_size, stride=stride, padding=padding, ceil_mode=ceil_mode,
                count_include_pad=count_include_pad, divisor_override=divisor)
    check_op(lambda lib, x: F(lib).avg_pool2d(x, **args), [(2, 3, 9, 8)],
             name=f"avg_pool2d {args}")


@pytest.mark.parametrize("kernel_size,stride,padding,ceil_mode,count_include_pad", [
    (2, None, 0, False, True), (3, 2, 1, True, False), (4, 3, 2, True, True),
])
def test_avg_pool1d(kernel_size, stride, padding, ceil_mode, count_include_pad):
    args = dict(kernel_size=kernel_size, stride=stride, padding=padding, ceil_mode=ceil_mode,
                count_include_pad=count_include_pad)
    check_op(lambda lib, x: F(lib).avg_pool1d(x, **args), [(2, 3, 11)],
             name=f"avg_pool1d {args}")


def test_avg_pool_unbatched_integer_and_large_window():
    check_op(lambda lib, x: lib.avg_pool1d(x, 2), [(3, 8)], name="avg_pool1d unbatched")
    check_op(lambda lib, x: F(lib).avg_pool2d(x, 3, 2), [(3, 7, 7)], name="avg_pool2d unbatched")
    check_op(lambda lib, x: F(lib).avg_pool2d(x, (7, 6)), [(2, 3, 14, 12)],
             name="avg_pool2d 7x6")
    x = np.array([[[[1, 2, -7], [3, 5, -1], [-2, -9, 4]]]])
    for args in ((2,), (2, 1, 1, False, False)):
        expected = torch.nn.functional.avg_pool2d(torch.tensor(x), *args)
        actual = EMBER_F.avg_pool2d(ember.tensor(x), *args)
        assert actual.dtype == ember.int64
        np.testing.assert_array_equal(actual.numpy(), expected.numpy())


def test_avg_pool_gradcheck():
    (x,) = [leaf((1, 2, 5, 4))]
    for fn in (lambda x: EMBER_F.avg_pool2d(x, 3, 2, 1, ceil_mode=True, count_include_pad=False),
               lambda x: EMBER_F.avg_pool2d(x, 2)):
        assert gradcheck(fn, [x])
        assert gradgradcheck(fn, [x])


# -- adaptive pooling ---------------------------------------------------------------------

@pytest.mark.parametrize("output_size", [1, 3, (4, 5), (None, 2), (2, 7), (6, 1), (0, 2)])
def test_adaptive_pool2d(output_size):
    grad = output_size != (0, 2)  # torch's backward refuses empty outputs
    check_op(lambda lib, x: F(lib).adaptive_avg_pool2d(x, output_size), [(2, 3, 6, 7)],
             grad=grad, name=f"adaptive_avg_pool2d {output_size}")
    check_op(lambda lib, x: F(lib).adaptive_max_pool2d(x, output_size, return_indices=True),
             arrays=[distinct((2, 3, 6, 7))], grad=grad, name=f"adaptive_max_pool2d {output_size}")


@pytest.mark.parametrize("output_size", [1, 3, 5, 8])
def test_adaptive_pool1d(output_size):
    check_op(lambda lib, x: lib.adaptive_avg_pool1d(x, output_size), [(2, 3, 7)],
             name=f"adaptive_avg_pool1d {output_size}")
    check_op(lambda lib, x: F(lib).adaptive_max_pool1d(x, output_size, return_indices=True),
             arrays=[distinct((3, 7))], name=f"adaptive_max_pool1d {output_size}")
    # torch.adaptive_max_pool1d (top level) always returns (values, indices)
    check_op(lambda lib, x: lib.adaptive_max_pool1d(x, output_size),
             arrays=[distinct((2, 3, 7))], name=f"top-level adaptive_max_pool1d {output_size}")


def test_adaptive_pool_gradcheck():
    x = leaf((1, 2, 5, 4))
    for fn in (lambda x: EMBER_F.adaptive_avg_pool2d(x, (3, 2)),
               lambda x: EMBER_F.adaptive_max_pool2d(x, (3, 3)),
               lambda x: EMBER_F.adaptive_avg_pool2d(x, 1)):
        assert gradcheck(fn, [x])
        assert gradgradcheck(fn, [x])


# -- max_unpool, lp_pool ------------------------------------------------------------------

def test_max_unpool2d():
    def fn(lib, x):
        out, indices = F(lib).max_pool2d(x, 2, return_indices=True)
        return F(lib).max_unpool2d(out * 2, indices, 2, output_size=(7, 7))
    check_op(fn, arrays=[distinct((2, 3, 7, 7))], name="max_unpool2d")

    def fn1d(lib, x):
        out, indices = F(lib).max_pool1d(x, 3, 2, return_indices=True)
        return F(lib).max_unpool1d(out, indices, 3, 2)
    check_op(fn1d, arrays=[distinct((2, 3, 9))], name="max_unpool1d")
    x = leaf((1, 2, 4, 4))
    out, indices = EMBER_F.max_pool2d(x.detach(), 2, return_indices=True)
    assert gradgradcheck(lambda y: EMBER_F.max_unpool2d(y, indices, 2), [out.requires_grad_()])


def test_lp_pool():
    check_op(lambda lib, x: F(lib).lp_pool2d(x, 2, 2), [(2, 3, 6, 6)], low=0.5, name="lp_pool2d")
    check_op(lambda lib, x: F(lib).lp_pool1d(x, 3, 3, 2, ceil_mode=True), [(2, 3, 8)], low=0.5,
             name="lp_pool1d")


# -- errors -------------------------------------------------------------------------------

POOL_ERRORS = [
    ("max rank", lambda lib: F(lib).max_pool2d(lib.zeros(8, 8), 2)),
    ("max rank 5", lambda lib: F(lib).max_pool2d(lib.zeros(1, 2, 3, 8, 8), 2)),
    ("max padding", lambda lib: F(lib).max_pool2d(lib.zeros(2, 3, 8, 8), 2, padding=2)),
    ("max kernel zero", lambda lib: F(lib).max_pool2d(lib.zeros(2, 3, 8, 8), 0, stride=1)),
    ("max stride zero", lambda lib: F(lib).max_pool2d(lib.zeros(2, 3, 8, 8), 2, stride=0)),
    ("max too small", lambda lib: F(lib).max_pool2d(lib.zeros(2, 3, 1, 1), 2)),
    ("max dilation", lambda lib: F(lib).max_pool2d(lib.zeros(2, 3, 8, 8), 2, dilation=0)),
    ("max kernel length", lambda lib: F(lib).max_pool2d(lib.zeros(2, 3, 8, 8), (2, 2, 2))),
    ("max empty channels", lambda lib: F(lib).max_pool2d(lib.zeros(2, 0, 8, 8), 2)),
    ("max1d rank", lambda lib: F(lib).max_pool1d(lib.zeros(2, 3, 8, 8), 2)),
    ("max1d too small", lambda lib: F(lib).max_pool1d(lib.zeros(2, 3, 1), 2)),
    ("avg padding", lambda lib: F(lib).avg_pool2d(lib.zeros(2, 3, 8, 8), 2, padding=2)),
    ("avg divisor", lambda lib: F(lib).avg_pool2d(lib.zeros(2, 3, 8, 8), 2,
                                                  divisor_override=0)),
    ("avg too small", lambda lib: F(lib).avg_pool2d(lib.zeros(2, 3, 1, 1), 2)),
    ("avg1d rank", lambda lib: F(lib).avg_pool1d(lib.zeros(8), 2)),
    ("adaptive avg rank", lambda lib: F(lib).adaptive_avg_pool2d(lib.zeros(8, 8), 2)),
    ("adaptive avg length", lambda lib: F(lib).adaptive_avg_pool2d(lib.zeros(2, 3, 8, 8),
                                                                   (2, 2, 2))),
    ("adaptive avg negative", lambda lib: F(lib).adaptive_avg_pool2d(lib.zeros(2, 3, 8, 8), -1)),
    ("adaptive avg integer", lambda lib: F(lib).adaptive_avg_pool2d(
        lib.zeros(1, 1, 2, 2, dtype=lib.int64), 1)),
    ("adaptive max rank", lambda lib: F(lib).adaptive_max_pool2d(lib.zeros(8, 8), 2)),
    ("adaptive max empty", lambda lib: F(lib).adaptive_max_pool2d(lib.zeros(2, 3, 0, 4), 2)),
    ("adaptive max integer", lambda lib: F(lib).adaptive_max_pool2d(
        lib.zeros(1, 1, 2, 2, dtype=lib.int64), 1)),
    ("adaptive max1d rank", lambda lib: F(lib).adaptive_max_pool1d(lib.zeros(8), 2)),
]


@pytest.mark.parametrize("name,call", POOL_ERRORS, ids=[c[0] for c in POOL_ERRORS])
def test_pool_errors_match_torch(name, call):
    with pytest.raises(Exception) as expected:
        call(torch)
    with pytest.raises(expected.type):
        call(ember)


@pytest.mark.parametrize("call", [
    lambda lib, x: F(lib).max_pool2d(x, 3, 2, 1, return_indices=True),
    lambda lib, x: F(lib).avg_pool2d(x, 3, 2, 1, count_include_pad=False),
    lambda lib, x: F(lib).adaptive_max_pool2d(x, 3, return_indices=True),
    lambda lib, x: F(lib).adaptive_avg_pool2d(x, 1),
], ids=["max", "avg", "adaptive max", "adaptive avg"])
def test_pool_empty_batch(call):
    check_op(call, [(0, 3, 8, 8)], name="pool N=0")
