"""Eigendecompositions: linalg.eigh and eigvalsh (Hermitian or real symmetric matrices: real
eigenvalues, orthonormal eigenvectors) and linalg.eig and eigvals (any square matrix: complex
eigenvalues and eigenvectors, also for a real matrix).

Each eigenvector is defined up to a factor: LAPACK, and torch, return vectors of unit norm
(geev's with their largest component real). A complex eigenvector keeps a free phase e^{i phi};
as torch, backward raises when the loss depends on it (NOTE [ Eigenvector phases ]).

ember.linalg re-exports these (split out of linalg.py to keep files short).
"""
from . import _dtype, return_types
from ._tensor import Tensor
from .autograd.function import Op
from .backend import CPU, backend_for_device, backend_of, xp_of
from .linalg import Solve, _check_square, _lapack, _phase_invariant
from .ops.creation import eye
from .ops.elementwise import _write_out
from .ops.linalg import _HALF, _type_name, matmul

__all__ = ["eigh", "eigvalsh", "eig", "eigvals"]

# NOTE [ Eigenvector phases ]
# If v is a unit eigenvector so is e^{i phi} v. A loss is well defined only if it does not
# change under that factor, which makes Im diag(V^H gV) zero: torch checks this in backward,
# with allclose(., 0, rtol=1e-2, atol=1e-2), and raises when it fails; so does ember.


def _check_phases(op_name, VhgV):
    """Raise torch's error where a complex V^H gV has a diagonal with imaginary parts."""
    if VhgV._data.dtype.kind == "c" and not _phase_invariant(
            VhgV._data.diagonal(0, -2, -1).imag, 0):
        raise RuntimeError(
            f"{op_name}: The eigenvectors in the complex case are specified up to "
            f"multiplication by e^{{i phi}}. The specified loss function depends on this "
            f"quantity, so it is ill-defined.")


# -- Hermitian matrices -------------------------------------------------------------------

class Eigh(Op):
    """A = V diag(w) V^H for Hermitian A (read from its lower or upper triangle), w real;
    grad_A = V [(V^H gV - gV^H V) / 2E, with diagonal gw] V^H,  E_ij = w_j - w_i
    (torch's linalg_eig_backward for Hermitian A; with no gV, V diag(gw) V^H)."""

    @staticmethod
    def forward(ctx, A, UPLO):
        w, V = ctx.xp.linalg.eigh(A, UPLO=UPLO)
        ctx.set_materialize_grads(False)
        ctx.save_for_backward(w, V)
        return w, V

    @staticmethod
    def backward(ctx, grad_w, grad_V):
        w, V = ctx.saved_tensors
        if grad_V is None:
            return matmul(V * grad_w.unsqueeze(-2), V.mH), None
        VhgV = matmul(V.mH, grad_V)
        _check_phases("linalg_eigh_backward", VhgV)
        identity = eye(w.shape[-1], dtype=w.dtype, device=w.device)
        E = w.unsqueeze(-2) - w.unsqueeze(-1) + identity  # the diagonal is never used
        inner_grad = (VhgV - VhgV.mH) * 0.5 / E
        if grad_w is not None:
            inner_grad = inner_grad * (1 - identity) + grad_w.diag_embed()
        return matmul(V, matmul(inner_grad, V.mH)), None


def eigh(input, UPLO="L", *, out=None):
    """(eigenvalues ascending, eigenvectors as columns) of a Hermitian (real symmetric)
    matrix, read from its lower (UPLO='L') or upper ('U') triangle: A = V diag(w) V^H, w
    real.

    The gradient is that of the Hermitian matrix; it assumes distinct eigenvalues. For
    complex A, the loss must not depend on the eigenvectors' phases (see eig).

    Example:
        >>> ember.linalg.eigh(ember.tensor([[2., 1j], [-1j, 2.]])).eigenvalues
        tensor([1., 3.])
    """
    A = input  # See NOTE [ input, not A ] in linalg.py
    _check_square("linalg.eigh", A)
    if UPLO not in ("L", "U"):
        raise RuntimeError(f"Expected UPLO argument to be 'L' or 'U', but got {UPLO}")
    return _write_all(out, return_types.linalg_eigh(Eigh.apply(A, UPLO)))


def eigvalsh(input, UPLO="L", *, out=None):
    """The eigenvalues of a Hermitian (real symmetric) matrix, real and ascending."""
    A = input  # See NOTE [ input, not A ] in linalg.py
    result = eigh(A, UPLO)[0]
    return result if out is None else _write_out(out, result)


# -- general matrices ---------------------------------------------------------------------

def _geev(xp, A, op_name, vectors=True):
    """The eigenvalues (and unit eigenvectors) of A by LAPACK's geev, as complex arrays
    (numpy gives real ones where every eigenvalue is real). An array library without a general
    eigensolver (CuPy) has them computed on the host."""
    if not hasattr(xp.linalg, "eig"):
        backend, host = backend_of(A), backend_for_device(CPU)
        results = _geev(host.xp, host.to_device(A, CPU), op_name, vectors)
        device = backend.device_of(A)
        return tuple(backend.to_device(result, device) for result in results)
    if not xp.isfinite(A).all():
        raise RuntimeError(f"torch.{op_name}: input tensor should not contain infs or NaNs.")
    complex_type = _dtype.BY_NUMPY[A.dtype].to_complex().np
    problem = "the algorithm did not converge"
    if not vectors:
        L = _lapack(op_name, xp.linalg.eigvals, A, problem=problem)
        return (L.astype(complex_type, copy=False),)
    L, V = _lapack(op_name, xp.linalg.eig, A, problem=problem)
    return L.astype(complex_type, copy=False), V.astype(complex_type, copy=False)


class Eig(Op):
    """A V = V diag(L), L and V complex, V's columns of unit norm; as torch's
    linalg_eig_backward:
      grad_A = V^-H [(V^H gV - V^H V Re diag(V^H gV)) / conj(E), with diagonal gL] V^H,
      E_ij = L_j - L_i;  with no gV, grad_A = V^-H diag(gL) V^H.
    The second term of V^H gV - ... keeps the columns' norms; a real A receives the real part.
    """

    node_name = "LinalgEigBackward0"

    @staticmethod
    def forward(ctx, A):
        L, V = _geev(ctx.xp, A, "linalg.eig")
        ctx.real_input = A.dtype.kind != "c"
        ctx.set_materialize_grads(False)
        ctx.save_for_backward(L, V)
        return L, V

    @staticmethod
    def backward(ctx, grad_L, grad_V):
        L, V = ctx.saved_tensors
        Vh = V.mH
        if grad_V is None:
            grad_A = Solve.apply(Vh, grad_L.unsqueeze(-1) * Vh)
        else:
            VhgV = matmul(Vh, grad_V)
            _check_phases("linalg_eig_backward", VhgV)
            VhgV = VhgV - matmul(Vh, V * VhgV.diagonal(0, -2, -1).real.unsqueeze(-2))
            identity = eye(L.shape[-1], dtype=L.dtype.to_real(), device=L.device)
            L_conj = L.conj()
            E_conj = L_conj.unsqueeze(-2) - L_conj.unsqueeze(-1) + identity
            inner_grad = VhgV / E_conj
            if grad_L is not None:
                inner_grad = inner_grad * (1 - identity) + grad_L.diag_embed()
            grad_A = Solve.apply(Vh, matmul(inner_grad, Vh))
        return grad_A.real if ctx.real_input else grad_A


def _check_eig_input(op_name, A):
    if isinstance(A, Tensor) and A._data.dtype in _HALF:
        raise NotImplementedError(f"\"linalg_eig_out_cpu\" not implemented for '{_type_name(A)}'")
    _check_square(op_name, A)


def eig(input, *, out=None):
    """(eigenvalues, eigenvectors as columns) of a square matrix: A V = V diag(L), both
    complex (complex64 for float32 A, complex128 for float64 A), in LAPACK's order, each
    eigenvector of unit norm with its largest component real, as torch.

    Gradient: torch's, assuming distinct eigenvalues; an eigenvector is defined only up to a
    factor e^{i phi}, so a loss that depends on it (V.real.sum(), say) raises in backward,
    while losses of the eigenvalues or of |V| are fine. Inputs with inf or NaN raise.

    Example:
        >>> ember.linalg.eig(ember.tensor([[0., -1.], [1., 0.]])).eigenvalues  # a rotation
        tensor([0.+1.j, 0.-1.j])
    """
    A = input  # See NOTE [ input, not A ] in linalg.py
    _check_eig_input("linalg.eig", A)
    return _write_all(out, return_types.linalg_eig(Eig.apply(A)))


def eigvals(input, *, out=None):
    """The eigenvalues of a square matrix, complex (see eig); differentiable.

    Differs from PyTorch: inf or NaN in A raise, as in eig (torch's eigvals returns unspecified
    values).

    Example:
        >>> ember.linalg.eigvals(ember.tensor([[2., 0.], [0., 3.]]))
        tensor([2.+0.j, 3.+0.j])
    """
    A = input  # See NOTE [ input, not A ] in linalg.py
    _check_eig_input("linalg.eigvals", A)
    if A.requires_grad:
        result = Eig.apply(A)[0]
    else:
        (values,) = _geev(xp_of(A._data), A._data, "linalg.eigvals", vectors=False)
        result = Tensor._make(values)
    return result if out is None else _write_out(out, result)


def _write_all(out, result):
    if out is not None:
        for target, value in zip(out, result):
            _write_out(target, value)
    return result
