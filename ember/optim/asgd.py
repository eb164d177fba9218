"""ASGD: averaged stochastic gradient descent."""
from ._functional import (add_scaled_, check_lr, check_non_negative, grad_for_update,
                          new_state_like, new_step_tensor, real_view)
from .optimizer import Optimizer

__all__ = ["ASGD"]


class ASGD(Optimizer):
    """Averaged SGD (Polyak & Juditsky, 1992), as torch.optim.ASGD.

    Update rule at step t, per parameter p with gradient g:

        g = -g                                   if maximize
        g = g + weight_decay * p                 if weight_decay != 0
        p = p * (1 - lambd * eta) - eta * g
        ax = ax + mu * (p - ax)                  (ax = p while mu == 1)
        eta = lr / (1 + lambd * lr * t) ** alpha
        mu = 1 / max(1, t - t0)

    The running average ax (state "ax") is what ASGD's theory says to evaluate.

    Args:
        params: parameters or parameter groups to optimize.
        lr: learning rate. Default: 1e-2.
        lambd: decay term. Default: 1e-4.
        alpha: power for the eta update. Default: 0.75.
        t0: the step at which averaging starts. Default: 1e6.
        weight_decay: L2 penalty. Default: 0.
        maximize: maximize the objective instead of minimizing. Default: False.
        foreach, differentiable, capturable: checked as torch checks them (see Optimizer).

    Example:
        >>> opt = ember.optim.ASGD(model.parameters(), lr=0.01, t0=100)
    """

    def __init__(self, params, lr=1e-2, lambd=1e-4, alpha=0.75, t0=1e6, weight_decay=0,
                 foreach=None, maximize=False, differentiable=False, capturable=False):
        check_lr(lr)
        check_non_negative("weight_decay", weight_decay)
        defaults = {"lr": lr, "lambd": lambd, "alpha": alpha, "t0": t0,
                    "weight_decay": weight_decay, "foreach": foreach, "maximize": maximize,
                    "differentiable": differentiable, "capturable": capturable}
        super().__init__(params, defaults)

    def _init_state(self, state, p, group):
        state["eta"] = new_step_tensor(float(group["lr"]))
        state["mu"] = new_step_tensor(1.0)
        state["ax"] = new_state_like(p)

    def step(self, closure=None):
        loss = self._evaluate(closure)
        for group in self.param_groups:
            lr = float(group["lr"])
            lambd = group["lambd"]
            for p, state in self._params_with_grad(group):
                param = real_view(p._data)
                grad = real_view(grad_for_update(p, group))
                ax = real_view(state["ax"]._data)
                eta = float(state["eta"]._data)
                param *= 1 - lambd * eta
                add_scaled_(param, grad, -eta)
                if float(state["mu"]._data) != 1:
                    difference = param - ax
                    difference *= state["mu"]._data
                    ax += difference
                else:
                    ax[...] = param
                step = float(state["step"]._data)
                state["eta"]._data[...] = lr / ((1 + lambd * lr * step) ** group["alpha"])
                state["mu"]._data[...] = 1 / max(1, step - group["t0"])
        return loss
