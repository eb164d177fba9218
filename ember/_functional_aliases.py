"""torch's top-level forms of nn.functional ops (torch.dropout, torch.layer_norm,
torch.embedding ...), with ATen's signatures: positional flags instead of keywords, losses'
`reduction` as an int (0 none, 1 mean, 2 sum), embedding's weight first. Also the top-level
in-place forms torch has (torch.relu_, torch.exp_ ...).
"""
from .nn import functional as F

__all__ = ["dropout", "alpha_dropout", "feature_alpha_dropout", "dropout_", "alpha_dropout_",
           "feature_alpha_dropout_", "layer_norm", "group_norm", "batch_norm", "instance_norm",
           "embedding", "pixel_shuffle", "pixel_unshuffle", "prelu", "selu", "celu", "threshold",
           "rrelu", "selu_", "celu_", "threshold_", "rrelu_", "bilinear", "kl_div", "ctc_loss",
           "cosine_embedding_loss", "hinge_embedding_loss", "margin_ranking_loss",
           "poisson_nll_loss", "triplet_margin_loss", "binary_cross_entropy_with_logits",
           "constant_pad_nd"]

_REDUCTIONS = {0: "none", 1: "mean", 2: "sum"}


def _reduction(value):
    if isinstance(value, str):  # torch's Python wrappers pass strings on
        return value
    if value not in _REDUCTIONS:
        raise ValueError(f"{value} is not a valid value for reduction")
    return _REDUCTIONS[value]


def dropout(input, p, train):
    return F.dropout(input, p, train)


def alpha_dropout(input, p, train):
    return F.alpha_dropout(input, p, train)


def feature_alpha_dropout(input, p, train):
    return F.feature_alpha_dropout(input, p, train)


def dropout_(input, p, train):
    return F.dropout(input, p, train, inplace=True)


def alpha_dropout_(input, p, train):
    return F.alpha_dropout(input, p, train, inplace=True)


def feature_alpha_dropout_(input, p, train):
    return F.feature_alpha_dropout(input, p, train, inplace=True)


def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-05, cudnn_enable=True):
    return F.layer_norm(input, normalized_shape, weight, bias, eps)


def group_norm(input, num_groups, weight=None, bias=None, eps=1e-05, cudnn_enabled=True):
    return F.group_norm(input, num_groups, weight, bias, eps)


def batch_norm(input, weight, bias, running_mean, running_var, training, momentum, eps,
               cudnn_enabled):
    return F.batch_norm(input, running_mean, running_var, weight, bias, training, momentum, eps)


def instance_norm(input, weight, bias, running_mean, running_var, use_input_stats, momentum,
                  eps, cudnn_enabled):
    return F.instance_norm(input, running_mean, running_var, weight, bias, use_input_stats,
                           momentum, eps)


def embedding(weight, indices, padding_idx=-1, scale_grad_by_freq=False, sparse=False):
    """F.embedding with the weight first; padding_idx=-1 means none, as in ATen."""
    return F.embedding(indices, weight, None if padding_idx == -1 else padding_idx,
                       scale_grad_by_freq=scale_grad_by_freq, sparse=sparse)


def pixel_shuffle(input, upscale_factor):
    return F.pixel_shuffle(input, upscale_factor)


def pixel_unshuffle(input, downscale_factor):
    return F.pixel_unshuffle(input, downscale_factor)


def prelu(input, weight):
    return F.prelu(input, weight)


def selu(input):
    return F.selu(input)


def celu(input, alpha=1.0):
    return F.celu(input, alpha)


def threshold(input, threshold, value, *, out=None):
    result = F.threshold(input, threshold, value)
    if out is None:
        return result
    from .ops.elementwise import _write_out  # casts into out as torch's arithmetic
    return _write_out(out, result, "threshold")


def rrelu(input, lower=0.125, upper=1.0 / 3.0, training=False, generator=None):
    return F.rrelu(input, lower, upper, training)


def selu_(input):
    return F.selu_(input)


def celu_(input, alpha=1.0):
    return F.celu_(input, alpha)


def threshold_(input, threshold, value):
    return F.threshold_(input, threshold, value)


def rrelu_(input, lower=0.125, upper=1.0 / 3.0, training=False, generator=None):
    return F.rrelu_(input, lower, upper, training)


def bilinear(input1, input2, weight, bias=None):
    return F.bilinear(input1, input2, weight, bias)


# torch's top-level loss bindings fall back to reduction 0 (none) where it is left out, though
# ATen's schemas name Mean: torch.kl_div(x, y) is elementwise (torch 2.13)
def kl_div(input, target, reduction=0, *, log_target=False):
    """Differs from torch.nn.functional.kl_div: the default reduction is none, as torch's."""
    return F.kl_div(input, target, reduction=_reduction(reduction), log_target=log_target)


def ctc_loss(log_probs, targets, input_lengths, target_lengths, blank=0, reduction=0,
             zero_infinity=False):
    """F.ctc_loss; left out, the reduction is none: torch.ctc_loss's binding defaults to it."""
    return F.ctc_loss(log_probs, targets, input_lengths, target_lengths, blank,
                      _reduction(reduction), zero_infinity)


def cosine_embedding_loss(input1, input2, target, margin=0.0, reduction=0):
    return F.cosine_embedding_loss(input1, input2, target, margin,
                                   reduction=_reduction(reduction))


def hinge_embedding_loss(input, target, margin=1.0, reduction=0):
    return F.hinge_embedding_loss(input, target, margin, reduction=_reduction(reduction))


def margin_ranking_loss(input1, input2, target, margin=0.0, reduction=0):
    return F.margin_ranking_loss(input1, input2, target, margin,
                                 reduction=_reduction(reduction))


def poisson_nll_loss(input, target, log_input, full, eps, reduction):
    return F.poisson_nll_loss(input, target, log_input, full, eps=eps,
                              reduction=_reduction(reduction))


def triplet_margin_loss(anchor, positive, negative, margin=1.0, p=2.0, eps=1e-06, swap=False,
                        reduction=0):
    return F.triplet_margin_loss(anchor, positive, negative, margin, p, eps, swap,
                                 reduction=_reduction(reduction))


def binary_cross_entropy_with_logits(input, target, weight=None, pos_weight=None, reduction=0):
    return F.binary_cross_entropy_with_logits(input, target, weight,
                                              reduction=_reduction(reduction),
                                              pos_weight=pos_weight)


def constant_pad_nd(input, pad, value=0):
    return F.pad(input, pad, "constant", value)


def _top_level_inplace(name):
    def function(input, *args, **kwargs):
        return getattr(input, name)(*args, **kwargs)
    function.__name__ = function.__qualname__ = name
    function.__doc__ = f"`input.{name}(...)`, as torch.{name}."
    return function


# torch's top-level in-place functions, each the Tensor method of that name
_INPLACE_FUNCTIONS = (
    "abs_", "acos_", "acosh_", "arccos_", "arccosh_", "arcsin_", "arcsinh_", "arctan_",
    "arctanh_", "asin_", "asinh_", "atan_", "atanh_", "ceil_", "clamp_", "clamp_max_",
    "clamp_min_", "clip_", "cos_", "cosh_", "deg2rad_", "detach_", "erf_", "erfc_", "exp2_",
    "exp_", "expm1_", "fill_", "fix_", "floor_", "frac_", "gcd_", "i0_", "lcm_", "ldexp_",
    "log10_", "log1p_", "log2_", "log_", "logit_", "nan_to_num_", "neg_", "negative_",
    "rad2deg_", "reciprocal_", "relu_", "round_", "rsqrt_", "sigmoid_", "sin_", "sinc_",
    "sinh_", "sqrt_", "square_", "tan_", "tanh_", "trunc_", "xlogy_", "zero_",
)
for _name in _INPLACE_FUNCTIONS:
    globals()[_name] = _top_level_inplace(_name)
__all__ += list(_INPLACE_FUNCTIONS)
