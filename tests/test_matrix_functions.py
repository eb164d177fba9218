"""matrix_exp and householder_product (ember/_matrix_functions.py) against torch.linalg."""
import pytest
import torch

import ember
from ember.autograd import gradcheck, gradgradcheck
from oracle import check_op


@pytest.mark.parametrize("shape, scale", [((3, 3), 0.1), ((4, 4), 2.0), ((2, 3, 3), 5.0),
                                          ((1, 1), 1.0)])
def test_matrix_exp(shape, scale):
    check_op(lambda lib, a: lib.linalg.matrix_exp(a * scale), shapes=[shape], dtype="float64",
             name="matrix_exp")


def test_matrix_exp_float32_and_method():
    check_op(lambda lib, a: (a * 3).matrix_exp(), shapes=[(5, 5)], rtol=1e-4, atol=1e-4)
    check_op(lambda lib, a: lib.matrix_exp(a), shapes=[(2, 2)])


def test_matrix_exp_gradcheck():
    a = ember.randn(3, 3, dtype=ember.float64, requires_grad=True)
    assert gradcheck(ember.linalg.matrix_exp, [a])
    assert gradgradcheck(ember.linalg.matrix_exp, [a])


def test_matrix_exp_not_square():
    with pytest.raises(RuntimeError, match="square matrices, but they are 3 by 4"):
        ember.linalg.matrix_exp(ember.zeros(3, 4))


@pytest.mark.parametrize("a_shape, tau_shape", [((5, 3), (3,)), ((4, 4), (2,)),
                                                ((2, 4, 3), (2, 3))])
def test_householder_product(a_shape, tau_shape):
    check_op(lambda lib, a, tau: lib.linalg.householder_product(a, tau),
             shapes=[a_shape, tau_shape], dtype="float64")


def test_householder_product_gradcheck():
    a = ember.randn(4, 3, dtype=ember.float64, requires_grad=True)
    tau = ember.randn(3, dtype=ember.float64, requires_grad=True)
    assert gradcheck(ember.linalg.householder_product, [a, tau])
    assert gradgradcheck(ember.linalg.householder_product, [a, tau])


@pytest.mark.parametrize("a_shape, tau_shape", [((3, 4), (2,)), ((4, 3), (4,))])
def test_householder_product_errors(a_shape, tau_shape):
    with pytest.raises(RuntimeError) as torch_error:
        torch.linalg.householder_product(torch.zeros(a_shape), torch.zeros(tau_shape))
    with pytest.raises(RuntimeError) as ember_error:
        ember.linalg.householder_product(ember.zeros(a_shape), ember.zeros(tau_shape))
    assert str(ember_error.value) == str(torch_error.value)
