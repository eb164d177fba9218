"""A fake second backend on the CPU: numpy arrays dressed as a "cuda" device.

`FakeGpuArray` is a numpy subclass that behaves like a CuPy array where it matters to ember's
device machinery: its own array type (so ember sees a second device), results that stay on
the "device" (0-d arrays rather than numpy scalars, as CuPy returns), `.get()` to copy to the
host, and TypeError when a ufunc mixes it with a host array (CuPy refuses implicit transfers).
`fake_xp` is its array module: numpy's functions, with results moved onto the fake device.

`installed()` registers it as ember's "cuda" backend for the duration of a `with` block.
"""
import contextlib
import types

import numpy as np

import ember
from ember import backend as ember_backend
from ember.backend.device import device


class FakeGpuArray(np.ndarray):
    """A numpy array that ember treats as living on cuda:0."""

    def get(self):
        """A host (numpy) copy, as cupy.ndarray.get()."""
        return np.array(self.view(np.ndarray))

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        for value in inputs + tuple(kwargs.get("out", ())):
            if type(value) is np.ndarray:
                raise TypeError(f"FakeGpuArray: {ufunc.__name__} mixes a device array with a "
                                f"host numpy array (CuPy refuses implicit transfers)")
        plain = tuple(v.view(np.ndarray) if isinstance(v, FakeGpuArray) else v for v in inputs)
        if "out" in kwargs:
            kwargs["out"] = tuple(v.view(np.ndarray) for v in kwargs["out"])
        result = getattr(ufunc, method)(*plain, **kwargs)
        if "out" in kwargs and method != "at":
            outs = kwargs["out"]
            return outs[0].view(FakeGpuArray) if len(outs) == 1 else tuple(
                o.view(FakeGpuArray) for o in outs)
        return to_fake(result)

    def __array_function__(self, func, types, args, kwargs):
        return to_fake(func._implementation(*_plain(args), **_plain(kwargs)))

    def argmax(self, *args, **kwargs):
        return to_fake(self.view(np.ndarray).argmax(*args, **kwargs))

    def argmin(self, *args, **kwargs):
        return to_fake(self.view(np.ndarray).argmin(*args, **kwargs))


def _plain(value):
    if isinstance(value, FakeGpuArray):
        return value.view(np.ndarray)
    if isinstance(value, (list, tuple)):
        return type(value)(_plain(v) for v in value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def to_fake(value):
    """Results of numpy calls moved onto the fake device (scalars become 0-d arrays)."""
    if isinstance(value, np.ndarray):
        return value.view(FakeGpuArray)
    if isinstance(value, np.generic):
        return np.asarray(value).view(FakeGpuArray)
    if isinstance(value, tuple) and any(isinstance(v, np.ndarray) for v in value):
        return tuple(to_fake(v) for v in value)
    if isinstance(value, list) and any(isinstance(v, np.ndarray) for v in value):
        return [to_fake(v) for v in value]
    return value


class _FakeModule(types.ModuleType):
    """numpy (or one of its submodules) whose functions return fake device arrays."""

    def __init__(self, module):
        # named like numpy so that ops choose their CPU special-function library
        super().__init__(module.__name__)
        self._module = module

    def __getattr__(self, name):
        value = getattr(self._module, name)
        if isinstance(value, types.ModuleType):
            return _FakeModule(value)
        if isinstance(value, np.ufunc):  # its __call__, .at, .reduce reach __array_ufunc__
            return value
        if callable(value) and not isinstance(value, type):
            def call(*args, **kwargs):
                return to_fake(value(*_plain(args), **_plain(kwargs)))
            return call
        return value


fake_xp = _FakeModule(np)
CUDA0 = device("cuda", 0)


def _to_device(array, target):
    if isinstance(array, FakeGpuArray):
        return array
    return np.array(array).view(FakeGpuArray)


fake_backend = ember_backend.Backend("cuda", fake_xp, FakeGpuArray, lambda array: CUDA0,
                                     _to_device)


@contextlib.contextmanager
def installed():
    """ember's "cuda" device is the fake one inside the block."""
    by_type, by_device = ember_backend._BY_ARRAY_TYPE, ember_backend._BY_DEVICE_TYPE
    saved = by_device.get("cuda")
    by_type[FakeGpuArray] = fake_backend
    by_device["cuda"] = fake_backend
    try:
        yield fake_backend
    finally:
        del by_type[FakeGpuArray]
        if saved is None:
            del by_device["cuda"]
        else:
            by_device["cuda"] = saved


def on_fake_gpu(tensor):
    return type(tensor._data) is FakeGpuArray and tensor.device == CUDA0


__all__ = ["FakeGpuArray", "fake_xp", "installed", "on_fake_gpu", "ember"]
