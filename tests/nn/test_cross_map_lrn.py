"""nn.CrossMapLRN2d against torch: forward and torch's own backward formula, its repr and
its errors."""
import numpy as np
import pytest
import torch

import ember
from oracle import check_op


@pytest.mark.parametrize("size", [2, 3, 4, 5, 9])
@pytest.mark.parametrize("channels", [1, 3, 7])
def test_cross_map_lrn2d_matches_torch(size, channels):
    # alpha large enough that the windows matter; backward is torch's formula (see NOTE
    # [ CrossMapLRN2d's windows ]), which is not the forward's exact derivative
    check_op(lambda lib, x: lib.nn.CrossMapLRN2d(size, alpha=0.7, beta=0.75, k=1.5)(x),
             shapes=[(2, channels, 3, 4)], dtype="float64", name=f"CrossMapLRN2d({size})")


def test_cross_map_lrn2d_defaults_float32(device):
    check_op(lambda lib, x: lib.nn.CrossMapLRN2d(3)(x * 50), shapes=[(2, 6, 4, 4)],
             device=device, name="CrossMapLRN2d(3)")


def test_cross_map_lrn2d_repr_and_attributes():
    module = ember.nn.CrossMapLRN2d(5, alpha=0.5, beta=0.25, k=2.0)
    assert repr(module) == repr(torch.nn.CrossMapLRN2d(5, alpha=0.5, beta=0.25, k=2.0))
    assert (module.size, module.alpha, module.beta, module.k) == (5, 0.5, 0.25, 2.0)
    assert repr(ember.nn.CrossMapLRN2d(3)) == "CrossMapLRN2d(3, alpha=0.0001, beta=0.75, k=1)"


@pytest.mark.parametrize("shape", [(3, 4, 4), (1, 2, 3, 4, 4)])
def test_cross_map_lrn2d_rejects_non_4d(shape):
    with pytest.raises(ValueError, match="Expected input to be 4D"):
        torch.nn.CrossMapLRN2d(3)(torch.ones(shape))
    with pytest.raises(ValueError, match=f"Expected input to be 4D, got {len(shape)}D"):
        ember.nn.CrossMapLRN2d(3)(ember.ones(shape))


def test_cross_map_lrn2d_size_one_backward_fails_as_torch():
    # torch's backward indexes past its padded buffer when size is 1; the forward works
    x = np.random.default_rng(0).standard_normal((1, 3, 2, 2))
    torch_out = torch.nn.CrossMapLRN2d(1)(torch.tensor(x, requires_grad=True))
    ember_out = ember.nn.CrossMapLRN2d(1)(ember.tensor(x, requires_grad=True))
    np.testing.assert_allclose(ember_out.detach().numpy(), torch_out.detach().numpy(),
                               rtol=1e-12)
    with pytest.raises(RuntimeError, match="exceeds dimension size"):
        torch_out.sum().backward()
    with pytest.raises(RuntimeError, match="exceeds dimension size"):
        ember_out.sum().backward()
