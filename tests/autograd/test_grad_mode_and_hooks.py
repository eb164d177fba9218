"""Recording switches (no_grad & co), tensor and node hooks, retain_grad, anomaly mode."""
import pytest
import torch

import ember


@pytest.mark.parametrize("manager", [ember.no_grad, ember.inference_mode])
def test_no_recording_inside_context(manager):
    x = ember.ones(2, requires_grad=True)
    with manager():
        y = x * 2
    assert not y.requires_grad and y.grad_fn is None
    assert (x * 2).requires_grad


def test_no_grad_as_decorator_with_and_without_parentheses():
    x = ember.ones(2, requires_grad=True)

    @ember.no_grad()
    def double(t):
        return t * 2

    @ember.no_grad
    def triple(t):
        return t * 3

    assert not double(x).requires_grad
    assert not triple(x).requires_grad
    assert ember.is_grad_enabled()


def test_enable_grad_inside_no_grad():
    x = ember.ones(2, requires_grad=True)
    with ember.no_grad():
        with ember.enable_grad():
            y = x * 2
        z = x * 2
    assert y.requires_grad and not z.requires_grad


def test_set_grad_enabled_as_function_and_context():
    x = ember.ones(2, requires_grad=True)
    with ember.set_grad_enabled(False):
        assert not (x * 2).requires_grad
    assert ember.is_grad_enabled()
    ember.set_grad_enabled(False)
    assert not (x * 2).requires_grad
    ember.set_grad_enabled(True)
    assert (x * 2).requires_grad


def test_inference_mode_flag():
    assert not ember.is_inference_mode_enabled()
    with ember.inference_mode():
        assert ember.is_inference_mode_enabled()
    with ember.inference_mode(False):
        assert not ember.is_inference_mode_enabled()


def test_inference_tensors_as_torch():
    """Which tensors are inference tensors, and what torch refuses to do with them outside
    inference mode (same error types; the messages start as torch's)."""
    for lib in (ember, torch):
        normal = lib.ones(2)
        with lib.inference_mode():
            made = lib.ones(2)
            sliced, product = made[0:1], made * 2
            view_of_normal = normal.view(2)
            with lib.inference_mode(False):
                assert lib.is_grad_enabled() and not lib.is_inference_mode_enabled()
                assert not lib.ones(1).is_inference()
        assert [t.is_inference() for t in (made, sliced, product, view_of_normal)] == \
            [True, True, True, False]
        assert (made + 1).is_inference() is False and made.clone().is_inference() is False
        assert made.detach().is_inference() and made[1:].is_inference()
        weight = lib.ones(2, requires_grad=True)
        (made + weight).sum().backward()  # nothing of `made` is saved: allowed
        with pytest.raises(RuntimeError, match="^Inference tensors cannot be saved"):
            weight * made
        with pytest.raises(RuntimeError, match="^Inplace update to inference tensor outside"):
            made.add_(1)
        with pytest.raises(RuntimeError, match="^Setting requires_grad=True on inference"):
            made.requires_grad_()
        with lib.inference_mode():
            made.add_(1)  # allowed inside


def test_tensor_hook_replaces_gradient_and_can_be_removed():
    x = ember.ones(2, requires_grad=True)
    y = x * 3
    handle = y.register_hook(lambda grad: grad * 10)
    y.sum().backward()
    assert x.grad.tolist() == [30.0, 30.0]
    handle.remove()
    x.grad = None
    (x * 3).sum().backward()
    assert x.grad.tolist() == [3.0, 3.0]


def test_hook_on_leaf_sees_total_gradient_once():
    calls = []
    x = ember.ones(2, requires_grad=True)
    x.register_hook(lambda grad: calls.append(grad.tolist()))
    (x * 2 + x * 3).sum().backward()
    assert calls == [[5.0, 5.0]]


def test_retain_grad_on_non_leaf():
    x = ember.ones(2, requires_grad=True)
    y = x * 2
    y.retain_grad()
    (y * y).sum().backward()
    assert y.retains_grad
    assert y.grad.tolist() == [4.0, 4.0]
    z = x * 2
    (z * z).sum().backward()
    assert z.grad is None


def test_post_accumulate_grad_hook():
    seen = []
    x = ember.ones(2, requires_grad=True)
    x.register_post_accumulate_grad_hook(lambda tensor: seen.append(tensor.grad.tolist()))
    (x * 4).sum().backward()
    assert seen == [[4.0, 4.0]]


def test_node_hooks_see_and_replace_gradients():
    x = ember.ones(2, requires_grad=True)
    y = x * 2
    seen = {}

    def post(grad_inputs, grad_outputs):
        seen["out"] = grad_outputs[0].tolist()
        return tuple(g * 0 if g is not None else None for g in grad_inputs)

    y.grad_fn.register_prehook(lambda grad_outputs: (grad_outputs[0] + 1,))
    y.grad_fn.register_hook(post)
    y.sum().backward()
    assert seen["out"] == [2.0, 2.0]
    assert x.grad.tolist() == [0.0, 0.0]


def test_next_functions_lead_to_leaf_accumulators():
    x = ember.ones(2, requires_grad=True)
    y = (x * 2).exp()
    (mul_node, _), = y.grad_fn.next_functions
    assert mul_node.name() == "MulBackward0"
    accumulator, _ = mul_node.next_functions[0]
    assert accumulator.name() == "AccumulateGrad" and accumulator.variable is x


def test_anomaly_mode_names_the_forward_op_and_line():
    x = ember.tensor([0.0, 1.0], requires_grad=True)
    with ember.autograd.detect_anomaly():
        y = x.sqrt()  # the culprit: d sqrt / dx is inf at 0
        loss = (y * 0).sum()
        with pytest.raises(RuntimeError) as error:
            loss.backward()
    message = str(error.value)
    assert "SqrtBackward0" in message
    assert "y = x.sqrt()  # the culprit" in message
    assert not ember.autograd.anomaly.is_anomaly_enabled()
