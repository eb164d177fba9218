"""nn.utils.parametrize and the orthogonal parametrization, against torch on the same
weights (state dicts copied across through numpy)."""
import copy
import pickle

import numpy as np
import pytest
import torch

import ember
from ember.nn.utils import parametrizations, parametrize
from oracle import to_numpy


def to_torch_state(module):
    return {k: torch.tensor(to_numpy(v)) for k, v in module.state_dict().items()}


def to_ember_state(module):
    return {k: ember.tensor(v.detach().numpy()) for k, v in module.state_dict().items()}


def close(a, b, rtol=1e-5, atol=1e-6, what=""):
    np.testing.assert_allclose(to_numpy(a), to_numpy(b), rtol=rtol, atol=atol, err_msg=what)


def make_parametrizations(lib):
    """The same user parametrizations written against ember or torch."""
    class Symmetric(lib.nn.Module):
        def forward(self, X):
            return X.triu() + X.triu(1).mT

        def right_inverse(self, A):
            return A.triu()

    class Scale(lib.nn.Module):
        def forward(self, X):
            return 3 * X

        def right_inverse(self, A):
            return A / 3

    class RankOne(lib.nn.Module):
        def forward(self, x, y):
            return x.unsqueeze(-1) @ y.unsqueeze(-2)

        def right_inverse(self, Z):
            return Z[:, 0].clone(), Z[0, :].clone()

    class Flatten(lib.nn.Module):  # changes the shape: needs unsafe=True
        def forward(self, X):
            return X.reshape(-1)

    return Symmetric, Scale, RankOne, Flatten


def pair(register, in_features=4, out_features=4, seed=0):
    """An ember and a torch Linear with the same weights, both passed through register(lib,
    module), then given the same state (the ember one's, copied)."""
    ember.manual_seed(seed)
    e = register(ember, ember.nn.Linear(in_features, out_features))
    t = register(torch, torch.nn.Linear(in_features, out_features))
    t.load_state_dict(to_torch_state(e))
    return e, t


def check_forward_backward(e, t, x_shape=(3, 4), rtol=1e-5, atol=1e-6):
    x = np.random.default_rng(1).standard_normal(x_shape).astype(np.float32)
    ye, yt = e(ember.tensor(x)), t(torch.tensor(x))
    close(ye, yt, rtol, atol, "forward")
    (ye ** 2).sum().backward()
    (yt ** 2).sum().backward()
    grads_t = dict(t.named_parameters())
    names = [name for name, _ in e.named_parameters()]
    assert names == list(grads_t)
    for name, param in e.named_parameters():
        close(param.grad, grads_t[name].grad, rtol, atol, f"grad of {name}")


def test_symmetric_forward_backward_and_state_dict():
    e, t = pair(lambda lib, m: parametrize.register_parametrization(
        m, "weight", make_parametrizations(lib)[0]()) if lib is ember else
        torch.nn.utils.parametrize.register_parametrization(
            m, "weight", make_parametrizations(lib)[0]()))
    assert list(e.state_dict()) == list(t.state_dict()) == [
        "bias", "parametrizations.weight.original"]
    close(e.weight, e.weight.T)
    check_forward_backward(e, t)


def _register(lib, module, name, parametrization, **kwargs):
    utils = parametrize if lib is ember else torch.nn.utils.parametrize
    return utils.register_parametrization(module, name, parametrization, **kwargs)


def test_stacked_parametrizations_and_assignment():
    def register(lib, m):
        Symmetric, Scale, _, _ = make_parametrizations(lib)
        _register(lib, m, "weight", Symmetric())
        return _register(lib, m, "weight", Scale())

    e, t = pair(register)
    assert len(e.parametrizations.weight) == 2
    check_forward_backward(e, t)
    A = np.random.default_rng(2).standard_normal((4, 4)).astype(np.float32)
    A = A + A.T
    e.weight = ember.tensor(A)  # right_inverse of Scale, then of Symmetric
    t.weight = torch.tensor(A)
    close(e.weight, A)
    close(e.parametrizations.weight.original, t.parametrizations.weight.original)


def test_several_originals():
    def register(lib, m):
        return _register(lib, m, "weight", make_parametrizations(lib)[2]())

    e, t = pair(register)
    assert list(e.state_dict()) == list(t.state_dict()) == [
        "bias", "parametrizations.weight.original0", "parametrizations.weight.original1"]
    check_forward_backward(e, t)
    with pytest.raises(ValueError, match="in terms of a sequence of tensors"):
        parametrize.remove_parametrizations(e, "weight", leave_parametrized=False)
    weight = e.weight.detach().numpy()
    parametrize.remove_parametrizations(e, "weight")
    assert isinstance(e.weight, ember.nn.Parameter) and type(e) is ember.nn.Linear
    close(e.weight, weight)


def test_buffer_parametrization_and_unsafe_shape_change():
    def register(lib, m):
        m.register_buffer("mask", lib.ones(2, 3))
        return _register(lib, m, "mask", make_parametrizations(lib)[3](), unsafe=True)

    e, t = pair(register)
    assert e.mask.shape == (6,) and not e.mask.requires_grad
    assert list(e.state_dict()) == list(t.state_dict())
    assert "parametrizations.mask.original" in dict(e.named_buffers())
    with pytest.raises(ValueError, match="may not change the shape"):
        _register(ember, ember.nn.Linear(2, 2), "weight", make_parametrizations(ember)[3]())


def test_remove_parametrizations_keeps_the_parameter_object():
    e = ember.nn.Linear(3, 3)
    original = e.weight
    Symmetric, Scale, _, _ = make_parametrizations(ember)
    parametrize.register_parametrization(e, "weight", Symmetric())
    parametrize.register_parametrization(e, "weight", Scale())
    assert e.parametrizations.weight.original is original
    assert parametrize.is_parametrized(e) and parametrize.is_parametrized(e, "weight")
    assert not parametrize.is_parametrized(e, "bias")
    assert type(e).__name__ == "ParametrizedLinear"
    assert parametrize.type_before_parametrizations(e) is ember.nn.Linear
    value = e.weight.detach().numpy()
    parametrize.remove_parametrizations(e, "weight", leave_parametrized=True)
    assert e.weight is original and type(e) is ember.nn.Linear
    assert not hasattr(e, "parametrizations") and not parametrize.is_parametrized(e)
    close(e.weight, value)
    # re-registered, so last, as in torch
    assert [n for n, _ in e.named_parameters()] == ["bias", "weight"]

    parametrize.register_parametrization(e, "weight", Scale())
    parametrize.remove_parametrizations(e, "weight", leave_parametrized=False)
    close(e.weight, value / 3)  # the original that Scale's right_inverse stored


def test_cached():
    calls = []

    class Counting(ember.nn.Module):
        def forward(self, X):
            calls.append(1)
            return X * 2

    m = parametrize.register_parametrization(ember.nn.Linear(2, 2), "weight", Counting())
    calls.clear()
    with parametrize.cached():
        first = m.weight
        assert m.weight is first
    assert len(calls) == 1
    assert m.weight is not first and len(calls) == 2


def test_repr_matches_torch():
    e, t = pair(lambda lib, m: _register(lib, m, "weight", make_parametrizations(lib)[0]()))
    assert repr(e) == repr(t)
    e, t = pair(lambda lib, m: (parametrizations if lib is ember else
                                torch.nn.utils.parametrizations).spectral_norm(m))
    assert repr(e) == repr(t)


def test_errors_match_torch():
    for lib, utils in ((ember, parametrize), (torch, torch.nn.utils.parametrize)):
        Symmetric = make_parametrizations(lib)[0]
        with pytest.raises(ValueError, match="does not have a parameter, a buffer, or a "
                                             "parametrized element with name 'nope'"):
            utils.register_parametrization(lib.nn.Linear(2, 2), "nope", Symmetric())
        with pytest.raises(ValueError, match="does not have a parametrization on weight"):
            utils.remove_parametrizations(lib.nn.Linear(2, 2), "weight")
        with pytest.raises(ValueError, match="ParametrizationList requires one or more"):
            utils.ParametrizationList([], lib.zeros(2))
        m = utils.register_parametrization(lib.nn.Linear(2, 2), "weight", Symmetric())
        with pytest.raises(RuntimeError, match="only supported through state_dict"):
            pickle.dumps(m)
        with pytest.raises(KeyError, match="attribute 'weight' already exists"):
            m.weight = lib.nn.Parameter(lib.zeros(2, 2))


def test_deepcopy_and_load_state_dict_round_trip():
    e, t = pair(lambda lib, m: _register(lib, m, "weight", make_parametrizations(lib)[0]()),
                seed=3)
    clone = copy.deepcopy(e)
    assert type(clone).__name__ == "ParametrizedLinear"
    close(clone.weight, e.weight)
    torch.nn.init.normal_(t.parametrizations.weight.original)
    e.load_state_dict(to_ember_state(t))
    close(e.weight, t.weight)
    assert clone.parametrizations.weight.original is not e.parametrizations.weight.original


@pytest.mark.parametrize("shape, orthogonal_map", [
    ((4, 4), None), ((4, 4), "cayley"), ((3, 5), None), ((5, 3), "householder"),
    ((5, 3), "matrix_exp"), ((3, 5), "cayley")])
def test_orthogonal_matches_torch(shape, orthogonal_map):
    out_features, in_features = shape

    def register(lib, m):
        utils = parametrizations if lib is ember else torch.nn.utils.parametrizations
        return utils.orthogonal(m, orthogonal_map=orthogonal_map)

    e, t = pair(register, in_features, out_features)
    assert list(e.state_dict()) == list(t.state_dict()) == [
        "bias", "parametrizations.weight.original", "parametrizations.weight.0.base"]
    w = e.weight.detach()
    gram = w @ w.T if out_features <= in_features else w.T @ w
    close(gram, np.eye(min(shape)), atol=1e-5)
    # move off the initial point so that the map itself (not just base) is exercised
    with torch.no_grad():
        t.parametrizations.weight.original.add_(0.3 * torch.randn(shape))
    e.load_state_dict(to_ember_state(t))
    check_forward_backward(e, t, (3, in_features), rtol=1e-4, atol=1e-5)


def test_orthogonal_errors():
    with pytest.raises(ValueError, match="Expected a matrix or batch of matrices"):
        parametrizations.orthogonal(ember.nn.Linear(2, 2), "bias")
    with pytest.raises(ValueError, match='orthogonal_map has to be one of'):
        parametrizations.orthogonal(ember.nn.Linear(2, 2), orthogonal_map="svd")
    m = parametrizations.orthogonal(ember.nn.Linear(2, 2), use_trivialization=False)
    with pytest.raises(NotImplementedError, match="use_trivialization=False"):
        m.weight = ember.eye(2)
