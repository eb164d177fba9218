"""ember.stft / ember.istft (ember/ops/spectral.py) against torch: values, dtypes and the
gradients of the signal and the window, round trips, errors and warnings."""
import re

import numpy as np
import pytest
import torch

import ember
from ember.autograd import gradcheck, gradgradcheck


def _random(shape, dtype, seed=0):
    rng = np.random.default_rng(seed)
    values = rng.normal(size=shape)
    if dtype.startswith("complex"):
        values = values + 1j * rng.normal(size=shape)
    return values.astype(dtype)


def _numpy(tensor):
    if isinstance(tensor, torch.Tensor):
        return tensor.detach().resolve_conj().numpy()
    return np.asarray(tensor.detach()._data)


def _check(fn, arrays, tolerance):
    """fn(lib, *tensors) in ember and torch: same dtype, shape and values, and the same
    gradient of every input under a random linear function of the output."""
    ours = [ember.tensor(a, requires_grad=True) for a in arrays]
    theirs = [torch.tensor(a, requires_grad=True) for a in arrays]
    actual, expected = fn(ember, *ours), fn(torch, *theirs)
    assert str(actual.dtype).split(".")[1] == str(expected.dtype).split(".")[1]
    assert tuple(actual.shape) == tuple(expected.shape)
    np.testing.assert_allclose(_numpy(actual), _numpy(expected), rtol=tolerance,
                               atol=tolerance)
    upstream = _random(tuple(expected.shape), "complex128" if expected.is_complex() else
                       "float64", seed=1)
    grads_ours = ember.autograd.grad(actual, ours, ember.tensor(upstream).to(actual.dtype))
    grads_theirs = torch.autograd.grad(expected, theirs,
                                       torch.tensor(upstream).to(expected.dtype))
    for grad_ours, grad_theirs in zip(grads_ours, grads_theirs):
        np.testing.assert_allclose(_numpy(grad_ours), _numpy(grad_theirs),
                                   rtol=10 * tolerance, atol=10 * tolerance)


STFT_CASES = {
    "defaults": dict(shape=(40,), n_fft=8),
    "batch, hop, win_length": dict(shape=(2, 33), n_fft=8, hop_length=3, win_length=5),
    "odd n_fft, constant pad": dict(shape=(30,), n_fft=7, hop_length=2, pad_mode="constant"),
    "replicate, normalized": dict(shape=(30,), n_fft=6, pad_mode="replicate", normalized=True),
    "circular, two-sided": dict(shape=(2, 30), n_fft=6, pad_mode="circular", onesided=False),
    "not centred": dict(shape=(31,), n_fft=8, hop_length=3, center=False),
    "align_to_window": dict(shape=(31,), n_fft=8, hop_length=2, win_length=6, center=False,
                            align_to_window=True),
    "no window": dict(shape=(24,), n_fft=8, window=False, win_length=6),
}


@pytest.mark.parametrize("case", list(STFT_CASES))
@pytest.mark.parametrize("dtype, window_dtype", [
    ("float32", "float32"), ("float64", "float64"), ("complex128", "float64"),
    ("float64", "complex128"), ("float32", "float64")])
def test_stft(case, dtype, window_dtype):
    kwargs = dict(STFT_CASES[case])
    shape, n_fft = kwargs.pop("shape"), kwargs.pop("n_fft")
    arrays = [_random(shape, dtype)]
    if kwargs.pop("window", True):
        arrays.append(_random((kwargs.get("win_length", n_fft),), window_dtype, seed=2))

    def stft(lib, x, window=None):
        return lib.stft(x, n_fft, window=window, return_complex=True, **kwargs)
    tolerance = 1e-4 if "float32" in (dtype, window_dtype) else 1e-10
    _check(stft, arrays, tolerance)


ISTFT_CASES = {
    "defaults": dict(batch=(), n_fft=8, onesided=None),
    "batch, hop, win_length": dict(batch=(2,), n_fft=8, hop_length=3, win_length=6),
    "odd n_fft, normalized": dict(batch=(), n_fft=7, hop_length=2, normalized=True),
    "not centred, length": dict(batch=(), n_fft=8, center=False, length=20),
    "longer length": dict(batch=(2,), n_fft=8, length=50),
    "two-sided": dict(batch=(), n_fft=8, onesided=False),
    "complex result": dict(batch=(2,), n_fft=6, return_complex=True),
    "no window": dict(batch=(), n_fft=8, window=False),
}


@pytest.mark.parametrize("case", list(ISTFT_CASES))
@pytest.mark.parametrize("dtype", ["complex64", "complex128"])
def test_istft(case, dtype):
    kwargs = dict(ISTFT_CASES[case])
    batch, n_fft = kwargs.pop("batch"), kwargs.pop("n_fft")
    two_sided = kwargs.get("onesided") is False or kwargs.get("return_complex")
    arrays = [_random(batch + (n_fft if two_sided else n_fft // 2 + 1, 9), dtype)]
    if kwargs.pop("window", True):
        window = np.hanning(kwargs.get("win_length", n_fft) + 2)[1:-1] + 0.1
        arrays.append(window.astype("float64" if dtype == "complex128" else "float32"))

    def istft(lib, spectrum, window=None):
        return lib.istft(spectrum, n_fft, window=window, **kwargs)
    _check(istft, arrays, 1e-4 if dtype == "complex64" else 1e-10)


@pytest.mark.parametrize("center, length", [(True, None), (False, 29), (True, 30)])
def test_istft_inverts_stft(center, length):
    x = ember.randn(2, 30, dtype=ember.float64)
    window = ember.hamming_window(8, dtype=ember.float64)  # not 0 at the first sample
    spectrum = ember.stft(x, 8, hop_length=2, window=window, center=center,
                          return_complex=True)
    y = ember.istft(spectrum, 8, hop_length=2, window=window, center=center, length=length)
    assert ember.allclose(y, x[:, :y.shape[1]])


def test_methods_and_the_deprecated_real_output():
    x = ember.randn(20)
    window = ember.hann_window(8)
    spectrum = x.stft(8, window=window, return_complex=True)
    assert ember.equal(spectrum, ember.stft(x, 8, window=window, return_complex=True))
    assert ember.allclose(spectrum.istft(8, window=window, length=20), x, atol=1e-6)
    ember.set_warn_always(True)
    try:
        with pytest.warns(UserWarning, match="return_complex=False is deprecated"):
            pairs = x.stft(8, window=window, return_complex=False)
        with pytest.warns(UserWarning, match="A window was not provided"):
            ember.stft(x, 8, return_complex=True)
        with pytest.warns(UserWarning, match="A window was not provided"):
            ember.istft(spectrum, 8)
        with pytest.warns(UserWarning, match="padded with zeros in the tail"):
            assert ember.istft(spectrum, 8, window=window, length=30).shape == (30,)
    finally:
        ember.set_warn_always(False)
    assert ember.equal(pairs, ember.view_as_real(spectrum))


def test_gradcheck_and_second_order():
    x = ember.randn(2, 20, dtype=ember.float64, requires_grad=True)
    window = ember.rand(6, dtype=ember.float64).add(0.5).requires_grad_()

    def round_trip(signal, w):
        spectrum = ember.stft(signal, 8, hop_length=2, win_length=6, window=w,
                              return_complex=True)
        return ember.istft(spectrum * spectrum.abs(), 8, hop_length=2, win_length=6, window=w)
    assert gradcheck(round_trip, [x, window])
    assert gradgradcheck(round_trip, [x, window])


@pytest.mark.parametrize("call, message", [
    (lambda lib: lib.stft(lib.ones(20), 8), "requires the return_complex parameter"),
    (lambda lib: lib.stft(lib.ones(20), 8, align_to_window=True, return_complex=True),
     "only be set when center = false"),
    (lambda lib: lib.stft(lib.ones(20, dtype=lib.int64), 8, return_complex=True),
     "expected a tensor of floating point or complex values"),
    (lambda lib: lib.stft(lib.ones(2, 2, 20), 8, return_complex=True),
     "expected a 1D or 2D tensor"),
    (lambda lib: lib.stft(lib.ones(20), 32, center=False, return_complex=True),
     "expected 0 < n_fft < 20"),
    (lambda lib: lib.stft(lib.ones(20), 8, hop_length=0, return_complex=True),
     "expected hop_length > 0"),
    (lambda lib: lib.stft(lib.ones(20), 8, win_length=9, return_complex=True),
     "expected 0 < win_length <= n_fft"),
    (lambda lib: lib.stft(lib.ones(20), 8, window=lib.ones(7), return_complex=True),
     "expected a 1D window tensor of size equal to win_length=8"),
    (lambda lib: lib.stft(lib.ones(20, dtype=lib.complex64), 8, onesided=True),
     "Cannot have onesided output"),
    (lambda lib: lib.stft(lib.ones(20, dtype=lib.float16), 8, return_complex=True),
     "FFT doesn't support tensors of type: Half"),
    (lambda lib: lib.stft(lib.ones(20), 8, pad_mode="bad", return_complex=True),
     "Unrecognised padding mode bad"),
    (lambda lib: lib.istft(lib.ones(5, 11), 8), "requires a complex-valued input"),
    (lambda lib: lib.istft(lib.ones(5, 0, dtype=lib.complex64), 8), "cannot be empty"),
    (lambda lib: lib.istft(lib.ones(5, dtype=lib.complex64), 8), "but got -3"),
    (lambda lib: lib.istft(lib.ones(5, 11, dtype=lib.complex64), 10),
     "to match n_fft / 2 + 1 when onesided=True, but got 5"),
    (lambda lib: lib.istft(lib.ones(5, 11, dtype=lib.complex64), 8, onesided=False),
     "to match n_fft when onesided=False, but got 5"),
    (lambda lib: lib.istft(lib.ones(5, 11, dtype=lib.complex64), 8, hop_length=9),
     "expected 0 < hop_length <= win_length"),
    (lambda lib: lib.istft(lib.ones(5, 11, dtype=lib.complex64), 8, win_length=9),
     "expected 0 < win_length <= n_fft"),
    (lambda lib: lib.istft(lib.ones(5, 11, dtype=lib.complex64), 8, window=lib.ones(7)),
     "Invalid window shape"),
    (lambda lib: lib.istft(lib.ones(5, 11, dtype=lib.complex64), 8, return_complex=True),
     "Cannot have onesided output"),
    (lambda lib: lib.istft(lib.ones(5, 11, dtype=lib.complex64), 8, window=lib.zeros(8)),
     "window overlap add min"),
    (lambda lib: lib.istft(lib.ones(5, 11, dtype=lib.complex64), 8,
                           window=lib.ones(8, dtype=lib.complex64)),
     "Complex windows are incompatible with return_complex=False"),
], ids=lambda value: value if isinstance(value, str) else "")
def test_errors(call, message):
    """torch's exception type; both messages say the same thing."""
    with pytest.raises(Exception, match=re.escape(message)) as expected:
        call(torch)
    with pytest.raises(expected.type, match=re.escape(message)):
        call(ember)
