"""Weight averaging, as torch.optim.swa_utils: SWA and EMA copies of a model, SWALR, update_bn.

Stochastic Weight Averaging (Izmailov et al., 2018) keeps the running mean of the weights
a model passes through late in training; an exponential moving average (EMA) weights recent
ones more. `AveragedModel` holds the averaged copy, `SWALR` anneals the learning rate to a
constant for the averaging phase, and `update_bn` recomputes BatchNorm statistics for the
averaged weights, which no forward pass has produced.

The averaging functions do torch's arithmetic: the float SWA update is lerp with a weight
1 / (n_averaged + 1) computed as a float32 tensor, as torch's foreach_lerp receives it.
"""
import itertools
import math
from copy import deepcopy

from .. import _dtype
from ..autograd.grad_mode import no_grad
from .._tensor import Tensor
from ..nn.modules.batchnorm import _BatchNorm
from ..nn.modules.module import Module
from ..ops.creation import tensor
from .lr_scheduler import LRScheduler, _format_param, _warn_get_lr_called_within_step

__all__ = ["AveragedModel", "update_bn", "SWALR", "get_ema_multi_avg_fn",
           "get_swa_multi_avg_fn", "get_ema_avg_fn", "get_swa_avg_fn"]


def _check_decay(decay):
    if decay < 0.0 or decay > 1.0:
        raise ValueError(
            f"Invalid decay value {decay} provided. Please provide a value in [0,1] range.")


def get_ema_multi_avg_fn(decay=0.999):
    """The in-place EMA update of lists of averaged parameters.

    W_ema <- decay * W_ema + (1 - decay) * W_model   (lerp with weight 1 - decay)

    Example:
        >>> ema = AveragedModel(model, multi_avg_fn=get_ema_multi_avg_fn(0.9))  # doctest: +SKIP
    """
    _check_decay(decay)

    @no_grad()
    def ema_update(ema_param_list, current_param_list, _):
        if ema_param_list[0].is_floating_point() or ema_param_list[0].is_complex():
            for p_ema, p_model in zip(ema_param_list, current_param_list):
                p_ema.lerp_(p_model, 1 - decay)
        else:
            for p_ema, p_model in zip(ema_param_list, current_param_list):
                p_ema.copy_(p_ema * decay + p_model * (1 - decay))

    return ema_update


def get_swa_multi_avg_fn():
    """The in-place equal-weight (SWA) update of lists of averaged parameters.

    W_swa <- W_swa + (W_model - W_swa) / (n_averaged + 1)
    """

    @no_grad()
    def swa_update(averaged_param_list, current_param_list, num_averaged):
        if averaged_param_list[0].is_floating_point() or averaged_param_list[0].is_complex():
            weight = 1 / (num_averaged + 1)  # a float32 tensor when num_averaged is one
            for p_averaged, p_model in zip(averaged_param_list, current_param_list):
                p_averaged.lerp_(p_model, weight)
        else:
            for p_averaged, p_model in zip(averaged_param_list, current_param_list):
                diff = p_model - p_averaged
                if isinstance(num_averaged, Tensor):
                    p_averaged.addcdiv_(diff, num_averaged + 1)
                else:
                    p_averaged.add_(diff, alpha=1.0 / (num_averaged + 1))

    return swa_update


def get_ema_avg_fn(decay=0.999):
    """The EMA of one parameter: decay * W_ema + (1 - decay) * W_model (a new tensor)."""
    _check_decay(decay)

    @no_grad()
    def ema_update(ema_param, current_param, num_averaged):
        return decay * ema_param + (1 - decay) * current_param

    return ema_update


def get_swa_avg_fn():
    """The SWA of one parameter: W_swa + (W_model - W_swa) / (n_averaged + 1)."""

    @no_grad()
    def swa_update(averaged_param, current_param, num_averaged):
        return averaged_param + (current_param - averaged_param) / (num_averaged + 1)

    return swa_update


class AveragedModel(Module):
    """A copy of `model` whose parameters are a running average (SWA, or EMA) of model's.

    The first update_parameters(model) copies model's weights; each later one averages them
    in with avg_fn (one tensor at a time, returning the new value) or multi_avg_fn (lists
    of tensors, in place); with neither, the equal-weight SWA average. Buffers are copied
    from model (or, with use_buffers=True, averaged like the parameters). `n_averaged`, a
    long buffer, counts the models averaged and is saved in state_dict (avg_fn is not).

    Args:
        model: the module to average.
        device: where to keep the averaged copy. Default: model's device.
        avg_fn: (averaged, current, n_averaged) -> new averaged tensor.
        multi_avg_fn: (averaged list, current list, n_averaged) -> None, updating in place.
        use_buffers: average the buffers too. Default: False.

    Example:
        >>> model = ember.nn.Linear(2, 1)
        >>> swa_model = AveragedModel(model)
        >>> swa_model.update_parameters(model)
        >>> int(swa_model.n_averaged)
        1
    """

    def __init__(self, model, device=None, avg_fn=None, multi_avg_fn=None, use_buffers=False):
        super().__init__()
        if avg_fn is not None and multi_avg_fn is not None:
            raise AssertionError("Only one of avg_fn and multi_avg_fn should be provided")
        self.module = deepcopy(model)
        if device is not None:
            self.module = self.module.to(device)
        self.register_buffer("n_averaged", tensor(0, dtype=_dtype.long, device=device))
        self.avg_fn = avg_fn
        self.multi_avg_fn = multi_avg_fn
        self.use_buffers = use_buffers

    def forward(self, *args, **kwargs):
        return self.module(*args, **kwargs)

    @no_grad()
    def update_parameters(self, model):
        """Average model's current parameters (and buffers, with use_buffers) into this one."""
        if self.use_buffers:
            self_params = itertools.chain(self.module.parameters(), self.module.buffers())
            model_params = itertools.chain(model.parameters(), model.buffers())
        else:
            self_params, model_params = self.parameters(), model.parameters()
        averaged, current = [], []
        copy_param = bool(self.n_averaged == 0)
        for p_averaged, p_model in zip(self_params, model_params):
            p_model_ = p_model.detach().to(p_averaged.device)
            averaged.append(p_averaged.detach())
            current.append(p_model_)
            if copy_param:
                p_averaged.detach().copy_(p_model_)
        if self.n_averaged > 0:
            if self.multi_avg_fn is not None or self.avg_fn is None:
                # torch groups the tensors by (device, dtype) and calls multi_avg_fn per group
                for (device, _), (group_averaged, group_current) in _group_by_device_and_dtype(
                        averaged, current).items():
                    n_averaged = self.n_averaged.to(device)
                    if self.multi_avg_fn is not None:
                        self.multi_avg_fn(group_averaged, group_current, n_averaged)
                    elif device.type == "cuda":  # torch's default: foreach kernels on GPUs
                        get_swa_multi_avg_fn()(group_averaged, group_current, n_averaged)
                    else:  # and one tensor at a time elsewhere (exact division by n + 1)
                        avg_fn = get_swa_avg_fn()
                        for p_averaged, p_model in zip(group_averaged, group_current):
                            p_averaged.copy_(avg_fn(p_averaged, p_model, n_averaged))
            else:
                for p_averaged, p_model in zip(averaged, current):
                    n_averaged = self.n_averaged.to(p_averaged.device)
                    p_averaged.copy_(self.avg_fn(p_averaged, p_model, n_averaged))
        if not self.use_buffers:
            for b_swa, b_model in zip(self.module.buffers(), model.buffers()):
                b_swa.detach().copy_(b_model.detach().to(b_swa.device))
        self.n_averaged += 1


def _group_by_device_and_dtype(averaged, current):
    """{(device, dtype): ([averaged tensors], [current tensors])}, in first-seen order."""
    groups = {}
    for p_averaged, p_model in zip(averaged, current):
        lists = groups.setdefault((p_averaged.device, p_averaged.dtype), ([], []))
        lists[0].append(p_averaged)
        lists[1].append(p_model)
    return groups


@no_grad()
def update_bn(loader, model, device=None):
    """Recompute the running_mean and running_var of model's BatchNorm layers with one pass
    over `loader` (a cumulative average over its batches, momentum=None).

    Each batch is a tensor, or a list/tuple whose first element is the model's input.

    Example:
        >>> model = ember.nn.Sequential(ember.nn.Linear(3, 4), ember.nn.BatchNorm1d(4))
        >>> update_bn([ember.randn(8, 3) for _ in range(2)], model)
    """
    momenta = {}
    for module in model.modules():
        if isinstance(module, _BatchNorm):
            module.reset_running_stats()
            momenta[module] = module.momentum
    if not momenta:
        return
    was_training = model.training
    model.train()
    for module in momenta:
        module.momentum = None
    for input in loader:
        if isinstance(input, (list, tuple)):
            input = input[0]
        if device is not None:
            input = input.to(device)
        model(input)
    for module, momentum in momenta.items():
        module.momentum = momentum
    model.train(was_training)


class SWALR(LRScheduler):
    """Anneals each group's learning rate from its current value to swa_lr over
    anneal_epochs steps, then holds it there.

    alpha = anneal((step) / anneal_epochs)   with anneal(t) = (1 - cos(pi t)) / 2 or t
    lr = swa_lr * alpha + lr_0 * (1 - alpha)

    where lr_0 is recovered from the current lr and the previous step's alpha, as torch's.

    Args:
        optimizer: the wrapped optimizer.
        swa_lr: the target learning rate, or a list of them (one per param group).
        anneal_epochs: steps to reach swa_lr. Default: 10.
        anneal_strategy: "cos" or "linear". Default: "cos".
        last_epoch: the index of the last epoch. Default: -1.

    Example:
        >>> scheduler = SWALR(optimizer, swa_lr=0.05, anneal_epochs=5)  # doctest: +SKIP
    """

    def __init__(self, optimizer, swa_lr, anneal_epochs=10, anneal_strategy="cos",
                 last_epoch=-1):
        swa_lrs = _format_param("swa_lr", optimizer, swa_lr)
        for value, group in zip(swa_lrs, optimizer.param_groups):
            group["swa_lr"] = value
        if anneal_strategy not in ["cos", "linear"]:
            raise ValueError("anneal_strategy must be one of 'cos' or 'linear', "
                             f"instead got {anneal_strategy}")
        self._set_anneal_func(anneal_strategy)
        if not isinstance(anneal_epochs, int) or anneal_epochs < 0:
            raise ValueError(
                f"anneal_epochs must be equal or greater than 0, got {anneal_epochs}")
        self.anneal_epochs = anneal_epochs
        super().__init__(optimizer, last_epoch)

    @staticmethod
    def _linear_anneal(t):
        return t

    @staticmethod
    def _cosine_anneal(t):
        return (1 - math.cos(math.pi * t)) / 2

    @staticmethod
    def _get_initial_lr(lr, swa_lr, alpha):
        if alpha == 1:
            return swa_lr
        return (lr - alpha * swa_lr) / (1 - alpha)

    def get_lr(self):
        _warn_get_lr_called_within_step(self)
        step = self._step_count - 1
        if self.anneal_epochs == 0:
            step = max(1, step)
        prev_t = max(0, min(1, (step - 1) / max(1, self.anneal_epochs)))
        prev_alpha = self.anneal_func(prev_t)
        prev_lrs = [self._get_initial_lr(group["lr"], group["swa_lr"], prev_alpha)
                    for group in self.optimizer.param_groups]
        t = max(0, min(1, step / max(1, self.anneal_epochs)))
        alpha = self.anneal_func(t)
        return [group["swa_lr"] * alpha + lr * (1 - alpha)
                for group, lr in zip(self.optimizer.param_groups, prev_lrs)]

    def _set_anneal_func(self, anneal_strategy):
        self._anneal_strategy = anneal_strategy
        self.anneal_func = self._cosine_anneal if anneal_strategy == "cos" \
            else self._linear_anneal

    def state_dict(self):
        """As LRScheduler's, without the anneal function (restored from its name)."""
        return {key: value for key, value in self.__dict__.items()
                if key not in ("optimizer", "anneal_func")}

    def load_state_dict(self, state_dict):
        self.__dict__.update(state_dict)
        self._set_anneal_func(self._anneal_strategy)
