"""ember.cuda: GPUs through CuPy (NVIDIA CUDA or AMD ROCm), with torch.cuda's API.

Importing this package never imports CuPy: the first call that needs a GPU does. Without
CuPy or a GPU, is_available() returns False and device_count() 0, quietly; manual_seed is
ignored (as in torch); everything else that needs a GPU raises RuntimeError naming what to
install.

Example:
    >>> if ember.cuda.is_available():
    ...     x = ember.ones(2, device="cuda")
    ...     ember.cuda.synchronize()
"""
from . import amp
from ._device import (current_device, device, device_count, device_of, get_device_capability,
                      get_device_name, get_device_properties, init, is_available,
                      is_bf16_supported, is_initialized, set_device, synchronize)
from .memory import (empty_cache, is_pinned, max_memory_allocated, mem_get_info,
                     memory_allocated, memory_reserved, pin_memory, reset_peak_memory_stats)
from .random import initial_seed, manual_seed, manual_seed_all, seed, seed_all
from .streams import Event, Stream, current_stream, default_stream, stream
from .._tensor import Tensor

Tensor.pin_memory = pin_memory
Tensor.is_pinned = is_pinned

__all__ = [
    "amp", "is_available", "device_count", "current_device", "set_device", "device",
    "device_of", "get_device_name", "get_device_properties", "get_device_capability",
    "is_bf16_supported", "is_initialized", "init", "synchronize", "manual_seed",
    "manual_seed_all", "seed", "seed_all", "initial_seed", "memory_allocated",
    "max_memory_allocated", "reset_peak_memory_stats", "memory_reserved", "mem_get_info",
    "empty_cache", "Stream", "Event", "current_stream", "default_stream", "stream",
]
