"""ember.func against torch.func: functional_call and stack_module_state (and the deprecated
nn.utils.stateless.functional_call), then the transforms grad, vjp, jvp, jacrev, jacfwd,
hessian, linearize and vmap."""
import numpy as np
import pytest
import torch
from hypothesis import given as hypothesis_given
from hypothesis import settings
from hypothesis import strategies as st

import ember
from ember.autograd import gradcheck, gradgradcheck
from oracle import check_op, to_numpy


def close(a, b, what=""):
    np.testing.assert_allclose(to_numpy(a), to_numpy(b), rtol=1e-5, atol=1e-6, err_msg=what)


def model(lib):
    return lib.nn.Sequential(lib.nn.Linear(3, 4), lib.nn.BatchNorm1d(4), lib.nn.Tanh(),
                             lib.nn.Linear(4, 2))


def given(lib, seed=0):
    """Replacement parameters and buffers (the same values for ember and torch)."""
    rng = np.random.default_rng(seed)
    shapes = {"0.weight": (4, 3), "0.bias": (4,), "1.weight": (4,), "1.bias": (4,),
              "3.weight": (2, 4), "3.bias": (2,)}
    params = {k: lib.tensor(rng.standard_normal(s).astype(np.float32), requires_grad=True)
              for k, s in shapes.items()}
    buffers = {"1.running_mean": lib.zeros(4), "1.running_var": lib.ones(4),
               "1.num_batches_tracked": lib.tensor(0)}
    return params, buffers


def test_functional_call_matches_torch_and_leaves_module_alone():
    x = np.random.default_rng(1).standard_normal((5, 3)).astype(np.float32)
    outputs = {}
    for lib, call in ((ember, ember.func.functional_call), (torch, torch.func.functional_call)):
        m = model(lib)
        own = {k: v.detach().clone() for k, v in m.state_dict().items()}
        params, buffers = given(lib)
        y = call(m, (params, buffers), (lib.tensor(x),))
        (y ** 2).sum().backward()
        outputs[lib] = (y, params, buffers)
        for k, v in m.state_dict().items():  # the module's own tensors are untouched
            close(v, own[k], k)
        assert all(p.grad is None for p in m.parameters())
    (ye, pe, be), (yt, pt, bt) = outputs[ember], outputs[torch]
    close(ye, yt, "output")
    for k in pe:  # batch norm over 5 samples amplifies float32 rounding: torch's own gradients
        # are up to 3.4e-6 from float64's, ember's 1.3e-6
        np.testing.assert_allclose(to_numpy(pe[k].grad), to_numpy(pt[k].grad), rtol=1e-5,
                                   atol=1e-5, err_msg=f"grad of {k}")
    for k in be:  # training-mode BatchNorm updated the given running stats
        close(be[k], bt[k], k)
    assert not np.allclose(to_numpy(be["1.running_mean"]), 0)


def test_partial_dict_kwargs_and_single_argument():
    m = ember.nn.Linear(2, 1)
    weight = ember.ones(1, 2)
    y = ember.func.functional_call(m, {"weight": weight}, ember.tensor([[1., 2.]]))
    close(y, (3 + m.bias.detach()).reshape(1, 1))

    class WithKwargs(ember.nn.Module):
        def __init__(self):
            super().__init__()
            self.scale = ember.nn.Parameter(ember.ones(1))

        def forward(self, x, *, shift=0):
            return x * self.scale + shift

    out = ember.func.functional_call(WithKwargs(), {"scale": ember.tensor([2.])},
                                     (ember.tensor([3.]),), {"shift": 1})
    close(out, [7.])


def test_tied_weights():
    for lib in (ember, torch):
        m = lib.nn.Sequential(lib.nn.Linear(2, 2, bias=False), lib.nn.Linear(2, 2, bias=False))
        m[1].weight = m[0].weight
        x = lib.ones(1, 2)
        w = 2 * lib.eye(2)
        close(lib.func.functional_call(m, {"0.weight": w}, (x,)), [[4., 4.]])
        untied = lib.func.functional_call(m, {"0.weight": w}, (x,), tie_weights=False)
        close(untied, (x @ w.T) @ m[0].weight.T)
        with pytest.raises(ValueError, match="which are tied"):
            lib.func.functional_call(m, {"0.weight": w, "1.weight": lib.eye(2)}, (x,))


def test_errors_match_torch():
    for lib in (ember, torch):
        m = lib.nn.Linear(2, 1)
        with pytest.raises(RuntimeError, match=r"Unexpected key\(s\): 'nope'.\n\tMissing "
                                               r"key\(s\): 'bias'."):
            lib.func.functional_call(m, {"weight": lib.ones(1, 2), "nope": lib.ones(1)},
                                     (lib.ones(1, 2),), strict=True)
        with pytest.raises(ValueError, match="appeared in multiple dictionaries"):
            lib.func.functional_call(m, ({"bias": lib.ones(1)}, {"bias": lib.ones(1)}),
                                     (lib.ones(1, 2),))
        with pytest.raises(ValueError, match="to be a dict, or a list/tuple of dicts"):
            lib.func.functional_call(m, 3, (lib.ones(1, 2),))
        original = m.weight
        with pytest.raises(RuntimeError):  # a failing forward still restores the weights
            lib.func.functional_call(m, {"weight": lib.ones(1, 3)}, (lib.ones(1, 2),))
        assert m.weight is original


def test_parametrized_module():
    m = ember.nn.utils.parametrizations.weight_norm(ember.nn.Linear(2, 1))
    g = ember.tensor([[2.]], requires_grad=True)
    v = ember.tensor([[3., 4.]])
    y = ember.func.functional_call(m, {"parametrizations.weight.original0": g,
                                       "parametrizations.weight.original1": v,
                                       "bias": ember.zeros(1)}, (ember.ones(1, 2),))
    close(y, [[2.8]])
    y.sum().backward()
    close(g.grad, [[1.4]])


def test_stateless_alias_warns():
    m = ember.nn.Linear(2, 1)
    with pytest.warns(FutureWarning, match="torch.func.functional_call"):
        y = ember.nn.utils.stateless.functional_call(
            m, {"weight": ember.zeros(1, 2), "bias": ember.ones(1)}, (ember.ones(1, 2),))
    close(y, [[1.]])


def test_stack_module_state():
    models = [ember.nn.Linear(2, 3) for _ in range(4)]
    params, buffers = ember.func.stack_module_state(models)
    assert params["weight"].shape == (4, 3, 2) and params["weight"].is_leaf
    assert params["weight"].requires_grad and buffers == {}
    close(params["bias"][2], models[2].bias)
    with pytest.raises(RuntimeError, match="Expected at least one model"):
        ember.func.stack_module_state([])


# -- the transforms: grad, vjp, jvp, jacrev, jacfwd, hessian, linearize, vmap -----------------


def flat(value):
    """The leaves of a nested result (tuples, lists, dict values), in order."""
    if isinstance(value, (tuple, list)):
        return [leaf for v in value for leaf in flat(v)]
    if isinstance(value, dict):
        return [leaf for v in value.values() for leaf in flat(v)]
    return [value]


def structure(value):
    if isinstance(value, (tuple, list)):
        return (type(value).__name__, tuple(structure(v) for v in value))
    if isinstance(value, dict):
        return ("dict", tuple((k, structure(v)) for k, v in value.items()))
    if isinstance(value, (ember.Tensor, torch.Tensor)):
        return ("tensor", tuple(value.shape), value.requires_grad)
    return value


def same_as_torch(fn, *arrays):
    """fn(lib, *tensors) for ember and torch: the same nesting, shapes, requires_grad and
    values."""
    results = {lib: fn(lib, *[lib.tensor(a) for a in arrays]) for lib in (ember, torch)}
    assert structure(results[ember]) == structure(results[torch])
    for e, t in zip(flat(results[ember]), flat(results[torch])):
        if isinstance(t, torch.Tensor):
            close(e, t)
        else:
            assert e == t
    return results[ember]


X = np.random.default_rng(5).uniform(-1, 1, (3,)).astype(np.float32)
Y = np.random.default_rng(6).uniform(-1, 1, (3,)).astype(np.float32)
M = np.random.default_rng(7).uniform(-1, 1, (4, 3)).astype(np.float32)


def test_grad_argnums_has_aux_and_pytrees():
    f = lambda x, y: (x.sin() * y).sum()  # noqa: E731
    same_as_torch(lambda lib, x, y: lib.func.grad(f)(x, y), X, Y)
    same_as_torch(lambda lib, x, y: lib.func.grad(f, argnums=-1)(x, y), X, Y)
    same_as_torch(lambda lib, x, y: lib.func.grad(f, argnums=(1, 0))(x, y), X, Y)
    same_as_torch(lambda lib, x, y: lib.func.grad_and_value(f, argnums=(0, 1))(x, y), X, Y)
    same_as_torch(lambda lib, x: lib.func.grad(
        lambda a: ((a ** 2).sum(), {"cos": a.cos(), "n": [a[0]]}), has_aux=True)(x), X)
    same_as_torch(lambda lib, x, y: lib.func.grad(
        lambda d, s: (d["a"] * d["b"][0]).sum() * s)({"a": x, "b": [y]}, 2.0), X, Y)


def test_nested_grad_and_higher_derivatives():
    same_as_torch(lambda lib, x: lib.func.grad(lib.func.grad(lambda a: a.sin() * a))(x[0]), X)
    same_as_torch(lambda lib, x: lib.func.grad(lib.func.grad(lib.func.grad(
        lambda a: a.exp() * a ** 2)))(x[0]), X)
    # the inner x is the outer level's input, closed over: d/dx [d/dy (x y)]_{y=x} = 1
    same_as_torch(lambda lib, x: lib.func.grad(
        lambda a: lib.func.grad(lambda b: a * b)(a))(x[0]), X)


def test_transform_results_differentiate_with_respect_to_outside_tensors():
    check_op(lambda lib, x: lib.func.grad(lambda a: (a.sin() * a).sum())(x), shapes=[(3,)])
    check_op(lambda lib, x, w: lib.func.grad(lambda a: ((a * w).tanh()).sum())(x),
             shapes=[(3,), (3,)])
    check_op(lambda lib, x: flat(lib.func.jacrev(lambda a: a.sin() * a.sum())(x)),
             shapes=[(3,)])
    check_op(lambda lib, x, v: flat(lib.func.jvp(lambda a: a.exp() * a, (x,), (v,))),
             shapes=[(3,), (3,)])
    check_op(lambda lib, x, v: flat(lib.func.vjp(lambda a: a.exp() * a, x)[1](v)),
             shapes=[(3,), (3,)])
    check_op(lambda lib, x: lib.func.vmap(lambda r: (r.sin() * r).sum())(x), shapes=[(4, 3)])


def test_results_are_detached_without_an_outer_graph():
    x = ember.tensor(X)
    assert not ember.func.grad(lambda a: (a ** 3).sum())(x).requires_grad
    out, vjp_fn = ember.func.vjp(lambda a: a.exp(), x)
    assert not out.requires_grad and not vjp_fn(ember.ones(3))[0].requires_grad
    with ember.no_grad():  # an outer no_grad: no graph even for a tensor that requires grad
        g = ember.func.grad(lambda a: (a ** 3).sum())(ember.tensor(X, requires_grad=True))
    assert not g.requires_grad


def test_gradcheck_through_transforms():
    x = ember.randn(3, dtype=ember.float64, requires_grad=True)
    w = ember.randn(3, dtype=ember.float64)

    def grad_of(a):
        return ember.func.grad(lambda b: (b.sin() * w * b.sum()).sum())(a)

    def per_sample(a):
        return ember.func.vmap(ember.func.grad(lambda r: (r.tanh() * w).sum() ** 2))(
            a.reshape(1, 3).expand(2, 3) * ember.tensor([[1.], [2.]], dtype=ember.float64))

    for fn in (grad_of, per_sample):
        assert gradcheck(fn, [x])
        assert gradgradcheck(fn, [x])


def test_vjp_jvp_linearize():
    f = lambda x, y: {"p": x * y.exp(), "s": (x.sin() * y).sum()}  # noqa: E731

    def vjp_of(lib, x, y):
        out, vjp_fn, aux = lib.func.vjp(lambda a, b: (f(a, b), a.cos()), x, y, has_aux=True)
        return out, vjp_fn({"p": lib.ones(3), "s": lib.tensor(2.)}), aux

    same_as_torch(vjp_of, X, Y)
    same_as_torch(lambda lib, x, y, v: lib.func.jvp(f, (x, y), (v, v)), X, Y, M[0])
    same_as_torch(lambda lib, x, v: lib.func.jvp(
        lambda a: (a.exp(), a.sum()), (x,), (v,), has_aux=True), X, Y)
    same_as_torch(lambda lib, x, y: lib.func.jvp(lambda a: a * 2 + 1, (x,), (y,)), X, Y)

    def linearized(lib, x, v):
        out, jvp_fn = lib.func.linearize(lambda a: a.sin() * a.sum(), x)
        return out, jvp_fn(v), jvp_fn(v * 2)

    same_as_torch(linearized, X, Y)


def test_jacobians_and_hessian():
    f = lambda x, y: (x.sin() * y.sum(), (x * y).sum())  # noqa: E731
    for name in ("jacrev", "jacfwd"):
        same_as_torch(lambda lib, x, y: getattr(lib.func, name)(f)(x, y), X, Y)
        same_as_torch(lambda lib, x, y: getattr(lib.func, name)(f, argnums=(0, 1))(x, y), X, Y)
        same_as_torch(lambda lib, x: getattr(lib.func, name)(
            lambda a: (a.exp(), a.sum()), has_aux=True)(x), X)
        same_as_torch(lambda lib, x, y: getattr(lib.func, name)(
            lambda d: d["a"] * d["b"].sum())({"a": x, "b": y}), X, Y)
    same_as_torch(lambda lib, m: lib.func.jacrev(lambda a: a @ a.T, chunk_size=2)(m), M)
    same_as_torch(lambda lib, x: lib.func.hessian(lambda a: (a.sin() * a.sum()).sum())(x), X)
    same_as_torch(lambda lib, x, y: lib.func.hessian(
        lambda a, b: (a.exp() * b ** 3).sum(), argnums=(0, 1))(x, y), X, Y)
    same_as_torch(lambda lib, x: lib.func.jacfwd(lib.func.jacrev(
        lambda a: a.tanh() * a.sum()))(x), X)


def test_vmap_in_dims_out_dims_and_kwargs():
    same_as_torch(lambda lib, m, x: lib.func.vmap(lib.dot, in_dims=(0, None))(m, x), M, X)
    same_as_torch(lambda lib, m: lib.func.vmap(lambda r: r * 2, in_dims=1, out_dims=1)(m), M)
    same_as_torch(lambda lib, m: lib.func.vmap(lambda r: (r.sum(), r * 2),
                                               out_dims=(0, -1))(m), M)
    same_as_torch(lambda lib, m, x: lib.func.vmap(
        lambda d, s, scale=1.0: {"y": d["m"] * s * scale, "n": d["k"]},
        in_dims=({"m": 0, "k": None}, None), out_dims={"y": 0, "n": None})(
            {"m": m, "k": x}, 3.0, scale=2.0), M, X)
    same_as_torch(lambda lib, m: lib.func.vmap(lib.func.vmap(lambda v: v.sum() * v))(
        m.reshape(2, 2, 3)), M)
    same_as_torch(lambda lib, m: lib.func.vmap(lib.func.vmap(lambda v: v.exp()), in_dims=1)(
        m.reshape(2, 2, 3)), M)


def test_vmap_named_tuple_outputs_and_top_level_alias():
    result = same_as_torch(lambda lib, m: lib.vmap(lambda r: r.max(0))(m.reshape(2, 2, 3)), M)
    assert type(result).__name__ == "max" and result.values.shape == (2, 3)


def test_integer_outputs():
    same_as_torch(lambda lib, x: lib.func.jacfwd(lambda a: (a * 2).long())(x), X)
    for lib in (ember, torch):
        with pytest.raises(RuntimeError, match="All outputs of f must be floating-point"):
            lib.func.jacrev(lambda a: (a * 2).long())(lib.ones(2))


@settings(max_examples=25, deadline=None)
@hypothesis_given(st.integers(0, 2), st.integers(-2, 1), st.booleans())
def test_vmap_matches_torch_for_any_batch_dim(in_dim, out_dim, map_second):
    cube = np.random.default_rng(in_dim).uniform(-1, 1, (2, 3, 4)).astype(np.float32)
    other = np.random.default_rng(9).uniform(-1, 1, (2, 3, 4)).astype(np.float32)
    second_dim = in_dim if map_second else None
    if not map_second:
        other = other.take(0, axis=in_dim)

    def mapped(lib, a, b):
        return lib.func.vmap(lambda p, q: (p * q).softmax(-1) + p.sum(), in_dims=(in_dim,
                             second_dim), out_dims=out_dim)(a, b)

    same_as_torch(mapped, cube, other)


def test_per_sample_gradients_with_functional_call():
    """torch.func's per-sample-gradients tutorial: vmap(grad(loss)) over a model's params."""
    rng = np.random.default_rng(0)
    data = rng.standard_normal((6, 5)).astype(np.float32)
    targets = rng.integers(0, 3, 6)
    weights = {k: rng.standard_normal(s).astype(np.float32)
               for k, s in {"0.weight": (4, 5), "0.bias": (4,), "2.weight": (3, 4),
                            "2.bias": (3,)}.items()}
    results = {}
    for lib in (ember, torch):
        model = lib.nn.Sequential(lib.nn.Linear(5, 4), lib.nn.Tanh(), lib.nn.Linear(4, 3))
        params = {k: lib.tensor(v) for k, v in weights.items()}

        def loss(p, b, x, t):
            out = lib.func.functional_call(model, (p, b), (x.unsqueeze(0),))
            return lib.nn.functional.cross_entropy(out, t.unsqueeze(0))

        results[lib] = lib.func.vmap(lib.func.grad(loss), in_dims=(None, None, 0, 0))(
            params, {}, lib.tensor(data), lib.tensor(targets))
    for k in weights:
        assert results[ember][k].shape == (6,) + weights[k].shape
        close(results[ember][k], results[torch][k], k)
    # and each sample's gradient is the ordinary backward of that sample's loss
    model = ember.nn.Sequential(ember.nn.Linear(5, 4), ember.nn.Tanh(), ember.nn.Linear(4, 3))
    model.load_state_dict({k: ember.tensor(v) for k, v in weights.items()})
    ember.nn.functional.cross_entropy(model(ember.tensor(data[2:3])),
                                      ember.tensor(targets[2:3])).backward()
    close(results[ember]["0.weight"][2], model[0].weight.grad)


def test_grad_over_module_parameters_and_second_order_through_it():
    """grad over functional_call's params dict; then, MAML-style, an ordinary backward through
    one inner gradient step reaches the module's parameters with second-order terms."""
    data = np.random.default_rng(2).standard_normal((4, 3)).astype(np.float32)
    results = {}
    for lib in (ember, torch):
        lib.manual_seed(0)
        model = lib.nn.Sequential(lib.nn.Linear(3, 2), lib.nn.Tanh(), lib.nn.Linear(2, 1))
        params = dict(model.named_parameters())

        def loss(p):
            return lib.func.functional_call(model, p, (lib.tensor(data),)).pow(2).sum()

        inner = lib.func.grad(loss)(params)
        detached = lib.func.grad(loss)({k: v.detach() for k, v in params.items()})
        stepped = {k: params[k] - 0.1 * inner[k] for k in params}
        lib.func.functional_call(model, stepped, (lib.tensor(data),)).sum().backward()
        results[lib] = (inner, detached, {k: v.grad for k, v in params.items()})
    for part in range(3):
        e, t = results[ember][part], results[torch][part]
        for k in t:
            assert e[k].requires_grad == t[k].requires_grad, k
            close(e[k], t[k], k)


def test_vmap_randomness():
    for lib in (ember, torch):
        with pytest.raises(RuntimeError, match="randomness error mode"):
            lib.func.vmap(lambda a: a * lib.rand(()))(lib.ones(3))
        same = lib.func.vmap(lambda a: a * lib.rand(()), randomness="same")(lib.ones(3))
        assert len(set(same.tolist())) == 1
        different = lib.func.vmap(lambda a: a * lib.rand(()), randomness="different")(
            lib.ones(3))
        assert len(set(different.tolist())) == 3
        with pytest.raises(RuntimeError, match="Only allowed values for randomness"):
            lib.func.vmap(lambda a: a, randomness="often")


def test_transform_errors_match_torch():
    def raises(exception, match, fn):
        for lib in (ember, torch):
            with pytest.raises(exception, match=match):
                fn(lib)

    raises(RuntimeError, "Expected f\\(\\*args\\) to return a scalar Tensor, got tensor with 1",
           lambda lib: lib.func.grad(lambda a: a * 2)(lib.ones(2)))
    raises(RuntimeError, "output of function f should be a tuple: \\(output, aux\\)",
           lambda lib: lib.func.grad(lambda a: a.sum(), has_aux=True)(lib.ones(2)))
    raises(RuntimeError, "Expected tensors, got unsupported type <class 'int'>",
           lambda lib: lib.func.grad(lambda a: (a.sum(), 3), has_aux=True)(lib.ones(2)))
    raises(RuntimeError, "Got argnum=3, but only 2 positional inputs",
           lambda lib: lib.func.grad(lambda a, b: a.sum(), argnums=3)(lib.ones(2), lib.ones(2)))
    raises(RuntimeError, "argnums elements must be unique",
           lambda lib: lib.func.grad(lambda a, b: a.sum(), argnums=(0, 0))(lib.ones(2),
                                                                           lib.ones(2)))
    raises(ValueError, "Thing passed to transform API must be Tensor",
           lambda lib: lib.func.grad(lambda a: lib.ones(()))(3.0))
    raises(RuntimeError, "Expected primals to be a tuple",
           lambda lib: lib.func.jvp(lambda a: a, lib.ones(2), lib.ones(2)))
    raises(RuntimeError, "Expected primals and tangents to have the same python structure",
           lambda lib: lib.func.jvp(lambda a: a, (lib.ones(2),), (lib.ones(2), lib.ones(2))))
    raises(RuntimeError, "Expected pytree structure of cotangents to be the same",
           lambda lib: lib.func.vjp(lambda a: (a, a), lib.ones(2))[1](lib.ones(2)))
    raises(ValueError, "jacrev: `chunk_size` should be greater than 0",
           lambda lib: lib.func.jacrev(lambda a: a, chunk_size=0))
    raises(ValueError, "We cannot vmap over non-Tensor arguments",
           lambda lib: lib.func.vmap(lambda a, b: a)(lib.ones(2), 1))
    raises(ValueError, "Expected all tensors to have the same size in the mapped dimension",
           lambda lib: lib.func.vmap(lambda a, b: a)(lib.ones(2), lib.ones(3)))
    raises(ValueError, "in_dims is not compatible with the structure of `inputs`",
           lambda lib: lib.func.vmap(lambda a, b: a, in_dims=(0,))(lib.ones(2), lib.ones(2)))
    raises(ValueError, "expected in_dim to satisfy -1 <= in_dim < 1",
           lambda lib: lib.func.vmap(lambda a: a, in_dims=1)(lib.ones(2)))
    raises(ValueError, "must only return Tensors, got type <class 'int'>",
           lambda lib: lib.func.vmap(lambda a: 3)(lib.ones(2)))
    raises(ValueError, "got no inputs",
           lambda lib: lib.func.vmap(lambda: 3)())
