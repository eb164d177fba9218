"""torch.gradient and diff / hsplit / vsplit details (ember/ops/sequence.py), against torch."""
import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import ember
from ember.autograd import gradcheck, gradgradcheck
from oracle import check_op

COORDINATES = (np.array([0., 1., 2.5, 3.]), np.array([0., 1., 3., 3.5, 5.]))

GRADIENT_CASES = {
    "default": {},
    "dim, edge_order=2": {"dim": 1, "edge_order": 2},
    "scalar spacing": {"spacing": 2.},
    "spacing per dim": {"spacing": [2., 0.5], "edge_order": 2},
    "one dim, list spacing": {"spacing": [3.], "dim": 1},
    "dims tuple": {"dim": (0,)},
    "spacing=None": {"spacing": None, "dim": None},
    "coordinates": {"spacing": COORDINATES},
    "coordinates, edge_order=2": {"spacing": COORDINATES, "edge_order": 2},
}


def _kwargs(lib, kwargs):
    kwargs = dict(kwargs)
    if isinstance(kwargs.get("spacing"), tuple):
        kwargs["spacing"] = tuple(lib.tensor(c) for c in kwargs["spacing"])
    return kwargs


@pytest.mark.parametrize("case", list(GRADIENT_CASES))
def test_gradient(case):
    check_op(lambda lib, y: lib.gradient(y, **_kwargs(lib, GRADIENT_CASES[case])),
             shapes=[(4, 5)], dtype="float64", name=case)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(3, 6), min_size=1, max_size=3), st.sampled_from([1, 2]))
def test_gradient_shapes(shape, edge_order):
    check_op(lambda lib, y: lib.gradient(y, edge_order=edge_order), shapes=[tuple(shape)])


def test_gradient_of_integers_is_float():
    for lib in (torch, ember):
        (result,) = lib.gradient(lib.tensor([1, 2, 4]))
        assert result.dtype == lib.float32 and result.tolist() == [1., 1.5, 2.]


def test_gradient_gradcheck():
    y = ember.randn(4, 5, dtype=ember.float64, requires_grad=True)
    x = ember.tensor(COORDINATES[1], requires_grad=True)
    assert gradcheck(lambda t: ember.gradient(t, edge_order=2), [y])
    assert gradgradcheck(lambda t: ember.gradient(t, edge_order=2), [y])
    assert gradcheck(lambda t, c: ember.gradient(t, spacing=(c,), dim=1), [y, x])


@pytest.mark.parametrize("kwargs", [{"edge_order": 3}, {"spacing": [1., 2.], "dim": 0},
                                    {"edge_order": 2, "dim": 0}, {"dim": [1, 1]}])
def test_gradient_errors(kwargs):
    for lib in (torch, ember):
        with pytest.raises(RuntimeError):
            lib.gradient(lib.zeros(2, 5), **kwargs)


@pytest.mark.parametrize("prepend, append", [(None, None), ((5, 1), (5, 2)), (None, (5, 2))])
def test_diff_of_order_zero_is_a_copy_without_prepend_and_append(prepend, append):
    def fn(lib, x, *extra):
        extra = list(extra)
        before = extra.pop(0) if prepend else None
        after = extra.pop(0) if append else None
        return lib.diff(x, n=0, dim=1, prepend=before, append=after)
    shapes = [(5, 5)] + [s for s in (prepend, append) if s]
    check_op(fn, shapes=shapes)
    x = ember.zeros(2, 2)
    copy = ember.diff(x, n=0)
    x.add_(1)
    assert not copy.any()


@pytest.mark.parametrize("name", ["hsplit", "vsplit", "dsplit"])
def test_splits_of_a_str_are_type_errors(name):
    for lib in (torch, ember):
        with pytest.raises(TypeError):
            getattr(lib, name)(lib.zeros(4, 4, 4), "abc")
        with pytest.raises(TypeError):
            getattr(lib, name)(lib.zeros(4, 4, 4), [1, 2.5])
