"""torch.autograd.graph's edges, version bumps, multi-grad hooks and
allow_mutation_on_saved_tensors, and torch.autograd's engine flags, side by side with torch."""
import numpy as np
import pytest
import torch

import ember

LIBS = [ember, torch]


def _np(t):
    return t.detach().numpy()


@pytest.mark.parametrize("lib", LIBS)
def test_multi_grad_hook_all_mode_sees_what_each_backward_computes(lib):
    a = lib.rand(2, 3, requires_grad=True)
    b = lib.rand(2, 3, requires_grad=True)
    c = a * b
    d = a * b
    seen = []
    handle = lib.autograd.graph.register_multi_grad_hook(
        (a, b, c, d), lambda grads: seen.append([g is not None for g in grads]))
    c.sum().backward(retain_graph=True)
    c.sum().backward(inputs=(a,), retain_graph=True)
    handle.remove()
    c.sum().backward(retain_graph=True)
    assert seen == [[True, True, True, False], [True, False, True, False]]


def test_multi_grad_hook_all_mode_passes_the_gradients():
    results = []
    for lib in LIBS:
        a = lib.tensor([1.0, 2.0], requires_grad=True)
        b = lib.tensor([3.0, 4.0], requires_grad=True)
        grads = []
        lib.autograd.graph.register_multi_grad_hook((a, b), grads.append)
        (a * b).sum().backward()
        results.append([_np(g) for g in grads[0]])
    for ours, theirs in zip(*results):
        np.testing.assert_allclose(ours, theirs)


@pytest.mark.parametrize("lib", LIBS)
def test_multi_grad_hook_any_mode_runs_once_per_backward(lib):
    a = lib.ones(2, requires_grad=True)
    b = lib.ones(3, requires_grad=True)
    seen = []
    handle = lib.autograd.graph.register_multi_grad_hook(
        (a, b), lambda grad: seen.append(tuple(grad.shape)), mode="any")
    (a.sum() * b.sum()).backward()
    assert len(seen) == 1 and seen[0] in [(2,), (3,)]
    (a.sum() * 2).backward()
    assert seen[1] == (2,)
    handle.remove()
    a.sum().backward()
    assert len(seen) == 2


@pytest.mark.parametrize("lib", LIBS)
def test_multi_grad_hook_bad_mode_is_value_error(lib):
    a = lib.ones(2, requires_grad=True)
    with pytest.raises(ValueError, match="mode"):
        lib.autograd.graph.register_multi_grad_hook((a,), print, mode="some")


@pytest.mark.parametrize("lib", LIBS)
def test_tensor_hook_skipped_on_leaf_outside_backward_inputs(lib):
    a = lib.ones(2, requires_grad=True)
    b = lib.ones(2, requires_grad=True)
    called = []
    b.register_hook(lambda g: called.append("b"))
    (a * b).sum().backward(inputs=(a,))
    assert called == [] and b.grad is None and a.grad is not None


@pytest.mark.parametrize("lib", LIBS)
def test_gradient_edge_as_grad_input_and_output(lib):
    x = lib.tensor([1.0, 2.0], requires_grad=True)
    y = x * x
    edge = lib.autograd.graph.get_gradient_edge(y)
    assert edge.output_nr == 0 and edge.node is y.grad_fn
    assert isinstance(edge, lib.autograd.graph.GradientEdge)
    (grad_y,) = lib.autograd.grad((y * 3).sum(), edge, retain_graph=True)
    np.testing.assert_allclose(_np(grad_y), [3.0, 3.0])
    leaf_edge = lib.autograd.graph.get_gradient_edge(x)
    (grad_x,) = lib.autograd.grad(edge, leaf_edge, grad_outputs=lib.ones(2))
    np.testing.assert_allclose(_np(grad_x), [2.0, 4.0])


@pytest.mark.parametrize("lib", LIBS)
def test_gradient_edge_of_tensor_without_grad_raises(lib):
    with pytest.raises(RuntimeError, match="does not require gradients"):
        lib.autograd.graph.get_gradient_edge(lib.ones(2))


@pytest.mark.parametrize("lib", LIBS)
def test_increment_version_makes_saved_tensor_stale(lib):
    x = lib.ones(2, requires_grad=True).clone()
    y = x.sin()
    lib.autograd.graph.increment_version([x])
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.sum().backward()


@pytest.mark.parametrize("lib", LIBS)
def test_allow_mutation_on_saved_tensors_uses_the_saved_value(lib):
    with lib.autograd.graph.allow_mutation_on_saved_tensors():
        a = lib.tensor([1.0, 2.0], requires_grad=True)
        b = a.clone()
        out = (b ** 2).sum() + b.exp().sum()
        b.sin_()
        out.backward()
    np.testing.assert_allclose(_np(a.grad), 2 * np.array([1.0, 2.0]) + np.exp([1.0, 2.0]),
                               rtol=1e-6)
    np.testing.assert_allclose(_np(b), np.sin([1.0, 2.0]), rtol=1e-6)
    b = a.clone()
    out = (b ** 2).sum()
    with lib.no_grad():
        b.mul_(2)
    with pytest.raises(RuntimeError, match="inplace"):  # outside the block: an error again
        out.backward()


def test_allow_mutation_keeps_double_backward_and_saved_tensor_hooks():
    with ember.autograd.graph.allow_mutation_on_saved_tensors():
        x = ember.tensor([1.0, 2.0], requires_grad=True)
        packed = []
        with ember.autograd.graph.saved_tensors_hooks(lambda t: packed.append(1) or t,
                                                      lambda t: t):
            y = (x * x * x).sum()
        (g,) = ember.autograd.grad(y, x, create_graph=True)
        (gg,) = ember.autograd.grad(g.sum(), x)
    assert packed
    np.testing.assert_allclose(gg.numpy(), [6.0, 12.0])


@pytest.mark.parametrize("lib", LIBS)
def test_allow_mutation_on_saved_tensors_cannot_nest(lib):
    with lib.autograd.graph.allow_mutation_on_saved_tensors():
        with pytest.raises(RuntimeError, match="cannot be nested"):
            with lib.autograd.graph.allow_mutation_on_saved_tensors():
                pass


@pytest.mark.parametrize("lib", LIBS)
def test_set_multithreading_enabled_is_a_call_and_a_context(lib):
    assert lib.autograd.is_multithreading_enabled()
    lib.autograd.set_multithreading_enabled(False)
    try:
        assert not lib.autograd.is_multithreading_enabled()
        with lib.autograd.set_multithreading_enabled(True):
            assert lib.autograd.is_multithreading_enabled()
        assert not lib.autograd.is_multithreading_enabled()
    finally:
        lib.autograd.set_multithreading_enabled(True)
    x = lib.ones(2, requires_grad=True)
    with lib.autograd.enforce_grad_layout_policy(False):
        (x * 2).sum().backward()
    np.testing.assert_allclose(_np(x.grad), [2.0, 2.0])


@pytest.mark.parametrize("lib", LIBS)
def test_autograd_variable_function_raises(lib):
    with pytest.raises(RuntimeError, match="deprecated"):
        lib.autograd.variable(1.0)
