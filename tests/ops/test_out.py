"""out= of the structured ops (ember/ops/_out.py): torch refuses an out of another dtype and
an out that overlaps an input or itself, with RuntimeError, where arithmetic casts."""
import numpy as np
import pytest
import torch

import ember

X = np.arange(12, dtype=np.float32).reshape(3, 4)[::-1].copy()
INDEX = np.array([[0, 1], [1, 0], [0, 0]])

# name -> fn(lib, x, out_dtype) calling the op with an out of out_dtype
WRONG_DTYPE = {
    "gather": lambda lib, x, d: lib.gather(x, 1, lib.tensor(INDEX), out=lib.empty(3, 2, dtype=d)),
    "index_select": lambda lib, x, d: lib.index_select(x, 0, lib.tensor([0]),
                                                       out=lib.empty(1, 4, dtype=d)),
    "take": lambda lib, x, d: lib.take(x, lib.tensor([0]), out=lib.empty(1, dtype=d)),
    "masked_select": lambda lib, x, d: lib.masked_select(x, x > 2, out=lib.empty(0, dtype=d)),
    "take_along_dim": lambda lib, x, d: lib.take_along_dim(x, lib.tensor(INDEX), 1,
                                                           out=lib.empty(3, 2, dtype=d)),
    "aminmax": lambda lib, x, d: lib.aminmax(x, dim=0, out=(lib.empty(4, dtype=d),
                                                            lib.empty(4, dtype=d))),
    "max": lambda lib, x, d: lib.max(x, 0, out=(lib.empty(4, dtype=d),
                                                lib.empty(4, dtype=lib.long))),
    "amax": lambda lib, x, d: lib.amax(x, 0, out=lib.empty(4, dtype=d)),
    "sort": lambda lib, x, d: lib.sort(x, 0, out=(lib.empty(3, 4, dtype=d),
                                                  lib.empty(3, 4, dtype=lib.long))),
    "topk": lambda lib, x, d: lib.topk(x, 1, out=(lib.empty(3, 1, dtype=d),
                                                  lib.empty(3, 1, dtype=lib.long))),
    "kthvalue": lambda lib, x, d: lib.kthvalue(x, 1, out=(lib.empty(3, dtype=d),
                                                          lib.empty(3, dtype=lib.long))),
    "tril": lambda lib, x, d: lib.tril(x, out=lib.empty(3, 4, dtype=d)),
    "multinomial": lambda lib, x, d: lib.multinomial(x + 1, 1, out=lib.empty(3, 1, dtype=d)),
    "argmax": lambda lib, x, d: lib.argmax(x, 0, out=lib.empty(4, dtype=lib.int32)),
    "nonzero": lambda lib, x, d: lib.nonzero(x, out=lib.empty(4, dtype=lib.int32)),
}


@pytest.mark.parametrize("name", list(WRONG_DTYPE))
def test_out_of_another_dtype_raises(name):
    for lib in (torch, ember):
        with pytest.raises(RuntimeError):
            WRONG_DTYPE[name](lib, lib.tensor(X), lib.float64)


@pytest.mark.parametrize("name", ["gather", "take", "masked_select", "sort", "kthvalue",
                                  "tril", "aminmax"])
def test_out_of_the_right_dtype_is_written(name):
    fn = WRONG_DTYPE[name]
    expected = fn(torch, torch.tensor(X), torch.float32)
    actual = fn(ember, ember.tensor(X), ember.float32)
    for e, t in zip(actual if isinstance(actual, tuple) else [actual],
                    expected if isinstance(expected, tuple) else [expected]):
        np.testing.assert_array_equal(np.asarray(e._data), t.numpy())


OVERLAP = {
    "gather": lambda lib, x: lib.gather(x[0], 0, lib.tensor([0, 1]), out=x[0, :2]),
    "index_select": lambda lib, x: lib.index_select(x, 0, lib.tensor([0, 1]), out=x[1:]),
    "take": lambda lib, x: lib.take(x, lib.tensor([0, 1]), out=x[0, :2]),
    "masked_select": lambda lib, x: lib.masked_select(x[0], x[0] > 0, out=x[0]),
    "cat": lambda lib, x: lib.cat([x, x], out=x),
    "kthvalue": lambda lib, x: lib.kthvalue(x[0], 1, out=(x[0], lib.empty((), dtype=lib.long))),
    "expanded": lambda lib, x: lib.index_select(x, 0, lib.tensor([0, 1]),
                                                out=lib.empty(1, 4).expand(2, 4)),
    "bernoulli": lambda lib, x: lib.bernoulli(x.clamp(0, 1), out=lib.empty(1, 4).expand(3, 4)),
}


@pytest.mark.parametrize("name", list(OVERLAP))
def test_out_overlapping_memory_raises(name):
    for lib in (torch, ember):
        with pytest.raises(RuntimeError, match="unsupported operation"):
            OVERLAP[name](lib, lib.tensor(X))


def test_cat_out_of_a_lower_category_is_a_type_error():
    for lib in (torch, ember):
        x = lib.tensor(X)
        with pytest.raises(TypeError):
            lib.cat([x, x], out=lib.empty(6, 4, dtype=lib.int64))
        assert lib.cat([x, x], out=lib.empty(6, 4, dtype=lib.float64)).dtype == lib.float64
