"""nn.init: bounds and moments of each distribution, fans and gains against torch."""
import math

import numpy as np
import pytest
import torch

import ember
from ember.nn import init
from oracle import assert_bitwise


def _values(tensor):
    return tensor.detach().numpy().astype(np.float64)


@pytest.mark.parametrize("nonlinearity,param", [
    ("linear", None), ("conv2d", None), ("sigmoid", None), ("tanh", None), ("relu", None),
    ("leaky_relu", None), ("leaky_relu", 0.2), ("leaky_relu", 3), ("selu", None)])
def test_calculate_gain_matches_torch(nonlinearity, param):
    assert init.calculate_gain(nonlinearity, param) == torch.nn.init.calculate_gain(
        nonlinearity, param)


def test_calculate_gain_errors():
    with pytest.raises(ValueError, match="Unsupported nonlinearity"):
        init.calculate_gain("swish")
    with pytest.raises(ValueError, match="not a valid number"):
        init.calculate_gain("leaky_relu", True)


@pytest.mark.parametrize("shape", [(5, 3), (8, 4, 3, 3), (2, 6, 7)])
def test_fans_match_torch(shape):
    assert init._calculate_fan_in_and_fan_out(ember.empty(shape)) == \
        torch.nn.init._calculate_fan_in_and_fan_out(torch.empty(shape))
    with pytest.raises(ValueError, match="fewer than 2 dimensions"):
        init._calculate_fan_in_and_fan_out(ember.empty(3))


def test_uniform_and_normal_moments():
    u = init.uniform_(ember.empty(200, 100), -2.0, 3.0)
    values = _values(u)
    assert values.min() >= -2.0 and values.max() <= 3.0
    assert abs(values.mean() - 0.5) < 0.05 and abs(values.var() - 25 / 12) < 0.1
    n = init.normal_(ember.empty(200, 100), mean=1.0, std=0.5)
    values = _values(n)
    assert abs(values.mean() - 1.0) < 0.02 and abs(values.std() - 0.5) < 0.02


def test_generator_makes_draws_reproducible():
    a = init.normal_(ember.empty(10), generator=ember.Generator().manual_seed(3))
    b = init.normal_(ember.empty(10), generator=ember.Generator().manual_seed(3))
    c = init.normal_(ember.empty(10))
    assert a.tolist() == b.tolist() != c.tolist()
    ember.manual_seed(7)
    first = init.uniform_(ember.empty(4)).tolist()
    ember.manual_seed(7)
    assert init.uniform_(ember.empty(4)).tolist() == first


@pytest.mark.parametrize("a,b,mean,std", [(-2.0, 2.0, 0.0, 1.0), (0.5, 1.0, 0.0, 1.0),
                                          (-0.1, 0.1, 0.0, 0.02)])
def test_trunc_normal_stays_in_bounds_with_the_truncated_moments(a, b, mean, std):
    values = _values(init.trunc_normal_(ember.empty(100, 100), mean, std, a, b))
    assert values.min() >= a and values.max() <= b
    # moments of the truncated normal
    alpha, beta = (a - mean) / std, (b - mean) / std
    pdf = lambda x: math.exp(-x * x / 2) / math.sqrt(2 * math.pi)  # noqa: E731
    cdf = lambda x: (1 + math.erf(x / math.sqrt(2))) / 2  # noqa: E731
    z = cdf(beta) - cdf(alpha)
    expected_mean = mean + (pdf(alpha) - pdf(beta)) / z * std
    assert abs(values.mean() - expected_mean) < 0.02 * (b - a)


def test_constant_ones_zeros_eye_dirac_match_torch():
    assert init.constant_(ember.empty(2, 3), 0.25).tolist() == [[0.25] * 3] * 2
    assert init.ones_(ember.empty(3)).tolist() == [1.0] * 3
    assert init.zeros_(ember.ones(3)).tolist() == [0.0] * 3
    assert init.eye_(ember.empty(2, 3)).tolist() == torch.nn.init.eye_(
        torch.empty(2, 3)).tolist()
    for shape, groups in (((4, 2, 3), 1), ((4, 2, 3, 3), 2), ((2, 3, 1, 3, 3), 1)):
        assert init.dirac_(ember.empty(shape), groups).tolist() == torch.nn.init.dirac_(
            torch.empty(shape), groups).tolist()
    with pytest.raises(ValueError, match="2 dimensions"):
        init.eye_(ember.empty(3))
    with pytest.raises(ValueError, match="divisible by groups"):
        init.dirac_(ember.empty(3, 2, 3), groups=2)


@pytest.mark.parametrize("shape", [(64, 128), (32, 16, 3, 3)])
def test_xavier_and_kaiming_scales(shape):
    fan_in, fan_out = init._calculate_fan_in_and_fan_out(ember.empty(shape))
    bound = math.sqrt(6.0 / (fan_in + fan_out))
    values = _values(init.xavier_uniform_(ember.empty(shape)))
    assert values.max() <= bound and values.min() >= -bound and values.max() > 0.9 * bound
    values = _values(init.xavier_normal_(ember.empty(shape), gain=2.0))
    assert abs(values.std() / (2.0 * math.sqrt(2.0 / (fan_in + fan_out))) - 1) < 0.05
    bound = math.sqrt(2.0) * math.sqrt(3.0 / fan_out)
    values = _values(init.kaiming_uniform_(ember.empty(shape), mode="fan_out",
                                           nonlinearity="relu"))
    assert values.max() <= bound and values.max() > 0.9 * bound
    values = _values(init.kaiming_normal_(ember.empty(shape), a=0.1))
    std = math.sqrt(2.0 / (1 + 0.1 ** 2)) / math.sqrt(fan_in)
    assert abs(values.std() / std - 1) < 0.05
    with pytest.raises(ValueError, match="Mode fan_avg not supported"):
        init.kaiming_uniform_(ember.empty(shape), mode="fan_avg")


def test_kaiming_on_empty_tensor_warns():
    with pytest.warns(UserWarning, match="zero-element"):
        init.kaiming_uniform_(ember.empty(0, 3))


@pytest.mark.parametrize("shape", [(6, 4), (4, 6), (3, 2, 2)])
def test_orthogonal_rows_or_columns_are_orthonormal(shape):
    w = _values(init.orthogonal_(ember.empty(shape), gain=2.0)).reshape(shape[0], -1)
    small = min(w.shape)
    gram = w.T @ w if w.shape[0] > w.shape[1] else w @ w.T
    np.testing.assert_allclose(gram, 4.0 * np.eye(small), atol=1e-5)


def test_sparse_zeroes_a_fraction_of_each_column():
    w = _values(init.sparse_(ember.empty(10, 6), sparsity=0.3, std=1.0))
    assert all((w[:, col] == 0).sum() >= 3 for col in range(6))


def test_init_works_on_parameters_and_bumps_the_version():
    p = ember.nn.Parameter(ember.empty(3, 3))
    version = p._version[0]
    assert init.normal_(p) is p
    assert p._version[0] > version and p.requires_grad and p.grad_fn is None
    with pytest.warns(FutureWarning, match="deprecated"):
        init.normal(ember.empty(2))


# -- torch's values after the same seed ---------------------------------------------------

@pytest.mark.parametrize("seed", [0, 1, 1234])
def test_default_layer_init_equals_torch(seed):
    torch.manual_seed(seed)
    expected = [torch.nn.Linear(20, 30), torch.nn.Conv2d(3, 8, 3), torch.nn.Linear(7, 1)]
    ember.manual_seed(seed)
    actual = [ember.nn.Linear(20, 30), ember.nn.Conv2d(3, 8, 3), ember.nn.Linear(7, 1)]
    for mine, theirs in zip(actual, expected):
        for name, value in theirs.named_parameters():
            assert_bitwise(getattr(mine, name).detach().numpy(), value.detach().numpy(),
                           err_msg=name)


@pytest.mark.parametrize("name, kwargs", [
    ("uniform_", {"a": -0.5, "b": 2.0}), ("normal_", {"mean": 0.3, "std": 1.7}),
    ("xavier_uniform_", {}), ("xavier_normal_", {}), ("kaiming_uniform_", {"a": 0.1}),
    ("kaiming_normal_", {"mode": "fan_out"}), ("trunc_normal_", {}),
    ("trunc_normal_", {"mean": 0.0, "std": 1.0, "a": 1.5, "b": 3.0}),
    ("sparse_", {"sparsity": 0.3})])
@pytest.mark.parametrize("shape", [(50, 40), (3, 5)])
def test_random_inits_equal_torch(name, kwargs, shape):
    torch.manual_seed(7)
    expected = getattr(torch.nn.init, name)(torch.empty(shape), **kwargs)
    ember.manual_seed(7)
    actual = getattr(init, name)(ember.empty(shape), **kwargs)
    assert_bitwise(actual.numpy(), expected.numpy())


def test_orthogonal_draws_torch_gaussian():
    # the Gaussian matrix is torch's; numpy's QR may round differently in the last bits
    torch.manual_seed(3)
    expected = torch.nn.init.orthogonal_(torch.empty(30, 20))
    ember.manual_seed(3)
    actual = init.orthogonal_(ember.empty(30, 20))
    np.testing.assert_allclose(actual.numpy(), expected.numpy(), atol=1e-5)
    np.testing.assert_array_equal(ember.rand(4).numpy(), torch.rand(4).numpy())


@pytest.mark.parametrize("name, kwargs", [
    ("uniform_", {}), ("normal_", {}), ("trunc_normal_", {}), ("xavier_uniform_", {}),
    ("xavier_normal_", {}), ("kaiming_uniform_", {}), ("kaiming_normal_", {}),
    ("sparse_", {"sparsity": 0.5})])
def test_generator_argument_equals_torch(name, kwargs):
    """The values come from the generator given; sparse_ picks its zeroed rows from the
    default generator all the same, as torch does."""
    results = []
    for lib, module in ((torch, torch.nn.init), (ember, init)):
        lib.manual_seed(5)
        generator = lib.Generator().manual_seed(3)
        results.append(getattr(module, name)(lib.empty(6, 4), generator=generator, **kwargs))
    assert_bitwise(results[1].numpy(), results[0].numpy())
