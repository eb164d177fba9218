"""Storages: the memory a tensor and its views share, as `Tensor.untyped_storage()` (bytes)
and the deprecated `Tensor.storage()` (elements of the tensor's dtype) return it in torch.

An ember tensor's array is a view of one owning array (numpy and CuPy keep the owner as
`.base`); the storage is that owner's memory, so a tensor and every view of it report the
same `data_ptr()`, which is how code checks that two tensors share memory.

Example:
    >>> x = ember.ones(3, 4)
    >>> x[1:].untyped_storage().data_ptr() == x.untyped_storage().data_ptr()
    True
"""
import warnings

from . import _dtype
from ._tensor import Tensor

__all__ = ["UntypedStorage", "TypedStorage", "is_storage"]

_TYPED_STORAGE_DEPRECATED = (
    "TypedStorage is deprecated. It will be removed in the future and UntypedStorage will be "
    "the only storage class. This should only matter to you if you are using storages "
    "directly.  To access UntypedStorage directly, use tensor.untyped_storage() instead of "
    "tensor.storage()")

_state = {"warned": False}


def _owner_bytes(array):
    """The bytes of the array that owns `array`'s memory (itself when it owns it)."""
    base = array.base
    owner = base if isinstance(base, type(array)) else array
    return owner.reshape(-1, order="A").view(_dtype.uint8.np)  # a view for either order


class UntypedStorage:
    """The bytes under a tensor: data_ptr, nbytes, indexing byte by byte."""

    def __init__(self, array, device):
        self._bytes = _owner_bytes(array)
        self.device = device

    def data_ptr(self):
        from .ops.strided import _address
        return int(_address(self._bytes)) if self._bytes.size else 0

    def nbytes(self):
        return int(self._bytes.size)

    def size(self):
        return self.nbytes()

    def __len__(self):
        return self.nbytes()

    def element_size(self):
        return 1

    @property
    def is_cuda(self):
        return self.device.type == "cuda"

    def is_shared(self):
        return False

    def type(self):
        return f"{__name__}.{type(self).__name__}"

    def _element(self, array, index):
        if not -len(array) <= index < len(array):
            raise IndexError(f"index {index} out of range for storage of size {len(array)}")
        return array[index].item()

    def __getitem__(self, index):
        return self._element(self._bytes, index)

    def tolist(self):
        return self._bytes.tolist()

    def _describe(self):
        return f"device={self.device}"

    def __repr__(self):
        values = " " + "\n ".join(str(value) for value in self.tolist())
        return f"{values}\n[{self.type()}({self._describe()}) of size {len(self)}]"


class TypedStorage(UntypedStorage):
    """The deprecated storage of elements: sizes and indices count the tensor's dtype."""

    def __init__(self, array, device, dtype):
        super().__init__(array, device)
        self.dtype = dtype
        self._elements = self._bytes.view(dtype.np)

    def size(self):
        return int(self._elements.size)

    def __len__(self):
        return self.size()

    def element_size(self):
        return self.dtype.itemsize

    def untyped(self):
        return UntypedStorage(self._bytes, self.device)

    def __getitem__(self, index):
        return self._element(self._elements, index)

    def tolist(self):
        return self._elements.tolist()

    def _describe(self):
        return f"dtype={self.dtype}, device={self.device}"


def untyped_storage(self):
    """The memory under this tensor and its views, in bytes."""
    return UntypedStorage(self._data, self.device)


def storage(self):
    """The memory under this tensor as elements of its dtype (deprecated in torch too:
    untyped_storage() is the current form)."""
    if not _state["warned"]:  # once per process, even under set_warn_always, as torch
        _state["warned"] = True
        warnings.warn(_TYPED_STORAGE_DEPRECATED, UserWarning, stacklevel=2)
    return TypedStorage(self._data, self.device, self.dtype)


Tensor.untyped_storage = untyped_storage
Tensor.storage = storage


def is_storage(obj):
    """Whether obj is a storage (an UntypedStorage or TypedStorage)."""
    return isinstance(obj, (UntypedStorage, TypedStorage))
