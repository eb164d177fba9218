"""Pooling: max and average pooling (1-D, 2-D, 3-D), adaptive pools, max_unpool and lp_pool.

Pools slide a window over the spatial dims of (N, C, *S). The windows are strided views of
the padded input (see conv.windows); a reduction over a window is a loop over the kernel
offsets, each a strided slice (N, C, *out) of the input, so every pass runs over whole
arrays and nothing is copied per window. Windows with many offsets (global pooling) are
instead copied once to (N, C, *out, K) and reduced along the last axis.

Each pool is a pair of linear ops that are each other's adjoint, so gradients of any order
stay inside the pair: AvgPool / AvgPoolScatter, MaxPoolGather / MaxPoolScatter (the max's
gradient is a gather of its window offset), IndexGather / IndexScatterAdd (flat indices, for
adaptive max pooling and max_unpool).
"""
import itertools
import math
from typing import NamedTuple

from .._dtype import FLOAT_NP, bfloat16, float16
from .._tensor import Tensor
from ..autograd.function import Op, named
from .conv import add_windows, crop_spatial, pad_spatial, window_slices, windows, \
    windows_overlap

__all__ = ["max_pool1d", "max_pool2d", "max_pool3d", "max_pool1d_with_indices",
           "max_pool2d_with_indices", "max_pool3d_with_indices", "avg_pool1d", "avg_pool2d",
           "avg_pool3d", "adaptive_avg_pool1d", "adaptive_avg_pool2d", "adaptive_avg_pool3d",
           "adaptive_max_pool1d", "adaptive_max_pool2d", "adaptive_max_pool3d",
           "adaptive_max_pool1d_with_indices", "adaptive_max_pool2d_with_indices",
           "adaptive_max_pool3d_with_indices", "fractional_max_pool2d", "fractional_max_pool3d",
           "fractional_max_pool2d_with_indices", "fractional_max_pool3d_with_indices",
           "max_unpool1d", "max_unpool2d", "max_unpool3d", "lp_pool1d", "lp_pool2d", "lp_pool3d"]

# Windows with more offsets than this are reduced with one copy instead of a loop.
_LOOP_LIMIT = 25
# torch's average pools sum the half types in float32 and round once
_HALF_NP = (float16.np, bfloat16.np)


class PoolGeometry(NamedTuple):
    kernel: tuple
    stride: tuple
    padding: tuple
    padding_end: tuple   # padding plus what ceil_mode's last window needs past the end
    dilation: tuple
    out_size: tuple
    input_size: tuple


def _offsets(kernel):
    return list(itertools.product(*map(range, kernel)))


def _window_rows(xp, padded, geometry):
    """The windows of padded (N, C, *S) copied to (N, C, *out, K)."""
    view = windows(xp, padded, geometry.kernel, geometry.stride, geometry.dilation,
                   geometry.out_size)                                # (N, C, *K, *out)
    d = len(geometry.kernel)
    order = (0, 1) + tuple(range(2 + d, 2 + 2 * d)) + tuple(range(2, 2 + d))
    return xp.ascontiguousarray(view.transpose(order)).reshape(
        padded.shape[:2] + geometry.out_size + (math.prod(geometry.kernel),))


def _padded_zeros(xp, shape, geometry, dtype):
    padded = tuple(s + b + a for s, b, a in zip(geometry.input_size, geometry.padding,
                                                 geometry.padding_end))
    return xp.zeros(tuple(shape[:2]) + padded, dtype)


def _unpad(xp, padded, geometry):
    return xp.ascontiguousarray(crop_spatial(padded, geometry.padding, geometry.input_size))


def _lowest(xp, dtype):
    if dtype in FLOAT_NP:
        return -math.inf
    return xp.iinfo(dtype).min


# -- max pooling --------------------------------------------------------------------------

def _window_max(xp, x, geometry):
    """The max of each window of x (padded with -inf), and the offset in the window where
    it is: the first maximum, or the last NaN (torch's rule; the one-copy path for large
    windows points at the first NaN)."""
    padded = pad_spatial(xp, x, geometry.padding, geometry.padding_end, _lowest(xp, x.dtype))
    kernel, stride, dilation = geometry.kernel, geometry.stride, geometry.dilation
    offsets = _offsets(kernel)
    if len(offsets) > _LOOP_LIMIT:
        rows = _window_rows(xp, padded, geometry)                    # (N, C, *out, K)
        arg = xp.argmax(rows, axis=-1)
        return xp.take_along_axis(rows, arg[..., None], -1)[..., 0], arg
    slabs = [padded[window_slices(offset, stride, dilation, geometry.out_size)]
             for offset in offsets]
    best = slabs[0].copy()
    arg = xp.zeros(best.shape, xp.int8)
    for q, candidate in enumerate(slabs[1:], 1):
        better = candidate > best
        xp.maximum(best, candidate, out=best)  # propagates NaN
        # q exceeds every offset seen so far: max() is a branch-free "arg = q where better"
        xp.maximum(arg, better * xp.int8(q), out=arg)
    if x.dtype in FLOAT_NP and xp.isnan(best).any():
        # torch points at the last NaN of a window; one more pass only where NaNs are
        last_nan = xp.zeros(arg.shape, xp.int8)  # its offset + 1, 0 for none
        for q, candidate in enumerate(slabs):
            xp.maximum(last_nan, (candidate != candidate) * xp.int8(q + 1), out=last_nan)
        arg = xp.where(last_nan > 0, last_nan - 1, arg).astype(xp.int8)
    return best, arg


def _scatter_max(xp, grad, arg, geometry):
    """grad_x (N, C, *S): each output's gradient sent to its window's max."""
    padded = _padded_zeros(xp, grad.shape, geometry, grad.dtype)
    kernel, stride, dilation, out_size = (geometry.kernel, geometry.stride, geometry.dilation,
                                          geometry.out_size)
    offsets = _offsets(kernel)
    d = len(kernel)
    if len(offsets) > _LOOP_LIMIT:
        onehot = arg[..., None] == xp.arange(len(offsets))          # (N, C, *out, K)
        cols = (grad[..., None] * onehot).reshape(grad.shape + kernel)
        order = (0, 1) + tuple(range(2 + d, 2 + 2 * d)) + tuple(range(2, 2 + d))
        add_windows(xp, padded, cols.transpose(order), stride, dilation)
        return _unpad(xp, padded, geometry)
    overlap = windows_overlap(kernel, stride, dilation, out_size)
    for q, offset in enumerate(offsets):
        target = padded[window_slices(offset, stride, dilation, out_size)]
        if overlap:
            target += grad * (arg == q)
        else:
            xp.multiply(grad, arg == q, out=target)
    return _unpad(xp, padded, geometry)


def _gather_max(xp, grad_x, arg, geometry):
    """out (N, C, *out): each window's element at its max offset (the adjoint of scatter)."""
    padded = pad_spatial(xp, grad_x, geometry.padding, geometry.padding_end)
    offsets = _offsets(geometry.kernel)
    if len(offsets) > _LOOP_LIMIT:
        rows = _window_rows(xp, padded, geometry)
        return xp.take_along_axis(rows, arg[..., None], -1)[..., 0]
    out = xp.zeros(arg.shape, grad_x.dtype)
    for q, offset in enumerate(offsets):
        out += padded[window_slices(offset, geometry.stride, geometry.dilation,
                                    geometry.out_size)] * (arg == q)
    return out


class MaxPool(Op):
    """y = max of x over each window (x padded with -inf), and the window offset of that max;
    grad_x = MaxPoolScatter(g): g sent to where each max came from."""

    @staticmethod
    def forward(ctx, x, geometry):
        out, arg = _window_max(ctx.xp, x, geometry)
        ctx.geometry = geometry
        ctx.save_for_backward(arg)
        ctx.set_materialize_grads(False)  # the offsets output has no gradient
        return out, arg

    @staticmethod
    def backward(ctx, grad, grad_arg):
        (arg,) = ctx.saved_tensors
        return MaxPoolScatter.apply(grad, arg._data, ctx.geometry), None


class MaxPoolScatter(Op):
    """grad_x = g scattered to the window position `arg` of each output (zero elsewhere);
    its gradient is the gather MaxPoolGather."""

    @staticmethod
    def forward(ctx, grad, arg, geometry):
        ctx.arg, ctx.geometry = arg, geometry
        return _scatter_max(ctx.xp, grad, arg, geometry)

    @staticmethod
    def backward(ctx, grad):
        return MaxPoolGather.apply(grad, ctx.arg, ctx.geometry), None, None


class MaxPoolGather(Op):
    """y = x at the window position `arg` of each output; its gradient is MaxPoolScatter."""

    @staticmethod
    def forward(ctx, x, arg, geometry):
        ctx.arg, ctx.geometry = arg, geometry
        return _gather_max(ctx.xp, x, arg, geometry)

    @staticmethod
    def backward(ctx, grad):
        return MaxPoolScatter.apply(grad, ctx.arg, ctx.geometry), None, None


def _flat_indices(xp, arg, geometry):
    """torch's indices: the flat position in the (unpadded) input plane of each max."""
    kernel = geometry.kernel
    in_window = xp.unravel_index(arg, kernel) if len(kernel) > 1 else (arg,)
    d = len(kernel)
    flat = 0
    for i, (offset, s, p, dl, o, size) in enumerate(zip(
            in_window, geometry.stride, geometry.padding, geometry.dilation, geometry.out_size,
            geometry.input_size)):
        start = (xp.arange(o, dtype=xp.int64) * s - p).reshape((o,) + (1,) * (d - 1 - i))
        flat = flat * size + (start + offset.astype(xp.int64) * dl)
    return flat


# -- average pooling ----------------------------------------------------------------------

def _window_sum(xp, x, geometry):
    padded = pad_spatial(xp, x, geometry.padding, geometry.padding_end)
    offsets = _offsets(geometry.kernel)
    if len(offsets) > _LOOP_LIMIT:
        return _window_rows(xp, padded, geometry).sum(-1)
    slices = [window_slices(offset, geometry.stride, geometry.dilation, geometry.out_size)
              for offset in offsets]
    out = padded[slices[0]].copy()
    for where in slices[1:]:
        out += padded[where]
    return out


def _scatter_sum(xp, grad, geometry):
    """grad_x: each output's gradient added to every element of its window."""
    padded = _padded_zeros(xp, grad.shape, geometry, grad.dtype)
    d = len(geometry.kernel)
    cols = xp.broadcast_to(grad.reshape(grad.shape[:2] + (1,) * d + geometry.out_size),
                           grad.shape[:2] + geometry.kernel + geometry.out_size)
    add_windows(xp, padded, cols, geometry.stride, geometry.dilation)
    return _unpad(xp, padded, geometry)


def _divide(xp, total, divisor):
    if total.dtype in FLOAT_NP:
        return total / divisor
    # integer average pooling truncates, as torch's C++ division
    return xp.trunc(total / divisor).astype(total.dtype)


class AvgPool(Op):
    """y = (sum of x over each window) / divisor;  grad_x = AvgPoolScatter(g): g / divisor
    added to every element of the window."""

    @staticmethod
    def forward(ctx, x, geometry, divisor):
        ctx.geometry, ctx.divisor = geometry, divisor
        if x.dtype in _HALF_NP:
            total = _window_sum(ctx.xp, x.astype(ctx.xp.float32), geometry)
            return (total / divisor).astype(x.dtype)
        return _divide(ctx.xp, _window_sum(ctx.xp, x, geometry), divisor)

    @staticmethod
    def backward(ctx, grad):
        return AvgPoolScatter.apply(grad, ctx.geometry, ctx.divisor), None, None


class AvgPoolScatter(Op):
    """grad_x = g / divisor added to each window's elements; its gradient is AvgPool."""

    @staticmethod
    def forward(ctx, grad, geometry, divisor):
        ctx.geometry, ctx.divisor = geometry, divisor
        return _scatter_sum(ctx.xp, grad / divisor, geometry)

    @staticmethod
    def backward(ctx, grad):
        return AvgPool.apply(grad, ctx.geometry, ctx.divisor), None, None


def _avg_divisor(xp, geometry, count_include_pad, divisor_override, dtype):
    """torch's divisor per output: the window clipped to the padded input (or to the input,
    without count_include_pad); a number where it is the same everywhere."""
    if divisor_override:
        return divisor_override
    counts = []
    for size, k, s, p, o in zip(geometry.input_size, geometry.kernel, geometry.stride,
                                geometry.padding, geometry.out_size):
        starts = [i * s - p for i in range(o)]
        if count_include_pad:
            counts.append([min(a + k, size + p) - a for a in starts])
        else:
            counts.append([min(a + k, size) - max(a, 0) for a in starts])
    if all(min(c) == max(c) for c in counts):
        return math.prod(c[0] for c in counts)
    divisor = 1
    d = len(counts)
    for i, c in enumerate(counts):
        divisor = divisor * xp.asarray(c, dtype=dtype).reshape((len(c),) + (1,) * (d - 1 - i))
    return divisor


# -- argument checks ----------------------------------------------------------------------

def _param(value, d, name, op_name, allow_none=False):
    if value is None or (allow_none and isinstance(value, (tuple, list)) and len(value) == 0):
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return (value,) * d
    if isinstance(value, (tuple, list)) and len(value) in (1, d) and all(
            isinstance(v, int) and not isinstance(v, bool) for v in value):
        return tuple(value) * (d // len(value))
    if isinstance(value, (tuple, list)):
        many = {1: "a single int", 2: "a single int, or a tuple of two ints",
                3: "a single int, or a tuple of three ints"}[d]
        raise RuntimeError(f"{op_name}: {name} must either be {many}, but got {value}")
    raise TypeError(f"{op_name}(): argument '{name}' must be tuple of ints, not "
                    f"{type(value).__name__}")


def _check_input(input, d, op_name):
    """Whether input is batched; raises unless it is (N, C, *S) or (C, *S), non-empty."""
    if input.ndim not in (d + 1, d + 2) or any(s == 0 for s in input.shape[-d - 1:]):
        raise RuntimeError(
            f"{op_name}: Expected {d + 1}D or {d + 2}D (batch mode) tensor with optional 0 dim "
            f"batch size for input, but got:[{', '.join(map(str, input.shape))}]")
    return input.ndim == d + 2


def _pool_geometry(input, kernel_size, stride, padding, dilation, ceil_mode, d, op_name):
    kernel = _param(kernel_size, d, "kernel_size", op_name)
    stride = _param(stride, d, "stride", op_name, allow_none=True) or kernel
    padding = _param(padding, d, "padding", op_name)
    dilation = _param(dilation, d, "dilation", op_name)
    if any(s <= 0 for s in stride):
        raise RuntimeError(f"{op_name}: stride should not be zero, but got stride={stride}")
    if any(k <= 0 for k in kernel):
        raise RuntimeError(
            f"{op_name}: kernel size should be greater than zero, but got kernel_size={kernel}")
    if any(dl <= 0 for dl in dilation):
        raise RuntimeError(
            f"{op_name}: dilation should be greater than zero, but got dilation={dilation}")
    for k, p, dl in zip(kernel, padding, dilation):
        if p < 0 or p > ((k - 1) * dl + 1) // 2:
            raise RuntimeError(
                f"{op_name}: pad should be at most half of effective kernel size, but got "
                f"pad={p}, kernel_size={k} and dilation={dl}")
    if d == 3 and any(p > k // 2 for k, p in zip(kernel, padding)):
        # torch's 3-D shape check also bounds the padding by the undilated kernel
        raise RuntimeError(
            "pad should be smaller than or equal to half of kernel size, but got "
            f"kT: {kernel[0]} kW: {kernel[2]} kH: {kernel[1]} padT: {padding[0]} "
            f"padW: {padding[2]} padH: {padding[1]}")
    size = tuple(input.shape[-d:])
    out_size, padding_end = [], []
    for s, k, st, p, dl in zip(size, kernel, stride, padding, dilation):
        span = dl * (k - 1) + 1
        o = (s + 2 * p - span + (st - 1 if ceil_mode else 0)) // st + 1
        if ceil_mode and (o - 1) * st >= s + p:
            o -= 1  # the last window must start inside the input or its left padding
        out_size.append(o)
        padding_end.append(max(p, (o - 1) * st + span - s - p))
    if any(o < 1 for o in out_size):
        channels = input.shape[-d - 1]
        raise RuntimeError(
            f"{op_name}: Given input size: ({'x'.join(map(str, (channels,) + size))}). "
            f"Calculated output size: ({'x'.join(map(str, (channels,) + tuple(out_size)))}). "
            f"Output size is too small")
    return PoolGeometry(kernel, stride, padding, tuple(padding_end), dilation, tuple(out_size),
                        size)


def _batched(input, batched):
    return input if batched else input.unsqueeze(0)


def _unbatched(output, batched):
    return output if batched else output.squeeze(0)


def _pooled(output, batched, d, node_name):
    """_unbatched(output), its node given torch's name for the pool over d dims (node_name
    with a {} for d): torch pools in 1-D as in 2-D, between an unsqueeze and a squeeze."""
    return named(_unbatched(output, batched),
                 "SqueezeBackward1" if d == 1 else node_name.format(d))


# -- public functions ---------------------------------------------------------------------

def _max_pool(input, kernel_size, stride, padding, dilation, ceil_mode, return_indices, d,
              op_name):
    batched = _check_input(input, d, op_name)
    geometry = _pool_geometry(input, kernel_size, stride, padding, dilation, ceil_mode, d,
                              op_name)
    if input.dtype.np.kind == "b":
        raise RuntimeError(f"{op_name}: \"max_pool\" not implemented for 'Bool'; convert the "
                           f"input with .float() first")
    out, arg = MaxPool.apply(_batched(input, batched), geometry)
    out = _pooled(out, batched, d, "MaxPool{}DWithIndicesBackward0")
    if not return_indices:
        return out
    indices = Tensor._make(_flat_indices(_xp(arg), arg._data, geometry))
    return out, _unbatched(indices, batched)


def _xp(tensor):
    from ..backend import xp_of
    return xp_of(tensor._data)


def max_pool1d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
               return_indices=False):
    """1-D max pooling over (N, C, L) or (C, L); see max_pool2d."""
    return _max_pool(input, kernel_size, stride, padding, dilation, ceil_mode, return_indices,
                     1, "max_pool1d")


def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
               return_indices=False):
    """2-D max pooling, as torch.nn.functional.max_pool2d.

        out[n, c, i, j] = max_{a, b} x[n, c, i * sH + a * dH, j * sW + b * dW]

    with x padded by -inf. ceil_mode rounds the output size up (a last, partial window that
    starts inside the input). With return_indices, also returns the flat index (h * W + w)
    in the input plane of each maximum, as max_unpool2d takes.

    Example:
        >>> x = ember.arange(16.).reshape(1, 1, 4, 4)
        >>> ember.max_pool2d(x, 2)
        tensor([[[[ 5.,  7.],
                  [13., 15.]]]])
    """
    return _max_pool(input, kernel_size, stride, padding, dilation, ceil_mode, return_indices,
                     2, "max_pool2d")


def max_pool3d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
               return_indices=False):
    """3-D max pooling over (N, C, D, H, W) or (C, D, H, W); see max_pool2d. The indices
    are flat in the input volume (d * H * W + h * W + w), as max_unpool3d takes.

    Example:
        >>> ember.nn.functional.max_pool3d(ember.arange(8.).reshape(1, 1, 2, 2, 2), 2)
        tensor([[[[[7.]]]]])
    """
    return _max_pool(input, kernel_size, stride, padding, dilation, ceil_mode, return_indices,
                     3, "max_pool3d")


def max_pool1d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1,
                            ceil_mode=False, return_indices=False):
    return max_pool1d(input, kernel_size, stride, padding, dilation, ceil_mode, True)


def max_pool2d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1,
                            ceil_mode=False, return_indices=False):
    return max_pool2d(input, kernel_size, stride, padding, dilation, ceil_mode, True)


def max_pool3d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1,
                            ceil_mode=False, return_indices=False):
    return max_pool3d(input, kernel_size, stride, padding, dilation, ceil_mode, True)


def _avg_pool(input, kernel_size, stride, padding, ceil_mode, count_include_pad,
              divisor_override, d, op_name):
    batched = _check_input(input, d, op_name)
    geometry = _pool_geometry(input, kernel_size, stride, padding, 1, ceil_mode, d, op_name)
    if divisor_override is not None and divisor_override == 0:
        raise RuntimeError(f"{op_name}: divisor must be not zero")
    if input.dtype.np.kind == "b":
        raise RuntimeError(f"{op_name}: \"avg_pool\" not implemented for 'Bool'; convert the "
                           f"input with .float() first")
    divisor = _avg_divisor(_xp(input), geometry, count_include_pad, divisor_override,
                           input.dtype.np)
    out = AvgPool.apply(_batched(input, batched), geometry, divisor)
    return _pooled(out, batched, d, "AvgPool{}DBackward0")


def avg_pool1d(input, kernel_size, stride=None, padding=0, ceil_mode=False,
               count_include_pad=True):
    """1-D average pooling over (N, C, L) or (C, L); see avg_pool2d."""
    return _avg_pool(input, kernel_size, stride, padding, ceil_mode, count_include_pad, None,
                     1, "avg_pool1d")


def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False,
               count_include_pad=True, divisor_override=None):
    """2-D average pooling, as torch.nn.functional.avg_pool2d.

        out[n, c, i, j] = sum_{a, b} x[n, c, i * sH + a, j * sW + b] / divisor

    with x zero-padded; the divisor is divisor_override if given, else the window's size
    clipped to the padded input (count_include_pad=True) or to the input itself.

    Example:
        >>> ember.avg_pool2d(ember.arange(16.).reshape(1, 1, 4, 4), 2)
        tensor([[[[ 2.5000,  4.5000],
                  [10.5000, 12.5000]]]])
    """
    return _avg_pool(input, kernel_size, stride, padding, ceil_mode, count_include_pad,
                     divisor_override, 2, "avg_pool2d")


def avg_pool3d(input, kernel_size, stride=None, padding=0, ceil_mode=False,
               count_include_pad=True, divisor_override=None):
    """3-D average pooling over (N, C, D, H, W) or (C, D, H, W); see avg_pool2d.

    Example:
        >>> ember.nn.functional.avg_pool3d(ember.arange(8.).reshape(1, 1, 2, 2, 2), 2)
        tensor([[[[[3.5000]]]]])
    """
    return _avg_pool(input, kernel_size, stride, padding, ceil_mode, count_include_pad,
                     divisor_override, 3, "avg_pool3d")


# -- adaptive pooling ---------------------------------------------------------------------

def _adaptive_output_size(input, output_size, d, op_name):
    if isinstance(output_size, int) and not isinstance(output_size, bool):
        output_size = (output_size,) * d
    output_size = tuple(output_size)
    if len(output_size) != d:
        raise RuntimeError(f"{op_name}: output_size must be {d}, but got {output_size}")
    size = tuple(input.shape[-d:])
    output_size = tuple(s if o is None else o for o, s in zip(output_size, size))
    if any(o < 0 for o in output_size):
        raise RuntimeError(
            f"{op_name}: elements of output_size must be greater than or equal to 0 but "
            f"received {output_size}")
    return output_size


def _adaptive_windows(size, out):
    """torch's adaptive windows: [floor(o * S / O), ceil((o + 1) * S / O)) per output o."""
    return [(o * size // out, -(-(o + 1) * size // out)) for o in range(out)]


def _check_adaptive_input(input, output_size, d, op_name):
    if isinstance(output_size, (list, tuple)) and input.ndim <= len(output_size):
        # torch's Python wrapper fills None sizes from the input first, with a ValueError
        raise ValueError(f"Input dimension should be at least {len(output_size) + 1}; "
                         f"{op_name} got an input of size {list(input.shape)}")
    if input.ndim not in (d + 1, d + 2):
        raise RuntimeError(f"{op_name}(): Expected {d + 1}D or {d + 2}D tensor, but got "
                           f"[{', '.join(map(str, input.shape))}]")
    first = 1 if input.ndim == d + 2 else 0
    for i, s in enumerate(input.shape[first:], first):
        if s == 0:
            raise RuntimeError(
                f"{op_name}(): Expected input to have non-zero size for non-batch dimensions, "
                f"but input has sizes [{', '.join(map(str, input.shape))}] with dimension {i} "
                f"being empty")
    return input.ndim == d + 2


def _regular_geometry(size, output_size):
    """The plain pool geometry when every output has a window of the same size (S % O == 0)."""
    if any(o == 0 or s % o for s, o in zip(size, output_size)):
        return None
    kernel = tuple(s // o for s, o in zip(size, output_size))
    zeros = (0,) * len(size)
    return PoolGeometry(kernel, kernel, zeros, zeros, (1,) * len(size), tuple(output_size),
                        tuple(size))


class AdaptiveAvgPool(Op):
    """y = x averaged over adaptive windows, one matrix per spatial dim:
    y = x x_1 A_1 x_2 A_2 ..., A_i (O_i, S_i) holding 1/len(window) on each window;
    grad_x = the same op with every A_i transposed."""

    @staticmethod
    def forward(ctx, x, matrices):
        ctx.matrices = matrices
        xp = ctx.xp
        dtype = x.dtype  # half inputs meet float32 matrices: computed in float32, rounded once
        x = x.astype(matrices[0].dtype, copy=False)
        for axis, matrix in enumerate(matrices, 2):
            x = xp.moveaxis(xp.tensordot(x, matrix, axes=([axis], [1])), -1, axis)
        return xp.ascontiguousarray(x).astype(dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        return AdaptiveAvgPool.apply(grad, tuple(m.T for m in ctx.matrices)), None


def _adaptive_avg(input, output_size, d, op_name):
    batched = _check_adaptive_input(input, output_size, d, op_name)
    output_size = _adaptive_output_size(input, output_size, d, op_name)
    if input.dtype.np not in FLOAT_NP:
        raise RuntimeError(
            f"{op_name}(): could not infer output dtype. Input dtype must be either a floating "
            f"point or complex dtype. Got: {input.dtype.name.capitalize()}")
    input = _batched(input, batched)
    size = tuple(input.shape[2:])
    # torch averages to size 1 with mean over the spatial dims
    node_name = "MeanBackward1" if set(output_size) == {1} else "AdaptiveAvgPool{}DBackward0"
    geometry = _regular_geometry(size, output_size)
    if geometry is not None:
        out = AvgPool.apply(input, geometry, math.prod(geometry.kernel))
        return _pooled(out, batched, d, node_name)
    xp = _xp(input)
    matrices = []
    matrix_dtype = xp.float32 if input.dtype.np in _HALF_NP else input.dtype.np
    for s, o in zip(size, output_size):
        matrix = xp.zeros((o, s), matrix_dtype)
        for row, (start, end) in enumerate(_adaptive_windows(s, o)):
            matrix[row, start:end] = 1 / (end - start)
        matrices.append(matrix)
    return _pooled(AdaptiveAvgPool.apply(input, tuple(matrices)), batched, d, node_name)


def adaptive_avg_pool1d(input, output_size):
    """1-D adaptive average pooling of (N, C, L) or (C, L) to length output_size."""
    return _adaptive_avg(input, output_size, 1, "adaptive_avg_pool1d")


def adaptive_avg_pool2d(input, output_size):
    """2-D adaptive average pooling to output_size (an int, or a pair whose None entries keep
    the input's size): output (i, j) averages rows floor(i * H / H_out) up to
    ceil((i + 1) * H / H_out), and likewise for columns.

    Example:
        >>> ember.nn.functional.adaptive_avg_pool2d(ember.ones(1, 2, 5, 7), 1).shape
        ember.Size([1, 2, 1, 1])
    """
    return _adaptive_avg(input, output_size, 2, "adaptive_avg_pool2d")


def adaptive_avg_pool3d(input, output_size):
    """3-D adaptive average pooling of (N, C, D, H, W) or (C, D, H, W) to output_size (an
    int, or a triple whose None entries keep the input's size); see adaptive_avg_pool2d."""
    return _adaptive_avg(input, output_size, 3, "adaptive_avg_pool3d")


class IndexGather(Op):
    """y[n, c, m] = x[n, c, index[n, c, m]] over the flattened spatial dims;
    grad_x = IndexScatterAdd(g)."""

    @staticmethod
    def forward(ctx, x, index):
        ctx.index, ctx.input_shape = index, x.shape
        n, c = x.shape[:2]
        flat = x.reshape(n, c, math.prod(x.shape[2:]))
        index_rows = index.reshape(n, c, math.prod(index.shape[2:]))
        return ctx.xp.take_along_axis(flat, index_rows, 2).reshape(index.shape)

    @staticmethod
    def backward(ctx, grad):
        return IndexScatterAdd.apply(grad, ctx.index, ctx.input_shape), None


class IndexScatterAdd(Op):
    """y (N, C, *S) = zeros, with g[n, c, m] added at index[n, c, m];
    grad_g = IndexGather(h)."""

    @staticmethod
    def forward(ctx, grad, index, shape):
        ctx.index = index
        xp = ctx.xp
        n, c = shape[:2]
        plane = math.prod(shape[2:])
        out = xp.zeros(n * c * plane, grad.dtype)
        rows = xp.arange(n * c, dtype=index.dtype).reshape(n, c, 1) * plane
        flat = (index.reshape(n, c, math.prod(index.shape[2:])) + rows).reshape(-1)
        xp.add.at(out, flat, grad.reshape(-1))
        return out.reshape(shape)

    @staticmethod
    def backward(ctx, grad):
        return IndexGather.apply(grad, ctx.index), None, None


def _adaptive_max(input, output_size, return_indices, d, op_name):
    batched = _check_adaptive_input(input, output_size, d, op_name)
    output_size = _adaptive_output_size(input, output_size, d, op_name)
    if input.dtype.np not in FLOAT_NP:
        raise NotImplementedError(f"\"{op_name}\" not implemented for "
                                  f"'{input.dtype.name.capitalize()}'")
    input = _batched(input, batched)
    size = tuple(input.shape[2:])
    xp = _xp(input)
    geometry = _regular_geometry(size, output_size)
    if geometry is not None:
        out, arg = MaxPool.apply(input, geometry)
        indices = _flat_indices(xp, arg._data, geometry) if return_indices else None
    elif 0 in output_size:
        indices = xp.zeros(tuple(input.shape[:2]) + output_size, xp.int64)
        out = IndexGather.apply(input, indices)
    else:
        # flat input index of every window element; short windows repeat their last element
        index = xp.zeros((), xp.int64)
        for s, o in zip(size, output_size):
            spans = _adaptive_windows(s, o)
            longest = max(end - start for start, end in spans)
            positions = [[min(start + t, end - 1) for t in range(longest)] for start, end in spans]
            index = index[..., None, None] * s + xp.asarray(positions, dtype=xp.int64)
        order = tuple(range(0, 2 * d, 2)) + tuple(range(1, 2 * d, 2))
        index = index.transpose(order).reshape(tuple(output_size) + (-1,))  # (*out, K)
        n, c = input.shape[:2]
        rows = input._data.reshape(n, c, math.prod(size))[:, :, index]  # (N, C, *out, K)
        arg = xp.argmax(rows, axis=-1)
        indices = index.reshape(-1, index.shape[-1])[
            xp.arange(math.prod(output_size)).reshape(output_size), arg]
        out = IndexGather.apply(input, indices)
    out = _pooled(out, batched, d, "AdaptiveMaxPool{}DBackward0")
    if not return_indices:
        return out
    return out, _unbatched(Tensor._make(indices), batched)


def adaptive_max_pool1d(input, output_size, return_indices=False):
    """1-D adaptive max pooling of (N, C, L) or (C, L); see adaptive_max_pool2d."""
    return _adaptive_max(input, output_size, return_indices, 1, "adaptive_max_pool1d")


def adaptive_max_pool2d(input, output_size, return_indices=False):
    """2-D adaptive max pooling: the max over the windows adaptive_avg_pool2d averages, with
    the flat input-plane index of each max when return_indices.

    Example:
        >>> ember.nn.functional.adaptive_max_pool2d(ember.arange(9.).reshape(1, 1, 3, 3), 2)
        tensor([[[[4., 5.],
                  [7., 8.]]]])
    """
    return _adaptive_max(input, output_size, return_indices, 2, "adaptive_max_pool2d")


def adaptive_max_pool3d(input, output_size, return_indices=False):
    """3-D adaptive max pooling of (N, C, D, H, W) or (C, D, H, W); see adaptive_max_pool2d.
    Indices are flat in the input volume."""
    return _adaptive_max(input, output_size, return_indices, 3, "adaptive_max_pool3d")


def adaptive_max_pool1d_with_indices(input, output_size, return_indices=False):
    return adaptive_max_pool1d(input, output_size, True)


def adaptive_max_pool2d_with_indices(input, output_size, return_indices=False):
    return adaptive_max_pool2d(input, output_size, True)


def adaptive_max_pool3d_with_indices(input, output_size, return_indices=False):
    return adaptive_max_pool3d(input, output_size, True)


# -- fractional max pooling --------------------------------------------------------------

def _fractional_starts(xp, samples, in_size, out_size, pool):
    """Window starts (N, C, out_size) of one dim from the random samples (N, C), as torch's
    generate_intervals: start_i = int((i + u) * alpha) - int(u * alpha) with
    alpha = (in - pool) / (out - 1), in the samples' dtype, the last window at in - pool."""
    dtype = samples.dtype.type
    starts = xp.full(samples.shape + (out_size,), in_size - pool, dtype=xp.int64)
    if out_size > 1:
        alpha = dtype(in_size - pool) / dtype(out_size - 1)
        steps = xp.arange(out_size - 1).astype(samples.dtype)
        u = samples[..., None]
        starts[..., :-1] = (xp.trunc((steps + u) * alpha).astype(xp.int64)
                            - xp.trunc(u * alpha).astype(xp.int64))
    return starts


def _fractional_max(input, kernel_size, output_size, output_ratio, return_indices,
                    _random_samples, d, op_name):
    if output_size is None and output_ratio is None:
        raise ValueError(f"{op_name} requires specifying either an output_size or an "
                         f"output_ratio")
    if input.ndim not in (d + 1, d + 2) or any(s == 0 for s in input.shape[-d - 1:]):
        raise RuntimeError(
            f"{op_name}(): Expected {d + 1}D or {d + 2}D tensor with non-zero sizes for the "
            f"non-batch dims, but got input of size {list(input.shape)}")
    kernel = _param(kernel_size, d, "kernel_size", op_name)
    size = tuple(input.shape[-d:])
    if output_size is None:
        ratio = tuple(output_ratio) if isinstance(output_ratio, (tuple, list)) else (
            (output_ratio,) * d)
        output_size = tuple(int(s * r) for s, r in zip(size, ratio))
    output_size = _param(tuple(output_size) if isinstance(output_size, list) else output_size,
                         d, "output_size", op_name)
    names = ("time", "height", "width")[3 - d:]
    for name, k, o, s in zip(names, kernel, output_size, size):
        # torch's 3-D check is strict: the last window may not end at the input's end there
        if o + k - 1 > s or (d == 3 and o + k - 1 == s):
            raise RuntimeError(f"{op_name}(): pool {name} {k} too large relative to input "
                               f"{name} {s} (output size {o}); use a smaller output size or "
                               f"kernel")
    if input.dtype.np not in FLOAT_NP:
        raise NotImplementedError(f"\"{op_name}\" not implemented for "
                                  f"'{input.dtype.name.capitalize()}'")
    batched = input.ndim == d + 2
    input = _batched(input, batched)
    n, c = input.shape[:2]
    if _random_samples is None:
        from .random import rand  # random imports this module's neighbours: not at the top
        _random_samples = rand(n, c, d, dtype=input.dtype, device=input.device)
    if tuple(_random_samples.shape) != (n, c, d):
        raise RuntimeError(f"{op_name}(): expected _random_samples of shape {[n, c, d]} (N, C, "
                           f"{d}), but got {list(_random_samples.shape)}")
    xp = _xp(input)
    samples = _random_samples._data.astype(input.dtype.np, copy=False)
    # torch draws one sample per dim: (W, H) in that order in 2-D, (T, H, W) in 3-D
    order = (1, 0) if d == 2 else (0, 1, 2)
    index = xp.zeros((n, c) + (1,) * d, xp.int64)
    for axis in range(d):
        starts = _fractional_starts(xp, samples[:, :, order[axis]], size[axis],
                                    output_size[axis], kernel[axis])
        shape = (n, c) + tuple(output_size[a] if a == axis else 1 for a in range(d))
        index = index * size[axis] + starts.reshape(shape)  # flat index of each window start
    offsets = xp.zeros((1,), xp.int64)
    for axis in range(d):
        offsets = (offsets[:, None] * size[axis] + xp.arange(kernel[axis])).reshape(-1)
    candidates = index[..., None] + offsets  # (N, C, *out, K): row-major over the window
    values = xp.take_along_axis(input._data.reshape(n, c, math.prod(size)),
                                candidates.reshape(n, c, math.prod(candidates.shape[2:])),
                                2).reshape(candidates.shape)
    arg = xp.argmax(values, axis=-1)  # the first maximum, as torch's strict > scan
    is_nan = xp.isnan(values)
    if is_nan.any():  # torch's scan keeps the last NaN it meets
        last_nan = values.shape[-1] - 1 - xp.argmax(is_nan[..., ::-1], axis=-1)
        arg = xp.where(is_nan.any(-1), last_nan, arg)
    indices = xp.take_along_axis(candidates, arg[..., None], -1)[..., 0]
    out = _unbatched(IndexGather.apply(input, indices), batched)
    if not return_indices:
        return out
    return out, _unbatched(Tensor._make(indices), batched)


def fractional_max_pool2d(input, kernel_size, output_size=None, output_ratio=None,
                          return_indices=False, _random_samples=None):
    """2-D fractional max pooling (Graham, 2014): max over kernel_size windows whose starts
    advance by a random, non-integer stride, so the output can be any size.

        start_i = int((i + u) * alpha) - int(u * alpha),  alpha = (in - k) / (out - 1)

    with one u ~ U[0, 1) per (sample, channel, dim), drawn from ember's generator unless
    _random_samples (N, C, 2) gives them; the last window ends at the input's end.

    Args:
        input: (N, C, H, W) or (C, H, W).
        kernel_size: the window, an int or (kH, kW).
        output_size: (H_out, W_out) or an int; or else output_ratio, a number or a pair in
            (0, 1), with output size int(input size * ratio).
        return_indices: also return the flat index in the input plane of each maximum.

    Differs from PyTorch: a single number as output_ratio is accepted (torch's function
    raises TypeError; its module takes one).

    Example:
        >>> x = ember.randn(1, 2, 9, 9)
        >>> ember.nn.functional.fractional_max_pool2d(x, 3, output_size=4).shape
        ember.Size([1, 2, 4, 4])
    """
    return _fractional_max(input, kernel_size, output_size, output_ratio, return_indices,
                           _random_samples, 2, "fractional_max_pool2d")


def fractional_max_pool3d(input, kernel_size, output_size=None, output_ratio=None,
                          return_indices=False, _random_samples=None):
    """3-D fractional max pooling of (N, C, T, H, W) or (C, T, H, W); _random_samples is
    (N, C, 3). See fractional_max_pool2d.

    Example:
        >>> x = ember.randn(1, 2, 6, 6, 6)
        >>> ember.nn.functional.fractional_max_pool3d(x, 2, output_ratio=0.5).shape
        ember.Size([1, 2, 3, 3, 3])
    """
    return _fractional_max(input, kernel_size, output_size, output_ratio, return_indices,
                           _random_samples, 3, "fractional_max_pool3d")


def fractional_max_pool2d_with_indices(input, kernel_size, output_size=None,
                                       output_ratio=None, return_indices=False,
                                       _random_samples=None):
    return fractional_max_pool2d(input, kernel_size, output_size, output_ratio, True,
                                 _random_samples)


def fractional_max_pool3d_with_indices(input, kernel_size, output_size=None,
                                       output_ratio=None, return_indices=False,
                                       _random_samples=None):
    return fractional_max_pool3d(input, kernel_size, output_size, output_ratio, True,
                                 _random_samples)


# -- max_unpool, lp_pool ------------------------------------------------------------------

class MaxUnpool(Op):
    """y = zeros (N, C, *S) with y[n, c, index[n, c, m]] = x[n, c, m];
    grad_x = IndexGather(g) at the same indices."""

    @staticmethod
    def forward(ctx, x, index, shape):
        ctx.index = index
        xp = ctx.xp
        n, c = shape[:2]
        out = xp.zeros((n * c, math.prod(shape[2:])), x.dtype)
        rows = xp.arange(n * c).reshape(-1, 1)
        count = math.prod(index.shape[2:])
        out[rows, index.reshape(n * c, count)] = x.reshape(n * c, count)
        return out.reshape(shape)

    @staticmethod
    def backward(ctx, grad):
        return IndexGather.apply(grad, ctx.index), None, None


def _max_unpool(input, indices, kernel_size, stride, padding, output_size, d, op_name):
    if input.ndim not in (d + 1, d + 2):
        raise RuntimeError(f"{op_name}: Expected {d + 1}D or {d + 2}D tensor, but got "
                           f"[{', '.join(map(str, input.shape))}]")
    if tuple(indices.shape) != tuple(input.shape) or indices.dtype.np.kind != "i":
        raise RuntimeError(
            f"{op_name}: expected indices of dtype int64 and of the input's shape "
            f"{list(input.shape)}, but got {indices.dtype} of shape {list(indices.shape)}")
    kernel = _param(kernel_size, d, "kernel_size", op_name)
    stride = _param(stride, d, "stride", op_name, allow_none=True) or kernel
    padding = _param(padding, d, "padding", op_name)
    default = tuple((i - 1) * s - 2 * p + k for i, s, p, k in zip(
        input.shape[-d:], stride, padding, kernel))
    if output_size is None:
        size = default
    else:
        size = tuple(output_size)
        if len(size) == d + 2:
            size = size[2:]
        if len(size) != d:
            raise ValueError(f"output_size should be a sequence containing {d} or {d + 2} "
                             f"elements, but it has a length of '{len(size)}'")
    batched = input.ndim == d + 2
    input, indices = _batched(input, batched), _batched(indices, batched)
    plane = math.prod(size)
    index = indices._data
    if index.size and (int(index.min()) < 0 or int(index.max()) >= plane):
        bad = int(index.max()) if int(index.max()) >= plane else int(index.min())
        raise RuntimeError(
            f"{op_name}: Found an invalid max index: {bad} (output volumes are of size "
            f"{'x'.join(map(str, size))})")
    shape = tuple(input.shape[:2]) + size
    return _unbatched(MaxUnpool.apply(input, index, shape), batched)


def max_unpool1d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    """The inverse of max_pool1d: each value put back at its index, zeros elsewhere."""
    return _max_unpool(input, indices, kernel_size, stride, padding, output_size, 1,
                       "max_unpool1d")


def max_unpool2d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    """The inverse of max_pool2d: out (N, C, H, W) is zero except out.flat[index] = value,
    for the indices max_pool2d(return_indices=True) returned. H defaults to
    (H_in - 1) * stride - 2 * padding + kernel_size.

    Example:
        >>> out, idx = ember.max_pool2d(ember.arange(4.).reshape(1, 1, 2, 2), 2,
        ...                             return_indices=True)
        >>> ember.nn.functional.max_unpool2d(out, idx, 2)
        tensor([[[[0., 0.],
                  [0., 3.]]]])
    """
    return _max_unpool(input, indices, kernel_size, stride, padding, output_size, 2,
                       "max_unpool2d")


def max_unpool3d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    """The inverse of max_pool3d: each value put back at its flat index in the output volume,
    zeros elsewhere; see max_unpool2d."""
    return _max_unpool(input, indices, kernel_size, stride, padding, output_size, 3,
                       "max_unpool3d")


def _lp_pool(input, norm_type, kernel_size, stride, ceil_mode, d, op_name):
    from .unary import relu
    kernel = _param(kernel_size, d, "kernel_size", op_name)
    pool = {1: avg_pool1d, 2: avg_pool2d, 3: avg_pool3d}[d]
    out = pool(input.pow(norm_type), kernel, stride, 0, ceil_mode)
    return (out.sign() * relu(out.abs())).mul(math.prod(kernel)).pow(1.0 / norm_type)


def lp_pool1d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    """Power-average pooling: (sum over the window of x ** p) ** (1 / p); see lp_pool2d."""
    return _lp_pool(input, norm_type, kernel_size, stride, ceil_mode, 1, "lp_pool1d")


def lp_pool2d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    """Power-average pooling, as torch: out = (sum over the window of x ** p) ** (1 / p),
    computed as torch does, through avg_pool2d of x ** p times the window size.

    Example:
        >>> ember.nn.functional.lp_pool2d(ember.ones(1, 1, 2, 2), 2, 2)
        tensor([[[[2.]]]])
    """
    return _lp_pool(input, norm_type, kernel_size, stride, ceil_mode, 2, "lp_pool2d")


def lp_pool3d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    """Power-average pooling over 3-D windows; see lp_pool2d."""
    return _lp_pool(input, norm_type, kernel_size, stride, ceil_mode, 3, "lp_pool3d")
