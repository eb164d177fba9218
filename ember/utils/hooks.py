"""RemovableHandle: what every register_*_hook in ember returns, as torch.utils.hooks.

Hooks live in ordered dicts keyed by their handle's id, so that a handle can remove its hook
without searching, and hooks run in registration order. This module imports nothing from
ember: every layer (autograd, nn, optim) can use it.
"""
import weakref
from collections import OrderedDict

__all__ = ["RemovableHandle"]


class RemovableHandle:
    """A handle that removes a hook from the dict it was registered in.

    Args:
        hooks_dict: the dict that holds the hook under this handle's `id`.
        extra_dict: a dict, or a list of dicts, that may also hold an entry under `id`
            (e.g. the "always call" flags of forward hooks); remove() clears them too.

    The handle keeps only weak references to the dicts, so that it does not keep a module or
    an optimizer alive. It is also a context manager that removes the hook on exit.

    Example:
        >>> handle = module.register_forward_hook(hook)
        >>> handle.remove()
        >>> with module.register_forward_hook(hook):
        ...     module(x)                  # hook runs only inside the block
    """

    id: int
    next_id: int = 0  # ids are unique across all handles, so dicts can be shared

    def __init__(self, hooks_dict, *, extra_dict=None):
        self.hooks_dict_ref = weakref.ref(hooks_dict)
        self.id = RemovableHandle.next_id
        RemovableHandle.next_id += 1
        extras = extra_dict if isinstance(extra_dict, list) else (
            [extra_dict] if isinstance(extra_dict, dict) else [])
        self.extra_dict_ref = tuple(weakref.ref(d) for d in extras)

    def remove(self):
        """Remove the hook (and its extra entries); removing twice does nothing."""
        for ref in (self.hooks_dict_ref, *self.extra_dict_ref):
            hooks = ref()
            if hooks is not None and self.id in hooks:
                del hooks[self.id]

    def __getstate__(self):
        return (self.hooks_dict_ref(), self.id, tuple(ref() for ref in self.extra_dict_ref))

    def __setstate__(self, state):
        # a handle unpickled without its dict gets an empty one (removal is then a no-op)
        self.hooks_dict_ref = weakref.ref(OrderedDict() if state[0] is None else state[0])
        self.id = state[1]
        RemovableHandle.next_id = max(RemovableHandle.next_id, self.id + 1)
        self.extra_dict_ref = tuple(weakref.ref(d) for d in state[2] if d is not None)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()
