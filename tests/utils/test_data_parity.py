"""ember.utils.data against torch.utils.data: public names, collate/convert structure,
sampler RNG streams with generators, DistributedSampler shares, argument errors, and the
order in which worker processes' iterable streams interleave."""
import collections
import warnings

import numpy as np
import pytest
import torch
import torch.utils.data as TD

import ember
import ember.utils.data as ED


def test_public_names_match_torch():
    datapipes = {"DFIterDataPipe", "DataChunk", "IterDataPipe", "MapDataPipe",
                 "functional_datapipe", "guaranteed_datapipes_determinism", "non_deterministic",
                 "runtime_validation", "runtime_validation_disabled", "argument_validation",
                 "_DatasetKind"}
    missing = [n for n in TD.__all__ if n not in datapipes and not hasattr(ED, n)]
    assert missing == []
    assert ED.distributed.DistributedSampler is ED.DistributedSampler


def _both(fn):
    """fn(lib, data module) in ember and torch after the same seed; torch's names mapped to
    ember's in the printed result, or the exception type and message."""
    results = []
    for lib, module in ((ember, ED), (torch, TD)):
        lib.manual_seed(7)
        try:
            results.append(str(fn(lib, module)).replace("torch", "ember"))
        except Exception as error:
            results.append(type(error))
    return results


def _gen(lib, seed=3):
    return lib.Generator().manual_seed(seed)


STREAMS = {
    "random": lambda L, D: list(D.RandomSampler(range(10))),
    "random-generator": lambda L, D: list(D.RandomSampler(range(10), generator=_gen(L))),
    "random-replacement": lambda L, D: list(D.RandomSampler(
        range(10), replacement=True, num_samples=70, generator=_gen(L))),
    "random-more-than-n": lambda L, D: list(D.RandomSampler(range(10), num_samples=25,
                                                            generator=_gen(L))),
    "random-twice": lambda L, D: (lambda s: [list(s), list(s)])(
        D.RandomSampler(range(10), generator=_gen(L))),
    "subset-random": lambda L, D: list(D.SubsetRandomSampler([5, 9, 2, 7], generator=_gen(L))),
    "subset-random-default": lambda L, D: list(D.SubsetRandomSampler([5, 9, 2, 7])),
    "weighted": lambda L, D: list(D.WeightedRandomSampler([0.1, 0.5, 0.2, 0.2], 12,
                                                          generator=_gen(L))),
    "weighted-no-replacement": lambda L, D: list(D.WeightedRandomSampler(
        [0.1, 0.5, 0.2, 0.2], 3, replacement=False, generator=_gen(L))),
    "weighted-tensor": lambda L, D: list(D.WeightedRandomSampler(L.tensor([1., 2, 3]), 5)),
    "batch-drop-last": lambda L, D: (list(D.BatchSampler(range(10), 3, True)),
                                     len(D.BatchSampler(range(10), 3, True))),
    "random-split": lambda L, D: [s.indices for s in D.random_split(
        range(10), [3, 7], generator=_gen(L))],
    "random-split-fractions": lambda L, D: [s.indices for s in D.random_split(
        range(11), [0.3, 0.3, 0.4], generator=_gen(L))],
    "loader-shuffle-then-default-stream": lambda L, D: (
        [b.tolist() for b in D.DataLoader(L.arange(10), batch_size=4, shuffle=True,
                                          generator=_gen(L))], L.randn(2).tolist()),
}


@pytest.mark.parametrize("fn", list(STREAMS.values()), ids=list(STREAMS))
def test_sampler_streams_match_torch(fn):
    ember_result, torch_result = _both(fn)
    assert ember_result == torch_result
    assert not isinstance(ember_result, type)


ERRORS = {
    "random-replacement-not-bool": lambda L, D: D.RandomSampler(range(10), replacement=1),
    "random-num_samples": lambda L, D: D.RandomSampler(range(10), num_samples=0),
    "weighted-2d": lambda L, D: D.WeightedRandomSampler([[1., 2]], 5),
    "weighted-replacement-not-bool": lambda L, D: D.WeightedRandomSampler([1., 2], 5, 0),
    "weighted-num_samples": lambda L, D: D.WeightedRandomSampler([1., 2], 0),
    "weighted-negative": lambda L, D: list(D.WeightedRandomSampler([1., -2], 3)),
    "batch-size": lambda L, D: D.BatchSampler(range(10), 0, False),
    "batch-drop_last-not-bool": lambda L, D: D.BatchSampler(range(10), 2, 1),
    "split-sum": lambda L, D: D.random_split(range(10), [3, 3]),
    "split-negative-fraction": lambda L, D: D.random_split(range(10), [1.2, -0.2]),
    "stack-empty": lambda L, D: D.StackDataset(),
    "stack-lengths": lambda L, D: D.StackDataset(range(3), "ab"),
    "stack-args-and-kwargs": lambda L, D: D.StackDataset(range(3), a=range(3)),
    "concat-empty": lambda L, D: D.ConcatDataset([]),
    "concat-index": lambda L, D: D.ConcatDataset([range(3)])[-4],
    "tensor-dataset-sizes": lambda L, D: D.TensorDataset(L.ones(3), L.ones(4)),
    "chain-map-style": lambda L, D: list(D.ChainDataset([range(3)])),
    "collate-uneven": lambda L, D: D.default_collate([[1, 2], [1]]),
    "collate-object": lambda L, D: D.default_collate([object()]),
    "collate-string-array": lambda L, D: D.default_collate([np.array(["a"])]),
    "distributed-rank": lambda L, D: D.DistributedSampler(range(4), 3, 3),
    "distributed-negative-rank": lambda L, D: D.DistributedSampler(range(4), 3, -1),
}


@pytest.mark.parametrize("fn", list(ERRORS.values()), ids=list(ERRORS))
def test_bad_arguments_raise_torch_exception_types(fn):
    ember_result, torch_result = _both(fn)
    assert isinstance(torch_result, type)
    assert ember_result is torch_result


def test_distributed_sampler_needs_a_process_group_or_explicit_rank():
    with pytest.raises(RuntimeError, match="num_replicas and rank"):
        ED.DistributedSampler(range(4))


@pytest.mark.parametrize("n", [1, 5, 7, 13])
@pytest.mark.parametrize("replicas", [1, 3, 8])
@pytest.mark.parametrize("shuffle,drop_last", [(False, False), (True, False), (True, True)])
def test_distributed_sampler_shares_match_torch(n, replicas, shuffle, drop_last):
    for epoch in (0, 3):
        shares = []
        for rank in range(replicas):
            ember_sampler = ED.DistributedSampler(range(n), replicas, rank, shuffle, 5, drop_last)
            torch_sampler = TD.DistributedSampler(range(n), replicas, rank, shuffle, 5, drop_last)
            ember_sampler.set_epoch(epoch)
            torch_sampler.set_epoch(epoch)
            assert list(ember_sampler) == list(torch_sampler), (rank, epoch)
            assert len(ember_sampler) == len(torch_sampler) == len(list(ember_sampler))
            shares.append(list(ember_sampler))
        covered = {i for share in shares for i in share}
        assert covered == set(range(n)) or drop_last


STRUCTURES = {
    "tuples-become-lists": lambda L, D: D.default_collate([(1, "a"), (2, "b")]),
    "lists": lambda L, D: D.default_collate([[1, 2.5], [3, 4.5]]),
    "bools": lambda L, D: D.default_collate([True, False]),
    "numpy-scalars": lambda L, D: D.default_collate([np.float32(1), np.float32(2)]),
    "numpy-arrays": lambda L, D: D.default_collate([np.arange(3), np.arange(3)]),
    "ordered-dict": lambda L, D: D.default_collate(
        [collections.OrderedDict(b=1, a=2.0)] * 2),
    "namedtuple": lambda L, D: D.default_collate(
        [collections.namedtuple("P", "x y")(1, 2.0)] * 2),
    "convert-tuple": lambda L, D: D.default_convert((1, np.int64(3), np.arange(2))),
    "convert-dict": lambda L, D: D.default_convert({"x": [np.zeros(2)], "s": "text"}),
    "convert-string-array": lambda L, D: D.default_convert(np.array(["a", "b"])),
    "stack-getitems": lambda L, D: D.StackDataset(
        D.Subset(range(10), [4, 5, 6]), "abc").__getitems__([2, 0]),
    "stack-dict-getitems": lambda L, D: D.StackDataset(
        x=range(3), y="abc").__getitems__([1, 2]),
}


@pytest.mark.parametrize("fn", list(STRUCTURES.values()), ids=list(STRUCTURES))
def test_collate_and_convert_structures_match_torch(fn):
    ember_result, torch_result = _both(fn)
    assert ember_result == torch_result
    assert not isinstance(ember_result, type)


def test_random_split_warns_on_an_empty_split():
    for module in (ED, TD):
        with pytest.warns(UserWarning, match="Length of split at index 1 is 0"):
            module.random_split(range(2), [0.95, 0.05])


def _uneven_stream(lib, module):
    """Worker w yields 5 - 2w items (worker 0 outlives worker 1), each with its seed."""
    class Stream(module.IterableDataset):
        def __iter__(self):
            info = module.get_worker_info()
            for i in range(5 - 2 * info.id):
                yield info.id * 100 + i, info.seed, lib.rand(1).item()
    return Stream()


@pytest.mark.parametrize("kwargs", [{"batch_size": None}, {"batch_size": 2},
                                    {"batch_size": 2, "drop_last": True}])
def test_iterable_dataset_workers_interleave_as_torch(kwargs):
    results = []
    for lib, module in ((ember, ED), (torch, TD)):
        lib.manual_seed(11)
        loader = module.DataLoader(_uneven_stream(lib, module), num_workers=2, **kwargs)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            results.append([str(batch).replace("torch", "ember") for batch in loader])
    assert results[0] == results[1]
    assert len(results[0]) > 2


@pytest.mark.parametrize("persistent", [False, True])
def test_epoch_orders_with_workers_match_torch(persistent):
    """Each new iterator draws its workers' base seed before the sampler shuffles; persistent
    workers keep one iterator, so their later epochs draw no seed (as torch's reset)."""
    orders = []
    for lib, module in ((ember, ED), (torch, TD)):
        loader = module.DataLoader(module.TensorDataset(lib.arange(24)), batch_size=6,
                                   shuffle=True, num_workers=2, persistent_workers=persistent,
                                   generator=lib.Generator().manual_seed(1))
        orders.append([[batch[0].tolist() for batch in loader] for _ in range(3)])
    assert orders[0] == orders[1]
