"""ember.backends.mps: Apple's Metal backend, which ember does not have.

Scripts pick a device with `torch.backends.mps.is_available()`; both answers here are False,
so such a script falls through to the CPU (or CUDA) branch.

Example:
    >>> ember.backends.mps.is_available()
    False
"""

__all__ = ["is_available", "is_built", "is_macos13_or_newer"]


def is_available():
    """Whether an MPS device can be used: never in ember."""
    return False


def is_built():
    """Whether ember was built with MPS support: it is not."""
    return False


def is_macos13_or_newer(minor=0):
    """torch's MPS helper; False, as no MPS backend is present."""
    return False
