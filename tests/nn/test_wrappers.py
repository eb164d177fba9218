"""DataParallel, SyncBatchNorm (with convert_sync_batchnorm) and DistributedDataParallel
against torch on one device and without a process group."""
import numpy as np
import pytest
import torch

import ember
from oracle import check_op, to_numpy


def _model(nn):
    return nn.Sequential(nn.Linear(4, 3), nn.BatchNorm1d(3), nn.ReLU(), nn.Linear(3, 2))


def test_data_parallel_runs_the_module_with_torch_keys():
    inner = _model(ember.nn)
    model = ember.nn.DataParallel(inner)
    reference = torch.nn.DataParallel(_model(torch.nn))
    assert repr(model) == repr(reference)
    assert list(model.state_dict()) == list(reference.state_dict())
    assert model.module is inner and model.device_ids == reference.device_ids == []
    x = ember.randn(5, 4)
    np.testing.assert_array_equal(to_numpy(model(x)), to_numpy(inner(x)))


def test_data_parallel_state_dict_round_trip():
    model = ember.nn.DataParallel(_model(ember.nn))
    model(ember.randn(6, 4))  # moves the running statistics
    # into a plain torch model (keys without the prefix) and back
    plain = _model(torch.nn)
    plain.load_state_dict({k[len("module."):]: torch.tensor(to_numpy(v))
                           for k, v in model.state_dict().items()})
    wrapped_torch = torch.nn.DataParallel(plain)
    restored = ember.nn.DataParallel(_model(ember.nn))
    restored.load_state_dict({k: ember.tensor(v.numpy())
                              for k, v in wrapped_torch.state_dict().items()})
    for key, value in model.state_dict().items():
        np.testing.assert_array_equal(to_numpy(restored.state_dict()[key]), to_numpy(value))
    with pytest.raises(RuntimeError, match="Missing key"):
        _model(ember.nn).load_state_dict(model.state_dict())
    model.eval(), restored.eval()
    x = ember.randn(3, 4)
    np.testing.assert_array_equal(to_numpy(model(x)), to_numpy(restored(x)))


@pytest.mark.parametrize("shape", [(6, 3), (4, 3, 5), (2, 3, 4, 4), (2, 3, 2, 2, 3)])
@pytest.mark.parametrize("training", [True, False])
def test_sync_batch_norm_is_batch_norm(shape, training):
    layers = {L: L.nn.SyncBatchNorm(3, momentum=0.3).train(training) for L in (ember, torch)}
    check_op(lambda L, x: layers[L](x), shapes=[shape], name=f"SyncBatchNorm {training}")
    np.testing.assert_allclose(to_numpy(layers[ember].running_mean),
                               to_numpy(layers[torch].running_mean), rtol=1e-5, atol=1e-6)
    assert list(layers[ember].state_dict()) == list(layers[torch].state_dict())
    assert repr(layers[ember]) == repr(layers[torch])


@pytest.mark.parametrize("shape,message", [((3,), "expected at least 2D input"),
                                           ((4, 0, 2), "number of input channels")])
def test_sync_batch_norm_errors(shape, message):
    for L in (ember, torch):
        with pytest.raises(ValueError, match=message):
            L.nn.SyncBatchNorm(3)(L.randn(shape))


def test_convert_sync_batchnorm():
    def build(nn):
        return nn.Sequential(nn.Conv2d(3, 4, 3), nn.BatchNorm2d(4),
                             nn.Sequential(nn.BatchNorm1d(2, affine=False)))
    model = build(ember.nn).eval()
    converted = ember.nn.SyncBatchNorm.convert_sync_batchnorm(model)
    reference = torch.nn.SyncBatchNorm.convert_sync_batchnorm(build(torch.nn).eval())
    assert repr(converted) == repr(reference)
    assert type(converted[1]) is ember.nn.SyncBatchNorm and not converted[1].training
    assert converted[1].weight is model[1].weight
    assert converted[1].running_mean is model[1].running_mean
    assert converted[0] is model[0]
    assert list(converted.state_dict()) == list(reference.state_dict())


def test_distributed_data_parallel_without_process_group():
    with pytest.raises(ValueError, match="Default process group has not been initialized"):
        torch.nn.parallel.DistributedDataParallel(torch.nn.Linear(3, 2))
    with pytest.raises(ValueError, match="(?s)Default process group.*ember.distributed"):
        ember.nn.parallel.DistributedDataParallel(ember.nn.Linear(3, 2))
