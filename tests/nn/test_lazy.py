"""Lazy layers against torch: reprs before and after the first forward, the inferred
shapes, state_dicts of uninitialized modules, loading into them, optimizers built before the
first forward, and training equivalence once the weights are copied from torch."""
import copy
import pickle

import numpy as np
import pytest
import torch

import ember
from oracle import to_numpy

CASES = [
    ("LazyLinear(3)", (4, 5)),
    ("LazyLinear(3, bias=False)", (2, 4, 6)),
    ("LazyConv1d(4, 3, padding=1)", (2, 6, 9)),
    ("LazyConv2d(4, 3, stride=2, groups=2, bias=False)", (2, 6, 7, 7)),
    ("LazyConv2d(4, 3)", (6, 5, 5)),  # unbatched: channels from dim 0
    ("LazyConv3d(2, (1, 2, 3), padding_mode='circular', padding=1)", (1, 3, 4, 4, 5)),
    ("LazyConvTranspose1d(4, 3, stride=2, output_padding=1)", (2, 6, 5)),
    ("LazyConvTranspose2d(4, 3, groups=2)", (1, 6, 5, 5)),
    ("LazyConvTranspose3d(2, 2, dilation=2)", (1, 3, 3, 3, 3)),
    ("LazyBatchNorm1d()", (8, 3)),
    ("LazyBatchNorm2d(momentum=None, affine=False)", (4, 3, 5, 5)),
    ("LazyBatchNorm3d(track_running_stats=False, bias=False)", (2, 3, 2, 3, 3)),
    ("LazyInstanceNorm1d()", (2, 3, 6)),
    ("LazyInstanceNorm2d(affine=False, track_running_stats=False)", (2, 3, 4, 4)),
    ("LazyInstanceNorm3d(eps=1e-3)", (2, 3, 2, 3, 3)),
]


def _pair(expression):
    return eval("ember.nn." + expression), eval("torch.nn." + expression)


@pytest.mark.parametrize("expression,shape", CASES)
def test_lazy_layer_like_torch(expression, shape):
    lazy, reference = _pair(expression)
    assert repr(lazy) == repr(reference)
    assert lazy.has_uninitialized_params() == reference.has_uninitialized_params()
    before = lazy.state_dict()
    assert list(before) == list(reference.state_dict())
    assert [repr(v) for v in before.values()] == [repr(v) for v in
                                                  reference.state_dict().values()]
    params_before = list(lazy.parameters())
    has_params = bool(params_before)
    # built before the first forward, as torch allows
    optimizer = ember.optim.SGD(lazy.parameters(), lr=0.1) if has_params else None

    x = np.random.default_rng(0).standard_normal(shape).astype(np.float32)
    lazy(ember.tensor(x))
    reference(torch.tensor(x))
    assert type(lazy).__name__ == type(reference).__name__
    assert type(lazy) is getattr(ember.nn, type(reference).__name__)
    assert repr(lazy) == repr(reference)
    assert not hasattr(lazy, "has_uninitialized_params")  # a regular layer now, as torch's
    assert not hasattr(lazy, "_initialize_hook")
    # the same Parameter objects, now materialized, as the optimizer holds them
    assert [id(p) for p in lazy.parameters()] == [id(p) for p in params_before]
    assert all(type(p) is ember.nn.Parameter for p in lazy.parameters())
    if has_params:
        assert optimizer.param_groups[0]["params"] == list(lazy.parameters())
    expected = reference.state_dict()
    assert {k: tuple(v.shape) for k, v in lazy.state_dict().items()} == {
        k: tuple(v.shape) for k, v in expected.items()}
    assert {k: str(v.dtype) for k, v in lazy.state_dict().items()} == {
        k: str(v.dtype).replace("torch", "ember") for k, v in expected.items()}

    # trained side by side from the same weights, they stay together
    lazy.load_state_dict({k: ember.tensor(v.numpy()) for k, v in expected.items()})
    torch_optimizer = torch.optim.SGD(reference.parameters(), lr=0.1) if has_params else None
    for step in range(2):
        batch = np.random.default_rng(step + 1).standard_normal(shape).astype(np.float32)
        loss = (lazy(ember.tensor(batch)) ** 2).mean()
        torch_loss = (reference(torch.tensor(batch)) ** 2).mean()
        if has_params:
            optimizer.zero_grad()
            torch_optimizer.zero_grad()
            loss.backward()
            torch_loss.backward()
            optimizer.step()
            torch_optimizer.step()
        np.testing.assert_allclose(to_numpy(loss), to_numpy(torch_loss), rtol=1e-4, atol=1e-6)
    for key, value in reference.state_dict().items():
        np.testing.assert_allclose(to_numpy(lazy.state_dict()[key]), to_numpy(value),
                                   rtol=1e-4, atol=1e-5, err_msg=key)


def test_initialised_as_the_regular_layer():
    linear = ember.nn.LazyLinear(200)
    linear(ember.randn(1, 50))
    bound = 1 / np.sqrt(50)
    weight = to_numpy(linear.weight)
    assert np.abs(weight).max() <= bound and np.abs(weight).max() > 0.9 * bound
    assert np.abs(to_numpy(linear.bias)).max() <= bound
    bn = ember.nn.LazyBatchNorm2d()
    bn(ember.randn(2, 3, 2, 2))
    np.testing.assert_array_equal(to_numpy(bn.weight), np.ones(3))
    assert int(bn.num_batches_tracked) == 1


def test_load_into_uninitialized_module():
    lazy = ember.nn.LazyLinear(3)
    source = ember.nn.Linear(5, 3)
    lazy.load_state_dict(source.state_dict())
    assert type(lazy) is ember.nn.LazyLinear and lazy.in_features == 0
    np.testing.assert_array_equal(to_numpy(lazy.weight), to_numpy(source.weight))
    lazy(ember.randn(2, 5))  # loaded weights are kept, in_features follows the input
    assert type(lazy) is ember.nn.Linear and lazy.in_features == 5
    np.testing.assert_array_equal(to_numpy(lazy.weight), to_numpy(source.weight))
    # an uninitialized state_dict into an uninitialized module stays lazy
    other = ember.nn.LazyLinear(3)
    other.load_state_dict(ember.nn.LazyLinear(3).state_dict())
    assert other.has_uninitialized_params()


def test_errors_like_torch():
    with pytest.raises(RuntimeError, match="Missing key"):
        ember.nn.LazyLinear(3).load_state_dict({})
    with pytest.raises(RuntimeError, match="Can't access the shape"):
        ember.nn.Linear(4, 3).load_state_dict(ember.nn.LazyLinear(3).state_dict())
    with pytest.raises(ValueError, match="in_channels must be divisible by groups"):
        ember.nn.LazyConv2d(4, 3, groups=2)(ember.randn(1, 3, 5, 5))
    with pytest.raises(RuntimeError, match="Expected 3D .unbatched. or 4D"):
        ember.nn.LazyConv2d(4, 3)(ember.randn(5, 5))
    with pytest.raises(ValueError):
        ember.nn.LazyBatchNorm2d()(ember.randn(2, 3, 4))


def test_uninitialized_tensors():
    param = ember.nn.UninitializedParameter()
    assert repr(param) == "<UninitializedParameter>" and param.requires_grad
    assert isinstance(param, ember.nn.Parameter)
    assert type(param.double()) is ember.nn.UninitializedParameter
    param.materialize((2, 3), dtype=ember.float64)
    assert type(param) is ember.nn.Parameter and param.shape == (2, 3)
    assert param.dtype == ember.float64 and param.requires_grad
    buffer = ember.nn.UninitializedBuffer()
    assert repr(buffer) == "<UninitializedBuffer>" and not buffer.requires_grad
    buffer.materialize((4,))
    assert type(buffer) is ember.Tensor and buffer.shape == (4,)
    assert repr(copy.deepcopy(ember.nn.UninitializedParameter())) == "<UninitializedParameter>"
    restored = pickle.loads(pickle.dumps(ember.nn.UninitializedBuffer()))
    assert type(restored) is ember.nn.UninitializedBuffer


def test_lazy_module_moves_and_copies_before_forward():
    bn = ember.nn.LazyBatchNorm1d().double()
    assert bn.has_uninitialized_params()
    bn(ember.randn(4, 3, dtype=ember.float64))
    assert bn.running_mean.dtype == ember.float64 and bn.weight.dtype == ember.float64
    model = ember.nn.Sequential(ember.nn.LazyLinear(4), ember.nn.ReLU(), ember.nn.LazyLinear(1))
    twin = copy.deepcopy(model)
    twin(ember.randn(2, 7))
    assert model[0].has_uninitialized_params() and type(twin[0]) is ember.nn.Linear
    assert repr(twin) == repr(torch.nn.Sequential(torch.nn.Linear(7, 4), torch.nn.ReLU(),
                                                  torch.nn.Linear(4, 1)))
