"""ember._dynamo: the few torch._dynamo names scripts touch around torch.compile.

`torch._dynamo.config.suppress_errors = True` and `torch._dynamo.reset()` appear next to
`torch.compile` calls; ember compiles nothing (see ember.compile), so the config accepts any
setting and the functions are no-ops.

Example:
    >>> ember._dynamo.config.suppress_errors = True
    >>> ember._dynamo.is_compiling()
    False
"""
import types

from .compiler import allow_in_graph, disable, is_compiling

__all__ = ["allow_in_graph", "config", "disable", "is_compiling", "reset"]

config = types.SimpleNamespace(suppress_errors=False, cache_size_limit=8,
                               capture_scalar_outputs=False, verbose=False)


def reset():
    """Nothing to reset: ember caches no compiled code."""
