"""skip_init: build a module without running its parameter initialization."""
import inspect

__all__ = ["skip_init"]


def skip_init(module_cls, *args, **kwargs):
    """`module_cls(*args, **kwargs)` whose parameters and buffers are to be treated as
    uninitialized (as if made by ember.empty), for code that initializes them itself.

    The class must take a `device` argument, as torch requires.

    Differs from PyTorch: ember has no meta device, so the constructor's own initialization
    still runs; the values are valid but, as in torch, nothing should rely on them.

    Example:
        >>> skip_init(ember.nn.Linear, 5, 1).weight.shape
        ember.Size([1, 5])
    """
    from ..modules.module import Module
    if not (isinstance(module_cls, type) and issubclass(module_cls, Module)):
        raise RuntimeError(f"Expected a Module; got {module_cls}")
    if "device" not in inspect.signature(module_cls).parameters:
        raise RuntimeError("Module must support a 'device' arg to skip initialization")
    kwargs.setdefault("device", "cpu")
    return module_cls(*args, **kwargs)
