"""torch's other spellings of the amp tools: torch.GradScaler, torch.cpu.amp, and the
deprecated per-device autocast state functions, against torch itself."""
import warnings

import numpy as np
import pytest
import torch

import ember
from oracle import to_numpy


def test_top_level_grad_scaler_is_amp_grad_scaler():
    assert ember.GradScaler is ember.amp.GradScaler
    assert torch.GradScaler is torch.amp.GradScaler
    assert ember.autocast is ember.amp.autocast


@pytest.mark.parametrize("lib", [ember, torch], ids=["ember", "torch"])
def test_cpu_amp_autocast_warns_and_runs_bfloat16(lib):
    with pytest.warns(FutureWarning, match=r"torch.amp.autocast\('cpu', args...\)"):
        region = lib.cpu.amp.autocast()
    assert isinstance(region, lib.amp.autocast)
    x = np.random.default_rng(0).standard_normal((3, 4)).astype(np.float32)
    with region:
        assert lib.is_autocast_enabled("cpu")
        y = lib.mm(lib.tensor(x), lib.tensor(x.T))
    assert y.dtype == lib.bfloat16
    assert not lib.is_autocast_enabled("cpu")


def test_cpu_amp_autocast_matches_torch_with_float16():
    x = np.random.default_rng(1).standard_normal((3, 4)).astype(np.float32)
    results = []
    for lib in (ember, torch):
        with pytest.warns(FutureWarning), lib.cpu.amp.autocast(dtype=lib.float16):
            results.append(lib.mm(lib.tensor(x), lib.tensor(x.T)))
    assert results[0].dtype == ember.float16 and results[1].dtype == torch.float16
    np.testing.assert_allclose(to_numpy(results[0]).astype(np.float32),
                               to_numpy(results[1]).astype(np.float32), rtol=1e-3)


@pytest.mark.parametrize("lib", [ember, torch], ids=["ember", "torch"])
def test_cpu_amp_grad_scaler_warns(lib):
    with pytest.warns(FutureWarning, match=r"torch.amp.GradScaler\('cpu', args...\)"):
        scaler = lib.cpu.amp.GradScaler(init_scale=8.0)
    assert isinstance(scaler, lib.amp.GradScaler)
    assert scaler.get_scale() == 8.0
    scaled = scaler.scale(lib.tensor(2.0))
    assert scaled.item() == 16.0


@pytest.mark.parametrize("lib", [ember, torch], ids=["ember", "torch"])
def test_cpu_namespace(lib):
    assert lib.cpu.is_available() is True
    assert lib.cpu.device_count() == 1
    assert lib.cpu.current_device() == "cpu"
    lib.cpu.synchronize()


# (getter or setter, its arguments, the message's replacement spelling)
DEPRECATED = [
    ("is_autocast_cpu_enabled", (), "is_autocast_enabled('cpu')"),
    ("get_autocast_cpu_dtype", (), "get_autocast_dtype('cpu')"),
    ("get_autocast_gpu_dtype", (), "get_autocast_dtype('cuda')"),
    ("set_autocast_cpu_enabled", (False,), "set_autocast_enabled('cpu', enabled)"),
    ("set_autocast_cpu_dtype", ("bfloat16",), "set_autocast_dtype('cpu', dtype)"),
    ("set_autocast_gpu_dtype", ("float16",), "set_autocast_dtype('cuda', dtype)"),
]


@pytest.mark.parametrize("name,args,replacement", DEPRECATED, ids=[d[0] for d in DEPRECATED])
def test_deprecated_state_functions_warn_and_agree(name, args, replacement):
    results = []
    for lib in (ember, torch):
        call_args = [getattr(lib, a) if isinstance(a, str) else a for a in args]
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            result = getattr(lib, name)(*call_args)
        messages = [str(w.message) for w in caught if w.category is DeprecationWarning]
        assert any(replacement in m for m in messages), (lib.__name__, messages)
        results.append(str(result).replace("torch.", "ember."))
    assert results[0] == results[1]


def test_deprecated_setters_change_the_state():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        try:
            ember.set_autocast_cpu_dtype(ember.float16)
            assert ember.get_autocast_dtype("cpu") is ember.float16
            assert ember.get_autocast_cpu_dtype() is ember.float16
            ember.set_autocast_cpu_enabled(True)
            assert ember.is_autocast_cpu_enabled() and ember.is_autocast_enabled("cpu")
            y = ember.mm(ember.ones(2, 2), ember.ones(2, 2))
            assert y.dtype == ember.float16
            ember.set_autocast_gpu_dtype(ember.bfloat16)
            assert ember.get_autocast_gpu_dtype() is ember.bfloat16
        finally:
            ember.set_autocast_cpu_enabled(False)
            ember.set_autocast_cpu_dtype(ember.bfloat16)
            ember.set_autocast_gpu_dtype(ember.float16)
    assert ember.mm(ember.ones(2, 2), ember.ones(2, 2)).dtype == ember.float32


@pytest.mark.parametrize("lib", [ember, torch], ids=["ember", "torch"])
def test_set_autocast_cpu_enabled_needs_a_bool(lib):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        with pytest.raises(TypeError, match="bool"):
            lib.set_autocast_cpu_enabled("yes")


@pytest.mark.parametrize("lib", [ember, torch], ids=["ember", "torch"])
def test_autocast_nesting_counter(lib):
    assert lib.autocast_increment_nesting() == 1
    assert lib.autocast_increment_nesting() == 2
    assert lib.autocast_decrement_nesting() == 1
    assert lib.autocast_decrement_nesting() == 0
    with lib.autocast("cpu"):
        assert lib.autocast_increment_nesting() == 2
        assert lib.autocast_decrement_nesting() == 1
