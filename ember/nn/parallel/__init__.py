"""ember.nn.parallel: the multi-device wrappers that everyday torch code builds
unconditionally. ember runs one process on one device, so DataParallel runs its module as is
and DistributedDataParallel raises as torch does without a process group."""
from .data_parallel import DataParallel  # noqa: F401
from .distributed import DistributedDataParallel  # noqa: F401

__all__ = ["DataParallel", "DistributedDataParallel"]
