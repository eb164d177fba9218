"""Which GPUs there are, which one is current, and what they are.

Every function imports the CUDA backend (and CuPy with it) only when called; see
NOTE [ Current device ] in ember/backend/cupy_backend.py for what "current" means.
"""
import sys

from ..backend.device import device as Device

__all__ = ["is_available", "device_count", "current_device", "set_device", "device",
           "device_of", "get_device_name", "get_device_properties", "get_device_capability",
           "is_bf16_supported", "is_initialized", "init", "synchronize"]


def backend():
    """The CUDA backend module (ember/backend/cupy_backend.py), imported on first use."""
    from ..backend import cupy_backend
    return cupy_backend


def require():
    """The cupy module, once the CUDA backend is known to work; RuntimeError otherwise."""
    module = backend()
    module.require_cuda()
    return module.cupy


def device_index(device, optional=True):
    """The GPU index `device` names: an int, 'cuda:1', ember.device('cuda', 1); None or
    'cuda' mean the current device (when optional), as torch.cuda._get_device_index."""
    if isinstance(device, str):
        device = Device(device)
    if isinstance(device, Device):
        if device.type != "cuda":
            raise ValueError(f"Expected a cuda device, but got: {device}")
        device = device.index
    if device is None:
        if not optional:
            raise ValueError("Expected a torch.device with a specified index or an integer, "
                             "but got: None")
        return require().cuda.runtime.getDevice()
    if not isinstance(device, int) or isinstance(device, bool):
        raise ValueError(f"Expected a cuda device, but got: {device!r}")
    return device


def is_available():
    """Whether CuPy is installed and sees at least one GPU (never raises)."""
    return backend().available()


def device_count():
    """The number of GPUs CuPy sees (0 without CuPy or a GPU)."""
    return backend().device_count()


def is_initialized():
    """Whether the CUDA backend has been loaded and registered."""
    module = sys.modules.get("ember.backend.cupy_backend")
    return module is not None and module._state["registered"]


def init():
    """Load the CUDA backend now (it otherwise loads on first use)."""
    require()


def current_device():
    """The index of the current GPU."""
    return require().cuda.runtime.getDevice()


def set_device(device):
    """Make `device` the current GPU; a negative index does nothing, as in torch.

    Example:
        >>> ember.cuda.set_device(0)   # doctest: +SKIP
    """
    index = device_index(device)
    if index >= 0:
        require().cuda.runtime.setDevice(index)


class device:
    """Context manager that makes a GPU current and restores the previous one on exit, as
    torch.cuda.device; None or a negative index does nothing.

    Example:
        >>> with ember.cuda.device(1):   # doctest: +SKIP
        ...     x = ember.ones(2, device="cuda")   # on cuda:1
    """

    def __init__(self, device):
        self.idx = -1 if device is None else device_index(device)
        self.prev_idx = -1

    def __enter__(self):
        if self.idx < 0:
            return self
        runtime = require().cuda.runtime
        self.prev_idx = runtime.getDevice()
        if self.prev_idx != self.idx:
            runtime.setDevice(self.idx)
        return self

    def __exit__(self, *exc):
        if self.idx >= 0 and self.prev_idx != self.idx:
            require().cuda.runtime.setDevice(self.prev_idx)
        return False


class device_of(device):
    """Context manager making the GPU of tensor `obj` current (nothing for a CPU tensor)."""

    def __init__(self, obj):
        super().__init__(obj.get_device() if obj.is_cuda else -1)


class _CudaDeviceProperties:
    """What get_device_properties returns: name, memory, compute capability, SM count."""

    def __init__(self, raw, index):
        name = raw["name"]
        self.name = name.decode() if isinstance(name, bytes) else str(name)
        self.total_memory = int(raw["totalGlobalMem"])
        self.major, self.minor = int(raw["major"]), int(raw["minor"])
        self.multi_processor_count = int(raw["multiProcessorCount"])
        self.is_integrated = bool(raw.get("integrated", 0))
        self.is_multi_gpu_board = bool(raw.get("isMultiGpuBoard", 0))
        arch = raw.get("gcnArchName", b"")  # set on ROCm only
        self.gcnArchName = arch.decode() if isinstance(arch, bytes) else str(arch)
        self.index = index

    def __repr__(self):
        return (f"_CudaDeviceProperties(name='{self.name}', major={self.major}, "
                f"minor={self.minor}, total_memory={self.total_memory // (1 << 20)}MB, "
                f"multi_processor_count={self.multi_processor_count})")


def get_device_properties(device=None):
    """Name, total memory, compute capability and multiprocessor count of a GPU."""
    index = device_index(device)
    cupy = require()
    if not 0 <= index < cupy.cuda.runtime.getDeviceCount():
        raise AssertionError("Invalid device id")
    return _CudaDeviceProperties(cupy.cuda.runtime.getDeviceProperties(index), index)


def get_device_name(device=None):
    """The name of a GPU (the current one by default), e.g. 'NVIDIA H100 80GB HBM3'."""
    return get_device_properties(device).name


def get_device_capability(device=None):
    """(major, minor) compute capability of a GPU."""
    properties = get_device_properties(device)
    return properties.major, properties.minor


def is_bf16_supported(including_emulation=True):
    """Whether bfloat16 tensors work on the current GPU: CuPy must have bfloat16 arrays
    (CuPy 14 with ml_dtypes) and the GPU bfloat16 arithmetic (compute capability 8.0+)."""
    if not is_available() or not backend().bfloat16_supported():
        return False
    return including_emulation or get_device_capability()[0] >= 8


def synchronize(device=None):
    """Wait until every kernel queued on a GPU (the current one by default) has finished."""
    cupy = require()
    with cupy.cuda.Device(device_index(device)):
        cupy.cuda.runtime.deviceSynchronize()
