"""Gradient clipping: rescale gradients by their total norm, or clamp each value.

The work happens on the gradients' arrays in place (as torch's run under no_grad), each
array's version counter bumped. `foreach` is accepted for torch compatibility and ignored:
ember always loops over the tensors.
"""
import math
import types
import warnings

from ..._tensor import Tensor
from ...backend import backend_of, xp_of

__all__ = ["clip_grad_norm_", "clip_grad_norm", "clip_grad_value_", "get_total_norm",
           "clip_grads_with_norm_"]


def _vector_norm(array, norm_type):
    """The norm_type-norm of all of array's elements, as a 0-d array of its dtype."""
    xp = xp_of(array)
    magnitude = xp.abs(array)
    if norm_type == 2.0:
        norm = xp.sqrt(xp.sum(array * array))
    elif norm_type == math.inf:
        norm = xp.max(magnitude) if magnitude.size else 0.0
    elif norm_type == -math.inf:
        norm = xp.min(magnitude) if magnitude.size else math.inf
    elif norm_type == 0.0:
        norm = xp.sum(magnitude != 0)
    else:
        norm = xp.sum(magnitude ** norm_type) ** (1.0 / norm_type)
    return xp.asarray(norm, dtype=array.dtype)  # numpy reductions return scalars


def get_total_norm(tensors, norm_type=2.0, error_if_nonfinite=False, foreach=None):
    """The norm of the norms of `tensors` (as if all were concatenated into one vector).

    Args:
        tensors: a Tensor or an iterable of Tensors.
        norm_type: p of the p-norm; may be inf. Default: 2.
        error_if_nonfinite: raise RuntimeError if the result is nan or inf.

    Returns:
        a 0-d Tensor on the first tensor's device.
    """
    tensors = [tensors] if isinstance(tensors, Tensor) else list(tensors)
    norm_type = float(norm_type)
    if not tensors:
        from ...ops.creation import tensor
        return tensor(0.0)
    first = tensors[0]
    to_first = backend_of(first._data).to_device
    norms = [to_first(_vector_norm(t._data, norm_type), first.device) for t in tensors]
    total = _vector_norm(xp_of(first._data).stack(norms), norm_type)
    if error_if_nonfinite and not bool(xp_of(total).isfinite(total)):
        raise RuntimeError(
            f"The total norm of order {norm_type} for gradients from `parameters` is "
            f"non-finite, so it cannot be clipped. To disable this error and scale the "
            f"gradients by the non-finite norm anyway, set `error_if_nonfinite=False`")
    return Tensor._make(total)


def clip_grads_with_norm_(parameters, max_norm, total_norm, foreach=None):
    """Scale every gradient by min(1, max_norm / (total_norm + 1e-6)), in place."""
    max_norm = float(max_norm)  # a bad value raises torch's ValueError even with no gradients
    if isinstance(parameters, Tensor):
        parameters = [parameters]
    grads = [p.grad for p in parameters if p.grad is not None]
    if not grads:
        return
    total = total_norm._data
    xp = xp_of(total)
    clamped = xp.asarray(xp.minimum(max_norm / (total + 1e-6), 1.0), dtype=total.dtype)
    for grad in grads:
        grad._data *= backend_of(grad._data).to_device(clamped, grad.device)
        grad._version[0] += 1


def clip_grad_norm_(parameters, max_norm, norm_type=2.0, error_if_nonfinite=False,
                    foreach=None):
    """Rescale gradients in place so that their total norm is at most max_norm.

        total_norm = || (||g_1||, ..., ||g_n||) ||      (norm_type-norms; inf allowed)
        g_i *= min(1, max_norm / (total_norm + 1e-6))

    Args:
        parameters: a Tensor or an iterable of Tensors whose .grad is clipped.
        max_norm: the largest total norm allowed.
        norm_type: p of the p-norm; may be inf. Default: 2.
        error_if_nonfinite: raise RuntimeError if the total norm is nan or inf.

    Returns:
        the total norm before clipping, a 0-d Tensor.

    Example:
        >>> loss.backward()
        >>> ember.nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)
    """
    if isinstance(parameters, Tensor):
        parameters = [parameters]
    else:
        is_generator = isinstance(parameters, types.GeneratorType)
        parameters = list(parameters)
        if is_generator and not parameters:
            warnings.warn("`parameters` is an empty generator, no gradient clipping will "
                          "occur.", stacklevel=3)
    grads = [p.grad for p in parameters if p.grad is not None]
    total_norm = get_total_norm(grads, norm_type, error_if_nonfinite, foreach)
    clip_grads_with_norm_(parameters, max_norm, total_norm, foreach)
    return total_norm


def clip_grad_norm(parameters, max_norm, norm_type=2.0, error_if_nonfinite=False,
                   foreach=None):
    """Deprecated: use clip_grad_norm_."""
    warnings.warn("`torch.nn.utils.clip_grad_norm` is now deprecated in favor of "
                  "`torch.nn.utils.clip_grad_norm_`.", FutureWarning, stacklevel=2)
    return clip_grad_norm_(parameters, max_norm, norm_type, error_if_nonfinite, foreach)


def clip_grad_value_(parameters, clip_value, foreach=None):
    """Clamp every gradient value into [-clip_value, clip_value], in place."""
    if isinstance(parameters, Tensor):
        parameters = [parameters]
    clip_value = float(clip_value)
    for param in parameters:
        grad = param.grad
        if grad is not None:
            xp_of(grad._data).clip(grad._data, -clip_value, clip_value, out=grad._data)
            grad._version[0] += 1
