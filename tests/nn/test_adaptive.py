"""nn.AdaptiveLogSoftmaxWithLoss (ember/nn/modules/adaptive.py) against torch, with torch's
weights copied across: outputs, losses, gradients, log_prob, predict, state_dict keys and
errors."""
import numpy as np
import pytest
import torch

import ember
from oracle import assert_close, to_numpy

IN_FEATURES, N_CLASSES, CUTOFFS = 16, 20, [4, 9, 15]


def _pair(head_bias=False, div_value=2.0, dtype="float32"):
    torch.manual_seed(0)
    expected = torch.nn.AdaptiveLogSoftmaxWithLoss(IN_FEATURES, N_CLASSES, CUTOFFS,
                                                   div_value=div_value, head_bias=head_bias)
    expected = expected.to(getattr(torch, dtype))
    actual = ember.nn.AdaptiveLogSoftmaxWithLoss(IN_FEATURES, N_CLASSES, CUTOFFS,
                                                 div_value=div_value, head_bias=head_bias,
                                                 dtype=getattr(ember, dtype))
    actual.load_state_dict({k: ember.tensor(to_numpy(v)) for k, v in
                            expected.state_dict().items()})
    return actual, expected


def test_parameter_names_and_shapes():
    actual, expected = _pair(head_bias=True)
    assert list(actual.state_dict()) == list(expected.state_dict())
    for (name, a), (_, e) in zip(actual.named_parameters(), expected.named_parameters()):
        assert tuple(a.shape) == tuple(e.shape), name
    assert actual.head_size == expected.head_size and actual.cutoffs == expected.cutoffs


@pytest.mark.parametrize("head_bias", [False, True])
@pytest.mark.parametrize("targets", [
    [0, 3, 4, 10, 19, 2, 15, 8],   # every cluster
    [1, 2, 0, 3],                 # shortlist only
    [16, 17, 19],                 # last cluster only
    [7],                          # a batch of one
])
def test_forward_and_gradients(targets, head_bias):
    actual, expected = _pair(head_bias)
    x = np.random.default_rng(0).standard_normal((len(targets), IN_FEATURES))
    x_torch = torch.tensor(x, dtype=torch.float32, requires_grad=True)
    x_ember = ember.tensor(x, dtype=ember.float32, requires_grad=True)
    result_torch = expected(x_torch, torch.tensor(targets))
    result_ember = actual(x_ember, ember.tensor(targets))
    assert type(result_ember).__name__ == "_ASMoutput"
    assert_close(result_ember.output, result_torch.output, 1e-5, 1e-6, "output")
    assert_close(result_ember.loss, result_torch.loss, 1e-5, 1e-6, "loss")
    result_torch.loss.backward()
    result_ember.loss.backward()
    assert_close(x_ember.grad, x_torch.grad, 1e-4, 1e-6, "grad of input")
    for (name, a), (_, e) in zip(actual.named_parameters(), expected.named_parameters()):
        if e.grad is None:
            assert a.grad is None or not to_numpy(a.grad).any(), name
        else:
            assert_close(a.grad, e.grad, 1e-4, 1e-6, f"grad of {name}")


def test_unbatched_input():
    actual, expected = _pair()
    x = np.random.default_rng(1).standard_normal(IN_FEATURES).astype("float32")
    result_torch = expected(torch.tensor(x), torch.tensor(12))
    result_ember = actual(ember.tensor(x), ember.tensor(12))
    assert_close(result_ember.output, result_torch.output, 1e-5, 1e-6, "output")
    assert_close(result_ember.loss, result_torch.loss, 1e-5, 1e-6, "loss")


def test_log_prob_and_predict():
    actual, expected = _pair(head_bias=True, div_value=4.0)
    # scaled inputs, so that the head prefers clusters for some rows and not for others
    x = np.random.default_rng(2).standard_normal((32, IN_FEATURES)).astype("float32") * 4
    x_ember = ember.tensor(x, requires_grad=True)
    x_torch = torch.tensor(x, requires_grad=True)
    log_prob, log_prob_torch = actual.log_prob(x_ember), expected.log_prob(x_torch)
    assert_close(log_prob, log_prob_torch, 1e-5, 1e-5, "log_prob")
    # div_value=4 leaves the last cluster a bottleneck of 0 features
    log_prob[:, ::3].sum().backward()
    log_prob_torch[:, ::3].sum().backward()
    assert_close(x_ember.grad, x_torch.grad, 1e-4, 1e-5, "grad of log_prob")
    np.testing.assert_allclose(to_numpy(log_prob.exp().sum(1)), 1, rtol=1e-5)
    assert actual.predict(ember.tensor(x)).tolist() == \
        expected.predict(torch.tensor(x)).tolist()


@pytest.mark.parametrize("cutoffs", [[], [5, 3], [0, 4], [4, 20], [4, 4], [2.5]])
def test_bad_cutoffs(cutoffs):
    with pytest.raises(ValueError):
        torch.nn.AdaptiveLogSoftmaxWithLoss(8, 20, cutoffs)
    with pytest.raises(ValueError):
        ember.nn.AdaptiveLogSoftmaxWithLoss(8, 20, cutoffs)


@pytest.mark.parametrize("input_shape, target", [
    ((3, IN_FEATURES), [0, 20, 1]),        # target out of range
    ((3, IN_FEATURES), [0, -1, 1]),
    ((2, IN_FEATURES), [0, 1, 2]),         # batch sizes differ
    ((2, 1, IN_FEATURES), [0, 1]),         # 1-D target needs 2-D input
    ((2, IN_FEATURES), [[0, 1]]),          # multi-target
])
def test_bad_inputs(input_shape, target):
    actual, expected = _pair()
    with pytest.raises(RuntimeError):
        expected(torch.zeros(input_shape), torch.tensor(target))
    with pytest.raises(RuntimeError):
        actual(ember.zeros(input_shape), ember.tensor(target))
