"""ember.autograd.functional (jacobian, hessian, vjp, jvp, vhp, hvp) against
torch.autograd.functional: values, the tuple-or-Tensor structure of results, create_graph,
strict-mode errors."""
import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import ember
from ember.autograd import gradcheck, gradgradcheck
from oracle import check_op, to_numpy


def flat(value):
    """The tensors of a nested result, in order."""
    if isinstance(value, (tuple, list)):
        return [t for v in value for t in flat(v)]
    return [value]


def structure(value):
    """A nested result with every tensor replaced by its shape."""
    if isinstance(value, (tuple, list)):
        return (type(value).__name__, tuple(structure(v) for v in value))
    return tuple(value.shape)


def same_structure_and_values(fn, arrays):
    """fn(lib, *tensors) for ember and torch: equal nesting, shapes and values; ember's results
    are detached (torch's forward-mode hessian leaks a grad_fn, which ember does not copy)."""
    results = {lib: fn(lib, *[lib.tensor(a) for a in arrays]) for lib in (ember, torch)}
    assert structure(results[ember]) == structure(results[torch])
    for e, t in zip(flat(results[ember]), flat(results[torch])):
        assert not e.requires_grad
        np.testing.assert_allclose(to_numpy(e), to_numpy(t), rtol=1e-5, atol=1e-6)


def single(lib, x):
    return x.sin() * x.sum()


def pair(lib, x, y):
    return (x * y).sum(0), x.exp()


def scalar(lib, x):
    return (x.sin() * x).sum()


def scalar_pair(lib, x, y):
    return (x.pow(3) * y.sum() + x.exp().sum() * y.cos().sum()).sum()


A = np.random.default_rng(0).uniform(-1, 1, (2, 3)).astype(np.float32)
B = np.random.default_rng(1).uniform(-1, 1, (2, 3)).astype(np.float32)
V2 = np.random.default_rng(2).uniform(-1, 1, (3,)).astype(np.float32)
V6 = np.random.default_rng(3).uniform(-1, 1, (2, 3)).astype(np.float32)


# -- values and structure ------------------------------------------------------------------

@pytest.mark.parametrize("vectorize", [False, True])
def test_jacobian_single_and_tuple(vectorize):
    same_structure_and_values(
        lambda lib, x: lib.autograd.functional.jacobian(lambda a: single(lib, a), x,
                                                        vectorize=vectorize), [A])
    same_structure_and_values(
        lambda lib, x, y: lib.autograd.functional.jacobian(lambda a, b: pair(lib, a, b), (x, y),
                                                           vectorize=vectorize), [A, B])
    same_structure_and_values(  # a one-tuple input keeps its tuple level
        lambda lib, x: lib.autograd.functional.jacobian(lambda a: (single(lib, a),), (x,)), [A])


def test_jacobian_forward_mode():
    same_structure_and_values(
        lambda lib, x, y: lib.autograd.functional.jacobian(
            lambda a, b: pair(lib, a, b), (x, y), vectorize=True, strategy="forward-mode"),
        [A, B])
    same_structure_and_values(
        lambda lib, x: lib.autograd.functional.jacobian(
            lambda a: single(lib, a), x, vectorize=True, strategy="forward-mode"), [A])


@pytest.mark.parametrize("strategy", ["reverse-mode", "forward-mode"])
def test_hessian(strategy):
    vectorize = strategy == "forward-mode"
    same_structure_and_values(
        lambda lib, x: lib.autograd.functional.hessian(
            lambda a: scalar(lib, a), x, vectorize=vectorize, outer_jacobian_strategy=strategy),
        [A])
    same_structure_and_values(
        lambda lib, x, y: lib.autograd.functional.hessian(
            lambda a, b: scalar_pair(lib, a, b), (x, y), vectorize=vectorize,
            outer_jacobian_strategy=strategy), [A, B])


def test_products():
    same_structure_and_values(
        lambda lib, x, y, v: lib.autograd.functional.vjp(
            lambda a, b: pair(lib, a, b), (x, y), (v, lib.ones(2, 3))), [A, B, V2])
    same_structure_and_values(
        lambda lib, x, v: lib.autograd.functional.jvp(lambda a: single(lib, a), x, v),
        [A, V6])
    same_structure_and_values(
        lambda lib, x, y, v: lib.autograd.functional.jvp(
            lambda a, b: pair(lib, a, b), (x, y), (v, v)), [A, B, V6])
    for name in ("vhp", "hvp"):
        same_structure_and_values(
            lambda lib, x, v: getattr(lib.autograd.functional, name)(
                lambda a: scalar(lib, a), x, v), [A, V6])
        same_structure_and_values(
            lambda lib, x, y, v: getattr(lib.autograd.functional, name)(
                lambda a, b: scalar_pair(lib, a, b), (x, y), (v, v)), [A, B, V6])


def test_v_may_be_omitted_for_one_element():
    one = np.array([0.7], dtype=np.float32)
    for name in ("vjp", "jvp", "vhp", "hvp"):
        same_structure_and_values(
            lambda lib, x: getattr(lib.autograd.functional, name)(
                lambda a: (a.exp() * a).sum(), x), [one])


def test_function_independent_of_an_input_gives_zeros():
    same_structure_and_values(
        lambda lib, x, y: lib.autograd.functional.jacobian(lambda a, b: a * 2, (x, y)), [A, B])
    same_structure_and_values(
        lambda lib, x, y: lib.autograd.functional.vjp(
            lambda a, b: a.sum(), (x, y)), [A, B])


@settings(max_examples=25, deadline=None)
@given(st.sampled_from([(), (3,), (2, 1), (1, 3), (2, 3)]),
       st.sampled_from([(), (3,), (2, 1), (2, 3)]))
def test_vjp_and_jacobian_of_broadcasting_function(shape_x, shape_y):
    rng = np.random.default_rng(0)
    x = rng.uniform(-1, 1, shape_x).astype(np.float32)
    y = rng.uniform(-1, 1, shape_y).astype(np.float32)
    out_shape = np.broadcast_shapes(shape_x, shape_y)
    v = rng.uniform(-1, 1, out_shape).astype(np.float32)
    same_structure_and_values(
        lambda lib, a, b, w: lib.autograd.functional.vjp(lambda p, q: p * q.tanh(), (a, b), w),
        [x, y, v])
    same_structure_and_values(
        lambda lib, a, b: lib.autograd.functional.jacobian(lambda p, q: p * q.tanh(), (a, b)),
        [x, y])


# -- create_graph: the results are differentiable, as torch's ------------------------------

def test_create_graph_results_differentiate_like_torch():
    check_op(lambda lib, x: flat(lib.autograd.functional.jacobian(
        lambda a: single(lib, a), x, create_graph=True)), shapes=[(2, 3)])
    check_op(lambda lib, x: flat(lib.autograd.functional.hessian(
        lambda a: scalar(lib, a), x, create_graph=True)), shapes=[(2, 2)])
    check_op(lambda lib, x, v: flat(lib.autograd.functional.vjp(
        lambda a: single(lib, a), x, v, create_graph=True)), shapes=[(2, 3), (2, 3)])
    check_op(lambda lib, x, v: flat(lib.autograd.functional.jvp(
        lambda a: single(lib, a), x, v, create_graph=True)), shapes=[(2, 3), (2, 3)])
    check_op(lambda lib, x, v: flat(lib.autograd.functional.hvp(
        lambda a: scalar(lib, a), x, v, create_graph=True)), shapes=[(2, 3), (2, 3)])
    check_op(lambda lib, x, v: flat(lib.autograd.functional.vhp(
        lambda a: scalar(lib, a), x, v, create_graph=True)), shapes=[(2, 3), (2, 3)])


def test_without_create_graph_results_are_detached():
    x = ember.ones(3, requires_grad=True)
    out, result = ember.autograd.functional.vjp(lambda a: a.exp(), x, ember.ones(3))
    assert not out.requires_grad and not result.requires_grad
    jac = ember.autograd.functional.jacobian(lambda a: a.exp(), x)
    assert not jac.requires_grad and x.grad is None


def test_gradcheck_through_jacobian_and_hvp():
    x = ember.randn(3, dtype=ember.float64, requires_grad=True)
    v = ember.randn(3, dtype=ember.float64)

    def jacobian_of(a):
        return ember.autograd.functional.jacobian(lambda b: b.sin() * b.sum(), a,
                                                  create_graph=True)

    def hvp_of(a):
        return ember.autograd.functional.hvp(lambda b: (b.sin() * b).sum(), a, v,
                                             create_graph=True)[1]

    for fn in (jacobian_of, hvp_of):
        assert gradcheck(fn, [x])
        assert gradgradcheck(fn, [x])


# -- errors, as torch raises them --------------------------------------------------------------

def raises_like_torch(exception, match, fn):
    for lib in (ember, torch):
        with pytest.raises(exception, match=match):
            fn(lib)


def test_strict_mode_errors():
    F = lambda lib: lib.autograd.functional  # noqa: E731
    x = lambda lib: lib.ones(2)  # noqa: E731
    raises_like_torch(RuntimeError, "Output 0 of the user-provided function does not require",
                      lambda lib: F(lib).vjp(lambda a: lib.ones(2), x(lib), lib.ones(2),
                                             strict=True))
    raises_like_torch(RuntimeError, "independent of input 1. This is not allowed in strict",
                      lambda lib: F(lib).vjp(lambda a, b: a * 2, (x(lib), x(lib)), lib.ones(2),
                                             strict=True))
    raises_like_torch(RuntimeError, "Output 0 of the user-provided function is independent of "
                                    "input 1",
                      lambda lib: F(lib).jacobian(lambda a, b: a * 2, (x(lib), x(lib)),
                                                  strict=True))
    raises_like_torch(RuntimeError, "jacobian of the user-provided function with respect to "
                                    "input 0 is independent",
                      lambda lib: F(lib).hessian(lambda a: a.sum() * 2, x(lib), strict=True))
    raises_like_torch(RuntimeError, "`strict=True` and `vectorized=True` are not supported",
                      lambda lib: F(lib).jacobian(lambda a: a * a, x(lib), strict=True,
                                                  vectorize=True))
    raises_like_torch(RuntimeError, "independent of input 0. This is not allowed in strict "
                                    "mode when create_graph=True",
                      lambda lib: F(lib).jacobian(lambda a: a * 2, x(lib), strict=True,
                                                  create_graph=True))


def test_argument_errors():
    F = lambda lib: lib.autograd.functional  # noqa: E731
    raises_like_torch(TypeError, "The inputs given to vjp must be either a Tensor or a tuple "
                                 "of Tensors but the value at index 1 has type",
                      lambda lib: F(lib).vjp(lambda a, b: a, (lib.ones(2), 3), lib.ones(2)))
    raises_like_torch(TypeError, "The outputs of the user-provided function given to jacobian "
                                 "must be either a Tensor",
                      lambda lib: F(lib).jacobian(lambda a: [a], lib.ones(2)))
    raises_like_torch(RuntimeError, "v has invalid size: should be torch.Size|ember.Size",
                      lambda lib: F(lib).vjp(lambda a: a * 2, lib.ones(2), lib.ones(3)))
    raises_like_torch(RuntimeError, "v is a tuple of invalid length: should be 2 but got 1",
                      lambda lib: F(lib).jvp(lambda a, b: a * b, (lib.ones(2), lib.ones(2)),
                                             (lib.ones(2),)))
    raises_like_torch(RuntimeError, "The vector v can only be None if the user-provided",
                      lambda lib: F(lib).vjp(lambda a: a * 2, lib.ones(2)))
    raises_like_torch(RuntimeError, "The function given to hvp should return a single Tensor",
                      lambda lib: F(lib).hvp(lambda a: (a.sum(), a.sum()), lib.ones(2),
                                             lib.ones(2)))
    raises_like_torch(RuntimeError, "given to hessian should contain a single element",
                      lambda lib: F(lib).hessian(lambda a: a * a, lib.ones(2)))
    raises_like_torch(NotImplementedError, "only implemented for `vectorize=True`",
                      lambda lib: F(lib).jacobian(lambda a: a * a, lib.ones(2),
                                                  strategy="forward-mode"))
    raises_like_torch(NotImplementedError, "`create_graph=True` and `strategy=\"forward-mode\"`",
                      lambda lib: F(lib).jacobian(lambda a: a * a, lib.ones(2),
                                                  create_graph=True, strategy="forward-mode"))
    raises_like_torch(AssertionError, "Expected strategy to be either",
                      lambda lib: F(lib).jacobian(lambda a: a * a, lib.ones(2),
                                                  strategy="sideways"))


def test_grad_is_grads_batched_stacks_one_vjp_per_row():
    results = []
    for lib in (torch, ember):
        x = lib.tensor([1.0, 2.0, 3.0], requires_grad=True)
        w = lib.tensor([0.5, -1.0, 2.0], requires_grad=True)
        unused = lib.tensor(1.0, requires_grad=True)
        y = (x * x * w).sin()
        grads = lib.autograd.grad(y, (x, w, unused), lib.eye(3) * 2, is_grads_batched=True,
                                  retain_graph=True, allow_unused=True, materialize_grads=True)
        results.append([g.detach().numpy() for g in grads])
        with pytest.raises(RuntimeError):
            lib.autograd.grad(y, (unused,), lib.eye(3), is_grads_batched=True)
    for actual, expected in zip(results[1], results[0]):
        assert actual.shape == expected.shape
        np.testing.assert_allclose(actual, expected, rtol=1e-6)
