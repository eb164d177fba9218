"""LinearCrossEntropyLoss (a linear layer and cross entropy in one module) and
LinearCrossEntropyOptions (torch's chunking options for it)."""
import dataclasses
import math

from .. import functional as F
from .linear import Linear
from .loss import _WeightedLoss

__all__ = ["LinearCrossEntropyLoss", "LinearCrossEntropyOptions"]


@dataclasses.dataclass(slots=True, frozen=True)
class LinearCrossEntropyOptions:
    """How torch chunks linear_cross_entropy over the batch, with torch's fields and checks.

    Differs from PyTorch: ember computes the full logits whatever the options (see
    F.linear_cross_entropy); the options are validated and kept, so code written for torch
    runs unchanged.
    """

    allow_retain_graph: bool = False
    batch_chunk_size: int | None = None
    chunking_method: str | None = "auto"
    acc_policy: str = "auto"
    acc_dtype: object = None

    def __post_init__(self):
        if self.acc_policy not in {"auto", "accurate", "balanced", "compact"}:
            raise ValueError(f"invalid acc_policy: {self.acc_policy!r}")
        if self.chunking_method is not None and self.chunking_method != "auto":
            name, sep, factor = self.chunking_method.partition(":")
            if not sep:
                factor = "1"
            if not (name == "aspect_ratio" and factor.isdigit() and int(factor) > 0):
                raise ValueError(f"invalid chunking_method: {self.chunking_method!r}")


class LinearCrossEntropyLoss(_WeightedLoss):
    """Cross entropy of the logits of an inner Linear(in_features, C * prod(out_features)):
    loss(input, target) = F.linear_cross_entropy(input, W, target, ...), W the linear weight
    viewed as (C, *out_features, in_features).

    Args:
        in_features, num_classes: the linear map's input size and the number of classes C.
        out_features: dims (d_1, ..., d_K) of a K-dimensional loss. Default: ().
        bias: give the linear map a bias (stored flat, (C * prod(out_features),)).
        device, dtype: of the linear weight.
        reduction, weight, ignore_index, label_smoothing, options: as
            F.linear_cross_entropy.

    Example:
        >>> loss = ember.nn.LinearCrossEntropyLoss(5, 10)
        >>> loss(ember.randn(2, 5), ember.tensor([3, 7])).shape
        ember.Size([])
    """

    __constants__ = ["num_classes", "out_features", "reduction", "ignore_index",
                     "label_smoothing"]

    def __init__(self, in_features, num_classes, *, out_features=(), bias=False, device=None,
                 dtype=None, reduction="mean", weight=None, ignore_index=None,
                 label_smoothing=0.0, options=None):
        if weight is not None and tuple(weight.shape) != (num_classes,):
            raise RuntimeError(f"expected weight shape to be {(num_classes,)}, got "
                               f"{tuple(weight.shape)}")
        if label_smoothing < 0 or label_smoothing > 1.0:
            raise RuntimeError(f"expected label_smoothing to be in range [0, 1], got "
                               f"{label_smoothing}")
        super().__init__(weight=weight, size_average=None, reduce=None, reduction=reduction)
        self.num_classes = num_classes
        self.out_features = out_features
        self.ignore_index = ignore_index
        self.label_smoothing = label_smoothing
        # Linear keeps 2-d weights; forward views them as (C, *out_features, in_features)
        self.linear = Linear(in_features, math.prod(out_features, start=num_classes), bias=bias,
                             device=device, dtype=dtype)
        self.options = options

    def forward(self, input, target):
        linear_weight = self.linear.weight.reshape(
            (self.num_classes, *self.out_features, self.linear.in_features))
        linear_bias = None if self.linear.bias is None else self.linear.bias.reshape(
            (self.num_classes, *self.out_features))
        return F.linear_cross_entropy(
            input, linear_weight, target, linear_bias=linear_bias, weight=self.weight,
            reduction=self.reduction, ignore_index=self.ignore_index,
            label_smoothing=self.label_smoothing, options=self.options)

    def extra_repr(self):
        return (f"in_features={self.linear.in_features}, num_classes={self.num_classes}, "
                f"out_features={self.out_features}, bias={self.linear.bias is not None}, "
                f"reduction={self.reduction}, ignore_index={self.ignore_index}, "
                f"label_smoothing={self.label_smoothing}, options={self.options}")
