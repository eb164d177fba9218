"""Counting: bincount (occurrences of each non-negative integer), histc (a histogram
over equal-width bins) and histogramdd (a histogram of points in D dims).

Both work on arrays and return tensors that record no node: their outputs are counts, or
sums of weights, that torch cannot differentiate either.
"""
import builtins
import math

import numpy as np  # histogramdd counts on the host, as sequence.histogram does

from .. import _dtype
from .._dtype import FLOAT_NP
from .._tensor import Tensor
from ..backend import xp_of

__all__ = ["bincount", "histc", "histogramdd"]

_INTEGER_KINDS = "iu"


def _dtype_word(tensor):
    """torch's kernel-dispatch name of a dtype ('Float', 'Long', 'Bool')."""
    return _dtype.scalar_type_name(tensor.dtype)


def bincount(input, weights=None, minlength=0):
    """out[n] = how often n occurs in `input` (or the sum of the weights where it does).

    Args:
        input: a 1-D tensor of non-negative integers.
        weights: optional, the same length as `input`; each occurrence counts its weight.
        minlength: the least length of the output.

    Returns:
        A tensor of length max(max(input) + 1, minlength): int64 counts, or the weights'
        sums, in float32 for float32 weights and float64 otherwise (as torch).

    Differs from PyTorch: the result never requires grad (torch records a node for weights
    that require grad).

    Example:
        >>> ember.bincount(ember.tensor([0, 1, 1, 3]))
        tensor([1, 2, 0, 1])
    """
    data = input._data
    if data.dtype.kind not in _INTEGER_KINDS:
        raise NotImplementedError(f'"bincount_cpu" not implemented for \'{_dtype_word(input)}\'')
    xp = xp_of(data)
    if data.ndim != 1 or (data.size and int(data.min()) < 0):
        raise RuntimeError(f"bincount only supports 1-d non-negative integral inputs. "
                           f"(got shape {list(data.shape)})")
    if minlength < 0:
        raise RuntimeError(f"minlength should be >= 0 (got {minlength})")
    if weights is None:
        counts = xp.bincount(data, minlength=minlength).astype(_dtype.int64.np, copy=False)
        return Tensor._make(counts)
    if weights._data.ndim != 1 or weights._data.shape[0] != data.shape[0]:
        raise RuntimeError(f"weights should be 1-d and have the same length as input "
                           f"(input {list(data.shape)}, weights {list(weights.shape)})")
    out_dtype = weights._data.dtype if weights.dtype is _dtype.float32 else _dtype.float64.np
    sums = xp.bincount(data, weights=weights._data.astype(_dtype.float64.np), minlength=minlength)
    return Tensor._make(sums.astype(out_dtype, copy=False))


def histc(input, bins=100, min=0, max=0, *, out=None):
    """A histogram of `input`'s elements over `bins` equal bins spanning [min, max].

    With min == max, the bins span the data's smallest to largest element (widened by 1 on
    each side if those are equal too). Elements outside the range, and NaN, are not counted;
    one equal to max goes into the last bin.

    Args:
        input: a floating tensor, of any shape.
        bins: the number of bins.
        min, max: the range the bins cover.

    Returns:
        A 1-D tensor of `bins` counts, in input's dtype.

    Differs from PyTorch: the result never requires grad (torch records a node whose
    backward raises).

    Example:
        >>> ember.histc(ember.tensor([1., 2., 1.]), bins=4, min=0, max=3)
        tensor([0., 2., 1., 0.])
    """
    data = input._data
    if data.dtype not in FLOAT_NP:
        raise NotImplementedError(f'"histogram_cpu" not implemented for '
                                  f"'{_dtype_word(input)}'")
    if bins <= 0:
        raise RuntimeError(f"torch.histogram(): bins must be > 0, but got {bins} for dimension 0")
    xp = xp_of(data)
    low, high = builtins.float(min), builtins.float(max)
    if low == high and data.size:
        finite = data[~xp.isnan(data)]
        if finite.size:
            low, high = builtins.float(finite.min()), builtins.float(finite.max())
    if low == high:
        low, high = low - 1, high + 1
    if not (math.isfinite(low) and math.isfinite(high)):
        raise RuntimeError(f"torch.histc: range of [{low}, {high}] is not finite")
    if low > high:
        raise RuntimeError(f"torch.histc: max must be larger than min (got min={min}, "
                           f"max={max})")
    values = data.reshape(-1)
    values = values[(values >= low) & (values <= high)]  # NaN compares false: dropped
    # torch's bin of x, computed in the input's precision and in this order
    low_x, high_x = xp.asarray(low, data.dtype), xp.asarray(high, data.dtype)
    position = ((values - low_x) * bins / (high_x - low_x)).astype(_dtype.int64.np)
    position = xp.minimum(position, bins - 1)
    counts = xp.bincount(position, minlength=bins).astype(data.dtype)
    result = Tensor._make(counts)
    if out is None:
        return result
    out.copy_(result)
    return out


Tensor.bincount = bincount
Tensor.histc = histc


def histogramdd(input, bins=10, range=None, weight=None, density=False):
    """return_types.histogramdd(hist, bin_edges): counts (or summed weights, or densities) of
    the points in input's rows (the last dim holds each point's D coordinates), in bins
    per dim given as a count for all dims, one count per dim, or one 1-D tensor of edges per
    dim; `range` is [min0, max0, min1, max1, ...] (default: the data's). The last bin of each
    dim includes its right edge.

    Example:
        >>> points = ember.tensor([[0., 0.], [1., 1.], [1., 0.]])
        >>> ember.histogramdd(points, bins=2).hist
        tensor([[1., 0.],
                [1., 1.]])
    """
    from .. import return_types
    if input._data.dtype not in FLOAT_NP:
        raise NotImplementedError(
            f"\"histogramdd\" not implemented for '{_dtype_word(input)}'")
    if input.dim() < 1:
        raise RuntimeError("torch.histogramdd: input tensor should have at least 1 dimension")
    dims = input.shape[-1]
    points = np.asarray(input.detach().cpu()._data, dtype=np.float64).reshape(-1, dims)
    if isinstance(bins, (list, tuple)) and bins and isinstance(bins[0], Tensor):
        for d, edges in enumerate(bins):
            if edges.dtype != input.dtype:
                raise RuntimeError(
                    f"torch.histogramdd: input tensor and bins tensors should have the same "
                    f"dtype, but got input with dtype {input.dtype} and bins for dimension {d} "
                    f"with dtype {edges.dtype}")
        bins = [np.asarray(b.detach().cpu()._data, dtype=np.float64) for b in bins]
    elif isinstance(bins, (list, tuple)) and len(bins) != dims:
        raise RuntimeError(f"torch.histogramdd: expected {dims} sequences of bin edges for "
                           f"each dimension, but got {len(bins)}")
    if range is not None:
        if len(range) != 2 * dims:
            raise RuntimeError(f"torch.histogramdd: for a {dims}-dimensional histogram range "
                               f"should have {2 * dims} elements, but got {len(range)}")
        range = [(range[2 * d], range[2 * d + 1]) for d in builtins.range(dims)]
    weights = None if weight is None else np.asarray(weight.detach().cpu()._data).reshape(-1)
    hist, edges = np.histogramdd(points, bins=bins, range=range, weights=weights,
                                 density=density)
    dtype = input._data.dtype
    device = input.device
    hist = Tensor._make(hist.astype(dtype)).to(device)
    edges = tuple(Tensor._make(e.astype(dtype)).to(device) for e in edges)
    return return_types.histogramdd((hist, edges))
