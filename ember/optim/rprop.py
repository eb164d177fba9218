"""Rprop: per-weight step sizes adapted from the sign of successive gradients."""
from ._functional import addcmul_, check_lr, grad_for_update, new_state_like, real_view
from .optimizer import Optimizer
from ..backend import xp_of

__all__ = ["Rprop"]


class Rprop(Optimizer):
    """Resilient backpropagation (Riedmiller & Braun, 1993), as torch.optim.Rprop.

    Update rule, per parameter p with gradient g (elementwise):

        g = -g                                          if maximize
        s = sign(g * g_prev)
        step = clamp(step * (eta_plus if s > 0, eta_minus if s < 0, 1 if s == 0),
                     step_size_min, step_size_max)     (step starts at lr)
        g = 0 where s < 0                               (no move after a sign change)
        p = p - sign(g) * step
        g_prev = g

    Args:
        params: parameters or parameter groups to optimize.
        lr: the initial step size. Default: 1e-2.
        etas: (eta_minus, eta_plus), the step shrink and growth factors. Default: (0.5, 1.2).
        step_sizes: (step_size_min, step_size_max). Default: (1e-6, 50).
        maximize: maximize the objective instead of minimizing. Default: False.
        capturable, foreach, differentiable: checked as torch checks them (see Optimizer).

    Example:
        >>> opt = ember.optim.Rprop(model.parameters())
    """

    def __init__(self, params, lr=1e-2, etas=(0.5, 1.2), step_sizes=(1e-6, 50), *,
                 capturable=False, foreach=None, maximize=False, differentiable=False):
        check_lr(lr)
        if not 0.0 < etas[0] < 1.0 < etas[1]:
            raise ValueError(f"Invalid eta values: {etas[0]}, {etas[1]}")
        defaults = {"lr": lr, "etas": etas, "step_sizes": step_sizes, "foreach": foreach,
                    "maximize": maximize, "differentiable": differentiable,
                    "capturable": capturable}
        super().__init__(params, defaults)

    def _init_state(self, state, p, group):
        state["prev"] = new_state_like(p)
        lr = float(group["lr"])  # a complex parameter's two parts each start at lr
        state["step_size"] = new_state_like(p, complex(lr, lr) if p.is_complex() else lr)

    def step(self, closure=None):
        loss = self._evaluate(closure)
        for group in self.param_groups:
            eta_minus, eta_plus = group["etas"]
            step_size_min, step_size_max = group["step_sizes"]
            for p, state in self._params_with_grad(group):
                grad = real_view(grad_for_update(p, group))
                prev = real_view(state["prev"]._data)
                step_size = real_view(state["step_size"]._data)
                xp = xp_of(step_size)
                sign = xp.sign(grad * prev)
                factor = xp.where(sign > 0, eta_plus, xp.where(sign < 0, eta_minus, 1.0))
                step_size *= factor.astype(step_size.dtype)
                xp.clip(step_size, step_size_min, step_size_max, out=step_size)
                grad = xp.where(sign < 0, 0, grad).astype(grad.dtype)
                addcmul_(real_view(p._data), xp.sign(grad), step_size, -1)
                prev[...] = grad
        return loss
