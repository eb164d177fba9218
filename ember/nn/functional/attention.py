"""Attention: scaled_dot_product_attention and multi_head_attention_forward.

Both are written with ember ops (matmul, softmax, dropout, matmul), so every gradient,
including double backward, comes from those ops. Heads are kept as a batch dim of views,
(N, heads, L, head_dim), so splitting and merging them costs no copies until the output
projection.

Masks come in two conventions, as in torch:
- scaled_dot_product_attention: a bool attn_mask says where to *attend* (True = take part);
  a float mask is added to the scores.
- multi_head_attention_forward and the modules: a bool mask says what to *block* (True = not
  allowed); a float mask is added. Bool masks become float masks of 0 / -inf.
A query row that every key is masked from gets an output of zeros from
scaled_dot_product_attention (torch's fused CPU kernels do the same); with need_weights=True,
multi_head_attention_forward gives nan there, as torch does.
"""
import math
import warnings

from ... import _dtype
from ..._tensor import Tensor
from ...backends import cuda as _sdp_flags
from ...autograd import grad_mode
from ...ops import creation, join
from .activation import softmax
from .dropout import dropout
from .linear import linear

__all__ = ["scaled_dot_product_attention", "multi_head_attention_forward"]

_HALF = (_dtype.float16, _dtype.bfloat16)
# The kernels torch has for scaled_dot_product_attention per device; ember's one
# implementation stands in for them, so it runs while one of them is enabled (see
# ember.nn.attention.sdpa_kernel).
_KERNELS = {"cpu": ("math", "flash"), "cuda": ("math", "flash", "mem_efficient", "cudnn")}


def _attention(query, key, value, mask, dropout_p, scale, zero_blocked_rows):
    """softmax(query key^T * scale + mask) (dropped out) @ value, and those weights.

    mask: None, a bool tensor (True = attend) or a float tensor added to the scores; it
    broadcasts to (..., L, S).
    """
    query = query * scale
    blocked_rows = None
    if mask is not None and mask.dtype != _dtype.bool and query.dtype in _HALF:
        # torch's baddbmm: mask + Q K^T accumulated in float32 and rounded once
        scores = (query.float().matmul(key.float().transpose(-2, -1)) + mask.float()).to(
            query.dtype)
        blocked = None
    else:
        scores = query.matmul(key.transpose(-2, -1))          # (..., L, S)
    if mask is not None:
        if mask.dtype == _dtype.bool:
            blocked = mask.logical_not()
            scores = scores.masked_fill(blocked, -math.inf)
        elif query.dtype not in _HALF:
            blocked = None
            scores = scores + mask
        if zero_blocked_rows:
            with grad_mode.no_grad():
                rows = (blocked if blocked is not None else mask.isneginf()).all(-1, keepdim=True)
            if bool(rows.any()):
                # a row of -inf only would make softmax (and its gradient) nan
                blocked_rows = rows
                scores = scores.masked_fill(blocked_rows, 0.0)
    weights = softmax(scores, -1)
    if blocked_rows is not None:
        weights = weights.masked_fill(blocked_rows, 0.0)
    if dropout_p > 0.0:
        weights = dropout(weights, dropout_p, True)
    return weights.matmul(value), weights


def scaled_dot_product_attention(query, key, value, attn_mask=None, dropout_p=0.0,
                                 is_causal=False, *, scale=None, enable_gqa=False):
    """Attention of queries over keys, weighting values:

        softmax(Q K^T * scale + mask) V,   scale = 1 / sqrt(E) by default

    Args:
        query: (..., L, E).  key: (..., S, E).  value: (..., S, Ev).
        attn_mask: broadcastable to (..., L, S): bool (True = attend) or float (added).
        dropout_p: dropout probability on the attention weights; applied whenever > 0
            (pass 0.0 in eval mode).
        is_causal: attend only to keys at or before the query's position (top-left
            aligned); attn_mask must then be None.
        scale: the scores' factor instead of 1 / sqrt(E).
        enable_gqa: allow fewer key/value heads than query heads (dim -3), each key/value
            head serving a group of query heads.

    Returns:
        (..., L, Ev). A query that may attend to no key gets zeros.

    Raises:
        RuntimeError: every kernel torch has for the device is switched off
            (ember.nn.attention.sdpa_kernel, ember.backends.cuda.enable_math_sdp ...).

    Example:
        >>> q = k = v = ember.randn(2, 4, 8, 16)   # (N, heads, L, E)
        >>> F.scaled_dot_product_attention(q, k, v, is_causal=True).shape
        ember.Size([2, 4, 8, 16])
    """
    for name, tensor in (("query", query), ("key", key), ("value", value)):
        if not isinstance(tensor, Tensor) or tensor.dim() < 2:
            raise RuntimeError(f"scaled_dot_product_attention: {name} must be a tensor of at "
                               f"least 2 dims (..., length, features)")
    if key.shape[-1] != query.shape[-1]:
        raise RuntimeError(
            f"scaled_dot_product_attention: query and key must have the same feature size; got "
            f"query {list(query.shape)} and key {list(key.shape)}")
    if key.shape[-2] != value.shape[-2]:
        raise RuntimeError(
            f"scaled_dot_product_attention: key and value must have the same length; got key "
            f"{list(key.shape)} and value {list(value.shape)}")
    if is_causal and attn_mask is not None:
        raise RuntimeError("_scaled_dot_product_attention: Explicit attn_mask should not be set "
                           "when is_causal=True")
    kernels = _KERNELS.get(query.device.type, _KERNELS["cuda"])
    if not any(_sdp_flags._sdp_enabled[name] for name in kernels):
        raise RuntimeError("No viable backend for scaled_dot_product_attention was found. This "
                           "is likely due to turning off both the math kernel and the fused "
                           "kernels.")
    if enable_gqa and query.dim() >= 3:
        heads = query.shape[-3]
        if heads % key.shape[-3] or heads % value.shape[-3]:
            raise RuntimeError(
                f"scaled_dot_product_attention: with enable_gqa the number of query heads "
                f"({heads}) must be a multiple of the key ({key.shape[-3]}) and value "
                f"({value.shape[-3]}) heads")
        key = key.repeat_interleave(heads // key.shape[-3], -3)
        value = value.repeat_interleave(heads // value.shape[-3], -3)
    if query.dtype in _HALF:  # torch's CPU kernels compute in float32 and round once
        if attn_mask is not None and attn_mask.is_floating_point():
            attn_mask = attn_mask.float()
        return scaled_dot_product_attention(
            query.float(), key.float(), value.float(), attn_mask, dropout_p, is_causal,
            scale=scale).to(query.dtype)
    length, source = query.shape[-2], key.shape[-2]
    if is_causal:
        attn_mask = creation.ones((length, source), dtype=_dtype.bool,
                                  device=query.device).tril()
    if scale is None:
        scale = 1.0 / math.sqrt(query.shape[-1])
    output, _ = _attention(query, key, value, attn_mask, dropout_p, scale, True)
    return output


# -- multi-head attention -------------------------------------------------------------------

def _canonical_mask(mask, mask_name, other_type, other_name, target_type, check_other=True):
    """A mask as torch's internal form: None, or a float mask (bool True becomes -inf)."""
    if mask is None:
        return None
    is_float = mask.is_floating_point()
    if mask.dtype != _dtype.bool and not is_float:
        raise AssertionError(f"only bool and floating types of {mask_name} are supported")
    if check_other and other_type is not None and mask.dtype != other_type:
        warnings.warn(f"Support for mismatched {mask_name} and {other_name} is deprecated. Use "
                      f"same type for both instead.", stacklevel=3)
    if not is_float:
        mask = creation.zeros(mask.shape, dtype=target_type,
                              device=mask.device).masked_fill(mask, -math.inf)
    return mask


def _none_or_dtype(input):
    if input is None:
        return None
    if isinstance(input, Tensor):
        return input.dtype
    raise RuntimeError("input to _none_or_dtype() must be None or torch.Tensor")


def _mha_shape_check(query, key, value, key_padding_mask, attn_mask, num_heads):
    """Whether the input is batched; raises torch's AssertionError for mismatched ranks."""
    if query.dim() == 3:
        if key.dim() != 3 or value.dim() != 3:
            raise AssertionError(
                f"For batched (3-D) `query`, expected `key` and `value` to be 3-D but found "
                f"{key.dim()}-D and {value.dim()}-D tensors respectively")
        if key_padding_mask is not None and key_padding_mask.dim() != 2:
            raise AssertionError(
                f"For batched (3-D) `query`, expected `key_padding_mask` to be `None` or 2-D but "
                f"found {key_padding_mask.dim()}-D tensor instead")
        if attn_mask is not None and attn_mask.dim() not in (2, 3):
            raise AssertionError(
                f"For batched (3-D) `query`, expected `attn_mask` to be `None`, 2-D or 3-D but "
                f"found {attn_mask.dim()}-D tensor instead")
        return True
    if query.dim() == 2:
        if key.dim() != 2 or value.dim() != 2:
            raise AssertionError(
                f"For unbatched (2-D) `query`, expected `key` and `value` to be 2-D but found "
                f"{key.dim()}-D and {value.dim()}-D tensors respectively")
        if key_padding_mask is not None and key_padding_mask.dim() != 1:
            raise AssertionError(
                f"For unbatched (2-D) `query`, expected `key_padding_mask` to be `None` or 1-D "
                f"but found {key_padding_mask.dim()}-D tensor instead")
        if attn_mask is not None:
            if attn_mask.dim() not in (2, 3):
                raise AssertionError(
                    f"For unbatched (2-D) `query`, expected `attn_mask` to be `None`, 2-D or 3-D "
                    f"but found {attn_mask.dim()}-D tensor instead")
            expected = (num_heads, query.shape[0], key.shape[0])
            if attn_mask.dim() == 3 and tuple(attn_mask.shape) != expected:
                raise AssertionError(f"Expected `attn_mask` shape to be {expected} but got "
                                     f"{tuple(attn_mask.shape)}")
        return False
    raise AssertionError(f"query should be unbatched 2D or batched 3D tensor but received "
                         f"{query.dim()}-D query tensor")


def _in_projection(query, key, value, in_proj_weight, in_proj_bias, separate_weights):
    """(q, k, v), the input projections: one matmul with the packed weight when query, key
    and value are one tensor (self-attention), two when key is value."""
    biases = (None,) * 3 if in_proj_bias is None else in_proj_bias.chunk(3)
    if separate_weights is not None:
        return tuple(linear(x, w, b) for x, w, b in zip((query, key, value), separate_weights,
                                                        biases))
    if query is key and key is value:
        return linear(query, in_proj_weight, in_proj_bias).chunk(3, -1)
    w_q, w_k, w_v = in_proj_weight.chunk(3)
    if key is value:
        embed_dim = query.shape[-1]
        kv_bias = None if in_proj_bias is None else in_proj_bias[embed_dim:]
        k, v = linear(key, in_proj_weight[embed_dim:], kv_bias).chunk(2, -1)
        return linear(query, w_q, biases[0]), k, v
    return linear(query, w_q, biases[0]), linear(key, w_k, biases[1]), linear(value, w_v, biases[2])


def _split_heads(x, num_heads, batch_first):
    """(L, N, E) or (N, L, E) -> (N, heads, L, head_dim), a view."""
    if batch_first:
        batch, length, embed = x.shape
        return x.reshape(batch, length, num_heads, embed // num_heads).permute(0, 2, 1, 3)
    length, batch, embed = x.shape
    return x.reshape(length, batch, num_heads, embed // num_heads).permute(1, 2, 0, 3)


def _multi_head_attention(query, key, value, num_heads, in_proj_weight, in_proj_bias,
                          separate_weights, bias_k, bias_v, add_zero_attn, dropout_p,
                          out_proj_weight, out_proj_bias, training, key_padding_mask,
                          need_weights, attn_mask, average_attn_weights, is_causal, static_k,
                          static_v, batch_first):
    """multi_head_attention_forward for batched inputs in either layout, the masks already
    in torch's float form (or None)."""
    seq_dim = 1 if batch_first else 0
    tgt_len, bsz, embed_dim = ((query.shape[1], query.shape[0], query.shape[2]) if batch_first
                               else tuple(query.shape))
    head_dim = embed_dim // num_heads
    q, k, v = _in_projection(query, key, value, in_proj_weight, in_proj_bias, separate_weights)

    if attn_mask is not None:
        src_len = key.shape[seq_dim]
        if attn_mask.dim() == 2:
            if tuple(attn_mask.shape) != (tgt_len, src_len):
                raise RuntimeError(f"The shape of the 2D attn_mask is {tuple(attn_mask.shape)}, "
                                   f"but should be {(tgt_len, src_len)}.")
            attn_mask = attn_mask.unsqueeze(0)
        elif attn_mask.dim() == 3:
            if tuple(attn_mask.shape) != (bsz * num_heads, tgt_len, src_len):
                raise RuntimeError(f"The shape of the 3D attn_mask is {tuple(attn_mask.shape)}, "
                                   f"but should be {(bsz * num_heads, tgt_len, src_len)}.")
        else:
            raise RuntimeError(f"attn_mask's dimension {attn_mask.dim()} is not supported")

    if bias_k is not None and bias_v is not None:
        if static_k is not None:
            raise AssertionError("bias cannot be added to static key.")
        if static_v is not None:
            raise AssertionError("bias cannot be added to static value.")
        extra = (bsz, 1, embed_dim) if batch_first else (1, bsz, embed_dim)
        k = join.cat([k, bias_k.reshape(1, 1, embed_dim).expand(*extra)], seq_dim)
        v = join.cat([v, bias_v.reshape(1, 1, embed_dim).expand(*extra)], seq_dim)
        attn_mask = _pad_last(attn_mask)
        key_padding_mask = _pad_last(key_padding_mask)
    elif bias_k is not None:
        raise AssertionError("bias_k is set but bias_v is None")
    elif bias_v is not None:
        raise AssertionError("bias_v is set but bias_k is None")

    q = _split_heads(q, num_heads, batch_first)                        # (N, h, L, hd)
    k = _static(static_k, bsz, num_heads, head_dim, "static_k") if static_k is not None \
        else _split_heads(k, num_heads, batch_first)                   # (N, h, S, hd)
    v = _static(static_v, bsz, num_heads, head_dim, "static_v") if static_v is not None \
        else _split_heads(v, num_heads, batch_first)
    if add_zero_attn:
        zero = creation.zeros((bsz, num_heads, 1, head_dim), dtype=k.dtype, device=k.device)
        k = join.cat([k, zero], 2)
        v = join.cat([v, zero], 2)
        attn_mask = _pad_last(attn_mask)
        key_padding_mask = _pad_last(key_padding_mask)
    src_len = k.shape[2]

    mask = None
    if attn_mask is not None:
        # (1 or N*h, L, S) -> (1 or N, 1 or h, L, S)
        mask = (attn_mask.unsqueeze(0) if attn_mask.shape[0] == 1
                else attn_mask.reshape(bsz, num_heads, tgt_len, src_len))
    if key_padding_mask is not None:
        if tuple(key_padding_mask.shape) != (bsz, src_len):
            dim = 0 if key_padding_mask.shape[0] != bsz else 1
            raise AssertionError(
                f"Expected key_padded_mask.shape[{dim}] to be {(bsz, src_len)[dim]}, but got "
                f"{key_padding_mask.shape[dim]}")
        padding = key_padding_mask.reshape(bsz, 1, 1, src_len)
        mask = padding if mask is None else mask + padding
    if is_causal and mask is None:
        mask = creation.ones((tgt_len, src_len), dtype=_dtype.bool, device=q.device).tril()
    if not training:
        dropout_p = 0.0

    scale = 1.0 / math.sqrt(head_dim)
    if q.dtype in _HALF and not need_weights:
        # torch runs its fused attention here, in float32, rounded once
        output, weights = _attention(q.float(), k.float(), v.float(),
                                     mask.float() if mask is not None and
                                     mask.is_floating_point() else mask,
                                     dropout_p, scale, True)
        output = output.to(q.dtype)
    else:
        output, weights = _attention(q, k, v, mask, dropout_p, scale, not need_weights)
    # (N, h, L, hd) -> (L, N, E) or (N, L, E), heads merged
    order = (0, 2, 1, 3) if batch_first else (2, 0, 1, 3)
    output = output.permute(*order).reshape(*(query.shape[:2]), embed_dim)
    output = linear(output, out_proj_weight, out_proj_bias)
    if not need_weights:
        return output, None
    if average_attn_weights:
        weights = weights.mean(1)
    return output, weights


def _pad_last(mask):
    """A float mask with one more key column, allowed (0)."""
    if mask is None:
        return None
    return join.cat([mask, creation.zeros((*mask.shape[:-1], 1), dtype=mask.dtype,
                                           device=mask.device)], -1)


def _static(tensor, bsz, num_heads, head_dim, name):
    if tensor.shape[0] != bsz * num_heads:
        raise AssertionError(f"expecting {name}.size(0) of {bsz * num_heads}, but got "
                             f"{tensor.shape[0]}")
    if tensor.shape[2] != head_dim:
        raise AssertionError(f"expecting {name}.size(2) of {head_dim}, but got {tensor.shape[2]}")
    return tensor.reshape(bsz, num_heads, tensor.shape[1], head_dim)


def _prepare_mha(query, key, value, embed_dim_to_check, num_heads, key_padding_mask,
                 need_weights, attn_mask, is_causal, use_separate_proj_weight, in_proj_weight,
                 q_proj_weight, k_proj_weight, v_proj_weight, batch_first):
    """torch's checks and mask conversions; returns (is_batched, inputs, masks, is_causal,
    the separate projection weights or None)."""
    is_batched = _mha_shape_check(query, key, value, key_padding_mask, attn_mask, num_heads)
    if not is_batched:
        batch_dim = 0 if batch_first else 1
        query, key, value = (x.unsqueeze(batch_dim) for x in (query, key, value))
        if key_padding_mask is not None:
            key_padding_mask = key_padding_mask.unsqueeze(0)
    embed_dim = query.shape[-1]
    key_padding_mask = _canonical_mask(key_padding_mask, "key_padding_mask",
                                       _none_or_dtype(attn_mask), "attn_mask", query.dtype)
    if is_causal and attn_mask is None:
        raise RuntimeError(
            "Need attn_mask if specifying the is_causal hint. You may use the Transformer "
            "module method `generate_square_subsequent_mask` to create this mask.")
    if is_causal and key_padding_mask is None and not need_weights:
        attn_mask = None  # the hint stands for the mask
    else:
        attn_mask = _canonical_mask(attn_mask, "attn_mask", None, "", query.dtype, False)
        if key_padding_mask is not None:
            is_causal = False
    if embed_dim != embed_dim_to_check:
        raise AssertionError(f"was expecting embedding dimension of {embed_dim_to_check}, but "
                             f"got {embed_dim}")
    if embed_dim % num_heads:
        raise AssertionError(f"embed_dim {embed_dim} not divisible by num_heads {num_heads}")
    if use_separate_proj_weight:
        if tuple(key.shape[:2]) != tuple(value.shape[:2]):
            raise AssertionError(f"key's sequence and batch dims {tuple(key.shape[:2])} do not "
                                 f"match value's {tuple(value.shape[:2])}")
        for name, weight, features in (("query", q_proj_weight, embed_dim),
                                       ("key", k_proj_weight, key.shape[-1]),
                                       ("value", v_proj_weight, value.shape[-1])):
            if weight is None:
                raise AssertionError(f"use_separate_proj_weight is True but "
                                     f"{name[0]}_proj_weight is None")
            if tuple(weight.shape) != (embed_dim, features):
                raise AssertionError(f"expecting {name} weights shape of "
                                     f"{(embed_dim, features)}, but got {tuple(weight.shape)}")
        separate_weights = (q_proj_weight, k_proj_weight, v_proj_weight)
    else:
        if tuple(key.shape) != tuple(value.shape):
            raise AssertionError(f"key shape {tuple(key.shape)} does not match value shape "
                                 f"{tuple(value.shape)}")
        if in_proj_weight is None:
            raise AssertionError("use_separate_proj_weight is False but in_proj_weight is None")
        separate_weights = None
    return (is_batched, (query, key, value), key_padding_mask, attn_mask, is_causal,
            separate_weights)


def multi_head_attention_forward(query, key, value, embed_dim_to_check, num_heads,
                                 in_proj_weight, in_proj_bias, bias_k, bias_v, add_zero_attn,
                                 dropout_p, out_proj_weight, out_proj_bias, training=True,
                                 key_padding_mask=None, need_weights=True, attn_mask=None,
                                 use_separate_proj_weight=False, q_proj_weight=None,
                                 k_proj_weight=None, v_proj_weight=None, static_k=None,
                                 static_v=None, average_attn_weights=True, is_causal=False):
    """Multi-head attention (the computation of nn.MultiheadAttention):

        head_i = softmax((Q W_q,i)(K W_k,i)^T / sqrt(head_dim) + mask) (V W_v,i)
        output = concat(head_1, ..., head_h) W_out^T + b_out

    Args:
        query: (L, N, E) or (L, E).  key: (S, N, E_k) or (S, E_k).  value: (S, N, E_v).
        embed_dim_to_check: E, checked against query.
        num_heads: h; E must be divisible by it.
        in_proj_weight: (3E, E), the stacked W_q, W_k, W_v (unless use_separate_proj_weight,
            which takes q_proj_weight, k_proj_weight, v_proj_weight).
        in_proj_bias: (3E,) or None.
        bias_k, bias_v: (1, 1, E) extra key and value appended to the sequence, or None.
        add_zero_attn: append a zero key and value (after the heads split).
        dropout_p: dropout on the attention weights (training only).
        out_proj_weight, out_proj_bias: (E, E) and (E,) or None.
        key_padding_mask: (N, S): True (or -inf) where a key is padding.
        need_weights: also return the attention weights.
        attn_mask: (L, S) or (N * h, L, S): True (or -inf) where attention is not allowed,
            or a float mask added to the scores.
        static_k, static_v: (N * h, S, E / h) keys and values used as they are.
        average_attn_weights: average the returned weights over heads.
        is_causal: a hint that attn_mask is the causal mask.

    Returns:
        (output (L, N, E), weights (N, L, S), (N, h, L, S) unaveraged, or None).
    """
    return _mha_entry(query, key, value, embed_dim_to_check, num_heads, in_proj_weight,
                      in_proj_bias, bias_k, bias_v, add_zero_attn, dropout_p, out_proj_weight,
                      out_proj_bias, training, key_padding_mask, need_weights, attn_mask,
                      use_separate_proj_weight, q_proj_weight, k_proj_weight, v_proj_weight,
                      static_k, static_v, average_attn_weights, is_causal, batch_first=False)


def _mha_entry(query, key, value, embed_dim_to_check, num_heads, in_proj_weight, in_proj_bias,
               bias_k, bias_v, add_zero_attn, dropout_p, out_proj_weight, out_proj_bias,
               training, key_padding_mask, need_weights, attn_mask, use_separate_proj_weight,
               q_proj_weight, k_proj_weight, v_proj_weight, static_k, static_v,
               average_attn_weights, is_causal, batch_first):
    """multi_head_attention_forward with inputs in (N, L, E) layout when batch_first (what
    nn.MultiheadAttention uses, so it needs no transposes)."""
    same = (query is key, key is value)
    is_batched, (query, key, value), key_padding_mask, attn_mask, is_causal, separate = \
        _prepare_mha(query, key, value, embed_dim_to_check, num_heads, key_padding_mask,
                     need_weights, attn_mask, is_causal, use_separate_proj_weight,
                     in_proj_weight, q_proj_weight, k_proj_weight, v_proj_weight, batch_first)
    if same[0]:
        key = query
    if same[1]:
        value = key
    output, attn_weights = _multi_head_attention(
        query, key, value, num_heads, in_proj_weight, in_proj_bias, separate, bias_k, bias_v,
        add_zero_attn, dropout_p, out_proj_weight, out_proj_bias, training, key_padding_mask,
        need_weights, attn_mask, average_attn_weights, is_causal, static_k, static_v,
        batch_first)
    if not is_batched:
        output = output.squeeze(0 if batch_first else 1)
        if attn_weights is not None:
            attn_weights = attn_weights.squeeze(0)
    return output, attn_weights
