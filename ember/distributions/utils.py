"""Helpers shared by the distributions: broadcasting parameters, probabilities and logits,
cached properties, and sums over the rightmost dims."""
from numbers import Number

import numpy as np

from .. import _dtype
from .._tensor import Tensor
from ..nn import functional as F
from ..ops.compare import where
from ..ops.creation import arange, tensor as _tensor
from ..ops.matrices import tril_indices
from ..ops.shape import broadcast_tensors

__all__ = ["broadcast_all", "clamp_probs", "lazy_property", "logits_to_probs",
           "probs_to_logits"]


def finfo(dtype):
    """numpy's float info (eps, tiny, min, max) for an ember floating dtype."""
    return np.finfo(dtype.np if dtype.np.kind == "f" else np.float32)


def broadcast_all(*values):
    """Tensors and numbers broadcast to one shape; numbers become tensors of the tensors'
    dtype and device (the default dtype when all are numbers).

    Example:
        >>> [t.shape for t in broadcast_all(ember.zeros(2, 1), 1.0, ember.zeros(3))]
        [ember.Size([2, 3]), ember.Size([2, 3]), ember.Size([2, 3])]
    """
    if not all(isinstance(v, (Tensor, Number)) for v in values):
        raise ValueError("Input arguments must all be instances of numbers.Number, "
                         "torch.Tensor or objects implementing __torch_function__.")
    tensors = [v for v in values if isinstance(v, Tensor)]
    if not tensors:
        dtype = _dtype.get_default_dtype()
        return tuple(_tensor(v, dtype=dtype) for v in values)
    like = tensors[0]
    values = [v if isinstance(v, Tensor) else _tensor(v, dtype=like.dtype, device=like.device)
              for v in values]
    return tuple(broadcast_tensors(*values))


def logits_to_probs(logits, is_binary=False):
    """Probabilities from logits: sigmoid for a binary variable, softmax over the last dim
    otherwise."""
    if is_binary:
        return logits.sigmoid()
    return F.softmax(logits, dim=-1)


def clamp_probs(probs):
    """probs clamped to [eps, 1 - eps], so that their logs stay finite."""
    eps = float(finfo(probs.dtype).eps)
    return probs.clamp(min=eps, max=1 - eps)


def probs_to_logits(probs, is_binary=False):
    """Logits from probabilities: log-odds for a binary variable, log-probabilities otherwise."""
    clamped = clamp_probs(probs)
    if is_binary:
        return clamped.log() - (-clamped).log1p()
    return clamped.log()


class lazy_property:
    """A property computed on first access and then stored on the instance (probs from
    logits, covariance from scale_tril); computed with gradients recorded, as torch."""

    def __init__(self, wrapped):
        self.wrapped = wrapped
        self.__doc__ = wrapped.__doc__

    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        from ..autograd.grad_mode import enable_grad
        with enable_grad():
            value = self.wrapped(instance)
        setattr(instance, self.wrapped.__name__, value)
        return value


def sum_rightmost(value, dim):
    """value summed over its rightmost `dim` dims (value itself when dim is 0)."""
    if dim == 0:
        return value
    return value.reshape(tuple(value.shape[:value.dim() - dim]) + (-1,)).sum(-1)


def tril_matrix_to_vec(mat, diag=0):
    """The entries of the lower triangle (on and below diagonal `diag`) of each (D, D) matrix
    in row order, (..., N)."""
    n = mat.shape[-1]
    if diag < -n or diag >= n:
        raise ValueError(f"diag ({diag}) provided is outside [{-n}, {n - 1}].")
    rows, cols = tril_indices(n, n, diag, device=mat.device)
    return mat[..., rows, cols]


def vec_to_tril_matrix(vec, diag=0):
    """The inverse of tril_matrix_to_vec: (..., N) vectors into (..., D, D) lower-triangular
    matrices, zeros elsewhere (by indexing, so gradients flow back to vec)."""
    # The positive root of D**2 + (1 + 2 diag) D - |diag| (diag + 1) - 2 N = 0.
    n = (-(1 + 2 * diag) + ((1 + 2 * diag) ** 2 + 8 * vec.shape[-1]
                            + 4 * abs(diag) * (diag + 1)) ** 0.5) / 2
    if round(n) - n > float(finfo(vec.dtype).eps):
        raise ValueError(f"The size of last dimension is {vec.shape[-1]} which cannot be "
                         f"expressed as the lower triangular part of a square D x D matrix.")
    n = round(n)
    positions = arange(n, device=vec.device)
    mask = positions < positions.reshape(-1, 1) + (diag + 1)  # (D, D)
    count = vec.shape[-1]
    index = where(mask, mask.reshape(-1).long().cumsum(0).reshape(n, n) - 1, count)
    return F.pad(vec, [0, 1])[..., index]  # the padded zero fills the upper triangle
