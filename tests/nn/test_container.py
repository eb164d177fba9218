"""Sequential, ModuleList, ModuleDict, ParameterList, ParameterDict against torch.nn."""
from collections import OrderedDict

import pytest
import torch

import ember


def _both(fn):
    return fn(ember), fn(torch)


def _summary(container):
    return (repr(container).replace("torch.", "ember."), list(container.state_dict()),
            [type(m).__name__ for m in container.children()])


def test_sequential_editing_matches_torch():
    def edit(lib):
        nn = lib.nn
        seq = nn.Sequential(nn.Linear(2, 3), nn.Identity(), nn.Linear(3, 4))
        log = [len(seq), type(seq[0]).__name__, type(seq[-1]).__name__,
               type(seq[1:]).__name__, list(seq[1:].state_dict())]
        seq.append(nn.Linear(4, 1))
        seq.insert(1, nn.Identity())
        seq.extend([nn.Identity()])
        del seq[0]
        seq[0] = nn.Linear(2, 2)
        log.append(seq.pop(1).__class__.__name__)
        log.append(_summary(seq))
        log.append(_summary(seq + nn.Sequential(nn.Identity())))
        log.append(_summary(seq * 2))
        seq += nn.Sequential(nn.Linear(1, 1))
        log.append(_summary(seq))
        named = nn.Sequential(OrderedDict([("enc", nn.Linear(2, 2)), ("act", nn.Identity())]))
        log.append(_summary(named))
        log.append(_summary(named[:1]))
        return log

    ember_log, torch_log = _both(edit)
    assert ember_log == torch_log


def test_sequential_runs_modules_in_order():
    class AddOne(ember.nn.Module):
        def forward(self, x):
            return x + 1

    class Double(ember.nn.Module):
        def forward(self, x):
            return x * 2

    assert ember.nn.Sequential(AddOne(), Double())(ember.ones(1)).tolist() == [4.0]
    with pytest.raises(IndexError, match="out of range"):
        ember.nn.Sequential(AddOne())[3]


def test_module_list_matches_torch():
    def edit(lib):
        nn = lib.nn
        layers = nn.ModuleList([nn.Linear(2, 2) for _ in range(3)])
        layers.append(nn.Identity())
        layers.extend([nn.Linear(2, 2), nn.Linear(2, 2)])
        layers.insert(0, nn.Identity())
        log = [len(layers), type(layers[-1]).__name__, len(layers[1:3])]
        del layers[2]
        log.append(type(layers.pop(0)).__name__)
        layers[0] = nn.Linear(2, 5)
        log.append(_summary(layers))
        log.append(_summary(layers + nn.ModuleList([nn.Identity()])))
        log.append(repr(nn.ModuleList()))
        return log

    ember_log, torch_log = _both(edit)
    assert ember_log == torch_log
    with pytest.raises(TypeError, match="iterable"):
        ember.nn.ModuleList().extend(ember.nn.Identity())


def test_module_dict_matches_torch():
    def edit(lib):
        nn = lib.nn
        heads = nn.ModuleDict({"cls": nn.Linear(4, 3), "box": nn.Linear(4, 4)})
        heads["extra"] = nn.Identity()
        heads.update([("z", nn.Linear(1, 1))])
        log = [list(heads), list(heads.keys()), "cls" in heads, len(heads)]
        del heads["box"]
        log.append(type(heads.pop("z")).__name__)
        log.append(_summary(heads))
        return log

    ember_log, torch_log = _both(edit)
    assert ember_log == torch_log


def test_parameter_list_and_dict_match_torch():
    def edit(lib):
        nn = lib.nn
        plist = nn.ParameterList([nn.Parameter(lib.zeros(2, 3)), lib.ones(4)])
        plist.append(nn.Parameter(lib.ones(1, dtype=lib.float64)))
        plist.extend([lib.zeros(2)])
        pdict = nn.ParameterDict({"b": lib.zeros(2), "a": nn.Parameter(lib.ones(3))})
        pdict["c"] = lib.zeros(1)
        pdict.update(OrderedDict([("e", lib.ones(1)), ("d", lib.ones(1))]))
        log = [len(plist), type(plist[1]).__name__, len(plist[1:]),
               [type(p).__name__ for p in plist], _summary(plist),
               list(pdict), list(pdict.keys()), "a" in pdict, _summary(pdict),
               [name for name, _ in pdict.named_parameters()]]
        log.append(type(pdict.pop("c")).__name__)
        log.append(list((pdict | nn.ParameterDict({"z": lib.ones(1)})).keys()))
        log.append(pdict.get("missing", "default"))
        return log

    ember_log, torch_log = _both(edit)
    assert ember_log == torch_log
    with pytest.raises(RuntimeError, match="should not be called"):
        ember.nn.ParameterList()(1)
    with pytest.raises(TypeError, match="not a string"):
        ember.nn.ParameterDict()[1] = ember.ones(1)
