"""ComposeTransform, IndependentTransform, ReshapeTransform, the simplex and matrix transforms,
CumulativeDistributionTransform, biject_to/transform_to, and TransformedDistribution through
transforms that change shapes and event dims, against torch.distributions."""
import numpy as np
import pytest
import torch
from oracle import assert_close as _assert_close

import ember
import ember.distributions as D

RNG = np.random.default_rng(2)
X = RNG.normal(size=(2, 3))
SQUARE = RNG.normal(size=(2, 3, 3))
VEC6 = RNG.normal(size=(2, 6))


def assert_close(ember_value, torch_value, what):
    _assert_close(ember_value, torch_value, 1e-6, 1e-9, what)


# name: (make(dist module), x, has a Jacobian)
TRANSFORMS = {
    "compose": (lambda d: d.ComposeTransform([d.ExpTransform(), d.AffineTransform(1.0, -2.0)]),
                X, True),
    "compose_event": (lambda d: d.ComposeTransform([d.StickBreakingTransform(),
                                                    d.AffineTransform(0.5, 2.0)]), X, True),
    "identity": (lambda d: d.identity_transform, X, True),
    "independent": (lambda d: d.IndependentTransform(d.SigmoidTransform(), 1), X, True),
    "reshape": (lambda d: d.ReshapeTransform((3,), (3, 1)), X, True),
    "stick_breaking": (lambda d: d.StickBreakingTransform(), X, True),
    "softmax": (lambda d: d.SoftmaxTransform(), X, False),
    "abs": (lambda d: d.AbsTransform(), X, False),
    "lower_cholesky": (lambda d: d.LowerCholeskyTransform(), SQUARE, False),
    "positive_definite": (lambda d: d.PositiveDefiniteTransform(), SQUARE, False),
    "cdf": (lambda d: d.CumulativeDistributionTransform(d.Normal(0.5, 2.0)), X, True),
    "cat": (lambda d: d.CatTransform([d.ExpTransform(), d.SigmoidTransform()], dim=1,
                                     lengths=[2, 1]), X, True),
    "cat_event": (lambda d: d.CatTransform([d.IndependentTransform(d.ExpTransform(), 1),
                                            d.IndependentTransform(d.SigmoidTransform(), 1)],
                                           dim=0), VEC6, True),
    "stack": (lambda d: d.StackTransform([d.ExpTransform(), d.AffineTransform(1.0, 3.0)],
                                         dim=0), X, True),
    "corr_cholesky": (lambda d: d.CorrCholeskyTransform(), VEC6, True),
}


@pytest.mark.parametrize("name", sorted(TRANSFORMS))
def test_transform_against_torch(name):
    make, x, has_jacobian = TRANSFORMS[name]
    results = []
    for dist, lib in ((D, ember), (torch.distributions, torch)):
        t = make(dist)
        xt = lib.tensor(x, requires_grad=True)
        y = t(xt)
        result = {"y": y, "x_back": t.inv(y),
                  "forward_shape": tuple(t.forward_shape(xt.shape)),
                  "inverse_shape": tuple(t.inverse_shape(y.shape)),
                  "domain": repr(t.domain), "codomain": repr(t.codomain),
                  "domain_event_dim": t.domain.event_dim,
                  "codomain_event_dim": t.codomain.event_dim,
                  "bijective": t.bijective, "repr": repr(t), "equal": t == make(dist)}
        if has_jacobian:
            result["log_det"] = t.log_abs_det_jacobian(xt, y)
            result["log_det_requires_grad"] = result["log_det"].requires_grad
            if result["log_det"].requires_grad:
                result["log_det"].sum().backward()
                result["grad"] = xt.grad
        results.append(result)
    ours, theirs = results
    for key, expected in theirs.items():
        if isinstance(expected, torch.Tensor):
            assert_close(ours[key], expected, f"{name}.{key}")
        else:
            assert ours[key] == expected, f"{name}.{key}: {ours[key]} vs {expected}"


@pytest.mark.parametrize("name", ["compose", "compose_event", "independent", "stick_breaking",
                                  "cdf", "cat", "stack", "corr_cholesky"])
def test_log_det_gradcheck(name):
    make, x, _ = TRANSFORMS[name]
    t = make(D)
    x = ember.tensor(x, dtype=ember.float64, requires_grad=True)
    assert ember.autograd.gradcheck(lambda v: t.log_abs_det_jacobian(v, t(v)), [x])
    assert ember.autograd.gradgradcheck(lambda v: t.log_abs_det_jacobian(v, t(v)), [x])
    assert ember.autograd.gradcheck(lambda v: t.inv(t(v)), [x])


def test_compose_inverse_and_cache():
    t = D.ComposeTransform([D.ExpTransform(), D.AffineTransform(1.0, 2.0)], cache_size=1)
    assert t.inv.inv is t and all(part._cache_size == 1 for part in t.parts)
    x = ember.tensor([0.3])
    y = t(x)
    assert t.inv(y) is x
    assert t.with_cache(0)._cache_size == 0 and t.with_cache(1) is t
    assert D.identity_transform(x) is x and D.ComposeTransform([]).sign == 1
    assert D.ComposeTransform([D.ExpTransform(), D.AffineTransform(0.0, -1.0)]).sign == -1


def test_reshape_errors_match_torch():
    for dist, lib in ((D, ember), (torch.distributions, torch)):
        with pytest.raises(ValueError, match="different numbers of elements"):
            dist.ReshapeTransform((2, 3), (5,))
        with pytest.raises(ValueError, match="Shape mismatch"):
            dist.ReshapeTransform((3,), (3, 1)).forward_shape((2, 4))
        with pytest.raises(ValueError, match="Too few dimensions"):
            dist.StickBreakingTransform().forward_shape(())
        with pytest.raises(ValueError, match="Too few dimensions"):
            dist.IndependentTransform(dist.ExpTransform(), 2)(lib.zeros(3))
        with pytest.raises(NotImplementedError):
            dist.AbsTransform().log_abs_det_jacobian(lib.ones(1), lib.ones(1))
        with pytest.raises(ValueError, match="flattened lower-diagonal"):
            dist.CorrCholeskyTransform().forward_shape((2, 5))
        with pytest.raises(AssertionError, match="must equal length"):
            dist.CatTransform([dist.ExpTransform()], 0, [2])(lib.zeros(3))
        with pytest.raises(AssertionError, match="must equal len"):
            dist.StackTransform([dist.ExpTransform()], 0)(lib.zeros(3))


CONSTRAINTS = {
    "real": lambda c, lib: c.real,
    "real_vector": lambda c, lib: c.real_vector,
    "positive": lambda c, lib: c.positive,
    "nonnegative": lambda c, lib: c.nonnegative,
    "greater_than": lambda c, lib: c.greater_than(-1.5),
    "greater_than_eq_tensor": lambda c, lib: c.greater_than_eq(lib.tensor([0.5, 1.0, 2.0])),
    "less_than": lambda c, lib: c.less_than(2.0),
    "unit_interval": lambda c, lib: c.unit_interval,
    "interval": lambda c, lib: c.interval(-1.0, 3.0),
    "half_open_interval": lambda c, lib: c.half_open_interval(0.0, 2.0),
    "simplex": lambda c, lib: c.simplex,
    "independent_positive": lambda c, lib: c.independent(c.positive, 1),
    "cat": lambda c, lib: c.cat([c.positive, c.interval(0.0, 2.0)], 1, [1, 2]),
    "stack": lambda c, lib: c.stack([c.real, c.positive], 0),
}


@pytest.mark.parametrize("registry", ["biject_to", "transform_to"])
@pytest.mark.parametrize("name", sorted(CONSTRAINTS))
def test_registry_against_torch(registry, name):
    results = []
    for dist, lib in ((D, ember), (torch.distributions, torch)):
        constraint = CONSTRAINTS[name](dist.constraints, lib)
        t = getattr(dist, registry)(constraint)
        x = lib.tensor(X)
        y = t(x)
        assert bool(constraint.check(y).all()), f"{registry}({name}) leaves its constraint"
        result = {"y": y, "repr": repr(t), "x_back": t.inv(y)}
        if t.bijective:
            result["log_det"] = t.log_abs_det_jacobian(x, y)
        results.append(result)
    for key, expected in results[1].items():
        if isinstance(expected, torch.Tensor):
            assert_close(results[0][key], expected, f"{registry}({name}).{key}")
        else:
            assert results[0][key] == expected, f"{registry}({name}).{key}"


def test_corr_cholesky_registry():
    for registry in ("biject_to", "transform_to"):
        t = getattr(D, registry)(D.constraints.corr_cholesky)
        y = t(ember.tensor(VEC6))
        assert bool(D.constraints.corr_cholesky.check(y).all())
        assert tuple(y.shape) == (2, 4, 4)
        expected = getattr(torch.distributions, registry)(
            torch.distributions.constraints.corr_cholesky)(torch.tensor(VEC6))
        assert_close(y, expected, registry)
    not_unit = ember.tensor([[1.0, 0.0], [0.5, 1.0]])
    assert not bool(D.constraints.corr_cholesky.check(not_unit))


@pytest.mark.parametrize("name", ["lower_cholesky", "positive_definite",
                                  "positive_semidefinite"])
def test_transform_to_matrices(name):
    constraint = getattr(D.constraints, name)
    y = D.transform_to(constraint)(ember.tensor(SQUARE))
    assert bool(constraint.check(y).all())
    expected = torch.distributions.transform_to(getattr(torch.distributions.constraints, name))(
        torch.tensor(SQUARE))
    assert_close(y, expected, name)
    for lib in (D, torch.distributions):
        with pytest.raises(NotImplementedError, match="Cannot transform"):
            lib.biject_to(getattr(lib.constraints, name))


def test_register_a_new_constraint():
    class Odd(D.constraints.Constraint):
        pass

    registry = D.constraint_registry.ConstraintRegistry()
    registry.register(Odd, lambda constraint: D.ExpTransform())
    assert isinstance(registry(Odd()), D.ExpTransform)
    with pytest.raises(TypeError):
        registry.register(3, lambda constraint: None)


def test_transformed_distribution_changes_shapes():
    results = []
    for dist, lib in ((D, ember), (torch.distributions, torch)):
        base = dist.Normal(lib.tensor(X), 1.0)
        stick = dist.TransformedDistribution(base, [dist.StickBreakingTransform()])
        value = lib.tensor([[0.1, 0.2, 0.3, 0.4], [0.25, 0.25, 0.25, 0.25]])
        reshaped = dist.TransformedDistribution(
            dist.Normal(lib.zeros(6), 1.0),
            [dist.ReshapeTransform((6,), (2, 3)), dist.IndependentTransform(dist.ExpTransform(),
                                                                           2)])
        results.append({
            "stick_shapes": (tuple(stick.batch_shape), tuple(stick.event_shape)),
            "stick_log_prob": stick.log_prob(value),
            "stick_support": repr(stick.support),
            "stick_expand": tuple(stick.expand((4, 2)).sample().shape),
            "reshaped_shapes": (tuple(reshaped.batch_shape), tuple(reshaped.event_shape)),
            "reshaped_log_prob": reshaped.log_prob(lib.tensor(np.abs(X) + 0.1)),
            "reshaped_support": repr(reshaped.support),
        })
    for key, expected in results[1].items():
        if isinstance(expected, torch.Tensor):
            assert_close(results[0][key], expected, key)
        else:
            assert results[0][key] == expected, key
