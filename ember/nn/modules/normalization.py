"""Normalisation layers that don't keep running statistics: LayerNorm, GroupNorm, RMSNorm,
LocalResponseNorm, CrossMapLRN2d (the batch-statistics layers are in batchnorm.py and
instancenorm.py)."""
import numbers

from ..._tensor import Tensor
from ...autograd.function import Op
from ...ops.creation import empty
from .. import functional as F
from .. import init
from ..parameter import Parameter
from .module import Module

__all__ = ["LayerNorm", "GroupNorm", "RMSNorm", "LocalResponseNorm", "CrossMapLRN2d"]


def _affine_parameters(module, affine, bias, shape, device, dtype):
    """Register the per-element scale `weight` (and shift `bias`), or None for each, then
    initialise them (LayerNorm and GroupNorm share this)."""
    module.register_parameter(
        "weight", Parameter(empty(shape, device=device, dtype=dtype)) if affine else None)
    module.register_parameter(
        "bias", Parameter(empty(shape, device=device, dtype=dtype)) if affine and bias else None)
    module.reset_parameters()


def _reset_affine(module):
    """weight = 1, bias = 0, as torch initialises normalisation layers."""
    if module.weight is not None:
        init.ones_(module.weight)
    if module.bias is not None:
        init.zeros_(module.bias)


class LayerNorm(Module):
    """Layer normalisation over the last dims of the input (those of normalized_shape).

        y = (x - E[x]) / sqrt(Var[x] + eps) * weight + bias

    Args:
        normalized_shape: int or tuple, the trailing shape normalised over.
        eps: added to the variance. Default: 1e-5.
        elementwise_affine: learn weight (ones) and bias (zeros) of normalized_shape.
            Default: True.
        bias: learn the bias (when elementwise_affine). Default: True.

    Example:
        >>> ln = ember.nn.LayerNorm(8)
        >>> ln(ember.randn(2, 5, 8)).shape
        ember.Size([2, 5, 8])
    """

    __constants__ = ["normalized_shape", "eps", "elementwise_affine"]

    def __init__(self, normalized_shape, eps=1e-5, elementwise_affine=True, bias=True,
                 device=None, dtype=None):
        super().__init__()
        if isinstance(normalized_shape, numbers.Integral):
            normalized_shape = (normalized_shape,)
        self.normalized_shape = tuple(normalized_shape)
        self.eps = eps
        self.elementwise_affine = elementwise_affine
        _affine_parameters(self, elementwise_affine, bias, self.normalized_shape, device, dtype)

    def reset_parameters(self):
        _reset_affine(self)

    def forward(self, input):
        return F.layer_norm(input, self.normalized_shape, self.weight, self.bias, self.eps)

    def extra_repr(self):
        return (f"{self.normalized_shape}, eps={self.eps}, "
                f"elementwise_affine={self.elementwise_affine}, bias={self.bias is not None}")


class GroupNorm(Module):
    """Group normalisation: the channels split into num_groups groups, each normalised per
    sample over its channels and spatial elements.

        y = (x - E[x]) / sqrt(Var[x] + eps) * weight + bias

    Args:
        num_groups: number of groups; must divide num_channels.
        num_channels: C of the (N, C, *) input.
        eps: added to the variance. Default: 1e-5.
        affine: learn per-channel weight (ones) and bias (zeros). Default: True.
        bias: learn the bias (keyword only). Default: True.

    Example:
        >>> gn = ember.nn.GroupNorm(2, 6)
        >>> gn(ember.randn(4, 6, 5, 5)).shape
        ember.Size([4, 6, 5, 5])
    """

    __constants__ = ["num_groups", "num_channels", "eps", "affine"]

    def __init__(self, num_groups, num_channels, eps=1e-5, affine=True, device=None,
                 dtype=None, *, bias=True):
        super().__init__()
        if num_channels % num_groups != 0:
            raise ValueError(f"num_channels ({num_channels}) must be divisible by num_groups "
                             f"({num_groups})")
        self.num_groups = num_groups
        self.num_channels = num_channels
        self.eps = eps
        self.affine = affine
        _affine_parameters(self, affine, bias, num_channels, device, dtype)

    def reset_parameters(self):
        _reset_affine(self)

    def forward(self, input):
        if input.dim() >= 2 and input.shape[1] != self.num_channels:
            raise RuntimeError(
                f"{self!r} expected input with {self.num_channels} channels (dim 1), but got "
                f"input of size {list(input.shape)}; build the layer with num_channels="
                f"{input.shape[1]} or fix the layer before it")
        return F.group_norm(input, self.num_groups, self.weight, self.bias, self.eps)

    def extra_repr(self):
        return (f"{self.num_groups}, {self.num_channels}, eps={self.eps}, "
                f"affine={self.affine}, bias={self.bias is not None}")


class RMSNorm(Module):
    """Root-mean-square normalisation over the last dims (those of normalized_shape).

        y = x / sqrt(mean(x^2) + eps) * weight

    Args:
        normalized_shape: int or tuple, the trailing shape normalised over.
        eps: added to the mean square; None means the dtype's machine epsilon.
        elementwise_affine: learn weight (ones) of normalized_shape. Default: True.

    Example:
        >>> ember.nn.RMSNorm(4)(ember.randn(2, 4)).shape
        ember.Size([2, 4])
    """

    __constants__ = ["normalized_shape", "eps", "elementwise_affine"]

    def __init__(self, normalized_shape, eps=None, elementwise_affine=True, device=None,
                 dtype=None):
        super().__init__()
        if isinstance(normalized_shape, numbers.Integral):
            normalized_shape = (normalized_shape,)
        self.normalized_shape = tuple(normalized_shape)
        self.eps = eps
        self.elementwise_affine = elementwise_affine
        if elementwise_affine:
            self.weight = Parameter(empty(self.normalized_shape, device=device, dtype=dtype))
        else:
            self.register_parameter("weight", None)
        self.reset_parameters()

    def reset_parameters(self):
        if self.elementwise_affine:
            init.ones_(self.weight)

    def forward(self, x):
        return F.rms_norm(x, self.normalized_shape, self.weight, self.eps)

    def extra_repr(self):
        return (f"{self.normalized_shape}, eps={self.eps}, "
                f"elementwise_affine={self.elementwise_affine}")


class LocalResponseNorm(Module):
    """Local response normalisation across neighbouring channels (AlexNet).

        y[c] = x[c] / (k + alpha / size * sum over size neighbouring channels of x^2) ** beta

    Args:
        size: number of neighbouring channels in the sum.
        alpha, beta, k: as in the formula. Defaults: 1e-4, 0.75, 1.0.
    """

    __constants__ = ["size", "alpha", "beta", "k"]

    def __init__(self, size, alpha=1e-4, beta=0.75, k=1.0):
        super().__init__()
        self.size = size
        self.alpha = alpha
        self.beta = beta
        self.k = k

    def forward(self, input):
        return F.local_response_norm(input, self.size, self.alpha, self.beta, self.k)

    def extra_repr(self):
        return f"{self.size}, alpha={self.alpha}, beta={self.beta}, k={self.k}"


# NOTE [ CrossMapLRN2d's windows ]
# torch's CrossMapLRN2d is a port of Lua Torch's layer with its own autograd Function, and its
# channel windows are not LocalResponseNorm's. With pre_pad = int((size - 1) / 2 + 1), the
# forward sums the squares of channels max(0, c - pre_pad + 1) ... c + pre_pad - 1, and always
# of channel 0 as well (its running sum never takes channel 0 back out). The backward is a
# formula of its own, not the derivative of that forward: with ipp = int(size - (size - 1) / 2)
# it sums the ratios g * y / scale of channels c - ipp ... c + size - 1 - ipp. ember keeps both,
# so that training gives torch's numbers; each window is a 0/1 (C, C) matrix applied over the
# channel dim.

def _band(xp, channels, low, high, dtype, keep_first=False):
    """window[c, j] = 1 where c + low <= j <= c + high (and for j = 0 with keep_first)."""
    c = xp.arange(channels).reshape(-1, 1)
    j = xp.arange(channels).reshape(1, -1)
    inside = (j >= c + low) & (j <= c + high)
    if keep_first:
        inside |= j == 0
    return inside.astype(dtype)


class CrossMapLRN2dOp(Op):
    """y = x * scale^-beta,  scale[c] = k + alpha / size * sum of x[j]^2 over j in window(c);
    grad_x = g * scale^-beta - (2 alpha beta / size) * x * sum over torch's backward window of
    g * y / scale. See NOTE [ CrossMapLRN2d's windows ]."""

    node_name = "CrossMapLRN2dBackward"

    @staticmethod
    def forward(ctx, x, size, alpha, beta, k):
        xp = ctx.xp
        n, channels = x.shape[:2]
        pre_pad = int((size - 1) / 2 + 1)
        window = _band(xp, channels, 1 - pre_pad, pre_pad - 1, x.dtype, keep_first=True)
        squares = (x * x).reshape(n, channels, -1)                   # (N, C, HW)
        scale = (window @ squares).reshape(x.shape) * x.dtype.type(alpha / size) + k
        scale = scale.astype(x.dtype, copy=False)
        y = x * scale ** x.dtype.type(-beta)
        ctx.size, ctx.alpha, ctx.beta = size, alpha, beta
        ctx.save_for_backward(x, y, scale)  # scale: an intermediate, kept as a constant
        return y

    @staticmethod
    def backward(ctx, grad):
        x, y, scale = ctx.saved_tensors
        size, alpha, beta = ctx.size, ctx.alpha, ctx.beta
        n, channels = x.shape[:2]
        inverse_pre_pad = int(size - (size - 1) / 2)
        if inverse_pre_pad > size - 1:  # size 1: torch's padded buffer is too short
            raise RuntimeError(f"start ({inverse_pre_pad}) + length ({channels}) exceeds "
                               f"dimension size ({channels + size - 1}).")
        window = Tensor._make(_band(ctx.xp, channels, -inverse_pre_pad,
                                    size - 1 - inverse_pre_pad, x._data.dtype))
        ratio = (grad * y / scale).reshape(n, channels, -1)           # (N, C, HW)
        summed = window.matmul(ratio).reshape(x.shape)
        grad_x = scale.pow(-beta) * grad - (2 * alpha * beta / size) * x * summed
        return grad_x, None, None, None, None


class CrossMapLRN2d(Module):
    """Local response normalisation across channels of (N, C, H, W) input, as Lua Torch's
    SpatialCrossMapLRN (torch keeps it for old models):

        y[c] = x[c] / (k + alpha / size * sum over a window of channels of x^2) ** beta

    Args:
        size: the window's extent in channels.
        alpha, beta, k: as in the formula. Defaults: 1e-4, 0.75, 1.

    Its windows and its gradient are torch's own, which differ from LocalResponseNorm's; see
    NOTE [ CrossMapLRN2d's windows ].

    Example:
        >>> lrn = ember.nn.CrossMapLRN2d(3, alpha=1.0)
        >>> lrn(ember.ones(1, 2, 1, 1)).flatten()
        tensor([0.6817, 0.6817])
    """

    def __init__(self, size, alpha=1e-4, beta=0.75, k=1):
        super().__init__()
        self.size = size
        self.alpha = alpha
        self.beta = beta
        self.k = k

    def forward(self, input):
        if input.dim() != 4:
            raise ValueError(f"CrossMapLRN2d: Expected input to be 4D, got {input.dim()}D "
                             f"instead.")
        return CrossMapLRN2dOp.apply(input, self.size, self.alpha, self.beta, self.k)

    def extra_repr(self):
        return f"{self.size}, alpha={self.alpha}, beta={self.beta}, k={self.k}"
