"""Linear algebra against torch: every matmul form, einsum, tensordot, cross, trace, norms."""
import math

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import ember
from ember.autograd import gradcheck, gradgradcheck
from oracle import check_op


def _double(*shapes, seed=0):
    rng = np.random.default_rng(seed)
    return [ember.tensor(rng.uniform(-1, 1, s), dtype=ember.float64, requires_grad=True)
            for s in shapes]


def _both_raise(fn, error, *shapes, dtypes=None):
    """fn(lib, *tensors) raises `error` in both ember and torch."""
    dtypes = dtypes or ["float32"] * len(shapes)
    for lib in (ember, torch):
        tensors = [lib.ones(s, dtype=getattr(lib, d)) for s, d in zip(shapes, dtypes)]
        with pytest.raises(error) as info:
            fn(lib, *tensors)
        assert type(info.value) is error or lib is ember or issubclass(type(info.value), error)


# -- matmul -------------------------------------------------------------------------------

MATMUL_SHAPES = [
    ((3,), (3,)), ((3,), (3, 4)), ((2, 3), (3,)), ((2, 3), (3, 4)), ((5, 2, 3), (3,)),
    ((3,), (5, 3, 4)), ((5, 2, 3), (3, 4)), ((2, 3), (5, 3, 4)), ((5, 2, 3), (5, 3, 4)),
    ((1, 2, 3), (5, 3, 4)), ((4, 1, 2, 3), (5, 3, 2)), ((2, 2, 0), (0, 3)), ((0, 3), (3, 2)),
]


@pytest.mark.parametrize("shapes", MATMUL_SHAPES)
def test_matmul_forms(shapes, device):
    check_op(lambda lib, a, b: lib.matmul(a, b), shapes=list(shapes), device=device)
    check_op(lambda lib, a, b: a @ b, shapes=list(shapes), dtype="float64", device=device)


@settings(max_examples=30, deadline=None)
@given(batch_a=st.lists(st.integers(1, 3), max_size=2), batch_b=st.lists(st.integers(1, 3),
       max_size=2), n=st.integers(1, 3), k=st.integers(1, 3), m=st.integers(1, 3),
       drop=st.booleans())
def test_matmul_broadcast_batches(batch_a, batch_b, n, k, m, drop):
    # make the batches broadcastable: where both have a dim, one of them is 1 or they agree
    batch_b = [b if i >= len(batch_a) or batch_a[-1 - i] in (1, b) else 1
               for i, b in enumerate(reversed(batch_b))][::-1]
    a_shape, b_shape = tuple(batch_a) + (n, k), tuple(batch_b) + (k, m)
    if drop:
        a_shape = (k,)
    check_op(lambda lib, a, b: a @ b, shapes=[a_shape, b_shape])


@pytest.mark.parametrize("dtype", ["int64", "int32"])
def test_matmul_integer(dtype):
    check_op(lambda lib, a, b: a @ b, shapes=[(4, 3), (3, 2)], dtype=dtype, low=-5, high=5)


@pytest.mark.parametrize("dtype", ["float16", "bfloat16"])
def test_matmul_half(dtype):
    check_op(lambda lib, a, b: a @ b, shapes=[(2, 4, 8), (8, 3)], dtype=dtype)


def test_matmul_gradcheck():
    for a_shape, b_shape in [((3,), (3,)), ((2, 3), (3,)), ((3,), (2, 3, 2)),
                             ((2, 2, 3), (3, 2)), ((2, 3), (2, 3, 2)), ((1, 2, 3), (2, 3, 2))]:
        a, b = _double(a_shape, b_shape)
        assert gradcheck(ember.matmul, [a, b])
        assert gradgradcheck(ember.matmul, [a, b])


def test_matmul_errors():
    with pytest.raises(RuntimeError, match=r"mat1 and mat2 shapes cannot be multiplied "
                                           r"\(64x2304 and 1024x128\)"):
        ember.ones(64, 2304) @ ember.ones(1024, 128)
    with pytest.raises(RuntimeError, match="expected m1 and m2 to have the same dtype, but got: "
                                           "float != double"):
        ember.ones(2, 3) @ ember.ones(3, 2, dtype=ember.float64)
    for shapes in [((3,), (4,)), ((2, 3), (4,)), ((4,), (2, 3)), ((2, 3, 4), (2, 5, 6)),
                   ((2, 3, 4), (3, 4, 6)), ((2, 3, 4), (5, 6)), ((3, 4), (2, 5, 6)),
                   ((2, 3, 4), (5,)), ((), (3,))]:
        _both_raise(lambda lib, a, b: a @ b, RuntimeError, *shapes)
    _both_raise(lambda lib, a, b: a @ b, RuntimeError, (2, 3), (3, 2),
                dtypes=["float32", "int64"])
    _both_raise(lambda lib, a, b: a @ b, NotImplementedError, (2, 3), (3, 2),
                dtypes=["bool", "bool"])
    with pytest.raises(TypeError):
        ember.matmul(ember.ones(2, 2), [[1.0, 0.0], [0.0, 1.0]])


def test_rmatmul_and_out():
    a, b = ember.ones(2, 3), ember.ones(3, 4)
    assert ember.Tensor.__rmatmul__(b, a).shape == (2, 4)
    out = ember.empty(2, 4)
    assert ember.matmul(a, b, out=out) is out and float(out.sum()) == 24.0


# -- mm, bmm, mv, dot, inner, outer -------------------------------------------------------

@pytest.mark.parametrize("name, shapes", [
    ("mm", [(2, 3), (3, 4)]), ("bmm", [(2, 3, 4), (2, 4, 5)]), ("mv", [(2, 3), (3,)]),
    ("dot", [(4,), (4,)]), ("vdot", [(4,), (4,)]), ("inner", [(2, 3), (4, 3)]),
    ("inner", [(3,), (3,)]), ("inner", [(), (2, 3)]), ("inner", [(2, 2, 3), (3,)]),
    ("outer", [(3,), (4,)]), ("ger", [(3,), (4,)]),
])
def test_products(name, shapes):
    check_op(lambda lib, a, b: getattr(lib, name)(a, b), shapes=shapes, name=name)
    check_op(lambda lib, a, b: getattr(a, name)(b), shapes=shapes, name=name)
    tensors = _double(*shapes)
    assert gradcheck(getattr(ember, name), tensors)
    assert gradgradcheck(getattr(ember, name), tensors)


@pytest.mark.parametrize("name, shapes", [
    ("mm", [(2, 3, 4), (4, 2)]), ("mm", [(3,), (3, 2)]), ("mm", [(2, 3), (4, 2)]),
    ("bmm", [(3, 4), (4, 2)]), ("bmm", [(2, 3, 4), (3, 4, 2)]), ("bmm", [(2, 3, 4), (2, 5, 2)]),
    ("mv", [(3, 4), (5,)]), ("mv", [(3,), (3,)]), ("dot", [(3, 1), (3,)]), ("dot", [(3,), (4,)]),
    ("vdot", [(3,), (4,)]), ("outer", [(3, 1), (3,)]), ("inner", [(3, 4), (3, 5)]),
])
def test_product_errors(name, shapes):
    _both_raise(lambda lib, a, b: getattr(lib, name)(a, b), RuntimeError, *shapes)


def test_dot_dtype_error():
    _both_raise(lambda lib, a, b: lib.dot(a, b), RuntimeError, (3,), (3,),
                dtypes=["float32", "float64"])


def test_outer_promotes():
    check_op(lambda lib, a, b: lib.outer(a, b.int()), shapes=[(3,), (2,)], grad=False)


# -- addmm family -------------------------------------------------------------------------

@pytest.mark.parametrize("name, shapes", [
    ("addmm", [(2, 4), (2, 3), (3, 4)]), ("addmm", [(4,), (2, 3), (3, 4)]),
    ("addmv", [(2,), (2, 3), (3,)]), ("addmv", [(), (2, 3), (3,)]),
    ("addbmm", [(2, 4), (5, 2, 3), (5, 3, 4)]), ("baddbmm", [(5, 2, 4), (5, 2, 3), (5, 3, 4)]),
    ("baddbmm", [(1, 4), (5, 2, 3), (5, 3, 4)]),
])
@pytest.mark.parametrize("beta, alpha", [(1, 1), (0.5, -2.0), (0, 3)])
def test_addmm_family(name, shapes, beta, alpha):
    fn = lambda lib, x, a, b: getattr(lib, name)(x, a, b, beta=beta, alpha=alpha)  # noqa: E731
    check_op(fn, shapes=shapes, name=name)
    tensors = _double(*shapes)
    assert gradcheck(lambda x, a, b: fn(ember, x, a, b), tensors)
    assert gradgradcheck(lambda x, a, b: fn(ember, x, a, b), tensors)


def test_addmm_beta_zero_ignores_nan():
    x = ember.full((2, 2), float("nan"))
    result = ember.addmm(x, ember.ones(2, 3), ember.ones(3, 2), beta=0)
    assert result.tolist() == [[3.0, 3.0], [3.0, 3.0]]


def test_addmm_inplace_and_errors():
    x = ember.zeros(2, 2)
    assert x.addmm_(ember.ones(2, 3), ember.ones(3, 2)) is x and x.tolist() == [[3.0] * 2] * 2
    _both_raise(lambda lib, x, a, b: lib.addmm(x, a, b), RuntimeError, (3, 3), (2, 4), (4, 2))
    _both_raise(lambda lib, x, a, b: lib.addmm(x, a, b), RuntimeError, (2, 2), (2, 4), (3, 2))
    _both_raise(lambda lib, x, a, b: lib.addbmm(x, a, b), RuntimeError, (2, 2), (2, 2, 4),
                (3, 4, 2))


# -- einsum -------------------------------------------------------------------------------

EINSUM_CASES = [
    ("ij,jk->ik", [(2, 3), (3, 4)]), ("ij,jk", [(2, 3), (3, 4)]), ("bij,bjk->bik", [(2, 2, 3),
     (2, 3, 4)]), ("i,i->", [(3,), (3,)]), ("i,j->ij", [(3,), (4,)]), ("ii->i", [(3, 3)]),
    ("ii", [(3, 3)]), ("ij->", [(2, 3)]), ("ij->j", [(2, 3)]), ("ij->ji", [(2, 3)]),
    ("...ij,...jk->...ik", [(2, 2, 3), (3, 4)]), ("b...,b...->b", [(2, 3, 4), (2, 3, 4)]),
    ("ij,jk,kl->il", [(2, 3), (3, 4), (4, 2)]), ("iij,jk->ik", [(3, 3, 2), (2, 4)]),
    ("ij,ij->ij", [(2, 3), (1, 3)]), ("ij,jk->ik", [(2, 1), (3, 4)]), ("bhqd,bhkd->bhqk",
     [(2, 2, 3, 4), (2, 2, 5, 4)]), ("i j , j k -> i k", [(2, 3), (3, 4)]), (",i->i", [(), (3,)]),
    ("...->...", [(2, 3)]), ("Ab,bC->AC", [(2, 3), (3, 2)]),
]


@pytest.mark.parametrize("equation, shapes", EINSUM_CASES)
def test_einsum(equation, shapes):
    check_op(lambda lib, *ops: lib.einsum(equation, *ops), shapes=shapes, name=equation)
    tensors = _double(*shapes)
    assert gradcheck(lambda *ops: ember.einsum(equation, *ops), tensors)
    assert gradgradcheck(lambda *ops: ember.einsum(equation, *ops), tensors)


def test_einsum_list_and_sublist_forms():
    check_op(lambda lib, a, b: lib.einsum("ij,jk->ik", [a, b]), shapes=[(2, 3), (3, 4)])
    check_op(lambda lib, a, b: lib.einsum(a, [0, 1], b, [1, 2], [0, 2]),
             shapes=[(2, 3), (3, 4)])
    check_op(lambda lib, a, b: lib.einsum(a, [Ellipsis, 0], b, [Ellipsis, 0]),
             shapes=[(2, 3), (2, 3)])


def test_einsum_integer_and_half():
    check_op(lambda lib, a, b: lib.einsum("ij,jk->ik", a, b), shapes=[(2, 3), (3, 4)],
             dtype="int64", low=-3, high=3)
    check_op(lambda lib, a, b: lib.einsum("ij,jk->ik", a, b), shapes=[(2, 3), (3, 4)],
             dtype="float16")


@pytest.mark.parametrize("equation, shapes", [
    ("ij,jk->ik", [(2, 3), (4, 5)]), ("ij,jk->ik", [(2, 3)]), ("ij", [(2, 3), (3,)]),
    ("ijk,jk->ik", [(2, 3), (3, 5)]), ("ij,jk->ii", [(2, 3), (3, 4)]),
    ("ij,jk->iq", [(2, 3), (3, 4)]), ("i1", [(2, 3)]), ("ii->i", [(2, 3)]),
    ("i.j", [(2, 3)]), ("...i...", [(2, 3)]), ("ijk", [(2, 3)]),
])
def test_einsum_errors(equation, shapes):
    _both_raise(lambda lib, *ops: lib.einsum(equation, *ops), RuntimeError, *shapes)


def test_einsum_dtype_error():
    _both_raise(lambda lib, a, b: lib.einsum("ij,jk", a, b), RuntimeError, (2, 3), (3, 2),
                dtypes=["float32", "float64"])


# -- tensordot ----------------------------------------------------------------------------

@pytest.mark.parametrize("shapes, dims", [
    ([(3, 4, 5), (4, 5, 6)], 2), ([(3, 4), (4, 5)], 1), ([(3, 4), (5, 6)], 0),
    ([(3, 4, 5), (5, 3, 2)], ([0, 2], [1, 0])), ([(3, 4), (4, 3)], ([1], [0])),
])
def test_tensordot(shapes, dims):
    check_op(lambda lib, a, b: lib.tensordot(a, b, dims=dims), shapes=shapes)
    tensors = _double(*shapes)
    assert gradcheck(lambda a, b: ember.tensordot(a, b, dims=dims), tensors)
    assert gradgradcheck(lambda a, b: ember.tensordot(a, b, dims=dims), tensors)


def test_tensordot_errors():
    _both_raise(lambda lib, a, b: lib.tensordot(a, b, dims=1), RuntimeError, (2, 3), (4, 5))
    _both_raise(lambda lib, a, b: lib.tensordot(a, b, dims=-1), RuntimeError, (2, 3), (3, 5))
    _both_raise(lambda lib, a, b: lib.tensordot(a, b, dims=([0, 1], [0])), RuntimeError,
                (2, 3), (2, 3))
    _both_raise(lambda lib, a, b: lib.tensordot(a, b, dims=(1, 0)), TypeError, (2, 3), (3, 2))


# -- cross, trace -------------------------------------------------------------------------

@pytest.mark.parametrize("shapes, dim", [
    ([(4, 3), (4, 3)], -1), ([(3, 5), (3, 5)], 0), ([(2, 1, 3), (2, 4, 3)], -1),
])
def test_linalg_cross(shapes, dim):
    check_op(lambda lib, a, b: lib.linalg.cross(a, b, dim=dim), shapes=shapes)
    check_op(lambda lib, a, b: lib.cross(a, b, dim=dim), shapes=shapes)
    tensors = _double(*shapes)
    assert gradcheck(lambda a, b: ember.linalg.cross(a, b, dim=dim), tensors)
    assert gradgradcheck(lambda a, b: ember.linalg.cross(a, b, dim=dim), tensors)


def test_cross_default_dim():
    with pytest.warns(UserWarning):
        result = ember.cross(ember.ones(3, 4), ember.ones(3, 4))
    assert result.shape == (3, 4)
    _both_raise(lambda lib, a, b: lib.cross(a, b, dim=1), RuntimeError, (2, 4), (2, 4))
    _both_raise(lambda lib, a, b: lib.linalg.cross(a, b), RuntimeError, (2, 3), (4, 2, 3))


def test_trace():
    check_op(lambda lib, a: lib.trace(a), shapes=[(3, 4)])
    check_op(lambda lib, a: a.trace(), shapes=[(3, 3)], dtype="int32", low=-5, high=5)
    (a,) = _double((3, 3))
    assert gradcheck(ember.trace, [a]) and gradgradcheck(ember.trace, [a])
    _both_raise(lambda lib, a: lib.trace(a), RuntimeError, (2, 3, 4))
    _both_raise(lambda lib, a: lib.trace(a), NotImplementedError, (2, 2), dtypes=["bool"])


# -- norms --------------------------------------------------------------------------------

@pytest.mark.parametrize("ord", [2, 1, 3, 0.5, 0, math.inf, -math.inf, -1.5])
@pytest.mark.parametrize("dim, keepdim", [(None, False), (1, False), ((0, 2), True), (-1, True)])
def test_vector_norm(ord, dim, keepdim):
    fn = lambda lib, x: lib.linalg.vector_norm(x, ord, dim, keepdim)  # noqa: E731
    check_op(fn, shapes=[(2, 3, 4)])
    (x,) = _double((2, 3, 2))
    if ord != 0:
        assert gradcheck(lambda x: fn(ember, x), [x])
        assert gradgradcheck(lambda x: fn(ember, x), [x])


def test_vector_norm_zero_gradient_and_dtype():
    x = ember.zeros(3, requires_grad=True)
    ember.linalg.vector_norm(x).backward()
    assert x.grad.tolist() == [0.0, 0.0, 0.0]
    check_op(lambda lib, x: lib.linalg.vector_norm(x, dtype=lib.float64), shapes=[(3, 2)])
    check_op(lambda lib, x: lib.linalg.vector_norm(x), shapes=[(3, 2)], dtype="float16")
    check_op(lambda lib, x: lib.linalg.vector_norm(x, 3, dim=()), shapes=[(3, 2)])
    _both_raise(lambda lib, x: lib.linalg.vector_norm(x), RuntimeError, (3,), dtypes=["int64"])
    _both_raise(lambda lib, x: lib.linalg.vector_norm(x, math.inf), RuntimeError, (0,))


@pytest.mark.parametrize("ord", ["fro", "nuc", 1, -1, 2, -2, math.inf, -math.inf])
@pytest.mark.parametrize("dim, keepdim", [((-2, -1), False), ((0, 2), True), ((2, 0), False)])
def test_matrix_norm(ord, dim, keepdim):
    fn = lambda lib, x: lib.linalg.matrix_norm(x, ord, dim, keepdim)  # noqa: E731
    check_op(fn, shapes=[(3, 2, 4)])
    (x,) = _double((3, 2, 2), seed=3)
    assert gradcheck(lambda x: fn(ember, x), [x])
    assert gradgradcheck(lambda x: fn(ember, x), [x])


def test_matrix_norm_errors():
    _both_raise(lambda lib, x: lib.linalg.matrix_norm(x), RuntimeError, (3,))
    _both_raise(lambda lib, x: lib.linalg.matrix_norm(x, ord=3), RuntimeError, (3, 3))
    _both_raise(lambda lib, x: lib.linalg.matrix_norm(x, dim=(0, 0)), RuntimeError, (3, 3))


@pytest.mark.parametrize("ord, dim", [(None, None), (None, 1), (2, None), (3, 0), ("fro", None),
                                      ("nuc", None), (math.inf, (0, 1)), (1, None)])
def test_linalg_norm(ord, dim):
    shape = (3, 4)
    check_op(lambda lib, x: lib.linalg.norm(x, ord, dim), shapes=[shape])


def test_linalg_norm_rules():
    check_op(lambda lib, x: lib.linalg.norm(x), shapes=[(2, 3, 4)])
    _both_raise(lambda lib, x: lib.linalg.norm(x, 2), RuntimeError, (2, 3, 4))
    _both_raise(lambda lib, x: lib.linalg.norm(x, "fro"), RuntimeError, (3,))


def test_vecdot():
    check_op(lambda lib, x, y: lib.linalg.vecdot(x, y), shapes=[(2, 3), (3,)])
    check_op(lambda lib, x, y: lib.linalg.vecdot(x, y, dim=0), shapes=[(3, 2), (3, 1)])
    x, y = _double((2, 3), (2, 3))
    assert gradcheck(ember.linalg.vecdot, [x, y]) and gradgradcheck(ember.linalg.vecdot, [x, y])
    _both_raise(lambda lib, x, y: lib.linalg.vecdot(x, y), RuntimeError, (3,), (4,))


def test_linalg_matmul_alias():
    check_op(lambda lib, a, b: lib.linalg.matmul(a, b), shapes=[(2, 3), (3, 2)])


# -- performance-minded properties --------------------------------------------------------

def test_matmul_backward_folds_batch_for_weight():
    # a (B, T, C) @ W (C, D): the weight's gradient has W's shape without a (B, C, D) detour
    x = ember.ones(4, 5, 3)
    w = ember.ones(3, 2, requires_grad=True)
    (x @ w).sum().backward()
    assert w.grad.shape == (3, 2) and w.grad.tolist() == [[20.0, 20.0]] * 3


# -- decompositions and solvers -----------------------------------------------------------

def _well_conditioned(lib, a):
    """a matrix (batch) far from singular: a + 3 I."""
    return a + 3 * lib.eye(a.shape[-1], dtype=a.dtype)


def _spd(lib, a):
    """a symmetric positive-definite matrix (batch): a a^T + I."""
    return a @ a.mT + lib.eye(a.shape[-1], dtype=a.dtype)


@pytest.mark.parametrize("name", ["inv", "det"])
@pytest.mark.parametrize("shape", [(3, 3), (2, 3, 3)])
def test_inv_det(name, shape):
    fn = lambda lib, a: getattr(lib.linalg, name)(_well_conditioned(lib, a))  # noqa: E731
    check_op(fn, shapes=[shape], dtype="float64")
    (a,) = _double(shape)
    assert gradcheck(lambda a: fn(ember, a), [a]) and gradgradcheck(lambda a: fn(ember, a), [a])


def test_slogdet_and_logdet():
    fn = lambda lib, a: tuple(lib.linalg.slogdet(_well_conditioned(lib, a)))  # noqa: E731
    check_op(fn, shapes=[(2, 3, 3)], dtype="float64", low=-3, high=3)
    check_op(lambda lib, a: _well_conditioned(lib, a).logdet(), shapes=[(3, 3)], dtype="float64")
    (a,) = _double((3, 3))
    assert gradcheck(lambda a: ember.linalg.slogdet(_well_conditioned(ember, a))[1], [a])
    sign, logabsdet = ember.linalg.slogdet(-ember.eye(3))
    assert sign.item() == -1.0 and logabsdet.item() == 0.0 and not sign.requires_grad


def test_inv_errors():
    with pytest.raises(ember.linalg.LinAlgError):
        ember.linalg.inv(ember.zeros(3, 3))
    assert issubclass(ember.linalg.LinAlgError, RuntimeError)
    _both_raise(lambda lib, a: lib.linalg.inv(a), RuntimeError, (3, 4))
    _both_raise(lambda lib, a: lib.linalg.det(a), RuntimeError, (2, 2), dtypes=["int64"])


@pytest.mark.parametrize("shapes, left", [
    ([(3, 3), (3,)], True), ([(3, 3), (3, 2)], True), ([(2, 3, 3), (2, 3)], True),
    ([(2, 3, 3), (3,)], True), ([(3, 3), (2, 3, 2)], True), ([(3, 3), (2, 3)], False),
])
def test_solve(shapes, left):
    fn = lambda lib, a, b: lib.linalg.solve(_well_conditioned(lib, a), b, left=left)  # noqa
    check_op(fn, shapes=shapes, dtype="float64")
    tensors = _double(*shapes)
    assert gradcheck(lambda a, b: fn(ember, a, b), tensors)
    assert gradgradcheck(lambda a, b: fn(ember, a, b), tensors)


def test_solve_errors():
    _both_raise(lambda lib, a, b: lib.linalg.solve(a, b), RuntimeError, (3, 3), (4,))
    _both_raise(lambda lib, a, b: lib.linalg.solve(a, b, left=False), RuntimeError, (3, 3),
                (3, 2))
    with pytest.raises(ember.linalg.LinAlgError):
        ember.linalg.solve(ember.zeros(3, 3), ember.ones(3))


@pytest.mark.parametrize("upper", [False, True])
@pytest.mark.parametrize("left", [True, False])
@pytest.mark.parametrize("unitriangular", [False, True])
@pytest.mark.parametrize("shapes", [[(3, 3), (3, 2)], [(2, 3, 3), (4, 1, 3, 3)]])
def test_solve_triangular(upper, left, unitriangular, shapes):
    def fn(lib, a, b):
        b = b if left else b.mT
        return lib.linalg.solve_triangular(_well_conditioned(lib, a), b, upper=upper, left=left,
                                           unitriangular=unitriangular)
    check_op(fn, shapes=shapes, dtype="float64")
    tensors = _double(*shapes)
    assert gradcheck(lambda a, b: fn(ember, a, b), tensors)
    assert gradgradcheck(lambda a, b: fn(ember, a, b), tensors)


def test_solve_triangular_promotes_and_gives_inf_for_a_zero_pivot():
    a, b = ember.eye(2, dtype=ember.float64), ember.ones(2, 1)
    assert ember.linalg.solve_triangular(a, b, upper=True).dtype == ember.float64
    x = ember.linalg.solve_triangular(ember.zeros(2, 2), b, upper=True)
    expected = torch.linalg.solve_triangular(torch.zeros(2, 2), torch.ones(2, 1), upper=True)
    np.testing.assert_array_equal(x.numpy(), expected.numpy())


def test_solve_triangular_errors():
    solve = lambda lib, a, b: lib.linalg.solve_triangular(a, b, upper=True)  # noqa: E731
    _both_raise(solve, RuntimeError, (3, 3), (3,))
    _both_raise(solve, RuntimeError, (3, 3), (4, 2))
    _both_raise(solve, RuntimeError, (3, 4), (3, 2))
    with pytest.raises(TypeError):
        ember.linalg.solve_triangular(ember.eye(2), ember.ones(2, 1))


@pytest.mark.parametrize("upper", [False, True])
def test_cholesky_solve(upper):
    def fn(lib, a, b):
        factor = lib.linalg.cholesky(_spd(lib, a), upper=upper)
        return lib.cholesky_solve(b, factor, upper=upper)
    check_op(fn, shapes=[(2, 3, 3), (2, 3, 2)], dtype="float64")
    _both_raise(lambda lib, b, l: lib.cholesky_solve(b, l), RuntimeError, (3, 2), (4, 4))


@pytest.mark.parametrize("upper", [False, True])
def test_cholesky(upper):
    fn = lambda lib, a: lib.linalg.cholesky(_spd(lib, a), upper=upper)  # noqa: E731
    check_op(fn, shapes=[(2, 3, 3)], dtype="float64")
    (a,) = _double((3, 3))
    assert gradcheck(lambda a: fn(ember, a), [a]) and gradgradcheck(lambda a: fn(ember, a), [a])
    with pytest.raises(ember.linalg.LinAlgError):
        ember.linalg.cholesky(-ember.eye(3))


@pytest.mark.parametrize("shape, mode", [((4, 3), "reduced"), ((3, 3), "complete"),
                                         ((2, 4, 3), "reduced")])
def test_qr(shape, mode):
    (a,) = _double(shape)
    Q, R = ember.linalg.qr(a, mode=mode)
    tQ, tR = torch.linalg.qr(torch.tensor(a.detach().numpy()), mode=mode)
    # Q and R are unique up to the signs of R's diagonal: compare with the signs aligned
    signs = np.sign(np.diagonal(R.detach().numpy(), axis1=-2, axis2=-1)) * np.sign(
        np.diagonal(tR.numpy(), axis1=-2, axis2=-1))
    np.testing.assert_allclose(Q.detach().numpy() * signs[..., None, :], tQ.numpy(), atol=1e-10)
    np.testing.assert_allclose((Q @ R).detach().numpy(), a.detach().numpy(), atol=1e-10)
    assert gradcheck(lambda a: tuple(ember.linalg.qr(a, mode=mode)), [a])
    assert gradgradcheck(lambda a: tuple(ember.linalg.qr(a, mode=mode)), [a])
    _both_raise(lambda lib, a: lib.linalg.qr(a, mode="x"), RuntimeError, (3, 3))


def test_eigh():
    (a,) = _double((2, 3, 3))
    w, V = ember.linalg.eigh(a)
    tw, tV = torch.linalg.eigh(torch.tensor(a.detach().numpy()))
    np.testing.assert_allclose(w.detach().numpy(), tw.numpy(), atol=1e-10)
    np.testing.assert_allclose(np.abs(V.detach().numpy()), np.abs(tV.numpy()), atol=1e-8)
    # eigenvector signs are arbitrary: check losses that don't depend on them
    sym = lambda a: a + a.mT  # noqa: E731  (eigh reads one triangle; differentiate a symmetric fn)
    assert gradcheck(lambda a: ember.linalg.eigvalsh(sym(a)), [a])
    assert gradcheck(lambda a: (ember.linalg.eigh(sym(a))[1] ** 2), [a])
    assert gradgradcheck(lambda a: ember.linalg.eigvalsh(sym(a)), [a])


@pytest.mark.parametrize("shape", [(4, 3), (3, 4), (2, 3, 3)])
def test_svd(shape):
    check_op(lambda lib, a: lib.linalg.svdvals(a), shapes=[shape], dtype="float64")
    (a,) = _double(shape)
    U, S, Vh = ember.linalg.svd(a, full_matrices=False)
    np.testing.assert_allclose((U * S.unsqueeze(-2) @ Vh).detach().numpy(),
                               a.detach().numpy(), atol=1e-10)
    assert gradcheck(ember.linalg.svdvals, [a]) and gradgradcheck(ember.linalg.svdvals, [a])
    # U and Vh are unique up to signs; U diag(S) Vh and |U| are not
    assert gradcheck(lambda a: ember.linalg.svd(a, full_matrices=False)[0].abs(), [a])
    assert gradcheck(lambda a: ember.linalg.svd(a, full_matrices=False)[2].abs(), [a])
    assert ember.linalg.svd(ember.ones(4, 3)).U.shape == (4, 4)


@pytest.mark.parametrize("shape", [(4, 3), (3, 4), (2, 3, 3)])
def test_pinv(shape):
    check_op(lambda lib, a: lib.linalg.pinv(a), shapes=[shape], dtype="float64")
    (a,) = _double(shape)
    assert gradcheck(ember.linalg.pinv, [a])


def test_pinv_rank_deficient():
    # a rank-1 matrix: the cut-off singular values must not turn into huge inverses
    check_op(lambda lib, a, b: lib.linalg.pinv(lib.outer(a, b)), shapes=[(3,), (4,)],
             dtype="float64", grad=False)


@pytest.mark.parametrize("n", [0, 1, 2, 3, 5, -1, -2])
def test_matrix_power(n):
    fn = lambda lib, a: lib.linalg.matrix_power(_well_conditioned(lib, a), n)  # noqa: E731
    check_op(fn, shapes=[(2, 3, 3)], dtype="float64")
    check_op(lambda lib, a: _well_conditioned(lib, a).matrix_power(n), shapes=[(3, 3)],
             dtype="float64")
    (a,) = _double((3, 3))
    assert gradcheck(lambda a: fn(ember, a), [a])
    _both_raise(lambda lib, a: lib.linalg.matrix_power(a, 2), RuntimeError, (2, 3))


def test_multi_dot_and_rank():
    check_op(lambda lib, a, b, c: lib.linalg.multi_dot([a, b, c]), shapes=[(3,), (3, 4), (4,)])
    check_op(lambda lib, a, b, c: lib.linalg.multi_dot([a, b, c]), shapes=[(2, 3), (3, 4),
                                                                             (4, 2)])
    _both_raise(lambda lib, a: lib.linalg.multi_dot([a]), RuntimeError, (3,))
    check_op(lambda lib, a: lib.linalg.matrix_rank(a @ a.mT), shapes=[(4, 2)], grad=False)


@pytest.mark.parametrize("dtype", ["int64", "int32", "uint8"])
@pytest.mark.parametrize("beta,alpha", [(0.2, 0.6), (1.7, 2.6), (0.2, 1.6)])
def test_addmm_family_integer_truncates_alpha_and_beta(dtype, beta, alpha):
    # torch converts alpha and beta to the integer type, so the result stays integer
    def fn(lib, i, m, v, b):
        return [lib.addmm(i, m, m, beta=beta, alpha=alpha),
                lib.addmv(i[0], m, v, beta=beta, alpha=alpha),
                lib.baddbmm(i, b, b, beta=beta, alpha=alpha),
                lib.addbmm(i, b, b, beta=beta, alpha=alpha)]
    check_op(fn, shapes=[(3, 3), (3, 3), (3,), (2, 3, 3)], dtype=dtype, low=0, high=4,
             grad=False)
