"""Dropout: zero random elements (or whole channels) while training, as functions.

Each variant is one Op, `Dropout`, that multiplies by a mask drawn from ember's default
generator and kept for backward; the mask already holds the 1 / (1 - p) scaling, so that the
expected output equals the input and eval mode can return the input unchanged.

The masks are drawn as torch draws them on the CPU (bernoulli_(1 - p) on a tensor of the
mask's shape, then divided by 1 - p in the input's dtype, or in float32 for float16 and
bfloat16, whose division reads a number in float32), so after the same seed they equal
torch's. On a GPU the masks are drawn there, from the GPU's generator (ember.cuda).
"""
import math
import warnings

from ..._generator import default_generator
from ...autograd.function import Op, named
from ...backend import backend_of, fused
from ...ops import _sampling
from ...ops._inplace import apply_inplace

__all__ = ["dropout", "dropout1d", "dropout2d", "dropout3d", "alpha_dropout",
           "feature_alpha_dropout"]

# SELU's alpha * scale: alpha dropout sets dropped elements to its negative saturation value
_SELU_NEGATIVE_SATURATION = 1.7580993408473766


class Dropout(Op):
    """y = x * mask + shift (mask: 0 or a scale per element or channel; shift: 0 except for
    alpha dropout);  grad_x = g * mask."""

    node_name = "MulBackward0"  # torch multiplies by the mask (and adds alpha dropout's shift)

    @staticmethod
    def forward(ctx, x, mask, shift):
        ctx.save_for_backward(mask)
        out = x * mask
        if shift is not None:
            out += shift
        return out

    @staticmethod
    def backward(ctx, grad):
        (mask,) = ctx.saved_tensors
        return grad * mask, None, None


def _check_p(p):
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")


def _keep_mask(input, p, shape):
    """A bool array of `shape` on input's device: True (kept) with probability 1 - p."""
    keep = _sampling.bernoulli_scalar(default_generator, math.prod(shape), 1 - p)
    return backend_of(input._data).to_device(keep.reshape(shape), input.device)


def _dropout(input, p, shape):
    """input * mask / (1 - p), one Bernoulli(1 - p) draw per element of the mask's shape."""
    if p == 1:
        return input * 0
    kernel = fused(backend_of(input._data).xp, "dropout_mask")  # drawn on the GPU there
    mask = None if kernel is None else kernel(shape, p, input._data.dtype)
    if mask is None:
        keep = _keep_mask(input, p, shape)
        if input._data.dtype.itemsize == 2:  # float16, bfloat16
            float32 = backend_of(keep).xp.float32
            mask = (keep.astype(float32) / float32(1 - p)).astype(input._data.dtype)
        else:
            mask = keep.astype(input._data.dtype)
            mask /= mask.dtype.type(1 - p)
    return Dropout.apply(input, mask, None)


def _alpha_dropout(input, p, shape):
    """Dropped elements become SELU's saturation value; an affine map a * x + b keeps the
    mean and variance of a standard-normal input."""
    if p == 1:
        return input * 0
    keep = _keep_mask(input, p, shape).astype(input._data.dtype)
    a = ((_SELU_NEGATIVE_SATURATION ** 2 * p + 1) * (1 - p)) ** -0.5
    shift = (keep - 1) * (_SELU_NEGATIVE_SATURATION * a) + _SELU_NEGATIVE_SATURATION * a * p
    shift = shift.astype(keep.dtype, copy=False)  # a 0-d keep gives a scalar that widens
    keep *= a
    return named(Dropout.apply(input, keep, shift), "AddBackward0")


def _run(input, fn, p, shape, inplace, op_name):
    if inplace:
        return apply_inplace(input, lambda x: fn(x, p, shape), (), {}, op_name)
    return fn(input, p, shape)


def _channel_shape(input):
    """One mask entry per (sample, channel): (N, C, 1, ..., 1)."""
    if input.dim() < 2:
        raise RuntimeError(
            f"Feature dropout requires at least 2 dimensions in the input, got input of size "
            f"{list(input.shape)}")
    return tuple(input.shape[:2]) + (1,) * (input.dim() - 2)


def dropout(input, p=0.5, training=True, inplace=False):
    """Zero each element with probability p and scale the rest by 1 / (1 - p), in training.

        y = x * m / (1 - p),  m ~ Bernoulli(1 - p) per element;  y = x when not training

    Args:
        p: probability of an element being zeroed.
        training: apply dropout (otherwise return input unchanged).
        inplace: write the result into input.

    Example:
        >>> x = ember.ones(1000)
        >>> y = ember.nn.functional.dropout(x, 0.5)
        >>> sorted(set(y.tolist()))
        [0.0, 2.0]
    """
    _check_p(p)
    if not training or p == 0 or input.numel() == 0:
        return input
    return _run(input, _dropout, p, tuple(input.shape), inplace, "dropout_")


def _feature_dropout(input, p, training, inplace, unbatched_dim):
    """Channel-wise dropout; an input of unbatched_dim dims gets a batch dim for the draw."""
    if not training or p == 0 or input.numel() == 0:
        return input
    if input.dim() == unbatched_dim:  # (C, *): one draw per channel
        shape = (input.shape[0],) + (1,) * (input.dim() - 1)
    else:
        shape = _channel_shape(input)
    return _run(input, _dropout, p, shape, inplace, "feature_dropout_")


def dropout1d(input, p=0.5, training=True, inplace=False):
    """Zero whole channels of an (N, C, L) or (C, L) input with probability p, in training.

        y[n, c] = x[n, c] * m[n, c] / (1 - p),  m ~ Bernoulli(1 - p)
    """
    _check_p(p)
    if input.dim() not in (2, 3):
        raise RuntimeError(
            f"dropout1d: Expected 2D or 3D input, but received a {input.dim()}D input. Note "
            f"that dropout1d exists to provide channel-wise dropout on inputs with 1 spatial "
            f"dimension, a channel dimension, and an optional batch dimension (i.e. 2D or 3D "
            f"inputs).")
    return _feature_dropout(input, p, training, inplace, unbatched_dim=2)


def dropout2d(input, p=0.5, training=True, inplace=False):
    """Zero whole channels of an (N, C, H, W) input with probability p, in training.

        y[n, c] = x[n, c] * m[n, c] / (1 - p),  m ~ Bernoulli(1 - p)

    A 3D input is read as (N, C, L), with a warning, as torch does.
    """
    _check_p(p)
    ndim = input.dim()
    if ndim not in (3, 4):
        warnings.warn(
            f"dropout2d: Received a {ndim}-D input to dropout2d, which is deprecated and will "
            f"result in an error in a future release. To retain the behavior and silence this "
            f"warning, please use dropout instead. Note that dropout2d exists to provide "
            f"channel-wise dropout on inputs with 2 spatial dimensions, a channel dimension, "
            f"and an optional batch dimension (i.e. 3D or 4D inputs).", stacklevel=2)
    if ndim == 3:
        warnings.warn(
            "dropout2d: Received a 3D input to dropout2d and assuming that channel-wise 1D "
            "dropout behavior is desired - input is interpreted as shape (N, C, L), where C "
            "is the channel dim. This behavior will change in a future release to interpret "
            "the input as one without a batch dimension, i.e. shape (C, H, W). To maintain "
            "the 1D channel-wise dropout behavior, please switch to using dropout1d instead.",
            stacklevel=2)
    return _feature_dropout(input, p, training, inplace, unbatched_dim=None)


def dropout3d(input, p=0.5, training=True, inplace=False):
    """Zero whole channels of an (N, C, D, H, W) or (C, D, H, W) input with probability p.

        y[n, c] = x[n, c] * m[n, c] / (1 - p),  m ~ Bernoulli(1 - p)
    """
    _check_p(p)
    ndim = input.dim()
    if ndim not in (4, 5):
        warnings.warn(
            f"dropout3d: Received a {ndim}-D input to dropout3d, which is deprecated and will "
            f"result in an error in a future release. To retain the behavior and silence this "
            f"warning, please use dropout instead. Note that dropout3d exists to provide "
            f"channel-wise dropout on inputs with 3 spatial dimensions, a channel dimension, "
            f"and an optional batch dimension (i.e. 4D or 5D inputs).", stacklevel=2)
    return _feature_dropout(input, p, training, inplace, unbatched_dim=4)


def alpha_dropout(input, p=0.5, training=False, inplace=False):
    """Dropout for SELU networks, in training: a zero-mean unit-variance input stays so.

        y = a * (x * m + alpha' * (m - 1)) + a * alpha' * p,  m ~ Bernoulli(1 - p),
        alpha' = 1.7581 (SELU's -alpha * scale),  a = ((alpha'^2 p + 1)(1 - p))^(-1/2)
    """
    _check_p(p)
    if not training or p == 0 or input.numel() == 0:
        return input
    return _run(input, _alpha_dropout, p, tuple(input.shape), inplace, "alpha_dropout_")


def feature_alpha_dropout(input, p=0.5, training=False, inplace=False):
    """Alpha dropout of whole channels: one draw per (sample, channel)."""
    _check_p(p)
    if not training or p == 0 or input.numel() == 0:
        return input
    return _run(input, _alpha_dropout, p, _channel_shape(input), inplace,
                "feature_alpha_dropout_")
