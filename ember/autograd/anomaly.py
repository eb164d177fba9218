"""Anomaly mode: stop at the first op that makes a NaN or Inf, and say where it came from.

While enabled, every recorded node is annotated (module path, shapes; see graph.py) and keeps
the stack of the user code that created it, with ember's own frames trimmed away. Two checks:
- forward: an op whose tensor inputs are all finite but whose output is not raises at once
  (an op that only passes on a NaN it was given is not the culprit, and an op fed -inf on
  purpose, as in masked attention, is left alone);
- backward: a node that returns a NaN or Inf gradient raises, naming the node, the forward op,
  its module and the user's line that created it.
Both checks are skipped with check_nan=False (the stacks are still recorded).

Cost (docs/debugging.md): about 1.03x to 1.15x a CIFAR CNN training step, up to about 2.4x
on a chain of tiny ops; nothing once off.
"""
import linecache
import math
import warnings

from .._dtype import DIFFERENTIABLE_NP
from ..backend import _BY_ARRAY_TYPE
from . import function, graph

__all__ = ["detect_anomaly", "set_detect_anomaly", "is_anomaly_enabled",
           "is_anomaly_check_nan_enabled"]

_state = {"enabled": False, "check_nan": True}


def is_anomaly_enabled():
    return _state["enabled"]


def is_anomaly_check_nan_enabled():
    return _state["check_nan"]


def _observe(node, args, outputs):
    """Recording observer: keep the user stack, and check the output in forward."""
    node.metadata["stack"] = graph.user_stack()
    if _state["check_nan"]:
        for index, out in enumerate(outputs):
            kind = _non_finite(out._data)
            if kind is not None and _all_finite(args):
                raise RuntimeError(
                    f"Anomaly: the forward op '{node._op.__name__}' produced {kind} values in "
                    f"its {index}th output from finite inputs.\n{_origin(node)}")


def _all_finite(args):
    for arg in args:
        if isinstance(arg, function.Tensor):
            if _non_finite(arg._data) is not None:
                return False
        elif isinstance(arg, float) and not math.isfinite(arg):
            return False
    return True


def _non_finite(array):
    """'nan', 'inf' or None for an array."""
    if array.dtype not in DIFFERENTIABLE_NP:
        return None
    xp = _BY_ARRAY_TYPE[type(array)].xp
    if bool(xp.isfinite(array).all()):
        return None
    return "nan" if bool(xp.isnan(array).any()) else "inf"


def _set(enabled, check_nan):
    was_enabled = _state["enabled"]
    _state["enabled"], _state["check_nan"] = enabled, check_nan
    if enabled and not was_enabled:
        graph._enable_annotation()
        function.recording_observers.append(_observe)
    elif was_enabled and not enabled:
        function.recording_observers.remove(_observe)
        graph._disable_annotation()


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


class detect_anomaly:
    """Context manager (or decorator): record where each op was created, and fail on the first
    op whose forward or backward makes a NaN or Inf, naming the op, its module and the user's
    line.

    Example:
        >>> with ember.autograd.detect_anomaly():
        ...     (ember.zeros(1, requires_grad=True).sqrt() * 0).sum().backward()
        Traceback (most recent call last):
        RuntimeError: Function 'SqrtBackward0' returned nan values in its 0th output. ...
    """

    def __init__(self, check_nan=True):
        warnings.warn("Anomaly Detection has been enabled. This mode will increase the runtime "
                      "and should only be enabled for debugging.", stacklevel=2)
        self.check_nan = check_nan
        self._previous = []

    def __enter__(self):
        self._previous.append((_state["enabled"], _state["check_nan"]))
        _set(True, self.check_nan)
        return self

    def __exit__(self, *exc):
        _set(*self._previous.pop())
        return False

    def __call__(self, func):
        def wrapper(*args, **kwargs):
            with self:
                return func(*args, **kwargs)
        return wrapper


def check_backward(node, grad_inputs):
    """Called by the engine after each node's backward while anomaly mode is on."""
    if not _state["check_nan"]:
        return
    for index, grad in enumerate(grad_inputs):
        kind = None if grad is None else _non_finite(grad._data)
        if kind is not None:
            raise RuntimeError(
                f"Function '{node.name()}' returned {kind} values in its {index}th output."
                f"\n{_origin(node)}")


def _origin(node):
    """Where a node came from: op, module, the user's line, then the trimmed stack."""
    metadata = node.__dict__.get("_metadata", {})
    stack = metadata.get("stack")
    if not stack:
        return ("Its forward op was recorded before anomaly mode was on; run the forward "
                "inside detect_anomaly() to see where it was created.")
    path, types = metadata.get("module_path"), metadata.get("module_types")
    module = (f" in module '{path}' ({types[-1]})" if path
              else f" in {types[-1]}.forward" if path == "" else "")
    filename, line, _ = stack[0]
    lines = [f"It was created by the forward op '{node._op.__name__}'{module}, at "
             f"{filename}:{line}:", f"    {linecache.getline(filename, line).strip()}",
             "Forward call stack (user code only, most recent call last):"]
    for filename, line, name in reversed(stack):
        lines.append(f'  File "{filename}", line {line}, in {name}')
        text = linecache.getline(filename, line).strip()
        if text:
            lines.append(f"    {text}")
    return "\n".join(lines)
