"""Parameter and Buffer: tensors that a Module registers when they are assigned to it.

A Parameter is a Tensor subclass that shares its data and version counter with the tensor
it wraps; it requires grad by default. Operations on a Parameter return plain Tensors.
UninitializedParameter and UninitializedBuffer hold the place of tensors whose shape a lazy
module learns at its first forward (ember/nn/modules/lazy.py).
"""
from .._tensor import Tensor

__all__ = ["Parameter", "Buffer", "UninitializedParameter", "UninitializedBuffer"]

# The slots a Tensor carries, copied when a tensor becomes a subclass.
_TENSOR_SLOTS = tuple(name for name in Tensor.__slots__
                      if name not in ("__dict__", "__weakref__"))


def _subclass_view(cls, data):
    """A new `cls` object over the same array and version counter as `data`, outside the graph.

    Tensor keeps most fields in __slots__, so the object is built field by field rather than
    by changing __class__.
    """
    plain = data.detach()
    out = object.__new__(cls)
    for name in _TENSOR_SLOTS:
        setattr(out, name, getattr(plain, name))
    out.__dict__.update(plain.__dict__)
    return out


def _user_attributes(tensor):
    """What user code set on a tensor (not its .grad, hooks or other Tensor fields)."""
    return {name: value for name, value in tensor.__dict__.items() if not hasattr(Tensor, name)}


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
        return _rebuild_parameter, (self.detach(), self._requires_grad, _user_attributes(self))


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


class UninitializedTensorMixin:
    """A tensor without a shape yet: `materialize(shape)` gives it data and turns it into
    `cls_to_become`, in place, so whoever holds it (a module, an optimizer) sees the change.

    Differs from PyTorch: ops on an uninitialized tensor are not intercepted (torch raises
    ValueError); they see an empty (0,) tensor. Its shape raises RuntimeError, as torch's.
    """

    __slots__ = ()
    cls_to_become = None

    def materialize(self, shape, device=None, dtype=None):
        """Give the tensor uninitialised data of `shape` (on its device, in its dtype unless
        given) and make it a `cls_to_become`."""
        from ..ops.creation import empty
        data = empty(tuple(shape), device=device if device is not None else self.device,
                     dtype=dtype if dtype is not None else self.dtype)
        self._data = data._data
        self.__class__ = self.cls_to_become

    @property
    def shape(self):
        raise RuntimeError(
            "Can't access the shape of an uninitialized parameter or buffer. This error "
            "usually happens in `load_state_dict` when trying to load an uninitialized "
            "parameter into an initialized one. Call `forward` to initialize the parameters "
            "before accessing their attributes.")

    def share_memory_(self):
        raise RuntimeError(
            "Can't share memory on an uninitialized parameter or buffer. Call `forward` to "
            "initialize the parameters before calling `module.share_memory()`.")

    def to(self, *args, **kwargs):
        # module.to()/double()/cuda() before the first forward keep the tensor lazy
        moved = _subclass_view(type(self), Tensor.to(self, *args, **kwargs))
        moved._requires_grad = self._requires_grad
        return moved

    def __repr__(self):
        return f"<{type(self).__name__}>"

    def __deepcopy__(self, memo):
        result = type(self)(self._requires_grad, self.device, self.dtype)
        memo[id(self)] = result
        return result

    def __reduce_ex__(self, protocol):
        return type(self), (self._requires_grad,)


def _empty_placeholder(device, dtype):
    from ..ops.creation import empty
    return empty(0, device=device, dtype=dtype)


class UninitializedParameter(UninitializedTensorMixin, Parameter):
    """A Parameter whose shape is not known yet; lazy modules materialize it at their first
    forward, after which it is a plain Parameter (the same object).

    Example:
        >>> p = ember.nn.UninitializedParameter()
        >>> p.materialize((2, 3))
        >>> type(p).__name__, p.shape
        ('Parameter', ember.Size([2, 3]))
    """

    cls_to_become = Parameter

    def __new__(cls, requires_grad=True, device=None, dtype=None):
        return super().__new__(cls, _empty_placeholder(device, dtype), requires_grad)


class UninitializedBuffer(UninitializedTensorMixin, Tensor):
    """A buffer whose shape is not known yet; materialized into a plain Tensor.

    Example:
        >>> b = ember.nn.UninitializedBuffer()
        >>> b.materialize((4,))
        >>> type(b).__name__
        'Tensor'
    """

    __slots__ = ()
    cls_to_become = Tensor

    def __new__(cls, requires_grad=False, device=None, dtype=None):
        buffer = _subclass_view(cls, _empty_placeholder(device, dtype))
        buffer._requires_grad = requires_grad
        return buffer
