"""Array backends: one per device type, each a table of what ember needs from it.

Op code never names numpy or cupy: it asks an array's backend for its array module
(`xp`). A backend is found from the type of the array, one dict lookup.
"""
import numpy as np

from .device import CPU, device

__all__ = ["Backend", "device", "backend_of", "xp_of", "backend_for_device", "register"]


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
    try:
        return _BY_DEVICE_TYPE[dev.type]
    except KeyError:
        raise RuntimeError(
            f"{dev.type.upper()} is not available: ember's {dev.type} backend needs CuPy and a "
            f"GPU (pip install ember[cuda12]); ember.cuda.is_available() says whether it is."
        ) from None
