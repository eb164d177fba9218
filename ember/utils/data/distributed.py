"""DistributedSampler: each of num_replicas processes reads its own share of a dataset.

The shares interleave (rank r takes indices r, r + num_replicas, ...) of one permutation
that every process draws alike from seed + epoch, padded by repeating indices from the
start (or, with drop_last, cut) so that all shares have the same length, as torch's.
"""
import math

from ..._generator import Generator
from ...ops.random import randperm
from .sampler import Sampler

__all__ = ["DistributedSampler"]


def _process_group_value(name):
    """The world size or rank of the default process group (when num_replicas or rank is not
    given), from ember.distributed where it exists and is initialised."""
    try:
        from ... import distributed
    except ImportError:
        distributed = None
    if distributed is None or not distributed.is_available():
        raise RuntimeError("Requires distributed package to be available; pass num_replicas "
                           "and rank to DistributedSampler explicitly")
    return getattr(distributed, name)()


class DistributedSampler(Sampler):
    """The indices of one replica's share of `dataset`, as torch's DistributedSampler.

    Call set_epoch(epoch) at the start of every epoch: with shuffle=True the permutation is
    drawn from a generator seeded with seed + epoch, so all replicas agree and each epoch
    differs.

    Args:
        dataset: a map-style dataset (anything with __len__).
        num_replicas: the number of processes. Default: the process group's world size.
        rank: this process's rank in [0, num_replicas). Default: the process group's rank.
        shuffle: permute the indices. Default: True.
        seed: the base seed, the same on every replica. Default: 0.
        drop_last: cut the tail instead of padding it so that the shares are equal.

    Example:
        >>> list(DistributedSampler(range(5), num_replicas=2, rank=1, shuffle=False))
        [1, 3, 0]
    """

    def __init__(self, dataset, num_replicas=None, rank=None, shuffle=True, seed=0,
                 drop_last=False):
        if num_replicas is None:
            num_replicas = _process_group_value("get_world_size")
        if rank is None:
            rank = _process_group_value("get_rank")
        if rank >= num_replicas or rank < 0:
            raise ValueError(
                f"Invalid rank {rank}, rank should be in the interval [0, {num_replicas - 1}]")
        self.dataset = dataset
        self.num_replicas = num_replicas
        self.rank = rank
        self.epoch = 0
        self.drop_last = drop_last
        if self.drop_last and len(self.dataset) % self.num_replicas != 0:
            self.num_samples = math.ceil(
                (len(self.dataset) - self.num_replicas) / self.num_replicas)
        else:
            self.num_samples = math.ceil(len(self.dataset) / self.num_replicas)
        self.total_size = self.num_samples * self.num_replicas
        self.shuffle = shuffle
        self.seed = seed

    def __iter__(self):
        if self.shuffle:
            generator = Generator()
            generator.manual_seed(self.seed + self.epoch)
            indices = randperm(len(self.dataset), generator=generator).tolist()
        else:
            indices = list(range(len(self.dataset)))
        if not self.drop_last:
            padding_size = self.total_size - len(indices)
            if padding_size <= len(indices):
                indices += indices[:padding_size]
            else:
                indices += (indices * math.ceil(padding_size / len(indices)))[:padding_size]
        else:
            indices = indices[:self.total_size]
        return iter(indices[self.rank:self.total_size:self.num_replicas])

    def __len__(self):
        return self.num_samples

    def set_epoch(self, epoch):
        """Use epoch's permutation next (with shuffle=True)."""
        self.epoch = epoch
