"""Stochastic gradient descent, with momentum, dampening and Nesterov momentum."""
from ._functional import add_scaled_, bump_version, check_lr, grad_for_update
from .optimizer import Optimizer, check_fused
from .._tensor import Tensor
from ..backend import fused, xp_of

__all__ = ["SGD"]


def _compiled_step(p, buffer, group):
    """The update below in one compiled pass over float32 CPU arrays (backend/_cpu_kernels.pyx,
    rounding as the array code does), for a step whose momentum buffer exists (or without
    momentum); False where there is no such kernel or it declines the arrays."""
    kernel = fused(xp_of(p._data), "sgd_step")
    return kernel is not None and kernel(
        p._data, p.grad._data, None if buffer is None else buffer._data, float(group["lr"]),
        group["momentum"], group["dampening"], group["weight_decay"], group["nesterov"],
        group["maximize"]) is not None


class SGD(Optimizer):
    """Stochastic gradient descent (optionally with momentum), as torch.optim.SGD.

    Update rule, per parameter p with gradient g:

        g = -g                              if maximize
        g = g + weight_decay * p            if weight_decay != 0
        if momentum != 0:
            b = g                           on the first step
            b = momentum * b + (1 - dampening) * g      afterwards
            g = g + momentum * b            if nesterov, else g = b
        p = p - lr * g

    Args:
        params: parameters or parameter groups to optimize.
        lr: learning rate. Default: 1e-3.
        momentum: momentum factor. Default: 0.
        dampening: dampening of the momentum. Default: 0.
        weight_decay: L2 penalty. Default: 0.
        nesterov: use Nesterov momentum. Default: False.
        maximize: maximize the objective instead of minimizing. Default: False.
        foreach, differentiable, fused: checked as torch checks them (see Optimizer).

    Example:
        >>> opt = ember.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
        >>> opt.zero_grad(); loss_fn(model(x), y).backward(); opt.step()
    """

    def __init__(self, params, lr=1e-3, momentum=0, dampening=0, weight_decay=0,
                 nesterov=False, *, maximize=False, foreach=None, differentiable=False,
                 fused=None):
        check_lr(lr)
        if momentum < 0.0:
            raise ValueError(f"Invalid momentum value: {momentum}")
        if weight_decay < 0.0:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        defaults = {"lr": lr, "momentum": momentum, "dampening": dampening,
                    "weight_decay": weight_decay, "nesterov": nesterov, "maximize": maximize,
                    "foreach": foreach, "differentiable": differentiable, "fused": fused}
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        super().__init__(params, defaults)
        check_fused(fused, foreach, differentiable)

    _foreach_refuses_differentiable = False

    def step(self, closure=None):
        # Not Optimizer._params_with_grad: SGD counts no steps, and keeps state only for
        # momentum (torch's state_dict has none without it).
        loss = self._evaluate(closure)
        for group in self.param_groups:
            lr = float(group["lr"])
            momentum = group["momentum"]
            dampening = group["dampening"]
            params = [p for p in group["params"] if p.grad is not None]
            self._check_flags(group, params)
            for p in params:
                buffer = self.state[p].get("momentum_buffer") if momentum != 0 else None
                if (momentum == 0 or buffer is not None) and _compiled_step(p, buffer, group):
                    bump_version(p)
                    continue
                param = p._data
                grad = grad_for_update(p, group)
                if momentum != 0:
                    if buffer is None:
                        state = self.state[p]
                        buffer = state["momentum_buffer"] = Tensor._make(grad.copy())
                    else:
                        buffer._data *= momentum
                        add_scaled_(buffer._data, grad, 1 - dampening)
                    if group["nesterov"]:
                        grad = grad + buffer._data * momentum
                    else:
                        grad = buffer._data
                add_scaled_(param, grad, -lr)
                bump_version(p)
        return loss
