"""LU factorization with partial pivoting and what builds on it: torch.linalg's lu_factor,
lu_factor_ex, lu, lu_solve, inv_ex and solve_ex, and torch's lu_unpack, lu and lu_solve.

Neither numpy nor cupy exposes LAPACK's getrf, so the factorization is written here: one
Gaussian-elimination step per column, each step vectorised over the batch (the same code
runs on cupy arrays). Pivots follow LAPACK's convention: int32, 1-based, row i was swapped
with row pivots[i] - 1, so that A = P L U.

ember.linalg re-exports these (split out of linalg.py to keep files short).
"""
import builtins
import math
import warnings

import numpy as np

from . import return_types
from ._dtype import DIFFERENTIABLE_NP
from ._tensor import Tensor
from .autograd.function import Op
from .backend import xp_of
from .linalg import LinAlgError, _check_square, inv, solve, solve_triangular
from .ops.elementwise import _write_out
from .ops.linalg import _HALF, _type_name, matmul

__all__ = ["lu_factor", "lu_factor_ex", "lu", "lu_solve", "lu_unpack", "inv_ex", "solve_ex",
           "legacy_lu", "legacy_lu_solve"]


# -- the factorization on arrays ----------------------------------------------------------

def _getrf(xp, A):
    """(LU, pivots, info) of A (..., m, n) as LAPACK's getrf: P^T A = L U, L unit lower
    triangular (m x k) and U upper triangular (k x n) packed in one array; info is the
    1-based index of the first zero pivot (0 if none). The pivot is the entry of largest
    |Re| + |Im| (BLAS's i?amax), the largest |entry| for a real A."""
    m, n = A.shape[-2:]
    k = builtins.min(m, n)
    batch = A.shape[:-2]
    LU = A.reshape((math.prod(batch), m, n)).copy()
    count = LU.shape[0]
    pivots = xp.empty((count, k), dtype=np.int32)
    info = xp.zeros(count, dtype=np.int32)
    rows = xp.arange(count)
    is_complex = A.dtype.kind == "c"
    for j in range(k):
        column = LU[:, j:, j]
        size = xp.abs(column.real) + xp.abs(column.imag) if is_complex else xp.abs(column)
        p = j + xp.argmax(size, axis=1)  # (B,): the largest entry below
        pivots[:, j] = p + 1
        swapped = LU[rows, p]
        LU[rows, p] = LU[:, j]
        LU[:, j] = swapped
        pivot = LU[:, j, j]
        zero = pivot == 0
        info = xp.where(zero & (info == 0), j + 1, info)
        # a zero pivot has a zero column below it: LAPACK leaves that column as it is
        LU[:, j + 1:, j] /= xp.where(zero, 1, pivot)[:, None]
        LU[:, j + 1:, j + 1:] -= LU[:, j + 1:, j:j + 1] * LU[:, j:j + 1, j + 1:]
    return (LU.reshape(A.shape), pivots.reshape(batch + (k,)),
            info.reshape(batch).astype(np.int32))


def _permutation(xp, pivots, m):
    """perm (..., m) with (P^T A)[i] = A[perm[i]], from LAPACK's pivots (..., k)."""
    batch, k = pivots.shape[:-1], pivots.shape[-1]
    flat = pivots.reshape(math.prod(batch), k).astype(np.int64) - 1
    perm = xp.tile(xp.arange(m), (flat.shape[0], 1))
    rows = xp.arange(flat.shape[0])
    for i in range(k):
        target = flat[:, i]
        held = perm[:, i].copy()
        perm[:, i] = perm[rows, target]
        perm[rows, target] = held
    return perm.reshape(batch + (m,))


def _permutation_matrix(xp, pivots, m, dtype):
    """P (..., m, m) with A = P L U: P[r, c] = 1 where perm[c] = r."""
    perm = _permutation(xp, pivots, m)
    return (perm[..., None, :] == xp.arange(m)[:, None]).astype(dtype)


# -- lu_factor ----------------------------------------------------------------------------

class LUFactor(Op):
    """(LU, pivots, info) = getrf(A);  grad_A from the gradient of the packed LU, split
    into that of L (strictly lower part) and of U (upper part), by linalg_lu_backward (see
    _lu_backward)."""

    @staticmethod
    def forward(ctx, A):
        LU, pivots, info = _getrf(ctx.xp, A)
        ctx.save_for_backward(LU, pivots)
        return LU, pivots, info

    @staticmethod
    def backward(ctx, grad_LU, grad_pivots, grad_info):
        LU, pivots = ctx.saved_tensors
        m, n = LU.shape[-2:]
        k = builtins.min(m, n)
        P, L, U = lu_unpack(LU, pivots)
        return _lu_backward(P, L, U, grad_LU[..., :k].tril(-1), grad_LU[..., :k, :].triu())


def _lu_backward(P, L, U, grad_L, grad_U):
    """The gradient of A = P L U given those of L (m x k) and U (k x n), as torch's
    linalg_lu_backward:
      square: P L^-H [L^H gL o 1_L + gU U^H o 1_U] U^-H
      wide (m < n, U = [U1 U2]): P L^-H [ (L^H gL o 1_L - gU U^H o 1_U) U1^-H + gU1 o 1_U, gU2 ]
      tall (m > n, L = [L1; L2]): P [ L1^-H (gU U^H o 1_U - L^H gL o 1_L) + gL1 o 1_L; gL2 ] U^-H
    with 1_L the strictly lower and 1_U the upper triangle (grad_L, grad_U may be None).
    """
    from .ops.join import cat
    m, n = L.shape[-2], U.shape[-1]
    k = builtins.min(m, n)
    if m == n:
        grad = 0
        if grad_L is not None:
            grad = matmul(L.mH, grad_L).tril(-1)
        if grad_U is not None:
            grad = grad + matmul(grad_U, U.mH).triu()
        grad = solve_triangular(U.mH, grad, upper=False, left=False)
        grad = solve_triangular(L.mH, grad, upper=True, unitriangular=True)
    elif m < n:
        U1 = U[..., :k]
        grad = 0
        if grad_L is not None:
            grad = matmul(L.mH, grad_L)
        if grad_U is not None:
            grad = grad - matmul(grad_U.triu(), U.mH)
        grad = solve_triangular(U1.mH, grad.tril(-1), upper=False, left=False)
        if grad_U is not None:
            grad = cat([grad + grad_U[..., :k].triu(), grad_U[..., k:]], -1)
        grad = solve_triangular(L.mH, grad, upper=True, unitriangular=True)
        if grad_U is None:
            grad = cat([grad, U[..., k:].new_zeros(U[..., k:].shape)], -1)
    else:
        L1 = L[..., :k, :]
        grad = 0
        if grad_U is not None:
            grad = matmul(grad_U, U.mH)
        if grad_L is not None:
            grad = grad - matmul(L.mH, grad_L)
        grad = solve_triangular(L1.mH, grad.triu(), upper=True, unitriangular=True)
        if grad_L is not None:
            grad = cat([grad + grad_L[..., :k, :].tril(-1), grad_L[..., k:, :]], -2)
        grad = solve_triangular(U.mH, grad, upper=False, left=False)
        if grad_L is None:
            grad = cat([grad, L[..., k:, :].new_zeros(L[..., k:, :].shape)], -2)
    return matmul(P, grad)


def _check_lu_input(op_name, A, pivot):
    if not isinstance(A, Tensor):
        raise TypeError(f"{op_name}(): argument 'A' must be Tensor, not {type(A).__name__}")
    if A._data.ndim < 2:
        raise RuntimeError(f"torch.lu_factor: Expected tensor with 2 or more dimensions. Got "
                           f"size: {list(A.shape)} instead")
    if A._data.dtype not in DIFFERENTIABLE_NP or A._data.dtype in _HALF:
        raise NotImplementedError(f"\"lu_cpu\" not implemented for '{_type_name(A)}'")
    if not pivot:
        raise RuntimeError(f"{op_name}: LU without pivoting is not implemented on the CPU")


def lu_factor_ex(A, *, pivot=True, check_errors=False, out=None):
    """(LU, pivots, info): the LU factorization A = P L U with partial pivoting, L and U
    packed in one matrix (L's unit diagonal left out), LAPACK's 1-based int32 pivots, and
    info > 0 where U[info-1, info-1] is exactly zero. A may be rectangular and batched.

    Example:
        >>> LU, pivots, info = ember.linalg.lu_factor_ex(ember.tensor([[1., 2.], [3., 4.]]))
        >>> pivots
        tensor([2, 2], dtype=ember.int32)
    """
    _check_lu_input("linalg.lu_factor_ex", A, pivot)
    LU, pivots, info = LUFactor.apply(A)
    if check_errors:
        _raise_singular("torch.linalg.lu_factor_ex", info)
    result = return_types.linalg_lu_factor_ex((LU, pivots, info))
    if out is not None:
        for target, value in zip(out, result):
            _write_out(target, value)
    return result


def lu_factor(A, *, pivot=True, out=None):
    """(LU, pivots) of A = P L U, as lu_factor_ex; raises where U has a zero on its diagonal
    (A singular), since solving with it would divide by zero.

    Example:
        >>> LU, pivots = ember.linalg.lu_factor(ember.tensor([[1., 2.], [3., 4.]]))
        >>> ember.linalg.lu_solve(LU, pivots, ember.tensor([[1.], [1.]])).flatten()
        tensor([-1.0000,  1.0000])
    """
    _check_lu_input("linalg.lu_factor", A, pivot)
    LU, pivots, info = LUFactor.apply(A)
    _raise_singular("torch.linalg.lu_factor", info)
    result = return_types.linalg_lu_factor((LU, pivots))
    if out is not None:
        for target, value in zip(out, result):
            _write_out(target, value)
    return result


def _raise_singular(op_name, info):
    """torch's error for a zero pivot, naming the batch element when there is a batch."""
    bad = info._data.reshape(-1)
    if bad.size and bool((bad != 0).any()):
        index = builtins.int(xp_of(bad).argmax(bad != 0))
        where = f"(Batch element {index}): " if info._data.ndim else ""
        j = builtins.int(bad[index])
        raise RuntimeError(
            f"{op_name}: {where}U[{j},{j}] is zero and using it on lu_solve would result in a "
            f"division by zero. If you still want to perform the factorization, consider "
            f"calling linalg.lu(A, pivot) or linalg.lu_factor_ex(A, pivot)")


def lu_unpack(LU_data, LU_pivots, unpack_data=True, unpack_pivots=True, *, out=None):
    """(P, L, U) from lu_factor's packed LU and pivots, so that A = P L U: L (m x k) unit
    lower triangular, U (k x n) upper triangular, k = min(m, n). Parts not asked for are
    empty tensors.

    Example:
        >>> A = ember.tensor([[1., 2.], [3., 4.]])
        >>> P, L, U = ember.lu_unpack(*ember.linalg.lu_factor(A))
        >>> (P @ L @ U - A).abs().max()
        tensor(0.)
    """
    if LU_pivots._data.dtype != np.int32:
        raise RuntimeError("torch.lu_unpack: LU_pivots is expected to be a contiguous tensor of "
                           "torch.int32 dtype.\nNote: this function is intended to be used "
                           "with the output produced by torch.linalg.lu_factor")
    if LU_data._data.ndim < 2:
        raise RuntimeError(f"torch.lu_unpack: Expected tensor with 2 or more dimensions. Got "
                           f"size: {list(LU_data.shape)} instead")
    m, n = LU_data._data.shape[-2:]
    k = builtins.min(m, n)
    xp = xp_of(LU_data._data)
    empty = LU_data.new_zeros((0,))
    if unpack_data:
        L = LU_data[..., :k].tril(-1) + Tensor._make(xp.eye(m, k, dtype=LU_data._data.dtype))
        U = LU_data[..., :k, :].triu()
    else:
        L = U = empty
    if unpack_pivots:
        P = Tensor._make(_permutation_matrix(xp, LU_pivots._data, m, LU_data._data.dtype))
    else:
        P = LU_data.new_zeros((0,))
    result = return_types.lu_unpack((P, L, U))
    if out is not None:
        for target, value in zip(out, result):
            _write_out(target, value)
    return result


def lu(A, *, pivot=True, out=None):
    """(P, L, U) with A = P L U: P a permutation, L unit lower triangular (m x k), U upper
    triangular (k x n), by Gaussian elimination with partial pivoting. Differentiable.

    Example:
        >>> P, L, U = ember.linalg.lu(ember.tensor([[1., 2.], [3., 4.]]))
        >>> U
        tensor([[3.0000, 4.0000],
                [0.0000, 0.6667]])
    """
    _check_lu_input("linalg.lu", A, pivot)
    LU, pivots, _ = LUFactor.apply(A)
    result = return_types.linalg_lu(lu_unpack(LU, pivots))
    if out is not None:
        for target, value in zip(out, result):
            _write_out(target, value)
    return result


# -- solving with an LU factorization -----------------------------------------------------

def lu_solve(LU, pivots, B, *, left=True, adjoint=False, out=None):
    """The X with A X = B (left), X A = B (left=False), or with A^H in place of A (adjoint),
    for A = P L U given as lu_factor's (LU, pivots):
      A X = B:  X = U^-1 L^-1 P^T B;   A^H X = B:  X = P L^-H U^-H B.
    Batch dims broadcast. Differentiable in LU and B.

    Example:
        >>> LU, pivots = ember.linalg.lu_factor(ember.tensor([[2., 0.], [0., 4.]]))
        >>> ember.linalg.lu_solve(LU, pivots, ember.tensor([[2.], [4.]]))
        tensor([[1.],
                [1.]])
    """
    _check_square("torch.linalg.lu_solve", LU)
    if B._data.ndim < 2:
        raise RuntimeError("linalg.lu_solve: The input tensor B must have at least 2 "
                           "dimensions.")
    n = LU._data.shape[-1]
    rows = B._data.shape[-2] if left else B._data.shape[-1]
    if rows != n:
        raise RuntimeError(
            f"linalg.lu_solve: Incompatible shapes of A and B for the equation "
            f"{'AX = B' if left else 'XA = B'} ({n}x{n} and "
            f"{'x'.join(str(s) for s in B._data.shape[-2:])})")
    if LU._data.dtype != B._data.dtype:
        raise RuntimeError(
            f"linalg.lu_solve: Expected LU and B to have the same dtype, but found LU of type "
            f"{_type_name(LU)} and B of type {_type_name(B)} instead")
    if pivots._data.shape != LU._data.shape[:-1]:
        raise RuntimeError(
            f"linalg.lu_solve: Expected LU.shape[:-1] and pivots.shape to be the same, but "
            f"got pivots with shape {list(pivots.shape)} instead")
    P = Tensor._make(_permutation_matrix(xp_of(LU._data), pivots._data, n, LU._data.dtype))
    if not left:  # X A = B  is  A^H X^H = B^H
        B = B.mH
        adjoint = not adjoint
    if adjoint:
        Y = solve_triangular(LU.mH, B, upper=False)                     # U^H Y = B
        Y = solve_triangular(LU.mH, Y, upper=True, unitriangular=True)  # L^H Z = Y
        X = matmul(P, Y)
    else:
        Y = solve_triangular(LU, matmul(P.mT, B), upper=False, unitriangular=True)
        X = solve_triangular(LU, Y, upper=True)
    if not left:
        X = X.mH
    return X if out is None else _write_out(out, X)


def legacy_lu_solve(b, LU_data, LU_pivots, *, out=None):
    """torch.lu_solve(b, LU_data, LU_pivots): linalg.lu_solve(LU_data, LU_pivots, b)."""
    return lu_solve(LU_data, LU_pivots, b, out=out)


def legacy_lu(A, pivot=True, get_infos=False, out=None):
    """torch.lu: (LU, pivots) or, with get_infos, (LU, pivots, infos); deprecated in torch in
    favour of linalg.lu_factor / lu_factor_ex, with the same warning. A singular A raises
    unless get_infos."""
    warnings.warn(
        "torch.lu is deprecated in favor of torch.linalg.lu_factor / torch.linalg.lu_factor_ex "
        "and will be removed in a future PyTorch release.", UserWarning, stacklevel=2)
    _check_lu_input("torch.lu", A, pivot)
    LU, pivots, info = LUFactor.apply(A)
    if not get_infos:
        _raise_singular("torch.linalg.lu_factor", info)
    result = (LU, pivots, info) if get_infos else (LU, pivots)
    if out is not None:
        for target, value in zip(out, result):
            _write_out(target, value)
    return result


# -- inverse and solve that report failures instead of raising ----------------------------

def _inverse_info(op_name, A, check_errors):
    """info per matrix: 0, or the 1-based index of the first zero pivot of A's LU."""
    _, _, info = _getrf(xp_of(A._data), A._data)
    if check_errors and info.size and bool((info != 0).any()):
        raise LinAlgError(f"{op_name}: The diagonal element {builtins.int(info.max())} is zero, "
                          f"the inversion could not be completed because the input matrix is "
                          f"singular.")
    return info


def inv_ex(A, *, check_errors=False, out=None):
    """(inverse, info): inv(A), and per matrix info = 0, or i > 0 where A is singular (U[i-1,
    i-1] of its LU is zero; the inverse is then inf/nan). Raises only with check_errors.

    Example:
        >>> ember.linalg.inv_ex(ember.tensor([[1., 2.], [2., 4.]])).info
        tensor(2, dtype=ember.int32)
    """
    _check_square("linalg.inv_ex", A)
    info = _inverse_info("linalg.inv_ex", A, check_errors)
    if info.size and bool((info != 0).any()):
        LU, pivots, _ = LUFactor.apply(A)
        identity = Tensor._make(xp_of(A._data).eye(A._data.shape[-1], dtype=A._data.dtype))
        with np.errstate(divide="ignore", invalid="ignore"):
            inverse = lu_solve(LU, pivots, identity.expand(A.shape))
    else:
        inverse = inv(A)
    result = return_types.linalg_inv_ex((inverse, Tensor._make(info)))
    if out is not None:
        for target, value in zip(out, result):
            _write_out(target, value)
    return result


def solve_ex(A, B, *, left=True, check_errors=False, out=None):
    """(result, info): linalg.solve(A, B), and per matrix info = 0, or i > 0 where A is
    singular (its result is then inf/nan). Raises only with check_errors.

    Example:
        >>> ember.linalg.solve_ex(ember.eye(2), ember.tensor([1., 2.])).result
        tensor([1., 2.])
    """
    _check_square("linalg.solve_ex", A)
    info = _inverse_info("linalg.solve_ex", A, check_errors)
    if info.size and bool((info != 0).any()):
        LU, pivots, _ = LUFactor.apply(A)
        vector = B.ndim == 1 or (B.ndim == A.ndim - 1 and B.shape == A.shape[:-1])
        rhs = B.unsqueeze(-1) if vector else B
        with np.errstate(divide="ignore", invalid="ignore"):
            result = lu_solve(LU, pivots, rhs, left=left)
        if vector:
            result = result.squeeze(-1)
    else:
        result = solve(A, B, left=left)
    result = return_types.linalg_solve_ex((result, Tensor._make(info)))
    if out is not None:
        for target, value in zip(out, result):
            _write_out(target, value)
    return result

