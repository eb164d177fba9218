"""foreach / fused / capturable / differentiable checked as torch checks them: the same
exception type for every optimizer and every pair of flags, and the same update otherwise."""
import inspect
import itertools
import warnings

import numpy as np
import pytest
import torch

import ember

OPTIMIZERS = ["Adadelta", "Adagrad", "Adam", "AdamW", "Adamax", "ASGD", "NAdam", "RAdam",
              "RMSprop", "Rprop", "SGD"]
FLAGS = ("foreach", "fused", "capturable", "differentiable")


def _cases():
    for name in OPTIMIZERS:
        accepted = inspect.signature(getattr(torch.optim, name).__init__).parameters
        flags = [f for f in FLAGS if f in accepted]
        for size in (1, 2):
            for chosen in itertools.combinations(flags, size):
                yield name, {flag: True for flag in chosen}


def _step(lib, name, flags):
    """The parameter after one step, or the type of the exception raised."""
    param = lib.nn.Parameter(lib.tensor([1.0, -2.0, 0.5]))
    try:
        optimizer = getattr(lib.optim, name)([param], lr=0.1, **flags)
        param.grad = lib.tensor([0.5, -1.0, 2.0])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            optimizer.step()
    except Exception as error:  # noqa: BLE001 - the type is what is compared
        return type(error)
    return np.asarray(param.detach().tolist())


@pytest.mark.parametrize("name,flags", list(_cases()),
                         ids=lambda v: v if isinstance(v, str) else "+".join(v))
def test_flags_as_torch(name, flags):
    expected, actual = _step(torch, name, flags), _step(ember, name, flags)
    if isinstance(expected, type):
        assert actual is expected, f"{name}({flags}): torch raises {expected.__name__}"
    else:
        assert not isinstance(actual, type), f"{name}({flags}) raised {actual.__name__}"
        np.testing.assert_allclose(actual, expected, rtol=1e-6, atol=1e-7,
                                   err_msg=f"{name}({flags})")


@pytest.mark.parametrize("lib", [ember, torch], ids=["ember", "torch"])
def test_fused_refuses_integer_params(lib):
    param = lib.ones(3, dtype=lib.int64)
    param.grad = lib.ones(3, dtype=lib.int64)
    with pytest.raises(RuntimeError, match="floating point"):
        lib.optim.Adam([param], fused=True).step()


def test_differentiable_step_on_a_non_leaf_is_refused_clearly():
    """torch records the update in the graph; ember's optimizers cannot (NotImplementedError,
    a RuntimeError, naming the optimizer)."""
    param = ember.nn.Parameter(ember.ones(3)) * 1.0
    optimizer = ember.optim.SGD([param], lr=0.1, differentiable=True)
    param.grad = ember.ones(3)
    with pytest.raises(NotImplementedError, match="SGD"):
        optimizer.step()


@pytest.mark.parametrize("name", ["SGD", "Adam", "RMSprop"])
def test_differentiable_step_without_anything_to_differentiate_is_a_plain_step(name):
    results = []
    for lib in (ember, torch):
        param = lib.tensor([1.0, -2.0, 0.5])
        param.grad = lib.tensor([0.5, -1.0, 2.0])
        getattr(lib.optim, name)([param], lr=0.1, differentiable=True).step()
        results.append(np.asarray(param.tolist()))
    # torch's differentiable Adam computes its step size with tensors: last-bit differences
    np.testing.assert_allclose(results[0], results[1], rtol=1e-5, atol=1e-6)
