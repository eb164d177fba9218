"""nn.utils.prune against torch.nn.utils.prune: masks, hooks, state_dict keys, removal, errors."""
import numpy as np
import pytest
import torch
import torch.nn.utils.prune as torch_prune

import ember
import ember.nn.utils.prune as prune

RNG = np.random.default_rng(0)
CONV_W = RNG.normal(size=(4, 3, 2, 2)).astype(np.float32)
LIN_W = RNG.normal(size=(5, 6)).astype(np.float32)


def _pair(lib, weight):
    """An nn.Linear / Conv2d of `lib` with the given weight."""
    module = (lib.nn.Conv2d(3, 4, 2) if weight.ndim == 4 else lib.nn.Linear(6, 5))
    with lib.no_grad():
        module.weight.copy_(lib.tensor(weight))
        module.bias.zero_()
    return module


@pytest.mark.parametrize("weight", [LIN_W, CONV_W], ids=["linear", "conv"])
@pytest.mark.parametrize("apply", [
    lambda p, m: p.l1_unstructured(m, "weight", amount=0.3),
    lambda p, m: p.l1_unstructured(m, "weight", amount=7),
    lambda p, m: p.ln_structured(m, "weight", amount=0.5, n=2, dim=0),
    lambda p, m: p.ln_structured(m, "weight", amount=1, n=1, dim=-1),
    lambda p, m: (p.l1_unstructured(m, "weight", amount=0.2),
                  p.ln_structured(m, "weight", amount=1, n=float("inf"), dim=0)),
    lambda p, m: (p.ln_structured(m, "weight", amount=1, n=2, dim=0),
                  p.l1_unstructured(m, "weight", amount=0.5)),
    lambda p, m: p.identity(m, "weight"),
], ids=["l1_frac", "l1_count", "l2_rows", "l1_cols", "l1_then_linf", "l2_then_l1", "identity"])
def test_masks_match_torch(weight, apply):
    em, tm = _pair(ember, weight), _pair(torch, weight)
    apply(prune, em)
    apply(torch_prune, tm)
    np.testing.assert_array_equal(em.weight_mask.numpy(), tm.weight_mask.numpy())
    np.testing.assert_array_equal(em.weight.detach().numpy(), tm.weight.detach().numpy())
    assert list(em.state_dict()) == list(tm.state_dict())
    assert [n for n, _ in em.named_parameters()] == [n for n, _ in tm.named_parameters()]
    assert prune.is_pruned(em) and not prune.is_pruned(ember.nn.Linear(2, 2))


def test_hook_reapplies_mask_and_gradient_is_masked():
    lin = _pair(ember, LIN_W)
    prune.l1_unstructured(lin, "weight", amount=0.5)
    with ember.no_grad():
        lin.weight_orig.add_(1.0)  # the next forward recomputes weight from weight_orig
    out = lin(ember.ones(2, 6))
    mask = lin.weight_mask
    np.testing.assert_array_equal(lin.weight.detach().numpy(), (LIN_W + 1) * mask.numpy())
    out.sum().backward()
    assert lin.weight_orig.grad is not None
    assert bool((lin.weight_orig.grad[mask == 0] == 0).all())
    assert bool((lin.weight_orig.grad[mask == 1] != 0).all())


def test_remove_makes_pruning_permanent():
    em, tm = _pair(ember, CONV_W), _pair(torch, CONV_W)
    for p, m in ((prune, em), (torch_prune, tm)):
        p.ln_structured(m, "weight", amount=2, n=2, dim=0)
        p.remove(m, "weight")
    assert isinstance(em.weight, ember.nn.Parameter)
    assert list(em.state_dict()) == list(tm.state_dict()) == ["bias", "weight"]
    np.testing.assert_array_equal(em.weight.detach().numpy(), tm.weight.detach().numpy())
    assert not prune.is_pruned(em)
    with pytest.raises(ValueError):
        prune.remove(em, "weight")
    with pytest.raises(ValueError):
        torch_prune.remove(tm, "weight")


def test_global_unstructured_and_custom_mask_match_torch():
    mods = {}
    for lib, p in ((ember, prune), (torch, torch_prune)):
        a, b = _pair(lib, LIN_W), _pair(lib, CONV_W)
        p.global_unstructured([(a, "weight"), (b, "weight")], pruning_method=p.L1Unstructured,
                              amount=0.4)
        p.custom_from_mask(a, "bias", mask=lib.tensor([1.0, 0, 1, 0, 1]))
        mods[lib.__name__] = (a, b)
    for e, t in zip(mods["ember"], mods["torch"]):
        np.testing.assert_array_equal(e.weight_mask.numpy(), t.weight_mask.numpy())
    np.testing.assert_array_equal(mods["ember"][0].bias_mask.numpy(),
                                  mods["torch"][0].bias_mask.numpy())


def test_random_methods_prune_the_right_amount():
    ember.manual_seed(0)
    lin = _pair(ember, LIN_W)
    prune.random_unstructured(lin, "weight", amount=0.5)
    assert int((lin.weight_mask == 0).sum()) == 15
    conv = _pair(ember, CONV_W)
    prune.random_structured(conv, "weight", amount=2, dim=0)
    pruned_channels = (conv.weight_mask.sum(dim=(1, 2, 3)) == 0).sum()
    assert int(pruned_channels) == 2


@pytest.mark.parametrize("call,error", [
    (lambda p, m: p.l1_unstructured(m, "weight", amount=1.5), ValueError),
    (lambda p, m: p.l1_unstructured(m, "weight", amount=-1), ValueError),
    (lambda p, m: p.l1_unstructured(m, "weight", amount="a"), TypeError),
    (lambda p, m: p.l1_unstructured(m, "weight", amount=31), ValueError),
    (lambda p, m: p.ln_structured(m, "bias", amount=1, n=2, dim=0), ValueError),
    (lambda p, m: p.ln_structured(m, "weight", amount=1, n=2, dim=2), IndexError),
])
def test_errors_match_torch(call, error):
    em, tm = _pair(ember, LIN_W), _pair(torch, LIN_W)
    with pytest.raises(error):
        call(torch_prune, tm)
    with pytest.raises(error):
        call(prune, em)
    assert "weight" in dict(em.named_parameters())  # a failed prune leaves the module intact
