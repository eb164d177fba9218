"""RMSprop: divide the gradient by a running root mean square of recent gradients."""
from ._functional import (add_scaled_, addcdiv_, addcmul_, check_lr, check_non_negative,
                          grad_for_update, lerp_, new_state_like, real_view)
from .optimizer import Optimizer
from ..backend import xp_of

__all__ = ["RMSprop"]


class RMSprop(Optimizer):
    """RMSprop (Hinton), as torch.optim.RMSprop.

    Update rule, per parameter p with gradient g:

        g = -g                                   if maximize
        g = g + weight_decay * p                 if weight_decay != 0
        v = alpha * v + (1 - alpha) * g^2
        if centered:
            g_avg = alpha * g_avg + (1 - alpha) * g
            avg = sqrt(v - g_avg^2) + eps
        else:
            avg = sqrt(v) + eps
        if momentum > 0:
            b = momentum * b + g / avg
            p = p - lr * b
        else:
            p = p - lr * g / avg

    Args:
        params: parameters or parameter groups to optimize.
        lr: learning rate. Default: 1e-2.
        alpha: smoothing constant of the squared-gradient average. Default: 0.99.
        eps: added to the denominator for stability. Default: 1e-8.
        weight_decay: L2 penalty. Default: 0.
        momentum: momentum factor. Default: 0.
        centered: normalise by an estimate of the gradient's variance. Default: False.
        maximize: maximize the objective instead of minimizing. Default: False.
        capturable, foreach, differentiable: checked as torch checks them (see Optimizer).

    Example:
        >>> opt = ember.optim.RMSprop(model.parameters(), lr=1e-3, momentum=0.9)
    """

    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0,
                 centered=False, capturable=False, foreach=None, maximize=False,
                 differentiable=False):
        check_lr(lr)
        check_non_negative("epsilon", eps)
        check_non_negative("momentum", momentum)
        check_non_negative("weight_decay", weight_decay)
        check_non_negative("alpha", alpha)
        defaults = {"lr": lr, "momentum": momentum, "alpha": alpha, "eps": eps,
                    "centered": centered, "weight_decay": weight_decay,
                    "capturable": capturable, "foreach": foreach, "maximize": maximize,
                    "differentiable": differentiable}
        super().__init__(params, defaults)

    def _init_state(self, state, p, group):
        state["square_avg"] = new_state_like(p)
        if group["momentum"] > 0:
            state["momentum_buffer"] = new_state_like(p)
        if group["centered"]:
            state["grad_avg"] = new_state_like(p)

    def step(self, closure=None):
        loss = self._evaluate(closure)
        for group in self.param_groups:
            lr = float(group["lr"])
            alpha = group["alpha"]
            momentum = group["momentum"]
            for p, state in self._params_with_grad(group):
                param = real_view(p._data)
                grad = real_view(grad_for_update(p, group))
                square_avg = real_view(state["square_avg"]._data)
                square_avg *= alpha
                addcmul_(square_avg, grad, grad, 1 - alpha)
                xp = xp_of(param)
                if group["centered"]:
                    grad_avg = real_view(state["grad_avg"]._data)
                    lerp_(grad_avg, grad, 1 - alpha)
                    avg = square_avg.copy()
                    addcmul_(avg, grad_avg, grad_avg, -1)
                    xp.sqrt(avg, out=avg)
                else:
                    avg = xp.sqrt(square_avg)
                avg += group["eps"]
                if momentum > 0:
                    buffer = real_view(state["momentum_buffer"]._data)
                    buffer *= momentum
                    addcdiv_(buffer, grad, avg, 1)
                    add_scaled_(param, buffer, -lr)
                else:
                    addcdiv_(param, grad, avg, -lr)
        return loss
