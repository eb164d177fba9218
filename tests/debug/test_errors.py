"""Errors that name the layer, the shapes and the fix."""
import numpy as np
import pytest
from conftest import CifarNet

import ember
import ember.nn as nn
import ember.nn.functional as F
from ember import backend
from ember.backend.device import device


def test_classic_cifar_linear_mistake_names_fc1_and_the_fix(cifar_batch):
    model = CifarNet(flat=64 * 4 * 4)  # the tutorial's 5x5 kernels leave 4x4; 3x3 leave 6x6
    with pytest.raises(RuntimeError) as error:
        model(cifar_batch[0])
    message = str(error.value)
    assert message.startswith("mat1 and mat2 shapes cannot be multiplied (2x2304 and 1024x128)")
    assert ("In layer 'fc1' = Linear(in_features=1024, out_features=128, bias=True): expected "
            "1024 input features but got 2304 (input shape [2, 2304])") in message
    assert "in_features=2304: nn.Linear(2304, 128)" in message


def test_linear_called_directly_still_gives_the_fix():
    with pytest.raises(RuntimeError, match=r"In layer Linear\(in_features=3, .*in_features=5"):
        nn.Linear(3, 2)(ember.randn(4, 5))


def test_conv_channel_mismatch_names_the_layer_path():
    model = nn.Sequential(nn.Conv2d(3, 16, 3), nn.ReLU(), nn.Conv2d(32, 8, 3))
    with pytest.raises(RuntimeError) as error:
        model(ember.randn(1, 3, 10, 10))
    message = str(error.value)
    assert "expected input[1, 16, 8, 8] to have 32 channels, but got 16 channels" in message
    assert "in_channels=16" in message
    assert message.endswith("In layer '2' = Conv2d(32, 8, kernel_size=(3, 3), stride=(1, 1))")


def test_errors_of_other_nested_layers_get_their_path_and_user_errors_are_untouched():
    model = nn.Sequential(nn.Linear(4, 6), nn.Sequential(nn.BatchNorm1d(5)))
    with pytest.raises(RuntimeError, match=r"(?s)num_features=6.*\nIn layer '1\.0' = BatchNorm1d"):
        model(ember.randn(3, 4))

    class Net(nn.Module):
        def forward(self, x):
            raise RuntimeError("mine")

    with pytest.raises(RuntimeError) as error:
        nn.Sequential(Net())(ember.ones(1))
    assert str(error.value) == "mine"


@pytest.mark.parametrize("target, expected", [
    (ember.randn(4), r"expected target of dtype int64 \(class indices\).*got float32"),
    (ember.zeros(4, 3, dtype=ember.long),
     r"expected a target of shape \(4,\) .*got shape \(4, 3\)"),
])
def test_cross_entropy_target_mistakes(target, expected):
    with pytest.raises(RuntimeError, match=expected):
        F.cross_entropy(ember.randn(4, 10), target)


def test_cross_entropy_batch_mismatch_names_both_sizes():
    with pytest.raises(ValueError, match=r"input batch_size \(4\) to match target batch_size "
                                         r"\(5\)"):
        nn.CrossEntropyLoss()(ember.randn(4, 10), ember.zeros(5, dtype=ember.long))


def test_view_shape_mistake_names_the_shape_and_the_size():
    x = ember.randn(4, 64, 6, 6)
    with pytest.raises(RuntimeError, match=r"shape '\[-1, 1000\]' is invalid for input of size "
                                           r"9216"):
        x.view(-1, 1000)
    with pytest.raises(RuntimeError, match=r"Use \.reshape\(\.\.\.\) instead"):
        x.transpose(1, 2).view(4, -1)


class _FakeCudaArray(np.ndarray):
    """A numpy array that ember's device machinery sees as living on cuda:0."""


def test_device_mismatch_names_both_devices(monkeypatch):
    fake = backend.Backend("cuda", np, _FakeCudaArray, lambda array: device("cuda", 0), None)
    monkeypatch.setitem(backend._BY_ARRAY_TYPE, _FakeCudaArray, fake)
    on_gpu = ember.Tensor._make(np.ones(3, np.float32).view(_FakeCudaArray))
    assert str(on_gpu.device) == "cuda:0"
    with pytest.raises(RuntimeError, match=r"found at least two devices, cpu and cuda:0! "
                                           r"\(in Add\) Move them with \.to\(device\)"):
        ember.ones(3) + on_gpu
