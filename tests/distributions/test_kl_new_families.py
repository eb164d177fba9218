"""kl_divergence for the pairs torch registers with LowRankMultivariateNormal,
ContinuousBernoulli, Pareto, ExponentialFamily and TransformedDistribution: values (infinite
ones included) and parameter gradients against torch, and gradcheck of the closed forms."""
import numpy as np
import pytest
import torch
from oracle import assert_close as _assert_close

import ember
import ember.distributions as D

RNG = np.random.default_rng(3)
LOC = RNG.normal(size=(2, 3))
LOC2 = RNG.normal(size=(2, 3))
W = RNG.normal(size=(2, 3, 2))
W2 = RNG.normal(size=(3, 1))
POS = RNG.uniform(0.5, 2.0, size=(2, 3))
POS2 = RNG.uniform(0.5, 2.0, size=(2, 3))
BIG = RNG.uniform(2.5, 4.0, size=(2, 3))
UNIT = RNG.uniform(0.05, 0.95, size=(2, 3))
L = np.tril(RNG.normal(size=(2, 3, 3)), -1) + np.eye(3) * 1.5

PAIRS = {
    "lowrank_lowrank": (lambda d, t: d.LowRankMultivariateNormal(t(LOC), t(W), t(POS)),
                        lambda d, t: d.LowRankMultivariateNormal(t(LOC2[0]), t(W2), t(POS2[0]))),
    "mvn_lowrank": (lambda d, t: d.MultivariateNormal(t(LOC), scale_tril=t(L)),
                    lambda d, t: d.LowRankMultivariateNormal(t(LOC2), t(W), t(POS2))),
    "lowrank_mvn": (lambda d, t: d.LowRankMultivariateNormal(t(LOC2[0]), t(W2), t(POS2[0])),
                    lambda d, t: d.MultivariateNormal(t(LOC), scale_tril=t(L))),
    "cb_cb": (lambda d, t: d.ContinuousBernoulli(probs=t(UNIT)),
              lambda d, t: d.ContinuousBernoulli(logits=t(LOC))),
    "cb_exponential": (lambda d, t: d.ContinuousBernoulli(logits=t(LOC)),
                       lambda d, t: d.Exponential(t(POS))),
    "cb_normal": (lambda d, t: d.ContinuousBernoulli(logits=t(LOC)),
                  lambda d, t: d.Normal(t(LOC2), t(POS))),
    "cb_uniform": (lambda d, t: d.ContinuousBernoulli(logits=t(LOC)),
                   lambda d, t: d.Uniform(t(UNIT - 1.0), t(UNIT + 0.06))),
    "uniform_cb": (lambda d, t: d.Uniform(t(UNIT * 0.5), t(UNIT * 0.5 + 0.3 + 0.2 * UNIT)),
                   lambda d, t: d.ContinuousBernoulli(logits=t(LOC))),
    "beta_cb": (lambda d, t: d.Beta(t(POS), t(POS2)),
                lambda d, t: d.ContinuousBernoulli(probs=t(UNIT))),
    "pareto_pareto": (lambda d, t: d.Pareto(t(POS), t(BIG)),
                      lambda d, t: d.Pareto(t(POS2), t(POS))),
    "pareto_exponential": (lambda d, t: d.Pareto(t(POS), t(POS2)),
                           lambda d, t: d.Exponential(t(POS))),
    "pareto_gamma": (lambda d, t: d.Pareto(t(POS), t(POS2 + 0.3)),
                     lambda d, t: d.Gamma(t(BIG), t(POS))),
    "pareto_normal": (lambda d, t: d.Pareto(t(POS), t(BIG - 0.3)),
                      lambda d, t: d.Normal(t(LOC), t(POS2))),
    "uniform_pareto": (lambda d, t: d.Uniform(t(POS + 0.5), t(POS + BIG)),
                       lambda d, t: d.Pareto(t(POS2), t(BIG))),
    "normal_pareto": (lambda d, t: d.Normal(t(LOC), t(POS)),
                      lambda d, t: d.Pareto(t(POS2), t(BIG))),
    "pareto_cb": (lambda d, t: d.Pareto(t(POS), t(BIG)),
                  lambda d, t: d.ContinuousBernoulli(probs=t(UNIT))),
    "gamma_cb": (lambda d, t: d.Gamma(t(POS), t(POS2)),
                 lambda d, t: d.ContinuousBernoulli(probs=t(UNIT))),
    "halfcauchy_halfcauchy": (lambda d, t: d.HalfCauchy(t(POS)),
                              lambda d, t: d.HalfCauchy(t(POS2))),
    "inversegamma_inversegamma": (lambda d, t: d.InverseGamma(t(POS), t(BIG)),
                                  lambda d, t: d.InverseGamma(t(POS2), t(POS))),
    "pareto_pareto_expand": (lambda d, t: d.Pareto(t(POS), t(BIG)).expand((4, 2, 3)),
                             lambda d, t: d.Pareto(t(POS2[0]), t(POS[0]))),
}


@pytest.mark.parametrize("name", sorted(PAIRS))
def test_kl_against_torch(name):
    make_p, make_q = PAIRS[name]
    results = []
    for dist, lib in ((D, ember), (torch.distributions, torch)):
        params = []

        def tensor(array):
            params.append(lib.tensor(array, requires_grad=True))
            return params[-1]

        kl = dist.kl_divergence(make_p(dist, tensor), make_q(dist, tensor))
        finite = kl.detach().isfinite()
        if bool(finite.any()):
            kl[finite].sum().backward()
        results.append((kl, [p.grad for p in params]))
    (kl, grads), (expected, expected_grads) = results
    _assert_close(kl, expected, 1e-6, 1e-9, f"KL {name}")
    for ge, gt in zip(grads, expected_grads):
        if gt is None:
            assert ge is None or not bool(ge.abs().sum()), f"KL {name} gradient"
        else:
            _assert_close(ge, gt, 1e-6, 1e-9, f"KL {name} gradient")


def _f64(array):
    return ember.tensor(array, dtype=ember.float64, requires_grad=True)


def test_lowrank_kl_gradcheck():
    def kl(loc, w, diag, scale_tril):
        p = D.LowRankMultivariateNormal(loc, w, diag)
        q = D.MultivariateNormal(loc * 0.5, scale_tril=scale_tril.tril())
        r = D.LowRankMultivariateNormal(loc * 2, w * 0.5, diag + 0.5)
        return D.kl_divergence(p, q) + D.kl_divergence(q, p) + D.kl_divergence(p, r)

    inputs = [_f64(LOC[0]), _f64(W[0]), _f64(POS[0]), _f64(L[0])]
    assert ember.autograd.gradcheck(kl, inputs)
    assert ember.autograd.gradgradcheck(kl, inputs)


def test_exponential_family_kl():
    """The Bregman-divergence KL (registered for ExponentialFamily pairs of one type) against
    the closed form; like torch's, it is differentiable in q only (p's parameters are
    detached to take the gradient of the log normalizer)."""
    from ember.distributions.kl import _kl_expfamily_expfamily

    p = D.ContinuousBernoulli(logits=ember.tensor(LOC))
    q = D.ContinuousBernoulli(logits=ember.tensor(LOC2))
    _assert_close(_kl_expfamily_expfamily(p, q), D.kl_divergence(p, q).detach(), 1e-6, 1e-9,
                  "Bregman KL")
    assert ember.autograd.gradcheck(
        lambda q_logits: _kl_expfamily_expfamily(p, D.ContinuousBernoulli(logits=q_logits)),
        [_f64(LOC2)])
    with pytest.raises(NotImplementedError, match="different exponential families"):
        _kl_expfamily_expfamily(p, D.ExponentialFamily(validate_args=False))


def test_kl_errors_match_torch():
    for dist, lib in ((D, ember), (torch.distributions, torch)):
        with pytest.raises(ValueError, match="different event shapes"):
            dist.kl_divergence(
                dist.LowRankMultivariateNormal(lib.zeros(2), lib.ones(2, 1), lib.ones(2)),
                dist.LowRankMultivariateNormal(lib.zeros(3), lib.ones(3, 1), lib.ones(3)))
        with pytest.raises(NotImplementedError):  # different transforms
            dist.kl_divergence(dist.Pareto(lib.ones(2), lib.ones(2)), dist.HalfCauchy(lib.ones(2)))
        with pytest.raises(NotImplementedError):  # transforms with different parameters
            dist.kl_divergence(dist.Kumaraswamy(lib.ones(2), lib.ones(2)),
                               dist.Kumaraswamy(lib.ones(2), 2 * lib.ones(2)))
