"""nn.utils.fusion: a BatchNorm folded into the conv or linear layer before it."""
import numpy as np
import pytest
import torch

import ember
from ember.nn.utils import fusion
from oracle import to_numpy


def trained_bn(lib, bn):
    """Give BatchNorm non-trivial running stats and affine parameters, then eval mode."""
    with lib.no_grad():
        bn.running_mean.copy_(lib.linspace(-1, 1, bn.num_features))
        bn.running_var.copy_(lib.linspace(0.5, 2, bn.num_features))
        bn.weight.copy_(lib.linspace(0.5, 1.5, bn.num_features))
        bn.bias.copy_(lib.linspace(-0.2, 0.2, bn.num_features))
    return bn.eval()


@pytest.mark.parametrize("conv_cls, bn_cls, shape, transpose", [
    ("Conv2d", "BatchNorm2d", (2, 3, 6, 6), False),
    ("Conv1d", "BatchNorm1d", (2, 3, 7), False),
    ("ConvTranspose2d", "BatchNorm2d", (2, 3, 4, 4), True)])
def test_fuse_conv_bn_eval(conv_cls, bn_cls, shape, transpose):
    conv = getattr(ember.nn, conv_cls)(3, 4, 3).eval()
    bn = trained_bn(ember, getattr(ember.nn, bn_cls)(4))
    fused = fusion.fuse_conv_bn_eval(conv, bn, transpose=transpose)
    assert fused is not conv and isinstance(fused.weight, ember.nn.Parameter)
    x = ember.randn(*shape)
    np.testing.assert_allclose(to_numpy(fused(x)), to_numpy(bn(conv(x))), rtol=1e-4,
                               atol=1e-5)
    torch_weight, torch_bias = torch.nn.utils.fusion.fuse_conv_bn_weights(
        *(torch.tensor(to_numpy(t)) for t in (conv.weight, conv.bias, bn.running_mean,
                                               bn.running_var)), bn.eps,
        torch.tensor(to_numpy(bn.weight)), torch.tensor(to_numpy(bn.bias)), transpose)
    np.testing.assert_allclose(to_numpy(fused.weight), torch_weight.detach().numpy(),
                               rtol=1e-6)
    np.testing.assert_allclose(to_numpy(fused.bias), torch_bias.detach().numpy(), rtol=1e-6)


def test_fuse_linear_bn_eval():
    linear = ember.nn.Linear(3, 4, bias=False).eval()
    bn = trained_bn(ember, ember.nn.BatchNorm1d(4))
    fused = fusion.fuse_linear_bn_eval(linear, bn)
    x = ember.randn(5, 3)
    np.testing.assert_allclose(to_numpy(fused(x)), to_numpy(bn(linear(x))), rtol=1e-4,
                               atol=1e-5)


def test_fusion_errors():
    with pytest.raises(AssertionError, match="Fusion only for eval!"):
        fusion.fuse_conv_bn_eval(ember.nn.Conv2d(1, 2, 1), ember.nn.BatchNorm2d(2))
    with pytest.raises(AssertionError, match="linear.out_features == bn.num_features"):
        fusion.fuse_linear_bn_eval(ember.nn.Linear(2, 3).eval(),
                                   ember.nn.BatchNorm1d(2).eval())
