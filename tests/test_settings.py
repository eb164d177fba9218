"""Process settings and constants at ember's top level, against torch's."""
import math
import pickle

import pytest
import threadpoolctl
import torch

import ember
from ember import _settings


@pytest.fixture
def restore_settings():
    saved = dict(_settings._state)
    threads = ember.get_num_threads()
    yield
    ember.set_num_threads(threads)
    _settings._state.update(saved)


def test_constants():
    for name in ("pi", "e", "inf", "nan"):
        value, expected = getattr(ember, name), getattr(torch, name)
        assert value == expected or (math.isnan(value) and math.isnan(expected)), name
    assert ember.newaxis is None is torch.newaxis
    assert ember.ones(3)[:, ember.newaxis].shape == (3, 1)


def test_num_threads_round_trip(restore_settings):
    ember.set_num_threads(1)
    assert ember.get_num_threads() == 1
    ember.set_num_threads(2)
    assert ember.get_num_threads() == 2
    blas = [p for p in threadpoolctl.threadpool_info() if p["user_api"] == "blas"]
    assert all(p["num_threads"] == 1 for p in blas)  # NOTE [ One-thread BLAS ]: ember's shares
    ember.set_num_interop_threads(3)
    assert ember.get_num_interop_threads() == 3


@pytest.mark.parametrize("fn", ["set_num_threads", "set_num_interop_threads"])
@pytest.mark.parametrize("value", [0, -1, 1.5])
def test_num_threads_errors(fn, value):
    with pytest.raises(RuntimeError):
        getattr(torch, fn)(value)
    with pytest.raises(RuntimeError):
        getattr(ember, fn)(value)


def test_deterministic_round_trip(restore_settings):
    assert not ember.are_deterministic_algorithms_enabled()
    ember.use_deterministic_algorithms(True, warn_only=True)
    assert ember.are_deterministic_algorithms_enabled()
    assert ember.is_deterministic_algorithms_warn_only_enabled()
    ember.use_deterministic_algorithms(False)
    assert not ember.are_deterministic_algorithms_enabled()
    assert not ember.is_deterministic_algorithms_warn_only_enabled()
    with pytest.raises(TypeError):
        ember.use_deterministic_algorithms("yes")
    with pytest.raises(TypeError):
        ember.use_deterministic_algorithms(True, True)  # warn_only is keyword-only


def test_default_device(restore_settings):
    assert ember.get_default_device() == ember.device("cpu")
    ember.set_default_device("cpu")
    assert ember.get_default_device() == ember.device("cpu")
    ember.set_default_device(None)
    assert ember.get_default_device().type == "cpu"


def test_creation_functions_follow_default_device(restore_settings, monkeypatch):
    chosen = []
    from ember.ops import creation
    original = creation.backend_for_device
    monkeypatch.setattr(creation, "backend_for_device",
                        lambda device: chosen.append(device) or original(ember.device("cpu")))
    monkeypatch.setitem(_settings._state, "default_device", ember.device("cuda", 1))
    for make in (lambda: ember.zeros(2), lambda: ember.tensor([1.0]), lambda: ember.arange(3),
                 lambda: ember.full((2,), 1.0), lambda: ember.eye(2)):
        chosen.clear()
        make()
        assert chosen == [ember.device("cuda", 1)]


def test_random_functions_follow_default_device(restore_settings, monkeypatch):
    chosen = []
    from ember.ops import random
    original = random.backend_for_device
    monkeypatch.setattr(random, "backend_for_device",
                        lambda device: chosen.append(device) or original(ember.device("cpu")))
    monkeypatch.setitem(_settings._state, "default_device", ember.device("cuda", 1))
    for make in (lambda: ember.rand(2), lambda: ember.randn(2), lambda: ember.randint(0, 3, (2,)),
                 lambda: ember.randperm(3)):
        chosen.clear()
        make()
        assert chosen == [ember.device("cuda", 1)]


def test_anomaly_aliases():
    assert ember.is_anomaly_enabled() is False
    ember.set_anomaly_enabled(True)
    try:
        assert ember.is_anomaly_enabled() and ember.is_anomaly_check_nan_enabled()
    finally:
        ember.set_anomaly_enabled(False)
    assert not ember.is_anomaly_enabled()


def test_memory_formats():
    assert isinstance(ember.channels_last, ember.memory_format)
    assert repr(ember.channels_last) == "ember.channels_last"
    assert pickle.loads(pickle.dumps(ember.channels_last)) is ember.channels_last


@pytest.mark.parametrize("shape, fmt, permutation", [
    ((2, 3, 4, 5), "channels_last", None),
    ((2, 3, 4, 5), "channels_last", (0, 2, 3, 1)),
    ((2, 1, 1, 1), "channels_last", None),
    ((2, 3, 4), "channels_last", None),
    ((2, 3, 4, 5, 6), "channels_last_3d", (0, 2, 3, 4, 1)),
    ((2, 3, 4, 5, 6), "channels_last_3d", None),
    ((2, 3, 4, 5), "contiguous_format", None),
    ((2, 3, 4, 5), "preserve_format", (0, 2, 1, 3)),
])
def test_is_contiguous_memory_format(shape, fmt, permutation):
    def layout(lib):
        x = lib.arange(math.prod(shape)).reshape(shape)
        if permutation is not None:  # a channels-last array seen as NCHW
            inverse = sorted(range(len(shape)), key=permutation.__getitem__)
            x = x.reshape([shape[i] for i in permutation]).permute(*inverse)
        return x.is_contiguous(memory_format=getattr(lib, fmt))
    assert layout(ember) == layout(torch)


def test_memory_format_arguments_keep_the_layout():
    x = ember.randn(2, 3, 4, 5)
    for y in (x.contiguous(memory_format=ember.channels_last),
              x.clone(memory_format=ember.channels_last),
              x.to(memory_format=ember.channels_last),
              ember.zeros_like(x, memory_format=ember.channels_last)):
        assert y.shape == x.shape and y.is_contiguous()
    assert ember.equal(x.clone(memory_format=ember.channels_last), x)
    ember.nn.Linear(2, 2).to(memory_format=ember.channels_last)  # 2-D weights: left alone


@pytest.mark.parametrize("call", [
    lambda lib, x: x.contiguous(memory_format=lib.channels_last),
    lambda lib, x: x.clone(memory_format=lib.channels_last_3d),
    lambda lib, x: x.to(memory_format=lib.channels_last),
])
def test_memory_format_rank_errors(call):
    with pytest.raises(RuntimeError):
        call(torch, torch.ones(2, 3))
    with pytest.raises(RuntimeError):
        call(ember, ember.ones(2, 3))


def test_memory_format_type_error():
    with pytest.raises(TypeError):
        torch.ones(2).contiguous(memory_format=3)
    with pytest.raises(TypeError):
        ember.ones(2).contiguous(memory_format=3)
