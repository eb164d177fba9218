"""Gumbel, HalfNormal, Cauchy, StudentT, Chi2, Geometric, Multinomial, NegativeBinomial,
Weibull, the relaxed (Gumbel-softmax) distributions, OneHotCategoricalStraightThrough and their
KL divergences against torch.distributions."""
import numpy as np
import pytest
import torch
from oracle import assert_close as _assert_close

import ember
import ember.distributions as D

RNG = np.random.default_rng(0)
LOC = RNG.normal(size=(3, 4))
SCALE = RNG.uniform(0.5, 2.0, size=(3, 4))
DF = RNG.uniform(0.5, 6.0, size=(3, 4))
P = RNG.uniform(0.1, 0.9, size=(3, 4))
LOGITS = RNG.normal(size=(3, 5))
X = RNG.normal(size=(2, 3, 4))
POS = np.abs(X) + 0.1
COUNTS = np.floor(POS * 3)
SIMPLEX = RNG.dirichlet(np.ones(5), size=(2, 3))
UNIT = RNG.uniform(0.05, 0.95, size=(2, 3, 4))


def assert_close(ember_value, torch_value, what):
    _assert_close(ember_value, torch_value, 1e-6, 1e-9, what)


FAMILIES = {
    "Gumbel": (lambda d, t: d.Gumbel(t(LOC), t(SCALE)), X, True),
    "HalfNormal": (lambda d, t: d.HalfNormal(t(SCALE)), POS, True),
    "Cauchy": (lambda d, t: d.Cauchy(t(LOC), t(SCALE)), X, True),
    "StudentT": (lambda d, t: d.StudentT(t(DF), t(LOC), t(SCALE)), X, False),
    "Chi2": (lambda d, t: d.Chi2(t(DF)), POS, False),
    "Geometric_probs": (lambda d, t: d.Geometric(probs=t(P)), COUNTS, False),
    "Geometric_logits": (lambda d, t: d.Geometric(logits=t(LOC)), COUNTS, False),
    "Multinomial": (lambda d, t: d.Multinomial(6, logits=t(LOGITS)),
                    RNG.multinomial(6, [0.2] * 5, size=(2, 3)).astype(float), False),
    "NegativeBinomial_probs": (lambda d, t: d.NegativeBinomial(t(DF), probs=t(P)), COUNTS,
                               False),
    "NegativeBinomial_logits": (lambda d, t: d.NegativeBinomial(t(DF), logits=t(LOC)), COUNTS,
                                False),
    "Weibull": (lambda d, t: d.Weibull(t(SCALE), t(DF)), POS, True),
    "RelaxedBernoulli": (lambda d, t: d.RelaxedBernoulli(t(np.array(0.7)), logits=t(LOC)),
                         UNIT, False),
    "RelaxedOneHotCategorical": (
        lambda d, t: d.RelaxedOneHotCategorical(t(np.array(0.6)), logits=t(LOGITS)), SIMPLEX,
        False),
    "OneHotCategoricalStraightThrough": (
        lambda d, t: d.OneHotCategoricalStraightThrough(logits=t(LOGITS)),
        np.eye(5)[RNG.integers(0, 5, size=(2, 3))], False),
}


@pytest.mark.parametrize("name", sorted(FAMILIES))
def test_against_torch(name):
    make, value, has_cdf = FAMILIES[name]
    grads = []
    for dist, lib in ((D, ember), (torch.distributions, torch)):
        params = []

        def tensor(array):
            params.append(lib.tensor(array, requires_grad=True))
            return params[-1]

        m = make(dist, tensor)
        result = {"log_prob": m.log_prob(lib.tensor(value))}
        for attr in ("mean", "variance", "mode", "entropy"):
            try:
                result[attr] = getattr(m, attr)() if attr == "entropy" else getattr(m, attr)
            except NotImplementedError:
                pass
        if has_cdf:
            result["cdf"] = m.cdf(lib.tensor(value))
            result["icdf"] = m.icdf(lib.tensor(UNIT))
        result["batch_shape"], result["event_shape"] = m.batch_shape, m.event_shape
        result["sample_shape"] = tuple((m.rsample if m.has_rsample else m.sample)((2,)).shape)
        result["has_rsample"] = m.has_rsample
        result["expand"] = tuple(m.expand((5,) + tuple(m.batch_shape)).batch_shape)
        result["log_prob"].sum().backward()
        grads.append([p.grad for p in params])
        if lib is ember:
            ours = result
    for key, expected in result.items():
        actual = ours.get(key)
        if isinstance(expected, torch.Tensor):
            assert_close(actual, expected, f"{name}.{key}")
        else:
            assert tuple(actual) == tuple(expected) if isinstance(expected, (tuple, torch.Size)) \
                else actual == expected, f"{name}.{key}: {actual} vs {expected}"
    for ge, gt in zip(*grads):
        assert_close(ge, gt, f"{name} parameter gradient")


def test_rsample_gradients_and_sample_statistics():
    ember.manual_seed(0)
    loc = ember.tensor([0.5], dtype=ember.float64, requires_grad=True)
    scale = ember.tensor([2.0], dtype=ember.float64, requires_grad=True)
    samples = D.Gumbel(loc, scale).rsample((20000,))
    assert abs(float(samples.mean()) - (0.5 + 2.0 * 0.5772156649)) < 0.06
    samples.mean().backward()
    assert float(loc.grad) == pytest.approx(1.0)
    assert float(scale.grad) == pytest.approx(float(((samples - 0.5) / 2.0).mean()), rel=1e-6)
    t = D.StudentT(ember.tensor(5.0)).rsample((20000,))
    assert abs(float(t.var()) - 5 / 3) < 0.15
    g = D.Geometric(ember.tensor(0.25)).sample((20000,))
    assert abs(float(g.mean()) - 3.0) < 0.15 and bool((g == g.floor()).all())
    counts = D.Multinomial(10, probs=ember.tensor([0.2, 0.8])).sample((3000,))
    assert bool((counts.sum(-1) == 10).all()) and abs(float(counts[:, 1].mean()) - 8) < 0.1
    nb = D.NegativeBinomial(ember.tensor(3.0), probs=ember.tensor(0.4)).sample((20000,))
    assert abs(float(nb.mean()) - 2.0) < 0.1
    h = D.HalfNormal(ember.tensor(1.5)).rsample((20000,))
    assert bool((h >= 0).all()) and abs(float(h.mean()) - 1.5 * (2 / np.pi) ** 0.5) < 0.05


def test_relaxed_samples_and_straight_through_gradient():
    logits = ember.tensor([[0.3, -1.0, 2.0]], requires_grad=True)
    x = D.RelaxedOneHotCategorical(ember.tensor(0.5), logits=logits).rsample((4,))
    assert x.shape == (4, 1, 3) and float((x.sum(-1) - 1).abs().max()) < 1e-5
    x[..., 0].sum().backward()
    assert float(logits.grad.abs().sum()) > 0
    logits.grad = None
    st = D.OneHotCategoricalStraightThrough(logits=logits).rsample()
    assert sorted(st.detach().numpy().ravel().tolist()) == [0.0, 0.0, 1.0]
    (st * ember.tensor([1.0, 2.0, 3.0])).sum().backward()
    probs = logits.softmax(-1).detach().numpy()
    weights = np.array([1.0, 2.0, 3.0])
    expected = probs * (weights - (probs * weights).sum())  # d/dlogits of probs · weights
    np.testing.assert_allclose(logits.grad.numpy(), expected, rtol=1e-5)
    b = D.RelaxedBernoulli(ember.tensor(0.3), probs=ember.tensor([0.2, 0.9])).rsample((3,))
    assert b.shape == (3, 2) and bool(((b > 0) & (b < 1)).all())


def test_errors_match_torch():
    for dist, lib in ((D, ember), (torch.distributions, torch)):
        with pytest.raises(ValueError):
            dist.Geometric()
        with pytest.raises(ValueError):
            dist.Geometric(probs=lib.tensor([0.0, 0.5]))
        with pytest.raises(ValueError):
            dist.HalfNormal(lib.tensor([-1.0]))
        with pytest.raises(ValueError):
            dist.Cauchy(lib.tensor([0.0]), lib.tensor([0.0]))
        with pytest.raises(ValueError):
            dist.HalfNormal(lib.tensor(1.0)).log_prob(lib.tensor(-1.0))
        with pytest.raises(NotImplementedError):
            dist.Multinomial(lib.tensor(3), probs=lib.tensor([0.5, 0.5]))
        with pytest.raises(ValueError):
            dist.Multinomial(3, probs=lib.tensor([0.5, 0.5])).log_prob(lib.tensor([-1.0, 2.0]))
        with pytest.raises(ValueError):
            dist.NegativeBinomial(lib.tensor(-1.0), probs=lib.tensor(0.5))


KL_PAIRS = {
    "uniform_normal": (lambda d, t: d.Uniform(t(LOC - 1), t(LOC + SCALE)),
                       lambda d, t: d.Normal(t(LOC * 0.5), t(SCALE))),
    "uniform_gumbel": (lambda d, t: d.Uniform(t(LOC - 1), t(LOC + SCALE)),
                       lambda d, t: d.Gumbel(t(LOC * 0.5), t(SCALE))),
    "normal_gumbel": (lambda d, t: d.Normal(t(LOC), t(SCALE)),
                      lambda d, t: d.Gumbel(t(LOC * 0.5), t(SCALE * 1.5))),
    "gumbel_gumbel": (lambda d, t: d.Gumbel(t(LOC), t(SCALE)),
                      lambda d, t: d.Gumbel(t(LOC * 0.5), t(SCALE * 1.5))),
    "halfnormal_halfnormal": (lambda d, t: d.HalfNormal(t(SCALE)),
                              lambda d, t: d.HalfNormal(t(SCALE * 1.7))),
    "cauchy_cauchy": (lambda d, t: d.Cauchy(t(LOC), t(SCALE)),
                      lambda d, t: d.Cauchy(t(LOC * 0.5), t(SCALE * 1.5))),
    "geometric_geometric": (lambda d, t: d.Geometric(probs=t(P)),
                            lambda d, t: d.Geometric(probs=t(1 - P))),
    "exponential_gamma": (lambda d, t: d.Exponential(t(SCALE)),
                          lambda d, t: d.Gamma(t(DF), t(SCALE * 1.5))),
    "gamma_exponential": (lambda d, t: d.Gamma(t(DF), t(SCALE)),
                          lambda d, t: d.Exponential(t(SCALE * 1.5))),
}


@pytest.mark.parametrize("name", sorted(KL_PAIRS))
def test_kl_pairs_against_torch(name):
    make_p, make_q = KL_PAIRS[name]
    values, grads = [], []
    for dist, lib in ((D, ember), (torch.distributions, torch)):
        params = []

        def tensor(array):
            params.append(lib.tensor(array, requires_grad=True))
            return params[-1]

        kl = dist.kl_divergence(make_p(dist, tensor), make_q(dist, tensor))
        kl.sum().backward()
        values.append(kl)
        grads.append([p.grad for p in params])
    assert_close(values[0], values[1], f"kl {name}")
    for ge, gt in zip(*grads):
        assert_close(ge, gt, f"kl {name} gradient")
