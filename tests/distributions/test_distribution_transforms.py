"""Transforms against torch.distributions.transforms: values, inverses, log-dets, caching."""
import numpy as np
import pytest
import torch
from oracle import assert_close as _assert_close

import ember
import ember.distributions as D



def assert_close(ember_value, torch_value, what="transform"):
    _assert_close(ember_value, torch_value, 1e-7, 1e-10, what)


X = np.array([-3.0, -0.4, 0.0, 0.7, 2.5])


@pytest.mark.parametrize("name,args,x", [
    ("TanhTransform", (), X),
    ("SoftplusTransform", (), X),
    ("PowerTransform", (2.5,), np.abs(X) + 0.3),
    ("PowerTransform", (-0.5,), np.abs(X) + 0.3),
    ("ExpTransform", (), X),
    ("SigmoidTransform", (), X),
    ("AffineTransform", (1.5, -2.0), X),
])
def test_transform_matches_torch(name, args, x):
    t_ember = getattr(D.transforms, name)(*args)
    t_torch = getattr(torch.distributions.transforms, name)(*args)
    xe = ember.tensor(x, requires_grad=True)
    xt = torch.tensor(x, requires_grad=True)
    ye, yt = t_ember(xe), t_torch(xt)
    assert_close(ye, yt)
    assert_close(t_ember.inv(ye), t_torch.inv(yt))
    lde, ldt = t_ember.log_abs_det_jacobian(xe, ye), t_torch.log_abs_det_jacobian(xt, yt)
    assert_close(lde, ldt)
    assert lde.requires_grad == ldt.requires_grad
    if ldt.requires_grad:
        lde.sum().backward()
        ldt.sum().backward()
        assert_close(xe.grad, xt.grad)
    assert int(t_ember.sign) == int(t_torch.sign)


def test_tanh_log_det_gradcheck():
    t = D.TanhTransform()
    x = ember.tensor(X, requires_grad=True)
    assert ember.autograd.gradcheck(lambda v: t.log_abs_det_jacobian(v, t(v)), [x])
    assert ember.autograd.gradgradcheck(lambda v: t.log_abs_det_jacobian(v, t(v)), [x])


def test_cache_size_returns_the_exact_input():
    x = ember.tensor([20.0, -0.3])  # tanh(20) rounds to 1, so atanh alone gives inf
    t = D.TanhTransform(cache_size=1)
    y = t(x)
    assert t.inv(y) is x
    assert t(x) is y
    assert ember.isinf(D.TanhTransform()(x).atanh()[0])
    with pytest.raises(ValueError):
        D.TanhTransform(cache_size=2)
    with pytest.raises(ValueError):
        torch.distributions.transforms.TanhTransform(cache_size=2)


def test_squashed_gaussian_log_prob_matches_torch():
    loc, scale = np.array([0.2, -0.5]), np.array([0.8, 1.3])
    value = np.array([0.3, -0.9])
    de = D.TransformedDistribution(D.Normal(ember.tensor(loc), ember.tensor(scale)),
                                   [D.TanhTransform(cache_size=1)])
    dt = torch.distributions.TransformedDistribution(
        torch.distributions.Normal(torch.tensor(loc), torch.tensor(scale)),
        [torch.distributions.transforms.TanhTransform(cache_size=1)])
    assert_close(de.log_prob(ember.tensor(value)), dt.log_prob(torch.tensor(value)))
    sample = de.rsample((4,))
    assert sample.shape == (4, 2) and bool((sample.abs() < 1).all())
    assert ember.isfinite(de.log_prob(sample)).all()


def test_power_transform_cache_equality_and_shapes():
    t = D.PowerTransform(ember.tensor([2.0, 3.0]))
    assert t == D.PowerTransform(ember.tensor([2.0, 3.0])) and t != D.PowerTransform(2.0)
    assert t.with_cache(1)._cache_size == 1 and t.with_cache(0) is t
    assert t.forward_shape((4, 1)) == (4, 2) and t.inv.forward_shape((2,)) == (2,)
    assert D.TanhTransform() == D.TanhTransform() and D.TanhTransform() != D.SoftplusTransform()
