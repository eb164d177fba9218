"""Array backends: one per device type, each a table of what ember needs from it.

Op code never names numpy or cupy: it asks an array's backend for its array module
(`xp`). A backend is found from the type of the array, one dict lookup.
"""
import importlib

import numpy as np

from .device import CPU, device

__all__ = ["Backend", "device", "backend_of", "xp_of", "backend_for_device", "register",
           "register_kernels", "fused", "FUSED"]


class Backend:
    """What ember needs of one kind of device."""

    __slots__ = ("name", "xp", "array_type", "device_of", "to_device")

    def __init__(self, name, xp, array_type, device_of, to_device):
        self.name = name
        self.xp = xp                    # the array module: numpy or cupy
        self.array_type = array_type
        self.device_of = device_of      # array -> ember.device
        self.to_device = to_device      # (array of any backend, device) -> array here


def _numpy_to_device(array, target):
    if type(array) is np.ndarray:
        return array
    return array.get()  # a GPU array: copy to the host


# Like torch, ember returns inf/nan for 1/0 or log(-1) without warning; numpy would warn.
# Differs from PyTorch: this sets numpy's global error state when ember is imported.
np.seterr(divide="ignore", invalid="ignore", over="ignore", under="ignore")

numpy_backend = Backend("cpu", np, np.ndarray, lambda array: CPU, _numpy_to_device)

_BY_ARRAY_TYPE = {np.ndarray: numpy_backend}
_BY_DEVICE_TYPE = {"cpu": numpy_backend}


def register(backend, device_type):
    """Make a backend (cupy's, see ember.cuda) known for its array type and device type."""
    _BY_ARRAY_TYPE[backend.array_type] = backend
    _BY_DEVICE_TYPE[device_type] = backend


def backend_of(array):
    return _BY_ARRAY_TYPE[type(array)]


def xp_of(array):
    return _BY_ARRAY_TYPE[type(array)].xp


def backend_for_device(dev):
    backend = _BY_DEVICE_TYPE.get(dev.type)
    return backend if backend is not None else _load_backend(dev.type)


def _load_backend(device_type):
    """A device type's backend, imported on first use: a CPU-only install never imports CuPy.

    Raises RuntimeError naming what is missing (CuPy, a driver, a GPU) and what to install.
    """
    from .cupy_backend import require_cuda
    require_cuda()  # registers the backend, or raises
    return _BY_DEVICE_TYPE[device_type]


# Optional fused kernels, per array module: {xp: {name: function}}. A backend offers them
# (cupy_backend does); an op asks `fused(xp, name)` and keeps its generic code where the
# answer is None, so the CPU path never changes.
FUSED = {}


def register_kernels(xp, kernels):
    """Offer fused kernels (name -> function on arrays of module xp) to the ops."""
    FUSED.setdefault(xp, {}).update(kernels)


def _register_cpu_kernels():
    """NumPy's compiled kernels (_cpu_kernels.pyx, _selection.pyx), where the build made them
    and ember is not running as pure Python (EMBER_PURE_PYTHON)."""
    from .. import _compiled
    if _compiled.pure_python:
        return
    for module in ("_cpu_kernels", "_selection"):
        try:
            kernels = importlib.import_module(f".{module}", __name__).KERNELS
        except ImportError:  # built without a C (C++) compiler: NumPy's loops
            continue
        register_kernels(np, kernels)


_register_cpu_kernels()


def fused(xp, name):
    """The fused kernel `name` for arrays of module xp, or None where there is none."""
    table = FUSED.get(xp)
    return None if table is None else table.get(name)
