"""Whether operations record the graph: no_grad, enable_grad, set_grad_enabled, inference_mode.

The switch is one module-level flag read on every op; these managers flip it and put it back.
Each works as a context manager and as a decorator, as in torch.
"""
import functools
import weakref

__all__ = ["no_grad", "enable_grad", "set_grad_enabled", "inference_mode",
           "is_grad_enabled", "is_inference_mode_enabled"]

_state = {"enabled": True, "inference": False, "inference_seen": False}

# NOTE [ Inference tensors ]
# Tensors made under inference_mode are inference tensors, as in torch: outside inference mode
# they may not be saved for backward, changed in place or made to require grad; views of them
# are inference tensors too. They are remembered by id (a weak reference forgets each one when
# it dies) rather than by a flag on every tensor: until the first one exists
# (`inference_seen`), the checks cost one dict lookup. (A WeakSet would compare tensors with
# their elementwise ==.)
_inference_refs = {}


def add_inference_tensor(tensor):
    key = id(tensor)
    _inference_refs[key] = weakref.ref(tensor, lambda _, key=key: _inference_refs.pop(key, None))


def is_inference_tensor(tensor):
    return _state["inference_seen"] and id(tensor) in _inference_refs


def mark_view(view, source):
    """A view (or alias) is an inference tensor exactly when its source is."""
    if is_inference_tensor(source):
        add_inference_tensor(view)
    elif _state["inference"]:
        _inference_refs.pop(id(view), None)


def check_not_inference(tensor, what):
    """Raise torch's error for `what` done to an inference tensor outside inference mode."""
    if _state["inference_seen"] and not _state["inference"] and id(tensor) in _inference_refs:
        raise RuntimeError(f"{what} inference tensor outside InferenceMode is not allowed. "
                           f"You can make a clone to get a normal tensor first. See "
                           f"https://github.com/pytorch/rfcs/pull/17 for more details.")


def is_grad_enabled():
    return _state["enabled"]


def is_inference_mode_enabled():
    return _state["inference"]


class _GradModeContext:
    """A context manager that is also a decorator; subclasses set `_target`."""

    _target = True

    def __enter__(self):
        self._previous = (_state["enabled"], _state["inference"])
        self._apply()

    def _apply(self):
        _state["enabled"] = self._target

    def __exit__(self, exc_type, exc_value, traceback):
        _state["enabled"], _state["inference"] = self._previous
        return False

    def __call__(self, orig_func):
        @functools.wraps(orig_func)
        def wrapper(*args, **kwargs):
            with self.clone():
                return orig_func(*args, **kwargs)
        return wrapper

    def clone(self):
        return type(self)()


class _BareDecoratorContext(_GradModeContext):
    """Also usable as a bare decorator: `@no_grad` as well as `@no_grad()`."""

    def __new__(cls, func=None):
        self = super().__new__(cls)
        if func is None:
            return self
        return self(func)

    def __init__(self):
        """Takes no arguments, as torch's (a bare decorator's function goes to __new__)."""


class no_grad(_BareDecoratorContext):
    """Ops inside record no graph; results have requires_grad=False.

    Example:
        >>> x = ember.ones(2, requires_grad=True)
        >>> with ember.no_grad():
        ...     y = x * 2
        >>> y.requires_grad
        False
    """
    _target = False


class enable_grad(_BareDecoratorContext):
    """Turns recording back on inside a no_grad region."""
    _target = True


class set_grad_enabled(_GradModeContext):
    """Sets recording on or off; takes effect at once, even when not used with `with`."""

    def __init__(self, mode):
        self._target = bool(mode)
        self._previous = (_state["enabled"], _state["inference"])
        _state["enabled"] = self._target

    def __enter__(self):
        pass

    def clone(self):
        return type(self)(self._target)


class inference_mode(_GradModeContext):
    """Like no_grad, and the tensors made inside are inference tensors (see NOTE [ Inference
    tensors ]); inference_mode(False) turns it off (and recording back on) inside one.

    Example:
        >>> with ember.inference_mode():
        ...     y = ember.ones(2) * 2
        >>> y.is_inference(), y.requires_grad
        (True, False)
    """

    def __new__(cls, mode=True):
        self = super().__new__(cls)
        if callable(mode):  # used as a bare decorator
            self._mode = True
            return self(mode)
        return self

    def __init__(self, mode=True):
        self._mode = bool(mode) if not callable(mode) else True

    def _apply(self):
        _state["enabled"] = not self._mode
        _state["inference"] = self._mode
        if self._mode:
            _state["inference_seen"] = True

    def clone(self):
        return type(self)(self._mode)
