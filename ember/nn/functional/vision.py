"""Resampling images and feature maps: interpolate, pixel_shuffle, grid_sample and friends.

NOTE [ Resampling as taps ]
Every interpolate mode is separable: along each spatial axis, output position o is a
weighted sum of a few input positions,

    y[..., o, ...] = sum_k weight[k, o] * x[..., index[k, o], ...]

(1 tap for nearest, 2 for linear, 4 for cubic, a window for area and antialiasing). The
`Resample` Op applies such a table of taps per axis with gathers. Its gradient is the adjoint
map, which is again a table of taps (each input position collects the outputs that read it),
so backward is the same Op with the adjoint tables, and double backward comes for free.
"""
import itertools
import math
import warnings

from ..._dtype import bfloat16, float16, float32, float64, uint8
from ..._tensor import Tensor
from ...autograd.function import Op, named
from ...backend import xp_of
from ...ops.compare import where
from ...ops.elementwise import _fused_multiply_add
from .sparse import Embedding

__all__ = ["interpolate", "upsample", "upsample_nearest", "upsample_bilinear",
           "pixel_shuffle", "pixel_unshuffle", "channel_shuffle", "native_channel_shuffle",
           "affine_grid", "grid_sample"]

_MODES = ("nearest", "nearest-exact", "linear", "bilinear", "bicubic", "trilinear", "area")
_MODE_RANK = {"linear": 3, "bilinear": 4, "bicubic": 4, "trilinear": 5}
_CUBIC_A = -0.75  # the cubic convolution coefficient torch (and OpenCV) use


class Taps:
    """One axis's resampling table: out position o reads input positions index[k, o] with
    weights weight[k, o] (weight None: a single tap of weight 1)."""

    def __init__(self, axis, index, weight, in_size):
        self.axis, self.index, self.weight, self.in_size = axis, index, weight, in_size
        self.fused = False  # sum the taps with fused multiply-adds (float32)
        self._adjoint = None

    def apply(self, x):
        xp = xp_of(x)
        shape = [1] * x.ndim
        shape[self.axis] = -1
        out = None
        for k in range(self.index.shape[0]):
            part = xp.take(x, self.index[k], axis=self.axis)
            if self.fused and out is not None:  # one rounding, as torch's fused multiply-add
                out = _fused_multiply_add(xp, part, self.weight[k].reshape(shape), out)
                continue
            if self.weight is not None:
                part *= self.weight[k].astype(x.dtype).reshape(shape)
            if out is None:
                out = part
            else:
                out += part
        return out

    def adjoint(self):
        """The transposed table: each input position gathers the outputs that read it."""
        if self._adjoint is None:
            xp = xp_of(self.index)
            taps, out_size = self.index.shape
            sources = self.index.reshape(-1)
            targets = xp.tile(xp.arange(out_size), taps)
            weights = (xp.ones(sources.shape) if self.weight is None
                       else self.weight.reshape(-1))
            used = weights != 0  # padding taps of area and antialias windows
            sources, targets, weights = sources[used], targets[used], weights[used]
            order = xp.argsort(sources, kind="stable")
            sources, targets, weights = sources[order], targets[order], weights[order]
            counts = xp.bincount(sources, minlength=self.in_size)
            rank = xp.arange(sources.shape[0]) - (xp.cumsum(counts) - counts)[sources]
            width = max(int(counts.max()), 1) if counts.size else 1
            index = xp.zeros((width, self.in_size), dtype=self.index.dtype)
            weight = xp.zeros((width, self.in_size), dtype=weights.dtype)
            index[rank, sources] = targets
            weight[rank, sources] = weights
            self._adjoint = Taps(self.axis, index, weight, out_size)
            self._adjoint._adjoint = self
        return self._adjoint


class Resample(Op):
    """y = x resampled along each axis by its Taps (see NOTE [ Resampling as taps ]);
    grad_x = g resampled by the adjoint tables."""

    @staticmethod
    def forward(ctx, x, tables):
        ctx.tables = tables
        for table in tables:
            x = table.apply(x)
        return x

    @staticmethod
    def backward(ctx, grad):
        return Resample.apply(grad, tuple(t.adjoint() for t in reversed(ctx.tables))), None


# -- the tables of each mode (computed in the precision torch uses) ----------------------

def _source_scale(in_size, out_size, align_corners, scale_factor):
    """Input positions per output position, as torch's area_pixel_compute_scale."""
    if align_corners:
        return (in_size - 1) / (out_size - 1) if out_size > 1 else 0.0
    if scale_factor is not None and scale_factor > 0:
        return 1.0 / scale_factor
    return in_size / out_size


def _nearest_taps(xp, axis, in_size, out_size, scale_factor, exact):
    if out_size == in_size and not exact:
        index = xp.arange(out_size)
    else:
        scale = xp.float32(1.0 / scale_factor if scale_factor else in_size / out_size)
        position = xp.arange(out_size, dtype=xp.float32)
        if exact:
            position += xp.float32(0.5)
        index = xp.minimum(xp.floor(position * scale).astype(xp.int64), in_size - 1)
    return Taps(axis, index.reshape(1, out_size), None, in_size)


def _linear_taps(xp, axis, in_size, out_size, scale_factor, align_corners, dtype):
    scale = dtype.type(_source_scale(in_size, out_size, align_corners, scale_factor))
    position = xp.arange(out_size, dtype=dtype)
    source = scale * position if align_corners else xp.maximum(
        scale * (position + dtype.type(0.5)) - dtype.type(0.5), 0)
    low = xp.minimum(xp.floor(source).astype(xp.int64), in_size - 1)
    fraction = xp.clip(source - low, 0, 1)
    high = xp.minimum(low + 1, in_size - 1)
    return Taps(axis, xp.stack([low, high]), xp.stack([1 - fraction, fraction]), in_size)


def _cubic_taps(xp, axis, in_size, out_size, scale_factor, align_corners, dtype):
    scale = dtype.type(_source_scale(in_size, out_size, align_corners, scale_factor))
    position = xp.arange(out_size, dtype=dtype)
    source = scale * position if align_corners else (
        scale * (position + dtype.type(0.5)) - dtype.type(0.5))
    base = xp.minimum(xp.floor(source).astype(xp.int64), in_size - 1)
    t = xp.clip(source - base, 0, 1)
    a = _CUBIC_A
    near = lambda d: ((a + 2) * d - (a + 3)) * d * d + 1             # |d| <= 1
    far = lambda d: ((a * d - 5 * a) * d + 8 * a) * d - 4 * a        # 1 < |d| < 2
    weight = xp.stack([far(t + 1), near(t), near(1 - t), far(2 - t)])
    index = xp.stack([xp.clip(base + k, 0, in_size - 1) for k in (-1, 0, 1, 2)])
    return Taps(axis, index, weight.astype(dtype), in_size)


def _window_taps(xp, axis, in_size, windows, dtype):
    """Taps from (start, weights) windows, padded to a common width with zero weights."""
    width = max(len(w) for _, w in windows)
    index = [[min(start + k, in_size - 1) for k in range(width)] for start, _ in windows]
    weight = [list(w) + [0.0] * (width - len(w)) for _, w in windows]
    return Taps(axis, xp.asarray(index, dtype=xp.int64).T.copy(),
                xp.asarray(weight, dtype=dtype).T.copy(), in_size)


def _area_taps(xp, axis, in_size, out_size, dtype):
    """Adaptive average pooling: window [floor(o * in / out), ceil((o + 1) * in / out))."""
    windows = []
    for o in range(out_size):
        start = (o * in_size) // out_size
        end = -((-(o + 1) * in_size) // out_size)
        windows.append((start, [1.0 / (end - start)] * (end - start)))
    return _window_taps(xp, axis, in_size, windows, dtype)


def _antialias_taps(xp, axis, in_size, out_size, scale_factor, align_corners, cubic, dtype):
    """Downsampling with the interpolation filter widened by the scale (torch's antialias)."""
    if dtype == xp.float32:
        return _antialias_taps_float32(xp, axis, in_size, out_size, scale_factor,
                                       align_corners, cubic)
    scale = _source_scale(in_size, out_size, align_corners, scale_factor)
    support = (2.0 if cubic else 1.0) * (scale if scale >= 1.0 else 1.0)
    inverse = 1.0 / scale if scale >= 1.0 else 1.0
    windows = []
    for o in range(out_size):
        center = scale * (o + 0.5)
        start = max(int(center - support + 0.5), 0)
        size = min(int(center + support + 0.5), in_size) - start
        weights = [_antialias_filter((j + start - center + 0.5) * inverse, cubic)
                   for j in range(size)]
        total = sum(weights)
        windows.append((start, [w / total if total else 0.0 for w in weights]))
    return _window_taps(xp, axis, in_size, windows, dtype)


def _antialias_taps_float32(xp, axis, in_size, out_size, scale_factor, align_corners, cubic):
    """As torch's float32 CPU kernel: the weights computed in float32 with its fused
    multiply-adds, and the taps summed with fused multiply-adds."""
    f32 = xp.float32
    fma = lambda a, b, c: f32(float(a) * float(b) + float(c))
    if align_corners:
        scale = f32(in_size - 1) / f32(out_size - 1) if out_size > 1 else f32(0.0)
    elif scale_factor is not None and scale_factor > 0:
        scale = f32(1.0 / scale_factor)
    else:
        scale = f32(in_size) / f32(out_size)
    support = f32((2.0 if cubic else 1.0) * (float(scale) if scale >= 1.0 else 1.0))
    inverse = f32(1.0) / scale if scale >= 1.0 else f32(1.0)
    a = f32(-0.5)

    def weight_at(x):
        x = abs(x)
        if not cubic:
            return f32(1.0) - x if x < 1.0 else f32(0.0)
        if x < 1.0:
            return fma(fma(a + f32(2.0), x, -(a + f32(3.0))) * x, x, 1.0)
        if x < 2.0:
            return fma(fma(x - f32(5.0), x, 8.0), x, -4.0) * a
        return f32(0.0)

    windows = []
    for o in range(out_size):
        center = f32(float(scale) * (o + 0.5))
        start = max(int(float(center - support) + 0.5), 0)
        size = min(int(float(center + support) + 0.5), in_size) - start
        weights = [weight_at(f32((float(f32(j + start) - center) + 0.5) * float(inverse)))
                   for j in range(size)]
        total = f32(0.0)
        for w in weights:
            total = total + w
        windows.append((start, [w / total if total else f32(0.0) for w in weights]))
    taps = _window_taps(xp, axis, in_size, windows, xp.float32)
    taps.fused = True
    return taps


def _antialias_filter(x, cubic):
    x = abs(x)
    if not cubic:
        return 1.0 - x if x < 1.0 else 0.0
    a = -0.5  # torch's antialiased bicubic uses a = -0.5 (as PIL)
    if x < 1.0:
        return ((a + 2.0) * x - (a + 3.0)) * x * x + 1
    if x < 2.0:
        return (((x - 5) * x + 8) * x - 4) * a
    return 0.0


# -- interpolate --------------------------------------------------------------------------

def _spatial_list(value, dims, what, input):
    if isinstance(value, (list, tuple)):
        if len(value) != dims:
            raise ValueError(
                f"Input and {what} must have the same number of spatial dimensions, but got "
                f"input with spatial dimensions of {list(input.shape[2:])} and {what} of "
                f"{list(value)}. Please provide input tensor in (N, C, d1, d2, ...,dK) format "
                f"and {what} in (o1, o2, ...,oK) format.")
        return list(value)
    return [value] * dims


def interpolate(input, size=None, scale_factor=None, mode="nearest", align_corners=None,
                recompute_scale_factor=None, antialias=False):
    """Resize the spatial dims of an (N, C, *spatial) input (1 to 3 spatial dims).

    Modes: 'nearest', 'nearest-exact', 'linear' (3D), 'bilinear' and 'bicubic' (4D),
    'trilinear' (5D), 'area' (adaptive average pooling). Each is separable per axis; see
    NOTE [ Resampling as taps ].

    Args:
        size: output spatial size (int or one per spatial dim).
        scale_factor: multiplier of the spatial size (float or one per dim); the output size
            is floor(in * scale_factor). Give size or scale_factor, not both.
        mode: the interpolation algorithm.
        align_corners: for the interpolating modes, map the corner pixels' centres onto
            each other (True) or the corners of the pixels (False, the default).
        recompute_scale_factor: compute the sampling positions from the output size instead
            of the given scale_factor.
        antialias: widen the filter when downsampling (bilinear and bicubic, 4D input).

    Half inputs are resampled in float32 and rounded once. uint8 images (bilinear and
    bicubic) are resampled as torch does on CPU: one axis at a time, the width first, with
    16-bit fixed-point weights and the result rounded and clamped to [0, 255] after each axis.

    Differs from PyTorch: bicubic uint8 upsampling with align_corners=False may differ from
    torch by 1 at a few pixels (torch derives its fixed-point weights slightly differently).

    Example:
        >>> x = ember.arange(4.).reshape(1, 1, 2, 2)
        >>> ember.nn.functional.interpolate(x, scale_factor=2, mode="nearest")[0, 0, 0]
        tensor([0., 0., 1., 1.])
    """
    if mode not in _MODES:
        raise NotImplementedError(
            f"Input Error: Only 3D, 4D and 5D input Tensors supported (got {input.dim()}D) "
            f"for the modes: nearest | linear | bilinear | bicubic | trilinear | area | "
            f"nearest-exact (got {mode})")
    if mode in ("nearest", "area", "nearest-exact"):
        if align_corners is not None:
            raise ValueError("align_corners option can only be set with the interpolating "
                             "modes: linear | bilinear | bicubic | trilinear")
    elif align_corners is None:
        align_corners = False
    dims = input.dim() - 2
    if size is not None and scale_factor is not None:
        raise ValueError("only one of size or scale_factor should be defined")
    if size is not None:
        output_size = [int(s) for s in _spatial_list(size, dims, "output size", input)]
        scale_factors = [None] * dims
    elif scale_factor is not None:
        scale_factors = [float(s) for s in _spatial_list(scale_factor, dims, "scale_factor",
                                                         input)]
        output_size = None
    else:
        raise ValueError("either size or scale_factor should be defined")
    if recompute_scale_factor and size is not None:
        raise ValueError("recompute_scale_factor is not meaningful with an explicit size.")
    if output_size is None:
        output_size = [math.floor(float(input.shape[i + 2]) * scale_factors[i])
                       for i in range(dims)]
        if recompute_scale_factor or mode == "area":
            scale_factors = [None] * dims
    if antialias and not (mode in ("bilinear", "bicubic") and input.dim() == 4):
        raise ValueError("Anti-alias option is restricted to bilinear and bicubic modes and "
                         "requires a 4-D tensor as input")
    needed_rank = _MODE_RANK.get(mode)
    if input.dim() not in (3, 4, 5) or (needed_rank and input.dim() != needed_rank):
        if needed_rank and input.dim() in (3, 4, 5) and mode != "bicubic":
            raise NotImplementedError(
                f"Got {input.dim()}D input, but {mode} mode needs {needed_rank}D input")
        raise NotImplementedError(
            f"Input Error: Only 3D, 4D and 5D input Tensors supported (got {input.dim()}D) "
            f"for the modes: nearest | linear | bilinear | bicubic | trilinear | area | "
            f"nearest-exact (got {mode})")
    fixed_point = input.dtype is uint8 and mode in ("bilinear", "bicubic")
    if mode not in ("nearest", "nearest-exact") and not input.is_floating_point() and \
            not fixed_point:
        raise NotImplementedError(
            f"interpolate: mode '{mode}' is not implemented for {input.dtype} input (only "
            f"floating point, and uint8 for bilinear and bicubic); convert it with .float()")
    if any(s <= 0 for s in output_size):
        raise RuntimeError(
            f"interpolate: input {list(input.shape)} would give output spatial size "
            f"{output_size}; every output size must be greater than 0")
    xp = xp_of(input._data)
    dtype = input._data.dtype
    if fixed_point:
        dtype = xp.dtype(xp.float64)  # torch computes the weights in double, then rounds them
    elif input.dtype in (float16, bfloat16):
        dtype = xp.dtype(xp.float32)
    tables = []
    for i in range(dims):
        axis, in_size, out_size, factor = i + 2, input.shape[i + 2], output_size[i], \
            scale_factors[i]
        if mode in ("nearest", "nearest-exact"):
            table = _nearest_taps(xp, axis, in_size, out_size, factor, mode == "nearest-exact")
        elif mode == "area":
            table = _area_taps(xp, axis, in_size, out_size, dtype)
        elif antialias:
            table = _antialias_taps(xp, axis, in_size, out_size, factor, align_corners,
                                    mode == "bicubic", dtype)
        elif mode == "bicubic":
            table = _cubic_taps(xp, axis, in_size, out_size, factor, align_corners, dtype)
        else:
            table = _linear_taps(xp, axis, in_size, out_size, factor, align_corners, dtype)
        tables.append(table)
    if antialias and dtype == xp.float32:
        tables.reverse()  # torch's float kernel resamples the width first, as the uint8 one
    if fixed_point:
        return Tensor._make(_resample_fixed_point(xp, input._data, tables))
    if dtype != input._data.dtype:  # half types: computed in float32, rounded once
        return Resample.apply(input.float(), tuple(tables)).to(input.dtype)
    output = Resample.apply(input, tuple(tables))
    if mode == "area":  # torch's adaptive_avg_pool, whose names depend on the sizes
        return output
    # torch's upsample kernels: UpsampleNearest2DBackward0, UpsampleBilinear2DAaBackward0 ...
    kernel = mode.title().replace("-", "") + f"{dims}D" + ("Aa" if antialias else "")
    return named(output, f"Upsample{kernel}Backward0")


def _resample_fixed_point(xp, x, tables):
    """uint8 resampling as torch's CPU kernel: per axis (the last first), weights scaled to
    16-bit integers, y = clamp((sum(w_int * x) + 2^(p - 1)) >> p, 0, 255)."""
    y = x.astype(xp.int64)
    for table in reversed(tables):
        largest = float(abs(table.weight).max())
        precision = 0
        while precision < 22 and int(0.5 + largest * (1 << (precision + 1))) < (1 << 15):
            precision += 1
        scaled = table.weight * (1 << precision)
        weight = xp.trunc(scaled + xp.where(scaled < 0, -0.5, 0.5)).astype(xp.int64)
        shape = [1] * y.ndim
        shape[table.axis] = -1
        total = None
        for k in range(table.index.shape[0]):
            part = xp.take(y, table.index[k], axis=table.axis) * weight[k].reshape(shape)
            total = part if total is None else total + part
        y = xp.clip((total + (1 << (precision - 1))) >> precision, 0, 255)
    return y.astype(x.dtype)


def upsample(input, size=None, scale_factor=None, mode="nearest", align_corners=None):
    """Deprecated alias of interpolate (torch warns; so does ember)."""
    warnings.warn("`nn.functional.upsample` is deprecated. Use `nn.functional.interpolate` "
                  "instead.", stacklevel=2)
    return interpolate(input, size, scale_factor, mode, align_corners)


def upsample_nearest(input, size=None, scale_factor=None):
    """Deprecated: interpolate(..., mode='nearest')."""
    warnings.warn("`nn.functional.upsample_nearest` is deprecated. Use "
                  "`nn.functional.interpolate` instead.", stacklevel=2)
    return interpolate(input, size, scale_factor, mode="nearest")


def upsample_bilinear(input, size=None, scale_factor=None):
    """Deprecated: interpolate(..., mode='bilinear', align_corners=True)."""
    warnings.warn("`nn.functional.upsample_bilinear` is deprecated. Use "
                  "`nn.functional.interpolate` instead.", stacklevel=2)
    return interpolate(input, size, scale_factor, mode="bilinear", align_corners=True)


# -- pixel shuffle ------------------------------------------------------------------------

def pixel_shuffle(input, upscale_factor):
    """Rearrange (*, C * r^2, H, W) into (*, C, H * r, W * r) (sub-pixel convolution).

        y[..., c, h * r + i, w * r + j] = x[..., c * r^2 + i * r + j, h, w]

    Example:
        >>> ember.nn.functional.pixel_shuffle(ember.ones(1, 8, 2, 3), 2).shape
        ember.Size([1, 2, 4, 6])
    """
    if input.dim() < 3:
        raise RuntimeError(f"pixel_shuffle expects input to have at least 3 dimensions, but "
                           f"got input with {input.dim()} dimension(s)")
    r = upscale_factor
    if r <= 0:
        raise RuntimeError(f"pixel_shuffle expects a positive upscale_factor, but got {r}")
    *batch, channels, height, width = input.shape
    if channels % (r * r):
        raise RuntimeError(
            f"pixel_shuffle expects its input's 'channel' dimension to be divisible by the "
            f"square of upscale_factor, but input.size(-3)={channels} is not divisible by "
            f"{r * r}")
    lead = len(batch)
    out_channels = channels // (r * r)
    x = input.reshape(*batch, out_channels, r, r, height, width)
    order = list(range(lead)) + [lead + i for i in (0, 3, 1, 4, 2)]
    return x.permute(order).reshape(*batch, out_channels, height * r, width * r)


def pixel_unshuffle(input, downscale_factor):
    """Rearrange (*, C, H * r, W * r) into (*, C * r^2, H, W), the inverse of pixel_shuffle.

        y[..., c * r^2 + i * r + j, h, w] = x[..., c, h * r + i, w * r + j]
    """
    if input.dim() < 3:
        raise RuntimeError(f"pixel_unshuffle expects input to have at least 3 dimensions, "
                           f"but got input with {input.dim()} dimension(s)")
    r = downscale_factor
    if r <= 0:
        raise RuntimeError(f"pixel_unshuffle expects a positive downscale_factor, but got {r}")
    *batch, channels, height, width = input.shape
    if height % r:
        raise RuntimeError(
            f"pixel_unshuffle expects height to be divisible by downscale_factor, but "
            f"input.size(-2)={height} is not divisible by {r}")
    if width % r:
        raise RuntimeError(
            f"pixel_unshuffle expects width to be divisible by downscale_factor, but "
            f"input.size(-1)={width} is not divisible by {r}")
    lead = len(batch)
    x = input.reshape(*batch, channels, height // r, r, width // r, r)
    order = list(range(lead)) + [lead + i for i in (0, 2, 4, 1, 3)]
    return x.permute(order).reshape(*batch, channels * r * r, height // r, width // r)


def channel_shuffle(input, groups):
    """Interleave the channels of groups: (N, g * k, *) viewed as (N, g, k, *), transposed
    to (N, k, g, *) and flattened back, so channel i * k + j moves to j * g + i.

    Example:
        >>> ember.nn.functional.channel_shuffle(ember.arange(6.).reshape(1, 6, 1), 3).flatten()
        tensor([0., 2., 4., 1., 3., 5.])
    """
    if not isinstance(groups, int) or isinstance(groups, bool):
        raise TypeError(f"channel_shuffle(): argument 'groups' (position 2) must be int, not "
                        f"{type(groups).__name__}")
    if input.dim() <= 2:
        raise RuntimeError(f"channel_shuffle expects input with > 2 dims, but got input with "
                           f"sizes {list(input.shape)}")
    if groups <= 0:
        raise RuntimeError(f"Number of groups to divide channels in must be positive. Value "
                           f"of groups:{groups}")
    batch, channels, *spatial = input.shape
    if channels % groups:
        raise RuntimeError(f"Number of channels must be divisible by groups. Got {channels} "
                           f"channels and {groups} groups.")
    x = input.reshape(batch, groups, channels // groups, *spatial)
    return x.transpose(1, 2).reshape(input.shape)


native_channel_shuffle = channel_shuffle


# -- sampling grids -----------------------------------------------------------------------

def _grid_warning():
    warnings.warn("Default grid_sample and affine_grid behavior has changed to "
                  "align_corners=False since 1.3.0. Please specify align_corners=True if the "
                  "old behavior is desired. See the documentation of grid_sample for details.",
                  stacklevel=3)


def _base_coordinates(xp, steps, align_corners, dtype):
    """The normalised centres of `steps` pixels, in [-1, 1]."""
    if steps <= 1:
        return xp.zeros(steps, dtype=dtype)
    coordinates = xp.linspace(-1, 1, steps, dtype=dtype)
    return coordinates if align_corners else coordinates * ((steps - 1) / steps)


def affine_grid(theta, size, align_corners=None):
    """Sampling grid of an affine transform, for grid_sample.

        grid[n, h, w] = theta[n] @ (x_w, y_h, 1),  x, y the normalised pixel centres

    Args:
        theta: (N, 2, 3) for a 4-D size, (N, 3, 4) for a 5-D size.
        size: the target output size (N, C, H, W) or (N, C, D, H, W).
        align_corners: as in grid_sample (None: False, with torch's warning).

    Returns:
        (N, H, W, 2) or (N, D, H, W, 3).
    """
    if align_corners is None:
        _grid_warning()
        align_corners = False
    if not theta.is_floating_point():
        raise ValueError(f"Expected theta to have floating point type, but got {theta.dtype}")
    size = list(size)
    if len(size) == 4:
        if theta.dim() != 3 or theta.shape[-2] != 2 or theta.shape[-1] != 3:
            raise ValueError(f"Expected a batch of 2D affine matrices of shape Nx2x3 for size "
                             f"{size}. Got {theta.shape}.")
    elif len(size) == 5:
        if theta.dim() != 3 or theta.shape[-2] != 3 or theta.shape[-1] != 4:
            raise ValueError(f"Expected a batch of 3D affine matrices of shape Nx3x4 for size "
                             f"{size}. Got {theta.shape}.")
    else:
        raise NotImplementedError(f"affine_grid only supports 4D and 5D sizes, for 2D and 3D "
                                  f"affine transforms, respectively. Got size {size}.")
    if min(size) <= 0:
        raise ValueError(f"Expected non-zero, positive output size. Got {size}")
    xp = xp_of(theta._data)
    dtype = theta._data.dtype
    spatial = size[2:]
    # coordinates in x, y (, z) order: x runs along the last spatial dim
    axes = [_base_coordinates(xp, steps, align_corners, dtype) for steps in reversed(spatial)]
    mesh = xp.meshgrid(*reversed(axes), indexing="ij")  # each of shape spatial
    base = xp.stack(list(reversed(mesh)) + [xp.ones(spatial, dtype=dtype)], axis=-1)
    base = Tensor._make(base.reshape(1, -1, len(spatial) + 1))  # (1, points, dims + 1)
    grid = base @ theta.transpose(1, 2)  # (N, points, dims)
    return grid.reshape([size[0]] + spatial + [len(spatial)])


def _unnormalize(coordinate, size, align_corners, fused=False):
    """Normalised grid coordinates in [-1, 1] to input pixel positions (ember ops: the
    gradient flows back to the grid).

    fused: as torch's 4-D float32 CPU kernel, fma(c + 1, size / 2, -0.5) (its 5-D kernel
    computes ((c + 1) * size - 1) / 2); the last bits differ.
    """
    if align_corners:
        return (coordinate + 1) * ((size - 1) / 2)
    if fused:
        return _fused_multiply_add_tensors(coordinate + 1, size / 2, -0.5)
    return ((coordinate + 1) * size - 1) / 2


def _fused_multiply_add_tensors(a, b, c):
    """a * b + c for float32 a with one rounding: the float64 product of float32 values is
    exact, so only the sum rounds (in float64, then to float32)."""
    a, b, c = (v.to(float64) if isinstance(v, Tensor) else v for v in (a, b, c))
    return (a * b + c).to(float32)


def _apply_padding(position, size, padding_mode, align_corners):
    """Positions outside the input moved in by the padding mode (zeros: left as they are)."""
    if padding_mode == "reflection":
        low, span = (0.0, size - 1.0) if align_corners else (-0.5, float(size))
        if span <= 0:
            return position * 0
        distance = (position - low).abs()
        flips = (distance / span).floor()
        extra = distance - flips * span
        even = flips.remainder(2).eq(0)
        position = where(even, extra + low, span - extra + low)
    if padding_mode in ("border", "reflection"):
        position = position.clamp(0, size - 1)
    return position


def _cubic_weights(t):
    """The 4 cubic convolution weights (A = -0.75) of taps at -1, 0, 1, 2 from fraction t."""
    a = _CUBIC_A
    near = lambda d: ((a + 2) * d - (a + 3)) * d * d + 1             # |d| <= 1
    far = lambda d: ((a * d - 5 * a) * d + 8 * a) * d - 4 * a        # 1 < |d| < 2
    return [far(t + 1), near(t), near(1 - t), far(2 - t)]


def grid_sample(input, grid, mode="bilinear", padding_mode="zeros", align_corners=None):
    """Sample input at the positions in grid (spatial transformer networks).

        y[n, :, h, w] = input[n, :, at (grid[n, h, w, 1], grid[n, h, w, 0])]

    grid holds normalised (x, y) -- (x, y, z) for 5-D input -- in [-1, 1]: (-1, -1) is the
    top-left corner (its pixel's centre with align_corners=True). Differentiable with
    respect to input and grid.

    Args:
        input: (N, C, H, W) or (N, C, D, H, W).
        grid: (N, H_out, W_out, 2) or (N, D_out, H_out, W_out, 3).
        mode: 'bilinear' (trilinear on 5-D input), 'nearest' or 'bicubic' (4-D only).
        padding_mode: 'zeros', 'border' or 'reflection', for positions outside the input.
        align_corners: None means False, with torch's warning.

    Example:
        >>> x = ember.arange(4.).reshape(1, 1, 2, 2)
        >>> grid = ember.zeros(1, 1, 1, 2)  # the centre of the image
        >>> ember.nn.functional.grid_sample(x, grid, align_corners=False).item()
        1.5
    """
    if mode not in ("bilinear", "nearest", "bicubic"):
        raise ValueError(f"nn.functional.grid_sample(): expected mode to be 'bilinear', "
                         f"'nearest' or 'bicubic', but got: '{mode}'")
    if padding_mode not in ("zeros", "border", "reflection"):
        raise ValueError(f"nn.functional.grid_sample(): expected padding_mode to be 'zeros', "
                         f"'border', or 'reflection', but got: '{padding_mode}'")
    if align_corners is None:
        _grid_warning()
        align_corners = False
    _check_grid_sample(input, grid, mode)
    batch, channels, *spatial = input.shape
    d = len(spatial)
    xp = xp_of(input._data)
    # channels last, one row per input pixel: each tap is a gather of rows
    rows = input.permute(0, *range(2, d + 2), 1).reshape(-1, channels)
    strides = [math.prod(spatial[i + 1:]) for i in range(d)]
    sample_base = (xp.arange(batch) * math.prod(spatial)).reshape((batch,) + (1,) * d)
    # positions per input dim (D, H, W order); grid's last dim holds them as (x, y, z)
    coordinates = [grid[..., d - 1 - i] for i in range(d)]

    def tap(indices, weight, plus=None):
        """One tap's contribution: input rows at integer indices (one array per dim), times
        weight (a Tensor, or None for 1); taps outside the input read zeros. With plus, the
        contribution added to plus with one rounding, as the fused multiply-add of torch's
        CPU kernel."""
        inside = True
        flat = sample_base
        for index, size, stride in zip(indices, spatial, strides):
            inside = inside & (index >= 0) & (index < size)
            flat = flat + xp.clip(index, 0, size - 1).astype(xp.int64) * stride
        values = Embedding.apply(rows, flat, None, False)  # (N, *out, C)
        mask = Tensor._make(xp.asarray(inside).astype(input._data.dtype))
        weight = mask if weight is None else weight * mask
        if plus is not None:
            return _fused_multiply_add_tensors(values, weight.unsqueeze(-1), plus)
        return values * weight.unsqueeze(-1)

    if mode == "bicubic":
        output = _bicubic_taps(tap, coordinates, spatial, padding_mode, align_corners)
    else:
        # torch's 4-D float32 CPU kernel fuses multiply-adds (unnormalizing, and summing the
        # bilinear taps); a bilinear uint8 image's rounding can hang on the last bit
        fused = d == 2 and mode == "bilinear" and input.dtype is float32
        positions = [_apply_padding(_unnormalize(c, size, align_corners, fused), size,
                                    padding_mode,
                                    align_corners) for c, size in zip(coordinates, spatial)]
        if mode == "nearest":
            # rint rounds halves to even, as torch's nearbyint
            output = tap([xp.rint(p._data) for p in positions], None)
        else:
            lows = [xp.floor(p._data) for p in positions]
            highs = [p - Tensor._make(low) for p, low in zip(positions, lows)]  # fractions
            output = None
            for corner in itertools.product((0, 1), repeat=d):
                weight = None
                for bit, high in zip(corner, highs):
                    factor = high if bit else 1 - high
                    weight = factor if weight is None else weight * factor
                indices = [low + bit for low, bit in zip(lows, corner)]
                if fused and output is not None:
                    output = tap(indices, weight, output)
                else:
                    part = tap(indices, weight)
                    output = part if output is None else output + part
    return output.permute(0, d + 1, *range(1, d + 1))


def _bicubic_taps(tap, coordinates, spatial, padding_mode, align_corners):
    """Bicubic grid sampling (4-D): 4 x 4 taps around each position, each tap's coordinate
    moved in by the padding mode, as torch's grid_sampler_2d."""
    x = _unnormalize(coordinates[1], spatial[1], align_corners)
    y = _unnormalize(coordinates[0], spatial[0], align_corners)
    xp = xp_of(x._data)
    x0, y0 = xp.floor(x._data), xp.floor(y._data)
    weights_x = _cubic_weights(x - Tensor._make(x0))
    weights_y = _cubic_weights(y - Tensor._make(y0))

    def padded(coordinate, size):
        if padding_mode == "zeros":
            return coordinate
        return _apply_padding(Tensor._make(coordinate), size, padding_mode,
                              align_corners)._data

    columns = [padded(x0 + k - 1, spatial[1]) for k in range(4)]
    output = None
    for i in range(4):
        row = padded(y0 + i - 1, spatial[0])
        for j in range(4):
            part = tap([row, columns[j]], weights_y[i] * weights_x[j])
            output = part if output is None else output + part
    return output


def _check_grid_sample(input, grid, mode):
    if input.dim() not in (4, 5) or grid.dim() != input.dim():
        raise RuntimeError(
            f"grid_sampler(): expected 4D or 5D input and grid with same number of "
            f"dimensions, but got input with sizes {list(input.shape)} and grid with sizes "
            f"{list(grid.shape)}")
    d = input.dim() - 2
    if grid.shape[-1] != d:
        raise RuntimeError(
            f"grid_sampler(): expected grid to have size {d} in last dimension, but got grid "
            f"with sizes {list(grid.shape)}")
    if grid.shape[0] != input.shape[0]:
        raise RuntimeError(
            f"grid_sampler(): expected grid and input to have same batch size, but got input "
            f"with sizes {list(input.shape)} and grid with sizes {list(grid.shape)}")
    if mode == "bicubic" and d != 2:
        raise RuntimeError("grid_sampler(): bicubic interpolation only supports 4D input")
    if input.dtype is not grid.dtype:
        raise RuntimeError(
            f"grid_sampler(): expected input and grid to have the same dtype, but input has "
            f"{input.dtype} and grid has {grid.dtype}")
    if any(size == 0 for size in input.shape[2:]):
        raise RuntimeError(
            f"grid_sampler(): expected input to have non-empty spatial dimensions, but input "
            f"has sizes {list(input.shape)} with dimension "
            f"{[size == 0 for size in input.shape[2:]].index(True) + 2} being empty")
