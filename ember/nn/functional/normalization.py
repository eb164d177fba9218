"""Normalisation: batch, instance, layer, group, RMS and local response norm, as functions.

batch_norm, layer_norm and group_norm are each one fused Op: forward computes the statistics
and the affine output on backend arrays in a few passes, and backward uses the closed form of
the gradient of a standardisation,

    x_hat = (x - mean) * invstd,   g_hat = g * weight,
    grad_x = invstd * (g_hat - mean(g_hat) - x_hat * mean(g_hat * x_hat)),

with the means taken over the same elements as the statistics.

NOTE [ Two paths through a normalisation backward ]
When backward runs with recording off (the usual `loss.backward()`), the gradients are
computed on arrays, with in-place updates and per-channel coefficients, for speed. When it
runs under `create_graph=True`, the same formulas are written with ember ops and with the
statistics recomputed from the saved input, so that the gradient is itself differentiable
with respect to the input and the weight (double backward, gradient penalties).
"""
from ..._dtype import bfloat16, float16, float64
from ..._tensor import Tensor
from ...autograd import grad_mode
from ...autograd.function import Op
from ...backend import fused, xp_of
from ...ops.creation import zeros
from ...ops.join import cat
from ...ops._parallel import map_shares
from ...amp import autocast_mode

__all__ = ["batch_norm", "instance_norm", "layer_norm", "group_norm", "rms_norm",
           "local_response_norm"]


def _standardized_grad(g_hat, x_hat, invstd, dims):
    """The closed-form gradient of x_hat = (x - mean(x)) * invstd, written with ember ops."""
    return invstd * (g_hat - g_hat.mean(dims, keepdim=True)
                     - x_hat * (g_hat * x_hat).mean(dims, keepdim=True))


def _statistics(x, dims, eps):
    """(mean, invstd) of x over dims, with ember ops (the create_graph path)."""
    mean = x.mean(dims, keepdim=True)
    centered = x - mean
    return mean, ((centered * centered).mean(dims, keepdim=True) + eps).rsqrt()


# torch's CPU kernels compute the half types in float32 and round once (numpy's einsum has
# no bfloat16 at all): the functions below do the same, around the float32 Op.
_HALF = (float16, bfloat16)


def _float32(tensor):
    return None if tensor is None else tensor.float()


def _check_dtypes(op_name, input, weight, bias):
    for name, tensor in (("weight", weight), ("bias", bias)):
        if tensor is not None and tensor.dtype is not input.dtype:
            raise RuntimeError(
                f"{op_name}: mixed dtypes: input is {input.dtype} but {name} is "
                f"{tensor.dtype}; all inputs must share the same dtype (convert the module "
                f"with .to({input.dtype}) or the input with .to({tensor.dtype}))")


# -- batch norm ---------------------------------------------------------------------------

class BatchNorm(Op):
    """y = (x - mean) * invstd * weight + bias, per channel (dim 1) over all other dims.

    training: mean and biased variance of the batch, and the running statistics (when
    given) move towards them: r = (1 - momentum) * r + momentum * batch_stat, with the
    unbiased variance for running_var. Otherwise mean and variance are the running ones.

    grad_x (training) = weight * invstd * (g - mean(g) - x_hat * mean(g * x_hat)),
    grad_x (eval) = g * weight * invstd,  grad_weight = sum(g * x_hat),  grad_bias = sum(g).
    """

    node_name = "NativeBatchNormBackward0"

    @staticmethod
    def forward(ctx, x, running_mean, running_var, weight, bias, training, momentum, eps):
        xp = ctx.xp
        channels = x.shape[1]
        x3 = x.reshape(x.shape[0], channels, -1)  # (N, C, S)
        count = x3.shape[0] * x3.shape[2]
        out = xp.empty_like(x3)
        if training:
            mean, variance = xp.empty((2, channels), x.dtype)
        else:
            mean = running_mean.astype(x.dtype)  # a copy: later training steps update it
            variance = running_var.astype(x.dtype)
        # y = x * alpha + beta, alpha = invstd * weight, beta = bias - mean * alpha (torch's)
        invstd, alpha, beta = xp.empty((3, channels), x.dtype)
        statistics = fused(xp, "batch_norm_stats")  # compiled passes where there are some
        affine = fused(xp, "batch_norm_affine")

        def normalize(channel_range):  # the channels of one share
            c = slice(channel_range.start, channel_range.stop)
            if training and (statistics is None or statistics(
                    x3, c.start, c.stop, mean, variance) is None):
                mean[c] = xp.einsum("ncs->c", x3[:, c]) / count
                centered = xp.subtract(x3[:, c], mean[c, None], out=out[:, c])
                variance[c] = xp.einsum("ncs,ncs->c", centered, centered) / count
            invstd[c] = 1 / xp.sqrt(variance[c] + eps)
            alpha[c] = invstd[c] if weight is None else invstd[c] * weight[c]
            beta[c] = -mean[c] * alpha[c]
            if bias is not None:
                beta[c] += bias[c]
            if affine is None or affine(x3, out, c.start, c.stop, alpha, beta) is None:
                xp.multiply(x3[:, c], alpha[c, None], out=out[:, c])
                out[:, c] += beta[c, None]

        map_shares(xp, normalize, range(channels), x.size)
        if training:
            if running_mean is not None:
                running_mean *= 1 - momentum
                running_mean += momentum * mean
            if running_var is not None:
                running_var *= 1 - momentum
                running_var += momentum * variance * (count / max(count - 1, 1))
        ctx.save_for_backward(x, weight, mean, invstd)
        ctx.training, ctx.eps = training, eps
        return out.reshape(x.shape)

    @staticmethod
    def backward(ctx, grad):
        x, weight, mean, invstd = ctx.saved_tensors
        need_x, _, _, need_weight, need_bias = ctx.needs_input_grad[:5]
        if grad_mode.is_grad_enabled():  # See NOTE [ Two paths through a normalisation backward ]
            return BatchNorm._backward_graph(ctx, grad, x, weight, mean, invstd) + (None,) * 3
        xp = ctx.xp
        g3 = grad._data.reshape(grad.shape[0], grad.shape[1], -1)  # (N, C, S)
        x3 = x._data.reshape(g3.shape)
        channels = g3.shape[1]
        count = g3.shape[0] * g3.shape[2]
        invstd, mean = invstd._data, mean._data
        scale = invstd if weight is None else invstd * weight._data
        sum_g, dot = xp.empty((2, channels), g3.dtype)
        grad_x = xp.empty_like(g3) if need_x else None
        # training: grad_x = (g - grad_mean - (x - mean) * k) * scale, k and grad_mean below
        k, grad_mean = xp.empty((2, channels), g3.dtype)
        sums = fused(xp, "batch_norm_grad_sums")  # compiled passes where there are some
        training_grad = fused(xp, "batch_norm_grad_input")
        eval_grad = fused(xp, "batch_norm_affine")  # grad_x = g * scale + 0

        def gradients(channel_range):
            c = slice(channel_range.start, channel_range.stop)
            g = g3[:, c]
            if sums is None or sums(g3, x3, c.start, c.stop, mean, sum_g, dot) is None:
                sum_g[c] = xp.einsum("ncs->c", g)
                dot[c] = xp.einsum("ncs,ncs->c", g, x3[:, c] - mean[c, None])
            if grad_x is None:
                return
            if not ctx.training:
                k[c] = 0
                if eval_grad is None or eval_grad(g3, grad_x, c.start, c.stop, scale, k) is None:
                    xp.multiply(g, scale[c, None], out=grad_x[:, c])
                return
            k[c] = invstd[c] * invstd[c] * dot[c] / count
            grad_mean[c] = sum_g[c] / count
            if training_grad is None or training_grad(g3, x3, grad_x, c.start, c.stop, mean, k,
                                                      grad_mean, scale) is None:
                out = xp.subtract(x3[:, c], mean[c, None], out=grad_x[:, c])
                out *= -k[c, None]
                out += g
                out -= grad_mean[c, None]
                out *= scale[c, None]

        map_shares(xp, gradients, range(channels), g3.size)
        if grad_x is not None:
            grad_x = Tensor._make(grad_x.reshape(grad.shape))
        grad_weight = Tensor._make(dot * invstd) if need_weight else None
        grad_bias = Tensor._make(sum_g) if need_bias else None
        return grad_x, None, None, grad_weight, grad_bias, None, None, None

    @staticmethod
    def _backward_graph(ctx, grad, x, weight, mean, invstd):
        """The same gradients with ember ops: differentiable again (create_graph=True)."""
        dims = (0,) + tuple(range(2, x.dim()))
        param_shape = (1, x.shape[1]) + (1,) * (x.dim() - 2)
        if ctx.training:
            mean, invstd = _statistics(x, dims, ctx.eps)
        else:
            mean, invstd = mean.reshape(param_shape), invstd.reshape(param_shape)
        x_hat = (x - mean) * invstd
        g_hat = grad if weight is None else grad * weight.reshape(param_shape)
        grad_x = grad_weight = grad_bias = None
        if ctx.needs_input_grad[0]:
            grad_x = (_standardized_grad(g_hat, x_hat, invstd, dims) if ctx.training
                      else g_hat * invstd)
        if ctx.needs_input_grad[3]:
            grad_weight = (grad * x_hat).sum(dims)
        if ctx.needs_input_grad[4]:
            grad_bias = grad.sum(dims)
        return grad_x, None, None, grad_weight, grad_bias


def batch_norm(input, running_mean, running_var, weight=None, bias=None, training=False,
               momentum=0.1, eps=1e-05):
    """Batch normalisation over dim 1 (channels) of an (N, C, *) input.

        y = (x - E[x]) / sqrt(Var[x] + eps) * weight + bias

    Args:
        input: (N, C) or (N, C, *).
        running_mean, running_var: (C,) tensors, updated in place when training (may be None).
        weight, bias: (C,) affine parameters, or None.
        training: use the batch statistics (and update the running ones); otherwise use the
            running statistics.
        momentum: weight of the new batch statistic in the running average.
        eps: added to the variance for stability.

    Example:
        >>> x = ember.randn(8, 3, 4, 4)
        >>> y = ember.nn.functional.batch_norm(x, None, None, training=True)
        >>> y.mean((0, 2, 3)).abs().max().item() < 1e-5
        True
    """
    if autocast_mode.active:  # See NOTE [ How autocast reaches the ops ]
        return autocast_mode.dispatch("batch_norm", batch_norm, input, running_mean, running_var,
                                      weight, bias, training, momentum, eps)
    # torch reads the channel count of a 1-D input as 0: an empty one passes through
    channels = input.shape[1] if input.dim() > 1 else 0
    for name, tensor in (("running_mean", running_mean), ("running_var", running_var),
                         ("weight", weight), ("bias", bias)):
        if tensor is not None and tensor.numel() != channels:
            raise RuntimeError(f"{name} should contain {channels} elements not "
                               f"{tensor.numel()}")
    if input.dim() < 2:
        if input.numel() == 0:
            return input.clone()
        raise RuntimeError(f"batch_norm: expected an input with at least 2 dims (N, C, *), "
                           f"got input of size {list(input.shape)}")
    _check_dtypes("batch_norm", input, weight, bias)
    if input.dtype in _HALF:
        return _batch_norm_float32(input, running_mean, running_var, weight, bias, training,
                                   momentum, eps)
    if training:
        _verify_batch_size(input.shape)
    elif running_mean is None or running_var is None:
        raise RuntimeError("batch_norm: running_mean and running_var must be given when "
                           "training=False (they are the statistics eval mode normalises with)")
    output = BatchNorm.apply(input, running_mean, running_var, weight, bias, bool(training),
                             momentum, eps)
    if training:
        for stat in (running_mean, running_var):
            if stat is not None:
                stat._version[0] += 1
    return output


def _batch_norm_float32(input, running_mean, running_var, weight, bias, training, momentum,
                        eps):
    """batch_norm of a half input computed in float32; half running statistics are updated
    from float32 copies."""
    stats = [None if s is None else (s.float() if s.dtype in _HALF else s)
             for s in (running_mean, running_var)]
    output = batch_norm(input.float(), stats[0], stats[1], _float32(weight), _float32(bias),
                        training, momentum, eps)
    if training:
        for stat, copy in zip((running_mean, running_var), stats):
            if stat is not None and copy is not stat:
                stat._data[...] = copy._data.astype(stat._data.dtype)
    return output.to(input.dtype)


def _verify_batch_size(size):
    count = size[0]
    for s in size[2:]:
        count *= s
    if count == 1:
        raise ValueError(f"Expected more than 1 value per channel when training, got input "
                         f"size {size}")


def instance_norm(input, running_mean=None, running_var=None, weight=None, bias=None,
                  use_input_stats=True, momentum=0.1, eps=1e-05):
    """Instance normalisation: each (sample, channel) plane normalised over its own elements.

        y[n, c] = (x[n, c] - E[x[n, c]]) / sqrt(Var[x[n, c]] + eps) * weight[c] + bias[c]

    Batch norm over an input seen as (1, N * C, *); running statistics (when given) are
    updated with the mean over the batch of the per-instance statistics.

    Args:
        input: (N, C, *).
        running_mean, running_var: (C,) or None.
        weight, bias: (C,) or None.
        use_input_stats: normalise with each instance's statistics (otherwise the running
            ones).
    """
    if use_input_stats:
        _verify_spatial_size(input.shape)
    batch, channels = input.shape[0], input.shape[1]
    flat = input.reshape((1, batch * channels) + tuple(input.shape[2:]))

    def repeated(tensor):
        if tensor is None:
            return None
        return tensor.reshape(1, channels).expand(batch, channels).reshape(batch * channels)

    def repeated_stat(tensor):  # a fresh array the Op may update in place
        if tensor is None:
            return None
        return Tensor._make(xp_of(tensor._data).tile(tensor._data, batch))

    mean_, var_ = repeated_stat(running_mean), repeated_stat(running_var)
    output = batch_norm(flat, mean_, var_, repeated(weight), repeated(bias), use_input_stats,
                        momentum, eps)
    for stat, stat_ in ((running_mean, mean_), (running_var, var_)):
        if stat is not None and use_input_stats:
            stat._data[...] = stat_._data.reshape(batch, channels).mean(0)
            stat._version[0] += 1
    return output.reshape(input.shape)


def _verify_spatial_size(size):
    count = 1
    for s in size[2:]:
        count *= s
    if count == 1:
        raise ValueError(f"Expected more than 1 spatial element when training, got input "
                         f"size {size}")


# -- layer norm ---------------------------------------------------------------------------

class LayerNorm(Op):
    """y = (x - mean) * invstd * weight + bias, statistics over the last dims of x.

    With x seen as (B, M) (M the normalised elements):
    grad_x = invstd * (g_hat - mean(g_hat) - x_hat * mean(g_hat * x_hat)), g_hat = g * weight,
    grad_weight = sum over B of g * x_hat,  grad_bias = sum over B of g.
    """

    node_name = "NativeLayerNormBackward0"

    @staticmethod
    def forward(ctx, x, count, weight, bias, eps):
        xp = ctx.xp
        ctx.count, ctx.eps = count, eps
        kernel = fused(xp, "layer_norm")  # one GPU launch where the backend has one
        fused_result = None if kernel is None else kernel(x, count, weight, bias, eps)
        if fused_result is not None:
            y, mean, invstd = fused_result
            ctx.save_for_backward(x, weight, mean, invstd)
            return y
        x2 = x.reshape(-1, count)  # (B, M)
        mean = x2.mean(1, keepdims=True)
        centered = x2 - mean
        invstd = 1 / xp.sqrt(xp.einsum("bm,bm->b", centered, centered)[:, None] / count + eps)
        ctx.save_for_backward(x, weight, mean, invstd)
        ctx.count, ctx.eps = count, eps
        centered *= invstd
        if weight is not None:
            centered *= weight.reshape(-1)
        if bias is not None:
            centered += bias.reshape(-1)
        return centered.reshape(x.shape)

    @staticmethod
    def backward(ctx, grad):
        x, weight, mean, invstd = ctx.saved_tensors
        need_x, _, need_weight, need_bias = ctx.needs_input_grad[:4]
        count = ctx.count
        if grad_mode.is_grad_enabled():  # See NOTE [ Two paths through a normalisation backward ]
            x2, g2 = x.reshape(-1, count), grad.reshape(-1, count)
            mean, invstd = _statistics(x2, (1,), ctx.eps)
            x_hat = (x2 - mean) * invstd
            grad_x = grad_weight = grad_bias = None
            if need_x:
                g_hat = g2 if weight is None else g2 * weight.reshape(-1)
                grad_x = _standardized_grad(g_hat, x_hat, invstd, (1,)).reshape(x.shape)
            if need_weight:
                grad_weight = (g2 * x_hat).sum(0).reshape(weight.shape)
            if need_bias:
                grad_bias = g2.sum(0).reshape(weight.shape if weight is not None else -1)
            return grad_x, None, grad_weight, grad_bias, None
        xp = ctx.xp
        g2 = grad._data.reshape(-1, count)
        invstd = invstd._data
        x_hat = x._data.reshape(-1, count) - mean._data
        x_hat *= invstd
        grad_x = grad_weight = grad_bias = None
        if need_weight:
            grad_weight = Tensor._make(xp.einsum("bm,bm->m", g2, x_hat).reshape(weight.shape))
        if need_bias:
            grad_bias = Tensor._make(g2.sum(0).reshape(-1 if weight is None else weight.shape))
        if need_x:
            g_hat = g2 if weight is None else g2 * weight._data.reshape(-1)
            mean_g = g_hat.mean(1, keepdims=True)
            mean_g_x_hat = xp.einsum("bm,bm->b", g_hat, x_hat)[:, None] / count
            x_hat *= -mean_g_x_hat
            x_hat += g_hat
            x_hat -= mean_g
            x_hat *= invstd
            grad_x = Tensor._make(x_hat.reshape(grad.shape))
        return grad_x, None, grad_weight, grad_bias, None


def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-05):
    """Layer normalisation over the last len(normalized_shape) dims.

        y = (x - E[x]) / sqrt(Var[x] + eps) * weight + bias

    Args:
        input: (*, *normalized_shape).
        normalized_shape: int or tuple, the trailing shape to normalise over.
        weight, bias: of shape normalized_shape, or None.
        eps: added to the variance for stability.

    Example:
        >>> x = ember.randn(2, 5)
        >>> ember.nn.functional.layer_norm(x, (5,)).mean(-1).abs().max().item() < 1e-6
        True
    """
    if autocast_mode.active:  # See NOTE [ How autocast reaches the ops ]
        return autocast_mode.dispatch("layer_norm", layer_norm, input, normalized_shape, weight,
                                      bias, eps)
    shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(
        normalized_shape)
    ndim = len(shape)
    if ndim == 0 or tuple(input.shape[input.dim() - ndim:]) != shape or input.dim() < ndim:
        raise RuntimeError(
            f"Given normalized_shape={list(shape)}, expected input with shape "
            f"[*, {', '.join(str(s) for s in shape)}], but got input of size{input.shape}")
    for name, tensor in (("weight", weight), ("bias", bias)):
        if tensor is not None and tuple(tensor.shape) != shape:
            raise RuntimeError(
                f"Expected {name} to be of same shape as normalized_shape, but got {name} of "
                f"shape {list(tensor.shape)} and normalized_shape = {list(shape)}")
    _check_dtypes("layer_norm", input, weight, bias)
    count = 1
    for s in shape:
        count *= s
    if input.dtype in _HALF:
        return LayerNorm.apply(input.float(), count, _float32(weight), _float32(bias),
                               eps).to(input.dtype)
    return LayerNorm.apply(input, count, weight, bias, eps)


def _spatial_count(shape):
    count = 1
    for size in shape[2:]:
        count *= size
    return count


# -- group norm ---------------------------------------------------------------------------

class GroupNorm(Op):
    """y = (x - mean) * invstd * weight + bias, statistics per (sample, group of channels).

    With x seen as (N, G, K) for the statistics and g_hat = g * weight[c]:
    grad_x = invstd * (g_hat - mean(g_hat) - x_hat * mean(g_hat * x_hat)) over K,
    grad_weight[c] = sum over N and space of g * x_hat,  grad_bias[c] = sum of g.
    """

    node_name = "NativeGroupNormBackward0"

    @staticmethod
    def forward(ctx, x, num_groups, weight, bias, eps):
        xp = ctx.xp
        batch, channels = x.shape[0], x.shape[1]
        spatial = _spatial_count(x.shape)  # explicit sizes: a -1 cannot reshape an empty batch
        count = channels // num_groups * spatial
        x3 = x.reshape(batch, num_groups, count)  # (N, G, K)
        mean = x3.mean(2, keepdims=True)
        centered = x3 - mean
        variance = xp.einsum("ngk,ngk->ng", centered, centered)[:, :, None] / count
        invstd = 1 / xp.sqrt(variance + eps)
        ctx.save_for_backward(x, weight, mean, invstd)
        ctx.num_groups, ctx.eps = num_groups, eps
        centered *= invstd
        out = centered.reshape(batch, channels, spatial)  # (N, C, S)
        if weight is not None:
            out *= weight[:, None]
        if bias is not None:
            out += bias[:, None]
        return out.reshape(x.shape)

    @staticmethod
    def backward(ctx, grad):
        x, weight, mean, invstd = ctx.saved_tensors
        need_x, _, need_weight, need_bias = ctx.needs_input_grad[:4]
        batch, channels, groups = x.shape[0], x.shape[1], ctx.num_groups
        spatial = _spatial_count(x.shape)
        count = channels // groups * spatial
        if grad_mode.is_grad_enabled():  # See NOTE [ Two paths through a normalisation backward ]
            x3 = x.reshape(batch, groups, count)
            mean, invstd = _statistics(x3, (2,), ctx.eps)
            x_hat = ((x3 - mean) * invstd).reshape(batch, channels, spatial)
            g3 = grad.reshape(batch, channels, spatial)
            grad_x = grad_weight = grad_bias = None
            if need_x:
                g_hat = g3 if weight is None else g3 * weight.reshape(channels, 1)
                grad_x = _standardized_grad(g_hat.reshape(batch, groups, count),
                                            x_hat.reshape(batch, groups, count), invstd, (2,))
                grad_x = grad_x.reshape(x.shape)
            if need_weight:
                grad_weight = (g3 * x_hat).sum((0, 2))
            if need_bias:
                grad_bias = g3.sum((0, 2))
            return grad_x, None, grad_weight, grad_bias, None
        xp = ctx.xp
        g3 = grad._data.reshape(batch, channels, spatial)  # (N, C, S)
        invstd = invstd._data
        x_hat = x._data.reshape(batch, groups, count) - mean._data  # (N, G, K)
        x_hat *= invstd
        grad_x = grad_weight = grad_bias = None
        if need_weight:
            grad_weight = Tensor._make(
                xp.einsum("ncs,ncs->c", g3, x_hat.reshape(g3.shape)))
        if need_bias:
            grad_bias = Tensor._make(xp.einsum("ncs->c", g3))
        if need_x:
            g_hat = g3 if weight is None else g3 * weight._data[:, None]
            g_hat = g_hat.reshape(x_hat.shape)
            mean_g = g_hat.mean(2, keepdims=True)
            mean_g_x_hat = xp.einsum("ngk,ngk->ng", g_hat, x_hat)[:, :, None] / count
            x_hat *= -mean_g_x_hat
            x_hat += g_hat
            x_hat -= mean_g
            x_hat *= invstd
            grad_x = Tensor._make(x_hat.reshape(grad.shape))
        return grad_x, None, grad_weight, grad_bias, None


def group_norm(input, num_groups, weight=None, bias=None, eps=1e-05):
    """Group normalisation: channels split into num_groups groups, each normalised per sample.

        y = (x - E[x]) / sqrt(Var[x] + eps) * weight + bias   (statistics per sample and group)

    Args:
        input: (N, C, *), C divisible by num_groups.
        num_groups: number of channel groups.
        weight, bias: (C,) per-channel affine parameters, or None.

    Example:
        >>> ember.nn.functional.group_norm(ember.randn(2, 4, 3), 2).shape
        ember.Size([2, 4, 3])
    """
    if autocast_mode.active:  # See NOTE [ How autocast reaches the ops ]
        return autocast_mode.dispatch("group_norm", group_norm, input, num_groups, weight, bias,
                                      eps)
    if input.dim() < 2:
        raise RuntimeError(f"group_norm: expected an input with at least 2 dims (N, C, *), "
                           f"got input of size {list(input.shape)}")
    channels = input.shape[1]
    if num_groups <= 0 or channels % num_groups:
        raise RuntimeError(
            f"Expected number of channels in input to be divisible by num_groups, but got "
            f"input of shape {list(input.shape)} and num_groups={num_groups}")
    for name, tensor in (("weight", weight), ("bias", bias)):
        if tensor is not None and (tensor.dim() != 1 or tensor.shape[0] != channels):
            raise RuntimeError(
                f"Expected {name} to be a vector of size equal to the number of channels in "
                f"input, but got {name} of shape {list(tensor.shape)} and input of shape "
                f"{list(input.shape)}")
    _check_dtypes("group_norm", input, weight, bias)
    if input.dtype in _HALF:
        return GroupNorm.apply(input.float(), num_groups, _float32(weight), _float32(bias),
                               eps).to(input.dtype)
    return GroupNorm.apply(input, num_groups, weight, bias, eps)


# -- composites ---------------------------------------------------------------------------

def rms_norm(input, normalized_shape, weight=None, eps=None):
    """Root-mean-square normalisation over the last dims (composite: autograd derives it).

        y = x / sqrt(mean(x^2) + eps) * weight

    Half inputs are computed in float32 and rounded once, as torch does.

    Args:
        normalized_shape: int or tuple, the trailing shape to normalise over.
        weight: of shape normalized_shape, or None.
        eps: added to the mean square; None means the machine epsilon of the computing
            dtype (float32's for half inputs), as torch.

    Example:
        >>> y = ember.nn.functional.rms_norm(ember.tensor([[3., 4.]]), (2,))
        >>> round(y.pow(2).mean().item(), 4)
        1.0
    """
    shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(
        normalized_shape)
    if not shape:
        raise RuntimeError(
            f"Expected normalized_shape to be at least 1-dimensional, i.e., containing at "
            f"least one element, but got normalized_shape = {list(shape)}")
    if tuple(input.shape[input.dim() - len(shape):]) != shape or input.dim() < len(shape):
        raise RuntimeError(
            f"Given normalized_shape={list(shape)}, expected input with shape "
            f"[*, {', '.join(str(s) for s in shape)}], but got input of size{input.shape}")
    x = input.float() if input.dtype in _HALF else input
    if eps is None:
        eps = 2.0 ** -52 if x.dtype is float64 else 2.0 ** -23
    dims = tuple(range(input.dim() - len(shape), input.dim()))
    output = x * ((x * x).mean(dims, keepdim=True) + eps).rsqrt()
    if weight is not None:
        output = output * weight
    return output.to(input.dtype) if x is not input else output


def local_response_norm(input, size, alpha=0.0001, beta=0.75, k=1.0):
    """Local response normalisation across channels (AlexNet).

        y[c] = x[c] / (k + alpha / size * sum over n neighbouring channels of x[n]^2) ** beta

    The window covers channels c - size // 2 .. c + (size - 1) // 2, zero-padded at the ends.
    Composite: autograd derives the gradient.
    """
    dim = input.dim()
    if dim < 3:
        raise ValueError(f"Expected 3D or higher dimensionality input (got {dim} dimensions)")
    if input.numel() == 0:
        return input
    channels = input.shape[1]
    padded = _pad_channels(input * input, size // 2, (size - 1) // 2)
    window = padded[:, 0:channels]
    for start in range(1, size):
        window = window + padded[:, start:start + channels]
    return input / (window * (alpha / size) + k).pow(beta)


def _pad_channels(tensor, front, back):
    """Zeros before and after the channels (dim 1) of tensor."""
    shape = list(tensor.shape)
    parts = [zeros([shape[0], front] + shape[2:], dtype=tensor.dtype, device=tensor.device),
             tensor,
             zeros([shape[0], back] + shape[2:], dtype=tensor.dtype, device=tensor.device)]
    return cat(parts, 1)
