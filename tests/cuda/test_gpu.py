"""ember on a real GPU (CuPy): skipped where ember.cuda.is_available() is False.

Run on a GPU machine with `python3 -m pytest -q tests/cuda tests/amp -m gpu`.
"""
import os
import pickle
import sys

import numpy as np
import pytest

import ember
import ember.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "benchmarks"))
import gpu_check  # noqa: E402

pytestmark = [pytest.mark.gpu,
              pytest.mark.skipif(not ember.cuda.is_available(), reason="needs a GPU (CuPy)")]


def test_device_queries():
    import cupy
    assert ember.cuda.device_count() == cupy.cuda.runtime.getDeviceCount() >= 1
    assert ember.cuda.current_device() == 0
    assert isinstance(ember.cuda.get_device_name(), str) and ember.cuda.get_device_name()
    properties = ember.cuda.get_device_properties(0)
    assert properties.total_memory > 1 << 30 and properties.multi_processor_count > 0
    assert ember.cuda.get_device_capability() == (properties.major, properties.minor)
    assert ember.cuda.is_initialized()


def test_tensors_live_on_the_gpu():
    import cupy
    x = ember.arange(6.0, device="cuda").reshape(2, 3)
    assert type(x._data) is cupy.ndarray and x.device == ember.device("cuda", 0)
    assert x.is_cuda and x.get_device() == 0 and "device='cuda:0'" in repr(x)
    assert (x * 2).sum().item() == 30.0
    assert x.cpu().tolist() == [[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]]
    assert x.to("cuda").device == x.device
    with pytest.raises(RuntimeError, match="cuda:0 and cpu!"):
        x + ember.ones(2, 3)


def test_core_ops_match_the_cpu():
    assert gpu_check.check_core_ops("cuda") == []


def test_fused_kernels_match_the_generic_path():
    assert gpu_check.check_fused_kernels() == []


def test_cnn_training_matches_the_cpu():
    assert gpu_check.check_cnn_training("cuda", steps=10) == []


def test_amp_training_converges():
    assert gpu_check.check_amp_training("cuda", steps=40) == []


def test_memory_streams_events():
    assert gpu_check.check_memory_and_streams() == []


def test_profiler_times_gpu_ops_with_cuda_events():
    assert gpu_check.check_profiler() == []


def test_autocast_float16_dtypes():
    a = ember.randn(8, 8, device="cuda")
    with ember.autocast("cuda"):
        assert (a @ a).dtype == ember.float16
        assert F.linear(a, a).dtype == ember.float16
        assert F.softmax(a.half(), -1).dtype == ember.float32
        assert a.half().sum().dtype == ember.float32
        assert F.layer_norm(a.half(), (8,)).dtype == ember.float32
        with pytest.raises(RuntimeError, match="unsafe to autocast"):
            F.binary_cross_entropy(a.sigmoid(), a.sigmoid())


def test_grad_scaler_on_cuda_skips_inf_steps():
    p = ember.nn.Parameter(ember.ones(3, device="cuda"))
    optimizer = ember.optim.SGD([p], lr=1.0)
    scaler = ember.amp.GradScaler("cuda", init_scale=4.0)
    scaler.scale((p * float("inf")).sum()).backward()
    scaler.step(optimizer)
    scaler.update()
    assert p.tolist() == [1.0, 1.0, 1.0] and scaler.get_scale() == 2.0
    p.grad = None
    scaler.scale(p.sum()).backward()
    scaler.step(optimizer)
    scaler.update()
    assert p.tolist() == [0.0, 0.0, 0.0]
    assert pickle.loads(pickle.dumps(scaler)).get_scale() == 2.0


def test_manual_seed_makes_gpu_dropout_reproducible():
    x = ember.ones(64, 64, device="cuda")
    ember.manual_seed(7)
    first = F.dropout(x, 0.5).cpu().numpy()
    ember.cuda.manual_seed(7)
    second = F.dropout(x, 0.5).cpu().numpy()
    np.testing.assert_array_equal(first, second)
    assert set(np.unique(first)) == {0.0, 2.0}


def test_pinned_memory():
    from ember.backend import cupy_backend
    array = np.arange(12, dtype=np.float32).reshape(3, 4)
    pinned = cupy_backend.pinned_copy(array)
    assert cupy_backend.is_pinned(pinned) and not cupy_backend.is_pinned(array)
    np.testing.assert_array_equal(pinned, array)
    assert ember.from_numpy(pinned).cuda().cpu().tolist() == array.tolist()


def test_allow_tf32_sets_cublas_compute_type():
    from cupy._core import _routines_linalg as linalg
    try:
        ember.backends.cuda.matmul.allow_tf32 = True
        assert linalg.get_compute_type(np.dtype(np.float32)) == linalg.COMPUTE_TYPE_TF32
    finally:
        ember.backends.cuda.matmul.allow_tf32 = False
    assert linalg.get_compute_type(np.dtype(np.float32)) != linalg.COMPUTE_TYPE_TF32


@pytest.mark.skipif(ember.cuda.device_count() < 2, reason="needs two GPUs")
def test_second_gpu():
    x = ember.ones(3, device="cuda:1")
    assert x.device == ember.device("cuda", 1)
    with ember.cuda.device(1):
        assert (x + 1).device == ember.device("cuda", 1)
    assert x.to("cuda:0").device == ember.device("cuda", 0)


def test_pinned_dataloader_batches():
    dataset = ember.utils.data.TensorDataset(ember.arange(8.0).reshape(4, 2), ember.arange(4))
    loader = ember.utils.data.DataLoader(dataset, batch_size=2, pin_memory=True)
    batches = list(loader)
    assert all(x.is_pinned() and y.is_pinned() for x, y in batches)
    assert batches[1][0].cuda(non_blocking=True).cpu().tolist() == [[4.0, 5.0], [6.0, 7.0]]
