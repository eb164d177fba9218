"""Pooling layers against torch: outputs, returned indices and gradients in float32 and
float64, MaxUnpool round trips, reprs and errors."""
import numpy as np
import pytest
import torch

import ember
from oracle import check_op, to_numpy


def _layer(make):
    """fn(lib, x) running the layer built by make(lib.nn)."""
    layers = {ember: make(ember.nn), torch: make(torch.nn)}
    return lambda L, x: layers[L](x)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("make,shape", [
    (lambda nn: nn.MaxPool2d(2), (2, 3, 6, 7)),
    (lambda nn: nn.MaxPool2d((3, 2), stride=(2, 1), padding=1, dilation=(1, 2), ceil_mode=True),
     (2, 3, 7, 8)),
    (lambda nn: nn.MaxPool2d(3, 2, 1, return_indices=True), (3, 7, 7)),
    (lambda nn: nn.MaxPool1d(3, 2, 1, return_indices=True, ceil_mode=True), (2, 3, 8)),
    (lambda nn: nn.AvgPool2d(2), (2, 3, 6, 7)),
    (lambda nn: nn.AvgPool2d(3, 2, 1, ceil_mode=True, count_include_pad=False), (2, 3, 7, 8)),
    (lambda nn: nn.AvgPool2d(2, divisor_override=3), (1, 2, 4, 4)),
    (lambda nn: nn.AvgPool1d(3, 2, 1), (2, 3, 9)),
    (lambda nn: nn.AdaptiveAvgPool2d((1, 1)), (2, 3, 5, 7)),
    (lambda nn: nn.AdaptiveAvgPool2d((3, None)), (2, 3, 5, 7)),
    (lambda nn: nn.AdaptiveAvgPool1d(4), (2, 3, 9)),
    (lambda nn: nn.AdaptiveMaxPool2d(3, return_indices=True), (2, 3, 5, 7)),
    (lambda nn: nn.AdaptiveMaxPool1d(4), (2, 3, 9)),
    (lambda nn: nn.LPPool2d(2, 2), (2, 3, 4, 6)),
    (lambda nn: nn.LPPool1d(3, 3, stride=2), (2, 3, 9)),
])
def test_pooling_against_torch(make, shape, dtype):
    low = 0.1 if "LPPool" in repr(make(torch.nn)) else -2.0  # lp pools need positive sums
    check_op(_layer(make), shapes=[shape], dtype=dtype, low=low, name=repr(make(torch.nn)))


@pytest.mark.parametrize("pool,unpool,shape", [
    (lambda nn: nn.MaxPool2d(2, return_indices=True), lambda nn: nn.MaxUnpool2d(2),
     (2, 3, 4, 6)),
    (lambda nn: nn.MaxPool1d(3, 2, 1, return_indices=True), lambda nn: nn.MaxUnpool1d(3, 2, 1),
     (2, 3, 8)),
])
def test_max_unpool_round_trip(pool, unpool, shape):
    layers = {L: (pool(L.nn), unpool(L.nn)) for L in (ember, torch)}

    def fn(L, x):
        pooling, unpooling = layers[L]
        output, indices = pooling(x)
        return unpooling(output, indices, output_size=x.shape)

    restored = check_op(fn, shapes=[shape], dtype="float64", name="max_unpool")[0]
    assert tuple(restored.shape) == shape


def test_pooling_reprs():
    cases = [lambda nn: nn.MaxPool2d(2), lambda nn: nn.MaxPool1d(3, 2, 1, ceil_mode=True),
             lambda nn: nn.AvgPool2d(2), lambda nn: nn.AvgPool1d(3),
             lambda nn: nn.AdaptiveAvgPool2d((1, 1)), lambda nn: nn.AdaptiveMaxPool1d(4),
             lambda nn: nn.MaxUnpool2d(2), lambda nn: nn.LPPool2d(2, 3)]
    for make in cases:
        assert repr(make(ember.nn)) == repr(make(torch.nn))
        assert list(make(ember.nn).state_dict()) == []
    assert repr(ember.nn.MaxPool2d(2)) == (
        "MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)")


def test_pooling_in_eval_and_errors():
    x = ember.randn(1, 2, 4, 4)
    pool = ember.nn.MaxPool2d(2).eval()
    np.testing.assert_array_equal(to_numpy(pool(x)), to_numpy(pool.train()(x)))
    with pytest.raises(RuntimeError):
        ember.nn.MaxPool2d(2)(ember.randn(4))
    with pytest.raises(RuntimeError):
        ember.nn.MaxPool2d(5)(ember.randn(1, 1, 3, 3))
