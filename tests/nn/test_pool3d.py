"""3-D pooling against torch: MaxPool3d, AvgPool3d, the adaptive pools, LPPool3d and
MaxUnpool3d; outputs, indices and gradients, float64 gradchecks, reprs and errors."""
import pytest
import torch

import ember
from oracle import check_op


def _layer(make):
    """fn(lib, x) running the layer built by make(lib.nn)."""
    layers = {ember: make(ember.nn), torch: make(torch.nn)}
    return lambda L, x: layers[L](x)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("make,shape", [
    (lambda nn: nn.MaxPool3d(2), (2, 3, 4, 5, 6)),
    (lambda nn: nn.MaxPool3d((2, 1, 3), stride=(1, 2, 2), padding=(1, 0, 1),
                             dilation=(1, 2, 1), ceil_mode=True, return_indices=True),
     (2, 2, 5, 6, 7)),
    (lambda nn: nn.MaxPool3d(3, 2, 1, return_indices=True), (3, 5, 5, 5)),
    (lambda nn: nn.MaxPool3d(4, 1), (1, 2, 5, 5, 5)),  # 64 offsets: the one-copy path
    (lambda nn: nn.AvgPool3d(2), (2, 3, 4, 5, 6)),
    (lambda nn: nn.AvgPool3d(3, 2, 1, ceil_mode=True, count_include_pad=False),
     (2, 2, 5, 6, 7)),
    (lambda nn: nn.AvgPool3d((2, 3, 1), (1, 2, 1), (1, 1, 0), divisor_override=5),
     (1, 2, 4, 5, 3)),
    (lambda nn: nn.AdaptiveAvgPool3d((2, None, 3)), (2, 3, 5, 4, 7)),
    (lambda nn: nn.AdaptiveAvgPool3d(1), (2, 3, 4, 4, 4)),
    (lambda nn: nn.AdaptiveMaxPool3d(3, return_indices=True), (2, 3, 5, 4, 7)),
    (lambda nn: nn.AdaptiveMaxPool3d((2, 2, 2)), (3, 4, 6, 2)),
    (lambda nn: nn.LPPool3d(2, 2), (2, 3, 4, 4, 6)),
    (lambda nn: nn.LPPool3d(3, (2, 1, 2), stride=1, ceil_mode=True), (2, 3, 3, 4, 5)),
])
def test_pool3d_against_torch(make, shape, dtype):
    low = 0.1 if "LPPool" in repr(make(torch.nn)) else -2.0  # lp pools need positive sums
    check_op(_layer(make), shapes=[shape], dtype=dtype, low=low, name=repr(make(torch.nn)))


@pytest.mark.parametrize("name,args", [
    ("max_pool3d", (2,)), ("max_pool3d", ((2, 3, 3), 1, 1, 2, True)),
    ("avg_pool3d", (2, 1, 1, True, False)), ("adaptive_avg_pool3d", ((3, 2, 5),)),
    ("adaptive_max_pool3d", ((3, 2, 5),)), ("lp_pool3d", (2.0, 2)),
])
def test_pool3d_functional(name, args):
    check_op(lambda L, x: getattr(L.nn.functional, name)(x, *args), shapes=[(2, 2, 4, 5, 6)],
             dtype="float64", low=0.1, name=name)


@pytest.mark.parametrize("name", ["max_pool3d_with_indices",
                                  "adaptive_max_pool3d_with_indices"])
def test_with_indices_functions(name):
    out, indices = check_op(lambda L, x: getattr(L.nn.functional, name)(x, 2),
                            shapes=[(1, 2, 4, 4, 5)], name=name)
    assert indices.dtype == ember.int64


@pytest.mark.parametrize("fn", [
    lambda x: ember.nn.functional.max_pool3d(x, 2, 1, 1),
    lambda x: ember.nn.functional.avg_pool3d(x, (2, 3, 2), 1, 1, count_include_pad=False),
    lambda x: ember.nn.functional.adaptive_avg_pool3d(x, (2, 3, 2)),
    lambda x: ember.nn.functional.adaptive_max_pool3d(x, (2, 3, 2)),
    lambda x: ember.nn.functional.max_unpool3d(*ember.nn.functional.max_pool3d(
        x, 2, return_indices=True), 2, output_size=x.shape),
])
def test_pool3d_gradcheck(fn):
    x = ember.randn(1, 2, 4, 5, 4, dtype=ember.float64, requires_grad=True)
    assert ember.autograd.gradcheck(fn, [x])
    assert ember.autograd.gradgradcheck(fn, [x])


@pytest.mark.parametrize("pool,unpool,shape", [
    (lambda nn: nn.MaxPool3d(2, return_indices=True), lambda nn: nn.MaxUnpool3d(2),
     (2, 3, 4, 4, 6)),
    (lambda nn: nn.MaxPool3d(3, 2, 1, return_indices=True), lambda nn: nn.MaxUnpool3d(3, 2, 1),
     (2, 5, 6, 5)),
])
def test_max_unpool3d_round_trip(pool, unpool, shape):
    layers = {L: (pool(L.nn), unpool(L.nn)) for L in (ember, torch)}

    def fn(L, x):
        pooling, unpooling = layers[L]
        output, indices = pooling(x)
        return unpooling(output, indices, output_size=x.shape[-3:])

    restored = check_op(fn, shapes=[shape], dtype="float64", name="max_unpool3d")[0]
    assert tuple(restored.shape) == shape


def test_max_unpool3d_output_size_length():
    output, indices = ember.nn.functional.max_pool3d(ember.randn(3, 4, 4, 4), 2,
                                                      return_indices=True)
    with pytest.raises(ValueError, match="3 or 5 elements"):
        ember.nn.MaxUnpool3d(2)(output, indices, output_size=(3, 4, 4, 4))


def test_pool3d_reprs():
    cases = [lambda nn: nn.MaxPool3d(2),
             lambda nn: nn.MaxPool3d((2, 1, 2), 1, 1, (1, 2, 1), True, True),
             lambda nn: nn.AvgPool3d(2), lambda nn: nn.AvgPool3d((2, 3, 1), (1, 2, 1), 1),
             lambda nn: nn.AdaptiveAvgPool3d((2, None, 3)),
             lambda nn: nn.AdaptiveMaxPool3d(2, True), lambda nn: nn.LPPool3d(2, (2, 1, 2), 1),
             lambda nn: nn.MaxUnpool3d(2), lambda nn: nn.MaxUnpool3d((2, 1, 2), 1, (1, 0, 1))]
    for make in cases:
        assert repr(make(ember.nn)) == repr(make(torch.nn))
        assert list(make(ember.nn).state_dict()) == []
    avg = ember.nn.AvgPool3d(2, divisor_override=3, count_include_pad=False)
    assert (avg.divisor_override, avg.count_include_pad, avg.stride) == (3, False, 2)
    assert not isinstance(avg, ember.nn.AvgPool2d)


@pytest.mark.parametrize("fn,shape", [
    (lambda F, x: F.max_pool3d(x, 2), (2, 3, 4)),
    (lambda F, x: F.avg_pool3d(x, 2), (2, 3, 4)),
    (lambda F, x: F.max_pool3d(x, (2, 2)), (1, 2, 4, 4, 4)),
    (lambda F, x: F.avg_pool3d(x, (2, 2)), (1, 2, 4, 4, 4)),
    (lambda F, x: F.max_pool3d(x, 2), (1, 2, 1, 4, 4)),
    (lambda F, x: F.max_pool3d(x, 2, padding=2), (1, 2, 4, 4, 4)),
    (lambda F, x: F.max_pool3d(x, 3, padding=(1, 1, 2), dilation=2), (1, 2, 6, 6, 6)),
    (lambda F, x: F.adaptive_max_pool3d(x, 2), (2, 3)),
    (lambda F, x: F.adaptive_avg_pool3d(x, 2), (2, 3)),
    (lambda F, x: F.adaptive_avg_pool3d(x, (2, 2)), (1, 2, 4, 4, 4)),
])
def test_pool3d_errors(fn, shape):
    with pytest.raises(RuntimeError):
        fn(torch.nn.functional, torch.randn(shape))
    with pytest.raises(RuntimeError):
        fn(ember.nn.functional, ember.randn(shape))
