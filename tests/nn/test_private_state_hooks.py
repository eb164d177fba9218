"""The private state-dict hook registrations library code still calls, against torch."""
import pytest
import torch

import ember


@pytest.mark.parametrize("with_module", [False, True])
def test_private_load_pre_hook_renames_old_keys_like_torch(with_module):
    results = []
    for lib in (ember, torch):
        seen = []

        def rename(*args):
            module, args = (args[0], args[1:]) if with_module else (None, args)
            state_dict, prefix = args[0], args[1]
            seen.append((module is not None, prefix, len(args)))
            if prefix + "w" in state_dict:
                state_dict[prefix + "weight"] = state_dict.pop(prefix + "w")

        model = lib.nn.Sequential(lib.nn.Linear(2, 2, bias=False))
        handle = model[0]._register_load_state_dict_pre_hook(rename, with_module=with_module)
        model.load_state_dict({"0.w": lib.ones(2, 2) * 3})
        results.append((float(model[0].weight.detach().sum()), seen))
        handle.remove()
        model.load_state_dict({"0.weight": lib.zeros(2, 2)})
        assert len(seen) == 1  # removed
    assert results[0] == results[1] == (12.0, [(with_module, "0.", 7)])


def test_private_state_dict_hook_may_replace_the_dict_public_may_not():
    for lib in (ember, torch):
        model = lib.nn.Linear(2, 2)
        model._register_state_dict_hook(
            lambda module, state_dict, prefix, metadata: {k.upper(): v
                                                          for k, v in state_dict.items()})
        assert sorted(model.state_dict()) == ["BIAS", "WEIGHT"]
        other = lib.nn.Linear(2, 2)
        other.register_state_dict_post_hook(lambda module, state_dict, prefix, metadata: {})
        with pytest.raises(RuntimeError):
            other.state_dict()
