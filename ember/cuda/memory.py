"""GPU memory: what live tensors hold, its peak, what the pool keeps cached.

CuPy allocates through a memory pool, as torch's caching allocator does: freed blocks stay
reserved for reuse until empty_cache() hands them back. memory_allocated counts the bytes of
live arrays, memory_reserved adds the cached blocks.
"""
import sys
import warnings

from ._device import backend, device_index, require

__all__ = ["memory_allocated", "max_memory_allocated", "reset_peak_memory_stats",
           "memory_reserved", "mem_get_info", "empty_cache", "pin_memory", "is_pinned",
           "pin_batch", "pinned_batches"]


def _index(device):
    require()
    return device_index(device)


def memory_allocated(device=None):
    """Bytes held by live tensors on a GPU (the current one by default).

    Example:
        >>> before = ember.cuda.memory_allocated()   # doctest: +SKIP
        >>> x = ember.empty(1 << 20, device="cuda")  # 4 MiB more   # doctest: +SKIP
    """
    return backend().memory_allocated(_index(device))


def max_memory_allocated(device=None):
    """The most bytes live tensors held on a GPU since the start or the last
    reset_peak_memory_stats()."""
    return backend().max_memory_allocated(_index(device))


def reset_peak_memory_stats(device=None):
    """Start measuring max_memory_allocated afresh from what is allocated now."""
    backend().reset_peak_memory_stats(_index(device))


def memory_reserved(device=None):
    """Bytes the memory pool holds on a GPU: allocated plus cached for reuse."""
    return backend().memory_reserved(_index(device))


def mem_get_info(device=None):
    """(free, total) bytes of a GPU's memory, as the driver reports them."""
    cupy = require()
    with cupy.cuda.Device(_index(device)):
        return cupy.cuda.runtime.memGetInfo()


def empty_cache():
    """Release cached, unused pool blocks to the driver (other processes can then use them);
    live tensors keep theirs. Does nothing when CUDA is not available."""
    if backend().available():
        backend().empty_cache()


# -- page-locked host memory --------------------------------------------------------------

def pin_memory(tensor):
    """A copy of a CPU tensor in page-locked host memory (Tensor.pin_memory): copies from it
    to the GPU are faster. Raises RuntimeError without CUDA, as torch does."""
    if not tensor.is_cpu:
        raise RuntimeError(f"cannot pin '{tensor.type()}' only dense CPU tensors can be pinned")
    if is_pinned(tensor):
        return tensor
    require()
    from .._tensor import Tensor
    return Tensor._make(backend().pinned_copy(tensor._data))


def is_pinned(tensor, device=None):
    """Whether a tensor lives in page-locked host memory (Tensor.is_pinned)."""
    if not tensor.is_cpu or "ember.backend.cupy_backend" not in sys.modules:
        return False
    return backend().is_pinned(tensor._data)


def pin_batch(data):
    """`data` (tensors in lists, tuples, dicts: a DataLoader batch) with its tensors pinned."""
    from .._tensor import Tensor
    if isinstance(data, Tensor):
        return pin_memory(data) if data.is_cpu else data
    if isinstance(data, tuple) and hasattr(data, "_fields"):  # a namedtuple
        return type(data)(*(pin_batch(item) for item in data))
    if isinstance(data, (list, tuple)):
        return type(data)(pin_batch(item) for item in data)
    if isinstance(data, dict):
        return type(data)((key, pin_batch(value)) for key, value in data.items())
    return data


def pinned_batches(batches):
    """DataLoader(pin_memory=True)'s batches, pinned; unchanged (with torch's warning) where
    no GPU is available."""
    if not backend().available():
        warnings.warn("'pin_memory' argument is set as true but no accelerator is found, then "
                      "device pinned memory won't be used.", stacklevel=3)
        yield from batches
        return
    for batch in batches:
        yield pin_batch(batch)
