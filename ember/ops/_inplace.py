"""In-place ops (`add_`, `mul_`, `x += y`, `clamp_` ...), built from their out-of-place forms.

Outside the graph the result is written into the tensor's own array, so views see it.
Inside the graph torch's rules apply: a leaf that requires grad can't be changed in place;
otherwise the op is recorded against a copy of the old value (so every backward formula
sees what forward saw) and the tensor takes the new node as its grad_fn. Either way the
version counter moves, so a backward that saved the old value raises instead of computing
a wrong gradient.

The result is cast back to the tensor's dtype where torch allows it: within a category
(float64 into float32, int64 into int8), never down one (float into an integer tensor,
a number into a bool tensor).

Differs from PyTorch: because the op reads a copy, an in-place op that takes its own tensor
as an argument (`x.mul_(x)`, `x.addcmul_(x, y)`) differentiates correctly, where torch's
backward raises "modified by an inplace operation"; and asinh_/acosh_/atanh_ have gradients,
which torch lacks.
"""
from .. import _dtype
from .._dtype import scalar_type_name
from .._tensor import Tensor
from ..autograd import grad_mode
from ..autograd.function import _SavedOutput

__all__ = ["inplace_method", "apply_inplace"]

# In-place forms whose result dtype must be the tensor's own: torch refuses float_power_ on
# anything but float64 rather than casting its float64 result down.
_EXACT_DTYPE = frozenset({"float_power_"})


def apply_inplace(self, fn, args, kwargs, op_name):
    """self <- fn(self, *args, **kwargs), recorded in the graph where a gradient is needed."""
    if grad_mode._state["inference_seen"]:  # See NOTE [ Inference tensors ]
        grad_mode.check_not_inference(self, "Inplace update to")
    if grad_mode._state["enabled"] and (
            self._requires_grad or _any_requires_grad(args)
            or (kwargs and _any_requires_grad(kwargs.values()))):
        return _apply_in_graph(self, fn, args, kwargs, op_name)
    result = fn(self, *args, **kwargs)
    _check_result(self, result, op_name)
    self._data[...] = result._data
    self._version[0] += 1
    return self


def _any_requires_grad(values):
    for value in values:
        if isinstance(value, Tensor) and value._requires_grad:
            return True
    return False


def _apply_in_graph(self, fn, args, kwargs, op_name):
    if self._requires_grad and self.grad_fn is None:
        raise RuntimeError(
            f"a leaf Variable that requires grad is being used in an in-place operation "
            f"({op_name}). Hint: do it under `with ember.no_grad():`, or on a clone.")
    base = self._base
    if base is not None and base._requires_grad and base.grad_fn is None:
        raise RuntimeError(
            f"a view of a leaf Variable that requires grad is being used in an in-place "
            f"operation ({op_name}). Hint: do it under `with ember.no_grad():`, or on a clone.")
    old = Tensor._make(self._data.copy(), self._requires_grad)
    old.grad_fn, old._output_nr = self.grad_fn, self._output_nr
    args = tuple(old if a is self else a for a in args)
    kwargs = {key: old if value is self else value for key, value in kwargs.items()}
    result = fn(old, *args, **kwargs)
    if any(result is a for a in args):
        result = result.clone()  # fn handed back an argument (copy_): self needs its own node
    _check_result(self, result, op_name)
    if result._data.dtype != self._data.dtype:
        result = result.to(self.dtype)
    self._data[...] = result._data
    self._version[0] += 1
    node = result.grad_fn
    if node is not None:
        _adopt_saved_output(node, result, self)
    self.grad_fn, self._output_nr = node, result._output_nr
    self._requires_grad = result._requires_grad
    from .index import rebase_view, refresh_views
    if self._base is not None:
        rebase_view(self)
    else:
        refresh_views(self)  # views taken from self before the change now see it
    return self


def _adopt_saved_output(node, result, tensor):
    """An op that saved its output (exp_, sigmoid_ ...) now saves `tensor`, which holds that
    output from here on: a later in-place change of `tensor` must make its backward raise."""
    for item in node._saved or ():
        if type(item) is _SavedOutput and item.data is result._data:
            item.data, item.counter = tensor._data, tensor._version
            item.version = tensor._version[0]


# ops whose result is real for a complex input, which torch can't write back into it
_COMPLEX_TO_REAL = {"abs_": "abs", "absolute_": "abs", "angle_": "angle"}


def _check_result(self, result, op_name):
    if result._data.shape != self._data.shape:
        raise RuntimeError(
            f"{op_name}: output with shape {list(self._data.shape)} doesn't match the "
            f"broadcast shape {list(result._data.shape)}. An in-place op can't change the "
            f"shape of its tensor; use the out-of-place form.")
    if result._data.dtype != self._data.dtype:
        source, target = result.dtype, self.dtype
        if target.is_complex and not source.is_complex and op_name in _COMPLEX_TO_REAL:
            raise RuntimeError(f"In-place {_COMPLEX_TO_REAL[op_name]} is not supported for "
                               f"complex tensors.")
        if op_name in _EXACT_DTYPE:
            raise RuntimeError(
                f"the base given to {op_name} has dtype {scalar_type_name(target)} but the "
                f"operation's result requires dtype {scalar_type_name(source)}")
        if not _dtype.can_cast(source, target):
            raise RuntimeError(
                f"{op_name}: result type {scalar_type_name(source)} can't be cast to the "
                f"desired output type {scalar_type_name(target)}")


def inplace_method(fn, name):
    """The trailing-underscore method for an out-of-place function."""
    def method(self, *args, **kwargs):
        return apply_inplace(self, fn, args, kwargs, name)
    method.__name__ = method.__qualname__ = name
    method.__doc__ = f"In-place form of `{fn.__name__}`."
    return method
