"""Anomaly mode: find the forward op whose gradient turned into NaN or Inf.

While enabled, every recorded node keeps the stack of the user code that created it; when a
backward produces a non-finite gradient, the error names the node and shows that stack.
"""
import traceback

from . import function

__all__ = ["detect_anomaly", "set_detect_anomaly", "is_anomaly_enabled"]

_state = {"enabled": False, "check_nan": True}


def is_anomaly_enabled():
    return _state["enabled"]


def _remember_origin(node):
    node.metadata["traceback_"] = traceback.format_stack()[:-3]


def _set(enabled, check_nan):
    _state["enabled"], _state["check_nan"] = enabled, check_nan
    observers = function.recording_observers
    if enabled and _remember_origin not in observers:
        observers.append(_remember_origin)
    elif not enabled and _remember_origin in observers:
        observers.remove(_remember_origin)


class set_detect_anomaly:
    """Turn anomaly mode on or off; effective at once, and restores on exit when used with
    `with`."""

    def __init__(self, mode, check_nan=True):
        self._previous = (_state["enabled"], _state["check_nan"])
        _set(bool(mode), check_nan)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        _set(*self._previous)
        return False


class detect_anomaly(set_detect_anomaly):
    """Context manager: record where each op was created and fail on a NaN gradient.

    Example:
        >>> with ember.autograd.detect_anomaly():
        ...     (ember.zeros(1, requires_grad=True).sqrt() * 0).sum().backward()
        Traceback (most recent call last):
        RuntimeError: Function 'SqrtBackward' returned nan values in its 0th output. ...
    """

    def __init__(self, check_nan=True):
        super().__init__(True, check_nan)

    def __call__(self, func):
        def wrapper(*args, **kwargs):
            with detect_anomaly(self._check_nan_arg):
                return func(*args, **kwargs)
        return wrapper

    @property
    def _check_nan_arg(self):
        return _state["check_nan"]


def check_backward(node, grad_inputs):
    if not _state["check_nan"]:
        return
    for index, grad in enumerate(grad_inputs):
        if grad is None:
            continue
        xp = function._BY_ARRAY_TYPE[type(grad._data)].xp
        if grad._data.dtype in function.FLOAT_NP and not bool(xp.isfinite(grad._data).all()):
            origin = "".join(node.metadata.get("traceback_", ()))
            raise RuntimeError(
                f"Function '{node.name()}' returned nan values in its {index}th output.\n"
                f"The forward call that created it:\n{origin}")
