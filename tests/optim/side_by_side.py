"""An ember optimizer and torch's namesake stepping the same parameters on the same gradients."""
import numpy as np
import torch

import ember
from oracle import to_numpy


def torch_kwargs(kwargs):
    """The optimizer's arguments for torch: a Tensor lr as a torch tensor."""
    return {k: torch.tensor(v.item()) if isinstance(v, ember.Tensor) else v
            for k, v in kwargs.items()}


def optimizer_pair(name, kwargs, dtype, shapes, seed=0):
    """(ember params, torch params, ember optimizer, torch optimizer) from the same values."""
    rng = np.random.default_rng(seed)
    arrays = [rng.standard_normal(s) for s in shapes]
    ember_params = [ember.nn.Parameter(ember.tensor(a, dtype=getattr(ember, dtype)))
                    for a in arrays]
    torch_params = [torch.nn.Parameter(torch.tensor(a, dtype=getattr(torch, dtype)))
                    for a in arrays]
    return (ember_params, torch_params, getattr(ember.optim, name)(ember_params, **kwargs),
            getattr(torch.optim, name)(torch_params, **torch_kwargs(kwargs)))


def set_grads(ember_params, torch_params, rng):
    """grad = noise + 0.5 * p (a noisy quadratic), so the trajectory feeds back."""
    for e, t in zip(ember_params, torch_params):
        grad = rng.standard_normal(tuple(t.shape)) + 0.5 * t.detach().numpy()
        t.grad = torch.tensor(grad, dtype=t.dtype)
        e.grad = ember.tensor(grad, dtype=e.dtype)


def step_together(pair, steps, rtol, atol, label):
    """`steps` steps of both optimizers; the parameters must agree after each."""
    ember_params, torch_params, ember_opt, torch_opt = pair
    rng = np.random.default_rng(1)
    for step in range(steps):
        set_grads(ember_params, torch_params, rng)
        ember_opt.step()
        torch_opt.step()
        for index, (e, t) in enumerate(zip(ember_params, torch_params)):
            np.testing.assert_allclose(to_numpy(e), to_numpy(t), rtol=rtol, atol=atol,
                                       err_msg=f"{label} step {step} param {index}")


def matching_states(ember_opt, torch_opt):
    """The two optimizers' per-parameter states, once they are seen to hold the same parameter
    ids and, for each, the same keys in the same order."""
    ember_state, torch_state = ember_opt.state_dict()["state"], torch_opt.state_dict()["state"]
    assert list(ember_state) == list(torch_state)
    for pid, expected in torch_state.items():
        assert list(ember_state[pid]) == list(expected), f"state keys of {pid}"
    return ember_state, torch_state
