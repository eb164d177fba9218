"""linear_cross_entropy: cross entropy of the logits a linear layer makes, in one call."""
import math
import warnings

from ... import _dtype
from .linear import linear
from .loss import cross_entropy

__all__ = ["linear_cross_entropy"]


def linear_cross_entropy(input, linear_weight, target, *, linear_bias=None, weight=None,
                         reduction="mean", ignore_index=None, label_smoothing=0.0,
                         options=None):
    """Cross entropy of the logits input @ linear_weight^T (+ linear_bias) against target:

        logits = linear(input, linear_weight, linear_bias)   # (N, C, *out_features)
        loss = cross_entropy(logits, target, weight, ignore_index, reduction, label_smoothing)

    Args:
        input: (in_features,) or (N, in_features).
        linear_weight: (C, *out_features, in_features); out_features give a K-dimensional loss.
        target: class indices (N, *out_features), or class probabilities shaped as the logits.
        linear_bias: (C, *out_features) or None.
        weight, reduction, label_smoothing: as cross_entropy.
        ignore_index: an ignored class index; None means -100 (and is required with
            probability targets).
        options: a LinearCrossEntropyOptions choosing torch's chunked computation.

    Differs from PyTorch: `options` is checked as torch checks it (with torch's warning where
    torch falls back), but ember always computes the logits in full (torch's reference path);
    the results agree to rounding.

    Example:
        >>> x, w = ember.randn(4, 3), ember.randn(5, 3)
        >>> F.linear_cross_entropy(x, w, ember.tensor([0, 4, 2, 1])).shape
        ember.Size([])
    """
    if input.dim() < 1 or input.dim() > 2:
        raise RuntimeError(f"expected input with dimensionality 1 or 2, got {input.dim()}")
    if linear_weight.dim() < 2:
        raise RuntimeError(f"expected linear_weight with dimensionality at least 2, got "
                           f"{linear_weight.dim()}")
    num_batches = tuple(input.shape[:-1])
    in_features = input.shape[-1]
    if in_features != linear_weight.shape[-1]:
        raise RuntimeError(
            f"expected equal input and linear_weight last dimensions (in_features), got "
            f"{input.shape[-1]} and {linear_weight.shape[-1]}, respectively")
    num_classes = linear_weight.shape[0]
    out_features = tuple(linear_weight.shape[1:-1])
    if linear_bias is not None and tuple(linear_bias.shape) != (num_classes, *out_features):
        raise RuntimeError(f"expected linear_bias shape {(num_classes, *out_features)}, got "
                           f"{tuple(linear_bias.shape)}")
    if out_features and not num_batches:
        raise RuntimeError(
            f"K-dimensional loss defined by linear_weight shape {tuple(linear_weight.shape)} "
            f"requires batched input, (N, {in_features}), got unbatched input with shape "
            f"{tuple(input.shape)}")
    logits_shape = (*num_batches, num_classes, *out_features)
    if tuple(target.shape) == logits_shape and ignore_index is not None:
        raise RuntimeError("ignore_index cannot be specified when target contains "
                           "probabilities")
    ignore_index = -100 if ignore_index is None else ignore_index
    if options is not None and (out_features or reduction not in ("mean", "sum", "none")
                                or label_smoothing != 0.0 or target.dtype != _dtype.int64):
        warnings.warn(
            "linear_cross_entropy: ``options`` ignored; chunked path needs reduction in "
            "{'mean','sum','none'}, label_smoothing == 0, target.dtype == int64, "
            f"out_features == (). Got reduction={reduction!r}, "
            f"label_smoothing={label_smoothing}, target.dtype={target.dtype}, "
            f"out_features={out_features}.", stacklevel=2)
    if out_features:
        rows = math.prod(out_features, start=num_classes)
        linear_weight = linear_weight.reshape(rows, in_features)
        if linear_bias is not None:
            linear_bias = linear_bias.reshape(rows)
    logits = linear(input, linear_weight, linear_bias).reshape(logits_shape)
    return cross_entropy(logits, target, weight=weight, reduction=reduction,
                         ignore_index=ignore_index, label_smoothing=label_smoothing)
