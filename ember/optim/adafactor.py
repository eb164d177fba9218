"""Adafactor: Adam-like steps from a factored second moment (torch.optim.Adafactor)."""
import numpy as np

from ._functional import lerp_, new_state_like
from .optimizer import Optimizer
from .._tensor import Tensor
from ..backend import xp_of

__all__ = ["Adafactor"]


def _rms(xp, array):
    """sqrt(mean(array^2)), as torch's norm(2) / sqrt(numel)."""
    return float(xp.linalg.norm(array.reshape(-1))) / array.size ** 0.5


class Adafactor(Optimizer):
    """Adafactor (Shazeer & Stern, 2018), as torch.optim.Adafactor (no first moment; the
    second moment of a matrix kept as a row and a column factor).

    Update rule at step t, per parameter p with gradient g (for p of more than one dim, the
    factors are over its last two dims and the rest are batch dims):

        g = -g                                         if maximize
        beta2_hat = 1 - t^beta2_decay
        rho = min(lr, 1 / sqrt(t))
        alpha = max(eps2, rms(p)) * rho
        p = p * (1 - lr * weight_decay)
        if p has more than one dim:
            R = beta2_hat * R + (1 - beta2_hat) * mean(g^2, dim=-1)      (rows, keepdim)
            C = beta2_hat * C + (1 - beta2_hat) * mean(g^2, dim=-2)      (columns, keepdim)
            v = (R @ C) / max(mean(R, dim=-2), eps1)
        else:
            v = V = beta2_hat * V + (1 - beta2_hat) * g^2
        u = g / sqrt(max(v, eps1^2))
        p = p - alpha / max(1, rms(u) / d) * u

    Args:
        params: parameters or parameter groups to optimize.
        lr: the largest relative step size rho. Default: 1e-2.
        beta2_decay: the decay exponent of 1 - beta2_hat (<= 0). Default: -0.8.
        eps: (eps1, eps2): eps1 bounds the second moment below (None: the parameter dtype's
            machine epsilon), eps2 the parameter scale. Default: (None, 1e-3).
        d: the clipping threshold of the update's rms. Default: 1.0.
        weight_decay: decoupled weight decay. Default: 0.0.
        maximize: maximize the objective instead of minimizing. Default: False.
        foreach: accepted and ignored (see Optimizer).

    State per parameter: step (0-d float32 tensor), and row_var (shape with last dim 1) and
    col_var (second-to-last dim 1) for parameters of more than one dim, variance otherwise.

    Example:
        >>> opt = ember.optim.Adafactor(model.parameters())
    """

    def __init__(self, params, lr=1e-2, beta2_decay=-0.8, eps=(None, 1e-3), d=1.0,
                 weight_decay=0.0, *, foreach=None, maximize=False):
        if isinstance(lr, Tensor) and lr.numel() != 1:
            raise ValueError("Tensor lr must be 1-element")
        if not 0.0 <= lr:
            raise ValueError(f"Learning rate should be >= 0 but is: {lr}")
        if not 0.0 >= beta2_decay:
            raise ValueError(f"beta2_decay should be <= 0 but is: {beta2_decay}")
        if eps[0] is not None and not 0.0 <= eps[0]:
            raise ValueError(f"epsilon1 should be >= 0 but is: {eps[0]}")
        if not 0.0 <= eps[1]:
            raise ValueError(f"epsilon2 should be >= 0 but is: {eps[1]}")
        if not 1.0 <= d:
            raise ValueError(f"Clipping threshold d should be >= 1 but is: {d}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"weight_decay should be >= 0 but is: {weight_decay}")
        defaults = {"lr": lr, "beta2_decay": beta2_decay, "eps": eps, "d": d,
                    "weight_decay": weight_decay, "foreach": foreach, "maximize": maximize}
        super().__init__(params, defaults)

    def _init_state(self, state, p, group):
        if p.grad.dim() > 1:
            state["row_var"] = Tensor._make(xp_of(p._data).zeros(p.shape[:-1] + (1,),
                                                                 p.grad._data.dtype))
            state["col_var"] = Tensor._make(xp_of(p._data).zeros(
                p.shape[:-2] + (1, p.shape[-1]), p.grad._data.dtype))
        else:
            state["variance"] = new_state_like(p.grad)

    def step(self, closure=None):
        loss = self._evaluate(closure)
        for group in self.param_groups:
            # with a Tensor lr, torch computes the step's scalars in lr's dtype
            lr = group["lr"]
            cast = lr._data.dtype.type if isinstance(lr, Tensor) else float
            lr = float(lr)
            eps1, eps2 = group["eps"]
            weight_decay, beta2_decay = group["weight_decay"], group["beta2_decay"]
            for p, state in self._params_with_grad(group):
                if p.is_complex():
                    raise RuntimeError("Adafactor does not support complex parameters")
                param = p._data
                xp = xp_of(param)
                grad = -p.grad._data if group["maximize"] else p.grad._data
                if eps1 is None:
                    # torch sets it from the first parameter and keeps it for the group
                    eps1 = float(np.finfo(param.dtype).eps)
                step = float(state["step"]._data)
                one_minus_beta2_t = step ** beta2_decay
                rho = min(lr, 1 / step ** 0.5)
                rounded = cast if rho == lr else float
                alpha = rounded(rounded(max(eps2, _rms(xp, param))) * rounded(rho))
                if weight_decay != 0:
                    param *= float(cast(1 - cast(cast(lr) * cast(weight_decay))))
                if grad.ndim > 1:
                    row_var, col_var = state["row_var"]._data, state["col_var"]._data
                    squared = grad * grad
                    lerp_(row_var, squared.mean(-1, keepdims=True), one_minus_beta2_t)
                    lerp_(col_var, squared.mean(-2, keepdims=True), one_minus_beta2_t)
                    var_estimate = row_var @ col_var  # (..., rows, columns)
                    var_estimate /= xp.maximum(row_var.mean(-2, keepdims=True), eps1)
                else:
                    variance = state["variance"]._data
                    lerp_(variance, grad * grad, one_minus_beta2_t)
                    var_estimate = variance
                update = grad / xp.sqrt(xp.maximum(var_estimate, eps1 * eps1))
                denom = max(1.0, _rms(xp, update) / group["d"])
                param -= update * float(rounded(alpha / rounded(denom)))
        return loss
