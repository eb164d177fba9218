"""torch's linear-algebra functions from before torch.linalg, which torch still has at the
top level and as Tensor methods: qr, svd, triangular_solve, cholesky, cholesky_inverse,
geqrf, orgqr and ormqr. Each is written on the torch.linalg functions.
"""
import warnings

from . import return_types
from ._tensor import Tensor
from .autograd.function import Op
from .backend import xp_of
from .linalg import (_check_float, _check_matrix_input, _check_square, cholesky as _cholesky,
                     householder_product, qr as _qr, solve_triangular, svd as _svd)
from .ops.elementwise import _write_out
from .ops.linalg import matmul

__all__ = ["qr", "svd", "triangular_solve", "cholesky", "cholesky_inverse", "geqrf", "orgqr",
           "ormqr"]


def _write_all(out, result):
    if out is not None:
        for target, value in zip(out, result):
            _write_out(target, value)
    return result


def qr(input, some=True, *, out=None):
    """(Q, R) with input = Q R: linalg.qr with mode 'reduced' (some=True) or 'complete';
    deprecated in torch, with this warning."""
    warnings.warn(
        "torch.qr is deprecated in favor of torch.linalg.qr and will be removed in a future "
        "PyTorch release. The boolean parameter 'some' has been replaced with a string "
        "parameter 'mode'.", UserWarning, stacklevel=2)
    Q, R = _qr(input, "reduced" if some else "complete")
    return _write_all(out, return_types.qr((Q, R)))


def svd(input, some=True, compute_uv=True, *, out=None):
    """(U, S, V) with input = U diag(S) V^H: note V, not linalg.svd's Vh. some=False gives
    square U and V; compute_uv=False gives zero-filled U (m x m) and V (n x n).

    Example:
        >>> U, S, V = ember.svd(ember.tensor([[3., 0.], [0., 2.]]))
        >>> S
        tensor([3., 2.])
    """
    if compute_uv:
        U, S, Vh = _svd(input, full_matrices=not some)
        V = Vh.mH
    else:
        from .linalg import svdvals
        S = svdvals(input)
        m, n = input.shape[-2:]
        U = input.new_zeros(input.shape[:-2] + (m, m))
        V = input.new_zeros(input.shape[:-2] + (n, n))
    return _write_all(out, return_types.svd((U, S, V)))


def triangular_solve(b, A, upper=True, transpose=False, unitriangular=False, *, out=None):
    """(solution, cloned_coefficient): the X with T X = b (T^T X = b with transpose), T the
    upper or lower triangle of A; cloned_coefficient is a copy of A. Deprecated in torch in
    favour of linalg.solve_triangular (note its reversed arguments), with the same warning.
    """
    warnings.warn(
        "torch.triangular_solve is deprecated in favor of torch.linalg.solve_triangular and "
        "will be removed in a future PyTorch release. torch.linalg.solve_triangular has its "
        "arguments reversed and does not return a copy of one of the inputs.",
        UserWarning, stacklevel=2)
    T = A.mT if transpose else A
    solution = solve_triangular(T, b, upper=upper != transpose, unitriangular=unitriangular)
    return _write_all(out, return_types.triangular_solve((solution, A.clone())))


def cholesky(input, upper=False, *, out=None):
    """linalg.cholesky(input, upper=upper), deprecated in torch with this warning."""
    warnings.warn(
        "torch.cholesky is deprecated in favor of torch.linalg.cholesky and will be removed "
        "in a future PyTorch release.", UserWarning, stacklevel=2)
    return _cholesky(input, upper=upper, out=out)


def cholesky_inverse(L, upper=False, *, out=None):
    """A^-1 for A = L L^H (or U^H U when upper), given its Cholesky factor:
    A^-1 = L^-H L^-1.

    Example:
        >>> ember.cholesky_inverse(ember.tensor([[2., 0.], [0., 2.]]))
        tensor([[0.2500, 0.0000],
                [0.0000, 0.2500]])
    """
    _check_square("cholesky_inverse", L)
    lower = L.mH if upper else L
    identity = Tensor._make(xp_of(L._data).eye(L._data.shape[-1], dtype=L._data.dtype))
    inverse_lower = solve_triangular(lower, identity.expand(L.shape), upper=False)  # L^-1
    result = matmul(inverse_lower.mH, inverse_lower)
    return result if out is None else _write_out(out, result)


class Geqrf(Op):
    """(a, tau): LAPACK's geqrf, R above the diagonal of a and the Householder vectors
    below it, with their scalars tau. Not differentiable, as in torch."""

    differentiable = False

    @staticmethod
    def forward(ctx, A):
        h, tau = ctx.xp.linalg.qr(A, mode="raw")  # h is a transposed (LAPACK's column order)
        return ctx.xp.ascontiguousarray(ctx.xp.swapaxes(h, -1, -2)), tau


def geqrf(input, *, out=None):
    """(a, tau) of LAPACK's geqrf: the QR factorization in Householder form, input = Q R with
    Q = H_1 ... H_k, H_i = I - tau_i v_i v_i^T (v_i: a one, then a's column i below the
    diagonal); R is a's upper triangle. orgqr / ormqr use Q."""
    _check_matrix_input("geqrf", input)
    _check_float("geqrf", input)
    return _write_all(out, return_types.geqrf(Geqrf.apply(input)))


def orgqr(input, input2, *, out=None):
    """The first n columns of Q from geqrf's (a, tau = input2): linalg.householder_product."""
    result = householder_product(input, input2)
    return result if out is None else _write_out(out, result)


def ormqr(input, input2, input3, left=True, transpose=False, *, out=None):
    """Q @ other (other @ Q when not left; Q^H with transpose) for the m x m
    Q = H_1 ... H_k of geqrf's (input, tau), applying each reflector
    H_i C = C - tau_i v_i (v_i^H C) in turn (H_i^H: conj(tau_i) in place of tau_i); tau is
    input2 and other input3, torch's names. Differentiable in all three tensors."""
    tau, other = input2, input3
    for name, value in (("input", input), ("other", other)):
        if value.ndim < 2:
            raise RuntimeError(f"torch.ormqr: {name} must have at least 2 dimensions.")
    m, k = input.shape[-2], tau.shape[-1]
    side = -2 if left else -1
    if other.shape[side] != m:
        raise RuntimeError(f"torch.ormqr: other.shape[{side}] must be equal to "
                           f"input.shape[-2]")
    if k != min(other.shape[side], input.shape[-1]):
        raise RuntimeError(f"torch.ormqr: tau.shape[-1] must be equal to "
                           f"min(other.shape[{side}], input.shape[-1])")
    rows = Tensor._make(xp_of(input._data).arange(m))
    C = other if left else other.mH
    # Q C applies H_k first; Q^H C applies H_1^H first (other Q = (Q^H other^H)^H)
    adjoint = transpose == left
    if adjoint:
        tau = tau.conj()
    for i in (range(k) if adjoint else range(k - 1, -1, -1)):
        v = (input[..., :, i] * (rows > i)) + (rows == i).to(input.dtype)  # (..., m)
        v = v.unsqueeze(-1)
        C = C - tau[..., i, None, None] * matmul(v, matmul(v.mH, C))
    result = C if left else C.mH
    return result if out is None else _write_out(out, result)


# -- Tensor methods -----------------------------------------------------------------------

Tensor.qr = qr
Tensor.svd = svd
Tensor.triangular_solve = lambda self, A, upper=True, transpose=False, unitriangular=False: (
    triangular_solve(self, A, upper, transpose, unitriangular))
Tensor.cholesky = cholesky
Tensor.cholesky_inverse = cholesky_inverse
Tensor.geqrf = geqrf
Tensor.orgqr = orgqr
Tensor.ormqr = ormqr
