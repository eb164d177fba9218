"""Every scheduler against torch.optim.lr_scheduler: equal learning rates at every step."""
import copy
import math
import warnings

import pytest
import torch

import ember

E, T = ember.optim.lr_scheduler, torch.optim.lr_scheduler


def _optimizers(name="SGD", **kwargs):
    """Two param groups with different learning rates, in ember and in torch."""
    def groups(lib):
        return [{"params": [lib.nn.Parameter(lib.ones(2))]},
                {"params": [lib.nn.Parameter(lib.ones(3))], "lr": 0.05}]
    return (getattr(ember.optim, name)(groups(ember), lr=0.1, **kwargs),
            getattr(torch.optim, name)(groups(torch), lr=0.1, **kwargs))


# (scheduler name, constructor arguments, optimizer name and kwargs, steps)
SGD = ("SGD", {})
SGD_MOMENTUM = ("SGD", {"momentum": 0.9})
ADAM = ("Adam", {})
CASES = [
    ("StepLR", {"step_size": 3, "gamma": 0.5}, SGD, 12),
    ("MultiStepLR", {"milestones": [2, 5, 5, 9], "gamma": 0.3}, SGD, 12),
    ("ExponentialLR", {"gamma": 0.9}, SGD, 12),
    ("CosineAnnealingLR", {"T_max": 7, "eta_min": 0.001}, SGD, 30),
    ("CosineAnnealingWarmRestarts", {"T_0": 3, "T_mult": 2, "eta_min": 0.01}, SGD, 25),
    ("CosineAnnealingWarmRestarts", {"T_0": 4}, SGD, 10),
    ("LinearLR", {"start_factor": 0.25, "end_factor": 0.9, "total_iters": 6}, SGD, 10),
    ("ConstantLR", {"factor": 0.5, "total_iters": 4}, SGD, 8),
    ("PolynomialLR", {"total_iters": 6, "power": 2.0}, SGD, 9),
    ("OneCycleLR", {"max_lr": 1.0, "total_steps": 20}, SGD_MOMENTUM, 20),
    ("OneCycleLR", {"max_lr": [1.0, 0.5], "total_steps": 20, "anneal_strategy": "linear",
                    "three_phase": True}, SGD_MOMENTUM, 20),
    ("OneCycleLR", {"max_lr": 0.01, "epochs": 2, "steps_per_epoch": 6, "pct_start": 0.25},
     ADAM, 12),
    ("CyclicLR", {"base_lr": 0.01, "max_lr": 0.1, "step_size_up": 3}, SGD_MOMENTUM, 20),
    ("CyclicLR", {"base_lr": 0.01, "max_lr": 0.1, "step_size_up": 2, "step_size_down": 4,
                  "mode": "triangular2"}, SGD_MOMENTUM, 20),
    ("CyclicLR", {"base_lr": [0.01, 0.02], "max_lr": 0.1, "step_size_up": 3,
                  "mode": "exp_range", "gamma": 0.9}, ADAM, 20),
    ("CyclicLR", {"base_lr": 0.01, "max_lr": 0.1, "step_size_up": 3,
                  "cycle_momentum": False}, SGD, 10),
]


def _momenta(optimizer):
    return [g.get("momentum", g.get("betas", (None,))[0]) for g in optimizer.param_groups]


@pytest.mark.parametrize("name,kwargs,opt,steps", CASES,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_learning_rates_match_torch(name, kwargs, opt, steps):
    ember_opt, torch_opt = _optimizers(opt[0], **opt[1])
    ember_sched = getattr(E, name)(ember_opt, **kwargs)
    torch_sched = getattr(T, name)(torch_opt, **kwargs)
    assert ember_sched.get_last_lr() == pytest.approx(torch_sched.get_last_lr(), rel=1e-12)
    for step in range(steps):
        ember_opt.step()
        torch_opt.step()
        ember_sched.step()
        torch_sched.step()
        what = f"{name}({kwargs}) step {step}"
        assert ember_sched.get_last_lr() == pytest.approx(torch_sched.get_last_lr(),
                                                          rel=1e-12, abs=1e-15), what
        assert [g["lr"] for g in ember_opt.param_groups] == pytest.approx(
            [g["lr"] for g in torch_opt.param_groups], rel=1e-12, abs=1e-15), what
        assert _momenta(ember_opt) == pytest.approx(_momenta(torch_opt), rel=1e-12), what
    assert set(ember_sched.state_dict()) == set(torch_sched.state_dict())


def _lambda(epoch):
    return 0.9 ** epoch


def test_lambda_and_multiplicative_lr_match_torch():
    for name, fn in (("LambdaLR", _lambda), ("MultiplicativeLR", lambda epoch: 0.95)):
        ember_opt, torch_opt = _optimizers()
        ember_sched, torch_sched = getattr(E, name)(ember_opt, fn), getattr(T, name)(torch_opt,
                                                                                     fn)
        for _ in range(6):
            ember_opt.step()
            torch_opt.step()
            ember_sched.step()
            torch_sched.step()
            assert ember_sched.get_last_lr() == pytest.approx(torch_sched.get_last_lr())


def test_sequential_and_chained_match_torch():
    def build(lib, optimizer, kind):
        sched = lib.optim.lr_scheduler
        first = sched.LinearLR(optimizer, start_factor=0.1, total_iters=3)
        second = sched.ExponentialLR(optimizer, gamma=0.8)
        if kind == "sequential":
            return sched.SequentialLR(optimizer, [first, second], milestones=[3])
        return sched.ChainedScheduler([first, second])

    for kind in ("sequential", "chained"):
        ember_opt, torch_opt = _optimizers()
        ember_sched = build(ember, ember_opt, kind)
        torch_sched = build(torch, torch_opt, kind)
        assert ember_sched.get_last_lr() == pytest.approx(torch_sched.get_last_lr())
        for step in range(10):
            ember_opt.step()
            torch_opt.step()
            ember_sched.step()
            torch_sched.step()
            assert ember_sched.get_last_lr() == pytest.approx(torch_sched.get_last_lr()), (
                kind, step)


def test_reduce_lr_on_plateau_matches_torch():
    metrics = [1.0, 0.9, 0.95, 0.95, 0.95, 0.95, 0.8, 0.85, 0.85, 0.85, 0.85, 0.85, 0.85]
    settings = [{"patience": 2}, {"mode": "max", "factor": 0.5, "patience": 1, "cooldown": 2},
                {"threshold": 0.1, "threshold_mode": "abs", "patience": 0,
                 "min_lr": [0.02, 0.01]}]
    for kwargs in settings:
        ember_opt, torch_opt = _optimizers()
        ember_sched = E.ReduceLROnPlateau(ember_opt, **kwargs)
        torch_sched = T.ReduceLROnPlateau(torch_opt, **kwargs)
        for metric in metrics:
            ember_sched.step(metric)
            torch_sched.step(metric)
            assert ember_sched.get_last_lr() == pytest.approx(torch_sched.get_last_lr()), kwargs
            assert ember_sched.num_bad_epochs == torch_sched.num_bad_epochs


@pytest.mark.parametrize("name,kwargs", [
    ("CosineAnnealingLR", {"T_max": 10}),
    ("OneCycleLR", {"max_lr": 1.0, "total_steps": 20}),
    ("CyclicLR", {"base_lr": 0.01, "max_lr": 0.1, "step_size_up": 3}),
    ("CosineAnnealingWarmRestarts", {"T_0": 3, "T_mult": 2}),
])
def test_state_dict_round_trip_resumes_schedule(name, kwargs):
    reference_opt, _ = _optimizers("SGD", momentum=0.9)
    reference = getattr(E, name)(reference_opt, **kwargs)
    for _ in range(5):
        reference_opt.step()
        reference.step()
    saved = copy.deepcopy(reference.state_dict())
    saved_opt = copy.deepcopy(reference_opt.state_dict())
    resumed_opt, _ = _optimizers("SGD", momentum=0.9)
    resumed = getattr(E, name)(resumed_opt, **kwargs)
    resumed_opt.load_state_dict(saved_opt)
    resumed.load_state_dict(saved)
    for _ in range(6):
        reference_opt.step()
        resumed_opt.step()
        reference.step()
        resumed.step()
        assert resumed.get_last_lr() == reference.get_last_lr()


def test_closed_form_epoch_argument_matches_torch():
    ember_opt, torch_opt = _optimizers()
    ember_sched = E.StepLR(ember_opt, step_size=2, gamma=0.5)
    torch_sched = T.StepLR(torch_opt, step_size=2, gamma=0.5)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ember_sched.step(7)
        torch_sched.step(7)
    assert ember_sched.get_last_lr() == pytest.approx(torch_sched.get_last_lr())


def test_warns_when_scheduler_steps_before_optimizer():
    ember_opt, _ = _optimizers()
    scheduler = E.StepLR(ember_opt, step_size=1)
    with pytest.warns(UserWarning, match="before `optimizer.step\\(\\)`"):
        scheduler.step()


def test_initial_lr_and_resume_errors():
    ember_opt, _ = _optimizers()
    E.ExponentialLR(ember_opt, gamma=0.5)
    assert [g["initial_lr"] for g in ember_opt.param_groups] == [0.1, 0.05]
    fresh, _ = _optimizers()
    with pytest.raises(KeyError, match="initial_lr"):
        E.StepLR(fresh, step_size=2, last_epoch=3)
    with pytest.raises(TypeError, match="is not an Optimizer"):
        E.StepLR(object(), step_size=2)
    with pytest.raises(ValueError, match="Factor should be < 1.0"):
        E.ReduceLROnPlateau(fresh, factor=1.0)
    with pytest.raises(ValueError, match="cycle_momentum"):
        E.OneCycleLR(ember.optim.Adagrad([ember.nn.Parameter(ember.ones(1))]), max_lr=1.0,
                     total_steps=5)
    assert math.isclose(E.CosineAnnealingLR(fresh, T_max=5).get_last_lr()[0], 0.1)
