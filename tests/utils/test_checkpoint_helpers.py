"""torch.utils.checkpoint's helpers: detach_variable, check_backward_validity and
set_checkpoint_early_stop, against torch."""
import warnings

import pytest
import torch
import torch.utils.checkpoint

import ember
import ember.utils.checkpoint

LIBS = [ember, torch]


@pytest.mark.parametrize("lib", LIBS, ids=["ember", "torch"])
def test_detach_variable(lib):
    x = lib.ones(2, requires_grad=True) * 2
    y = lib.ones(2)
    out = lib.utils.checkpoint.detach_variable((x, y, 3))
    assert out[0].is_leaf and out[0].requires_grad and out[0].grad_fn is None
    assert not out[1].requires_grad and out[2] == 3
    assert out[0].tolist() == [2.0, 2.0]
    with pytest.raises(RuntimeError, match="Only tuple"):
        lib.utils.checkpoint.detach_variable([x])


@pytest.mark.parametrize("lib", LIBS, ids=["ember", "torch"])
def test_check_backward_validity(lib):
    with pytest.warns(UserWarning, match="None of the inputs have requires_grad"):
        lib.utils.checkpoint.check_backward_validity([lib.ones(2), 1])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        lib.utils.checkpoint.check_backward_validity([lib.ones(2, requires_grad=True)])


@pytest.mark.parametrize("lib", LIBS, ids=["ember", "torch"])
def test_early_stop_context_keeps_gradients(lib):
    x = lib.tensor([0.5, -1.0], requires_grad=True)
    with lib.utils.checkpoint.set_checkpoint_early_stop(False):
        y = lib.utils.checkpoint.checkpoint(lambda t: (t.sin() * t).sum(), x,
                                            use_reentrant=False)
    y.backward()
    expected = (x.detach().sin() + x.detach() * x.detach().cos()).tolist()
    assert all(abs(a - b) < 1e-6 for a, b in zip(x.grad.tolist(), expected))
