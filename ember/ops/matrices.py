"""Matrices built from tensors: kron, block_diag, diagflat, vander, cov, corrcoef,
chain_matmul, and the index pairs tril_indices / triu_indices.

All are compositions of differentiable ember ops (mul, cat, cumprod, matmul ...), so their
gradients are those ops' gradients.
"""
import builtins
import warnings

import numpy as np

from .. import _dtype
from .._tensor import Tensor
from ._inplace import inplace_method
from .complex import complex as complex_from_parts
from .creation import _target, full, ones, zeros
from .join import cat, flip
from .layout import check_layout, pinned
from .shape import diag

__all__ = ["kron", "block_diag", "diagflat", "vander", "cov", "corrcoef", "chain_matmul",
           "tril_indices", "triu_indices", "addr"]


def kron(input, other, *, out=None):
    """The Kronecker product: out[i * m + k, ...] = input[i, ...] * other[k, ...], with the
    shorter shape padded with leading ones.

    Example:
        >>> ember.kron(ember.tensor([1, 2]), ember.tensor([1, 10]))
        tensor([ 1, 10,  2, 20])
    """
    ndim = builtins.max(input.dim(), other.dim())
    a_shape = (1,) * (ndim - input.dim()) + tuple(input.shape)
    b_shape = (1,) * (ndim - other.dim()) + tuple(other.shape)
    a = input.reshape([size for n in a_shape for size in (n, 1)])   # (a0, 1, a1, 1, ...)
    b = other.reshape([size for n in b_shape for size in (1, n)])   # (1, b0, 1, b1, ...)
    result = (a * b).reshape([m * n for m, n in zip(a_shape, b_shape)])
    return result if out is None else out.copy_(result)


def block_diag(*tensors):
    """The tensors (0-d, 1-D as one row, or 2-D) along the diagonal of one matrix, zeros
    elsewhere; the dtype is their promoted dtype."""
    blocks = []
    for i, tensor in enumerate(tensors):
        if tensor.dim() > 2:
            raise RuntimeError(f"torch.block_diag: Input tensors must have 2 or fewer "
                               f"dimensions. Input {i} has {tensor.dim()} dimensions")
        blocks.append(tensor.reshape(1, -1) if tensor.dim() < 2 else tensor)
    if not blocks:
        return zeros(1, 0)
    dtype = blocks[0].dtype
    for block in blocks[1:]:
        dtype = _dtype.promote_types(dtype, block.dtype)
    width = builtins.sum(block.shape[1] for block in blocks)
    rows, left = [], 0
    for block in blocks:
        height, size = block.shape
        rows.append(cat([zeros(height, left, dtype=dtype, device=block.device), block.to(dtype),
                         zeros(height, width - left - size, dtype=dtype, device=block.device)],
                        dim=1))
        left += size
    return cat(rows, dim=0)


def diagflat(input, offset=0):
    """A square matrix with the flattened input on its `offset`-th diagonal."""
    return diag(input.reshape(-1), offset)


def vander(x, N=None, increasing=False):
    """The Vandermonde matrix of a 1-D x: columns x**(N-1), ..., x**0 (reversed when
    `increasing`). Integer inputs give int64, as in torch."""
    if x.dim() != 1:
        raise RuntimeError("x must be a one-dimensional tensor.")
    N = x.shape[0] if N is None else N
    if N < 0:
        raise RuntimeError("N must be non-negative.")
    if x.dtype.category < _dtype.FLOATING:
        x = x.to(_dtype.int64)
    if N == 0:
        return zeros(x.shape[0], 0, dtype=x.dtype, device=x.device)
    powers = cat([ones(x.shape[0], 1, dtype=x.dtype, device=x.device),
                  x.reshape(-1, 1).expand(x.shape[0], N - 1)], dim=1).cumprod(1)
    return powers if increasing else flip(powers, (1,))


def cov(input, *, correction=1, fweights=None, aweights=None):
    """The covariance matrix of the variables in input's rows (observations in columns; a
    1-D input is one variable), with optional frequency and observation weights:
    sum_k w_k (x_ik - mean_i) conj(x_jk - mean_j) / (degrees of freedom)."""
    if input.dim() > 2:
        raise RuntimeError(f"cov(): expected input to have two or fewer dimensions but got "
                           f"an input with {input.dim()} dimensions")
    x = input.reshape(1, -1) if input.dim() < 2 else input  # (variables, N)
    count = x.shape[1]
    dtype = x.dtype
    for name, w in (("fweights", fweights), ("aweights", aweights)):
        if w is not None:
            _check_weights(name, w, count)
    if aweights is not None:  # the result takes the weights' precision too (a float32 result
        dtype = _dtype.promote_types(dtype, aweights.dtype)  # for float16 x, float32 weights)
    if dtype.category < _dtype.FLOATING:
        dtype = _dtype.get_default_dtype()
    x = x.to(dtype)
    weights = None
    if fweights is not None:
        weights = fweights
    if aweights is not None:
        weights = aweights if weights is None else weights * aweights
    if weights is None:
        mean = x.mean(1, keepdim=True)
        total = count
        norm = count - correction
    else:
        weights = weights.to(x.dtype)
        total = weights.sum()
        mean = (x * weights).sum(1, keepdim=True) / total
        norm = total - (correction if aweights is None
                        else correction * (weights * aweights).sum() / total)
    if not isinstance(norm, Tensor) and norm <= 0:
        warnings.warn("cov(): degrees of freedom is <= 0. Correction should be strictly "
                      "less than the number of observations.", UserWarning, stacklevel=2)
        norm = 0
    centered = x - mean
    weighted = centered if weights is None else centered * weights
    result = (weighted @ centered.mH) / norm
    return result.reshape(()) if input.dim() < 2 or x.shape[0] == 1 else result


def _check_weights(name, weights, count):
    if weights.dim() > 1:
        raise RuntimeError(f"cov(): expected {name} to have one or fewer dimensions but got "
                           f"{name} with {weights.dim()} dimensions")
    if weights.numel() != count:
        raise RuntimeError(
            f"cov(): expected {name} to have the same numel as there are observations in the "
            f"input but got {weights.numel()} != {count}")
    integral = name == "fweights"
    if weights.is_floating_point() == integral:
        wanted = "integral" if integral else "floating point"
        raise RuntimeError(
            f"cov(): expected {name} to have {wanted} dtype but got {name} with "
            f"{_dtype.scalar_type_name(weights.dtype)} dtype")
    if weights.numel() and bool((weights < 0).any()):
        raise RuntimeError(f"cov(): {name} cannot be negative")


def corrcoef(input):
    """Pearson correlation coefficients of the variables in input's rows, clipped to
    [-1, 1] (for complex input the real and imaginary parts each, as torch)."""
    c = cov(input)
    if c.dim() == 0:
        return c / c
    std = c.diagonal().real.sqrt()
    c = c / std.reshape(-1, 1) / std.reshape(1, -1)
    if c.is_complex():
        return complex_from_parts(c.real.clamp(-1, 1), c.imag.clamp(-1, 1))
    return c.clamp(-1, 1)


def chain_matmul(*matrices, out=None):
    """The product of 2-D matrices, left to right (deprecated in torch for
    ember.linalg.multi_dot)."""
    warnings.warn("torch.chain_matmul is deprecated and will be removed in a future PyTorch "
                  "release. Use torch.linalg.multi_dot instead, which accepts a list of two "
                  "or more tensors rather than multiple parameters.", UserWarning, stacklevel=2)
    if not matrices:
        raise RuntimeError("chain_matmul(): Expected one or more matrices")
    for matrix in matrices:
        if matrix.dim() != 2:
            raise RuntimeError(f"Tensor dimension is {matrix.dim()}, expected 2 instead.")
    result = matrices[0].clone() if len(matrices) == 1 else matrices[0]
    for matrix in matrices[1:]:
        result = result @ matrix
    return result if out is None else out.copy_(result)


def addr(input, vec1, vec2, *, beta=1, alpha=1, out=None):
    """beta * input + alpha * outer(vec1, vec2), input broadcast to (len(vec1), len(vec2));
    beta = 0 ignores input (even its nan), and bool tensors use and / or, as torch.

    Example:
        >>> ember.addr(ember.zeros(2, 2), ember.tensor([1., 2.]), ember.tensor([1., 3.]))
        tensor([[1., 3.],
                [2., 6.]])
    """
    from .elementwise import _write_out
    from .linalg import _scaled_sum
    for name, vec in (("vec1", vec1), ("vec2", vec2)):
        if vec.dim() != 1:
            raise RuntimeError(f"addr: Expected 1-D argument {name}, but got {vec.dim()}-D")
    if input.dtype is _dtype.bool:
        result = vec1.reshape(-1, 1).logical_and(vec2.reshape(1, -1))
        if not alpha:
            result = zeros(result.shape, dtype=_dtype.bool, device=input.device)
        if beta:
            result = result.logical_or(input.expand(result.shape))
    elif input.dtype in (_dtype.float16, _dtype.bfloat16) and vec1.dtype == input.dtype:
        # torch's half kernel rounds alpha and beta to the dtype, then every product and the
        # sum: (input * beta) + ((alpha * vec1) * vec2)
        def scalar(value):
            return full((), value, dtype=input.dtype, device=input.device)
        product = (vec1 * scalar(alpha)).reshape(-1, 1) * vec2.reshape(1, -1)
        if beta == 0:
            result = _scaled_sum("addr", input, product, 0, 1)
        else:
            result = _scaled_sum("addr", input * scalar(beta), product, 1, 1)
    else:
        product = vec1.reshape(-1, 1) * vec2.reshape(1, -1)
        result = _scaled_sum("addr", input, product, beta, alpha)
    return result if out is None else _write_out(out, result, "addr")


def _triangle_indices(lower, row, col, offset, dtype, device, op_name):
    if row < 0:
        raise RuntimeError(f"row must be non-negative, got{row}")
    if col < 0:
        raise RuntimeError(f"col must be non-negative, got{col}")
    dtype = _dtype.int64 if dtype is None else _dtype.to_dtype(dtype)
    if dtype not in (_dtype.int32, _dtype.int64):
        raise RuntimeError(f"\"{op_name}\" not implemented for '{dtype}'")
    rows, cols = (np.tril_indices if lower else np.triu_indices)(row, offset, col)
    backend, device = _target(device)
    array = np.stack([rows, cols]).astype(dtype.np).reshape(2, -1)
    return Tensor._make(backend.to_device(array, device))


def tril_indices(row, col, offset=0, *, dtype=None, device=None, layout=None, pin_memory=False):
    """The (row, column) indices of the lower triangle of a row x col matrix, as a (2, n)
    tensor in row-major order; offset shifts the diagonal.

    Example:
        >>> ember.tril_indices(2, 2)
        tensor([[0, 1, 1],
                [0, 0, 1]])
    """
    if layout is not None:
        check_layout(layout, "tril_indices")
    return pinned(_triangle_indices(True, row, col, offset, dtype, device, "tril_indices"),
                  pin_memory)


def triu_indices(row, col, offset=0, *, dtype=None, device=None, layout=None, pin_memory=False):
    """The (row, column) indices of the upper triangle of a row x col matrix, as a (2, n)
    tensor in row-major order; offset shifts the diagonal."""
    if layout is not None:
        check_layout(layout, "triu_indices")
    return pinned(_triangle_indices(False, row, col, offset, dtype, device, "triu_indices"),
                  pin_memory)


# -- Tensor methods -----------------------------------------------------------------------

for _name in ("kron", "diagflat", "cov", "corrcoef", "addr"):
    setattr(Tensor, _name, globals()[_name])
Tensor.addr_ = inplace_method(addr, "addr_")
Tensor.addmv_ = inplace_method(Tensor.addmv, "addmv_")
