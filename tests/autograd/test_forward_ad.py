"""ember.autograd.forward_ad against torch's: tangents of dual tensors through ops."""
import numpy as np
import pytest
import torch

import ember

FUNCTIONS = {
    "sin_times_x": lambda lib, x, w: x.sin() * x,
    "matmul_tanh": lambda lib, x, w: (x @ w).tanh(),
    "softmax_sum": lambda lib, x, w: lib.softmax(x * w, dim=-1).sum(0),
    "exp_mean": lambda lib, x, w: (x.exp() / (1 + w * w)).mean(),
}


def _run(lib, name, values, tangent, weight):
    fwAD = lib.autograd.forward_ad
    with fwAD.dual_level():
        x = fwAD.make_dual(lib.tensor(values), lib.tensor(tangent))
        primal, result = fwAD.unpack_dual(FUNCTIONS[name](lib, x, lib.tensor(weight)))
    return primal.detach().numpy(), result.detach().numpy()


@pytest.mark.parametrize("name", FUNCTIONS)
def test_tangent_matches_torch(name):
    rng = np.random.default_rng(0)
    values, tangent, weight = (rng.standard_normal((3, 3)) for _ in range(3))
    ours = _run(ember, name, values, tangent, weight)
    theirs = _run(torch, name, values, tangent, weight)
    np.testing.assert_allclose(ours[0], theirs[0], rtol=1e-10)
    np.testing.assert_allclose(ours[1], theirs[1], rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("lib", [ember, torch])
def test_unpack_dual_of_plain_tensor_and_after_exit(lib):
    fwAD = lib.autograd.forward_ad
    with fwAD.dual_level() as level:
        assert level == 0
        x = fwAD.make_dual(lib.ones(2), lib.full((2,), 2.0))
        assert fwAD.unpack_dual(x).tangent.tolist() == [2.0, 2.0]
        assert fwAD.unpack_dual(lib.ones(2)).tangent is None
        y = x * 3
        assert fwAD.unpack_dual(y).tangent.tolist() == [6.0, 6.0]
    assert fwAD.unpack_dual(y).tangent is None


@pytest.mark.parametrize("lib", [ember, torch])
def test_tangent_is_differentiable_in_a_primal_that_requires_grad(lib):
    fwAD = lib.autograd.forward_ad
    p = lib.tensor([1.0, 2.0], requires_grad=True)
    with fwAD.dual_level():
        tangent = fwAD.unpack_dual((fwAD.make_dual(p, lib.ones(2)) ** 3).sum()).tangent
    assert tangent.item() == 15.0
    (grad,) = lib.autograd.grad(tangent, p)
    assert grad.tolist() == [6.0, 12.0]


@pytest.mark.parametrize("lib", [ember, torch])
def test_make_dual_errors_match_torch(lib):
    fwAD = lib.autograd.forward_ad
    with pytest.raises(RuntimeError, match="no level exists"):
        fwAD.make_dual(lib.ones(2), lib.ones(2))
    with fwAD.dual_level():
        with pytest.raises(RuntimeError, match="different size"):
            fwAD.make_dual(lib.ones(2), lib.ones(3))
        with pytest.raises(ValueError, match="floating point"):
            fwAD.make_dual(lib.ones(2, dtype=lib.int64), lib.ones(2))
        with pytest.raises(RuntimeError, match="Nested"):
            with fwAD.dual_level():
                pass
