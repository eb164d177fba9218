"""Loss functions: cross_entropy, nll_loss, mse_loss, ... ctc_loss.

Every loss takes `reduction` ('none' | 'mean' | 'sum'; kl_div adds 'batchmean') and, where
torch does, the deprecated `size_average` / `reduce` pair, which overrides it.

cross_entropy with class-index targets is one Op (log_softmax and nll fused), nll_loss another
(see _nll.py); ctc_loss's Ops are in _ctc.py. The other losses are written with ember ops and
need no backward of their own, except binary_cross_entropy (torch's clamped gradient).
"""
import math
import warnings

from ... import _dtype
from ..._dtype import FLOAT_NP
from ..._tensor import Tensor
from ...autograd import grad_mode
from ...autograd.function import Op, named
from ...ops import compare
from ...ops.creation import tensor as _tensor
from ._ctc import CtcLoss, ctc_problem
from ._nll import (CrossEntropy, NllLoss, check_constant, class_targets, dtype_name, shape_of,
                   target_message)
from ._softmax import LogSoftmax
from .activation import logsigmoid, softplus
from .distance import pairwise_distance
from ...amp import autocast_mode

__all__ = [
    "cross_entropy", "nll_loss", "mse_loss", "l1_loss", "smooth_l1_loss", "huber_loss",
    "binary_cross_entropy", "binary_cross_entropy_with_logits", "kl_div", "poisson_nll_loss",
    "gaussian_nll_loss", "cosine_embedding_loss", "margin_ranking_loss", "triplet_margin_loss",
    "triplet_margin_with_distance_loss", "hinge_embedding_loss", "soft_margin_loss",
    "multilabel_soft_margin_loss", "multi_margin_loss", "ctc_loss", "multilabel_margin_loss",
]


# -- reductions ---------------------------------------------------------------------------

def legacy_get_string(size_average, reduce, emit_warning=True):
    """The reduction named by the deprecated size_average / reduce pair (None means True)."""
    size_average = True if size_average is None else size_average
    reduce = True if reduce is None else reduce
    if size_average and reduce:
        reduction = "mean"
    elif reduce:
        reduction = "sum"
    else:
        reduction = "none"
    if emit_warning:
        warnings.warn(f"size_average and reduce args will be deprecated, please use "
                      f"reduction='{reduction}' instead.", stacklevel=3)
    return reduction


def _reduction(size_average, reduce, reduction):
    """The reduction to use, checked: the legacy pair wins when either is given."""
    if size_average is not None or reduce is not None:
        return legacy_get_string(size_average, reduce)
    if reduction == "elementwise_mean":
        warnings.warn("reduction='elementwise_mean' is deprecated. Please use reduction='mean' "
                      "instead.", stacklevel=3)
        return "mean"
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(f"{reduction} is not a valid value for reduction")
    return reduction


def _reduce(loss, reduction):
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    return loss


def _warn_target_size(input, target):
    if input.shape != target.shape:
        warnings.warn(
            f"Using a target size ({target.size()}) that is different to the input size "
            f"({input.size()}). This will likely lead to incorrect results due to "
            f"broadcasting. Please ensure they have the same size.", stacklevel=3)


def _weighted_reduce(loss, weight, input, reduction):
    """mse/l1 with per-element weights: 'mean' divides by the sum of the weights, as torch."""
    if weight.shape != input.shape:
        raise ValueError("Weights and input must have the same size.")
    loss = loss * weight
    if reduction == "mean":
        return loss.sum() / weight.sum()
    return _reduce(loss, reduction)


# -- classification: nll_loss and cross_entropy ------------------------------------------

def nll_loss(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None,
             reduction="mean"):
    """Negative log likelihood of class-index targets, given log-probabilities.

    loss_i = -weight[t_i] * input[i, t_i], 0 where t_i == ignore_index; 'mean' divides the
    sum by Σ weight[t_i] over the positions not ignored.

    Args:
        input: log-probabilities, (N, C), (C,) or (N, C, d1, d2, ...).
        target: class indices (int64 or uint8), (N,), () or (N, d1, d2, ...).
        weight: a weight per class, (C,).
        ignore_index: a target value that contributes nothing, to the loss or the divisor.
        reduction: 'none' | 'mean' | 'sum'.

    Example:
        >>> F.nll_loss(ember.tensor([[-1., -2.]]), ember.tensor([1]))
        tensor(2.)
    """
    if autocast_mode.active:  # See NOTE [ How autocast reaches the ops ]
        return autocast_mode.dispatch("nll_loss", nll_loss, input, target, weight, size_average,
                                      ignore_index, reduce, reduction)
    reduction = _reduction(size_average, reduce, reduction)
    _check_class_input(input, "nll_loss")
    if target.dim() > 1 and input.dim() == 2:
        raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
    if target._data.dtype in FLOAT_NP:
        raise RuntimeError(target_message(input, target, "nll_loss"))
    targets = class_targets(input, target, weight, ignore_index, reduction, "nll_loss")
    loss = NllLoss.apply(input, targets)
    return loss if input.dim() <= 2 else named(loss, _nll_node_name(input.dim(), reduction))


def _nll_node_name(ndim, reduction):
    """torch's name for nll_loss's node on an input with dims beyond (N, C): nll_loss2d's,
    or the view back from its 4-D form when the loss keeps those dims and they are not 2."""
    return "ViewBackward0" if reduction == "none" and ndim != 4 else "NllLoss2DBackward0"


def _check_class_input(input, op_name):
    if not isinstance(input, Tensor):
        raise TypeError(f"{op_name}(): argument 'input' (position 1) must be Tensor, not "
                        f"{type(input).__name__}")
    if input.dim() < 1:
        raise ValueError(f"Expected 1 or more dimensions (got {input.dim()})")
    if input._data.dtype not in FLOAT_NP:
        raise NotImplementedError(
            f"{op_name}: expected a floating point input (logits or log-probabilities); got "
            f"{dtype_name(input)}. Convert it with .float() first.")


def cross_entropy(input, target, weight=None, size_average=None, ignore_index=-100,
                  reduce=None, reduction="mean", label_smoothing=0.0):
    """Cross entropy between softmax(input) along dim 1 and the target.

    With class indices t:  loss_i = -w[t_i] log softmax(input)_i[t_i] (as nll_loss); with
    label_smoothing ε the target becomes (1 - ε) one_hot(t) + ε / C.
    With class probabilities P (same shape as input):  loss_i = -Σ_c w_c P_ic log softmax_ic,
    and 'mean' divides by the number of positions N * d1 * ...

    Args:
        input: logits, (N, C), (C,) or (N, C, d1, d2, ...).
        target: class indices (int64), (N,), () or (N, d1, ...); or probabilities, float, the
            input's shape.
        weight: a weight per class, (C,).
        ignore_index: a class-index target value that contributes nothing.
        reduction: 'none' | 'mean' | 'sum'.
        label_smoothing: ε in [0, 1].

    Example:
        >>> F.cross_entropy(ember.tensor([[0., 0.]]), ember.tensor([1]))
        tensor(0.6931)
    """
    if autocast_mode.active:  # See NOTE [ How autocast reaches the ops ]
        return autocast_mode.dispatch("cross_entropy", cross_entropy, input, target, weight,
                                      size_average, ignore_index, reduce, reduction,
                                      label_smoothing)
    reduction = _reduction(size_average, reduce, reduction)
    _check_class_input(input, "cross_entropy")
    if not 0.0 <= label_smoothing <= 1.0:
        raise RuntimeError(f"label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing}")
    if tuple(input.shape) == tuple(target.shape):
        return _cross_entropy_probs(input, target, weight, ignore_index, reduction,
                                    label_smoothing)
    if target._data.dtype in FLOAT_NP or target.dtype is _dtype.bool:
        raise RuntimeError(target_message(input, target, "cross_entropy"))
    targets = class_targets(input, target, weight, ignore_index, reduction, "cross_entropy",
                             label_smoothing)
    loss = CrossEntropy.apply(input, targets)
    if label_smoothing:  # torch's last node adds the smoothing term to nll_loss: no match
        return loss
    ndim = input.dim()
    return named(loss, "NllLossBackward0" if ndim <= 2 else _nll_node_name(ndim, reduction))


def _cross_entropy_probs(input, target, weight, ignore_index, reduction, label_smoothing):
    """cross_entropy with class-probability targets, from ember ops (so the target may
    require grad too)."""
    if target._data.dtype not in FLOAT_NP:
        expected = shape_of(input)[:1] + shape_of(input)[2:] if input.dim() > 1 else ()
        raise RuntimeError(
            f"cross_entropy: the target has the input's shape {shape_of(input)}, so it is read "
            f"as class probabilities, which must be floating point; got {dtype_name(target)}. "
            f"For class indices pass an int64 target of shape {expected}.")
    if ignore_index != -100:
        raise RuntimeError("ignore_index is not supported for floating point target")
    class_dim = 0 if input.dim() == 1 else 1
    num_classes = input.shape[class_dim]
    if label_smoothing > 0:
        target = target * (1 - label_smoothing) + label_smoothing / num_classes
    product = LogSoftmax.apply(input, class_dim) * target
    if weight is not None:
        shape = [1] * input.dim()
        shape[class_dim] = num_classes
        product = product * weight.reshape(shape)
    if reduction == "none":
        return -product.sum(class_dim)
    if reduction == "sum":
        return -product.sum()
    return -product.sum() / (input.numel() // num_classes if input.numel() else 0.0)


# -- regression losses --------------------------------------------------------------------

def mse_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    """Mean squared error: (input - target)², reduced.

    Args:
        input, target: tensors of the same shape (others broadcast, with a warning).
        reduction: 'none' | 'mean' | 'sum'.
        weight: optional per-element weights (input's shape); 'mean' then divides by their sum.

    Example:
        >>> F.mse_loss(ember.tensor([1., 2.]), ember.tensor([0., 0.]))
        tensor(2.5000)
    """
    if autocast_mode.active:  # See NOTE [ How autocast reaches the ops ]
        return autocast_mode.dispatch("mse_loss", mse_loss, input, target, size_average, reduce,
                                      reduction, weight)
    _warn_target_size(input, target)
    reduction = _reduction(size_average, reduce, reduction)
    _check_float_loss(input, target, "mse_loss")
    diff = input - target
    loss = diff * diff
    if weight is not None:
        return _weighted_reduce(loss, weight, input, reduction)
    return named(_reduce(loss, reduction), "MseLossBackward0")


def _check_float_loss(input, target, op_name, complex_ok=False):
    if not complex_ok and "c" in (input._data.dtype.kind, target._data.dtype.kind):
        raise NotImplementedError(f"{op_name}: not implemented for complex inputs; compare "
                                  f"their real and imaginary parts, e.g. ember.view_as_real(x)")
    if input._data.dtype not in FLOAT_NP and target._data.dtype not in FLOAT_NP and not (
            complex_ok and input.is_complex()):
        raise NotImplementedError(
            f"{op_name}: not implemented for integer inputs ({dtype_name(input)} and "
            f"{dtype_name(target)}); convert them with .float() first")


def l1_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    """Mean absolute error: |input - target|, reduced (see mse_loss for the arguments)."""
    if autocast_mode.active:  # See NOTE [ How autocast reaches the ops ]
        return autocast_mode.dispatch("l1_loss", l1_loss, input, target, size_average, reduce,
                                      reduction, weight)
    _warn_target_size(input, target)
    reduction = _reduction(size_average, reduce, reduction)
    _check_float_loss(input, target, "l1_loss", complex_ok=True)
    loss = (input - target).abs()
    if weight is not None:
        return _weighted_reduce(loss, weight, input, reduction)
    return _reduce(loss, reduction)


def smooth_l1_loss(input, target, size_average=None, reduce=None, reduction="mean", beta=1.0):
    """0.5 d² / beta where |d| < beta, else |d| - 0.5 beta (d = input - target); l1 for
    beta = 0."""
    if autocast_mode.active:  # See NOTE [ How autocast reaches the ops ]
        return autocast_mode.dispatch("smooth_l1_loss", smooth_l1_loss, input, target,
                                      size_average, reduce, reduction, beta)
    _warn_target_size(input, target)
    reduction = _reduction(size_average, reduce, reduction)
    if beta < 0:
        raise RuntimeError("smooth_l1_loss does not support negative values for beta.")
    diff = input - target
    distance = diff.abs()
    if beta == 0:
        return _reduce(distance, reduction)
    loss = compare.where(distance < beta, diff * diff * (0.5 / beta), distance - 0.5 * beta)
    return named(_reduce(loss, reduction), "SmoothL1LossBackward0")


def huber_loss(input, target, reduction="mean", delta=1.0, weight=None):
    """0.5 d² where |d| < delta, else delta (|d| - 0.5 delta) (d = input - target)."""
    if autocast_mode.active:  # See NOTE [ How autocast reaches the ops ]
        return autocast_mode.dispatch("huber_loss", huber_loss, input, target, reduction, delta,
                                      weight)
    if delta <= 0:
        raise RuntimeError(f"huber_loss does not support non-positive values for delta. Got "
                           f"delta={delta}; pass a positive delta")
    _warn_target_size(input, target)
    reduction = _reduction(None, None, reduction)
    diff = input - target
    distance = diff.abs()
    loss = compare.where(distance < delta, diff * diff * 0.5, (distance - 0.5 * delta) * delta)
    if weight is None:
        return named(_reduce(loss, reduction), "HuberLossBackward0")
    if weight.shape != input.shape:
        raise ValueError("Weights and input must have the same size.")
    return _reduce(loss * weight, reduction)


# -- binary classification ----------------------------------------------------------------

class BinaryCrossEntropy(Op):
    """loss = -w (t log x + (1 - t) log(1 - x)), each log clamped at -100 (as torch);
    grad_x = g w (x - t) / max(x (1 - x), 1e-12),  grad_t = g w log((1 - x) / x).

    Its own Op so that the gradient is torch's clamped formula, finite at x = 0 and 1.
    """

    @staticmethod
    def forward(ctx, x, t, w, reduction):
        xp = ctx.xp
        ctx.save_for_backward(x, t, w)
        ctx.reduction, ctx.count = reduction, x.size
        loss = (t - 1) * xp.maximum(xp.log(1 - x), -100) - t * xp.maximum(xp.log(x), -100)
        if w is not None:
            loss = loss * w
        if reduction == "mean":
            return loss.mean()
        return loss.sum() if reduction == "sum" else loss

    @staticmethod
    def backward(ctx, grad):
        x, t, w = ctx.saved_tensors
        need_x, need_t = ctx.needs_input_grad[:2]
        if ctx.reduction == "mean":
            grad = grad / ctx.count
        if w is not None:
            grad = grad * w
        grad_x = grad * (x - t) / ((1 - x) * x).clamp_min(1e-12) if need_x else None
        grad_t = grad * ((1 - x).log() - x.log()) if need_t else None
        return grad_x, grad_t, None, None


def binary_cross_entropy(input, target, weight=None, size_average=None, reduce=None,
                         reduction="mean"):
    """Binary cross entropy of probabilities: -w (t log x + (1 - t) log(1 - x)).

    Each log is clamped at -100, as in torch, so x = 0 or 1 gives a finite loss.

    Args:
        input: probabilities in [0, 1].
        target: the same shape as input, values in [0, 1].
        weight: broadcast to the target's shape.
        reduction: 'none' | 'mean' | 'sum'.

    Example:
        >>> F.binary_cross_entropy(ember.tensor([0.5]), ember.tensor([1.]))
        tensor(0.6931)
    """
    if autocast_mode.active:  # See NOTE [ How autocast reaches the ops ]
        return autocast_mode.dispatch("binary_cross_entropy", binary_cross_entropy, input,
                                      target, weight, size_average, reduce, reduction)
    reduction = _reduction(size_average, reduce, reduction)
    if target.shape != input.shape:
        raise ValueError(
            f"Using a target size ({target.size()}) that is different to the input size "
            f"({input.size()}) is deprecated. Please ensure they have the same size.")
    check_constant(weight, "weight", "binary_cross_entropy")
    data = input._data
    if data.size and not bool(((data >= 0) & (data <= 1)).all()):
        raise RuntimeError("all elements of input should be between 0 and 1")
    if weight is not None and weight.shape != target.shape:
        weight = weight.expand(target.shape)
    return BinaryCrossEntropy.apply(input, target, weight, reduction)


def binary_cross_entropy_with_logits(input, target, weight=None, size_average=None,
                                     reduce=None, reduction="mean", pos_weight=None):
    """Binary cross entropy of logits, stable for any input:
    loss = w ((1 - t) x - l log σ(x)), with l = 1 + (pos_weight - 1) t.

    Args:
        input: logits.
        target: the same shape as input, values in [0, 1].
        weight: broadcast to the input's shape.
        pos_weight: a weight for positive examples, broadcast along the last dim (classes).
        reduction: 'none' | 'mean' | 'sum'.

    Example:
        >>> F.binary_cross_entropy_with_logits(ember.tensor([0.]), ember.tensor([1.]))
        tensor(0.6931)
    """
    if autocast_mode.active:  # See NOTE [ How autocast reaches the ops ]
        return autocast_mode.dispatch("binary_cross_entropy_with_logits",
                                      binary_cross_entropy_with_logits, input, target, weight,
                                      size_average, reduce, reduction, pos_weight)
    reduction = _reduction(size_average, reduce, reduction)
    if target.shape != input.shape:
        raise ValueError(f"Target size ({target.size()}) must be the same as input size "
                         f"({input.size()})")
    check_constant(weight, "weight", "binary_cross_entropy_with_logits")
    check_constant(pos_weight, "pos_weight", "binary_cross_entropy_with_logits")
    log_sigmoid = logsigmoid(input)
    if pos_weight is not None:
        log_sigmoid = ((pos_weight - 1) * target + 1) * log_sigmoid
    loss = (1 - target) * input - log_sigmoid
    if weight is not None:
        loss = loss * weight
    return named(_reduce(loss, reduction), "BinaryCrossEntropyWithLogitsBackward0")


# -- distributions ------------------------------------------------------------------------

def kl_div(input, target, size_average=None, reduce=None, reduction="mean", log_target=False):
    """Kullback-Leibler divergence, pointwise: t (log t - input), with input log-probabilities.

    With log_target the target is given as log-probabilities: e^t (t - input).
    reduction 'batchmean' divides the sum by the batch size (the true KL divergence);
    'mean' divides by the number of elements (with a warning, as torch).

    Example:
        >>> F.kl_div(ember.tensor([-1.]), ember.tensor([0.5]), reduction='sum')
        tensor(0.1534)
    """
    if autocast_mode.active:  # See NOTE [ How autocast reaches the ops ]
        return autocast_mode.dispatch("kl_div", kl_div, input, target, size_average, reduce,
                                      reduction, log_target)
    if size_average is not None or reduce is not None:
        reduction = legacy_get_string(size_average, reduce)
    elif reduction == "mean":
        warnings.warn(
            "reduction: 'mean' divides the total loss by both the batch size and the support "
            "size.'batchmean' divides only by the batch size, and aligns with the KL div math "
            "definition.'mean' will be changed to behave the same as 'batchmean' in the next "
            "major release.", stacklevel=2)
    if reduction != "batchmean":
        _reduction(None, None, reduction)
    if log_target:
        loss = target.exp() * (target - input)
    else:
        loss = target.xlogy(target) - target * input
    if reduction == "batchmean":
        total = loss.sum()
        return total / input.shape[0] if input.dim() else total
    return _reduce(loss, reduction)


def poisson_nll_loss(input, target, log_input=True, full=False, size_average=None, eps=1e-8,
                     reduce=None, reduction="mean"):
    """Poisson negative log likelihood: e^input - t input (log_input), or
    input - t log(input + eps); full adds Stirling's t log t - t + ½ log(2π t) where t > 1."""
    reduction = _reduction(size_average, reduce, reduction)
    if log_input:
        loss = input.exp() - target * input
    else:
        loss = input - target * (input + eps).log()
    if full:
        stirling = target * target.log() - target + 0.5 * (2 * math.pi * target).log()
        loss = loss + compare.where(target > 1, stirling, 0.0)
    return _reduce(loss, reduction)


def gaussian_nll_loss(input, target, var, full=False, eps=1e-6, reduction="mean"):
    """Gaussian negative log likelihood: ½ (log var + (input - target)² / var), var clamped
    at eps (without blocking its gradient, as torch); full adds ½ log 2π.

    Args:
        var: the variance, the input's shape, or one dim short / with one dim of size 1
            (one variance shared along it), or a float.
    """
    if isinstance(var, float):
        if var < 0:
            raise ValueError("var has negative entry/entries")
        var = input.new_full(input.shape, var)
    elif bool((var < 0).any()):
        raise ValueError("var has negative entry/entries")
    if var.shape != input.shape:
        if tuple(input.shape[:-1]) == tuple(var.shape):
            var = var.unsqueeze(-1)
        elif not (input.dim() == var.dim() and sum(
                v for i, v in zip(input.shape, var.shape) if i != v) == 1):
            raise ValueError("var is of incorrect size")
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(reduction + " is not valid")
    var = var.clone()
    with grad_mode.no_grad():
        var.clamp_(min=eps)
    diff = input - target
    loss = 0.5 * (var.log() + diff * diff / var)
    if full:
        loss = loss + 0.5 * math.log(2 * math.pi)
    return _reduce(loss, reduction)


# -- margin and embedding losses ----------------------------------------------------------

def cosine_embedding_loss(input1, input2, target, margin=0, size_average=None, reduce=None,
                          reduction="mean"):
    """1 - cos(x1, x2) where target is 1; max(0, cos(x1, x2) - margin) where it is -1.

    Args:
        input1, input2: (N, D), or (D,) with a 0-d target.
        target: (N,) or (), values 1 or -1.
    """
    reduction = _reduction(size_average, reduce, reduction)
    dim = target.dim()
    if dim > 1:
        raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
    if input1.dim() != dim + 1 or input2.dim() != dim + 1:
        raise RuntimeError(
            f"{dim}D target tensor expects {dim + 1}D input tensors, but found inputs with "
            f"sizes {list(input1.shape)} and {list(input2.shape)}.")
    epsilon = 1e-12
    dot = (input1 * input2).sum(dim)
    norms = ((input1 * input1).sum(dim) + epsilon) * ((input2 * input2).sum(dim) + epsilon)
    cos = dot / norms.sqrt()
    loss = compare.where(target == 1, 1 - cos, 0.0) + compare.where(
        target == -1, (cos - margin).clamp_min(0), 0.0)
    return _reduce(loss, reduction)


def margin_ranking_loss(input1, input2, target, margin=0, size_average=None, reduce=None,
                        reduction="mean"):
    """max(0, -target (input1 - input2) + margin); target 1 means input1 should rank higher."""
    reduction = _reduction(size_average, reduce, reduction)
    if input1.dim() != input2.dim() or input1.dim() != target.dim():
        raise RuntimeError(
            f"margin_ranking_loss : All input tensors should have same dimension but got sizes: "
            f"input1: {input1.size()}, input2: {input2.size()}, target: {target.size()} ")
    return _reduce((-target * (input1 - input2) + margin).clamp_min(0), reduction)


def triplet_margin_loss(anchor, positive, negative, margin=1.0, p=2, eps=1e-6, swap=False,
                        size_average=None, reduce=None, reduction="mean"):
    """max(d(a, p) - d(a, n) + margin, 0), d the p-norm pairwise distance; swap uses
    min(d(a, n), d(p, n)) as the negative distance."""
    reduction = _reduction(size_average, reduce, reduction)
    if margin <= 0:
        raise ValueError(f"margin must be greater than 0, got {margin}")
    dims = (anchor.dim(), positive.dim(), negative.dim())
    if len(set(dims)) != 1:
        raise RuntimeError(
            f"The anchor, positive, and negative tensors are expected to have the same number "
            f"of dimensions, but got: anchor {dims[0]}D, positive {dims[1]}D, and negative "
            f"{dims[2]}D inputs")
    distance_positive = pairwise_distance(anchor, positive, p, eps)
    distance_negative = pairwise_distance(anchor, negative, p, eps)
    if swap:
        distance_negative = distance_negative.minimum(pairwise_distance(positive, negative, p,
                                                                        eps))
    return _reduce((distance_positive - distance_negative + margin).clamp_min(0), reduction)


def triplet_margin_with_distance_loss(anchor, positive, negative, *, distance_function=None,
                                      margin=1.0, swap=False, reduction="mean"):
    """max(d(a, p) - d(a, n) + margin, 0) for any distance function d (pairwise_distance
    when None); swap uses min(d(a, n), d(p, n))."""
    if reduction not in ("mean", "sum", "none"):
        raise ValueError(f"{reduction} is not a valid value for reduction")
    if margin <= 0:
        raise ValueError(f"margin must be greater than 0, got {margin}")
    dims = (anchor.dim(), positive.dim(), negative.dim())
    if len(set(dims)) != 1:
        raise RuntimeError(
            f"The anchor, positive, and negative tensors are expected to have the same number "
            f"of dimensions, but got: anchor {dims[0]}D, positive {dims[1]}D, and negative "
            f"{dims[2]}D inputs")
    distance = pairwise_distance if distance_function is None else distance_function
    distance_positive = distance(anchor, positive)
    distance_negative = distance(anchor, negative)
    if swap:
        distance_negative = distance_negative.minimum(distance(positive, negative))
    return _reduce((distance_positive - distance_negative + margin).clamp_min(0), reduction)


def hinge_embedding_loss(input, target, margin=1.0, size_average=None, reduce=None,
                         reduction="mean"):
    """input where target is 1, max(0, margin - input) where it is -1."""
    reduction = _reduction(size_average, reduce, reduction)
    loss = compare.where(target != 1, (margin - input).clamp_min(0), 0.0) + compare.where(
        target != -1, input, 0.0)
    return _reduce(loss, reduction)


def soft_margin_loss(input, target, size_average=None, reduce=None, reduction="mean"):
    """log(1 + e^(-target * input)), target 1 or -1.

    Differs from PyTorch: computed as softplus, so it stays finite where torch's
    log1p(exp(.)) overflows to inf (-target * input > 88 in float32, > 11 in float16).
    """
    reduction = _reduction(size_average, reduce, reduction)
    check_constant(target, "target", "soft_margin_loss")
    return _reduce(softplus(-target * input), reduction)


def multilabel_soft_margin_loss(input, target, weight=None, size_average=None, reduce=None,
                                reduction="mean"):
    """-(t log σ(x) + (1 - t) log σ(-x)), weighted per class, averaged over the classes (last
    dim)."""
    reduction = _reduction(size_average, reduce, reduction)
    loss = -(target * logsigmoid(input) + (1 - target) * logsigmoid(-input))
    if weight is not None:
        loss = loss * weight
    class_dim = input.dim() - 1
    return _reduce(loss.sum(class_dim) / input.shape[class_dim], reduction)


def multi_margin_loss(input, target, p=1, margin=1.0, weight=None, size_average=None,
                      reduce=None, reduction="mean"):
    """Multi-class hinge loss: Σ_{j != y} max(0, margin - x_y + x_j)^p w_y / C per sample.

    Args:
        input: (N, C) or (C,).
        target: class indices, (N,) or ().
        p: 1 or 2.
    """
    reduction = _reduction(size_average, reduce, reduction)
    if p != 1 and p != 2:
        raise ValueError("only p == 1 and p == 2 supported")
    if weight is not None and weight.dim() != 1:
        raise ValueError("weight must be one-dimensional")
    check_constant(weight, "weight", "multi_margin_loss")
    if input.dim() > 2 or input.numel() == 0 and input.dim() != 2:
        raise RuntimeError(f"Expected non-empty vector or matrix with optional 0-dim batch "
                           f"size, but got: {list(input.shape)}")
    unbatched = input.dim() < 2
    x = input.reshape(1, -1) if unbatched else input
    t = target.reshape(1) if unbatched else target
    if t.dim() != 1 or t.shape[0] != x.shape[0]:
        raise RuntimeError(
            f"multi_margin_loss: target tensor should be 1-D with size equal to the number of "
            f"input samples (batch size). Expected target size [{x.shape[0]}], but got "
            f"{list(target.shape)}. Input has shape {list(input.shape)}.")
    num_classes = x.shape[1]
    if t.numel() and bool(((t < 0) | (t >= num_classes)).any()):
        raise RuntimeError("target out of range")
    index = t.long().unsqueeze(1)
    hinge = (x - x.gather(1, index) + margin).clamp_min(0)
    if p == 2:
        hinge = hinge * hinge
    classes = _tensor(list(range(num_classes)), device=input.device)
    hinge = hinge * (classes != index).to(hinge.dtype)
    if weight is not None:
        hinge = hinge * weight[t.long()].unsqueeze(1)
    loss = hinge.sum(1) / num_classes
    return _reduce(loss.reshape(()) if unbatched else loss, reduction)


def multilabel_margin_loss(input, target, size_average=None, reduce=None, reduction="mean"):
    """Multi-label hinge loss: per sample, with Y the classes listed in target before its
    first -1,

        loss = Σ_{j in Y} Σ_{i not in Y} max(0, 1 - (x_j - x_i)) / C

    (a class listed twice counts twice, as in torch).

    Args:
        input: (N, C) or (C,).
        target: int64 of input's shape: class indices, padded with -1.

    Example:
        >>> x = ember.tensor([[0.1, 0.2, 0.4, 0.8]])
        >>> ember.nn.functional.multilabel_margin_loss(x, ember.tensor([[3, 0, -1, 1]]))
        tensor(0.8500)
    """
    reduction = _reduction(size_average, reduce, reduction)
    if input.dim() > 2 or input.numel() == 0 and input.dim() != 2:
        raise RuntimeError(f"Expected non-empty vector or matrix with optional 0-dim batch "
                           f"size, but got: {list(input.shape)}")
    if tuple(target.shape) != tuple(input.shape):
        raise RuntimeError(f"inconsistent target size: {list(target.shape)} for input of "
                           f"size: {list(input.shape)}")
    if target.dtype != _dtype.int64:
        raise RuntimeError(f"expected scalar type Long but found "
                           f"{_dtype.scalar_type_name(target.dtype)}")
    unbatched = input.dim() < 2
    x = input.reshape(1, -1) if unbatched else input                # (N, C)
    labels = target.detach().cpu().numpy().reshape(x.shape)
    num_classes = x.shape[1]
    if labels.size and (labels.min() < -1 or labels.max() >= num_classes):
        raise RuntimeError("argument #2 'target' is out of range")
    # counts[n, j]: how often class j is listed before the first -1 of row n
    counts = [[0] * num_classes for _ in range(x.shape[0])]
    for row, listed in zip(counts, labels.tolist()):
        for label in listed:
            if label < 0:
                break
            row[label] += 1
    counts = _tensor(counts, dtype=x.dtype, device=input.device)
    others = (counts == 0).to(x.dtype)                               # (N, C): i not in Y
    pairs = counts.unsqueeze(2) * others.unsqueeze(1)               # (N, C_j, C_i)
    hinge = (1 - x.unsqueeze(2) + x.unsqueeze(1)).clamp_min(0)      # 1 - (x_j - x_i)
    loss = (hinge * pairs).sum((1, 2)) / num_classes
    return _reduce(loss.reshape(()) if unbatched else loss, reduction)


# -- sequences ----------------------------------------------------------------------------

def ctc_loss(log_probs, targets, input_lengths, target_lengths, blank=0, reduction="mean",
             zero_infinity=False):
    """Connectionist temporal classification loss: -log of the total probability of every
    alignment of each target with its input sequence (see ember/nn/functional/_ctc.py).

    Args:
        log_probs: (T, N, C) or unbatched (T, C) log-probabilities (log_softmax output).
        targets: (N, S) padded, or 1-D with the N targets concatenated; no blanks.
        input_lengths: (N,) lengths T_n <= T, a tensor or a sequence of ints.
        target_lengths: (N,) lengths S_n, a tensor or a sequence of ints.
        blank: the blank class index.
        reduction: 'none' | 'mean' | 'sum'; 'mean' divides each sample's loss by its target
            length, then averages over the batch.
        zero_infinity: give impossible alignments (T_n too short) loss 0 and gradient 0.

    Example:
        >>> log_probs = ember.zeros(2, 1, 2).log_softmax(2)
        >>> F.ctc_loss(log_probs, ember.tensor([[1]]), [2], [1], reduction='sum')
        tensor(0.2877)
    """
    reduction = _reduction(None, None, reduction)
    if log_probs.dim() not in (2, 3):
        raise RuntimeError(f"ctc_loss: log_probs must be (T, N, C) or (T, C); got shape "
                           f"{list(log_probs.shape)}")
    if log_probs._data.dtype not in FLOAT_NP:
        raise RuntimeError(f"ctc_loss: log_probs must be floating point; got "
                           f"{dtype_name(log_probs)}")
    unbatched = log_probs.dim() == 2
    if unbatched:
        log_probs = log_probs.unsqueeze(1)
        targets = targets.unsqueeze(0)
    problem = ctc_problem(log_probs, targets, input_lengths, target_lengths, blank,
                          zero_infinity)
    loss = CtcLoss.apply(log_probs, problem)
    if unbatched:
        loss = loss.squeeze(0)
    if reduction == "mean":
        lengths = Tensor._make(problem.target_lengths.clip(1, None).astype(loss._data.dtype))
        return (loss / (lengths.squeeze(0) if unbatched else lengths)).mean()
    return _reduce(loss, reduction)
