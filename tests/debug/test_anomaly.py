"""Anomaly mode: the first NaN/Inf in forward or backward names op, module and user line."""
import warnings

import pytest
from conftest import CifarNet

import ember
import ember.nn as nn
from ember.autograd import anomaly, function


@pytest.fixture(autouse=True)
def _quiet():
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Anomaly Detection has been enabled")
        yield


class LogHead(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 4)

    def forward(self, x):
        return (self.fc(x) - 100.0).log()  # the culprit: log of negative numbers


def test_forward_nan_names_op_module_and_user_line():
    model = nn.Sequential(nn.Linear(4, 4), LogHead())
    with ember.autograd.detect_anomaly():
        with pytest.raises(RuntimeError) as error:
            model(ember.randn(2, 4))
    message = str(error.value)
    assert message.startswith("Anomaly: the forward op 'Log' produced nan values in its 0th "
                              "output from finite inputs.")
    assert "in module '1' (LogHead)" in message
    assert f"{__file__}:" in message and "(self.fc(x) - 100.0).log()  # the culprit" in message
    trace = message.split("Forward call stack")[1]
    assert "ember/" not in trace.replace(__file__, "")  # ember's own frames are trimmed
    assert "model(ember.randn(2, 4))" in trace  # ... the user's frames are kept


def test_backward_nan_names_the_node_and_its_forward_line():
    model = CifarNet()
    x = ember.randn(2, 3, 32, 32)
    with ember.autograd.detect_anomaly():
        hidden = model.fc1(model.features(x))
        y = (hidden * 0).sqrt()  # d sqrt / dx is inf at 0
        loss = (y * 0).sum()
        with pytest.raises(RuntimeError) as error:
            loss.backward()
    message = str(error.value)
    assert message.startswith("Function 'SqrtBackward0' returned nan values in its 0th output.")
    assert "y = (hidden * 0).sqrt()  # d sqrt / dx is inf at 0" in message
    assert not anomaly.is_anomaly_enabled() and not function.recording_observers


def test_module_path_of_the_backward_culprit():
    class Scaled(nn.Module):
        def forward(self, x):
            return x.sqrt()

    model = nn.Sequential(nn.Linear(3, 3), Scaled())
    with ember.no_grad():
        model[0].bias.zero_()
    with ember.autograd.detect_anomaly():
        out = model(ember.zeros(1, 3))  # sqrt(0): fine forward, inf gradient
        with pytest.raises(RuntimeError, match=r"Function 'SqrtBackward0' returned (nan|inf) "
                           r"[\s\S]*in module '1' \(Scaled\)"):
            (out * 0 + out).sum().backward()


def test_propagated_and_deliberate_infinities_are_not_blamed():
    x = ember.randn(4, 4, requires_grad=True)
    mask = ember.ones(4, 4, dtype=ember.bool).triu(1)
    with ember.autograd.detect_anomaly():
        scores = (x * 2).masked_fill(mask, float("-inf"))  # -inf on purpose: not an anomaly
        weights = scores.softmax(-1)
        weights.sum().backward()
    assert bool(ember.isfinite(x.grad).all())


def test_check_nan_false_and_set_detect_anomaly():
    x = ember.tensor([-1.0], requires_grad=True)
    with ember.autograd.detect_anomaly(check_nan=False):
        y = x.log()  # nan, but checks are off
    assert bool(y.isnan().all())
    assert "stack" in y.grad_fn.metadata  # stacks are still recorded
    with ember.autograd.set_detect_anomaly(True):
        assert anomaly.is_anomaly_enabled() and anomaly.is_anomaly_check_nan_enabled()
    assert not anomaly.is_anomaly_enabled()
    with pytest.warns(UserWarning, match="Anomaly Detection has been enabled"):
        with ember.autograd.detect_anomaly():
            pass


def test_decorator_form():
    @ember.autograd.detect_anomaly()
    def step(x):
        return (x - 5).sqrt()

    with pytest.raises(RuntimeError, match="forward op 'Sqrt' produced nan"):
        step(ember.ones(2, requires_grad=True))
    assert not anomaly.is_anomaly_enabled()


def test_node_recorded_before_anomaly_mode_says_so():
    x = ember.zeros(1, requires_grad=True)
    y = x.sqrt()
    with ember.autograd.detect_anomaly():
        with pytest.raises(RuntimeError, match="recorded before anomaly mode was on"):
            (y * 0).sum().backward()
