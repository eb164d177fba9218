"""Batch normalisation layers: BatchNorm1d, BatchNorm2d, BatchNorm3d.

In training they normalise with the statistics of the batch and move the running statistics
towards them; in eval mode they normalise with the running statistics. The computation is
ember.nn.functional.batch_norm (one fused Op).
"""
from ... import _dtype
from ...ops.creation import empty, ones, tensor, zeros
from .. import functional as F
from .. import init
from ..parameter import Parameter
from .module import Module

__all__ = ["BatchNorm1d", "BatchNorm2d", "BatchNorm3d"]


class _NormBase(Module):
    """What batch and instance norm share: affine parameters and running statistics.

    Parameters weight (ones) and bias (zeros) of shape (num_features,) when affine; buffers
    running_mean (zeros), running_var (ones) and num_batches_tracked (int64 0) when
    track_running_stats, in torch's order (so state_dict keys match).
    """

    _version = 2
    __constants__ = ["track_running_stats", "momentum", "eps", "num_features", "affine"]

    def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=True,
                 track_running_stats=True, device=None, dtype=None, *, bias=True):
        super().__init__()
        self.num_features = num_features
        self.eps = eps
        self.momentum = momentum
        self.affine = affine
        self.track_running_stats = track_running_stats
        if affine:
            self.weight = Parameter(empty(num_features, device=device, dtype=dtype))
            if bias:
                self.bias = Parameter(empty(num_features, device=device, dtype=dtype))
            else:
                self.register_parameter("bias", None)
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)
        if track_running_stats:
            self.register_buffer("running_mean", zeros(num_features, device=device,
                                                       dtype=dtype))
            self.register_buffer("running_var", ones(num_features, device=device, dtype=dtype))
            self.register_buffer("num_batches_tracked",
                                 tensor(0, dtype=_dtype.int64, device=device))
        else:
            self.register_buffer("running_mean", None)
            self.register_buffer("running_var", None)
            self.register_buffer("num_batches_tracked", None)
        self.reset_parameters()

    def reset_running_stats(self):
        if self.track_running_stats:
            self.running_mean.zero_()
            self.running_var.fill_(1)
            self.num_batches_tracked.zero_()

    def reset_parameters(self):
        self.reset_running_stats()
        if self.affine:
            init.ones_(self.weight)
            if self.bias is not None:
                init.zeros_(self.bias)

    def _check_input_dim(self, input):
        raise NotImplementedError

    def _check_features(self, input, feature_dim):
        if input.shape[feature_dim] != self.num_features:
            raise RuntimeError(
                f"{self._get_name()}({self.num_features}) expected input with "
                f"{self.num_features} channels (dim {feature_dim}), but got input of size "
                f"{list(input.shape)} with {input.shape[feature_dim]} channels; build the layer "
                f"with num_features={input.shape[feature_dim]} or fix the layer before it")

    def extra_repr(self):
        return (f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, "
                f"affine={self.affine}, bias={self.bias is not None}, "
                f"track_running_stats={self.track_running_stats}")

    def _load_from_state_dict(self, state_dict, prefix, local_metadata, strict, missing_keys,
                              unexpected_keys, error_msgs):
        version = local_metadata.get("version", None)
        if (version is None or version < 2) and self.track_running_stats:
            # checkpoints from before num_batches_tracked existed: start it at 0
            key = prefix + "num_batches_tracked"
            if key not in state_dict:
                state_dict[key] = (self.num_batches_tracked if self.num_batches_tracked
                                   is not None else tensor(0, dtype=_dtype.int64))
        super()._load_from_state_dict(state_dict, prefix, local_metadata, strict,
                                      missing_keys, unexpected_keys, error_msgs)


class _BatchNorm(_NormBase):

    def forward(self, input):
        self._check_input_dim(input)
        self._check_features(input, 1)
        factor = 0.0 if self.momentum is None else self.momentum
        if self.training and self.track_running_stats and self.num_batches_tracked is not None:
            self.num_batches_tracked.add_(1)
            if self.momentum is None:  # cumulative moving average
                factor = 1.0 / float(self.num_batches_tracked)
        # eval mode uses the running statistics, unless the layer has none
        use_batch_stats = self.training or (self.running_mean is None
                                            and self.running_var is None)
        # only buffers that are tracked are handed over to be updated
        tracked = not self.training or self.track_running_stats
        return F.batch_norm(input, self.running_mean if tracked else None,
                            self.running_var if tracked else None, self.weight, self.bias,
                            use_batch_stats, factor, self.eps)


class BatchNorm1d(_BatchNorm):
    """Batch normalisation over a (N, C) or (N, C, L) input.

        y = (x - E[x]) / sqrt(Var[x] + eps) * weight + bias

    Training uses the batch's mean and biased variance per channel, and updates
    running_mean/running_var with momentum (running = (1 - momentum) * running +
    momentum * batch, unbiased variance); momentum=None gives a cumulative average. Eval mode
    uses the running statistics.

    Args:
        num_features: C.
        eps: added to the variance. Default: 1e-5.
        momentum: weight of each new batch in the running statistics; None for a
            cumulative average. Default: 0.1.
        affine: learn weight and bias. Default: True.
        track_running_stats: keep running statistics (otherwise batch statistics are used in
            eval mode too). Default: True.
        bias: learn the bias (keyword only). Default: True.

    Example:
        >>> bn = ember.nn.BatchNorm1d(3)
        >>> bn(ember.randn(8, 3)).shape
        ember.Size([8, 3])
    """

    def _check_input_dim(self, input):
        if input.dim() != 2 and input.dim() != 3:
            raise ValueError(f"expected 2D or 3D input (got {input.dim()}D input)")


class BatchNorm2d(_BatchNorm):
    """Batch normalisation over an (N, C, H, W) input, per channel; see BatchNorm1d.

    Example:
        >>> bn = ember.nn.BatchNorm2d(16)
        >>> bn(ember.randn(4, 16, 8, 8)).shape
        ember.Size([4, 16, 8, 8])
    """

    def _check_input_dim(self, input):
        if input.dim() != 4:
            raise ValueError(f"expected 4D input (got {input.dim()}D input)")


class BatchNorm3d(_BatchNorm):
    """Batch normalisation over an (N, C, D, H, W) input, per channel; see BatchNorm1d."""

    def _check_input_dim(self, input):
        if input.dim() != 5:
            raise ValueError(f"expected 5D input (got {input.dim()}D input)")
