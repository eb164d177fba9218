"""Adamax: Adam with the infinity norm in place of the second moment."""
from ._functional import (addcdiv_, check_betas, check_lr, grad_for_update, lerp_,
                          new_state_like, real_view)
from .optimizer import Optimizer
from ..backend import xp_of

__all__ = ["Adamax"]


class Adamax(Optimizer):
    """Adamax (Kingma & Ba, 2014, section 7), as torch.optim.Adamax.

    Update rule at step t, per parameter p with gradient g:

        g = -g                                   if maximize
        g = g + weight_decay * p                 if weight_decay != 0
        m = beta1 * m + (1 - beta1) * g
        u = max(beta2 * u, |g| + eps)
        p = p - lr / (1 - beta1^t) * m / u

    Args:
        params: parameters or parameter groups to optimize.
        lr: learning rate. Default: 2e-3.
        betas: decay rates (beta1, beta2). Default: (0.9, 0.999).
        eps: added for stability. Default: 1e-8.
        weight_decay: L2 penalty. Default: 0.
        maximize: maximize the objective instead of minimizing. Default: False.
        foreach, differentiable, capturable: checked as torch checks them (see Optimizer).

    State per parameter: step, exp_avg (m) and exp_inf (u).

    Example:
        >>> opt = ember.optim.Adamax(model.parameters())
    """

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 foreach=None, *, maximize=False, differentiable=False, capturable=False):
        check_lr(lr)
        check_betas(betas, eps, weight_decay)
        defaults = {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay,
                    "foreach": foreach, "maximize": maximize,
                    "differentiable": differentiable, "capturable": capturable}
        super().__init__(params, defaults)

    def _init_state(self, state, p, group):
        state["exp_avg"] = new_state_like(p)
        state["exp_inf"] = new_state_like(p)

    def step(self, closure=None):
        loss = self._evaluate(closure)
        for group in self.param_groups:
            lr = float(group["lr"])
            beta1, beta2 = group["betas"]
            for p, state in self._params_with_grad(group):
                param = real_view(p._data)
                grad = real_view(grad_for_update(p, group))
                exp_avg = real_view(state["exp_avg"]._data)
                exp_inf = real_view(state["exp_inf"]._data)
                xp = xp_of(param)
                lerp_(exp_avg, grad, 1 - beta1)
                exp_inf *= beta2
                norm = xp.abs(grad)
                norm += group["eps"]
                xp.maximum(exp_inf, norm, out=exp_inf)
                clr = lr / (1 - beta1 ** float(state["step"]._data))
                addcdiv_(param, exp_avg, exp_inf, -clr)
        return loss
