"""optim.Muon (ember/optim/muon.py) side by side with torch.optim.Muon: 20 steps on tall, wide
and square matrices in float32 and float64, state, state_dict round trip, argument errors."""
import copy

import numpy as np
import pytest
import torch

import ember
from oracle import TORCH_KERNELS_AS_EMBERS, assert_bitwise, to_numpy
from side_by_side import matching_states, optimizer_pair, set_grads, step_together

SHAPES = [(10, 6), (6, 10), (8, 8), (5, 1)]
# The Newton-Schulz iterations run in bfloat16 in both; ember rounds as torch does, so the
# trajectories agree to a few float32 ulps (see test_newton_schulz_is_bfloat16). torch's
# bfloat16 GEMMs go through oneDNN, whose summation order depends on the CPU: elsewhere one
# bfloat16 step's difference moves later weights by ~1e-4 (see tests/oracle.py).
TOLERANCE = ({"float32": (1e-6, 1e-7), "float64": (1e-12, 1e-14)} if TORCH_KERNELS_AS_EMBERS
             else {"float32": (1e-2, 1e-3), "float64": (1e-2, 1e-3)})
CASES = [
    {},
    {"lr": 0.02, "nesterov": False, "weight_decay": 0.0},
    {"lr": 0.02, "adjust_lr_fn": "match_rms_adamw", "momentum": 0.9},
    {"lr": 0.02, "adjust_lr_fn": "original", "ns_coefficients": (2.0, -1.5, 0.5),
     "ns_steps": 3, "eps": 1e-3, "nesterov": False},
    {"lr": ember.tensor(0.02), "weight_decay": 0.05},
]


def _pair(kwargs, dtype, shapes=SHAPES, seed=0):
    return optimizer_pair("Muon", kwargs, dtype, shapes, seed)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("kwargs", CASES, ids=range(len(CASES)))
def test_matches_torch_muon(kwargs, dtype):
    pair = _pair(kwargs, dtype)
    rtol, atol = TOLERANCE[dtype]
    step_together(pair, 20, rtol, atol, label=f"{kwargs} {dtype}")
    ember_state, torch_state = matching_states(*pair[2:])
    for pid, expected in torch_state.items():
        buffer, expected_buffer = ember_state[pid]["momentum_buffer"], expected["momentum_buffer"]
        assert str(buffer.dtype)[6:] == str(expected_buffer.dtype)[6:], f"{pid} buffer dtype"
        np.testing.assert_allclose(to_numpy(buffer), to_numpy(expected_buffer), rtol=rtol,
                                   atol=atol, err_msg=f"state {pid}.momentum_buffer")


def test_newton_schulz_is_bfloat16():
    """From p = 0 with lr 1, no momentum and no weight decay, one step gives p = -NS(g): the
    orthogonalised gradient, every entry a bfloat16 value, equal to torch's."""
    rng = np.random.default_rng(2)
    grad = rng.standard_normal((5, 7))
    kwargs = {"lr": 1.0, "weight_decay": 0.0, "nesterov": False, "momentum": 0.0}
    ember_param = ember.nn.Parameter(ember.zeros(5, 7, dtype=ember.float64))
    torch_param = torch.nn.Parameter(torch.zeros(5, 7, dtype=torch.float64))
    ember_param.grad, torch_param.grad = ember.tensor(grad), torch.tensor(grad)
    ember.optim.Muon([ember_param], **kwargs).step()
    torch.optim.Muon([torch_param], **kwargs).step()
    update = -to_numpy(ember_param)
    assert_bitwise(update, -to_numpy(torch_param), rtol=1e-2, atol=1e-2)
    np.testing.assert_array_equal(update, torch.tensor(update).bfloat16().double().numpy())
    singular_values = np.linalg.svd(update, compute_uv=False)
    assert 0.5 < singular_values.min() and singular_values.max() < 1.5  # US'V^T, S' ~ 1


def test_param_groups_match_torch():
    _, _, ember_opt, torch_opt = _pair({"adjust_lr_fn": "match_rms_adamw"}, "float32")
    assert ember_opt.state_dict()["param_groups"] == torch_opt.state_dict()["param_groups"]


def test_state_dict_round_trip_resumes_exactly():
    ember_params, torch_params, ember_opt, _ = _pair({"lr": 0.02}, "float32")
    rng = np.random.default_rng(4)
    for _ in range(5):
        set_grads(ember_params, torch_params, rng)
        ember_opt.step()
    saved = copy.deepcopy(ember_opt.state_dict())
    resumed_params = [ember.nn.Parameter(p.detach().clone()) for p in ember_params]
    resumed = ember.optim.Muon(resumed_params, lr=123.0, nesterov=False)
    resumed.load_state_dict(saved)
    assert resumed.param_groups[0]["lr"] == 0.02 and resumed.param_groups[0]["nesterov"]
    for _ in range(5):
        set_grads(ember_params, torch_params, rng)
        for r, e in zip(resumed_params, ember_params):
            r.grad = e.grad.clone()
        ember_opt.step()
        resumed.step()
    for r, e in zip(resumed_params, ember_params):
        np.testing.assert_array_equal(r.detach().numpy(), e.detach().numpy())


@pytest.mark.parametrize("shape", [(3,), (2, 3, 4), ()])
def test_non_matrix_parameters_raise_like_torch(shape):
    with pytest.raises(ValueError) as expected:
        torch.optim.Muon([torch.nn.Parameter(torch.zeros(shape))])
    message = str(expected.value).replace("torch.Size", "ember.Size")
    with pytest.raises(ValueError) as raised:
        ember.optim.Muon([ember.nn.Parameter(ember.zeros(shape))])
    assert str(raised.value) == message


@pytest.mark.parametrize("kwargs", [
    {"lr": -1.0}, {"momentum": -0.5}, {"weight_decay": -0.1}, {"adjust_lr_fn": "unit"},
    {"lr": ember.tensor([0.1, 0.2])},
])
def test_bad_arguments_raise_like_torch(kwargs):
    with pytest.raises(ValueError) as expected:
        torch.optim.Muon([torch.nn.Parameter(torch.zeros(2, 2))], **_torch_kwargs_any(kwargs))
    with pytest.raises(ValueError) as raised:
        ember.optim.Muon([ember.nn.Parameter(ember.zeros(2, 2))], **kwargs)
    assert str(raised.value) == str(expected.value)


def _torch_kwargs_any(kwargs):
    return {k: torch.tensor(v.tolist()) if isinstance(v, ember.Tensor) else v
            for k, v in kwargs.items()}


@pytest.mark.parametrize("kwargs", [{"ns_steps": 100}, {"ns_coefficients": (1.0, 2.0)}])
def test_bad_newton_schulz_arguments_raise_at_step_like_torch(kwargs):
    ember_params, torch_params, ember_opt, torch_opt = _pair(kwargs, "float32")
    set_grads(ember_params, torch_params, np.random.default_rng(3))
    with pytest.raises(ValueError) as expected:
        torch_opt.step()
    with pytest.raises(ValueError) as raised:
        ember_opt.step()
    assert str(raised.value) == str(expected.value)
