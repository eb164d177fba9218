"""Adagrad: per-coordinate learning rates from the sum of all past squared gradients."""
from .optimizer import (Optimizer, addcdiv_, addcmul_, bump_version, check_lr,
                        new_state_like, new_step_tensor, with_weight_decay)
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
        foreach, differentiable, fused: accepted and ignored (see Optimizer).

    Example:
        >>> opt = ember.optim.Adagrad(model.parameters(), lr=0.01)
    """

    def __init__(self, params, lr=1e-2, lr_decay=0, weight_decay=0, initial_accumulator_value=0,
                 eps=1e-10, foreach=None, *, maximize=False, differentiable=False, fused=None):
        check_lr(lr)
        if not 0.0 <= lr_decay:
            raise ValueError(f"Invalid lr_decay value: {lr_decay}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if not 0.0 <= initial_accumulator_value:
            raise ValueError(
                f"Invalid initial_accumulator_value value: {initial_accumulator_value}")
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        defaults = {"lr": lr, "lr_decay": lr_decay, "eps": eps, "weight_decay": weight_decay,
                    "initial_accumulator_value": initial_accumulator_value,
                    "foreach": foreach, "maximize": maximize,
                    "differentiable": differentiable, "fused": fused}
        super().__init__(params, defaults)
        # torch creates the state eagerly, from the optimizer-wide initial value
        for group in self.param_groups:
            for p in group["params"]:
                self._init_state(p)

    def _init_state(self, p):
        state = self.state[p]
        if not state:
            state["step"] = new_step_tensor()
            state["sum"] = new_state_like(p, self.defaults["initial_accumulator_value"])

    def step(self, closure=None):
        """Perform one optimization step; closure re-evaluates the model, returns the loss."""
        loss = self._evaluate(closure)
        for group in self.param_groups:
            lr = float(group["lr"])
            for p in group["params"]:
                if p.grad is None:
                    continue
                self._init_state(p)
                state = self.state[p]
                state["step"]._data += 1
                step = float(state["step"]._data)
                param = p._data
                grad = -p.grad._data if group["maximize"] else p.grad._data
                if group["weight_decay"] != 0:
                    grad = with_weight_decay(grad, param, group["weight_decay"])
                clr = lr / (1 + (step - 1) * group["lr_decay"])
                state_sum = state["sum"]._data
                addcmul_(state_sum, grad, grad, 1)
                std = xp_of(param).sqrt(state_sum)
                std += group["eps"]
                addcdiv_(param, grad, std, -clr)
                bump_version(p)
        return loss
