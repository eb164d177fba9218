"""nn.utils.prune against torch: masks (random ones from the same seed), the parameters,
buffers and state_dict keys it leaves, combined pruning, remove, global pruning, errors."""
import numpy as np
import pytest
import torch
import torch.nn.utils.prune

import ember
from oracle import assert_close

LIBS = [ember, torch]
WEIGHT = np.random.default_rng(0).standard_normal((4, 3, 2, 2)).astype(np.float32)


def _conv(lib):
    lib.manual_seed(0)
    conv = lib.nn.Conv2d(3, 4, 2)
    with lib.no_grad():
        conv.weight.copy_(lib.tensor(WEIGHT))
    return conv


CASES = {
    "identity": lambda P, m: P.identity(m, "weight"),
    "random_unstructured": lambda P, m: P.random_unstructured(m, "weight", amount=0.3),
    "l1_unstructured": lambda P, m: P.l1_unstructured(m, "weight", amount=5),
    "l1_bias": lambda P, m: P.l1_unstructured(m, "bias", amount=2),
    "random_structured": lambda P, m: P.random_structured(m, "weight", amount=2, dim=0),
    "ln_structured": lambda P, m: P.ln_structured(m, "weight", amount=0.5, n=2, dim=1),
    "ln_structured_inf": lambda P, m: P.ln_structured(m, "weight", 1, float("inf"), -1),
    "custom_from_mask": lambda P, m: P.custom_from_mask(
        m, "weight", mask=(m.weight > 0)),
    "combined": lambda P, m: (P.l1_unstructured(m, "weight", 0.3),
                              P.ln_structured(m, "weight", 1, 1, 0),
                              P.random_unstructured(m, "weight", 0.2)),
    "remove": lambda P, m: (P.l1_unstructured(m, "weight", 0.3), P.remove(m, "weight")),
}


@pytest.mark.parametrize("case", CASES)
def test_pruning_matches_torch(case):
    modules = []
    for lib in LIBS:
        module = _conv(lib)
        CASES[case](lib.nn.utils.prune, module)
        modules.append(module)
    ember_module, torch_module = modules
    assert_close(ember_module.weight, torch_module.weight, 0, 0, case)
    for names in (lambda m: [n for n, _ in m.named_parameters()],
                  lambda m: [n for n, _ in m.named_buffers()], lambda m: list(m.state_dict())):
        assert names(ember_module) == names(torch_module)
    assert ember.nn.utils.prune.is_pruned(ember_module) == \
        torch.nn.utils.prune.is_pruned(torch_module)
    x = np.linspace(-1, 1, 2 * 3 * 5 * 5, dtype=np.float32).reshape(2, 3, 5, 5)
    outs = [module(lib.tensor(x)) for module, lib in zip(modules, LIBS)]
    assert_close(outs[0], outs[1], 1e-5, 1e-6, case + " forward")


def test_gradient_reaches_orig_through_the_mask():
    grads = []
    for lib in LIBS:
        module = _conv(lib)
        lib.nn.utils.prune.l1_unstructured(module, "weight", amount=0.5)
        module(lib.ones(1, 3, 3, 3)).sum().backward()
        grads.append(module.weight_orig.grad)
        assert module.weight_orig.grad is not None and module.weight.grad_fn is not None
    assert_close(grads[0], grads[1], 1e-5, 1e-6, "weight_orig.grad")
    assert int((grads[0] == 0).sum()) == WEIGHT.size // 2


def test_global_unstructured_matches_torch():
    masks = []
    for lib in LIBS:
        a, b = lib.nn.Linear(4, 3), lib.nn.Linear(3, 2)
        with lib.no_grad():
            a.weight.copy_(lib.tensor(np.linspace(-1, 1, 12, dtype=np.float32).reshape(3, 4)))
            b.weight.copy_(lib.tensor(np.linspace(-0.7, 0.9, 6, dtype=np.float32).reshape(2, 3)))
        lib.nn.utils.prune.global_unstructured([(a, "weight"), (b, "weight")],
                                               lib.nn.utils.prune.L1Unstructured, amount=0.4)
        masks.append((a.weight_mask, b.weight_mask))
    for mine, theirs in zip(*masks):
        assert_close(mine, theirs, 0, 0, "global mask")


@pytest.mark.parametrize("lib", LIBS, ids=["ember", "torch"])
def test_errors(lib):
    P = lib.nn.utils.prune
    with pytest.raises(TypeError):
        P.l1_unstructured(_conv(lib), "weight", amount="half")
    with pytest.raises(ValueError, match="range"):
        P.l1_unstructured(_conv(lib), "weight", amount=1.5)
    with pytest.raises(ValueError, match="smaller than"):
        P.l1_unstructured(_conv(lib), "weight", amount=1000)
    with pytest.raises(ValueError, match="multidimensional"):
        P.ln_structured(_conv(lib), "bias", amount=1, n=2, dim=0)
    with pytest.raises(IndexError):
        P.random_structured(_conv(lib), "weight", amount=1, dim=4)
    with pytest.raises(ValueError, match="has to be pruned"):
        P.remove(_conv(lib), "weight")
    with pytest.raises(TypeError, match="unstructured"):
        P.global_unstructured([(_conv(lib), "weight")], P.RandomStructured, amount=1)
    module = _conv(lib)
    with pytest.raises(ValueError):
        P.l1_unstructured(module, "weight", amount=1000)
    # the failed pruning put the parameter back (last, as torch re-registers it)
    assert [n for n, _ in module.named_parameters()] == ["bias", "weight"]
    assert not P.is_pruned(module)


def test_pruning_container_rejects_other_tensors():
    first = ember.nn.utils.prune.L1Unstructured(1)
    first._tensor_name = "weight"
    other = ember.nn.utils.prune.L1Unstructured(1)
    other._tensor_name = "bias"
    container = ember.nn.utils.prune.PruningContainer(first)
    with pytest.raises(ValueError, match="bias"):
        container.add_pruning_method(other)
    with pytest.raises(TypeError):
        container.add_pruning_method(3)
    assert len(container) == 1 and container[0] is first
