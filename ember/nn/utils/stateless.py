"""Calling a module with other tensors in place of its parameters and buffers.

`_reparametrize_module` swaps the given tensors into the module's registries (or, for a
name that is a plain attribute or a parametrized property, sets the attribute), runs the
body, then swaps the originals back, even if the body raised. ember.func.functional_call is
the public entry point.
"""
import contextlib
import warnings

from ..._tensor import Tensor
from ..modules.module import Module

__all__ = ["functional_call"]

_MISSING = object()


def _untie_named_tensors_map(module, parameters_and_buffers):
    """Give every name tied to a given tensor (the same Parameter under several names) the
    given value too; two different values for tied names is an error."""
    all_named_tensors = dict(module.named_parameters(remove_duplicate=False))
    all_named_tensors.update(module.named_buffers(remove_duplicate=False))
    tied_names_of = {}  # id(tensor) -> its names
    for name, tensor in all_named_tensors.items():
        tied_names_of.setdefault(id(tensor), set()).add(name)
    tied_names_map = {name: names for names in tied_names_of.values() if len(names) > 1
                      for name in names}
    given_tied = {name for name in parameters_and_buffers if name in tied_names_map}
    for given_name in given_tied:
        tied_names = tied_names_map[given_name]
        values = {id(parameters_and_buffers[name]) for name in tied_names & given_tied}
        if len(tied_names & given_tied) > 1 and len(values) != 1:
            raise ValueError(f"functional_call got multiple values for keys "
                             f"{sorted(tied_names)}, which are tied. Consider using "
                             f"tie_weights=False")
    untied = dict(parameters_and_buffers)
    for given_name in given_tied:
        for tied_name in tied_names_map[given_name]:
            untied[tied_name] = parameters_and_buffers[given_name]
    return untied


def _swap_tensor(module, name, tensor):
    """Put `tensor` at module.<name> (a registry entry as it is, else an attribute) and
    return what was there (_MISSING if nothing; tensor=_MISSING removes the entry)."""
    if tensor is not _MISSING and tensor is not None and not isinstance(tensor, Tensor):
        raise TypeError(f"{tensor} is not an instance of ember.Tensor")
    for registry in (module._parameters, module._buffers):
        if name in registry:
            original = registry[name]
            if tensor is _MISSING:
                del registry[name]
            else:
                registry[name] = tensor
            return original
    original = getattr(module, name) if hasattr(module, name) else _MISSING
    if original is not _MISSING and original is not None and not isinstance(original, Tensor):
        raise TypeError(f"attribute `{name}`: {original} is not an instance of ember.Tensor")
    if tensor is not _MISSING:
        setattr(module, name, tensor)
    elif hasattr(module, name):
        delattr(module, name)
    return original


def _swap_tensors_dict(module, named_tensors):
    originals = {}
    try:
        for path, tensor in named_tensors.items():
            owner_path, _, name = path.rpartition(".")
            originals[path] = _swap_tensor(module.get_submodule(owner_path), name, tensor)
    except Exception:
        _swap_tensors_dict(module, originals)
        raise
    return originals


@contextlib.contextmanager
def _reparametrize_module(module, parameters_and_buffers, tie_weights=False, strict=False):
    if tie_weights:
        parameters_and_buffers = _untie_named_tensors_map(module, parameters_and_buffers)
    if strict:
        valid = {name for name, _ in module.named_parameters(remove_duplicate=False)}
        valid |= {name for name, _ in module.named_buffers(remove_duplicate=False)}
        given = set(parameters_and_buffers)
        error_msgs = []
        if given - valid:
            error_msgs.append(
                f"Unexpected key(s): {', '.join(map(repr, sorted(given - valid)))}.")
        if valid - given:
            error_msgs.append(f"Missing key(s): {', '.join(map(repr, sorted(valid - given)))}.")
        if error_msgs:
            raise RuntimeError("Error(s) in reparametrizing for {}:\n\t{}".format(
                module._get_name(), "\n\t".join(error_msgs)))
    originals = {}
    try:
        originals = _swap_tensors_dict(module, parameters_and_buffers)
        yield
    finally:
        _swap_tensors_dict(module, originals)


def _functional_call(module, parameters_and_buffers, args=None, kwargs=None, *,
                     tie_weights=True, strict=False):
    if not isinstance(module, Module):
        raise TypeError(f"functional_call: expected an ember.nn.Module, got "
                        f"{type(module).__name__}")
    kwargs = {} if kwargs is None else kwargs
    if args is None:
        args = ()
    elif not isinstance(args, tuple):
        args = (args,)
    with _reparametrize_module(module, parameters_and_buffers, tie_weights=tie_weights,
                               strict=strict):
        return module(*args, **kwargs)


def functional_call(module, parameters_and_buffers, args=None, kwargs=None, *,
                    tie_weights=True, strict=False):
    """Deprecated alias of ember.func.functional_call (FutureWarning, as in torch)."""
    warnings.warn("`torch.nn.utils.stateless.functional_call` is deprecated as of PyTorch "
                  "2.0 and will be removed in a future version of PyTorch. Please use "
                  "`torch.func.functional_call` instead which is a drop-in replacement.",
                  FutureWarning, stacklevel=2)
    return _functional_call(module, parameters_and_buffers, args, kwargs,
                            tie_weights=tie_weights, strict=strict)
