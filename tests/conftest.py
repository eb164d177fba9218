import pytest

import ember


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
