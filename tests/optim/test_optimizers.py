"""Every optimizer side by side with torch.optim: same parameters, same gradients, 20 steps."""
import copy
import warnings

import numpy as np
import pytest
import torch

import ember
from oracle import to_numpy

CASES = [
    ("SGD", {"lr": 0.1}),
    ("SGD", {"lr": 0.1, "momentum": 0.9}),
    ("SGD", {"lr": 0.1, "momentum": 0.9, "nesterov": True, "weight_decay": 0.1}),
    ("SGD", {"lr": 0.05, "momentum": 0.5, "dampening": 0.3, "maximize": True}),
    ("Adam", {"lr": 0.01}),
    ("Adam", {"lr": 0.01, "amsgrad": True, "weight_decay": 0.1}),
    ("Adam", {"lr": 0.01, "maximize": True, "decoupled_weight_decay": True,
              "weight_decay": 0.1}),
    ("AdamW", {"lr": 0.01}),
    ("AdamW", {"lr": 0.01, "amsgrad": True, "betas": (0.8, 0.9)}),
    ("RMSprop", {"lr": 0.01}),
    ("RMSprop", {"lr": 0.01, "centered": True, "momentum": 0.9, "weight_decay": 0.1}),
    ("Adagrad", {"lr": 0.1}),
    ("Adagrad", {"lr": 0.1, "lr_decay": 0.01, "initial_accumulator_value": 0.1,
                 "weight_decay": 0.1, "maximize": True}),
    ("Adadelta", {}),
    ("Adadelta", {"lr": 0.5, "rho": 0.8, "weight_decay": 0.1}),
    ("Adamax", {"lr": 0.01}),
    ("Adamax", {"lr": 0.01, "weight_decay": 0.1, "maximize": True}),
    ("NAdam", {"lr": 0.01}),
    ("NAdam", {"lr": 0.01, "weight_decay": 0.1, "decoupled_weight_decay": True}),
    ("NAdam", {"lr": 0.01, "weight_decay": 0.1, "momentum_decay": 0.01}),
    ("RAdam", {"lr": 0.01}),
    ("RAdam", {"lr": 0.01, "weight_decay": 0.1, "decoupled_weight_decay": True}),
    ("RAdam", {"lr": 0.01, "weight_decay": 0.1, "betas": (0.9, 0.9)}),
    ("Rprop", {"lr": 0.01}),
    ("Rprop", {"lr": 0.05, "etas": (0.3, 1.5), "step_sizes": (1e-3, 0.1), "maximize": True}),
    ("ASGD", {"lr": 0.05}),
    ("ASGD", {"lr": 0.05, "t0": 5, "lambd": 0.01, "weight_decay": 0.1}),
]
SHAPES = [(3, 4), (5,), ()]
TOLERANCE = {"float32": (2e-5, 1e-6), "float64": (1e-11, 1e-13)}


def _pair(name, kwargs, dtype, shapes=SHAPES, seed=0, device="cpu"):
    """The same parameters in ember and torch, each with its optimizer."""
    rng = np.random.default_rng(seed)
    arrays = [rng.standard_normal(s) for s in shapes]
    ember_params = [ember.nn.Parameter(ember.tensor(a, dtype=getattr(ember, dtype),
                                                    device=device)) for a in arrays]
    torch_params = [torch.nn.Parameter(torch.tensor(a, dtype=getattr(torch, dtype)))
                    for a in arrays]
    ember_opt = getattr(ember.optim, name)(ember_params, **kwargs)
    torch_opt = getattr(torch.optim, name)(torch_params, **kwargs)
    return ember_params, torch_params, ember_opt, torch_opt


def _set_grads(ember_params, torch_params, rng):
    """grad = noise + 0.5 * p (a noisy quadratic), so the trajectory feeds back."""
    for e, t in zip(ember_params, torch_params):
        noise = rng.standard_normal(tuple(t.shape))
        grad = noise + 0.5 * t.detach().numpy().astype(np.float64)
        t.grad = torch.tensor(grad, dtype=t.dtype)
        e.grad = ember.tensor(grad, dtype=e.dtype, device=e.device)


def _assert_params_close(ember_params, torch_params, dtype, what):
    rtol, atol = TOLERANCE[dtype]
    for index, (e, t) in enumerate(zip(ember_params, torch_params)):
        np.testing.assert_allclose(to_numpy(e), to_numpy(t), rtol=rtol,
                                   atol=atol, err_msg=f"{what}: parameter {index}")


def _assert_state_matches(ember_opt, torch_opt, dtype, what):
    """Same state_dict layout (keys, ids, group entries) and close state values."""
    ember_sd, torch_sd = ember_opt.state_dict(), torch_opt.state_dict()
    assert ember_sd["param_groups"] == torch_sd["param_groups"], what
    assert list(ember_sd["param_groups"][0]) == list(torch_sd["param_groups"][0]), what
    assert list(ember_sd["state"]) == list(torch_sd["state"]), what
    rtol, atol = TOLERANCE[dtype]
    for pid, torch_state in torch_sd["state"].items():
        ember_state = ember_sd["state"][pid]
        assert list(ember_state) == list(torch_state), f"{what}: state keys of {pid}"
        for key, value in torch_state.items():
            mine = ember_state[key]
            assert isinstance(mine, ember.Tensor), f"{what}: {key} should be a Tensor"
            assert str(mine.dtype)[6:] == str(value.dtype)[6:], f"{what}: dtype of {key}"
            np.testing.assert_allclose(to_numpy(mine), to_numpy(value), rtol=rtol,
                                       atol=atol, err_msg=f"{what}: state {pid}.{key}")


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name,kwargs", CASES, ids=[f"{n}-{i}" for i, (n, _) in
                                                      enumerate(CASES)])
def test_matches_torch_optim(name, kwargs, dtype, device):
    ember_params, torch_params, ember_opt, torch_opt = _pair(name, kwargs, dtype,
                                                             device=device)
    rng = np.random.default_rng(1)
    what = f"{name}({kwargs}) {dtype} {device}"
    for step in range(20):
        _set_grads(ember_params, torch_params, rng)
        versions = [p._version[0] for p in ember_params]
        ember_opt.step()
        torch_opt.step()
        assert all(p._version[0] > v for p, v in zip(ember_params, versions)), what
        _assert_params_close(ember_params, torch_params, dtype, f"{what} step {step}")
    _assert_state_matches(ember_opt, torch_opt, dtype, what)


def test_parameters_without_grad_are_skipped():
    ember_params, torch_params, ember_opt, torch_opt = _pair("Adam", {"lr": 0.1}, "float64")
    rng = np.random.default_rng(2)
    for _ in range(3):
        _set_grads(ember_params, torch_params, rng)
        ember_params[1].grad = None
        torch_params[1].grad = None
        ember_opt.step()
        torch_opt.step()
    _assert_params_close(ember_params, torch_params, "float64", "skip")
    assert list(ember_opt.state_dict()["state"]) == list(torch_opt.state_dict()["state"])


def test_param_groups_with_their_own_settings():
    rng = np.random.default_rng(3)
    arrays = [rng.standard_normal((2, 3)), rng.standard_normal(4)]
    ember_params = [ember.nn.Parameter(ember.tensor(a)) for a in arrays]
    torch_params = [torch.nn.Parameter(torch.tensor(a)) for a in arrays]

    def groups(params):
        return [{"params": [params[0]]}, {"params": [params[1]], "lr": 0.5, "momentum": 0.0}]

    ember_opt = ember.optim.SGD(groups(ember_params), lr=0.1, momentum=0.9)
    torch_opt = torch.optim.SGD(groups(torch_params), lr=0.1, momentum=0.9)
    for _ in range(5):
        _set_grads(ember_params, torch_params, rng)
        ember_opt.step()
        torch_opt.step()
    _assert_params_close(ember_params, torch_params, "float64", "groups")
    _assert_state_matches(ember_opt, torch_opt, "float64", "groups")


@pytest.mark.parametrize("name,kwargs", [("Adam", {"lr": 0.01, "amsgrad": True}),
                                         ("SGD", {"lr": 0.1, "momentum": 0.9}),
                                         ("NAdam", {"lr": 0.01})])
def test_state_dict_round_trip_resumes_exactly(name, kwargs):
    ember_params, torch_params, ember_opt, torch_opt = _pair(name, kwargs, "float32")
    rng = np.random.default_rng(4)
    for _ in range(5):
        _set_grads(ember_params, torch_params, rng)
        ember_opt.step()
        torch_opt.step()
    saved = copy.deepcopy(ember_opt.state_dict())
    resumed_params = [ember.nn.Parameter(p.detach().clone()) for p in ember_params]
    resumed = getattr(ember.optim, name)(resumed_params, lr=123.0)
    resumed.load_state_dict(saved)
    assert resumed.param_groups[0]["lr"] == kwargs["lr"]
    assert resumed.param_groups[0]["params"][0] is resumed_params[0]
    for _ in range(5):
        _set_grads(ember_params, torch_params, rng)
        for r, e in zip(resumed_params, ember_params):
            r.grad = e.grad.clone()
        ember_opt.step()
        resumed.step()
    for r, e in zip(resumed_params, ember_params):
        np.testing.assert_array_equal(r.detach().numpy(), e.detach().numpy())


def test_ember_state_dict_loads_into_torch():
    """The format is torch's: an ember state_dict, tensors converted, drives torch.optim."""
    ember_params, torch_params, ember_opt, torch_opt = _pair("Adam", {"lr": 0.01}, "float32")
    rng = np.random.default_rng(5)
    for _ in range(4):
        _set_grads(ember_params, torch_params, rng)
        ember_opt.step()
    state = ember_opt.state_dict()
    converted = {
        "state": {k: {n: torch.tensor(v.numpy()) for n, v in s.items()}
                  for k, s in state["state"].items()},
        "param_groups": state["param_groups"]}
    with torch.no_grad():
        for e, t in zip(ember_params, torch_params):
            t.copy_(torch.tensor(e.detach().numpy()))
    torch_opt.load_state_dict(converted)
    for _ in range(4):
        _set_grads(ember_params, torch_params, rng)
        ember_opt.step()
        torch_opt.step()
    _assert_params_close(ember_params, torch_params, "float32", "ember->torch")


def test_zero_grad():
    p = ember.nn.Parameter(ember.ones(3))
    opt = ember.optim.SGD([p], lr=0.1)
    p.grad = ember.ones(3)
    opt.zero_grad(set_to_none=False)
    assert p.grad is not None and p.grad.tolist() == [0.0, 0.0, 0.0]
    opt.zero_grad()
    assert p.grad is None


def test_step_closure_runs_with_grad_and_returns_loss():
    p = ember.nn.Parameter(ember.tensor([2.0]))
    opt = ember.optim.SGD([p], lr=0.25)

    def closure():
        opt.zero_grad()
        loss = (p * p).sum()
        loss.backward()
        return loss

    with ember.no_grad():
        loss = opt.step(closure)
    assert loss.item() == 4.0
    assert p.tolist() == [1.0]  # 2 - 0.25 * 4


def test_step_hooks_run_in_order_and_can_be_removed():
    p = ember.nn.Parameter(ember.ones(1))
    p.grad = ember.ones(1)
    opt = ember.optim.SGD([p], lr=0.1)
    calls = []
    pre = opt.register_step_pre_hook(lambda o, a, k: calls.append(("pre", o is opt)))
    opt.register_step_post_hook(lambda o, a, k: calls.append(("post", o is opt)))
    opt.step()
    pre.remove()
    opt.step()
    assert calls == [("pre", True), ("post", True), ("post", True)]


def test_named_parameters_put_param_names_in_groups():
    model = ember.nn.Linear(2, 1)
    opt = ember.optim.SGD(model.named_parameters(), lr=0.1)
    assert opt.param_groups[0]["param_names"] == ["weight", "bias"]
    assert opt.state_dict()["param_groups"][0]["param_names"] == ["weight", "bias"]


def test_bad_arguments_raise_like_torch():
    p = ember.nn.Parameter(ember.ones(2))
    with pytest.raises(ValueError, match="Invalid learning rate"):
        ember.optim.Adam([p], lr=-1.0)
    with pytest.raises(ValueError, match="Invalid beta parameter at index 1"):
        ember.optim.Adam([p], betas=(0.9, 1.0))
    with pytest.raises(ValueError, match="Nesterov"):
        ember.optim.SGD([p], lr=0.1, nesterov=True)
    with pytest.raises(ValueError, match="empty parameter list"):
        ember.optim.SGD([], lr=0.1)
    with pytest.raises(TypeError, match="iterable of Tensors"):
        ember.optim.SGD(p, lr=0.1)
    with pytest.raises(ValueError, match="more than one parameter group"):
        ember.optim.SGD([{"params": [p]}, {"params": [p]}], lr=0.1)
    with pytest.raises(ValueError, match="non-leaf"):
        ember.optim.SGD([p * 2], lr=0.1)
    with pytest.warns(UserWarning, match="duplicate parameters"):
        ember.optim.SGD([p, p], lr=0.1)
    opt = ember.optim.SGD([p], lr=0.1)
    other = ember.optim.SGD([{"params": [p]}, {"params": [ember.nn.Parameter(ember.ones(1))]}],
                            lr=0.1)
    with pytest.raises(ValueError, match="different number of parameter groups"):
        opt.load_state_dict(other.state_dict())


def test_repr_lists_group_settings_like_torch():
    e = ember.optim.SGD([ember.nn.Parameter(ember.ones(1))], lr=0.1)
    t = torch.optim.SGD([torch.nn.Parameter(torch.ones(1))], lr=0.1)
    assert repr(e) == repr(t)


def test_update_works_in_place_on_the_same_parameter_object():
    layer = ember.nn.Linear(3, 2)
    weight = layer.weight
    before = weight.detach().clone().numpy()
    opt = ember.optim.SGD(layer.parameters(), lr=1.0)
    weight.grad = ember.ones(2, 3)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        opt.step()
    assert layer.weight is weight
    np.testing.assert_allclose(weight.detach().numpy(), before - 1.0, rtol=1e-6)


@pytest.mark.parametrize("line_search_fn", [None, "strong_wolfe"])
def test_lbfgs_matches_torch_on_rosenbrock(line_search_fn):
    start = np.array([-1.5, 2.0])
    results = []
    for lib in (ember, torch):
        x = lib.nn.Parameter(lib.tensor(start, dtype=lib.float64))
        opt = lib.optim.LBFGS([x], lr=0.5, max_iter=15, history_size=5,
                              line_search_fn=line_search_fn)

        def closure():
            opt.zero_grad()
            loss = (1 - x[0]) ** 2 + 100 * (x[1] - x[0] ** 2) ** 2
            loss.backward()
            return loss

        losses = [opt.step(closure).item() for _ in range(4)]
        state = opt.state[x]
        results.append((x.detach().numpy().copy(), losses, state["func_evals"],
                        state["n_iter"], sorted(state)))
    (ex, e_losses, e_evals, e_iter, e_keys), (tx, t_losses, t_evals, t_iter, t_keys) = results
    # float64, yet not bit-exact: Rosenbrock's ill-conditioning amplifies last-bit
    # differences over 60 iterations to ~1e-8
    np.testing.assert_allclose(ex, tx, rtol=1e-6)
    np.testing.assert_allclose(e_losses, t_losses, rtol=1e-6)
    assert (e_evals, e_iter, e_keys) == (t_evals, t_iter, t_keys)
    if line_search_fn:
        np.testing.assert_allclose(ex, [1.0, 1.0], atol=1e-4)


def test_lbfgs_rejects_param_groups():
    with pytest.raises(ValueError, match="parameter groups"):
        ember.optim.LBFGS([{"params": [ember.nn.Parameter(ember.ones(1))]},
                           {"params": [ember.nn.Parameter(ember.ones(1))]}])
