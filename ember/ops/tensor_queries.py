"""Small Tensor queries and no-op views torch has for real tensors: is_nonzero, is_same_size,
sum_to_size, output_nr, real / conj / resolve_conj / resolve_neg (the tensor itself, as torch
returns for a real dtype), is_conj / is_neg, share_memory_ / is_shared, and ember.can_cast,
is_signed, is_complex at the top level.

share_memory_ is a no-op returning the tensor: ember's DataLoader worker processes send their
batches back pickled, so no tensor needs to live in shared memory.
"""
from .. import _dtype
from .._tensor import Tensor
from .creation import size_args
from .elementwise import sum_to

__all__ = ["is_nonzero", "is_same_size", "is_signed", "is_complex", "can_cast", "real", "conj",
           "resolve_conj", "resolve_neg", "is_conj", "is_neg"]


def is_nonzero(input):
    """Whether a one-element tensor is not zero."""
    count = input.numel()
    if count != 1:
        raise RuntimeError("Boolean value of Tensor with "
                           f"{'no values' if count == 0 else 'more than one value'} is ambiguous")
    return bool(input.item() != 0)


def is_same_size(input, other):
    return tuple(input.shape) == tuple(other.shape)


def is_signed(input):
    return input.is_signed()


def is_complex(input):
    return input.is_complex()


def can_cast(from_, to):
    """Whether torch's casting rules allow from_ into to (no float into an integer ...)."""
    return _dtype.can_cast(from_, to)


def real(input):
    return input


def conj(input):
    return input


def resolve_conj(input):
    return input


def resolve_neg(input):
    return input


def is_conj(input):
    return False


def is_neg(input):
    return False


def sum_to_size(self, *size):
    """The sum of self down to `size`, which must broadcast to self's shape."""
    shape = size_args(size, "sum_to_size")
    own = tuple(self.shape)
    padded = (1,) * (len(own) - len(shape)) + shape
    if len(shape) > len(own) or any(s not in (1, o) for s, o in zip(padded, own)):
        raise RuntimeError(f"size {{{list(shape)}}} is not expandable to size {{{list(own)}}}.")
    if not shape:  # torch sums everything then, so an integer tensor's result is int64
        return self.sum()
    return sum_to(self, shape)


Tensor.is_nonzero = is_nonzero
Tensor.is_same_size = is_same_size
Tensor.sum_to_size = sum_to_size
Tensor.output_nr = property(lambda self: self._output_nr)
Tensor.real = property(real)
Tensor.conj = conj
Tensor.resolve_conj = resolve_conj
Tensor.resolve_neg = resolve_neg
Tensor.is_conj = is_conj
Tensor.is_neg = is_neg
Tensor.share_memory_ = lambda self: self
Tensor.is_shared = lambda self: False
