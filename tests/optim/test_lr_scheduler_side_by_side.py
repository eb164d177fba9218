"""Every scheduler 30 steps in lock step with torch's on two param groups: learning rates,
momenta, get_last_lr, warnings, state_dict values, a state_dict round trip that resumes as
torch's does, and the exception types of bad arguments."""
import math
import warnings

import pytest
import torch

import ember

E, T = ember.optim.lr_scheduler, torch.optim.lr_scheduler
SGD, MOMENTUM, ADAM = ("SGD", {}), ("SGD", {"momentum": 0.9}), ("Adam", {})


def _optimizers(name="SGD", kwargs=None, tensor_lr=False):
    def build(lib):
        lr = (lambda v: lib.tensor(v)) if tensor_lr else (lambda v: v)
        groups = [{"params": [lib.nn.Parameter(lib.ones(2))]},
                  {"params": [lib.nn.Parameter(lib.ones(3))], "lr": lr(0.05)}]
        return getattr(lib.optim, name)(groups, lr=lr(0.1), **(kwargs or {}))
    return build(ember), build(torch)


class Power:
    """A callable object: its __dict__ is saved in LambdaLR's state_dict, as torch's."""

    def __init__(self, base):
        self.base = base

    def __call__(self, epoch):
        return self.base ** epoch


def plateau_metric(step):
    return [1.0, 0.9, 0.95, 0.95, 0.96, 0.97, 0.5, 0.5, 0.5, 0.5][step % 10] * 0.99 ** step


# (id, fn(scheduler module, optimizer), optimizer, step argument per step or None)
CASES = [
    ("LambdaLR-list", lambda S, o: S.LambdaLR(o, [Power(0.9), lambda e: 1 / (e + 1)]), SGD, None),
    ("MultiplicativeLR", lambda S, o: S.MultiplicativeLR(o, Power(0.97)), SGD, None),
    ("MultiStepLR", lambda S, o: S.MultiStepLR(o, [3, 7, 7, 20], 0.3), SGD, None),
    ("ConstantLR", lambda S, o: S.ConstantLR(o, 0.3, 6), SGD, None),
    ("LinearLR", lambda S, o: S.LinearLR(o, 0.1, 0.7, 12), SGD, None),
    ("PolynomialLR", lambda S, o: S.PolynomialLR(o, 10, 1.5), SGD, None),
    ("PolynomialLR-default", lambda S, o: S.PolynomialLR(o), SGD, None),
    ("CAWR-Tmult3", lambda S, o: S.CosineAnnealingWarmRestarts(o, 2, 3), SGD, None),
    ("CAWR-float-epochs", lambda S, o: S.CosineAnnealingWarmRestarts(o, 3, 2, 0.01), SGD,
     [i * 0.37 for i in range(30)]),
    ("CAWR-float-epochs-Tmult1", lambda S, o: S.CosineAnnealingWarmRestarts(o, 4), SGD,
     [i * 0.5 + 0.25 for i in range(30)]),
    ("StepLR-epochs", lambda S, o: S.StepLR(o, 4, 0.5), SGD, list(range(0, 60, 2))),
    ("SequentialLR-3", lambda S, o: S.SequentialLR(o, [
        S.LinearLR(o, 0.1, total_iters=5), S.ExponentialLR(o, 0.9), S.StepLR(o, 3)],
        milestones=[5, 12]), SGD, None),
    ("ChainedScheduler", lambda S, o: S.ChainedScheduler(
        [S.StepLR(o, 3), S.ExponentialLR(o, 0.95)], optimizer=o), SGD, None),
    ("Plateau-eps", lambda S, o: S.ReduceLROnPlateau(o, factor=0.1, patience=0, eps=1e-3),
     SGD, [1.0] * 30),
    ("CyclicLR-scale_fn-iterations", lambda S, o: S.CyclicLR(
        o, 0.01, 0.1, step_size_up=4, scale_fn=Power(0.5), scale_mode="iterations"),
     MOMENTUM, None),
    ("CyclicLR-scale_fn-cycle", lambda S, o: S.CyclicLR(
        o, 0.01, 0.1, step_size_up=4, scale_fn=lambda x: 1 / x), MOMENTUM, None),
    ("CyclicLR-adam", lambda S, o: S.CyclicLR(o, 0.01, 0.1, step_size_up=4), ADAM, None),
    ("OneCycleLR-adam-epochs", lambda S, o: S.OneCycleLR(
        o, 0.01, epochs=3, steps_per_epoch=11, base_momentum=0.8, max_momentum=0.9),
     ADAM, None),
    ("OneCycleLR-no-momentum", lambda S, o: S.OneCycleLR(
        o, 0.01, total_steps=31, cycle_momentum=False), SGD, None),
]
for mode in ("min", "max"):
    for threshold_mode in ("rel", "abs"):
        CASES.append((f"Plateau-{mode}-{threshold_mode}",
                      lambda S, o, m=mode, t=threshold_mode: S.ReduceLROnPlateau(
                          o, mode=m, factor=0.5, patience=2, threshold=0.01, threshold_mode=t,
                          cooldown=1, min_lr=[0.001, 0.01]),
                      SGD, [plateau_metric(s) for s in range(30)]))
for mode in ("triangular", "triangular2", "exp_range"):
    CASES.append((f"CyclicLR-{mode}", lambda S, o, m=mode: S.CyclicLR(
        o, [0.01, 0.02], 0.1, step_size_up=3, step_size_down=5, mode=m, gamma=0.95,
        base_momentum=0.8, max_momentum=0.9), MOMENTUM, None))
for three_phase in (False, True):
    for anneal in ("cos", "linear"):
        CASES.append((f"OneCycleLR-{anneal}-three_phase={three_phase}",
                      lambda S, o, a=anneal, t=three_phase: S.OneCycleLR(
                          o, [1.0, 0.5], total_steps=31, pct_start=0.3, anneal_strategy=a,
                          div_factor=10, final_div_factor=100, three_phase=t), MOMENTUM, None))


def _momenta(optimizer):
    return [g.get("momentum", g.get("betas", (None,))[0]) for g in optimizer.param_groups]


def _same(a, b):
    """Equal to 1e-12 (numbers), element by element (lists, dicts); functions and objects
    that torch keeps in its state (scale_fn, lr_lambdas) by type name only."""
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return set(a) == set(b) and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b or math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-15)
    return type(a).__name__ == type(b).__name__


def _step(scheduler, argument):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        scheduler.step() if argument is None else scheduler.step(argument)
    return sorted({(w.category.__name__, str(w.message)[:60]) for w in caught})


@pytest.mark.parametrize("make,opt,arguments", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_thirty_steps_match_torch(make, opt, arguments):
    ember_opt, torch_opt = _optimizers(*opt)
    ember_sched, torch_sched = make(E, ember_opt), make(T, torch_opt)
    for step in range(30):
        ember_opt.step()
        torch_opt.step()
        argument = None if arguments is None else arguments[step]
        assert _step(ember_sched, argument) == _step(torch_sched, argument), step
        assert _same(ember_sched.get_last_lr(), torch_sched.get_last_lr()), (
            step, ember_sched.get_last_lr(), torch_sched.get_last_lr())
        assert _same([g["lr"] for g in ember_opt.param_groups],
                     [g["lr"] for g in torch_opt.param_groups]), step
        assert _same(_momenta(ember_opt), _momenta(torch_opt)), step
        if step == 12:
            ember_state, torch_state = ember_sched.state_dict(), torch_sched.state_dict()
            assert set(ember_state) == set(torch_state)
            assert _same(ember_state, torch_state)


@pytest.mark.parametrize("make,opt,arguments", [c[1:] for c in CASES[::3]],
                         ids=[c[0] for c in CASES[::3]])
def test_state_dict_round_trip_continues_as_torch(make, opt, arguments):
    ember_opt, torch_opt = _optimizers(*opt)
    ember_sched, torch_sched = make(E, ember_opt), make(T, torch_opt)
    arguments = arguments or [None] * 30
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for step in range(10):
            for optimizer, scheduler in ((ember_opt, ember_sched), (torch_opt, torch_sched)):
                optimizer.step()
                _step(scheduler, arguments[step])
        # both resume the same way: a fresh optimizer and scheduler, then their states
        ember_opt2, torch_opt2 = _optimizers(*opt)
        ember_opt2.load_state_dict(ember_opt.state_dict())
        torch_opt2.load_state_dict(torch_opt.state_dict())
        ember_resumed, torch_resumed = make(E, ember_opt2), make(T, torch_opt2)
        ember_resumed.load_state_dict(ember_sched.state_dict())
        torch_resumed.load_state_dict(torch_sched.state_dict())
        for step in range(10, 30):
            ember_opt2.step()
            torch_opt2.step()
            _step(ember_resumed, arguments[step])
            _step(torch_resumed, arguments[step])
            assert _same([g["lr"] for g in ember_opt2.param_groups],
                         [g["lr"] for g in torch_opt2.param_groups]), step
            assert _same(_momenta(ember_opt2), _momenta(torch_opt2)), step


def test_lambda_state_dict_keeps_callable_objects_only():
    ember_opt, torch_opt = _optimizers()
    ember_sched = E.LambdaLR(ember_opt, [Power(0.9), lambda e: 1.0])
    torch_sched = T.LambdaLR(torch_opt, [Power(0.9), lambda e: 1.0])
    assert ember_sched.state_dict()["lr_lambdas"] == torch_sched.state_dict()["lr_lambdas"]
    state = ember_sched.state_dict()
    state["lr_lambdas"][0]["base"] = 0.5
    other_opt, _ = _optimizers()
    other = E.LambdaLR(other_opt, [Power(0.9), lambda e: 1.0])
    other.load_state_dict(state)
    assert other.lr_lambdas[0].base == 0.5


@pytest.mark.parametrize("name,make", [
    ("StepLR", lambda S, o: S.StepLR(o, 3)),
    ("CosineAnnealingWarmRestarts", lambda S, o: S.CosineAnnealingWarmRestarts(o, 3, 2)),
    ("OneCycleLR", lambda S, o: S.OneCycleLR(o, 0.5, total_steps=31)),
    ("CyclicLR", lambda S, o: S.CyclicLR(o, 0.01, 0.1, 3)),
    ("PolynomialLR", lambda S, o: S.PolynomialLR(o, 10)),
    ("SequentialLR", lambda S, o: S.SequentialLR(
        o, [S.ConstantLR(o, 0.5, 3), S.ExponentialLR(o, 0.9)], [4])),
])
def test_tensor_learning_rates_stay_tensors(name, make):
    ember_opt, torch_opt = _optimizers("Adam", tensor_lr=True)
    ember_sched, torch_sched = make(E, ember_opt), make(T, torch_opt)
    for step in range(30):
        ember_opt.step()
        torch_opt.step()
        ember_sched.step()
        torch_sched.step()
        assert isinstance(ember_opt.param_groups[0]["lr"], ember.Tensor)
        assert [float(v) for v in ember_sched.get_last_lr()] == pytest.approx(
            [float(v) for v in torch_sched.get_last_lr()], rel=1e-6), step


def _other(lib):
    return _optimizers()[0 if lib is ember else 1]


BAD = [
    ("not-an-optimizer", lambda S, o, L: S.StepLR(object(), 3)),
    ("lambda-count", lambda S, o, L: S.LambdaLR(o, [Power(1)] * 3)),
    ("multiplicative-not-callable", lambda S, o, L: S.MultiplicativeLR(o, 3)),
    ("constant-factor", lambda S, o, L: S.ConstantLR(o, 1.5)),
    ("linear-start", lambda S, o, L: S.LinearLR(o, start_factor=0)),
    ("cawr-T_0", lambda S, o, L: S.CosineAnnealingWarmRestarts(o, 2.0)),
    ("cawr-T_mult", lambda S, o, L: S.CosineAnnealingWarmRestarts(o, 2, 1.5)),
    ("cawr-eta_min", lambda S, o, L: S.CosineAnnealingWarmRestarts(o, 2, 1, "x")),
    ("cawr-negative-epoch", lambda S, o, L: S.CosineAnnealingWarmRestarts(o, 2).step(-1)),
    ("plateau-mode", lambda S, o, L: S.ReduceLROnPlateau(o, mode="mid")),
    ("plateau-threshold_mode", lambda S, o, L: S.ReduceLROnPlateau(o, threshold_mode="x")),
    ("plateau-min_lr", lambda S, o, L: S.ReduceLROnPlateau(o, min_lr=[0.1])),
    ("cyclic-mode", lambda S, o, L: S.CyclicLR(o, 0.01, 0.1, mode="x")),
    ("cyclic-base_lr", lambda S, o, L: S.CyclicLR(o, [0.01], 0.1, cycle_momentum=False)),
    ("onecycle-no-steps", lambda S, o, L: S.OneCycleLR(o, 0.1)),
    ("onecycle-total", lambda S, o, L: S.OneCycleLR(o, 0.1, total_steps=0)),
    ("onecycle-pct", lambda S, o, L: S.OneCycleLR(o, 0.1, total_steps=10, pct_start=1.5)),
    ("onecycle-anneal", lambda S, o, L: S.OneCycleLR(o, 0.1, total_steps=10,
                                                     anneal_strategy="x")),
    ("sequential-milestones", lambda S, o, L: S.SequentialLR(
        o, [S.StepLR(o, 2), S.StepLR(o, 3)], milestones=[1, 2])),
    ("sequential-empty", lambda S, o, L: S.SequentialLR(o, [], milestones=[])),
    ("sequential-other-optimizer", lambda S, o, L: S.SequentialLR(
        o, [S.StepLR(_other(L), 2), S.StepLR(o, 3)], milestones=[1])),
    ("sequential-not-a-scheduler", lambda S, o, L: S.SequentialLR(
        o, [3, S.StepLR(o, 3)], milestones=[1])),
    ("chained-plateau", lambda S, o, L: S.ChainedScheduler(
        [S.ReduceLROnPlateau(o), S.StepLR(o, 3)])),
    ("chained-other-optimizer", lambda S, o, L: S.ChainedScheduler(
        [S.StepLR(_other(L), 2), S.StepLR(o, 3)])),
]


@pytest.mark.parametrize("make", [b[1] for b in BAD], ids=[b[0] for b in BAD])
def test_bad_arguments_raise_torch_exception_types(make):
    errors = []
    for S, lib in ((E, ember), (T, torch)):
        optimizer = _optimizers("SGD", {"momentum": 0.9})[0 if lib is ember else 1]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with pytest.raises(Exception) as info:
                make(S, optimizer, lib)
        errors.append(info.type)
    assert errors[0] is errors[1]
