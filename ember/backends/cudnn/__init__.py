"""ember.backends.cudnn: torch's cuDNN flags, accepted so that scripts setting them run.

ember computes convolutions as im2col + cuBLAS GEMMs, not with cuDNN: `benchmark` and
`deterministic` change nothing (its GEMMs are deterministic already), `allow_tf32` is
governed by ember.backends.cuda.matmul.allow_tf32, and is_available() is False.
"""
__all__ = ["enabled", "benchmark", "deterministic", "allow_tf32", "is_available", "version"]

enabled = True
benchmark = False
deterministic = False
allow_tf32 = True


def is_available():
    """False: ember calls no cuDNN (see the module docstring)."""
    return False


def version():
    return None
