"""Layout/device flags, to_dense, apply_ and map_ against torch."""
import pytest
import torch

import ember

FLAGS = ["is_sparse", "is_sparse_csr", "is_quantized", "is_meta", "is_mps", "is_nested",
         "is_mkldnn", "is_xla", "is_xpu", "is_ipu", "is_vulkan", "is_maia", "is_mtia"]


@pytest.mark.parametrize("flag", FLAGS)
def test_flags_of_a_dense_cpu_tensor_match_torch(flag):
    assert getattr(ember.ones(2), flag) is getattr(torch.ones(2), flag) is False


def test_to_dense_returns_the_tensor_itself():
    t = ember.ones(2, 3)
    assert t.to_dense() is t and torch.ones(2).to_dense().is_sparse is False
    assert t.to_dense(ember.float64).dtype == ember.float64


@pytest.mark.parametrize("shape", [(), (3,), (2, 3), (0, 2)])
def test_apply_and_map_match_torch(shape):
    values = torch.arange(float(torch.Size(shape).numel())).reshape(shape)
    e, t = ember.tensor(values.numpy()), values.clone()
    assert e.apply_(lambda v: v * v - 1) is e
    t.apply_(lambda v: v * v - 1)
    assert e.tolist() == t.tolist()
    other = [2.0, -1.0, 0.5][:shape[-1]] if shape else 3.0
    e.map_(ember.tensor(other), lambda a, b: a * b + 1)
    t.map_(torch.tensor(other), lambda a, b: a * b + 1)
    assert e.tolist() == t.tolist()
    ints = ember.arange(4).apply_(lambda v: v // 2)
    assert ints.dtype == ember.int64 and ints.tolist() == [0, 0, 1, 1]
