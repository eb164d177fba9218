"""ember.utils.checkpoint: same gradients as the plain model, less memory held."""
import tracemalloc

import pytest

import ember
import ember.nn as nn
from ember.autograd import graph
from ember.utils.checkpoint import CheckpointError, checkpoint, checkpoint_sequential


def _deep(depth=12, width=32):
    layers = []
    for _ in range(depth):
        layers += [nn.Linear(width, width), nn.Tanh(), nn.Dropout(0.2)]
    return nn.Sequential(*layers)


def _grads(model, x, run):
    """Gradients, bytes held for backward and peak traced bytes of one step."""
    model.zero_grad()
    x.grad = None
    ember.manual_seed(7)  # same dropout masks in every variant
    tracemalloc.start()
    out = run(x)
    held = graph.describe(out).saved_bytes
    (out ** 2).sum().backward()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return [p.grad.clone() for p in model.parameters()] + [x.grad.clone()], held, peak


@pytest.mark.parametrize("use_reentrant", [False, True])
def test_checkpoint_sequential_matches_plain_gradients_and_holds_less(use_reentrant):
    model = _deep()
    x = ember.randn(256, 32, requires_grad=True)
    plain, plain_held, plain_peak = _grads(model, x, model)
    checked, held, peak = _grads(model, x, lambda v: checkpoint_sequential(
        model, 6, v, use_reentrant=use_reentrant))
    for expected, got in zip(plain, checked):
        assert ember.equal(expected, got)  # dropout replayed: identical, not just close
    assert held < plain_held / 3  # only the last segment's activations are held
    assert peak < 0.75 * plain_peak


def test_checkpoint_with_kwargs_non_tensor_args_and_autograd_grad():
    lin = nn.Linear(4, 4)

    def block(x, scale, *, shift):
        return (lin(x) * scale + shift).tanh()

    x = ember.randn(3, 4)  # the input needs no grad: the parameters still get theirs
    out = checkpoint(block, x, 2.0, shift=ember.ones(4), use_reentrant=False)
    assert all(type(entry.packed) is int for entry in out.grad_fn._saved)  # handles only
    (grad_w,) = ember.autograd.grad(out.sum(), [lin.weight])
    expected = ember.autograd.grad(block(x, 2.0, shift=ember.ones(4)).sum(), [lin.weight])[0]
    assert ember.allclose(grad_w, expected)


def test_recomputation_happens_once_per_region_in_backward():
    calls = []
    lin = nn.Linear(4, 4)

    def block(x):
        calls.append(1)
        return lin(x).relu().sin()

    out = checkpoint(block, ember.randn(2, 4), use_reentrant=False)
    assert len(calls) == 1
    out.sum().backward()
    assert len(calls) == 2 and lin.weight.grad is not None


def test_torch_argument_rules():
    lin = nn.Linear(2, 2)
    x = ember.randn(1, 2, requires_grad=True)
    with pytest.warns(UserWarning, match="use_reentrant parameter should be passed explicitly"):
        checkpoint(lin, x)
    with pytest.raises(ValueError, match="Unexpected keyword arguments: scale"):
        checkpoint(lin, x, use_reentrant=True, scale=2)
    with pytest.raises(ValueError, match="only supported when use_reentrant=False"):
        checkpoint(lin, x, use_reentrant=True, debug=True)
    with pytest.warns(UserWarning, match="None of the inputs have requires_grad=True"):
        checkpoint(lin, ember.randn(1, 2), use_reentrant=True)


def test_a_function_that_changes_between_runs_raises_checkpoint_error():
    runs = []

    def flaky(x):
        runs.append(1)
        return x.exp() if len(runs) == 1 else x.exp().exp()

    out = checkpoint(flaky, ember.randn(3, requires_grad=True), use_reentrant=False)
    with pytest.raises(CheckpointError, match="different metadata"):
        out.sum().backward()
