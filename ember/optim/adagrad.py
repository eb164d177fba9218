"""Adagrad: per-coordinate learning rates from the sum of all past squared gradients."""
from ._functional import (addcdiv_, addcmul_, check_lr, check_non_negative, grad_for_update,
                          new_state_like, real_view)
from .optimizer import Optimizer, check_fused
from ..backend import xp_of

__all__ = ["Adagrad"]


class Adagrad(Optimizer):
    """Adagrad (Duchi et al., 2011), as torch.optim.Adagrad.

    Update rule at step t, per parameter p with gradient g:

        g = -g                                   if maximize
        g = g + weight_decay * p                 if weight_decay != 0
        clr = lr / (1 + (t - 1) * lr_decay)
        s = s + g^2                              (s starts at initial_accumulator_value)
        p = p - clr * g / (sqrt(s) + eps)

    Args:
        params: parameters or parameter groups to optimize.
        lr: learning rate. Default: 1e-2.
        lr_decay: learning-rate decay per step. Default: 0.
        weight_decay: L2 penalty. Default: 0.
        initial_accumulator_value: the starting value of the sums s. Default: 0.
        eps: added to the denominator for stability. Default: 1e-10.
        maximize: maximize the objective instead of minimizing. Default: False.
        foreach, differentiable, fused: checked as torch checks them (see Optimizer).

    Example:
        >>> opt = ember.optim.Adagrad(model.parameters(), lr=0.01)
    """

    def __init__(self, params, lr=1e-2, lr_decay=0, weight_decay=0, initial_accumulator_value=0,
                 eps=1e-10, foreach=None, *, maximize=False, differentiable=False, fused=None):
        check_lr(lr)
        check_non_negative("lr_decay", lr_decay)
        check_non_negative("weight_decay", weight_decay)
        check_non_negative("initial_accumulator_value", initial_accumulator_value)
        check_non_negative("epsilon", eps)
        defaults = {"lr": lr, "lr_decay": lr_decay, "eps": eps, "weight_decay": weight_decay,
                    "initial_accumulator_value": initial_accumulator_value,
                    "foreach": foreach, "maximize": maximize,
                    "differentiable": differentiable, "fused": fused}
        super().__init__(params, defaults)
        check_fused(fused, foreach, differentiable)
        # torch creates the state eagerly, from the optimizer-wide initial value
        for group in self.param_groups:
            for p in group["params"]:
                self._state_of(p, group)

    def _init_state(self, state, p, group):
        state["sum"] = new_state_like(p, self.defaults["initial_accumulator_value"])

    def share_memory(self):
        """Call share_memory_() on the accumulated squared gradients (for Hogwild-style
        training with processes sharing one optimizer)."""
        for group in self.param_groups:
            for p in group["params"]:
                self.state[p]["sum"].share_memory_()

    def step(self, closure=None):
        loss = self._evaluate(closure)
        for group in self.param_groups:
            lr = float(group["lr"])
            for p, state in self._params_with_grad(group):
                step = float(state["step"]._data)
                param = real_view(p._data)
                grad = real_view(grad_for_update(p, group))
                clr = lr / (1 + (step - 1) * group["lr_decay"])
                state_sum = real_view(state["sum"]._data)
                addcmul_(state_sum, grad, grad, 1)
                std = xp_of(param).sqrt(state_sum)
                std += group["eps"]
                addcdiv_(param, grad, std, -clr)
        return loss
