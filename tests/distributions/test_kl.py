"""kl_divergence against torch's on the same parameters: values and gradients for every
registered pair, infinite cases, register_kl dispatch and errors."""
import numpy as np
import pytest
import torch
from oracle import assert_close

import ember
import ember.distributions as D

RNG = np.random.default_rng(1)
B = (3, 2)


def _spd(n):
    a = RNG.normal(size=B + (n, n))
    return a @ np.swapaxes(a, -1, -2) + n * np.eye(n)


def _positive(shape=B, low=0.5, high=3.0):
    return RNG.uniform(low, high, shape)


# name: (build(d, *params) -> distribution, arrays for p, arrays for q)
PAIRS = {
    "Normal": (lambda d, a, b: d.Normal(a, b), [RNG.normal(size=B), _positive()],
               [RNG.normal(size=B), _positive()]),
    "Bernoulli": (lambda d, p: d.Bernoulli(p), [RNG.uniform(0.1, 0.9, B)],
                  [RNG.uniform(0.1, 0.9, B)]),
    "Categorical": (lambda d, l: d.Categorical(logits=l), [RNG.normal(size=B + (4,))],
                    [RNG.normal(size=B + (4,))]),
    "OneHotCategorical": (lambda d, p: d.OneHotCategorical(p), [_positive(B + (4,))],
                          [_positive(B + (4,))]),
    "Uniform": (lambda d, low, width: d.Uniform(low, low + width),
                [RNG.uniform(0, 1, B), _positive()], [RNG.uniform(-2, -1, B), _positive(B, 5, 6)]),
    "Beta": (lambda d, a, b: d.Beta(a, b), [_positive(), _positive()],
             [_positive(), _positive()]),
    "Dirichlet": (lambda d, c: d.Dirichlet(c), [_positive(B + (4,))], [_positive(B + (4,))]),
    "Gamma": (lambda d, c, r: d.Gamma(c, r), [_positive(), _positive()],
              [_positive(), _positive()]),
    "Exponential": (lambda d, r: d.Exponential(r), [_positive()], [_positive()]),
    "Laplace": (lambda d, a, b: d.Laplace(a, b), [RNG.normal(size=B), _positive()],
                [RNG.normal(size=B), _positive()]),
    "Poisson": (lambda d, r: d.Poisson(r), [_positive()], [_positive()]),
    "MultivariateNormal": (lambda d, loc, cov: d.MultivariateNormal(loc, cov),
                           [RNG.normal(size=B + (3,)), _spd(3)],
                           [RNG.normal(size=B + (3,)), _spd(3)]),
    "Independent": (lambda d, a, b: d.Independent(d.Normal(a, b), 1),
                    [RNG.normal(size=B), _positive()], [RNG.normal(size=B), _positive()]),
}


def _leaves(lib, arrays):
    if lib is torch:
        return [torch.tensor(a).requires_grad_(True) for a in arrays]
    return [ember.tensor(a, dtype=ember.float64).requires_grad_(True) for a in arrays]


@pytest.mark.parametrize("name", sorted(PAIRS))
def test_kl_against_torch(name):
    build, p_arrays, q_arrays = PAIRS[name]
    results = {}
    for lib, d in ((ember, D), (torch, torch.distributions)):
        p_params, q_params = _leaves(lib, p_arrays), _leaves(lib, q_arrays)
        kl = d.kl_divergence(build(d, *p_params), build(d, *q_params))
        kl.sum().backward()
        results[lib] = (kl, p_params + q_params)
    (ours, our_params), (theirs, their_params) = results[ember], results[torch]
    assert_close(ours, theirs, 1e-6, 1e-8, f"KL({name} || {name})")
    for i, (ep, tp) in enumerate(zip(our_params, their_params)):
        assert ep.grad is not None, f"KL({name}): no gradient for param {i}"
        assert_close(ep.grad, tp.grad, 1e-5, 1e-7, f"KL({name}) grad of param {i}")


def test_infinite_and_zero_cases():
    cases = [
        lambda d, t: d.kl_divergence(d.Bernoulli(t([0.0, 1.0, 0.5])),
                                     d.Bernoulli(t([0.5, 1.0, 0.0]))),
        lambda d, t: d.kl_divergence(d.Categorical(t([0.5, 0.5, 0.0])),
                                     d.Categorical(t([0.0, 0.5, 0.5]))),
        lambda d, t: d.kl_divergence(d.Uniform(t([0.0]), t([2.0])), d.Uniform(t([1.0]), t([3.0]))),
        lambda d, t: d.kl_divergence(d.Normal(t([0.0]), t([1.0])), d.Normal(t([0.0]), t([1.0]))),
    ]
    for case in cases:
        assert_close(case(D, ember.tensor), case(torch.distributions, torch.tensor), 1e-6, 1e-7,
                     "KL edge case")


def test_register_kl_dispatch_and_errors():
    class MyNormal(D.Normal):
        pass

    # a subclass falls back to its base's pair
    value = D.kl_divergence(MyNormal(0.0, 1.0), D.Normal(1.0, 1.0))
    assert abs(float(value) - 0.5) < 1e-6

    @D.register_kl(MyNormal, D.Normal)
    def _kl_mine(p, q):
        return ember.tensor(42.0)

    assert float(D.kl_divergence(MyNormal(0.0, 1.0), D.Normal(1.0, 1.0))) == 42.0
    assert float(D.kl_divergence(D.Normal(0.0, 1.0), D.Normal(1.0, 1.0))) == 0.5
    with pytest.raises(NotImplementedError, match="No KL"):
        D.kl_divergence(D.Normal(0.0, 1.0), D.Gamma(1.0, 1.0))
    with pytest.raises(TypeError):
        D.register_kl(int, D.Normal)
    with pytest.raises(ValueError, match="different event shapes"):
        D.kl_divergence(D.MultivariateNormal(ember.zeros(2), ember.eye(2)),
                        D.MultivariateNormal(ember.zeros(3), ember.eye(3)))
    with pytest.raises(NotImplementedError):
        D.kl_divergence(D.Independent(D.Normal(ember.zeros(2, 2), 1.0), 1),
                        D.Independent(D.Normal(ember.zeros(2, 2), 1.0), 2))
