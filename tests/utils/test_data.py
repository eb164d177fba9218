"""Datasets, samplers, collation and the DataLoader (in-process and with worker processes)."""
import collections
import os

import numpy as np
import pytest
import torch.utils.data

import ember
from ember.utils.data import (BatchSampler, ConcatDataset, DataLoader, Dataset, IterableDataset,
                              RandomSampler, SequentialSampler, Subset, SubsetRandomSampler,
                              TensorDataset, WeightedRandomSampler, default_collate,
                              get_worker_info, random_split)


class Squares(Dataset):
    def __init__(self, n):
        self.n = n

    def __getitem__(self, index):
        if index >= self.n:
            raise IndexError(index)
        return index, float(index) ** 2

    def __len__(self):
        return self.n


class Stream(IterableDataset):
    """0..n-1, split between workers by their id."""

    def __init__(self, n):
        self.n = n

    def __iter__(self):
        info = get_worker_info()
        if info is None:
            return iter(range(self.n))
        return iter(range(info.id, self.n, info.num_workers))

    def __len__(self):
        return self.n


class Failing(Dataset):
    def __getitem__(self, index):
        if index == 3:
            raise ValueError("sample 3 is broken")
        return index

    def __len__(self):
        return 8


class Dying(Dataset):
    def __getitem__(self, index):
        if index == 2:
            os._exit(3)
        return index

    def __len__(self):
        return 8


def batches_of(loader):
    return [[int(v) for v in batch[0].tolist()] for batch in loader]


def test_sequential_batches_and_len():
    loader = DataLoader(Squares(10), batch_size=4)
    assert len(loader) == 3
    assert batches_of(loader) == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]
    loader = DataLoader(Squares(10), batch_size=4, drop_last=True)
    assert len(loader) == 2 and batches_of(loader) == [[0, 1, 2, 3], [4, 5, 6, 7]]


def test_collate_types():
    first, second = next(iter(DataLoader(Squares(3), batch_size=3)))
    assert first.dtype == ember.int64 and second.dtype == ember.float64
    Point = collections.namedtuple("Point", "x y")
    batch = default_collate([{"a": Point(1, 2.0), "s": "x", "t": ember.ones(2),
                              "n": np.zeros(3, np.float32)}] * 4)
    assert isinstance(batch["a"], Point) and batch["a"].x.tolist() == [1] * 4
    assert batch["s"] == ["x"] * 4
    assert tuple(batch["t"].shape) == (4, 2)
    assert tuple(batch["n"].shape) == (4, 3) and batch["n"].dtype == ember.float32
    with pytest.raises(RuntimeError, match="equal size"):
        default_collate([[1, 2], [1]])


def test_shuffle_is_reproducible_with_generator():
    def order(seed):
        generator = ember.Generator().manual_seed(seed)
        return batches_of(DataLoader(Squares(20), batch_size=5, shuffle=True,
                                     generator=generator))
    assert order(1) == order(1)
    assert order(1) != order(2)
    assert sorted(sum(order(1), [])) == list(range(20))


def test_samplers():
    data = Squares(10)
    assert list(SequentialSampler(data)) == list(range(10))
    assert sorted(RandomSampler(data)) == list(range(10))
    assert len(list(RandomSampler(data, replacement=True, num_samples=25))) == 25
    assert sorted(SubsetRandomSampler([3, 5, 7])) == [3, 5, 7]
    weighted = list(WeightedRandomSampler([0.0, 0.0, 1.0], 5))
    assert weighted == [2] * 5
    assert list(BatchSampler(range(5), 2, drop_last=False)) == [[0, 1], [2, 3], [4]]
    with pytest.raises(ValueError):
        BatchSampler(range(5), 0, drop_last=False)


def test_dataset_combinators_and_random_split():
    data = TensorDataset(ember.arange(6.0), ember.arange(6))
    assert len(data) == 6 and data[2][1].item() == 2
    both = ConcatDataset([Squares(3), Squares(2)])
    assert len(both) == 5 and both[4] == (1, 1.0) and both[-1] == (1, 1.0)
    assert Subset(Squares(10), [7, 8])[1] == (8, 64.0)
    parts = random_split(Squares(10), [0.7, 0.3], generator=ember.Generator().manual_seed(0))
    assert [len(p) for p in parts] == [7, 3]
    assert sorted(i for p in parts for i in p.indices) == list(range(10))
    with pytest.raises(ValueError):
        random_split(Squares(10), [3, 3])


@pytest.mark.parametrize("lengths", [[0.7, 0.3], [4, 3, 3]])
def test_random_split_draws_torchs_permutation(lengths):
    ours = random_split(Squares(10), lengths, generator=ember.Generator().manual_seed(3))
    theirs = torch.utils.data.random_split(Squares(10), lengths,
                                           generator=torch.Generator().manual_seed(3))
    assert [list(p.indices) for p in ours] == [list(p.indices) for p in theirs]


def test_argument_errors_match_torch():
    with pytest.raises(ValueError):
        DataLoader(Squares(4), sampler=SequentialSampler(Squares(4)), shuffle=True)
    with pytest.raises(ValueError):
        DataLoader(Squares(4), batch_sampler=BatchSampler(range(4), 2, False), batch_size=2)
    with pytest.raises(ValueError):
        DataLoader(Stream(4), shuffle=True)
    with pytest.raises(ValueError):
        DataLoader(Squares(4), num_workers=-1)
    with pytest.raises(ValueError):
        DataLoader(Squares(4), persistent_workers=True)


def test_iterable_dataset_batches():
    loader = DataLoader(Stream(7), batch_size=3)
    assert [b.tolist() for b in loader] == [[0, 1, 2], [3, 4, 5], [6]]
    assert len(loader) == 3


def test_workers_give_the_same_batches_in_order():
    expected = batches_of(DataLoader(Squares(23), batch_size=4))
    loader = DataLoader(Squares(23), batch_size=4, num_workers=2, prefetch_factor=2)
    assert batches_of(loader) == expected


def test_workers_with_init_fn_worker_info_and_persistence():
    def init(worker_id):
        info = get_worker_info()
        assert info.id == worker_id and info.num_workers == 2

    loader = DataLoader(Squares(9), batch_size=2, num_workers=2, worker_init_fn=init,
                        persistent_workers=True)
    first = batches_of(loader)
    second = batches_of(loader)
    assert first == second == batches_of(DataLoader(Squares(9), batch_size=2))
    assert get_worker_info() is None


def test_iterable_dataset_sharded_across_workers():
    loader = DataLoader(Stream(10), batch_size=2, num_workers=2)
    values = sorted(v for batch in loader for v in batch.tolist())
    assert values == list(range(10))


def test_worker_exception_is_reraised_with_its_type():
    loader = DataLoader(Failing(), batch_size=2, num_workers=2)
    with pytest.raises(ValueError, match="sample 3 is broken"):
        list(loader)


def test_dead_worker_is_reported():
    loader = DataLoader(Dying(), batch_size=1, num_workers=2)
    with pytest.raises(RuntimeError, match="exited unexpectedly"):
        list(loader)


# -- torch's order after the same seed ----------------------------------------------------

class _Indices(Dataset):
    def __init__(self, n):
        self.n = n

    def __len__(self):
        return self.n

    def __getitem__(self, index):
        return index


@pytest.mark.parametrize("n, batch_size", [(10, 3), (100, 8), (1000, 32)])
def test_shuffled_batches_equal_torch(n, batch_size):
    torch = pytest.importorskip("torch")
    torch.manual_seed(0)
    theirs = torch.utils.data.DataLoader(_Indices(n), batch_size=batch_size, shuffle=True)
    expected = [[batch.tolist() for batch in theirs] for _ in range(2)]
    ember.manual_seed(0)
    mine = DataLoader(_Indices(n), batch_size=batch_size, shuffle=True)
    assert [[batch.tolist() for batch in mine] for _ in range(2)] == expected
    np.testing.assert_array_equal(ember.rand(3).numpy(), torch.rand(3).numpy())


def test_samplers_equal_torch():
    torch = pytest.importorskip("torch")
    cases = [
        lambda lib, g: lib.utils.data.RandomSampler(_Indices(50), generator=g),
        lambda lib, g: lib.utils.data.RandomSampler(_Indices(50), replacement=True,
                                                    num_samples=77),
        lambda lib, g: lib.utils.data.RandomSampler(_Indices(20), num_samples=45),
        lambda lib, g: lib.utils.data.SubsetRandomSampler(list(range(10, 30)), generator=g),
        lambda lib, g: lib.utils.data.WeightedRandomSampler([0.1, 0.5, 2.0, 1.0], 20,
                                                            generator=g),
        lambda lib, g: lib.utils.data.WeightedRandomSampler([0.1, 0.5, 2.0, 1.0], 3,
                                                            replacement=False),
    ]
    for make in cases:
        torch.manual_seed(1)
        expected = list(make(torch, torch.Generator().manual_seed(2)))
        ember.manual_seed(1)
        assert list(make(ember, ember.Generator().manual_seed(2))) == expected


def test_loader_with_generator_equals_torch():
    torch = pytest.importorskip("torch")
    theirs = torch.utils.data.DataLoader(_Indices(64), batch_size=10, shuffle=True,
                                         generator=torch.Generator().manual_seed(4))
    mine = DataLoader(_Indices(64), batch_size=10, shuffle=True,
                      generator=ember.Generator().manual_seed(4))
    assert [b.tolist() for b in mine] == [b.tolist() for b in theirs]
