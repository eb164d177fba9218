"""LU, least squares, the *_ex solvers, cond, tensorinv/tensorsolve, vander and torch's legacy
linear-algebra functions, against torch."""
import math
import warnings

import numpy as np
import pytest
import torch

import ember
from ember.autograd import gradcheck, gradgradcheck


def _pair(shape, seed=0):
    array = np.random.default_rng(seed).standard_normal(shape)
    return ember.tensor(array), torch.tensor(array)


def _close(actual, expected, atol=1e-10):
    assert tuple(actual.shape) == tuple(expected.shape)
    assert str(actual.dtype).split(".")[-1] == str(expected.dtype).split(".")[-1]
    np.testing.assert_allclose(actual.detach().numpy(), expected.detach().numpy(), atol=atol,
                               rtol=1e-7)


def _double(shape, seed=0):
    array = np.random.default_rng(seed).standard_normal(shape)
    return ember.tensor(array, requires_grad=True)


# -- LU -----------------------------------------------------------------------------------

@pytest.mark.parametrize("shape", [(4, 4), (2, 3, 3), (3, 5), (5, 3), (0, 3, 3), (2, 0, 0)])
def test_lu_factor_and_lu_match_torch(shape):
    a, t = _pair(shape)
    for got, want in zip(ember.linalg.lu_factor_ex(a), torch.linalg.lu_factor_ex(t)):
        _close(got, want)
    for got, want in zip(ember.linalg.lu(a), torch.linalg.lu(t)):
        _close(got, want)


def test_lu_unpack_parts():
    a, t = _pair((2, 4, 4))
    LU, pivots = ember.linalg.lu_factor(a)
    P, L, U = ember.lu_unpack(LU, pivots)
    np.testing.assert_allclose((P @ L @ U).numpy(), a.numpy(), atol=1e-12)
    got = ember.lu_unpack(LU, pivots, unpack_data=False)
    want = torch.lu_unpack(*torch.linalg.lu_factor(t), unpack_data=False)
    for g, w in zip(got, want):
        _close(g, w)


@pytest.mark.parametrize("shape", [(3, 3), (2, 3, 3), (3, 5), (5, 3)])
def test_lu_gradcheck(shape):
    a = _double(shape)
    assert gradcheck(lambda x: ember.linalg.lu(x)[1:], [a])
    assert gradcheck(lambda x: ember.linalg.lu_factor(x)[0], [a])
    assert gradgradcheck(lambda x: ember.linalg.lu(x)[1:], [a])


@pytest.mark.parametrize("left, adjoint", [(True, False), (True, True), (False, False),
                                           (False, True)])
def test_lu_solve(left, adjoint):
    a, t = _pair((2, 3, 3))
    b, tb = _pair((2, 3, 2) if left else (2, 2, 3), seed=1)
    got = ember.linalg.lu_solve(*ember.linalg.lu_factor(a), b, left=left, adjoint=adjoint)
    _close(got, torch.linalg.lu_solve(*torch.linalg.lu_factor(t), tb, left=left,
                                      adjoint=adjoint))
    a, b = _double((2, 3, 3)), _double(tuple(b.shape), seed=1)
    solve = lambda x, y: ember.linalg.lu_solve(*ember.linalg.lu_factor(x), y, left=left,  # noqa
                                               adjoint=adjoint)
    assert gradcheck(solve, [a, b])
    assert gradgradcheck(solve, [a, b])


def test_legacy_lu_and_lu_solve():
    a, t = _pair((3, 3))
    b, tb = _pair((3, 2), seed=1)
    with pytest.warns(UserWarning, match="deprecated"):
        LU, pivots, infos = ember.lu(a, get_infos=True)
    _close(infos, torch.linalg.lu_factor_ex(t).info)
    _close(ember.lu_solve(b, LU, pivots), torch.linalg.solve(t, tb))


def test_lu_errors():
    singular = [[1., 2.], [2., 4.]]
    for lib in (ember, torch):
        with pytest.raises(RuntimeError, match="is zero"):
            lib.linalg.lu_factor(lib.tensor(singular))
        assert lib.linalg.lu_factor_ex(lib.tensor(singular)).info.item() == 2
        with pytest.raises(RuntimeError, match="without pivoting"):
            lib.linalg.lu_factor(lib.ones(2, 2), pivot=False)
        with pytest.raises(NotImplementedError):
            lib.linalg.lu_factor(lib.ones(2, 2, dtype=lib.int64))
        with pytest.raises(RuntimeError, match="2 or more dimensions"):
            lib.linalg.lu_factor(lib.ones(3))
        with pytest.raises(RuntimeError, match="int32"):
            lib.lu_unpack(lib.ones(2, 2), lib.ones(2, dtype=lib.int64))
        LU, pivots = lib.linalg.lu_factor(lib.eye(3))
        with pytest.raises(RuntimeError, match="Incompatible shapes"):
            lib.linalg.lu_solve(LU, pivots, lib.ones(2, 3))


# -- *_ex ---------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["inv_ex", "solve_ex", "cholesky_ex"])
def test_ex_info(name):
    good = np.array([[[4., 1.], [1., 3.]], [[1., 2.], [2., 1.]]])  # the second fails cholesky
    if name != "cholesky_ex":
        good[1] = [[1., 2.], [2., 4.]]                               # singular
    args = {"solve_ex": lambda lib: (lib.ones(2, 2, dtype=lib.float64),)}.get(
        name, lambda lib: ())
    got = getattr(ember.linalg, name)(ember.tensor(good), *args(ember))
    want = getattr(torch.linalg, name)(torch.tensor(good), *args(torch))
    _close(got[1], want[1])
    _close(got[0][0], want[0][0])
    if name == "cholesky_ex":  # LAPACK's partial factor of the failed matrix
        _close(got[0][1], want[0][1])
    for lib in (ember, torch):
        with pytest.raises(lib.linalg.LinAlgError):
            getattr(lib.linalg, name)(lib.tensor(good), *args(lib), check_errors=True)
    assert issubclass(ember.linalg.LinAlgError, RuntimeError)


def test_ex_gradcheck():
    a, b = _double((2, 3, 3)), _double((2, 3), seed=1)
    assert gradcheck(lambda x: ember.linalg.inv_ex(x).inverse, [a])
    assert gradcheck(lambda x, y: ember.linalg.solve_ex(x, y).result, [a, b])
    spd = _double((3, 3))
    assert gradcheck(lambda x: ember.linalg.cholesky_ex(x @ x.mT + 3 * ember.eye(3)).L, [spd])
    assert gradgradcheck(lambda x: ember.linalg.cholesky_ex(x @ x.mT + 3 * ember.eye(3)).L,
                         [spd])


# -- lstsq --------------------------------------------------------------------------------

@pytest.mark.parametrize("driver", ["gelsy", "gelsd", "gelss", "gels", None])
@pytest.mark.parametrize("shapes", [((2, 5, 3), (2, 5, 2)), ((3, 5), (3, 2)), ((5, 3), (5,)),
                                    ((2, 5, 3), (2, 5))])
def test_lstsq_matches_torch(driver, shapes):
    a_shape, b_shape = shapes
    a, t = _pair(a_shape)
    b, tb = _pair(b_shape, seed=1)
    got, want = ember.linalg.lstsq(a, b, driver=driver), torch.linalg.lstsq(t, tb, driver=driver)
    for field in ("solution", "residuals", "rank", "singular_values"):
        _close(getattr(got, field), getattr(want, field), atol=1e-9)


def test_lstsq_rank_deficient():
    array = np.random.default_rng(0).standard_normal((5, 3))
    array[:, 2] = array[:, 1]
    b = np.random.default_rng(1).standard_normal((5, 2))
    for driver in ("gelsy", "gelsd", "gelss"):
        got = ember.linalg.lstsq(ember.tensor(array), ember.tensor(b), driver=driver)
        want = torch.linalg.lstsq(torch.tensor(array), torch.tensor(b), driver=driver)
        for field in ("solution", "residuals", "rank", "singular_values"):
            _close(getattr(got, field), getattr(want, field), atol=1e-9)


@pytest.mark.parametrize("shapes", [((4, 3), (4, 2)), ((3, 4), (3, 2)), ((2, 4, 3), (2, 4)),
                                    ((2, 4, 3), (1, 4, 2))])
def test_lstsq_gradcheck(shapes):
    a, b = _double(shapes[0]), _double(shapes[1], seed=1)
    assert gradcheck(lambda x, y: ember.linalg.lstsq(x, y).solution, [a, b])
    assert gradgradcheck(lambda x, y: ember.linalg.lstsq(x, y).solution, [a, b])


def test_lstsq_errors():
    cases = [((5, 3), (4, 2), {}), ((5, 3), (5, 2), {"driver": "foo"}),
             ((5, 3), (2, 5, 2), {}), ((3,), (3,), {})]
    for a_shape, b_shape, kwargs in cases:
        for lib in (ember, torch):
            with pytest.raises(RuntimeError):
                lib.linalg.lstsq(lib.ones(a_shape), lib.ones(b_shape), **kwargs)
    for lib in (ember, torch):
        with pytest.raises(RuntimeError, match="same dtype"):
            lib.linalg.lstsq(lib.ones(5, 3), lib.ones(5, 2, dtype=lib.float64))


# -- cond, vander, tensorinv, tensorsolve, diagonal --------------------------------------

@pytest.mark.parametrize("p", [None, 2, -2, "fro", "nuc", math.inf, -math.inf, 1, -1])
def test_cond(p):
    a, t = _pair((2, 3, 3))
    _close(ember.linalg.cond(a, p), torch.linalg.cond(t, p), atol=1e-8)
    singular = [[1., 2.], [2., 4.]]
    if p not in (None, 2, -2, "nuc"):
        _close(ember.linalg.cond(ember.tensor(singular), p),
               torch.linalg.cond(torch.tensor(singular), p))
    assert gradcheck(lambda x: ember.linalg.cond(x, p), [_double((3, 3))])


def test_cond_errors():
    for lib in (ember, torch):
        with pytest.raises(RuntimeError, match="square"):
            lib.linalg.cond(lib.ones(2, 3), 1)
        with pytest.raises(RuntimeError, match="invalid norm"):
            lib.linalg.cond(lib.ones(3, 3), "foo")
    a, t = _pair((2, 3))  # 2-norm condition numbers of non-square matrices
    _close(ember.linalg.cond(a), torch.linalg.cond(t), atol=1e-8)


@pytest.mark.parametrize("shape, N", [((3,), None), ((2, 4), 3), ((), 2)])
def test_vander(shape, N):
    for dtype in ("float64", "int64"):
        array = np.arange(1, 1 + math.prod(shape)).reshape(shape).astype(dtype)
        _close(ember.linalg.vander(ember.tensor(array), N=N),
               torch.linalg.vander(torch.tensor(array), N=N))
    assert gradcheck(lambda x: ember.linalg.vander(x, N=4), [_double((3,))])
    for lib in (ember, torch):
        with pytest.raises(RuntimeError, match="greater than 1"):
            lib.linalg.vander(lib.ones(3), N=1)


def test_tensorinv_and_tensorsolve():
    a, t = _pair((4, 6, 8, 3))
    _close(ember.linalg.tensorinv(a, ind=2), torch.linalg.tensorinv(t, ind=2), atol=1e-8)
    a, t = _pair((2, 3, 6))
    b, tb = _pair((2, 3), seed=1)
    _close(ember.linalg.tensorsolve(a, b), torch.linalg.tensorsolve(t, tb), atol=1e-8)
    a, t = _pair((6, 2, 3))
    _close(ember.linalg.tensorsolve(a, b, dims=(0,)), torch.linalg.tensorsolve(t, tb, dims=(0,)),
           atol=1e-8)
    for lib in (ember, torch):
        with pytest.raises(RuntimeError, match="prod"):
            lib.linalg.tensorinv(lib.ones(4, 6, 8, 2), ind=2)
        with pytest.raises(RuntimeError, match="positive"):
            lib.linalg.tensorinv(lib.ones(4, 4), ind=0)
        with pytest.raises(RuntimeError, match="prod"):
            lib.linalg.tensorsolve(lib.ones(2, 3, 5), lib.ones(2, 3))
    assert gradcheck(lambda x: ember.linalg.tensorinv(x, ind=1), [_double((4, 2, 2))])


def test_linalg_diagonal_is_a_view():
    a, t = _pair((2, 3, 4))
    _close(ember.linalg.diagonal(a, offset=1), torch.linalg.diagonal(t, offset=1))
    d = ember.linalg.diagonal(a)
    d.zero_()
    assert float(a[0, 0, 0]) == 0.0


# -- legacy forms -------------------------------------------------------------------------

def _reconstructs(U, S, V, a):
    return np.allclose((U[..., :, :S.shape[-1]] * S.unsqueeze(-2) @ V[..., :, :S.shape[-1]].mT)
                       .numpy(), a.numpy(), atol=1e-10)


@pytest.mark.parametrize("some", [True, False])
@pytest.mark.parametrize("shape", [(4, 3), (2, 3, 4)])
def test_legacy_svd_and_qr(some, shape):
    a, t = _pair(shape)
    U, S, V = ember.svd(a, some=some)
    tU, tS, tV = torch.svd(t, some=some)
    assert U.shape == tU.shape and V.shape == tV.shape
    _close(S, tS)
    assert _reconstructs(U, S, V, a)  # V, not V^T
    U, S, V = a.svd(compute_uv=False)
    for got, want in zip((U, S, V), torch.svd(t, compute_uv=False)):
        _close(got, want)
    Q, R = ember.qr(a, some=some)
    tQ, tR = torch.qr(t, some=some)
    assert Q.shape == tQ.shape and R.shape == tR.shape
    np.testing.assert_allclose((Q @ R).numpy(), a.numpy(), atol=1e-12)
    assert a.qr(some=some).R.shape == R.shape


@pytest.mark.parametrize("upper, transpose, unitriangular", [
    (True, False, False), (False, True, False), (True, True, True)])
def test_triangular_solve(upper, transpose, unitriangular):
    a, t = _pair((2, 3, 3))
    b, tb = _pair((2, 3, 2), seed=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        got = ember.triangular_solve(b, a, upper, transpose, unitriangular)
        want = torch.triangular_solve(tb, t, upper, transpose, unitriangular)
    _close(got.solution, want.solution, atol=1e-8)
    _close(got.cloned_coefficient, want.cloned_coefficient)
    assert got.cloned_coefficient._data is not a._data
    with pytest.warns(UserWarning, match="deprecated"):
        b.triangular_solve(a)


@pytest.mark.parametrize("upper", [False, True])
def test_legacy_cholesky_and_cholesky_inverse(upper):
    a, t = _pair((2, 3, 3))
    spd, tspd = a @ a.mT + ember.eye(3), t @ t.mT + torch.eye(3)
    with pytest.warns(UserWarning, match="deprecated"):
        L = ember.cholesky(spd, upper)
    _close(L, torch.linalg.cholesky(tspd, upper=upper), atol=1e-10)
    _close(ember.cholesky_inverse(L, upper), torch.cholesky_inverse(
        torch.linalg.cholesky(tspd, upper=upper), upper), atol=1e-9)
    factor = _double((3, 3))
    assert gradcheck(lambda x: ember.cholesky_inverse(x.tril() + 3 * ember.eye(3)), [factor])
    for lib in (ember, torch):
        with pytest.raises(RuntimeError, match="square"):
            lib.cholesky_inverse(lib.ones(2, 3))


@pytest.mark.parametrize("shape", [(4, 3), (2, 5, 5), (3, 5), (0, 2, 3)])
def test_geqrf_orgqr_ormqr(shape):
    a, t = _pair(shape)
    got, want = ember.geqrf(a), torch.geqrf(t)
    _close(got.a, want.a)
    _close(got.tau, want.tau)
    m = shape[-2]
    if shape[-1] <= m:
        _close(ember.orgqr(*got), torch.orgqr(*want))
    for left in (True, False):
        for transpose in (True, False):
            c, tc = _pair(shape[:-2] + ((m, 2) if left else (2, m)), seed=1)
            _close(ember.ormqr(*got, c, left, transpose), torch.ormqr(*want, tc, left, transpose))
    if not a.numel():
        return
    c = _double(shape[:-2] + (m, 2), seed=1)
    assert gradcheck(lambda x, tau, y: ember.ormqr(x, tau, y),
                     [_double(shape), got.tau.detach().requires_grad_(), c])


def test_ormqr_errors():
    for lib in (ember, torch):
        for args in [(lib.ones(()), lib.ones(()), lib.ones(())),
                     (lib.ones(5, 3), lib.ones(4), lib.ones(5, 5)),
                     (lib.ones(5, 3), lib.ones(2), lib.ones(4, 5)),
                     (lib.ones(5, 3), lib.ones(3), lib.ones(5))]:
            with pytest.raises(RuntimeError, match="ormqr"):
                lib.ormqr(*args)


# -- fixes from torch's OpInfo sweep --------------------------------------------------------

@pytest.mark.parametrize("ord", [math.inf, -math.inf, 1, -1, 2, -2, "nuc", "fro"])
@pytest.mark.parametrize("shape", [(0, 0), (0, 3), (3, 0)])
def test_matrix_norm_of_empty_matrices(ord, shape):
    results = []
    for lib in (ember, torch):
        try:
            results.append(lib.linalg.norm(lib.ones(shape), ord))
        except IndexError:  # torch's amin of nothing
            results.append(IndexError)
    if results[1] is IndexError:
        assert results[0] is IndexError
    else:
        _close(*results)


@pytest.mark.parametrize("hermitian", [False, True])
def test_matrix_rank_and_pinv_with_tensor_tolerances(hermitian):
    array = np.random.default_rng(0).standard_normal((2, 5, 5))
    array[0, :, 0] = array[0, :, 1]
    a, t = ember.tensor(array), torch.tensor(array)
    for name in ("rtol", "atol"):
        values = [0.1, 0.5] if name == "rtol" else [0.1, 2.0]
        got = ember.linalg.matrix_rank(a, hermitian=hermitian, **{name: ember.tensor(values)})
        want = torch.linalg.matrix_rank(t, hermitian=hermitian, **{name: torch.tensor(values)})
        _close(got, want)
        got = ember.linalg.pinv(a, hermitian=hermitian, **{name: ember.tensor(values)})
        want = torch.linalg.pinv(t, hermitian=hermitian, **{name: torch.tensor(values)})
        _close(got, want, atol=1e-9)
    empty = ember.linalg.matrix_rank(ember.zeros(2, 0, 0), rtol=ember.zeros(2))
    _close(empty, torch.linalg.matrix_rank(torch.zeros(2, 0, 0), rtol=torch.zeros(2)))


def test_pinv_hermitian_reads_the_lower_triangle():
    a, t = _pair((3, 3))
    _close(ember.linalg.pinv(a, hermitian=True), torch.linalg.pinv(t, hermitian=True),
           atol=1e-9)
    x = _double((3, 3))
    assert gradcheck(lambda x: ember.linalg.pinv(x + x.mT, hermitian=True), [x])
