"""Padding: torch.nn.functional.pad with modes constant, reflect, replicate and circular.

`pad` lists (before, after) pairs starting from the last dim and going backwards, as torch;
a negative entry crops instead. Constant padding is one op whose adjoint is itself with the
amounts negated (a crop). The other modes read every output element from an input index
along each padded dim (a gather); their gradient adds back along the same indices.
"""
from .._tensor import Tensor
from ..autograd.function import Op, named

__all__ = ["pad"]

_MODES = ("constant", "reflect", "replicate", "circular")


class ConstantPad(Op):
    """y = x surrounded by `value` (cropped where an amount is negative);
    grad_x = ConstantPad(g, the amounts negated, 0): the crop of g back to x's place."""

    node_name = "ConstantPadNdBackward0"

    @staticmethod
    def forward(ctx, x, pairs, value):
        ctx.pairs = pairs
        shape = tuple(s + b + a for s, (b, a) in zip(x.shape, pairs))
        xp = ctx.xp
        out = xp.zeros(shape, x.dtype) if value == 0 else xp.full(shape, value, x.dtype)
        source, target = [], []
        for s, (b, a) in zip(x.shape, pairs):
            start, stop = max(-b, 0), s - max(-a, 0)
            source.append(slice(start, stop))
            target.append(slice(max(b, 0), max(b, 0) + stop - start))
        out[tuple(target)] = x[tuple(source)]
        return out

    @staticmethod
    def backward(ctx, grad):
        return ConstantPad.apply(grad, tuple((-b, -a) for b, a in ctx.pairs), 0), None, None


def _gather_index(size, before, after, mode):
    """For each output position along one dim, the input index it reads (crop, then pad)."""
    if mode == "replicate":  # torch clamps into the whole dim, also for negative amounts
        index = tuple(min(max(j - before, 0), size - 1) for j in range(size + before + after))
        first = max(before, 0)  # the output positions that copy the input one to one
        length = max(size + before + min(after, 0) - first, 0)
        return index, first - before, length, first
    start, stop = max(-before, 0), size - max(-after, 0)
    length = stop - start
    index = []
    for j in range(-max(before, 0), length + max(after, 0)):
        if mode == "reflect":
            i = -j if j < 0 else (2 * (length - 1) - j if j >= length else j)
        elif mode == "replicate":
            i = min(max(j, 0), length - 1)
        else:
            i = j % length
        if not 0 <= i < length:
            raise RuntimeError(
                f"pad: {mode} padding ({before}, {after}) reaches past a dim of size {size}")
        index.append(start + i)
    return tuple(index), start, length, max(before, 0)


class GatherPad(Op):
    """y = x read at index_d along each padded dim d (reflect, replicate, circular);
    grad_x = ScatterPad(g): g added back at the same indices."""

    @staticmethod
    def forward(ctx, x, plan):
        ctx.plan, ctx.input_shape = plan, x.shape
        xp = ctx.xp
        if not plan:
            return x.copy()
        for axis, index, _, _, _ in plan:
            x = xp.take(x, xp.asarray(index, dtype=xp.int64), axis=axis)  # may be empty
        return x

    @staticmethod
    def backward(ctx, grad):
        return ScatterPad.apply(grad, ctx.plan, ctx.input_shape), None


class ScatterPad(Op):
    """y (input-shaped) = g added at index_d along each padded dim; grad_g = GatherPad(h)."""

    @staticmethod
    def forward(ctx, grad, plan, shape):
        ctx.plan = plan
        xp = ctx.xp
        for position in range(len(plan) - 1, -1, -1):
            axis, index, start, length, before = plan[position]
            sizes = list(grad.shape)
            sizes[axis] = shape[axis]
            out = xp.zeros(sizes, grad.dtype)
            lead = (slice(None),) * axis
            # the middle of the output is the (cropped) input itself; only the borders fold
            out[lead + (slice(start, start + length),)] = grad[lead + (slice(before,
                                                                              before + length),)]
            for j in list(range(before)) + list(range(before + length, len(index))):
                out[lead + (index[j],)] += grad[lead + (j,)]
            grad = out
        return grad

    @staticmethod
    def backward(ctx, grad):
        return GatherPad.apply(grad, ctx.plan), None, None


def _pad_amounts(pad):
    if not isinstance(pad, (tuple, list)):
        raise TypeError(f"pad(): argument 'pad' (position 2) must be tuple of ints, not "
                        f"{type(pad).__name__}")
    for position, amount in enumerate(pad):
        if isinstance(amount, Tensor):
            amount = amount.item()
        if not isinstance(amount, int) or isinstance(amount, bool):
            raise TypeError(
                f"pad(): argument 'pad' (position 2) must be tuple of ints, but found element "
                f"of type {type(amount).__name__} at pos {position}")
    return tuple(int(a) for a in pad)


def _shape_text(shape):
    return "[" + ", ".join(map(str, shape)) + "]"


def pad(input, pad, mode="constant", value=None):
    """Pad (or, with negative amounts, crop) the last len(pad) // 2 dims of input.

        pad = (left, right)                       pads the last dim
        pad = (left, right, top, bottom)          the last two, and so on backwards

    Modes: 'constant' fills with `value` (0 by default), any number of dims; 'reflect'
    mirrors without repeating the edge (each amount smaller than its dim); 'replicate'
    repeats the edge; 'circular' wraps around (at most once). These three pad the last 1, 2
    or 3 dims of a batched or unbatched input: (N, C, W) or (C, W) for one pair, and so on.

    Example:
        >>> ember.nn.functional.pad(ember.tensor([[1., 2., 3.]]), (2, 1), mode="reflect")
        tensor([[3., 2., 1., 2., 3., 2.]])
    """
    amounts = _pad_amounts(pad)
    ndim = input.ndim
    if len(amounts) % 2:
        raise RuntimeError("Padding length must be divisible by 2")
    pairs_count = len(amounts) // 2
    if pairs_count > ndim:
        raise RuntimeError(
            f"Padding length should be less than or equal to two times the input dimension but "
            f"got padding length {len(amounts)} and input of dimension {ndim}")
    if mode not in _MODES:
        raise NotImplementedError(
            f"Unrecognised padding mode {mode}; pad takes one of {', '.join(_MODES)}")
    shape = tuple(input.shape)
    pairs = [(0, 0)] * ndim
    for k in range(pairs_count):
        pairs[ndim - 1 - k] = (amounts[2 * k], amounts[2 * k + 1])
    if mode == "constant":
        if isinstance(value, complex):
            raise TypeError("pad(): argument 'value' (position 4) must be float, not complex")
        for dim, (s, (b, a)) in enumerate(zip(shape, pairs)):
            if s - max(-b, 0) - max(-a, 0) < 0:
                raise RuntimeError(
                    f"pad: padding ({b}, {a}) of dim {dim} would leave it a negative size "
                    f"(input of size {_shape_text(shape)}); crop by at most the dim's size")
        return ConstantPad.apply(input, tuple(pairs), 0 if value is None else value)
    if value is not None:
        raise RuntimeError(f'Padding mode "{mode}" doesn\'t take in value argument')
    if ndim - pairs_count not in (1, 2) or pairs_count > 3:
        raise NotImplementedError(
            f"Padding size {len(amounts)} is not supported for {ndim}D input tensor. Mode "
            f"'{mode}' pads the last 1, 2 or 3 dims of a (C, *S) or (N, C, *S) input.")
    if any(s == 0 for s in shape[1:]) or (ndim - pairs_count == 1 and shape[0] == 0):
        raise RuntimeError(
            f"pad: Expected {pairs_count + 1}D or {pairs_count + 2}D (batch mode) tensor with "
            f"possibly 0 batch size and other non-zero dimensions for input, but got: "
            f"{_shape_text(shape)}")
    if mode == "reflect" and input.dtype.np.kind == "b":
        raise NotImplementedError("\"reflection_pad\" not implemented for 'Bool'")
    if mode == "replicate" and input.dtype.np.kind == "b":
        raise NotImplementedError("\"replication_pad\" not implemented for 'Bool'")
    plan = []
    for dim in range(ndim - pairs_count, ndim):
        before, after = pairs[dim]
        if mode == "reflect" and (before >= shape[dim] or after >= shape[dim]):
            raise RuntimeError(
                f"Argument #{2 * (ndim - dim) + 2}: Padding size should be less than the "
                f"corresponding input dimension, but got: padding ({before}, {after}) at "
                f"dimension {dim} of input {_shape_text(shape)}")
        if mode == "circular" and (before > shape[dim] or after > shape[dim]):
            raise RuntimeError(
                f"Padding value causes wrapping around more than once. (circular padding "
                f"({before}, {after}) of dimension {dim} of size {shape[dim]})")
        if before or after:
            plan.append((dim,) + _gather_index(shape[dim], before, after, mode))
    output = GatherPad.apply(input, tuple(plan))
    if mode == "circular":  # torch pads circularly by copying slices
        return output
    kind = "Reflection" if mode == "reflect" else "Replication"
    return named(output, f"{kind}Pad{pairs_count}DBackward0")
