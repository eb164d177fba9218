"""torch's top-level spellings of functions whose body lives in another namespace.

torch.det is torch.linalg.det and torch.softmax is torch.nn.functional.softmax, but under the
argument names and positions of torch's top level: torch.det(input=A), torch.pinverse(A,
rcond), torch.softmax(x, 0, torch.float64) (where F.softmax's third argument is _stacklevel).
The bodies are imported when first called: ember.linalg and ember.nn sit above ops.
Also torch's top-level functions that are a line over another ember function (frombuffer,
is_inference).
"""
from ._out import write_exact

import numpy as np

from .. import _dtype
from .._tensor import Tensor

__all__ = ["det", "logdet", "slogdet", "inverse", "matrix_power", "pinverse", "softmax",
           "log_softmax", "hardshrink", "cholesky_solve", "lu_solve", "channel_shuffle",
           "is_inference", "frombuffer"]


def det(input):
    """det(A) of a square matrix (batched): torch.det, the same as ember.linalg.det.

    Example:
        >>> ember.det(ember.eye(2) * 2)
        tensor(4.)
    """
    from .. import linalg
    return linalg.det(input)


def logdet(input):
    """log det(A): nan where det(A) < 0, -inf where it is 0."""
    from .. import linalg
    return linalg.logdet(input)


def slogdet(input, *, out=None):
    """(sign, logabsdet) of det(A), as ember.linalg.slogdet."""
    from .. import linalg
    return linalg.slogdet(input, out=out)


def inverse(input, *, out=None):
    """A^-1 of a square matrix (batched), as ember.linalg.inv.

    Example:
        >>> ember.inverse(ember.eye(2) * 2)
        tensor([[0.5000, 0.0000],
                [0.0000, 0.5000]])
    """
    from .. import linalg
    return linalg.inv(input, out=out)


def matrix_power(input, n, *, out=None):
    """A @ A @ ... @ A (n times), as ember.linalg.matrix_power."""
    from .. import linalg
    return linalg.matrix_power(input, n, out=out)


def pinverse(input, rcond=1e-15):
    """The Moore-Penrose pseudo-inverse, singular values at most rcond * largest taken as
    zero: ember.linalg.pinv(input, rtol=rcond).

    Example:
        >>> ember.pinverse(ember.eye(2) * 2)
        tensor([[0.5000, 0.0000],
                [0.0000, 0.5000]])
    """
    from .. import linalg
    return linalg.pinv(input, rtol=rcond)


def softmax(input, dim, dtype=None, *, out=None):
    """e^x / Σ e^x along dim, after casting input to dtype when given (torch.softmax).

    Example:
        >>> ember.softmax(ember.tensor([0., 0.]), 0, ember.float64)
        tensor([0.5000, 0.5000], dtype=ember.float64)
    """
    from ..nn import functional
    result = functional.softmax(input, dim, dtype=dtype)
    return result if out is None else write_exact(out, result, "softmax", (input,))


def hardshrink(input, lambd=0.5, *, out=None):
    """x where |x| > lambd, else 0 (torch.hardshrink)."""
    from ..nn import functional
    result = functional.hardshrink(input, lambd)
    return result if out is None else write_exact(out, result, "hardshrink", (input,))


def log_softmax(input, dim, dtype=None, *, out=None):
    """x - log Σ e^x along dim, after casting input to dtype when given (torch.log_softmax)."""
    from ..nn import functional
    result = functional.log_softmax(input, dim, dtype=dtype)
    return result if out is None else write_exact(out, result, "log_softmax", (input,))


def cholesky_solve(input, input2, upper=False, *, out=None):
    """The X with A X = input for A = L L^T (U^T U when upper), L = input2 its Cholesky
    factor; ember.linalg.cholesky_solve under torch's top-level names."""
    from .. import linalg
    return linalg.cholesky_solve(input, input2, upper, out=out)


def lu_solve(input, LU_data, LU_pivots, *, out=None):
    """The X with A X = input from lu's (LU_data, LU_pivots) of A (torch's deprecated form of
    linalg.lu_solve, its arguments in the other order)."""
    from .._linalg_lu import legacy_lu_solve
    return legacy_lu_solve(input, LU_data, LU_pivots, out=out)


def channel_shuffle(input, groups):
    """(*, C, H, W) with its channels taken as (groups, C / groups) and transposed, as
    nn.ChannelShuffle."""
    from ..nn import functional
    return functional.channel_shuffle(input, groups)


def is_inference(input):
    """Whether input was made under inference_mode (Tensor.is_inference)."""
    return input.is_inference()


def frombuffer(buffer, *, dtype, count=-1, offset=0, requires_grad=False):
    """A 1-D tensor over the bytes of an object with the buffer protocol, sharing its memory:
    `count` elements of dtype (-1: all) after skipping `offset` bytes.

    Example:
        >>> ember.frombuffer(bytearray([1, 2, 3]), dtype=ember.uint8)
        tensor([1, 2, 3], dtype=ember.uint8)
    """
    dtype = _dtype.to_dtype(dtype)
    length, itemsize = memoryview(buffer).nbytes, dtype.itemsize
    if length == 0 or count == 0:
        raise ValueError(f"both buffer length ({length}) and count ({count}) must not be 0")
    if offset < 0 or offset >= length:
        raise ValueError(f"offset ({offset} bytes) must be non-negative and no greater than "
                         f"buffer length ({length} bytes) minus 1")
    if count < 0:
        if (length - offset) % itemsize:
            raise ValueError(f"buffer length ({length - offset} bytes) after offset ({offset} "
                             f"bytes) must be a multiple of element size ({itemsize})")
        count = (length - offset) // itemsize
    elif offset + count * itemsize > length:
        raise ValueError(f"requested buffer length ({count} * {itemsize} bytes) after offset "
                         f"({offset} bytes) must not be greater than actual buffer length "
                         f"({length} bytes)")
    array = np.frombuffer(buffer, dtype=dtype.np, count=count, offset=offset)
    return Tensor._make(array).requires_grad_(requires_grad)


Tensor.cholesky_solve = cholesky_solve
Tensor.lu_solve = lu_solve
