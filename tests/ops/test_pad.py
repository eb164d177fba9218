"""F.pad against torch: every mode, torch's pad order (last dim first), negative padding
(crops), gradients, second-order gradients and torch's errors."""
import numpy as np
import pytest
import torch
from oracle import check_op

import ember
from ember.autograd import gradcheck, gradgradcheck
from ember.ops.pad import pad as ember_pad


def pad_fn(lib):
    return torch.nn.functional.pad if lib is torch else ember_pad


PAD_CASES = [
    # shape, pad
    ((2, 3, 4, 5), (1, 2)), ((2, 3, 4, 5), (2, 1, 3, 0)), ((2, 3, 4, 5), (0, 0, 1, 1)),
    ((2, 3, 4, 5), (-1, 2, 1, -2)), ((3, 5), (3, 4)), ((2, 3, 4, 5, 6), (1, 1, 2, 0, 0, 1)),
    ((2, 4, 5), (-2, 1)), ((2, 3, 4, 5), (0, 0)),
]


@pytest.mark.parametrize("shape,amounts,mode", [
    (shape, amounts, mode) for shape, amounts in PAD_CASES
    for mode in ("constant", "reflect", "replicate", "circular")
    # torch pads only the last 1-3 dims of (C, *S) or (N, C, *S) in the other modes
    if mode == "constant" or len(shape) - len(amounts) // 2 in (1, 2)])
def test_pad(shape, amounts, mode):
    check_op(lambda lib, x: pad_fn(lib)(x, amounts, mode=mode), [shape],
             name=f"pad {mode} {amounts}")


def test_pad_constant_value_and_many_dims():
    check_op(lambda lib, x: pad_fn(lib)(x, (1, 1, 0, 2, 1, 0, 2, 1), value=-1.5), [(2, 3, 4, 5)],
             name="pad constant 4 dims")
    check_op(lambda lib, x: pad_fn(lib)(x, [2, -3]), [(2, 5)], name="pad list crop")
    check_op(lambda lib, x: pad_fn(lib)(x, (-5, 0)), [(2, 5)], name="pad crop all")
    x = np.arange(6).reshape(2, 3)
    expected = torch.nn.functional.pad(torch.tensor(x), (1, 1), value=2.5)
    actual = ember_pad(ember.tensor(x), (1, 1), value=2.5)
    assert actual.dtype == ember.int64
    np.testing.assert_array_equal(actual.numpy(), expected.numpy())


def test_pad_integer_modes():
    x = np.arange(12).reshape(1, 3, 4)
    for mode in ("reflect", "replicate", "circular"):
        expected = torch.nn.functional.pad(torch.tensor(x), (2, 1), mode=mode)
        np.testing.assert_array_equal(ember_pad(ember.tensor(x), (2, 1), mode=mode).numpy(),
                                      expected.numpy())


def test_pad_output_is_a_copy():
    x = ember.zeros(2, 3)
    for mode in ("constant", "reflect"):
        ember_pad(x, (0, 0), mode=mode).add_(1)
    assert x.sum().item() == 0


@pytest.mark.parametrize("mode,amounts", [
    ("constant", (1, -1, 2, 0)), ("reflect", (2, 1, 1, 2)), ("replicate", (2, -1, 0, 3)),
    ("circular", (3, 1, 1, 0)),
])
def test_pad_gradcheck(mode, amounts):
    x = ember.tensor(np.random.default_rng(0).standard_normal((1, 2, 3, 4)), requires_grad=True)
    fn = lambda x: ember_pad(x, amounts, mode=mode)
    assert gradcheck(fn, [x])
    assert gradgradcheck(fn, [x])


PAD_ERRORS = [
    ("odd length", lambda lib, f: f(lib.zeros(2, 3, 4, 5), (1, 2, 3))),
    ("too long", lambda lib, f: f(lib.zeros(2, 3, 4, 5), (1,) * 10)),
    ("over crop", lambda lib, f: f(lib.zeros(2, 3, 4, 5), (-3, -3))),
    ("bad mode", lambda lib, f: f(lib.zeros(2, 3, 4, 5), (1, 1), mode="mirror")),
    ("value with reflect", lambda lib, f: f(lib.zeros(2, 3, 4, 5), (1, 1, 1, 1), mode="reflect",
                                            value=1.0)),
    ("reflect dims", lambda lib, f: f(lib.zeros(2, 3, 4, 5), (1, 1), mode="reflect")),
    ("reflect 1d tensor", lambda lib, f: f(lib.zeros(4), (1, 1), mode="reflect")),
    ("reflect too big", lambda lib, f: f(lib.zeros(2, 3, 4, 5), (5, 0, 0, 0), mode="reflect")),
    ("replicate dims", lambda lib, f: f(lib.zeros(1, 2, 3, 4, 5, 6), (1, 1), mode="replicate")),
    ("circular twice", lambda lib, f: f(lib.zeros(2, 3, 4, 5), (6, 0, 0, 0), mode="circular")),
    ("reflect empty", lambda lib, f: f(lib.zeros(2, 0, 4), (1, 1), mode="reflect")),
    ("float amount", lambda lib, f: f(lib.zeros(2, 3), (1.0, 1))),
    ("reflect bool", lambda lib, f: f(lib.ones(2, 3, 4, dtype=lib.bool), (1, 1),
                                      mode="reflect")),
]


@pytest.mark.parametrize("name,call", PAD_ERRORS, ids=[c[0] for c in PAD_ERRORS])
def test_pad_errors_match_torch(name, call):
    with pytest.raises(Exception) as expected:
        call(torch, torch.nn.functional.pad)
    with pytest.raises(expected.type):
        call(ember, ember_pad)
