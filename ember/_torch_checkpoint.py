"""Reading torch.save's checkpoints without running code: torch's zip format (torch >= 1.6)
and its older pickle stream, in either byte order, so that ember.load reads the usual .pth
files (state_dicts, pretrained weights).

_TorchUnpickler rebuilds tensors, parameters, containers, numbers, strings, dtypes, devices
and sizes, and refuses every other object: a file that holds a whole pickled nn.Module, or
anything crafted to run code, raises UnpicklingError instead. A tensor's size and stride are
checked against its storage, so a corrupted file can't read past it.
"""
import io
import pickle
import re
import struct
import zipfile
from collections import OrderedDict

import numpy as np

from . import _dtype
from ._tensor import Size
from .backend.device import device as Device
from .ops.creation import from_numpy

__all__ = ["is_torch_checkpoint", "load_torch_checkpoint"]


def is_torch_checkpoint(payload):
    """Whether bytes begin a torch checkpoint: a zip (b"PK\x03\x04") or a pickle (b"\x80",
    its PROTO opcode)."""
    return payload[:4] == b"PK\x03\x04" or payload[:1] == b"\x80"


def load_torch_checkpoint(payload, place, name):
    """The object a torch checkpoint (its bytes) holds; see the module docstring.
    place(tensor, saved_location) moves each tensor where the caller's place says."""
    file = io.BytesIO(payload)
    if payload[:4] == b"PK\x03\x04":
        return _load_torch_zip(file, place, name)
    return _load_torch_legacy(file, place, name)


class _StorageType:
    """What a torch checkpoint's `torch.FloatStorage` ... stands for: a dtype."""

    def __init__(self, dtype):
        self.dtype = dtype


class _Storage:
    """A storage read from a checkpoint: its elements (None on the legacy format's first
    pass, see _load_torch_legacy) and the device it was saved from ('cpu', 'cuda:0')."""

    def __init__(self, array, location):
        self.array = array
        self.location = location


def _bytes_encode(text, encoding):
    """_codecs.encode as pickle protocol 2 stores bytes: encode(str, 'latin1')."""
    if encoding != "latin1":
        raise pickle.UnpicklingError(f"ember.load: unexpected encoding {encoding!r} for bytes")
    return text.encode("latin1")


_SAFE_GLOBALS = {
    ("collections", "OrderedDict"): OrderedDict,
    ("builtins", "set"): set,
    ("builtins", "frozenset"): frozenset,
    ("builtins", "complex"): complex,
    ("_codecs", "encode"): _bytes_encode,
    ("torch", "Size"): Size,
    ("torch", "device"): Device,
    **{("torch", d.name): d for d in _dtype.ALL},
    **{("torch", f"{_dtype.scalar_type_name(d)}Storage"): _StorageType(d) for d in _dtype.ALL},
}


class _TorchUnpickler(pickle.Unpickler):
    """Reads the pickle of a torch checkpoint, resolving only _SAFE_GLOBALS and torch's tensor
    and parameter rebuild functions, so nothing in the file can run code.

    read_storage(key, dtype, numel) gives the elements of the storage `key` as a numpy array.
    """

    def __init__(self, file, read_storage=None, place=None):
        super().__init__(file)
        self._read_storage = read_storage
        self._place = place
        self._arrays = {}
        self._rebuilders = {
            ("torch._utils", "_rebuild_tensor"): self._rebuild_tensor,
            ("torch._utils", "_rebuild_tensor_v2"): self._rebuild_tensor,
            ("torch._utils", "_rebuild_parameter"): self._rebuild_parameter,
        }

    def find_class(self, module, name):
        if module == "__builtin__":  # Python 2's name, which protocol 2 pickles store
            module = "builtins"
        found = _SAFE_GLOBALS.get((module, name), self._rebuilders.get((module, name)))
        if found is None:
            raise pickle.UnpicklingError(
                f"ember.load: the torch checkpoint holds {module}.{name}, which ember does not "
                f"build: loading it could run code. ember reads tensors, containers, numbers, "
                f"strings, dtypes, devices and sizes; save the model's state_dict() with torch "
                f"and load that.")
        return found

    def persistent_load(self, saved_id):
        kind, storage_type, key, location, numel = saved_id[:5]
        if kind != "storage" or not isinstance(storage_type, _StorageType):
            raise pickle.UnpicklingError(f"ember.load: unknown persistent id {saved_id[:2]!r}")
        if len(saved_id) > 5 and saved_id[5] is not None:
            raise pickle.UnpicklingError(
                "ember.load: the checkpoint uses storage views (torch < 0.4); load and save it "
                "again with a recent torch")
        if key not in self._arrays:
            self._arrays[key] = self._read_storage(key, storage_type.dtype, numel)
        return _Storage(self._arrays[key], location)

    def _rebuild_tensor(self, storage, storage_offset, size, stride, requires_grad=False,
                        backward_hooks=None, metadata=None):
        if storage.array is None:
            return None
        elements = storage.array
        reach = sum((n - 1) * s for n, s in zip(size, stride))
        if min((storage_offset, *size, *stride), default=0) < 0 or (
                0 not in size and storage_offset + reach >= len(elements)):
            raise RuntimeError(
                f"ember.load: corrupted checkpoint: a tensor of size {tuple(size)} and stride "
                f"{tuple(stride)} at offset {storage_offset} reaches past its storage of "
                f"{len(elements)} elements")
        array = np.lib.stride_tricks.as_strided(
            elements[storage_offset:], shape=size,
            strides=[s * elements.itemsize for s in stride]).copy()
        tensor = self._place(from_numpy(array), storage.location)
        return tensor.requires_grad_(True) if requires_grad else tensor

    def _rebuild_parameter(self, data, requires_grad, backward_hooks):
        from .nn.parameter import Parameter
        return None if data is None else Parameter(data, requires_grad=requires_grad)


def _elements(data, dtype, big_endian):
    """The bytes of a storage as an array of dtype, from either byte order."""
    if not big_endian:
        return np.frombuffer(data, dtype=dtype.np)
    component = dtype.itemsize // 2 if dtype.is_complex else dtype.itemsize
    swapped = np.frombuffer(data, dtype=f">u{component}").astype(f"<u{component}")
    return swapped.view(dtype.np)


def _load_torch_zip(file, place, name):
    """torch.save's format since 1.6: a zip of <record>/data.pkl, the object, and
    <record>/data/<key>, each storage's raw bytes."""
    with zipfile.ZipFile(file) as archive:
        names = archive.namelist()
        pickles = [name for name in names if re.fullmatch(r"[^/]+/data\.pkl", name)]
        if len(pickles) != 1:
            raise RuntimeError(f"ember.load: {name} is a zip file but not a torch checkpoint "
                               f"(it has no <name>/data.pkl)")
        record = pickles[0][:-len("data.pkl")]
        big_endian = (record + "byteorder" in names
                      and archive.read(record + "byteorder") == b"big")

        def read_storage(key, dtype, numel):
            return _elements(archive.read(f"{record}data/{key}"), dtype, big_endian)

        with archive.open(pickles[0]) as data:
            return _TorchUnpickler(data, read_storage, place).load()


_LEGACY_MAGIC_NUMBER = 0x1950A86A20F9469CFC6C
_LEGACY_PROTOCOL_VERSION = 1001


def _load_torch_legacy(file, place, name):
    """torch.save's format before 1.6: pickles of a magic number, a protocol version, system
    information, the object, and the list of storage keys, then each storage as its element
    count (8 bytes) and its bytes.

    The storages follow the object, whose pickle names their dtypes, so the object is
    unpickled twice: first to learn the dtypes (and find where its pickle ends), tensors
    coming out as None; then, the storages read, for real.
    """
    if _TorchUnpickler(file).load() != _LEGACY_MAGIC_NUMBER:
        raise RuntimeError("Invalid magic number; corrupt file?")
    protocol_version = _TorchUnpickler(file).load()
    if protocol_version != _LEGACY_PROTOCOL_VERSION:
        raise RuntimeError(f"Invalid protocol version: {protocol_version}")
    big_endian = not _TorchUnpickler(file).load().get("little_endian", True)
    object_start = file.tell()
    dtypes = {}

    def note_dtype(key, dtype, numel):
        dtypes[key] = dtype

    _TorchUnpickler(file, note_dtype).load()
    arrays = {}
    for key in _TorchUnpickler(file).load():
        (numel,) = struct.unpack(">q" if big_endian else "<q", file.read(8))
        data = file.read(numel * dtypes[key].itemsize)
        if len(data) != numel * dtypes[key].itemsize:
            raise RuntimeError(f"ember.load: {name} is truncated (storage {key})")
        arrays[key] = _elements(data, dtypes[key], big_endian)
    file.seek(object_start)
    return _TorchUnpickler(file, lambda key, dtype, numel: arrays[key], place).load()
