"""ember.save / ember.load: round trips, safety against code in files, atomic writes."""
import io
import os
import pickle
import subprocess
import sys
import textwrap

import numpy as np
import pytest
import torch

import ember


class Payload:
    def __reduce__(self):
        return (os.system, ("echo pwned",))


def roundtrip(obj, **load_args):
    buffer = io.BytesIO()
    ember.save(obj, buffer)
    buffer.seek(0)
    return ember.load(buffer, **load_args)


def test_nested_containers_round_trip():
    obj = {"weights": ember.randn(3, 4), "ints": ember.arange(5), "half": ember.ones(2).half(),
           "bf16": ember.ones(2).bfloat16(), "flags": ember.tensor([True, False]),
           7: [1, 2.5, None, "text", (ember.zeros(0, 3),)], "dtype": ember.float64,
           "size": ember.Size([2, 3]), "huge": 2**62, "nan": float("nan")}
    back = roundtrip(obj)
    assert set(back) == set(obj)
    for key in ("weights", "ints", "half", "bf16", "flags"):
        assert back[key].dtype == obj[key].dtype
        np.testing.assert_array_equal(np.asarray(back[key].float()), np.asarray(obj[key].float()))
    assert back[7][:4] == [1, 2.5, None, "text"]
    assert isinstance(back[7][4], tuple) and tuple(back[7][4][0].shape) == (0, 3)
    assert back["dtype"] is ember.float64 and back["size"] == ember.Size([2, 3])
    assert back["huge"] == 2**62 and np.isnan(back["nan"])


def test_requires_grad_and_parameters_survive():
    weight = ember.nn.Parameter(ember.ones(2))
    back = roundtrip({"w": weight, "x": ember.ones(1, requires_grad=True)})
    assert isinstance(back["w"], ember.nn.Parameter) and back["w"].requires_grad
    assert back["x"].requires_grad


def test_module_and_optimizer_state_round_trip(tmp_path):
    model = ember.nn.Linear(3, 2)
    optimizer = ember.optim.Adam(model.parameters(), lr=0.1)
    model(ember.ones(4, 3)).sum().backward()
    optimizer.step()
    path = tmp_path / "checkpoint.pt"
    ember.save({"model": model.state_dict(), "optimizer": optimizer.state_dict()}, path)
    state = ember.load(path)
    fresh = ember.nn.Linear(3, 2)
    fresh.load_state_dict(state["model"])
    assert ember.equal(fresh.weight, model.weight)
    fresh_optimizer = ember.optim.Adam(fresh.parameters(), lr=0.1)
    fresh_optimizer.load_state_dict(state["optimizer"])
    assert ember.equal(fresh_optimizer.state_dict()["state"][0]["exp_avg"],
                       optimizer.state_dict()["state"][0]["exp_avg"])


def test_map_location_forms():
    x = ember.ones(2)
    assert roundtrip(x, map_location="cpu").device == ember.device("cpu")
    assert roundtrip(x, map_location={"cpu": "cpu"}).device == ember.device("cpu")
    called = []
    back = roundtrip(x, map_location=lambda t, location: called.append(location) or t * 2)
    assert called == ["cpu"] and back.tolist() == [2.0, 2.0]


def test_other_objects_are_pickled_and_load_only_with_weights_only_false():
    """As torch: save stores a whole model; load refuses the pickle unless told to trust it."""
    model = ember.nn.Sequential(ember.nn.Linear(3, 2), ember.nn.ReLU())
    buffer = io.BytesIO()
    ember.save({"model": model, "obj": {1, 2}}, buffer)
    buffer.seek(0)
    with pytest.raises(pickle.UnpicklingError, match="weights_only=False"):
        ember.load(buffer)
    buffer.seek(0)
    loaded = ember.load(buffer, weights_only=False)
    assert loaded["obj"] == {1, 2}
    x = ember.randn(4, 3)
    assert ember.equal(loaded["model"](x), model(x))
    with pytest.raises(TypeError, match="state_dict"):
        ember.save({"bad": Payload()}, io.BytesIO(), allow_pickle=False)


def test_a_malicious_pickle_is_never_executed(tmp_path):
    path = tmp_path / "evil.pt"
    path.write_bytes(pickle.dumps(Payload()))
    with pytest.raises(pickle.UnpicklingError, match="posix.system.*could run code"):
        ember.load(path)


def test_truncated_and_corrupted_files_raise(tmp_path):
    path = tmp_path / "model.pt"
    ember.save({"w": ember.randn(100)}, path)
    payload = path.read_bytes()
    path.write_bytes(payload[:-10])
    with pytest.raises(RuntimeError, match="truncated or corrupted"):
        ember.load(path)
    corrupted = bytearray(payload)
    corrupted[-5] ^= 0xFF
    path.write_bytes(bytes(corrupted))
    with pytest.raises(RuntimeError, match="corrupted"):
        ember.load(path)
    path.write_bytes(b"not a checkpoint at all")
    with pytest.raises(RuntimeError, match="not an ember checkpoint"):
        ember.load(path)


def test_a_killed_writer_leaves_the_previous_checkpoint(tmp_path):
    path = tmp_path / "checkpoint.pt"
    ember.save({"step": 1, "w": ember.ones(3)}, path)
    script = textwrap.dedent(f"""
        import os, ember
        os.fsync = lambda fd: os._exit(9)  # killed after writing, before the rename
        ember.save({{"step": 2, "w": ember.zeros(10**6)}}, {str(path)!r})
    """)
    result = subprocess.run([sys.executable, "-c", script])
    assert result.returncode == 9
    state = ember.load(path)
    assert state["step"] == 1 and state["w"].tolist() == [1.0, 1.0, 1.0]


def test_zero_dim_tensors_keep_their_shape():
    back = roundtrip({"step": ember.tensor(3.0), "flag": ember.tensor(True)})
    assert back["step"].shape == () and back["step"].item() == 3.0
    assert back["flag"].shape == () and back["flag"].item() is True


@pytest.mark.parametrize("zipfile_format", [True, False])
def test_torch_checkpoints_load_without_running_code(tmp_path, zipfile_format):
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.BatchNorm1d(4))
    checkpoint = {"model": model.state_dict(), "epoch": 7, "lr": [0.1, 0.01],
                  "complex": torch.tensor([1 + 2j]), "half": torch.ones(2, dtype=torch.float16),
                  "strided": torch.arange(12.0).reshape(3, 4).t(),
                  "parameter": torch.nn.Parameter(torch.ones(2))}
    path = tmp_path / "checkpoint.pth"
    torch.save(checkpoint, path, _use_new_zipfile_serialization=zipfile_format)
    loaded = ember.load(path, map_location="cpu")
    assert loaded["epoch"] == 7 and loaded["lr"] == [0.1, 0.01]
    assert list(loaded["model"]) == list(checkpoint["model"])
    for key, value in checkpoint["model"].items():
        np.testing.assert_array_equal(loaded["model"][key].numpy(), value.numpy())
    assert loaded["complex"].dtype is ember.complex64 and loaded["half"].dtype is ember.float16
    np.testing.assert_array_equal(loaded["strided"].numpy(), checkpoint["strided"].numpy())
    assert isinstance(loaded["parameter"], ember.nn.Parameter)
    ours = ember.nn.Sequential(ember.nn.Linear(3, 4), ember.nn.BatchNorm1d(4))
    ours.load_state_dict(loaded["model"])
    ours.eval(), model.eval()
    x = np.random.default_rng(0).normal(size=(5, 3)).astype(np.float32)
    np.testing.assert_allclose(ours(ember.tensor(x)).detach().numpy(),
                               model(torch.tensor(x)).detach().numpy(), rtol=1e-6)
    moved = ember.load(path, map_location=lambda tensor, location: tensor.double())
    assert moved["model"]["0.weight"].dtype is ember.float64


def test_a_whole_pickled_torch_module_is_refused(tmp_path):
    path = tmp_path / "model.pth"
    torch.save(torch.nn.Linear(2, 2), path)
    with pytest.raises(pickle.UnpicklingError, match="torch.nn.modules.linear.Linear"):
        ember.load(path)
