"""Distributions against torch.distributions on the same parameters: log_prob, entropy,
moments, cdf/icdf and their gradients; sample shapes and laws; the reparameterization
trick; expand, enumerate_support, validation errors and reprs."""
import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from oracle import assert_close

import ember
import ember.distributions as D

RNG = np.random.default_rng(0)
B = (3, 2)  # batch shape of the parameter tables below


def _positive(shape, low=0.5, high=3.0):
    return RNG.uniform(low, high, shape)


def _simplex(shape):
    p = RNG.uniform(0.1, 1.0, shape)
    return p / p.sum(-1, keepdims=True)


def _spd(shape, n):
    a = RNG.normal(size=shape + (n, n))
    return a @ np.swapaxes(a, -1, -2) + n * np.eye(n)


def _tril(shape, n):
    diagonal = np.eye(n) * RNG.uniform(0.5, 2, shape + (n,))[..., None]
    return np.tril(RNG.normal(size=shape + (n, n)), -1) + diagonal


# name: (build(lib, *params), parameter arrays, values inside the support, methods)
CONTINUOUS = ("mean", "variance", "stddev", "entropy")
CASES = {
    "Normal": (lambda d, loc, scale: d.Normal(loc, scale), [RNG.normal(size=B), _positive(B)],
               RNG.normal(size=B), CONTINUOUS + ("mode", "cdf", "icdf")),
    "Laplace": (lambda d, loc, scale: d.Laplace(loc, scale), [RNG.normal(size=B), _positive(B)],
                RNG.normal(size=B), CONTINUOUS + ("cdf", "icdf")),
    "Uniform": (lambda d, low, width: d.Uniform(low, low + width),
                [RNG.normal(size=B), _positive(B)], None, CONTINUOUS + ("cdf", "icdf")),
    "Exponential": (lambda d, rate: d.Exponential(rate), [_positive(B)], _positive(B),
                    CONTINUOUS + ("mode", "cdf", "icdf")),
    "Gamma": (lambda d, c, r: d.Gamma(c, r), [_positive(B), _positive(B)], _positive(B),
              CONTINUOUS + ("mode", "cdf")),
    "Beta": (lambda d, a, b: d.Beta(a, b), [_positive(B, 1.2), _positive(B, 1.2)],
             RNG.uniform(0.05, 0.95, B), CONTINUOUS + ("mode",)),
    "Dirichlet": (lambda d, c: d.Dirichlet(c), [_positive(B + (4,), 1.2)], _simplex(B + (4,)),
                  CONTINUOUS + ("mode",)),
    "LogNormal": (lambda d, loc, scale: d.LogNormal(loc, scale), [RNG.normal(size=B) * 0.3,
                  _positive(B, 0.2, 0.8)], _positive(B), CONTINUOUS + ("mode", "cdf", "icdf")),
    "Bernoulli": (lambda d, p: d.Bernoulli(p), [RNG.uniform(0.1, 0.9, B)],
                  RNG.integers(0, 2, B).astype(float), ("mean", "variance", "entropy", "mode")),
    "BernoulliLogits": (lambda d, l: d.Bernoulli(logits=l), [RNG.normal(size=B)],
                        RNG.integers(0, 2, B).astype(float), ("mean", "variance", "entropy")),
    "Categorical": (lambda d, p: d.Categorical(p), [_simplex(B + (5,))],
                    RNG.integers(0, 5, B).astype(float), ("entropy", "mode")),
    "CategoricalLogits": (lambda d, l: d.Categorical(logits=l), [RNG.normal(size=B + (5,))],
                          RNG.integers(0, 5, B).astype(float), ("entropy", "mode")),
    "OneHotCategorical": (lambda d, l: d.OneHotCategorical(logits=l), [RNG.normal(size=B + (4,))],
                          np.eye(4)[RNG.integers(0, 4, B)], ("mean", "variance", "entropy",
                                                             "mode")),
    "Poisson": (lambda d, rate: d.Poisson(rate), [_positive(B, 0.5, 6)],
                RNG.integers(0, 8, B).astype(float), ("mean", "variance", "mode")),
    "Binomial": (lambda d, p: d.Binomial(7, p), [RNG.uniform(0.1, 0.9, B)],
                 RNG.integers(0, 8, B).astype(float), ("mean", "variance", "entropy", "mode")),
    "BinomialLogits": (lambda d, l: d.Binomial(torch.tensor(5.) if d is torch.distributions
                                               else ember.tensor(5.), logits=l),
                       [RNG.normal(size=B)], RNG.integers(0, 6, B).astype(float),
                       ("mean", "variance")),
    "MultivariateNormalCov": (lambda d, loc, cov: d.MultivariateNormal(loc, covariance_matrix=cov),
                              [RNG.normal(size=B + (3,)), _spd(B, 3)], RNG.normal(size=B + (3,)),
                              CONTINUOUS + ("mode",)),
    "MultivariateNormalTril": (lambda d, loc, L: d.MultivariateNormal(loc[0], scale_tril=L),
                               [RNG.normal(size=B + (3,)), _tril(B, 3)],
                               RNG.normal(size=(4, 1) + B[1:] + (3,)), CONTINUOUS),
    "MultivariateNormalPrec": (lambda d, loc, P: d.MultivariateNormal(loc, precision_matrix=P),
                               [RNG.normal(size=(3,)), _spd((2,), 3)], RNG.normal(size=(2, 3)),
                               CONTINUOUS),
    "Independent": (lambda d, loc, scale: d.Independent(d.Normal(loc, scale), 1),
                    [RNG.normal(size=B), _positive(B)], RNG.normal(size=B), CONTINUOUS),
}
# the probabilities icdf is evaluated at
QUANTILES = RNG.uniform(0.05, 0.95, B)


def _lib_params(lib, arrays):
    make = torch.tensor if lib is torch else ember.tensor
    dtype = torch.float64 if lib is torch else ember.float64
    return [make(a, dtype=dtype).requires_grad_(True) for a in arrays]


def _results(lib, name):
    build, arrays, value, methods = CASES[name]
    params = _lib_params(lib, arrays)
    d = build(torch.distributions if lib is torch else D, *params)
    if value is None:  # Uniform: points inside each interval
        value = arrays[0] + arrays[1] * QUANTILES
    make = torch.tensor if lib is torch else ember.tensor
    dtype = torch.float64 if lib is torch else ember.float64
    out = {"log_prob": d.log_prob(make(value, dtype=dtype))}
    for method in methods:
        if method == "cdf":
            out[method] = d.cdf(make(value, dtype=dtype))
        elif method == "icdf":
            out[method] = d.icdf(make(QUANTILES, dtype=dtype))
        elif method == "entropy":
            out[method] = d.entropy()
        else:
            out[method] = getattr(d, method)
    return d, params, out


@pytest.mark.parametrize("name", sorted(CASES))
def test_against_torch(name):
    """Values of log_prob, entropy, moments, cdf/icdf, and the gradient of each w.r.t. the
    parameters."""
    ours, our_params, our_out = _results(ember, name)
    theirs, their_params, their_out = _results(torch, name)
    assert ours.batch_shape == theirs.batch_shape and ours.event_shape == theirs.event_shape
    for key, expected in their_out.items():
        actual = our_out[key]
        assert_close(actual, expected, 1e-6, 1e-8, f"{name}.{key}")
        if not expected.requires_grad:
            continue
        if (name, key) == ("Gamma", "cdf"):  # no gradient w.r.t. the concentration in either
            for value in (actual, expected):
                with pytest.raises(NotImplementedError):
                    value.sum().backward(retain_graph=True)
            continue
        weights = RNG.normal(size=tuple(expected.shape))
        (actual * ember.tensor(weights)).sum().backward(retain_graph=True)
        (expected * torch.tensor(weights)).sum().backward(retain_graph=True)
        for i, (ep, tp) in enumerate(zip(our_params, their_params)):
            if tp.grad is None:
                assert ep.grad is None or not ep.grad.numpy().any(), f"{name}.{key} param {i}"
                continue
            assert ep.grad is not None, f"{name}.{key}: no gradient for param {i}"
            assert_close(ep.grad, tp.grad, 1e-5, 1e-7, f"{name}.{key} grad of param {i}")
            ep.grad = None
            tp.grad = None


SHAPE_CASES = {
    "Normal": (lambda: D.Normal(ember.zeros(B), ember.ones(B)), ()),
    "Uniform": (lambda: D.Uniform(ember.zeros(B), ember.ones(B)), ()),
    "Gamma": (lambda: D.Gamma(ember.ones(B), ember.ones(B)), ()),
    "Beta": (lambda: D.Beta(ember.ones(B), ember.ones(B)), ()),
    "Dirichlet": (lambda: D.Dirichlet(ember.ones(B + (4,))), (4,)),
    "Exponential": (lambda: D.Exponential(ember.ones(B)), ()),
    "Laplace": (lambda: D.Laplace(ember.zeros(B), ember.ones(B)), ()),
    "LogNormal": (lambda: D.LogNormal(ember.zeros(B), ember.ones(B)), ()),
    "Bernoulli": (lambda: D.Bernoulli(ember.full(B, 0.3)), ()),
    "Categorical": (lambda: D.Categorical(ember.ones(B + (5,))), ()),
    "OneHotCategorical": (lambda: D.OneHotCategorical(ember.ones(B + (5,))), (5,)),
    "Poisson": (lambda: D.Poisson(ember.ones(B)), ()),
    "Binomial": (lambda: D.Binomial(4, ember.full(B, 0.5)), ()),
    "MultivariateNormal": (lambda: D.MultivariateNormal(ember.zeros(B + (3,)), ember.eye(3)),
                           (3,)),
    "Independent": (lambda: D.Independent(D.Normal(ember.zeros(B), ember.ones(B)), 1), ()),
}


@pytest.mark.parametrize("name", sorted(SHAPE_CASES))
@pytest.mark.parametrize("sample_shape", [(), (5,), (2, 4)])
def test_sample_shapes(name, sample_shape):
    build, event = SHAPE_CASES[name]
    d = build()
    expected = tuple(sample_shape) + tuple(d.batch_shape) + tuple(d.event_shape)
    if name == "Independent":
        assert d.batch_shape == (3,) and d.event_shape == (2,)
    else:
        assert tuple(d.batch_shape) == B and tuple(d.event_shape) == event
    assert tuple(d.sample(sample_shape).shape) == expected
    assert tuple(d.sample(ember.Size(sample_shape)).shape) == expected
    if d.has_rsample:
        assert tuple(d.rsample(sample_shape).shape) == expected
    else:
        with pytest.raises(NotImplementedError):
            d.rsample(sample_shape)
    # everything drawn lies in the support, and the log-density is finite there
    x = d.sample((3,))
    assert bool(d.support.check(x).all())
    assert bool(d.log_prob(x).isfinite().all())
    # expand keeps the law and broadcasts the parameters to the new batch shape
    wider = d.expand((6,) + tuple(d.batch_shape))
    assert tuple(wider.sample().shape) == (6,) + tuple(d.batch_shape) + tuple(d.event_shape)
    assert_close(wider.log_prob(x[0]), torch.tensor(d.log_prob(x[0]).numpy()).expand(
        (6,) + tuple(d.batch_shape)), 1e-6, 1e-6, f"{name}.expand")


def test_has_rsample_flags_match_torch():
    for name in ("Normal", "Uniform", "Gamma", "Beta", "Dirichlet", "Exponential", "Laplace",
                 "LogNormal", "MultivariateNormal", "Bernoulli", "Categorical",
                 "OneHotCategorical", "Poisson", "Binomial"):
        ours = getattr(D, name)
        theirs = getattr(torch.distributions, name)
        assert ours.has_rsample == theirs.has_rsample, name
        assert ours.has_enumerate_support == theirs.has_enumerate_support, name


N = 40_000


@pytest.mark.parametrize("make", [
    lambda: D.Normal(ember.tensor([-1.0, 2.0]), ember.tensor([0.5, 2.0])),
    lambda: D.Uniform(ember.tensor([-1.0, 2.0]), ember.tensor([0.0, 5.0])),
    lambda: D.Gamma(ember.tensor([0.3, 4.0]), ember.tensor([1.0, 2.0])),
    lambda: D.Beta(ember.tensor([0.5, 3.0]), ember.tensor([0.5, 1.5])),
    lambda: D.Dirichlet(ember.tensor([0.7, 2.0, 4.0])),
    lambda: D.Exponential(ember.tensor([0.5, 3.0])),
    lambda: D.Laplace(ember.tensor([0.0, 1.0]), ember.tensor([1.0, 0.3])),
    lambda: D.LogNormal(ember.tensor([0.0, 0.5]), ember.tensor([0.3, 0.5])),
    lambda: D.Bernoulli(ember.tensor([0.2, 0.7])),
    lambda: D.OneHotCategorical(ember.tensor([0.2, 0.3, 0.5])),
    lambda: D.Poisson(ember.tensor([0.5, 7.0])),
    lambda: D.Binomial(ember.tensor([3.0, 20.0]), ember.tensor([0.2, 0.6])),
    lambda: D.MultivariateNormal(ember.tensor([1.0, -1.0]),
                                 ember.tensor([[2.0, 0.6], [0.6, 1.0]])),
], ids=["Normal", "Uniform", "Gamma", "Beta", "Dirichlet", "Exponential", "Laplace",
        "LogNormal", "Bernoulli", "OneHotCategorical", "Poisson", "Binomial", "MVN"])
def test_sample_moments(make):
    """The mean and variance of many samples match the distribution's, within 5 standard
    errors."""
    ember.manual_seed(1)
    d = make()
    x = d.sample((N,)).double().numpy()
    mean, var = d.mean.double().numpy(), d.variance.double().numpy()
    assert np.all(np.abs(x.mean(0) - mean) < 5 * np.sqrt(var / N) + 1e-9)
    fourth = ((x - mean) ** 4).mean(0)
    assert np.all(np.abs(x.var(0) - var) < 5 * np.sqrt((fourth - var ** 2) / N) + 1e-5)


def test_categorical_frequencies_and_seed():
    probs = ember.tensor([[0.1, 0.2, 0.7], [0.5, 0.5, 0.0]])
    ember.manual_seed(3)
    x = D.Categorical(probs).sample((N,))
    assert x.dtype == ember.int64
    freq = np.stack([(x.numpy() == k).mean(0) for k in range(3)], -1)
    np.testing.assert_allclose(freq, probs.numpy(), atol=0.01)
    ember.manual_seed(3)
    assert (D.Categorical(probs).sample((N,)) == x).all()  # ember.manual_seed reproduces


def test_normal_rsample_is_the_reparameterization_trick():
    """rsample = loc + scale * eps: the gradients are 1 and eps, where eps is the same noise
    that randn draws after the same seed."""
    loc = ember.tensor([0.5, -1.0], requires_grad=True)
    scale = ember.tensor([2.0, 0.3], requires_grad=True)
    ember.manual_seed(7)
    x = D.Normal(loc, scale).rsample((3,))
    ember.manual_seed(7)
    eps = ember.randn(3, 2)
    expected = loc.detach().numpy() + scale.detach().numpy() * eps.numpy()
    np.testing.assert_allclose(x.detach().numpy(), expected, rtol=1e-6)
    x.sum().backward()
    np.testing.assert_allclose(loc.grad.numpy(), [3.0, 3.0])
    np.testing.assert_allclose(scale.grad.numpy(), eps.numpy().sum(0), rtol=1e-6)
    assert D.Normal(loc, scale).sample().grad_fn is None


@pytest.mark.parametrize("family,d_mean", [
    # d E[x] / d parameter, in closed form
    ("Gamma", lambda a, b: (1 / b, -a / b ** 2)),
    ("Beta", lambda a, b: (b / (a + b) ** 2, -a / (a + b) ** 2)),
    ("Exponential", lambda r: (-1 / r ** 2,)),
    ("Laplace", lambda loc, s: (1.0, 0.0)),
    ("Uniform", lambda low, high: (0.5, 0.5)),
    ("LogNormal", lambda m, s: (np.exp(m + s * s / 2), s * np.exp(m + s * s / 2))),
])
def test_rsample_gradients_are_unbiased(family, d_mean):
    """The average pathwise gradient of many rsamples estimates d E[x] / d parameter."""
    values = {"Gamma": (2.5, 1.5), "Beta": (2.0, 3.0), "Exponential": (2.0,),
              "Laplace": (0.3, 1.2), "Uniform": (-1.0, 2.0), "LogNormal": (0.1, 0.4)}[family]
    params = [ember.full((N,), v, dtype=ember.float64, requires_grad=True) for v in values]
    ember.manual_seed(2)
    getattr(D, family)(*params).rsample().sum().backward()
    for param, expected in zip(params, d_mean(*values)):
        grad = param.grad.numpy()
        assert abs(grad.mean() - expected) < 5 * grad.std() / np.sqrt(N) + 1e-9, family


def test_dirichlet_rsample_gradient():
    alpha = ember.full((N, 3), 1.0, dtype=ember.float64)
    alpha[:, 1] = 2.0
    alpha[:, 2] = 3.0
    alpha.requires_grad_(True)
    ember.manual_seed(4)
    D.Dirichlet(alpha).rsample()[:, 0].sum().backward()
    grad = alpha.grad.numpy()
    expected = np.array([5.0, -1.0, -1.0]) / 36  # d (α0 / Σα) / dα
    assert np.all(np.abs(grad.mean(0) - expected) < 5 * grad.std(0) / np.sqrt(N))


def test_enumerate_support():
    def builds(d, lib):
        return {"Bernoulli": d.Bernoulli(lib.full(B, 0.3)),
                "Categorical": d.Categorical(logits=lib.zeros(B + (4,))),
                "OneHotCategorical": d.OneHotCategorical(logits=lib.zeros(B + (4,))),
                "Binomial": d.Binomial(3, lib.full(B, 0.4))}

    ours, theirs = builds(D, ember), builds(torch.distributions, torch)
    for name in ours:
        for expand in (True, False):
            assert_close(ours[name].enumerate_support(expand),
                         theirs[name].enumerate_support(expand), 0, 0,
                         f"{name}.enumerate_support({expand})")
    assert_close(D.Binomial(3, ember.full(B, 0.4)).entropy(),
                 torch.distributions.Binomial(3, torch.full(B, 0.4)).entropy(), 1e-5, 1e-6,
                 "Binomial.entropy")


def test_validation_errors():
    with pytest.raises(ValueError, match="Expected parameter scale"):
        D.Normal(ember.zeros(2), ember.tensor([1.0, -1.0]))
    with pytest.raises(ValueError, match="constraint GreaterThan\\(lower_bound=0.0\\)"):
        D.Gamma(1.0, 0.0)
    with pytest.raises(ValueError):
        D.Bernoulli(1.5)
    with pytest.raises(ValueError):
        D.Categorical(ember.tensor([0.5, -0.1]))
    with pytest.raises(ValueError, match="Either `probs` or `logits`"):
        D.Bernoulli()
    with pytest.raises(ValueError, match="at least one-dimensional"):
        D.Categorical(ember.tensor(1.0))
    with pytest.raises(ValueError):
        D.Uniform(1.0, 0.0)
    with pytest.raises(ValueError):
        D.MultivariateNormal(ember.zeros(2), ember.tensor([[1.0, 2.0], [2.0, 1.0]]))
    with pytest.raises(ValueError, match="Exactly one of"):
        D.MultivariateNormal(ember.zeros(2))
    with pytest.raises(ValueError, match="within the support"):
        D.Exponential(1.0).log_prob(ember.tensor(-1.0))
    with pytest.raises(ValueError, match="within the support"):
        D.Categorical(ember.ones(3)).log_prob(ember.tensor(3))
    with pytest.raises(ValueError, match="must be a Tensor"):
        D.Normal(0.0, 1.0).log_prob(0.5)
    with pytest.raises(ValueError, match="right-most size"):
        D.Dirichlet(ember.ones(3)).log_prob(ember.ones(2) / 2)
    with pytest.raises(ValueError, match="not broadcastable"):
        D.Normal(ember.zeros(3), 1.0).log_prob(ember.zeros(2))
    # validate_args=False and the global switch turn all of it off
    assert D.Normal(0.0, -1.0, validate_args=False).scale.item() == -1.0
    assert D.Exponential(1.0, validate_args=False).log_prob(ember.tensor(-1.0)) is not None
    D.Distribution.set_default_validate_args(False)
    try:
        D.Normal(0.0, -1.0)
    finally:
        D.Distribution.set_default_validate_args(True)
    with pytest.raises(ValueError):
        D.Distribution.set_default_validate_args(2)


def test_reprs_match_torch():
    pairs = [
        (D.Normal(0.0, 1.0), torch.distributions.Normal(0.0, 1.0)),
        (D.Bernoulli(logits=ember.tensor(0.5)),
         torch.distributions.Bernoulli(logits=torch.tensor(0.5))),
        (D.Gamma(2.0, 3.0), torch.distributions.Gamma(2.0, 3.0)),
    ]
    for ours, theirs in pairs:
        assert repr(ours) == repr(theirs)
    expected = "Normal(loc: ember.Size([3]), scale: ember.Size([3]))"  # torch.Size in torch
    assert repr(D.Normal(ember.zeros(3), 1.0)) == expected
    assert repr(D.constraints.positive) == repr(torch.distributions.constraints.positive)
    assert repr(D.constraints.unit_interval) == repr(torch.distributions.constraints.unit_interval)
    assert repr(D.constraints.real_vector) == repr(torch.distributions.constraints.real_vector)
    assert repr(D.constraints.simplex) == repr(torch.distributions.constraints.simplex)


def test_constraints_check_like_torch():
    x = RNG.normal(size=(4, 3))
    C, TC = D.constraints, torch.distributions.constraints
    for name in ("real", "positive", "nonnegative", "unit_interval", "boolean", "simplex",
                 "real_vector", "nonnegative_integer", "one_hot", "lower_cholesky",
                 "positive_definite"):
        for value in (x, np.abs(x), np.round(np.abs(x)), _simplex((4, 3)), np.eye(3),
                      _spd((2,), 3), _tril((2,), 3)):
            ours = getattr(C, name).check(ember.tensor(value))
            theirs = getattr(TC, name).check(torch.tensor(value))
            assert_close(ours, theirs, 0, 0, f"{name}.check")
    assert C.integer_interval(0, 3).check(ember.tensor([0.0, 3.0, 4.0, 1.5])).tolist() == \
        [True, True, False, False]
    assert C.is_dependent(C.dependent) and not C.is_dependent(C.real)
    assert D.Uniform(0.0, 2.0).support.check(ember.tensor([1.0, 3.0])).tolist() == [True, False]


@settings(max_examples=15, deadline=None)
@given(st.lists(st.integers(1, 3), max_size=3), st.lists(st.integers(1, 3), max_size=3))
def test_normal_broadcasting(loc_shape, scale_shape):
    """batch_shape is the broadcast of the parameter shapes, as in torch."""
    loc, scale = RNG.normal(size=loc_shape), _positive(tuple(scale_shape))
    try:
        expected = torch.distributions.Normal(torch.tensor(loc), torch.tensor(scale))
    except RuntimeError:
        with pytest.raises(RuntimeError):
            D.Normal(ember.tensor(loc), ember.tensor(scale))
        return
    ours = D.Normal(ember.tensor(loc), ember.tensor(scale))
    assert tuple(ours.batch_shape) == tuple(expected.batch_shape)
    value = RNG.normal(size=tuple(expected.batch_shape))
    assert_close(ours.log_prob(ember.tensor(value)), expected.log_prob(torch.tensor(value)),
                 1e-6, 1e-8, "Normal.log_prob")


def test_reinforce_step():
    """The REINFORCE loss -log_prob(action) * reward sends gradients to the policy logits."""
    logits = ember.zeros(4, 3, requires_grad=True)
    policy = D.Categorical(logits=logits)
    action = policy.sample()
    (-(policy.log_prob(action) * ember.ones(4)).sum()).backward()
    expected = np.full((4, 3), 1 / 3)
    expected[np.arange(4), action.numpy()] -= 1
    np.testing.assert_allclose(logits.grad.numpy(), expected, atol=1e-6)
