"""NAdam: Adam with Nesterov momentum."""
from ._functional import (addcdiv_, addcmul_, check_betas, check_lr, check_non_negative,
                          grad_for_update, lerp_, new_state_like, new_step_tensor, real_view,
                          sqrt_)
from .optimizer import Optimizer

__all__ = ["NAdam"]


class NAdam(Optimizer):
    """NAdam (Dozat, 2016), as torch.optim.NAdam.

    Update rule at step t, per parameter p with gradient g:

        g = -g                                   if maximize
        p = p * (1 - lr * weight_decay)          if decoupled_weight_decay
        g = g + weight_decay * p                 otherwise, if weight_decay != 0
        mu_t = beta1 * (1 - 0.5 * 0.96^(t * momentum_decay))
        mu_{t+1} = beta1 * (1 - 0.5 * 0.96^((t + 1) * momentum_decay))
        prod_t = prod_{t-1} * mu_t               (state "mu_product")
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g^2
        denom = sqrt(v / (1 - beta2^t)) + eps
        p = p - lr * (1 - mu_t) / (1 - prod_t) * g / denom
        p = p - lr * mu_{t+1} / (1 - prod_t * mu_{t+1}) * m / denom

    Args:
        params: parameters or parameter groups to optimize.
        lr: learning rate. Default: 2e-3.
        betas: decay rates (beta1, beta2). Default: (0.9, 0.999).
        eps: added to the denominator for stability. Default: 1e-8.
        weight_decay: weight decay. Default: 0.
        momentum_decay: momentum decay psi. Default: 4e-3.
        decoupled_weight_decay: decay the weights directly, as AdamW. Default: False.
        maximize: maximize the objective instead of minimizing. Default: False.
        foreach, capturable, differentiable: checked as torch checks them (see Optimizer).

    Example:
        >>> opt = ember.optim.NAdam(model.parameters())
    """

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 momentum_decay=4e-3, decoupled_weight_decay=False, *, foreach=None,
                 maximize=False, capturable=False, differentiable=False):
        check_lr(lr)
        check_betas(betas, eps, weight_decay)
        check_non_negative("momentum_decay", momentum_decay)
        defaults = {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay,
                    "momentum_decay": momentum_decay,
                    "decoupled_weight_decay": decoupled_weight_decay, "maximize": maximize,
                    "foreach": foreach, "capturable": capturable,
                    "differentiable": differentiable}
        super().__init__(params, defaults)

    def _init_state(self, state, p, group):
        state["mu_product"] = new_step_tensor(1.0)
        state["exp_avg"] = new_state_like(p)
        state["exp_avg_sq"] = new_state_like(p)

    def step(self, closure=None):
        loss = self._evaluate(closure)
        for group in self.param_groups:
            lr = float(group["lr"])
            beta1, beta2 = group["betas"]
            momentum_decay = group["momentum_decay"]
            for p, state in self._params_with_grad(group):
                param = real_view(p._data)
                grad = real_view(grad_for_update(p, group))
                exp_avg = real_view(state["exp_avg"]._data)
                exp_avg_sq = real_view(state["exp_avg_sq"]._data)
                mu_product = state["mu_product"]._data
                step = float(state["step"]._data)
                bias_correction2 = 1 - beta2 ** step
                mu = beta1 * (1.0 - 0.5 * (0.96 ** (step * momentum_decay)))
                mu_next = beta1 * (1.0 - 0.5 * (0.96 ** ((step + 1) * momentum_decay)))
                mu_product *= mu  # kept in the state's precision, as torch's tensor is
                lerp_(exp_avg, grad, 1 - beta1)
                exp_avg_sq *= beta2
                addcmul_(exp_avg_sq, grad, grad, 1 - beta2)
                denom = sqrt_(exp_avg_sq / bias_correction2)
                product = float(mu_product)
                denom += group["eps"]
                addcdiv_(param, grad, denom, -lr * (1.0 - mu) / (1.0 - product))
                addcdiv_(param, exp_avg, denom, (-lr * mu_next) / (1.0 - product * mu_next))
        return loss
