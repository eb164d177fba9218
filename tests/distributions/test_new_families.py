"""LowRankMultivariateNormal, HalfCauchy, Pareto, InverseGamma (and the families added after
them) against torch.distributions: values, moments, entropy, cdf/icdf, shapes, expand,
parameter gradients, seeded samples where the sampler draws as torch's does, gradcheck, and
the validation errors."""
import warnings

import numpy as np
import pytest
import torch
from oracle import assert_close as _assert_close

import ember
import ember.distributions as D

RNG = np.random.default_rng(1)
LOC = RNG.normal(size=(2, 3))
SCALE = RNG.uniform(0.5, 2.0, size=(2, 3))
SHAPE = RNG.uniform(2.5, 5.0, size=(2, 3))
POS = RNG.uniform(0.1, 3.0, size=(4, 2, 3))
UNIT = RNG.uniform(0.05, 0.95, size=(4, 2, 3))
W = RNG.normal(size=(2, 3, 2))
VEC = RNG.normal(size=(4, 2, 3))
XI = RNG.uniform(-0.3, 0.5, size=(2, 3))
SIMPLEX = RNG.dirichlet(np.ones(4), size=(4, 2))
F32 = np.float32
COV = W @ W.transpose(0, 2, 1) + np.eye(3)
with warnings.catch_warnings():  # torch's Wishart warns "Singular sample" on every draw
    warnings.simplefilter("ignore")
    WISHART_VALUE = torch.distributions.Wishart(
        torch.tensor(5.0, dtype=torch.float64), torch.eye(3, dtype=torch.float64)).sample(
            (4, 2)).numpy()
LKJ_VALUE = torch.distributions.LKJCholesky(4, torch.ones(3, dtype=torch.float64)).sample(
    (2,)).numpy()


def assert_close(ember_value, torch_value, what):
    single = torch_value.dtype == torch.float32
    _assert_close(ember_value, torch_value, 1e-4 if single else 1e-6, 1e-6 if single else 1e-9,
                  what)


# name: (make(dist module, tensor), value, has_cdf, has_icdf, samples match torch's stream)
FAMILIES = {
    "LowRankMultivariateNormal": (
        lambda d, t: d.LowRankMultivariateNormal(t(LOC), t(W), t(SCALE)), VEC, False, False,
        True),
    "HalfCauchy": (lambda d, t: d.HalfCauchy(t(SCALE)), POS, True, True, False),
    "Pareto": (lambda d, t: d.Pareto(t(SCALE * 0.1), t(SHAPE)), POS + 0.2, True, True, True),
    "Pareto_heavy": (lambda d, t: d.Pareto(t(SCALE * 0.1), t(SCALE)), POS + 0.2, True, True,
                     True),
    "InverseGamma": (lambda d, t: d.InverseGamma(t(SHAPE), t(SCALE)), POS, True, False, False),
    "VonMises": (lambda d, t: d.VonMises(t(LOC), t(SCALE * 2)), VEC, False, False, True),
    "VonMises_small": (lambda d, t: d.VonMises(t(LOC), t(SCALE * 0.01)), VEC, False, False,
                       True),
    "ContinuousBernoulli_probs": (lambda d, t: d.ContinuousBernoulli(probs=t(UNIT[0])), UNIT,
                                  True, True, True),
    "ContinuousBernoulli_logits": (lambda d, t: d.ContinuousBernoulli(logits=t(LOC)), UNIT,
                                   True, True, True),
    "ContinuousBernoulli_half": (
        lambda d, t: d.ContinuousBernoulli(probs=t(np.full((2, 3), 0.5)) + 0.0005 * t(LOC)),
        UNIT, True, True, True),
    "Kumaraswamy": (lambda d, t: d.Kumaraswamy(t(SHAPE), t(SCALE)), UNIT, False, False, True),
    "FisherSnedecor": (lambda d, t: d.FisherSnedecor(t(SHAPE), t(SHAPE * 2)), POS, False, False,
                       False),
    "FisherSnedecor_small_df": (lambda d, t: d.FisherSnedecor(t(SCALE), t(SCALE)), POS, False,
                                False, False),
    # float32: torch's GeneralizedPareto compares float64 parameters with a float32 zero.
    "GeneralizedPareto": (lambda d, t: d.GeneralizedPareto(t(F32(LOC)), t(F32(SCALE)),
                                                           t(F32(XI))),
                          F32(LOC + 0.1 * POS), True, True, True),
    "GeneralizedPareto_zero": (lambda d, t: d.GeneralizedPareto(t(F32(LOC)), t(F32(SCALE)),
                                                                t(F32(XI * 0))),
                               F32(LOC + POS), True, True, True),
    "LKJCholesky": (lambda d, t: d.LKJCholesky(4, t(SCALE[0])), LKJ_VALUE, False, False,
                    False),
    "Wishart_covariance": (lambda d, t: d.Wishart(t(SHAPE[:, 0] + 2), t(COV)), WISHART_VALUE,
                           False, False, False),
    "Wishart_precision": (lambda d, t: d.Wishart(t(SHAPE[:, 0] + 2),
                                                 precision_matrix=t(np.linalg.inv(COV))),
                          WISHART_VALUE, False, False, False),
    # .tril(): torch's cholesky_solve sends gradient to the unused upper triangle too.
    "Wishart_scale_tril": (lambda d, t: d.Wishart(t(SHAPE[:, 0] + 2),
                                                  scale_tril=t(np.linalg.cholesky(COV)).tril()),
                           WISHART_VALUE, False, False, False),
    "LogisticNormal": (lambda d, t: d.LogisticNormal(t(LOC), t(SCALE)), SIMPLEX, False, False,
                       True),
}


@pytest.mark.filterwarnings("ignore:Singular sample detected")  # torch's Wishart, every draw
@pytest.mark.parametrize("name", sorted(FAMILIES))
def test_against_torch(name):
    make, value, has_cdf, has_icdf, same_stream = FAMILIES[name]
    results, grads = [], []
    for dist, lib in ((D, ember), (torch.distributions, torch)):
        params = []

        def tensor(array):
            params.append(lib.tensor(array, requires_grad=True))
            return params[-1]

        m = make(dist, tensor)
        result = {"log_prob": m.log_prob(lib.tensor(value))}
        for attr in ("mean", "variance", "mode", "stddev"):
            try:
                result[attr] = getattr(m, attr)
            except NotImplementedError:
                pass
        if isinstance(m, torch.distributions.ExponentialFamily):
            result["exp_family_entropy"] = torch.distributions.ExponentialFamily.entropy(m)
        elif isinstance(m, D.ExponentialFamily):
            result["exp_family_entropy"] = D.ExponentialFamily.entropy(m)
        try:
            result["entropy"] = m.entropy()
        except NotImplementedError:
            result["entropy"] = lib.zeros(())
        if has_cdf:
            result["cdf"] = m.cdf(lib.tensor(value))
        if has_icdf:
            result["icdf"] = m.icdf(lib.tensor(UNIT.astype(value.dtype)))
        result["batch_shape"], result["event_shape"] = m.batch_shape, m.event_shape
        lib.manual_seed(3)
        sample = (m.rsample if m.has_rsample else m.sample)((4,))
        result["sample_shape"] = sample.shape
        if same_stream:
            result["sample"] = sample
        result["has_rsample"] = m.has_rsample
        result["support"] = repr(m.support).replace("torch", "ember")
        expanded = m.expand((5,) + tuple(m.batch_shape))
        result["expand"] = expanded.batch_shape
        result["expanded_log_prob"] = expanded.log_prob(lib.tensor(value[:1]))
        (result["log_prob"].sum() + result["entropy"].sum()).backward()
        grads.append([p.grad for p in params])
        results.append(result)
    ours, theirs = results
    for key, expected in theirs.items():
        actual = ours[key]
        if isinstance(expected, torch.Tensor):
            assert_close(actual, expected, f"{name}.{key}")
        elif isinstance(expected, tuple):
            assert tuple(actual) == tuple(expected), f"{name}.{key}: {actual} vs {expected}"
        else:
            assert actual == expected, f"{name}.{key}: {actual} vs {expected}"
    for ge, gt in zip(*grads):
        assert_close(ge, gt, f"{name} parameter gradient")


def _f64(array):
    return ember.tensor(array, dtype=ember.float64, requires_grad=True)


GRADCHECKS = {
    "LowRankMultivariateNormal_log_prob": (
        lambda loc, w, diag: D.LowRankMultivariateNormal(loc, w, diag).log_prob(
            ember.tensor(VEC[0])), [LOC, W, SCALE]),
    "LowRankMultivariateNormal_rsample": (
        lambda loc, w, diag: D.LowRankMultivariateNormal(loc, w, diag).rsample(), [LOC, W, SCALE]),
    "LowRankMultivariateNormal_precision": (
        lambda w, diag: D.LowRankMultivariateNormal(ember.zeros(3, dtype=ember.float64), w,
                                                    diag).precision_matrix, [W[0], SCALE[0]]),
    "HalfCauchy_log_prob": (lambda s: D.HalfCauchy(s).log_prob(ember.tensor(POS[0])), [SCALE]),
    "HalfCauchy_icdf": (lambda s: D.HalfCauchy(s).icdf(ember.tensor(UNIT[0])), [SCALE]),
    "Pareto_log_prob": (lambda s, a: D.Pareto(s, a).log_prob(ember.tensor(POS[0] + 2.0)),
                        [SCALE, SHAPE]),
    "Pareto_rsample": (lambda s, a: D.Pareto(s, a).rsample(), [SCALE, SHAPE]),
    "InverseGamma_log_prob": (lambda c, r: D.InverseGamma(c, r).log_prob(ember.tensor(POS[0])),
                              [SHAPE, SCALE]),
    "InverseGamma_entropy": (lambda c, r: D.InverseGamma(c, r).entropy(), [SHAPE, SCALE]),
    "VonMises_log_prob": (lambda loc, k: D.VonMises(loc, k).log_prob(ember.tensor(VEC[0])),
                          [LOC, SCALE * 3]),
    "VonMises_variance": (lambda k: D.VonMises(0.0, k).variance, [SCALE * 3]),
    "ContinuousBernoulli_log_prob": (
        lambda p: D.ContinuousBernoulli(probs=p).log_prob(ember.tensor(UNIT[0])), [UNIT[1]]),
    "ContinuousBernoulli_rsample": (lambda l: D.ContinuousBernoulli(logits=l).rsample(), [LOC]),
    "ContinuousBernoulli_entropy": (lambda l: D.ContinuousBernoulli(logits=l).entropy(), [LOC]),
    "Kumaraswamy_log_prob": (
        lambda a, b: D.Kumaraswamy(a, b).log_prob(ember.tensor(UNIT[0])), [SHAPE, SCALE]),
    "Kumaraswamy_rsample": (lambda a, b: D.Kumaraswamy(a, b).rsample(), [SHAPE, SCALE]),
    "Kumaraswamy_entropy": (lambda a, b: D.Kumaraswamy(a, b).entropy(), [SHAPE, SCALE]),
    "FisherSnedecor_log_prob": (
        lambda a, b: D.FisherSnedecor(a, b).log_prob(ember.tensor(POS[0])), [SHAPE, SCALE]),
    "GeneralizedPareto_log_prob": (
        lambda loc, s, xi: D.GeneralizedPareto(loc, s, xi).log_prob(ember.tensor(LOC + 0.1)),
        [LOC, SCALE, XI]),
    "GeneralizedPareto_rsample": (
        lambda loc, s, xi: D.GeneralizedPareto(loc, s, xi).rsample(), [LOC, SCALE, XI]),
    "GeneralizedPareto_cdf": (
        lambda loc, s, xi: D.GeneralizedPareto(loc, s, xi).cdf(ember.tensor(LOC + 0.1)),
        [LOC, SCALE, XI]),
    "LKJCholesky_log_prob": (lambda c: D.LKJCholesky(4, c).log_prob(ember.tensor(LKJ_VALUE)),
                             [SCALE[0]]),
    "Wishart_log_prob": (
        lambda df, L: D.Wishart(df, scale_tril=L.tril()).log_prob(ember.tensor(WISHART_VALUE[0])),
        [SHAPE[:, 0] + 2, np.linalg.cholesky(COV)]),
    "Wishart_rsample": (lambda L: D.Wishart(ember.tensor(5.0, dtype=ember.float64),
                                            scale_tril=L.tril()).rsample(),
                        [np.linalg.cholesky(COV)]),
    "Wishart_entropy": (lambda df, L: D.Wishart(df, scale_tril=L.tril()).entropy(),
                        [SHAPE[:, 0] + 2, np.linalg.cholesky(COV)]),
    "LogisticNormal_log_prob": (
        lambda loc, s: D.LogisticNormal(loc, s).log_prob(ember.tensor(SIMPLEX[0])),
        [LOC, SCALE]),
    "LogisticNormal_rsample": (lambda loc, s: D.LogisticNormal(loc, s).rsample(), [LOC, SCALE]),
}


@pytest.mark.parametrize("name", sorted(GRADCHECKS))
def test_gradcheck(name):
    fn, arrays = GRADCHECKS[name]

    def seeded(*args):
        ember.manual_seed(5)  # rsample draws the same noise on every call
        return fn(*args)

    inputs = [_f64(a) for a in arrays]
    assert ember.autograd.gradcheck(seeded, inputs)
    assert ember.autograd.gradgradcheck(seeded, inputs)


def test_sample_statistics():
    ember.manual_seed(0)
    x = D.InverseGamma(ember.tensor(5.0, dtype=ember.float64), ember.tensor(2.0)).rsample(
        (40000,))
    assert abs(float(x.mean()) - 0.5) < 0.01 and abs(float(x.var()) - 1 / 12) < 0.01
    f = D.FisherSnedecor(ember.tensor(4.0, dtype=ember.float64), ember.tensor(10.0)).rsample(
        (40000,))
    assert abs(float(f.mean()) - 10 / 8) < 0.03
    # LKJ(η) on 3 x 3: the correlation r_10 has variance 1 / (2η + 2); the later rows follow
    # torch's onion sampler, whose moments are compared with torch's own draws.
    L = D.LKJCholesky(3, ember.tensor(2.0, dtype=ember.float64)).sample((20000,))
    assert bool(D.constraints.corr_cholesky.check(L).all())
    C = (L @ L.mT).numpy()
    torch.manual_seed(0)
    L_torch = torch.distributions.LKJCholesky(3, torch.tensor(2.0, dtype=torch.float64)).sample(
        (20000,))
    C_torch = (L_torch @ L_torch.mT).numpy()
    assert abs(C[:, 1, 0].mean()) < 0.02 and abs(C[:, 1, 0].var() - 1 / 6) < 0.01
    np.testing.assert_allclose(C.var(0), C_torch.var(0), atol=0.01)
    w = D.Wishart(ember.tensor(5.0, dtype=ember.float64), ember.tensor(COV[0])).sample((20000,))
    np.testing.assert_allclose(w.mean(0).numpy(), 5.0 * COV[0], rtol=0.05, atol=0.1)
    h = D.HalfCauchy(ember.tensor(2.0)).sample((40000,))
    assert bool((h >= 0).all()) and abs(float(h.median()) - 2.0) < 0.1
    m = D.LowRankMultivariateNormal(ember.zeros(3, dtype=ember.float64), ember.tensor(W[0]),
                                    ember.tensor(SCALE[0]))
    s = m.sample((40000,)).numpy()
    np.testing.assert_allclose(np.cov(s.T), m.covariance_matrix.numpy(), atol=0.1)


def test_errors_match_torch():
    for dist, lib in ((D, ember), (torch.distributions, torch)):
        with pytest.raises(ValueError, match="one-dimensional"):
            dist.LowRankMultivariateNormal(lib.tensor(0.0), lib.ones(1, 1), lib.ones(1))
        with pytest.raises(ValueError, match="cov_factor"):
            dist.LowRankMultivariateNormal(lib.zeros(3), lib.ones(2, 1), lib.ones(3))
        with pytest.raises(ValueError, match="cov_diag"):
            dist.LowRankMultivariateNormal(lib.zeros(3), lib.ones(3, 1), lib.ones(2))
        with pytest.raises(ValueError, match="Incompatible batch shapes"):
            dist.LowRankMultivariateNormal(lib.zeros(2, 3), lib.ones(4, 3, 1), lib.ones(3))
        with pytest.raises(ValueError):
            dist.LowRankMultivariateNormal(lib.zeros(3), lib.zeros(3, 1), -lib.ones(3))
        with pytest.raises(RuntimeError, match="positive-definite"):  # the capacitance's
            dist.LowRankMultivariateNormal(lib.zeros(3), lib.ones(3, 1), -lib.ones(3))
        with pytest.raises(ValueError):
            dist.HalfCauchy(lib.tensor([-1.0]))
        with pytest.raises(ValueError):
            dist.HalfCauchy(lib.tensor(1.0)).log_prob(lib.tensor(-1.0))
        with pytest.raises(ValueError):
            dist.Pareto(lib.tensor(1.0), lib.tensor(0.0))
        with pytest.raises(ValueError):
            dist.Pareto(lib.tensor(2.0), lib.tensor(1.0)).log_prob(lib.tensor(1.0))
        with pytest.raises(ValueError):
            dist.VonMises(lib.tensor(0.0), lib.tensor(-1.0))
        with pytest.raises(ValueError, match="Either `probs` or `logits`"):
            dist.ContinuousBernoulli()
        with pytest.raises(ValueError, match="probs has invalid values"):
            dist.ContinuousBernoulli(lib.tensor(1.5), validate_args=True)
        with pytest.raises(ValueError):
            dist.ContinuousBernoulli(lib.tensor(0.3)).log_prob(lib.tensor(1.5))
        with pytest.raises(ValueError):
            dist.Kumaraswamy(lib.tensor(1.0), lib.tensor(-1.0))
        with pytest.raises(ValueError):
            dist.Kumaraswamy(lib.tensor(1.0), lib.tensor(2.0)).log_prob(lib.tensor(1.5))
        with pytest.raises(ValueError):
            dist.FisherSnedecor(lib.tensor(1.0), lib.tensor(-1.0))
        with pytest.raises(ValueError):
            dist.GeneralizedPareto(lib.tensor(0.0), lib.tensor(1.0), lib.tensor(-0.5)).log_prob(
                lib.tensor(3.0))
        with pytest.raises(ValueError):
            dist.LogisticNormal(lib.zeros(2), lib.ones(2)).log_prob(lib.tensor([0.5, 0.6, 0.1]))
        with pytest.raises(ValueError, match="greater than or equal to 2"):
            dist.LKJCholesky(1, 1.0)
        with pytest.raises(ValueError):
            dist.LKJCholesky(2, lib.tensor(1.0)).log_prob(lib.tensor([[1.0, 0.0], [1.0, 1.0]]))
        with pytest.raises(AssertionError, match="Exactly one"):
            dist.Wishart(lib.tensor(3.0))
        with pytest.raises(ValueError, match="greater than ndim - 1"):
            dist.Wishart(lib.tensor(1.0), lib.eye(3))
        with pytest.raises(ValueError, match="two-dimensional"):
            dist.Wishart(lib.tensor(3.0), lib.ones(3))
        with pytest.raises(ValueError):
            dist.Wishart(lib.tensor(3.0), -lib.eye(2))
        with pytest.raises(ValueError):
            dist.Wishart(lib.tensor(3.0), lib.eye(2)).log_prob(-lib.eye(2))
        with pytest.warns(UserWarning, match="Low df"):
            dist.Wishart(lib.tensor(2.5), lib.eye(3))
        with pytest.raises(ValueError):
            dist.InverseGamma(lib.tensor(-1.0), lib.tensor(1.0))
        with pytest.raises(ValueError):
            dist.InverseGamma(lib.tensor(1.0), lib.tensor(1.0)).log_prob(lib.tensor(-1.0))


def test_public_names_match_torch():
    assert set(dir(torch.distributions)) <= set(dir(D))
    assert D.chi2.Chi2 is D.Chi2 and D.studentT.StudentT is D.StudentT
    assert D.relaxed_bernoulli.RelaxedBernoulli is D.RelaxedBernoulli
    assert D.relaxed_categorical.RelaxedOneHotCategorical is D.RelaxedOneHotCategorical
    assert D.wishart.Wishart is D.Wishart and D.pareto.Pareto is D.Pareto
    assert set(torch.distributions.transforms.__all__) <= set(D.transforms.__all__)
    assert set(torch.distributions.constraints.__all__) <= set(D.constraints.__all__)
