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
