"""The device machinery, on the CPU: without a GPU, and with a fake second backend.

tests/cuda/fake_gpu.py registers numpy arrays dressed as a "cuda" device, so that moving
tensors and modules, device errors and the GPU check's core-op sweep run here; test_gpu.py
runs the same things on a real GPU.
"""
import os
import subprocess
import sys
import warnings

import numpy as np
import pytest

import ember
from fake_gpu import CUDA0, FakeGpuArray, installed, on_fake_gpu

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "benchmarks"))
import gpu_check  # noqa: E402

no_gpu = pytest.mark.skipif(ember.cuda.is_available(), reason="checks the no-GPU behaviour")


@pytest.fixture
def fake_cuda():
    with installed() as backend:
        yield backend


# -- without a GPU ------------------------------------------------------------------------

def _run_with_stub_cupy(tmp_path, stub, code):
    """Run `code` in a fresh Python whose `import cupy` finds `stub` (a module's source)."""
    (tmp_path / "cupy").mkdir()
    (tmp_path / "cupy" / "__init__.py").write_text(stub)
    root = os.path.join(os.path.dirname(__file__), "..", "..")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(tmp_path), os.path.abspath(root)]))
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                          text=True)


def test_import_ember_does_not_import_cupy(tmp_path):
    result = _run_with_stub_cupy(tmp_path, "raise SystemExit('cupy was imported')",
                                 "import ember; ember.zeros(2).sum().item()")
    assert result.returncode == 0, result.stderr


def test_cupy_without_a_driver_is_quietly_unavailable(tmp_path):
    stub = ("__version__ = '14.0'\n"
            "class _Runtime:\n"
            "    def getDeviceCount(self):\n"
            "        raise RuntimeError('cudaErrorInsufficientDriver')\n"
            "class cuda:\n"
            "    runtime = _Runtime()\n")
    code = ("import ember\n"
            "assert ember.cuda.is_available() is False and ember.cuda.device_count() == 0\n"
            "try:\n"
            "    ember.ones(2, device='cuda')\n"
            "except RuntimeError as error:\n"
            "    print(error)\n")
    result = _run_with_stub_cupy(tmp_path, stub, code)
    assert result.returncode == 0, result.stderr
    assert "CuPy 14.0 is installed but found no usable GPU driver" in result.stdout
    assert "cudaErrorInsufficientDriver" in result.stdout


@no_gpu
def test_without_gpu_cuda_is_quietly_unavailable():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert ember.cuda.is_available() is False
        assert ember.cuda.device_count() == 0
        assert ember.cuda.is_bf16_supported() is False
        ember.cuda.manual_seed(0)        # ignored, as in torch
        ember.cuda.manual_seed_all(0)
        ember.cuda.empty_cache()
        assert ember.cuda.is_initialized() is False


@no_gpu
@pytest.mark.parametrize("make", [
    lambda: ember.ones(2, device="cuda"),
    lambda: ember.tensor([1.0], device="cuda:0"),
    lambda: ember.ones(2).cuda(),
    lambda: ember.ones(2).to("cuda"),
    lambda: ember.nn.Linear(2, 2).cuda(),
    lambda: ember.cuda.current_device(),
    lambda: ember.cuda.synchronize(),
])
def test_without_gpu_cuda_use_raises_what_to_install(make):
    with pytest.raises(RuntimeError, match=r"CUDA is not available.*pip install ember\[cuda12\]"):
        make()


def test_device_objects():
    assert ember.device("cuda:1").index == 1 and ember.device("cuda:1").type == "cuda"
    assert str(ember.device("cuda", 0)) == "cuda:0"
    assert ember.device("cuda") != ember.device("cuda:0")
    with pytest.raises(RuntimeError, match="Invalid device string"):
        ember.device("cuda:x")


# -- a fake second backend ----------------------------------------------------------------

def test_creation_functions_take_device(fake_cuda):
    made = [ember.zeros(2, 3, device="cuda"), ember.ones(2, device=CUDA0),
            ember.full((2,), 7.0, device="cuda"), ember.empty(3, device="cuda"),
            ember.arange(4, device="cuda"), ember.tensor([1, 2], device="cuda"),
            ember.eye(2, device="cuda"), ember.randn(2, device="cuda"),
            ember.zeros_like(ember.ones(2, device="cuda"))]
    assert all(on_fake_gpu(t) for t in made)
    assert ember.ones(2, device="cuda").tolist() == [1.0, 1.0]


def test_to_cuda_cpu_round_trip_keeps_values_and_gradients(fake_cuda):
    x = ember.randn(3, 4, requires_grad=True)
    y = x.cuda()
    assert on_fake_gpu(y) and y.is_cuda and not y.is_cpu and y.get_device() == 0
    back = y.cpu()
    assert type(back._data) is np.ndarray and back.device == ember.device("cpu")
    np.testing.assert_array_equal(back.detach().numpy(), x.detach().numpy())
    (y * 2).sum().backward()  # the gradient crosses back to the CPU leaf
    assert type(x.grad._data) is np.ndarray
    np.testing.assert_array_equal(x.grad.numpy(), np.full((3, 4), 2.0, np.float32))
    assert on_fake_gpu(x.to("cuda", ember.float64)) and x.to("cuda").dtype == ember.float32


def test_mixing_devices_raises_torchs_error(fake_cuda):
    a, b = ember.ones(2, device="cuda"), ember.ones(2)
    message = ("Expected all tensors to be on the same device, but found at least two "
               "devices, cuda:0 and cpu!")
    with pytest.raises(RuntimeError, match=message):
        a + b
    with pytest.raises(RuntimeError, match="cpu and cuda:0"):
        ember.matmul(ember.ones(2, 2), ember.ones(2, 2, device="cuda"))


def test_cuda_tensor_conversions(fake_cuda):
    x = ember.tensor([1.5, 2.0], device="cuda")
    assert x.tolist() == [1.5, 2.0]
    assert ember.tensor(3.0, device="cuda").item() == 3.0
    assert "device='cuda:0'" in repr(x)
    with pytest.raises(TypeError, match="can't convert cuda:0 device type tensor to numpy"):
        x.numpy()


def test_module_to_cuda_moves_parameters_in_place(fake_cuda):
    model = ember.nn.Sequential(ember.nn.Linear(3, 4), ember.nn.BatchNorm1d(4))
    weight = model[0].weight
    optimizer = ember.optim.SGD(model.parameters(), lr=0.1)
    model.cuda()
    assert model[0].weight is weight and on_fake_gpu(weight)
    assert on_fake_gpu(model[1].running_mean)
    loss = model(ember.randn(5, 3, device="cuda")).square().mean()
    loss.backward()
    before = weight.detach().cpu().numpy().copy()
    optimizer.step()
    assert on_fake_gpu(weight) and not np.array_equal(weight.detach().cpu().numpy(), before)
    model.to("cpu")
    assert type(weight._data) is np.ndarray


def test_core_ops_match_the_cpu_on_a_second_backend(fake_cuda):
    # op code reaches its array module only through xp: every core op runs on the fake
    # device and matches the CPU, forward and gradients
    assert gpu_check.check_core_ops("cuda", report=lambda line: None) == []


def test_cnn_trains_the_same_on_a_second_backend(fake_cuda):
    cpu = gpu_check.train_cnn("cpu", steps=4)
    gpu = gpu_check.train_cnn("cuda", steps=4)
    np.testing.assert_allclose(gpu, cpu, rtol=1e-6)
    assert cpu[-1] < cpu[0]


def test_fake_backend_refuses_host_arrays():
    # the fake must catch what CuPy catches, or the sweep above proves nothing
    with pytest.raises(TypeError, match="host numpy array"):
        np.ones(2).view(FakeGpuArray) + np.ones(2)


# -- flags --------------------------------------------------------------------------------

def test_matmul_precision_flags(monkeypatch):
    from ember.backend import cupy_backend
    pushed = []
    monkeypatch.setattr(cupy_backend, "set_matmul_tf32", pushed.append)
    assert ember.get_float32_matmul_precision() == "highest"
    assert ember.backends.cuda.matmul.allow_tf32 is False
    try:
        ember.set_float32_matmul_precision("high")
        assert ember.backends.cuda.matmul.allow_tf32 is True
        ember.backends.cuda.matmul.allow_tf32 = False
        assert ember.get_float32_matmul_precision() == "highest"
        assert pushed == [True, False]
        with pytest.warns(UserWarning, match="is not one of 'highest', 'high', or 'medium'"):
            ember.set_float32_matmul_precision("fast")
        assert ember.get_float32_matmul_precision() == "highest"
        with pytest.raises(AttributeError, match="Unknown attribute foo"):
            ember.backends.cuda.matmul.foo = 1
    finally:
        ember.set_float32_matmul_precision("highest")


def test_cudnn_flags_are_accepted():
    cudnn = ember.backends.cudnn
    assert (cudnn.enabled, cudnn.benchmark, cudnn.deterministic) == (True, False, False)
    cudnn.benchmark = True
    assert ember.backends.cudnn.benchmark is True
    cudnn.benchmark = False


@no_gpu
def test_pin_memory_without_gpu():
    x = ember.ones(3)
    assert x.is_pinned() is False
    with pytest.raises(RuntimeError, match="CUDA is not available"):
        x.pin_memory()
    loader = ember.utils.data.DataLoader(ember.utils.data.TensorDataset(ember.arange(4.0)),
                                         batch_size=2, pin_memory=True)
    with pytest.warns(UserWarning, match="no accelerator is found"):
        batches = list(loader)
    assert [b[0].tolist() for b in batches] == [[0.0, 1.0], [2.0, 3.0]]


def test_mps_probe_answers_false_like_a_machine_without_metal():
    # the usual device pick: cuda, else mps, else cpu
    assert ember.backends.mps.is_available() is False
    assert ember.backends.mps.is_built() is False
    device = "mps" if ember.backends.mps.is_available() else "cpu"
    assert ember.zeros(2, device=device).device.type == "cpu"
