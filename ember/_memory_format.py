"""torch's memory formats: `ember.contiguous_format`, `channels_last`, `channels_last_3d`,
`preserve_format`.

ember's arrays are always in row-major (C-contiguous) order, so a memory format changes no
layout: `x.contiguous(memory_format=ember.channels_last)`, `x.to(memory_format=...)`,
`clone` and the `*_like` functions accept one and keep the logical NCHW layout in row-major
order. `is_contiguous(memory_format=...)` still answers from the real strides, so a tensor
"made" channels-last reports False, as its memory really is NCHW.
"""

__all__ = ["memory_format", "contiguous_format", "channels_last", "channels_last_3d",
           "preserve_format"]


class memory_format:
    """A memory layout for a tensor's elements (only a name in ember; see the module
    docstring)."""

    def __init__(self, name, rank=None):
        self._name, self._rank = name, rank

    def __repr__(self):
        return f"ember.{self._name}"

    def __reduce__(self):
        return self._name  # pickles as the module-level singleton


contiguous_format = memory_format("contiguous_format")
channels_last = memory_format("channels_last", rank=4)
channels_last_3d = memory_format("channels_last_3d", rank=5)
preserve_format = memory_format("preserve_format")


def check_memory_format(shape, memory_format, op_name=None):
    """torch's checks of a memory_format argument: a memory_format, of a rank that fits."""
    if memory_format is None:
        return
    if not isinstance(memory_format, globals()["memory_format"]):
        raise TypeError(f"{op_name or 'op'}(): argument 'memory_format' must be "
                        f"torch.memory_format, not {type(memory_format).__name__}")
    rank = memory_format._rank
    if rank is not None and len(shape) != rank:
        raise RuntimeError(f"required rank {rank} tensor to use {memory_format._name} format")


def is_contiguous_in(shape, strides, memory_format):
    """Whether elements with these sizes and strides (in elements) lie densely in the order
    `memory_format` names: (N, C, H, W) as NHWC for channels_last, NDHWC for
    channels_last_3d. Size-1 dims don't count, as in torch."""
    rank = memory_format._rank if memory_format is not None else None
    if rank is None:  # contiguous_format, and preserve_format as torch reads it here
        order = list(range(len(shape)))[::-1]
    else:
        if len(shape) != rank:
            return False
        order = [1] + list(range(rank - 1, 1, -1)) + [0]  # C fastest, then W, H (D), N
    expected = 1
    for dim in order:
        if shape[dim] == 1:
            continue
        if strides[dim] != expected:
            return False
        expected *= shape[dim]
    return True
