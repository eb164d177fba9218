"""RMSprop: divide the gradient by a running root mean square of recent gradients."""
from .optimizer import (Optimizer, add_scaled_, addcdiv_, addcmul_, bump_version, check_lr,
                        lerp_, new_state_like, new_step_tensor, with_weight_decay)
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
        capturable, foreach, differentiable: accepted and ignored (see Optimizer).

    Example:
        >>> opt = ember.optim.RMSprop(model.parameters(), lr=1e-3, momentum=0.9)
    """

    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0,
                 centered=False, capturable=False, foreach=None, maximize=False,
                 differentiable=False):
        check_lr(lr)
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        if not 0.0 <= momentum:
            raise ValueError(f"Invalid momentum value: {momentum}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if not 0.0 <= alpha:
            raise ValueError(f"Invalid alpha value: {alpha}")
        defaults = {"lr": lr, "momentum": momentum, "alpha": alpha, "eps": eps,
                    "centered": centered, "weight_decay": weight_decay,
                    "capturable": capturable, "foreach": foreach, "maximize": maximize,
                    "differentiable": differentiable}
        super().__init__(params, defaults)

    def step(self, closure=None):
        """Perform one optimization step; closure re-evaluates the model, returns the loss."""
        loss = self._evaluate(closure)
        for group in self.param_groups:
            lr = float(group["lr"])
            alpha = group["alpha"]
            momentum = group["momentum"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                state = self.state[p]
                if not state:
                    state["step"] = new_step_tensor()
                    state["square_avg"] = new_state_like(p)
                    if momentum > 0:
                        state["momentum_buffer"] = new_state_like(p)
                    if group["centered"]:
                        state["grad_avg"] = new_state_like(p)
                param = p._data
                grad = -p.grad._data if group["maximize"] else p.grad._data
                square_avg = state["square_avg"]._data
                state["step"]._data += 1
                if group["weight_decay"] != 0:
                    grad = with_weight_decay(grad, param, group["weight_decay"])
                square_avg *= alpha
                addcmul_(square_avg, grad, grad, 1 - alpha)
                xp = xp_of(param)
                if group["centered"]:
                    grad_avg = state["grad_avg"]._data
                    lerp_(grad_avg, grad, 1 - alpha)
                    avg = square_avg.copy()
                    addcmul_(avg, grad_avg, grad_avg, -1)
                    xp.sqrt(avg, out=avg)
                else:
                    avg = xp.sqrt(square_avg)
                avg += group["eps"]
                if momentum > 0:
                    buffer = state["momentum_buffer"]._data
                    buffer *= momentum
                    addcdiv_(buffer, grad, avg, 1)
                    add_scaled_(param, buffer, -lr)
                else:
                    addcdiv_(param, grad, avg, -lr)
                bump_version(p)
        return loss
