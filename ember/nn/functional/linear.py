"""linear and bilinear: y = x W^T + b and y = x1^T A x2 + b."""
import math

from ...autograd.function import Op, named
from ...amp import autocast_mode
from ...ops.linalg import _matmul_arrays

__all__ = ["linear", "bilinear"]


def _rows(a):
    """a as a matrix of its last dim's vectors (reshape(-1, n) can't infer B when n is 0)."""
    return a.reshape(math.prod(a.shape[:-1]), a.shape[-1])


class Linear(Op):
    """y = x W^T + b as one node (torch's addmm);
    grad_x = g W,  grad_W = g^T x,  grad_b = sum of g over all but the last dim.

    One node instead of transpose, matmul and add: a third of the bookkeeping for the op
    every model runs most.
    """

    node_name = "AddmmBackward0"

    @staticmethod
    def forward(ctx, x, weight, bias):
        ctx.save_for_backward(x, weight)
        ctx.has_bias = bias is not None
        rows = _rows(x)                                      # (B, in)
        out = _matmul_arrays(rows, weight.T, bias)           # (B, out), halves kept half
        return out.reshape(x.shape[:-1] + (weight.shape[0],))

    @staticmethod
    def backward(ctx, grad):
        x, weight = ctx.conj_saved_tensors
        need_x, need_weight, need_bias = ctx.needs_input_grad
        rows = _rows(grad)                                   # (B, out)
        grad_x = (rows @ weight).reshape(x.shape) if need_x else None
        grad_weight = rows.mT @ _rows(x) if need_weight else None
        grad_bias = rows.sum(0) if need_bias else None
        return grad_x, grad_weight, grad_bias


def _node_name(ndim, has_bias):
    """torch's name for linear's node: addmm or mm on a matrix, else a view of the product of
    the input's rows (a 1-D input without bias is matmul's row vector, squeezed)."""
    if ndim == 2:
        return "AddmmBackward0" if has_bias else "MmBackward0"
    if has_bias:
        return "ViewBackward0"
    return "SqueezeBackward4" if ndim == 1 else "UnsafeViewBackward0"


def linear(input, weight, bias=None):
    """y = input @ weight^T + bias, over the last dimension of input.

    Args:
        input: (*, in_features).
        weight: (out_features, in_features), or (in_features,) for a single output.
        bias: (out_features,) or None.
    """
    if autocast_mode.active:  # See NOTE [ How autocast reaches the ops ]
        return autocast_mode.dispatch("linear", linear, input, weight, bias)
    in_features = weight.shape[-1]
    if input.dim() == 0 or input.shape[-1] != in_features:
        rows = input.numel() // input.shape[-1] if input.dim() and input.shape[-1] else 1
        out_features = weight.shape[0] if weight.dim() == 2 else 1
        raise RuntimeError(
            f"mat1 and mat2 shapes cannot be multiplied ({rows}x"
            f"{input.shape[-1] if input.dim() else 1} and {in_features}x{out_features}); "
            f"the layer expects inputs whose last dimension is {in_features}")
    if weight.dim() == 2:
        output = Linear.apply(input, weight, bias)
        ndim = input._data.ndim
        if ndim != 2 or bias is None:
            named(output, _node_name(ndim, bias is not None))
        return output
    output = input @ weight
    return output if bias is None else output + bias


def bilinear(input1, input2, weight, bias=None):
    """y[..., o] = sum_ij input1[..., i] weight[o, i, j] input2[..., j] + bias[o].

    Args:
        input1: (*, in1_features).  input2: (*, in2_features), the same leading shape.
        weight: (out_features, in1_features, in2_features).  bias: (out_features,) or None.
    """
    if autocast_mode.active:  # See NOTE [ How autocast reaches the ops ]
        return autocast_mode.dispatch("bilinear", bilinear, input1, input2, weight, bias)
    if input1.dim() != input2.dim():
        raise RuntimeError(f"bilinear(): input dimensions do not match: got {input1.dim()} "
                           f"and {input2.dim()}")
    if tuple(input1.shape[:-1]) != tuple(input2.shape[:-1]):
        raise RuntimeError(f"bilinear(): input batch dimensions do not match: got "
                           f"{list(input1.shape)} and {list(input2.shape)}")
    out_features, in1, in2 = weight.shape
    if input1.shape[-1] != in1:
        raise RuntimeError(f"bilinear(): input1 size does not match weight size: got "
                           f"{input1.shape[-1]} but expected {in1}")
    if input2.shape[-1] != in2:
        raise RuntimeError(f"bilinear(): input2 size does not match weight size: got "
                           f"{input2.shape[-1]} but expected {in2}")
    lead = tuple(input1.shape[:-1])
    x1 = input1.reshape(-1, in1)                                  # (B, I)
    x2 = input2.reshape(-1, in2)                                  # (B, J)
    w = weight.permute(1, 0, 2).reshape(in1, out_features * in2)  # (I, O*J)
    partial = (x1 @ w).reshape(-1, out_features, in2)             # (B, O, J)
    products = partial * x2.unsqueeze(1)
    # integer inputs keep their dtype (torch's bilinear), where a plain sum widens to int64
    output = products.sum(-1, dtype=None if products.is_floating_point() else products.dtype)
    if bias is not None:
        output = output + bias
    return output.reshape(lead + (out_features,))
