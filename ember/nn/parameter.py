"""Parameter and Buffer: tensors that a Module registers when they are assigned to it.

A Parameter is a Tensor subclass that shares its data and version counter with the tensor
it wraps; it requires grad by default. Operations on a Parameter return plain Tensors.
"""
from .._tensor import Tensor

__all__ = ["Parameter", "Buffer"]

# Every slot a Tensor carries except __weakref__, copied when a tensor becomes a subclass.
_TENSOR_SLOTS = tuple(name for name in Tensor.__slots__ if name != "__weakref__")


def _subclass_view(cls, data):
    """A new `cls` object over the same array and version counter as `data`, outside the graph.

    Tensor uses __slots__, and Parameter adds a __dict__ (so user code can tag parameters,
    as in torch), so the object is built field by field rather than by changing __class__.
    """
    plain = data.detach()
    out = object.__new__(cls)
    for name in _TENSOR_SLOTS:
        try:
            setattr(out, name, getattr(plain, name))
        except AttributeError:
            continue  # a slot the plain tensor leaves unset stays unset here too
    return out


class Parameter(Tensor):
    """A Tensor that is a learnable parameter of a Module.

    Assigning a Parameter as a Module attribute registers it, so it appears in
    `Module.parameters()` and `Module.state_dict()`. It shares its data and version counter
    with `data`, and requires grad unless `requires_grad=False`.

    Args:
        data: the tensor to wrap (an empty float tensor when None).
        requires_grad: whether the parameter requires gradient. Default: True.

    Example:
        >>> ember.nn.Parameter(ember.zeros(2))
        Parameter containing:
        tensor([0., 0.], requires_grad=True)
    """

    def __new__(cls, data=None, requires_grad=True):
        if data is None:
            from ..ops.creation import empty
            data = empty(0)
        if not isinstance(data, Tensor):
            raise TypeError(
                f"Parameter(): data must be a Tensor, but got {type(data).__name__}; wrap it "
                f"with ember.tensor(...) first")
        param = _subclass_view(cls, data)
        if requires_grad:
            param.requires_grad_(True)
        return param

    def __deepcopy__(self, memo):
        if id(self) in memo:
            return memo[id(self)]
        # As torch: a new Parameter over a copy of the data; .grad is not copied.
        result = type(self)(Tensor._make(self._data.copy()), self._requires_grad)
        memo[id(self)] = result
        return result

    def __repr__(self):
        return "Parameter containing:\n" + super().__repr__()

    def __reduce_ex__(self, protocol):
        return _rebuild_parameter, (self.detach(), self._requires_grad, dict(self.__dict__))


def _rebuild_parameter(data, requires_grad, state):
    param = Parameter(data, requires_grad)
    param.__dict__.update(state)
    return param


class Buffer(Tensor):
    """Marks a tensor as a buffer: assigned to a Module attribute, it is registered with
    `register_buffer(name, tensor, persistent)`.

    The module stores a plain Tensor sharing the data, as torch does.

    Args:
        data: the tensor (an empty float tensor when None).
        persistent: whether the buffer is part of the module's state_dict. Default: True.

    Example:
        >>> m = ember.nn.Module()
        >>> m.running = ember.nn.Buffer(ember.zeros(3), persistent=False)
        >>> list(m.state_dict())
        []
    """

    def __new__(cls, data=None, *, persistent=True):
        if data is None:
            from ..ops.creation import empty
            data = empty(0)
        if not isinstance(data, Tensor):
            raise TypeError(f"Buffer(): data must be a Tensor, but got {type(data).__name__}")
        buffer = _subclass_view(cls, data)
        buffer._requires_grad = data._requires_grad
        buffer.persistent = persistent
        return buffer

    def _as_tensor(self):
        """The plain Tensor a module stores for this buffer (same data and version)."""
        plain = self.detach()
        plain._requires_grad = self._requires_grad
        return plain
