"""User-defined ops (autograd.Function), gradcheck, and the errors of in-place changes."""
import numpy as np
import pytest
import torch

import ember


def make_exp(lib):
    class Exp(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            y = x.exp()
            ctx.save_for_backward(y)
            return y

        @staticmethod
        def backward(ctx, grad_y):
            (y,) = ctx.saved_tensors
            return grad_y * y
    return Exp


def test_custom_function_forward_backward_and_double_backward():
    results = []
    for lib in (ember, torch):
        x = lib.tensor([0.5, -1.0], dtype=lib.float64, requires_grad=True)
        y = make_exp(lib).apply(x)
        assert y.grad_fn is not None
        (g,) = lib.autograd.grad(y.sum(), x, create_graph=True)
        (gg,) = lib.autograd.grad(g.sum(), x)
        results.append((y.tolist(), g.tolist(), gg.tolist()))
    np.testing.assert_allclose(results[0], results[1], rtol=1e-12)


def test_custom_function_node_is_named_after_the_class():
    y = make_exp(ember).apply(ember.ones(2, requires_grad=True))
    assert y.grad_fn.name() == "ExpBackward0" or "Exp" in y.grad_fn.name()


def test_custom_function_gradcheck():
    x = ember.tensor([0.3, 0.7], dtype=ember.float64, requires_grad=True)
    assert ember.autograd.gradcheck(make_exp(ember).apply, (x,))
    assert ember.autograd.gradgradcheck(make_exp(ember).apply, (x,))


def test_gradcheck_catches_a_wrong_backward():
    class Wrong(ember.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * x

        @staticmethod
        def backward(ctx, grad):
            return grad * 3.0

    x = ember.tensor([0.3, 0.7], dtype=ember.float64, requires_grad=True)
    with pytest.raises(RuntimeError, match="Jacobian mismatch"):
        ember.autograd.gradcheck(Wrong.apply, (x,))
    assert not ember.autograd.gradcheck(Wrong.apply, (x,), raise_exception=False)


def test_needs_input_grad_and_non_tensor_arguments():
    seen = {}

    class Scale(ember.autograd.Function):
        @staticmethod
        def forward(ctx, x, y, factor):
            seen["needs"] = ctx.needs_input_grad
            ctx.factor = factor
            return x * y * factor

        @staticmethod
        def backward(ctx, grad):
            return grad * ctx.factor, None, None

    x = ember.ones(2, requires_grad=True)
    Scale.apply(x, ember.ones(2), 4.0).sum().backward()
    assert seen["needs"] == (True, False, False)
    assert x.grad.tolist() == [4.0, 4.0]


def test_mark_non_differentiable_and_materialize_grads():
    class SortPair(ember.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            values = x * 2
            index = ember.zeros(x.shape, dtype=ember.float32)
            ctx.mark_non_differentiable(index)
            return values, index

        @staticmethod
        def backward(ctx, grad_values, grad_index):
            assert grad_index is not None  # materialised as zeros
            return grad_values * 2

    x = ember.ones(3, requires_grad=True)
    values, index = SortPair.apply(x)
    assert not index.requires_grad
    values.sum().backward()
    assert x.grad.tolist() == [2.0, 2.0, 2.0]


def test_mark_dirty_in_place_function():
    class AddOneInPlace(ember.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            x.add_(1)
            ctx.mark_dirty(x)
            return x

        @staticmethod
        def backward(ctx, grad):
            return grad

    x = ember.ones(2, requires_grad=True)
    y = x * 3
    version = y._version[0]
    out = AddOneInPlace.apply(y)
    assert out is y and y._version[0] > version
    assert y.tolist() == [4.0, 4.0]
    y.sum().backward()
    assert x.grad.tolist() == [3.0, 3.0]


def test_wrong_number_of_gradients_raises():
    class TooMany(ember.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, grad):
            return grad, grad

    with pytest.raises(RuntimeError, match="incorrect number of gradients"):
        TooMany.apply(ember.ones(2, requires_grad=True)).sum().backward()


def test_once_differentiable_backward_records_nothing():
    class Square(ember.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x

        @staticmethod
        @ember.autograd.once_differentiable
        def backward(ctx, grad):
            (x,) = ctx.saved_tensors
            return grad * 2 * x

    x = ember.ones(2, requires_grad=True)
    (g,) = ember.autograd.grad(Square.apply(x).sum(), x, create_graph=True)
    assert not g.requires_grad


def test_in_place_on_leaf_requiring_grad_raises():
    x = ember.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf Variable that requires grad"):
        x.add_(1)
    with ember.no_grad():
        x.add_(1)
    assert x.tolist() == [2.0, 2.0]


def test_in_place_change_of_saved_tensor_raises_naming_the_op():
    x = ember.ones(3, requires_grad=True)
    y = x.exp()
    y.add_(1)
    with pytest.raises(RuntimeError, match="modified by an inplace operation.*ExpBackward0"):
        y.sum().backward()


def test_in_place_ops_in_graph_match_torch():
    results = []
    for lib in (ember, torch):
        x = lib.tensor([0.5, -1.5, 2.0], dtype=lib.float64, requires_grad=True)
        y = x * 2
        y += x
        y.mul_(x)
        y.relu_()
        y.sum().backward()
        results.append((y.tolist(), x.grad.tolist()))
    assert results[0] == results[1]


def test_requires_grad_rules():
    with pytest.raises(RuntimeError, match="floating point"):
        ember.ones(2, dtype=ember.int64).requires_grad_()
    y = ember.ones(2, requires_grad=True) * 2
    with pytest.raises(RuntimeError, match="leaf variables"):
        y.requires_grad = False
    assert y.detach().requires_grad is False


def test_numpy_refuses_tensor_requiring_grad():
    x = ember.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError, match="detach"):
        x.numpy()
    assert x.detach().numpy().tolist() == [1.0, 1.0]
