"""gradcheck's check_forward_ad / check_backward_ad: each selects which derivative is compared
with finite differences, and a wrong derivative fails the check that looks at it."""
import pytest
import torch

import ember
from ember.autograd import Function, gradcheck


class WrongSquare(Function):
    """y = x**2 with the derivative 3 x instead of 2 x."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * 3 * x


def test_forward_ad_check_passes_for_correct_derivatives():
    x = ember.randn(3, dtype=ember.float64, requires_grad=True)
    y = ember.randn(2, 3, dtype=ember.float64, requires_grad=True)
    assert gradcheck(lambda a, b: (a * b).sin().sum(0), (x, y), check_forward_ad=True)
    assert gradcheck(ember.tanh, (x,), check_forward_ad=True, check_backward_ad=False)


@pytest.mark.parametrize("forward,backward", [(True, False), (False, True), (True, True)])
def test_wrong_derivative_fails(forward, backward):
    x = ember.rand(4, dtype=ember.float64, requires_grad=True) + 0.5
    assert not gradcheck(WrongSquare.apply, (x.detach().requires_grad_(),),
                         check_forward_ad=forward, check_backward_ad=backward,
                         raise_exception=False)
    with pytest.raises(RuntimeError, match="Jacobian mismatch"):
        gradcheck(WrongSquare.apply, (x.detach().requires_grad_(),),
                  check_forward_ad=forward, check_backward_ad=backward)


def test_keywords_as_torch():
    x = torch.randn(3, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(torch.sin, (x,), check_forward_ad=True,
                                    check_batched_forward_grad=False)
    xe = ember.randn(3, dtype=ember.float64, requires_grad=True)
    assert gradcheck(ember.sin, (xe,), check_forward_ad=True, check_batched_forward_grad=False)
    with pytest.raises(TypeError):
        gradcheck(ember.sin, (xe,), True)
