"""bincount and histc against torch: values, dtypes, ranges, and the errors torch raises."""
import numpy as np
import pytest
import torch

import ember
from oracle import assert_close


def _same(make):
    expected, actual = make(torch), make(ember)
    assert actual.dtype.name == str(expected.dtype).replace("torch.", "")
    assert_close(actual, expected, 0.0, 0.0, "count op")


def _same_error(make, error):
    for lib in (ember, torch):
        with pytest.raises(error):
            make(lib)


@pytest.mark.parametrize("values", [[0, 1, 1, 3], [], [5], [2, 2, 2, 0]])
@pytest.mark.parametrize("dtype", ["int64", "int32", "uint8", "int8"])
def test_bincount(values, dtype):
    _same(lambda lib: lib.bincount(lib.tensor(values, dtype=getattr(lib, dtype))))
    _same(lambda lib: lib.tensor(values, dtype=getattr(lib, dtype)).bincount(minlength=7))


@pytest.mark.parametrize("weight_dtype", ["float32", "float64", "float16", "int32", "int64"])
def test_bincount_weights(weight_dtype):
    weights = [0.5, 2.0, 1.25, 3.0]
    _same(lambda lib: lib.bincount(lib.tensor([0, 1, 1, 3]),
                                   weights=lib.tensor(weights).to(getattr(lib, weight_dtype))))
    _same(lambda lib: lib.bincount(lib.tensor([2, 0, 0, 2]), lib.tensor(weights), minlength=5))


def test_bincount_errors():
    _same_error(lambda lib: lib.bincount(lib.tensor([-1, 2])), RuntimeError)
    _same_error(lambda lib: lib.bincount(lib.tensor([[1, 2]])), RuntimeError)
    _same_error(lambda lib: lib.bincount(lib.tensor([1.0])), NotImplementedError)
    _same_error(lambda lib: lib.bincount(lib.tensor([True])), NotImplementedError)
    _same_error(lambda lib: lib.bincount(lib.tensor([1, 2]), lib.ones(3)), RuntimeError)
    _same_error(lambda lib: lib.bincount(lib.tensor([1, 2]), minlength=-1), RuntimeError)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("bins, low, high", [(100, 0, 0), (4, 0, 3), (7, -1.5, 1.5), (1, 0, 0),
                                             (5, 0.25, 0.5)])
def test_histc(dtype, bins, low, high):
    data = np.random.default_rng(0).normal(size=(6, 50)).astype(dtype)
    _same(lambda lib: lib.histc(lib.tensor(data), bins=bins, min=low, max=high))
    _same(lambda lib: lib.tensor(data).histc(bins, low, high))


def test_histc_edges():
    _same(lambda lib: lib.histc(lib.tensor([1.0, 1.0]), bins=3))  # equal data: widened by 1
    _same(lambda lib: lib.histc(lib.tensor([]), bins=3))
    _same(lambda lib: lib.histc(lib.tensor([1.0, float("nan"), 5.0, 6.0, -1.0]), 3, 0, 5))
    _same(lambda lib: lib.histc(lib.tensor([0.0, 1.0, 2.0, 3.0]), 3, 0, 3))  # max: last bin
    out = ember.empty(3)
    assert ember.histc(ember.tensor([1.0, 2.0]), 3, out=out) is out


def test_histc_errors():
    _same_error(lambda lib: lib.histc(lib.tensor([1, 2])), NotImplementedError)
    _same_error(lambda lib: lib.histc(lib.tensor([1.0, 2.0]), bins=0), RuntimeError)
    _same_error(lambda lib: lib.histc(lib.tensor([1.0, 2.0]), bins=3, min=3, max=1),
                RuntimeError)
