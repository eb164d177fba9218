"""torch.fft's shifts (ember/fft.py) against torch, with gradients."""
import pytest

import ember
from ember.autograd import gradcheck
from oracle import check_op


@pytest.mark.parametrize("name", ["fftshift", "ifftshift"])
@pytest.mark.parametrize("shape, dim", [((5,), None), ((4, 5), None), ((4, 5), 0),
                                        ((3, 4, 5), (0, 2)), ((3, 4), -1), ((0, 3), None)])
def test_shifts(name, shape, dim):
    check_op(lambda lib, x: getattr(lib.fft, name)(x, dim=dim), shapes=[shape])


def test_shifts_undo_each_other_and_gradcheck():
    x = ember.randn(4, 5, dtype=ember.float64, requires_grad=True)
    assert ember.equal(ember.fft.ifftshift(ember.fft.fftshift(x)), x)
    assert gradcheck(lambda t: ember.fft.fftshift(t, dim=1), [x])
