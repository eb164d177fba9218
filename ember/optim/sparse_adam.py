"""SparseAdam: Adam that updates only the rows a step's gradient touches (embedding tables)."""
import math

from ..backend import xp_of
from ._functional import grad_for_update, new_state_like
from .optimizer import Optimizer

__all__ = ["SparseAdam"]


class SparseAdam(Optimizer):
    """Lazy Adam, as torch.optim.SparseAdam: moments and parameters change only in the rows
    (slices along dim 0) the gradient touches; untouched rows keep their moments undecayed.

    Update rule at step t, for the touched rows r of p with gradient g:

        g = -g                                            if maximize
        m[r] = m[r] + (1 - beta1) * (g[r] - m[r])
        v[r] = v[r] + (1 - beta2) * (g[r]² - v[r])
        p[r] = p[r] - lr * sqrt(1 - beta2^t) / (1 - beta1^t) * m[r] / (sqrt(v[r]) + eps)

    Args:
        params: parameters or parameter groups to optimize (nn.Embedding(sparse=True) tables).
        lr: learning rate. Default: 1e-3.
        betas: decay rates (beta1, beta2). Default: (0.9, 0.999).
        eps: added to the denominator. Default: 1e-8.
        maximize: maximize the objective instead of minimizing. Default: False.

    Differs from PyTorch: ember's gradients are dense (nn.Embedding(sparse=True) included), so
    the touched rows are those where the gradient is nonzero; a looked-up row whose gradient
    is exactly zero is left alone, where torch's sparse gradient would still decay its moments.

    Example:
        >>> emb = ember.nn.Embedding(100, 8, sparse=True)
        >>> opt = ember.optim.SparseAdam(list(emb.parameters()), lr=0.01)
    """

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, maximize=False):
        if not 0.0 < lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 < eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        if not 0.0 <= betas[0] < 1.0:
            raise ValueError(f"Invalid beta parameter at index 0: {betas[0]}")
        if not 0.0 <= betas[1] < 1.0:
            raise ValueError(f"Invalid beta parameter at index 1: {betas[1]}")
        defaults = {"lr": lr, "betas": betas, "eps": eps, "maximize": maximize}
        super().__init__(params, defaults)
        complex_params = [[g, i] for g, group in enumerate(self.param_groups)
                          for i, p in enumerate(group["params"]) if p.is_complex()]
        if complex_params:
            raise ValueError(f"Complex params at indices {complex_params}: SparseAdam does not "
                             f"support complex parameters")

    def _init_state(self, state, p, group):
        state["exp_avg"] = new_state_like(p)
        state["exp_avg_sq"] = new_state_like(p)

    def step(self, closure=None):
        loss = self._evaluate(closure)
        for group in self.param_groups:
            lr = float(group["lr"])
            beta1, beta2 = group["betas"]
            for p, state in self._params_with_grad(group):
                param = p._data
                grad = grad_for_update(p, group)
                xp = xp_of(param)
                flat = grad.reshape(grad.shape[0], -1) if grad.ndim > 1 else grad[:, None]
                rows = xp.nonzero((flat != 0).any(axis=1))[0]
                if rows.size == 0:
                    continue
                exp_avg, exp_avg_sq = state["exp_avg"]._data, state["exp_avg_sq"]._data
                values = grad[rows]
                old_avg, old_avg_sq = exp_avg[rows], exp_avg_sq[rows]
                avg_update = (values - old_avg) * (1 - beta1)
                avg_sq_update = (values * values - old_avg_sq) * (1 - beta2)
                exp_avg[rows] += avg_update
                exp_avg_sq[rows] += avg_sq_update
                numer = avg_update + old_avg
                denom = xp.sqrt(avg_sq_update + old_avg_sq) + group["eps"]
                step = float(state["step"]._data)
                step_size = lr * math.sqrt(1 - beta2 ** step) / (1 - beta1 ** step)
                param[rows] += -step_size * (numer / denom)
        return loss
