"""The backward pass: accumulation, retain_graph, inputs=, autograd.grad, higher order, errors."""
import gc
import sys
import weakref

import numpy as np
import pytest
import torch

import ember
from oracle import assert_close


def pair(values, requires_grad=True, dtype="float64"):
    """The same leaf tensor in ember and in torch."""
    array = np.asarray(values, dtype=dtype)
    return (ember.tensor(array, requires_grad=requires_grad),
            torch.tensor(array, requires_grad=requires_grad))


def test_leaf_gradients_accumulate_across_backward_calls():
    for lib in (ember, torch):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        (x * x).sum().backward()
        (x * 3).sum().backward()
        assert x.grad.tolist() == [5.0, 7.0]


def test_shared_gradient_is_not_aliased_between_leaves():
    x = ember.ones(3, requires_grad=True)
    y = ember.ones(3, requires_grad=True)
    (x + y).sum().backward()
    x.grad.mul_(10)
    assert y.grad.tolist() == [1.0, 1.0, 1.0]


def test_backward_twice_without_retain_graph_raises():
    x = ember.tensor([1.0, 2.0], requires_grad=True)
    y = (x.exp() * 2).sum()
    y.backward()
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        y.backward()


def test_retain_graph_allows_second_backward():
    x = ember.tensor([1.0, 2.0], requires_grad=True)
    y = x.exp().sum()
    y.backward(retain_graph=True)
    y.backward()
    np.testing.assert_allclose(x.grad.numpy(), 2 * np.exp([1.0, 2.0]), rtol=1e-6)


def test_non_scalar_backward_needs_gradient():
    x = ember.ones(2, 3, requires_grad=True)
    with pytest.raises(RuntimeError, match="implicitly created only for scalar outputs"):
        (x * 2).backward()
    (x * 2).backward(ember.full((2, 3), 0.5))
    assert x.grad.tolist() == [[1.0] * 3] * 2


def test_gradient_shape_mismatch_raises():
    x = ember.ones(2, 3, requires_grad=True)
    with pytest.raises(RuntimeError, match="Mismatch in shape"):
        (x * 2).backward(ember.ones(3))


def test_backward_of_tensor_without_graph_raises():
    with pytest.raises(RuntimeError, match="does not require grad"):
        ember.ones(2).sum().backward()


def test_backward_inputs_accumulates_only_into_inputs():
    ex, tx = pair([1.0, 2.0])
    ey, ty = pair([3.0, 4.0])
    for x, y in ((ex, ey), (tx, ty)):
        (x * y).sum().backward(inputs=[x])
    assert_close(ex.grad, tx.grad, 0, 0, "grad of x")
    assert ey.grad is None and ty.grad is None


def test_autograd_grad_returns_without_accumulating():
    x = ember.tensor([1.0, 2.0, 3.0], requires_grad=True)
    (grad,) = ember.autograd.grad((x ** 3).sum(), x)
    assert grad.tolist() == [3.0, 12.0, 27.0]
    assert x.grad is None


def test_autograd_grad_unused_input():
    x = ember.ones(2, requires_grad=True)
    z = ember.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError, match="allow_unused=True"):
        ember.autograd.grad((x * 2).sum(), [x, z])
    grads = ember.autograd.grad((x * 2).sum(), [x, z], allow_unused=True)
    assert grads[1] is None
    grads = ember.autograd.grad((x * 2).sum(), [x, z], materialize_grads=True)
    assert grads[1].tolist() == [0.0, 0.0]


def test_autograd_grad_of_input_not_requiring_grad_raises():
    x = ember.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError, match="does not require grad"):
        ember.autograd.grad((x * 2).sum(), ember.ones(2))


def test_autograd_grad_with_grad_outputs_and_nonleaf_input():
    ex, tx = pair([[1.0, -2.0], [0.5, 3.0]])
    results = []
    for lib, x in ((ember, ex), (torch, tx)):
        h = x.tanh()
        y = h * h * x
        weights = lib.tensor([[1.0, 2.0], [3.0, 4.0]], dtype=lib.float64)
        results.append(lib.autograd.grad(y, [h, x], grad_outputs=weights))
    for e, t in zip(*results):
        assert_close(e, t, 1e-12, 1e-12, "grad")


def test_second_and_third_derivatives_match_torch():
    results = []
    for lib, x in zip((ember, torch), pair([0.3, -1.2, 2.0])):
        y = (x.sin() * x.exp()).sum()
        (g1,) = lib.autograd.grad(y, x, create_graph=True)
        (g2,) = lib.autograd.grad(g1.sum(), x, create_graph=True)
        (g3,) = lib.autograd.grad(g2.sum(), x)
        results.append((g1, g2, g3))
    for e, t in zip(*results):
        assert_close(e, t, 1e-10, 1e-12, "derivative")


def test_gradient_penalty_double_backward():
    """WGAN-GP: the norm of d(critic)/d(input) is itself minimised."""
    rng = np.random.default_rng(0)
    w_array = rng.standard_normal((4,))
    x_array = rng.standard_normal((5, 4))
    grads = []
    for lib in (ember, torch):
        w = lib.tensor(w_array, requires_grad=True)
        x = lib.tensor(x_array, requires_grad=True)
        critic = ((x * w).sum(1).tanh() * 2).sum()
        (dx,) = lib.autograd.grad(critic, x, create_graph=True)
        penalty = (((dx * dx).sum(1).sqrt() - 1) ** 2).mean()
        penalty.backward()
        grads.append(w.grad)
    assert_close(grads[0], grads[1], 1e-10, 1e-12, "penalty gradient")


def test_create_graph_makes_leaf_grad_differentiable():
    x = ember.tensor([2.0], requires_grad=True)
    (x ** 3).sum().backward(create_graph=True)
    assert x.grad.requires_grad
    (second,) = ember.autograd.grad(x.grad.sum(), x)
    assert second.tolist() == [12.0]


def test_deep_graph_backward_is_iterative():
    x = ember.ones(1, requires_grad=True)
    y = x
    for _ in range(100_000):
        y = y * 1.0
    y.sum().backward()
    assert x.grad.tolist() == [1.0]


def test_diamond_graph_sums_gradients():
    ex, tx = pair([0.5, 1.5])
    for x in (ex, tx):
        a = x * 2
        b = a.exp() + a.sin() * a
        b.sum().backward()
    assert_close(ex.grad, tx.grad, 1e-12, 1e-12, "diamond")


def test_gradients_flow_through_dtype_casts():
    x = ember.tensor([1.0, 2.0], dtype=ember.float32, requires_grad=True)
    y = (x.double() * 3).sum()
    y.backward()
    assert x.grad.dtype == ember.float32
    assert x.grad.tolist() == [3.0, 3.0]


def test_saved_tensors_are_freed_after_backward():
    x = ember.ones(1000, requires_grad=True)
    y = x.exp()
    node = y.grad_fn
    y.sum().backward()
    assert node._saved is None


def test_graph_is_freed_when_output_dies():
    x = ember.ones(10, requires_grad=True)
    y = x.exp() * 2
    ref = weakref.ref(y.grad_fn)
    del y
    assert ref() is None  # no reference cycles: freed without the garbage collector


def _resident_bytes():
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * 4096


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/statm")
def test_memory_stays_flat_over_training_iterations():
    rng = np.random.default_rng(0)
    w1 = ember.tensor(rng.standard_normal((64, 32)) * 0.1, dtype=ember.float32,
                      requires_grad=True)
    w2 = ember.tensor(rng.standard_normal((32,)) * 0.1, dtype=ember.float32,
                      requires_grad=True)
    x = ember.tensor(rng.standard_normal((128, 64)), dtype=ember.float32)

    def step():
        hidden = (x.unsqueeze(2) * w1).sum(1).tanh()      # (128, 32)
        loss = ((hidden * w2).sum(1) ** 2).mean()
        loss.backward()
        with ember.no_grad():
            w1.sub_(w1.grad * 0.01)
            w2.sub_(w2.grad * 0.01)
        w1.grad = None
        w2.grad = None

    for _ in range(100):
        step()
    gc.collect()
    before = _resident_bytes()
    for _ in range(1000):
        step()
    gc.collect()
    growth = _resident_bytes() - before
    assert growth < 8 * 2**20, f"resident memory grew by {growth / 2**20:.1f} MiB"


def test_legacy_variable_wraps_a_tensor_as_torch():
    for lib in (torch, ember):
        data = lib.ones(3)
        variable = lib.autograd.Variable(data, requires_grad=True)
        assert variable is not data and variable.requires_grad and variable.is_leaf
        assert isinstance(data, lib.autograd.Variable)
        variable.sum().backward()
        assert variable.grad.tolist() == [1.0, 1.0, 1.0]
        variable.data.add_(1)  # shares data's memory
        assert data.tolist() == [2.0, 2.0, 2.0]
        with pytest.raises(TypeError):
            lib.autograd.Variable([1, 2])
