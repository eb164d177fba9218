"""Identity, Linear and Bilinear against torch.nn: initialisation, outputs, gradients."""
import math

import numpy as np
import pytest
import torch

import ember
from oracle import assert_close


def _copy_parameters(ember_module, torch_module):
    with torch.no_grad():
        for (name, e), (_, t) in zip(ember_module.named_parameters(),
                                     torch_module.named_parameters()):
            t.copy_(torch.tensor(e.detach().numpy()))


def test_linear_init_bounds_and_repr():
    layer = ember.nn.Linear(50, 40)
    bound = 1 / math.sqrt(50)
    weight, bias = layer.weight.detach().numpy(), layer.bias.detach().numpy()
    assert weight.shape == (40, 50) and bias.shape == (40,)
    assert np.abs(weight).max() <= bound and np.abs(weight).max() > 0.9 * bound
    assert np.abs(bias).max() <= bound
    assert abs(weight.std() - bound / math.sqrt(3)) < 0.1 * bound
    assert repr(layer) == repr(torch.nn.Linear(50, 40))
    assert repr(ember.nn.Linear(2, 3, bias=False)) == repr(torch.nn.Linear(2, 3, bias=False))
    assert ember.nn.Linear(2, 3, bias=False).bias is None
    assert ember.nn.Linear(2, 3, dtype=ember.float64).weight.dtype == ember.float64


@pytest.mark.parametrize("input_shape", [(4, 3), (2, 5, 3), (3,)])
@pytest.mark.parametrize("bias", [True, False])
def test_linear_matches_torch(input_shape, bias):
    e, t = ember.nn.Linear(3, 2, bias=bias), torch.nn.Linear(3, 2, bias=bias)
    _copy_parameters(e, t)
    x = np.random.default_rng(0).standard_normal(input_shape).astype(np.float32)
    ex, tx = ember.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    eout, tout = e(ex), t(tx)
    assert_close(eout, tout, 1e-5, 1e-6, f"Linear {input_shape}")
    eout.sum().backward()
    tout.sum().backward()
    assert_close(ex.grad, tx.grad, 1e-5, 1e-6, "Linear grad input")
    for (_, ep), (_, tp) in zip(e.named_parameters(), t.named_parameters()):
        assert_close(ep.grad, tp.grad, 1e-5, 1e-6, "Linear grad parameter")


def test_linear_shape_error_names_the_shapes():
    with pytest.raises(RuntimeError, match="mat1 and mat2 shapes cannot be multiplied"):
        ember.nn.Linear(3, 2)(ember.ones(4, 5))


def test_bilinear_matches_torch():
    e, t = ember.nn.Bilinear(3, 4, 2), torch.nn.Bilinear(3, 4, 2)
    bound = 1 / math.sqrt(3)
    assert np.abs(e.weight.detach().numpy()).max() <= bound
    assert repr(e) == repr(t)
    _copy_parameters(e, t)
    rng = np.random.default_rng(1)
    x1 = rng.standard_normal((2, 5, 3)).astype(np.float32)
    x2 = rng.standard_normal((2, 5, 4)).astype(np.float32)
    e1, e2 = ember.tensor(x1, requires_grad=True), ember.tensor(x2, requires_grad=True)
    t1, t2 = torch.tensor(x1, requires_grad=True), torch.tensor(x2, requires_grad=True)
    eout, tout = e(e1, e2), t(t1, t2)
    assert_close(eout, tout, 1e-5, 1e-5, "Bilinear")
    eout.sum().backward()
    tout.sum().backward()
    assert_close(e1.grad, t1.grad, 1e-4, 1e-5, "Bilinear grad input1")
    assert_close(e2.grad, t2.grad, 1e-4, 1e-5, "Bilinear grad input2")
    assert_close(e.weight.grad, t.weight.grad, 1e-4, 1e-5, "Bilinear grad weight")
    with pytest.raises(RuntimeError, match="input1 size does not match weight size"):
        e(ember.ones(2, 4), ember.ones(2, 4))


def test_identity_passes_input_through():
    x = ember.ones(2)
    assert ember.nn.Identity(3, unused=True)(x) is x
    assert repr(ember.nn.Identity()) == "Identity()"


def test_functional_linear_first_and_second_derivatives():
    import ember.nn.functional as F
    x = ember.randn(2, 3, 4, dtype=ember.float64, requires_grad=True)
    weight = ember.randn(5, 4, dtype=ember.float64, requires_grad=True)
    bias = ember.randn(5, dtype=ember.float64, requires_grad=True)
    assert ember.autograd.gradcheck(F.linear, (x, weight, bias))
    assert ember.autograd.gradgradcheck(F.linear, (x, weight, bias))
    assert F.linear(x, weight).grad_fn.name() == "UnsafeViewBackward0"  # torch's name
