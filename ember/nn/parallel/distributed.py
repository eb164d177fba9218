"""DistributedDataParallel: there is no process group in ember to wrap a module for."""
from ..modules.module import Module

__all__ = ["DistributedDataParallel"]


class DistributedDataParallel(Module):
    """torch.nn.parallel.DistributedDataParallel needs an initialised default process group;
    ember.distributed has no backend to make one, so building one raises torch's error for a
    missing group (ValueError)."""

    def __init__(self, module, *args, **kwargs):
        super().__init__()
        raise ValueError(
            "Default process group has not been initialized, please make sure to call "
            "init_process_group. (ember.distributed has no backend: ember trains in one "
            "process; use the module itself, or DataParallel)")
