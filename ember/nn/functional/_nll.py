"""The fused ops of nll_loss and cross_entropy with class-index targets.

The targets are checked once and kept as backend arrays (`_ClassTargets`) that the forward
and backward Ops share. cross_entropy is one Op for log_softmax and nll: its backward is
softmax - one_hot, scaled, in one more Op, which is differentiable again; nll_loss's backward
scatters the scaled weights, and is linear, so its own backward is nll_loss again.
"""
import numpy as np

from ... import _dtype
from ..._tensor import Tensor
from ...autograd import grad_mode
from ...autograd.function import Op
from ...backend import fused, xp_of
from ...ops import _parallel
from ._softmax import Softmax

__all__ = ["CrossEntropy", "NllLoss", "class_targets", "check_constant", "target_message",
           "dtype_name", "shape_of"]


def shape_of(tensor_or_shape):
    """A shape as a plain tuple, for messages: (64, 10)."""
    shape = tensor_or_shape.shape if isinstance(tensor_or_shape, Tensor) else tensor_or_shape
    return tuple(shape)


class _ClassTargets:
    """Class-index targets, checked once, as backend arrays the fused ops share.

    index: the target class at each position (N, d1, ...), ignored positions set to 0;
    valid: False where ignored; ignored: whether any position is; coef: w[target] (0 where
    ignored); total_weight: Σ coef, the divisor of 'mean'.
    """

    __slots__ = ("index", "valid", "ignored", "coef", "weight", "total_weight", "class_dim",
                 "num_classes", "reduction", "smoothing", "_rows")

    def __init__(self, index, valid, ignored, coef, weight, class_dim, num_classes, reduction,
                 smoothing):
        self.index, self.valid, self.ignored = index, valid, ignored
        self.coef, self.weight = coef, weight
        self.class_dim, self.num_classes = class_dim, num_classes
        self.reduction, self.smoothing = reduction, smoothing
        self.total_weight = coef.sum() if reduction == "mean" else None
        self._rows = None

    def expand(self, per_position):
        """A per-position array with a class dim of size 1 put back, to broadcast over C."""
        shape = per_position.shape
        dim = self.class_dim
        return per_position.reshape(tuple(shape[:dim]) + (1,) + tuple(shape[dim:]))

    def _fancy_index(self, xp):
        """(rows, index) addressing each row's target of an (N, C) array."""
        if self._rows is None:
            self._rows = xp.arange(self.index.shape[0])
        return self._rows, self.index

    def pick(self, xp, x):
        """x[target] along the class dim: (N, C, d1, ...) -> (N, d1, ...)."""
        if x.ndim == 2:
            return x[self._fancy_index(xp)]
        index = self.expand(self.index)
        return xp.take_along_axis(x, index, axis=self.class_dim).squeeze(self.class_dim)

    def subtract_at_targets(self, xp, out, values):
        """out[target] -= values, in place: the one-hot term of the gradients."""
        if out.ndim == 2:
            out[self._fancy_index(xp)] -= values
            return
        shape = [1] * out.ndim
        shape[self.class_dim] = self.num_classes
        onehot = self.expand(self.index) == xp.arange(self.num_classes).reshape(shape)
        out -= xp.where(onehot, self.expand(values), 0).astype(out.dtype, copy=False)

    def along_classes(self, per_class):
        """A (C,) array shaped to broadcast along the class dim."""
        return per_class.reshape((-1,) + (1,) * (self.index.ndim - self.class_dim))

    def zero_ignored(self, xp, grad):
        """grad (shaped as the input) with 0 at the ignored positions, as torch's, also where
        'mean' divides by a total weight of 0 (their 0 * inf would be NaN)."""
        return xp.where(self.expand(self.valid), grad, 0) if self.ignored else grad

    def reduce(self, loss):
        """Reduce a per-position loss (array or Tensor) the way nll_loss does."""
        if self.reduction == "sum":
            return loss.sum()
        if self.reduction == "mean":
            total = self.total_weight
            return loss.sum() / (Tensor._make(total) if isinstance(loss, Tensor) else total)
        return loss

    def scale(self, grad):
        """The adjoint of `reduce` for the upstream gradient (array or Tensor): per position
        for 'none', a scalar (grad / Σw for 'mean') otherwise."""
        if self.reduction == "mean":
            total = self.total_weight
            return grad / (Tensor._make(total) if isinstance(grad, Tensor) else total)
        return grad


def class_targets(input, target, weight, ignore_index, reduction, op_name, smoothing=0.0):
    """Check class-index targets against the input and turn them into _ClassTargets."""
    ndim = input.dim()
    class_dim = 0 if ndim == 1 else 1
    num_classes = input.shape[class_dim]
    if target.dtype is not _dtype.int64 and target.dtype is not _dtype.uint8:
        raise RuntimeError(target_message(input, target, op_name))
    if ndim == 1 and target.dim() == 1:
        if target.shape[0] != 1:
            raise ValueError(f"For 1D input, 1D target must have size 1, but got target size: "
                             f"{target.shape[0]}")
        target = target.reshape(())
    expected = input.shape[:class_dim] + input.shape[class_dim + 1:]
    if tuple(target.shape) != tuple(expected):
        if ndim >= 2 and (target.dim() == 0 or target.shape[0] != input.shape[0]):
            batch = target.shape[0] if target.dim() else 0
            raise ValueError(f"Expected input batch_size ({input.shape[0]}) to match target "
                             f"batch_size ({batch}).")
        raise RuntimeError(
            f"{op_name}: expected a target of shape {shape_of(expected)} (class indices) for an "
            f"input of shape {shape_of(input)}; got shape {shape_of(target)}")
    weight_data = None if weight is None else _check_class_weight(input, weight, num_classes,
                                                                   op_name)
    xp = xp_of(input._data)
    index = target._data
    if index.dtype != xp.int64:
        index = index.astype(xp.int64)
    low, high = (int(index.min()), int(index.max())) if index.size else (0, 0)
    if 0 <= low and high < num_classes and not low <= ignore_index <= high:
        valid = xp.ones(index.shape, dtype=bool)  # the common case: nothing ignored
        ignored = False
    else:
        valid = index != ignore_index
        ignored = not valid.all()
        out_of_range = valid & ((index < 0) | (index >= num_classes))
        if out_of_range.any():
            bad = int(index[out_of_range].ravel()[0])
            raise IndexError(
                f"Target {bad} is out of bounds. {op_name}: class indices must lie in "
                f"[0, {num_classes - 1}] for an input with {num_classes} classes (shape "
                f"{shape_of(input)}), or equal ignore_index={ignore_index}.")
        index = xp.where(valid, index, 0)
    if weight_data is None:
        coef = valid.astype(input._data.dtype)
    else:
        coef = weight_data[index] * valid
    return _ClassTargets(index, valid, ignored, coef, weight_data, class_dim, num_classes,
                         reduction, smoothing)


def _check_class_weight(input, weight, num_classes, op_name):
    if weight.dim() != 1 or weight.numel() != num_classes:
        raise RuntimeError(
            f"weight tensor should be defined either for all {num_classes} classes or no "
            f"classes but got weight tensor of shape: {list(weight.shape)}")
    check_constant(weight, "weight", op_name)
    if weight._data.dtype is not input._data.dtype:
        raise RuntimeError(
            f"{op_name}: expected weight of the input's dtype {dtype_name(input)}, got "
            f"{dtype_name(weight)}; pass weight.to({dtype_name(input)})")
    return weight._data


def check_constant(tensor, argument, op_name):
    """Raise as torch does when an argument the op has no gradient for requires one."""
    if tensor is not None and tensor._requires_grad and grad_mode._state["enabled"]:
        raise RuntimeError(
            f"The function '{op_name}' is not differentiable with respect to argument "
            f"'{argument}'. This input cannot have requires_grad True.")


def target_message(input, target, op_name):
    """What a class-index target should have been, for a target of the wrong dtype."""
    expected = shape_of(input)[:1] + shape_of(input)[2:] if input.dim() > 1 else ()
    if op_name == "cross_entropy":
        return (f"cross_entropy: expected target of dtype int64 (class indices) with shape "
                f"{expected}, or float probabilities with the input's shape {shape_of(input)}; "
                f"got {dtype_name(target)} of shape {shape_of(target)}")
    return (f"{op_name}: expected target dtype to be Long or Byte (int64 or uint8 class "
            f"indices) with shape {expected}; got {dtype_name(target)} of shape "
            f"{shape_of(target)}")


def dtype_name(tensor):
    """'float32' for ember.float32."""
    return str(tensor.dtype).replace("ember.", "")


class NllLoss(Op):
    """loss_i = -w[t_i] x[i, t_i] (0 where t_i == ignore_index); 'mean' divides the sum by
    Σ w[t_i];  grad: NllLossGrad."""

    @staticmethod
    def forward(ctx, x, targets):
        ctx.targets, ctx.input_shape = targets, x.shape
        loss = targets.pick(ctx.xp, x) * -targets.coef
        return targets.reduce(loss)

    @staticmethod
    def backward(ctx, grad):
        return NllLossGrad.apply(grad, ctx.targets, ctx.input_shape), None


class NllLossGrad(Op):
    """grad_x[i, c] = -g_i w[t_i] where c == t_i, else 0 (g_i / Σw for 'mean');
    linear in g, so its own backward is nll_loss of the incoming gradient."""

    @staticmethod
    def forward(ctx, grad, targets, input_shape):
        ctx.targets = targets
        out = ctx.xp.zeros(input_shape, dtype=grad.dtype)
        targets.subtract_at_targets(ctx.xp, out, targets.scale(grad) * targets.coef)
        return targets.zero_ignored(ctx.xp, out)

    @staticmethod
    def backward(ctx, grad_grad):
        return NllLoss.apply(grad_grad, ctx.targets), None, None


def _row_kernel(xp, name, x, targets):
    """The compiled row kernel `name` (backend/_cpu_kernels.pyx) for cross entropy's 2-d
    float32 x without label smoothing; None where it does not apply."""
    if x.ndim != 2 or x.dtype != np.float32 or targets.smoothing:
        return None
    return fused(xp, name)


def _by_rows(xp, kernel, *arrays):
    """kernel over the rows of its arrays, in shares; False where it declines the arrays."""
    def work(share):
        return kernel(*arrays, share.start, share.stop)

    return all(_parallel.map_shares(xp, work, range(arrays[0].shape[0]), arrays[0].size))


class CrossEntropy(Op):
    """loss_i = -Σ_c a_ic log_softmax(x)_ic, with a_ic = (1-ε) w[t_i] [c == t_i] + ε w_c / C
    (0 where t_i is ignored), reduced as nll_loss;  grad: CrossEntropyGrad.

    One Op for log_softmax and nll: its backward needs only the softmax, kept from forward.
    """

    @staticmethod
    def forward(ctx, x, targets):
        xp = ctx.xp
        ctx.save_for_backward(x)
        ctx.targets = targets
        kernel = _row_kernel(xp, "log_softmax_pick", x, targets)
        if kernel is not None:
            probs, picked = xp.empty(x.shape, x.dtype), xp.empty(x.shape[:1], x.dtype)
            if _by_rows(xp, kernel, x, targets.index, probs, picked):
                ctx.probs = probs
                return targets.reduce(picked * -targets.coef)
        smoothing = targets.smoothing
        dim = targets.class_dim
        shifted = x - x.max(axis=dim, keepdims=True) if x.size else x.copy()  # no overflow
        probs = xp.exp(shifted)
        total = probs.sum(axis=dim, keepdims=True)
        probs /= total
        shifted -= xp.log(total)  # log_softmax
        loss = targets.pick(xp, shifted) * -targets.coef
        if smoothing:
            if targets.weight is not None:
                shifted *= targets.along_classes(targets.weight)
            smooth = shifted.sum(axis=dim) * targets.valid
            loss = loss * (1 - smoothing) - smooth * (smoothing / targets.num_classes)
        ctx.probs = probs
        return targets.reduce(loss)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return CrossEntropyGrad.apply(grad, x, ctx.targets, ctx.probs), None


def _coef_sum(targets):
    """A_i = Σ_c a_ic, the total target mass at each position."""
    smoothing = targets.smoothing
    if not smoothing:
        return targets.coef
    weight_total = targets.num_classes if targets.weight is None else targets.weight.sum()
    spread = targets.valid.astype(targets.coef.dtype) * (weight_total * smoothing
                                                          / targets.num_classes)
    return targets.coef * (1 - smoothing) + spread


class CrossEntropyGrad(Op):
    """grad_x = G (softmax(x) A - a), with a and A = Σ_c a as in CrossEntropy and G the
    (scaled) upstream gradient; differentiable again:
    d/dG = Σ_c gg (p A - a),  d/dx = p (v - Σ_c p v) with v = gg G A (softmax's adjoint).
    """

    @staticmethod
    def forward(ctx, grad, x, targets, probs):
        xp = ctx.xp
        ctx.save_for_backward(grad, x)
        ctx.targets = targets
        scale = targets.scale(grad)
        kernel = _row_kernel(xp, "cross_entropy_grad", probs, targets)
        if kernel is not None:
            out = xp.empty(probs.shape, probs.dtype)
            per_row = (targets.coef * scale).astype(probs.dtype, copy=False)
            if _by_rows(xp, kernel, probs, targets.index, per_row, out):
                return targets.zero_ignored(xp, out)
        out = probs * targets.expand(_coef_sum(targets) * scale)
        smoothing = targets.smoothing
        if smoothing:
            spread = targets.expand(targets.valid * scale) * (smoothing / targets.num_classes)
            if targets.weight is not None:
                spread = spread * targets.along_classes(targets.weight)
            out -= spread
        targets.subtract_at_targets(xp, out, targets.coef * (scale * (1 - smoothing)))
        return targets.zero_ignored(xp, out)

    @staticmethod
    def backward(ctx, grad_grad):
        grad, x = ctx.saved_tensors
        targets = ctx.targets
        dim = targets.class_dim
        need_grad, need_x = ctx.needs_input_grad[:2]
        probs = Softmax.apply(x, dim)
        coef_sum = Tensor._make(_coef_sum(targets))  # A, per position
        grad_of_grad = grad_x = None
        if need_grad:
            # Σ_c gg (p A - a), with Σ_c gg a = (1-ε) w[t] gg[t] + ε/C Σ_c w_c gg_c
            index = Tensor._make(targets.expand(targets.index))
            picked = grad_grad.gather(dim, index).squeeze(dim) * Tensor._make(targets.coef)
            per_position = (grad_grad * probs).sum(dim) * coef_sum
            smoothing = targets.smoothing
            per_position = per_position - picked * (1 - smoothing)
            if smoothing:
                spread = grad_grad
                if targets.weight is not None:
                    spread = spread * Tensor._make(targets.along_classes(targets.weight))
                valid = Tensor._make(targets.valid.astype(x._data.dtype))
                per_position = per_position - spread.sum(dim) * valid * (
                    smoothing / targets.num_classes)
            grad_of_grad = targets.reduce(per_position)
        if need_x:
            v = grad_grad * (targets.scale(grad) * coef_sum).unsqueeze(dim)
            grad_x = probs * (v - (probs * v).sum(dim, keepdim=True))
        return grad_of_grad, grad_x, None, None
