"""Tensor: a backend array plus what autograd needs to know about it.

The ops themselves live in ember/ops/, one module per family; each module attaches its
methods and operators to Tensor at the end (`Tensor.tanh = tanh`), so this file holds only
what a tensor *is*: its data, dtype, device, shape, and its place in the graph.
"""
from collections import OrderedDict

import numpy as np

from . import _dtype
from ._dtype import BY_NUMPY
from .autograd import function as _function
from .autograd import grad_mode
from .backend import _BY_ARRAY_TYPE, backend_for_device, backend_of
from .backend.device import device as Device

__all__ = ["Tensor"]

_LEGACY_NAMES = {
    "float32": "FloatTensor", "float64": "DoubleTensor", "float16": "HalfTensor",
    "bfloat16": "BFloat16Tensor", "int64": "LongTensor", "int32": "IntTensor",
    "int16": "ShortTensor", "int8": "CharTensor", "uint8": "ByteTensor", "bool": "BoolTensor",
    "complex64": "ComplexFloatTensor", "complex128": "ComplexDoubleTensor",
}


def dtype_name(array):
    """torch's legacy type name of an array, as error messages print it ("FloatTensor")."""
    return "ember." + _LEGACY_NAMES[BY_NUMPY[array.dtype].name]


def raise_device_mismatch(op_name, args):
    devices = []
    for arg in args:
        if isinstance(arg, Tensor) and str(arg.device) not in devices:
            devices.append(str(arg.device))
    raise RuntimeError(
        f"Expected all tensors to be on the same device, but found at least two devices, "
        f"{devices[0]} and {devices[1]}! (in {op_name}) Move them with .to(device) first.")


class Tensor:
    """A multi-dimensional array that can record the operations applied to it.

    Example:
        >>> x = ember.tensor([[1., 2.], [3., 4.]], requires_grad=True)
        >>> (x * x).sum().backward()
        >>> x.grad
        tensor([[2., 4.],
                [6., 8.]])
    """

    # What every tensor sets is in slots; what few tensors set (a .grad, a view's base, hooks)
    # defaults on the class and is set in the instance's __dict__ (which, as in torch, also
    # takes the user's own attributes). Each attribute _make sets costs time in every op.
    __slots__ = ("_data", "_requires_grad", "grad_fn", "_output_nr", "_version", "__dict__",
                 "__weakref__")
    grad = None
    _base = None
    _view_fn = None
    _accumulator_node = None
    _post_accumulate_hooks = None
    _retains_grad = False
    __array_priority__ = 1000  # numpy defers to Tensor's reflected operators, as for torch

    # `ember.Tensor(...)` builds a float tensor from data or sizes, as torch.Tensor does.
    def __new__(cls, *args, device=None):
        from .ops.creation import legacy_tensor
        return legacy_tensor(cls, args, device)

    @staticmethod
    def _make(data, requires_grad=False, grad_fn=None):
        """Wrap a backend array; the fast path every op's output goes through."""
        if type(data) not in _BY_ARRAY_TYPE:
            data = np.asarray(data)  # numpy reductions return scalars, not 0-d arrays
        tensor = object.__new__(Tensor)
        tensor._data = data
        tensor._requires_grad = requires_grad
        tensor.grad_fn = grad_fn
        tensor._output_nr = 0
        tensor._version = [0]
        if _grad_state["inference"]:  # See NOTE [ Inference tensors ]
            grad_mode.add_inference_tensor(tensor)
        return tensor

    def _alias(self):
        """A new tensor object over the same array and version counter, outside the graph."""
        out = Tensor._make(self._data)
        out._version = self._version
        out._base = self if self._base is None else self._base
        if _grad_state["inference_seen"]:
            grad_mode.mark_view(out, self)
        return out

    # -- what a tensor is ----------------------------------------------------------------

    @property
    def dtype(self):
        return BY_NUMPY[self._data.dtype]

    @property
    def device(self):
        return backend_of(self._data).device_of(self._data)

    @property
    def is_cuda(self):
        return self.device.type == "cuda"

    @property
    def is_cpu(self):
        return self.device.type == "cpu"

    @property
    def shape(self):
        return Size(self._data.shape)

    def size(self, dim=None):
        if dim is None:
            return Size(self._data.shape)
        return self._data.shape[_wrap_dim(dim, self._data.ndim, "size")]

    def dim(self):
        return self._data.ndim

    @property
    def ndim(self):
        return self._data.ndim

    ndimension = dim

    def numel(self):
        return int(self._data.size)

    nelement = numel

    def element_size(self):
        return self._data.dtype.itemsize

    @property
    def itemsize(self):
        return self._data.dtype.itemsize

    @property
    def nbytes(self):
        return int(self._data.nbytes)

    def stride(self, dim=None):
        itemsize = self._data.dtype.itemsize
        strides = tuple(s // itemsize for s in self._data.strides)
        return strides if dim is None else strides[_wrap_dim(dim, self._data.ndim, "stride")]

    def is_contiguous(self, memory_format=None):
        if memory_format is None:
            return bool(self._data.flags.c_contiguous)
        from ._memory_format import is_contiguous_in
        return is_contiguous_in(self._data.shape, self.stride(), memory_format)

    def storage_offset(self):
        base = self._data.base if self._data.base is not None else self._data
        if not isinstance(base, type(self._data)) or self._data.size == 0:
            return 0
        from .ops.strided import _address  # numpy 2 has no byte_bounds
        offset = _address(self._data) - _address(base)
        return int(offset // self._data.dtype.itemsize)

    def data_ptr(self):
        return int(self._data.__array_interface__["data"][0]) if self.is_cpu else int(
            self._data.data.ptr)

    def is_floating_point(self):
        return self._data.dtype in _dtype.FLOAT_NP

    def is_complex(self):
        return self._data.dtype.kind == "c"

    def is_signed(self):
        return self.dtype.is_signed

    def get_device(self):
        index = self.device.index
        return -1 if self.device.type == "cpu" else (index or 0)

    # -- autograd state ------------------------------------------------------------------

    @property
    def requires_grad(self):
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, value):
        self.requires_grad_(value)

    def requires_grad_(self, requires_grad=True):
        if self.grad_fn is not None:
            if requires_grad:
                return self
            raise RuntimeError(
                "you can only change requires_grad flags of leaf variables. If you want to use "
                "a computed variable in a subgraph that doesn't require differentiation use "
                "var_no_grad = var.detach().")
        if requires_grad and self._data.dtype not in _dtype.DIFFERENTIABLE_NP:
            raise RuntimeError(
                f"only Tensors of floating point and complex dtype can require gradients, got "
                f"{self.dtype}")
        if requires_grad:
            grad_mode.check_not_inference(self, "Setting requires_grad=True on")
        self._requires_grad = bool(requires_grad)
        return self

    @property
    def is_leaf(self):
        return self.grad_fn is None

    @property
    def data(self):
        """The same array, outside the graph (changing it in place bypasses autograd)."""
        return self.detach()

    @data.setter
    def data(self, value):
        if not isinstance(value, Tensor):
            raise TypeError(f"Tensor.data must be a Tensor, got {type(value).__name__}")
        self._data = value._data

    def _accumulator(self):
        node = self._accumulator_node
        if node is None:
            node = self._accumulator_node = _function.AccumulateGrad(self)
        return node

    def detach(self):
        """A tensor sharing this one's data, cut out of the graph."""
        out = Tensor._make(self._data)
        out._version = self._version
        if _grad_state["inference_seen"]:
            grad_mode.mark_view(out, self)
        return out

    def is_inference(self):
        """Whether this tensor was made under inference_mode (see NOTE [ Inference tensors ])."""
        return grad_mode.is_inference_tensor(self)

    def detach_(self):
        if self._base is not None and self._base._requires_grad:
            raise RuntimeError("Can't detach views in-place. Use detach() instead.")
        self.grad_fn = None
        self._requires_grad = False
        return self

    def retain_grad(self):
        """Keep the gradient of this non-leaf tensor in .grad after backward."""
        if not self._requires_grad:
            raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
        if self.grad_fn is None or self._retains_grad:
            return
        self._retains_grad = True
        import weakref
        ref = weakref.ref(self)

        def retain(grad):
            tensor = ref()
            if tensor is not None:
                if tensor.grad is None:
                    tensor.grad = grad.detach().clone() if not grad.requires_grad else grad
                else:
                    tensor.grad = tensor.grad + grad
        self.grad_fn._add_pre_hook(self._output_nr, retain)

    @property
    def retains_grad(self):
        return self._retains_grad

    def register_hook(self, hook):
        """hook(grad) runs when this tensor's gradient is computed; it may return a new one.

        Example:
            >>> x = ember.ones(2, requires_grad=True)
            >>> handle = x.register_hook(lambda g: g * 2)
            >>> x.sum().backward(); x.grad
            tensor([2., 2.])
        """
        if not self._requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        if self.grad_fn is not None:
            return self.grad_fn._add_pre_hook(self._output_nr, hook)
        return self._accumulator()._add_pre_hook(0, hook)

    def register_post_accumulate_grad_hook(self, hook):
        """hook(tensor) runs after a gradient has been added into this leaf's .grad."""
        if self.grad_fn is not None:
            raise RuntimeError(
                "post accumulate grad hooks cannot be registered on non-leaf tensors")
        if self._post_accumulate_hooks is None:
            self._post_accumulate_hooks = OrderedDict()
        return _function._add_hook(self._post_accumulate_hooks, hook)

    def backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None):
        """Accumulate d(self)/d(leaf) * gradient into every leaf's .grad."""
        from .autograd import backward
        backward(self, gradient, retain_graph, create_graph, inputs=inputs)

    # -- conversion ----------------------------------------------------------------------

    def item(self):
        if self._data.size != 1:
            raise RuntimeError(
                f"a Tensor with {self._data.size} elements cannot be converted to Scalar")
        value = self._data.reshape(()).item() if self.is_cpu else self._data.get().item()
        if self._data.dtype == _dtype.bfloat16.np:
            value = float(value)
        return value

    def tolist(self):
        array = self._host_array()
        if array.dtype == _dtype.bfloat16.np:
            array = array.astype(np.float32)
        return array.tolist()

    def numpy(self, *, force=False):
        """The data as a numpy array, sharing memory on the CPU."""
        if self._requires_grad and not force:
            raise RuntimeError(
                "Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() "
                "instead.")
        if not self.is_cpu:
            if not force:
                raise TypeError(
                    f"can't convert {self.device} device type tensor to numpy. Use Tensor.cpu() "
                    f"to copy the tensor to host memory first.")
            return self._host_array()
        return self._data

    def _host_array(self):
        return self._data if type(self._data) is np.ndarray else self._data.get()

    def __array__(self, dtype=None, copy=None):
        array = self._host_array()
        if dtype is not None:
            array = array.astype(dtype, copy=bool(copy))
        elif copy:
            array = array.copy()
        return array

    def __dlpack__(self, stream=None, **kwargs):
        if self._requires_grad:
            raise RuntimeError("Can't export tensors that require gradient, use tensor.detach()")
        return self._data.__dlpack__(**({"stream": stream} if stream is not None else {}),
                                     **kwargs)

    def __dlpack_device__(self):
        return self._data.__dlpack_device__()

    def to(self, *args, **kwargs):
        """Convert dtype and/or device: to(dtype), to(device), to(device, dtype), to(tensor)."""
        from ._memory_format import check_memory_format
        check_memory_format(self._data.shape, kwargs.get("memory_format"), "to")
        dtype, device, copy = _parse_to(args, kwargs)
        from .ops.convert import to_device, to_dtype
        out = self
        if dtype is not None and dtype.np != self._data.dtype:
            out = to_dtype(out, dtype)
        if device is not None and device != self.device:
            out = to_device(out, device)
        if copy and out is self:
            out = self.clone()
        return out

    def cpu(self, memory_format=None):
        return self.to("cpu")

    def cuda(self, device=None, non_blocking=False, memory_format=None):
        return self.to(Device("cuda", device) if isinstance(device, int) else device or "cuda")

    def type(self, dtype=None, non_blocking=False):
        if dtype is None:
            return dtype_name(self._data)
        if isinstance(dtype, str):
            names = {v: k for k, v in _LEGACY_NAMES.items()}
            dtype = _dtype.BY_NAME[names[dtype.rsplit(".", 1)[-1]]]
        elif isinstance(dtype, type):  # a legacy type: x.type(ember.LongTensor)
            dtype = dtype.dtype
        return self.to(dtype)

    def type_as(self, other):
        return self.to(other.dtype)

    def float(self, memory_format=None):
        return self.to(_dtype.float32)

    def double(self, memory_format=None):
        return self.to(_dtype.float64)

    def half(self, memory_format=None):
        return self.to(_dtype.float16)

    def bfloat16(self, memory_format=None):
        return self.to(_dtype.bfloat16)

    def long(self, memory_format=None):
        return self.to(_dtype.int64)

    def int(self, memory_format=None):
        return self.to(_dtype.int32)

    def short(self, memory_format=None):
        return self.to(_dtype.int16)

    def char(self, memory_format=None):
        return self.to(_dtype.int8)

    def byte(self, memory_format=None):
        return self.to(_dtype.uint8)

    def bool(self, memory_format=None):
        return self.to(_dtype.bool)

    # -- Python protocols ----------------------------------------------------------------

    def __len__(self):
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._data.shape[0]

    def __iter__(self):
        if self._data.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return iter(self.unbind(0))

    def __bool__(self):
        if self._data.size == 0:
            raise RuntimeError("Boolean value of Tensor with no values is ambiguous")
        if self._data.size != 1:
            raise RuntimeError(
                f"Boolean value of Tensor with more than one value is ambiguous "
                f"(shape {list(self._data.shape)}); use .any() or .all()")
        return bool(self.item())

    def __float__(self):
        return float(_dtype.real_number(self._scalar("float"), _dtype.float64))

    def __int__(self):
        return int(_dtype.real_number(self._scalar("int"), _dtype.int64))

    def __index__(self):
        if self._data.dtype.kind not in "iub" or self._data.size != 1:
            raise TypeError("only integer tensors of a single element can be converted to an "
                            "index")
        return int(self.item())

    def __complex__(self):
        return complex(self._scalar("complex"))

    def _scalar(self, what):
        if self._data.size != 1:
            raise ValueError("only one element tensors can be converted to Python scalars")
        return self.item()

    def __format__(self, spec):
        if self._data.ndim == 0:
            return self.item().__format__(spec)
        return object.__format__(self, spec)

    def __repr__(self, *, tensor_contents=None):
        from ._tensor_str import tensor_repr
        return tensor_repr(self, tensor_contents)

    __hash__ = object.__hash__

    def __reduce_ex__(self, protocol):
        # For pickling between processes (DataLoader workers); files use ember.save.
        return _rebuild, (self._host_array(), self._requires_grad)

    def __deepcopy__(self, memo):
        if self.grad_fn is not None:
            raise RuntimeError(
                "Only Tensors created explicitly by the user (graph leaves) support the "
                "deepcopy protocol at the moment. If you were attempting to deepcopy a module, "
                "this may be because of a torch.nn.utils.weight_norm usage, see "
                "https://github.com/pytorch/pytorch/pull/103001")
        out = type(self)._deepcopy_new(self)
        memo[id(self)] = out
        if self.grad is not None:
            out.grad = self.grad.__deepcopy__(memo)
        return out

    @classmethod
    def _deepcopy_new(cls, tensor):
        return Tensor._make(tensor._data.copy(), tensor._requires_grad)

    # -- factories on an existing tensor -------------------------------------------------

    def new_tensor(self, data, dtype=None, device=None, requires_grad=False):
        from .ops.creation import tensor
        return tensor(data, dtype=dtype or self.dtype, device=device or self.device,
                      requires_grad=requires_grad)

    def new_empty(self, *args, size=None, dtype=None, device=None, requires_grad=False,
                  layout=None, pin_memory=False):
        from .ops.creation import empty
        return empty(*args, size=size, dtype=dtype or self.dtype, device=device or self.device,
                     requires_grad=requires_grad, layout=layout, pin_memory=pin_memory)

    def new_zeros(self, *args, size=None, dtype=None, device=None, requires_grad=False,
                  layout=None, pin_memory=False):
        from .ops.creation import zeros
        return zeros(*args, size=size, dtype=dtype or self.dtype, device=device or self.device,
                     requires_grad=requires_grad, layout=layout, pin_memory=pin_memory)

    def new_ones(self, *args, size=None, dtype=None, device=None, requires_grad=False,
                 layout=None, pin_memory=False):
        from .ops.creation import ones
        return ones(*args, size=size, dtype=dtype or self.dtype, device=device or self.device,
                    requires_grad=requires_grad, layout=layout, pin_memory=pin_memory)

    def new_full(self, size, fill_value, dtype=None, device=None, requires_grad=False, *,
                 layout=None, pin_memory=False):
        from .ops.creation import full
        return full(size, fill_value, dtype=dtype or self.dtype, device=device or self.device,
                    requires_grad=requires_grad, layout=layout, pin_memory=pin_memory)


def _rebuild(array, requires_grad):
    return Tensor._make(array, requires_grad)


class Size(tuple):
    """A tensor's shape: a tuple of ints, as torch.Size."""

    __slots__ = ()

    def __repr__(self):
        return f"ember.Size([{', '.join(str(s) for s in self)}])"

    def numel(self):
        count = 1
        for s in self:
            count *= s
        return count

    def __getitem__(self, index):
        result = tuple.__getitem__(self, index)
        return Size(result) if isinstance(index, slice) else result

    def __add__(self, other):
        return Size(tuple.__add__(self, tuple(other)))


def _wrap_dim(dim, ndim, op_name):
    rank = max(ndim, 1)
    if not -rank <= dim < rank:
        raise IndexError(
            f"{op_name}: Dimension out of range (expected to be in range of "
            f"[{-rank}, {rank - 1}], but got {dim})")
    return dim % rank if ndim else 0


def _parse_to(args, kwargs):
    """(dtype, device, copy) from Tensor.to's many call forms."""
    dtype = kwargs.pop("dtype", None)
    device = kwargs.pop("device", None)
    copy = kwargs.pop("copy", False)
    kwargs.pop("non_blocking", None)
    kwargs.pop("memory_format", None)
    if kwargs:
        raise TypeError(f"to() got unexpected keyword arguments {sorted(kwargs)}")
    for arg in args:
        if isinstance(arg, Tensor):
            dtype, device = arg.dtype, arg.device
        elif isinstance(arg, (str, Device)) or (isinstance(arg, int) and not isinstance(arg, bool)):
            device = arg
        elif isinstance(arg, bool):
            continue  # non_blocking / copy passed positionally
        elif arg is not None:
            dtype = arg
    if dtype is not None:
        dtype = _dtype.to_dtype(dtype)
    if device is not None:
        device = Device(device)
        backend_for_device(device)
    return dtype, device, copy


_grad_state = grad_mode._state
_function.Tensor = Tensor  # the graph code checks isinstance(arg, Tensor) on every op
_function._make = Tensor._make
