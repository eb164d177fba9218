"""ember.jit: torch.jit's decorators and queries, without TorchScript.

Models written for PyTorch use TorchScript in passing: `@torch.jit.script` on a small fused
function, `torch.jit.is_scripting()` in a forward (timm guards gradient checkpointing with it),
`fused_attn: torch.jit.Final[bool]` as a class annotation, `@torch.jit.ignore` / `unused` /
`export` on methods. Here those all keep the Python code as it is, so such a model imports and
trains eagerly.

Differs from PyTorch: nothing is compiled. `script` and `trace` return their argument (a traced
function still runs its Python, so data-dependent control flow stays dynamic), `is_scripting()`
and `is_tracing()` are False, and `save` / `load` of a TorchScript archive raise
NotImplementedError (save the state_dict instead).

Example:
    >>> @ember.jit.script
    ... def swish(x):
    ...     return x * x.sigmoid()
    >>> swish(ember.tensor([1.0]))
    tensor([0.7311])
"""
import typing

from .nn.modules.module import Module as ScriptModule  # old code subclasses ScriptModule
__all__ = ["Final", "ScriptModule", "ScriptFunction", "annotate", "export", "fork", "freeze",
           "ignore", "interface", "is_scripting", "is_tracing", "load", "optimize_for_inference",
           "save", "script", "script_if_tracing", "script_method", "trace", "trace_module",
           "unused", "wait"]

Final = typing.Final


def script(obj, optimize=None, _frames_up=0, _rcb=None, example_inputs=None):
    """Return obj (a function, module or class) itself; see the module docstring."""
    return obj


def trace(func, example_inputs=None, optimize=None, check_trace=True, check_inputs=None,
          check_tolerance=1e-5, strict=True, _force_outplace=False, _module_class=None,
          _compilation_unit=None, example_kwarg_inputs=None, _store_inputs=True):
    """Return func itself (it is not run on example_inputs); see the module docstring."""
    return func


def trace_module(mod, inputs, optimize=None, check_trace=True, check_inputs=None,
                 check_tolerance=1e-5, strict=True, _force_outplace=False,
                 _module_class=None, _compilation_unit=None, example_inputs_is_kwarg=False,
                 _store_inputs=True):
    """Return mod itself."""
    return mod


def script_if_tracing(fn):
    """Return fn itself (nothing is ever traced)."""
    return fn


def script_method(fn):
    """Return fn itself (the old ScriptModule method decorator)."""
    return fn


def _marker(fn=None, **kwargs):
    """A decorator that marks nothing: @ignore, @ignore(drop=True), @unused, @export."""
    if fn is None:
        return lambda inner: inner
    return fn


ignore = _marker
unused = _marker
export = _marker
interface = _marker


def is_scripting():
    """False: ember never runs code as TorchScript."""
    return False


def is_tracing():
    """False: ember never traces."""
    return False


def annotate(the_type, the_value):
    """Return the_value (a type hint for the TorchScript compiler)."""
    return the_value


def freeze(mod, preserved_attrs=None, optimize_numerics=True):
    """Return mod itself."""
    return mod


def optimize_for_inference(mod, other_methods=None):
    """Return mod itself."""
    return mod


class _Future:
    """The result of `fork`: the call has already run; `wait` returns its value."""

    def __init__(self, value):
        self._value = value

    def wait(self):
        return self._value


def fork(func, *args, **kwargs):
    """Run func(*args, **kwargs) now and return a future holding the result."""
    return _Future(func(*args, **kwargs))


def wait(future):
    """The value of a future made by `fork`."""
    return future.wait()


def save(m, f, _extra_files=None):
    """Raise: ember writes no TorchScript archives."""
    raise NotImplementedError("ember.jit.save: ember has no TorchScript; save the model's "
                              "state_dict() with ember.save instead")


def load(f, map_location=None, _extra_files=None, _restore_shapes=False):
    """Raise: ember reads no TorchScript archives."""
    raise NotImplementedError("ember.jit.load: ember has no TorchScript; load a state_dict "
                              "with ember.load and model.load_state_dict instead")


class ScriptFunction:
    """The type of a scripted function in torch; nothing in ember is one."""
