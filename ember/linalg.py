"""ember.linalg: torch.linalg's functions.

Products (matmul, cross) live in ember/ops/linalg.py and are re-exported here; this module
adds the norms, decompositions and solvers (inv, det, slogdet, solve, cholesky, qr, svd,
pinv, matrix_power, ...), each differentiable with its backward written in ember ops, so
second derivatives work; the LU family, the eigendecompositions and the least-squares
solvers are in _linalg_lu.py, _linalg_eig.py and _linalg_solvers.py. Complex matrices take
torch's complex gradients (conjugate transposes where real formulas have transposes).

A matrix argument may carry leading batch dims; the decompositions run on each matrix.
"""
import builtins
import math

import numpy as np

from . import _dtype, return_types
from ._tensor import Tensor
from .autograd.function import Op
from .backend import xp_of
from .ops import compare
from .ops._dims import wrap_dim, wrap_dims
from .ops.elementwise import _write_out, sum_to
from .ops.linalg import _HALF, _require_tensors, _type_name, matmul
from .ops.linalg import cross as _legacy_cross
from ._matrix_functions import householder_product, matrix_exp  # noqa: F401

__all__ = [
    "LinAlgError", "matmul", "vecdot", "cross", "norm", "vector_norm", "matrix_norm", "inv",
    "inv_ex", "det", "slogdet", "solve", "solve_ex", "solve_triangular", "cholesky_solve",
    "cholesky", "cholesky_ex", "qr", "eig", "eigvals", "eigh", "eigvalsh", "svd", "svdvals",
    "pinv", "matrix_power", "multi_dot", "matrix_rank", "matrix_exp", "householder_product",
    "lu", "lu_factor", "lu_factor_ex", "lu_solve", "lstsq", "cond", "vander", "tensorinv",
    "tensorsolve", "diagonal",
]

# NOTE [ input, not A ]
# torch.linalg's documentation calls the matrix argument A, but the bindings of cholesky,
# eigh, eigvalsh, matrix_norm, matrix_power, matrix_rank, norm, pinv and solve_triangular
# (and vector_norm's x) name it input: torch.linalg.cholesky(input=x) runs and
# cholesky(A=x) raises TypeError. These functions take input, as torch, and call it A inside.


class LinAlgError(RuntimeError):
    """A matrix had no answer: singular, not positive-definite, or the algorithm didn't
    converge (torch.linalg.LinAlgError; a RuntimeError)."""


def cross(input, other, *, dim=-1, out=None):
    """Cross product of 3-vectors along `dim` (default the last), with broadcasting.

    Example:
        >>> ember.linalg.cross(ember.tensor([1., 0, 0]), ember.tensor([0., 1, 0]))
        tensor([0., 0., 1.])
    """
    return _legacy_cross(input, other, dim, out=out)


# -- norms --------------------------------------------------------------------------------

class VectorNorm(Op):
    """y = (sum |x|^p)^(1/p) over dims (real for complex x); p = inf: max |x|, -inf: min |x|,
    0: number of nonzeros.
    grad_x = g * sgn(x) * |x|^(p-1) / y^(p-1)  (0 where y = 0); p = 1: g * sgn(x);
    p = +-inf: g * sgn(x), split evenly between the elements where |x| = y.
    """

    node_name = "LinalgVectorNormBackward0"

    @staticmethod
    def forward(ctx, x, ord, dims, keepdim):
        xp = ctx.xp
        ctx.ord, ctx.dims, ctx.keepdim = ord, dims, keepdim
        wide = x.astype(np.float32) if x.dtype in _HALF else x
        if wide.dtype.kind == "c":
            wide = xp.abs(wide)
        if ord == 2:
            y = xp.sqrt(xp.sum(wide * wide, axis=dims, keepdims=keepdim))
        elif ord == 1:
            y = xp.sum(xp.abs(wide), axis=dims, keepdims=keepdim)
        elif ord == math.inf:
            y = xp.max(xp.abs(wide), axis=dims, keepdims=keepdim)
        elif ord == -math.inf:
            y = xp.min(xp.abs(wide), axis=dims, keepdims=keepdim)
        elif ord == 0:
            y = xp.sum(wide != 0, axis=dims, keepdims=keepdim).astype(wide.dtype)
        else:
            y = xp.sum(xp.abs(wide) ** ord, axis=dims, keepdims=keepdim) ** (1.0 / ord)
        y = xp.asarray(y, dtype=_dtype.BY_NUMPY[x.dtype].to_real().np)
        ctx.save_for_backward(x, y)
        return y

    @staticmethod
    def backward(ctx, grad):
        x, y = ctx.saved_tensors
        p = ctx.ord
        if p == 0:
            return x * 0, None, None, None
        if not ctx.keepdim and ctx.dims:
            kept = list(x.shape)
            for d in ctx.dims:
                kept[d] = 1
            grad, y = grad.reshape(kept), y.reshape(kept)
        if p == 1:
            return x.sgn() * grad, None, None, None
        if p in (math.inf, -math.inf):
            mask = (x.abs() == y).to(grad.dtype)
            count = mask.sum(ctx.dims, keepdim=True)
            return x.sgn() * mask * (grad / count), None, None, None
        zero = y.eq(0)
        if p == 2:
            return x * compare.where(zero, 0.0, grad / y), None, None, None
        if p < 1:
            scaled = x.sgn() * compare.where(x.eq(0), 0.0, x.abs() ** (p - 1))
            return scaled * grad * y ** (1 - p), None, None, None
        scaled = x.sgn() * x.abs() ** (p - 1) if p < 2 else x * x.abs() ** (p - 2)
        return scaled * compare.where(zero, 0.0, grad / y ** (p - 1)), None, None, None


def _norm_input(op_name, x, dtype):
    """x, converted to dtype when one is given: a floating dtype for a real x, a complex one
    for a complex x, as torch requires."""
    _require_tensors(op_name, x)
    if x._data.dtype not in _dtype.DIFFERENTIABLE_NP:
        raise RuntimeError(f"{op_name}: Expected a floating point or complex tensor as input. "
                           f"Got {_type_name(x)}")
    if dtype is not None:
        dtype = _dtype.to_dtype(dtype)
        if dtype.category < _dtype.FLOATING:
            raise RuntimeError(f"{op_name}: dtype should be floating point or complex, but got "
                               f"{_dtype.scalar_type_name(dtype)}")
        if dtype.is_complex != x.dtype.is_complex:
            kind = "complex" if x.dtype.is_complex else "real"
            raise RuntimeError(f"{op_name}: dtype should be {kind} for {kind} inputs, but got "
                               f"{_dtype.scalar_type_name(dtype)}")
        x = x.to(dtype)
    return x


def vector_norm(input, ord=2, dim=None, keepdim=False, *, dtype=None, out=None):
    """The p-norm of x = input over `dim` (all dims when None), x treated as one vector;
    x= names input too, as in torch.

    ord: p (any real), inf (max |x|), -inf (min |x|) or 0 (number of nonzeros).

    Example:
        >>> ember.linalg.vector_norm(ember.tensor([3., 4.]))
        tensor(5.)
    """
    x = _norm_input("linalg.vector_norm", input, dtype)
    if isinstance(ord, (str, builtins.bool)) or not isinstance(ord, (builtins.int,
                                                                    builtins.float)):
        raise TypeError(f"linalg.vector_norm(): argument 'ord' must be a number, not "
                        f"{type(ord).__name__}")
    if dim is not None and not isinstance(dim, builtins.int) and len(dim) == 0:
        dim = None  # torch: an empty dim list reduces over all dims
    dims = wrap_dims(dim, x._data.ndim, "linalg.vector_norm")
    if ord < 0 or ord == math.inf:
        shape = x._data.shape
        if any(shape[d] == 0 for d in dims) or (dim is None and x._data.size == 0):
            raise RuntimeError(
                f"linalg.vector_norm cannot compute the {ord} norm on an empty tensor because "
                f"the operation does not have an identity")
    result = VectorNorm.apply(x, float(ord), dims, keepdim)
    return result if out is None else _write_out(out, result)


def _matrix_dims(op_name, A, dim):
    if A._data.ndim < 2:
        raise RuntimeError(f"{op_name}: The input tensor A must have at least 2 dimensions.")
    if not isinstance(dim, (tuple, list)) or len(dim) != 2:
        raise RuntimeError(f"{op_name}: dim must be a 2-tuple. Got {dim}")
    dims = tuple(wrap_dim(d, A._data.ndim, op_name) for d in dim)
    if dims[0] == dims[1]:
        raise RuntimeError(f"{op_name}: dims must be different. Got ({dim[0]}, {dim[1]})")
    return dims


def matrix_norm(input, ord="fro", dim=(-2, -1), keepdim=False, *, dtype=None, out=None):
    """A matrix norm over the two dims `dim`: 'fro' (Frobenius), 'nuc' (sum of singular
    values), inf / -inf (max / min row sum of |A|), 1 / -1 (max / min column sum of |A|),
    2 / -2 (largest / smallest singular value).

    Example:
        >>> ember.linalg.matrix_norm(ember.ones(2, 2), ord=1)
        tensor(2.)
    """
    A = _norm_input("linalg.matrix_norm", input, dtype)  # See NOTE [ input, not A ]
    d0, d1 = _matrix_dims("linalg.matrix_norm", A, dim)
    if ord == "fro":
        result = vector_norm(A, 2, (d0, d1), keepdim)
    elif ord in (1, -1, math.inf, -math.inf):
        summed, reduced = (d0, d1) if ord in (1, -1) else (d1, d0)
        sums = vector_norm(A, 1, summed, keepdim=True)
        if A._data.shape[reduced] == 0:
            # as torch: the max over no sums is 0, the min has no identity
            _raise_empty_min(ord, reduced)
            result = sums.sum(reduced, keepdim=True)
        else:
            result = vector_norm(sums, math.inf if ord > 0 else -math.inf, reduced,
                                 keepdim=True)
        if not keepdim:
            result = result.squeeze((d0, d1))
    elif ord in ("nuc", 2, -2):
        moved = A.permute([d for d in builtins.range(A._data.ndim) if d not in (d0, d1)]
                          + [d0, d1])
        values = svdvals(moved)
        if ord == "nuc" or values._data.shape[-1] == 0:
            _raise_empty_min(ord, -1)
            result = values.sum(-1)
        else:
            result = vector_norm(values, math.inf if ord == 2 else -math.inf, -1)
        if keepdim:
            for d in sorted((d0, d1)):
                result = result.unsqueeze(d)
    else:
        raise RuntimeError(f"linalg.matrix_norm: Order {ord} not supported.")
    return result if out is None else _write_out(out, result)


def _raise_empty_min(ord, dim):
    if ord in (-1, -2, -math.inf):
        raise IndexError(f"amin(): Expected reduction dim {dim} to have non-zero size. "
                           f"(linalg.matrix_norm of order {ord} of an empty matrix)")


def vecdot(x, y, *, dim=-1, out=None):
    """Dot products of vectors along `dim`, broadcasting the other dims: sum(conj(x) * y, dim)
    (x conjugated, as torch, when complex).

    Example:
        >>> ember.linalg.vecdot(ember.tensor([1j, 2.]), ember.tensor([1j, 1.]))
        tensor(3.+0.j)
    """
    _require_tensors("linalg.vecdot", x, y)
    if x._data.ndim and y._data.ndim:
        size_x = x._data.shape[wrap_dim(dim, x._data.ndim, "linalg.vecdot")]
        size_y = y._data.shape[wrap_dim(dim, y._data.ndim, "linalg.vecdot")]
        if size_x != size_y and 1 not in (size_x, size_y):
            raise RuntimeError(
                f"inconsistent tensor size, expected tensor [{size_x}] and src [{size_y}] to "
                f"have the same number of elements, but got {size_x} and {size_y} elements "
                f"respectively")
    if x._data.dtype != y._data.dtype:
        raise RuntimeError(f"linalg.vecdot: Expected x and y to have the same dtype, but found x "
                           f"of type {_type_name(x)} and y of type {_type_name(y)} instead")
    result = (x.conj() * y).sum(dim)
    return result if out is None else _write_out(out, result)


# -- singular values (the nuclear and spectral norms need them) -------------------------

class Svd(Op):
    """A = U diag(S) Vh (reduced), S real;  grad_A by the formula of torch's svd_backward:
    U [(skew(U^H gU) S + S skew(Vh gVh^H)) / E + diag(gS)] Vh, skew(X) = X - X^H,
    E_jk = S_k^2 - S_j^2 (1 on the diagonal); for complex A plus U diag(skew(U^H gU)_jj / 2S_j)
    Vh, the term of the vectors' phases; plus the terms for the part of gU (gVh) outside U's
    (Vh's) span when A is tall (wide):  (I - U U^H) gU S^-1 Vh  (U S^-1 gVh (I - Vh^H Vh)).

    Complex singular vectors are defined up to a phase e^{i phi} shared by U's and V's column
    j: as torch, backward raises when the loss depends on it.
    """

    @staticmethod
    def forward(ctx, A, full_matrices):
        if A.dtype in _HALF:
            raise RuntimeError("linalg.svd: Low precision dtypes not supported. Got Half")
        U, S, Vh = ctx.xp.linalg.svd(A, full_matrices=full_matrices)
        ctx.full = full_matrices and A.shape[-1] != A.shape[-2]
        ctx.set_materialize_grads(False)
        ctx.save_for_backward(U, S, Vh)
        return U, S, Vh

    @staticmethod
    def backward(ctx, grad_U, grad_S, grad_Vh):
        U, S, Vh = ctx.saved_tensors
        if ctx.full and (grad_U is not None or grad_Vh is not None):
            raise RuntimeError(
                "linalg.svd: The derivative of linalg.svd is not implemented when "
                "full_matrices=True. Use full_matrices=False.")
        m, n = U.shape[-2], Vh.shape[-1]
        if grad_U is None and grad_Vh is None:
            if grad_S is None:
                return None, None
            return (matmul(U, grad_S.unsqueeze(-1) * Vh) if m >= n
                    else matmul(U * grad_S.unsqueeze(-2), Vh)), None
        from .ops.creation import eye
        k = S.shape[-1]
        identity = eye(k, dtype=S.dtype, device=S.device)
        S2 = S * S
        E = S2.unsqueeze(-2) - S2.unsqueeze(-1) + identity  # 1 on the diagonal, as torch
        if grad_U is not None:
            UhgU = matmul(U.mH, grad_U)
            UhgU = UhgU - UhgU.mH
        if grad_Vh is not None:
            VhgV = matmul(Vh, grad_Vh.mH)
            VhgV = VhgV - VhgV.mH
        is_complex = U._data.dtype.kind == "c"
        if is_complex:
            phases_U = UhgU._data.diagonal(0, -2, -1).imag if grad_U is not None else 0
            phases_V = VhgV._data.diagonal(0, -2, -1).imag if grad_Vh is not None else 0
            if not _phase_invariant(phases_U, -phases_V):
                raise RuntimeError(
                    "svd_backward: The singular vectors in the complex case are specified up to "
                    "multiplication by e^{i phi}. The specified loss function depends on this "
                    "phase term, making it ill-defined.")
        if grad_U is not None and grad_Vh is not None:
            inner_grad = (UhgU * S.unsqueeze(-2) + S.unsqueeze(-1) * VhgV) / E
        elif grad_U is not None:
            inner_grad = UhgU * (S.unsqueeze(-2) / E)
        else:
            inner_grad = S.unsqueeze(-1) * (VhgV / E)
        if grad_S is not None:
            inner_grad = inner_grad + grad_S.unsqueeze(-1) * identity
        if is_complex and grad_U is not None:
            inner_grad = inner_grad + (UhgU.diagonal(0, -2, -1) / (2 * S)).diag_embed()
        if m > n and grad_U is not None:
            grad_A = matmul(U, inner_grad)
            scaled = grad_U / S.unsqueeze(-2)
            grad_A = grad_A + scaled - matmul(U, matmul(U.mH, scaled))
            grad_A = matmul(grad_A, Vh)
        elif m < n and grad_Vh is not None:
            grad_A = matmul(inner_grad, Vh)
            scaled = grad_Vh / S.unsqueeze(-1)
            grad_A = grad_A + scaled - matmul(matmul(scaled, Vh.mH), Vh)
            grad_A = matmul(U, grad_A)
        else:
            grad_A = matmul(U, matmul(inner_grad, Vh))
        return grad_A, None


def _phase_invariant(actual, expected):
    """allclose(actual, expected, rtol=1e-2, atol=1e-2) on arrays: torch's deliberately lax
    test that a loss does not depend on the phases of complex eigen- or singular vectors (a
    NaN fails it)."""
    difference = actual - expected
    xp = xp_of(difference)
    return builtins.bool((xp.abs(difference) <= 1e-2 + 1e-2 * xp.abs(expected)).all())


def _check_matrix_input(op_name, A):
    _require_tensors(op_name, A)
    if A._data.ndim < 2:
        raise RuntimeError(f"{op_name}: The input tensor A must have at least 2 dimensions.")
    if A._data.dtype not in _dtype.DIFFERENTIABLE_NP:
        raise RuntimeError(f"{op_name}: Expected a floating point or complex tensor as input. "
                           f"Got {_type_name(A)}")


def _svd(A, full_matrices):
    _check_matrix_input("linalg.svd", A)
    return Svd.apply(A, builtins.bool(full_matrices))


def svdvals(A, *, driver=None, out=None):
    """The singular values of A (batched over leading dims), in descending order."""
    _check_matrix_input("linalg.svdvals", A)
    if A.requires_grad:
        result = Svd.apply(A, False)[1]
    else:
        values = A._data
        if values.dtype in _HALF:
            raise RuntimeError("linalg.svd: Low precision dtypes not supported.")
        result = Tensor._make(xp_of(values).linalg.svd(values, compute_uv=False))
    return result if out is None else _write_out(out, result)


def norm(input, ord=None, dim=None, keepdim=False, *, out=None, dtype=None):
    """A vector norm or a matrix norm, chosen as torch.linalg.norm does.

    dim an int (or 1-tuple): vector norm; dim a 2-tuple: matrix norm; dim None: with ord None
    the 2-norm of all elements, otherwise a vector norm for 1-D A and a matrix norm for 2-D A.

    Example:
        >>> ember.linalg.norm(ember.tensor([[3., 0.], [0., 4.]]))
        tensor(5.)
    """
    A = input  # See NOTE [ input, not A ]
    if isinstance(dim, builtins.int):
        dim = (dim,)
    if dim is not None:
        if len(dim) == 1:
            result = vector_norm(A, 2 if ord is None else ord, dim, keepdim, dtype=dtype)
        elif len(dim) == 2:
            result = matrix_norm(A, "fro" if ord is None else ord, dim, keepdim, dtype=dtype)
        else:
            raise RuntimeError(f"linalg.norm: If dim is specified, it must be of length 1 or 2. "
                               f"Got {list(dim)}")
    elif ord is None:
        result = vector_norm(A, 2, None, keepdim, dtype=dtype)
    elif A.ndim == 2:
        result = matrix_norm(A, ord, (-2, -1), keepdim, dtype=dtype)
    elif A.ndim == 1:
        if isinstance(ord, str):
            raise RuntimeError(f"linalg.matrix_norm: The input tensor A must have at least 2 "
                               f"dimensions (ord='{ord}' is a matrix norm; A is 1-D).")
        result = vector_norm(A, ord, None, keepdim, dtype=dtype)
    else:
        raise RuntimeError(f"linalg.norm: If dim is not specified but ord is, the input must be "
                           f"1D or 2D. Got {A.ndim}D.")
    return result if out is None else _write_out(out, result)


# -- checks shared by the decompositions --------------------------------------------------

def _check_square(op_name, A):
    if not isinstance(A, Tensor):
        raise TypeError(f"{op_name}(): argument 'A' must be Tensor, not {type(A).__name__}")
    if A._data.ndim < 2:
        raise RuntimeError(f"{op_name}: The input tensor A must have at least 2 dimensions.")
    rows, cols = A._data.shape[-2:]
    if rows != cols:
        raise RuntimeError(f"{op_name}: A must be batches of square matrices, but they are "
                           f"{rows} by {cols} matrices")
    _check_float(op_name, A)


def _check_float(op_name, A):
    if A._data.dtype not in _dtype.DIFFERENTIABLE_NP:
        raise RuntimeError(f"{op_name}: Expected a floating point or complex tensor as input. "
                           f"Got {_type_name(A)}")
    if A._data.dtype in _HALF:
        raise RuntimeError(f"{op_name}: Low precision dtypes not supported. Got "
                           f"{_type_name(A)}")


def _lapack(op_name, fn, *arrays, problem="the input matrix is singular"):
    """Run a numpy/cupy linalg routine; its LinAlgError becomes ember's, naming the op."""
    try:
        return fn(*arrays)
    except np.linalg.LinAlgError:
        raise LinAlgError(f"{op_name}: The computation could not be completed because "
                          f"{problem}.") from None


# -- inverse, determinants ----------------------------------------------------------------

class Inv(Op):
    """Y = A^-1;  grad_A = -Y^H g Y^H."""

    @staticmethod
    def forward(ctx, A):
        Y = _lapack("linalg.inv", ctx.xp.linalg.inv, A)
        ctx.save_for_backward(Y)
        return Y

    @staticmethod
    def backward(ctx, grad):
        (Y,) = ctx.saved_tensors
        return -matmul(Y.mH, matmul(grad, Y.mH))


def inv(A, *, out=None):
    """The inverse of a square matrix (batched); raises LinAlgError when A is singular.

    Example:
        >>> ember.linalg.inv(ember.tensor([[2., 0.], [0., 4.]]))
        tensor([[0.5000, 0.0000],
                [0.0000, 0.2500]])
    """
    _check_square("linalg.inv", A)
    result = Inv.apply(A)
    return result if out is None else _write_out(out, result)


class Det(Op):
    """d = det(A);  grad_A = g conj(d) A^-H."""

    @staticmethod
    def forward(ctx, A):
        d = ctx.xp.asarray(ctx.xp.linalg.det(A), dtype=A.dtype)
        ctx.save_for_backward(A, d)
        return d

    @staticmethod
    def backward(ctx, grad):
        A, d = ctx.saved_tensors
        return (grad * d.conj()).unsqueeze(-1).unsqueeze(-1) * inv(A).mH


def det(A, *, out=None):
    """The determinant of a square matrix (batched).

    Differs from PyTorch: the gradient at an exactly singular matrix raises LinAlgError
    (torch falls back to an SVD-based formula).
    """
    _check_square("linalg.det", A)
    result = Det.apply(A)
    return result if out is None else _write_out(out, result)


class Slogdet(Op):
    """(s, l) = (det A / |det A|, log |det A|);  grad_A = G A^-H with G = g_l for real A (its
    sign is piecewise constant) and G = g_l + i Im(g_s conj(s)) for complex A, whose sign
    turns with A (torch's slogdet_backward)."""

    @staticmethod
    def forward(ctx, A):
        sign, logabsdet = ctx.xp.linalg.slogdet(A)
        sign = ctx.xp.asarray(sign, dtype=A.dtype)
        ctx.save_for_backward(A, sign)
        ctx.set_materialize_grads(False)
        return sign, ctx.xp.asarray(logabsdet)

    @staticmethod
    def backward(ctx, grad_sign, grad_logabsdet):
        A, sign = ctx.saved_tensors
        G = grad_logabsdet
        if grad_sign is not None and sign._data.dtype.kind == "c":
            turn = (grad_sign * sign.conj()).imag * 1j
            G = turn if G is None else G + turn
        if G is None:
            return A.new_zeros(A.shape)
        return G.unsqueeze(-1).unsqueeze(-1) * inv(A).mH


def slogdet(A, *, out=None):
    """(sign, logabsdet) of det(A), stable where det itself would over- or underflow: sign is
    det / |det| (-1, 0 or 1 for real A, a complex number of modulus 1 or 0 for complex A),
    logabsdet = log |det| is real.

    Example:
        >>> ember.linalg.slogdet(ember.tensor([[2j, 0], [0, 1]]))
        ember.return_types.linalg_slogdet(
        sign=tensor(0.+1.j),
        logabsdet=tensor(0.6931))
    """
    _check_square("linalg.slogdet", A)
    result = return_types.linalg_slogdet(Slogdet.apply(A))
    if out is not None:
        _write_out(out[0], result.sign)
        _write_out(out[1], result.logabsdet)
    return result


def logdet(input):
    """log det(A): for real A nan where det(A) < 0 and -inf where it is 0; for complex A the
    principal logarithm, log(sign) + logabsdet."""
    sign, logabsdet = slogdet(input)
    if sign._data.dtype.kind == "c":
        return sign.log() + logabsdet
    return compare.where(sign.eq(-1), float("nan"), logabsdet)


# -- solving ------------------------------------------------------------------------------

class Solve(Op):
    """X = A^-1 B (B a batch of matrices);  grad_B = A^-H g,  grad_A = -grad_B X^H (both
    summed over broadcast batch dims)."""

    @staticmethod
    def forward(ctx, A, B):
        A_full, B_full = A, B
        if A.shape[:-2] != B.shape[:-2]:
            batch = np.broadcast_shapes(A.shape[:-2], B.shape[:-2])
            A_full = ctx.xp.broadcast_to(A, batch + A.shape[-2:])
            B_full = ctx.xp.broadcast_to(B, batch + B.shape[-2:])
        X = _lapack("linalg.solve", ctx.xp.linalg.solve, A_full, B_full)
        ctx.save_for_backward(A, X)
        ctx.shapes = (A.shape, B.shape)
        return X

    @staticmethod
    def backward(ctx, grad):
        A, X = ctx.saved_tensors
        A_shape, B_shape = ctx.shapes
        need_A, need_B = ctx.needs_input_grad
        grad_B = Solve.apply(A.mH, grad)
        grad_A = sum_to(-matmul(grad_B, X.mH), A_shape) if need_A else None
        return grad_A, (sum_to(grad_B, B_shape) if need_B else None)


def solve(A, B, *, left=True, out=None):
    """The X with A X = B (left=True) or X A = B (left=False), for square invertible A.

    B is a batch of vectors when it is 1-D or has A's shape without the last dim; otherwise a
    batch of matrices. Batch dims broadcast.

    Example:
        >>> ember.linalg.solve(ember.tensor([[2., 0.], [0., 4.]]), ember.tensor([2., 2.]))
        tensor([1.0000, 0.5000])
    """
    _check_square("linalg.solve", A)
    if not isinstance(B, Tensor):
        raise TypeError(f"linalg.solve(): argument 'B' must be Tensor, not {type(B).__name__}")
    if A._data.dtype != B._data.dtype:
        raise RuntimeError(f"linalg.solve: Expected A and B to have the same dtype, but found "
                           f"A of type {_type_name(A)} and B of type {_type_name(B)} instead")
    vector = B._data.ndim == 1 or (B._data.ndim == A._data.ndim - 1
                                   and B._data.shape == A._data.shape[:-1])
    if vector:
        if not left:
            raise RuntimeError("linalg.solve: Vector broadcasting of the left hand side is not "
                               "supported for left=False. In this case linalg.solve is "
                               "equivalent to B / A.squeeze(-1)")
        B = B.unsqueeze(-1)
    n = A._data.shape[-1]
    rhs_rows = B._data.shape[-2] if left else B._data.shape[-1]
    if B._data.ndim < 2 or rhs_rows != n:
        equation = "AX = B" if left else "XA = B"
        raise RuntimeError(
            f"linalg.solve: Incompatible shapes of A and B for the equation {equation} "
            f"({n}x{n} and {'x'.join(str(s) for s in B._data.shape[-2:])})")
    try:
        np.broadcast_shapes(A._data.shape[:-2], B._data.shape[:-2])
    except ValueError:
        raise RuntimeError(f"linalg.solve: the batch dims of A {list(A.shape)} and B "
                           f"{list(B.shape)} don't broadcast") from None
    result = Solve.apply(A, B) if left else Solve.apply(A.mT, B.mT).mT
    if vector:
        result = result.squeeze(-1)
    return result if out is None else _write_out(out, result)


class SolveTriangular(Op):
    """X = T^-1 B for the triangle T of A (its diagonal taken as ones when unitriangular);
    grad_B = T^-H g,  grad_A = -(grad_B X^H) on T's triangle. A zero on the diagonal gives
    inf/nan, as in torch, rather than an error."""

    @staticmethod
    def forward(ctx, A, B, upper, unitriangular):
        xp = ctx.xp
        ctx.shapes = (A.shape, B.shape)
        batch = np.broadcast_shapes(A.shape[:-2], B.shape[:-2])
        T = xp.broadcast_to(A, batch + A.shape[-2:])
        X = xp.array(xp.broadcast_to(B, batch + B.shape[-2:]))
        n = T.shape[-1]
        for i in (range(n - 1, -1, -1) if upper else range(n)):
            done = slice(i + 1, n) if upper else slice(0, i)
            X[..., i, :] -= (T[..., i:i + 1, done] @ X[..., done, :])[..., 0, :]
            if not unitriangular:
                X[..., i, :] /= T[..., i, i, None]
        ctx.options = (upper, unitriangular)
        ctx.save_for_backward(A, X)
        return X

    @staticmethod
    def backward(ctx, grad):
        A, X = ctx.saved_tensors
        upper, unitriangular = ctx.options
        A_shape, B_shape = ctx.shapes
        need_A, need_B = ctx.needs_input_grad[:2]
        grad_B = SolveTriangular.apply(A.mH, grad, not upper, unitriangular)
        grad_A = None
        if need_A:
            grad_A = -matmul(grad_B, X.mH)
            offset = 1 if unitriangular else 0
            grad_A = sum_to(grad_A.triu(offset) if upper else grad_A.tril(-offset), A_shape)
        return grad_A, (sum_to(grad_B, B_shape) if need_B else None), None, None


def solve_triangular(input, B, *, upper, left=True, unitriangular=False, out=None):
    """The X with T X = B (left=True) or X T = B (left=False), T the upper or lower triangle
    of A (with ones on the diagonal when unitriangular); the other triangle of A is not read.
    Batch dims broadcast; B must be a (batch of) matrices.

    Example:
        >>> ember.linalg.solve_triangular(ember.tensor([[2., 1.], [0., 4.]]),
        ...                               ember.tensor([[3.], [4.]]), upper=True)
        tensor([[1.],
                [1.]])
    """
    A = input  # See NOTE [ input, not A ]
    _check_square("linalg.solve_triangular", A)
    if not isinstance(B, Tensor):
        raise TypeError(f"linalg.solve_triangular(): argument 'B' must be Tensor, not "
                        f"{type(B).__name__}")
    if B._data.ndim < 2:
        raise RuntimeError("linalg.solve_triangular: The input tensor B must have at least 2 "
                           "dimensions.")
    _check_float("linalg.solve_triangular", B)
    n = A._data.shape[-1]
    rhs_rows = B._data.shape[-2] if left else B._data.shape[-1]
    if rhs_rows != n:
        raise RuntimeError(
            f"linalg.solve_triangular: Incompatible shapes of A and B for the equation "
            f"{'AX = B' if left else 'XA = B'} ({n}x{n} and "
            f"{'x'.join(str(s) for s in B._data.shape[-2:])})")
    try:
        np.broadcast_shapes(A._data.shape[:-2], B._data.shape[:-2])
    except ValueError:
        raise RuntimeError(f"linalg.solve_triangular: the batch dims of A {list(A.shape)} and "
                           f"B {list(B.shape)} don't broadcast") from None
    dtype = _dtype.promote_types(A.dtype, B.dtype)
    A, B = A.to(dtype), B.to(dtype)
    if left:
        result = SolveTriangular.apply(A, B, upper, unitriangular)
    else:  # X T = B is T^T X^T = B^T
        result = SolveTriangular.apply(A.mT, B.mT, not upper, unitriangular).mT
    return result if out is None else _write_out(out, result)


def cholesky_solve(B, L, upper=False, *, out=None):
    """The X with A X = B for A = L L^H (or U^H U when upper), given its Cholesky factor, as
    torch.cholesky_solve.

    Example:
        >>> L = ember.tensor([[2., 0.], [1., 1.]])
        >>> ember.cholesky_solve(ember.tensor([[4.], [3.]]), L)
        tensor([[1.],
                [0.]])
    """
    _check_square("cholesky_solve", L)
    if not isinstance(B, Tensor) or B._data.ndim < 2 or B._data.shape[-2] != L._data.shape[-1]:
        rows = L._data.shape[-1]
        got = "x".join(str(s) for s in getattr(B, "shape", ())[-2:])
        raise RuntimeError(f"Incompatible matrix sizes for cholesky_solve: each A matrix is "
                           f"{rows} by {rows} but each b matrix is {got.replace('x', ' by ')}")
    lower = L.mH if upper else L
    Y = solve_triangular(lower, B, upper=False)
    result = solve_triangular(lower.mH, Y, upper=True)
    return result if out is None else _write_out(out, result)


class Cholesky(Op):
    """A = L L^H with L lower triangular;
    grad_A = L^-H Phi(L^H gL) L^-1, Phi(X) = the lower triangle of X, its diagonal halved,
    mirrored into the upper one (conjugated) (torch's cholesky_backward)."""

    @staticmethod
    def forward(ctx, A):
        L = _lapack("linalg.cholesky", ctx.xp.linalg.cholesky, A,
                    problem="the input is not positive-definite")
        ctx.save_for_backward(L)
        return L

    @staticmethod
    def backward(ctx, grad):
        (L,) = ctx.saved_tensors
        n = L.shape[-1]
        xp = xp_of(L._data)
        lower = Tensor._make(xp.tri(n, n, 0, dtype=L._data.dtype))
        strict = Tensor._make(xp.tri(n, n, -1, dtype=L._data.dtype))
        phi = matmul(L.mH, grad) * lower
        phi = (phi + (phi * strict).mH) * 0.5
        phi = Solve.apply(L.mH, phi)                 # L^-H phi
        return Solve.apply(L.mT, phi.mT).mT           # (L^-H phi) L^-1


def cholesky(input, *, upper=False, out=None):
    """L with A = L L^H (or U = L^H with A = U^H U when upper) for Hermitian (symmetric)
    positive-definite A, read from its lower triangle; raises LinAlgError otherwise."""
    A = input  # See NOTE [ input, not A ]
    _check_square("linalg.cholesky", A)
    L = Cholesky.apply(A)
    result = L.mH if upper else L
    return result if out is None else _write_out(out, result)


# -- QR, SVD ------------------------------------------------------------------------------

class QR(Op):
    """A = Q R: Q with orthonormal columns, R upper triangular with a real diagonal;
    m >= n (mode 'reduced', or 'complete' with m = n):
      grad_A = [gQ + Q copyltu(M)] R^-H,  M = R gR^H - gQ^H Q,
    copyltu(M) = tril(M, -1) + tril(M, -1)^H + Re diag(M), M's lower triangle mirrored into
    its upper one; m < n, A = [X | Y] with X square: R = [R_X | Q^H Y], so
      grad_Y = Q gR_Y,  grad_X = the square case for gQ + Y gR_Y^H and gR_X
    (torch's linalg_qr_backward)."""

    @staticmethod
    def forward(ctx, A, mode):
        Q, R = ctx.xp.linalg.qr(A, mode=mode)
        ctx.mode = mode
        ctx.set_materialize_grads(False)
        ctx.save_for_backward(Q, R)
        return Q, R

    @staticmethod
    def backward(ctx, grad_Q, grad_R):
        Q, R = ctx.saved_tensors
        m, n = Q.shape[-2], R.shape[-1]
        if m > n and ctx.mode == "complete":
            raise RuntimeError("The QR decomposition is not differentiable when "
                               "mode='complete' and nrows > ncols.")
        if m >= n:
            return _qr_backward(Q, R, grad_Q, grad_R), None
        from .ops.join import cat
        R_X, R_Y = R[..., :m], R[..., m:]
        grad_R_X = None
        if grad_R is None:
            grad_Y = R_Y.new_zeros(R_Y.shape)
        else:
            grad_R_X, grad_R_Y = grad_R[..., :m], grad_R[..., m:]
            Y_grad_R_Y = matmul(matmul(Q, R_Y), grad_R_Y.mH)  # Y = Q R_Y
            grad_Q = Y_grad_R_Y if grad_Q is None else grad_Q + Y_grad_R_Y
            grad_Y = matmul(Q, grad_R_Y)
        return cat([_qr_backward(Q, R_X, grad_Q, grad_R_X), grad_Y], -1), None


def _qr_backward(Q, R, grad_Q, grad_R):
    """grad_A of A = Q R for m >= n (see QR)."""
    M = 0
    if grad_R is not None:
        M = matmul(R, grad_R.mH)
    if grad_Q is not None:
        M = M - matmul(grad_Q.mH, Q)
    strict = M.tril(-1)
    copyltu = strict + strict.mH + M.diagonal(0, -2, -1).real.diag_embed()
    B = matmul(Q, copyltu)
    if grad_Q is not None:
        B = B + grad_Q
    return Solve.apply(R, B.mH).mH  # B R^-H = (R^-1 B^H)^H


def qr(A, mode="reduced", *, out=None):
    """(Q, R) with A = Q R, Q orthonormal columns, R upper triangular.

    mode: 'reduced' (Q is m x k, k = min(m, n)), 'complete' (Q is m x m) or 'r' (only R; Q
    is empty).
    """
    if mode not in ("reduced", "complete", "r"):
        raise RuntimeError(f"qr received unrecognized mode '{mode}' but expected one of "
                           f"'reduced' (default), 'r', or 'complete'")
    if not isinstance(A, Tensor) or A._data.ndim < 2:
        raise RuntimeError("linalg.qr: The input tensor A must have at least 2 dimensions.")
    _check_float("linalg.qr", A)
    if mode == "r":
        R = Tensor._make(xp_of(A._data).linalg.qr(A._data, mode="r"))
        Q = Tensor._make(xp_of(A._data).empty((0,), dtype=A._data.dtype))
        return return_types.linalg_qr((Q, R))
    return return_types.linalg_qr(QR.apply(A, mode))


def svd(A, full_matrices=True, *, driver=None, out=None):
    """(U, S, Vh) with A = U diag(S) Vh, singular values descending.

    Differentiable when full_matrices=False (or A is square), assuming distinct singular
    values, as torch.
    """
    return return_types.linalg_svd(_svd(A, full_matrices))


def _cutoff(shape, values, atol, rtol):
    """max(atol, rtol * largest value) per matrix of the given shape, as an array broadcast
    with tensor (or array) atol and rtol; rtol defaults to eps * max(m, n), or to 0 where
    atol > 0 (torch's rule)."""
    xp = xp_of(values)
    largest = values.max(-1) if values.shape[-1] else xp.zeros(values.shape[:-1], values.dtype)
    atol = 0.0 if atol is None else (atol._data if isinstance(atol, Tensor) else atol)
    if rtol is None:
        rtol = np.finfo(values.dtype).eps * builtins.max(shape[-2:])
        rtol = xp.where(xp.asarray(atol) > 0, 0.0, rtol)
    elif isinstance(rtol, Tensor):
        rtol = rtol._data
    return xp.maximum(atol, rtol * largest).astype(values.dtype)


class Pinv(Op):
    """A^+ = V diag(1/s) U^H from the SVD A = U diag(s) V^H (or from A = V diag(w) V^H when
    hermitian), values at most the cutoff taken as zero;
    grad_A = pinv_backward(g, A^+, A), torch's derivative of the pseudo-inverse of a general
    matrix of locally constant rank (torch uses it when hermitian too, although A^+ then
    reads only A's lower triangle)."""

    @staticmethod
    def forward(ctx, A, hermitian, atol, rtol):
        xp = ctx.xp
        if hermitian:
            S, U = xp.linalg.eigh(A)
            Vh = xp.conj(xp.swapaxes(U, -1, -2))
            magnitudes = xp.abs(S)
        else:
            U, S, Vh = xp.linalg.svd(A, full_matrices=False)
            magnitudes = S
        keep = magnitudes > _cutoff(A.shape, magnitudes, atol, rtol)[..., None]
        inverse = xp.where(keep, 1 / xp.where(keep, S, 1), 0)
        pinvA = (xp.conj(xp.swapaxes(Vh, -1, -2)) * inverse[..., None, :]
                 ) @ xp.conj(xp.swapaxes(U, -1, -2))
        ctx.save_for_backward(A, pinvA)
        return pinvA

    @staticmethod
    def backward(ctx, grad):
        A, pinvA = ctx.saved_tensors
        return _pinv_backward(grad, pinvA, A), None, None, None


def _pinv_backward(grad, pinvA, A):
    """The gradient of A from that of pinv(A), as torch's pinv_backward (written for the
    smaller of the two products)."""
    m, n = A.shape[-2:]
    pinvAh, gradh = pinvA.mH, grad.mH
    if m <= n:
        K = matmul(gradh, pinvA)
        KpinvAh = matmul(K, pinvAh)
        return (-matmul(pinvA, K).mH + KpinvAh - matmul(matmul(A, pinvA), KpinvAh)
                + matmul(matmul(pinvAh, pinvA), gradh - matmul(K, A)))
    K = matmul(pinvA, gradh)
    pinvAhK = matmul(pinvAh, K)
    return (-matmul(K, pinvA).mH + matmul(matmul(gradh - matmul(A, K), pinvA), pinvAh)
            + pinvAhK - matmul(matmul(pinvAhK, pinvA), A))


def pinv(input, rcond=None, hermitian=False, *, atol=None, rtol=None, out=None):
    """The Moore-Penrose pseudo-inverse: A^+ = V diag(1/s) U^H from the SVD (V diag(1/w) V^H
    from eigh, reading A's lower triangle, when hermitian), singular values (|eigenvalues|)
    at most max(atol, rtol * largest) taken as zero; rtol defaults to eps * max(m, n), or 0
    when atol > 0. atol and rtol may be tensors broadcasting with A's batch dims.

    Example:
        >>> ember.linalg.pinv(ember.tensor([[2., 0.], [0., 0.]]))
        tensor([[0.5000, 0.0000],
                [0.0000, 0.0000]])
    """
    A = input  # See NOTE [ input, not A ]
    if rcond is not None:  # torch's older form: rcond is rtol
        if atol is not None or rtol is not None:
            raise TypeError("linalg.pinv(): rcond cannot be given with atol or rtol")
        rtol = rcond
    if not isinstance(A, Tensor) or A._data.ndim < 2:
        raise RuntimeError("linalg.pinv: The input tensor A must have at least 2 dimensions.")
    _check_float("linalg.pinv", A)
    if hermitian:
        _check_square("linalg.pinv", A)
    result = Pinv.apply(A, builtins.bool(hermitian), atol, rtol)
    return result if out is None else _write_out(out, result)


def matrix_power(input, n, *, out=None):
    """A @ A @ ... @ A (n times) for integer n; n = 0 gives the identity, n < 0 powers of
    A's inverse. Uses repeated squaring."""
    A = input  # See NOTE [ input, not A ]
    if not isinstance(A, Tensor) or A._data.ndim < 2 or A._data.shape[-1] != A._data.shape[-2]:
        shape = list(A.shape[-2:]) if isinstance(A, Tensor) else []
        raise RuntimeError(f"linalg.matrix_power: A must be batches of square matrices, but "
                           f"they are {' by '.join(str(s) for s in shape)} matrices")
    if not isinstance(n, builtins.int):
        raise TypeError(f"linalg.matrix_power(): argument 'n' must be int, not "
                        f"{type(n).__name__}")
    if n == 0:
        from .ops.creation import eye
        identity = eye(A._data.shape[-1], dtype=A.dtype, device=A.device)
        # where(False, A, I): the identity, joined to A's graph with a zero gradient, as torch
        result = compare.where(A.new_zeros((), dtype=_dtype.bool), A, identity)
    else:
        base = inv(A) if n < 0 else A
        n = builtins.abs(n)
        result = None
        while n:
            if n & 1:
                result = base if result is None else matmul(result, base)
            n >>= 1
            if n:
                base = matmul(base, base)
        if result is A:
            result = A.clone()
    return result if out is None else _write_out(out, result)


def multi_dot(tensors, *, out=None):
    """tensors[0] @ tensors[1] @ ...; the first may be 1-D (a row), the last 1-D (a column),
    the rest must be 2-D."""
    tensors = list(tensors)
    if len(tensors) < 2:
        raise RuntimeError(f"multi_dot(): expected at least 2 tensors but got {len(tensors)}")
    for index, t in enumerate(tensors):
        allowed = (1, 2) if index in (0, len(tensors) - 1) else (2,)
        if t.ndim not in allowed:
            raise RuntimeError(f"multi_dot(): tensor {index} must be "
                               f"{' or '.join(f'{d}D' for d in allowed)} but got {t.ndim}D")
    result = tensors[0]
    for t in tensors[1:]:
        result = matmul(result, t)
    return result if out is None else _write_out(out, result)


def matrix_rank(input, tol=None, hermitian=False, *, atol=None, rtol=None, out=None):
    """The number of singular values (|eigenvalues| when hermitian) above
    max(atol, rtol * largest), as int64; the tolerances as in pinv.

    Example:
        >>> ember.linalg.matrix_rank(ember.ones(3, 3))
        tensor(1)
    """
    A = input  # See NOTE [ input, not A ]
    if tol is not None:  # torch's older form: tol is atol, and rtol 0
        if atol is not None or rtol is not None:
            raise TypeError("linalg.matrix_rank(): tol cannot be given with atol or rtol")
        atol, rtol = tol, 0.0
    _check_matrix_input("linalg.matrix_rank", A)
    _check_float("linalg.matrix_rank", A)
    data = A._data
    xp = xp_of(data)
    if hermitian:
        _check_square("linalg.matrix_rank", A)
        values = xp.abs(xp.linalg.eigvalsh(data))
    else:
        values = xp.linalg.svd(data, compute_uv=False)
    result = Tensor._make((values > _cutoff(data.shape, values, atol, rtol)[..., None]).sum(-1)
                          .astype(np.int64))
    return result if out is None else _write_out(out, result)


# -- Tensor methods -----------------------------------------------------------------------

Tensor.det = det
Tensor.logdet = logdet
Tensor.slogdet = lambda self: slogdet(self)
Tensor.inverse = inv
Tensor.pinverse = lambda self, rcond=1e-15: pinv(self, rtol=rcond)
Tensor.matrix_power = matrix_power

# The LU family, the eigendecompositions and the other solvers live in their own modules to
# keep files short; they use this module's checks and ops, so they are imported last.
from ._linalg_lu import (inv_ex, lu, lu_factor, lu_factor_ex, lu_solve,  # noqa: E402
                         solve_ex)
from ._linalg_eig import eig, eigh, eigvals, eigvalsh  # noqa: E402
from ._linalg_solvers import (cholesky_ex, cond, diagonal, lstsq, tensorinv,  # noqa: E402
                              tensorsolve, vander)
