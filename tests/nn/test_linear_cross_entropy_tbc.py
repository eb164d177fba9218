"""Names torch.nn has that ember lacked: F.linear_cross_entropy and LinearCrossEntropyLoss
(with LinearCrossEntropyOptions), F.conv_tbc, NLLLoss2d; against torch."""
import warnings

import numpy as np
import pytest
import torch

import ember
from ember.autograd import gradcheck, gradgradcheck
from oracle import assert_close, check_op

LIBS = [ember, torch]
RNG = np.random.default_rng(0)


@pytest.mark.parametrize("kwargs", [
    {}, {"reduction": "none"}, {"reduction": "sum", "label_smoothing": 0.2},
    {"ignore_index": 2}, {"weight": "class"}])
def test_linear_cross_entropy(kwargs):
    target = RNG.integers(0, 5, size=4)
    class_weight = RNG.uniform(0.5, 2, size=5).astype(np.float32)

    def fn(lib, x, w, b):
        extra = dict(kwargs)
        if extra.get("weight") == "class":
            extra["weight"] = lib.tensor(class_weight)
        return lib.nn.functional.linear_cross_entropy(x, w, lib.tensor(target), linear_bias=b,
                                                      **extra)
    check_op(fn, shapes=[(4, 3), (5, 3), (5,)])


def test_linear_cross_entropy_k_dimensional_and_probabilities():
    target = RNG.integers(0, 5, size=(4, 2, 3))
    probabilities = RNG.dirichlet(np.ones(5), size=(4, 2, 3)).transpose(0, 3, 1, 2)
    check_op(lambda L, x, w, b: L.nn.functional.linear_cross_entropy(
        x, w, L.tensor(target), linear_bias=b, reduction="none"),
        shapes=[(4, 3), (5, 2, 3, 3), (5, 2, 3)])
    check_op(lambda L, x, w: L.nn.functional.linear_cross_entropy(
        x, w, L.tensor(probabilities, dtype=L.float32)), shapes=[(4, 3), (5, 2, 3, 3)])
    check_op(lambda L, x, w: L.nn.functional.linear_cross_entropy(x, w, L.tensor(3)),
             shapes=[(3,), (5, 3)])


def test_linear_cross_entropy_gradcheck():
    x = ember.randn(3, 4, dtype=ember.float64, requires_grad=True)
    w = ember.randn(5, 4, dtype=ember.float64, requires_grad=True)
    target = ember.tensor([0, 4, 2])

    def fn(a, b):
        return ember.nn.functional.linear_cross_entropy(a, b, target, label_smoothing=0.1)
    assert gradcheck(fn, [x, w])
    assert gradgradcheck(fn, [x, w])


@pytest.mark.parametrize("lib", LIBS, ids=["ember", "torch"])
def test_linear_cross_entropy_errors(lib):
    F = lib.nn.functional
    x, w, target = lib.ones(2, 3), lib.ones(4, 3), lib.tensor([0, 1])
    cases = [
        (lambda: F.linear_cross_entropy(lib.ones(1, 2, 3), w, target), "dimensionality 1 or 2"),
        (lambda: F.linear_cross_entropy(x, lib.ones(3), target), "at least 2"),
        (lambda: F.linear_cross_entropy(x, lib.ones(4, 5), target), "in_features"),
        (lambda: F.linear_cross_entropy(x, w, target, linear_bias=lib.ones(3)), "linear_bias"),
        (lambda: F.linear_cross_entropy(lib.ones(3), lib.ones(4, 2, 3), target), "batched"),
        (lambda: F.linear_cross_entropy(x, w, lib.ones(2, 4), ignore_index=1), "probabilities"),
    ]
    for call, message in cases:
        with pytest.raises(RuntimeError, match=message):
            call()
    with pytest.raises(TypeError):
        F.linear_cross_entropy(x, w, target, None)


@pytest.mark.parametrize("kwargs", [{}, {"bias": True, "out_features": (2,)},
                                    {"reduction": "sum", "label_smoothing": 0.1}])
def test_linear_cross_entropy_loss_module(kwargs):
    losses = []
    for lib in LIBS:
        lib.manual_seed(0)
        module = lib.nn.LinearCrossEntropyLoss(3, 4, **kwargs)
        with lib.no_grad():
            for p in module.parameters():
                p.copy_(lib.tensor(np.linspace(-1, 1, p.numel()).reshape(tuple(p.shape))))
        x = lib.tensor(np.linspace(-2, 2, 6).reshape(2, 3), dtype=lib.float32)
        target = lib.tensor([[1, 3], [0, 2]] if kwargs.get("out_features") else [1, 3])
        losses.append(module(x, target))
        assert [n for n, _ in module.named_parameters()] == (
            ["linear.weight", "linear.bias"] if kwargs.get("bias") else ["linear.weight"])
    assert_close(losses[0], losses[1], 1e-5, 1e-6, "LinearCrossEntropyLoss")
    assert repr(ember.nn.LinearCrossEntropyLoss(3, 4, **kwargs)) == \
        repr(torch.nn.LinearCrossEntropyLoss(3, 4, **kwargs))


@pytest.mark.parametrize("lib", LIBS, ids=["ember", "torch"])
def test_linear_cross_entropy_options(lib):
    Options = lib.nn.LinearCrossEntropyOptions
    assert Options().acc_policy == "auto" and Options(batch_chunk_size=2).batch_chunk_size == 2
    with pytest.raises(ValueError, match="acc_policy"):
        Options(acc_policy="fast")
    with pytest.raises(ValueError, match="chunking_method"):
        Options(chunking_method="aspect_ratio:0")
    x, w = lib.ones(2, 3), lib.ones(4, 3)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        lib.nn.functional.linear_cross_entropy(x, w, lib.tensor([0, 1]), options=Options())
    with pytest.warns(UserWarning, match="options.*ignored"):
        lib.nn.functional.linear_cross_entropy(x, w, lib.tensor([0, 1]), label_smoothing=0.1,
                                               options=Options())


@pytest.mark.parametrize("pad", [0, 1, 3])
def test_conv_tbc(pad):
    check_op(lambda L, x, w, b: L.nn.functional.conv_tbc(x, w, b, pad),
             shapes=[(5, 2, 3), (2, 3, 4), (4,)])


def test_conv_tbc_gradcheck():
    args = [ember.randn(*s, dtype=ember.float64, requires_grad=True)
            for s in [(4, 2, 3), (2, 3, 2), (2,)]]
    assert gradcheck(lambda x, w, b: ember.nn.functional.conv_tbc(x, w, b, 1), args)
    assert gradgradcheck(lambda x, w, b: ember.nn.functional.conv_tbc(x, w, b, 1), args)


@pytest.mark.parametrize("lib", LIBS, ids=["ember", "torch"])
def test_conv_tbc_errors(lib):
    x, w, b = lib.ones(5, 2, 3), lib.ones(2, 3, 4), lib.ones(4)
    for args, message in [((lib.ones(5, 2), w, b), "3 dims: time"),
                          ((x, lib.ones(2, 3), b), "Weight tensor"),
                          ((x, w, lib.ones(4, 1)), "1-D"),
                          ((x, lib.ones(2, 4, 4), b), "input channels"),
                          ((x, w, lib.ones(5)), "output channels"),
                          ((lib.ones(1, 2, 3), lib.ones(3, 3, 4), b), "negative dimension")]:
        with pytest.raises(RuntimeError, match=message):
            lib.nn.functional.conv_tbc(*args)


@pytest.mark.parametrize("lib", LIBS, ids=["ember", "torch"])
def test_nll_loss_2d_is_a_deprecated_nll_loss(lib):
    with pytest.warns(FutureWarning, match="NLLLoss2d"):
        loss = lib.nn.NLLLoss2d(ignore_index=1)
    assert isinstance(loss, lib.nn.NLLLoss) and loss.ignore_index == 1
    value = loss(lib.log_softmax(lib.ones(2, 3, 2, 2), 1), lib.zeros(2, 2, 2, dtype=lib.int64))
    assert abs(value.item() - np.log(3)) < 1e-6
