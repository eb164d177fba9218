"""ember.save / ember.load: checkpoints that cannot run code when loaded.

File layout (little-endian):

    b"EMBER\\x00\\x01\\x00"          magic and format version (8 bytes)
    header length (8 bytes), header (UTF-8 JSON)
    tensor bytes, one block per tensor, at the offsets the header gives

The header holds the object's structure (dicts with any key type, lists, tuples, numbers,
strings, None, dtypes, devices, sizes) with each tensor replaced by a reference to its
dtype, shape and byte range, plus the SHA-256 of the data region, so a truncated or
corrupted file is detected instead of loaded. Objects outside that set (a whole nn.Module,
a custom class) are stored as a pickle, as torch.save stores them, and a file holding a
pickle is refused on load unless the caller passes weights_only=False (torch's default is
the same). save(..., allow_pickle=False) refuses such objects instead.

Saving writes to a temporary file in the target directory, flushes it to disk and renames
it over the target, so a crash mid-save leaves the previous checkpoint intact.
"""
import hashlib
import json
import os
import pickle
import struct
import tempfile

import numpy as np

from . import _dtype
from ._tensor import Size, Tensor
from ._torch_checkpoint import is_torch_checkpoint, load_torch_checkpoint
from .backend.device import device as Device

__all__ = ["save", "load"]

_MAGIC = b"EMBER\x00\x01\x00"


def save(obj, f, pickle_module=None, pickle_protocol=2, _use_new_zipfile_serialization=True,
         *, allow_pickle=True):
    """Write `obj` (tensors, state_dicts, optimizer/scheduler states, nested containers, or
    any picklable object such as a whole model) to a path or a binary file object.

    allow_pickle: store objects other than tensors, containers, numbers, strings, dtypes and
        devices as a pickle (the default, as torch.save); ember.load then refuses the file
        unless given weights_only=False. With False such objects raise a TypeError, so the
        file is sure to load with weights_only=True.
    """
    blocks = []
    pickled = []
    structure = _encode(obj, blocks, pickled, allow_pickle, "obj")
    data = b"".join(blocks)
    header = {"structure": structure, "sha256": hashlib.sha256(data).hexdigest(),
              "data_bytes": len(data)}
    if pickled:
        header["pickle"] = pickle.dumps(pickled, protocol=pickle_protocol).hex()
    header_bytes = json.dumps(header, separators=(",", ":")).encode()
    payload = _MAGIC + struct.pack("<Q", len(header_bytes)) + header_bytes + data
    if isinstance(f, (str, os.PathLike)):
        _write_atomically(os.fspath(f), payload)
    else:
        f.write(payload)


def _write_atomically(path, payload):
    directory = os.path.dirname(os.path.abspath(path))
    handle, temporary = tempfile.mkstemp(prefix=".ember-save-", dir=directory)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(payload)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise


def _encode(obj, blocks, pickled, allow_pickle, path):
    if obj is None or isinstance(obj, (bool, str)):
        return obj
    if isinstance(obj, int):
        return {"int": str(obj)} if abs(obj) >= 2**53 else obj
    if isinstance(obj, float):
        return obj if np.isfinite(obj) else {"float": repr(obj)}
    if isinstance(obj, complex):
        return {"complex": repr(obj)}
    if isinstance(obj, Tensor):
        array = np.ascontiguousarray(obj.detach()._host_array())
        offset = sum(len(b) for b in blocks)
        blocks.append(array.tobytes())
        # obj's shape, not array's: ascontiguousarray turns a 0-d array into shape (1,)
        entry = {"tensor": {"dtype": obj.dtype.name, "shape": list(obj.shape),
                            "offset": offset, "nbytes": array.nbytes,
                            "requires_grad": obj.requires_grad,
                            "device": str(obj.device)}}
        if type(obj) is not Tensor:
            entry["tensor"]["parameter"] = True
        return entry
    if isinstance(obj, _dtype.dtype):
        return {"dtype": obj.name}
    if isinstance(obj, Device):
        return {"device": str(obj)}
    if isinstance(obj, Size):
        return {"size": list(obj)}
    if isinstance(obj, dict):
        return {"dict": [[_encode(k, blocks, pickled, allow_pickle, f"{path} key"),
                          _encode(v, blocks, pickled, allow_pickle, f"{path}[{k!r}]")]
                         for k, v in obj.items()]}
    if isinstance(obj, tuple) and not hasattr(obj, "_fields"):
        return {"tuple": [_encode(v, blocks, pickled, allow_pickle, f"{path}[{i}]")
                          for i, v in enumerate(obj)]}
    if isinstance(obj, list):
        return {"list": [_encode(v, blocks, pickled, allow_pickle, f"{path}[{i}]")
                         for i, v in enumerate(obj)]}
    if isinstance(obj, (np.integer, np.floating, np.complexfloating, np.bool_)):
        return _encode(obj.item(), blocks, pickled, allow_pickle, path)
    if allow_pickle:
        pickled.append(obj)
        return {"pickled": len(pickled) - 1}
    raise TypeError(
        f"ember.save: can't store {type(obj).__name__} at {path} in a safe checkpoint (tensors, "
        f"containers, numbers, strings, dtypes and devices only). Save its state_dict() "
        f"instead, or leave allow_pickle=True (loading then needs weights_only=False).")


def load(f, map_location=None, pickle_module=None, *, weights_only=True, mmap=None,
         **pickle_load_args):
    """Read an object written by ember.save, or by torch.save (its tensors, parameters,
    containers, numbers and strings; never code: see _torch_checkpoint.py).

    map_location: where tensors go — a device or string ('cpu', 'cuda:0'), a dict mapping
        saved device strings to new ones, or a function (tensor, saved_location) -> tensor.
    weights_only: refuse files that contain pickled objects (the default, as in torch).
    """
    if isinstance(f, (str, os.PathLike)):
        with open(f, "rb") as handle:
            payload = handle.read()
        name = os.fspath(f)
    else:
        payload = f.read()
        name = getattr(f, "name", "<file object>")
    if is_torch_checkpoint(payload):
        return load_torch_checkpoint(
            payload, lambda tensor, location: _place(tensor, map_location, location), name)
    header, data = _parse(payload, name)
    pickled = []
    if "pickle" in header:
        if weights_only:
            raise pickle.UnpicklingError(
                f"ember.load: {name} contains pickled Python objects, which can run code when "
                f"loaded. Pass weights_only=False only if you trust the file's source.")
        pickled = pickle.loads(bytes.fromhex(header["pickle"]))
    return _decode(header["structure"], data, pickled, map_location)


def _parse(payload, name):
    if payload[:8] != _MAGIC:
        raise RuntimeError(f"ember.load: {name} is not an ember checkpoint (bad magic bytes)")
    try:
        (header_length,) = struct.unpack("<Q", payload[8:16])
        header = json.loads(payload[16:16 + header_length].decode())
    except (struct.error, ValueError, UnicodeDecodeError) as error:
        raise RuntimeError(f"ember.load: {name} is truncated or corrupted (header: {error})") \
            from None
    data = payload[16 + header_length:]
    if len(data) != header["data_bytes"]:
        raise RuntimeError(
            f"ember.load: {name} is truncated or corrupted: {len(data)} bytes of tensor data, "
            f"expected {header['data_bytes']}")
    if hashlib.sha256(data).hexdigest() != header["sha256"]:
        raise RuntimeError(f"ember.load: {name} is corrupted: tensor data checksum mismatch")
    return header, data


def _decode(node, data, pickled, map_location):
    if not isinstance(node, dict):
        return node
    (kind, value), = node.items()
    if kind == "tensor":
        return _decode_tensor(value, data, map_location)
    if kind == "dict":
        return {_decode(k, data, pickled, map_location): _decode(v, data, pickled, map_location)
                for k, v in value}
    if kind == "list":
        return [_decode(v, data, pickled, map_location) for v in value]
    if kind == "tuple":
        return tuple(_decode(v, data, pickled, map_location) for v in value)
    if kind == "int":
        return int(value)
    if kind == "float":
        return float(value)
    if kind == "complex":
        return complex(value)
    if kind == "dtype":
        return _dtype.BY_NAME[value]
    if kind == "device":
        return Device(value)
    if kind == "size":
        return Size(value)
    if kind == "pickled":
        return pickled[value]
    raise RuntimeError(f"ember.load: unknown entry {kind!r} in the checkpoint")


def _decode_tensor(meta, data, map_location):
    dtype = _dtype.BY_NAME[meta["dtype"]]
    start = meta["offset"]
    array = np.frombuffer(data[start:start + meta["nbytes"]], dtype=dtype.np)
    array = array.reshape(meta["shape"]).copy()
    tensor = _place(Tensor._make(array), map_location, meta["device"])
    if meta.get("parameter"):
        from .nn.parameter import Parameter
        return Parameter(tensor, requires_grad=meta["requires_grad"])
    if meta["requires_grad"]:
        tensor.requires_grad_(True)
    return tensor


def _place(tensor, map_location, saved_location):
    """A loaded tensor where map_location puts it: a device, a dict from saved devices to new
    ones, or a function (tensor, saved_location) -> tensor."""
    if callable(map_location) and not isinstance(map_location, (str, Device, dict)):
        return map_location(tensor, saved_location)
    target = _target_device(map_location, saved_location)
    return tensor if target == "cpu" else tensor.to(target)


def _target_device(map_location, saved_location):
    if map_location is None:
        return saved_location
    if isinstance(map_location, dict):
        return map_location.get(saved_location, saved_location)
    if isinstance(map_location, (str, Device)):
        return str(map_location)
    return "cpu"


