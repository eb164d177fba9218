"""ember.func: torch.func's function transforms and module helpers.

eager_transforms.py  grad, grad_and_value, vjp, jvp, jacrev, jacfwd, hessian, linearize
vmap.py              vmap (the function called once per sample)
_pytree.py           flattening nested tuples, lists and dicts of tensors
"""
from collections.abc import Sequence

from ..nn.utils.stateless import _functional_call
from ..ops.join import stack
from .eager_transforms import (grad, grad_and_value, hessian, jacfwd, jacrev, jvp, linearize,
                               vjp)
from .vmap import vmap

__all__ = ["functional_call", "stack_module_state", "grad", "grad_and_value", "vjp", "jvp",
           "jacrev", "jacfwd", "hessian", "linearize", "vmap"]


def functional_call(module, parameter_and_buffer_dicts, args=None, kwargs=None, *,
                    tie_weights=True, strict=False):
    """module(*args, **kwargs) with the given tensors in place of its parameters and buffers
    (keys as in named_parameters(); names not given keep the module's own). The module is
    unchanged afterwards; gradients flow to the given tensors.

    Args:
        module: the module to call.
        parameter_and_buffer_dicts: a dict of name -> tensor, or a sequence of such dicts
            with no key in two of them.
        args: the positional arguments (a single non-tuple is one argument).
        kwargs: the keyword arguments.
        tie_weights: a value given for one name of a tied tensor goes to all its names.
        strict: the dicts must name every parameter and buffer, and nothing else.

    Example:
        >>> m = ember.nn.Linear(2, 1)
        >>> w = {"weight": ember.ones(1, 2), "bias": ember.zeros(1)}
        >>> functional_call(m, w, (ember.tensor([[1., 2.]]),))
        tensor([[3.]])
    """
    if isinstance(parameter_and_buffer_dicts, dict):
        parameters_and_buffers = parameter_and_buffer_dicts
    elif isinstance(parameter_and_buffer_dicts, Sequence):
        if not all(isinstance(d, dict) for d in parameter_and_buffer_dicts):
            raise ValueError(
                "Expected all elements of parameter_and_buffer_dicts to be dictionaries")
        counts = {}
        for d in parameter_and_buffer_dicts:
            for key in d:
                counts[key] = counts.get(key, 0) + 1
        repeated_keys = [key for key, count in counts.items() if count > 1]
        if repeated_keys:
            raise ValueError(f"{repeated_keys} appeared in multiple dictionaries; behavior of "
                             f"functional call is ambiguous")
        parameters_and_buffers = {k: v for d in parameter_and_buffer_dicts for k, v in d.items()}
    else:
        raise ValueError("Expected parameter_and_buffer_dicts to be a dict, or a list/tuple of "
                         f"dicts, but got {type(parameter_and_buffer_dicts)}")
    return _functional_call(module, parameters_and_buffers, args, kwargs,
                            tie_weights=tie_weights, strict=strict)


def stack_module_state(models):
    """(params, buffers): each name mapped to the models' tensors stacked along a new dim 0
    (for ensembling); stacked parameters are new leaves that require grad."""
    if len(models) == 0:
        raise RuntimeError("stack_module_state: Expected at least one model, got 0.")
    if not (all(m.training for m in models) or all(not m.training for m in models)):
        raise RuntimeError(
            "stack_module_state: Expected all models to have the same training/eval mode.")
    model0_type = type(models[0])
    if not all(type(m) is model0_type for m in models):
        raise RuntimeError("stack_module_state: Expected all models to be of the same class.")

    def stacked(tensors, name):
        requires_grad = [t.requires_grad for t in tensors]
        if any(requires_grad) and not all(requires_grad):
            raise RuntimeError(f"Expected {name} from each model to have the same "
                               f".requires_grad")
        result = stack(tensors)
        return result.detach().requires_grad_() if all(requires_grad) else result

    all_params = [dict(model.named_parameters()) for model in models]
    all_buffers = [dict(model.named_buffers()) for model in models]
    params = {k: stacked([p[k] for p in all_params], k) for k in all_params[0]}
    buffers = {k: stacked([b[k] for b in all_buffers], k) for k in all_buffers[0]}
    return params, buffers
