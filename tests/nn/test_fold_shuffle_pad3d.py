"""Unfold/Fold layers, ChannelShuffle with F.channel_shuffle, and the 3-D padding layers
against torch: outputs, gradients, reprs, state_dicts and errors."""
import pytest
import torch

import ember
from oracle import check_op


def _layer(make):
    layers = {ember: make(ember.nn), torch: make(torch.nn)}
    return lambda L, x: layers[L](x)


@pytest.mark.parametrize("make,shape", [
    (lambda nn: nn.Unfold(2), (2, 3, 4, 5)),
    (lambda nn: nn.Unfold((2, 3), dilation=(1, 2), padding=1, stride=(2, 1)), (2, 3, 5, 6)),
    (lambda nn: nn.Fold(4, 2), (2, 12, 9)),
    (lambda nn: nn.Fold((4, 5), (2, 1), 1, (0, 1), 2), (2, 6, 8)),
    (lambda nn: nn.ChannelShuffle(3), (2, 6, 3, 4)),
    (lambda nn: nn.ChannelShuffle(2), (2, 4, 5)),
    (lambda nn: nn.ReflectionPad3d(1), (2, 3, 3, 4, 5)),
    (lambda nn: nn.ReflectionPad3d((1, 2, 0, 1, 2, 1)), (3, 3, 4, 5)),
    (lambda nn: nn.ReplicationPad3d((1, 2, 0, 1, 2, 1)), (2, 3, 3, 4, 5)),
    (lambda nn: nn.ZeroPad3d((1, 2, 0, 1, 2, 1)), (3, 3, 4, 5)),
    (lambda nn: nn.ZeroPad3d(1), (3, 4, 5)),
    (lambda nn: nn.CircularPad3d((1, 2, 0, 1, 2, 1)), (2, 3, 3, 4, 5)),
])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_layers_against_torch(make, shape, dtype):
    check_op(_layer(make), shapes=[shape], dtype=dtype, name=repr(make(torch.nn)))


def test_reprs_and_state_dicts():
    cases = [lambda nn: nn.Unfold(2), lambda nn: nn.Unfold((2, 3), (1, 2), 1, (2, 1)),
             lambda nn: nn.Fold(4, 2), lambda nn: nn.Fold((4, 5), (2, 1), 1, (0, 1), 2),
             lambda nn: nn.ChannelShuffle(2), lambda nn: nn.ReflectionPad3d(1),
             lambda nn: nn.ReplicationPad3d((1, 2, 3, 4, 5, 6)), lambda nn: nn.ZeroPad3d(2),
             lambda nn: nn.ZeroPad3d((1, 2, 3, 4, 5, 6)), lambda nn: nn.CircularPad3d(2)]
    for make in cases:
        assert repr(make(ember.nn)) == repr(make(torch.nn))
        assert list(make(ember.nn).state_dict()) == []


@pytest.mark.parametrize("name", ["channel_shuffle", "native_channel_shuffle"])
def test_channel_shuffle_functional(name):
    # torch's native_channel_shuffle has no derivative; ember's shares channel_shuffle's
    check_op(lambda L, x: getattr(L.nn.functional, name)(x, 3), shapes=[(2, 6, 2, 2)],
             dtype="float64", grad=name == "channel_shuffle", name=name)
    check_op(lambda L, x: getattr(L.nn.functional, name)(x, 2), shapes=[(0, 6, 2)],
             grad=False, name=name)


@pytest.mark.parametrize("groups,shape,error", [
    (4, (1, 6, 2, 2), RuntimeError), (0, (1, 6, 2, 2), RuntimeError),
    (-1, (1, 6, 2, 2), RuntimeError), (2, (6,), RuntimeError), (3, (2, 6), RuntimeError),
    (2.0, (1, 6, 2, 2), TypeError),
])
def test_channel_shuffle_errors(groups, shape, error):
    for lib in (torch, ember):
        with pytest.raises(error):
            lib.nn.functional.channel_shuffle(lib.randn(shape), groups)


def test_channel_shuffle_message():
    with pytest.raises(RuntimeError, match="Got 6 channels and 4 groups"):
        ember.nn.ChannelShuffle(4)(ember.randn(1, 6, 2))


def test_circular_pad3d_rank():
    for lib in (torch, ember):
        with pytest.raises(ValueError, match="expected 4D or 5D input"):
            lib.nn.CircularPad3d(1)(lib.randn(3, 4, 5))


def test_fold_inverts_unfold_counts():
    x = ember.randn(1, 2, 4, 4, dtype=ember.float64, requires_grad=True)
    fn = lambda t: ember.nn.Fold(4, 2, stride=1)(ember.nn.Unfold(2, stride=1)(t))
    assert ember.autograd.gradcheck(fn, [x])
