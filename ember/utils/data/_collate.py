"""default_collate: a list of samples -> one batch, as torch.utils.data.default_collate.

Tensors are stacked, numpy arrays become stacked tensors, numbers become tensors (float ->
float64, int -> int64, as torch), strings stay as they are, and mappings, namedtuples and
sequences are collated field by field. Containers keep their type where torch keeps it
(dict subclasses, lists, namedtuples); a plain tuple of fields becomes a list, as torch's
("backwards compatibility" in its source).
"""
import collections.abc
import copy

import numpy as np

from ... import _dtype
from ..._tensor import Tensor
from ...ops.creation import as_tensor, tensor

__all__ = ["default_collate", "default_convert"]

_ERROR = ("default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; "
          "found {}")


def _is_text_array(array):
    """numpy arrays of strings or objects, which torch leaves as they are."""
    return array.dtype.kind in "SaUO"


def _same_container(elem, values, convert):
    """`values` in a container of elem's type, as torch's clone-or-rebuild."""
    try:
        if isinstance(elem, collections.abc.MutableMapping):
            clone = copy.copy(elem)
            clone.update({key: convert(key) for key in elem})
            return clone
        if isinstance(elem, collections.abc.Mapping):
            return type(elem)({key: convert(key) for key in elem})
        if isinstance(elem, collections.abc.MutableSequence):
            clone = copy.copy(elem)
            for index, value in enumerate(values):
                clone[index] = value
            return clone
        return type(elem)(values)
    except TypeError:  # a container type that cannot be copied or rebuilt
        if isinstance(elem, collections.abc.Mapping):
            return {key: convert(key) for key in elem}
        return list(values)


def default_collate(batch):
    """Merge a list of samples into a batch: stack tensors, tensor-ise numbers and numpy
    arrays, and recurse into dicts, namedtuples and sequences.

    Example:
        >>> default_collate([(1, 2.0), (3, 4.0)])
        [tensor([1, 3]), tensor([2., 4.], dtype=ember.float64)]
    """
    elem = batch[0]
    if isinstance(elem, Tensor):
        from ...ops.join import stack
        return stack(batch, 0)
    if isinstance(elem, np.ndarray):
        if _is_text_array(elem):
            raise TypeError(_ERROR.format(elem.dtype))
        return default_collate([as_tensor(b) for b in batch])
    if isinstance(elem, (np.bool_, np.number, np.object_)):
        return as_tensor(np.array(batch))
    if isinstance(elem, float):
        return tensor(batch, dtype=_dtype.float64)
    if isinstance(elem, int):  # bool too: tensor() gives a bool tensor, as torch's
        return tensor(batch)
    if isinstance(elem, (str, bytes)):
        return batch
    if isinstance(elem, collections.abc.Mapping):
        return _same_container(elem, None,
                               lambda key: default_collate([d[key] for d in batch]))
    if isinstance(elem, tuple) and hasattr(elem, "_fields"):  # namedtuple
        return type(elem)(*(default_collate(list(samples)) for samples in zip(*batch)))
    if isinstance(elem, collections.abc.Sequence):
        size = len(elem)
        if any(len(sample) != size for sample in batch):
            raise RuntimeError("each element in list of batch should be of equal size")
        collated = [default_collate(samples) for samples in zip(*batch)]
        if isinstance(elem, tuple):
            return collated
        return _same_container(elem, collated, None)
    raise TypeError(_ERROR.format(type(elem)))


def default_convert(data):
    """What a DataLoader with batch_size=None does to each sample: numpy arrays and scalars
    become tensors, containers are converted element by element (a tuple into a list).

    Example:
        >>> default_convert({"x": np.arange(2)})
        {'x': tensor([0, 1])}
    """
    if isinstance(data, Tensor):
        return data
    if type(data).__module__ == "numpy" and not isinstance(data, (np.str_, np.bytes_)):
        if isinstance(data, np.ndarray) and _is_text_array(data):
            return data
        return as_tensor(data)
    if isinstance(data, collections.abc.Mapping):
        return _same_container(data, None, lambda key: default_convert(data[key]))
    if isinstance(data, tuple) and hasattr(data, "_fields"):
        return type(data)(*(default_convert(d) for d in data))
    if isinstance(data, tuple):
        return [default_convert(d) for d in data]
    if isinstance(data, collections.abc.Sequence) and not isinstance(data, (str, bytes)):
        return _same_container(data, [default_convert(d) for d in data], None)
    return data
