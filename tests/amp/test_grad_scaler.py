"""GradScaler against torch.amp.GradScaler("cpu"), step by step."""
import pickle
import warnings

import numpy as np
import pytest
import torch

import ember


def _setup(lib, **scaler_args):
    param = lib.nn.Parameter(lib.tensor([1.0, -2.0, 3.0]))
    optimizer = lib.optim.SGD([param], lr=0.1)
    return param, optimizer, lib.amp.GradScaler("cpu", **scaler_args)


def _iteration(lib, param, optimizer, scaler, poison, clip=None):
    optimizer.zero_grad()
    loss = (param * param).sum() * (float("inf") if poison else 1.0)
    scaler.scale(loss).backward()
    if clip is not None:
        scaler.unscale_(optimizer)
        lib.nn.utils.clip_grad_norm_([param], clip)
    scaler.step(optimizer)
    scaler.update()


def test_steps_match_torch_through_growth_and_backoff():
    # growth_interval 3: inf, 3 clean steps (growth), inf, 4 clean steps, inf
    schedule = [True, False, False, False, True, False, False, False, False, True, False]
    states = {}
    for lib in (torch, ember):
        param, optimizer, scaler = _setup(lib, init_scale=2.0 ** 10, growth_interval=3)
        trace = []
        for poison in schedule:
            _iteration(lib, param, optimizer, scaler, poison)
            trace.append((scaler.get_scale(), scaler._get_growth_tracker(),
                          param.detach().tolist()))
        states[lib.__name__] = trace
    for step, (ours, theirs) in enumerate(zip(states["ember"], states["torch"])):
        assert ours[:2] == theirs[:2], f"step {step}: (scale, tracker) {ours[:2]} != {theirs[:2]}"
        np.testing.assert_allclose(ours[2], theirs[2], rtol=1e-6, err_msg=f"step {step}")


def test_inf_gradients_skip_the_step():
    param, optimizer, scaler = _setup(ember, init_scale=4.0)
    _iteration(ember, param, optimizer, scaler, poison=True)
    assert param.tolist() == [1.0, -2.0, 3.0] and scaler.get_scale() == 2.0


def test_unscale_before_clipping_matches_torch():
    results = {}
    for lib in (torch, ember):
        param, optimizer, scaler = _setup(lib, init_scale=2.0 ** 8)
        _iteration(lib, param, optimizer, scaler, poison=False, clip=1.0)
        results[lib.__name__] = (param.detach().tolist(), param.grad.tolist())
    np.testing.assert_allclose(results["ember"], results["torch"], rtol=1e-6)


def test_unscale_twice_and_after_step_raise():
    param, optimizer, scaler = _setup(ember)
    scaler.scale((param * param).sum()).backward()
    scaler.unscale_(optimizer)
    with pytest.raises(RuntimeError, match=r"unscale_\(\) has already been called on this "
                                           r"optimizer since the last update\(\)."):
        scaler.unscale_(optimizer)
    scaler.step(optimizer)
    with pytest.raises(RuntimeError, match=r"unscale_\(\) is being called after step\(\)."):
        scaler.unscale_(optimizer)
    with pytest.raises(RuntimeError, match=r"step\(\) has already been called since the last "
                                           r"update\(\)."):
        scaler.step(optimizer)
    scaler.update()
    with pytest.raises(RuntimeError, match="Closure use is not currently supported"):
        scaler.step(optimizer, closure=lambda: 0)


def test_misuse_raises_like_torch():
    param, optimizer, scaler = _setup(ember)
    with pytest.raises(AssertionError, match="Attempted step but _scale is None"):
        scaler.step(optimizer)
    with pytest.raises(AssertionError, match="The growth factor must be > 1.0."):
        ember.amp.GradScaler("cpu", growth_factor=1.0)
    with pytest.raises(AssertionError, match="The backoff factor must be < 1.0."):
        ember.amp.GradScaler("cpu", backoff_factor=1.0)
    half = ember.nn.Parameter(ember.ones(2, dtype=ember.float16))
    half_optimizer = ember.optim.SGD([half], lr=0.1)
    scaler.scale(half.float().sum()).backward()
    with pytest.raises(ValueError, match="Attempting to unscale FP16 gradients."):
        scaler.unscale_(half_optimizer)


def test_state_dict_round_trip_matches_torch():
    dicts = {}
    for lib in (torch, ember):
        param, optimizer, scaler = _setup(lib, init_scale=64.0, growth_interval=2)
        for poison in (False, True, False):
            _iteration(lib, param, optimizer, scaler, poison)
        dicts[lib.__name__] = scaler.state_dict()
    assert dicts["ember"] == dicts["torch"]
    restored = ember.amp.GradScaler("cpu")
    restored.load_state_dict(dicts["ember"])
    assert restored.state_dict() == dicts["ember"]
    with pytest.raises(RuntimeError, match="The source state dict is empty"):
        restored.load_state_dict({})


def test_update_with_new_scale_and_pickle():
    param, optimizer, scaler = _setup(ember)
    _iteration(ember, param, optimizer, scaler, poison=False)
    scaler.update(new_scale=8.0)
    assert scaler.get_scale() == 8.0
    scaler.update(new_scale=ember.tensor(16.0))
    assert scaler.get_scale() == 16.0
    copy = pickle.loads(pickle.dumps(scaler))
    assert copy.get_scale() == 16.0 and copy.state_dict() == scaler.state_dict()


def test_scale_nested_outputs():
    scaler = ember.amp.GradScaler("cpu", init_scale=2.0)
    scaled = scaler.scale([ember.ones(1), (ember.ones(2), ember.ones(1))])
    assert [scaled[0].tolist(), scaled[1][0].tolist()] == [[2.0], [2.0, 2.0]]
    assert isinstance(scaled[1], tuple)


def test_disabled_scaler_passes_through():
    param, optimizer, scaler = _setup(ember, enabled=False)
    loss = (param * param).sum()
    assert scaler.scale(loss) is loss
    loss.backward()
    scaler.step(optimizer)
    scaler.update()
    np.testing.assert_allclose(param.tolist(), [0.8, -1.6, 2.4], rtol=1e-6)
    assert (scaler.get_scale(), scaler.state_dict(), scaler.is_enabled()) == (1.0, {}, False)


@pytest.mark.skipif(ember.cuda.is_available(), reason="checks the no-GPU behaviour")
def test_cuda_scaler_without_cuda_warns_and_disables():
    with pytest.warns(UserWarning, match="CUDA is not available.  Disabling."):
        scaler = ember.amp.GradScaler()
    assert scaler.is_enabled() is False
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.warns(FutureWarning, match="torch.cuda.amp.GradScaler"):
            ember.cuda.amp.GradScaler()
