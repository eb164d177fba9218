"""Adam, with optional AMSGrad and decoupled weight decay (which makes it AdamW)."""
from ._functional import (addcdiv_, addcmul_, check_betas, check_lr, grad_for_update, lerp_,
                          new_state_like, real_view)
from .optimizer import Optimizer, check_fused
from .._tensor import Tensor
from ..backend import fused, xp_of

__all__ = ["Adam"]


def _fused_step(kernel, p, state, group, lr, beta1, beta2):
    """The whole update below (maximize and weight decay included) in one pass, for a step
    already counted: a GPU launch (ember/backend/cupy_kernels.py) or a compiled CPU loop that
    rounds as the array code does (backend/_cpu_kernels.pyx). False where the kernel doesn't
    take p's arrays (their dtype, their layout), leaving the step to the array code."""
    step = float(state["step"]._data)
    done = kernel(p._data, p.grad._data, state["exp_avg"]._data, state["exp_avg_sq"]._data,
                  lr, beta1, beta2, group["eps"], group["weight_decay"],
                  lr / (1 - beta1 ** step), (1 - beta2 ** step) ** 0.5,
                  group["decoupled_weight_decay"], group["maximize"])
    return done is not None


class Adam(Optimizer):
    """Adam (Kingma & Ba, 2014), as torch.optim.Adam.

    Update rule at step t, per parameter p with gradient g:

        g = -g                                   if maximize
        p = p * (1 - lr * weight_decay)          if decoupled_weight_decay (AdamW)
        g = g + weight_decay * p                 otherwise, if weight_decay != 0
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g^2
        v_max = max(v_max, v); v_hat = v_max     if amsgrad, else v_hat = v
        p = p - lr / (1 - beta1^t) * m / (sqrt(v_hat) / sqrt(1 - beta2^t) + eps)

    Args:
        params: parameters or parameter groups to optimize.
        lr: learning rate. Default: 1e-3.
        betas: decay rates (beta1, beta2) of the moment estimates. Default: (0.9, 0.999).
        eps: added to the denominator for stability. Default: 1e-8.
        weight_decay: L2 penalty (decoupled when decoupled_weight_decay). Default: 0.
        amsgrad: use the maximum of past second moments (AMSGrad). Default: False.
        maximize: maximize the objective instead of minimizing. Default: False.
        decoupled_weight_decay: decay the weights directly, as AdamW. Default: False.
        foreach, capturable, differentiable, fused: checked as torch checks them (see Optimizer).

    State per parameter: step (0-d float32 tensor), exp_avg, exp_avg_sq, and max_exp_avg_sq
    with amsgrad.

    Example:
        >>> opt = ember.optim.Adam(model.parameters(), lr=3e-4)
    """

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 amsgrad=False, *, foreach=None, maximize=False, capturable=False,
                 differentiable=False, fused=None, decoupled_weight_decay=False):
        check_lr(lr)
        check_betas(betas, eps, weight_decay)
        if not all(isinstance(b, float) for b in betas) and not all(
                isinstance(b, Tensor) for b in betas):
            raise ValueError("betas must be either both floats or both Tensors")
        defaults = {"lr": lr, "betas": tuple(betas), "eps": eps,
                    "weight_decay": weight_decay, "amsgrad": amsgrad, "maximize": maximize,
                    "foreach": foreach, "capturable": capturable,
                    "differentiable": differentiable, "fused": fused,
                    "decoupled_weight_decay": decoupled_weight_decay}
        super().__init__(params, defaults)
        check_fused(fused, foreach, differentiable)

    def _init_state(self, state, p, group):
        state["exp_avg"] = new_state_like(p)
        state["exp_avg_sq"] = new_state_like(p)
        if group["amsgrad"]:
            state["max_exp_avg_sq"] = new_state_like(p)

    def step(self, closure=None):
        loss = self._evaluate(closure)
        for group in self.param_groups:
            lr = float(group["lr"])
            beta1, beta2 = (float(b) for b in group["betas"])
            eps = group["eps"]
            amsgrad = group["amsgrad"]
            for p, state in self._params_with_grad(group):
                kernel = None if amsgrad else fused(xp_of(p._data), "adam_step")
                if kernel is not None and _fused_step(kernel, p, state, group, lr, beta1, beta2):
                    continue
                param = real_view(p._data)
                grad = real_view(grad_for_update(p, group))
                exp_avg = real_view(state["exp_avg"]._data)
                exp_avg_sq = real_view(state["exp_avg_sq"]._data)
                lerp_(exp_avg, grad, 1 - beta1)
                exp_avg_sq *= beta2
                addcmul_(exp_avg_sq, grad, grad, 1 - beta2)
                step = float(state["step"]._data)
                step_size = lr / (1 - beta1 ** step)
                bias_correction2_sqrt = (1 - beta2 ** step) ** 0.5
                xp = xp_of(param)
                if amsgrad:
                    max_exp_avg_sq = real_view(state["max_exp_avg_sq"]._data)
                    xp.maximum(max_exp_avg_sq, exp_avg_sq, out=max_exp_avg_sq)
                    denom = xp.sqrt(max_exp_avg_sq)
                else:
                    denom = xp.sqrt(exp_avg_sq)
                denom /= bias_correction2_sqrt
                denom += eps
                addcdiv_(param, exp_avg, denom, -step_size)
        return loss
