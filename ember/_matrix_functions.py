"""Matrix functions built from matrix products: matrix_exp and householder_product.

Both are composites of ember ops (matmul, sums, slicing), so autograd differentiates them
and second derivatives work; ember.linalg re-exports them (it is split out of linalg.py,
which holds the decompositions and solvers, to keep files short).
"""
import math

from ._dtype import scalar_type_name
from ._tensor import Tensor
from .ops.creation import eye
from .ops.elementwise import _write_out
from .ops.linalg import matmul

# e^X by its Taylor series to this degree once ||X||_1 <= 1/2: the first term left out,
# 0.5^19 / 19!, is below float64 rounding.
_TAYLOR_DEGREE = 18
_SCALED_NORM = 0.5


def matrix_exp(input):
    """The matrix exponential e^A = sum_k A^k / k!, of a square matrix or a batch of them.

    Scaling and squaring: e^A = (e^(A / 2^s))^(2^s), with s the fewest halvings bringing the
    largest 1-norm in the batch to 1/2, where an 18-term Taylor series (Horner form) is exact
    to rounding. The gradient is autograd's through those products.

    Differs from PyTorch: torch picks a Pade/Taylor degree per matrix; results agree to
    rounding.

    Example:
        >>> ember.linalg.matrix_exp(ember.tensor([[0., 1.], [-1., 0.]]))  # a rotation
        tensor([[ 0.5403,  0.8415],
                [-0.8415,  0.5403]])
    """
    A = input  # See NOTE [ input, not A ] in linalg.py
    if A.ndim < 2 or A.shape[-1] != A.shape[-2]:
        shape = tuple(A.shape[-2:]) if A.ndim >= 2 else (A.numel(),)
        raise RuntimeError(f"linalg.matrix_exp: A must be batches of square matrices, but "
                           f"they are {shape[0]} by {shape[-1]} matrices")
    n = A.shape[-1]
    if n == 0:
        return A.clone()
    largest_norm = A.detach().abs().sum(-2).max().item()  # 1-norm: the largest column sum
    squarings = 0
    if largest_norm > _SCALED_NORM:
        squarings = math.ceil(math.log2(largest_norm / _SCALED_NORM))
    X = A / 2 ** squarings
    identity = eye(n, dtype=A.dtype, device=A.device)
    result = identity
    for k in range(_TAYLOR_DEGREE, 0, -1):  # I + X (I + X/2 (I + X/3 (...)))
        result = identity + matmul(X, result) / k
    for _ in range(squarings):
        result = matmul(result, result)
    return result


def householder_product(input, tau, *, out=None):
    """The first n columns of Q = H_1 H_2 ... H_k, H_i = I - tau_i v_i v_i^H, from the
    Householder vectors below the diagonal of A (m x n, m >= n >= k), as LAPACK's orgqr.

    v_i is e_i plus A's column i below the diagonal (the diagonal itself is taken as 1).

    Example:
        >>> ember.linalg.householder_product(ember.zeros(3, 2), ember.tensor([2., 0.]))
        tensor([[-1.,  0.],
                [ 0.,  1.],
                [ 0.,  0.]])
    """
    A = input  # See NOTE [ input, not A ] in linalg.py
    m, n = A.shape[-2], A.shape[-1]
    if m < n:
        raise RuntimeError("torch.linalg.householder_product: input.shape[-2] must be greater "
                           "than or equal to input.shape[-1]")
    if n < tau.shape[-1]:
        raise RuntimeError("torch.linalg.householder_product: input.shape[-1] must be greater "
                           "than or equal to tau.shape[-1]")
    if tau.dtype != A.dtype:
        raise RuntimeError(f"torch.linalg.householder_product: tau dtype "
                           f"{scalar_type_name(tau.dtype)} does not match input dtype "
                           f"{scalar_type_name(A.dtype)}")
    identity = eye(m, n, dtype=A.dtype, device=A.device)
    reflectors = A.tril(-1) + identity  # (*, m, n), column i is v_i
    Q = identity.expand(*A.shape)
    for i in reversed(range(tau.shape[-1])):  # Q <- H_i Q, applied right to left
        v = reflectors[..., :, i:i + 1]  # (*, m, 1)
        Q = Q - tau[..., i, None, None] * matmul(v, matmul(v.mH, Q))
    return Q if out is None else _write_out(out, Q, "linalg.householder_product")


# -- Tensor methods -----------------------------------------------------------------------

Tensor.matrix_exp = matrix_exp
