"""nn.Module and Parameter against torch.nn: registration, traversal order, state_dict,
hooks, modes, dtype moves, repr, copying."""
import copy
import pickle
import warnings
from collections import OrderedDict

import numpy as np
import pytest
import torch

import ember
from oracle import to_numpy


def build(lib):
    """The same model, with every kind of member, in ember or torch."""
    nn = lib.nn

    class Block(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = nn.Linear(3, 4)
            self.scale = nn.Parameter(lib.ones(4))
            self.register_buffer("running", lib.zeros(4))
            self.register_buffer("scratch", lib.zeros(2), persistent=False)
            self.register_buffer("count", lib.tensor(0))

        def forward(self, x):
            return x * self.scale

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.block = Block()
            self.seq = nn.Sequential(nn.Linear(4, 4), nn.Identity(), Block())
            self.heads = nn.ModuleDict({"b": nn.Linear(4, 2), "a": nn.Linear(4, 1)})
            self.layers = nn.ModuleList([Block() for _ in range(3)] + [nn.Linear(2, 2)])
            self.shared = self.block
            self.plist = nn.ParameterList([nn.Parameter(lib.zeros(2)), lib.ones(3)])
            self.pdict = nn.ParameterDict({"y": nn.Parameter(lib.zeros(1)), "x": lib.zeros(2)})
            self.register_parameter("absent", None)
            self.bias = nn.Parameter(lib.zeros(1))

    return Net()


@pytest.fixture(scope="module")
def nets():
    return build(ember), build(torch)


def _names(pairs):
    return [name for name, _ in pairs]


def test_traversal_orders_match_torch(nets):
    e, t = nets
    assert _names(e.named_parameters()) == _names(t.named_parameters())
    assert _names(e.named_parameters(remove_duplicate=False)) == _names(
        t.named_parameters(remove_duplicate=False))
    assert _names(e.named_parameters(prefix="m", recurse=False)) == _names(
        t.named_parameters(prefix="m", recurse=False))
    assert _names(e.named_buffers()) == _names(t.named_buffers())
    assert _names(e.named_modules()) == _names(t.named_modules())
    assert _names(e.named_modules(remove_duplicate=False)) == _names(
        t.named_modules(remove_duplicate=False))
    assert _names(e.named_children()) == _names(t.named_children())
    assert len(list(e.parameters())) == len(list(t.parameters()))
    assert all(isinstance(p, ember.nn.Parameter) for p in e.parameters())


def test_state_dict_keys_shapes_and_metadata_match_torch(nets):
    e, t = nets
    esd, tsd = e.state_dict(), t.state_dict()
    assert list(esd) == list(tsd)
    assert [tuple(v.shape) for v in esd.values()] == [tuple(v.shape) for v in tsd.values()]
    assert esd._metadata == tsd._metadata
    assert not any(v.requires_grad for v in esd.values())
    assert e.state_dict(keep_vars=True)["block.fc.weight"] is e.block.fc.weight
    assert list(e.state_dict(prefix="model.")) == list(t.state_dict(prefix="model."))


def test_repr_matches_torch(nets):
    e, t = nets
    assert repr(e) == repr(t).replace("torch.", "ember.")


def test_load_state_dict_round_trip_and_errors_match_torch():
    e, t = build(ember), build(torch)
    source = build(ember)
    assert str(e.load_state_dict(source.state_dict())) == "<All keys matched successfully>"
    for (_, a), (_, b) in zip(e.named_parameters(), source.named_parameters()):
        np.testing.assert_array_equal(a.detach().numpy(), b.detach().numpy())
    weight = e.block.fc.weight
    e.load_state_dict(build(ember).state_dict())
    assert e.block.fc.weight is weight  # copied in place
    esd, tsd = e.state_dict(), t.state_dict()
    for sd in (esd, tsd):
        del sd["bias"]
        sd["extra.weight"] = sd["block.scale"]
        sd["seq.0.bias"] = sd["block.scale"][:2]
    messages = []
    for module, sd in ((e, esd), (t, tsd)):
        with pytest.raises(RuntimeError) as info:
            module.load_state_dict(sd)
        messages.append(str(info.value).replace("torch.", "ember."))
    assert messages[0] == messages[1]
    esd["seq.0.bias"], tsd["seq.0.bias"] = esd["block.scale"], tsd["block.scale"]
    result, expected = e.load_state_dict(esd, strict=False), t.load_state_dict(tsd, strict=False)
    assert result.missing_keys == expected.missing_keys == ["bias"]
    assert result.unexpected_keys == expected.unexpected_keys


def test_load_state_dict_assign_replaces_parameters():
    m = ember.nn.Linear(2, 2)
    new = {"weight": ember.ones(2, 2), "bias": ember.zeros(2)}
    m.load_state_dict(new, assign=True)
    assert isinstance(m.weight, ember.nn.Parameter) and m.weight.requires_grad
    assert m.weight.tolist() == [[1.0, 1.0], [1.0, 1.0]]


def test_attribute_registration_rules_match_torch():
    for lib in (ember, torch):
        m = lib.nn.Module()
        m.w = lib.nn.Parameter(lib.ones(1))
        with pytest.raises(TypeError, match="cannot assign"):
            m.w = lib.ones(1)
        m.w = None
        assert "w" in m._parameters and m.w is None
        m.register_buffer("b", lib.ones(1))
        m.b = lib.zeros(1)
        assert m._buffers["b"].tolist() == [0.0]
        with pytest.raises(KeyError, match="contain"):
            m.register_buffer("a.b", lib.ones(1))
        with pytest.raises(KeyError, match="already exists"):
            m.register_parameter("training", None)
        with pytest.raises(TypeError, match="is not a Module subclass"):
            m.add_module("x", 3)
        m.sub = lib.nn.Linear(1, 1)
        m.sub = lib.nn.Identity()
        with pytest.raises(TypeError, match="cannot assign"):
            m.sub = 3
        del m.sub
        assert "sub" not in m._modules
        with pytest.raises(AttributeError, match="has no attribute 'missing'"):
            m.missing
        m.plain = lib.nn.Buffer(lib.ones(2), persistent=False)
        assert "plain" in m._buffers and list(m.state_dict()) == ["b"]
        assert type(m._buffers["plain"]) is lib.Tensor

    class Early(ember.nn.Module):
        def __init__(self):
            self.p = ember.nn.Parameter(ember.ones(1))

    with pytest.raises(AttributeError, match="before Module.__init__"):
        Early()


def test_get_submodule_parameter_buffer(nets):
    e, t = nets
    assert e.get_submodule("seq.2.fc") is e.seq[2].fc
    assert e.get_parameter("seq.2.fc.weight") is e.seq[2].fc.weight
    assert e.get_buffer("layers.1.running") is e.layers[1].running
    for module in (e, t):
        with pytest.raises(AttributeError, match="has no attribute `nope`"):
            module.get_submodule("seq.nope")
        with pytest.raises(AttributeError, match="is not an nn.Parameter"):
            module.get_parameter("block.running")
    replacement = ember.nn.Identity()
    e2 = build(ember)
    e2.set_submodule("seq.1", replacement)
    assert e2.seq[1] is replacement


def test_train_eval_propagate(nets):
    e, _ = nets
    assert e.eval() is e
    assert not any(m.training for m in e.modules())
    e.train()
    assert all(m.training for m in e.modules())
    with pytest.raises(ValueError, match="boolean"):
        e.train("no")


def test_apply_visits_children_first_like_torch(nets):
    e, t = nets
    seen = {"e": [], "t": []}
    e.apply(lambda m: seen["e"].append(type(m).__name__))
    t.apply(lambda m: seen["t"].append(type(m).__name__))
    assert seen["e"] == seen["t"]


def test_zero_grad_and_requires_grad():
    m = ember.nn.Linear(2, 2)
    for p in m.parameters():
        p.grad = ember.ones(p.shape)
    m.zero_grad(set_to_none=False)
    assert all(p.grad is not None and not p.grad.numpy().any() for p in m.parameters())
    m.zero_grad()
    assert all(p.grad is None for p in m.parameters())
    m.requires_grad_(False)
    assert not any(p.requires_grad for p in m.parameters())


def test_to_dtype_keeps_parameter_objects_and_integer_buffers():
    m = build(ember)
    weight = m.block.fc.weight
    weight.grad = ember.ones(4, 3)
    optimizer = ember.optim.SGD(m.parameters(), lr=0.1)
    assert m.to(ember.float64) is m
    assert m.block.fc.weight is weight and weight.dtype == ember.float64
    assert weight.grad.dtype == ember.float64
    assert m.block.running.dtype == ember.float64
    assert m.block.count.dtype == ember.int64
    assert any(p is weight for p in optimizer.param_groups[0]["params"])
    m.half()
    assert weight.dtype == ember.float16 and m.block.count.dtype == ember.int64
    m.float()
    assert weight.dtype == ember.float32
    m.to("cpu", dtype=ember.float64)
    assert weight.dtype == ember.float64
    m.to(ember.zeros(1, dtype=ember.float32))
    assert weight.dtype == ember.float32
    with pytest.raises(TypeError, match="floating point"):
        m.to(ember.int32)


class Scale(ember.nn.Module):
    def __init__(self):
        super().__init__()
        self.w = ember.nn.Parameter(ember.tensor([1.0, 2.0, 3.0]))

    def forward(self, x, y=None):
        return x * self.w if y is None else x * self.w + y


def _scale(lib):
    if lib is ember:
        return Scale()

    class TorchScale(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.w = torch.nn.Parameter(torch.tensor([1.0, 2.0, 3.0]))

        def forward(self, x, y=None):
            return x * self.w if y is None else x * self.w + y

    return TorchScale()


def test_forward_hooks_order_replacement_and_removal_match_torch():
    results = {}
    for lib in (ember, torch):
        m = _scale(lib)
        calls = []
        m.register_forward_pre_hook(lambda mod, args: calls.append("pre1"))
        m.register_forward_pre_hook(lambda mod, args: calls.append("pre0"), prepend=True)
        m.register_forward_pre_hook(lambda mod, args: (args[0] * 2,))
        m.register_forward_pre_hook(
            lambda mod, args, kwargs: (args, {"y": lib.ones(3)}), with_kwargs=True)
        handle = m.register_forward_hook(lambda mod, args, out: out + 100)
        m.register_forward_hook(lambda mod, args, kwargs, out: calls.append(
            sorted(kwargs)) or out * 10, with_kwargs=True)
        first = m(lib.ones(3))
        handle.remove()
        second = m(lib.ones(3))
        results[lib.__name__] = (calls, first.tolist(), second.tolist())
    assert results["ember"] == results["torch"]
    assert results["ember"][1] == [1030.0, 1050.0, 1070.0]


def test_forward_pre_hook_with_kwargs_must_return_pair():
    m = Scale()
    m.register_forward_pre_hook(lambda mod, args, kwargs: args, with_kwargs=True)
    with pytest.raises(RuntimeError, match="tuple of \\(new_args, new_kwargs\\)"):
        m(ember.ones(3))


def test_always_call_forward_hook_runs_when_forward_raises():
    class Broken(ember.nn.Module):
        def forward(self, x):
            raise RuntimeError("broken")

    m = Broken()
    calls = []
    m.register_forward_hook(lambda mod, args, out: calls.append("always"), always_call=True)
    m.register_forward_hook(lambda mod, args, out: calls.append("normal"))
    with pytest.raises(RuntimeError, match="broken"):
        m(ember.ones(2))
    assert calls == ["always"]


def test_full_backward_hooks_see_and_replace_gradients_like_torch():
    seen = {}
    for lib in (ember, torch):
        m = _scale(lib)
        log = []

        def pre_hook(module, grad_output):
            log.append(("pre", [g.tolist() for g in grad_output]))
            return (grad_output[0] * 2,)

        def hook(module, grad_input, grad_output):
            log.append(("hook", [g.tolist() if g is not None else None for g in grad_input],
                        [g.tolist() for g in grad_output]))
            return (grad_input[0] + 1, grad_input[1])

        m.register_full_backward_pre_hook(pre_hook)
        m.register_full_backward_hook(hook)
        x = lib.tensor([1.0, 1.0, 1.0], requires_grad=True)
        y = lib.tensor([0.5, 0.5, 0.5], requires_grad=True)
        out = m(x, y)
        (out * lib.tensor([1.0, 2.0, 3.0])).sum().backward()
        seen[lib.__name__] = (log, x.grad.tolist(), y.grad.tolist(), m.w.grad.tolist())
    assert seen["ember"] == seen["torch"]
    assert seen["ember"][1] == [3.0, 9.0, 19.0]


def test_full_backward_hook_with_non_tensor_and_no_grad_inputs():
    m = Scale()
    calls = []
    m.register_full_backward_hook(lambda mod, gi, go: calls.append(
        (len(gi), gi[0] is None, go[0].tolist())))
    with pytest.warns(UserWarning, match="no inputs require gradients"):
        m(ember.ones(3)).sum().backward()
    assert calls == [(1, True, [1.0, 1.0, 1.0])]
    assert m.w.grad.tolist() == [1.0, 1.0, 1.0]


class _Product:
    """A module whose forward is one op, so the non-full hook sees all of its gradients."""

    @staticmethod
    def build(lib):
        class Product(lib.nn.Module):
            def forward(self, x, y):
                return x * y
        return Product()


def test_deprecated_backward_hook_sees_the_last_nodes_gradients_like_torch():
    seen = {}
    for lib in (ember, torch):
        m = _Product.build(lib)
        log = []

        def hook(module, grad_input, grad_output):
            log.append((module is m, [g.tolist() for g in grad_input],
                        [g.tolist() for g in grad_output]))
            return (grad_input[0] * 10, grad_input[1])

        handle = m.register_backward_hook(hook)
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        y = lib.tensor([3.0, 4.0], requires_grad=True)
        with pytest.warns(FutureWarning, match="multiple autograd Nodes"):
            m(x, y)  # leaf inputs: the grad_fn's edges are not the inputs' grad_fns
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            out = m(x * 1, y * 1)
        out.sum().backward()
        handle.remove()
        m(x * 1, y * 1).sum().backward()
        seen[lib.__name__] = (log, x.grad.tolist(), y.grad.tolist())
    assert seen["ember"] == seen["torch"]
    assert seen["ember"][1] == [33.0, 44.0]


@pytest.mark.parametrize("lib", [ember, torch])
def test_backward_hook_kinds_cannot_mix(lib):
    m = _Product.build(lib)
    m.register_backward_hook(lambda *args: None)
    with pytest.raises(RuntimeError, match="Cannot use both"):
        m.register_full_backward_hook(lambda *args: None)
    m = _Product.build(lib)
    m.register_full_backward_hook(lambda *args: None)
    with pytest.raises(RuntimeError, match="Cannot use both"):
        m.register_backward_hook(lambda *args: None)


def test_global_forward_hook():
    from ember.nn.modules.module import register_module_forward_hook
    calls = []
    handle = register_module_forward_hook(lambda mod, args, out: calls.append(type(mod)))
    try:
        Scale()(ember.ones(3))
    finally:
        handle.remove()
    Scale()(ember.ones(3))
    assert calls == [Scale]


def test_state_dict_and_load_hooks():
    m = Scale()
    events = []
    m.register_state_dict_pre_hook(lambda mod, prefix, keep: events.append("pre"))
    m.register_state_dict_post_hook(lambda mod, sd, prefix, meta: sd.__setitem__("x", 1))
    m.register_load_state_dict_pre_hook(lambda mod, sd, prefix, *rest: sd.pop("x", None))
    m.register_load_state_dict_post_hook(lambda mod, keys: events.append(list(keys)))
    state = m.state_dict()
    assert list(state) == ["w", "x"] and events == ["pre"]
    m.load_state_dict(state)
    assert events == ["pre", [[], []]]


def test_extra_state_round_trips():
    class WithExtra(Scale):
        def get_extra_state(self):
            return {"calls": 3}

        def set_extra_state(self, state):
            self.restored = state

    m = WithExtra()
    state = m.state_dict()
    assert list(state) == ["w", "_extra_state"]
    m.load_state_dict(state)
    assert m.restored == {"calls": 3}


def test_deepcopy_and_pickle_keep_structure_and_sharing():
    net = ember.nn.Sequential(Scale(), Scale())
    net[1].w = net[0].w  # shared parameter
    net[0].w.grad = ember.ones(3)
    for clone in (copy.deepcopy(net), pickle.loads(pickle.dumps(net))):
        assert type(clone[0].w) is ember.nn.Parameter and clone[0].w.requires_grad
        assert clone[0].w is clone[1].w and clone[0].w is not net[0].w
        assert list(clone.state_dict()) == list(net.state_dict())
        assert clone(ember.ones(3)).tolist() == [1.0, 4.0, 9.0]
        clone[0].w.data.mul_(0)
        assert net[0].w.tolist() == [1.0, 2.0, 3.0]


def test_call_without_forward_raises():
    with pytest.raises(NotImplementedError, match='missing the required "forward"'):
        ember.nn.Module()(1)


def test_dir_lists_members():
    keys = dir(build(ember))
    assert "block" in keys and "bias" in keys and "state_dict" in keys


def test_parameter_behaves_like_torch():
    data = ember.tensor([1.0, 2.0])
    p = ember.nn.Parameter(data)
    assert isinstance(p, ember.Tensor) and p.requires_grad and p.is_leaf
    assert repr(p) == repr(torch.nn.Parameter(torch.tensor([1.0, 2.0])))
    p.data.mul_(2)
    assert data.tolist() == [2.0, 4.0]  # shares the data
    assert type(p * 2) is ember.Tensor
    frozen = ember.nn.Parameter(ember.tensor([1, 2]), requires_grad=False)
    assert not frozen.requires_grad
    with pytest.raises(RuntimeError, match="floating point"):
        ember.nn.Parameter(ember.tensor([1, 2]))
    empty = ember.nn.Parameter()
    assert empty.shape == (0,) and empty.dtype == ember.float32
    p.tag = "decay"
    restored = pickle.loads(pickle.dumps(p))
    assert type(restored) is ember.nn.Parameter and restored.tag == "decay"
    assert restored.tolist() == p.tolist()
    copied = copy.deepcopy(p)
    assert type(copied) is ember.nn.Parameter and copied.requires_grad
    copied.data.add_(1)
    assert p.tolist() == [2.0, 4.0]


def test_parameters_are_trainable_end_to_end():
    m = Scale()
    opt = ember.optim.SGD(m.parameters(), lr=0.1)
    x = ember.ones(3)
    for _ in range(3):
        opt.zero_grad()
        ((m(x) - 1) ** 2).sum().backward()
        opt.step()
    # d/dw (w - 1)^2 = 2(w - 1); w <- w - 0.2 (w - 1), three times
    expected = 1 + (np.array([1.0, 2.0, 3.0]) - 1) * 0.8 ** 3
    np.testing.assert_allclose(m.w.detach().numpy(), expected, rtol=1e-6)


def test_ordered_dict_sequential_names():
    seq = ember.nn.Sequential(OrderedDict([("first", Scale()), ("second", ember.nn.Identity())]))
    assert list(seq.state_dict()) == ["first.w"]
    assert isinstance(seq[0], Scale) and isinstance(seq[-1], ember.nn.Identity)


def test_to_device_moves_parameters_in_place_and_training_continues(device):
    m = ember.nn.Linear(3, 2)
    weight = m.weight
    opt = ember.optim.SGD(m.parameters(), lr=0.1)
    assert m.to(device) is m
    assert m.weight is weight and weight.device.type == device
    m(ember.ones(4, 3, device=device)).sum().backward()
    before = weight.detach().clone()
    opt.step()
    assert weight.grad.device.type == device
    np.testing.assert_allclose(to_numpy(weight), to_numpy(before) - 0.4, rtol=1e-6)
    m.cpu()
    assert weight.device.type == "cpu" and weight.grad.device.type == "cpu"
