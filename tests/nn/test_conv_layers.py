"""Convolution and padding layers against torch: weights copied through state_dict, outputs
and gradients in float32 and float64 for every padding mode, 'same'/'valid', groups,
dilation, transposed convolutions with output_size; initialisation, reprs and errors."""
import math

import numpy as np
import pytest
import torch

import ember
from oracle import assert_close, to_numpy

TOL = {"float32": (1e-4, 1e-5), "float64": (1e-7, 1e-9)}


def _compare_module(make, shape, dtype="float64", call=lambda module, x: module(x), seed=0):
    """The same layer in ember and torch, weights copied: output and every gradient."""
    rng = np.random.default_rng(seed)
    torch_module = make(torch.nn).to(getattr(torch, dtype))
    ember_module = make(ember.nn).to(getattr(ember, dtype))
    assert list(ember_module.state_dict()) == list(torch_module.state_dict())
    ember_module.load_state_dict({k: ember.tensor(v.numpy())
                                  for k, v in torch_module.state_dict().items()})
    x = rng.standard_normal(shape).astype(dtype)
    xe, xt = ember.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    ye, yt = call(ember_module, xe), call(torch_module, xt)
    rtol, atol = TOL[dtype]
    label = f"{torch_module} input {shape} {dtype}"
    assert_close(ye, yt, rtol, atol, label)
    upstream = rng.standard_normal(tuple(yt.shape)).astype(dtype)
    ye.backward(ember.tensor(upstream))
    yt.backward(torch.tensor(upstream))
    assert_close(xe.grad, xt.grad, rtol * 10, atol * 10, label + " grad input")
    for (name, pe), (_, pt) in zip(ember_module.named_parameters(),
                                   torch_module.named_parameters()):
        assert_close(pe.grad, pt.grad, rtol * 10, atol * 10, f"{label} grad {name}")
    return ember_module


@pytest.mark.filterwarnings("ignore:Using padding='same' with even kernel")  # torch's own
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("padding_mode", ["zeros", "reflect", "replicate", "circular"])
@pytest.mark.parametrize("make,shape", [
    (lambda nn, mode: nn.Conv2d(3, 4, 3, padding_mode=mode), (2, 3, 6, 7)),
    (lambda nn, mode: nn.Conv2d(4, 6, (3, 2), stride=(2, 1), padding=(1, 2), dilation=(1, 2),
                                groups=2, padding_mode=mode), (2, 4, 7, 8)),
    (lambda nn, mode: nn.Conv2d(4, 6, 3, padding="same", dilation=2, padding_mode=mode),
     (2, 4, 7, 8)),
    (lambda nn, mode: nn.Conv1d(4, 6, 3, padding=2, bias=False, padding_mode=mode), (2, 4, 9)),
    (lambda nn, mode: nn.Conv1d(4, 4, 4, padding="same", groups=4, padding_mode=mode), (4, 9)),
])
def test_conv_against_torch(make, shape, padding_mode, dtype):
    _compare_module(lambda nn: make(nn, padding_mode), shape, dtype)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("make,shape,output_size", [
    (lambda nn: nn.ConvTranspose2d(4, 6, 3, stride=2, padding=1, output_padding=1, groups=2),
     (2, 4, 5, 5), None),
    (lambda nn: nn.ConvTranspose2d(4, 6, 3, stride=2, padding=1), (2, 4, 5, 5), [10, 10]),
    (lambda nn: nn.ConvTranspose2d(4, 6, (2, 3), stride=(1, 2), bias=False), (4, 3, 3),
     (6, 4, 8)),
    (lambda nn: nn.ConvTranspose1d(4, 6, 3, stride=3, dilation=2), (2, 4, 5), None),
    (lambda nn: nn.ConvTranspose1d(2, 3, 3, stride=2), (2, 2, 5), [12]),
])
def test_conv_transpose_against_torch(make, shape, output_size, dtype):
    _compare_module(make, shape, dtype, call=lambda module, x: module(x, output_size))


def test_conv_initialisation_follows_torch():
    """kaiming_uniform_(a=sqrt(5)): weight and bias uniform in +-1/sqrt(fan_in)."""
    for conv, fan_in in ((ember.nn.Conv2d(16, 32, 3), 16 * 9),
                         (ember.nn.Conv1d(8, 4, 5, groups=2), 4 * 5),
                         (ember.nn.ConvTranspose2d(6, 10, 3, groups=2), 5 * 9)):
        bound = 1 / math.sqrt(fan_in)
        for tensor in (conv.weight, conv.bias):
            values = to_numpy(tensor)
            assert np.abs(values).max() <= bound
            assert np.abs(values).max() > 0.8 * bound  # spread over the whole interval
        assert conv.weight.requires_grad and conv.bias.requires_grad
    assert tuple(ember.nn.ConvTranspose2d(6, 10, 3, groups=2).weight.shape) == (6, 5, 3, 3)
    assert tuple(ember.nn.Conv2d(6, 10, 3, groups=2).weight.shape) == (10, 3, 3, 3)


def test_conv_reprs():
    cases = [lambda nn: nn.Conv2d(3, 32, 3),
             lambda nn: nn.Conv1d(3, 4, 3, stride=2, padding=1, dilation=2, bias=False,
                                  padding_mode="reflect"),
             lambda nn: nn.Conv2d(4, 4, 3, padding="same", groups=2),
             lambda nn: nn.ConvTranspose2d(3, 4, 3, stride=2, output_padding=1),
             lambda nn: nn.ConvTranspose1d(3, 4, 3)]
    for make in cases:
        assert repr(make(ember.nn)) == repr(make(torch.nn))
    assert repr(ember.nn.Conv2d(3, 32, 3)) == "Conv2d(3, 32, kernel_size=(3, 3), stride=(1, 1))"


@pytest.mark.parametrize("call,error,message", [
    (lambda: ember.nn.Conv2d(3, 32, 3)(ember.randn(1, 4, 8, 8)), RuntimeError,
     r"Conv2d\(3, 32, kernel_size=\(3, 3\), stride=\(1, 1\)\) expected input\[1, 4, 8, 8\] to "
     r"have 3 channels, but got 4 channels instead"),
    (lambda: ember.nn.Conv2d(3, 32, 3)(ember.randn(3, 8)), RuntimeError,
     r"expected 3D \(unbatched\) or 4D \(batched\) input"),
    (lambda: ember.nn.ConvTranspose1d(3, 2, 3)(ember.randn(1, 2, 8)), RuntimeError,
     "to have 3 channels, but got 2 channels instead"),
    (lambda: ember.nn.Conv2d(3, 32, 3, groups=2), ValueError,
     "in_channels must be divisible by groups"),
    (lambda: ember.nn.Conv2d(4, 6, 3, groups=4), ValueError,
     "out_channels must be divisible by groups"),
    (lambda: ember.nn.Conv2d(4, 6, 3, groups=0), ValueError, "groups must be a positive integer"),
    (lambda: ember.nn.Conv2d(4, 6, 3, stride=2, padding="same"), ValueError,
     "padding='same' is not supported for strided convolutions"),
    (lambda: ember.nn.Conv2d(4, 6, 3, padding="full"), ValueError, "Invalid padding string"),
    (lambda: ember.nn.Conv2d(4, 6, 3, padding_mode="mirror"), ValueError,
     "padding_mode must be one of"),
    (lambda: ember.nn.ConvTranspose2d(4, 6, 3, padding_mode="reflect"), ValueError,
     'Only "zeros" padding mode is supported for ConvTranspose2d'),
    (lambda: ember.nn.ConvTranspose2d(2, 2, 3, stride=2)(ember.randn(1, 2, 4, 4), [20, 20]),
     ValueError, "requested an output size of"),
])
def test_conv_errors(call, error, message):
    with pytest.raises(error, match=message):
        call()


@pytest.mark.parametrize("make,shape", [
    (lambda nn: nn.ZeroPad1d(2), (2, 3, 4)),
    (lambda nn: nn.ZeroPad2d((1, 0, 2, 1)), (2, 3, 4, 4)),
    (lambda nn: nn.ConstantPad1d((1, 2), 3.5), (2, 3, 4)),
    (lambda nn: nn.ConstantPad2d(1, -1.0), (3, 4, 4)),
    (lambda nn: nn.ConstantPad3d((1, 0, 0, 1, 1, 1), 2.0), (1, 2, 2, 3, 3)),
    (lambda nn: nn.ReflectionPad1d((2, 1)), (2, 3, 4)),
    (lambda nn: nn.ReflectionPad2d(1), (2, 3, 4, 4)),
    (lambda nn: nn.ReplicationPad1d(2), (2, 3, 4)),
    (lambda nn: nn.ReplicationPad2d((1, 2, 0, 1)), (2, 3, 4, 4)),
    (lambda nn: nn.CircularPad1d(1), (2, 3, 4)),
    (lambda nn: nn.CircularPad2d((1, 1, 2, 0)), (2, 3, 4, 4)),
])
def test_padding_layers(make, shape):
    module = _compare_module(make, shape)
    assert repr(module) == repr(make(torch.nn))


def test_circular_pad_rank_error():
    with pytest.raises(ValueError, match=r"expected 3D or 4D input \(got 2D input\)"):
        ember.nn.CircularPad2d(1)(ember.randn(3, 4))
