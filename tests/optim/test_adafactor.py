"""optim.Adafactor (ember/optim/adafactor.py) side by side with torch.optim.Adafactor: 20
steps on vectors, matrices and higher-rank parameters (factored second moments), state,
state_dict round trip, argument errors."""
import copy

import numpy as np
import pytest
import torch

import ember
from oracle import to_numpy
from side_by_side import matching_states, optimizer_pair, set_grads, step_together

SHAPES = [(3, 4), (5,), (), (2, 3, 4), (2, 1, 3, 2)]
TOLERANCE = {"float32": (2e-5, 1e-6), "float64": (1e-11, 1e-13)}
CASES = [
    {},
    {"lr": 0.05, "weight_decay": 0.1},
    {"beta2_decay": -0.5, "eps": (1e-4, 1e-2), "d": 1.5, "maximize": True},
    {"lr": ember.tensor(0.02), "eps": (None, 0.5), "weight_decay": 0.1},
]


def _pair(kwargs, dtype, seed=0):
    return optimizer_pair("Adafactor", kwargs, dtype, SHAPES, seed)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("kwargs", CASES, ids=range(len(CASES)))
def test_matches_torch_adafactor(kwargs, dtype):
    pair = _pair(kwargs, dtype)
    rtol, atol = TOLERANCE[dtype]
    step_together(pair, 20, rtol, atol, label=f"{kwargs} {dtype}")
    ember_state, torch_state = matching_states(*pair[2:])
    for pid, expected in torch_state.items():
        for key, value in expected.items():
            mine = ember_state[pid][key]
            assert tuple(mine.shape) == tuple(value.shape), f"{pid}.{key}"
            assert str(mine.dtype)[6:] == str(value.dtype)[6:], f"{pid}.{key}"
            np.testing.assert_allclose(to_numpy(mine), to_numpy(value), rtol=rtol * 10,
                                       atol=atol, err_msg=f"state {pid}.{key}")


def test_param_groups_match_torch():
    _, _, ember_opt, torch_opt = _pair({}, "float32")
    assert ember_opt.state_dict()["param_groups"] == torch_opt.state_dict()["param_groups"]


def test_state_dict_round_trip_resumes_exactly():
    ember_params, torch_params, ember_opt, _ = _pair({"weight_decay": 0.1}, "float32")
    rng = np.random.default_rng(4)
    for _ in range(5):
        set_grads(ember_params, torch_params, rng)
        ember_opt.step()
    saved = copy.deepcopy(ember_opt.state_dict())
    resumed_params = [ember.nn.Parameter(p.detach().clone()) for p in ember_params]
    resumed = ember.optim.Adafactor(resumed_params, lr=123.0)
    resumed.load_state_dict(saved)
    assert resumed.param_groups[0]["lr"] == 1e-2
    for _ in range(5):
        set_grads(ember_params, torch_params, rng)
        for r, e in zip(resumed_params, ember_params):
            r.grad = e.grad.clone()
        ember_opt.step()
        resumed.step()
    for r, e in zip(resumed_params, ember_params):
        np.testing.assert_array_equal(r.detach().numpy(), e.detach().numpy())


@pytest.mark.parametrize("kwargs", [
    {"lr": -1.0}, {"beta2_decay": 0.5}, {"eps": (-1.0, 1e-3)}, {"eps": (None, -1.0)},
    {"d": 0.5}, {"weight_decay": -0.1},
])
def test_bad_arguments_raise_like_torch(kwargs):
    with pytest.raises(ValueError) as expected:
        torch.optim.Adafactor([torch.nn.Parameter(torch.zeros(2))], **kwargs)
    with pytest.raises(ValueError, match=str(expected.value).split(" but")[0]):
        ember.optim.Adafactor([ember.nn.Parameter(ember.zeros(2))], **kwargs)
