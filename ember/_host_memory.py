"""How ember's process takes memory from the system: glibc malloc's thresholds, set at import.

NOTE [ Keeping freed memory ]
A training step frees its activations and gradients and the next step allocates the same sizes
again. With glibc's defaults, each array over the mmap threshold (128 KiB at first, rising
with the sizes freed) is a fresh mapping, and memory freed at the top of the heap goes back to
the system once more than twice that threshold is free there: so every step pays one page
fault per 4 KiB it writes into new memory. Measured on this project's 2-core VM, the cnn
benchmark's step alone in its process: 5,500 page faults and 16-26 ms of system time a step
(a 48-66 ms step); with the thresholds below, none, and 36-50 ms. ember raises both to the
most glibc allows for the mmap threshold (32 MiB: larger arrays are still mapped afresh) and
to 256 MiB for trimming, so the heap keeps what a step frees for the next. The process then
holds its high-water mark of memory until it exits; peak memory is unchanged.

EMBER_MALLOC_DEFAULTS=1 keeps glibc's own behaviour; elsewhere than glibc nothing is changed.
"""
import ctypes
import os
import sys

__all__ = []

_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
MMAP_THRESHOLD = 32 << 20
TRIM_THRESHOLD = 256 << 20


def _set_thresholds():
    """True where glibc took both thresholds."""
    if not sys.platform.startswith("linux") or os.environ.get("EMBER_MALLOC_DEFAULTS") == "1":
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):  # not glibc (musl has no mallopt)
        return False
    mallopt.argtypes, mallopt.restype = (ctypes.c_int, ctypes.c_int), ctypes.c_int
    return bool(mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD)
                and mallopt(_M_TRIM_THRESHOLD, TRIM_THRESHOLD))


thresholds_set = _set_thresholds()
