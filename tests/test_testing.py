"""ember.testing.assert_close against torch.testing.assert_close: the same pass or fail, the
same exception type, and the same message (with torch's names swapped for ember's)."""
import numpy as np
import pytest
import torch

import ember

NAN, INF = float("nan"), float("inf")

CASES = [
    (lambda L: L.tensor([1.0, 2, 3, 4]), lambda L: L.tensor([1.0, 2, 3, 5]), {}),
    (lambda L: L.tensor([1.0, 2]), lambda L: L.tensor([1.0, 2 + 1e-6]), {}),
    (lambda L: L.tensor([[1.0, 2], [3, 4]]), lambda L: L.tensor([[1.0, 2], [3, 9]]), {}),
    (lambda L: L.tensor([1.0, 2]), lambda L: L.tensor([1.0, 2, 3]), {}),
    (lambda L: L.tensor([1.0, 2]), lambda L: L.tensor([1.0, 2], dtype=L.float64), {}),
    (lambda L: L.tensor([1.0, 2]), lambda L: L.tensor([1.0, 2], dtype=L.float64),
     {"check_dtype": False}),
    (lambda L: L.tensor([1, 2]), lambda L: L.tensor([1, 3]), {}),
    (lambda L: L.tensor([1, 2]), lambda L: L.tensor([1, 0]), {}),
    (lambda L: L.tensor([True]), lambda L: L.tensor([False]), {}),
    (lambda L: L.tensor([NAN]), lambda L: L.tensor([NAN]), {}),
    (lambda L: L.tensor([NAN, 1.0]), lambda L: L.tensor([NAN, 1.0]), {"equal_nan": True}),
    (lambda L: L.tensor([INF]), lambda L: L.tensor([INF]), {}),
    (lambda L: L.tensor([INF]), lambda L: L.tensor([-INF]), {}),
    (lambda L: L.tensor([1.0], dtype=L.float16), lambda L: L.tensor([1.0009765625],
                                                                    dtype=L.float16), {}),
    (lambda L: L.tensor([1.0], dtype=L.bfloat16), lambda L: L.tensor([1.1], dtype=L.bfloat16),
     {}),
    (lambda L: L.tensor([1.0]), lambda L: L.tensor([1.5]), {"rtol": 0.5, "atol": 0.0}),
    (lambda L: L.tensor([1.0]), lambda L: L.tensor([1.0]), {"rtol": 0.0, "atol": 0.0}),
    (lambda L: L.tensor([1.0]), lambda L: L.tensor([1.1]), {"rtol": 0.0, "atol": 0.0}),
    (lambda L: L.tensor(2.0), lambda L: L.tensor(1.0), {}),
    (lambda L: L.tensor([1.0], requires_grad=True), lambda L: L.tensor([1.0]), {}),
    (lambda L: 1.0, lambda L: 1.0000001, {}),
    (lambda L: 1.0, lambda L: 1.1, {}),
    (lambda L: 1, lambda L: 2, {}),
    (lambda L: 1, lambda L: 1.0, {}),
    (lambda L: [L.tensor(1.0)], lambda L: [L.tensor(2.0)], {}),
    (lambda L: [L.tensor(1.0)], lambda L: [L.tensor(1.0), L.tensor(1.0)], {}),
    (lambda L: {"a": L.tensor(1.0)}, lambda L: {"a": L.tensor(1.0)}, {}),
    (lambda L: {"a": L.tensor(1.0)}, lambda L: {"b": L.tensor(1.0)}, {}),
    (lambda L: {"a": [L.tensor([1.0, 2])]}, lambda L: {"a": [L.tensor([1.0, 3])]}, {}),
    (lambda L: np.array([1.0]), lambda L: np.array([1.0]), {}),
    (lambda L: np.array([1.0]), lambda L: np.array([2.0]), {}),
    (lambda L: L.tensor([1.0]), lambda L: np.array([1.0]), {}),
    (lambda L: L.tensor(1.0), lambda L: 1.0, {}),
    (lambda L: "a", lambda L: "a", {}),
    (lambda L: L.tensor([1.0]), lambda L: L.tensor([2.0]), {"msg": "custom"}),
    (lambda L: L.tensor([1.0]), lambda L: L.tensor([2.0]), {"msg": lambda m: "X" + m}),
    (lambda L: L.tensor([1.0]), lambda L: L.tensor([1.0]), {"rtol": 1e-3}),
]


def _outcome(lib, actual, expected, kwargs):
    try:
        lib.testing.assert_close(actual(lib), expected(lib), **kwargs)
    except Exception as error:  # noqa: BLE001 (the type is what is compared)
        return type(error), str(error).replace("torch.", "ember.").replace("_tensor.", "")
    return None, None


@pytest.mark.parametrize("index", range(len(CASES)))
def test_assert_close_matches_torch(index):
    actual, expected, kwargs = CASES[index]
    ours = _outcome(ember, actual, expected, kwargs)
    theirs = _outcome(torch, actual, expected, kwargs)
    assert ours[0] is theirs[0], f"{ours} vs torch {theirs}"
    assert ours[1] == theirs[1]
