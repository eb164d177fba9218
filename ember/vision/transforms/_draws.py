"""The random draws of the transforms, and their size argument.

The draws are torchvision's, one tensor op each, so that after the same seed the same crops,
flips, jitters and augmentations come out as with torch.
"""
import numbers
from collections.abc import Sequence

from ...ops.creation import empty
from ...ops.random import rand, randint, uniform_


def _rand():
    """One uniform draw in [0, 1), as torch.rand(1)."""
    return rand(1).item()


def _randint(low, high):
    """One integer in [low, high), as torch.randint(low, high, (1,))."""
    return int(randint(low, high, (1,)).item())


def _uniform(low, high):
    """One draw in [low, high), as torch.empty(1).uniform_(low, high)."""
    return float(uniform_(empty(1), low, high).item())


def _setup_size(size, error_msg):
    if isinstance(size, numbers.Number):
        return int(size), int(size)
    if isinstance(size, Sequence) and len(size) == 1:
        return size[0], size[0]
    if len(size) != 2:
        raise ValueError(error_msg)
    return size


_SIZE_ERROR = "Please provide only two dimensions (h, w) for size."
