"""ember.compiler: torch.compiler's switches and queries, without a compiler.

`torch.compiler.disable` and `torch.compiler.is_compiling()` appear in model code that is
meant to run both compiled and eagerly; on ember everything runs eagerly, so `disable`
returns its function and `is_compiling()` is False.

Example:
    >>> @ember.compiler.disable
    ... def log_stats(x):
    ...     return x.mean()
    >>> ember.compiler.is_compiling()
    False
"""
from ._compile import compile

__all__ = ["allow_in_graph", "assume_constant_result", "compile", "cudagraph_mark_step_begin",
           "disable", "is_compiling", "is_dynamo_compiling", "is_exporting", "list_backends",
           "reset", "set_stance"]


def disable(fn=None, recursive=True, *, reason=None):
    """Return fn itself (a decorator with or without arguments)."""
    if fn is None:
        return lambda inner: inner
    return fn


def allow_in_graph(fn):
    """Return fn itself."""
    return fn


def assume_constant_result(fn):
    """Return fn itself."""
    return fn


def is_compiling():
    """False: ember runs everything eagerly."""
    return False


def is_dynamo_compiling():
    """False: ember has no Dynamo."""
    return False


def is_exporting():
    """False: ember does not export graphs."""
    return False


def reset():
    """Nothing to clear: ember caches no compiled code."""


def cudagraph_mark_step_begin():
    """Nothing to mark: ember records no CUDA graphs."""


def list_backends(exclude_tags=("debug", "experimental")):
    """No compiler backends are available."""
    return []


def set_stance(stance="default", *, skip_guard_eval_unsafe=False, force_backend=None):
    """Accepted and ignored (a context manager and decorator in torch, a no-op here)."""
    import contextlib
    return contextlib.nullcontext()
