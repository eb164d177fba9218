"""The *_copy forms of the view ops, the unsafe_ splits, torch.fill and torch.detach
(ember/ops/copies.py), against torch."""
import pytest
import torch

import ember
from ember.autograd import gradcheck, gradgradcheck
from oracle import check_op, to_numpy

COPIES = {
    "view_copy": ((2, 6), lambda lib, x: lib.view_copy(x, (3, 4))),
    "permute_copy": ((2, 3, 2), lambda lib, x: lib.permute_copy(x, (2, 0, 1))),
    "t_copy": ((2, 3), lambda lib, x: lib.t_copy(x)),
    "transpose_copy": ((2, 3, 2), lambda lib, x: lib.transpose_copy(x, 0, 2)),
    "squeeze_copy": ((2, 1, 3), lambda lib, x: lib.squeeze_copy(x)),
    "squeeze_copy(dim)": ((2, 1, 3), lambda lib, x: lib.squeeze_copy(x, 1)),
    "unsqueeze_copy": ((2, 3), lambda lib, x: lib.unsqueeze_copy(x, -1)),
    "expand_copy": ((3, 1), lambda lib, x: lib.expand_copy(x, (2, 3, 4))),
    "diagonal_copy": ((3, 4), lambda lib, x: lib.diagonal_copy(x, 1)),
    "alias_copy": ((2, 3), lambda lib, x: lib.alias_copy(x)),
    "detach_copy": ((2, 3), lambda lib, x: lib.detach_copy(x)),
    "select_copy": ((3, 4), lambda lib, x: lib.select_copy(x, 1, -1)),
    "narrow_copy": ((3, 4), lambda lib, x: lib.narrow_copy(x, 1, 1, 2)),
    "Tensor.narrow_copy": ((3, 4), lambda lib, x: x.narrow_copy(0, 1, 2)),
    "slice_copy": ((5, 4), lambda lib, x: lib.slice_copy(x, 0, 1, 5, 2)),
    "unfold_copy": ((7,), lambda lib, x: lib.unfold_copy(x, 0, 3, 2)),
    "unbind_copy": ((3, 2), lambda lib, x: lib.unbind_copy(x, 1)),
    "split_with_sizes_copy": ((5, 2), lambda lib, x: lib.split_with_sizes_copy(x, [2, 3])),
    "unsafe_chunk": ((6, 2), lambda lib, x: lib.unsafe_chunk(x, 3)),
    "unsafe_split": ((5, 2), lambda lib, x: lib.unsafe_split(x, 2)),
    "unsafe_split_with_sizes": ((5, 2), lambda lib, x: x.unsafe_split_with_sizes([1, 4])),
    "fill": ((2, 3), lambda lib, x: lib.fill(x, 1.5)),
}


@pytest.mark.parametrize("name", list(COPIES))
def test_copy_forms(name):
    shape, fn = COPIES[name]
    # torch's detach_copy result requires grad but has no derivative; ember's is detached
    check_op(fn, shapes=[shape], name=name, grad=name != "detach_copy")


@pytest.mark.parametrize("name", ["view_copy", "diagonal_copy", "select_copy", "slice_copy"])
def test_copies_do_not_share_memory(name):
    shape, fn = COPIES[name]
    x = ember.zeros(*shape)
    result = fn(ember, x)
    x.add_(1)
    assert not to_numpy(result).any()


@pytest.mark.parametrize("name", ["permute_copy", "diagonal_copy", "unfold_copy"])
def test_copy_forms_gradcheck(name):
    shape, fn = COPIES[name]
    x = ember.randn(*shape, dtype=ember.float64, requires_grad=True)
    assert gradcheck(lambda t: fn(ember, t), [x])
    assert gradgradcheck(lambda t: fn(ember, t), [x])


def test_copy_out_argument():
    for lib in (torch, ember):
        out = lib.empty(3, 2)
        result = lib.t_copy(lib.arange(6.).reshape(2, 3), out=out)
        assert result is out and out.tolist() == [[0., 3.], [1., 4.], [2., 5.]]


def test_fill_with_a_tensor_value_and_detach():
    for lib in (torch, ember):
        value = lib.tensor(2., requires_grad=True)
        filled = lib.fill(lib.zeros(2, 2), value)
        filled.sum().backward()
        assert filled.tolist() == [[2., 2.], [2., 2.]] and value.grad.item() == 4.
        with pytest.raises(RuntimeError):
            lib.fill(lib.zeros(2), lib.ones(2))
        x = lib.ones(2, requires_grad=True)
        assert not lib.detach(x).requires_grad
    assert not ember.detach_copy(ember.ones(2, requires_grad=True)).requires_grad


def test_narrow_copy_dim_out_of_range_raises_as_torch():
    for lib in (torch, ember):
        with pytest.raises(RuntimeError):
            lib.narrow_copy(lib.zeros(2, 3), 2, 0, 1)
        with pytest.raises(IndexError):
            lib.narrow_copy(lib.zeros(2, 3), -3, 0, 1)
