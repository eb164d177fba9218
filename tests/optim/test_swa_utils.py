"""ember.optim.swa_utils against torch.optim.swa_utils: averaged weights, SWALR, update_bn."""
import warnings

import numpy as np
import pytest
import torch

import ember
from oracle import to_numpy

E, T = ember.optim.swa_utils, torch.optim.swa_utils

AVERAGING = {
    "swa": lambda lib: {},
    "swa_avg_fn": lambda lib: {"avg_fn": lib.optim.swa_utils.get_swa_avg_fn()},
    "swa_multi": lambda lib: {"multi_avg_fn": lib.optim.swa_utils.get_swa_multi_avg_fn()},
    "ema_avg_fn": lambda lib: {"avg_fn": lib.optim.swa_utils.get_ema_avg_fn(0.9)},
    "ema_multi": lambda lib: {"multi_avg_fn": lib.optim.swa_utils.get_ema_multi_avg_fn(0.9)},
    "swa_buffers": lambda lib: {"use_buffers": True},
    "ema_buffers": lambda lib: {"multi_avg_fn": lib.optim.swa_utils.get_ema_multi_avg_fn(0.8),
                                "use_buffers": True},
}


def model_pair(dtype):
    """The same Linear-BatchNorm-Linear model in ember and torch."""
    def build(lib):
        return lib.nn.Sequential(lib.nn.Linear(3, 4), lib.nn.BatchNorm1d(4),
                                 lib.nn.Linear(4, 2)).to(getattr(lib, dtype))
    torch.manual_seed(0)
    torch_model = build(torch)
    ember_model = build(ember)
    ember_model.load_state_dict({k: ember.tensor(v.numpy())
                                 for k, v in torch_model.state_dict().items()})
    return ember_model, torch_model


def train_step(ember_model, torch_model, rng):
    """A forward pass (moves BatchNorm's statistics) and the same random weight change."""
    x = rng.standard_normal((5, 3))
    ember_model(ember.tensor(x, dtype=ember_model[0].weight.dtype))
    torch_model(torch.tensor(x, dtype=torch_model[0].weight.dtype))
    for e, t in zip(ember_model.parameters(), torch_model.parameters()):
        delta = rng.standard_normal(tuple(t.shape))
        with torch.no_grad():
            t.add_(torch.tensor(delta, dtype=t.dtype))
        with ember.no_grad():
            e.add_(ember.tensor(delta, dtype=e.dtype))


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("kind", list(AVERAGING))
def test_averaged_model_matches_torch(kind, dtype):
    ember_model, torch_model = model_pair(dtype)
    ember_avg = E.AveragedModel(ember_model, **AVERAGING[kind](ember))
    torch_avg = T.AveragedModel(torch_model, **AVERAGING[kind](torch))
    rng = np.random.default_rng(0)
    tol = 1e-5 if dtype == "float32" else 1e-12
    for step in range(6):
        train_step(ember_model, torch_model, rng)
        ember_avg.update_parameters(ember_model)
        torch_avg.update_parameters(torch_model)
        ember_state, torch_state = ember_avg.state_dict(), torch_avg.state_dict()
        assert list(ember_state) == list(torch_state)
        for key in torch_state:
            assert ember_state[key].dtype == getattr(ember, str(torch_state[key].dtype)[6:])
            np.testing.assert_allclose(to_numpy(ember_state[key]), to_numpy(torch_state[key]),
                                       rtol=tol, atol=tol, err_msg=f"{kind} {key} step {step}")
    assert int(ember_avg.n_averaged) == 6
    x = np.ones((2, 3))
    ember_avg.eval()
    torch_avg.eval()
    np.testing.assert_allclose(
        to_numpy(ember_avg(ember.tensor(x, dtype=getattr(ember, dtype)))),
        to_numpy(torch_avg(torch.tensor(x, dtype=getattr(torch, dtype)))), rtol=tol, atol=tol)


@pytest.mark.parametrize("lib", [ember, torch], ids=["ember", "torch"])
def test_swa_multi_avg_fn_on_integer_buffers_raises_as_torch(lib):
    swa = lib.optim.swa_utils
    model = lib.nn.BatchNorm1d(2)
    averaged = swa.AveragedModel(model, multi_avg_fn=swa.get_swa_multi_avg_fn(),
                                 use_buffers=True)
    averaged.update_parameters(model)
    with pytest.raises(RuntimeError, match="Integer division with addcdiv"):
        averaged.update_parameters(model)


def test_first_update_copies_and_second_averages():
    model = ember.nn.Linear(2, 1)
    averaged = E.AveragedModel(model)
    with ember.no_grad():
        model.weight.fill_(1.0)
    averaged.update_parameters(model)
    with ember.no_grad():
        model.weight.fill_(3.0)
    averaged.update_parameters(model)
    assert averaged.module.weight.tolist() == [[2.0, 2.0]]
    assert averaged.n_averaged.dtype == ember.int64
    assert not averaged.module.weight.grad_fn


def test_averaged_model_state_dict_round_trip():
    model = ember.nn.Linear(2, 3)
    averaged = E.AveragedModel(model)
    averaged.update_parameters(model)
    averaged.update_parameters(model)
    restored = E.AveragedModel(ember.nn.Linear(2, 3))
    restored.load_state_dict(averaged.state_dict())
    assert int(restored.n_averaged) == 2
    assert restored.module.weight.tolist() == model.weight.tolist()


@pytest.mark.parametrize("lib", [ember, torch], ids=["ember", "torch"])
def test_bad_arguments_raise_as_torch(lib):
    swa = lib.optim.swa_utils
    with pytest.raises(AssertionError):
        swa.AveragedModel(lib.nn.Linear(1, 1), avg_fn=swa.get_swa_avg_fn(),
                          multi_avg_fn=swa.get_swa_multi_avg_fn())
    for maker in (swa.get_ema_avg_fn, swa.get_ema_multi_avg_fn):
        with pytest.raises(ValueError, match="decay"):
            maker(1.5)
    optimizer = lib.optim.SGD(lib.nn.Linear(1, 1).parameters(), lr=0.1)
    with pytest.raises(ValueError, match="anneal_strategy"):
        swa.SWALR(optimizer, swa_lr=0.05, anneal_strategy="exp")
    with pytest.raises(ValueError, match="anneal_epochs"):
        swa.SWALR(optimizer, swa_lr=0.05, anneal_epochs=-1)
    with pytest.raises(ValueError, match="swa_lr"):
        swa.SWALR(optimizer, swa_lr=[0.05, 0.01])


def optimizer_pair(lrs=(0.5, 0.1)):
    ember_groups = [{"params": [ember.nn.Parameter(ember.zeros(2))], "lr": lr} for lr in lrs]
    torch_groups = [{"params": [torch.nn.Parameter(torch.zeros(2))], "lr": lr} for lr in lrs]
    return ember.optim.SGD(ember_groups, lr=0.1), torch.optim.SGD(torch_groups, lr=0.1)


@pytest.mark.parametrize("strategy", ["cos", "linear"])
@pytest.mark.parametrize("anneal_epochs", [0, 1, 7])
def test_swalr_matches_torch(strategy, anneal_epochs):
    ember_opt, torch_opt = optimizer_pair()
    kwargs = dict(swa_lr=[0.05, 0.02], anneal_epochs=anneal_epochs, anneal_strategy=strategy)
    ember_sched = E.SWALR(ember_opt, **kwargs)
    torch_sched = T.SWALR(torch_opt, **kwargs)
    for step in range(12):
        assert ember_sched.get_last_lr() == pytest.approx(torch_sched.get_last_lr(), rel=1e-14)
        assert [g["lr"] for g in ember_opt.param_groups] == pytest.approx(
            [g["lr"] for g in torch_opt.param_groups], rel=1e-14)
        ember_opt.step()
        torch_opt.step()
        ember_sched.step()
        torch_sched.step()
    assert ember_opt.param_groups[1]["swa_lr"] == 0.02
    state = ember_sched.state_dict()
    assert "anneal_func" not in state and "optimizer" not in state
    assert set(state) == set(torch_sched.state_dict())
    restored = E.SWALR(optimizer_pair()[0], swa_lr=0.05)
    restored.load_state_dict(state)
    assert restored.anneal_func(0.5) == torch_sched.anneal_func(0.5)
    assert restored.anneal_epochs == anneal_epochs


def test_swalr_get_lr_outside_step_warns():
    ember_opt, _ = optimizer_pair()
    scheduler = E.SWALR(ember_opt, swa_lr=0.05)
    with pytest.warns(UserWarning, match="get_last_lr"):
        scheduler.get_lr()


@pytest.mark.parametrize("as_tuple", [False, True])
def test_update_bn_matches_torch(as_tuple):
    ember_model, torch_model = model_pair("float64")
    momentum = torch_model[1].momentum
    rng = np.random.default_rng(3)
    batches = [rng.standard_normal((6, 3)) for _ in range(4)]
    ember_loader = [ember.tensor(b) for b in batches]
    torch_loader = [torch.tensor(b) for b in batches]
    if as_tuple:
        ember_loader = [(b, 0) for b in ember_loader]
        torch_loader = [(b, 0) for b in torch_loader]
    ember_model.eval()
    torch_model.eval()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        E.update_bn(ember_loader, ember_model)
    T.update_bn(torch_loader, torch_model)
    assert not ember_model.training and ember_model[1].momentum == momentum
    for key in ("running_mean", "running_var", "num_batches_tracked"):
        np.testing.assert_allclose(to_numpy(getattr(ember_model[1], key)),
                                   to_numpy(getattr(torch_model[1], key)), rtol=1e-12)
    stacked = np.concatenate(batches) @ to_numpy(ember_model[0].weight).T
    np.testing.assert_allclose(to_numpy(ember_model[1].running_mean),
                               stacked.mean(0) + to_numpy(ember_model[0].bias), rtol=1e-10)


def test_update_bn_without_batchnorm_does_nothing():
    model = ember.nn.Linear(3, 1)
    E.update_bn([object()], model)  # never iterated: no BatchNorm layer to update
    assert model.training
