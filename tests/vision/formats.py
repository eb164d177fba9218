"""Writers of small files in the real formats of the vision datasets, for the tests."""
import gzip
import hashlib
import struct
import tarfile

import numpy as np


def md5(path):
    with open(path, "rb") as file:
        return hashlib.md5(file.read()).hexdigest()


# -- MNIST's IDX --------------------------------------------------------------------------------

_IDX_CODES = {np.uint8: 8, np.int8: 9, np.int16: 11, np.int32: 12, np.float32: 13,
              np.float64: 14}


def idx_bytes(array):
    """An IDX file: magic 0x0000TTNN, big-endian sizes, big-endian elements."""
    code = _IDX_CODES[array.dtype.type]
    header = struct.pack(">I", code << 8 | array.ndim) + struct.pack(f">{array.ndim}I",
                                                                      *array.shape)
    return header + array.astype(array.dtype.newbyteorder(">")).tobytes()


def write_idx(path, array, gzipped=False):
    data = idx_bytes(array)
    with (gzip.open(path, "wb") if gzipped else open(path, "wb")) as file:
        file.write(data)


# -- CIFAR's binary version ---------------------------------------------------------------------

def cifar_binary_bytes(images, *label_columns):
    """Records of label bytes then 3072 pixel bytes (R plane, G plane, B plane)."""
    planes = images.transpose(0, 3, 1, 2).reshape(len(images), -1)  # (N, 3072)
    labels = np.stack(label_columns, axis=1).astype(np.uint8)
    return np.concatenate([labels, planes], axis=1).tobytes()


# -- CIFAR's python version: pickles as Python 2's cPickle wrote them (protocol 2) ---------------

def _py2_str(value):
    data = value.encode("latin1") if isinstance(value, str) else value
    if len(data) < 256:
        return b"U" + bytes([len(data)]) + data  # SHORT_BINSTRING
    return b"T" + struct.pack("<i", len(data)) + data  # BINSTRING


def _py2_int(value):
    if 0 <= value < 256:
        return b"K" + bytes([value])  # BININT1
    return b"J" + struct.pack("<i", value)  # BININT


def _py2_array(array):
    """numpy.core.multiarray._reconstruct(ndarray, (0,), 'b'), then BUILD with
    (1, shape, dtype('u1'), False, raw bytes), as numpy 1.x under Python 2 pickled it."""
    shape = b"(" + b"".join(_py2_int(s) for s in array.shape) + b"t"
    dtype = (b"cnumpy\ndtype\n" + _py2_str("u1") + _py2_int(0) + _py2_int(1) + b"\x87R"
             + b"(" + _py2_int(3) + _py2_str("|") + b"NNN" + b"J\xff\xff\xff\xff" * 2
             + _py2_int(0) + b"tb")
    return (b"cnumpy.core.multiarray\n_reconstruct\ncnumpy\nndarray\n" + _py2_int(0) + b"\x85"
            + _py2_str("b") + b"\x87R" + b"(" + _py2_int(1) + shape + dtype + b"\x89"
            + _py2_str(array.tobytes()) + b"tb")


def _py2_value(value):
    if isinstance(value, np.ndarray):
        return _py2_array(value)
    if isinstance(value, int):
        return _py2_int(value)
    if isinstance(value, (str, bytes)):
        return _py2_str(value)
    if isinstance(value, list):
        return b"](" + b"".join(_py2_value(v) for v in value) + b"e"
    raise TypeError(type(value))


def py2_pickle(entries):
    """A protocol-2 pickle of a dict of str keys, as the official CIFAR batches are."""
    items = b"".join(_py2_str(key) + _py2_value(value) for key, value in entries.items())
    return b"\x80\x02}(" + items + b"u."


def tar_gz(path, folder, arcname):
    with tarfile.open(path, "w:gz") as tar:
        tar.add(folder, arcname=arcname)
