"""torch's top-level spellings of functions whose body lives in another namespace.

torch.det is torch.linalg.det and torch.softmax is torch.nn.functional.softmax, but under the
argument names and positions of torch's top level: torch.det(input=A), torch.pinverse(A,
rcond), torch.softmax(x, 0, torch.float64) (where F.softmax's third argument is _stacklevel).
The bodies are imported when first called: ember.linalg and ember.nn sit above ops.
Also torch's top-level functions that are a line over another ember function (frombuffer,
is_inference, get_device, index_put_), torch's deprecated norms kept for TorchScript
(frobenius_norm, nuclear_norm) and set_default_tensor_type.
"""
import importlib

from ._out import write_exact

import numpy as np

from .. import _dtype
from .._tensor import Tensor

__all__ = ["det", "logdet", "slogdet", "inverse", "matrix_power", "pinverse", "softmax",
           "log_softmax", "hardshrink", "cholesky_solve", "lu_solve", "channel_shuffle",
           "is_inference", "frombuffer", "get_device", "index_put_", "frobenius_norm",
           "nuclear_norm", "set_default_tensor_type"]


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


def get_device(input):
    """The index of input's device: -1 on the CPU, the GPU's number on a GPU
    (Tensor.get_device)."""
    if not isinstance(input, Tensor):
        raise TypeError(f"get_device(): argument 'input' (position 1) must be Tensor, not "
                        f"{type(input).__name__}")
    return input.get_device()


def index_put_(input, indices, values, accumulate=False):
    """input[indices] = values in place (+= with accumulate), returning input: the
    top-level spelling of Tensor.index_put_."""
    if not isinstance(input, Tensor):
        raise TypeError(f"index_put_(): argument 'input' (position 1) must be Tensor, not "
                        f"{type(input).__name__}")
    return input.index_put_(indices, values, accumulate)


def frobenius_norm(input, dim, keepdim=False, *, out=None):
    """sqrt(sum of input² over dim), at most 2 dims ([] for all): torch's deprecated form of
    linalg.vector_norm(input, 2, dim, keepdim), which it warns of once.

    Example:
        >>> ember.frobenius_norm(ember.ones(2, 2), (0, 1))
        tensor(2.)
    """
    from .._settings import warn_once
    from .. import linalg
    warn_once("at::frobenius_norm is deprecated and it is just left for JIT compatibility. It "
              "will be removed in a future PyTorch release. Please use `linalg.vector_norm(A, "
              "2., dim, keepdim)` instead")
    dims = [dim] if isinstance(dim, int) else list(dim)
    if len(dims) > 2:
        raise RuntimeError(f"Expected at most 2 dimensions, but got {len(dims)} dimensions "
                           f"instead.")
    return linalg.vector_norm(input, 2, dims or None, keepdim, out=out)


def nuclear_norm(input, dim=None, keepdim=False, *, out=None):
    """The sum of the singular values of the matrices in dims dim (the last two when left
    out): torch's deprecated form of linalg.matrix_norm(input, 'nuc', dim, keepdim), which it
    warns of once. As torch, `nuclear_norm(input, True)` means keepdim=True.

    Example:
        >>> ember.nuclear_norm(ember.eye(3))
        tensor(3.)
    """
    from .._settings import warn_once
    from .. import linalg
    warn_once("at::nuclear_norm is deprecated and it is just left for JIT compatibility. It "
              "will be removed in a future PyTorch release. Please use `linalg.matrix_norm(A, "
              "'nuc', dim, keepdim)` instead")
    if isinstance(dim, bool):  # torch's overload nuclear_norm(input, keepdim)
        dim, keepdim = None, dim
    dim = (-2, -1) if dim is None else tuple(dim)
    return linalg.matrix_norm(input, "nuc", dim, keepdim, out=out)


def set_default_tensor_type(t, /):
    """Make a floating-point legacy tensor type's dtype the default dtype: torch's deprecated
    form of set_default_dtype (it warns once).

    Args:
        t: a type such as ember.DoubleTensor, or its name ('torch.DoubleTensor', read as
            ember.DoubleTensor, or 'ember.DoubleTensor').

    Differs from PyTorch: CUDA tensor types are refused (use set_default_dtype and
    set_default_device).

    Example:
        >>> ember.set_default_tensor_type(ember.DoubleTensor); ember.get_default_dtype()
        ember.float64
    """
    from .._settings import warn_once
    from .creation import _LegacyTensorType
    warn_once("torch.set_default_tensor_type() is deprecated as of PyTorch 2.1, please use "
              "torch.set_default_dtype() and torch.set_default_device() as alternatives.")
    name = t
    if isinstance(t, str):
        components = t.split(".")
        if components[0] == "torch":  # `import ember as torch` scripts name torch's types
            components[0] = __name__.split(".")[0]
        if components[1:2] == ["cuda"]:
            raise TypeError(f"type {t} not available: ember.set_default_tensor_type takes CPU "
                            f"types only; use set_default_dtype and set_default_device")
        t = importlib.import_module(components[0])
        for component in components[1:]:
            t = getattr(t, component)
    if not isinstance(t, _LegacyTensorType):
        raise TypeError(f"invalid type object: only floating-point types are supported as the "
                        f"default type (got {name!r})")
    if not t.dtype.is_floating_point:
        raise TypeError(f"only floating-point types are supported as the default type (got "
                        f"{t.__name__})")
    _dtype.set_default_dtype(t.dtype)


Tensor.cholesky_solve = cholesky_solve
Tensor.lu_solve = lu_solve
