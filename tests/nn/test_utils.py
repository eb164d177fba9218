"""nn.utils: gradient clipping and parameter/vector conversion against torch."""
import math

import numpy as np
import pytest
import torch

import ember
from ember.nn import utils


def _params_with_grads(seed=0, scale=1.0):
    rng = np.random.default_rng(seed)
    shapes = [(3, 4), (5,), (2, 2, 2)]
    values = [rng.standard_normal(s) for s in shapes]
    grads = [rng.standard_normal(s) * scale for s in shapes]
    ember_params, torch_params = [], []
    for v, g in zip(values, grads):
        e = ember.nn.Parameter(ember.tensor(v, dtype=ember.float32))
        e.grad = ember.tensor(g, dtype=ember.float32)
        t = torch.nn.Parameter(torch.tensor(v, dtype=torch.float32))
        t.grad = torch.tensor(g, dtype=torch.float32)
        ember_params.append(e)
        torch_params.append(t)
    return ember_params, torch_params


@pytest.mark.parametrize("norm_type", [2.0, 1.0, 3.5, math.inf, 0.0])
@pytest.mark.parametrize("max_norm", [0.5, 1e6])
def test_clip_grad_norm_matches_torch(norm_type, max_norm):
    e, t = _params_with_grads()
    e_total = utils.clip_grad_norm_(e, max_norm, norm_type)
    t_total = torch.nn.utils.clip_grad_norm_(t, max_norm, norm_type)
    assert isinstance(e_total, ember.Tensor) and e_total.shape == ()
    np.testing.assert_allclose(e_total.item(), t_total.item(), rtol=1e-5)
    for a, b in zip(e, t):
        np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=1e-5, atol=1e-7)


def test_clip_grad_norm_details():
    e, _ = _params_with_grads()
    e[1].grad = None
    total = utils.clip_grad_norm_(iter(e), 1.0)
    assert total.item() > 1.0
    clipped = math.sqrt(sum(float((p.grad.numpy() ** 2).sum()) for p in e if p.grad is not None))
    assert abs(clipped - 1.0) < 1e-4
    single = ember.nn.Parameter(ember.ones(4))
    single.grad = ember.full((4,), 2.0)
    assert utils.clip_grad_norm_(single, 1.0).item() == 4.0
    assert utils.clip_grad_norm_([ember.nn.Parameter(ember.ones(1))], 1.0).item() == 0.0
    bad = ember.nn.Parameter(ember.ones(2))
    bad.grad = ember.tensor([1.0, float("inf")])
    with pytest.raises(RuntimeError, match="non-finite"):
        utils.clip_grad_norm_([bad], 1.0, error_if_nonfinite=True)
    with pytest.warns(UserWarning, match="empty generator"):
        utils.clip_grad_norm_((p for p in []), 1.0)
    for lib in (ember, torch):  # max_norm is checked even when there is nothing to clip
        with pytest.raises(ValueError):
            lib.nn.utils.clip_grad_norm_([lib.nn.Parameter(lib.ones(1))], "one")


def test_get_total_norm_and_clip_grads_with_norm_match_torch():
    e, t = _params_with_grads(seed=1)
    e_total = utils.get_total_norm([p.grad for p in e], 3.0)
    t_total = torch.nn.utils.get_total_norm([p.grad for p in t], 3.0)
    np.testing.assert_allclose(e_total.item(), t_total.item(), rtol=1e-5)
    utils.clip_grads_with_norm_(e, 0.1, e_total)
    torch.nn.utils.clip_grads_with_norm_(t, 0.1, t_total)
    for a, b in zip(e, t):
        np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=1e-5)


def test_clip_grad_value_matches_torch():
    e, t = _params_with_grads(scale=2.0)
    utils.clip_grad_value_(e, 0.7)
    torch.nn.utils.clip_grad_value_(t, 0.7)
    for a, b in zip(e, t):
        np.testing.assert_array_equal(a.grad.numpy(), b.grad.numpy())


def test_parameters_to_vector_and_back():
    layer = ember.nn.Linear(3, 2)
    vector = utils.parameters_to_vector(layer.parameters())
    expected = np.concatenate([p.detach().numpy().ravel() for p in layer.parameters()])
    np.testing.assert_array_equal(vector.detach().numpy(), expected)
    assert vector.requires_grad  # differentiable, as torch's
    new = ember.arange(8, dtype=ember.float32)
    weight = layer.weight
    utils.vector_to_parameters(new, layer.parameters())
    assert layer.weight is weight
    assert layer.weight.tolist() == [[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]]
    assert layer.bias.tolist() == [6.0, 7.0]
    with pytest.raises(TypeError, match="expected ember.Tensor"):
        utils.vector_to_parameters([1.0], layer.parameters())
