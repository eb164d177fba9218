"""Linear algebra on complex tensors against torch: values, dtypes and gradients (torch's
convention, grad = dL/dRe + i dL/dIm) of torch.linalg and the matrix products; eig and
eigvals; the phase checks of eig, eigh and svd backward; errors for mixed dtypes."""
import math

import numpy as np
import pytest
import torch

import ember
from ember.autograd import gradcheck, gradgradcheck


def _complex(*shape, seed=0, dtype=np.complex128):
    rng = np.random.default_rng(seed)
    return (rng.standard_normal(shape) + 1j * rng.standard_normal(shape)).astype(dtype)


def _real(*shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape)


def _hermitian(*shape, seed=0):
    """A Hermitian positive-definite matrix (batch)."""
    m = _complex(*shape, seed=seed)
    return m @ m.conj().swapaxes(-1, -2) + shape[-1] * np.eye(shape[-1])


def _numpy(tensor):
    if isinstance(tensor, torch.Tensor):
        return tensor.detach().resolve_conj().numpy()
    return tensor.detach().numpy()


def _assert_close(got, want, rtol, atol, what):
    assert tuple(got.shape) == tuple(want.shape), f"{what}: shape {got.shape} != {want.shape}"
    assert str(got.dtype).split(".")[-1] == str(want.dtype).split(".")[-1], (
        f"{what}: dtype {got.dtype} != {want.dtype}")
    np.testing.assert_allclose(_numpy(got), _numpy(want), rtol=rtol, atol=atol, err_msg=what)


def _outputs(result):
    return list(result) if isinstance(result, (tuple, list)) else [result]


def check(fn, arrays, rtol=1e-7, atol=1e-9, name="op"):
    """fn(lib, *tensors) in ember and torch on the same arrays: the outputs (shape, dtype,
    values), then the inputs' gradients of sum Re(out * w) over the differentiable outputs,
    with w random (complex for complex outputs)."""
    ember_inputs = [ember.tensor(a, requires_grad=True) for a in arrays]
    torch_inputs = [torch.tensor(a, requires_grad=True) for a in arrays]
    ember_out = _outputs(fn(ember, *ember_inputs))
    torch_out = _outputs(fn(torch, *torch_inputs))
    assert len(ember_out) == len(torch_out)
    rng = np.random.default_rng(1)
    ember_loss = torch_loss = 0
    for index, (got, want) in enumerate(zip(ember_out, torch_out)):
        _assert_close(got, want, rtol, atol, f"{name} output {index}")
        if want.requires_grad:
            assert got.requires_grad, f"{name} output {index} should require grad"
            weights = rng.standard_normal(tuple(want.shape))
            if want.is_complex():
                weights = weights + 1j * rng.standard_normal(tuple(want.shape))
            ember_loss = ember_loss + (got * ember.tensor(weights)).real.sum()
            torch_loss = torch_loss + (want * torch.tensor(weights)).real.sum()
    if isinstance(torch_loss, int):
        return
    ember_loss.backward()
    torch_loss.backward()
    for index, (got, want) in enumerate(zip(ember_inputs, torch_inputs)):
        assert got.grad is not None, f"{name}: no gradient reached input {index}"
        _assert_close(got.grad, want.grad, rtol * 10, atol * 10, f"{name} grad of input {index}")


G, H = _complex(3, 3), _hermitian(3, 3)
BATCH, HBATCH = _complex(2, 3, 3, seed=1), _hermitian(2, 3, 3, seed=1)
TALL, WIDE, RHS = _complex(4, 3, seed=2), _complex(3, 4, seed=3), _complex(3, 2, seed=4)
VECTOR = _complex(3, seed=5)


def _gauge_free_eigh(lib, a, UPLO="L"):
    w, V = lib.linalg.eigh(a, UPLO=UPLO)
    return w, V.abs(), (V * w.unsqueeze(-2)) @ V.mH


def _gauge_free_svd(lib, a):
    U, S, Vh = lib.linalg.svd(a, full_matrices=False)
    return U.abs(), S, Vh.abs(), U @ Vh


def _lu_solves(lib, a, b):
    """lu_solve for A X = B, A^H X = B, X A = B^T and X A^H = B^T."""
    LU, pivots = lib.linalg.lu_factor(a)
    return tuple(lib.linalg.lu_solve(LU, pivots, b if left else b.mT, left=left, adjoint=adjoint)
                 for left in (True, False) for adjoint in (False, True))


def _drop_rank(result):
    """lstsq's solution, residuals and singular values (rank is an integer)."""
    return result.solution, result.residuals, result.singular_values


CASES = {
    "inv": (lambda lib, a: lib.linalg.inv(a), [BATCH]),
    "det": (lambda lib, a: lib.linalg.det(a), [BATCH]),
    "slogdet": (lambda lib, a: tuple(lib.linalg.slogdet(a)), [BATCH]),
    "logdet": (lambda lib, a: lib.logdet(a), [G]),
    "solve": (lambda lib, a, b: lib.linalg.solve(a, b), [BATCH, RHS]),
    "solve_vector": (lambda lib, a, b: lib.linalg.solve(a, b), [G, VECTOR]),
    "solve_right": (lambda lib, a, b: lib.linalg.solve(a, b, left=False), [G, RHS.T.copy()]),
    "solve_triangular": (lambda lib, a, b: lib.linalg.solve_triangular(a, b, upper=True),
                         [G + 3 * np.eye(3), RHS]),
    "solve_triangular_right_unit": (lambda lib, a, b: lib.linalg.solve_triangular(
        a, b, upper=False, left=False, unitriangular=True), [G, RHS.T.copy()]),
    "triangular_solve_transpose": (lambda lib, b, a: lib.triangular_solve(
        b, a, transpose=True)[0], [RHS, G + 3 * np.eye(3)]),
    "cholesky": (lambda lib, a: lib.linalg.cholesky(a), [HBATCH]),
    "cholesky_upper": (lambda lib, a: lib.linalg.cholesky(a, upper=True), [H]),
    "cholesky_ex": (lambda lib, a: tuple(lib.linalg.cholesky_ex(a)), [H]),
    "cholesky_solve": (lambda lib, b, a: lib.cholesky_solve(b, lib.linalg.cholesky(a)),
                       [RHS, H]),
    "cholesky_inverse": (lambda lib, a: lib.cholesky_inverse(lib.linalg.cholesky(a)), [H]),
    "qr_tall": (lambda lib, a: tuple(lib.linalg.qr(a)), [TALL]),
    "qr_square_complete": (lambda lib, a: tuple(lib.linalg.qr(a, mode="complete")), [BATCH]),
    "qr_wide": (lambda lib, a: tuple(lib.linalg.qr(a)), [WIDE]),
    "eigh": (_gauge_free_eigh, [HBATCH]),
    "eigh_upper": (lambda lib, a: _gauge_free_eigh(lib, a, "U"), [G]),
    "eigvalsh": (lambda lib, a: lib.linalg.eigvalsh(a), [G]),
    "svd_tall": (_gauge_free_svd, [TALL]),
    "svd_wide": (_gauge_free_svd, [WIDE]),
    "svd_batch": (_gauge_free_svd, [BATCH]),
    "svdvals": (lambda lib, a: lib.linalg.svdvals(a), [TALL]),
    "legacy_svd": (lambda lib, a: (lambda U, S, V: (U.abs(), S, V.abs(), U @ V.mH))(
        *lib.svd(a)), [TALL]),
    "pinv": (lambda lib, a: lib.linalg.pinv(a), [TALL]),
    "pinv_hermitian": (lambda lib, a: lib.linalg.pinv(a, hermitian=True), [H]),
    "pinv_real_hermitian": (lambda lib, a: lib.linalg.pinv(a, hermitian=True),
                            [_real(3, 3) + _real(3, 3).T]),
    "lstsq": (lambda lib, a, b: _drop_rank(lib.linalg.lstsq(a, b, driver="gelsd")),
              [TALL, _complex(4, 2, seed=6)]),
    "matrix_norm_fro_inf_1": (lambda lib, a: (lib.linalg.matrix_norm(a), lib.linalg.matrix_norm(
        a, math.inf), lib.linalg.matrix_norm(a, 1)), [BATCH]),
    "norm": (lambda lib, a, v: (lib.linalg.norm(a), lib.linalg.norm(v, 3)), [G, VECTOR]),
    "matrix_norm_nuc": (lambda lib, a: lib.linalg.matrix_norm(a, "nuc"), [BATCH]),
    "matrix_norm_2": (lambda lib, a: lib.linalg.matrix_norm(a, 2), [TALL]),
    "matrix_norm_-2": (lambda lib, a: lib.linalg.matrix_norm(a, -2), [G]),
    "cond": (lambda lib, a: lib.linalg.cond(a), [G]),
    "matrix_rank": (lambda lib, a: lib.linalg.matrix_rank(a[:, :2] @ a[:2]), [TALL]),
    "matrix_exp": (lambda lib, a: lib.linalg.matrix_exp(a), [BATCH]),
    "matrix_power": (lambda lib, a: (lib.linalg.matrix_power(a, 3),
                                     lib.linalg.matrix_power(a, -2)), [G]),
    "lu": (lambda lib, a: tuple(lib.linalg.lu(a)), [BATCH]),
    "lu_tall": (lambda lib, a: tuple(lib.linalg.lu(a)), [TALL]),
    "lu_wide": (lambda lib, a: tuple(lib.linalg.lu(a)), [WIDE]),
    "lu_factor_ex": (lambda lib, a: tuple(lib.linalg.lu_factor_ex(a)), [BATCH]),
    "lu_solve": (_lu_solves, [G, RHS]),
    "inv_ex": (lambda lib, a: tuple(lib.linalg.inv_ex(a)), [G]),
    "solve_ex": (lambda lib, a, b: tuple(lib.linalg.solve_ex(a, b)), [G, RHS]),
    "tensorinv": (lambda lib, a: lib.linalg.tensorinv(a.reshape(3, 3), ind=1), [G]),
    "cross": (lambda lib, a, b: lib.linalg.cross(a, b), [_complex(2, 3), _complex(2, 3, seed=1)]),
    "vecdot": (lambda lib, a, b: lib.linalg.vecdot(a, b), [_complex(2, 3), _complex(2, 3, seed=1)]),
    "multi_dot": (lambda lib, a, b, c: lib.linalg.multi_dot([a, b, c]), [VECTOR, G, RHS]),
    "householder_product": (lambda lib, a, tau: lib.linalg.householder_product(a, tau),
                            [TALL, VECTOR]),
    "ormqr": (lambda lib, a, tau, c, d: tuple(
        lib.ormqr(a, tau, c if left else d, left=left, transpose=transpose)
        for left in (True, False) for transpose in (False, True)),
        [_complex(4, 4), _complex(4, seed=1), _complex(4, 2, seed=2), _complex(2, 4, seed=3)]),
    "geqrf": (lambda lib, a: tuple(lib.geqrf(a.detach())), [TALL]),
    "eigvals": (lambda lib, a: lib.linalg.eigvals(a), [BATCH]),
    "eigvals_real_input": (lambda lib, a: lib.linalg.eigvals(a), [_real(4, 4)]),
    "eig": (lambda lib, a: (lambda L, V: (L, V.abs()))(*lib.linalg.eig(a)), [BATCH]),
    "eig_real_input": (lambda lib, a: (lambda L, V: (L, V.abs()))(*lib.linalg.eig(a)),
                       [_real(2, 4, 4, seed=1)]),
    "mm": (lambda lib, a, b: lib.mm(a, b), [G, RHS]),
    "bmm": (lambda lib, a, b: lib.bmm(a, b), [BATCH, _complex(2, 3, 2)]),
    "mv": (lambda lib, a, b: lib.mv(a, b), [G, VECTOR]),
    "addmm": (lambda lib, c, a, b: lib.addmm(c, a, b, beta=0.5 + 1j, alpha=2 - 1j),
              [_complex(3, 2), G, RHS]),
    "baddbmm": (lambda lib, c, a, b: lib.baddbmm(c, a, b, alpha=1j),
                [_complex(2, 3, 2), BATCH, _complex(2, 3, 2, seed=1)]),
    "addmv": (lambda lib, c, a, b: lib.addmv(c, a, b, beta=1j), [VECTOR, G, VECTOR]),
    "addbmm": (lambda lib, c, a, b: lib.addbmm(c, a, b), [_complex(3, 2), BATCH,
                                                          _complex(2, 3, 2)]),
    "kron": (lambda lib, a, b: lib.kron(a, b), [G, RHS]),
    "tensordot": (lambda lib, a, b: lib.tensordot(a, b, dims=([0], [0])), [G, RHS]),
    "trace": (lambda lib, a: lib.trace(a), [G]),
    "diag": (lambda lib, a: (lib.diag(a), lib.diag(a.diagonal())), [G]),
    "cov": (lambda lib, a, w: (lib.cov(a), lib.cov(a, aweights=w)), [WIDE, np.arange(1., 5.)]),
    "corrcoef": (lambda lib, a: lib.corrcoef(a), [WIDE]),
    "vander": (lambda lib, v: lib.linalg.vander(v), [VECTOR]),
}


@pytest.mark.filterwarnings("ignore:torch.triangular_solve is deprecated")
@pytest.mark.parametrize("name", CASES)
def test_complex_values_and_gradients(name):
    fn, arrays = CASES[name]
    check(fn, arrays, name=name)


@pytest.mark.parametrize("name", ["inv", "solve", "cholesky", "qr_tall", "eigh", "svd_tall",
                                  "lu", "eig", "slogdet", "lstsq"])
def test_complex64(name):
    fn, arrays = CASES[name]
    arrays = [a.astype(np.complex64) if a.dtype.kind == "c" else a for a in arrays]
    check(fn, arrays, rtol=2e-4, atol=2e-5, name=name)


# -- eig ----------------------------------------------------------------------------------

@pytest.mark.parametrize("array", [_complex(4, 4), _real(4, 4), _real(4, 4) + _real(4, 4).T,
                                   _real(2, 3, 3).astype(np.float32)])
def test_eig_matches_torchs_vectors(array):
    # LAPACK's geev normalises each vector to unit norm with its largest component real: the
    # eigenvectors themselves, not only their span, equal torch's
    L, V = ember.linalg.eig(ember.tensor(array))
    L_t, V_t = torch.linalg.eig(torch.tensor(array))
    _assert_close(L, L_t, 1e-6, 1e-6, "eigenvalues")
    _assert_close(V, V_t, 1e-5, 1e-6, "eigenvectors")
    np.testing.assert_allclose((ember.tensor(array).to(V.dtype) @ V).numpy(),
                               (V * L.unsqueeze(-2)).numpy(), atol=1e-5)


def test_eig_of_a_real_matrix_is_complex_and_its_gradient_real():
    a = ember.tensor(_real(3, 3), requires_grad=True)
    L, V = ember.linalg.eig(a)
    assert L.dtype == ember.complex128 and V.dtype == ember.complex128
    (L.imag.sum() + V.abs().sum()).backward()
    assert a.grad.dtype == ember.float64
    assert ember.linalg.eig(ember.ones(2, 2)).eigenvalues.dtype == ember.complex64
    assert ember.linalg.eigvals(ember.ones(0, 0)).shape == (0,)


@pytest.mark.parametrize("lib", [ember, torch])
@pytest.mark.parametrize("loss", [
    lambda lib, a: lib.linalg.eig(a).eigenvectors.real.sum(),
    lambda lib, a: lib.linalg.eigh(a + a.mH).eigenvectors.imag.sum(),
    lambda lib, a: lib.linalg.svd(a).U.real.sum(),
    lambda lib, a: lib.linalg.svd(a).Vh[..., 0, :].imag.sum(),
], ids=["eig", "eigh", "svd_U", "svd_Vh"])
def test_losses_of_vector_phases_raise(lib, loss):
    a = lib.tensor(_complex(3, 3), requires_grad=True)
    with pytest.raises(RuntimeError, match=r"specified up to multiplication by e\^\{i phi\}"):
        loss(lib, a).backward()


@pytest.mark.filterwarnings("ignore:ComplexHalf support is experimental")
@pytest.mark.parametrize("bad, error", [
    (np.full((2, 2), np.nan), RuntimeError), (np.ones((2, 3)), RuntimeError),
    (np.ones(3), RuntimeError), (np.ones((2, 2), np.int64), RuntimeError),
    (np.ones((2, 2), np.float16), NotImplementedError)])
def test_eig_errors(bad, error):
    for lib in (ember, torch):
        with pytest.raises(error):
            lib.linalg.eig(lib.tensor(bad))
    with pytest.raises(error):
        ember.linalg.eigvals(ember.tensor(bad))


def test_svd_lowrank_and_pca_lowrank_of_complex_matrices():
    A = ember.tensor(_complex(6, 2) @ _complex(2, 5, seed=1))  # rank 2
    U, S, V = ember.svd_lowrank(A, q=2)
    assert (U.dtype, S.dtype, V.dtype) == (ember.complex128, ember.float64, ember.complex128)
    np.testing.assert_allclose(((U * S.to(U.dtype)) @ V.mH).numpy(), A.numpy(), atol=1e-10)
    _assert_close(S, torch.linalg.svdvals(torch.tensor(A.numpy()))[:2], 1e-8, 1e-10, "S")
    U, S, V = ember.pca_lowrank(A, q=2)
    assert V.shape == (5, 2) and V.dtype == ember.complex128


# -- finite differences and second order --------------------------------------------------

def _flat(fn):
    """fn with its input and outputs passed through flat copies: gradcheck reads complex
    outputs and gradients as (re, im) pairs, which needs them contiguous (a transposed
    gradient, inv's say, is not)."""
    def flat_fn(a):
        a = a.reshape(-1).reshape(a.shape)  # its gradient is reshaped, so made contiguous
        return tuple(out.reshape(-1) for out in _outputs(fn(a)))
    return flat_fn


@pytest.mark.parametrize("fn, array", [
    (lambda a: ember.linalg.inv(a), G),
    (lambda a: ember.linalg.det(a), G),
    (lambda a: tuple(ember.linalg.slogdet(a)), G),
    (lambda a: ember.linalg.solve(a, ember.tensor(RHS)), G),
    (lambda a: ember.linalg.cholesky((a + a.mH) / 2), H),  # it reads one triangle
    (lambda a: tuple(ember.linalg.qr(a)), WIDE),
    (lambda a: _gauge_free_eigh(ember, a + a.mH), G),  # eigh reads one triangle: symmetrise
    (lambda a: (lambda L, V: (L, V.abs()))(*ember.linalg.eig(a)), G),
    (lambda a: _gauge_free_svd(ember, a), TALL),
    (lambda a: ember.linalg.lu(a)[1:], G),
    (lambda a: ember.linalg.pinv(a), TALL),
], ids=["inv", "det", "slogdet", "solve", "cholesky", "qr", "eigh", "eig", "svd", "lu", "pinv"])
def test_gradcheck(fn, array):
    a = ember.tensor(array, requires_grad=True)
    assert gradcheck(_flat(fn), [a]) and gradgradcheck(_flat(fn), [a])


# -- dtypes and errors --------------------------------------------------------------------

def test_real_dtypes_of_complex_results():
    a = ember.tensor(_complex(3, 3))
    assert ember.linalg.svdvals(a).dtype == ember.float64
    assert ember.linalg.eigvalsh(a).dtype == ember.float64
    assert ember.linalg.slogdet(a).logabsdet.dtype == ember.float64
    assert ember.linalg.cond(ember.zeros(0, 0, dtype=ember.complex64)).dtype == ember.float32
    gelsy = ember.linalg.lstsq(a, a)
    assert gelsy.residuals.dtype == gelsy.singular_values.dtype == ember.float64
    assert ember.linalg.matrix_norm(a.to(ember.complex64), dtype=ember.complex128).dtype == (
        ember.float64)


def test_slogdet_sign_takes_part_in_autograd():
    # torch: the sign requires grad for real A too (its gradient is zero there)
    a = ember.tensor(_real(3, 3), requires_grad=True)
    sign, _ = ember.linalg.slogdet(a)
    assert sign.requires_grad
    sign.sum().backward()
    assert not a.grad.numpy().any()


MIXED = {
    "solve": lambda lib, z, r: lib.linalg.solve(z, r),
    "lu_solve": lambda lib, z, r: lib.linalg.lu_solve(*lib.linalg.lu_factor(z), r),
    "lstsq": lambda lib, z, r: lib.linalg.lstsq(z, r),
    "vecdot": lambda lib, z, r: lib.linalg.vecdot(z, r),
    "cross": lambda lib, z, r: lib.linalg.cross(z, r),
    "mm": lambda lib, z, r: lib.mm(z, r),
    "multi_dot": lambda lib, z, r: lib.linalg.multi_dot([z, r]),
    "householder_product": lambda lib, z, r: lib.linalg.householder_product(z, r[:, 0]),
    "matrix_norm_dtype": lambda lib, z, r: lib.linalg.matrix_norm(z, dtype=lib.float64),
    "matrix_norm_complex_dtype": lambda lib, z, r: lib.linalg.matrix_norm(
        r, dtype=lib.complex128),
}


@pytest.mark.parametrize("name", MIXED)
def test_mixed_dtypes_raise_as_torch(name):
    for lib in (ember, torch):
        z = lib.tensor(_complex(3, 3))
        r = lib.tensor(_real(3, 3))
        with pytest.raises(RuntimeError) as info:
            MIXED[name](lib, z, r)
        if lib is torch:
            assert type(info.value) is RuntimeError


def test_matrix_norm_of_empty_complex_matrix_keeps_torchs_errors():
    for lib in (ember, torch):
        empty = lib.zeros(0, 3, dtype=lib.complex128)
        assert lib.linalg.matrix_norm(empty, "nuc").item() == 0
        with pytest.raises(IndexError):
            lib.linalg.matrix_norm(empty, -2)
        assert math.isclose(lib.linalg.matrix_norm(lib.eye(2, dtype=lib.complex64) * 1j, 2)
                            .item(), 1.0)
