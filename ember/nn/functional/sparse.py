"""Lookup tables: embedding, embedding_bag and one_hot.

embedding is one Op whose backward accumulates the gradient rows into the rows of the
weight they came from; that accumulation is itself an Op (its own backward is a lookup
again), so double backward works.
"""
from ... import _dtype
from ..._tensor import Tensor
from ...autograd.function import Op
from ...backend import xp_of
from ...ops.compare import where

__all__ = ["embedding", "embedding_bag", "one_hot"]

_INDEX_DTYPES = (_dtype.int64.np, _dtype.int32.np)


class Embedding(Op):
    """y[...] = weight[indices[...]];  grad_weight[i] = sum of g rows whose index is i
    (times 1 / count(i) with scale_grad_by_freq; zero for padding_idx)."""

    @staticmethod
    def forward(ctx, weight, indices, padding_idx, scale_grad_by_freq):
        ctx.indices, ctx.num_weights = indices, weight.shape[0]
        ctx.padding_idx, ctx.scale_grad_by_freq = padding_idx, scale_grad_by_freq
        return ctx.xp.take(weight, indices, axis=0)

    @staticmethod
    def backward(ctx, grad):
        return EmbeddingBackward.apply(grad, ctx.indices, ctx.num_weights, ctx.padding_idx,
                                       ctx.scale_grad_by_freq), None, None, None


class EmbeddingBackward(Op):
    """grad_weight = sum of the rows of g into the rows named by indices, each row scaled by
    row_scale (1 / count of its index with scale_grad_by_freq, 0 at padding_idx);
    its gradient: gg[indices] * row_scale (a lookup again)."""

    @staticmethod
    def forward(ctx, grad, indices, num_weights, padding_idx, scale_grad_by_freq):
        xp = ctx.xp
        flat = indices.reshape(-1)
        rows = grad.reshape(flat.shape[0], -1)  # (number of lookups, embedding_dim)
        row_scale = None
        if scale_grad_by_freq:
            row_scale = (1 / xp.bincount(flat, minlength=num_weights)[flat]).astype(grad.dtype)
        if padding_idx is not None:
            keep = (flat != padding_idx).astype(grad.dtype)
            row_scale = keep if row_scale is None else row_scale * keep
        if row_scale is not None:
            rows = rows * row_scale[:, None]
            row_scale = row_scale.reshape(indices.shape + (1,))
        ctx.indices, ctx.row_scale = indices, row_scale
        grad_weight = xp.zeros((num_weights, rows.shape[1]), dtype=grad.dtype)
        xp.add.at(grad_weight, flat, rows)
        return grad_weight

    @staticmethod
    def backward(ctx, grad_grad_weight):
        grad_grad = Embedding.apply(grad_grad_weight, ctx.indices, None, False)
        if ctx.row_scale is not None:
            grad_grad = grad_grad * Tensor._make(ctx.row_scale)
        return grad_grad, None, None, None, None


def _check_indices(input, num_weights, op_name):
    if input._data.dtype not in _INDEX_DTYPES:
        raise RuntimeError(
            f"Expected tensor for argument #1 'indices' to have one of the following scalar "
            f"types: Long, Int; but got {input.type()} instead (while checking arguments for "
            f"{op_name})")
    if input.numel():
        low, high = int(input._data.min()), int(input._data.max())
        if low < 0 or high >= num_weights:
            raise IndexError(
                f"index out of range in self: {op_name} got index "
                f"{low if low < 0 else high}, but the table has {num_weights} rows "
                f"(valid indices are 0 .. {num_weights - 1})")


def _padding_index(padding_idx, num_weights):
    """padding_idx wrapped into [0, num_weights), as torch (which asserts on the range)."""
    if padding_idx is None:
        return None
    if not -num_weights <= padding_idx < num_weights:
        raise AssertionError("Padding_idx must be within num_embeddings")
    return padding_idx % num_weights


def _renorm_rows(weight, input, max_norm, norm_type):
    """Rescale in place (outside autograd) each looked-up row whose norm exceeds max_norm."""
    data = weight._data
    rows_used = xp_of(data).unique(input._data)
    rows = data[rows_used]
    norms = (abs(rows) ** norm_type).sum(1) ** (1 / norm_type)
    too_big = norms > max_norm
    data[rows_used[too_big]] = rows[too_big] * (max_norm / (norms[too_big] + 1e-7))[:, None]
    weight._version[0] += 1


def embedding(input, weight, padding_idx=None, max_norm=None, norm_type=2.0,
              scale_grad_by_freq=False, sparse=False):
    """Look up rows of weight: y[...] = weight[input[...]].

    Args:
        input: integer tensor (int64 or int32) of indices into weight's rows, any shape.
        weight: (num_embeddings, embedding_dim).
        padding_idx: a row that gets no gradient (negative counts from the end).
        max_norm: rows looked up with a larger norm are first rescaled to this norm, in place.
        norm_type: the p of the p-norm for max_norm.
        scale_grad_by_freq: divide each row's gradient by how often it was looked up.
        sparse: accepted for compatibility. Differs from PyTorch: the gradient is always
            dense.

    Returns:
        (*input.shape, embedding_dim).

    Example:
        >>> weight = ember.arange(6.).reshape(3, 2)
        >>> ember.nn.functional.embedding(ember.tensor([[2, 0]]), weight)
        tensor([[[4., 5.],
                 [0., 1.]]])
    """
    if weight.dim() != 2:
        raise RuntimeError(f"'weight' must be 2-D, got a weight of shape {list(weight.shape)}")
    num_weights = weight.shape[0]
    padding_idx = _padding_index(padding_idx, num_weights)
    _check_indices(input, num_weights, "embedding")
    if max_norm is not None:
        _renorm_rows(weight, input, max_norm, norm_type)
    return Embedding.apply(weight, input, padding_idx, bool(scale_grad_by_freq))


def embedding_bag(input, weight, offsets=None, max_norm=None, norm_type=2,
                  scale_grad_by_freq=False, mode="mean", sparse=False,
                  per_sample_weights=None, include_last_offset=False, padding_idx=None):
    """Sums, means or maxima of bags of embeddings.

        y[b] = reduce over i in bag b of weight[input[i]] (* per_sample_weights[i] for 'sum')

    Args:
        input: (B, L) -- B bags of L indices -- or a 1-D index tensor cut into bags by
            offsets (the start of each bag).
        offsets: (B,) or, with include_last_offset, (B + 1,) bag starts for a 1-D input.
        mode: 'sum', 'mean' or 'max'.
        per_sample_weights: weights of input's shape, for mode 'sum' only.
        padding_idx: entries equal to it are left out of their bag (an empty bag gives 0).
        max_norm, norm_type, scale_grad_by_freq, sparse: as in embedding.

    Differs from PyTorch: the gradient is always dense (sparse is ignored), and in mode 'max'
    tied maxima share the gradient.
    """
    if mode not in ("sum", "mean", "max"):
        raise ValueError(f"mode has to be one of sum, mean or max, got {mode!r}")
    if per_sample_weights is not None and mode != "sum":
        raise NotImplementedError(
            f"embedding_bag: per_sample_weights was not None. per_sample_weights is only "
            f"supported for mode='sum' (got mode='{mode}'). Please open a feature request on "
            f"GitHub.")
    output, _ = bag_reduce(input, weight, offsets, max_norm, norm_type, scale_grad_by_freq,
                           mode, per_sample_weights, include_last_offset, padding_idx)
    return output


def bag_reduce(input, weight, offsets, max_norm, norm_type, scale_grad_by_freq, mode,
               per_sample_weights, include_last_offset, padding_idx, max_indices=False):
    """embedding_bag's output, and with max_indices (mode 'max') the row of weight each
    maximum came from, (B, D), 0 for an empty bag (torch.embedding_bag returns it too)."""
    if input.dim() == 2:
        if offsets is not None:
            raise ValueError("if input is 2D, then offsets has to be None, as input is treated "
                             "is a mini-batch of fixed length sequences. However, found offsets "
                             f"of type {type(offsets).__name__}")
        bags, length = input.shape
        bounds = list(range(0, bags * length + 1, length)) if length else [0] * (bags + 1)
    elif input.dim() == 1:
        if offsets is None or offsets.dim() != 1:
            raise ValueError("offsets has to be a 1D Tensor but got None" if offsets is None
                             else "offsets has to be a 1D Tensor")
        bounds = [int(o) for o in offsets.tolist()]
        if bounds and bounds[0] != 0:
            raise RuntimeError(f"offsets[0] has to be 0, i.e., the first sequence in the "
                               f"mini-batch has to start from position 0. However, got "
                               f"{bounds[0]}")
        if bounds and bounds[-1] > input.shape[0]:
            raise RuntimeError(f"offsets[-1] can not be greater than input's length "
                               f"{input.shape[0]} but got offsets[-1] of {bounds[-1]}")
        if not include_last_offset:
            bounds.append(input.shape[0])
    else:
        raise ValueError(f"input has to be 1D or 2D Tensor, but got Tensor of dimension "
                         f"{input.dim()}")
    if padding_idx is not None:
        if not -weight.shape[0] <= padding_idx < weight.shape[0]:
            raise RuntimeError(
                f"padding_idx must be within the number of embeddings, -{weight.shape[0]} "
                f"through {weight.shape[0] - 1}, but got {padding_idx}")
        if padding_idx < 0:  # counted from the end, as torch
            padding_idx += weight.shape[0]
    flat = input.reshape(-1)
    indices = flat.tolist()
    outside = (flat._data < 0) | (flat._data >= weight.shape[0])
    if outside.any():  # torch's message for embedding_bag
        position = int(outside.argmax())
        raise RuntimeError(f"Index {position} of input takes value {indices[position]} which is "
                           f"not in the valid range [0, {weight.shape[0]})")
    rows = embedding(flat, weight, padding_idx, max_norm, norm_type, scale_grad_by_freq)
    if per_sample_weights is not None:
        rows = rows * per_sample_weights.reshape(-1, 1)
    # Each bag's rows gathered into a (B, longest bag, D) block; the mask marks real members
    # (padding_idx entries are not members).
    xp = xp_of(flat._data)
    padding = -1 if padding_idx is None else padding_idx
    members = [[i for i in range(start, end) if indices[i] != padding]
               for start, end in zip(bounds[:-1], bounds[1:])]
    longest = max([len(m) for m in members] + [1])
    table = xp.asarray([m + [0] * (longest - len(m)) for m in members],
                       dtype=_dtype.int64.np).reshape(len(members), longest)
    is_member = xp.asarray([[True] * len(m) + [False] * (longest - len(m)) for m in members],
                           dtype=bool).reshape(len(members), longest, 1)
    gathered = Embedding.apply(rows, table, None, False)  # (B, longest, D)
    is_member = Tensor._make(is_member)
    if mode == "max":
        candidates = where(is_member, gathered, float("-inf"))
        nonempty = is_member.any(1)
        output = where(nonempty, candidates.amax(1), 0.0)  # an empty bag gives 0, as torch
        if not max_indices:
            return output, None
        position = candidates._data.argmax(1)  # (B, D): the first maximum, as torch's loop
        rows_of_max = flat._data[xp.take_along_axis(table, position, axis=1)]
        return output, Tensor._make(rows_of_max * nonempty._data)
    total = where(is_member, gathered, 0.0).sum(1)
    if mode == "sum":
        return total, None
    return total / is_member.sum(1).clamp_min(1).to(total.dtype), None


def one_hot(input, num_classes=-1):
    """One-hot encoding: y[..., c] = 1 if input[...] == c else 0, as int64.

    Args:
        input: int64 class indices, any shape (torch's documentation calls it `tensor`, but
            its binding takes the keyword `input`, as here).
        num_classes: number of classes; -1 means max(input) + 1.

    Returns:
        int64 tensor of shape (*input.shape, num_classes).

    Example:
        >>> ember.nn.functional.one_hot(ember.tensor([0, 2]), 3)
        tensor([[1, 0, 0],
                [0, 0, 1]])
    """
    data = input._data
    if data.dtype != _dtype.int64.np:
        raise RuntimeError("one_hot is only applicable to index tensor of type LongTensor.")
    if num_classes == -1:
        if data.size == 0:
            raise RuntimeError("Can not infer total number of classes from empty tensor.")
        num_classes = int(data.max()) + 1
    elif num_classes < -1:
        raise RuntimeError("num_classes should be positive")
    if data.size:
        if int(data.min()) < 0:
            raise RuntimeError("Class values must be non-negative.")
        if int(data.max()) >= num_classes:
            raise RuntimeError("Class values must be smaller than num_classes.")
    return OneHot.apply(input, num_classes)


class OneHot(Op):
    """y = (x[..., None] == arange(num_classes)) as int64; no gradient."""

    differentiable = False

    @staticmethod
    def forward(ctx, x, num_classes):
        xp = ctx.xp
        return (x[..., None] == xp.arange(num_classes)).astype(x.dtype)
