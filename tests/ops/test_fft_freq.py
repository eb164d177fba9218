"""ember.fft.fftfreq and rfftfreq against torch."""
import pytest
import torch

import ember


@pytest.mark.parametrize("name", ["fftfreq", "rfftfreq"])
@pytest.mark.parametrize("n, d", [(1, 1.0), (4, 1.0), (5, 0.3), (10, 1 / 3), (7, 2.5)])
@pytest.mark.parametrize("dtype", [None, "float32", "float64"])
def test_fft_frequencies(name, n, d, dtype):
    expected = getattr(torch.fft, name)(n, d, **({} if dtype is None else
                                                 {"dtype": getattr(torch, dtype)}))
    actual = getattr(ember.fft, name)(n, d, **({} if dtype is None else
                                               {"dtype": getattr(ember, dtype)}))
    assert str(actual.dtype).split(".")[-1] == str(expected.dtype).split(".")[-1]
    assert actual.tolist() == expected.tolist()


def test_fft_frequencies_keywords():
    out = ember.zeros(4, dtype=ember.float64)
    assert ember.fft.fftfreq(4, d=0.5, out=out) is out
    assert out.tolist() == torch.fft.fftfreq(4, d=0.5).tolist()
    assert ember.fft.rfftfreq(4, requires_grad=True, layout=ember.strided).requires_grad
    with pytest.raises(NotImplementedError):
        ember.fft.fftfreq(4, layout=ember.sparse_coo)
