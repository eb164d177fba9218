"""In-place ops (`add_`, `mul_`, `x += y`, `clamp_` ...), built from their out-of-place forms.

Outside the graph the result is written into the tensor's own array, so views see it.
Inside the graph torch's rules apply: a leaf that requires grad can't be changed in place;
otherwise the op is recorded against a copy of the old value (so every backward formula
sees what forward saw) and the tensor takes the new node as its grad_fn. Either way the
version counter moves, so a backward that saved the old value raises instead of computing
a wrong gradient.
"""
from .._dtype import BY_NUMPY
from .._tensor import Tensor
from ..autograd import grad_mode

__all__ = ["inplace_method", "apply_inplace"]


def _can_cast(source, target):
    """torch's rule for writing results in place: no float -> int, no number -> bool."""
    if source.category > target.category:
        return False
    return True


def apply_inplace(self, fn, args, kwargs, op_name):
    needs_graph = grad_mode._state["enabled"] and (
        self._requires_grad or any(isinstance(a, Tensor) and a._requires_grad for a in args))
    if needs_graph and self._requires_grad and self.grad_fn is None:
        raise RuntimeError(
            f"a leaf Variable that requires grad is being used in an in-place operation "
            f"({op_name}). Hint: do it under `with ember.no_grad():`, or on a clone.")
    if not needs_graph:
        with grad_mode.no_grad():
            result = fn(self, *args, **kwargs)
        _check_result(self, result, op_name)
        self._data[...] = result._data
        self._version[0] += 1
        return self
    old = Tensor._make(self._data.copy(), self._requires_grad)
    old.grad_fn, old._output_nr = self.grad_fn, self._output_nr
    result = fn(old, *(old if a is self else a for a in args), **kwargs)
    _check_result(self, result, op_name)
    self._data[...] = result._data
    self._version[0] += 1
    self.grad_fn, self._output_nr = result.grad_fn, result._output_nr
    self._requires_grad = result._requires_grad
    if self._base is not None:
        from .index import rebase_view
        rebase_view(self)
    return self


def _check_result(self, result, op_name):
    if result._data.shape != self._data.shape:
        raise RuntimeError(
            f"{op_name}: output with shape {list(self._data.shape)} doesn't match the "
            f"broadcast shape {list(result._data.shape)}")
    if result._data.dtype is not self._data.dtype:
        source, target = BY_NUMPY[result._data.dtype], BY_NUMPY[self._data.dtype]
        if not _can_cast(source, target):
            raise RuntimeError(
                f"{op_name}: result type {source.name.capitalize()} can't be cast to the "
                f"desired output type {target.name.capitalize()}")


def inplace_method(fn, name):
    """The trailing-underscore method for an out-of-place function."""
    def method(self, *args, **kwargs):
        return apply_inplace(self, fn, args, kwargs, name)
    method.__name__ = method.__qualname__ = name
    method.__doc__ = f"In-place form of `{fn.__name__}`."
    return method
