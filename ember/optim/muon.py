"""Muon: momentum orthogonalised by Newton-Schulz iterations (torch.optim.Muon)."""
import math

import numpy as np

from ._functional import bump_version, new_state_like
from .optimizer import Optimizer
from .. import _dtype
from .._tensor import Tensor
from ..backend import xp_of
from ..ops.elementwise import _fused_multiply_add

__all__ = ["Muon"]

# Keller Jordan's constants, as torch's
EPS = 1e-7
DEFAULT_A = 3.4445
DEFAULT_B = -4.7750
DEFAULT_C = 2.0315
DEFAULT_NS_STEPS = 5


def _lerp(start, end, weight):
    """start + weight * (end - start), by torch's formulas: from end when weight >= 0.5."""
    weight = start.dtype.type(weight)  # torch casts a scalar weight to the tensors' dtype
    if abs(weight) < 0.5:
        return _fused_multiply_add(xp_of(start), weight, end - start, start)
    return _fused_multiply_add(xp_of(start), weight - 1, end - start, end)


def _bfloat16(array):
    """array rounded to the nearest bfloat16, held in float64 (double -> float -> bfloat16, the
    two roundings torch's conversion makes)."""
    return array.astype(np.float32).astype(_dtype.bfloat16.np).astype(np.float64)


def _addmm_bfloat16(input, mat1, mat2, beta, alpha):
    """torch.addmm(input, mat1, mat2, beta=beta, alpha=alpha) of bfloat16 values on the CPU:
    the product accumulated in float32 and scaled by alpha, then beta * input added in one
    fused multiply-add and rounded to bfloat16. The product is exact in float64 (short sums
    of 8-bit by 8-bit products), which torch's float32 sums also are at these sizes."""
    product = (mat1 @ mat2).astype(np.float32) * np.float32(alpha)
    return _bfloat16(np.float64(np.float32(beta)) * input + product)


def _zeropower_via_newtonschulz(grad, ns_coefficients, ns_steps, eps):
    """An approximate orthogonalisation U S' V^T of grad = U S V^T (S' roughly in [0.5, 1.5])
    by ns_steps quintic Newton-Schulz iterations, in bfloat16 as torch's (on every device):

        X = bf16(grad), transposed if it has more rows than columns
        X = X / max(||X||_F, eps)
        repeat ns_steps times:
            G = X X^T
            X = a X + (b G + c G G) X

    Every intermediate holds bfloat16 values (in float64 arrays), rounded as torch rounds
    each bfloat16 op's float32 result.
    """
    if ns_steps >= 100:
        raise ValueError("Number of steps must be less than 100 for computational efficiency")
    if grad.ndim != 2:
        raise ValueError("Input tensor gradient must be a 2D matrix")
    if len(ns_coefficients) != 3:
        raise ValueError("Coefficients must be a tuple of exactly 3 values")
    a, b, c = ns_coefficients
    xp = xp_of(grad)
    tall = grad.shape[0] > grad.shape[1]
    ortho = _bfloat16(grad.T if tall else grad)  # (short side, long side)
    norm = _bfloat16((ortho * ortho).sum() ** 0.5)
    norm = xp.maximum(norm, _bfloat16(np.float32(eps))).astype(np.float32)
    ortho = _bfloat16(ortho.astype(np.float32) / norm)
    for _ in range(ns_steps):
        gram = _bfloat16(ortho @ ortho.T)
        gram_update = _addmm_bfloat16(gram, gram, gram, beta=b, alpha=c)
        ortho = _addmm_bfloat16(ortho, gram_update, ortho, beta=a, alpha=1)
    return ortho.T if tall else ortho


def _adjust_lr(lr, adjust_lr_fn, shape):
    """lr scaled so that updates of every shape (A, B) have about the same RMS."""
    rows, columns = shape
    if adjust_lr_fn is None or adjust_lr_fn == "original":
        ratio = math.sqrt(max(1, rows / columns))  # Keller Jordan's
    elif adjust_lr_fn == "match_rms_adamw":
        ratio = 0.2 * math.sqrt(max(rows, columns))  # Moonshot's: the RMS of AdamW's update
    else:
        ratio = 1.0
    return lr * ratio


class Muon(Optimizer):
    """Muon (Jordan et al., 2024), as torch.optim.Muon: SGD momentum whose update is
    orthogonalised by Newton-Schulz iterations. For 2-D parameters (hidden layers) only;
    optimize biases, embeddings and the rest with e.g. AdamW.

    Update rule per parameter p (a matrix of shape (A, B)) with gradient g:

        B = momentum * B + (1 - momentum) * g
        u = (1 - momentum) * g + momentum * B      if nesterov, else u = B
        O = NS(u)                                  (ns_steps iterations, in bfloat16)
        p = p * (1 - lr * weight_decay)
        p = p - lr * s * O
    where s = sqrt(max(1, A / B)) ("original", the default) or 0.2 * sqrt(max(A, B))
    ("match_rms_adamw").

    Args:
        params: parameters or parameter groups to optimize, each of 2 dims.
        lr: learning rate (float or 1-element Tensor). Default: 1e-3.
        weight_decay: decoupled weight decay. Default: 0.1.
        momentum: momentum factor. Default: 0.95.
        nesterov: use Nesterov momentum. Default: True.
        ns_coefficients: (a, b, c) of the Newton-Schulz polynomial.
            Default: (3.4445, -4.7750, 2.0315).
        eps: lower bound of the norm the iteration starts by dividing by. Default: 1e-7.
        ns_steps: number of Newton-Schulz iterations (< 100). Default: 5.
        adjust_lr_fn: "original", "match_rms_adamw" or None ("original"). Default: None.

    State per parameter: momentum_buffer (no step count, as torch).

    Example:
        >>> opt = ember.optim.Muon([layer.weight for layer in hidden_layers], lr=0.02)
    """

    def __init__(self, params, lr=1e-3, weight_decay=0.1, momentum=0.95, nesterov=True,
                 ns_coefficients=(DEFAULT_A, DEFAULT_B, DEFAULT_C), eps=EPS,
                 ns_steps=DEFAULT_NS_STEPS, adjust_lr_fn=None):
        if isinstance(lr, Tensor) and lr.numel() != 1:
            raise ValueError("Tensor lr must be 1-element")
        if not 0.0 <= lr:
            raise ValueError(f"Learning rate should be >= 0 but is: {lr}")
        if not 0.0 <= momentum:
            raise ValueError(f"momentum should be >= 0 but is: {momentum}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"weight decay should be >= 0 but is: {weight_decay}")
        if adjust_lr_fn is not None and adjust_lr_fn not in ["original", "match_rms_adamw"]:
            raise ValueError(f"Adjust learning rate function {adjust_lr_fn} is not supported")
        defaults = {"lr": lr, "weight_decay": weight_decay, "momentum": momentum,
                    "nesterov": nesterov, "ns_coefficients": ns_coefficients, "eps": eps,
                    "ns_steps": ns_steps, "adjust_lr_fn": adjust_lr_fn}
        super().__init__(params, defaults)
        # as torch, only the constructor's groups are checked (not add_param_group's)
        for group in self.param_groups:
            for p in group["params"]:
                if p.ndim != 2:
                    raise ValueError("Muon only supports 2D parameters whereas we found a "
                                     f"parameter with size: {p.size()}")

    def step(self, closure=None):
        # Not Optimizer._params_with_grad: Muon counts no steps
        loss = self._evaluate(closure)
        for group in self.param_groups:
            lr = group["lr"]
            # a Tensor lr stays one in torch's step, so lr * weight_decay and the adjusted lr
            # are computed in its dtype
            lr = lr._data.dtype.type(lr._data) if isinstance(lr, Tensor) else float(lr)
            momentum = group["momentum"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                state = self.state[p]
                if "momentum_buffer" not in state:
                    state["momentum_buffer"] = new_state_like(p.grad)
                param, grad = p._data, p.grad._data
                if grad.ndim != 2:
                    raise ValueError("Param gradient must be a 2D matrix")
                buffer = state["momentum_buffer"]._data
                buffer[...] = _lerp(buffer, grad, 1 - momentum)
                update = _lerp(grad, buffer, momentum) if group["nesterov"] else buffer
                update = _zeropower_via_newtonschulz(update, group["ns_coefficients"],
                                                     group["ns_steps"], group["eps"])
                adjusted_lr = _adjust_lr(lr, group["adjust_lr_fn"], param.shape)
                param *= 1 - lr * type(lr)(group["weight_decay"])
                param[...] = _fused_multiply_add(xp_of(param), -adjusted_lr, update, param)
                bump_version(p)
        return loss
