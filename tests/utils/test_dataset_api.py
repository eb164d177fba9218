"""ConcatDataset and Subset as torch's: the `idx` keyword of __getitem__, ConcatDataset.cumsum."""
import pytest
import torch.utils.data

import ember.utils.data

LIBS = [ember.utils.data, torch.utils.data]


@pytest.mark.parametrize("data", LIBS, ids=["ember", "torch"])
def test_getitem_takes_idx(data):
    concat = data.ConcatDataset([range(3), range(10, 12)])
    assert concat.__getitem__(idx=3) == 10 and concat[-1] == 11
    subset = data.Subset(range(10, 20), [4, 1])
    assert subset.__getitem__(idx=1) == 11


@pytest.mark.parametrize("data", LIBS, ids=["ember", "torch"])
def test_concat_cumsum(data):
    assert data.ConcatDataset.cumsum([range(3), [], range(4)]) == [3, 3, 7]
    assert data.ConcatDataset([range(2), range(5)]).cumulative_sizes == [2, 7]


@pytest.mark.parametrize("data", LIBS, ids=["ember", "torch"])
def test_multiprocessing_context_checks(data):
    with pytest.raises(ValueError, match="num_workers > 0"):
        data.DataLoader(range(4), multiprocessing_context="spawn")
    with pytest.raises(ValueError, match="valid start method"):
        data.DataLoader(range(4), num_workers=1, multiprocessing_context="bogus")
    with pytest.raises(TypeError, match="valid context object"):
        data.DataLoader(range(4), num_workers=1, multiprocessing_context=3)
    loader = data.DataLoader(range(4), num_workers=1, multiprocessing_context="spawn")
    assert loader.multiprocessing_context.get_start_method() == "spawn"


def test_prefetch_factor_must_be_positive_as_torch():
    loader = ember.utils.data.DataLoader(range(4), num_workers=2, prefetch_factor=0)
    with pytest.raises(AssertionError, match="prefetch_factor must be greater than 0"):
        list(loader)
