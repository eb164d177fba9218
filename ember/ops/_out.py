"""The `out=` argument of ops whose out must have the result's exact dtype.

torch's structured ops (gather, index_select, sort, topk, amax, tril ...) refuse an `out` of
another dtype, where arithmetic casts into it (elementwise.py's _write_out); and every op
refuses an `out` that overlaps one of its inputs or itself (an expanded tensor).
"""
from .._dtype import scalar_type_name
from .._tensor import Tensor
from ..backend import xp_of

__all__ = ["write_exact", "check_no_overlap"]


def check_no_overlap(out, inputs):
    """RuntimeError, as torch's, when writing `out` would change one of `inputs` or write one
    memory location twice."""
    data = out._data
    if data.size > 1 and any(stride == 0 and size > 1
                             for stride, size in zip(data.strides, data.shape)):
        raise RuntimeError(
            "unsupported operation: more than one element of the written-to tensor refers to "
            "a single memory location. Please clone() the tensor before performing the "
            "operation.")
    may_share = xp_of(data).may_share_memory
    for tensor in inputs:
        # the same tensor counts even when empty, as torch's get_overlap_status
        if tensor is out or isinstance(tensor, Tensor) and data.size and tensor._data.size \
                and may_share(data, tensor._data):
            raise RuntimeError(
                "unsupported operation: some elements of the input tensor and the written-to "
                "tensor refer to a single memory location. Pass an out= tensor of its own, or "
                "drop out= and assign the result.")


def write_exact(out, result, op_name, inputs=(), dtype_message=None):
    """Write result into out (see elementwise._write_out) when out has result's dtype and
    shares no memory with `inputs`."""
    from .elementwise import _write_out
    if not isinstance(out, Tensor):
        raise TypeError(f"{op_name}(): argument 'out' must be Tensor, not "
                        f"{type(out).__name__}")
    if out._data.dtype != result._data.dtype:
        raise RuntimeError(dtype_message or (
            f"{op_name}(): Expected out tensor to have dtype "
            f"{_c_type_name(result.dtype)}, but got {_c_type_name(out.dtype)} instead"))
    check_no_overlap(out, inputs)
    return _write_out(out, result, op_name)


def _c_type_name(dtype):
    """torch's names of dtypes in these messages ("float", "double", "long int")."""
    return _C_NAMES.get(scalar_type_name(dtype), scalar_type_name(dtype).lower())


_C_NAMES = {"Float": "float", "Double": "double", "Long": "long int", "Int": "int",
            "Half": "c10::Half", "BFloat16": "c10::BFloat16", "Bool": "bool",
            "Byte": "unsigned char", "Char": "signed char", "Short": "short int"}
