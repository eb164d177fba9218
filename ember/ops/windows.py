"""Window functions for spectral analysis: hann, hamming, blackman, bartlett, kaiser.

Each window is computed on the host in its own dtype, one torch operation after another
(ATen's TensorFactories.cpp), then moved to the requested device. Cosines and Bessel
functions are evaluated in float64 and rounded, so float64 hann, hamming, blackman and
bartlett windows equal torch's and the others are within an ulp or two of them (torch's
vectorised float32 cos and its Cephes i0 round differently in the last bit).

A periodic window of length N is the symmetric window of length N + 1 without its last
value (the form spectral code wants); lengths 0 and 1 give an empty tensor and [1.].
"""
import math

import numpy as np

from .. import _dtype
from .creation import _dtype_or_default, _finish, _target
from .layout import check_layout, pinned

__all__ = ["hann_window", "hamming_window", "blackman_window", "bartlett_window",
           "kaiser_window"]


def _window(op_name, window_length, periodic, dtype, layout, device, requires_grad,
                   pin_memory, symmetric):
    """The window `symmetric(n, length)` on positions n = arange(length) of dtype's numpy
    type, made periodic and placed on device."""
    dtype = _dtype_or_default(dtype)
    if dtype.category != _dtype.FLOATING:
        raise RuntimeError(f"{op_name} expects floating point dtypes, got: {dtype}")
    if window_length < 0:
        raise RuntimeError(f"{op_name} requires non-negative window_length, got "
                           f"window_length={window_length}")
    if window_length <= 1:
        values = np.ones(window_length, dtype.np)
    else:
        length = window_length + 1 if periodic else window_length
        values = symmetric(np.arange(length, dtype=dtype.np), length)[:window_length]
    if layout is not None:
        check_layout(layout, op_name)
    backend, device = _target(device)
    result = _finish(backend.to_device(np.ascontiguousarray(values), device), requires_grad)
    return pinned(result, pin_memory)


def _cos(x):
    return np.cos(x.astype(np.float64)).astype(x.dtype)


def hamming_window(window_length, periodic=True, alpha=0.54, beta=0.46, *, dtype=None,
                   layout=None, device=None, requires_grad=False, pin_memory=False):
    """w[n] = alpha - beta * cos(2 pi n / (N - 1)), N the full (symmetric) length.

    Args:
        window_length: the number of values returned.
        periodic: drop the last value of a window of length window_length + 1. Default: True.
        alpha, beta: the coefficients. Default: 0.54, 0.46.
        dtype, device, requires_grad: as for any factory function.

    Example:
        >>> ember.hamming_window(4)
        tensor([0.0800, 0.5400, 1.0000, 0.5400])
    """
    def symmetric(n, length):
        n *= n.dtype.type(2 * math.pi / (length - 1))
        return alpha - beta * _cos(n)

    return _window("hamming_window", window_length, periodic, dtype, layout, device,
                   requires_grad, pin_memory, symmetric)


def hann_window(window_length, periodic=True, *, dtype=None, layout=None, device=None,
                requires_grad=False, pin_memory=False):
    """w[n] = 1/2 - 1/2 cos(2 pi n / (N - 1)) = sin^2(pi n / (N - 1)): hamming_window with
    alpha = beta = 1/2, as torch computes it.

    Example:
        >>> ember.hann_window(4)
        tensor([0.0000, 0.5000, 1.0000, 0.5000])
    """
    def symmetric(n, length):
        n *= n.dtype.type(2 * math.pi / (length - 1))
        return 0.5 - 0.5 * _cos(n)

    return _window("hann_window", window_length, periodic, dtype, layout, device,
                   requires_grad, pin_memory, symmetric)


def blackman_window(window_length, periodic=True, *, dtype=None, layout=None, device=None,
                    requires_grad=False, pin_memory=False):
    """w[n] = 0.42 - 0.5 cos(2 pi n / (N - 1)) + 0.08 cos(4 pi n / (N - 1)).

    Example:
        >>> ember.blackman_window(4, periodic=False)
        tensor([-1.4901e-08,  6.3000e-01,  6.3000e-01, -1.4901e-08])
    """
    def symmetric(n, length):
        scale = n.dtype.type
        n *= scale(math.pi / (length - 1))
        return _cos(n * scale(4)) * scale(0.08) - _cos(n * scale(2)) * scale(0.5) + \
            scale(0.42)

    return _window("blackman_window", window_length, periodic, dtype, layout, device,
                   requires_grad, pin_memory, symmetric)


def bartlett_window(window_length, periodic=True, *, dtype=None, layout=None, device=None,
                    requires_grad=False, pin_memory=False):
    """The triangular window: w[n] = 2n / (N - 1) on the first half, 2 - 2n / (N - 1) on
    the second.

    Example:
        >>> ember.bartlett_window(5, periodic=False)
        tensor([0.0000, 0.5000, 1.0000, 0.5000, 0.0000])
    """
    def symmetric(n, length):
        scale = n.dtype.type
        n *= scale(2 / (length - 1))
        first_half = (length - 1) // 2 + 1
        n[first_half:] = scale(2) - n[first_half:]
        return n

    return _window("bartlett_window", window_length, periodic, dtype, layout, device,
                   requires_grad, pin_memory, symmetric)


def kaiser_window(window_length, periodic=True, beta=12.0, *, dtype=None, layout=None,
                  device=None, requires_grad=False, pin_memory=False):
    """w[n] = I0(beta * sqrt(1 - ((n - a) / a)^2)) / I0(beta), a = (N - 1) / 2, with I0 the
    modified Bessel function of order 0.

    Example:
        >>> ember.kaiser_window(3, periodic=False, beta=0.0)
        tensor([1., 1., 1.])
    """
    from scipy.special import i0

    def symmetric(n, length):
        # torch's kernel computes half types in float32 (their opmath type)
        work = n.astype(np.float32) if n.dtype.itemsize < 4 else n
        scale = work.dtype.type
        alpha, beta_ = scale((length - 1) / 2.0), scale(beta)
        ratio = (work - alpha) / alpha
        argument = beta_ * np.sqrt(np.abs(scale(1) - ratio ** 2))
        return (i0(argument.astype(np.float64)) / i0(float(beta_))).astype(n.dtype)

    return _window("kaiser_window", window_length, periodic, dtype, layout, device,
                   requires_grad, pin_memory, symmetric)
