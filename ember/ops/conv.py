"""Convolutions: conv1d/2d/3d, their transposes, and unfold/fold, as GEMMs over strided views.

NOTE [ Convolution as three bilinear ops ]
A convolution y = conv(x, w) is linear in x and linear in w. Its adjoints are
    ConvTranspose(g, w): the gradient with respect to x (scatter g back through w: col2im),
    ConvWeight(x, g):    the gradient with respect to w (correlate x with g),
and each of the three ops is the adjoint of another in each argument, so the backward of each
is made of the other two:
    Convolution(x, w)    -> y:   grad_x = ConvTranspose(g, w),  grad_w = ConvWeight(x, g)
    ConvTranspose(g, w)  -> x':  grad_g = Convolution(h, w),    grad_w = ConvWeight(h, g)
    ConvWeight(x, g)     -> w':  grad_x = ConvTranspose(g, u),  grad_g = Convolution(x, u)
Gradients of every order stay inside these three ops, so create_graph=True works, and
conv_transpose is ConvTranspose with its own output size.

NOTE [ Convolution layout ]
im2col copies the windows of the padded input (N, C, *S) into cols (C * K, N * P), K the
kernel's and P the output's number of positions: channel and kernel offset first, batch and
output position last, so that each copied run is a row of the input and with groups the
matrix splits along its first axis into (G, C/G * K, N * P). One GEMM per group,
W (O/G, C/G * K) @ cols, gives the output as (O, N, P); one cheap copy (runs of P stay whole)
brings it to (N, O, P). On 2 cores this beat (N * P, C * K) @ (C * K, O) (whose im2col copy
gathers runs only as long as a kernel row, and whose output transpose gathers single
elements) and per-sample batched GEMMs. The weight gradient g (O, N * P) @ cols.T reuses the
cols of forward; the input gradient W.T @ g gives cols-shaped columns that col2im adds back,
one strided add per kernel offset; for stride 1 the input gradient is a convolution itself (see
_flipped).
"""
import itertools
import math
from typing import NamedTuple

from .._dtype import FLOAT_NP
from .._tensor import Tensor
from ..autograd import grad_mode
from ..autograd.function import Op
from ..amp import autocast_mode
from ..backend import fused
from ._parallel import assign, map_shares

__all__ = ["conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
           "conv_transpose3d", "unfold", "fold"]


class Geometry(NamedTuple):
    """Where the windows of a convolution sit: per spatial dim, except groups."""
    stride: tuple
    padding: tuple       # zeros before each spatial dim
    padding_end: tuple   # zeros after it; see NOTE [ Padding at the end ]
    dilation: tuple
    groups: int

    def zeros_after(self):
        return tuple(max(a, 0) for a in self.padding_end)


# NOTE [ Padding at the end ]
# The padding after each spatial dim is its own number so that a geometry is exact: the windows
# of the output span the padded input to the element. padding='same' with an even kernel puts
# one more zero after than before; conv_transpose's output_padding adds elements after that no
# window reads, which its geometry states as padding_end = padding - output_padding (negative:
# the last elements of the input are never read). Then Convolution of a transposed conv's output
# gradient has exactly the transposed conv's input size, as the adjoint must.


# -- array kernels (shared with pool.py) --------------------------------------------------

def pad_spatial(xp, x, before, after, value=0):
    """x (A, B, *S) with `before`/`after` elements of `value` around each spatial dim."""
    if not any(before) and not any(after):
        return x
    spatial = x.shape[2:]
    shape = x.shape[:2] + tuple(s + b + a for s, b, a in zip(spatial, before, after))
    out = xp.zeros(shape, x.dtype) if value == 0 else xp.full(shape, value, x.dtype)
    out[(Ellipsis,) + tuple(slice(b, b + s) for b, s in zip(before, spatial))] = x
    return out


def crop_spatial(x, before, size):
    """The inverse of pad_spatial: the `size` block of x's spatial dims after `before`."""
    if not any(before) and x.shape[2:] == tuple(size):
        return x
    return x[(Ellipsis,) + tuple(slice(b, b + s) for b, s in zip(before, size))]


def windows(xp, x, kernel, stride, dilation, out_size):
    """The sliding windows of x (A, B, *S) as a strided view (A, B, *kernel, *out_size).

    No copy: element [a, b, *k, *o] is x[a, b, *(o * stride + k * dilation)].
    """
    lead, spatial = x.strides[:2], x.strides[2:]
    strides = (lead + tuple(s * d for s, d in zip(spatial, dilation))
               + tuple(s * t for s, t in zip(spatial, stride)))
    return xp.lib.stride_tricks.as_strided(x, x.shape[:2] + tuple(kernel) + tuple(out_size),
                                           strides)


def window_slices(offset, stride, dilation, out_size):
    """The strided slice of the spatial dims that kernel offset `offset` sees (A, B, *out)."""
    return (slice(None), slice(None)) + tuple(
        slice(k * d, k * d + (o - 1) * s + 1, s)
        for k, s, d, o in zip(offset, stride, dilation, out_size))


def windows_overlap(kernel, stride, dilation, out_size):
    """Whether two windows can share an element (then scattering back must add)."""
    return any(k > 1 and o > 1 and s < d * (k - 1) + 1
               for k, s, d, o in zip(kernel, stride, dilation, out_size))


def add_windows(xp, out, cols, stride, dilation):
    """out (A, B, *S) += each window of cols (A, B, *kernel, *out_size): col2im, the
    adjoint of `windows`. One strided add per kernel offset, or a copy where windows can't
    meet: per offset, which beat one copy into the window view (2.3 vs 6 ms for 2x2 windows),
    except for large windows, where the loop's own cost dominates."""
    d = out.ndim - 2
    kernel, out_size = cols.shape[2:2 + d], cols.shape[2 + d:]
    overlap = windows_overlap(kernel, stride, dilation, out_size)
    if not overlap and math.prod(kernel) > 25:
        windows(xp, out, kernel, stride, dilation, out_size)[...] = cols
        return out
    lead = (slice(None), slice(None))
    for offset in itertools.product(*map(range, kernel)):
        target = out[window_slices(offset, stride, dilation, out_size)]
        if overlap:
            target += cols[lead + offset]
        else:
            target[...] = cols[lead + offset]
    return out


def _gemm(xp, a, b, bias=None):
    """a @ b (+ bias), stacked; half types accumulate in float32 and round once, after the
    bias, as torch's CPU kernels do."""
    if a.dtype.itemsize == 2 and a.dtype in FLOAT_NP:
        native = fused(xp, "matmul")  # a GPU's own half GEMM (float32 accumulate)
        out = None if native is None else native(a, b)
        if out is not None:
            return out if bias is None else out + bias
        out = xp.matmul(a.astype(xp.float32), b.astype(xp.float32))
        if bias is not None:
            out += bias.astype(xp.float32)
        return out.astype(a.dtype)
    out = xp.matmul(a, b)
    if bias is not None:
        out += bias
    return out


def _im2col(xp, cols, x, geometry, kernel, out_size, samples, at=None):
    """Fill the columns of `samples` (a range of the batch) in cols (G, C/G * K, n * P), from
    sample `at` of cols on (default samples.start), with the windows of x (N, C, *S); see
    NOTE [ Convolution layout ]."""
    d = len(kernel)
    at = samples.start if at is None else at
    x = pad_spatial(xp, x[samples.start:samples.stop], geometry.padding,
                    geometry.zeros_after())
    view = windows(xp, x, kernel, geometry.stride, geometry.dilation, out_size)
    order = (1,) + tuple(range(2, 2 + d)) + (0,) + tuple(range(2 + d, 2 + 2 * d))
    target = cols.reshape(x.shape[1:2] + tuple(kernel) + (-1,) + tuple(out_size))
    target[(slice(None),) * (1 + d) + (slice(at, at + len(samples)),)] = \
        view.transpose(order)                                               # (C, *K, n, *P)


def _new_cols(xp, x, geometry, kernel, out_size, samples):
    """An empty im2col matrix (G, C/G * K, samples * P)."""
    groups = geometry.groups
    return xp.empty((groups, x.shape[1] // groups * math.prod(kernel),
                     samples * math.prod(out_size)), x.dtype)


def _grouped_rows(xp, y, groups):
    """y (n, O, *P) as (G, O/G, n * P): the GEMM layout of an output or its gradient."""
    n, o = y.shape[:2]
    p = math.prod(y.shape[2:])
    rows = xp.ascontiguousarray(y.reshape(n, o, p).swapaxes(0, 1))  # (O, n, P)
    return rows.reshape(groups, o // groups, n * p)


def _conv_out_size(size, kernel, geometry):
    return tuple((s + b + a - d * (k - 1) - 1) // t + 1 for s, k, b, a, d, t in zip(
        size, kernel, geometry.padding, geometry.padding_end, geometry.dilation,
        geometry.stride))


def _conv_forward(xp, x, weight, bias, geometry, keep_cols=False):
    """y (N, O, *P) = conv(x, weight) + bias, and what the weight gradient can reuse: on the
    wide path the flat padded input (see NOTE [ Wide convolution ]), on the im2col path the
    columns when keep_cols and they fit in _KEEP_COLS_BYTES, else None. Columns not kept are
    built and multiplied a chunk of samples at a time, in a buffer that stays in cache."""
    n = x.shape[0]
    out_channels, kernel = weight.shape[0], weight.shape[2:]
    out_size = _conv_out_size(x.shape[2:], kernel, geometry)
    if _use_direct(xp, x, kernel, geometry):
        out = _conv_forward_direct(xp, x, weight, bias, geometry, out_size)
        if out is not None:
            return out, None
    if _use_wide(geometry, kernel, x.dtype, x.shape[2:], out_size):
        return _conv_forward_wide(xp, x, weight, bias, geometry, out_size)
    groups = geometry.groups
    positions = math.prod(out_size)
    keep_cols = (keep_cols
                 and n * _cols_bytes_per_sample(x, kernel, positions) <= _KEEP_COLS_BYTES)
    cols = _new_cols(xp, x, geometry, kernel, out_size, n) if keep_cols else None
    w = weight.reshape(groups, out_channels // groups, -1)
    b = None if bias is None else bias.reshape(groups, -1, 1)
    out = xp.empty((n, out_channels) + out_size, x.dtype)

    def forward(samples):
        if cols is None:
            for part, columns in _chunked_columns(xp, x, geometry, kernel, out_size, samples):
                _multiply_into(xp, out, w, b, part, columns)
            return
        _im2col(xp, cols, x, geometry, kernel, out_size, samples)
        _multiply_into(xp, out, w, b, samples,
                       cols[:, :, samples.start * positions:samples.stop * positions])

    map_shares(xp, forward, range(n))
    return out, cols


# NOTE: the helpers below are module functions, not closures beside the share functions that
# call them: one closure calling another makes a reference cycle through their shared scope,
# and the arrays in it (columns, outputs) then live until the garbage collector runs.

def _chunked_columns(xp, x, geometry, kernel, out_size, samples):
    """(part, columns) for consecutive runs of `samples` whose im2col columns (G, C/G * K,
    n * P) fill about _WIDE_CHUNK_BYTES, each run built into the same buffer, which stays in
    cache: use each before taking the next."""
    positions = math.prod(out_size)
    per_chunk = max(_WIDE_CHUNK_BYTES // _cols_bytes_per_sample(x, kernel, positions), 1)
    chunk = _new_cols(xp, x, geometry, kernel, out_size, min(per_chunk, len(samples)))
    for start in range(samples.start, samples.stop, per_chunk):
        part = range(start, min(start + per_chunk, samples.stop))
        _im2col(xp, chunk, x, geometry, kernel, out_size, part, at=0)
        yield part, chunk[:, :, :len(part) * positions]


def _cols_bytes_per_sample(x, kernel, positions):
    """Bytes of one sample's im2col columns: C * K rows of P positions."""
    return x.shape[1] * math.prod(kernel) * positions * x.dtype.itemsize


def _multiply_into(xp, out, w, b, samples, columns):
    """out[samples] (n, O, *P) = w (G, O/G, C/G*K) @ columns (G, C/G*K, n*P) + b, the bias
    added along whole rows (4x faster than after the transpose)."""
    out_channels, positions = out.shape[1], math.prod(out.shape[2:])
    y = _gemm(xp, w, columns, b)                                            # (G, O/G, n*P)
    out[samples.start:samples.stop].reshape(len(samples), out_channels, positions)[...] = \
        y.reshape(out_channels, len(samples), positions).swapaxes(0, 1)


_FLIPPED_MIN_CHANNELS = 8


def _flipped(weight, geometry):
    """The input gradient of a stride-1 conv is the conv of grad_y with each group's weight
    transposed and its kernel flipped, padded by the kernel's reach less the padding: that
    (weight, geometry) pair, or None where the stride, a padding past the reach or too few
    input channels (the GEMM's rows) rule it out. A K-deep GEMM on im2col columns beat
    W.T @ g (O deep) and K strided adds of col2im; for 3 input channels, not."""
    kernel = weight.shape[2:]
    if weight.shape[1] * geometry.groups < _FLIPPED_MIN_CHANNELS:
        return None
    reach = tuple(d * (k - 1) for d, k in zip(geometry.dilation, kernel))
    before = tuple(r - p for r, p in zip(reach, geometry.padding))
    after = tuple(r - p for r, p in zip(reach, geometry.padding_end))
    if any(s != 1 for s in geometry.stride) or min(before + after) < 0:
        return None
    groups = geometry.groups
    out_channels, channels = weight.shape[:2]
    w = weight.reshape((groups, out_channels // groups, channels) + kernel).swapaxes(1, 2)
    w = w.reshape((groups * channels, out_channels // groups) + kernel)    # (C, O/G, *K)
    w = w[(slice(None), slice(None)) + (slice(None, None, -1),) * len(kernel)]
    return w, Geometry(geometry.stride, before, after, geometry.dilation, groups)


def _conv_input_grad(xp, grad_y, weight, bias, geometry, input_size):
    """The gradient of conv with respect to its input (N, C, *input_size): col2im."""
    n, out_channels = grad_y.shape[:2]
    groups = geometry.groups
    channels = weight.shape[1] * groups
    kernel, out_size = weight.shape[2:], grad_y.shape[2:]
    d = len(kernel)
    padded = tuple(s + b + a for s, b, a in zip(input_size, geometry.padding,
                                                 geometry.zeros_after()))
    w = weight.reshape(groups, out_channels // groups, -1).swapaxes(1, 2)  # (G, C/G*K, O/G)
    if channels >= _FLIPPED_MIN_CHANNELS and _use_wide(geometry, kernel, grad_y.dtype, input_size,
                                                       out_size):
        grad_x, _ = _conv_backward_wide(xp, grad_y, geometry, input_size, kernel, weight)
        if bias is not None:
            grad_x += bias.reshape(-1, 1, 1)
        return grad_x
    flipped = _flipped(weight, geometry)
    if flipped is not None:
        return _conv_forward(xp, grad_y, flipped[0], bias, flipped[1])[0]
    out = xp.empty((n, channels) + tuple(input_size), grad_y.dtype)

    def input_grad(samples):
        rows = _grouped_rows(xp, grad_y[samples.start:samples.stop], groups)  # (G, O/G, n*P)
        count = len(samples)
        cols = _gemm(xp, w, rows).reshape((channels,) + kernel + (count,) + out_size)
        order = (0, 1 + d) + tuple(range(1, 1 + d)) + tuple(range(2 + d, 2 + 2 * d))
        grad_x = xp.zeros((channels, count) + padded, cols.dtype)     # (C, n, *S padded)
        add_windows(xp, grad_x, cols.transpose(order), geometry.stride, geometry.dilation)
        if bias is not None:
            grad_x += bias.reshape((-1,) + (1,) * (d + 1))  # (C, n, *S padded): whole rows
        out[samples.start:samples.stop] = crop_spatial(grad_x, geometry.padding,
                                                       input_size).swapaxes(0, 1)

    map_shares(xp, input_grad, range(n))
    return out                                                          # (N, C, *S)


# NOTE [ Wide convolution ]
# A stride-1 2-d conv (groups 1, enough channels) runs all three products on a "wide" grid:
# the input laid out channels first and flattened, (C, N * H_g * W_g) plus zeros around, and
# the output computed at every one of the N * H_g * W_g grid positions (those past
# (H_out, W_out) in a plane mix rows or samples; forward crops them, backward puts zeros
# there). A row of the grid is W_g = W + max(left, right) wide, as the zeros after one row
# are the padding before the next, and a sample H_g = H + max(top, bottom) rows (8x8 with
# padding 1 makes a 9x9 grid, not 10x10). Kernel offset (i, j) reads the input shifted by
# s = i * dH * W_g + j * dW, so the im2col row of (c, i, j) is one contiguous run of the flat
# input: building columns is a streaming copy (not a gather of W_out-long runs), done a chunk
# of grid positions at a time (_WIDE_CHUNK_BYTES of columns), each chunk multiplied while
# still in cache:
#     forward   y[:, chunk]  = W (O, C*K) @ cols_x(chunk)
# The input gradient is the convolution of the output gradient g with the flipped kernel, so
# it runs the same way on columns of g (g laid out with the kernel's reach of zeros first,
# so that its shifts run the other way), and the same columns give the weight gradient:
#     backward  grad_x[:, chunk] = W_flip (C, O*K) @ cols_g(chunk)
#               grad_W_flip     += cols_g(chunk) @ x_flat[:, chunk].T     (O*K, C)
# Every GEMM is K or a chunk deep (W.T @ g was only O deep, then 9 shifted adds), and backward
# builds one set of columns for both gradients. Backward keeps the flat input (about the
# input's size), not an im2col matrix K times the input. The grid costs H_g * W_g /
# (H_out * W_out) more GEMM, so it is used only up to _WIDE_MAX_GRID (in shares, 64 channels
# batch 128: 8x8 with padding 1, at 1.27, 30-36 ms against 32-40 by im2col; 6x6 at 1.36 and
# 4x4 at 1.56 were faster by im2col). The weight gradient alone (a frozen input) multiplies columns
# of the input instead when it has fewer channels: C * K rows, not O * K. 1 BLAS thread, batch 128,
# forward + backward, before (separate gradients, W.T @ g and 9 adds, unshared padding) and
# after: 16 -> 16 channels on 32x32 71 -> 48 ms (torch 44), 32 -> 32 on 16x16 65 -> 43 ms.

_WIDE_MAX_GRID = 1.3     # the most grid positions per output position
_WIDE_CHUNK_BYTES = 2 << 20  # im2col columns built (and multiplied) at a time: in cache


class WideGrid(NamedTuple):
    """Where a stride-1 2-d conv's planes sit on the wide grid; see NOTE [ Wide convolution ]."""
    height: int    # H_g: rows a sample
    width: int     # W_g: positions a row
    span: int      # N * H_g * W_g
    offset: int    # x[n, :, 0, 0] sits at grid position n * H_g * W_g + offset
    shifts: list   # the flat shift of each kernel offset (i, j), in (i, j) order


def _wide_grid(input_size, out_size, geometry, kernel, batch):
    (h, w), (out_h, out_w) = input_size, out_size
    (top, left), (bottom, right) = geometry.padding, geometry.padding_end
    height = max(h + max(top, bottom), out_h)
    width = max(w + max(left, right), out_w)
    dilation_h, dilation_w = geometry.dilation
    shifts = [i * dilation_h * width + j * dilation_w
              for i in range(kernel[0]) for j in range(kernel[1])]
    return WideGrid(height, width, batch * height * width, top * width + left, shifts)


def _use_wide(geometry, kernel, dtype, input_size, out_size):
    """Whether a conv takes the wide path: see NOTE [ Wide convolution ]."""
    if (len(out_size) != 2 or geometry.stride != (1, 1) or geometry.groups != 1
            or dtype.itemsize < 4 or min(geometry.padding_end) < 0):
        return False
    grid = _wide_grid(input_size, out_size, geometry, kernel, 1)
    return grid.offset <= grid.shifts[-1] and grid.span <= _WIDE_MAX_GRID * math.prod(out_size)


def _to_grid(xp, x, grid, lead, tail):
    """x (N, C, H, W) channels first on the grid, (C, lead + span + tail): x[n, c, h, w] at
    lead + n * H_g * W_g + h * W_g + w, zeros elsewhere."""
    n, c, h, w = x.shape
    flat = xp.zeros((c, lead + grid.span + tail), x.dtype)
    planes = flat[:, lead:lead + grid.span].reshape(c, n, grid.height, grid.width)
    assign(xp, planes[:, :, :h, :w], x.swapaxes(0, 1))
    return flat


def _from_grid(xp, flat, grid, size):
    """(N, C, *size) from the first `size` rows and columns of each plane of flat (C, span)."""
    c = flat.shape[0]
    n = grid.span // (grid.height * grid.width)
    out = xp.empty((n, c) + tuple(size), flat.dtype)
    assign(xp, out.swapaxes(0, 1), flat.reshape(c, n, grid.height, grid.width)[:, :, :size[0],
                                                                                :size[1]])
    return out


def _wide_input(xp, x, grid):
    """x on the grid with room for every kernel offset's reach: (C, span + tail)."""
    return _to_grid(xp, x, grid, grid.offset, grid.shifts[-1] - grid.offset)


def _wide_chunks(span, rows):
    """(start, stop) column ranges of about _WIDE_CHUNK_BYTES of `rows`-row float32 columns."""
    size = max(_WIDE_CHUNK_BYTES // (4 * rows), 1)
    count = -(-span // size)
    size = -(-span // count)  # even chunks
    return [(start, min(start + size, span)) for start in range(0, span, size)]


def _wide_columns(xp, flat, grid, kernel, start, stop):
    """The im2col columns (C * K, stop - start) of grid positions start..stop: per
    (c, i, j) one contiguous run of flat, so the copy streams; see NOTE [ Wide convolution ]."""
    channels = flat.shape[0]
    step_h = grid.shifts[kernel[1]] if kernel[0] > 1 else 0
    step_w = grid.shifts[1] if kernel[1] > 1 else 0
    item = flat.itemsize
    view = xp.lib.stride_tricks.as_strided(
        flat[:, start:], (channels,) + tuple(kernel) + (stop - start,),
        (flat.strides[0], step_h * item, step_w * item, item))
    return xp.ascontiguousarray(view).reshape(channels * math.prod(kernel), stop - start)


def _conv_forward_wide(xp, x, weight, bias, geometry, out_size):
    """y (N, O, *P) of a stride-1 2-d conv, and the flat input backward needs; see NOTE
    [ Wide convolution ]."""
    out_channels, kernel = weight.shape[0], weight.shape[2:]
    grid = _wide_grid(x.shape[2:], out_size, geometry, kernel, x.shape[0])
    flat = _wide_input(xp, x, grid)
    w2 = weight.reshape(out_channels, -1)                                   # (O, C*K)
    y = xp.empty((out_channels, grid.span), x.dtype)

    def forward(chunks):
        for start, stop in chunks:
            y[:, start:stop] = _gemm(xp, w2, _wide_columns(xp, flat, grid, kernel, start, stop))

    map_shares(xp, forward, _wide_chunks(grid.span, w2.shape[1]))
    if bias is not None:
        y += bias.reshape(-1, 1)
    return _from_grid(xp, y, grid, out_size), flat


def _conv_backward_wide(xp, grad_y, geometry, input_size, kernel, weight=None, flat=None):
    """(grad_x, grad_W) of a stride-1 2-d conv from one set of columns of grad_y: grad_x
    when weight is given, grad_W when forward's flat input is; see NOTE [ Wide convolution ]."""
    n, out_channels = grad_y.shape[:2]
    grid = _wide_grid(input_size, grad_y.shape[2:], geometry, kernel, n)
    reach = grid.shifts[-1]
    # column (o, k) at position q then holds grad_y at q + offset - shift of flipped k
    g = _to_grid(xp, grad_y, grid, reach - grid.offset, grid.offset)
    rows = out_channels * len(grid.shifts)
    grad_x = grad_w = None
    if weight is not None:
        w_flip = weight[:, :, ::-1, ::-1].swapaxes(0, 1).reshape(weight.shape[1], rows)
        grad_x = xp.empty((weight.shape[1], grid.span), grad_y.dtype)      # (C, span)

    def backward(chunks):  # fills its chunks of grad_x; returns its share of grad_W
        share_w = None if flat is None else xp.zeros((rows, flat.shape[0]), grad_y.dtype)
        for start, stop in chunks:
            cols = _wide_columns(xp, g, grid, kernel, start, stop)          # (O*K, chunk)
            if grad_x is not None:
                grad_x[:, start:stop] = _gemm(xp, w_flip, cols)
            if share_w is not None:
                share_w += _gemm(xp, cols, flat[:, grid.offset + start:grid.offset + stop].T)
        return share_w

    shares_w = map_shares(xp, backward, _wide_chunks(grid.span, rows))
    if grad_x is not None:
        grad_x = _from_grid(xp, grad_x, grid, input_size)
    if flat is not None:
        grad_w = sum(shares_w[1:], shares_w[0])                             # (O*K, C)
        grad_w = grad_w.reshape((out_channels,) + tuple(kernel) + (-1,))[:, ::-1, ::-1]
        grad_w = xp.ascontiguousarray(grad_w.transpose(0, 3, 1, 2))         # (O, C, *K)
    return grad_x, grad_w


def _conv_weight_grad_wide(xp, flat, grad_y, geometry, input_size, kernel):
    """grad_W (O, C, *kernel) alone from columns of forward's flat input (C * K rows, fewer
    than the O * K of grad_y's when C < O):  grad_W += g[:, chunk] @ cols_x(chunk).T."""
    n, out_channels = grad_y.shape[:2]
    grid = _wide_grid(input_size, grad_y.shape[2:], geometry, kernel, n)
    g = _to_grid(xp, grad_y, grid, 0, 0)                                    # (O, span)
    rows = flat.shape[0] * math.prod(kernel)

    def weight_grad(chunks):
        share = xp.zeros((out_channels, rows), grad_y.dtype)               # (O, C*K)
        for start, stop in chunks:
            share += _gemm(xp, g[:, start:stop],
                           _wide_columns(xp, flat, grid, kernel, start, stop).T)
        return share

    shares = map_shares(xp, weight_grad, _wide_chunks(grid.span, rows))
    return sum(shares[1:], shares[0]).reshape((out_channels, flat.shape[0]) + tuple(kernel))


# NOTE [ Direct convolution ]
# A stride-1 2-d conv with few input channels (an image's first layer: 3 channels, 27 taps of
# a 3x3 kernel) makes a GEMM only C * KH * KW deep, too shallow to reach its speed, over
# columns 9x its input. The compiled kernels of ember/backend/cpu_kernels.h compute it
# directly instead: forward a row of 16 outputs for 4 output channels at once, adding tap by
# tap a weight times a row of the input (eight vector accumulators), and the weight gradient
# as 3 output channels by 3 kernel columns of sums over the rows of the output gradient. The
# input is padded once, with rows wide enough for whole vector blocks. On the cnn benchmark's
# first layer (batch 64, 3 -> 32 channels, 32x32, two shares) forward went from 3.3 to 1.4 ms
# and forward + weight gradient from 7.7 to 5.3 ms (torch's oneDNN: 1.1 and 3.6). Deeper
# convs beat im2col per layer too where rows fill the 16-lane blocks (16 -> 16 channels on
# 32x32: forward 7.1 -> 3.1 ms) but not in the resnet's whole step (316-337 ms against
# 335-373 with them), so only the shallowest take them.

_DIRECT_MAX_TAPS = 27  # C * KH * KW; see NOTE [ Direct convolution ]


def _use_direct(xp, x, kernel, geometry):
    """Whether a conv takes the direct kernels: see NOTE [ Direct convolution ]."""
    return (len(kernel) == 2 and x.shape[1] * kernel[0] * kernel[1] <= _DIRECT_MAX_TAPS
            and geometry.stride == (1, 1) and geometry.dilation == (1, 1)
            and geometry.groups == 1 and min(geometry.padding_end) >= 0
            and x.dtype.kind == "f" and x.dtype.itemsize == 4
            and fused(xp, "direct_conv2d") is not None)


def _direct_input(xp, x, geometry, kernel, out_size):
    """x (N, C, H, W) zero-padded for the direct kernels: the conv's padding around each plane,
    and rows wide enough for whole 16-lane blocks (forward) and 8-lane ones with the kernel
    columns' reach (weight gradient)."""
    (top, left), bottom = geometry.padding, geometry.padding_end[0]
    kw, out_w = kernel[1], out_size[1]
    width = max(-(-out_w // 16) * 16 + kw - 1, -(-out_w // 8) * 8 + 2 + 3 * ((kw - 1) // 3))
    return pad_spatial(xp, x, (top, left), (bottom, width - left - x.shape[3]))


def _conv_forward_direct(xp, x, weight, bias, geometry, out_size):
    """y (N, O, *P) by the direct kernel, or None where it declines."""
    n, out_channels, kernel = x.shape[0], weight.shape[0], weight.shape[2:]
    blocks, taps = -(-out_channels // 4), math.prod(weight.shape[1:])
    w = xp.zeros((blocks * 4, taps), x.dtype)
    w[:out_channels] = weight.reshape(out_channels, taps)
    w = xp.ascontiguousarray(w.reshape(blocks, 4, taps).swapaxes(1, 2))  # (O4/4, taps, 4)
    b = xp.zeros(blocks * 4, x.dtype)
    if bias is not None:
        b[:out_channels] = bias
    padded = _direct_input(xp, x, geometry, kernel, out_size)
    out = xp.empty((n, out_channels) + tuple(out_size), x.dtype)
    direct = fused(xp, "direct_conv2d")
    done = map_shares(xp, lambda samples: direct(padded, w, b, out, samples.start, samples.stop,
                                                 *kernel), range(n), out.size)
    return out if all(done) else None


def _conv_weight_grad_direct(xp, x, grad_y, geometry, kernel):
    """grad_W (O, C, *kernel) by the direct kernel, or None where it declines; each share sums
    in float64."""
    padded = _direct_input(xp, x, geometry, kernel, grad_y.shape[2:])
    g = xp.ascontiguousarray(grad_y)
    direct = fused(xp, "direct_conv2d_weight_grad")
    shape = (grad_y.shape[1], x.shape[1]) + tuple(kernel)

    def weight_grad(samples):
        total = xp.zeros(shape, xp.float64)
        return total if direct(padded, g, total, samples.start, samples.stop) else None

    shares = map_shares(xp, weight_grad, range(x.shape[0]), g.size)
    if any(share is None for share in shares):
        return None
    return sum(shares[1:], shares[0]).astype(x.dtype)


def _conv_weight_grad(xp, x, grad_y, geometry, kernel, cols=None):
    """The gradient of conv with respect to its weight (O, C/G, *kernel); cols is what forward
    kept: the im2col matrix, or on the wide path the flat padded input."""
    if cols is None and _use_direct(xp, x, kernel, geometry):
        grad_w = _conv_weight_grad_direct(xp, x, grad_y, geometry, kernel)
        if grad_w is not None:
            return grad_w
    if cols is None and _use_wide(geometry, kernel, x.dtype, x.shape[2:], grad_y.shape[2:]):
        grid = _wide_grid(x.shape[2:], grad_y.shape[2:], geometry, kernel, x.shape[0])
        cols = _wide_input(xp, x, grid)
    if cols is not None and cols.ndim == 2 and x.shape[1] < grad_y.shape[1]:
        return _conv_weight_grad_wide(xp, cols, grad_y, geometry, x.shape[2:], kernel)
    if cols is not None and cols.ndim == 2:
        return _conv_backward_wide(xp, grad_y, geometry, x.shape[2:], kernel, flat=cols)[1]
    out_size = grad_y.shape[2:]
    positions = math.prod(out_size)
    groups = geometry.groups

    def weight_grad(samples):
        if cols is not None:
            return _weight_products(xp, grad_y, groups, samples, cols[
                :, :, samples.start * positions:samples.stop * positions])
        # forward kept no columns: build them a cache-sized chunk of samples at a time
        total = xp.zeros((groups, grad_y.shape[1] // groups,
                          x.shape[1] // groups * math.prod(kernel)), grad_y.dtype)
        for part, columns in _chunked_columns(xp, x, geometry, kernel, out_size, samples):
            total += _weight_products(xp, grad_y, groups, part, columns)
        return total

    shares = map_shares(xp, weight_grad, range(x.shape[0]))
    grad_w = sum(shares[1:], shares[0])
    return grad_w.reshape((grad_y.shape[1], x.shape[1] // geometry.groups) + tuple(kernel))


def _weight_products(xp, grad_y, groups, samples, columns):
    """grad_y[samples] (G, O/G, n*P) @ columns.T: the samples' share of the weight gradient
    (G, O/G, C/G*K)."""
    rows = _grouped_rows(xp, grad_y[samples.start:samples.stop], groups)
    return _gemm(xp, rows, columns.swapaxes(1, 2))


def _spatial_dims(ndim):
    return tuple(range(2, ndim))


# -- the three ops: see NOTE [ Convolution as three bilinear ops ] ------------------------

_KEEP_COLS_BYTES = 32 << 20  # the largest im2col matrix forward keeps for backward


class Convolution(Op):
    """y = conv(x, w) + b:  y[n, o, p] = sum_{c, k} w[o, c, k] x[n, c, p * stride + k * dilation]
    over c in o's group;  grad_x = ConvTranspose(g, w),  grad_w = ConvWeight(x, g),
    grad_b = g summed over batch and positions."""

    @staticmethod
    def forward(ctx, x, weight, bias, geometry, keep_cols):
        # cols is what the weight gradient multiplies: keeping it skips a second im2col, but
        # it is K times the input, so large ones are rebuilt in backward instead; the wide
        # path's flat padded input (2-d) is about the input's size and always kept
        y, cols = _conv_forward(ctx.xp, x, weight, bias, geometry, keep_cols)
        ctx.geometry = geometry
        ctx.save_for_backward(x, weight, cols)
        return y

    @staticmethod
    def backward(ctx, grad):
        x, weight, cols = ctx.conj_saved_tensors
        need_x, need_w, need_b = ctx.needs_input_grad[:3]
        geometry = ctx.geometry
        grad_x = grad_w = grad_b = None
        if need_x and need_w and cols is not None and cols.ndim == 2 \
                and x.shape[1] >= _FLIPPED_MIN_CHANNELS and not grad_mode._state["enabled"]:
            # nothing records (no create_graph): both gradients from one set of columns
            grad_x, grad_w = _conv_backward_wide(ctx.xp, grad._data, geometry, x.shape[2:],
                                                 weight.shape[2:], weight._data, cols._data)
            grad_x, grad_w = Tensor._make(grad_x), Tensor._make(grad_w)
            need_x = need_w = False
        if need_x:
            grad_x = ConvTranspose.apply(grad, weight, None, geometry, x.shape[2:])
        if need_w:
            grad_w = ConvWeight.apply(x, grad, geometry, weight.shape[2:],
                                      None if cols is None else cols._data)
        if need_b:
            grad_b = grad.sum((0,) + _spatial_dims(grad.ndim))
        return grad_x, grad_w, grad_b, None, None


class ConvTranspose(Op):
    """z = conv_transpose(g, w) + b, the adjoint of conv in x (col2im of w.T @ g);
    grad_g = Convolution(h, w),  grad_w = ConvWeight(h, g),  grad_b = h summed."""

    @staticmethod
    def forward(ctx, grad_y, weight, bias, geometry, input_size):
        ctx.geometry = geometry
        ctx.save_for_backward(grad_y, weight)
        return _conv_input_grad(ctx.xp, grad_y, weight, bias, geometry, tuple(input_size))

    @staticmethod
    def backward(ctx, grad):
        grad_y, weight = ctx.conj_saved_tensors
        need_g, need_w, need_b = ctx.needs_input_grad[:3]
        geometry = ctx.geometry
        result_g = result_w = result_b = None
        if need_g:
            result_g = Convolution.apply(grad, weight, None, geometry, False)
        if need_w:
            result_w = ConvWeight.apply(grad, grad_y, geometry, weight.shape[2:], None)
        if need_b:
            result_b = grad.sum((0,) + _spatial_dims(grad.ndim))
        return result_g, result_w, result_b, None, None


class ConvWeight(Op):
    """v = conv_weight(x, g), the adjoint of conv in w: v[o, c, k] = sum_{n, p}
    g[n, o, p] x[n, c, p * stride + k * dilation];  grad_x = ConvTranspose(g, u),
    grad_g = Convolution(x, u)."""

    @staticmethod
    def forward(ctx, x, grad_y, geometry, kernel, cols):
        ctx.geometry = geometry
        ctx.save_for_backward(x, grad_y)
        return _conv_weight_grad(ctx.xp, x, grad_y, geometry, tuple(kernel), cols)

    @staticmethod
    def backward(ctx, grad):
        x, grad_y = ctx.conj_saved_tensors
        need_x, need_g = ctx.needs_input_grad[:2]
        geometry = ctx.geometry
        grad_x = ConvTranspose.apply(grad_y, grad, None, geometry, x.shape[2:]) if need_x \
            else None
        grad_g = Convolution.apply(x, grad, None, geometry, False) if need_g else None
        return grad_x, grad_g, None, None, None


# -- argument checks ----------------------------------------------------------------------

def expand_param(value, d, name, op_name):
    """An int or a sequence of d ints (or of one) as a tuple of d ints."""
    if isinstance(value, int) and not isinstance(value, bool):
        return (value,) * d
    if isinstance(value, (tuple, list)) and all(
            isinstance(v, int) and not isinstance(v, bool) for v in value):
        if len(value) == d:
            return tuple(value)
        if len(value) == 1:
            return (value[0],) * d
        raise RuntimeError(
            f"{op_name}: expected {name} to be a single integer value or a list of {d} values "
            f"to match the convolution dimensions, but got {name}={list(value)}")
    raise TypeError(f"{op_name}(): argument '{name}' must be tuple of ints, not "
                    f"{type(value).__name__}")


def _sizes(shape):
    return ", ".join(str(s) for s in shape)


def _check_dtypes(input, weight, bias, op_name):
    if input.dtype is not weight.dtype:
        raise RuntimeError(
            f"{op_name}: Input type ({input.type()}) and weight type ({weight.type()}) should be "
            f"the same; convert one of them with .to({input.dtype})")
    if bias is not None and bias.dtype is not input.dtype:
        raise RuntimeError(
            f"{op_name}: Input type ({input.dtype.name}) and bias type ({bias.dtype.name}) "
            f"should be the same; convert the bias with .to({input.dtype})")


def _check_rank(input, d, op_name):
    """Whether input is batched (N, C, *S); raises for a wrong number of dims."""
    if input.ndim == d + 2:
        return True
    if input.ndim == d + 1:
        return False
    raise RuntimeError(
        f"Expected {d + 1}D (unbatched) or {d + 2}D (batched) input to {op_name}, but got "
        f"input of size: [{_sizes(input.shape)}]")


def _check_geometry(stride, padding, dilation, groups):
    if groups <= 0:
        raise RuntimeError("non-positive groups is not supported")
    if any(s <= 0 for s in stride):
        raise RuntimeError("non-positive stride is not supported")
    if any(p < 0 for p in padding):
        raise RuntimeError("negative padding is not supported")
    if any(d <= 0 for d in dilation):
        raise RuntimeError("non-positive dilation is not supported")


def _check_weight(weight, d, op_name, layout):
    if weight.ndim != d + 2:
        raise RuntimeError(
            f"{op_name}: expected weight of {d + 2} dims {layout}, but got weight of size "
            f"[{_sizes(weight.shape)}]")


def _check_bias(bias, channels, weight, transposed):
    if bias is not None and (bias.ndim != 1 or bias.shape[0] != channels):
        prefix = "Given transposed=1, weight" if transposed else "Given weight"
        raise RuntimeError(
            f"{prefix} of size [{_sizes(weight.shape)}], expected bias to be 1-dimensional "
            f"with {channels} elements, but got bias of size [{_sizes(bias.shape)}] instead")


def _same_padding(kernel, dilation, stride):
    """torch's padding='same': total d*(k-1) per dim, the odd element after."""
    if any(s != 1 for s in stride):
        raise RuntimeError("padding='same' is not supported for strided convolutions")
    total = tuple(d * (k - 1) for k, d in zip(kernel, dilation))
    before = tuple(t // 2 for t in total)
    return before, tuple(t - b for t, b in zip(total, before))


def _conv(input, weight, bias, stride, padding, dilation, groups, d, op_name):
    if autocast_mode.active:  # See NOTE [ How autocast reaches the ops ]
        return autocast_mode.dispatch("conv", _conv, input, weight, bias, stride, padding, dilation,
                                      groups, d, op_name)
    batched = _check_rank(input, d, op_name)
    _check_weight(weight, d, op_name, "(out_channels, in_channels/groups, *kernel_size)")
    stride = expand_param(stride, d, "stride", op_name)
    dilation = expand_param(dilation, d, "dilation", op_name)
    kernel = tuple(weight.shape[2:])
    if isinstance(padding, str):
        if padding == "valid":
            before = after = (0,) * d
        elif padding == "same":
            _check_geometry(stride, (0,), dilation, groups)
            before, after = _same_padding(kernel, dilation, stride)
        else:
            raise RuntimeError(
                f"Invalid padding string: '{padding}'; {op_name} takes 'valid', 'same', an int "
                f"or a tuple of {d} ints")
    else:
        before = after = expand_param(padding, d, "padding", op_name)
    _check_geometry(stride, before, dilation, groups)
    if not batched:
        input = input.unsqueeze(0)
    out_channels = weight.shape[0]
    if out_channels % groups:
        raise RuntimeError(
            f"Given groups={groups}, expected weight to be divisible by {groups} at dimension "
            f"0, but got weight of size [[{_sizes(weight.shape)}]] instead")
    if input.shape[1] != weight.shape[1] * groups:
        raise RuntimeError(
            f"Given groups={groups}, weight of size [{_sizes(weight.shape)}], expected "
            f"input[{_sizes(input.shape)}] to have {weight.shape[1] * groups} channels, but got "
            f"{input.shape[1]} channels instead")
    _check_bias(bias, out_channels, weight, False)
    _check_dtypes(input, weight, bias, op_name)
    padded = tuple(s + b + a for s, b, a in zip(input.shape[2:], before, after))
    dilated = tuple(dl * (k - 1) + 1 for k, dl in zip(kernel, dilation))
    if any(k > s for k, s in zip(dilated, padded)):
        raise RuntimeError(
            f"Calculated padded input size per channel: ({' x '.join(map(str, padded))}). "
            f"Kernel size: ({' x '.join(map(str, dilated))}). Kernel size can't be greater than "
            f"actual input size")
    geometry = Geometry(stride, before, after, dilation, groups)
    keep_cols = weight._requires_grad and grad_mode._state["enabled"]
    out = Convolution.apply(input, weight, bias, geometry, keep_cols)
    return out if batched else out.squeeze(0)


def _conv_transpose(input, weight, bias, stride, padding, output_padding, groups, dilation, d,
                    op_name):
    if autocast_mode.active:  # See NOTE [ How autocast reaches the ops ]
        return autocast_mode.dispatch("conv_transpose", _conv_transpose, input, weight, bias,
                                      stride, padding, output_padding, groups, dilation, d, op_name)
    batched = _check_rank(input, d, op_name)
    _check_weight(weight, d, op_name, "(in_channels, out_channels/groups, *kernel_size)")
    if isinstance(padding, str):
        raise TypeError(f"{op_name}(): argument 'padding' must be tuple of ints, not str")
    stride = expand_param(stride, d, "stride", op_name)
    padding = expand_param(padding, d, "padding", op_name)
    output_padding = expand_param(output_padding, d, "output_padding", op_name)
    dilation = expand_param(dilation, d, "dilation", op_name)
    _check_geometry(stride, padding, dilation, groups)
    if not batched:
        input = input.unsqueeze(0)
    if weight.shape[0] % groups:
        raise RuntimeError(
            f"Given groups={groups}, expected weight to be divisible by {groups} at dimension "
            f"0, but got weight of size [[{_sizes(weight.shape)}]] instead")
    if input.shape[1] != weight.shape[0]:
        raise RuntimeError(
            f"Given transposed=1, weight of size [{_sizes(weight.shape)}], expected "
            f"input[{_sizes(input.shape)}] to have {weight.shape[0]} channels, but got "
            f"{input.shape[1]} channels instead")
    out_channels = weight.shape[1] * groups
    _check_bias(bias, out_channels, weight, True)
    _check_dtypes(input, weight, bias, op_name)
    if any(p >= s and p >= dl for p, s, dl in zip(output_padding, stride, dilation)):
        raise RuntimeError(
            f"{op_name}: output padding must be smaller than either stride or dilation, but "
            f"got output_padding={list(output_padding)}, stride={list(stride)} and "
            f"dilation={list(dilation)}")
    kernel = weight.shape[2:]
    size = tuple((i - 1) * s - 2 * p + dl * (k - 1) + op + 1 for i, s, p, dl, k, op in zip(
        input.shape[2:], stride, padding, dilation, kernel, output_padding))
    if any(s <= 0 for s in size):
        raise RuntimeError(
            f"Given input size per channel: ({' x '.join(map(str, input.shape[2:]))}). "
            f"Calculated output size per channel: ({' x '.join(map(str, size))}). Output size "
            f"is too small")
    padding_end = tuple(p - op for p, op in zip(padding, output_padding))
    geometry = Geometry(stride, padding, padding_end, dilation, groups)
    out = ConvTranspose.apply(input, weight, bias, geometry, size)
    return out if batched else out.squeeze(0)


# -- public functions ---------------------------------------------------------------------

def conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """1-D convolution (cross-correlation) of input (N, C_in, L) or (C_in, L) with weight
    (C_out, C_in/groups, kL); see conv2d.

    Example:
        >>> ember.conv1d(ember.ones(1, 1, 5), ember.ones(1, 1, 3))
        tensor([[[3., 3., 3.]]])
    """
    return _conv(input, weight, bias, stride, padding, dilation, groups, 1, "conv1d")


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """2-D convolution (cross-correlation), as torch.nn.functional.conv2d.

        out[n, o, i, j] = bias[o] + sum_{c, a, b} weight[o, c, a, b]
                          * x[n, g(o) * C_in/groups + c, i * sH + a * dH, j * sW + b * dW]

    where x is the input zero-padded by `padding`, and g(o) is the group of output channel o.

    Args:
        input: (N, C_in, H, W) or unbatched (C_in, H, W).
        weight: (C_out, C_in / groups, kH, kW).
        bias: (C_out,) or None.
        stride, dilation: an int or a pair.
        padding: an int, a pair, 'valid' (none) or 'same' (output size = input size; stride
            1 only; for an even dilated kernel the extra element goes after, as torch).
        groups: split channels into this many independent convolutions.

    Returns:
        (N, C_out, H_out, W_out), H_out = (H + 2 * pH - dH * (kH - 1) - 1) // sH + 1.

    Example:
        >>> x = ember.ones(1, 1, 4, 4)
        >>> ember.conv2d(x, ember.ones(1, 1, 3, 3), padding=1)[0, 0, 0]
        tensor([4., 6., 6., 4.])
    """
    return _conv(input, weight, bias, stride, padding, dilation, groups, 2, "conv2d")


def conv3d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """3-D convolution of input (N, C_in, D, H, W) or (C_in, D, H, W); see conv2d."""
    return _conv(input, weight, bias, stride, padding, dilation, groups, 3, "conv3d")


def conv_transpose1d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1,
                     dilation=1):
    """1-D transposed convolution of (N, C_in, L) with weight (C_in, C_out/groups, kL);
    see conv_transpose2d."""
    return _conv_transpose(input, weight, bias, stride, padding, output_padding, groups,
                           dilation, 1, "conv_transpose1d")


def conv_transpose2d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1,
                     dilation=1):
    """2-D transposed convolution ("deconvolution"): the gradient of conv2d with respect to
    its input, as torch.nn.functional.conv_transpose2d.

        out = bias + col2im(weight.T @ input), cropped by `padding` on each side

    Args:
        input: (N, C_in, H, W) or unbatched (C_in, H, W).
        weight: (C_in, C_out / groups, kH, kW).
        output_padding: extra size added after each spatial dim (smaller than the stride
            or the dilation), to pick among the input sizes a strided conv2d maps alike.

    Returns:
        (N, C_out, H_out, W_out), H_out = (H - 1) * sH - 2 * pH + dH * (kH - 1) + opH + 1.

    Example:
        >>> ember.conv_transpose2d(ember.ones(1, 1, 2, 2), ember.ones(1, 1, 2, 2), stride=2)
        tensor([[[[1., 1., 1., 1.],
                  [1., 1., 1., 1.],
                  [1., 1., 1., 1.],
                  [1., 1., 1., 1.]]]])
    """
    return _conv_transpose(input, weight, bias, stride, padding, output_padding, groups,
                           dilation, 2, "conv_transpose2d")


def conv_transpose3d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1,
                     dilation=1):
    """3-D transposed convolution of (N, C_in, D, H, W); see conv_transpose2d."""
    return _conv_transpose(input, weight, bias, stride, padding, output_padding, groups,
                           dilation, 3, "conv_transpose3d")


# -- unfold / fold (im2col / col2im) ------------------------------------------------------

class Unfold(Op):
    """cols[n, c * K + k, p] = x[n, c, p * stride + k * dilation] (x zero-padded);
    grad_x = Fold(g): the windows of g added back."""

    @staticmethod
    def forward(ctx, x, kernel, dilation, padding, stride, out_size):
        ctx.args = (x.shape[2:], kernel, dilation, padding, stride)
        n, c = x.shape[:2]
        x = pad_spatial(ctx.xp, x, padding, padding)
        view = windows(ctx.xp, x, kernel, stride, dilation, out_size)  # (N, C, *K, *L)
        out = ctx.xp.empty((n, c * math.prod(kernel), math.prod(out_size)), x.dtype)
        out.reshape(view.shape)[...] = view  # always a copy: never a view of x
        return out

    @staticmethod
    def backward(ctx, grad):
        return (Fold.apply(grad, *ctx.args),) + (None,) * 5


class Fold(Op):
    """out[n, c, s] = sum of cols[n, c * K + k, p] over the (k, p) with
    p * stride + k * dilation = s (then cropped by padding);  grad_cols = Unfold(g)."""

    @staticmethod
    def forward(ctx, cols, output_size, kernel, dilation, padding, stride):
        xp = ctx.xp
        out_size = _blocks(output_size, kernel, dilation, padding, stride)
        ctx.args = (kernel, dilation, padding, stride, out_size)
        n, ck = cols.shape[:2]
        channels = ck // math.prod(kernel)
        padded = tuple(s + 2 * p for s, p in zip(output_size, padding))
        out = xp.zeros((n, channels) + padded, cols.dtype)
        add_windows(xp, out, cols.reshape((n, channels) + kernel + out_size), stride, dilation)
        return xp.ascontiguousarray(crop_spatial(out, padding, output_size))

    @staticmethod
    def backward(ctx, grad):
        return (Unfold.apply(grad, *ctx.args),) + (None,) * 5


def _blocks(size, kernel, dilation, padding, stride):
    return tuple((s + 2 * p - d * (k - 1) - 1) // t + 1
                 for s, k, d, p, t in zip(size, kernel, dilation, padding, stride))


def _fold_params(kernel_size, dilation, padding, stride, op_name):
    kernel = expand_param(kernel_size, 2, "kernel_size", op_name)
    dilation = expand_param(dilation, 2, "dilation", op_name)
    padding = expand_param(padding, 2, "padding", op_name)
    stride = expand_param(stride, 2, "stride", op_name)
    if any(k <= 0 for k in kernel):
        raise RuntimeError(f"{op_name}: kernel size should be greater than zero, but got "
                           f"kernel_size={kernel}")
    if any(d <= 0 for d in dilation):
        raise RuntimeError(f"{op_name}: dilation should be greater than zero, but got "
                           f"dilation={dilation}")
    if any(p < 0 for p in padding):
        raise RuntimeError(f"{op_name}: padding should be non-negative, but got "
                           f"padding={padding}")
    if any(s <= 0 for s in stride):
        raise RuntimeError(f"{op_name}: stride should be greater than zero, but got "
                           f"stride={stride}")
    return kernel, dilation, padding, stride


def unfold(input, kernel_size, dilation=1, padding=0, stride=1):
    """im2col: every sliding block of input (N, C, H, W) as a column of (N, C * kH * kW, L).

        out[n, c * kH * kW + a * kW + b, i * W_out + j]
            = x[n, c, i * sH + a * dH, j * sW + b * dW]     (x zero-padded by `padding`)

    As torch.nn.functional.unfold (not Tensor.unfold); an unbatched (C, H, W) input gives
    (C * kH * kW, L).

    Example:
        >>> ember.nn.functional.unfold(ember.arange(4.).reshape(1, 1, 2, 2), 1).shape
        ember.Size([1, 1, 4])
    """
    if input.ndim < 3:  # torch fails indexing the missing spatial dim: an IndexError
        raise IndexError(
            f"unfold: Dimension out of range: expected a 3D (C, H, W) or 4D (N, C, H, W) input, "
            f"but got input of size [{_sizes(input.shape)}]")
    if input.ndim not in (3, 4) or any(s == 0 for s in input.shape[1:]):
        raise RuntimeError(
            f"unfold: Expected 3D or 4D (batch mode) tensor with possibly 0 batch size and "
            f"other non-zero dimensions for input, but got: [{_sizes(input.shape)}]")
    kernel, dilation, padding, stride = _fold_params(kernel_size, dilation, padding, stride,
                                                     "unfold")
    batched = input.ndim == 4
    if not batched:
        input = input.unsqueeze(0)
    out_size = _blocks(input.shape[2:], kernel, dilation, padding, stride)
    if any(o < 1 for o in out_size):
        raise RuntimeError(
            f"Given input with spatial size {tuple(input.shape[2:])}, kernel_size={kernel}, "
            f"dilation={dilation}, padding={padding}, calculated shape of the array of sliding "
            f"blocks as {out_size}, but its components must be at least one.")
    out = Unfold.apply(input, kernel, dilation, padding, stride, out_size)
    return out if batched else out.squeeze(0)


def fold(input, output_size, kernel_size, dilation=1, padding=0, stride=1):
    """col2im: sum the columns of input (N, C * kH * kW, L) back into (N, C, H, W), adding
    where blocks overlap; the adjoint of unfold (fold(unfold(x)) multiplies each element by
    the number of blocks that cover it).

    Example:
        >>> cols = ember.ones(1, 4, 4)
        >>> ember.nn.functional.fold(cols, (3, 3), 2)[0, 0]
        tensor([[1., 2., 1.],
                [2., 4., 2.],
                [1., 2., 1.]])
    """
    if input.ndim not in (2, 3) or any(s == 0 for s in input.shape[-2:]):
        raise RuntimeError(
            f"fold: Expected 2D or 3D (batch mode) tensor for input with possibly 0 batch size "
            f"and non-zero dimensions for input, but got: [{_sizes(input.shape)}]")
    output_size = expand_param(output_size, 2, "output_size", "fold")
    kernel, dilation, padding, stride = _fold_params(kernel_size, dilation, padding, stride,
                                                     "fold")
    batched = input.ndim == 3
    if not batched:
        input = input.unsqueeze(0)
    block = math.prod(kernel)
    if input.shape[1] % block:
        raise RuntimeError(
            f"Expected size of input's dimension 1 to be divisible by the product of "
            f"kernel_size, but got input.size(1)={input.shape[1]} and kernel_size={kernel}.")
    out_size = _blocks(output_size, kernel, dilation, padding, stride)
    if math.prod(out_size) != input.shape[2] or any(o < 1 for o in out_size):
        raise RuntimeError(
            f"Given output_size={output_size}, kernel_size={kernel}, dilation={dilation}, "
            f"padding={padding}, stride={stride}, expected size of input's dimension 2 to match "
            f"the calculated number of sliding blocks {out_size[0]} * {out_size[1]} = "
            f"{math.prod(out_size)}, but got input.size(2)={input.shape[2]}.")
    out = Fold.apply(input, output_size, kernel, dilation, padding, stride)
    return out if batched else out.squeeze(0)
