"""The Transformer of "Attention Is All You Need": encoder and decoder layers, their stacks,
and the full encoder-decoder model, with torch's module structure and parameter names.

Each layer is attention plus a two-layer feed-forward network, each wrapped in a residual
connection and a LayerNorm, after the sublayer (norm_first=False, the paper's order) or
before it (norm_first=True):

    post-norm:  x = norm(x + sublayer(x))        pre-norm:  x = x + sublayer(norm(x))
"""
import copy
import math
import warnings

from ...autograd import grad_mode
from ...ops.creation import full
from .. import functional as F
from .. import init
from ..functional import attention as attention_functional
from .activation import GELU, ReLU
from .attention import MultiheadAttention
from .container import ModuleList
from .dropout import Dropout
from .linear import Linear
from .module import Module
from .normalization import LayerNorm

__all__ = ["Transformer", "TransformerEncoder", "TransformerDecoder", "TransformerEncoderLayer",
           "TransformerDecoderLayer"]


def _generate_square_subsequent_mask(sz, device=None, dtype=None):
    """(sz, sz) float mask: 0 on and below the diagonal, -inf above (no peeking ahead)."""
    return full((sz, sz), -math.inf, dtype=dtype, device=device).triu(diagonal=1)


def _get_seq_len(src, batch_first):
    if src.dim() == 2:
        return src.shape[0]
    return src.shape[1 if batch_first else 0]


def _detect_is_causal_mask(mask, is_causal=None, size=None):
    """is_causal when given; otherwise whether mask is the causal mask of `size`."""
    make_causal = is_causal is True
    if is_causal is None and mask is not None:
        size = size if size is not None else mask.shape[-2]
        causal = _generate_square_subsequent_mask(size, device=mask.device, dtype=mask.dtype)
        make_causal = (tuple(mask.shape) == tuple(causal.shape)
                       and bool((mask == causal).all()))
    return make_causal


def _get_clones(module, N):
    return ModuleList([copy.deepcopy(module) for _ in range(N)])


def _get_activation_fn(activation):
    if activation == "relu":
        return F.relu
    if activation == "gelu":
        return F.gelu
    raise RuntimeError(f"activation should be relu/gelu, not {activation}")


class TransformerEncoderLayer(Module):
    """Self-attention and a feed-forward network, each with a residual connection and
    LayerNorm:

        x = norm1(x + dropout1(self_attn(x, x, x)))
        x = norm2(x + dropout2(linear2(dropout(activation(linear1(x))))))

    (with norm_first: x = x + dropout1(self_attn(norm1(x), ...)), and likewise for the
    feed-forward block).

    Args:
        d_model: the model's feature size.
        nhead: attention heads.
        dim_feedforward: the feed-forward network's hidden size. Default: 2048.
        dropout: dropout probability everywhere. Default: 0.1.
        activation: "relu", "gelu" or a unary callable (a Module is registered as a child).
            Default: relu.
        layer_norm_eps: the LayerNorms' eps. Default: 1e-5.
        batch_first: inputs are (N, S, E) instead of (S, N, E). Default: False.
        norm_first: normalise before each sublayer instead of after. Default: False.
        bias: the Linear and LayerNorm layers learn biases. Default: True.

    Example:
        >>> layer = ember.nn.TransformerEncoderLayer(d_model=32, nhead=4, batch_first=True)
        >>> layer(ember.randn(2, 10, 32)).shape
        ember.Size([2, 10, 32])
    """

    __constants__ = ["norm_first"]

    def __init__(self, d_model, nhead, dim_feedforward=2048, dropout=0.1, activation=F.relu,
                 layer_norm_eps=1e-5, batch_first=False, norm_first=False, bias=True,
                 device=None, dtype=None):
        factory = {"device": device, "dtype": dtype}
        super().__init__()
        self.self_attn = MultiheadAttention(d_model, nhead, dropout=dropout, bias=bias,
                                            batch_first=batch_first, **factory)
        self.linear1 = Linear(d_model, dim_feedforward, bias=bias, **factory)
        self.dropout = Dropout(dropout)
        self.linear2 = Linear(dim_feedforward, d_model, bias=bias, **factory)
        self.norm_first = norm_first
        self.norm1 = LayerNorm(d_model, eps=layer_norm_eps, bias=bias, **factory)
        self.norm2 = LayerNorm(d_model, eps=layer_norm_eps, bias=bias, **factory)
        self.dropout1 = Dropout(dropout)
        self.dropout2 = Dropout(dropout)
        if isinstance(activation, str):
            activation = _get_activation_fn(activation)
        if activation is F.relu or isinstance(activation, ReLU):
            self.activation_relu_or_gelu = 1
        elif activation is F.gelu or isinstance(activation, GELU):
            self.activation_relu_or_gelu = 2
        else:
            self.activation_relu_or_gelu = 0
        self.activation = activation

    def forward(self, src, src_mask=None, src_key_padding_mask=None, is_causal=False):
        """Args:
            src: (S, N, E), (N, S, E) with batch_first, or (S, E).
            src_mask: (S, S) or (N * nhead, S, S): True (or -inf) where attention is not
                allowed, or a float mask added to the scores.
            src_key_padding_mask: (N, S): True (or -inf) at padding.
            is_causal: a hint that src_mask is the causal mask.
        """
        src_key_padding_mask = attention_functional._canonical_mask(
            src_key_padding_mask, "src_key_padding_mask",
            attention_functional._none_or_dtype(src_mask), "src_mask", src.dtype)
        src_mask = attention_functional._canonical_mask(src_mask, "src_mask", None, "",
                                                        src.dtype, False)
        x = src
        if self.norm_first:
            x = x + self._sa_block(self.norm1(x), src_mask, src_key_padding_mask, is_causal)
            x = x + self._ff_block(self.norm2(x))
        else:
            x = self.norm1(x + self._sa_block(x, src_mask, src_key_padding_mask, is_causal))
            x = self.norm2(x + self._ff_block(x))
        return x

    def _sa_block(self, x, attn_mask, key_padding_mask, is_causal=False):
        x = self.self_attn(x, x, x, attn_mask=attn_mask, key_padding_mask=key_padding_mask,
                           need_weights=False, is_causal=is_causal)[0]
        return self.dropout1(x)

    def _ff_block(self, x):
        x = self.linear2(self.dropout(self.activation(self.linear1(x))))
        return self.dropout2(x)


class TransformerDecoderLayer(Module):
    """Self-attention, attention over the encoder's output (memory) and a feed-forward
    network, each with a residual connection and LayerNorm:

        x = norm1(x + dropout1(self_attn(x, x, x)))
        x = norm2(x + dropout2(multihead_attn(x, memory, memory)))
        x = norm3(x + dropout3(linear2(dropout(activation(linear1(x))))))

    Args: as TransformerEncoderLayer.

    Example:
        >>> layer = ember.nn.TransformerDecoderLayer(d_model=32, nhead=4)
        >>> layer(ember.randn(7, 2, 32), ember.randn(10, 2, 32)).shape
        ember.Size([7, 2, 32])
    """

    __constants__ = ["norm_first"]

    def __init__(self, d_model, nhead, dim_feedforward=2048, dropout=0.1, activation=F.relu,
                 layer_norm_eps=1e-5, batch_first=False, norm_first=False, bias=True,
                 device=None, dtype=None):
        factory = {"device": device, "dtype": dtype}
        super().__init__()
        self.self_attn = MultiheadAttention(d_model, nhead, dropout=dropout,
                                            batch_first=batch_first, bias=bias, **factory)
        self.multihead_attn = MultiheadAttention(d_model, nhead, dropout=dropout,
                                                 batch_first=batch_first, bias=bias, **factory)
        self.linear1 = Linear(d_model, dim_feedforward, bias=bias, **factory)
        self.dropout = Dropout(dropout)
        self.linear2 = Linear(dim_feedforward, d_model, bias=bias, **factory)
        self.norm_first = norm_first
        self.norm1 = LayerNorm(d_model, eps=layer_norm_eps, bias=bias, **factory)
        self.norm2 = LayerNorm(d_model, eps=layer_norm_eps, bias=bias, **factory)
        self.norm3 = LayerNorm(d_model, eps=layer_norm_eps, bias=bias, **factory)
        self.dropout1 = Dropout(dropout)
        self.dropout2 = Dropout(dropout)
        self.dropout3 = Dropout(dropout)
        self.activation = (_get_activation_fn(activation) if isinstance(activation, str)
                           else activation)

    def forward(self, tgt, memory, tgt_mask=None, memory_mask=None, tgt_key_padding_mask=None,
                memory_key_padding_mask=None, tgt_is_causal=False, memory_is_causal=False):
        """Args:
            tgt: (T, N, E), (N, T, E) with batch_first, or (T, E).
            memory: (S, N, E) likewise, the encoder's output.
            tgt_mask: (T, T) and memory_mask: (T, S), or per head (N * nhead, ...): True (or
                -inf) where attention is not allowed, or float masks added to the scores.
            tgt_key_padding_mask: (N, T), memory_key_padding_mask: (N, S): True at padding.
            tgt_is_causal, memory_is_causal: hints that the masks are causal.
        """
        x = tgt
        if self.norm_first:
            x = x + self._sa_block(self.norm1(x), tgt_mask, tgt_key_padding_mask, tgt_is_causal)
            x = x + self._mha_block(self.norm2(x), memory, memory_mask,
                                    memory_key_padding_mask, memory_is_causal)
            x = x + self._ff_block(self.norm3(x))
        else:
            x = self.norm1(x + self._sa_block(x, tgt_mask, tgt_key_padding_mask, tgt_is_causal))
            x = self.norm2(x + self._mha_block(x, memory, memory_mask, memory_key_padding_mask,
                                               memory_is_causal))
            x = self.norm3(x + self._ff_block(x))
        return x

    def _sa_block(self, x, attn_mask, key_padding_mask, is_causal=False):
        x = self.self_attn(x, x, x, attn_mask=attn_mask, key_padding_mask=key_padding_mask,
                           is_causal=is_causal, need_weights=False)[0]
        return self.dropout1(x)

    def _mha_block(self, x, mem, attn_mask, key_padding_mask, is_causal=False):
        x = self.multihead_attn(x, mem, mem, attn_mask=attn_mask,
                                key_padding_mask=key_padding_mask, is_causal=is_causal,
                                need_weights=False)[0]
        return self.dropout2(x)

    def _ff_block(self, x):
        x = self.linear2(self.dropout(self.activation(self.linear1(x))))
        return self.dropout3(x)


class TransformerEncoder(Module):
    """A stack of num_layers deep copies of encoder_layer, then an optional norm.

    Args:
        encoder_layer: a TransformerEncoderLayer (copied; the copies start equal).
        num_layers: how many.
        norm: a module applied to the last layer's output (a LayerNorm), or None.
        enable_nested_tensor: accepted for torch compatibility; see below. Default: True.
        mask_check: check that padding is at the end of each sequence. Default: True.

    In eval mode, with no gradient needed, a src_key_padding_mask whose padding sits at the
    end of each sequence, no mask, and a layer torch's fast path takes (batch_first, post-norm,
    relu/gelu, an even number of heads, biases), torch skips the padded positions and
    returns zeros there; ember computes the same result and zeroes them too.

    Example:
        >>> layer = ember.nn.TransformerEncoderLayer(d_model=32, nhead=4, batch_first=True)
        >>> encoder = ember.nn.TransformerEncoder(layer, num_layers=2)
        >>> encoder(ember.randn(2, 10, 32)).shape
        ember.Size([2, 10, 32])
    """

    __constants__ = ["norm"]

    def __init__(self, encoder_layer, num_layers, norm=None, enable_nested_tensor=True,
                 mask_check=True):
        super().__init__()
        self.layers = _get_clones(encoder_layer, num_layers)
        self.num_layers = num_layers
        self.norm = norm
        self.enable_nested_tensor = enable_nested_tensor
        self.use_nested_tensor = enable_nested_tensor
        self.mask_check = mask_check
        why_not = _why_no_sparsity_fast_path(encoder_layer)
        if enable_nested_tensor and why_not:
            warnings.warn(f"enable_nested_tensor is True, but self.use_nested_tensor is False "
                          f"because {why_not}", stacklevel=2)
            self.use_nested_tensor = False

    def forward(self, src, mask=None, src_key_padding_mask=None, is_causal=None):
        """Args:
            src: (S, N, E), (N, S, E) with batch_first, or (S, E).
            mask: (S, S) or (N * nhead, S, S) attention mask (see TransformerEncoderLayer).
            src_key_padding_mask: (N, S): True (or -inf) at padding.
            is_causal: a hint that mask is the causal mask; None detects it.
        """
        src_key_padding_mask = attention_functional._canonical_mask(
            src_key_padding_mask, "src_key_padding_mask",
            attention_functional._none_or_dtype(mask), "mask", src.dtype)
        mask = attention_functional._canonical_mask(mask, "mask", None, "", src.dtype, False)
        batch_first = self.layers[0].self_attn.batch_first
        is_causal = _detect_is_causal_mask(mask, is_causal, _get_seq_len(src, batch_first))
        output = src
        for layer in self.layers:
            output = layer(output, src_mask=mask, is_causal=is_causal,
                           src_key_padding_mask=src_key_padding_mask)
        if self._skips_padding(src, mask, src_key_padding_mask):
            output = output.masked_fill((src_key_padding_mask != 0).unsqueeze(-1), 0.0)
        if self.norm is not None:
            output = self.norm(output)
        return output

    def _skips_padding(self, src, mask, src_key_padding_mask):
        """Whether torch would run this call on nested tensors (and so zero the padding)."""
        first = self.layers[0]
        if (not getattr(self, "use_nested_tensor", False) or first.training or src.dim() != 3
                or src_key_padding_mask is None or mask is not None):
            return False
        padding = src_key_padding_mask != 0  # (N, S): torch's nested path reads any nonzero
        if self.mask_check and bool((padding[:, 1:] < padding[:, :-1]).any()):
            return False  # some padding is not at the end: torch takes the regular path
        tensors = [src] + [p for p in first.parameters()]
        return not (grad_mode.is_grad_enabled() and any(t.requires_grad for t in tensors))


def _why_no_sparsity_fast_path(encoder_layer):
    """Why torch's TransformerEncoder can't use nested tensors with this layer ('' if it can)."""
    name = "encoder_layer"
    if not isinstance(encoder_layer, TransformerEncoderLayer):
        return f"{name} was not TransformerEncoderLayer"
    attention = encoder_layer.self_attn
    if encoder_layer.norm_first:
        return f"{name}.norm_first was True"
    if not attention.batch_first:
        return (f"{name}.self_attn.batch_first was not True(use batch_first for better "
                f"inference performance)")
    if not attention._qkv_same_embed_dim:
        return f"{name}.self_attn._qkv_same_embed_dim was not True"
    if attention.in_proj_bias is None:
        return f"{name}.self_attn was passed bias=False"
    if not encoder_layer.activation_relu_or_gelu:
        return f"{name}.activation_relu_or_gelu was not True"
    if encoder_layer.norm1.eps != encoder_layer.norm2.eps:
        return f"{name}.norm1.eps was not equal to {name}.norm2.eps"
    if attention.num_heads % 2 == 1:
        return f"{name}.self_attn.num_heads is odd"
    return ""


class TransformerDecoder(Module):
    """A stack of num_layers deep copies of decoder_layer, then an optional norm.

    Args:
        decoder_layer: a TransformerDecoderLayer (copied; the copies start equal).
        num_layers: how many.
        norm: a module applied to the last layer's output, or None.

    Example:
        >>> layer = ember.nn.TransformerDecoderLayer(d_model=32, nhead=4)
        >>> decoder = ember.nn.TransformerDecoder(layer, num_layers=2)
        >>> decoder(ember.randn(7, 2, 32), ember.randn(10, 2, 32)).shape
        ember.Size([7, 2, 32])
    """

    __constants__ = ["norm"]

    def __init__(self, decoder_layer, num_layers, norm=None):
        super().__init__()
        self.layers = _get_clones(decoder_layer, num_layers)
        self.num_layers = num_layers
        self.norm = norm

    def forward(self, tgt, memory, tgt_mask=None, memory_mask=None, tgt_key_padding_mask=None,
                memory_key_padding_mask=None, tgt_is_causal=None, memory_is_causal=False):
        """Args: as TransformerDecoderLayer.forward; tgt_is_causal=None detects a causal
        tgt_mask."""
        output = tgt
        seq_len = _get_seq_len(tgt, self.layers[0].self_attn.batch_first)
        tgt_is_causal = _detect_is_causal_mask(tgt_mask, tgt_is_causal, seq_len)
        for layer in self.layers:
            output = layer(output, memory, tgt_mask=tgt_mask, memory_mask=memory_mask,
                           tgt_key_padding_mask=tgt_key_padding_mask,
                           memory_key_padding_mask=memory_key_padding_mask,
                           tgt_is_causal=tgt_is_causal, memory_is_causal=memory_is_causal)
        if self.norm is not None:
            output = self.norm(output)
        return output


class Transformer(Module):
    """The encoder-decoder Transformer: memory = encoder(src), output = decoder(tgt, memory).

    Args:
        d_model: the model's feature size. Default: 512.
        nhead: attention heads. Default: 8.
        num_encoder_layers, num_decoder_layers: stack depths. Default: 6 each.
        dim_feedforward, dropout, activation, layer_norm_eps, batch_first, norm_first, bias:
            as TransformerEncoderLayer.
        custom_encoder, custom_decoder: modules to use instead of the default stacks.

    All parameters with more than one dim start from xavier_uniform_, as in torch.

    Example:
        >>> model = ember.nn.Transformer(d_model=32, nhead=4, num_encoder_layers=2,
        ...                              num_decoder_layers=2, dim_feedforward=64)
        >>> tgt_mask = ember.nn.Transformer.generate_square_subsequent_mask(7)
        >>> model(ember.randn(10, 2, 32), ember.randn(7, 2, 32), tgt_mask=tgt_mask).shape
        ember.Size([7, 2, 32])
    """

    def __init__(self, d_model=512, nhead=8, num_encoder_layers=6, num_decoder_layers=6,
                 dim_feedforward=2048, dropout=0.1, activation=F.relu, custom_encoder=None,
                 custom_decoder=None, layer_norm_eps=1e-5, batch_first=False, norm_first=False,
                 bias=True, device=None, dtype=None):
        factory = {"device": device, "dtype": dtype}
        super().__init__()
        if custom_encoder is not None:
            self.encoder = custom_encoder
        else:
            encoder_layer = TransformerEncoderLayer(d_model, nhead, dim_feedforward, dropout,
                                                    activation, layer_norm_eps, batch_first,
                                                    norm_first, bias, **factory)
            encoder_norm = LayerNorm(d_model, eps=layer_norm_eps, bias=bias, **factory)
            self.encoder = TransformerEncoder(encoder_layer, num_encoder_layers, encoder_norm)
        if custom_decoder is not None:
            self.decoder = custom_decoder
        else:
            decoder_layer = TransformerDecoderLayer(d_model, nhead, dim_feedforward, dropout,
                                                    activation, layer_norm_eps, batch_first,
                                                    norm_first, bias, **factory)
            decoder_norm = LayerNorm(d_model, eps=layer_norm_eps, bias=bias, **factory)
            self.decoder = TransformerDecoder(decoder_layer, num_decoder_layers, decoder_norm)
        self._reset_parameters()
        self.d_model = d_model
        self.nhead = nhead
        self.batch_first = batch_first

    def forward(self, src, tgt, src_mask=None, tgt_mask=None, memory_mask=None,
                src_key_padding_mask=None, tgt_key_padding_mask=None,
                memory_key_padding_mask=None, src_is_causal=None, tgt_is_causal=None,
                memory_is_causal=False):
        """Args:
            src: (S, N, E) and tgt: (T, N, E), or batch-first, or unbatched (S, E), (T, E).
            src_mask (S, S), tgt_mask (T, T), memory_mask (T, S): attention masks.
            src_key_padding_mask (N, S), tgt_key_padding_mask (N, T),
            memory_key_padding_mask (N, S): True at padding.
            src_is_causal, tgt_is_causal, memory_is_causal: causal-mask hints.

        Returns:
            (T, N, E), like tgt.
        """
        is_batched = src.dim() == 3
        batch_dim = 0 if self.batch_first else 1
        if is_batched and src.shape[batch_dim] != tgt.shape[batch_dim]:
            raise RuntimeError(
                f"the batch number of src and tgt must be equal; got src {list(src.shape)} and "
                f"tgt {list(tgt.shape)} (batch_first={self.batch_first})")
        if src.shape[-1] != self.d_model or tgt.shape[-1] != self.d_model:
            raise RuntimeError(
                f"the feature number of src and tgt must be equal to d_model; got src "
                f"{list(src.shape)} and tgt {list(tgt.shape)} with d_model={self.d_model}")
        memory = self.encoder(src, mask=src_mask, src_key_padding_mask=src_key_padding_mask,
                              is_causal=src_is_causal)
        return self.decoder(tgt, memory, tgt_mask=tgt_mask, memory_mask=memory_mask,
                            tgt_key_padding_mask=tgt_key_padding_mask,
                            memory_key_padding_mask=memory_key_padding_mask,
                            tgt_is_causal=tgt_is_causal, memory_is_causal=memory_is_causal)

    @staticmethod
    def generate_square_subsequent_mask(sz, device=None, dtype=None):
        """(sz, sz) causal mask: 0 where position i may attend to j <= i, -inf elsewhere.

        Example:
            >>> ember.nn.Transformer.generate_square_subsequent_mask(3)
            tensor([[0., -inf, -inf],
                    [0., 0., -inf],
                    [0., 0., 0.]])
        """
        return _generate_square_subsequent_mask(sz, device=device, dtype=dtype)

    def _reset_parameters(self):
        for p in self.parameters():
            if p.dim() > 1:
                init.xavier_uniform_(p)
