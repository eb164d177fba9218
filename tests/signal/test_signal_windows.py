"""torch.signal.windows (ember/signal/windows.py) against torch: every window, length,
symmetry and dtype, the extra parameters, and the errors."""
import numpy as np
import pytest
import torch

import ember
from oracle import to_numpy

WINDOWS = {
    "bartlett": {}, "blackman": {}, "cosine": {}, "exponential": {}, "gaussian": {},
    "general_hamming": {}, "hamming": {}, "hann": {}, "kaiser": {}, "nuttall": {},
    "general_cosine": {"a": [0.5, 0.3, 0.2]}, "gaussian(std)": {"std": 2.5},
    "kaiser(beta)": {"beta": 3.}, "exponential(tau)": {"tau": 3.},
    "general_hamming(alpha)": {"alpha": 0.6},
}
TOLERANCE = {"float32": (1e-6, 1e-7), "float64": (1e-13, 1e-15)}


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("sym", [True, False])
@pytest.mark.parametrize("M", [0, 1, 2, 7, 10])
@pytest.mark.parametrize("case", list(WINDOWS))
def test_window(case, M, sym, dtype):
    name, kwargs = case.split("(")[0], WINDOWS[case]
    expected = getattr(torch.signal.windows, name)(M, sym=sym, dtype=getattr(torch, dtype),
                                                   **kwargs)
    actual = getattr(ember.signal.windows, name)(M, sym=sym, dtype=getattr(ember, dtype),
                                                 **kwargs)
    assert actual.dtype == getattr(ember, dtype) and actual.shape == expected.shape
    rtol, atol = TOLERANCE[dtype]
    np.testing.assert_allclose(to_numpy(actual), to_numpy(expected), rtol=rtol, atol=atol)


@pytest.mark.parametrize("M", [1, 6])
def test_exponential_with_a_center(M):
    expected = torch.signal.windows.exponential(M, center=1., tau=2., sym=False)
    actual = ember.signal.windows.exponential(M, center=1., tau=2., sym=False)
    np.testing.assert_allclose(to_numpy(actual), to_numpy(expected), rtol=1e-6)


def test_default_dtype_and_requires_grad():
    window = ember.signal.windows.hann(5, requires_grad=True)
    assert window.dtype == ember.float32 and window.requires_grad


@pytest.mark.parametrize("call", [
    lambda lib: lib.signal.windows.hann(-1),
    lambda lib: lib.signal.windows.hann(4, dtype=lib.int64),
    lambda lib: lib.signal.windows.gaussian(4, std=0.),
    lambda lib: lib.signal.windows.exponential(4, tau=-1.),
    lambda lib: lib.signal.windows.exponential(4, center=1.),
    lambda lib: lib.signal.windows.kaiser(4, beta=-1.),
    lambda lib: lib.signal.windows.general_cosine(4, a=[]),
])
def test_window_errors(call):
    for lib in (torch, ember):
        with pytest.raises(ValueError):
            call(lib)
    for lib in (torch, ember):
        with pytest.raises(TypeError):
            lib.signal.windows.general_cosine(4, a=0.5)


@pytest.mark.parametrize("name", ["hann", "kaiser", "general_hamming", "nuttall", "cosine"])
def test_window_of_a_sparse_layout_raises(name):
    for lib in (torch, ember):
        with pytest.raises(ValueError, match="strided"):
            getattr(lib.signal.windows, name)(3, layout=torch.sparse_coo)
