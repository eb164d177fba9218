"""Top-level math functions (numeric.py, matrices.py, sequence.py, sliding.py) and the
functional aliases, against torch."""
import numpy as np
import pytest
import torch

import ember
from ember.autograd import gradcheck
from tests.oracle import check_op


def _raises_like_torch(call):
    try:
        call(torch)
    except Exception as error:
        expected = type(error)
    else:
        raise AssertionError("torch did not raise")
    with pytest.raises(expected):
        call(ember)


# -- numeric.py ---------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["rad2deg", "deg2rad", "sinc", "i0"])
def test_float_unary(name):
    check_op(lambda lib, x: getattr(lib, name)(x), shapes=[(3, 4)], name=name)
    check_op(lambda lib, x: getattr(lib, name)(x), shapes=[(5,)], dtype="int64", name=name,
             rtol=1e-6)


def test_sinc_at_zero():
    check_op(lambda lib, x: lib.sinc(x), arrays=[np.array([0.0, 1.0, -0.5])], dtype="float64")


@pytest.mark.parametrize("op", ["sinc", "i0", "logaddexp2", "copysign", "logcumsumexp"])
def test_gradcheck(op):
    x = ember.randn(4, dtype=ember.float64, requires_grad=True)
    y = ember.randn(4, dtype=ember.float64, requires_grad=True)
    fn = {"sinc": ember.sinc, "i0": ember.i0, "logcumsumexp": lambda t: ember.logcumsumexp(t, 0),
          "logaddexp2": lambda t: ember.logaddexp2(t, y.detach()),
          "copysign": lambda t: ember.copysign(t, y.detach())}[op]
    assert gradcheck(fn, [x])


@pytest.mark.parametrize("name", ["copysign", "logaddexp2", "nextafter", "ldexp"])
def test_float_binary(name):
    check_op(lambda lib, a, b: getattr(lib, name)(a, b), shapes=[(3, 4), (4,)], name=name,
             grad=name != "nextafter")


def test_copysign_scalar_and_integers():
    check_op(lambda lib, a: lib.copysign(a, -1), shapes=[(4,)], dtype="int64")
    check_op(lambda lib, a: lib.copysign(a, -0.0), shapes=[(4,)])


def test_heaviside():
    check_op(lambda lib, a, b: lib.heaviside(a, b), arrays=[np.array([-1.0, 0.0, 2.0]),
                                                               np.array([0.5])], grad=False)
    _raises_like_torch(lambda lib: lib.heaviside(lib.tensor([1]), lib.tensor([1.0])))


@pytest.mark.parametrize("name", ["gcd", "lcm"])
def test_gcd_lcm(name):
    check_op(lambda lib, a, b: getattr(lib, name)(a, b),
             arrays=[np.array([0, -4, 6, 9]), np.array([0, 6, -4, 12])], dtype="int64")
    _raises_like_torch(lambda lib: getattr(lib, name)(lib.ones(2), lib.ones(2)))


def test_frexp():
    check_op(lambda lib, x: tuple(lib.frexp(x)), arrays=[np.array([8.0, 0.0, -3.5, 0.1])])
    _raises_like_torch(lambda lib: lib.frexp(lib.tensor([1])))


def test_integer_errors():
    _raises_like_torch(lambda lib: lib.logaddexp2(lib.tensor([1]), lib.tensor([1])))
    _raises_like_torch(lambda lib: lib.nextafter(lib.tensor([1]), lib.tensor([2])))
    _raises_like_torch(lambda lib: lib.ldexp(lib.tensor([1.0]), 2))


def test_rsub():
    check_op(lambda lib, a, b: lib.rsub(a, b, alpha=2), shapes=[(3,), (2, 3)])
    check_op(lambda lib, a: lib.rsub(a, 1.5), shapes=[(3,)])


def test_inplace_forms():
    check_op(lambda lib, x: x.clone().rad2deg_(), shapes=[(3,)])
    check_op(lambda lib, x: lib.sinc_(x.clone()), shapes=[(3,)])
    check_op(lambda lib, x: lib.relu_(x.clone()), shapes=[(3,)])
    check_op(lambda lib, x: lib.clamp_(x.clone(), -1, 1), shapes=[(3,)])


# -- matrices.py --------------------------------------------------------------------------

@pytest.mark.parametrize("shapes", [[(3,), (2,)], [(2, 3), (4,)], [(2, 1, 3), (2, 2)],
                                    [(), (3,)]])
def test_kron(shapes):
    check_op(lambda lib, a, b: lib.kron(a, b), shapes=shapes)


def test_kron_dtype():
    check_op(lambda lib, a, b: lib.kron(a.int(), b), shapes=[(2,), (2,)], grad=False)


@pytest.mark.parametrize("offset", [0, 1, -2, 5])
@pytest.mark.parametrize("lower", [True, False])
def test_triangle_indices(offset, lower):
    name = "tril_indices" if lower else "triu_indices"
    for row, col in ((3, 4), (4, 3), (0, 3), (1, 1)):
        expected = getattr(torch, name)(row, col, offset)
        actual = getattr(ember, name)(row, col, offset)
        assert actual.dtype == ember.int64
        np.testing.assert_array_equal(actual.numpy(), expected.numpy())
    _raises_like_torch(lambda lib: getattr(lib, name)(-1, 3))


def test_block_diag_diagflat_vander():
    check_op(lambda lib, a, b, c: lib.block_diag(a.sum(), b, c), shapes=[(2,), (3,), (2, 2)])
    check_op(lambda lib, a: lib.diagflat(a, 1), shapes=[(2, 2)])
    check_op(lambda lib, a: lib.vander(a), shapes=[(4,)], grad=False)  # torch's backward fails
    check_op(lambda lib, a: lib.vander(a, 3, True), shapes=[(4,)], grad=False)
    assert gradcheck(lambda x: ember.vander(x, 3), [ember.randn(4, dtype=ember.float64,
                                                                requires_grad=True)])
    check_op(lambda lib, a: lib.vander(a, 0), shapes=[(4,)])
    check_op(lambda lib, a: lib.vander(a.int()), shapes=[(3,)], grad=False)
    _raises_like_torch(lambda lib: lib.block_diag(lib.ones(1, 1, 1)))


def test_cov_corrcoef():
    check_op(lambda lib, a: lib.cov(a), shapes=[(3, 5)], dtype="float64")
    check_op(lambda lib, a: lib.cov(a, correction=0), shapes=[(5,)], dtype="float64")
    weights = [np.array([1, 2, 1, 3, 1])]
    check_op(lambda lib, a, w: lib.cov(a, fweights=w.long(), aweights=w.abs() + 0.5),
             arrays=[np.random.default_rng(1).normal(size=(2, 5))] + [weights[0] * 1.0],
             dtype="float64")
    check_op(lambda lib, a: lib.corrcoef(a), shapes=[(3, 6)], dtype="float64")
    check_op(lambda lib, a: a.cov(), shapes=[(1, 4)], dtype="float64")


def test_chain_matmul():
    with pytest.warns(UserWarning):
        check_op(lambda lib, a, b, c: lib.chain_matmul(a, b, c), shapes=[(2, 3), (3, 4), (4, 2)])


# -- sequence.py --------------------------------------------------------------------------

@pytest.mark.parametrize("n, dim", [(1, -1), (2, 0), (3, 1), (0, 1)])
def test_diff(n, dim):
    check_op(lambda lib, x: lib.diff(x, n, dim), shapes=[(4, 5)])


def test_diff_prepend_append_bool_errors():
    check_op(lambda lib, x, p, a: x.diff(dim=0, prepend=p, append=a),
             shapes=[(3, 2), (1, 2), (2, 2)])
    check_op(lambda lib, x: lib.diff(x > 0), shapes=[(6,)], grad=False)
    check_op(lambda lib, x: lib.diff(x, 5), shapes=[(3,)])
    _raises_like_torch(lambda lib: lib.diff(lib.tensor(1.0)))
    _raises_like_torch(lambda lib: lib.diff(lib.ones(3), n=-1))


def test_trapezoid():
    check_op(lambda lib, y: lib.trapezoid(y), shapes=[(3, 5)])
    check_op(lambda lib, y: lib.trapezoid(y, dx=0.5, dim=0), shapes=[(3, 5)])
    check_op(lambda lib, y, x: lib.trapezoid(y, x), shapes=[(3, 5), (5,)])
    check_op(lambda lib, y, x: lib.trapz(y, x, dim=0), shapes=[(3, 5), (3, 5)])
    check_op(lambda lib, y: lib.cumulative_trapezoid(y, dim=0), shapes=[(4, 2)])
    check_op(lambda lib, y, x: lib.cumulative_trapezoid(y, x), shapes=[(2, 4), (4,)])
    check_op(lambda lib, y: lib.trapezoid(y), shapes=[(0,)])


@pytest.mark.parametrize("dim", [0, -1])
def test_logcumsumexp(dim):
    check_op(lambda lib, x: lib.logcumsumexp(x, dim), shapes=[(4, 3)])
    check_op(lambda lib, x: x.logcumsumexp(dim), arrays=[np.array([[-1000.0, 0.0], [1e3, 3]])],
             dtype="float64")


def test_renorm_dist():
    check_op(lambda lib, x: lib.renorm(x, 2, 0, 1.0), shapes=[(3, 4)])
    check_op(lambda lib, x: x.renorm(1, 1, 2.0), shapes=[(3, 4)])
    for p in (2, 1, 0, float("inf")):
        check_op(lambda lib, a, b: lib.dist(a, b, p), shapes=[(3, 4), (4,)], grad=p != 0)


def test_histogram():
    check_op(lambda lib, x: tuple(lib.histogram(x, 4, range=(0.0, 3.0))),
             arrays=[np.array([1.0, 2.0, 1.0, 3.0, -1.0])], grad=False)
    check_op(lambda lib, x, w: tuple(lib.histogram(x, 3, weight=w, density=True)),
             shapes=[(10,), (10,)], grad=False)
    check_op(lambda lib, x, b: tuple(x.histogram(b)), arrays=[np.array([0.5, 1.5, 2.5]),
                                                              np.array([0.0, 1.0, 3.0])],
             grad=False)
    _raises_like_torch(lambda lib: lib.histogram(lib.tensor([1, 2])))


@pytest.mark.parametrize("r, replace", [(2, False), (3, True), (0, False), (4, False)])
def test_combinations(r, replace):
    check_op(lambda lib, x: lib.combinations(x, r, replace), shapes=[(3,)])


def test_unravel_index():
    for indices, shape in (([5, 7, -1, 100], (2, 4)), (9, (3, 4)), ([], (2,))):
        expected = torch.unravel_index(torch.tensor(indices, dtype=torch.long), shape)
        actual = ember.unravel_index(ember.tensor(indices, dtype=ember.long), shape)
        assert [a.tolist() for a in actual] == [e.tolist() for e in expected]
    _raises_like_torch(lambda lib: lib.unravel_index(lib.tensor(1.0), (2, 4)))


def test_splits():
    check_op(lambda lib, x: lib.hsplit(x, 2), shapes=[(3, 4)])
    check_op(lambda lib, x: lib.hsplit(x, [1, 3]), shapes=[(5,)])
    check_op(lambda lib, x: x.vsplit([1]), shapes=[(3, 4)])
    check_op(lambda lib, x: lib.dsplit(x, 2), shapes=[(1, 2, 4)])
    check_op(lambda lib, x: lib.split_with_sizes(x, [1, 3], 1), shapes=[(2, 4)])
    _raises_like_torch(lambda lib: lib.hsplit(lib.ones(4, 5), 2))
    _raises_like_torch(lambda lib: lib.vsplit(lib.ones(4), 2))
    _raises_like_torch(lambda lib: lib.split_with_sizes(lib.ones(5), [2, 2]))


# -- sliding.py ---------------------------------------------------------------------------

@pytest.mark.parametrize("shape, dim, size, step", [
    ((10,), 0, 3, 2), ((2, 3, 7), -1, 2, 1), ((5, 4), 0, 5, 1), ((6, 2), 0, 2, 3),
    ((4,), 0, 0, 1), ((), 0, 1, 1),
])
def test_unfold(shape, dim, size, step):
    check_op(lambda lib, x: x.unfold(dim, size, step), shapes=[shape])


def test_unfold_gradcheck_and_view():
    x = ember.randn(7, 2, dtype=ember.float64, requires_grad=True)
    assert gradcheck(lambda t: t.unfold(0, 3, 2), [x])
    base = ember.arange(5.0)
    base.unfold(0, 2, 1)[0, 1] = 10.0
    assert base[1].item() == 10.0
    for call in (lambda lib: lib.arange(10).unfold(0, 11, 1),
                 lambda lib: lib.arange(10).unfold(0, 3, 0),
                 lambda lib: lib.arange(10).unfold(1, 2, 1)):
        _raises_like_torch(call)


@pytest.mark.parametrize("call", [
    lambda x: x.squeeze_(0), lambda x: x.unsqueeze_(-1), lambda x: x.squeeze_(0).t_(),
    lambda x: x.transpose_(0, 2), lambda x: x.swapaxes_(1, 2), lambda x: x.swapdims_(0, 1),
])
def test_in_place_shape_methods(call):
    def fn(lib, x):
        y = x * 2
        out = call(y)
        assert out is y
        return y
    check_op(fn, shapes=[(1, 3, 2)])


def test_in_place_shape_method_on_leaf():
    _raises_like_torch(lambda lib: lib.ones(2, 3, requires_grad=True).t_())
    x = ember.ones(2, 3)
    x.t_()
    assert x.shape == (3, 2)


# -- functional aliases -------------------------------------------------------------------

def test_functional_aliases():
    check_op(lambda lib, x, w, b: lib.layer_norm(x, (4,), w, b, 1e-5, True),
             shapes=[(2, 4), (4,), (4,)])
    check_op(lambda lib, x: lib.group_norm(x, 2), shapes=[(2, 4, 3)])
    check_op(lambda lib, x, w, b, m, v: lib.batch_norm(x, w, b, m.detach(), v.detach().abs(),
                                                       False, 0.1, 1e-5, True),
             shapes=[(3, 2), (2,), (2,), (2,), (2,)])
    check_op(lambda lib, x: lib.instance_norm(x, None, None, None, None, True, 0.1, 1e-5, True),
             shapes=[(2, 3, 4)])
    check_op(lambda lib, w: lib.embedding(w, lib.tensor([[0, 2], [1, 0]])), shapes=[(3, 4)])
    check_op(lambda lib, w: lib.embedding(w, lib.tensor([0, 2]), 0), shapes=[(3, 4)])
    check_op(lambda lib, x: lib.pixel_shuffle(x, 2), shapes=[(1, 4, 2, 3)])
    check_op(lambda lib, x: lib.pixel_unshuffle(x, 2), shapes=[(1, 1, 4, 2)])
    check_op(lambda lib, x, w: lib.prelu(x, w), shapes=[(2, 3), (3,)])
    check_op(lambda lib, x: lib.selu(x) + lib.celu(x, 0.5) + lib.threshold(x, 0.1, -1.0),
             shapes=[(5,)])
    check_op(lambda lib, x: lib.rrelu(x), shapes=[(5,)])
    check_op(lambda lib, a, b, w: lib.bilinear(a, b, w), shapes=[(2, 3), (2, 4), (5, 3, 4)])
    check_op(lambda lib, x: lib.dropout(x, 0.5, False) + lib.alpha_dropout(x, 0.5, False)
             + lib.feature_alpha_dropout(x, 0.2, False), shapes=[(2, 3)])
    check_op(lambda lib, x: lib.constant_pad_nd(x, (1, 2), 3.0), shapes=[(2, 3)])


@pytest.mark.parametrize("reduction", [0, 1, 2])
def test_loss_aliases(reduction):
    target = np.array([1.0, -1.0, 1.0])
    check_op(lambda lib, x, t: lib.kl_div(x, t.softmax(0), reduction), shapes=[(3,), (3,)])
    check_op(lambda lib, a, b, t: lib.cosine_embedding_loss(a, b, t.sign(), 0.1, reduction),
             arrays=[np.ones((3, 2)), np.arange(6.0).reshape(3, 2), target])
    check_op(lambda lib, x, t: lib.hinge_embedding_loss(x, t, 1.0, reduction),
             arrays=[np.array([0.2, 0.5, 2.0]), target])
    check_op(lambda lib, a, b, t: lib.margin_ranking_loss(a, b, t, 0.1, reduction),
             arrays=[np.array([0.2, 0.5, 2.0]), np.array([0.1, 0.9, 1.0]), target])
    check_op(lambda lib, x, t: lib.poisson_nll_loss(x, t.abs(), True, False, 1e-8, reduction),
             shapes=[(3,), (3,)])
    check_op(lambda lib, a, p, n: lib.triplet_margin_loss(a, p, n, 1.0, 2.0, 1e-6, False,
                                                          reduction),
             shapes=[(3, 4), (3, 4), (3, 4)])
    check_op(lambda lib, x, t: lib.binary_cross_entropy_with_logits(x, t.sigmoid(), None, None,
                                                                    reduction),
             shapes=[(3,), (3,)])


def test_ctc_loss_alias():
    log_probs = torch.randn(5, 1, 3).log_softmax(2)
    args = ([[1, 2]], [5], [2])
    expected = torch.ctc_loss(log_probs, torch.tensor(args[0]), *args[1:])
    actual = ember.ctc_loss(ember.tensor(log_probs.numpy()), ember.tensor(args[0]), *args[1:])
    np.testing.assert_allclose(actual.item(), expected.item(), rtol=1e-5)


# -- tensor_queries.py --------------------------------------------------------------------

def test_tensor_queries():
    for lib in (torch, ember):
        x = lib.ones(2, 3)
        assert x.real is x and x.conj() is x and lib.resolve_conj(x) is x and x.resolve_neg() is x
        assert not x.is_conj() and not lib.is_neg(x) and not lib.is_complex(x)
        assert x.share_memory_() is x
        assert lib.is_same_size(x, lib.zeros(2, 3)) and not x.is_same_size(lib.zeros(3))
        assert lib.is_nonzero(lib.tensor([2])) and not lib.tensor(0.0).is_nonzero()
        assert lib.is_signed(x) and not lib.is_signed(lib.ones(1, dtype=lib.uint8))
        assert not lib.can_cast(lib.float32, lib.int32) and lib.can_cast(lib.int32, lib.float16)
        assert (x * 2).output_nr == 0
    assert not ember.ones(2).is_shared()  # share_memory_ is a no-op: see tensor_queries.py
    _raises_like_torch(lambda lib: lib.ones(2).is_nonzero())
    _raises_like_torch(lambda lib: lib.ones(0).is_nonzero())
    check_op(lambda lib, x: x.sum_to_size(1, 3), shapes=[(2, 3)])
    check_op(lambda lib, x: x.sum_to_size((3,)), shapes=[(2, 3)])
    _raises_like_torch(lambda lib: lib.ones(2, 3).sum_to_size(4))
