"""Window functions (ember/ops/windows.py) against torch: values for every length and dtype,
factory arguments, errors."""
import numpy as np
import pytest
import torch

import ember
from oracle import to_numpy

# -- windows ----------------------------------------------------------------------------------

WINDOWS = {
    "hann_window": {}, "hamming_window": {}, "blackman_window": {}, "bartlett_window": {},
    "kaiser_window": {},
    "hamming_window(alpha, beta)": {"alpha": 0.3, "beta": 0.2},
    "kaiser_window(beta)": {"beta": 3.5},
}
# torch's float32 cos (vectorised) and Cephes i0 round differently from libm in the last bit
ULPS = {"float64": (4e-16, 1e-16), "float32": (3e-7, 1e-7)}


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("periodic", [True, False])
@pytest.mark.parametrize("length", [0, 1, 2, 7, 16])
@pytest.mark.parametrize("case", list(WINDOWS))
def test_window(case, length, periodic, dtype):
    name, kwargs = case.split("(")[0], WINDOWS[case]
    expected = getattr(torch, name)(length, periodic, dtype=getattr(torch, dtype), **kwargs)
    actual = getattr(ember, name)(length, periodic, dtype=getattr(ember, dtype), **kwargs)
    assert actual.dtype == getattr(ember, dtype) and actual.shape == expected.shape
    rtol, atol = (0, 0) if name == "bartlett_window" else ULPS[dtype]
    np.testing.assert_allclose(to_numpy(actual), to_numpy(expected), rtol=rtol, atol=atol,
                               err_msg=f"{case} length={length} periodic={periodic} {dtype}")


def test_window_defaults_and_factory_arguments():
    np.testing.assert_array_equal(to_numpy(ember.hann_window(8)), to_numpy(torch.hann_window(8)))
    window = ember.hamming_window(5, requires_grad=True)
    assert window.requires_grad and window.dtype == ember.float32 and window.is_leaf
    assert ember.blackman_window(4, dtype=ember.float16).dtype == ember.float16
    assert ember.kaiser_window(5, False, 2.0).tolist() == pytest.approx(
        torch.kaiser_window(5, False, 2.0).tolist(), rel=1e-6)


@pytest.mark.parametrize("name", ["hann_window", "bartlett_window", "kaiser_window"])
def test_window_errors(name):
    with pytest.raises(RuntimeError, match="non-negative"):
        getattr(ember, name)(-1)
    with pytest.raises(RuntimeError, match="floating point"):
        getattr(ember, name)(3, dtype=ember.int64)
