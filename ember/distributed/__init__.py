"""ember.distributed: the queries single-process training scripts make of torch.distributed.

Scripts written to run with or without a launcher ask `dist.is_available()` and
`dist.is_initialized()` before touching a process group (rank-0-only logging, world-size
scaling, DistributedSampler). Here no process group can be made: `is_available()` and
`is_initialized()` are False, so those scripts take their single-process branch; the
collectives and rank queries raise torch's error for an uninitialised default group.

Differs from PyTorch: there is no multi-process backend yet (`init_process_group` raises
RuntimeError); `is_available()` answers False, as a torch build without distributed does.

Example:
    >>> import ember.distributed as dist
    >>> rank = dist.get_rank() if dist.is_available() and dist.is_initialized() else 0
    >>> rank
    0
"""
import enum

__all__ = ["ReduceOp", "all_gather", "all_reduce", "barrier", "broadcast",
           "destroy_process_group", "get_rank", "get_world_size", "init_process_group",
           "is_available", "is_initialized", "is_torchelastic_launched", "reduce"]


class ReduceOp(enum.Enum):
    """The reduction of a collective (names as torch's)."""

    SUM = 0
    AVG = 1
    PRODUCT = 2
    MIN = 3
    MAX = 4
    BAND = 5
    BOR = 6
    BXOR = 7
    PREMUL_SUM = 8


def is_available():
    """False: ember has no multi-process backend."""
    return False


def is_initialized():
    """False: no default process group exists."""
    return False


def is_torchelastic_launched():
    """Whether torchrun started this process (its TORCHELASTIC_RUN_ID is set)."""
    import os
    return os.getenv("TORCHELASTIC_RUN_ID") is not None


def _no_group(*args, **kwargs):
    raise ValueError("Default process group has not been initialized, please make sure to call "
                     "init_process_group. (ember trains in one process: ember.distributed has "
                     "no backend)")


get_rank = get_world_size = barrier = all_reduce = reduce = broadcast = all_gather = _no_group


def init_process_group(backend=None, init_method=None, timeout=None, world_size=-1, rank=-1,
                       store=None, group_name="", pg_options=None, device_id=None):
    """Raise: ember cannot make a process group."""
    raise RuntimeError("ember.distributed.init_process_group: ember has no multi-process "
                       "backend; run the script as a single process (without torchrun), or "
                       "use nn.DataParallel")


def destroy_process_group(group=None):
    """Raise torch's error: there is no process group to destroy."""
    _no_group()
