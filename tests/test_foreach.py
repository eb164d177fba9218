"""torch._foreach_* against torch: every form, each kind of second operand, errors, autograd."""
import math

import numpy as np
import pytest
import torch

import ember
from ember._foreach import _UNARY

RNG = np.random.default_rng(0)
SHAPES = [(3,), (2, 4), ()]


def _arrays(low=0.1, high=0.9):
    return [RNG.uniform(low, high, size=s).astype(np.float32) for s in SHAPES]


def _lists(arrays):
    return ([ember.tensor(a) for a in arrays], [torch.tensor(a) for a in arrays])


def _same(ember_tensors, torch_tensors, rtol=1e-6):
    assert len(ember_tensors) == len(torch_tensors)
    for e, t in zip(ember_tensors, torch_tensors):
        assert tuple(e.shape) == tuple(t.shape)
        assert str(e.dtype).split(".")[-1] == str(t.dtype).split(".")[-1]
        np.testing.assert_allclose(e.detach().numpy(), t.detach().numpy(), rtol=rtol, atol=1e-7)


@pytest.mark.parametrize("name", _UNARY)
def test_unary(name):
    arrays = _arrays()
    (e, t) = _lists(arrays)
    out_e, out_t = getattr(ember, f"_foreach_{name}")(e), getattr(torch, f"_foreach_{name}")(t)
    assert isinstance(out_e, tuple) and isinstance(out_t, tuple)
    _same(out_e, out_t)
    assert getattr(ember, f"_foreach_{name}_")(e) is e
    getattr(torch, f"_foreach_{name}_")(t)
    _same(e, t)


SECOND = {
    "scalar": lambda lib: 0.75,
    "scalar_list": lambda lib: [0.5, 2.0, -1.5],
    "tensor_list": lambda lib: [lib.tensor(a) for a in _arrays(0.2, 1.2)],
    "one_tensor": lambda lib: lib.tensor(1.5),
}
BINARY = ("add", "sub", "mul", "div", "pow", "clamp_max", "clamp_min", "maximum", "minimum")


@pytest.mark.parametrize("name,kind", [(n, k) for n in BINARY for k in SECOND
                                       if k != "one_tensor" or n in ("add", "sub", "mul", "div")])
def test_binary(name, kind):
    arrays = _arrays()
    e, t = _lists(arrays)
    state = RNG.bit_generator.state
    other_e = SECOND[kind](ember)
    RNG.bit_generator.state = state
    other_t = SECOND[kind](torch)
    _same(getattr(ember, f"_foreach_{name}")(e, other_e),
          getattr(torch, f"_foreach_{name}")(t, other_t))
    getattr(ember, f"_foreach_{name}_")(e, other_e)
    getattr(torch, f"_foreach_{name}_")(t, other_t)
    _same(e, t)


@pytest.mark.parametrize("name", ["add", "sub"])
def test_alpha(name):
    e, t = _lists(_arrays())
    oe, ot = _lists(_arrays())
    _same(getattr(ember, f"_foreach_{name}")(e, oe, alpha=-0.3),
          getattr(torch, f"_foreach_{name}")(t, ot, alpha=-0.3))
    getattr(ember, f"_foreach_{name}_")(e, oe, alpha=2)
    getattr(torch, f"_foreach_{name}_")(t, ot, alpha=2)
    _same(e, t)


@pytest.mark.parametrize("name", ["addcmul", "addcdiv"])
@pytest.mark.parametrize("value", ["default", 0.25, [0.5, -1.0, 2.0], "tensor"])
def test_addcmul_addcdiv(name, value):
    arrays = [_arrays(), _arrays(), _arrays(0.5, 1.5)]
    lists = [_lists(a) for a in arrays]
    (e, t), (e1, t1), (e2, t2) = lists
    args_e = args_t = ()
    if value == "tensor":
        args_e, args_t = (ember.tensor([0.5, 1.0, 3.0]),), (torch.tensor([0.5, 1.0, 3.0]),)
    elif value != "default":
        args_e = args_t = (value,)
    _same(getattr(ember, f"_foreach_{name}")(e, e1, e2, *args_e),
          getattr(torch, f"_foreach_{name}")(t, t1, t2, *args_t))
    getattr(ember, f"_foreach_{name}_")(e, e1, e2, *args_e)
    getattr(torch, f"_foreach_{name}_")(t, t1, t2, *args_t)
    _same(e, t)


@pytest.mark.parametrize("weight", [0.3, [0.1, 0.5, 0.9], "tensors"])
def test_lerp(weight):
    e, t = _lists(_arrays())
    ee, te = _lists(_arrays())
    we, wt = _lists(_arrays()) if weight == "tensors" else (weight, weight)
    _same(ember._foreach_lerp(e, ee, we), torch._foreach_lerp(t, te, wt))
    ember._foreach_lerp_(e, ee, we)
    torch._foreach_lerp_(t, te, wt)
    _same(e, t)


@pytest.mark.parametrize("ord", [2, 1, math.inf, 3.5])
def test_norm_and_powsum(ord):
    e, t = _lists(_arrays(-1, 1))
    _same(ember._foreach_norm(e, ord), torch._foreach_norm(t, ord))
    _same(ember._foreach_powsum(e, ord), torch._foreach_powsum(t, ord), rtol=1e-5)
    _same(ember._foreach_norm(e, dtype=ember.float64), torch._foreach_norm(t, dtype=torch.float64))


def test_max_mm_clone_copy_zero_and_pow_of_a_number():
    e, t = _lists(_arrays(-1, 1))
    _same(ember._foreach_max(e), torch._foreach_max(t))
    _same(ember._foreach_pow(2.0, e), torch._foreach_pow(2.0, t))
    clones = ember._foreach_clone(e)
    assert all(c is not x and bool((c == x).all()) for c, x in zip(clones, e))
    mats = [RNG.normal(size=s).astype(np.float32) for s in ((2, 3), (4, 2))]
    rights = [RNG.normal(size=s).astype(np.float32) for s in ((3, 2), (2, 2))]
    _same(ember._foreach_mm(*[[ember.tensor(a) for a in x] for x in (mats, rights)]),
          torch._foreach_mm(*[[torch.tensor(a) for a in x] for x in (mats, rights)]))
    src_e, src_t = _lists(_arrays())
    assert ember._foreach_copy_(e, src_e) is e
    torch._foreach_copy_(t, src_t)
    _same(e, t)
    assert ember._foreach_zero_(e) is e
    assert all(not bool(x.any()) for x in e)


def test_integer_lists_promote_like_torch():
    e, t = [ember.arange(3)], [torch.arange(3)]
    _same(ember._foreach_add(e, 1.5), torch._foreach_add(t, 1.5))
    _same(ember._foreach_mul(e, 2), torch._foreach_mul(t, 2))
    _same(ember._foreach_sqrt(e), torch._foreach_sqrt(t))


def test_errors_match_torch():
    for lib in (ember, torch):
        with pytest.raises(RuntimeError):
            lib._foreach_add([lib.ones(1)], [lib.ones(1), lib.ones(1)])
        with pytest.raises(RuntimeError):
            lib._foreach_add([], 1.0)
        with pytest.raises(RuntimeError):
            lib._foreach_add([lib.ones(2)], [lib.ones(3)])
        with pytest.raises(RuntimeError):
            lib._foreach_mul_([lib.ones(2)], [0.5, 0.5])


def test_out_of_place_forms_record_gradients():
    xs = [ember.tensor(a, dtype=ember.float64, requires_grad=True) for a in _arrays()]
    ys = ember._foreach_addcmul(ember._foreach_exp(xs), xs, xs, 0.5)
    sum(y.sum() for y in ys).backward()
    for x in xs:
        np.testing.assert_allclose(x.grad.numpy(), (x.exp() + x).detach().numpy())
    end = ember.tensor([0.4, -0.2, 1.0], dtype=ember.float64, requires_grad=True)
    assert ember.autograd.gradcheck(lambda a, b: ember._foreach_lerp([a], [b], 0.3)[0],
                                    [xs[0], end])
