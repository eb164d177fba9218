"""ember.accelerator: torch.accelerator's device-agnostic queries; ember's one accelerator
kind is CUDA (through CuPy).

PyTorch's own tutorials pick their device with
`torch.accelerator.current_accelerator().type if torch.accelerator.is_available() else "cpu"`;
on ember that answers "cuda" where CuPy finds a GPU and falls back to "cpu" otherwise.

Example:
    >>> device = (ember.accelerator.current_accelerator().type
    ...           if ember.accelerator.is_available() else "cpu")
"""
from . import cuda
from .backend.device import device as _device

__all__ = ["current_accelerator", "current_device_idx", "current_device_index", "device_count",
           "empty_cache", "is_available", "max_memory_allocated", "memory_allocated",
           "reset_peak_memory_stats", "set_device_idx", "set_device_index", "synchronize"]


def is_available():
    """Whether a CUDA device can be used."""
    return cuda.is_available()


def device_count():
    """The number of CUDA devices (0 without a GPU)."""
    return cuda.device_count()


def current_accelerator(check_available=False):
    """device("cuda") when CUDA is available, else None."""
    return _device("cuda") if cuda.is_available() else None


def current_device_index():
    """The index of the current CUDA device."""
    return cuda.current_device()


def set_device_index(device):
    """Make `device` (an index or device) the current CUDA device."""
    cuda.set_device(device)


current_device_idx = current_device_index
set_device_idx = set_device_index


def synchronize(device=None):
    """Wait for the work queued on the device."""
    cuda.synchronize(device)


def empty_cache():
    """Release the cached device memory."""
    cuda.empty_cache()


def memory_allocated(device_index=None):
    return cuda.memory_allocated(device_index)


def max_memory_allocated(device_index=None):
    return cuda.max_memory_allocated(device_index)


def reset_peak_memory_stats(device_index=None):
    cuda.reset_peak_memory_stats(device_index)
