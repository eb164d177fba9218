"""torch.fft's transforms (ember/fft.py over ember/ops/spectral.py) against torch: values,
dtypes, gradients under a random upstream gradient, second-order gradients, errors, out=.

(The shifts are tested in tests/test_fft.py, the frequencies in test_fft_freq.py; this file
is not test_fft.py because pytest would take the two files of one name for one module.)
"""
import re

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import ember
from ember.autograd import gradcheck, gradgradcheck

ONE_DIM = ["fft", "ifft", "rfft", "irfft", "hfft", "ihfft"]
N_DIM = ["fft2", "ifft2", "fftn", "ifftn", "rfft2", "irfft2", "rfftn", "irfftn", "hfft2",
         "ihfft2", "hfftn", "ihfftn"]
DTYPES = ["float32", "float64", "complex64", "complex128"]
TOLERANCE = {"float32": 1e-4, "complex64": 1e-4, "float64": 1e-10, "complex128": 1e-10}


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


def _check(fn, array, label):
    """fn(lib, x) for lib in ember and torch: the same error type, or the same dtype, shape
    and values, and the same gradient of a random linear function of the output."""
    tolerance = TOLERANCE[str(array.dtype)]
    ours, theirs = ember.tensor(array, requires_grad=True), torch.tensor(array,
                                                                      requires_grad=True)
    try:
        expected = fn(torch, theirs)
    except (RuntimeError, IndexError) as error:
        with pytest.raises(type(error), match="^" + re.escape(str(error))):
            fn(ember, ours)
        return
    actual = fn(ember, ours)
    assert str(actual.dtype).split(".")[1] == str(expected.dtype).split(".")[1], label
    assert tuple(actual.shape) == tuple(expected.shape), label
    np.testing.assert_allclose(_numpy(actual), _numpy(expected), rtol=tolerance,
                               atol=tolerance, err_msg=label)
    upstream = _random(tuple(expected.shape), "complex128" if expected.is_complex() else
                       "float64", seed=1)
    (grad_ours,) = ember.autograd.grad(actual, ours, ember.tensor(upstream).to(actual.dtype))
    (grad_theirs,) = torch.autograd.grad(expected, theirs,
                                         torch.tensor(upstream).to(expected.dtype))
    np.testing.assert_allclose(_numpy(grad_ours), _numpy(grad_theirs), rtol=10 * tolerance,
                               atol=10 * tolerance, err_msg=label + " gradient")


@pytest.mark.parametrize("name", ONE_DIM)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("n, dim, norm", [(None, -1, None), (3, 0, "ortho"),
                                          (9, -1, "forward"), (1, 1, "backward"),
                                          (None, 0, "ortho")])
def test_one_dimensional(name, dtype, n, dim, norm):
    _check(lambda lib, x: getattr(lib.fft, name)(x, n=n, dim=dim, norm=norm),
           _random((4, 6), dtype), f"{name} {dtype} n={n} dim={dim} norm={norm}")


@st.composite
def _n_dim_arguments(draw):
    shape = draw(st.lists(st.integers(1, 5), min_size=1, max_size=3))
    dims = draw(st.none() | st.permutations(range(len(shape))).flatmap(
        lambda order: st.integers(1, len(order)).map(lambda k: list(order[:k]))))
    count = len(shape) if dims is None else len(dims)
    s = draw(st.none() | st.lists(st.sampled_from([-1, 1, 2, 3, 4, 7]), min_size=count,
                                  max_size=count))
    return tuple(shape), s, dims, draw(st.sampled_from([None, "ortho", "forward"]))


@pytest.mark.parametrize("name", N_DIM)
@settings(max_examples=12, deadline=None)
@given(arguments=_n_dim_arguments(), dtype=st.sampled_from(DTYPES))
def test_n_dimensional(name, arguments, dtype):
    shape, s, dims, norm = arguments
    if name.endswith("2"):  # the 2-D forms take two dims
        dims = None if dims is None or len(dims) != 2 else dims
        s = None if s is None or len(s) != 2 else s
    kwargs = {} if dims is None else {"dim": dims}
    _check(lambda lib, x: getattr(lib.fft, name)(x, s=s, norm=norm, **kwargs),
           _random(shape, dtype), f"{name} {dtype} {shape} s={s} dim={dims} norm={norm}")


@pytest.mark.parametrize("name", ["fft", "rfft", "ihfft", "irfft", "hfft", "fftn", "rfft2"])
@pytest.mark.parametrize("dtype", ["int64", "bool", "float16", "bfloat16"])
@pytest.mark.parametrize("default", ["float32", "float64"])
def test_input_dtypes(name, dtype, default):
    """Integers and bools are transformed in the default float dtype; the half types raise, as
    on torch's CPU."""
    results = []
    for lib in (ember, torch):
        lib.set_default_dtype(getattr(lib, default))
        try:
            results.append(str(getattr(lib.fft, name)(lib.ones(4, 4, dtype=getattr(lib, dtype)))
                               .dtype).split(".")[1])
        except RuntimeError as error:
            results.append(str(error))
        finally:
            lib.set_default_dtype(lib.float32)
    assert results[0] == results[1]


@pytest.mark.parametrize("call", [
    lambda lib: lib.fft.fft(lib.ones(4), norm="Ortho"),
    lambda lib: lib.fft.fft(lib.ones(4), n=0),
    lambda lib: lib.fft.rfft(lib.ones(4), n=-1),
    lambda lib: lib.fft.fft(lib.ones(4), dim=1),
    lambda lib: lib.fft.fft(lib.tensor(1.)),
    lambda lib: lib.fft.rfft(lib.ones(4, dtype=lib.complex64)),
    lambda lib: lib.fft.rfft2(lib.ones(4, 4, dtype=lib.complex64)),
    lambda lib: lib.fft.ihfft(lib.ones(4, dtype=lib.complex64)),
    lambda lib: lib.fft.ihfftn(lib.ones(4, 4, dtype=lib.complex64)),
    lambda lib: lib.fft.rfftn(lib.tensor(1.)),
    lambda lib: lib.fft.irfftn(lib.ones(3), dim=()),
    lambda lib: lib.fft.irfft(lib.ones(1, dtype=lib.complex64)),
    lambda lib: lib.fft.fftn(lib.ones(3, 4), s=(2, 3), dim=(0,)),
    lambda lib: lib.fft.fftn(lib.ones(3, 4), s=(2, 3, 4)),
    lambda lib: lib.fft.fftn(lib.ones(3, 4), dim=(0, -2)),
    lambda lib: lib.fft.fftn(lib.ones(3, 4), s=(-1, 0)),
    lambda lib: lib.fft.fft2(lib.ones(3)),
    lambda lib: lib.fft.fft([1., 2.]),
    lambda lib: lib.fft.fft(lib.ones(4), out=lib.empty(4)),
    lambda lib: lib.fft.irfft(lib.ones(3, dtype=lib.complex64), out=lib.empty(4, dtype=lib.int64)),
    lambda lib: lib.fft.hfft2(lib.ones(3, 3, dtype=lib.complex64),
                              out=lib.empty(0, dtype=lib.complex64)),
    lambda lib: lib.fft.fft(lib.ones(4, requires_grad=True),
                            out=lib.empty(4, dtype=lib.complex64)),
], ids=lambda call: "")
def test_errors(call):
    """The exception torch raises, with its message where the message is torch's own."""
    with pytest.raises(Exception) as expected:
        call(torch)
    with pytest.raises(expected.type) as actual:
        call(ember)
    if "out=..." not in str(actual.value):
        assert str(actual.value).replace("ember", "torch") == str(expected.value)


@pytest.mark.parametrize("name, dtype, out_dtype", [
    ("fft", "float32", "complex128"), ("fft", "complex128", "complex64"),
    ("irfft", "complex64", "float64"), ("rfftn", "float64", "complex128"),
    ("ihfft2", "float32", "complex64"), ("hfft", "complex64", "float32")])
def test_out(name, dtype, out_dtype):
    """out= takes the result cast to its dtype, and is what the call returns."""
    array = _random((3, 4), dtype)
    expected = getattr(torch.fft, name)(torch.tensor(array))
    out = ember.empty(0, dtype=getattr(ember, out_dtype))
    assert getattr(ember.fft, name)(ember.tensor(array), out=out) is out
    assert str(out.dtype) == "ember." + out_dtype and tuple(out.shape) == tuple(expected.shape)
    np.testing.assert_allclose(_numpy(out), _numpy(expected), rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("fn", [
    lambda t: ember.fft.fft(t, n=6, norm="ortho"),
    lambda t: ember.fft.ifft(t, n=3, dim=0),
    lambda t: ember.fft.rfft2(t.real, norm="forward"),
    lambda t: ember.fft.irfft(t, n=7),
    lambda t: ember.fft.irfftn(t, s=(3, 6)),
    lambda t: ember.fft.hfftn(t),
    lambda t: ember.fft.ihfftn(t.real, s=(3, 4)),
], ids=["fft", "ifft", "rfft2", "irfft", "irfftn", "hfftn", "ihfftn"])
def test_gradcheck_and_second_order(fn):
    z = ember.tensor(_random((4, 5), "complex128"), requires_grad=True)
    assert gradcheck(fn, [z])
    assert gradgradcheck(fn, [z])


def test_round_trips_and_a_real_input_gets_a_real_gradient():
    x = ember.randn(3, 8, dtype=ember.float64, requires_grad=True)
    assert ember.allclose(ember.fft.irfft(ember.fft.rfft(x), n=8), x)
    assert ember.allclose(ember.fft.ihfft(ember.fft.hfft(ember.fft.ihfft(x), n=8)),
                          ember.fft.ihfft(x))
    assert ember.allclose(ember.fft.ifftn(ember.fft.fftn(x, norm="ortho"), norm="ortho").real,
                          x)
    ember.fft.fft(x).abs().sum().backward()
    assert x.grad.dtype is ember.float64


def _spectral_convolution_steps(lib, x, w, y, steps=4):
    """An FNO layer (rfft2 -> low modes times complex weights -> irfft2) trained with Adam."""
    x, y = lib.tensor(x), lib.tensor(y)
    weight = lib.nn.Parameter(lib.tensor(w))
    optimizer = lib.optim.Adam([weight], lr=1e-2)
    losses = []
    for _ in range(steps):
        modes = lib.fft.rfft2(x, norm="ortho")[:, :, :4, :3]
        mixed = lib.einsum("bixy,ioxy->boxy", modes, weight)  # (B, out, 4, 3)
        spectrum = lib.zeros(x.shape[0], weight.shape[1], x.shape[2], x.shape[3] // 2 + 1,
                             dtype=mixed.dtype)
        spectrum[:, :, :4, :3] = mixed
        loss = ((lib.fft.irfft2(spectrum, s=x.shape[-2:], norm="ortho") - y) ** 2).mean()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses, _numpy(weight)


def test_spectral_convolution_trains_as_torch():
    x, y = _random((2, 3, 8, 8), "float32"), _random((2, 2, 8, 8), "float32", seed=2)
    w = 0.1 * _random((3, 2, 4, 3), "complex64", seed=3)
    ours, theirs = (_spectral_convolution_steps(lib, x, w, y) for lib in (ember, torch))
    np.testing.assert_allclose(ours[0], theirs[0], rtol=1e-4)
    np.testing.assert_allclose(ours[1], theirs[1], rtol=1e-4, atol=1e-6)
    assert ours[0][-1] < ours[0][0]
