"""The CUDA and ROCm backend: CuPy arrays on NVIDIA or AMD GPUs.

ember.backend imports this module the first time a CUDA device is asked for, and
ember.cuda.is_available() asks `available()`; `import ember` alone never imports CuPy. The
backend registers itself (its array type, the "cuda" device type and its fused kernels) only
once CuPy and a GPU are both found. The same code serves ROCm: CuPy's ROCm build calls HIP
where the CUDA build calls CUDA, and torch names both devices "cuda".

NOTE [ Current device ]
CuPy allocates on, and launches every kernel on, its *current* device (one per thread). A
tensor made with device='cuda:1' is allocated there (to_device switches device for the
copy), but an op on it runs on the current device, as in CuPy: code that computes on several
GPUs in one process selects each with `ember.cuda.set_device(i)` or `with
ember.cuda.device(i):`, as multi-GPU torch code (one process per GPU) already does.
Differs from PyTorch: torch switches to the inputs' device inside every op.
"""
import numpy as np

from .. import _dtype
from . import Backend, register, register_kernels
from .device import device

try:
    import cupy
# Without CuPy (ImportError), or with a broken install (whatever its import raises), CUDA is
# simply not available: is_available() must answer False, not raise.
except Exception as error:  # noqa: BLE001
    cupy = None
    _IMPORT_ERROR = error
else:
    _IMPORT_ERROR = None

__all__ = ["available", "require_cuda", "unavailable_reason", "device_count", "to_device",
           "device_of", "generator", "manual_seed", "manual_seed_all", "memory_allocated",
           "max_memory_allocated", "reset_peak_memory_stats", "memory_reserved", "empty_cache",
           "set_matmul_tf32"]

_INSTALL_HINT = ("pip install ember[cuda12] (CUDA 12), ember[cuda13] (CUDA 13) or ember[rocm] "
                 "(AMD ROCm)")
_state = {"reason": None, "probed": False, "registered": False, "tf32": False}


def _probe():
    """None when CuPy and at least one GPU are usable, else a sentence saying what is not."""
    if cupy is None:
        return f"CuPy is not installed ({_IMPORT_ERROR}); install it with {_INSTALL_HINT}"
    try:
        count = cupy.cuda.runtime.getDeviceCount()
    # Any failure here means "no usable GPU": CUDARuntimeError without a driver, a loader
    # error where a CUDA library is missing; is_available() must answer False, not raise.
    except Exception as error:  # noqa: BLE001
        return (f"CuPy {cupy.__version__} is installed but found no usable GPU driver "
                f"({error}); check `nvidia-smi` (or `rocm-smi`) and that the CuPy build "
                f"matches the driver ({_INSTALL_HINT})")
    if count == 0:
        return f"CuPy {cupy.__version__} is installed but found no GPU"
    return None


def unavailable_reason():
    """Why CUDA can't be used here (a sentence), or None when it can. Probes once."""
    if not _state["probed"]:
        _state["reason"] = _probe()
        _state["probed"] = True
        if _state["reason"] is None:
            _register()
    return _state["reason"]


def available():
    return unavailable_reason() is None


def require_cuda():
    """Register the CUDA backend, or raise RuntimeError saying why it can't be."""
    reason = unavailable_reason()
    if reason is not None:
        raise RuntimeError(f"CUDA is not available: {reason}. ember.cuda.is_available() "
                           f"tells whether a GPU can be used.")


def device_count():
    return cupy.cuda.runtime.getDeviceCount() if available() else 0


# -- arrays and devices -------------------------------------------------------------------

_DEVICES = {}  # device index -> ember device, so that Tensor.device allocates nothing


def _device(index):
    found = _DEVICES.get(index)
    if found is None:
        found = _DEVICES[index] = device("cuda", index)
    return found


def device_of(array):
    return _device(array.data.device_id)


def _index(target):
    """The device index a target device means ('cuda' alone: the current device)."""
    return cupy.cuda.runtime.getDevice() if target.index is None else target.index


def to_device(array, target):
    """`array` (numpy or CuPy, any device) as a CuPy array on `target`."""
    index = _index(target)
    if type(array) is cupy.ndarray:
        source = array.data.device_id
        if source == index:
            return array
        with cupy.cuda.Device(source):  # a strided source is packed on its own device first
            array = cupy.ascontiguousarray(array)
        with cupy.cuda.Device(index):
            out = cupy.empty(array.shape, array.dtype)
            out.data.copy_from_device_async(array.data, array.nbytes)  # on the current stream
        return out
    if array.dtype == _dtype.bfloat16.np and not bfloat16_supported():
        raise TypeError(
            f"CuPy {cupy.__version__} has no bfloat16 arrays, so a bfloat16 tensor can't move "
            f"to {target}: use float16 on the GPU (autocast's default there), or a CuPy "
            f"release with bfloat16 (14 or newer, with ml_dtypes installed)")
    with cupy.cuda.Device(index):
        return cupy.asarray(array)


def bfloat16_supported():
    """Whether this CuPy build makes arrays of ml_dtypes' bfloat16 (CuPy 14 and newer)."""
    if "bf16" not in _state:
        try:
            cupy.zeros(1, dtype=_dtype.bfloat16.np)
            _state["bf16"] = True
        except (TypeError, ValueError, NotImplementedError):
            _state["bf16"] = False
    return _state["bf16"]


def is_pinned(array):
    """Whether a numpy array's memory is page-locked host memory from CuPy (pin_memory)."""
    base = array
    while isinstance(base, np.ndarray):
        base = base.base
    if isinstance(base, memoryview):  # np.frombuffer keeps a view of the exporting object
        base = base.obj
    return cupy is not None and isinstance(base, cupy.cuda.PinnedMemoryPointer)


def pinned_copy(array):
    """A copy of a numpy array in page-locked host memory: host-to-GPU copies from it are
    faster and can overlap compute (DataLoader(pin_memory=True), Tensor.pin_memory())."""
    memory = cupy.cuda.alloc_pinned_memory(max(array.nbytes, 1))
    out = np.frombuffer(memory, array.dtype, array.size).reshape(array.shape)
    out[...] = array
    return out


# -- memory -------------------------------------------------------------------------------

# CuPy's memory pool counts the bytes in use and reserved per device but keeps no peak; the
# allocator below (installed when the backend registers) records it after every allocation.
_peak = {}  # device index -> most bytes in use since the last reset


def _tracking_malloc(size):
    pool = cupy.get_default_memory_pool()
    memory = pool.malloc(size)
    used = pool.used_bytes()
    index = memory.device_id
    if used > _peak.get(index, 0):
        _peak[index] = used
    return memory


def memory_allocated(index):
    """Bytes held by live arrays on a device (CuPy's pool: used_bytes)."""
    with cupy.cuda.Device(index):
        return cupy.get_default_memory_pool().used_bytes()


def max_memory_allocated(index):
    return max(_peak.get(index, 0), memory_allocated(index))


def reset_peak_memory_stats(index):
    _peak[index] = memory_allocated(index)


def memory_reserved(index):
    """Bytes the pool holds on a device: in use plus cached for reuse (total_bytes)."""
    with cupy.cuda.Device(index):
        return cupy.get_default_memory_pool().total_bytes()


def empty_cache():
    """Return the pools' cached, unused blocks to the driver (device and pinned host)."""
    cupy.get_default_memory_pool().free_all_blocks()
    cupy.get_default_pinned_memory_pool().free_all_blocks()


# -- random numbers -----------------------------------------------------------------------

_DEFAULT_SEED = 67280421310721  # torch's default seed, as for the CPU generator
_rng = {"seed": _DEFAULT_SEED, "per_device": {}}


def generator(index=None):
    """The CuPy random generator of a device (the current one by default), seeded lazily."""
    index = cupy.cuda.runtime.getDevice() if index is None else index
    found = _rng["per_device"].get(index)
    if found is None:
        with cupy.cuda.Device(index):
            found = cupy.random.Generator(cupy.random.XORWOW(_rng["seed"]))
        _rng["per_device"][index] = found
    return found


def manual_seed_all(seed):
    """Reseed every device's generator (they are rebuilt lazily from `seed`)."""
    _rng["seed"] = int(seed) % (1 << 64)
    _rng["per_device"].clear()


def manual_seed(seed, index=None):
    """Reseed one device's generator (the current device's by default)."""
    index = cupy.cuda.runtime.getDevice() if index is None else index
    with cupy.cuda.Device(index):
        _rng["per_device"][index] = cupy.random.Generator(
            cupy.random.XORWOW(int(seed) % (1 << 64)))


def initial_seed():
    return _rng["seed"]


# -- cuBLAS settings ----------------------------------------------------------------------

def set_matmul_tf32(enabled):
    """Let float32 GEMMs use TF32 tensor cores (torch.backends.cuda.matmul.allow_tf32).

    CuPy exposes the cuBLAS compute type per dtype; "default" is full float32 unless the
    CUPY_TF32=1 environment variable is set. The value is kept and applied once CuPy loads.
    """
    _state["tf32"] = bool(enabled)
    if _state["registered"]:
        _apply_tf32()


def _apply_tf32():
    # a private CuPy module (stable since CuPy 8); without it TF32 stays CuPy's default
    try:
        from cupy._core import _routines_linalg as linalg
    except ImportError:
        return
    compute = linalg.COMPUTE_TYPE_TF32 if _state["tf32"] else linalg.COMPUTE_TYPE_DEFAULT
    linalg.set_compute_type(np.dtype(np.float32), compute)


def _register():
    from .cupy_kernels import KERNELS
    register(Backend("cuda", cupy, cupy.ndarray, device_of, to_device), "cuda")
    cupy.cuda.set_allocator(_tracking_malloc)
    register_kernels(cupy, KERNELS)
    _state["registered"] = True
    _apply_tf32()
