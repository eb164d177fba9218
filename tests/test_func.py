"""ember.func.functional_call and stack_module_state, and the deprecated
nn.utils.stateless.functional_call, against torch.func."""
import numpy as np
import pytest
import torch

import ember
from oracle import to_numpy


def close(a, b, what=""):
    np.testing.assert_allclose(to_numpy(a), to_numpy(b), rtol=1e-5, atol=1e-6, err_msg=what)


def model(lib):
    return lib.nn.Sequential(lib.nn.Linear(3, 4), lib.nn.BatchNorm1d(4), lib.nn.Tanh(),
                             lib.nn.Linear(4, 2))


def given(lib, seed=0):
    """Replacement parameters and buffers (the same values for ember and torch)."""
    rng = np.random.default_rng(seed)
    shapes = {"0.weight": (4, 3), "0.bias": (4,), "1.weight": (4,), "1.bias": (4,),
              "3.weight": (2, 4), "3.bias": (2,)}
    params = {k: lib.tensor(rng.standard_normal(s).astype(np.float32), requires_grad=True)
              for k, s in shapes.items()}
    buffers = {"1.running_mean": lib.zeros(4), "1.running_var": lib.ones(4),
               "1.num_batches_tracked": lib.tensor(0)}
    return params, buffers


def test_functional_call_matches_torch_and_leaves_module_alone():
    x = np.random.default_rng(1).standard_normal((5, 3)).astype(np.float32)
    outputs = {}
    for lib, call in ((ember, ember.func.functional_call), (torch, torch.func.functional_call)):
        m = model(lib)
        own = {k: v.detach().clone() for k, v in m.state_dict().items()}
        params, buffers = given(lib)
        y = call(m, (params, buffers), (lib.tensor(x),))
        (y ** 2).sum().backward()
        outputs[lib] = (y, params, buffers)
        for k, v in m.state_dict().items():  # the module's own tensors are untouched
            close(v, own[k], k)
        assert all(p.grad is None for p in m.parameters())
    (ye, pe, be), (yt, pt, bt) = outputs[ember], outputs[torch]
    close(ye, yt, "output")
    for k in pe:
        close(pe[k].grad, pt[k].grad, f"grad of {k}")
    for k in be:  # training-mode BatchNorm updated the given running stats
        close(be[k], bt[k], k)
    assert not np.allclose(to_numpy(be["1.running_mean"]), 0)


def test_partial_dict_kwargs_and_single_argument():
    m = ember.nn.Linear(2, 1)
    weight = ember.ones(1, 2)
    y = ember.func.functional_call(m, {"weight": weight}, ember.tensor([[1., 2.]]))
    close(y, (3 + m.bias.detach()).reshape(1, 1))

    class WithKwargs(ember.nn.Module):
        def __init__(self):
            super().__init__()
            self.scale = ember.nn.Parameter(ember.ones(1))

        def forward(self, x, *, shift=0):
            return x * self.scale + shift

    out = ember.func.functional_call(WithKwargs(), {"scale": ember.tensor([2.])},
                                     (ember.tensor([3.]),), {"shift": 1})
    close(out, [7.])


def test_tied_weights():
    for lib in (ember, torch):
        m = lib.nn.Sequential(lib.nn.Linear(2, 2, bias=False), lib.nn.Linear(2, 2, bias=False))
        m[1].weight = m[0].weight
        x = lib.ones(1, 2)
        w = 2 * lib.eye(2)
        close(lib.func.functional_call(m, {"0.weight": w}, (x,)), [[4., 4.]])
        untied = lib.func.functional_call(m, {"0.weight": w}, (x,), tie_weights=False)
        close(untied, (x @ w.T) @ m[0].weight.T)
        with pytest.raises(ValueError, match="which are tied"):
            lib.func.functional_call(m, {"0.weight": w, "1.weight": lib.eye(2)}, (x,))


def test_errors_match_torch():
    for lib in (ember, torch):
        m = lib.nn.Linear(2, 1)
        with pytest.raises(RuntimeError, match=r"Unexpected key\(s\): 'nope'.\n\tMissing "
                                               r"key\(s\): 'bias'."):
            lib.func.functional_call(m, {"weight": lib.ones(1, 2), "nope": lib.ones(1)},
                                     (lib.ones(1, 2),), strict=True)
        with pytest.raises(ValueError, match="appeared in multiple dictionaries"):
            lib.func.functional_call(m, ({"bias": lib.ones(1)}, {"bias": lib.ones(1)}),
                                     (lib.ones(1, 2),))
        with pytest.raises(ValueError, match="to be a dict, or a list/tuple of dicts"):
            lib.func.functional_call(m, 3, (lib.ones(1, 2),))
        original = m.weight
        with pytest.raises(RuntimeError):  # a failing forward still restores the weights
            lib.func.functional_call(m, {"weight": lib.ones(1, 3)}, (lib.ones(1, 2),))
        assert m.weight is original


def test_parametrized_module():
    m = ember.nn.utils.parametrizations.weight_norm(ember.nn.Linear(2, 1))
    g = ember.tensor([[2.]], requires_grad=True)
    v = ember.tensor([[3., 4.]])
    y = ember.func.functional_call(m, {"parametrizations.weight.original0": g,
                                       "parametrizations.weight.original1": v,
                                       "bias": ember.zeros(1)}, (ember.ones(1, 2),))
    close(y, [[2.8]])
    y.sum().backward()
    close(g.grad, [[1.4]])


def test_stateless_alias_warns():
    m = ember.nn.Linear(2, 1)
    with pytest.warns(FutureWarning, match="torch.func.functional_call"):
        y = ember.nn.utils.stateless.functional_call(
            m, {"weight": ember.zeros(1, 2), "bias": ember.ones(1)}, (ember.ones(1, 2),))
    close(y, [[1.]])


def test_stack_module_state():
    models = [ember.nn.Linear(2, 3) for _ in range(4)]
    params, buffers = ember.func.stack_module_state(models)
    assert params["weight"].shape == (4, 3, 2) and params["weight"].is_leaf
    assert params["weight"].requires_grad and buffers == {}
    close(params["bias"][2], models[2].bias)
    with pytest.raises(RuntimeError, match="Expected at least one model"):
        ember.func.stack_module_state([])
