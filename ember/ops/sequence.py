"""Functions along one dim or over index sequences: diff, trapezoid and
cumulative_trapezoid, logcumsumexp, renorm, dist, histogram, combinations, unravel_index,
and the splits hsplit / vsplit / dsplit / split_with_sizes.

All but logcumsumexp are compositions of differentiable ember ops; logcumsumexp has its own
op because the composite exp-cumsum-log underflows to -inf (see LogCumSumExp).
"""
import builtins
import itertools

import numpy as np

from .. import _dtype
from .._dtype import DIFFERENTIABLE_NP, FLOAT_NP, scalar_type_name
from .._tensor import Tensor
from ..autograd.function import Op
from ..backend import xp_of
from . import compare
from ._dims import wrap_dim
from .binary import _complex_logaddexp
from .creation import tensor as make_tensor
from .creation import zeros
from .join import cat, flip, split, tensor_split

__all__ = ["diff", "trapezoid", "trapz", "cumulative_trapezoid", "logcumsumexp", "renorm",
           "dist", "histogram", "combinations", "unravel_index", "hsplit", "vsplit", "dsplit",
           "split_with_sizes", "gradient"]


def diff(input, n=1, dim=-1, prepend=None, append=None, *, out=None):
    """The n-th forward difference along dim: out[i] = input[i + 1] - input[i], repeated n
    times (bool tensors: logical xor), after joining prepend and append on.

    Example:
        >>> ember.diff(ember.tensor([1, 4, 9]))
        tensor([3, 5])
    """
    if out is not None:
        from .elementwise import _write_out  # casts into out where torch's casting allows
        return _write_out(out, diff(input, n, dim, prepend, append), "diff")
    if input.dim() == 0:
        raise RuntimeError("diff expects input to be at least one-dimensional")
    if n < 0:
        raise RuntimeError(f"order must be non-negative but got {n}")
    dim = wrap_dim(dim, input.dim(), "diff")
    if n == 0:  # torch returns a copy of input, leaving prepend and append out
        return input.clone()
    pieces = [t for t in (prepend, input, append) if t is not None]
    x = cat(pieces, dim) if len(pieces) > 1 else input
    for _ in range(n):
        length = x.shape[dim]
        if length == 0:
            break
        later, earlier = x.narrow(dim, 1, length - 1), x.narrow(dim, 0, length - 1)
        x = later.logical_xor(earlier) if x.dtype is _dtype.bool else later - earlier
    return x


def gradient(input, *, spacing=1, dim=None, edge_order=1):
    """Estimates of the partial derivatives of the function sampled by input, one tensor per
    dim: second-order central differences inside, and first- or second-order one-sided
    differences (edge_order) at the ends, as numpy.gradient.

    For left and right sample distances hl, hr around a point:
        f'(x) ~ (hl**2 f(x + hr) - hr**2 f(x - hl) + (hr**2 - hl**2) f(x)) / (hl hr (hl + hr))
    `spacing` is one number (the distance for every dim), a list of numbers (one per dim) or
    a list of 1-D tensors (each dim's sample coordinates).

    Example:
        >>> ember.gradient(ember.tensor([1., 2., 4., 8.]))
        (tensor([1.0000, 1.5000, 3.0000, 4.0000]),)
    """
    ndim = input.dim()
    if dim is None:
        dims = list(builtins.range(ndim))
    elif isinstance(dim, builtins.int):
        dims = [wrap_dim(dim, ndim, "gradient")]
    else:
        dims = [wrap_dim(d, ndim, "gradient") for d in dim]
        for d in dims:
            if dims.count(d) > 1:
                raise RuntimeError(f"dim {d} appears multiple times in the list of dims")
    if spacing is None:
        spacing = 1
    if isinstance(spacing, (list, tuple)):
        if len(spacing) != len(dims):
            raise RuntimeError(
                f"torch.gradient expected spacing to be unspecified, a scalar or it's spacing "
                f"and dim arguments to have the same length, but got a spacing argument of "
                f"length {len(spacing)} and a dim argument of length {len(dims)}.")
        spacings = list(spacing)
    else:
        spacings = [spacing] * len(dims)
    if edge_order not in (1, 2):
        raise RuntimeError(f"torch.gradient only supports edge_order=1 and edge_order=2, got "
                           f"{edge_order}")
    for d in dims:
        if input.shape[d] < edge_order + 1:
            raise RuntimeError(
                f"torch.gradient expected each dimension size to be at least edge_order+1, "
                f"got a size of {input.shape[d]} along dim {d} with edge_order={edge_order}")
    values = input if input._data.dtype in DIFFERENTIABLE_NP else input.to(
        _dtype.get_default_dtype())
    return tuple(_partial(values, d, h, edge_order) for d, h in zip(dims, spacings))


def _partial(f, dim, spacing, edge_order):
    """One dim's gradient estimate (see gradient)."""
    n = f.shape[dim]

    def part(start, length=None):
        start = start + n if start < 0 else start  # part(2) of a size-2 dim is empty
        return f.narrow(dim, start, n - start if length is None else length)

    if isinstance(spacing, Tensor):
        if spacing.dim() != 1 or spacing.shape[0] != n:
            raise RuntimeError(
                f"torch.gradient expected each tensor to be on the same device and of size "
                f"{n} along dim {dim}, got a spacing tensor of shape {list(spacing.shape)}")
        widths = diff(spacing.to(f.dtype)).reshape([-1] + [1] * (f.dim() - dim - 1))
        left, right = widths.narrow(0, 0, n - 2), widths.narrow(0, 1, n - 2)
        inner = (left * left * part(2) - right * right * part(0, n - 2)
                 + (right * right - left * left) * part(1, n - 2)) / (left * right
                                                                      * (left + right))
        first, second = widths.narrow(0, 0, 1), widths.narrow(0, 1, 1) if n > 2 else None
        before_last, last = (widths.narrow(0, n - 3, 1) if n > 2 else None,
                             widths.narrow(0, n - 2, 1))
    else:
        inner = (part(2) - part(0, n - 2)) / (2 * spacing)
        first = second = before_last = last = spacing
    if edge_order == 1:
        head = (part(1, 1) - part(0, 1)) / first
        tail = (part(-1) - part(-2, 1)) / last
    else:
        h1, h2 = first, second
        head = (-(2 * h1 + h2) / (h1 * (h1 + h2)) * part(0, 1) + (h1 + h2) / (h1 * h2)
                * part(1, 1) - h1 / (h2 * (h1 + h2)) * part(2, 1))
        h1, h2 = before_last, last
        tail = (h2 / (h1 * (h1 + h2)) * part(-3, 1) - (h1 + h2) / (h1 * h2) * part(-2, 1)
                + (2 * h2 + h1) / (h2 * (h1 + h2)) * part(-1))
    return cat([head, inner, tail], dim)


def _spacing(y, x, dx, dim):
    """The widths between samples along dim: diff(x) broadcast against y, or the number dx."""
    if x is None:
        return 1 if dx is None else dx
    if x.dim() == 1:
        widths = diff(x)
        return widths.reshape([-1] + [1] * (y.dim() - dim - 1))
    return diff(x, dim=dim)


def trapezoid(y, x=None, *, dx=None, dim=-1):
    """The integral of y along dim by the trapezoidal rule, with sample points x or a
    constant spacing dx (default 1).

    Example:
        >>> ember.trapezoid(ember.tensor([1., 2., 3.]))
        tensor(4.)
    """
    dim = wrap_dim(dim, y.dim(), "trapezoid")
    length = y.shape[dim]
    if length == 0:
        return zeros(y.shape[:dim] + y.shape[dim + 1:], dtype=_float_dtype(y), device=y.device)
    widths = _spacing(y, x, dx, dim)
    middle = (y.narrow(dim, 1, length - 1) + y.narrow(dim, 0, length - 1)) * widths
    return middle.sum(dim) / 2


def trapz(y, x=None, *, dx=None, dim=-1):
    """An older name of `trapezoid`."""
    return trapezoid(y, x, dx=dx, dim=dim)


def cumulative_trapezoid(y, x=None, *, dx=None, dim=-1):
    """The running integral of y along dim by the trapezoidal rule (one fewer element)."""
    dim = wrap_dim(dim, y.dim(), "cumulative_trapezoid")
    length = y.shape[dim]
    if length == 0:
        return zeros(y.shape, dtype=_float_dtype(y), device=y.device)
    widths = _spacing(y, x, dx, dim)
    middle = (y.narrow(dim, 1, length - 1) + y.narrow(dim, 0, length - 1)) * widths
    return (middle / 2).cumsum(dim)


def _float_dtype(tensor):
    return tensor.dtype if tensor._data.dtype in DIFFERENTIABLE_NP else (
        _dtype.get_default_dtype())


class LogCumSumExp(Op):
    """y_i = log(sum_{j <= i} exp(x_j)), by running logaddexp (stable: no exp of large
    numbers, no log of underflowed zeros);
    grad_x_i = sum_{j >= i} g_j exp(x_i - y_j) (conjugated for complex x): torch's formula, a
    logcumsumexp of log(g) (of log|g|, split by the sign of a real g)."""

    @staticmethod
    def forward(ctx, x, dim):
        xp = ctx.xp
        if x.dtype.kind == "c":  # one step at a time: numpy's logaddexp is real only
            out = x.copy()
            steps = xp.moveaxis(out, dim, 0)  # a view: the steps write into out
            for i in builtins.range(1, steps.shape[0]):
                steps[i] = _complex_logaddexp(xp, steps[i - 1], steps[i])
        else:
            out = xp.logaddexp.accumulate(x, axis=dim) if x.size else x.copy()
        ctx.dim = dim
        ctx.save_for_backward(x, out)
        return out.astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        x, out = ctx.saved_tensors
        dim = ctx.dim
        minus_inf = float("-inf")
        if x._data.dtype.kind == "c":
            reversed_sum = flip(logcumsumexp(flip(grad.conj().log() - out, (dim,)), dim), (dim,))
            return (reversed_sum + x).exp().conj(), None

        def part(positive):
            magnitude = grad if positive else -grad
            log_grad = compare.where(magnitude > 0, magnitude.clamp_min(1e-300).log()
                                     if x.dtype is _dtype.float64 else
                                     magnitude.clamp_min(1e-38).log(), minus_inf)
            reversed_sum = flip(logcumsumexp(flip(log_grad - out, (dim,)), dim), (dim,))
            return (reversed_sum + x).exp()

        return part(True) - part(False), None


def logcumsumexp(input, dim, *, out=None):
    """log(cumsum(exp(input), dim)), computed stably.

    Example:
        >>> ember.logcumsumexp(ember.tensor([0., 0.]), 0)
        tensor([0.0000, 0.6931])
    """
    if input._data.dtype not in DIFFERENTIABLE_NP:
        input = input.to(_dtype.get_default_dtype())
    dim = wrap_dim(dim, input.dim(), "logcumsumexp")
    result = LogCumSumExp.apply(input, dim) if input.dim() else input.clone()
    return result if out is None else out.copy_(result)


def renorm(input, p, dim, maxnorm, *, out=None):
    """Each slice input.select(dim, i) whose p-norm exceeds maxnorm, scaled down to norm
    maxnorm (as maxnorm / (norm + 1e-7), as torch does)."""
    if p <= 0:
        raise RuntimeError("renorm: non-positive-norm not supported")
    if maxnorm < 0:
        raise RuntimeError(f"renorm: expected maxnorm to be >= 0 but got {maxnorm}")
    if input.dim() <= 1:
        raise RuntimeError(f"renorm: input needs at least 2 dimensions, got {input.dim()} "
                           f"dimensions")
    dim = wrap_dim(dim, input.dim(), "renorm")
    others = tuple(d for d in range(input.dim()) if d != dim)
    norms = input.norm(p, dim=others, keepdim=True)
    scale = compare.where(norms > maxnorm, maxnorm / (norms + 1e-7), 1.0)
    result = input * scale
    return result if out is None else out.copy_(result)


def dist(input, other, p=2):
    """The p-norm of input - other (broadcast)."""
    return (input - other).norm(p)


def histogram(input, bins=100, *, range=None, weight=None, density=False, out=None):
    """(hist, bin_edges): counts (or summed weights, or densities) of input's elements in
    `bins` equal bins over `range` (default: the data's), or in the bins a 1-D tensor of
    edges gives. The last bin includes its right edge. Not differentiable, as in torch."""
    from ..return_types import histogram as histogram_result
    if input._data.dtype not in FLOAT_NP:
        raise NotImplementedError(
            f"\"histogramdd\" not implemented for '{scalar_type_name(input.dtype)}'")
    data = np.asarray(input.detach().cpu()._data, dtype=np.float64).reshape(-1)
    edges = (np.asarray(bins.detach().cpu()._data, dtype=np.float64)
             if isinstance(bins, Tensor) else bins)
    weights = None if weight is None else np.asarray(weight.detach().cpu()._data).reshape(-1)
    hist, bin_edges = np.histogram(data, bins=edges, range=range, weights=weights,
                                   density=density)
    hist = make_tensor(hist.astype(input._data.dtype), device=input.device)
    bin_edges = make_tensor(bin_edges.astype(input._data.dtype), device=input.device)
    if out is not None:
        out[0].copy_(hist)
        out[1].copy_(bin_edges)
        hist, bin_edges = out
    return histogram_result((hist, bin_edges))


def combinations(input, r=2, with_replacement=False):
    """The length-r combinations of a 1-D tensor's elements, as rows (like
    itertools.combinations, or combinations_with_replacement)."""
    if input.dim() != 1:
        raise RuntimeError(f"Expect a 1D vector, but got shape {list(input.shape)}")
    if r < 0:
        raise RuntimeError(f"Expect a non-negative number, but got {r}")
    if r == 0:
        return zeros(0, dtype=input.dtype, device=input.device)
    pick = itertools.combinations_with_replacement if with_replacement else \
        itertools.combinations
    index = np.array(list(pick(builtins.range(input.shape[0]), r)), dtype=np.int64)
    index = make_tensor(index.reshape(-1, r), device=input.device)
    return input[index]


def unravel_index(indices, shape):
    """The coordinates in a tensor of `shape` of flat indices, as a tuple of int64 tensors."""
    if not isinstance(indices, Tensor):
        indices = make_tensor(indices)
    if indices.is_floating_point() or indices.dtype is _dtype.bool:
        raise TypeError(f"expected 'indices' to be integer dtype, but got {indices.dtype}")
    shape = (shape,) if isinstance(shape, builtins.int) else tuple(shape)
    if builtins.any(size < 0 for size in shape):
        raise ValueError("'shape' cannot have negative values, but got "
                         f"{tuple(shape)}")
    flat = indices.detach()._data.astype(np.int64)
    size = int(np.prod(shape))
    xp = xp_of(flat)  # indices out of range wrap around, as torch's do
    coordinates = xp.unravel_index(flat % builtins.max(size, 1), shape)
    return tuple(Tensor._make(c.astype(np.int64)) for c in coordinates)


def _split_along(input, indices_or_sections, dim, op_name, min_dims):
    if input.dim() < min_dims:
        raise RuntimeError(
            f"torch.{op_name} requires a tensor with at least {min_dims} dimension, but got a "
            f"tensor with {input.dim()} dimensions!")
    if not isinstance(indices_or_sections, (builtins.int, list, tuple, Tensor)) or (
            isinstance(indices_or_sections, (list, tuple))
            and not builtins.all(isinstance(i, builtins.int) for i in indices_or_sections)):
        raise TypeError(
            f"{op_name}() received an invalid combination of arguments - got "
            f"{type(indices_or_sections).__name__}: indices_or_sections must be an int or a "
            f"sequence of ints")
    if isinstance(indices_or_sections, builtins.int):
        size = input.shape[dim]
        if indices_or_sections == 0 or size % indices_or_sections:
            raise RuntimeError(
                f"torch.{op_name} attempted to split along dimension {dim}, but the size of "
                f"the dimension {size} is not divisible by the split_size "
                f"{indices_or_sections}!")
    return tensor_split(input, indices_or_sections, dim)


def _sections_or_indices(op_name, sections, indices):
    """torch's two overloads (int sections) and (tuple of ints indices), either positional."""
    if (sections is None) == (indices is None):
        raise TypeError(f"{op_name}() takes either sections (an int) or indices (a tuple of "
                        f"ints), got sections={sections!r} and indices={indices!r}")
    return indices if sections is None else sections


def hsplit(input, sections=None, indices=None):
    """tensor_split along dim 1 (dim 0 for 1-D input); sections must divide evenly.

    Example:
        >>> [t.shape for t in ember.hsplit(ember.ones(2, 4), 2)]
        [ember.Size([2, 2]), ember.Size([2, 2])]
    """
    dim = 0 if input.dim() == 1 else 1
    return _split_along(input, _sections_or_indices("hsplit", sections, indices), dim,
                        "hsplit", 1)


def vsplit(input, sections=None, indices=None):
    """tensor_split along dim 0 of an input of at least 2 dims."""
    return _split_along(input, _sections_or_indices("vsplit", sections, indices), 0,
                        "vsplit", 2)


def dsplit(input, sections=None, indices=None):
    """tensor_split along dim 2 of an input of at least 3 dims."""
    return _split_along(input, _sections_or_indices("dsplit", sections, indices), 2,
                        "dsplit", 3)


def split_with_sizes(input, split_sizes, dim=0):
    """Pieces of the given sizes along dim, which must add up to its size (views)."""
    dim = wrap_dim(dim, input.dim(), "split_with_sizes")
    if builtins.sum(split_sizes) != input.shape[dim]:
        raise RuntimeError(
            f"split_with_sizes expects split_sizes to sum exactly to {input.shape[dim]} "
            f"(input tensor's size at dimension {dim}), but got split_sizes="
            f"{list(split_sizes)}")
    return split(input, list(split_sizes), dim)


# -- Tensor methods -----------------------------------------------------------------------

for _name in ("diff", "logcumsumexp", "renorm", "dist", "histogram", "hsplit", "vsplit",
              "dsplit", "split_with_sizes"):
    setattr(Tensor, _name, globals()[_name])
