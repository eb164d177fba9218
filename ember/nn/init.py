"""Initialising parameters in place: uniform, normal, Xavier/Glorot, Kaiming/He, orthogonal ...

Every function writes into `tensor`'s array directly (outside autograd, as torch's run under
no_grad), bumps its version counter, and returns `tensor`. Random values come from
`generator`, or ember's default generator, drawn as torch's CPU kernels draw them, so after
the same seed a layer starts with torch's weights. Values are drawn on the host and copied to
the tensor's device.

Differs from PyTorch: orthogonal_'s QR is numpy's (LAPACK), so its result can differ from
torch's in the last bits.
"""
import math
import warnings

import numpy as np

from .._generator import default_generator
from ..backend import backend_of, xp_of
from ..ops import _sampling

__all__ = [
    "calculate_gain", "uniform_", "normal_", "trunc_normal_", "constant_", "ones_", "zeros_",
    "eye_", "dirac_", "xavier_uniform_", "xavier_normal_", "kaiming_uniform_",
    "kaiming_normal_", "orthogonal_", "sparse_", "uniform", "normal", "constant", "eye",
    "dirac", "xavier_uniform", "xavier_normal", "kaiming_uniform", "kaiming_normal",
    "orthogonal", "sparse",
]


def _generator(generator):
    return default_generator if generator is None else generator


def _uniform(tensor, low, high, generator, shape=None):
    """tensor.uniform_(low, high)'s values (of `shape`, default tensor's), on the host."""
    shape = tuple(tensor.shape) if shape is None else shape
    return _sampling.uniform_real(_generator(generator), math.prod(shape), tensor._data.dtype,
                                  low, high).reshape(shape)


def _normal(tensor, mean, std, generator, shape=None):
    """tensor.normal_(mean, std)'s values (of `shape`, default tensor's), on the host."""
    shape = tuple(tensor.shape) if shape is None else shape
    contiguous = shape != tuple(tensor.shape) or tensor._data.flags.c_contiguous
    return _sampling.normal(_generator(generator), math.prod(shape), tensor._data.dtype, mean,
                            std, contiguous).reshape(shape)


def _write(tensor, values):
    """Store values (a number, or a host or device array of tensor's shape) into tensor."""
    data = tensor._data
    if hasattr(values, "shape"):
        values = backend_of(data).to_device(values, tensor.device)
    data[...] = values
    tensor._version[0] += 1
    return tensor


def calculate_gain(nonlinearity, param=None):
    """The recommended gain for an activation: linear/conv/sigmoid 1, tanh 5/3,
    relu sqrt(2), leaky_relu sqrt(2 / (1 + negative_slope^2)), selu 3/4.

    Args:
        nonlinearity: the activation's name, e.g. "relu".
        param: leaky_relu's negative slope (default 0.01).

    Example:
        >>> ember.nn.init.calculate_gain("tanh")
        1.6666666666666667
    """
    linear_fns = ["linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d",
                  "conv_transpose2d", "conv_transpose3d"]
    if nonlinearity in linear_fns or nonlinearity == "sigmoid":
        return 1
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        if param is None:
            negative_slope = 0.01
        elif (not isinstance(param, bool) and isinstance(param, int)) or isinstance(param, float):
            negative_slope = param
        else:
            raise ValueError(f"negative_slope {param} not a valid number")
        return math.sqrt(2.0 / (1 + negative_slope ** 2))
    if nonlinearity == "selu":
        return 3.0 / 4  # found empirically (pytorch/pytorch#50664)
    raise ValueError(f"Unsupported nonlinearity {nonlinearity}")


def uniform_(tensor, a=0.0, b=1.0, generator=None):
    """Fill with values drawn from U(a, b)."""
    return _write(tensor, _uniform(tensor, a, b, generator))


def normal_(tensor, mean=0.0, std=1.0, generator=None):
    """Fill with values drawn from N(mean, std^2)."""
    return _write(tensor, _normal(tensor, mean, std, generator))


def _norm_cdf(x):
    return (1.0 + math.erf(x / math.sqrt(2.0))) / 2.0


def trunc_normal_(tensor, mean=0.0, std=1.0, a=-2.0, b=2.0, generator=None):
    """Fill with values from N(mean, std^2) truncated to [a, b], drawn as torch draws them.

    When [a, b] holds much of the mass, the whole tensor is redrawn from N(mean, std^2) and
    the draws inside [a, b] fill the places still outside; otherwise uniform draws x on [a, b]
    are accepted where log(u) <= -0.5 ((x - mean) / std)^2 - log pdf(mode), u ~ U(0, 1), again
    one whole-tensor draw per round.
    """
    if mean < a - 2 * std or mean > b + 2 * std:
        warnings.warn("mean is more than 2 std from [a, b] in nn.init.trunc_normal_. The "
                      "distribution of values may be incorrect.", stacklevel=2)
    dtype = tensor._data.dtype.type
    if _norm_cdf((b - mean) / std) - _norm_cdf((a - mean) / std) > 0.3:
        values = _normal(tensor, mean, std, generator)
        while True:
            outside = (values < dtype(a)) | (values > dtype(b))
            if not outside.any():
                return _write(tensor, values)
            values = np.where(outside, _normal(tensor, mean, std, generator), values)
    mode = max(a, min(mean, b))
    log_peak = -0.5 * ((mode - mean) / std) ** 2

    def rejected(candidates):
        log_pdf = ((candidates - dtype(mean)) / dtype(std)) ** 2 * dtype(-0.5) - dtype(log_peak)
        return np.log(_uniform(tensor, 0.0, 1.0, generator)) > log_pdf

    values = _uniform(tensor, a, b, generator)
    pending = rejected(values)
    while pending.any():
        candidates = _uniform(tensor, a, b, generator)
        values = np.where(pending, candidates, values)
        pending = np.where(pending, rejected(candidates), pending)
    return _write(tensor, values)


def constant_(tensor, val):
    """Fill with the value val."""
    return _write(tensor, val)


def ones_(tensor):
    """Fill with ones."""
    return _write(tensor, 1.0)


def zeros_(tensor):
    """Fill with zeros."""
    return _write(tensor, 0.0)


def eye_(tensor):
    """Fill a 2-D tensor with the identity matrix (ones on the diagonal)."""
    if tensor.dim() != 2:
        raise ValueError("Only tensors with 2 dimensions are supported")
    xp = xp_of(tensor._data)
    return _write(tensor, xp.eye(*tensor.shape, dtype=tensor._data.dtype))


def dirac_(tensor, groups=1):
    """Fill a 3-, 4- or 5-D convolution weight with the Dirac delta: the convolution then
    keeps the identity of as many input channels as possible (per group)."""
    dimensions = tensor.dim()
    if dimensions not in (3, 4, 5):
        raise ValueError("Only tensors with 3, 4, or 5 dimensions are supported")
    sizes = tensor.shape
    if sizes[0] % groups != 0:
        raise ValueError("dim 0 must be divisible by groups")
    out_per_group = sizes[0] // groups
    centre = tuple(s // 2 for s in sizes[2:])
    data = tensor._data
    data[...] = 0
    for g in range(groups):
        for d in range(min(out_per_group, sizes[1])):
            data[(g * out_per_group + d, d) + centre] = 1
    tensor._version[0] += 1
    return tensor


def _calculate_fan_in_and_fan_out(tensor):
    """(fan_in, fan_out): input and output feature maps times the receptive field size."""
    if tensor.dim() < 2:
        raise ValueError("Fan in and fan out can not be computed for tensor with fewer than 2 "
                         "dimensions")
    receptive_field_size = 1
    for s in tensor.shape[2:]:
        receptive_field_size *= s
    return tensor.shape[1] * receptive_field_size, tensor.shape[0] * receptive_field_size


def _calculate_correct_fan(tensor, mode):
    mode = mode.lower()
    valid_modes = ["fan_in", "fan_out"]
    if mode not in valid_modes:
        raise ValueError(f"Mode {mode} not supported, please use one of {valid_modes}")
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    return fan_in if mode == "fan_in" else fan_out


def xavier_uniform_(tensor, gain=1.0, generator=None):
    """Glorot uniform: U(-a, a) with a = gain * sqrt(6 / (fan_in + fan_out))."""
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    std = gain * math.sqrt(2.0 / float(fan_in + fan_out))
    bound = math.sqrt(3.0) * std
    return uniform_(tensor, -bound, bound, generator)


def xavier_normal_(tensor, gain=1.0, generator=None):
    """Glorot normal: N(0, std^2) with std = gain * sqrt(2 / (fan_in + fan_out))."""
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    std = gain * math.sqrt(2.0 / float(fan_in + fan_out))
    return normal_(tensor, 0.0, std, generator)


def _kaiming_std(tensor, a, mode, nonlinearity):
    fan = _calculate_correct_fan(tensor, mode)
    return calculate_gain(nonlinearity, a) / math.sqrt(fan)


def kaiming_uniform_(tensor, a=0, mode="fan_in", nonlinearity="leaky_relu", generator=None):
    """He uniform: U(-bound, bound) with bound = gain * sqrt(3 / fan).

    Args:
        a: the negative slope of the rectifier after this layer (leaky_relu only).
        mode: "fan_in" keeps the forward variance, "fan_out" the backward one.
        nonlinearity: the activation's name, for calculate_gain.

    Example:
        >>> w = ember.empty(3, 5)
        >>> ember.nn.init.kaiming_uniform_(w, mode="fan_in", nonlinearity="relu").shape
        ember.Size([3, 5])
    """
    if 0 in tensor.shape:
        warnings.warn("Initializing zero-element tensors is a no-op", stacklevel=2)
        return tensor
    bound = math.sqrt(3.0) * _kaiming_std(tensor, a, mode, nonlinearity)
    return uniform_(tensor, -bound, bound, generator)


def kaiming_normal_(tensor, a=0, mode="fan_in", nonlinearity="leaky_relu", generator=None):
    """He normal: N(0, std^2) with std = gain / sqrt(fan)."""
    if 0 in tensor.shape:
        warnings.warn("Initializing zero-element tensors is a no-op", stacklevel=2)
        return tensor
    return normal_(tensor, 0.0, _kaiming_std(tensor, a, mode, nonlinearity), generator)


def orthogonal_(tensor, gain=1, generator=None):
    """Fill with a (semi-)orthogonal matrix, the tensor seen as (rows, numel / rows): the
    Q of the QR decomposition of a Gaussian matrix, signs fixed by diag(R), times gain."""
    if tensor.dim() < 2:
        raise ValueError("Only tensors with 2 or more dimensions are supported")
    if tensor.numel() == 0:
        return tensor
    rows = tensor.shape[0]
    cols = tensor.numel() // rows
    xp = xp_of(tensor._data)
    gaussian = _normal(tensor, 0.0, 1.0, generator, shape=(rows, cols))
    flattened = backend_of(tensor._data).to_device(gaussian, tensor.device)
    if rows < cols:
        flattened = flattened.T
    q, r = xp.linalg.qr(flattened)
    q = q * xp.sign(xp.diagonal(r))  # makes the decomposition unique (uniform over O(n))
    if rows < cols:
        q = q.T
    return _write(tensor, (q * gain).reshape(tuple(tensor.shape)))


def sparse_(tensor, sparsity, std=0.01, generator=None):
    """Fill a 2-D tensor from N(0, std^2), then zero a fraction `sparsity` of each column."""
    if tensor.dim() != 2:
        raise ValueError("Only tensors with 2 dimensions are supported")
    rows, cols = tensor.shape
    num_zeros = math.ceil(sparsity * rows)
    values = _normal(tensor, 0.0, std, generator)
    # torch draws the zeroed rows from the default generator even when one is given
    for col in range(cols):
        values[_sampling.randperm(_generator(None), rows)[:num_zeros], col] = 0
    return _write(tensor, values)


def _make_deprecate(method):
    new_name = method.__name__
    old_name = new_name[:-1]

    def deprecated_init(*args, **kwargs):
        warnings.warn(f"`nn.init.{old_name}` is now deprecated in favor of "
                      f"`nn.init.{new_name}`.", FutureWarning, stacklevel=2)
        return method(*args, **kwargs)

    deprecated_init.__doc__ = f"Deprecated: use nn.init.{new_name}."
    deprecated_init.__name__ = old_name
    return deprecated_init


uniform = _make_deprecate(uniform_)
normal = _make_deprecate(normal_)
constant = _make_deprecate(constant_)
eye = _make_deprecate(eye_)
dirac = _make_deprecate(dirac_)
xavier_uniform = _make_deprecate(xavier_uniform_)
xavier_normal = _make_deprecate(xavier_normal_)
kaiming_uniform = _make_deprecate(kaiming_uniform_)
kaiming_normal = _make_deprecate(kaiming_normal_)
orthogonal = _make_deprecate(orthogonal_)
sparse = _make_deprecate(sparse_)
