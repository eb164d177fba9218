"""Adadelta: step sizes from running averages of squared gradients and squared updates."""
from ._functional import (add_scaled_, addcmul_, check_lr, check_non_negative,
                          grad_for_update, new_state_like, real_view, sqrt_)
from .optimizer import Optimizer

__all__ = ["Adadelta"]


class Adadelta(Optimizer):
    """Adadelta (Zeiler, 2012), as torch.optim.Adadelta.

    Update rule, per parameter p with gradient g:

        g = -g                                   if maximize
        g = g + weight_decay * p                 if weight_decay != 0
        v = rho * v + (1 - rho) * g^2
        delta = sqrt(u + eps) / sqrt(v + eps) * g
        u = rho * u + (1 - rho) * delta^2
        p = p - lr * delta

    Args:
        params: parameters or parameter groups to optimize.
        lr: coefficient scaling delta. Default: 1.0.
        rho: decay rate of the running averages. Default: 0.9.
        eps: added inside the square roots for stability. Default: 1e-6.
        weight_decay: L2 penalty. Default: 0.
        maximize: maximize the objective instead of minimizing. Default: False.
        foreach, capturable, differentiable: checked as torch checks them (see Optimizer).

    State per parameter: step, square_avg (v) and acc_delta (u).

    Example:
        >>> opt = ember.optim.Adadelta(model.parameters())
    """

    def __init__(self, params, lr=1.0, rho=0.9, eps=1e-6, weight_decay=0, foreach=None, *,
                 capturable=False, maximize=False, differentiable=False):
        check_lr(lr)
        if not 0.0 <= rho <= 1.0:
            raise ValueError(f"Invalid rho value: {rho}")
        check_non_negative("epsilon", eps)
        check_non_negative("weight_decay", weight_decay)
        defaults = {"lr": lr, "rho": rho, "eps": eps, "weight_decay": weight_decay,
                    "maximize": maximize, "capturable": capturable, "foreach": foreach,
                    "differentiable": differentiable}
        super().__init__(params, defaults)

    def _init_state(self, state, p, group):
        state["square_avg"] = new_state_like(p)
        state["acc_delta"] = new_state_like(p)

    def step(self, closure=None):
        loss = self._evaluate(closure)
        for group in self.param_groups:
            lr = float(group["lr"])
            rho, eps = group["rho"], group["eps"]
            for p, state in self._params_with_grad(group):
                param = real_view(p._data)
                grad = real_view(grad_for_update(p, group))
                square_avg = real_view(state["square_avg"]._data)
                acc_delta = real_view(state["acc_delta"]._data)
                square_avg *= rho
                addcmul_(square_avg, grad, grad, 1 - rho)
                std = sqrt_(square_avg + eps)
                delta = sqrt_(acc_delta + eps)
                delta /= std
                delta *= grad
                acc_delta *= rho
                addcmul_(acc_delta, delta, delta, 1 - rho)
                add_scaled_(param, delta, -lr)
        return loss
