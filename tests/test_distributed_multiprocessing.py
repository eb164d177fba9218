"""ember.distributed (single-process queries) and ember.multiprocessing (spawn)."""
import pytest
import torch

import ember
import ember.distributed as dist
import ember.multiprocessing as mp


def test_single_process_branch_of_launcher_aware_scripts():
    rank = dist.get_rank() if dist.is_available() and dist.is_initialized() else 0
    world = dist.get_world_size() if dist.is_available() and dist.is_initialized() else 1
    assert (rank, world) == (0, 1)
    assert ember.distributed is dist and not dist.is_torchelastic_launched()
    assert dist.ReduceOp.SUM.name == "SUM"


@pytest.mark.parametrize("call", [
    lambda d, lib: d.get_rank(), lambda d, lib: d.get_world_size(), lambda d, lib: d.barrier(),
    lambda d, lib: d.all_reduce(lib.ones(2)), lambda d, lib: d.broadcast(lib.ones(2), 0),
])
def test_uninitialised_group_raises_like_torch(call):
    with pytest.raises(ValueError, match="init_process_group"):
        call(torch.distributed, torch)
    with pytest.raises(ValueError, match="init_process_group"):
        call(dist, ember)


def test_init_process_group_says_what_to_do():
    with pytest.raises(RuntimeError, match="single process"):
        dist.init_process_group("gloo", rank=0, world_size=1)
    with pytest.raises(RuntimeError):
        ember.utils.data.DistributedSampler(range(4))  # world size from a missing group


def _square(index, queue, base):
    queue.put((index, float((base * (index + 2)).sum())))


def _fail(index):
    raise KeyError("boom")


def test_spawn_runs_each_rank_and_reports_failures():
    queue = mp.get_context("fork").SimpleQueue()  # fork: the test stays fast
    mp.spawn(_square, args=(queue, ember.ones(3)), nprocs=2, start_method="fork")
    assert sorted(queue.get() for _ in range(2)) == [(0, 6.0), (1, 9.0)]
    with pytest.raises(mp.ProcessRaisedException, match="KeyError"):
        mp.spawn(_fail, nprocs=1, start_method="fork")
    mp.set_sharing_strategy("file_system")
    assert mp.get_sharing_strategy() == "file_system"
    with pytest.raises(AssertionError):
        mp.set_sharing_strategy("nope")
    mp.set_sharing_strategy("file_descriptor")
