import os

# pytest -n 2 runs two worker processes on two cores: one BLAS/OpenMP thread each, or they
# oversubscribe the cores (torch's spinning threads slow to a crawl under contention).
for _variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

import pytest  # noqa: E402
import torch  # noqa: E402

import ember  # noqa: E402

torch.set_num_threads(1)


def _devices():
    devices = ["cpu"]
    cuda = getattr(ember, "cuda", None)
    if cuda is not None and cuda.is_available():
        devices.append("cuda")
    return devices


@pytest.fixture(params=_devices())
def device(request):
    """Every test that takes `device` runs on the CPU, and on the GPU where one is present."""
    return request.param


@pytest.fixture(autouse=True)
def _fresh_state():
    """Each test starts with the default dtype, grad mode on and a fixed seed."""
    ember.manual_seed(0)
    yield
    ember.set_default_dtype(ember.float32)
    ember.set_grad_enabled(True)
