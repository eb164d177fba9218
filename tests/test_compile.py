import numpy as np
import pytest
import torch

import ember
from oracle import assert_close


def _pair():
    """The same small MLP in ember and in torch."""
    ember_net = ember.nn.Sequential(ember.nn.Linear(4, 8), ember.nn.Tanh(), ember.nn.Linear(8, 2))
    torch_net = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.Tanh(), torch.nn.Linear(8, 2))
    torch_net.load_state_dict({k: torch.tensor(v.numpy()) for k, v in ember_net.state_dict().items()})
    return ember_net, torch_net


def test_compile_returns_the_model_and_matches_torch():
    ember_net, torch_net = _pair()
    compiled = ember.compile(ember_net, mode="max-autotune", fullgraph=True, dynamic=False)
    assert compiled is ember_net
    x = np.random.default_rng(0).normal(size=(5, 4)).astype(np.float32)
    assert_close(compiled(ember.tensor(x)), torch_net(torch.tensor(x)), 1e-5, 1e-6, "compile")
    assert list(compiled.state_dict()) == list(torch_net.state_dict())


def test_compiled_model_trains_like_torch():
    ember_net, torch_net = _pair()
    compiled = ember.compile(ember_net)
    ember_opt = ember.optim.SGD(compiled.parameters(), lr=0.1)
    torch_opt = torch.optim.SGD(torch_net.parameters(), lr=0.1)
    rng = np.random.default_rng(1)
    x, y = rng.normal(size=(8, 4)).astype(np.float32), rng.integers(0, 2, size=8)
    for _ in range(3):
        ember_loss = ember.nn.functional.cross_entropy(compiled(ember.tensor(x)), ember.tensor(y))
        torch_loss = torch.nn.functional.cross_entropy(torch_net(torch.tensor(x)), torch.tensor(y))
        for loss, opt in ((ember_loss, ember_opt), (torch_loss, torch_opt)):
            opt.zero_grad()
            loss.backward()
            opt.step()
        assert_close(ember_loss, torch_loss, 1e-5, 1e-6, "compiled training loss")


def test_compile_as_decorator():
    @ember.compile
    def square(x):
        return x * x

    @ember.compile(mode="reduce-overhead")
    def cube(x):
        return x * x * x

    assert square(ember.tensor(3.0)).item() == 9.0
    assert cube(ember.tensor(2.0)).item() == 8.0


def test_compile_rejects_what_cannot_be_called():
    with pytest.raises(AssertionError):
        torch.compile(3)
    with pytest.raises(AssertionError):
        ember.compile(3)
