"""torch's top-level forms of nn.functional ops (torch.dropout, torch.layer_norm,
torch.embedding ...), with ATen's signatures: positional flags instead of keywords, losses'
`reduction` as an int (0 none, 1 mean, 2 sum), embedding's weight first, modes as ints
(embedding_bag, grid_sampler). Also torch.convolution (every convolution in one), the
functional recurrent cells (torch.lstm_cell ...) and the top-level in-place forms torch has
(torch.relu_, torch.exp_ ...).
"""
import numbers

from . import _dtype
from ._tensor import Tensor
from .autograd import grad_mode
from .nn import functional as F
from .nn.functional._rnn import gru_step, lstm_step, rnn_relu_step, rnn_tanh_step
from .nn.functional.dropout import _feature_dropout
from .nn.functional.sparse import bag_reduce
from .ops import creation
from .ops.join import cat
from .ops.sort import searchsorted

__all__ = ["dropout", "alpha_dropout", "feature_alpha_dropout", "dropout_", "alpha_dropout_",
           "feature_alpha_dropout_", "layer_norm", "group_norm", "batch_norm", "instance_norm",
           "embedding", "pixel_shuffle", "pixel_unshuffle", "prelu", "selu", "celu", "threshold",
           "rrelu", "selu_", "celu_", "threshold_", "rrelu_", "bilinear", "kl_div", "ctc_loss",
           "cosine_embedding_loss", "hinge_embedding_loss", "margin_ranking_loss",
           "poisson_nll_loss", "triplet_margin_loss", "binary_cross_entropy_with_logits",
           "constant_pad_nd", "feature_dropout", "feature_dropout_", "rms_norm", "max_pool3d",
           "embedding_bag", "convolution", "grid_sampler", "affine_grid_generator",
           "lstm_cell", "gru_cell", "rnn_tanh_cell", "rnn_relu_cell"]

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


def _check_dropout_p(p):
    # torch's top-level dropouts check p in C++ (a RuntimeError; F's is a ValueError)
    if p < 0 or p > 1:
        raise RuntimeError(f"dropout probability has to be between 0 and 1, but got {p}")


def feature_dropout(input, p, train):
    """Dropout of whole channels: the (N, C) entries of an (N, C, *) input, as F.dropout2d
    does for any number of dims after C."""
    _check_dropout_p(p)
    return _feature_dropout(input, p, train, False, None)


def feature_dropout_(input, p, train):
    """feature_dropout, written into input."""
    _check_dropout_p(p)
    return _feature_dropout(input, p, train, True, None)


def rms_norm(input, normalized_shape, weight=None, eps=None):
    """F.rms_norm; normalized_shape must be a list or tuple, as torch's binding wants."""
    if isinstance(normalized_shape, numbers.Integral):
        raise TypeError("rms_norm(): argument 'normalized_shape' (position 2) must be tuple of "
                        "ints, not int")
    return F.rms_norm(input, normalized_shape, weight, eps)


def max_pool3d(input, kernel_size, stride=(), padding=0, dilation=1, ceil_mode=False):
    """F.max_pool3d without indices; stride () (torch's []) means the kernel size."""
    return F.max_pool3d(input, kernel_size, stride or None, padding, dilation, ceil_mode)


_BAG_MODES = ("sum", "mean", "max")


def embedding_bag(weight, indices, offsets, scale_grad_by_freq=False, mode=0, sparse=False,
                  per_sample_weights=None, include_last_offset=False, padding_idx=None):
    """ATen's embedding_bag: F.embedding_bag with the weight first and mode an int (0 sum,
    1 mean, 2 max), returning the 4 tensors torch's CPU kernel does.

    Returns:
        (output, offset2bag, bag_size, max_indices): output (B, D) as F.embedding_bag's;
        offset2bag[i] the bag of indices[i] (empty in mode sum where torch's fast path
        skips it: a floating weight with unit column stride, and no padding_idx);
        bag_size the number of indices in each bag in modes mean and max (zeros in mode
        sum, as many as offsets, or as bags when weight requires grad); max_indices, in
        mode max, the row of weight each maximum came from (B, D), and otherwise bag_size
        again. The index outputs have the dtype of
        indices and offsets promoted together.

    Differs from PyTorch: indices must be 1-D (torch reads a 2-D one by its first dim);
    where torch leaves bag_size uninitialised (mode sum) ember gives zeros.

    Example:
        >>> out, *_ = ember.embedding_bag(ember.eye(3), ember.tensor([0, 1, 2]),
        ...                               ember.tensor([0, 2]))
        >>> out
        tensor([[1., 1., 0.],
                [0., 0., 1.]])
    """
    if not isinstance(mode, numbers.Integral) or isinstance(mode, bool):
        raise TypeError(f"embedding_bag(): argument 'mode' must be int, not "
                        f"{type(mode).__name__}")
    if mode not in (0, 1, 2):
        raise RuntimeError("`mode` must be sum, mean, or max.")
    for position, (name, tensor) in enumerate((("indices", indices), ("offsets", offsets)), 1):
        if tensor.dtype not in (_dtype.int64, _dtype.int32):
            raise RuntimeError(
                f"Expected tensor for argument #{position} '{name}' to have one of the "
                f"following scalar types: Long, Int; but got {tensor.type()} instead (while "
                f"checking arguments for embedding_bag)")
    if weight.dim() != 2:
        raise RuntimeError(f"weight has to be a 2D Tensor, but got Tensor of dimension "
                           f"{weight.dim()}")
    if indices.dim() != 1:
        raise RuntimeError(f"embedding_bag: indices has to be a 1D Tensor, but got Tensor of "
                           f"dimension {indices.dim()}")
    if offsets.dim() != 1:
        raise RuntimeError(f"offsets has to be a 1D Tensor, but got Tensor of dimension "
                           f"{offsets.dim()}")
    if per_sample_weights is not None:
        if mode != 0:
            raise RuntimeError("embedding_bag: per_sample_weights only supported with "
                               "mode='sum'")
        if per_sample_weights.numel() != indices.numel():
            raise RuntimeError(
                f"embedding_bag: per_sample_weights ({per_sample_weights.numel()} elements) "
                f"must have as many elements as indices ({indices.numel()})")
    output, max_indices = bag_reduce(
        indices, weight, offsets, None, 2, scale_grad_by_freq, _BAG_MODES[mode],
        per_sample_weights, include_last_offset, padding_idx, max_indices=mode == 2)
    with grad_mode.no_grad():
        index_dtype = _dtype.promote_types(indices.dtype, offsets.dtype)
        offset2bag, bag_size = _bag_bookkeeping(
            weight, indices.to(index_dtype), offsets.to(index_dtype), mode,
            include_last_offset, padding_idx)
        if max_indices is None:
            max_indices = bag_size.clone()
    return output, offset2bag, bag_size, max_indices.to(index_dtype)


def _bag_bookkeeping(weight, indices, offsets, mode, include_last_offset, padding_idx):
    """torch.embedding_bag's offset2bag and bag_size (see embedding_bag)."""
    count = indices.shape[0]
    bags = offsets.shape[0] - (1 if include_last_offset else 0)
    starts = offsets[:bags]
    fast_sum = (mode == 0 and padding_idx is None and weight.is_floating_point()
                and weight.stride(1) == 1)
    if fast_sum:
        offset2bag = creation.empty(0, dtype=indices.dtype)
    else:  # the bag of each position: how many bags start at or before it, minus one
        positions = creation.arange(count, dtype=indices.dtype)
        offset2bag = searchsorted(starts, positions, right=True).to(indices.dtype) - 1
    if mode == 0:  # zeros, one per offset (per bag when weight requires grad), as torch's
        length = bags if weight.requires_grad else offsets.shape[0]
        return offset2bag, creation.zeros(length, dtype=indices.dtype)
    # torch's bag sizes: the differences of the starts, the last bag running to the end
    ends = cat([starts[1:], creation.tensor([count], dtype=indices.dtype)])
    if padding_idx is None:
        return offset2bag, ends - starts
    padding = padding_idx + weight.shape[0] if padding_idx < 0 else padding_idx
    kept = cat([creation.zeros(1, dtype=indices.dtype),
                         indices.ne(padding).to(indices.dtype).cumsum(0)])
    return offset2bag, kept[ends] - kept[starts]


def convolution(input, weight, bias, stride, padding, dilation, transposed, output_padding,
                groups):
    """Every convolution in one: conv1d/2d/3d, or conv_transpose1d/2d/3d when transposed,
    chosen by weight's number of dims (3, 4 or 5) as torch.convolution.

    stride, padding, dilation and output_padding are lists of one int per spatial dim (or
    one for all); output_padding counts only when transposed.

    Example:
        >>> ember.convolution(ember.ones(1, 1, 4, 4), ember.ones(1, 1, 3, 3), None,
        ...                   [1, 1], [0, 0], [1, 1], False, [0, 0], 1)
        tensor([[[[9., 9.],
                  [9., 9.]]]])
    """
    spatial = weight.dim() - 2
    if spatial not in (1, 2, 3):
        raise RuntimeError(f"convolution: expected a weight of 3, 4 or 5 dims (1, 2 or 3 "
                           f"spatial), but got weight of size {list(weight.shape)}")
    if input.dim() != weight.dim():
        raise RuntimeError(f"Expected {weight.dim()}-dimensional input for {weight.dim()}-"
                           f"dimensional weight {list(weight.shape)}, but got {input.dim()}-"
                           f"dimensional input of size {list(input.shape)} instead")
    if not isinstance(transposed, bool):
        raise TypeError(f"convolution(): argument 'transposed' (position 7) must be bool, not "
                        f"{type(transposed).__name__}")
    stride, padding, dilation, output_padding = (
        _conv_ints(value, name, position, spatial) for value, name, position in (
            (stride, "stride", 4), (padding, "padding", 5), (dilation, "dilation", 6),
            (output_padding, "output_padding", 8)))
    if transposed:
        conv = (F.conv_transpose1d, F.conv_transpose2d, F.conv_transpose3d)[spatial - 1]
        return conv(input, weight, bias, stride, padding, output_padding, groups, dilation)
    conv = (F.conv1d, F.conv2d, F.conv3d)[spatial - 1]
    return conv(input, weight, bias, stride, padding, dilation, groups)


def _conv_ints(value, name, position, spatial):
    """A list of ints, one per spatial dim (one for all is spread), as torch.convolution."""
    if not isinstance(value, (list, tuple)) or not all(
            isinstance(v, numbers.Integral) and not isinstance(v, bool) for v in value):
        raise TypeError(f"convolution(): argument '{name}' (position {position}) must be tuple "
                        f"of ints, not {type(value).__name__}")
    if len(value) not in (1, spatial):
        raise RuntimeError(f"expected {name} to be a single integer value or a list of "
                           f"{spatial} values to match the convolution dimensions, but got "
                           f"{name}={list(value)}")
    return tuple(int(v) for v in value) * (spatial if len(value) == 1 else 1)


_INTERPOLATION_MODES = ("bilinear", "nearest", "bicubic")
_PADDING_MODES = ("zeros", "border", "reflection")


def grid_sampler(input, grid, interpolation_mode, padding_mode, align_corners):
    """F.grid_sample with its modes as ints: interpolation 0 bilinear, 1 nearest, 2 bicubic;
    padding 0 zeros, 1 border, 2 reflection.

    Differs from PyTorch: another int raises ValueError (torch doesn't check)."""
    for name, value, names in (("interpolation_mode", interpolation_mode, _INTERPOLATION_MODES),
                               ("padding_mode", padding_mode, _PADDING_MODES)):
        if not isinstance(value, numbers.Integral) or isinstance(value, bool):
            raise TypeError(f"grid_sampler(): argument '{name}' must be int, not "
                            f"{type(value).__name__}")
        if not 0 <= value < len(names):
            raise ValueError(f"grid_sampler(): {name} must be one of 0 ... {len(names) - 1} "
                             f"({', '.join(names)}), but got {value}")
    if not isinstance(align_corners, bool):
        raise TypeError(f"grid_sampler(): argument 'align_corners' (position 5) must be bool, "
                        f"not {type(align_corners).__name__}")
    return F.grid_sample(input, grid, _INTERPOLATION_MODES[interpolation_mode],
                         _PADDING_MODES[padding_mode], align_corners)


def affine_grid_generator(theta, size, align_corners):
    """F.affine_grid with align_corners required: the sampling grid (N, H, W, 2) or
    (N, D, H, W, 3) of the affine maps theta (N, 2, 3) or (N, 3, 4) for an output of size
    (N, C, H, W) or (N, C, D, H, W)."""
    if len(size) not in (4, 5):
        raise RuntimeError("AffineGridGenerator needs 4d (spatial) or 5d (volumetric) inputs.")
    if not isinstance(align_corners, bool):
        raise TypeError(f"affine_grid_generator(): argument 'align_corners' (position 3) must "
                        f"be bool, not {type(align_corners).__name__}")
    rows = len(size) - 2
    if theta.dim() != 3 or list(theta.shape) != [size[0], rows, rows + 1]:
        raise RuntimeError(f"affine_grid_generator: expected theta of size "
                           f"{[size[0], rows, rows + 1]} for size {list(size)}, but got "
                           f"{list(theta.shape)}")
    return F.affine_grid(theta, size, align_corners)


# -- the recurrent cells, one step each (the math of nn.RNNCell, LSTMCell, GRUCell) -------

def _check_cell_input(input, w_ih):
    if input.size(1) != w_ih.size(1):
        raise RuntimeError(f"input has inconsistent input_size: got {input.size(1)} expected "
                           f"{w_ih.size(1)}")


def _check_cell_hidden(input, states, w_hh):
    hidden_size = w_hh.size(1)
    for index, state in enumerate(states):
        if input.size(0) != state.size(0):
            raise RuntimeError(f"Input batch size {input.size(0)} doesn't match hidden{index} "
                               f"batch size {state.size(0)}")
        if state.size(1) != hidden_size:
            raise RuntimeError(f"hidden{index} has inconsistent hidden_size: got "
                               f"{state.size(1)}, expected {hidden_size}")


def _check_cell_weights(w_ih, w_hh, gates):
    hidden_size = w_hh.size(1)
    for name, weight in (("weight_ih", w_ih), ("weight_hh", w_hh)):
        if weight.size(0) != gates * hidden_size:
            raise RuntimeError(f"{name} first dim must be {gates} * hidden_size = "
                               f"{gates * hidden_size}, but got {weight.size(0)}")


def _input_gates(input, w_ih, b_ih, b_hh):
    """x W_ih^T + b_ih + b_hh: the input's share of every gate (both biases, either may be
    None), for the cells whose biases add up."""
    gates = F.linear(input, w_ih, b_ih)
    return gates if b_hh is None else gates + b_hh


def lstm_cell(input, hx, w_ih, w_hh, b_ih=None, b_hh=None):
    """One LSTM step (nn.LSTMCell's math) with the weights passed in: (h', c') from input
    (N, H_in) and hx = (h, c), each (N, H); w_ih (4H, H_in), w_hh (4H, H), biases (4H,).

    Example:
        >>> h, c = ember.lstm_cell(ember.randn(3, 5), (ember.zeros(3, 4), ember.zeros(3, 4)),
        ...                        ember.randn(16, 5), ember.randn(16, 4))
        >>> h.shape
        ember.Size([3, 4])
    """
    if isinstance(hx, Tensor) or not isinstance(hx, (list, tuple)):
        raise TypeError(f"lstm_cell(): argument 'hx' (position 2) must be tuple of Tensors, not "
                        f"{type(hx).__name__}")
    if len(hx) != 2:
        raise RuntimeError("lstm_cell expects two hidden states")
    _check_cell_input(input, w_ih)
    _check_cell_weights(w_ih, w_hh, 4)  # torch checks the LSTM's weights before the states
    _check_cell_hidden(input, hx, w_hh)
    return lstm_step(_input_gates(input, w_ih, b_ih, b_hh), hx[0], hx[1], w_hh, None)


def gru_cell(input, hx, w_ih, w_hh, b_ih=None, b_hh=None):
    """One GRU step (nn.GRUCell's math) with the weights passed in: h' from input (N, H_in)
    and hx (N, H); w_ih (3H, H_in), w_hh (3H, H), biases (3H,)."""
    _check_cell_input(input, w_ih)
    _check_cell_hidden(input, (hx,), w_hh)
    _check_cell_weights(w_ih, w_hh, 3)
    return gru_step(F.linear(input, w_ih, b_ih), hx, w_hh, b_hh)


def rnn_tanh_cell(input, hx, w_ih, w_hh, b_ih=None, b_hh=None):
    """One Elman RNN step: h' = tanh(x W_ih^T + b_ih + h W_hh^T + b_hh)."""
    _check_cell_input(input, w_ih)
    _check_cell_weights(w_ih, w_hh, 1)  # before the state, as torch (GRU's come after it)
    _check_cell_hidden(input, (hx,), w_hh)
    return rnn_tanh_step(_input_gates(input, w_ih, b_ih, b_hh), hx, w_hh)


def rnn_relu_cell(input, hx, w_ih, w_hh, b_ih=None, b_hh=None):
    """One Elman RNN step: h' = relu(x W_ih^T + b_ih + h W_hh^T + b_hh)."""
    _check_cell_input(input, w_ih)
    _check_cell_weights(w_ih, w_hh, 1)  # before the state, as torch (GRU's come after it)
    _check_cell_hidden(input, (hx,), w_hh)
    return rnn_relu_step(_input_gates(input, w_ih, b_ih, b_hh), hx, w_hh)

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
