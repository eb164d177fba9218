"""MultiheadAttention: attention from several learned projections ("heads") at once.

The computation is ember.nn.functional.multi_head_attention_forward; the module holds the
parameters under torch's names (in_proj_weight, in_proj_bias, out_proj.weight ...).
"""
from ...ops.creation import empty
from .. import init
from ..functional import attention as attention_functional
from ..parameter import Parameter
from .linear import Linear
from .module import Module

__all__ = ["MultiheadAttention"]


class NonDynamicallyQuantizableLinear(Linear):
    """A Linear, under the name torch gives MultiheadAttention's output projection (it shows
    in the module's repr)."""


class MultiheadAttention(Module):
    """Attention over the same inputs through num_heads projections, concatenated:

        head_i = softmax((Q W_q,i^T)(K W_k,i^T)^T / sqrt(E / h) + mask) (V W_v,i^T)
        output = concat(head_1, ..., head_h) W_out^T + b_out

    Args:
        embed_dim: E, the model's feature size (split evenly over the heads).
        num_heads: h.
        dropout: dropout probability on the attention weights (training only). Default: 0.
        bias: learn in_proj_bias and out_proj.bias. Default: True.
        add_bias_kv: learn bias_k and bias_v (1, 1, E), appended to the keys and values.
        add_zero_attn: append a zero key and value to every sequence.
        kdim, vdim: feature sizes of key and value (default E); if either differs, the
            projections are q_proj_weight, k_proj_weight and v_proj_weight instead of
            in_proj_weight.
        batch_first: inputs and output are (N, L, E) instead of (L, N, E).

    in_proj_weight (or the three separate weights) starts from xavier_uniform_, the biases
    from zeros, bias_k and bias_v from xavier_normal_, as in torch.

    forward(query, key, value, key_padding_mask=None, need_weights=True, attn_mask=None,
    average_attn_weights=True, is_causal=False) returns (output, weights): see
    ember.nn.functional.multi_head_attention_forward for the masks and shapes.

    Example:
        >>> mha = ember.nn.MultiheadAttention(16, 4, batch_first=True)
        >>> x = ember.randn(2, 5, 16)
        >>> output, weights = mha(x, x, x)
        >>> output.shape, weights.shape
        (ember.Size([2, 5, 16]), ember.Size([2, 5, 5]))
    """

    __constants__ = ["batch_first"]

    def __init__(self, embed_dim, num_heads, dropout=0.0, bias=True, add_bias_kv=False,
                 add_zero_attn=False, kdim=None, vdim=None, batch_first=False, device=None,
                 dtype=None):
        if embed_dim <= 0 or num_heads <= 0:
            raise ValueError(f"embed_dim and num_heads must be greater than 0, got "
                             f"embed_dim={embed_dim} and num_heads={num_heads} instead")
        factory = {"device": device, "dtype": dtype}
        super().__init__()
        self.embed_dim = embed_dim
        self.kdim = kdim if kdim is not None else embed_dim
        self.vdim = vdim if vdim is not None else embed_dim
        self._qkv_same_embed_dim = self.kdim == embed_dim and self.vdim == embed_dim
        self.num_heads = num_heads
        self.dropout = dropout
        self.batch_first = batch_first
        self.head_dim = embed_dim // num_heads
        if self.head_dim * num_heads != self.embed_dim:
            raise AssertionError(f"embed_dim must be divisible by num_heads; got embed_dim="
                                 f"{embed_dim} and num_heads={num_heads}")
        if not self._qkv_same_embed_dim:
            self.q_proj_weight = Parameter(empty((embed_dim, embed_dim), **factory))
            self.k_proj_weight = Parameter(empty((embed_dim, self.kdim), **factory))
            self.v_proj_weight = Parameter(empty((embed_dim, self.vdim), **factory))
            self.register_parameter("in_proj_weight", None)
        else:
            self.in_proj_weight = Parameter(empty((3 * embed_dim, embed_dim), **factory))
            self.register_parameter("q_proj_weight", None)
            self.register_parameter("k_proj_weight", None)
            self.register_parameter("v_proj_weight", None)
        if bias:
            self.in_proj_bias = Parameter(empty(3 * embed_dim, **factory))
        else:
            self.register_parameter("in_proj_bias", None)
        self.out_proj = NonDynamicallyQuantizableLinear(embed_dim, embed_dim, bias=bias,
                                                        **factory)
        if add_bias_kv:
            self.bias_k = Parameter(empty((1, 1, embed_dim), **factory))
            self.bias_v = Parameter(empty((1, 1, embed_dim), **factory))
        else:
            self.bias_k = self.bias_v = None
        self.add_zero_attn = add_zero_attn
        self._reset_parameters()

    def _reset_parameters(self):
        if self._qkv_same_embed_dim:
            init.xavier_uniform_(self.in_proj_weight)
        else:
            init.xavier_uniform_(self.q_proj_weight)
            init.xavier_uniform_(self.k_proj_weight)
            init.xavier_uniform_(self.v_proj_weight)
        if self.in_proj_bias is not None:
            init.constant_(self.in_proj_bias, 0.0)
            init.constant_(self.out_proj.bias, 0.0)
        if self.bias_k is not None:
            init.xavier_normal_(self.bias_k)
        if self.bias_v is not None:
            init.xavier_normal_(self.bias_v)

    def forward(self, query, key, value, key_padding_mask=None, need_weights=True,
                attn_mask=None, average_attn_weights=True, is_causal=False):
        """Attend from query to key, weighting value.

        Args:
            query: (L, N, E), (N, L, E) with batch_first, or (L, E) unbatched.
            key, value: (S, N, kdim / vdim) likewise.
            key_padding_mask: (N, S) or (S,): True (or -inf) where a key is padding.
            need_weights: also return the attention weights.
            attn_mask: (L, S) or (N * num_heads, L, S): True where attention is not allowed,
                or a float mask added to the scores.
            average_attn_weights: average the returned weights over the heads.
            is_causal: a hint that attn_mask is the causal mask.

        Returns:
            (output like query, weights (N, L, S) or (N, num_heads, L, S), or None).
        """
        key_padding_mask = attention_functional._canonical_mask(
            key_padding_mask, "key_padding_mask",
            attention_functional._none_or_dtype(attn_mask), "attn_mask", query.dtype)
        attn_mask = attention_functional._canonical_mask(attn_mask, "attn_mask", None, "",
                                                         query.dtype, False)
        separate = not self._qkv_same_embed_dim
        return attention_functional._mha_entry(
            query, key, value, self.embed_dim, self.num_heads, self.in_proj_weight,
            self.in_proj_bias, self.bias_k, self.bias_v, self.add_zero_attn, self.dropout,
            self.out_proj.weight, self.out_proj.bias, self.training, key_padding_mask,
            need_weights, attn_mask, separate, self.q_proj_weight, self.k_proj_weight,
            self.v_proj_weight, None, None, average_attn_weights, is_causal,
            batch_first=self.batch_first and query.dim() == 3)

    def merge_masks(self, attn_mask, key_padding_mask, query):
        """(mask, type) as torch's fast path combines them: attn_mask (L, L) or (N*h, L, L)
        and key_padding_mask (N, L) into one (N, h, L, L) mask; type 1 for the key padding
        mask alone, 2 with an attn_mask, None for neither."""
        mask_type = merged_mask = None
        if key_padding_mask is not None:
            mask_type, merged_mask = 1, key_padding_mask
        if attn_mask is not None:
            batch_size, seq_len, _ = query.shape
            mask_type = 2
            if attn_mask.dim() == 3:
                merged_mask = attn_mask.view(batch_size, -1, seq_len, seq_len)
            else:
                merged_mask = attn_mask.view(1, 1, seq_len, seq_len).expand(
                    batch_size, self.num_heads, -1, -1)
            if key_padding_mask is not None:
                merged_mask = merged_mask + key_padding_mask.view(
                    batch_size, 1, 1, seq_len).expand(-1, self.num_heads, -1, -1)
        return merged_mask, mask_type
