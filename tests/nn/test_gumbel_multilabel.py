"""gumbel_softmax (soft and hard samples, straight-through gradient, sample statistics, the
RNG) and multilabel_margin_loss against torch."""
import numpy as np
import pytest
import torch

import ember
from oracle import check_op, to_numpy

F = ember.nn.functional


@pytest.mark.parametrize("tau,dim", [(1, -1), (0.5, 0), (2.0, 1)])
def test_gumbel_softmax_soft(tau, dim):
    y = F.gumbel_softmax(ember.randn(4, 6, 3), tau=tau, dim=dim)
    assert y.shape == (4, 6, 3)
    np.testing.assert_allclose(to_numpy(y.sum(dim)), 1, rtol=1e-5)
    assert (to_numpy(y) > 0).all()


def test_gumbel_softmax_hard_is_one_hot_of_the_soft_sample():
    logits = ember.randn(5, 7)
    ember.manual_seed(3)
    soft = F.gumbel_softmax(logits, tau=0.7)
    ember.manual_seed(3)
    hard = F.gumbel_softmax(logits, tau=0.7, hard=True)
    values = to_numpy(hard)
    assert set(np.unique(values)) == {0.0, 1.0}
    np.testing.assert_array_equal(values.sum(-1), 1)
    np.testing.assert_array_equal(values.argmax(-1), to_numpy(soft).argmax(-1))


def test_gumbel_softmax_straight_through_gradient():
    logits = ember.randn(3, 5, dtype=ember.float64, requires_grad=True)
    weights = ember.randn(3, 5, dtype=ember.float64)
    ember.manual_seed(0)
    (F.gumbel_softmax(logits, tau=0.5, hard=True) * weights).sum().backward()
    hard_grad = logits.grad.clone()
    logits.grad = None
    ember.manual_seed(0)
    (F.gumbel_softmax(logits, tau=0.5) * weights).sum().backward()
    np.testing.assert_allclose(to_numpy(hard_grad), to_numpy(logits.grad), rtol=1e-12)
    assert np.abs(to_numpy(hard_grad)).sum() > 0


def test_gumbel_softmax_sample_statistics():
    probs = np.array([0.1, 0.2, 0.3, 0.4])
    logits = ember.tensor(np.log(probs), dtype=ember.float32).expand(20000, 4)
    ember.manual_seed(0)
    frequencies = to_numpy(F.gumbel_softmax(logits, hard=True).mean(0))
    np.testing.assert_allclose(frequencies, probs, atol=0.015)  # argmax ~ Categorical(probs)
    ember.manual_seed(0)
    first = to_numpy(F.gumbel_softmax(logits[:3]))
    ember.manual_seed(0)
    np.testing.assert_array_equal(first, to_numpy(F.gumbel_softmax(logits[:3])))
    assert not np.array_equal(first, to_numpy(F.gumbel_softmax(logits[:3])))


def test_gumbel_softmax_eps_warns():
    with pytest.warns(UserWarning, match="deprecated"):
        F.gumbel_softmax(ember.zeros(2, 3), eps=1e-5)


TARGETS = np.array([[3, 0, -1, 1], [1, 2, 3, 0], [-1, 2, 0, 1], [2, 2, -1, 0]])


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_multilabel_margin_loss(reduction, dtype):
    def fn(L, x):
        target = L.tensor(TARGETS)
        return L.nn.functional.multilabel_margin_loss(x, target, reduction=reduction)
    check_op(fn, shapes=[(4, 4)], dtype=dtype, low=-1, high=1, name="multilabel_margin_loss")

    def module(L, x):
        return L.nn.MultiLabelMarginLoss(reduction=reduction)(x, L.tensor(TARGETS[1]))
    check_op(module, shapes=[(4,)], dtype=dtype, name="MultiLabelMarginLoss unbatched")


def test_multilabel_margin_loss_gradcheck_and_repr():
    x = ember.randn(4, 4, dtype=ember.float64, requires_grad=True)
    target = ember.tensor(TARGETS)
    assert ember.autograd.gradcheck(lambda t: F.multilabel_margin_loss(t, target), [x])
    assert repr(ember.nn.MultiLabelMarginLoss(reduction="sum")) == "MultiLabelMarginLoss()"


@pytest.mark.parametrize("input_shape,target", [
    ((2, 4), [1, 2]), ((2, 4), [[0.0] * 4] * 2), ((2, 4), [[5] * 4] * 2),
])
def test_multilabel_margin_loss_errors(input_shape, target):
    for L in (torch, ember):
        with pytest.raises(RuntimeError):
            L.nn.functional.multilabel_margin_loss(L.randn(input_shape), L.tensor(target))
    with pytest.raises(RuntimeError):
        F.multilabel_margin_loss(ember.randn(2, 3, 4), ember.zeros(2, 3, 4, dtype=ember.int64))
