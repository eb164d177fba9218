"""Small Tensor queries: is_nonzero, is_same_size, sum_to_size, output_nr, dim_order,
share_memory_ / is_shared, and ember.can_cast, is_signed, is_complex at the top level.

share_memory_ is a no-op returning the tensor: ember's DataLoader worker processes send their
batches back pickled, so no tensor needs to live in shared memory.

Every ember tensor is dense, strided, and on the CPU or a CUDA device: the layout and device
flags torch code checks (`is_sparse`, `is_quantized`, `is_meta`, `is_mps` ...) are False and
`to_dense()` returns the tensor itself, as torch does for a dense tensor. `apply_` and `map_`
run a Python function per element (CPU only, as torch).
"""
from .. import _dtype
from .._tensor import Tensor
from .creation import size_args, tensor
from .elementwise import sum_to

__all__ = ["is_nonzero", "is_same_size", "is_signed", "is_complex", "can_cast"]


def is_nonzero(input):
    """Whether a one-element tensor is not zero."""
    count = input.numel()
    if count != 1:
        raise RuntimeError("Boolean value of Tensor with "
                           f"{'no values' if count == 0 else 'more than one value'} is ambiguous")
    return bool(input.item() != 0)


def is_same_size(input, other):
    return tuple(input.shape) == tuple(other.shape)


def is_signed(input):
    return input.is_signed()


def is_complex(input):
    return input.is_complex()


def can_cast(from_, to):
    """Whether torch's casting rules allow from_ into to (no float into an integer ...)."""
    return _dtype.can_cast(from_, to)


def sum_to_size(self, *size):
    """The sum of self down to `size`, which must broadcast to self's shape."""
    shape = size_args(size, "sum_to_size")
    own = tuple(self.shape)
    padded = (1,) * (len(own) - len(shape)) + shape
    if len(shape) > len(own) or any(s not in (1, o) for s, o in zip(padded, own)):
        raise RuntimeError(f"size {{{list(shape)}}} is not expandable to size {{{list(own)}}}.")
    if not shape:  # torch sums everything then, so an integer tensor's result is int64
        return self.sum()
    return sum_to(self, shape)


def to_dense(self, dtype=None, *, masked_grad=True):
    """self (already dense), or self converted to dtype."""
    return self if dtype is None else self.to(dtype)


def apply_(self, callable):
    """Replace each element x of self with callable(x), a Python function run per element
    (CPU tensors only, as torch); returns self."""
    if not self.is_cpu:
        raise TypeError("apply_ is only implemented on CPU tensors")
    values = [callable(value) for value in self._data.ravel().tolist()]
    return self.copy_(tensor(values, dtype=self.dtype).reshape(self.shape))


def map_(self, tensor_, callable):
    """Replace each element x of self with callable(x, y), y the matching element of tensor_
    broadcast to self's shape (CPU tensors only, as torch); returns self."""
    return _map_elements(self, (tensor_,), callable, "map_")


def map2_(self, x1, x2, callable):
    """Replace each element x of self with callable(x, y, z), y and z the matching elements
    of x1 and x2 broadcast to self's shape (CPU tensors only, as torch); returns self."""
    return _map_elements(self, (x1, x2), callable, "map2_")


def _map_elements(self, others, callable, op_name):
    if not self.is_cpu or not all(other.is_cpu for other in others):
        raise TypeError(f"{op_name} is only implemented on CPU tensors")
    columns = [self._data.ravel().tolist()] + [
        other.expand(self.shape)._data.ravel().tolist() for other in others]
    values = [callable(*items) for items in zip(*columns)]
    return self.copy_(tensor(values, dtype=self.dtype).reshape(self.shape))


def dim_order(self):
    """The dims from outermost to innermost in memory: by stride, largest first (ties keep
    their order), as torch's Tensor.dim_order."""
    strides = self.stride()
    return tuple(sorted(range(len(strides)), key=lambda d: -strides[d]))


for _flag in ("is_sparse", "is_sparse_csr", "is_quantized", "is_meta", "is_mps", "is_nested",
              "is_mkldnn", "is_xla", "is_xpu", "is_ipu", "is_vulkan", "is_maia", "is_mtia"):
    setattr(Tensor, _flag, property(lambda self: False))
Tensor.to_dense = to_dense
Tensor.apply_ = apply_
Tensor.map_ = map_
Tensor.map2_ = map2_
Tensor.dim_order = dim_order
Tensor.const_data_ptr = lambda self: self.data_ptr()
Tensor.is_nonzero = is_nonzero
Tensor.is_same_size = is_same_size
Tensor.sum_to_size = sum_to_size
Tensor.output_nr = property(lambda self: self._output_nr)
Tensor.share_memory_ = lambda self: self
Tensor.is_shared = lambda self: False
