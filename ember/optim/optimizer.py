"""Optimizer: the base class of every optimizer.

An optimizer keeps `param_groups` (dicts of hyperparameters, each with its "params") and
`state` (per-parameter dicts of ember Tensors, keyed by the parameter). Its state_dict
has torch's exact layout: state keyed by integer ids in param_groups order, and groups whose
"params" are lists of those ids.

A subclass's step() walks `_params_with_grad(group)`, which gives each parameter to update
with its state, and applies its update rule to the arrays in place (the shared pieces of
those rules are in _functional.py).
"""
import functools
import warnings
from collections import OrderedDict, defaultdict
from copy import deepcopy
from itertools import chain

from .._tensor import Tensor
from ..autograd import grad_mode
from ..utils.hooks import RemovableHandle
from ._functional import bump_version, new_step_tensor

__all__ = ["Optimizer", "register_optimizer_step_pre_hook", "register_optimizer_step_post_hook",
           "required"]


class _RequiredParameter:
    """Marks a hyperparameter that has no default (every group must give it)."""

    def __repr__(self):
        return "<required parameter>"


required = _RequiredParameter()

# torch's device lists for capturable=True and fused=True (ember has cpu and cuda of them)
_CAPTURABLE_DEVICES = ["cuda", "xpu", "hpu", "privateuseone", "xla"]
_FUSED_DEVICES = ["mps", "cuda", "xpu", "hpu", "cpu", "mtia", "privateuseone"]

_global_optimizer_pre_hooks = OrderedDict()
_global_optimizer_post_hooks = OrderedDict()


def _register(hooks, hook, prepend=False):
    """Add hook to the ordered dict hooks (first if prepend); its handle removes it."""
    handle = RemovableHandle(hooks)
    hooks[handle.id] = hook
    if prepend:
        hooks.move_to_end(handle.id, last=False)
    return handle


def check_fused(fused, foreach, differentiable):
    """torch's checks, at construction, of fused=True against the other implementation flags."""
    if fused:
        if differentiable:
            raise RuntimeError("`fused` does not support `differentiable`")
        if foreach:
            raise RuntimeError("`fused` and `foreach` cannot be `True` together.")


def register_optimizer_step_pre_hook(hook):
    """hook(optimizer, args, kwargs) -> None or (args, kwargs) runs before every step()."""
    return _register(_global_optimizer_pre_hooks, hook)


def register_optimizer_step_post_hook(hook):
    """hook(optimizer, args, kwargs) runs after every optimizer's step()."""
    return _register(_global_optimizer_post_hooks, hook)


def _hooked_step(step):
    """Wrap a step() so that the step pre- and post-hooks run around it."""
    @functools.wraps(step)
    def wrapper(*args, **kwargs):
        self = args[0]
        for pre_hook in chain(_global_optimizer_pre_hooks.values(),
                              self._optimizer_step_pre_hooks.values()):
            result = pre_hook(self, args, kwargs)
            if result is not None:
                if not (isinstance(result, tuple) and len(result) == 2):
                    raise RuntimeError(f"{step} must return None or a tuple of (new_args, "
                                       f"new_kwargs), but got {result}.")
                args, kwargs = result
        out = step(*args, **kwargs)
        for post_hook in chain(self._optimizer_step_post_hooks.values(),
                               _global_optimizer_post_hooks.values()):
            post_hook(self, args, kwargs)
        return out

    wrapper.hooked = True
    return wrapper


class Optimizer:
    """Base class of all optimizers.

    Args:
        params: an iterable of Tensors, of (name, Tensor) pairs, or of dicts each holding
            "params" plus per-group hyperparameters (parameter groups).
        defaults: the hyperparameters a group gets when it does not set them.

    Differs from PyTorch: `foreach`, `fused`, `capturable` and `differentiable` are stored in
    param_groups and checked as torch checks them (fused with foreach or differentiable,
    fused on non-float parameters, capturable on the CPU, differentiable on leaves that
    require grad), but ember always runs one loop over the parameters on their arrays, and
    the update is never recorded by autograd: differentiable=True on parameters that torch
    would differentiate through raises NotImplementedError.

    Example:
        >>> opt = ember.optim.SGD(model.parameters(), lr=0.1)
        >>> opt.zero_grad(); loss_fn(model(x), y).backward(); opt.step()
    """

    def __init__(self, params, defaults):
        self.defaults = defaults
        self._optimizer_step_pre_hooks = OrderedDict()
        self._optimizer_step_post_hooks = OrderedDict()
        self._optimizer_state_dict_pre_hooks = OrderedDict()
        self._optimizer_state_dict_post_hooks = OrderedDict()
        self._optimizer_load_state_dict_pre_hooks = OrderedDict()
        self._optimizer_load_state_dict_post_hooks = OrderedDict()
        self._patch_step_function()
        if isinstance(params, Tensor):
            raise TypeError("params argument given to the optimizer should be an iterable of "
                            "Tensors or dicts, but got " + params.type())
        self.state = defaultdict(dict)
        self.param_groups = []
        param_groups = list(params)
        if not param_groups:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(param_groups[0], dict):
            param_groups = [{"params": param_groups}]
        for param_group in param_groups:
            self.add_param_group(param_group)

    def _patch_step_function(self):
        cls = type(self)
        if not getattr(cls.step, "hooked", False):
            cls.step = _hooked_step(cls.step)

    def __getstate__(self):
        return {"defaults": self.defaults, "state": self.state,
                "param_groups": self.param_groups}

    def __setstate__(self, state):
        self.__dict__.update(state)
        for name in ("_optimizer_step_pre_hooks", "_optimizer_step_post_hooks",
                     "_optimizer_state_dict_pre_hooks", "_optimizer_state_dict_post_hooks",
                     "_optimizer_load_state_dict_pre_hooks",
                     "_optimizer_load_state_dict_post_hooks"):
            self.__dict__.setdefault(name, OrderedDict())
        self._patch_step_function()
        self.defaults.setdefault("differentiable", False)
        # older checkpoints may lack newer hyperparameters, or hold 'step' as a number
        for group in self.param_groups:
            for name, default in self.defaults.items():
                group.setdefault(name, default)
        for param_state in self.state.values():
            step = param_state.get("step") if isinstance(param_state, dict) else None
            if step is not None and not isinstance(step, Tensor):
                param_state["step"] = new_step_tensor(float(step))

    def __repr__(self):
        text = type(self).__name__ + " ("
        for index, group in enumerate(self.param_groups):
            text += f"\nParameter Group {index}\n"
            for key in sorted(group):
                if key != "params":
                    text += f"    {key}: {group[key]}\n"
        return text + ")"

    def add_param_group(self, param_group):
        """Add a group of parameters with its own hyperparameters (e.g. a layer to unfreeze).

        Raises ValueError if a parameter is already in another group.
        """
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, but got {type(param_group)}")
        params = param_group["params"]
        if isinstance(params, Tensor):
            param_group["params"] = [params]
        elif isinstance(params, set):
            raise TypeError(
                "optimizer parameters need to be organized in ordered collections, but the "
                "ordering of tensors in sets will change between runs. Please use a list "
                "instead.")
        else:
            param_group["params"] = list(params)
        tensors, names = [], []
        for param in param_group["params"]:
            if isinstance(param, tuple):
                names.append(param[0])
                tensors.append(param[1])
            else:
                tensors.append(param)
        param_group["params"] = tensors
        if names:
            if len(names) != len(tensors):
                raise ValueError("all optimizer params should be with/without names. Some "
                                 "param names are missing")
            param_group["param_names"] = names
        for param in tensors:
            if not isinstance(param, Tensor):
                raise TypeError("optimizer can only optimize Tensors, but one of the params is "
                                + type(param).__name__)
            if not self.defaults.get("differentiable", None) and not (
                    param.is_leaf or param.retains_grad):
                raise ValueError("can't optimize a non-leaf Tensor")
        for name, default in self.defaults.items():
            if default is required and name not in param_group:
                raise ValueError(f"parameter group didn't specify a value of required "
                                 f"optimization parameter {name}")
            param_group.setdefault(name, default)
        if len(tensors) != len({id(p) for p in tensors}):
            warnings.warn("optimizer contains a parameter group with duplicate parameters; in "
                          "future, this will cause an error; see "
                          "github.com/pytorch/pytorch/issues/40967 for more information",
                          stacklevel=3)
        seen = set()
        for group in self.param_groups:
            seen.update(id(p) for p in group["params"])
            if ("param_names" in param_group) != ("param_names" in group):
                which = "with names" if "param_names" in param_group else "without names"
                raise ValueError(f"all optimizer param groups should be with/without names. "
                                 f"cannot add param group {which} to the optimizer")
        if not seen.isdisjoint(id(p) for p in tensors):
            raise ValueError("some parameters appear in more than one parameter group")
        self.param_groups.append(param_group)

    def zero_grad(self, set_to_none=True):
        """Reset the gradients of all optimized tensors: to None (default), or to zeros."""
        for group in self.param_groups:
            for param in group["params"]:
                if param.grad is None:
                    continue
                if set_to_none:
                    param.grad = None
                else:
                    if param.grad.grad_fn is not None:
                        param.grad.detach_()
                    else:
                        param.grad.requires_grad_(False)
                    param.grad.zero_()

    def step(self, closure=None):
        """Perform one optimization step; closure re-evaluates the model, returns the loss."""
        raise NotImplementedError

    @staticmethod
    def _evaluate(closure):
        """Run the closure with gradients enabled (step itself runs outside autograd)."""
        if closure is None:
            return None
        with grad_mode.enable_grad():
            return closure()

    # -- the loop every step() runs (all but SGD's and LBFGS's) ---------------------------

    # SGD's foreach loop runs with autograd (and fails on a leaf), the others refuse it
    _foreach_refuses_differentiable = True

    def _check_flags(self, group, params):
        """torch's step-time checks of the implementation flags, for the parameters about
        to be updated."""
        if not params:
            return
        if group.get("fused"):
            for p in params:
                if p.device.type not in _FUSED_DEVICES or not p.is_floating_point():
                    raise RuntimeError(
                        f"`fused=True` requires all the params to be floating point Tensors "
                        f"of supported devices: {_FUSED_DEVICES} but {p.dtype} and "
                        f"{p.device.type}")
        if group.get("capturable") and not group.get("fused"):  # fused kernels ignore it
            if any(p.device.type not in _CAPTURABLE_DEVICES for p in params):
                raise AssertionError(
                    f"If capturable=True, params and state_steps must be on supported "
                    f"devices: {_CAPTURABLE_DEVICES}.")
        if group.get("differentiable"):
            if group.get("foreach") and self._foreach_refuses_differentiable:
                raise AssertionError("_foreach ops don't support autograd")
            if any(p.is_leaf and p.requires_grad for p in params):
                raise RuntimeError("a leaf Variable that requires grad is being used in an "
                                   "in-place operation.")
            if not any(p.requires_grad or p.grad.requires_grad for p in params):
                return  # nothing to differentiate: torch's step records no graph either
            raise NotImplementedError(
                f"{type(self).__name__}(differentiable=True): ember's optimizers update the "
                f"parameters outside autograd, so the step cannot be differentiated; write the "
                f"update with ember ops to differentiate through it")

    def _params_with_grad(self, group):
        """(p, state) for each parameter of the group that has a gradient, in order, ready to
        be updated in place: its state made on its first step (see _state_of), its step
        counter advanced to this step's number t, and its version counter bumped (the
        caller changes p's array before anything can read it again)."""
        params = [p for p in group["params"] if p.grad is not None]
        self._check_flags(group, params)
        for p in params:
            state = self._state_of(p, group)
            state["step"]._data += 1
            bump_version(p)
            yield p, state

    def _state_of(self, p, group):
        """p's state; the first time, a "step" counter at 0 (a 0-d tensor, as torch), then
        what _init_state adds."""
        state = self.state[p]
        if not state:
            state["step"] = new_step_tensor()
            self._init_state(state, p, group)
        return state

    def _init_state(self, state, p, group):
        """Add the state entries p's update rule needs (moment estimates...), in torch's
        order; an optimizer that keeps any overrides this."""

    # -- hooks ----------------------------------------------------------------------------

    def register_step_pre_hook(self, hook):
        """hook(optimizer, args, kwargs) -> None or (args, kwargs) runs before step()."""
        return _register(self._optimizer_step_pre_hooks, hook)

    def register_step_post_hook(self, hook):
        """hook(optimizer, args, kwargs) runs after step()."""
        return _register(self._optimizer_step_post_hooks, hook)

    def register_state_dict_pre_hook(self, hook, prepend=False):
        """hook(optimizer) runs before state_dict()."""
        return _register(self._optimizer_state_dict_pre_hooks, hook, prepend)

    def register_state_dict_post_hook(self, hook, prepend=False):
        """hook(optimizer, state_dict) -> None or a new state_dict runs after state_dict()."""
        return _register(self._optimizer_state_dict_post_hooks, hook, prepend)

    def register_load_state_dict_pre_hook(self, hook, prepend=False):
        """hook(optimizer, state_dict) -> None or a new state_dict runs before loading."""
        return _register(self._optimizer_load_state_dict_pre_hooks, hook, prepend)

    def register_load_state_dict_post_hook(self, hook, prepend=False):
        """hook(optimizer) runs after load_state_dict()."""
        return _register(self._optimizer_load_state_dict_post_hooks, hook, prepend)

    # -- state_dict -----------------------------------------------------------------------

    def state_dict(self):
        """The optimizer's state as a dict: {"state": {id: {...}}, "param_groups": [...]}.

        Parameter ids number the parameters in param_groups order; each group's "params"
        lists its ids, and comes after the group's hyperparameters.
        """
        for pre_hook in self._optimizer_state_dict_pre_hooks.values():
            pre_hook(self)
        param_mappings = {}
        start_index = 0

        def pack_group(group):
            nonlocal start_index
            packed = {k: v for k, v in group.items() if k != "params"}
            param_mappings.update({id(p): i for i, p in enumerate(group["params"], start_index)
                                   if id(p) not in param_mappings})
            packed["params"] = [param_mappings[id(p)] for p in group["params"]]
            start_index += len(packed["params"])
            return packed

        param_groups = [pack_group(g) for g in self.param_groups]
        packed_state = {(param_mappings[id(k)] if isinstance(k, Tensor) else k): v
                        for k, v in self.state.items()}
        state_dict = {"state": packed_state, "param_groups": param_groups}
        for post_hook in self._optimizer_state_dict_post_hooks.values():
            result = post_hook(self, state_dict)
            if result is not None:
                state_dict = result
        return state_dict

    @staticmethod
    def _process_value_according_to_param_policy(param, value, param_id, param_groups,
                                                 key=None):
        """'step' stays as saved; other state follows the parameter's dtype and device."""
        if key == "step":
            return value
        if param.is_floating_point():
            return value.to(dtype=param.dtype, device=param.device)
        return value.to(device=param.device)

    def load_state_dict(self, state_dict):
        """Load state from state_dict(), matching parameters by position within groups.

        Raises ValueError when the number of groups or of parameters per group differs.
        """
        state_dict = state_dict.copy()
        for pre_hook in self._optimizer_load_state_dict_pre_hooks.values():
            result = pre_hook(self, state_dict)
            if result is not None:
                state_dict = result
        groups = self.param_groups
        saved_groups = deepcopy(state_dict["param_groups"])
        if len(groups) != len(saved_groups):
            raise ValueError("loaded state dict has a different number of parameter groups")
        if any(len(g["params"]) != len(s["params"]) for g, s in zip(groups, saved_groups)):
            raise ValueError("loaded state dict contains a parameter group that doesn't match "
                             "the size of optimizer's group")
        id_map = dict(zip(chain.from_iterable(g["params"] for g in saved_groups),
                          chain.from_iterable(g["params"] for g in groups)))

        def cast(param, value, param_id=None, key=None):
            if isinstance(value, Tensor):
                return Optimizer._process_value_according_to_param_policy(
                    param, value, param_id, state_dict["param_groups"], key)
            if isinstance(value, dict):
                return {k: cast(param, v, param_id, k) for k, v in value.items()}
            if isinstance(value, (list, tuple)):
                return type(value)(cast(param, v, param_id) for v in value)
            return value

        state = defaultdict(dict)
        for key, value in state_dict["state"].items():
            if key in id_map:
                param = id_map[key]
                state[param] = cast(param, value, key)
            else:
                state[key] = value

        def update_group(group, new_group):
            new_group["params"] = group["params"]
            if "param_names" in group and "param_names" not in new_group:
                new_group["param_names"] = group["param_names"]
            return new_group

        param_groups = [update_group(g, ng) for g, ng in zip(groups, saved_groups)]
        self.__setstate__({"state": state, "param_groups": param_groups})
        for post_hook in self._optimizer_load_state_dict_post_hooks.values():
            post_hook(self)
