"""MixtureSameFamily against torch.distributions: log_prob, moments, cdf, shapes, errors."""
import numpy as np
import pytest
import torch
from oracle import assert_close as _assert_close

import ember
import ember.distributions as D

RNG = np.random.default_rng(0)


def assert_close(ember_value, torch_value, what="mixture"):
    _assert_close(ember_value, torch_value, 1e-6, 1e-9, what)


def _both(make, *arrays):
    """make(lib, *tensors) for ember and torch, the arrays as float64 tensors."""
    return (make(ember.distributions, *[ember.tensor(a) for a in arrays]),
            make(torch.distributions, *[torch.tensor(a) for a in arrays]))


@pytest.mark.parametrize("mix_batch", [(), (3,)], ids=["shared_weights", "batched_weights"])
@pytest.mark.parametrize("event", [0, 2], ids=["scalar", "vector"])
def test_gaussian_mixture_matches_torch(mix_batch, event):
    k = 4
    logits = RNG.normal(size=mix_batch + (k,))
    loc = RNG.normal(size=(3, k) + (event,) * bool(event))
    scale = RNG.uniform(0.5, 2.0, size=loc.shape)
    value = RNG.normal(size=(5, 3) + (event,) * bool(event))

    def make(dist, logits, loc, scale):
        comp = dist.Normal(loc, scale)
        comp = dist.Independent(comp, 1) if event else comp
        return dist.MixtureSameFamily(dist.Categorical(logits=logits), comp)

    me, mt = _both(make, logits, loc, scale)
    assert me.batch_shape == mt.batch_shape and me.event_shape == mt.event_shape
    assert_close(me.log_prob(ember.tensor(value)), mt.log_prob(torch.tensor(value)))
    assert_close(me.mean, mt.mean)
    assert_close(me.variance, mt.variance)
    if not event:
        assert_close(me.cdf(ember.tensor(value)), mt.cdf(torch.tensor(value)))
    if mix_batch:
        assert tuple(me.sample((2,)).shape) == tuple(mt.sample((2,)).shape)
    else:  # torch's gather cannot broadcast shared weights over a component batch
        with pytest.raises(RuntimeError):
            mt.sample((2,))
        with pytest.raises(RuntimeError):
            me.sample((2,))
    assert me.expand((2, 3)).batch_shape == mt.expand((2, 3)).batch_shape


def test_log_prob_gradients_match_torch_and_gradcheck():
    logits, loc, scale = RNG.normal(size=3), RNG.normal(size=3), RNG.uniform(0.5, 2, size=3)
    value = RNG.normal(size=(6, 1))
    grads = []
    for lib in (ember, torch):
        params = [lib.tensor(a, requires_grad=True) for a in (logits, loc, scale)]
        mixture = lib.distributions.MixtureSameFamily(
            lib.distributions.Categorical(logits=params[0]),
            lib.distributions.Normal(params[1], params[2]))
        mixture.log_prob(lib.tensor(value)).sum().backward()
        grads.append([p.grad for p in params])
    for ge, gt in zip(*grads):
        assert_close(ge, gt)

    def nll(logits, loc, scale):
        mixture = D.MixtureSameFamily(D.Categorical(logits=logits), D.Normal(loc, scale))
        return mixture.log_prob(ember.tensor(value))

    inputs = [ember.tensor(a, requires_grad=True) for a in (logits, loc, scale)]
    assert ember.autograd.gradcheck(nll, inputs)
    assert ember.autograd.gradgradcheck(nll, inputs)


def test_samples_follow_the_mixture():
    ember.manual_seed(0)
    mixture = D.MixtureSameFamily(D.Categorical(ember.tensor([0.25, 0.75])),
                                  D.Normal(ember.tensor([-5.0, 5.0]), ember.tensor([0.1, 0.1])))
    samples = mixture.sample((4000,))
    assert samples.shape == (4000,)
    assert abs(float((samples > 0).float().mean()) - 0.75) < 0.03
    assert not mixture.has_rsample


def test_errors_match_torch():
    for dist in (D, torch.distributions):
        lib = ember if dist is D else torch
        with pytest.raises(ValueError):
            dist.MixtureSameFamily(dist.Categorical(lib.ones(3)),
                                   dist.Normal(lib.zeros(2), lib.ones(2)))
        with pytest.raises(ValueError):
            dist.MixtureSameFamily(dist.Normal(lib.zeros(2), lib.ones(2)),
                                   dist.Normal(lib.zeros(2), lib.ones(2)))
        with pytest.raises(ValueError):
            dist.MixtureSameFamily(dist.Categorical(lib.ones(2, 2)),
                                   dist.Normal(lib.zeros(3, 2), lib.ones(3, 2)))
    mixture = D.MixtureSameFamily(D.Categorical(ember.ones(2)),
                                  D.Exponential(ember.tensor([1.0, 2.0])))
    with pytest.raises(ValueError):
        mixture.log_prob(ember.tensor(-1.0))  # outside the components' support
