"""Randomized low-rank SVD and PCA (torch.svd_lowrank, torch.pca_lowrank), as torch writes
them (Halko, Martinsson and Tropp, 2009, algorithms 4.4 and 5.1): a random range finder
refined by `niter` power iterations, then the exact SVD of the small projected matrix.

Composites of ember ops (matmul, linalg.qr, linalg.svd), so they differentiate like those.
The random projection draws from ember's generator: results match torch's in shape, dtype
and accuracy, not in their random bits.
"""
from . import linalg
from .ops.random import randn

__all__ = ["svd_lowrank", "pca_lowrank"]


def _floating(A):
    """The dtype of the random projection: A's when floating or complex, as torch."""
    from ._dtype import get_default_dtype
    return A.dtype if A.is_floating_point() or A.is_complex() else get_default_dtype()


def _approximate_basis(A, q, niter, M):
    """Q with q orthonormal columns whose span approximates the range of A - M."""
    R = randn(A.shape[-1], q, dtype=_floating(A), device=A.device)
    X = A @ R if M is None else A @ R - M @ R
    Q = linalg.qr(X).Q
    for _ in range(niter):  # power iterations sharpen the basis for slowly decaying spectra
        X = A.mH @ Q if M is None else A.mH @ Q - M.mH @ Q
        Q = linalg.qr(X).Q
        X = A @ Q if M is None else A @ Q - M @ Q
        Q = linalg.qr(X).Q
    return Q


def svd_lowrank(A, q=6, niter=2, M=None):
    """(U, S, V) with A - M ~ U diag(S) V^T of rank q, from a randomized range finder.

    Example:
        >>> A = ember.randn(20, 3) @ ember.randn(3, 10)  # rank 3
        >>> U, S, V = ember.svd_lowrank(A, q=3)
        >>> bool(ember.allclose(U @ ember.diag(S) @ V.T, A, atol=1e-4))
        True
    """
    q = 6 if q is None else q
    niter = 2 if niter is None else niter
    m, n = A.shape[-2:]
    if M is not None:
        M = M.broadcast_to(A.shape)
    if m < n:  # work on the tall orientation
        A = A.mH
        M = None if M is None else M.mH
    Q = _approximate_basis(A, q, niter, M)
    B = Q.mH @ A if M is None else Q.mH @ A - Q.mH @ M
    U, S, Vh = linalg.svd(B, full_matrices=False)
    V = Vh.mH
    U = Q @ U
    return (V, S, U) if m < n else (U, S, V)


def pca_lowrank(A, q=None, center=True, niter=2):
    """(U, S, V) of svd_lowrank(A - column means) (or of A when center=False), with
    q = min(6, m, n) by default: V's columns are the principal directions.

    Example:
        >>> U, S, V = ember.pca_lowrank(ember.randn(50, 4), q=2)
        >>> V.shape
        ember.Size([4, 2])
    """
    m, n = A.shape[-2:]
    if q is None:
        q = min(6, m, n)
    elif not 0 <= q <= min(m, n):
        raise ValueError(f"q(={q}) must be non-negative integer and not greater than "
                         f"min(m, n)={min(m, n)}")
    if not niter >= 0:
        raise ValueError(f"niter(={niter}) must be non-negative integer")
    if not center:
        return svd_lowrank(A, q, niter=niter)
    return svd_lowrank(A - A.mean(dim=(-2,), keepdim=True), q, niter=niter)
