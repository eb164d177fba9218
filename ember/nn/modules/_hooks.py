"""Hook bookkeeping for modules: global hooks and full backward hooks.

Full backward hooks work as torch's do: the tensor inputs and outputs of a module call pass
through an identity autograd Function, so that the gradients flowing through them can be
seen, and replaced, at the two ends of the module's part of the graph.
"""
import warnings
from collections import OrderedDict

from ..._tensor import Tensor
from ...autograd import grad_mode
from ...autograd.function import Function
from ...utils.hooks import RemovableHandle

__all__ = [
    "register_module_forward_pre_hook", "register_module_forward_hook",
    "register_module_full_backward_pre_hook", "register_module_full_backward_hook",
    "register_module_buffer_registration_hook", "register_module_module_registration_hook",
    "register_module_parameter_registration_hook",
]


# -- hooks that apply to every module --------------------------------------------------------

global_forward_pre_hooks = OrderedDict()
global_forward_hooks = OrderedDict()
global_forward_hooks_always_called = OrderedDict()
global_backward_pre_hooks = OrderedDict()
global_backward_hooks = OrderedDict()
global_buffer_registration_hooks = OrderedDict()
global_module_registration_hooks = OrderedDict()
global_parameter_registration_hooks = OrderedDict()


def _add(hooks, hook, extra=None):
    handle = RemovableHandle(hooks, extra_dict=extra)
    hooks[handle.id] = hook
    return handle


def register_module_forward_pre_hook(hook):
    """hook(module, args) runs before every module's forward; may return new args."""
    return _add(global_forward_pre_hooks, hook)


def register_module_forward_hook(hook, *, always_call=False):
    """hook(module, args, output) runs after every module's forward; may return a new output."""
    handle = _add(global_forward_hooks, hook, global_forward_hooks_always_called)
    if always_call:
        global_forward_hooks_always_called[handle.id] = True
    return handle


def register_module_full_backward_pre_hook(hook):
    """hook(module, grad_output) runs for every module before its input gradients."""
    return _add(global_backward_pre_hooks, hook)


def register_module_full_backward_hook(hook):
    """hook(module, grad_input, grad_output) runs for every module's backward."""
    return _add(global_backward_hooks, hook)


def register_module_buffer_registration_hook(hook):
    """hook(module, name, buffer) runs on every buffer registration; may return a new one."""
    return _add(global_buffer_registration_hooks, hook)


def register_module_module_registration_hook(hook):
    """hook(module, name, submodule) runs on every submodule registration."""
    return _add(global_module_registration_hooks, hook)


def register_module_parameter_registration_hook(hook):
    """hook(module, name, param) runs on every parameter registration."""
    return _add(global_parameter_registration_hooks, hook)


# -- full backward hooks ---------------------------------------------------------------------

class BackwardHookFunction(Function):
    """Identity on tensors; its graph node is where module backward hooks attach."""

    @staticmethod
    def forward(ctx, *args):
        return args

    @staticmethod
    def backward(ctx, *grads):
        return grads


class BackwardHook:
    """Wires one module call's full backward hooks and backward pre-hooks into the graph.

    The node wrapping the outputs sees grad_output first (pre-hooks may replace it); the node
    wrapping the inputs then sees grad_input and calls hook(module, grad_input, grad_output).
    """

    def __init__(self, module, user_hooks, user_pre_hooks):
        self.module = module
        self.user_hooks = user_hooks
        self.user_pre_hooks = user_pre_hooks
        self.grad_outputs = None
        self.n_inputs = self.n_outputs = -1
        self.input_tensors_index = self.output_tensors_index = None

    @staticmethod
    def _pack_with_none(indices, values, size):
        packed = [None] * size
        for index, value in zip(indices, values):
            packed[index] = value
        return tuple(packed)

    def _apply_on_tensors(self, attach, args):
        """Pass the tensors among args that require grad through BackwardHookFunction."""
        indices = [i for i, arg in enumerate(args)
                   if isinstance(arg, Tensor) and arg._requires_grad]
        if not indices or not grad_mode._state["enabled"]:
            return args, None
        wrapped = BackwardHookFunction.apply(*(args[i] for i in indices))
        attach(wrapped[0].grad_fn)
        args = list(args)
        for index, tensor in zip(indices, wrapped):
            args[index] = tensor
        return tuple(args), indices

    def setup_input_hook(self, args):
        def attach(grad_fn):
            grad_fn.register_hook(self._input_hook)

        result, self.input_tensors_index = self._apply_on_tensors(attach, args)
        self.n_inputs = len(args)
        return result

    def _input_hook(self, grad_inputs, _grad_outputs):
        if self.grad_outputs is None:
            return None
        packed = self._pack_with_none(self.input_tensors_index, grad_inputs, self.n_inputs)
        for hook in self.user_hooks:
            out = hook(self.module, packed, self.grad_outputs)
            if out is None:
                continue
            if len(out) != len(packed):
                raise RuntimeError(
                    f"Backward hook returned an invalid number of grad_input, got {len(out)}, "
                    f"but expected {len(packed)}")
            packed = out
        self.grad_outputs = None
        return tuple(packed[i] for i in self.input_tensors_index)

    def setup_output_hook(self, result):
        def attach(grad_fn):
            grad_fn.register_hook(self._output_hook)

        is_tuple = isinstance(result, tuple)
        outputs = result if is_tuple else (result,)
        wrapped, self.output_tensors_index = self._apply_on_tensors(attach, outputs)
        self.n_outputs = len(outputs)
        return wrapped if is_tuple else wrapped[0]

    def _output_hook(self, _grad_inputs, grad_outputs):
        self.grad_outputs = self._pack_with_none(
            self.output_tensors_index, grad_outputs, self.n_outputs)
        for pre_hook in self.user_pre_hooks:
            replaced = pre_hook(self.module, self.grad_outputs)
            if replaced is None:
                continue
            if len(replaced) != len(self.grad_outputs):
                raise RuntimeError(
                    f"Backward pre hook returned an invalid number of grad_output, got "
                    f"{len(replaced)}, but expected {len(self.grad_outputs)}")
            self.grad_outputs = tuple(replaced)
        local_grad_outputs = self.grad_outputs
        if self.input_tensors_index is None:
            warnings.warn(
                "Full backward hook is firing when gradients are computed with respect to "
                "module outputs since no inputs require gradients.", stacklevel=5)
            no_inputs = (None,) * self.n_inputs
            for hook in self.user_hooks:
                out = hook(self.module, no_inputs, self.grad_outputs)
                if out is not None and not (isinstance(out, tuple)
                                            and all(g is None for g in out)):
                    raise RuntimeError(
                        "Backward hook for Modules where no input requires gradient should "
                        "always return None or None for all gradients.")
            self.grad_outputs = None
        return tuple(local_grad_outputs[i] for i in self.output_tensors_index)


# -- calling a module that has hooks -----------------------------------------------------------

def call_with_hooks(module, args, kwargs):
    """module.forward(*args, **kwargs) with its forward pre-hooks, forward hooks and full
    backward hooks (global ones first), as torch's Module._call_impl."""
    called_always = set()
    result = None
    try:
        for hook_id, hook in (*global_forward_pre_hooks.items(),
                              *module._forward_pre_hooks.items()):
            if hook_id in module._forward_pre_hooks_with_kwargs:
                new = hook(module, args, kwargs)
                if new is not None:
                    if not (isinstance(new, tuple) and len(new) == 2):
                        raise RuntimeError(f"forward pre-hook must return None or a tuple of "
                                           f"(new_args, new_kwargs), but got {new}.")
                    args, kwargs = new
            else:
                new = hook(module, args)
                if new is not None:
                    args = new if isinstance(new, tuple) else (new,)
        backward_hooks = [*global_backward_hooks.values(),
                          *(module._backward_hooks.values() if module._is_full_backward_hook
                            else ())]  # False: register_backward_hook's non-full hooks
        backward_pre_hooks = [*global_backward_pre_hooks.values(),
                              *module._backward_pre_hooks.values()]
        backward_hook = None
        if backward_hooks or backward_pre_hooks:
            backward_hook = BackwardHook(module, backward_hooks, backward_pre_hooks)
            args = backward_hook.setup_input_hook(args)
        result = module.forward(*args, **kwargs)
        for hook_id, hook in (*global_forward_hooks.items(), *module._forward_hooks.items()):
            if _always_called(module, hook_id):
                called_always.add(hook_id)
            if hook_id in module._forward_hooks_with_kwargs:
                new = hook(module, args, kwargs, result)
            else:
                new = hook(module, args, result)
            if new is not None:
                result = new
        if backward_hook is not None:
            if not isinstance(result, (Tensor, tuple)):
                warnings.warn("For backward hooks to be called, module output should be a "
                              f"Tensor or a tuple of Tensors but received {type(result)}",
                              stacklevel=3)
            result = backward_hook.setup_output_hook(result)
        if module._is_full_backward_hook is False and module._backward_hooks:
            module._attach_non_full_backward_hooks(args, result)
        return result
    except Exception:
        _run_always_called_hooks(module, args, kwargs, result, called_always)
        raise


def _always_called(module, hook_id):
    return (hook_id in module._forward_hooks_always_called
            or hook_id in global_forward_hooks_always_called)


def _run_always_called_hooks(module, args, kwargs, result, called):
    """After forward raised: the forward hooks registered with always_call=True."""
    for hook_id, hook in (*global_forward_hooks.items(), *module._forward_hooks.items()):
        if not _always_called(module, hook_id) or hook_id in called:
            continue
        try:
            if hook_id in module._forward_hooks_with_kwargs:
                new = hook(module, args, kwargs, result)
            else:
                new = hook(module, args, result)
            if new is not None:
                result = new
        except Exception as error:
            warnings.warn("module forward hook with ``always_call=True`` raised an exception "
                          f"that was silenced as another error was raised in forward: {error}",
                          stacklevel=3)
