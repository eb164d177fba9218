"""Least squares, condition numbers, tensor inverses and the rest of torch.linalg that builds
on the decompositions: lstsq, cholesky_ex, cond, vander, tensorinv, tensorsolve, diagonal.

ember.linalg re-exports these (split out of linalg.py to keep files short).
"""
import builtins
import math

import numpy as np

from . import return_types
from ._tensor import Tensor
from .autograd.function import Op
from .backend import xp_of
from .linalg import (LinAlgError, _check_float, _check_matrix_input, _check_square,
                     _pinv_backward, cholesky, inv, matrix_norm, pinv, solve, svdvals)
from ._linalg_lu import inv_ex
from .ops import compare
from .ops.elementwise import _write_out, sum_to
from .ops.linalg import _type_name, matmul

__all__ = ["lstsq", "cholesky_ex", "cond", "vander", "tensorinv", "tensorsolve", "diagonal"]


# -- least squares ------------------------------------------------------------------------

_DRIVERS = ("gels", "gelsy", "gelsd", "gelss")


class Lstsq(Op):
    """X = argmin ||A X - B||_F of least norm, singular values below rcond * largest taken as
    zero:  X = V diag(1/s) U^H B;  as torch (linalg_lstsq_backward), the gradient is that of
    X = pinv(A) B:  grad_B = pinv(A)^H g,  grad_A = pinv_backward(g B^H, pinv(A), A).
    Also returns the rank (int64) and the singular values (real, computed without a
    gradient)."""

    @staticmethod
    def forward(ctx, A, B, rcond):
        xp = ctx.xp
        batch = np.broadcast_shapes(A.shape[:-2], B.shape[:-2])
        A_full = xp.broadcast_to(A, batch + A.shape[-2:])
        B_full = xp.broadcast_to(B, batch + B.shape[-2:])
        U, S, Vh = xp.linalg.svd(A_full, full_matrices=False)
        largest = S[..., :1] if S.shape[-1] else S
        keep = S > rcond * largest
        inverse = xp.where(keep, 1 / xp.where(keep, S, 1), 0)
        X = xp.conj(xp.swapaxes(Vh, -1, -2)) @ (
            inverse[..., None] * (xp.conj(xp.swapaxes(U, -1, -2)) @ B_full))
        ctx.shapes = (A.shape, B.shape)
        ctx.save_for_backward(A, B)
        return X, keep.sum(-1).astype(np.int64), S

    @staticmethod
    def backward(ctx, grad, grad_rank, grad_singular_values):
        A, B = ctx.saved_tensors
        need_A, need_B = ctx.needs_input_grad[:2]
        A_shape, B_shape = ctx.shapes
        pinvA = pinv(A)
        grad_A = grad_B = None
        if need_A:
            grad_A = sum_to(_pinv_backward(matmul(grad, B.mH), pinvA, A), A_shape)
        if need_B:
            grad_B = sum_to(matmul(pinvA.mH, grad), B_shape)
        return grad_A, grad_B, None


def lstsq(input, b, rcond=None, *, driver=None):
    """(solution, residuals, rank, singular_values): the X minimising ||A X - B|| (of least
    norm when A is rank-deficient), for A (*, m, n) and B (*, m, k), or B (*, m) a batch of
    vectors when it has one dim fewer than A.

    Singular values at most rcond * the largest count as zero (rcond defaults to
    eps * max(m, n)). As torch fills them per driver: residuals (the real squared norms of the
    columns of A X - B) when m > n, A is of full rank and driver is not 'gelsy'; rank for
    every driver but 'gels'; singular_values for 'gelsd' and 'gelss'. The others are empty.

    Differs from PyTorch: every driver solves through the SVD (as gelsd/gelss do); gels and
    gelsy give the same X for a full-rank A, the case they are meant for.

    Example:
        >>> A = ember.tensor([[1., 0.], [0., 1.], [1., 1.]])
        >>> ember.linalg.lstsq(A, ember.tensor([[1.], [1.], [2.]])).solution
        tensor([[1.0000],
                [1.0000]])
    """
    A, B = input, b  # See NOTE [ input, not A ] in linalg.py
    _check_matrix_input("torch.linalg.lstsq", A)
    if not isinstance(B, Tensor):
        raise TypeError(f"linalg.lstsq(): argument 'b' must be Tensor, not {type(B).__name__}")
    if B._data.ndim < 1 or A._data.ndim < B._data.ndim or A._data.ndim - B._data.ndim > 1:
        raise RuntimeError("torch.linalg.lstsq: input.dim() must be greater or equal to "
                           "other.dim() and (input.dim() - other.dim()) <= 1")
    if A._data.dtype != B._data.dtype:
        raise RuntimeError(
            f"torch.linalg.lstsq: Expected input and other to have the same dtype, but got "
            f"input's dtype {_type_name(A)} and other's dtype {_type_name(B)}")
    if driver is None:
        driver = "gelsy"
    if driver not in _DRIVERS:
        raise RuntimeError("torch.linalg.lstsq: parameter `driver` should be one of (gels, "
                           "gelsy, gelsd, gelss)")
    _check_float("torch.linalg.lstsq", A)
    vector = A._data.ndim - B._data.ndim == 1
    if vector:
        B = B.unsqueeze(-1)
    m, n = A._data.shape[-2:]
    if B._data.shape[-2] != m:
        raise RuntimeError("torch.linalg.lstsq: input.size(-2) should match other.size(-2)")
    try:
        np.broadcast_shapes(A._data.shape[:-2], B._data.shape[:-2])
    except ValueError:
        raise RuntimeError(f"torch.linalg.lstsq: the batch dims of input {list(A.shape)} and "
                           f"other {list(B.shape)} don't broadcast") from None
    if rcond is None:
        rcond = float(np.finfo(A._data.dtype).eps) * builtins.max(m, n)
    X, rank, singular_values = Lstsq.apply(A, B, float(rcond))
    empty = A.new_zeros((0,), dtype=A.dtype.to_real())
    full_rank = bool((rank._data == n).all())
    if driver != "gelsy" and m > n and full_rank:
        residual = matmul(A, X) - B
        residuals = (residual * residual.conj()).real.sum(-2)  # |A X - B|^2 per column
    else:
        residuals = empty
    if vector:
        X = X.squeeze(-1)
    rank = rank if driver != "gels" else Tensor._make(xp_of(A._data).zeros(0, np.int64))
    singular_values = singular_values.detach() if driver in ("gelsd", "gelss") else empty
    return return_types.linalg_lstsq((X, residuals, rank, singular_values))


# -- Cholesky that reports failures -------------------------------------------------------

def _potf2(xp, A):
    """(L, info) by the unblocked Cholesky (LAPACK's potf2, lower), vectorised over the batch:
    a matrix that fails at column j keeps the columns before it, the failed pivot value (real)
    on the diagonal and its original entries after it; info = j + 1 (0 where it succeeds)."""
    n = A.shape[-1]
    batch = A.shape[:-2]
    L = xp.tril(A.reshape((math.prod(batch), n, n))).copy()
    info = xp.zeros(L.shape[0], dtype=np.int32)
    for j in range(n):
        active = info == 0
        row = L[:, j, :j].conj()
        pivot = L[:, j, j].real - (L[:, j, :j] * row).real.sum(-1)
        failed = active & ~(pivot > 0)
        info = xp.where(failed, j + 1, info)
        L[:, j, j] = xp.where(active, xp.where(failed, pivot, xp.sqrt(xp.abs(pivot))),
                              L[:, j, j])
        ok = active & ~failed
        column = L[:, j + 1:, j] - (L[:, j + 1:, :j] @ row[..., None])[..., 0]
        column = column / xp.where(ok, L[:, j, j], 1)[:, None]
        L[:, j + 1:, j] = xp.where(ok[:, None], column, L[:, j + 1:, j])
    return L.reshape(A.shape), info.reshape(batch)


def cholesky_ex(input, *, upper=False, check_errors=False, out=None):
    """(L, info): linalg.cholesky(A), and per matrix info = 0, or i > 0 where the leading
    minor of order i is not positive-definite (L is then only partly computed, as LAPACK
    leaves it). Raises only with check_errors.

    Example:
        >>> ember.linalg.cholesky_ex(ember.tensor([[1., 2.], [2., 1.]])).info
        tensor(2, dtype=ember.int32)
    """
    A = input  # See NOTE [ input, not A ] in linalg.py
    _check_square("linalg.cholesky_ex", A)
    try:
        L = cholesky(A)
        info = xp_of(A._data).zeros(A._data.shape[:-2], dtype=np.int32)
    except LinAlgError:
        L, info = _potf2(xp_of(A._data), A._data)
        order = builtins.int(info[info != 0].reshape(-1)[0])
        if check_errors:
            raise LinAlgError(
                f"linalg.cholesky_ex: The factorization could not be completed because the "
                f"input is not positive-definite (the leading minor of order {order} is not "
                f"positive-definite).") from None
        L = Tensor._make(L)
    result = return_types.linalg_cholesky_ex((L.mH if upper else L, Tensor._make(info)))
    if out is not None:
        for target, value in zip(out, result):
            _write_out(target, value)
    return result


# -- condition number ---------------------------------------------------------------------

_COND_ORDERS = (None, 2, -2, "fro", "nuc", math.inf, -math.inf, 1, -1)


def cond(input, p=None, *, out=None):
    """The condition number of A in the norm p, real also for complex A: for p in (None, 2, -2)
    the ratio of its largest to smallest singular value (the reverse for -2); otherwise
    matrix_norm(A, p) * matrix_norm(inv(A), p), inf where A is singular.

    Example:
        >>> ember.linalg.cond(ember.tensor([[1., 0.], [0., 4.]]))
        tensor(4.)
    """
    A = input  # See NOTE [ input, not A ] in linalg.py
    if p not in _COND_ORDERS or isinstance(p, builtins.bool):
        raise RuntimeError(f"linalg.cond got an invalid norm type: {p}")
    _check_matrix_input("linalg.cond", A)
    if p in (None, 2, -2):
        if A._data.size == 0:
            result = A.new_zeros(A._data.shape[:-2], dtype=A.dtype.to_real())
        else:
            values = svdvals(A)
            largest, smallest = values[..., 0], values[..., -1]
            result = largest / smallest if p != -2 else smallest / largest
    else:
        _check_square(f"linalg.cond(ord={p})", A)
        if A._data.size == 0:
            result = A.new_zeros(A._data.shape[:-2], dtype=A.dtype.to_real())
        else:
            inverse, info = inv_ex(A)
            result = matrix_norm(A, p) * matrix_norm(inverse, p)
            result = compare.where(info.ne(0), math.inf, result)
    return result if out is None else _write_out(out, result)


# -- vander, tensorinv, tensorsolve, diagonal --------------------------------------------

def vander(x, *, N=None):
    """The Vandermonde matrix of x (*, n): result[..., i, j] = x[..., i] ** j for
    j < N (default n, at least 2), by cumulative products as torch.

    Example:
        >>> ember.linalg.vander(ember.tensor([1, 2, 3]))
        tensor([[1, 1, 1],
                [1, 2, 4],
                [1, 3, 9]])
    """
    from .ops.join import cat
    if not isinstance(x, Tensor):
        raise TypeError(f"linalg.vander(): argument 'x' must be Tensor, not {type(x).__name__}")
    if x._data.ndim == 0:
        x = x.reshape(1)  # as torch: a number is a vector of one
    N = x._data.shape[-1] if N is None else N
    if N <= 1:
        raise RuntimeError(f"N must be greater than 1. (linalg.vander of x of shape "
                           f"{list(x.shape)}; got N={N})")
    column = x.unsqueeze(-1)
    powers = column.expand(x.shape + (N - 1,)).cumprod(-1)
    return cat([x.new_ones(x.shape + (1,)), powers], -1)


def tensorinv(input, ind=2, *, out=None):
    """The tensor B with tensordot(A, B, ind) the identity: A reshaped to a square matrix
    (prod(shape[:ind]) x prod(shape[ind:])), inverted, and shaped shape[ind:] + shape[:ind].

    Example:
        >>> ember.linalg.tensorinv(ember.eye(6).reshape(6, 2, 3), ind=1).shape
        ember.Size([2, 3, 6])
    """
    A = input  # See NOTE [ input, not A ] in linalg.py
    if not isinstance(ind, builtins.int) or ind <= 0:
        raise RuntimeError(f"Expected a strictly positive integer for 'ind', but got {ind}")
    shape = tuple(A.shape)
    rows, cols = math.prod(shape[:ind]), math.prod(shape[ind:])
    if rows != cols:
        raise RuntimeError(
            f"Expected self to satisfy the requirement prod(self.shape[ind:]) == "
            f"prod(self.shape[:ind]), but got {cols} != {rows}")
    result = inv(A.reshape(rows, cols)).reshape(shape[ind:] + shape[:ind])
    return result if out is None else _write_out(out, result)


def tensorsolve(input, other, dims=None, *, out=None):
    """The X with tensordot(A, X, X.ndim) = B: A's dims `dims` are first moved to the end,
    then A is solved as a (B.numel() x rest) matrix; X has A's trailing shape.

    Example:
        >>> ember.linalg.tensorsolve(ember.eye(6).reshape(2, 3, 6), ember.ones(2, 3)).shape
        ember.Size([6])
    """
    A, B = input, other  # See NOTE [ input, not A ] in linalg.py
    if dims is not None:
        from .ops._dims import wrap_dim
        dims = [wrap_dim(d, A.ndim, "linalg.tensorsolve") for d in dims]
        A = A.permute([d for d in builtins.range(A.ndim) if d not in dims] + dims)
    shape = tuple(A.shape)
    rows, rest = math.prod(shape[:B.ndim]), shape[B.ndim:]
    if math.prod(rest) != rows:
        raise RuntimeError(
            f"Expected self to satisfy the requirement prod(self.shape[other.ndim:]) == "
            f"prod(self.shape[:other.ndim]), but got {math.prod(rest)} != {rows}")
    result = solve(A.reshape(rows, rows), B.reshape(rows)).reshape(rest)
    return result if out is None else _write_out(out, result)


def diagonal(A, *, offset=0, dim1=-2, dim2=-1):
    """A view of the diagonals of A's matrices (torch.linalg.diagonal: torch.diagonal with
    the last two dims as default)."""
    return A.diagonal(offset, dim1, dim2)

